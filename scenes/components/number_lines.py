"""Number lines stacked on one ruler, so that a length on one compares with a length on another.

``StackedNumberLines(stages, ...)`` draws one horizontal line per stage (the
chain rule's x, u and y), all with the same scale: frame units per unit of
value, chosen so the widest nudge fits. Each line is anchored at its stage's
value, near its left end when the nudge rises (near its right end when it
falls), with labelled ticks on a 1-2-5 step. The lines sit on a grid the scene
gives (their common x-extent and one y per line): they are compared by length,
so they share their ends.

A stage is anything with ``name`` (the line's symbol), ``at.value`` (the point)
and ``change.value``, ``change.symbol``, ``change.text`` (the nudge there).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from manim import DOWN, RIGHT, UP, Brace, Create, FadeIn, Line, MathTex, VGroup
from manim.animation.animation import Animation

from backprop_core.numbers import fmt
from backprop_core.quantity import exact
from scenes import style

ANCHOR_GAP = 0.8  # free ruler before a rising nudge's start (or after a falling one's end)
MAX_SCALE = 30.0  # frame units per unit of value, at most
TICK_MIN_GAP = 1.8  # labelled ticks at least this far apart on screen
TICK_HALF = 0.1  # a tick reaches this far above and below its line
TICK_MARGIN = 0.25  # no tick this close to a line's end
NUDGE_WIDTH = 10  # stroke width of an interval


def tick_step(scale: float) -> float:
    """The smallest 1-2-5 step whose ticks sit at least TICK_MIN_GAP apart."""
    exponent = math.floor(math.log10(TICK_MIN_GAP / scale))
    for base in (1, 2, 5, 10):
        step = base * 10.0**exponent
        if step * scale >= TICK_MIN_GAP:
            return step
    return 10.0 ** (exponent + 1)


class StackedNumberLines(VGroup):
    """One ruler per stage: ``self[i]`` is (line, ticks, tick labels, name)."""

    def __init__(
        self,
        stages: Sequence,
        colors: dict[str, str],
        muted: str,
        x_range: tuple[float, float],
        ys: Sequence[float],
    ) -> None:
        super().__init__()
        self.stages, self.colors, self.muted = stages, colors, muted
        self.left, self.right = x_range
        self.ys = ys
        widest = max(abs(s.change.value) for s in stages)
        self.scale = min(MAX_SCALE, (self.right - self.left - 2 * ANCHOR_GAP) / widest)
        self.anchors = [self.left + ANCHOR_GAP if s.change.value >= 0 else self.right - ANCHOR_GAP for s in stages]
        self.add(*(self._ruler(i) for i in range(len(stages))))

    # -- where a value is ----------------------------------------------------
    def to_screen(self, index: int, value: float) -> float:
        return self.anchors[index] + (value - self.stages[index].at.value) * self.scale

    def point(self, index: int, value: float) -> list[float]:
        return [self.to_screen(index, value), self.ys[index], 0]

    def interval(self, index: int, start: float, length: float, color: str, offset: float = 0.0) -> Line:
        """``length`` units of value from ``start`` on line ``index``, ``offset`` above it."""
        x0 = self.to_screen(index, start)
        y = self.ys[index] + offset
        return Line([x0, y, 0], [x0 + length * self.scale, y, 0], color=color, stroke_width=NUDGE_WIDTH)

    def nudge(self, index: int, room: float) -> VGroup:
        """The stage's nudge: its interval, and a brace (``room`` above the line) naming its size."""
        stage = self.stages[index]
        color = self.colors[stage.name]
        seg = self.interval(index, stage.at.value, stage.change.value, color)
        space = self.interval(index, stage.at.value, stage.change.value, color, offset=room)
        brace = Brace(VGroup(seg, space), UP, buff=style.HAIR, color=color)
        label = MathTex(stage.change.symbol, "=", stage.change.text, font_size=style.SMALL, color=color)
        label.next_to(brace, UP, buff=style.HAIR)
        left = max(label.get_left()[0], self.left - 0.6)  # near the line's start, not past the names
        label.shift(RIGHT * (left - label.get_left()[0]))
        return VGroup(seg, brace, label)

    # -- the rulers ------------------------------------------------------------
    def _ruler(self, index: int) -> VGroup:
        stage, y = self.stages[index], self.ys[index]
        line = Line([self.left, y, 0], [self.right, y, 0], color=self.muted, stroke_width=3)
        ticks, labels = VGroup(), VGroup()
        for value in self._tick_values(index):
            sx = self.to_screen(index, value)
            if self.left + TICK_MARGIN < sx < self.right - TICK_MARGIN:
                ticks.add(Line([sx, y - TICK_HALF, 0], [sx, y + TICK_HALF, 0], color=self.muted, stroke_width=2))
                label = MathTex(fmt(exact(value)), font_size=style.SMALL, color=self.muted)
                labels.add(label.next_to(ticks[-1], DOWN, buff=style.HAIR))
        name = MathTex(stage.name, font_size=style.BODY, color=self.colors[stage.name])
        name.move_to([self.left - 0.35, y, 0])
        return VGroup(line, ticks, labels, name)

    def _tick_values(self, index: int) -> list[float]:
        at = self.stages[index].at.value
        lo = at + (self.left - self.anchors[index]) / self.scale
        hi = at + (self.right - self.anchors[index]) / self.scale
        step = tick_step(self.scale)
        values, k = [], math.ceil(lo / step - 1e-9)
        while k * step <= hi + 1e-9:
            values.append(round(k * step, 10))
            k += 1
        return values

    # -- what a scene asks of them ---------------------------------------------
    def draw(self, **kwargs) -> list[Animation]:
        return [Create(ruler[0], **kwargs) for ruler in self]

    def show_marks(self, **kwargs) -> list[Animation]:
        """The ticks, their numbers and each line's name."""
        return [FadeIn(VGroup(ruler[1], ruler[2], ruler[3]), **kwargs) for ruler in self]
