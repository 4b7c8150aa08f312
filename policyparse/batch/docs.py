"""The README's table of batch columns, generated from the row models.

``python -m policyparse.batch.docs README.md`` rewrites it between the
``<!-- batch-tables:start -->`` and ``<!-- batch-tables:end -->`` markers; a test fails when it is
stale.
"""

from __future__ import annotations

import sys
import types
import typing
from pathlib import Path
from typing import Literal

from ..lint.docs import splice_between
from .tables import TABLES

MARKERS = ("<!-- batch-tables:start -->", "<!-- batch-tables:end -->")


def columns_markdown() -> str:
    """The README's column reference, one line per table."""
    out = ["| table | rows | columns |", "| --- | --- | --- |"]
    for name, model in TABLES.items():
        cols = ", ".join(f"`{c}` {_type_name(f.annotation)}" for c, f in model.model_fields.items())
        out.append(f"| `{name}` | {' '.join(model.__doc__.split())} | {cols} |")
    return "\n".join(out)


def _type_name(annotation) -> str:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) is Literal:
        return "str"
    if typing.get_origin(annotation) in (types.UnionType, typing.Union):
        return f"{_type_name(args[0])}?"
    if typing.get_origin(annotation) is list:
        return f"list[{_type_name(args[0])}]"
    return getattr(annotation, "__name__", str(annotation))


def splice(text: str) -> str:
    """``text`` with the column table between the markers replaced by the current one."""
    return splice_between(text, *MARKERS, columns_markdown())


if __name__ == "__main__":
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "README.md")
    path.write_text(splice(path.read_text(encoding="utf-8")), encoding="utf-8")
