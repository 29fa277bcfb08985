"""SQLite writers take turns in arrival order; a writer that gives up says who kept the turn."""

from __future__ import annotations

import threading
import time

from api.db import WriterTurns


def test_turns_go_in_arrival_order_and_a_timed_out_writer_names_the_holder() -> None:
    turns = WriterTurns()
    assert turns.acquire(1, "INSERT INTO job")
    order: list[str] = []

    def writer(name: str) -> None:
        assert turns.acquire(5, name)
        order.append(name)
        turns.release()

    first = threading.Thread(target=writer, args=("first",), name="first")
    first.start()
    while not turns._waiting:  # wait until it queues
        time.sleep(0.001)
    second = threading.Thread(target=writer, args=("second",), name="second")
    second.start()
    while len(turns._waiting) < 2:
        time.sleep(0.001)
    assert not turns.acquire(0.05, "UPDATE job")  # held: this one gives up
    assert "MainThread: INSERT INTO job" in turns.holder()
    turns.release()
    first.join(5)
    second.join(5)
    assert order == ["first", "second"]
    assert turns.holder() == "nobody (it was just given back)"
