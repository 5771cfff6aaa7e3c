"""Checks every scene in the manifest must pass: it runs, its beats are named and
narrated, at the end of every beat nothing leaves the frame or overlaps, and its
last frame matches its control frame.

All of them live in this one file so that xdist (--dist loadfile) runs them in
one worker, where tests/harness.py's cache runs each scene once.

Last-frame regression: each scene's final frame (854x480, animations skipped) is compared with its
control frame in tests/control_data/last_frames/<section>.npz. manim's own
frames_comparison skips itself on Debian 12's cairo (1.16 < 1.18), so the
comparison is done here, with manim's tolerances: a pixel may differ by one
level, and up to 1e-5 of the values may differ more.

After an intended visual change, rewrite a control frame with
    ./test.sh tests/test_scenes.py --set_test -k 'last_frame and <section>'
and look at tests/control_data/last_frames/<section>.png before committing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scenes.lesson import reading_seconds
from scenes.manifest import LESSON

from .harness import check_frame, run_scene
from .test_narration import check_cues

scene_run = run_scene


@pytest.mark.parametrize("section", [s.name for s in LESSON])
def test_every_beat_is_named_and_narrated(section):
    scene = scene_run(section)
    assert len(scene.beats) >= 2, "a scene is cut into at least two beats (one clip per idea)"
    for beat in scene.beats:
        assert beat.name.replace("-", "").isalnum() and beat.name == beat.name.lower(), beat.name
        assert len(beat.narration.split()) >= 5, f"beat {beat.name} needs a narration line"


@pytest.mark.parametrize("section", [s.name for s in LESSON])
def test_every_beat_lasts_long_enough_to_read(section):
    scene = scene_run(section)
    for beat in scene.beats:
        assert beat.end - beat.start >= reading_seconds(beat.narration) - 1e-6, beat.name


@pytest.mark.parametrize("section", [s.name for s in LESSON])
def test_every_beat_is_captioned_in_readable_cues(section):
    scene = scene_run(section)
    cues = []
    for beat in scene.beats:
        check_cues(beat.cues, beat.narration, beat.start, beat.end)
        cues += beat.cues
    check_cues(cues, " ".join(b.narration for b in scene.beats), 0.0, scene.beats[-1].end)


@pytest.mark.parametrize("section", [s.name for s in LESSON])
def test_nothing_leaves_the_frame(section):
    scene = scene_run(section)
    problems = {b.name: b.off_frame for b in scene.beats if b.off_frame}
    assert not problems, f"outside the frame at the end of a beat: {problems}"


@pytest.mark.parametrize("section", [s.name for s in LESSON])
def test_no_texts_overlap(section):
    scene = scene_run(section)
    problems = {b.name: b.overlaps for b in scene.beats if b.overlaps}
    assert not problems, f"overlapping texts at the end of a beat: {problems}"


CONTROL = Path(__file__).parent / "control_data" / "last_frames"


@pytest.mark.parametrize("section", [s.name for s in LESSON])
def test_last_frame_matches_control(section, request):
    check_frame(run_scene(section).last_frame, CONTROL / f"{section}.npz", request.config.getoption("--set_test"))


def test_a_beat_as_a_block_ends_with_the_block_and_keeps_every_frame_in_a_beat(monkeypatch):
    from manim import Dot, FadeIn, tempconfig

    from scenes.lesson import LessonScene

    monkeypatch.setenv("BACKPROP_VOICE", "none")

    class Blocks(LessonScene):
        def construct(self):
            with self.beat("one", "First."):
                self.play(FadeIn(Dot()))
            with self.beat("two", "Second line here."):
                self.wait(0.1)

    class Stray(LessonScene):
        def construct(self):
            with self.beat("one", "First."):
                self.wait(0.1)
            self.wait(0.1)

    class Early(LessonScene):
        def construct(self):
            self.wait(0.1)

    with tempconfig({"dry_run": True, "disable_caching": True}):
        scene = Blocks()
        scene.render()
        one, two = scene.beats
        assert one.end == two.start and one.end - one.start >= reading_seconds("First.")
        assert two.end - two.start >= reading_seconds("Second line here.")
        with pytest.raises(RuntimeError, match="inside a `with self.beat"):
            Stray().render()
        with pytest.raises(RuntimeError, match="before the first beat"):
            Early().render()


def test_the_checks_find_texts_off_the_frame_and_overlapping():
    from manim import RIGHT, Dot, Text, ValueTracker, VGroup

    from scenes import checks

    inside, across = Text("inside"), Text("across").shift(0.1 * RIGHT)
    away = Text("away").move_to(8 * RIGHT)  # the frame is 14.2 wide
    hidden = Text("hidden").set_opacity(0)
    screen = checks.look([VGroup(inside, across), away, hidden, Dot(9 * RIGHT), ValueTracker(1)])
    assert screen.texts == ["inside", "across", "away"]
    assert screen.off_frame == ["Text('away')", "Dot"]
    assert screen.overlaps == [("Text('inside')", "Text('across')")]
