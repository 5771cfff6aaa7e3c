"""03 Partial derivatives, visualised.

f(x, y) = x^2 + 2y^2 seen from above as a heatmap (its own colour scale, with
a legend), a point walking across it with live readouts of x, y, f, df/dx and
df/dy, and beside it the two cross-sections through the point: "vary x, y
held" and "vary y, x held", each a curve whose tangent at the point is redrawn
as the point moves. Its slope is the readout. The walk goes east-west (y
frozen), north-south (x frozen), then stops at the notebook's point.

There the map tilts into the landscape it stands for (the same colours), the
point stands on the surface over its shadow, and the planes y = y0 and x = x0
cut it: each cut is a panel's curve, with the panel's tangent, and lies down
into that panel. This comes after the walk, not before it: the viewer has
already read both slopes off the panels, so the landscape answers "where do
those curves come from?" instead of asking the viewer to hold a 3-D picture
through the walk. Looking straight down again, the surface is the map once
more, and the recipe (df/dx = 2x, df/dy = 4y) and the sanity check close the
scene.

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
    Create,
    FadeIn,
    FadeOut,
    Group,
    ReplacementTransform,
    ValueTracker,
    VGroup,
    Write,
    smooth,
)

from backprop_core import refresher as core
from backprop_core.numbers import fmt_fixed, formula_caption
from scenes import style
from scenes.components.heatmap import HeatMap, HeatmapCamera, heat_colors, tick_text
from scenes.components.readout import Readout, Readouts
from scenes.components.slice_panel import DOT_RADIUS, TANGENT_HALF, SlicePanel
from scenes.components.surface import DrawsFaces, SurfaceView
from scenes.lesson import LessonScene

# Layout (frame units; the frame is 14.2 x 8): three columns, map | readouts | slice panels.
MAP_SIZE = 4.2
MAP_CENTER = np.array([-4.55, -0.05, 0])
READOUT_X = -1.35  # left edge of the readout column
PANEL_X = 4.05  # centre of the slice panels
PANEL_TOPS = (2.45, -0.75)  # top of each panel's heading
CUTS = (("x", core.slice_in_x), ("y", core.slice_in_y))  # the panels' slices, top to bottom

# The landscape: the camera tilts from straight down (the map) to this view, and
# the square's middle moves to LANDSCAPE_CENTER, so the bowl fills the map's and
# the readouts' columns.
TILT, TURN = 62, -28  # degrees from straight down; about the vertical
LANDSCAPE_CENTER = np.array([-3.75, -1.2, 0])
Z_UNIT = 0.62  # frame units per unit of f
SURFACE_FACES = 30  # per side: at 1080p the bowl reads smooth, its shading still shows the facets' tilt


def landscape(p: core.PartialsAt) -> SurfaceView:
    """f as a surface over the map's square, seen from straight above (where it is the map),
    with grid lines through the point ``p`` so that its slicing planes cut between faces."""
    return SurfaceView(
        core.bowl,
        *core.PARTIALS_RANGE,
        heat_colors,
        MAP_CENTER,
        MAP_SIZE,
        Z_UNIT,
        SURFACE_FACES,
        cuts=((p.x.value,), (p.y.value,)),
    )


class PartialsCamera(DrawsFaces, HeatmapCamera):
    """The heatmap's images and the landscape's faces, each drawn the fast way."""


class PartialsScene(LessonScene):
    # The axes' and the colour bar's numbers: PARTIALS_RANGE and the bowl's range there, fixed (no --set moves them).
    UNSAID = {tick: "a tick on the axes of the map or a panel, or on the colour bar" for tick in ("-1", "0", "1", "3")}

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("camera_class", PartialsCamera)
        super().__init__(*args, **kwargs)

    def construct(self) -> None:
        self.show_surface()
        self.pick_a_point()
        self.show_slices()
        self.walk(
            "x",
            "Move x with y frozen. The first slice stays the same curve while its tangent tilts, "
            "and ∂f/∂x reads its slope. The second slice is a new curve at every x.",
        )
        self.walk(
            "y",
            "Now move y with x frozen. The second slice keeps its curve and its tangent tilts; "
            "the first slice moves up and down, but its slope stays put.",
        )
        self.stop_at_the_point()
        self.tilt_into_a_landscape()
        self.point_on_the_surface()
        for k, var in enumerate("xy"):
            self.slice_with_a_plane(var, self.panels[k])
        self.look_down_again()
        self.show_recipe()
        self.sanity_check()

    # ------------------------------------------------------------------
    def show_surface(self) -> None:
        t = self.theme
        self.map = HeatMap(core.bowl, *core.PARTIALS_RANGE, t, MAP_CENTER, MAP_SIZE)
        lo, hi = core.PARTIALS_RANGE
        said = {v: formula_caption(tick_text(v)) for v in (lo, hi)}
        with self.beat(
            "two-inputs",
            "The functions in a network have many inputs. Here is one with two: "
            "f(x, y) = x² + 2y². It draws a surface; the heatmap shows it from above, "
            "warmer colour means higher.",
            # The map's own scale (heat_colors), the same in both themes.
            described=f"Over x and y from {said[lo]} to {said[hi]}, the map is dark blue in the middle, where f is "
            "lowest, and pale gold at the corners, beside a colour bar for f.",
        ):
            self.formula = self.math(r"f(x, y) = " + core.BOWL_TEX, size=style.BODY, color=t.curve)
            self.formula.next_to(self.map.border, UP, buff=style.NEAR)
            self.title_group = self.title()
            self.add(self.title_group)
            self.play(*self.map.show_map(), Write(self.formula), run_time=2)
            self.play(*self.map.show_legend())

    def pick_a_point(self) -> None:
        t = self.theme
        lo, hi = core.PARTIALS_RANGE
        start = lo + 0.2 * (hi - lo)
        at = fmt_fixed(start)  # as the readouts print it
        with self.beat(
            "a-point",
            "Pick a point on the map and read off where it is, x and y, and how high the surface is there, f.",
            described=f"A dot appears on the map, with readouts x = {at}, y = {at}, "
            f"f = {fmt_fixed(core.bowl(start, start))}.",
        ):
            self.px, self.py = ValueTracker(start), ValueTracker(start)

            def here():
                return self.px.get_value(), self.py.get_value()

            self.row_line, self.col_line = self.map.cross_hairs(here, t.text)  # the two directions the slices walk
            self.dot = self.map.marker(here, t.text, t.background, DOT_RADIUS)
            p = core.partials_at()  # the symbols, as the core writes them
            dx, dy = p.df_dx.symbol, p.df_dy.symbol
            self.readouts = Readouts(
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
            self.readouts.move_to([READOUT_X, MAP_CENTER[1], 0], aligned_edge=LEFT)
            self.play(FadeIn(self.dot), run_time=0.8)
            self.play(self.readouts.show(0, 1, 2), run_time=1.2)

    def show_slices(self) -> None:
        dx, dy = core.bowl_partials(self.px.get_value(), self.py.get_value())
        with self.beat(
            "two-slices",
            "A slope on a surface needs a direction. Freeze y and walk east to west: the surface "
            "becomes a curve, and its slope is ∂f/∂x. "
            "Freeze x and walk north to south: that slope is ∂f/∂y.",
            described=f"Cross-hairs meet at the dot; two panels show the slices, y held at "
            f"{fmt_fixed(self.py.get_value())} and x held at {fmt_fixed(self.px.get_value())}, and the readouts "
            f"add ∂f/∂x = {fmt_fixed(dx)}, ∂f/∂y = {fmt_fixed(dy)}.",
        ):
            point, f_range = (self.px, self.py), self.map.f_range
            panels = (SlicePanel(var, cut, point, *core.PARTIALS_RANGE, f_range, self.theme) for var, cut in CUTS)
            self.panels = VGroup(*(panel.place([PANEL_X, top, 0]) for panel, top in zip(panels, PANEL_TOPS)))
            for k, (line, panel) in enumerate(zip((self.row_line, self.col_line), self.panels)):
                self.play(Create(line), panel.show_frame(), run_time=1.2)
                self.play(*panel.show_slice(), self.readouts.show(3 + k), run_time=1.5)

    def walk(self, var: str, narration: str) -> None:
        """Move the point along ``var`` to three quarters of the way, the other held."""
        lo, hi = core.PARTIALS_RANGE
        tracker = self.px if var == "x" else self.py
        end = hi - 0.25 * (hi - lo)
        x, y = (end, self.py.get_value()) if var == "x" else (self.px.get_value(), end)
        slope = core.bowl_partials(x, y)[0 if var == "x" else 1]
        described = (
            f"The dot slides to {var} = {fmt_fixed(end)}, the other panel's heading following; f = "
            f"{fmt_fixed(core.bowl(x, y))}, ∂f/∂{var} = {fmt_fixed(slope)}."
        )
        with self.beat("walk-east-west" if var == "x" else "walk-north-south", narration, described):
            self.play(tracker.animate.set_value(hi - 0.25 * (hi - lo)), run_time=4, rate_func=smooth)

    def stop_at_the_point(self) -> None:
        p = core.partials_at(*self.params.partials_point)
        self.at = p
        with self.beat(
            "stop-at-the-point",
            f"Stop at x = {p.x.text}, y = {p.y.text}. There f = {p.f.text}, ∂f/∂x = "
            f"{p.df_dx.text} and ∂f/∂y = {p.df_dy.text}. Two different curves, two independent slopes.",
            described="The dot glides there and the two slopes are boxed.",
        ):
            self.play(
                self.px.animate.set_value(p.x.value), self.py.animate.set_value(p.y.value), run_time=3, rate_func=smooth
            )
            t = self.theme
            self.play(*self.readouts.mark(t.grad, 3, 4))

    # -- the same function as a landscape ----------------------------------
    def tilt_into_a_landscape(self) -> None:
        p = self.at
        with self.beat(
            "landscape",
            "Tilt the map and it becomes the landscape it stands for: over every point the surface "
            "stands as high as f, in the heatmap's own colours.",
            described="The readouts fade as the map rises into a bowl-shaped surface over a floor; the panels stay.",
        ):
            self.surface = landscape(p)
            # What belongs to the flat view leaves; the title, formula and panels stay.
            kept = {*self.title_group.get_family(), *self.formula.get_family(), *self.panels.get_family()}
            self.flat_view = Group(*(m for m in self.mobjects if not set(m.get_family()) & kept))
            t = self.theme
            self.floor = self.surface.floor(t.muted)
            names = (self.math(v, size=style.LABEL, color=t.x) for v in "xy")
            self.floor_names = self.surface.axis_names(*names)
            # Seen from above the surface is the map: put it under the map, and the map leaves.
            self.add(self.floor, self.surface)
            self.bring_to_back(self.floor, self.surface)  # the floor (z = 0) under the whole surface
            # The map moves aside while still flat, then tilts: tilting in place would raise its
            # far edge into the formula above it.
            self.play(FadeOut(self.flat_view), *self.surface.look(0, 0, LANDSCAPE_CENTER), run_time=1.2)
            self.play(*self.surface.look(TILT, TURN), FadeIn(self.floor_names), run_time=3.5)

    def point_on_the_surface(self) -> None:
        t, p, s = self.theme, self.at, self.surface
        with self.beat(
            "on-the-surface",
            f"The point we stopped at is on the surface, {p.f.text} above the floor. "
            "The dashed line drops to its shadow on the map.",
            described=f"A dot marks it, captioned ({p.x.text}, {p.y.text}, {p.f.text}).",
        ):
            self.drop = VGroup(s.drop_line(p.x.value, p.y.value, t.text), s.shadow(p.x.value, p.y.value, t.muted))
            self.point = s.point(p.x.value, p.y.value, t.text, DOT_RADIUS)
            self.caption = self.under_the_landscape(rf"({p.x.text},\ {p.y.text},\ {p.f.text})")
            self.play(FadeIn(self.point), Create(self.drop[0]), FadeIn(self.drop[1]), Write(self.caption))

    def under_the_landscape(self, *tex: str) -> VGroup:
        """The landscape's caption, under it on the left (the floor's near corner and x are on the right)."""
        caption = self.math(*tex, size=style.LABEL)
        return caption.next_to(self.floor, DOWN, buff=style.TIGHT).to_edge(LEFT, buff=style.EDGE + style.NEAR)

    def slice_with_a_plane(self, var: str, panel: SlicePanel) -> None:
        """The plane holding the other variable cuts the curve of ``panel``; the cut then lies down in it."""
        t, p, s = self.theme, self.at, self.surface
        held, value = ("y", p.y) if var == "x" else ("x", p.x)
        slope = p.df_dx if var == "x" else p.df_dy
        with self.beat(
            f"plane-{held}",
            f"The plane {held} = {value.text} slices the landscape. Its cut is a curve, and the "
            f"tangent at the point has slope {slope.text}: that is ∂f/∂{var}.",
            described="An upright plane stands through the point, its cut and tangent drawn, the slope captioned.",
        ):
            cut = s.cut(held, value.value, t.curve)
            tangent = s.tangent(p.x.value, p.y.value, var, slope.value, TANGENT_HALF, t.grad)
            caption = self.under_the_landscape(rf"{held} = {value.text}:\quad", slope.symbol, f"= {slope.text}")
            caption[1:].set_color(t.grad)
            self.play(*s.slice_with_plane(held, value.value, t.muted), run_time=1.2)
            self.play(Create(cut), ReplacementTransform(self.caption, caption), run_time=1.5)
            self.caption = caption
            self.bring_to_front(self.point)
            self.play(Create(tangent))
        with self.beat(
            f"flatten-{var}",
            f"Lay the cut flat and it is the vary-{var} curve in the panel, point for point, with the same tangent.",
            described=f"The cut flies onto the {'top' if var == 'x' else 'bottom'} panel's curve, whose tangent "
            "flashes; the plane leaves.",
        ):
            flat = cut.copy().clear_updaters()
            self.remove(cut)
            landed = panel.still_curve()
            self.play(ReplacementTransform(flat, landed), run_time=2)
            self.play(panel.point_out_tangent(t.highlight), run_time=1.2)
            self.play(*s.unslice(), FadeOut(tangent, landed), run_time=0.8)
            s.remove_plane()

    def look_down_again(self) -> None:
        with self.beat(
            "from-above-again",
            "Look straight down again and the landscape is the heatmap. Every slope read on the map "
            "is the slope of one cut through this surface.",
            described=f"The map returns with its readouts: x = {self.at.x.text}, y = {self.at.y.text}, "
            f"f = {self.at.f.text}, slopes {self.at.df_dx.text} and {self.at.df_dy.text}.",
        ):
            self.play(FadeOut(self.point, self.drop, self.caption, self.floor_names), run_time=0.8)
            self.play(*self.surface.look(0, 0), run_time=2.5)
            self.play(*self.surface.look(0, 0, MAP_CENTER), run_time=1)
            self.play(FadeIn(self.flat_view), run_time=1.2)  # the map comes back over its surface
            self.remove(self.surface, self.floor)

    def show_recipe(self) -> None:
        t = self.theme
        with self.beat(
            "recipe",
            "The recipe is what the symbol promises: treat the other variable as a constant and "
            "differentiate as usual. With respect to x, 2y² is a constant, so it drops out: "
            "∂f/∂x = 2x. With respect to y, x² drops out: ∂f/∂y = 4y.",
            described="The panels fade; The recipe lists both rules, each noted: treat the other variable as a "
            "constant.",
        ):
            self.play(FadeOut(self.panels), FadeOut(self.row_line), FadeOut(self.col_line), run_time=1)
            rows = VGroup()
            for symbol, rule, note in (
                (self.at.df_dx.symbol, core.BOWL_DX_TEX, "treat y as a constant"),
                (self.at.df_dy.symbol, core.BOWL_DY_TEX, "treat x as a constant"),
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
            described="Both are written under the heading Check at the point, their results boxed.",
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
