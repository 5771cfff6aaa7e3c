"""Progress while rendering, and the summary table at the end.

Progress goes to stderr. Every section prints a line when it starts and when
it ends; in between, the parts' manim processes report each finished beat
(video/render.py writes a JSON line per beat). On a terminal one status line
is kept up to date::

    beats 41/99 · network-walk 7/15 · partials 3/8 · 0:02:31, about 0:03:10 left

and in a log (stderr not a terminal) each finished beat is a plain line::

    [ 8/11] network-walk     beat 7/15 step-06-dl-dz2                       0:01:23

The totals and the time left come from the sections' previous renders
(their beat counts and render times); a section never rendered before shows
the beats done so far.

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

from renderer.job import Part, Result


def clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


class _Section:
    def __init__(self, k: int, name: str, total: int | None, expected: float) -> None:
        self.k, self.name, self.total, self.expected = k, name, total, expected
        self.done: set[int] = set()
        self.files: dict[Part, tuple[Path, int]] = {}  # progress file, lines read
        self.finished = False


class Reporter:
    POLL = 0.5

    def __init__(self, total: int, out: TextIO | None = None, live: bool | None = None) -> None:
        self.total = total
        self.out = out or sys.stderr  # looked up now: a test may have replaced it since the import
        self.live = self.out.isatty() if live is None else live
        self.start = time.monotonic()
        self._lock = threading.Lock()
        self.width = 16
        self._sections: dict[str, _Section] = {}
        self._status_shown = False
        self._stop = threading.Event()
        self._poller = threading.Thread(target=self._poll, name="progress", daemon=True)
        self._poller.start()

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    # -- plain lines ------------------------------------------------------------
    def _print(self, text: str) -> None:
        if self._status_shown:
            self.out.write("\r\033[K")
            self._status_shown = False
        print(text, file=self.out, flush=True)

    def line(self, k: int, name: str, text: str) -> None:
        with self._lock:
            self._print(
                f"[{k:>{len(str(self.total))}}/{self.total}] {name:<{self.width}} {text:<44} {clock(self.elapsed())}"
            )

    def note(self, text: str) -> None:
        with self._lock:
            self._print(text)

    # -- section events -----------------------------------------------------------
    def started(self, k: int, entry, plan, parts: list[Part]) -> None:
        from renderer.parts import history

        record = history(plan, entry)
        total = len(record.beat_costs) if record is not None and record.beat_costs else None
        expected = record.render_seconds if record is not None else 0.0
        with self._lock:
            self._sections[entry.name] = _Section(k, entry.name, total, expected)
        how = f" in {len(parts)} parts" if len(parts) > 1 else ""
        self.line(k, entry.name, f"rendering{how} ...")

    def part_started(self, entry, part: Part, progress: Path) -> None:
        """Follow the part's progress file (a JSON line per finished beat)."""
        with self._lock:
            state = self._sections.get(entry.name)
            if state is not None:
                state.files[part] = (progress, 0)

    def part_finished(self, entry, part: Part) -> None:
        self._poll_once()

    def waiting(self, k: int, name: str) -> None:
        self.line(k, name, "waiting: another run is rendering it")

    def finished(self, k: int, result: Result) -> None:
        name = result.entry.name
        with self._lock:
            if name in self._sections:
                self._sections[name].finished = True
        self._poll_once()
        if result.status == "rendered":
            plays = ""
            if result.plays:
                plays = f" ({result.plays.get('rendered', 0)} plays drawn, {result.plays.get('reused', 0)} reused)"
            target = result.video.name if result.video else f"{result.parts} part(s)"
            self.line(k, name, f"rendered  {result.seconds:6.1f} s -> {target}{plays}")
        elif result.status == "reused":
            self.line(k, name, f"reused    (unchanged) {result.video.name}")
        elif result.status in ("skipped", "interrupted"):
            self.line(k, name, f"{result.status} (the previous outputs are kept)")
        else:
            self.line(k, name, f"FAILED after {result.seconds:.1f} s, log: {result.log}")

    def close(self) -> None:
        self._stop.set()
        self._poller.join()
        with self._lock:
            if self._status_shown:
                self.out.write("\r\033[K")
                self.out.flush()
                self._status_shown = False

    # -- beats, from the parts' progress files ------------------------------------
    def _poll(self) -> None:
        while not self._stop.wait(self.POLL):
            self._poll_once()

    def _poll_once(self) -> None:
        with self._lock:
            fresh = []
            for state in self._sections.values():
                for part, (path, seen) in list(state.files.items()):
                    try:
                        lines = path.read_text(encoding="utf-8").splitlines()
                    except OSError:
                        continue
                    for raw in lines[seen:]:
                        try:
                            event = json.loads(raw)
                        except ValueError:
                            continue
                        if event.get("event") == "beat" and event.get("drawn") and event["index"] not in state.done:
                            state.done.add(event["index"])
                            fresh.append((state, event, len(state.done)))
                    state.files[part] = (path, len(lines))
            if not self.live:
                for state, event, count in fresh:
                    of = f"/{state.total}" if state.total else ""
                    text = f"beat {count}{of} {event.get('name', '')}"
                    self._print(
                        f"[{state.k:>{len(str(self.total))}}/{self.total}] {state.name:<{self.width}} "
                        f"{text:<44} {clock(self.elapsed())}"
                    )
            elif self._sections:
                self._status()

    def _status(self) -> None:
        running = [s for s in self._sections.values() if not s.finished]
        if not running:
            return
        done = sum(len(s.done) for s in self._sections.values())
        known = all(s.total for s in self._sections.values())
        total = sum(s.total or 0 for s in self._sections.values())
        head = f"beats {done}/{total}" if known else f"beats {done}"
        parts = [f"{s.name} {len(s.done)}/{s.total}" if s.total else f"{s.name} {len(s.done)}" for s in running]
        text = f"{head} · {' · '.join(parts[:4])}{' …' if len(parts) > 4 else ''} · {clock(self.elapsed())}"
        left = self._left()
        if left is not None:
            text += f", about {clock(left)} left"
        self.out.write("\r\033[K" + text[:200])
        self.out.flush()
        self._status_shown = True

    def _left(self) -> float | None:
        """Time left, from the previous renders' times and the share of beats done."""
        states = list(self._sections.values())
        if not states or not all(s.total and s.expected for s in states):
            return None
        expected = sum(s.expected for s in states)
        done = sum(s.expected * min(1.0, len(s.done) / s.total) for s in states if not s.finished)
        done += sum(s.expected for s in states if s.finished)
        if done <= 0:
            return None
        return max(0.0, self.elapsed() * (expected - done) / done)


def summary(results: list[Result], out_dir: Path, wall: float, extras: list[str], out: TextIO | None = None) -> None:
    out = out or sys.stdout  # looked up now: a test may have replaced it since the import
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
    counts = {
        s: sum(r.status == s for r in results) for s in ("rendered", "reused", "failed", "interrupted", "skipped")
    }
    sections = f"{len(results)} section{'s' if len(results) != 1 else ''}"
    print(
        f"\n{sections}, {total:.1f} s of video: {counts['rendered']} rendered, "
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
                    "parts": r.parts,
                    "plays": r.plays,
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
