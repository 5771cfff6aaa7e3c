"""What a play's frames depend on, hashed: the key of its play file.

A play file is reused when a new render asks for a play with the same key,
so the key must change whenever the frames could. A play's frames are a
function of:

* the picture of everything that does not move during it: the *static image*
  manim draws once per play (its pixels are hashed, not the thousands of
  mobjects behind them);
* the moving mobjects and the animations, down to every array, number,
  colour, rate function and updater (``Digest``, in the spirit of manim's own
  play hashing, ``manim/utils/hashing.py``, but walked by pickle's C code and
  fed straight into BLAKE2: only what moves is walked, and every object is
  told apart by identity, never by an equal-looking hash);
* code that runs while it plays and is not part of that state:
  - a function of the project's (an updater, a lambda rate function) may call
    anything in the project, so the key then takes in the source of all of it
    (``project_code``);
  - a mobject or animation class of the project's brings in its module's source;
  - manim and the other libraries are pinned (requirements.lock, in the salt);
* the frame count, the camera (size, frame rate, background) and the encoder
  settings (the salt).

Sources are hashed by their syntax tree, so comments and formatting never
change a key, and a comment-only edit never re-renders anything.
"""

from __future__ import annotations

import ast
import hashlib
import pickle
import sys
import types
from functools import lru_cache
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"

# Attributes that never change the picture, left out because they differ from
# run to run or cost much to walk: a copy's note of its original's id; where
# an SVG was read from (the file is in a per-process cache folder) and the
# parsed SVG path (its geometry is in the points, made from it once); the
# names of an SVG's groups (Pango's carry a per-process surface counter).
SKIPPED_KEYS = frozenset({"original_id", "file_name", "path_obj", "name", "id_to_vgroup_dict"})


def source_hash(path: str) -> str:
    """The hash of a Python file's syntax tree (comments and layout left out)."""
    stat = Path(path).stat()
    return _source_hash(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=None)
def _source_hash(path: str, mtime_ns: int, size: int) -> str:
    text = Path(path).read_text(encoding="utf-8")
    try:
        tree = ast.dump(ast.parse(text))
    except SyntaxError:
        tree = text
    return hashlib.blake2b(tree.encode(), digest_size=16).hexdigest()


@lru_cache(maxsize=None)
def module_file(module: str | None) -> str | None:
    """The project file a module was loaded from, or None for libraries."""
    mod = sys.modules.get(module or "")
    file = getattr(mod, "__file__", None)
    if not file:
        return None
    path = Path(file).resolve()
    if path.suffix != ".py" or VENV in path.parents or ROOT not in path.parents:
        return None
    return str(path)


def project_code(extra_dirs: tuple[Path, ...] = ()) -> str:
    """One hash of every project source a scene can run: scenes/, backprop_core/
    and the folders given (a scene file's own folder)."""
    dirs = {ROOT / "scenes", ROOT / "backprop_core", *extra_dirs}
    h = hashlib.blake2b(digest_size=16)
    for folder in sorted(dirs):
        for path in sorted(folder.rglob("*.py")):
            h.update(f"{path.relative_to(ROOT) if ROOT in path.parents else path}={source_hash(str(path))}\n".encode())
    return h.hexdigest()


DEPTH = 20_000


class _Tag:
    """Stands for an object in the pickle stream that feeds the hash (never unpickled)."""

    def __init__(self, *header) -> None:
        self.header = header

    def __setstate__(self, state) -> None:  # pragma: no cover - the stream is only hashed
        pass


class _HashWriter:
    def __init__(self, hash_) -> None:
        self.write = hash_.update


class _Pickler(pickle.Pickler):
    """pickle's C traversal (memoised by identity, so shared and cyclic objects
    are written once) with every object that is not a plain container or
    number turned into a tag and a state that say what matters for the picture."""

    def __init__(self, digest: Digest) -> None:
        super().__init__(_HashWriter(digest.hash), protocol=5)
        self.digest = digest

    def reducer_override(self, obj):  # noqa: C901 - one dispatch table
        if obj is _Tag:
            return NotImplemented  # pickled by name, as a global
        t = type(obj)
        if t is np.ndarray:
            if obj.dtype.hasobject:
                return _Tag, ("objarray", obj.shape), {"items": obj.tolist()}
            return _Tag, ("array", obj.dtype.str, obj.shape, np.ascontiguousarray(obj).tobytes())
        if isinstance(obj, np.generic):
            return _Tag, ("np", obj.dtype.str, obj.item())
        if t is types.FunctionType:
            return self._function(obj)
        if t is types.MethodType:
            return _Tag, ("method",), {"func": obj.__func__, "self": obj.__self__}
        if t is types.CodeType:
            # Line numbers are left out: an edit above a function does not change it.
            return _Tag, ("code", obj.co_qualname, obj.co_argcount, obj.co_flags, obj.co_code,
                          obj.co_names, obj.co_varnames, obj.co_freevars), {"consts": obj.co_consts}
        if t in (types.BuiltinFunctionType, types.BuiltinMethodType, types.WrapperDescriptorType,
                 types.MethodWrapperType, types.MethodDescriptorType):
            return _Tag, ("builtin", getattr(obj, "__module__", None), getattr(obj, "__qualname__", repr(obj)))
        if isinstance(obj, type):
            self._note_class(obj)
            return _Tag, ("class", obj.__module__, obj.__qualname__)
        if t is types.ModuleType:
            return _Tag, ("module", obj.__name__)
        if t in (set, frozenset):  # (pickle may pass these by; their order is not reproducible)
            return _Tag, ("set",), {"items": sorted(_sub_digest(self.digest, x) for x in obj)}
        scene, manim_config = _manim_types()
        if isinstance(obj, scene):  # the scene itself: its state is what is being hashed
            return _Tag, ("scene",)
        if isinstance(obj, manim_config):  # (its folders differ per process; the camera is in the salt)
            return _Tag, ("config", obj.frame_width, obj.frame_height, obj.pixel_width, obj.pixel_height,
                          obj.frame_rate)
        self._note_class(t)
        state = getattr(obj, "__dict__", None)
        if state is not None:
            return _Tag, ("object", t.__module__, t.__qualname__), {
                k: v for k, v in state.items() if k not in SKIPPED_KEYS}
        slots = [s for k in t.__mro__ for s in getattr(k, "__slots__", ()) if isinstance(s, str)]
        if slots:
            return _Tag, ("slots", t.__module__, t.__qualname__), {s: getattr(obj, s, None) for s in slots}
        return _Tag, ("opaque", t.__module__, t.__qualname__)  # (a repr may hold an address)

    def _function(self, fn: types.FunctionType):
        if module_file(fn.__module__):
            self.digest.uses_project_functions = True
        cells = tuple(cell.cell_contents if _filled(cell) else None for cell in fn.__closure__ or ())
        names = {n: fn.__globals__[n] for n in _global_names(fn.__code__) if n in fn.__globals__}
        return _Tag, ("function", fn.__module__, fn.__qualname__), {
            "code": fn.__code__, "defaults": fn.__defaults__, "kwdefaults": fn.__kwdefaults__,
            "closure": cells, "globals": names}

    def _note_class(self, cls: type) -> None:
        for klass in cls.__mro__:
            file = module_file(klass.__module__)
            if file:
                self.digest.project_modules.add(file)


@lru_cache(maxsize=None)
def _manim_types() -> tuple[type, type]:
    from manim import Scene
    from manim._config.utils import ManimConfig

    return Scene, ManimConfig


def _sub_digest(parent: Digest, obj: object) -> str:
    sub = Digest()
    sub.add(obj)
    parent.uses_project_functions |= sub.uses_project_functions
    parent.project_modules |= sub.project_modules
    return sub.hexdigest()


class Digest:
    """Feeds objects into one hash. ``uses_project_functions`` and
    ``project_modules`` say which project code the objects can run."""

    def __init__(self) -> None:
        self.hash = hashlib.blake2b(digest_size=20)
        self.uses_project_functions = False
        self.project_modules: set[str] = set()
        self._pickler = _Pickler(self)

    def text(self, text: str) -> None:
        self.hash.update(text.encode())
        self.hash.update(b"\0")

    def add(self, obj: object) -> None:
        """Feed ``obj`` and everything it holds; an object met again (also in a
        later ``add``) is written as a reference to the first time."""
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, DEPTH))  # mobject trees nest deep (pickle recurses per level)
        try:
            self._pickler.dump(obj)
        finally:
            sys.setrecursionlimit(limit)

    def hexdigest(self) -> str:
        return self.hash.hexdigest()


def _filled(cell) -> bool:
    try:
        cell.cell_contents
    except ValueError:
        return False
    return True


def _global_names(code: types.CodeType) -> list[str]:
    names = list(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names += _global_names(const)
    return names


def class_code(files: set[str]) -> str:
    """One hash of the given project modules' sources."""
    return hashlib.blake2b(
        "".join(f"{f}={source_hash(f)}\n" for f in sorted(files)).encode(), digest_size=16
    ).hexdigest()


def frame_digest(pixels: np.ndarray | None) -> str:
    if pixels is None:
        return "background"
    return hashlib.blake2b(np.ascontiguousarray(pixels).data, digest_size=20).hexdigest()
