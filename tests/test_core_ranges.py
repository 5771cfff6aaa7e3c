"""Any parameters validation accepts: the core computes every section's numbers
without tripping its own validation, and every number prints with its digits.

Property-based (hypothesis) over the whole accepted box; the scenes themselves
at its corners are in tests/test_corners.py (marker ``corners``).
"""

from __future__ import annotations

import math
import re

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backprop_core import deep, descent_view, network, wide
from backprop_core.numbers import (
    SCI_TEX,
    fmt,
    fmt_beside_readout,
    fmt_fixed,
    plain,
    readout_exponent,
)
from backprop_core.params import LOSS_CHOICES, NUMERIC_FIELDS, ParameterError, Params
from narration.speech import spoken


def read_back(text: str) -> float:
    """The number a fmt text means (its LaTeX scientific form included)."""
    m = SCI_TEX.fullmatch(text)
    # Read as one literal: 4.94 * 10.0 ** -324 would underflow to 0 where 4.94e-324 does not.
    return float(f"{m.group(1)}e{m.group(2)}") if m else float(text)


# -- the number rule ----------------------------------------------------------
magnitudes = st.floats(min_value=1e-9, max_value=1e3, allow_nan=False)
signed = st.tuples(magnitudes, st.sampled_from((1, -1))).map(lambda t: t[0] * t[1])


@given(signed)
def test_every_magnitude_keeps_three_significant_digits(value):
    text = fmt(value)
    back = read_back(text)
    assert back != 0, f"{value!r} printed as {text}"
    assert math.copysign(1, back) == math.copysign(1, value)
    assert abs(back - value) <= 5.01e-3 * abs(value), (value, text)


@given(signed)
def test_captions_and_the_voice_read_every_number(value):
    caption = plain(fmt(value))
    assert "\\" not in caption and "{" not in caption
    said = spoken(f"The gradient is {caption}.")
    assert not re.search(r"\d", said), said  # every digit became a word
    if "×10" in caption:
        assert "times ten to the" in said


@given(signed)
def test_a_readout_scaled_by_the_rule_shows_the_values_digits(value):
    exponent = readout_exponent([value])
    shown = float(fmt_fixed(value, exponent=exponent)) * 10.0**exponent
    # At least two significant digits (0.0334 reads 0.033: the default readouts stay as they were).
    assert abs(shown - value) <= 5.01e-2 * abs(value), (value, exponent)
    assert read_back(fmt_beside_readout(value)) != 0


def test_scientific_notation_examples():
    assert fmt(-2.5e-7) == r"-2.5 \times 10^{-7}"
    assert plain(fmt(-2.5e-7)) == "-2.5×10⁻⁷"
    assert fmt(-0.000249) == "-0.000249"  # six places still keep three digits: no notation
    assert fmt(1e-9) == r"1 \times 10^{-9}"
    assert spoken("ΔL = -2.5×10⁻⁷") == "delta L equals minus two point five times ten to the minus seven"
    assert readout_exponent([-0.000249, -0.000247]) == -4
    assert fmt_fixed(-0.000249, exponent=-4) == "-2.490"
    assert readout_exponent([0.0334, 0.5]) == 0  # the default readouts keep their plain scale
    assert fmt(sp.Integer(0)) == "0"


# -- the core over the accepted box ----------------------------------------------
def field(name):
    low, high, _ = NUMERIC_FIELDS[name]
    # The bounds themselves, often: that is where the crashes were.
    return st.one_of(st.sampled_from((low, high)), st.floats(min_value=low, max_value=high))


accepted = st.builds(
    Params,
    x=field("x"),
    w1=field("w1"),
    w2=field("w2"),
    b1=field("b1"),
    b2=field("b2"),
    y=field("y"),
    lr=field("lr"),
    loss=st.sampled_from(LOSS_CHOICES),
)
SLOW = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SLOW
@given(accepted)
def test_the_walkthrough_and_its_update_compute_for_any_accepted_parameters(p):
    walk = network.walkthrough(p)
    u = walk.update
    for q in (*(s.quantity for s in walk.steps), u.loss_before, u.loss_after, u.loss_change):
        if q.value != 0:
            assert read_back(q.text) != 0, (q.symbol, q.value, q.text)
    # The words follow the sign the core computed.
    assert u.went == ("down" if u.loss_change.value < 0 else "up" if u.loss_change.value > 0 else "nowhere")
    assert u.params_after.w1 == pytest.approx(u.w1_new.value)


@SLOW
@given(accepted)
def test_descent_computes_for_any_accepted_parameters(p):
    v = descent_view.view(p)
    for axis in (v.w_axis, v.L_axis, v.overview_w, v.overview_L):
        assert math.isfinite(axis.low) and axis.low < axis.high
        ticks = (axis.high - axis.low) / axis.step
        assert 2 <= round(ticks) <= 12
    for axis in (v.w_axis, v.L_axis):  # the labelled ones (the overview has no numbers)
        assert axis.places <= 6
    for step in v.steps:
        assert step.loss_went == ("down" if step.loss_change < 0 else "up" if step.loss_change > 0 else "nowhere")
    if v.steps_visible:
        ws = [pt.w1 for pt in v.points]
        assert v.w_axis.low < min(ws) and max(ws) < v.w_axis.high


@SLOW
@given(accepted)
def test_the_other_sections_cores_compute_for_any_accepted_parameters(p):
    e = wide.example(p)  # the 2-2-1 network: its entries are not held to the inputs' ranges
    for line in (*wide.delta_lines(e), wide.gradient_line(e), wide.update_line(e)):
        assert line.parts
    deep.chain(p)
    deep.counts(p)


def test_refusals_print_the_value_as_given():
    with pytest.raises(ParameterError) as err:
        Params().with_overrides(["w1=5.0000001"])
    assert "= 5.0000001 is out of range" in str(err.value)
    with pytest.raises(ParameterError) as err:
        Params(w1=5.000000000000001)
    assert "5.000000000000001" in str(err.value)


def test_derived_values_may_leave_the_input_range_but_not_be_absurd():
    p = Params(w1=5.0, x=5.0, y=0.0, w2=-5.0)
    assert p.derived(w1=36.0).w1 == 36.0
    with pytest.raises(ParameterError):
        p.derived(w1=math.nan)
    network.update(p)  # the updated w1 = 5.0000...: was refused as "5 out of [-5, 5]"
