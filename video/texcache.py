"""One LaTeX cache shared by processes: each formula is compiled once.

Typesetting a formula is the slowest part of building a scene's state, and it
does not depend on the quality, theme or section, so every render (and the
tests) can share one cache. manim keeps no lock on it:

* two processes could both find no SVG for a formula and write it at once,
  and manim's clean-up deletes every file that is not an SVG, including
  another process's half-made one;
* reading an SVG, manim writes a modified copy beside it (``<name>_.svg``)
  and deletes it, so two processes reading one formula trip over each other.

So ``share`` turns the clean-up off and makes each formula, and each SVG
read, one process's job at a time (the others wait on its lock).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
from pathlib import Path

from manim import config
from manim.mobject.svg.svg_mobject import SVGMobject
from manim.mobject.text import tex_mobject


_compile = tex_mobject.tex_to_svg_file
_read_svg = SVGMobject.generate_mobject


@contextlib.contextmanager
def _locked(name: str):
    locks = Path(config.get_dir("tex_dir")) / "locks"
    locks.mkdir(parents=True, exist_ok=True)
    key = hashlib.sha256(name.encode()).hexdigest()[:24]
    with open(locks / f"{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _compile_locked(expression, environment=None, tex_template=None):
    body = tex_template.body if tex_template is not None else ""
    with _locked(f"tex\0{environment}\0{expression}\0{body}"):
        return _compile(expression, environment, tex_template)


def _read_svg_locked(self):
    with _locked(f"svg\0{Path(self.get_file_path()).resolve()}"):
        return _read_svg(self)


def share(tex_dir: Path | str) -> None:
    """Use ``tex_dir`` as this process's LaTeX cache, safely shared with others."""
    config.tex_dir = str(tex_dir)
    config.no_latex_cleanup = True
    tex_mobject.tex_to_svg_file = _compile_locked
    SVGMobject.generate_mobject = _read_svg_locked
