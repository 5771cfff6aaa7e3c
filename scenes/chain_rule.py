"""04 The chain rule, in plain English.

y = f(g(x)) with the worked example's functions (u = 3x + 1, y = u^2, at
x = 2, from backprop_core.refresher): three stacked number lines x, u and y,
drawn with one common ruler so lengths compare. A nudge on x lands on u
stretched by du/dx, and on y stretched again by dy/du: the total stretch is
the product of the slopes. Then n nested functions give n slopes multiplied,
and the network's five.
"""

from __future__ import annotations

import math

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
    Line,
    ReplacementTransform,
    RoundedRectangle,
    VGroup,
    Write,
)

from backprop_core import network
from backprop_core import refresher as core
from backprop_core.numbers import fmt
from backprop_core.quantity import exact
from scenes import style
from scenes.lesson import LessonScene
from scenes.worked_example import spoken

LINE_LEFT, LINE_RIGHT = -6.1, 6.6  # the rulers' ends, in frame units
ANCHOR_GAP = 0.8  # free ruler before a rising nudge's start (or after a falling one's end)
LINE_YS = (1.3, -0.8, -2.9)  # x, u, y
MAX_SCALE = 30.0  # frame units per unit of value, at most
TICK_MIN_GAP = 1.8  # labelled ticks at least this far apart on screen
NUDGE_WIDTH = 10
TOP_ROW_Y = 2.6
COPY_OFFSET = 0.24  # a carried nudge rides just above the line it lands on
ARROW_ROOM = 1.1  # between two boxes of the function flow: room for an arrow


def _tick_step(scale: float) -> float:
    """The smallest 1-2-5 step whose ticks sit at least TICK_MIN_GAP apart."""
    exponent = math.floor(math.log10(TICK_MIN_GAP / scale))
    for base in (1, 2, 5, 10):
        step = base * 10.0**exponent
        if step * scale >= TICK_MIN_GAP:
            return step
    return 10.0 ** (exponent + 1)


class ChainRuleScene(LessonScene):
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

    # -- layout helpers ---------------------------------------------------
    def _color(self, name: str) -> str:
        t = self.theme
        return {"x": t.x, "u": t.z, "y": t.curve}[name]

    def _layout(self) -> None:
        """One scale for all three rulers, chosen so the widest nudge (on y) fits."""
        widest = max(abs(s.change.value) for s in self.nudge.stages)
        room = LINE_RIGHT - LINE_LEFT - 2 * ANCHOR_GAP
        self.scale = min(MAX_SCALE, room / widest)
        self.anchors = []
        for stage in self.nudge.stages:
            rising = stage.change.value >= 0
            self.anchors.append(LINE_LEFT + ANCHOR_GAP if rising else LINE_RIGHT - ANCHOR_GAP)

    def _to_screen(self, index: int, value: float) -> float:
        stage = self.nudge.stages[index]
        return self.anchors[index] + (value - stage.at.value) * self.scale

    def _point(self, index: int, value: float):
        return [self._to_screen(index, value), LINE_YS[index], 0]

    def _ruler(self, index: int) -> VGroup:
        t = self.theme
        stage = self.nudge.stages[index]
        y = LINE_YS[index]
        line = Line([LINE_LEFT, y, 0], [LINE_RIGHT, y, 0], color=t.muted, stroke_width=3)
        lo = stage.at.value + (LINE_LEFT - self.anchors[index]) / self.scale
        hi = stage.at.value + (LINE_RIGHT - self.anchors[index]) / self.scale
        step = _tick_step(self.scale)
        ticks, labels = VGroup(), VGroup()
        k = math.ceil(lo / step - 1e-9)
        while k * step <= hi + 1e-9:
            value = round(k * step, 10)
            sx = self._to_screen(index, value)
            if LINE_LEFT + 0.25 < sx < LINE_RIGHT - 0.25:
                ticks.add(Line([sx, y - 0.1, 0], [sx, y + 0.1, 0], color=t.muted, stroke_width=2))
                labels.add(
                    self.math(fmt(exact(value)), size=style.SMALL, color=t.muted).next_to(
                        ticks[-1], DOWN, buff=style.HAIR
                    )
                )
            k += 1
        name = self.math(stage.name, size=style.BODY, color=self._color(stage.name))
        name.move_to([LINE_LEFT - 0.35, y, 0])
        return VGroup(line, ticks, labels, name)

    def _interval(self, index: int, start: float, length: float, color: str, offset: float = 0.0) -> Line:
        x0 = self._to_screen(index, start)
        y = LINE_YS[index] + offset
        return Line([x0, y, 0], [x0 + length * self.scale, y, 0], color=color, stroke_width=NUDGE_WIDTH)

    # -- beats --------------------------------------------------------------
    def _machine(self, name: str, rule_tex: str, color: str) -> VGroup:
        box = RoundedRectangle(corner_radius=0.15, width=1.3, height=1.0, color=color, stroke_width=4)
        box.set_fill(self.theme.panel, 1)
        letter = self.math(name, size=style.HEADING, color=color).move_to(box)
        rule = self.math(rule_tex, size=style.LABEL, color=color).next_to(box, DOWN, buff=style.NEAR)
        return VGroup(box, letter, rule)

    def nested_functions(self) -> None:
        t = self.theme
        _, su, sy = self.nudge.stages
        self.beat(
            "nested",
            "When functions are nested, the output of one becomes the input of the next: y equals f of g of x. "
            f"Our example: g makes {spoken(su.rule_tex)} out of x, and f makes {spoken(sy.rule_tex)} out of u.",
        )
        self.heading = self.title()
        self.add(self.heading)
        nested = self.math("y", "=", "f(", "g(x)", ")", size=style.TITLE)
        nested[0].set_color(self._color("y"))
        nested[3].set_color(self._color("u"))
        nested.move_to([0, 2.0, 0])
        names = [self.math(n, size=style.HEADING, color=self._color(n)) for n in ("x", "u", "y")]
        g_box = self._machine("g", su.rule_tex, self._color("u"))
        f_box = self._machine("f", sy.rule_tex, self._color("y"))
        row = (
            VGroup(names[0], g_box[0], names[1], f_box[0], names[2])
            .arrange(RIGHT, buff=ARROW_ROOM)
            .move_to([0, 0.4, 0])
        )
        for box in (g_box, f_box):
            box[1].move_to(box[0])
            box[2].next_to(box[0], DOWN, buff=style.NEAR)
        arrows = VGroup(
            *(
                Arrow(a.get_right(), b.get_left(), buff=style.TIGHT, color=t.muted, stroke_width=4)
                for a, b in zip(row[:-1], row[1:])
            )
        )
        self.play(Write(nested), run_time=1.5)
        self.play(FadeIn(names[0]), FadeIn(g_box[0]), FadeIn(g_box[1]), run_time=0.8)
        self.play(Create(arrows[0]), Create(arrows[1]), FadeIn(names[1]), FadeIn(g_box[2]), run_time=1.2)
        self.play(FadeIn(f_box[0]), FadeIn(f_box[1]), Create(arrows[2]), run_time=0.8)
        self.play(Create(arrows[3]), FadeIn(names[2]), FadeIn(f_box[2]), run_time=1.2)
        self.nested_block = VGroup(nested, *names, g_box, f_box, arrows)
        self.flow = VGroup(*names, g_box, f_box, arrows)

    def state_the_rule(self) -> None:
        t = self.theme
        self.beat(
            "the-rule",
            "Their slopes multiply: dy by dx equals df by dg times dg by dx. Read it as: take the slope of f "
            "at the inner value, then multiply by the slope of g.",
        )
        rule = self.math(r"\frac{dy}{dx}", "=", r"\frac{df}{dg}", r"\cdot", r"\frac{dg}{dx}", size=style.TITLE)
        for i in (0, 2, 4):
            rule[i].set_color(t.grad)
        rule.next_to(self.flow, DOWN, buff=style.APART)
        notes = VGroup()
        for piece, words in ((rule[2], "slope of f, at the inner value u"), (rule[4], "times the slope of g")):
            symbol = piece.copy().scale(style.LABEL / style.TITLE)
            notes.add(VGroup(symbol, self.words(words, size=style.SMALL, color=t.grad)).arrange(RIGHT, buff=style.NEAR))
        notes.arrange(RIGHT, buff=style.FAR).next_to(rule, DOWN, buff=style.NEAR)
        self.play(Write(rule), run_time=1.5)
        self.play(FadeIn(notes[0], shift=UP * 0.2), run_time=0.8)
        self.play(FadeIn(notes[1], shift=UP * 0.2), run_time=0.8)
        self.rule = rule
        self.rule_notes = notes

    def three_lines(self) -> None:
        t = self.theme
        sx, su, sy = self.nudge.stages
        self.beat(
            "three-lines",
            f"Give each variable its own number line, all with the same ruler. x = {sx.at.text} "
            f"sends u to {su.at.text}, and u = {su.at.text} sends y to {sy.at.text}.",
        )
        self._layout()
        small_rule = (
            self.math(r"\frac{dy}{dx}", "=", r"\frac{df}{dg}", r"\cdot", r"\frac{dg}{dx}", size=style.LABEL)
            .move_to([0, TOP_ROW_Y, 0])
            .to_edge(RIGHT, buff=style.EDGE)
        )
        for i in (0, 2, 4):
            small_rule[i].set_color(t.grad)
        self.play(
            FadeOut(self.nested_block),
            FadeOut(self.rule_notes),
            ReplacementTransform(self.rule, small_rule),
            run_time=1.2,
        )
        self.rule = small_rule
        self.rulers = [self._ruler(i) for i in range(3)]
        self.play(*(Create(r[0]) for r in self.rulers), run_time=1.2)
        self.play(*(FadeIn(VGroup(r[1], r[2], r[3])) for r in self.rulers), run_time=0.8)
        self.dots = []
        for i, stage in enumerate(self.nudge.stages):
            dot = Dot(self._point(i, stage.at.value), color=self._color(stage.name), radius=0.09)
            self.dots.append(dot)
        self.play(FadeIn(self.dots[0], scale=2))
        # Each gap between rulers: the map that links them, and (later) its stretch factor, at the right.
        self.factors = {}
        for i in (1, 2):
            stage = self.nudge.stages[i]
            # From below the tick labels of the line above down to the point: x sends u there.
            top = self.dots[i - 1].get_center() + DOWN * 0.62
            arrow = Arrow(
                top,
                self.dots[i].get_center() + UP * 0.12,
                buff=0,
                color=t.muted,
                stroke_width=3,
                max_tip_length_to_length_ratio=0.15,
            )
            label = self.math(stage.rule_tex, size=style.LABEL, color=self._color(stage.name))
            factor = self.math(r"\times", stage.slope.equation().replace(r"\frac", r"\tfrac"), size=style.LABEL)
            factor.set_color(t.grad)
            gap_y = (LINE_YS[i - 1] - 0.55 + LINE_YS[i] + 0.8) / 2
            VGroup(label, factor).arrange(RIGHT, buff=style.APART).move_to([0, gap_y, 0]).to_edge(
                RIGHT, buff=style.EDGE
            )
            self.factors[i] = factor
            self.play(Create(arrow), FadeIn(label), run_time=1.0)
            self.play(FadeIn(self.dots[i], scale=2), run_time=0.5)

    def _nudge_on(self, index: int) -> VGroup:
        """The nudge on a line: its interval, and a brace (above any carried copy) naming its size."""
        stage = self.nudge.stages[index]
        color = self._color(stage.name)
        seg = self._interval(index, stage.at.value, stage.change.value, color)
        room = self._interval(index, stage.at.value, stage.change.value, color, offset=COPY_OFFSET)
        brace = Brace(VGroup(seg, room), UP, buff=style.HAIR, color=color)
        label = self.math(stage.change.symbol, "=", stage.change.text, size=style.SMALL, color=color)
        label.next_to(brace, UP, buff=style.HAIR)
        left = max(label.get_left()[0], LINE_LEFT - 0.6)
        label.shift(RIGHT * (left - label.get_left()[0]))
        return VGroup(seg, brace, label)

    def nudge_x(self) -> None:
        sx = self.nudge.stages[0]
        self.beat(
            "nudge-x",
            f"Now nudge x by a tiny step, Delta x = {sx.change.text}. Follow that little interval down the chain.",
        )
        self.nudges = [self._nudge_on(0)]
        seg, brace, label = self.nudges[0]
        self.play(Create(seg), run_time=1.0)
        self.play(GrowFromCenter(brace), FadeIn(label))

    def stretch(self, index: int) -> None:
        t = self.theme
        before, stage = self.nudge.stages[index - 1], self.nudge.stages[index]
        if index == 1:
            self.beat(
                "stretch-by-g",
                f"g stretches every nudge by its slope, du by dx = {stage.slope.text}: the interval on u is "
                f"{stage.slope.text} times as long, Delta u = {stage.change.text}.",
            )
        else:
            self.beat(
                "stretch-by-f",
                f"f stretches it again, by its slope at the inner value: dy by du = {spoken(stage.slope.formula)} "
                f"= {stage.slope.text} "
                f"at u = {before.at.text}. Delta y = {stage.change.text}; measured, the stretch is "
                f"{stage.stretch.text}, the slope {stage.slope.text} up to the nudge's size.",
            )
        factor = self.factors[index]
        # The nudge above, dropped onto this line and stretched by the slope.
        copy = self.nudges[index - 1][0].copy().set_color(t.grad)
        landed = self._interval(index, stage.at.value, before.change.value, t.grad, offset=COPY_OFFSET)
        stretched = self._interval(
            index, stage.at.value, before.change.value * stage.slope.value, t.grad, offset=COPY_OFFSET
        )
        self.play(ReplacementTransform(copy, landed), run_time=1.2)
        self.play(FadeIn(factor), run_time=0.6)
        self.play(ReplacementTransform(landed, stretched), run_time=1.8)
        nudge = self._nudge_on(index)
        self.play(Create(nudge[0]), GrowFromCenter(nudge[1]), FadeIn(nudge[2]), run_time=1.2)
        self.nudges.append(nudge)
        self.stretched.append(stretched)

    def multiply(self) -> None:
        t = self.theme
        sx, su, sy = self.nudge.stages
        total = self.nudge.total
        self.beat(
            "multiply",
            f"So the nudge on x reaches y stretched {su.slope.text} times, then {sy.slope.text} times: "
            f"{total.text} times in all. The total slope is the product of the slopes, dy by dx = {total.text}.",
        )
        equation = self.math(total.equation(), size=style.LABEL, color=t.grad)
        equation.move_to([0, TOP_ROW_Y, 0]).to_edge(RIGHT, buff=style.EDGE)
        direct = self._interval(0, sx.at.value, sx.change.value, t.highlight)
        across = self._interval(2, sy.at.value, sx.change.value * total.value, t.highlight, offset=COPY_OFFSET)
        self.play(*(FadeOut(m) for m in self.stretched), run_time=0.6)
        self.play(ReplacementTransform(direct, across), run_time=2.0)
        self.play(ReplacementTransform(self.rule, equation), run_time=1.5)
        self.play(Create(style.highlight_box(equation, t.grad)))

    def n_slopes(self) -> None:
        t = self.theme
        n = 4
        nested_tex, factors = core.nested_chain_tex(n)
        boxes = network.backward(self.params).boxes
        self.beat(
            "n-slopes",
            f"With {n} nested functions you get {n} slopes multiplied; the network's loss is {len(boxes)} "
            "functions deep in w 1, so its gradient is a product of five. That is the whole idea behind "
            "backpropagation. Next, we compute one example by hand.",
        )
        self.play(*(FadeOut(m) for m in self.mobjects if m is not self.heading), run_time=1.0)
        nested = self.math(nested_tex, size=style.BODY)
        product = self.math(r"\frac{dy}{dx}", "=", *self._dotted(factors), size=style.BODY)
        for part in product[2::2]:
            part.set_color(t.grad)
        brace_n = Brace(VGroup(*product[2:]), DOWN, buff=style.TIGHT, color=t.grad)
        count_n = self.words(f"{n} functions, {n} slopes", size=style.SMALL, color=t.grad)
        count_n.next_to(brace_n, DOWN, buff=style.TIGHT)
        top = VGroup(nested, product).arrange(DOWN, buff=style.APART)
        loss = self.math(
            r"\frac{\partial L}{\partial w_1}", "=", *self._dotted([b.symbol for b in boxes]), size=style.BODY
        )
        loss[0].set_color(t.grad)
        for part in loss[2::2]:
            part.set_color(t.grad)
        brace_net = Brace(VGroup(*loss[2:]), DOWN, buff=style.TIGHT, color=t.grad)
        count_net = self.words(f"the network: {len(boxes)} slopes", size=style.SMALL, color=t.grad)
        count_net.next_to(brace_net, DOWN, buff=style.TIGHT)
        top.move_to([0, 1.6, 0])
        brace_n.next_to(VGroup(*product[2:]), DOWN, buff=style.TIGHT)
        count_n.next_to(brace_n, DOWN, buff=style.TIGHT)
        loss.next_to(count_n, DOWN, buff=style.APART)
        brace_net.next_to(VGroup(*loss[2:]), DOWN, buff=style.TIGHT)
        count_net.next_to(brace_net, DOWN, buff=style.TIGHT)
        self.play(Write(nested), run_time=1.2)
        self.play(Write(product), run_time=1.5)
        self.play(GrowFromCenter(brace_n), FadeIn(count_n))
        self.play(Write(loss), run_time=1.5)
        self.play(GrowFromCenter(brace_net), FadeIn(count_net))

    @staticmethod
    def _dotted(factors: list[str]) -> list[str]:
        parts: list[str] = []
        for k, factor in enumerate(factors):
            if k:
                parts.append(r"\cdot")
            parts.append(factor)
        return parts
