"""Which parts (beat ranges) a section is rendered in, and in what order.

A long section on one core sets the wall time of the whole lesson, and a
single section rendered alone would leave the other cores idle. So a section
may be split into parts, contiguous ranges of its beats, rendered by separate
processes (or machines) and joined without re-encoding (video/assemble.py).

The split needs to know the beats: how many, and what each costs. That comes
from the section's previous render (its record keeps a cost per beat), in
this variant or, failing that, in another one under the same output folder.
A section never rendered before takes its costs from the model shipped with
the code (renderer/costs.json, written by benchmarks/costs.py), so a first
render is split like a later one; a section in neither is rendered whole.
Sections start longest first, by the same costs.
"""

from __future__ import annotations

import functools
import json
import math
from pathlib import Path

from renderer import cache
from renderer.job import Part
from renderer.plan import Entry, Plan

WHOLE = [Part(0, None)]
COSTS = Path(__file__).with_name("costs.json")


@functools.cache
def shipped() -> dict:
    """The shipped cost model: section name -> {"beat_costs": [...], "seconds": ...}."""
    try:
        return json.loads(COSTS.read_text(encoding="utf-8"))["sections"]
    except (OSError, ValueError, KeyError):
        return {}


def estimate(plan: Plan, entry: Entry) -> tuple[list[float], float] | None:
    """(cost per beat, seconds) of a section: from its history, else from the shipped model
    (not with BACKPROP_FIRST_RUN=stock, nor for another lesson's sections: their scenes differ)."""
    record = history(plan, entry)
    if record is not None:
        return record.beat_costs, record.render_seconds
    from renderer.prepass import stock

    model = shipped().get(entry.name)
    if model is None or stock() or entry.path.parent != Path(__file__).parents[1] / "scenes":
        return None
    return model["beat_costs"], model["seconds"]


def history(plan: Plan, entry: Entry) -> cache.Record | None:
    """The section's record in this variant, else its newest in another variant."""
    record = cache.load(plan, entry)
    if record is not None and record.beat_costs:
        return record
    found = []
    for variant in plan.out_root.glob("*/.cache"):
        other = cache.load_file(variant / f"{entry.stem}.json")
        if other is not None and other.beat_costs:
            found.append(other)
    return max(found, key=lambda r: r.rendered_at, default=None)


def cost(plan: Plan, entry: Entry) -> float:
    """An estimate of the section's render time (seconds; 0 if unknown)."""
    known = estimate(plan, entry)
    return known[1] if known is not None else 0.0


def split(costs: list[float], count: int) -> list[Part]:
    """``count`` contiguous ranges of beats with about equal cost each."""
    count = max(1, min(count, len(costs)))
    if count == 1:
        return list(WHOLE)
    total = sum(costs) or float(len(costs))
    weights = costs if sum(costs) else [1.0] * len(costs)
    bounds, acc = [], 0.0
    for k, w in enumerate(weights[:-1]):
        acc += w
        # Cut after beat k when the running cost passes the next share.
        if len(bounds) < count - 1 and acc >= total * (len(bounds) + 1) / count:
            bounds.append(k + 1)
    edges = [0, *bounds]
    return [Part(a, b) for a, b in zip(edges, bounds + [None])]


def choose(plan: Plan, entry: Entry, others_cost: float) -> list[Part]:
    """The parts of one section. ``others_cost``: the estimated cost of the
    other sections of this run (a section that is a large share of the run is
    split, so that it does not finish alone at the end)."""
    known = estimate(plan, entry)
    if known is None or len(known[0]) < 2:
        return list(WHOLE)
    costs, mine = known
    if plan.parts:
        return split(costs, plan.parts)
    mine = mine or 1.0
    # About two pieces of work per job at least, none longer than that share.
    share = (mine + others_cost) / (2 * plan.jobs)
    return split(costs, min(plan.jobs, math.ceil(mine / share)))


def existing(plan: Plan, entry: Entry, fingerprint: str) -> list[dict] | None:
    """Part records of this fingerprint that cover the section from its first beat
    to its end (e.g. rendered by --print-jobs elsewhere), or None."""
    import json

    from video.assemble import AssemblyError, Section

    records = []
    for path in plan.part_records(entry, fingerprint):
        try:
            records.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
    chain, start = [], 0
    while True:
        options = [r for r in records if r["range"][0] == start]
        if not options:
            return None
        best = max(options, key=lambda r: (r["complete"], math.inf if r["range"][1] is None else r["range"][1]))
        chain.append(best)
        if best["complete"]:  # this part ran to the end of the scene
            break
        start = best["range"][1]
    try:
        Section.from_parts(chain, plan.plays_dir(entry))
    except AssemblyError:
        return None
    return chain
