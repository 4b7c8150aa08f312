"""The figure rules (conflict, table-text, already-met, unit, arithmetic, cross-document) on the
real corpus in every form, and one rule at a time on sentences taken from the corpus."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policyparse import parse
from policyparse.eval import finding_texts, quote_matches, score_cross_document
from policyparse.lint import lint_plan, lint_plans
from policyparse.lint.registry import select
from policyparse.lint.rules.arithmetic import GrowthMismatch
from policyparse.lint.rules.table_text import charts
from policyparse.model import Plan

from conftest import CORPUS, DOCS, gold

FORMS = {"txt": "seeds", "docx": "docx", "pdf": "pdf"}
FIGURES = ("conflict", "table-text", "already-met", "unit", "arithmetic")
XD = ["000_8b7cc7afb4aa70ed", "001_8feaf3a5e4c88e3f"]


@pytest.fixture(scope="module")
def plans():
    return {(stem, form): parse(CORPUS / folder / f"{stem}.{form}")
            for stem in DOCS for form, folder in FORMS.items()}


def _matches(finding, defect, plan) -> bool:
    return finding.category == defect["rule"] and any(
        quote_matches(q, t) for q in defect["quotes"] for t in finding_texts(finding, plan))


def _readable(plan: Plan, defect: dict) -> bool:
    """Chart data flattened into the text is readable in the txt and docx forms; the PDF loader
    runs a chart's numbers together (1124980900…), so a document whose only tables are charts
    shows no table-text evidence there."""
    return defect["rule"] != "table-text" or bool(plan.tables) or bool(charts(plan))


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("stem", DOCS)
def test_figure_defects_found_without_false_alarms(plans, stem, form):
    plan = plans[(stem, form)]
    findings = lint_plan(plan, select(list(FIGURES)))
    wanted = [d for d in gold(stem)["defects"] if d["rule"] in FIGURES and _readable(plan, d)]
    missed = [d["quotes"][0] for d in wanted if not any(_matches(f, d, plan) for f in findings)]
    assert not missed, missed
    extra = [f.message for f in findings if not any(_matches(f, d, plan) for d in wanted)]
    assert not extra, extra
    for f in findings:  # every source is a span of this plan
        assert all(plan.text[s.start:s.end] == s.text for s in f.sources)


def test_chart_data_is_read_from_every_form(plans):
    # The PDF wraps a chart's tab-separated labels and values over lines (安徽肥|东 included):
    # the loader keeps the tab stops as spaces, so the same series come out.
    for form in ("txt", "docx", "pdf"):
        found = {c.number: c for c in charts(plans[(XD[0], form)])}
        assert sorted(found) == [2, 3, 4], form  # 图1 has two series and is left alone
        own = found[2].labels.index("湖北宜都")
        assert found[2].values[own][0] == Decimal("390")
        assert found[4].labels[-1] == "湖北宜都" and found[4].values[-1][0] == Decimal("5302")


def _lint(text: str, code: str, **meta):
    plan = parse(text)
    if meta:
        plan = plan.model_copy(update={"meta": plan.meta.model_copy(update=meta)})
    return plan, [f for f in lint_plan(plan, select([code])) if f.code == code]


# --- conflict -----------------------------------------------------------------------------------

def test_target_conflict_states_units_and_scope():
    _, (f,) = _lint("（三）发展目标\n"
                    "全区发明专利授权量至2025年力争突破1700件，知识产权质押融资登记金额达到10000万元。\n"
                    "——知识产权运用跻身先进水平。知识产权质押融资额不断增长，力争累计达到3亿元。", "CF001")
    assert "万元/亿元" in f.message and "1亿元" in f.message and "3亿元" in f.message
    assert "累计" in f.message
    assert [s.text for s in f.sources] == ["知识产权质押融资登记金额达到10000万元",
                                          "知识产权质押融资额不断增长，力争累计达到3亿元"]


def test_counts_in_other_measure_words_are_other_counts():
    # 004: 70 patent awards overall, and a task's 5 award items: not one goal stated twice.
    _, found = _lint("到2026年，各级专利奖超70件。\n15、持续提升企业运用效能。各级专利奖不少于5项。",
                     "CF001")
    assert found == []


def test_fact_conflict_explains_measure_words_and_unchanged_amount():
    _, (f,) = _lint(
        "截止2024年，全市累计完成21宗知识产权质押融资，在押融资金额5亿元。\n"
        "截止2023年底，全市累计完成8笔知识产权质押融资，在押融资金额达5亿元。", "CF002")
    assert "宗/笔" in f.message and "5亿元" in f.message and "2023年12月" in f.message
    assert len(f.sources) == 4
    _, found = _lint(
        "截止2024年，全市累计完成21宗知识产权质押融资，在押融资金额9亿元。\n"
        "截止2023年底，全市累计完成8笔知识产权质押融资，在押融资金额达5亿元。", "CF002")
    assert found == []


def test_fact_conflict_between_close_dates():
    text = ("截至2024年10月，全市有效注册商标量达3974件。\n"
            "截至2024年11月，全市累计商标注册量累计{}件。")
    _, (f,) = _lint(text.format(5581), "CF002")
    assert "1个月" in f.message
    assert _lint(text.format(4020), "CF002")[1] == []  # 1% in a month is growth


def test_figures_of_one_paragraph_are_a_list_not_a_conflict():
    # 003: 我区发明专利授权1443件 … 企业发明专利授权量1339件, both for 2021.
    _, found = _lint("2021年，我区发明专利授权1443件，比2016年增长197%；企业发明专利授权量1339件，"
                     "比2016年增长174%；PCT专利申请量62件，比2016年增长69%。", "CF002")
    assert found == []


def test_cumulative_or_new():
    goal = "二、工作目标\n到2026年，知识产权质押金额累计超30亿元。\n"
    _, (f,) = _lint(goal + "14、推进知识产权转化运用。建设期内新增知识产权质押融资超30亿元。", "CF003")
    assert "累计" in f.message and "新增" in f.message
    _, found = _lint(goal + "14、推进知识产权转化运用。建设期内知识产权质押融资累计超30亿元。", "CF003")
    assert found == []


def test_new_stock_conflict_needs_a_stock_the_plan_sets_up():
    body = ("二、工作目标\n到2026年，{}新增知识产权专家库成员20人。\n"
            "21、加强知识产权人才队伍建设。到2026年，知识产权专家库人才达50人。")
    _, (f,) = _lint(body.format("成立市知识产权专家库，"), "CF004")
    assert "20人" in f.message and "50人" in f.message
    assert _lint(body.format(""), "CF004")[1] == []  # an existing roster may hold 30 already


# --- already met --------------------------------------------------------------------------------

def test_goal_below_the_reported_figure():
    _, (f,) = _lint("截至2024年11月，全市累计商标注册量累计5581件。\n"
                    "到2027年，国内注册商标总量达到5000件，国际注册商标达到5件。\n"
                    "11.加快建设商标品牌指导工作站。任务目标：有效注册商标量年均增长8%，达到5000件以上。",
                    "AM001")
    assert [s.text for s in f.sources] == ["国内注册商标总量达到5000件", "达到5000件以上",
                                          "全市累计商标注册量累计5581件"]


def test_share_goal_below_the_share_of_reported_counts():
    _, (f,) = _lint("截至2024年10月，全市有效发明专利拥有量383件，高价值发明专利172件。\n"
                    "6.突出质量导向。任务目标：到2027年，高价值专利占比提高至30%。", "AM001")
    assert "44.9%" in f.message
    assert _lint("截至2024年10月，全市有效发明专利拥有量383件，高价值发明专利172件。\n"
                 "6.突出质量导向。任务目标：到2027年，高价值专利占比提高至50%。", "AM001")[1] == []


def test_an_indicator_tables_baseline_is_the_reference():
    # 003: the 2025 goal of 10000万元 is above the table's 2020 baseline of 5512万元; the 近2亿元
    # of loans in 2021 is not what the goal is measured from.
    text = ("2021年，企业获得知识产权质押贷款近2亿元。\n"
            "到2025年，知识产权质押融资登记金额达到10000万元。\n"
            "表2  “十四五”时期核心指标和指标值\n\n"
            "\t序号\n\t指标名称\n\t单位\n\t2020年现状值\n\t2025年目标值\n\n"
            "\t1\n\t知识产权质押融资登记金额\n\t万元\n\t{}\n\t10000\n")
    assert _lint(text.format(5512), "AM001")[1] == []
    _, (f,) = _lint(text.format(12000), "AM001")
    assert "12000" in f.message


# --- arithmetic ---------------------------------------------------------------------------------

_FUNDS = ("“十三五”期间累计为区内申报企业兑现资金1464.108万元，其中2019年兑现572.008万元，"
          "2020年兑现{}万元。")


def test_parts_within_their_total_hold():
    assert _lint(_FUNDS.format("892.1"), "AR001")[1] == []


def test_parts_beyond_their_total():
    _, (f,) = _lint(_FUNDS.format("992.1"), "AR001")
    assert "1464.108万元" in f.message


_LISTED = "2023年全市专利授权量较快增长，其中发明专利{}件、实用新型专利568件、外观设计专利97件，合计{}件。"


def test_listed_parts_must_make_their_stated_sum():
    assert _lint(_LISTED.format(212, 877), "AR001")[1] == []
    plan, (f,) = _lint(_LISTED.format(212, 977), "AR001")
    assert f.sources[0].text == "212件、实用新型专利568件、外观设计专利97件，合计977件"
    assert "877" in f.message and "977件" in f.message
    # a total before 其中 may list only some parts; the stated 合计 closes the list
    assert _lint("全市专利授权1200件，其中发明专利300件、实用新型专利500件，合计800件。",
                 "AR001")[1] == []


def test_baseline_plus_increment_against_the_level_goal():
    text = ("截至2024年10月，全市有效发明专利拥有量383件。\n到2027年，全市有效发明专利总量达到500件。\n"
            "6.突出质量导向。任务目标：到2027年，新增发明专利{}件。")
    _, (f,) = _lint(text.format("1,000"), "AR001")
    assert "1383" in f.message
    assert _lint(text.format("120"), "AR001")[1] == []


def test_per_capita_figures_dated_by_year_and_by_month_compare():
    # (2024,) and (2024, 11) as-of dates: the latest is the month, without a type error
    text = ("一、现状\n截至2024年，全市有效发明专利拥有量383件，每万人口发明专利拥有量10.7件。"
            "截至2024年11月，全市有效发明专利拥有量390件，每万人口发明专利拥有量10.9件。")
    assert _lint(text, "AR004")[1] == []


def test_growth_from_base_to_final_holds():
    # 003: 40件 against 27件 in 2016 is 48.1% more.
    text = "马德里商标国际注册申请总量40件，比2016年的总量27件增长{}%。"
    assert _lint(text.format("48.1"), "AR002")[1] == []
    assert _lint(text.format("48"), "AR002")[1] == []
    _, (f,) = _lint(text.format("58.1"), "AR002")
    assert "48.1%" in f.message


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 5000), st.integers(1, 5000), st.integers(0, 2))
def test_a_correctly_rounded_growth_rate_is_never_flagged(base, final, decimals):
    rate = (Decimal(final) / Decimal(base) - 1) * 100
    change = "增长" if rate >= 0 else "下降"
    written = f"{abs(rate):.{decimals}f}"
    text = f"注册量{final}件，比2016年的总量{base}件{change}{written}%。"
    plan = Plan(document="<text>", format="txt", text=text)
    assert list(GrowthMismatch().check(plan)) == []
    wrong = f"{abs(rate) + 2:.{decimals}f}"
    plan = Plan(document="<text>", format="txt", text=text.replace(f"{written}%", f"{wrong}%"))
    assert len(list(GrowthMismatch().check(plan))) == 1


def test_share_of_a_count_must_be_a_whole_number_of_it():
    # 000: 22.8% of 533 companies: 122 of them is 22.89%, cut to 22.8%.
    assert _lint("截至2024年11月底，宜都市有科创型企业533家，但仅22.8%的科创型企业拥有专利。",
                 "AR003")[1] == []
    text = "截至2024年11月底，宜都市有科创型企业40家，但仅{}%的科创型企业拥有专利。"
    assert _lint(text.format("32.5"), "AR003")[1] == []  # 13 of 40
    _, (f,) = _lint(text.format("33.3"), "AR003")
    assert "40家" in f.message


def test_share_of_two_counts():
    text = "全市贯标企业40家，其中获得认证的企业12家，占比{}%。"
    assert _lint(text.format(30), "AR003")[1] == []
    _, (f,) = _lint(text.format(35), "AR003")
    assert "30.0%" in f.message


def test_per_capita_goals_imply_another_population():
    text = ("截至2024年10月，全市有效发明专利拥有量383件，每万人拥有发明专利10.7件。\n"
            "到2027年，全市有效发明专利总量达到{}件，每万人口发明专利拥有量提升至18件。")
    _, (f,) = _lint(text.format(500), "AR004")
    assert "27.8" in f.message and "35.8" in f.message
    assert _lint(text.format(650), "AR004")[1] == []


# --- table-text and unit ------------------------------------------------------------------------

def test_table_cells_against_prose():
    plan = parse(CORPUS / "seeds" / "003_351026cd5fe6092f.txt")
    found = lint_plan(plan, select(["TT001"]))
    assert sorted(f.sources[0].text for f in found) == ["有效注册商标量达到2.2万件",
                                                        "每万人口高价值发明专利拥有量突破20件"]
    assert all("\t" in f.sources[-1].text for f in found)  # the table row is a source too


def test_unit_slip_and_equal_amounts_in_other_units():
    text = "到2025年，知识产权质押融资登记金额达到10000万元。\n到2025年，全区知识产权质押融资登记金额力争达到{}。"
    _, (f,) = _lint(text.format("10000元"), "UN001")
    assert "10000倍" in f.message
    assert _lint(text.format("1亿元"), "UN001")[1] == []


# --- cross-document -----------------------------------------------------------------------------

def test_cross_document_defects_of_000_and_001(plans):
    pair = [plans[(stem, "txt")] for stem in XD]
    findings = [f for f in lint_plans(pair) if f.category == "cross-document"]
    expected = _cross_gold()
    missed = [d["quotes"] for d in expected if not any(_matches(f, d, None) for f in findings)]
    assert not missed
    assert all(any(_matches(f, d, None) for d in expected) for f in findings)
    by_doc = {p.document: p for p in pair}
    for f in findings:  # sources are the finding's own document's, related the other one's
        assert all(by_doc[f.document].text[s.start:s.end] == s.text for s in f.sources)
        assert f.related and all(r.document != f.document for r in f.related)
        assert all(by_doc[r.document].text[r.source.start:r.source.end] == r.source.text
                   for r in f.related)
    for d in expected:  # the finding of each gold disagreement points into both documents
        assert any(_matches(f, d, None) and {Path(f.document).name, *(
            Path(r.document).name for r in f.related)} == set(d["documents"])
            for f in findings), d["note"]


def test_a_merged_bureau_against_separate_ones():
    from policyparse.lint.rules.cross_document import functions

    assert functions("市科技和经信局") == {"science-technology", "economy-information"}
    assert functions("市经济信息化和商务局") == {"economy-information", "commerce"}
    assert functions("市自然资源和规划局") == {"natural-resources"}  # 规划局 is no bureau here
    assert functions("市科学技术局") == {"science-technology"}


def test_cross_document_rules_need_the_same_place(plans):
    assert [f for f in lint_plans([plans[(XD[1], "txt")], plans[("004_417ac496b24af2bd", "txt")]])
            if f.category == "cross-document"] == []
    assert [f for f in lint_plan(plans[(XD[0], "txt")]) if f.category == "cross-document"] == []


def test_cross_document_scoring(plans):
    result = score_cross_document(_cross_gold(), [plans[(stem, "txt")] for stem in DOCS])
    s = result.scores["defects"]
    assert result.form == "xdoc" and s.fp == 0 and s.tp == len(_cross_gold())


def _cross_gold() -> list[dict]:
    import json

    return json.loads((CORPUS / "gold" / "cross-document.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("baseline", [
    "截至去年底，全县专项资金投入已累计达3500万元。",
    "目前，全县专项资金投入已达3500万元。",
    "全县现有专项资金投入3500万元。",
])
def test_a_baseline_in_other_words_already_reaches_the_goal(baseline):
    """The baseline is worded unlike the goal (已累计达, 目前…已达, 现有) and carries no date:
    what a plan reports without a date is its present, before any goal."""
    text = (f"某县科技发展规划（2021—2025年）\n一、发展基础\n{baseline}\n二、发展目标\n"
            "到2025年，全县专项资金投入达到3200万元。\n")
    found = lint_plan(parse(text), select(["AM001"]))
    assert len(found) == 1 and "3200万元" in found[0].message


def test_a_national_documents_own_scope_is_no_other_place():
    """全国 in a State Council document names the document's own scope, as 全县 does a county's."""
    text = ("国务院办公厅关于推进科技工作的意见\n国办发〔2019〕1号\n一、总体要求\n"
            "截至去年底，全国专项资金投入已累计达3500万元。到2020年，专项资金投入达到3200万元。\n"
            "国务院办公厅\n2019年1月1日\n")
    assert len(lint_plan(parse(text), select(["AM001"]))) == 1


def test_one_count_given_two_values_is_a_conflict():
    text = ("某县工作方案（2018—2020年）\n一、工作目标\n到2020年，培训人员达到4600人次。\n"
            "二、重点任务\n1.加强培训。2020年底前，培训人员数量超过5520人次。\n")
    assert len(lint_plan(parse(text), select(["CF001"]))) == 1


def _measures(body: str) -> str:
    """A regulation with a dated goal, where a later article may restate it without a date."""
    return ("某市科技创新券管理办法\n第一章 总则\n第一条 为规范科技创新券管理，制定本办法。\n"
            "第二条 到2025年，科技创新券发放额度达到0.5亿元。\n第二章 管理\n" + body + "\n")


@pytest.mark.parametrize("article, slips", [
    ("第八条 市财政安排的科技创新券发放额度不低于500万元。", 1),  # 0.5亿 is 5000万
    ("第八条 市财政安排的科技创新券发放额度不低于5000万元。", 0),
    ("第八条 市财政每年安排的科技创新券发放额度不低于500万元。", 0),  # ten years of it
    ("第八条 2021年科技创新券发放额度不低于500万元。", 0),  # its own date
    ("第八条 对科技创新券发放额度达到500万元以上的单位给予奖励。", 0),  # a threshold
])
def test_an_undated_restatement_is_checked_for_a_unit_slip(article, slips):
    """A rule-like article of a regulation restates the dated goal without a date; the
    extractor keeps no figure for it, yet its unit must agree with the goal's."""
    found = lint_plan(parse(_measures(article)), select(["UN001"]))
    assert len(found) == slips
    assert all("10倍" in f.message and "500万元" in f.message for f in found)


def test_an_undated_goal_of_the_same_unit_is_no_unit_slip():
    """2个 by 2020 and 20个 undated differ tenfold, but in one unit: a conflict, not a slip."""
    text = ("某县工作方案（2018—2020年）\n一、工作目标\n到2020年，建设示范基地2个。\n"
            "二、重点任务\n加强建设。建设示范基地20个。\n")
    assert lint_plan(parse(text), select(["UN001"])) == []


@pytest.mark.parametrize("rate, wrong", [("增长80%", True), ("增长50%", False),
                                         ("年均增长11%", False)])
def test_growth_from_a_dated_base(rate, wrong):
    """由2016年底的12座 … 到2020年的18座: the base carries its own date before its figure."""
    text = f"某县污水治理工作方案\n污水处理厂由2016年底的12座增加到2020年的18座，{rate}。\n"
    assert len(lint_plan(parse(text), select(["AR002"]))) == wrong


@pytest.mark.parametrize("share, wrong", [("占比70%", True), ("占比80%", False)])
def test_share_of_a_count_of_townships(share, wrong):
    """45家乡镇卫生院 is a count of 家 (乡镇 after it is no 家乡)."""
    text = f"某县卫生工作方案\n全县45家乡镇卫生院中，已有36家完成标准化建设，{share}。\n"
    assert len(lint_plan(parse(text), select(["AR003"]))) == wrong


@pytest.mark.parametrize("sentence, wrong", [
    ("全县累计建成污水处理站120座，其中乡镇站58座、村级站40座。", True),  # 98 of 120
    ("全县累计建成污水处理站120座，其中乡镇站58座、村级站62座。", False),
    ("全县累计建成污水处理站120座，其中乡镇站30座、村级站40座。", False),  # some picked out
    ("全县建成污水处理站120座，其中乡镇站58座、村级站40座。", False),  # not stated as a total
])
def test_a_breakdown_that_falls_short_of_its_total(sentence, wrong):
    """After a total stated as such (累计, 共), parts making up most of it are its breakdown and
    must make up all of it."""
    text = f"某县污水治理工作方案\n一、工作基础\n{sentence}\n"
    assert len(lint_plan(parse(text), select(["AR001"]))) == wrong
