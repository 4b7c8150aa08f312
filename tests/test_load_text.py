"""The .txt loader on the corpus seeds and on awkward encodings."""

from __future__ import annotations

import codecs

import pytest

from policyparse.errors import CorruptDocument, PolicyParseError
from policyparse.load import load
from policyparse.load.text import decode, load_text

from conftest import DOCS, assert_spans_exact, gold, seed


@pytest.mark.parametrize("stem", DOCS)
def test_seed_blocks_and_spans_exact(stem):
    doc = load(seed(stem))
    assert doc.format == "txt"
    assert doc.blocks and all(doc.text[b.start:b.end].strip() for b in doc.blocks)
    assert assert_spans_exact(doc.tables, doc) == sum(
        1 + sum(len(r) for r in t.rows) for t in doc.tables)
    assert assert_spans_exact(doc.diagnostics, doc) == sum(
        d.source is not None for d in doc.diagnostics)


@pytest.mark.parametrize("stem", DOCS)
def test_gold_quotes_survive_loading(stem):
    """Gold quotes are the seed text minus bookmark residue: all must be in the loaded text."""
    g, doc = gold(stem), load(seed(stem))
    squashed = "".join(doc.text.split())
    quotes = [x["quote"] for key in ("headings", "tasks", "targets", "facts") for x in g[key]]
    missing = [q for q in quotes if "".join(q.split()) not in squashed]
    assert not missing


def test_bookmarks_comments_and_footnotes_become_diagnostics():
    doc = load(seed("000_8b7cc7afb4aa70ed"))
    assert "[bookmark:" not in doc.text and "Comment by" not in doc.text
    (comment,) = [d for d in doc.diagnostics if d.kind == "comment"]
    assert comment.author == "小白" and comment.text == "Comment by 小白: 需更新"
    assert comment.source.text.endswith("高水平知识产权服务人才短缺。")

    doc = load(seed("004_417ac496b24af2bd"))
    assert "[footnoteRef" not in doc.text and "[1: " not in doc.text
    notes = [d.text for d in doc.diagnostics if d.kind == "footnote"]
    assert [n[:3] for n in notes] == ["[1:", "[2:"] and notes[0].startswith("[1: 根据《长江三角洲")
    # the reference is anchored right where the marker stood: after “一地六县”
    ref = [d for d in doc.diagnostics if d.kind == "footnote-ref"][0]
    assert doc.text[:ref.source.start].endswith("“一地六县”")


def test_flattened_table_rebuilt():
    doc = load(seed("003_351026cd5fe6092f"))
    t = doc.tables[0]
    assert t.caption.startswith("表1")
    assert t.header == ["序号", "指标名称", "单位", "湖北省", "武汉市", "经开区"]
    assert [c.text for c in t.rows[0]] == ["1", "年度发明专利授权量", "件", "17000", "14667", "572"]
    assert all(len(r) == 6 for r in t.rows)
    # the table's rows are lines of the text, kept out of the paragraphs around it
    table_blocks = [b for b in doc.blocks if b.kind == "table"]
    assert len(table_blocks) == sum(len(t.rows) + 1 for t in doc.tables)


@pytest.mark.parametrize("codec,bom", [("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE),
                                       ("utf-16-be", codecs.BOM_UTF16_BE), ("utf-16-le", b""),
                                       ("gb18030", b""), ("utf-8", b"")])
def test_encodings(codec, bom):
    text = "一、指导思想\r\n到二〇二七年，有效发明专利总量显著提升。\r\n"
    data = bom + text.encode(codec)
    assert decode(data, "x.txt") == text
    doc = load(data, name="x.txt")
    assert doc.text == "一、指导思想\n到二〇二七年，有效发明专利总量显著提升。"


def test_binary_and_bad_encodings_are_typed_errors():
    with pytest.raises(CorruptDocument, match="x.txt: binary content"):
        load(b"\x00\x01\x02\x03abc\x00\xff" * 10, name="x.txt")
    with pytest.raises(CorruptDocument, match="invalid utf-8"):
        load(codecs.BOM_UTF8 + b"\xff\xfe\xfa", name="x.txt")
    with pytest.raises(PolicyParseError, match="no such file"):
        load("does/not/exist.txt")


def test_text_string_is_parsed_as_text_with_normalised_whitespace():
    doc = load_text("\u3000\u3000一、总体要求\u200b\n\n  （一）指导思想  \n")
    assert doc.text == "一、总体要求\n（一）指导思想"
    assert [(b.index, b.raw_start) for b in doc.blocks] == [(0, 2), (2, 2)]  # line, column
