"""One publishing step for every product made from the rendered sections.

A product (the page, the decks, the contact sheet, a section's beat clips,
their index, the joined lesson) is declared as what it is made from, a
fingerprint, and a build function that writes its files into a staging
folder under the same names they have in the variant folder. ``run`` does the
rest the same way for each: fingerprint, is it current (its marker holds that
fingerprint and its files exist; ``--force``: never), build in staging, swap
the files in (in the declared order, the main one last, so a reader never
sees a new page with old files), then write the marker. A failed build keeps
the published files as they were. The list of products is ``cli.finish``'s.

The posters and the sections' own videos are published by the section's job
(job.py), with the section's record; ``staging`` and ``swap`` are what it can
build and move them with.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from common import atomic
from renderer.plan import Plan


@dataclass(frozen=True)
class Product:
    name: str  # as the notes say it: "page", "slides", "lesson video"
    marker: Path  # holds the fingerprint of what is published
    fingerprint: Callable[[], str]  # called when its turn comes: it may read the products before it
    outputs: tuple[str, ...]  # relative to the variant folder, swapped in this order (the main one last)
    build: Callable[[Path], str | None]  # writes the outputs under the staging folder; returns its note
    reused: Callable[[], str | None]  # the note when it was current
    required: tuple[str, ...] = ()  # what must exist for it to be current (default: every output)
    needs: tuple[str, ...] = ()  # products that must not have failed before it (it shows them)
    skip: Callable[[], str | None] | None = None  # a note when there is nothing to build (nothing is touched)
    kept: str = "the previous one is kept"


def run(plan: Plan, items: Sequence[Product | str]) -> list[str]:
    """Bring every product up to date, in order; a str in ``items`` is a note. Returns the notes."""
    notes: list[str] = []
    failed: set[str] = set()
    for item in items:
        if isinstance(item, str):
            notes.append(item)
            continue
        if failed & set(item.needs):
            failed.add(item.name)
            continue
        note = item.skip() if item.skip else None
        if note is None:
            try:
                note = update(plan, item)
            except Exception as exc:  # one product's failure keeps its old files and leaves the others be
                failed.add(item.name)
                note = f"{item.name}: FAILED ({type(exc).__name__}: {exc}); {item.kept}"
        if note:
            notes.append(note)
    return notes


def update(plan: Plan, product: Product) -> str | None:
    """Build ``product`` unless it is current; returns its note."""
    fp = product.fingerprint()
    if not plan.force and is_current(plan, product, fp):
        return product.reused()
    with staging(plan.out_dir, product.name.replace(" ", "-")) as stage:
        note = product.build(stage)
        product.marker.unlink(missing_ok=True)  # half swapped is not current, even under the same fingerprint
        swap(stage, plan.out_dir, product.outputs)
    atomic.write_text(product.marker, fp)
    return note


def is_current(plan: Plan, product: Product, fp: str) -> bool:
    needed = product.required or product.outputs
    return read(product.marker) == fp and all((plan.out_dir / name).exists() for name in needed)


@contextlib.contextmanager
def staging(folder: Path, name: str) -> Iterator[Path]:
    """A new hidden folder in ``folder`` (so every move out of it is a rename) to build
    in; removed afterwards, whether the build finished or not."""
    stage = folder / f".{name}.tmp-{os.getpid()}-{threading.get_ident()}"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    try:
        yield stage
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def swap(stage: Path, dest: Path, names: Sequence[str]) -> None:
    """Move each of ``names`` from ``stage`` to ``dest``, in order, folders whole; a
    name the build did not make is removed from ``dest`` (it is no longer valid)."""
    for name in names:
        src, dst = stage / name, dest / name
        if src.is_dir():
            dst.parent.mkdir(parents=True, exist_ok=True)
            atomic.replace_dir(src, dst)
        elif src.exists():
            atomic.replace(src, dst)
        elif dst.is_dir():
            shutil.rmtree(dst, ignore_errors=True)
        else:
            dst.unlink(missing_ok=True)


def read(path: Path) -> str | None:
    """A marker's (or any small text file's) content, None when there is none."""
    try:
        return path.read_text().strip()
    except OSError:
        return None


def digest(*parts: tuple[str, object]) -> hashlib._Hash:
    """A fingerprint's hash of ``key=value`` lines, to which more lines can be added."""
    h = hashlib.sha256()
    for key, value in parts:
        h.update(f"{key}={value}\n".encode())
    return h


def size(path: Path) -> str:
    """A file's size as the notes and the page show it."""
    n = path.stat().st_size
    if n >= 2**20:
        return f"{n / 2**20:.1f} MiB"
    return f"{n / 2**10:.0f} KiB" if n >= 2**10 else f"{n} B"


def since(started: float) -> float:
    return time.monotonic() - started
