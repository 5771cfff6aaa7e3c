"""The refresher's numbers against the notebook, sympy and finite differences."""

from __future__ import annotations

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_core import refresher as r


def central(f, x, h=1e-6):
    return (f(x + h) - f(x - h)) / (2 * h)


def test_derivative_prediction_matches_the_notebook():
    p = r.derivative_prediction()
    assert p.predicted.substituted == r"1.500 + 1.000 \cdot 0.100" and p.predicted.text == "1.600"
    assert p.actual.text == "1.605" and p.actual.exact == sp.Rational(321, 200)
    assert r.parabola_minimum() == 1.0


@settings(max_examples=30, deadline=None)
@given(st.floats(-5, 5))
def test_parabola_slope_is_its_derivative(x):
    assert r.parabola_slope(x) == pytest.approx(central(r.parabola, x), abs=1e-6)
    assert r.tangent_line(x)(x + 1) == pytest.approx(r.parabola(x) + r.parabola_slope(x))


def test_partials_at_the_notebook_point():
    q = r.partials_at()
    assert (q.f.text, q.df_dx.text, q.df_dy.text) == ("0.430", "1.000", "1.200")


@settings(max_examples=30, deadline=None)
@given(st.floats(-1, 1), st.floats(-1, 1))
def test_partials_are_the_slopes_of_the_slices(x, y):
    curve_x, slope_x = r.slice_in_x(y)
    curve_y, slope_y = r.slice_in_y(x)
    dx, dy = r.bowl_partials(x, y)
    assert slope_x(x) == pytest.approx(central(curve_x, x), abs=1e-6) == pytest.approx(dx, abs=1e-6)
    assert slope_y(y) == pytest.approx(central(curve_y, y), abs=1e-6) == pytest.approx(dy, abs=1e-6)
    assert float(r.bowl(x, y)) == pytest.approx(curve_x(x))


def test_chain_example_matches_the_notebook():
    c = r.chain_example()
    assert [q.text for q in (c.u, c.dy_du, c.du_dx, c.dy_dx, c.y)] == ["7", "14", "3", "42", "49"]
    assert (c.predicted_change.text, c.y_after.text, c.actual_change.text) == ("0.42", "49.4209", "0.4209")
    assert c.y_after.substituted == "7.03^2"


@settings(max_examples=20, deadline=None)
@given(st.floats(-3, 3))
def test_chain_rule_equals_finite_difference(x):
    c = r.chain_example(x=x)
    assert c.dy_dx.value == pytest.approx(central(lambda t: (3 * t + 1) ** 2, x), abs=1e-5)


def test_sigmoid_identity_and_derivation():
    steps = r.sigmoid_derivation()
    assert steps[-1][0].endswith(r"\sigma(z)\,\bigl(1 - \sigma(z)\bigr)")
    for z in (-3.0, 0.0, 0.5, 2.0):
        assert r.sigmoid_prime(z) == pytest.approx(central(r.sigmoid, z), abs=1e-8)
    point = r.sigmoid_at(sp.Rational(1, 2), "z_1", "a_1")
    assert point.sigma.text == "0.622" and point.sigma_prime.text == "0.235"


def test_rules_examples_are_checked():
    rules = r.derivative_rules()
    assert [rule.name for rule in rules] == ["Constant rule", "Linear rule", "Power rule (with chain)"]
