"""One LaTeX cache shared by processes: each formula is compiled once.

Typesetting a formula is the slowest part of building a scene's state, and it
does not depend on the quality, theme or section, so every render (and the
tests) can share one cache. manim keeps no lock on it:

* two processes could both find no SVG for a formula and write it at once,
  and manim's clean-up deletes every file that is not an SVG, including
  another process's half-made one;
* reading an SVG, manim writes a modified copy beside it (``<name>_.svg``)
  and deletes it, so two processes reading one formula trip over each other.

So ``share`` turns the clean-up off, makes compiling each formula one
process's job at a time (the others wait on its lock), and has the modified
SVG parsed from memory instead of a file beside the shared one. A cached SVG
that does not parse (cut short) is compiled again, never trusted.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
from pathlib import Path
from xml.etree import ElementTree

import svgelements
from manim import RIGHT, config
from manim.mobject.svg.svg_mobject import SVGMobject
from manim.mobject.text import tex_mobject

from video import counters

_compile = tex_mobject.tex_to_svg_file


def lock_name(expression, environment=None, tex_template=None) -> str:
    body = tex_template.body if tex_template is not None else ""
    return f"tex\0{environment}\0{expression}\0{body}"


def lock_file(name: str) -> Path:
    """The lock of one formula (video/texbatch.py takes it too)."""
    locks = Path(config.get_dir("tex_dir")) / "locks"
    locks.mkdir(parents=True, exist_ok=True)
    return locks / f"{hashlib.sha256(name.encode()).hexdigest()[:24]}.lock"


@contextlib.contextmanager
def _locked(name: str):
    with open(lock_file(name), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _compile_locked(expression, environment=None, tex_template=None):
    if not config.no_latex_cleanup:
        # Not (or no longer, after a tempconfig) a shared cache: manim's own way. Its
        # clean-up would try to delete the locks folder as a file that is not an SVG.
        return _compile(expression, environment, tex_template)
    with _locked(lock_name(expression, environment, tex_template)):
        svg = counters.latex(_compile, expression, environment, tex_template)
        if _whole(svg):
            return svg
        # A cached result cut short (a crash, a full disk, a partial copy): made again, never trusted.
        for suffix in (".svg", ".dvi", ".xdv", ".tex"):
            Path(svg).with_suffix(suffix).unlink(missing_ok=True)
        return counters.latex(_compile, expression, environment, tex_template)


def _whole(svg: Path) -> bool:
    """The SVG parses as XML (a file cut short does not: its root is never closed)."""
    try:
        ElementTree.parse(svg)
    except (ElementTree.ParseError, OSError):
        return False
    return True


def _read_svg_in_memory(self):
    """manim 0.21's SVGMobject.generate_mobject, with the modified SVG kept in memory."""
    tree = self.modify_xml_tree(ElementTree.parse(self.get_file_path()))
    buffer = io.BytesIO()
    tree.write(buffer)
    buffer.seek(0)
    mobjects, mobject_dict = self.get_mobjects_from(svgelements.SVG.parse(buffer))
    self.add(*mobjects)
    self.id_to_vgroup_dict = mobject_dict
    self.flip(RIGHT)  # SVG's y axis points down
    return self


def share(tex_dir: Path | str) -> None:
    """Use ``tex_dir`` as this process's LaTeX cache, safely shared with others."""
    config.tex_dir = str(tex_dir)
    config.no_latex_cleanup = True
    counters.install()
    tex_mobject.tex_to_svg_file = _compile_locked
    SVGMobject.generate_mobject = _read_svg_in_memory
