"""Task chapters and leaf work items on the corpus and on plans in other layouts."""

from __future__ import annotations

import importlib.util
from functools import cache

import pytest
from conftest import CORPUS, DOCS, FIXTURES, assert_spans_exact, gold
from hypothesis import given, settings
from hypothesis import strategies as st

from policyparse.eval import score_plan
from policyparse.model import Plan
from policyparse.pipeline import parse
from policyparse.structure.parts import KINDS, part_kind, phrases

FORMS = {"txt": "seeds", "docx": "docx", "pdf": "pdf"}
PIPELINE = ["outline", "tasks"]


@cache
def corpus_plan(stem: str, form: str) -> Plan:
    if form != "txt" and importlib.util.find_spec(f"policyparse.load.{form}") is None:
        pytest.skip(f"no {form} loader yet (policyparse/load/{form}.py)")
    return parse(CORPUS / FORMS[form] / f"{stem}.{form}", pipeline=PIPELINE)


def fixture_plan(name: str) -> Plan:
    return parse(FIXTURES / name, pipeline=PIPELINE)


def check_contract(plan: Plan) -> None:
    """Spans exact, ids in order, paths made of real headings, bodies and titles from the text."""
    assert assert_spans_exact(plan.tasks, plan) == len(plan.tasks)
    ids = {h.id for h in plan.headings}
    assert [t.id for t in plan.tasks] == [f"t{i}" for i in range(1, len(plan.tasks) + 1)]
    assert [t.source.start for t in plan.tasks] == sorted(t.source.start for t in plan.tasks)
    for t in plan.tasks:
        assert set(t.path) <= ids
        assert t.title and t.title in t.source.text
        assert t.body in t.source.text


@pytest.mark.parametrize("form", FORMS)
def test_corpus_tasks(doc_stem, form):
    plan = corpus_plan(doc_stem, form)
    assert score_plan(plan, gold(doc_stem), form).scores["tasks"].f1 >= 0.95
    check_contract(plan)


@pytest.mark.parametrize("form", ["docx", "pdf"])
def test_docx_and_pdf_tasks_within_002_of_txt(doc_stem, form):
    txt = score_plan(corpus_plan(doc_stem, "txt"), gold(doc_stem), "txt").scores["tasks"].f1
    other = score_plan(corpus_plan(doc_stem, form), gold(doc_stem), form).scores["tasks"].f1
    assert abs(other - txt) <= 0.02


def test_000_tasks_run_from_the_goals_through_the_safeguards():
    """000 names no task chapter (its 第三章 is missing): the tasks are 1.–44. after 发展目标 and
    the four sections of 第四章保障措施; the 1、–9、 definitions of 术语说明 are not tasks."""
    plan = corpus_plan(DOCS[0], "txt")
    assert [t.number for t in plan.tasks] == [str(n) for n in range(1, 45)] + [
        "第一节", "第二节", "第三节", "第四节"]
    headings = {h.id: h for h in plan.headings}
    goals = next(h for h in plan.headings if h.title == "发展目标")
    assert all(goals.source.end < t.source.start for t in plan.tasks)
    assert [headings[t.path[0]].title for t in plan.tasks[-4:]] == ["保障措施"] * 4
    assert not any("术语" in headings[i].title for t in plan.tasks for i in t.path)
    # a task is its whole item: title sentence, body and the 任务目标 clause after it
    twelve = plan.tasks[11]
    assert twelve.source.text.startswith("12. 实施推进知名商标品牌培育工程。")
    assert twelve.title == "实施推进知名商标品牌培育工程"
    assert twelve.body.startswith("实施推进") and "任务目标" in twelve.body


def test_003_sections_without_items_are_tasks():
    plan = corpus_plan(DOCS[2], "txt")
    labels = {h.id: h.label for h in plan.headings}
    starts = {h.id: h.source.start for h in plan.headings}
    sections = [t for t in plan.tasks if t.source.start == starts[t.path[-1]]]
    assert [(t.number, t.title) for t in sections] == [
        ("五", "持续优化知识产权管理体系"), ("二", "国家级快维中心服务能力提升工程"),
        ("四", "知识产权多元解纷机制健全工程"), ("六", "企业海外知识产权布局提升工程"),
        ("七", "知识产权服务业集聚区建设工程"),
        # 五、实施保障: each of its sections is a task
        ("一", "加强组织领导"), ("二", "加强系统谋划"), ("三", "健全政策法规"),
        ("四", "加强经费保障"), ("五", "强化考核评价")]
    five = sections[0]
    assert five.body.startswith("改革创新知识产权综合管理。")
    assert [labels[i] for i in five.path] == ["三、", "（五）"]
    # 一是 items of （六） sit under the 1./2./3. headings that head them
    culture = [t for t in plan.tasks if labels[t.path[-1]] in ("1.", "2.", "3.")]
    assert [t.number for t in culture] == ["一是", "二是", "三是", "四是", "一是", "二是", "三是",
                                          "一是", "二是", "三是"]
    # 面临形势's 1.–3. items and the 一是… inside its paragraph are outside the work
    assert not any(t.title.startswith("国际知识产权竞争") for t in plan.tasks)
    assert not any(labels[t.path[0]] in ("一、", "二、") for t in plan.tasks)


def test_004_tasks_nest_under_their_sections():
    plan = corpus_plan(DOCS[3], "txt")
    labels = {h.id: h.label for h in plan.headings}
    titles = {h.id: h.title for h in plan.headings}
    assert [t.number for t in plan.tasks][:25] == [str(n) for n in range(1, 26)]
    assert {labels[t.path[0]] for t in plan.tasks[:25]} == {"3、"}
    per_section = [sum(labels[t.path[-1]] == s for t in plan.tasks[:25])
                   for s in ("（一）", "（二）", "（三）", "（四）", "（五）", "（六）")]
    assert per_section == [3, 4, 6, 5, 4, 3]
    # the safeguards and the schedule (五、时序进度) are work too, a task per section
    assert [(titles[t.path[0]], t.number) for t in plan.tasks[25:]] == [
        ("保障措施", n) for n in "一二三四"] + [("时序进度", n) for n in "一二三四"]


def test_state_council_opinion_tasks_after_general_requirements():
    """No heading names tasks: they are the run-in （一）–（十） of 二、–六、; 一、总体要求 is the
    preamble and 六、加强组织实施 (with its （九）（十）) is work like the rest."""
    plan = fixture_plan("html/govcn_opinion_gbk.html")
    check_contract(plan)
    assert [t.number for t in plan.tasks] == ["一", "二", "三", "四", "五", "六", "七", "八",
                                              "九", "十"]
    assert plan.tasks[0].title == "培育高价值专利"
    assert all(t.source.text.rstrip("。").endswith("负责）") for t in plan.tasks[:8])
    titles = {h.id: h.title for h in plan.headings}
    assert titles[plan.tasks[7].path[-1]] == "优化县域知识产权公共服务"


def test_bullets_plan_dashes_boxes_and_section_tasks():
    plan = fixture_plan("bullets_plan.txt")
    check_contract(plan)
    labels = {h.id: h.label for h in plan.headings}
    got = [(t.number, t.title, labels[t.path[-1]]) for t in plan.tasks]
    assert got == [
        ("——", "实施高价值专利培育工程", "（一）"), ("——", "加强商标品牌建设", "（一）"),
        ("——", "推动地理标志运用", "（一）"), ("——", "加大行政执法力度", "（二）"),
        ("——", "健全纠纷化解机制", "（二）"), ("1", "快速维权工程", "专栏2"),
        ("2", "信用监管工程", "专栏2"), ("三", "促进知识产权转化运用", "（三）"),
        ("——", "完善公共服务网络", "（四）"), ("——", "加强人才队伍建设", "（四）"),
        ("1", "信息服务网点建设", "专栏3"), ("2", "专利导航项目", "专栏3"),
        ("一", "加强组织领导", "（一）"), ("二", "强化资金保障", "（二）")]
    # the section task holds its whole text, the box items stop at the next heading
    assert plan.tasks[7].body.startswith("深化产学研合作") and "县金融服务中心配合" in plan.tasks[7].body
    assert "专栏2" not in plan.tasks[4].source.text
    # the goals' box (专栏1 主要指标) belongs to the goals section: its items are no tasks
    assert not any(t.title.startswith("每万人口") for t in plan.tasks)


def test_regulation_has_no_task_part():
    """A regulation's articles are not work items of a plan: no task chapter, no preamble or
    safeguards to bound one."""
    plan = fixture_plan("regulation.txt")
    assert plan.headings and plan.tasks == []


def test_a_measures_document_named_as_a_rule_kind_has_no_tasks():
    """An 办法 states rules even when its items are numbered 一、 二、 rather than 第X条."""
    text = "\n".join(["某市专利资助办法", "一、资助对象", "本市企业和个人。",
                      "二、资助标准", "每件发明专利资助3000元。"])
    plan = parse(text, pipeline=["meta", "outline", "tasks"])
    assert plan.meta.doc_type.endswith("办法") and plan.tasks == []


def test_run_in_paragraph_with_items_heads_them():
    """A run-in item with numbered items beneath is a heading (GOLD.md), and the items are the
    tasks; the items of the run-in enumeration in a paragraph are tasks too."""
    text = "\n".join([
        "三、主要任务", "（一）加强创造", "1.培育高价值专利。围绕主导产业布局。",
        "（1）实施导航项目；", "（2）开展专利挖掘。", "2.加强商标品牌建设。培育区域品牌。",
        "（二）强化保护", "开展执法专项行动：一是严查商标侵权；二是打击专利假冒；三是规范展会秩序。",
        "四、保障措施", "（一）加强组织领导", "全面加强领导。"])
    plan = parse(text, pipeline=PIPELINE)
    check_contract(plan)
    assert [(t.number, t.title) for t in plan.tasks] == [
        ("1", "实施导航项目"), ("2", "开展专利挖掘"), ("2", "加强商标品牌建设"),
        ("一是", "严查商标侵权"), ("二是", "打击专利假冒"), ("三是", "规范展会秩序"),
        ("一", "加强组织领导")]
    assert [h.label for h in plan.headings] == ["三、", "（一）", "1.", "（二）", "四、", "（一）"]


def test_notice_whose_body_is_a_list_of_measures():
    """A notice with full-width 1． items, no task chapter and 牵头考核单位 lines: every item after
    the case for acting is a task, and the attachment list is not."""
    text = "\n".join([
        "某省人民政府办公厅关于做好秋冬季农田水利建设的通知", "各市人民政府，省政府各部门：",
        "为做好今冬明春农田水利建设，现就有关事项通知如下。",
        "一、充分认识做好农田水利建设的重要意义", "农田水利是农业稳产的基础。",
        "二、突出建设重点", "1．加快灌区改造。完成大中型灌区节水改造。", "牵头考核单位：省水利厅",
        "2．推进高效节水灌溉。新增高效节水灌溉面积。", "牵头考核单位：省农业农村厅",
        "三、强化要素保障", "1．落实建设资金。各地要足额安排资金。",
        "2．加强督导检查。省里将组织专项督查。", "附件：1．重点项目表", "2．进度安排表"])
    plan = parse(text, pipeline=["meta", "outline", "tasks"])
    check_contract(plan)
    assert [(t.number, t.title) for t in plan.tasks] == [
        ("1", "加快灌区改造"), ("2", "推进高效节水灌溉"), ("1", "落实建设资金"), ("2", "加强督导检查")]


def test_definitions_and_scope_parts_have_no_tasks():
    text = "\n".join([
        "一、总体要求", "（一）工作目标。到2025年基本建成评价体系。", "二、指标体系",
        "（一）服务质量。服务质量是医院的核心。", "（二）运行效率。效率体现管理水平。",
        "三、实施范围和对象", "（一）试点城市。直辖市和省会城市。", "四、重点工作",
        "（一）建设信息系统。年底前建成。", "（二）开展年度考核。每年考核一次。"])
    plan = parse(text, pipeline=PIPELINE)
    assert [t.title for t in plan.tasks] == ["建设信息系统", "开展年度考核"]


def test_part_vocabularies_are_distinct():
    """No phrase names two kinds of part (保障措施 must not read as a preamble)."""
    listed = [(kind, p) for kind in KINDS for p in phrases(kind)]
    assert len({p for _, p in listed}) == len(listed)
    assert all(part_kind(p) == kind for kind, p in listed)


LINES = ["一、重点任务", "二、保障措施", "（一）发展目标", "（二）加强保护", "1.加强创造。正文。", "1.标题",
         "2、健全机制；", "一是做事。", "——要点。", "专栏1 工程", "附件", "附件：名单", "第一章 总则",
         "第二节 分节", "3、 任务", "正文段落。", "（1）子项；", "①子项", "第三条 规定。", "表1 指标"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(LINES), min_size=1, max_size=30))
def test_any_mix_of_numbered_lines_keeps_the_contract(lines):
    """Broken or odd numbering never fails the outline or the tasks, nor breaks the spans."""
    plan = parse("\n".join(lines), pipeline=PIPELINE)
    check_contract(plan)
    assert assert_spans_exact(plan.headings, plan) == len(plan.headings)
    levels = {h.id: h.level for h in plan.headings}
    assert all(levels[h.parent] < h.level for h in plan.headings if h.parent)


def test_emergency_plan_with_decimal_sections():
    """1 总则 / 1.1 编制目的 / 3.1.1 监测: levels from the depth of each decimal, 总则 is the
    preamble, and the leaf sections of the rest are the work."""
    text = "\n".join([
        "某市突发环境事件应急预案", "1 总则", "1.1 编制目的", "为健全应对机制，制定本预案。",
        "1.2 适用范围", "本预案适用于本市行政区域。", "2 组织指挥体系", "2.1 市级指挥机构",
        "市生态环境局负责组织指导应对工作。", "3 监测预警", "3.1 监测和风险分析", "3.1.1 监测",
        "加强日常监测。", "3.1.2 风险分析", "开展风险分析。", "3.2 预警", "及时发布预警信息。",
        "4 附则", "4.1 预案解释", "本预案由市生态环境局负责解释。"])
    plan = parse(text, pipeline=PIPELINE)
    check_contract(plan)
    assert [(h.label, h.level) for h in plan.headings] == [
        ("1", 1), ("1.1", 2), ("1.2", 2), ("2", 1), ("2.1", 2), ("3", 1), ("3.1", 2),
        ("3.1.1", 3), ("3.1.2", 3), ("3.2", 2), ("4", 1), ("4.1", 2)]
    assert [t.title for t in plan.tasks] == ["市级指挥机构", "监测", "风险分析", "预警"]
