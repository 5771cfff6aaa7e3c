"""pytest options for manim's frames_comparison (copied from manim's own conftest)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def pytest_addoption(parser):
    parser.addoption(
        "--set_test",
        action="store_true",
        default=False,
        help="write the control frames of the last-frame regression tests instead of comparing",
    )
    parser.addoption(
        "--show_diff",
        action="store_true",
        default=False,
        help="show the difference when a frame does not match its control frame",
    )


def pytest_collection_modifyitems(config, items):
    """Run every scene test in one xdist worker: scene runs are cached per
    process (tests/harness.py), so the generic checks, the last-frame tests and
    the per-scene tests share one run of each scene instead of repeating it."""
    import pytest

    for item in items:
        name = item.path.name
        if name.startswith("test_scene") or name == "test_last_frames.py":
            item.add_marker(pytest.mark.xdist_group("scenes"))
