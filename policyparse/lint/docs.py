"""Rule documentation generated from the registry.

``python -m policyparse.lint.docs README.md`` rewrites the table between the
``<!-- rules:start -->`` and ``<!-- rules:end -->`` markers; a test fails when it is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .registry import all_rules

START, END = "<!-- rules:start -->", "<!-- rules:end -->"


def rules_markdown() -> str:
    rows = ["| code | name | category | severity | what it flags |", "| --- | --- | --- | --- | --- |"]
    for r in all_rules():
        rows.append(f"| {r.code} | `{r.name}` | {r.category} | {r.severity} | {r.summary()} |")
    return "\n".join(rows)


def splice(text: str) -> str:
    """``text`` with the rules table between the markers replaced by the current one."""
    return splice_between(text, START, END, rules_markdown())


def splice_between(text: str, start: str, end: str, body: str) -> str:
    """``text`` with what stands between the ``start`` and ``end`` markers replaced by ``body``."""
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{start}\n{body}\n{end}{tail}"


if __name__ == "__main__":
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "README.md")
    path.write_text(splice(path.read_text(encoding="utf-8")), encoding="utf-8")
