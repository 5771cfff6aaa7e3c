"""The corners of the accepted parameter box, run through every section that
uses the parameters (animations skipped) and held to the per-beat checks:
nothing off the frame, no texts overlapping, the numbers are the core's, the
words follow the signs.

Two to five minutes on two cores (network-walk is the slow one), so these
carry the ``corners`` marker: ``./test.sh`` skips them, ``./test.sh -m corners``
runs them, and .ci/run runs both.
"""

from __future__ import annotations

import pytest

from backprop_core import descent_view, network
from backprop_core.params import Params

from . import (
    test_scene_descent,
    test_scene_network_walk,
    test_scene_premise,
    test_scene_rules,
    test_scene_two_ds,
)
from .harness import run_scene

pytestmark = pytest.mark.corners

# Each corner, and what it found before the fix (see the README).
CORNERS = {
    # The first command: at the bounds, y = 0, a negative weight; the
    # sigmoid saturates (dL/dw1 = -3e-14): the update crashed, numbers read 0.000.
    "bounds-high": Params(w1=5.0, x=5.0, y=0.0, w2=-5.0),
    # The other ends of the box, the hidden unit saturated the other way (a1 = 1.4e-11).
    "bounds-low": Params(w1=-5.0, x=-5.0, b1=-5.0, w2=5.0, b2=5.0, y=1.0, lr=1e-4),
    # The second command: a gradient of -0.000249, a loss change of -3e-7.
    "issue-lr5": Params(w1=3.0, x=2.0, y=0.0, w2=-2.0, lr=5.0),
    # The learning rate at its maximum: the first step overshoots, the loss goes up.
    "lr-max-overshoot": Params(x=2.0, w1=0.5, b1=-1.0, w2=-5.0, b2=2.0, y=0.5, lr=10.0),
    # loss = half with negative weights and input.
    "half-negative": Params(x=-5.0, w1=-1.5, w2=-4.0, b1=0.5, b2=-0.5, y=0.2, loss="half"),
    # x = 0: w1 gets no gradient; nothing moves and the words must say so.
    "zero-gradient": Params(x=0.0, y=0.0),
}
PARAMETER_SECTIONS = (
    "chain-rule",
    "premise",
    "rules",
    "two-ds",
    "whats-not-shown",
    "why-it-scales",
    "descent",
    "network-walk",
)


def test_the_corners_are_what_they_claim():
    assert abs(network.backward(CORNERS["bounds-high"]).dL_dw1.value) < 1e-6  # saturated
    assert network.update(CORNERS["lr-max-overshoot"]).went == "up"
    assert descent_view.view(CORNERS["lr-max-overshoot"]).overshoots
    assert network.update(CORNERS["zero-gradient"]).went == "nowhere"


@pytest.mark.parametrize("section", PARAMETER_SECTIONS)
@pytest.mark.parametrize("corner", list(CORNERS))
def test_every_section_reads_right_at_the_corner(corner, section):
    params = CORNERS[corner]
    scene = run_scene(section, params=params)
    assert not {b.name: b.off_frame for b in scene.beats if b.off_frame}, "outside the frame"
    assert not {b.name: b.overlaps for b in scene.beats if b.overlaps}, "texts overlap"
    # The numbers shown and said are the core's; the words follow its signs.
    if section == "network-walk":
        walk_scene, walk = test_scene_network_walk._check_walk(params)
        test_scene_network_walk._check_final(walk_scene, walk)
    elif section == "descent":
        test_scene_descent.test_each_step_shows_the_cores_numbers(params)
    elif section == "two-ds":
        test_scene_two_ds.check(scene, params)
    elif section == "premise":
        test_scene_premise.check_network(scene, params)
    elif section == "rules":
        test_scene_rules.check_marks(scene, params)
