"""One cross-section of a surface: "vary x, y held at 0.500" over the curve the slice cuts.

The panel follows a moving point (two ValueTrackers): its heading reads the held
value live, and the curve, the tangent at the point and the point on it are
built again whenever the point has moved. Every curve and slope comes from the core's slice
functions (``slice_in_x`` / ``slice_in_y``), handed in.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from manim import DOWN, LEFT, Axes, Create, Dot, FadeIn, Indicate, Line, MathTex, Text, ValueTracker, VGroup, VMobject

from scenes import style
from scenes.components.heatmap import tick
from scenes.components.readout import Readout

SIZE = (4.3, 2.0)  # the axes' width and height
AXES_NUDGE = 0.2  # the axes sit right of the heading's centre, clear of their y ticks
TANGENT_HALF = 0.45  # half the tangent's extent along the slice (data units)
DOT_RADIUS = 0.09


class SlicePanel(VGroup):
    """Heading, axes, ticks, the variable's name, then the live curve, tangent and dot.

    var: the variable that varies ("x" or "y"); the other is held at the point's value.
    cut: the core's slice function: held value -> (curve, slope), both callables of ``var``.
    """

    def __init__(
        self,
        var: str,
        cut: Callable,
        point: tuple[ValueTracker, ValueTracker],
        lo: float,
        hi: float,
        f_range: tuple[float, float],
        theme,
    ) -> None:
        super().__init__()
        self.var, self.cut, self.point, self.theme = var, cut, point, theme
        self.lo, self.hi, (self.f_min, self.f_max) = lo, hi, f_range
        held = "y" if var == "x" else "x"
        held_tracker = point[1] if held == "y" else point[0]
        words = Text(f"vary {var}, {held} held at", font=style.FONT, font_size=style.SMALL, color=theme.text)
        self.heading = Readout(words, held_tracker.get_value, color=theme.x, size=style.HEADING)
        self.axes = Axes(
            x_range=[lo, hi, (hi - lo) / 2],
            y_range=[self.f_min, self.f_max, (self.f_max - self.f_min) / 3],
            x_length=SIZE[0],
            y_length=SIZE[1],
            tips=False,
            axis_config={"color": theme.muted, "stroke_width": 2},
        )
        self.axes.next_to(self.heading, DOWN, buff=style.NEAR).set_x(self.heading.get_x() + AXES_NUDGE)
        self.frame = VGroup(self.heading, self.axes, *self._ticks())
        self.curve, self.tangent, self.dot = (self._follow(f) for f in (self._curve, self._tangent, self._dot))
        self.add(*self.frame, self.curve, self.tangent, self.dot)

    def _ticks(self) -> tuple[VGroup, VGroup, MathTex]:
        ax, t = self.axes, self.theme
        x_ticks = VGroup(
            *(tick(v, t).next_to(ax.c2p(v, self.f_min), DOWN, buff=style.HAIR) for v in (self.lo, self.hi))
        )
        y_ticks = VGroup(
            tick(self.f_min, t).next_to(ax.c2p(0, self.f_min), DOWN, buff=style.TIGHT),
            tick(self.f_max, t).next_to(ax.c2p(0, self.f_max), LEFT, buff=style.TIGHT),
        )
        name = MathTex(self.var, font_size=style.LABEL, color=t.x).next_to(x_ticks[1], LEFT, buff=style.NEAR)
        return x_ticks, y_ticks, name

    def _follow(self, build: Callable) -> VMobject:
        """``build()``, built again whenever the point has moved (always_redraw rebuilds every frame)."""
        mob = build()
        mob.at = self._where()

        def refresh(m: VMobject) -> None:
            if m.at != (where := self._where()):
                m.become(build())
                m.at = where

        return mob.add_updater(refresh)

    def _where(self) -> tuple[float, float]:
        return tuple(tracker.get_value() for tracker in self.point)

    def section(self):
        """(curve, slope, where the point is along the slice) at the point's current place."""
        x, y = self._where()
        curve, slope = self.cut(y if self.var == "x" else x)
        return curve, slope, (x if self.var == "x" else y)

    def _curve(self):
        curve, _, _ = self.section()
        return self.axes.plot(curve, x_range=[self.lo, self.hi], color=self.theme.curve, stroke_width=4)

    def _tangent(self):
        curve, slope, u = self.section()
        f0, s = curve(u), slope(u)
        a, b = u - TANGENT_HALF, u + TANGENT_HALF
        # Keep the line inside the panel: clip where it leaves the y-range.
        if abs(s) > 1e-9:
            ends = sorted(u + (level - f0) / s for level in (self.f_min, self.f_max))
            a, b = max(a, ends[0]), min(b, ends[1])
        ax = self.axes
        return Line(ax.c2p(a, f0 + s * (a - u)), ax.c2p(b, f0 + s * (b - u)), color=self.theme.grad, stroke_width=5)

    def _dot(self):
        curve, _, u = self.section()
        return Dot(self.axes.c2p(u, curve(u)), radius=DOT_RADIUS, color=self.theme.text)

    def place(self, top) -> SlicePanel:
        """Put the heading's top middle at ``top``; the rest keeps its place below it."""
        return self.shift(np.asarray(top, float) - self.heading.get_top())

    def show_frame(self) -> FadeIn:
        return FadeIn(self.frame)

    def show_slice(self) -> list:
        return [Create(self.curve), FadeIn(self.dot), Create(self.tangent)]

    def still_curve(self) -> VMobject:
        """A copy of the curve as it is now, that no longer follows the point (not added)."""
        return self.curve.copy().clear_updaters()

    def point_out_tangent(self, color: str) -> Indicate:
        return Indicate(self.tangent, color=color)
