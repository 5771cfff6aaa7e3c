"""Where the time of one section render goes, today's way and the lesson renderer's.

    .venv/bin/python benchmarks/profile.py worked-example          # 1080p60, narrated
    .venv/bin/python benchmarks/profile.py network-walk --quality low

Before: the section rendered in this process with manim's own renderer
(``BACKPROP_PIPELINE=stock``), its methods wrapped with timers: the scene's
code, Cairo drawing (and copying each frame for the encoder thread), the
RGBA->YUV conversion and x264 (split between still frames, written N times
by a ``wait``, and moving ones), joining the partial files, and the
narration (fetching the spoken lines, mixing and encoding the audio). x264
runs in threads of its own; their CPU is the process's less the threads
measured.

After: ``./render.sh --force --parts 1 <section>`` (one process, every play
drawn), from the times the lesson renderer keeps in the section's record.

CPU seconds add up across threads, so they can exceed the wall time.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def before(section: str, quality: str, voice: str) -> dict:
    os.environ["BACKPROP_PIPELINE"] = "stock"
    os.environ["BACKPROP_VOICE"] = voice
    import av
    from manim import tempconfig
    from manim.camera.camera import Camera
    from manim.renderer.cairo_renderer import CairoRenderer
    from manim.scene import scene_file_writer as sfw

    from scenes import lesson
    from scenes.manifest import by_name

    sec = by_name(section)
    cls = getattr(importlib.import_module(f"scenes.{sec.module}"), sec.scene)
    cpu: dict[str, float] = defaultdict(float)
    frames: dict[str, int] = defaultdict(int)
    lock = threading.Lock()

    def timed(bucket, fn):
        def wrapper(*a, **k):
            started = time.thread_time()
            try:
                return fn(*a, **k)
            finally:
                with lock:
                    cpu[bucket] += time.thread_time() - started

        return wrapper

    Camera.capture_mobjects = timed("drawing", Camera.capture_mobjects)
    CairoRenderer.get_frame = timed("drawing", CairoRenderer.get_frame)  # the frame copy for the encoder
    sfw.SceneFileWriter.combine_files = timed("joining", sfw.SceneFileWriter.combine_files)
    lesson.LessonScene._speak = timed("narration", lesson.LessonScene._speak)
    combine_to_movie = sfw.SceneFileWriter.combine_to_movie

    def combine_with_audio(self):
        started = time.thread_time()
        joined = cpu["joining"]
        combine_to_movie(self)
        with lock:  # all but the joining of partial files is the audio: mixed, encoded, muxed
            cpu["narration"] += time.thread_time() - started - (cpu["joining"] - joined)

    sfw.SceneFileWriter.combine_to_movie = combine_with_audio
    threads_cpu = [0.0]
    listen = sfw._PartialMovieEncodeJob._listen_and_write

    def listen_timed(self):
        started = time.thread_time()
        try:
            listen(self)
        finally:
            with lock:
                threads_cpu[0] += time.thread_time() - started

    sfw._PartialMovieEncodeJob._listen_and_write = listen_timed

    def encode_and_write(self, frame, num_frames):  # manim's, with the conversion timed apart
        kind = "still" if num_frames > 1 else "moving"
        for _ in range(num_frames):
            c0 = time.thread_time()
            yuv = av.VideoFrame.from_ndarray(frame, format="rgba").reformat(format="yuv420p")
            c1 = time.thread_time()
            for packet in self.stream.encode(yuv):
                self.container.mux(packet)
            c2 = time.thread_time()
            with lock:
                cpu[f"converting ({kind})"] += c1 - c0
                cpu[f"encoding ({kind})"] += c2 - c1
                frames[kind] += 1

    sfw._PartialMovieEncodeJob._encode_and_write_frame = encode_and_write
    tmp = tempfile.mkdtemp(prefix="profile-")
    flag = {"high": "high_quality", "low": "low_quality", "medium": "medium_quality"}[quality]
    cfg = {
        "quality": flag,
        "media_dir": tmp,
        "output_file": section,
        "save_sections": True,
        "disable_caching": True,
        "input_file": str(sec.path),
        "verbosity": "WARNING",
        "progress_bar": "none",
    }
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    wall0, main0 = time.perf_counter(), time.thread_time()
    with tempconfig(cfg):
        cls().render()
    main = time.thread_time() - main0
    wall = time.perf_counter() - wall0
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    process = (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)
    measured_enc = sum(v for k, v in cpu.items() if k.startswith("encoding"))
    x264 = process - main - threads_cpu[0]  # x264's own threads
    out = {
        "wall": wall,
        "cpu": process,
        "scene code": main - cpu["drawing"] - cpu["joining"] - cpu["narration"],
        "drawing": cpu["drawing"],
        "converting (still)": cpu["converting (still)"],
        "converting (moving)": cpu["converting (moving)"],
        "encoding (still)": cpu["encoding (still)"] + x264 * cpu["encoding (still)"] / max(measured_enc, 1e-9),
        "encoding (moving)": cpu["encoding (moving)"] + x264 * cpu["encoding (moving)"] / max(measured_enc, 1e-9),
        "joining": cpu["joining"],
        "narration": cpu["narration"],
        "frames still": frames["still"],
        "frames moving": frames["moving"],
    }
    return out


def after(section: str, quality: str, voice: str) -> dict:
    out = Path(tempfile.mkdtemp(prefix="profile-new-"))
    started = time.perf_counter()
    subprocess.run(
        ["./render.sh", "-q", quality, "--voice", voice, "--out", str(out), "--parts", "1", section],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    cold = time.perf_counter() - started
    started = time.perf_counter()
    subprocess.run(
        ["./render.sh", "-q", quality, "--voice", voice, "--out", str(out), "--parts", "1", "--force", section],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    wall = time.perf_counter() - started
    record = json.loads(next(out.glob(f"*/.cache/[0-9][0-9]-{section}.json")).read_text())
    t = record["timing"]
    return {
        "wall": wall,
        "cold wall (LaTeX compiled)": cold,
        "scene code": t["cpu"] - t["drawing"] - t["converting"] - t["keys"],
        "drawing": t["drawing"],
        "converting (moving)": t["converting"],
        "encoding (still and moving)": t["encoding"],
        "play keys": t["keys"],
        "joining (video, narration, captions, clips, stills)": t.get("joining", 0.0),
        "frames still": t["frames_held"],
        "frames moving": t["frames_moving"],
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("section", nargs="?", default="worked-example")
    ap.add_argument("--quality", default="high", choices=("low", "medium", "high"))
    ap.add_argument("--voice", default="piper")
    args = ap.parse_args()
    new = after(args.section, args.quality, args.voice)
    old = before(args.section, args.quality, args.voice)
    print(f"\n== where the time of {args.section} ({args.quality}) goes, in seconds ==")
    for title, figures in (("before: manim's own renderer", old), ("after: the lesson renderer", new)):
        print(f"\n{title}")
        for key, value in figures.items():
            print(f"  {key:<52} {value:8.1f}" if isinstance(value, float) else f"  {key:<52} {value:8d}")
    path = ROOT / "benchmarks" / f"profile-{args.section}-{args.quality}.json"
    path.write_text(json.dumps({"before": old, "after": new}, indent=2) + "\n")
    print(f"\n(written to {path})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
