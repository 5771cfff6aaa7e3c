"""09 What's not shown: many neurons per layer.

The lesson's x feeds a 2-2-1 network (backprop_core.wide): the local
derivatives become Jacobians, the products matrix multiplications. The
backward pass in matrix form (delta vectors, W^T delta ⊙ sigma'), then one
weight's gradient as the sum of its two paths' chain-rule products, equal to
the matrix result and to a finite difference (all computed by the core with
numpy), and the single update step.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Circle,
    Create,
    FadeIn,
    FadeOut,
    Line,
    VGroup,
)

from backprop_core import wide as core
from backprop_core.numbers import formula_caption
from scenes import style
from scenes.lesson import LessonScene

NODE_RADIUS = 0.26
# The frame's grid: the network's five columns and three rows at the top left,
# its givens from the centre line rightwards, and the equations below.
GRID_COLUMNS_X = (-6.3, -4.9, -3.5, -2.1, -0.9)
GRID_ROWS_Y = (2.15, 1.45, 0.75)
GRID_GIVENS = [0, 1.4, 0]  # their left edge's middle
GRID_BOTTOM = (0.05, -3.65)  # the equations live between these y
UNIT_PLACE = ("top", "bottom")  # a layer's units, by index, as the network draws them
PATH_COLOURS = ("highlight", "grad")  # the theme's roles for path 1's and path 2's glow


def said_entries(v) -> str:
    """A vector's entries as a description reads them: "0.5, -0.6"."""
    return ", ".join(core.show(x) for x in np.ravel(v))


def said_rows(M) -> str:
    """A matrix row by row: "0.9, -0.5 and 0.4, 0.7"."""
    return " and ".join(said_entries(row) for row in np.atleast_2d(M))


class WhatsNotShownScene(LessonScene):
    def construct(self) -> None:
        self.e = core.example(self.params)
        self.bottom: VGroup | None = None  # the block under the network, swapped beat by beat
        self.show_network()
        self.show_jacobians()
        self.show_matrix_backward()
        self.show_weight_gradient()
        self.show_paths()
        self.show_update()

    # ------------------------------------------------------------------
    def _node(self, color: str, label: str | None = None) -> VGroup:
        circle = Circle(radius=NODE_RADIUS, color=color, stroke_width=4).set_fill(self.theme.panel, 1)
        group = VGroup(circle)
        if label:
            group.add(self.math(label, color=color, size=style.LABEL).move_to(circle))
        return group

    def _edge(self, a: VGroup, b: VGroup, color: str, width: float = 3) -> Line:
        return Line(a.get_center(), b.get_center(), color=color, stroke_width=width, buff=NODE_RADIUS)

    def _build_network(self) -> None:
        """The 2-2-1 network on its grid, the followed weight w = (W1)11 in the weights' colour."""
        t, e = self.theme, self.e
        xs, (top, mid, low) = GRID_COLUMNS_X, GRID_ROWS_Y
        self.x_node = self._node(t.x, "x").move_to([xs[0], mid, 0])
        self.layer1 = [self._node(t.a).move_to([xs[1], y, 0]) for y in (top, low)]
        self.layer2 = [self._node(t.a).move_to([xs[2], y, 0]) for y in (top, low)]
        self.out = self._node(t.a).move_to([xs[3], mid, 0])
        self.loss_node = self._node(t.L, "L").move_to([xs[4], mid, 0])
        e1 = [self._edge(self.x_node, n, t.muted) for n in self.layer1]
        e2 = [[self._edge(a, b, t.muted) for b in self.layer2] for a in self.layer1]  # e2[i][j]: unit i -> unit j
        e3 = [self._edge(n, self.out, t.muted) for n in self.layer2]
        e4 = self._edge(self.out, self.loss_node, t.muted)
        self.edges = (e1, e2, e3, e4)
        self.all_edges = VGroup(*e1, *(edge for row in e2 for edge in row), *e3, e4)
        self.all_nodes = VGroup(self.x_node, *self.layer1, *self.layer2, self.out, self.loss_node)
        e1[0].set_color(t.w).set_stroke(width=5)
        self.w_label = self.math(r"w = " + core.show(e.w), color=t.w, size=style.LABEL)
        self.w_label.next_to(e1[0].get_center(), UP + LEFT, buff=style.TIGHT)
        self.sizes = self.words("2 – 2 – 1", size=style.SMALL, color=t.muted)
        self.sizes.move_to([xs[2], low - 0.65, 0])
        self.network = VGroup(*self.all_nodes, *self.all_edges)

    def _givens(self) -> VGroup:
        """W1, W2 side by side, W3 under them, then x, y and the loss: right of the network."""
        t, e = self.theme, self.e
        givens = VGroup(
            self.math(r"W_1 = " + core.tex_matrix(e.net.W1), size=style.LABEL, color=t.w),
            self.math(r"W_2 = " + core.tex_matrix(e.net.W2), size=style.LABEL, color=t.w),
        ).arrange(RIGHT, buff=style.APART)
        givens = VGroup(givens, self.math(r"W_3 = " + core.tex_matrix(e.net.W3), size=style.LABEL, color=t.w))
        givens.arrange(DOWN, aligned_edge=LEFT, buff=style.NEAR)
        inputs = self.math(
            f"x = {core.show(e.net.x)},\\ y = {core.show(e.net.y)},\\ L = {e.loss_tex} = {core.show(e.forward.L)}",
            size=style.LABEL,
        )
        right = VGroup(givens, inputs).arrange(DOWN, aligned_edge=LEFT, buff=style.NEAR)
        return right.move_to(GRID_GIVENS, aligned_edge=LEFT)

    def show_network(self) -> None:
        e, blue = self.e, style.colour_word("w", self.theme)
        with self.beat(
            "many-neurons",
            "Real networks have many neurons per layer. Take the smallest step up: "
            "the lesson's input x feeds two layers of two sigmoid units, then one output unit and the loss.",
            described=f"At the left the network, labelled two, two, one: x, two columns of two units, one output "
            f"unit and L; the edge from x into layer 1's top unit is drawn in {blue}, labelled w = {core.show(e.w)}. "
            f"At the right, in {blue}: W₁, the column {said_entries(e.net.W1)}; W₂, rows {said_rows(e.net.W2)}; "
            f"W₃, the row {said_entries(e.net.W3)}. Under them x = {core.show(e.net.x)}, "
            f"y = {core.show(e.net.y)} and L = {formula_caption(e.loss_tex)} = {core.show(e.forward.L)}.",
        ):
            self.add(self.title())
            self._build_network()
            self.givens = self._givens()
            self.play(Create(VGroup(*self.all_edges)), run_time=1.5)
            self.play(FadeIn(VGroup(*self.all_nodes)), FadeIn(self.sizes))
            self.play(FadeIn(self.w_label), FadeIn(self.givens))

    def _bottom(self, *rows) -> VGroup:
        block = VGroup(*rows).arrange(DOWN, buff=style.NEAR)
        block.move_to([0, sum(GRID_BOTTOM) / 2, 0])
        return block

    def _swap_bottom(self, block: VGroup) -> None:
        if self.bottom is not None:
            self.play(FadeOut(self.bottom), run_time=0.6)
        self.play(FadeIn(block, lag_ratio=0.2), run_time=1.6)
        self.bottom = block

    def show_jacobians(self) -> None:
        with self.beat(
            "jacobians",
            "With two units per layer, each local derivative becomes a Jacobian matrix: "
            "the sigmoid's is diagonal, holding sigma prime of each unit, "
            "and the weighted sum's is the weight matrix itself.",
            described="Under the network, for a layer l: ∂a/∂z is the diagonal matrix of σ′(z), and ∂z of the next "
            "layer over ∂a is the next layer's W. Below them, in "
            f"{style.colour_word('grad', self.theme)}, the delta rule: δ of layer l is the next layer's W transposed "
            "times its δ, elementwise times σ′(z); beside it, ∂L/∂W of layer l is δ times the previous layer's a, "
            "transposed.",
        ):
            rows = VGroup(
                self.math(core.JACOBIAN_ACTIVATION_TEX, r"\qquad", core.JACOBIAN_WEIGHTS_TEX, size=style.BODY),
                self.math(core.DELTA_RULE_TEX, r"\qquad", core.WEIGHT_GRADIENT_TEX, size=style.BODY),
            )
            rows[1][0].set_color(self.theme.grad)
            self._swap_bottom(self._bottom(*rows))

    def show_matrix_backward(self) -> None:
        t, e = self.theme, self.e
        lines = core.delta_lines(e)
        b, orange, grey = e.backward, style.colour_word("grad", t), style.colour_word("muted", t)
        (s1, s2, s3), (d1, d2, d3), (W2, W3) = b.sigma_prime, b.delta, (e.net.W2, e.net.W3)
        with self.beat(
            "matrix-backward",
            f"The backward pass is now matrix multiplication. delta 3 is {core.show(e.backward.delta[2][0])}; "
            "each earlier delta is the next one multiplied by the transposed weights, times sigma prime elementwise.",
            described=f"Three lines, each δ and its result in {orange}, the formulas in {grey}: δ₃ = ∂L/∂a₃ "
            f"elementwise times σ′(z₃) = {core.show(b.dL_da3[0])} times {core.show(s3[0])} = {core.show(d3[0])}. "
            f"δ₂ is W₃ transposed, the column {said_entries(W3)}, times {core.show(d3[0])}, elementwise times "
            f"σ′(z₂) = {said_entries(s2)}, giving {said_entries(d2)}; δ₁ is W₂ transposed, rows "
            f"{said_rows(np.transpose(W2))}, times δ₂, elementwise times σ′(z₁) = {said_entries(s1)}, giving "
            f"{said_entries(d1)}.",
        ):
            grid = VGroup()
            for line in lines:
                row = self.math(*line.parts(), size=style.LABEL)
                row[0].set_color(t.grad)
                row[2].set_color(t.muted)
                row[-1].set_color(t.grad)
                grid.add(row)
            grid.arrange(DOWN, buff=style.NEAR, aligned_edge=LEFT)
            self._swap_bottom(self._bottom(grid))

    def show_weight_gradient(self) -> None:
        t, e = self.theme, self.e
        line = core.gradient_line(e)
        orange = style.colour_word("grad", t)
        with self.beat(
            "weight-gradient",
            f"The weights' gradients are outer products: dL/dW1 is delta 1 times x. "
            f"Its top entry is our weight w's gradient, {core.show(e.gradient)}.",
            described=f"In {orange}, ∂L/∂W₁ = δ₁ times x transposed: the column {said_entries(e.backward.delta[0])} "
            f"times {core.show(e.net.x)} gives the column {said_entries(e.backward.dW[0])}. Under it, ∂L/∂w, that "
            f"matrix's top entry, = {core.show(e.gradient)}, in {orange}.",
        ):
            row = self.math(*line.parts(), size=style.BODY)
            row[0].set_color(t.grad)
            pick = self.math(
                r"\frac{\partial L}{\partial w} = \Bigl(\frac{\partial L}{\partial W_1}\Bigr)_{11} = ",
                core.show(e.gradient),
                size=style.BODY,
            )
            pick[1].set_color(t.grad)
            self._swap_bottom(self._bottom(row, pick))
            self.matrix_result = pick

    def show_paths(self) -> None:
        t, e = self.theme, self.e
        p1, p2 = e.paths
        words = [style.colour_word(role, t) for role in PATH_COLOURS]
        with self.beat(
            "sum-over-paths",
            f"Without matrices: w reaches the loss along two paths, one through each unit of layer 2. "
            f"Multiply the local derivatives along each path, {core.show(p1.product)} and {core.show(p2.product)}, "
            f"and add them: {core.show(e.path_total)}, the matrix result. A finite difference of the loss agrees.",
            described=f"On the network the two paths light up, path 1 in {words[0]} through layer 2's "
            f"{UNIT_PLACE[p1.via]} unit and path 2 in {words[1]} through its {UNIT_PLACE[p2.via]} one, their shared "
            f"first and last edges in {words[1]}. Under the general sum over j, path 1's factors are "
            f"{said_entries(p1.factors)} and path 2's "
            f"{said_entries(p2.factors)}; the sum's result is in {words[1]}, and beside it the finite difference, "
            f"{core.show(e.finite_difference)}.",
        ):
            e1, e2, e3, e4 = self.edges
            colors = tuple(getattr(t, role) for role in PATH_COLOURS)
            glows = VGroup()
            for path, color in zip(e.paths, colors):
                j = path.via
                for edge in (e1[0], e2[0][j], e3[j], e4):
                    glows.add(edge.copy().set_color(color).set_stroke(width=7, opacity=0.9))
            general = self.math(core.PATH_SUM_TEX, size=style.LABEL)
            rows = [general]
            for n, (path, color) in enumerate(zip(e.paths, colors), start=1):
                row = self.math(
                    rf"\text{{path {n}: }}", core.path_product_tex(path), "=", core.show(path.product), size=style.LABEL
                )
                row[0].set_color(color)
                rows.append(row)
            total = self.math(
                " + ".join(core.show_factor(p.product) if i else core.show(p.product) for i, p in enumerate(e.paths)),
                "=",
                core.show(e.path_total),
                r"\qquad \text{finite difference: }",
                "{" + core.show(e.finite_difference) + "}",
                size=style.LABEL,
            )
            total[2].set_color(t.grad)
            rows.append(total)
            self.play(Create(glows[:4]), run_time=1)
            self.play(Create(glows[4:]), run_time=1)
            self._swap_bottom(self._bottom(*rows))
            self.glows = glows

    def show_update(self) -> None:
        t, e = self.theme, self.e
        line = core.update_line(e)
        with self.beat(
            "update",
            f"And the choreography is the same as before: forward, backward, then one update step, "
            f"w minus eta times its gradient, with eta = {core.show(e.net.lr)}: w becomes {line.value}.",
            described=f"The paths' highlights fade. Under the rule and η = {core.show(e.net.lr)}, the step: w becomes "
            f"{core.show(e.w)} minus {core.show(e.net.lr)} times {core.show(e.gradient)}, which is {line.value}, "
            f"boxed in {style.colour_word('w', t)}; below it, in {style.colour_word('muted', t)}, forward, backward, "
            "update.",
        ):
            rule = self.math(core.UPDATE_TEX, size=style.BODY)
            rule[0][0].set_color(t.w)
            row = self.math(line.symbol, r"\leftarrow", *line.parts()[4:], size=style.BODY)
            row[0].set_color(t.w)
            row[-1].set_color(t.w)
            eta = self.math(r"\eta = " + core.show(e.net.lr), size=style.BODY)
            loop = self.words("forward → backward → update", size=style.SMALL, color=t.muted)
            self.play(FadeOut(self.glows), run_time=0.6)
            self._swap_bottom(self._bottom(VGroup(rule, eta).arrange(RIGHT, buff=style.FAR), row, loop))
            box = style.highlight_box(row[-1], t.w)
            self.play(Create(box))
