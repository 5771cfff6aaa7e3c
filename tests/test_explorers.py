"""The explorers are the sections' own components: a stop's frame is the section's frame there.

Each explorer is its section's scene stopped where the section stops, its trackers then
moved to every stop. So the frame at a stop must be the frame the section itself
draws when its parameters put it there (tests/harness.py's size, animations skipped).
"""

from __future__ import annotations

import json

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


@pytest.mark.parametrize("section", ["derivative", "partials"])
def test_a_part_that_starts_mid_way_draws_the_stops_as_one_pass_does(monkeypatch, section):
    """The renderer draws an explorer in parts side by side (renderer/explorers.py): part 2 of 2
    reaches its first stop straight from the section's own stop, one pass from the stop before."""
    monkeypatch.setenv("BACKPROP_VOICE", "none")
    with lesson_env(None), explorers.drawing(*SIZE, str(TEX_CACHE)):
        scene, _, stops = explorers.run(section)
        first = explorers.part_range(len(stops), (1, 2)).start
        stops[first - 1][1]()
        stops[first][1]()
        one_pass = scene.frame()
    with lesson_env(None), explorers.drawing(*SIZE, str(TEX_CACHE)):
        scene, _, stops = explorers.run(section)
        stops[first][1]()
        assert np.array_equal(scene.frame(), one_pass)


def test_typesetting_the_stops_ahead_leaves_the_scene_as_it_was(monkeypatch, tmp_path):
    """Derivative's explorer visits its stops once without LaTeX (placeholders), typesets what
    they asked for in batches, then draws: the drawing must not see that visit."""
    monkeypatch.setenv("BACKPROP_VOICE", "none")
    with lesson_env(None), explorers.drawing(*SIZE, str(TEX_CACHE)):
        scene, _, stops = explorers.run("derivative")
        stops[3][1]()
        direct = scene.frame()
    with lesson_env(None), explorers.drawing(*SIZE, str(TEX_CACHE)):
        scene, _, stops = explorers.run("derivative")
        # An empty cache: every prediction on the visit is a placeholder, then compiled.
        assert explorers.typeset_ahead(scene, stops[:5], tmp_path) >= 5
        assert len(list(tmp_path.glob("*.svg"))) >= 5
        stops[3][1]()
        assert np.array_equal(scene.frame(), direct)


def test_the_parts_cover_every_stop_once_in_order():
    for count in (1, 2, 41, 441):
        for n in (1, 2, 3, 4):
            drawn = [k for part in range(n) for k in explorers.part_range(count, (part, n))]
            assert drawn == list(range(count))


def test_an_explorer_is_drawn_again_for_its_own_section_and_shared_code_not_another_sections(monkeypatch, tmp_path):
    from renderer import cache, cli
    from renderer import explorers as drawn

    plan = cli.make_plan(cli.build_parser().parse_args(["-q", "low", "--voice", "none", "--out", str(tmp_path)]))
    before = {name: drawn.fingerprint(plan, name) for name in drawn.EXPLORERS}
    real = cache.file_hash

    def edited(target):
        monkeypatch.setattr(cache, "file_hash", lambda p: "edited" if p.as_posix().endswith(target) else real(p))
        after = {name: drawn.fingerprint(plan, name) for name in drawn.EXPLORERS}
        monkeypatch.setattr(cache, "file_hash", real)
        return {name for name in after if after[name] != before[name]}

    assert edited("scenes/network_walk.py") == set()
    assert edited("scenes/partials.py") == {"partials"}
    assert edited("scenes/derivative.py") == {"derivative"}
    assert edited("scenes/components/readout.py") == {"derivative", "partials"}
    assert edited("scenes/lesson.py") == {"derivative", "partials"}
    assert edited("backprop_core/refresher.py") == {"derivative", "partials"}


def test_force_on_another_section_keeps_the_explorers_and_on_its_own_draws_it(monkeypatch, tmp_path):
    from renderer import cli
    from renderer import explorers as drawn

    def plan_of(*args):
        argv = ["-q", "low", "--voice", "none", "--out", str(tmp_path), *args]
        return cli.make_plan(cli.build_parser().parse_args(argv))

    plan = plan_of()
    for entry in drawn.wanted(plan):  # explorers as a render left them, up to date
        folder = drawn.folder(plan, entry.stem)
        folder.mkdir(parents=True)
        (folder / "frames.mp4").write_bytes(b"")
        (folder / "start.png").write_bytes(b"")
        data = {"frames": "frames.mp4", "fingerprint": drawn.fingerprint(plan, entry.name)}
        (folder / "explorer.json").write_text(json.dumps(data))
    drawing = []
    monkeypatch.setattr(drawn, "_draw", lambda plan, entry, *rest: drawing.append(entry.name) or "drawn")
    drawn.build(plan_of("--force", "worked-example"))
    assert drawing == []
    drawn.build(plan_of("--force", "partials"))
    assert drawing == ["partials"]
