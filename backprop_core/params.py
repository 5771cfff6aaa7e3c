"""The lesson's parameters: one validated object, overridable per render.

A render passes overrides to every scene process through the environment
variable ``BACKPROP_PARAMS`` (JSON), so ``./render.sh --set w1=0.3`` reaches
all scenes, including ones rendered in parallel processes.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
from dataclasses import dataclass, fields

from .points import DERIVATIVE_DX, DERIVATIVE_X, DERIVATIVE_X_RANGE, PARTIALS_POINT, PARTIALS_RANGE

ENV_VAR = "BACKPROP_PARAMS"

LOSS_CHOICES = ("squared", "half")

# (low, high) inclusive bounds. Wide enough for any sensible lesson, narrow
# enough that sigmoids don't saturate to exactly 0/1 in floating point and the
# numbers still fit on screen.
NUMERIC_FIELDS: dict[str, tuple[float, float, str]] = {
    "x": (-5.0, 5.0, "the network's input"),
    "w1": (-5.0, 5.0, "the hidden unit's weight"),
    "w2": (-5.0, 5.0, "the output unit's weight"),
    "b1": (-5.0, 5.0, "the hidden unit's bias"),
    "b2": (-5.0, 5.0, "the output unit's bias"),
    "y": (0.0, 1.0, "the target (a sigmoid output lies between 0 and 1)"),
    "lr": (1e-4, 10.0, "the learning rate eta (must be > 0)"),
    # The seed's sliders: where the refresher's sections (and their explorers) stop.
    "derivative_x": (
        DERIVATIVE_X_RANGE[0],
        DERIVATIVE_X_RANGE[1] - DERIVATIVE_DX,
        "where the derivative section stops and predicts f(x + 0.1): inside its plot",
    ),
    "partials_x": (*PARTIALS_RANGE, "the x of the partials section's point: on its heatmap"),
    "partials_y": (*PARTIALS_RANGE, "the y of the partials section's point: on its heatmap"),
}


class ParameterError(ValueError):
    """A parameter value was refused; the message names the field and the fix."""


@dataclass(frozen=True)
class Params:
    """Everything a viewer could change about the lesson: its network and the refresher's sliders.

    Defaults are the notebook's: x=1.0, w1=0.5, w2=0.8, b1=b2=0, y=1.0.
    The learning rate defaults to 1.0, so the update reads w1 - dL/dw1.
    ``loss`` is "squared" for L=(a2-y)^2 or "half" for L=1/2(a2-y)^2.
    The refresher's sliders: ``derivative_x`` (the seed's x = 2.00) and the
    partials' point (``partials_x``, ``partials_y``: the seed's (0.5, 0.3)).
    """

    x: float = 1.0
    w1: float = 0.5
    w2: float = 0.8
    b1: float = 0.0
    b2: float = 0.0
    y: float = 1.0
    lr: float = 1.0
    loss: str = "squared"
    derivative_x: float = DERIVATIVE_X
    partials_x: float = PARTIALS_POINT[0]
    partials_y: float = PARTIALS_POINT[1]

    def __post_init__(self) -> None:
        self._check(ranges=True)

    def _check(self, ranges: bool) -> None:
        """Types and finiteness always; the input ranges only for inputs (``derived``
        values, such as the updated weight, may leave them)."""
        for name, (low, high, meaning) in NUMERIC_FIELDS.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ParameterError(
                    f"parameter {name} ({meaning}) must be a number, got {value!r}; "
                    f"use a value in [{low:g}, {high:g}], e.g. --set {name}={getattr(DEFAULTS_RAW, name)}"
                )
            if not math.isfinite(value):
                raise ParameterError(
                    f"parameter {name} ({meaning}) must be finite, got {value!r}; use a value in [{low:g}, {high:g}]"
                )
            if ranges and not low <= value <= high:
                # repr, never rounded: 5.000000001 must not print as "5" beside "[-5, 5]".
                raise ParameterError(
                    f"parameter {name} ({meaning}) = {value!r} is out of range; use a value in [{low:g}, {high:g}]"
                )
            object.__setattr__(self, name, float(value))
        if self.loss not in LOSS_CHOICES:
            raise ParameterError(
                f"parameter loss must be one of {', '.join(LOSS_CHOICES)}, got {self.loss!r}; "
                "squared is L=(a2-y)^2, half is L=1/2(a2-y)^2"
            )

    def derived(self, **changes) -> Params:
        """These parameters with values the core computed (the updated w1, a
        descent step's w1): checked to be finite numbers, not held to the input
        ranges, which bound what a user may ask for, not where training goes."""
        new = object.__new__(Params)
        for f in fields(self):
            object.__setattr__(new, f.name, changes.pop(f.name, getattr(self, f.name)))
        if changes:
            raise TypeError(f"unknown parameter(s): {', '.join(changes)}")
        new._check(ranges=False)
        return new

    # -- construction from text -------------------------------------------
    def with_overrides(self, assignments: list[str] | tuple[str, ...]) -> Params:
        """Apply ``name=value`` strings (as given to ``--set``)."""
        changes: dict[str, object] = {}
        names = [f.name for f in fields(self)]
        for item in assignments:
            if "=" not in item:
                raise ParameterError(
                    f"--set expects name=value, got {item!r}; e.g. --set w1=0.3 (names: {', '.join(names)})"
                )
            name, _, text = item.partition("=")
            name, text = name.strip(), text.strip()
            if name not in names:
                raise ParameterError(f"unknown parameter {name!r}; known parameters: {', '.join(names)}")
            if name == "loss":
                changes[name] = text
                continue
            try:
                changes[name] = float(text)
            except ValueError:
                low, high, meaning = NUMERIC_FIELDS[name]
                raise ParameterError(
                    f"parameter {name} ({meaning}) must be a number, got {text!r}; use a value in [{low:g}, {high:g}]"
                ) from None
        try:
            return dataclasses.replace(self, **changes)
        except ParameterError as exc:
            raise ParameterError(_as_typed(str(exc), assignments)) from None

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Params:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ParameterError(f"{ENV_VAR} is not valid JSON ({exc}); unset it or fix it") from None
        if not isinstance(data, dict):
            raise ParameterError(f"{ENV_VAR} must be a JSON object of parameters")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ParameterError(
                f"unknown parameter(s) {', '.join(unknown)} in {ENV_VAR}; known: {', '.join(sorted(known))}"
            )
        return cls(**data)

    @property
    def partials_point(self) -> tuple[float, float]:
        return (self.partials_x, self.partials_y)

    def is_default(self) -> bool:
        return self == Params()


DEFAULTS_RAW = Params.__new__(Params)  # field defaults, for messages, without validation
for _f in fields(Params):
    object.__setattr__(DEFAULTS_RAW, _f.name, _f.default)


def _as_typed(message: str, assignments) -> str:
    """A refusal names the value as the user typed it ("5.00000000000000001",
    which float() would round to 5.0 and so seem to agree with its bound)."""
    for item in assignments:
        name, _, text = item.partition("=")
        name, text = name.strip(), text.strip()
        if name in NUMERIC_FIELDS and message.startswith(f"parameter {name} "):
            return message.replace(f" = {float(text)!r} ", f" = {text} ", 1)
    return message


def current() -> Params:
    """The parameters of this render: the defaults plus any overrides in the environment."""
    text = os.environ.get(ENV_VAR, "").strip()
    return Params.from_json(text) if text else Params()
