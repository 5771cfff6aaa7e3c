"""The tiny network's chain-rule bookkeeping against sympy and finite differences."""

from __future__ import annotations

import dataclasses

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_core import Params
from backprop_core import network as net

X, W1, W2, B1, B2, Y = sp.symbols("x w1 w2 b1 b2 y", real=True)


def symbolic_loss(convention: str) -> sp.Expr:
    a1 = 1 / (1 + sp.exp(-(W1 * X + B1)))
    a2 = 1 / (1 + sp.exp(-(W2 * a1 + B2)))
    return (a2 - Y) ** 2 if convention == "squared" else (a2 - Y) ** 2 / 2


def at(p: Params) -> dict:
    return {X: p.x, W1: p.w1, W2: p.w2, B1: p.b1, B2: p.b2, Y: p.y}


def float_loss(p: Params) -> float:
    return net.forward(p).L.value


def central_difference(p: Params, name: str, h: float = 1e-6) -> float:
    up = dataclasses.replace(p, **{name: getattr(p, name) + h})
    down = dataclasses.replace(p, **{name: getattr(p, name) - h})
    return (float_loss(up) - float_loss(down)) / (2 * h)


def test_defaults_match_the_notebook():
    p = Params()
    assert (p.x, p.w1, p.w2, p.b1, p.b2, p.y) == (1.0, 0.5, 0.8, 0.0, 0.0, 1.0)
    f, b = net.forward(p), net.backward(p)
    assert f.z1.text == "0.5" and f.a1.text == "0.622" and f.z2.text == "0.498"
    assert f.a2.text == "0.622" and f.L.text == "0.143"
    assert b.dL_da2.text == "-0.756" and b.dL_dz2.text == "-0.178" and b.dL_dw1.text == "-0.0334"


@pytest.mark.parametrize("convention", ["squared", "half"])
def test_gradients_equal_sympy_at_defaults(convention):
    p = Params(loss=convention)
    loss = symbolic_loss(convention)
    b = net.backward(p)
    for name, symbol, got in (("w1", W1, b.dL_dw1), ("w2", W2, b.dL_dw2), ("b1", B1, b.dL_db1), ("b2", B2, b.dL_db2)):
        want = float(sp.diff(loss, symbol).subs(at(p)))
        assert got.value == pytest.approx(want, rel=1e-12, abs=1e-15), name
    # The exact value is the same real number sympy's derivative gives.
    exact_want = sp.diff(loss, W1).subs({X: 1, W1: sp.Rational(1, 2), W2: sp.Rational(4, 5), B1: 0, B2: 0, Y: 1})
    assert abs(sp.N(b.dL_dw1.exact - exact_want, 50)) < 1e-40


params_strategy = st.builds(
    Params,
    x=st.floats(-3, 3),
    w1=st.floats(-3, 3),
    w2=st.floats(-3, 3),
    b1=st.floats(-2, 2),
    b2=st.floats(-2, 2),
    y=st.floats(0, 1),
    lr=st.floats(0.01, 5),
    loss=st.sampled_from(["squared", "half"]),
)


@settings(max_examples=40, deadline=None)
@given(params_strategy)
def test_gradients_equal_finite_differences_anywhere(p):
    b = net.backward(p)
    for name, got in (("w1", b.dL_dw1), ("w2", b.dL_dw2), ("b1", b.dL_db1), ("b2", b.dL_db2)):
        assert got.value == pytest.approx(central_difference(p, name), abs=1e-7), name


@settings(max_examples=25, deadline=None)
@given(params_strategy)
def test_running_products_are_the_partial_derivatives(p):
    """dL/dz2, dL/da1, dL/dz1 are what sympy says for the intermediate variables."""
    a1s, z2s, z1s = sp.symbols("a1 z2 z1")
    y = p.y
    loss_of_z2 = ((1 / (1 + sp.exp(-z2s)) - y) ** 2) * (1 if p.loss == "squared" else sp.Rational(1, 2))
    b, f = net.backward(p), net.forward(p)
    assert b.dL_dz2.value == pytest.approx(float(sp.diff(loss_of_z2, z2s).subs(z2s, f.z2.value)), abs=1e-12)
    loss_of_a1 = loss_of_z2.subs(z2s, p.w2 * a1s + p.b2)
    assert b.dL_da1.value == pytest.approx(float(sp.diff(loss_of_a1, a1s).subs(a1s, f.a1.value)), abs=1e-12)
    loss_of_z1 = loss_of_a1.subs(a1s, 1 / (1 + sp.exp(-z1s)))
    assert b.dL_dz1.value == pytest.approx(float(sp.diff(loss_of_z1, z1s).subs(z1s, f.z1.value)), abs=1e-12)
    # The five boxes multiply to the gradient.
    product = 1.0
    for box in b.boxes:
        product *= box.value
    assert product == pytest.approx(b.dL_dw1.value, rel=1e-12, abs=1e-15)


def test_walkthrough_has_thirteen_steps_in_lesson_order():
    w = net.walkthrough(Params())
    assert w.total == 13
    assert [s.key for s in w.steps] == [
        "z1",
        "a1",
        "z2",
        "a2",
        "L",
        "dL_da2",
        "da2_dz2",
        "dz2_da1",
        "da1_dz1",
        "dz1_dw1",
        "dL_dw1",
        "dL_dw2",
        "w1_new",
    ]
    assert [s.phase for s in w.steps] == ["FORWARD"] * 5 + ["BACKWARD"] * 7 + ["UPDATE"]
    assert [s.chain_box for s in w.steps[5:10]] == [0, 1, 2, 3, 4]
    assert [s.running.symbol for s in w.steps[5:10]] == [q.symbol for q in w.backward.running]
    for step in w.steps:
        assert step.caption and step.quantity.text and step.lights


def test_the_update_lowers_the_loss_and_follows_the_rule():
    p = Params()
    u = net.update(p)
    assert u.w1_new.value == pytest.approx(p.w1 - p.lr * net.backward(p).dL_dw1.value)
    assert u.loss_after.value < u.loss_before.value
    assert u.loss_after.value == pytest.approx(net.forward(dataclasses.replace(p, w1=u.w1_new.value)).L.value)


def test_half_loss_halves_loss_and_gradients():
    full, half = Params(), Params(loss="half")
    assert net.forward(half).L.value == pytest.approx(net.forward(full).L.value / 2)
    assert net.backward(half).dL_dw1.value == pytest.approx(net.backward(full).dL_dw1.value / 2)
    assert net.backward(half).dL_da2.formula == "a_2 - y"


def test_descent_moves_downhill():
    points = net.descent(Params(), 5)
    assert len(points) == 6
    losses = [pt.loss for pt in points]
    assert all(a > b for a, b in zip(losses, losses[1:]))
    assert points[1].w1 == pytest.approx(points[0].w1 - Params().lr * points[0].slope)
