"""``./render.sh --gc``: the size of every variant's store, then what no current output needs removed.

A render already keeps each section's store bounded: the plays and part records of
its current render and of the one before (so undoing an edit is cheap) stay, the rest
go (renderer/job.py ``drop_unused_plays``). What that leaves behind:

* temporary files of interrupted runs (``.*.tmp``, ``.work/``, swapped-out folders);
* the clip folders and plays of sections no longer in the manifest (a renamed section);
* part records and plays that no section's current or previous render names;
* clip folders of older renders of a section.

``--gc`` removes those, in every variant under the output folder, and prints each
variant's size before and after. It keeps every current output and one earlier version
of each section. A variant in use by another run (a section or the lesson locked) is
left alone and said so. The shared LaTeX and narration caches are only measured: they
are keyed by content, shared by every variant, and cheap to keep.

At the end of a render a note says when a variant's bookkeeping has grown past
``NOTE_BYTES`` (renderer/cli.py).
"""

from __future__ import annotations

import contextlib
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

from common import atomic
from narration.cache import cache_dir
from renderer import cache
from renderer.plan import Plan
from video.store import Store

NOTE_BYTES = 2 << 30  # a note at the end of a render past 2 GiB of bookkeeping in a variant
TEMP = re.compile(r"^\..*(\.tmp|tmp-|\.old-\d+)")  # common/atomic.py's and the encoder's temporary names
SECTION_RECORD = re.compile(r"^\d{2}-.+\.json$")
PART_RECORD = re.compile(r"^(.*)-([0-9a-f]{12})-\d+-(?:\d+|end)\.json$")


def size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    total = 0
    for p in path.rglob("*"):
        with contextlib.suppress(OSError):
            if p.is_file() and not p.is_symlink():
                total += p.stat().st_size
    return total


def human(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    raise AssertionError


def variants(out_root: Path) -> list[Path]:
    return sorted(p.parent for p in out_root.glob("*/.cache") if p.is_dir())


@contextlib.contextmanager
def _unused(plan: Plan, variant: Path) -> Iterator[bool]:
    """Hold the variant's lock exclusively, without waiting: True if no run is using it
    (every run holds it shared while it works, renderer/cli.py)."""
    with atomic.try_locked(plan.variant_lock_of(variant)) as held:
        yield held


def collect(plan: Plan, variant: Path) -> list[Path]:
    """What no current output of ``variant`` needs (the plan's manifest says what sections there are)."""
    bookkeeping = variant / ".cache"
    doomed: list[Path] = []
    stems = {e.stem for e in plan.manifest.entries}
    doomed += [p for p in variant.rglob(".*") if TEMP.match(p.name)]
    if (variant / ".work").exists():
        doomed.append(variant / ".work")
    records = {}
    for path in bookkeeping.glob("*.json"):
        if not SECTION_RECORD.match(path.name):
            continue  # the lesson's and the products' own markers
        record = cache.load_file(path)
        if path.stem not in stems or record is None:
            doomed.append(path)  # a section the manifest no longer has
        else:
            records[path.stem] = record
    for folder in bookkeeping.iterdir():
        if not folder.is_dir() or folder.name in ("plays", "parts"):
            continue
        record = records.get(folder.name.rsplit("-", 1)[0])
        if record is None or folder.name != Path(record.store).name:
            doomed.append(folder)  # an older render's clips, or an unknown section's
    plays = bookkeeping / "plays"
    for folder in sorted(plays.iterdir()) if plays.is_dir() else []:
        record = records.get(folder.name)
        if record is None:
            doomed.append(folder)
            continue
        keep = set(record.plays) | set(record.previous_plays)
        for key in sorted(Store(folder, "").keys() - keep):
            doomed += sorted(folder.glob(f"{key}.*"))
    for path in sorted((bookkeeping / "parts").glob("*.json")):
        match = PART_RECORD.match(path.name)
        record = records.get(match.group(1)) if match else None
        if record is None or match.group(2) not in (record.fingerprint[:12], record.previous_fingerprint[:12]):
            doomed.append(path)
    return doomed


def run(plan: Plan, out=print) -> int:
    """Measure and clean every variant under the plan's output folder; returns the bytes freed."""
    root = plan.out_root
    found = variants(root)
    if not found:
        out(f"gc: no renders in {root}")
        return 0
    freed = 0
    out(f"gc: {root}")
    for variant in found:
        before = size(variant)
        with _unused(plan, variant) as free:
            if not free:
                out(f"  {variant.name:<28} {human(before):>10}  in use by another run: left alone")
                continue
            doomed = collect(plan, variant)
            for path in doomed:
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)
        after = size(variant)
        freed += before - after
        out(f"  {variant.name:<28} {human(before):>10} -> {human(after):>10}  ({len(doomed)} removed)")
    for name, folder in (("LaTeX cache (shared)", plan.tex_dir), ("narration cache (shared)", cache_dir())):
        if folder.exists():
            out(f"  {name:<28} {human(size(folder)):>10}  kept (keyed by content)")
    out(f"gc: freed {human(freed)}")
    return freed


def note(plan: Plan) -> str | None:
    """A note for the end of a render when the variant's bookkeeping has grown large."""
    total = size(plan.out_dir / ".cache") + size(plan.out_dir / ".work")
    if total < NOTE_BYTES:
        return None
    where = plan.out_dir
    return f"store: {human(total)} of plays and bookkeeping in {where}; ./render.sh --gc removes what no output needs"
