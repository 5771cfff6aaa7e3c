"""The seed's sliders as parameters: derivative's stop point and partials' point.

At a few accepted values (the ends of their ranges and the middle) each scene
stops where it is told, shows the core's numbers there, and stays readable:
nothing off the frame, no texts overlapping at the end of any beat.
"""

from __future__ import annotations

import pytest

from backprop_core import ParameterError, Params
from backprop_core import refresher as core

from .harness import run_scene


def readable(scene) -> None:
    for beat in scene.beats:
        assert not beat.off_frame, (beat.name, beat.off_frame)
        assert not beat.overlaps, (beat.name, beat.overlaps)


@pytest.mark.parametrize("x", [-1.0, 1.0, 2.9])
def test_derivative_stops_where_it_is_told(x):
    scene = run_scene("derivative", Params(derivative_x=x))
    readable(scene)
    p = core.derivative_prediction(x)
    stop = {b.name: b for b in scene.beats}["predict"]
    for q in (p.x, p.fx, p.slope):
        assert q.text in stop.texts, (q.symbol, stop.texts)
    assert p.predicted.text in stop.narration


@pytest.mark.parametrize("point", [(-1.0, 1.0), (0.0, -0.7)])
def test_partials_stops_where_it_is_told(point):
    scene = run_scene("partials", Params(partials_x=point[0], partials_y=point[1]))
    readable(scene)
    p = core.partials_at(*point)
    stop = {b.name: b for b in scene.beats}["stop-at-the-point"]
    for q in (p.x, p.y, p.f, p.df_dx, p.df_dy):
        assert q.text in stop.texts, (q.symbol, stop.texts)


@pytest.mark.parametrize(
    "setting, words",
    [
        ("derivative_x=2.95", "derivative_x"),
        ("derivative_x=-1.01", "[-1, 2.9]"),
        ("partials_x=1.5", "partials_x"),
        ("partials_y=nan", "finite"),
        ("partials_y=high", "must be a number"),
    ],
)
def test_slider_parameters_are_validated_like_the_networks(setting, words):
    with pytest.raises(ParameterError, match=words.replace("[", r"\[").replace("]", r"\]")):
        Params().with_overrides([setting])
