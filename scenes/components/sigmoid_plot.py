"""The sigmoid and its slope on one pair of axes, with a z marked on both.

    1   - - - - - - - - - - - - - - -  ___----   σ(z)
    .75 - - - - - - - - - - - - - -/- - - - -
    .5  - - - - - - - - - - - - -/- - - - - -
    .25 - - - - - - - - - -_--‾‾-_- - - - - -   σ'(z)
        ____________--‾‾-/_________‾‾--______ z
                            z₁    z₂

The values stand on the left edge (not on the y axis in the middle, where the
curves pass), with faint guides across. The curves are the core's functions,
handed in, and so is every point marked (``refresher.sigmoid_at``); the scene
names the curves and shows the pieces one by one.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Axes, DashedLine, Dot, Line, MathTex, VGroup

from scenes import style
from scenes.components.heatmap import tick

LEVELS = (0.25, 0.5, 0.75, 1.0)  # the guides' heights
SIZE = (7.4, 4.7)  # the axes' width and height
CURVE_STROKE = 5
MARK_RADIUS = 0.08
TAG_SHIFT = 0.3  # two z's close together: one tag left of its line, the other right


class SigmoidPlot:
    """``axes`` (with its guides and values), ``z_name``, ``sigma_curve`` and ``prime_curve``:
    the pieces a scene shows, each on its own, over z in ``z_range`` (ticks ``z_step`` apart)."""

    def __init__(self, theme, z_range: tuple[float, float], z_step: float, sigma: Callable, sigma_prime: Callable):
        t = self.theme = theme
        self.axes = Axes(
            x_range=[z_range[0], z_range[1] + 0.5, z_step],
            y_range=[0, 1.1, 0.25],
            x_length=SIZE[0],
            y_length=SIZE[1],
            tips=False,
            axis_config={"color": t.muted, "font_size": style.SMALL},
            x_axis_config={"include_numbers": True},
        )
        self.axes.to_corner(DOWN + LEFT, buff=style.EDGE).shift(RIGHT * 0.55 + UP * 0.45)
        for level in LEVELS:
            left, right = self.axes.c2p(z_range[0], level), self.axes.c2p(z_range[1], level)
            guide = Line(left, right, color=t.muted, stroke_width=1)
            guide.set_stroke(opacity=0.35)
            value = tick(level, t).next_to(left, LEFT, buff=style.TIGHT)
            self.axes.add(guide, value)
        self.z_name = MathTex("z", font_size=style.LABEL, color=t.z).next_to(self.axes.x_axis, RIGHT, buff=style.TIGHT)
        self.sigma_curve = self._plot(sigma, z_range, t.curve)
        self.prime_curve = self._plot(sigma_prime, z_range, t.grad)

    def _plot(self, f: Callable, z_range, color: str):
        return self.axes.plot(lambda z: float(f(z)), x_range=z_range, color=color, stroke_width=CURVE_STROKE)

    def dot(self, z: float, value: float, color: str, radius: float = MARK_RADIUS) -> Dot:
        """A dot at (z, value)."""
        return Dot(self.axes.c2p(z, value), color=color, radius=radius)

    def mark(self, point, side: np.ndarray) -> tuple[DashedLine, VGroup, MathTex]:
        """A z on the curves: the drop from the axis to σ, the dots on σ and σ', and the z's name
        under the axis's numbers (so it covers none of them), shifted to ``side`` (LEFT or RIGHT)."""
        t, zx = self.theme, point.z.value
        drop = DashedLine(self.axes.c2p(zx, 0), self.axes.c2p(zx, point.sigma.value), color=t.z, stroke_width=2)
        dots = VGroup(self.dot(zx, point.sigma.value, t.a), self.dot(zx, point.sigma_prime.value, t.grad))
        tag = MathTex(point.z.symbol, font_size=style.LABEL, color=t.z)
        tag.next_to(self.axes.c2p(zx, 0), DOWN, buff=style.APART).shift(side * TAG_SHIFT)
        return drop, dots, tag
