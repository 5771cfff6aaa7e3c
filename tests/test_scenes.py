"""Checks every scene in the manifest must pass: it runs, its beats are named and
narrated, and at the end of every beat nothing leaves the frame or overlaps."""

from __future__ import annotations

import pytest

from scenes.lesson import reading_seconds
from scenes.manifest import LESSON

from .harness import run_scene

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
def test_nothing_leaves_the_frame(section):
    scene = scene_run(section)
    problems = {b.name: b.off_frame for b in scene.beats if b.off_frame}
    assert not problems, f"outside the frame at the end of a beat: {problems}"


@pytest.mark.parametrize("section", [s.name for s in LESSON])
def test_no_texts_overlap(section):
    scene = scene_run(section)
    problems = {b.name: b.overlaps for b in scene.beats if b.overlaps}
    assert not problems, f"overlapping texts at the end of a beat: {problems}"
