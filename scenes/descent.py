"""10 Descent: the update, again and again.

Back to section 01's picture, now for the network: the loss L as a function
of w1 alone (every other parameter held), the tangent at the current w1 with
slope dL/dw1, and several updates w1 <- w1 - eta dL/dw1, the point rolling
down the curve while the loss falls. Every number comes from
backprop_core.network.descent (via backprop_core.descent_view, which also
picks a plot window from the trajectory so the small steps are visible).
"""

from __future__ import annotations

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Axes,
    Create,
    Dot,
    FadeIn,
    FadeOut,
    Polygon,
    ReplacementTransform,
    ValueTracker,
    VGroup,
    Write,
    config,
    smooth,
)

from backprop_core import descent_view as core
from backprop_core.network import loss_of_w1
from backprop_core.numbers import fmt, fmt_fixed, tex_scale
from backprop_core.quantity import exact
from scenes import checks, style
from scenes.components.readout import Readout
from scenes.components.tangent import tangent_at
from scenes.lesson import LessonScene

TANGENT_LENGTH = 2.4  # on screen, in frame units
DOT_RADIUS = 0.09
PLOT_SAMPLES = 120


def listed(items: list[str]) -> str:
    """ "0.4, 0.5 and 0.6", for a description."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


class DescentScene(LessonScene):
    def construct(self) -> None:
        self.view = core.view(self.params)
        self.show_loss_curve()
        self.show_overview()
        self.show_tangent()
        self.show_rule()
        for step in self.view.steps:
            self.take_step(step)
        self.sum_up()

    # ------------------------------------------------------------------
    def show_loss_curve(self) -> None:
        t, v = self.theme, self.view
        first = v.points[0]
        wa, la = v.w_axis, v.L_axis
        self.axes = Axes(
            x_range=wa.range,
            y_range=la.range,
            x_length=6.0,
            y_length=4.7,
            tips=False,
            axis_config={
                "color": t.muted,
                "include_numbers": True,
                "font_size": style.SMALL,
            },
            x_axis_config={"decimal_number_config": {"num_decimal_places": wa.places}},
            y_axis_config={"decimal_number_config": {"num_decimal_places": la.places}},
        ).to_corner(DOWN + LEFT, buff=style.APART)
        # The ticks as the screen shows them: the window follows the parameters.
        ticks = [listed([checks.text_of(n) for n in axis.numbers]) for axis in (self.axes.x_axis, self.axes.y_axis)]
        with self.beat(
            "loss-curve",
            "Back to section 01: a derivative is a slope, and the slope tells you which way is downhill. "
            "Here is the network's loss L as a function of w1 alone, every other parameter held still.",
            described=f"The w₁ axis is marked {ticks[0]}; the L axis {ticks[1]}.",
        ):
            axes = self.axes
            self.curve = axes.plot(
                lambda w: loss_of_w1(self.params, w),
                x_range=[wa.low, wa.high, (wa.high - wa.low) / PLOT_SAMPLES],
                color=t.curve,
                stroke_width=5,
            )
            x_label = self.math("w_1", color=t.w, size=style.LABEL).next_to(axes.x_axis, RIGHT, buff=style.TIGHT)
            x_label.shift(UP * 0.3)
            y_label = self.math("L", color=t.L, size=style.LABEL).next_to(axes.y_axis, UP, buff=style.TIGHT)
            label = self.words("L against w₁, the others held", size=style.SMALL, color=t.curve)
            label.next_to(y_label, RIGHT, buff=style.NEAR)
            self.add(self.title())
            self.play(Create(axes), FadeIn(x_label), FadeIn(y_label), run_time=1.5)
            self.play(Create(self.curve), FadeIn(label), run_time=2)
            self.w = ValueTracker(first.w1)

    def _overview(self) -> tuple[Axes, VGroup, Polygon, VGroup]:
        """The whole curve, small, in the plot's upper corner away from the steps, with a box where we are."""
        t, v = self.theme, self.view
        ow, ol = v.overview_w, v.overview_L
        inset = Axes(
            x_range=[ow.low, ow.high, ow.step],
            y_range=[ol.low, ol.high, ol.step],
            x_length=2.3,
            y_length=1.3,
            tips=False,
            axis_config={"color": t.muted, "stroke_width": 2, "include_ticks": False},
        )
        right = self._inset_right()
        corner = self.axes.c2p(v.w_axis.high if right else v.w_axis.low, v.L_axis.high)
        inset.move_to(corner, aligned_edge=UP + (RIGHT if right else LEFT))
        inset.shift((LEFT if right else RIGHT) * 0.3 + DOWN * 0.15)
        curve = inset.plot(v.loss, x_range=[ow.low, ow.high, (ow.high - ow.low) / 100], color=t.curve, stroke_width=3)
        # The zoomed window, clipped to the inset: a flat loss (a zero or vanishing
        # slope) gives a window taller than the whole curve's.
        w_lo, w_hi = max(v.w_axis.low, ow.low), min(v.w_axis.high, ow.high)
        L_lo, L_hi = max(v.L_axis.low, ol.low), min(v.L_axis.high, ol.high)
        corners = ((w_lo, L_lo), (w_hi, L_lo), (w_hi, L_hi), (w_lo, L_hi))
        box = Polygon(*(inset.c2p(w, L) for w, L in corners), color=t.text, stroke_width=2)
        note = self.words("whole curve", size=style.SMALL, color=t.muted).next_to(inset, DOWN, buff=style.TIGHT)
        return inset, curve, box, note

    def _inset_right(self) -> bool:
        """The inset takes the plot's upper right when the loss falls to the right (the curve is high at the left)."""
        return self.view.points[0].slope < 0

    def show_overview(self) -> None:
        v = self.view
        with self.beat(
            "zoomed-in",
            f"This plot is zoomed in around the steps: with eta = {v.lr.text} "
            f"{'each step is small' if v.small_steps else 'the steps are big'}. "
            f"The small picture shows the whole curve from w1 = {fmt(exact(v.overview_w.low))} "
            f"to {fmt(exact(v.overview_w.high))}, "
            "with a box where we are.",
            described="",  # the narration says where the small picture is from and what its box marks
        ):
            inset, curve, box, note = self._overview()
            self.play(Create(inset), Create(curve), FadeIn(note), run_time=1.5)
            self.play(Create(box))

    def _readouts(self) -> VGroup:
        """w1, L and dL/dw1 following the point: w1 and L side by side, the slope under them."""
        t, v = self.theme, self.view
        # Each laid out at its widest stop; a tiny value reads as its digits times a power of ten.
        w = self.w.get_value
        self.readout_rows = w1, loss, slope = tuple(
            Readout(tex, fn, color=color, size=style.LABEL, stops=[getattr(pt, stop) for pt in v.points])
            for tex, fn, stop, color in (
                ("w_1", w, "w1", t.w),
                ("L", lambda: v.loss(w()), "loss", t.L),
                (r"\frac{\partial L}{\partial w_1}", lambda: v.slope(w()), "slope", t.grad),
            )
        )
        rows = VGroup(VGroup(w1, loss).arrange(RIGHT, buff=style.FAR), slope)
        rows.arrange(DOWN, aligned_edge=LEFT, buff=style.NEAR)
        rows.next_to(self.axes, RIGHT, buff=style.FAR).align_to(self.axes, UP)
        style.fit_width(rows, config.frame_width / 2 - style.EDGE - rows.get_left()[0], keep_left=True)
        rows.update()  # the readouts from their widest stop to where w1 is now
        return rows

    def readings(self, w1: float, named: bool = True) -> str:
        """What the readouts show with the point at w1, as a description says it (once named, values only)."""
        v = self.view
        shown = [
            (fmt_fixed(value, exponent=r.exponent) + " " + tex_scale(r.exponent)).strip()
            for r, value in zip(self.readout_rows, (w1, v.loss(w1), v.slope(w1)))
        ]
        if not named:
            return listed(shown)
        return f"w₁ = {shown[0]}, L = {shown[1]} and ∂L/∂w₁ = {shown[2]}"

    def show_tangent(self) -> None:
        t, v = self.theme, self.view
        first = v.points[0]
        self.tangent, self.dot = tangent_at(self.axes, self.w, v.loss, v.slope, TANGENT_LENGTH, t, DOT_RADIUS)
        self.readouts = self._readouts()
        with self.beat(
            "the-tangent",
            f"We are at w1 = {v.steps[0].w1_before.text}, where the loss is {fmt(first.loss)}. "
            f"The tangent there has slope dL/dw1 = {fmt(first.slope)}: the number backprop just computed.",
            described=f"A dot on the curve, its tangent through it; readouts, rounded: {self.readings(first.w1)}.",
        ):
            self.play(FadeIn(self.dot), Create(self.tangent), FadeIn(self.readouts), run_time=1.5)

    def show_rule(self) -> None:
        t, v = self.theme, self.view
        sign = {"up": "negative", "down": "positive", "nowhere": "zero"}[v.steps[0].w1_went]
        moves = {"up": "grows", "down": "shrinks", "nowhere": "stays where it is"}[v.steps[0].w1_went]
        with self.beat(
            "the-update-rule",
            f"The update steps against the slope: w1 becomes w1 minus eta times dL/dw1, with eta = {v.lr.text}. "
            f"The slope is {sign}, so w1 {moves}.",
            described="",  # the narration reads the rule and eta as they are written
        ):
            rule = self.math(r"w_1 \leftarrow w_1 - \eta\,\frac{\partial L}{\partial w_1}", size=style.LABEL)
            rule[0][0:2].set_color(t.w)
            eta = self.math(r"\eta = " + v.lr.text, size=style.LABEL)
            block = VGroup(rule, eta).arrange(RIGHT, buff=style.APART)
            block.next_to(self.readouts, DOWN, aligned_edge=LEFT, buff=style.APART)
            self.rule_block = block
            self.play(Write(rule))
            self.play(FadeIn(eta))
            self.step_block = None
            self.trail = VGroup()

    def take_step(self, step: core.Step) -> None:
        t, v = self.theme, self.view
        before, after = step.before, step.after
        change = fmt(step.loss_change, sign=step.loss_went == "up")
        moved = (  # the first step says what moves; the later ones that it moves again
            f"Step {step.number} of {len(v.steps)}: the dot slides along the curve with its tangent, "
            "leaving a faint dot where it was"
            if step.number == 1
            else f"Step {step.number} of {len(v.steps)}: the dot moves on"
        )
        with self.beat(
            f"step-{step.number}",
            self.step_said(step),
            described=f"{moved}; readouts {self.readings(after.w1, named=False)}; ΔL = {change}.",
        ):
            counter = self.words(f"step {step.number} of {len(v.steps)}", size=style.SMALL, color=t.muted)
            equation = self.math(step.w1.symbol, r"\leftarrow", step.w1.substituted, size=style.LABEL)
            result = self.math("=", step.w1.text, size=style.LABEL)
            result.next_to(equation[1], DOWN, aligned_edge=LEFT, buff=style.TIGHT)
            equation[0].set_color(t.w)
            result[1].set_color(t.w)
            loss_line = self.math(
                r"L:\ " + fmt(before.loss) + r" \to " + fmt(after.loss),
                size=style.LABEL,
                color=t.L,
            )
            delta = self.math(r"\Delta L = " + change, size=style.LABEL, color=t.L)
            change_line = VGroup(loss_line, delta)
            if step.loss_went == "up":  # shown, not only said: this step made the loss worse
                change_line.add(self.words("up: overshot", size=style.SMALL, color=t.L))
            change_line.arrange(RIGHT, buff=style.APART)
            block = VGroup(counter, VGroup(equation, result), change_line).arrange(
                DOWN, aligned_edge=LEFT, buff=style.NEAR
            )
            block.next_to(self.rule_block, DOWN, aligned_edge=LEFT, buff=style.APART)
            style.fit_width(block, config.frame_width / 2 - style.EDGE - block.get_left()[0], keep_left=True)
            ghost = Dot(self.axes.c2p(before.w1, before.loss), color=t.muted, radius=0.06)
            self.trail.add(ghost)
            if self.step_block is None:
                self.play(FadeIn(block[:2]))
            else:
                self.play(ReplacementTransform(self.step_block[:2], block[:2]), FadeOut(self.step_block[2:]))
            self.add(ghost)
            self.play(self.w.animate.set_value(after.w1), run_time=2, rate_func=smooth)
            self.play(FadeIn(block[2:]))
            self.step_block = block

    def step_said(self, step: core.Step) -> str:
        v = self.view
        said = (
            f"Step {step.number}: w1 becomes {step.w1_before.text} minus {v.lr.text} times {step.slope.text}, "
            f"which is {step.w1.text}. "
        )
        before, after = fmt(step.before.loss), fmt(step.after.loss)
        if step.loss_went == "nowhere":
            return said + f"The loss stays at {before}."
        said += f"The loss {'falls' if step.loss_went == 'down' else 'rises'} from {before} to {after}"
        if before == after:  # the change hides below the loss's printed digits
            said += f", by only {fmt(abs(step.loss_change))}"
        if step.loss_went == "up":
            said += ": the loss went up. The step was too big and overshot the lowest point"
        return said + "."

    def sum_up(self) -> None:
        t, v = self.theme, self.view
        first, last = v.points[0], v.points[-1]
        change = {"down": "fell", "up": "rose", "nowhere": "stayed"}[v.loss_went]
        moved = (
            "" if v.steps_visible else " The slope is so small that the steps barely move: the sigmoid is saturated."
        )
        overshot = (
            f" {len(v.overshoots)} of the steps overshot, so the learning rate is too big here." if v.overshoots else ""
        )
        hidden = fmt(first.loss) == fmt(last.loss) and v.loss_went != "nowhere"  # below the printed digits
        by_only = f", by only {fmt(abs(v.loss_change))}" if hidden else ""
        with self.beat(
            "training",
            f"After {len(v.steps)} steps, w1 went from {v.steps[0].w1_before.text} to {v.steps[-1].w1.text} "
            f"and the loss {change} from {fmt(first.loss)} to {fmt(last.loss)}{by_only}.{moved}{overshot} "
            "Forward, backward, update, repeated: that is training.",
            described=f"The step gives way to that summary{f', ΔL = {fmt(v.loss_change)}' if hidden else ''}; "
            f"{len(v.steps)} faint dots along the curve mark where the steps began.",
        ):
            summary = self.math(
                r"L:\ " + fmt(first.loss) + r" \to " + fmt(last.loss),
                r"\quad (" + str(len(v.steps)) + r"\text{ steps})",
                size=style.BODY,
                color=t.L,
            )
            summary.next_to(self.rule_block, DOWN, aligned_edge=LEFT, buff=style.APART)
            room = lambda mob: config.frame_width / 2 - style.EDGE - mob.get_left()[0] - 0.05  # noqa: E731
            style.fit_width(summary, room(summary), keep_left=True)
            below = summary
            if hidden:
                # The loss moved less than its printed digits: the change itself, on a line of its own.
                delta = self.math(r"\Delta L = " + fmt(v.loss_change), size=style.LABEL, color=t.L)
                delta.next_to(summary, DOWN, aligned_edge=LEFT, buff=style.TIGHT)
                summary = VGroup(summary, delta)
                below = delta
            loop = self.words("forward, backward, update,\nand again", size=style.SMALL)
            loop.next_to(below, DOWN, aligned_edge=LEFT, buff=style.NEAR)
            style.fit_width(loop, room(loop), keep_left=True)
            self.play(FadeOut(self.step_block), FadeIn(summary), FadeIn(loop))
