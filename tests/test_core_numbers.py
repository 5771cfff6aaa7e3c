"""One formatting rule for every number in the lesson."""

from __future__ import annotations

import sympy as sp

from backprop_core.numbers import (
    fmt,
    fmt_fixed,
    formula_caption,
    formula_text,
    page_text,
    plain,
    tex_factor,
    tex_scale,
    tex_term,
    tex_times_ten,
)


def test_exact_values_print_exactly():
    assert fmt(sp.Integer(42)) == "42"
    assert fmt(sp.Rational(494209, 10000)) == "49.4209"
    assert fmt(sp.Rational(3, 2)) == "1.5"
    assert fmt(sp.Integer(0)) == "0"


def test_irrational_values_round_to_three_places_or_three_significant_digits():
    assert fmt(1 / (1 + sp.exp(-sp.Rational(1, 2)))) == "0.622"
    assert fmt(-0.033419) == "-0.0334"
    assert fmt(0.0011088) == "0.00111"
    assert fmt(123.45678) == "123.457"
    assert fmt(sp.Rational(1, 3)) == "0.333"


def test_no_negative_zero_and_signs_on_request():
    assert fmt_fixed(-0.0000001) == "0.000"
    assert fmt(1.0, sign=True) == "+1.000"
    assert fmt_fixed(1.2, sign=True) == "+1.200"
    assert fmt_fixed(-1.2, sign=True) == "-1.200"


def test_factors_and_terms():
    assert tex_factor(-0.756) == "(-0.756)"
    assert tex_factor(sp.Rational(4, 5)) == "0.8"
    assert tex_term(sp.Rational(-3, 10)) == "- 0.3"
    assert tex_term(sp.Integer(0)) == "+ 0"


def test_one_spelling_of_times_ten():
    # fmt's scientific form and a scaled readout's factor share it, so they read alike.
    assert tex_times_ten(-6) == r"\times 10^{-6}"
    assert fmt(-1.53e-6) == "-1.53 " + tex_times_ten(-6)
    assert tex_scale(-4) == tex_times_ten(-4) and tex_scale(0) == ""
    assert plain(fmt(-1.53e-6)) == "-1.53×10⁻⁶"


def test_formula_caption_and_page_text_write_the_cores_latex_for_a_description_and_the_page():
    assert formula_caption(r"\sigma(z_1)") == "σ(z₁)"
    assert formula_caption(r"\tfrac{1}{2}(a_2 - y)^2") == "½(a₂ − y)²"
    assert formula_caption(r"w_1 - \eta\,\frac{\partial L}{\partial w_1}") == "w₁ − η ∂L/∂w₁"
    assert formula_caption("-2.5 \\times 10^{-7}") == "−2.5×10⁻⁷"
    assert page_text(r"0.5 \cdot 1 + 0") == "0.5 · 1 + 0"
    assert formula_caption("beta") == "beta"  # only TeX's \eta is a Greek letter


def test_formula_text_writes_the_cores_latex_for_a_narration_line():
    assert formula_text(r"6 \left(3 x + 1\right)") == "6 (3x + 1)"
    assert formula_text(r"2 u \cdot 3") == "2u times 3"
    assert formula_text("u^2") == "u squared"
    assert formula_text("7.03^{2}") == "7.03 squared"
