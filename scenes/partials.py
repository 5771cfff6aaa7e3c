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
    DR,
    LEFT,
    RIGHT,
    UP,
    UR,
    Axes,
    Create,
    DashedLine,
    Dot,
    FadeIn,
    FadeOut,
    ImageMobject,
    Line,
    MathTex,
    Rectangle,
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
MAP_NAME_SHIFT = 1.05  # the axis names sit this far along their side, off the middle tick
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


def heat_image(values: np.ndarray, width: float, height: float | None = None) -> ImageMobject:
    """Values in [0, 1] as an image along HEAT_SCALE, stretched to ``width`` x ``height`` (square by default)."""
    image = ImageMobject(heat_colors(values))
    image.set_resampling_algorithm(RESAMPLING_ALGORITHMS["bilinear"])
    return image.stretch_to_fit_width(width).stretch_to_fit_height(height or width)


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
        with self.beat(
            "two-inputs",
            "The functions in a network have many inputs. Here is one with two: "
            "f(x, y) = x² + 2y². It draws a surface; the heatmap shows it from above, "
            "warmer colour means higher.",
        ):
            image, border, ticks = self.heatmap()
            bar, bar_border, legend = self.legend(border)
            formula = self.math(r"f(x, y) = " + core.BOWL_TEX, size=style.BODY, color=t.curve)
            formula.next_to(border, UP, buff=style.NEAR)
            self.add(self.title())
            self.play(FadeIn(image), Create(border), FadeIn(ticks), Write(formula), run_time=2)
            self.play(FadeIn(bar), Create(bar_border), FadeIn(legend))

    def tick(self, value) -> MathTex:
        return self.math(fmt(exact(value)), size=style.SMALL, color=self.theme.muted)

    def heatmap(self) -> tuple[ImageMobject, Rectangle, VGroup]:
        """bowl() over the square seen from above (top row = highest y), its border and its ticks."""
        t = self.theme
        lo, hi = core.PARTIALS_RANGE
        xs = np.linspace(lo, hi, HEAT_PIXELS)
        grid_x, grid_y = np.meshgrid(xs, xs[::-1])
        heights = core.bowl(grid_x, grid_y)
        self.f_min, self.f_max = float(heights.min()), float(heights.max())
        image = heat_image((heights - self.f_min) / (self.f_max - self.f_min), MAP_SIZE).move_to(MAP_CENTER)
        border = Rectangle(width=MAP_SIZE, height=MAP_SIZE, color=t.muted, stroke_width=2).move_to(MAP_CENTER)
        self.map_border = border
        self.map_axes = Axes(x_range=[lo, hi], y_range=[lo, hi], x_length=MAP_SIZE, y_length=MAP_SIZE)
        self.map_axes.move_to(MAP_CENTER)
        ticks = VGroup()
        for v in (lo, (lo + hi) / 2, hi):
            ticks.add(self.tick(v).next_to(self.map_axes.c2p(v, lo), DOWN, buff=style.HAIR))
            ticks.add(self.tick(v).next_to(self.map_axes.c2p(lo, v), LEFT, buff=style.HAIR))
        x_name = self.math("x", size=style.LABEL, color=t.x).next_to(border, DOWN, buff=style.TIGHT)
        y_name = self.math("y", size=style.LABEL, color=t.x).next_to(border, LEFT, buff=style.TIGHT)
        ticks.add(x_name.shift(RIGHT * MAP_NAME_SHIFT), y_name.shift(UP * MAP_NAME_SHIFT))
        return image, border, ticks

    def legend(self, border: Rectangle) -> tuple[ImageMobject, Rectangle, VGroup]:
        """The heatmap's scale as a vertical bar beside it, high at the top, with its two ends."""
        t = self.theme
        bar = heat_image(np.linspace(1, 0, HEAT_PIXELS)[:, None] * np.ones((1, 8)), LEGEND_WIDTH, MAP_SIZE)
        bar.next_to(border, RIGHT, buff=style.TIGHT)
        bar_border = Rectangle(width=LEGEND_WIDTH, height=MAP_SIZE, color=t.muted, stroke_width=2).move_to(bar)
        low, high = self.tick(self.f_min), self.tick(self.f_max)
        low.next_to(bar.get_corner(DR), RIGHT, buff=style.HAIR).align_to(bar, DOWN)
        high.next_to(bar.get_corner(UR), RIGHT, buff=style.HAIR).align_to(bar, UP)
        name = self.math("f", size=style.LABEL, color=t.curve).next_to(bar_border, UP, buff=style.TIGHT)
        return bar, bar_border, VGroup(low, high, name)

    def pick_a_point(self) -> None:
        t = self.theme
        lo, hi = core.PARTIALS_RANGE
        span = hi - lo
        start = (lo + 0.2 * span, lo + 0.2 * span)
        with self.beat(
            "a-point",
            "Pick a point on the map and read off where it is, x and y, and how high the surface is there, f.",
        ):
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

            dx, dy = (rf"\frac{{\partial f}}{{\partial {v}}}" for v in "xy")
            rows = Readouts(
                [
                    Readout("x", lambda: here()[0], color=t.x),
                    Readout("y", lambda: here()[1], color=t.x),
                    Readout("f", lambda: float(core.bowl(*here())), color=t.curve),
                    Readout(dx, lambda: core.bowl_partials(*here())[0], color=t.grad),
                    Readout(dy, lambda: core.bowl_partials(*here())[1], color=t.grad),
                ],
                buff=style.NEAR,
                align_equals=True,
            )
            rows.move_to([READOUT_X, MAP_CENTER[1], 0], aligned_edge=LEFT)
            self.readouts = rows
            self.play(FadeIn(self.dot), run_time=0.8)
            self.play(rows.show(0, 1, 2), run_time=1.2)

    def show_slices(self) -> None:
        with self.beat(
            "two-slices",
            "A slope on a surface needs a direction. Freeze y and walk east to west: the surface "
            "becomes a curve, and its slope is ∂f/∂x. "
            "Freeze x and walk north to south: that slope is ∂f/∂y.",
        ):
            self.panels = VGroup(
                *(self.slice_panel(top, var, held) for top, (var, held) in zip(PANEL_TOPS, ("xy", "yx")))
            )
            for k, (line, panel) in enumerate(zip((self.row_line, self.col_line), self.panels)):
                self.play(Create(line), FadeIn(panel[:5]), run_time=1.2)
                self.play(Create(panel[5]), FadeIn(panel[7]), Create(panel[6]), self.readouts.show(3 + k), run_time=1.5)

    def slice_panel(self, top: float, var: str, held: str) -> VGroup:
        """ "vary x, y held at 0.500" over the slice's axes: heading, axes, ticks, name, curve, tangent, dot."""
        t = self.theme
        lo, hi = core.PARTIALS_RANGE
        held_tracker = self.py if held == "y" else self.px
        words = self.words(f"vary {var}, {held} held at", size=style.SMALL)
        heading = Readout(words, held_tracker.get_value, color=t.x, size=style.HEADING)
        heading.move_to([PANEL_X, top, 0], aligned_edge=UP)
        axes = Axes(
            x_range=[lo, hi, (hi - lo) / 2],
            y_range=[self.f_min, self.f_max, (self.f_max - self.f_min) / 3],
            x_length=PANEL_SIZE[0],
            y_length=PANEL_SIZE[1],
            tips=False,
            axis_config={"color": t.muted, "stroke_width": 2},
        )
        axes.next_to(heading, DOWN, buff=style.NEAR).set_x(PANEL_X + 0.2)
        x_ticks = VGroup(*(self.tick(v).next_to(axes.c2p(v, self.f_min), DOWN, buff=style.HAIR) for v in (lo, hi)))
        y_ticks = VGroup(
            self.tick(self.f_min).next_to(axes.c2p(0, self.f_min), DOWN, buff=style.TIGHT),
            self.tick(self.f_max).next_to(axes.c2p(0, self.f_max), LEFT, buff=style.TIGHT),
        )
        var_name = self.math(var, size=style.LABEL, color=t.x).next_to(axes.c2p(hi, self.f_min), DOWN, buff=style.HAIR)
        var_name.next_to(x_ticks[1], LEFT, buff=style.NEAR)
        return VGroup(heading, axes, x_ticks, y_ticks, var_name, *self._slice(axes, var))

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
        with self.beat(
            "walk-east-west",
            "Move x with y frozen. The first slice stays the same curve while its tangent tilts, "
            "and ∂f/∂x reads its slope. The second slice is a new curve at every x.",
        ):
            self.play(self.px.animate.set_value(target), run_time=4, rate_func=smooth)

    def walk_north_south(self) -> None:
        lo, hi = core.PARTIALS_RANGE
        target = hi - 0.25 * (hi - lo)
        with self.beat(
            "walk-north-south",
            "Now move y with x frozen. The second slice keeps its curve and its tangent tilts; "
            "the first slice moves up and down, but its slope stays put.",
        ):
            self.play(self.py.animate.set_value(target), run_time=4, rate_func=smooth)

    def stop_at_the_point(self) -> None:
        p = core.partials_at()
        self.at = p
        with self.beat(
            "stop-at-the-point",
            f"Stop at x = {p.x.text}, y = {p.y.text}. There f = {p.f.text}, ∂f/∂x = "
            f"{p.df_dx.text} and ∂f/∂y = {p.df_dy.text}. Two different curves, two independent slopes.",
        ):
            self.play(
                self.px.animate.set_value(p.x.value), self.py.animate.set_value(p.y.value), run_time=3, rate_func=smooth
            )
            t = self.theme
            self.play(*(row.mark(t.grad) for row in self.readouts[3:]))

    def show_recipe(self) -> None:
        t = self.theme
        with self.beat(
            "recipe",
            "The recipe is what the symbol promises: treat the other variable as a constant and "
            "differentiate as usual. With respect to x, 2y² is a constant, so it drops out: "
            "∂f/∂x = 2x. With respect to y, x² drops out: ∂f/∂y = 4y.",
        ):
            self.play(FadeOut(self.panels), FadeOut(self.row_line), FadeOut(self.col_line), run_time=1)
            rows = VGroup()
            for symbol, rule, note in (
                (r"\frac{\partial f}{\partial x}", core.BOWL_DX_TEX, "treat y as a constant"),
                (r"\frac{\partial f}{\partial y}", core.BOWL_DY_TEX, "treat x as a constant"),
            ):
                eq = self.math(symbol + " = " + rule, color=t.grad)
                words = self.words(note, size=style.SMALL, color=t.muted)
                words.next_to(eq, RIGHT, buff=style.NEAR)
                rows.add(VGroup(eq, words))
            rows.arrange(DOWN, aligned_edge=LEFT, buff=style.NEAR)
            heading = self.words("The recipe", size=style.HEADING)
            block = VGroup(heading, rows).arrange(DOWN, aligned_edge=LEFT, buff=style.NEAR)
            block.move_to([PANEL_X, PANEL_TOPS[0], 0], aligned_edge=UP).set_x(PANEL_X - 0.3)
            self.recipe = block
            self.play(FadeIn(heading))
            for row in rows:
                self.play(Write(row[0]), FadeIn(row[1]), run_time=1.5)

    @staticmethod
    def split_value(equation: str) -> tuple[str, str]:
        """ "a = b = 1.000" -> ("a = b", "= 1.000"): MathTex joins them back with a space."""
        head, _, value = equation.rpartition(" = ")
        return head, "= " + value

    def sanity_check(self) -> None:
        t = self.theme
        p = self.at
        with self.beat(
            "sanity-check",
            f"Sanity check at ({p.x.text}, {p.y.text}): 2 · {p.x.text} = {p.df_dx.text} and "
            f"4 · {p.y.text} = {p.df_dy.text}. They match the readouts.",
        ):
            heading = self.words("Check at the point", size=style.HEADING)
            # Two parts, the value last (to box it); together they read as equation() prints.
            eqs = VGroup(*(self.math(*self.split_value(q.equation()), size=style.LABEL) for q in (p.df_dx, p.df_dy)))
            eqs.arrange(DOWN, aligned_edge=LEFT, buff=style.NEAR)
            block = VGroup(heading, eqs).arrange(DOWN, aligned_edge=LEFT, buff=style.NEAR)
            block.next_to(self.recipe, DOWN, aligned_edge=LEFT, buff=style.APART)
            self.play(FadeIn(heading))
            for eq in eqs:
                self.play(Write(eq), run_time=1.5)
            self.play(*(Create(style.highlight_box(eq[1][1:], t.grad)) for eq in eqs))
