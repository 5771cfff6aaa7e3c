"""Save-to-screen latency of ./render.sh --watch, beside a full render of the same section.

On a copy of the project in a temporary folder (the working tree is never
edited): start ``--watch derivative`` (low quality, --voice none), wait for
its first render, open its page in headless Chromium and play the video; then,
``--edits`` times, change one colour in one beat of scenes/derivative.py
("predict": the colour of the predicted value, a new colour each time so no
edit can reuse an earlier render) and time from the save until the page plays
the new video (its src changed, and its time advances). Then Ctrl-C, and a
full ``-q low --voice none --force derivative`` (every play drawn, the LaTeX
cache warm) for comparison.

    .venv/bin/python benchmarks/watch.py [--edits 3] [--keep]
"""

from __future__ import annotations

import argparse
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COPY = ("backprop_core", "scenes", "narration", "video", "renderer", "assets", "manim.cfg", "requirements.lock")
LINE = "result[-1].set_color(t.grad)"
COLOURS = ("t.curve", "t.w", "t.z", "t.a", "t.b")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--autoplay-policy=no-user-gesture-required",
]


def copy_project(dest: Path) -> Path:
    project = dest / "project"
    project.mkdir()
    for name in COPY:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, project / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif src.exists():
            shutil.copy2(src, project / name)
    return project


class Watcher:
    def __init__(self, project: Path, out: Path) -> None:
        cmd = [sys.executable, "-m", "renderer", "--watch", "--voice", "none", "--out", str(out), "derivative"]
        self.proc = subprocess.Popen(
            cmd, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
        )
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))
            print("   | " + line.rstrip("\n"), flush=True)

    def wait_for(self, pattern: str, timeout: float, start: int = 0) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines[start:]:
                if m := re.search(pattern, line):
                    return m
            if self.proc.poll() is not None:
                raise SystemExit("the watcher exited")
            time.sleep(0.02)
        raise SystemExit(f"timed out waiting for {pattern!r}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--edits", type=int, default=3)
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    base = Path(tempfile.mkdtemp(prefix="watch-bench-"))
    try:
        project = copy_project(base)
        out = base / "renders"
        scene = project / "scenes" / "derivative.py"
        text = scene.read_text()
        assert text.count(LINE) == 1, f"{LINE!r} not found once in scenes/derivative.py"

        started = time.monotonic()
        w = Watcher(project, out)
        url = w.wait_for(r"the page is at (http://127\.0\.0\.1:\d+/)", 1800).group(1)
        first = time.monotonic() - started
        latencies, renders = [], []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            tab = browser.new_page(viewport={"width": 1280, "height": 800})
            tab.goto(url)
            tab.wait_for_function("() => document.getElementById('video').readyState >= 2", timeout=30_000)
            tab.evaluate(
                "() => { const v = document.getElementById('video'); v.muted = true; v.loop = true; v.play(); }"
            )
            for n, colour in enumerate(COLOURS[: args.edits], start=2):
                mark = len(w.lines)
                time.sleep(1.0)
                t0 = time.monotonic()
                scene.write_text(text.replace(LINE, f"result[-1].set_color({colour})"))
                # The new video plays: its src is this version's and its time moves on.
                tab.wait_for_function(
                    """n => { const v = document.getElementById('video');
                              if (!v.src.endsWith('?v=' + n) || v.paused || v.readyState < 3) return false;
                              window.__t0 = window.__t0 ?? {}; window.__t0[n] = window.__t0[n] ?? v.currentTime;
                              return v.currentTime > window.__t0[n] + 0.02; }""",
                    arg=n,
                    timeout=120_000,
                    polling=20,
                )
                latency = time.monotonic() - t0
                rendered = w.wait_for(
                    r"derivative\s+rendered\s+([\d.]+) s .*\((\d+) plays drawn, (\d+) reused\)", 10, mark
                )
                at = tab.evaluate("document.getElementById('video').currentTime")
                tab.screenshot(path=str(base / f"edit-{n - 1}.png"))
                latencies.append(latency)
                renders.append(rendered.groups())
                print(
                    f"edit {n - 1} ({colour}): {latency:.2f} s from save to the new video playing "
                    f"(render {rendered.group(1)} s, {rendered.group(2)} plays drawn, {rendered.group(3)} reused; "
                    f"page at {at:.2f} s)",
                    flush=True,
                )
            browser.close()
        w.proc.send_signal(signal.SIGINT)
        code = w.proc.wait(timeout=60)

        t0 = time.monotonic()
        full = subprocess.run(
            [
                sys.executable,
                "-m",
                "renderer",
                "-q",
                "low",
                "--voice",
                "none",
                "--force",
                "--out",
                str(out),
                "derivative",
            ],
            cwd=project,
            capture_output=True,
            text=True,
            check=False,
        )
        full_s = time.monotonic() - t0
        assert full.returncode == 0, full.stdout + full.stderr

        print()
        print(f"first --watch render (cold LaTeX cache): {first:.1f} s; watcher exit {code} on SIGINT")
        print(
            f"save to screen, {len(latencies)} edits: "
            + ", ".join(f"{x:.2f}" for x in latencies)
            + f" s (median {statistics.median(latencies):.2f} s)"
        )
        print(f"full render, -q low --voice none --force derivative (every play drawn, LaTeX warm): {full_s:.1f} s")
        print(f"screenshots: {base}/edit-*.png" if args.keep else "")
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
