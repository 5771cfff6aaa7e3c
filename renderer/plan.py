"""What a run renders and where every file goes.

Output layout (``--out`` defaults to ``renders/``)::

    renders/<variant>/                 variant = quality[-theme][-silent|-espeak][-p<params hash>]
                                                 [-transparent][-format][-described]
        NN-<name>.mp4                  one video per section (NN = its place in the lesson, from 00)
        NN-<name>.srt                  its subtitles (the narration lines)
        NN-<name>.vtt, .beats.json     the same as WebVTT, and each beat's timing (when the scene writes them)
        lesson.mp4                     every section joined, one chapter per section, subtitles track
        lesson.srt                     the joined subtitles
        index.html                     the lesson page (renderer/page.py), with lesson.vtt, chapters.vtt,
                                       youtube-chapters.txt and page/stills/ beside it
        posters/NN-<name>.png          each section's last frame
        contact-sheet.png              a labelled thumbnail per beat, one row per section
        clips/NN-<name>/KK-<beat>.mp4  with --sections: one narrated clip per beat (+ .srt, .vtt) ...
        clips.json                     ... and their index (section, scene, file, duration)
        slides/                        with --slides: lesson.html (+ reveal/, media/, stills/), lesson.pptx, handout.pdf
        package/lesson-scorm12.zip     with --package scorm: the page as a SCORM 1.2 package (renderer/scorm.py)
        logs/NN-<name>.log             the full manim log of the section's last render
        .cache/ .work/ .locks/         bookkeeping (fingerprints, TeX caches, locks)

For example ``./render.sh`` writes ``renders/high/``, ``./render.sh -q low
--theme light --set w1=0.3`` writes ``renders/low-light-p1a2b3c4d/``.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from common.contract import SceneContract
from narration import DESCRIBED_ENV_VAR, VOICE_ENV_VAR
from renderer import syntax_error
from scenes.manifest import Section
from video.store import Store

ROOT = Path(__file__).resolve().parents[1]

MANIFEST_ENV_VAR = "BACKPROP_MANIFEST"
DEFAULT_VOICE = "piper"  # the lesson is narrated unless asked otherwise
DEFAULT_MANIFEST = "scenes.manifest:LESSON"


@dataclass(frozen=True)
class Quality:
    name: str
    flag: str  # manim's -q letter
    width: int
    height: int
    fps: int

    @property
    def label(self) -> str:
        return f"{self.height}p{self.fps}"


QUALITIES: dict[str, Quality] = {
    q.name: q
    for q in (
        Quality("low", "l", 854, 480, 15),
        Quality("medium", "m", 1280, 720, 30),
        Quality("high", "h", 1920, 1080, 60),
        Quality("4k", "k", 3840, 2160, 60),
    )
}
DEFAULT_QUALITY = "high"

# --format: the container manim writes. With --transparent, mp4 becomes MOV
# (QuickTime Animation, RGBA) and webm keeps VP9 with alpha.
FORMATS = ("mp4", "mov", "webm", "gif")
DEFAULT_FORMAT = "mp4"
JOINABLE = ("mp4", "mov", "webm")  # containers the lesson video can be joined in


class ManifestError(Exception):
    pass


@dataclass(frozen=True)
class Entry(Section):
    """One section of the lesson as this run sees it: the manifest's Section and its place."""

    index: int = 0  # place in the lesson, from 0

    @property
    def stem(self) -> str:
        return f"{self.index:02d}-{self.name}"


@dataclass(frozen=True)
class Manifest:
    spec: str
    entries: tuple[Entry, ...]
    source: Path | None  # the file that defines it (an input of every section)
    title: str
    # Files every section depends on, when the manifest says so (SHARED_INPUTS);
    # None: the lesson's own (see cache.SHARED_FILES).
    shared_inputs: tuple[Path, ...] | None = None

    def names(self) -> list[str]:
        return [e.name for e in self.entries]

    def by_name(self, name: str) -> Entry:
        for entry in self.entries:
            if entry.name == name:
                return entry
        raise KeyError(name)


def load_manifest(spec: str | None = None) -> Manifest:
    """Load ``module:attr`` or ``/path/to/file.py:attr`` (default: the real lesson)."""
    spec = spec or os.environ.get(MANIFEST_ENV_VAR) or DEFAULT_MANIFEST
    target, _, attr = spec.rpartition(":")
    if not target:
        target, attr = spec, "LESSON"
    try:
        if target.endswith(".py"):
            path = Path(target).resolve()
            mod_spec = importlib.util.spec_from_file_location(f"_manifest_{path.stem}", path)
            if mod_spec is None or mod_spec.loader is None:
                raise ImportError(f"cannot load {path}")
            module = importlib.util.module_from_spec(mod_spec)
            sys.modules[mod_spec.name] = module  # dataclasses look their module up there
            mod_spec.loader.exec_module(module)
        else:
            module = importlib.import_module(target)
    except SyntaxError as exc:
        raise ManifestError(f"cannot load the manifest {spec!r}: {syntax_error(exc)}") from None
    except (ImportError, AttributeError, OSError) as exc:
        raise ManifestError(f"cannot load the manifest {spec!r}: {exc}") from None
    if not hasattr(module, attr):
        raise ManifestError(f"the manifest {spec!r}: {target} has no {attr}; give MODULE:ATTR of a tuple of sections")
    sections: Sequence[Any] = getattr(module, attr)
    check_sections(spec, attr, sections)
    entries = tuple(
        Entry(**{f.name: getattr(s, f.name) for f in fields(Section)}, index=i) for i, s in enumerate(sections)
    )
    source = Path(module.__file__).resolve() if getattr(module, "__file__", None) else None
    shared = getattr(module, "SHARED_INPUTS", None)
    if shared is not None:
        shared = tuple(sorted(p.resolve() for pattern in shared for p in ROOT.glob(pattern) if p.is_file()))
    return Manifest(spec, entries, source, getattr(module, "TITLE", "Backpropagation, step by step"), shared)


def check_sections(spec: str, attr: str, sections: Any) -> None:
    """A manifest's list is a tuple (or list) of distinct ``Section``s; else ManifestError saying what is wrong."""
    fix = f"make {attr} a tuple of Section(...) from scenes.manifest"
    if not isinstance(sections, (tuple, list)):
        raise ManifestError(f"the manifest {spec!r}: {attr} is a {type(sections).__name__}, not a tuple; {fix}")
    if not sections:
        raise ManifestError(f"the manifest {spec!r} has no sections; {fix}")
    seen: set[str] = set()
    for i, section in enumerate(sections):
        if not isinstance(section, Section):
            raise ManifestError(
                f"the manifest {spec!r}: item {i} of {attr} is a {type(section).__name__} "
                f"({section!r:.60}), not a Section; {fix}"
            )
        if section.name in seen:
            raise ManifestError(
                f"the manifest {spec!r}: the section name {section.name!r} is used twice; give each section its own"
            )
        seen.add(section.name)


def params_hash(params_json: str) -> str:
    return hashlib.sha256(params_json.encode()).hexdigest()[:8]


@dataclass
class Plan:
    manifest: Manifest
    selected: list[Entry]
    quality: Quality
    theme: str
    voice: str
    params_json: str
    params_default: bool
    fmt: str
    transparent: bool
    out_root: Path
    jobs: int
    force: bool = False
    sections: bool = False
    slides: bool = False  # slide decks of the beats (implies sections)
    package: str | None = None  # --package scorm: the lesson as an LMS package (renderer/scorm.py)
    join: bool = True
    parts: int | None = None  # --parts N: split every section into N parts (default: chosen from history)
    only_part: Any = None  # --part A:B: render just these beats of one section (a renderer.job.Part)
    rejoin: bool = False  # --rejoin: join the sections from their parts (drawn by --print-jobs --force jobs)
    env: dict[str, str] = field(default_factory=dict)  # extra environment for every scene
    described: bool = False  # --described: each beat's audio description spoken in a hold (WCAG 1.2.7)

    # -- naming ------------------------------------------------------------
    @property
    def variant(self) -> str:
        parts = [self.quality.name]
        if self.theme != "dark":
            parts.append(self.theme)
        if self.voice != DEFAULT_VOICE:
            parts.append("silent" if self.voice == "none" else self.voice)
        if not self.params_default:
            parts.append("p" + params_hash(self.params_json))
        if self.transparent:
            parts.append("transparent")
        if self.fmt != DEFAULT_FORMAT:
            parts.append(self.fmt)
        if self.described:
            parts.append("described")
        return "-".join(parts)

    @property
    def sibling_variant(self) -> str:
        """The other version of this one, described or plain (the page's Described switch)."""
        return self.variant.removesuffix("-described") if self.described else f"{self.variant}-described"

    @property
    def ext(self) -> str:
        """The extension manim gives the scene video."""
        if self.fmt == "gif":
            return ".gif"
        if self.fmt == "webm":
            return ".webm"
        if self.transparent or self.fmt == "mov":
            return ".mov"
        return ".mp4"

    # -- paths ---------------------------------------------------------------
    @property
    def out_dir(self) -> Path:
        return self.out_root / self.variant

    def video(self, e: Entry) -> Path:
        return self.out_dir / f"{e.stem}{self.ext}"

    def subtitles(self, e: Entry) -> Path:
        return self.out_dir / f"{e.stem}.srt"

    def poster(self, e: Entry) -> Path:
        return self.out_dir / "posters" / f"{e.stem}.png"

    def log(self, e: Entry) -> Path:
        return self.out_dir / "logs" / f"{e.stem}.log"

    def record(self, e: Entry) -> Path:
        return self.out_dir / ".cache" / f"{e.stem}.json"

    def store(self, e: Entry, fingerprint: str) -> Path:
        """Per-render folder of the beats' clips and thumbnails."""
        return self.out_dir / ".cache" / f"{e.stem}-{fingerprint[:12]}"

    def work(self, e: Entry, part) -> Path:
        """A part's private manim media folder (its Pango cache survives runs)."""
        return self.out_dir / ".work" / e.stem / f"part-{part.slug}"

    def plays_dir(self, e: Entry) -> Path:
        """The section's play files, named by their content (video/render.py)."""
        return self.out_dir / ".cache" / "plays" / e.stem

    def part_record(self, e: Entry, fingerprint: str, part) -> Path:
        return self.out_dir / ".cache" / "parts" / f"{e.stem}-{fingerprint[:12]}-{part.slug}.json"

    def part_records(self, e: Entry, fingerprint: str | None = None) -> list[Path]:
        """The records of every part of this render of the section there is (of every render
        without a fingerprint), in name order."""
        fp = fingerprint[:12] if fingerprint else "[0-9a-f]" * 12
        return sorted((self.out_dir / ".cache" / "parts").glob(f"{e.stem}-{fp}-*.json"))

    def part_record_fingerprint(self, e: Entry, path: Path) -> str:
        """The (short) fingerprint in a part record's name."""
        return path.name[len(e.stem) + 1 :][:12]

    def play_store(self, e: Entry) -> Store:
        return Store(self.plays_dir(e), ".mp4" if self.fmt == "gif" else self.ext)

    def progress_file(self, e: Entry, part) -> Path:
        return self.out_dir / ".work" / e.stem / f"progress-{part.slug}.jsonl"

    @property
    def tex_dir(self) -> Path:
        """LaTeX results, shared by every section and variant (video/texcache.py)."""
        return self.out_root / ".tex"

    def lock(self, e: Entry) -> Path:
        return self.out_dir / ".locks" / f"{e.stem}.lock"

    @property
    def variant_lock(self) -> Path:
        """Held shared by every run on the variant, exclusively by --gc (renderer/gc.py)."""
        return self.variant_lock_of(self.out_dir)

    @staticmethod
    def variant_lock_of(variant: Path) -> Path:
        return variant / ".locks" / "variant.lock"

    @property
    def lesson_video(self) -> Path:
        return self.out_dir / f"lesson{self.ext}"

    @property
    def lesson_subtitles(self) -> Path:
        return self.out_dir / "lesson.srt"

    # -- the published products' markers: the fingerprint of what is published (renderer/publish.py)
    @property
    def lesson_marker(self) -> Path:
        return self.out_dir / ".cache" / "lesson.fingerprint"

    @property
    def page_marker(self) -> Path:
        return self.out_dir / ".cache" / "page.fingerprint"

    @property
    def slides_marker(self) -> Path:
        return self.out_dir / ".cache" / "slides.fingerprint"

    @property
    def contact_sheet_marker(self) -> Path:
        return self.out_dir / ".cache" / "contact-sheet.fingerprint"

    @property
    def clips_index_marker(self) -> Path:
        return self.out_dir / ".cache" / "clips-index.fingerprint"

    def clips_marker(self, e: Entry) -> Path:
        """Inside the section's clips folder, so it goes with the folder it describes."""
        return self.clips_dir / e.stem / ".fingerprint"

    @property
    def lesson_lock(self) -> Path:
        return self.out_dir / ".locks" / "lesson.lock"

    @property
    def contact_sheet(self) -> Path:
        return self.out_dir / "contact-sheet.png"

    @property
    def clips_dir(self) -> Path:
        return self.out_dir / "clips"

    @property
    def clips_index(self) -> Path:
        return self.out_dir / "clips.json"

    @property
    def slides_dir(self) -> Path:
        return self.out_dir / "slides"

    @property
    def code_dirs(self) -> tuple[str, ...]:
        """The folders of project code a scene can run (the play keys follow code there):
        scenes/, backprop_core/ and every section's own folder (the fixtures keep theirs)."""
        dirs = {str(ROOT / "scenes"), str(ROOT / "backprop_core")}
        dirs |= {str(e.folder.resolve()) for e in self.manifest.entries}
        return tuple(sorted(dirs))

    def contract(self, e: Entry) -> SceneContract:
        """What every part of the section's scene process is told (renderer/job.py adds the part's own)."""
        return SceneContract(
            store=str(self.plays_dir(e)), tex_dir=str(self.tex_dir), redraw=self.force, code_dirs=self.code_dirs
        )

    def scene_env(self) -> dict[str, str]:
        """The environment every scene process gets (the contract aside)."""
        from backprop_core.params import ENV_VAR
        from scenes.style import THEME_ENV_VAR

        env = dict(os.environ)
        env.update(self.env)
        env[ENV_VAR] = self.params_json
        env[THEME_ENV_VAR] = self.theme
        env[VOICE_ENV_VAR] = self.voice
        env[DESCRIBED_ENV_VAR] = "1" if self.described else ""
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
        return env
