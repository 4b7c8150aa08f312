"""The tables of batch columns and of error types in ``docs/batch.md``, generated from the row
models and from :func:`~policyparse.batch.engines.error_types`.

``python -m policyparse.batch.docs [docs/batch.md]`` rewrites them between the
``<!-- batch-tables:start -->`` and ``<!-- batch-tables:end -->`` markers (and the
``batch-errors`` ones, where the page has them); a test fails when they are stale.
"""

from __future__ import annotations

import sys
import types
import typing
from pathlib import Path
from typing import Literal

from ..lint.docs import splice_between
from .engines import error_types
from .tables import TABLES

MARKERS = ("<!-- batch-tables:start -->", "<!-- batch-tables:end -->")
ERROR_MARKERS = ("<!-- batch-errors:start -->", "<!-- batch-errors:end -->")


def columns_markdown() -> str:
    """The column reference, one line per table."""
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


def error_types_markdown() -> str:
    """The error types of the ``errors`` table and of error records, one line each."""
    return "\n".join(["| `error_type` | meaning |", "| --- | --- |",
                      *(f"| `{kind}` | {what} |" for kind, what in error_types().items())])


def splice(text: str) -> str:
    """``text`` with the generated tables between their markers replaced by the current ones."""
    text = splice_between(text, *MARKERS, columns_markdown())
    if ERROR_MARKERS[0] in text:
        text = splice_between(text, *ERROR_MARKERS, error_types_markdown())
    return text


if __name__ == "__main__":
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/batch.md")
    path.write_text(splice(path.read_text(encoding="utf-8")), encoding="utf-8")
