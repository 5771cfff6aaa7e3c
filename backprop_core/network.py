"""The tiny network: x -> (w1, b1) -> sigmoid -> (w2, b2) -> sigmoid -> loss.

Forward values, every local derivative of the chain, the running products of
the backward pass, the gradients, the update, and the 13-step walkthrough as
data. Values are exact sympy expressions (floats via ``Quantity.value``); the
backward pass here is the chain rule written out by hand, and the tests check
it against sympy's own differentiation and against finite differences.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import sympy as sp

from .numbers import fmt, tex_factor, tex_term
from .params import Params
from .quantity import Quantity, exact


def sigma(z: sp.Expr) -> sp.Expr:
    return 1 / (1 + sp.exp(-z))


def partial(num: str, den: str) -> str:
    """LaTeX for dnum/dden with partial d's."""
    return rf"\frac{{\partial {num}}}{{\partial {den}}}"


# LaTeX of the loss and its derivative, per convention.
LOSS_TEX = {"squared": "(a_2 - y)^2", "half": r"\tfrac{1}{2}(a_2 - y)^2"}
DLOSS_TEX = {"squared": "2(a_2 - y)", "half": "a_2 - y"}


def loss_value(a2: sp.Expr, y: sp.Expr, convention: str) -> sp.Expr:
    return (a2 - y) ** 2 if convention == "squared" else sp.Rational(1, 2) * (a2 - y) ** 2


def loss_slope(a2: sp.Expr, y: sp.Expr, convention: str) -> sp.Expr:
    return 2 * (a2 - y) if convention == "squared" else (a2 - y)


@dataclass(frozen=True)
class Inputs:
    """The parameters as exact quantities, ready to print."""

    x: Quantity
    w1: Quantity
    b1: Quantity
    w2: Quantity
    b2: Quantity
    y: Quantity
    lr: Quantity


def inputs(p: Params) -> Inputs:
    return Inputs(
        x=Quantity("x", exact(p.x)),
        w1=Quantity("w_1", exact(p.w1)),
        b1=Quantity("b_1", exact(p.b1)),
        w2=Quantity("w_2", exact(p.w2)),
        b2=Quantity("b_2", exact(p.b2)),
        y=Quantity("y", exact(p.y)),
        lr=Quantity(r"\eta", exact(p.lr)),
    )


@dataclass(frozen=True)
class Forward:
    z1: Quantity
    a1: Quantity
    z2: Quantity
    a2: Quantity
    L: Quantity


def forward(p: Params, w1: sp.Expr | None = None) -> Forward:
    """The forward pass; ``w1`` replaces p.w1 exactly (the updated w1 is irrational)."""
    i = inputs(p)
    w1 = i.w1.exact if w1 is None else w1
    z1 = w1 * i.x.exact + i.b1.exact
    a1 = sigma(z1)
    z2 = i.w2.exact * a1 + i.b2.exact
    a2 = sigma(z2)
    L = loss_value(a2, i.y.exact, p.loss)
    return Forward(
        z1=Quantity(
            "z_1", z1, r"w_1 x + b_1", f"{tex_factor(w1)} \\cdot {tex_factor(i.x.exact)} {tex_term(i.b1.exact)}"
        ),
        a1=Quantity("a_1", a1, r"\sigma(z_1)", rf"\sigma({fmt(z1)})"),
        z2=Quantity(
            "z_2", z2, r"w_2 a_1 + b_2", f"{tex_factor(i.w2.exact)} \\cdot {tex_factor(a1)} {tex_term(i.b2.exact)}"
        ),
        a2=Quantity("a_2", a2, r"\sigma(z_2)", rf"\sigma({fmt(z2)})"),
        L=Quantity("L", L, LOSS_TEX[p.loss], LOSS_TEX[p.loss].replace("a_2", fmt(a2)).replace("y", fmt(i.y.exact))),
    )


@dataclass(frozen=True)
class Backward:
    """Local derivatives (the five boxes), running products, and gradients."""

    dL_da2: Quantity
    da2_dz2: Quantity
    dz2_da1: Quantity
    da1_dz1: Quantity
    dz1_dw1: Quantity
    dL_dz2: Quantity
    dL_da1: Quantity
    dL_dz1: Quantity
    dL_dw1: Quantity
    dL_dw2: Quantity
    dL_db1: Quantity
    dL_db2: Quantity

    @property
    def boxes(self) -> tuple[Quantity, ...]:
        """The chain's five factors, left to right, as the lesson writes them."""
        return (self.dL_da2, self.da2_dz2, self.dz2_da1, self.da1_dz1, self.dz1_dw1)

    @property
    def running(self) -> tuple[Quantity, ...]:
        """The product so far after each box is computed (dL/da2, dL/dz2, ...)."""
        return (self.dL_da2, self.dL_dz2, self.dL_da1, self.dL_dz1, self.dL_dw1)


def backward(p: Params, f: Forward | None = None) -> Backward:
    f = f or forward(p)
    i = inputs(p)
    a1, a2 = f.a1.exact, f.a2.exact
    dL_da2 = loss_slope(a2, i.y.exact, p.loss)
    da2_dz2 = a2 * (1 - a2)  # sigma' from the stored activation
    dz2_da1 = i.w2.exact
    da1_dz1 = a1 * (1 - a1)
    dz1_dw1 = i.x.exact
    dL_dz2 = dL_da2 * da2_dz2
    dL_da1 = dL_dz2 * dz2_da1
    dL_dz1 = dL_da1 * da1_dz1
    dL_dw1 = dL_dz1 * dz1_dw1
    dl_da2_sub = DLOSS_TEX[p.loss].replace("a_2", fmt(a2)).replace("y", fmt(i.y.exact))

    def times(left: sp.Expr, right: sp.Expr) -> str:
        return f"{tex_factor(left)} \\cdot {tex_factor(right)}"

    return Backward(
        dL_da2=Quantity(partial("L", "a_2"), dL_da2, DLOSS_TEX[p.loss], dl_da2_sub),
        da2_dz2=Quantity(partial("a_2", "z_2"), da2_dz2, r"a_2(1 - a_2)", f"{fmt(a2)}\\,(1 - {fmt(a2)})"),
        dz2_da1=Quantity(partial("z_2", "a_1"), dz2_da1, "w_2"),
        da1_dz1=Quantity(partial("a_1", "z_1"), da1_dz1, r"a_1(1 - a_1)", f"{fmt(a1)}\\,(1 - {fmt(a1)})"),
        dz1_dw1=Quantity(partial("z_1", "w_1"), dz1_dw1, "x"),
        dL_dz2=Quantity(
            partial("L", "z_2"), dL_dz2, partial("L", "a_2") + r"\cdot" + partial("a_2", "z_2"), times(dL_da2, da2_dz2)
        ),
        dL_da1=Quantity(
            partial("L", "a_1"), dL_da1, partial("L", "z_2") + r"\cdot" + partial("z_2", "a_1"), times(dL_dz2, dz2_da1)
        ),
        dL_dz1=Quantity(
            partial("L", "z_1"), dL_dz1, partial("L", "a_1") + r"\cdot" + partial("a_1", "z_1"), times(dL_da1, da1_dz1)
        ),
        dL_dw1=Quantity(
            partial("L", "w_1"), dL_dw1, partial("L", "z_1") + r"\cdot" + partial("z_1", "w_1"), times(dL_dz1, dz1_dw1)
        ),
        dL_dw2=Quantity(partial("L", "w_2"), dL_dz2 * a1, partial("L", "z_2") + r"\cdot a_1", times(dL_dz2, a1)),
        dL_db1=Quantity(partial("L", "b_1"), dL_dz1, partial("L", "z_1") + r"\cdot 1"),
        dL_db2=Quantity(partial("L", "b_2"), dL_dz2, partial("L", "z_2") + r"\cdot 1"),
    )


@dataclass(frozen=True)
class Update:
    """w1 <- w1 - eta dL/dw1, and the forward pass run again with the new w1."""

    w1_new: Quantity
    w2_new: Quantity
    params_after: Params
    forward_after: Forward
    loss_before: Quantity
    loss_after: Quantity
    loss_change: Quantity

    @property
    def went(self) -> str:
        """Which way the loss went: "down", "up" (the step overshot) or "nowhere"."""
        return direction(self.loss_change.value)

    @property
    def change_too_small_to_see(self) -> bool:
        """The loss before and after print the same, though it moved."""
        return self.went != "nowhere" and self.loss_before.text == self.loss_after.text

    @property
    def outcome(self) -> str:
        """The caption's words on the forward pass again: the sign decides them."""
        return {
            "down": "the loss went down.",
            "up": "the loss went up: the step was too big and overshot.",
            "nowhere": "the loss did not change: the gradient was zero.",
        }[self.went]


def direction(change: float) -> str:
    """The word a caption uses for a change of the loss (or of w1)."""
    return "down" if change < 0 else "up" if change > 0 else "nowhere"


def update(p: Params, b: Backward | None = None) -> Update:
    b = b or backward(p)
    i = inputs(p)
    w1_new = i.w1.exact - i.lr.exact * b.dL_dw1.exact
    w2_new = i.w2.exact - i.lr.exact * b.dL_dw2.exact
    # Only w1 moves in the lesson's update, so the loss change is w1's alone.
    # The new w1 may leave the input range (a big step): it is derived, not an input.
    after = p.derived(w1=float(w1_new))
    f_before, f_after = forward(p), forward(p, w1_new)
    return Update(
        w1_new=Quantity(
            r"w_1",
            w1_new,
            r"w_1 - \eta\,\frac{\partial L}{\partial w_1}",
            f"{fmt(i.w1.exact)} - {tex_factor(i.lr.exact)} \\cdot {tex_factor(b.dL_dw1.exact)}",
        ),
        w2_new=Quantity(
            r"w_2",
            w2_new,
            r"w_2 - \eta\,\frac{\partial L}{\partial w_2}",
            f"{fmt(i.w2.exact)} - {tex_factor(i.lr.exact)} \\cdot {tex_factor(b.dL_dw2.exact)}",
        ),
        params_after=after,
        forward_after=f_after,
        loss_before=f_before.L,
        loss_after=f_after.L,
        loss_change=Quantity(r"\Delta L", f_after.L.exact - f_before.L.exact),
    )


# --------------------------------------------------------------------------
# The walkthrough: a set-up screen, then 13 steps
# --------------------------------------------------------------------------
PHASES = ("SETUP", "FORWARD", "BACKWARD", "UPDATE")


@dataclass(frozen=True)
class Step:
    """One step of the walk.

    ``number`` is 1..13; ``phase`` one of PHASES; ``key`` names the value
    computed (a field of Forward/Backward/Update); ``quantity`` carries the
    symbol, formula, substituted numbers and value. Backward steps name the
    chain box they fill (0..4) and the running product they produce.
    ``lights`` names the parts of the network this step lights up (input and
    weight names, "z1", "a1", "z2", "a2", "L"); ``reuses`` the values
    from earlier steps that this step reads.
    """

    number: int
    phase: str
    key: str
    caption: str
    quantity: Quantity
    lights: tuple[str, ...]
    reuses: tuple[str, ...] = ()
    chain_box: int | None = None
    running: Quantity | None = None


@dataclass(frozen=True)
class Walkthrough:
    params: Params
    inputs: Inputs
    forward: Forward
    backward: Backward
    update: Update
    setup_caption: str
    steps: tuple[Step, ...]

    @property
    def total(self) -> int:
        return len(self.steps)


def walkthrough(p: Params) -> Walkthrough:
    i, f = inputs(p), forward(p)
    b = backward(p, f)
    u = update(p, b)
    loss_words = "the squared error" if p.loss == "squared" else "half the squared error"
    slope_words = "2(a₂ − y)" if p.loss == "squared" else "a₂ − y"
    steps = [
        Step(1, "FORWARD", "z1", "The hidden unit weighs its input: z₁ = w₁·x + b₁.", f.z1, ("x", "w1", "b1", "z1")),
        Step(2, "FORWARD", "a1", "It squashes z₁ through the sigmoid: a₁ = σ(z₁).", f.a1, ("z1", "a1"), ("z1",)),
        Step(
            3,
            "FORWARD",
            "z2",
            "The output unit weighs the hidden activation: z₂ = w₂·a₁ + b₂.",
            f.z2,
            ("a1", "w2", "b2", "z2"),
            ("a1",),
        ),
        Step(4, "FORWARD", "a2", "Squash again: the prediction is a₂ = σ(z₂).", f.a2, ("z2", "a2"), ("z2",)),
        Step(
            5,
            "FORWARD",
            "L",
            f"The loss is {loss_words} between prediction and target.",
            f.L,
            ("a2", "y", "L"),
            ("a2",),
        ),
        Step(
            6,
            "BACKWARD",
            "dL_da2",
            f"Start at the loss: how L changes with a₂ is {slope_words}.",
            b.dL_da2,
            ("L", "a2"),
            ("a2",),
            chain_box=0,
            running=b.dL_da2,
        ),
        Step(
            7,
            "BACKWARD",
            "da2_dz2",
            "Sigmoid slope from the stored a₂: a₂(1 − a₂). Times the running product gives ∂L/∂z₂.",
            b.da2_dz2,
            ("a2", "z2"),
            ("a2",),
            chain_box=1,
            running=b.dL_dz2,
        ),
        Step(
            8,
            "BACKWARD",
            "dz2_da1",
            "z₂ depends on a₁ through w₂. Reuse ∂L/∂z₂ to get ∂L/∂a₁.",
            b.dz2_da1,
            ("w2", "a1"),
            ("w2", "dL_dz2"),
            chain_box=2,
            running=b.dL_da1,
        ),
        Step(
            9,
            "BACKWARD",
            "da1_dz1",
            "Sigmoid slope from the stored a₁: a₁(1 − a₁). Reuse ∂L/∂a₁ to get ∂L/∂z₁.",
            b.da1_dz1,
            ("a1", "z1"),
            ("a1", "dL_da1"),
            chain_box=3,
            running=b.dL_dz1,
        ),
        Step(
            10,
            "BACKWARD",
            "dz1_dw1",
            "z₁ depends on w₁ through x. Reuse ∂L/∂z₁ to reach ∂L/∂w₁.",
            b.dz1_dw1,
            ("x", "w1"),
            ("x", "dL_dz1"),
            chain_box=4,
            running=b.dL_dw1,
        ),
        Step(
            11,
            "BACKWARD",
            "dL_dw1",
            "All five local slopes multiplied: the gradient for the deepest weight.",
            dataclasses.replace(
                b.dL_dw1,
                formula=r"\cdot".join(q.symbol for q in b.boxes),
                substituted=r" \cdot ".join(q.factor for q in b.boxes),
            ),
            ("w1",),
            tuple(s for s in ("dL_da2", "da2_dz2", "dz2_da1", "da1_dz1", "dz1_dw1")),
        ),
        Step(
            12,
            "BACKWARD",
            "dL_dw2",
            "∂L/∂w₂ costs one more multiply: reuse ∂L/∂z₂ times a₁.",
            b.dL_dw2,
            ("w2", "a1"),
            ("dL_dz2", "a1"),
        ),
        Step(
            13,
            "UPDATE",
            "w1_new",
            "Step w₁ against its gradient: w₁ ← w₁ − η·∂L/∂w₁.",
            u.w1_new,
            ("w1",),
            ("w1", "lr", "dL_dw1"),
        ),
    ]
    setup = (
        "We compute one prediction with the network, measure how wrong it is, "
        "and walk the gradient back to the very first weight."
    )
    return Walkthrough(p, i, f, b, u, setup, tuple(steps))


# --------------------------------------------------------------------------
# Descent: repeated updates of w1 alone, the others held still
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class DescentPoint:
    w1: float
    loss: float
    slope: float  # dL/dw1 at w1


def loss_of_w1(p: Params, w1: float) -> float:
    """L as a function of w1 with every other parameter held (floats, for plotting)."""
    return float(forward(p.derived(w1=w1)).L.value)


def descent(p: Params, steps: int) -> list[DescentPoint]:
    """w1, L and dL/dw1 before each of ``steps`` updates, and after the last."""
    points: list[DescentPoint] = []
    w1 = p.w1
    for _ in range(steps + 1):
        q = p.derived(w1=w1)  # descent may carry w1 past the input range
        fq = forward(q)
        slope = backward(q, fq).dL_dw1.value
        points.append(DescentPoint(w1, fq.L.value, slope))
        w1 = w1 - p.lr * slope
    return points
