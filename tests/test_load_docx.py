"""The .docx loader: corpus documents against their gold, Word numbering, Word residue, and
broken or hostile files (built here, byte by byte)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import docx as python_docx
import pytest
import regex
from lxml import etree

from policyparse.errors import CorruptDocument, TooLarge
from policyparse.load import load
from policyparse.load import docx as docx_loader
from policyparse.load.docx import load_docx
from policyparse.load.numbering import Numbering, UndefinedNumbering, format_number

CORPORA = Path(__file__).resolve().parents[1] / "corpora"
DOCS = sorted(p.stem for p in (CORPORA / "docx").glob("*.docx"))
_WS = regex.compile(r"\s+")
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@pytest.fixture(scope="module")
def corpus():
    return {stem: load_docx((CORPORA / "docx" / f"{stem}.docx").read_bytes(), f"{stem}.docx")
            for stem in DOCS}


def test_corpus_is_present():
    assert len(DOCS) == len(list((CORPORA / "gold").glob("*.gold.json"))) >= 12


# --- the corpus -------------------------------------------------------------------------------

@pytest.mark.parametrize("stem", DOCS)
def test_gold_headings_and_tasks_are_in_the_text(corpus, stem):
    gold = json.loads((CORPORA / "gold" / f"{stem}.gold.json").read_text("utf-8"))
    quotes = [h["quote"] for h in gold["headings"]] + [t["quote"] for t in gold["tasks"]]
    flat = _WS.sub("", corpus[stem].text)
    found = [q for q in quotes if _WS.sub("", q) in flat]
    assert quotes and len(found) / len(quotes) >= 0.98, set(quotes) - set(found)


@pytest.mark.parametrize("stem", DOCS)
def test_block_spans_are_exact(corpus, stem):
    doc = corpus[stem]
    assert doc.format == "docx" and doc.blocks
    lines = doc.text.split("\n")
    assert len(lines) == len(doc.blocks)  # one block a line: paragraphs and table rows
    for block, line in zip(doc.blocks, lines):
        assert doc.text[block.start:block.end] == line
        assert doc.text.count("\n", 0, block.start) + 1 == block.line
        if block.label:
            assert line.startswith(block.label)
    indices = [b.index for b in doc.blocks]
    assert indices == sorted(indices)


@pytest.mark.parametrize("stem", DOCS)
def test_page_footer_is_furniture_not_text(corpus, stem):
    doc = corpus[stem]
    furniture = [d for d in doc.diagnostics if d.kind == "page-furniture"]
    assert len(furniture) == 1 and "PAGE" in furniture[0].text
    assert "PAGE" not in doc.text
    assert not regex.search(r"^- ?\d+ ?-$", doc.text, flags=regex.M)


@pytest.mark.parametrize("stem", DOCS)
def test_same_text_as_the_seed_up_to_whitespace(corpus, stem):
    """The docx is the seed rendered in Word: after loading, the texts agree but for Word-export
    residue that only the .txt carries (bookmarks, a pasted comment)."""
    seed = (CORPORA / "seeds" / f"{stem}.txt").read_text("utf-8")
    seed = regex.sub(r"\[bookmark: [^\]]*\]|\tComment by [^\n]*", "", seed)
    assert _WS.sub("", corpus[stem].text) == _WS.sub("", seed)


def test_numbering_only_in_numbering_xml_is_rendered(corpus):
    doc = corpus["000_8b7cc7afb4aa70ed"]
    lines = doc.text.split("\n")
    assert "二、创新成果转化低，知识产权运用效益有待提高" in lines
    assert any(line.startswith("15.") for line in lines)
    raw = zipfile.ZipFile(CORPORA / "docx" / "000_8b7cc7afb4aa70ed.docx").read("word/document.xml")
    assert "二、创新成果转化低".encode() not in raw  # the label really comes from numbering.xml
    heading = next(b for b in doc.blocks if doc.text[b.start:b.end].startswith("二、创新成果"))
    assert (heading.kind, heading.label, heading.style_level) == ("heading", "二、", 3)
    # 一、二、… restart under each 节 (startOverride), while the task list runs on: 1. … 4x.
    tasks = [b.label for b in doc.blocks if b.label and b.label.endswith(".")]
    assert tasks == [f"{n}." for n in range(1, len(tasks) + 1)] and len(tasks) > 40


def test_headings_from_styles(corpus):
    doc = corpus["000_8b7cc7afb4aa70ed"]
    first = doc.blocks[0]
    assert doc.text[first.start:first.end] == "第一章规划背景"
    assert (first.kind, first.style_level, first.style) == ("heading", 1, "heading 1")
    levels = {b.style_level for b in doc.blocks if b.kind == "heading"}
    assert levels == {1, 2, 3, 4}
    assert all(b.style_level is None for b in doc.blocks if b.kind == "paragraph")


def test_word_comment_is_anchored_at_the_commented_text(corpus):
    doc = corpus["000_8b7cc7afb4aa70ed"]
    [comment] = [d for d in doc.diagnostics if d.kind == "comment"]
    assert (comment.author, comment.text) == ("小白", "Comment by 小白: 需更新")
    span = comment.source
    assert span.text == doc.text[span.start:span.end]
    assert span.text.startswith("目前，拥有宜都市精细化工技术创新公共服务中心")
    assert span.text.endswith("高水平知识产权服务人才短缺。")
    assert "需更新" not in doc.text


def test_tables_have_exact_cell_spans(corpus):
    doc = corpus["003_351026cd5fe6092f"]
    assert len(doc.tables) == 2
    for table in doc.tables:
        assert table.caption and table.caption.startswith("表")
        assert table.header[:3] == ["序号", "指标名称", "单位"]
        assert table.source.text == doc.text[table.source.start:table.source.end]
        for row in table.rows:
            assert len(row) == len(table.header)
            for cell in row:
                assert doc.text[cell.source.start:cell.source.end] == cell.text
    assert [c.text for c in doc.tables[1].rows[0]][:2] == ["1", "年度发明专利授权量"]
    caption = next(b for b in doc.blocks if doc.text[b.start:b.end] == doc.tables[0].caption)
    assert caption.kind == "caption"


def test_load_dispatches_docx_by_content(tmp_path):
    src = CORPORA / "docx" / "001_8feaf3a5e4c88e3f.docx"
    renamed = tmp_path / "plan.txt"  # the name lies; the content decides
    renamed.write_bytes(src.read_bytes())
    assert load(renamed).format == "docx"


# --- numbering definitions --------------------------------------------------------------------

def _numbering(*abstracts: str, nums: str) -> etree._Element:
    return etree.fromstring(f'<w:numbering xmlns:w="{W_NS}">{"".join(abstracts)}{nums}'
                            "</w:numbering>")


def _abstract(aid: int, *levels: str, extra: str = "") -> str:
    return f'<w:abstractNum w:abstractNumId="{aid}">{extra}{"".join(levels)}</w:abstractNum>'


def _lvl(ilvl: int, fmt: str, text: str, start: int = 1, extra: str = "") -> str:
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{text}"/>{extra}</w:lvl>')


def _num(nid: int, aid: int, override: str = "") -> str:
    return f'<w:num w:numId="{nid}"><w:abstractNumId w:val="{aid}"/>{override}</w:num>'


def _start_override(ilvl: int, start: int) -> str:
    return f'<w:lvlOverride w:ilvl="{ilvl}"><w:startOverride w:val="{start}"/></w:lvlOverride>'


def test_chinese_counting_labels():
    numbering = Numbering(_numbering(_abstract(1, _lvl(0, "chineseCounting", "%1、")),
                                     nums=_num(1, 1)))
    labels = [numbering.label("1", 0) for _ in range(21)]
    assert labels[:3] == ["一、", "二、", "三、"]
    assert labels[9:12] == ["十、", "十一、", "十二、"]
    assert labels[19:] == ["二十、", "二十一、"]


@pytest.mark.parametrize(("fmt", "n", "shown"), [
    ("chineseCounting", 99, "九十九"), ("chineseCounting", 105, "一〇五"),
    ("chineseCountingThousand", 10, "十"), ("chineseCountingThousand", 101, "一百零一"),
    ("chineseCountingThousand", 1010, "一千零一十"), ("ideographTraditional", 3, "丙"),
    ("decimalEnclosedCircle", 1, "①"), ("decimalEnclosedCircleChinese", 20, "⑳"),
    ("decimalEnclosedCircle", 21, "21"), ("upperLetter", 3, "C"), ("lowerLetter", 28, "bb"),
    ("upperRoman", 1994, "MCMXCIV"), ("lowerRoman", 4, "iv"), ("decimalZero", 7, "07"),
    ("decimalZero", 12, "12"), ("decimal", 12, "12"), ("none", 3, ""),
    ("someFutureFormat", 5, "5"),
])
def test_number_formats(fmt, n, shown):
    assert format_number(n, fmt) == shown


def test_parenthesised_and_multilevel_text():
    numbering = Numbering(_numbering(
        _abstract(1, _lvl(0, "chineseCounting", "（%1）"), _lvl(1, "decimal", "%1.%2")),
        nums=_num(1, 1)))
    seq = [numbering.label("1", ilvl) for ilvl in (0, 1, 1, 0, 1)]
    # %1 shows level 0 in level 0's own format, also inside level 1's text
    assert seq == ["（一）", "一.1", "一.2", "（二）", "二.1"]
    numbering = Numbering(_numbering(
        _abstract(1, _lvl(0, "upperRoman", "%1."), _lvl(1, "decimal", "%1.%2")),
        nums=_num(1, 1)))
    assert [numbering.label("1", i) for i in (0, 1)] == ["I.", "I.1"]


def test_is_legal_shows_every_level_in_decimal():
    numbering = Numbering(_numbering(
        _abstract(1, _lvl(0, "upperRoman", "%1."),
                  _lvl(1, "lowerLetter", "%1.%2", extra="<w:isLgl/>")),
        nums=_num(1, 1)))
    assert [numbering.label("1", i) for i in (0, 1, 1)] == ["I.", "1.1", "1.2"]


def test_sub_level_restarts_when_its_parent_advances():
    numbering = Numbering(_numbering(
        _abstract(1, _lvl(0, "decimal", "%1."), _lvl(1, "decimal", "%1.%2"),
                  _lvl(2, "lowerLetter", "%3)")),
        nums=_num(1, 1)))
    seq = [numbering.label("1", i) for i in (0, 1, 2, 2, 1, 2, 0, 2, 1)]
    assert seq == ["1.", "1.1", "a)", "b)", "1.2", "a)", "2.", "a)", "2.1"]


def test_lvl_restart_narrows_or_stops_restarting():
    numbering = Numbering(_numbering(
        _abstract(1, _lvl(0, "decimal", "%1."), _lvl(1, "decimal", "%2)"),
                  _lvl(2, "decimal", "[%3]", extra='<w:lvlRestart w:val="1"/>')),
        _abstract(2, _lvl(0, "decimal", "%1."),
                  _lvl(1, "decimal", "%2)", extra='<w:lvlRestart w:val="0"/>')),
        nums=_num(1, 1) + _num(2, 2)))
    # level 3 restarts only when level 1 is used, not when level 2 is
    assert [numbering.label("1", i) for i in (0, 2, 1, 2, 0, 2)] == \
        ["1.", "[1]", "1)", "[2]", "2.", "[1]"]
    # lvlRestart 0: never restarts
    assert [numbering.label("2", i) for i in (0, 1, 0, 1)] == ["1.", "1)", "2.", "2)"]


def test_start_and_start_override():
    numbering = Numbering(_numbering(
        _abstract(1, _lvl(0, "chineseCounting", "%1、", start=3)),
        nums=_num(1, 1) + _num(2, 1, _start_override(0, 1)) + _num(3, 1, _start_override(0, 4))))
    assert numbering.label("1", 0) == "三、"
    assert numbering.label("1", 0) == "四、"
    # a new num on the same list restarts once at its override, then counts on
    assert [numbering.label("2", 0) for _ in range(3)] == ["一、", "二、", "三、"]
    assert [numbering.label("3", 0) for _ in range(2)] == ["四、", "五、"]
    # nums without an override share the list's counter
    assert numbering.label("1", 0) == "六、"


def test_level_override_replaces_the_level():
    override = ('<w:lvlOverride w:ilvl="0"><w:lvl w:ilvl="0"><w:numFmt w:val="decimal"/>'
                '<w:lvlText w:val="%1)"/></w:lvl></w:lvlOverride>')
    numbering = Numbering(_numbering(_abstract(1, _lvl(0, "chineseCounting", "%1、", start=2)),
                                     nums=_num(1, 1, override)))
    assert numbering.label("1", 0) == "2)"  # start comes from the abstract level


def test_bullets_have_no_label_and_undefined_lists_raise():
    numbering = Numbering(_numbering(_abstract(1, _lvl(0, "bullet", "\uf0b7")), nums=_num(1, 1)))
    assert numbering.label("1", 0) is None
    with pytest.raises(UndefinedNumbering):
        numbering.label("9", 0)
    with pytest.raises(UndefinedNumbering):
        numbering.label("1", 3)
    with pytest.raises(UndefinedNumbering):
        Numbering(None).label("1", 0)


def test_num_style_link_uses_the_list_style_levels():
    numbering = Numbering(
        _numbering(_abstract(1, extra='<w:numStyleLink w:val="PlanList"/>'),
                   _abstract(2, _lvl(0, "chineseCounting", "第%1章"),
                             extra='<w:styleLink w:val="PlanList"/>'),
                   nums=_num(1, 1) + _num(2, 2)),
        style_lists={"PlanList": "2"})
    assert [numbering.label("1", 0), numbering.label("2", 0)] == ["第一章", "第二章"]


# --- Word features, on documents built here ---------------------------------------------------

def _docx(body: str, *, parts: dict[str, str] | None = None, rels: dict[str, str] | None = None,
          raw_document: bytes | None = None) -> bytes:
    """A minimal .docx: ``body`` inside w:body; ``parts`` maps a relationship type (last path
    segment) to the XML of that part."""
    parts, rels = parts or {}, rels or {}
    types = "".join(f'<Override PartName="/word/{kind}.xml" ContentType="application/xml"/>'
                    for kind in parts)
    doc_rels = "".join(f'<Relationship Id="r{i}" Type="{REL}/{kind}" Target="{kind}.xml"/>'
                       for i, kind in enumerate(parts))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-'
                   'package.relationships+xml"/><Default Extension="xml" '
                   'ContentType="application/xml"/>'
                   '<Override PartName="/word/document.xml" ContentType="application/vnd.'
                   'openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
                   f"{types}</Types>")
        z.writestr("_rels/.rels",
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                   f'relationships"><Relationship Id="rId1" Type="{REL}/officeDocument" '
                   'Target="word/document.xml"/></Relationships>')
        z.writestr("word/_rels/document.xml.rels",
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                   f'relationships">{doc_rels}</Relationships>')
        z.writestr("word/document.xml", raw_document or
                   f'<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>')
        for kind, xml in parts.items():
            z.writestr(f"word/{kind}.xml", xml)
    return buf.getvalue()


def _p(inner: str, ppr: str = "") -> str:
    return f"<w:p>{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}{inner}</w:p>"


def _r(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def _wrap(tag: str, inner: str) -> str:
    return f'<w:{tag} xmlns:w="{W_NS}">{inner}</w:{tag}>'


def _load(body: str, **kw):
    return load_docx(_docx(body, **kw), "test.docx")


def test_style_numbering_and_outline_levels():
    styles = _wrap("styles",
                   '<w:style w:type="paragraph" w:default="1" w:styleId="a">'
                   '<w:name w:val="Normal"/></w:style>'
                   '<w:style w:type="paragraph" w:styleId="2"><w:name w:val="标题 2"/>'
                   '<w:basedOn w:val="a"/><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr>'
                   '</w:style><w:style w:type="paragraph" w:styleId="Sub"><w:name w:val="Sub"/>'
                   '<w:basedOn w:val="2"/><w:pPr><w:numPr><w:numId w:val="0"/></w:numPr>'
                   "</w:pPr></w:style>")
    numbering = _wrap("numbering", _abstract(1, _lvl(0, "chineseCounting", "%1、")) + _num(1, 1))
    doc = _load(_p(_r("总体要求"), '<w:pStyle w:val="2"/>')
                + _p(_r("正文"))
                + _p(_r("重点任务"), '<w:pStyle w:val="2"/>')
                + _p(_r("不编号"), '<w:pStyle w:val="Sub"/>')
                + _p(_r("大纲级别"), '<w:outlineLvl w:val="2"/>'),
                parts={"styles": styles, "numbering": numbering})
    assert doc.text.split("\n") == ["一、总体要求", "正文", "二、重点任务", "不编号", "大纲级别"]
    kinds = [(b.kind, b.style_level, b.style) for b in doc.blocks]
    assert kinds == [("heading", 2, "标题 2"), ("paragraph", None, "Normal"),
                     ("heading", 2, "标题 2"), ("heading", 2, "Sub"), ("heading", 3, "Normal")]


def test_missing_or_broken_numbering_falls_back_to_the_text():
    body = _p(_r("指导思想"), '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="7"/></w:numPr>')
    for parts in ({}, {"numbering": "<w:numbering"},
                  {"numbering": _wrap("numbering", _abstract(1, _lvl(0, "decimal", "%1.")))}):
        doc = _load(body + body, parts=parts)
        assert doc.text == "指导思想\n指导思想"
        [fallback] = [d for d in doc.diagnostics if d.kind == "numbering-fallback"]
        assert fallback.source.start == 0


def test_tracked_changes_show_the_final_view():
    doc = _load(_p(_r("加强") + '<w:ins w:id="1" w:author="张三">' + _r("知识产权") + "</w:ins>"
                   + '<w:del w:id="2" w:author="李四"><w:r><w:delText>专利</w:delText></w:r></w:del>'
                   + '<w:moveFrom w:id="3" w:author="李四">' + _r("旧位置") + "</w:moveFrom>"
                   + _r("保护")))
    assert doc.text == "加强知识产权保护"
    changes = [d for d in doc.diagnostics if d.kind == "tracked-change"]
    assert [(d.author, d.text) for d in changes] == [("张三", "知识产权"), ("李四", "专利"),
                                                     ("李四", "旧位置")]
    assert changes[0].source.text == "知识产权"
    assert changes[1].source.start == len("加强知识产权")


def test_comment_range_footnote_field_bookmark_tab_and_breaks():
    comments = _wrap("comments", '<w:comment w:id="5" w:author="王五"><w:p>'
                     + _r("数据需核实") + "</w:p></w:comment>")
    footnotes = _wrap("footnotes", '<w:footnote w:type="separator" w:id="-1"><w:p><w:r>'
                      '<w:separator/></w:r></w:p></w:footnote><w:footnote w:id="1"><w:p>'
                      '<w:r><w:footnoteRef/></w:r>' + _r(" 即“一地六县”。") + "</w:p></w:footnote>")
    body = (_p('<w:bookmarkStart w:id="0" w:name="_Toc1"/>' + _r("  到2026年，")
               + '<w:commentRangeStart w:id="5"/>' + _r("专利授权量达到")
               + '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
               + '<w:r><w:instrText> MERGEFIELD count </w:instrText></w:r>'
               + '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + _r("500")
               + '<w:r><w:fldChar w:fldCharType="end"/></w:r>' + _r("件")
               + '<w:commentRangeEnd w:id="5"/><w:r><w:commentReference w:id="5"/></w:r>'
               + '<w:bookmarkEnd w:id="0"/>' + _r("，合作区")
               + '<w:r><w:footnoteReference w:id="1"/></w:r>' + _r("建设。"))
            + _p(_r("第一行") + "<w:r><w:br/></w:r>" + _r("第二行") + "<w:r><w:br/></w:r>"
                 + _r("Line") + "<w:r><w:br/></w:r>" + _r("two") + "<w:r><w:tab/></w:r>"
                 + _r("col")))
    doc = _load(body, parts={"comments": comments, "footnotes": footnotes})
    assert doc.text == "到2026年，专利授权量达到500件，合作区建设。\n第一行第二行 Line two col"
    [comment] = [d for d in doc.diagnostics if d.kind == "comment"]
    assert (comment.author, comment.text, comment.source.text) == ("王五", "Comment by 王五: 数据需核实",
                                                                   "专利授权量达到500件")
    [note] = [d for d in doc.diagnostics if d.kind == "footnote"]
    assert note.text == "即“一地六县”。"
    assert doc.text[:note.source.start].endswith("合作区") and note.source.start == note.source.end


def test_merged_and_nested_table_cells():
    def tc(text, tcpr=""):
        return f"<w:tc>{f'<w:tcPr>{tcpr}</w:tcPr>' if tcpr else ''}{_p(_r(text))}</w:tc>"

    nested = "<w:tbl><w:tr>" + tc("甲") + tc("乙") + "</w:tr></w:tbl>"
    table = ("<w:tbl>"
             "<w:tr>" + tc("指标", '<w:gridSpan w:val="2"/>') + tc("目标") + "</w:tr>"
             "<w:tr>" + tc("专利", '<w:vMerge w:val="restart"/>') + tc("发明") + tc("500")
             + "</w:tr>"
             "<w:tr>" + tc("", "<w:vMerge/>") + tc("外观") + f"<w:tc>{_p(_r('说明'))}{nested}</w:tc>"
             + "</w:tr>"
             "<w:tr>" + tc("") + tc("") + tc("") + "</w:tr></w:tbl>")
    doc = _load(_p(_r("表1 目标")) + table + _p(_r("后文")))
    [t] = doc.tables
    assert t.caption == "表1 目标" and t.header == ["指标", "", "目标"]
    assert [[c.text for c in row] for row in t.rows] == [["专利", "发明", "500"],
                                                         ["专利", "外观", "说明 甲 乙"]]
    assert doc.text.split("\n") == ["表1 目标", "指标\t\t目标", "专利\t发明\t500",
                                    "专利\t外观\t说明 甲 乙", "后文"]
    for row in t.rows:
        for cell in row:
            assert doc.text[cell.source.start:cell.source.end] == cell.text
    assert {b.index for b in doc.blocks if b.kind == "table"} == {1}
    assert doc.blocks[-1].index == 2


def test_comment_inside_a_table_cell_is_anchored_in_the_cell():
    comments = _wrap("comments", '<w:comment w:id="1" w:author="A"><w:p>' + _r("?")
                     + "</w:p></w:comment>")
    cell = ('<w:tc><w:p><w:r><w:t>数量</w:t></w:r><w:commentRangeStart w:id="1"/>'
            '<w:r><w:t>XX</w:t></w:r><w:commentRangeEnd w:id="1"/></w:p></w:tc>')
    doc = _load("<w:tbl><w:tr><w:tc>" + _p(_r("项目")) + "</w:tc>" + cell + "</w:tr>"
                "<w:tr><w:tc>" + _p(_r("a")) + "</w:tc><w:tc>" + _p(_r("b")) + "</w:tc></w:tr>"
                "</w:tbl>", parts={"comments": comments})
    [comment] = [d for d in doc.diagnostics if d.kind == "comment"]
    assert comment.source.text == "XX" and doc.text.startswith("项目\t数量XX")


def test_block_level_comment_range_and_content_controls():
    comments = _wrap("comments", '<w:comment w:id="2" w:author="B"><w:p>' + _r("两段都改")
                     + "</w:p></w:comment>")
    doc = _load(_p(_r("前言")) + '<w:commentRangeStart w:id="2"/>'
                + "<w:sdt><w:sdtPr/><w:sdtContent>" + _p(_r("第一段")) + _p(_r("第二段"))
                + '</w:sdtContent></w:sdt><w:commentRangeEnd w:id="2"/>' + _p(_r("结尾")),
                parts={"comments": comments})
    assert doc.text == "前言\n第一段\n第二段\n结尾"
    assert [b.index for b in doc.blocks] == [0, 1, 2, 3]
    [comment] = [d for d in doc.diagnostics if d.kind == "comment"]
    assert comment.source.text == "第一段\n第二段"


def test_a_python_docx_document_numbers_from_its_list_styles():
    document = python_docx.Document()
    document.add_heading("总体要求", level=1)
    for text in ("健全机制", "强化保护", "优化服务"):
        document.add_paragraph(text, style="List Number")
    document.add_paragraph("要点", style="List Bullet")
    buf = io.BytesIO()
    document.save(buf)
    doc = load_docx(buf.getvalue(), "made.docx")
    assert doc.text.split("\n") == ["总体要求", "1.健全机制", "2.强化保护", "3.优化服务", "要点"]
    assert doc.blocks[0].kind == "heading" and doc.blocks[0].style_level == 1


def test_headers_and_footers_are_one_furniture_diagnostic():
    footer = _wrap("ftr", _p(_r("- ") + '<w:fldSimple w:instr="PAGE">' + _r("3") + "</w:fldSimple>"
                             + _r(" -")))
    header = _wrap("hdr", _p(_r("宜兴市人民政府文件")))
    doc = _load(_p(_r("正文")), parts={"footer": footer, "header": header})
    assert doc.text == "正文"
    [furniture] = [d for d in doc.diagnostics if d.kind == "page-furniture"]
    assert furniture.text == "宜兴市人民政府文件\n- 3 -"


# --- broken and hostile files -----------------------------------------------------------------

def test_not_a_zip_is_corrupt():
    with pytest.raises(CorruptDocument, match="bad.docx"):
        load_docx(b"PK\x03\x04 this is not really a zip", "bad.docx")


def test_zip_without_document_is_corrupt():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(CorruptDocument, match="x.docx"):
        load_docx(buf.getvalue(), "x.docx")
    with pytest.raises(CorruptDocument):  # through the content sniffer as well
        load(buf.getvalue(), name="x.docx")


def test_malformed_document_xml_is_corrupt():
    data = _docx("", raw_document=b"<w:document xmlns:w='" + W_NS.encode() + b"'><w:body><w:p>")
    with pytest.raises(CorruptDocument, match="m.docx: malformed word/document.xml"):
        load_docx(data, "m.docx")


def _with_doctype(entities: str, text: str) -> bytes:
    return _docx("", raw_document=(
        f"<!DOCTYPE w:document [{entities}]><w:document xmlns:w='{W_NS}'><w:body>"
        f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>").encode())


def test_entities_are_never_expanded():
    entities = ('<!ENTITY word "知识产权"><!ENTITY xxe SYSTEM "file:///etc/passwd">'
                '<!ENTITY net SYSTEM "http://127.0.0.1:9/x">')
    doc = load_docx(_with_doctype(entities, "前&word;中&xxe;后&net;"), "ent.docx")
    assert doc.text == "前中后"


def test_billion_laughs_is_neither_expanded_nor_fatal_beyond_corrupt():
    lol = '<!ENTITY a "lollollollollollollollollol">' + "".join(
        f'<!ENTITY {n} "{("&" + p + ";") * 10}">' for p, n in zip("abcdefgh", "bcdefghi"))
    try:
        doc = load_docx(_with_doctype(lol, "前&i;后"), "lol.docx")
    except CorruptDocument as err:  # libxml2 may refuse the amplification outright
        assert "lol.docx" in str(err)
    else:
        assert doc.text == "前后"


def test_zip_bombs_are_refused_before_inflating(monkeypatch):
    monkeypatch.setattr(docx_loader, "MAX_UNCOMPRESSED", 1_000_000)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"\0" * 5_000_000)
    assert len(buf.getvalue()) < 50_000
    with pytest.raises(TooLarge, match="bomb.docx"):
        load_docx(buf.getvalue(), "bomb.docx")
    monkeypatch.setattr(docx_loader, "MAX_MEMBERS", 5)
    with pytest.raises(TooLarge, match="members"):
        load_docx(_docx(_p(_r("x")), parts={k: "<x/>" for k in "abcdef"}), "many.docx")


@pytest.mark.parametrize(("fmt", "start", "text"), [
    ("chineseCountingThousand", 10 ** 30, "%1、"),  # cn2an: 超出数据范围
    ("upperRoman", int("9" * 4000), "%1."),          # 4,000 digits: a Roman numeral without end
    ("decimal", 1, "%1" * 200_000),                  # a label text of 400,000 characters
])
def test_absurd_numbering_falls_back_to_the_text(fmt, start, text):
    """List numbers past Word's limit and label texts of no real length are not rendered: the
    paragraph keeps its text, with a numbering-fallback diagnostic, never an exception."""
    body = _p(_r("指导思想"), '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>')
    numbering = _wrap("numbering", _abstract(1, _lvl(0, fmt, text, start=start)) + _num(1, 1))
    doc = _load(body, parts={"numbering": numbering})
    assert doc.text == "指导思想"
    assert [d.kind for d in doc.diagnostics] == ["numbering-fallback"]
