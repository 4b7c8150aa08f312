"""The batch tables: one pydantic row model per table, the single source of their column schema.

The column table of docs/batch.md (:mod:`.docs`), ``schemas/batch-tables.schema.json`` and the Parquet
column types are all generated from these models.  Every row names its ``document`` (the id from
:func:`document_id`); rows that point into a plan carry the source span as ``start``, ``end``,
``line``, ``page`` and ``text`` (``text == plan.text[start:end]``).
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from ..model import Fact, Finding, Heading, Owner, Plan, Related, Span, Target, Task


def document_id(sha256: str, file: str) -> str:
    """A document's id in every table: content hash prefix and file name, stable across runs."""
    return f"{sha256[:12]}-{Path(file).name}"


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid")

    document: str = Field(description="document id: content hash prefix and file name")


class _Spanned(_Row):
    start: int = Field(description="start of the source span in the plan's text")
    end: int
    line: int = Field(description="1-based line of the span's start")
    page: int | None = Field(None, description="PDF page")
    text: str = Field(description="the source text, plan.text[start:end]")


class DocumentRow(_Row):
    """One row per input file, parsed or not."""

    file: str = Field(description="the input path, relative to the batch's root")
    sha256: str = Field(description="hash of the file's bytes")
    status: Literal["ok", "error"]
    format: str | None = None
    title: str | None = None
    issuer: str | None = None
    issued: str | None = None
    region: str | None = None
    doc_type: str | None = None
    doc_number: str | None = None
    period_start: int | None = None
    period_end: int | None = None
    chars: int | None = Field(None, description="length of the normalised text")
    headings: int | None = None
    tasks: int | None = None
    targets: int | None = None
    facts: int | None = None
    tables: int | None = None


def _rows_of(model: type[BaseModel], name: str, doc: str, *, exclude: tuple[str, ...] = (),
             **extra) -> type[_Spanned]:
    """A row model with the fields of ``model`` (their source becoming the span columns), so a
    field added to the data model is a column of its table too."""
    fields = {n: (f.annotation, f) for n, f in model.model_fields.items()
              if n not in ("source", *exclude)}
    return create_model(name, __base__=_Spanned, __doc__=doc, **extra, **fields)


HeadingRow = _rows_of(Heading, "HeadingRow", "One row per heading.")
TaskRow = _rows_of(Task, "TaskRow", "One row per task; its owners are in `owners`.",
                   exclude=("owners",))
OwnerRow = _rows_of(Owner, "OwnerRow", "One row per task and owning unit (task × agency): the "
                    "unit as written and its canonical agency.",
                    task=(str, Field(description="task id")), task_number=(str, ...))
TargetRow = _rows_of(Target, "TargetRow", "One row per target.")
FactRow = _rows_of(Fact, "FactRow", "One row per fact.")


class FindingRow(_Spanned):
    """One row per linter finding: the span columns are its first source, `sources` has them
    all."""

    code: str
    name: str
    category: str
    severity: str
    message: str
    cross_document: bool = Field(description="found by comparing documents of one region")
    sources: list[Span]
    related: list[Related] = Field(
        default_factory=list, description="places in other documents (`document` ids) it cites")


class ErrorRow(_Row):
    """One row per document that could not be processed."""

    file: str
    sha256: str
    error_type: str = Field(description="the error class: CorruptDocument, Timeout, …")
    message: str


class Tables(BaseModel):
    """The tables of a batch, as lists of rows (the JSON Schema's root)."""

    documents: list[DocumentRow]
    headings: list[HeadingRow]
    tasks: list[TaskRow]
    owners: list[OwnerRow]
    targets: list[TargetRow]
    facts: list[FactRow]
    findings: list[FindingRow]
    errors: list[ErrorRow]


TABLES: dict[str, type[_Row]] = {
    name: typing.get_args(field.annotation)[0] for name, field in Tables.model_fields.items()}


def _span(span: Span) -> dict:
    return {"start": span.start, "end": span.end, "line": span.line, "page": span.page,
            "text": span.text}


def document_row(doc: str, file: str, sha256: str, plan: Plan | None) -> DocumentRow:
    if plan is None:
        return DocumentRow(document=doc, file=file, sha256=sha256, status="error")
    m = plan.meta
    return DocumentRow(
        document=doc, file=file, sha256=sha256, status="ok", format=plan.format, title=m.title,
        issuer=m.issuer, issued=m.issued, region=m.region, doc_type=m.doc_type,
        doc_number=m.doc_number, period_start=m.period.start, period_end=m.period.end, chars=len(plan.text),
        headings=len(plan.headings), tasks=len(plan.tasks), targets=len(plan.targets),
        facts=len(plan.facts), tables=len(plan.tables))


def finding_row(doc: str, f: Finding, *, cross_document: bool) -> FindingRow:
    first = _span(f.sources[0]) if f.sources else {"start": 0, "end": 0, "line": 1, "text": ""}
    return FindingRow(document=doc, **first, code=f.code, name=f.name, category=f.category,
                      severity=f.severity, message=f.message, cross_document=cross_document,
                      sources=f.sources, related=f.related)


def _row(model: type[_Spanned], doc: str, item: BaseModel, *, exclude: set[str] = frozenset(),
         **extra) -> _Spanned:
    return model(document=doc, **_span(item.source), **extra,
                 **item.model_dump(exclude={"source", *exclude}))


def rows_text(file: str, sha256: str, plan: Plan, findings: list[Finding]) -> str:
    """A parsed document's rows of every table, as the store keeps them: one
    ``TABLE<TAB>row JSON`` line each (JSON escapes tabs, so the first tab ends the name)."""
    doc = document_id(sha256, file)
    lines = [f"documents\t{document_row(doc, file, sha256, plan).model_dump_json()}"]
    lines += (f"{table}\t{row.model_dump_json()}" for table, row in rows(doc, plan, findings))
    return "\n".join(lines) + "\n"


def rows(doc: str, plan: Plan, findings: list[Finding]) -> Iterator[tuple[str, _Row]]:
    """``(table, row)`` pairs for one parsed document (its ``documents`` row excepted)."""
    for h in plan.headings:
        yield "headings", _row(HeadingRow, doc, h)
    for t in plan.tasks:
        yield "tasks", _row(TaskRow, doc, t, exclude={"owners"})
        for o in t.owners:
            yield "owners", _row(OwnerRow, doc, o, task=t.id, task_number=t.number)
    for t in plan.targets:
        yield "targets", _row(TargetRow, doc, t)
    for f in plan.facts:
        yield "facts", _row(FactRow, doc, f)
    for f in findings:
        yield "findings", finding_row(doc, f, cross_document=False)


def arrow_schema(model: type[BaseModel]):
    """The Parquet (pyarrow) schema of a row model, so column types never depend on the data."""
    import pyarrow as pa

    return pa.schema([pa.field(name, _arrow_type(f.annotation), nullable=True)
                      for name, f in model.model_fields.items()])


def _arrow_type(annotation):
    import pyarrow as pa

    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is Literal:
        return pa.string()
    if origin in (types.UnionType, typing.Union):
        return _arrow_type(next(a for a in args if a is not type(None)))
    if origin is list:
        return pa.list_(_arrow_type(args[0]))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return pa.struct([pa.field(n, _arrow_type(f.annotation))
                          for n, f in annotation.model_fields.items()])
    return {str: pa.string(), int: pa.int64(), float: pa.float64(), bool: pa.bool_()}[annotation]
