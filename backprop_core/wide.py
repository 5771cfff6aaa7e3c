"""What's not shown: many neurons per layer, with numpy.

The lesson's input x feeds a 2-2-1 network: two layers of two sigmoid units,
then one sigmoid output, then the lesson's loss against the target y:

    z1 = W1 x + b1,   a1 = sigma(z1)      W1: 2x1, b1: 2
    z2 = W2 a1 + b2,  a2 = sigma(z2)      W2: 2x2, b2: 2
    z3 = W3 a2 + b3,  a3 = sigma(z3)      W3: 1x2, b3: 1
    L = loss(a3, y)

Default weights (``network(p)``) come from the lesson's Params where the lesson
has one: the top entry of W1 is the lesson's w1 (the weight whose gradient the
scene follows, "w"), b1 is (b1, b1), the first entry of W3 is the lesson's w2,
b3 is b2; x, y, the loss convention and eta are the lesson's. The other entries
are stated below. Two layers of two mean w reaches the loss along two paths,
so its gradient is a sum of two chain-rule products.

The backward pass in matrix form (⊙ is the elementwise product):

    delta3 = dL/da3 ⊙ sigma'(z3)
    delta2 = (W3^T delta3) ⊙ sigma'(z2)
    delta1 = (W2^T delta2) ⊙ sigma'(z1)
    dL/dW_l = delta_l a_{l-1}^T   (a_0 = x),    dL/db_l = delta_l

The same gradient of w is also computed as a sum over its paths, and both are
checked against central finite differences of the loss.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from .network import DLOSS_TEX, LOSS_TEX
from .numbers import fmt, tex_factor
from .params import Params
from .quantity import exact

# Entries of the default network that the lesson's Params don't give.
W1_LOWER = -0.6  # W1[1, 0]: x into the second unit of layer 1
W2_DEFAULT = ((0.9, -0.5), (0.4, 0.7))
B2_DEFAULT = (0.0, 0.0)
W3_RIGHT = -0.7  # W3[0, 1]: the second unit of layer 2 into the output

# Finite differences: step and the agreement required with the analytic gradient.
FD_STEP = 1e-6
FD_TOLERANCE = 1e-7


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


@dataclass(frozen=True)
class WideNet:
    """The weights as tuples (hashable); ``arrays()`` gives numpy arrays."""

    x: float
    W1: tuple
    b1: tuple
    W2: tuple
    b2: tuple
    W3: tuple
    b3: tuple
    y: float
    loss: str
    lr: float

    def arrays(self) -> dict[str, np.ndarray]:
        return {name: np.array(getattr(self, name), dtype=float) for name in ("W1", "b1", "W2", "b2", "W3", "b3")}

    def with_array(self, name: str, value: np.ndarray) -> WideNet:
        return replace(self, **{name: _as_tuple(value)})


def _as_tuple(a):
    a = np.asarray(a, dtype=float)
    if a.ndim == 1:
        return tuple(float(v) for v in a)
    return tuple(tuple(float(v) for v in row) for row in a)


def network(p: Params) -> WideNet:
    """The default 2-2-1 network for the lesson's parameters."""
    return WideNet(
        x=p.x,
        W1=((p.w1,), (W1_LOWER,)),
        b1=(p.b1, p.b1),
        W2=W2_DEFAULT,
        b2=B2_DEFAULT,
        W3=((p.w2, W3_RIGHT),),
        b3=(p.b2,),
        y=p.y,
        loss=p.loss,
        lr=p.lr,
    )


def random_network(seed: int, loss: str = "squared") -> WideNet:
    """A random network (for tests): weights and biases in [-2, 2], x in [-2, 2], y in [0, 1]."""
    rng = np.random.default_rng(seed)
    u = lambda *shape: rng.uniform(-2.0, 2.0, size=shape)  # noqa: E731
    return WideNet(
        x=float(u()),
        W1=_as_tuple(u(2, 1)),
        b1=_as_tuple(u(2)),
        W2=_as_tuple(u(2, 2)),
        b2=_as_tuple(u(2)),
        W3=_as_tuple(u(1, 2)),
        b3=_as_tuple(u(1)),
        y=float(rng.uniform(0.0, 1.0)),
        loss=loss,
        lr=1.0,
    )


# --------------------------------------------------------------------------
# Forward, loss, matrix backward
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class Forward:
    a0: np.ndarray  # the input as a vector, [x]
    z: tuple[np.ndarray, np.ndarray, np.ndarray]
    a: tuple[np.ndarray, np.ndarray, np.ndarray]
    L: float


def _loss(a3: float, y: float, convention: str) -> float:
    return (a3 - y) ** 2 if convention == "squared" else 0.5 * (a3 - y) ** 2


def _loss_slope(a3: float, y: float, convention: str) -> float:
    return 2.0 * (a3 - y) if convention == "squared" else (a3 - y)


def forward(net: WideNet) -> Forward:
    m = net.arrays()
    a0 = np.array([net.x], dtype=float)
    z1 = m["W1"] @ a0 + m["b1"]
    a1 = sigmoid(z1)
    z2 = m["W2"] @ a1 + m["b2"]
    a2 = sigmoid(z2)
    z3 = m["W3"] @ a2 + m["b3"]
    a3 = sigmoid(z3)
    return Forward(a0, (z1, z2, z3), (a1, a2, a3), float(_loss(a3[0], net.y, net.loss)))


def loss(net: WideNet) -> float:
    return forward(net).L


@dataclass(frozen=True)
class Backward:
    dL_da3: np.ndarray
    sigma_prime: tuple[np.ndarray, np.ndarray, np.ndarray]  # a(1 - a), per layer
    back: tuple[np.ndarray, np.ndarray]  # W3^T delta3 and W2^T delta2 (before ⊙ sigma')
    delta: tuple[np.ndarray, np.ndarray, np.ndarray]  # delta1, delta2, delta3
    dW: tuple[np.ndarray, np.ndarray, np.ndarray]
    db: tuple[np.ndarray, np.ndarray, np.ndarray]


def backward(net: WideNet, f: Forward | None = None) -> Backward:
    f = f or forward(net)
    m = net.arrays()
    a1, a2, a3 = f.a
    s1, s2, s3 = (a * (1.0 - a) for a in f.a)  # sigma' from the stored activations
    dL_da3 = np.array([_loss_slope(a3[0], net.y, net.loss)])
    d3 = dL_da3 * s3
    back2 = m["W3"].T @ d3
    d2 = back2 * s2
    back1 = m["W2"].T @ d2
    d1 = back1 * s1
    dW = (np.outer(d1, f.a0), np.outer(d2, a1), np.outer(d3, a2))
    return Backward(dL_da3, (s1, s2, s3), (back2, back1), (d1, d2, d3), dW, (d1, d2, d3))


# --------------------------------------------------------------------------
# One weight of layer 1 as a sum over paths
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class Path:
    """x -> layer-1 unit i -> layer-2 unit j -> output: the chain-rule factors along it."""

    via: int  # j, the layer-2 unit this path goes through (0 or 1)
    factors: tuple[float, ...]  # dL/da3, sigma'(z3), W3[0,j], sigma'(z2_j), W2[j,i], sigma'(z1_i), x
    product: float


PATH_FACTOR_TEX = (
    r"\frac{{\partial L}}{{\partial a_3}}",
    r"\sigma'(z_3)",
    "(W_3)_{{1{j}}}",
    r"\sigma'(z_{{2,{j}}})",
    "(W_2)_{{{j}{i}}}",
    r"\sigma'(z_{{1,{i}}})",
    "x",
)


def paths(net: WideNet, i: int = 0) -> list[Path]:
    """Every path from W1[i, 0] to the loss, each with its chain-rule product."""
    f = forward(net)
    m = net.arrays()
    s1, s2, s3 = (a * (1.0 - a) for a in f.a)
    top = _loss_slope(f.a[2][0], net.y, net.loss)
    found = []
    for j in range(len(s2)):
        factors = (top, s3[0], m["W3"][0, j], s2[j], m["W2"][j, i], s1[i], net.x)
        found.append(Path(j, tuple(float(v) for v in factors), float(np.prod(factors))))
    return found


def path_sum(net: WideNet, i: int = 0) -> float:
    return float(sum(path.product for path in paths(net, i)))


def finite_difference(net: WideNet, name: str, index: tuple[int, ...], h: float = FD_STEP) -> float:
    """Central difference of the loss in one entry of a weight or bias array."""
    base = net.arrays()[name]
    up, down = base.copy(), base.copy()
    up[index] += h
    down[index] -= h
    return (loss(net.with_array(name, up)) - loss(net.with_array(name, down))) / (2.0 * h)


def check(net: WideNet, tolerance: float = FD_TOLERANCE) -> None:
    """Every gradient of the matrix backward pass equals its finite difference, and
    each layer-1 weight's gradient equals its sum over paths. Raises if not."""
    b = backward(net)
    grads = {"W1": b.dW[0], "b1": b.db[0], "W2": b.dW[1], "b2": b.db[1], "W3": b.dW[2], "b3": b.db[2]}
    for name, grad in grads.items():
        for index in np.ndindex(grad.shape):
            fd = finite_difference(net, name, index)
            if abs(fd - grad[index]) > tolerance * max(1.0, abs(fd)):
                raise AssertionError(f"dL/d{name}{list(index)}: matrix {grad[index]} vs finite difference {fd}")
    for i in range(b.dW[0].shape[0]):
        total = path_sum(net, i)
        if abs(total - b.dW[0][i, 0]) > 1e-12 * max(1.0, abs(total)):
            raise AssertionError(f"dL/dW1[{i},0]: path sum {total} vs matrix {b.dW[0][i, 0]}")


# --------------------------------------------------------------------------
# What the scene shows, printed
# --------------------------------------------------------------------------
def show(value) -> str:
    """A value as printed: a given parameter (0.8, 1) exactly, a computed one rounded."""
    return fmt(exact(float(value)))


def show_factor(value) -> str:
    """``show`` as a factor in a product: negatives in parentheses."""
    return tex_factor(exact(float(value)))


def tex_vector(v) -> str:
    entries = r" \\ ".join(show(e) for e in np.ravel(v))
    return rf"\begin{{bmatrix}} {entries} \end{{bmatrix}}"


def tex_matrix(M) -> str:
    M = np.atleast_2d(np.asarray(M, dtype=float))
    rows = r" \\ ".join(" & ".join(show(e) for e in row) for row in M)
    return rf"\begin{{bmatrix}} {rows} \end{{bmatrix}}"


@dataclass(frozen=True)
class Example:
    """The default network's numbers, checked, with the strings the scene prints."""

    net: WideNet
    forward: Forward
    backward: Backward
    paths: tuple[Path, ...]
    gradient: float  # dL/dw, w = W1[0, 0], from the matrix pass
    path_total: float  # the same from the sum over paths
    finite_difference: float
    w_new: float  # w - eta dL/dw
    loss_tex: str  # the loss formula with a_3
    dloss_tex: str  # dL/da3 in symbols

    @property
    def w(self) -> float:
        return self.net.W1[0][0]


@lru_cache(maxsize=16)
def example(p: Params) -> Example:
    net = network(p)
    check(net)
    f = forward(net)
    b = backward(net, f)
    ps = tuple(paths(net, 0))
    g = float(b.dW[0][0, 0])
    return Example(
        net=net,
        forward=f,
        backward=b,
        paths=ps,
        gradient=g,
        path_total=path_sum(net, 0),
        finite_difference=finite_difference(net, "W1", (0, 0)),
        w_new=net.W1[0][0] - net.lr * g,
        loss_tex=LOSS_TEX[p.loss].replace("a_2", "a_3"),
        dloss_tex=DLOSS_TEX[p.loss].replace("a_2", "a_3"),
    )


def path_product_tex(path: Path) -> str:
    """One path's product with its numbers: (−0.7) · 0.2 · ..."""
    return r" \cdot ".join(show_factor(v) for v in path.factors)


def path_symbols_tex(path: Path, i: int = 0) -> str:
    return r"\,".join(t.format(i=i + 1, j=path.via + 1) for t in PATH_FACTOR_TEX)


# The matrix form, as the scene writes it.
JACOBIAN_ACTIVATION_TEX = r"\frac{\partial a_l}{\partial z_l} = \operatorname{diag}\bigl(\sigma'(z_l)\bigr)"
JACOBIAN_WEIGHTS_TEX = r"\frac{\partial z_{l+1}}{\partial a_l} = W_{l+1}"
DELTA_RULE_TEX = r"\delta_l = \bigl(W_{l+1}^{T}\,\delta_{l+1}\bigr) \odot \sigma'(z_l)"
WEIGHT_GRADIENT_TEX = r"\frac{\partial L}{\partial W_l} = \delta_l\,a_{l-1}^{T}"
PATH_SUM_TEX = (
    r"\frac{\partial L}{\partial w} = \sum_{j=1}^{2} \frac{\partial L}{\partial a_3}\,\sigma'(z_3)\,(W_3)_{1j}"
    r"\,\sigma'(z_{2,j})\,(W_2)_{j1}\,\sigma'(z_{1,1})\,x"
)
UPDATE_TEX = r"w \leftarrow w - \eta\,\frac{\partial L}{\partial w}"


@dataclass(frozen=True)
class Line:
    """One line of the matrix backward pass: symbol = formula = numbers = value (LaTeX parts)."""

    symbol: str
    formula: str
    substituted: str
    value: str

    def parts(self) -> tuple[str, ...]:
        return (self.symbol, "=", self.formula, "=", self.substituted, "=", self.value)


def delta_lines(e: Example) -> tuple[Line, Line, Line]:
    """delta3, delta2, delta1 with their numbers."""
    b = e.backward
    s1, s2, s3 = b.sigma_prime
    d1, d2, d3 = b.delta
    m = e.net.arrays()
    return (
        Line(
            r"\delta_3",
            r"\frac{\partial L}{\partial a_3} \odot \sigma'(z_3)",
            f"{show_factor(b.dL_da3[0])} \\cdot {show_factor(s3[0])}",
            show(d3[0]),
        ),
        Line(
            r"\delta_2",
            r"\bigl(W_3^{T}\,\delta_3\bigr) \odot \sigma'(z_2)",
            f"{tex_matrix(m['W3'].T)}\\,{show_factor(d3[0])} \\odot {tex_vector(s2)}",
            tex_vector(d2),
        ),
        Line(
            r"\delta_1",
            r"\bigl(W_2^{T}\,\delta_2\bigr) \odot \sigma'(z_1)",
            f"{tex_matrix(m['W2'].T)}\\,{tex_vector(d2)} \\odot {tex_vector(s1)}",
            tex_vector(d1),
        ),
    )


def gradient_line(e: Example) -> Line:
    """dL/dW1 = delta1 x^T, the matrix holding w's gradient."""
    return Line(
        r"\frac{\partial L}{\partial W_1}",
        r"\delta_1\,x^{T}",
        f"{tex_vector(e.backward.delta[0])}\\,{show_factor(e.net.x)}",
        tex_vector(e.backward.dW[0]),
    )


def update_line(e: Example) -> Line:
    return Line(
        "w",
        r"w - \eta\,\frac{\partial L}{\partial w}",
        f"{show(e.w)} - {show_factor(e.net.lr)} \\cdot {show_factor(e.gradient)}",
        show(e.w_new),
    )
