"""The outline: heading or item, levels inferred from the document, broken numbering tolerated."""

from __future__ import annotations

import importlib.util
from functools import cache

import pytest
from conftest import CORPUS, DOCS, FIXTURES, assert_spans_exact, gold

from policyparse.eval import score_plan
from policyparse.model import Plan
from policyparse.pipeline import parse

FORMS = {"txt": "seeds", "docx": "docx", "pdf": "pdf"}


def loader_missing(form: str) -> bool:
    return form != "txt" and importlib.util.find_spec(f"policyparse.load.{form}") is None


@cache
def corpus_plan(stem: str, form: str) -> Plan:
    if loader_missing(form):
        pytest.skip(f"no {form} loader yet (policyparse/load/{form}.py)")
    return parse(CORPUS / FORMS[form] / f"{stem}.{form}", pipeline=["outline"])


def outline_of(text: str) -> list[tuple[int, str, str | None]]:
    """(level, label, parent label) for each heading of a plan given as text."""
    plan = parse(text, pipeline=["outline"])
    labels = {h.id: h.label for h in plan.headings}
    return [(h.level, h.label, labels.get(h.parent)) for h in plan.headings]


@pytest.mark.parametrize("form", FORMS)
def test_corpus_headings_and_levels(doc_stem, form):
    plan = corpus_plan(doc_stem, form)
    result = score_plan(plan, gold(doc_stem), form)
    assert result.scores["headings"].f1 >= 0.95
    assert result.accuracies["heading_levels"].value >= 0.95
    assert result.accuracies["heading_labels"].value >= 0.95
    assert assert_spans_exact(plan.headings, plan) == len(plan.headings)
    by_id = {h.id: h for h in plan.headings}
    for h in plan.headings:
        assert not h.title.endswith("。")
        if h.parent:
            assert by_id[h.parent].level < h.level
            assert by_id[h.parent].source.start < h.source.start


@pytest.mark.parametrize("form", ["docx", "pdf"])
def test_docx_and_pdf_outline_within_002_of_txt(doc_stem, form):
    txt = score_plan(corpus_plan(doc_stem, "txt"), gold(doc_stem), "txt")
    other = score_plan(corpus_plan(doc_stem, form), gold(doc_stem), form)
    assert abs(other.scores["headings"].f1 - txt.scores["headings"].f1) <= 0.02
    assert abs(other.accuracies["heading_levels"].value -
               txt.accuracies["heading_levels"].value) <= 0.02


def test_004_arabic_number_among_chinese_siblings_takes_their_level():
    plan = corpus_plan(DOCS[3], "txt")
    top = [h for h in plan.headings if h.level == 1]
    assert [h.label for h in top] == ["一、", "二、", "3、", "四、", "五、"]
    three = top[2]
    assert three.title == "重点任务" and three.parent is None
    children = [h.label for h in plan.headings if h.parent == three.id]
    assert children == ["（一）", "（二）", "（三）", "（四）", "（五）", "（六）"]


def test_000_missing_third_chapter_does_not_derail_the_levels():
    plan = corpus_plan(DOCS[0], "txt")
    levels = {(h.label, h.title): h.level for h in plan.headings}
    assert levels[("第二节", "加快知识产权转化运用")] == 2  # 第三章 and its 第一节 are missing
    assert levels[("（七）", "增强知识产权融资功能")] == 4  # its 一、 is missing too
    assert levels[("第四章", "保障措施")] == 1
    assert levels[("第五章", "术语说明")] == 1
    # 1.–44. task paragraphs and the 1、 definitions of 术语说明 are items, not headings
    assert not any(h.label[0].isdigit() for h in plan.headings)


def test_001_appendix_and_web_furniture():
    plan = corpus_plan(DOCS[1], "txt")
    assert plan.headings[0].label == "一、"  # 登录 注册 退出 … is not a heading
    appendix = plan.headings[-1]
    assert (appendix.label, appendix.level, appendix.parent) == ("附件", 1, None)
    assert appendix.title == "宜都市知识产权强省建设示范县域创建工作领导小组成员名单"
    assert sum(h.label.startswith("附件") for h in plan.headings) == 1  # 附件:… lists it only


def test_003_numbered_line_heads_one_shi_items():
    plan = corpus_plan(DOCS[2], "txt")
    arabic = [h for h in plan.headings if h.label.endswith(".")]
    assert [h.title for h in arabic] == ["集聚多方资源，加大培训力度", "加强对外宣传，提升文化氛围",
                                         "注重人才引进，壮大人才队伍"]
    parent = {h.id: h for h in plan.headings}[arabic[0].parent]
    assert parent.label == "（六）" and all(h.level == 3 for h in arabic)


def test_wrong_family_sibling_in_a_generated_plan():
    text = "\n".join([
        "一、指导思想", "坚持创新驱动。", "二、工作目标", "到2026年，专利授权量达到1000件。",
        "3、重点任务", "（一）加强管理", "1、健全体系。深入推进改革。", "2、打造示范。推进试点。",
        "（二）强化保护", "3、健全机制。成立专项工作机制。", "四、保障措施", "（一）加强组织领导",
        "全面加强领导。"])
    assert outline_of(text) == [
        (1, "一、", None), (1, "二、", None), (1, "3、", None), (2, "（一）", "3、"),
        (2, "（二）", "3、"), (1, "四、", None), (2, "（一）", "四、")]


def test_broken_chapters_and_sections():
    text = "\n".join([
        "第一章 总体要求", "第二节 基本原则", "一、坚持质量优先", "正文。", "二、坚持强化保护", "正文。",
        "第二章 主要任务", "第一节 提升创造质量", "一、培育高价值专利", "（一）实施培育工程", "正文。",
        "第二节 强化保护", "（二）加强执法", "正文。",  # 一、 missing: （二） keeps its level
        "第四章 保障措施", "第一节 加强组织领导", "正文。"])  # 第三章 missing
    assert outline_of(text) == [
        (1, "第一章", None), (2, "第二节", "第一章"), (3, "一、", "第二节"), (3, "二、", "第二节"),
        (1, "第二章", None), (2, "第一节", "第二章"), (3, "一、", "第一节"), (4, "（一）", "一、"),
        (2, "第二节", "第二章"), (4, "（二）", "第二节"), (1, "第四章", None),
        (2, "第一节", "第四章")]


def test_heading_or_item():
    text = "\n".join([
        "一、重点任务",
        "（一）狠抓创新主体培育、平台建设和资源集聚。",  # a bare title with a full stop: heading
        "1.强化政策支持。大力培育高新技术企业。",  # a numbered paragraph: item
        "（二）提升质量",
        "1.集聚多方资源，加大培训力度",  # heads 一是 items: heading
        "一是加强培训。开展实务培训。", "二是优化课程。常态化开展。",
        "2.加强对外宣传",  # heads nothing but prose: an item, like GOLD.md says
        "开展宣传活动。",
        "（三）推进农机装备全产业链协同发展。支持农机企业研发。",  # carries its own text: item
        "（四）加强执法", "开展执法行动。", "二、保障措施"])
    assert outline_of(text) == [
        (1, "一、", None), (2, "（一）", "一、"), (2, "（二）", "一、"), (3, "1.", "（二）"),
        (2, "（四）", "一、"), (1, "二、", None)]


def test_table_of_contents_lines_are_not_headings():
    text = "目录\n第一章 总则……………1\n第二章 主要任务 ........ 3\n第一章 总则\n正文。\n第二章 主要任务\n正文。"
    plan = parse(text, pipeline=["outline"])
    assert [(h.label, h.source.line) for h in plan.headings] == [("第一章", 4), ("第二章", 6)]


def test_regulation_chapters_sections_and_articles():
    plan = parse(FIXTURES / "regulation.txt", pipeline=["outline"])
    labels = {h.id: h.label for h in plan.headings}
    got = [(h.level, h.label, h.title, labels.get(h.parent)) for h in plan.headings]
    assert got == [
        (1, "第一章", "总则", None), (1, "第二章", "创造与运用", None),
        (2, "第一节", "专利创造", "第二章"), (2, "第二节", "专利运用", "第二章"),
        (1, "第三章", "保护", None), (1, "第四章", "服务与管理", None),
        (1, "第五章", "法律责任", None), (1, "第六章", "附则", None)]
    # 30 articles, and the list （一）…；（四）…。 inside 第六条, are items
    assert plan.text.count("\n第") - len(plan.headings) == 30


def test_bullets_plan_boxes_nest_in_their_section():
    got = outline_of((FIXTURES / "bullets_plan.txt").read_text(encoding="utf-8"))
    boxes = [g for g in got if g[1].startswith("专栏")]
    assert boxes == [(3, "专栏1", "（三）"), (3, "专栏2", "（二）"), (3, "专栏3", "（四）")]
    assert [g[1] for g in got if g[0] == 1] == ["一、", "二、", "三、", "四、"]
    assert not any(g[1] in ("——", "1.", "（1）") for g in got)


def test_state_council_opinion_run_in_items_are_not_headings():
    plan = parse(FIXTURES / "html" / "govcn_opinion_gbk.html", pipeline=["outline"])
    assert [(h.level, h.label) for h in plan.headings] == [
        (1, "一、"), (1, "二、"), (1, "三、"), (1, "四、"), (1, "五、"), (1, "六、")]
    assert plan.headings[-1].title == "加强组织实施"


def test_one_sentence_items_followed_by_their_siblings_are_not_headings():
    """（二十）财税部门要落实优惠政策。 reads like a title, but its next sibling follows at once:
    it heads nothing.  A title line with text or items beneath stays a heading."""
    text = "\n".join([
        "七、关于财政税收", "（二十）财税部门要认真落实现行税收优惠政策。",
        "（二十一）转制前由财政负担的住房补贴，转制后继续由财政部门在预算中拨付。",
        "八、关于组织领导", "（二十二）加强统筹协调。", "各地要建立协调机制。"])
    plan = parse(text, pipeline=["outline"])
    assert [h.label for h in plan.headings] == ["七、", "八、", "（二十二）"]


def test_numbered_cells_of_an_indicator_tables_grouping_columns_are_headings():
    """An annex table whose first columns group the rows (merged down) carries the annex's own
    outline: 一、 and （一） cells are headings under the 附件; the indicator rows are not."""
    rows = "".join(
        f"<tr>{first}{second}<td>{n}.{name}</td><td>定量</td></tr>"
        for first, second, n, name in [
            ('<td rowspan="3">一、服务质量</td>', '<td rowspan="2">（一）功能定位</td>', 1, "门诊人次"),
            ("", "", 2, "住院人次"),
            ("", "<td>（二）安全</td>", 3, "并发症发生率"),
            ('<td>二、运营效率</td>', "<td>（三）资源效率</td>", 4, "床位使用率")])
    html = ("<html><body><div id='zoom'><p>一、总体要求</p><p>建立考核体系。</p><p>附件</p>"
            "<p>考核指标</p><table><tr><th>一级指标</th><th>二级指标</th><th>三级指标</th>"
            f"<th>性质</th></tr>{rows}</table></div></body></html>")
    plan = parse(html.encode("utf-8"), name="kaohe.html", pipeline=["outline"])
    got = [(h.label, h.title, h.level) for h in plan.headings]
    assert got == [("一、", "总体要求", 1), ("附件", "考核指标", 1), ("一、", "服务质量", 2),
                   ("（一）", "功能定位", 3), ("（二）", "安全", 3), ("二、", "运营效率", 2),
                   ("（三）", "资源效率", 3)]
    assert assert_spans_exact(plan.headings, plan) == len(plan.headings)
