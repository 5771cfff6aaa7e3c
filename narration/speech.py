"""Text for the ear: how a narration line is *spoken*.

Narration lines are written for the screen ("∂L/∂w₁ = -0.0334", "a₂ = σ(z₂)").
A speech engine reads symbols badly, so :func:`spoken` rewrites a line the way a
teacher would say it ("dee L by dee w one equals minus zero point zero three
three four"). Only the audio uses this; captions keep the written text.
"""

from __future__ import annotations

import re

DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
SUBSCRIPTS = {chr(0x2080 + i): i for i in range(10)}
SUPERSCRIPTS = {"²": " squared", "³": " cubed"}

GREEK = {
    "σ": "sigma",
    "η": "eta",
    "α": "alpha",
    "β": "beta",
    "δ": "delta",
    "Δ": "delta",
    "θ": "theta",
    "λ": "lambda",
    "μ": "mu",
    "ε": "epsilon",
    "∑": "the sum of",
    "Σ": "sum",
}
# Functions: "σ(z₁)" is "sigma of z one"; any other symbol before "(" multiplies: "a₁(1 − a₁)".
FUNCTIONS = {"σ", "f", "g", "h", "sigma", "exp", "log", "ln", "tanh", "relu", "ReLU"}
SYMBOLS = {
    "←": " becomes ",
    "→": " to ",
    "≈": " is about ",
    "≠": " is not ",
    "≤": " is at most ",
    "≥": " is at least ",
    "×": " times ",
    "·": " times ",
    "⋅": " times ",
    "∘": " after ",
    "=": " equals ",
    "+": " plus ",
    "…": "...",
    "–": ", ",
    "—": ", ",
    "%": " percent",
}
MINUS = "\u2212"

# A symbol: a letter (Latin or Greek) with an optional subscript or trailing digits, e.g. w₁, a2, z, η.
_SYM = r"(?:[A-Za-zσηαβδΔθλμε][₀-₉]*)"


def number_words(token: str) -> str:
    """'-0.0334' -> 'minus zero point zero three three four'; '2.800' -> 'two point eight'."""
    sign = ""
    if token[0] in "-" + MINUS:
        sign, token = "minus ", token[1:]
    if "." in token:
        whole, frac = token.split(".", 1)
        frac = frac.rstrip("0")
        whole_words = _int_words(int(whole or "0"))
        if not frac:
            return sign + whole_words
        return sign + whole_words + " point " + " ".join(DIGITS[int(d)] for d in frac)
    return sign + _int_words(int(token))


_ONES = DIGITS + [
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def _int_words(n: int) -> str:
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else "-" + _ONES[n % 10])
    if n < 1000:
        rest = n % 100
        return _ONES[n // 100] + " hundred" + ("" if rest == 0 else " and " + _int_words(rest))
    if n < 1_000_000:
        rest = n % 1000
        return _int_words(n // 1000) + " thousand" + ("" if rest == 0 else " " + _int_words(rest))
    return " ".join(DIGITS[int(d)] for d in str(n))


def _symbol_words(sym: str) -> str:
    """'w₁' -> 'w one', 'a₂' -> 'ay two', 'η' -> 'eta', 'w1' -> 'w one'."""
    m = re.fullmatch(r"([A-Za-zσηαβδΔθλμε])([₀-₉]*|\d*)", sym)
    if not m:
        return sym
    letter, index = m.groups()
    letter = GREEK.get(letter, letter)
    if letter == "a" and index:
        letter = "ay"  # "a two", not the article
    digits = "".join(str(SUBSCRIPTS[c]) if c in SUBSCRIPTS else c for c in index)
    return letter + ("" if not digits else " " + " ".join(DIGITS[int(d)] for d in digits))


_SUPERSCRIPT_DIGITS = {c: str(i) for i, c in enumerate("⁰¹²³⁴⁵⁶⁷⁸⁹")}


def _power_of_ten(m: re.Match) -> str:
    """ "×10⁻⁷" (numbers.plain's scientific form) -> " times ten to the minus seven"."""
    exponent = m.group(1)
    sign = "minus " if exponent[0] == "⁻" else ""
    digits = "".join(_SUPERSCRIPT_DIGITS[c] for c in exponent.lstrip("⁻"))
    return f" times ten to the {sign}{_int_words(int(digits))}"


def spoken(text: str) -> str:
    """The narration line as it should be pronounced."""
    s = " ".join(text.split())
    # Scientific notation first, before "×" and "-" get their general readings.
    s = re.sub(r"\s*×\s*10([⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)", _power_of_ten, s)
    # Derivatives: ∂L/∂w₁, dL/dw1 -> "dee L by dee w one".
    s = re.sub(
        rf"[∂d]({_SYM})\s*/\s*[∂d]({_SYM})",
        lambda m: f"dee {_symbol_words(m.group(1))} by dee {_symbol_words(m.group(2))}",
        s,
    )
    s = s.replace("∂", "dee ")
    # Already written for the ear ("dy by dx"): say "dee y", not "die".
    s = re.sub(r"\bd([A-Za-z])( by )d([A-Za-z])\b", r"dee \1\2dee \3", s)
    # Primes of a one-letter symbol: f′(x), f'(x), σ′ -> "f prime" (not the weights' possessive).
    s = re.sub(r"(?<![A-Za-z])([A-Za-zσ])[′']\B", r"\1 prime", s)
    s = re.sub(r"(?<![A-Za-z])([A-Za-zσ])[′'](?![A-Za-z])", r"\1 prime", s)
    s = s.replace("′", " prime")
    for sup, word in SUPERSCRIPTS.items():
        s = s.replace(sup, word)
    s = re.sub(r"\^2\b", " squared", s)

    # Function application and implicit products before "(".
    def paren(m: re.Match) -> str:
        head = m.group(1)
        return f"{head} of " if head in FUNCTIONS or head.rstrip(" prime") in FUNCTIONS else f"{head} times "

    s = re.sub(r"(\b\w+(?: prime)?|σ(?: prime)?|[₀-₉\d]+)\(", paren, s)
    s = re.sub(r"(?<=\S)\(", " times ", s)
    s = s.replace("(", " ").replace(")", " ")
    # Signs: "-0.7", "−0.0334" (a minus sign before a number); "a − b" (an operator).
    s = re.sub(rf"(^|[\s:=(,])[-{MINUS}](?=\d)", r"\1minus ", s)
    s = re.sub(rf"\s[-{MINUS}]\s", " minus ", s)
    s = s.replace(MINUS, " minus ")
    # Symbols with indices: w₁, a₂, z₁, w1 (a letter glued to digits), Greek letters.
    s = re.sub(r"(?<![A-Za-z])([A-Za-zσηαβδΔθλμε])([₀-₉]+)", lambda m: _symbol_words(m.group(0)), s)
    s = re.sub(r"\b([A-Za-z])(\d)\b", lambda m: _symbol_words(m.group(0)), s)
    s = re.sub(r"\b(\d+)([a-z])\b", r"\1 \2", s)  # 3x, 2u: a coefficient and a symbol
    s = re.sub(r"\ba(?= [ijkn]\b)", "ay", s)  # "a k": the activation of layer k, not the article
    for greek, word in GREEK.items():
        s = s.replace(greek, f" {word} ")
    for sym, word in SYMBOLS.items():
        s = s.replace(sym, word)
    s = s.replace("/", " over ")
    # Numbers last: "2.800" -> "two point eight", "section 01" -> "section one".
    s = re.sub(
        r"(?<![\w.])(minus )?(\d+(?:\.\d+)?)(?![\w])", lambda m: (m.group(1) or "") + number_words(m.group(2)), s
    )
    s = re.sub(r"\s+([,.:;!?])", r"\1", s)
    return " ".join(s.split())
