"""The slots that order the parts: costliest first, even when a cheap section asks first."""

from __future__ import annotations

import threading
import time

from renderer.schedule import Slots


def _take(slots: Slots, token: tuple, order: list, name: str) -> None:
    if slots.acquire(token):
        order.append(name)


def test_slots_wait_for_every_section_before_handing_out_the_first():
    slots = Slots(1, threading.Event(), expected=2, grace=30)
    order: list[str] = []
    cheap = threading.Thread(target=_take, args=(slots, slots.queue((-1.0, 5, 0)), order, "cheap"))
    slots.arrived("cheap")
    cheap.start()
    time.sleep(0.3)
    assert order == [], "a slot went out before the costliest section had queued"
    costly = threading.Thread(target=_take, args=(slots, slots.queue((-9.0, 2, 0)), order, "costly"))
    slots.arrived("costly")
    costly.start()
    costly.join(5)
    assert order == ["costly"]
    slots.release()
    cheap.join(5)
    assert order == ["costly", "cheap"]


def test_a_section_that_needs_no_slot_opens_the_gate():
    slots = Slots(1, threading.Event(), expected=2, grace=30)
    order: list[str] = []
    t = threading.Thread(target=_take, args=(slots, slots.queue((-1.0, 1, 0)), order, "only"))
    slots.arrived("only")
    t.start()
    slots.arrived("reused")  # reused: asks for nothing
    slots.arrived("reused")  # said twice (a retry) still counts once
    t.join(5)
    assert order == ["only"]


def test_the_gate_opens_after_its_grace_when_a_section_never_arrives():
    slots = Slots(1, threading.Event(), expected=3, grace=0.3)
    started = time.monotonic()
    assert slots.acquire(slots.queue((0,)))
    assert 0.2 <= time.monotonic() - started < 5


def test_a_cancelled_run_hands_out_nothing():
    cancelled = threading.Event()
    slots = Slots(1, cancelled, expected=2, grace=30)
    token = slots.queue((0,))
    cancelled.set()
    assert slots.acquire(token) is False
