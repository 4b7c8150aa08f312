"""Engines: run a worker callable over many items in parallel, with a per-item time limit.

An engine is a context manager (its workers live as long as the block) whose ``map(fn, items)``
takes an iterable of ``(key, args)``, calls ``fn(*args)`` in worker processes and yields
``(key, result)`` as items finish, in any order; ``result`` is what ``fn`` returned or a
:class:`Failure`.  Items are pulled lazily and at most a few per worker are in flight, so the
driver's memory does not grow with the collection.

The time limit has two guards.  Inside the worker :func:`policyparse.limits.time_limit` raises
:class:`~policyparse.errors.Timeout` after ``timeout`` seconds, which stops pure-Python work and
keeps the worker (in a process's main thread only, so not on Dask's worker threads).  A hang in
C code never sees that signal, so the engine also stops the worker itself a little later
(:func:`hard_limit`): pebble kills and replaces the process; on Dask the worker is restarted
through its nanny.

A local worker ends with the driver however the driver ends, even by ``SIGKILL`` when nothing
stops the pool (:func:`die_with_parent`).  Every failure has an ``error_type`` from
:func:`error_types`: the kinds of :mod:`policyparse.errors`, or one the engine gives.
"""

from __future__ import annotations

import ctypes
import itertools
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent import futures
from dataclasses import dataclass
from typing import Any, TypeVar

from ..errors import DiskFull, PolicyParseError, UsageError
from ..limits import time_limit

K = TypeVar("K")
Items = Iterable[tuple[K, tuple]]


@dataclass(frozen=True)
class Failure:
    """Why an item produced no result: the error's class name and its one-line reason."""

    error_type: str
    message: str


# error types the engine gives, besides the kinds of policyparse.errors
ENGINE_ERRORS = {
    "WorkerCrashed": "The worker process died: killed (the system's out-of-memory killer, "
                     "a signal) or crashed in C code.",
    "OutOfMemory": "A MemoryError: the document needed more memory than the worker had.",
    "TooDeep": "A RecursionError: the document nests deeper than the parser follows.",
    "Unreadable": "The file could not be read: permission denied, gone since the scan, not a "
                  "regular file any more, an I/O error.",
    "InternalError": "Any other exception (ValueError, OverflowError, …): a bug in policyparse; "
                     "the message starts with the exception's class, please report it with "
                     "the file.",
}
_BY_CLASS = ((MemoryError, "OutOfMemory"), (RecursionError, "TooDeep"), (OSError, "Unreadable"))


def error_types() -> dict[str, str]:
    """Every ``error_type`` of an error record, with what it means."""
    kinds, todo = {}, PolicyParseError.__subclasses__()
    while todo:
        cls = todo.pop(0)
        if cls is not DiskFull:  # stops the batch instead (exit status 3)
            kinds[cls.__name__] = " ".join(cls.__doc__.split())
        todo += cls.__subclasses__()
    return {**kinds, **ENGINE_ERRORS}


def failure(err: BaseException) -> Failure:
    if isinstance(err, PolicyParseError):  # the file is named in the record, not the message
        return Failure(err.kind, err.reason + (f" ({err.hint})" if err.hint else ""))
    message = str(err) or type(err).__name__
    for cls, kind in _BY_CLASS:
        if isinstance(err, cls):
            return Failure(kind, message)
    return Failure("InternalError", f"{type(err).__name__}: {message}")


PR_SET_PDEATHSIG = 1  # linux/prctl.h
WATCH_PARENT_EVERY = 0.5  # seconds, where the kernel cannot signal a parent's death


def die_with_parent() -> None:
    """Worker initialiser: end this worker when its parent ends (the driver, or the fork server
    that ends with it).  On Linux the kernel sends ``SIGKILL`` (it works even while the worker
    is stuck in C code); elsewhere a thread watches the parent's pid."""
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    else:
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCH_PARENT_EVERY)
    os._exit(1)


def hard_limit(timeout: float) -> float:
    """When the engine stops a worker: long enough after ``timeout`` for the soft limit to act."""
    return timeout * 1.25 + 1


def guarded(fn: Callable, timeout: float | None, *args) -> Any:
    """``fn(*args)`` under the soft time limit, any exception returned as a :class:`Failure`
    (our exceptions do not survive pickling, and one bad item must not stop the batch)."""
    try:
        with time_limit(timeout, None):
            return fn(*args)
    except Exception as err:
        return failure(err)


def _timed_out(timeout: float) -> Failure:
    return Failure("Timeout", f"took longer than {timeout:g} s; the worker was stopped")


class Local:
    """A pool of ``jobs`` worker processes on this machine (pebble)."""

    def __init__(self, *, jobs: int, timeout: float | None):
        self.jobs, self.timeout = jobs, timeout

    def __enter__(self) -> Local:
        from pebble import ProcessPool

        self.pool = ProcessPool(max_workers=self.jobs, initializer=die_with_parent)
        return self

    def __exit__(self, *exc) -> None:
        self.pool.stop()
        self.pool.join()

    def map(self, fn: Callable, items: Items, *, scale: float = 1) -> Iterator[tuple[K, Any]]:
        """``fn`` over ``items``, each with ``scale`` times the engine's time limit."""
        from pebble import ProcessExpired

        pending: dict[futures.Future, K] = {}
        items = iter(items)
        timeout = self.timeout and self.timeout * scale
        hard = timeout and hard_limit(timeout)
        try:
            while True:
                for key, args in itertools.islice(items, 2 * self.jobs - len(pending)):
                    pending[self.pool.submit(guarded, hard, fn, timeout, *args)] = key
                if not pending:
                    return
                done, _ = futures.wait(pending, return_when=futures.FIRST_COMPLETED)
                for fut in done:
                    key = pending.pop(fut)
                    try:
                        yield key, fut.result()
                    except TimeoutError:
                        yield key, _timed_out(timeout)
                    except ProcessExpired as err:
                        yield key, Failure("WorkerCrashed", f"the worker process died ({err})")
                    except Exception as err:  # e.g. a result that cannot be pickled
                        yield key, failure(err)
        finally:  # the consumer stopped early: nothing may run on for it
            for fut in pending:
                fut.cancel()


class Dask:
    """Dask: the cluster at ``scheduler``, or a local cluster of ``jobs`` single-threaded worker
    processes.  One item per worker thread is in flight, so its time counts from submission."""

    def __init__(self, *, jobs: int, timeout: float | None, scheduler: str | None = None):
        self.jobs, self.timeout, self.scheduler = jobs, timeout, scheduler

    def __enter__(self) -> Dask:
        from distributed import Client, LocalCluster

        self.cluster = None if self.scheduler else LocalCluster(
            n_workers=self.jobs, threads_per_worker=1, processes=True, dashboard_address=":0",
            silence_logs=logging.ERROR)
        try:
            self.client = Client(self.scheduler or self.cluster, timeout="20s")
        except (OSError, TimeoutError) as err:
            raise UsageError(self.scheduler, f"cannot reach the Dask scheduler ({err})") from None
        return self

    def __exit__(self, *exc) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    def map(self, fn: Callable, items: Items, *, scale: float = 1) -> Iterator[tuple[K, Any]]:
        """``fn`` over ``items``, each with ``scale`` times the engine's time limit."""
        from distributed import wait

        client, pending = self.client, {}
        items = iter(items)
        timeout = self.timeout and self.timeout * scale
        hard = hard_limit(timeout) if timeout else float("inf")
        slots = sum(client.nthreads().values()) or 1
        try:
            while True:
                for key, args in itertools.islice(items, slots - len(pending)):
                    fut = client.submit(guarded, fn, timeout, *args, pure=False)
                    pending[fut] = key, time.monotonic() + hard
                if not pending:
                    return
                first = min(deadline for _, deadline in pending.values())
                try:
                    wait(list(pending), timeout=min(max(0.01, first - time.monotonic()), 3600),
                         return_when="FIRST_COMPLETED")
                except TimeoutError:
                    pass
                for fut in [f for f in pending if f.done()]:
                    key, _ = pending.pop(fut)
                    yield key, (fut.result() if fut.status == "finished"
                                else _dask_failure(fut.exception()))
                overdue = [f for f, (_, deadline) in pending.items()
                           if deadline <= time.monotonic()]
                if overdue:
                    _restart_workers(client, overdue)
                    for fut in overdue:
                        yield pending.pop(fut)[0], _timed_out(timeout)
        finally:
            client.cancel(list(pending))


ENGINES = {"local": Local, "dask": Dask}


def _dask_failure(err: BaseException) -> Failure:
    from distributed import KilledWorker

    if isinstance(err, KilledWorker):  # the task's workers died, as a local worker can
        return Failure("WorkerCrashed", f"the worker process died ({err})")
    return failure(err)


def _restart_workers(client, overdue: list) -> None:
    """Stop the tasks and restart the workers running them (a thread cannot be killed)."""
    keys = {f.key for f in overdue}
    workers = [w for w, running in client.processing().items() if keys & set(running)]
    client.cancel(overdue)
    if workers:
        try:
            client.restart_workers(workers, raise_for_error=False)
        except Exception:  # workers without a nanny cannot be restarted; the task was cancelled
            logging.getLogger(__name__).warning("could not restart Dask workers %s", workers)
