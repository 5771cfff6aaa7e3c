"""Write renderer/costs.json, the cost model a first render splits its sections by.

    .venv/bin/python benchmarks/costs.py              # every section of the lesson (about a minute)
    .venv/bin/python benchmarks/costs.py --check      # exit 1 if the shipped model is out of date

A section's cost per beat is what renderer/job.py ``beat_costs`` records after
a render (a play costs 1, each moving frame 1 more, at 60 fps), found here by
a dry pass of the scene (animations skipped, no drawing, no LaTeX:
video/texbatch.py) that counts each play's frames. Its ``seconds`` are the
section's first render at 1080p60 as measured (``FIRST_RENDER_SECONDS``); a
section not measured yet gets its cost times the measured sections' seconds
per cost. ``benchmarks/cold.py --write-costs`` writes the model from a real
cold render's records instead. renderer/parts.py reads the model for a
section with no render history: the first render starts the longest
sections first and splits them by the same rule as a later one.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# Each section's first render at 1080p60, narrated, on a fresh clone (2 cores, 774 s in all):
# measured for issue 21, 2026-12-01, before the pre-pass.
FIRST_RENDER_SECONDS = {
    "premise": 101.7,
    "derivative": 84.4,
    "two-ds": 86.8,
    "partials": 366.7,
    "chain-rule": 94.9,
    "worked-example": 83.9,
    "rules": 101.7,
    "network-walk": 320.9,
    "why-it-scales": 113.3,
    "whats-not-shown": 70.2,
    "descent": 89.4,
}


def dry_costs(scene_class) -> list[float]:
    """The section's beat costs (renderer/job.py beat_costs) from a dry pass at 60 fps."""
    import tempfile

    from video import render, texbatch

    costs: list[float] = []
    play, frozen = render.LessonRenderer.play, render.LessonRenderer._frozen
    seen = {}

    def counting_frozen(scene):
        seen["frozen"] = frozen(scene)
        return seen["frozen"]

    def counting_play(self, scene, *args, **kwargs):
        first = self.frame_count
        play(self, scene, *args, **kwargs)
        while len(costs) <= self.beat:
            costs.append(0.0)
        costs[self.beat] += 1.0 + (0 if seen.get("frozen") else self.frame_count - first)

    render.LessonRenderer.play = counting_play
    render.LessonRenderer._frozen = staticmethod(counting_frozen)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            got = texbatch.collect(scene_class, Path(tmp), frame_rate=60)
    finally:
        render.LessonRenderer.play, render.LessonRenderer._frozen = play, frozen
    if got.error:
        raise RuntimeError(got.error)
    return costs + [0.0] * (len(got.lines) - len(costs))  # beats without a play


def model(names: list[str] | None = None) -> dict:
    from renderer.plan import load_manifest
    from tests.harness import scene_class

    sections = {}
    for entry in load_manifest().entries:
        if names and entry.name not in names:
            continue
        costs = dry_costs(scene_class(entry.name))
        sections[entry.name] = {"beat_costs": costs, "seconds": FIRST_RENDER_SECONDS.get(entry.name)}
        print(f"{entry.name}: {len(costs)} beats, cost {sum(costs):.0f}", flush=True)
    known = [s for s in sections.values() if s["seconds"]]
    per_cost = sum(s["seconds"] for s in known) / max(1.0, sum(sum(s["beat_costs"]) for s in known))
    for s in sections.values():
        s["seconds"] = s["seconds"] or round(sum(s["beat_costs"]) * per_cost, 1)
    return sections


def write(sections: dict, source: str) -> None:
    """renderer/costs.json, a line per section (diffs stay readable)."""
    from renderer import parts

    lines = [f"  {json.dumps(name)}: {json.dumps(s)}" for name, s in sections.items()]
    parts.COSTS.write_text(
        "{\n" + f' "source": {json.dumps(source)},\n "sections": {{\n' + ",\n".join(lines) + "\n }\n}\n"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="compare with the shipped model instead of writing it")
    args = ap.parse_args()
    from renderer import parts

    sections = model()
    shipped = json.loads(parts.COSTS.read_text()) if parts.COSTS.exists() else {}
    if args.check:
        stale = [
            n
            for n, s in sections.items()
            if shipped.get("sections", {}).get(n, {}).get("beat_costs") != s["beat_costs"]
        ]
        print("out of date: " + ", ".join(stale) if stale else "the shipped cost model is current")
        return 1 if stale else 0
    write(sections, "benchmarks/costs.py: beat costs from a dry pass, seconds as measured")
    print(f"(written to {parts.COSTS})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
