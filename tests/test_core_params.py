"""Parameters are validated with messages that name the field and the fix."""

from __future__ import annotations

import ast
import math
import re
from pathlib import Path

import pytest

import backprop_core
from backprop_core.params import ENV_VAR, ParameterError, Params, current


@pytest.mark.parametrize(
    "overrides, words",
    [
        (["w1=abc"], ["w1", "must be a number", "[-5, 5]"]),
        (["lr=0"], ["lr", "out of range", "(must be > 0)"]),
        (["lr=-1"], ["lr", "out of range"]),
        (["x=nan"], ["x", "finite"]),
        (["w2=inf"], ["w2", "finite"]),
        (["y=2"], ["y", "[0, 1]"]),
        (["loss=cubic"], ["loss", "squared", "half"]),
        (["depth=3"], ["unknown parameter", "w1"]),
        (["w1"], ["name=value"]),
    ],
)
def test_bad_values_are_refused_with_a_clear_message(overrides, words):
    with pytest.raises(ParameterError) as err:
        Params().with_overrides(overrides)
    for word in words:
        assert word in str(err.value)


def test_overrides_apply_and_round_trip_through_the_environment(monkeypatch):
    p = Params().with_overrides(["w1=0.3", "loss=half", "lr = 0.5"])
    assert (p.w1, p.loss, p.lr) == (0.3, "half", 0.5)
    monkeypatch.setenv(ENV_VAR, p.to_json())
    assert current() == p
    monkeypatch.delenv(ENV_VAR)
    assert current() == Params()


def test_bad_environment_is_refused(monkeypatch):
    monkeypatch.setenv(ENV_VAR, "{not json")
    with pytest.raises(ParameterError, match=ENV_VAR):
        current()
    monkeypatch.setenv(ENV_VAR, '{"w9": 1}')
    with pytest.raises(ParameterError, match="w9"):
        current()


def test_types_are_checked_in_code_too():
    with pytest.raises(ParameterError, match="w1"):
        Params(w1="0.5")
    with pytest.raises(ParameterError, match="x"):
        Params(x=math.inf)
    with pytest.raises(ParameterError):
        Params(b1=True)


def test_the_package_lists_every_module_each_importing_only_those_above_it():
    folder = Path(backprop_core.__file__).parent
    listed = re.findall(r"^  (\w+) ", backprop_core.__doc__, flags=re.M)
    assert sorted(listed) == sorted(p.stem for p in folder.glob("*.py") if p.stem != "__init__")
    for k, name in enumerate(listed):
        tree = ast.parse((folder / f"{name}.py").read_text())
        relative = [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level == 1]
        # "from .x import y" names x; "from . import x, y" names x and y.
        used = {m for n in relative for m in ([n.module] if n.module else [a.name for a in n.names])}
        assert used <= set(listed[:k]), f"{name} imports {used - set(listed[:k])}, listed below it"
