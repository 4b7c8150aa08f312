"""Every rule's documented bad example is flagged and its good example is not."""

from __future__ import annotations

import pytest

from policyparse import parse
from policyparse.lint import lint_plan
from policyparse.lint.registry import CATEGORIES, all_rules, select

TEXT_RULES = [r for r in all_rules() if not r.examples().get("bad", "").startswith("(")]


def test_registry_is_complete_and_consistent():
    rules = all_rules()
    assert len({r.code for r in rules}) == len({r.name for r in rules}) == len(rules)
    for r in rules:
        assert r.category in CATEGORIES
        assert "为什么" in r.doc(), f"{r.code} docstring lacks the why"
        assert {"bad", "good"} <= set(r.examples()), f"{r.code} lacks bad/good examples"
        assert r.message and r.message_en


@pytest.mark.parametrize("rule", TEXT_RULES, ids=lambda r: r.code)
def test_documented_examples(rule):
    ex = rule.examples()
    bad = [f for f in lint_plan(parse(ex["bad"]), [rule]) if f.code == rule.code]
    assert bad, f"{rule.code} misses its own bad example"
    plan = parse(ex["bad"])
    for f in bad:
        for s in f.sources:
            assert plan.text[s.start:s.end] == s.text
    good = [f for f in lint_plan(parse(ex["good"]), [rule]) if f.code == rule.code]
    assert not good, f"{rule.code} flags its own good example: {good[0].message}"


def test_select_and_ignore():
    assert {r.code for r in select(["PH"])} == {"PH001", "PH002"}
    assert "PH002" not in {r.code for r in select(["placeholder"], ["blank-date"])}
    with pytest.raises(ValueError, match="unknown rule selector"):
        select(["ZZ9"])


def test_rule_pages_are_current():
    """docs/rules holds exactly the pages the registry generates, and the site nav lists them."""
    from policyparse.lint.docs import RULES_DIR, pages, splice_nav

    from conftest import ROOT

    stale = "stale: run `python -m policyparse.lint.docs`"
    folder = ROOT / RULES_DIR
    expected = pages()
    assert sorted(p.name for p in folder.glob("*.md")) == sorted(expected), stale
    for name, text in expected.items():
        assert (folder / name).read_text(encoding="utf-8") == text, f"{name} {stale}"
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert splice_nav(config) == config, f"mkdocs.yml {stale}"


def test_blank_dates_of_a_form_in_an_annex_are_the_forms():
    """A form attached for filling in has its own blank 年 月 日; the document's own blank date
    before the annexes is still a defect."""
    body = ["某县关于报送信息的通知", "一、报送要求", "请按时报送。", "某县人民政府办公室"]
    form = ["附件1：", "信息联络员登记表", "单位盖章", "年   月   日"]
    dated = parse("\n".join(body + ["2024年3月1日"] + form))
    assert lint_plan(dated, select(["PH002"])) == []
    blank = parse("\n".join(body + ["年 月 日"] + form))
    assert [f.sources[0].line for f in lint_plan(blank, select(["PH002"]))] == [5]


@pytest.mark.parametrize("note, flagged", [
    ("（编者注：数据来自2022年统计年鉴）", True),
    ("【此处数据待核】", True),
    ("（请规划科确认）", True),
    ("（请李主任补充近三年数据）", True),
    ("[批注：改为全县]", True),
    ("（请各乡镇于5月10日前报送）", False),  # a request to the recipients, not to a colleague
    ("（以下简称县市场监管局，下同）", False),  # a defined short form
])
def test_notes_to_self_in_their_many_forms(note, flagged):
    plan = parse(f"一、发展基础\n全县发明专利拥有量达到500件{note}。\n")
    found = lint_plan(plan, select(["ER005"]))
    assert bool(found) is flagged
    assert all(note in f.sources[0].text for f in found)


@pytest.mark.parametrize("year, flagged", [(2012, True), (2020, True), (2021, False),
                                           (2025, False), (2027, True)])
def test_goal_dated_before_or_after_the_plan_period(year, flagged):
    """A 2021—2025 plan with no issue date: a goal due before its first year is as wrong as one
    due after its last."""
    text = (f"某县科技创新发展规划（2021—2025年）\n一、发展目标\n"
            f"到{year}年，全县高新技术企业达到120家。\n二、重点任务\n1.培育企业。正文。\n")
    found = lint_plan(parse(text), select(["DT001"]))
    assert bool(found) is flagged


@pytest.mark.parametrize("sentence, flagged", [
    ("到2013年，示范项目达到48个。", True),          # a goal due before the notice was issued
    ("力争到2016年底建成示范基地10个。", True),
    ("到2016年底，全县已建成示范基地10个。", False),  # states the past
    ("到2020年，示范项目达到48个。", False),          # due after the issue date
])
def test_a_notice_goal_dated_before_its_issue_date(sentence, flagged):
    """A document with no period and no goals section: a 到…年 goal anywhere outside its
    background is checked against its issue date."""
    text = (f"某县人民政府办公室关于加强示范项目建设的通知\n各乡镇人民政府：\n{sentence}\n"
            "一、加强组织领导。各地要高度重视。\n二、强化资金保障。各地要落实资金。\n"
            "某县人民政府办公室\n2018年12月6日\n")
    found = lint_plan(parse(text), select(["DT001"]))
    assert bool(found) is flagged


def test_parallel_articles_are_no_duplicated_passage():
    """Articles of a regulation worded in parallel share their boilerplate, with several others
    too; a paragraph pasted twice is a copy."""
    tail = "由县级以上人民政府主管部门责令限期改正，予以警告，可以处{n}万元以下的罚款；情节严重的，依法吊销许可证。"
    articles = [f"第{k}条 {who}有下列行为之一的，" + tail.format(n=n) for k, who, n in
                [("十", "服务机构", 10), ("十一", "从业人员", 5), ("十二", "检测机构", 8)]]
    text = "\n".join(["第一章 法律责任", *articles])
    assert lint_plan(parse(text), select(["ER007"])) == []
    pasted = "\n".join(["第一章 法律责任", *articles, articles[0].split(" ", 1)[1]])
    assert len(lint_plan(parse(pasted), select(["ER007"]))) >= 1
