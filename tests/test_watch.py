"""./render.sh --watch: the live preview, on a copy of the fixture lesson.

The watcher runs as a subprocess (as a person starts it); the page it serves
is opened in headless Chromium with every request outside 127.0.0.1 refused.
An edit to a scene reaches the page's video; a syntax error shows on the page
while the last good video stays; the fix recovers; SIGINT leaves no process.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

from renderer import watch
from tests.test_render import ROOT, Lesson, digest
from tests.test_slides import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.xdist_group("watch")


class Watching:
    """A running ``--watch`` on a copy of the fixture lesson; its terminal output is collected."""

    def __init__(self, base: Path) -> None:
        self.lesson = Lesson(base)
        cmd = [
            sys.executable,
            "-m",
            "renderer",
            "--watch",
            "--voice",
            "none",
            "--manifest",
            self.lesson.spec,
            "--out",
            str(self.lesson.out),
        ]
        self.proc = subprocess.Popen(
            cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
        )
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        found = self.wait_for(r"the page is at (http://127\.0\.0\.1:\d+/)", 60)
        self.url = found.group(1)

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, pattern: str, timeout: float, start: int = 0) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines[start:]:
                if m := re.search(pattern, line):
                    return m
            assert self.proc.poll() is None, "the watcher exited:\n" + "\n".join(self.lines)
            time.sleep(0.05)
        raise AssertionError(f"no {pattern!r} in:\n" + "\n".join(self.lines))

    def others(self) -> list[str]:
        """Processes (other than this test's) whose command line names the lesson copy."""
        found = []
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit() or int(proc.name) == os.getpid():
                continue
            try:
                cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if str(self.lesson.dir) in cmdline:
                found.append(f"{proc.name}: {cmdline}")
        return found


def replaced(text: str, old: str, new: str) -> str:
    """``text`` with ``old`` made ``new``; an edit that matches nothing would test nothing."""
    assert old in text, f"the fixture no longer has {old!r}"
    return text.replace(old, new)


def test_error_from_a_boxed_traceback_names_the_project_frame(tmp_path):
    scene = tmp_path / "scene.py"
    scene.write_text("a = 1\nb = 2\nundefined_name()\n")
    log = tmp_path / "00-x.log"
    log.write_text(
        "╭───── Traceback (most recent call last) ─────╮\n"
        "│ /usr/lib/python3.11/site-packages/manim/cli/render/commands.py:1 │\n"
        "│ 25 in render                                 │\n"
        f"│ {scene}:3 in construct │\n"
        "│ ❱ 3 │ undefined_name()                     │\n"
        "╰─────────────────────────────────────────────╯\n"
        "NameError: name 'undefined_name' is not defined\n"
    )
    err = watch.error_from_log(log)
    assert err["error"] == "NameError: name 'undefined_name' is not defined"
    assert (err["file"], err["line"], err["code"]) == (str(scene), 3, "undefined_name()")


def test_first_changed_beat():
    a = [("one", 0, 10, ("k1",)), ("two", 10, 20, ("k2", "k3")), ("three", 20, 30, ("k4",))]
    b = [a[0], ("two", 10, 20, ("k2", "kX")), ("three", 20, 30, ("k5",))]
    assert watch.first_changed(a, b) == 1
    assert watch.first_changed(a, list(a)) is None
    assert watch.first_changed(a, a + [("four", 30, 40, ("k6",))]) == 3
    assert watch.first_changed(None, a) == 0


@pytest.mark.clients
def test_watch_updates_the_page_shows_errors_and_stops_cleanly(tmp_path):
    from playwright.sync_api import sync_playwright

    w = Watching(tmp_path)
    try:
        port = urlparse(w.url).port
        out = w.lesson.variant
        outside: list[str] = []
        errors: list[str] = []

        def route(r):
            parsed = urlparse(r.request.url)
            if parsed.hostname == "127.0.0.1" and parsed.port == port:
                r.continue_()
            else:
                outside.append(r.request.url)
                r.abort()

        scene = w.lesson.scene("alpha")
        original = scene.read_text()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            context.route("**/*", route)
            tab = context.new_page()
            tab.on("pageerror", lambda exc: errors.append(str(exc)))
            tab.goto(w.url)
            tab.wait_for_function("() => document.getElementById('video').readyState >= 1", timeout=20_000)
            src = lambda: tab.evaluate("document.getElementById('video').src")  # noqa: E731
            assert src().endswith("00-alpha.mp4?v=1")
            assert tab.locator("#watch-error").is_hidden()

            # An edit to the second beat: the page's video is the new render, at that beat.
            before = digest(out / "00-alpha.mp4")
            mark = len(w.lines)
            scene.write_text(replaced(original, "circle = Circle()", "circle = Circle(color=BLUE)"))
            tab.wait_for_function(
                "() => document.getElementById('video').src.endsWith('00-alpha.mp4?v=2')", timeout=30_000
            )
            tab.wait_for_function("() => document.getElementById('video').readyState >= 2", timeout=10_000)
            w.wait_for(r"alpha: new video, from beat 2 \(vanish\)", 5, mark)
            assert digest(out / "00-alpha.mp4") != before
            beat2 = tab.evaluate(
                "+document.querySelectorAll('#transcript section:not([hidden]) .line')[1].dataset.start"
            )
            assert abs(tab.evaluate("document.getElementById('video').currentTime") - beat2) < 0.2
            good = digest(out / "00-alpha.mp4")
            # The captions are the section's (its cues replaced, none of the old ones left).
            assert tab.evaluate("[...document.querySelector('track').track.cues].map(c => c.text)") == [
                "A square appears.",
                "It goes, a circle stays.",
            ]

            # A syntax error: shown on the page with the file and line; the last good video stays.
            mark = len(w.lines)
            scene.write_text(replaced(original, '"A square appears.",', '"A square appears.",,'))
            tab.wait_for_selector("#watch-error:not([hidden])", timeout=30_000)
            shown = tab.inner_text("#watch-error")
            assert "SyntaxError" in shown and re.search(re.escape(str(scene)) + r", line \d+", shown), shown
            w.wait_for(r"alpha FAILED: .*alpha\.py, line \d+: SyntaxError", 5, mark)
            assert src().endswith("00-alpha.mp4?v=2") and digest(out / "00-alpha.mp4") == good
            assert w.proc.poll() is None  # the watcher goes on

            # The fix: the page recovers with the new video.
            scene.write_text(
                replaced(
                    replaced(original, "Square(color=BLUE)", "Square(color=YELLOW)"),
                    "BLUE, Circle",
                    "BLUE, YELLOW, Circle",
                )
            )
            tab.wait_for_selector("#watch-error", state="hidden", timeout=30_000)
            tab.wait_for_function(
                "() => document.getElementById('video').src.endsWith('00-alpha.mp4?v=3')", timeout=10_000
            )
            tab.wait_for_function("() => document.getElementById('video').readyState >= 2", timeout=10_000)
            browser.close()
        assert not outside and not errors, (outside, errors)
    finally:
        if w.proc.poll() is None:
            w.proc.send_signal(signal.SIGINT)
    assert w.proc.wait(timeout=20) == 130
    w.wait_for("watch: stopped", 1)
    deadline = time.monotonic() + 5
    while w.others() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not w.others()


def test_sigint_during_a_render_stops_manim_too(tmp_path):
    w = Watching(tmp_path)
    scene = w.lesson.scene("beta")
    # A slow edit: the render is still running when Ctrl-C comes.
    scene.write_text(
        replaced(
            scene.read_text(), "dot = Dot(color=YELLOW)", "import time; time.sleep(30)\n        dot = Dot(color=YELLOW)"
        )
    )
    mark = len(w.lines)
    w.wait_for(r"beta\s+rendering", 15, mark)
    deadline = time.monotonic() + 15
    while not any("manim" in p for p in w.others()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert any("manim" in p for p in w.others()), "no manim process seen"
    started = time.monotonic()
    w.proc.send_signal(signal.SIGINT)
    assert w.proc.wait(timeout=20) == 130
    assert time.monotonic() - started < 10
    deadline = time.monotonic() + 5
    while w.others() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not w.others()
