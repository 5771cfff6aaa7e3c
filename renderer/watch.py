"""Live preview: ``./render.sh --watch [SECTION ...]``.

Renders the selected sections (at low quality unless ``-q`` is given), serves
their page from 127.0.0.1, then waits for a save to any file a section is made
of (renderer/cache.py ``inputs()``, which includes the manifest) with
watchfiles. On each save it renders again the sections whose fingerprint
changed; inside a section only the plays that changed are drawn again
(video/render.py), so an edit to one beat costs that beat.

The page (``watch.html`` in the variant folder, served at ``/``) polls
``/__watch/state`` twice a second. When a section's video is new it swaps the
``<video>`` source (with a cache-busting query), seeks to the first beat whose
plays changed and keeps playing if it was playing; nothing else on the page is
reloaded. A failed render shows its error (the exception, the scene file and
line, from the section's log) on the page and in the terminal; the last good
video stays, and the next save tries again. Ctrl-C stops the watcher, the
server and every manim process.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import re
import signal
import sys
import sysconfig
import threading
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from renderer import cache, page, report, schedule
from renderer.plan import ROOT, Entry, Plan

STATE_PATH = "/__watch/state"
DEBOUNCE_MS = 80  # a save is often several writes; wait this long for the last one


# -- what changed ---------------------------------------------------------------------
def beat_plays(plan: Plan, entry: Entry) -> list[tuple] | None:
    """Per beat of the section's current render: its frames and the keys of its plays, in order."""
    record = cache.load(plan, entry)
    if record is None:
        return None
    plays: dict[int, list[str]] = {}
    found = plan.part_records(entry, record.fingerprint)
    for path in found:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        for p in data.get("plays", []):
            plays.setdefault(p["beat"], []).append(p["key"])
    if not found:
        return None
    return [(b["name"], b["start_frame"], b["end_frame"], tuple(plays.get(k, ()))) for k, b in enumerate(record.beats)]


def first_changed(before: list[tuple] | None, after: list[tuple] | None) -> int | None:
    """The index of the first beat whose plays (or timing) differ; None if none does."""
    if before is None or after is None:
        return 0 if after else None
    for k, beat in enumerate(after):
        if k >= len(before) or before[k] != beat:
            return k
    return None


# -- errors, from the section's log ---------------------------------------------------------
_LIBRARY = tuple(
    str(Path(p).resolve())
    for p in {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["stdlib"], sys.prefix, sys.base_prefix}
    if p
)
_PLAIN_FRAME = re.compile(r'^\s*File "([^"]+)", line (\d+)(?:, in (\S+))?')
_RICH_FRAME = re.compile(r"(/[^\s│]+?\.py):(\d+) in (\w+)")
_ERROR_LINE = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Interrupt|Exit)|[A-Z]\w*Error)(: .*)?$")


def _project_file(path: str) -> bool:
    p = Path(path)
    if not p.is_absolute() or not p.is_file():
        return False
    resolved = str(p.resolve())
    venv = str((ROOT / ".venv").resolve())
    return not resolved.startswith(venv) and not any(resolved.startswith(lib + "/") for lib in _LIBRARY if lib != "/")


def error_from_log(log: Path) -> dict:
    """The last error in a section's log: {"error", "file", "line", "code"} (file/line: the
    last traceback frame in a project file; missing when there is none)."""
    try:
        text = log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {"error": f"no log at {log}"}
    start = text.rfind("Traceback (most recent call last)")
    block = text[start:] if start >= 0 else text
    lines = block.splitlines()
    frames: list[tuple[str, int]] = []
    for line in lines:
        m = _PLAIN_FRAME.match(line)
        if m:
            frames.append((m.group(1), int(m.group(2))))
    if not frames:  # rich's boxed traceback (manim's default): join the box's lines, which wrap
        inside = "".join(line.strip().strip("│").rstrip() for line in lines if line.strip().startswith("│"))
        frames = [(m.group(1), int(m.group(2))) for m in _RICH_FRAME.finditer(inside)]
    error = ""
    for line in reversed(lines):
        if _ERROR_LINE.match(line.strip()):
            error = line.strip()
            break
    if not error:
        tail = [line.strip() for line in lines if line.strip()]
        error = tail[-1] if tail else "the render failed (see the log)"
    out = {"error": error[:500]}
    for file, number in reversed(frames):
        if _project_file(file):
            out["file"], out["line"] = _display(Path(file)), number
            with contextlib.suppress(OSError, IndexError, UnicodeDecodeError):
                out["code"] = Path(file).read_text(encoding="utf-8").splitlines()[number - 1].strip()
            break
    return out


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def describe(err: dict) -> str:
    where = f"{err['file']}, line {err['line']}: " if err.get("file") else ""
    code = f"\n    {err['code']}" if err.get("code") else ""
    return f"{where}{err['error']}{code}"


# -- the state the page polls ------------------------------------------------------------------
class State:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.data: dict = {"sections": {}, "rendering": [], "serial": 0}

    def update(self, fn) -> None:
        with self._lock:
            fn(self.data)
            self.data["serial"] += 1

    def json(self) -> bytes:
        with self._lock:
            return json.dumps(self.data).encode()


# -- the server ------------------------------------------------------------------------------------
class _Handler(SimpleHTTPRequestHandler):
    state: State
    index: str

    def log_message(self, *args) -> None:  # quiet: the terminal shows the renders
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self) -> None:  # noqa: N802
        path = self.path.split("?", 1)[0]
        if path == STATE_PATH:
            body = self.state.json()
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if path in ("/", ""):
            self.path = "/" + self.index
        if "Range" in self.headers:
            return self._range()
        super().do_GET()

    def _range(self) -> None:
        """Byte ranges (one per request), so the video element can seek."""
        file = Path(self.translate_path(self.path))
        m = re.fullmatch(r"bytes=(\d*)-(\d*)", self.headers["Range"].strip())
        if not file.is_file() or m is None:
            return super().do_GET()
        size = file.stat().st_size
        first, last = m.group(1), m.group(2)
        if first:
            start, end = int(first), int(last) if last else size - 1
        else:
            start, end = max(0, size - int(last or 0)), size - 1
        end = min(end, size - 1)
        if start > end or start >= size:
            self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            self.send_header("Content-Range", f"bytes */{size}")
            self.end_headers()
            return
        self.send_response(HTTPStatus.PARTIAL_CONTENT)
        self.send_header("Content-Type", self.guess_type(str(file)))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(end - start + 1))
        self.end_headers()
        with open(file, "rb") as handle:
            handle.seek(start)
            left = end - start + 1
            while left > 0:
                chunk = handle.read(min(left, 1 << 16))
                if not chunk:
                    break
                try:
                    self.wfile.write(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    return
                left -= len(chunk)


def serve(folder: Path, state: State, port: int = 0) -> ThreadingHTTPServer:
    handler = type("Handler", (_Handler,), {"state": state, "index": page.WATCH_PAGE})
    server = ThreadingHTTPServer(("127.0.0.1", port), lambda *a: handler(*a, directory=str(folder)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="watch-server", daemon=True).start()
    return server


# -- the loop ------------------------------------------------------------------------------------------
class Watcher:
    def __init__(self, plan: Plan, port: int = 0, out=None) -> None:
        # Rich (manim's tracebacks) wraps at the terminal width; a wide one keeps paths whole in the log.
        self.plan = dataclasses.replace(plan, join=False, env={**plan.env, "COLUMNS": "200"})
        self.port = port
        self.out = out or sys.stderr
        self.state = State()
        self.rendered: dict[str, str] = {}  # section -> fingerprint last tried
        self.versions: dict[str, int] = {}

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def inputs(self) -> set[Path]:
        files: set[Path] = set()
        for entry in self.plan.selected:
            files |= set(cache.inputs(self.plan, entry))
        if self.plan.manifest.source is not None:
            files.add(Path(self.plan.manifest.source).resolve())
        return files

    def cycle(self) -> None:
        """One round of renders; a bug in it is reported, and the watcher goes on."""
        try:
            self._cycle()
        except Exception as exc:  # noqa: BLE001 (KeyboardInterrupt is not an Exception)
            self.say(f"watch: error ({type(exc).__name__}: {exc}); waiting for the next save")
            cache.forget_hashes()
            for e in self.plan.selected:  # do not try the same inputs in a loop
                self.rendered[e.name] = cache.fingerprint(self.plan, e)
            self.state.update(lambda d: d.__setitem__("rendering", []))

    def _cycle(self) -> None:
        """Render every selected section whose inputs changed since it was last tried."""
        plan = self.plan
        cache.forget_hashes()  # content changed under a long-lived process
        fps = {e.name: cache.fingerprint(plan, e) for e in plan.selected}
        todo = [e for e in plan.selected if self.rendered.get(e.name) != fps[e.name]]
        if not todo:
            return
        before = {e.name: beat_plays(plan, e) for e in todo}
        self.state.update(lambda d: d.__setitem__("rendering", [e.stem for e in todo]))
        reporter = report.Reporter(len(todo))
        reporter.width = max(len(e.name) for e in todo)
        results, interrupted = schedule.render(dataclasses.replace(plan, selected=todo), reporter)
        if interrupted:
            raise KeyboardInterrupt
        for result in results:
            entry = result.entry
            self.rendered[entry.name] = fps[entry.name]
            if result.status in ("rendered", "reused"):
                after = beat_plays(plan, entry)
                k = first_changed(before[entry.name], after)
                changed = result.status == "rendered" or entry.name not in self.versions
                self._publish(entry, k, changed)
                if result.status == "rendered" and before[entry.name] is not None:
                    where = f"from beat {k + 1} ({after[k][0]})" if k is not None and after else "no beat changed"
                    self.say(f"watch: {entry.name}: new video, {where}")
            else:
                manim = result.error.startswith("manim exited")
                err = error_from_log(plan.log(entry)) if manim else {"error": result.error or result.status}
                self.say(
                    f"watch: {entry.name} FAILED: {describe(err)}\n"
                    f"    the last good video stays; save again to retry (log: {plan.log(entry)})"
                )
                self.state.update(
                    lambda d, s=entry.stem, e=err: d["sections"].setdefault(s, {}).update(error=e, status="failed")
                )
        self.state.update(lambda d: d.__setitem__("rendering", []))
        self._page()

    def _publish(self, entry: Entry, first: int | None, changed: bool) -> None:
        plan = self.plan
        record = cache.load(plan, entry)
        beats = json.loads((plan.out_dir / f"{entry.stem}.beats.json").read_text(encoding="utf-8"))
        if changed:
            self.versions[entry.name] = self.versions.get(entry.name, 0) + 1
        seek = beats[first]["start"] if first is not None and first < len(beats) else None
        info = {
            "title": entry.label,
            "video": record.video,
            "vtt": f"{entry.stem}.vtt",
            "poster": record.poster,
            "version": self.versions[entry.name],
            "seek": seek,
            "first_changed": first,
            "status": "ok",
            "error": None,
            "beats": [{"name": b["name"], "text": b["narration"], "start": b["start"], "end": b["end"]} for b in beats],
            "cues": [c for b in beats for c in b.get("cues", [])],  # the captions, [start, end, text]
        }
        self.state.update(lambda d: d["sections"].__setitem__(entry.stem, info))

    def _page(self) -> None:
        records = [(e, cache.load(self.plan, e)) for e in self.plan.selected]
        records = [(e, r) for e, r in records if r is not None and (self.plan.out_dir / r.video).exists()]
        try:
            page.build_watch(self.plan, records, self.versions)
        except Exception as exc:  # the page is rebuilt on the next save
            self.say(f"watch: page: FAILED ({type(exc).__name__}: {exc})")

    def run(self) -> int:
        from watchfiles import watch

        plan = self.plan
        plan.out_dir.mkdir(parents=True, exist_ok=True)
        # Ctrl-C stops, even when started from a shell that ignores SIGINT in background jobs.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        stop = threading.Event()
        server = serve(plan.out_dir, self.state, self.port)
        try:
            url = f"http://127.0.0.1:{server.server_address[1]}/"
            self.say(
                f"watch: {len(plan.selected)} section(s) at {plan.quality.name} ({plan.quality.label}) "
                f"-> {plan.out_dir}"
            )
            self.cycle()
            self.say(f"watch: the page is at {url}  (Ctrl-C stops)")
            while True:
                files = self.inputs()
                folders = sorted({p.parent for p in files})
                self.say(f"watch: waiting for a save ({len(files)} files in {len(folders)} folders)")
                armed = False
                for changes in watch(
                    *folders,
                    watch_filter=lambda _c, p, files=files: Path(p).resolve() in files,
                    debounce=DEBOUNCE_MS,
                    step=20,
                    recursive=False,
                    stop_event=stop,
                    raise_interrupt=True,
                    rust_timeout=500,
                    yield_on_timeout=True,
                ):
                    # The first timeout comes after the watches are in place: a save made
                    # between the last render and then left no event, only a fingerprint.
                    if not changes and (armed or not self._stale()):
                        armed = True
                        continue
                    armed = True
                    self.cycle()
                    # A save during the render: its events may be gone, its fingerprint is not.
                    while self._stale():
                        self.cycle()
                    if self.inputs() != files:  # a scene now imports another module
                        break
                    self.say("watch: waiting for a save")
                else:
                    return 0
        except KeyboardInterrupt:
            self.say("watch: stopped")
            return 130
        finally:
            stop.set()
            server.shutdown()
            server.server_close()

    def _stale(self) -> bool:
        cache.forget_hashes()
        return any(self.rendered.get(e.name) != cache.fingerprint(self.plan, e) for e in self.plan.selected)
