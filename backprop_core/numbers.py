"""The one place that decides how a number is printed.

Two styles, both here so they never drift apart:

* ``fmt`` for a value shown once (in a formula, a label, a caption). Exact
  integers print as integers ("42"), exact short decimals print exactly
  ("0.4209", "1.5"), anything else rounds to ``DECIMALS`` places, with more
  places for small magnitudes so at least ``SIGNIFICANT`` digits survive
  ("-0.0334", not "-0.033").
* ``fmt_fixed`` for live readouts that change while you watch (manim's
  DecimalNumber can only show a fixed number of places): always
  ``READOUT_DECIMALS`` places, and the static text beside a readout uses it too.

Values may be sympy numbers (exact) or floats.
"""

from __future__ import annotations

import math
from functools import lru_cache
from decimal import ROUND_HALF_EVEN, Decimal

import sympy as sp

DECIMALS = 3
SIGNIFICANT = 3
MAX_DECIMALS = 6
# Exact decimals with up to this many places print in full.
EXACT_PLACES = 4
READOUT_DECIMALS = 3


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


def fmt(value, sign: bool = False) -> str:
    """A value as it is printed in every scene and caption (plain text, ASCII minus)."""
    exact = value if isinstance(value, sp.Basic) else None
    if exact is not None and exact.is_number:
        exact = sp.nsimplify(exact) if exact.is_Float else exact
    text = _exact_decimal(exact) if exact is not None else None
    if text is None:
        number = _float_of(exact) if exact is not None else float(value)
        text = _round(number, _places_for(number))
    if sign and not text.startswith("-"):
        text = "+" + text
    return text


def fmt_fixed(value, sign: bool = False) -> str:
    """A value with exactly READOUT_DECIMALS places, matching a live readout."""
    number = _float_of(value) if isinstance(value, sp.Basic) else float(value)
    text = _round(number, READOUT_DECIMALS)
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
