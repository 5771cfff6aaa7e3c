"""The synthesis cache: one WAV per (spoken text, voice, voice settings, processing)."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

CACHE_ENV_VAR = "BACKPROP_NARRATION_CACHE"
ROOT = Path(__file__).resolve().parent.parent

# mkstemp makes 0600 files; what is written gets the usual permissions (0644 under umask 022),
# so captions and videos are readable by a web server.
_UMASK = os.umask(0)
os.umask(_UMASK)
FILE_MODE = 0o666 & ~_UMASK


def cache_dir() -> Path:
    path = Path(os.environ.get(CACHE_ENV_VAR) or ROOT / ".cache" / "narration")
    path.mkdir(parents=True, exist_ok=True)
    return path


def key(**parts) -> str:
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def atomic_write_bytes(path: Path, data: bytes) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.fchmod(fd, FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))
