"""Offline narration for the lesson: speech, its cache, and captions timed to it.

    from narration import voice_from_env, narrate, line_cues
    line = narrate("The loss is L = 0.143.", voice_from_env())
    line.path, line.duration            # a loudness-normalised WAV (None for the "none" voice)
    line_cues(line, start=0, end=5.0)   # caption cues (<= 2 lines of <= 42 chars), timed to the audio

The voice comes from ``BACKPROP_VOICE`` (piper | espeak | none; default none).
Every sentence is synthesised separately (its real duration times its captions)
and cached by (spoken text, voice, voice settings, processing) in
``BACKPROP_NARRATION_CACHE`` (default <project>/.cache/narration), so an
unchanged sentence is never synthesised twice.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import os
import resource
import time
import wave
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from common import atomic
from narration import audio
from narration.cache import CACHE_ENV_VAR, cache_dir, key
from narration.captions import Cue, chunks, cues_for, sentences
from narration.speech import spoken
from narration.voices import VOICES, Voice, VoiceError, get_voice

__all__ = [
    "CACHE_ENV_VAR",
    "VOICE_ENV_VAR",
    "VOICES",
    "Cue",
    "LineAudio",
    "Sentence",
    "STATS",
    "Voice",
    "VoiceError",
    "get_voice",
    "line_cues",
    "narrate",
    "prepare",
    "spoken",
    "voice_from_env",
]

VOICE_ENV_VAR = "BACKPROP_VOICE"
# ``./render.sh --described``: every beat's audio description spoken in a hold after its
# narration (scenes/lesson.py).
DESCRIBED_ENV_VAR = "BACKPROP_DESCRIBED"


def described_version() -> bool:
    return os.environ.get(DESCRIBED_ENV_VAR, "") not in ("", "0")


SENTENCE_GAP = 0.3  # seconds of silence between two sentences of one line
# Part of every cache key: change it when the processing below changes.
PROCESSING = {
    "format": 1,
    "target_dbfs": audio.TARGET_DBFS,
    "peak": audio.PEAK_LIMIT,
    "trim_db": audio.SILENCE_DB,
    "edge": audio.EDGE_KEEP,
}

# What this process did (tests and the benchmark read it).
STATS = {"synthesised": 0, "cache_hits": 0, "synth_seconds": 0.0, "synth_cpu": 0.0, "audio_seconds": 0.0}


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)  # piper's own threads too
    return r.ru_utime + r.ru_stime


def voice_from_env() -> Voice:
    return get_voice(os.environ.get(VOICE_ENV_VAR) or "none")


@dataclass
class Sentence:
    text: str  # as written (captions)
    spoken: str  # as spoken (audio)
    start: float = 0.0  # seconds from the start of the line's audio
    end: float = 0.0


@dataclass
class LineAudio:
    text: str
    voice: str
    path: Path | None = None  # the whole line as one WAV
    duration: float = 0.0
    sentences: list[Sentence] = field(default_factory=list)


def _wav_bytes(samples: np.ndarray, rate: int) -> bytes:
    buf = io.BytesIO()
    audio.write_wav(buf, samples, rate)  # wave accepts a file object
    return buf.getvalue()


def readable(path: Path) -> bool:
    """The cached WAV is whole (a zero-byte or cut-short file is made again, never trusted)."""
    try:
        audio.read_wav(path)
    except (OSError, EOFError, wave.Error, ValueError):
        return False
    return True


def _sentence_path(text: str, voice: Voice) -> Path:
    return cache_dir() / f"{key(text=text, voice=voice.name, settings=voice.settings, processing=PROCESSING)}.wav"


@contextlib.contextmanager
def _locked(path: Path, wait: bool = True):
    """One process synthesises a sentence at a time; the others wait, then find it cached.
    Without ``wait``, yields False at once when another process has it."""
    locks = path.parent / ".locks"
    locks.mkdir(exist_ok=True)
    with open(locks / f"{path.stem}.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True


def synthesize_sentence(text: str, voice: Voice, wait: bool = True) -> Path | None:
    """The WAV of one spoken sentence: trimmed, loudness-normalised, cached. (None without
    ``wait`` when another process is synthesising it now.)"""
    path = _sentence_path(text, voice)
    if path.exists() and readable(path):
        STATS["cache_hits"] += 1
        return path
    with _locked(path, wait) as mine:
        if not mine:
            return None
        if path.exists() and readable(path):  # made by the process we waited for
            STATS["cache_hits"] += 1
            return path
        started, cpu = time.perf_counter(), _cpu()
        samples, rate = voice.synthesize(text)
        samples = audio.normalise(audio.trim(samples, rate), rate)
        atomic.write_bytes(path, _wav_bytes(samples, rate))
        STATS["synthesised"] += 1
        STATS["synth_seconds"] += time.perf_counter() - started
        STATS["synth_cpu"] += _cpu() - cpu
        STATS["audio_seconds"] += len(samples) / rate
    return path


def prepare(text: str, voice: Voice) -> int:
    """Synthesise a line's sentences into the cache ahead of the scene that speaks it, passing
    over any another process is synthesising now; returns how many it synthesised."""
    if voice.silent:
        return 0
    before = STATS["synthesised"]
    for s in sentences(" ".join(text.split())):
        said = spoken(s)
        if said.strip(" .,:;!?"):
            synthesize_sentence(said, voice, wait=False)
    return STATS["synthesised"] - before


def narrate(text: str, voice: Voice | None = None) -> LineAudio:
    """Speak a narration line: one WAV for the line, with each sentence's timing."""
    voice = voice or voice_from_env()
    text = " ".join(text.split())
    parts = [Sentence(s, spoken(s)) for s in sentences(text)]
    line = LineAudio(text, voice.name, sentences=parts)
    if voice.silent:
        return line
    clips, rate = [], None
    for s in parts:
        if not s.spoken.strip(" .,:;!?"):
            clips.append(None)
            continue
        samples, r = audio.read_wav(synthesize_sentence(s.spoken, voice))
        if rate is not None and r != rate:
            raise VoiceError(f"sample rates differ within one line ({rate} and {r})")
        rate = r
        clips.append(samples)
    if rate is None:
        return line
    gap = np.zeros(int(round(SENTENCE_GAP * rate)), dtype=np.float32)
    pieces, t = [], 0
    for k, (s, clip) in enumerate(zip(parts, clips)):
        if k and pieces:
            pieces.append(gap)
            t += len(gap)
        s.start = t / rate
        if clip is not None:
            pieces.append(clip)
            t += len(clip)
        s.end = t / rate
    whole = np.concatenate(pieces)
    name = key(
        line=[s.spoken for s in parts],
        voice=voice.name,
        settings=voice.settings,
        processing=PROCESSING,
        gap=SENTENCE_GAP,
    )
    line.path = cache_dir() / f"line-{name}.wav"
    data = _wav_bytes(whole, rate)
    if not line.path.exists() or line.path.stat().st_size != len(data):  # missing or not whole
        atomic.write_bytes(line.path, data)
    line.duration = len(whole) / rate
    return line


def line_cues(line: LineAudio, start: float, end: float) -> list[Cue]:
    """Caption cues for a line shown from ``start`` to ``end`` (seconds in the video).

    With audio, each sentence's cue starts when the sentence is spoken and lasts
    until the next one starts (the last until ``end``); a sentence longer than
    one cue is divided by characters. Without audio, sentences share the time by
    their length (reading speed)."""
    parts = line.sentences or [Sentence(line.text, line.text)]
    if line.path is None:
        weights = [sum(len(c) + 1 for c in chunks(s.text)) for s in parts]
        total = sum(weights)
        bounds, t = [], start
        for w in weights:
            bounds.append((t, t + (end - start) * w / total))
            t = bounds[-1][1]
        bounds[-1] = (bounds[-1][0], end)
    else:
        starts = [start + s.start for s in parts]
        starts[0] = start
        bounds = [(a, b) for a, b in zip(starts, starts[1:] + [end])]
    out: list[Cue] = []
    for s, (a, b) in zip(parts, bounds):
        out.extend(cues_for(s.text, a, max(a, b)))
    return out
