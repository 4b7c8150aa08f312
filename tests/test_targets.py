"""Targets (extract/targets.py) on the corpus in every form, and on plans written for each rule."""

from __future__ import annotations

import json
from functools import cache

import pytest
from conftest import CORPUS, assert_spans_exact, gold, seed

from policyparse.cli import main
from policyparse.eval import score_plan
from policyparse.model import Plan
from policyparse.pipeline import parse

FORMS = {"txt": "seeds", "docx": "docx", "pdf": "pdf"}
HEAD = "某县知识产权强县建设工作方案（2024—2026年）\n"


@cache
def corpus_plan(stem: str, form: str) -> Plan:
    return parse(CORPUS / FORMS[form] / f"{stem}.{form}")


def plan(body: str) -> Plan:
    return parse(HEAD + body)


def by_text(p: Plan, needle: str):
    found = [t for t in p.targets if needle in t.source.text]
    assert len(found) == 1, (needle, [t.source.text for t in p.targets])
    return found[0]


@pytest.mark.parametrize("form", FORMS)
def test_corpus_targets(doc_stem, form):
    p = corpus_plan(doc_stem, form)
    result = score_plan(p, gold(doc_stem), form)
    assert result.scores["targets"].f1 >= 0.9
    assert result.accuracies["target_value_deadline"].value >= 0.9
    assert assert_spans_exact(p.targets, p) >= len(p.targets)
    assert [t.id for t in p.targets] == [f"g{i}" for i in range(1, len(p.targets) + 1)]


@pytest.mark.parametrize("form", FORMS)
def test_000_goal_on_invention_patents(form):
    t = by_text(corpus_plan("000_8b7cc7afb4aa70ed", form), "有效发明专利总量达到500件")
    assert (t.value, t.unit, t.comparator, t.deadline, t.deadline_basis) == \
        (500, "件", ">=", 2027, "explicit")
    assert (t.metric, t.metric_key, t.kind, t.task) == \
        ("有效发明专利总量", "invention_patents", "level", None)


def test_parse_json_shows_the_goal_and_the_table_rows(capsys):
    args = ["--format", "json", "--no-blocks"]
    assert main(["parse", str(seed("000_8b7cc7afb4aa70ed")), *args]) == 0
    out = json.loads(capsys.readouterr().out)
    goal = [t for t in out["targets"] if "有效发明专利总量达到500件" in t["source"]["text"]]
    assert [(t["value"], t["unit"], t["comparator"], t["deadline"]) for t in goal] == \
        [(500, "件", ">=", 2027)]
    assert main(["parse", str(seed("003_351026cd5fe6092f")), *args]) == 0
    out = json.loads(capsys.readouterr().out)
    table2 = next(t for t in out["tables"] if t["caption"].startswith("表2"))
    start, end = table2["source"]["start"], table2["source"]["end"]
    rows = [t for t in out["targets"] if start <= t["source"]["start"] < end]
    assert len(rows) == len(table2["rows"]) == 8 and {t["deadline"] for t in rows} == {2025}
    facts = [f for f in out["facts"] if start <= f["source"]["start"] < end]
    assert len(facts) == 8 and {f["as_of"] for f in facts} == {"2020"}


def test_tasks_list_their_targets():
    p = corpus_plan("000_8b7cc7afb4aa70ed", "txt")
    tasks = {t.id: t for t in p.tasks}
    for t in p.targets:
        if t.task_id is not None:
            assert t.id in tasks[t.task_id].targets and tasks[t.task_id].number == t.task
            task = tasks[t.task_id].source
            assert task.start <= t.source.start and t.source.end <= task.end
    task22 = next(t for t in p.tasks if t.number == "22")
    assert [p.targets[int(i[1:]) - 1].value for i in task22.targets] == [2, 2, 100, 30]


def test_several_figures_in_a_clause_are_several_targets():
    p = plan("一、工作目标\n到2026年，新增1个国家知识产权试点园区、1个省级知识产权示范园区，"
             "新增国家级知识产权快速维权中心1家、保护中心分中心2家。\n")
    assert [(t.source.text, t.value, t.kind) for t in p.targets] == [
        ("新增1个国家知识产权试点园区", 1, "increment"), ("1个省级知识产权示范园区", 1, "increment"),
        ("新增国家级知识产权快速维权中心1家", 1, "increment"), ("保护中心分中心2家", 2, "increment")]


def test_ranges_per_year_cumulative_and_ceilings():
    p = plan("一、工作目标\n到2026年，形成2-3个知识产权密集型产业集群，建立专利导航基地（1至3个），"
             "每年新增发明专利50件以上，知识产权质押金额累计超30亿元，侵权案件平均处理周期缩短至2个月，"
             "高价值专利占比提高至30%，有效注册商标量年均增长8%。\n")
    got = {t.metric: t for t in p.targets}
    assert (got["知识产权密集型产业集群"].value, got["知识产权密集型产业集群"].value_max,
            got["知识产权密集型产业集群"].comparator) == (2, 3, "range")
    assert (got["专利导航基地"].value, got["专利导航基地"].value_max) == (1, 3)
    assert got["发明专利"].per_year and got["发明专利"].kind == "increment"
    assert got["知识产权质押金额"].cumulative and got["知识产权质押金额"].metric_key == "ip_pledge_amount"
    assert got["侵权案件平均处理周期"].comparator == "<=" and got["侵权案件平均处理周期"].unit == "个月"
    assert got["高价值专利占比"].kind == "share" and got["有效注册商标量"].kind == "growth_rate"


def test_deadlines_from_the_sentence_the_phase_or_the_period():
    p = plan("一、工作目标\n到2025年，全县有效发明专利拥有量达到500件；有效注册商标量达到3000件。"
             "PCT国际专利申请量达到10件。\n二、重点任务\n1.加强商标品牌建设。2025年底前，新增地理标志商标2件。\n"
             "2.加强宣传。每年举办知识产权培训3次以上。\n")
    got = {t.metric: (t.deadline, t.deadline_basis) for t in p.targets}
    assert got["有效发明专利拥有量"] == got["有效注册商标量"] == (2025, "explicit")
    assert got["PCT国际专利申请量"] == (2026, "period-end")
    assert got["地理标志商标"] == (2025, "explicit")
    assert got["知识产权培训"] == (2026, "per-year")


@pytest.mark.parametrize("body, expected", [
    ("一、工作目标\n为落实《某县知识产权三年行动方案》，组建一支专业队伍，坚持两条主线，"
     "连续三年开展专项行动，对年度发明专利授权量达到10件以上的企业给予奖励，"
     "按照“到2025年专利密集型产业增加值占GDP比重达到13%”的要求，建设知识产权服务网点5个。\n"
     "二、名词解释\n1.高价值发明专利：维持年限超过10年的发明专利。\n"
     "2.专利密集型产业增加值占GDP比重：到2026年达到15%。\n",
     [("建设知识产权服务网点5个", 5), ("2.专利密集型产业增加值占GDP比重：到2026年达到15%", 15)]),
    # conditions, formulas, definitions, glosses and descriptions of the document itself
    ("一、工作目标\n到2026年，全县发明专利授权量达到300件。\n"
     "二、考核指标\n考核指标体系由创造、运用、保护3个方面的指标构成，其中8个指标为约束性指标。"
     "专利转化率=转化专利数/有效专利数×100%。日间诊疗是指在24小时内完成的诊疗。\n"
     "三、重点任务\n1.加大奖励。对年度发明专利授权量达到10件以上的企业，给予每家2万元奖励；"
     "申报企业在3家以下的，采取定向评审。新建大型公共建筑（单体面积2万平方米以上）须取得认证。"
     "允许不超过三分之一的成员由年满18周岁的志愿者担任。\n"
     "2.加强专利运营。建设专利运营中心2家。\n",
     [("全县发明专利授权量达到300件", 300), ("建设专利运营中心2家", 2)]),
])
def test_what_is_not_a_goal(body, expected):
    assert [(t.source.text, t.value) for t in plan(body).targets] == expected


def test_a_goal_in_the_glossary_is_dated():
    p = plan("一、工作目标\n建设知识产权服务网点5个。\n二、名词解释\n"
             "1.高价值发明专利：维持年限超过10年的发明专利。\n"
             "2.专利密集型产业增加值占GDP比重：到2026年达到15%。\n")
    assert p.targets[1].deadline == 2026
    assert p.targets[1].metric_key == "patent_intensive_industry_share"


def test_what_already_is_in_a_goal_section_is_a_fact():
    p = plan("一、工作目标\n截至2023年底，全县已有国家知识产权优势企业3家，到2026年达到6家。\n")
    assert [(t.metric, t.value) for t in p.targets] == [("国家知识产权优势企业", 6)]
    assert [(f.value, f.as_of) for f in p.facts] == [(3, "2023-12")]


def test_a_plan_without_period_or_year_has_no_deadline():
    p = parse("一、目标\n全县发明专利授权量达到100件。\n")
    assert p.meta.period.end is None
    assert [(t.value, t.deadline, t.deadline_basis) for t in p.targets] == [(100, None, "unknown")]


def test_rules_and_time_limits_of_a_regulation_are_not_targets():
    p = parse("某市公共数据共享管理办法\n第一章 总则\n第一条 为规范公共数据共享，制定本办法。\n"
              "第二章 共享\n第八条 数据提供部门应当在5个工作日内完成数据更新，确需延长的，延长期限不超过3个"
              "工作日。\n第九条 数据资源目录每年至少更新1次。\n第十条 申请人对答复有异议的，可以在15日内申请"
              "复核。\n第三章 法律责任\n第二十条 违反本办法规定的，处1万元以上5万元以下罚款。\n"
              "第二十一条 本办法自2021年1月1日起施行，有效期5年。\n")
    assert p.targets == []


def test_a_time_limit_for_a_result_is_a_goal_due_from_the_start():
    p = parse("某市老旧小区改造实施方案\n（2022年3月1日）\n一、工作任务\n（一）加快改造。确保2年内完成全部"
              "改造任务，管线迁改在1—3年内调整到位。\n（二）规范审批。在两年之内对改造项目实行简易审批。\n")
    got = [(t.value, t.value_max, t.unit, t.comparator, t.deadline) for t in p.targets]
    assert got == [(2, None, "年", "<=", 2023), (1, 3, "年", "range", 2024)]


def test_a_listed_set_and_a_single_thing_built_are_exact_counts():
    p = plan("一、工作目标\n选择城东、城西和城南3个片区开展试点，组建1支知识产权服务队伍，"
             "建设2家专利工作站，建成1家省级以上专利培育中心。\n")
    assert [(t.value, t.comparator, t.kind) for t in p.targets] == [
        (3, "=", "count"), (1, "=", "count"), (2, ">=", "count"), (1, ">=", "count")]


def test_corpus_rules_conditions_and_formulas_are_no_targets():
    assert corpus_plan("gwyb-sanji-yiyuan-kaohe-2019", "txt").targets == []  # A/B×100%, 4个方面
    assert corpus_plan("gwy-zimaoqu-cuoshi-2018", "txt").targets == []  # 年满18周岁, 不超过五分之一
    yaopin = corpus_plan("gwyb-yaopin-jicai-shidian-2019", "txt")
    limits = [(t.value, t.comparator) for t in yaopin.targets if t.unit == "年"]
    assert limits == [(1, "<="), (2, "range")]
    assert not any("入围生产企业" in t.source.text for t in yaopin.targets)  # …3家及以上的，采取…


def test_a_yearly_metric_dated_by_its_sentence_is_a_goal_even_in_a_regulation():
    """年度 qualifies the metric; the 到2023年 before it still dates the goal (a regulation's
    figures are goals only when dated)."""
    plan = parse("某州数据管理暂行办法\n第一章 总则\n第一条 为了规范管理，制定本办法。\n"
                 "到2023年，年度专利授权量不少于1200件。\n")
    assert [(t.value, t.deadline, t.per_year) for t in plan.targets] == [(1200, 2023, True)]
