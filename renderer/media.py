"""ffprobe and ffmpeg, the few ways the renderer uses them."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any


class MediaError(Exception):
    pass


def run(cmd: list[str]) -> str:
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise MediaError(f"{' '.join(cmd[:3])}... failed: {proc.stderr.strip()[-800:]}")
    return proc.stdout


def probe(path: Path) -> dict[str, Any]:
    """ffprobe's format, streams and chapters of ``path``."""
    out = run(
        [
            "ffprobe",
            "-v",
            "error",
            "-print_format",
            "json",
            "-show_format",
            "-show_streams",
            "-show_chapters",
            str(path),
        ]
    )
    return json.loads(out)


def duration(path: Path) -> float:
    info = probe(path)
    try:
        return float(info["format"]["duration"])
    except (KeyError, ValueError):
        for stream in info.get("streams", []):
            if "duration" in stream:
                return float(stream["duration"])
    raise MediaError(f"{path}: no duration")


def last_frame(video: Path, png: Path, width: int | None = None) -> None:
    """Write the last frame of ``video`` as a PNG (optionally scaled to ``width``)."""
    cmd = ["ffmpeg", "-v", "error", "-y", "-sseof", "-1", "-i", str(video)]
    if width:
        cmd += ["-vf", f"scale={width}:-2"]
    # -update 1 keeps overwriting one image, so what remains is the last frame.
    cmd += ["-update", "1", "-f", "image2", "-c:v", "png", str(png)]
    run(cmd)
    if not png.exists() or png.stat().st_size == 0:
        # Very short clips: -sseof may land before the start; read it all.
        cmd[cmd.index("-sseof") : cmd.index("-sseof") + 2] = []
        run(cmd)
    if not png.exists() or png.stat().st_size == 0:
        raise MediaError(f"no frame could be read from {video}")
