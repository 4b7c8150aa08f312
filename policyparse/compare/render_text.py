"""A diff for the terminal: one line per change, ``path:line:col: kind  what: old → new``,
with the old and the new text quoted beneath, then a count by kind of change."""

from __future__ import annotations

from collections import Counter

from ..model import Plan
from ..report import location, visible
from ..report.text import excerpt
from .model import Change, PlanDiff


def kind(c: Change) -> str:
    """``target.value``, ``task.added``, ``owner.switched``, ``meta.title``: the change's name."""
    return f"{c.item}.{c.field if c.action == 'changed' else c.action}"


def describe(c: Change) -> str:
    """``授权专利量: 3.5万件 → 4万件 (raised)``, ``任务 3 …: 牵头 → 责任``."""
    text = c.subject
    if c.old is not None or c.new is not None:
        text += f": {c.old if c.old is not None else '∅'} → {c.new if c.new is not None else '∅'}"
    if c.direction:
        text += f" ({c.direction})"
    if c.where:
        text += f"  [{c.where}]"
    return visible(text)


def render(d: PlanDiff, old: Plan, new: Plan, old_path: str, new_path: str) -> str:
    out = [f"--- {old_path}", f"+++ {new_path}"]
    for c in d.changes:
        source, plan, path = ((c.new_source, new, new_path) if c.new_source
                              else (c.old_source, old, old_path))
        where = f"{path}:{':'.join(map(str, location(plan, source)))}" if source else path
        out.append(f"{where}: {kind(c)}  {describe(c)}")
        if c.old_source is not None:
            out.append(f"    - | {visible(excerpt(c.old_source.text))}")
        if c.new_source is not None:
            out.append(f"    + | {visible(excerpt(c.new_source.text))}")
    counts = Counter(kind(c) for c in d.changes)
    summary = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
    out.append(f"Found {len(d.changes)} change(s){': ' + summary if summary else ''}.")
    return "\n".join(out)
