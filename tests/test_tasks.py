"""Task chapters and leaf work items on the corpus and on plans in other layouts."""

from __future__ import annotations

import importlib.util
import tomllib
from functools import cache

import pytest
from conftest import CORPUS, DOCS, FIXTURES, assert_spans_exact, gold
from hypothesis import given, settings
from hypothesis import strategies as st

from policyparse.eval import score_plan
from policyparse.model import Plan
from policyparse.pipeline import parse
from policyparse.structure.tasks import vocabulary

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
    assert assert_spans_exact(plan.tasks, plan.text) == len(plan.tasks)
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


def test_000_tasks_run_from_the_goals_to_the_safeguards():
    """000 names no task chapter (its 第三章 is missing): the tasks are 1.–44. between 发展目标
    and 第四章保障措施; the 1、–9、 definitions of 术语说明 are not tasks."""
    plan = corpus_plan(DOCS[0], "txt")
    assert [t.number for t in plan.tasks] == [str(n) for n in range(1, 45)]
    headings = {h.id: h for h in plan.headings}
    goals = next(h for h in plan.headings if h.title == "发展目标")
    safeguards = next(h for h in plan.headings if h.title == "保障措施")
    assert all(goals.source.end < t.source.start < safeguards.source.start for t in plan.tasks)
    assert not any("术语" in headings[i].title for t in plan.tasks for i in t.path)
    # a task is its whole item: title sentence, body and the 任务目标 clause after it
    twelve = plan.tasks[11]
    assert twelve.source.text.startswith("12. 实施推进知名商标品牌培育工程。")
    assert twelve.title == "实施推进知名商标品牌培育工程"
    assert twelve.body.startswith("实施推进") and "任务目标" in twelve.body


def test_003_sections_without_items_are_tasks():
    plan = corpus_plan(DOCS[2], "txt")
    sections = [t for t in plan.tasks if t.number.startswith("（")]
    assert [(t.number, t.title) for t in sections] == [
        ("（五）", "持续优化知识产权管理体系"), ("（二）", "国家级快维中心服务能力提升工程"),
        ("（四）", "知识产权多元解纷机制健全工程"), ("（六）", "企业海外知识产权布局提升工程"),
        ("（七）", "知识产权服务业集聚区建设工程")]
    labels = {h.id: h.label for h in plan.headings}
    five = sections[0]
    assert five.body.startswith("改革创新知识产权综合管理。")
    assert [labels[i] for i in five.path] == ["三、", "（五）"]
    # 一是 items of （六） sit under the 1./2./3. headings that head them
    culture = [t for t in plan.tasks if labels[t.path[-1]] in ("1.", "2.", "3.")]
    assert [t.number for t in culture] == ["一是", "二是", "三是", "四是", "一是", "二是", "三是",
                                          "一是", "二是", "三是"]
    # 面临形势's 1.–3. items and the 一是… inside its paragraph are outside the task chapters
    assert not any(t.title.startswith("国际知识产权竞争") for t in plan.tasks)


def test_004_tasks_nest_under_their_sections():
    plan = corpus_plan(DOCS[3], "txt")
    labels = {h.id: h.label for h in plan.headings}
    assert [t.number for t in plan.tasks] == [str(n) for n in range(1, 26)]
    assert {labels[t.path[0]] for t in plan.tasks} == {"3、"}
    per_section = [sum(labels[t.path[-1]] == s for t in plan.tasks)
                   for s in ("（一）", "（二）", "（三）", "（四）", "（五）", "（六）")]
    assert per_section == [3, 4, 6, 5, 4, 3]


def test_state_council_opinion_tasks_between_general_requirements_and_implementation():
    """No heading names tasks: they are the run-in （一）–（八） of 二、–五、; 一、总体要求 is the
    preamble and 六、加强组织实施 (with its （九）（十）) the safeguards."""
    plan = fixture_plan("html/govcn_opinion_gbk.html")
    check_contract(plan)
    assert [t.number for t in plan.tasks] == ["（一）", "（二）", "（三）", "（四）", "（五）",
                                              "（六）", "（七）", "（八）"]
    assert plan.tasks[0].title == "培育高价值专利"
    assert all(t.source.text.rstrip("。").endswith("负责）") for t in plan.tasks)
    titles = {h.id: h.title for h in plan.headings}
    assert titles[plan.tasks[-1].path[-1]] == "优化县域知识产权公共服务"


def test_bullets_plan_dashes_boxes_and_section_tasks():
    plan = fixture_plan("bullets_plan.txt")
    check_contract(plan)
    labels = {h.id: h.label for h in plan.headings}
    got = [(t.number, t.title, labels[t.path[-1]]) for t in plan.tasks]
    assert got == [
        ("——", "实施高价值专利培育工程", "（一）"), ("——", "加强商标品牌建设", "（一）"),
        ("——", "推动地理标志运用", "（一）"), ("——", "加大行政执法力度", "（二）"),
        ("——", "健全纠纷化解机制", "（二）"), ("1", "快速维权工程", "专栏2"),
        ("2", "信用监管工程", "专栏2"), ("（三）", "促进知识产权转化运用", "（三）"),
        ("——", "完善公共服务网络", "（四）"), ("——", "加强人才队伍建设", "（四）"),
        ("（1）", "信息服务网点建设", "专栏3"), ("（2）", "专利导航项目", "专栏3")]
    # the section task holds its whole text, the box items stop at the next heading
    assert plan.tasks[7].body.startswith("深化产学研合作") and "县金融服务中心配合" in plan.tasks[7].body
    assert "专栏2" not in plan.tasks[4].source.text


def test_regulation_has_no_task_part():
    """A regulation's articles are not work items of a plan: no task chapter, no preamble or
    safeguards to bound one."""
    plan = fixture_plan("regulation.txt")
    assert plan.headings and plan.tasks == []


def test_sub_items_stay_in_their_task():
    text = "\n".join([
        "三、主要任务", "（一）加强创造", "1.培育高价值专利。围绕主导产业布局。",
        "（1）实施导航项目；", "（2）开展专利挖掘。", "2.加强商标品牌建设。培育区域品牌。",
        "（二）强化保护", "开展执法专项行动。", "四、保障措施", "（一）加强组织领导", "全面加强领导。"])
    plan = parse(text, pipeline=PIPELINE)
    check_contract(plan)
    assert [(t.number, t.title) for t in plan.tasks] == [
        ("1", "培育高价值专利"), ("2", "加强商标品牌建设"), ("（二）", "强化保护")]
    assert plan.tasks[0].body.endswith("（2）开展专利挖掘。")


def test_vocabulary_lists_are_distinct():
    data = tomllib.loads((CORPUS.parent / "policyparse" / "data" / "task_chapters.toml")
                         .read_text(encoding="utf-8"))
    phrases = [p for key in ("task", "preamble", "safeguards") for p in data[key]]
    assert len(phrases) == len(set(phrases))
    vocab = vocabulary()
    # no phrase of one list is found by another list's pattern (保障措施 must not open tasks)
    for key, other in (("task", vocab.safeguards), ("task", vocab.preamble),
                       ("safeguards", vocab.task), ("preamble", vocab.task)):
        assert not [p for p in data[key] if other.search(p)], (key, other.pattern)


LINES = ["一、重点任务", "二、保障措施", "（一）发展目标", "（二）加强保护", "1.加强创造。正文。", "1.标题",
         "2、健全机制；", "一是做事。", "——要点。", "专栏1 工程", "附件", "附件：名单", "第一章 总则",
         "第二节 分节", "3、 任务", "正文段落。", "（1）子项；", "①子项", "第三条 规定。", "表1 指标"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(LINES), min_size=1, max_size=30))
def test_any_mix_of_numbered_lines_keeps_the_contract(lines):
    """Broken or odd numbering never fails the outline or the tasks, nor breaks the spans."""
    plan = parse("\n".join(lines), pipeline=PIPELINE)
    check_contract(plan)
    assert assert_spans_exact(plan.headings, plan.text) == len(plan.headings)
    levels = {h.id: h.level for h in plan.headings}
    assert all(levels[h.parent] < h.level for h in plan.headings if h.parent)
