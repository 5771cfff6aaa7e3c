"""Run a lesson scene in-process without writing video, for tests.

Animations are skipped (each play jumps to its end), so a scene runs in
seconds; LessonScene still records every beat: its texts, anything outside
the frame, overlapping texts, its narration and timing.
"""

from __future__ import annotations

import importlib
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from manim import tempconfig

from backprop_core.params import ENV_VAR, Params
from scenes.manifest import LESSON, Section, by_name
from scenes.style import THEME_ENV_VAR


@contextmanager
def lesson_env(params: Params | None = None, theme: str | None = None):
    """Set this process's render parameters and theme, restoring them after."""
    saved = {k: os.environ.get(k) for k in (ENV_VAR, THEME_ENV_VAR)}
    try:
        if params is not None:
            os.environ[ENV_VAR] = params.to_json()
        else:
            os.environ.pop(ENV_VAR, None)
        if theme is not None:
            os.environ[THEME_ENV_VAR] = theme
        else:
            os.environ.pop(THEME_ENV_VAR, None)
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def scene_class(section: Section | str):
    section = by_name(section) if isinstance(section, str) else section
    module = importlib.import_module(f"scenes.{section.module}")
    return getattr(module, section.scene)


_cache: dict[tuple, object] = {}

ROOT = Path(__file__).resolve().parents[1]
TYPESET_CACHE = ROOT / ".cache" / "tests" / os.environ.get("PYTEST_XDIST_WORKER", "main")


def run_scene(section: Section | str, params: Params | None = None, theme: str | None = None, cached: bool = True):
    """Run a section's scene (animations skipped) and return the scene object.

    Runs are cached per (section, params, theme) for the test session: scenes
    are deterministic, and several test files look at the same run. A test
    that monkeypatches the core passes ``cached=False``.
    """
    if not cached:
        return _run(section, params, theme)
    key = (section if isinstance(section, str) else section.name, params, theme)
    if key not in _cache:
        _cache[key] = _run(section, params, theme)
    return _cache[key]


def _run(section: Section | str, params: Params | None, theme: str | None):
    cls = scene_class(section)
    with tempfile.TemporaryDirectory() as tmp, lesson_env(params, theme):
        cfg = {
            "dry_run": True,
            "pixel_height": 480,
            "pixel_width": 854,
            "frame_rate": 15,
            "media_dir": tmp,
            # LaTeX and Pango results persist between runs (one folder per xdist
            # worker, so parallel workers never race on the same file): typesetting
            # every formula afresh made a scene run take a minute instead of seconds.
            "tex_dir": str(TYPESET_CACHE / "tex"),
            "text_dir": str(TYPESET_CACHE / "texts"),
            "output_file": str(Path(tmp) / "scene"),
            "disable_caching": True,
            "verbosity": "ERROR",
        }
        with tempconfig(cfg):
            scene = cls(skip_animations=True)
            scene.render()
            # The last frame, drawn once (animations were skipped, so no frame was).
            scene.renderer.update_frame(scene)
            scene.last_frame = scene.renderer.get_frame().copy()
    return scene


def all_texts(scene) -> list[str]:
    return [text for beat in scene.beats for text in beat.texts]


SECTIONS = LESSON
