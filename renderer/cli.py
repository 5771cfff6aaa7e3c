"""The command line of render.sh: arguments, validation, and the run itself."""

from __future__ import annotations

import argparse
import os
import shlex
import signal
import sys
import time
from pathlib import Path

from narration import VOICE_ENV_VAR
from renderer import atomic, explorers, join, outputs, page, parts, preflight, report, schedule, slides
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
  ./render.sh --sections               also one clip per beat + clips.json (for slides)
  ./render.sh --slides -q low          slide decks of those clips -> renders/low/slides/: lesson.html
                                       (reveal.js, offline), lesson.pptx, handout.pdf
  ./render.sh --slides --theme light   the same decks, dark text on white -> renders/high-light/slides/
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
  <variant>/logs/NN-<name>.log       the full log of each section's last render
  variant = quality[-theme][-silent|-espeak][-p<params hash>][-transparent][-format],
            e.g. high, low-light, high-silent

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
        "--transparent",
        action="store_true",
        help="videos and clips with an alpha channel: MOV (QuickTime Animation, RGBA), "
        "or WebM (VP9) with --format webm",
    )
    p.add_argument("--format", default=DEFAULT_FORMAT, metavar="FMT", help="mp4 (H.264, default), mov, webm or gif")
    p.add_argument(
        "--force",
        action="store_true",
        help="render even the sections whose inputs did not change, drawing every play again",
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
    p.add_argument("--port", type=int, default=0, metavar="N", help="the port of --watch's page (default: a free one)")
    p.add_argument("--json-report", default=None, metavar="FILE", help="also write the summary as JSON to FILE")
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
    from scenes.style import THEMES

    if args.theme not in THEMES:
        raise UsageError(f"unknown theme {args.theme!r}; valid themes: {', '.join(THEMES)}")
    if args.voice not in voices():
        raise UsageError(f"unknown voice {args.voice!r}; valid voices: {', '.join(voices())}")
    if args.transparent and args.format == "gif":
        raise UsageError(
            "--transparent works with --format mp4 or mov (MOV, QuickTime Animation RGBA) or webm (VP9), not gif"
        )
    if args.jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {args.jobs}")
    if args.parts is not None and args.parts < 1:
        raise UsageError(f"--parts must be at least 1, got {args.parts}")
    if getattr(args, "watch", False):
        if args.print_jobs or args.part is not None or args.list or args.sections or args.slides:
            raise UsageError(
                "--watch renders and serves the sections' videos; it does not go with --list, "
                "--print-jobs, --part, --sections or --slides"
            )
        if not 0 <= args.port < 65536:
            raise UsageError(f"--port must be 0 (a free port) to 65535, got {args.port}")
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
    wanted = set(args.names)
    selected = [e for e in manifest.entries if not wanted or e.name in wanted]
    return Plan(
        manifest=manifest,
        selected=selected,
        quality=QUALITIES[args.quality],
        theme=args.theme,
        voice=args.voice,
        params_json=params.to_json(),
        params_default=params.is_default(),
        fmt=args.format,
        transparent=args.transparent,
        # render.sh cd's to the project; RENDER_CWD (if it sets it) is where the user was.
        out_root=(Path(os.environ.get("RENDER_CWD") or ".") / args.out).resolve(),
        jobs=args.jobs,
        force=args.force,
        sections=args.sections or args.slides,
        slides=args.slides,
        join=args.join and only_part is None,
        parts=args.parts,
        only_part=only_part,
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
    for flag in ("transparent", "sections", "slides", "force"):
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
    return commands, f"cd {root} && ./render.sh {shlex.join([a for a in common if a != '--force'])}"


def finish(plan: Plan, results: list[Result], reporter: report.Reporter) -> list[str]:
    """Clips, contact sheet and lesson video from every up-to-date section. Returns notes."""
    notes: list[str] = []
    with atomic.locked(
        plan.lesson_lock, on_wait=lambda: reporter.note("waiting for another run to finish its lesson video")
    ):
        records = outputs.current_records(plan)
        current = {e.name for e, _ in records}
        if plan.sections:
            ok = [(e, r) for e, r in records if e in plan.selected]
            todo = [(e, r) for e, r in ok if _clips_stale(plan, e, r)]
            if todo:
                outputs.publish_clips(plan, todo)
            count = outputs.write_clips_index(plan)
            notes.append(f"clips: {count} beat clips in {plan.clips_dir}, index {plan.clips_index}")
        if not plan.join:
            return notes
        if plan.slides:
            try:
                notes.append(slides.build(plan, outputs.published(plan)))
            except Exception as exc:  # the decks are extras: the videos still get joined
                notes.append(f"slides: FAILED ({type(exc).__name__}: {exc}); the previous decks are kept")
        if records:
            sheet_fp = join.fingerprint(plan, records)
            record_file = plan.out_dir / ".cache" / "contact-sheet.fingerprint"
            if not plan.contact_sheet.exists() or _read(record_file) != sheet_fp:
                outputs.contact_sheet(plan, records, plan.contact_sheet)
                atomic.write_text(record_file, sheet_fp)
            notes.append(
                f"contact sheet: {plan.contact_sheet} ({len(records)} section{'s' if len(records) != 1 else ''})"
            )
        if plan.fmt not in JOINABLE:
            notes.append(f"lesson video: not made for --format {plan.fmt} (join the mp4 render instead)")
            return notes
        missing = [e.name for e in plan.manifest.entries if e.name not in current]
        if missing:
            kept = " (the previous one is kept, it is out of date)" if plan.lesson_video.exists() else ""
            notes.append(
                f"lesson video: not updated{kept}: these sections are not rendered or failed: {', '.join(missing)}"
            )
            return notes
        fp = join.fingerprint(plan, records)
        if join.is_current(plan, fp) and not plan.force:
            notes.append(f"lesson video: {plan.lesson_video} (reused, {len(records)} chapters)")
        else:
            started = time.monotonic()
            try:
                join.join(plan, records, fp)
                notes.append(
                    f"lesson video: {plan.lesson_video} (joined in {time.monotonic() - started:.1f} s, "
                    f"{len(records)} chapters)"
                )
            except RuntimeError as exc:
                notes.append(f"lesson video: FAILED: {exc}")
                return notes
        notes += explorers.build(plan)  # NOTEBOOK HOOK (issue 20): the explorers the page shows
        # The page shows the lesson video just joined or reused (and the clips and decks above).
        try:
            notes.append(page.build(plan, records))
        except Exception as exc:  # the page is an extra: the videos are done
            notes.append(f"page: FAILED ({type(exc).__name__}: {exc}); the previous page is kept")
    return notes


def _clips_stale(plan: Plan, entry, record) -> bool:
    return _read(plan.clips_dir / entry.stem / ".fingerprint") != outputs.clips_marker(record)


def _read(path: Path) -> str | None:
    try:
        return path.read_text().strip()
    except OSError:
        return None


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

        return watch.Watcher(plan, port=args.port).run()
    plan.out_dir.mkdir(parents=True, exist_ok=True)
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
    report.summary(results, plan.out_dir, wall, notes)
    if args.json_report:
        atomic.write_text(Path(args.json_report), report.to_json(results, plan.out_dir, wall, notes))
    if interrupted:
        return EXIT_INTERRUPTED
    failed = any(r.status == "failed" for r in results) or any("FAILED" in n for n in notes)
    return EXIT_FAILED if failed else EXIT_OK
