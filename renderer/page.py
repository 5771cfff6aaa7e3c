"""The lesson page: ``<variant>/index.html``, to watch, navigate and read along.

Made from outputs that already exist (the joined lesson, the sections' beats,
captions and posters, the published clips, the decks); nothing is rendered.
Beside the page::

    index.html             the lesson video with captions on, the chapters (posters, start
                           times), the transcript (every beat's line, highlighted as it plays),
                           the downloads; works from disk, loads nothing from the network
    lesson.vtt             the lesson's captions as WebVTT (lesson.srt is written by the join)
    chapters.vtt           one WebVTT cue per section (a kind="chapters" track)
    descriptions.vtt       every beat's audio description as text (a kind="descriptions" track,
                           read out by the page's live region; WCAG 1.2.5, 1.2.8)
    youtube-chapters.txt   the chapters as YouTube reads them from a description
    page/stills/NN-name/   a still per beat, for the printed transcript
    page/variant.js        this version's beat times: the other version's page (plain or
                           --described) loads it from disk to offer its Described switch

The page's markup, style and scripts are assets/page/ (lesson.html, parts.html,
page.css, page.js, watch.js); this module fills them. What the scripts need is
in the page's JSON block. Everything is built in a hidden folder and moved in
only when complete, the page itself last (renderer/publish.py), so a failed
build keeps the previous page. It is rebuilt only when what it shows or its
templates changed: ``.cache/page.fingerprint`` remembers that.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from common import atomic
from narration import captions
from renderer import cache, join, notebook, outputs, publish, templates
from renderer.cache import Record
from renderer.plan import Entry, Plan
from renderer.templates import Raw

RECIPE = "page-1"
PAGE = "index.html"
WATCH_PAGE = "watch.html"
ASSETS = "page"  # the page's own files (stills), swapped in whole
FILES = ("lesson.vtt", "chapters.vtt", "descriptions.vtt", "youtube-chapters.txt")
TEMPLATES = ("page", "fonts.json")  # what the page is drawn from, under assets/

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
                        "description": b.get("description") or "",
                        # the described version speaks it from here; the plain one has no hold
                        "described_at": offset + (b.get("description_start") or b["start"]),
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
    h = publish.digest(
        ("recipe", RECIPE),
        ("code", cache.file_hash(Path(__file__))),
        ("templates", templates.digest(*TEMPLATES)),
        ("theme", plan.theme),
        ("colours", repr(outputs.theme(plan))),
        ("voice", plan.voice),
        ("lesson", join.fingerprint(plan, records)),
        ("decks", publish.read(plan.slides_marker) if _decks(plan) else ""),
        ("notebook", notebook.fingerprint(plan)),  # its checkpoints' inputs and the explorers' data
    )
    for entry, record in outputs.published(plan, records):  # the downloads list their clips
        h.update(f"clips {entry.stem}={outputs.clips_marker(record)}\n".encode())
    return h.hexdigest()


def product(plan: Plan, records: list[tuple[Entry, Record]]) -> publish.Product:
    """The page of ``records`` (the whole lesson); renderer/publish.py builds it when stale."""
    page = plan.out_dir / PAGE
    return publish.Product(
        name="page",
        marker=plan.page_marker,
        fingerprint=lambda: fingerprint(plan, records),
        outputs=(ASSETS, *FILES, PAGE),
        required=(PAGE, ASSETS),
        build=lambda stage: build(plan, records, stage),
        reused=lambda: f"page: {page} (reused)",
        needs=("lesson video",),
        kept="the previous page is kept",
    )


def build(plan: Plan, records: list[tuple[Entry, Record]], stage: Path) -> str:
    """Write the page and its files into ``stage``; returns a note for the summary."""
    started = time.monotonic()
    (stage / ASSETS).mkdir()
    parts = sections(plan, records)
    for s in parts:
        for b in s["beats"]:
            if b["thumb"] is not None:
                b["still"] = f"{ASSETS}/stills/{s['entry'].stem}/{b['thumb'].name}"
                atomic.link_or_copy(b["thumb"], stage / b["still"])
    srt = plan.lesson_subtitles
    lesson_vtt = captions.to_vtt(captions.parse(srt.read_text(encoding="utf-8"))) if srt.exists() else "WEBVTT\n\n"
    chapters_vtt = captions.to_vtt([captions.Cue(s["start"], s["end"], s["title"]) for s in parts])
    yt = youtube_chapters([(s["start"], s["title"]) for s in parts], parts[-1]["end"])
    descriptions_vtt = captions.to_vtt(description_cues(plan, parts))
    (stage / "lesson.vtt").write_text(lesson_vtt, encoding="utf-8")
    (stage / "chapters.vtt").write_text(chapters_vtt, encoding="utf-8")
    (stage / "descriptions.vtt").write_text(descriptions_vtt, encoding="utf-8")
    if yt is not None:
        (stage / "youtube-chapters.txt").write_text(youtube_text(yt), encoding="utf-8")
    (stage / ASSETS / "variant.js").write_text(variant_script(plan, parts), encoding="utf-8")
    vtt = {"captions": lesson_vtt, "chapters": chapters_vtt, "descriptions": descriptions_vtt}
    write_html(plan, parts, vtt, stage, stage / PAGE)
    yt_note = (
        f"youtube-chapters.txt {len(yt)} chapters"
        if yt is not None
        else f"no youtube-chapters.txt: YouTube needs {YT_MIN_CHAPTERS} chapters of {YT_MIN_SECONDS} s"
    )
    return (
        f"page: {plan.out_dir / PAGE} (built in {publish.since(started):.2f} s, {publish.size(stage / PAGE)}, "
        f"{sum(len(s['beats']) for s in parts)} transcript lines; {yt_note})"
    )


def description_cues(plan: Plan, parts: list[dict]) -> list[captions.Cue]:
    """A cue per described beat: in the described version while it is spoken (the picture
    holds), in the plain one for the whole beat (nothing holds there)."""
    cues = []
    for s in parts:
        for b in s["beats"]:
            if b["description"]:
                start = b["described_at"] if plan.described and b["described_at"] < b["end"] else b["start"]
                cues.append(captions.Cue(start, b["end"], b["description"]))
    return cues


def variant_script(plan: Plan, parts: list[dict]) -> str:
    """``page/variant.js``: this version's beat times, for the other version's Described
    switch (a script, not JSON: a page opened from disk may load a script, not fetch a file)."""
    beats = [[round(b["start"], 3), round(b["end"], 3)] for s in parts for b in s["beats"]]
    table = json.dumps({"beats": beats, "page": PAGE}, separators=(",", ":"))
    return f"(window.lessonVariants = window.lessonVariants || {{}})[{json.dumps(plan.variant)}] = {table};\n"


def without_variant_probe(text: str) -> str:
    """The page without its look for the other version (a SCORM package holds one version)."""
    return re.sub(r'<script id="variant-probe"[^>]*></script>\n?', "", text)


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
                    {
                        "name": b["name"],
                        "text": b["narration"],
                        "description": b.get("description") or "",
                        "start": b["start"],
                        "end": b["end"],
                    }
                    for b in beats
                ],
            }
        )
    dest = plan.out_dir / WATCH_PAGE
    with atomic.writing(dest, "watch") as tmp:
        if not parts:
            tmp.write_text(templates.text("page/waiting.html"), encoding="utf-8")
        else:
            first = parts[0]
            vtt = plan.out_dir / first["vtt"]
            captions_vtt = vtt.read_text(encoding="utf-8") if vtt.exists() else "WEBVTT\n\n"
            chapters_vtt = captions.to_vtt([captions.Cue(0.0, first["end"], first["title"])])
            vtt = {"captions": captions_vtt, "chapters": chapters_vtt, "descriptions": "WEBVTT\n\n"}
            write_html(plan, parts, vtt, plan.out_dir, tmp, watch=True)
    return dest


def _decks(plan: Plan) -> list[Path]:
    from renderer import slides

    return [plan.slides_dir / name for name in slides.DECKS if (plan.slides_dir / name).exists()]


# -- the page ------------------------------------------------------------------------------
def write_html(
    plan: Plan, parts: list[dict], vtt: dict[str, str], folder: Path, dest: Path, watch: bool = False
) -> None:
    """The page (assets/page/lesson.html); ``watch``: the live preview's, one section's own
    video at a time (see build_watch). Files made by this build are in ``folder``."""
    piece = templates.parts("page/parts.html")
    first, total = parts[0], parts[0]["end"] if watch else parts[-1]["end"]
    data: dict = {"vtt": vtt, "total": round(total, 3)}
    if not watch:  # the Described switch: this version's beats, and where the other one is
        data["variant"] = {
            "name": plan.variant,
            "described": plan.described,
            "sibling": plan.sibling_variant,
            "beats": [[round(b["start"], 3), round(b["end"], 3)] for s in parts for b in s["beats"]],
        }
    values = {
        "title": plan.manifest.title + (" — live preview" if watch else ""),
        "color_scheme": "dark" if outputs.theme(plan).name == "dark" else "light",
        "length": stamp(total),
        "poster": first["poster"],
        "chapters": Raw("\n".join(_chapter(piece, k, s, watch) for k, s in enumerate(parts, start=1))),
        "transcript": Raw("\n".join(_transcript(piece, s, watch, s is first) for s in parts)),
    }
    if watch:
        data["watch"] = {"current": first["stem"], "versions": {s["stem"]: s["version"] for s in parts}}
        values |= {
            "icon": templates.fill(piece["icon"]),
            "header": templates.fill(
                piece["header-watch"], count=len(parts), sections="section" if len(parts) == 1 else "sections"
            ),
            "banner": templates.fill(piece["banner-watch"]),
            "video_src": f"{first['video']}?v={first['version']}",
            "captions_src": f"{first['vtt']}?v={first['version']}",
            "chapters_src": "",  # the page's copy
            "descriptions_src": "",
            "downloads": Raw(""),
            "watch_script": templates.fill(piece["watch-script"], script=Raw(templates.text("page/watch.js"))),
            "variant_probe": Raw(""),
        }
    else:
        values |= {
            "icon": Raw(""),
            "header": templates.fill(
                piece["header"],
                version=templates.fill(piece["described-version"]) if plan.described else Raw(""),
                count=len(parts),
                length=stamp(total),
            ),
            "banner": Raw(""),
            "video_src": plan.lesson_video.name,
            "captions_src": "lesson.vtt",
            "chapters_src": "chapters.vtt",
            "descriptions_src": "descriptions.vtt",
            "downloads": _downloads(plan, piece, parts, folder),
            "watch_script": Raw(""),
            # the other version's beat times, when it has been rendered beside this one
            "variant_probe": templates.fill(piece["variant-probe"], sibling=plan.sibling_variant),
        }
    # The notebook (issue 20): step mode, checkpoints, explorers (renderer/notebook.py, assets/page/notebook.*).
    nb = notebook.page_parts(plan, parts, watch)
    values |= {
        "nb_style": Raw(nb.style),
        "nb_controls": Raw(nb.controls),
        "nb_panel": Raw(nb.panel),
        "nb_explorers": Raw(nb.explorers),
        "nb_script": Raw(nb.script),
    }
    page = templates.fill(
        "page/lesson.html",
        style=templates.style("page/page.css", **outputs.style_values(plan)),
        data=templates.script_json(data),
        script=Raw(templates.text("page/page.js")),
        **values,
    )
    dest.write_text(page, encoding="utf-8")


def _chapter(piece: dict, k: int, s: dict, watch: bool) -> str:
    if watch:  # one chapter per watched section: clicking one shows its video
        return templates.fill(
            piece["chapter-watch"],
            stem=s["stem"],
            current=templates.fill(piece["current"]) if k == 1 else Raw(""),
            k=k,
            title=s["title"],
            length=stamp(s["end"]),
            poster=s["poster"],
            version=s["version"],
        )
    at = f"{s['start']:.3f}"
    return templates.fill(piece["chapter"], start=at, k=k, title=s["title"], at=stamp(s["start"]), poster=s["poster"])


def _transcript(piece: dict, s: dict, watch: bool, first: bool) -> str:
    lines = [
        templates.fill(
            piece["line"],
            start=f"{b['start']:.3f}",
            end=f"{b['end']:.3f}",
            at=stamp(b["start"]),
            still=templates.fill(piece["still"], src=b["still"]) if b.get("still") else Raw(""),
            text=b["text"],
            description=templates.fill(piece["description"], text=b["description"])
            if b.get("description")
            else Raw(""),
        )
        for b in s["beats"]
    ]
    if watch:
        hidden = Raw("") if first else templates.fill(piece["hidden"])
        return templates.fill(
            piece["section-watch"], stem=s["stem"], hidden=hidden, title=s["title"], lines=Raw("\n".join(lines))
        )
    return templates.fill(piece["section"], title=s["title"], lines=Raw("\n".join(lines)))


def _downloads(plan: Plan, piece: dict, parts: list[dict], folder: Path) -> str:
    """The downloads: the whole lesson's files, the decks, each section's video, captions and clips."""
    out = plan.out_dir

    def link(path: str, text: str, label: str | None = None) -> str:
        """A download link with the file's size; files made by this build are in ``folder``."""
        where = folder / path if (folder / path).exists() else out / path
        if label:
            return templates.fill(
                piece["download-labelled"], href=path, label=label, text=text, size=publish.size(where)
            )
        return templates.fill(piece["download"], href=path, text=text, size=publish.size(where))

    def items(links: list[str]) -> str:
        return Raw("".join(templates.fill(piece["item"], item=Raw(a)) for a in links))

    names = ("lesson.srt", "lesson.vtt", "chapters.vtt", "descriptions.vtt", "youtube-chapters.txt")
    files = [link(plan.lesson_video.name, plan.lesson_video.name)]
    files += [link(n, n) for n in names if (folder / n).exists() or (n == "lesson.srt" and (out / n).exists())]
    decks = [link(str(p.relative_to(out)), p.name) for p in _decks(plan)]
    clips = {e.stem: r for e, r in outputs.published(plan, [(s["entry"], s["record"]) for s in parts])}
    rows = []
    for s in parts:
        entry, record = s["entry"], s["record"]
        subs = [
            link(f"{entry.stem}{ext}", ext[1:].upper(), f"{s['title']}: captions ({ext[1:].upper()})")
            for ext in (".srt", ".vtt")
            if (out / f"{entry.stem}{ext}").exists()
        ]
        cell = templates.fill(piece["no-clips"])
        if entry.stem in clips:
            base, beat_clips = f"clips/{entry.stem}/", []
            for c in clips[entry.stem].clips:
                links = [link(base + c["file"], "video", f"{c['name']}: video")]
                links += [
                    link(base + c[k], k.upper(), f"{c['name']}: captions ({k.upper()})")
                    for k in ("srt", "vtt")
                    if c.get(k)
                ]
                beat_clips.append(templates.fill(piece["clip"], name=c["name"], files=Raw(" ".join(links))))
            cell = templates.fill(piece["clips"], count=len(beat_clips), items=Raw("".join(beat_clips)))
        rows.append(
            templates.fill(
                piece["row"],
                title=s["title"],
                video=link(record.video, record.video),
                captions=Raw(" ".join(subs)),
                clips=cell,
            )
        )
    return templates.fill(
        piece["downloads"],
        files=items(files),
        decks=templates.fill(piece["decks"], items=items(decks)) if decks else Raw(""),
        rows=Raw("\n".join(rows)),
    )
