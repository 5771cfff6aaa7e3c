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
  - a function of the project's (an updater, a lambda rate function) brings in
    the project code it can reach (``Digest.reach``): its own code, constants
    and closure, the globals it names, and, for every name it reads as an
    attribute (``mod.f``, ``self.method``), whatever a project module or class
    holds under that name, followed to the code those reach in turn. Code
    that names attributes at run time (``getattr``, ``eval``, ``globals()``...)
    cannot be followed: the key then takes in every source under the project's
    code folders (``project_code``: the folders the renderer's contract names,
    common/contract.py ``code_dirs``: scenes/, backprop_core/, the scene's own);
  - what such code reads from the scene (``self.turns`` inside an updater) is
    hashed as data, like the globals it names;
  - a mobject or animation class of the project's brings in its module's
    source and, like a function, the code its methods reach;
  - manim and the other libraries are pinned (requirements.lock, in the salt);
  - an object with no ``__dict__`` or slots (a numpy ``Generator``, ``random.Random``,
    ``complex``, ``range``) counts by what pickling it would keep (its state); one
    that cannot be pickled makes the play *unkeyable*: it is drawn, never reused;
  - the global random generators' states (``random``, ``numpy.random``);
* the frame count, the camera (size, frame rate, background, and the code of
  its class and its project bases), the encoder settings and the code of
  video/ that makes play files (the salt, video/render.py).

Sources are hashed by their syntax tree, so comments and formatting never
change a key, and a comment-only edit never re-renders anything.
"""

from __future__ import annotations

import ast
import copyreg
import dis
import functools
import hashlib
import operator
import pickle
import random
import sys
import types
from functools import cache, lru_cache
from pathlib import Path

import numpy as np

from common.contract import SceneContract

# Attributes that never change the picture, left out because they differ from
# run to run or cost much to walk: a copy's note of its original's id; where
# an SVG was read from (the file is in a per-process cache folder) and the
# parsed SVG path (its geometry is in the points, made from it once); the
# names of an SVG's groups (Pango's carry a per-process surface counter); cached hashes
# (sympy's ``_mhash``): Python salts its string hashes per process, so they differ every run.
SKIPPED_KEYS = frozenset({"original_id", "file_name", "path_obj", "name", "id_to_vgroup_dict", "_mhash", "_hash"})

# Names through which code reaches attributes its own names do not show: code
# that names one of these cannot be followed by name (``Digest.reach``).
DYNAMIC = frozenset(
    {
        "getattr",
        "setattr",
        "delattr",
        "hasattr",
        "vars",
        "globals",
        "locals",
        "eval",
        "exec",
        "compile",
        "__import__",
        "import_module",
        "attrgetter",
        "methodcaller",
        "getmembers",
        "getattr_static",
        "__dict__",
        "__getattribute__",
        "__globals__",
        "__code__",
        "__closure__",
        "__builtins__",
    }
)


def source_hash(path: str) -> str:
    """The hash of a Python file's syntax tree (comments and layout left out)."""
    stat = Path(path).stat()
    return _source_hash(path, stat.st_mtime_ns, stat.st_size)


@cache
def _source_hash(path: str, mtime_ns: int, size: int) -> str:
    return tree_hash(Path(path).read_text(encoding="utf-8"))


def tree_hash(text: str) -> str:
    """The hash of Python source by its syntax tree (the text itself if it does not parse)."""
    try:
        tree = ast.dump(ast.parse(text))
    except SyntaxError:
        tree = text
    return hashlib.blake2b(tree.encode(), digest_size=16).hexdigest()


@cache
def contract_dirs() -> tuple[Path, ...]:
    """The folders of project code, as the renderer's contract names them."""
    return tuple(sorted({Path(d).resolve() for d in SceneContract.from_env().code_dirs}))


@cache
def module_file(module: str | None) -> str | None:
    """The project file a module was loaded from (under a code folder), or None for libraries."""
    mod = sys.modules.get(module or "")
    file = getattr(mod, "__file__", None)
    if not file:
        return None
    path = Path(file).resolve()
    if path.suffix != ".py" or not any(d in path.parents for d in contract_dirs()):
        return None
    return str(path)


def code_dirs(extra_dirs: tuple[Path, ...] = ()) -> tuple[Path, ...]:
    """The folders of project code a scene can run: the contract's and the folders given
    (a scene file's own folder)."""
    return tuple(sorted({*contract_dirs(), *(Path(d).resolve() for d in extra_dirs)}))


def display_name(path: str | Path) -> str:
    """A source's name in a key: relative to the parent of its code folder ("scenes/x.py"), so
    the same sources give the same key in any checkout (a store copied between machines)."""
    path = Path(path)
    for folder in contract_dirs():
        if folder in path.parents:
            return str(path.relative_to(folder.parent))
    return path.name


def project_code(extra_dirs: tuple[Path, ...] = ()) -> str:
    """One hash of every project source a scene can run (``code_dirs``)."""
    h = hashlib.blake2b(digest_size=16)
    for folder in code_dirs(extra_dirs):
        for path in sorted(folder.rglob("*.py")):
            h.update(f"{display_name(path)}={source_hash(str(path))}\n".encode())
    return h.hexdigest()


DEPTH = 20_000

# manim 0.21's Scene bookkeeping (its __init__'s attributes): never what a play draws (the
# mobjects on screen are in the static image or hashed as moving), and they change every
# play. A scene names its own such attributes in ``UNKEYED_STATE``.
SCENE_MACHINERY = frozenset(
    {
        "always_update_mobjects",
        "animations",
        "camera_class",
        "camera_target",
        "dearpygui_imported",
        "duration",
        "foreground_mobjects",
        "interactive_mode",
        "key_to_function_map",
        "last_t",
        "meshes",
        "mobjects",
        "mouse_press_callbacks",
        "moving_mobjects",
        "queue",
        "random_seed",
        "renderer",
        "skip_animation_preview",
        "skip_animations",
        "static_mobjects",
        "stop_condition",
        "time_progression",
        "updaters",
        "widgets",
    }
)


def random_state() -> str:
    """The global random generators' states (an updater may draw from them)."""
    h = hashlib.blake2b(repr(random.getstate()).encode(), digest_size=16)
    kind, keys, pos, has_gauss, cached = np.random.get_state()
    h.update(f"{kind}:{pos}:{has_gauss}:{cached}".encode())
    h.update(np.ascontiguousarray(keys).tobytes())
    return h.hexdigest()


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

    def reducer_override(self, obj):
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
        if isinstance(obj, functools.partial):  # (its __dict__ is empty: what it calls is not in it)
            return (
                _Tag,
                ("partial", t.__module__, t.__qualname__),
                {"func": obj.func, "args": obj.args, "keywords": obj.keywords, "dict": obj.__dict__},
            )
        if t in (operator.attrgetter, operator.itemgetter, operator.methodcaller):
            return _Tag, ("operator", t.__qualname__), {"reduce": obj.__reduce__()}
        if t is types.CodeType:
            # Line numbers are left out: an edit above a function does not change it.
            return (
                _Tag,
                (
                    "code",
                    obj.co_qualname,
                    obj.co_argcount,
                    obj.co_flags,
                    obj.co_code,
                    obj.co_names,
                    obj.co_varnames,
                    obj.co_freevars,
                ),
                {"consts": obj.co_consts},
            )
        if t in (
            types.BuiltinFunctionType,
            types.BuiltinMethodType,
            types.WrapperDescriptorType,
            types.MethodWrapperType,
            types.MethodDescriptorType,
        ):
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
            self.digest.scene = obj  # (its methods and callables are reached by name)
            return _Tag, ("scene",)
        if isinstance(obj, manim_config):  # (its folders differ per process; the camera is in the salt)
            return _Tag, (
                "config",
                obj.frame_width,
                obj.frame_height,
                obj.pixel_width,
                obj.pixel_height,
                obj.frame_rate,
            )
        if t.__module__.startswith("sympy.") and _is_sympy(obj):
            # An exact value: by its structure (its caches hold sets, in an order that differs per process).
            return _Tag, ("sympy", _srepr(obj))
        self._note_class(t)
        state = getattr(obj, "__dict__", None)
        if state is not None:
            return (
                _Tag,
                ("object", t.__module__, t.__qualname__),
                {k: v for k, v in state.items() if k not in SKIPPED_KEYS},
            )
        slots = [s for k in t.__mro__ for s in getattr(k, "__slots__", ()) if isinstance(s, str)]
        if slots:
            state = {s: getattr(obj, s, None) for s in slots if s not in SKIPPED_KEYS}
            return _Tag, ("slots", t.__module__, t.__qualname__), state
        # No __dict__ or slots (a C object: numpy's Generator, random.Random, complex, range):
        # what pickling would keep of it is its state. (A repr may hold an address.) Some
        # types pickle through copyreg instead of __reduce_ex__: a compiled regex (re.Pattern,
        # which fmt's module holds) is its pattern and flags. Left unkeyable, every play whose
        # code reached one was drawn again on every render (40 of network-walk's 114).
        try:
            by_copyreg = copyreg.dispatch_table.get(t)
            reduced = by_copyreg(obj) if by_copyreg is not None else obj.__reduce_ex__(5)
        except Exception:  # noqa: BLE001 - cannot be pickled: its state is unknown
            reduced = None
        if isinstance(reduced, tuple) and len(reduced) >= 2:
            return _Tag, ("reduced", t.__module__, t.__qualname__), {"state": reduced[1:]}
        if isinstance(reduced, str):  # a singleton pickled by its name (Ellipsis, NotImplemented)
            return _Tag, ("global", t.__module__, reduced)
        self.digest.unkeyable.add(f"{t.__module__}.{t.__qualname__}")
        return _Tag, ("opaque", t.__module__, t.__qualname__)

    def _function(self, fn: types.FunctionType):
        if module_file(fn.__module__):
            self.digest.uses_project_functions = True
            self.digest.functions.setdefault(id(fn), fn)
        cells = tuple(cell.cell_contents if _filled(cell) else None for cell in fn.__closure__ or ())
        names = {n: fn.__globals__[n] for n in _global_names(fn.__code__) if n in fn.__globals__}
        return (
            _Tag,
            ("function", fn.__module__, fn.__qualname__),
            {
                "code": fn.__code__,
                "defaults": fn.__defaults__,
                "kwdefaults": fn.__kwdefaults__,
                "closure": cells,
                "globals": names,
            },
        )

    def _note_class(self, cls: type) -> None:
        for klass in cls.__mro__:
            file = module_file(klass.__module__)
            if file:
                self.digest.project_modules.add(file)
                self.digest.classes.setdefault(id(klass), klass)


def _is_sympy(obj) -> bool:
    from sympy import Basic

    return isinstance(obj, Basic)


def _srepr(obj) -> str:
    from sympy import srepr

    return srepr(obj)


@cache
def _manim_types() -> tuple[type, type]:
    from manim import Scene
    from manim._config.utils import ManimConfig

    return Scene, ManimConfig


def _sub_digest(parent: Digest, obj: object) -> str:
    sub = Digest()
    sub.add(obj)
    parent.uses_project_functions |= sub.uses_project_functions
    parent.project_modules |= sub.project_modules
    parent.functions.update(sub.functions)
    parent.classes.update(sub.classes)
    parent.unkeyable |= sub.unkeyable
    parent.scene = parent.scene or sub.scene
    return sub.hexdigest()


class Digest:
    """Feeds objects into one hash. ``uses_project_functions`` and
    ``project_modules`` say which project code the objects can run; ``reach``
    feeds in the code that project functions and classes can run."""

    def __init__(self) -> None:
        self.hash = hashlib.blake2b(digest_size=20)
        self.uses_project_functions = False
        self.project_modules: set[str] = set()
        self.functions: dict[int, types.FunctionType] = {}  # the project functions met
        self.classes: dict[int, type] = {}  # the project classes met
        self.scene = None
        self.reached: set[str] = set()  # the names followed by reach (for tests and debugging)
        self.unkeyable: set[str] = set()  # types met whose state cannot be hashed
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

    def reach(self, dirs: tuple[Path, ...]) -> bool:
        """Feed in the code under ``dirs`` that the project functions and classes
        met so far can run, and return False; or return True, feeding nothing
        more, when that code cannot be followed by name (it names one of
        ``DYNAMIC``): the caller then takes in every source under ``dirs``.

        Every attribute code reads is named in it (``co_names``), so whatever it
        reaches through ``x.name``, whichever object ``x`` is, is under ``name``
        in a module or class under ``dirs``, or in the instance's own state:
        hashed as data, or for the scene (a tag) looked up here. A class met
        brings in all its methods: library code calls them, and operators call
        its dunders, by names no project code shows."""
        scope = _Scope(dirs)
        if not any(scope.has(f) for f in self.functions.values()) and not any(
            scope.has_class(k) for k in self.classes.values()
        ):
            return False
        classes = [k for k in project_classes() if scope.has_class(k)]
        modules = [vars(m) for name, m in sorted(sys.modules.items()) if scope.has_module(name)]
        done: set[int] = set()
        new: set[str] = set()
        feed: list = []
        while True:
            for key, fn in list(self.functions.items()):
                if key not in done and scope.has(fn):
                    done.add(key)
                    names, dynamic, on_self, on_globals = _names(fn.__code__)
                    # getattr(x, name) reaches any attribute of x's class: bounded when x's class is known.
                    bounds = [_defining_class(fn)] if on_self else []
                    for name in on_globals:
                        obj = fn.__globals__.get(name, _MISSING)
                        bounds.append(
                            None
                            if isinstance(obj, types.ModuleType) or obj is _MISSING
                            else obj
                            if isinstance(obj, type)
                            else type(obj)
                        )
                    if dynamic or None in bounds:
                        self.reached.add(f"dynamic:{fn.__module__}.{fn.__qualname__}")
                        return True
                    new.update(names)
                    feed += [k for b in bounds for k in _subclasses(b)]  # (on self: a subclass's too)
            for key, klass in list(self.classes.items()):
                if key not in done and scope.has_class(klass):
                    done.add(key)
                    # Its project bases too: super().__init__() and inherited dunders run them.
                    for base in klass.__mro__:
                        if scope.has_class(base):
                            feed += [v for _, v in sorted(base.__dict__.items()) if _is_code(v)]
            new -= self.reached
            if not new and not feed:
                return False
            self.reached |= new
            state = getattr(self.scene, "__dict__", {})
            unkeyed = SCENE_MACHINERY | set(getattr(self.scene, "UNKEYED_STATE", ()))
            for name in sorted(new):
                for namespace in modules:
                    if name in namespace and not (_dunder(name) and name != "__getattr__"):
                        feed.append(namespace[name])
                # A dunder is not looked up in every class: "__init__" (from super().__init__())
                # would bring in every project class's. The classes that can run one are met
                # (in the play's data, or named), and bring their own and their bases' in.
                for klass in classes if not _dunder(name) else ():
                    if name in klass.__dict__:
                        feed.append(klass.__dict__[name])
                if name in state and name not in unkeyed:
                    # The scene is a tag: what its attribute holds is hashed here, as data
                    # (self.turns in an updater), and searched for code.
                    sub = Digest()
                    sub.add(state[name])
                    self.text(f"scene.{name}={sub.hexdigest()}")
                    self.unkeyable |= sub.unkeyable
                    feed += [f for f in sub.functions.values() if scope.has(f)]
                    feed += [k for k in sub.classes.values() if scope.has_class(k)]
            self.text("reach")
            self.add([_unwrap(v) for v in feed])
            new, feed = set(), []


class _Scope:
    """Which functions, classes and modules are followed: those whose file is under the folders."""

    def __init__(self, dirs: tuple[Path, ...]) -> None:
        self.dirs = tuple(Path(d).resolve() for d in dirs)
        self._modules: dict[str, bool] = {}

    def has_module(self, module: str | None) -> bool:
        if module not in self._modules:
            file = module_file(module)
            self._modules[module] = bool(file) and any(d in Path(file).parents for d in self.dirs)
        return self._modules[module]

    def has(self, fn: types.FunctionType) -> bool:
        return self.has_module(fn.__module__)

    def has_class(self, klass: type) -> bool:
        return self.has_module(klass.__module__)


def _filled(cell) -> bool:
    try:
        _ = cell.cell_contents
    except ValueError:
        return False
    return True


def _dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__")


def _is_code(value) -> bool:
    return isinstance(
        value, (types.FunctionType, staticmethod, classmethod, property, functools.cached_property, functools.partial)
    )


def _unwrap(value):
    """What a class attribute runs: the functions inside a descriptor."""
    if isinstance(value, (staticmethod, classmethod)):
        return value.__func__
    if isinstance(value, property):
        return (value.fget, value.fset, value.fdel)
    if isinstance(value, functools.cached_property):
        return value.func
    return value


def project_classes() -> list[type]:
    """Every live class defined in a project module (local classes too), in a
    reproducible order."""
    found, seen, stack = [], set(), [object]
    while stack:
        klass = stack.pop()
        for sub in type.__subclasses__(klass):
            if id(sub) not in seen:
                seen.add(id(sub))
                stack.append(sub)
                if module_file(sub.__module__):
                    found.append(sub)
    return sorted(found, key=lambda k: (k.__module__, k.__qualname__))


_MISSING = object()
_ATTR_CALLS = frozenset({"getattr", "hasattr", "setattr", "delattr"})
_SIMPLE_LOADS = frozenset({"LOAD_FAST", "LOAD_DEREF", "LOAD_GLOBAL", "LOAD_NAME", "LOAD_CONST"})


@lru_cache(maxsize=4096)
def _names(code: types.CodeType) -> tuple[frozenset[str], bool, bool, frozenset[str]]:
    """The names a function's code (with its nested code) reads; whether it
    reaches attributes by names it does not show (``DYNAMIC``); whether it does
    so as ``getattr(self, name)`` in a method, and the globals it does so on as
    ``getattr(GLOBAL, name)``: those are bounded by the object's class."""
    names, dynamic, on_self, on_globals = set(), False, False, set()
    self_name = code.co_varnames[0] if code.co_argcount and code.co_varnames else None
    stack = [(code, True)]
    while stack:
        c, top = stack.pop()
        names.update(c.co_names)
        stack += [(k, False) for k in c.co_consts if isinstance(k, types.CodeType)]
        ops = list(dis.get_instructions(c))
        for i, ins in enumerate(ops):
            if ins.opname in ("STORE_FAST", "STORE_DEREF", "DELETE_FAST", "DELETE_DEREF") and ins.argval == self_name:
                dynamic = dynamic or on_self  # self rebound: getattr(self, ...) no longer bounded
                self_name = None
            if ins.argval not in DYNAMIC or not isinstance(ins.argval, str) or ins.opname == "LOAD_CONST":
                continue
            args = _plain_args(ops, i) if ins.opname == "LOAD_GLOBAL" and ins.argval in _ATTR_CALLS else None
            if args and len(args) >= 2:
                obj, name = args[:2]
                if name is not None and name.opname == "LOAD_CONST" and isinstance(name.argval, str):
                    names.add(name.argval)  # getattr(x, "name"): as x.name
                    continue
                if (
                    obj is not None
                    and self_name
                    and obj.argval == self_name
                    and (
                        (top and obj.opname in ("LOAD_FAST", "LOAD_DEREF"))
                        or (obj.opname == "LOAD_DEREF" and self_name in c.co_freevars)
                    )
                ):
                    on_self = True
                    continue
                if obj is not None and obj.opname == "LOAD_GLOBAL":
                    on_globals.add(obj.argval)
                    continue
            dynamic = True
    return frozenset(names), dynamic, on_self and self_name is not None, frozenset(on_globals)


def _plain_args(ops: list[dis.Instruction], at: int) -> list[dis.Instruction | None] | None:
    """The arguments of the call of what ``ops[at]`` loads: each the one load
    instruction it is made of, or None when it is an expression (None for all
    when the call cannot be told apart without running it: a jump in between)."""
    depth, starts = 0, []
    for k in range(at + 1, len(ops)):
        ins = ops[k]
        if ins.opname in ("PRECALL", "CALL") and depth == ins.arg:
            if len(starts) < ins.arg:
                return None
            args = []
            for n in range(ins.arg):  # argument n is a lone load when nothing after it reaches below it
                first = starts[n]
                end = starts[n + 1] if n + 1 < ins.arg else k
                args.append(ops[first] if end == first + 1 and ops[first].opname in _SIMPLE_LOADS else None)
            return args
        if ins.opcode in dis.hasjrel or ins.opcode in dis.hasjabs or ins.opname in ("KW_NAMES", "CALL_FUNCTION_EX"):
            return None
        effect = dis.stack_effect(ins.opcode, ins.arg if ins.opcode >= dis.HAVE_ARGUMENT else None, jump=False)
        if ins.opname in ("PRECALL", "CALL"):
            effect = 0 if ins.opname == "PRECALL" else -(ins.arg + 1)
        if depth + min(effect, 0) < len(starts):  # reaches into an earlier argument: not lone loads
            starts = starts[: max(depth + min(effect, 0), 0)]
        if effect > 0 and depth == len(starts):
            starts.append(k)
        depth += effect
        while len(starts) > depth:
            starts.pop()
    return None


def _defining_class(fn: types.FunctionType) -> type | None:
    """The class a method was defined in, from its qualified name (None for a local class)."""
    path = fn.__qualname__.split(".")[:-1]
    if not path or "<locals>" in path:
        return None
    obj = fn.__globals__.get(path[0])
    for part in path[1:]:
        obj = getattr(obj, part, None)
    return obj if isinstance(obj, type) else None


def _subclasses(klass: type) -> list[type]:
    found, stack = [klass], [klass]
    while stack:
        for sub in type.__subclasses__(stack.pop()):
            if sub not in found:
                found.append(sub)
                stack.append(sub)
    return found


def _global_names(code: types.CodeType) -> list[str]:
    names = list(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names += _global_names(const)
    return names


def class_code(files: set[str]) -> str:
    """One hash of the given project modules' sources."""
    named = sorted((display_name(f), f) for f in files)
    return hashlib.blake2b("".join(f"{n}={source_hash(f)}\n" for n, f in named).encode(), digest_size=16).hexdigest()


def frame_digest(pixels: np.ndarray | None) -> str:
    if pixels is None:
        return "background"
    return hashlib.blake2b(np.ascontiguousarray(pixels).data, digest_size=20).hexdigest()
