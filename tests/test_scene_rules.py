"""Section 06 shows the core's rules, its checked sigmoid derivation, and the network's z1 and z2."""

from __future__ import annotations

import sympy as sp

from backprop_core import network
from backprop_core import refresher as core
from backprop_core.params import Params

from .harness import all_texts, run_scene


def squash(text: str) -> str:
    return "".join(text.split())


def beat_texts(scene, name: str) -> set[str]:
    return {squash(t) for t in next(b for b in scene.beats if b.name == name).texts}


def test_rules_show_the_core_rules_and_examples():
    scene = run_scene("rules")
    texts = {squash(t) for t in all_texts(scene)}
    for rule in core.derivative_rules():
        assert squash(rule.rule_tex) in texts
        assert squash(r"\text{e.g. } " + rule.example_tex) in texts
    assert squash(r"\sigma(z) = " + core.SIGMOID_TEX) in texts
    assert (
        squash(
            r"\sigma'("
            + core.sigmoid_at(sp.Integer(0)).z.text
            + ") = "
            + core.sigmoid_at(sp.Integer(0)).sigma_prime.text
        )
        in texts
    )


def test_every_derivation_step_is_shown_in_order():
    scene = run_scene("rules")
    steps = [squash(latex) for latex, _ in core.sigmoid_derivation()]
    seen = [squash(t) for b in scene.beats if b.name.startswith("derive") for t in b.texts]
    positions = [seen.index(step) for step in steps]
    assert positions == sorted(positions)
    assert squash(r"\sigma'(z) = " + core.SIGMOID_PRIME_TEX) in beat_texts(scene, "punchline")


def expected_marks(params: Params):
    f = network.forward(params)
    return [
        (f"mark-{z.symbol.replace('_', '')}", z, core.sigmoid_at(z.exact, z.symbol, a))
        for z, a in ((f.z1, "a_1"), (f.z2, "a_2"))
    ]


def check_marks(scene, params: Params):
    for name, z, point in expected_marks(params):
        texts = beat_texts(scene, name)
        assert squash(f"{z.symbol} = {point.z.text}") in texts
        assert squash(rf"{point.sigma.symbol} = \sigma({z.symbol}) = {point.sigma.text}") in texts
        # Far out (a saturated sigma) the working is left out, the value kept.
        assert (
            squash(rf"\sigma'({z.symbol}) = {point.sigma_prime.substituted} = {point.sigma_prime.text}") in texts
            or squash(rf"\sigma'({z.symbol}) = {point.sigma_prime.text}") in texts
        )
        narration = next(b for b in scene.beats if b.name == name).narration
        from backprop_core.numbers import plain

        assert plain(point.sigma.text) in narration and plain(point.sigma_prime.text) in narration


def test_z1_and_z2_are_marked_with_the_core_values():
    check_marks(run_scene("rules"), Params())


def test_the_marks_follow_the_parameters():
    params = Params(w1=0.3)
    scene = run_scene("rules", params=params)
    check_marks(scene, params)
    default_z1 = expected_marks(Params())[0][2]
    assert squash(f"z_1 = {default_z1.z.text}") not in beat_texts(scene, "mark-z1")
