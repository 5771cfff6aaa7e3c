"""Run a lesson scene in-process without writing video, for tests.

Animations are skipped (each play jumps to its end), so a scene runs in
seconds; LessonScene still records every beat: its texts, anything outside
the frame, overlapping texts, its narration and timing.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib
import os
import pickle
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from manim import tempconfig

from backprop_core.params import ENV_VAR, Params
from scenes.manifest import LESSON, Section, by_name
from scenes.style import THEME_ENV_VAR
from video import texcache


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


ROOT = Path(__file__).resolve().parents[1]
TYPESET_CACHE = ROOT / ".cache" / "tests" / os.environ.get("PYTEST_XDIST_WORKER", "main")
# LaTeX results are shared by the workers: a formula is compiled by one of them
# while the other waits for it (video/texcache.py).
TEX_CACHE = ROOT / ".cache" / "tests" / "tex"


@dataclass
class SceneRun:
    """What the tests read of a scene run: its beats and its last frame."""

    section: str
    beats: list
    last_frame: np.ndarray


_cache: dict[tuple, SceneRun] = {}


def shared_runs_dir(uid: str | None = None) -> Path | None:
    """A folder the xdist workers of this test run share, or None without xdist.

    The same scene run is wanted by several test files, which xdist may hand to
    different workers; a network-walk run alone takes about a minute, so a run
    is made once per test run and the other worker waits for it.
    """
    uid = uid or os.environ.get("PYTEST_XDIST_TESTRUNUID")
    return Path(tempfile.gettempdir()) / f"backprop-scene-runs-{uid}" if uid else None


def run_scene(
    section: Section | str, params: Params | None = None, theme: str | None = None, cached: bool = True
) -> SceneRun:
    """Run a section's scene (animations skipped) and return its beats and last frame.

    Runs are cached per (section, params, theme) for the test run, in this
    process and across xdist workers: scenes are deterministic, and several
    test files look at the same run. A test that monkeypatches the core passes
    ``cached=False``.
    """
    name = section if isinstance(section, str) else section.name
    if not cached:
        return _run(name, params, theme)
    key = (name, params, theme)
    if key not in _cache:
        _cache[key] = _shared_run(key)
    return _cache[key]


def _shared_run(key: tuple) -> SceneRun:
    folder = shared_runs_dir()
    if folder is None:
        return _run(*key)
    folder.mkdir(parents=True, exist_ok=True)
    stem = hashlib.sha256(repr(key).encode()).hexdigest()[:20]
    result = folder / f"{stem}.pickle"
    with open(folder / f"{stem}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one worker runs it; the other waits, then reads it
        if result.exists():
            return pickle.loads(result.read_bytes())
        run = _run(*key)
        partial = result.with_suffix(".partial")
        partial.write_bytes(pickle.dumps(run))
        partial.replace(result)
        return run


def _run(section: str, params: Params | None, theme: str | None) -> SceneRun:
    with lesson_env(params, theme):
        scene, last_frame = render_skipped(scene_class(section))
    # Beats without their speech handles (audio objects, not needed by the tests).
    beats = [replace(beat, speech=None) for beat in scene.beats]
    return SceneRun(section, beats, last_frame)


def render_skipped(cls) -> tuple:
    """Render a scene class at the tests' size with animations skipped: (the scene, its last frame)."""
    with tempfile.TemporaryDirectory() as tmp:
        cfg = {
            "dry_run": True,
            "pixel_height": 480,
            "pixel_width": 854,
            "frame_rate": 15,
            "media_dir": tmp,
            # Pango's results persist between runs in one folder per xdist worker (so
            # workers never race on a file); LaTeX's are shared through texcache below.
            # Typesetting afresh made a scene run take a minute instead of seconds.
            "text_dir": str(TYPESET_CACHE / "texts"),
            "output_file": str(Path(tmp) / "scene"),
            "disable_caching": True,
            "verbosity": "ERROR",
        }
        with tempconfig(cfg):
            texcache.share(TEX_CACHE)
            scene = cls(skip_animations=True)
            scene.render()
            # The last frame, drawn once (animations were skipped, so no frame was).
            scene.renderer.update_frame(scene)
            return scene, scene.renderer.get_frame().copy()


# A frame matches its control with manim's tolerances: a pixel may differ by one
# level, and up to 1e-5 of the values may differ more.
PIXEL_TOLERANCE = 1.01
MISMATCH_RATIO = 1e-5


def check_frame(frame: np.ndarray, path: Path, set_test: bool) -> None:
    """Compare ``frame`` with the control frame at ``path`` (.npz), or with ``set_test`` write it
    there, with a .png beside it to look at."""
    if set_test:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(path, frame_data=frame)
        from PIL import Image

        Image.fromarray(frame[:, :, :3]).save(path.with_suffix(".png"))
        return
    assert path.exists(), f"no control frame {path.name}; write it with --set_test and look at its .png"
    control = np.load(path)["frame_data"]
    assert control.shape == frame.shape, f"frame size changed: {frame.shape} vs control {control.shape}"
    bad = ~np.isclose(frame, control, atol=PIXEL_TOLERANCE)
    ratio = bad.sum() / frame.size
    assert ratio <= MISMATCH_RATIO, (
        f"{path.stem} differs from its control in {ratio:.2%} of pixel values; "
        "if the change is intended, rewrite it with --set_test and look at the PNG"
    )


def all_texts(scene) -> list[str]:
    return [text for beat in scene.beats for text in beat.texts]


SECTIONS = LESSON
