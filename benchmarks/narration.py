"""Time the synthesis of every narration line of the lesson's existing scenes.

    .venv/bin/python benchmarks/narration.py [--voice piper] [--cache DIR] [--lines lines.json]

Runs each scene with tests/harness.run_scene (animations skipped, voice none) to
collect its beats' lines, then synthesises every line with the chosen voice into
the cache (a fresh temporary one unless --cache is given) twice: the first pass
is the cold synthesis, the second must be all cache hits.
"""

from __future__ import annotations

import argparse
import json
import os
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voice", default="piper")
    parser.add_argument("--cache", type=Path)
    parser.add_argument("--lines", type=Path, help="read the lines from this JSON instead of running the scenes")
    parser.add_argument("--save-lines", type=Path)
    args = parser.parse_args(argv)
    lines = json.loads(args.lines.read_text()) if args.lines else collect()
    if args.save_lines:
        args.save_lines.write_text(json.dumps(lines, indent=1, ensure_ascii=False))
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
