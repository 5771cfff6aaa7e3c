"""Incremental rendering: a section is rendered again only when an input changed.

A section's fingerprint hashes the *contents* of everything its video depends on:

* its scene file, and any ``scenes/*.py`` module it imports (transitively);
* the shared scene code: scenes/lesson.py, scenes/style.py, scenes/manifest.py
  (and the manifest file in use, when it is another one);
* every backprop_core/*.py, narration/*.py and video/*.py (the lesson
  renderer), and every file under assets/ but the page's, the decks' and the package's (PRODUCT_ASSETS);
* manim.cfg and requirements.lock (the pinned versions);
  (a manifest may name its own shared files instead of the lesson's, with
  ``SHARED_INPUTS``: the test fixtures do, so their renders don't depend on
  the lesson's code);
* the parameters (JSON), the theme, the voice, the quality, the format and transparency;
* ``RECIPE``, bumped when the way the renderer calls manim changes.

Its record (``.cache/NN-name.json``) stores the fingerprint with the outputs'
facts (duration, render time, clips, the plays it is made of). Same
fingerprint and outputs present: the previous video is reused. Python files
count by their syntax tree (video/digest.py), so an edit to a comment or to
the layout of the code changes nothing; any other edit changes the
fingerprint. Inside a section that must be rendered again, only the plays
whose content changed are drawn again (video/render.py).
"""

from __future__ import annotations

import ast
import functools
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from common import atomic
from common.contract import content_hash
from renderer.plan import ROOT, Entry, Plan
from video.digest import tree_hash

RECIPE = "renderer-2"
# How the beat clips are made from the plays. A record of an older recipe is
# not current: the section is joined again from its part records and plays
# (no scene is rendered again), so its clips are remade.
CLIPS_RECIPE = "clips-2"  # clips-2: each clip narrated, with its own .srt and .vtt

SHARED_FILES = ("scenes/lesson.py", "scenes/style.py", "scenes/manifest.py", "manim.cfg", "requirements.lock")
SHARED_GLOBS = ("backprop_core/*.py", "common/*.py", "narration/*.py", "video/*.py", "assets/**/*")
ALWAYS = ("manim.cfg", "requirements.lock")
# What under assets/ only the published products read: the page's, the decks' and their
# font. Not a section's input (a template edit rebuilds the page, not every section);
# the page and the decks hash them into their own fingerprints (renderer/templates.py).
PRODUCT_ASSETS = ("assets/page", "assets/slides", "assets/scorm", "assets/fonts.json")

# Each input file read once per process (until forget_hashes): (its fingerprint hash, the
# hash of its bytes). The part processes are told the second (common/contract.py ``sources``)
# and check it, so what a fingerprint stands for is what was rendered, even when a file is
# saved during the render.
_file_hashes: dict[Path, tuple[str, str]] = {}


def forget_hashes() -> None:
    """Hash files afresh from now on (a long-lived process, --watch, whose inputs change under it)."""
    _file_hashes.clear()


def _hashes(path: Path) -> tuple[str, str]:
    path = path.resolve()
    if path not in _file_hashes:
        try:
            data = path.read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            _file_hashes[path] = ("missing", "missing")
        else:
            exact = content_hash(data)
            if path.suffix == ".py":
                _file_hashes[path] = (tree_hash(data.decode("utf-8", errors="replace")), exact)
            else:
                _file_hashes[path] = (hashlib.sha256(data).hexdigest(), exact)
    return _file_hashes[path]


def file_hash(path: Path) -> str:
    """A file's content hash; for Python, of its syntax tree (comments left out)."""
    return _hashes(path)[0]


def source_hashes(plan: Plan, entry: Entry) -> dict[str, str]:
    """Every input of the section's fingerprint with the hash of its bytes as the fingerprint read them."""
    return {str(path): _hashes(path)[1] for path in inputs(plan, entry)}


def _module_file(dotted: str, root: Path = ROOT) -> Path | None:
    """``scenes.a.b`` -> scenes/a/b.py or scenes/a/b/__init__.py under ``root``, when it exists."""
    base = root.joinpath(*dotted.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


@functools.lru_cache(maxsize=256)
def _imported_names(source: str) -> tuple[str, ...]:
    """The modules a source imports by absolute name. Keyed by the text itself, so an edit
    is parsed again; every section's fingerprint reads the same components, parsed once."""
    names: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names += [f"{node.module}.{a.name}" for a in node.names]  # a submodule imported by name
    return tuple(names)


def scene_imports(path: Path) -> set[Path]:
    """The modules under scenes/, or beside the scene file (manim puts its folder on the
    path), that a scene file imports, transitively (packages included)."""
    seen: set[Path] = set()
    todo = [path]
    while todo:
        current = todo.pop()
        try:
            names = _imported_names(current.read_text(encoding="utf-8"))
        except (OSError, SyntaxError, ValueError):
            continue  # the file's own hash still counts; the render reports the error
        for name in names:
            if name == "scenes" or name.startswith("scenes."):
                found = _module_file(name)
            else:
                found = _module_file(name, path.parent)
            if found is not None and found not in seen:
                seen.add(found)
                todo.append(found)
    return seen


def shared_inputs(plan: Plan) -> list[Path]:
    if plan.manifest.shared_inputs is not None:  # a manifest that names its own (test fixtures)
        files = [ROOT / f for f in ALWAYS] + list(plan.manifest.shared_inputs)
    else:
        files = [ROOT / f for f in SHARED_FILES]
        for pattern in SHARED_GLOBS:
            files.extend(p for p in sorted(ROOT.glob(pattern)) if p.is_file() and not _product_asset(p))
    if plan.manifest.source is not None:
        files.append(plan.manifest.source)
    return files


def _product_asset(path: Path) -> bool:
    name = path.relative_to(ROOT).as_posix()
    return any(name == a or name.startswith(a + "/") for a in PRODUCT_ASSETS)


def inputs(plan: Plan, entry: Entry) -> list[Path]:
    files = {p.resolve() for p in shared_inputs(plan)}
    files.add(entry.path)
    files |= {p.resolve() for p in scene_imports(entry.path)}
    return sorted(files)


def fingerprint(plan: Plan, entry: Entry) -> str:
    h = hashlib.sha256()
    for key, value in (
        ("recipe", RECIPE),
        ("section", f"{entry.name}:{entry.module}:{entry.scene}"),
        ("params", plan.params_json),
        ("theme", plan.theme),
        ("voice", plan.voice),
        ("quality", plan.quality.name),
        ("format", plan.fmt),
        ("transparent", str(plan.transparent)),
    ):
        h.update(f"{key}={value}\n".encode())
    for path in inputs(plan, entry):
        try:
            name = str(path.relative_to(ROOT))
        except ValueError:
            name = path.name
        h.update(f"{name}={file_hash(path)}\n".encode())
    return h.hexdigest()


@dataclass
class Record:
    """What a finished render of one section left behind."""

    fingerprint: str
    video: str  # file names relative to the variant folder
    subtitles: str | None
    poster: str
    store: str
    duration: float
    render_seconds: float
    rendered_at: str
    clips: list[dict[str, Any]]  # name, file (relative to the store), duration, thumb, subtitle
    extras: list[str] = field(default_factory=list)  # e.g. NN-name.vtt, NN-name.beats.json
    plays: list[str] = field(default_factory=list)  # the play files (keys) the video is made of
    beat_costs: list[float] = field(default_factory=list)  # relative cost of each beat (for parts)
    timing: dict[str, float] = field(default_factory=dict)  # where the parts' time went
    fps: int = 0
    beats: list[dict[str, Any]] = field(default_factory=list)  # job.RECORD_BEAT_KEYS: name, narration, frames, audio
    clips_recipe: str = ""  # CLIPS_RECIPE of the clips in the store
    # The render before this one (another fingerprint): its plays and part records are kept.
    previous_fingerprint: str = ""
    previous_plays: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(self.__dict__, indent=2)


def load(plan: Plan, entry: Entry) -> Record | None:
    return load_file(plan.record(entry))


def load_file(path: Path) -> Record | None:
    try:
        return Record(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def save(plan: Plan, entry: Entry, record: Record) -> None:
    atomic.write_text(plan.record(entry), record.to_json())


def is_current(plan: Plan, entry: Entry, record: Record | None, fp: str) -> bool:
    """The record matches ``fp`` and every output it names is still there."""
    if record is None or record.fingerprint != fp or record.clips_recipe != CLIPS_RECIPE:
        return False
    needed = [record.video, record.poster, record.store, *record.extras]
    if record.subtitles:
        needed.append(record.subtitles)
    return all((plan.out_dir / name).exists() for name in needed)
