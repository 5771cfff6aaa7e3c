"""Last-frame regression, one test per scene in the manifest.

Each scene's final frame (854x480, animations skipped) is compared with its
control frame in tests/control_data/last_frames/<section>.npz. manim's own
frames_comparison skips itself on Debian 12's cairo (1.16 < 1.18), so the
comparison is done here, with manim's tolerances: a pixel may differ by one
level, and up to 1e-5 of the values may differ more.

After an intended visual change, rewrite a control frame with
    ./test.sh tests/test_last_frames.py --set_test -k <section>
and look at tests/control_data/last_frames/<section>.png before committing.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from scenes.manifest import LESSON

from .harness import run_scene

CONTROL = Path(__file__).parent / "control_data" / "last_frames"
PIXEL_TOLERANCE = 1.01
MISMATCH_RATIO = 1e-5


@pytest.mark.parametrize("section", [s.name for s in LESSON])
def test_last_frame_matches_control(section, request):
    frame = run_scene(section).last_frame
    path = CONTROL / f"{section}.npz"
    if request.config.getoption("--set_test"):
        CONTROL.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(path, frame_data=frame)
        from PIL import Image

        Image.fromarray(frame[:, :, :3]).save(path.with_suffix(".png"))
        return
    assert path.exists(), f"no control frame for {section}; write it with --set_test -k {section} and look at it"
    control = np.load(path)["frame_data"]
    assert control.shape == frame.shape, f"frame size changed: {frame.shape} vs control {control.shape}"
    bad = ~np.isclose(frame, control, atol=PIXEL_TOLERANCE)
    ratio = bad.sum() / frame.size
    assert ratio <= MISMATCH_RATIO, (
        f"last frame of {section} differs from its control in {ratio:.2%} of pixel values; "
        "if the change is intended, rewrite it with --set_test and look at the PNG"
    )
