"""The calculus refresher (sections 01-06): every function, value and formula.

Each function builds its answer with sympy from the formula, so the exact
values, the floats and the LaTeX all come from one definition.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from .numbers import fmt, fmt_fixed, tex_factor, tex_fixed_factor
from .points import DERIVATIVE_DX, DERIVATIVE_X, DERIVATIVE_X_RANGE, PARTIALS_POINT, PARTIALS_RANGE  # noqa: F401
from .quantity import Quantity, exact

X, Y, Z, U = sp.symbols("x y z u", real=True)

# --------------------------------------------------------------------------
# 01 What's a derivative: f(x) = 1/2 x^2 - x + 1.5
# --------------------------------------------------------------------------
PARABOLA = sp.Rational(1, 2) * X**2 - X + sp.Rational(3, 2)
PARABOLA_TEX = r"\tfrac{1}{2}x^2 - x + 1.5"
PARABOLA_SLOPE = sp.diff(PARABOLA, X)
PARABOLA_SLOPE_TEX = sp.latex(PARABOLA_SLOPE)  # "x - 1"


def parabola(x: float) -> float:
    return 0.5 * x * x - x + 1.5


def parabola_slope(x: float) -> float:
    return x - 1.0


def parabola_minimum() -> float:
    """Where the slope is zero: the bottom of the bowl."""
    (root,) = sp.solve(sp.Eq(PARABOLA_SLOPE, 0), X)
    return float(root)


def tangent_line(x0: float):
    """The tangent at x0 as a callable t(x) = f(x0) + f'(x0)(x - x0)."""
    f0, slope = parabola(x0), parabola_slope(x0)
    return lambda x: f0 + slope * (x - x0)


@dataclass(frozen=True)
class Prediction:
    """f(x+dx) predicted by the tangent, against the true value."""

    x: Quantity
    dx: Quantity
    fx: Quantity
    slope: Quantity
    predicted: Quantity
    actual: Quantity
    error: Quantity


def derivative_prediction(x: float | None = None, dx: float | None = None) -> Prediction:
    """The tangent's prediction; fixed-style numbers, as they sit beside live readouts."""
    x = DERIVATIVE_X if x is None else x
    dx = DERIVATIVE_DX if dx is None else dx
    xe, dxe = exact(x), exact(dx)
    fx = PARABOLA.subs(X, xe)
    slope = PARABOLA_SLOPE.subs(X, xe)
    predicted = fx + slope * dxe
    actual = PARABOLA.subs(X, xe + dxe)
    xs, x2s = fmt_fixed(xe), fmt_fixed(xe + dxe)
    return Prediction(
        x=Quantity("x", xe, fixed=True),
        dx=Quantity(r"\Delta x", dxe, fixed=True),
        fx=Quantity(
            f"f({xs})",
            fx,
            PARABOLA_TEX,
            rf"\tfrac{{1}}{{2}}\cdot {tex_fixed_factor(xe)}^2 - {tex_fixed_factor(xe)} + 1.5",
            fixed=True,
        ),
        slope=Quantity(f"f'({xs})", slope, PARABOLA_SLOPE_TEX, f"{tex_fixed_factor(xe)} - 1", fixed=True),
        predicted=Quantity(
            f"f({x2s})",
            predicted,
            r"f(x) + f'(x)\,\Delta x",
            f"{fmt_fixed(fx)} + {tex_fixed_factor(slope)} \\cdot {fmt_fixed(dxe)}",
            fixed=True,
        ),
        actual=Quantity(f"f({x2s})", actual, fixed=True),
        error=Quantity("error", actual - predicted, fixed=True),
    )


# --------------------------------------------------------------------------
# 03 Partial derivatives: f(x, y) = x^2 + 2y^2
# --------------------------------------------------------------------------
BOWL = X**2 + 2 * Y**2
BOWL_TEX = "x^2 + 2y^2"
BOWL_DX = sp.diff(BOWL, X)  # 2x
BOWL_DY = sp.diff(BOWL, Y)  # 4y
BOWL_DX_TEX = sp.latex(BOWL_DX)
BOWL_DY_TEX = sp.latex(BOWL_DY)


def bowl(x, y):
    """f(x, y) = x^2 + 2y^2, vectorised (numpy arrays welcome, for the heatmap)."""
    return np.asarray(x) ** 2 + 2 * np.asarray(y) ** 2


def bowl_partials(x: float, y: float) -> tuple[float, float]:
    return 2.0 * x, 4.0 * y


@dataclass(frozen=True)
class PartialsAt:
    x: Quantity
    y: Quantity
    f: Quantity
    df_dx: Quantity
    df_dy: Quantity


def partials_at(x: float | None = None, y: float | None = None) -> PartialsAt:
    """Values at a point; fixed-style numbers, as they sit beside live readouts."""
    x = PARTIALS_POINT[0] if x is None else x
    y = PARTIALS_POINT[1] if y is None else y
    xe, ye = exact(x), exact(y)
    at = {X: xe, Y: ye}
    xs, ys = tex_fixed_factor(xe), tex_fixed_factor(ye)
    return PartialsAt(
        x=Quantity("x", xe, fixed=True),
        y=Quantity("y", ye, fixed=True),
        f=Quantity("f(x, y)", BOWL.subs(at), BOWL_TEX, f"{xs}^2 + 2 \\cdot {ys}^2", fixed=True),
        df_dx=Quantity(r"\frac{\partial f}{\partial x}", BOWL_DX.subs(at), BOWL_DX_TEX, f"2 \\cdot {xs}", fixed=True),
        df_dy=Quantity(r"\frac{\partial f}{\partial y}", BOWL_DY.subs(at), BOWL_DY_TEX, f"4 \\cdot {ys}", fixed=True),
    )


def slice_in_x(y_held: float):
    """Cross-section 1: vary x with y frozen. Returns (curve, slope) callables of x."""
    return (lambda x: x * x + 2 * y_held * y_held), (lambda x: 2.0 * x)


def slice_in_y(x_held: float):
    """Cross-section 2: vary y with x frozen. Returns (curve, slope) callables of y."""
    return (lambda y: x_held * x_held + 2 * y * y), (lambda y: 4.0 * y)


# --------------------------------------------------------------------------
# 05 A tiny worked example: y = (3x + 1)^2
# --------------------------------------------------------------------------
CHAIN_OUTER = U**2
CHAIN_INNER = 3 * X + 1
CHAIN_FUNCTION = CHAIN_OUTER.subs(U, CHAIN_INNER)
CHAIN_X = 2.0
CHAIN_DX = 0.01


@dataclass(frozen=True)
class ChainExample:
    x: Quantity
    u: Quantity
    dy_du: Quantity
    du_dx: Quantity
    dy_dx: Quantity
    y: Quantity
    dx: Quantity
    predicted_change: Quantity
    y_after: Quantity
    actual_change: Quantity
    inner_tex: str = "3x + 1"
    outer_tex: str = "u^2"


def chain_example(x: float | None = None, dx: float | None = None) -> ChainExample:
    x = CHAIN_X if x is None else x
    dx = CHAIN_DX if dx is None else dx
    xe, dxe = exact(x), exact(dx)
    u = CHAIN_INNER.subs(X, xe)
    dy_du = sp.diff(CHAIN_OUTER, U)  # 2u
    du_dx = sp.diff(CHAIN_INNER, X)  # 3
    dy_dx_general = sp.factor(sp.diff(CHAIN_FUNCTION, X))  # 6(3x+1)
    dy_du_v = dy_du.subs(U, u)
    dy_dx_v = dy_du_v * du_dx
    assert dy_dx_v == dy_dx_general.subs(X, xe)  # the chain rule agrees with direct differentiation
    y_v = CHAIN_FUNCTION.subs(X, xe)
    u_after = CHAIN_INNER.subs(X, xe + dxe)
    y_after = u_after**2
    return ChainExample(
        x=Quantity("x", xe),
        u=Quantity("u", u, "3x + 1", f"3 \\cdot {tex_factor(xe)} + 1"),
        dy_du=Quantity(r"\frac{dy}{du}", dy_du_v, sp.latex(dy_du), f"2 \\cdot {tex_factor(u)}"),
        du_dx=Quantity(r"\frac{du}{dx}", du_dx, sp.latex(du_dx)),
        dy_dx=Quantity(
            r"\frac{dy}{dx}",
            dy_dx_v,
            r"\frac{dy}{du}\cdot\frac{du}{dx}",
            f"{tex_factor(dy_du_v)} \\cdot {tex_factor(du_dx)}",
        ),
        y=Quantity(f"y({fmt(xe)})", y_v, "(3x + 1)^2", f"{tex_factor(u)}^2"),
        dx=Quantity(r"\Delta x", dxe),
        predicted_change=Quantity(
            r"\Delta y", dy_dx_v * dxe, r"\frac{dy}{dx}\,\Delta x", f"{tex_factor(dy_dx_v)} \\cdot {fmt(dxe)}"
        ),
        y_after=Quantity(f"y({fmt(xe + dxe)})", y_after, "(3x + 1)^2", f"{tex_factor(u_after)}^2"),
        actual_change=Quantity(r"\Delta y", y_after - y_v, "", f"{fmt(y_after)} - {fmt(y_v)}"),
    )


# --------------------------------------------------------------------------
# 06 Three rules and the sigmoid
# --------------------------------------------------------------------------
SIGMOID = 1 / (1 + sp.exp(-Z))
SIGMOID_TEX = r"\frac{1}{1 + e^{-z}}"
SIGMOID_PRIME_TEX = r"\sigma(z)\,\bigl(1 - \sigma(z)\bigr)"


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


def sigmoid_prime(z):
    s = sigmoid(z)
    return s * (1.0 - s)


@dataclass(frozen=True)
class Rule:
    name: str
    rule_tex: str
    example_tex: str
    note: str


def derivative_rules() -> list[Rule]:
    """The three rules with a one-line example each, every example checked by sympy."""
    c, a, n = sp.Integer(5), sp.Integer(3), sp.Integer(2)
    inner = 3 * X + 1
    examples = [
        (sp.diff(c, X), f"\\frac{{d}}{{dx}}\\,{sp.latex(c)} = {sp.latex(sp.diff(c, X))}"),
        (sp.diff(a * X, X), f"\\frac{{d}}{{dx}}\\,{sp.latex(a * X)} = {sp.latex(sp.diff(a * X, X))}"),
        (
            sp.diff(inner**n, X),
            f"\\frac{{d}}{{dx}}\\,({sp.latex(inner)})^{{{n}}} = {n}({sp.latex(inner)})\\cdot 3",
        ),
    ]
    assert examples[2][0] == n * inner * 3
    return [
        Rule("Constant rule", "(c)' = 0", examples[0][1], "y, the target, is just a number: it drops out"),
        Rule("Linear rule", "(a\\,x)' = a", examples[1][1], "the weighted sums w x + b"),
        Rule("Power rule (with chain)", "(u^n)' = n\\,u^{n-1}\\,u'", examples[2][1], "the squared loss"),
    ]


def sigmoid_derivation() -> list[tuple[str, sp.Expr]]:
    """sigma'(z) = sigma(z)(1 - sigma(z)), one step at a time.

    Each step is (LaTeX, sympy expression); consecutive steps are checked equal
    by sympy, so the derivation on screen is a proof, not a picture.
    """
    e = sp.exp(-Z)
    s = SIGMOID
    steps: list[tuple[str, sp.Expr]] = [
        (r"\sigma'(z) = \frac{d}{dz}\,(1 + e^{-z})^{-1}", sp.diff(s, Z)),
        (r"= -(1 + e^{-z})^{-2}\cdot(-e^{-z})", -((1 + e) ** -2) * (-e)),
        (r"= \frac{e^{-z}}{(1 + e^{-z})^2}", e / (1 + e) ** 2),
        (r"= \frac{1}{1 + e^{-z}}\cdot\frac{e^{-z}}{1 + e^{-z}}", (1 / (1 + e)) * (e / (1 + e))),
        (r"= \frac{1}{1 + e^{-z}}\cdot\left(1 - \frac{1}{1 + e^{-z}}\right)", (1 / (1 + e)) * (1 - 1 / (1 + e))),
        (r"= \sigma(z)\,\bigl(1 - \sigma(z)\bigr)", s * (1 - s)),
    ]
    truth = sp.diff(s, Z)
    for latex, expr in steps:
        if sp.simplify(expr - truth) != 0:
            raise AssertionError(f"sigmoid derivation step is wrong: {latex}")
    return steps


@dataclass(frozen=True)
class SigmoidPoint:
    z: Quantity
    sigma: Quantity
    sigma_prime: Quantity


def sigmoid_at(z_exact: sp.Expr, z_symbol: str = "z", a_symbol: str = r"\sigma(z)") -> SigmoidPoint:
    s = SIGMOID.subs(Z, z_exact)
    return SigmoidPoint(
        z=Quantity(z_symbol, z_exact),
        sigma=Quantity(a_symbol, s, SIGMOID_TEX),
        sigma_prime=Quantity(r"\sigma'", s * (1 - s), SIGMOID_PRIME_TEX, f"{fmt(s)}\\,(1 - {fmt(s)})"),
    )


# ==========================================================================
# Added for sections 04 and 05 (the chain-rule and worked-example scenes):
# a nudge carried through the chain x -> u = 3x + 1 -> y = u^2, the chain
# rule's algebra in general form (2u . 3 = 6u = 6(3x + 1)), and the n-fold
# chain's LaTeX. Everything derives from CHAIN_INNER / CHAIN_OUTER.
# ==========================================================================


@dataclass(frozen=True)
class NudgeStage:
    """One number line of the chain: where its point sits and how far a nudge moves it."""

    name: str  # "x", "u", "y"
    rule_tex: str  # how this value is made from the one before ("u = 3x + 1"); "" for x
    at: Quantity  # the point (x = 2, u = 7, y = 49)
    after: Quantity  # the nudged point (2.01, 7.03, 49.4209)
    change: Quantity  # the nudge on this line (0.01, 0.03, 0.4209)
    slope: Quantity | None  # the local slope that stretched the nudge before (3, then 14); None for x
    stretch: Quantity | None  # the measured stretch: this nudge / the one before (3, 14.03)


@dataclass(frozen=True)
class ChainNudge:
    stages: tuple[NudgeStage, ...]  # x, u, y
    total: Quantity  # dy/dx: the product of the slopes
    predicted: Quantity  # dy/dx times dx: the nudge on y the slopes predict


def chain_nudge(x: float | None = None, dx: float | None = None) -> ChainNudge:
    """A nudge dx on x, carried to u = g(x) and on to y = f(u)."""
    c = chain_example(x, dx)
    xe, dxe = c.x.exact, c.dx.exact
    u0, u1 = c.u.exact, CHAIN_INNER.subs(X, xe + dxe)
    y0, y1 = c.y.exact, c.y_after.exact
    du, dy = u1 - u0, y1 - y0
    stages = (
        NudgeStage("x", "", c.x, Quantity(r"x + \Delta x", xe + dxe), c.dx, None, None),
        NudgeStage(
            "u",
            f"u = {sp.latex(CHAIN_INNER)}",
            c.u,
            Quantity(r"u + \Delta u", u1),
            Quantity(r"\Delta u", du),
            c.du_dx,
            Quantity(r"\frac{\Delta u}{\Delta x}", du / dxe),
        ),
        NudgeStage(
            "y",
            f"y = {sp.latex(CHAIN_OUTER)}",
            Quantity("y", y0),
            Quantity(r"y + \Delta y", y1),
            Quantity(r"\Delta y", dy),
            c.dy_du,
            Quantity(r"\frac{\Delta y}{\Delta u}", dy / du),
        ),
    )
    return ChainNudge(stages=stages, total=c.dy_dx, predicted=c.predicted_change)


@dataclass(frozen=True)
class ChainAlgebra:
    """dy/dx = (dy/du)(du/dx) = 2u . 3 = 6u = 6(3x + 1), then at x: 6 . 7 = 42."""

    product_tex: str  # "2 u \cdot 3"
    in_u_tex: str  # "6 u"
    in_x_tex: str  # "6 \left(3 x + 1\right)"
    at_x: Quantity  # dy/dx with "6 \cdot 7" substituted


def chain_algebra(x: float | None = None) -> ChainAlgebra:
    c = chain_example(x)
    dy_du, du_dx = sp.diff(CHAIN_OUTER, U), sp.diff(CHAIN_INNER, X)
    in_u = sp.expand(dy_du * du_dx)
    in_x = sp.factor(sp.diff(CHAIN_FUNCTION, X))
    assert sp.expand(in_u.subs(U, CHAIN_INNER) - in_x) == 0  # the two forms agree
    coefficient = sp.simplify(in_u / U)  # 6: in_u is linear in u
    assert sp.expand(coefficient * U - in_u) == 0
    at_x = coefficient * c.u.exact
    assert at_x == c.dy_dx.exact
    return ChainAlgebra(
        product_tex=f"{sp.latex(dy_du)} \\cdot {sp.latex(du_dx)}",
        in_u_tex=sp.latex(in_u),
        in_x_tex=sp.latex(in_x),
        at_x=Quantity(
            r"\frac{dy}{dx}", at_x, sp.latex(in_u), f"{tex_factor(coefficient)} \\cdot {tex_factor(c.u.exact)}"
        ),
    )


def nested_chain_tex(n: int) -> tuple[str, list[str]]:
    """n nested functions: ("y = f_n(...f_1(x))", the n slope factors of dy/dx, outermost first).

    Names the values in between u_1 .. u_{n-1}: u_1 = f_1(x), ..., y = f_n(u_{n-1}).
    """
    if n < 1:
        raise ValueError("a chain has at least one function")
    nested = "x"
    for k in range(1, n + 1):
        nested = f"f_{{{k}}}({nested})"
    names = ["x"] + [f"u_{{{k}}}" for k in range(1, n)] + ["y"]
    factors = [rf"\frac{{d{names[k]}}}{{d{names[k - 1]}}}" for k in range(n, 0, -1)]
    return f"y = {nested}", factors
