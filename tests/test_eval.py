"""The gold scorer: matching rule, one-to-one assignment, honest totals."""

from __future__ import annotations

from policyparse.eval import Score, evaluate, match, quote_matches, score_plan, to_text
from policyparse.model import Heading, Plan, Span

from conftest import CORPUS, gold


def test_quote_matching_rule():
    assert quote_matches("一、指导思想", "一、 指导思想\n")          # whitespace-insensitive containment
    assert quote_matches("有效发明专利总量达到500件", "到2027年，有效发明专利总量达到500件，")
    assert quote_matches("有效发明专利总量达到500件", "有效发明专利总量达到5O0件")  # ≥90% fuzzy (one typo)
    assert not quote_matches("有效发明专利总量达到500件", "有效发明专利")  # a fragment is not a match
    assert not quote_matches("二、工作目标", "三、重点任务")


def test_matching_is_one_to_one_and_maximal():
    # gold 0 could take either prediction; a greedy first-fit would starve gold 1.
    pairs = match(["专利", "发明专利"], [["发明专利总量"], ["专利池"]])
    assert pairs == {0: 1, 1: 0}
    assert match(["甲乙丙", "甲乙丙"], [["甲乙丙丁"]]) in ({0: 0}, {1: 0})


def test_score_plan_counts_and_levels():
    g = gold("004_417ac496b24af2bd")
    text = "\n".join(h["quote"] for h in g["headings"][:3])
    spans, pos = [], 0
    for h in g["headings"][:3]:
        spans.append(Span(text=h["quote"], start=pos, end=pos + len(h["quote"]), line=len(spans) + 1))
        pos += len(h["quote"]) + 1
    heads = [Heading(id=f"h{i}", level=1 if i != 1 else 2, label=h["label"], title=h["title"],
                     source=s) for i, (h, s) in enumerate(zip(g["headings"][:3], spans))]
    plan = Plan(document="x", format="txt", text=text, headings=heads)
    r = score_plan(plan, g, "txt")
    s = r.scores["headings"]
    assert (s.tp, s.fp, s.fn) == (3, 0, len(g["headings"]) - 3)
    assert r.accuracies["heading_levels"].right == 2  # the second one has the wrong level


def test_f1_edge_cases():
    assert Score(0, 0, 0).f1 == 1.0 and Score(0, 3, 0).precision == 0.0


def test_evaluate_reports_broken_forms_without_stopping(tmp_path):
    results = evaluate(CORPUS / "gold", ["txt"], parser=lambda p: (_ for _ in ()).throw(
        ValueError("boom")))
    n = len(list((CORPUS / "gold").glob("*.gold.json")))
    assert len(results) == n and all(r.error == "ValueError: boom" for r in results)
    assert f"({n} errors)" in to_text(results)
