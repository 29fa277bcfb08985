"""Pause Python's cyclic garbage collector while a parser builds a large acyclic result.

The pause is process-wide, so only a host that owns its process opts in: the command line
(`winnow parse`). The service never does: its other requests would run without a collector
while any upload is parsed, and a library must not do that to its host."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_active = 0
_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Hold the cyclic collector off for the block; nested and concurrent uses share one pause.

    A 100,000-record file makes millions of small containers, none of them in cycles, so the
    collector's passes find nothing; they cost about a tenth of the parse. Reference counting
    still frees everything, and the collector is back on (if it was on) when the last parse
    in the process ends."""
    global _active, _was_enabled
    with _lock:
        if _active == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _active += 1
    try:
        yield
    finally:
        with _lock:
            _active -= 1
            if _active == 0 and _was_enabled:
                _age_young_objects()
                gc.enable()


def _age_young_objects() -> None:
    """Move every tracked object to the oldest generation without scanning it.

    Otherwise the millions of containers made during the pause are all still "young", and the
    first allocation after it runs a collection over every one of them (a third of a second
    after a 100,000-record parse). In the oldest generation they wait for the next full
    collection, which CPython spaces out in proportion to the heap; cycles among them are
    still found there."""
    gc.freeze()  # every tracked object into the permanent generation...
    gc.unfreeze()  # ...and from there into the oldest one
