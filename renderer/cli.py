"""The command line of render.sh: arguments, validation, and the run itself."""

from __future__ import annotations

import argparse
import os
import shlex
import signal
import socket
import sys
import tempfile
from pathlib import Path

from common import atomic
from narration import VOICE_ENV_VAR
from renderer import (
    explorers,
    gc,
    join,
    outputs,
    page,
    parts,
    preflight,
    publish,
    report,
    schedule,
    scorm,
    slides,
    syntax_error,
)
from renderer.job import Part, Result
from renderer.plan import (
    DEFAULT_FORMAT,
    DEFAULT_MANIFEST,
    DEFAULT_QUALITY,
    DEFAULT_VOICE,
    FORMATS,
    JOINABLE,
    QUALITIES,
    ROOT,
    ManifestError,
    Plan,
    load_manifest,
)

PROG = "./render.sh"
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_SYSTEM, EXIT_INTERRUPTED = 0, 1, 2, 3, 130

DESCRIPTION = """\
Render the backpropagation lesson with manim: every section of the lesson
(scenes/manifest.py), or the ones named, each to its own video, plus the whole
lesson joined into one video with a chapter per section, a poster per section
and a contact sheet. Sections whose inputs did not change are reused, not
rendered again."""

EPILOG = """\
examples:
  ./render.sh                          every section at 1080p60, narrated -> renders/high/
  ./render.sh derivative partials      just these two sections
  ./render.sh --list                   the sections, in order, with their titles
  ./render.sh -q low                   a quick 480p15 draft -> renders/low/
  ./render.sh --set w1=0.3 --set loss=half
                                       other network parameters, in every scene
                                       -> renders/high-p<hash>/
  ./render.sh --theme light            light background (slides, print) -> renders/high-light/
  ./render.sh --voice none             silent videos, captions still written -> renders/high-silent/
  ./render.sh --voice espeak           the robotic fallback voice -> renders/high-espeak/
  ./render.sh --described              the described version: each beat's audio description spoken
                                       while the picture holds (WCAG 1.2.5, 1.2.7) -> renders/high-described/
  ./render.sh --sections               also one clip per beat + clips.json (for slides)
  ./render.sh --slides -q low          slide decks of those clips -> renders/low/slides/: lesson.html
                                       (reveal.js, offline), lesson.pptx, handout.pdf
  ./render.sh --slides --theme light   the same decks, dark text on white -> renders/high-light/slides/
  ./render.sh --package scorm          + package/lesson-scorm12.zip: the lesson page as a SCORM 1.2
                                       package for an LMS (Moodle, Canvas, ...), which tracks it
  ./render.sh --sections --transparent clips with an alpha channel (MOV, QuickTime Animation RGBA)
  ./render.sh --format gif -q low      GIFs, for places that take no video
  ./render.sh --jobs 1                 one section at a time (default: one per core)
  ./render.sh --force derivative       render again even though nothing changed
  ./render.sh --watch derivative       live preview: the page on http://127.0.0.1:PORT/ shows each
                                       save's changed beat within seconds (low quality unless -q)
  ./render.sh --print-jobs | parallel  one command per part of a section, for your own runner
                                       (GNU parallel, a Slurm array); then ./render.sh joins them
  ./render.sh --print-jobs --parts 4   ... with every section split into 4 parts (beat ranges)

outputs (in --out, default renders/, one folder per variant):
  <variant>/NN-<name>.mp4 + .srt     each section's video and subtitles (NN from 00)
  <variant>/NN-<name>.vtt, .beats.json  WebVTT captions and beat timings (lesson scenes)
  <variant>/lesson.mp4 + lesson.srt  all sections joined, chapters, subtitle track
  <variant>/index.html               the lesson page (open it from disk): video with captions,
                                     chapters, transcript that follows the video, downloads;
                                     lesson.vtt, chapters.vtt, youtube-chapters.txt beside it
  <variant>/posters/NN-<name>.png    each section's last frame
  <variant>/contact-sheet.png        a labelled thumbnail per beat, a row per section
  <variant>/clips/, clips.json       with --sections: one narrated clip per beat (+ .srt, .vtt), the index
  <variant>/slides/                  with --slides: lesson.html (open it from disk; S: speaker
                                     notes), lesson.pptx, handout.pdf; one slide per beat
  <variant>/package/lesson-scorm12.zip  with --package scorm: the page, its files, imsmanifest.xml
  <variant>/logs/NN-<name>.log       the full log of each section's last render
  variant = quality[-theme][-silent|-espeak][-p<params hash>][-transparent][-format][-described],
            e.g. high, low-light, high-silent, high-described

exit status: 0 all rendered or reused; 1 a section failed (the summary names
its log); 2 bad arguments (nothing rendered); 3 a system tool is missing;
130 interrupted."""


class UsageError(Exception):
    pass


def voices() -> tuple[str, ...]:
    try:
        from narration.voices import VOICES
    except ImportError:
        return ("none",)
    return tuple(VOICES)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=PROG, description=DESCRIPTION, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("names", nargs="*", metavar="SECTION", help="sections to render (default: all; see --list)")
    p.add_argument("--list", action="store_true", help="print the sections in order with their titles, and exit")
    p.add_argument(
        "-q",
        "--quality",
        default=None,
        metavar="Q",
        help="low (480p15), medium (720p30), high (1080p60, default; low with --watch) or 4k (2160p60)",
    )
    p.add_argument(
        "--set",
        dest="sets",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a network parameter in every scene, e.g. --set w1=0.3 --set loss=half (repeatable)",
    )
    p.add_argument("--theme", default="dark", help="colour theme: dark (default) or light")
    p.add_argument(
        "--voice",
        default=os.environ.get(VOICE_ENV_VAR) or DEFAULT_VOICE,
        help="narration voice: " + ", ".join(voices()) + f" (default: $BACKPROP_VOICE or {DEFAULT_VOICE}; "
        "none: silent videos, captions still written)",
    )
    p.add_argument("--out", default="renders", metavar="DIR", help="output root folder (default: renders/)")
    p.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        metavar="N",
        help="sections rendered at once, each in its own process (default: the number of cores, %(default)s)",
    )
    p.add_argument(
        "--print-jobs",
        action="store_true",
        help="print one self-contained shell command per part of each section, and exit; "
        "running ./render.sh after them joins the parts (nothing is rendered twice)",
    )
    p.add_argument(
        "--parts",
        type=int,
        default=None,
        metavar="N",
        help="split every section into N parts (ranges of beats) rendered side by side "
        "(default: chosen from the previous render, so the cores finish together)",
    )
    p.add_argument(
        "--part",
        default=None,
        metavar="A:B",
        help="render only beats A to B-1 of one section (B empty: to the end), for a job "
        "of --print-jobs; the section is joined by a later ./render.sh",
    )
    p.add_argument(
        "--sections", action="store_true", help="also write one clip per beat under clips/ with an index clips.json"
    )
    p.add_argument(
        "--slides",
        action="store_true",
        help="also build slide decks of the beats under slides/: lesson.html (reveal.js, works "
        "offline), lesson.pptx and handout.pdf; implies --sections",
    )
    p.add_argument(
        "--package",
        default=None,
        metavar="KIND",
        help="also package the lesson page for an LMS: scorm (SCORM 1.2 -> package/lesson-scorm12.zip; "
        "Moodle, Canvas, Blackboard, Brightspace, Open edX import it and track it)",
    )
    p.add_argument(
        "--transparent",
        action="store_true",
        help="videos and clips with an alpha channel: MOV (QuickTime Animation, RGBA), "
        "or WebM (VP9) with --format webm",
    )
    p.add_argument(
        "--described",
        action="store_true",
        help="the described version: after each beat's narration the picture holds while its audio "
        "description (what the picture shows and the narration does not say) is spoken and captioned "
        "in [brackets]",
    )
    p.add_argument("--format", default=DEFAULT_FORMAT, metavar="FMT", help="mp4 (H.264, default), mov, webm or gif")
    p.add_argument(
        "--force",
        action="store_true",
        help="render even the sections whose inputs did not change, drawing every play again",
    )
    p.add_argument(
        "--rejoin",
        action="store_true",
        help="after the jobs of --print-jobs --force (it prints this join): join the sections again from "
        "the parts they drew and rebuild every product from them (videos, posters, clips, lesson, page); "
        "a section whose parts are not all there is drawn again whole, as with --force",
    )
    p.add_argument(
        "--no-join",
        dest="join",
        action="store_false",
        help="skip the joined lesson video and the contact sheet (used by --print-jobs)",
    )
    p.add_argument(
        "--manifest",
        default=None,
        metavar="MODULE:ATTR",
        help=f"another lesson manifest (tests use small fixtures; default {DEFAULT_MANIFEST}, "
        "or $BACKPROP_MANIFEST); MODULE may be a path to a .py file",
    )
    p.add_argument(
        "--watch",
        action="store_true",
        help="live preview: render, serve the page on 127.0.0.1, and render again what changed "
        "on every save of a scene, the core, the narration, the style or the manifest "
        "(low quality unless -q is given); Ctrl-C stops",
    )
    p.add_argument(
        "--port", type=int, default=0, metavar="N", help="with --watch: the port of its page (default 0: a free one)"
    )
    p.add_argument("--json-report", default=None, metavar="FILE", help="also write the summary as JSON to FILE")
    p.add_argument(
        "--gc",
        action="store_true",
        help="print the size of every variant's store under --out, remove what no current output needs "
        "(old plays and part records, temporary files of interrupted runs, old section folders; one earlier "
        "version of each section is kept), and exit",
    )
    return p


def make_plan(args: argparse.Namespace) -> Plan:
    """Validate everything; raise UsageError with the valid choices."""
    try:
        manifest = load_manifest(args.manifest)
    except ManifestError as exc:
        raise UsageError(str(exc)) from None
    valid = manifest.names()
    unknown = [n for n in args.names if n not in valid]
    if unknown:
        raise UsageError(
            f"unknown section{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}\n"
            f"valid sections: {', '.join(valid)}"
        )
    if args.quality is None:
        args.quality = "low" if getattr(args, "watch", False) else DEFAULT_QUALITY
    if args.quality not in QUALITIES:
        raise UsageError(f"unknown quality {args.quality!r}; valid qualities: {', '.join(QUALITIES)}")
    if args.format not in FORMATS:
        raise UsageError(f"unknown format {args.format!r}; valid formats: {', '.join(FORMATS)}")
    try:
        from scenes.style import THEMES
    except SyntaxError as exc:
        raise UsageError(syntax_error(exc)) from None

    if args.theme not in THEMES:
        raise UsageError(f"unknown theme {args.theme!r}; valid themes: {', '.join(THEMES)}")
    args.voice = args.voice.strip().lower()  # --voice Piper, BACKPROP_VOICE=PIPER (as narration reads it)
    if args.voice not in voices():
        raise UsageError(f"unknown voice {args.voice!r}; valid voices: {', '.join(voices())}")
    if args.transparent and args.format == "gif":
        raise UsageError(
            "--transparent works with --format mp4 or mov (MOV, QuickTime Animation RGBA) or webm (VP9), not gif"
        )
    if args.package is not None:
        if args.package not in scorm.KINDS:
            raise UsageError(f"unknown package {args.package!r}; valid packages: {', '.join(scorm.KINDS)}")
        if args.format not in ("mp4", "webm") or args.transparent:  # what the LMS's browser plays
            raise UsageError(
                "--package needs a lesson video browsers play: --format mp4 (default) or webm, without --transparent"
            )
        if getattr(args, "watch", False) or args.part is not None or not args.join:
            raise UsageError("--package packages the whole lesson's page: not with --watch, --part or --no-join")
    if args.jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {args.jobs}")
    if args.parts is not None and args.parts < 1:
        raise UsageError(f"--parts must be at least 1, got {args.parts}")
    watching = getattr(args, "watch", False)
    if watching and (args.print_jobs or args.part is not None or args.list or args.sections or args.slides):
        raise UsageError(
            "--watch renders and serves the sections' videos; it does not go with --list, "
            "--print-jobs, --part, --sections or --slides"
        )
    if not 0 <= args.port < 65536:
        raise UsageError(f"--port {args.port} is out of range: give 1 to 65535, or 0 for a free port")
    if args.port and not watching:
        raise UsageError(f"--port {args.port} is the port of --watch's page: add --watch, or leave --port out")
    if watching and args.port:
        _check_port(args.port)
    if args.rejoin and (args.print_jobs or args.part is not None or watching):
        raise UsageError("--rejoin joins what the jobs of --print-jobs drew: run it alone, after them")
    only_part = None
    if args.part is not None:
        if len(args.names) != 1:
            raise UsageError("--part A:B renders part of one section: name exactly one section")
        from video import parse_range

        try:
            only_part = Part(*parse_range(args.part))
        except ValueError:
            raise UsageError(f"--part {args.part!r} is not a beat range A:B (0 <= A < B) or A: (to the end)") from None
    from backprop_core.params import ParameterError, current

    try:
        params = current().with_overrides(args.sets)
    except ParameterError as exc:
        raise UsageError(str(exc)) from None
    # render.sh cd's to the project; RENDER_CWD (if it sets it) is where the user was.
    cwd = Path(os.environ.get("RENDER_CWD") or ".")
    writes = not (args.list or args.print_jobs)
    if args.json_report:
        args.json_report = str((cwd / args.json_report).resolve())
        if writes:
            _check_report(Path(args.json_report))
    wanted = set(args.names)
    selected = [e for e in manifest.entries if not wanted or e.name in wanted]
    plan = Plan(
        manifest=manifest,
        selected=selected,
        quality=QUALITIES[args.quality],
        theme=args.theme,
        voice=args.voice,
        params_json=params.to_json(),
        params_default=params.is_default(),
        fmt=args.format,
        transparent=args.transparent,
        described=args.described,
        out_root=(cwd / args.out).resolve(),
        jobs=args.jobs,
        force=args.force or args.rejoin,  # --rejoin rebuilds every product, as --force does
        rejoin=args.rejoin,
        sections=args.sections or args.slides,
        slides=args.slides,
        package=args.package,
        join=args.join and only_part is None,
        parts=args.parts,
        only_part=only_part,
    )
    if writes:
        _check_folder(plan.out_root, "--out")
    if only_part is not None:
        _check_part(plan, plan.selected[0], only_part)
    return plan


def _nearest(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _check_folder(folder: Path, option: str, what: str = "a folder") -> None:
    """``folder`` exists or can be made, and files can be written in it (before any render)."""
    found = _nearest(folder)
    if not found.is_dir():
        raise UsageError(f"{option} {folder}: {found} is a file, not a folder; give {option} {what} you can write to")
    try:  # the folder itself, or one in its nearest existing parent: both are what the render will do
        os.rmdir(tempfile.mkdtemp(prefix=".render-check-", dir=found))
    except OSError as exc:
        raise UsageError(
            f"{option} {folder}: cannot write in {found} ({exc.strerror or exc}); give {option} {what} you can write to"
        ) from None


def _check_report(path: Path) -> None:
    if path.is_dir():
        raise UsageError(f"--json-report {path} is a folder; give it a file name, e.g. {path / 'report.json'}")
    if path.exists() and not os.access(path, os.W_OK):
        raise UsageError(f"--json-report {path}: the file is not writable; give another file name")
    _check_folder(path.parent, "--json-report", "a file in a folder")


def _check_port(port: int) -> None:
    """--watch's port is free now (watch.serve binds it the same way, after the first render's set-up)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as http.server does
        try:
            sock.bind(("127.0.0.1", port))
        except OSError as exc:
            raise UsageError(
                f"--port {port}: cannot serve on 127.0.0.1:{port} ({exc.strerror or exc}); "
                "another program may be using it: choose another port, or --port 0 for a free one"
            ) from None


def _check_part(plan: Plan, entry, part: Part) -> None:
    """--part A:B within the section's beats, when they are known: from the record of
    the section's current render (its inputs unchanged). A section not rendered with
    these inputs has an unknown count (a dry pass would cost a render): the part is
    tried, and the renderer stops with the count if A is past the last beat."""
    from renderer import cache

    record = cache.load(plan, entry)
    if record is None or not record.beats or record.fingerprint != cache.fingerprint(plan, entry):
        print(
            f"{PROG}: note: {entry.name} has not been rendered with these inputs, so its beat count is "
            f"not known yet; --part {part.label} is tried as given",
            file=sys.stderr,
        )
        return
    count = len(record.beats)
    if part.start >= count or (part.stop is not None and part.stop > count):
        where = "starts" if part.start >= count else "ends"
        raise UsageError(
            f"--part {part.label} {where} past {entry.name}'s {count} beats (0 to {count - 1}); "
            f"give A:B with 0 <= A < B <= {count}, or A: (from beat A to the end)"
        )


def list_sections(plan: Plan) -> str:
    lines = []
    width = max(len(e.name) for e in plan.manifest.entries)
    for e in plan.manifest.entries:
        note = "" if e.path.is_file() else f"   (not written yet: {e.path.name})"
        lines.append(f"{e.index:02d}  {e.name:<{width}}  {e.label}{note}")
    return "\n".join(lines)


def job_commands(plan: Plan, args: argparse.Namespace) -> tuple[list[str], str]:
    """One ./render.sh command per part of every selected section, and the command that joins them."""
    common = ["--quality", plan.quality.name]
    if plan.theme != "dark":
        common += ["--theme", plan.theme]
    if plan.voice != DEFAULT_VOICE:
        common += ["--voice", plan.voice]
    for item in args.sets:
        common += ["--set", item]
    if plan.fmt != DEFAULT_FORMAT:
        common += ["--format", plan.fmt]
    for flag in ("transparent", "described", "sections", "slides", "force"):
        if getattr(args, flag):
            common.append(f"--{flag}")
    if plan.manifest.spec != DEFAULT_MANIFEST:
        target, _, attr = plan.manifest.spec.rpartition(":")
        spec = f"{Path(target).resolve()}:{attr}" if target.endswith(".py") else plan.manifest.spec
        common += ["--manifest", spec]
    common += ["--out", str(plan.out_root)]
    root = shlex.quote(str(ROOT))
    commands = []
    costs = {e.name: parts.cost(plan, e) for e in plan.selected}
    total = sum(costs.values())
    for e in plan.selected:
        for part in parts.choose(plan, e, total - costs[e.name]):
            job = common + ["--jobs", "1", "--no-join", "--part", part.label, e.name]
            commands.append(f"cd {root} && ./render.sh {shlex.join(job)}")
    # The join must not draw again what the forced jobs just drew, but every product made of
    # those plays must be rebuilt from them: --rejoin.
    then = [a for a in common if a != "--force"] + (["--rejoin"] if args.force else [])
    then += (["--package", args.package] if args.package else []) + list(args.names)
    return commands, f"cd {root} && ./render.sh {shlex.join(then)}"


def finish(plan: Plan, results: list[Result], reporter: report.Reporter) -> list[str]:
    """Publish what is made from every up-to-date section, each product rebuilt only when
    stale (always with --force; renderer/publish.py). Returns the notes."""
    with atomic.locked(
        plan.lesson_lock, on_wait=lambda: reporter.note("waiting for another run to finish its lesson video")
    ):
        records = outputs.current_records(plan)
        return publish.run(plan, products(plan, records))


def products(plan: Plan, records: list) -> list[publish.Product | str]:
    """What a run publishes, in order (a product may show the ones before it); a str is a note."""
    items: list[publish.Product | str] = []
    if plan.sections:
        items += [outputs.clips(plan, e, r) for e, r in records if e in plan.selected]
        items.append(outputs.clips_index(plan, records))
    if not plan.join:
        return items
    if plan.slides:
        items.append(slides.product(plan, records))
    if records:
        items.append(outputs.sheet(plan, records))
    if plan.fmt not in JOINABLE:
        return [*items, f"lesson video: not made for --format {plan.fmt} (join the mp4 render instead)"]
    current = {e.name for e, _ in records}
    missing = [e.name for e in plan.manifest.entries if e.name not in current]
    if missing:
        kept = " (the previous one is kept, it is out of date)" if plan.lesson_video.exists() else ""
        return [
            *items,
            f"lesson video: not updated{kept}: these sections are not rendered or failed: {', '.join(missing)}",
        ]
    # The page shows the lesson video (and the clips and decks above); the package holds the page.
    items.append(join.product(plan, records))
    items += explorers.build(plan)  # the explorers the page shows (drawn now, when missing or out of date)
    items.append(page.product(plan, records))
    if plan.package:
        items.append(scorm.product(plan))
    return items


def _sigterm(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        plan = make_plan(args)
    except UsageError as exc:
        print(f"{PROG}: error: {exc}\nnothing was rendered; see {PROG} --help", file=sys.stderr)
        return EXIT_USAGE

    if args.list:
        print(list_sections(plan))
        return EXIT_OK
    if args.gc:
        gc.run(plan)
        return EXIT_OK
    if args.print_jobs:
        commands, then = job_commands(plan, args)
        print("\n".join(commands))
        print(f"# when they have all finished, join the lesson with:\n#   {then}", file=sys.stderr)
        return EXIT_OK

    problems = preflight.missing(slides=plan.slides)
    if problems:
        print(preflight.message(problems), file=sys.stderr)
        return EXIT_SYSTEM

    signal.signal(signal.SIGTERM, _sigterm)
    if args.watch:
        from renderer import watch

        with atomic.locked(plan.variant_lock, shared=True):  # --gc leaves a variant in use alone
            return watch.Watcher(plan, port=args.port).run()
    plan.out_dir.mkdir(parents=True, exist_ok=True)
    with atomic.locked(plan.variant_lock, shared=True):  # --gc leaves a variant in use alone
        return _render(plan, args)


def _render(plan: Plan, args: argparse.Namespace) -> int:
    reporter = report.Reporter(len(plan.selected))
    reporter.width = max(len(e.name) for e in plan.selected)
    reporter.note(
        f"rendering {len(plan.selected)} section{'s' if len(plan.selected) != 1 else ''} at "
        f"{plan.quality.name} ({plan.quality.label}), theme {plan.theme}, voice {plan.voice}, "
        f"{plan.jobs} job(s) at once "
        f"-> {plan.out_dir}"
    )
    results, interrupted = schedule.render(plan, reporter)
    notes: list[str] = []
    if not interrupted:
        try:
            notes = finish(plan, results, reporter)
        except KeyboardInterrupt:
            interrupted = True
    wall = reporter.elapsed()
    if (grown := gc.note(plan)) is not None:
        notes.append(grown)
    report.summary(results, plan.out_dir, wall, notes)
    if args.json_report:
        try:
            atomic.write_text(Path(args.json_report), report.to_json(results, plan.out_dir, wall, notes))
        except OSError as exc:  # checked before the render; something changed since
            print(f"{PROG}: error: --json-report {args.json_report}: {exc.strerror or exc}", file=sys.stderr)
            return EXIT_INTERRUPTED if interrupted else EXIT_FAILED
    if interrupted:
        return EXIT_INTERRUPTED
    failed = any(r.status == "failed" for r in results) or any("FAILED" in n for n in notes)
    return EXIT_FAILED if failed else EXIT_OK
