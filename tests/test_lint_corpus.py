"""The text and structure rules on the real corpus, in every form."""

from __future__ import annotations

import pytest

from policyparse import parse
from policyparse.eval import quote_matches
from policyparse.lint import lint_plan
from policyparse.lint.registry import select

from conftest import CORPUS, DOCS, gold

FORMS = {"txt": "seeds", "docx": "docx", "pdf": "pdf"}
STRUCTURAL = ("placeholder", "editor-residue", "numbering")


@pytest.fixture(scope="module")
def plans():
    return {(stem, form): parse(CORPUS / folder / f"{stem}.{form}")
            for stem in DOCS for form, folder in FORMS.items()}


def _hits(findings, defect, plan):
    from policyparse.eval import finding_texts

    return [f for f in findings if f.category == defect["rule"] and any(
        quote_matches(q, t) for q in defect["quotes"] for t in finding_texts(f, plan))]


def _observable(plan, defect) -> bool:
    texts = [plan.text] + [d.text for d in plan.diagnostics]
    return any(quote_matches(q, t) for q in defect["quotes"] for t in texts)


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("stem", DOCS)
def test_structural_defects_found_without_false_alarms(plans, stem, form):
    plan = plans[(stem, form)]
    findings = [f for f in lint_plan(plan, select(list(STRUCTURAL))) if f.category in STRUCTURAL]
    # A defect counts where its evidence exists in this form: the PDF made from the docx lost
    # the Word comment, so nothing in it can show the comment.
    wanted = [d for d in gold(stem)["defects"] if d["rule"] in STRUCTURAL and _observable(plan, d)]
    missed = [d["quotes"][0] for d in wanted if not _hits(findings, d, plan)]
    assert not missed, missed
    matched = {id(f) for d in wanted for f in _hits(findings, d, plan)}
    extra = [f.message for f in findings if id(f) not in matched]
    assert not extra, extra


def test_numbering_breaks_of_000_are_the_three_gold_ones(plans):
    plan = plans[("000_8b7cc7afb4aa70ed", "txt")]
    found = [f.sources[0].text for f in lint_plan(plan, select(["NU001"]))]
    # each finding points at the number after the break (in reading order)
    assert found == ["第二节 加快知识产权转化运用", "二、加强专利技术转化运用", "第四章保障措施"]


def test_wrong_family_heading_of_004(plans):
    plan = plans[("004_417ac496b24af2bd", "docx")]
    (f,) = lint_plan(plan, select(["NU002"]))
    assert f.sources[0].text.startswith("3、") and "一、" in f.message


@pytest.mark.parametrize("year, flagged", [(2028, True), (2023, True), (2026, False),
                                           (2035, False), (2033, False)])
def test_a_goal_without_a_figure_dated_outside_the_period(year, flagged):
    """004 runs 2024—2026 and its 工作目标 opens with 到2026年 and no figure: a slip of a
    year or three is flagged on the date itself; a long-range vision is not."""
    text = (CORPUS / "seeds" / "004_417ac496b24af2bd.txt").read_text(encoding="utf-8")
    goal = "到2026年，全市知识产权创造、运用"
    assert text.count(goal) == 1
    plan = parse(text.replace(goal, goal.replace("2026", str(year))), name="004.txt")
    found = [f.sources[0].text for f in lint_plan(plan, select(["DT001"]))]
    assert found == ([f"到{year}年"] if flagged else [])


def test_a_vision_sentence_in_the_goals_is_not_a_slip():
    text = (CORPUS / "seeds" / "004_417ac496b24af2bd.txt").read_text(encoding="utf-8")
    goal = "到2026年，全市知识产权创造、运用"
    plan = parse(text.replace(goal, "展望到2028年，全市知识产权创造、运用"), name="004.txt")
    assert lint_plan(plan, select(["DT001"])) == []
