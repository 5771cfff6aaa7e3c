"""One section's render time at an older commit against now, in one run, on the same machine.

    .venv/bin/python benchmarks/section.py partials --before 9e36491          # low and high quality
    .venv/bin/python benchmarks/section.py partials --before HEAD~3 -q low

The older commit is checked out into a temporary git worktree and run with this
virtualenv (its own code first on the path). Both sides render with
``--force --voice none`` into their own temporary folders, one after the other,
low quality first; the figures printed are wall times, the video's length and
the ratio now / before. Written to benchmarks/results-section-<name>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from renderer import media

ROOT = Path(__file__).resolve().parents[1]


def render(code: Path, section: str, quality: str, out: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(code))
    cmd = [sys.executable, "-m", "renderer", "-q", quality, "--voice", "none", "--force", "--no-join"]
    cmd += ["--out", str(out)]
    started = time.monotonic()
    proc = subprocess.run([*cmd, section], cwd=code, env=env, capture_output=True, text=True)
    wall = time.monotonic() - started
    if proc.returncode != 0:
        raise SystemExit(f"render failed in {code} ({proc.returncode}):\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    video = next(out.rglob(f"*-{section}.mp4"))
    length = media.duration(video)
    return {"wall_s": round(wall, 1), "video_s": round(length, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("section")
    parser.add_argument("--before", required=True, help="the commit to compare with")
    parser.add_argument("-q", "--quality", action="append", choices=("low", "medium", "high"))
    parser.add_argument("--keep", type=Path, help="copy the new videos here (to look at them)")
    args = parser.parse_args()
    qualities = args.quality or ["low", "high"]
    rows = {}
    with tempfile.TemporaryDirectory(prefix="section-bench-") as tmp:
        old = Path(tmp) / "before"
        subprocess.run(["git", "worktree", "add", "-q", "--detach", str(old), args.before], cwd=ROOT, check=True)
        try:
            for quality in qualities:
                before = render(old, args.section, quality, Path(tmp) / f"out-before-{quality}")
                now = render(ROOT, args.section, quality, Path(tmp) / f"out-now-{quality}")
                if args.keep:
                    args.keep.mkdir(parents=True, exist_ok=True)
                    video = next((Path(tmp) / f"out-now-{quality}").rglob(f"*-{args.section}.mp4"))
                    shutil.copy(video, args.keep / f"{args.section}-{quality}.mp4")
                rows[quality] = {"before": before, "now": now, "ratio": round(now["wall_s"] / before["wall_s"], 2)}
                print(
                    f"{args.section} {quality}: before {before['wall_s']} s for {before['video_s']} s of video, "
                    f"now {now['wall_s']} s for {now['video_s']} s ({rows[quality]['ratio']}x)",
                    flush=True,
                )
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(old)], cwd=ROOT, check=False)
    load = os.getloadavg()[0]
    result = {
        "what": f"./render.sh --force --voice none {args.section}: {args.before} against the working tree",
        "machine": f"{os.cpu_count()} cores, load average {load:.1f} at the end",
        "qualities": rows,
    }
    out = ROOT / "benchmarks" / f"results-section-{args.section}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
