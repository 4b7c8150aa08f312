"""Per-document time limit: a pathological input raises :class:`Timeout` instead of hanging.

Patterns are written not to backtrack catastrophically (tests/test_hostile.py feeds them the
classic traps); this limit is the second guard, for whatever a pattern or a third-party parser
does on input nobody foresaw.  It uses ``SIGALRM``, so it works in the main thread of a POSIX
process (the CLI, each batch worker); elsewhere it is a no-op and the batch engine's hard limit,
which kills the worker, remains.  The ``regex`` module checks for signals while it matches, so
even one long match is interrupted.

A signal handler's exception lands in whatever Python code runs at that instant, and some of
that code swallows it: a garbage-collector callback or a ``__del__`` only reports it to
``sys.unraisablehook`` (which stays quiet about ours), and a library may catch it and raise its
own error instead.  So the alarm keeps firing every ``_AGAIN`` seconds once the limit has
passed, and a block that ends, normally or with another error, after the limit has passed
raises the :class:`Timeout` on exit.
"""

from __future__ import annotations

import signal
import sys
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
        if not self.open:
            return
        self.expired = True
        # Raised in __enter__ (the limit passed before it returned, on a busy machine) or in
        # __exit__ before it disarms, the Timeout would leave the alarm armed for code after
        # the block; the body raises it at the next alarm, __exit__ once disarmed.
        if frame is None or frame.f_code not in _OWN:
            raise self._timeout()

    def _unraisable(self, info) -> None:
        """A Timeout that code such as a ``__del__`` swallowed is dropped without the usual
        "Exception ignored" traceback on stderr: the block raises it again."""
        if not isinstance(info.exc_value, Timeout):
            self.hook(info)

    def __enter__(self) -> time_limit:
        if self.enabled:
            self.hook, sys.unraisablehook = sys.unraisablehook, self._unraisable
            self.previous = signal.signal(signal.SIGALRM, self._alarm)
            self.open = True
            signal.setitimer(signal.ITIMER_REAL, self.seconds, _AGAIN)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if not self.enabled:
            return
        self.open = False  # an alarm that is already pending does nothing from here on
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self.previous)
        sys.unraisablehook = self.hook
        # After the limit, any other error is most likely the Timeout re-wrapped by a library
        if self.expired and (kind is None or issubclass(kind, Exception)) \
                and not isinstance(error, Timeout):
            raise self._timeout() from error


_OWN = frozenset(m.__code__ for m in (time_limit.__enter__, time_limit.__exit__,
                                      time_limit._unraisable))
