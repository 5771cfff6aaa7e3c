"""The premise: the chain rule, unfolded.

Russian dolls: L = f5(f4(f3(f2(f1(w))))) drawn as nested shells that open one
by one down to w; a nudge on w travels outward through every shell and each
crossing writes one factor of the chain rule's product,
dL/dw = dL/df5 · df5/df4 · ... · df1/dw. Then the promise: the lesson's
2-weight network (one hidden and one output sigmoid unit, squared loss), its
forward pass from the core, and the backward pass landing on dL/dw1.
"""

from __future__ import annotations

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    Dot,
    FadeIn,
    FadeOut,
    GrowFromCenter,
    Indicate,
    ReplacementTransform,
    RoundedRectangle,
    VGroup,
    Write,
    config,
    linear,
)

from backprop_core import network
from backprop_core.numbers import formula_caption
from scenes import style
from scenes.components.network_diagram import NetworkDiagram
from scenes.lesson import LessonScene

# Layout (frame units; the frame is 14.2 x 8).
DEPTH = 5  # f1 .. f5, as the notebook writes the dolls
CORE_SIZE = (1.9, 0.9)  # the innermost shell (f1) around w
STEP = (1.7, 0.68)  # each shell is this much wider / taller than the one inside
# The frame's grid: the dolls in the middle with their product along the bottom,
# then the network over its chain of factors.
GRID_BIG_NESTING = [0, 0.3, 0]
GRID_DOLL_CENTER = (0.0, 0.15)
GRID_PRODUCT_Y = -3.05
GRID_NETWORK_Y = 1.55
GRID_CHAIN_Y = -1.0


def f(k: int) -> str:
    return f"f_{{{k}}}"


class PremiseScene(LessonScene):
    def construct(self) -> None:
        self.bookkeeping()
        self.open_the_dolls()
        self.nudge_travels()
        self.one_product()
        self.the_network()
        self.forward_pass()
        self.backward_pass()

    def assemble(self, whole) -> None:
        """Swap a formula shown piece by piece for the whole (same look; read as one text)."""
        self.remove(*whole.submobjects)
        self.add(whole)

    # ------------------------------------------------------------------
    def bookkeeping(self) -> None:
        with self.beat(
            "bookkeeping",
            "Backpropagation is not a special trick. It is the chain rule, applied with bookkeeping: "
            "each derivative borrows the work of the one in front of it.",
            described="On screen: L = f₅(f₄(f₃(f₂(f₁(w))))).",
        ):
            nested = "w"
            for k in range(1, DEPTH + 1):
                nested = f"{f(k)}({nested})"
            self.nesting = self.math("L = " + nested, size=style.BODY)
            self.title_mob = self.title()
            self.nesting.next_to(self.title_mob, DOWN, buff=style.NEAR)
            big = self.nesting.copy().scale(1.6).move_to(GRID_BIG_NESTING)
            self.add(self.title_mob)
            self.play(Write(big), run_time=2)
            self.big_nesting = big

    def open_the_dolls(self) -> None:
        t = self.theme
        with self.beat(
            "russian-dolls",
            "Wrap functions like Russian dolls. The loss L is the outer doll; open it and find f₅, "
            "open that and find f₄, and so on, down to the weight w at the very centre.",
            described="Six nested boxes grow, one per doll, each labelled.",
        ):
            shells = VGroup()
            labels = VGroup()
            # k = 1..DEPTH are the f's, k = DEPTH + 1 is the loss, the outermost doll.
            for k in range(DEPTH + 1, 0, -1):
                outer = k == DEPTH + 1
                shell = RoundedRectangle(
                    width=CORE_SIZE[0] + (k - 1) * STEP[0],
                    height=CORE_SIZE[1] + (k - 1) * STEP[1],
                    corner_radius=0.25,
                    stroke_color=t.L if outer else t.muted,
                    stroke_width=4 if outer else 3,
                    fill_color=t.panel,
                    fill_opacity=0.35,
                ).move_to([*GRID_DOLL_CENTER, 0])
                label = self.math("L" if outer else f(k), size=style.LABEL, color=t.L if outer else t.text)
                label.move_to(shell.get_left() + RIGHT * STEP[0] / 4)
                shells.add(shell)
                labels.add(label)
            self.w_core = self.math("w", size=style.HEADING, color=t.w).move_to([*GRID_DOLL_CENTER, 0])
            self.shells, self.shell_labels = shells, labels  # outermost first
            self.play(ReplacementTransform(self.big_nesting, self.nesting), run_time=1.2)
            self.play(GrowFromCenter(shells[0]), FadeIn(labels[0]), run_time=1)
            for shell, label in zip(shells[1:], labels[1:]):
                self.play(GrowFromCenter(shell), FadeIn(label), run_time=0.7)
            self.play(FadeIn(self.w_core, scale=1.5))

    def _shell_product(self):
        """dL/dw = dL/df5 . ... . df1/dw at the bottom; its factors and dots innermost first."""
        t = self.theme
        # The factors, innermost first: df1/dw, df2/df1, ..., dL/df5.
        names = ["w"] + [f(k) for k in range(1, DEPTH + 1)] + ["L"]
        factors = [network.partial(names[k + 1], names[k]) for k in range(DEPTH + 1)]
        product = self.math(
            network.partial("L", "w"),
            "=",
            *reversed(sum(([fac, r"\cdot"] for fac in factors), [])[:-1]),
            size=style.BODY,
        )
        product.move_to([0, GRID_PRODUCT_Y, 0])
        product[0].set_color(t.grad)
        # product = [dL/dw, =, dL/df5, ., df5/df4, ., ..., df1/dw]; factor k (innermost first) sits at the end.
        slots = [product[len(product) - 1 - 2 * k] for k in range(DEPTH + 1)]
        dots = [product[len(product) - 2 - 2 * k] for k in range(DEPTH)]
        for slot in slots:
            slot.set_color(t.grad)
        return product, slots, dots

    def nudge_travels(self) -> None:
        t = self.theme
        with self.beat(
            "nudge-travels",
            "Nudge w a tiny bit. The nudge travels outward, through every shell in turn, and each "
            "shell scales it by its own local slope. One factor per shell.",
            described="A dot runs out from w; each box it crosses adds a factor below, building ∂L/∂w = ∂L/∂f₅ · "
            "∂f₅/∂f₄ · ∂f₄/∂f₃ · ∂f₃/∂f₂ · ∂f₂/∂f₁ · ∂f₁/∂w.",
        ):
            product, slots, dots = self._shell_product()
            self.product = product
            self.play(FadeIn(product[0]), FadeIn(product[1]))

            pulse = Dot(self.w_core.get_right() + RIGHT * 0.1, radius=0.1, color=t.highlight)
            self.play(FadeIn(pulse, scale=2), Indicate(self.w_core, color=t.highlight), run_time=0.8)
            inner_first = list(reversed(self.shells))
            for k, shell in enumerate(inner_first):
                self.play(
                    pulse.animate.move_to([shell.get_right()[0], GRID_DOLL_CENTER[1], 0]),
                    run_time=0.7,
                    rate_func=linear,
                )
                anims = [Indicate(shell, color=t.grad, scale_factor=1.02), FadeIn(slots[k], shift=UP * 0.2)]
                if k > 0:
                    anims.append(FadeIn(dots[k - 1]))
                self.play(*anims, run_time=0.8)
            self.play(FadeOut(pulse))
            self.assemble(product)

    def one_product(self) -> None:
        t = self.theme
        with self.beat(
            "one-product",
            "So the chain rule gives a single, neat product of local derivatives: how much a nudge in w "
            "changes L is every shell's slope, multiplied together.",
            described="The product is boxed.",
        ):
            self.play(Create(style.highlight_box(self.product, t.grad, buff=style.TIGHT)), run_time=1.2)

    def the_network(self) -> None:
        t = self.theme
        p = self.params
        self.inputs = i = network.inputs(p)
        with self.beat(
            "the-network",
            "A neural network is exactly that: a stack of nested functions. Ours has two weights, "
            "one hidden and one output unit with sigmoid activations, and a squared loss.",
            described=f"Left to right: x = {i.x.text}, w₁ = {i.w1.text} into the hidden unit, w₂ = {i.w2.text} into "
            f"the output unit, biases b₁ = {i.b1.text} and b₂ = {i.b2.text}, and the loss "
            f"L = {formula_caption(network.LOSS_TEX[p.loss])} with target y = {i.y.text}.",
        ):
            self.play(*(FadeOut(m) for m in self.mobjects if m is not self.title_mob), run_time=1)
            diagram = NetworkDiagram(t, self.inputs)
            diagram.move_to([0, GRID_NETWORK_Y, 0])
            self.diagram = diagram
            loss = self.math(network.LOSS_TEX[p.loss].join(["L = ", ""]), size=style.LABEL, color=t.L)
            loss.next_to(diagram, DOWN, buff=style.NEAR).to_edge(RIGHT, buff=style.EDGE + 0.2)
            self.loss_rule = loss
            self.play(FadeIn(diagram, lag_ratio=0.05), run_time=2.5)
            self.play(Write(loss))

    def forward_pass(self) -> None:
        t = self.theme
        fwd = network.forward(self.params)
        with self.beat(
            "forward",
            f"Forward, left to right: the weighted sum, the sigmoid, again for the output unit, "
            f"and the loss, {fwd.L.text}.",
            described=f"The slots fill in turn: z₁ = {fwd.z1.text}, a₁ = {fwd.a1.text}, z₂ = {fwd.z2.text}, "
            f"a₂ = {fwd.a2.text}.",
        ):
            for name, q in (("z1", fwd.z1), ("a1", fwd.a1), ("z2", fwd.z2), ("a2", fwd.a2), ("L", fwd.L)):
                value = self.diagram.set_value(name, q.text)
                self.play(
                    *(Indicate(part, color=t.highlight) for part in self.diagram.light([name], t.highlight)),
                    FadeIn(value),
                    run_time=0.8,
                )
                self.diagram.unlight()

    def backward_pass(self) -> None:
        t = self.theme
        b = network.backward(self.params)
        with self.beat(
            "backward",
            f"Then backward, right to left, one local slope per step, landing on the gradient of the "
            f"deepest weight, ∂L/∂w₁ = {b.dL_dw1.text}. The rest of the "
            f"lesson gets you there.",
            described="As each wire lights, the chain ∂L/∂w₁ = ∂L/∂a₂ · ∂a₂/∂z₂ · ∂z₂/∂a₁ · ∂a₁/∂z₁ · ∂z₁/∂w₁ "
            f"fills right to left, with the values {' · '.join(formula_caption(q.factor) for q in b.boxes)} "
            "under it; the result is boxed.",
        ):
            chain = self.math(
                b.dL_dw1.symbol, "=", *sum(([q.symbol, r"\cdot"] for q in b.boxes), [])[:-1], size=style.LABEL
            )
            values = self.math(
                "=", *sum(([q.factor, r"\cdot"] for q in b.boxes), [])[:-1], "=", b.dL_dw1.text, size=style.LABEL
            )
            chain.move_to([0, GRID_CHAIN_Y, 0])
            values.next_to(chain, DOWN, buff=style.NEAR)
            values.align_to(chain[1], LEFT)
            # Long numbers (scientific notation) widen the product: it shrinks to the frame.
            style.fit_width(values, config.frame_width / 2 - style.EDGE - values.get_left()[0], keep_left=True)
            chain[0].set_color(t.grad)
            values[-1].set_color(t.grad)
            self.play(FadeIn(chain[0]), FadeIn(chain[1]))
            # The boxes fill right to left, the way the backward pass computes them.
            lights = (("L", "a2"), ("a2", "z2"), ("z2", "a1"), ("a1", "z1"), ("z1", "w1"))
            for k in range(len(b.boxes)):
                parts = self.diagram.light(lights[k], t.grad)
                shown = [chain[2 + 2 * k], values[1 + 2 * k]] + ([chain[1 + 2 * k], values[2 * k]] if k else [])
                anims = [FadeIn(m) for m in shown]
                self.play(*anims, *(Indicate(part, color=t.grad, scale_factor=1.05) for part in parts), run_time=0.9)
                self.diagram.unlight()
            self.play(*(FadeIn(m) for m in (values[0], values[-2], values[-1])))
            self.assemble(chain)
            self.assemble(values)
            self.diagram.light(["w1"], t.grad)
            self.play(Create(style.highlight_box(values[-1], t.grad)), run_time=1)
