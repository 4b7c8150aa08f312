"""Per-document time limit: a pathological input raises :class:`Timeout` instead of hanging.

Patterns are written not to backtrack catastrophically (tests/test_hostile.py feeds them the
classic traps); this limit is the second guard, for whatever a pattern or a third-party parser
does on input nobody foresaw.  It uses ``SIGALRM``, so it works in the main thread of a POSIX
process (the CLI, each batch worker); elsewhere it is a no-op and the batch engine's hard limit,
which kills the worker, remains.  The ``regex`` module checks for signals while it matches, so
even one long match is interrupted.

A signal handler's exception lands in whatever Python code runs at that instant, and some of
that code swallows it: a garbage-collector callback or a ``__del__`` only prints "Exception
ignored", and a library may catch it and raise its own error instead.  So the alarm keeps
firing every ``_AGAIN`` seconds once the limit has passed, and a block that ends, normally or
with another error, after the limit has passed raises the :class:`Timeout` on exit.
"""

from __future__ import annotations

import signal
import threading
from types import TracebackType

from .errors import Timeout

_AGAIN = 0.05  # seconds between repeated alarms after the limit has passed


class time_limit:  # noqa: N801 - used as a context manager, like contextlib's
    """Raise :class:`Timeout` naming ``path`` if the block runs longer than ``seconds``."""

    def __init__(self, seconds: float | None, path: str | None):
        self.seconds, self.path = seconds, path
        self.enabled = bool(seconds) and hasattr(signal, "setitimer") \
            and threading.current_thread() is threading.main_thread()
        self.open = self.expired = False

    def _timeout(self) -> Timeout:
        return Timeout(self.path, f"processing took longer than the limit of {self.seconds:g} s")

    def _alarm(self, signum, frame) -> None:
        if self.open:
            self.expired = True
            raise self._timeout()

    def __enter__(self) -> time_limit:
        if self.enabled:
            self.previous = signal.signal(signal.SIGALRM, self._alarm)
            self.open = True
            signal.setitimer(signal.ITIMER_REAL, self.seconds, _AGAIN)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if not self.enabled:
            return
        try:
            self.open = False  # an alarm that is already pending does nothing from here on
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)
        # After the limit, any other error is most likely the Timeout re-wrapped by a library
        if self.expired and (kind is None or issubclass(kind, Exception)) \
                and not isinstance(error, Timeout):
            raise self._timeout() from error
