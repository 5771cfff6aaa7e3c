"""The first render's pre-pass: LaTeX and narration ahead of the drawing, beside it.

A section never rendered before has every formula to typeset and every line
to speak. Left to the scene, each formula costs its own latex and dvisvgm
processes (about 0.4 CPU-s) and each sentence is synthesised when its beat
starts, both on that section's critical path; the parts of a split section
would each synthesise the same earlier lines.

So ``start`` runs one more process beside the section renders
(``python -m video.texbatch``, video/texbatch.py): a dry pass of each such
section in the order the sections start, its formulas compiled in batches
into the shared LaTeX cache, then (at the lowest priority, so on cores the
drawing leaves idle) every line of those sections synthesised into the
narration cache. Both caches are locked per item: a scene that gets
to a formula or a sentence first makes it itself, and the pre-pass passes
over it; one that asks while the pre-pass is making it waits and then finds
it made. The output is the same either way (the same SVGs, the same WAVs).

Sections with a render history (an edit, ``--force``, nothing changed) get no
pre-pass: their formulas and lines are cached already, and a dry pass would
cost more than it saves. ``BACKPROP_FIRST_RUN`` takes the new first run
apart for benchmarks/cold.py: ``stock`` (no pre-pass, no shipped costs: the
baseline), ``model`` (the shipped costs only), ``latex`` (and the formulas,
not the narration).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys

from renderer import parts
from renderer.plan import ROOT, Entry, Plan

FIRST_RUN_ENV_VAR = "BACKPROP_FIRST_RUN"


def _mode() -> str:
    return os.environ.get(FIRST_RUN_ENV_VAR, "").strip().lower()


def stock() -> bool:
    """``BACKPROP_FIRST_RUN=stock``: a first render as before (no pre-pass, no shipped costs)."""
    return _mode() == "stock"


def wanted(plan: Plan, order: list[Entry]) -> list[Entry]:
    """The sections (in start order) a pre-pass helps: never rendered under this output root."""
    if _mode() in ("stock", "model") or plan.only_part is not None:
        return []
    return [e for e in order if parts.history(plan, e) is None]


def start(plan: Plan, order: list[Entry]) -> subprocess.Popen | None:
    """Start the pre-pass for the sections that need one, or return None."""
    todo = wanted(plan, order)
    if not todo:
        return None
    log_path = plan.out_dir / "logs" / "prepass.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    cmd = [
        sys.executable,
        "-m",
        "video.texbatch",
        "--tex-dir",
        str(plan.tex_dir),
        "--voice",
        "none" if _mode() == "latex" else plan.voice,
        *[f"{e.path}:{e.scene}" for e in todo],
    ]
    with open(log_path, "w", encoding="utf-8") as log:
        log.write(f"# pre-pass of {', '.join(e.name for e in todo)}\n")
        log.flush()
        return subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=plan.scene_env(),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(proc: subprocess.Popen | None) -> None:
    """End the pre-pass if the renders finished before it (what it made is in the caches)."""
    if proc is None:
        return
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGTERM)  # its latex or dvisvgm too (its own session)
    proc.wait()
