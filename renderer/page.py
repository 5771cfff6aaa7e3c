"""The lesson page: ``<variant>/index.html``, to watch, navigate and read along.

Made from outputs that already exist (the joined lesson, the sections' beats,
captions and posters, the published clips, the decks); nothing is rendered.
Beside the page::

    index.html             the lesson video with captions on, the chapters (posters, start
                           times), the transcript (every beat's line, highlighted as it plays),
                           the downloads; works from disk, loads nothing from the network
    lesson.vtt             the lesson's captions as WebVTT (lesson.srt is written by the join)
    chapters.vtt           one WebVTT cue per section (a kind="chapters" track)
    youtube-chapters.txt   the chapters as YouTube reads them from a description
    page/stills/NN-name/   a still per beat, for the printed transcript

Everything is built in a hidden folder and moved in only when complete, the
page itself last, so a failed build keeps the previous page. It is rebuilt only
when what it shows changed: ``.cache/page.fingerprint`` remembers that.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import shutil
import time
from pathlib import Path

from narration import captions
from renderer import atomic, cache, join, notebook, outputs
from renderer.cache import Record
from renderer.plan import Entry, Plan

RECIPE = "page-1"
PAGE = "index.html"
WATCH_PAGE = "watch.html"
CURRENT = ' class="current" aria-current="true"'  # the live preview's page (./render.sh --watch), served at /
ASSETS = "page"  # the page's own files (stills), swapped in whole
FILES = ("lesson.vtt", "chapters.vtt", "youtube-chapters.txt")

# YouTube takes chapters from a description when the first is at 0:00, there
# are at least three, and each lasts at least ten seconds.
YT_MIN_CHAPTERS, YT_MIN_SECONDS = 3, 10


# -- times and chapters ---------------------------------------------------------------
def stamp(seconds: float) -> str:
    """0:00, 12:34 or 1:02:03 (whole seconds, rounded down, as YouTube reads them)."""
    s = int(seconds + 1e-6)
    h, s = divmod(s, 3600)
    m, s = divmod(s, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def youtube_chapters(chapters: list[tuple[float, str]], total: float) -> list[tuple[int, str]] | None:
    """(start second, title) per chapter, by YouTube's rules, or None if the lesson is too short.

    Lengths are measured between the whole-second stamps YouTube reads. A chapter
    shorter than the minimum is merged into its shorter neighbour (titles joined
    with " / "), rather than dropped or left to break the rules.
    """
    items = [[int(start + 1e-6), title] for start, title in chapters]
    if not items:
        return None
    items[0][0] = 0

    def lengths() -> list[float]:
        return [(items[i + 1][0] if i + 1 < len(items) else total) - items[i][0] for i in range(len(items))]

    while len(items) > 1:
        sizes = lengths()
        short = min(range(len(items)), key=lambda i: sizes[i])
        if sizes[short] >= YT_MIN_SECONDS:
            break
        if short == 0:
            first = 0
        elif short == len(items) - 1:
            first = short - 1
        else:
            first = short - 1 if sizes[short - 1] <= sizes[short + 1] else short
        items[first][1] = f"{items[first][1]} / {items[first + 1][1]}"
        del items[first + 1]
    if len(items) < YT_MIN_CHAPTERS or min(lengths()) < YT_MIN_SECONDS:
        return None
    return [(start, title) for start, title in items]


def youtube_text(chapters: list[tuple[int, str]]) -> str:
    return "".join(f"{stamp(start)} {title}\n" for start, title in chapters)


# -- what the page shows -----------------------------------------------------------------
def sections(plan: Plan, records: list[tuple[Entry, Record]]) -> list[dict]:
    """Per section: its chapter (start, end, title), poster, and beats in lesson time."""
    out = []
    for (entry, record), (start, end, title) in zip(records, join.chapters(plan, records)):
        offset = start / 1000
        beats = json.loads((plan.out_dir / f"{entry.stem}.beats.json").read_text(encoding="utf-8"))
        thumbs = [plan.out_dir / record.store / c["thumb"] for c in record.clips]
        out.append(
            {
                "entry": entry,
                "record": record,
                "title": title,
                "start": offset,
                "end": end / 1000,
                "poster": str(plan.poster(entry).relative_to(plan.out_dir)),
                "beats": [
                    {
                        "name": b["name"],
                        "text": b["narration"],
                        "start": offset + b["start"],
                        "end": offset + b["end"],
                        "thumb": thumbs[k] if k < len(thumbs) else None,
                    }
                    for k, b in enumerate(beats)
                ],
            }
        )
    return out


def fingerprint(plan: Plan, records: list[tuple[Entry, Record]]) -> str:
    from renderer import slides

    h = hashlib.sha256()
    for key, value in (
        ("recipe", RECIPE),
        ("code", cache.file_hash(Path(__file__))),
        ("theme", plan.theme),
        ("colours", repr(_theme(plan))),
        ("voice", plan.voice),
        ("lesson", join.fingerprint(plan, records)),
        ("decks", _read(slides.marker(plan)) if _decks(plan) else ""),
        ("notebook", notebook.fingerprint(plan)),  # NOTEBOOK HOOK (issue 20): its code, checkpoints, explorers
    ):
        h.update(f"{key}={value}\n".encode())
    for entry, record in outputs.published(plan):  # the downloads list their clips
        h.update(f"clips {entry.stem}={outputs.clips_marker(record)}\n".encode())
    return h.hexdigest()


def marker(plan: Plan) -> Path:
    return plan.out_dir / ".cache" / "page.fingerprint"


def is_current(plan: Plan, fp: str) -> bool:
    return _read(marker(plan)) == fp and (plan.out_dir / PAGE).exists() and (plan.out_dir / ASSETS).is_dir()


def build(plan: Plan, records: list[tuple[Entry, Record]]) -> str:
    """Write the page and its files unless they are current; returns a note for the summary."""
    fp = fingerprint(plan, records)
    page = plan.out_dir / PAGE
    if not plan.force and is_current(plan, fp):
        return f"page: {page} (reused)"
    started = time.monotonic()
    tmp = plan.out_dir / f".page.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / ASSETS).mkdir(parents=True)
    try:
        parts = sections(plan, records)
        for s in parts:
            for b in s["beats"]:
                if b["thumb"] is not None:
                    b["still"] = f"{ASSETS}/stills/{s['entry'].stem}/{b['thumb'].name}"
                    atomic.link_or_copy(b["thumb"], tmp / b["still"])
        srt = plan.lesson_subtitles
        lesson_vtt = captions.to_vtt(captions.parse(srt.read_text(encoding="utf-8"))) if srt.exists() else "WEBVTT\n\n"
        chapters_vtt = captions.to_vtt([captions.Cue(s["start"], s["end"], s["title"]) for s in parts])
        total = parts[-1]["end"]
        yt = youtube_chapters([(s["start"], s["title"]) for s in parts], total)
        (tmp / "lesson.vtt").write_text(lesson_vtt, encoding="utf-8")
        (tmp / "chapters.vtt").write_text(chapters_vtt, encoding="utf-8")
        if yt is not None:
            (tmp / "youtube-chapters.txt").write_text(youtube_text(yt), encoding="utf-8")
        write_html(plan, parts, {"captions": lesson_vtt, "chapters": chapters_vtt}, tmp, tmp / PAGE)
        # Swap in: the page's folder and files first, the page itself last.
        atomic.replace_dir(tmp / ASSETS, plan.out_dir / ASSETS)
        for name in FILES:
            if (tmp / name).exists():
                atomic.replace(tmp / name, plan.out_dir / name)
            else:
                (plan.out_dir / name).unlink(missing_ok=True)  # no longer valid (a lesson too short)
        atomic.replace(tmp / PAGE, page)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    atomic.write_text(marker(plan), fp)
    yt_note = (
        f"youtube-chapters.txt {len(yt)} chapters"
        if yt is not None
        else f"no youtube-chapters.txt: YouTube needs {YT_MIN_CHAPTERS} chapters of {YT_MIN_SECONDS} s"
    )
    return (
        f"page: {page} (built in {time.monotonic() - started:.2f} s, {_size(page)}, "
        f"{sum(len(s['beats']) for s in parts)} transcript lines; {yt_note})"
    )


def build_watch(plan: Plan, records: list[tuple[Entry, Record]], versions: dict[str, int]) -> Path:
    """The live preview's page (``watch.html``) for the watched sections that have a video.

    Unlike the lesson page it needs no joined lesson: each section plays its own
    video (NN-name.mp4), its beats are the transcript, the sections are the
    chapters (click one to show it); the page follows the watcher's state
    (renderer/watch.py). Returns its path."""
    parts = []
    for entry, record in records:
        beats = json.loads((plan.out_dir / f"{entry.stem}.beats.json").read_text(encoding="utf-8"))
        parts.append(
            {
                "entry": entry,
                "record": record,
                "title": entry.label,
                "start": 0.0,
                "end": record.duration,
                "stem": entry.stem,
                "video": record.video,
                "vtt": f"{entry.stem}.vtt",
                "poster": record.poster,
                "version": versions.get(entry.name, 0),
                "beats": [
                    {"name": b["name"], "text": b["narration"], "start": b["start"], "end": b["end"]} for b in beats
                ],
            }
        )
    dest = plan.out_dir / WATCH_PAGE
    tmp = plan.out_dir / f".{WATCH_PAGE}.tmp-{os.getpid()}"
    if not parts:
        tmp.write_text(
            "<!doctype html><meta charset=utf-8><title>rendering</title>"
            "<p>Nothing rendered yet: see the terminal. This page reloads in 2 s."
            "<script>setTimeout(() => location.reload(), 2000)</script>\n",
            encoding="utf-8",
        )
    else:
        first = parts[0]
        vtt = (
            (plan.out_dir / first["vtt"]).read_text(encoding="utf-8")
            if (plan.out_dir / first["vtt"]).exists()
            else "WEBVTT\n\n"
        )
        chapters_vtt = captions.to_vtt([captions.Cue(0.0, first["end"], first["title"])])
        write_html(plan, parts, {"captions": vtt, "chapters": chapters_vtt}, plan.out_dir, tmp, watch=True)
    os.chmod(tmp, atomic.FILE_MODE)
    atomic.replace(tmp, dest)
    return dest


def _read(path: Path) -> str | None:
    try:
        return path.read_text().strip()
    except OSError:
        return None


def _decks(plan: Plan) -> list[Path]:
    from renderer import slides

    return [plan.slides_dir / name for name in slides.DECKS if (plan.slides_dir / name).exists()]


def _size(path: Path) -> str:
    size = path.stat().st_size
    if size >= 2**20:
        return f"{size / 2**20:.1f} MiB"
    return f"{size / 2**10:.0f} KiB" if size >= 2**10 else f"{size} B"


def _theme(plan: Plan):
    from scenes.style import THEMES

    return THEMES[plan.theme]


# -- the page ------------------------------------------------------------------------------
def write_html(
    plan: Plan, parts: list[dict], vtt: dict[str, str], folder: Path, dest: Path, watch: bool = False
) -> None:
    """The page; ``watch``: the live preview's, one section's own video at a time (see build_watch)."""
    t = _theme(plan)
    esc = html.escape
    out = plan.out_dir
    title = plan.manifest.title + (" — live preview" if watch else "")
    total = parts[0]["end"] if watch else parts[-1]["end"]

    def link(path: str, text: str, label: str | None = None) -> str:
        """A download link with the file's size; files made by this build are in ``folder``."""
        where = folder / path if (folder / path).exists() else out / path
        aria = f' aria-label="{esc(label)}"' if label else ""
        return f'<a href="{esc(path)}" download{aria}>{esc(text)}</a> <span class="size">{_size(where)}</span>'

    chapters = "\n".join(
        f'<li data-start="{s["start"]:.3f}"><button type="button" class="chapter" data-t="{s["start"]:.3f}" '
        f'aria-label="Chapter {k}: {esc(s["title"])}, starts at {stamp(s["start"])}">'
        f'<img src="{esc(s["poster"])}" alt="" width="192" height="108">'
        f'<span class="name">{esc(s["title"])}</span><span class="at">{stamp(s["start"])}</span></button></li>'
        for k, s in enumerate(parts, start=1)
    )
    if watch:  # one chapter per watched section: clicking one shows its video
        chapters = "\n".join(
            f'<li data-section="{esc(s["stem"])}"{CURRENT if k == 1 else ""}>'
            f'<button type="button" class="chapter" data-section="{esc(s["stem"])}" '
            f'aria-label="Section {k}: {esc(s["title"])}, {stamp(s["end"])} long">'
            f'<img src="{esc(s["poster"])}?v={s["version"]}" alt="" width="192" height="108">'
            f'<span class="name">{esc(s["title"])}</span><span class="at">{stamp(s["end"])}</span></button></li>'
            for k, s in enumerate(parts, start=1)
        )

    transcript = []
    for s in parts:
        lines = []
        for b in s["beats"]:
            still = f'<img class="still" src="{esc(b["still"])}" alt="">' if b.get("still") else ""
            lines.append(
                f'<li class="line" data-start="{b["start"]:.3f}" data-end="{b["end"]:.3f}">'
                f'<button type="button" class="stamp" data-t="{b["start"]:.3f}" '
                f'aria-label="Play from {stamp(b["start"])}">{stamp(b["start"])}</button>'
                f'{still}<span class="text">{esc(b["text"])}</span></li>'
            )
        attrs = (f' data-section="{esc(s["stem"])}"' + ("" if s is parts[0] else " hidden")) if watch else ""
        transcript.append(
            f"<section{attrs}><h3>{esc(s['title'])}</h3>\n<ol>\n" + "\n".join(lines) + "\n</ol></section>"
        )

    lesson_files, decks, clips, rows = [], [], {}, []
    if not watch:  # the live preview has no joined lesson: no downloads
        lesson_files = [link(plan.lesson_video.name, plan.lesson_video.name)]
        lesson_files += [
            link(name, name)
            for name in ("lesson.srt", "lesson.vtt", "chapters.vtt", "youtube-chapters.txt")
            if (folder / name).exists() or (name == "lesson.srt" and (out / name).exists())
        ]
        decks = [link(str(p.relative_to(out)), p.name) for p in _decks(plan)]
        clips = {e.stem: r for e, r in outputs.published(plan)}
    for s in [] if watch else parts:
        entry, record = s["entry"], s["record"]
        subs = [
            link(f"{entry.stem}{ext}", ext[1:].upper(), f"{s['title']}: captions ({ext[1:].upper()})")
            for ext in (".srt", ".vtt")
            if (out / f"{entry.stem}{ext}").exists()
        ]
        cell = "—"
        if entry.stem in clips:
            items = []
            for c in clips[entry.stem].clips:
                base = f"clips/{entry.stem}/"
                files = [link(base + c["file"], "video", f"{c['name']}: video")]
                files += [
                    link(base + c[k], k.upper(), f"{c['name']}: captions ({k.upper()})")
                    for k in ("srt", "vtt")
                    if c.get(k)
                ]
                items.append(f"<li>{esc(c['name'])}: {' '.join(files)}</li>")
            cell = f"<details><summary>{len(items)} clips</summary><ol>{''.join(items)}</ol></details>"
        rows.append(
            f'<tr><th scope="row">{esc(s["title"])}</th>'
            f"<td>{link(record.video, record.video)}</td><td>{' '.join(subs)}</td><td>{cell}</td></tr>"
        )
    decks_html = f"<h3>Slide decks</h3><ul><li>{'</li><li>'.join(decks)}</li></ul>" if decks else ""
    # A <script> holds no "</": the JSON escapes it so the WebVTT copies stay intact.
    info: dict = {"vtt": vtt}
    video_src, captions_src, chapters_src = plan.lesson_video.name, "lesson.vtt", "chapters.vtt"
    header = (
        f"{len(parts)} chapters, {stamp(total)} · captions on by default ·\n  "
        "the transcript follows the video: click a line to play from it"
    )
    banner = watch_script = ""
    if watch:
        first = parts[0]
        info["watch"] = {"current": first["stem"], "versions": {s["stem"]: s["version"] for s in parts}}
        video_src = f"{first['video']}?v={first['version']}"
        captions_src, chapters_src = f"{first['vtt']}?v={first['version']}", ""  # chapters: the page's copy
        header = (
            f"live preview of {len(parts)} section{'s' if len(parts) != 1 else ''}: save a scene and the "
            "changed beat shows here · click a section to show it"
        )
        banner = (
            '<div id="watch-status" role="status" aria-live="polite" class="muted">watching</div>\n'
            '<pre id="watch-error" role="alert" hidden></pre>'
        )
        watch_script = f"<script>\n{WATCH_JS}\n</script>"
    items, body = "</li><li>".join(lesson_files), "\n".join(rows)
    downloads = (
        ""
        if watch
        else f"""<section id="downloads" aria-labelledby="downloads-title">
  <h2 id="downloads-title">Downloads</h2>
  <h3>The whole lesson</h3>
  <ul><li>{items}</li></ul>
  {decks_html}
  <h3>Sections</h3>
  <table>
    <thead><tr><th scope="col">Section</th><th scope="col">Video</th><th scope="col">Captions</th><th scope="col">Beat clips</th></tr></thead>
    <tbody>
{body}
    </tbody>
  </table>
</section>"""
    )
    data = json.dumps(info, ensure_ascii=False).replace("</", "<\\/")
    # NOTEBOOK HOOK (issue 20): step mode, checkpoints, explorers; placed below as nb.style,
    # nb.controls, nb.panel, nb.explorers and nb.script (the code is assets/page/notebook.js and .css).
    nb = notebook.page_parts(plan, parts, watch)

    page = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="{"dark" if t.name == "dark" else "light"}">
<title>{esc(title)}</title>{'<link rel="icon" href="data:,">' if watch else ""}
<style>
  :root {{ --bg: {t.background}; --text: {t.text}; --muted: {t.muted}; --panel: {t.panel};
          --accent: {t.grad}; --focus: {t.highlight}; --link: {t.w}; }}
  * {{ box-sizing: border-box; }}
  body {{ margin: 0; background: var(--bg); color: var(--text);
         font: 16px/1.5 "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; }}
  a {{ color: var(--link); }}
  :focus-visible {{ outline: 3px solid var(--focus); outline-offset: 2px; }}
  .skip {{ position: absolute; left: 8px; top: -48px; background: var(--panel); padding: 8px 12px; z-index: 9; }}
  .skip:focus {{ top: 8px; }}
  header {{ padding: 16px 24px 0; }}
  h1 {{ margin: 0 0 4px; font-size: 28px; }}
  h2 {{ font-size: 20px; margin: 24px 0 8px; }}
  h3 {{ font-size: 16px; margin: 16px 0 4px; color: var(--muted); }}
  .muted, .size, .keys {{ color: var(--muted); }}
  .size {{ font-size: 13px; }}
  main {{ display: grid; grid-template-columns: minmax(0, 2fr) minmax(300px, 1fr); gap: 24px; padding: 0 24px 24px; }}
  @media (max-width: 900px) {{ main {{ grid-template-columns: 1fr; }} #transcript {{ position: static; max-height: 60vh; }} }}
  video {{ display: block; width: 100%; aspect-ratio: {plan.quality.width} / {plan.quality.height}; background: #000; }}
  .controls {{ display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 10px 0 4px; }}
  button {{ font: inherit; color: var(--text); background: var(--panel); border: 1px solid var(--muted);
           border-radius: 6px; padding: 6px 12px; cursor: pointer; }}
  button[aria-pressed="true"] {{ border-color: var(--accent); color: var(--accent); }}
  #time {{ margin-left: auto; font-variant-numeric: tabular-nums; }}
  .keys {{ font-size: 14px; margin: 0; }}
  ol {{ margin: 0; padding: 0; list-style: none; }}
  #chapters ol {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 12px; }}
  .chapter {{ display: flex; flex-direction: column; gap: 4px; width: 100%; height: 100%; padding: 6px; text-align: left; }}
  .chapter img {{ width: 100%; height: auto; aspect-ratio: 16 / 9; object-fit: cover; border-radius: 3px; }}
  .chapter .at {{ font-size: 14px; font-variant-numeric: tabular-nums; }}  /* muted on the panel: too faint */
  #chapters li.current .chapter {{ border-color: var(--accent); box-shadow: inset 0 0 0 2px var(--accent); }}
  #chapters li.current .name {{ font-weight: bold; }}
  #transcript {{ position: sticky; top: 0; max-height: 100vh; overflow-y: auto; padding: 0 8px 24px 0; }}
  #transcript h2 {{ margin-top: 16px; }}
  .line {{ display: flex; gap: 10px; align-items: baseline; padding: 6px 8px; border-left: 4px solid transparent;
          border-radius: 4px; cursor: pointer; }}
  .line.current {{ background: var(--panel); border-left-color: var(--accent); }}
  .stamp {{ padding: 0 6px; font-size: 13px; font-variant-numeric: tabular-nums; flex: none; }}
  .still {{ display: none; }}
  #downloads {{ padding: 0 24px 32px; }}
  #watch-status {{ margin: 4px 0; }}
  #watch-error {{ white-space: pre-wrap; margin: 8px 0; padding: 10px 14px; border-left: 6px solid {t.L};
                 background: var(--panel); color: var(--text); font: 14px/1.4 "DejaVu Sans Mono", monospace; }}
  table {{ border-collapse: collapse; width: 100%; }}
  th, td {{ text-align: left; vertical-align: top; padding: 6px 10px; border-bottom: 1px solid var(--panel); }}
  details ol {{ list-style: decimal; padding-left: 24px; }}
  @media print {{
    body {{ background: #fff; color: #000; font-size: 11pt; }}
    .skip, .player, #chapters, #downloads, .keys, .hint, header p {{ display: none; }}
    main {{ display: block; padding: 0; }}
    #transcript {{ position: static; max-height: none; overflow: visible; }}
    .line {{ break-inside: avoid; align-items: flex-start; border: 0; background: none; cursor: auto; }}
    .stamp {{ border: 0; background: none; color: #000; }}
    .still {{ display: block; width: 45mm; height: auto; flex: none; }}
    h3 {{ color: #000; break-after: avoid; }}
  }}
</style>
{nb.style}
</head>
<body>
<a class="skip" href="#transcript">Skip to the transcript</a>
<header>
  <h1>{esc(title)}</h1>
  <p class="muted">{header}</p>
  {banner}
</header>
<main>
<div>
  <div class="player">
    <video id="video" controls preload="metadata" playsinline src="{esc(video_src)}"
           poster="{esc(parts[0]["poster"])}" aria-label="{esc(title)}: the lesson video">
      <track kind="captions" src="{esc(captions_src)}" srclang="en" label="English" default data-copy="captions">
      <track kind="chapters" src="{esc(chapters_src)}" srclang="en" label="Chapters" data-copy="chapters">
    </video>
    <div class="controls" role="group" aria-label="Player">
      <button type="button" id="play" aria-label="Play">Play</button>
      <button type="button" id="back" aria-label="Back 5 seconds">−5 s</button>
      <button type="button" id="forward" aria-label="Forward 5 seconds">+5 s</button>
      <button type="button" id="prev" aria-label="Previous chapter">Previous chapter</button>
      <button type="button" id="next" aria-label="Next chapter">Next chapter</button>
      <button type="button" id="cc" aria-pressed="true" aria-label="Captions">Captions</button>
      {nb.controls}
      <span id="time">0:00 / {stamp(total)}</span>
    </div>
    <p class="keys">Keys: Space play or pause · ← → 5 s · Shift+← → previous or next chapter</p>
{nb.panel}
  </div>
{nb.explorers}
  <nav id="chapters" aria-labelledby="chapters-title">
    <h2 id="chapters-title">Chapters</h2>
    <ol>
{chapters}
    </ol>
  </nav>
</div>
<aside id="transcript" aria-labelledby="transcript-title" tabindex="-1">
  <h2 id="transcript-title">Transcript</h2>
  <p class="hint muted">Every narrated line, in order; the current one is highlighted.</p>
{chr(10).join(transcript)}
</aside>
</main>
{downloads}
<script type="application/json" id="page-data">{data}</script>
<script>
(() => {{
  const video = document.getElementById("video");
  const data = JSON.parse(document.getElementById("page-data").textContent);
  // Chromium treats every file:// page as its own origin and loads no <track> from
  // disk: there the tracks get the copies of the same WebVTT kept in this page.
  for (const el of video.querySelectorAll("track")) {{
    const useCopy = () => {{
      if (!el.src.startsWith("blob:")) {{
        el.src = URL.createObjectURL(new Blob([data.vtt[el.dataset.copy]], {{type: "text/vtt"}}));
      }}
    }};
    el.addEventListener("error", useCopy);
    if (location.protocol === "file:" || el.readyState === 3 || !el.getAttribute("src")) useCopy();
  }}
  const captions = video.querySelector("track[kind=captions]").track;
  video.querySelector("track[kind=chapters]").track.mode = "hidden";  // loaded, not shown
  const $ = (id) => document.getElementById(id);
  // The live preview (data.watch) shows one section at a time: its sections are not chapters in time.
  const chapters = data.watch ? [] : [...document.querySelectorAll("#chapters li")];
  let lines = [...document.querySelectorAll(data.watch ? "#transcript section:not([hidden]) .line" : "#transcript .line")];
  const scroller = $("transcript");
  const fmt = (s) => {{
    s = Math.floor(s + 1e-6);
    const h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60, r = String(s % 60).padStart(2, "0");
    return h ? `${{h}}:${{String(m).padStart(2, "0")}}:${{r}}` : `${{m}}:${{r}}`;
  }};
  const total = {total:.3f};

  function seek(t) {{
    video.currentTime = Math.max(0, Math.min(t, video.duration || total));
    update();
  }}
  function toggle() {{ if (video.paused || video.ended) video.play(); else video.pause(); }}
  function showCaptions(on) {{
    captions.mode = on ? "showing" : "hidden";
    $("cc").setAttribute("aria-pressed", String(on));  // "change" comes later, and also from the video's menu
  }}
  function chapterStep(step) {{
    const t = video.currentTime;
    if (!chapters.length) return;
    let k = current(chapters, t);
    // "Previous" from inside a chapter goes back to its start first, as players do.
    if (step < 0 && k >= 0 && t - chapters[k].dataset.start > 2) step = 0;
    k = Math.max(0, Math.min(chapters.length - 1, k + step));
    seek(+chapters[k].dataset.start);
  }}
  function current(items, t) {{
    let k = -1;
    for (let i = 0; i < items.length; i++) if (+items[i].dataset.start <= t + 0.001) k = i;
    return k;
  }}
  function mark(items, before, now) {{
    if (before >= 0) {{ items[before].classList.remove("current"); items[before].removeAttribute("aria-current"); }}
    if (now >= 0) {{ items[now].classList.add("current"); items[now].setAttribute("aria-current", "true"); }}
  }}
  // The transcript follows the video unless the reader scrolled it a moment ago.
  let readerScrolled = 0;
  for (const kind of ["wheel", "touchmove"]) scroller.addEventListener(kind, () => {{ readerScrolled = Date.now(); }});
  function follow(el) {{
    if (Date.now() - readerScrolled < 4000) return;
    const box = scroller.getBoundingClientRect(), r = el.getBoundingClientRect();
    if (r.top < box.top + 40 || r.bottom > box.bottom - 40) scroller.scrollTop += r.top - box.top - box.height / 3;
  }}
  let chapter = -1, line = -1;
  function update() {{
    const t = video.currentTime;
    const c = current(chapters, t), l = current(lines, t);
    if (c !== chapter) {{ mark(chapters, chapter, c); chapter = c; }}
    if (l !== line) {{ mark(lines, line, l); line = l; if (l >= 0) follow(lines[l]); }}
    $("time").textContent = `${{fmt(t)}} / ${{fmt(video.duration || total)}}`;
  }}
  for (const kind of ["timeupdate", "seeked", "seeking", "loadedmetadata"]) video.addEventListener(kind, update);
  video.addEventListener("play", () => {{ $("play").textContent = "Pause"; $("play").setAttribute("aria-label", "Pause"); }});
  video.addEventListener("pause", () => {{ $("play").textContent = "Play"; $("play").setAttribute("aria-label", "Play"); }});
  video.textTracks.addEventListener("change", () => $("cc").setAttribute("aria-pressed", String(captions.mode === "showing")));

  $("play").addEventListener("click", toggle);
  $("back").addEventListener("click", () => seek(video.currentTime - 5));
  $("forward").addEventListener("click", () => seek(video.currentTime + 5));
  $("prev").addEventListener("click", () => chapterStep(-1));
  $("next").addEventListener("click", () => chapterStep(1));
  $("cc").addEventListener("click", () => showCaptions(captions.mode !== "showing"));
  for (const b of document.querySelectorAll(".chapter[data-t], #transcript [data-t]")) if (!data.watch) b.addEventListener("click", (e) => {{
    e.stopPropagation();
    seek(+b.dataset.t);
  }});
  function bindLine(li) {{
    li.addEventListener("click", () => {{
      if (String(window.getSelection()).length === 0) seek(+li.dataset.start);  // not while selecting text
    }});
    const b = li.querySelector("[data-t]");
    if (b && data.watch) b.addEventListener("click", (e) => {{ e.stopPropagation(); seek(+b.dataset.t); }});
  }}
  for (const li of document.querySelectorAll("#transcript .line")) bindLine(li);
  // For the live preview's script: a section's lines replace the ones followed.
  window.lessonPage = {{
    seek, update, bindLine, stamp: fmt,
    setLines(items) {{ mark(lines, line, -1); lines = items; line = -1; update(); }},
  }};
  document.addEventListener("keydown", (e) => {{
    if (e.altKey || e.ctrlKey || e.metaKey || e.target.isContentEditable) return;
    const tag = e.target.tagName;
    if (["INPUT", "TEXTAREA", "SELECT"].includes(tag)) return;
    if (e.key === " " && !["BUTTON", "A", "SUMMARY"].includes(tag)) toggle();  // Space on a control presses it
    else if (e.key === "ArrowLeft" || e.key === "ArrowRight") {{
      const step = e.key === "ArrowLeft" ? -1 : 1;
      if (e.shiftKey) chapterStep(step); else seek(video.currentTime + 5 * step);
    }} else return;
    e.preventDefault();  // also keeps the video's own key handling from doing it twice
  }});
  update();
}})();
</script>
{watch_script}
{nb.script}
</body>
</html>
"""
    dest.write_text(page, encoding="utf-8")


# The live preview's script (./render.sh --watch): follows /__watch/state (renderer/watch.py).
# A section's new video replaces the old one in place (cache-busting query), at the first
# beat that changed, playing if it was playing; its transcript is rebuilt from the state.
# A failed render shows its error; the video on screen stays.
WATCH_JS = r"""
(() => {
  const data = JSON.parse(document.getElementById("page-data").textContent).watch;
  const page = window.lessonPage;
  const video = document.getElementById("video");
  const track = video.querySelector("track[kind=captions]");
  const status = document.getElementById("watch-status"), errbox = document.getElementById("watch-error");
  const shown = Object.assign({}, data.versions);  // section -> version on the page
  let current = data.current, last = null;
  video.dataset.section = current;
  video.dataset.version = shown[current];
  const sectionEl = (stem) => document.querySelector(`#transcript section[data-section="${stem}"]`);
  const linesOf = (stem) => [...sectionEl(stem).querySelectorAll(".line")];

  function show(stem) {
    current = stem;
    for (const s of document.querySelectorAll("#transcript section[data-section]")) s.hidden = s.dataset.section !== stem;
    for (const li of document.querySelectorAll("#chapters li[data-section]")) {
      const on = li.dataset.section === stem;
      li.classList.toggle("current", on);
      if (on) li.setAttribute("aria-current", "true"); else li.removeAttribute("aria-current");
    }
    page.setLines(linesOf(stem));
  }
  function load(stem, info, t, play) {
    const v = `?v=${info.version}`;
    const tt = track.track, mode = tt.mode;
    tt.mode = "hidden";  // hidden while its cues change, or Chromium keeps showing a removed one
    video.addEventListener("loadedmetadata", () => {
      tt.mode = mode;
      video.currentTime = Math.max(0, Math.min(t, video.duration - 0.01));
      if (play) video.play().catch(() => {});
      page.update();
    }, {once: true});
    video.poster = info.poster + v;
    video.src = info.video + v;
    // The same caption track, its cues replaced: a new src would leave the old cues showing.
    for (const c of [...(tt.cues || [])]) tt.removeCue(c);
    for (const [start, end, text] of info.cues) tt.addCue(new VTTCue(start, end, text));
    video.dataset.section = stem;
    video.dataset.version = info.version;
    const img = document.querySelector(`#chapters li[data-section="${stem}"] img`);
    if (img) img.src = info.poster + v;
  }
  function transcript(stem, beats) {
    const ol = sectionEl(stem).querySelector("ol");
    ol.replaceChildren(...beats.map((b) => {
      const li = document.createElement("li");
      li.className = "line";
      li.dataset.start = b.start.toFixed(3);
      li.dataset.end = b.end.toFixed(3);
      const at = document.createElement("button");
      at.type = "button"; at.className = "stamp"; at.dataset.t = b.start.toFixed(3);
      at.textContent = page.stamp(b.start);
      at.setAttribute("aria-label", `Play from ${page.stamp(b.start)}`);
      const text = document.createElement("span");
      text.className = "text"; text.textContent = b.text;
      li.append(at, text);
      page.bindLine(li);
      return li;
    }));
  }
  for (const b of document.querySelectorAll(".chapter[data-section]")) b.addEventListener("click", () => {
    const stem = b.dataset.section;
    if (stem === current || !last || !last.sections[stem]) return;
    show(stem);
    load(stem, last.sections[stem], 0, false);
  });

  function apply(state) {
    last = state;
    status.textContent = state.rendering.length ? `rendering ${state.rendering.join(", ")} …`
                                                : "watching: save a scene and its changed beat shows here";
    const errors = [];
    for (const [stem, info] of Object.entries(state.sections)) {
      if (info.status === "failed" && info.error) {
        const e = info.error, where = e.file ? `${e.file}, line ${e.line}\n` : "";
        errors.push(`${stem}: ${where}${e.error}${e.code ? "\n    " + e.code : ""}`);
        continue;
      }
      if (info.status !== "ok" || shown[stem] === info.version || !sectionEl(stem)) continue;
      shown[stem] = info.version;
      const same = stem === current;
      const playing = !video.paused && !video.ended;
      const t = info.seek !== null && info.seek !== undefined ? info.seek : (same ? video.currentTime : 0);
      transcript(stem, info.beats);
      show(stem);
      load(stem, info, t, playing);
    }
    errbox.hidden = !errors.length;
    errbox.textContent = errors.length ? "Render failed (the video shows the last good render):\n" + errors.join("\n\n") : "";
    document.body.classList.toggle("watch-failed", errors.length > 0);
  }
  async function poll() {
    try {
      const r = await fetch("/__watch/state", {cache: "no-store"});
      if (r.ok) apply(await r.json());
    } catch (e) {
      status.textContent = "the watcher is not running (stopped?)";
    }
    setTimeout(poll, 500);
  }
  poll();
})();
"""
