"""Reports of lint findings: terminal text, JSON, SARIF 2.1.0, GitHub annotations.

Every reporter derives positions from spans.  For a .txt file the line and column are the
file's own (the text loader keeps each line's number and column); for other formats they are
positions in the normalised text that ``policyparse parse --format json`` prints.
"""

from __future__ import annotations

from ..model import Plan, Span


def location(plan: Plan | None, span: Span) -> tuple[int, int]:
    """1-based (line, column) of a span, in the file's own lines for text files."""
    if plan is None:
        return span.line, 1
    line_start = plan.text.rfind("\n", 0, span.start) + 1
    column = span.start - line_start + 1
    if plan.format == "txt" and span.block is not None:
        block = next((b for b in plan.blocks if b.index == span.block
                      and b.start <= span.start <= b.end), None)
        if block is not None:
            return block.index + 1, (block.raw_start or 0) + span.start - block.start + 1
    return span.line, column
