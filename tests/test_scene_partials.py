"""Section 03 shows the core's numbers: the readouts stop on refresher's values
at the notebook's point, and the sanity check reads as partials_at() prints it."""

from __future__ import annotations

from backprop_core import Params
from backprop_core import refresher as core
from backprop_core.numbers import fmt_fixed

from .harness import all_texts, run_scene

MOVED = Params(partials_x=-0.4, partials_y=0.6)  # --set partials_x=-0.4 --set partials_y=0.6


def by_name(scene):
    return {b.name: b for b in scene.beats}


def test_readouts_stop_on_the_core_values():
    scene = run_scene("partials")
    x, y = core.PARTIALS_POINT
    f = core.bowl(x, y)
    dfdx, dfdy = core.bowl_partials(x, y)
    shown = by_name(scene)["stop-at-the-point"].texts
    for value in (x, y, f, dfdx, dfdy):
        assert fmt_fixed(value) in shown, (fmt_fixed(value), shown)
    # The slice headings name the held values.
    assert shown.count(fmt_fixed(y)) >= 2 and shown.count(fmt_fixed(x)) >= 2


def test_the_point_moves_before_it_stops():
    scene = run_scene("partials")
    beats = by_name(scene)
    x, y = core.PARTIALS_POINT
    start = beats["a-point"].texts
    assert fmt_fixed(core.bowl(x, y)) not in start, "the walk starts somewhere else"
    assert beats["walk-east-west"].texts != beats["walk-north-south"].texts


def test_recipe_and_sanity_check_are_the_cores():
    scene = run_scene("partials")
    texts = all_texts(scene)
    p = core.partials_at()
    assert r"\frac{\partial f}{\partial x} = " + core.BOWL_DX_TEX in texts
    assert r"\frac{\partial f}{\partial y} = " + core.BOWL_DY_TEX in texts
    assert p.df_dx.equation() in texts and p.df_dy.equation() in texts
    assert "f(x, y) = " + core.BOWL_TEX in texts
    narration = " ".join(b.narration for b in scene.beats)
    assert p.df_dx.text in narration and p.df_dy.text in narration and p.f.text in narration


def test_the_stop_point_follows_the_parameters():
    scene = run_scene("partials", MOVED)
    p = core.partials_at(-0.4, 0.6)
    shown = by_name(scene)["stop-at-the-point"].texts
    for q in (p.x, p.y, p.f, p.df_dx, p.df_dy):
        assert q.text in shown
    assert p.df_dx.equation() in all_texts(scene) and p.df_dy.equation() in all_texts(scene)


LANDSCAPE_BEATS = ["landscape", "on-the-surface", "plane-y", "flatten-x", "plane-x", "flatten-y", "from-above-again"]


def check_landscape(scene, p):
    names = [b.name for b in scene.beats]
    i = names.index("stop-at-the-point")
    assert names[i + 1 : i + 1 + len(LANDSCAPE_BEATS)] == LANDSCAPE_BEATS
    assert names[i + 1 + len(LANDSCAPE_BEATS)] == "recipe"
    beats = by_name(scene)
    for name in LANDSCAPE_BEATS:
        assert not beats[name].off_frame and not beats[name].overlaps, (name, beats[name])
    on_surface = beats["on-the-surface"]
    assert any(p.x.text in t and p.y.text in t and p.f.text in t for t in on_surface.texts), on_surface.texts
    assert p.f.text in on_surface.narration
    for plane, held, slope in (("plane-y", p.y, p.df_dx), ("plane-x", p.x, p.df_dy)):
        beat = beats[plane]
        assert any(held.text in t and slope.text in t for t in beat.texts), beat.texts
        assert held.text in beat.narration and slope.text in beat.narration


def test_the_landscape_shows_the_cores_point_and_slopes():
    check_landscape(run_scene("partials"), core.partials_at())


def test_the_landscape_follows_the_point():
    check_landscape(run_scene("partials", MOVED), core.partials_at(-0.4, 0.6))
