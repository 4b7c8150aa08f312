"""A Word copy of the new version with a comment on each changed item (``diff --annotate``).

The comments are written by the linter's Word reporter
(:func:`policyparse.report.docx.write_comments`): a .docx is copied with its formatting, any
other format rendered as a new .docx.  A removed item has no place in the new version: its
comment goes on the item's neighbour there (the section or task it was in), or the first
paragraph.
"""

from __future__ import annotations

import os

from ..model import Plan, Span
from ..report.docx import write_comments
from .model import Change, PlanDiff
from .render_text import describe, kind


def annotate(d: PlanDiff, new: Plan, out_path: str | os.PathLike, *,
             source_path: str | os.PathLike | None = None) -> int:
    """Write ``out_path`` and return the number of comments written."""
    notes = [(_anchor(c, new), _comment(c)) for c in d.changes]
    return sum(cid is not None for cid in write_comments(new, notes, out_path,
                                                         source_path=source_path))


def _comment(c: Change) -> str:
    text = f"[policyparse diff] {kind(c)}  {describe(c)}"
    if c.action == "removed" and c.old_source is not None:
        text += f"\n原文：{c.old_source.text}"
    return text


def _anchor(c: Change, new: Plan) -> Span:
    if c.new_source is not None:
        return c.new_source
    if c.where:  # a removal: on the task or section it was in, where that still is
        for t in new.tasks:
            if c.where.startswith("任务 ") and c.where[3:] == f"{t.number} {t.title}".strip():
                return t.source
        for h in new.headings:
            if c.where == f"{h.label}{h.title}":
                return h.source
    return new.span(0, 0)
