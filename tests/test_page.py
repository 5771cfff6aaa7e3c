"""The lesson page (index.html) and the narrated beat clips, opened with real programs.

The fixture lesson (two tiny sections, five beats, narrated) is rendered once
at low quality with --slides; the page is then opened in headless Chromium
from disk with the network off, the clips and the PowerPoint deck's movies are
read with ffprobe. Tests marked ``clients`` start Chromium.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from tests.test_render import Lesson, digest, ffprobe, statuses
from tests.test_slides import CHROMIUM, CHROMIUM_ARGS, _inside

ARGS = ["-q", "low", "--slides"]
AAC_FRAME = 1024  # samples


class Site:
    def __init__(self, lesson: Lesson, report: dict, seconds: float) -> None:
        self.lesson, self.report, self.seconds = lesson, report, seconds
        self.out = lesson.variant
        self.page = self.out / "index.html"
        self.clips = json.loads((self.out / "clips.json").read_text())
        durations = [s["duration"] for s in report["sections"]]
        self.offsets = [sum(durations[:k]) for k in range(len(durations))]
        # Every beat in lesson time, from the sections' beats files.
        self.beats = []
        for offset, stem in zip(self.offsets, ("00-alpha", "01-beta")):
            for b in json.loads((self.out / f"{stem}.beats.json").read_text()):
                self.beats.append((offset + b["start"], offset + b["end"], b["narration"]))

    def note(self, report: dict | None = None) -> str:
        return next(n for n in (report or self.report)["notes"] if n.startswith("page:"))


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Site:
    lesson = Lesson(tmp_path_factory.mktemp("page"))
    started = time.monotonic()
    proc, report = lesson.render(*ARGS)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return Site(lesson, report, time.monotonic() - started)


def words(text: str) -> str:
    return " ".join(text.split())


# -- the page's files ------------------------------------------------------------------
def test_page_and_its_files_are_written(site):
    assert "built in" in site.note() and "5 transcript lines" in site.note()
    for name in ("index.html", "lesson.vtt", "chapters.vtt"):
        assert (site.out / name).stat().st_size > 50, name
    # 12.9 s of lesson cannot hold three chapters of 10 s: no file rather than one YouTube rejects.
    assert not (site.out / "youtube-chapters.txt").exists()
    assert "no youtube-chapters.txt" in site.note()
    assert not [p for p in site.out.iterdir() if p.name.startswith(".page")]


def test_lesson_vtt_is_lesson_srt(site):
    from narration import captions

    srt = captions.parse((site.out / "lesson.srt").read_text())
    vtt_text = (site.out / "lesson.vtt").read_text()
    assert vtt_text.startswith("WEBVTT")
    assert [(c.start, c.end, c.text) for c in captions.parse(vtt_text)] == [(c.start, c.end, c.text) for c in srt]


def test_chapters_vtt_one_cue_per_section(site):
    from narration import captions

    cues = captions.parse((site.out / "chapters.vtt").read_text())
    assert [c.text for c in cues] == ["01 First tiny section", "02 Second tiny section"]
    assert [c.start for c in cues] == pytest.approx(site.offsets, abs=0.002)
    assert cues[-1].end == pytest.approx(sum(s["duration"] for s in site.report["sections"]), abs=0.002)


def test_page_shows_chapters_transcript_and_downloads_from_its_folder(site):
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(site.page.read_text(), "html.parser")
    video = soup.select_one("video#video")
    assert video["src"] == "lesson.mp4"
    tracks = {t["kind"]: t for t in video.select("track")}
    assert tracks["captions"]["src"] == "lesson.vtt" and tracks["captions"].has_attr("default")
    assert tracks["chapters"]["src"] == "chapters.vtt"
    chapters = soup.select("#chapters li")
    assert [words(c.select_one(".name").get_text()) for c in chapters] == [
        "01 First tiny section",
        "02 Second tiny section",
    ]
    assert [float(c["data-start"]) for c in chapters] == pytest.approx(site.offsets, abs=0.002)
    assert [c.select_one("img")["src"] for c in chapters] == ["posters/00-alpha.png", "posters/01-beta.png"]
    lines = soup.select("#transcript .line")
    assert [words(l.select_one(".text").get_text()) for l in lines] == [b[2] for b in site.beats]
    assert [float(l["data-start"]) for l in lines] == pytest.approx([b[0] for b in site.beats], abs=0.002)
    # Downloads: sections, captions, every clip with its captions, the decks.
    hrefs = {a["href"] for a in soup.select("#downloads a")}
    for name in (
        "lesson.mp4",
        "lesson.srt",
        "lesson.vtt",
        "chapters.vtt",
        "00-alpha.mp4",
        "01-beta.srt",
        "01-beta.vtt",
        "slides/lesson.html",
        "slides/lesson.pptx",
        "slides/handout.pdf",
    ):
        assert name in hrefs, name
    for clip in site.clips:
        assert {clip["file"], clip["srt"], clip["vtt"]} <= hrefs
    # Every control is labelled; every reference stays in the folder and exists.
    for button in soup.select("button"):
        assert button.get("aria-label"), button
    for tag in soup.find_all(src=True) + soup.find_all(href=True):
        ref = tag.get("src") or tag.get("href")
        if ref.startswith("#") or tag.get("id") == "variant-probe":  # the sibling's variant.js (sibling_probe)
            continue
        assert "//" not in ref and not ref.startswith("/"), ref
        assert (site.out / ref).resolve().is_relative_to(site.out.resolve()) and (site.out / ref).is_file(), ref


def test_page_follows_the_theme(site):
    from scenes.style import DARK

    html = site.page.read_text()
    assert f"--bg: {DARK.background}; --text: {DARK.text};" in html
    assert 'content="dark"' in html
    assert "@media print" in html  # the transcript with stills, without the player


# Text colour on background, as the page pairs them (WCAG 1.4.3: 4.5:1), and the
# focus ring and button borders (1.4.11: 3:1).
PAIRS = [
    ("text", "background", 4.5),
    ("text", "panel", 4.5),
    ("muted", "background", 4.5),
    ("w", "background", 4.5),
    ("grad", "panel", 4.5),
    ("highlight", "background", 3.0),
    ("muted", "background", 3.0),
]


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_page_colours_have_enough_contrast(theme):
    from scenes.style import THEMES
    from tests.test_slides import contrast

    t = THEMES[theme]
    for fg, bg, needed in PAIRS:
        assert contrast(getattr(t, fg), getattr(t, bg)) >= needed, (theme, fg, bg)


# -- the page in Chromium ----------------------------------------------------------------
def sibling_probe(url: str, folder: Path) -> bool:
    """The page's look for the other version's beat times (../<variant>[-described]/page/variant.js):
    a file beside its folder, the one place outside it the page may read."""
    parsed = urlparse(url)
    path = Path(unquote(parsed.path)).resolve()
    return parsed.scheme == "file" and path.name == "variant.js" and path.parents[2] == folder.resolve().parent


def _open(p, site: Site, seen: list, outside: list, errors: list):
    folder = site.out

    def route(r):
        url = r.request.url
        seen.append(url)
        if _inside(url, folder) or sibling_probe(url, folder):
            r.continue_()
        else:
            outside.append(url)
            r.abort()

    browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    context = browser.new_context(offline=True, viewport={"width": 1280, "height": 800})
    context.route("**/*", route)
    tab = context.new_page()
    tab.on("request", lambda req: seen.append(req.url))
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.goto(site.page.as_uri())
    tab.wait_for_function("() => document.getElementById('video').readyState >= 1", timeout=20_000)
    # Every track loaded (from this folder, or the page's own copies where file:// forbids it).
    tab.wait_for_function(
        "() => [...document.getElementById('video').textTracks].every(t => t.cues && t.cues.length)", timeout=10_000
    )
    return browser, tab


def _seek(tab, t: float) -> None:
    tab.evaluate(
        "t => new Promise(ok => { const v = document.getElementById('video');"
        " v.addEventListener('seeked', () => setTimeout(ok, 50), {once: true}); v.currentTime = t; })",
        t,
    )


@pytest.mark.clients
def test_page_in_chromium_plays_seeks_captions_and_follows(site):
    from playwright.sync_api import sync_playwright

    seen, outside, errors = [], [], []
    with sync_playwright() as p:
        browser, tab = _open(p, site, seen, outside, errors)
        try:
            video = "document.getElementById('video')"
            assert tab.evaluate(f"{video}.textTracks[0].mode") == "showing"  # captions on by default
            # Play.
            tab.click("#play")
            tab.wait_for_function(f"() => {video}.currentTime > 0.3", timeout=20_000)
            assert tab.get_attribute("#play", "aria-label") == "Pause"
            tab.click("#play")
            assert tab.evaluate(f"{video}.paused")
            # The second chapter: seeks to its start and is highlighted.
            tab.locator("#chapters li").nth(1).locator("button").click()
            tab.wait_for_function(f"() => Math.abs({video}.currentTime - {site.offsets[1]}) < 0.1", timeout=5_000)
            assert tab.locator("#chapters li.current .name").inner_text() == "02 Second tiny section"
            # At a known time the caption cue shown is that beat's line, and the transcript highlights it.
            for start, end, text in site.beats:
                _seek(tab, (start + end) / 2)
                cues = tab.evaluate(f"[...{video}.textTracks[0].activeCues].map(c => c.text)")
                assert [words(c) for c in cues] == [text]
                assert tab.locator("#transcript .line.current .text").inner_text() == text
                assert tab.locator("#transcript .line[aria-current=true]").count() == 1
            # Clicking a transcript line seeks to it.
            tab.locator("#transcript .line").nth(1).locator(".text").click()
            assert tab.evaluate(f"{video}.currentTime") == pytest.approx(site.beats[1][0], abs=0.1)
            # Captions can be turned off and on again.
            tab.click("#cc")
            assert tab.evaluate(f"{video}.textTracks[0].mode") == "hidden"
            assert tab.get_attribute("#cc", "aria-pressed") == "false"
            tab.click("#cc")
            assert tab.evaluate(f"{video}.textTracks[0].mode") == "showing"
        finally:
            browser.close()
    assert not errors, errors
    assert not outside, outside
    assert seen and all(
        _inside(u, site.out) or sibling_probe(u, site.out) for u in seen if not u.startswith(("blob:", "data:"))
    ), seen


@pytest.mark.clients
def test_page_keyboard_only(site):
    from playwright.sync_api import sync_playwright

    seen, outside, errors = [], [], []
    with sync_playwright() as p:
        browser, tab = _open(p, site, seen, outside, errors)
        try:
            controls = tab.evaluate("""() => {
                // A hidden control (the Described switch with no described render) is out of reach by design.
                const all = [...document.querySelectorAll('a[href], button, summary, video[controls]')]
                    .filter(el => !el.closest('[hidden]'));
                all.forEach((el, k) => el.dataset.k = k);
                return all.length; }""")
            reached = set()
            for _ in range(controls + 20):  # + the video's own buttons
                tab.keyboard.press("Tab")
                k, closed = tab.evaluate(
                    "[document.activeElement.dataset.k, document.activeElement.tagName"
                    " === 'SUMMARY' && !document.activeElement.parentElement.open]"
                )
                if k is not None:
                    reached.add(int(k))
                if closed:
                    tab.keyboard.press("Enter")  # open a section's list of clips, as a keyboard user would
            assert reached == set(range(controls))
            # The focus is visible.
            tab.focus("#forward")
            tab.keyboard.press("Shift+Tab")
            tab.keyboard.press("Tab")
            assert tab.evaluate("document.activeElement.id") == "forward"
            outline = tab.evaluate("getComputedStyle(document.activeElement).outlineStyle")
            assert outline not in ("none", ""), outline
            # Space plays and pauses, the arrows seek, from anywhere but a control.
            tab.evaluate("document.activeElement.blur()")
            tab.keyboard.press("Space")
            tab.wait_for_function("() => !document.getElementById('video').paused", timeout=5_000)
            tab.keyboard.press("Space")
            assert tab.evaluate("document.getElementById('video').paused")
            now = "document.getElementById('video').currentTime"
            _seek(tab, 1.0)
            tab.keyboard.press("ArrowRight")
            assert tab.evaluate(now) == pytest.approx(6.0, abs=0.1)
            tab.keyboard.press("ArrowLeft")
            assert tab.evaluate(now) == pytest.approx(1.0, abs=0.1)
            tab.keyboard.press("Shift+ArrowRight")  # the next chapter
            assert tab.evaluate(now) == pytest.approx(site.offsets[1], abs=0.1)
            tab.keyboard.press("Shift+ArrowLeft")  # the previous one
            assert tab.evaluate(now) == pytest.approx(0.0, abs=0.1)
        finally:
            browser.close()
    assert not errors, errors


@pytest.mark.clients
def test_html_deck_silent_by_default_and_self_paced_when_narrated(site):
    from playwright.sync_api import sync_playwright

    folder = site.out / "slides"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            tab = browser.new_context(offline=True, viewport={"width": 1280, "height": 720}).new_page()
            tab.goto((folder / "lesson.html").as_uri())
            tab.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=20_000)
            assert tab.evaluate("[...document.querySelectorAll('.slides video')].every(v => v.muted)")
            assert tab.get_attribute("#narrated", "aria-pressed") == "false"
            tab.click("#narrated")  # the teacher steps back: the clips speak and the deck moves on
            assert tab.evaluate("[...document.querySelectorAll('.slides video')].every(v => !v.muted)")
            tab.wait_for_function("() => Reveal.getIndices().h === 1", timeout=20_000)
        finally:
            browser.close()


# -- the narrated clips ------------------------------------------------------------------
def _stream(info: dict, kind: str) -> dict | None:
    return next((s for s in info["streams"] if s["codec_type"] == kind), None)


def test_every_clip_speaks_for_as_long_as_it_shows_and_has_its_captions(site):
    from narration import captions

    for clip in site.clips:
        info = ffprobe(site.out / clip["file"])
        video, audio = _stream(info, "video"), _stream(info, "audio")
        assert audio is not None and audio["codec_name"] == "aac", clip["file"]
        frame = AAC_FRAME / int(audio["sample_rate"])
        assert abs(float(audio["duration"]) - float(video["duration"])) <= frame, clip["file"]
        for key in ("srt", "vtt"):
            cues = captions.parse((site.out / clip[key]).read_text())
            assert words(" ".join(c.text for c in cues)) == clip["subtitle"]
            assert cues[0].start >= 0 and cues[-1].end <= float(video["duration"]) + 0.001


def test_pptx_embeds_the_narrated_clips(site, tmp_path):
    from pptx import Presentation

    prs = Presentation(str(site.out / "slides" / "lesson.pptx"))
    for k, slide in enumerate(prs.slides):
        blob = next(
            r.target_part.blob
            for r in slide.part.rels.values()
            if not r.is_external and r.target_part.content_type == "video/mp4"
        )
        movie = tmp_path / f"{k}.mp4"
        movie.write_bytes(blob)
        assert _stream(ffprobe(movie), "audio") is not None, k


def test_voice_none_keeps_silent_clips(tmp_path):
    lesson = Lesson(tmp_path)
    proc, report = lesson.render("-q", "low", "--sections", "--voice", "none", "--theme", "light")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    clips = json.loads((lesson.variant / "clips.json").read_text())
    assert clips and all(_stream(ffprobe(lesson.variant / c["file"]), "audio") is None for c in clips)
    assert all((lesson.variant / c["srt"]).exists() for c in clips)  # captions still
    from scenes.style import LIGHT

    assert f"--bg: {LIGHT.background}; --text: {LIGHT.text};" in (lesson.variant / "index.html").read_text()


def test_clips_of_an_older_render_are_remade_without_rendering_a_scene(site):
    out = site.out
    record_file = out / ".cache" / "00-alpha.json"
    record = json.loads(record_file.read_text())
    record["clips_recipe"] = ""  # as written before the clips were narrated
    record_file.write_text(json.dumps(record))
    log = out / "logs" / "00-alpha.log"
    log_before = log.read_text()
    proc, report = site.lesson.render(*ARGS)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert statuses(report)["beta"] == "reused"
    assert log.read_text() == log_before  # no manim process ran
    assert "joining 1 part(s) rendered before" in proc.stderr  # the progress lines
    assert json.loads(record_file.read_text())["clips_recipe"]


# -- YouTube's rules ------------------------------------------------------------------------
def youtube_problems(text: str, total: float) -> list[str]:
    """What YouTube would object to in a description's chapter list."""
    starts = []
    for line in text.splitlines():
        m = re.fullmatch(r"((?:\d+:)?\d{1,2}:\d\d) (.+)", line)
        if not m:
            return [f"not a chapter line: {line!r}"]
        parts = [int(x) for x in m.group(1).split(":")]
        starts.append(sum(v * 60**i for i, v in enumerate(reversed(parts))))
    problems = []
    if not text.startswith("0:00 "):
        problems.append("the first chapter is not at 0:00")
    if len(starts) < 3:
        problems.append("fewer than 3 chapters")
    ends = starts[1:] + [total]
    if any(e - s < 10 for s, e in zip(starts, ends)):
        problems.append("a chapter shorter than 10 s")
    return problems


def _chapters(durations: list[float]) -> tuple[list[tuple[float, str]], float]:
    starts = [sum(durations[:k]) for k in range(len(durations))]
    return [(s, f"{k:02d} Section {k}") for k, s in enumerate(starts)], sum(durations)


@pytest.mark.parametrize(
    "durations",
    [
        [80, 78, 76, 108, 106, 96, 131, 187, 137, 83, 135],  # the lesson, narrated
        [5, 30, 4, 40, 3, 25],  # short ones at both ends and between
        [9.9, 9.9, 9.9, 9.9],  # each just too short
        [3600, 1800, 1900.5, 12],  # past an hour; a short last one
        [10, 10, 10],
    ],
)
def test_youtube_chapters_follow_the_rules(durations):
    from renderer import page

    chapters, total = _chapters(durations)
    chosen = page.youtube_chapters(chapters, total)
    assert chosen is not None
    text = page.youtube_text(chosen)
    assert youtube_problems(text, total) == [], text
    # Merged, never dropped: every section's title is still there, in order.
    titles = " / ".join(title for _, title in chosen)
    assert titles == " / ".join(title for _, title in chapters)


def test_youtube_chapters_of_the_real_lesson_are_its_sections():
    from renderer import page

    chapters, total = _chapters([80, 78, 76, 108, 106, 96, 131, 187, 137, 83, 135])
    text = page.youtube_text(page.youtube_chapters(chapters, total))
    assert text.splitlines()[:3] == ["0:00 00 Section 0", "1:20 01 Section 1", "2:38 02 Section 2"]
    assert len(text.splitlines()) == 11


@pytest.mark.parametrize("durations", [[5.3, 7.6], [10, 10, 9.5], [29.9]])
def test_no_youtube_chapters_when_the_lesson_cannot_have_them(durations):
    from renderer import page

    chapters, total = _chapters(durations)
    assert page.youtube_chapters(chapters, total) is None


def test_templates_escape_values_once_and_keep_the_json_block_closed():
    import json
    from string import Template

    from renderer import templates

    piece = Template('<a title="$title">$body</a>')
    filled = templates.fill(piece, title="\"<&>'", body=templates.Raw("<b>x</b>"))
    assert filled == '<a title="&quot;&lt;&amp;&gt;&#x27;"><b>x</b></a>'
    assert templates.fill(Template("$x"), x=filled) == filled  # a filled piece is not escaped again
    block = templates.script_json({"vtt": "a</script><script>alert(1)"})
    assert "</" not in block and json.loads(block) == {"vtt": "a</script><script>alert(1)"}
    # The pieces' ids, as the page and the deck ask for them.
    assert {"chapter", "line", "row", "downloads", "watch-script"} <= set(templates.parts("page/parts.html"))
    assert set(templates.parts("slides/parts.html")) == {"slide", "video", "gif", "narrated"}


def test_stamps():
    from renderer import page

    assert [page.stamp(s) for s in (0, 9.99, 80, 3599, 3600, 3725.4)] == [
        "0:00",
        "0:09",
        "1:20",
        "59:59",
        "1:00:00",
        "1:02:05",
    ]


# -- incremental and atomic ------------------------------------------------------------------
def test_an_unchanged_run_rebuilds_nothing(site):
    names = ("index.html", "lesson.vtt", "chapters.vtt")
    before = {n: (site.out / n).stat().st_ino for n in names}
    stills = (site.out / "page").stat().st_ino
    proc, report = site.lesson.render(*ARGS)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert statuses(report) == {"alpha": "reused", "beta": "reused"}
    assert site.note(report) == f"page: {site.page} (reused)"
    assert {n: (site.out / n).stat().st_ino for n in names} == before
    assert (site.out / "page").stat().st_ino == stills


def test_a_failed_page_build_keeps_the_previous_page(site, monkeypatch, capsys):
    from renderer import cli, page

    names = ("index.html", "lesson.vtt", "chapters.vtt")
    before = {n: digest(site.out / n) for n in names}
    stills = sorted(p.relative_to(site.out) for p in (site.out / "page").rglob("*"))
    monkeypatch.setattr(page, "RECIPE", "page-test-forced")  # a rebuild ...

    def broken(plan, parts, vtt, folder, dest):  # ... that fails half way through the page
        dest.write_text("<!doctype html><p>half")
        raise RuntimeError("forced failure")

    monkeypatch.setattr(page, "write_html", broken)
    cmd, _ = site.lesson.command(*ARGS)
    code = cli.main(cmd[3:])
    out = capsys.readouterr().out
    assert code == 1, out
    assert "page: FAILED (RuntimeError: forced failure); the previous page is kept" in out
    assert {n: digest(site.out / n) for n in names} == before
    assert sorted(p.relative_to(site.out) for p in (site.out / "page").rglob("*")) == stills
    assert not [p for p in site.out.iterdir() if p.name.startswith(".page")]
    monkeypatch.undo()
    proc, report = site.lesson.render(*ARGS)
    assert proc.returncode == 0 and site.note(report) == f"page: {site.page} (reused)"
