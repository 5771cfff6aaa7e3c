"""The SCORM 1.2 package (--package scorm), checked against the schemas and run in a real runtime.

The fixture lesson is rendered once at low quality, silent, with --package scorm. The
zip's imsmanifest.xml is validated with lxml against the SCORM 1.2 schemas the zip
carries. The zip is then extracted and served on 127.0.0.1 beside a harness page (a
test fixture, not shipped) that makes scorm-again's SCORM 1.2 runtime the LMS
(``window.API = new Scorm12API(...)``, from the npm registry, pinned) and opens the
package's index.html in an iframe, as an LMS does; Chromium reaches nothing else.
"""

from __future__ import annotations

import json
import re
import zipfile
from urllib.parse import urlparse

import pytest

from renderer import npm, scorm
from renderer.page import without_variant_probe
from tests.test_render import Lesson, digest
from tests.test_slides import CHROMIUM, CHROMIUM_ARGS

ARGS = ["-q", "low", "--voice", "none", "--package", "scorm"]
# The runtime the test hosts the package in (MIT): an LMS's SCORM 1.2 API in JavaScript.
RUNTIME = npm.Pin(
    "scorm-again",
    "3.4.3",
    "sha512-Zbe+7ArMUbT1lVnqYxsbGRfI9JD9JVqEPzZLQdk0nfNmcDYJ404rMO9nbkQ0Hzwux5uACF9zKsvc29Q/ZzMOdg==",
)
CHECKPOINTS = ["predict-slope", "predict-sum"]

HARNESS = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SCORM 1.2 harness (scorm-again)</title>
<style>
  body { margin: 0; font: 15px/1.4 "DejaVu Sans", sans-serif; background: #ddd; }
  #lms { padding: 8px 12px; background: #1f3a5f; color: #fff; }
  iframe { display: block; border: 0; width: 100%; height: calc(100vh - 37px); }
</style>
<script src="runtime/scorm12.js"></script>
<script>
  window.API = new Scorm12API({autocommit: false, logLevel: 5});
  if (window.PREVIOUS_CMI) window.API.loadFromJSON(window.PREVIOUS_CMI);
  window.calls = [];
  function show() {
    const c = API.cmi.core;
    document.getElementById("lms").textContent = `LMS: scorm-again ${RUNTIME} · lesson_status ${c.lesson_status}` +
      ` · score ${c.score.raw || "–"} · lesson_location ${c.lesson_location || "–"}` +
      ` · commits ${calls.filter((x) => x.name === "LMSCommit").length}` +
      (calls.some((x) => x.name === "LMSFinish") ? " · finished" : "");
  }
  for (const name of ["LMSInitialize", "LMSCommit", "LMSFinish"]) API.on(name, () => {
    calls.push({name, status: API.cmi.core.lesson_status, location: API.cmi.core.lesson_location,
                why: (document.getElementById("sco").contentWindow.lessonScorm || {}).lastCommit || null});
    setTimeout(show);
  });
</script></head>
<body><header id="lms">LMS</header><iframe id="sco" src="sco/index.html" title="The lesson"></iframe></body></html>
"""


class Site:
    def __init__(self, lesson: Lesson, report: dict, proc) -> None:
        self.lesson, self.report, self.proc = lesson, report, proc
        self.out = lesson.variant
        self.zip = self.out / "package" / "lesson-scorm12.zip"
        durations = [s["duration"] for s in report["sections"]]
        self.offsets = [sum(durations[:k]) for k in range(len(durations))]
        self.durations = durations

    def note(self, report: dict | None = None) -> str:
        return next(n for n in (report or self.report)["notes"] if n.startswith("package:"))


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Site:
    lesson = Lesson(tmp_path_factory.mktemp("scorm"))
    proc, report = lesson.render(*ARGS)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return Site(lesson, report, proc)


@pytest.fixture(scope="module")
def served(site, tmp_path_factory):
    """The extracted package under sco/, the runtime and the harness, on 127.0.0.1."""
    from renderer.watch import State, serve

    root = tmp_path_factory.mktemp("lms")
    with zipfile.ZipFile(site.zip) as z:
        z.extractall(root / "sco")
    RUNTIME.extract({"dist/scorm12.js": "runtime/scorm12.js"}, root, "the SCORM test runtime")
    (root / "harness.html").write_text(HARNESS.replace("${RUNTIME}", RUNTIME.version), encoding="utf-8")
    server = serve(root, State())
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _manifest(site):
    from lxml import etree

    with zipfile.ZipFile(site.zip) as z:
        return etree.fromstring(z.read("imsmanifest.xml")), z.namelist()


# -- the package --------------------------------------------------------------------------
def test_package_holds_the_page_and_everything_it_refers_to(site):
    assert "SCORM 1.2, built in" in site.note(), site.note()
    m, names = _manifest(site)
    ns = {"cp": scorm.NS["imscp"], "md": scorm.NS["imsmd"]}
    # One organization, one item, one SCO: the page.
    assert len(m.findall("cp:organizations/cp:organization", ns)) == 1
    items = m.findall("cp:organizations/cp:organization/cp:item", ns)
    resources = m.findall("cp:resources/cp:resource", ns)
    assert len(items) == 1 and len(resources) == 1
    res = resources[0]
    assert items[0].get("identifierref") == res.get("identifier")
    assert res.get(f"{{{scorm.NS['adlcp']}}}scormtype") == "sco" and res.get("href") == "index.html"
    # Title and description from the lesson's manifest.
    assert m.findtext("cp:organizations/cp:organization/cp:title", namespaces=ns) == "Fixture lesson"
    assert m.findtext("cp:metadata/md:lom/md:general/md:title/md:langstring", namespaces=ns) == "Fixture lesson"
    desc = m.findtext("cp:metadata/md:lom/md:general/md:description/md:langstring", namespaces=ns)
    assert "01 First tiny section; 02 Second tiny section" in desc
    # The files listed are exactly the package's files besides the manifest and its schemas.
    listed = [f.get("href") for f in res.findall("cp:file", ns)]
    assert sorted(listed) == sorted(set(names) - {"imsmanifest.xml", *scorm.SCHEMA_FILES})
    assert set(scorm.SCHEMA_FILES) <= set(names)
    # Every file the page refers to is in the zip, at the page's own relative path.
    # (less the look for the sibling version's beat times: a package holds one version)
    page = without_variant_probe((site.out / "index.html").read_text())
    assert "variant-probe" not in page
    refs = scorm.references(page)
    assert {"lesson.mp4", "lesson.vtt", "chapters.vtt", "posters/00-alpha.png", "00-alpha.mp4"} <= set(refs)
    assert set(refs) <= set(names)
    with zipfile.ZipFile(site.zip) as z:
        for rel in refs:
            assert z.read(rel) == (site.out / rel).read_bytes(), rel
    assert not [p for p in (site.out / "package").iterdir() if p.name != "lesson-scorm12.zip"]


def test_manifest_is_valid_against_the_scorm12_schemas(site, tmp_path):
    with zipfile.ZipFile(site.zip) as z:
        manifest = z.read("imsmanifest.xml")
        for name in scorm.SCHEMA_FILES:
            (tmp_path / name).write_bytes(z.read(name))
    scorm.validate(manifest, tmp_path)  # lxml, with the zip's own IMS CP 1.1.2, ADL CP 1.2 and IMS MD 1.2.1
    # ... and the check can fail: a wrong SCORM type, an unknown metadata element, a missing title.
    text = manifest.decode()
    for broken in (
        text.replace('adlcp:scormtype="sco"', 'adlcp:scormtype="lesson"'),
        text.replace("imsmd:title>", "imsmd:heading>"),
        re.sub(r"<organization (.*?)>\s*<title>.*?</title>", r"<organization \1>", text, flags=re.S).replace(
            "<item", "<title>x</title><title>y</title><item", 1
        ),
    ):
        with pytest.raises(scorm.PackageError, match="not valid SCORM 1.2"):
            scorm.validate(broken.encode(), tmp_path)


def test_packaged_page_is_the_page_plus_one_script(site):
    page = (site.out / "index.html").read_text()
    assert "scorm12.js" not in page  # the page on disk works as before
    with zipfile.ZipFile(site.zip) as z:
        packaged = z.read("index.html").decode()
        assert z.read("scorm12.js") == scorm.BRIDGE.read_bytes()
    assert 'id="variant-probe"' in page and "variant-probe" not in packaged  # one version per package
    head, _, tail = without_variant_probe(page).rpartition("</body>")
    assert packaged == f'{head}<script src="scorm12.js"></script>\n</body>{tail}'


def test_inject_needs_a_body_and_adds_the_bridge_once():
    assert scorm.inject("<p>x</body></html>") == '<p>x<script src="scorm12.js"></script>\n</body></html>'
    with pytest.raises(scorm.PackageError, match="no </body>"):
        scorm.inject("<p>x")
    with pytest.raises(scorm.PackageError, match="already loads"):
        scorm.inject(scorm.inject("<p>x</body>"))


def test_an_unchanged_run_reuses_the_package_and_a_rebuild_makes_the_same_bytes(site):
    inode, before = site.zip.stat().st_ino, digest(site.zip)
    proc, report = site.lesson.render(*ARGS)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert site.note(report) == f"package: {site.zip} (reused)"
    assert site.zip.stat().st_ino == inode
    (site.out / ".cache" / "scorm12.fingerprint").unlink()
    proc, report = site.lesson.render(*ARGS)
    assert "built in" in site.note(report)
    assert site.zip.stat().st_ino != inode and digest(site.zip) == before  # sorted entries, fixed times


def test_a_failed_build_keeps_the_previous_package(site, monkeypatch, capsys):
    from renderer import cli

    before = digest(site.zip)
    monkeypatch.setattr(scorm, "RECIPE", "scorm-test-forced")  # a rebuild ...
    real, added = scorm._add, []

    def broken(z, name, data):  # ... that fails half way through the zip
        if len(added) == 6:
            raise OSError("disk full (forced)")
        added.append(name)
        real(z, name, data)

    monkeypatch.setattr(scorm, "_add", broken)
    cmd, _ = site.lesson.command(*ARGS)
    code = cli.main(cmd[3:])
    out = capsys.readouterr().out
    assert code == 1, out
    assert "package: FAILED (OSError: disk full (forced)); the previous package is kept" in out
    assert digest(site.zip) == before
    assert sorted(p.name for p in (site.out / "package").iterdir()) == ["lesson-scorm12.zip"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--package", "h5p"], "unknown package 'h5p'; valid packages: scorm"),
        (["--package", "scorm", "--format", "gif"], "--package needs a lesson video browsers play"),
        (["--package", "scorm", "--transparent"], "--package needs a lesson video browsers play"),
        (["--package", "scorm", "--watch"], "not with --watch, --part or --no-join"),
    ],
)
def test_bad_package_arguments_exit_2(args, message, capsys):
    from renderer import cli

    assert cli.main(["--manifest", "tests/fixtures/manifest.py:LESSON", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "nothing was rendered" in err and "Traceback" not in err


# -- the package in a SCORM 1.2 runtime ---------------------------------------------------
class Browser:
    """Chromium that reaches only the server; its page errors, and what it tried to reach outside."""

    def __init__(self, base: str) -> None:
        self.base, self.errors, self.outside = base, [], []

    def __enter__(self):
        from playwright.sync_api import sync_playwright

        host = urlparse(self.base).netloc

        def route(r):
            if urlparse(r.request.url).netloc == host:
                r.continue_()
            else:
                self.outside.append(r.request.url)
                r.abort()

        self._p = sync_playwright().start()
        self._browser = self._p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        self.context = self._browser.new_context(viewport={"width": 1280, "height": 860})
        self.context.route("**/*", route)
        # In every frame, before its scripts: what the bridge hands the page on resume.
        self.context.add_init_script(
            "document.addEventListener('lesson:restore', (e) => { window.restored = e.detail; })"
        )
        return self

    def __exit__(self, kind, exc, tb) -> None:
        self._browser.close()
        self._p.stop()
        if kind is None:
            assert not self.errors, self.errors
            assert not self.outside, self.outside

    def page(self):
        tab = self.context.new_page()
        tab.on("pageerror", lambda exc: self.errors.append(str(exc)))
        return tab


def _open(b: Browser, previous: dict | None = None):
    """The harness (the LMS) with the package in its iframe, once the bridge has found the API."""
    tab = b.page()
    if previous is not None:
        tab.add_init_script(f"window.PREVIOUS_CMI = {json.dumps(previous)};")
    tab.goto(f"{b.base}/harness.html")
    tab.wait_for_function(
        "() => { const w = document.getElementById('sco').contentWindow;"
        " return w.lessonScorm && w.lessonScorm.connected && w.document.getElementById('video').readyState >= 1; }",
        timeout=20_000,
    )
    return tab, tab.frame_locator("#sco"), tab.frames[1]


def _core(tab) -> dict:
    return tab.evaluate("() => JSON.parse(JSON.stringify(API.cmi.core))")


def _play_until(frame, t: float) -> None:
    frame.evaluate("() => { const v = document.getElementById('video'); v.playbackRate = 2; return v.play(); }")
    frame.wait_for_function(f"() => document.getElementById('video').currentTime >= {t}", timeout=15_000)
    frame.evaluate(
        "() => new Promise((ok) => { const v = document.getElementById('video');"
        " v.addEventListener('pause', () => setTimeout(ok), {once: true}); v.pause(); })"
    )


@pytest.mark.clients
def test_in_a_scorm12_runtime_it_reports_status_score_location_and_resumes(site, served, tmp_path):
    (a, b), (len_a, len_b) = site.offsets, site.durations
    with Browser(served[1]) as browser:
        tab, sco, frame = _open(browser)
        calls = lambda: tab.evaluate("calls")  # noqa: E731
        assert [c["name"] for c in calls()][:2] == ["LMSInitialize", "LMSCommit"]  # the attempt is on record
        assert _core(tab)["lesson_status"] == "incomplete"
        # The second chapter first, by its button, more than half of it played.
        sco.locator("#chapters li").nth(1).locator("button").click()
        _play_until(frame, b + 0.6 * len_b)
        core = _core(tab)
        assert core["lesson_status"] == "incomplete"  # one chapter of two seen, 36 % of the time
        where = float(core["lesson_location"])
        assert where == pytest.approx(frame.evaluate("document.getElementById('video').currentTime"), abs=0.1)
        assert {"chapter", "pause"} <= {c["why"] for c in calls()}
        # Then the first chapter: every chapter seen -> completed (with 60 % of the time played).
        sco.locator("#chapters li").nth(0).locator("button").click()
        _play_until(frame, a + 0.6 * len_a)
        tab.wait_for_function("() => API.cmi.core.lesson_status === 'completed'", timeout=5_000)
        assert frame.evaluate("lessonScorm.seen") == [True, True]
        assert frame.evaluate("lessonScorm.watched") < 0.9 * (len_a + len_b)
        # A predict checkpoint answered (issue 20's contract, a synthetic event); the first answer counts.
        frame.evaluate(
            f"""() => {{
            window.LESSON_CHECKPOINTS = {json.dumps(CHECKPOINTS)};
            for (const [correct, answer] of [[true, "0.42"], [false, "9"]])
              document.dispatchEvent(new CustomEvent("lesson:answer",
                {{detail: {{id: "predict-slope", correct, answer}}}}));
        }}"""
        )
        core = _core(tab)
        assert (core["score"]["raw"], core["score"]["min"], core["score"]["max"]) == ("50", "0", "100")
        assert calls()[-1]["why"] == "answer"
        interactions = tab.evaluate("() => JSON.parse(JSON.stringify(API.cmi.interactions.childArray))")
        assert len(interactions) == 1
        assert (interactions[0]["id"], interactions[0]["result"], interactions[0]["student_response"]) == (
            "predict-slope",
            "correct",
            "0.42",
        )
        suspend = json.loads(tab.evaluate("API.cmi.suspend_data"))
        assert suspend["a"] == {"predict-slope": {"c": 1, "r": "0.42"}}
        assert len(tab.evaluate("API.cmi.suspend_data")) <= 4096
        watched = sum(e - s for s, e in suspend["w"])
        assert 0.55 * (len_a + len_b) < watched < 0.9 * (len_a + len_b)
        tab.screenshot(path=str(tmp_path / "harness.png"))
        # Leaving the page finishes the session.
        tab.evaluate("document.getElementById('sco').src = 'about:blank'")
        tab.wait_for_function("() => calls.some((c) => c.name === 'LMSFinish')", timeout=5_000)
        core = _core(tab)
        assert re.fullmatch(r"\d{2,4}:\d\d:\d\d(\.\d{1,2})?", core["session_time"]), core["session_time"]
        assert core["session_time"] != "00:00:00" and core["exit"] == ""
        saved = {
            "core": {k: core[k] for k in ("lesson_location", "lesson_status")} | {"entry": "resume"},
            "suspend_data": tab.evaluate("API.cmi.suspend_data"),
        }
        location = float(core["lesson_location"])
        assert location == pytest.approx(a + 0.6 * len_a, abs=0.6)
        tab.close()

        # The next visit: the LMS hands the data back; the page resumes at the location.
        tab, sco, frame = _open(browser, previous=saved)
        frame.wait_for_function(
            f"() => Math.abs(document.getElementById('video').currentTime - {location}) < 0.15", timeout=5_000
        )
        assert frame.evaluate("window.restored") == {
            "answers": {"predict-slope": {"correct": True, "answer": "0.42"}},
            "location": location,
        }
        assert _core(tab)["lesson_status"] == "completed"  # never back to incomplete
        assert sco.locator("#chapters li.current .name").inner_text() == "01 First tiny section"
    assert (tmp_path / "harness.png").stat().st_size > 20_000


@pytest.mark.clients
def test_mastery_score_decides_passed_or_failed_and_suspend_data_fits(site, served):
    total = sum(site.durations)
    # From an earlier visit: 92 % of the lesson played, and 600 scattered pieces of 0.1 s
    # (as a long lesson skimmed would leave: far more than 4096 characters of ranges);
    # nothing answered; the LMS sets a mastery score of 60.
    pieces = [[0.0, round(0.92 * total, 1)]] + [[20 + k * 0.5, 20.1 + k * 0.5] for k in range(600)]
    previous = {
        "core": {"lesson_status": "incomplete", "lesson_location": "1.0", "entry": "resume"},
        "student_data": {"mastery_score": "60"},
        "suspend_data": json.dumps({"v": 1, "w": pieces, "a": {}}),
    }
    assert len(previous["suspend_data"]) > 4096
    with Browser(served[1]) as browser:
        tab, _, frame = _open(browser, previous=previous)
        tab.wait_for_function("() => API.cmi.core.lesson_status === 'completed'", timeout=5_000)
        frame.evaluate(
            f"""() => {{
            // The checkpoints as the page's JSON block this time (the fixture's block is empty:
            // its sections ask nothing; the bridge reads the first block of that id).
            let block = document.getElementById("lesson-checkpoints");
            if (!block) {{
              block = document.createElement("script");
              block.type = "application/json"; block.id = "lesson-checkpoints";
              document.body.append(block);
            }}
            block.textContent = JSON.stringify({json.dumps([{"id": c} for c in CHECKPOINTS])});
            document.dispatchEvent(new CustomEvent("lesson:answer",
              {{detail: {{id: "predict-slope", correct: true, answer: 0.42}}}}));
        }}"""
        )
        core = _core(tab)
        assert (core["lesson_status"], core["score"]["raw"]) == ("completed", "50")  # one of two answered
        frame.evaluate(
            """() => document.dispatchEvent(new CustomEvent("lesson:answer",
              {detail: {id: "predict-sum", correct: false, answer: "3"}}))"""
        )
        core = _core(tab)
        assert (core["lesson_status"], core["score"]["raw"]) == ("failed", "50")  # both answered, 50 < 60
        suspend = tab.evaluate("API.cmi.suspend_data")
        assert len(suspend) <= 4096
        kept = json.loads(suspend)
        assert kept["w"][0] == pieces[0] and kept["w"][-1][1] == pytest.approx(pieces[-1][1])
        assert len(kept["w"]) < len(pieces)  # the closest pieces joined: nothing played is lost
        assert set(kept["a"]) == set(CHECKPOINTS)


@pytest.mark.clients
def test_without_an_lms_the_packaged_page_works_as_before(site, served):
    _, base = served
    with Browser(base) as browser:
        tab = browser.page()
        tab.goto(f"{base}/sco/index.html")
        tab.wait_for_function("() => document.getElementById('video').readyState >= 1", timeout=20_000)
        assert tab.evaluate("window.lessonScorm.connected") is False
        tab.locator("#chapters li").nth(1).locator("button").click()
        tab.wait_for_function(
            f"() => Math.abs(document.getElementById('video').currentTime - {site.offsets[1]}) < 0.1",
            timeout=5_000,
        )
        assert tab.locator("#chapters li.current .name").inner_text() == "02 Second tiny section"


def test_runtime_is_the_pinned_one(served):
    root, _ = served
    assert npm.integrity(RUNTIME.path) == RUNTIME.integrity
    assert (root / "runtime" / "scorm12.js").read_text().startswith("this.Scorm12API = ")


def test_the_schemas_come_from_the_pinned_package(site, tmp_path):
    pin = scorm.SCHEMAS
    assert npm.integrity(pin.path) == pin.integrity
    pin.extract({f"{scorm.SCHEMA_DIR}/{n}": n for n in scorm.SCHEMA_FILES}, tmp_path, "the test")
    with zipfile.ZipFile(site.zip) as z:
        for name in scorm.SCHEMA_FILES:
            assert z.read(name) == (tmp_path / name).read_bytes(), name


def test_print_jobs_packages_in_the_join_command_only(capsys, tmp_path):
    from renderer import cli

    args = ["--manifest", "tests/fixtures/manifest.py:LESSON", "--out", str(tmp_path), *ARGS, "--print-jobs"]
    assert cli.main(args) == 0
    out, err = capsys.readouterr()
    jobs = out.splitlines()
    assert jobs and all("--part" in j and "--package" not in j for j in jobs)  # a part has no page to package
    assert err.rstrip().endswith("--package scorm")
