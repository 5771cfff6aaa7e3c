"""The play store: one file per play, named by its key, beside the record of what was written.

    <store>/<key>.mp4    the play's frames (H.264; .mov/.webm for the other formats)
    <store>/<key>.json   its record: frames, bytes, a hash of the file, and the pixel
                         hashes of its first and last frames

A key says what a play's frames depend on (video/digest.py); the record says what
the file is. A file is trusted only when its record is there and the file is the one
recorded (same size and hash): a file cut short by a crash, a full disk or a partial
copy, or one with no record (copied in by hand), is dropped and drawn again, never
joined. The first and last frames' pixels let a reused play prove itself
(video/render.py draws those two frames and compares; a mismatch draws it again).

A file is written beside its place, flushed to disk, its record written, and only then
renamed into place: a reader sees a whole file with its record, or no file.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from common import atomic

CHUNK = 1 << 20


@dataclass(frozen=True)
class PlayRecord:
    frames: int
    bytes: int
    blake2b: str  # of the file
    first: str  # pixel hash of the first frame (video/digest.py frame_digest)
    last: str  # ... and of the last


def file_hash(path: Path) -> str:
    h = hashlib.blake2b(digest_size=20)
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


class Store:
    def __init__(self, folder: Path | str, extension: str) -> None:
        self.folder = Path(folder)
        self.extension = extension

    def path(self, key: str) -> Path:
        return self.folder / f"{key}{self.extension}"

    def record_path(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def record(self, key: str) -> PlayRecord | None:
        try:
            return PlayRecord(**json.loads(self.record_path(key).read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None

    def check(self, key: str, deep: bool = True) -> PlayRecord | None:
        """The play's record if its file is whole (the recorded size and, if ``deep``, hash); else None."""
        record = self.record(key)
        if record is None:
            return None
        path = self.path(key)
        try:
            if path.stat().st_size != record.bytes:
                return None
            if deep and file_hash(path) != record.blake2b:
                return None
        except OSError:
            return None
        return record

    def present(self, key: str) -> bool:
        """A file or a record is there (whole or not)."""
        return self.path(key).exists() or self.record_path(key).exists()

    def commit(self, key: str, written: Path, frames: int, first: str, last: str) -> PlayRecord:
        """Move a finished play file (``written``, beside its place) in, with its record."""
        atomic.fsync_file(written)
        record = PlayRecord(frames, written.stat().st_size, file_hash(written), first, last)
        atomic.write_text(self.record_path(key), json.dumps(asdict(record)) + "\n")
        os.replace(written, self.path(key))
        return record

    def drop(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)
        self.record_path(key).unlink(missing_ok=True)

    def damaged(self, keys: list[str]) -> list[str]:
        """The keys among ``keys`` whose file is missing, has no record or is not the one recorded."""
        return [k for k in dict.fromkeys(keys) if self.check(k) is None]

    def keys(self) -> set[str]:
        """Every key with a file or a record in the store."""
        if not self.folder.is_dir():
            return set()
        return {p.stem for p in self.folder.iterdir() if not p.name.startswith(".") and p.is_file()}
