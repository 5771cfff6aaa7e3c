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

