"""The described version (``--described``): each beat's audio description spoken in a hold.

The fixture lesson (two tiny sections, five beats: three described, two whose
narration says everything) is rendered at low quality, narrated, plain and
described, into one output folder. The described beats must last their narration
plus their description, the captions carry both (the description in brackets),
the sound track speaks in the hold, the clips, the lesson and its chapters follow
the longer timing, and the pages offer the Described switch between the two
(headless Chromium).
"""

from __future__ import annotations

import json
import math
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

from narration import captions
from narration.audio import read_wav
from scenes.lesson import SPEECH_TAIL, bracketed, reading_seconds
from tests.test_page import sibling_probe
from tests.test_render import Lesson, ffprobe
from tests.test_slides import CHROMIUM, CHROMIUM_ARGS, _inside

FPS = 15  # -q low
STEMS = ("00-alpha", "01-beta")
RATE = 16000  # the sound track decoded for the test


class Versions:
    def __init__(self, lesson: Lesson) -> None:
        self.plain = lesson.out / "low"
        self.described = lesson.out / "low-described"

    def beats(self, folder: Path, stem: str) -> list[dict]:
        return json.loads((folder / f"{stem}.beats.json").read_text())


@pytest.fixture(scope="module")
def versions(tmp_path_factory) -> Versions:
    lesson = Lesson(tmp_path_factory.mktemp("described"))
    for extra in ([], ["--described"]):
        proc, report = lesson.render("-q", "low", "--sections", *extra)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert {s["status"] for s in report["sections"]} == {"rendered"}
    return Versions(lesson)


def frames(seconds: float) -> int:
    return math.ceil(seconds * FPS - 1e-6)


def test_every_described_beat_lasts_its_narration_then_its_description(versions):
    described_beats = 0
    for stem in STEMS:
        plain, described = versions.beats(versions.plain, stem), versions.beats(versions.described, stem)
        assert [b["name"] for b in plain] == [b["name"] for b in described]
        for p, d in zip(plain, described, strict=True):
            assert p["description"] == d["description"] and p["description"] is not None, p["name"]
            # Up to the hold, the beat is the plain one: same animation, same narration.
            narrated = round((p["end"] - p["start"]) * FPS)
            assert round((d["description_start"] - d["start"]) * FPS) == narrated, d["name"]
            held = round((d["end"] - d["description_start"]) * FPS)
            if not d["description"]:  # nothing more to say: no hold
                assert held == 0, d["name"]
                continue
            described_beats += 1
            audio = _description_audio(versions.described, stem, d["name"])
            needed = max(reading_seconds(d["description"]), audio + SPEECH_TAIL)
            assert held == frames(needed), (d["name"], held, needed)
    assert described_beats == 3


def _description_audio(variant: Path, stem: str, beat: str) -> float:
    """The spoken description's length, from the WAV the section's record names."""
    record = json.loads((variant / ".cache" / f"{stem}.json").read_text())
    (b,) = [b for b in record["beats"] if b["name"] == beat]
    samples, rate = read_wav(Path(b["description_audio"]))
    return len(samples) / rate


def test_the_captions_carry_the_description_in_brackets_after_the_narration(versions):
    for stem in STEMS:
        cues = captions.parse((versions.described / f"{stem}.vtt").read_text())
        plain_cues = captions.parse((versions.plain / f"{stem}.vtt").read_text())
        assert not any("[" in c.text for c in plain_cues), "the plain version's captions stay as they were"
        for b in versions.beats(versions.described, stem):
            inside = [c for c in cues if b["start"] - 1e-3 <= c.start < b["end"] - 1e-3]
            said = [c for c in inside if c.start < b["description_start"] - 1e-3]
            told = [c for c in inside if c.start >= b["description_start"] - 1e-3]
            assert " ".join(" ".join(c.text.split()) for c in said) == b["narration"]
            if b["description"]:
                text = " ".join(" ".join(c.text.split()) for c in told)
                assert text == bracketed(b["description"]), b["name"]
                assert all(len(line) <= captions.MAX_LINE for c in told for line in c.lines)
            else:
                assert not told


def _sound(video: Path) -> np.ndarray:
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(video), "-vn", "-ac", "1", "-ar", str(RATE), "-f", "s16le", "-"],
        capture_output=True,
        check=True,
    ).stdout
    return np.frombuffer(raw, dtype=np.int16).astype(np.float32) / 32768


def _loudness(samples: np.ndarray, start: float, end: float) -> float:
    part = samples[int(start * RATE) : int(end * RATE)]
    return float(np.sqrt(np.mean(part**2))) if len(part) else 0.0


def test_the_sound_track_speaks_the_description_while_the_picture_holds(versions):
    stem = STEMS[0]
    (first, _) = versions.beats(versions.described, stem)
    audio = _description_audio(versions.described, stem, first["name"])
    described = _sound(versions.described / f"{stem}.mp4")
    plain = _sound(versions.plain / f"{stem}.mp4")
    t0 = first["description_start"]
    speaking = _loudness(described, t0 + 0.1, t0 + audio - 0.1)
    assert speaking > 0.02, speaking
    # The narration before the hold is the plain version's, sample for sample (AAC aside).
    n = int((t0 - 0.2) * RATE)
    assert np.abs(described[:n] - plain[:n]).max() < 0.05
    # And the picture holds: the frames of the hold are all the beat's last.
    out = subprocess.run(
        ["ffmpeg", "-v", "error", "-ss", f"{t0 + 0.05:.3f}", "-t", f"{audio - 0.1:.3f}", "-i"]
        + [str(versions.described / f"{stem}.mp4"), "-an", "-f", "framemd5", "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    hashes = {line.rsplit(",", 1)[-1].strip() for line in out.splitlines() if line and not line.startswith("#")}
    assert len(hashes) == 1, f"{len(hashes)} different frames in the hold"


def test_clips_lesson_and_chapters_follow_the_longer_timing(versions):
    clips = json.loads((versions.described / "clips.json").read_text())
    beats = [b for stem in STEMS for b in versions.beats(versions.described, stem)]
    assert len(clips) == len(beats)
    for clip, b in zip(clips, beats, strict=True):
        assert clip["duration"] == pytest.approx(b["end"] - b["start"], abs=1 / FPS)
        shown = float(ffprobe(versions.described / clip["file"])["format"]["duration"])
        assert shown == pytest.approx(b["end"] - b["start"], abs=0.08)
    lengths = {v: [versions.beats(v, stem)[-1]["end"] for stem in STEMS] for v in (versions.plain, versions.described)}
    assert all(d > p for d, p in zip(lengths[versions.described], lengths[versions.plain], strict=True))
    lesson = float(ffprobe(versions.described / "lesson.mp4")["format"]["duration"])
    assert lesson == pytest.approx(sum(lengths[versions.described]), abs=0.1)
    chapters = captions.parse((versions.described / "chapters.vtt").read_text())
    assert chapters[1].start == pytest.approx(lengths[versions.described][0], abs=0.01)


def test_the_descriptions_track_has_one_cue_per_described_beat(versions):
    for folder in (versions.plain, versions.described):
        cues = captions.parse((folder / "descriptions.vtt").read_text())
        offset, expected = 0.0, []
        for stem in STEMS:
            beats = versions.beats(folder, stem)
            for b in beats:
                if b["description"]:
                    start = b["description_start"] if folder == versions.described else b["start"]
                    expected.append((offset + start, offset + b["end"], b["description"]))
            offset += beats[-1]["end"]
        got = [(c.start, c.end, " ".join(c.text.split())) for c in cues]
        assert len(got) == len(expected) == 3
        for (s, e, text), (s2, e2, text2) in zip(got, expected, strict=True):
            assert text == text2 and s == pytest.approx(s2, abs=0.002) and e == pytest.approx(e2, abs=0.002)


@pytest.mark.clients
def test_the_pages_switch_between_the_versions_at_the_same_point(versions):
    from playwright.sync_api import sync_playwright

    plain = [b for stem in STEMS for b in versions.beats(versions.plain, stem)]
    offsets = {v: [] for v in ("plain", "described")}
    for name, folder in (("plain", versions.plain), ("described", versions.described)):
        at = 0.0
        for stem in STEMS:
            beats = versions.beats(folder, stem)
            offsets[name] += [at + b["start"] for b in beats]
            at += beats[-1]["end"]
    outside, errors = [], []
    root = versions.plain.parent
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(offline=True, viewport={"width": 1280, "height": 800})

        def route(r):
            url = r.request.url
            if _inside(url, root) or url.startswith(("blob:", "data:")):
                r.continue_()
            else:
                outside.append(url)
                r.abort()

        context.route("**/*", route)
        tab = context.new_page()
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        try:
            tab.goto((versions.plain / "index.html").as_uri())
            video = "document.getElementById('video')"
            tab.wait_for_function(f"() => {video}.readyState >= 1", timeout=20_000)
            tab.wait_for_function("() => !document.getElementById('described').hidden", timeout=10_000)
            assert tab.get_attribute("#described", "aria-pressed") == "false"
            # The transcript has every description, marked as such.
            marked = tab.locator("#transcript .description").all_inner_texts()
            assert [" ".join(m.split()) for m in marked] == [
                f"Described: {b['description']}" for b in plain if b["description"]
            ]
            # The text description of the beat playing is in the live region, read out on request.
            k = 3  # beta's "move"
            tab.evaluate(f"{video}.currentTime = {offsets['plain'][k] + 0.3}")
            tab.wait_for_function(
                "() => document.getElementById('description-now').textContent.includes("
                f"{json.dumps(plain[k]['description'])})",
                timeout=5_000,
            )
            assert tab.get_attribute("#description-now", "aria-live") == "off"
            tab.click("#read-descriptions")
            assert tab.get_attribute("#description-now", "aria-live") == "polite"
            # The switch: the same beat, the same time into it, in the described version.
            tab.click("#described")
            tab.wait_for_url("**/low-described/index.html#t=*", timeout=10_000)
            tab.wait_for_function(f"() => {video}.readyState >= 1", timeout=20_000)
            want = offsets["described"][k] + 0.3
            tab.wait_for_function(f"() => Math.abs({video}.currentTime - {want}) < 0.05", timeout=5_000)
            assert tab.get_attribute("#described", "aria-pressed") == "true"
            tracks = tab.evaluate(f"[...{video}.textTracks].map(t => [t.kind, t.cues ? t.cues.length : -1])")
            assert ["descriptions", 3] in tracks
            # And back to the plain one from inside a hold: the beat's last moment there.
            first = versions.beats(versions.described, STEMS[0])[0]
            tab.evaluate(f"{video}.currentTime = {first['description_start'] + 0.5}")
            time.sleep(0.2)
            tab.click("#described")
            tab.wait_for_url("**/low/index.html#t=*", timeout=10_000)
            tab.wait_for_function(f"() => {video}.readyState >= 1", timeout=20_000)
            back = tab.evaluate(f"{video}.currentTime")
            assert back == pytest.approx(plain[0]["end"] - plain[0]["start"], abs=0.05)
        finally:
            browser.close()
    assert not errors, errors
    assert not outside, outside


def test_the_package_holds_one_version_and_no_look_for_the_other(versions):
    from renderer.page import without_variant_probe

    page = (versions.plain / "index.html").read_text()
    assert sibling_probe((versions.plain.parent / "low-described" / "page" / "variant.js").as_uri(), versions.plain)
    assert 'id="variant-probe"' in page and 'id="variant-probe"' not in without_variant_probe(page)
