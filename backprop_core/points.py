"""Where the refresher's sections look: the points and ranges a render may move with ``--set``.

Plain numbers, no sympy: ``params`` validates ``--set`` against them, and the
renderer reads the parameters before it knows whether anything is to be drawn
(a run with nothing changed imports no sympy). ``refresher`` re-exports them.
"""

from __future__ import annotations

# 01 What's a derivative: where the lesson's sweep stops and predicts: x = 2, step 0.1.
DERIVATIVE_X = 2.0
DERIVATIVE_DX = 0.1
# The x-range the lesson plots: wide enough to show both sides of the bowl.
DERIVATIVE_X_RANGE = (-1.0, 3.0)

# 03 Partial derivatives: the point, and the square the heatmap shows, in x and in y.
PARTIALS_POINT = (0.5, 0.3)
PARTIALS_RANGE = (-1.0, 1.0)
