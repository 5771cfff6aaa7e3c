"""The tangent to a curve at a moving point: the line that just touches it, and the dot where it does.

Both follow a ValueTracker along y = f(x) and are redrawn on every frame. The line
keeps its length on screen whatever the axes' scales (its direction is taken
through ``axes.c2p``), so a steep slope does not shoot it off the plot.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from manim import Axes, Dot, Line, ValueTracker, always_redraw


def tangent_line(axes: Axes, x: float, y: float, slope: float, length: float, color: str) -> Line:
    """The tangent at (x, y) with the given slope, ``length`` frame units long on screen."""
    direction = axes.c2p(x + 1, y + slope) - axes.c2p(x, y)
    direction = direction / np.linalg.norm(direction)
    at = axes.c2p(x, y)
    return Line(at - direction * length / 2, at + direction * length / 2, color=color, stroke_width=5)


def tangent_at(
    axes: Axes, tracker: ValueTracker, f: Callable, slope: Callable, length: float, theme, dot_radius: float
) -> tuple[Line, Dot]:
    """(the tangent, its dot), following ``tracker``'s x along f: slope in the derivative's colour."""

    def line() -> Line:
        x = tracker.get_value()
        return tangent_line(axes, x, f(x), slope(x), length, theme.grad)

    def dot() -> Dot:
        x = tracker.get_value()
        return Dot(axes.c2p(x, f(x)), color=theme.text, radius=dot_radius)

    return always_redraw(line), always_redraw(dot)
