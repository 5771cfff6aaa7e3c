"""One look for the whole lesson: colours by meaning, sizes, themes.

A colour means one thing in every scene: a symbol (x, w, b, z, a, y, L) or a
role (a slope/gradient, a function's curve). Scenes ask for ``theme().w``, never
for a literal colour. The theme is chosen at render time with the environment
variable ``BACKPROP_THEME`` (dark or light); both share the meanings.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

THEME_ENV_VAR = "BACKPROP_THEME"


@dataclass(frozen=True)
class Theme:
    name: str
    background: str
    text: str  # body text and neutral symbols
    ink: str  # what manim draws in when a scene names no colour (the numbers along axes)
    muted: str  # axes, grid, waiting states
    panel: str  # fill behind boxes and panels
    # Symbols of the network (after 3Blue1Brown's convention).
    x: str  # an input: x of the network, x of a refresher function
    w: str  # weights
    b: str  # biases
    z: str  # weighted sums (and the inner value u of the chain example)
    a: str  # activations (sigmoid outputs)
    y: str  # the target
    L: str  # the loss
    # Roles.
    grad: str  # a derivative: slopes, tangent lines, gradients, chain boxes
    curve: str  # a function's graph / its value f
    highlight: str  # "being computed now"
    done: str  # a finished box's outline


DARK = Theme(
    name="dark",
    background="#0E1117",
    text="#EDEDED",
    ink="#FFFFFF",  # manim's own default, WHITE
    muted="#7D8590",
    panel="#1B2130",
    x="#D9D9D9",
    w="#58C4DD",
    b="#C55F73",
    z="#83C167",
    a="#E07EB0",
    y="#F4D345",
    L="#FC6255",
    grad="#FF9B42",
    curve="#B59CE6",
    highlight="#FFE57A",
    done="#83C167",
)

# Same meanings, darker inks with enough contrast on white (slides, print):
# every colour that can be text reads at WCAG contrast >= 4.5:1 on the
# background and on the panel (tests/test_slides.py checks it).
LIGHT = Theme(
    name="light",
    background="#FFFFFF",
    text="#1A1A1A",
    ink="#1A1A1A",  # not manim's white: axis numbers would vanish on white
    muted="#636C77",
    panel="#F1F3F6",
    x="#3D3D3D",
    w="#1F6FB2",
    b="#8E2C48",
    z="#2E7D32",
    a="#B0306F",
    y="#806600",
    L="#C62828",
    grad="#A34F00",
    curve="#6A4FB3",
    highlight="#8A6500",
    done="#2E7D32",
)

THEMES = {t.name: t for t in (DARK, LIGHT)}


# What a description calls each colour, per theme: the light theme's inks are
# darker (its "text" is black, its highlight a dark gold), so a word written
# for one theme would be wrong in the other.
COLOUR_WORDS = {
    "dark": dict(
        text="white",
        muted="grey",
        x="light grey",
        w="blue",
        b="rose",
        z="green",
        a="pink",
        y="yellow",
        L="red",
        grad="orange",
        curve="purple",
        highlight="yellow",
        done="green",
    ),
    "light": dict(
        text="black",
        muted="grey",
        x="dark grey",
        w="blue",
        b="rose",
        z="green",
        a="pink",
        y="olive",
        L="red",
        grad="orange",
        curve="purple",
        highlight="dark gold",
        done="green",
    ),
}


def colour_word(role: str, t: Theme | None = None) -> str:
    """The spoken name of a theme colour by its role ("grad", "highlight", "L", ...), for descriptions."""
    return COLOUR_WORDS[(t or theme()).name][role]


def theme() -> Theme:
    name = os.environ.get(THEME_ENV_VAR, "dark").strip() or "dark"
    if name not in THEMES:
        raise ValueError(f"{THEME_ENV_VAR}={name!r} is not a theme; choose one of: {', '.join(THEMES)}")
    return THEMES[name]


def part_color(name: str, t: Theme | None = None) -> str:
    """The colour of a part of the network by its name in the core ("x", "w1", "z2", "L", ...).

    The one map from a part to its meaning's colour: the diagram's nodes, the
    walk's values and the symbols in formulas all ask here.
    """
    t = t or theme()
    return {"x": t.x, "w": t.w, "b": t.b, "z": t.z, "a": t.a, "y": t.y, "L": t.L}.get(name[:1], t.text)


def symbol_colors(t: Theme | None = None) -> dict[str, str]:
    """LaTeX symbol -> colour, for MathTex(tex_to_color_map=...)."""
    t = t or theme()
    return {f"{s}_{i}": part_color(s, t) for s in "wbza" for i in (1, 2)} | {"L": t.L}


# Text font (Debian's fonts-dejavu-core): the same glyphs on every machine.
FONT = "DejaVu Sans"

# Sizes (manim font_size). Nothing smaller than SMALL: it must read at 480p.
TITLE = 44
HEADING = 36
BODY = 32
LABEL = 30
SMALL = 28

# Layout.
EDGE = 0.35  # margin kept free at the frame's edges
TITLE_BUFF = 0.35

# The spacing scale: every gap between two things on screen is one of these
# (frame units; manim's SMALL_BUFF .. LARGE_BUFF are 0.1, 0.25, 0.5, 1).
HAIR = 0.08  # an outline around what it marks (highlight_box)
TIGHT = 0.15  # a label and its value, the lines of one block
NEAR = 0.3  # the items of one group
APART = 0.5  # separate groups
FAR = 0.8  # regions of the frame

# Pacing: a viewer reads about this many words per second; every beat stays
# on screen at least long enough to read its narration line, plus a pause.
READING_WORDS_PER_SECOND = 2.6
BEAT_PAUSE = 0.8
MIN_BEAT_SECONDS = 2.5


def fit_width(mob, width: float, keep_left: bool = False):
    """Shrink ``mob`` to ``width`` if it is wider (never grow it); with ``keep_left`` its left edge stays."""
    if mob.width > width:
        left = mob.get_left()
        mob.scale_to_fit_width(width)
        if keep_left:
            mob.shift(left - mob.get_left())
    return mob


def highlight_box(mob, color: str, buff: float = HAIR):
    """The outline that says "this one": a rectangle around ``mob``, ``buff`` away from it."""
    from manim import SurroundingRectangle  # here, not at the top: the renderer reads THEMES without loading manim

    return SurroundingRectangle(mob, color=color, buff=buff)
