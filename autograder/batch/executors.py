"""Where the batch grader's workers run: processes of this machine, or the workers of a Dask cluster."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing import get_context

from ..errors import CourseError
from ..settings import BatchGrader
from . import jobs


@contextmanager
def executor(workers: int, scheduler: str | None, settings: BatchGrader) -> Iterator[Executor]:
    """Worker processes of this machine, or the workers of the Dask cluster at `scheduler`."""
    if scheduler:
        from distributed import Client

        try:
            _knock(scheduler, settings.knock_seconds)
            client = Client(scheduler, timeout=f"{settings.connect_seconds:g}s")
        except (OSError, TimeoutError, ValueError) as error:
            raise CourseError(f"cannot reach the Dask scheduler at {scheduler}: {error}") from None
        with client:
            yield client.get_executor(pure=False)
        return
    if workers == 1:
        # One worker is the coordinator itself: no second interpreter to start, and its template warms up at once.
        jobs.worker_ready(inline=True)
        yield Inline()
        return
    # spawn: the workers import what they need afresh, rather than fork a process that runs threads.
    pool = ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=jobs.worker_ready)
    try:
        yield pool
    except BaseException:
        # Interrupted, or failed: what is queued is dropped, what runs is not waited for.
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


class Inline(Executor):
    """Runs each job at once, in this process."""

    def submit(self, fn, /, *args, **kwargs) -> Future:  # noqa: ANN001, ANN003 - Executor's signature
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as error:
            future.set_exception(error)
        return future


def workers(executor: Executor, asked: int) -> int:
    """How many submissions the executor grades side by side."""
    client = getattr(executor, "_client", None)
    if client is not None:
        return max(1, sum(w.get("nthreads", 1) for w in client.scheduler_info().get("workers", {}).values()))
    return asked


def _knock(address: str, seconds: float) -> None:
    """Fail at once on a TCP scheduler address where nothing listens, rather than after Dask's connect timeout."""
    if address.startswith("tcp://"):
        host, _, port = address.removeprefix("tcp://").rpartition(":")
        socket.create_connection((host.strip("[]"), int(port)), timeout=seconds).close()


