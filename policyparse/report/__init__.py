"""Reports of lint findings: terminal text, JSON, SARIF 2.1.0, GitHub annotations.

Every reporter derives positions from spans.  For a .txt file the line and column are the
file's own (the text loader keeps each line's number and column); for other formats they are
positions in the normalised text that ``policyparse parse --format json`` prints.
"""

from __future__ import annotations

import regex

from ..model import Plan, Span


def location(plan: Plan | None, span: Span) -> tuple[int, int]:
    """1-based (line, column) of a span (:meth:`Plan.location`); a span of a plan not at hand
    has its line only."""
    return (span.line, 1) if plan is None else plan.location(span)


# Characters that reorder or hide text (bidi overrides, zero-width marks): a report shows them.
_HIDDEN = regex.compile(r"[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def visible(text: str) -> str:
    """``text`` with its invisible controls named (``⟨U+202E⟩``): a right-to-left override must
    not turn a report's line around, nor hide what a reviewer should see."""
    return _HIDDEN.sub(lambda m: f"⟨U+{ord(m.group()):04X}⟩", text)
