"""Indicator tables (extract/tables.py): columns by header, values with the row's unit, dates from
the header or the caption, the plan's own region column; on 003's two tables in every form and on
tables written here (flattened text and a real Word table)."""

from __future__ import annotations

import io
from functools import cache

import docx as python_docx
import pytest
from conftest import CORPUS, assert_spans_exact

from policyparse.extract.tables import columns, table_facts, table_targets
from policyparse.model import Plan
from policyparse.pipeline import parse

FORMS = {"txt": "seeds", "docx": "docx", "pdf": "pdf"}
PLAN = "003_351026cd5fe6092f"


@cache
def corpus_plan(form: str) -> Plan:
    return parse(CORPUS / FORMS[form] / f"{PLAN}.{form}")


def flattened(rows: list[list[str]]) -> str:
    """A table as Word exports it to text: one tab-indented line a cell, blank line between rows."""
    return "\n\n".join("\n".join("\t" + c for c in row) for row in rows)


@pytest.mark.parametrize("form", FORMS)
def test_003_column_roles(form):
    p = corpus_plan(form)
    roles = [[c.role for c in columns(t, p)] for t in p.tables]
    assert roles == [["other", "name", "unit", "other", "other", "region"],
                     ["other", "name", "unit", "baseline", "target", "other"]]


@pytest.mark.parametrize("form", FORMS)
def test_003_rows_become_facts_and_targets(form):
    p = corpus_plan(form)
    targets, facts = table_targets(p), table_facts(p)
    assert [t.value for t in targets] == [1700, 95, 30, 80, 21000, 50, 5, 10000]
    assert {(t.deadline, t.deadline_basis, t.comparator) for t in targets} == \
        {(2025, "table-explicit", ">=")}
    # 表1 gives 经开区 (the plan's region) for 2020; 湖北省 and 武汉市 are other places.
    assert [f.value for f in facts] == [572, 61, 16, 32, 13000, 4] + \
        [572, 61, 16, 32, 13000, 31, 4, 5512]
    assert {f.as_of for f in facts} == {"2020"}
    marks = next(t for t in targets if t.metric == "有效注册商标总量")
    assert (marks.unit, marks.base_value, marks.metric_key) == ("件", 21000, "trademarks")
    money = next(t for t in targets if t.metric == "知识产权质押融资登记金额")
    assert (money.value, money.unit, money.unit_family, money.base_value) == \
        (10000, "万元", "money", 1e8)
    assert [t.per_year for t in targets[:4]] == [True, False, False, True]  # 年度…
    for item in [*targets, *facts]:
        assert item.source.text.startswith(item.metric) and "\n" not in item.source.text
    assert assert_spans_exact(targets + facts, p) == len(targets) + len(facts)


def test_prose_and_table_figures_of_one_metric_share_a_key():
    p = corpus_plan("txt")
    prose = next(t for t in p.targets if "有效注册商标量达到2.2万件" in t.source.text)
    table = next(t for t in p.targets if t.metric == "有效注册商标总量")
    assert prose.metric_key == table.metric_key and (prose.value, table.value) == (22000, 21000)


def test_flattened_table_with_a_unit_column_and_years_in_the_header():
    rows = [["指标名称", "单位", "2023年", "2026年目标值", "属性"],
            ["有效发明专利拥有量", "万件", "0.3", "0.5", "预期性"],
            ["专利密集型产业增加值占GDP比重", "%", "10.5", "13", "预期性"],
            ["新增贯标企业", "家", "-", "120", "约束性"],
            ["知识产权质押融资金额", "亿元", "1.5", "—", "预期性"]]
    p = parse("某县知识产权强县建设工作方案（2024—2026年）\n一、工作目标\n表1 主要指标\n"
              + flattened(rows) + "\n二、重点任务\n1.加强专利培育。\n")
    assert [(t.metric, t.value, t.unit, t.kind, t.deadline) for t in p.targets] == [
        ("有效发明专利拥有量", 5000, "件", "level", 2026),
        ("专利密集型产业增加值占GDP比重", 13, "%", "share", 2026),
        ("新增贯标企业", 120, "家", "increment", 2026)]
    assert [(f.metric, f.value, f.as_of) for f in p.facts] == [
        ("有效发明专利拥有量", 3000, "2023"), ("专利密集型产业增加值占GDP比重", 10.5, "2023"),
        ("知识产权质押融资金额", 1.5, "2023")]
    assert p.targets[0].source.text == "有效发明专利拥有量\t万件\t0.3\t0.5"


def word_plan(tmp_path, header: list[str], rows: list[list[str]], caption: str, region_line: str):
    doc = python_docx.Document()
    doc.add_paragraph("宜都市知识产权强县建设工作方案（2024—2026年）")
    doc.add_paragraph(region_line)
    doc.add_paragraph("一、工作目标")
    doc.add_paragraph(caption)
    table = doc.add_table(rows=1 + len(rows), cols=len(header))
    for i, row in enumerate([header, *rows]):
        for j, cell in enumerate(row):
            table.cell(i, j).text = cell
    doc.add_paragraph("二、重点任务")
    doc.add_paragraph("1.加强专利培育。")
    path = tmp_path / "plan.docx"
    buffer = io.BytesIO()
    doc.save(buffer)
    path.write_bytes(buffer.getvalue())
    return parse(path)


def test_word_table_of_places_keeps_the_plans_own_column(tmp_path):
    p = word_plan(tmp_path, ["指标", "单位", "湖北省", "宜昌市", "宜都市", "说明"],
                  [["每万人口发明专利拥有量", "件", "28.16", "20.5", "10.7", "全省第五"],
                   ["有效注册商标总量", "万件", "67.4", "8.2", "0.4", "含集体商标"]],
                  "表1 2023年省、市、县核心指标对比", "宜都市人民政府办公室")
    assert p.meta.region == "湖北省宜昌市宜都市"
    assert [(f.metric_key, f.value, f.as_of) for f in p.facts] == [
        ("invention_patents_per_10k", 10.7, "2023"), ("trademarks", 4000, "2023")]
    assert p.targets == []


def test_word_table_without_years_is_due_at_the_period_end(tmp_path):
    p = word_plan(tmp_path, ["序号", "指标名称", "基期值", "目标值"],
                  [["1", "PCT国际专利申请量（件）", "4", "10"], ["2", "知识产权质押融资金额", "5亿元", "7亿元"]],
                  "表1 主要指标", "宜都市人民政府办公室")
    assert [(t.value, t.unit, t.deadline, t.deadline_basis) for t in p.targets] == [
        (10, "件", 2026, "table-period-end"), (7, "亿元", 2026, "table-period-end")]
    assert [(f.value, f.unit, f.as_of) for f in p.facts] == [(4, "件", None), (5, "亿元", None)]
    assert p.targets[0].metric_key == "pct_applications"


def test_a_table_without_a_name_column_is_no_indicator_table():
    p = parse("某县知识产权强县建设工作方案（2024—2026年）\n一、工作目标\n"
              + flattened([["序号", "任务", "牵头单位"], ["1", "建设网点5个", "市场监管局"],
                           ["2", "培训3次", "科技局"]]) + "\n")
    assert [columns(t, p) for t in p.tables] == [[]]
    assert table_targets(p) == [] and table_facts(p) == []


def test_years_in_the_header_of_a_plan_without_period(tmp_path):
    doc = python_docx.Document()
    doc.add_paragraph("某市科技创新行动方案")
    doc.add_paragraph("一、主要指标")
    table = doc.add_table(rows=3, cols=5)
    for i, row in enumerate([["指标", "单位", "2020年", "2025年", "属性"],
                             ["研发经费投入强度", "%", "2.1", "2.8", "预期性"],
                             ["高新技术企业数量", "家", "320", "600", "预期性"]]):
        for j, cell in enumerate(row):
            table.cell(i, j).text = cell
    path = tmp_path / "plan.docx"
    doc.save(str(path))
    p = parse(path)
    assert p.meta.period.start is None
    assert [(t.value, t.deadline) for t in p.targets] == [(2.8, 2025), (600, 2025)]
    assert [(f.value, f.as_of) for f in p.facts] == [(2.1, "2020"), (320, "2020")]
