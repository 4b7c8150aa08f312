"""Facts (extract/facts.py) and the goal-or-baseline decision (extract/sections.py), on the corpus
in every form and on plans written for each rule."""

from __future__ import annotations

from functools import cache

import pytest
from conftest import CORPUS, DOCS, assert_spans_exact, gold

from policyparse.eval import Score, score_plan
from policyparse.extract.sections import Sections, own_names
from policyparse.model import Plan
from policyparse.pipeline import parse

FORMS = {"txt": "seeds", "docx": "docx", "pdf": "pdf"}
HEAD = "某县知识产权强县建设工作方案（2024—2026年）\n"


@cache
def corpus_plan(stem: str, form: str) -> Plan:
    return parse(CORPUS / FORMS[form] / f"{stem}.{form}")


def fact(p: Plan, needle: str):
    found = [f for f in p.facts if needle in f.source.text]
    assert len(found) == 1, (needle, [f.source.text for f in p.facts])
    return found[0]


@pytest.mark.parametrize("form", FORMS)
def test_corpus_facts(form):
    total = Score()
    for stem in DOCS:
        p = corpus_plan(stem, form)
        result = score_plan(p, gold(stem), form)
        total.add(result.scores["facts"])
        assert result.accuracies["fact_value_as_of"].value >= 0.85
        assert assert_spans_exact(p.facts, p) >= len(p.facts)
        assert [f.id for f in p.facts] == [f"f{i}" for i in range(1, len(p.facts) + 1)]
    assert total.f1 >= 0.85


@pytest.mark.parametrize("stem, floor", [("000_8b7cc7afb4aa70ed", 0.95),
                                         ("003_351026cd5fe6092f", 0.8)])
def test_corpus_facts_per_document(stem, floor):
    for form in FORMS:
        score = score_plan(corpus_plan(stem, form), gold(stem), form).scores["facts"]
        assert score.f1 >= floor and score.recall >= 0.95


@pytest.mark.parametrize("stem", ["001_8feaf3a5e4c88e3f", "004_417ac496b24af2bd"])
def test_no_facts_from_goal_text(stem):
    assert corpus_plan(stem, "txt").facts == []


def test_as_of_dates_in_the_background():
    p = corpus_plan("000_8b7cc7afb4aa70ed", "txt")
    assert fact(p, "全市累计完成8笔知识产权质押融资").as_of == "2023-12"
    assert fact(p, "全市累计完成21宗知识产权质押融资").as_of == "2024"
    assert fact(p, "公安机关查处商标侵权案件11件").as_of is None  # 2023年以来: a span, no date
    assert fact(p, "软件著作权61件").as_of == "2024-10"  # 截至2024年10月 opens the paragraph
    assert fact(p, "累计完成8笔").metric_key == "ip_pledge_deals"
    assert fact(p, "在押融资金额达5亿元").metric_key == "ip_pledge_amount"
    p = corpus_plan("003_351026cd5fe6092f", "txt")
    assert fact(p, "1464.108万元").as_of == "2020"  # “十三五”期间
    assert fact(p, "比2016年的总量27件").as_of == "2016"
    assert fact(p, "比2016年增长197%").as_of == "2021"
    assert fact(p, "全区2家企业入选国家级示范企业").as_of == "2021"  # the paragraph's date


def test_another_places_figure_is_its_own():
    f = fact(corpus_plan("000_8b7cc7afb4aa70ed", "txt"), "28.16件")
    assert f.metric == "全省每万人口发明专利拥有量" and f.metric_key.endswith("@全省")


def test_background_states_facts_and_goals_state_targets():
    p = parse(HEAD + "一、发展基础\n截至2023年底，全县有效发明专利拥有量300件。近3年来，全县实现专利转让120件。"
              "2022年，知识产权质押融资金额1.5亿元，比2021年增长20%。\n"
              "（一）存在问题\n全县仅15%的企业拥有发明专利。\n"
              "二、工作目标\n到2026年，全县有效发明专利拥有量达到500件。\n")
    assert [(f.value, f.as_of) for f in p.facts] == [(300, "2023-12"), (120, None), (1.5, "2022"),
                                                    (20, "2022"), (15, None)]
    assert [(t.value, t.deadline) for t in p.targets] == [(500, 2026)]
    assert p.facts[0].metric_key == p.targets[0].metric_key == "invention_patents"


def test_a_dated_goal_in_the_background_is_a_target():
    p = parse(HEAD + "一、发展现状\n2023年，全县有效发明专利拥有量300件，力争到2026年达到500件。\n")
    assert [(f.value, f.as_of) for f in p.facts] == [(300, "2023")]
    assert [(t.value, t.deadline, t.metric) for t in p.targets] == [(500, 2026, "有效发明专利拥有量")]


def test_sections_by_heading_title():
    p = parse(HEAD + "第一章 规划背景\n第一节 基础条件\n一、顶层设计完善\n正文。\n第二节 问题与不足\n"
              "一、创新内生动力不足\n正文。\n第二章 发展目标\n正文。\n第三章 主要任务\n"
              "一、夯实知识产权创造基础\n正文。\n第四章 术语说明\n正文。\n")
    kinds = Sections(p.headings)
    at = {h.title: kinds.kind_at(h.source.start) for h in p.headings}
    assert at["顶层设计完善"] == at["创新内生动力不足"] == "background"
    assert at["发展目标"] == "goal" and at["夯实知识产权创造基础"] is None
    assert at["术语说明"] == "glossary"


def test_own_names_of_a_region():
    assert own_names("湖北省宜昌市宜都市") == ("宜都市", "全市")
    assert own_names("湖北省武汉市武汉经济技术开发区") == ("武汉经济技术开发区", "全区")
    assert own_names("四川省阿坝藏族羌族自治州") == ("阿坝藏族羌族自治州", "全州")
    assert own_names("全国") == ("全国",) and own_names(None) == ()


def test_past_achievements_anywhere_are_facts():
    p = parse("国务院办公厅关于加快发展某某产业的意见\n国办发〔2021〕12号\n"
              "近年来，我国某某产业快速发展，2020年产业规模达到1.2万亿元，比上年增长12.5%，已建成国家级"
              "示范基地35个。党的十八大以来，累计培训从业人员80万人次。\n"
              "一、总体要求\n（一）主要目标。到2025年，产业规模突破2万亿元，培育100家以上龙头企业。\n"
              "二、重点任务\n（二）强化示范。“十三五”期间，全国共认定示范基地120个。以2020年"
              "认定的35个基地为基数，每年新增示范基地不少于5个。目前全国建成公共服务平台60个。\n"
              "国务院办公厅\n2021年3月5日\n")
    got = [(f.value, f.unit, f.as_of) for f in p.facts]
    assert got == [(1.2, "万亿元", "2020"), (12.5, "%", "2020"), (35, "个", "2020"),
                   (800000, "人次", None), (120, "个", "2020"), (35, "个", "2020"), (60, "个", None)]
    assert [t.value for t in p.targets] == [2, 100, 5]
    assert p.facts[1].metric == "产业规模"  # 比上年增长: the metric of the figure before


def test_background_headings_of_other_wordings():
    p = parse("某省养老服务体系建设规划（2021—2025年）\n一、“十三五”时期取得的成就\n"
              "全省养老床位达到25.3万张。\n二、面临的形势\n我省老年人口达到1600万人。\n"
              "三、发展目标\n到2025年，养老床位达到30万张。\n")
    assert [(f.value, f.unit) for f in p.facts] == [(253000, "张"), (16000000, "人")]
    assert [(t.value, t.deadline) for t in p.targets] == [(300000, 2025)]


def test_present_state_and_spans_up_to_now_are_facts():
    p = parse("某市关于推进某某工作的实施意见\n（2022年5月10日）\n"
              "过去五年，全市累计建成社区服务站420个。去年全市新增市场主体3.2万户。"
              "全市共有各类托育机构260家，同比增长15%。\n"
              "一、主要任务\n（一）扩大供给。全市建成了3个示范区，每年新增托位不少于2000个。\n")
    assert [(f.value, f.as_of) for f in p.facts] == [
        (420, None), (32000, None), (260, None), (15, None), (3, None)]
    assert [(t.value, t.deadline) for t in p.targets] == [(2000, 2022)]
