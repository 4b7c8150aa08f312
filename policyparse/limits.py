"""Time limits: a document that takes too long raises :class:`Timeout` naming it, in any thread.

The limit is a *deadline* held in a :class:`~contextvars.ContextVar`, so every thread and every
asyncio task has its own, and nested limits only ever shorten it (a batch worker's limit covers
the ``parse`` and the lint inside it; ``lint --timeout 10`` covers reading and linting).  It is
enforced in two ways:

* Cooperatively, everywhere: the pipeline, the loaders and the linter call :func:`check` at their
  loop points (between components, rules and plans, per page or block), and patterns run over a
  whole text take ``timeout=remaining()`` (the ``regex`` module then stops even one long match
  with a ``TimeoutError``, which the block turns into the :class:`Timeout`).
* By ``SIGALRM`` as a second guard, in the main thread only and only while nobody else uses it
  (no ``ITIMER_REAL`` armed, no SIGALRM handler of the host's): it interrupts pure-Python work
  between two checks.  The previous handler and timer are restored exactly on exit.

Work that never returns to Python (a C call in a third-party parser) cannot be interrupted by
either: a :class:`Timeout` noticed well after the limit says so in its message ("noticed 3.2 s
late, after …"), and the batch engine's process kill remains the hard limit.

A signal handler's exception lands in whatever Python code runs at that instant, and some of
that code swallows it: a garbage-collector callback or a ``__del__`` only reports it to
``sys.unraisablehook`` (which stays quiet about ours), and a library may catch it and raise its
own error instead.  So the alarm keeps firing every ``_AGAIN`` seconds once the limit has
passed, every later :func:`check` raises again, and a block that ends, normally or with another
error, after its limit fired raises the :class:`Timeout` on exit.
"""

from __future__ import annotations

import math
import signal
import sys
import threading
import time
from collections.abc import Sequence
from contextvars import ContextVar, Token
from dataclasses import dataclass
from types import TracebackType

from .errors import Timeout

DEFAULT_TIMEOUT = 120.0  # seconds per document: parse(), lint(), the CLI and batch
LATE = 1.0  # seconds: a Timeout noticed later than this after the limit says so
_AGAIN = 0.05  # seconds between repeated alarms after the limit has passed
_SOON = 1e-6  # seconds: re-arming for a limit that has already passed (0 would disarm)
_ALARMS = hasattr(signal, "setitimer")


@dataclass(eq=False)
class _Deadline:
    end: float  # time.monotonic() at which the limit passes
    seconds: float  # the limit that sets ``end``, for the message
    path: str | None
    outer: _Deadline | None
    fired_at: float | None = None  # when a check or the alarm first found the limit passed

    def fire(self) -> None:
        """Mark this deadline, and the enclosing ones that have passed too, as fired."""
        now, d = time.monotonic(), self
        while d is not None and d.end <= now:
            d.fired_at = d.fired_at or now
            d = d.outer

    def timeout(self, where: str | None = None) -> Timeout:
        late = (self.fired_at or time.monotonic()) - self.end
        note = (f" (noticed {late:.1f} s late{f', after {where}' if where else ''}: "
                "that work could not be interrupted)") if late > LATE else ""
        return Timeout(self.path,
                       f"processing took longer than the limit of {self.seconds:g} s{note}")


_current: ContextVar[_Deadline | None] = ContextVar("policyparse_deadline", default=None)


def check(where: str | None = None) -> None:
    """Raise :class:`Timeout` if the current deadline has passed (``where``: the work just
    done, named in the message when the limit was noticed late).  Costs well under a
    microsecond: call it once per page, block, plan or rule."""
    d = _current.get()
    if d is not None and time.monotonic() >= d.end:
        d.fire()
        raise d.timeout(where)


def remaining() -> float | None:
    """Seconds left before the current deadline (0 once it has passed), or None without one:
    the ``timeout=`` of a ``regex`` match, search or sub run over a whole text."""
    d = _current.get()
    return None if d is None else max(0.0, d.end - time.monotonic())


def limit_of(timeout: float | None) -> float:
    """The limit of a library call given ``timeout``: None is :data:`DEFAULT_TIMEOUT`, 0 none."""
    if timeout is None:
        return DEFAULT_TIMEOUT
    if not timeout >= 0:  # also refuses nan
        raise ValueError(f"timeout must be a number of seconds ≥ 0, got {timeout!r}")
    return timeout


def for_documents(timeout: float | None, names: Sequence[str]) -> time_limit:
    """One limit over work on several documents, such as reading and linting them together:
    ``timeout`` per document (None: the default, 0: none) times their number.  A timeout names
    the document, or says how many there were."""
    seconds = limit_of(timeout) * len(names)
    return time_limit(seconds, names[0] if len(names) == 1 else f"{len(names)} documents")


class _Alarm:
    """The main thread's SIGALRM guard: which block armed it, and what to restore after."""

    owner: time_limit | None = None
    handler: object = None
    hook: object = None


class time_limit:  # noqa: N801 - used as a context manager, like contextlib's
    """Raise :class:`Timeout` naming ``path`` if the block runs longer than ``seconds`` (None or
    0: no limit of its own).  Inside another limit the earlier deadline holds; ``path`` then
    names the document in the enclosing limit's timeout too."""

    def __init__(self, seconds: float | None, path: str | None):
        self.seconds, self.path = seconds, path
        self.deadline: _Deadline | None = None
        self.token: Token | None = None
        self.outer_alarm: time_limit | None = None
        self.alarm = self.open = False

    def __enter__(self) -> time_limit:
        outer = _current.get()
        end, seconds = (time.monotonic() + self.seconds, self.seconds) if self.seconds \
            else (math.inf, 0.0)
        if outer is not None and outer.end <= end:
            end, seconds = outer.end, outer.seconds
        if end == math.inf:
            return self  # no limit here nor around
        self.deadline = _Deadline(end, seconds, self.path or (outer and outer.path), outer)
        self.token = _current.set(self.deadline)
        self._arm()
        return self

    def _arm(self) -> None:
        """Arm SIGALRM for this deadline when this thread may: the main thread, and either an
        enclosing block armed it or nobody else uses SIGALRM."""
        if not _ALARMS or threading.current_thread() is not threading.main_thread():
            return
        if _Alarm.owner is None:
            if signal.getitimer(signal.ITIMER_REAL)[0] or \
                    signal.getsignal(signal.SIGALRM) not in (signal.SIG_DFL, signal.SIG_IGN):
                return  # the host's timer or handler: cooperative checks only
            _Alarm.hook, sys.unraisablehook = sys.unraisablehook, self._unraisable
            _Alarm.handler = signal.signal(signal.SIGALRM, _on_alarm)
        self.outer_alarm, _Alarm.owner = _Alarm.owner, self
        self.alarm = self.open = True
        signal.setitimer(signal.ITIMER_REAL, max(_SOON, self.deadline.end - time.monotonic()),
                         _AGAIN)

    def _alarm(self, signum, frame) -> None:
        if not self.open:
            return
        d = self.deadline  # the timer says the limit has passed, whatever the clocks' rounding
        d.fired_at = d.fired_at or time.monotonic()
        d.fire()
        # Raised in __enter__ (the limit passed before it returned, on a busy machine) or in
        # __exit__ before it disarms, the Timeout would leave the alarm armed for code after
        # the block; the body raises it at the next alarm, __exit__ once disarmed.
        if frame is None or frame.f_code not in _OWN:
            raise d.timeout()

    @staticmethod
    def _unraisable(info) -> None:
        """A Timeout that code such as a ``__del__`` swallowed is dropped without the usual
        "Exception ignored" traceback on stderr: the block raises it again."""
        if not isinstance(info.exc_value, Timeout):
            _Alarm.hook(info)

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        d = self.deadline
        if d is None:
            return
        if self.alarm:
            self.open = False  # an alarm that is already pending does nothing from here on
            outer = _Alarm.owner = self.outer_alarm
            if outer is None:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, _Alarm.handler)
                sys.unraisablehook = _Alarm.hook
            else:
                signal.setitimer(signal.ITIMER_REAL,
                                 max(_SOON, outer.deadline.end - time.monotonic()), _AGAIN)
        _current.reset(self.token)
        if (kind is None or issubclass(kind, Exception)) and not isinstance(error, Timeout):
            # a Timeout swallowed or re-wrapped by a library, or regex's own TimeoutError
            if d.fired_at is not None or (isinstance(error, TimeoutError)
                                          and time.monotonic() >= d.end):
                d.fire()
                raise d.timeout() from error


def _on_alarm(signum, frame) -> None:
    if _Alarm.owner is not None:
        _Alarm.owner._alarm(signum, frame)


_OWN = frozenset(m.__code__ for m in (time_limit.__enter__, time_limit._arm, time_limit.__exit__,
                                      time_limit._unraisable))
