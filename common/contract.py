"""What the renderer tells a scene's manim process: one declared dataclass, one variable.

``renderer/plan.py`` and ``renderer/job.py`` fill a ``SceneContract`` and pass it to the
part's process as JSON in ``BACKPROP_RENDER``; ``video/render.py`` (LessonRenderer) reads
it. A scene run by hand (``manim render scenes/derivative.py``) has none and gets the
defaults: every beat drawn, plays in manim's media folder, manim's own LaTeX cache.

The parameters, the theme and the voice keep their own variables (``BACKPROP_PARAMS``,
``BACKPROP_THEME``, ``BACKPROP_VOICE``): each belongs to the layer that reads it
(backprop_core, scenes/style.py, narration/) and is set the same way by the tests.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

ENV_VAR = "BACKPROP_RENDER"
ROOT = Path(__file__).resolve().parents[1]
# The project's code a scene can run, when no contract names it (a scene rendered by hand).
DEFAULT_CODE_DIRS = (str(ROOT / "scenes"), str(ROOT / "backprop_core"))


@dataclass(frozen=True)
class SceneContract:
    store: str | None = None  # the section's play files (None: <media_dir>/plays)
    beats: str = ""  # the beats this part draws, "a:b" ("a:" to the end; "" every beat)
    record: str | None = None  # where the part record goes (None: the scene joins itself)
    progress: str | None = None  # a JSON line per finished beat goes here
    tex_dir: str | None = None  # the LaTeX cache shared by every process (video/texcache.py)
    redraw: bool = False  # draw every play again, stored ones too (render.sh --force)
    # Folders of project code: a function or class defined under one of them is followed
    # into the play keys (video/digest.py); the scene's own folder is one of them.
    code_dirs: tuple[str, ...] = field(default=DEFAULT_CODE_DIRS)
    # The files of the section's fingerprint and their hashes (``bytes_hash``) when it was
    # taken: the part checks them at its start and end (an edit saved meanwhile is caught).
    sources: dict[str, str] = field(default_factory=dict)

    def to_env(self) -> dict[str, str]:
        return {ENV_VAR: json.dumps(asdict(self))}

    def with_changes(self, **changes) -> SceneContract:
        return replace(self, **changes)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> SceneContract:
        text = (environ if environ is not None else os.environ).get(ENV_VAR)
        if not text:
            return cls()
        data = json.loads(text)
        data["code_dirs"] = tuple(data.get("code_dirs") or DEFAULT_CODE_DIRS)
        return cls(**data)


def content_hash(data: bytes) -> str:
    """The hash of a file's bytes, as ``sources`` holds it."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def bytes_hash(path: str | Path) -> str:
    """A file's ``content_hash`` ("missing" when it is gone)."""
    try:
        return content_hash(Path(path).read_bytes())
    except OSError:
        return "missing"
