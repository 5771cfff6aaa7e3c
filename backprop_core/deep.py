"""Why backprop scales: a deeper chain of one-unit sigmoid layers.

The chain (default depth 6) is the lesson's network made taller:

    a_0 = x,   z_k = w_k a_{k-1} + b_k,   a_k = sigma(z_k)   (k = 1..n),
    L = loss(a_n, y)

Its ends come from the lesson's Params: layer 1 is the lesson's hidden unit
(w_1, b_1) and the last layer its output unit (w_2, b_2); the layers between
are stated below (MIDDLE_LAYERS). x, y and the loss convention are the lesson's.

Each layer has ONE local derivative, the slope of its output against its input,

    da_k/da_{k-1} = w_k * sigma'(z_k) = w_k a_k (1 - a_k),

and one weight slope da_k/dw_k = a_k (1 - a_k) a_{k-1}. The backward sweep
starts at dL/da_n and walks right to left: dL/da_{k-1} = dL/da_k * da_k/da_{k-1};
each weight's gradient is one more multiplication, dL/dw_k = dL/da_k * da_k/dw_k.

Counting only the multiplications that combine these factors (the factors
themselves are the same for both methods):

* the sweep: n weight products + (n - 1) hand-offs = 2n - 1 (linear in n);
* recomputing each weight's chain from scratch: weight k needs the n - k
  hand-offs above it plus its own weight slope, n - k + 1 products, summing to
  n(n + 1)/2 (quadratic in n).

Both are implemented below with a counting multiply, so the counts shown are
counted, and the tests check them against these formulas. Values of the shown
chain are exact sympy expressions (cheap at this depth); the counting runs use
floats.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import sympy as sp

from .network import DLOSS_TEX, LOSS_TEX, loss_slope, loss_value, sigma
from .numbers import fmt, tex_factor
from .params import Params
from .quantity import Quantity, exact

DEPTH = 6
# Depths of the counting chart: the chain grows one layer at a time.
COUNT_DEPTHS = tuple(range(1, 13))
# Deeper chains for the table (counted too, with floats: fast at any depth).
TABLE_DEPTHS = (6, 12, 50, 100)


# The layers between the lesson's two units: (w, b), cycled for deeper chains.
# Mixed signs and sizes, so the activations and slopes differ from layer to
# layer (copies of one unit would settle on one fixed point and all look alike).
MIDDLE_LAYERS = ((1.5, 0.0), (-1.2, 0.5), (2.0, -0.5), (-0.9, 0.2))


def layer_parameters(p: Params, depth: int = DEPTH) -> list[tuple[float, float]]:
    """(w_k, b_k) for k = 1..depth: the lesson's hidden unit (w_1, b_1) first, the
    lesson's output unit (w_2, b_2) last, MIDDLE_LAYERS in between."""
    if depth < 1:
        raise ValueError(f"a chain needs at least one layer, got depth={depth}")
    if depth == 1:
        return [(p.w1, p.b1)]
    middle = [MIDDLE_LAYERS[i % len(MIDDLE_LAYERS)] for i in range(depth - 2)]
    return [(p.w1, p.b1)] + middle + [(p.w2, p.b2)]


def d_a(k: int | str) -> str:
    return rf"\frac{{\partial L}}{{\partial a_{{{k}}}}}"


def d_w(k: int | str) -> str:
    return rf"\frac{{\partial L}}{{\partial w_{{{k}}}}}"


def local_symbol(k: int | str) -> str:
    return rf"\frac{{\partial a_{{{k}}}}}{{\partial a_{{{_prev(k)}}}}}"


def weight_slope_symbol(k: int | str) -> str:
    return rf"\frac{{\partial a_{{{k}}}}}{{\partial w_{{{k}}}}}"


def _prev(k: int | str) -> str:
    return str(k - 1) if isinstance(k, int) else f"{k}-1"


# --------------------------------------------------------------------------
# The two ways to get every weight's gradient, with a counting multiply
# --------------------------------------------------------------------------
class CountingMultiply:
    """``mul(a, b)`` = a * b, counting every call."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, a, b):
        self.count += 1
        return a * b


def sweep(top, locals_: Sequence, weight_slopes: Sequence, mul: Callable) -> tuple[list, list]:
    """Backprop: one right-to-left sweep.

    ``top`` is dL/da_n; ``locals_[k-1]`` is da_k/da_{k-1} and
    ``weight_slopes[k-1]`` is da_k/dw_k for k = 1..n. Returns (dL/da_k for
    k = 1..n, dL/dw_k for k = 1..n), each index k-1.
    """
    n = len(locals_)
    grad_a = [None] * n
    grad_w = [None] * n
    g = top
    for k in range(n, 0, -1):
        grad_a[k - 1] = g
        grad_w[k - 1] = mul(g, weight_slopes[k - 1])
        if k > 1:
            g = mul(g, locals_[k - 1])  # reuse: the next layer's gradient times one local derivative
    return grad_a, grad_w


def from_scratch(top, locals_: Sequence, weight_slopes: Sequence, mul: Callable) -> list:
    """Each weight's chain multiplied out on its own, sharing nothing: dL/dw_k for k = 1..n."""
    n = len(locals_)
    grad_w = [None] * n
    for k in range(1, n + 1):
        product = top
        for j in range(n, k, -1):
            product = mul(product, locals_[j - 1])
        grad_w[k - 1] = mul(product, weight_slopes[k - 1])
    return grad_w


# The formulas the scene writes (and the tests hold to the counted numbers).
LAYER_TEX = r"a_k = \sigma(w_k\,a_{k-1} + b_k)"
LOCAL_TEX = r"\frac{\partial a_k}{\partial a_{k-1}} = w_k\,a_k(1 - a_k)"
WEIGHT_GRADIENT_TEX = r"\frac{\partial L}{\partial w_k} = \frac{\partial L}{\partial a_k}\cdot a_k(1 - a_k)\,a_{k-1}"
BACKPROP_COUNT_TEX = "2n - 1"
NAIVE_COUNT_TEX = r"\frac{n(n+1)}{2}"


def backprop_count_formula(depth: int) -> int:
    return 2 * depth - 1


def naive_count_formula(depth: int) -> int:
    return depth * (depth + 1) // 2


# --------------------------------------------------------------------------
# Float chains of any depth (for counting)
# --------------------------------------------------------------------------
def _float_factors(p: Params, depth: int) -> tuple[float, list[float], list[float], float]:
    """(dL/da_n, local derivatives, weight slopes, L) of a float chain."""
    a_prev = p.x
    locals_, weight_slopes = [], []
    a = a_prev
    for w, b in layer_parameters(p, depth):
        a = 1.0 / (1.0 + math.exp(-(w * a_prev + b)))
        s = a * (1.0 - a)
        locals_.append(w * s)
        weight_slopes.append(s * a_prev)
        a_prev = a
    top = 2.0 * (a - p.y) if p.loss == "squared" else (a - p.y)
    L = (a - p.y) ** 2 if p.loss == "squared" else 0.5 * (a - p.y) ** 2
    return top, locals_, weight_slopes, L


def float_loss(p: Params, depth: int, weights: Sequence[float] | None = None) -> float:
    """L of a float chain, optionally with other weights (for finite differences)."""
    a = p.x
    params = layer_parameters(p, depth)
    for k, (w, b) in enumerate(params):
        w = weights[k] if weights is not None else w
        a = 1.0 / (1.0 + math.exp(-(w * a + b)))
    return (a - p.y) ** 2 if p.loss == "squared" else 0.5 * (a - p.y) ** 2


@dataclass(frozen=True)
class Count:
    depth: int
    backprop: int  # multiplications of the sweep
    naive: int  # multiplications of recomputing each chain from scratch

    @property
    def backprop_terms(self) -> tuple[int, int]:
        """(hand-offs, weight products) of the sweep: n - 1 and n."""
        return (self.depth - 1, self.depth)

    @property
    def naive_terms(self) -> tuple[int, ...]:
        """Products per weight from scratch, w_1 first: n, n - 1, ..., 1."""
        return tuple(self.depth - k + 1 for k in range(1, self.depth + 1))


def count_multiplications(p: Params, depth: int) -> Count:
    """Run both methods on a chain of ``depth`` layers and count their multiplications.

    The two methods must agree on every gradient (checked here).
    """
    top, locals_, weight_slopes, _ = _float_factors(p, depth)
    fast, slow = CountingMultiply(), CountingMultiply()
    _, by_sweep = sweep(top, locals_, weight_slopes, fast)
    by_scratch = from_scratch(top, locals_, weight_slopes, slow)
    for k, (g1, g2) in enumerate(zip(by_sweep, by_scratch), start=1):
        if abs(g1 - g2) > 1e-12 * max(1.0, abs(g1)):
            raise AssertionError(f"sweep and from-scratch disagree on dL/dw_{k}: {g1} vs {g2}")
    return Count(depth, fast.count, slow.count)


def counts(p: Params, depths: Sequence[int] = COUNT_DEPTHS) -> list[Count]:
    return [count_multiplications(p, n) for n in depths]


# --------------------------------------------------------------------------
# The shown chain: exact values and their LaTeX
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class Layer:
    k: int
    w: Quantity
    b: Quantity
    z: Quantity
    a: Quantity
    local: Quantity  # da_k/da_{k-1} = w_k a_k (1 - a_k)
    weight_slope: Quantity  # da_k/dw_k = a_k (1 - a_k) a_{k-1}
    grad_a: Quantity  # dL/da_k, the sweep's running gradient
    grad_w: Quantity  # dL/dw_k = dL/da_k * da_k/dw_k


@dataclass(frozen=True)
class Chain:
    params: Params
    x: Quantity
    y: Quantity
    layers: tuple[Layer, ...]
    L: Quantity
    count: Count  # this chain's multiplications, counted

    @property
    def depth(self) -> int:
        return len(self.layers)

    @property
    def hand_offs(self) -> tuple[Quantity, ...]:
        """The sweep's running gradients in the order computed: dL/da_n, dL/da_{n-1}, ..., dL/da_1."""
        return tuple(layer.grad_a for layer in reversed(self.layers))


@lru_cache(maxsize=32)
def chain(p: Params, depth: int = DEPTH) -> Chain:
    xe, ye = exact(p.x), exact(p.y)
    zs, as_, ws, bs = [], [], [], []
    a_prev = xe
    for w, b in layer_parameters(p, depth):
        we, be = exact(w), exact(b)
        z = we * a_prev + be
        a = sigma(z)
        ws.append(we), bs.append(be), zs.append(z), as_.append(a)
        a_prev = a
    inputs = [xe] + as_[:-1]
    slopes = [a * (1 - a) for a in as_]
    locals_ = [w * s for w, s in zip(ws, slopes)]
    weight_slopes = [s * a_in for s, a_in in zip(slopes, inputs)]
    top = loss_slope(as_[-1], ye, p.loss)
    mul = CountingMultiply()
    grad_a, grad_w = sweep(top, locals_, weight_slopes, mul)
    n = depth
    layers = []
    for k in range(1, n + 1):
        i = k - 1
        a_in_sym = "x" if k == 1 else f"a_{{{k - 1}}}"
        a_in_val = inputs[i]
        if k == n:
            grad_sub = DLOSS_TEX[p.loss].replace("a_2", tex_factor(as_[i])).replace("y", tex_factor(ye))
            grad_formula = DLOSS_TEX[p.loss].replace("a_2", f"a_{{{n}}}")
        else:
            grad_formula = d_a(k + 1) + r"\cdot" + local_symbol(k + 1)
            grad_sub = f"{tex_factor(grad_a[i + 1])} \\cdot {tex_factor(locals_[i + 1])}"
        layers.append(
            Layer(
                k=k,
                w=Quantity(f"w_{{{k}}}", ws[i]),
                b=Quantity(f"b_{{{k}}}", bs[i]),
                z=Quantity(f"z_{{{k}}}", zs[i], f"w_{{{k}}} {a_in_sym} + b_{{{k}}}"),
                a=Quantity(f"a_{{{k}}}", as_[i], rf"\sigma(z_{{{k}}})"),
                local=Quantity(
                    local_symbol(k),
                    locals_[i],
                    f"w_{{{k}}}\\,a_{{{k}}}(1 - a_{{{k}}})",
                    f"{tex_factor(ws[i])} \\cdot {tex_factor(as_[i])}\\,(1 - {fmt(as_[i])})",
                ),
                weight_slope=Quantity(
                    weight_slope_symbol(k),
                    weight_slopes[i],
                    f"a_{{{k}}}(1 - a_{{{k}}})\\,{a_in_sym}",
                    f"{tex_factor(as_[i])}\\,(1 - {fmt(as_[i])}) \\cdot {tex_factor(a_in_val)}",
                ),
                grad_a=Quantity(d_a(k), grad_a[i], grad_formula, grad_sub),
                grad_w=Quantity(
                    d_w(k),
                    grad_w[i],
                    d_a(k) + r"\cdot" + weight_slope_symbol(k),
                    f"{tex_factor(grad_a[i])} \\cdot {tex_factor(weight_slopes[i])}",
                ),
            )
        )
    L = loss_value(as_[-1], ye, p.loss)
    return Chain(
        params=p,
        x=Quantity("x", xe),
        y=Quantity("y", ye),
        layers=tuple(layers),
        L=Quantity("L", L, LOSS_TEX[p.loss].replace("a_2", f"a_{{{n}}}")),
        count=Count(depth, mul.count, count_multiplications(p, depth).naive),
    )


def composed_loss(p: Params, depth: int = DEPTH) -> tuple[sp.Expr, list[sp.Symbol]]:
    """L as one sympy expression of symbolic weights w_1..w_n (for checking the sweep)."""
    ws = sp.symbols(f"w1:{depth + 1}", real=True)
    a = exact(p.x)
    for w, (_, b) in zip(ws, layer_parameters(p, depth)):
        a = sigma(w * a + exact(b))
    return loss_value(a, exact(p.y), p.loss), list(ws)
