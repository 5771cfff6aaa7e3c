"""Every number, formula and step of the backprop lesson; no manim here.

Modules (each imports only those above it):
  numbers       how every number is printed
  quantity      a named value: exact (sympy), float, LaTeX formula
  points        where the refresher looks (x, the partials' point, their ranges); no sympy
  refresher     sections 01-06: derivative, partials, chain rule, sigmoid
  params        the validated parameters of a render (and their overrides)
  network       the tiny network: forward, backward, update, the 13-step walk, the descent
  deep          section 08: a deeper one-unit chain, and the multiplications backprop saves
  wide          section 09: a 2-2-1 network with numpy, its gradient in matrix form and by paths
  descent_view  section 10: the descent ready to plot (its steps, their equations, a window)
  checkpoints   the lesson page's predict checkpoints: question, answer, working

The package itself exports the parameters (``Params``, ``current``,
``ParameterError``); scenes import the modules by name
(``from backprop_core import network``).
"""

from .params import ParameterError, Params, current

__all__ = ["ParameterError", "Params", "current"]
