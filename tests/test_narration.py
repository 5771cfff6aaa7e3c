"""Narration: the voices speak, the cache is used, captions are valid and follow
the audio, and a narrated render has an audio track as long as its video."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import srt as srtlib

import narration
from narration import audio, captions, line_cues, narrate
from narration.cache import CACHE_ENV_VAR
from narration.captions import MAX_LINE, MAX_LINES
from narration.speech import spoken
from narration.voices import get_voice

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """A fresh synthesis cache for this module (the environment variable the package reads)."""
    path = tmp_path_factory.mktemp("narration-cache")
    saved = os.environ.get(CACHE_ENV_VAR)
    os.environ[CACHE_ENV_VAR] = str(path)
    yield path
    if saved is None:
        os.environ.pop(CACHE_ENV_VAR, None)
    else:
        os.environ[CACHE_ENV_VAR] = saved


def check_cues(cues, text=None, start=None, end=None):
    """Valid captions: times increase, no overlaps, <= 2 lines of <= 42 chars, text == narration."""
    assert cues
    for a, b in zip(cues, cues[1:]):
        assert a.end <= b.start + 1e-3, f"overlap: {a} / {b}"
    for cue in cues:
        assert cue.end > cue.start, cue
        assert len(cue.lines) <= MAX_LINES, cue.text
        assert all(0 < len(line) <= MAX_LINE for line in cue.lines), cue.text
    if text is not None:
        assert " ".join(" ".join(c.lines) for c in cues) == " ".join(text.split())
    if start is not None:
        assert cues[0].start == pytest.approx(start, abs=1e-3)
    if end is not None:
        assert cues[-1].end == pytest.approx(end, abs=1e-3)


# -- text for the ear ------------------------------------------------------
@pytest.mark.parametrize(
    "written, said",
    [
        ("So ∂L/∂w₁ = -0.0334.", "So dee L by dee w one equals minus zero point zero three three four."),
        ("a₂ = σ(z₂)", "ay two equals sigma of z two"),
        ("a₂(1 − a₂)", "ay two times one minus ay two"),
        ("σ′(z)", "sigma prime of z"),
        ("slope dL/dw1 at x = 2.800", "slope dee L by dee w one at x equals two point eight"),
        ("w₁ ← w₁ − η·∂L/∂w₁", "w one becomes w one minus eta times dee L by dee w one"),
        ("Let's stop at section 01.", "Let's stop at section one."),
        ("u = 3x + 1, dy by du = 2u", "u equals three x plus one, dee y by dee u equals two u"),
        ("the weights' gradients, times a k", "the weights' gradients, times ay k"),
    ],
)
def test_symbols_are_spoken_as_a_teacher_would(written, said):
    assert spoken(written) == said


# -- voices and cache --------------------------------------------------------
@pytest.mark.parametrize("voice", ["espeak", "piper"])
def test_each_voice_speaks_a_short_sentence(voice, cache):
    line = narrate("The loss is the squared error.", get_voice(voice))
    samples, rate = audio.read_wav(line.path)
    seconds = len(samples) / rate
    assert 0.8 < seconds < 5.0, seconds
    assert line.duration == pytest.approx(seconds, abs=0.01)
    assert np.sqrt(np.mean(samples**2)) > 0.01, "not silent"
    # Loudness-normalised to the common target, whatever the voice.
    assert audio.speech_dbfs(samples, rate) == pytest.approx(audio.TARGET_DBFS, abs=1.5)


def test_an_unchanged_sentence_is_never_synthesised_twice(cache):
    voice = get_voice("espeak")
    text = "First sentence here. Second sentence here."
    first = narrate(text, voice)
    before = dict(narration.STATS)
    mtimes = {p: p.stat().st_mtime_ns for p in cache.iterdir()}
    again = narrate(text, voice)
    assert narration.STATS["synthesised"] == before["synthesised"]
    assert narration.STATS["cache_hits"] == before["cache_hits"] + 2
    assert {p: p.stat().st_mtime_ns for p in cache.iterdir()} == mtimes
    assert again.path == first.path and again.duration == first.duration
    # Changing one sentence synthesises that sentence only.
    narrate("First sentence here. Another second sentence.", voice)
    assert narration.STATS["synthesised"] == before["synthesised"] + 1


def test_the_none_voice_is_silent_but_still_captioned(cache):
    line = narrate("Nothing is said here. Captions still come.", get_voice("none"))
    assert line.path is None and line.duration == 0
    check_cues(line_cues(line, 2.0, 7.0), line.text, 2.0, 7.0)


# -- captions ---------------------------------------------------------------
LONG = (
    "Sigmoid slope from the stored a₁: a₁(1 − a₁). Reuse ∂L/∂a₁ to get ∂L/∂z₁. So ∂a₁/∂z₁ = 0.235. "
    "The running product, which we carry backwards through every unit of the network one step at a time, "
    "is ∂L/∂z₁ = -0.0334."
)


def test_captions_follow_the_sentences_of_the_audio(cache):
    line = narrate(LONG, get_voice("espeak"))
    end = 1.0 + line.duration + 0.6
    cues = line_cues(line, 1.0, end)
    check_cues(cues, LONG, 1.0, end)
    # Each sentence's first cue starts when the sentence is spoken.
    starts = {round(c.start, 3) for c in cues}
    for s in line.sentences:
        assert round(1.0 + s.start, 3) in starts or s is line.sentences[0]


def test_caption_files_parse_and_agree(tmp_path, cache):
    line = narrate(LONG, get_voice("none"))
    cues = line_cues(line, 0.0, 20.0)
    srt_path, vtt_path = captions.write(cues, tmp_path / "clip")
    parsed_srt = list(srtlib.parse(srt_path.read_text(encoding="utf-8")))
    vtt_text = vtt_path.read_text(encoding="utf-8")
    assert vtt_text.startswith("WEBVTT\n")
    parsed_vtt = captions.parse(vtt_text)
    assert [s.content for s in parsed_srt] == [c.text for c in parsed_vtt] == [c.text for c in cues]
    check_cues(parsed_vtt, LONG, 0.0, 20.0)


# -- a narrated render ---------------------------------------------------------
def test_a_narrated_render_has_audio_and_captions_as_long_as_its_video(tmp_path, cache):
    import av

    from tests.fixtures_narration import NarrationFixtureScene  # noqa: F401 (the file must import)

    lines = [
        "Here is a circle. It stands for one neuron of the network.",
        "Its slope is ∂L/∂w₁, read as dee L by dee w one.",
    ]
    for text in lines:  # synthesised here; the render must find them all in the cache
        narrate(text, get_voice("piper"))
    cached = sorted(p.name for p in cache.iterdir())
    env = dict(os.environ, BACKPROP_VOICE="piper", **{CACHE_ENV_VAR: str(cache)})
    media = tmp_path / "media"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "manim",
            "render",
            "-ql",
            "--disable_caching",
            "--media_dir",
            str(media),
            "-v",
            "WARNING",
            str(ROOT / "tests" / "fixtures_narration.py"),
            "NarrationFixtureScene",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    assert sorted(p.name for p in cache.iterdir()) == cached, "the render synthesised something"
    video = next(media.glob("videos/*/*/NarrationFixtureScene.mp4"))
    with av.open(str(video)) as container:
        v_stream = container.streams.video[0]
        a_stream = container.streams.audio[0]
        v_seconds = float(v_stream.duration * v_stream.time_base)
        a_seconds = float(a_stream.duration * a_stream.time_base)
        samples = np.concatenate([frame.to_ndarray().astype(np.float64).ravel() for frame in container.decode(audio=0)])
    assert abs(a_seconds - v_seconds) <= 0.5, (a_seconds, v_seconds)
    assert np.sqrt(np.mean(samples**2)) > 0.005, "the audio track is silent"

    beats = json.loads(video.with_suffix(".beats.json").read_text(encoding="utf-8"))
    assert [b["narration"] for b in beats] == lines
    assert all(b["end"] - b["start"] >= b["audio_seconds"] for b in beats), "a beat is cut before its voice ends"
    for path in (video.with_suffix(".srt"), video.with_suffix(".vtt")):
        cues = captions.parse(path.read_text(encoding="utf-8"))
        check_cues(cues, " ".join(lines))
        assert cues[0].start <= 1.0 and abs(cues[-1].end - v_seconds) <= 1.0
