"""Cross-document linting over a batch: the documents of each region checked against each other.

Each region is one item for the engine, so regions are checked in parallel and only one region's
plans are in a worker's memory at a time.  For the rules, each plan is named by its input path
(file names repeat across folders, and the rules tell documents apart by name); the findings are
mapped back to document ids.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from ..lint.policy import LintPolicy
from ..model import Finding, Plan
from .engines import Failure
from .store import Store
from .tables import ErrorRow, FindingRow, finding_row


def check_region(plans: list[tuple[str, str]], policy: LintPolicy = LintPolicy()) -> list[dict]:
    """Worker: the cross-document findings among ``(file, plan JSON)`` pairs of one region."""
    parsed = [Plan.model_validate_json(text).model_copy(update={"document": file})
              for file, text in plans]
    return [f.model_dump(mode="json") for f in policy.findings(parsed, cross_document=True)]


def regions(docs: Iterable[dict]) -> dict[str, list[dict]]:
    """Records of parsed documents by region, for the regions with more than one document."""
    by_region: dict[str, list[dict]] = defaultdict(list)
    for rec in docs:
        if rec.get("region"):
            by_region[rec["region"]].append(rec)
    return {region: group for region, group in sorted(by_region.items()) if len(group) > 1}


def cross_findings(store: Store, docs: Iterable[dict], engine, *,
                   policy: LintPolicy = LintPolicy()) -> Iterator[FindingRow | ErrorRow]:
    """Finding rows of the cross-document rules for ``docs`` (records of parsed documents), in
    region order; a region whose check failed gives an error row for each of its documents."""
    groups = regions(docs)
    items = ((region, ([(rec["file"], store.plan_path(rec["file"]).read_text(encoding="utf-8"))
                        for rec in group], policy)) for region, group in groups.items())
    # a region's check may take as long as its documents' time limits together
    results = engine.map(check_region, items,
                         scale=max((len(g) for g in groups.values()), default=1))
    for region, result in in_order(results, list(groups)):
        yield from _rows(region, groups[region], result)


def in_order(results: Iterator[tuple[str, object]], order: list[str]
             ) -> Iterator[tuple[str, object]]:
    """Engine results in the order the items were given.  The engine has only a few items in
    flight, so only a few early finishers ever wait here."""
    waiting, position = {}, 0
    for key, result in results:
        waiting[key] = result
        while position < len(order) and order[position] in waiting:
            yield order[position], waiting.pop(order[position])
            position += 1


def _rows(region: str, group: list[dict], result: list[dict] | Failure
          ) -> Iterator[FindingRow | ErrorRow]:
    if isinstance(result, Failure):
        for rec in group:
            yield ErrorRow(document=rec["document"], file=rec["file"], sha256=rec["sha256"],
                           error_type=result.error_type,
                           message=f"cross-document linting of {region}: {result.message}")
        return
    ids = {rec["file"]: rec["document"] for rec in group}
    for f in map(Finding.model_validate, result):
        f.related = [r.model_copy(update={"document": ids[r.document]}) for r in f.related]
        yield finding_row(ids[f.document], f, cross_document=True)
