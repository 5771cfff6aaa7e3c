"""Section 02 shows the network's parameters and loss as the core computes them,
and follows a parameter change."""

from __future__ import annotations

from backprop_core import network, refresher
from backprop_core.numbers import fmt_beside_readout, fmt_fixed, plain, readout_exponent
from backprop_core.params import Params

from .harness import all_texts, run_scene


def shown_values(scene, params):
    inputs = network.inputs(params)
    beat = {b.name: b for b in scene.beats}["freeze-the-rest"]
    return inputs, beat.texts


def check(scene, params):
    inputs, texts = shown_values(scene, params)
    for q in (inputs.w1, inputs.w2, inputs.b1, inputs.b2):
        shown = fmt_fixed(q.exact) if q.symbol == "w_1" else fmt_beside_readout(q.exact)
        assert shown in texts, (q.symbol, texts)
    f, b = network.forward(params), network.backward(params)
    # After the nudge, w1 is back and the loss reads the core's value.
    from scenes.two_ds import NUDGE

    w1 = inputs.w1.value
    scale = readout_exponent([network.loss_of_w1(params, w) for w in (w1, w1 + NUDGE, w1 - NUDGE)])
    assert fmt_fixed(f.L.exact, exponent=scale) in texts
    all_shown = all_texts(scene)
    assert b.dL_dw1.symbol + " = " + b.dL_dw1.text in " ".join(all_shown) or any(
        b.dL_dw1.text in t and b.dL_dw1.symbol in t for t in all_shown
    )
    narration = " ".join(x.narration for x in scene.beats)
    assert plain(b.dL_dw1.text) in narration and inputs.w1.text in narration


def test_two_ds_shows_the_cores_parameters_and_gradient():
    check(run_scene("two-ds"), Params())


def test_two_ds_follows_a_parameter_change():
    params = Params(w1=0.3)
    scene = run_scene("two-ds", params=params)
    check(scene, params)
    assert fmt_fixed(0.3) in {b.name: b for b in scene.beats}["freeze-the-rest"].texts


def test_the_two_examples_are_the_refreshers():
    texts = all_texts(run_scene("two-ds"))
    assert r"\frac{df}{dx} = " + refresher.PARABOLA_SLOPE_TEX in texts
    assert r"\frac{\partial f}{\partial x} = " + refresher.BOWL_DX_TEX in texts
