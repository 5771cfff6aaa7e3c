"""render.sh --slides: the three decks of the beats, opened with real programs.

The fixture lesson (tests/fixtures, two tiny sections, five beats) is rendered
once at low quality with --slides --theme light; the decks are then opened as
a person would: the PowerPoint deck in LibreOffice, the HTML deck in Chromium
with the network off, the handout with poppler. Tests marked ``clients`` need
those programs (./test.sh installs them); ``./test.sh -m "not clients"`` skips them.
"""

from __future__ import annotations

import colorsys
import json
import os
import re
import subprocess
import tarfile
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from tests.test_render import Lesson, digest, statuses

ARGS = ["-q", "low", "--slides", "--theme", "light"]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class Deck:
    def __init__(self, lesson: Lesson, report: dict, seconds: float) -> None:
        self.lesson, self.report, self.seconds = lesson, report, seconds
        self.out = lesson.variant
        self.dir = self.out / "slides"
        # What the decks must show: the beats, from the renderer's own index.
        self.beats = json.loads((self.out / "clips.json").read_text())
        self.narration = [b["subtitle"] for b in self.beats]
        self.titles = [b["section"][:1].upper() + b["section"][1:] for b in self.beats]

    def note(self, report: dict | None = None) -> str:
        return next(n for n in (report or self.report)["notes"] if n.startswith("slides:"))


@pytest.fixture(scope="module")
def deck(tmp_path_factory) -> Deck:
    lesson = Lesson(tmp_path_factory.mktemp("slides"))
    started = time.monotonic()
    proc, report = lesson.render(*ARGS)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return Deck(lesson, report, time.monotonic() - started)


def words(text: str) -> str:
    return " ".join(text.split())


def pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


# -- the decks ---------------------------------------------------------------------
def test_three_decks_one_slide_per_beat(deck):
    assert deck.narration == ["A square appears.", "It goes, a circle stays.", "A dot.", "It moves.", "A triangle."]
    for name in ("lesson.html", "lesson.pptx", "handout.pdf"):
        assert (deck.dir / name).stat().st_size > 1000, name
    assert "5 slides, built in" in deck.note()
    assert not [p for p in deck.out.iterdir() if p.name.startswith(".slides")]  # no leftovers


def test_html_deck_notes_and_only_local_files(deck):
    from bs4 import BeautifulSoup

    soup = BeautifulSoup((deck.dir / "lesson.html").read_text(), "html.parser")
    slides = soup.select(".slides > section")
    assert [words(s.select_one("aside.notes").get_text()) for s in slides] == deck.narration
    assert [s.select_one("h2").get_text() for s in slides] == deck.titles
    for s, beat in zip(slides, deck.beats):
        video = s.select_one("video")
        assert video.has_attr("data-autoplay")
        assert (deck.dir / video["src"]).read_bytes() == (deck.out / beat["file"]).read_bytes()
    for tag in soup.find_all(src=True) + soup.find_all(href=True):
        ref = tag.get("src") or tag.get("href")
        assert "//" not in ref and not ref.startswith("/"), ref
        assert (deck.dir / ref).resolve().is_relative_to(deck.dir.resolve()) and (deck.dir / ref).is_file(), ref


def test_vendored_reveal_matches_its_pinned_integrity(deck):
    from renderer import slides

    tarball = slides.reveal_cache()
    assert slides.integrity(tarball) == slides.REVEAL_INTEGRITY
    with tarfile.open(tarball) as tar:
        for src, dst in slides.REVEAL_FILES.items():
            assert (deck.dir / "reveal" / dst).read_bytes() == tar.extractfile(f"package/{src}").read(), dst


def test_pptx_notes_movies_and_posters(deck):
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    prs = Presentation(str(deck.dir / "lesson.pptx"))
    assert len(prs.slides) == len(deck.beats)
    for slide, beat in zip(prs.slides, deck.beats):
        assert slide.notes_slide.notes_text_frame.text == beat["subtitle"]
        movies = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.MEDIA]
        assert len(movies) == 1
        blobs = {r.target_part.content_type: r.target_part.blob for r in slide.part.rels.values() if not r.is_external}
        assert blobs["video/mp4"] == (deck.out / beat["file"]).read_bytes()  # the renderer's clip itself
        assert blobs["image/png"][:8] == b"\x89PNG\r\n\x1a\n"  # its poster frame
        assert beat["section"][:1].upper() + beat["section"][1:] in [
            s.text_frame.text for s in slide.shapes if s.has_text_frame
        ]
    # The light theme: white slides.
    assert prs.slides[0].background.fill.fore_color.rgb == (0xFF, 0xFF, 0xFF)


@pytest.mark.clients
def test_pptx_opens_in_libreoffice_one_page_per_beat(deck, tmp_path):
    profile = tmp_path / "lo-profile"
    proc = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(deck.dir / "lesson.pptx"),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        stdin=subprocess.DEVNULL,
    )
    pdf = tmp_path / "lesson.pdf"
    assert proc.returncode == 0 and pdf.exists(), proc.stdout + proc.stderr
    assert pdf_pages(pdf) == len(deck.beats)
    text = words(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout)
    for title in deck.titles:
        assert title in text


@pytest.mark.clients
def test_handout_one_page_per_beat_with_its_narration(deck):
    pdf = deck.dir / "handout.pdf"
    assert pdf_pages(pdf) == len(deck.beats)
    for page, (beat, title) in enumerate(zip(deck.narration, deck.titles), start=1):
        text = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert beat in words(text) and title in text
        assert "First tiny section" in text or "Second tiny section" in text


def _inside(url: str, folder: Path) -> bool:
    parsed = urlparse(url)
    if parsed.scheme != "file":
        return False
    return Path(unquote(parsed.path)).resolve().is_relative_to(folder.resolve())


@pytest.mark.clients
def test_html_deck_plays_offline_in_chromium(deck):
    from playwright.sync_api import sync_playwright

    folder = deck.dir
    seen, outside, errors = [], [], []

    def route(r):
        url = r.request.url
        seen.append(url)
        if _inside(url, folder):
            r.continue_()
        else:
            outside.append(url)
            r.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(offline=True, viewport={"width": 1280, "height": 720})
            context.route("**/*", route)
            page = context.new_page()
            page.on("request", lambda req: seen.append(req.url))
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto((folder / "lesson.html").as_uri())
            page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=20_000)
            assert page.evaluate("Reveal.getIndices().h") == 0
            assert page.locator("section.present h2").inner_text() == deck.titles[0]
            assert page.locator("section.present video").is_visible()
            # Its clip plays by itself.
            page.wait_for_function(
                "() => document.querySelector('section.present video').currentTime > 0", timeout=20_000
            )
            page.keyboard.press("ArrowRight")
            page.wait_for_function("() => Reveal.getIndices().h === 1", timeout=10_000)
            assert page.locator("section.present h2").inner_text() == deck.titles[1]
            page.wait_for_function(
                "() => document.querySelector('section.present video').currentTime > 0", timeout=20_000
            )
            notes = page.evaluate("Reveal.getSlides().map(s => Reveal.getSlideNotes(s))")
        finally:
            browser.close()
    assert [words(n) for n in notes] == deck.narration
    assert not errors
    assert not outside, outside
    assert seen and all(_inside(u, folder) for u in seen), seen


# -- incremental and atomic ----------------------------------------------------------
def test_an_unchanged_second_run_does_not_rebuild(deck):
    before = {n: (deck.dir / n).stat().st_ino for n in ("lesson.html", "lesson.pptx", "handout.pdf")}
    proc, report = deck.lesson.render(*ARGS)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert statuses(report) == {"alpha": "reused", "beta": "reused"}
    assert "(reused, 5 slides)" in deck.note(report)
    assert {n: (deck.dir / n).stat().st_ino for n in before} == before


def test_a_failed_deck_build_keeps_the_previous_decks(deck, monkeypatch, capsys):
    from renderer import cli, slides

    names = ("lesson.html", "lesson.pptx", "handout.pdf")
    before = {n: digest(deck.dir / n) for n in names}
    # Force a rebuild that fails half way, after the HTML and PPTX decks were written.
    monkeypatch.setattr(slides, "RECIPE", "slides-test-forced")

    def broken(plan, slide_list, folder, dest):
        dest.write_bytes(b"%PDF-1.4 half written")
        raise RuntimeError("forced failure")

    monkeypatch.setattr(slides, "write_handout", broken)
    cmd, report_file = deck.lesson.command(*ARGS)
    code = cli.main(cmd[3:])  # the same arguments, in this process
    out = capsys.readouterr().out
    assert code == 1, out
    assert "slides: FAILED (RuntimeError: forced failure); the previous decks are kept" in out
    assert {n: digest(deck.dir / n) for n in names} == before
    assert not [p for p in deck.out.iterdir() if p.name.startswith(".slides")]
    # The next good run needs nothing rebuilt: the decks still match the sections.
    monkeypatch.undo()
    proc, report = deck.lesson.render(*ARGS)
    assert proc.returncode == 0 and "(reused, 5 slides)" in deck.note(report)


def test_a_changed_section_rebuilds_the_decks(deck):
    before = (deck.dir / "lesson.pptx").stat().st_ino
    scene = deck.lesson.scene("beta")
    scene.write_text(scene.read_text().replace("Dot(color=YELLOW)", "Dot(color=RED)"))
    proc, report = deck.lesson.render(*ARGS)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert statuses(report) == {"alpha": "reused", "beta": "rendered"}
    assert "5 slides, built in" in deck.note(report)
    assert (deck.dir / "lesson.pptx").stat().st_ino != before


# -- the light theme's colours ------------------------------------------------------------
def _luminance(colour: str) -> float:
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio."""
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


# Colours scenes use for text (words, formulas, numbers) and those used only for strokes.
TEXT_ROLES = ("text", "ink", "muted", "x", "w", "b", "z", "a", "y", "L", "grad", "curve", "highlight")
GRAPHIC_ROLES = ("done",)


def test_contrast_formula():
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("role", TEXT_ROLES + GRAPHIC_ROLES)
def test_light_theme_colours_read_on_white_and_keep_their_meaning(role):
    from scenes.style import DARK, LIGHT

    assert LIGHT.background == "#FFFFFF"
    needed = 4.5 if role in TEXT_ROLES else 3.0
    colour = getattr(LIGHT, role)
    assert contrast(colour, LIGHT.background) >= needed, f"{role} {colour} on white"
    assert contrast(colour, LIGHT.panel) >= needed, f"{role} {colour} on the panel {LIGHT.panel}"
    # The same meaning in both themes: the same hue family (greys stay grey).
    h_dark, _, s_dark = colorsys.rgb_to_hls(*(int(getattr(DARK, role)[i : i + 2], 16) / 255 for i in (1, 3, 5)))
    h_light, _, s_light = colorsys.rgb_to_hls(*(int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)))
    if min(s_dark, s_light) > 0.15:
        turn = abs(h_dark - h_light) * 360
        assert min(turn, 360 - turn) < 30, f"{role}: {getattr(DARK, role)} vs {colour}"
    else:
        assert max(s_dark, s_light) <= 0.15, f"{role}: grey in one theme only"


def test_help_and_print_jobs_know_slides():
    import sys

    from tests.test_render import FIXTURES, ROOT

    out = subprocess.run([sys.executable, "-m", "renderer", "--help"], cwd=ROOT, capture_output=True, text=True).stdout
    assert "--slides" in out and "./render.sh --slides" in out and "handout.pdf" in out
    jobs = subprocess.run(
        [
            sys.executable,
            "-m",
            "renderer",
            "--manifest",
            f"{FIXTURES / 'manifest.py'}:LESSON",
            "--print-jobs",
            "--slides",
            "-q",
            "low",
            "--out",
            "/nonexistent",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert all("--slides" in line for line in jobs.stdout.splitlines())
    assert "--slides" in jobs.stderr  # the final command that builds the decks
    assert not os.path.exists("/nonexistent")
