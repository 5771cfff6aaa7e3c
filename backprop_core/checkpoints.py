"""The lesson's predict checkpoints: the question, its answer and its working, from the core.

The lesson page (renderer/notebook.py) pauses at the end of the beat named
``after`` and asks; it never computes an answer itself. Numbers print as the
scenes print them (``Quantity.text``, through ``plain`` for text).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from . import descent_view, network, refresher
from .numbers import fmt, fmt_fixed, page_text
from .params import Params

# A numeric answer is right within this share of the core's value: a prediction made with
# the rounded numbers on screen lands well inside it, a wrong step (1.7 for 1.6) does not.
RELATIVE_TOLERANCE = 0.02


@dataclass(frozen=True)
class Checkpoint:
    id: str
    section: str  # the manifest's name of the section
    after: str  # the beat at whose end the page asks
    question: str
    kind: str  # "number" or "choice"
    answer: float | str  # the number, or the right choice
    answer_text: str  # the answer as the lesson prints it
    working: str  # how the lesson gets it, with its numbers
    tolerance: float = 0.0  # absolute, for "number"
    tolerance_text: str = ""
    choices: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return asdict(self)


def _number(**kw) -> Checkpoint:
    value = float(kw["answer"])
    tolerance = abs(value) * RELATIVE_TOLERANCE
    return Checkpoint(
        kind="number",
        tolerance=tolerance,
        tolerance_text=f"within {RELATIVE_TOLERANCE:.0%} of the answer (± {fmt(tolerance)})",
        **kw,
    )


def checkpoints(p: Params) -> tuple[Checkpoint, ...]:
    d = refresher.derivative_prediction(p.derivative_x)
    after_x = fmt_fixed(d.x.exact + d.dx.exact)  # as the scene's readouts print it
    c = refresher.chain_example()
    w = network.walkthrough(p)
    b = w.backward
    first = descent_view.view(p).steps[0]
    lowers = first.loss_went == "down"
    return (
        _number(
            id="derivative-predict",
            section="derivative",
            after="stop-at-x",
            question=(
                f"At x = {d.x.text}, f(x) = {d.fx.text} and the slope f′(x) = {d.slope.text}. "
                f"Predict f({after_x}) from the slope alone (Δx = {d.dx.text})."
            ),
            answer=d.predicted.value,
            answer_text=d.predicted.text,
            working=(
                f"f(x + Δx) ≈ f(x) + f′(x)·Δx = {page_text(d.predicted.substituted)} = {d.predicted.text} "
                f"(the true f({after_x}) is {d.actual.text})."
            ),
        ),
        _number(
            id="worked-example-change",
            section="worked-example",
            after="plug-in",
            question=(
                f"dy/dx = {c.dy_dx.text} at x = {c.x.text}. By about how much does y change "
                f"for a step Δx = {c.dx.text}?"
            ),
            answer=c.predicted_change.value,
            answer_text=c.predicted_change.text,
            working=f"Δy ≈ dy/dx · Δx = {page_text(c.predicted_change.substituted)} = {c.predicted_change.text}.",
        ),
        _number(
            id="network-walk-gradient",
            section="network-walk",
            after="step-09-da1-dz1",
            question=(
                f"The running product is ∂L/∂z₁ = {b.dL_dz1.text}, and the last box, ∂z₁/∂w₁, is "
                f"the input x = {w.inputs.x.text}. Before the walk multiplies it out: what is ∂L/∂w₁?"
            ),
            answer=b.dL_dw1.value,
            answer_text=b.dL_dw1.text,
            working=(
                f"∂L/∂w₁ = ∂L/∂z₁ · ∂z₁/∂w₁ = {page_text(b.dL_dw1.substituted)} = {b.dL_dw1.text}: "
                f"the five boxes {' · '.join(page_text(q.factor) for q in b.boxes)} multiplied."
            ),
        ),
        Checkpoint(
            id="descent-first-step",
            section="descent",
            after="the-update-rule",
            question=(
                f"At w₁ = {first.w1_before.text} the slope ∂L/∂w₁ is {first.slope.text}. "
                f"Will the first step, {page_text(first.w1.substituted)}, lower the loss?"
            ),
            kind="choice",
            choices=("yes", "no"),
            answer="yes" if lowers else "no",
            answer_text="yes" if lowers else "no",
            working=(
                f"w₁ moves against the slope, to {first.w1.text}; the loss goes {first.loss_went}, "
                f"from {fmt(first.before.loss)} to {fmt(first.after.loss)}."
            ),
        ),
    )
