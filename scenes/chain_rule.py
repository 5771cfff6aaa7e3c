"""04 The chain rule, in plain English.

y = f(g(x)) with the worked example's functions (u = 3x + 1, y = u^2, at
x = 2, from backprop_core.refresher): three stacked number lines x, u and y,
drawn with one common ruler so lengths compare. A nudge on x lands on u
stretched by du/dx, and on y stretched again by dy/du: the total stretch is
the product of the slopes. Then n nested functions give n slopes multiplied,
and the network's five.
"""

from __future__ import annotations

from manim import (
    DOWN,
    RIGHT,
    UP,
    Arrow,
    Brace,
    Create,
    Dot,
    FadeIn,
    FadeOut,
    GrowFromCenter,
    ReplacementTransform,
    VGroup,
    Write,
)

from backprop_core import network
from backprop_core import refresher as core
from backprop_core.numbers import fmt, formula_text
from backprop_core.quantity import exact
from scenes import style
from scenes.components.function_flow import FunctionFlow
from scenes.components.number_lines import StackedNumberLines, tick_step
from scenes.lesson import LessonScene

# The frame's grid (frame units; the frame is 14.2 x 8). The opening's rows: the
# nested formula over the flow of functions; the closing's first formula.
GRID_NESTED_Y = 2.0
GRID_FLOW_Y = 0.4
GRID_PRODUCTS_Y = 1.6
# The number lines share their ends (they are compared by length), one row each
# for x, u and y, and the row above them holds the rule at the right.
GRID_LINES_X = (-6.1, 6.6)
GRID_LINES_Y = (1.3, -0.8, -2.9)
GRID_TOP_ROW_Y = 2.6
COPY_OFFSET = 0.24  # a carried nudge rides just above the line it lands on
RULE_TEX = (r"\frac{dy}{dx}", "=", r"\frac{df}{dg}", r"\cdot", r"\frac{dg}{dx}")


def dotted(factors: list[str]) -> list[str]:
    """f1, f2, f3 -> f1, \\cdot, f2, \\cdot, f3: the parts of a product, each its own MathTex part."""
    return [part for k, factor in enumerate(factors) for part in ((r"\cdot", factor) if k else (factor,))]


class ChainRuleScene(LessonScene):
    # The rulers' inner ticks (the chain example is fixed, no --set moves them; the test
    # flags any tick listed here that no longer shows). Each line's first tick is its point, said.
    UNSAID = {
        tick: "a tick on a number line's ruler"
        for tick in ("2.1", "2.2", "2.3", "2.4", "7.1", "7.2", "7.3", "7.4", "49.1", "49.2", "49.3", "49.4")
    }

    def construct(self) -> None:
        self.nudge = core.chain_nudge()
        self.example = core.chain_example()
        self.nested_functions()
        self.state_the_rule()
        self.three_lines()
        self.nudge_x()
        self.stretched = []
        for index in (1, 2):
            self.stretch(index)
        self.multiply()
        self.n_slopes()

    def _color(self, name: str) -> str:
        t = self.theme
        return {"x": t.x, "u": t.z, "y": t.curve}[name]

    # -- builders: the opening ------------------------------------------------
    def _flow(self) -> FunctionFlow:
        """x -> [g] -> u -> [f] -> y, with each function's rule under its box."""
        _, su, sy = self.nudge.stages
        flow = FunctionFlow(
            [(n, self._color(n)) for n in ("x", "u", "y")],
            [("g", su.rule_tex, self._color("u")), ("f", sy.rule_tex, self._color("y"))],
            self.theme.panel,
            self.theme.muted,
        )
        return flow.center_row_on([0, GRID_FLOW_Y, 0])

    def _rule(self, size: int) -> VGroup:
        """dy/dx = df/dg . dg/dx, its derivatives in the slopes' colour."""
        rule = self.math(*RULE_TEX, size=size)
        for i in (0, 2, 4):
            rule[i].set_color(self.theme.grad)
        return rule

    def _rule_notes(self, rule) -> VGroup:
        notes = VGroup()
        for piece, words in ((rule[2], "slope of f, at the inner value u"), (rule[4], "times the slope of g")):
            symbol = piece.copy().scale(style.LABEL / style.TITLE)
            note = VGroup(symbol, self.words(words, size=style.SMALL, color=self.theme.grad))
            notes.add(note.arrange(RIGHT, buff=style.NEAR))
        return notes.arrange(RIGHT, buff=style.FAR).next_to(rule, DOWN, buff=style.NEAR)

    # -- beats: the rule --------------------------------------------------------
    def nested_functions(self) -> None:
        _, su, sy = self.nudge.stages
        with self.beat(
            "nested",
            "When functions are nested, the output of one becomes the input of the next: y equals f of g of x. "
            f"Our example: g makes {formula_text(su.rule_tex)} out of x, "
            f"and f makes {formula_text(sy.rule_tex)} out of u.",
            described="y = f(g(x)) over a flow: x into a box g, u out into a box f, y out, each box's rule under it.",
        ):
            self.heading = self.title()
            self.add(self.heading)
            nested = self.math("y", "=", "f(", "g(x)", ")", size=style.TITLE)
            nested[0].set_color(self._color("y"))
            nested[3].set_color(self._color("u"))
            nested.move_to([0, GRID_NESTED_Y, 0])
            flow = self._flow()
            names, (g_box, f_box), arrows = flow.names, flow.machines, flow.arrows
            self.play(Write(nested), run_time=1.5)
            self.play(FadeIn(names[0]), FadeIn(g_box[0]), FadeIn(g_box[1]), run_time=0.8)
            self.play(Create(arrows[0]), Create(arrows[1]), FadeIn(names[1]), FadeIn(g_box[2]), run_time=1.2)
            self.play(FadeIn(f_box[0]), FadeIn(f_box[1]), Create(arrows[2]), run_time=0.8)
            self.play(Create(arrows[3]), FadeIn(names[2]), FadeIn(f_box[2]), run_time=1.2)
            self.nested_block = VGroup(nested, flow)
            self.flow = flow

    def state_the_rule(self) -> None:
        with self.beat(
            "the-rule",
            "Their slopes multiply: dy by dx equals df by dg times dg by dx. Read it as: take the slope of f "
            "at the inner value, then multiply by the slope of g.",
            described="The rule is written large under the flow, each factor annotated as said.",
        ):
            rule = self._rule(style.TITLE).next_to(self.flow, DOWN, buff=style.APART)
            notes = self._rule_notes(rule)
            self.play(Write(rule), run_time=1.5)
            self.play(FadeIn(notes[0], shift=UP * 0.2), run_time=0.8)
            self.play(FadeIn(notes[1], shift=UP * 0.2), run_time=0.8)
            self.rule = rule
            self.rule_notes = notes

    # -- builders: the number lines -----------------------------------------------
    def _links(self) -> list[tuple]:
        """Between two lines: an arrow to the point (x sends u there), the map, and its stretch factor.

        Item i - 1 links line i - 1 to line i: (arrow, rule, factor); the factor is shown later."""
        t, lines = self.theme, self.lines
        links = []
        for i in (1, 2):
            stage = self.nudge.stages[i]
            # From below the tick labels of the line above down to the point.
            arrow = Arrow(
                self.dots[i - 1].get_center() + DOWN * 0.62,
                self.dots[i].get_center() + UP * 0.12,
                buff=0,
                color=t.muted,
                stroke_width=3,
                max_tip_length_to_length_ratio=0.15,
            )
            label = self.math(stage.rule_tex, size=style.LABEL, color=self._color(stage.name))
            factor = self.math(r"\times", stage.slope.equation().replace(r"\frac", r"\tfrac"), size=style.LABEL)
            factor.set_color(t.grad)
            # In the gap between the two lines, at the right.
            gap_y = (lines.ys[i - 1] - 0.55 + lines.ys[i] + 0.8) / 2
            pair = VGroup(label, factor).arrange(RIGHT, buff=style.APART).move_to([0, gap_y, 0])
            pair.to_edge(RIGHT, buff=style.EDGE)
            links.append((arrow, label, factor))
        return links

    # -- beats: the nudge down the chain -------------------------------------------
    def three_lines(self) -> None:
        sx, su, sy = self.nudge.stages
        self.lines = StackedNumberLines(
            self.nudge.stages,
            {name: self._color(name) for name in ("x", "u", "y")},
            self.theme.muted,
            GRID_LINES_X,
            GRID_LINES_Y,
        )
        step = fmt(exact(tick_step(self.lines.scale)))  # the rulers' tick step, as their labels print
        with self.beat(
            "three-lines",
            f"Give each variable its own number line, all with the same ruler. x = {sx.at.text} "
            f"sends u to {su.at.text}, and u = {su.at.text} sends y to {sy.at.text}.",
            described=f"The flow gives way to three stacked lines, x, u, y, ticked every {step} from a dot at "
            "each value; arrows lead dot to dot, each labelled with its rule, and the rule shrinks to the top right.",
        ):
            small_rule = self._rule(style.LABEL).move_to([0, GRID_TOP_ROW_Y, 0]).to_edge(RIGHT, buff=style.EDGE)
            self.play(
                FadeOut(self.nested_block),
                FadeOut(self.rule_notes),
                ReplacementTransform(self.rule, small_rule),
                run_time=1.2,
            )
            self.rule = small_rule
            self.play(*self.lines.draw(), run_time=1.2)
            self.play(*self.lines.show_marks(), run_time=0.8)
            self.dots = [
                Dot(self.lines.point(i, stage.at.value), color=self._color(stage.name), radius=0.09)
                for i, stage in enumerate(self.nudge.stages)
            ]
            self.play(FadeIn(self.dots[0], scale=2))
            self.factors = {}
            for i, (arrow, label, factor) in enumerate(self._links(), start=1):
                self.factors[i] = factor
                self.play(Create(arrow), FadeIn(label), run_time=1.0)
                self.play(FadeIn(self.dots[i], scale=2), run_time=0.5)

    def nudge_x(self) -> None:
        sx = self.nudge.stages[0]
        with self.beat(
            "nudge-x",
            f"Now nudge x by a tiny step, Delta x = {sx.change.text}. Follow that little interval down the chain.",
            described="A short thick interval is drawn from x's dot, braced with Delta x.",
        ):
            self.nudges = [self.lines.nudge(0, COPY_OFFSET)]
            seg, brace, label = self.nudges[0]
            self.play(Create(seg), run_time=1.0)
            self.play(GrowFromCenter(brace), FadeIn(label))

    def _stretch_said(self, index: int) -> tuple[str, str]:
        before, stage = self.nudge.stages[index - 1], self.nudge.stages[index]
        # The nudge carried down in orange, the factor shown at the right, the interval stretched.
        if index == 1:
            return (
                "stretch-by-g",
                f"g stretches every nudge by its slope, du by dx = {stage.slope.text}: the interval on u is "
                f"{stage.slope.text} times as long, Delta u = {stage.change.text}.",
                "The interval drops onto the u line and stretches, braced with Delta u; the factor appears beside g's "
                "rule.",
            )
        return (
            "stretch-by-f",
            f"f stretches it again, by its slope at the inner value: dy by du = {formula_text(stage.slope.formula)} "
            f"= {stage.slope.text} "
            f"at u = {before.at.text}. Delta y = {stage.change.text}; measured, the stretch is "
            f"{stage.stretch.text}, the slope {stage.slope.text} up to the nudge's size.",
            "The same onto the y line, braced with Delta y, the factor beside f's rule.",
        )

    def stretch(self, index: int) -> None:
        t = self.theme
        before, stage = self.nudge.stages[index - 1], self.nudge.stages[index]
        with self.beat(*self._stretch_said(index)):
            # The nudge above, dropped onto this line and stretched by the slope.
            copy = self.nudges[index - 1][0].copy().set_color(t.grad)
            carried = before.change.value
            landed = self.lines.interval(index, stage.at.value, carried, t.grad, offset=COPY_OFFSET)
            stretched = self.lines.interval(
                index, stage.at.value, carried * stage.slope.value, t.grad, offset=COPY_OFFSET
            )
            self.play(ReplacementTransform(copy, landed), run_time=1.2)
            self.play(FadeIn(self.factors[index]), run_time=0.6)
            self.play(ReplacementTransform(landed, stretched), run_time=1.8)
            nudge = self.lines.nudge(index, COPY_OFFSET)
            self.play(Create(nudge[0]), GrowFromCenter(nudge[1]), FadeIn(nudge[2]), run_time=1.2)
            self.nudges.append(nudge)
            self.stretched.append(stretched)

    def multiply(self) -> None:
        t = self.theme
        sx, su, sy = self.nudge.stages
        total = self.nudge.total
        with self.beat(
            "multiply",
            f"So the nudge on x reaches y stretched {su.slope.text} times, then {sy.slope.text} times: "
            f"{total.text} times in all. The total slope is the product of the slopes, dy by dx = {total.text}.",
            described="A copy of the x nudge sweeps straight down to y, as long as Delta y; the rule at the top "
            "right becomes this product, boxed.",
        ):
            equation = self.math(total.equation(), size=style.LABEL, color=t.grad)
            equation.move_to([0, GRID_TOP_ROW_Y, 0]).to_edge(RIGHT, buff=style.EDGE)
            direct = self.lines.interval(0, sx.at.value, sx.change.value, t.highlight)
            across = self.lines.interval(2, sy.at.value, sx.change.value * total.value, t.highlight, offset=COPY_OFFSET)
            self.play(*(FadeOut(m) for m in self.stretched), run_time=0.6)
            self.play(ReplacementTransform(direct, across), run_time=2.0)
            self.play(ReplacementTransform(self.rule, equation), run_time=1.5)
            self.play(Create(style.highlight_box(equation, t.grad)))

    # -- the closing: n slopes, and the network's five ------------------------------
    def _product(self, lhs: str, factors: list[str], count: str) -> VGroup:
        """lhs = f1 . f2 . ..., the factors braced below and counted: (product, brace, count)."""
        t = self.theme
        product = self.math(lhs, "=", *dotted(factors), size=style.BODY)
        for part in product[2::2]:
            part.set_color(t.grad)
        brace = Brace(VGroup(*product[2:]), DOWN, buff=style.TIGHT, color=t.grad)
        words = self.words(count, size=style.SMALL, color=t.grad).next_to(brace, DOWN, buff=style.TIGHT)
        return VGroup(product, brace, words)

    def n_slopes(self) -> None:
        n = 4
        nested_tex, factors = core.nested_chain_tex(n)
        boxes = network.backward(self.params).boxes
        with self.beat(
            "n-slopes",
            f"With {n} nested functions you get {n} slopes multiplied; the network's loss is {len(boxes)} "
            "functions deep in w 1, so its gradient is a product of five. That is the whole idea behind "
            "backpropagation. Next, we compute one example by hand.",
            described=f"The lines give way to y = f₄(f₃(f₂(f₁(x)))) with its {n} slopes braced, then ∂L/∂w₁ = "
            "∂L/∂a₂ · ∂a₂/∂z₂ · ∂z₂/∂a₁ · ∂a₁/∂z₁ · ∂z₁/∂w₁, braced too.",
        ):
            self.play(*(FadeOut(m) for m in self.mobjects if m is not self.heading), run_time=1.0)
            nested = self.math(nested_tex, size=style.BODY)
            of_n = self._product(r"\frac{dy}{dx}", factors, f"{n} functions, {n} slopes")
            of_net = self._product(
                r"\frac{\partial L}{\partial w_1}", [b.symbol for b in boxes], f"the network: {len(boxes)} slopes"
            )
            of_net[0][0].set_color(self.theme.grad)
            VGroup(nested, of_n[0]).arrange(DOWN, buff=style.APART).move_to([0, GRID_PRODUCTS_Y, 0])
            self._hang(of_n)
            of_net[0].next_to(of_n[2], DOWN, buff=style.APART)
            self._hang(of_net)
            self.play(Write(nested), run_time=1.2)
            self.play(Write(of_n[0]), run_time=1.5)
            self.play(GrowFromCenter(of_n[1]), FadeIn(of_n[2]))
            self.play(Write(of_net[0]), run_time=1.5)
            self.play(GrowFromCenter(of_net[1]), FadeIn(of_net[2]))

    @staticmethod
    def _hang(braced: VGroup) -> None:
        """The brace and its count under the product's factors, where the product now is."""
        product, brace, words = braced
        brace.next_to(VGroup(*product[2:]), DOWN, buff=style.TIGHT)
        words.next_to(brace, DOWN, buff=style.TIGHT)
