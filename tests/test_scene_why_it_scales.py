"""Section 08 shows the core's deep chain and its counted multiplications, and follows a parameter change."""

from __future__ import annotations

import pytest

from backprop_core import Params, deep
from backprop_core.numbers import plain

from .harness import all_texts, run_scene

CHANGED = Params(w1=0.3, lr=0.5)


@pytest.mark.parametrize("params", [None, CHANGED])
def test_the_sweep_shows_the_cores_values_right_to_left(params):
    scene = run_scene("why-it-scales", params=params)
    c = deep.chain(params or Params())
    by_name = {b.name: b for b in scene.beats}
    names = [b.name for b in scene.beats]
    # One beat per hand-off, right to left, after the start at the loss.
    sweep = [n for n in names if n.startswith("sweep-")]
    assert sweep == ["sweep-start"] + [f"sweep-a{k}" for k in range(c.depth - 1, 0, -1)]
    assert by_name["sweep-start"].texts.count(c.layers[-1].grad_a.equation()) == 1
    for layer in c.layers[:-1]:
        beat = by_name[f"sweep-a{layer.k}"]
        assert layer.grad_a.equation() in beat.texts
        assert layer.grad_a.text in beat.texts
        assert plain(layer.grad_a.text) in beat.narration and plain(c.layers[layer.k].local.text) in beat.narration
    texts = all_texts(scene)
    for layer in c.layers:
        assert layer.a.text in texts and layer.local.text in texts and layer.grad_w.text in texts


@pytest.mark.parametrize("params", [None, CHANGED])
def test_the_counts_are_the_cores(params):
    p = params or Params()
    scene = run_scene("why-it-scales", params=params)
    by_name = {b.name: b for b in scene.beats}
    count = deep.chain(p).count
    joined = "\n".join(by_name["count-this-chain"].texts)
    assert f"= {count.backprop}" in joined and f"= {count.naive}" in joined
    last = by_name["count-growing-depth"].texts
    for cn in deep.counts(p, deep.TABLE_DEPTHS):
        assert str(cn.backprop) in last and str(cn.naive) in last
    assert any(deep.BACKPROP_COUNT_TEX in t for t in last) and any(deep.NAIVE_COUNT_TEX in t for t in last)


def test_a_parameter_change_changes_the_shown_values():
    before = set(all_texts(run_scene("why-it-scales")))
    after = set(all_texts(run_scene("why-it-scales", params=CHANGED)))
    assert deep.chain(CHANGED).layers[0].grad_w.text in after - before
