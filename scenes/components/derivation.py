"""A derivation written line by line, its "=" signs in one column.

    σ'(z) = d/dz (1 + e^-z)^-1
          = -(1 + e^-z)^-2 · (-e^-z)
          = ...

A line is LaTeX cut at its first "=" into (left side, "=", right side), or
("=", right side) when it goes on from the line above. The first line starts
at a left edge; each next one sits under the one before, shifted so its "="
stands under the first one's. When a line would pass the bottom, the oldest
line but the first leaves and the rest move up. The scene writes each line;
the derivation only lays them out.
"""

from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, Animation, FadeOut, MathTex, VGroup

from scenes import style

SCROLL_GAP = 0.3  # what a line that leaves frees beyond its own height


class Derivation(VGroup):
    """The lines written so far (``add`` each one once it is written)."""

    def __init__(self, left: float, top: float, bottom: float, *, font_size: float, color: str) -> None:
        super().__init__()
        self.left_x, self.top_y, self.bottom_y = left, top, bottom
        self.tex_size, self.tex_color = font_size, color
        self.equals_x = 0.0  # where every "=" starts, set by the first line

    def line(self, latex: str) -> MathTex:
        """The next line, placed under the last one (not yet added)."""
        left, right = latex.split("=", 1)
        parts = (left.strip(), "=", right.strip()) if left.strip() else ("=", right.strip())
        mob = MathTex(*parts, font_size=self.tex_size, color=self.tex_color)
        equals = mob[1] if len(mob) == 3 else mob[0]
        if not len(self):
            mob.move_to([0, self.top_y, 0]).align_to([self.left_x, 0, 0], LEFT)
            self.equals_x = equals.get_left()[0]
        else:
            mob.next_to(self[-1], DOWN, buff=style.NEAR)
            mob.shift(RIGHT * (self.equals_x - equals.get_left()[0]))
        return mob

    def make_room(self, line: MathTex) -> list[Animation]:
        """If ``line`` passes the bottom: the oldest line but the first fades out, the later ones
        and ``line`` move up into its place. Play these and ask again; nothing left means it fits."""
        if line.get_bottom()[1] >= self.bottom_y or len(self) < 2:
            return []
        gone = self[1]
        lift = gone.height + SCROLL_GAP
        moves = [FadeOut(gone), *(m.animate.shift(UP * lift) for m in self[2:])]
        line.shift(UP * lift)
        self.remove(gone)
        return moves

    @property
    def first(self) -> MathTex:
        return self[0]

    @property
    def last(self) -> MathTex:
        return self[-1]

    @property
    def between(self) -> list[MathTex]:
        """The lines after the first and before the last."""
        return list(self[1:-1])
