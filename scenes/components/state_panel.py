"""The walk's state panel: where the walk is and what this step computes.

    +--------------------------------------------------------------+
    | 8/13       z2 depends on a1 through w2. Reuse dL/dz2 to get   |
    | BACKWARD   dL/da1.                                            |
    |            dz2/da1 = w2 = 0.8                   (the formula) |
    |            dL/da1 = dL/dz2 . dz2/da1 = ...  (running product) |
    +--------------------------------------------------------------+

Left: the step counter and the phase (FORWARD, BACKWARD, UPDATE). Right: the
caption, wrapped to the panel, and under it the lines the scene hands in (the
step's formula, the running product), laid out here and written by the scene.
"""

from __future__ import annotations

from manim import DOWN, LEFT, UL, Animation, FadeIn, FadeOut, MathTex, RoundedRectangle, Text, VGroup, VMobject

from backprop_core.numbers import plain
from scenes import style
from scenes.components.equation import Equation

PAD = style.TIGHT  # between the panel's outline and what it says
CORNER = style.TIGHT
EQUATION_SIZES = (style.BODY, style.LABEL, style.SMALL)  # a formula's size: the largest that fits


def words(text: str, size: int, color: str) -> Text:
    return Text(plain(text), font=style.FONT, font_size=size, color=color)


def wrap(text: str, width: float, size: int, color: str) -> VGroup:
    """A caption as Text lines no wider than ``width``.

    Measures the whole caption once, cuts it into lines of proportional length
    at word boundaries, then moves words down while a line is too wide.
    """
    whole = words(text, size, color)
    if whole.width <= width:
        return VGroup(whole)
    per_char = whole.width / max(1, len(text))
    lines: list[list[str]] = [[]]
    for word in text.split():
        trial = " ".join([*lines[-1], word])
        if lines[-1] and len(trial) * per_char > width * 0.97:
            lines.append([word])
        else:
            lines[-1].append(word)
    mobs = []
    i = 0
    while i < len(lines):
        mob = words(" ".join(lines[i]), size, color)
        if mob.width > width and len(lines[i]) > 1:
            if i + 1 == len(lines):
                lines.append([])
            lines[i + 1].insert(0, lines[i].pop())
            continue
        mobs.append(mob)
        i += 1
    return VGroup(*mobs).arrange(DOWN, aligned_edge=LEFT, buff=style.TIGHT)


class StatePanel(VGroup):
    """What the panel says spans ``width`` (centred), between ``top`` and ``bottom``; its outline is a
    PAD outside that. The left column is as wide as the widest of ``counters`` (at HEADING size) and
    ``phases`` (SMALL), so the caption's column stays put from step to step. ``show`` replaces what
    the panel says."""

    def __init__(self, theme, top: float, bottom: float, width: float, counters, phases, **kwargs) -> None:
        super().__init__(**kwargs)
        t = self.theme = theme
        self.box = RoundedRectangle(
            width=width + 2 * PAD,
            height=top - bottom,
            corner_radius=CORNER,
            stroke_color=t.muted,
            stroke_width=2,
            fill_color=t.panel,
            fill_opacity=1,
        ).move_to([0, (top + bottom) / 2, 0])
        self.add(self.box)
        column = max(
            *(words(c, style.HEADING, t.text).width for c in counters),
            *(words(p, style.SMALL, t.text).width for p in phases),
        )
        self.left = self.box.get_left()[0] + PAD
        self.text_left = self.left + column + style.APART
        self.text_width = self.box.get_right()[0] - PAD - self.text_left
        self.top = top - PAD
        self.content = VGroup()  # what the panel says now (not part of the panel: it comes and goes)

    def phase_color(self, phase: str) -> str:
        t = self.theme
        return {"FORWARD": t.text, "BACKWARD": t.grad, "UPDATE": t.w}.get(phase, t.text)

    def equation(self, q, tokens=(), accent: str | None = None) -> Equation:
        """q's equation, its reused numbers as pieces, at the largest size the panel fits."""
        return Equation.fitting(
            q, tokens, self.text_width, EQUATION_SIZES, color=self.theme.text, accent=accent or self.theme.text
        )

    def math(self, *tex: str) -> MathTex:
        """A line of TeX parts at the panel's largest formula size, shrunk to its text column if wider."""
        return self.fit(MathTex(*tex, font_size=EQUATION_SIZES[0], color=self.theme.text))

    def fit(self, line: VMobject) -> VMobject:
        """A line shrunk to the panel's text column if it is wider (never grown)."""
        return style.fit_width(line, self.text_width)

    def show(
        self, counter: str, phase: str, caption: str, lines: list[VMobject], phase_color: str | None = None
    ) -> list[Animation]:
        """Counter and phase left, caption right, ``lines`` under it: the old content fades out,
        counter, phase and caption fade in. The lines are only placed (the scene writes them)."""
        t = self.theme
        count = words(counter, style.HEADING, t.highlight)
        phase_text = words(phase, style.SMALL, phase_color or self.phase_color(phase))
        left = VGroup(count, phase_text).arrange(DOWN, aligned_edge=LEFT, buff=style.TIGHT)
        left.move_to([self.left, self.top, 0], aligned_edge=UL)
        caption_lines = wrap(caption, self.text_width, style.LABEL, t.text)
        caption_lines.move_to([self.text_left, self.top, 0], aligned_edge=UL)
        below = caption_lines
        for line in lines:
            below = line.next_to(below, DOWN, buff=style.TIGHT, aligned_edge=LEFT)
        old, self.content = self.content, VGroup(left, caption_lines, *lines)
        return [*([FadeOut(old)] if len(old) else []), FadeIn(left), FadeIn(caption_lines)]
