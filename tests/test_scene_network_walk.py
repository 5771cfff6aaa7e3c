"""Section 07, the network walk: the 13 steps shown are the core's, in order,
with the core's numbers, and they follow the core when the parameters change."""

from __future__ import annotations

import pytest

from backprop_core import network as core
from backprop_core.numbers import plain
from backprop_core.params import Params
from scenes.components.equation import equation_pieces, split_on_tokens
from scenes.network_walk import beat_name, caption_name

from .harness import run_scene

OTHER = Params(x=-0.7, w1=0.3, w2=1.2, y=0.2, loss="half")


def _check_walk(params):
    scene = run_scene("network-walk", params=params)
    walk = core.walkthrough(params or Params())
    names = [b.name for b in scene.beats]
    # set-up, one beat per step of the core in its order, then the forward pass again.
    assert names == ["setup", *(beat_name(s) for s in walk.steps), "forward-again"]
    assert len(names) - 2 == walk.total
    beats = {b.name: b for b in scene.beats}
    for step in walk.steps:
        beat = beats[beat_name(step)]
        texts = beat.texts
        joined = "\n".join(texts)
        q = step.quantity
        # The step's formula with its numbers and result, exactly as the core writes it.
        assert q.equation() in texts, (step.key, q.equation())
        if q.substituted:
            assert q.substituted in joined, step.key
        assert q.text in joined
        assert f"{step.number}/{walk.total}" in texts
        assert step.phase in texts
        assert plain(q.text) in beat.narration  # captions read fmt's LaTeX as text
        if step.running is not None and step.running.symbol != q.symbol:
            # The running product reuses the one before it.
            assert step.running.equation() in texts, step.key
            assert plain(step.running.text) in beat.narration
        if step.chain_box is not None:
            # Every box filled so far shows its value; the running product under it too.
            for k in range(step.chain_box + 1):
                assert walk.backward.boxes[k].text in texts
                running = walk.backward.running[k]
                assert f"{running.symbol} = {running.text}" in texts
    # The forward values stay on the nodes once computed.
    last_step = beats[beat_name(walk.steps[-1])].texts
    for key in ("z1", "a1", "z2", "a2", "L"):
        assert getattr(walk.forward, key).text in last_step
    # The update lands in w1's label.
    assert f"w_1 = {walk.update.w1_new.text}" in last_step
    return scene, walk


def _check_final(scene, walk):
    u = walk.update
    final = scene.beats[-1]
    joined = "\n".join(final.texts)
    assert u.loss_before.text in joined and u.loss_after.text in joined and u.loss_change.text in joined
    assert u.forward_after.L.equation() in final.texts
    for key in ("z1", "a1", "z2", "a2", "L"):
        assert getattr(u.forward_after, key).text in final.texts
    assert plain(u.loss_before.text) in final.narration
    # The words follow the sign of the change the core computed.
    went = "down" if u.loss_change.value < 0 else "up" if u.loss_change.value > 0 else "nowhere"
    assert u.went == went
    if went == "nowhere":
        assert "stays" in final.narration
    else:
        assert plain(u.loss_after.text) in final.narration and f"goes {went}" in final.narration
        assert ("overshot" in final.narration) == (went == "up")
    assert u.outcome.replace(" ", "") in "".join(final.texts)  # manim's Text keeps no spaces


def test_the_walk_is_the_cores_13_steps_with_its_numbers():
    scene, walk = _check_walk(None)
    _check_final(scene, walk)


def test_the_walk_follows_other_parameters():
    scene, walk = _check_walk(OTHER)
    _check_final(scene, walk)
    # Nothing of the default numbers that differs here leaks into this run.
    default = core.walkthrough(Params())
    texts = {t for b in scene.beats for t in b.texts}
    assert default.steps[0].quantity.equation() not in texts


def test_the_other_run_also_stays_inside_the_frame_without_overlaps():
    scene = run_scene("network-walk", params=OTHER)
    assert not {b.name: b.off_frame for b in scene.beats if b.off_frame}
    assert not {b.name: b.overlaps for b in scene.beats if b.overlaps}


@pytest.mark.parametrize("params", [Params(), OTHER, Params(x=2.5, w1=-1.5, w2=-2.0, b1=0.3, b2=-0.4, y=0.0)])
def test_equation_pieces_rebuild_the_cores_equation(params):
    walk = core.walkthrough(params)
    for step in walk.steps:
        q = step.quantity
        tokens = [walk.inputs.x.text, walk.forward.a1.text, walk.forward.a2.text, walk.backward.dL_dz2.text]
        pieces, where = equation_pieces(q, tokens)
        assert "".join(pieces) == q.equation()
        assert pieces[where["symbol"]] == q.symbol and pieces[where["result"]] == q.text
        for key, index in where.items():
            if "#" in key:
                assert pieces[index] == key.split("#")[0]


def test_tokens_are_whole_numbers():
    assert split_on_tokens(r"0.8 \cdot 0.85 + 0.8", ["0.8"]) == ["0.8", r" \cdot 0.85 + ", "0.8"]
    assert split_on_tokens(r"(-0.178) \cdot 0.8", ["-0.178", "0.8"]) == ["(", "-0.178", r") \cdot ", "0.8"]
    assert split_on_tokens(r"10.5 - 0.5", ["0.5"]) == [r"10.5 - ", "0.5"]


def test_caption_names():
    assert caption_name("dL_dz2") == "∂L/∂z₂"
    assert caption_name("da1_dz1") == "∂a₁/∂z₁"
    assert caption_name("w1_new") == "the new w₁"
    assert caption_name("L") == "L"
