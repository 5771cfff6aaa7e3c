"""video/speedups.py: manim made faster must give manim's answers."""

from __future__ import annotations

import random

import numpy as np
import pytest
from manim import Dot, Group, MathTex, Square, VGroup, VMobject

from scenes import lesson  # noqa: F401  (installs the speedups, as every scene does)
from video import speedups


def _random_tree(rng: random.Random, pool: list, depth: int = 0) -> VMobject:
    node = VGroup() if rng.random() < 0.5 else VMobject()
    pool.append(node)
    if depth < 4:
        for _ in range(rng.randrange(4)):
            if pool and rng.random() < 0.15:
                node.submobjects.append(rng.choice(pool[:-1] or pool))  # a repeat, sometimes an ancestor
            else:
                node.submobjects.append(_random_tree(rng, pool, depth + 1))
    return node


def test_the_family_in_one_walk_is_manims_family():
    rng = random.Random(3)
    checked = repeats = cycles = 0
    for _ in range(300):
        pool: list = []
        root = _random_tree(rng, pool)
        try:
            expected = speedups._manims_get_family(root)
        except RecursionError:  # a cycle: manim's way raises, so must the walk
            with pytest.raises(RecursionError):
                root.get_family()
            cycles += 1
            continue
        got = root.get_family()
        assert [id(m) for m in got] == [id(m) for m in expected]
        checked += 1
        repeats += len(expected) < sum(1 for _ in _preorder(root))
    assert checked > 100 and repeats > 20 and cycles  # every way of the walk was taken


def _preorder(m):
    yield m
    for s in m.submobjects:
        yield from _preorder(s)


def test_the_family_of_real_mobjects_and_a_shared_one():
    shared = Dot()
    tex = MathTex(r"\frac{\partial L}{\partial w_1}", "=", "0.5")
    groups = [Group(VGroup(Square(), shared), tex, shared), VGroup(tex, VGroup(tex[0], shared))]
    for g in groups:
        assert g.get_family() == speedups._manims_get_family(g)
        assert g.family_members_with_points() == [m for m in speedups._manims_get_family(g) if m.has_points()]


def test_a_copied_glyph_shares_its_path_and_keeps_its_points():
    tex = MathTex("x^2")
    copy = tex.copy()
    for a, b in zip(tex.family_members_with_points(), copy.family_members_with_points()):
        assert a is not b and np.array_equal(a.points, b.points)
        if hasattr(a, "path_obj"):
            assert a.path_obj is b.path_obj
