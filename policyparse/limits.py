"""Per-document time limit: a pathological input raises :class:`Timeout` instead of hanging.

Patterns are written not to backtrack catastrophically (tests/test_hostile.py feeds them the
classic traps); this limit is the second guard, for whatever a pattern or a third-party parser
does on input nobody foresaw.  It uses ``SIGALRM``, so it works in the main thread of a POSIX
process (the CLI, each batch worker); elsewhere it is a no-op and the batch engine's hard limit,
which kills the worker, remains.  The ``regex`` module checks for signals while it matches, so
even one long match is interrupted.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from .errors import Timeout


@contextmanager
def time_limit(seconds: float | None, path: str | None) -> Iterator[None]:
    """Raise :class:`Timeout` naming ``path`` if the block runs longer than ``seconds``."""
    if not seconds or not hasattr(signal, "setitimer") \
            or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum, frame):
        raise Timeout(path, f"processing took longer than the limit of {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
