"""LaTeX in batches, before the drawing asks for it.

A cold render used to compile each of the lesson's formulas where a scene
asked for it: one ``latex`` and one ``dvisvgm`` process per formula, about
0.4 CPU-s each, most of it the two programs starting and LaTeX reading its
packages, on the drawing's critical path.

Here a *dry pass* builds each section's scene without drawing and without
LaTeX (``collect``): animations are skipped (each play jumps to its end, as the
tests' harness runs scenes) and every formula asked for is recorded and
answered with a placeholder SVG of about the right shape (one small glyph per
character, in the groups manim tags). Then ``compile_all`` typesets the
formulas in batches: one ``latex`` run of many pages (each formula's own
document body, between its template's ``\\begin{document}`` and
``\\end{document}``, closed and reopened as its own ``standalone`` page) and
one ``dvisvgm`` over all its pages, written as exactly the SVG files manim's
``tex_to_svg_file`` makes (same names in the same cache: the hash of the
single-formula document), so the scene's own compile finds them there.

The shared cache and its locks (video/texcache.py): a batch takes each of its
formulas' locks first, without waiting (a formula whose lock is held is being
compiled by a scene: it is left to it), leaves out formulas whose SVG is there
already, and holds the locks until its SVGs are in place, each written beside
its place and renamed in; a scene that wants one of them meanwhile waits on
its lock and then finds the SVG. A formula whose page fails is left out (the
scene compiles it itself, and reports its error as manim does).

Formulas that only appear while a play runs (a readout retypeset as its
number moves) are not seen by the dry pass; the scene compiles those as
before.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

BEGIN, END = r"\begin{document}", r"\end{document}"
# standalone.cls's own \end{document} and \begin{document} hooks: one page ends, the next begins,
# each its own preview box exactly as in a document of its own.
NEXT_PAGE = "\\ifhmode\\unskip\\fi\\endstandalone\\standalone\\ignorespaces"
_PAGE_ID = re.compile(r"<g id='page\d+'>")
_RAW = re.compile(r"\\special\{dvisvgm:raw (<g id='([^']*)'>|</g>)\}")
_COMMAND = re.compile(r"\\[A-Za-z]+\*?|\\.")


@dataclass(frozen=True)
class Formula:
    expression: str
    environment: str | None
    preamble: str  # the template's document up to and including \begin{document}
    document: str  # the single-formula document manim writes (its hash names the files)
    lock: str  # its lock's name in the shared cache (video/texcache.py)

    @property
    def name(self) -> str:
        from manim.utils.tex_file_writing import tex_hash

        return tex_hash(self.document)

    @property
    def body(self) -> str:
        """What the formula's own document has between its begin and end of document."""
        rest = self.document[len(self.preamble) :]
        return rest[: rest.rindex(END)]


def formula(expression: str, environment: str | None, tex_template) -> Formula | None:
    """The formula as manim would write it, or None when its template is not one a batch can hold."""
    from manim import config

    template = tex_template if tex_template is not None else config["tex_template"]
    if template.tex_compiler != "latex" or template.output_format != ".dvi":
        return None
    if environment is not None:
        document = template.get_texcode_for_expression_in_env(expression, environment)
    else:
        document = template.get_texcode_for_expression(expression)
    if document.count(BEGIN) != 1 or document.count(END) != 1:
        return None
    preamble = document[: document.index(BEGIN) + len(BEGIN)]
    if not preamble.startswith(r"\documentclass[preview]{standalone}"):
        return None
    from video.texcache import lock_name

    return Formula(expression, environment, preamble, document, lock_name(expression, environment, tex_template))


# -- the dry pass ---------------------------------------------------------------------------


def placeholder_svg(expression: str) -> str:
    """An SVG shaped roughly like the typeset formula: a glyph per visible character, in
    manim's tagged groups, so a scene can index, colour and lay out its parts."""
    out, x = [], 0.0

    def glyphs(text: str) -> None:
        nonlocal x
        text = _COMMAND.sub("x", text)
        for ch in text:
            if ch.isspace() or ch in "{}^_&$\\":
                continue
            out.append(f"<path d='M {x:.1f} -8 L {x + 4:.1f} -8 L {x + 4:.1f} 0 L {x:.1f} 0 Z'/>")
            x += 5.0

    pos = 0
    for m in _RAW.finditer(expression):
        glyphs(expression[pos : m.start()])
        out.append(f"<g id='{escape(m.group(2))}'>" if m.group(2) is not None else "</g>")
        pos = m.end()
    glyphs(expression[pos:])
    if x == 0:
        out.append("<path d='M 0 -8 L 4 -8 L 4 0 L 0 0 Z'/>")
        x = 5.0
    return (
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        "<svg version='1.1' xmlns='http://www.w3.org/2000/svg' xmlns:xlink='http://www.w3.org/1999/xlink' "
        f"width='{x:.1f}pt' height='10pt' viewBox='0 -9 {x:.1f} 10'>\n<g id='page1'>\n"
        + "\n".join(out)
        + "\n</g>\n</svg>\n"
    )


@dataclass
class Collected:
    formulas: list[Formula]
    lines: list[str]  # every beat's narration line, in order
    error: str = ""  # the dry pass stopped here (what it found before is kept)


@contextlib.contextmanager
def recording(tex_dir: Path, placeholders: Path):
    """While open, a formula a mobject asks for is not compiled: one missing from ``tex_dir`` is
    recorded in the list this yields and answered with a placeholder SVG (in ``placeholders``)."""
    from manim.mobject.text import tex_mobject

    found: dict[str, Formula] = {}

    def record(expression, environment=None, tex_template=None):
        f = formula(expression, environment, tex_template)
        if f is not None:
            real = Path(tex_dir) / f"{f.name}.svg"
            if real.exists():
                return real
            found.setdefault(f.name, f)
        key = hashlib.sha256(f"{environment}\0{expression}".encode()).hexdigest()[:16]
        path = Path(placeholders) / f"placeholder-{key}.svg"
        if not path.exists():
            path.write_text(placeholder_svg(expression), encoding="utf-8")
        return path

    formulas: list[Formula] = []
    saved = tex_mobject.tex_to_svg_file
    tex_mobject.tex_to_svg_file = record
    try:
        yield formulas
    finally:
        tex_mobject.tex_to_svg_file = saved
        formulas += found.values()


def collect(scene_class, tex_dir: Path, frame_rate: int = 15) -> Collected:
    """Build a scene with animations skipped, without drawing and without LaTeX: its formulas
    (those not in ``tex_dir`` yet) and its beats' narration lines."""
    from manim import tempconfig

    from scenes import lesson

    lines: list[str] = []
    error = ""
    with tempfile.TemporaryDirectory(prefix="texbatch-dry-") as tmp:
        cfg = {
            "dry_run": True,
            "pixel_height": 270,
            "pixel_width": 480,
            "frame_rate": frame_rate,
            "media_dir": tmp,
            "text_dir": str(Path(tmp) / "texts"),
            "output_file": str(Path(tmp) / "scene"),
            "disable_caching": True,
            "verbosity": "ERROR",
            "progress_bar": "none",
        }
        with tempconfig(cfg):
            scene = scene_class(skip_animations=True)
            saved = lesson.LessonScene._speak

            def speak(self, beat) -> None:
                lines.append(beat.narration)

            lesson.LessonScene._speak = speak
            try:
                with recording(tex_dir, Path(tmp)) as formulas:
                    scene.render()
            except Exception as exc:  # placeholder shapes may not suit every layout: keep what was found
                error = f"{type(exc).__name__}: {exc}"
            finally:
                lesson.LessonScene._speak = saved
    return Collected(formulas, lines, error)


# -- the batches ----------------------------------------------------------------------------

BATCH = 40  # formulas per latex run: a scene waiting on one of them waits for at most one batch


def batch_document(formulas: list[Formula]) -> str:
    """One document, a page per formula, each page typeset as its own document would be."""
    preamble = formulas[0].preamble
    assert all(f.preamble == preamble for f in formulas), "one template per batch"
    return preamble + NEXT_PAGE.join(f.body for f in formulas) + END + "\n"


def typeset(formulas: list[Formula], work: Path) -> list[str] | None:
    """Each formula's SVG text (manim's: dvisvgm --no-fonts of its page), or None if the batch failed."""
    work.mkdir(parents=True, exist_ok=True)
    tex = work / "batch.tex"
    tex.write_text(batch_document(formulas), encoding="utf-8")
    latex = subprocess.run(
        ["latex", "-interaction=batchmode", "-halt-on-error", f"-output-directory={work}", str(tex)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    if latex.returncode != 0:
        return None
    subprocess.run(
        [
            "dvisvgm",
            "--page=1-",
            "--no-fonts",
            "--verbosity=0",
            f"--output={work}/page-%p.svg",
            str(work / "batch.dvi"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    pages = sorted(work.glob("page-*.svg"), key=lambda p: int(p.stem.split("-")[1]))
    if len(pages) != len(formulas):
        return None
    # A page's SVG names its page group by its page number; a file of its own says page1.
    return [_PAGE_ID.sub("<g id='page1'>", p.read_text(encoding="utf-8"), count=1) for p in pages]


def _write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def compile_batch(formulas: list[Formula], tex_dir: Path) -> tuple[int, int]:
    """Typeset the formulas whose lock is free and whose SVG is missing; (compiled, failed).
    A failed batch is halved until each failing formula is alone (and left to its scene)."""
    from video.texcache import lock_file

    tex_dir = Path(tex_dir)
    with contextlib.ExitStack() as held:
        mine = []
        for f in formulas:
            lock = held.enter_context(open(lock_file(f.lock), "w"))
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:  # a scene is compiling it now
                continue
            if not (tex_dir / f"{f.name}.svg").exists():
                mine.append(f)
        compiled = failed = 0
        todo = [mine] if mine else []
        with tempfile.TemporaryDirectory(prefix=".batch-", dir=tex_dir) as tmp:
            for n, group in enumerate(_drain(todo)):
                svgs = typeset(group, Path(tmp) / str(n))
                if svgs is None:
                    if len(group) == 1:
                        failed += 1
                    else:
                        todo += [group[: len(group) // 2], group[len(group) // 2 :]]
                    continue
                for f, svg in zip(group, svgs):
                    tex = tex_dir / f"{f.name}.tex"
                    if not tex.exists():
                        _write(tex, f.document)
                    _write(tex_dir / f"{f.name}.svg", svg)
                compiled += len(group)
        return compiled, failed


def _drain(todo: list):
    while todo:
        yield todo.pop(0)


def compile_all(formulas: list[Formula], tex_dir: Path, jobs: int = 1) -> tuple[int, int]:
    """Every formula, in batches of at most BATCH of one template, ``jobs`` batches at a time."""
    from concurrent.futures import ThreadPoolExecutor

    by_template: dict[str, list[Formula]] = {}
    for f in dict.fromkeys(formulas):
        by_template.setdefault(f.preamble, []).append(f)
    batches = []
    for group in by_template.values():
        size = min(BATCH, max(1, -(-len(group) // max(1, jobs))))  # spread a small set over the cores
        batches += [group[k : k + size] for k in range(0, len(group), size)]
    with ThreadPoolExecutor(max(1, jobs)) as pool:
        results = list(pool.map(lambda b: compile_batch(b, tex_dir), batches))
    return sum(c for c, _ in results), sum(x for _, x in results)


# -- the pre-pass process (renderer/prepass.py starts it beside the drawing) ------------------


def _scene_class(spec: str):
    """``/path/to/file.py:SceneClass`` loaded as manim loads a scene file."""
    import importlib.util
    import sys

    path, _, name = spec.rpartition(":")
    module_name = f"_texbatch_{Path(path).stem}"
    mod_spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(mod_spec)
    sys.modules[module_name] = module
    mod_spec.loader.exec_module(module)
    return getattr(module, name)


def _own_cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main(argv: list[str] | None = None) -> int:
    """Formulas of every scene named (in the order given) compiled in batches, then their
    narration synthesised; each step says what it did and how long it took."""
    import argparse
    import sys
    import time

    ap = argparse.ArgumentParser(prog="python -m video.texbatch", description=main.__doc__)
    ap.add_argument("scenes", nargs="+", metavar="FILE.py:SCENE")
    ap.add_argument("--tex-dir", required=True)
    ap.add_argument("--jobs", type=int, default=1, help="latex runs at once")
    ap.add_argument("--voice", default="none", help="synthesise the lines in this voice (none: no narration)")
    args = ap.parse_args(argv)
    from manim import config

    from video import counters, texcache

    texcache.share(args.tex_dir)
    counters.install()
    found: list[tuple[str, Collected]] = []
    for spec in args.scenes:
        started, cpu = time.perf_counter(), _own_cpu()
        try:
            got = collect(_scene_class(spec), Path(args.tex_dir))
        except Exception as exc:  # the scene's own render will say what is wrong with it
            print(f"{spec}: dry pass failed ({type(exc).__name__}: {exc})", flush=True)
            continue
        with_config, children = time.perf_counter(), counters.children_cpu()
        counters.LATEX["dry_cpu"] = counters.LATEX.get("dry_cpu", 0.0) + _own_cpu() - cpu
        config.tex_dir = args.tex_dir  # collect() ran in a tempconfig
        compiled, failed = compile_all(got.formulas, Path(args.tex_dir), args.jobs)
        counters.LATEX["batched"] = counters.LATEX.get("batched", 0) + compiled
        counters.LATEX["cpu"] += counters.children_cpu() - children
        note = f"; the dry pass stopped early: {got.error}" if got.error else ""
        print(
            f"{spec}: {len(got.formulas)} formulas new, {compiled} compiled in batches ({failed} left to the scene) "
            f"in {time.perf_counter() - with_config:.1f} s after a {with_config - started:.1f} s dry pass{note}",
            flush=True,
        )
        found.append((spec, got))
    if args.voice != "none":
        import narration

        # The lowest priority from here: the sections' processes synthesise what they reach first
        # themselves, so this only fills cores they leave idle (and the lines of later sections).
        os.nice(19)
        voice = narration.get_voice(args.voice)
        for spec, got in found:
            started = time.perf_counter()
            made = sum(narration.prepare(line, voice) for line in got.lines)
            print(f"{spec}: {made} sentences synthesised in {time.perf_counter() - started:.1f} s", flush=True)
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
