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
  outputs   posters, the contact sheet, the per-beat clips and their JSON index
  join      the whole lesson as one video with a chapter per section (no re-encoding)
  page      the lesson page, index.html (and watch.html for --watch)
  slides    the decks of --slides: reveal.js, PowerPoint, the PDF handout
  watch     --watch: re-render on save, serve the page, reload its video
  report    progress lines while rendering and the summary table at the end
  atomic    temp-file-then-os.replace writes and fcntl locks
"""
