"""The closing descent, ready to plot: the steps, their update equations, and a window.

``network.descent`` gives w1, L and dL/dw1 before each update. With the
lesson's eta = 1 a step moves w1 by only a few hundredths, so a plot of L over
a wide range of w1 would show no motion; ``view`` picks the plot window from
the trajectory itself (its span, padded) so each step is visible, with tick
steps of 1, 2 or 5 times a power of ten.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import mpmath
import numpy as np

from .network import DescentPoint, descent, direction
from .numbers import tex_factor
from .params import Params
from .quantity import Quantity, exact

STEPS = 5
# Padding around the trajectory, as a fraction of its span (each side).
W_PAD = 0.6
L_PAD = 0.25
TICKS = 4  # about this many ticks per axis
# The overview (the whole curve, for context): this far either side of the steps.
OVERVIEW_HALF_WIDTH = 4.0
# Narrowest windows: with a saturated sigmoid the steps move w1 by 1e-9 and the
# loss by less; a window that narrow would need tick labels of ten places. The
# steps then sit on one spot, and the scene says so (``View.steps_visible``).
MIN_W_SPAN = 1e-4
MIN_L_SPAN = 1e-4
# A step is visible when it moves the point this share of the window's width.
VISIBLE_SHARE = 0.02


@dataclass(frozen=True)
class Axis:
    low: float
    high: float
    step: float  # tick step
    places: int  # decimal places the tick labels need

    @property
    def range(self) -> list[float]:
        return [self.low, self.high, self.step]


def nice_step(span: float, ticks: int = TICKS) -> float:
    """1, 2 or 5 times a power of ten, giving about ``ticks`` ticks over ``span``."""
    if span <= 0:
        raise ValueError(f"span must be positive, got {span}")
    raw = span / ticks
    power = 10.0 ** math.floor(math.log10(raw))
    for m in (1.0, 2.0, 5.0, 10.0):
        if raw <= m * power * 1.0000001:
            return m * power
    return 10.0 * power  # pragma: no cover


def axis_around(low: float, high: float, pad: float, min_span: float = 1e-9) -> Axis:
    """An axis covering [low, high] plus ``pad`` of the span on each side, on tick multiples;
    a span under ``min_span`` is widened to it, around its middle."""
    if high - low < min_span:
        middle = (low + high) / 2
        low, high = middle - min_span / 2, middle + min_span / 2
    span = high - low
    step = nice_step(span * (1 + 2 * pad))
    lo = math.floor((low - pad * span) / step) * step
    hi = math.ceil((high + pad * span) / step) * step
    places = max(0, -math.floor(math.log10(step) + 1e-9))
    return Axis(round(lo, places + 2), round(hi, places + 2), step, places)


@dataclass(frozen=True)
class Step:
    """One update: from ``before`` to ``after``, with w1's update as an equation."""

    number: int
    params: Params
    before: DescentPoint
    after: DescentPoint
    w1: Quantity  # w1_new = w1 - eta * slope, with the numbers in
    w1_before: Quantity  # w1 before the step, as printed in the equation
    slope: Quantity  # dL/dw1 before the step

    @property
    def loss_change(self) -> float:
        """L after minus L before, computed with 50 digits: a saturated sigmoid's
        step changes the loss far below a float's resolution of L itself."""
        return precise_loss_change(self.params, self.before.w1, self.after.w1)

    @property
    def loss_went(self) -> str:
        """ "down", "up" (the step overshot) or "nowhere", from the sign of the change."""
        return direction(self.loss_change)

    @property
    def w1_went(self) -> str:
        return direction(self.after.w1 - self.before.w1)


@dataclass(frozen=True)
class View:
    params: Params
    points: tuple[DescentPoint, ...]  # before each step, and after the last
    steps: tuple[Step, ...]
    w_axis: Axis
    L_axis: Axis
    lr: Quantity
    overview_w: Axis  # a wide window around the steps: the curve's shape
    overview_L: Axis

    @property
    def loss_went(self) -> str:
        """Where the loss went over all the steps."""
        return direction(self.loss_change)

    @property
    def loss_change(self) -> float:
        return precise_loss_change(self.params, self.points[0].w1, self.points[-1].w1)

    @property
    def overshoots(self) -> tuple[Step, ...]:
        """The steps after which the loss went up: the learning rate is too big for them."""
        return tuple(s for s in self.steps if s.loss_went == "up")

    @property
    def steps_visible(self) -> bool:
        """Every step moves the point a visible share of the window (not so with a
        saturated sigmoid, whose tiny slope barely moves w1)."""
        width = self.w_axis.high - self.w_axis.low
        return all(abs(s.after.w1 - s.before.w1) / width > VISIBLE_SHARE for s in self.steps)

    @property
    def small_steps(self) -> bool:
        """The zoomed window is a small part of the overview: each step is small."""
        return (self.w_axis.high - self.w_axis.low) * 4 < self.overview_w.high - self.overview_w.low

    def loss(self, w1: float) -> float:
        return loss_and_slope(self.params, w1)[0]

    def slope(self, w1: float) -> float:
        return loss_and_slope(self.params, w1)[1]

    def tangent(self, point: DescentPoint):
        """The tangent at a point as a callable of w1."""
        return lambda w: point.loss + point.slope * (w - point.w1)


@lru_cache(maxsize=16)
def view(p: Params, steps: int = STEPS) -> View:
    points = tuple(descent(p, steps))
    lr = exact(p.lr)
    made = []
    for n, (before, after) in enumerate(zip(points, points[1:]), start=1):
        # The first w1 is the parameter as given (printed exactly); later ones are computed.
        w_before = Quantity("w_1", exact(before.w1) if n == 1 else before.w1)
        slope = Quantity(r"\frac{\partial L}{\partial w_1}", before.slope)
        made.append(
            Step(
                n,
                p,
                before,
                after,
                Quantity(
                    "w_1",
                    exact(after.w1),
                    r"w_1 - \eta\,\frac{\partial L}{\partial w_1}",
                    f"{w_before.text} - {tex_factor(lr)} \\cdot {slope.factor}",
                ),
                w_before,
                slope,
            )
        )
    ws = [pt.w1 for pt in points]
    w_axis = axis_around(min(ws), max(ws), W_PAD, MIN_W_SPAN)
    grid = np.linspace(w_axis.low, w_axis.high, 201)
    losses = [loss_and_slope(p, float(w))[0] for w in grid]
    L_axis = axis_around(min(losses), max(losses), L_PAD, MIN_L_SPAN)
    wide_w = axis_around(min(ws) - OVERVIEW_HALF_WIDTH, max(ws) + OVERVIEW_HALF_WIDTH, 0.0)
    wide_grid = np.linspace(wide_w.low, wide_w.high, 201)
    wide_losses = [loss_and_slope(p, float(w))[0] for w in wide_grid]
    wide_L = axis_around(min(wide_losses + losses), max(wide_losses + losses), 0.05, MIN_L_SPAN)
    return View(p, points, tuple(made), w_axis, L_axis, Quantity(r"\eta", lr), wide_w, wide_L)


def loss_and_slope(p: Params, w1: float) -> tuple[float, float]:
    """L and dL/dw1 at any w1, the others held, in floats: fast enough to follow a
    moving point frame by frame (the tests hold it to network.forward/backward)."""
    a1 = _sigmoid(w1 * p.x + p.b1)
    a2 = _sigmoid(p.w2 * a1 + p.b2)
    if p.loss == "squared":
        L, dL_da2 = (a2 - p.y) ** 2, 2.0 * (a2 - p.y)
    else:
        L, dL_da2 = 0.5 * (a2 - p.y) ** 2, a2 - p.y
    return L, dL_da2 * a2 * (1.0 - a2) * p.w2 * a1 * (1.0 - a1) * p.x


def _sigmoid(z: float) -> float:
    """1/(1+e^-z) without overflow: a long descent can carry w1*x to hundreds."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def precise_loss_change(p: Params, w_before: float, w_after: float) -> float:
    """L(w_after) - L(w_before), the others held, in 50-digit arithmetic."""
    with mpmath.workdps(50):

        def loss(w1: float):
            a1 = 1 / (1 + mpmath.exp(-(mpmath.mpf(w1) * mpmath.mpf(p.x) + mpmath.mpf(p.b1))))
            a2 = 1 / (1 + mpmath.exp(-(mpmath.mpf(p.w2) * a1 + mpmath.mpf(p.b2))))
            error = (a2 - mpmath.mpf(p.y)) ** 2
            return error if p.loss == "squared" else error / 2

        return float(loss(w_after) - loss(w_before))
