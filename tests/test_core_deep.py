"""The deep chain: its sweep equals sympy's derivatives and finite differences,
and the multiplication counts are counted, linear for the sweep, quadratic from scratch."""

from __future__ import annotations

import dataclasses

import pytest
import sympy as sp

from backprop_core import Params, deep

PARAMS = [Params(), Params(w1=0.3, lr=0.5), Params(x=-1.5, w2=-0.7, b1=0.4, y=0.2, loss="half")]


@pytest.mark.parametrize("p", PARAMS)
def test_sweep_gradients_equal_sympy(p):
    c = deep.chain(p)
    L, ws = deep.composed_loss(p, c.depth)
    at = {w: sp.Rational(repr(float(layer.w.value))) for w, layer in zip(ws, c.layers)}
    assert float(L.subs(at)) == pytest.approx(c.L.value, rel=1e-12)
    for w, layer in zip(ws, c.layers):
        truth = float(sp.diff(L, w).subs(at).evalf(30))
        assert layer.grad_w.value == pytest.approx(truth, rel=1e-10, abs=1e-15), layer.k


@pytest.mark.parametrize("p", PARAMS)
def test_sweep_gradients_equal_finite_differences(p):
    c = deep.chain(p)
    weights = [layer.w.value for layer in c.layers]
    h = 1e-6
    for k, layer in enumerate(c.layers):
        up, down = list(weights), list(weights)
        up[k] += h
        down[k] -= h
        fd = (deep.float_loss(p, c.depth, up) - deep.float_loss(p, c.depth, down)) / (2 * h)
        assert layer.grad_w.value == pytest.approx(fd, rel=1e-6, abs=1e-10), layer.k


def test_each_layer_gradient_is_the_next_times_one_local_derivative():
    c = deep.chain(Params())
    for lower, upper in zip(c.layers, c.layers[1:]):
        assert lower.grad_a.value == pytest.approx(upper.grad_a.value * upper.local.value, rel=1e-12)
        a = lower.a.value
        assert upper.local.value == pytest.approx(upper.w.value * upper.a.value * (1 - upper.a.value), rel=1e-12)
        assert lower.weight_slope.value == pytest.approx(
            a * (1 - a) * (c.layers[lower.k - 2].a.value if lower.k > 1 else c.x.value), rel=1e-12
        )
    # The running gradients in the order the sweep computes them, top first.
    assert [q.symbol for q in c.hand_offs] == [deep.d_a(k) for k in range(c.depth, 0, -1)]


def test_the_chain_uses_the_lessons_units_at_its_ends():
    p = Params(w1=0.3, w2=-1.1, b1=0.2, b2=-0.4)
    layers = deep.layer_parameters(p, 6)
    assert layers[0] == (p.w1, p.b1) and layers[-1] == (p.w2, p.b2)
    assert layers[1:-1] == list(deep.MIDDLE_LAYERS)


@pytest.mark.parametrize("depth", [1, 2, 3, 6, 10, 25])
def test_counts_are_counted_and_match_the_formulas(depth):
    count = deep.count_multiplications(Params(), depth)
    assert count.backprop == deep.backprop_count_formula(depth) == 2 * depth - 1
    assert count.naive == deep.naive_count_formula(depth) == depth * (depth + 1) // 2
    assert sum(count.backprop_terms) == count.backprop
    assert sum(count.naive_terms) == count.naive


def test_counting_multiply_really_counts():
    top, locals_, slopes = 2.0, [3.0, 5.0, 7.0], [1.0, 1.0, 1.0]
    fast, slow = deep.CountingMultiply(), deep.CountingMultiply()
    _, by_sweep = deep.sweep(top, locals_, slopes, fast)
    by_scratch = deep.from_scratch(top, locals_, slopes, slow)
    assert by_sweep == by_scratch == [2.0 * 7 * 5, 2.0 * 7, 2.0]
    assert (fast.count, slow.count) == (5, 6)


def test_linear_against_quadratic():
    counts = deep.counts(Params(), range(1, 40))
    sweep_steps = {b.backprop - a.backprop for a, b in zip(counts, counts[1:])}
    naive_steps = [b.naive - a.naive for a, b in zip(counts, counts[1:])]
    assert sweep_steps == {2}  # linear: a constant step per layer
    assert naive_steps == list(range(2, 40))  # quadratic: the step itself grows by one per layer


def test_chain_count_is_the_counted_one():
    c = deep.chain(Params())
    assert c.count == deep.count_multiplications(Params(), c.depth)


def test_layer_parameters_refuse_an_empty_chain():
    with pytest.raises(ValueError):
        deep.layer_parameters(Params(), 0)


def test_a_different_loss_convention_halves_the_gradients():
    full = deep.chain(Params())
    half = deep.chain(dataclasses.replace(Params(), loss="half"))
    for a, b in zip(full.layers, half.layers):
        assert b.grad_w.value == pytest.approx(a.grad_w.value / 2, rel=1e-12)
