"""The whole lesson as one video: sections joined in manifest order, one chapter each.

The sections' pictures are copied one after another (video/assemble.py
``join``): every section was encoded with the same settings, so nothing is
re-encoded, and each starts exactly where the frames of the one before end.
The narration is laid out again for the whole lesson from
every beat's spoken line (video/assemble.py) and encoded once: joining the
sections' own AAC tracks would shift each later section by the padding of
the last AAC frame (up to 46 ms a section). Chapters come from an ffmetadata
file whose titles are the manifest's ("01 What's a derivative, again?"); the
sections' subtitles are shifted and joined into one track (mov_text in
MP4/MOV, WebVTT in WebM) and into lesson.srt.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import time
from pathlib import Path

from common import atomic
from renderer import publish
from renderer.cache import Record
from renderer.plan import Entry, Plan


def _escape(text: str) -> str:
    for ch in "\\=;#\n":
        text = text.replace(ch, "\\" + ch)
    return text


def fingerprint(plan: Plan, records: list[tuple[Entry, Record]]) -> str:
    h = hashlib.sha256(f"{plan.manifest.title}\n".encode())
    for entry, record in records:
        h.update(f"{entry.label}={record.fingerprint}\n".encode())
    return h.hexdigest()


def product(plan: Plan, records: list[tuple[Entry, Record]]) -> publish.Product:
    """The joined lesson of ``records`` (every section); renderer/publish.py builds it when stale."""

    def build(stage: Path) -> str:
        started = time.monotonic()
        join(plan, records, stage)
        return f"lesson video: {plan.lesson_video} (joined in {publish.since(started):.1f} s, {len(records)} chapters)"

    return publish.Product(
        name="lesson video",
        marker=plan.lesson_marker,
        fingerprint=lambda: fingerprint(plan, records),
        outputs=(plan.lesson_subtitles.name, plan.lesson_video.name),
        required=(plan.lesson_video.name,),
        build=build,
        reused=lambda: f"lesson video: {plan.lesson_video} (reused, {len(records)} chapters)",
        kept="the previous lesson video is kept",
    )


def chapters(plan: Plan, records: list[tuple[Entry, Record]]) -> list[tuple[int, int, str]]:
    """(start ms, end ms, title) per section."""
    out, start = [], 0
    for entry, record in records:
        end = start + round(record.duration * 1000)
        out.append((start, end, entry.label))
        start = end
    return out


def joined_subtitles(plan: Plan, records: list[tuple[Entry, Record]]) -> str:
    import srt as srtlib

    subs, offset = [], dt.timedelta(0)
    for _entry, record in records:
        if record.subtitles:
            path = plan.out_dir / record.subtitles
            for sub in srtlib.parse(path.read_text(encoding="utf-8")):
                subs.append(srtlib.Subtitle(0, sub.start + offset, sub.end + offset, sub.content))
        offset += dt.timedelta(seconds=record.duration)
    return srtlib.compose(subs, reindex=True)


def narration_track(records: list[tuple[Entry, Record]], out: Path, voice: str | None = None) -> Path | None:
    """The lesson's narration as one encoded track (None when no beat speaks)."""
    from video import assemble

    beats, offset, fps = [], 0, None
    for _, record in records:
        fps = fps or record.fps
        if not record.beats or record.fps != fps:
            return None  # a section without beats, or at another frame rate: nothing to lay out
        beats += [
            dict(
                b,
                start_frame=b["start_frame"] + offset,
                end_frame=b["end_frame"] + offset,
                description_frame=(b.get("description_frame") or b["end_frame"]) + offset,
            )
            for b in record.beats
        ]
        offset += record.beats[-1]["end_frame"]
    if not any(b.get("audio") or b.get("description_audio") for b in beats):
        return None
    track = assemble.narration(beats, fps, voice)
    assemble.write_audio(track, out)
    return out


def join(plan: Plan, records: list[tuple[Entry, Record]], folder: Path) -> Path:
    """Write lesson.<ext> (and lesson.srt, when a beat speaks) from ``records`` into ``folder``; returns the video."""
    from video import assemble

    work = folder / ".join"
    work.mkdir()
    video = folder / plan.lesson_video.name
    pictures = work / f"pictures{plan.ext}"
    assemble.join([plan.out_dir / r.video for _, r in records], pictures, plan.quality.fps)
    audio = narration_track(records, work / f"narration{'.ogg' if plan.ext == '.webm' else '.m4a'}", plan.voice)
    meta = [";FFMETADATA1", f"title={_escape(plan.manifest.title)}"]
    for start, end, title in chapters(plan, records):
        meta += ["[CHAPTER]", "TIMEBASE=1/1000", f"START={start}", f"END={end}", f"title={_escape(title)}"]
    (work / "chapters.txt").write_text("\n".join(meta) + "\n", encoding="utf-8")
    subtitles = joined_subtitles(plan, records)
    srt_path = work / "lesson.srt"
    srt_path.write_text(subtitles, encoding="utf-8")

    cmd = ["ffmpeg", "-v", "error", "-y", "-i", str(pictures), "-i", str(work / "chapters.txt")]
    container = {".mp4": "mp4", ".mov": "mov", ".webm": "webm"}[plan.ext]
    with_subs = bool(subtitles.strip())
    maps = ["-map", "0:v"]
    if audio is not None:
        cmd += ["-i", str(audio)]
        maps += ["-map", "2:a"]
    if with_subs:
        cmd += ["-i", str(srt_path)]
        maps += ["-map", f"{3 if audio is not None else 2}:s"]
    cmd += maps
    cmd += ["-map_metadata", "1", "-map_chapters", "1", "-c", "copy", "-copyts", "-avoid_negative_ts", "disabled"]
    if with_subs:
        cmd += [
            "-c:s",
            "webvtt" if container == "webm" else "mov_text",
            "-metadata:s:s:0",
            "language=eng",
            "-metadata:s:s:0",
            "title=Narration",
        ]
    if container != "webm":
        cmd += ["-movflags", "+faststart"]
    cmd += ["-f", container, str(video)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"ffmpeg could not join the lesson: {proc.stderr.strip()[-600:]}")
    os.chmod(video, atomic.FILE_MODE)
    if with_subs:
        (folder / plan.lesson_subtitles.name).write_text(subtitles, encoding="utf-8")
    return video
