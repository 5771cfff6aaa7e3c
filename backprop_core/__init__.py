"""Every number, formula and step of the backprop lesson; no manim here.

Modules:
  params     the validated parameters of a render (and their overrides)
  numbers    how every number is printed
  quantity   a named value: exact (sympy), float, LaTeX formula
  refresher  sections 01-06: derivative, partials, chain rule, sigmoid
  network    the tiny network: forward, backward, update, the 13-step walk
"""

from .params import ParameterError, Params, current

__all__ = ["ParameterError", "Params", "current"]
