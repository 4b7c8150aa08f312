"""Placeholders left in a draft: figures, names and dates not yet filled in."""

from __future__ import annotations

from functools import cache

import regex

from ...text.clauses import clause_bounds
from ...model import Plan
from ...structure.parts import annex_start
from ..registry import Rule, iter_matches, register
from ...data import load as load_data


@cache
def vocabulary(section: str) -> dict[str, regex.Pattern]:
    data = load_data("placeholders.toml")
    return {k: regex.compile(v) for k, v in data[section].items()}


def _placeholder_pattern(*keys: str) -> regex.Pattern:
    return regex.compile("|".join(f"(?:{vocabulary('placeholder')[k].pattern})" for k in keys))


@register
class PlaceholderText(Rule):
    """Flags figures and names left as placeholders: ``XX万元``, ``××局``, ``20XX年``, ``〇〇县``.

    为什么: a placeholder published in a government plan is a visible error and, worse, a missing
    figure that readers and later plans will quote; it must be filled in or the sentence removed.

    Bad:
        到2025年，全县技术合同成交额达到XX万元。

    Good:
        到2025年，全县技术合同成交额达到8500万元。
    """

    code = "PH001"
    name = "placeholder-text"
    category = "placeholder"
    severity = "error"
    message = "占位符未替换：“{match}”"
    message_en = "placeholder not filled in: “{match}”"
    pattern = _placeholder_pattern("filler", "year", "zeros", "todo")

    def check(self, plan: Plan):
        for m, _ in iter_matches(self.pattern, plan):
            lo, hi = clause_bounds(plan.text, m.start(), m.end())
            yield self.finding(plan, [plan.span(lo, hi)], match=m.group().strip())


@register
class BlankDate(Rule):
    """Flags dates whose numbers were never filled in: ``××县人民政府`` over a bare ``年月日``.
    The blank date of a form attached for filling in (in an annex) is the form's, not a defect.

    为什么: the issue date fixes when the plan takes effect and which period its deadlines refer
    to; a blank ``年月日`` means the document was published from a template.

    Bad:
        某县人民政府
        年月日

    Good:
        某县人民政府
        2022年6月8日
    """

    code = "PH002"
    name = "blank-date"
    category = "placeholder"
    severity = "error"
    message = "日期未填写：“{match}”"
    message_en = "date left blank: “{match}”"
    pattern = _placeholder_pattern("blank_date")

    def check(self, plan: Plan):
        annexes = annex_start(plan)
        for m, _ in iter_matches(self.pattern, plan):
            if m.start() >= annexes:
                break
            start = m.start() + len(m.group()) - len(m.group().lstrip())
            lo, hi = clause_bounds(plan.text, start, m.end())
            yield self.finding(plan, [plan.span(lo, hi)], match=m.group().strip())
