"""The first render on a fresh clone: where its CPU seconds go, today's way against the new one.

    .venv/bin/python benchmarks/cold.py                        # the whole lesson, 1080p60, piper (idle machine!)
    .venv/bin/python benchmarks/cold.py worked-example derivative -q low
    .venv/bin/python benchmarks/cold.py --ways new             # only the new way
    .venv/bin/python benchmarks/render.py --cold               # the same as the first line

Each way renders a fresh copy of the project (no renders, no renders/.tex, no
narration cache, no render history; .venv shared), with ``./render.sh`` as a
newcomer runs it. The ways, run one after the other on the same sections:

* ``first-run`` (today's): ``BACKPROP_FIRST_RUN=stock``: no pre-pass, no
  shipped cost model: every formula compiled where a scene asks for it, the
  narration synthesised by the scene at each beat, no section split;
* ``+model``: the shipped cost model only (renderer/costs.json: the order
  and the split);
* ``+latex``: and the pre-pass's formulas in batches (renderer/prepass.py);
* ``new``: ``./render.sh`` as shipped: and the narration ahead.

Every manim process of the run writes its counters (video/counters.py); with
the part records' timings they split the run's CPU seconds into: start-up
(Python, manim), LaTeX (formulas compiled, their latex + dvisvgm CPU),
narration (synthesis), Pango texts, scene construction (the rest of the scene
code), Cairo drawing, RGBA->YUV conversion, x264 encoding, play keys, and
render.sh's own process (joining the sections, posters, clips, the contact
sheet, the lesson video and page), and the idle cores (jobs x wall - CPU).
The critical path is the longest chain of work a core had to do in order: the
longest manim process, and the join after the last one. Printed, and written
to benchmarks/cold.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from render import compare_pictures, copy_project, machine_speed  # noqa: E402

WAYS = {
    "first-run": {"BACKPROP_FIRST_RUN": "stock"},
    "+model": {"BACKPROP_FIRST_RUN": "model"},
    "+latex": {"BACKPROP_FIRST_RUN": "latex"},
    "new": {},
}


def run_cold(proj: Path, args: list[str], env_extra: dict, work: Path) -> dict:
    """``./render.sh args`` in ``proj`` with every process profiled; wall and the tree's CPU."""
    profile = work / "profile"
    shutil.rmtree(profile, ignore_errors=True)
    env = dict(os.environ, BACKPROP_PROFILE=str(profile), **env_extra)
    report = work / "report.json"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.time()
    with open(work / "render.log", "w") as log:
        code = subprocess.run(
            ["./render.sh", *args, "--json-report", str(report)], cwd=proj, env=env, stdout=log, stderr=log
        ).returncode
    ended = time.time()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    procs = [json.loads(p.read_text()) for p in sorted(profile.glob("*.json"))]
    return {
        "code": code,
        "started": started,
        "ended": ended,
        "wall": ended - started,
        "cpu": cpu,
        "procs": procs,
        "report": json.loads(report.read_text()) if report.exists() else {"sections": []},
    }


def split(run: dict, jobs: int) -> dict:
    """The run's CPU seconds by kind of work, and its idle cores and critical path."""
    t = {
        k: 0.0
        for k in (
            "startup",
            "latex",
            "latex dry pass (pre-pass)",
            "narration",
            "pango",
            "construction",
            "drawing",
            "converting",
            "encoding",
            "keys",
        )
    }
    latex_count, batched, narration_lines, texts, manim_cpu = 0, 0, 0, 0, 0.0
    spans, prepass_span = [], None
    for p in run["procs"]:
        timing = {}
        if p["record"] and Path(p["record"]).exists():
            timing = json.loads(Path(p["record"]).read_text()).get("timing", {})
        own = p["cpu"]
        manim_cpu += own + p["children_cpu"]
        dry = p["latex"].get("dry_cpu", 0.0)
        t["latex dry pass (pre-pass)"] += dry
        batched += p["latex"].get("batched", 0)
        t["startup"] += p["startup_cpu"]
        t["latex"] += p["latex"]["cpu"]  # latex and dvisvgm: child processes
        latex_count += p["latex"]["compiled"]
        t["narration"] += p["narration"].get("synth_cpu", 0.0)
        narration_lines += p["narration"].get("synthesised", 0)
        t["pango"] += p["pango"]["seconds"]
        texts += p["pango"]["texts"]
        for k in ("drawing", "converting", "encoding", "keys"):
            t[k] += timing.get(k, 0.0)
        counted = p["startup_cpu"] + p["narration"].get("synth_cpu", 0.0) + p["pango"]["seconds"] + dry
        counted += sum(timing.get(k, 0.0) for k in ("drawing", "converting", "encoding", "keys"))
        t["construction"] += max(0.0, own - counted)
        t.setdefault("other children", 0.0)
        t["other children"] += max(0.0, p["children_cpu"] - p["latex"]["cpu"])
        prepass = any("texbatch" in a for a in p["argv"])
        name = "pre-pass" if prepass else next((a for a in reversed(p["argv"]) if not a.startswith("-")), "?")
        span = (p["started"] - run["started"], p["ended"] - run["started"], name, p["beats"])
        if prepass:
            prepass_span = span
        else:
            spans.append(span)
    t["render.sh (joining, posters, clips, contact sheet, lesson, page)"] = max(0.0, run["cpu"] - manim_cpu)
    spans.sort()
    last_end = max((e for _, e, _, _ in spans), default=0.0)
    # When fewer manim processes than cores ran: the idle cores before the join.
    events = sorted([(s, 1) for s, _, _, _ in spans] + [(e, -1) for _, e, _, _ in spans])
    running, prev, underfull = 0, 0.0, 0.0
    for when, delta in events:
        if running < jobs:
            underfull += (jobs - running) * (when - prev)
        running += delta
        prev = when
    longest = max(spans, key=lambda s: s[1] - s[0], default=(0, 0, "-", ""))
    return {
        "wall": round(run["wall"], 1),
        "cpu": round(run["cpu"], 1),
        "cpu_split": {k: round(v, 1) for k, v in t.items()},
        "latex_formulas": latex_count,
        "latex_batched": batched,
        "narration_sentences": narration_lines,
        "pango_texts": texts,
        "idle_core_seconds": round(jobs * run["wall"] - run["cpu"], 1),
        "idle_while_drawing": round(underfull, 1),
        "manim_processes": len(spans),
        "longest_process": {"section": longest[2], "beats": longest[3], "seconds": round(longest[1] - longest[0], 1)},
        "after_last_process": round(run["wall"] - last_end, 1),
        "prepass": None if prepass_span is None else [round(prepass_span[0], 1), round(prepass_span[1], 1)],
        "timeline": [{"section": n, "beats": b, "start": round(s, 1), "end": round(e, 1)} for s, e, n, b in spans],
        "video_seconds": round(sum(s.get("duration") or 0 for s in run["report"]["sections"]), 1),
        "exit": run["code"],
    }


def write_costs(out: Path, args) -> None:
    """The shipped cost model from this cold render's section records (benchmarks/costs.py's format)."""
    import costs

    from renderer import parts

    sections = dict(parts.shipped())  # the sections not rendered this time keep their costs
    for record in sorted(out.glob("*/.cache/[0-9][0-9]-*.json")):
        data = json.loads(record.read_text())
        name = record.stem.split("-", 1)[1]
        sections[name] = {"beat_costs": data["beat_costs"], "seconds": data["render_seconds"]}
    source = f"benchmarks/cold.py -q {args.quality} --voice {args.voice}, {time.strftime('%Y-%m-%d')}: a cold render"
    costs.write(sections, source)
    print(f"  cost model written from {len(sections)} sections' records", flush=True)


def print_table(results: dict) -> None:
    ways = list(results)
    print("\n== a cold render (fresh copy: no renders, no .tex, no narration, no history); CPU seconds ==")
    print(f"{'':<66}" + "".join(f"{w:>12}" for w in ways))

    def row(label: str, values: list) -> None:
        cells = "".join(f"{v:>12.1f}" if isinstance(v, float) else f"{v!s:>12}" for v in values)
        print(f"{label:<66}{cells}")

    row("wall time (s)", [results[w]["wall"] for w in ways])
    row("video (s)", [results[w]["video_seconds"] for w in ways])
    row(
        "wall / video",
        [
            round(results[w]["wall"] / results[w]["video_seconds"], 3) if results[w]["video_seconds"] else 0
            for w in ways
        ],
    )
    row("CPU, all processes", [results[w]["cpu"] for w in ways])
    for key in results[ways[0]]["cpu_split"]:
        row(f"  {key}", [results[w]["cpu_split"].get(key, 0.0) for w in ways])
    row("  LaTeX formulas compiled by the scenes (count)", [results[w]["latex_formulas"] for w in ways])
    row("  LaTeX formulas compiled in batches (count)", [results[w].get("latex_batched", 0) for w in ways])
    row("  sentences synthesised (count)", [results[w]["narration_sentences"] for w in ways])
    row("  Pango texts (count)", [results[w]["pango_texts"] for w in ways])
    row("idle core-seconds (jobs x wall - CPU)", [results[w]["idle_core_seconds"] for w in ways])
    row("  of which cores without a manim process", [results[w]["idle_while_drawing"] for w in ways])
    row("manim processes", [results[w]["manim_processes"] for w in ways])
    row(
        "critical path: the longest process (s)",
        [results[w]["longest_process"]["seconds"] for w in ways],
    )
    row("  its section", [results[w]["longest_process"]["section"] for w in ways])
    row("  then, after the last process (s)", [results[w]["after_last_process"] for w in ways])
    row("pre-pass ran (s from the start)", [str(results[w]["prepass"] or "-") for w in ways])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("names", nargs="*", help="sections (default: the whole lesson)")
    ap.add_argument("-q", "--quality", default="high", choices=("low", "medium", "high"))
    ap.add_argument("--voice", default="piper")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument(
        "--ways", default="first-run,new", help=f"comma-separated, of {', '.join(WAYS)} (default first-run,new)"
    )
    ap.add_argument("--json", default=str(ROOT / "benchmarks" / "cold.json"))
    ap.add_argument("--keep", action="store_true", help="keep the temporary copies")
    ap.add_argument(
        "--write-costs",
        action="store_true",
        help="write renderer/costs.json from the new way's records (each section's beat costs and render time)",
    )
    args = ap.parse_args(argv)
    ways = [w.strip() for w in args.ways.split(",") if w.strip()]
    unknown = [w for w in ways if w not in WAYS]
    if unknown:
        print(f"cold.py: unknown way(s) {', '.join(unknown)}; valid: {', '.join(WAYS)}", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="cold-bench-"))
    print(
        f"cold render on {platform.node()} ({os.cpu_count()} cores), -q {args.quality}, voice {args.voice}, "
        f"jobs {args.jobs}, sections {' '.join(args.names) or 'all'}, in {tmp}",
        flush=True,
    )
    results, videos = {}, {}
    try:
        for way in ways:
            work = tmp / way
            work.mkdir()
            proj = copy_project(work, narration=False)
            cmd = ["-q", args.quality, "--voice", args.voice, "--jobs", str(args.jobs), "--out", str(work / "renders")]
            run = run_cold(proj, cmd + args.names, WAYS[way], work)
            results[way] = split(run, args.jobs)
            videos[way] = {s["name"]: s.get("video") for s in run["report"]["sections"]}
            if way == "new" and args.write_costs:
                write_costs(work / "renders", args)
            print(f"  {way}: {run['wall']:.1f} s wall, {run['cpu']:.1f} CPU-s (exit {run['code']})", flush=True)
            if run["code"] != 0:
                print((work / "render.log").read_text()[-2000:], file=sys.stderr)
        pictures = {}
        if len(ways) > 1:  # the pictures of each way against the first way's
            base = videos[ways[0]]
            for way in ways[1:]:
                for name, video in videos[way].items():
                    if video and base.get(name):
                        values = compare_pictures(base[name], video, tmp / "frames" / way / name)
                        pictures[f"{way}/{name}"] = {
                            "ssim_min": round(min(values), 4) if values else None,
                            "frames": len(values),
                            "size_ratio": round(Path(video).stat().st_size / Path(base[name]).stat().st_size, 3),
                        }
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    print_table(results)
    for key, value in pictures.items():
        print(
            f"pictures {key} against {ways[0]}: SSIM min {value['ssim_min']} over {value['frames']} beats' last "
            f"frames, size {value['size_ratio']}x"
        )
    fig = {
        "machine": f"{platform.node()}, {os.cpu_count()} cores",
        "machine_speed": machine_speed(),
        "load_average_at_end": os.getloadavg(),
        "quality": args.quality,
        "voice": args.voice,
        "jobs": args.jobs,
        "sections": args.names or "all",
        "finished": time.strftime("%Y-%m-%d %H:%M:%S"),
        "ways": results,
        "pictures": pictures,
    }
    Path(args.json).write_text(json.dumps(fig, indent=1) + "\n")
    print(f"(written to {args.json}; load average at the end {os.getloadavg()[0]:.1f})")
    return 0 if all(r["exit"] == 0 for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
