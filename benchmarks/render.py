"""Render speed: today's way (the baseline) against ./render.sh, in one run, on the same sections.

    .venv/bin/python benchmarks/render.py                     # the whole lesson at 1080p60, narrated (about 45 min)
    .venv/bin/python benchmarks/render.py worked-example      # just these sections
    .venv/bin/python benchmarks/render.py --quick             # at 480p15 (a few minutes)
    .venv/bin/python benchmarks/render.py --cold              # a fresh clone's first render, profiled (cold.py)

It works on a copy of the project in a temporary folder (sharing .venv), so it
can edit scenes there. Both ways start cold (no LaTeX cache, no videos); the
narration cache (.cache/narration) is shared, so speech synthesis is not
timed in either (benchmarks/narration.py times that). Printed, and
written to benchmarks/results.json:

* baseline: ``manim render -q<q> --disable_caching`` of each scene, narrated,
  with manim's own renderer (``BACKPROP_PIPELINE=stock``), two at a time as
  render.sh did (one per core); the wall time of the whole lesson and of each
  section;
* new: ``./render.sh`` of the same sections (wall time, each section's time,
  peak memory of one job and of all), the same again with nothing changed, and
  again with ``--force`` (the warm render: every play drawn, the first
  render's history and caches);
* the ratios (baseline / new), for the lesson and per section;
* a still-heavy section (worked-example) alone, both ways, on an idle machine;
* an edit to one beat of network-walk (a colour), then ``./render.sh network-walk``;
* a comment-only edit to a scene, then ``./render.sh -q low`` of it, against a
  forced render (``--force``: every play drawn again);
* pictures: SSIM of the new against the baseline on a frame near the end of
  every beat (where both hold the beat's last picture), and the file sizes;
* with ``--encoders``: x264 presets tried on worked-example (time, size, SSIM).

Figures are noisy on a shared machine: compare the ratios, which both ways
share, and mark a run made beside other work.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from renderer import media

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SKIP = {".git", ".venv", "renders", "media", ".pytest_cache", ".hypothesis", "__pycache__", "benchmarks", ".cache"}
QUALITY = {"high": ("h", "1080p60"), "low": ("l", "480p15")}


def machine_speed() -> dict:
    """Seconds of a fixed pure-Python loop and of a fixed C loop (zlib), best of three: two
    machines of the same kind differed by about 1.5x in Python-bound work and not in x264
    (README, "The first render on a fresh clone"), so each result file says which it ran on."""
    import zlib

    def best(fn) -> float:
        times = []
        for _ in range(3):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        return round(min(times), 3)

    data = bytes(range(256)) * 40_000
    return {
        "python_loop_s": best(lambda: sum(i * i for i in range(3_000_000))),
        "zlib_10MB_s": best(lambda: zlib.compress(data, 6)),
    }


def copy_project(dest: Path, narration: bool = True) -> Path:
    """The project's files (not .git, .venv, outputs) in ``dest``, with .venv linked, and the
    narration cache too unless ``narration`` is False (a fresh clone's first render)."""
    proj = dest / "project"
    shutil.copytree(
        ROOT, proj, ignore=lambda d, names: {n for n in names if n in SKIP or n.endswith(".pyc")}, symlinks=True
    )
    os.symlink(ROOT / ".venv", proj / ".venv")
    (proj / ".cache").mkdir()
    if narration and (ROOT / ".cache" / "narration").exists():
        os.symlink(ROOT / ".cache" / "narration", proj / ".cache" / "narration")
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
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
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


def timed(cmd: list[str], cwd: Path, env: dict | None = None, log: Path | None = None) -> dict:
    """Run ``cmd``; its wall time, exit code and peak memory (all processes, the largest one)."""
    started = time.monotonic()
    with open(log or os.devnull, "w") as out:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        peak = [0, 0]
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                total, largest = tree_rss(proc.pid)
                peak[0], peak[1] = max(peak[0], total), max(peak[1], largest)
                done.wait(0.25)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        code = proc.wait()
        done.set()
        sampler.join()
    return {"wall": time.monotonic() - started, "code": code, "peak_all": peak[0], "peak_one": peak[1]}


def baseline(proj: Path, out: Path, sections, quality: str, voice: str) -> dict:
    """manim's own renderer, each scene in its own process, two at a time."""
    env = dict(os.environ, BACKPROP_PIPELINE="stock", BACKPROP_VOICE=voice, PYTHONPATH=str(proj))
    flag = QUALITY[quality][0]
    results = {}

    def one(s) -> None:
        media = out / s.name
        cmd = [
            str(proj / ".venv" / "bin" / "python"),
            "-m",
            "manim",
            "render",
            f"-q{flag}",
            "--disable_caching",
            "--media_dir",
            str(media),
            "-o",
            s.name,
            "--progress_bar",
            "none",
            str(proj / "scenes" / f"{s.module}.py"),
            s.scene,
        ]
        r = timed(cmd, proj, env, out / f"{s.name}.log")
        videos = list(media.glob(f"videos/*/*/{s.name}.mp4"))
        r["video"] = str(videos[0]) if videos else None
        results[s.name] = r

    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(one, sections))
    return {"wall": time.monotonic() - started, "sections": results}


def render_sh(proj: Path, args: list[str], label: str, tmp: Path) -> dict:
    report = tmp / f"report-{label}.json"
    r = timed(["./render.sh", *args, "--json-report", str(report)], proj, log=tmp / f"{label}.log")
    r["report"] = json.loads(report.read_text()) if report.exists() else {"sections": []}
    print(f"  {label}: {r['wall']:.1f} s (exit {r['code']})", flush=True)
    return r


def frame(video: str, t: float, png: Path) -> None:
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-ss", f"{t:.3f}", "-i", video, "-frames:v", "1", str(png)], check=True
    )


def ssim(a: Path, b: Path) -> float:
    out = subprocess.run(
        ["ffmpeg", "-i", str(a), "-i", str(b), "-lavfi", "[0:v][1:v]ssim", "-f", "null", "-"],
        capture_output=True,
        text=True,
    ).stderr
    return float(re.search(r"All:([0-9.]+)", out).group(1))


def compare_pictures(base_video: str, new_video: str, work: Path) -> list[float]:
    """SSIM of the last frame of each beat, located in each video by its own beats.json (the
    baseline's beats may be a frame shorter: manim rounds a wait down to whole frames)."""
    values = []
    base_beats = json.loads(Path(base_video).with_suffix(".beats.json").read_text())
    new_beats = json.loads(Path(new_video).with_suffix(".beats.json").read_text())
    work.mkdir(parents=True, exist_ok=True)
    fps = 60 if "1080" in base_video else 15
    ends = {v: media.duration(Path(v)) - 1.5 / fps for v in (base_video, new_video)}
    for k, (b, n) in enumerate(zip(base_beats, new_beats)):
        frame(base_video, min(ends[base_video], max(b["start"], b["end"] - 0.5 / fps)), work / f"b{k}.png")
        frame(new_video, min(ends[new_video], max(n["start"], n["end"] - 0.5 / fps)), work / f"n{k}.png")
        if (work / f"b{k}.png").exists() and (work / f"n{k}.png").exists():
            values.append(ssim(work / f"b{k}.png", work / f"n{k}.png"))
    return values


# The one-beat edit the warm run times: the loss box's colour in the network walk's update beat.
BEAT_EDIT = ("scenes/network_walk.py", "highlight_box(change[3], t.L)", "highlight_box(change[3], t.highlight)")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    if old not in text:
        raise SystemExit(f"benchmark: cannot find {old!r} in {path} to edit")
    path.write_text(text.replace(old, new, 1))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("names", nargs="*", help="sections (default: the whole lesson)")
    ap.add_argument("--quick", action="store_true", help="at 480p15 instead of 1080p60")
    ap.add_argument("--voice", default="piper", help="narration voice for both ways (default piper)")
    ap.add_argument("--encoders", action="store_true", help="also try x264 presets on worked-example")
    ap.add_argument("--json", default=str(ROOT / "benchmarks" / "results.json"))
    ap.add_argument("--keep", action="store_true", help="keep the temporary project copy")
    ap.add_argument(
        "--cold",
        action="store_true",
        help="the first render on a fresh copy instead, today's way against the new one, with the profile "
        "of its CPU seconds (benchmarks/cold.py)",
    )
    args = ap.parse_args()
    if args.cold:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        import cold

        return cold.main([*args.names, "-q", "low" if args.quick else "high", "--voice", args.voice])

    from scenes.manifest import LESSON

    sections = [s for s in LESSON if not args.names or s.name in args.names]
    if any(s.name == "network-walk" for s in sections) and BEAT_EDIT[1] not in (ROOT / BEAT_EDIT[0]).read_text():
        # Checked before an hour of rendering, not after it.
        raise SystemExit(f"benchmark: {BEAT_EDIT[0]} no longer has {BEAT_EDIT[1]!r}: update BEAT_EDIT")
    quality = "low" if args.quick else "high"
    q = ["-q", quality, "--voice", args.voice]
    tmp = Path(tempfile.mkdtemp(prefix="render-bench-"))
    proj = copy_project(tmp)
    print(
        f"benchmark on {platform.node()} ({os.cpu_count()} cores), {QUALITY[quality][1]}, voice {args.voice}, in {tmp}",
        flush=True,
    )
    fig: dict = {
        "machine": f"{platform.node()}, {os.cpu_count()} cores",
        "machine_speed": machine_speed(),
        "quality": QUALITY[quality][1],
        "voice": args.voice,
        "sections": [s.name for s in sections],
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    try:
        print("baseline: manim's own renderer, two scenes at a time ...", flush=True)
        base = baseline(proj, tmp / "baseline", sections, quality, args.voice)
        print(f"  baseline: {base['wall']:.1f} s", flush=True)
        new_out = tmp / "new"
        chosen = [s.name for s in sections] if args.names else []
        new = render_sh(proj, [*q, "--out", str(new_out), *chosen], "new", tmp)
        again = render_sh(proj, [*q, "--out", str(new_out), *chosen], "unchanged", tmp)
        # The warm render: every play drawn again, with the first render's history (its parts
        # balanced by it) and warm LaTeX and narration caches.
        forced = render_sh(proj, [*q, "--force", "--out", str(new_out), *chosen], "forced", tmp)
        by_name = {s["name"]: s for s in new["report"]["sections"]}
        video_seconds = sum(s["duration"] or 0 for s in new["report"]["sections"])
        rows = {}
        for s in sections:
            b = base["sections"][s.name]
            n = by_name.get(s.name, {})
            row = {
                "baseline": round(b["wall"], 1),
                "new": round(n.get("render_seconds", 0), 1),
                "video": round(n.get("duration") or 0, 1),
            }
            row["ratio"] = round(row["baseline"] / row["new"], 2) if row["new"] else None
            if b["video"] and n.get("video"):
                row["size_ratio"] = round(Path(n["video"]).stat().st_size / Path(b["video"]).stat().st_size, 2)
                values = compare_pictures(b["video"], n["video"], tmp / "frames" / s.name)
                row["ssim_min"], row["ssim_mean"] = round(min(values), 4), round(sum(values) / len(values), 4)
            rows[s.name] = row
        fig.update(
            {
                "video_seconds": round(video_seconds, 1),
                "baseline_wall": round(base["wall"], 1),
                "new_wall": round(new["wall"], 1),
                "ratio": round(base["wall"] / new["wall"], 2),
                "new_wall_to_video": round(new["wall"] / video_seconds, 3) if video_seconds else None,
                "unchanged_wall": round(again["wall"], 2),
                "forced_wall": round(forced["wall"], 1),
                "forced_ratio": round(base["wall"] / forced["wall"], 2),
                "forced_wall_to_video": round(forced["wall"] / video_seconds, 3) if video_seconds else None,
                "peak_memory_one_job_mib": round(new["peak_one"] / 2**20),
                "peak_memory_all_mib": round(new["peak_all"] / 2**20),
                "baseline_peak_one_mib": round(max(r["peak_one"] for r in base["sections"].values()) / 2**20),
                "per_section": rows,
                "size_total_ratio": round(
                    sum(
                        Path(by_name[s.name]["video"]).stat().st_size
                        for s in sections
                        if by_name.get(s.name, {}).get("video")
                    )
                    / sum(
                        Path(base["sections"][s.name]["video"]).stat().st_size
                        for s in sections
                        if base["sections"][s.name]["video"]
                    ),
                    2,
                ),
            }
        )
        names = {s.name for s in sections}
        if "worked-example" in names:  # a still-heavy section alone, both ways, on an idle machine
            we = next(s for s in sections if s.name == "worked-example")
            alone_base = baseline(proj, tmp / "baseline-alone", [we], quality, args.voice)
            alone_new = render_sh(proj, [*q, "--force", "--out", str(new_out), "worked-example"], "alone", tmp)
            fig["worked_example_alone"] = {
                "baseline": round(alone_base["wall"], 1),
                "new": round(alone_new["wall"], 1),
                "ratio": round(alone_base["wall"] / alone_new["wall"], 2),
            }
        if "network-walk" in names:  # edit one beat (a colour), then render the section again
            edit(proj / BEAT_EDIT[0], *BEAT_EDIT[1:])
            edited = render_sh(proj, [*q, "--out", str(new_out), "network-walk"], "edit-beat", tmp)
            sec = edited["report"]["sections"][0] if edited["report"]["sections"] else {}
            fig["edit_one_beat_network_walk"] = {
                "wall": round(edited["wall"], 1),
                "plays": sec.get("plays"),
                "parts": sec.get("parts"),
                "baseline_section": rows.get("network-walk", {}).get("baseline"),
            }
            low = ["-q", "low", "--voice", args.voice, "--out", str(tmp / "low"), "network-walk"]
            render_sh(proj, low, "low-first", tmp)
            forced = render_sh(proj, [*low, "--force"], "low-forced", tmp)
            with (proj / "scenes" / "network_walk.py").open("a") as f:
                f.write("\n# benchmark: a comment-only edit\n")
            comment = render_sh(proj, low, "low-comment", tmp)
            fig["comment_only_edit_low"] = {
                "wall": round(comment["wall"], 2),
                "forced": round(forced["wall"], 1),
                "fraction": round(comment["wall"] / forced["wall"], 3),
                "status": [s["status"] for s in comment["report"]["sections"]],
            }
        if args.encoders and "worked-example" in names:
            we_base = base["sections"]["worked-example"]["video"]
            encoders = {}
            for preset in ("medium", "veryfast", "superfast", "ultrafast"):  # (the lesson uses superfast)
                out = tmp / f"enc-{preset}"
                env_cmd = [
                    "env",
                    f"BACKPROP_X264=preset={preset}",
                    "./render.sh",
                    *q,
                    "--out",
                    str(out),
                    "--parts",
                    "1",
                    "worked-example",
                ]
                r = timed(env_cmd, proj, log=tmp / f"enc-{preset}.log")
                video = next(out.glob("*/05-worked-example.mp4"))
                values = compare_pictures(we_base, str(video), tmp / "frames" / f"enc-{preset}")
                encoders[preset] = {
                    "wall": round(r["wall"], 1),
                    "size_ratio": round(video.stat().st_size / Path(we_base).stat().st_size, 2),
                    "ssim_min": round(min(values), 4),
                }
                print(f"  x264 {preset}: {encoders[preset]}", flush=True)
            fig["encoders_worked_example"] = encoders
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    fig["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")

    print("\n== render speed: baseline (manim's own renderer) against ./render.sh ==")
    print(f"{'section':<16} {'video':>7} {'baseline':>9} {'new':>7} {'ratio':>6} {'size':>5} {'SSIM min':>8}")
    for name, row in fig["per_section"].items():
        print(
            f"{name:<16} {row['video']:>6.1f}s {row['baseline']:>8.1f}s {row['new']:>6.1f}s "
            f"{row['ratio'] or 0:>5.2f}x {row.get('size_ratio', 0):>5.2f} {row.get('ssim_min', 0):>8.4f}"
        )
    print(
        f"{'whole lesson':<16} {fig['video_seconds']:>6.1f}s {fig['baseline_wall']:>8.1f}s {fig['new_wall']:>6.1f}s "
        f"{fig['ratio']:>5.2f}x {fig['size_total_ratio']:>5.2f}"
    )
    for key in (
        "new_wall_to_video",
        "unchanged_wall",
        "forced_wall",
        "forced_ratio",
        "forced_wall_to_video",
        "peak_memory_one_job_mib",
        "peak_memory_all_mib",
        "baseline_peak_one_mib",
        "worked_example_alone",
        "edit_one_beat_network_walk",
        "comment_only_edit_low",
        "encoders_worked_example",
    ):
        if key in fig:
            print(f"{key}: {fig[key]}")
    Path(args.json).write_text(json.dumps(fig, indent=2) + "\n")
    print(f"(written to {args.json})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
