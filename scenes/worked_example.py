"""05 A tiny worked example.

y = (3x + 1)^2 at x = 2 with the chain rule: name the inner piece u = 3x + 1,
take the two slopes dy/du = 2u and du/dx = 3, multiply them (2u . 3 = 6u),
plug in x = 2 (u = 7, dy/dx = 42). Then the sanity check: a step of 0.01 in x
should move y by about 42 . 0.01 = 0.42, and y(2.01) = 7.03^2 = 49.4209 moves
it by 0.4209. Every value and formula comes from refresher.chain_example()
and refresher.chain_algebra().
"""

from __future__ import annotations

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Brace,
    Create,
    FadeIn,
    FadeOut,
    GrowFromCenter,
    Indicate,
    MathTex,
    VGroup,
    Write,
)

from backprop_core import refresher as core
from backprop_core.numbers import fmt, formula_text
from scenes import style
from scenes.lesson import LessonScene

# The derivation's grid: lines start at one left edge, notes end at one right edge.
GRID_LEFT_X = -6.5  # the derivation's left edge
GRID_RIGHT_X = 6.75  # notes beside the derivation end here
GRID_TOP_Y = 2.3  # the first line's centre
LINE_GAP = 0.4
MATH = 40  # the derivation's size (MathTex reads smaller than Text at the same size)


class WorkedExampleScene(LessonScene):
    def construct(self) -> None:
        self.c = core.chain_example()
        self.algebra = core.chain_algebra()
        self.lines = VGroup()
        self.state_problem()
        self.name_inner_piece()
        self.outer_slope()
        self.inner_slope()
        self.apply_the_chain()
        self.plug_in()
        self.predict_the_change()
        self.measure_the_change()
        self.verdict()

    # -- helpers ------------------------------------------------------------
    def _eq(self, q, lhs_color: str, size: int = MATH) -> MathTex:
        """q.equation() with its symbol coloured and its value as the last part."""
        text = q.equation()
        head = q.symbol + " = "
        assert text.startswith(head) and text.endswith(q.text)
        middle = text[len(head) : len(text) - len(q.text)]
        parts = [q.symbol, "="] + ([middle.rstrip()] if middle.strip() else []) + [q.text]
        mob = self.math(*parts, size=size)
        mob[0].set_color(lhs_color)
        return mob

    def _place(self, mob, note: str | None = None, note_color: str | None = None) -> VGroup:
        """Put mob below the derivation so far, left-aligned; a note (words or TeX) at the right."""
        if len(self.lines):
            mob.next_to(self.lines[-1], DOWN, buff=LINE_GAP).align_to([GRID_LEFT_X, 0, 0], LEFT)
        else:
            mob.move_to([0, GRID_TOP_Y, 0]).align_to([GRID_LEFT_X, 0, 0], LEFT)
        row = VGroup(mob)
        if note is not None:
            color = note_color or self.theme.muted
            tag = self.words(note, size=style.LABEL, color=color)
            tag.move_to(mob).align_to([GRID_RIGHT_X, 0, 0], RIGHT)
            row.add(tag)
        self.lines.add(row)
        return row

    def _write_in_parts(self, line: MathTex, cuts: tuple[int, ...], run_times: tuple[float, ...]) -> None:
        """Write a line piece by piece, then leave the whole line (not its pieces) on screen."""
        bounds = (0, *cuts, len(line))
        pieces = [line[a:b] for a, b in zip(bounds[:-1], bounds[1:])]
        for piece, run_time in zip(pieces, run_times):
            self.play(Write(piece), run_time=run_time)
        self.remove(*pieces)
        self.add(line)

    def _clear_to(self, keep: VGroup) -> None:
        """Fade the derivation away except ``keep``, which moves to the top line."""
        rest = [row for row in self.lines if row is not keep]
        target = keep.copy().move_to([0, GRID_TOP_Y, 0]).align_to([GRID_LEFT_X, 0, 0], LEFT)
        self.play(*(FadeOut(r) for r in rest), keep.animate.move_to(target), run_time=1.2)
        self.lines = VGroup(keep)

    # -- beats --------------------------------------------------------------
    def state_problem(self) -> None:
        t, c = self.theme, self.c
        with self.beat(
            "the-problem",
            f"Let's compute dy by dx for y = (3x + 1) squared at x = {c.x.text}. We could expand the square, "
            "but let's use the chain rule: the same scaffolding we will use on the network.",
            described="",
        ):
            self.add(self.title())
            problem = self.math("y", "=", "(", c.inner_tex, ")^2", r"\quad\text{at}\quad", c.x.equation(), size=MATH)
            problem[0].set_color(t.curve)
            problem[-1].set_color(t.x)
            assert "".join(c.y.formula.split()) == "".join(("(" + c.inner_tex + ")^2").split())
            self.problem = self._place(problem)
            self.play(Write(problem), run_time=2)

    def name_inner_piece(self) -> None:
        t, c = self.theme, self.c
        with self.beat(
            "name-inner",
            f"Name the inner piece: let u = {c.inner_tex}. Then y is simply u squared.",
            described=f"A brace under {formula_text(c.inner_tex)} labels it u; a new line writes both names.",
        ):
            problem = self.problem[0]
            brace = Brace(problem[3], DOWN, buff=style.HAIR, color=t.z)
            u_tag = self.math("u", size=style.LABEL, color=t.z).next_to(brace, DOWN, buff=style.HAIR)
            self.play(GrowFromCenter(brace), FadeIn(u_tag))
            names = self.math(c.u.symbol, "=", c.u.formula, r"\qquad", "y", "=", c.outer_tex, size=MATH)
            names[0].set_color(t.z)
            names[4].set_color(t.curve)
            row = self._place(names)
            row.shift(DOWN * 0.35)  # room for the brace's tag above
            self.play(Write(names), run_time=1.5)
            self.problem.add(brace, u_tag)

    def outer_slope(self) -> None:
        t, c = self.theme, self.c
        with self.beat(
            "outer-slope",
            f"The outer slope: dy by du = {formula_text(c.dy_du.formula)}, by the power rule: "
            f"the derivative of {formula_text(c.outer_tex)} is {formula_text(c.dy_du.formula)}.",
            described="A new line, the power rule's step beside it.",
        ):
            line = self.math(c.dy_du.symbol, "=", c.dy_du.formula, size=MATH)
            line[0].set_color(t.grad)
            note = self.math(
                r"\text{power rule: }\tfrac{d}{du}\,", c.outer_tex, "=", c.dy_du.formula, size=MATH, color=t.muted
            )
            row = self._place(line)
            note.move_to(line).align_to([GRID_RIGHT_X, 0, 0], RIGHT)
            row.add(note)
            self.play(Write(line), run_time=1.2)
            self.play(FadeIn(note, shift=LEFT * 0.2))

    def inner_slope(self) -> None:
        t, c = self.theme, self.c
        with self.beat(
            "inner-slope",
            f"The inner slope: du by dx = {c.du_dx.text}. The x term of {formula_text(c.inner_tex)} gives "
            f"{c.du_dx.text}, and the constant gives zero.",
            described="Another line, noted: linear rule; a constant drops out.",
        ):
            line = self.math(c.du_dx.symbol, "=", c.du_dx.formula, size=MATH)
            line[0].set_color(t.grad)
            row = self._place(line, "linear rule; a constant drops out")
            self.play(Write(line), run_time=1.2)
            self.play(FadeIn(row[1], shift=LEFT * 0.2))

    def apply_the_chain(self) -> None:
        t, c, alg = self.theme, self.c, self.algebra
        with self.beat(
            "apply-chain",
            f"Apply the chain: dy by dx is dy by du times du by dx, that is {formula_text(alg.product_tex)}, "
            f"which is {formula_text(alg.in_u_tex)}, or {formula_text(alg.in_x_tex)}.",
            described="A fifth line writes the chain out as it is said.",
        ):
            line = self.math(
                c.dy_dx.symbol,
                "=",
                c.dy_dx.formula,
                "=",
                alg.product_tex,
                "=",
                alg.in_u_tex,
                "=",
                alg.in_x_tex,
                size=MATH,
            )
            line[0].set_color(t.grad)
            line[6].set_color(t.grad)
            row = self._place(line)
            self._write_in_parts(line, (3, 5), (1.2, 1.0, 1.4))
            self.chain_row = row

    def plug_in(self) -> None:
        t, c, alg = self.theme, self.c, self.algebra
        with self.beat(
            "plug-in",
            f"Plug in x = {c.x.text}: u = {c.u.text}, so dy by du = {c.dy_du.text}, and dy by dx = "
            f"{c.dy_du.text} times {c.du_dx.text} = {c.dy_dx.text}. {formula_text(alg.in_u_tex)} gives the same: "
            f"{formula_text(alg.at_x.substituted)}.",
            described=f"The chain's line alone moves up; under it u = {formula_text(c.u.formula)} = "
            f"{formula_text(c.u.substituted)}, the two slopes, {c.dy_dx.text} boxed, the "
            f"{formula_text(alg.at_x.formula)} check beside it.",
        ):
            self._clear_to(self.chain_row)
            u_line = self._eq(c.u, t.z)
            self._place(u_line)
            self.play(Write(u_line), run_time=1.2)
            du_line = self._eq(c.dy_du, t.grad)
            self._place(du_line)
            self.play(Write(du_line), run_time=1.2)
            dx_line = self._eq(c.dy_dx, t.grad)
            row = self._place(dx_line)
            check = self._eq(alg.at_x, t.grad)
            check.move_to(dx_line).align_to([GRID_RIGHT_X, 0, 0], RIGHT)
            row.add(check)
            self.play(Write(dx_line), run_time=1.5)
            box = style.highlight_box(dx_line[-1], t.grad)
            self.play(Create(box), FadeIn(check, shift=LEFT * 0.2))
            row.add(box)
            self.result_row = row

    def predict_the_change(self) -> None:
        t, c = self.theme, self.c
        p = c.predicted_change
        with self.beat(
            "predict",
            f"Sanity check. y of {c.x.text} is {c.y.text}. The chain rule says a tiny step Delta x = {c.dx.text} "
            f"should change y by about {c.dy_dx.text} times {c.dx.text}, that is {p.text}.",
            described=f"The result moves up; below come y of {c.x.text} = {formula_text(c.y.formula)} = "
            f"{formula_text(c.y.substituted)}, and the prediction, noted: predicted by the slope.",
        ):
            self._clear_to(self.result_row)
            y_line = self._eq(c.y, t.curve)
            self._place(y_line)
            self.play(Write(y_line), run_time=1.2)
            predicted = self.math(p.symbol, r"\approx", p.formula, "=", p.substituted, "=", p.text, size=MATH)
            predicted[0].set_color(t.grad)
            predicted[-1].set_color(t.grad)
            row = self._place(predicted, "predicted by the slope", t.grad)
            self.play(Write(predicted), run_time=1.5)
            self.play(FadeIn(row[1], shift=LEFT * 0.2))
            self.predicted = predicted

    def measure_the_change(self) -> None:
        t, c = self.theme, self.c
        with self.beat(
            "measure",
            f"Now the real thing: y of {fmt(c.x.exact + c.dx.exact)} = {formula_text(c.y_after.substituted)} "
            f"= {c.y_after.text}, a change of {c.actual_change.text}.",
            described=f"Two lines: y from {formula_text(c.y_after.formula)}, and Delta y = {c.y_after.text} minus "
            f"{c.y.text}, noted: measured.",
        ):
            after = self._eq(c.y_after, t.curve)
            self._place(after)
            self.play(Write(after), run_time=1.5)
            actual = self._eq(c.actual_change, t.curve)
            row = self._place(actual, "measured", t.curve)
            self.play(Write(actual), run_time=1.2)
            self.play(FadeIn(row[1], shift=LEFT * 0.2))
            self.actual = actual

    def verdict(self) -> None:
        t, c = self.theme, self.c
        with self.beat(
            "verdict",
            f"Predicted {c.predicted_change.text}, measured {c.actual_change.text}. "
            "The chain rule was right: for a small step, the product of slopes is all you need.",
            described="Both are boxed and flash; below, the words: The chain rule was right.",
        ):
            self.play(
                Create(style.highlight_box(self.predicted[-1], t.grad)),
                Create(style.highlight_box(self.actual[-1], t.curve)),
                run_time=1.2,
            )
            self.play(Indicate(self.predicted[-1], color=t.highlight), Indicate(self.actual[-1], color=t.highlight))
            right = self.words("The chain rule was right.", size=style.BODY)
            right.next_to(self.lines[-1], DOWN, buff=style.APART).align_to([GRID_LEFT_X, 0, 0], LEFT)
            self.play(FadeIn(right, shift=UP * 0.2))
