"""Derived data that several steps read from one plan, computed once per plan.

The targets and facts components read the same prose figures one after the other, and several
lint rules read the same sentences' quantities: :func:`per_plan` keeps the result for the last
plan a function saw, weakly (a finished plan is not kept alive) and with the inputs it was read
from (a caller that edits the plan in between gets a fresh result).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from .model import Plan

T = TypeVar("T")


def per_plan(inputs: Callable[[Plan], object]) -> Callable[[Callable[[Plan], T]],
                                                           Callable[[Plan], T]]:
    """Decorator: ``fn(plan)`` computed once for the last plan, while ``inputs(plan)`` (the
    parts of the plan ``fn`` reads that a caller may change) stay equal."""

    def decorate(fn: Callable[[Plan], T]) -> Callable[[Plan], T]:
        last: tuple[weakref.ref, object, T] | None = None

        @wraps(fn)
        def cached(plan: Plan) -> T:
            nonlocal last
            entry, key = last, inputs(plan)  # one read of ``last``: another thread may swap it
            if entry is None or entry[0]() is not plan or entry[1] != key:
                entry = last = (weakref.ref(plan), key, fn(plan))
            return entry[2]

        return cached

    return decorate
