"""A named number of the lesson: exact (sympy), float, and its LaTeX formula."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import sympy as sp

from .numbers import fmt, fmt_fixed, tex_factor, tex_fixed_factor


def exact(value: float) -> sp.Rational:
    """The exact rational a user meant by a float parameter (0.3 -> 3/10)."""
    return sp.Rational(repr(float(value)))


@dataclass(frozen=True)
class Quantity:
    """One value the lesson shows.

    ``symbol`` is its LaTeX name ("z_1"), ``formula`` the general rule
    ("w_1 x + b_1"), ``substituted`` the rule with the numbers in
    ("0.5 \\cdot 1 + 0"); ``exact`` is a sympy expression. ``fixed`` quantities
    sit beside live readouts and print with the readouts' fixed places.
    """

    symbol: str
    exact: sp.Expr
    formula: str = ""
    substituted: str = ""
    fixed: bool = False

    @cached_property  # evaluating a deep sigmoid nest is slow; do it once
    def value(self) -> float:
        return float(sp.N(self.exact, 30))

    @cached_property
    def text(self) -> str:
        """The value as every scene prints it."""
        return fmt_fixed(self.exact) if self.fixed else fmt(self.exact)

    @property
    def factor(self) -> str:
        """The value as a factor in a product (negatives in parentheses)."""
        return tex_fixed_factor(self.exact) if self.fixed else tex_factor(self.exact)

    def equation(self, with_formula: bool = True) -> str:
        """``symbol = formula = substituted = value`` in LaTeX, skipping empty parts."""
        parts = [self.symbol]
        if with_formula and self.formula:
            parts.append(self.formula)
        if self.substituted:
            parts.append(self.substituted)
        parts.append(self.text)
        # Don't repeat a part that reads the same as the next (e.g. "3 = 3").
        deduped = [p for i, p in enumerate(parts) if i == len(parts) - 1 or p != parts[i + 1]]
        return " = ".join(deduped)

    def __float__(self) -> float:
        return self.value
