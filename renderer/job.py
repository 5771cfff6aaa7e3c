"""Rendering one section: its parts in manim subprocesses, then the section joined.

A section is rendered as one or more *parts*, each a range of its beats
(renderer/parts.py chooses them). A part is one ``manim render`` process
with the lesson renderer (video/render.py): it draws the plays of its beats
into the variant's play store (one file per play, named by its content, so a
play that did not change is not drawn again) and writes a part record. When
every part is there, the section is joined from the store (video/assemble.py):
video, narration, captions, beat clips, poster.

Each part renders in its own media folder (its Pango cache is private); the
LaTeX cache is shared by every section and variant, one formula at a time
(video/texcache.py). A per-section fcntl lock makes a second run that wants
the same section wait and then reuse what the first produced.

Nothing in the variant folder is touched until the section is joined; then
the clips, thumbnails, poster, captions and video are moved in with
``os.replace`` and the record is written last. A failed or interrupted render
leaves the previous good outputs exactly as they were.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from common import atomic
from narration import captions
from renderer import cache
from renderer.plan import ROOT, Entry, Plan
from video import assemble

THUMB_WIDTH = 320
# What a section's record keeps of each beat: the lesson's narration track is laid out from
# these (the texts: a damaged WAV is spoken again; the description's WAV in the described version).
RECORD_BEAT_KEYS = ("name", "narration", "start_frame", "end_frame", "audio")
RECORD_DESCRIPTION_KEYS = ("description", "description_frame", "description_audio")


@dataclass
class Result:
    entry: Entry
    status: str  # "rendered", "reused", "failed", "interrupted" or "skipped"
    seconds: float = 0.0  # render time (for reused: the original render's)
    duration: float | None = None  # video seconds
    video: Path | None = None
    log: Path | None = None
    error: str = ""
    parts: int = 0  # parts rendered
    plays: dict[str, int] = field(default_factory=dict)  # rendered / reused play counts


@dataclass(frozen=True)
class Part:
    start: int
    stop: int | None  # None: to the end of the scene

    @property
    def label(self) -> str:
        return f"{self.start}:{'' if self.stop is None else self.stop}"

    @property
    def slug(self) -> str:
        return f"{self.start}-{'end' if self.stop is None else self.stop}"


class Processes:
    """The manim processes running now, so an interrupt can stop them all."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._procs: set[subprocess.Popen] = set()
        self.cancelled = threading.Event()

    def add(self, proc: subprocess.Popen) -> None:
        with self._lock:
            self._procs.add(proc)
        if self.cancelled.is_set():
            self._stop(proc)

    def remove(self, proc: subprocess.Popen) -> None:
        with self._lock:
            self._procs.discard(proc)

    def cancel(self) -> None:
        self.cancelled.set()
        with self._lock:
            procs = list(self._procs)
        for proc in procs:
            self._stop(proc)

    def run(self, cmd: list[str], **popen) -> int:
        """Run ``cmd`` in a session of its own (an interrupt stops its whole tree); its exit code."""
        proc = subprocess.Popen(cmd, start_new_session=True, **popen)
        self.add(proc)
        try:
            return proc.wait()
        finally:
            self.remove(proc)

    @staticmethod
    def _stop(proc: subprocess.Popen) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGTERM)


def manim_command(plan: Plan, entry: Entry, media_dir: Path) -> list[str]:
    cmd = [
        sys.executable,
        "-m",
        "manim",
        "render",
        "-q",
        plan.quality.flag,
        "--media_dir",
        str(media_dir),
        "-o",
        entry.name,
        "--format",
        "mp4" if plan.fmt == "mov" and plan.transparent else plan.fmt,
        "--disable_caching",  # the lesson renderer keeps its own store of plays
        "--progress_bar",
        "none",
    ]
    if plan.transparent:
        cmd.append("--transparent")
    cmd += [str(entry.path), entry.scene]
    return cmd


def part_env(plan: Plan, entry: Entry, fp: str, part: Part) -> dict[str, str]:
    contract = plan.contract(entry).with_changes(
        beats=part.label,
        record=str(plan.part_record(entry, fp, part)),
        progress=str(plan.progress_file(entry, part)),
        sources=cache.source_hashes(plan, entry),
    )
    return {**plan.scene_env(), **contract.to_env()}


def _last_error(log: Path) -> str:
    try:
        lines = [line.strip() for line in log.read_text(errors="replace").splitlines() if line.strip()]
    except OSError:
        return "no log"
    for line in reversed(lines):
        if re.search(r"(Error|Exception)\b", line) and not line.startswith("File "):
            return line[-200:]
    return lines[-1][-200:] if lines else "no output"


SOURCES_CHANGED = "sources changed during the render"


def read_part_record(plan: Plan, entry: Entry, fp: str, part: Part) -> dict | None:
    try:
        return json.loads(plan.part_record(entry, fp, part).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def store_problems(plan: Plan, entry: Entry, records: list[dict]) -> tuple[list[str], list[str]]:
    """The plays the records name that are not in the store whole: (missing, damaged).
    A damaged one (cut short, altered, or without its record) is dropped here, so that it
    is drawn again; a missing one was never stored or has been removed."""
    store = plan.play_store(entry)
    missing, damaged = [], []
    for key in dict.fromkeys(p["key"] for r in records for p in r["plays"] if p["key"]):
        if store.check(key) is not None:
            continue
        if store.present(key):
            store.drop(key)
            damaged.append(key)
        else:
            missing.append(key)
    return missing, damaged


def damaged_note(keys: list[str]) -> str:
    shown = ", ".join(k[:12] for k in keys[:4]) + (" ..." if len(keys) > 4 else "")
    return f"{len(keys)} damaged play file{'s' if len(keys) != 1 else ''} dropped and drawn again: {shown}"


def part_is_done(plan: Plan, entry: Entry, fp: str, part: Part) -> dict | None:
    """The part's record, if this fingerprint's part was rendered and is trusted: every play
    it names is in the store whole, and none showed frames other than its stored ones."""
    record = read_part_record(plan, entry, fp, part)
    if record is None or any(p["status"] == "mismatch" for p in record["plays"]):
        return None
    missing, damaged = store_problems(plan, entry, [record])
    return None if missing or damaged else record


def render_part(
    plan: Plan, entry: Entry, fp: str, part: Part, procs: Processes, log_path: Path
) -> tuple[dict | None, str]:
    """Run one part's manim process; returns (its record, "") or (None, the error).

    A play whose stored frames differ from the ones drawn now is dropped by the part
    (its key missed something): the part runs a second time, which draws it."""
    if (done := part_is_done(plan, entry, fp, part)) is not None and not plan.force:
        return done, ""
    for attempt in (1, 2):
        error = _run_part(plan, entry, fp, part, procs, log_path)
        if error:
            return None, error
        record = read_part_record(plan, entry, fp, part)
        if record is None:
            return None, (
                f"no part record from {entry.scene}: a section's scene must be a LessonScene "
                "(scenes/lesson.py), which renders through video/render.py"
            )
        mismatched = [p["key"] for p in record["plays"] if p["status"] == "mismatch"]
        if not mismatched:
            return record, ""
        with open(log_path, "a", encoding="utf-8") as log:
            log.write(
                f"\n# {len(mismatched)} reused play(s) showed other frames than their stored ones "
                f"({', '.join(k[:12] for k in mismatched)}): running the part again to draw them\n"
            )
        if attempt == 2:
            return None, f"{len(mismatched)} play(s) drew other frames on each run (not reproducible): {mismatched[0]}"
    raise AssertionError("unreachable")


def _run_part(plan: Plan, entry: Entry, fp: str, part: Part, procs: Processes, log_path: Path) -> str:
    """One run of the part's manim process; returns "" or the error."""
    work = plan.work(entry, part)
    shutil.rmtree(work / "media" / "videos", ignore_errors=True)
    (work / "media").mkdir(parents=True, exist_ok=True)
    plan.progress_file(entry, part).unlink(missing_ok=True)
    plan.part_record(entry, fp, part).unlink(missing_ok=True)
    cmd = manim_command(plan, entry, work / "media")
    with open(log_path, "a", encoding="utf-8") as log:
        log.write(
            f"\n# part {part.label} (beats {part.start} to {'the end' if part.stop is None else part.stop - 1})"
            f" at {dt.datetime.now().isoformat(timespec='seconds')}\n# command: {shlex.join(cmd)}\n\n"
        )
        log.flush()
        env = part_env(plan, entry, fp, part)
        code = procs.run(cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    if code == 0:
        return ""
    if procs.cancelled.is_set():
        return "interrupted"
    error = _last_error(log_path)
    if "SourcesChangedError" in error:
        return f"{SOURCES_CHANGED}: {error}"
    return f"manim exited {code}: {error}"


def start_log(plan: Plan, entry: Entry, parts: list[Part]) -> Path:
    log_path = plan.log(entry)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w", encoding="utf-8") as log:
        log.write(f"# section {entry.name} ({entry.label}) at {dt.datetime.now().isoformat(timespec='seconds')}\n")
        log.write(f"# cwd: {ROOT}\n# params: {plan.params_json}\n# theme: {plan.theme}\n# voice: {plan.voice}\n")
        log.write(f"# parts: {', '.join(p.label for p in parts)}\n")
    return log_path


def assemble_section(plan: Plan, entry: Entry, fp: str, records: list[dict], started: float) -> Result:
    """Join the parts into the section's outputs and publish them (the record last)."""
    result = Result(entry, "failed", log=plan.log(entry))
    section = assemble.Section.from_parts(records, plan.plays_dir(entry))
    section.voice = plan.voice
    joined = time.monotonic()
    staging = plan.out_dir / ".work" / f"{entry.stem}-staging-{os.getpid()}-{threading.get_ident()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        movie = staging / f"{entry.stem}{plan.ext}"
        written = assemble.write_section(section, movie, gif=plan.fmt == "gif")
        section.last_frame().save(staging / "poster.png")
        store_tmp = staging / "store"
        store_tmp.mkdir()
        clips = []
        for k, beat in enumerate(section.beats):
            name = f"{k:02d}-{_safe(beat['name'])}"
            clip = store_tmp / f"{name}{plan.ext}"
            # Each clip speaks its beat's line (PowerPoint and the self-paced deck play it)
            # and has its own captions, timed from the clip's start.
            assemble.write_video(section, clip, beat=k, narrated=plan.voice != "none")
            captions.write(section.cues(beat=k), clip)
            image = section.last_frame(k)
            image.thumbnail((THUMB_WIDTH, THUMB_WIDTH))
            image.save(store_tmp / f"{name}.png")
            clips.append(
                {
                    "name": beat["name"],
                    "file": clip.name,
                    "thumb": f"{name}.png",
                    "duration": round((beat["end_frame"] - beat["start_frame"]) / section.fps, 3),
                    "subtitle": beat["narration"],
                    "srt": f"{name}.srt",
                    "vtt": f"{name}.vtt",
                }
            )
        store = plan.store(entry, fp)
        atomic.replace_dir(store_tmp, store)

        # Publish: the files first, the record last.
        extras = []
        for path in written:
            if path == movie:
                continue
            target = plan.out_dir / f"{entry.stem}{''.join(path.suffixes)}"
            atomic.replace(path, target)
            if target.suffix != ".srt":
                extras.append(target.name)
        atomic.replace(staging / "poster.png", plan.poster(entry))
        atomic.replace(movie, plan.video(entry))
        duration = section.frames / section.fps
        timing = _sum_timing(records)
        timing["joining"] = round(time.monotonic() - joined, 2)  # video, narration, captions, clips, stills
        record = cache.Record(
            fingerprint=fp,
            video=plan.video(entry).name,
            subtitles=plan.subtitles(entry).name,
            poster=str(plan.poster(entry).relative_to(plan.out_dir)),
            store=str(store.relative_to(plan.out_dir)),
            duration=round(duration, 3),
            render_seconds=round(time.monotonic() - started, 2),
            rendered_at=dt.datetime.now().isoformat(timespec="seconds"),
            clips=clips,
            extras=extras,
            plays=[p["key"] for p in section.plays],
            beat_costs=beat_costs(section),
            timing=timing,
            fps=section.fps,
            beats=[
                {k: b[k] for k in RECORD_BEAT_KEYS} | {k: b.get(k) for k in RECORD_DESCRIPTION_KEYS}
                for b in section.beats
            ],
            clips_recipe=cache.CLIPS_RECIPE,
        )
        previous = cache.load(plan, entry)
        if previous is not None:  # one earlier version is kept, so that undoing an edit is cheap
            same = previous.fingerprint == fp  # (--force: the one before stays the earlier version)
            record.previous_fingerprint = previous.previous_fingerprint if same else previous.fingerprint
            record.previous_plays = previous.previous_plays if same else previous.plays
        cache.save(plan, entry, record)
        _drop_old_stores(plan, entry, store)
        drop_unused_plays(plan, entry, record)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    result.status, result.duration, result.video = "rendered", duration, plan.video(entry)
    result.seconds = time.monotonic() - started
    result.plays = play_counts(records)
    return result


def play_counts(records: list[dict]) -> dict[str, int]:
    """How many plays the part records drew and reused."""
    return {s: sum(p["status"] == s for r in records for p in r["plays"]) for s in ("rendered", "reused")}


def beat_costs(section: assemble.Section) -> list[float]:
    """A relative cost per beat, for splitting the next render into parts: moving
    frames cost a drawing and an encoding each, a play a little set-up."""
    costs = [0.0] * len(section.beats)
    for p in section.plays:
        costs[p["beat"]] += 1.0 + (p["frames"] if p.get("moving") else 0)
    return costs


def _sum_timing(records: list[dict]) -> dict:
    total: dict[str, float] = {}
    for r in records:
        for k, v in r.get("timing", {}).items():
            total[k] = round(total.get(k, 0) + v, 3)
    return total


def _safe(name: str) -> str:
    return re.sub(r"[^\w.-]+", "-", name).strip("-") or "beat"


def _drop_old_stores(plan: Plan, entry: Entry, keep: Path) -> None:
    pattern = re.compile(re.escape(entry.stem) + r"-[0-9a-f]{12}$")
    for old in (plan.out_dir / ".cache").iterdir():
        if old.is_dir() and old != keep and pattern.match(old.name):
            shutil.rmtree(old, ignore_errors=True)


def drop_unused_plays(plan: Plan, entry: Entry, record: cache.Record) -> None:
    """Keep the plays and part records of this render and of the one before it (undoing an
    edit is then free); drop the rest, each play with its record."""
    keep = set(record.plays) | set(record.previous_plays)
    store = plan.play_store(entry)
    for key in store.keys() - keep:
        store.drop(key)
    fingerprints = {record.fingerprint[:12], record.previous_fingerprint[:12]}
    for path in plan.part_records(entry):
        if plan.part_record_fingerprint(entry, path) not in fingerprints:
            path.unlink(missing_ok=True)
