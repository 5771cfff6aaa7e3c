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
decks. They are rebuilt only when a section (or this module, or the pinned
reveal.js) changed: ``.cache/slides.fingerprint`` remembers what they show.
"""

from __future__ import annotations

import hashlib
import html
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from renderer import atomic, cache, media, npm, outputs
from renderer.plan import Entry, Plan

RECIPE = "slides-1"
DECKS = ("lesson.html", "lesson.pptx", "handout.pdf")

# reveal.js from the npm registry, fetched once with `npm pack` into .cache/npm/.
REVEAL_PACKAGE = "reveal.js"
REVEAL_VERSION = "6.0.2"
REVEAL_INTEGRITY = "sha512-JYIg5D9aoxoaLeb84O+OvAwsKWdIavVgEDScxtYEXFCT6t6TQrhNtSgogcjdCpdLsWglhJn3zyE3fUOwiH5KEg=="
# file in the package -> file under slides/reveal/
REVEAL_FILES = {
    "dist/reveal.js": "reveal.js",
    "dist/reveal.css": "reveal.css",
    "dist/reset.css": "reset.css",
    "dist/plugin/notes.js": "plugin/notes.js",
    "LICENSE": "LICENSE",
}

MIME = {".mp4": "video/mp4", ".mov": "video/quicktime", ".webm": "video/webm"}


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
    h = hashlib.sha256()
    for key, value in (
        ("recipe", RECIPE),
        ("code", cache.file_hash(Path(__file__))),
        ("reveal", f"{REVEAL_VERSION} {REVEAL_INTEGRITY}"),
        ("theme", plan.theme),
        ("voice", plan.voice),
        ("title", plan.manifest.title),
    ):
        h.update(f"{key}={value}\n".encode())
    for entry, record in records:
        h.update(f"{entry.stem}:{entry.label}={outputs.clips_marker(record)}\n".encode())
    return h.hexdigest()


def marker(plan: Plan) -> Path:
    return plan.out_dir / ".cache" / "slides.fingerprint"


def is_current(plan: Plan, fp: str) -> bool:
    try:
        recorded = marker(plan).read_text().strip()
    except OSError:
        return False
    return recorded == fp and all((plan.slides_dir / name).exists() for name in DECKS)


def build(plan: Plan, records: list[tuple[Entry, cache.Record]]) -> str:
    """Build the three decks of ``records`` unless they are current; returns a note for the summary."""
    slides = collect(plan, records)
    if not slides:
        return "slides: no beat clips to make decks of"
    fp = fingerprint(plan, records)
    if not plan.force and is_current(plan, fp):
        return f"slides: {plan.slides_dir} (reused, {len(slides)} slides)"
    started = time.monotonic()
    # Everything is written into a staging folder swapped in whole when complete,
    # so the decks themselves are written plainly.
    tmp = plan.out_dir / f".slides.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        vendor_reveal(tmp / "reveal")
        for slide in slides:
            atomic.link_or_copy(slide.clip, tmp / slide.media)
            atomic.link_or_copy(still(slide.clip), tmp / slide.still)
        write_html(plan, slides, tmp / "lesson.html")
        write_pptx(plan, slides, tmp, tmp / "lesson.pptx")
        write_handout(plan, slides, tmp, tmp / "handout.pdf")
        atomic.replace_dir(tmp, plan.slides_dir)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    atomic.write_text(marker(plan), fp)
    sizes = ", ".join(f"{name} {_size(plan.slides_dir / name)}" for name in DECKS)
    return f"slides: {plan.slides_dir} ({len(slides)} slides, built in {time.monotonic() - started:.1f} s: {sizes})"


def _size(path: Path) -> str:
    size = path.stat().st_size
    return f"{size / 2**20:.1f} MiB" if size >= 2**20 else f"{size / 2**10:.0f} KiB"


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


def _theme(plan: Plan):
    from scenes.style import THEMES

    return THEMES[plan.theme]


def write_html(plan: Plan, slides: list[Slide], dest: Path) -> None:
    t = _theme(plan)
    esc = html.escape
    # Silent by default, for a teacher who speaks over the clips; ?narrated (or the
    # "Narrated" button) plays each clip's narration and moves on when it ends.
    video_flags = 'data-autoplay playsinline preload="auto" muted'
    narrated = plan.voice != "none"
    toggle = (
        '<button id="narrated" type="button" aria-pressed="false" '
        'aria-label="Self-paced: play the narration and advance when each clip ends">Narrated</button>'
        if narrated
        else ""
    )
    sections = []
    for s in slides:
        if s.clip.suffix == ".gif":
            clip = f'<img class="clip" src="{esc(s.media)}" alt="{esc(s.narration)}">'
        else:
            clip = f'<video class="clip" {video_flags} src="{esc(s.media)}" poster="{esc(s.still)}"></video>'
        sections.append(
            f'<section data-lesson-section="{esc(s.stem)}" data-beat="{esc(s.beat)}">\n'
            f'  <header><h2>{esc(s.title)}</h2><span class="where">{esc(s.where)}</span></header>\n'
            f"  {clip}\n"
            f'  <aside class="notes">{esc(s.narration)}</aside>\n'
            f"</section>"
        )
    page = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{esc(plan.manifest.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="reveal/reset.css">
<link rel="stylesheet" href="reveal/reveal.css">
<style>
  html, body, .reveal-viewport {{ background: {t.background}; color: {t.text}; }}
  .reveal {{ font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: {t.text}; }}
  .reveal .slides section {{ height: 100%; }}
  .reveal header {{ display: flex; justify-content: space-between; align-items: baseline;
                    gap: 24px; height: 64px; padding: 0 8px; }}
  .reveal h2 {{ margin: 0; font-size: 40px; font-weight: bold; color: {t.text}; white-space: nowrap;
                overflow: hidden; text-overflow: ellipsis; }}
  .reveal .where {{ font-size: 22px; color: {t.muted}; white-space: nowrap; }}
  .reveal .clip {{ display: block; width: 1120px; height: 630px; margin: 0 auto; object-fit: contain; }}
  .reveal .controls, .reveal .progress {{ color: {t.grad}; }}
  #narrated {{ position: fixed; bottom: 8px; left: 96px; z-index: 40; font: 14px "DejaVu Sans", sans-serif;
               padding: 6px 12px; border-radius: 6px; border: 2px solid {t.muted}; cursor: pointer;
               background: {t.panel}; color: {t.text}; }}
  #narrated[aria-pressed="true"] {{ border-color: {t.grad}; color: {t.grad}; }}
  #narrated:focus-visible {{ outline: 3px solid {t.highlight}; outline-offset: 2px; }}
  .reveal .slide-number {{ background: transparent; color: {t.muted}; font-size: 16px;
                          right: auto; left: 12px; bottom: 12px; }}
</style>
</head>
<body>
{toggle}
<div class="reveal"><div class="slides">
{chr(10).join(sections)}
</div></div>
<script src="reveal/reveal.js"></script>
<script src="reveal/plugin/notes.js"></script>
<script>
  // Speaker view: press S. Everything is loaded from this folder; no network.
  Reveal.initialize({{
    width: 1280, height: 720, margin: 0.02, center: false, hash: true,
    controls: true, progress: true, slideNumber: "c/t", transition: "fade",
    autoPlayMedia: true, plugins: [RevealNotes]
  }});
  // Self-paced: the clips speak, and the deck advances when the shown clip ends.
  const toggle = document.getElementById("narrated");
  let narrated = false;
  function setNarrated(on) {{
    narrated = on;
    if (toggle) toggle.setAttribute("aria-pressed", String(on));
    for (const v of document.querySelectorAll(".slides video")) v.muted = !on;
    const shown = Reveal.getCurrentSlide() && Reveal.getCurrentSlide().querySelector("video");
    if (on && shown) shown.play().catch(() => {{}});
  }}
  for (const v of document.querySelectorAll(".slides video")) {{
    v.addEventListener("ended", () => {{
      if (narrated && v.closest("section.present") && !Reveal.isLastSlide()) Reveal.next();
    }});
  }}
  if (toggle) {{
    toggle.addEventListener("click", () => setNarrated(!narrated));
    Reveal.on("ready", () => setNarrated(new URLSearchParams(location.search).has("narrated")));
  }}
</script>
</body>
</html>
"""
    dest.write_text(page, encoding="utf-8")


def write_pptx(plan: Plan, slides: list[Slide], folder: Path, dest: Path) -> None:
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Emu, Inches, Pt

    t = _theme(plan)
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
        run.font.size, run.font.bold, run.font.name = Pt(size), bold, "DejaVu Sans"
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

    regular, bold = "DejaVuSans", "DejaVuSans-Bold"
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
