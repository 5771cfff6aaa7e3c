"""The explorers: the seed's sliders, each stop a frame of the section's own scene.

An explorer runs its section's scene (animations skipped) up to the beat where the
section itself stops at its point, so what is on screen is the section's own
mobjects: the curve, the tangent (tangent_at), the readouts, the prediction; the
heatmap, the cross-hairs, the readouts and the two slice panels. It then moves the
section's own trackers to every stop of a grid and draws one frame per stop. An
edit to the section changes its explorer too.

* derivative: x over the scene's axis range; at each stop the scene's own "predict"
  beat is built again for that x (``stop_and_predict`` with ``params.derivative_x``),
  so the prediction line for Δx = 0.1 follows. It starts where the section stops.
* partials: (x, y) on a grid over the heatmap (step EXPLORER_STEP, plus the section's
  point); the point, its cross-hairs, the readouts and the slices follow the trackers.

Run as ``python -m scenes.explorers SECTION OUT_DIR WIDTH HEIGHT [TEX_DIR] [--part K/N]``
(renderer/explorers.py does, with the render's parameters and theme in the environment):
writes ``frames.mp4`` (one frame per stop), ``start.png`` and ``stops.json``. Derivative's
predictions are typeset ahead in batches (``typeset_ahead``; ``--each-formula``: each where
its stop asks, the way before, for benchmarks/explorers.py). With
``--part K/N`` only the K-th of N contiguous runs of stops is drawn (the renderer draws the
parts side by side and joins their frames): every stop moves the scene's trackers to
absolute values, so a part that starts mid-way draws the same pixels as one pass.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from contextlib import contextmanager, nullcontext, suppress
from pathlib import Path

import numpy as np
from manim import Scene, SurroundingRectangle, config, tempconfig

from backprop_core import refresher as core
from backprop_core.numbers import fmt_fixed, page_text

# Grid steps: the notebook's sliders move by 0.01; a frame per 0.1 keeps both explorers
# small (41 and 441 frames). Each derivative stop typesets its own prediction (LaTeX, about
# a second the first time), each partials stop only moves the point.
DERIVATIVE_STEP = 0.1
EXPLORER_STEP = 0.1
# The explorer video's own frame rate: a stop is frame k, shown at (k + 0.5) / FPS.
FPS = 30


class Explored(Exception):  # noqa: N818 (a signal to stop the section, not an error)
    """The section has reached the beat its explorer starts from."""


def explorer_of(section_cls, last_beat: str):
    """The section's scene, stopped at the end of ``last_beat``; later its beats are no-ops."""

    class Explorer(section_cls):
        exploring = False

        def beat(self, name, narration, described=None):
            if self.exploring:
                return nullcontext()
            if self.beats and self.beats[-1].name == last_beat:
                self._close_beat()
                raise Explored
            return super().beat(name, narration, described)

        def play(self, *args, **kwargs):
            if self.exploring:  # no beat is open: the section's plays, each jumping to its end
                return Scene.play(self, *args, **kwargs)
            return super().play(*args, **kwargs)

        def construct(self):
            with suppress(Explored):
                super().construct()
            self.exploring = True

        def frame(self) -> np.ndarray:
            """What the scene shows now, with every updater brought up to date."""
            self.update_mobjects(0)
            self.renderer.update_frame(self)
            return self.renderer.get_frame().copy()

    Explorer.__name__ = section_cls.__name__  # the manifest finds its section by the class name
    return Explorer


def grid(lo: float, hi: float, step: float, *extra: float) -> list[float]:
    """lo .. hi by ``step`` (rounded, so 0.3 is 0.3), with ``extra`` points added in order."""
    count = int(round((hi - lo) / step))
    return sorted({round(lo + k * step, 6) for k in range(count + 1)} | {round(float(v), 6) for v in extra})


def to_page(scene, point) -> list[float]:
    """A point of the frame as fractions of the picture's width and height (0, 0 top left)."""
    return [
        round(float(point[0]) / config.frame_width + 0.5, 5),
        round(0.5 - float(point[1]) / config.frame_height, 5),
    ]


# -- the two explorers --------------------------------------------------------------------
def derivative_stops(scene) -> tuple[dict, list]:
    """(what the page needs, [(stop, move the scene there)]) for the derivative's explorer."""
    lo, hi = core.DERIVATIVE_X_RANGE
    params = scene.params
    xs = grid(lo, hi, DERIVATIVE_STEP, params.derivative_x)

    def move(x):
        def go():
            scene.remove(*scene.predict_block)  # the rule and the guess, added by their Writes
            scene.params = params.derived(derivative_x=x)
            scene.stop_and_predict()  # the section's own beat, for this x

        return go

    stops = []
    for x in xs:
        p = core.derivative_prediction(x)
        after = fmt_fixed(p.x.exact + p.dx.exact)
        predict = f"f({after}) ≈ {page_text(p.predicted.substituted)} = {p.predicted.text}"
        values = {"x": p.x.text, "fx": p.fx.text, "slope": p.slope.text, "predict": predict}
        values["text"] = f"x = {p.x.text}, f(x) = {p.fx.text}, f′(x) = {p.slope.text}; predict {values['predict']}"
        stops.append((values, move(x)))
    info = {"kind": "slider", "start": xs.index(round(params.derivative_x, 6)), "names": ["x"]}
    return info, stops


def partials_stops(scene) -> tuple[dict, list]:
    lo, hi = core.PARTIALS_RANGE
    x0, y0 = scene.params.partials_point
    xs, ys = grid(lo, hi, EXPLORER_STEP, x0), grid(lo, hi, EXPLORER_STEP, y0)

    # The section's last play marked the two slopes' rows ("read this one"): their outlines are
    # drawn again around the rows at every stop, as the section draws them at its point.
    rows = scene.readouts[3:]
    marks = [m for m in scene.mobjects if isinstance(m, SurroundingRectangle)]
    around = [np.allclose(m.get_center(), row.get_center(), atol=0.05) for m, row in zip(marks, rows)]
    assert len(marks) == 2 and all(around), "partials' stop-at-the-point no longer ends by marking the two slopes"

    def move(x, y):
        def go():
            scene.px.set_value(x)
            scene.py.set_value(y)
            scene.update_mobjects(0)
            scene.remove(*marks)
            marks[:] = [row.mark(scene.theme.grad).mobject for row in rows]
            scene.add(*marks)

        return go

    stops = []
    # Row by row, each row the other way from the last: neighbouring frames differ by one step.
    for j, y in enumerate(ys):
        for i in range(len(xs)) if j % 2 == 0 else reversed(range(len(xs))):
            x = xs[i]
            p = core.partials_at(x, y)
            values = {"x": p.x.text, "y": p.y.text, "f": p.f.text, "dfdx": p.df_dx.text, "dfdy": p.df_dy.text}
            values["text"] = (
                f"x = {p.x.text}, y = {p.y.text}, f = {p.f.text}, ∂f/∂x = {p.df_dx.text}, ∂f/∂y = {p.df_dy.text}"
            )
            stops.append(({"i": i, "j": j, **values}, move(x, y)))
    ax = scene.map.axes
    info = {
        "kind": "map",
        "names": ["x", "y"],
        "columns": len(xs),
        "rows": len(ys),
        "start": [xs.index(round(x0, 6)), ys.index(round(y0, 6))],
        "xs": [fmt_fixed(x) for x in xs],
        "ys": [fmt_fixed(y) for y in ys],
        # Where each grid line is on the picture, and the map's box: the page finds the stop under the pointer.
        "xs_at": [to_page(scene, ax.c2p(x, ys[0]))[0] for x in xs],
        "ys_at": [to_page(scene, ax.c2p(xs[0], y))[1] for y in ys],
        "box": to_page(scene, scene.map.border.get_corner(np.array([-1, 1, 0])))
        + to_page(scene, scene.map.border.get_corner(np.array([1, -1, 0]))),
    }
    return info, stops


EXPLORERS = {
    # section name: (the beat the explorer starts from, its stops)
    "derivative": ("predict", derivative_stops),
    "partials": ("stop-at-the-point", partials_stops),
}


def _scene_class(section: str):
    import importlib

    from scenes.manifest import by_name

    s = by_name(section)
    return getattr(importlib.import_module(f"scenes.{s.module}"), s.scene)


def run(section: str):
    """The explorer's scene, built and stopped where the explorer starts: (scene, info, stops)."""
    last_beat, stops_of = EXPLORERS[section]
    cls = explorer_of(_scene_class(section), last_beat)
    scene = cls(skip_animations=True)
    scene.render()
    info, stops = stops_of(scene)
    return scene, info, stops


@contextmanager
def drawing(width: int, height: int, tex_dir: str | None = None):
    """manim set to draw stills of ``width`` x ``height`` in this process (no video of its own)."""
    from video import texcache

    with tempfile.TemporaryDirectory() as tmp:
        cfg = {
            "dry_run": True,
            "pixel_width": width,
            "pixel_height": height,
            "frame_rate": FPS,
            "media_dir": tmp,
            "output_file": str(Path(tmp) / "explorer"),
            "disable_caching": True,
            "verbosity": "ERROR",
        }
        with tempconfig(cfg):
            if tex_dir:
                texcache.share(tex_dir)
            yield


def typeset_ahead(scene, stops: list, tex_dir: str | Path) -> int:
    """Visit ``stops`` once without LaTeX, then typeset the formulas they ask for in batches
    (video/texbatch.py: one latex and one dvisvgm run, not a pair per prediction) into
    ``tex_dir``; the drawing then finds them there. Every stop sets the scene afresh, so the
    visit leaves nothing behind. Returns how many formulas were compiled."""
    from video import texbatch

    with tempfile.TemporaryDirectory(prefix="explorer-dry-") as tmp, texbatch.recording(tex_dir, tmp) as found:
        for _, move in stops:
            move()
    return texbatch.compile_all(found, Path(tex_dir))[0] if found else 0


# Explorers whose every stop typesets a formula of its own (derivative's prediction line).
TYPESET_PER_STOP = {"derivative"}


def part_range(count: int, part: tuple[int, int]) -> range:
    """The stops of part ``k`` of ``n``: contiguous, sizes differing by at most one."""
    k, n = part
    return range(count * k // n, count * (k + 1) // n)


def write(
    section: str,
    out: Path,
    width: int,
    height: int,
    tex_dir: str | None = None,
    part: tuple[int, int] = (0, 1),
    batch: bool = True,
) -> dict:
    """Draw the stops of ``part`` (all by default) into ``out``: frames.mp4, start.png, stops.json
    (the part's stops, each with its frame in the whole explorer). Returns stops.json's content."""
    from PIL import Image

    out.mkdir(parents=True, exist_ok=True)
    with drawing(width, height, tex_dir):
        scene, info, stops = run(section)
        total = len(stops)
        wanted = part_range(total, part)
        stops = [(k, stops[k]) for k in wanted]
        start = scene.frame()  # the section's own frame, where the explorer opens
        Image.fromarray(start[:, :, :3]).save(out / "start.png")
        if batch and section in TYPESET_PER_STOP and tex_dir:
            typeset_ahead(scene, [s for _, s in stops], tex_dir)
        encoder = subprocess.Popen(
            [
                "ffmpeg", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgba",
                "-s", f"{width}x{height}", "-r", str(FPS), "-i", "-",
                "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-g", str(KEYINT),
                "-bf", "0", "-pix_fmt", "yuv420p", "-movflags", "+faststart", str(out / "frames.mp4"),
            ],
            stdin=subprocess.PIPE,
        )  # fmt: skip
        values = []
        for k, (stop, move) in stops:
            move()
            encoder.stdin.write(scene.frame().tobytes())
            values.append({**stop, "frame": k})
        encoder.stdin.close()
        if encoder.wait() != 0:
            raise RuntimeError(f"ffmpeg failed to encode the {section} explorer")
    data = {**info, "fps": FPS, "width": width, "height": height, "count": total, "part": list(part), "stops": values}
    (out / "stops.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return data


# Frames between keyframes: a seek decodes at most this many frames (measured in Chromium,
# README "The notebook": the latency of a pointer move against the bytes).
KEYINT = 1


def main(argv: list[str]) -> int:
    part = (0, 1)
    batch = "--each-formula" not in argv  # the way before the batches (benchmarks/explorers.py)
    argv = [a for a in argv if a != "--each-formula"]
    if "--part" in argv:
        at = argv.index("--part")
        k, n = (int(v) for v in argv[at + 1].split("/"))
        if not 0 <= k < n:
            raise SystemExit(f"--part {argv[at + 1]}: K/N with 0 <= K < N")
        part, argv = (k, n), argv[:at] + argv[at + 2 :]
    section, out, width, height = argv[0], Path(argv[1]), int(argv[2]), int(argv[3])
    tex_dir = argv[4] if len(argv) > 4 else None
    write(section, out, width, height, tex_dir, part, batch)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
