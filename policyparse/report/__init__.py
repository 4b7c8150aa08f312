"""Reports of lint findings: terminal text, JSON, SARIF 2.1.0, GitHub annotations.

Every reporter derives positions from spans.  For a .txt file the line and column are the
file's own (the text loader keeps each line's number and column); for other formats they are
positions in the normalised text that ``policyparse parse --format json`` prints.
"""

from __future__ import annotations

from ..model import Plan, Span


def location(plan: Plan | None, span: Span) -> tuple[int, int]:
    """1-based (line, column) of a span (:meth:`Plan.location`); a span of a plan not at hand
    has its line only."""
    return (span.line, 1) if plan is None else plan.location(span)
