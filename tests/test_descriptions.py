"""The audio description (issue 22): every beat says what its picture shows.

* Every beat of every section has a description, or "" (the narration says it
  all): decided, never forgotten (None).
* Nothing on screen goes unsaid: every number a beat puts on screen (a readout,
  a value in a formula, a formula's result) is in that beat's narration or its
  description, or the scene lists that text in its ``UNSAID`` with a reason (an
  axis tick, say). A number still on screen from the beat before was said there.
  Checked at the defaults and, under the ``corners`` marker, at one ``--set``
  parameter set, so a description's numbers come from the core, as the
  narration's do.

TeX structure is not a number said: subscripts and powers (w_1, x^2), the
integer fractions of a formula (\\tfrac{1}{2}, spoken "one half").
"""

from __future__ import annotations

import re

import pytest

from backprop_core.params import Params
from scenes.manifest import LESSON

from .harness import run_scene, scene_class

SECTIONS = [s.name for s in LESSON]
# A --set of every slider: the network's parameters, the loss, the derivative's stop, the partials' point.
OTHER = Params(x=-0.7, w1=0.3, w2=1.2, y=0.2, loss="half", derivative_x=-0.5, partials_x=-0.4, partials_y=0.6)

SUPERSCRIPT = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")
WORDS = {
    w: k for k, w in enumerate(["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"])
}
# TeX that is a formula's structure, not a value: subscripts, powers, integer fractions.
# A live readout's scale after its digits ("\times 10^{-3}", components/readout.py) is structure too:
# its readouts are said in the scaled form ("-4.290×10⁻³").
STRUCTURE = re.compile(r"[_^](\{[^{}]*\}|\w)|\\t?frac\{\d+\}\{\d+\}|^\s*\\times\s*10\^\{-?\d+\}\s*$")
SCIENTIFIC_TEX = re.compile(r"(-?\d+(?:\.\d+)?)\s*\\times\s*10\^\{(-?\d+)\}")
SCIENTIFIC_TEXT = re.compile(r"(-?\d+(?:\.\d+)?)×10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)")
NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?![\w])")
# In words a coefficient may lead its variable: "2x" and "3x + 1" say 2 and 3.
SAID_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?=[a-z]?(?!\w))")


def shown_numbers(text: str) -> list[float]:
    """The numbers a text on screen shows (TeX source, a Text's string or a readout's digits)."""
    found = [float(f"{m}e{e}") for m, e in SCIENTIFIC_TEX.findall(text)]
    text = STRUCTURE.sub(" ", SCIENTIFIC_TEX.sub(" ", text))
    text = text.replace("−", "-").replace("\\,", " ")
    return found + [float(n) for n in NUMBER.findall(text)]


def said_numbers(words: str) -> set[float]:
    """Every number a narration or description says, as digits or as a small number's word."""
    words = words.replace("−", "-")
    said = set()
    for m, e in SCIENTIFIC_TEXT.findall(words):
        said |= {float(f"{m}e{e.translate(SUPERSCRIPT)}"), float(m)}  # the readout's mantissa too
    words = SCIENTIFIC_TEXT.sub(" ", words)
    words = re.sub(r"\bminus\s+(?=\d)", "-", words)
    said |= {float(n) for n in SAID_NUMBER.findall(words)}
    said |= {float(WORDS[w]) for w in re.findall(r"[a-z]+", words.lower()) if w in WORDS}
    return said


def is_said(value: float, said: set[float]) -> bool:
    # A positive number said after a minus sign ("x - 1") is still said; a negative one needs its sign.
    return value in said or (value >= 0 and -value in said)


def unsaid(run, declared: dict[str, str]) -> dict[str, list[str]]:
    """Per beat, the texts new on screen whose numbers neither line says (and not declared)."""
    missing, before = {}, set()
    for beat in run.beats:
        said = said_numbers(f"{beat.narration} {beat.description or ''}")
        for text in beat.texts:
            if text in before or text in declared:
                continue
            if any(not is_said(v, said) for v in shown_numbers(text)):
                missing.setdefault(beat.name, []).append(text)
        before = set(beat.texts)
    return missing


def test_the_number_reader():
    assert shown_numbers("f(2.100) \\approx 1.500 + 1.000 \\cdot 0.100") == [2.1, 1.5, 1.0, 0.1]
    assert shown_numbers("f(x) = \\tfrac{1}{2}x^2 - x + 1.5") == [1.5]
    assert shown_numbers("w_{1} = -2.5 \\times 10^{-7}") == [-2.5e-7]
    assert shown_numbers("Thechainrule,unfolded") == []
    assert shown_numbers("\\times 10^{-3}") == []  # a readout's scale, alone
    assert said_numbers("∂L/∂w₁ = -2.5×10⁻⁷, minus 0.756 and zero") >= {-2.5e-7, -0.756, 0.0}
    assert said_numbers("u = 3x + 1, so du/dx is 2x") == {3.0, 1.0, 2.0}
    assert said_numbers("the 10th and 2xy") == set()  # a word, not a coefficient
    assert is_said(1.0, {-1.0}) and not is_said(-1.7, {1.7})


@pytest.mark.parametrize("section", SECTIONS)
def test_every_beat_has_a_description_or_nothing_more(section):
    forgotten = [b.name for b in run_scene(section).beats if b.description is None]
    assert not forgotten, (
        f"{section}: beats without described= (a sentence, or '' when the narration says it all): {forgotten}"
    )
    for beat in run_scene(section).beats:
        assert len(beat.description.split(". ")) <= 3, f"{section}/{beat.name}: a description is one or two sentences"


def _check_said(section: str, params: Params | None) -> None:
    declared = scene_class(section).unsaid()
    missing = unsaid(run_scene(section, params), declared)
    assert not missing, (
        f"{section}: numbers on screen that neither the narration nor the description says "
        f"(say them in described=, or list the text in the scene's UNSAID with a reason): {missing}"
    )


@pytest.mark.parametrize("section", SECTIONS)
def test_nothing_on_screen_goes_unsaid(section):
    _check_said(section, None)
    # Every declared text is on screen somewhere, with a reason: no stale or silent exemptions.
    declared = scene_class(section).unsaid()
    shown = {t for b in run_scene(section).beats for t in b.texts}
    assert not set(declared) - shown, f"{section}: UNSAID lists texts no beat shows"
    assert all(reason.strip() for reason in declared.values())


@pytest.mark.corners
@pytest.mark.parametrize("section", SECTIONS)
def test_nothing_on_screen_goes_unsaid_with_other_parameters(section):
    _check_said(section, OTHER)


def test_every_theme_colour_has_a_spoken_name_in_each_theme():
    from dataclasses import fields

    from scenes import style

    roles = {f.name for f in fields(style.Theme)} - {"name", "background", "ink", "panel"}
    for name in style.THEMES:
        assert set(style.COLOUR_WORDS[name]) == roles, name
