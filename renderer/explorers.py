"""The explorers: the seed's sliders, every stop a frame drawn by manim (scenes/explorers.py).

Each explorer is written to ``<variant>/explorers/NN-name/``::

    frames.mp4      one frame per stop (H.264; see scenes/explorers.py for the order)
    start.png       the frame the explorer opens on (the section's own stop), for print
    explorer.json   per stop the core's values as text, where the frames are, the fingerprint

A page without these files still works: it says the render has no explorer yet.
"""

from __future__ import annotations

import json
from pathlib import Path

from renderer.plan import Plan

# Section name -> what the explorer is called beside its chapter.
EXPLORERS = {"derivative": "Try it: drag x", "partials": "Try it: click the heatmap"}
FOLDER = "explorers"


def folder(plan: Plan, stem: str) -> Path:
    return plan.out_dir / FOLDER / stem


def published(plan: Plan) -> dict[str, dict]:
    """The explorers written for this variant, by section stem (their explorer.json)."""
    out = {}
    for entry in plan.manifest.entries:
        if entry.name not in EXPLORERS:
            continue
        index = folder(plan, entry.stem) / "explorer.json"
        try:
            data = json.loads(index.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if all((folder(plan, entry.stem) / name).exists() for name in (data["frames"], "start.png")):
            out[entry.stem] = data
    return out
