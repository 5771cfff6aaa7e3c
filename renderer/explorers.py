"""The explorers: the seed's sliders, every stop a frame drawn by manim (scenes/explorers.py).

Each explorer is written to ``<variant>/explorers/NN-name/``::

    frames.mp4      one frame per stop (H.264; see scenes/explorers.py for the order)
    start.png       the frame the explorer opens on (the section's own stop), for print
    explorer.json   per stop the core's values as text, where the frames are, the fingerprint

A page without these files still works: it says the render has no explorer yet.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from common import atomic
from renderer import cache
from renderer.plan import Plan

ROOT = Path(__file__).resolve().parents[1]
RECIPE = "explorer-1"
# What an explorer's frames depend on: the scenes and their components, the core, the renderer's
# drawing code, manim's settings and the pinned packages (and the parameters, theme and size).
INPUTS = ("scenes/*.py", "scenes/components/*.py", "backprop_core/*.py", "video/*.py", "manim.cfg", "requirements.lock")

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


def fingerprint(plan: Plan, name: str) -> str:
    h = hashlib.sha256()
    h.update(f"{RECIPE} {name} {plan.params_json} {plan.theme} {plan.quality.width}x{plan.quality.height}\n".encode())
    for path in sorted(p for pattern in INPUTS for p in ROOT.glob(pattern)):
        h.update(f"{path.relative_to(ROOT)}={cache.file_hash(path)}\n".encode())
    return h.hexdigest()


def build(plan: Plan) -> list[str]:
    """Draw the lesson's explorers that are missing or out of date (side by side, ``--jobs`` at once).

    Each is drawn in a manim process of its own (scenes/explorers.py) into a hidden folder,
    moved in only when complete: a failed one keeps the previous. Returns notes."""
    entries = [e for e in plan.manifest.entries if e.name in EXPLORERS]
    with ThreadPoolExecutor(max_workers=max(1, min(plan.jobs, len(entries) or 1))) as pool:
        return list(pool.map(lambda e: _build_one(plan, e), entries))


def _build_one(plan: Plan, entry) -> str:
    fp = fingerprint(plan, entry.name)
    dest = folder(plan, entry.stem)
    current = published(plan).get(entry.stem)
    if current and current.get("fingerprint") == fp and not plan.force:
        return f"explorer {entry.name}: {dest} (reused)"
    started = time.monotonic()
    tmp = dest.parent / f".{entry.stem}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    log = plan.out_dir / "logs" / f"{entry.stem}.explorer.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    env = {**plan.scene_env(), "BACKPROP_VOICE": "none"}  # no narration: only frames
    cmd = [sys.executable, "-m", "scenes.explorers", entry.name, str(tmp)]
    cmd += [str(plan.quality.width), str(plan.quality.height), str(plan.tex_dir)]
    try:
        with open(log, "w") as out:
            proc = subprocess.run(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=3600)
        if proc.returncode != 0:
            return f"explorer {entry.name}: FAILED (see {log}); the previous one is kept"
        data = json.loads((tmp / "stops.json").read_text(encoding="utf-8"))
        base = f"{FOLDER}/{entry.stem}"
        data.update(
            fingerprint=fp,
            stem=entry.stem,
            title=EXPLORERS[entry.name],
            chapter=entry.label,
            frames="frames.mp4",
            video=f"{base}/frames.mp4",
            start_still=f"{base}/start.png",
            start_text=_start(data)["text"],
            bytes=(tmp / "frames.mp4").stat().st_size,
            seconds=round(time.monotonic() - started, 1),
        )
        atomic.write_text(tmp / "explorer.json", json.dumps(data, ensure_ascii=False))
        atomic.replace_dir(tmp, dest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return (
        f"explorer {entry.name}: {dest} ({len(data['stops'])} stops drawn in {data['seconds']:.1f} s, "
        f"{data['bytes'] / 2**20:.1f} MiB)"
    )


def _start(data: dict) -> dict:
    """The stop the explorer opens on: the section's own point."""
    if data["kind"] == "slider":
        return data["stops"][data["start"]]
    i, j = data["start"]
    return next(s for s in data["stops"] if s["i"] == i and s["j"] == j)
