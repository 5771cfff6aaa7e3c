"""The chain of the backward pass as one row:

    dL/dw1 = [dL/da2] . [da2/dz2] . [dz2/da1] . [da1/dz1] . [dz1/dw1]

Each box holds its fraction, and its value once computed; under each box the
running product so far (dL/da2, dL/dz2, ...), which reuses the one before it.
A box is waiting (muted), being computed (highlighted) or done. Every number
is handed in by the scene (``backprop_core``'s ``Backward``).
"""

from __future__ import annotations

from manim import DOWN, LEFT, UP, Animation, AnimationGroup, MathTex, Rectangle, TransformFromCopy, VGroup, VMobject

from scenes import style

FRACTION_SIZE = style.BODY  # the boxes' fractions and values
RUNNING_SIZE = style.LABEL  # the running products under the boxes
DOT_SIZE = 2 * style.BODY

WAITING, COMPUTING, DONE = "waiting", "computing", "done"
STROKES = {WAITING: 3, COMPUTING: 6, DONE: 4}


class ChainRow(VGroup):
    """The five boxes of dL/dw1 and the running products under them.

    The boxes' values (``value(k)``) and the running products (``product(k)``) are
    not part of the row: they enter the scene when ``fill`` and the scene's
    writing bring them in.
    """

    def __init__(self, theme, backward, room: float, at=(0, 0, 0), **kwargs) -> None:
        super().__init__(**kwargs)
        t = self.theme = theme
        self.lhs = MathTex(backward.dL_dw1.symbol, "=", font_size=FRACTION_SIZE, color=t.grad)
        self.fractions = [MathTex(q.symbol, font_size=FRACTION_SIZE, color=t.muted) for q in backward.boxes]
        self.values = [MathTex(q.text, font_size=FRACTION_SIZE, color=t.grad) for q in backward.boxes]
        self.running = [MathTex(q.symbol, "=", q.text, font_size=RUNNING_SIZE, color=t.grad) for q in backward.running]
        self.states = [WAITING] * len(self.fractions)
        self.boxes = self._boxes()
        self.dots = VGroup(
            *(
                MathTex(r"\cdot", font_size=DOT_SIZE, color=t.text).move_to((a.get_right() + b.get_left()) / 2)
                for a, b in zip(self.boxes, self.boxes[1:])
            )
        )
        self.lhs.next_to(self.boxes, LEFT, buff=style.NEAR)
        self.add(self.lhs, self.boxes, self.dots)
        self.move_to(at)
        self.add(*self.fractions)
        self._place_contents()
        # Long numbers widen the pitch; then the whole chain shrinks to the room it has.
        everything = VGroup(self, *self.values, *self.running)
        if everything.width > room:
            everything.scale_to_fit_width(room).move_to([at[0], everything.get_center()[1], 0])

    def _boxes(self) -> VGroup:
        """Boxes of one size, one pitch apart: each holds the tallest fraction over the tallest value
        and the widest of them, a TIGHT pad beside and a HAIR above and below; a box or the running
        product under it, whichever is wider, keeps NEAR from the next."""
        inner_width = max(m.width for m in (*self.fractions, *self.values))
        inner_height = max(f.height for f in self.fractions) + style.HAIR + max(v.height for v in self.values)
        width, height = inner_width + 2 * style.TIGHT, inner_height + 2 * style.HAIR
        pitch = max(width, max(r.width for r in self.running)) + style.NEAR
        boxes = VGroup()
        for k in range(len(self.fractions)):
            box = Rectangle(width=width, height=height, color=self.theme.muted, stroke_width=STROKES[WAITING])
            boxes.add(box.set_fill(self.theme.panel, opacity=1).move_to([k * pitch, 0, 0]))
        return boxes

    def _place_contents(self) -> None:
        for frac, value, run, box in zip(self.fractions, self.values, self.running, self.boxes):
            frac.move_to(box).align_to(box, UP).shift(DOWN * style.HAIR)
            value.move_to(box).align_to(box, DOWN).shift(UP * style.HAIR)
            run.next_to(box, DOWN, buff=style.TIGHT)

    def value(self, k: int) -> MathTex:
        """Box k's value (where ``fill`` puts it)."""
        return self.values[k]

    def product(self, k: int) -> MathTex:
        """The running product under box k: symbol, "=", value."""
        return self.running[k]

    def product_value(self, k: int) -> VMobject:
        """The number of the running product under box k."""
        return self.running[k][2]

    # -- animations --------------------------------------------------------
    def compute(self, *ks: int) -> Animation:
        """Boxes ``ks`` are being computed."""
        return self._to_state(ks, COMPUTING)

    def settle(self) -> list[Animation]:
        """Boxes computed so far are done (an empty list if none is being computed)."""
        ks = [k for k, state in enumerate(self.states) if state == COMPUTING]
        return [self._to_state(ks, DONE)] if ks else []

    def fill(self, k: int, source) -> Animation:
        """Box k's value flies in from a copy of ``source``."""
        return TransformFromCopy(source, self.values[k])

    def _to_state(self, ks, state: str) -> Animation:
        t = self.theme
        outline, fraction = {COMPUTING: (t.highlight, t.highlight), DONE: (t.done, t.grad)}[state]
        changes = []
        for k in ks:
            self.states[k] = state
            changes.append(self.boxes[k].animate.set_stroke(color=outline, width=STROKES[state]))
            changes.append(self.fractions[k].animate.set_color(fraction))
        return AnimationGroup(*changes, group=self)
