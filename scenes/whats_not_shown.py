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
PATH_OWN = slice(2, 5)  # the factors that depend on the path's layer-2 unit j (core.wide.Path.factors)


def said_entries(v) -> str:
    """A vector's entries as a description reads them: "0.5, -0.6"."""
    return ", ".join(core.show(x) for x in np.ravel(v))


def said_column(v) -> str:
    """A column vector read top to bottom: "0.5 over -0.6"."""
    return " over ".join(core.show(x) for x in np.ravel(v))


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
        e = self.e
        with self.beat(
            "many-neurons",
            "Real networks have many neurons per layer. Take the smallest step up: "
            "the lesson's input x feeds two layers of two sigmoid units, then one output unit and the loss.",
            described=f"The edge from x into layer 1's top unit is marked w = {core.show(e.w)}. "
            f"W₁ is {said_column(e.net.W1)}, W₂ rows {said_rows(e.net.W2)}, W₃ the row {said_entries(e.net.W3)}; "
            f"x = {core.show(e.net.x)}, y = {core.show(e.net.y)}, "
            f"L = {formula_caption(e.loss_tex)} = {core.show(e.forward.L)}.",
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
            described="Below, the delta rule: δ l is W l+1 transposed times δ l+1, elementwise times σ′(z l); "
            "and ∂L/∂W l is δ l times a l−1 transposed.",
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
        b = e.backward
        (s1, s2, s3), (d1, d2, _), (W2, W3) = b.sigma_prime, b.delta, (e.net.W2, e.net.W3)
        with self.beat(
            "matrix-backward",
            f"The backward pass is now matrix multiplication. delta 3 is {core.show(e.backward.delta[2][0])}; "
            "each earlier delta is the next one multiplied by the transposed weights, times sigma prime elementwise.",
            described=f"δ₃ = {core.show(b.dL_da3[0])} times {core.show(s3[0])}. "
            f"δ₂ = W₃ transposed, {said_column(np.transpose(W3))}, times δ₃, elementwise times {said_column(s2)}: "
            f"{said_column(d2)}; δ₁ = W₂ transposed, rows {said_rows(np.transpose(W2))}, times δ₂, elementwise times "
            f"{said_column(s1)}: {said_column(d1)}.",
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
        with self.beat(
            "weight-gradient",
            f"The weights' gradients are outer products: dL/dW1 is delta 1 times x. "
            f"Its top entry is our weight w's gradient, {core.show(e.gradient)}.",
            described=f"δ₁, {said_column(e.backward.delta[0])}, times x = {core.show(e.net.x)} "
            f"gives ∂L/∂W₁ = {said_column(e.backward.dW[0])}.",
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
        with self.beat(
            "sum-over-paths",
            f"Without matrices: w reaches the loss along two paths, one through each unit of layer 2. "
            f"Multiply the local derivatives along each path, {core.show(p1.product)} and {core.show(p2.product)}, "
            f"and add them: {core.show(e.path_total)}, the matrix result. A finite difference of the loss agrees.",
            described=f"The two paths light up on the network, path 1 through layer 2's {UNIT_PLACE[p1.via]} unit, "
            f"path 2 its {UNIT_PLACE[p2.via]} one. Path 1's factors: {said_entries(p1.factors)}; "
            f"path 2 swaps the middle three for {said_entries(p2.factors[PATH_OWN])}; "
            f"the finite difference: {core.show(e.finite_difference)}.",
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
            described=f"On screen: w becomes {core.show(e.w)} minus {core.show(e.net.lr)} times "
            f"{core.show(e.gradient)}.",
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
