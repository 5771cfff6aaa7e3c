"""render.sh end to end.

Most tests render the two tiny fixture sections of tests/fixtures/manifest.py
at low quality (a copy in a temporary folder, so a test can edit a scene), in
seconds. One renders the real section "derivative" through ./render.sh; it
starts in the background with the first test and is checked last.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import pytest

from renderer.media import probe

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
LOW = {"codec": "h264", "width": 854, "height": 480, "fps": 15}

# Ask xdist to keep this file on one worker (the fixture lesson is then rendered
# once). The tests don't depend on it: each works on whichever worker runs it.
pytestmark = pytest.mark.xdist_group("render")

# Every fixture run: light theme and a parameter override, both checked in the scenes' logs.
ARGS = ["-q", "low", "--sections", "--theme", "light", "--set", "w1=0.3"]


# -- helpers ------------------------------------------------------------------
def ffprobe(path: Path) -> dict:
    return probe(path)  # the renderer's own (renderer/media.py); tests that import it keep the name


def assert_plays(path: Path, duration: float | None = None, min_duration: float = 0.5) -> dict:
    """An H.264 video at 480p15 that ffmpeg decodes to its end."""
    info = ffprobe(path)
    video = [s for s in info["streams"] if s["codec_type"] == "video"]
    assert len(video) == 1, f"{path}: {len(video)} video streams"
    v = video[0]
    assert v["codec_name"] == LOW["codec"], f"{path}: codec {v['codec_name']}"
    assert (v["width"], v["height"]) == (LOW["width"], LOW["height"])
    assert Fraction(v["r_frame_rate"]) == LOW["fps"]
    length = float(info["format"]["duration"])
    assert length >= min_duration
    if duration is not None:
        assert abs(length - duration) < 0.15, f"{path}: {length} s, expected {duration} s"
    decode = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-f", "null", "-"], capture_output=True, text=True
    )
    assert decode.returncode == 0 and not decode.stderr.strip(), decode.stderr
    return info


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Lesson:
    """A copy of the fixture lesson and its output folder."""

    def __init__(self, base: Path) -> None:
        self.dir = base / "fixtures"
        shutil.copytree(FIXTURES, self.dir, ignore=shutil.ignore_patterns("__pycache__"))
        self.spec = f"{self.dir / 'manifest.py'}:LESSON"
        self.out = base / "renders"
        self.runs = 0

    def command(self, *args: str) -> tuple[list[str], Path]:
        self.runs += 1
        report = self.out.parent / f"report-{self.runs}.json"
        cmd = [
            sys.executable,
            "-m",
            "renderer",
            "--manifest",
            self.spec,
            "--out",
            str(self.out),
            "--json-report",
            str(report),
            *args,
        ]
        return cmd, report

    def render(self, *args: str, **kw) -> tuple[subprocess.CompletedProcess, dict]:
        cmd, report = self.command(*args)
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120, **kw)
        data = json.loads(report.read_text()) if report.exists() else {}
        return proc, data

    def scene(self, name: str) -> Path:
        return self.dir / "scenes" / f"{name}.py"

    @property
    def variant(self) -> Path:
        found = [p for p in self.out.iterdir() if p.is_dir()]
        assert len(found) == 1, found
        return found[0]


def statuses(report: dict) -> dict[str, str]:
    return {s["name"]: s["status"] for s in report["sections"]}


# -- the real section, rendered in the background while the fixture tests run -----
# Started once per test session, by whichever xdist worker gets here first (the
# tests of this file may be spread over workers), and waited for by the test.
def _shared_dir(tmp_path_factory) -> Path:
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


REAL_TEST = "test_render_sh_renders_the_real_section_derivative"


@pytest.fixture(scope="module")
def real_render(tmp_path_factory, request):
    import fcntl

    base = _shared_dir(tmp_path_factory) / "render-real"
    base.mkdir(exist_ok=True)
    proc = None
    wanted = any(item.name == REAL_TEST for item in request.session.items)
    with open(base / "start.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if wanted and not (base / "started").exists():
            q = {
                k: shlex.quote(str(base / v))
                for k, v in dict(out="renders", report="report.json", log="render.log", rc="rc").items()
            }
            cmd = (
                f"./render.sh -q low --jobs 1 --out {q['out']} --json-report {q['report']} derivative "
                f">{q['log']} 2>&1; echo $? >{q['rc']}.tmp; mv {q['rc']}.tmp {q['rc']}"
            )
            proc = subprocess.Popen(["bash", "-c", cmd], cwd=ROOT, stdin=subprocess.DEVNULL, start_new_session=True)
            (base / "started").write_text(str(proc.pid))
    yield base
    if proc is not None:  # the worker that started it waits for it, in case the test runs elsewhere
        try:
            proc.wait(timeout=600)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)


@pytest.fixture(scope="module", autouse=True)
def _start_real_render_first(real_render):
    """Start the real render before the first test, so it overlaps the others."""


@pytest.fixture(scope="module")
def lesson(tmp_path_factory):
    return Lesson(tmp_path_factory.mktemp("lesson"))


@pytest.fixture(scope="module")
def first(lesson):
    proc, report = lesson.render(*ARGS)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc, report


# -- bad input: exit 2, the valid choices, nothing rendered -------------------------
@pytest.mark.parametrize(
    "args, expected",
    [
        (["gamma"], "valid sections: alpha, beta"),
        (["-q", "ultra"], "valid qualities: low, medium, high, 4k"),
        (["--format", "avi"], "valid formats: mp4, mov, webm, gif"),
        (["--theme", "pink"], "valid themes: dark, light"),
        (["--voice", "robot"], "valid voices: "),
        (["--set", "w9=1"], "known parameters: x, w1, w2, b1, b2, y, lr, loss"),
        (["--set", "lr=0"], "use a value in [0.0001, 10]"),
        (["--set", "w1=abc"], "parameter w1"),
        (["--set", "loss=cubic"], "loss must be one of squared, half"),
        (["--jobs", "0"], "--jobs must be at least 1"),
        (["--transparent", "--format", "gif"], "--transparent works with"),
    ],
)
def test_bad_arguments_exit_2_listing_the_valid_choices(tmp_path, args, expected):
    out = tmp_path / "renders"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "renderer",
            "--manifest",
            f"{FIXTURES / 'manifest.py'}:LESSON",
            "--out",
            str(out),
            *args,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2, proc.stderr
    assert expected in proc.stderr
    assert "nothing was rendered" in proc.stderr
    assert not out.exists()


def test_unknown_section_of_the_real_lesson_lists_them_all():
    proc = subprocess.run([sys.executable, "-m", "renderer", "derivate"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 2
    from scenes.manifest import names

    assert "unknown section: derivate" in proc.stderr
    assert f"valid sections: {', '.join(names())}" in proc.stderr


def test_missing_system_tools_are_named_with_their_debian_package(tmp_path):
    env = dict(os.environ, PATH=str(tmp_path))  # an empty PATH: no latex, dvisvgm, ffmpeg
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "renderer",
            "--manifest",
            f"{FIXTURES / 'manifest.py'}:LESSON",
            "--out",
            str(tmp_path / "renders"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 3
    for package in ("texlive-latex-base", "dvisvgm", "ffmpeg"):
        assert package in proc.stderr
    assert "apt-get install -y texlive-latex-base dvisvgm ffmpeg" in proc.stderr
    assert not (tmp_path / "renders").exists()


def test_list_and_print_jobs(tmp_path):
    base = [sys.executable, "-m", "renderer", "--manifest", f"{FIXTURES / 'manifest.py'}:LESSON"]
    listing = subprocess.run([*base, "--list"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert listing.splitlines() == ["00  alpha  01 First tiny section", "01  beta   02 Second tiny section"]
    jobs = subprocess.run(
        [*base, "--print-jobs", "-q", "low", "--set", "w1=0.3", "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    lines = jobs.stdout.splitlines()
    assert len(lines) == 2  # never rendered: one part per section
    for line, name in zip(lines, ["alpha", "beta"]):
        assert line.startswith(f"cd {ROOT} && ./render.sh ")
        assert line.endswith(f" --no-join --part 0: {name}")
        assert "--quality low" in line and "--set w1=0.3" in line and f"--out {tmp_path}" in line
    assert not any(tmp_path.iterdir())


def test_help_explains_with_examples():
    out = subprocess.run([sys.executable, "-m", "renderer", "--help"], cwd=ROOT, capture_output=True, text=True).stdout
    for text in ("examples:", "./render.sh derivative partials", "--print-jobs", "lesson.mp4", "contact-sheet.png"):
        assert text in out


# -- a render of the fixture lesson --------------------------------------------
def test_outputs_exist_and_play(lesson, first):
    _, report = first
    out = lesson.variant
    assert out.name.startswith("low-light-p")  # quality-theme-params hash
    assert statuses(report) == {"alpha": "rendered", "beta": "rendered"}
    for stem, section in (("00-alpha", report["sections"][0]), ("01-beta", report["sections"][1])):
        video = out / f"{stem}.mp4"
        assert Path(section["video"]) == video
        assert_plays(video, duration=section["duration"], min_duration=1.0)
        assert (out / f"{stem}.srt").read_text().strip()
        poster = out / "posters" / f"{stem}.png"
        assert poster.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (out / "contact-sheet.png").stat().st_size > 1000


def test_lesson_has_one_chapter_per_section_in_manifest_order(lesson, first):
    out = lesson.variant
    info = assert_plays(out / "lesson.mp4", min_duration=2.0)
    titles = [c["tags"]["title"] for c in info["chapters"]]
    assert titles == ["01 First tiny section", "02 Second tiny section"]
    # Each chapter spans its section's video; together they span the lesson.
    durations = [s["duration"] for s in first[1]["sections"]]
    for chapter, duration in zip(info["chapters"], durations):
        assert abs(float(chapter["end_time"]) - float(chapter["start_time"]) - duration) < 0.05
    assert abs(float(info["format"]["duration"]) - sum(durations)) < 0.2
    assert any(s["codec_type"] == "subtitle" for s in info["streams"])
    srt = (out / "lesson.srt").read_text()
    assert srt.index("A square appears.") < srt.index("A dot.")


def test_clips_and_their_index(lesson, first):
    out = lesson.variant
    index = json.loads((out / "clips.json").read_text())
    assert [(c["scene"], c["section"]) for c in index] == [
        ("AlphaScene", "appear"),
        ("AlphaScene", "vanish"),
        ("BetaScene", "dot"),
        ("BetaScene", "move"),
        ("BetaScene", "triangle"),
    ]
    for clip in index:
        path = out / clip["file"]
        assert path.exists()
        assert abs(float(ffprobe(path)["format"]["duration"]) - clip["duration"]) < 0.1
    assert index[0]["subtitle"] == "A square appears."


def test_set_and_theme_reach_every_scene(lesson, first):
    logs = lesson.variant / "logs"
    for stem in ("00-alpha", "01-beta"):
        line = next(l for l in (logs / f"{stem}.log").read_text().splitlines() if l.startswith("FIXTURE"))
        params = json.loads(line.split("params=")[1].split(" theme=")[0])
        assert params["w1"] == 0.3 and params["w2"] == 0.8
    assert "theme=light" in (logs / "00-alpha.log").read_text()


def test_an_unchanged_second_run_reuses_everything(lesson, first):
    out = lesson.variant
    before = {p.name: p.stat().st_mtime_ns for p in out.glob("*.mp4")}
    proc, report = lesson.render(*ARGS)
    assert proc.returncode == 0, proc.stderr
    assert statuses(report) == {"alpha": "reused", "beta": "reused"}
    assert any("lesson video" in n and "reused" in n for n in report["notes"])
    # Nothing was written again (how long it takes is benchmarks/render.py's business, not a test's).
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("*.mp4")} == before
    assert "reused" in proc.stdout  # the summary table


def test_editing_one_scene_rerenders_only_it_even_with_two_runs_at_once(lesson, first):
    """Edit beta, then start two runs on the same folder at once: beta is rendered
    once (the other run waits on its lock, then reuses it), alpha is reused by both."""
    out = lesson.variant
    alpha_before = (out / "00-alpha.mp4").stat().st_mtime_ns
    lesson_before = (out / "lesson.mp4").stat().st_ino
    scene = lesson.scene("beta")
    scene.write_text(scene.read_text().replace("Triangle(color=RED)", "Triangle(color=YELLOW)"))
    runs = [lesson.command(*ARGS) for _ in range(2)]
    procs = [
        subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for cmd, _ in runs
    ]
    for p in procs:
        p.communicate(timeout=120)
        assert p.returncode == 0
    reports = [json.loads(r.read_text()) for _, r in runs]
    assert [statuses(r)["alpha"] for r in reports] == ["reused", "reused"]
    assert sorted(statuses(r)["beta"] for r in reports) == ["rendered", "reused"]
    assert (out / "00-alpha.mp4").stat().st_mtime_ns == alpha_before
    assert_plays(out / "01-beta.mp4")
    assert (out / "lesson.mp4").stat().st_ino != lesson_before  # joined again with the new beta
    assert len(ffprobe(out / "lesson.mp4")["chapters"]) == 2
    leftovers = [p for p in out.rglob("*") if ".tmp" in p.name or ".old-" in p.name]
    assert not leftovers


def test_a_failing_section_keeps_its_previous_video(lesson, first):
    out = lesson.variant
    good = digest(out / "00-alpha.mp4")
    scene = lesson.scene("alpha")
    original = scene.read_text()
    scene.write_text(
        original.replace(
            '        self.beat("appear"', '        raise RuntimeError("fixture failure")\n        self.beat("appear"'
        )
    )
    try:
        proc, report = lesson.render(*ARGS)
    finally:
        scene.write_text(original)
    assert proc.returncode == 1
    assert statuses(report) == {"alpha": "failed", "beta": "reused"}
    log = out / "logs" / "00-alpha.log"
    assert "Failed sections:" in proc.stdout and f"full log: {log}" in proc.stdout
    assert "fixture failure" in log.read_text()
    assert digest(out / "00-alpha.mp4") == good
    assert_plays(out / "00-alpha.mp4")
    assert "lesson video: not updated" in proc.stdout
    # Back to the good scene: its inputs match the kept video again, nothing to render.
    proc, report = lesson.render(*ARGS)
    assert proc.returncode == 0
    assert statuses(report) == {"alpha": "reused", "beta": "reused"}


# -- the real thing --------------------------------------------------------------
def test_render_sh_renders_the_real_section_derivative(real_render):
    base = real_render
    deadline = time.monotonic() + 600
    while not (base / "rc").exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    log = (base / "render.log").read_text()
    assert (base / "rc").read_text().strip() == "0", log[-3000:]
    data = json.loads((base / "report.json").read_text())
    assert statuses(data) == {"derivative": "rendered"}
    video = base / "renders" / "low" / "01-derivative.mp4"
    assert Path(data["sections"][0]["video"]) == video
    assert_plays(video, duration=data["sections"][0]["duration"], min_duration=10.0)
    assert (base / "renders" / "low" / "posters" / "01-derivative.png").exists()
    # A first render: its formulas were typeset in batches beside the drawing (renderer/prepass.py).
    prepass = (base / "renders" / "low" / "logs" / "prepass.log").read_text()
    found = re.search(r"(\d+) formulas new, (\d+) compiled in batches", prepass)
    assert found and int(found.group(2)) > 0, prepass
    assert not list((base / "renders" / ".tex").glob(".batch-*")), "a batch's work folder was left behind"


# -- what a fingerprint covers (no rendering) ------------------------------------
def test_a_sections_fingerprint_covers_its_inputs():
    from renderer import cache
    from renderer.plan import QUALITIES, Plan, load_manifest

    manifest = load_manifest("scenes.manifest:LESSON")
    entry = manifest.by_name("derivative")

    def plan(**kw):
        base = dict(
            manifest=manifest,
            selected=[entry],
            quality=QUALITIES["low"],
            theme="dark",
            voice="none",
            params_json='{"w1": 0.5}',
            params_default=True,
            fmt="mp4",
            transparent=False,
            out_root=ROOT / "renders",
            jobs=1,
        )
        base.update(kw)
        return Plan(**base)

    names = {str(p.relative_to(ROOT)) for p in cache.inputs(plan(), entry)}
    expected = {
        "scenes/derivative.py",
        "scenes/lesson.py",
        "scenes/style.py",
        "scenes/manifest.py",
        "manim.cfg",
        "requirements.lock",
    }
    expected |= {str(p.relative_to(ROOT)) for p in (ROOT / "backprop_core").glob("*.py")}
    assert expected <= names
    fp = cache.fingerprint(plan(), entry)
    assert fp == cache.fingerprint(plan(), entry)
    for change in (
        dict(params_json='{"w1": 0.3}'),
        dict(theme="light"),
        dict(voice="espeak"),
        dict(quality=QUALITIES["high"]),
        dict(fmt="gif"),
        dict(transparent=True),
    ):
        assert cache.fingerprint(plan(**change), entry) != fp, change
    # The content counts, not the timestamp: a file's hash is what is compared.
    cache._file_hashes[(ROOT / "scenes" / "style.py").resolve()] = "edited"
    try:
        assert cache.fingerprint(plan(), entry) != fp
    finally:
        cache._file_hashes.clear()


def test_page_and_deck_templates_rebuild_their_products_not_the_sections():
    """assets/page and assets/slides are inputs of the page and the decks only: a template
    edit must not render every section again."""
    from renderer import cache, cli, page, slides, templates

    plan = cli.make_plan(cli.build_parser().parse_args(["-q", "low", "--voice", "none"]))
    entry = plan.manifest.by_name("derivative")
    assets = ROOT / "assets"
    assert not [p for p in cache.inputs(plan, entry) if p.is_relative_to(assets / "page")]
    assert not [p for p in cache.inputs(plan, entry) if p.is_relative_to(assets / "slides")]
    fp, page_fp, deck_fp = (
        cache.fingerprint(plan, entry),
        templates.digest(*page.TEMPLATES),
        templates.digest(*slides.TEMPLATES),
    )
    for edited, product in ((assets / "page" / "page.js", page), (assets / "slides" / "deck.css", slides)):
        cache._file_hashes[edited.resolve()] = "edited"
        try:
            assert cache.fingerprint(plan, entry) == fp, edited
            assert templates.digest(*product.TEMPLATES) != (page_fp if product is page else deck_fp), edited
        finally:
            cache._file_hashes.clear()


# -- the lesson renderer: parts, reuse inside a section, outside runners -------------------
def framemd5(path: Path, stream: str) -> list[str]:
    out = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-map", f"0:{stream}", "-f", "framemd5", "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [line.rsplit(",", 1)[1].strip() for line in out.splitlines() if line and not line.startswith("#")]


def section_report(report: dict, name: str) -> dict:
    return next(s for s in report["sections"] if s["name"] == name)


def test_progress_is_printed_beat_by_beat_in_a_log(first):
    proc, _ = first
    assert "[1/2] alpha" in proc.stderr and "beat 1" in proc.stderr and "appear" in proc.stderr
    assert "beat 3" in proc.stderr and "triangle" in proc.stderr


def test_a_section_in_parts_equals_the_section_in_one(lesson, first):
    """Forced (every play drawn again) in two parts, beta is the same video, beat
    timings, captions and narration as when it was rendered whole."""
    out = lesson.variant
    before = {
        "video": framemd5(out / "01-beta.mp4", "v"),
        "audio": framemd5(out / "01-beta.mp4", "a"),
        "beats": (out / "01-beta.beats.json").read_text(),
        "srt": (out / "01-beta.srt").read_text(),
        "vtt": (out / "01-beta.vtt").read_text(),
    }
    proc, report = lesson.render(*ARGS, "--force", "--parts", "2", "beta")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    beta = section_report(report, "beta")
    assert beta["status"] == "rendered" and beta["parts"] == 2
    assert beta["plays"]["reused"] == 0  # --force drew every play again
    after = {
        "video": framemd5(out / "01-beta.mp4", "v"),
        "audio": framemd5(out / "01-beta.mp4", "a"),
        "beats": (out / "01-beta.beats.json").read_text(),
        "srt": (out / "01-beta.srt").read_text(),
        "vtt": (out / "01-beta.vtt").read_text(),
    }
    assert len(after["video"]) == len(before["video"])
    for key in before:
        assert after[key] == before[key], key


def test_print_jobs_force_then_its_join_rebuilds_the_products_without_drawing(lesson, first):
    """The jobs of --print-jobs --force draw every play again; the join they print
    (--rejoin) rebuilds the section and the lesson from those plays and draws nothing."""
    out = lesson.variant
    video, joined = out / "01-beta.mp4", out / "lesson.mp4"
    before = {"frames": framemd5(video, "v"), "video": video.stat().st_ino, "lesson": joined.stat().st_ino}
    cmd, _ = lesson.command(*ARGS, "--print-jobs", "--force", "beta")
    printed = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True)
    for job in printed.stdout.splitlines():
        ran = subprocess.run(["bash", "-c", job], capture_output=True, text=True, timeout=300)
        assert ran.returncode == 0 and "0 reused" in ran.stderr, ran.stdout + ran.stderr
    then = printed.stderr.splitlines()[-1].removeprefix("#   ")
    assert then.endswith(" --rejoin beta") and "--force" not in then
    report_file = lesson.out.parent / "report-rejoin.json"
    ran = subprocess.run(
        ["bash", "-c", f"{then} --json-report {shlex.quote(str(report_file))}"], capture_output=True, text=True
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    beta = section_report(json.loads(report_file.read_text()), "beta")
    assert beta["status"] == "rendered" and beta["plays"]["rendered"] == 0  # joined from the jobs' plays
    assert video.stat().st_ino != before["video"] and joined.stat().st_ino != before["lesson"]  # both rebuilt
    assert framemd5(video, "v") == before["frames"]


def test_an_edit_draws_again_only_the_plays_whose_picture_changed(tmp_path):
    lesson = Lesson(tmp_path)
    proc, report = lesson.render(*ARGS)
    assert proc.returncode == 0, proc.stderr
    out = lesson.variant
    clips = {p.name: digest(p) for p in (out / "clips" / "01-beta").glob("*.mp4")}
    alpha_srt = (out / "00-alpha.srt").read_text()

    # A colour in beta's last beat: its animation and the hold after it are drawn again.
    scene = lesson.scene("beta")
    scene.write_text(scene.read_text().replace("Triangle(color=RED)", "Triangle(color=YELLOW)"))
    proc, report = lesson.render(*ARGS)
    assert statuses(report) == {"alpha": "reused", "beta": "rendered"}
    assert section_report(report, "beta")["plays"] == {"rendered": 2, "reused": 4}
    changed = {name for name, h in clips.items() if digest(out / "clips" / "01-beta" / name) != h}
    assert changed == {"02-triangle.mp4"}

    # A narration line: its beat lasts longer; only the hold that pads it is drawn again.
    scene = lesson.scene("alpha")
    scene.write_text(
        scene.read_text().replace('"A square appears."', '"A blue square appears, slowly, in the middle of the frame."')
    )
    proc, report = lesson.render(*ARGS)
    assert statuses(report) == {"alpha": "rendered", "beta": "reused"}
    assert section_report(report, "alpha")["plays"] == {"rendered": 1, "reused": 4}
    assert (out / "00-alpha.srt").read_text() != alpha_srt

    # A comment, or the layout of the code: nothing to render.
    with scene.open("a") as f:
        f.write("\n\n# a comment only\n")
    proc, report = lesson.render(*ARGS)
    assert statuses(report) == {"alpha": "reused", "beta": "reused"}


@pytest.mark.skipif(shutil.which("parallel") is None, reason="GNU parallel (Debian package parallel) is missing")
def test_print_jobs_run_by_gnu_parallel_then_joined(tmp_path):
    lesson = Lesson(tmp_path)
    cmd, _ = lesson.command(*ARGS, "--print-jobs")
    jobs = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert len(jobs.splitlines()) == 2
    ran = subprocess.run(
        ["parallel", "--jobs", "2", "--halt", "now,fail=1"],
        input=jobs,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    proc, report = lesson.render(*ARGS)  # joins the parts: nothing is drawn
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for name in ("alpha", "beta"):
        section = section_report(report, name)
        assert section["status"] == "rendered" and not section["plays"].get("rendered")
    assert_plays(lesson.variant / "lesson.mp4", min_duration=2.0)


def test_force_rewrites_everything_published(tmp_path):
    """--force means everything (issue 19): every clip, poster, deck, page and lesson file is
    written again, even when the fingerprints say it is current. Here the encoder setting
    changes the clips' bytes but no fingerprint: the published clips must be the new ones."""
    lesson = Lesson(tmp_path)
    args = ("-q", "low", "--voice", "none", "--slides")
    proc, _ = lesson.render(*args)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = lesson.variant
    bookkeeping = {".cache", ".work", ".locks", "logs"}

    def published() -> dict[str, tuple[int, int]]:
        return {
            str(p.relative_to(out)): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in out.rglob("*")
            if p.is_file() and p.relative_to(out).parts[0] not in bookkeeping
        }

    before = published()
    for name in ("index.html", "lesson.mp4", "contact-sheet.png", "clips.json", "posters/00-alpha.png"):
        assert name in before, name
    assert [n for n in before if n.startswith("clips/01-beta/")] and [n for n in before if n.startswith("slides/")]
    proc, report = lesson.render("--force", *args, env=dict(os.environ, BACKPROP_X264="crf=51"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert statuses(report) == {"alpha": "rendered", "beta": "rendered"}
    after = published()
    assert sorted(after) == sorted(before)
    assert not [n for n in before if after[n] == before[n]], "not written again under --force"
    assert not [n for n in report["notes"] if "reused" in n], report["notes"]
    # The published clips are the ones the forced render just made, not the old ones.
    for entry in ("00-alpha", "01-beta"):
        record = json.loads((out / ".cache" / f"{entry}.json").read_text())
        for clip in record["clips"]:
            assert digest(out / "clips" / entry / clip["file"]) == digest(out / record["store"] / clip["file"])
