"""The one place that decides how a number is printed.

Two styles, both here so they never drift apart:

* ``fmt`` for a value shown once (in a formula, a label, a caption). Exact
  integers print as integers ("42"), exact short decimals print exactly
  ("0.4209", "1.5"), anything else rounds to ``DECIMALS`` places, with more
  places for small magnitudes so at least ``SIGNIFICANT`` digits survive
  ("-0.0334", not "-0.033").
  Magnitudes below ``SCI_BELOW`` (where six places would no longer keep three
  significant digits) and from ``SCI_FROM`` up are written in scientific
  notation, three significant digits, as LaTeX: "-2.49 \\times 10^{-7}". So
  no nonzero value ever prints as zero, from 1e-9 to 1e3 and beyond.
* ``plain`` turns that LaTeX into text for captions and narration
  ("-2.49×10⁻⁷"); narration/speech.py says it ("... times ten to the minus seven").
  ``formula_text`` does the same for a formula's LaTeX ("6 (3x + 1)").
* ``fmt_fixed`` for live readouts that change while you watch (manim's
  DecimalNumber can only show a fixed number of places): always
  ``READOUT_DECIMALS`` places, of the value scaled by ``10^-exponent``.
  ``readout_exponent`` picks that scale from the values a readout will show, so
  a tiny gradient reads "-2.490" beside "× 10⁻⁴" instead of "0.000".
  ``fmt_beside_readout`` is for a static value set beside readouts: fixed
  places when they keep its digits, else ``fmt``.

Values may be sympy numbers (exact) or floats.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache

import sympy as sp

DECIMALS = 3
SIGNIFICANT = 3
MAX_DECIMALS = 6
# Exact decimals with up to this many places print in full.
EXACT_PLACES = 4
READOUT_DECIMALS = 3
# Scientific notation below this magnitude (six places would keep fewer than
# three significant digits) and from this one up (wider than "9999.999").
SCI_BELOW = 1e-4
SCI_FROM = 1e4
# A readout keeps its plain scale while every nonzero value it shows keeps at
# least two significant digits in READOUT_DECIMALS places; otherwise it scales.
READOUT_PLAIN_FROM = 0.01
# A scaled readout never grows wider than this many digits before the point.
READOUT_MAX_WHOLE_DIGITS = 3
SUPERSCRIPT_DIGITS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
# fmt's scientific form, as LaTeX: mantissa, then the power of ten.
SCI_TEX = re.compile(r"(-?\d+(?:\.\d+)?) \\times 10\^\{(-?\d+)\}")


def _places_for(value: float) -> int:
    """Decimal places: DECIMALS, or more so small numbers keep SIGNIFICANT digits."""
    magnitude = abs(value)
    if magnitude == 0 or magnitude >= 10 ** (SIGNIFICANT - DECIMALS - 1):
        return DECIMALS
    leading = math.floor(math.log10(magnitude))  # e.g. -2 for 0.0334
    return min(MAX_DECIMALS, SIGNIFICANT - 1 - leading)


def _exact_decimal(value: sp.Basic) -> str | None:
    """The exact decimal string of a rational with a short expansion, else None."""
    if not isinstance(value, sp.Rational):
        return None
    if value.q == 1:
        return str(int(value.p))
    scaled = value * 10**EXACT_PLACES
    if scaled.q != 1:
        return None
    text = format(Decimal(int(scaled.p)).scaleb(-EXACT_PLACES).normalize(), "f")
    return text


def _round(value: float, places: int) -> str:
    text = format(Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), ROUND_HALF_EVEN), "f")
    if float(text) == 0:
        text = text.lstrip("-")  # never print "-0.000"
    return text


@lru_cache(maxsize=4096)
def _float_of(exact: sp.Basic) -> float:
    """float() of an exact expression, remembered: scenes print the same deep
    sigmoid expressions many times, and sympy evaluates them slowly."""
    return float(exact)


def _scientific(value: float) -> str:
    """SIGNIFICANT digits times a power of ten, as LaTeX ("-2.49 \\times 10^{-7}")."""
    mantissa, exponent = f"{value:.{SIGNIFICANT - 1}e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")  # "2.50" -> "2.5", "1.00" -> "1"
    return f"{mantissa} {tex_times_ten(int(exponent))}"


def tex_times_ten(exponent: int) -> str:
    """The power of ten after a mantissa, as LaTeX: "\\times 10^{-4}".

    The one spelling of it: ``fmt``'s scientific form and a scaled readout's
    factor (``tex_scale``) both use it, so both read "× 10⁻⁴" with the same
    spacing (LaTeX's, around a binary "×")."""
    return rf"\times 10^{{{exponent}}}"


def needs_scientific(value: float) -> bool:
    magnitude = abs(value)
    return magnitude != 0 and not SCI_BELOW <= magnitude < SCI_FROM


def fmt(value, sign: bool = False) -> str:
    """A value as it is printed in every scene (LaTeX-safe; ASCII minus). Captions
    and narration take it through ``plain``."""
    exact = value if isinstance(value, sp.Basic) else None
    if exact is not None and exact.is_number:
        exact = sp.nsimplify(exact) if exact.is_Float else exact
    text = _exact_decimal(exact) if exact is not None else None
    if text is None:
        number = _float_of(exact) if exact is not None else float(value)
        text = _scientific(number) if needs_scientific(number) else _round(number, _places_for(number))
    if sign and not text.startswith("-"):
        text = "+" + text
    return text


def fmt_fixed(value, sign: bool = False, exponent: int = 0) -> str:
    """A value with exactly READOUT_DECIMALS places, matching a live readout
    (of the value divided by 10**exponent: see ``readout_exponent``)."""
    number = _float_of(value) if isinstance(value, sp.Basic) else float(value)
    text = _round(number / 10.0**exponent, READOUT_DECIMALS)
    if sign and not text.startswith("-"):
        text = "+" + text
    return text


def tex(value, sign: bool = False) -> str:
    """``fmt`` for LaTeX."""
    return fmt(value, sign=sign)


def tex_factor(value) -> str:
    """A value as a factor inside a product: negatives get parentheses."""
    text = fmt(value)
    return f"({text})" if text.startswith("-") else text


def tex_fixed_factor(value) -> str:
    text = fmt_fixed(value)
    return f"({text})" if text.startswith("-") else text


def tex_term(value) -> str:
    """A value added to something: ``+ 0.3`` or ``- 0.3`` (for "w x + b")."""
    text = fmt(value)
    return f"- {text[1:]}" if text.startswith("-") else f"+ {text}"


def plain(text: str) -> str:
    """fmt's LaTeX scientific form as text for captions and narration: "-2.5×10⁻⁷"."""
    return SCI_TEX.sub(lambda m: f"{m.group(1)}×10{m.group(2).translate(SUPERSCRIPT_DIGITS)}", text)


def readout_exponent(values) -> int:
    """The power of ten a live readout divides by so that the values it shows
    keep their digits in READOUT_DECIMALS places: 0 when they already do (every
    nonzero one at least READOUT_PLAIN_FROM), else the smallest one's order of
    magnitude, raised if needed so the largest has at most
    READOUT_MAX_WHOLE_DIGITS digits before the point."""
    magnitudes = [abs(float(v)) for v in values if float(v) != 0]
    if not magnitudes or min(magnitudes) >= READOUT_PLAIN_FROM:
        return 0
    low = math.floor(math.log10(min(magnitudes)))
    high = math.floor(math.log10(max(magnitudes)))
    return max(low, high - (READOUT_MAX_WHOLE_DIGITS - 1))


def tex_scale(exponent: int) -> str:
    """The LaTeX after a scaled readout ("\\times 10^{-4}"); empty at exponent 0.

    Typeset it after a digit (components/readout.py does) so the "×" is spaced
    as in ``fmt``'s scientific form."""
    return tex_times_ten(exponent) if exponent else ""


def fmt_beside_readout(value) -> str:
    """A static value among live readouts: their fixed places when those keep its
    digits, else ``fmt`` (so a tiny value never reads "0.000")."""
    return fmt_fixed(value) if readout_exponent([value]) == 0 else fmt(value)


def page_text(text: str) -> str:
    """A number or formula the core prints in LaTeX, as page text ("0.5 \\cdot 1" -> "0.5 · 1")."""
    return plain(text).replace(r"\cdot", "·").replace(r"\,", " ").replace("\\", "")


SUBSCRIPT_DIGITS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def formula_caption(tex: str) -> str:
    """A formula of the core's as a description writes it, to be read and heard:
    "\\sigma(z_1)" -> "σ(z₁)", "\\tfrac{1}{2}(a_2 - y)^2" -> "½(a₂ − y)²"."""
    tex = re.sub(r"\\t?frac\{1\}\{2\}", "½", tex)
    tex = re.sub(r"\\t?frac\{\\partial (\w+)\}\{\\partial (\w+)\}", r"∂\1/∂\2", tex)
    tex = tex.replace(r"\sigma", "σ").replace(r"\eta", "η")
    text = page_text(tex).replace("^{2}", "²").replace("^2", "²")
    text = re.sub(r"_\{?(\d)\}?", lambda m: m.group(1).translate(SUBSCRIPT_DIGITS), text)
    return " ".join(text.replace("-", "−").split())


def formula_text(tex: str) -> str:
    """A formula's LaTeX as a narration line writes it ("6 \\left(3 x + 1\\right)" -> "6 (3x + 1)")."""
    words = tex.replace(r"\left(", "(").replace(r"\right)", ")").replace(r"\cdot", "times")
    words = words.replace("^{2}", " squared").replace("^2", " squared")
    words = re.sub(r"(\d) ([a-z])\b", r"\1\2", words)  # "2 u" -> "2u"
    return " ".join(words.split())
