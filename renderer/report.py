"""Progress lines while rendering, and the summary table at the end.

Progress goes to stderr, one line per section as it starts and as it ends::

    [ 2/11] derivative       rendering ...                      0:00:03
    [ 2/11] derivative       rendered  41.2 s -> 01-derivative.mp4  0:00:44

The summary (stdout) is a table of section, video duration, render time,
output file and what happened (rendered, reused, FAILED + its log).
"""

from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path
from typing import TextIO

from renderer.job import Result


def clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


class Reporter:
    def __init__(self, total: int, out: TextIO = sys.stderr) -> None:
        self.total = total
        self.out = out
        self.start = time.monotonic()
        self._lock = threading.Lock()
        self.width = 16

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def line(self, k: int, name: str, text: str) -> None:
        with self._lock:
            print(
                f"[{k:>{len(str(self.total))}}/{self.total}] {name:<{self.width}} {text:<44} {clock(self.elapsed())}",
                file=self.out,
                flush=True,
            )

    def note(self, text: str) -> None:
        with self._lock:
            print(text, file=self.out, flush=True)

    def started(self, k: int, name: str) -> None:
        self.line(k, name, "rendering ...")

    def waiting(self, k: int, name: str) -> None:
        self.line(k, name, "waiting: another run is rendering it")

    def finished(self, k: int, result: Result) -> None:
        name = result.entry.name
        if result.status == "rendered":
            self.line(k, name, f"rendered  {result.seconds:6.1f} s -> {result.video.name}")
        elif result.status == "reused":
            self.line(k, name, f"reused    (unchanged) {result.video.name}")
        elif result.status in ("skipped", "interrupted"):
            self.line(k, name, f"{result.status} (the previous outputs are kept)")
        else:
            self.line(k, name, f"FAILED after {result.seconds:.1f} s, log: {result.log}")


def summary(results: list[Result], out_dir: Path, wall: float, extras: list[str], out: TextIO = sys.stdout) -> None:
    rows = [("section", "video", "render", "output", "status")]
    for r in results:
        rows.append(
            (
                r.entry.name,
                f"{r.duration:.1f} s" if r.duration is not None else "-",
                f"{r.seconds:.1f} s" if r.seconds else "-",
                _rel(r.video, out_dir) if r.video else "-",
                {"failed": "FAILED"}.get(r.status, r.status),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    right = {1, 2}
    print(file=out)
    for n, row in enumerate(rows):
        cells = [c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(row)]
        print("  ".join(cells).rstrip(), file=out)
        if n == 0:
            print("  ".join("-" * w for w in widths), file=out)
    total = sum(r.duration or 0 for r in results)
    counts = {s: sum(r.status == s for r in results) for s in ("rendered", "reused", "failed", "interrupted", "skipped")}
    print(
        f"\n{len(results)} section{'s' if len(results) != 1 else ''}, {total:.1f} s of video: {counts['rendered']} rendered, "
        f"{counts['reused']} reused, {counts['failed']} failed"
        + "".join(f", {counts[s]} {s}" for s in ("interrupted", "skipped") if counts[s])
        + f"; wall time {wall:.1f} s",
        file=out,
    )
    print(f"output folder: {out_dir}", file=out)
    for line in extras:
        print(line, file=out)
    failed = [r for r in results if r.status == "failed"]
    if failed:
        print("\nFailed sections:", file=out)
        for r in failed:
            print(f"  {r.entry.name}: {r.error}\n    full log: {r.log}", file=out)
    out.flush()


def to_json(results: list[Result], out_dir: Path, wall: float, extras: list[str]) -> str:
    return json.dumps(
        {
            "out_dir": str(out_dir),
            "wall_seconds": round(wall, 3),
            "video_seconds": round(sum(r.duration or 0 for r in results), 3),
            "sections": [
                {
                    "name": r.entry.name,
                    "status": r.status,
                    "duration": r.duration,
                    "render_seconds": round(r.seconds, 3),
                    "video": str(r.video) if r.video else None,
                    "log": str(r.log) if r.log else None,
                    "error": r.error,
                }
                for r in results
            ],
            "notes": extras,
        },
        indent=2,
    )


def _rel(path: Path, base: Path) -> str:
    try:
        return str(path.relative_to(base))
    except ValueError:
        return str(path)
