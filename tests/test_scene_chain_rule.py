"""Section 04 shows the core's nudge through the chain, and follows the core when it changes."""

from __future__ import annotations

from backprop_core import network
from backprop_core import refresher as core
from backprop_core.numbers import fmt
from backprop_core.params import Params

from .harness import all_texts, run_scene


def squash(text: str) -> str:
    return "".join(text.split())


def shown(scene) -> set[str]:
    return {squash(t) for t in all_texts(scene)}


def check_chain_numbers(scene, nudge):
    texts = shown(scene)
    by_name = {b.name: b for b in scene.beats}
    for stage in nudge.stages:
        # Each ruler's point is labelled, and its nudge is named with the core's size.
        assert squash(fmt(stage.at.exact)) in texts, stage.name
        assert squash(f"{stage.change.symbol} = {stage.change.text}") in texts, stage.name
        if stage.slope is not None:
            assert squash(stage.rule_tex) in texts
            factor = r"\times " + stage.slope.equation().replace(r"\frac", r"\tfrac")
            assert squash(factor) in texts, factor
    # The total stretch is the product of the slopes, with the core's numbers.
    assert squash(nudge.total.equation()) in {squash(t) for t in by_name["multiply"].texts}
    narration = " ".join(b.narration for b in scene.beats)
    for stage in nudge.stages[1:]:
        assert stage.slope.text in narration and stage.change.text in narration
    assert nudge.stages[2].stretch.text in narration and nudge.total.text in narration


def test_chain_rule_shows_the_core_nudge():
    scene = run_scene("chain-rule")
    check_chain_numbers(scene, core.chain_nudge())


def test_chain_rule_follows_the_core(monkeypatch):
    monkeypatch.setattr(core, "CHAIN_X", 1.0)
    nudge = core.chain_nudge()
    assert nudge.total.text != core.chain_nudge(x=2.0).total.text
    scene = run_scene("chain-rule", cached=False)  # not the cached default run
    check_chain_numbers(scene, nudge)
    assert squash(core.chain_nudge(x=2.0).total.equation()) not in shown(scene)


def test_the_beats_follow_the_nudge_down_the_chain():
    names = [b.name for b in run_scene("chain-rule").beats]
    order = ["nested", "the-rule", "three-lines", "nudge-x", "stretch-by-g", "stretch-by-f", "multiply", "n-slopes"]
    assert names == order


def test_n_functions_give_n_slopes_and_the_network_five():
    scene = run_scene("chain-rule")
    last = {squash(t) for t in scene.beats[-1].texts}
    nested, factors = core.nested_chain_tex(4)
    assert squash(nested) in last
    assert squash(r"\frac{dy}{dx} = " + r" \cdot ".join(factors)) in last
    boxes = network.backward(Params()).boxes
    assert squash(r"\frac{\partial L}{\partial w_1} = " + r" \cdot ".join(b.symbol for b in boxes)) in last
