"""The lesson's tiny network as one mobject: x -> (w1, b1) -> [z1 | a1] -> (w2, b2) -> [z2 | a2] -> L <- y.

Only layout lives here. Each part has a name the core's walkthrough uses in
``Step.lights`` ("x", "w1", "b1", "z1", "a1", "w2", "b2", "z2", "a2", "y", "L"),
so a scene can light parts up by name, put a value into a node's slot, and send
a pulse along the wires between parts. Every number drawn is handed in by the
scene (from ``backprop_core``); this module never computes one.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Animation,
    AnimationGroup,
    Arrow,
    Circle,
    Dot,
    FadeIn,
    FadeOut,
    Line,
    MathTex,
    MoveAlongPath,
    Rectangle,
    Transform,
    TransformFromCopy,
    VGroup,
    VMobject,
    linear,
)

from scenes import style

# Layout (frame units).
NODE_HEIGHT = 1.0
HALF_WIDTH = 1.05  # each half of a split unit (z | a)
RADIUS = 0.55  # x, L and y nodes
SYMBOL_SHIFT = 0.22
SYMBOL_SIZE = style.HEADING
VALUE_SIZE = style.LABEL
BIAS_LENGTH = 0.6  # symbol above the centre of a node, value below
EDGE_STROKE = 4
NODE_STROKE = 4
LIT_STROKE = 8
PULSE_RADIUS = 0.11

NODES = ("x", "z1", "a1", "z2", "a2", "L", "y")
GAP_SHARES = (0.36, 0.36, 0.18, 0.10)  # of the free width: x->hidden, hidden->output, output->L, L<-y

# Every part by its name in the core's walkthrough, nodes left to right, then weights and biases.
PARTS = ("x", "z1", "a1", "z2", "a2", "L", "y", "w1", "w2", "b1", "b2")

# The wires a signal travels, as (from part, to part, the weight/bias on the way).
# A pulse runs along a wire in a step when the step lights both its ends, or its
# weight and one end; forward pulses run along it, backward pulses against it.
WIRES: tuple[tuple[str, str, str | None], ...] = (
    ("x", "z1", "w1"),
    ("b1", "z1", None),
    ("z1", "a1", None),
    ("a1", "z2", "w2"),
    ("b2", "z2", None),
    ("z2", "a2", None),
    ("a2", "L", None),
    ("y", "L", None),
)


class NetworkDiagram(VGroup):
    """The network, its labels and value slots.

    ``values`` holds the value mobjects currently shown in each slot (by part
    name); ``parts`` the outline of each part (what lights up).
    """

    def __init__(self, theme, inputs, width: float = 13.2, **kwargs) -> None:
        super().__init__(**kwargs)
        self.theme = theme
        self.parts: dict[str, VMobject] = {}
        self.symbols: dict[str, MathTex] = {}
        self.values: dict[str, MathTex] = {}
        self.labels: dict[str, MathTex] = {}
        self._base_style: dict[str, tuple[str, float]] = {}
        self.colors = {name: style.part_color(name, theme) for name in PARTS}
        self._lay_out_nodes(width)
        self.wires = self._wires()
        for name in ("w1", "w2", "b1", "b2"):
            self.parts[name] = self.wires[name]
            self._base_style[name] = (self.colors[name], EDGE_STROKE)
        self._label_weights(inputs)
        # The wires first, so nodes (filled) sit on top of them.
        self.add(*self.wires.values())
        for name in NODES:
            self.add(self.parts[name], self.symbols[name])
        self.add(*self.labels.values())
        # The fixed inputs show their values from the start.
        for name, q in (("x", inputs.x), ("y", inputs.y)):
            self.add(self.set_value(name, q.text))

    def _lay_out_nodes(self, width: float) -> None:
        """Nodes left to right; the gaps between them split what their widths leave of ``width``."""
        x, loss, target = self._circle("x", "x"), self._circle("L", "L"), self._circle("y", "y")
        hidden = VGroup(self._half("z1", "z_1"), self._half("a1", "a_1")).arrange(RIGHT, buff=0)
        output = VGroup(self._half("z2", "z_2"), self._half("a2", "a_2")).arrange(RIGHT, buff=0)
        # Gaps: x->hidden and hidden->output carry weight labels (wide), a2->L and
        # y->L are short wires.
        widths = [2 * RADIUS, hidden.width, output.width, 2 * RADIUS, 2 * RADIUS]
        gaps = [*(np.array(GAP_SHARES) * (width - sum(widths))), 0.0]
        left = -width / 2
        for mob, w, gap in zip((x, hidden, output, loss, target), widths, gaps):
            mob.move_to([left + w / 2, 0, 0])
            left += w + gap
        for name in NODES:
            self.symbols[name].move_to(self.parts[name].get_center() + UP * SYMBOL_SHIFT)

    def _circle(self, name: str, tex: str) -> Circle:
        return self._node(name, Circle(radius=RADIUS), tex)

    def _half(self, name: str, tex: str) -> Rectangle:
        return self._node(name, Rectangle(width=HALF_WIDTH, height=NODE_HEIGHT), tex)

    def _node(self, name: str, node: VMobject, tex: str) -> VMobject:
        node.set_stroke(color=self.colors[name], width=NODE_STROKE).set_fill(self.theme.panel, opacity=1)
        self.parts[name] = node
        self._base_style[name] = (self.colors[name], NODE_STROKE)
        self.symbols[name] = MathTex(tex, font_size=SYMBOL_SIZE, color=self.colors[name])
        return node

    def _wires(self) -> dict[str, Arrow]:
        """Weights between the units, the loss's two inputs, biases from below (tip sizes by length)."""
        p, t = self.parts, self.theme

        def arrow(start, end, color: str, tip: float) -> Arrow:
            return Arrow(start, end, buff=0, color=color, stroke_width=EDGE_STROKE, max_tip_length_to_length_ratio=tip)

        return {
            "w1": arrow(p["x"].get_right(), p["z1"].get_left(), t.w, 0.12),
            "w2": arrow(p["a1"].get_right(), p["z2"].get_left(), t.w, 0.12),
            "L": arrow(p["a2"].get_right(), p["L"].get_left(), t.muted, 0.25),
            "y": arrow(p["y"].get_left(), p["L"].get_right(), t.y, 0.35),
            "b1": arrow(p["z1"].get_bottom() + DOWN * BIAS_LENGTH, p["z1"].get_bottom(), t.b, 0.4),
            "b2": arrow(p["z2"].get_bottom() + DOWN * BIAS_LENGTH, p["z2"].get_bottom(), t.b, 0.4),
        }

    def _label_weights(self, inputs) -> None:
        """ "w_1 = 0.5" above a weight's wire; "b_1 = 0" right of its arrow (left of it, under the
        weight's wire, is where the weight's gradient goes)."""
        for name, q in (("w1", inputs.w1), ("w2", inputs.w2), ("b1", inputs.b1), ("b2", inputs.b2)):
            label = MathTex(q.symbol, "=", q.text, font_size=VALUE_SIZE, color=self.colors[name])
            wire = self.wires[name]
            if name.startswith("w"):
                label.next_to(wire, UP, buff=style.TIGHT)
            else:
                label.next_to(wire, RIGHT, buff=style.TIGHT).align_to(wire, DOWN)
            self.labels[name] = label
            self.values[name] = label[2]

    def nodes_on(self, y: float) -> NetworkDiagram:
        """Centred across the frame, with the nodes' centre line at height ``y``
        (the weights' labels above and the biases below are not the same height)."""
        self.move_to([0, y, 0])
        return self.shift(UP * (y - self.parts["x"].get_center()[1]))

    def value(self, name: str) -> MathTex:
        """The value the slot or weight label of ``name`` shows now."""
        return self.values[name]

    # -- building ------------------------------------------------------------
    def slot(self, name: str) -> np.ndarray:
        """Where a node's value sits (below its symbol)."""
        return self.parts[name].get_center() + DOWN * SYMBOL_SHIFT

    def value_mob(self, name: str, text: str, color: str | None = None) -> MathTex:
        """A value for a node's slot or a weight label, not yet added."""
        mob = MathTex(text, font_size=VALUE_SIZE, color=color or self.colors[name])
        if name in self.labels:
            mob.move_to(self.values[name], aligned_edge=LEFT)
        else:
            # A long number (scientific notation) shrinks to the node's inside.
            part = self.parts[name]
            if isinstance(part, Circle):
                room = 2 * np.sqrt(max(RADIUS**2 - SYMBOL_SHIFT**2, 0.0)) - 2 * style.HAIR
            else:
                room = part.width - 2 * style.HAIR
            style.fit_width(mob, room).move_to(self.slot(name))
        return mob

    def set_value(self, name: str, text: str) -> MathTex:
        """Create the slot's value mobject and remember it (the caller adds it)."""
        mob = self.value_mob(name, text)
        self.values[name] = mob
        return mob

    # -- lighting, at once ---------------------------------------------------
    def light(self, names, color: str) -> list[VMobject]:
        """Outline the named parts in ``color``; returns the parts changed."""
        lit = [self.parts[name] for name in names if name in self.parts]
        for part in lit:
            _outline(part, color, LIT_STROKE)
        return lit

    def unlight(self) -> None:
        for name, (color, width) in self._base_style.items():
            _outline(self.parts[name], color, width)

    # -- animations: a scene plays them, alone or beside others ----------------
    # (A list where the pieces live in different places: play() takes lists, and
    # an AnimationGroup would add a Group holding them to the scene.)
    def light_up(self, names, color: str) -> Animation:
        """The named parts outlined in ``color``."""
        return self._restyle({name: (color, LIT_STROKE) for name in names if name in self.parts})

    def lights_out(self) -> Animation:
        """Every part in its own colour again, and every label's value too."""
        values = [self.values[name].animate.set_color(self.colors[name]) for name in self.labels]
        return AnimationGroup(self._restyle(self._base_style), *values, group=self)

    def _restyle(self, styles: dict[str, tuple[str, float]]) -> Animation:
        changes = []
        for name, (color, width) in styles.items():
            target = self.parts[name].copy()
            _outline(target, color, width)
            changes.append(Transform(self.parts[name], target))
        return AnimationGroup(*changes, group=self)

    def pulse(self, lights, backward: bool, color: str) -> Animation | None:
        """Dots running along the wires a step lights (against them going backward); None if none."""
        paths = self.wires_for(lights, backward)
        if not paths:
            return None
        dots = (Dot(path.get_start(), radius=PULSE_RADIUS, color=color) for path in paths)
        return AnimationGroup(*(MoveAlongPath(d, p, rate_func=linear) for d, p in zip(dots, paths)), remover=True)

    def fly_value(self, name: str, text: str, source) -> Animation:
        """A node's slot takes ``text``, flying in from a copy of ``source``."""
        return TransformFromCopy(source, self.set_value(name, text))

    def swap_value(self, name: str, text: str) -> list[Animation]:
        """A node's slot shows ``text`` instead of its value: the one fades out, the other in."""
        old, new = self.values[name], self.set_value(name, text)
        return [FadeOut(old), FadeIn(new)]

    def relabel(self, name: str, text: str, source, color: str) -> list[Animation]:
        """A weight's label takes a new value (in ``color``) flying in from ``source``; the old one fades."""
        old = self.labels[name]
        new = MathTex(old[0].tex_string, "=", text, font_size=VALUE_SIZE, color=self.colors[name])
        new.move_to(old)
        new[2].set_color(color)
        old_value = old[2].copy()
        self.remove(old)
        self.add(new)
        self.labels[name], self.values[name] = new, new[2]
        return [FadeOut(old_value), TransformFromCopy(source, new[2])]

    def note_under(self, name: str, note: VMobject) -> VMobject:
        """``note`` under a wire, no wider than it (it stays between the parts the wire joins)."""
        style.fit_width(note, self.wires[name].width - 2 * style.HAIR)
        return note.next_to(self.wires[name], DOWN, buff=style.TIGHT)

    # -- pulses ----------------------------------------------------------------
    def anchor(self, name: str) -> np.ndarray:
        if name in ("b1", "b2"):
            return self.wires[name].get_start()
        return self.parts[name].get_center()

    def wires_for(self, lights, backward: bool) -> list[Line]:
        """Paths for the pulses of a step that lights ``lights``."""
        lit = set(lights)
        paths = []
        for start, end, via in WIRES:
            ends = {start, end} <= lit
            through = via is not None and via in lit and (start in lit or end in lit)
            if not (ends or through):
                continue
            if backward:
                start, end = end, start
            paths.append(self._path(start, end, via))
        return paths

    def _path(self, start: str, end: str, via: str | None) -> Line:
        if via is not None:
            wire = self.wires[via]
            s, e = wire.get_start(), wire.get_end()
            forward = start in ("x", "a1")
            return Line(s, e) if forward else Line(e, s)
        if start in ("b1", "b2") or end in ("b1", "b2"):
            wire = self.wires[start if start.startswith("b") else end]
            s, e = wire.get_start(), wire.get_end()
            return Line(s, e) if start.startswith("b") else Line(e, s)
        if {start, end} == {"a2", "L"}:
            s, e = self.wires["L"].get_start(), self.wires["L"].get_end()
            return Line(s, e) if start == "a2" else Line(e, s)
        if {start, end} == {"y", "L"}:
            s, e = self.wires["y"].get_start(), self.wires["y"].get_end()
            return Line(s, e) if start == "y" else Line(e, s)
        return Line(self.anchor(start), self.anchor(end))


def _outline(part: VMobject, color: str, width: float) -> None:
    part.set_stroke(color=color, width=width)
    if isinstance(part, Arrow):
        part.tip.set_fill(color)
        part.tip.set_stroke(color=color)
