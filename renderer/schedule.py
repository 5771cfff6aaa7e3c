"""The run: every selected section reused, joined from parts already rendered, or rendered.

Each section has a thread that holds the section's lock while it works (a
second run on the same folder waits, then reuses what this one made). Its
parts (renderer/parts.py) each need one of ``--jobs`` slots to run their manim
process; slots go to the costliest waiting work first, so the long sections
start early and the parts of a section run side by side.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time

from common import atomic
from renderer import cache, explorers, parts, prepass
from renderer.job import (
    SOURCES_CHANGED,
    Part,
    Processes,
    Result,
    assemble_section,
    damaged_note,
    play_counts,
    render_part,
    start_log,
    store_problems,
)
from renderer.plan import Entry, Plan
from renderer.report import Reporter
from video.assemble import AssemblyError


class Slots:
    """``count`` slots, handed out by priority (lowest first), then by arrival.

    At the start every section thread first fingerprints, locks and plans (times that
    vary), so the first to ask is not the costliest. Slots are held back until every
    expected section has queued its parts or said it needs none (``arrived``), or until
    ``grace`` seconds have passed (a section waiting on another run's lock)."""

    def __init__(self, count: int, cancelled: threading.Event, expected: int = 0, grace: float = 3.0) -> None:
        self.free = count
        self.cancelled = cancelled
        self._cond = threading.Condition()
        self._waiting: list[tuple] = []
        self._seq = itertools.count()
        self._pending = expected
        self._arrived: set[str] = set()
        self._gate = time.monotonic() + grace

    def arrived(self, name: str) -> None:
        """Section ``name`` has queued its parts, or will ask for none; once per section."""
        with self._cond:
            if name not in self._arrived:
                self._arrived.add(name)
                self._pending -= 1
                self._cond.notify_all()

    def queue(self, priority: tuple) -> tuple:
        """A place in the queue now, in the caller's thread; ``acquire`` it later."""
        with self._cond:
            token = (priority, next(self._seq))
            heapq.heappush(self._waiting, token)
            return token

    def _open(self) -> bool:
        return self._pending <= 0 or time.monotonic() >= self._gate

    def acquire(self, token: tuple) -> bool:
        with self._cond:
            while not self.cancelled.is_set() and not (self.free and self._open() and self._waiting[0] == token):
                self._cond.wait(0.1 if not self._open() else 0.5)
            self._waiting.remove(token)
            heapq.heapify(self._waiting)
            self._cond.notify_all()
            if self.cancelled.is_set():
                return False
            self.free -= 1
            return True

    def release(self) -> None:
        with self._cond:
            self.free += 1
            self._cond.notify_all()


def render(plan: Plan, reporter: Reporter) -> tuple[list[Result], bool]:
    """Reuse, join or render every selected section; returns (results in lesson order, interrupted)."""
    procs = Processes()
    slots = Slots(plan.jobs, procs.cancelled, expected=len(plan.selected))
    costs = {e.name: parts.cost(plan, e) for e in plan.selected}
    total = sum(costs.values())
    order = sorted(plan.selected, key=lambda e: (-costs[e.name], e.index))
    results: dict[str, Result] = {}

    def work(entry: Entry) -> None:
        k = plan.selected.index(entry) + 1
        try:
            result = section(plan, entry, k, procs, slots, reporter, costs[entry.name], total - costs[entry.name])
        except Exception as exc:  # a bug or a full disk must not stop the other sections
            result = Result(entry, "failed", error=f"{type(exc).__name__}: {exc}", log=plan.log(entry))
        finally:
            slots.arrived(entry.name)  # reused or failed before queueing: it asks for no slot
        results[entry.name] = result
        reporter.finished(k, result)

    # A first render's formulas and narration, made ahead of the drawing, beside it (renderer/prepass.py).
    ahead = prepass.start(plan, order)
    # The page's explorers need no section: drawn in the same queue, not after the join.
    drawing_explorers = None if prepass.stock() else explorers.beside(plan, slots, procs)

    threads = [threading.Thread(target=work, args=(e,), name=f"section-{e.name}", daemon=True) for e in order]
    for t in threads:
        t.start()
    interrupted = False
    try:
        for t in threads:
            while t.is_alive():
                t.join(0.2)
    except KeyboardInterrupt:
        interrupted = True
        reporter.note("interrupted: stopping the running renders; finished outputs are kept, nothing half-written is")
        procs.cancel()
        for t in threads:
            t.join()
    finally:
        prepass.stop(ahead)
    if drawing_explorers is not None:
        try:
            drawing_explorers.join()
        except KeyboardInterrupt:
            interrupted = True
            procs.cancel()
            drawing_explorers.join()
    reporter.close()
    return [results[e.name] for e in plan.selected if e.name in results], interrupted


def section(
    plan: Plan, entry: Entry, k: int, procs: Processes, slots: Slots, reporter: Reporter, cost: float, others: float
) -> Result:
    """Reuse, join or render one section. A source saved while it renders makes its parts
    fail (video/render.py checks them): it is then rendered again from the new sources."""
    for attempt in range(1, SOURCE_ATTEMPTS + 1):
        result = _section(plan, entry, k, procs, slots, reporter, cost, others)
        if not result.error.startswith(SOURCES_CHANGED) or attempt == SOURCE_ATTEMPTS:
            return result
        reporter.line(k, entry.name, "a source file changed during the render: rendering again from the new one")
        cache.forget_hashes()
    return result


SOURCE_ATTEMPTS = 3


def _section(
    plan: Plan, entry: Entry, k: int, procs: Processes, slots: Slots, reporter: Reporter, cost: float, others: float
) -> Result:
    if procs.cancelled.is_set():
        return Result(entry, "skipped", error="interrupted", log=plan.log(entry))
    fp = cache.fingerprint(plan, entry)
    if plan.only_part is not None:  # one part of a --print-jobs run: no lock, no joining
        return _render(plan, entry, k, fp, [plan.only_part], procs, slots, reporter, cost, join=False)
    with atomic.locked(plan.lock(entry), on_wait=lambda: reporter.waiting(k, entry.name)):
        record = cache.load(plan, entry)
        if not plan.force and cache.is_current(plan, entry, record, fp):
            return Result(
                entry,
                "reused",
                seconds=record.render_seconds,
                duration=record.duration,
                video=plan.out_dir / record.video,
                log=plan.log(entry),
            )
        if procs.cancelled.is_set():
            return Result(entry, "skipped", error="interrupted", log=plan.log(entry))
        # --rejoin: the forced jobs of --print-jobs drew the parts; join them, don't draw again.
        found = None if plan.force and not plan.rejoin else parts.existing(plan, entry, fp)
        if found is not None:  # rendered already (--print-jobs): join it, if its plays are whole
            missing, damaged = store_problems(plan, entry, found)
            if damaged:
                reporter.line(k, entry.name, damaged_note(damaged))
            if not missing and not damaged:
                started = time.monotonic()
                reporter.line(k, entry.name, f"joining {len(found)} part(s) rendered before")
                result = assemble_section(plan, entry, fp, found, started)
                result.parts = len(found)
                result.plays = {"rendered": 0, "reused": sum(result.plays.values())}  # none drawn by this run
                return result
        chosen = parts.choose(plan, entry, others)
        return _render(plan, entry, k, fp, chosen, procs, slots, reporter, cost, join=True)


def _render(
    plan: Plan,
    entry: Entry,
    k: int,
    fp: str,
    chosen: list[Part],
    procs: Processes,
    slots: Slots,
    reporter: Reporter,
    cost: float,
    join: bool,
) -> Result:
    log = start_log(plan, entry, chosen) if join or not plan.log(entry).exists() else plan.log(entry)
    outcomes: dict[Part, tuple[dict | None, str]] = {}
    first_start: list[float] = []  # the render time counts from the first part's start, not the queue

    def run(part: Part, token: tuple) -> None:
        if not slots.acquire(token):
            outcomes[part] = (None, "interrupted")
            return
        if not first_start:
            first_start.append(time.monotonic())
            reporter.started(k, entry, plan, chosen)
        try:
            reporter.part_started(entry, part, plan.progress_file(entry, part))
            outcomes[part] = render_part(plan, entry, fp, part, procs, log)
        finally:
            slots.release()
            reporter.part_finished(entry, part)

    def run_all() -> None:
        # Queued here, before any thread starts, so the section's parts keep their order.
        tokens = [slots.queue((-cost, entry.index, n)) for n in range(len(chosen))]
        slots.arrived(entry.name)
        threads = [threading.Thread(target=run, args=(p, t), daemon=True) for p, t in zip(chosen, tokens, strict=True)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    run_all()
    # The store checks what it joins: a play damaged since its part ran (another run, a copy
    # from elsewhere) is dropped and its part runs again, drawing it.
    if not any(record is None for record, _ in outcomes.values()):
        missing, damaged = store_problems(plan, entry, [record for record, _ in outcomes.values()])
        if damaged:
            reporter.line(k, entry.name, damaged_note(damaged))
        if missing or damaged:
            run_all()
    repaired = [p["key"] for record, _ in outcomes.values() if record for p in record["plays"] if p.get("repaired")]
    if repaired:  # found damaged by the part itself
        reporter.line(k, entry.name, damaged_note(repaired))
    started = first_start[0] if first_start else time.monotonic()
    errors = [err for record, err in outcomes.values() if record is None]
    if errors:
        status = "interrupted" if procs.cancelled.is_set() else "failed"
        return Result(entry, status, seconds=time.monotonic() - started, log=log, error=errors[0], parts=len(chosen))
    records = [outcomes[p][0] for p in chosen]
    if not join:
        return Result(
            entry,
            "rendered",
            seconds=time.monotonic() - started,
            log=log,
            parts=len(chosen),
            plays=play_counts(records),
        )
    try:
        result = assemble_section(plan, entry, fp, records, started)
    except (AssemblyError, OSError, ValueError) as exc:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(f"\nerror while joining the section: {exc}\n")
        return Result(
            entry,
            "failed",
            seconds=time.monotonic() - started,
            log=log,
            error=f"joining the parts: {exc}",
            parts=len(chosen),
        )
    result.parts = len(chosen)
    return result
