"""A control frame for each component of scenes/components/ in each of its states,
so that a layout change fails next to its cause (as ManimML's tests do), not
only in the last frame of a scene that uses it.

Each case builds the component as its scene (the network walk, partials) does, with the core's
numbers at the default parameters, drives it through its own animations
(skipped: each play jumps to its end) and compares the frame with
tests/control_data/components/<case>.npz, with the tolerances of
tests/test_scenes.py. After an intended change, rewrite them with
    ./test.sh tests/test_components.py --set_test
and look at tests/control_data/components/<case>.png before committing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from manim import UP, MathTex, Scene, Write
from manim.camera.camera import Camera

from backprop_core import network as core
from backprop_core import refresher
from backprop_core.params import Params
from scenes import partials, style
from scenes.components.chain_row import COMPUTING, DONE, WAITING, ChainRow
from scenes.components.derivation import Derivation
from scenes.components.network_diagram import NetworkDiagram
from scenes.components.slice_panel import DOT_RADIUS, TANGENT_HALF
from scenes.components.state_panel import StatePanel
from scenes.components.surface import SurfaceView
from scenes.network_walk import CHAIN_Y, NETWORK_WIDTH, NETWORK_Y, PANEL_BOTTOM, PANEL_TOP, ROOM

from .harness import check_frame, lesson_env, render_skipped

CONTROL = Path(__file__).parent / "control_data" / "components"
BOUNDS_HIGH = Params(w1=5.0, x=5.0, y=0.0, w2=-5.0)  # long numbers: the chain and the panel shrink to fit


def stage(build, params: Params | None = None, camera=None):
    """Render ``build(scene, theme, walk)`` on the lesson's background; returns (scene, last frame)."""

    class Stage(Scene):
        def __init__(self, **kwargs) -> None:
            super().__init__(camera_class=camera or Camera, **kwargs)

        def construct(self) -> None:
            t = style.theme()
            self.camera.background_color = t.background
            build(self, t, core.walkthrough(params or Params()))

    with lesson_env(params):
        return render_skipped(Stage)


# -- NetworkDiagram --------------------------------------------------------------
def diagram(scene, t, walk) -> NetworkDiagram:
    net = NetworkDiagram(t, walk.inputs, width=NETWORK_WIDTH).move_to([0, NETWORK_Y, 0])
    scene.add(net)
    return net


def diagram_forward(scene, t, walk) -> None:
    """Step 1 lit (x, w1, b1, z1), z1 and a1 flown into their slots."""
    net = diagram(scene, t, walk)
    scene.play(net.light_up(walk.steps[0].lights, t.highlight), net.pulse(walk.steps[0].lights, False, t.highlight))
    scene.play(net.fly_value("z1", walk.forward.z1.text, net.values["x"]))
    scene.play(net.fly_value("a1", walk.forward.a1.text, net.values["z1"]))


def diagram_backward(scene, t, walk) -> NetworkDiagram:
    """All forward values in place, dL/dw1 under w1's wire, w1 relabelled with its update, w1 lit."""
    net = diagram(scene, t, walk)
    for key in ("z1", "a1", "z2", "a2", "L"):
        scene.play(net.fly_value(key, vars(walk.forward)[key].text, net.values["x"]))
    q = walk.backward.dL_dw1
    note = net.note_under("w1", MathTex(q.symbol, "=", q.text, font_size=style.SMALL, color=t.grad))
    scene.add(note)
    scene.play(*net.relabel("w1", walk.update.w1_new.text, note[2], t.highlight), net.light_up(["w1"], t.grad))
    return net


def diagram_lights_out(scene, t, walk) -> None:
    """Lit and relabelled, then every part and label back in its own colour."""
    scene.play(diagram_backward(scene, t, walk).lights_out())


# -- ChainRow ------------------------------------------------------------------
def chain(scene, t, walk) -> ChainRow:
    row = ChainRow(t, walk.backward, room=ROOM, at=[0, CHAIN_Y, 0])
    scene.add(row)
    return row


def chain_up_to(scene, t, walk, last: int) -> ChainRow:
    """Boxes 0..last computed as the walk does: each filled with its running product; all but the last done."""
    row = chain(scene, t, walk)
    for k in range(last + 1):
        scene.play(*row.settle(), row.compute(k))
        scene.play(row.fill(k, row.values[k].copy().shift(UP)))
        scene.add(row.running[k])
    return row


def chain_computing(scene, t, walk) -> None:
    row = chain_up_to(scene, t, walk, 2)
    assert row.states == [DONE, DONE, COMPUTING, WAITING, WAITING]


def chain_done(scene, t, walk) -> None:
    row = chain_up_to(scene, t, walk, 4)
    scene.play(*row.settle())
    assert row.states == [DONE] * 5


# -- StatePanel ----------------------------------------------------------------
def panel(t, walk) -> StatePanel:
    counters, phases = ("SETUP", "AGAIN", f"{walk.total}/{walk.total}"), (f"{walk.total} steps", *core.PHASES)
    return StatePanel(t, PANEL_TOP, PANEL_BOTTOM, ROOM, counters, phases)


def panel_setup(scene, t, walk) -> None:
    p = panel(t, walk)
    lines = [MathTex(r"L = " + walk.forward.L.formula, font_size=style.LABEL, color=t.L)]
    scene.add(p)
    scene.play(*p.show("SETUP", f"{walk.total} steps", walk.setup_caption, lines, t.muted))
    scene.add(*lines)


def panel_step(number: int):
    """Step ``number`` as the walk shows it: its formula, and the running product if it makes one."""

    def build(scene, t, walk) -> None:
        p, step = panel(t, walk), walk.steps[number - 1]
        lines = [p.equation(step.quantity, accent=t.grad)]
        if step.running is not None and step.running.symbol != step.quantity.symbol:
            lines.append(p.equation(step.running, accent=t.grad))
        scene.add(p)
        scene.play(*p.show("SETUP", f"{walk.total} steps", walk.setup_caption, [], t.muted))  # fades out next
        scene.play(*p.show(f"{step.number}/{walk.total}", step.phase, step.caption, lines))
        scene.add(*lines)
        assert all(line.get_right()[0] <= p.box.get_right()[0] for line in lines)

    return build


# -- SurfaceView (partials' landscape) ---------------------------------------------
def surface(scene, t, walk) -> SurfaceView:
    p = refresher.partials_at()
    view = partials.landscape(p)  # as the scene builds it
    scene.add(view)
    return view


def surface_sliced(scene, t, walk) -> None:
    """Tilted into the landscape, cut by the plane y = 0.3: the cut, its tangent, the point and its drop line."""
    p, view = refresher.partials_at(), surface(scene, t, walk)
    scene.add(view.floor(t.muted))
    scene.bring_to_back(scene.mobjects[-1])
    scene.play(*view.look(partials.TILT, partials.TURN, partials.LANDSCAPE_CENTER))
    scene.play(*view.slice_with_plane("y", p.y.value, t.muted))
    scene.add(
        view.cut("y", p.y.value, t.curve),
        view.tangent(p.x.value, p.y.value, "x", p.df_dx.value, TANGENT_HALF, t.grad),
        view.drop_line(p.x.value, p.y.value, t.text),
        view.point(p.x.value, p.y.value, t.text, DOT_RADIUS),
    )


CASES = {
    "network-diagram-built": (diagram, None),
    "network-diagram-forward": (diagram_forward, None),
    "network-diagram-backward": (diagram_backward, None),
    "network-diagram-lights-out": (diagram_lights_out, None),
    "chain-row-waiting": (chain, None),
    "chain-row-computing": (chain_computing, None),
    "chain-row-done": (chain_done, None),
    "chain-row-long-numbers": (lambda s, t, w: chain_up_to(s, t, w, 4), BOUNDS_HIGH),
    "state-panel-setup": (panel_setup, None),
    "state-panel-backward": (panel_step(8), None),
    "state-panel-long-numbers": (panel_step(11), BOUNDS_HIGH),
    "surface-from-above": (surface, None, partials.PartialsCamera),
    "surface-sliced": (surface_sliced, None, partials.PartialsCamera),
}


@pytest.mark.parametrize("case", list(CASES))
def test_component_frame_matches_control(case, request):
    build, params, *camera = CASES[case]
    _, frame = stage(build, params, *camera)
    check_frame(frame, CONTROL / f"{case}.npz", request.config.getoption("--set_test"))


def test_a_derivation_keeps_its_equals_signs_in_one_column_and_scrolls_before_the_bottom():
    steps = [latex for latex, _ in refresher.sigmoid_derivation()]
    bottom, built = -0.5, {}  # room for fewer lines than the derivation has

    def build(scene, t, walk):
        d = built["d"] = Derivation(-5.6, 2.3, bottom, font_size=40, color=t.text)
        for latex in steps:
            line = d.line(latex)
            while moves := d.make_room(line):
                scene.play(*moves)
            scene.play(Write(line))
            d.add(line)

    stage(build)
    d = built["d"]
    assert 2 <= len(d) < len(steps), "the oldest lines but the first left"
    assert d.first.tex_string == steps[0] and d.last.tex_string == steps[-1]
    assert all(abs((m[1] if len(m) == 3 else m[0]).get_left()[0] - d.equals_x) < 1e-6 for m in d)
    assert all(a.get_bottom()[1] > b.get_top()[1] for a, b in zip(d, d[1:])), "top to bottom, apart"
    assert d.last.get_bottom()[1] >= bottom
