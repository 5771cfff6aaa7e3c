"""A surface z = f(x, y) seen by a turning camera, drawn in 2-D (manim's Cairo renderer).

Looking straight down (tilt 0) the surface lies exactly on its heatmap: the same
square of the frame, the same colours. Tilting the camera turns the map into a
landscape. The projection is orthographic and the faces are painted back to
front, so everything it draws is an ordinary 2-D mobject: the scene's checks
(inside the frame, texts apart) see what the viewer sees, and the light theme and
transparent renders work unchanged.

Decorations that live on the surface (a point, its drop line, a cut curve, a
tangent) are re-projected on every frame, and a vertical slicing plane is painted
between the faces behind it and the faces in front, which turn translucent so the
cut shows.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from manim import DashedLine, Dot, Line, Mobject, ValueTracker, VGroup, VMobject, always_redraw, config

# The light that shades the landscape (world direction, towards the light).
LIGHT = np.array([-0.45, -0.6, 0.66])
SHADE = 0.45  # how dark a face turned fully away from the light gets, at full tilt


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


class Face(VMobject):
    """One face of a surface: a plain VMobject (a hairline stroke of its own colour hides the
    seams), that a DrawsFaces camera paints from ``paint``, its corners grown by a pixel's
    fraction so that neighbours overlap instead."""

    paint: list | None = None


class DrawsFaces:
    """Camera mixin: a run of Faces painted straight onto the Cairo context.

    manim's own drawing of a VMobject costs about 75 µs of Python (the path split
    into subpaths, the colours looked up, fill and stroke set); a landscape of
    nine hundred faces took 75 ms a frame at 480p and 90 ms at 1080p. A face is
    four straight edges in one colour, so it is filled as such, without the
    stroke: 17 ms at 1080p.
    """

    def type_or_raise(self, mobject):
        kind = super().type_or_raise(mobject)  # (manim 0.21 rebuilds display_funcs here)
        self.display_funcs[Face] = self.display_faces
        return Face if isinstance(mobject, Face) else kind

    def display_faces(self, faces: list[Face], pixel_array) -> None:
        ctx = self.get_cairo_context(pixel_array)
        for face in faces:
            if face.paint is None:
                continue
            (x0, y0), (x1, y1), (x2, y2), (x3, y3) = face.paint
            ctx.new_path()
            ctx.move_to(x0, y0)
            ctx.line_to(x1, y1)
            ctx.line_to(x2, y2)
            ctx.line_to(x3, y3)
            ctx.close_path()
            r, g, b, a = face.fill_rgbas[0]
            ctx.set_source_rgba(b, g, r, a)  # the Cairo surface's channels are BGRA
            ctx.fill()


class SurfaceView(VGroup):
    """The faces of z = f(x, y) over [lo, hi]², with the camera's tilt and turn as trackers.

    ``center`` and ``size`` place the square in the frame as seen from above;
    ``height`` is how many frame units one unit of z stands up; ``colors`` maps
    heights to RGBA uint8 (the heatmap's scale). ``cuts`` are x and y values
    that must be grid lines (a slicing plane through a point cuts between faces).
    """

    def __init__(
        self,
        f: Callable[[np.ndarray, np.ndarray], np.ndarray],
        lo: float,
        hi: float,
        colors: Callable[[np.ndarray], np.ndarray],
        center: np.ndarray,
        size: float,
        height: float,
        resolution: int,
        cuts: tuple[tuple[float, ...], tuple[float, ...]] = ((), ()),
    ) -> None:
        super().__init__()
        self.f, self.lo, self.hi = f, lo, hi
        self.tilt = ValueTracker(0.0)  # degrees from straight down
        self.turn = ValueTracker(0.0)  # degrees about the vertical
        self.see_through = ValueTracker(1.0)  # the opacity of the faces in front of the plane
        self.plane_shown = ValueTracker(0.0)  # 0: the plane is invisible, 1: drawn in full
        # (not self.height or self.scale: those are the Mobject's own)
        self.unit, self.z_unit = size / (hi - lo), height
        # Where the square's middle is in the frame: on a path from _path[0] to _path[1], glide of the way.
        self._path = (np.asarray(center, float), np.asarray(center, float))
        self.glide = ValueTracker(1.0)
        # The slicing plane (axis, value, its mobject, its fill opacity); it is one of the
        # surface's submobjects, so scenes show and hide it through the surface, never on their own.
        self.plane: tuple[str, float, VMobject, float] | None = None

        xs = np.unique(np.concatenate([np.linspace(lo, hi, resolution + 1), cuts[0]]))
        ys = np.unique(np.concatenate([np.linspace(lo, hi, resolution + 1), cuts[1]]))
        gx, gy = np.meshgrid(xs, ys)
        corners = np.stack([gx, gy, f(gx, gy)], axis=-1)
        # Each face: its four corners, counter-clockwise from the lower left.
        quads = np.stack([corners[:-1, :-1], corners[:-1, 1:], corners[1:, 1:], corners[1:, :-1]], axis=2)
        self.quads = quads.reshape(-1, 4, 3)
        self.mids = self.quads.mean(axis=1)
        span = np.ptp(corners[..., 2]) or 1.0
        self.base_rgb = colors((self.mids[:, 2] - corners[..., 2].min()) / span)[:, :3] / 255.0
        normals = np.cross(self.quads[:, 2] - self.quads[:, 0], self.quads[:, 3] - self.quads[:, 1])
        self.normals = _unit(normals * [self.z_unit, self.z_unit, self.unit])
        self.faces = [Face(stroke_width=1) for _ in self.quads]  # coloured by redraw()
        self.add(*self.faces)
        self.add_updater(lambda m: m.redraw())
        self.redraw()

    # -- the camera ------------------------------------------------------
    def _rotation(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Unit vectors of the screen's right, up and away-from-the-viewer, in world terms."""
        t, p = np.radians(self.turn.get_value()), np.radians(self.tilt.get_value())
        right = np.array([np.cos(t), -np.sin(t), 0.0])
        ahead = np.array([np.sin(t), np.cos(t), 0.0])  # along the ground, away from the viewer
        up = ahead * np.cos(p) + np.array([0, 0, 1.0]) * np.sin(p)
        away = ahead * np.sin(p) - np.array([0, 0, 1.0]) * np.cos(p)
        return right, up, away

    def _world(self, pts: np.ndarray) -> np.ndarray:
        """Data (x, y, f) -> world units (frame units, centred on the square's middle)."""
        mid = (self.lo + self.hi) / 2
        pts = np.asarray(pts, float)
        return np.stack(
            [(pts[..., 0] - mid) * self.unit, (pts[..., 1] - mid) * self.unit, pts[..., 2] * self.z_unit], axis=-1
        )

    @property
    def origin(self) -> np.ndarray:
        a, b = self._path
        return a + self.glide.get_value() * (b - a)

    def project(self, pts) -> np.ndarray:
        """Data points (x, y, z) -> points in the frame."""
        right, up, _ = self._rotation()
        w = self._world(pts)
        return self.origin + np.stack([w @ right, w @ up, np.zeros(w.shape[:-1])], axis=-1)

    def depth(self, pts) -> np.ndarray:
        return self._world(pts) @ self._rotation()[2]

    def f_at(self, x: float, y: float) -> float:
        """f at one point (f takes arrays too)."""
        return float(self.f(np.float64(x), np.float64(y)))

    def at(self, x: float, y: float) -> np.ndarray:
        """The frame point of the surface above (x, y)."""
        return self.project([x, y, self.f_at(x, y)])

    # -- drawing ----------------------------------------------------------
    def redraw(self) -> None:
        tilt = np.sin(np.radians(self.tilt.get_value()))
        flat = self.project(self.quads)  # (faces, 4, 3)
        # Closed paths of straight cubic pieces, as set_points_as_corners makes them.
        a, b = flat, np.roll(flat, -1, axis=1)
        thirds = np.stack([a, a + (b - a) / 3, a + 2 * (b - a) / 3, b], axis=2).reshape(len(flat), 16, 3)
        lit = np.clip(self.normals @ _unit(LIGHT), 0, 1)
        rgb = self.base_rgb * (1 - SHADE * tilt * (1 - lit))[:, None]
        front = self._in_front()
        opacity = np.where(front, self.see_through.get_value(), 1.0)
        # For DrawsFaces: each corner pushed out from the face's middle by 3/4 of a pixel.
        centre = flat.mean(axis=1, keepdims=True)
        out = flat - centre
        out /= np.maximum(np.linalg.norm(out, axis=-1, keepdims=True), 1e-9)
        paint = (flat + out * 0.75 * config.frame_width / config.pixel_width)[..., :2].tolist()
        for face, points, corners, colour, alpha in zip(self.faces, thirds, paint, rgb, opacity):
            face.points = points
            face.paint = corners
            rgba = np.array([[*colour, alpha]])
            face.fill_rgbas = rgba
            face.stroke_rgbas = rgba
        order = np.argsort(-self.depth(self.mids), kind="stable")  # farthest first
        faces = [self.faces[i] for i in order]
        if self.plane is None:
            self.submobjects = faces
            return
        behind = [f for f, i in zip(faces, order) if not front[i]]
        ahead = [f for f, i in zip(faces, order) if front[i]]
        axis, value, plane, opacity = self.plane
        shown = self.plane_shown.get_value()
        plane.become(self._plane_face(axis, value).match_style(plane))
        plane.set_fill(opacity=opacity * shown).set_stroke(opacity=shown)
        self.submobjects = [*behind, plane, *ahead]

    def _in_front(self) -> np.ndarray:
        """Faces on the viewer's side of the slicing plane (none without a plane)."""
        if self.plane is None:
            return np.zeros(len(self.mids), bool)
        axis, value, _, _ = self.plane
        k = 0 if axis == "x" else 1
        toward = -self._rotation()[2][k]  # > 0: the viewer is on the side of larger values
        side = self.mids[:, k] - value
        return side * toward > 1e-9

    def _plane_face(self, axis: str, value: float) -> VMobject:
        top = float(np.max(self.quads[..., 2])) * 1.05
        lo, hi = self.lo, self.hi
        if axis == "x":
            corners = [[value, lo, 0], [value, hi, 0], [value, hi, top], [value, lo, top]]
        else:
            corners = [[lo, value, 0], [hi, value, 0], [hi, value, top], [lo, value, top]]
        return VMobject().set_points_as_corners([*self.project(corners), self.project(corners[0])])

    # -- what a scene adds ------------------------------------------------
    def slice_with_plane(self, axis: str, value: float, color: str, opacity: float = 0.28, see_through: float = 0.3):
        """The vertical plane ``axis`` = value comes in (painted between the faces behind it and
        in front), and the faces in front of it turn see-through: animations for one play."""
        plane = self._plane_face(axis, value).set_fill(color, opacity).set_stroke(color, 3)
        self.plane = (axis, value, plane, opacity)
        self.plane_shown.set_value(0.0)
        self.redraw()
        return [self.plane_shown.animate.set_value(1.0), self.see_through.animate.set_value(see_through)]

    def unslice(self):
        """Animations that take the plane away and make the surface whole; then call ``remove_plane``."""
        return [self.plane_shown.animate.set_value(0.0), self.see_through.animate.set_value(1.0)]

    def remove_plane(self) -> None:
        self.plane = None
        self.redraw()

    def cut(self, axis: str, value: float, color: str, samples: int = 64) -> VMobject:
        """The curve the plane ``axis`` = value cuts from the surface, kept projected."""
        u = np.linspace(self.lo, self.hi, samples)
        v = np.full_like(u, value)
        x, y = (v, u) if axis == "x" else (u, v)
        pts = np.stack([x, y, self.f(x, y)], axis=-1)
        return always_redraw(lambda: VMobject(stroke_width=6).set_points_smoothly(self.project(pts)).set_color(color))

    def tangent(self, x: float, y: float, axis: str, slope: float, half: float, color: str) -> VMobject:
        """The tangent at (x, y) along ``axis`` (the slope there), on the surface."""
        z = self.f_at(x, y)
        d = np.array([1.0, 0, slope]) if axis == "x" else np.array([0, 1.0, slope])
        p = np.array([x, y, z])
        return always_redraw(lambda: Line(*self.project([p - half * d, p + half * d]), color=color, stroke_width=6))

    def point(self, x: float, y: float, color: str, radius: float) -> VMobject:
        return always_redraw(lambda: Dot(self.at(x, y), radius=radius, color=color))

    def drop_line(self, x: float, y: float, color: str) -> VMobject:
        """Dashed, from the point on the surface down to its shadow on the floor (z = 0)."""
        z = self.f_at(x, y)
        return always_redraw(
            lambda: DashedLine(*self.project([[x, y, z], [x, y, 0]]), color=color, stroke_width=3, dash_length=0.08)
        )

    def shadow(self, x: float, y: float, color: str, radius: float = 0.06) -> VMobject:
        return always_redraw(lambda: Dot(self.project([x, y, 0]), radius=radius, color=color).set_opacity(0.8))

    def floor(self, color: str) -> VMobject:
        """The square's outline at z = 0: the map the landscape stands on."""
        lo, hi = self.lo, self.hi
        ring = [[lo, lo, 0], [hi, lo, 0], [hi, hi, 0], [lo, hi, 0], [lo, lo, 0]]
        return always_redraw(
            lambda: VMobject(stroke_width=2).set_points_as_corners(self.project(ring)).set_color(color)
        )

    def axis_names(self, x_name: Mobject, y_name: Mobject, reach: float = 0.12) -> VGroup:
        """The names of x and y just past the floor's ends along each axis, kept there as the camera turns."""
        lo, hi = self.lo, self.hi
        span = (hi - lo) * reach
        x_name.add_updater(lambda m: m.move_to(self.project([hi + span, lo, 0])))
        y_name.add_updater(lambda m: m.move_to(self.project([hi, hi + span, 0])))
        return VGroup(x_name, y_name).update()

    # -- camera moves -------------------------------------------------------
    def look(self, tilt: float, turn: float, at=None) -> list:
        """Animations that turn the camera to ``tilt`` and ``turn`` (degrees) and move the
        square's middle to ``at`` in the frame (where it is, if None)."""
        self._path = (self.origin, self.origin if at is None else np.asarray(at, float))
        self.glide.set_value(0.0)
        return [self.tilt.animate.set_value(tilt), self.turn.animate.set_value(turn), self.glide.animate.set_value(1.0)]
