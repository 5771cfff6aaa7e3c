"""Last-frame regression, one test per scene in the manifest.

Control frames live in tests/control_data/last_frames/<test>.npz. After an
intended visual change, rewrite them with:
    .venv/bin/python -m pytest tests/test_last_frames.py --set_test -k <section>
and look at the new frame before committing it.
"""

from __future__ import annotations

from manim.utils.testing.frames_comparison import frames_comparison

from scenes.manifest import LESSON

from .harness import lesson_env, scene_class

__module_test__ = "last_frames"


def _make_test(section):
    try:
        cls = scene_class(section)
    except (ImportError, AttributeError) as exc:
        message = f"scene of section {section.name!r} cannot be loaded: {exc}"

        def broken():
            raise AssertionError(message)

        return broken

    def test(scene):
        with lesson_env():
            cls.construct(scene)

    test.__name__ = f"test_{section.name.replace('-', '_')}"
    return frames_comparison(base_scene=cls)(test)


for _section in LESSON:
    globals()[f"test_{_section.name.replace('-', '_')}"] = _make_test(_section)
