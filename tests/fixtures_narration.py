"""A tiny LessonScene for the narration tests: two short beats, one shape."""

from __future__ import annotations

from manim import Circle, Create, FadeIn

from scenes.lesson import LessonScene


class NarrationFixtureScene(LessonScene):
    def construct(self) -> None:
        self.beat("a-circle", "Here is a circle. It stands for one neuron of the network.")
        circle = Circle(color=self.theme.a)
        self.play(Create(circle), run_time=1)
        self.beat("its-slope", "Its slope is ∂L/∂w₁, read as dee L by dee w one.")
        self.play(FadeIn(self.words("slope", color=self.theme.grad)), run_time=0.5)
