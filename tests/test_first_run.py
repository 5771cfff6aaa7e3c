"""A first render (no history): the shipped cost model (renderer/costs.json) and the pre-pass."""

from __future__ import annotations

import json

import pytest

from renderer import parts, prepass
from renderer.plan import QUALITIES, Plan, load_manifest
from scenes.manifest import LESSON
from tests.harness import run_scene


def make_plan(tmp_path, spec="scenes.manifest:LESSON", jobs=2):
    manifest = load_manifest(spec)
    return Plan(
        manifest=manifest,
        selected=list(manifest.entries),
        quality=QUALITIES["low"],
        theme="dark",
        voice="none",
        params_json="{}",
        params_default=True,
        fmt="mp4",
        transparent=False,
        out_root=tmp_path / "renders",
        jobs=jobs,
    )


def test_every_section_has_a_shipped_cost_per_beat():
    model = parts.shipped()
    assert set(model) == {s.name for s in LESSON}
    for name, section in model.items():
        assert all(c >= 0 for c in section["beat_costs"]) and section["seconds"] > 0, name


@pytest.mark.parametrize("section", [s.name for s in LESSON])
def test_the_shipped_model_has_the_scenes_beats(section):
    """A scene that gained or lost a beat needs `benchmarks/costs.py` run again."""
    beats = run_scene(section).beats
    shipped = parts.shipped()[section]["beat_costs"]
    assert len(shipped) == len(beats), f"renderer/costs.json is out of date for {section}: run benchmarks/costs.py"


def test_a_first_render_orders_and_splits_by_the_model(tmp_path, monkeypatch):
    monkeypatch.delenv(prepass.FIRST_RUN_ENV_VAR, raising=False)
    plan = make_plan(tmp_path)
    costs = {e.name: parts.cost(plan, e) for e in plan.selected}
    assert all(costs.values())
    longest = max(costs, key=costs.get)
    assert longest == "partials"  # it starts first, not fourth as in lesson order
    # A section that is most of the run is split in two, as a later render would do.
    entry = plan.manifest.by_name("network-walk")
    chosen = parts.choose(plan, entry, others_cost=100.0)
    assert len(chosen) == 2 and chosen[0].start == 0 and chosen[-1].stop is None
    assert parts.split(parts.shipped()["network-walk"]["beat_costs"], 2) == chosen


def test_history_wins_and_stock_turns_the_model_off(tmp_path, monkeypatch):
    plan = make_plan(tmp_path)
    entry = plan.manifest.by_name("derivative")
    monkeypatch.setenv(prepass.FIRST_RUN_ENV_VAR, "stock")
    assert parts.cost(plan, entry) == 0.0 and parts.choose(plan, entry, 1e6) == parts.WHOLE
    assert prepass.wanted(plan, list(plan.selected)) == []
    monkeypatch.delenv(prepass.FIRST_RUN_ENV_VAR)
    assert prepass.wanted(plan, list(plan.selected)) == list(plan.selected)

    class Record:  # what renderer/cache.py keeps of a render: the fields parts.py reads
        beat_costs = [1.0, 2.0]
        render_seconds = 7.5

    monkeypatch.setattr(parts, "history", lambda p, e: Record if e == entry else None)
    assert parts.cost(plan, entry) == 7.5  # its own history, not the model
    assert entry not in prepass.wanted(plan, list(plan.selected))
    assert json.loads(parts.COSTS.read_text())["sections"]["derivative"]["seconds"] != 7.5


def test_another_lessons_sections_get_no_model(tmp_path):
    plan = make_plan(tmp_path, spec="tests/fixtures/manifest.py:LESSON")
    assert all(parts.cost(plan, e) == 0.0 for e in plan.selected)
