"""A quantity's equation, ``symbol = formula = numbers = value``, with the numbers it reuses as pieces of their own.

A value computed in an earlier step flies into the place where the formula
uses it, so each reused number must be a piece of the MathTex; ``slots`` says
which pieces a list of reused numbers land in.
"""

from __future__ import annotations

import re

from manim import MathTex, VMobject


def split_on_tokens(tex: str, tokens: list[str]) -> list[str]:
    """Split LaTeX at whole-number occurrences of the tokens ("0.8" not inside "0.85")."""
    alternatives = sorted(set(tokens), key=len, reverse=True)
    pattern = "|".join(rf"(?<![\d.]){re.escape(t)}(?![\d])" for t in alternatives)
    out, last = [], 0
    for m in re.finditer(pattern, tex):
        if m.start() > last:
            out.append(tex[last : m.start()])
        out.append(m.group(0))
        last = m.end()
    if last < len(tex):
        out.append(tex[last:])
    return [c for c in out if c]


def equation_pieces(q, tokens: list[str]) -> tuple[list[str], dict[str, int]]:
    """``q.equation()`` cut into pieces for MathTex: symbol, formula, each token of
    the substituted part on its own, result. Returns the pieces and the indices of
    symbol, result and each token occurrence (as "token#n")."""
    parts = [("symbol", q.symbol)]
    if q.formula:
        parts.append(("formula", q.formula))
    if q.substituted:
        parts.append(("substituted", q.substituted))
    parts.append(("result", q.text))
    # Quantity.equation() drops a part that reads the same as the next one.
    parts = [p for i, p in enumerate(parts) if i == len(parts) - 1 or p[1] != parts[i + 1][1]]
    pieces: list[str] = []
    where: dict[str, int] = {}
    for i, (kind, tex) in enumerate(parts):
        if i:
            pieces.append(" = ")
        if kind == "substituted" and tokens:
            where["substituted"] = len(pieces)
            for chunk in split_on_tokens(tex, tokens):
                if chunk in tokens:
                    n = sum(1 for k in where if k.startswith(chunk + "#"))
                    where[f"{chunk}#{n}"] = len(pieces)
                pieces.append(chunk)
        else:
            where.setdefault(kind, len(pieces))
            pieces.append(tex)
    return pieces, where


class Equation(MathTex):
    """``q.equation()`` with ``tokens`` (reused numbers) as pieces; symbol and value in ``accent``."""

    def __init__(self, q, tokens=(), *, font_size: float, color: str, accent: str) -> None:
        pieces, self.where = equation_pieces(q, list(tokens))
        super().__init__(*pieces, arg_separator="", font_size=font_size, color=color)
        self.symbol.set_color(accent)
        self.result.set_color(accent)

    @classmethod
    def fitting(cls, q, tokens, width: float, sizes, *, color: str, accent: str) -> Equation:
        """At the largest of ``sizes`` that fits ``width``; shrunk to it if even the smallest does not
        (a long number in scientific notation)."""
        for size in sizes:
            eq = cls(q, tokens, font_size=size, color=color, accent=accent)
            if eq.width <= width:
                return eq
        return eq.scale_to_fit_width(width)

    @property
    def symbol(self) -> VMobject:
        return self[self.where["symbol"]]

    @property
    def result(self) -> VMobject:
        return self[self.where["result"]]

    def occurrences(self, text: str) -> list[VMobject]:
        """The pieces that are ``text`` in the numbers part, left to right."""
        keys = sorted((k for k in self.where if k.startswith(text + "#")), key=self.where.get)
        return [self[self.where[k]] for k in keys]

    def slots(self, texts: list[str]) -> list[list[VMobject]]:
        """Where each reused number lands: every occurrence of its text; a text shared by several
        numbers gives one occurrence to each, in order. An equation without numbers whose value is
        the reused number ("dz2/da1 = w2 = 0.8") takes it into its value."""
        landed: list[list[VMobject]] = []
        taken: list[VMobject] = []
        for text in texts:
            free = [p for p in self.occurrences(text) if all(p is not t for t in taken)]
            if not self.occurrences(text) and "substituted" not in self.where and self.result.tex_string == text:
                free = [self.result]
            chosen = free[:1] if texts.count(text) > 1 else free
            taken += chosen
            landed.append(chosen)
        return landed
