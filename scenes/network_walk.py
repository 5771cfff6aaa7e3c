"""07 The network, step by step.

The notebook's 13-step walk through the tiny network, one beat per step, all
from ``backprop_core.network.walkthrough``: the forward pass fills the nodes
left to right; the backward pass fills the five boxes of the chain
dL/dw1 = [dL/da2][da2/dz2][dz2/da1][da1/dz1][dz1/dw1] while a gradient pulse runs
right to left through the network, and the running product under the boxes
reuses the one before it; then dL/dw1, dL/dw2 (from the same dL/dz2), the
update of w1, and the forward pass once more with the new w1, whose loss the
core computed.

Layout, three bands from top to bottom: the network (NetworkDiagram), the
chain (ChainRow), the state panel (StatePanel: step counter, phase, caption,
the step's formula with its numbers and result, and for backward steps the
running product).
"""

from __future__ import annotations

import re

from manim import LEFT, Create, FadeIn, FadeOut, Indicate, MathTex, TransformFromCopy, Write, config

from backprop_core import network as core
from backprop_core.numbers import SUBSCRIPT_DIGITS, formula_caption
from scenes import style
from scenes.components.chain_row import ChainRow
from scenes.components.equation import Equation
from scenes.components.network_diagram import NetworkDiagram
from scenes.components.state_panel import StatePanel
from scenes.lesson import LessonScene

# The frame (14.2 x 8) in three bands: the network, the chain, the panel.
NETWORK_Y = 2.4  # centre line of the network's nodes
NETWORK_WIDTH = 13.4
CHAIN_Y = 0.56  # centre line of the chain's boxes
PANEL_TOP, PANEL_BOTTOM = -1.06, -3.95
ROOM = config.frame_width - 2 * style.EDGE  # the width inside the frame's margins
PULSE_SECONDS = 1.0
FLY_SECONDS = 0.9
WRITE_SECONDS = 1.2

DERIVATIVE = re.compile(r"d(\w+?)_d(\w+)")  # the core's names of derivatives: dL_dz2, da2_dz2


def caption_name(key: str) -> str:
    """A value's name as the subtitles write it: "dL_dz2" -> "∂L/∂z₂", "w1_new" -> "the new w₁"."""
    if key.endswith("_new"):
        return "the new " + caption_name(key.removesuffix("_new"))
    match = DERIVATIVE.fullmatch(key)
    if match:
        return f"∂{caption_name(match.group(1))}/∂{caption_name(match.group(2))}"
    return key.translate(SUBSCRIPT_DIGITS)


def panel_working(q: core.Quantity) -> str:
    """The state panel's formula line up to its result, which the narration says: "z₁ = 0.5 · 1 + 0"."""
    return f"{formula_caption(q.symbol)} = {formula_caption(q.substituted or q.formula)}"


def beat_name(step: core.Step) -> str:
    return f"step-{step.number:02d}-" + step.key.lower().replace("_", "-")


def outcome_said(u: core.Update) -> str:
    """The loss before and after, in words the sign of the change decides."""
    if u.went == "nowhere":
        return f"the loss stays at {u.loss_before.text}: with a zero gradient, w₁ did not move."
    said = f"the loss goes {u.went} from {u.loss_before.text} to {u.loss_after.text}, a change of {u.loss_change.text}"
    if u.change_too_small_to_see:
        said += ", too small to show in the loss's digits"
    if u.went == "up":
        said += ". The step was too big: it overshot, past the lowest loss"
    return said + "."


class NetworkWalkScene(LessonScene):
    def construct(self) -> None:
        w = self.walk = core.walkthrough(self.params)
        # Every value of the walk by its key in the core, and which key holds each running product.
        self.values = {**vars(w.inputs), **vars(w.forward), **vars(w.backward), "w1_new": w.update.w1_new}
        self.running_keys = [next(k for k, q in vars(w.backward).items() if q is r) for r in w.backward.running]
        self.box_keys = [s.key for s in w.steps if s.chain_box is not None]
        self.shown = {}  # key -> the mobject on screen that shows that value now (reused values fly from it)
        self.notes = []  # the gradients written under their weights' wires
        with self.beat("setup", self.setup_said(), described=self.setup_described()):
            self.set_up()
        for step in w.steps:
            with self.beat(beat_name(step), self.said(step), described=self.described(step)):
                self.take(step)
        with self.beat("forward-again", self.again_said(), described=self.again_described()):
            self.forward_again()

    # -- what is said ----------------------------------------------------------
    def setup_said(self) -> str:
        w = self.walk
        given = ", ".join(f"{caption_name(k)} = {self.values[k].text}" for k in ("x", "w1", "b1", "w2", "b2", "y"))
        return (
            f"{w.setup_caption} The input is {given}, and the learning rate η = {w.inputs.lr.text}. "
            f"The walk has {w.total} steps."
        )

    def said(self, step: core.Step) -> str:
        said = f"{step.caption} So {caption_name(step.key)} = {step.quantity.text}."
        if self.has_product(step):
            said += f" The running product {caption_name(self.running_keys[step.chain_box])} = {step.running.text}."
        return said

    def setup_described(self) -> str:
        return (
            "The network, left to right: x, hidden unit z₁ a₁, output unit z₂ a₂, loss L with target y, weights "
            "on the wires; below, ∂L/∂w₁ as five empty boxes, and a panel showing "
            f"L = {formula_caption(self.walk.forward.L.formula)}."
        )

    def described(self, step: core.Step) -> str:
        """The step counter (and its phase, where one begins), the panel's working, where the result goes."""
        steps = self.walk.steps
        k = steps.index(step)
        said = f"Step {step.number} of {self.walk.total}"
        begins = k == 0 or steps[k - 1].phase != step.phase
        if begins:
            said += f", {step.phase.lower()}"
        said += f": {panel_working(step.quantity)}"
        if step.phase == "FORWARD":  # each value flies into its node: said at the first
            return f"{said}, its value flying into its node." if begins else f"{said}."
        if step.chain_box is not None:
            box = step.chain_box + 1
            if not self.has_product(step):  # the first box: the pulse is new, said once
                return (
                    f"{said}; box {box} of the chain lights up and takes it, as a pulse runs back through the network."
                )
            return f"{said}, into box {box}; then the running product {panel_working(step.running)}."
        if step.phase == "BACKWARD":
            weight = DERIVATIVE.fullmatch(step.key).group(2)
            return f"{said}, written under the {caption_name(weight)} wire."
        return f"{said}, which replaces the {caption_name(step.key.removesuffix('_new'))} label on its wire."

    def again_described(self) -> str:
        u, after = self.walk.update, vars(self.walk.update.forward_after)
        forward = (s.key for s in self.walk.steps if s.phase == "FORWARD")
        nodes = ", ".join(f"{caption_name(k)} = {after[k].text}" for k in forward)
        return (
            f"The gradients fade and the nodes refill left to right, {nodes}; the panel shows "
            f"{panel_working(u.forward_after.L)}, then the loss before and after, the new one boxed."
        )

    def again_said(self) -> str:
        u = self.walk.update
        return f"Run the forward pass again with {caption_name('w1')} = {u.w1_new.text}: {outcome_said(u)}"

    # -- the set-up: the network with its inputs, the empty chain, the panel -----
    def set_up(self) -> None:
        t, w = self.theme, self.walk
        title = self.title()
        self.add(title)
        self.net = NetworkDiagram(t, w.inputs, width=NETWORK_WIDTH).nodes_on(NETWORK_Y)
        lr = MathTex(w.inputs.lr.symbol, "=", w.inputs.lr.text, font_size=style.LABEL, color=t.text)
        lr.to_edge(LEFT, buff=style.EDGE).match_y(title)  # used by the update at the end
        self.shown.update({k: self.net.value(k) for k in ("x", "y", "w1", "w2", "b1", "b2")}, lr=lr[2])
        self.chain = ChainRow(t, w.backward, room=ROOM, at=[0, CHAIN_Y, 0])
        counters, phases = ("SETUP", "AGAIN", f"{w.total}/{w.total}"), (f"{w.total} steps", *core.PHASES)
        self.panel = StatePanel(t, PANEL_TOP, PANEL_BOTTOM, ROOM, counters, phases)
        self.play(Create(self.net), FadeIn(lr), run_time=2)
        self.play(FadeIn(self.chain), FadeIn(self.panel), run_time=1)
        inputs = r",\quad ".join(f"{q.symbol} = {q.text}" for q in vars(w.inputs).values())
        lines = [
            MathTex(inputs, font_size=style.LABEL, color=t.text),
            MathTex(f"{w.forward.L.symbol} = {w.forward.L.formula}", font_size=style.LABEL, color=t.L),
        ]
        self.play(*self.panel.show("SETUP", f"{w.total} steps", w.setup_caption, lines, t.muted), run_time=0.8)
        self.play(*(Write(line) for line in lines), run_time=1.5)

    # -- one step of the walk ------------------------------------------------
    def take(self, step: core.Step) -> None:
        if step.phase == "FORWARD":
            self.forward_step(step)
        elif step.chain_box is not None:
            self.chain_step(step)
        elif step.phase == "BACKWARD":
            self.gradient_step(step)
        else:
            self.update_step(step)

    def forward_step(self, step: core.Step) -> None:
        """The formula is written, and its value flies into the node's slot."""
        eq = self.formula(step)
        self.begin(step, [eq])
        self.write(eq, self.reused(eq, step))
        self.play(self.net.fly_value(step.key, step.quantity.text, eq.result), run_time=FLY_SECONDS)
        self.shown[step.key] = self.net.value(step.key)

    def chain_step(self, step: core.Step) -> None:
        """A box of the chain: its local slope, then the running product under it."""
        k, b = step.chain_box, self.walk.backward
        eq, product = self.formula(step), None
        if self.has_product(step):
            product = self.panel.equation(step.running, [b.running[k - 1].text, b.boxes[k].text], self.theme.grad)
        self.begin(step, [eq, product] if product else [eq], boxes=[k])
        self.write(eq, self.reused(eq, step))
        self.play(self.chain.fill(k, eq.result), run_time=FLY_SECONDS)
        self.shown[self.box_keys[k]] = self.chain.value(k)
        if product:
            sources = [self.shown[self.running_keys[k - 1]], self.chain.value(k)]
            slots = product.slots([b.running[k - 1].text, b.boxes[k].text])
            self.write(product, [(src, piece) for src, pieces in zip(sources, slots) for piece in pieces])
        self.write(self.chain.product(k), [((product or eq).result, self.chain.product_value(k))])
        self.shown[self.running_keys[k]] = self.chain.product_value(k)

    def gradient_step(self, step: core.Step) -> None:
        """A gradient from values already shown, written under its weight's wire."""
        eq = self.formula(step)
        self.begin(step, [eq], boxes=[k for k, key in enumerate(self.box_keys) if key in step.reuses])
        self.write(eq, self.reused(eq, step))
        q = step.quantity
        note = MathTex(q.symbol, "=", q.text, font_size=style.SMALL, color=self.theme.grad)
        self.net.note_under(DERIVATIVE.fullmatch(step.key).group(2), note)
        self.write(note, [(eq.result, note[2])])
        self.shown[step.key] = note[2]
        self.notes.append(note)

    def update_step(self, step: core.Step) -> None:
        """The new weight flies into its label."""
        eq = self.formula(step)
        self.begin(step, [eq])
        self.write(eq, self.reused(eq, step))
        weight = step.key.removesuffix("_new")
        self.play(*self.net.relabel(weight, step.quantity.text, eq.result, self.theme.highlight), run_time=FLY_SECONDS)

    # -- what every step does ------------------------------------------------
    def begin(self, step: core.Step, lines: list, boxes=()) -> None:
        """The panel shows the step; the parts it reads light up while a pulse runs through them."""
        backward = step.phase != "FORWARD"
        counter = f"{step.number}/{self.walk.total}"
        self.play(*self.panel.show(counter, step.phase, step.caption, lines), *self.lights_out(), run_time=0.8)
        self.light(step.lights, boxes, backward)

    def light(self, lights, boxes=(), backward: bool = False) -> None:
        color = self.theme.grad if backward else self.theme.highlight
        pulse = self.net.pulse(lights, backward, color)
        self.play(
            self.net.light_up(lights, self.theme.highlight),
            *([self.chain.compute(*boxes)] if boxes else []),
            *([pulse] if pulse else []),
            run_time=PULSE_SECONDS,
        )

    def lights_out(self) -> list:
        return [self.net.lights_out(), *self.chain.settle()]

    def has_product(self, step: core.Step) -> bool:
        """A backward step whose running product is a new value (not the box's own, as in the first)."""
        return step.running is not None and step.running.symbol != step.quantity.symbol

    def formula(self, step: core.Step) -> Equation:
        """The step's equation, the values it reuses from earlier steps as pieces of their own."""
        tokens = [self.values[k].text for k in step.reuses if k in self.shown]
        accent = self.theme.grad if step.key.startswith("d") else style.part_color(step.key, self.theme)
        return self.panel.equation(step.quantity, tokens, accent)

    def reused(self, eq: Equation, step: core.Step) -> list:
        """(shown value, piece of ``eq``) pairs: each value the step reuses flies into its place."""
        keys = [k for k in step.reuses if k in self.shown]
        slots = eq.slots([self.values[k].text for k in keys])
        return [(self.shown[k], piece) for k, pieces in zip(keys, slots) for piece in pieces]

    def write(self, line, flights) -> None:
        """Write ``line``; then the reused values fly from where they are shown into their places."""
        for _, target in flights:
            target.set_opacity(0)
        self.play(Write(line), run_time=WRITE_SECONDS)
        if flights:
            for _, target in flights:
                target.set_opacity(1)
            self.play(*(TransformFromCopy(source, target) for source, target in flights), run_time=FLY_SECONDS)

    # -- after the update: the forward pass again, the loss goes down ----------
    def forward_again(self) -> None:
        t, u = self.theme, self.walk.update
        after = vars(u.forward_after)
        L_eq = self.panel.equation(u.forward_after.L, accent=t.L)
        change = self.panel.math(
            r"L_{\text{before}} = ",
            u.loss_before.text,
            r"\;\to\; L_{\text{after}} = ",
            u.loss_after.text,
            rf"\qquad {u.loss_change.symbol} = {u.loss_change.text}",
        )
        change[1].set_color(t.L)
        change[3].set_color(t.L)
        caption = f"One more forward pass with the new w₁: {u.outcome}"
        self.play(*self.panel.show("AGAIN", "FORWARD", caption, [L_eq, change]), *self.lights_out(), run_time=0.8)
        self.play(*(FadeOut(note) for note in self.notes), run_time=0.6)
        for step in (s for s in self.walk.steps if s.phase == "FORWARD"):  # left to right, each node anew
            self.light(step.lights)
            self.play(*self.net.swap_value(step.key, after[step.key].text), self.net.lights_out(), run_time=0.5)
        self.play(Write(L_eq), run_time=1)
        self.play(FadeIn(change), run_time=1)
        self.play(Create(style.highlight_box(change[3], t.L)), Indicate(self.net.value("L"), color=t.highlight))
