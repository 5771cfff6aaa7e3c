"""Slide decks of the lesson (``--slides``), made from the per-beat clips.

One slide per beat, in lesson order, from the same records the clips and
clips.json come from (the beats' clips, names and narration lines of each
up-to-date section): nothing is rendered twice. Into ``<variant>/slides/``::

    lesson.html                  reveal.js deck: each beat's clip (plays when shown, muted), its title,
                                 speaker notes = the narration line; works offline from disk;
                                 lesson.html?narrated (or its Narrated button): self-paced, the
                                 clips speak and the deck advances when each ends
    reveal/                      reveal.js, vendored from the npm registry (pinned, integrity checked)
    media/NN-name/KK-beat.mp4    the clips the HTML deck plays (hard links to the renderer's)
    stills/NN-name/KK-beat.png   each beat's last frame (poster frames, the handout's pictures)
    lesson.pptx                  PowerPoint: one slide per beat, its narrated clip embedded, notes = narration
    handout.pdf                  one page per beat: the still, section and beat title, the narration

The decks are built together in a hidden folder beside ``slides/`` and swapped
in only when all three are complete, so a failed build keeps the previous
decks (renderer/publish.py). They are rebuilt only when a section (or this
module, its templates in assets/slides/, or the pinned reveal.js) changed:
``.cache/slides.fingerprint`` remembers what they show.
"""

from __future__ import annotations

import html
import time
from dataclasses import dataclass
from pathlib import Path

from common import atomic
from renderer import cache, media, npm, outputs, publish, templates
from renderer.plan import Entry, Plan
from renderer.templates import Raw

RECIPE = "slides-1"
DECKS = ("lesson.html", "lesson.pptx", "handout.pdf")

# reveal.js from the npm registry, fetched once with `npm pack` into .cache/npm/ (the pin: assets/slides/reveal.json).
_REVEAL = templates.data("slides/reveal.json")
REVEAL_PACKAGE, REVEAL_VERSION, REVEAL_INTEGRITY = _REVEAL["package"], _REVEAL["version"], _REVEAL["integrity"]
REVEAL_FILES: dict[str, str] = _REVEAL["files"]  # file in the package -> file under slides/reveal/
TEMPLATES = ("slides", "fonts.json")  # what the decks are drawn from, under assets/

MIME = {".mp4": "video/mp4", ".mov": "video/quicktime", ".webm": "video/webm"}


class SlidesError(Exception):
    pass


@dataclass(frozen=True)
class Slide:
    """One beat as every deck shows it."""

    section: str  # the section's label, "01 The derivative"
    stem: str  # the section's file stem, "01-derivative"
    beat: str  # the beat's name, "the-curve"
    narration: str
    clip: Path  # the renderer's clip (in the section's store)
    number: int  # 1-based, within its section
    count: int  # beats in its section

    @property
    def title(self) -> str:
        words = self.beat.replace("-", " ").replace("_", " ").strip()
        return words[:1].upper() + words[1:]

    @property
    def media(self) -> str:
        return f"media/{self.stem}/{self.clip.name}"

    @property
    def still(self) -> str:
        return f"stills/{self.stem}/{self.clip.stem}.png"

    @property
    def where(self) -> str:
        return f"{self.section} · {self.number}/{self.count}"


def collect(plan: Plan, records: list[tuple[Entry, cache.Record]]) -> list[Slide]:
    slides = []
    for entry, record in records:
        store = plan.out_dir / record.store
        for k, clip in enumerate(record.clips, start=1):
            slides.append(
                Slide(
                    entry.label,
                    entry.stem,
                    clip["name"],
                    clip.get("subtitle") or "",
                    store / clip["file"],
                    k,
                    len(record.clips),
                )
            )
    return slides


def fingerprint(plan: Plan, records: list[tuple[Entry, cache.Record]]) -> str:
    h = publish.digest(
        ("recipe", RECIPE),
        ("code", cache.file_hash(Path(__file__))),
        ("reveal", f"{REVEAL_VERSION} {REVEAL_INTEGRITY}"),
        ("theme", plan.theme),
        ("voice", plan.voice),
        ("title", plan.manifest.title),
        ("templates", templates.digest(*TEMPLATES)),
    )
    for entry, record in records:
        h.update(f"{entry.stem}:{entry.label}={outputs.clips_marker(record)}\n".encode())
    return h.hexdigest()


def product(plan: Plan, records: list[tuple[Entry, cache.Record]]) -> publish.Product:
    """The three decks of the up-to-date sections whose clips are published (renderer/publish.py builds them)."""

    def slides() -> list[Slide]:
        return collect(plan, outputs.published(plan, records))

    def build(stage: Path) -> str:
        started, shown = time.monotonic(), slides()
        write_decks(plan, shown, stage / "slides")
        sizes = ", ".join(f"{name} {publish.size(stage / 'slides' / name)}" for name in DECKS)
        return f"slides: {plan.slides_dir} ({len(shown)} slides, built in {publish.since(started):.1f} s: {sizes})"

    return publish.Product(
        name="slides",
        marker=plan.slides_marker,
        fingerprint=lambda: fingerprint(plan, outputs.published(plan, records)),
        outputs=("slides",),
        required=tuple(f"slides/{name}" for name in DECKS),
        build=build,
        reused=lambda: f"slides: {plan.slides_dir} (reused, {len(slides())} slides)",
        skip=lambda: None if slides() else "slides: no beat clips to make decks of",
        kept="the previous decks are kept",
    )


def write_decks(plan: Plan, slides: list[Slide], folder: Path) -> None:
    """The decks, reveal.js and the slides' media and stills, into ``folder``."""
    vendor_reveal(folder / "reveal")
    for slide in slides:
        atomic.link_or_copy(slide.clip, folder / slide.media)
        atomic.link_or_copy(still(slide.clip), folder / slide.still)
    write_html(plan, slides, folder / "lesson.html")
    write_pptx(plan, slides, folder, folder / "lesson.pptx")
    write_handout(plan, slides, folder, folder / "handout.pdf")


# -- the pieces ------------------------------------------------------------------
def still(clip: Path) -> Path:
    """The clip's last frame at full size, kept beside it in its store (made once)."""
    png = clip.with_suffix(".still.png")
    if not png.exists():
        with atomic.writing(png, "still") as tmp:
            media.last_frame(clip, tmp)
    return png


integrity = npm.integrity  # the registry's dist.integrity of a tarball
REVEAL = npm.Pin(REVEAL_PACKAGE, REVEAL_VERSION, REVEAL_INTEGRITY)


def reveal_cache() -> Path:
    return REVEAL.path


def reveal_is_cached() -> bool:
    return REVEAL.is_cached()


def reveal_tarball() -> Path:
    """The pinned reveal.js package, fetched once with npm and checked against its integrity."""
    return REVEAL.fetch("the HTML deck")


def vendor_reveal(folder: Path) -> None:
    REVEAL.extract(REVEAL_FILES, folder, "the HTML deck")


def write_html(plan: Plan, slides: list[Slide], dest: Path) -> None:
    """The reveal.js deck (assets/slides/): silent by default, for a teacher who speaks over
    the clips; ?narrated (or the "Narrated" button) plays each clip's narration and moves on when it ends."""
    parts = templates.parts("slides/parts.html")
    sections = []
    for s in slides:
        if s.clip.suffix == ".gif":
            clip = templates.fill(parts["gif"], src=s.media, narration=s.narration)
        else:
            clip = templates.fill(parts["video"], src=s.media, poster=s.still)
        sections.append(
            templates.fill(
                parts["slide"], stem=s.stem, beat=s.beat, title=s.title, where=s.where, clip=clip, narration=s.narration
            )
        )
    page = templates.fill(
        "slides/deck.html",
        title=plan.manifest.title,
        style=templates.style("slides/deck.css", **outputs.style_values(plan)),
        toggle=templates.fill(parts["narrated"]) if plan.voice != "none" else Raw(""),
        slides=Raw("\n".join(sections)),
        script=Raw(templates.text("slides/deck.js")),
    )
    dest.write_text(page, encoding="utf-8")


def write_pptx(plan: Plan, slides: list[Slide], folder: Path, dest: Path) -> None:
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Emu, Inches, Pt

    t = outputs.theme(plan)
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    prs.core_properties.title = plan.manifest.title
    blank = prs.slide_layouts[6]
    margin, head = Inches(0.35), Inches(0.9)
    aspect = plan.quality.width / plan.quality.height
    box_h = prs.slide_height - head - margin
    video_w = min(prs.slide_width - 2 * margin, int(box_h * aspect))
    video_h = int(video_w / aspect)
    left = (prs.slide_width - video_w) // 2

    def text(slide, value, x, y, w, h, size, color, bold=False, align=PP_ALIGN.LEFT):
        frame = slide.shapes.add_textbox(Emu(x), Emu(y), Emu(w), Emu(h)).text_frame
        frame.word_wrap = True
        para = frame.paragraphs[0]
        para.alignment = align
        run = para.add_run()
        run.text = value
        run.font.size, run.font.bold, run.font.name = Pt(size), bold, outputs.FONT["family"]
        run.font.color.rgb = RGBColor.from_string(color.lstrip("#").upper())

    for s in slides:
        slide = prs.slides.add_slide(blank)
        fill = slide.background.fill
        fill.solid()
        fill.fore_color.rgb = RGBColor.from_string(t.background.lstrip("#").upper())
        width = prs.slide_width - 2 * margin
        text(slide, s.title, margin, Inches(0.15), int(width * 0.5), Inches(0.7), 30, t.text, bold=True)
        text(
            slide,
            s.where,
            margin + int(width * 0.5),
            Inches(0.3),
            int(width * 0.5),
            Inches(0.5),
            15,
            t.muted,
            align=PP_ALIGN.RIGHT,
        )
        clip, poster = folder / s.media, folder / s.still
        if clip.suffix in MIME:
            slide.shapes.add_movie(
                str(clip),
                Emu(left),
                Emu(head),
                Emu(video_w),
                Emu(video_h),
                poster_frame_image=str(poster),
                mime_type=MIME[clip.suffix],
            )
        else:  # GIFs play as pictures
            slide.shapes.add_picture(str(clip), Emu(left), Emu(head), Emu(video_w), Emu(video_h))
        slide.notes_slide.notes_text_frame.text = s.narration
    prs.save(str(dest))


def write_handout(plan: Plan, slides: list[Slide], folder: Path, dest: Path) -> None:
    from reportlab.lib.colors import HexColor
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas
    from reportlab.platypus import Paragraph

    regular, bold = outputs.FONT["pdf_names"]["regular"], outputs.FONT["pdf_names"]["bold"]
    for name, path in zip((regular, bold), outputs.FONT_PATHS):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, path))
    ink, grey = HexColor("#1A1A1A"), HexColor("#5F6873")
    body = ParagraphStyle("narration", fontName=regular, fontSize=14, leading=20, textColor=ink)
    width, height = landscape(A4)
    margin = 15 * mm
    pdf = canvas.Canvas(str(dest), pagesize=(width, height))
    pdf.setTitle(f"{plan.manifest.title}: handout")
    pdf.setSubject("One page per beat: its last frame, its section and title, its narration")
    for page, s in enumerate(slides, start=1):
        top = height - margin
        pdf.setFillColor(grey)
        pdf.setFont(regular, 11)
        pdf.drawString(margin, top - 11, s.where)
        pdf.drawRightString(width - margin, top - 11, f"{page} / {len(slides)}")
        pdf.setFillColor(ink)
        pdf.setFont(bold, 22)
        pdf.drawString(margin, top - 40, s.title)
        para = Paragraph(html.escape(s.narration), body)
        _, para_h = para.wrap(width - 2 * margin, height)
        image_top = top - 54
        image_h = image_top - margin - para_h - 8 * mm
        image_w = min(width - 2 * margin, image_h * plan.quality.width / plan.quality.height)
        image_h = image_w * plan.quality.height / plan.quality.width
        x = (width - image_w) / 2
        pdf.drawImage(str(folder / s.still), x, image_top - image_h, image_w, image_h)
        pdf.setStrokeColor(grey)
        pdf.setLineWidth(0.5)
        pdf.rect(x, image_top - image_h, image_w, image_h)
        para.drawOn(pdf, margin, image_top - image_h - 6 * mm - para_h)
        pdf.showPage()
    pdf.save()
