"""Section 01 shows the core's numbers, and follows them when they change."""

from __future__ import annotations

from backprop_core import Params
from backprop_core import refresher as core
from backprop_core.numbers import fmt_fixed

from .harness import all_texts, run_scene


def test_derivative_scene_shows_the_core_prediction():
    scene = run_scene("derivative")
    p = core.derivative_prediction()
    texts = all_texts(scene)
    joined = "\n".join(texts)
    # The prediction, its substituted formula and the true value, as the core prints them.
    assert p.predicted.substituted in joined
    assert p.predicted.text in joined and p.actual.text in joined and p.error.text in joined
    assert "f(x) = " + core.PARABOLA_TEX in texts
    # The live readouts stop on the core's values at x = 2.
    last = scene.beats[-1].texts
    assert fmt_fixed(p.x.value) in last and fmt_fixed(p.fx.value) in last and fmt_fixed(p.slope.value) in last


def test_the_sweep_visits_positive_zero_and_negative_slopes():
    scene = run_scene("derivative")
    names = [b.name for b in scene.beats]
    assert names.index("slope-positive") < names.index("slope-zero") < names.index("slope-negative")
    by_name = {b.name: b for b in scene.beats}
    assert fmt_fixed(0.0) in by_name["slope-zero"].texts
    negative = [t for t in by_name["slope-negative"].texts if t.startswith("-")]
    assert negative, "the readout shows a negative slope"


def test_the_narration_speaks_the_core_numbers(monkeypatch):
    monkeypatch.setattr(core, "DERIVATIVE_DX", 0.2)
    scene = run_scene("derivative", cached=False)
    p = core.derivative_prediction(dx=0.2)
    narration = " ".join(b.narration for b in scene.beats)
    assert p.predicted.text in narration and p.actual.text in narration
    assert p.predicted.text in "\n".join(all_texts(scene))


def test_the_stop_point_follows_the_parameter():
    scene = run_scene("derivative", Params(derivative_x=-0.5))
    p = core.derivative_prediction(-0.5)
    stop = {b.name: b for b in scene.beats}["stop-at-x"]
    assert p.x.text in stop.narration and p.fx.text in stop.texts and p.slope.text in stop.texts
    assert p.predicted.substituted in "\n".join(all_texts(scene))
