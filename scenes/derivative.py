"""01 What's a derivative, again?

The tangent line sweeps along f(x) = 1/2 x^2 - x + 1.5 while x, f(x) and
f'(x) read out live: the slope is positive going uphill, zero at the bottom of
the bowl, negative going downhill. The sweep stops at x = 2 and the tangent
predicts f(2.1), which a zoomed view compares with the true value.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Axes,
    Create,
    FadeIn,
    FadeOut,
    ReplacementTransform,
    ValueTracker,
    VGroup,
    Write,
    smooth,
)

from backprop_core import refresher as core
from backprop_core.numbers import fmt_fixed, formula_caption
from scenes import style
from scenes.components.readout import Readout, Readouts
from scenes.components.tangent import tangent_at
from scenes.lesson import LessonScene

TANGENT_LENGTH = 3.0  # on screen, in frame units
DOT_RADIUS = 0.08


class DerivativeScene(LessonScene):
    # The plot's axis numbers (the curve's range is fixed; no --set moves them).
    UNSAID = {tick: "a tick on the plot's axes" for tick in ("-1", "1", "2", "3")}

    def construct(self) -> None:
        self.show_curve()
        self.show_tangent()
        self.sweep_through_slopes()
        self.stop_and_predict()
        self.compare_with_truth()

    # ------------------------------------------------------------------
    def show_curve(self) -> None:
        t = self.theme
        lo, hi = core.DERIVATIVE_X_RANGE
        with self.beat(
            "the-curve",
            "A derivative is the slope of a function: how much its output changes "
            "when you nudge its input. Here is f of x equals one half x squared, minus x, plus 1.5.",
            described="The curve is drawn on axes, a bowl, its formula above it.",
        ):
            top = max(core.parabola(lo), core.parabola(hi))
            self.axes = Axes(
                x_range=[lo, hi + 0.5, 1],
                y_range=[0, np.ceil(top) + 0.5, 1],
                x_length=6.2,
                y_length=4.8,
                tips=False,
                axis_config={"color": t.muted, "include_numbers": True, "font_size": style.SMALL},
            ).to_corner(DOWN + LEFT, buff=style.APART)
            self.curve = self.axes.plot(core.parabola, x_range=[lo, hi], color=t.curve, stroke_width=5)
            label = self.math(r"f(x) = " + core.PARABOLA_TEX, color=t.curve, size=style.LABEL)
            label.next_to(self.axes, UP, buff=style.TIGHT)
            self.curve_label = label
            self.add(self.title())
            self.play(Create(self.axes), run_time=1.5)
            self.play(Create(self.curve), Write(label), run_time=2)

    def show_tangent(self) -> None:
        t = self.theme
        start = core.DERIVATIVE_X_RANGE[1] - 0.2
        with self.beat(
            "the-tangent",
            "The tangent is the line that just kisses the curve. Its slope is f prime of x, "
            "which for this curve is x minus 1.",
            described=f"A tangent touches the curve at a dot; readouts: x = {fmt_fixed(start)}, "
            f"f(x) = {fmt_fixed(core.parabola(start))}, f'(x) = {fmt_fixed(core.parabola_slope(start))}.",
        ):
            self.x = ValueTracker(start)
            self.tangent, self.dot = tangent_at(
                self.axes, self.x, core.parabola, core.parabola_slope, TANGENT_LENGTH, t, DOT_RADIUS
            )

            # Live readouts, right of the plot.
            x = self.x.get_value
            rows = Readouts(
                [
                    Readout("x", x, color=t.x),
                    Readout("f(x)", lambda: core.parabola(x()), color=t.curve),
                    Readout("f'(x)", lambda: core.parabola_slope(x()), color=t.grad),
                ],
                buff=style.NEAR,
            )
            rows.next_to(self.axes, RIGHT, buff=style.FAR).align_to(self.curve_label, UP)
            self.readouts = rows
            slope_rule = self.math(r"f'(x) = " + core.PARABOLA_SLOPE_TEX, color=t.grad, size=style.LABEL)
            slope_rule.next_to(rows, DOWN, aligned_edge=LEFT, buff=style.APART)
            self.slope_rule = slope_rule
            self.play(FadeIn(self.dot), Create(self.tangent), rows.show(), run_time=1.5)
            self.play(Write(slope_rule))

    def sweep_through_slopes(self) -> None:
        t = self.theme
        lo, _ = core.DERIVATIVE_X_RANGE
        bottom = core.parabola_minimum()
        # Each stop: its beat, x, the sign shown, the narration and the description.
        stops = [
            (
                "slope-positive",
                self.x.get_value(),
                "slope > 0: uphill",
                f"Where the curve goes up, the slope is positive: at x = {fmt_fixed(self.x.get_value())} "
                f"it is {fmt_fixed(core.parabola_slope(self.x.get_value()))}.",
                "A label: slope greater than zero, uphill.",
            ),
            (
                "slope-zero",
                bottom,
                "slope = 0: bottom of the bowl",
                f"At the bottom of the bowl, x = {fmt_fixed(bottom)}, the slope is zero. "
                "That is what training a network is after: weights where the loss has zero slope.",
                f"The dot slides down, the tangent flat, f(x) = {fmt_fixed(core.parabola(bottom))}; the label: "
                "bottom of the bowl.",
            ),
            (
                "slope-negative",
                lo + 0.3,
                "slope < 0: downhill",
                f"Where the curve goes down, the slope is negative: at x = {fmt_fixed(lo + 0.3)} "
                f"it is {fmt_fixed(core.parabola_slope(lo + 0.3))}.",
                f"The dot climbs the left side, f(x) = {fmt_fixed(core.parabola(lo + 0.3))}; the label: slope less "
                "than zero, downhill.",
            ),
        ]
        sign = None
        for name, x_stop, words, narration, described in stops:
            with self.beat(name, narration, described):
                if abs(self.x.get_value() - x_stop) > 1e-9:
                    self.play(self.x.animate.set_value(x_stop), run_time=3, rate_func=smooth)
                new_sign = self.words(words, size=style.LABEL, color=t.grad)
                new_sign.next_to(self.slope_rule, DOWN, aligned_edge=LEFT, buff=style.NEAR)
                self.play(FadeIn(new_sign) if sign is None else ReplacementTransform(sign, new_sign))
                sign = new_sign
        self.sign = sign

    def stop_and_predict(self) -> None:
        t = self.theme
        p = core.derivative_prediction(self.params.derivative_x)
        self.prediction = p
        with self.beat(
            "stop-at-x",
            f"Let's stop at x = {p.x.text}. There f of x is {p.fx.text} and the slope is {p.slope.text}.",
            described="The dot slides there and the slope's label fades.",
        ):
            self.play(self.x.animate.set_value(p.x.value), FadeOut(self.sign), run_time=3, rate_func=smooth)

        with self.beat(
            "predict",
            f"The slope predicts the next value. A step of {p.dx.text} should change f by about "
            f"{p.slope.text} times {p.dx.text}: f of {fmt_fixed(p.x.value + p.dx.value)} is about {p.predicted.text}.",
            described=f"Written: f(x + Δx) ≈ f(x) + f'(x) Δx, here {formula_caption(p.predicted.substituted)}.",
        ):
            rule = self.math(r"f(x + \Delta x) \approx f(x) + f'(x)\,\Delta x", size=style.LABEL)
            guess = self.math(p.predicted.symbol, r"\approx", p.predicted.substituted, size=style.LABEL)
            result = self.math("=", p.predicted.text, size=style.LABEL)
            result[-1].set_color(t.grad)
            result.next_to(guess[1], DOWN, aligned_edge=LEFT, buff=style.TIGHT)
            guess = VGroup(guess, result)
            block = VGroup(rule, guess).arrange(DOWN, aligned_edge=LEFT, buff=style.NEAR)
            block.next_to(self.slope_rule, DOWN, aligned_edge=LEFT, buff=style.APART)
            self.play(Write(rule))
            self.play(Write(guess))
            self.predict_block = block

    def compare_with_truth(self) -> None:
        t = self.theme
        p = self.prediction
        with self.beat(
            "compare",
            f"The true value is f of {fmt_fixed(p.x.value + p.dx.value)} = {p.actual.text}. "
            f"The tangent was off by only {p.error.text}: for a small step, the slope is all you need.",
            described="Both values are boxed, one under the other.",
        ):
            truth = self.math(p.actual.symbol, "=", p.actual.text, size=style.LABEL, color=t.curve)
            error = self.math(r"\text{off by }", p.error.text, size=style.LABEL)
            truth.next_to(self.predict_block, DOWN, aligned_edge=LEFT, buff=style.NEAR)
            error.next_to(truth, DOWN, aligned_edge=LEFT, buff=style.TIGHT)
            self.play(Write(truth), FadeIn(error))
            self.play(
                Create(style.highlight_box(self.predict_block[1][1][-1], t.grad)),
                Create(style.highlight_box(truth[-1], t.curve)),
            )
