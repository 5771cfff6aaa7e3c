"""The play store: a reused play is the play its key names, whatever was edited, undone or damaged.

The reproductions of issue 19, each on a copy of a fixture lesson (so a test can edit it):
undo (a colour tried and taken back), a camera's base class edited, a damaged play file
joined, and the fuzz: a list of edit recipes, after each of which the incremental render
must equal a ``--force`` render of the same source, frame by frame (``ffmpeg -f framemd5``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
QUICK = ("--voice", "none", "-q", "low", "--jobs", "1")

pytestmark = pytest.mark.xdist_group("store")


def framemd5(video: Path) -> list[str]:
    """One checksum per decoded frame (the pictures, not the bytes of the file)."""
    out = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(video), "-map", "0:v", "-f", "framemd5", "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [line.rsplit(",", 1)[1].strip() for line in out.splitlines() if line and not line.startswith("#")]


class Copy:
    """A fixture lesson copied to a temporary folder, rendered with ./render.sh's Python entry."""

    def __init__(self, base: Path, fixture: Path, manifest: str) -> None:
        self.dir = base / fixture.name
        shutil.copytree(fixture, self.dir, ignore=shutil.ignore_patterns("__pycache__"))
        self.spec = f"{self.dir / manifest}:LESSON"
        self.out = base / "renders"

    def render(self, *args: str, out: Path | None = None) -> subprocess.CompletedProcess:
        cmd = [sys.executable, "-m", "renderer", "--manifest", self.spec, "--out", str(out or self.out), *QUICK]
        return subprocess.run([*cmd, *args], cwd=ROOT, capture_output=True, text=True, timeout=300)

    def edit(self, name: str, old: str, new: str) -> None:
        path = self.dir / name
        text = path.read_text()
        assert text.count(old) == 1, f"{old!r} is not once in {name}"
        path.write_text(text.replace(old, new))

    def variant(self, out: Path | None = None) -> Path:
        return (out or self.out) / "low-silent"


def ok(proc: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc


# -- reproduction 1: undo ------------------------------------------------------------------------
def test_undo_renders_after_any_sequence_of_edits(tmp_path):
    """Blue -> red -> green -> blue: the third render failed with "3 play file(s) missing"
    (old part records trusted after their plays were dropped). Fails on eb1f93e."""
    lesson = Copy(tmp_path, FIXTURES, "manifest.py")
    ok(lesson.render("alpha"))
    colours = ["BLUE", '"#FF0000"', '"#00FF00"', "BLUE"]
    for old, new in zip(colours, colours[1:]):
        lesson.edit("scenes/alpha.py", f"Square(color={old})", f"Square(color={new})")
        ok(lesson.render("alpha"))
    incremental = framemd5(lesson.variant() / "00-alpha.mp4")
    ok(lesson.render("alpha", "--force", out=tmp_path / "forced"))
    assert incremental == framemd5(lesson.variant(tmp_path / "forced") / "00-alpha.mp4")


# -- reproduction 3: a damaged play is never joined ---------------------------------------------------
def test_a_damaged_play_is_drawn_again_not_joined(tmp_path):
    """A play file cut short (a crash, a full disk, a partial rsync) and the section's record
    deleted: it was joined without a word, the video shorter than its beats. Fails on eb1f93e."""
    lesson = Copy(tmp_path, FIXTURES, "manifest.py")
    ok(lesson.render("alpha"))
    variant = lesson.variant()
    good = framemd5(variant / "00-alpha.mp4")
    plays = sorted((variant / ".cache" / "plays" / "00-alpha").glob("*.mp4"), key=lambda p: -p.stat().st_size)
    victim = plays[0]
    victim.write_bytes(victim.read_bytes()[: victim.stat().st_size * 2 // 3])
    (variant / ".cache" / "00-alpha.json").unlink()
    proc = ok(lesson.render("alpha"))
    assert "damaged" in proc.stdout + proc.stderr and victim.stem[:12] in proc.stdout + proc.stderr
    assert framemd5(variant / "00-alpha.mp4") == good
    beats = json.loads((variant / "00-alpha.beats.json").read_text())
    frames = len(good)
    assert abs(beats[-1]["end"] - frames / 15) < 1e-6


def test_a_play_with_no_record_of_its_own_is_not_trusted(tmp_path):
    """A play file whose metadata is missing (copied in by hand, or a crash between the two
    renames) is drawn again, as is one whose bytes differ from what was recorded."""
    lesson = Copy(tmp_path, FIXTURES, "manifest.py")
    ok(lesson.render("beta"))
    variant = lesson.variant()
    store = variant / ".cache" / "plays" / "01-beta"
    metas = sorted(store.glob("*.json"))
    assert metas, "every play has its metadata beside it"
    metas[0].unlink()
    flipped = sorted(store.glob("*.mp4"))[-1]
    data = bytearray(flipped.read_bytes())
    data[-10] ^= 0xFF
    flipped.write_bytes(bytes(data))
    (variant / ".cache" / "01-beta.json").unlink()
    good = framemd5(variant / "01-beta.mp4")
    proc = ok(lesson.render("beta"))
    assert framemd5(variant / "01-beta.mp4") == good
    report = proc.stdout + proc.stderr
    assert re.search(r"2 plays? drawn", report) or "drawn again" in report, report[-2000:]


# -- the fuzz: every recipe, incremental against --force ------------------------------------------------
# (file, old, new): one edit each; every one of them changes the frames of at least one play.
RECIPES = {
    "component colour": ("gamma_parts.py", 'BADGE_COLOR = "#58C4DD"', 'BADGE_COLOR = "#83C167"'),
    "camera class": ("gamma.py", "    GAIN = 1.0\n", "    GAIN = 0.7\n"),
    "camera base": ("gamma_camera.py", "self.GAIN + 0,", "self.GAIN + 60,"),
    "style constant": ("gamma_look.py", "SPEED = 1.0", "SPEED = 1.6"),
    "core function": ("gamma_core.py", "return 0.5 * t", "return 0.5 * t - 1"),
    "narration line": ("gamma.py", '"A dot climbs."', '"A dot climbs, slowly and steadily, to the right."'),
    "updater value": ("gamma.py", "self.turns = 1.0", "self.turns = 2.5"),
    "random seed": ("gamma.py", "SEED = 7", "SEED = 8"),
}


class Fuzz:
    def __init__(self, base: Path) -> None:
        self.lesson = Copy(base, FIXTURES / "store", "manifest.py")
        self.base = base
        self.applied: list[str] = []
        self.forced: dict[tuple[str, ...], list[str]] = {}  # a source state -> its --force frames
        self.compared = 0

    def toggle(self, recipe: str) -> None:
        name, old, new = RECIPES[recipe]
        if recipe in self.applied:
            self.lesson.edit(name, new, old)
            self.applied.remove(recipe)
        else:
            self.lesson.edit(name, old, new)
            self.applied.append(recipe)

    def check(self, why: str) -> None:
        """The incremental render of the current source equals its --force render."""
        ok(self.lesson.render())
        got = framemd5(self.lesson.variant() / "00-gamma.mp4")
        state = tuple(sorted(self.applied))
        if state not in self.forced:
            out = self.base / f"forced-{len(self.forced)}"
            ok(self.lesson.render("--force", out=out))
            self.forced[state] = framemd5(self.lesson.variant(out) / "00-gamma.mp4")
        want = self.forced[state]
        first = next((k for k, (a, b) in enumerate(zip(got, want)) if a != b), None)
        assert got == want, f"{why}: {len(got)} vs {len(want)} frames, first difference at frame {first}"
        self.compared += 1


def test_fuzz_every_recipe_then_its_revert_equals_a_forced_render(tmp_path):
    fuzz = Fuzz(tmp_path)
    fuzz.check("the first render")
    for recipe in RECIPES:
        fuzz.toggle(recipe)
        fuzz.check(f"after the edit {recipe!r}")
        fuzz.toggle(recipe)
        fuzz.check(f"after reverting {recipe!r}")
    # Two edits, then their reverts, in both orders.
    a, b = "component colour", "core function"
    for reverts in ((b, a), (a, b)):
        for step in (a, b, *reverts):
            fuzz.toggle(step)
            fuzz.check(f"edits {a!r}, {b!r}, reverts {reverts}: toggled {step!r}")
    assert not fuzz.applied
    assert fuzz.compared == 1 + 2 * len(RECIPES) + 8


# -- a bounded store ---------------------------------------------------------------------------------
def test_gc_removes_what_no_output_needs_and_keeps_one_earlier_version(tmp_path):
    lesson = Copy(tmp_path, FIXTURES, "manifest.py")
    ok(lesson.render())
    colours = ["BLUE", '"#FF0000"', '"#00FF00"', '"#0000FF"']
    for old, new in zip(colours, colours[1:]):
        lesson.edit("scenes/alpha.py", f"Square(color={old})", f"Square(color={new})")
        ok(lesson.render())
    variant = lesson.variant()
    bookkeeping = variant / ".cache"
    # What interrupted runs and a renamed section leave behind.
    leftovers = [
        bookkeeping / ".00-alpha.json.x1y2z3.tmp",
        bookkeeping / "plays" / "07-gone" / "0123.mp4",
        bookkeeping / "07-gone.json",
        bookkeeping / "parts" / "07-gone-0123456789ab-0-end.json",
        variant / ".work" / "00-alpha" / "part-0-end" / "media" / "junk.bin",
    ]
    for path in leftovers:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * 1000)
    proc = ok(lesson.render("--gc"))
    assert re.search(r"low-silent\s+[\d.]+ \w+ -> +[\d.]+ \w+", proc.stdout), proc.stdout
    assert "freed" in proc.stdout
    assert not any(p.exists() for p in leftovers)
    # Every current output is still current: nothing is drawn, nothing rendered again.
    again = ok(lesson.render())
    assert "2 reused" in again.stdout and "0 rendered" in again.stdout, again.stdout
    # The earlier version was kept: undoing the last edit draws no play.
    lesson.edit("scenes/alpha.py", 'Square(color="#0000FF")', 'Square(color="#00FF00")')
    undo = ok(lesson.render("--json-report", str(tmp_path / "undo.json")))
    alpha = json.loads((tmp_path / "undo.json").read_text())["sections"][0]
    assert alpha["status"] == "rendered" and alpha["plays"]["rendered"] == 0, undo.stdout


# -- an edit saved during a render ------------------------------------------------------------------------
def test_an_edit_saved_during_a_render_is_rendered_not_mixed_in(tmp_path):
    """A source saved while a part renders: what is stored under the fingerprint taken before
    the edit must not be a mix. The part notices, and the section renders from the new source."""
    lesson = Copy(tmp_path, FIXTURES / "store", "manifest.py")
    cmd = [sys.executable, "-m", "renderer", "--manifest", lesson.spec, "--out", str(lesson.out), *QUICK]
    env = dict(os.environ, GAMMA_PAUSE="4")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    log = lesson.variant() / "logs" / "00-gamma.log"
    deadline = time.monotonic() + 60
    while not (log.exists() and "# command:" in log.read_text()):
        assert time.monotonic() < deadline and proc.poll() is None, "the part never started"
        time.sleep(0.1)
    time.sleep(1.0)  # the part's process is building the scene (it pauses 4 s first)
    name, old, new = RECIPES["core function"]
    lesson.edit(name, old, new)
    output, _ = proc.communicate(timeout=240)
    assert proc.returncode == 0, output[-3000:]
    assert "changed during the render" in output, output[-3000:]
    got = framemd5(lesson.variant() / "00-gamma.mp4")
    ok(lesson.render("--force", out=tmp_path / "forced"))
    assert got == framemd5(lesson.variant(tmp_path / "forced") / "00-gamma.mp4")
    again = ok(lesson.render())  # the record is the new source's: nothing to do
    assert "1 reused" in again.stdout, again.stdout


# -- the fuzz on a real section (the corners stage of .ci/run) ------------------------------------------------
PROJECT_PARTS = (
    "scenes",
    "backprop_core",
    "common",
    "video",
    "narration",
    "renderer",
    "assets",
    "manim.cfg",
    "requirements.lock",
)
REAL_RECIPES = {
    # The issue's reproduction: the heatmap's camera (a base class of partials' camera) draws in grey.
    "camera base": (
        "scenes/components/heatmap.py",
        "image = image.resize(size, resample=image_mobject.resampling_algorithm)",
        'image = image.resize(size, resample=image_mobject.resampling_algorithm).convert("LA").convert("RGBA")',
    ),
    "component colour": ("scenes/components/heatmap.py", '"#16243A"', '"#3A1624"'),
}


@pytest.mark.corners
def test_fuzz_on_the_real_partials_section(tmp_path):
    """Edits to partials' components, then their reverts: every incremental render equals a
    --force render of the same source, frame by frame (on a copy of the project)."""
    copy = tmp_path / "project"
    (tmp_path / "tex").mkdir()
    for part in PROJECT_PARTS:
        src = ROOT / part
        if not src.exists():
            continue
        if src.is_dir():
            shutil.copytree(src, copy / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, copy / part)
    args = ["-q", "low", "--voice", "none", "partials"]

    def render(out: Path, *extra: str) -> list[str]:
        out.mkdir(exist_ok=True)
        if not (out / ".tex").exists():  # one LaTeX cache for every render of the test
            (out / ".tex").symlink_to(tmp_path / "tex", target_is_directory=True)
        cmd = [sys.executable, "-m", "renderer", "--out", str(out), *args, *extra]
        ok(subprocess.run(cmd, cwd=copy, capture_output=True, text=True, timeout=900))
        return framemd5(out / "low-silent" / "03-partials.mp4")

    def toggle(recipe: str, on: bool) -> None:
        name, old, new = REAL_RECIPES[recipe]
        path = copy / name
        text = path.read_text()
        a, b = (old, new) if on else (new, old)
        assert text.count(a) == 1, f"{a!r} in {name}"
        path.write_text(text.replace(a, b))

    forced: dict[tuple, list[str]] = {}
    applied: set[str] = set()
    steps = [(None, True), ("camera base", True), ("component colour", True), ("camera base", False)]
    steps += [("component colour", False)]
    for recipe, on in steps:
        if recipe:
            toggle(recipe, on)
            applied = applied | {recipe} if on else applied - {recipe}
        got = render(tmp_path / "renders")
        state = tuple(sorted(applied))
        if state not in forced:
            forced[state] = render(tmp_path / f"forced-{len(forced)}", "--force")
        assert got == forced[state], f"after {recipe} {'on' if on else 'off'}: the incremental render is stale"
