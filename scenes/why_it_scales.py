"""08 Why it scales.

A deeper chain, six layers of one sigmoid unit each (backprop_core.deep): the
forward values, one local derivative per layer, then a single right-to-left
sweep in which each layer's gradient is the next layer's gradient times one
local derivative. Then the bill: the sweep's multiplications grow linearly
with depth, recomputing every weight's chain from scratch grows quadratically;
both counted by the core, for this chain and for growing depth.
"""

from __future__ import annotations

import re

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Axes,
    Circle,
    Create,
    Dot,
    FadeIn,
    FadeOut,
    Indicate,
    Line,
    ReplacementTransform,
    VGroup,
    VMobject,
    Write,
)

from backprop_core import deep as core
from backprop_core.descent_view import nice_step
from backprop_core.numbers import formula_caption
from backprop_core.params import Params
from scenes import style
from scenes.lesson import LessonScene

NODE_RADIUS = 0.34
# The frame's grid: the chain's nodes in evenly spaced columns on one row, the
# gradients dL/da_k and dL/dw_k on two rows under them, a caption line below.
GRID_NODE_Y = 1.35
GRID_COLUMN_GAP = 1.72
GRID_GRAD_A_Y = GRID_NODE_Y - 1.6
GRID_GRAD_W_Y = GRID_NODE_Y - 2.45
GRID_CAPTION_Y = -2.35
# The count table's own grid (before it is placed): right edges of its columns, its row pitch.
GRID_TABLE_COLUMNS_X = (0.0, 2.1, 4.8)
GRID_TABLE_ROW = 0.65


def fit_column(mob):
    """A number under a node shrinks to its column (scientific notation is wide)."""
    return style.fit_width(mob, GRID_COLUMN_GAP - style.TIGHT)


def growth_ranges(counts) -> tuple[list[float], list[float]]:
    """The growth plot's x and y ranges, [0, end, tick step]: depth by twos, multiplications by a nice step."""
    top = max(cn.naive for cn in counts)
    y_step = nice_step(top, 4)
    return [0, counts[-1].depth, 2], [0, -(-top // y_step) * y_step, y_step]


def growth_ticks(counts) -> list[str]:
    """The numbers on the growth plot's axes, as the axes print them (no decimals, the origin left out)."""
    return [f"{k * step:.0f}" for _, end, step in growth_ranges(counts) for k in range(1, round(end / step) + 1)]


FRACTION = re.compile(r"\\frac\{([^\\]+)\}\{([^\\]+)\}")  # a fraction of plain terms, not ∂s
LETTER_SUBSCRIPT = re.compile(r"_\{([^{}]*)\}|_(\w)")


def read(tex: str) -> str:
    """A core formula as a description reads it: "a_{k-1}" -> "a k−1", "\\frac{n(n+1)}{2}" -> "n(n+1) over 2"."""
    text = formula_caption(FRACTION.sub(r"\1 over \2", tex))  # it writes digit subscripts as subscripts
    return LETTER_SUBSCRIPT.sub(lambda m: " " + (m.group(1) or m.group(2)), text)


def listed(values) -> str:
    """Values read out as a list: "0.5, 1.5 and 2"."""
    values = list(values)
    return ", ".join(values[:-1]) + f" and {values[-1]}" if len(values) > 1 else "".join(values)


class WhyItScalesScene(LessonScene):
    # The counts depend on the depth only, so the ticks are the same under every --set.
    UNSAID = {
        tick: "a tick on the growth plot's axes" for tick in growth_ticks(core.counts(Params(), core.COUNT_DEPTHS))
    }

    def construct(self) -> None:
        self.chain = core.chain(self.params)
        self.marker: VMobject | None = None  # the box on the node whose gradient is being computed
        self.show_deeper_chain()
        self.show_local_derivatives()
        self.start_the_sweep()
        for layer in reversed(self.chain.layers[:-1]):
            self.hand_off(layer)
        self.weight_gradients()
        self.count_this_chain()
        self.count_growing_depth()

    # ------------------------------------------------------------------
    def _node(self, label: str, color: str) -> VGroup:
        circle = Circle(radius=NODE_RADIUS, color=color, stroke_width=4).set_fill(self.theme.panel, 1)
        return VGroup(circle, self.math(label, color=color, size=style.LABEL).move_to(circle))

    def _chain_nodes(self) -> None:
        """x, a_1 .. a_n, L in evenly spaced columns, linked by edges, each value above its node."""
        t, c = self.theme, self.chain
        columns = c.depth + 2
        nodes = [self._node("x", t.x)]
        nodes += [self._node(f"a_{{{layer.k}}}", t.a) for layer in c.layers]
        nodes += [self._node("L", t.L)]
        for i, node in enumerate(nodes):
            node.move_to([(i - (columns - 1) / 2) * GRID_COLUMN_GAP, GRID_NODE_Y, 0])
        self.nodes = nodes
        self.edges = VGroup(
            *(
                Line(left.get_right(), right.get_left(), color=t.muted, stroke_width=3)
                for left, right in zip(nodes, nodes[1:])
            )
        )
        values = VGroup(self.math(c.x.text, color=t.x, size=style.LABEL))
        values.add(*(self.math(layer.a.text, color=t.a, size=style.LABEL) for layer in c.layers))
        values.add(self.math(c.L.text, color=t.L, size=style.LABEL))
        for value, node in zip(values, nodes):
            value.next_to(node, UP, buff=style.TIGHT)
        self.values = values

    def _legend(self) -> VGroup:
        """The layer's rule, then every weight and every bias, at the bottom edge."""
        t, c = self.theme, self.chain
        n = c.depth
        weights, biases = (
            self.math(
                f"{p}_1, \\dots, {p}_{{{n}}} = " + ",\\ ".join(getattr(layer, p).text for layer in c.layers),
                size=style.LABEL,
                color=getattr(t, p),
            )
            for p in "wb"
        )
        rule = self.math(core.LAYER_TEX, size=style.LABEL)
        return VGroup(rule, weights, biases).arrange(DOWN, buff=style.TIGHT).to_edge(DOWN, buff=style.EDGE)

    def show_deeper_chain(self) -> None:
        c = self.chain
        n = c.depth
        with self.beat(
            "deeper-chain",
            f"Make the chain deeper: {n} layers of one sigmoid unit each. The first is the lesson's hidden unit, "
            f"the last its output unit, with {n - 2} more in between. The forward pass stores every activation.",
            described=(
                f"A row of nodes: x = {c.x.text}, a1 to a{n} = {listed(layer.a.text for layer in c.layers)}, "
                f"L = {c.L.text}. The rule {read(core.LAYER_TEX)}; "
                f"weights {listed(layer.w.text for layer in c.layers)}; "
                f"biases {listed(layer.b.text for layer in c.layers)}."
            ),
        ):
            self.add(self.title())
            self._chain_nodes()
            self.legend = rule, weights, biases = self._legend()
            self.play(*(FadeIn(node) for node in self.nodes), Create(self.edges), run_time=1.5)
            self.play(Write(rule), FadeIn(weights), FadeIn(biases))
            self.play(FadeIn(self.values, lag_ratio=0.2), run_time=2)

    def show_local_derivatives(self) -> None:
        t, c = self.theme, self.chain
        with self.beat(
            "local-derivatives",
            "Each layer has one local derivative: how its output moves with its input, "
            "w k times a k times one minus a k, from the stored activation.",
            described=(
                f"Each link shows its local derivative, into a1 to a{c.depth}: "
                f"{listed(layer.local.text for layer in c.layers)}."
            ),
        ):
            locals_ = VGroup()
            for layer, edge in zip(c.layers, self.edges):
                label = self.math(layer.local.text, color=t.grad, size=style.LABEL)
                label.next_to(edge, DOWN, buff=style.NEAR)
                locals_.add(label)
            self.locals = locals_
            formula = self._caption(r"\text{local derivative: }" + core.LOCAL_TEX)
            self.play(FadeOut(self.legend), FadeIn(locals_, lag_ratio=0.15), run_time=1.5)
            self.play(Write(formula))
            self.caption_line = formula

    def _caption(self, *tex: str):
        return self.math(*tex, size=style.LABEL).move_to([0, GRID_CAPTION_Y, 0])

    def _under(self, node, tex: str, y: float):
        """A gradient in a node's column, on row ``y``, shrunk to the column."""
        return fit_column(self.math(tex, color=self.theme.grad, size=style.LABEL)).move_to([node.get_x(), y, 0])

    def _say(self, *tex: str, first_color: str | None = None) -> None:
        """The caption line becomes ``tex`` (its first part in ``first_color``)."""
        line = self._caption(*tex)
        if first_color is not None:
            line[0].set_color(first_color)
        self.play(ReplacementTransform(self.caption_line, line))
        self.caption_line = line

    def start_the_sweep(self) -> None:
        c = self.chain
        top = c.layers[-1]
        with self.beat(
            "sweep-start",
            f"The backward sweep starts at the loss: dL/da{c.depth} = {top.grad_a.text}.",
            described=(
                f"That is {formula_caption(top.grad_a.formula)} = {formula_caption(top.grad_a.substituted)}; "
                f"a box marks a{c.depth}, its gradient written under it."
            ),
        ):
            self.grads = {}
            self._say(top.grad_a.equation())
            self._show_gradient(top)

    def _show_gradient(self, layer: core.Layer) -> None:
        t = self.theme
        node = self.nodes[layer.k]
        value = self._under(node, layer.grad_a.text, GRID_GRAD_A_Y)
        box = style.highlight_box(node, t.highlight)
        self.grads[layer.k] = value
        if self.marker is None:
            self.play(Create(box), FadeIn(value, shift=LEFT * 0.3))
        else:
            self.play(ReplacementTransform(self.marker, box), FadeIn(value, shift=LEFT * 0.3))
        self.marker = box

    def hand_off(self, layer: core.Layer) -> None:
        t, c = self.theme, self.chain
        upper = c.layers[layer.k]  # the layer above, whose gradient is reused
        with self.beat(
            f"sweep-a{layer.k}",
            f"dL/da{layer.k} reuses dL/da{upper.k}: {upper.grad_a.text} times one local derivative, "
            f"{upper.local.text}, gives {layer.grad_a.text}.",
            # The first hand-off says what flashes; the later ones only where the box goes.
            described=(
                f"The two factors flash, then the box moves left to a{layer.k}, its gradient under it."
                if upper is c.layers[-1]
                else f"The box moves to a{layer.k}."
            ),
        ):
            self._say(layer.grad_a.equation())
            self.play(
                Indicate(self.locals[upper.k - 1], color=t.highlight), Indicate(self.grads[upper.k], color=t.highlight)
            )
            self._show_gradient(layer)

    def weight_gradients(self) -> None:
        c = self.chain
        first = c.layers[0]
        with self.beat(
            "weight-gradients",
            "Every weight's gradient is then one more multiplication: dL/dw k equals dL/da k "
            f"times a k times one minus a k times the layer's input. For w1 that is {c.layers[0].grad_w.text}.",
            described=(
                f"A second row, dL/dw k, w2 to w{c.depth}: {listed(layer.grad_w.text for layer in c.layers[1:])}. "
                f"w1's is {formula_caption(first.grad_w.substituted)}, where {first.weight_slope.text} is a1(1 − a1) x."
            ),
        ):
            values = VGroup(*(self._under(self.nodes[layer.k], layer.grad_w.text, GRID_GRAD_W_Y) for layer in c.layers))
            # Each row named in the x column.
            row_a = self._under(self.nodes[0], r"\frac{\partial L}{\partial a_k}", GRID_GRAD_A_Y)
            row_w = self._under(self.nodes[0], r"\frac{\partial L}{\partial w_k}", GRID_GRAD_W_Y)
            self._say(core.WEIGHT_GRADIENT_TEX + r"\qquad " + c.layers[0].grad_w.equation(with_formula=False))
            self.play(FadeOut(self.marker), FadeIn(row_a), FadeIn(row_w), FadeIn(values, lag_ratio=0.15), run_time=2)
            self.weight_values = values

    def count_this_chain(self) -> None:
        t, c = self.theme, self.chain
        count = c.count
        with self.beat(
            "count-this-chain",
            f"Count the multiplications. The sweep: {count.backprop_terms[0]} hand-offs plus "
            f"{count.backprop_terms[1]} weight products, "
            f"{count.backprop} in all. Recomputing each weight's chain from scratch: {count.naive}.",
            described=f"From scratch, a term per weight: {' plus '.join(map(str, count.naive_terms))}.",
        ):
            sweep = " + ".join(map(str, count.backprop_terms)) + f" = {count.backprop}"
            naive = " + ".join(map(str, count.naive_terms)) + f" = {count.naive}"
            self._say(r"\text{sweep: }" + sweep, r"\qquad \text{each chain from scratch: }" + naive, first_color=t.grad)

    def _growth_plot(self, counts) -> tuple[Axes, VGroup, VGroup, VGroup]:
        """Multiplications against depth: (axes, their labels, the two series, the series' labels)."""
        t = self.theme
        x_range, y_range = growth_ranges(counts)
        axes = (
            Axes(
                x_range=x_range,
                y_range=y_range,
                x_length=5.0,
                y_length=4.2,
                tips=False,
                axis_config={"color": t.muted, "include_numbers": True, "font_size": style.SMALL},
                y_axis_config={"decimal_number_config": {"num_decimal_places": 0}},
                x_axis_config={"decimal_number_config": {"num_decimal_places": 0}},
            )
            .to_corner(DOWN + LEFT, buff=style.APART)
            .shift(UP * style.APART)  # room below for the numbers and "layers"
        )
        x_label = self.words("layers", size=style.SMALL, color=t.muted).next_to(axes.x_axis, DOWN, buff=style.APART)
        x_label.align_to(axes.x_axis, RIGHT)
        y_label = self.words("multiplications", size=style.SMALL, color=t.muted)
        y_label.next_to(axes.y_axis, UP, buff=style.TIGHT).align_to(axes, LEFT)

        def series(values, color):
            dots = VGroup(*(Dot(axes.c2p(cn.depth, v), color=color, radius=0.06) for cn, v in zip(counts, values)))
            lines = VGroup(
                *(Line(a.get_center(), b.get_center(), color=color, stroke_width=4) for a, b in zip(dots, dots[1:]))
            )
            return VGroup(lines, dots)

        sweep = series([cn.backprop for cn in counts], t.grad)
        naive = series([cn.naive for cn in counts], t.text)
        # A legend in the plot's empty upper left (beside the lines, a label sits on the other curve).
        naive_label = self.words("from scratch", size=style.SMALL, color=t.text)
        sweep_label = self.words("backprop sweep", size=style.SMALL, color=t.grad)
        legend = VGroup(naive_label, sweep_label).arrange(DOWN, aligned_edge=LEFT, buff=style.TIGHT)
        legend.next_to(axes.y_axis, RIGHT, buff=style.NEAR).align_to(axes.y_axis, UP)
        return axes, VGroup(x_label, y_label), VGroup(sweep, naive), VGroup(sweep_label, naive_label)

    def _count_table(self, table_counts) -> VGroup:
        """Depth, sweep, from scratch: a header and a row per depth, then both counts' formulas."""
        t = self.theme
        header = VGroup(
            self.words("layers", size=style.SMALL, color=t.muted),
            self.words("sweep", size=style.SMALL, color=t.grad),
            self.words("from scratch", size=style.SMALL),
        )
        rows = [header]
        for cn in table_counts:
            rows.append(
                VGroup(
                    self.math(str(cn.depth), size=style.LABEL),
                    self.math(str(cn.backprop), size=style.LABEL, color=t.grad),
                    self.math(str(cn.naive), size=style.LABEL),
                )
            )
        for r, row in enumerate(rows):
            for cell, x in zip(row, GRID_TABLE_COLUMNS_X):
                cell.move_to([x, -GRID_TABLE_ROW * r, 0], aligned_edge=RIGHT)
        formulas = VGroup(
            self.math(r"\text{sweep: } " + core.BACKPROP_COUNT_TEX, size=style.LABEL, color=t.grad),
            self.math(r"\text{from scratch: } " + core.NAIVE_COUNT_TEX, size=style.LABEL),
        ).arrange(DOWN, aligned_edge=LEFT, buff=style.NEAR)
        return VGroup(VGroup(*rows), formulas).arrange(DOWN, aligned_edge=LEFT, buff=style.APART)

    def count_growing_depth(self) -> None:
        counts = core.counts(self.params, core.COUNT_DEPTHS)
        table_counts = core.counts(self.params, core.TABLE_DEPTHS)
        deepest = table_counts[-1]
        with self.beat(
            "count-growing-depth",
            "Now let the chain grow. The sweep's count grows in a straight line, two per layer; "
            "recomputing from scratch grows with the square of the depth. "
            f"At depth {deepest.depth}: {deepest.backprop} against {deepest.naive}.",
            described=(
                f"A plot of multiplications against layers, {counts[0].depth} to {counts[-1].depth}: the sweep a "
                "straight line, from scratch a curve bending up. A table of layers, sweep and from scratch: "
                + "; ".join(f"{cn.depth}: {cn.backprop}, {cn.naive}" for cn in table_counts[:-1])
                + f"; {deepest.depth} as said; the formulas: sweep {read(core.BACKPROP_COUNT_TEX)}, "
                f"from scratch {read(core.NAIVE_COUNT_TEX)}."
            ),
        ):
            old = [m for m in self.mobjects if m is not self.title_group]
            axes, axis_labels, (sweep, naive), series_labels = self._growth_plot(counts)
            table, formulas = right = self._count_table(table_counts)
            right.next_to(axes, RIGHT, buff=style.FAR).align_to(axes, UP)
            self.play(*(FadeOut(m) for m in old), run_time=1)
            self.play(Create(axes), *(FadeIn(label) for label in axis_labels))
            self.play(Create(sweep), Create(naive), *(FadeIn(label) for label in series_labels), run_time=2.5)
            self.play(FadeIn(table, lag_ratio=0.1), FadeIn(formulas), run_time=1.5)

    def title(self) -> VGroup:
        self.title_group = super().title()
        return self.title_group
