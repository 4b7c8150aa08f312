"""The ``facts`` component: quantified statements of what already is, with their date.

A prose figure is a fact by where it stands and its tense (:mod:`.sections`); its as-of date is
the nearest date before it in its paragraph (:func:`~.deadlines.as_of`: 截至2024年10月 →
2024-10, “十三五”期间 → 2020, 2023年以来 → none), since a background paragraph is written as of
one date (2021年，我县新增市场主体1443户…。财政收入方面，全县2家企业… are both 2021).
Baseline cells of indicator tables are facts too (:mod:`.tables`).
"""

from __future__ import annotations

from ..model import Fact, Plan
from ..pipeline import component
from .deadlines import as_of_between
from ..text.clauses import sentence_start
from .metrics import measured
from .sections import Figure, in_text_order, prose_figures, vocabulary
from .tables import table_facts


@component("facts", requires=("meta", "outline"))
def facts(plan: Plan) -> Plan:
    prose = [_fact(plan, f) for f in prose_figures(plan) if f.role == "fact"]
    plan.facts = in_text_order([*prose, *table_facts(plan)], "f")
    return plan


def _fact(plan: Plan, f: Figure) -> Fact:
    q = f.quantity
    return Fact(id="", **measured(f.phrase.metric, q),
                as_of=None if _spanned(plan.text, f) else
                as_of_between(plan.text, f.dates, _dated_from(plan.text, f), q.start),
                source=plan.span(f.phrase.start, f.phrase.end))


def _spanned(text: str, f: Figure) -> bool:
    """A span up to now, with no date after it, stands before ``f`` in its sentence: 党的十八大
    以来，累计培训… has no date, like 2023年以来 (but 近年来…，2020年产业规模… is 2020)."""
    span = None
    for span in vocabulary().past_span.finditer(text, f.sentence, f.quantity.start):
        pass
    return span is not None and not any(span.end() <= d.start and d.end <= f.quantity.start
                                        for d in f.dates)


def _dated_from(text: str, f: Figure) -> int:
    """Where the words that date ``f`` start: the sentence of the last date before it that is not
    a comparison base (比2016年…), which decides :func:`as_of` as the whole paragraph would."""
    dated = [d for d in f.dates if d.end <= f.quantity.start and not d.comparison]
    return sentence_start(text, dated[-1].start) if dated else f.block.start
