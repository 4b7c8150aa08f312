"""Terminal report: ``path:line:col: CODE [category] message`` with the excerpt."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..model import Finding, Plan
from ..text.excerpts import excerpt
from . import location


def render(findings: Sequence[Finding], plans: Mapping[str, Plan], paths: Mapping[str, str]
           ) -> str:
    out = []
    for f in findings:
        plan = plans.get(f.document)
        path = paths.get(f.document, f.document)
        first, *others = f.sources or [None]
        if first is None:
            out.append(f"{path}: {f.code} [{f.category}] {f.message}")
            continue
        line, col = location(plan, first)
        out.append(f"{path}:{line}:{col}: {f.code} [{f.category}] {f.message}")
        out.append(f"    | {excerpt(first.text)}")
        elsewhere = [(f.document, s) for s in others] + [(r.document, r.source) for r in f.related]
        for doc, other in elsewhere:
            oline, ocol = location(plans.get(doc), other)
            out.append(f"    = also {paths.get(doc, doc)}:{oline}:{ocol}: {excerpt(other.text)}")
        if f.places_omitted:
            out.append(f"    = and {f.places_omitted} more")
    counts = {}
    for f in findings:
        counts[f.severity] = counts.get(f.severity, 0) + 1
    summary = ", ".join(f"{n} {sev}" for sev, n in sorted(counts.items())) or "no findings"
    out.append(f"Found {len(findings)} finding(s): {summary}.")
    return "\n".join(out)
