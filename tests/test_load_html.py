"""The .html loader on two realistic portal pages and on small pages the tests write."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policyparse.errors import CorruptDocument, PolicyParseError
from policyparse.load import load, load_bytes
from policyparse.load.document import Document, normalise_line
from policyparse.load.html import load_html

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "html"
PORTAL = FIXTURES / "yidu_001_portal.html"  # the text of seed 001 inside a county portal page
GOVCN = FIXTURES / "govcn_opinion_gbk.html"  # a gov.cn State Council opinion, GBK
# An old county portal: GBK, page laid out in nested tables, <font> and <br> body, spacer cells.
COUNTY = FIXTURES / "county_notice_table_layout_gbk.html"
# A State Council page whose annex is a Word-exported indicator table (rowspans, <p> in cells).
SANJI = ROOT / "corpora" / "html" / "gwyb-sanji-yiyuan-kaohe-2019.html"
# A State Council page whose annex table has a two-row header (分年度招生任务 over three years).
XIZANG = ROOT / "corpora" / "unlabelled" / "gwyb-xizang-ban-kuozhao-1996.html"
SEED_001 = ROOT / "corpora" / "seeds" / "001_8feaf3a5e4c88e3f.txt"
GOLD_001 = ROOT / "corpora" / "gold" / "001_8feaf3a5e4c88e3f.gold.json"


def squash(text: str) -> str:
    return "".join(text.split())


def block_texts(doc: Document) -> list[str]:
    return [doc.text[b.start:b.end] for b in doc.blocks]


def furniture_texts(doc: Document) -> list[str]:
    return [squash(d.text) for d in doc.diagnostics if d.kind == "web-furniture"]


def page(body: str, head: str = "", charset: str = "utf-8") -> bytes:
    return (f"<!DOCTYPE html><html><head><meta charset=\"{charset}\">{head}</head>"
            f"<body>{body}</body></html>").encode(charset)


def assert_spans_exact(doc: Document) -> None:
    for block in doc.blocks:
        assert block.line == doc.text.count("\n", 0, block.start) + 1
        if block.kind != "table":  # table rows hold tabs and may hold empty cells
            assert doc.text[block.start:block.end] == normalise_line(
                doc.text[block.start:block.end])[0] != ""
    for table in doc.tables:
        assert table.source.text == doc.text[table.source.start:table.source.end]
        for row in table.rows:
            for cell in row:
                assert cell.text == cell.source.text == doc.text[cell.source.start:
                                                                 cell.source.end]
    for diag in doc.diagnostics:
        assert diag.source is not None
        assert diag.source.text == doc.text[diag.source.start:diag.source.end]


@pytest.fixture(scope="module")
def portal() -> Document:
    return load(PORTAL)


@pytest.fixture(scope="module")
def gold_001() -> dict:
    return json.loads(GOLD_001.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def residue_001(gold_001) -> list[str]:
    """What the gold marks as web-page residue in the scraped 001 text."""
    return [q for d in gold_001["defects"] if d["rule"] == "editor-residue" for q in d["quotes"]]


# --- fixture 1: seed 001 in a county portal page -------------------------------------------

def test_portal_is_sniffed_and_loaded_as_html(portal):
    assert portal.format == "html"
    assert_spans_exact(portal)


def test_portal_text_is_every_seed_paragraph_in_order(portal, residue_001):
    seed = SEED_001.read_text(encoding="utf-8").split("\n")
    paragraphs = [normalise_line(line)[0] for line in seed
                  if line.strip() and not any(squash(q) in squash(line) for q in residue_001)]
    assert block_texts(portal) == paragraphs


def test_portal_web_residue_is_removed_and_diagnosed(portal, residue_001):
    blocks = [squash(t) for t in block_texts(portal)]
    removed = furniture_texts(portal)
    for quote in residue_001:
        assert not any(squash(quote) in b for b in blocks), quote
        assert any(squash(quote) in r for r in removed), quote
    assert "登录注册退出" in removed and "扫描二维码查看原文" in removed
    assert "http://img.zcbk.cn/pictures/20240208/yichang/erweima/7490382.png" in removed


def test_portal_template_furniture_is_removed(portal):
    text, removed = portal.text, " ".join(furniture_texts(portal))
    for piece in ("当前位置", "政务公开", "字号", "分享到", "相关文件", "上一篇", "主办单位",
                  "ICP备", "网站标识码", "政府网站找错", "hm.baidu.com", "请输入关键词"):
        assert piece not in text, piece
    for piece in ("当前位置：首页>政务公开>政策文件", "字号：大中小打印关闭", "分享到：微信微博QQ空间",
                  "相关文件", "鄂ICP备05003182号", "政府网站找错"):
        assert piece in removed, piece
    assert "hm.baidu.com" not in removed  # scripts are invisible, not furniture


def test_portal_furniture_is_anchored_outside_at_start_inside_where_it_stood(portal):
    by_text = {squash(d.text): d.source for d in portal.diagnostics}
    assert by_text["登录注册退出"].start == 0
    assert by_text["相关文件"].start == 0
    # The font-size bar sits inside the content container, right after the title.
    title = portal.blocks[0]
    assert by_text["字号：大中小打印关闭"].start == title.end + 1


def test_portal_headings(portal, gold_001):
    headings = [(portal.text[b.start:b.end], b.style_level)
                for b in portal.blocks if b.kind == "heading"]
    title = "市人民政府办公室关于印发宜都市知识产权强省建设示范县域三年行动方案的通知"
    # The page marks gold level-1 headings <h3> and level-2 ones <h4>; the title is the <h1>.
    assert headings == [(title, 1)] + [(h["quote"], h["level"] + 2)
                                       for h in gold_001["headings"]]


def test_portal_br_lines_are_blocks_and_nbsp_indents_are_stripped(portal):
    texts = block_texts(portal)
    start = texts.index("组  长:市人民政府市长")
    assert texts[start:start + 4] == ["组  长:市人民政府市长", "副组长:市人民政府分管副市长",
                                      "成  员:市市场监督管理局(知识产权局)局长", "市委宣传部分管副部长"]
    assert len({portal.blocks[start + i].index for i in range(4)}) == 4


# --- fixture 2: gov.cn State Council opinion in GBK ---------------------------------------

def test_govcn_page_is_gbk_and_decoded():
    data = GOVCN.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    doc = load(GOVCN)
    assert doc.format == "html"
    assert doc.text.startswith("国务院办公厅关于加强县域知识产权保护和运用的意见\n国办发〔2024〕15号\n")
    assert not [d for d in doc.diagnostics if d.kind == "encoding"]
    assert_spans_exact(doc)


def test_govcn_structure_and_furniture():
    doc = load(GOVCN)
    texts = block_texts(doc)
    assert doc.blocks[0].kind == "heading" and doc.blocks[0].style_level == 1
    sections = [t for t in texts if t[:2] in {f"{n}、" for n in "一二三四五六"}]
    assert [s[:2] for s in sections] == ["一、", "二、", "三、", "四、", "五、", "六、"]
    items = [t for t in texts if t.startswith("（") and t[1] in "一二三四五六七八九十"]
    assert len(items) == 10 and all(t.endswith("负责）") for t in items)
    assert texts[-3:] == ["国务院办公厅", "2024年3月15日", "（此件公开发布）"]
    removed = furniture_texts(doc)
    for piece in ("索引号：", "000014349/2024-00021", "首页>政策>国务院政策文件库>国务院文件",
                  "扫一扫在手机打开当前页", "京ICP备05070218号", "【我要纠错】责任编辑：王洋"):
        assert any(piece in r for r in removed), piece
        assert piece not in squash(doc.text), piece


# --- fixture 3: a county portal laid out in tables -----------------------------------------

def test_table_layout_page_keeps_the_document_and_only_the_document():
    doc = load(COUNTY)
    texts = block_texts(doc)
    # The title is split by <br> in its cell: two lines, both the title.
    assert texts[:2] == ["青禾县人民政府办公室关于印发青禾县", "农村人居环境整治三年行动实施方案的通知"]
    assert [b.style_level for b in doc.blocks[:3]] == [1, 1, None]
    # <br>-separated lines of a <font> run are blocks; &nbsp; indents are stripped.
    assert texts[2:4] == ["各乡（镇）人民政府，县政府各部门：",
                          "《青禾县农村人居环境整治三年行动实施方案》已经县政府同意，现印发给你们，请结合实际认真组织实施。"]
    assert [t for t in texts if t[:2] in ("一、", "二、", "三、")] == ["一、工作目标", "二、重点任务", "三、保障措施"]
    # A source line break inside a sentence is no line break.
    assert "农村卫生厕所普及率达到85%以上，生活污水治理率提高到40%。" in doc.text
    assert doc.blocks[texts.index("附件：重点任务分工表") + 1].kind == "table"
    (table,) = doc.tables
    assert table.header == ["序号", "重点任务", "牵头单位", "完成时限"]
    assert [c.text for c in table.rows[1]] == ["2", "农村户用 卫生厕所改造", "县农业农村局", "2022年底"]
    removed = furniture_texts(doc)
    for piece in ("首页|政务公开|政务服务|互动交流", "政府信息公开指南", "当前位置：首页>政务公开>政府文件",
                  "QH0012/2020-00031", "【大中小】【打印本页】【关闭窗口】", "ICP备案号：青ICP备00000000号"):
        assert piece in removed, piece
        assert piece not in squash(doc.text), piece
    assert_spans_exact(doc)


# --- a real page: a Word-exported data table in the annex -------------------------------------

def test_indicator_table_stays_a_table_with_its_grouping_cells_first_in_their_rows():
    doc = load(SANJI)
    (table,) = doc.tables
    assert table.header == ["一级指标", "二级指标", "三级指标", "指标性质", "指标说明"]
    assert len(table.rows) == 55  # one row an indicator, 1. to 55.
    first = [row[0].text for row in table.rows if row[0].text]
    assert first == ["一、医疗质量", "二、运营效率", "三、持续发展", "四、满意度评价"]
    # A cell of two <p> (（三）, 合理用药) keeps both, in order, in one cell.
    second = [row[1].text for row in table.rows if row[1].text]
    assert len(second) == 14 and second[2] == "（三） 合理用药"
    assert_spans_exact(doc)


@pytest.mark.parametrize("head", [
    "",  # no declaration: UTF-8 fails, GB18030 reads it
    '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">',
])
def test_gbk_without_or_with_http_equiv_charset(head):
    # 堃 is GBK but not GB2312: sites label GBK pages gb2312 all the same.
    data = (f"<html><head>{head}</head><body><div id='zoom'><p>（一）加强组织领导。由王堃同志"
            "牵头。（国家知识产权局负责）</p></div></body></html>").encode("gbk")
    doc = load_html(data, "gbk.html")
    assert doc.text == "（一）加强组织领导。由王堃同志牵头。（国家知识产权局负责）"
    assert doc.diagnostics == []


def test_wrong_declared_charset_falls_back_with_a_diagnostic():
    body = "<p>知识产权质押融资登记金额累计达到500亿元。</p>"
    data = page(body, charset="gbk").replace(b'charset="gbk"', b'charset="utf-8"')
    doc = load_html(data, "liar.html")
    assert doc.text == "知识产权质押融资登记金额累计达到500亿元。"
    assert [d.kind for d in doc.diagnostics] == ["encoding"]


def test_utf8_page_labelled_gbk_is_read_as_utf8():
    data = page("<p>知识产权质押融资登记金额累计达到500亿元。</p>").replace(b"utf-8", b"gbk")
    doc = load_html(data, "stale-label.html")
    assert doc.text == "知识产权质押融资登记金额累计达到500亿元。"
    assert [d.kind for d in doc.diagnostics] == ["encoding"]


def test_bom_wins_over_declared_charset():
    data = b"\xef\xbb\xbf" + page("<p>专利密集型产品备案认定。</p>", charset="gbk").decode(
        "gbk").encode("utf-8")
    doc = load_html(data, "bom.html")
    assert doc.text == "专利密集型产品备案认定。" and doc.diagnostics == []


# --- tables ---------------------------------------------------------------------------------

TABLE_PAGE = """
<div class="TRS_Editor">
  <p>表1 主要指标</p>
  <table border="1">
    <caption>宜都市知识产权主要指标</caption>
    <thead><tr><th rowspan="2">指标</th><th colspan="2">目标值</th></tr>
           <tr><th>2024年</th><th>2025年</th></tr></thead>
    <tbody>
      <tr><td>每万人高价值发明专利拥有量（件）</td><td>5</td><td>6</td></tr>
      <tr><td rowspan="2">有效注册商标量（件）</td><td><p>4500</p></td><td>5000<br>以上</td></tr>
      <tr><td colspan="2">待定</td></tr>
    </tbody>
  </table>
  <p>以上指标为预期性指标。</p>
</div>"""


def test_table_cells_have_exact_spans_and_spans_are_expanded():
    doc = load_html(page(TABLE_PAGE), "table.html")
    assert_spans_exact(doc)
    (table,) = doc.tables
    assert table.caption == "宜都市知识产权主要指标"
    assert table.header == ["指标", "目标值 2024年", "2025年"]
    assert [[c.text for c in row] for row in table.rows] == [
        ["每万人高价值发明专利拥有量（件）", "5", "6"],
        ["有效注册商标量（件）", "4500", "5000 以上"],
        ["", "待定", ""],
    ]
    kinds = [b.kind for b in doc.blocks]
    assert kinds == ["paragraph", "caption"] + ["table"] * 5 + ["paragraph"]
    assert doc.text.split("\n")[-1] == "以上指标为预期性指标。"
    # A spanned-over position stays an empty column, so every row has the grid's width.
    assert doc.text.split("\n")[2:4] == ["指标\t目标值\t", "\t2024年\t2025年"]


def test_absurd_spans_are_clamped():
    body = ("<div id='zoom'><table><tr><th>任务</th><th>责任单位</th></tr>"
            "<tr><td rowspan='999999999'>专利导航</td><td colspan='99999999'>县市场监管局</td></tr>"
            "<tr><td rowspan='0'>商标培育</td></tr></table></div>")
    (table,) = load_html(page(body), "spans.html").tables
    assert [[c.text for c in row] for row in table.rows] == [
        ["专利导航", "县市场监管局"] + [""] * 999, ["", "商标培育"] + [""] * 999]  # colspan ≤ 1000


def test_a_layout_table_chosen_as_the_main_content_is_read_as_blocks():
    body = ("<div class='nav'><a>首页</a></div><table class='content'>"
            "<tr><td>一、工作目标</td><td>到2025年，专利授权量达到500件，商标注册量达到5000件。</td></tr>"
            "<tr><td>二、重点任务</td><td>加强知识产权保护，完善快速维权机制，提升公共服务水平。</td></tr>"
            "</table>")
    doc = load_html(page(body), "layout-region.html")
    assert doc.tables == [] and block_texts(doc)[0] == "一、工作目标" and len(doc.blocks) == 4


def test_layout_table_is_read_as_blocks_not_as_a_table():
    body = ("<table width='980'><tr><td class='left'><ul><li><a href='/a'>政策文件</a></li>"
            "<li><a href='/b'>政策解读</a></li></ul></td><td class='right'>"
            "<p>一、总体要求</p><p>到2025年，专利授权量达到500件，商标注册量达到5000件。</p>"
            "<p>二、重点任务</p><p>加强知识产权保护，完善快速维权机制，提升公共服务水平。</p>"
            "</td></tr></table>")
    doc = load_html(page(body), "layout.html")
    assert doc.tables == []
    assert block_texts(doc) == ["一、总体要求", "到2025年，专利授权量达到500件，商标注册量达到5000件。",
                                "二、重点任务", "加强知识产权保护，完善快速维权机制，提升公共服务水平。"]
    assert "政策文件" in furniture_texts(doc)


def test_a_first_row_merging_cells_both_ways_heads_the_rows_it_covers():
    doc = load(XIZANG)
    (table,) = doc.tables
    assert table.header == ["省（市）", "1995年招生人数", "扩招", "分年度招生任务 1996年", "1997年",
                            "1998年"]
    assert [c.text for c in table.rows[0]] == ["总计", "1445", "555", "1600", "1800", "2000"]


def test_a_title_row_merged_across_the_table_is_its_caption():
    body = ("<div id='zoom'><p>附件</p><table border='1'>"
            "<tr><td colspan='4'><p>某县知识产权</p><p>主要指标</p></td></tr>"
            "<tr><td rowspan='2'>指标</td><td rowspan='2'>2020年</td><td colspan='2'>目标值</td></tr>"
            "<tr><td>2023年</td><td>2025年</td></tr>"
            "<tr><td>发明专利拥有量（件）</td><td>300</td><td>500</td><td>800</td></tr></table></div>")
    doc = load_html(page(body), "title-row.html")
    (table,) = doc.tables
    assert table.caption == "某县知识产权 主要指标" and doc.blocks[1].kind == "caption"
    assert table.header == ["指标", "2020年", "目标值 2023年", "2025年"]
    assert [[c.text for c in row] for row in table.rows] == [["发明专利拥有量（件）", "300", "500", "800"]]
    assert_spans_exact(doc)


def test_a_group_cell_down_the_first_column_is_no_header():
    body = ("<div id='zoom'><table border='1'><tr><td rowspan='3'>一、创造</td><td>发明专利（件）</td>"
            "<td>300</td></tr><tr><td>商标（件）</td><td>4000</td></tr><tr><td>版权（件）</td><td>90</td></tr>"
            "<tr><td colspan='2'>合计</td><td>4390</td></tr></table></div>")
    (table,) = load_html(page(body), "group.html").tables
    assert table.header == ["一、创造", "发明专利（件）", "300"] and len(table.rows) == 3


# --- general rules on pages the tests write -------------------------------------------------

PROSE = ("<p>一、工作目标</p><p>到2025年，全县发明专利拥有量达到300件，每万人口高价值发明专利拥有量达到3件。</p>"
         "<p>二、保障措施</p><p>加强组织领导，加大资金投入，强化督促考核，营造良好氛围。</p>")


def test_spacer_cells_do_not_make_a_layout_table_a_data_table():
    # Attachments indented by an empty cell: one filled cell a row is text, not a table.
    body = (f"<div class='TRS_Editor'>{PROSE}<table><tr><td width='32'>&nbsp;</td>"
            "<td>附件：1．某县专利导航项目清单<br>2．某县商标品牌培育名录</td><td><img src='/x.gif'></td>"
            "</tr></table></div>")
    doc = load_html(page(body), "indent.html")
    assert doc.tables == []
    assert block_texts(doc)[-2:] == ["附件：1．某县专利导航项目清单", "2．某县商标品牌培育名录"]


def test_a_table_cell_holding_most_of_the_content_is_layout():
    body = ("<div class='TRS_Editor'><table><tr><td>文号：某政办〔2024〕3号</td><td>来源：县政府办</td></tr>"
            f"<tr><td colspan='2'>{PROSE}</td></tr></table></div>")
    doc = load_html(page(body), "body-cell.html")
    assert doc.tables == []
    assert block_texts(doc) == ["文号：某政办〔2024〕3号", "来源：县政府办", "一、工作目标",
                                "到2025年，全县发明专利拥有量达到300件，每万人口高价值发明专利拥有量达到3件。",
                                "二、保障措施", "加强组织领导，加大资金投入，强化督促考核，营造良好氛围。"]


def test_density_picks_the_prose_without_a_known_container():
    body = (f"<div class='top'><a href='/'>首页</a> <a href='/x'>政务公开</a></div>"
            f"<div class='side'><ul><li><a>通知公告</a></li><li><a>工作动态</a></li></ul></div>"
            f"<div class='c1'><div class='c2'>{PROSE}</div></div>"
            f"<div class='bottom'>版权所有：某县人民政府 网站标识码：1234567890</div>")
    doc = load_html(page(body), "density.html")
    assert block_texts(doc) == ["一、工作目标", "到2025年，全县发明专利拥有量达到300件，每万人口高价值发明专利拥有量达到3件。",
                                "二、保障措施", "加强组织领导，加大资金投入，强化督促考核，营造良好氛围。"]
    assert {"首页政务公开", "通知公告", "版权所有：某县人民政府网站标识码：1234567890"} <= set(
        furniture_texts(doc))


def test_a_form_wrapping_the_whole_page_is_not_furniture():
    body = (f"<form id='form1' method='post' action='./show.aspx'><div class='nav'>首页 新闻</div>"
            f"<div class='wrap'>{PROSE}</div></form>")
    doc = load_html(page(body), "aspnet.html")
    assert block_texts(doc)[0] == "一、工作目标" and len(doc.blocks) == 4
    assert furniture_texts(doc) == ["首页新闻"]


def test_page_title_is_kept_when_no_element_shows_it():
    doc = load_html(page(f"<div class='TRS_Editor'>{PROSE}</div>",
                         head="<title>某县知识产权强县建设工作方案_某县人民政府</title>"), "t.html")
    assert block_texts(doc)[:2] == ["某县知识产权强县建设工作方案", "一、工作目标"]
    assert doc.blocks[0].kind == "heading" and doc.blocks[0].style_level == 1
    # A <title> that names only the site is not the document's title.
    doc = load_html(page(f"<div class='TRS_Editor'>{PROSE}</div>",
                         head="<title>某县人民政府门户网站</title>"), "t.html")
    assert block_texts(doc)[0] == "一、工作目标"


def test_article_header_title_is_content_but_site_header_is_not():
    body = (f"<header><h1>某县人民政府</h1><nav><a>首页</a></nav></header>"
            f"<article><header><h1>某县专利转化专项行动方案</h1><p>发布时间：2024-01-02 来源：县政府办</p>"
            f"</header>{PROSE}</article>")
    doc = load_html(page(body, head="<title>某县专利转化专项行动方案 - 某县人民政府</title>"), "a.html")
    texts = block_texts(doc)
    assert texts[0] == "某县专利转化专项行动方案" and texts[1] == "一、工作目标"
    assert "某县人民政府" in furniture_texts(doc)
    assert "发布时间：2024-01-02来源：县政府办" in furniture_texts(doc)


def test_inline_text_div_text_br_pre_hidden_and_whitespace():
    body = ("<div id='zoom'><div>（一）直接写在div里的文字，<b>加粗</b>后继续。<p>段落一。</p>尾随文字。</div>"
            "<p>第一行<br>第二行<br/><span>第三行</span></p>"
            "<p>English\n  words 中文\n  换行，全角\u3000空格。</p>"
            "<pre>附表：\n  项目一  100万元\n  项目二  200万元</pre>"
            "<p style='display: none'>隐藏的文字。</p><p hidden>也隐藏。</p>"
            "<h2>二、<span>保障</span>措施</h2></div>")
    doc = load_html(page(body), "inline.html")
    assert block_texts(doc) == [
        "（一）直接写在div里的文字，加粗后继续。", "段落一。", "尾随文字。", "第一行", "第二行", "第三行",
        "English words 中文换行，全角 空格。", "附表：", "项目一  100万元", "项目二  200万元",
        "二、保障措施"]
    assert doc.blocks[-1].kind == "heading" and doc.blocks[-1].style_level == 2
    assert doc.diagnostics == []  # hidden text is invisible, not furniture
    assert_spans_exact(doc)


def test_qr_code_inside_the_content_is_removed_where_it_stood():
    body = (f"<div class='TRS_Editor'>{PROSE}<p><img src='/u/erweima/1.png'></p>"
            "<p>扫一扫在手机打开当前页</p><p><img src='/u/photo.jpg' alt='会议现场'></p></div>")
    doc = load_html(page(body), "qr.html")
    diags = {d.text: d.source.start for d in doc.diagnostics}
    assert diags == {"/u/erweima/1.png": len(doc.text), "扫一扫在手机打开当前页": len(doc.text)}


# --- malformed input ------------------------------------------------------------------------

@pytest.mark.parametrize("data", [
    b"", b"  \n\t ", b"<html></html>", b"<html><body><script>var a = 1;</script></body></html>",
    b"<html><body>\x00\x01\x02\x03binary\x00\x00\x00</body></html>",
    b"<html><body>\x80\xff\x80</body></html>",  # neither UTF-8 nor GB18030
    b"<html><head><title>only a title</title></head></html>",
])
def test_malformed_pages_raise_a_policyparse_error(data):
    with pytest.raises(PolicyParseError):
        load_html(data, "bad.html")


def test_deep_nesting_raises_corrupt_document_quickly():
    data = b"<html><body>" + b"<div>" * 10_000 + "很深的文字。".encode() + b"</div>" * 10_000 \
        + b"</body></html>"
    with pytest.raises(CorruptDocument, match="nested too deeply"):
        load_bytes(data, "deep.html")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300), st.sampled_from([b"", b"<html><body>", b"<div id='zoom'><p>"]))
def test_any_bytes_give_a_document_or_a_policyparse_error(data, prefix):
    try:
        doc = load_html(prefix + data, "fuzz.html")
    except PolicyParseError:
        return
    assert doc.blocks
    assert_spans_exact(doc)
