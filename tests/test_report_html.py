"""The HTML review report: highlights, links, escaping, and the page as Chromium runs it."""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

import policyparse
from policyparse.cli import main
from policyparse.lint import lint_plans
from policyparse.report.html import Mark, highlight, render

from conftest import CORPUS, seed

DOCX = [CORPUS / "docx" / f"{stem}.docx"
        for stem in ("000_8b7cc7afb4aa70ed", "001_8feaf3a5e4c88e3f")]  # two plans of 宜都市
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
VOID = {"br", "meta", "input", "img", "hr", "link", "wbr"}
SMALL_PLAN = """某县知识产权工作方案（2024—2026年）
一、主要任务
1.提升专利质量<script>alert(1)</script>。到2026年有效发明专利达到500件，实现XX万元。（牵头单位：县科技局，责任单位：县市场监管局）
2.加强保护 & "引号"。到2026年有效发明专利达到600件。（牵头单位：县市场监管局）
"""


class Page(HTMLParser):
    """What the tests read from a report or Chromium's DOM of it; fails on a misnested tag."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.marks: dict[str, dict] = {}    # ref → kind, severity, text of all its fragments
        self.ids: dict[str, str | None] = {}  # id → the document section it is in
        self.links: list[tuple[str, str | None]] = []  # (href, id of the row it is in)
        self.rows: dict[str, str] = {}     # row id → its text
        self.counts: dict[str, str] = {}   # data-n → text
        self.body: dict = {}
        self.scripts = 0
        self.feed(html)
        self.close()

    def _inside(self, key: str, value: str | None = None) -> dict | None:
        for _, attrs in reversed(self.stack):
            if key in attrs and (value is None or value in attrs[key].split()):
                return attrs
        return None

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        if tag == "body":
            self.body = attrs
        if tag == "script":
            self.scripts += 1
        if "id" in attrs:
            assert attrs["id"] not in self.ids, f"duplicate id {attrs['id']}"
            section = attrs if tag == "section" else self._inside("class", "doc")
            self.ids[attrs["id"]] = section["id"] if section else None
        if tag == "a":
            row = self._inside("data-sev") or self._inside("id")
            self.links.append((attrs.get("href", ""), row.get("id") if row else None))
        if tag == "mark":
            mark = self.marks.setdefault(attrs["data-m"], {"text": "", "fragments": 0})
            mark["fragments"] += 1
            mark["class"] = attrs["class"]
            mark["row"] = attrs["data-row"]
        if tag not in VOID:
            self.stack.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        assert self.stack and self.stack[-1][0] == tag, (tag, [t for t, _ in self.stack[-5:]])
        self.stack.pop()

    def handle_data(self, data):
        for tag, attrs in self.stack:
            if tag == "mark":
                self.marks[attrs["data-m"]]["text"] += data
            elif tag == "tr" and "id" in attrs:
                self.rows[attrs["id"]] = self.rows.get(attrs["id"], "") + data
            elif "data-n" in attrs:
                self.counts[attrs["data-n"]] = data


def _plain(text: str) -> str:
    """A span's text as the page shows it: blocks are elements, table cells are cells."""
    return re.sub(r"[\n\t]", "", text)


@pytest.fixture(scope="module")
def corpus_report():
    plans = [policyparse.parse(p) for p in DOCX]
    findings = lint_plans(plans)
    return plans, findings, render(plans, findings)


def test_marks_carry_exactly_their_spans(corpus_report):
    plans, findings, html = corpus_report
    page = Page(html)
    assert page.scripts == 1
    for i, plan in enumerate(plans):
        for t in plan.tasks:
            mark = page.marks[f"d{i}-{t.id}"]
            assert t.number in mark["text"][:len(t.number) + 2]  # （五） for the number 五
            assert mark["text"].endswith(_plain(t.title))
            assert page.ids[f"d{i}-{t.id}"] == f"d{i}"
            for k, o in enumerate(t.owners):
                assert page.marks[f"d{i}-{t.id}-o{k}"]["text"] == _plain(o.source.text)
        for g in plan.targets:
            assert page.marks[f"d{i}-{g.id}"]["text"] == _plain(g.source.text)
            assert f"row-d{i}-{g.id}" in page.ids
    for n, f in enumerate(findings):
        section = f"d{[p.document for p in plans].index(f.document)}"
        for k, span in enumerate(f.sources):
            mark = page.marks[f"f{n}-{k}"]
            assert mark["text"] == _plain(span.text)
            assert f"sev-{f.severity}" in mark["class"] and mark["row"] == f"row-f{n}"
            assert page.ids[f"f{n}-{k}"] == section
        assert page.ids[f"row-f{n}"] == section
    kinds = {m["class"].split()[0] for m in page.marks.values()}
    assert kinds == {"k-task", "k-target", "k-owner", "k-finding"}


def test_every_link_lands_and_every_mark_has_its_row(corpus_report):
    _, _, html = corpus_report
    page = Page(html)
    internal = [href for href, _ in page.links]
    assert internal and all(h.startswith("#") and h[1:] in page.ids for h in internal)
    assert all(m["row"] in page.ids for m in page.marks.values())


def test_conflict_links_to_both_sides(corpus_report):
    plans, findings, html = corpus_report
    page = Page(html)
    conflicts = [n for n, f in enumerate(findings) if f.category == "conflict"
                 and len(f.sources) > 1]
    assert conflicts
    for n in conflicts:
        targets = [h[1:] for h, row in page.links if row == f"row-f{n}"]
        assert targets == [f"f{n}-{k}" for k in range(len(findings[n].sources))]


def test_cross_document_findings_link_into_the_other_document(corpus_report):
    plans, findings, html = corpus_report
    page = Page(html)
    cross = [(n, f) for n, f in enumerate(findings) if f.code.startswith("XD")]
    assert cross, "the two 宜都市 plans disagree with each other"
    for n, f in cross:
        own = [p.document for p in plans].index(f.document)
        other = f"d{1 - own}"
        into = [h[1:] for h, row in page.links if row == f"row-f{n}" and page.ids[h[1:]] == other]
        # one link per cited place, each marked where the other document states it
        assert [page.marks[ref]["text"] for ref in into] == [r.source.text for r in f.related]
        assert all(page.marks[ref]["row"] == f"row-f{n}" for ref in into)


def test_overlapping_marks_nest_and_split():
    text = "abcdefghij"
    marks = [Mark(0, 6, "task", "a", "ra", "A"), Mark(3, 9, "target", "b", "rb", "B"),
             Mark(3, 9, "finding", "c", "rc", "C", "error"), Mark(4, 5, "owner", "d", "rd", "D")]
    out = highlight(text, 0, len(text), marks, set())
    page = Page(out)
    assert {ref: m["text"] for ref, m in page.marks.items()} == {
        "a": "abcdef", "b": "defghi", "c": "defghi", "d": "e"}
    assert page.marks["b"]["fragments"] == 2 and page.marks["a"]["fragments"] == 1
    assert set(page.ids) == {"a", "b", "c", "d"}  # the id only on the first fragment
    # equal spans: the target outside, the finding inside, so the finding's colour shows
    assert out.index('data-m="b"') < out.index('data-m="c"')
    clipped = Page(highlight(text, 4, 8, marks, set()))
    assert {ref: m["text"] for ref, m in clipped.marks.items()} == {
        "a": "ef", "b": "efgh", "c": "efgh", "d": "e"}
    seen: set[str] = set()
    points = [Mark(8, 8, "finding", "p", "rp", "P", "warning")]
    first, second = highlight(text, 4, 8, points, seen), highlight(text, 8, 10, points, seen)
    assert first == 'efgh<mark class="k-finding sev-warning point" id="p" data-m="p" ' \
        'data-row="rp" title="P"></mark>' and second == "ij"  # written once, where it stands


def test_removed_text_is_marked_where_it_was():
    """The text loader drops pasted footnote markers; ER003 points at where they were."""
    plan = policyparse.parse(seed("004_417ac496b24af2bd"))
    findings = policyparse.lint(plan)
    empty = [(n, k) for n, f in enumerate(findings) for k, s in enumerate(f.sources)
             if s.start == s.end]
    assert empty
    page = Page(render([plan], findings))
    for n, k in empty:
        assert f"f{n}-{k}" in page.ids and "point" in page.marks[f"f{n}-{k}"]["class"]
    assert all(h[1:] in page.ids for h, _ in page.links)


def test_document_text_is_escaped():
    plan = policyparse.parse(SMALL_PLAN.encode(), name='a<b>"c".txt')
    findings = policyparse.lint(plan)
    html = render([plan], findings)
    page = Page(html)
    assert page.scripts == 1  # only the report's own
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "a<b>" not in html and "a&lt;b&gt;" in html
    assert any("<script>alert(1)</script>" in m["text"] for m in page.marks.values())
    assert {m["class"].split()[0] for m in page.marks.values()} == {
        "k-task", "k-target", "k-owner", "k-finding"}


def test_nothing_is_fetched_from_outside(corpus_report):
    html = corpus_report[2]
    assert not re.search(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//""", html, re.I)
    assert not re.search(r"url\(|@import|<link|<iframe|<img", html, re.I)


def test_cli_writes_the_report_and_goes_on_after_a_bad_file(tmp_path, capsys):
    out = tmp_path / "sub" / "report.html"
    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"PK\x03\x04 not a zip")
    assert main(["report", str(DOCX[0]), str(bad), "--html", str(out), "--select", "PH"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and str(bad) in err[0] and str(out) in err[1]
    page = Page(out.read_text(encoding="utf-8"))
    assert page.marks and {m["class"].split()[1] for m in page.marks.values()
                           if "k-finding" in m["class"]} == {"sev-error"}
    assert all("PH001" in text for row, text in page.rows.items() if row.startswith("row-f"))
    assert [p.name for p in out.parent.iterdir()] == ["report.html"]  # no temporary left
    assert main(["report", str(DOCX[0]), "--html", str(out), "--ignore", "NOPE"]) == 2


def test_report_leaves_out_baseline_and_below_threshold_findings_as_lint_does(tmp_path,
                                                                               monkeypatch,
                                                                               capsys):
    monkeypatch.chdir(tmp_path)  # no configuration file applies
    doc, out = str(DOCX[0]), tmp_path / "r.html"

    def rows(*options: str) -> list[str]:
        assert main(["report", doc, "--html", str(out), *options]) == 0
        page = Page(out.read_text(encoding="utf-8"))
        return sorted(t for row, t in page.rows.items() if row.startswith("row-f"))

    everything = rows()
    assert main(["lint", doc, "--select", "PH", "--write-baseline", "accepted.json"]) == 0
    rest = rows("--baseline", "accepted.json")
    assert rest and len(rest) < len(everything) and not any("PH00" in t for t in rest)
    errors = rows("--severity-threshold", "error")
    assert main(["lint", doc, "--severity-threshold", "error", "--format", "json"]) == 1
    assert len(errors) == len(json.loads(capsys.readouterr().out)["findings"]) < len(everything)


# --- in Chromium ------------------------------------------------------------------------------

def _chromium(profile: Path, *args: str) -> str:
    exe = shutil.which("chromium")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing (scripts/install-test-deps installs it)")
        pytest.skip("chromium is not installed")
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={profile}", "--virtual-time-budget=2000", *args]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout


@pytest.fixture(scope="module")
def report_file(corpus_report, tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(corpus_report[2], encoding="utf-8")
    return path


def test_in_chromium_the_page_runs_and_links_hold(corpus_report, report_file, tmp_path):
    plans, findings, _ = corpus_report
    dom = Page(_chromium(tmp_path / "profile", "--dump-dom", report_file.as_uri()))
    assert dom.body.get("data-ready") == "1" and "js" in dom.body.get("class", "").split()
    mine = [f for f in findings if f.document == plans[0].document]
    assert dom.counts["k-task"] == f"({len(plans[0].tasks)})"
    assert dom.counts["k-target"] == f"({len(plans[0].targets)})"
    assert dom.counts["k-finding"] == f"({len(mine)})"
    for sev in ("error", "warning", "info"):
        assert dom.counts[f"sev-{sev}"] == f"({sum(f.severity == sev for f in mine)})"
    kinds = {m["class"].split()[0] for m in dom.marks.values()}
    assert kinds == {"k-task", "k-target", "k-owner", "k-finding"}
    finding_links = [(h[1:], row) for h, row in dom.links if row and row.startswith("row-f")]
    assert finding_links and all(ref in dom.ids for ref, _ in finding_links)
    # the conflict between 21宗 (2024) and 8笔 (2023) of 知识产权质押融资: both sides linked
    row = next(r for r, text in dom.rows.items() if "21宗" in text and "8笔" in text)
    sides = [dom.marks[ref]["text"] for ref, r in finding_links if r == row]
    assert any("21宗" in s for s in sides) and any("8笔" in s for s in sides)


def test_in_chromium_a_link_into_the_other_document_shows_it(corpus_report, report_file,
                                                              tmp_path):
    page = Page(corpus_report[2])
    ref = next(h[1:] for h, row in page.links if row and page.ids[h[1:]] == "d1"
               and row in page.ids and page.ids[row] == "d0")
    dom = _chromium(tmp_path / "profile", "--dump-dom", f"{report_file.as_uri()}#{ref}")
    active = re.findall(r'<section class="doc active" id="(d\d)"', dom)
    assert active == ["d1"]


def test_in_chromium_screenshot(report_file, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report.png"
    shot.unlink(missing_ok=True)
    _chromium(tmp_path / "profile", f"--screenshot={shot}", "--window-size=1400,1000",
              f"{report_file.as_uri()}#d0-t1")
    head = shot.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", head[16:24]) == (1400, 1000)
    print(f"screenshot: {shot}")


def test_invisible_controls_are_shown_not_obeyed(tmp_path):
    """A right-to-left override in a plan must not turn the report around: it is named."""
    from policyparse.report.html import render

    text = "一、总体要求\n到2025年，全县专利达到XX件\u202e反转。\n"
    html = render([policyparse.parse(text)], policyparse.lint(text))
    assert "\u202e" not in html and "⟨U+202E⟩" in html


def test_target_groups_are_named_as_the_plan_names_them(corpus_report):
    """Targets are grouped by canonical metric; the heading is the plan's own words, the
    canonical key (an English identifier for known metrics) only its tooltip."""
    plans, _, page = corpus_report
    headings = re.findall(r'<tr class="group"><th colspan="6" title="([^"]*)">([^<]*)</th>', page)
    keyed = {t.metric_key for p in plans for t in p.targets if t.metric_key}
    assert headings and any(key in keyed and key.isascii() for key, _ in headings)
    assert all(not name.isascii() and name in {t.metric for p in plans for t in p.targets}
               for _, name in headings)
