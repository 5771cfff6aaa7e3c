"""A section from its part records: the play files joined, narration, captions.

Nothing is re-encoded: the play files are remuxed one after another (their
timestamps shifted), the narration of every beat is laid at the beat's first
frame and encoded once as AAC, and the captions come from the beats' cues.
The same holds for one beat's clip, whose times start at the clip's start.
"""

from __future__ import annotations

import json
import os
import subprocess
import wave
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image

from common import atomic
from narration import audio, captions, get_voice, narrate
from narration.captions import Cue

AUDIO_FRAME = 1024  # samples per AAC frame


class AssemblyError(RuntimeError):
    pass


@dataclass
class Section:
    fps: int
    width: int
    height: int
    extension: str
    beats: list[dict]
    plays: list[dict]  # every play with frames, in order: beat, frames, key
    store: Path
    voice: str | None = None  # the voice that spoke the beats: a damaged narration WAV is made again

    @classmethod
    def from_parts(cls, records: list[dict], store: Path) -> Section:
        """Check that the parts cover the whole section once, and put them together."""
        if not records:
            raise AssemblyError("no part records")
        first = records[0]
        for r in records:
            for field in ("fps", "width", "height", "extension", "scene"):
                if r[field] != first[field]:
                    raise AssemblyError(f"parts disagree on {field}: {r[field]!r} vs {first[field]!r}")
        whole = [r for r in records if r["complete"]]
        if not whole:
            raise AssemblyError("no part reached the end of the scene")
        beats = max(whole, key=lambda r: len(r["beats"]))["beats"]
        for r in records:  # every part ran the same scene: the beats it saw must agree
            for mine, theirs in zip(r["beats"], beats):
                if {k: mine[k] for k in ("name", "start_frame", "end_frame")} != {
                    k: theirs[k] for k in ("name", "start_frame", "end_frame")
                }:
                    raise AssemblyError(f"parts disagree on beat {mine['index']} ({mine['name']})")
        owner: dict[int, list[dict]] = {}
        for r in sorted(records, key=lambda r: r["range"][0]):
            start, stop = r["range"]
            for k in range(start, len(beats) if stop is None else min(stop, len(beats))):
                if k in owner:
                    raise AssemblyError(f"beat {k} is in two parts")
                owner[k] = [p for p in r["plays"] if p["beat"] == k]
        missing = [k for k in range(len(beats)) if k not in owner]
        if missing:
            raise AssemblyError(f"no part rendered beat(s) {missing}")
        plays = []
        for k, beat in enumerate(beats):
            frames = sum(p["frames"] for p in owner[k])
            if frames != beat["end_frame"] - beat["start_frame"]:
                raise AssemblyError(
                    f"beat {k} ({beat['name']}): plays have {frames} frames, "
                    f"the beat {beat['end_frame'] - beat['start_frame']}"
                )
            plays += [p for p in owner[k] if p["frames"]]
        return cls(first["fps"], first["width"], first["height"], first["extension"], beats, plays, Path(store))

    @property
    def frames(self) -> int:
        return self.beats[-1]["end_frame"] if self.beats else 0

    def ends_held(self, beat: int | None = None) -> bool:
        """Whether the section (or beat) ends with a hold."""
        chosen = [p for p in self.plays if beat is None or p["beat"] == beat]
        return bool(chosen) and not chosen[-1].get("moving", True)

    def last_frame(self, beat: int | None = None) -> Image.Image:
        return last_frame(self.files(beat), held=self.ends_held(beat))

    def files(self, beat: int | None = None) -> list[Path]:
        chosen = [p for p in self.plays if beat is None or p["beat"] == beat]
        paths = [self.store / f"{p['key']}{self.extension}" for p in chosen]
        absent = [p.name for p in paths if not p.exists()]
        if absent:
            raise AssemblyError(f"{len(absent)} play file(s) missing from {self.store}, e.g. {absent[0]}")
        return paths

    def cues(self, beat: int | None = None) -> list[Cue]:
        chosen = self.beats if beat is None else [self.beats[beat]]
        offset = 0.0 if beat is None else self.beats[beat]["start_frame"] / self.fps
        return [Cue(s - offset, e - offset, text) for b in chosen for s, e, text in b["cues"]]

    def audio(self, beat: int | None = None) -> tuple[np.ndarray, int] | None:
        """The narration of the section or of one beat (see ``narration``)."""
        return narration(self.beats if beat is None else [self.beats[beat]], self.fps, self.voice)


def narration(beats: list[dict], fps: int, voice: str | None = None) -> tuple[np.ndarray, int] | None:
    """Every beat's spoken line laid at its first frame, and in the described version its
    description at the frame the picture holds: (mono float32 samples, rate), exactly as
    long as the beats, or None if none of them speaks. A WAV that is missing or damaged is
    spoken again (``voice``, from the beat's text), never fatal."""
    spoken = [(b, "audio", "narration", "start_frame") for b in beats if b.get("audio")]
    spoken += [
        (b, "description_audio", "description", "description_frame") for b in beats if b.get("description_audio")
    ]
    if not spoken:
        return None
    first = beats[0]["start_frame"]
    rate, clips = None, []
    for b, wav, text, frame in spoken:
        samples, r = _line(b, voice, wav, text)
        if rate not in (None, r):
            raise AssemblyError(f"narration sample rates differ ({rate} and {r})")
        rate = r
        clips.append((b[frame] - first, samples))
    track = np.zeros(int(round((beats[-1]["end_frame"] - first) * rate / fps)), dtype=np.float32)
    for start_frame, samples in clips:
        at = int(round(start_frame * rate / fps))
        end = min(len(track), at + len(samples))
        track[at:end] += samples[: end - at]
    return track, rate


def write_audio(audio: tuple[np.ndarray, int], out: Path) -> None:
    """An audio-only file (.m4a: AAC; .ogg: Opus) of the track."""
    container = av.open(str(out), mode="w", format="ipod" if out.suffix == ".m4a" else "ogg")
    stream, packets = _audio_packets(container, *audio)
    for packet in packets:
        container.mux(packet)
    container.close()


def _line(beat: dict, voice: str | None, wav: str = "audio", text: str = "narration") -> tuple[np.ndarray, int]:
    try:
        return read_wav(Path(beat[wav]))
    except AssemblyError:
        if not voice or voice == "none" or not beat.get(text):
            raise
    line = narrate(beat[text], get_voice(voice))
    return read_wav(line.path)


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """narration's WAV reader, its failures as this module's error."""
    try:
        return audio.read_wav(path)
    except (OSError, EOFError, wave.Error, ValueError) as exc:
        raise AssemblyError(f"cannot read the narration {path}: {exc}") from None


def _audio_packets(out, track: np.ndarray, rate: int) -> tuple[object, list]:
    """The track encoded for ``out``: AAC, or Opus at 48 kHz in WebM/Ogg (this
    build of libav has no libvorbis, and Opus takes no 22.05 kHz)."""
    if out.format.name in ("webm", "ogg"):
        codec, new_rate = "libopus", 48000
        times = np.arange(int(len(track) * new_rate / rate)) * (rate / new_rate)
        track, rate = np.interp(times, np.arange(len(track)), track).astype(np.float32), new_rate
    else:
        codec = "aac"
    stream = out.add_stream(codec, rate=rate, layout="mono")
    stream.codec_context.open()
    size = stream.codec_context.frame_size or AUDIO_FRAME
    fmt = stream.codec_context.format.name  # fltp for AAC, flt or s16 for Opus
    packets = []
    for i in range(0, len(track), size):
        chunk = track[i : i + size]
        if len(chunk) < size:
            chunk = np.pad(chunk, (0, size - len(chunk)))
        if fmt.startswith("s16"):
            frame = av.AudioFrame.from_ndarray(
                (np.clip(chunk, -1, 1) * 32767).astype(np.int16)[None, :], format="s16", layout="mono"
            )
        else:
            frame = av.AudioFrame.from_ndarray(
                chunk[None, :].astype(np.float32), format="flt" if fmt == "flt" else "fltp", layout="mono"
            )
        frame.sample_rate, frame.pts, frame.time_base = rate, i, Fraction(1, rate)
        packets += stream.encode(frame)
    packets += stream.encode(None)
    return stream, packets


def timescale(fps: int) -> int:
    return 15360 if 15360 % fps == 0 else fps * 1000


def join(files: list[Path], out_path: Path, fps: int, audio: tuple[np.ndarray, int] | None = None) -> None:
    """Remux ``files`` (same codec settings) into one video, with an audio track if given."""
    if not files:
        raise AssemblyError("nothing to join")
    tmp = out_path.with_name(f".{out_path.name}.{os.getpid()}.tmp{out_path.suffix}")
    fmt = {".mp4": "mp4", ".mov": "mov", ".webm": "webm"}[out_path.suffix]
    options = {}
    if fmt in ("mp4", "mov"):
        # The index up front (a browser plays while loading), and durations in a
        # time scale that holds whole frames, so joined sections stay on the frame grid.
        options = {"movflags": "+faststart", "movie_timescale": str(timescale(fps))}
    try:
        with av.open(files[0]) as first:
            template = first.streams.video[0]
            out = av.open(str(tmp), mode="w", format=fmt, options=options)
            video = out.add_stream_from_template(template)
        audio_stream, audio_packets = _audio_packets(out, *audio) if audio is not None else (None, [])
        pending = list(audio_packets)
        offset = 0  # frames so far
        for path in files:
            with av.open(path) as src:
                stream = src.streams.video[0]
                tb = stream.time_base
                # The frames before this file, in its time base (exact in MP4's; WebM's is milliseconds).
                shift = round(Fraction(offset, fps) / tb)
                count = 0
                for packet in src.demux(stream):
                    if packet.dts is None:
                        continue
                    packet.pts += shift
                    packet.dts += shift
                    packet.stream = video
                    out.mux(packet)
                    count += 1
                    now = float(packet.dts * tb)
                    while pending and float(pending[0].pts * audio_stream.time_base) <= now:
                        out.mux(pending.pop(0))
                offset += count
        for packet in pending:
            out.mux(packet)
        out.close()
        os.replace(tmp, out_path)
    finally:
        tmp.unlink(missing_ok=True)


def last_frame(files: list[Path], held: bool = False) -> Image.Image:
    """The last frame of the last file; of a hold (``held``), its first frame is the same."""
    frame = None
    with av.open(files[-1]) as src:
        for frame in src.decode(video=0):  # noqa: B007 - the loop keeps the last frame
            if held:
                break
    if frame is None:
        raise AssemblyError(f"no frame in {files[-1]}")
    return frame.to_image()


def to_gif(video: Path, gif: Path) -> None:
    """manim's GIF recipe (one palette for the whole video)."""
    tmp = gif.with_name(f".{gif.name}.{os.getpid()}.tmp.gif")
    graph = (
        "split[a][b];[a]palettegen=stats_mode=diff[p];[b][p]paletteuse=dither=bayer:bayer_scale=5:diff_mode=rectangle"
    )
    proc = subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-i", str(video), "-filter_complex", graph, str(tmp)],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        tmp.unlink(missing_ok=True)
        raise AssemblyError(f"ffmpeg could not make the GIF: {proc.stderr.strip()[-400:]}")
    os.replace(tmp, gif)


def write_video(section: Section, out: Path, beat: int | None = None, narrated: bool = True) -> None:
    """The section (or one beat) as ``out``: .mp4/.mov/.webm, or .gif made from H.264."""
    files = section.files(beat)
    audio = section.audio(beat) if narrated and out.suffix != ".gif" else None
    if out.suffix == ".gif":
        tmp = out.with_name(f".{out.stem}.{os.getpid()}.join.mp4")
        try:
            join(files, tmp, section.fps)
            to_gif(tmp, out)
        finally:
            tmp.unlink(missing_ok=True)
    else:
        join(files, out, section.fps, audio)


def write_section(section: Section, movie: Path, gif: bool = False) -> list[Path]:
    """The section's video with its .srt, .vtt and .beats.json beside it."""
    movie.parent.mkdir(parents=True, exist_ok=True)
    if gif:
        movie = movie.with_suffix(".gif")
    write_video(section, movie)
    written = [movie, *captions.write(section.cues(), movie)]
    index = [
        {
            "name": b["name"],
            "narration": b["narration"],
            "start": b["start"],
            "end": b["end"],
            "audio_seconds": b["audio_seconds"],
            "description": b.get("description"),
            "description_start": b.get("description_start", b["end"]),
            "cues": b["cues"],
        }
        for b in section.beats
    ]
    beats_file = movie.with_suffix(".beats.json")
    atomic.write_text(beats_file, json.dumps(index, indent=1, ensure_ascii=False) + "\n")
    return written + [beats_file]
