"""A flow of functions as machines: x -> [g] -> u -> [f] -> y.

``FunctionFlow(names, machines, ...)`` lays out the variables' names and, between
each two, a machine (a rounded box holding the function's letter, its rule
underneath), with an arrow into and out of every machine. ``self.names``,
``self.machines`` (each box, letter, rule) and ``self.arrows`` are there for a
scene to reveal piece by piece, in the order the story needs.
"""

from __future__ import annotations

from collections.abc import Sequence

from manim import DOWN, RIGHT, Arrow, MathTex, RoundedRectangle, VGroup

from scenes import style

ARROW_ROOM = 1.1  # between a name and a machine: room for an arrow


class FunctionFlow(VGroup):
    def __init__(
        self,
        names: Sequence[tuple[str, str]],
        machines: Sequence[tuple[str, str, str]],
        panel: str,
        arrow_color: str,
    ) -> None:
        """names: (TeX, colour) of each variable; machines: (letter, rule TeX, colour) between them."""
        super().__init__()
        self.names = [MathTex(tex, font_size=style.HEADING, color=color) for tex, color in names]
        self.machines = [self._machine(*spec, panel) for spec in machines]
        row = [self.names[0]]
        for machine, name in zip(self.machines, self.names[1:]):
            row += [machine[0], name]
        self.row = row = VGroup(*row).arrange(RIGHT, buff=ARROW_ROOM)
        for box, letter, rule in self.machines:
            letter.move_to(box)
            rule.next_to(box, DOWN, buff=style.NEAR)
        self.arrows = VGroup(
            *(
                Arrow(a.get_right(), b.get_left(), buff=style.TIGHT, color=arrow_color, stroke_width=4)
                for a, b in zip(row[:-1], row[1:])
            )
        )
        self.add(*self.names, *self.machines, self.arrows)

    def center_row_on(self, point) -> FunctionFlow:
        """Move the flow so the row of names and boxes (not the rules under it) is centred on ``point``."""
        return self.shift(point - self.row.get_center())

    @staticmethod
    def _machine(letter: str, rule_tex: str, color: str, panel: str) -> VGroup:
        box = RoundedRectangle(corner_radius=0.15, width=1.3, height=1.0, color=color, stroke_width=4)
        box.set_fill(panel, 1)
        return VGroup(
            box,
            MathTex(letter, font_size=style.HEADING, color=color),
            MathTex(rule_tex, font_size=style.LABEL, color=color),
        )
