"""The explorers are the sections' own components: a stop's frame is the section's frame there.

Each explorer is its section's scene stopped where the section stops, its trackers then
moved to every stop. So the frame at a stop must be the frame the section itself
draws when its parameters put it there (tests/harness.py's size, animations skipped).
"""

from __future__ import annotations

import numpy as np
import pytest

from backprop_core import Params
from backprop_core.numbers import fmt_fixed
from scenes import explorers
from tests.harness import MISMATCH_RATIO, PIXEL_TOLERANCE, TEX_CACHE, lesson_env

SIZE = (854, 480)


def same(a: np.ndarray, b: np.ndarray) -> float:
    """The share of pixel values that differ by more than the frame tests' tolerance."""
    return float((~np.isclose(a, b, atol=PIXEL_TOLERANCE)).sum() / a.size)


def section_frame(section: str, params: Params) -> np.ndarray:
    """The section's frame at the end of the beat its explorer starts from."""
    with lesson_env(params), explorers.drawing(*SIZE, str(TEX_CACHE)):
        scene, _, _ = explorers.run(section)
        return scene.frame()


def explorer_frames(section: str, key) -> dict:
    """The default explorer's frames at the stops ``key(stop)`` names, visited in the explorer's order."""
    out = {}
    with lesson_env(None), explorers.drawing(*SIZE, str(TEX_CACHE)):
        scene, _, stops = explorers.run(section)
        out["start"] = scene.frame()
        for stop, move in stops:
            if key(stop) is not None:
                move()
                out[key(stop)] = scene.frame()
    return out


def test_a_derivative_stop_is_the_sections_frame_at_that_x(monkeypatch):
    monkeypatch.setenv("BACKPROP_VOICE", "none")
    frames = explorer_frames("derivative", lambda s: s["x"] if s["x"] in ("-0.500", "2.000") else None)
    assert same(frames["-0.500"], section_frame("derivative", Params(derivative_x=-0.5))) <= MISMATCH_RATIO
    # After moving away, the section's own stop (x = 2) is the frame the explorer opened on.
    assert same(frames["2.000"], frames["start"]) <= MISMATCH_RATIO
    assert same(frames["-0.500"], frames["start"]) > 0.001  # and the stops do differ


@pytest.mark.parametrize("point", [(0.5, 0.3), (-0.4, 0.6)])
def test_a_partials_stop_is_the_sections_frame_at_that_point(monkeypatch, point):
    monkeypatch.setenv("BACKPROP_VOICE", "none")
    wanted = tuple(fmt_fixed(v) for v in point)
    frames = explorer_frames("partials", lambda s: "here" if (s["x"], s["y"]) == wanted else None)
    section = section_frame("partials", Params(partials_x=point[0], partials_y=point[1]))
    assert same(frames["here"], section) <= MISMATCH_RATIO
