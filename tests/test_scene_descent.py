"""Section 10 takes the core's descent steps, in a window that shows them, and follows the parameters."""

from __future__ import annotations

import dataclasses

import pytest

from backprop_core import Params, descent_view
from backprop_core.network import backward, descent, loss_of_w1
from backprop_core.numbers import fmt, fmt_fixed, plain, readout_exponent, tex_scale

from .harness import all_texts, run_scene

CHANGED = Params(w1=0.3, lr=0.5)


@pytest.mark.parametrize("params", [None, CHANGED])
def test_each_step_shows_the_cores_numbers(params):
    p = params or Params()
    v = descent_view.view(p)
    scene = run_scene("descent", params=params)
    by_name = {b.name: b for b in scene.beats}
    assert [b.name for b in scene.beats if b.name.startswith("step-")] == [f"step-{s.number}" for s in v.steps]
    # Readouts too small for three places show their digits times a power of ten.
    e_w = readout_exponent([pt.w1 for pt in v.points])
    e_L = readout_exponent([pt.loss for pt in v.points])
    for step in v.steps:
        beat = by_name[f"step-{step.number}"]
        joined = "\n".join(beat.texts)
        assert step.w1.substituted in joined and step.w1.text in joined
        assert fmt(step.loss_change, sign=step.loss_went == "up") in joined
        # The live readouts stop on the step's end.
        assert fmt_fixed(step.after.w1, exponent=e_w) in beat.texts
        assert fmt_fixed(step.after.loss, exponent=e_L) in beat.texts
        assert plain(step.w1.text) in beat.narration
        # The words follow the sign of the loss's change; an overshoot is shown and said.
        word = {"down": "falls", "up": "rises", "nowhere": "stays"}[step.loss_went]
        assert f"The loss {word}" in beat.narration
        # (manim's Text keeps no spaces: "up: overshot" reads "up:overshot")
        overshot_shown, overshot_said = "up:overshot" in beat.texts, "went up" in beat.narration
        assert overshot_shown == (step.loss_went == "up") == overshot_said
    assert r"\eta = " + v.lr.text in all_texts(scene)
    first, last = v.points[0], v.points[-1]
    training = by_name["training"].narration
    assert plain(fmt(first.loss)) in training and plain(fmt(last.loss)) in training
    assert {"down": "fell", "up": "rose", "nowhere": "stayed"}[v.loss_went] in training


def test_the_steps_are_networks_descent():
    for p in (Params(), CHANGED, Params(lr=3.0, loss="half")):
        v = descent_view.view(p)
        assert list(v.points) == descent(p, descent_view.STEPS)
        for step in v.steps:
            assert step.after.w1 == pytest.approx(step.before.w1 - p.lr * step.before.slope, rel=1e-15)
            q = dataclasses.replace(p, w1=step.before.w1)
            assert step.before.slope == pytest.approx(backward(q).dL_dw1.value, rel=1e-12)


@pytest.mark.parametrize("p", [Params(), CHANGED, Params(lr=10.0), Params(x=-2.0, w1=2.0, y=0.2), Params(lr=1e-3)])
def test_the_window_shows_every_step(p):
    v = descent_view.view(p)
    ws = [pt.w1 for pt in v.points]
    wa, la = v.w_axis, v.L_axis
    assert wa.low < min(ws) and max(ws) < wa.high
    # Each step moves the point a visible share of the window's width.
    for a, b in zip(ws, ws[1:]):
        assert abs(b - a) / (wa.high - wa.low) > 0.02
    for w in [wa.low + i * (wa.high - wa.low) / 50 for i in range(51)]:
        assert la.low <= loss_of_w1(p, w) <= la.high
    for axis in (wa, la):
        ticks = (axis.high - axis.low) / axis.step
        assert abs(ticks - round(ticks)) < 1e-6 and 2 <= round(ticks) <= 12


def test_fast_loss_and_slope_equal_the_core():
    for p in (Params(), Params(loss="half", x=-1.5, b2=0.3)):
        for w in (-2.0, 0.1, 0.7, 3.0):
            loss, slope = descent_view.loss_and_slope(p, w)
            assert loss == pytest.approx(loss_of_w1(p, w), rel=1e-12)
            assert slope == pytest.approx(backward(dataclasses.replace(p, w1=w)).dL_dw1.value, rel=1e-12)


def test_nice_step():
    assert descent_view.nice_step(1.0, 4) == 0.25 or descent_view.nice_step(1.0, 4) in (0.2, 0.5)
    for span in (0.003, 0.17, 1.0, 7.0, 450.0):
        step = descent_view.nice_step(span)
        mantissa = step / 10 ** __import__("math").floor(__import__("math").log10(step))
        assert round(mantissa, 6) in (1.0, 2.0, 5.0)


@pytest.mark.parametrize("p", [Params(), CHANGED, Params(lr=10.0)])
def test_the_overview_holds_the_zoomed_window(p):
    v = descent_view.view(p)
    assert v.overview_w.low <= v.w_axis.low and v.w_axis.high <= v.overview_w.high
    assert v.overview_L.low <= v.L_axis.low + 1e-12 or v.overview_L.low <= min(pt.loss for pt in v.points)
    assert v.overview_w.high - v.overview_w.low >= 2 * descent_view.OVERVIEW_HALF_WIDTH


def test_a_scaled_readout_reads_like_fmts_scientific_form():
    # "-2.459 × 10⁻⁴" beside "ΔL = -1.53 × 10⁻⁶": one spelling (numbers.tex_times_ten), one spacing.
    from manim import MathTex

    from scenes import style
    from scenes.components.readout import Readout

    value = -2.459e-4
    row = Readout("L", lambda: value, color="#FFFFFF", stops=[value])
    assert row.exponent == -4 and row.number.get_value() == pytest.approx(-2.459)
    assert row.factor.tex_string == tex_scale(-4)
    typeset = MathTex(fmt(-2.46e-5), font_size=style.BODY)[0]  # glyphs: - 2 . 4 6 × 1 0 - 5
    times_gap = typeset[5].get_left()[0] - typeset[4].get_right()[0]
    assert row.factor.get_left()[0] - row.number.get_right()[0] == pytest.approx(times_gap, abs=0.02)
    ten_gap = typeset[6].get_left()[0] - typeset[5].get_right()[0]
    assert row.factor[0][1].get_left()[0] - row.factor[0][0].get_right()[0] == pytest.approx(ten_gap, abs=1e-3)
