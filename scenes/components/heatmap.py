"""A function of two variables seen from above: its heatmap, framed, with ticks and a legend.

The colour scale is the map's own (a height), deliberately unlike the symbol
colours of style.py; the 3-D surface (components/surface.py) is shaded with the
same scale, so the two views are visibly one object.
"""

from __future__ import annotations

from collections.abc import Callable

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
    Group,
    ImageMobject,
    MathTex,
    Rectangle,
    VGroup,
    VMobject,
    always_redraw,
)
from manim.camera.camera import Camera
from manim.constants import RESAMPLING_ALGORITHMS
from PIL import Image

from backprop_core.numbers import fmt
from backprop_core.quantity import exact
from scenes import style

# Low = deep blue-grey, high = warm sand.
HEAT_SCALE = ("#16243A", "#2F4B6B", "#5E6F86", "#9C8C7A", "#D9B98C", "#F6E7C8")
HEAT_PIXELS = 241  # odd: the grid runs through the middle of the range
LEGEND_WIDTH = 0.28
NAME_SHIFT = 1.05  # the axis names sit this far along their side, off the middle tick


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


def tick_text(value) -> str:
    """A number along an axis or the colour bar, as the core prints it."""
    return fmt(exact(value))


def tick(value, theme) -> MathTex:
    return MathTex(tick_text(value), font_size=style.SMALL, color=theme.muted)


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


class HeatMap(Group):
    """f over the square [lo, hi]², seen from above (top row = highest y), framed, with ticks and a legend.

    ``axes`` maps (x, y) to the frame; ``f_min`` and ``f_max`` are the scale's ends.
    """

    def __init__(self, f: Callable, lo: float, hi: float, theme, center, size: float) -> None:
        super().__init__()
        self.lo, self.hi = lo, hi
        xs = np.linspace(lo, hi, HEAT_PIXELS)
        grid_x, grid_y = np.meshgrid(xs, xs[::-1])
        heights = f(grid_x, grid_y)
        self.f_min, self.f_max = float(heights.min()), float(heights.max())
        self.image = heat_image((heights - self.f_min) / (self.f_max - self.f_min), size).move_to(center)
        self.border = Rectangle(width=size, height=size, color=theme.muted, stroke_width=2).move_to(center)
        self.axes = Axes(x_range=[lo, hi], y_range=[lo, hi], x_length=size, y_length=size).move_to(center)
        self.ticks = VGroup()
        for v in (lo, (lo + hi) / 2, hi):
            self.ticks.add(tick(v, theme).next_to(self.axes.c2p(v, lo), DOWN, buff=style.HAIR))
            self.ticks.add(tick(v, theme).next_to(self.axes.c2p(lo, v), LEFT, buff=style.HAIR))
        x_name = MathTex("x", font_size=style.LABEL, color=theme.x).next_to(self.border, DOWN, buff=style.TIGHT)
        y_name = MathTex("y", font_size=style.LABEL, color=theme.x).next_to(self.border, LEFT, buff=style.TIGHT)
        self.ticks.add(x_name.shift(RIGHT * NAME_SHIFT), y_name.shift(UP * NAME_SHIFT))
        self.legend = self._legend(theme, size)
        self.add(self.image, self.border, self.ticks, self.legend)

    def _legend(self, theme, size: float) -> Group:
        """The scale as a vertical bar beside the map, high at the top, with its two ends and the name f."""
        bar = heat_image(np.linspace(1, 0, HEAT_PIXELS)[:, None] * np.ones((1, 8)), LEGEND_WIDTH, size)
        bar.next_to(self.border, RIGHT, buff=style.TIGHT)
        frame = Rectangle(width=LEGEND_WIDTH, height=size, color=theme.muted, stroke_width=2).move_to(bar)
        low, high = tick(self.f_min, theme), tick(self.f_max, theme)
        low.next_to(bar.get_corner(DR), RIGHT, buff=style.HAIR).align_to(bar, DOWN)
        high.next_to(bar.get_corner(UR), RIGHT, buff=style.HAIR).align_to(bar, UP)
        name = MathTex("f", font_size=style.LABEL, color=theme.curve).next_to(frame, UP, buff=style.TIGHT)
        return Group(bar, frame, VGroup(low, high, name))

    @property
    def f_range(self) -> tuple[float, float]:
        return self.f_min, self.f_max

    def cross_hairs(self, here: Callable, color: str) -> tuple[VMobject, VMobject]:
        """Dashed lines across the map through the point ``here()`` (x, y), following it as it
        moves: the row (y held) and the column (x held)."""
        ax, lo, hi = self.axes, self.lo, self.hi

        def following(ends: Callable) -> VMobject:
            # Built once and moved: the line through the next point is this one shifted (the axes
            # are affine, the length and so the dashes the same). Building a DashedLine on every
            # frame was a tenth of partials' render time.
            start, end = ends(*here())
            line = DashedLine(ax.c2p(*start), ax.c2p(*end), color=color, stroke_width=2)
            at = [np.array(ax.c2p(*start))]

            def follow(m: VMobject) -> None:
                now = np.array(ax.c2p(*ends(*here())[0]))
                if not np.array_equal(now, at[0]):
                    m.shift(now - at[0])
                    at[0] = now

            return line.add_updater(follow)

        return (
            following(lambda x, y: ((lo, y), (hi, y))),
            following(lambda x, y: ((x, lo), (x, hi))),
        )

    def marker(self, here: Callable, color: str, outline: str, radius: float) -> VMobject:
        """A dot at the point ``here()`` (x, y), ringed in ``outline``, redrawn as it moves."""
        ax = self.axes
        return always_redraw(lambda: Dot(ax.c2p(*here()), radius=radius, color=color).set_stroke(outline, width=2))

    def show_map(self) -> list:
        return [FadeIn(self.image), Create(self.border), FadeIn(self.ticks)]

    def show_legend(self) -> list:
        bar, frame, labels = self.legend
        return [FadeIn(bar), Create(frame), FadeIn(labels)]
