"""What is on screen, read from the mobjects, for the tests (no video needed).

LessonScene calls :func:`look` as each beat ends and keeps what it finds in the
beat: the texts shown, anything drawn outside the frame, and texts overlapping.
A text (MathTex, Text, DecimalNumber) is judged whole, so a failure names the
text, not one of its glyphs.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
from manim import DecimalNumber, Mobject, SingleStringMathTex, Text, VMobject, config
from manim.mobject.types.image_mobject import AbstractImageMobject

TEXT_TYPES = (SingleStringMathTex, Text, DecimalNumber)
# Overlap smaller than this (in frame units) counts as touching, not overlapping.
OVERLAP_TOLERANCE = 0.02
# Drawn past the frame's edge by less than this (frame units) is still inside.
EDGE_TOLERANCE = 1e-3

Box = tuple[float, float, float, float]  # left, right, bottom, top


@dataclass
class Screen:
    texts: list[str]  # every visible text, as its source (TeX, text or the digits shown)
    off_frame: list[str]  # what is drawn outside the frame, by describe()
    overlaps: list[tuple[str, str]]  # pairs of texts that overlap, by describe()


def describe(mob: Mobject) -> str:
    """A short human name for a mobject, for test failure messages."""
    if isinstance(mob, SingleStringMathTex):
        return f"{type(mob).__name__}({mob.tex_string!r})"
    if isinstance(mob, Text):
        return f"Text({mob.text!r})"
    if isinstance(mob, DecimalNumber):
        return f"DecimalNumber({mob.get_value():.{mob.num_decimal_places}f})"
    return type(mob).__name__


def text_of(mob: Mobject) -> str:
    if isinstance(mob, SingleStringMathTex):
        return mob.tex_string
    if isinstance(mob, Text):
        return mob.text
    return f"{mob.get_value():.{mob.num_decimal_places}f}"


def is_visible(mob: Mobject) -> bool:
    """Drawn with some opacity (ValueTrackers and empty groups are not)."""
    if isinstance(mob, AbstractImageMobject):
        return True
    if not isinstance(mob, VMobject) or not mob.has_points():
        return False
    stroke = mob.get_stroke_opacity() if mob.get_stroke_width() > 0 else 0.0
    return bool(mob.get_fill_opacity() > 0.01 or stroke > 0.01)


def visible_texts(mobjects: list[Mobject]) -> list[Mobject]:
    """Text-like mobjects on screen, each taken whole (not its glyphs)."""
    found: list[Mobject] = []

    def walk(mob: Mobject) -> None:
        if isinstance(mob, TEXT_TYPES):
            if any(is_visible(m) for m in mob.get_family()):
                found.append(mob)
            return
        for sub in mob.submobjects:
            walk(sub)

    for mob in mobjects:
        walk(mob)
    return found


def box(mob: Mobject) -> Box:
    """The bounds of a mobject and everything in it."""
    points = np.vstack([m.points for m in mob.get_family() if m.has_points()])
    return points[:, 0].min(), points[:, 0].max(), points[:, 1].min(), points[:, 1].max()


def outside_frame(b: Box) -> bool:
    half_w, half_h = config.frame_width / 2, config.frame_height / 2
    left, right, bottom, top = b
    eps = EDGE_TOLERANCE
    return left < -half_w - eps or right > half_w + eps or bottom < -half_h - eps or top > half_h + eps


def off_frame(mobjects: list[Mobject]) -> list[str]:
    """What is drawn outside the frame: a text whole, anything else piece by piece."""
    found: list[str] = []

    def walk(mob: Mobject) -> None:
        if isinstance(mob, TEXT_TYPES):
            if any(is_visible(m) for m in mob.get_family()) and outside_frame(box(mob)):
                found.append(describe(mob))
            return
        if is_visible(mob):
            pts = mob.points
            if outside_frame((pts[:, 0].min(), pts[:, 0].max(), pts[:, 1].min(), pts[:, 1].max())):
                found.append(describe(mob))
        for sub in mob.submobjects:
            walk(sub)

    for mob in mobjects:
        walk(mob)
    return found


def overlapping(texts: list[Mobject], tol: float = OVERLAP_TOLERANCE) -> list[tuple[str, str]]:
    """Pairs of texts whose boxes overlap by more than ``tol``."""
    boxes = [box(t) for t in texts]
    return [
        (describe(texts[i]), describe(texts[j]))
        for (i, a), (j, b) in combinations(enumerate(boxes), 2)
        if a[0] < b[1] - tol and b[0] < a[1] - tol and a[2] < b[3] - tol and b[2] < a[3] - tol
    ]


def look(mobjects: list[Mobject]) -> Screen:
    """What the viewer sees of these mobjects (a scene's ``self.mobjects``)."""
    texts = visible_texts(mobjects)
    return Screen([text_of(t) for t in texts], off_frame(mobjects), overlapping(texts))
