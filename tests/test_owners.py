"""Owner clauses → Task.lead / Task.responsible / Task.owners (the ``owners`` component).

The component is tested alone: tasks are placed from the gold task quotes (or from the fixture's
numbered lines), so a change in the tasks component cannot hide or fake an owners result.
"""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest
import regex
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from policyparse.eval import squash
from policyparse.model import Heading, Plan, Task
from policyparse.pipeline import DEFAULT_PIPELINE, get_component, parse
from policyparse.structure.agencies import registry
from policyparse.structure.owners import (declares_first_lead, duty_owners, find_owners, owners,
                                          resolve)

from conftest import CORPUS, DOCS, FIXTURES, assert_spans_exact, gold


def _task_at(plan: Plan, start: int, end: int | None = None, **kw) -> Task:
    """A task from ``start`` to the end of its line (the corpus items are one paragraph)."""
    if end is None:
        end = plan.text.find("\n", start)
        end = len(plan.text) if end < 0 else end
    return Task(id=kw.pop("id", f"t{start}"), number=kw.pop("number", "1"),
                title=kw.pop("title", ""), source=plan.span(start, end), **kw)


def _plan_with_gold_tasks(path, stem: str) -> tuple[Plan, list[dict]]:
    plan = parse(path, pipeline=[])
    tasks, pos = [], 0
    for g in gold(stem)["tasks"]:  # quotes match ignoring whitespace, as the scorer does
        quote = regex.compile(r"\s*".join(map(regex.escape, squash(g["quote"]))))
        m = quote.search(plan.text, pos)
        assert m, g["quote"]
        tasks.append(_task_at(plan, m.start(), number=g["number"]))
        pos = m.start() + 1
    plan.tasks = tasks
    return plan, gold(stem)["tasks"]


def _roles(text: str) -> list[tuple[str, str]]:
    return [(role, text[a:b]) for role, a, b in find_owners(text, 0, len(text))]


# --- the forms of the issue, each with what the clause says -----------------------------------

L, R = "lead", "responsible"


@pytest.mark.parametrize("text,expected", [
    ("（牵头单位：市科技局，责任单位：市发改委、市经商局、市市场监管局）",
     [(L, "市科技局"), (R, "市发改委"), (R, "市经商局"), (R, "市市场监管局")]),
    ("〔责任单位：市市场监管局（知识产权局）、市公安局牵头，市知识产权战略实施工作领导小组其他成员单位，"
     "各镇（园区、街道）按职责分工负责〕",
     [(L, "市市场监管局（知识产权局）"), (L, "市公安局"),
      (R, "市知识产权战略实施工作领导小组其他成员单位"), (R, "各镇（园区、街道）")]),
    ("（市科技局牵头，市财政局配合）", [(L, "市科技局"), (R, "市财政局")]),
    ("(县科技局牵头,县财政局配合)", [(L, "县科技局"), (R, "县财政局")]),
    ("（市科技局负责）", [(L, "市科技局")]),  # a sole unit named for the task leads it
    ("（市科技局、市财政局按职责分工负责）", [(R, "市科技局"), (R, "市财政局")]),
    ("【牵头单位：县科技局】", [(L, "县科技局")]),
    ("（国家发展改革委、工业和信息化部按职责分工负责）",
     [(R, "国家发展改革委"), (R, "工业和信息化部")]),
    ("（科技部牵头，财政部等按职责分工负责）", [(L, "科技部"), (R, "财政部")]),
    ("（牵头单位：县科技局；配合单位：县财政局和县市场监管局；完成时限：2025年底）",
     [(L, "县科技局"), (R, "县财政局"), (R, "县市场监管局")]),
    ("（市人力资源和社会保障局、市文化和旅游局负责）",
     [(R, "市人力资源和社会保障局"), (R, "市文化和旅游局")]),
    ("（市科技局牵头，2025年底前完成）", [(L, "市科技局")]),
])
def test_bracketed_clause_forms(text, expected):
    assert _roles("推进知识产权保护工作。" + text) == [(r, n) for r, n in expected]


@pytest.mark.parametrize("text,expected", [
    # a sole unit named for the task leads; several named share it
    ("（省商务厅、省财政厅负责）", [(R, "省商务厅"), (R, "省财政厅")]),
    ("（负责部门：海关总署）", [(L, "海关总署")]),
    ("（负责部门：人民银行、外汇局，适用范围：试点地区）", [(R, "人民银行"), (R, "外汇局")]),
    ("（责任部门：区教育局；完成时限：2026年）", [(R, "区教育局")]),  # 责任…: responsible
    ("（区教育局负责，区财政局配合）", [(L, "区教育局"), (R, "区财政局")]),
    ("（区教育局按职责分工负责）", [(R, "区教育局")]),
    # X会同Y: X leads, Y shares, however many on each side
    ("（民政部会同有关部门负责）", [(L, "民政部"), (R, "有关部门")]),
    ("（民政部、财政部会同有关部门负责）", [(L, "民政部"), (L, "财政部"), (R, "有关部门")]),
    # 等 is dropped; a unit after it is listed as written
    ("（人民银行等部门负责）", [(R, "人民银行"), (R, "部门")]),
    ("（水利部牵头，财政部等有关部门按职责分工负责）",
     [(L, "水利部"), (R, "财政部"), (R, "有关部门")]),
    ("（支持高等学校开展试点）", []),  # 等 inside a word splits nothing
    ("（县农业农村局为牵头单位，县林业局为配合单位）", [(L, "县农业农村局"), (R, "县林业局")]),
    ("（市交通运输局牵头组织实施，市公安局参与）", [(L, "市交通运输局"), (R, "市公安局")]),
    ("（主管单位负责）", []),  # a role, not a unit
    # a role marked after the unit
    ("（责任单位：区教育局（牵头）、区财政局、区人社局）",
     [(L, "区教育局"), (R, "区财政局"), (R, "区人社局")]),
    ("（区教育局、区财政局（配合单位）负责）", [(L, "区教育局"), (R, "区财政局")]),
    ("（责任单位：区市场监管局（知识产权局））", [(R, "区市场监管局（知识产权局）")]),
])
def test_role_resolution(text, expected):
    assert _roles("完善养老服务体系。" + text) == expected


def test_document_declares_the_first_listed_unit_lead():
    text = ("各项任务的责任单位中，排在第一位的部门为牵头部门。\n"
            "1.完善服务网络。（区民政局、区卫生健康局、各街道负责）\n"
            "2.加强队伍建设。责任单位：区人社局、区民政局\n"
            "3.强化资金保障。（区财政局牵头，区民政局、区审计局配合）\n"
            "4.开展督查。（区政府办负责）\n")
    assert declares_first_lead(text) and not declares_first_lead(text[26:])
    got = [find_owners(text, m.start(), m.end(), first_lead=True)
           for m in regex.finditer(r"(?m)^\d.*$", text)]
    named = [[(r, text[a:b]) for r, a, b in owners] for owners in got]
    assert named == [[(L, "区民政局"), (R, "区卫生健康局"), (R, "各街道")],
                     [(L, "区人社局"), (R, "区民政局")],
                     [(L, "区财政局"), (R, "区民政局"), (R, "区审计局")],  # declared lead wins
                     [(L, "区政府办")]]
    assert declares_first_lead("（列第一位者为牵头单位）")
    assert not declares_first_lead("排在第一位的是技术创新，其次是人才培养。")


@pytest.mark.parametrize("text,expected", [
    ("加强保护。\n牵头考核单位：市市场监管局", [(L, "市市场监管局")]),
    ("加强保护。牵头单位：市科技局\n责任单位：市财政局、市税务局",
     [(L, "市科技局"), (R, "市财政局"), (R, "市税务局")]),
    ("加强保护。由市科技局负责。", [(L, "市科技局")]),
    ("加强保护。由市科技局牵头，市财政局配合组织实施。", [(L, "市科技局"), (R, "市财政局")]),
])
def test_unbracketed_clause_forms(text, expected):
    assert _roles(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("加强监管。\n【牵头单位】县卫生健康局 【配合单位】县医保局、县市场监管局（知识产权局）",
     [(L, "县卫生健康局"), (R, "县医保局"), (R, "县市场监管局（知识产权局）")]),
    ("加强监管。县卫生健康局牵头，县医保局配合。", [(L, "县卫生健康局"), (R, "县医保局")]),
    ("加强监管。县卫生健康局负责。", [(L, "县卫生健康局")]),
    # a sentence ending in a role word is a clause only when it says nothing else
    ("加强监管，此项工作仍由县卫生健康局具体负责。", []),
    ("各地要加强统筹协调，形成工作合力，密切配合。", []),
    ("明确审核部门（以下统称审核机构）。县人民政府部门、乡镇人民政府按规定执行。", []),  # no label
])
def test_bare_label_and_sentence_clauses(text, expected):
    assert _roles(text) == expected


@pytest.mark.parametrize("text", [
    "市市场监管局联合市司法局开展知识产权执法专项行动。",
    "推进产学研合作（由企业牵头，高校参与）。",
    "完成平台建设（2025年底前完成）。",
    "组长由市人民政府市长担任，负责全面工作。",
    "挂靠在市市场监管局(知识产权局),负责知识产权的日常工作。",
    "由市科技局牵头组织专家评审。",
])
def test_prose_names_no_owner(text):
    assert _roles(text) == []


# --- the corpus, every form ---------------------------------------------------------------------

FORM_DIRS = {"txt": ("seeds", "txt"), "docx": ("docx", "docx"), "pdf": ("pdf", "pdf")}


@pytest.mark.parametrize("form", ["txt", "docx", "pdf"])
@pytest.mark.parametrize("stem", DOCS)
def test_corpus_owners_match_gold(stem, form):
    folder, ext = FORM_DIRS[form]
    plan, gold_tasks = _plan_with_gold_tasks(CORPUS / folder / f"{stem}.{ext}", stem)
    plan = owners(plan)
    for g, t in zip(gold_tasks, plan.tasks, strict=True):
        assert [squash(n) for n in t.lead] == [squash(n) for n in g["lead"]], g["quote"]
        assert [squash(n) for n in t.responsible] == [squash(n) for n in g["responsible"]], \
            g["quote"]
    assert_spans_exact(plan.tasks, plan)


def test_owner_spans_names_and_agencies():
    plan, _ = _plan_with_gold_tasks(CORPUS / "seeds" / "004_417ac496b24af2bd.txt",
                                    "004_417ac496b24af2bd")
    plan = owners(plan)
    owned = [o for t in plan.tasks for o in t.owners]
    assert owned and assert_spans_exact(owned, plan) == len(owned)
    for o in owned:
        assert o.name == o.source.text  # the corpus names are on one line: as written, exactly
        assert o.agency is not None and o.agency == registry().match(o.name).id
    ids = {o.name: o.agency for o in owned}
    assert ids["市市场监管局（知识产权局）"] == "city:market-regulation"
    assert ids["各镇（园区、街道）"] == "towns"


# --- a State Council page: ministries, 总局, 等 ------------------------------------------------

def test_state_council_clauses():
    plan = parse(FIXTURES / "html" / "govcn_opinion_gbk.html", pipeline=[])
    plan.tasks = [_task_at(plan, m.start(), number=m.group(1), id=f"t{i}")
                  for i, m in enumerate(regex.finditer(r"(?m)^（([一二三四五六七八九十]+)）",
                                                       plan.text))]
    assert len(plan.tasks) == 10
    by_number = {t.number: t for t in owners(plan).tasks}
    assert by_number["一"].lead == [] and by_number["一"].responsible == ["国家知识产权局", "科技部"]
    assert by_number["三"].lead == ["国家知识产权局"]
    assert by_number["三"].responsible == ["教育部", "科技部", "工业和信息化部"]
    assert by_number["四"].responsible[:2] == ["金融监管总局", "中国人民银行"]
    assert (by_number["七"].lead, by_number["七"].responsible) == (["国家知识产权局"], [])
    assert by_number["九"].lead == ["各省级人民政府"]
    assert by_number["十"].lead == ["国家知识产权局"] and by_number["十"].responsible == ["各有关部门"]
    # The body of 十 says 国家知识产权局要会同有关部门…: prose, not a second clause.
    assert len(by_number["十"].owners) == 2
    for t in by_number.values():
        assert t.owners, t.number
        for o in t.owners:
            assert o.agency is not None, o.name
            if o.name.endswith(("部", "总局")) or o.name.startswith("国家"):
                assert o.agency.startswith("national:"), (o.name, o.agency)


# --- placement: lines after the item, clauses stated once for a section ------------------------

SECTIONED = """（一）加强知识产权创造（牵头单位：县科技局；责任单位：县财政局）
1.培育高价值专利。建设培育中心。
2.推进商标品牌建设。（县市场监管局牵头，县商务局配合）
（二）强化保护
3.开展专项执法。
牵头单位：县市场监管局
责任单位：县公安局、县司法局
4.建设维权中心。
"""


def test_section_clause_is_inherited_and_owner_lines_attach():
    plan = parse(SECTIONED, pipeline=[])
    lines = [(m.start(), m.group()) for m in regex.finditer(r"(?m)^.+$", plan.text)]
    heads = [Heading(id=f"h{k}", level=1, label=text[:3], title=text[3:],
                     source=plan.span(at, at + len(text))) for k, (at, text) in
             enumerate(x for x in lines if x[1].startswith("（"))]
    items = [x for x in lines if x[1][0].isdigit()]
    plan.headings = heads
    plan.tasks = [_task_at(plan, at, number=text[0], id=f"t{text[0]}",
                           path=["h0" if int(text[0]) <= 2 else "h1"]) for at, text in items]
    t1, t2, t3, t4 = owners(plan).tasks
    assert (t1.lead, t1.responsible) == (["县科技局"], ["县财政局"])  # inherited from （一）
    assert (t2.lead, t2.responsible) == (["县市场监管局"], ["县商务局"])  # its own clause wins
    assert (t3.lead, t3.responsible) == (["县市场监管局"], ["县公安局", "县司法局"])
    assert (t4.lead, t4.responsible) == ([], [])  # nothing stated: nothing invented
    assert t1.owners[0].source.text == "县科技局" and t1.owners[0].source.line == 1
    assert_spans_exact(plan.tasks, plan)


def _placed(text: str, heading: str, item: str) -> Plan:
    """A plan of ``text`` whose headings are the lines matching ``heading`` and whose tasks are
    the runs matching ``item`` (each to the next item, heading or line end), each task beneath
    the last heading before it."""
    plan = parse(text, pipeline=[])
    heads = [m for m in regex.finditer(f"(?m)^{heading}.*$", text)]
    plan.headings = [Heading(id=f"h{k}", level=1, label="", title=m.group(),
                             source=plan.span(m.start(), m.end())) for k, m in enumerate(heads)]
    tasks = []
    for k, m in enumerate(regex.finditer(item, text)):
        line_end = text.find("\n", m.start())
        nxt = regex.compile(item).search(text, m.end())
        end = min(line_end if line_end >= 0 else len(text), nxt.start() if nxt else len(text))
        path = [f"h{j}" for j, h in enumerate(heads) if h.start() < m.start()][-1:]
        tasks.append(_task_at(plan, m.start(), end, number=m.group(), id=f"t{k}", path=path))
    plan.tasks = tasks
    return plan


def _owned(plan: Plan) -> list[tuple[list[str], list[str]]]:
    return [(t.lead, t.responsible) for t in owners(plan).tasks]


GROUPED = """（一）完善服务网络
①建设社区养老服务站；②推进医养结合；③发展老年助餐服务。
责任单位：区民政局、区卫生健康局
④推广智慧养老。（区科技局负责）
⑤培育养老服务企业。
⑥规范养老机构收费。
【牵头部门】区市场监管局
（二）加强队伍建设
⑦开展护理员培训。
"""


def test_owner_line_after_a_group_owns_the_group_and_no_neighbour():
    plan = _placed(GROUPED, "（[一二]）", "[①-⑦]")
    assert _owned(plan) == [
        ([], ["区民政局", "区卫生健康局"]), ([], ["区民政局", "区卫生健康局"]),
        ([], ["区民政局", "区卫生健康局"]),
        (["区科技局"], []),  # its own clause, and the group before it ended with its line
        (["区市场监管局"], []), (["区市场监管局"], []),  # 【牵头部门】 after ⑤⑥
        ([], [])]  # another section: nothing inherited across the heading
    assert_spans_exact(plan.tasks, plan)


def test_clause_closing_a_paragraph_of_run_in_items_owns_them():
    text = ("三、重点任务\n一是摸清底数；二是建立台账；三是完成整改。（县住建局牵头，县自然资源局配合）\n"
            "四是加强宣传。\n")
    plan = _placed(text, "三、", "[一二三四]是")
    assert _owned(plan) == [(["县住建局"], ["县自然资源局"])] * 3 + [([], [])]


def test_only_an_item_of_its_own_line_keeps_an_inline_clause():
    text = "三、重点任务\n1.摸清底数。\n2.完成整改。（县住建局负责）\n"
    assert _owned(_placed(text, "三、", r"\d\.")) == [([], []), (["县住建局"], [])]


def test_task_division_table_columns():
    text = ("某县工作方案\n三、重点任务\n\t序号\n\t重点任务\n\t牵头单位\n\t配合单位\n\t完成时限\n\n"
            "\t1\n\t加强专利培育\n\t县科技局\n\t县财政局、县市场监管局\n\t2025年\n\n"
            "\t2\n\t开展执法行动\n\t县市场监管局\n\t县公安局\n\t长期\n")
    plan = parse(text, pipeline=[])
    (table,) = plan.tables
    plan.tasks = [_task_at(plan, row[1].source.start, row[1].source.end, id=f"t{k}")
                  for k, row in enumerate(table.rows)]
    assert _owned(plan) == [(["县科技局"], ["县财政局", "县市场监管局"]),
                            (["县市场监管局"], ["县公安局"])]
    assert_spans_exact(plan.tasks, plan)


@pytest.mark.parametrize("text,expected", [
    ("国家医保局负责制定试点方案。", [(L, "国家医保局")]),
    ("国家医保局要会同有关部门，加强监测。", [(L, "国家医保局"), (R, "有关部门")]),
    ("国家医保局要会同有关部门加强监测。", [(L, "国家医保局"), (R, "有关部门")]),
    ("医疗机构作为药款结算第一责任人，应及时结算。", [(L, "医疗机构")]),
    ("财政部承担资金保障职责；教育部负责师资培训。", [(R, "财政部"), (R, "教育部")]),
    ("请民政部会同有关部门抓紧落实。", [(L, "民政部"), (R, "有关部门")]),
    ("由民政部会同财政部、税务总局等部门制定办法。",
     [(L, "民政部"), (R, "财政部"), (R, "税务总局"), (R, "部门")]),
    ("民政部会同试点城市抓紧落实。", []),  # 试点城市 is no unit
    ("国家医保局要加强监测。", []),  # a mere subject
    ("财政部为保障资金安全落实监管责任。", []),  # 为 of purpose
    ("成员由教育部等部门负责同志组成。", []),  # 负责同志: people
    ("宣传工作仍由法规处具体负责。", []),  # the subject is a phrase, not a known unit
    ("主管单位负责推进、指导、协调政务新媒体工作。", []),  # a role, not a unit
])
def test_owners_named_in_sentences(text, expected):
    text = "（二）明确部门职责。" + text
    assert [(r, text[a:b]) for r, a, b in resolve(text, duty_owners(text, 0, len(text)))] \
        == expected


def test_sentences_name_owners_only_where_no_clause_does():
    text = ("五、组织实施\n（一）加强指导。国家医保局负责统筹协调。\n"
            "（二）强化督查。国家医保局负责督促检查。（审计署牵头，财政部配合）\n")
    assert _owned(_placed(text, "五、", "（[一二]）")) == [(["国家医保局"], []),
                                                       (["审计署"], ["财政部"])]


def test_registered_after_tasks_in_the_default_pipeline():
    assert DEFAULT_PIPELINE.index("owners") > DEFAULT_PIPELINE.index("tasks")
    assert get_component("owners") is owners


# --- property: whatever units a clause lists, the splitter gives them back --------------------

_REGISTRY = tomllib.loads(resources.files("policyparse").joinpath("data/agencies.toml")
                          .read_text(encoding="utf-8"))
_UNITS = sorted({n for e in _REGISTRY["agency"] for n in (e["name"], *e.get("aliases", []))
                 if len(n) >= 3 and not n.startswith("国家")})
# A level prefix before a collective (各镇…) is not Chinese; those stand alone.
_NAMES = st.one_of(
    st.builds("{}{}".format, st.sampled_from(["", "市", "县", "区", "宜兴市"]),
              st.sampled_from([u for u in _UNITS if not u.startswith("各")])),
    st.sampled_from([u for u in _UNITS if u.startswith("各")]))


@settings(max_examples=200, deadline=None)
@given(st.lists(_NAMES, min_size=1, max_size=4, unique=True),
       st.lists(_NAMES, min_size=1, max_size=4, unique=True),
       st.sampled_from(["〔责任单位：{l}牵头，{r}按职责分工负责〕", "（{l}牵头，{r}配合）",
                        "（牵头单位：{l}；责任单位：{r}）", "由{l}牵头，{r}配合。"]))
def test_listed_units_come_back_in_order(lead, resp, template):
    assume(not set(lead) & set(resp))
    clause = template.format(l="、".join(lead), r="、".join(resp))
    assert _roles("推进工作。" + clause) == [(L, n) for n in lead] + [(R, n) for n in resp]
