"""The notebook on the lesson page (issue 20), opened in headless Chromium from disk.

The notebook lesson (tests/fixtures/notebook.py: the real derivative, partials and
worked-example sections) is rendered once at low quality, silent; its page is then
driven as a viewer would: step mode, the checkpoints, the explorers. Marked ``clients``.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.test_page import sibling_probe
from tests.test_render import ROOT, Lesson
from tests.test_slides import CHROMIUM, CHROMIUM_ARGS, _inside

ARGS = ["-q", "low", "--voice", "none"]
# Three real sections and their explorers rendered: minutes; run with ./test.sh -m notebook.
pytestmark = pytest.mark.notebook
VIDEO = "document.getElementById('video')"


class NotebookLesson(Lesson):
    def __init__(self, base) -> None:
        super().__init__(base)
        self.spec = f"{self.dir / 'notebook.py'}:LESSON"

    @property
    def variant(self):
        return self.out / "low-silent"  # beside it: renders/.tex, the LaTeX the real sections typeset

    def render(self, *args: str):
        cmd, report = self.command(*args)
        # Partials and its explorer take minutes, more on a loaded machine.
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=2400)
        return proc, json.loads(report.read_text()) if report.exists() else {}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    lesson = NotebookLesson(tmp_path_factory.mktemp("notebook"))
    proc, report = lesson.render(*ARGS)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return lesson


@pytest.fixture
def tab(site):
    from playwright.sync_api import sync_playwright

    errors, outside = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(offline=True, viewport={"width": 1280, "height": 900})

        def route(r):
            if _inside(r.request.url, site.variant) or sibling_probe(r.request.url, site.variant):
                r.continue_()
            else:
                outside.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.open = lambda query="": _goto(page, site, query)
        yield page
        browser.close()
    assert not errors, errors
    assert not outside, outside


def _goto(page, site, query: str) -> None:
    page.goto(site.variant.joinpath("index.html").as_uri() + query)
    page.wait_for_function(f"() => {VIDEO}.readyState >= 1", timeout=20_000)


def _seek(tab, t: float) -> None:
    tab.evaluate(
        f"t => new Promise(ok => {{ const v = {VIDEO};"
        " v.addEventListener('seeked', () => setTimeout(ok, 30), {once: true}); v.currentTime = t; })",
        t,
    )


def _beats(tab) -> list[dict]:
    return tab.evaluate("window.lessonNotebook.beats().map(b => ({start: b.start, end: b.end, label: b.label}))")


def _paused(tab, timeout=20_000) -> float:
    tab.wait_for_function(
        f"() => {VIDEO}.paused && (document.getElementById('nb-next') || "
        "document.querySelector('#nb-checkpoint form'))",
        timeout=timeout,
    )
    return tab.evaluate(f"{VIDEO}.currentTime")


@pytest.mark.clients
def test_step_mode_pauses_at_every_beats_end_and_steps_on(site, tab):
    tab.open("?step")
    frame = 1 / 15
    beats = _beats(tab)
    names = [
        b["name"]
        for s in ("00-derivative", "01-partials", "02-worked-example")
        for b in json.loads((site.variant / f"{s}.beats.json").read_text())
    ]
    assert len(beats) == len(names)
    assert beats[1]["label"] == "The tangent"  # from the beat's name, "the-tangent"
    assert tab.get_attribute("#nb-step", "aria-pressed") == "true"
    for k, b in enumerate(beats[:-1]):
        _seek(tab, max(b["start"], b["end"] - 0.5))
        tab.evaluate(f"{VIDEO}.play()")
        t = _paused(tab)
        if tab.locator("#nb-checkpoint form").count():  # a checkpoint asks first
            tab.click("#nb-skip")
            tab.click("#nb-continue")
        assert b["end"] - frame <= t <= b["end"], (k, b, t)
        assert tab.locator("#transcript .line.nb-here").count() == 1
        assert tab.inner_text("#nb-next") == f"Step ▸ (next: {beats[k + 1]['label']})"
    # Step ▸ plays the next beat, and stops at its end; ← replays it.
    b0, b1 = beats[0], beats[1]
    _seek(tab, b0["end"] - 0.3)
    tab.evaluate(f"{VIDEO}.play()")
    _paused(tab)
    tab.click("#nb-next")
    tab.wait_for_function(f"() => !{VIDEO}.paused && {VIDEO}.currentTime >= {b1['start']}", timeout=5_000)
    _seek(tab, b1["end"] - 0.3)
    assert b1["end"] - frame <= _paused(tab) <= b1["end"]
    tab.evaluate("document.activeElement.blur()")
    tab.keyboard.press("ArrowLeft")  # replay this beat
    tab.wait_for_function(f"() => !{VIDEO}.paused && {VIDEO}.currentTime < {b1['start'] + 1}", timeout=5_000)
    tab.click("#nb-step")  # off: it plays straight on
    assert tab.get_attribute("#nb-step", "aria-pressed") == "false"


def _checkpoint(tab, cid: str) -> dict:
    checks = tab.evaluate("JSON.parse(document.getElementById('lesson-checkpoints').textContent)")
    c = next(c for c in checks if c["id"] == cid)
    beat = [
        b
        for b in tab.evaluate("window.lessonNotebook.beats().map(b => [b.stem, b.index, b.end])")
        if b[:2] == [c["stem"], c["beat"]]
    ][0]
    _seek(tab, beat[2] - 0.5)
    tab.evaluate(f"{VIDEO}.play()")
    tab.wait_for_selector("#nb-checkpoint form", timeout=10_000)
    return c


@pytest.mark.clients
def test_the_derivative_checkpoint_marks_16_right_and_17_wrong(tab):
    tab.open()
    assert tab.get_attribute("#nb-questions", "aria-pressed") == "true"  # on by default
    tab.evaluate("window.answers = []; document.addEventListener('lesson:answer', e => answers.push(e.detail))")
    c = _checkpoint(tab, "derivative-predict")
    assert tab.evaluate(f"{VIDEO}.paused")
    assert "2.100" in tab.inner_text("#nb-question") and "within 2%" in tab.inner_text("#nb-checkpoint")
    assert tab.inner_text("#nb-status").startswith("A prediction first")  # not an earlier stop's "Paused at"
    tab.fill("#nb-answer", "1.7")
    tab.keyboard.press("Enter")
    assert tab.inner_text("#nb-reply").startswith("Not quite. The answer: 1.600.")
    assert "1.500 + 1.000 · 0.100 = 1.600" in tab.inner_text("#nb-reply")
    tab.click("#nb-continue")
    tab.wait_for_function(f"() => !{VIDEO}.paused", timeout=5_000)  # plays on
    assert tab.inner_text("#nb-status") == ""  # playing: nothing stale under the player
    tab.evaluate("delete window.lessonNotebook.results['derivative-predict']")  # ask again
    _checkpoint(tab, "derivative-predict")
    tab.fill("#nb-answer", "1.6")
    tab.click("#nb-check")
    assert tab.inner_text("#nb-reply").startswith("Right.")
    assert tab.evaluate("answers") == [
        {"id": c["id"], "correct": False, "answer": 1.7},
        {"id": c["id"], "correct": True, "answer": 1.6},
    ]
    assert "1 of 2 right" in tab.inner_text("#nb-status")
    # "Watch straight through" turns them off: the next checkpoint plays through.
    _checkpoint(tab, "worked-example-change")
    tab.click("#nb-straight")
    assert tab.get_attribute("#nb-questions", "aria-pressed") == "false"
    tab.wait_for_function(f"() => !{VIDEO}.paused", timeout=5_000)


def test_the_page_lists_the_checkpoint_ids_for_a_bridge(site):
    from bs4 import BeautifulSoup

    soup = BeautifulSoup((site.variant / "index.html").read_text(), "html.parser")
    checks = json.loads(soup.select_one("script#lesson-checkpoints").string)
    assert [c["id"] for c in checks] == ["derivative-predict", "worked-example-change"]
    assert checks[0]["answer"] == pytest.approx(1.6)


def _explorer(tab, stem: str) -> dict:
    e = tab.evaluate(
        "stem => JSON.parse(document.getElementById('lesson-notebook').textContent).explorers"
        ".find(e => e.stem === stem)",
        stem,
    )
    tab.click(f"#nb-explorer-{stem} > summary")
    return e


def _shown(tab, stem: str) -> tuple[str, str]:
    """(the frame on screen, the values read out) once the frame asked for is presented."""
    stage = f"#nb-explorer-{stem} .nb-stage"
    tab.wait_for_function(
        f"() => {{ const s = document.querySelector('{stage}'); return s.dataset.shown === s.dataset.frame; }}",
        timeout=10_000,
    )
    return tab.get_attribute(stage, "data-frame"), tab.inner_text(f"#nb-values-{stem}")


@pytest.mark.clients
def test_the_partials_explorer_follows_a_click_and_the_arrow_keys(tab):
    tab.open()
    tab.evaluate(f"{VIDEO}.play()")
    e = _explorer(tab, "01-partials")
    assert tab.evaluate(f"{VIDEO}.paused")  # opening it pauses the lesson
    i, j = e["xs"].index("0.500"), e["ys"].index("0.300")
    stage = tab.locator("#nb-explorer-01-partials .nb-stage")
    stage.focus()
    for key in ("ArrowLeft", "ArrowLeft", "ArrowDown"):  # somewhere else first
        tab.keyboard.press(key)
    assert "x = 0.300, y = 0.200" in _shown(tab, "01-partials")[1]
    stage.scroll_into_view_if_needed()
    box = stage.bounding_box()
    tab.mouse.click(box["x"] + e["xs_at"][i] * box["width"], box["y"] + e["ys_at"][j] * box["height"])
    frame, text = _shown(tab, "01-partials")
    stop = next(s for s in e["stops"] if (s["i"], s["j"]) == (i, j))
    assert int(frame) == stop["frame"]
    assert "f = 0.430" in text and "∂f/∂x = 1.000" in text and "∂f/∂y = 1.200" in text
    # The arrow keys move x (and y), a grid step at a time; the readouts follow.
    tab.keyboard.press("ArrowRight")
    _, text = _shown(tab, "01-partials")
    assert f"x = {e['xs'][i + 1]}" in text and "∂f/∂x = 1.200" in text, text
    tab.keyboard.press("ArrowUp")
    _, text = _shown(tab, "01-partials")
    assert f"y = {e['ys'][j + 1]}" in text
    assert tab.get_attribute("#nb-01-partials-x", "aria-valuetext") == f"x = {e['xs'][i + 1]}"


@pytest.mark.clients
def test_the_derivative_explorer_starts_at_the_sections_point_and_follows_its_slider(tab):
    tab.open()
    e = _explorer(tab, "00-derivative")
    frame, text = _shown(tab, "00-derivative")
    assert "x = 2.000, f(x) = 1.500, f′(x) = 1.000" in text and "f(2.100) ≈ 1.500 + 1.000 · 0.100 = 1.600" in text
    tab.focus("#nb-00-derivative-x")
    tab.keyboard.press("ArrowLeft")
    frame, text = _shown(tab, "00-derivative")
    assert int(frame) == e["start"] - 1 and "x = 1.900" in text


def test_each_explorer_is_whole_one_frame_per_stop_at_its_time(site):
    """Partials' explorer is drawn in parts side by side and joined (renderer/explorers.py): the
    published folder holds just its three files, a frame per stop, stop k at exactly k / fps."""
    import os

    folders = sorted((site.variant / "explorers").iterdir())
    assert [f.name.split("-", 1)[1] for f in folders] == ["derivative", "partials"]
    for folder in folders:
        assert sorted(p.name for p in folder.iterdir()) == ["explorer.json", "frames.mp4", "start.png"]
        data = json.loads((folder / "explorer.json").read_text())
        times = subprocess.run(
            ["ffprobe", "-v", "error", "-select_streams", "v", "-show_entries", "packet=pts_time", "-of", "csv=p=0",
             str(folder / "frames.mp4")],
            capture_output=True, text=True, check=True,
        ).stdout.split()  # fmt: skip
        assert len(times) == len(data["stops"]) == data["count"]
        assert [s["frame"] for s in data["stops"]] == list(range(data["count"]))
        assert all(abs(float(t) - k / data["fps"]) < 1e-4 for k, t in enumerate(sorted(times, key=float)))
        assert data["parts"] == (max(1, os.cpu_count() or 1) if "partials" in folder.name else 1)
