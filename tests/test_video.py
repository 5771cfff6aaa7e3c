"""The lesson renderer's parts (video/): skip pictures, play files, keys, joining.

No scene is rendered here: frames are made with numpy and keys computed on
small objects, so these run in seconds. tests/test_render.py renders the
fixture lesson end to end (parts, reuse after edits, GNU parallel).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest

from common.contract import ENV_VAR, SceneContract
from video import digest, encoder
from video.assemble import join
from video.encoder import H264, PlayEncoder
from video.h264 import BitReader, BitWriter, SkipWriter, escape, unescape

W, H, FPS = 160, 96, 15


def picture(k: int = 0) -> np.ndarray:
    """An RGBA frame with a bar at position k (so frames differ)."""
    frame = np.zeros((H, W, 4), dtype=np.uint8)
    frame[..., 3] = 255
    frame[20:60, 10 + 4 * k : 30 + 4 * k, :3] = (250, 160, 60)
    frame[70:80, :, 2] = 200
    return frame


def decode(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as src:
        return [f.to_ndarray(format="yuv420p") for f in src.decode(video=0)]


def probe(path: Path) -> dict:
    out = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-count_frames",
            "-show_entries",
            "stream=codec_name,r_frame_rate,nb_read_frames,pix_fmt",
            "-of",
            "default=nw=1",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return dict(line.split("=", 1) for line in out.split())


def write_play(path: Path, frames: list[tuple[np.ndarray, int]], encoding=H264) -> int:
    enc = PlayEncoder(path, W, H, FPS, encoding)
    for frame, repeat in frames:
        enc.write(frame, repeat)
    return enc.close()


# -- bits ---------------------------------------------------------------------------
def test_exp_golomb_round_trip():
    w = BitWriter()
    values = [0, 1, 2, 3, 7, 8, 255, 8160, 65535]
    for v in values:
        w.ue(v)
    for v in (-3, 0, 5):
        w.se(v)
    r = BitReader(w.trailing())
    assert [r.ue() for _ in values] == values
    assert [r.se() for _ in range(3)] == [-3, 0, 5]


def test_emulation_prevention_round_trip():
    raw = bytes([0, 0, 0, 0, 0, 1, 0, 0, 2, 0, 0, 3, 7])
    escaped = escape(raw)
    assert b"\x00\x00\x00" not in escaped and b"\x00\x00\x01" not in escaped
    assert unescape(escaped) == raw


# -- holds -----------------------------------------------------------------------------
def test_a_hold_is_its_picture_exactly_for_every_frame(tmp_path):
    play = tmp_path / "hold.mp4"
    assert write_play(play, [(picture(), 90)]) == 90
    frames = decode(play)
    assert len(frames) == 90
    assert all(np.array_equal(frames[0], f) for f in frames[1:])
    info = probe(play)
    assert info["codec_name"] == "h264" and info["pix_fmt"] == "yuv420p"
    assert info["r_frame_rate"] == f"{FPS}/1" and info["nb_read_frames"] == "90"
    # One encoded picture, 89 skips: far smaller than 90 encoded pictures.
    assert play.stat().st_size < 3000 + 89 * 40


def test_a_stream_layout_without_skips_encodes_the_repeats(tmp_path):
    with_b_frames = encoder.Encoding("libx264", "yuv420p", {"crf": "23", "x264-params": "bframes=3"})
    play = tmp_path / "hold.mp4"
    assert write_play(play, [(picture(), 20)], with_b_frames) == 20
    assert len(decode(play)) == 20


def test_the_skip_pps_is_added_once_to_the_encoders_headers(tmp_path):
    play = tmp_path / "hold.mp4"
    write_play(play, [(picture(), 3)])
    with av.open(str(play)) as src:
        avcc = bytes(src.streams.video[0].codec_context.extradata)
    assert avcc[0] == 1  # avcC
    assert avcc[5] & 0x1F == 1  # one SPS
    sps_len = int.from_bytes(avcc[6:8], "big")
    assert avcc[8 + sps_len] == 2  # two PPSs: x264's and the skip pictures'


def test_frames_after_a_hold_in_one_play_are_refused(tmp_path):
    enc = PlayEncoder(tmp_path / "bad.mp4", W, H, FPS, H264)
    enc.write(picture(0), 5)
    enc.write(picture(1), 1)
    with pytest.raises(encoder.EncoderError, match="after a hold"):
        enc.close()
    assert not list(tmp_path.glob("*.mp4"))  # nothing half-written is left


def test_plays_join_on_the_frame_grid_with_every_picture(tmp_path):
    moving = tmp_path / "moving.mp4"
    hold = tmp_path / "hold.mp4"
    write_play(moving, [(picture(k), 1) for k in range(12)])
    write_play(hold, [(picture(11), 25)])
    out = tmp_path / "joined.mp4"
    join([moving, hold, moving], out, FPS)
    frames = decode(out)
    assert len(frames) == 12 + 25 + 12
    parts = decode(moving) + decode(hold) + decode(moving)
    assert all(np.array_equal(a, b) for a, b in zip(frames, parts))
    with av.open(str(out)) as src:
        stream = src.streams.video[0]
        ticks = sorted(p.pts for p in src.demux(stream) if p.pts is not None)
        per_frame = 1 / (FPS * stream.time_base)
    assert per_frame.denominator == 1
    assert ticks == [k * int(per_frame) for k in range(49)]


def x264_headers() -> bytes:
    """The Annex B headers (SPS, PPS) x264 writes for a small stream with the lesson's settings."""
    ctx = av.CodecContext.create("libx264", "w")
    ctx.width, ctx.height, ctx.pix_fmt = W, H, "yuv420p"
    ctx.time_base = av.Fraction(1, FPS) if hasattr(av, "Fraction") else __import__("fractions").Fraction(1, FPS)
    ctx.options = dict(H264.options)
    ctx.flags |= av.codec.context.Flags.global_header
    ctx.open()
    return bytes(ctx.extradata)


def test_skip_writer_continues_the_frame_number():
    extradata = x264_headers()
    found = SkipWriter.for_extradata(extradata)
    assert found is not None
    skips, headers = found
    assert skips.sps.poc_type == 2 and skips.sps.macroblocks == (W // 16) * (H // 16)
    assert headers.startswith(extradata) and headers.count(b"\x00\x00\x00\x01") == 3
    skips.follow(b"\x00\x00\x00\x01" + bytes([0x65, 0x88, 0x84]) + bytes(8))  # an IDR: frame_num 0
    assert skips.next_frame_num == 1
    first, second = skips.next(), skips.next()
    assert first != second and skips.next_frame_num == 3


# -- keys --------------------------------------------------------------------------------
def key_of(*objects) -> tuple[str, bool]:
    d = digest.Digest()
    for obj in objects:
        d.add(obj)
    return d.hexdigest(), d.uses_project_functions


def test_a_key_follows_what_is_drawn_and_nothing_else():
    from manim import BLUE, RED, Square

    a, b = Square(color=BLUE), Square(color=BLUE)
    assert key_of(a)[0] == key_of(b)[0]  # equal content, different objects
    b.original_id = "another id"  # a copy's bookkeeping, never drawn
    assert key_of(a)[0] == key_of(b)[0]
    assert key_of(a)[0] != key_of(Square(color=RED))[0]
    assert key_of(a)[0] != key_of(Square(color=BLUE).shift([0.001, 0, 0]))[0]


def code_dirs(monkeypatch, *folders: Path) -> None:
    """Make ``folders`` the project's code folders, as the renderer's contract would."""
    monkeypatch.setenv(ENV_VAR, SceneContract(code_dirs=tuple(map(str, folders))).to_env()[ENV_VAR])
    digest.contract_dirs.cache_clear()
    digest.module_file.cache_clear()


def test_functions_count_by_their_code_and_what_they_close_over(monkeypatch):
    code_dirs(monkeypatch, Path(__file__).parent)  # this file's functions are project code here

    def make(k):
        return lambda m: m.shift([k, 0, 0])

    assert key_of(make(1))[0] == key_of(make(1))[0]
    assert key_of(make(1))[0] != key_of(make(2))[0]
    assert key_of(lambda m: m.shift([1, 0, 0]))[0] != key_of(lambda m: m.scale(1))[0]
    # A function of the project's may call any of its code: the key then takes all of it in.
    assert key_of(make(1))[1] is True
    from manim.utils.rate_functions import smooth

    assert key_of(smooth)[1] is False
    digest.contract_dirs.cache_clear()
    digest.module_file.cache_clear()


def test_sources_count_by_their_syntax_not_their_comments(tmp_path):
    src = tmp_path / "scene.py"
    src.write_text("x = 1  # one\n\ndef f():\n    return x\n")
    before = digest.source_hash(str(src))
    src.write_text("# a comment\nx = 1\n\n\ndef f():  # why\n    return x\n")
    assert digest.source_hash(str(src)) == before
    src.write_text("x = 2\n\ndef f():\n    return x\n")
    assert digest.source_hash(str(src)) != before


def test_the_salt_holds_the_pinned_versions_and_the_encoder(monkeypatch):
    import hashlib

    from video.render import LOCK_FILE

    lock = hashlib.sha256(LOCK_FILE.read_bytes()).hexdigest()
    recipe = encoder.recipe(encoder.H264)
    monkeypatch.setenv(encoder.OVERRIDE_ENV_VAR, "preset=ultrafast")
    assert encoder.recipe(encoder.encoding_for(".mp4", False)) != recipe
    from manim import tempconfig

    from video.render import LessonRenderer

    with tempconfig({"dry_run": True, "pixel_width": W, "pixel_height": H, "frame_rate": FPS}):
        salt = LessonRenderer().salt()
    assert lock in salt and "ultrafast" in salt


# -- the code a play's project functions reach -----------------------------------------
MODULE = "digestfix"  # a project module written by the tests below, loaded again after each edit
HELPER = "digestfix_helper"

SOURCE = """
import functools
import digestfix_helper as helper

SCALE = 2.0


def unrelated():
    return 1


def step(x):
    return x * SCALE


def shift(m):
    return m.shift([step(1), 0, 0])


def via_module(m):
    return m.shift([helper.offset(), 0, 0])


def dynamic(m, how="shift"):
    return getattr(m, how)([1, 0, 0])


def run_code(m):
    return eval("m")


class Mover:
    def __init__(self, k):
        self.k = k

    def move(self, m):
        return m.shift([self.amount(), 0, 0])

    def amount(self):
        return self.k


def traced(fn):
    @functools.wraps(fn)
    def inner(m):
        return fn(m)
    return inner


@traced
def decorated(m):
    return m.shift([step(2), 0, 0])


partial_shift = functools.partial(lambda m, k: m.shift([step(k), 0, 0]), k=3)


class Base:
    def __init__(self, k):
        self.k = k

    def __len__(self):
        return 1


class Sub(Base):
    def __init__(self, k):
        super().__init__(k)

    def move(self, m):
        return m.shift([len(self), 0, 0])


class Unrelated:
    def __init__(self):
        self.z = 1
"""

HELPER_SOURCE = """
def offset():
    return 0.5


def other():
    return 9
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    """Loads the test module (and its helper) as project code under tmp_path; returns
    ``key(name, edit=None, helper_edit=None)``: the key of a play driven by ``name``."""
    import importlib.util
    import sys

    code_dirs(monkeypatch, tmp_path)

    def load(name: str, text: str):
        path = tmp_path / f"{name}.py"
        path.write_text(text)
        spec = importlib.util.spec_from_file_location(name, path)
        mod = importlib.util.module_from_spec(spec)
        sys.modules[name] = mod
        spec.loader.exec_module(mod)
        return mod

    def key(name: str, edit: tuple[str, str] | None = None, helper_edit: tuple[str, str] | None = None):
        load(HELPER, HELPER_SOURCE.replace(*helper_edit) if helper_edit else HELPER_SOURCE)
        mod = load(MODULE, SOURCE.replace(*edit) if edit else SOURCE)
        fn = eval(name, vars(mod))  # a name, or an expression such as "Mover(1).move"
        d = digest.Digest()
        d.add([fn])
        wide = d.reach((tmp_path,))
        return d.hexdigest(), wide

    yield key
    for name in (MODULE, HELPER):
        sys.modules.pop(name, None)
    digest.contract_dirs.cache_clear()
    digest.module_file.cache_clear()


def test_an_edit_to_unrelated_code_leaves_the_key_alone(project):
    base, wide = project("shift")
    assert not wide
    assert project("shift", ("return 1\n", "return 2\n")) == (base, False)  # unrelated() in the same module
    assert project("shift", helper_edit=("return 9", "return 10")) == (base, False)  # a module it never uses
    assert project(
        "shift", ('def run_code(m):\n    return eval("m")', 'def run_code(m):\n    return eval("m + 1")')
    ) == (base, False)


@pytest.mark.parametrize(
    "name, edit",
    [
        ("shift", ("m.shift([step(1)", "m.shift([step(2)")),  # the function itself
        ("shift", ("return x * SCALE", "return x * SCALE + 1")),  # a function it calls
        ("shift", ("SCALE = 2.0", "SCALE = 3.0")),  # a module-level constant that one reads
        ("Mover(1).move", ("return self.k", "return self.k + 1")),  # a method reached through self.x
        ("decorated", ("return x * SCALE", "return -x * SCALE")),  # under a decorator
        ("partial_shift", ("return x * SCALE", "return -x * SCALE")),  # inside a partial
        ("partial_shift", ("k=3)", "k=4)")),  # a partial's arguments
    ],
)
def test_an_edit_to_code_a_function_reaches_changes_its_key(project, name, edit):
    base, wide = project(name)
    assert not wide
    assert project(name, edit)[0] != base


def test_a_class_brings_in_its_bases_code_and_a_dunder_is_not_looked_up_everywhere(project):
    base, wide = project("Sub(1).move")
    assert not wide
    # len(self) runs Base.__len__, inherited: a base's code counts.
    assert project("Sub(1).move", ("        return 1\n", "        return 2\n"))[0] != base
    # super().__init__ names "__init__", which must not bring in every project class's.
    assert project("Sub(1).move", ("self.z = 1", "self.z = 2")) == (base, False)


def test_a_project_module_used_as_mod_f_is_followed(project):
    base, wide = project("via_module")
    assert not wide
    assert project("via_module", helper_edit=("return 0.5", "return 0.25"))[0] != base
    assert project("via_module", helper_edit=("return 9", "return 10")) == (base, False)  # helper.other: unused


def test_code_that_names_attributes_at_run_time_widens_the_key(project):
    assert project("dynamic")[1] is True  # getattr with a name made at run time
    assert project("run_code")[1] is True  # eval


def test_getattr_on_self_is_bounded_by_the_class():
    class Box:
        def __init__(self):
            self.k = 1

        def get(self, name):
            return getattr(self, name)

        def get_of(self, name):
            return getattr(self.k, name)

    names, dynamic, on_self, on_globals = digest._names(Box.get.__code__)
    assert not dynamic and on_self and not on_globals
    assert digest._names(Box.get_of.__code__)[1]  # on self.k, not on self
    suffix = "ift"
    assert digest._names((lambda n, m: getattr(m, "sh" + n + suffix)).__code__)[1]
    names, dynamic, *_ = digest._names((lambda m: getattr(m, "shift", None)).__code__)
    assert not dynamic and "shift" in names  # as m.shift


def test_a_partial_counts_by_what_it_calls_and_its_arguments():
    import functools

    from manim import Square

    assert (
        key_of(functools.partial(Square.shift, [1, 0, 0]))[0] == key_of(functools.partial(Square.shift, [1, 0, 0]))[0]
    )
    assert (
        key_of(functools.partial(Square.shift, [1, 0, 0]))[0] != key_of(functools.partial(Square.shift, [2, 0, 0]))[0]
    )
    assert key_of(functools.partial(Square.shift))[0] != key_of(functools.partial(Square.scale))[0]


def test_a_formula_after_the_shared_cache_was_undone_compiles_the_default_way(tmp_path, monkeypatch):
    # The harness shares the LaTeX cache inside a tempconfig; a MathTex made after it (in the
    # default media/Tex, with manim's clean-up on) once failed on the shared cache's locks folder.
    from manim import MathTex, tempconfig

    from video import texcache

    monkeypatch.chdir(tmp_path)
    with tempconfig({}):
        texcache.share(tmp_path / "shared")
        MathTex("a^2")
    assert len(MathTex("b^3").submobjects) == 1


def test_a_key_is_the_same_in_every_process():
    """Exact values (sympy) and parameters hash alike in two processes: Python salts its
    string hashes per process, and sympy caches such hashes and sets built from them."""
    code = (
        "import sympy as sp; from video import digest; from backprop_core import current; "
        "import backprop_core.network as core; d = digest.Digest(); "
        "d.add([core.walkthrough(current()), sp.Rational(1, 3) * sp.Symbol('x')]); print(d.hexdigest())"
    )
    keys = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout for _ in "ab"
    }
    assert len(keys) == 1


def test_sympy_values_count_by_their_structure():
    import sympy as sp

    assert key_of(sp.Symbol("x"))[0] != key_of(sp.Symbol("y"))[0]
    assert key_of(sp.Rational(1, 3))[0] != key_of(sp.Rational(1, 4))[0]


def test_a_compiled_regex_counts_by_its_pattern_and_flags_and_keeps_the_play_reusable():
    # re.Pattern pickles through copyreg, not __reduce_ex__: it once made every play whose code
    # reached fmt's module-level pattern unkeyable (drawn on every render, never reused).
    import re

    d = digest.Digest()
    d.add({"pattern": re.compile(r"(\d+) \\times 10")})
    assert not d.unkeyable
    assert key_of(re.compile("a+"))[0] == key_of(re.compile("a+"))[0]
    assert key_of(re.compile("a+"))[0] != key_of(re.compile("a*"))[0]
    assert key_of(re.compile("a+"))[0] != key_of(re.compile("a+", re.IGNORECASE))[0]
    from backprop_core import numbers

    d = digest.Digest()
    d.add({k: v for k, v in vars(numbers).items() if not k.startswith("__")})  # what reaching fmt takes in
    d.add([Ellipsis, NotImplemented])  # singletons pickle by name
    assert not d.unkeyable, d.unkeyable
    assert key_of(Ellipsis)[0] != key_of(NotImplemented)[0]
