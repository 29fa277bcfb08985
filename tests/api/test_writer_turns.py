"""SQLite writers take turns in arrival order; a writer that gives up says who kept the turn."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from api.db import WriterTurns, make_engine


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


def test_a_transaction_begun_immediate_holds_the_turn_until_it_ends(tmp_path: Path) -> None:
    """BEGIN IMMEDIATE takes SQLite's write lock before any write: it takes the turn as well,
    so a writer arriving meanwhile waits for the turn instead of holding it while it waits
    for SQLite's lock (which deadlocked both for 30 s)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'turns.db'}")
    try:
        with engine.begin() as setup:
            setup.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        first = engine.connect()
        first.exec_driver_sql("BEGIN IMMEDIATE")

        def second_writer() -> None:
            with engine.begin() as connection:
                connection.exec_driver_sql("INSERT INTO t VALUES (2)")

        second = threading.Thread(target=second_writer)
        second.start()
        time.sleep(0.3)
        assert second.is_alive()  # waiting for its turn
        started = time.monotonic()
        first.exec_driver_sql("INSERT INTO t VALUES (1)")
        first.commit()
        first.close()
        second.join(10)
        assert not second.is_alive()
        assert time.monotonic() - started < 5
        with engine.connect() as connection:
            assert [r[0] for r in connection.exec_driver_sql("SELECT x FROM t ORDER BY rowid")] == [
                1,
                2,
            ]
    finally:
        engine.dispose()
