"""Writes that are all-or-nothing, and locks shared by concurrent runs (every layer uses these).

Every output is first written to a temporary name in the same folder (so the
final ``os.replace`` is an atomic rename on one filesystem) and only then
moved over the old file: an interrupted or failed render never leaves a half
written video where a good one was.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

# mkstemp makes 0600 files; what is written gets the usual permissions (0644 under umask 022),
# so captions and videos are readable by a web server.
_UMASK = os.umask(0)
os.umask(_UMASK)
FILE_MODE = 0o666 & ~_UMASK


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically: to a temporary name, flushed to disk, then renamed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (UTF-8)."""
    write_bytes(path, text.encode("utf-8"))


def fsync_file(path: Path) -> None:
    """Flush a file written by another library to disk (before it is renamed into place)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def temp_path(final: Path, tag: str = "") -> Path:
    """A unique temporary name beside ``final`` (same folder, same suffix)."""
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{final.stem}.{tag}tmp-", suffix=final.suffix, dir=final.parent)
    os.fchmod(fd, FILE_MODE)
    os.close(fd)
    return Path(tmp)


@contextlib.contextmanager
def writing(final: Path, tag: str = "") -> Iterator[Path]:
    """A temporary path beside ``final`` to write to; moved over ``final`` if the
    block completes, removed either way, so ``final`` is never half written."""
    tmp = temp_path(final, tag)
    try:
        yield tmp
        replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)


def replace(src: Path, dst: Path) -> None:
    """Move ``src`` over ``dst`` atomically (same filesystem)."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    os.replace(src, dst)


def replace_dir(src: Path, dst: Path) -> None:
    """Swap the folder ``src`` in at ``dst``; the old one is removed afterwards."""
    trash = None
    if dst.exists():
        trash = dst.with_name(f".{dst.name}.old-{os.getpid()}")
        shutil.rmtree(trash, ignore_errors=True)
        os.replace(dst, trash)
    os.replace(src, dst)
    if trash is not None:
        shutil.rmtree(trash, ignore_errors=True)


def link_or_copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


@contextlib.contextmanager
def locked(path: Path, on_wait: Callable[[], None] | None = None, shared: bool = False) -> Iterator[None]:
    """Hold an exclusive (or ``shared``) fcntl lock on ``path`` (created if needed).

    If another process holds it, ``on_wait`` is called once and we block until
    it is released. The lock goes away with the process, even on a crash.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None:
                on_wait()
            fcntl.flock(handle, mode)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def try_locked(path: Path) -> Iterator[bool]:
    """Hold an exclusive lock on ``path`` if no one holds it (yields True), else yield False at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
