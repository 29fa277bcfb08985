"""The collector pause around parsing always ends, and leaves a disabled collector disabled."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from importers.gc_pause import collector_paused
from importers.registry import parse_bytes


@pytest.fixture(autouse=True)
def _collector_restored() -> Iterator[None]:
    was_enabled = gc.isenabled()
    yield
    if was_enabled:
        gc.enable()
    else:
        gc.disable()


def test_paused_inside_and_back_on_after_a_parse_even_a_failing_one() -> None:
    gc.enable()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError, match="parser failed"), collector_paused():
        raise ValueError("parser failed")
    assert gc.isenabled()
    parse_bytes(b"TY  - JOUR\nTI  - A title\nER  - \n", format="ris")
    assert gc.isenabled()


def test_overlapping_pauses_end_with_the_last_one() -> None:
    gc.enable()
    first_inside = threading.Event()
    release_first = threading.Event()
    seen_after_second: list[bool] = []

    def first() -> None:
        with collector_paused():
            first_inside.set()
            release_first.wait(timeout=10)

    thread = threading.Thread(target=first)
    thread.start()
    assert first_inside.wait(timeout=10)
    with collector_paused():
        pass
    seen_after_second.append(gc.isenabled())  # the first parse is still running
    release_first.set()
    thread.join(timeout=10)
    assert seen_after_second == [False]
    assert gc.isenabled()


def test_a_collector_disabled_by_the_application_stays_disabled() -> None:
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_objects_made_during_the_pause_cost_no_collection_when_it_ends() -> None:
    gc.enable()
    gc.collect()
    collections: list[int] = []

    def note(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    gc.callbacks.append(note)
    try:
        with collector_paused():
            made = [[index] for index in range(50_000)]  # far past the young threshold
        more = [[index] for index in range(500)]  # allocations that would start a collection
    finally:
        gc.callbacks.remove(note)
    assert collections == []
    assert gc.get_count()[0] < 1_000
    # A cycle made during the pause is still collected, by a full collection.
    with collector_paused():
        cycle: list[object] = []
        cycle.append(cycle)
    del cycle
    assert gc.collect() >= 1
    assert len(made) + len(more) == 50_500
