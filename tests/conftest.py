"""Shared test helpers: the bundled corpus and the span contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpora"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
DOCS = sorted(p.name.removesuffix(".gold.json") for p in (CORPUS / "gold").glob("*.gold.json"))


def gold(stem: str) -> dict:
    return json.loads((CORPUS / "gold" / f"{stem}.gold.json").read_text(encoding="utf-8"))


def seed(stem: str) -> Path:
    return CORPUS / "seeds" / f"{stem}.txt"


def assert_spans_exact(obj, doc) -> int:
    """Walk a model (or list/dict of them) and check every span indexes ``doc.text`` (a Plan
    or a loaded Document) exactly, and that its line is the one users see: the file's own line
    for a text file (its blocks are the file's lines), else the line in ``doc.text``."""
    count = 0
    text = doc.text
    fields = getattr(type(obj), "model_fields", None)
    if fields is not None:
        if {"text", "start", "end", "line"} <= set(fields):
            assert text[obj.start:obj.end] == obj.text, (obj.start, obj.end, obj.text)
            if doc.format == "txt":
                block = next(b for b in doc.blocks if b.start <= obj.start <= b.end)
                assert obj.line == block.index + 1, (obj.line, block.index, obj.text)
            else:
                assert obj.line == text.count("\n", 0, obj.start) + 1
            return 1
        for name in fields:
            count += assert_spans_exact(getattr(obj, name), doc)
    elif isinstance(obj, (list, tuple)):
        for item in obj:
            count += assert_spans_exact(item, doc)
    return count


@pytest.fixture(params=DOCS)
def doc_stem(request) -> str:
    return request.param
