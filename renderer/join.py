"""The whole lesson as one video: sections joined in manifest order, one chapter each.

ffmpeg's concat demuxer copies the encoded streams (``-c copy``): every section
was encoded with the same settings, so nothing is re-encoded. Chapters come
from an ffmetadata file whose titles are the manifest's ("01 What's a
derivative, again?"); the sections' subtitles are shifted and joined into one
track (mov_text in MP4/MOV, WebVTT in WebM) and into lesson.srt. The
narration's audio track, when the scenes have one, is copied too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
from pathlib import Path

from renderer import atomic
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


def is_current(plan: Plan, fp: str) -> bool:
    try:
        data = json.loads(plan.lesson_record.read_text())
    except (OSError, ValueError):
        return False
    return data.get("fingerprint") == fp and plan.lesson_video.exists()


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
    for entry, record in records:
        if record.subtitles:
            path = plan.out_dir / record.subtitles
            for sub in srtlib.parse(path.read_text(encoding="utf-8")):
                subs.append(srtlib.Subtitle(0, sub.start + offset, sub.end + offset, sub.content))
        offset += dt.timedelta(seconds=record.duration)
    return srtlib.compose(subs, reindex=True)


def join(plan: Plan, records: list[tuple[Entry, Record]], fp: str) -> Path:
    """Write lesson.<ext> (and lesson.srt) from ``records``; returns the video path."""
    work = plan.out_dir / ".work" / f"lesson-{os.getpid()}"
    work.mkdir(parents=True, exist_ok=True)
    try:
        listing = work / "concat.txt"
        listing.write_text(
            "".join(
                "file '{}'\n".format(str((plan.out_dir / r.video).resolve()).replace("'", "'\\''"))
                for _, r in records
            )
        )
        meta = [";FFMETADATA1", f"title={_escape(plan.manifest.title)}"]
        for start, end, title in chapters(plan, records):
            meta += ["[CHAPTER]", "TIMEBASE=1/1000", f"START={start}", f"END={end}", f"title={_escape(title)}"]
        (work / "chapters.txt").write_text("\n".join(meta) + "\n", encoding="utf-8")
        subtitles = joined_subtitles(plan, records)
        srt_path = work / "lesson.srt"
        srt_path.write_text(subtitles, encoding="utf-8")

        out = atomic.temp_path(plan.lesson_video, "join")
        cmd = ["ffmpeg", "-v", "error", "-y", "-f", "concat", "-safe", "0", "-i", str(listing),
               "-i", str(work / "chapters.txt")]
        container = {".mp4": "mp4", ".mov": "mov", ".webm": "webm"}[plan.ext]
        with_subs = bool(subtitles.strip())
        if with_subs:
            cmd += ["-i", str(srt_path), "-map", "0:v", "-map", "0:a?", "-map", "2:s"]
        else:
            cmd += ["-map", "0:v", "-map", "0:a?"]
        cmd += ["-map_metadata", "1", "-map_chapters", "1", "-c", "copy"]
        if with_subs:
            cmd += ["-c:s", "webvtt" if container == "webm" else "mov_text",
                    "-metadata:s:s:0", "language=eng", "-metadata:s:s:0", "title=Narration"]
        if container != "webm":
            cmd += ["-movflags", "+faststart"]
        cmd += ["-f", container, str(out)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            out.unlink(missing_ok=True)
            raise RuntimeError(f"ffmpeg could not join the lesson: {proc.stderr.strip()[-600:]}")
        atomic.replace(out, plan.lesson_video)
        if subtitles.strip():
            atomic.write_text(plan.lesson_subtitles, subtitles)
        atomic.write_text(plan.lesson_record, json.dumps({"fingerprint": fp}) + "\n")
        return plan.lesson_video
    finally:
        for child in work.glob("*"):
            child.unlink(missing_ok=True)
        work.rmdir()
