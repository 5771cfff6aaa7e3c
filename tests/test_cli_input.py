"""Bad input to render.sh (issue 19, item 7): each case a one-line message that
names the problem and the fix, the exit code the README lists, no traceback,
and nothing rendered or removed. Runs ``python -m renderer`` on the fixture lesson.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
MANIFEST = f"{FIXTURES / 'manifest.py'}:LESSON"
FAST = ["-q", "low", "--voice", "none", "--jobs", "1"]


def run(*args: str, cwd: Path = ROOT, env: dict | None = None, timeout: int = 120) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "renderer", *args]
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def refused(proc: subprocess.CompletedProcess, code: int, *words: str) -> None:
    """Exit ``code``, no traceback, and the message has ``words`` (the summary of a render is on stdout)."""
    said = proc.stderr + proc.stdout
    assert proc.returncode == code, said
    assert "Traceback" not in said, said
    for word in words:
        assert word in said, (word, said)


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``folder`` with its size and mtime: what a refused run must not touch."""
    files = (p for p in folder.rglob("*") if p.is_file())
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns) for p in files}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    """The fixture section alpha rendered once (its record knows its 2 beats)."""
    out = tmp_path_factory.mktemp("rendered") / "renders"
    proc = run("--manifest", MANIFEST, "--out", str(out), *FAST, "alpha")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


@pytest.fixture
def busy_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


# -- where outputs go: checked before anything renders ----------------------------------
@pytest.mark.parametrize(
    "option, where, expected",
    [
        ("--out", "/proc/x", ["--out /proc/x", "cannot write in /proc", "give --out a folder you can write to"]),
        ("--out", "{file}/sub", ["is a file, not a folder", "give --out a folder"]),
        ("--json-report", "{out}", ["is a folder; give it a file name", "report.json"]),
        ("--json-report", "/proc/x/report.json", ["--json-report /proc/x", "cannot write in /proc"]),
        ("--json-report", "{file}/report.json", ["is a file, not a folder"]),
    ],
)
def test_an_unwritable_output_is_refused_before_rendering(rendered, tmp_path, option, where, expected):
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder\n")
    before = snapshot(rendered)
    where = where.format(file=a_file, out=rendered)
    args = [option, where] if option == "--out" else ["--out", str(rendered), option, where]
    proc = run("--manifest", MANIFEST, *FAST, *args)
    refused(proc, 2, "nothing was rendered", *expected)
    assert snapshot(rendered) == before  # the good render is untouched


# -- the port of --watch ---------------------------------------------------------------
@pytest.mark.parametrize(
    "args, expected",
    [
        (["--port", "99999"], "--port 99999 is out of range: give 1 to 65535, or 0"),
        (["--port", "8080"], "--port 8080 is the port of --watch's page: add --watch"),
        (["--watch", "--port", "99999"], "--port 99999 is out of range"),
        (["--watch", "--port", "{busy}"], "choose another port, or --port 0 for a free one"),
    ],
)
def test_a_bad_port_is_refused(tmp_path, busy_port, args, expected):
    args = [a.format(busy=busy_port) for a in args]
    proc = run("--manifest", MANIFEST, "--out", str(tmp_path / "renders"), *FAST, *args, "alpha", timeout=30)
    refused(proc, 2, expected, f"--port {args[-1]}")
    assert not (tmp_path / "renders").exists()


# -- voices ignore case ----------------------------------------------------------------
@pytest.mark.parametrize(
    "args, env, expected",
    [
        ([], {"BACKPROP_VOICE": "PIPER"}, None),  # the default voice: no --voice in the jobs
        (["--voice", "ESPEAK"], {}, "--voice espeak"),
        (["--voice", "None"], {}, "--voice none"),
    ],
)
def test_a_voice_in_any_case_is_accepted(tmp_path, args, env, expected):
    import os

    proc = run(
        "--manifest", MANIFEST, "--out", str(tmp_path), "--print-jobs", *args, env={**os.environ, **env}, timeout=30
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 2
    for line in lines:
        assert ("--voice" not in line) if expected is None else (expected in line)


# -- a manifest that is not a tuple of sections --------------------------------------------
@pytest.mark.parametrize(
    "body, expected",
    [
        ('LESSON = "alpha"', "LESSON is a str, not a tuple"),
        ('LESSON = {"alpha": ALPHA}', "LESSON is a dict, not a tuple"),
        ('LESSON = [ALPHA, "beta"]', "item 1 of LESSON is a str ('beta'), not a Section"),
        ("LESSON = (ALPHA, ALPHA)", "the section name 'alpha' is used twice"),
        ("LESSON = ()", "has no sections"),
        ("SECTIONS = (ALPHA,)", "has no LESSON"),
    ],
)
def test_a_manifest_that_is_not_a_tuple_of_sections(tmp_path, body, expected):
    manifest = tmp_path / "lesson.py"
    manifest.write_text(
        "from pathlib import Path\nfrom scenes.manifest import Section\n"
        f'ALPHA = Section("alpha", "alpha", "AlphaScene", "01", "A", folder=Path({str(FIXTURES / "scenes")!r}))\n'
        f"{body}\n"
    )
    proc = run("--manifest", f"{manifest}:LESSON", "--out", str(tmp_path / "renders"), *FAST, timeout=30)
    refused(proc, 2, str(manifest), expected, "nothing was rendered")
    assert not (tmp_path / "renders").exists()


# -- a syntax error in a file the renderer imports -----------------------------------------
@pytest.mark.parametrize(
    "broken",
    ["scenes/style.py", "scenes/manifest.py", "tests/fixtures/manifest.py"],
)
def test_a_syntax_error_names_the_file_and_line(tmp_path, broken):
    # A copy of the project: the real scenes/style.py is not to be edited by a test.
    copy = tmp_path / "project"
    keep = shutil.ignore_patterns("__pycache__")
    for name in ("renderer", "scenes", "video", "narration", "backprop_core", "common", "assets", "tests/fixtures"):
        shutil.copytree(ROOT / name, copy / name, ignore=keep)
    for name in ("manim.cfg", "requirements.lock"):
        shutil.copy(ROOT / name, copy / name)
    path = copy / broken
    path.write_text(path.read_text() + "\nTHEMES = {\n")
    line = len(path.read_text().splitlines())
    proc = run(
        "--manifest", "tests/fixtures/manifest.py:LESSON", "--out", str(tmp_path / "renders"), cwd=copy, timeout=30
    )
    refused(proc, 2, f"fix the syntax error in {broken} line {line}: THEMES = {{", "nothing was rendered")
    assert not (tmp_path / "renders").exists()


# -- --part past the section's beats ----------------------------------------------------------
@pytest.mark.parametrize(
    "part, expected",
    [
        ("99:", "--part 99: starts past alpha's 2 beats (0 to 1)"),
        ("2:", "--part 2: starts past alpha's 2 beats"),
        ("1:3", "--part 1:3 ends past alpha's 2 beats"),
    ],
)
def test_a_part_past_a_known_beat_count_is_refused(rendered, part, expected):
    before = snapshot(rendered)
    proc = run("--manifest", MANIFEST, "--out", str(rendered), *FAST, "--no-join", "--part", part, "alpha")
    refused(proc, 2, expected, "give A:B with 0 <= A < B <= 2", "nothing was rendered")
    assert snapshot(rendered) == before


def test_a_part_past_an_unknown_beat_count_fails_in_the_renderer(tmp_path):
    """Never rendered: the count is not known before the scene runs. The part is tried,
    and the scene stops with the count instead of a record of no beats (0 s of video)."""
    out = tmp_path / "renders"
    proc = run("--manifest", MANIFEST, "--out", str(out), *FAST, "--no-join", "--part", "99:", "beta")
    refused(proc, 1, "beta has not been rendered with these inputs", "the section has 3 beats; --part 99: starts past")
    assert not list(out.glob("*/.cache/parts/*.json"))  # no part record to join later


# -- --print-jobs --force: the join rebuilds, it does not draw again ---------------------------
def test_the_join_command_of_forced_jobs_rebuilds_without_drawing(tmp_path):
    proc = run("--manifest", MANIFEST, "--out", str(tmp_path), "-q", "low", "--print-jobs", "--force", "beta")
    assert proc.returncode == 0, proc.stderr
    jobs = proc.stdout.splitlines()
    assert jobs and all("--force" in job and job.endswith(" beta") for job in jobs)
    join = proc.stderr.splitlines()[-1]
    assert join.startswith(f"#   cd {ROOT} && ./render.sh ")
    assert "--force" not in join and join.endswith(" --rejoin beta")
    refused(run("--manifest", MANIFEST, "--rejoin", "--print-jobs"), 2, "--rejoin joins what the jobs")
