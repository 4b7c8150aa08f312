"""NU001 on layouts whose numbering is legitimate: restarts per section, numbering that runs on
across chapters, run-in units before a titled one, items beside headings, a new list after prose;
and on a real break, the finding's primary place is the number after the break."""

from __future__ import annotations

from policyparse import parse
from policyparse.lint import lint_plan
from policyparse.lint.registry import select


def breaks(*lines: str) -> list[tuple[str, ...]]:
    plan = parse("\n".join(lines))
    return [tuple(s.text.split("\n")[0][:8] for s in f.sources)
            for f in lint_plan(plan, select(["NU001"]))]


def test_items_restart_in_each_section():
    assert breaks("一、重点任务", "1.加强创造。正文。", "2.加强保护。正文。",
                  "二、保障措施", "1.加强领导。正文。", "2.加大投入。正文。") == []


def test_numbering_runs_on_across_chapters():
    assert breaks("第一章 总则", "第一条 为了规范管理，制定本办法。", "第二条 本办法适用于本市。",
                  "第二章 管理", "第三条 主管部门负责监督。", "第四条 各部门按职责分工。") == []
    assert breaks("一、营造投资环境", "（一）放宽准入。正文。", "（二）优化服务。正文。",
                  "二、提升贸易便利", "（三）简化通关。正文。") == []


def test_run_in_unit_before_a_titled_one():
    """（一）指导思想。… runs into its text, （二）基本原则 is a title line: one sequence."""
    assert breaks("一、总体要求", "（一）指导思想。以新发展理念为指导，推动高质量发展。",
                  "（二）基本原则", "坚持问题导向。", "（三）工作目标", "到2025年基本建成。") == []


def test_an_item_continues_the_sequence_of_a_heading_beside_it():
    """二、 heads sub-items, 三、 runs into its text: siblings all the same."""
    assert breaks("一、关于交通问题。你省请求支持。", "二、关于防灾问题。你省请求支持。",
                  "1.关于地质灾害。已安排资金。", "2.关于移民安置。已列入规划。",
                  "三、关于污染治理问题。已纳入规划。", "四、关于林业问题。你省请求支持。",
                  "1.关于补助年限。正在研究。") == []


def test_a_new_list_after_prose_starts_again():
    assert breaks("附件", "考核指标", "1.门诊人次数。定量。", "2.住院人次数。定量。",
                  "注：", "1.指标按年度计算。", "2.数据来源于统计年报。") == []


def test_an_attachment_list_on_the_attachment_line():
    assert breaks("一、工作要求", "请按时报送。", "附件：1.联络员登记表", "2.宣传申报单",
                  "3.协助通知单") == []


def test_a_gap_points_at_the_number_after_it():
    found = breaks("第一章 规划背景", "正文。", "第二章 总体要求", "正文。", "第四章 保障措施", "正文。")
    assert found == [("第四章 保障措施", "第二章 总体要求")]


def test_a_repeat_and_a_missing_first_item_are_found():
    assert breaks("一、重点任务", "1.加强创造。正文。", "2.加强保护。正文。", "2.加强运用。正文。") == [
        ("2.加强运用。正", "2.加强保护。正")]
    assert breaks("一、重点任务", "2.加强保护。正文。", "3.加强运用。正文。") == [("2.加强保护。正",)]


def test_a_chapter_numbered_in_other_numerals_is_out_of_style():
    plan = parse("\n".join(["第一章 总则", "正文。", "第二章 管理", "正文。", "第3章 监督", "正文。",
                            "第四章 附则", "正文。"]))
    found = lint_plan(plan, select(["NU002"]))
    assert [f.sources[0].text for f in found] == ["第3章 监督"]
