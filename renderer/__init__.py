"""render.sh's engine: renders the lesson's sections with manim, incrementally and in parallel.

The modules, in the order a run goes through them:

  cli       the command line: arguments, validation (exit 2 on bad input), --help
  preflight the system tools a render needs (LaTeX, dvisvgm, ffmpeg), checked before any work
  plan      what to render: the manifest, quality presets, the output folder and its file names
  cache     incremental rendering: each section's input fingerprint and its stored record
  job       one section: a manim subprocess with its own media and TeX folders, outputs moved
            into place atomically under a per-section lock
  media     ffprobe/ffmpeg helpers (duration, codec, last frame)
  outputs   posters, the contact sheet, the per-beat clips and their JSON index
  join      the whole lesson as one video with a chapter per section (no re-encoding)
  report    progress lines while rendering and the summary table at the end
  atomic    temp-file-then-os.replace writes and fcntl locks
"""
