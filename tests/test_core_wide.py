"""The 2-2-1 network: matrix backward == sum over paths == central finite differences."""

from __future__ import annotations

import numpy as np
import pytest

from backprop_core import Params, wide


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("loss", ["squared", "half"])
def test_random_networks_agree_three_ways(seed, loss):
    net = wide.random_network(seed, loss)
    wide.check(net)  # every matrix gradient against its finite difference; paths against the matrix
    b = wide.backward(net)
    for i in range(2):
        assert wide.path_sum(net, i) == pytest.approx(b.dW[0][i, 0], rel=1e-12, abs=1e-15)
        fd = wide.finite_difference(net, "W1", (i, 0))
        assert b.dW[0][i, 0] == pytest.approx(fd, rel=1e-5, abs=1e-9)


@pytest.mark.parametrize("p", [Params(), Params(w1=0.3, lr=0.5), Params(x=-2.0, w2=1.5, b1=0.3, y=0.1, loss="half")])
def test_example_numbers_agree(p):
    e = wide.example(p)
    assert e.w == p.w1 and e.net.x == p.x and e.net.y == p.y and e.net.lr == p.lr
    assert e.net.W3[0][0] == p.w2 and e.net.b3 == (p.b2,) and e.net.b1 == (p.b1, p.b1)
    assert e.path_total == pytest.approx(e.gradient, rel=1e-12)
    assert e.finite_difference == pytest.approx(e.gradient, rel=1e-5, abs=1e-10)
    assert len(e.paths) == 2  # w reaches the loss through each unit of layer 2
    assert e.w_new == pytest.approx(p.w1 - p.lr * e.gradient)


def test_the_forward_pass_by_hand():
    net = wide.network(Params())
    m = net.arrays()
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    a1 = sig(m["W1"][:, 0] * net.x + m["b1"])
    a2 = sig(m["W2"] @ a1 + m["b2"])
    a3 = sig(m["W3"] @ a2 + m["b3"])[0]
    assert wide.loss(net) == pytest.approx((a3 - net.y) ** 2, rel=1e-14)


def test_a_broken_gradient_is_caught(monkeypatch):
    real = wide.backward

    def broken(net, f=None):
        b = real(net, f)
        dW = (b.dW[0] * 1.01, b.dW[1], b.dW[2])
        return wide.Backward(b.dL_da3, b.sigma_prime, b.back, b.delta, dW, b.db)

    monkeypatch.setattr(wide, "backward", broken)
    with pytest.raises(AssertionError):
        wide.check(wide.network(Params()))


def test_printed_lines_carry_the_numbers():
    e = wide.example(Params())
    d1 = wide.delta_lines(e)[2]
    assert wide.show(e.backward.delta[0][0]) in d1.value
    assert wide.update_line(e).value == wide.show(e.w_new)
    assert wide.tex_matrix([[0.9, -0.5]]) == r"\begin{bmatrix} 0.9 & -0.5 \end{bmatrix}"
