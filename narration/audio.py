"""Audio helpers with numpy only: trim silence, loudness-normalise, read/write WAV."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

# Every clip is brought to this speech loudness, so all scenes match.
TARGET_DBFS = -20.0  # RMS of the voiced 20 ms frames
PEAK_LIMIT = 0.95  # soft limit above this (about -0.4 dBFS)
SILENCE_DB = -45.0  # below this (relative to the clip's loudest frame) a frame is silence
EDGE_KEEP = 0.05  # seconds kept before the first and after the last voiced frame


def frames_db(samples: np.ndarray, rate: int, frame: float = 0.02) -> np.ndarray:
    n = max(1, int(frame * rate))
    count = len(samples) // n
    if count == 0:
        return np.array([-120.0])
    blocks = samples[: count * n].reshape(count, n)
    rms = np.sqrt(np.mean(blocks.astype(np.float64) ** 2, axis=1))
    return 20 * np.log10(np.maximum(rms, 1e-9))


def trim(samples: np.ndarray, rate: int) -> np.ndarray:
    """Cut the leading and trailing silence (keeping a short margin)."""
    db = frames_db(samples, rate)
    voiced = np.flatnonzero(db > db.max() + SILENCE_DB)
    if len(voiced) == 0:
        return samples
    n = int(0.02 * rate)
    keep = int(EDGE_KEEP * rate)
    start = max(0, voiced[0] * n - keep)
    end = min(len(samples), (voiced[-1] + 1) * n + keep)
    return samples[start:end]


def speech_dbfs(samples: np.ndarray, rate: int) -> float:
    """Loudness of the voiced part: RMS over frames within 30 dB of the loudest (a simple gate)."""
    db = frames_db(samples, rate)
    voiced = db[db > db.max() - 30.0]
    return float(10 * np.log10(np.mean(10 ** (voiced / 10))))


def normalise(samples: np.ndarray, rate: int, target_dbfs: float = TARGET_DBFS) -> np.ndarray:
    if not np.any(samples):
        return samples
    gain = 10 ** ((target_dbfs - speech_dbfs(samples, rate)) / 20)
    out = samples.astype(np.float64) * gain
    # Soft limiter: above PEAK_LIMIT, compress smoothly towards 1.0 instead of clipping.
    over = np.abs(out) > PEAK_LIMIT
    if np.any(over):
        head = 1.0 - PEAK_LIMIT
        excess = np.abs(out[over]) - PEAK_LIMIT
        out[over] = np.sign(out[over]) * (PEAK_LIMIT + head * np.tanh(excess / head))
    return out.astype(np.float32)


def write_wav(target, samples: np.ndarray, rate: int) -> None:
    """Write 16-bit mono PCM to a path or a binary file object."""
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(target) if isinstance(target, (str, Path)) else target, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """A 16-bit WAV's samples (mono float32) and rate; a file shorter than its header says
    (cut short) raises ValueError, an empty one wave.Error."""
    with wave.open(str(path), "rb") as w:
        rate, channels, width, count = w.getframerate(), w.getnchannels(), w.getsampwidth(), w.getnframes()
        data = w.readframes(count)
    if width != 2:
        raise ValueError(f"{path}: only 16-bit WAV is supported")
    if len(data) != count * channels * width:
        raise ValueError(f"{path}: cut short ({len(data)} of {count * channels * width} bytes of samples)")
    samples = np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768.0
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1)
    return samples, rate
