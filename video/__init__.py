"""manim's output stage, made for lessons: frames to H.264 play files that are
reused when unchanged, holds that cost one frame, beat ranges rendered in
parallel, and the section joined from its parts without re-encoding.

    h264.py      skip pictures: a held frame in a few bytes
    encoder.py   the encoder settings (one place) and the writer of one play file
    digest.py    what a play's frames depend on, hashed into its key
    render.py    LessonRenderer: manim's Cairo renderer with the above
    assemble.py  a section (or one beat's clip) from the play files, with narration and captions
    store.py     the play store: play files with the record of what was written
    texcache.py  one LaTeX cache shared by processes, locked per formula
    texbatch.py  a scene's formulas found by a dry pass and typeset in batches (a first render)
    counters.py  what each process spent on LaTeX, narration, Pango (benchmarks/cold.py)
    speedups.py  copies of SVG mobjects share their parsed paths
"""

# "stock": LessonScene renders with manim's own renderer (the benchmark's baseline). What
# the renderer tells a part's process otherwise is in common/contract.py.
PIPELINE_ENV_VAR = "BACKPROP_PIPELINE"


def parse_range(text: str | None) -> tuple[int, int | None]:
    """'a:b' -> (a, b); 'a:' -> (a, None); empty -> every beat."""
    if not text:
        return 0, None
    start, _, stop = text.partition(":")
    a = int(start or 0)
    b = int(stop) if stop.strip() else None
    if a < 0 or (b is not None and b <= a):
        raise ValueError(f"beats {text!r} is not a beat range a:b with 0 <= a < b")
    return a, b
