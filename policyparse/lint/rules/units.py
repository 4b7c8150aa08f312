"""Units that do not agree: one amount written in two places with units a power of ten apart."""

from __future__ import annotations

from decimal import Decimal

from ...extract.units import ARITHMETIC
from ...model import Plan
from ..registry import Rule, register
from .figures import (Cite, family, groups, keyed, measure, plain, ratio_is_power_of_ten, value,
                      when)


@register
class UnitMismatch(Rule):
    """Flags the same measure for the same date given in two places with values a power of ten
    apart once 万/亿 are normalised: ``质押融资5亿元`` and ``质押融资5万元``, ``2.1万件`` and
    ``2.1件``.  ``10000万元`` and ``1亿元`` are the same amount and pass.

    为什么: a unit slip (万元 for 亿元, 件 for 万件) changes a figure ten-thousandfold while the
    digits look right; readers copy the digits and the wrong unit with them.

    Bad:
        到2025年，科技信贷投放达到20000万元。
        到2025年，全县科技信贷投放力争达到20000元。

    Good:
        到2025年，科技信贷投放达到20000万元。
        到2025年，全县科技信贷投放力争达到2亿元。
    """

    code = "UN001"
    name = "unit-mismatch"
    category = "unit"
    severity = "error"
    message = "同一指标“{metric}”的数值相差{factor}倍，单位可能写错：{evidence}"
    message_en = ("“{metric}” differs by a factor of {factor} between places, a likely unit "
                  "slip: {evidence}")

    def check(self, plan: Plan):
        cite = Cite(plan, self.lang)
        items = keyed([*plan.targets, *plan.facts])
        for group in groups(items, lambda i: (type(i), measure(i), family(i), when(i))
                            if when(i) else None):
            for k, a in enumerate(group):
                for b in group[k + 1:]:
                    if ratio_is_power_of_ten(a, b):
                        small, big = sorted((abs(value(a)), abs(value(b))))
                        factor = plain(ARITHMETIC.divide(big, small).quantize(Decimal(1)))
                        yield self.finding(
                            plan, [a.source, b.source], metric=a.metric, factor=factor,
                            evidence=cite.join(cite.figure(i) for i in (a, b)))
