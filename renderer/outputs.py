"""What a viewer or a teacher gets besides the videos.

* posters/NN-name.png: each section's last frame (made by the job, see job.py);
* contact-sheet.png: one row per section, a labelled thumbnail of the last
  frame of each beat, to review the whole lesson at a glance;
* clips/NN-name/KK-beat.<ext> (+ .srt, .vtt) and clips.json (with --sections):
  one narrated clip per beat, its captions, and their index;
* slides/ (with --slides): decks of those clips, see slides.py.

Each is a renderer/publish.py product: built in a staging folder, swapped in,
and rebuilt only when stale or with --force.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from common import atomic
from renderer import cache, publish, templates
from renderer.plan import Entry, Plan

FONT = templates.data("fonts.json")  # the outputs' text font (assets/fonts.json)
FONT_PATHS = (FONT["files"]["regular"], FONT["files"]["bold"])

THUMB_W = 320
PER_ROW = 6
PAD = 16
LABEL_H = 26
ROW_TITLE_H = 40


def current_records(plan: Plan) -> list[tuple[Entry, cache.Record]]:
    """Every section of the lesson whose outputs in this folder are up to date."""
    found = []
    for entry in plan.manifest.entries:
        record = cache.load(plan, entry)
        if cache.is_current(plan, entry, record, cache.fingerprint(plan, entry)):
            found.append((entry, record))
    return found


def theme(plan: Plan):
    """The colours of the run's theme (scenes/style.py), for the page and the decks."""
    from scenes.style import THEMES

    return THEMES[plan.theme]


def style_values(plan: Plan) -> dict[str, str]:
    """What the page's and the deck's stylesheets (assets/) leave open: theme colours, font, video shape."""
    t = theme(plan)
    return {
        "bg": t.background,
        "text": t.text,
        "muted": t.muted,
        "panel": t.panel,
        "accent": t.grad,
        "focus": t.highlight,
        "link": t.w,
        "error": t.L,
        "font": f'"{FONT["family"]}"',
        "font_mono": f'"{FONT["mono"]}"',
        "width": str(plan.quality.width),
        "height": str(plan.quality.height),
    }


def _font(size: int, bold: bool = False):
    from PIL import ImageFont

    path = FONT_PATHS[1 if bold else 0]
    try:
        return ImageFont.truetype(path, size)
    except OSError:
        return ImageFont.load_default()


def _fit(draw, text: str, font, width: int) -> str:
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…"


def contact_sheet(plan: Plan, records: list[tuple[Entry, cache.Record]], dest: Path) -> None:
    """Draw the contact sheet of ``records`` to ``dest`` (atomically)."""
    from PIL import Image, ImageDraw

    rows: list[tuple[str, list[tuple[Path, str]]]] = []
    for entry, record in records:
        store = plan.out_dir / record.store
        thumbs = [(store / c["thumb"], f"{k + 1}. {c['name']}") for k, c in enumerate(record.clips)]
        if not thumbs:
            thumbs = [(plan.out_dir / record.poster, entry.name)]
        rows.append((f"{entry.label}    ({record.video}, {record.duration:.0f} s)", thumbs))
    if not rows:
        return
    first = Image.open(rows[0][1][0][0])
    thumb_h = round(THUMB_W * first.height / first.width)
    cell_h = thumb_h + LABEL_H
    lines = sum(ROW_TITLE_H + cell_h * (-(-len(t) // PER_ROW)) + PAD for _, t in rows)
    width = PAD + PER_ROW * (THUMB_W + PAD)
    sheet = Image.new("RGB", (width, PAD + lines), "#202124")
    draw = ImageDraw.Draw(sheet)
    title_font, label_font = _font(22, bold=True), _font(15)
    y = PAD
    for title, thumbs in rows:
        draw.text((PAD, y + 8), _fit(draw, title, title_font, width - 2 * PAD), fill="#FFFFFF", font=title_font)
        y += ROW_TITLE_H
        for k, (path, label) in enumerate(thumbs):
            col, row = k % PER_ROW, k // PER_ROW
            x, ty = PAD + col * (THUMB_W + PAD), y + row * cell_h
            with Image.open(path) as img:
                img = img.convert("RGBA")
                img.thumbnail((THUMB_W, thumb_h))
                backdrop = Image.new("RGBA", img.size, "#808080")  # shows transparent clips
                sheet.paste(Image.alpha_composite(backdrop, img).convert("RGB"), (x, ty))
            draw.text((x, ty + thumb_h + 4), _fit(draw, label, label_font, THUMB_W), fill="#D0D0D0", font=label_font)
        y += cell_h * (-(-len(thumbs) // PER_ROW)) + PAD
    with atomic.writing(dest, "sheet") as tmp:
        sheet.save(tmp, format="PNG")


def clips(plan: Plan, entry: Entry, record: cache.Record) -> publish.Product:
    """clips/NN-name/: the section's beat clips and their captions (hard links to its store)."""
    folder = str(plan.clips_marker(entry).parent.relative_to(plan.out_dir))

    def build(stage: Path) -> None:
        store = plan.out_dir / record.store
        (stage / folder).mkdir(parents=True)
        for clip in record.clips:
            for key in ("file", "srt", "vtt"):
                if clip.get(key):
                    atomic.link_or_copy(store / clip[key], stage / folder / clip[key])

    return publish.Product(
        name=f"clips {entry.stem}",
        marker=plan.clips_marker(entry),
        fingerprint=lambda: clips_marker(record),
        outputs=(folder,),
        build=build,
        reused=lambda: None,  # the index's note speaks for every section's clips
        kept="the previous clips are kept",
    )


def clips_index(plan: Plan, records: list[tuple[Entry, cache.Record]]) -> publish.Product:
    """clips.json, the index of every published clip of the up-to-date sections ``records``."""

    def note() -> str:
        count = len(json.loads(index_text(plan, records)))
        return f"clips: {count} beat clips in {plan.clips_dir}, index {plan.clips_index}"

    def build(stage: Path) -> str:
        (stage / plan.clips_index.name).write_text(index_text(plan, records), encoding="utf-8")
        return note()

    return publish.Product(
        name="clips",
        marker=plan.clips_index_marker,
        fingerprint=lambda: hashlib.sha256(index_text(plan, records).encode()).hexdigest(),
        outputs=(plan.clips_index.name,),
        build=build,
        reused=note,
    )


def sheet(plan: Plan, records: list[tuple[Entry, cache.Record]]) -> publish.Product:
    """contact-sheet.png of ``records``."""
    from renderer import join

    def build(stage: Path) -> str:
        contact_sheet(plan, records, stage / plan.contact_sheet.name)
        return note()

    def note() -> str:
        return f"contact sheet: {plan.contact_sheet} ({len(records)} section{'s' if len(records) != 1 else ''})"

    return publish.Product(
        name="contact sheet",
        marker=plan.contact_sheet_marker,
        fingerprint=lambda: join.fingerprint(plan, records),
        outputs=(plan.contact_sheet.name,),
        build=build,
        reused=note,
    )


def clips_marker(record: cache.Record) -> str:
    """What clips/NN-name/.fingerprint holds: the section's render and how its clips were made."""
    return f"{record.fingerprint} {record.clips_recipe}".strip()


def published(plan: Plan, records: list[tuple[Entry, cache.Record]] | None = None) -> list[tuple[Entry, cache.Record]]:
    """The up-to-date sections (``records``, when the caller has them) whose clips are
    published under clips/, in lesson order."""
    records = current_records(plan) if records is None else records
    return [(e, r) for e, r in records if publish.read(plan.clips_marker(e)) == clips_marker(r)]


def index_text(plan: Plan, records: list[tuple[Entry, cache.Record]]) -> str:
    """clips.json: every published clip of the up-to-date sections ``records``, in lesson order."""
    index = []
    for entry, record in published(plan, records):
        for k, clip in enumerate(record.clips):
            item = {
                "section": clip["name"],
                "scene": entry.scene,
                "file": f"clips/{entry.stem}/{clip['file']}",
                "duration": clip["duration"],
                "lesson_section": entry.name,
                "title": entry.label,
                "index": k,
            }
            if clip.get("subtitle"):
                item["subtitle"] = clip["subtitle"]
            for key in ("srt", "vtt"):  # the clip's captions, timed from its start
                if clip.get(key):
                    item[key] = f"clips/{entry.stem}/{clip[key]}"
            index.append(item)
    return json.dumps(index, indent=2, ensure_ascii=False) + "\n"
