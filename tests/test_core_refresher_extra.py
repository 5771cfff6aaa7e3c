"""The refresher's additions for sections 04-05: the nudge through the chain,
the chain rule's algebra, and the n-fold chain, against sympy and finite differences."""

from __future__ import annotations

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_core import refresher as r


def g(x):
    return 3 * x + 1


def f(u):
    return u * u


def central(fn, x, h=1e-6):
    return (fn(x + h) - fn(x - h)) / (2 * h)


def test_nudge_matches_the_notebook():
    n = r.chain_nudge()
    assert [s.name for s in n.stages] == ["x", "u", "y"]
    assert [(s.at.text, s.after.text, s.change.text) for s in n.stages] == [
        ("2", "2.01", "0.01"),
        ("7", "7.03", "0.03"),
        ("49", "49.4209", "0.4209"),
    ]
    assert [s.slope.text for s in n.stages[1:]] == ["3", "14"]
    assert [s.stretch.text for s in n.stages[1:]] == ["3", "14.03"]
    assert (n.total.text, n.predicted.text) == ("42", "0.42")
    assert n.stages[1].rule_tex == "u = 3 x + 1" and n.stages[2].rule_tex == "y = u^{2}"


@settings(max_examples=25, deadline=None)
@given(st.floats(-3, 3), st.floats(1e-4, 0.05))
def test_nudge_is_the_chain_evaluated(x, dx):
    n = r.chain_nudge(x, dx)
    sx, su, sy = n.stages
    assert su.at.value == pytest.approx(g(sx.at.value))
    assert sy.at.value == pytest.approx(f(su.at.value))
    assert su.after.value == pytest.approx(g(sx.after.value))
    assert sy.after.value == pytest.approx(f(su.after.value))
    # Each nudge is the one before stretched by the measured stretch...
    assert su.change.value == pytest.approx(su.stretch.value * sx.change.value)
    assert sy.change.value == pytest.approx(sy.stretch.value * su.change.value, abs=1e-12)
    # ...which is the local slope, up to the nudge's size (f'' = 2, so the gap is du).
    assert su.slope.value == pytest.approx(central(g, sx.at.value), abs=1e-5)
    assert sy.slope.value == pytest.approx(central(f, su.at.value), abs=1e-4)
    assert sy.stretch.value - sy.slope.value == pytest.approx(su.change.value, abs=1e-9)
    # The total stretch is the product of the slopes.
    assert n.total.value == pytest.approx(su.slope.value * sy.slope.value)
    assert n.predicted.value == pytest.approx(n.total.value * sx.change.value)


def test_chain_algebra_matches_the_notebook():
    a = r.chain_algebra()
    assert (a.product_tex, a.in_u_tex) == (r"2 u \cdot 3", "6 u")
    assert a.at_x.equation() == r"\frac{dy}{dx} = 6 u = 6 \cdot 7 = 42"
    x = sp.Symbol("x", real=True)
    assert a.in_x_tex == sp.latex(sp.factor(sp.diff((3 * x + 1) ** 2, x))) == r"6 \left(3 x + 1\right)"


@settings(max_examples=20, deadline=None)
@given(st.floats(-3, 3))
def test_chain_algebra_at_any_x_is_the_derivative(x):
    a = r.chain_algebra(x)
    assert a.at_x.value == pytest.approx(central(lambda t: f(g(t)), x), abs=1e-4)
    assert a.at_x.exact == r.chain_example(x).dy_dx.exact


def test_nested_chain_has_one_slope_per_function():
    nested, factors = r.nested_chain_tex(3)
    assert nested == "y = f_{3}(f_{2}(f_{1}(x)))"
    assert factors == [r"\frac{dy}{du_{2}}", r"\frac{du_{2}}{du_{1}}", r"\frac{du_{1}}{dx}"]
    for n in range(1, 7):
        assert len(r.nested_chain_tex(n)[1]) == n
    with pytest.raises(ValueError):
        r.nested_chain_tex(0)
