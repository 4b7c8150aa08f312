"""The result of comparing two versions of a plan: the only place its fields are defined.

``schemas/plan-diff.schema.json`` is generated from :class:`PlanDiff` (``python -m
policyparse.schema``), and a test fails when the file drifts from these models.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..model import SCHEMA_VERSION, Span

Item = Literal["meta", "section", "task", "owner", "target", "fact"]
Action = Literal["added", "removed", "changed", "renamed", "reordered", "retitled",
                 "renumbered", "moved", "switched"]
Direction = Literal["raised", "lowered", "later", "earlier"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class Change(_Model):
    """One change of substance between the two versions."""

    item: Item = Field(description="what changed: meta (title, issuer, doc number, period, issue "
                       "date), section (an outline heading), task, owner (of a task), target, fact")
    action: Action = Field(
        description="added, removed; changed (a field of a target, fact or meta: see field); "
        "renamed, reordered (sections); retitled, renumbered, moved (tasks: moved to another "
        "section); switched (an owner between lead and responsible)")
    field: str | None = Field(
        None, description="with changed: value, comparator, deadline, unit (targets), value, "
        "unit, as_of (facts), title, issuer, doc_number, issued, period (meta)")
    subject: str = Field(description="the item in words: a section or task title, a metric, "
                         "an owner's name, a meta field")
    where: str | None = Field(None, description="the task or section the item belongs to, "
                              "as in the new version (the old one for a removal)")
    old: str | None = Field(None, description="the old figure, title, number, role or value, "
                            "as written")
    new: str | None = Field(None, description="the new one")
    direction: Direction | None = Field(
        None, description="for a changed figure: raised or lowered; for a date: later or earlier")
    old_source: Span | None = Field(None, description="the item in the old version's text")
    new_source: Span | None = Field(None, description="the item in the new version's text")


class Version(_Model):
    """One side of the comparison."""

    document: str
    format: Literal["txt", "docx", "pdf", "html"]
    title: str | None = None


class Counts(_Model):
    """How many items of each kind the two versions have, and how many were aligned."""

    sections: tuple[int, int, int] = Field(description="old, new, aligned")
    tasks: tuple[int, int, int]
    targets: tuple[int, int, int]
    facts: tuple[int, int, int]


class PlanDiff(_Model):
    """What changed from ``old`` to ``new``: wording, punctuation and layout alone are not
    changes."""

    schema_version: str = SCHEMA_VERSION
    old: Version
    new: Version
    changes: list[Change] = Field(default_factory=list, description="in the new version's "
                                  "reading order; removals at the place they were")
    counts: Counts

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    def to_json(self, *, indent: int | None = 2) -> str:
        return self.model_dump_json(indent=indent)
