"""The synthesis cache: one WAV per (spoken text, voice, voice settings, processing)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

CACHE_ENV_VAR = "BACKPROP_NARRATION_CACHE"
ROOT = Path(__file__).resolve().parent.parent


def cache_dir() -> Path:
    path = Path(os.environ.get(CACHE_ENV_VAR) or ROOT / ".cache" / "narration")
    path.mkdir(parents=True, exist_ok=True)
    return path


def key(**parts) -> str:
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()
