"""The model's process ends with the process that started it, also a server's worker process
(those exit without running atexit handlers)."""

from __future__ import annotations

import multiprocessing
import os
import time


def _start_the_model(found: multiprocessing.Queue[int]) -> None:
    from api.services.screening import prioritization

    found.put(prioritization._model().submit(os.getpid).result(timeout=120))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie waits for its parent: not running
        return stat.read().rsplit(")", 1)[1].split()[0] != "Z"


def test_the_model_process_ends_with_a_worker_process() -> None:
    context = multiprocessing.get_context("spawn")
    found: multiprocessing.Queue[int] = context.Queue()
    worker = context.Process(target=_start_the_model, args=(found,))
    worker.start()
    model_pid = found.get(timeout=120)
    worker.join(60)
    assert worker.exitcode == 0
    deadline = time.monotonic() + 20
    while _alive(model_pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(model_pid)
