"""The premise shows the chain of nested functions, one factor per shell, and
the network's forward and backward values as the core computes them."""

from __future__ import annotations

from backprop_core import network
from backprop_core.params import Params

from .harness import run_scene


def beats(scene):
    return {b.name: b for b in scene.beats}


def test_one_factor_per_shell():
    scene = run_scene("premise")
    texts = beats(scene)["one-product"].texts
    names = ["w", "f_{1}", "f_{2}", "f_{3}", "f_{4}", "f_{5}", "L"]
    product = [t for t in texts if t.startswith(network.partial("L", "w"))]
    assert len(product) == 1, texts
    for inner, outer in zip(names, names[1:]):
        assert network.partial(outer, inner) in product[0]
    # Six factors: five shells and the loss around them.
    assert product[0].count(r"\cdot") == len(names) - 2


def check_network(scene, params):
    f, b = network.forward(params), network.backward(params)
    shown = beats(scene)["forward"].texts
    for q in (f.z1, f.a1, f.z2, f.a2, f.L):
        assert q.text in shown, (q.symbol, q.text, shown)
    last = beats(scene)["backward"].texts
    values = [t for t in last if t.endswith("= " + b.dL_dw1.text) and r"\cdot" in t]
    assert values, last
    for q in b.boxes:
        assert q.factor in values[0]
    from backprop_core.numbers import plain

    assert plain(b.dL_dw1.text) in scene.beats[-1].narration


def test_the_network_values_are_the_cores():
    check_network(run_scene("premise"), Params())


def test_the_network_values_follow_a_parameter_change():
    params = Params(w1=0.3, loss="half")
    scene = run_scene("premise", params=params)
    check_network(scene, params)
    assert "w_1 = " + network.inputs(params).w1.text in beats(scene)["the-network"].texts
