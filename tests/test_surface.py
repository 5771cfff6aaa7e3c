"""The 3-D surface of section 03 (scenes/components/surface.py): seen from straight above it
is the heatmap; tilted, its point, cuts and tangents are the core's, wherever the point is."""

from __future__ import annotations

import numpy as np
import pytest
from manim import Axes

from backprop_core import refresher as core
from scenes.components.surface import SurfaceView

CENTER, SIZE = np.array([-4.0, 0.5, 0.0]), 4.2


def view(point=core.PARTIALS_POINT, resolution=12) -> SurfaceView:
    lo, hi = core.PARTIALS_RANGE
    colors = lambda v: np.stack([v * 255, v * 255, v * 255, np.full_like(v, 255)], axis=-1)  # noqa: E731
    return SurfaceView(core.bowl, lo, hi, colors, CENTER, SIZE, 0.6, resolution, cuts=((point[0],), (point[1],)))


def test_from_straight_above_the_surface_lies_on_the_heatmap():
    lo, hi = core.PARTIALS_RANGE
    axes = Axes(x_range=[lo, hi], y_range=[lo, hi], x_length=SIZE, y_length=SIZE).move_to(CENTER)
    v = view()
    for x, y in ((lo, lo), (hi, lo), (0.5, 0.3), (-0.7, 0.9)):
        assert np.allclose(v.at(x, y), axes.c2p(x, y), atol=1e-9)
    assert np.allclose(v.get_center(), CENTER) and v.width == pytest.approx(SIZE)


@pytest.mark.parametrize("point", [core.PARTIALS_POINT, (-0.4, 0.6), (0.85, -0.15)])
def test_the_cuts_and_tangents_are_the_cores_slices(point):
    x0, y0 = point
    v = view(point)
    v.tilt.set_value(62)
    v.turn.set_value(-28)
    v.redraw()
    p = core.partials_at(x0, y0)
    # The grid runs through the point, so the plane cuts between faces.
    assert np.isclose(v.quads[..., 0], x0).any() and np.isclose(v.quads[..., 1], y0).any()
    # The point is on the surface at the core's height.
    assert np.allclose(v.at(x0, y0), v.project([x0, y0, p.f.value]))
    for axis, slope, (curve, _) in (("x", p.df_dx, core.slice_in_x(y0)), ("y", p.df_dy, core.slice_in_y(x0))):
        held = y0 if axis == "x" else x0
        cut = v.cut("y" if axis == "x" else "x", held, "#ffffff")
        u = np.linspace(*core.PARTIALS_RANGE, 64)
        expected = [[s, held, curve(s)] if axis == "x" else [held, s, curve(s)] for s in u]
        assert np.allclose(cut.points[::4], v.project(expected)[:-1]) and np.allclose(
            cut.get_end(), v.project(expected)[-1]
        )
        tangent = v.tangent(x0, y0, axis, slope.value, 0.3, "#ffffff")
        start, end = tangent.get_start(), tangent.get_end()
        d = np.array([1.0, 0, slope.value]) if axis == "x" else np.array([0, 1.0, slope.value])
        here = np.array([x0, y0, p.f.value])
        assert np.allclose([start, end], v.project([here - 0.3 * d, here + 0.3 * d]))


def test_a_slicing_plane_is_painted_between_the_faces_behind_and_in_front():
    v = view(resolution=10)
    v.tilt.set_value(60)
    v.turn.set_value(-28)
    shows = v.slice_with_plane("y", core.PARTIALS_POINT[1], "#888888", opacity=0.25, see_through=0.3)
    assert len(shows) == 2  # the plane comes in and the faces in front turn see-through, in one play
    plane = v.plane[2]
    assert plane.get_fill_opacity() == 0 and plane.get_stroke_opacity() == 0, "it comes in from nothing"
    v.plane_shown.set_value(1)
    v.see_through.set_value(0.3)
    v.redraw()
    assert plane.get_fill_opacity() == pytest.approx(0.25) and plane.get_stroke_opacity() == 1
    order = v.submobjects
    k = order.index(plane)
    y0 = core.PARTIALS_POINT[1]
    mids = {id(f): m for f, m in zip(v.faces, v.mids)}
    # Seen from the south-west, the faces south of the plane are in front of it, and see-through.
    assert all(mids[id(f)][1] > y0 for f in order[:k]) and all(mids[id(f)][1] < y0 for f in order[k + 1 :])
    assert all(f.get_fill_opacity() == pytest.approx(0.3) for f in order[k + 1 :])
    assert all(f.get_fill_opacity() == 1 for f in order[:k])
    v.unslice()
    v.remove_plane()
    v.see_through.set_value(1)
    v.redraw()
    assert plane not in v.submobjects and all(f.get_fill_opacity() == 1 for f in v.faces)


def test_tilting_stands_the_bowl_up_and_returns_to_the_map():
    v = view()

    def arrive(tilt, turn, at):
        v.look(tilt, turn, at)  # the animations' targets, reached at once
        v.tilt.set_value(tilt)
        v.turn.set_value(turn)
        v.glide.set_value(1)
        v.redraw()

    arrive(62, -28, CENTER + [1, -1, 0])
    assert v.at(-1, 1)[1] > v.at(0, 0)[1] + 1, "the far corner stands above the bowl's bottom"
    assert np.allclose(v.at(0, 0), CENTER + [1, -1, 0]), "the bowl's bottom (z = 0) is where it was sent"
    arrive(0, 0, CENTER)
    assert np.allclose(v.get_center(), CENTER) and v.width == pytest.approx(SIZE)
