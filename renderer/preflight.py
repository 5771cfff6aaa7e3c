"""The system tools a render needs, checked before any work starts.

Each missing one is reported with the Debian package that provides it and the
command that installs it (``./render.sh`` installs them itself when run as root;
this check catches a machine set up another way, or ``python -m renderer`` run
directly).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess

# (what, how to find it, Debian package)
TOOLS = (
    ("latex", "latex", "texlive-latex-base"),
    ("dvisvgm", "dvisvgm", "dvisvgm"),
    ("ffmpeg", "ffmpeg", "ffmpeg"),
    ("ffprobe", "ffprobe", "ffmpeg"),
)
TEX_FILES = (("standalone.cls", "texlive-latex-extra"),)


def missing(slides: bool = False) -> list[tuple[str, str]]:
    """(what is missing, Debian package) for everything a render needs but can't find."""
    found: list[tuple[str, str]] = []
    if slides and shutil.which("npm") is None:
        from renderer.slides import reveal_is_cached

        if not reveal_is_cached():
            found.append(("npm (no 'npm' on PATH), to fetch reveal.js once for the HTML deck", "npm"))
    for what, exe, package in TOOLS:
        if shutil.which(exe) is None:
            found.append((f"{what} (no '{exe}' on PATH)", package))
    if shutil.which("kpsewhich") is not None:
        for name, package in TEX_FILES:
            proc = subprocess.run(["kpsewhich", name], capture_output=True, text=True)
            if proc.returncode != 0 or not proc.stdout.strip():
                found.append((f"the LaTeX file {name}", package))
    if importlib.util.find_spec("manimpango") is None or importlib.util.find_spec("cairo") is None:
        found.append(
            (
                "the Python packages manimpango/pycairo (built against Pango and Cairo)",
                "libpango1.0-dev libcairo2-dev pkg-config",
            )
        )
    return found


def message(problems: list[tuple[str, str]]) -> str:
    packages: list[str] = []
    for _, package in problems:
        for p in package.split():
            if p not in packages:
                packages.append(p)
    sudo = "" if os.geteuid() == 0 else "sudo "
    lines = ["error: this machine is missing what rendering needs:"]
    lines += [f"  - {what}: Debian package {package}" for what, package in problems]
    lines.append(f"install with:  {sudo}apt-get update && {sudo}apt-get install -y {' '.join(packages)}")
    if any("manimpango" in what for what, _ in problems):
        lines.append("then run ./render.sh again: it rebuilds the virtualenv (.venv) from requirements.lock")
    lines.append("nothing was rendered.")
    return "\n".join(lines)
