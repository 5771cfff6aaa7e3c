"""What the play store's checks cost, and how big the store grows (issue 19's figures).

    .venv/bin/python benchmarks/store.py                  # network-walk at 1080p60, baseline eb1f93e
    .venv/bin/python benchmarks/store.py -q low --before HEAD~5

In one run, on the same machine, for the commit before the checks (``--before``) and
for the working tree, each in its own git worktree (this virtualenv, its own code first
on the path) and output folder, ``--voice none``:

1. a first render of the section;
2. an edit of one beat (a colour) and the render after it: wall time, plays drawn and
   reused, and (now) the CPU seconds the probe took (the part records' ``probing``);
3. a render with nothing changed;
4. (now only) ten more edits, the store's size after them, then ``--gc`` and the size after.

Printed, and written to benchmarks/results-store-<section>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SECTION, SCENE_FILE = "network-walk", "scenes/network_walk.py"
# One beat's colour (the forward pass's highlight), and the colours the ten edits cycle through.
EDIT = ("self.theme.highlight", '"#FF8800"')
COLOURS = ['"#FF8800"', '"#00AAFF"', '"#AA00FF"', '"#88FF00"', '"#FF0088"']


def render(code: Path, out: Path, quality: str, *extra: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(code))
    report = out.parent / f"report-{time.monotonic_ns()}.json"
    cmd = [sys.executable, "-m", "renderer", "-q", quality, "--voice", "none", "--no-join", "--out", str(out)]
    cmd += ["--json-report", str(report), *extra, SECTION]
    started = time.monotonic()
    proc = subprocess.run(cmd, cwd=code, env=env, capture_output=True, text=True)
    wall = time.monotonic() - started
    if proc.returncode != 0:
        raise SystemExit(f"render failed in {code}:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    data = json.loads(report.read_text()) if report.exists() else {}
    plays = (data.get("sections") or [{}])[0].get("plays", {})
    return {"wall_s": round(wall, 2), "plays": plays}


def probing(out: Path) -> float:
    """CPU seconds the current render's parts spent probing reused plays."""
    total = 0.0
    record = next(out.glob("*/.cache/*-network-walk.json"))
    fp = json.loads(record.read_text())["fingerprint"][:12]
    for part in out.glob(f"*/.cache/parts/*-{fp}-*.json"):
        total += json.loads(part.read_text()).get("timing", {}).get("probing", 0.0)
    return round(total, 2)


def store_bytes(out: Path) -> int:
    return sum(p.stat().st_size for p in out.glob("*/.cache/**/*") if p.is_file())


class Edits:
    """One beat's colour (the walk's first relabel highlight), changed in place edit after edit."""

    def __init__(self, code: Path) -> None:
        self.path, self.current = code / SCENE_FILE, EDIT[0]

    def to(self, new: str) -> None:
        text = self.path.read_text()
        at = text.index(f"eq.result, {self.current})")
        self.path.write_text(text[:at] + f"eq.result, {new})" + text[at + len(f"eq.result, {self.current})") :])
        self.current = new


def side(code: Path, out: Path, quality: str, now: bool) -> dict:
    edits = Edits(code)
    row = {"first": render(code, out, quality)}
    edits.to(COLOURS[0])
    row["edit"] = render(code, out, quality)
    if now:
        row["edit"]["probing_cpu_s"] = probing(out)
    row["nothing_changed"] = render(code, out, quality)
    if now:
        for k in range(10):
            edits.to(COLOURS[(k + 1) % len(COLOURS)])
            render(code, out, quality)
        row["store_after_10_edits_bytes"] = store_bytes(out)
        subprocess.run([sys.executable, "-m", "renderer", "--gc", "--out", str(out)], cwd=code, check=True)
        row["store_after_gc_bytes"] = store_bytes(out)
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", default="eb1f93e", help="the commit before the store's checks")
    parser.add_argument("-q", "--quality", default="high", choices=("low", "medium", "high"))
    args = parser.parse_args()
    result = {"section": SECTION, "quality": args.quality}
    with tempfile.TemporaryDirectory(prefix="store-bench-") as tmp:
        for name, rev in (("before", args.before), ("now", None)):
            code = Path(tmp) / name
            if rev:
                subprocess.run(["git", "worktree", "add", "-q", "--detach", str(code), rev], cwd=ROOT, check=True)
            else:  # the working tree as it is, committed or not
                subprocess.run(["git", "worktree", "add", "-q", "--detach", str(code), "HEAD"], cwd=ROOT, check=True)
                diff = subprocess.run(["git", "diff", "HEAD"], cwd=ROOT, capture_output=True, check=True).stdout
                if diff:
                    subprocess.run(["git", "apply"], cwd=code, input=diff, check=True)
            try:
                result[name] = side(code, Path(tmp) / f"out-{name}", args.quality, now=rev is None)
            finally:
                subprocess.run(["git", "worktree", "remove", "--force", str(code)], cwd=ROOT, check=False)
            print(name, json.dumps(result[name]), flush=True)
    before, now = result["before"], result["now"]
    result["edit_ratio_now_over_before"] = round(now["edit"]["wall_s"] / before["edit"]["wall_s"], 2)
    result["probe_share_of_edit"] = round(now["edit"]["probing_cpu_s"] / now["edit"]["wall_s"], 3)
    result["machine"] = f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end"
    out = ROOT / "benchmarks" / f"results-store-{SECTION}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({k: v for k, v in result.items() if not isinstance(v, dict)}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
