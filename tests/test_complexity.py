"""Bounded work and output (issue 15): comparisons by measure without all pairs, dates read
once per paragraph, findings that list a capped number of places, reports that stay in
proportion to the document.  Behaviour only; the times are in benchmarks/bench_complexity.py."""

from __future__ import annotations

import json
import random
from decimal import Decimal
from pathlib import Path

import pytest

import policyparse
from policyparse.cli import main
from policyparse.extract.deadlines import (Deadlines, as_of, as_of_between, dated_between,
                                           dates_between, deadline_of, find_dates)
from policyparse.extract.sections import prose_figures
from policyparse.lint import lint_plan
from policyparse.lint.rules.conflict import _apart, _clash, _clashing, _Dated, _Figure
from policyparse.lint.rules.figures import Reach, decade, decades_near, power_of_ten
from policyparse.model import PLACES_SHOWN, Finding, Span

from conftest import CORPUS

LINES = 1000
REPORT_LIMIT = 5 * 1024 * 1024


def goal_lines(n: int) -> str:
    """The issue's input: ``n`` goals of one measure, one a line."""
    return "".join(f"（{i}）到2025年，全市专利授权量达到{i}件，比2020年增长{i % 10}.5%。\n"
                   for i in range(1, n + 1))


@pytest.fixture(scope="module")
def thousand(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("complexity") / "goals.txt"
    path.write_text(goal_lines(LINES), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def thousand_findings(thousand) -> list[Finding]:
    return lint_plan(policyparse.parse(thousand))


def test_a_finding_lists_capped_places_and_counts_the_rest():
    span = Span(text="x", start=0, end=1, line=1)
    f = Finding(code="CF001", name="target-conflict", category="conflict", severity="error",
                message="m", document="d", sources=[span] * (PLACES_SHOWN + 25))
    assert len(f.sources) == PLACES_SHOWN and f.places_omitted == 25
    again = Finding.model_validate_json(f.model_dump_json())  # read back: nothing counted twice
    assert len(again.sources) == PLACES_SHOWN and again.places_omitted == 25
    few = Finding(code="CF001", name="target-conflict", category="conflict", severity="error",
                  message="m", document="d", sources=[span, span])
    assert few.places_omitted == 0 and len(few.sources) == 2


def test_one_conflict_finding_per_measure_however_often_restated(thousand_findings):
    conflicts = [f for f in thousand_findings if f.code == "CF001"]
    # the counts (1件 … 1000件) and the growth rates (0.5% … 9.5%): two goals, two findings
    assert len(conflicts) == 2
    for f in conflicts:
        assert len(f.sources) == PLACES_SHOWN
        assert f.places_omitted == LINES - PLACES_SHOWN
        assert f"另有{LINES - PLACES_SHOWN}处" in f.message
        assert f.message.count("“") <= PLACES_SHOWN + 1  # the figures quoted: capped too


def test_unit_slips_are_every_power_of_ten_pair(thousand_findings):
    """Found through the decades of the values, the slips are still exactly the pairs of
    counts a power of ten apart (1 and 10, 1 and 100, …, 100 and 1000)."""
    found = set()
    for f in thousand_findings:
        if f.code == "UN001":
            found.add(tuple(int(s.text.removeprefix("全市专利授权量达到").removesuffix("件"))
                            for s in f.sources))
    expected = {(i, j) for i in range(1, LINES + 1) for j in (i * 10, i * 100, i * 1000)
                if j <= LINES}
    assert found == expected


def test_clashing_figures_are_those_of_some_clashing_pair():
    """The search without all pairs finds exactly the figures an all-pairs comparison finds:
    ranges, rounding slack, scopes (annual vs cumulative) and powers of ten mixed."""
    rng = random.Random(15)
    for _ in range(200):
        figures = set()
        for _ in range(rng.randint(1, 12)):
            low = Decimal(rng.choice([1, 2, 5, 10, 20, 50, 100, 105, 110, 200, 1000]))
            high = low + Decimal(rng.choice([0, 0, 0, 5, 50]))
            slack = rng.choice([Decimal(0), Decimal(0), low / 10, Decimal("0.5")])
            figures.add(_Figure(low, high, slack, rng.random() < 0.3, rng.random() < 0.3))
        every_pair = {f for f in figures for g in figures if f != g and _clash(f, g)}
        assert _clashing(figures) == every_pair


def test_reach_passes_over_a_paragraph_and_finds_what_all_pairs_find():
    """Figures of one date clash only with one in another paragraph: the search that skips a
    paragraph's run finds the same figures as all pairs."""
    rng = random.Random(2)
    for _ in range(200):
        dated = set()
        for _ in range(rng.randint(1, 15)):
            low = Decimal(rng.choice([1, 3, 10, 11, 12, 40, 100]))
            dated.add(_Dated(low, low + rng.choice([0, 0, 2]), rng.choice([Decimal(0), low / 10]),
                             (rng.randint(0, 3), 0)))
        reach = Reach(dated, apart=lambda d: d.paragraph)
        every_pair = {d for d in dated for e in dated
                      if d.paragraph != e.paragraph and _apart(d, e)}
        assert {d for d in dated if reach.clashing(d, _apart) is not None} == every_pair


def test_decades_find_every_power_of_ten():
    for x in ("1", "3.7", "9.9999999", "12345", "0.25"):
        for k in range(1, 13):
            a, b = Decimal(x), Decimal(x) * Decimal(10) ** k
            assert power_of_ten(a, b) is not None
            assert decade(b) in decades_near(a)
    assert decade(Decimal(0)) is None


def test_dates_read_once_are_the_dates_of_the_text_before_each_figure():
    """Every figure's dates, taken from its paragraph's (found once), are those a search of
    the text from its sentence's start to the figure finds, on every corpus document."""
    checked = 0
    for path in sorted(CORPUS.glob("*/*.txt")):
        plan = policyparse.parse(path, pipeline=["meta", "outline", "tasks"])
        period = (plan.meta.period.start, plan.meta.period.end)
        for f in prose_figures(plan):
            start, end = f.sentence, f.quantity.start
            searched = find_dates(plan.text[start:end], start)
            assert dates_between(plan.text, f.dates, start, end) == searched
            assert dated_between(plan.text, f.dates, start, end) == bool(searched)
            for issued in (plan.meta.issued, None):
                assert Deadlines(plan.text, f.dates, period, issued).before(start, end) == \
                    deadline_of(searched, period, issued)
            checked += bool(searched)
    assert checked > 100


def test_as_of_from_dates_read_once_is_as_of_the_text_before_each_figure():
    checked = 0
    for path in sorted(CORPUS.glob("*/*.txt")):
        plan = policyparse.parse(path, pipeline=["meta", "outline", "tasks"])
        for f in prose_figures(plan):
            for start in (f.sentence, f.block.start):
                found = as_of_between(plan.text, f.dates, start, f.quantity.start)
                assert found == as_of(plan.text[start:f.quantity.start])
                checked += found is not None
    assert checked > 100


def test_a_date_cut_short_by_the_figure_is_read_as_the_shorter_text_has_it():
    text = "到2024年3月底，完成3项。"
    mentions = find_dates(text)
    end = text.index("3月")  # a figure read right after 2024年
    assert dates_between(text, mentions, 0, end) == find_dates(text[:end])
    assert [d.year for d in dates_between(text, mentions, 0, end)] == [2024]
    assert Deadlines(text, mentions, (2024, 2026)).before(0, end) == (2024, "explicit")


def test_goals_of_one_long_sentence_keep_their_deadline():
    parts = [f"全市专利授权量达到{i}件" for i in range(1, 400)]
    plan = policyparse.parse("到2025年，" + "，".join(parts) + "。\n")
    assert len(plan.targets) == len(parts)
    assert {(t.deadline, t.deadline_basis) for t in plan.targets} == {(2025, "explicit")}


def test_fact_conflicts_of_one_date_are_one_finding():
    text = "".join(f"（{i}）截至2023年底，全市专利授权量{i}件。\n" for i in range(1, 301))
    conflicts = [f for f in policyparse.lint(text) if f.code == "CF002"]
    assert len(conflicts) == 1
    assert conflicts[0].places_omitted == 300 - PLACES_SHOWN
    assert "日期相同" in conflicts[0].message


def test_reports_say_how_many_places_more(thousand, capsys):
    assert main(["lint", "--select", "CF001", str(thousand)]) == 1
    out = capsys.readouterr().out
    assert out.count(f"= and {LINES - PLACES_SHOWN} more") == 2
    assert main(["lint", "--select", "CF001", "--format", "json", str(thousand)]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [f["places_omitted"] for f in data["findings"]] == [LINES - PLACES_SHOWN] * 2
    assert main(["lint", "--select", "CF001", "--format", "sarif", str(thousand)]) == 1
    results = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    assert [r["properties"]["placesOmitted"] for r in results] == [LINES - PLACES_SHOWN] * 2


def test_the_thousand_line_report_stays_small(thousand, tmp_path):
    out = tmp_path / "report.html"
    main(["report", "--html", str(out), str(thousand)])
    page = out.read_text(encoding="utf-8")
    assert out.stat().st_size < REPORT_LIMIT
    assert page.count(f"{LINES - PLACES_SHOWN} more") == 2
