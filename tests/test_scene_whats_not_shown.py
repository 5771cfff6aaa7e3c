"""Section 09 shows the core's 2-2-1 numbers (matrix pass, paths, finite difference, update)."""

from __future__ import annotations

import pytest

from backprop_core import Params, wide

from .harness import all_texts, run_scene

CHANGED = Params(w1=0.3, lr=0.5)


@pytest.mark.parametrize("params", [None, CHANGED])
def test_the_scene_shows_the_cores_numbers(params):
    p = params or Params()
    e = wide.example(p)
    scene = run_scene("whats-not-shown", params=params)
    by_name = {b.name: b for b in scene.beats}
    joined = lambda name: "\n".join(by_name[name].texts)  # noqa: E731
    for line in wide.delta_lines(e):
        assert line.substituted in joined("matrix-backward") and line.value in joined("matrix-backward")
    assert wide.gradient_line(e).value in joined("weight-gradient")
    paths = joined("sum-over-paths")
    for path in e.paths:
        assert wide.path_product_tex(path) in paths and wide.show(path.product) in paths
    assert wide.show(e.path_total) in paths and wide.show(e.finite_difference) in paths
    assert wide.show(e.path_total) == wide.show(e.gradient)
    update = joined("update")
    assert wide.update_line(e).substituted in update and wide.show(e.w_new) in update
    assert wide.show(e.net.lr) in by_name["update"].narration


def test_the_followed_weight_follows_the_parameters():
    texts = all_texts(run_scene("whats-not-shown", params=CHANGED))
    assert "w = " + wide.show(CHANGED.w1) in texts
    assert r"\eta = " + wide.show(CHANGED.lr) in texts
