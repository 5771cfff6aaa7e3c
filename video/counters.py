"""What one manim process of a render spent its time on, for the cold profile.

With ``BACKPROP_PROFILE=<folder>`` every part's manim process writes
``<folder>/<pid>.json`` when it exits: its start and end (wall clock), its own
CPU (every thread) and its children's (latex, dvisvgm), the LaTeX formulas it
compiled (count, seconds, the children's CPU), Pango's texts, and the
narration it synthesised (narration.STATS). benchmarks/cold.py adds these to
the part records' ``timing`` (drawing, conversion, encoding) for the split of
a cold render. Without the variable nothing is written; the counters are a few
additions per formula or text either way.
"""

from __future__ import annotations

import atexit
import json
import os
import resource
import sys
import time
from pathlib import Path

from common.contract import SceneContract

PROFILE_ENV_VAR = "BACKPROP_PROFILE"

LATEX = {"compiled": 0, "seconds": 0.0, "cpu": 0.0}  # this process's compiles (texcache)
PANGO = {"texts": 0, "seconds": 0.0}  # texts typeset by Pango (cold: not in the part's text cache)


def _process_start() -> float:
    """When this process started (wall clock), from /proc; else now."""
    try:
        ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return time.time() - (uptime - ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return time.time()


_STARTED = _process_start()
_r = resource.getrusage(resource.RUSAGE_SELF)
STARTUP_CPU = _r.ru_utime + _r.ru_stime  # the interpreter and imports (manim), before any scene
_installed = False


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def latex(compile_, expression, environment=None, tex_template=None):
    """manim's tex_to_svg_file, counted when it compiles (its SVG was not in the cache)."""
    from manim.utils.tex_file_writing import generate_tex_file

    if generate_tex_file(expression, environment, tex_template).with_suffix(".svg").exists():
        return compile_(expression, environment, tex_template)
    started, children = time.perf_counter(), children_cpu()
    try:
        return compile_(expression, environment, tex_template)
    finally:
        LATEX["compiled"] += 1
        LATEX["seconds"] += time.perf_counter() - started
        LATEX["cpu"] += children_cpu() - children


def install() -> None:
    """Count Pango's texts, and write this process's figures at exit when profiling."""
    global _installed
    if _installed:
        return
    _installed = True
    import manimpango

    text2svg = manimpango.text2svg

    def counted(*args, **kwargs):
        started = time.perf_counter()
        try:
            return text2svg(*args, **kwargs)
        finally:
            PANGO["texts"] += 1
            PANGO["seconds"] += time.perf_counter() - started

    manimpango.text2svg = counted
    if os.environ.get(PROFILE_ENV_VAR):
        atexit.register(_write, Path(os.environ[PROFILE_ENV_VAR]))


def _write(folder: Path) -> None:
    me = resource.getrusage(resource.RUSAGE_SELF)
    narration = sys.modules.get("narration")
    figures = {
        "pid": os.getpid(),
        "argv": sys.argv,
        "beats": SceneContract.from_env().beats,
        "record": SceneContract.from_env().record or "",
        "started": _STARTED,
        "ended": time.time(),
        "cpu": me.ru_utime + me.ru_stime,
        "startup_cpu": STARTUP_CPU,
        "children_cpu": children_cpu(),
        "max_rss_kib": me.ru_maxrss,
        "latex": dict(LATEX),
        "pango": dict(PANGO),
        "narration": dict(narration.STATS) if narration is not None else {},
    }
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{os.getpid()}.json").write_text(json.dumps(figures, indent=1) + "\n")
