"""07 The network, step by step.

The notebook's 13-step walk through the tiny network, one beat per step, all
from ``backprop_core.network.walkthrough``: the forward pass fills the nodes
left to right; the backward pass fills the five boxes of the chain
dL/dw1 = [dL/da2][da2/dz2][dz2/da1][da1/dz1][dz1/dw1] while a gradient pulse runs
right to left through the network, and the running product under the boxes
reuses the one before it; then dL/dw1, dL/dw2 (from the same dL/dz2), the
update of w1, and the forward pass once more with the new w1, whose loss the
core computed.

Layout, top to bottom: title; the network; the chain (boxes, running products
under them); the state panel (step counter, phase, caption, the step's formula
with its numbers and result, and for backward steps the running product).
"""

from __future__ import annotations

import re

from manim import (
    DOWN,
    LEFT,
    UL,
    UP,
    Create,
    Dot,
    FadeIn,
    FadeOut,
    Indicate,
    MathTex,
    MoveAlongPath,
    Rectangle,
    RoundedRectangle,
    SurroundingRectangle,
    TransformFromCopy,
    VGroup,
    Write,
    config,
    linear,
)

from backprop_core import network as core

from scenes import style
from scenes.lesson import LessonScene
from scenes.network_diagram import NetworkDiagram

# Layout (frame units): the frame is 14.2 x 8.
NETWORK_Y = 2.4  # centre line of the network's nodes
NETWORK_WIDTH = 13.4
CHAIN_Y = 0.56  # centre of the chain's boxes
RUNNING_GAP = 0.15
CHAIN_SIZE = 32  # the boxes' fractions and values
RUNNING_SIZE = style.LABEL  # the running products under the boxes
EQUATION_SIZES = (32, style.LABEL, style.SMALL)  # the panel's formulas, largest that fits  # between a box and the running product under it
BOX_PAD = 0.18
PANEL_TOP = -1.06
PANEL_BOTTOM = -3.95
PANEL_LEFT_COLUMN = 2.45  # width of the counter/phase column
PANEL_PAD = 0.2
LINE_GAP = 0.1
PULSE_SECONDS = 1.0
FLY_SECONDS = 0.9

FORWARD_NODES = ("z1", "a1", "z2", "a2", "L")  # keys of forward steps = node slots
GRADIENT_WIRES = {"dL_dw1": "w1", "dL_dw2": "w2"}  # gradients shown under their weight's wire
UPDATED_WEIGHTS = {"w1_new": "w1"}  # updates shown in their weight's label

SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def spoken(key: str) -> str:
    """A value's name as the subtitles write it: "dL_dz2" -> "∂L/∂z₂", "w1_new" -> "the new w₁"."""
    if key.endswith("_new"):
        return "the new " + spoken(key[: -len("_new")])
    match = re.fullmatch(r"d(\w+?)_d(\w+)", key)
    if match:
        return f"∂{spoken(match.group(1))}/∂{spoken(match.group(2))}"
    return key.translate(SUBSCRIPTS)


def beat_name(step: core.Step) -> str:
    return f"step-{step.number:02d}-" + step.key.lower().replace("_", "-")


def equation_pieces(q, tokens: list[str]) -> tuple[list[str], dict[str, int]]:
    """``q.equation()`` cut into pieces for MathTex: symbol, formula, each token of
    the substituted part on its own, result. Returns the pieces and the indices of
    symbol, result and each token occurrence (as "token#n")."""
    parts = [("symbol", q.symbol)]
    if q.formula:
        parts.append(("formula", q.formula))
    if q.substituted:
        parts.append(("substituted", q.substituted))
    parts.append(("result", q.text))
    # Quantity.equation() drops a part that reads the same as the next one.
    parts = [p for i, p in enumerate(parts) if i == len(parts) - 1 or p[1] != parts[i + 1][1]]
    pieces: list[str] = []
    where: dict[str, int] = {}
    for i, (kind, tex) in enumerate(parts):
        if i:
            pieces.append(" = ")
        if kind == "substituted" and tokens:
            where["substituted"] = len(pieces)
            for chunk in split_on_tokens(tex, tokens):
                if chunk in tokens:
                    n = sum(1 for k in where if k.startswith(chunk + "#"))
                    where[f"{chunk}#{n}"] = len(pieces)
                pieces.append(chunk)
        else:
            where.setdefault(kind, len(pieces))
            pieces.append(tex)
    return pieces, where


def split_on_tokens(tex: str, tokens: list[str]) -> list[str]:
    """Split LaTeX at whole-number occurrences of the tokens ("0.8" not inside "0.85")."""
    alternatives = sorted(set(tokens), key=len, reverse=True)
    pattern = "|".join(rf"(?<![\d.]){re.escape(t)}(?![\d])" for t in alternatives)
    out, last = [], 0
    for m in re.finditer(pattern, tex):
        if m.start() > last:
            out.append(tex[last : m.start()])
        out.append(m.group(0))
        last = m.end()
    if last < len(tex):
        out.append(tex[last:])
    return [c for c in out if c]


def fit_width(mob, width: float):
    """Shrink ``mob`` to ``width`` if it is wider (never grow it): long numbers must stay on screen."""
    if mob.width > width:
        mob.scale_to_fit_width(width)
    return mob


class NetworkWalkScene(LessonScene):
    def construct(self) -> None:
        self.walk = core.walkthrough(self.params)
        self.set_up()
        for step in self.walk.steps:
            self.walk_step(step)
        self.forward_again()

    # ------------------------------------------------------------------
    # Building blocks
    # ------------------------------------------------------------------
    def meaning_color(self, key: str) -> str:
        t = self.theme
        if key.startswith("d"):
            return t.grad
        base = key.split("_")[0]
        return {"z1": t.z, "z2": t.z, "a1": t.a, "a2": t.a, "L": t.L, "w1": t.w, "w2": t.w}.get(base, t.text)

    def equation(self, q, color: str, tokens: list[str], width: float):
        """q's equation as MathTex with its tokens isolated, at the largest size that fits."""
        pieces, where = equation_pieces(q, tokens)
        for size in EQUATION_SIZES:
            eq = MathTex(*pieces, arg_separator="", font_size=size, color=self.theme.text)
            if eq.width <= width:
                break
        fit_width(eq, width)  # a long number (scientific notation) may not fit even the smallest size
        eq[where["symbol"]].set_color(color)
        eq[where["result"]].set_color(color)
        return eq, where

    def wrap(self, text: str, width: float, size: int, color: str | None = None) -> VGroup:
        """A caption as Text lines no wider than ``width``.

        Measures the whole caption once, cuts it into lines of proportional
        length at word boundaries, then moves words down while a line is too wide.
        """
        whole = self.words(text, size=size, color=color)
        words = text.split()
        if whole.width <= width:
            return VGroup(whole)
        per_char = whole.width / max(1, len(text))
        lines: list[list[str]] = [[]]
        for word in words:
            trial = " ".join(lines[-1] + [word])
            if lines[-1] and len(trial) * per_char > width * 0.97:
                lines.append([word])
            else:
                lines[-1].append(word)
        mobs = []
        i = 0
        while i < len(lines):
            mob = self.words(" ".join(lines[i]), size=size, color=color)
            if mob.width > width and len(lines[i]) > 1:
                if i + 1 == len(lines):
                    lines.append([])
                lines[i + 1].insert(0, lines[i].pop())
                continue
            mobs.append(mob)
            i += 1
        return VGroup(*mobs).arrange(DOWN, aligned_edge=LEFT, buff=LINE_GAP)

    # ------------------------------------------------------------------
    # Set-up: the network with its inputs, the empty chain, the panel
    # ------------------------------------------------------------------
    def set_up(self) -> None:
        t, w = self.theme, self.walk
        i = w.inputs
        given = ", ".join(
            f"{spoken(name)} = {getattr(i, name).text}" for name in ("x", "w1", "b1", "w2", "b2", "y")
        )
        self.beat(
            "setup",
            f"{w.setup_caption} The input is {given}, and the learning rate η = {i.lr.text}. "
            f"The walk has {w.total} steps.",
        )
        self.add(self.title())
        net = NetworkDiagram(t, i, width=NETWORK_WIDTH).move_to([0, NETWORK_Y, 0])
        # move_to centres the whole group (labels included); put the nodes on the line.
        net.shift(UP * (NETWORK_Y - net.parts["x"].get_center()[1]))
        self.net = net
        self.shown = {"x": net.values["x"], "y": net.values["y"], "w1": net.values["w1"],
                      "w2": net.values["w2"], "b1": net.values["b1"], "b2": net.values["b2"]}
        # The learning rate, used by the update at the end: top-left corner.
        lr = MathTex(i.lr.symbol, "=", i.lr.text, font_size=style.LABEL, color=t.text)
        lr.to_corner(UL, buff=style.EDGE).shift(DOWN * 0.1)
        self.lr_label = lr
        self.shown["lr"] = lr[2]

        self.build_chain()
        self.build_panel()
        self.play(Create(net), FadeIn(lr), run_time=2)
        self.play(FadeIn(self.chain), FadeIn(self.panel_box), run_time=1)
        lines = self.show_state(
            "SETUP", f"{w.total} steps", t.muted, w.setup_caption,
            [self.inputs_line(), self.loss_line()],
        )
        self.play(*(Write(line) for line in lines), run_time=1.5)

    def inputs_line(self) -> MathTex:
        i = self.walk.inputs
        tex = r",\quad ".join(f"{q.symbol} = {q.text}" for q in (i.x, i.w1, i.b1, i.w2, i.b2, i.y, i.lr))
        return MathTex(tex, font_size=style.LABEL, color=self.theme.text)

    def loss_line(self) -> MathTex:
        L = self.walk.forward.L
        return MathTex(f"{L.symbol} = {L.formula}", font_size=style.LABEL, color=self.theme.L)

    def build_chain(self) -> None:
        """dL/dw1 = five boxes (fraction = value), running products under them."""
        t, b = self.theme, self.walk.backward
        lhs = MathTex(b.dL_dw1.symbol, "=", font_size=CHAIN_SIZE, color=t.grad)
        fracs = [MathTex(q.symbol, font_size=CHAIN_SIZE, color=t.muted) for q in b.boxes]
        # A box holds its fraction with its value under it, whichever box is widest.
        values = [MathTex(q.text, font_size=CHAIN_SIZE, color=t.grad) for q in b.boxes]
        running = [MathTex(q.symbol, "=", q.text, font_size=RUNNING_SIZE, color=t.grad) for q in b.running]
        frac_h = max(f.height for f in fracs)
        value_h = max(v.height for v in values)
        box_w = max(max(f.width, v.width) for f, v in zip(fracs, values)) + 2 * BOX_PAD
        box_h = frac_h + value_h + 0.08 + 2 * BOX_PAD * 0.5
        pitch = max(box_w, max(r.width for r in running) + 0.2) + 0.1
        boxes = VGroup()
        for k in range(len(b.boxes)):
            box = Rectangle(width=box_w, height=box_h, color=t.muted, stroke_width=3)
            box.set_fill(t.panel, opacity=1)
            box.move_to([k * pitch, 0, 0])
            boxes.add(box)
        dots = VGroup(*(
            MathTex(r"\cdot", font_size=2 * style.BODY, color=t.text).move_to((boxes[k].get_right() + boxes[k + 1].get_left()) / 2)
            for k in range(len(boxes) - 1)
        ))
        lhs.next_to(boxes, LEFT, buff=0.25)
        row = VGroup(lhs, boxes, dots)
        row.move_to([0, CHAIN_Y, 0])
        for frac, value, box in zip(fracs, values, boxes):
            frac.move_to(box).align_to(box, UP).shift(DOWN * BOX_PAD * 0.5)
            value.move_to(box).align_to(box, DOWN).shift(UP * BOX_PAD * 0.5)
        for cell, box in zip(running, boxes):
            cell.next_to(box, DOWN, buff=RUNNING_GAP)
        # Long numbers widen the boxes' pitch; the whole chain shrinks to the frame then.
        room = config.frame_width - 2 * style.EDGE
        everything = VGroup(row, *fracs, *values, *running)
        if everything.width > room:
            everything.scale_to_fit_width(room).move_to([0, everything.get_center()[1], 0])
        self.chain = VGroup(row, *fracs)
        self.boxes, self.box_fracs, self.box_values, self.running_cells = boxes, fracs, values, running

    def build_panel(self) -> None:
        t = self.theme
        frame_w = config.frame_width - 2 * style.EDGE + 0.3
        box = RoundedRectangle(
            width=frame_w, height=PANEL_TOP - PANEL_BOTTOM, corner_radius=0.15,
            stroke_color=t.muted, stroke_width=2, fill_color=t.panel, fill_opacity=1,
        )
        box.move_to([0, (PANEL_TOP + PANEL_BOTTOM) / 2, 0])
        self.panel_box = box
        self.panel_left = box.get_left()[0] + PANEL_PAD
        self.panel_text_left = self.panel_left + PANEL_LEFT_COLUMN
        self.panel_text_width = box.get_right()[0] - PANEL_PAD - self.panel_text_left
        self.state = VGroup()

    def show_state(self, counter: str, phase: str, phase_color: str, caption: str, lines: list) -> list:
        """Replace the panel's content: counter and phase left, caption and formula lines right.

        Lines are laid out first (so flying values know where to land) and
        returned; the caller writes them. The counter, phase and caption appear here.
        """
        t = self.theme
        top = PANEL_TOP - PANEL_PAD * 0.7
        count = self.words(counter, size=style.HEADING, color=t.highlight)
        phase_text = self.words(phase, size=style.SMALL, color=phase_color)
        left = VGroup(count, phase_text).arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        left.move_to([self.panel_left, top, 0], aligned_edge=UL)
        words = self.wrap(caption, self.panel_text_width, style.LABEL)
        words.move_to([self.panel_text_left, top, 0], aligned_edge=UL)
        below = words
        for line in lines:
            line.next_to(below, DOWN, buff=0.12, aligned_edge=LEFT)
            below = line
        old = self.state
        self.state = VGroup(left, words, *lines)
        anims = [FadeOut(old)] if len(old) else []
        self.play(*anims, FadeIn(left), FadeIn(words), run_time=0.8)
        # Lines that nobody writes with flying values are written now.
        return lines

    # ------------------------------------------------------------------
    # One step
    # ------------------------------------------------------------------
    def walk_step(self, step: core.Step) -> None:
        t, w = self.theme, self.walk
        narration = f"{step.caption} {self.spoken_result(step)}"
        self.beat(beat_name(step), narration)
        backward = step.phase != "FORWARD"
        self.net.unlight()
        self.settle_boxes()

        # The panel: the step's equation, and for backward steps the running product.
        reuse_keys = [k for k in step.reuses if k in self.shown]
        tokens = [self.value_text(k) for k in reuse_keys]
        color = self.meaning_color(step.key)
        eq, where = self.equation(step.quantity, color, tokens, self.panel_text_width)
        lines, flights = [eq], self.flights(eq, where, reuse_keys)
        running = step.running if step.running is not None and step.running.symbol != step.quantity.symbol else None
        if running is not None:
            k = step.chain_box
            prev_key, prev = self.running_key(k - 1), w.backward.running[k - 1]
            box_q = w.backward.boxes[k]
            run_eq, run_where = self.equation(running, t.grad, [prev.text, box_q.text], self.panel_text_width)
            lines.append(run_eq)
        phase_color = {"FORWARD": t.text, "BACKWARD": t.grad, "UPDATE": t.w}.get(step.phase, t.text)
        self.show_state(f"{step.number}/{w.total}", step.phase, phase_color, step.caption, lines)

        # Light the parts of the network and send the pulse.
        self.net.light(step.lights, t.highlight)
        if step.chain_box is not None:
            self.set_box(step.chain_box, "computing")
        if step.key in GRADIENT_WIRES and step.reuses and all(k in self.shown for k in step.reuses):
            for k in step.reuses:
                if k in self.box_keys():
                    self.set_box(self.box_keys().index(k), "computing")
        self.pulse(step.lights, backward, t.grad if backward else t.highlight)

        # Write the equation, the reused values flying in from where they are shown.
        self.write_with_flights(eq, flights)
        if running is not None:
            self.fill_box(step.chain_box, eq[where["result"]])
            run_flights = self.flights(run_eq, run_where, [], sources=[self.shown[prev_key], self.box_values[step.chain_box]])
            self.write_with_flights(run_eq, run_flights)
            self.fill_running(step.chain_box, run_eq[run_where["result"]])
        elif step.chain_box is not None:
            self.fill_box(step.chain_box, eq[where["result"]])
            self.fill_running(step.chain_box, eq[where["result"]])

        # Where the result lives in the network.
        result = eq[where["result"]]
        if step.key in FORWARD_NODES:
            value = self.net.set_value(step.key, step.quantity.text)
            self.play(TransformFromCopy(result, value), run_time=FLY_SECONDS)
            self.shown[step.key] = value
        elif step.key in GRADIENT_WIRES:
            self.show_gradient(step, result)
        elif step.key in UPDATED_WEIGHTS:
            self.show_update(step, result)

    @staticmethod
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

    def spoken_result(self, step: core.Step) -> str:
        q = step.quantity
        said = f"So {spoken(step.key)} = {q.text}."
        if step.running is not None and step.running.symbol != q.symbol:
            said += f" The running product {spoken(self.running_key(step.chain_box))} = {step.running.text}."
        return said

    def value_text(self, key: str) -> str:
        w = self.walk
        for source in (w.inputs, w.forward, w.backward):
            q = getattr(source, key, None)
            if q is not None:
                return q.text
        raise KeyError(key)

    def box_keys(self) -> list[str]:
        return [s.key for s in self.walk.steps if s.chain_box is not None]

    def running_key(self, k: int) -> str:
        """The Backward field holding the running product after box k."""
        b = self.walk.backward
        target = b.running[k]
        for name in ("dL_da2", "dL_dz2", "dL_da1", "dL_dz1", "dL_dw1"):
            if getattr(b, name) is target:
                return name
        raise KeyError(k)

    def flights(self, eq, where, keys, sources=None):
        """(source mobject, target piece) pairs: each reused value flies into its
        occurrence(s) in the substituted formula. With one key per token every
        occurrence is fed; with a token shared by several keys, one each in order."""
        if sources is None:
            sources = [self.shown[k] for k in keys]
            texts = [self.value_text(k) for k in keys]
        else:
            texts = [s for s in (self._text_of_piece(eq, where, n) for n in range(len(sources)))]
        pairs = []
        claimed: set[str] = set()
        for n, (src, text) in enumerate(zip(sources, texts)):
            if src is None or text is None:
                continue
            occurrences = sorted((k for k in where if k.startswith(text + "#")), key=lambda k: where[k])
            free = [o for o in occurrences if o not in claimed]
            if not occurrences and "substituted" not in where and self._result_text(eq, where) == text:
                free = ["result"]  # "dz2/da1 = w2 = 0.8": the value itself is the reused one
            if not free:
                continue
            shared = texts.count(text) > 1
            chosen = free[:1] if shared else free
            claimed.update(chosen)
            pairs.extend((src, eq[where[o]]) for o in chosen)
        return pairs

    @staticmethod
    def _result_text(eq, where) -> str:
        return eq[where["result"]].tex_string

    def _text_of_piece(self, eq, where, n):
        """For the running product: the n-th token occurrence in order of appearance."""
        keys = sorted((k for k in where if "#" in k), key=lambda k: where[k])
        return keys[n].split("#")[0] if n < len(keys) else None

    def write_with_flights(self, eq, flights) -> None:
        targets = [target for _, target in flights]
        for target in targets:
            target.set_opacity(0)
        self.play(Write(eq), run_time=1.2)
        if not flights:
            return
        anims = []
        for source, target in flights:
            target.set_opacity(1)
            anims.append(TransformFromCopy(source, target))
        self.play(*anims, run_time=FLY_SECONDS)

    # -- the chain ---------------------------------------------------------
    def set_box(self, k: int, state: str) -> None:
        t = self.theme
        box, frac = self.boxes[k], self.box_fracs[k]
        if state == "computing":
            box.set_stroke(color=t.highlight, width=6)
            frac.set_color(t.highlight)
        elif state == "done":
            box.set_stroke(color=t.done, width=4)
            frac.set_color(t.grad)
        self.box_states[k] = state

    @property
    def box_states(self) -> dict[int, str]:
        if not hasattr(self, "_box_states"):
            self._box_states = {}
        return self._box_states

    def settle_boxes(self) -> None:
        """Boxes computed in an earlier step go from 'being computed' to 'done'."""
        for k, state in list(self.box_states.items()):
            if state in ("computing", "filled"):
                self.set_box(k, "done")

    def fill_box(self, k: int, result) -> None:
        value = self.box_values[k]
        self.play(TransformFromCopy(result, value), run_time=FLY_SECONDS)
        self.shown[self.box_keys()[k]] = value
        self.box_states[k] = "filled"

    def fill_running(self, k: int, result) -> None:
        cell = self.running_cells[k]
        self.write_with_flights(cell, [(result, cell[2])])
        self.shown[self.running_key(k)] = cell[2]

    # -- motion --------------------------------------------------------------
    def pulse(self, lights, backward: bool, color: str) -> None:
        paths = self.net.wires_for(lights, backward)
        if not paths:
            return
        dots = [Dot(path.get_start(), radius=0.11, color=color) for path in paths]
        self.play(*(MoveAlongPath(d, p, rate_func=linear) for d, p in zip(dots, paths)), run_time=PULSE_SECONDS)
        self.remove(*dots)

    def show_gradient(self, step: core.Step, result) -> None:
        t = self.theme
        wire = self.net.wires[GRADIENT_WIRES[step.key]]
        label = MathTex(step.quantity.symbol, "=", step.quantity.text, font_size=style.SMALL, color=t.grad)
        fit_width(label, wire.width - 0.1)  # stays between the nodes the wire joins
        label.next_to(wire, DOWN, buff=0.12)
        self.write_with_flights(label, [(result, label[2])])
        self.shown[step.key] = label[2]
        self.gradient_labels = getattr(self, "gradient_labels", []) + [label]

    def show_update(self, step: core.Step, result) -> None:
        """The weight's label takes the new value, flying in from the result."""
        weight = UPDATED_WEIGHTS[step.key]
        old = self.net.labels[weight]
        new = MathTex(getattr(self.walk.inputs, weight).symbol, "=", step.quantity.text,
                      font_size=style.LABEL, color=self.net.colors[weight])
        new.move_to(old)
        new[2].set_color(self.theme.highlight)
        old_value = old[2].copy()
        self.net.remove(old)
        self.net.add(new)
        self.add(old_value)
        self.play(FadeOut(old_value), TransformFromCopy(result, new[2]), run_time=FLY_SECONDS)
        self.net.labels[weight] = new
        self.net.values[weight] = new[2]
        self.updated = new[2]

    # ------------------------------------------------------------------
    # After the update: the forward pass again, the loss goes down
    # ------------------------------------------------------------------
    def forward_again(self) -> None:
        t, w = self.theme, self.walk
        u = w.update
        self.beat("forward-again", f"Run the forward pass again with {spoken('w1')} = {u.w1_new.text}: {self.outcome_said(u)}")
        self.net.unlight()
        self.settle_boxes()
        self.updated.set_color(t.w)
        after = u.forward_after
        L_eq, _ = self.equation(after.L, t.L, [], self.panel_text_width)
        change = MathTex(
            r"L_{\text{before}} = ", u.loss_before.text, r"\;\to\; L_{\text{after}} = ", u.loss_after.text,
            rf"\qquad {u.loss_change.symbol} = {u.loss_change.text}",
            font_size=EQUATION_SIZES[0], color=t.text,
        )
        fit_width(change, self.panel_text_width)
        change[1].set_color(t.L)
        change[3].set_color(t.L)
        self.show_state(
            "AGAIN", "FORWARD", t.text,
            f"One more forward pass with the new w₁: {u.outcome}",
            [L_eq, change],
        )
        self.play(*(FadeOut(label) for label in getattr(self, "gradient_labels", [])), run_time=0.6)
        # Left to right, each node takes its new value.
        order = [s for s in w.steps if s.key in FORWARD_NODES]
        for step in order:
            self.net.light(step.lights, t.highlight)
            self.pulse(step.lights, False, t.highlight)
            old = self.net.values[step.key]
            new = self.net.value_mob(step.key, getattr(after, step.key).text)
            self.play(FadeOut(old), FadeIn(new), run_time=0.5)
            self.net.values[step.key] = new
            self.net.unlight()
        self.play(Write(L_eq), run_time=1)
        self.play(FadeIn(change), run_time=1)
        self.play(Create(SurroundingRectangle(change[3], color=t.L, buff=0.08)), Indicate(self.net.values["L"], color=t.highlight))
