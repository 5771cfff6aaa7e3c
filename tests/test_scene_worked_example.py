"""Section 05 shows refresher.chain_example()'s values and formulas, and follows them when they change."""

from __future__ import annotations

from backprop_core import refresher as core

from .harness import all_texts, run_scene


def squash(text: str) -> str:
    return "".join(text.split())


def check_worked_example(scene, c, algebra):
    texts = {squash(t) for t in all_texts(scene)}
    # Every value with its formula and substitution, as the core writes it.
    for q in (c.u, c.dy_dx, c.dy_du, c.y, c.y_after, c.actual_change, algebra.at_x):
        assert squash(q.equation()) in texts, q.equation()
    assert squash(f"{c.dy_du.symbol} = {c.dy_du.formula}") in texts
    assert squash(f"{c.du_dx.symbol} = {c.du_dx.formula}") in texts
    chain = f"{c.dy_dx.symbol} = {c.dy_dx.formula} = {algebra.product_tex} = {algebra.in_u_tex} = {algebra.in_x_tex}"
    assert squash(chain) in texts
    p = c.predicted_change
    assert squash(rf"{p.symbol} \approx {p.formula} = {p.substituted} = {p.text}") in texts
    narration = " ".join(b.narration for b in scene.beats)
    for q in (c.u, c.dy_du, c.dy_dx, c.y, c.dx, c.predicted_change, c.y_after, c.actual_change):
        assert q.text in narration, q.symbol


def test_worked_example_shows_the_core_values():
    scene = run_scene("worked-example")
    c = core.chain_example()
    check_worked_example(scene, c, core.chain_algebra())
    # The notebook's numbers, to be sure the core is the notebook's.
    assert [c.u.text, c.dy_dx.text, c.predicted_change.text, c.y_after.text, c.actual_change.text] == [
        "7",
        "42",
        "0.42",
        "49.4209",
        "0.4209",
    ]


def test_worked_example_follows_the_core(monkeypatch):
    monkeypatch.setattr(core, "CHAIN_X", 1.0)
    c = core.chain_example()
    assert (c.u.text, c.dy_du.text, c.dy_dx.text) == ("4", "8", "24")
    scene = run_scene("worked-example", cached=False)  # not the cached default run
    check_worked_example(scene, c, core.chain_algebra())
    texts = {squash(t) for t in all_texts(scene)}
    assert squash(core.chain_example(x=2.0).dy_dx.equation()) not in texts


def test_the_derivation_is_cleared_before_it_runs_off():
    scene = run_scene("worked-example")
    assert [b.name for b in scene.beats] == [
        "the-problem",
        "name-inner",
        "outer-slope",
        "inner-slope",
        "apply-chain",
        "plug-in",
        "predict",
        "measure",
        "verdict",
    ]
    # The sanity check starts on a cleared board: the step-by-step slopes are gone.
    c = core.chain_example()
    predict = {squash(t) for t in next(b for b in scene.beats if b.name == "predict").texts}
    assert squash(c.u.equation()) not in predict
