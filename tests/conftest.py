"""pytest options for the last-frame regression tests, and the test run's shared scene runs."""

from __future__ import annotations

import shutil
import sys
import uuid
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


def pytest_configure(config):
    # The xdist controller names the test run, so that it can remove the scene
    # runs its workers shared (tests/harness.py) when the run ends.
    controller = not hasattr(config, "workerinput") and getattr(config.option, "numprocesses", None)
    if controller and getattr(config.option, "testrunuid", None) is None:
        config.option.testrunuid = uuid.uuid4().hex


def pytest_unconfigure(config):
    uid = getattr(config.option, "testrunuid", None)
    if uid and not hasattr(config, "workerinput"):
        from tests.harness import shared_runs_dir

        shutil.rmtree(shared_runs_dir(uid), ignore_errors=True)
