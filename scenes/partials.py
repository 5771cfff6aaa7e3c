"""03 Partial derivatives, visualised.

f(x, y) = x^2 + 2y^2 seen from above as a heatmap (its own colour scale, with
a legend), a point walking across it with live readouts of x, y, f, df/dx and
df/dy, and beside it the two cross-sections through the point: "vary x, y
held" and "vary y, x held", each a curve whose tangent at the point is redrawn
as the point moves. Its slope is the readout. The walk goes east-west (y
frozen), north-south (x frozen), then stops at the notebook's point; the
recipe (df/dx = 2x, df/dy = 4y) and the sanity check there close the scene.

Every value shown comes from ``backprop_core.refresher`` (bowl, bowl_partials,
slice_in_x / slice_in_y, partials_at).
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Axes,
    Create,
    DashedLine,
    Dot,
    FadeIn,
    FadeOut,
    ImageMobject,
    Line,
    Rectangle,
    SurroundingRectangle,
    ValueTracker,
    VGroup,
    Write,
    always_redraw,
    smooth,
)
from manim.camera.camera import Camera
from manim.constants import RESAMPLING_ALGORITHMS
from PIL import Image

from backprop_core import refresher as core
from backprop_core.numbers import fmt
from backprop_core.quantity import exact
from scenes import style
from scenes.components.readout import Readout, Readouts
from scenes.lesson import LessonScene

# The heatmap's colour scale: low = deep blue-grey, high = warm sand. It is the
# map's own scale (a height), deliberately unlike the symbol colours of style.py.
HEAT_SCALE = ("#16243A", "#2F4B6B", "#5E6F86", "#9C8C7A", "#D9B98C", "#F6E7C8")
HEAT_PIXELS = 241  # odd: the grid runs through the middle of the range

# Layout (frame units; the frame is 14.2 x 8).
MAP_SIZE = 4.2
MAP_CENTER = np.array([-4.55, -0.05, 0])
LEGEND_WIDTH = 0.28
READOUT_X = -1.35  # left edge of the readout column
PANEL_X = 4.05  # centre of the slice panels
PANEL_SIZE = (4.3, 2.0)
PANEL_TOPS = (2.45, -0.75)  # top of each panel's heading
TANGENT_HALF = 0.45  # half the tangent's extent, in x (data units)
DOT_RADIUS = 0.09


def heat_colors(values: np.ndarray) -> np.ndarray:
    """Values in [0, 1] -> RGBA uint8 (opaque) along HEAT_SCALE."""
    stops = np.array([[int(c[i : i + 2], 16) for i in (1, 3, 5)] for c in HEAT_SCALE], dtype=float)
    pos = np.clip(values, 0, 1) * (len(stops) - 1)
    i = np.minimum(pos.astype(int), len(stops) - 2)
    frac = (pos - i)[..., None]
    rgb = stops[i] * (1 - frac) + stops[i + 1] * frac
    alpha = np.full(rgb.shape[:-1] + (1,), 255.0)
    return np.concatenate([rgb, alpha], axis=-1).round().astype(np.uint8)


class HeatmapCamera(Camera):
    """manim 0.21's camera with image drawing that works on the pinned Pillow.

    manim 0.21 pastes every ImageMobject onto ``Image.fromarray(<float zeros>,
    mode="RGBA")``, which Pillow 13 refuses ("Invalid mode for data type"). The
    images here are never rotated or skewed, so they are drawn by scaling them to
    their box on screen and compositing them over the frame.
    """

    def display_image_mobject(self, image_mobject, pixel_array) -> None:
        image = Image.fromarray(np.asarray(image_mobject.get_pixel_array(), dtype=np.uint8))
        corners = self.points_to_subpixel_coords(image_mobject, image_mobject.points)
        (left, top), (right, bottom) = corners.min(axis=0), corners.max(axis=0)
        size = (int(round(right - left)), int(round(bottom - top)))
        if size[0] <= 0 or size[1] <= 0:
            return
        image = image.resize(size, resample=image_mobject.resampling_algorithm)
        canvas = Image.new("RGBA", (self.pixel_width, self.pixel_height), (0, 0, 0, 0))
        canvas.paste(image, (int(round(left)), int(round(top))))
        self.overlay_PIL_image(pixel_array, canvas)


class PartialsScene(LessonScene):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("camera_class", HeatmapCamera)
        super().__init__(*args, **kwargs)

    def construct(self) -> None:
        self.show_surface()
        self.pick_a_point()
        self.show_slices()
        self.walk_east_west()
        self.walk_north_south()
        self.stop_at_the_point()
        self.show_recipe()
        self.sanity_check()

    # ------------------------------------------------------------------
    def show_surface(self) -> None:
        t = self.theme
        self.beat(
            "two-inputs",
            "The functions in a network have many inputs. Here is one with two: "
            "f(x, y) = x² + 2y². It draws a surface; the heatmap shows it from above, "
            "warmer colour means higher.",
        )
        lo, hi = core.PARTIALS_RANGE
        # Heatmap: bowl() over the square, top row = highest y.
        xs = np.linspace(lo, hi, HEAT_PIXELS)
        grid_x, grid_y = np.meshgrid(xs, xs[::-1])
        heights = core.bowl(grid_x, grid_y)
        self.f_min, self.f_max = float(heights.min()), float(heights.max())
        span = self.f_max - self.f_min
        image = ImageMobject(heat_colors((heights - self.f_min) / span))
        image.set_resampling_algorithm(RESAMPLING_ALGORITHMS["bilinear"])
        image.stretch_to_fit_width(MAP_SIZE).stretch_to_fit_height(MAP_SIZE).move_to(MAP_CENTER)
        border = Rectangle(width=MAP_SIZE, height=MAP_SIZE, color=t.muted, stroke_width=2).move_to(MAP_CENTER)
        self.map_axes = Axes(x_range=[lo, hi], y_range=[lo, hi], x_length=MAP_SIZE, y_length=MAP_SIZE)
        self.map_axes.move_to(MAP_CENTER)

        ticks = VGroup()
        for v in (lo, (lo + hi) / 2, hi):
            label = self.math(fmt(exact(v)), size=style.SMALL, color=t.muted)
            ticks.add(label.next_to(self.map_axes.c2p(v, lo), DOWN, buff=0.12))
            label = self.math(fmt(exact(v)), size=style.SMALL, color=t.muted)
            ticks.add(label.next_to(self.map_axes.c2p(lo, v), LEFT, buff=0.12))
        x_name = self.math("x", size=style.LABEL, color=t.x).next_to(border, DOWN, buff=0.12).shift(RIGHT * 1.05)
        y_name = self.math("y", size=style.LABEL, color=t.x).next_to(border, LEFT, buff=0.15).shift(UP * 1.05)

        # Legend: the same scale as a vertical bar, high at the top.
        bar_values = np.linspace(1, 0, HEAT_PIXELS)[:, None] * np.ones((1, 8))
        bar = ImageMobject(heat_colors(bar_values))
        bar.set_resampling_algorithm(RESAMPLING_ALGORITHMS["bilinear"])
        bar.stretch_to_fit_width(LEGEND_WIDTH).stretch_to_fit_height(MAP_SIZE)
        bar.next_to(border, RIGHT, buff=0.2)
        bar_border = Rectangle(width=LEGEND_WIDTH, height=MAP_SIZE, color=t.muted, stroke_width=2).move_to(bar)
        legend_ticks = VGroup()
        for v in (self.f_min, self.f_max):
            label = self.math(fmt(exact(v)), size=style.SMALL, color=t.muted)
            y = bar.get_bottom()[1] + (v - self.f_min) / span * MAP_SIZE
            legend_ticks.add(label.move_to([bar.get_right()[0] + 0.1, y, 0], aligned_edge=LEFT))
        legend_ticks[0].shift(UP * legend_ticks[0].height / 2)
        legend_ticks[1].shift(DOWN * legend_ticks[1].height / 2)
        legend_name = self.math("f", size=style.LABEL, color=t.curve).next_to(bar_border, UP, buff=0.12)

        formula = self.math(r"f(x, y) = " + core.BOWL_TEX, size=style.BODY, color=t.curve)
        formula.next_to(border, UP, buff=0.3)
        self.map_border = border
        self.add(self.title())
        self.play(FadeIn(image), Create(border), FadeIn(ticks, x_name, y_name), Write(formula), run_time=2)
        self.play(FadeIn(bar), Create(bar_border), FadeIn(legend_ticks, legend_name))

    def pick_a_point(self) -> None:
        t = self.theme
        lo, hi = core.PARTIALS_RANGE
        span = hi - lo
        start = (lo + 0.2 * span, lo + 0.2 * span)
        self.beat(
            "a-point",
            "Pick a point on the map and read off where it is, x and y, and how high the surface is there, f.",
        )
        self.px, self.py = ValueTracker(start[0]), ValueTracker(start[1])
        ax = self.map_axes

        def here():
            return self.px.get_value(), self.py.get_value()

        # Cross-hairs: the two directions the slices walk.
        self.row_line = always_redraw(
            lambda: DashedLine(ax.c2p(lo, here()[1]), ax.c2p(hi, here()[1]), color=t.text, stroke_width=2)
        )
        self.col_line = always_redraw(
            lambda: DashedLine(ax.c2p(here()[0], lo), ax.c2p(here()[0], hi), color=t.text, stroke_width=2)
        )
        self.dot = always_redraw(
            lambda: Dot(ax.c2p(*here()), radius=DOT_RADIUS, color=t.text).set_stroke(t.background, width=2)
        )

        dx, dy = (r"\frac{\partial f}{\partial %s}" % v for v in "xy")
        rows = Readouts(
            [
                Readout("x", lambda: here()[0], color=t.x),
                Readout("y", lambda: here()[1], color=t.x),
                Readout("f", lambda: float(core.bowl(*here())), color=t.curve),
                Readout(dx, lambda: core.bowl_partials(*here())[0], color=t.grad),
                Readout(dy, lambda: core.bowl_partials(*here())[1], color=t.grad),
            ],
            buff=0.32,
            align_equals=True,
        )
        rows.move_to([READOUT_X, MAP_CENTER[1], 0], aligned_edge=LEFT)
        self.readouts = rows
        self.play(FadeIn(self.dot), run_time=0.8)
        self.play(rows.show(0, 1, 2), run_time=1.2)

    def show_slices(self) -> None:
        t = self.theme
        lo, hi = core.PARTIALS_RANGE
        self.beat(
            "two-slices",
            "A slope on a surface needs a direction. Freeze y and walk east to west: the surface "
            "becomes a curve, and its slope is ∂f/∂x. "
            "Freeze x and walk north to south: that slope is ∂f/∂y.",
        )
        self.panels = VGroup()
        for k, (top, (var, held)) in enumerate(zip(PANEL_TOPS, (("x", "y"), ("y", "x")))):
            held_tracker = self.py if held == "y" else self.px
            heading = Readout(
                self.words(f"vary {var}, {held} held at", size=style.SMALL),
                held_tracker.get_value,
                color=t.x,
                size=style.HEADING,
            )
            heading.move_to([PANEL_X, top, 0], aligned_edge=UP)
            axes = Axes(
                x_range=[lo, hi, (hi - lo) / 2],
                y_range=[self.f_min, self.f_max, (self.f_max - self.f_min) / 3],
                x_length=PANEL_SIZE[0],
                y_length=PANEL_SIZE[1],
                tips=False,
                axis_config={"color": t.muted, "stroke_width": 2},
            )
            axes.next_to(heading, DOWN, buff=0.25).set_x(PANEL_X + 0.2)
            x_ticks = VGroup(
                *(self.math(fmt(exact(v)), size=style.SMALL, color=t.muted).next_to(axes.c2p(v, self.f_min), DOWN, buff=0.1)
                  for v in (lo, hi))
            )
            y_ticks = VGroup(
                *(self.math(fmt(exact(v)), size=style.SMALL, color=t.muted).next_to(axes.c2p(0, v), side, buff=0.12)
                  for v, side in ((self.f_min, DOWN), (self.f_max, LEFT)))
            )
            var_name = self.math(var, size=style.LABEL, color=t.x).next_to(axes.c2p(hi, self.f_min), DOWN, buff=0.1)
            var_name.next_to(x_ticks[1], LEFT, buff=0.3)
            curve, tangent, dot = self._slice(axes, var)
            panel = VGroup(heading, axes, x_ticks, y_ticks, var_name, curve, tangent, dot)
            self.panels.add(panel)
        ax_lines = (self.row_line, self.col_line)
        for k, panel in enumerate(self.panels):
            self.play(Create(ax_lines[k]), FadeIn(panel[:5]), run_time=1.2)
            self.play(Create(panel[5]), FadeIn(panel[7]), Create(panel[6]), self.readouts.show(3 + k), run_time=1.5)

    def _slice(self, axes: Axes, var: str):
        """The cross-section through the point along ``var``, its tangent and the point on it."""
        t = self.theme
        lo, hi = core.PARTIALS_RANGE

        def section():
            x, y = self.px.get_value(), self.py.get_value()
            if var == "x":
                f, slope = core.slice_in_x(y)
                return f, slope, x
            f, slope = core.slice_in_y(x)
            return f, slope, y

        def curve():
            f, _, _ = section()
            return axes.plot(f, x_range=[lo, hi], color=t.curve, stroke_width=4)

        def tangent():
            f, slope, u = section()
            f0, s = f(u), slope(u)
            a, b = u - TANGENT_HALF, u + TANGENT_HALF
            # Keep the line inside the panel: clip where it leaves the y-range.
            if abs(s) > 1e-9:
                ends = sorted(u + (level - f0) / s for level in (self.f_min, self.f_max))
                a, b = max(a, ends[0]), min(b, ends[1])
            return Line(axes.c2p(a, f0 + s * (a - u)), axes.c2p(b, f0 + s * (b - u)), color=t.grad, stroke_width=5)

        def dot():
            f, _, u = section()
            return Dot(axes.c2p(u, f(u)), radius=DOT_RADIUS, color=t.text)

        return always_redraw(curve), always_redraw(tangent), always_redraw(dot)

    def walk_east_west(self) -> None:
        lo, hi = core.PARTIALS_RANGE
        target = hi - 0.25 * (hi - lo)
        self.beat(
            "walk-east-west",
            "Move x with y frozen. The first slice stays the same curve while its tangent tilts, "
            "and ∂f/∂x reads its slope. The second slice is a new curve at every x.",
        )
        self.play(self.px.animate.set_value(target), run_time=4, rate_func=smooth)

    def walk_north_south(self) -> None:
        lo, hi = core.PARTIALS_RANGE
        target = hi - 0.25 * (hi - lo)
        self.beat(
            "walk-north-south",
            "Now move y with x frozen. The second slice keeps its curve and its tangent tilts; "
            "the first slice moves up and down, but its slope stays put.",
        )
        self.play(self.py.animate.set_value(target), run_time=4, rate_func=smooth)

    def stop_at_the_point(self) -> None:
        p = core.partials_at()
        self.at = p
        self.beat(
            "stop-at-the-point",
            f"Stop at x = {p.x.text}, y = {p.y.text}. There f = {p.f.text}, ∂f/∂x = "
            f"{p.df_dx.text} and ∂f/∂y = {p.df_dy.text}. Two different curves, two independent slopes.",
        )
        self.play(self.px.animate.set_value(p.x.value), self.py.animate.set_value(p.y.value), run_time=3, rate_func=smooth)
        t = self.theme
        self.play(*(row.mark(t.grad) for row in self.readouts[3:]))

    def show_recipe(self) -> None:
        t = self.theme
        self.beat(
            "recipe",
            "The recipe is what the symbol promises: treat the other variable as a constant and "
            "differentiate as usual. With respect to x, 2y² is a constant, so it drops out: "
            "∂f/∂x = 2x. With respect to y, x² drops out: ∂f/∂y = 4y.",
        )
        self.play(FadeOut(self.panels), FadeOut(self.row_line), FadeOut(self.col_line), run_time=1)
        rows = VGroup()
        for symbol, rule, note in (
            (r"\frac{\partial f}{\partial x}", core.BOWL_DX_TEX, "treat y as a constant"),
            (r"\frac{\partial f}{\partial y}", core.BOWL_DY_TEX, "treat x as a constant"),
        ):
            eq = self.math(symbol + " = " + rule, color=t.grad)
            words = self.words(note, size=style.SMALL, color=t.muted)
            words.next_to(eq, RIGHT, buff=0.4)
            rows.add(VGroup(eq, words))
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        heading = self.words("The recipe", size=style.HEADING)
        block = VGroup(heading, rows).arrange(DOWN, aligned_edge=LEFT, buff=0.35)
        block.move_to([PANEL_X, PANEL_TOPS[0], 0], aligned_edge=UP).set_x(PANEL_X - 0.3)
        self.recipe = block
        self.play(FadeIn(heading))
        for row in rows:
            self.play(Write(row[0]), FadeIn(row[1]), run_time=1.5)

    @staticmethod
    def split_value(equation: str) -> tuple[str, str]:
        """"a = b = 1.000" -> ("a = b", "= 1.000"): MathTex joins them back with a space."""
        head, _, value = equation.rpartition(" = ")
        return head, "= " + value

    def sanity_check(self) -> None:
        t = self.theme
        p = self.at
        self.beat(
            "sanity-check",
            f"Sanity check at ({p.x.text}, {p.y.text}): 2 · {p.x.text} = {p.df_dx.text} and "
            f"4 · {p.y.text} = {p.df_dy.text}. They match the readouts.",
        )
        heading = self.words("Check at the point", size=style.HEADING)
        # Two parts, the value last (to box it); together they read as equation() prints.
        eqs = VGroup(*(self.math(*self.split_value(q.equation()), size=style.LABEL) for q in (p.df_dx, p.df_dy)))
        eqs.arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        block = VGroup(heading, eqs).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        block.next_to(self.recipe, DOWN, aligned_edge=LEFT, buff=0.6)
        self.play(FadeIn(heading))
        for eq in eqs:
            self.play(Write(eq), run_time=1.5)
        self.play(*(Create(SurroundingRectangle(eq[1][1:], color=t.grad, buff=0.08)) for eq in eqs))
