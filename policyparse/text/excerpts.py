"""Quoting a stretch of a document in a message or a report: one line, cut with an ellipsis.

The one home of that rule, so a finding's message, a Word comment and a terminal report never
cut a quote silently (a cut quote reads as the whole of it)."""

from __future__ import annotations

LINE_BREAK = "⏎"
ELLIPSIS = "…"


def excerpt(text: str, width: int = 70) -> str:
    """``text`` on one line (breaks shown as ⏎), at most ``width`` characters, the last an
    ellipsis when it is cut."""
    text = text.replace("\n", LINE_BREAK)
    return text if len(text) <= width else text[:width - 1] + ELLIPSIS
