"""manim's output stage, made for lessons: frames to H.264 play files that are
reused when unchanged, holds that cost one frame, beat ranges rendered in
parallel, and the section joined from its parts without re-encoding.

    h264.py      skip pictures: a held frame in a few bytes
    encoder.py   the encoder settings (one place) and the writer of one play file
    digest.py    what a play's frames depend on, hashed into its key
    render.py    LessonRenderer: manim's Cairo renderer with the above
    assemble.py  a section (or one beat's clip) from the play files, with narration and captions
    texcache.py  one LaTeX cache shared by processes, locked per formula
    texbatch.py  a scene's formulas found by a dry pass and typeset in batches (a first render)
    counters.py  what each process spent on LaTeX, narration, Pango (benchmarks/cold.py)
    speedups.py  copies of SVG mobjects share their parsed paths
"""

# The environment a part's manim process is given (renderer/job.py sets them).
PIPELINE_ENV_VAR = "BACKPROP_PIPELINE"  # "stock": manim's own renderer (the benchmark's baseline)
STORE_ENV_VAR = "BACKPROP_PLAYS"  # the folder of play files
BEATS_ENV_VAR = "BACKPROP_BEATS"  # the beats to draw, "a:b" ("a:" to the end)
RECORD_ENV_VAR = "BACKPROP_PART_RECORD"  # where the part record goes
PROGRESS_ENV_VAR = "BACKPROP_PROGRESS"  # a JSON line per finished beat goes here
TEX_DIR_ENV_VAR = "BACKPROP_TEX_DIR"  # the shared LaTeX cache (video/texcache.py)
REDRAW_ENV_VAR = "BACKPROP_REDRAW"  # "1": draw every play again, stored ones too (render.sh --force)


def parse_range(text: str | None) -> tuple[int, int | None]:
    """'a:b' -> (a, b); 'a:' -> (a, None); empty -> every beat."""
    if not text:
        return 0, None
    start, _, stop = text.partition(":")
    a = int(start or 0)
    b = int(stop) if stop.strip() else None
    if a < 0 or (b is not None and b <= a):
        raise ValueError(f"{BEATS_ENV_VAR}={text!r} is not a beat range a:b with 0 <= a < b")
    return a, b
