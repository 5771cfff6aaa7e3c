"""Frames to one play file: the encoder settings, in one place, and the writer.

Every ``play()`` or ``wait()`` of a scene becomes one short video file (a
"play file"), later joined without re-encoding. ``PlayEncoder`` writes one:

* moving frames are converted from the camera's RGBA to the codec's pixels on
  the caller's thread (that must finish before the camera draws the next
  frame) and encoded on a worker thread, so drawing and encoding overlap;
* a hold (one picture for N frames: every ``wait()`` with nothing moving) is
  converted and encoded once; with H.264 the other N - 1 frames are skip
  pictures (video/h264.py): a few bytes each, no conversion, no encoding.

The settings were chosen by measurement (README, "Render speed"): on 10 s
of the network walk at 1080p, x264's ``superfast`` preset at CRF 23 (no
B-frames) encodes a frame in 6.1 ms against 14.9 ms for manim's ``medium``,
at an SSIM of 0.999 against the source; ``veryfast`` took 8.0 ms (SSIM
0.998), ``ultrafast`` 4.0 ms but with files 3.2 times as large. With holds
nearly free, a section's file stays about the size of today's (0.9-1.05x).
B-frames are off: the skip pictures need the stream layout x264 writes
without them (and holds gain nothing from them).
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
import time
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from common import atomic
from video.h264 import SkipWriter


@dataclass(frozen=True)
class Encoding:
    codec: str
    pix_fmt: str  # what the codec is given
    options: dict[str, str] = field(default_factory=dict)
    threads: int = 1  # codec threads; the worker thread already runs beside the drawing

    @property
    def skips(self) -> bool:
        return self.codec == "libx264"


H264 = Encoding("libx264", "yuv420p", {"crf": "23", "preset": "superfast", "x264-params": "bframes=0"})
# The benchmark tries other x264 settings with BACKPROP_X264="preset=superfast crf=24" (any of
# x264's options as key=value, B-frames stay off).
OVERRIDE_ENV_VAR = "BACKPROP_X264"
# What manim 0.21 uses for the other containers (transparent video and WebM), unchanged.
QTRLE = Encoding("qtrle", "argb")
VP9 = Encoding("libvpx-vp9", "yuv420p", {"auto-alt-ref": "1"}, threads=0)
VP9_ALPHA = Encoding("libvpx-vp9", "yuva420p", {"auto-alt-ref": "1"}, threads=0)


def encoding_for(extension: str, transparent: bool) -> Encoding:
    """The codec of a play file: H.264, except for transparent video (QuickTime
    Animation in .mov) and WebM (VP9). GIFs are made from the H.264 files."""
    if extension == ".webm":
        return VP9_ALPHA if transparent else VP9
    if transparent:
        return QTRLE
    override = os.environ.get(OVERRIDE_ENV_VAR, "").split()
    if override:
        options = dict(H264.options)
        for item in override:
            name, _, value = item.partition("=")
            options[name] = value
        return Encoding(H264.codec, H264.pix_fmt, options)
    return H264


def recipe(encoding: Encoding) -> str:
    """Everything about encoding that a play file's content depends on."""
    return f"{encoding.codec}|{encoding.pix_fmt}|{sorted(encoding.options.items())}|{av.__version__}"


class EncoderError(RuntimeError):
    pass


class PlayEncoder:
    """Writes one play file. Frames go in with ``write``; ``close`` returns the
    number of frames written and moves the file into place (``abort`` drops it)."""

    QUEUE = 6  # converted frames waiting for the encoder (1080p yuv420p: 3 MB each)

    def __init__(self, path: Path, width: int, height: int, fps: int, encoding: Encoding) -> None:
        self.path = Path(path)
        self.tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        self.encoding = encoding
        self.time_base = Fraction(1, fps)
        fmt = {".mp4": "mp4", ".mov": "mov", ".webm": "webm"}[self.path.suffix]
        self.container = av.open(str(self.tmp), mode="w", format=fmt)
        self.stream = self.container.add_stream(encoding.codec, rate=fps, options=dict(encoding.options))
        self.stream.pix_fmt = encoding.pix_fmt
        self.stream.width, self.stream.height = width, height
        self.stream.codec_context.thread_count = encoding.threads
        self.frames = 0  # frames handed to write() so far
        self.cpu = 0.0  # the worker's CPU seconds (encoding and muxing)
        self._pts = 0  # frames muxed or queued for the encoder
        self._skips: SkipWriter | None = None
        self._flushed = False
        self._error: BaseException | None = None
        self._queue: queue.Queue = queue.Queue(self.QUEUE)
        self._worker = threading.Thread(target=self._work, name=f"encode-{self.path.stem[:12]}", daemon=True)
        self._worker.start()

    # -- the caller's side --------------------------------------------------
    def write(self, rgba: np.ndarray, repeat: int = 1) -> None:
        """``rgba`` (the camera's pixels, read before this returns) shown for ``repeat`` frames."""
        if repeat < 1:
            return
        self._check()
        converted = self._convert(rgba)
        self.frames += repeat
        self._queue.put((converted, repeat))

    def close(self, move: bool = True) -> int:
        """Finish the file; returns the frames written. It is flushed to disk and moved to
        ``path``, or (``move=False``) left at ``tmp`` for the play store to commit."""
        self._queue.put(None)
        self._worker.join()
        self._check()
        self.container.close()
        if move:
            atomic.fsync_file(self.tmp)
            os.replace(self.tmp, self.path)
        return self.frames

    def abort(self) -> None:
        if self._worker.is_alive():
            self._queue.put(None)
            self._worker.join()
        with contextlib.suppress(Exception):  # the file is dropped anyway
            self.container.close()
        self.tmp.unlink(missing_ok=True)

    def _check(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            self.abort()
            raise EncoderError(f"encoding {self.path.name} failed: {error}") from error

    def _convert(self, rgba: np.ndarray) -> av.VideoFrame:
        # from_numpy_buffer wraps the pixels without a copy; reformat makes the new frame.
        return av.VideoFrame.from_numpy_buffer(rgba, format="rgba").reformat(format=self.encoding.pix_fmt)

    # -- the worker's side ----------------------------------------------------
    def _work(self) -> None:
        started = time.thread_time()
        try:
            while (item := self._queue.get()) is not None:
                frame, repeat = item
                self._encode(frame)
                if repeat > 1:
                    self._hold(frame, repeat - 1)
            self._flush()
        except BaseException as exc:  # noqa: BLE001 - reported to the caller by _check
            self._error = exc
            while self._queue.get() is not None:  # let the caller's puts and close() go through
                pass
        finally:
            self.cpu = time.thread_time() - started

    def _encode(self, frame: av.VideoFrame) -> None:
        if self._flushed:
            raise EncoderError("a frame after a hold: a hold must end its play file")
        frame.pts, frame.time_base = self._pts, self.time_base
        self._pts += 1
        packets = self.stream.encode(frame)
        if self.encoding.skips and self._skips is None and self._pts == 1:
            # The encoder is open now; its headers are not written until the first mux.
            found = SkipWriter.for_extradata(bytes(self.stream.codec_context.extradata or b""))
            if found is not None:
                self._skips, self.stream.codec_context.extradata = found
        self._mux(packets)

    def _hold(self, frame: av.VideoFrame, count: int) -> None:
        if self._skips is None:  # no skip pictures for this codec: encode the repeats
            pixels, fmt = frame.to_ndarray(), frame.format.name
            for _ in range(count):  # a fresh frame each time: the encoder may keep the last one
                self._encode(av.VideoFrame.from_ndarray(pixels, format=fmt))
            return
        self._flush()
        for _ in range(count):
            packet = av.Packet(self._skips.next())
            packet.stream = self.stream
            packet.pts = packet.dts = self._pts
            packet.time_base = self.time_base
            packet.duration = 1
            self._pts += 1
            self.container.mux(packet)

    def _flush(self) -> None:
        if not self._flushed:
            self._flushed = True
            self._mux(self.stream.encode(None))

    def _mux(self, packets) -> None:
        for packet in packets:
            if self._skips is not None:
                self._skips.follow(bytes(packet))
            self.container.mux(packet)
