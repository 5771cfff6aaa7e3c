"""02 Two flavours of the letter d.

df/dx beside ∂f/∂x: the ordinary derivative for a function of one variable
(section 01's parabola), the partial derivative for a function of several
(section 03's bowl), and what the ∂ asks you to do: hold every other variable
still. Then the network: its loss depends on w1, w2, b1 and b2 (values from
the core); ∂L/∂w1 nudges w1 and freezes the rest, and the loss, computed by
the core for each w1, follows the nudge alone.
"""

from __future__ import annotations

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    FadeIn,
    FadeOut,
    Indicate,
    RoundedRectangle,
    ValueTracker,
    VGroup,
    Write,
    there_and_back,
)

from backprop_core import network, refresher
from backprop_core.numbers import fmt_beside_readout, formula_caption
from scenes import style
from scenes.components.readout import Readout
from scenes.lesson import LessonScene

# Layout (frame units; the frame is 14.2 x 8).
CARD_WIDTH = 6.2
CARD_HEIGHT = 6.4
# The two cards side by side, mirrored about the frame's centre line.
GRID_CARD_X = 3.4
GRID_CARD_TOP = 2.85
SYMBOL_SIZE = 64
PARAM_CARD = (2.5, 1.5)  # width, height of a parameter's card
NUDGE = 0.6  # how far w1 is nudged each way, in units of w1
# The network's parameters: its loss call on top, a row of cards over the loss, on the frame's centre line.
GRID_LOSS_CALL = [0, 2.3, 0]
GRID_CARDS = [0, 0.6, 0]
GRID_LOSS = [0, -1.1, 0]


class TwoDsScene(LessonScene):
    def construct(self) -> None:
        self.ordinary_d()
        self.partial_d()
        self.hold_still()
        self.many_weights()
        self.freeze_the_rest()
        self.the_slope()

    # ------------------------------------------------------------------
    def card(self, symbol: str, name: str, lines: tuple[str, ...], x: float) -> VGroup:
        t = self.theme
        box = RoundedRectangle(
            width=CARD_WIDTH,
            height=CARD_HEIGHT,
            corner_radius=0.2,
            stroke_color=t.muted,
            stroke_width=2,
            fill_color=t.panel,
            fill_opacity=1,
        )
        box.move_to([x, GRID_CARD_TOP - CARD_HEIGHT / 2, 0])
        big = self.math(symbol, size=SYMBOL_SIZE, color=t.grad)
        heading = self.words(name, size=style.HEADING)
        text = VGroup(*(self.words(line, size=style.SMALL, color=t.muted) for line in lines))
        text.arrange(DOWN, aligned_edge=LEFT, buff=style.TIGHT)
        content = VGroup(big, heading, text).arrange(DOWN, buff=style.NEAR)
        content.move_to(box.get_top() + DOWN * (content.height / 2 + 0.3))
        return VGroup(box, content)

    def ordinary_d(self) -> None:
        t = self.theme
        with self.beat(
            "ordinary-d",
            "You will meet two kinds of d. The ordinary d is for a function of one variable: "
            "how does f change as x changes? Section 1's curve had one input.",
            described=f"A card, Ordinary derivative, shows df/dx and section 1's f(x) = "
            f"{formula_caption(refresher.PARABOLA_TEX)}, df/dx = {formula_caption(refresher.PARABOLA_SLOPE_TEX)}.",
        ):
            self.add(self.title())
            left = self.card(
                r"\frac{df}{dx}",
                "Ordinary derivative",
                ("f has one input:", "how does f change", "as x changes?"),
                -GRID_CARD_X,
            )
            example = VGroup(
                self.math(r"f(x) = " + refresher.PARABOLA_TEX, size=style.BODY, color=t.curve),
                self.math(r"\frac{df}{dx} = " + refresher.PARABOLA_SLOPE_TEX, size=style.BODY, color=t.grad),
            ).arrange(DOWN, buff=style.NEAR)
            example.move_to(left[0]).align_to(left[0], DOWN).shift(UP * 0.35)
            self.left = VGroup(left, example)
            self.play(FadeIn(left[0]), Write(left[1][0]), run_time=1.2)
            self.play(FadeIn(left[1][1:]))
            self.play(Write(example), run_time=1.5)

    def partial_d(self) -> None:
        with self.beat(
            "partial-d",
            "The curly d, the partial d, is for a function of several variables. It asks the same "
            "question about x, with one extra instruction.",
            described="A second card, Partial derivative, shows ∂f/∂x and its instruction: hold all the others "
            "still, then vary x alone.",
        ):
            right = self.card(
                r"\frac{\partial f}{\partial x}",
                "Partial derivative",
                ("f has several inputs:", "hold all the others still,", "then vary x alone"),
                GRID_CARD_X,
            )
            self.right = right
            self.play(FadeIn(right[0]), Write(right[1][0]), run_time=1.2)
            self.play(FadeIn(right[1][1:]))

    def hold_still(self) -> None:
        t = self.theme
        with self.beat(
            "hold-still",
            "Treat every other variable as a constant while you differentiate with respect to x. "
            "For x² + 2y², y is frozen, so 2y² is just a number: "
            "∂f/∂x = 2x. That is the only difference.",
            described="That f and its ∂f/∂x are written on the card, its y's dimmed and tagged: y held still.",
        ):
            f = self.math(r"f(x, ", "y", r") = x^2 + 2", "y", "^2", size=style.BODY, color=t.curve)
            tag = self.words("y held still", size=style.SMALL, color=t.muted)
            slope = self.math(
                r"\frac{\partial f}{\partial x} = " + refresher.BOWL_DX_TEX, size=style.BODY, color=t.grad
            )
            example = VGroup(f, tag, slope).arrange(DOWN, buff=style.TIGHT)
            example.move_to(self.right[0]).align_to(self.right[0], DOWN).shift(UP * 0.3)
            self.play(Write(f), run_time=1.2)
            held = [f[1], f[3]]
            self.play(*(piece.animate.set_color(t.muted) for piece in held), FadeIn(tag))
            self.play(Write(slope), run_time=1.2)
            self.right_example = example

    def many_weights(self) -> None:
        t = self.theme
        p = self.params
        inputs = network.inputs(p)
        fwd = network.forward(p)
        with self.beat(
            "many-weights",
            f"Why this matters: the network's loss depends on many parameters at once, w₁ = {inputs.w1.text}, "
            f"w₂ = {inputs.w2.text}, b₁ = {inputs.b1.text} and b₂ = {inputs.b2.text}. "
            f"With these, the loss is {fmt_beside_readout(fwd.L.exact)}.",
            described="L(w₁, w₂, b₁, b₂) is written large over a card per parameter and the loss readout.",
        ):
            self.play(FadeOut(self.left), FadeOut(self.right), FadeOut(self.right_example), run_time=1)
            colors = style.symbol_colors(t)
            loss = self.math("L", "(", "w_1", ",", "w_2", ",", "b_1", ",", "b_2", ")", size=style.HEADING)
            for part, name in zip(loss[2:9:2], ("w_1", "w_2", "b_1", "b_2")):
                part.set_color(colors[name])
            loss[0].set_color(t.L)
            loss.move_to(GRID_LOSS_CALL)
            self.loss_call = loss

            self.w1 = ValueTracker(inputs.w1.value)
            self.cards = self.parameter_cards(inputs)
            self.l_row = self.loss_readout()
            self.play(Write(loss), run_time=1.2)
            self.play(FadeIn(self.cards, lag_ratio=0.2), run_time=1.5)
            self.play(self.l_row.show())

    def parameter_cards(self, inputs) -> VGroup:
        """One card per parameter, its symbol and value in its colour; w1's value is live."""
        t = self.theme
        colors = style.symbol_colors(t)
        cards = VGroup()
        for q in (inputs.w1, inputs.w2, inputs.b1, inputs.b2):
            color = colors[q.symbol]
            box = RoundedRectangle(
                width=PARAM_CARD[0],
                height=PARAM_CARD[1],
                corner_radius=0.15,
                stroke_color=color,
                stroke_width=3,
                fill_color=t.panel,
                fill_opacity=1,
            )
            if q.symbol == "w_1":
                row = Readout(q.symbol, self.w1.get_value, color=color, size=style.HEADING)
            else:
                symbol = self.math(q.symbol, "=", size=style.HEADING, color=color)
                value = self.math(fmt_beside_readout(q.exact), size=style.HEADING, color=color)
                row = VGroup(symbol, value).arrange(RIGHT, buff=style.TIGHT)
            cards.add(VGroup(box, row.move_to(box)))
        return cards.arrange(RIGHT, buff=style.APART).move_to(GRID_CARDS)

    def loss_readout(self) -> Readout:
        """L, computed by the core for w1 as it is nudged (a tiny loss reads times a power of ten)."""
        p = self.params
        w1 = self.w1.get_value()
        stops = [network.loss_of_w1(p, w) for w in (w1, w1 + NUDGE, w1 - NUDGE)]
        loss = Readout(
            "L", lambda: network.loss_of_w1(p, self.w1.get_value()), color=self.theme.L, size=style.HEADING, stops=stops
        )
        return loss.move_to(GRID_LOSS)

    def freeze_the_rest(self) -> None:
        t = self.theme
        p = self.params
        w1 = self.w1.get_value()
        # The nudges' far ends, as the readouts show them (the loss from the core, as its readout).
        ends = [(fmt_beside_readout(w), fmt_beside_readout(network.loss_of_w1(p, w))) for w in (w1 + NUDGE, w1 - NUDGE)]
        with self.beat(
            "freeze-the-rest",
            "∂L/∂w₁ nudges w₁ and freezes w₂, b₁ and b₂. Watch: only w₁ moves, and the loss follows it.",
            described=f"w₁'s card lights, tagged nudged, the others held; w₁ swings to {ends[0][0]}, loss "
            f"{ends[0][1]}, then to {ends[1][0]}, loss {ends[1][1]}, and back.",
        ):
            held = VGroup()
            for card in self.cards[1:]:
                tag = self.words("held", size=style.SMALL, color=t.muted).next_to(card, DOWN, buff=style.TIGHT)
                held.add(tag)
            nudged = self.words("nudged", size=style.SMALL, color=t.highlight).next_to(
                self.cards[0], DOWN, buff=style.TIGHT
            )
            self.play(
                *(card.animate.set_opacity(0.6) for card in self.cards[1:]),
                *(self.loss_call[i].animate.set_color(t.muted) for i in (4, 6, 8)),
                FadeIn(held),
                FadeIn(nudged),
                self.cards[0][0].animate.set_stroke(color=t.highlight, width=6),
            )
            for target in (w1 + NUDGE, w1 - NUDGE):
                self.play(self.w1.animate(rate_func=there_and_back).set_value(target), run_time=2.2)
            self.w1.set_value(w1)
            self.held_tags = VGroup(held, nudged)

    def the_slope(self) -> None:
        t = self.theme
        p = self.params
        b = network.backward(p)
        with self.beat(
            "the-slope",
            f"How fast L changes as w₁ alone moves is the partial derivative ∂L/∂w₁: "
            f"here {b.dL_dw1.text}. It is exactly the slope the chain rule will compute, factor by factor.",
            described="∂L/∂w₁ is written under the loss readout, noted: w₂, b₁, b₂ held still.",
        ):
            eq = self.math(b.dL_dw1.symbol, "=", b.dL_dw1.text, size=style.HEADING)
            eq[0].set_color(t.grad)
            eq[2].set_color(t.grad)
            eq.next_to(self.l_row, DOWN, buff=style.APART)
            words = self.words("w₂, b₁, b₂ held still", size=style.SMALL, color=t.muted)
            words.next_to(eq, DOWN, buff=style.NEAR)
            self.play(Write(eq), run_time=1.5)
            self.play(FadeIn(words), Indicate(eq[2], color=t.grad))
