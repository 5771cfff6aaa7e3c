"""How fast an explorer answers a pointer move, and what its frames cost, in headless Chromium.

    .venv/bin/python benchmarks/explorers.py renders/high [--moves 60] [--out benchmarks/results-explorers.json]
    .venv/bin/python benchmarks/explorers.py --render [-q high] [--jobs 2]   # render time, both ways

Opens the variant's lesson page from disk, opens each explorer and moves it to ``--moves``
random stops through its own sliders (an ``input`` event, as a drag sends); the page
records the time from the event to the new frame being presented (requestVideoFrameCallback
after the seek). Also writes, for the same frames, what the other containers would weigh:
a GOP-15 H.264 and WebP stills (quality 80), so the choice of container can be checked.

With ``--render``: the time to draw both explorers, the old way (one manim process per
explorer, ``--jobs`` at once, each formula typeset where a stop asks for it) against the
renderer's (renderer/explorers.py: partials in one part per job, every part in the same
``--jobs`` slots, derivative's predictions typeset ahead in batches), in one run, each from
a LaTeX cache of its own that starts empty, as on a fresh clone; wall and CPU seconds, and
the ratio.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.test_slides import CHROMIUM, CHROMIUM_ARGS  # noqa: E402


def latencies(variant: Path, moves: int) -> dict:
    from playwright.sync_api import sync_playwright

    out = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tab = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
        tab.goto((variant / "index.html").as_uri() + "?straight")
        explorers = tab.evaluate("JSON.parse(document.getElementById('lesson-notebook').textContent).explorers")
        rng = random.Random(20)
        for e in explorers:
            tab.click(f"#nb-explorer-{e['stem']} > summary")
            tab.wait_for_timeout(1500)  # the frames' file loaded
            tab.evaluate("window.lessonNotebook.latencies.length = 0")
            ranges = [f"#nb-{e['stem']}-{name}" for name in e["names"]]
            sizes = [e["columns"], e["rows"]] if e["kind"] == "map" else [len(e["stops"])]
            for _ in range(moves):
                k = rng.randrange(len(ranges))
                tab.evaluate(
                    "([sel, v]) => { const r = document.querySelector(sel); r.value = v;"
                    " r.dispatchEvent(new Event('input')); }",
                    [ranges[k], rng.randrange(sizes[k])],
                )
                tab.wait_for_timeout(120)
            got = tab.evaluate("window.lessonNotebook.latencies.slice()")
            out[e["stem"]] = {
                "moves": len(got),
                "median_ms": round(statistics.median(got), 1),
                "p90_ms": round(sorted(got)[int(0.9 * len(got)) - 1], 1),
                "max_ms": round(max(got), 1),
                "stops": len(e["stops"]),
                "bytes": e["bytes"],
                "render_seconds": e["seconds"],
                "size": f"{e['width']}x{e['height']}",
            }
        browser.close()
    return out


def alternatives(variant: Path) -> dict:
    """Bytes of the same frames as a GOP-15 H.264 and as WebP stills (from the decoded frames)."""
    out = {}
    for frames in sorted((variant / "explorers").glob("*/frames.mp4")):
        with tempfile.TemporaryDirectory() as tmp:
            gop = Path(tmp) / "gop.mp4"
            subprocess.run(
                ["ffmpeg", "-v", "error", "-i", str(frames), "-c:v", "libx264", "-preset", "veryfast",
                 "-crf", "23", "-g", "15", "-bf", "0", "-pix_fmt", "yuv420p", str(gop)],
                check=True,
            )  # fmt: skip
            subprocess.run(
                ["ffmpeg", "-v", "error", "-i", str(frames), "-c:v", "libwebp", "-quality", "80",
                 str(Path(tmp) / "%04d.webp")],
                check=True,
            )  # fmt: skip
            webp = sum(p.stat().st_size for p in Path(tmp).glob("*.webp"))
            out[frames.parent.name] = {"all_intra_mp4": frames.stat().st_size, "gop15_mp4": gop.stat().st_size,
                                       "webp_stills": webp}  # fmt: skip
    return out


def _whole(entry, root: Path, env: dict, size: list[str]) -> str:
    """An explorer drawn whole, in a manim process of its own (the way before its parts)."""
    cmd = [sys.executable, "-m", "scenes.explorers", entry.name, str(root / entry.stem), *size, "--each-formula"]
    subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, check=True)
    return entry.name


def render_times(quality: str, jobs: int) -> dict:
    import os
    import resource
    import time
    from concurrent.futures import ThreadPoolExecutor

    from renderer import cli
    from renderer import explorers as drawn

    def cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        for way in ("one process each", "in parts"):
            root = base / way.replace(" ", "-")
            args = ["-q", quality, "--voice", "none", "--jobs", str(jobs), "--out", str(root)]
            plan = cli.make_plan(cli.build_parser().parse_args(args))
            before, started = cpu(), time.monotonic()
            if way == "in parts":
                notes = drawn.build(plan)
            else:  # the old way: every explorer whole, in a manim process of its own
                env = {**os.environ, **plan.scene_env(), "BACKPROP_VOICE": "none"}
                size = [str(plan.quality.width), str(plan.quality.height), str(plan.tex_dir)]

                with ThreadPoolExecutor(max_workers=jobs) as pool:
                    notes = list(pool.map(lambda e, r=root, v=env, z=size: _whole(e, r, v, z), drawn.wanted(plan)))
            out[way] = {
                "wall_s": round(time.monotonic() - started, 1),
                "cpu_s": round(cpu() - before, 1),
                "notes": notes,
            }
            print(f"{way}: {out[way]['wall_s']} s wall, {out[way]['cpu_s']} CPU-s", file=sys.stderr)
    out["ratio"] = round(out["one process each"]["wall_s"] / out["in parts"]["wall_s"], 2)
    out["quality"], out["jobs"] = quality, jobs
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("variant", type=Path, nargs="?")
    ap.add_argument("--moves", type=int, default=60)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--render", action="store_true", help="time the drawing instead, both ways")
    ap.add_argument("-q", "--quality", default="high")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    if args.render:
        print(json.dumps(render_times(args.quality, args.jobs), indent=1))
        return 0
    if args.variant is None:
        ap.error("a rendered variant (renders/high) to open, or --render")
    result = {"latency": latencies(args.variant.resolve(), args.moves), "containers": alternatives(args.variant)}
    text = json.dumps(result, indent=1)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
