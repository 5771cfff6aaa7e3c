"""The predict checkpoints' answers are the core's, for the render's parameters; the page's notebook parts."""

from __future__ import annotations

import pytest

from backprop_core import Params, descent_view, network, refresher
from backprop_core.checkpoints import checkpoints


def by_id(p: Params) -> dict:
    return {c.id: c for c in checkpoints(p)}


def test_the_four_checkpoints_and_their_answers():
    c = by_id(Params())
    assert list(c) == ["derivative-predict", "worked-example-change", "network-walk-gradient", "descent-first-step"]
    assert c["derivative-predict"].answer == pytest.approx(1.6)
    assert c["worked-example-change"].answer == pytest.approx(0.42)
    assert c["network-walk-gradient"].answer == network.backward(Params()).dL_dw1.value
    assert c["descent-first-step"].answer == "yes" and c["descent-first-step"].choices == ("yes", "no")
    # 1.6 is right and 1.7 wrong, by the stated tolerance.
    d = c["derivative-predict"]
    assert abs(1.6 - d.answer) <= d.tolerance < abs(1.7 - d.answer)
    assert f"{d.tolerance:.4f}" in d.tolerance_text or "0.032" in d.tolerance_text


def test_overrides_change_the_answers():
    p = Params().with_overrides(["w1=0.3", "loss=half", "derivative_x=-0.5"])
    c = by_id(p)
    walk = c["network-walk-gradient"]
    assert walk.answer == network.backward(p).dL_dw1.value != network.backward(Params()).dL_dw1.value
    assert walk.answer_text in walk.working
    assert c["derivative-predict"].answer == refresher.derivative_prediction(-0.5).predicted.value
    assert "-0.500" in c["derivative-predict"].question


def test_descent_question_follows_the_sign_of_the_step():
    p = Params(x=2.0, w1=0.5, b1=-1.0, w2=-5.0, b2=2.0, y=0.5, lr=10.0)  # the first step overshoots
    first = descent_view.view(p).steps[0]
    assert by_id(p)["descent-first-step"].answer == ("yes" if first.loss_went == "down" else "no")
    assert first.loss_went == "up" and by_id(p)["descent-first-step"].answer == "no"


def test_the_page_places_them_at_their_beats():
    from renderer import cli, notebook
    from scenes.network_walk import beat_name

    args = cli.build_parser().parse_args(["--set", "w1=0.3", "--set", "loss=half"])
    plan = cli.make_plan(args)
    walk = next(e for e in plan.manifest.entries if e.name == "network-walk")
    steps = network.walkthrough(Params(w1=0.3, loss="half")).steps
    names = ["setup", *(beat_name(s) for s in steps), "forward-again"]
    parts = [{"entry": walk, "beats": [{"name": n} for n in names]}]
    (placed,) = notebook.checkpoints(plan, parts)
    assert placed["id"] == "network-walk-gradient" and names[placed["beat"]] == "step-09-da1-dz1"
    assert placed["answer"] == network.backward(Params(w1=0.3, loss="half")).dL_dw1.value
    labels = [notebook.beat_label(n, names) for n in names]
    assert labels == ["SETUP", *(f"{k}/13" for k in range(1, 14)), "Forward again"]


def test_a_render_without_explorer_files_says_so(tmp_path):
    import html

    from renderer import cli, notebook

    plan = cli.make_plan(cli.build_parser().parse_args(["--out", str(tmp_path), "-q", "low"]))
    derivative = next(e for e in plan.manifest.entries if e.name == "derivative")
    parts = [{"entry": derivative, "title": derivative.label, "beats": [{"name": "stop-at-x"}]}]
    nb = notebook.page_parts(plan, parts)
    assert "No explorer for 01 What's a derivative, again? in this render yet" in html.unescape(nb.explorers)
    assert 'id="nb-step"' in nb.controls and 'id="lesson-checkpoints"' in nb.script
    assert '"explorers": []' in nb.script
