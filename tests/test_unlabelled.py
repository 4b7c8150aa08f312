"""Real published documents without gold (corpora/unlabelled/): every one parses, with exact spans,
and the linter finds almost nothing to say about a published text."""

from __future__ import annotations

from functools import cache

import pytest
from conftest import CORPUS, assert_spans_exact

from policyparse import parse
from policyparse.lint import lint_plan
from policyparse.model import Plan

UNLABELLED = sorted(p for p in (CORPUS / "unlabelled").iterdir() if p.is_file())
# What a database or web export leaves around a text: reported, but not the editors' doing.
EXPORT_RESIDUE = frozenset({"ER003", "ER004", "ER007", "ER008", "ER009"})
# Warnings and errors per published document outside export residue (issue 13's limit).
PUBLISHED_FINDINGS_MAX = 0.5


@cache
def plan(name: str) -> Plan:
    return parse(CORPUS / "unlabelled" / name)


def test_there_are_unlabelled_documents():
    assert len(UNLABELLED) >= 10


@pytest.mark.parametrize("path", UNLABELLED, ids=lambda p: p.name)
def test_every_unlabelled_document_parses_with_exact_spans(path):
    p = plan(path.name)
    assert p.meta.title and len(p.text) > 500
    assert assert_spans_exact(p, p) > 0
    levels = {h.id: h.level for h in p.headings}
    assert all(levels[h.parent] < h.level for h in p.headings if h.parent)


def test_published_documents_draw_few_findings():
    serious = [f for path in UNLABELLED for f in lint_plan(plan(path.name))
               if f.severity != "info" and f.code not in EXPORT_RESIDUE]
    assert len(serious) / len(UNLABELLED) <= PUBLISHED_FINDINGS_MAX, \
        [(f.document, f.code, f.message[:40]) for f in serious]
