"""render.sh's engine: renders the lesson's sections with manim, incrementally and in parallel.

The modules, in the order a run goes through them:

  cli       the command line: arguments, validation (exit 2 on bad input), --help
  preflight the system tools a render needs (LaTeX, dvisvgm, ffmpeg), checked before any work
  plan      what to render: the manifest, quality presets, the output folder and its file names
  cache     incremental rendering: each section's input fingerprint and its stored record
  parts     a section split into beat ranges, from the previous render's cost per beat (or the
            shipped model, costs.json, for a section never rendered)
  schedule  the parts side by side in priority slots (costliest first), each section joined
  prepass   a first render's formulas (in batches) and narration, made beside the drawing
  job       one part: a manim subprocess (the LaTeX cache shared), then the section assembled
            from its play files and moved into place atomically under a per-section lock
  media     ffprobe/ffmpeg helpers (probe, duration, last frame)
  publish   one step for every product made from the sections: fingerprint, current?, build
            in a staging folder, swap in, marker (cli.finish lists the products)
  outputs   the contact sheet, the per-beat clips and their JSON index (as products)
  join      the whole lesson as one video with a chapter per section (no re-encoding)
  page      the lesson page, index.html (and watch.html for --watch), from assets/page/
  slides    the decks of --slides: reveal.js, PowerPoint, the PDF handout (assets/slides/)
  templates the assets/ files those are filled from (string.Template, escaped values)
  watch     --watch: re-render on save, serve the page, reload its video
  report    progress lines while rendering and the summary table at the end
  atomic    temp-file-then-os.replace writes and fcntl locks
"""

from contextlib import suppress as _suppress
from pathlib import Path as _Path

_ROOT = _Path(__file__).resolve().parents[1]


def syntax_error(exc: SyntaxError) -> str:
    """'fix the syntax error in FILE line N: <the line>' for a file Python could not parse."""
    where = exc.filename or "?"
    with _suppress(ValueError):  # outside the project: the full path
        where = str(_Path(where).resolve().relative_to(_ROOT))
    return f"fix the syntax error in {where} line {exc.lineno}: {(exc.text or '').strip()}  ({exc.msg})"
