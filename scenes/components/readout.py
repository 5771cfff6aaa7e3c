"""A live readout row: "x = 2.000", the number following a value as it changes.

``Readout(label, value)`` is a label, then a manim ``DecimalNumber`` that shows
``value()`` on every frame. The number keeps its left edge where it was laid out
(``DecimalNumber(edge_to_fix=LEFT)``), so it stays glued to its label however
wide it grows. Values too small for the lesson's fixed places read as their
digits times a power of ten ("-2.459 × 10⁻⁴"): pass the values the readout will
stop on as ``stops`` and ``numbers.readout_exponent`` picks the scale; the
factor is typeset by ``numbers.tex_scale``, so it reads exactly as ``fmt``'s
scientific form does, at the same spacing.

``Readouts`` stacks rows into a column. Both are mobjects whose methods return
animations, for a scene to combine in one ``play``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np
from manim import (
    DL,
    DOWN,
    DR,
    LEFT,
    RIGHT,
    Create,
    DecimalNumber,
    FadeIn,
    MathTex,
    Mobject,
    VGroup,
)
from manim.animation.animation import Animation

from backprop_core.numbers import READOUT_DECIMALS, fmt_fixed, readout_exponent, tex_scale
from scenes import style


class Readout(VGroup):
    """``label = number [× 10^e]``, the number following ``value()`` while the row is on screen.

    label: TeX of the name (the row adds "=": ``self.label[-1]`` is the "=") or
        a mobject used as it is (a heading in words, a symbol already typeset).
    stops: the values the readout will rest on. They choose the power of ten
        (``readout_exponent``) and the row is laid out at the widest of them, so
        its width at layout is the most it will need.
    """

    def __init__(
        self,
        label: str | Mobject,
        value: Callable[[], float],
        *,
        color: str,
        size: int = style.BODY,
        stops: Iterable[float] = (),
        gap: float = style.TIGHT,
    ) -> None:
        super().__init__()
        stops = [float(s) for s in stops]
        self.value = value
        self.exponent = readout_exponent(stops) if stops else 0
        if isinstance(label, str):
            label = MathTex(label, "=", font_size=size, color=color)
        self.label = label
        widest = max(stops, key=lambda s: len(fmt_fixed(s, exponent=self.exponent)), default=None)
        start = self._scaled(widest) if widest is not None else self._shown()
        self.number = DecimalNumber(
            start, num_decimal_places=READOUT_DECIMALS, font_size=size, color=color, edge_to_fix=LEFT
        )
        self.number.next_to(self.label, RIGHT, buff=gap)
        self.add(self.label, self.number)
        self.factor = None
        if self.exponent:
            self.factor, self._factor_offset = self._power_of_ten(size, color)
            self.add(self.factor)
        self.follow()

    def _scaled(self, value: float) -> float:
        return value / 10.0**self.exponent

    def _shown(self) -> float:
        return self._scaled(self.value())

    def _power_of_ten(self, size: int, color: str) -> tuple[MathTex, np.ndarray]:
        """ "× 10^e" and where it sits after a number, in units of the digits' height.

        Typeset after a stand-in digit, so LaTeX spaces the "×" as it does in
        ``fmt``'s scientific form; the stand-in is then dropped."""
        factor = MathTex("0", tex_scale(self.exponent), font_size=size, color=color)
        digit = factor[0]
        offset = (factor[1].get_corner(DL) - digit.get_corner(DR)) / digit.height
        factor.remove(digit)
        factor.tex_strings = [tex_scale(self.exponent)]  # what is left on screen
        factor.tex_string = factor.tex_strings[0]
        return factor, offset

    def _place_factor(self, factor: Mobject) -> None:
        corner = self.number.get_corner(DR) + self._factor_offset * self.number.height
        factor.move_to(corner, aligned_edge=DL)

    # -- what a scene asks of a readout -----------------------------------
    def follow(self) -> Readout:
        """Show ``value()`` on every frame from now on (updaters, so any play drives it)."""
        self.number.clear_updaters()
        self.number.add_updater(self._refresh)
        if self.factor is not None:  # after the number (submobjects update in order)
            self.factor.clear_updaters()
            self.factor.add_updater(self._place_factor)
        self.update()
        return self

    def _refresh(self, number: DecimalNumber) -> None:
        # Retypeset only when the digits change: a DecimalNumber rebuilds (and copies) its
        # glyphs on every set_value, which made most of a frame where a readout held still.
        value = self._shown()
        if f"{value:.{READOUT_DECIMALS}f}" != f"{number.get_value():.{READOUT_DECIMALS}f}":
            number.set_value(value)

    def show(self, **kwargs) -> Animation:
        return FadeIn(self, **kwargs)

    def mark(self, color: str) -> Animation:
        """Draw the outline that says "read this one"."""
        return Create(style.highlight_box(self, color))


class Readouts(VGroup):
    """Readout rows stacked in a column, left edges (or "=" signs) in line."""

    def __init__(self, rows: Sequence[Readout], buff: float = style.NEAR, align_equals: bool = False) -> None:
        super().__init__(*rows)
        self.arrange(DOWN, aligned_edge=LEFT, buff=buff)
        if align_equals:
            self.align_equals()

    def align_equals(self) -> Readouts:
        """Line the "=" signs up (each row moves right to the widest label's)."""
        eq_x = max(row.label[-1].get_center()[0] for row in self)
        for row in self:
            row.shift(RIGHT * (eq_x - row.label[-1].get_center()[0]))
        return self

    def show(self, *indices: int, **kwargs) -> Animation:
        """Fade in these rows (all of them when none are named)."""
        rows = [self[i] for i in indices] if indices else list(self)
        return FadeIn(*rows, **kwargs)

    def mark(self, color: str, *indices: int) -> list[Animation]:
        """The outlines that say "read these" around these rows (all of them when none are named)."""
        rows = [self[i] for i in indices] if indices else list(self)
        return [row.mark(color) for row in rows]
