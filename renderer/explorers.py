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
import shlex
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from common import atomic
from renderer import cache
from renderer.job import Processes
from renderer.plan import JOINABLE, Plan

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
    """What section ``name``'s explorer is drawn from. The other sections' own scene files are
    left out: an explorer runs its own section's scene (no section imports another's), so an
    edit to the network walk redraws no explorer."""
    from scenes.manifest import LESSON

    others = {f"scenes/{s.module}.py" for s in LESSON if s.name != name}
    h = hashlib.sha256()
    h.update(f"{RECIPE} {name} {plan.params_json} {plan.theme} {plan.quality.width}x{plan.quality.height}\n".encode())
    for path in sorted(p for pattern in INPUTS for p in ROOT.glob(pattern)):
        if (rel := path.relative_to(ROOT).as_posix()) not in others:
            h.update(f"{rel}={cache.file_hash(path)}\n".encode())
    return h.hexdigest()


# What an explorer costs to draw from a fresh clone, in seconds of one core at 1080p
# (benchmarks/results-explorers-render.json), for the run's queue (renderer/schedule.py), and
# whether it is drawn in parts side by side: partials' 441 stops are, one part per job.
COSTS = {"derivative": 22.0, "partials": 93.0}
SPLIT = {"partials"}

# The explorers this run drew, or failed to, beside its sections (folder, fingerprint -> note):
# the products after the join take them, --force or not, instead of drawing them again.
_drawn: dict[tuple[Path, str], str] = {}


def beside(plan: Plan, slots, procs: Processes) -> threading.Thread | None:
    """Start drawing the explorers beside the sections, in the run's queue (renderer/schedule.py),
    when the run renders the whole lesson for a page; the join takes them. Else None: the
    products draw them after the join, if the page is made at all."""
    _drawn.clear()
    whole = {e.name for e in plan.selected} == {e.name for e in plan.manifest.entries}
    if not (whole and plan.join and plan.fmt in JOINABLE and plan.only_part is None and wanted(plan)):
        return None
    thread = threading.Thread(target=build, args=(plan, slots, procs), name="explorers", daemon=True)
    thread.start()
    return thread


def wanted(plan: Plan) -> list:
    """The lesson's sections that have an explorer, in lesson order."""
    return [e for e in plan.manifest.entries if e.name in EXPLORERS]


def part_count(plan: Plan, name: str) -> int:
    return max(1, plan.jobs) if name in SPLIT else 1


def build(plan: Plan, slots=None, procs: Processes | None = None) -> list[str]:
    """Draw the lesson's explorers that are missing or out of date; returns notes.

    Each part is a manim process of its own (scenes/explorers.py) that takes one of the run's
    slots (``slots``, renderer/schedule.py, when drawn beside the sections; else ``--jobs``
    at once). The parts are drawn into a hidden folder and joined there; the explorer is
    moved in only when complete, so a failed one keeps the previous."""
    from renderer.schedule import Slots  # (schedule imports this module)

    procs = procs or Processes()
    slots = slots or Slots(plan.jobs, procs.cancelled)  # no run's queue (the products): --jobs at once
    entries = wanted(plan)
    notes: dict[str, str] = {}

    def one(entry) -> None:
        try:
            notes[entry.name] = _build_one(plan, entry, slots, procs)
        except Exception as exc:  # one explorer's bug must not stop the other, nor the page
            notes[entry.name] = f"explorer {entry.name}: FAILED ({type(exc).__name__}: {exc}); the previous one is kept"

    threads = [threading.Thread(target=one, args=(e,), daemon=True) for e in entries]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return [notes[e.name] for e in entries]


def _build_one(plan: Plan, entry, slots, procs: Processes) -> str:
    fp = fingerprint(plan, entry.name)
    dest = folder(plan, entry.stem)
    if (dest, fp) in _drawn:  # drawn (or failed) beside the sections of this run
        return _drawn[dest, fp]
    current = published(plan).get(entry.stem)
    # --force draws again what the run renders: an explorer, when its own section is selected.
    forced = plan.force and entry.name in {e.name for e in plan.selected}
    if current and current.get("fingerprint") == fp and not forced:
        return f"explorer {entry.name}: {dest} (reused)"
    note = _draw(plan, entry, fp, dest, slots, procs)
    _drawn[dest, fp] = note
    return note


def _draw(plan: Plan, entry, fp: str, dest: Path, slots, procs: Processes) -> str:
    began: list[float] = []  # when the first part got a slot: its time counts from there, not the queue
    tmp = dest.parent / f".{entry.stem}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    log = plan.out_dir / "logs" / f"{entry.stem}.explorer.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text("")
    count = part_count(plan, entry.name)
    # Queued now, in lesson order, by what a part costs: the run's longer work goes first.
    tokens = [slots.queue((-COSTS[entry.name] / count, 1000 + entry.index, k)) for k in range(count)]
    errors: dict[int, str] = {}

    def draw(k: int) -> None:
        if not slots.acquire(tokens[k]):
            errors[k] = "interrupted"
            return
        began.append(time.monotonic())
        try:
            errors[k] = _draw_part(plan, entry, tmp / f"part-{k}", (k, count), procs, log)
        finally:
            slots.release()

    threads = [threading.Thread(target=draw, args=(k,), daemon=True) for k in range(count)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if failed := [e for e in errors.values() if e]:
            return f"explorer {entry.name}: FAILED ({failed[0]}, see {log}); the previous one is kept"
        data = _join_parts(tmp, count)
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
            seconds=round(time.monotonic() - min(began), 1),
            parts=count,
        )
        atomic.write_text(tmp / "explorer.json", json.dumps(data, ensure_ascii=False))
        atomic.replace_dir(tmp, dest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return (
        f"explorer {entry.name}: {dest} ({len(data['stops'])} stops drawn in {data['seconds']:.1f} s"
        f"{f' in {count} parts' if count > 1 else ''}, {data['bytes'] / 2**20:.1f} MiB)"
    )


def _draw_part(plan: Plan, entry, out: Path, part: tuple[int, int], procs: Processes, log: Path) -> str:
    """One part's manim process (no narration: only frames); returns "" or the error."""
    env = {**plan.scene_env(), "BACKPROP_VOICE": "none"}
    cmd = [sys.executable, "-m", "scenes.explorers", entry.name, str(out)]
    cmd += [str(plan.quality.width), str(plan.quality.height), str(plan.tex_dir), "--part", f"{part[0]}/{part[1]}"]
    with open(log, "a", encoding="utf-8") as handle:
        handle.write(f"# part {part[0] + 1} of {part[1]}: {shlex.join(cmd)}\n")
        handle.flush()
        code = procs.run(cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=handle, stderr=subprocess.STDOUT)
    if code == 0:
        return ""
    return "interrupted" if procs.cancelled.is_set() else f"part {part[0] + 1} of {part[1]} exited with {code}"


def _join_parts(tmp: Path, count: int) -> dict:
    """The parts' frames joined into ``tmp/frames.mp4`` (all-intra, so copied, not encoded
    again; the same pictures, though x264's rate control, which starts afresh in each part,
    may give a part's first frames other bits), their stops into one list; part 0's
    start.png. Returns the stops' data."""
    datas = [json.loads((tmp / f"part-{k}" / "stops.json").read_text(encoding="utf-8")) for k in range(count)]
    data = {key: value for key, value in datas[0].items() if key != "part"}
    data["stops"] = [stop for d in datas for stop in d["stops"]]
    frames = [stop["frame"] for stop in data["stops"]]
    if frames != list(range(data["count"])):
        raise RuntimeError(f"the parts' stops are not the explorer's {data['count']} stops in order")
    shutil.copyfile(tmp / "part-0" / "start.png", tmp / "start.png")
    if count == 1:
        os.replace(tmp / "part-0" / "frames.mp4", tmp / "frames.mp4")
    else:
        listing = tmp / "parts.txt"
        listing.write_text("".join(f"file 'part-{k}/frames.mp4'\n" for k in range(count)))
        # Stop k stays at exactly k / fps (the page seeks there): the concat demuxer would shift
        # the later parts by a rounding of the first part's length.
        subprocess.run(
            ["ffmpeg", "-v", "error", "-y", "-f", "concat", "-safe", "0", "-i", str(listing), "-c", "copy",
             "-bsf:v", f"setts=ts=N/({data['fps']}*TB)", "-movflags", "+faststart", str(tmp / "frames.mp4")],
            check=True,
        )  # fmt: skip
        listing.unlink()
    for k in range(count):
        shutil.rmtree(tmp / f"part-{k}", ignore_errors=True)
    return data


def _start(data: dict) -> dict:
    """The stop the explorer opens on: the section's own point."""
    if data["kind"] == "slider":
        return data["stops"][data["start"]]
    i, j = data["start"]
    return next(s for s in data["stops"] if s["i"] == i and s["j"] == j)
