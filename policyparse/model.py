"""The data model: the only place where fields are defined.

Every extracted item carries a ``source`` :class:`Span` into :attr:`Plan.text`, the normalised
document text, with ``source.text == plan.text[source.start:source.end]``.  Reports, Word
comments, SARIF regions and the scorer all derive positions from spans, never from re-searching
text.  ``schemas/`` is generated from these models (``python -m policyparse.schema``).
"""

from __future__ import annotations

import json
from typing import Literal

from pydantic import (BaseModel, ConfigDict, Field, field_serializer, field_validator,
                      model_validator)

SCHEMA_VERSION = "1.0"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class Span(_Model):
    """A stretch of :attr:`Plan.text`; ``line`` is 1-based, ``page`` (PDF) and ``block`` (index of
    the source block: docx body paragraph/table, PDF paragraph, text line) say where it came from."""

    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    line: int = Field(ge=1)
    page: int | None = None
    block: int | None = None


BlockKind = Literal["paragraph", "heading", "table", "caption"]


class Block(_Model):
    """One unit of the source (a paragraph, a heading, a table row set) as placed in ``Plan.text``.

    The loaders' layout knowledge lives here as hints for the outline step: ``style_level`` (Word
    heading style / outline level), ``label`` (a Word auto-number rendered into the text),
    ``indent`` (PDF first-line indent in characters)."""

    index: int = Field(description="position of the block in the source, in reading order")
    kind: BlockKind = "paragraph"
    start: int
    end: int
    line: int
    page: int | None = None
    style: str | None = None
    style_level: int | None = None
    label: str | None = Field(None, description="auto-number label that the loader rendered")
    indent: float | None = None
    raw_start: int | None = Field(
        None, description="column of the block's first character in its source unit: the line of "
        "a text file, or the Word paragraph (after the rendered label)")


DiagnosticKind = Literal[
    "bookmark", "comment", "tracked-change", "footnote", "footnote-ref", "page-furniture",
    "web-furniture", "numbering-fallback", "table-rebuilt", "encoding", "other",
]


class Diagnostic(_Model):
    """Something the loader saw and kept out of the text: residue an editor should know about."""

    kind: DiagnosticKind
    message: str
    text: str = Field("", description="the raw text that was removed or annotated")
    author: str | None = None
    source: Span | None = Field(None, description="where in Plan.text it was anchored")


class Period(_Model):
    start: int | None = None
    end: int | None = None
    basis: str | None = Field(
        None, description="how the period was inferred: title, fyp (a five-year plan), term (a "
        "stated term of validity), issued+duration, goals+duration, goals+baseline, goals+issued, "
        "goals, deadlines+issued")


class Meta(_Model):
    title: str | None = None
    issuer: str | None = None
    issued: str | None = Field(None, description="issue date, YYYY-MM-DD")
    region: str | None = Field(None, description="administrative path with official names, "
                               "四川省绵阳市江油市; 全国 for national documents")
    doc_type: str | None = None
    doc_number: str | None = Field(None, description="发文字号 as written: 国办发〔2019〕4号")
    period: Period = Field(default_factory=Period, description="null when the document states none")

    # In Python ``period`` is always a Period (callers read ``meta.period.end`` without a check);
    # in the JSON a period with neither year is null, as the gold writes it.
    @field_validator("period", mode="before", json_schema_input_type=Period | None)
    @classmethod
    def _period_from_null(cls, value: object) -> object:
        return Period() if value is None else value

    @field_serializer("period")
    def _period_or_null(self, period: Period) -> Period | None:
        return period if period.start is not None or period.end is not None else None


class Heading(_Model):
    id: str
    level: int = Field(ge=1)
    label: str = Field(description="the number token exactly as written: 第三章, 二、, （四）, 3、")
    family: str | None = Field(
        None, description="the numbering family whose sequence the heading continues: chapter, "
        "section, part, appendix, box, cn_dun (一、), cn_paren (（一）), arabic (1.), "
        "arabic_paren (（1）), arabic_rparen (1）), circled (①), shi (一是), yao (一要); a 3、 "
        "among 一、二、四、 continues cn_dun")
    value: int | None = Field(None, description="the number's value (三 → 3), where it has one")
    title: str
    parent: str | None = Field(None, description="id of the enclosing heading")
    source: Span


class Owner(_Model):
    role: Literal["lead", "responsible"]
    name: str = Field(description="the unit as written")
    agency: str | None = Field(None, description="canonical agency id from the registry")
    source: Span


class Task(_Model):
    id: str
    number: str = Field(description="as written, without its punctuation: 12, 一是, （五）")
    title: str
    body: str = ""
    path: list[str] = Field(default_factory=list, description="ids of the enclosing headings")
    lead: list[str] = Field(default_factory=list)
    responsible: list[str] = Field(default_factory=list)
    owners: list[Owner] = Field(default_factory=list)
    targets: list[str] = Field(default_factory=list, description="ids of the task's targets")
    source: Span


Comparator = Literal[">=", "<=", "=", "range"]
TargetKind = Literal["level", "increment", "growth_rate", "share", "count"]


class _Measured(_Model):
    """What targets and facts share: a metric and a value in its unit."""

    id: str
    metric: str
    metric_key: str | None = None
    value: float
    unit: str | None = None
    unit_family: str | None = None
    base_value: float | None = Field(None, description="value in the unit family's base unit")


class Target(_Measured):
    value_max: float | None = None
    comparator: Comparator = ">="
    kind: TargetKind = "level"
    cumulative: bool = False
    per_year: bool = False
    deadline: int | None = None
    deadline_basis: str | None = Field(None, description="how the deadline was inferred")
    task: str | None = Field(None, description="number of the enclosing task")
    task_id: str | None = None
    source: Span


class Fact(_Measured):
    as_of: str | None = Field(None, description="YYYY or YYYY-MM")
    source: Span


class Cell(_Model):
    text: str
    source: Span


class Table(_Model):
    id: str
    caption: str | None = None
    header: list[str] = Field(default_factory=list)
    rows: list[list[Cell]] = Field(default_factory=list, description="body rows, header excluded")
    source: Span


Severity = Literal["error", "warning", "info"]


class Related(_Model):
    """A place in another document that a finding cites: the other side of a cross-document
    disagreement."""

    document: str
    source: Span


PLACES_SHOWN = 10
"""The most places a finding lists in ``sources``, and again in ``related``: a goal restated a
thousand times is one finding, and its report must not grow with the square of the document."""


class Finding(_Model):
    """A rule's finding.  It lists at most ``PLACES_SHOWN`` places in its document and as
    many in other documents, the first ones the rule gives; ``places_omitted`` counts the rest."""

    code: str
    name: str
    category: str
    severity: Severity
    message: str
    document: str
    sources: list[Span] = Field(description="places in ``document``; the first is the main one")
    related: list[Related] = Field(
        default_factory=list,
        description="places in other documents the finding cites (cross-document rules)")
    places_omitted: int = Field(
        0, ge=0, description=f"how many more places the finding concerns than ``sources`` and "
        f"``related`` list (each lists at most {PLACES_SHOWN})")

    @model_validator(mode="after")
    def _cap_places(self) -> Finding:
        extra = max(0, len(self.sources) - PLACES_SHOWN) + max(0, len(self.related) - PLACES_SHOWN)
        if extra:
            self.sources = self.sources[:PLACES_SHOWN]
            self.related = self.related[:PLACES_SHOWN]
            self.places_omitted += extra
        return self


class Plan(_Model):
    """A parsed plan: its normalised text and everything extracted from it."""

    schema_version: str = SCHEMA_VERSION
    document: str = Field(description="file name, or '<text>' for a string")
    format: Literal["txt", "docx", "pdf", "html"]
    text: str
    meta: Meta = Field(default_factory=Meta)
    blocks: list[Block] = Field(default_factory=list)
    headings: list[Heading] = Field(default_factory=list)
    tasks: list[Task] = Field(default_factory=list)
    targets: list[Target] = Field(default_factory=list)
    facts: list[Fact] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    diagnostics: list[Diagnostic] = Field(default_factory=list)

    def span(self, start: int, end: int) -> Span:
        """The :class:`Span` for ``text[start:end]``, with its line, page and block."""
        return span_in(self.text, self.blocks, start, end)

    def location(self, span: Span) -> tuple[int, int]:
        """1-based (line, column) of a span as users see it: in the file's own lines for a text
        file (the text loader keeps each line's number and column), else in :attr:`text`."""
        if self.format == "txt" and span.block is not None:
            block = _block_at(self.blocks, span.start)  # a report asks this of every place
            if block is None or block.index != span.block:
                block = next((b for b in self.blocks if b.index == span.block
                              and b.start <= span.start <= b.end), None)
            if block is not None:
                return block.index + 1, (block.raw_start or 0) + span.start - block.start + 1
        return span.line, span.start - (self.text.rfind("\n", 0, span.start) + 1) + 1

    def to_json(self, *, indent: int | None = 2, include_blocks: bool = True) -> str:
        exclude = None if include_blocks else {"blocks"}
        return json.dumps(self.model_dump(mode="json", exclude=exclude), ensure_ascii=False,
                          indent=indent)


def span_in(text: str, blocks: list[Block], start: int, end: int) -> Span:
    """Build a :class:`Span` for ``text[start:end]``, locating its block by binary search."""
    if not 0 <= start <= end <= len(text):
        raise ValueError(f"span {start}:{end} outside text of length {len(text)}")
    block = _block_at(blocks, start)
    if block is not None:  # counting from the block keeps this cheap on long documents
        line = block.line + text.count("\n", block.start, start)
    else:
        line = text.count("\n", 0, start) + 1
    return Span(text=text[start:end], start=start, end=end, line=line,
                page=block.page if block else None, block=block.index if block else None)


def _block_at(blocks: list[Block], pos: int) -> Block | None:
    lo, hi = 0, len(blocks)
    while lo < hi:
        mid = (lo + hi) // 2
        if blocks[mid].end < pos:
            lo = mid + 1
        else:
            hi = mid
    if lo < len(blocks) and blocks[lo].start <= pos <= blocks[lo].end:
        return blocks[lo]
    return None


MODELS = {"plan": Plan, "finding": Finding}
