"""LaTeX in batches (video/texbatch.py): the same pictures as manim's own compile, the cache's locks kept."""

from __future__ import annotations

import fcntl
import re

import numpy as np
import pytest
from manim import MathTex, tempconfig
from manim.utils.tex_file_writing import tex_to_svg_file

from tests.harness import scene_class
from video import texbatch, texcache


def canonical(svg: str) -> str:
    """The SVG with its glyph ids renamed in order of first use (dvisvgm numbers a DVI's fonts
    by their order in the whole file, so a page of a batch names the same glyph differently)."""
    head, _, rest = svg.partition("<defs>")
    defs, _, body = rest.partition("</defs>")
    ids: dict[str, str] = {}
    for m in re.finditer(r"#(g\d+-\d+)", body):
        ids.setdefault(m.group(1), f"G{len(ids)}")
    body = re.sub(r"#(g\d+-\d+)", lambda m: "#" + ids[m.group(1)], body)
    paths = sorted(re.sub(r"id='(g\d+-\d+)'", lambda m: f"id='{ids[m.group(1)]}'", p) for p in defs.split())
    return head + "<defs>" + " ".join(paths) + "</defs>" + body


@pytest.fixture(scope="module")
def formulas(tmp_path_factory):
    """The formulas of a real section, found by the dry pass (nothing typeset yet)."""
    empty = tmp_path_factory.mktemp("no-tex")
    found = texbatch.collect(scene_class("worked-example"), empty)
    assert found.error == "", found.error
    assert len(found.formulas) >= 10
    assert found.lines and all(found.lines)
    return found


def test_the_dry_pass_finds_every_formula_the_scene_asks_for(formulas, monkeypatch):
    """Run with real LaTeX (animations skipped, as the tests run scenes), the section asks for
    exactly the formulas the dry pass found with its placeholders."""
    from tests.harness import render_skipped

    asked = set()
    compile_ = texcache._compile

    def spy(expression, environment=None, tex_template=None):
        asked.add(texbatch.formula(expression, environment, tex_template).name)
        return compile_(expression, environment, tex_template)

    monkeypatch.setattr(texcache, "_compile", spy)
    render_skipped(scene_class("worked-example"))
    assert asked == {f.name for f in formulas.formulas}


def test_a_batch_makes_the_same_pictures_as_manim(formulas, tmp_path):
    own, batched = tmp_path / "own", tmp_path / "batched"
    own.mkdir()
    batched.mkdir()
    fs = formulas.formulas
    with tempconfig({"tex_dir": str(batched), "no_latex_cleanup": True}):
        assert texbatch.compile_all(fs, batched, jobs=2) == (len(fs), 0)
    with tempconfig({"tex_dir": str(own)}):
        from manim import config

        for f in fs:
            tex_to_svg_file(f.expression, f.environment, config.tex_template)
    for f in fs:
        a = (own / f"{f.name}.svg").read_text()
        b = (batched / f"{f.name}.svg").read_text()
        assert canonical(a) == canonical(b), f.expression
    # And the mobjects manim builds from them: the same points, glyph for glyph.
    tex = next(f for f in fs if "unique001" in f.expression and f.environment == "align*")
    parts = re.findall(r"raw <g id='unique\d+'>}(.*?)\\special\{dvisvgm:raw </g>}", tex.expression, re.S)
    built = []
    for folder in (own, batched):
        with tempconfig({"tex_dir": str(folder), "no_latex_cleanup": True}):
            built.append(MathTex(*parts))
    assert (own / f"{tex.name}.svg").exists()
    assert len(built[0].family_members_with_points()) == len(built[1].family_members_with_points())
    assert np.array_equal(built[0].get_all_points(), built[1].get_all_points())


def test_a_failing_formula_is_left_to_its_scene(tmp_path):
    from manim import config

    with tempconfig({"tex_dir": str(tmp_path), "no_latex_cleanup": True}):
        good = [texbatch.formula(f"x_{k} = {k}", "align*", config.tex_template) for k in range(5)]
        bad = texbatch.formula(r"\frac{1", "align*", config.tex_template)
        assert texbatch.compile_all([*good[:2], bad, *good[2:]], tmp_path) == (5, 1)
        assert all((tmp_path / f"{f.name}.svg").exists() for f in good)
        assert not (tmp_path / f"{bad.name}.svg").exists()


def test_a_formula_a_scene_is_compiling_is_passed_over(tmp_path):
    from manim import config

    with tempconfig({"tex_dir": str(tmp_path), "no_latex_cleanup": True}):
        fs = [texbatch.formula(f"y^{k}", "align*", config.tex_template) for k in range(3)]
        with open(texcache.lock_file(fs[1].lock), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # a scene's compile, as texcache takes it
            assert texbatch.compile_all(fs, tmp_path) == (2, 0)
        assert not (tmp_path / f"{fs[1].name}.svg").exists()
        assert texbatch.compile_all(fs, tmp_path) == (1, 0)  # the rest: already there


def test_placeholders_keep_manims_groups():
    svg = texbatch.placeholder_svg(r"\special{dvisvgm:raw <g id='unique000'>}a+b\special{dvisvgm:raw </g>}c")
    assert "<g id='unique000'>" in svg and svg.count("<path") == 4
