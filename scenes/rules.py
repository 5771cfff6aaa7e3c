"""06 Three rules you'll need.

The constant, linear and power-with-chain rules, each with a one-line example
(refresher.derivative_rules()); then the sigmoid: its curve and its derivative
curve, the identity sigma'(z) = sigma(z)(1 - sigma(z)) derived step by step
from 1/(1 + e^-z) (refresher.sigmoid_derivation(), each step checked by
sympy), the punchline that the slope comes from the value already computed,
and the network's z1 and z2 marked on the curves with their sigma and sigma'.
"""

from __future__ import annotations

import math
import re

import sympy as sp
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    FadeIn,
    FadeOut,
    VGroup,
    Write,
)

from backprop_core import network
from backprop_core import refresher as core
from backprop_core.descent_view import nice_step
from backprop_core.numbers import fmt, formula_text
from backprop_core.quantity import exact
from scenes import style
from scenes.components import sigmoid_plot
from scenes.components.derivation import Derivation
from scenes.components.sigmoid_plot import SigmoidPlot
from scenes.lesson import LessonScene

# The frame's grid: the left and right edges everything lines up on, the top
# line, the bottom the derivation scrolls before, and the columns in between.
GRID_LEFT_X = -6.5
GRID_RIGHT_X = 6.75
GRID_TOP_Y = 2.3
GRID_BOTTOM_Y = -3.55  # the derivation scrolls up before a line would pass this
MATH = 40  # formulas' size (MathTex reads smaller than Text at the same size)
Z_HALF = 6  # the z-range is [-Z_HALF, Z_HALF] unless z1 or z2 lie further out
Z_STEP = 2  # that range's ticks
GRID_DERIVE_X = -5.6  # the derivation's left edge
TABLE = 34  # the z1 / z2 readouts' size
GRID_TABLE_X = 1.2  # their left edge
GRID_RULE_TEXT_X = -1.9  # each rule's name, example and use start here
GRID_CURVE_LABELS_Y = 1.6  # the curves' names, at the right edge
GRID_IDENTITY_Y = 1.2  # the punchline's identity

# The core's TeX as this section's narration reads it ("sigma prime of z", "e to the minus z"),
# for the descriptions; replaced in order, before fractions and powers are read.
SPOKEN = (
    (r"\frac{d}{dx}\,", "d by dx of "),
    (r"\frac{d}{dz}\,", "d by dz of "),
    (r"\sigma'(z)", "sigma prime of z"),
    (r"\sigma(z)", "sigma of z"),
    ("e^{-z}", "e to the minus z"),
    (r"\left(", "("),
    (r"\right)", ")"),
    (r"\bigl(", "("),
    (r"\bigr)", ")"),
    (r"\cdot", " times "),
    (r"\,", " times "),  # a thin space between factors
)
FRACTION = re.compile(r"\\frac\{([^{}]*)\}\{([^{}]*)\}")
POWERS = (
    (re.compile(r"\^\{?2\}?"), " squared"),
    (re.compile(r"\^\{(\w)-(\w)\}"), r" to the \1 minus \2"),
    (re.compile(r"\^\{-(\w+)\}"), r" to the minus \1"),
    (re.compile(r"\^(\w)"), r" to the \1"),
)


def spoken(tex: str) -> str:
    """A formula of the core's as the narration would say it, for a description."""
    words = tex
    for symbol, word in SPOKEN:
        words = words.replace(symbol, word)
    while FRACTION.search(words):  # innermost first
        words = FRACTION.sub(r"\1 over \2", words)
    for power, word in POWERS:
        words = power.sub(word, words)
    words = words.replace("'", " prime").replace("-", " minus ")
    return formula_text(words).replace("( ", "(")


class RulesScene(LessonScene):
    # The sigmoid plot's numbers at the defaults: its z axis's ticks (the range is said) and the
    # guides' heights at its left edge. A --set that puts z1 or z2 beyond the range widens the
    # axis; its ticks not listed here are said (_ticks_said).
    UNSAID = {
        **{str(z): "a tick on the sigmoid plot's z axis" for z in range(-Z_HALF, Z_HALF + 1, Z_STEP) if z},
        **{fmt(exact(h)): "a guide's height at the sigmoid plot's left edge" for h in sigmoid_plot.LEVELS},
    }

    def construct(self) -> None:
        self.heading = self.title()
        self.add(self.heading)
        self.forward = network.forward(self.params)
        self.z_range, self.z_step = self._z_axis()
        self.rule_rows = VGroup()
        for index, rule in enumerate(core.derivative_rules()):
            self.show_rule(index, rule)
        self.show_sigmoid()
        self.show_sigmoid_slope()
        self.derive()
        self.punchline()
        for z, a in ((self.forward.z1, "a_1"), (self.forward.z2, "a_2")):
            self.mark(z, a)

    def _z_axis(self) -> tuple[tuple[float, float], float]:
        """The z-range shows the sigmoid's bend, widened if the network's z1 or z2 lie further out."""
        reach = max(abs(self.forward.z1.value), abs(self.forward.z2.value)) + 1.0
        half = max(Z_HALF, 2 * math.ceil(reach / 2))
        step = Z_STEP if half == Z_HALF else nice_step(2 * half, 6)
        return (-half, half), int(step) if float(step).is_integer() else step  # whole steps print without decimals

    # -- the three rules -----------------------------------------------------
    NARRATION = (
        (
            "constant-rule",
            "Three small rules cover the rest. The constant rule: a number that doesn't depend on the variable "
            "has slope zero. That is why y, the target, drops out below: it is just a number.",
        ),
        (
            "linear-rule",
            "The linear rule: scale x by a constant a, and the slope is just a. "
            "We use it on the weighted sums, w x plus b.",
        ),
        (
            "power-rule",
            "The power rule, with the chain: bring the exponent down, drop it by one, then multiply by "
            "the derivative of the inside. We use it on the squared loss.",
        ),
    )

    def show_rule(self, index: int, rule: core.Rule) -> None:
        t = self.theme
        name, narration = self.NARRATION[index]
        # The narration says the rule and its use in words; the example is the picture's own.
        described = f"Written with its use and an example: {spoken(rule.example_tex)}."
        with self.beat(name, narration, described):
            formula = self.math(rule.rule_tex, size=MATH, color=t.grad)
            title = self.words(rule.name, size=style.SMALL)
            example = self.math(r"\text{e.g. }", rule.example_tex, size=36)
            note = self.words(rule.note, size=style.SMALL, color=t.muted)
            left = VGroup(formula, title).arrange(DOWN, aligned_edge=LEFT, buff=style.NEAR)
            right = VGroup(example, note).arrange(DOWN, aligned_edge=LEFT, buff=style.NEAR)
            if len(self.rule_rows):
                left.next_to(self.rule_rows[-1], DOWN, buff=style.FAR)
            else:
                left.align_to([0, GRID_TOP_Y + 0.2, 0], UP)
            left.align_to([GRID_LEFT_X, 0, 0], LEFT)
            right.align_to([GRID_RULE_TEXT_X, 0, 0], LEFT)
            right.shift(UP * (formula.get_center()[1] - example.get_center()[1]))
            row = VGroup(left, right)
            self.rule_rows.add(row)
            self.play(Write(formula), FadeIn(title), run_time=1.2)
            self.play(Write(example), run_time=1.2)
            self.play(FadeIn(note, shift=UP * 0.15))

    # -- the sigmoid -----------------------------------------------------------
    def show_sigmoid(self) -> None:
        t = self.theme
        middle = core.sigmoid_at(sp.Integer(0))
        plot = self.plot = SigmoidPlot(t, self.z_range, self.z_step, core.sigmoid, core.sigmoid_prime)
        with self.beat(
            "sigmoid",
            "And the sigmoid, sigma of z equals 1 over 1 plus e to the minus z: it squashes any number "
            "into the range between 0 and 1.",
            described=f"The rules give way to the S-curve on z from {self.z_range[0]} to {self.z_range[1]}"
            f"{self._ticks_said(', ticked at ')}, rising through {middle.sigma.text} at z = {middle.z.text}.",
        ):
            self.play(FadeOut(self.rule_rows), run_time=0.8)
            label = self.math(r"\sigma(z) = " + core.SIGMOID_TEX, size=MATH, color=t.curve)
            label.move_to([0, GRID_CURVE_LABELS_Y, 0]).align_to([GRID_RIGHT_X, 0, 0], RIGHT)
            self.play(Create(plot.axes), FadeIn(plot.z_name), run_time=1.5)
            self.play(Create(plot.sigma_curve), Write(label), run_time=2)
            self.curve_labels = VGroup(label)

    def _ticks_said(self, lead: str) -> str:
        """The z axis's ticks that UNSAID does not list (the axis widened for a far-out z1 or z2),
        after ``lead``, to say; "" at the usual range."""
        ticks = [f"{n.get_value():g}" for n in self.plot.axes.x_axis.numbers]
        extra = [tick for tick in ticks if tick not in self.UNSAID]
        if not extra:
            return ""
        return lead + (f"{', '.join(extra[:-1])} and {extra[-1]}" if len(extra) > 1 else extra[0])

    def show_sigmoid_slope(self) -> None:
        t = self.theme
        peak = core.sigmoid_at(sp.Integer(0))
        with self.beat(
            "sigmoid-slope",
            f"Its slope, sigma prime, is a hump: largest at z = {peak.z.text}, where it is {peak.sigma_prime.text}, "
            "and nearly flat far out on either side.",
            described="The hump is drawn low under the S, a dot on its peak, labelled.",
        ):
            label = self.math(r"\sigma'(z)", size=MATH, color=t.grad)
            label.next_to(self.curve_labels[0], DOWN, buff=style.APART).align_to(self.curve_labels[0], LEFT)
            peak_dot = self.plot.dot(peak.z.value, peak.sigma_prime.value, t.grad, radius=0.07)
            peak_tag = self.math(
                r"\sigma'(" + peak.z.text + ")", "=", peak.sigma_prime.text, size=style.LABEL, color=t.grad
            )
            peak_tag.next_to(label, DOWN, buff=style.NEAR).align_to(label, LEFT)
            self.play(Create(self.plot.prime_curve), Write(label), run_time=2)
            self.play(FadeIn(peak_dot, scale=2), FadeIn(peak_tag))
            self.curve_labels.add(label, peak_tag)
            self.peak_dot = peak_dot

    # -- the derivation ----------------------------------------------------------
    def _add_step(self, latex: str) -> None:
        line = self.derivation.line(latex)
        while scroll := self.derivation.make_room(line):
            self.play(*scroll, run_time=0.8)
        self.play(Write(line), run_time=1.4)
        self.derivation.add(line)

    DERIVE_BEATS = (
        (
            "derive-power",
            "Where does that come from? Write sigma as 1 plus e to the minus z, to the power minus 1, "
            "and use the power rule with the chain.",
            2,
        ),
        (
            "derive-split",
            "Tidy up, then split the fraction into two factors: one over 1 plus e to the minus z, "
            "times e to the minus z over the same.",
            4,
        ),
        (
            "derive-spot-sigma",
            "The second factor is 1 minus the first. And the first factor is sigma itself. "
            "Each step here is checked by sympy.",
            6,
        ),
    )

    def derive(self) -> None:
        steps = core.sigmoid_derivation()
        self.derivation = Derivation(GRID_DERIVE_X, GRID_TOP_Y, GRID_BOTTOM_Y, font_size=MATH, color=self.theme.text)
        done = 0
        for index, (name, narration, upto) in enumerate(self.DERIVE_BEATS):
            # The narration reads all of a beat's lines but one (the second beat's first, the others'
            # last): that one is said.
            unread = spoken(steps[done if index == 1 else upto - 1][0]).removeprefix("= ")
            described = (
                f"The curves give way to the derivation, its first line as said, then = {unread}.",
                f"Tidied: = {unread}, then the split as said.",
                f"Two lines more, as said, ending = {unread}.",
            )[index]
            with self.beat(name, narration, described):
                if index == 0:
                    self.play(*(FadeOut(m) for m in self._curves()), run_time=0.8)
                for latex, _ in steps[done:upto]:
                    self._add_step(latex)
                done = upto
                if index == len(self.DERIVE_BEATS) - 1:
                    checked = self.words("each step checked equal by sympy", size=style.SMALL, color=self.theme.muted)
                    self.steps_note = checked.to_corner(DOWN + RIGHT, buff=style.EDGE)
                    self.play(FadeIn(checked))

    def _curves(self) -> tuple:
        p = self.plot
        return (p.axes, p.sigma_curve, p.prime_curve, self.curve_labels, self.peak_dot, p.z_name)

    def punchline(self) -> None:
        t = self.theme
        with self.beat(
            "punchline",
            "So sigma prime is sigma times 1 minus sigma. The forward pass already computed a = sigma of z, "
            "so the slope costs almost nothing: a times 1 minus a, no new exponentials.",
            described="The identity alone, large and boxed, over the words: the slope comes from the value already "
            "computed; then the same in a.",
        ):
            lines = self.derivation
            self.play(*(FadeOut(m) for m in lines.between), FadeOut(self.steps_note), run_time=0.8)
            identity = self.math(r"\sigma'(z)", "=", core.SIGMOID_PRIME_TEX, size=style.TITLE)
            identity[0].set_color(t.grad)
            identity.move_to([0, GRID_IDENTITY_Y, 0])
            self.play(FadeOut(lines.first), FadeOut(lines.last), FadeIn(identity), run_time=1.2)
            box = style.highlight_box(identity, t.grad, buff=style.TIGHT)
            self.play(Create(box))
            words = self.words("the slope comes from the value already computed", size=style.BODY)
            words.next_to(box, DOWN, buff=style.APART)
            in_a = self.math(
                "a", "=", r"\sigma(z)", r"\quad\Rightarrow\quad", r"\sigma'(z)", "=", "a(1 - a)", size=MATH
            )
            in_a[0].set_color(t.a)
            in_a[4].set_color(t.grad)
            in_a.next_to(words, DOWN, buff=style.APART)
            self.play(FadeIn(words, shift=UP * 0.2))
            self.play(Write(in_a), run_time=1.5)
            self.punch = VGroup(identity, box, words, in_a)

    # -- the network's z1 and z2 on the curves -------------------------------------
    def _readout_rows(self, point, a_symbol: str, saturated: bool) -> VGroup:
        """z = ..., a = sigma(z) = ..., sigma'(z) = working = ...: the block at the right."""
        t, z = self.theme, point.z.symbol
        prime = self.math(rf"\sigma'({z})", "=", point.sigma_prime.substituted, "=", point.sigma_prime.text, size=TABLE)
        if saturated or prime.width > GRID_RIGHT_X - GRID_TABLE_X:  # far-out z: keep the value, drop the working
            prime = self.math(rf"\sigma'({z})", "=", point.sigma_prime.text, size=TABLE)
        rows = VGroup(
            self.math(z, "=", point.z.text, size=TABLE),
            self.math(a_symbol, "=", rf"\sigma({z})", "=", point.sigma.text, size=TABLE),
            prime,
        )
        for row, color in zip(rows, (t.z, t.a, t.grad)):
            row[0].set_color(color)
        rows.arrange(DOWN, aligned_edge=LEFT, buff=style.NEAR)
        if len(self.table):
            return rows.next_to(self.table[-1], DOWN, buff=style.APART).align_to([GRID_TABLE_X, 0, 0], LEFT)
        rows.move_to([0, GRID_TOP_Y - 0.2, 0]).align_to([GRID_TABLE_X, 0, 0], LEFT)
        return rows.align_to([0, GRID_TOP_Y + 0.3, 0], UP)

    def _curves_back(self) -> None:
        self.play(FadeOut(self.punch), run_time=0.8)
        curves = (self.plot.axes, self.plot.sigma_curve, self.plot.prime_curve, self.plot.z_name)
        self.play(*(FadeIn(m) for m in curves), run_time=1.2)
        self.table = VGroup()

    def mark(self, z, a_symbol: str) -> None:
        point = core.sigmoid_at(z.exact, z.symbol, a_symbol)
        first = a_symbol == "a_1"
        # A saturated sigma prints as 1.000: "1.000 times 1 minus 1.000" would read as zero,
        # while the slope is tiny but not zero. Then the working is left out, said and shown.
        saturated = point.sigma.text == fmt(1)
        working = "" if saturated else f"{point.sigma.text} times 1 minus {point.sigma.text}, which is "
        name = z.symbol.replace("_", " ")
        if first:
            described = (
                f"The curves return{self._ticks_said(', the z axis ticked at ')}; a dashed line rises from {name} "
                "to a dot on the S and one on the hump, the values said at the top right."
            )
        else:
            before = self.marked
            apart = abs(self.plot.axes.c2p(z.value, 0)[0] - self.plot.axes.c2p(before.value, 0)[0])
            where = (
                "almost on top of"
                if apart < 2 * sigmoid_plot.MARK_RADIUS  # the dots overlap
                else ("right" if z.value > before.value else "left") + " of"
            )
            described = (
                f"A second dashed line and its dots, at {name}, {where} {before.symbol.replace('_', ' ')}'s; "
                "its readouts under the first."
            )
        with self.beat(
            "mark-" + z.symbol.replace("_", ""),
            f"In the network, {z.symbol.replace('_', ' ')} = {point.z.text}: sigma gives "
            f"{a_symbol.replace('_', ' ')} = {point.sigma.text}, and the slope there is "
            f"{working}{point.sigma_prime.text}.",
            described,
        ):
            if first:
                self._curves_back()
            drop, dots, tag = self.plot.mark(point, LEFT if first else RIGHT)
            rows = self._readout_rows(point, a_symbol, saturated)
            self.play(Create(drop), FadeIn(tag), run_time=1.0)
            self.play(FadeIn(dots[0], scale=2), FadeIn(rows[0]), FadeIn(rows[1]), run_time=1.0)
            self.play(FadeIn(dots[1], scale=2), FadeIn(rows[2]), run_time=1.0)
            self.table.add(rows)
        self.marked = z
