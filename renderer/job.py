"""Rendering one section: manim in a subprocess, outputs moved into place atomically.

Each section renders in its own media folder (``<variant>/.work/NN-name/media``):
its TeX and text caches and its partial movie files are private, so parallel
jobs never race, and the TeX cache survives to speed up the next render of
that section. A per-section fcntl lock makes a second run that wants the same
section wait and then reuse what the first produced.

Nothing in the variant folder is touched until manim has succeeded; then the
clips, thumbnails, poster, subtitles and video are moved in with
``os.replace`` and the record is written last. A failed or interrupted render
leaves the previous good outputs exactly as they were.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from renderer import atomic, cache, media
from renderer.plan import ROOT, Entry, Plan

# Files a scene may write beside its video (LessonScene: captions as WebVTT, beat timings).
EXTRA_SUFFIXES = (".vtt", ".beats.json")


@dataclass
class Result:
    entry: Entry
    status: str  # "rendered", "reused", "failed", "interrupted" or "skipped"
    seconds: float = 0.0  # render time (for reused: the original render's)
    duration: float | None = None  # video seconds
    video: Path | None = None
    log: Path | None = None
    error: str = ""


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

    @staticmethod
    def _stop(proc: subprocess.Popen) -> None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except (ProcessLookupError, PermissionError):
            pass


def manim_command(plan: Plan, entry: Entry, media_dir: Path) -> list[str]:
    cmd = [
        sys.executable, "-m", "manim", "render",
        "-q", plan.quality.flag,
        "--media_dir", str(media_dir),
        "-o", entry.name,
        "--format", "mp4" if plan.fmt == "mov" and plan.transparent else plan.fmt,
        "--save_sections",
        "--disable_caching",
        "--progress_bar", "none",
    ]
    if plan.transparent:
        cmd.append("--transparent")
    cmd += [str(entry.path), entry.scene]
    return cmd


def _safe(name: str) -> str:
    return re.sub(r"[^\w.-]+", "-", name).strip("-") or "beat"


def _last_error(log: Path) -> str:
    try:
        lines = [line.strip() for line in log.read_text(errors="replace").splitlines() if line.strip()]
    except OSError:
        return "no log"
    for line in reversed(lines):
        if re.search(r"(Error|Exception)\b", line) and not line.startswith("File "):
            return line[-200:]
    return lines[-1][-200:] if lines else "no output"


def _narration_by_beat(video: Path, srt_path: Path | None, names: list[str]) -> list[str | None]:
    """Each beat's narration line: from <video>.beats.json (LessonScene writes it),
    else from the SRT when it has exactly one entry per beat."""
    beats_file = video.with_suffix(".beats.json")
    if beats_file.exists():
        import json

        try:
            lines = {b["name"]: b.get("narration") for b in json.loads(beats_file.read_text(encoding="utf-8"))}
            return [lines.get(name) for name in names]
        except (ValueError, KeyError, TypeError):
            pass
    if srt_path is None or not srt_path.exists():
        return [None] * len(names)
    import srt as srtlib

    try:
        subs = list(srtlib.parse(srt_path.read_text(encoding="utf-8")))
    except Exception:
        return [None] * len(names)
    if len(subs) != len(names):
        return [None] * len(names)
    return [" ".join(s.content.split()) for s in subs]


def render_section(plan: Plan, entry: Entry, fp: str, procs: Processes) -> Result:
    """Render ``entry`` (the caller holds its lock); move outputs into place."""
    started = time.monotonic()
    log_path = plan.log(entry)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    result = Result(entry, "failed", log=log_path)

    work = plan.work(entry)
    media_dir = work / "media"
    # Keep the TeX/text caches; clear every video a previous (maybe failed) run left.
    shutil.rmtree(media_dir / "videos", ignore_errors=True)
    shutil.rmtree(work / "staging", ignore_errors=True)
    media_dir.mkdir(parents=True, exist_ok=True)

    cmd = manim_command(plan, entry, media_dir)
    with open(log_path, "w", encoding="utf-8") as log:
        log.write(f"# section {entry.name} ({entry.label}) at {dt.datetime.now().isoformat(timespec='seconds')}\n")
        log.write(f"# cwd: {ROOT}\n# params: {plan.params_json}\n# theme: {plan.theme}\n")
        log.write(f"# command: {shlex.join(cmd)}\n\n")
        log.flush()
        if not entry.path.is_file():
            log.write(f"error: the scene file {entry.path} does not exist\n")
            result.error = f"scene file {_rel(entry.path)} does not exist"
            result.seconds = time.monotonic() - started
            return result
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=plan.scene_env(), stdin=subprocess.DEVNULL,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        procs.add(proc)
        try:
            code = proc.wait()
        finally:
            procs.remove(proc)
        if code != 0:
            if procs.cancelled.is_set():
                result.status, result.error = "interrupted", "interrupted"
            else:
                result.error = f"manim exited {code}: {_last_error(log_path)}"
            result.seconds = time.monotonic() - started
            return result
        try:
            result = _collect(plan, entry, fp, media_dir, work / "staging", result, log, started)
        except (media.MediaError, OSError, ValueError, KeyError) as exc:
            log.write(f"\nerror while collecting the outputs: {exc}\n")
            result.status, result.error = "failed", f"collecting outputs: {exc}"
    result.seconds = time.monotonic() - started
    return result


def _collect(
    plan: Plan, entry: Entry, fp: str, media_dir: Path, staging: Path, result: Result, log, started: float
) -> Result:
    videos = sorted((media_dir / "videos").glob(f"*/*/{entry.name}{plan.ext}"))
    if not videos:
        raise media.MediaError(f"manim wrote no {entry.name}{plan.ext} under {media_dir / 'videos'}")
    video = videos[0]
    srt = video.with_suffix(".srt")
    srt = srt if srt.exists() else None
    duration = media.duration(video)

    staging.mkdir(parents=True, exist_ok=True)
    poster = staging / "poster.png"
    media.last_frame(video, poster)

    # The beats: manim's sections index, one clip each.
    store_tmp = plan.out_dir / ".cache" / f".tmp-{entry.stem}-{os.getpid()}-{threading.get_ident()}"
    shutil.rmtree(store_tmp, ignore_errors=True)
    store_tmp.mkdir(parents=True)
    clips = []
    index_file = video.parent / "sections" / f"{entry.name}.json"
    sections = []
    if index_file.exists():
        import json

        sections = json.loads(index_file.read_text(encoding="utf-8"))
    narration = _narration_by_beat(video, srt, [sec["name"] for sec in sections])
    try:
        for k, (section, line) in enumerate(zip(sections, narration)):
            src = index_file.parent / section["video"]
            name = f"{k:02d}-{_safe(section['name'])}"
            clip = store_tmp / f"{name}{src.suffix}"
            os.replace(src, clip)
            thumb = store_tmp / f"{name}.png"
            media.last_frame(clip, thumb, width=320)
            clips.append(
                {
                    "name": section["name"],
                    "file": clip.name,
                    "thumb": thumb.name,
                    "duration": round(float(section.get("duration") or media.duration(clip)), 3),
                    "subtitle": line,
                }
            )
        store = plan.store(entry, fp)
        atomic.replace_dir(store_tmp, store)
    finally:
        shutil.rmtree(store_tmp, ignore_errors=True)

    # Publish: the files first, the record last.
    extras = []
    for suffix in EXTRA_SUFFIXES:
        found = video.parent / f"{entry.name}{suffix}"
        if found.exists():
            atomic.replace(found, plan.out_dir / f"{entry.stem}{suffix}")
            extras.append(f"{entry.stem}{suffix}")
    atomic.replace(poster, plan.poster(entry))
    if srt is not None:
        atomic.replace(srt, plan.subtitles(entry))
    atomic.replace(video, plan.video(entry))
    record = cache.Record(
        fingerprint=fp,
        video=plan.video(entry).name,
        subtitles=plan.subtitles(entry).name if srt is not None else None,
        poster=str(plan.poster(entry).relative_to(plan.out_dir)),
        store=str(store.relative_to(plan.out_dir)),
        duration=round(duration, 3),
        render_seconds=round(time.monotonic() - started, 2),  # manim + posters + clips
        rendered_at=dt.datetime.now().isoformat(timespec="seconds"),
        clips=clips,
        extras=extras,
    )
    cache.save(plan, entry, record)
    _drop_old_stores(plan, entry, store)
    shutil.rmtree(media_dir / "videos", ignore_errors=True)
    shutil.rmtree(staging, ignore_errors=True)
    log.write(f"\n# done: {plan.video(entry)} ({duration:.2f} s of video, {len(clips)} beats)\n")
    result.status, result.duration, result.video = "rendered", duration, plan.video(entry)
    return result


def _drop_old_stores(plan: Plan, entry: Entry, keep: Path) -> None:
    pattern = re.compile(re.escape(entry.stem) + r"-[0-9a-f]{12}$")
    for old in (plan.out_dir / ".cache").iterdir():
        if old.is_dir() and old != keep and pattern.match(old.name):
            shutil.rmtree(old, ignore_errors=True)


def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def run(plan: Plan, entry: Entry, procs: Processes, on_wait=None, on_start=None) -> Result:
    """Reuse or render one section, under its lock."""
    if procs.cancelled.is_set():
        return Result(entry, "skipped", error="interrupted", log=plan.log(entry))
    fp = cache.fingerprint(plan, entry)
    with atomic.locked(plan.lock(entry), on_wait=on_wait):
        record = cache.load(plan, entry)
        if not plan.force and cache.is_current(plan, entry, record, fp):
            return Result(
                entry, "reused", seconds=record.render_seconds, duration=record.duration,
                video=plan.out_dir / record.video, log=plan.log(entry),
            )
        if procs.cancelled.is_set():
            return Result(entry, "skipped", error="interrupted", log=plan.log(entry))
        if on_start is not None:
            on_start()
        return render_section(plan, entry, fp, procs)
