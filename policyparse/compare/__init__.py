"""Comparing two versions of a plan: what changed in its targets, tasks, owners, outline and meta.

>>> from policyparse.compare import diff
>>> d = diff("corpora/seeds/004_417ac496b24af2bd.txt", "corpora/docx/004_417ac496b24af2bd.docx")
>>> d.changes  # the same plan in two formats
[]

The package is ``compare`` and its entry point :func:`diff`, so that ``policyparse.diff`` can be
the function without hiding a subpackage of the same name.
"""

from __future__ import annotations

from ..load import Source
from ..model import Plan
from ..pipeline import parse
from .align import Alignment, align
from .changes import changes, count
from .model import Change, Counts, PlanDiff, Version


def diff(old: Source | Plan, new: Source | Plan) -> PlanDiff:
    """The changes of substance from ``old`` to ``new`` (paths, bytes, text or parsed
    :class:`Plan`, in any supported format each)."""
    a = old if isinstance(old, Plan) else parse(old)
    b = new if isinstance(new, Plan) else parse(new)
    return compare(align(a, b))


def compare(al: Alignment) -> PlanDiff:
    """The :class:`PlanDiff` of an alignment already made."""
    return PlanDiff(
        old=_version(al.old), new=_version(al.new), changes=changes(al),
        counts=Counts(sections=count(al.sections), tasks=count(al.tasks),
                      targets=count(al.targets), facts=count(al.facts)))


def _version(plan: Plan) -> Version:
    return Version(document=plan.document, format=plan.format, title=plan.meta.title)


__all__ = ["Alignment", "Change", "PlanDiff", "align", "compare", "diff"]
