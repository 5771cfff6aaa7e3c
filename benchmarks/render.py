"""Benchmark render.sh on the whole lesson (or the sections named).

    .venv/bin/python benchmarks/render.py              # low quality; all sections whose scene exists
    .venv/bin/python benchmarks/render.py --high       # also a whole render at high quality (1080p60: slow)
    .venv/bin/python benchmarks/render.py --high-only  # only the high-quality render, and an unchanged rerun
    .venv/bin/python benchmarks/render.py derivative descent

It works on a copy of the project in a temporary folder (sharing .venv), so it
can edit a scene there without touching the working tree, and runs
``./render.sh`` exactly as a user does. It prints:

* the total video duration;
* wall time at low quality with --jobs 1 and with --jobs 2 (each from a cold
  output folder, so no TeX cache), and the speed-up;
* the ratio of render time to video duration;
* a second run with nothing changed (target: under 5 s for the whole lesson);
* a run after editing one scene (target: that scene alone renders);
* with --high, the wall time at high quality (1080p60), --jobs 2;
* the peak memory: the largest sum of the RSS of render.sh's whole process
  tree, sampled every 0.2 s, and the largest single process.

The figures also go to benchmarks/results-<quality>.json (or --json FILE).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SKIP = {".git", ".venv", "renders", "media", ".pytest_cache", ".hypothesis", "__pycache__", "benchmarks"}


def copy_project(dest: Path) -> Path:
    """The project's files (not .git, .venv, outputs) in ``dest``, with .venv linked."""
    proj = dest / "project"

    def ignore(folder: str, names: list[str]) -> set[str]:
        return {n for n in names if n in SKIP or n.endswith(".pyc")}

    shutil.copytree(ROOT, proj, ignore=ignore, symlinks=True)
    os.symlink(ROOT / ".venv", proj / ".venv")
    return proj


def tree_rss(pid: int) -> tuple[int, int]:
    """(sum, max) RSS in bytes of ``pid`` and all its descendants."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            ppid = int(fields[1])
            with open(f"/proc/{entry}/statm") as f:
                rss[int(entry)] = int(f.read().split()[1]) * page
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    total, largest, todo = 0, 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        largest = max(largest, rss.get(p, 0))
        todo.extend(children.get(p, []))
    return total, largest


class Run:
    def __init__(self, label: str, proj: Path, args: list[str]) -> None:
        self.label, self.proj, self.args = label, proj, args
        self.report_path = proj.parent / f"report-{label}.json"
        self.peak_sum = self.peak_one = 0

    def go(self) -> "Run":
        cmd = ["./render.sh", *self.args, "--json-report", str(self.report_path)]
        print(f"\n$ {' '.join(cmd)}", flush=True)
        started = time.monotonic()
        proc = subprocess.Popen(cmd, cwd=self.proj, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                total, largest = tree_rss(proc.pid)
                self.peak_sum, self.peak_one = max(self.peak_sum, total), max(self.peak_one, largest)
                done.wait(0.2)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        output = proc.communicate()[0]
        self.wall = time.monotonic() - started
        done.set()
        sampler.join()
        self.code = proc.returncode
        tail = output.strip().splitlines()
        print("\n".join("  " + line for line in tail[-(len(self.args) + 25):]), flush=True)
        self.report = json.loads(self.report_path.read_text()) if self.report_path.exists() else {"sections": []}
        return self

    def status(self) -> dict[str, str]:
        return {s["name"]: s["status"] for s in self.report["sections"]}

    @property
    def video_seconds(self) -> float:
        return sum(s["duration"] or 0 for s in self.report["sections"] if s["status"] != "failed")

    @property
    def render_seconds(self) -> float:
        return sum(s["render_seconds"] for s in self.report["sections"] if s["status"] == "rendered")


def low_runs(runs: dict[str, Run], proj: Path, tmp: Path, q: list[str], names: list[str], edit_target,
             jobs1: bool) -> None:
    """--jobs 1 and --jobs 2 from cold, an unchanged rerun, and a rerun after editing one scene."""
    if jobs1:
        runs["jobs1"] = Run("jobs1", proj, [*q, "--jobs", "1", "--out", str(tmp / "out-jobs1"), *names]).go()
    out = ["--jobs", "2", "--out", str(tmp / "out-jobs2"), *names]
    runs["jobs2"] = Run("jobs2", proj, [*q, *out]).go()
    runs["unchanged"] = Run("unchanged", proj, [*q, *out]).go()
    scene = proj / "scenes" / f"{edit_target.module}.py"
    with scene.open("a") as f:
        f.write("\n# benchmark: an edit\n")
    runs["edit"] = Run("edit", proj, [*q, *out]).go()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("names", nargs="*", help="sections (default: every section whose scene file exists)")
    ap.add_argument("--quality", default="low", help="the quality of the jobs/reuse/edit runs (default low)")
    ap.add_argument("--high", action="store_true", help="also time a whole render at high quality (slow)")
    ap.add_argument("--high-only", action="store_true",
                    help="only time a whole render at high quality and an unchanged rerun (no low-quality runs)")
    ap.add_argument("--voice", default=None, help="pass --voice to every run (default: render.sh's default)")
    ap.add_argument("--skip-jobs1", action="store_true", help="skip the --jobs 1 run (no speed-up figure)")
    ap.add_argument("--json", default=None, help="write the figures here (default benchmarks/results-<quality>.json)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary project copy")
    args = ap.parse_args()

    from scenes.manifest import LESSON

    names = args.names or [s.name for s in LESSON if s.path.exists()]
    missing = [s.name for s in LESSON if s.name not in names]
    edit_target = next(s for s in LESSON if s.name in names)
    tmp = Path(tempfile.mkdtemp(prefix="render-bench-"))
    proj = copy_project(tmp)
    print(f"benchmark on {platform.node()} ({os.cpu_count()} cores), project copy in {proj}")
    print(f"sections: {', '.join(names)}" + (f"  (not included: {', '.join(missing)})" if missing else ""))
    voice = ["--voice", args.voice] if args.voice else []
    runs: dict[str, Run] = {}
    try:
        if not args.high_only:
            low_runs(runs, proj, tmp, ["-q", args.quality, *voice], names, edit_target, jobs1=not args.skip_jobs1)
        if args.high or args.high_only:
            high = ["-q", "high", *voice, "--jobs", "2", "--out", str(tmp / "out-high"), *names]
            runs["high"] = Run("high", proj, high).go()
            if args.high_only:
                runs["high_unchanged"] = Run("high_unchanged", proj, high).go()
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)

    failed = sorted({n for r in runs.values() for n, s in r.status().items() if s == "failed"})
    figures: dict[str, object] = {
        "machine": f"{platform.node()}, {os.cpu_count()} cores",
        "quality": "high" if args.high_only else args.quality,
        "voice": args.voice or "default",
        "sections": names,
        "not_included": missing,
        "failed": failed,
    }
    if "jobs2" in runs:
        base = runs["jobs2"]
        video = base.video_seconds
        figures.update({
            "video_seconds": round(video, 2),
            f"wall_{args.quality}_jobs2": round(base.wall, 2),
            f"render_to_video_ratio_{args.quality}_jobs2": round(base.wall / video, 2) if video else None,
            "unchanged_run_seconds": round(runs["unchanged"].wall, 2),
            "unchanged_run_statuses": runs["unchanged"].status(),
            "edited_scene": edit_target.name,
            "edit_run_seconds": round(runs["edit"].wall, 2),
            "edit_run_rendered": [n for n, s in runs["edit"].status().items() if s == "rendered"],
        })
    if "jobs1" in runs:
        figures[f"wall_{args.quality}_jobs1"] = round(runs["jobs1"].wall, 2)
        figures["speedup_jobs2_over_jobs1"] = round(runs["jobs1"].wall / runs["jobs2"].wall, 2)
    if "high" in runs:
        hv = runs["high"].video_seconds
        figures["video_seconds_high"] = round(hv, 2)
        figures["wall_high_jobs2"] = round(runs["high"].wall, 2)
        figures["render_to_video_ratio_high_jobs2"] = round(runs["high"].wall / hv, 2) if hv else None
        figures["render_seconds_high"] = {
            s["name"]: round(s["render_seconds"], 1) for s in runs["high"].report["sections"] if s["status"] == "rendered"
        }
    if "high_unchanged" in runs:
        figures["unchanged_high_run_seconds"] = round(runs["high_unchanged"].wall, 2)
    figures["peak_memory_tree_mib"] = round(max(r.peak_sum for r in runs.values()) / 2**20)
    figures["peak_memory_one_process_mib"] = round(max(r.peak_one for r in runs.values()) / 2**20)

    print("\n== render.sh benchmark ==")
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")
    out = Path(args.json) if args.json else ROOT / "benchmarks" / f"results-{figures['quality']}.json"
    out.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"(written to {out})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
