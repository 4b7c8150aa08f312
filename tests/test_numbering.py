"""The grammar of numbering markers: families, values, labels, title starts, false positives."""

from __future__ import annotations

from decimal import Decimal

import cn2an
import pytest
from conftest import DOCS, gold, seed
from hypothesis import given
from hypothesis import strategies as st

from policyparse.load import load
from policyparse.text.markers import bare_title, first_clause, parse_marker
from policyparse.text.numerals import chinese_number, chinese_numeral, chinese_value, numeral_value


@pytest.mark.parametrize("text, family, value, label, title", [
    ("第三章 主要任务", "chapter", 3, "第三章", "主要任务"),
    ("第一章规划背景", "chapter", 1, "第一章", "规划背景"),
    ("第二节 问题与不足", "section", 2, "第二节", "问题与不足"),
    ("第二部分 重点任务", "part", 2, "第二部分", "重点任务"),
    ("第二十三条 县人民政府应当…", "article", 23, "第二十三条", "县人民政府应当…"),
    ("二、工作目标", "cn_dun", 2, "二、", "工作目标"),
    ("十二、附则", "cn_dun", 12, "十二、", "附则"),
    ("（四）推进农机装备", "cn_paren", 4, "（四）", "推进农机装备"),
    ("(一)总体目标", "cn_paren", 1, "(一)", "总体目标"),
    ("（二十二）加强人才培养。", "cn_paren", 22, "（二十二）", "加强人才培养。"),
    ("3、 重点任务", "arabic", 3, "3、", "重点任务"),
    ("1.强化政策支持", "arabic", 1, "1.", "强化政策支持"),
    ("12. 实施推进知名商标品牌培育工程", "arabic", 12, "12.", "实施推进知名商标品牌培育工程"),
    ("１２．全角数字", "arabic", 12, "１２．", "全角数字"),
    ("⒈带点数字", "arabic", 1, "⒈", "带点数字"),
    ("（1）信息服务", "arabic_paren", 1, "（1）", "信息服务"),
    ("(12)项目", "arabic_paren", 12, "(12)", "项目"),
    ("⑶括号数字", "arabic_paren", 3, "⑶", "括号数字"),
    ("2）右括号", "arabic_rparen", 2, "2）", "右括号"),
    ("①第一项", "circled", 1, "①", "第一项"),
    ("⑳第二十项", "circled", 20, "⑳", "第二十项"),
    ("一是实施知识产权高质量发展战略", "shi", 1, "一是", "实施知识产权高质量发展战略"),
    ("十一是其他", "shi", 11, "十一是", "其他"),
    ("——知识产权管理全面提升。", "dash", None, "——", "知识产权管理全面提升。"),
    ("专栏1 知识产权保护重点工程", "box", 1, "专栏1", "知识产权保护重点工程"),
    ("附件", "appendix", None, "附件", ""),
    ("附件2：任务分工表", "appendix", 2, "附件2：", "任务分工表"),
    ("附件:宜都市领导小组成员名单", "appendix", None, "附件:", "宜都市领导小组成员名单"),
])
def test_marker(text, family, value, label, title):
    m = parse_marker(text)
    assert m is not None
    assert (m.family, m.value, m.label, text[m.title_start:]) == (family, value, label, title)


@pytest.mark.parametrize("text", [
    "1.5亿元用于专项资金", "3.15国际消费者权益保护日", "2024年全市专利授权", "第一批示范企业",
    "第一，要提高认识", "附件的内容", "— 3 —", "- 12 -", "一二、三四", "专利授权量达到1件",
    "要坚持一是一、二是二", "“十四五”时期", "",
])
def test_not_a_marker(text):
    assert parse_marker(text) is None


@pytest.mark.parametrize("label, number", [
    ("12.", "12"), ("3、", "3"), ("一是", "一是"), ("（五）", "（五）"), ("(二)", "(二)"),
    ("二、", "二"), ("——", "——"), ("第三条", "第三条"),
])
def test_number_drops_trailing_punctuation_only(label, number):
    assert parse_marker(label + "标题").number == number


def test_chinese_numerals_agree_with_cn2an_up_to_the_hundreds():
    assert [n for n in range(1000) if chinese_value(cn2an.an2cn(n)) != n] == []
    assert [chinese_value(s) for s in ("两", "两百", "百", "一〇五", "一十一", "二十")] == \
        [2, 200, 100, 105, 11, 20]
    assert [chinese_value(s) for s in ("三四", "十百", "百百", "", "一二")] == [None] * 5
    assert numeral_value("７") == 7 and numeral_value("⑩") == 10


@given(st.integers(0, 10**8 - 1))
def test_chinese_numerals_are_written_as_cn2an_writes_them(n):
    assert chinese_numeral(n) == cn2an.an2cn(n)
    assert chinese_numeral(n, capital=True) == cn2an.an2cn(n, "up")


@given(st.integers(0, 10**12 - 1), st.integers(0, 999))
def test_chinese_amounts_read_back_what_is_written(n, fraction):
    assert chinese_number(chinese_numeral(n)) == n
    written = chinese_numeral(n) + "点" + "".join("零一二三四五六七八九"[int(d)] for d in str(fraction))
    assert chinese_number(written) == Decimal(f"{n}.{fraction}")


def test_chinese_amounts_refuse_what_is_not_a_number():
    assert [chinese_number(s) for s in ("两百", "百", "一亿零五百万", "二十万零三", "零点五")] == \
        [200, 100, 105000000, 200003, Decimal("0.5")]
    for text in ("十四五", "一二三", "三点五万", "一万万", "万", "亿万", "百分之五", "三点", "点五"):
        assert chinese_number(text) is None, text
    assert chinese_number("一二三", strict=False) == 123
    with pytest.raises(ValueError):
        chinese_numeral(10**12)


def test_bare_title_and_first_clause():
    assert bare_title("狠抓创新主体培育、平台建设和资源集聚。") == "狠抓创新主体培育、平台建设和资源集聚"
    assert bare_title("推进农机装备全产业链协同发展。支持企业研发。") is None
    assert bare_title("专利权；") is None  # an entry of a list
    assert bare_title("长" * 60) is None
    assert first_clause("健全高效运行的管理体系。深入推进改革；加强协作") == "健全高效运行的管理体系"
    assert first_clause("没有句号的标题") == "没有句号的标题"


@given(st.text(alphabet="第一二三十百章节条、（）()1２.．是—附件专栏 ：①⑴⒈xX\n", max_size=12))
def test_marker_is_a_prefix_of_the_text(text):
    m = parse_marker(text)
    if m is not None:
        assert text.startswith(m.label)
        assert len(m.label) <= m.title_start <= len(text)
        assert m.label == m.label.strip()


def test_every_gold_heading_label_is_recognised(doc_stem):
    """Each gold heading quote (except an annex's title line) starts with its gold label."""
    for h in gold(doc_stem)["headings"]:
        if h["label"].startswith("附件"):
            continue
        m = parse_marker(h["quote"])
        assert m is not None and m.label.replace(" ", "") == h["label"], h


def test_shi_items_count_only_at_a_block_start():
    """003 has 一是…二是… inside a paragraph of 面临形势: prose, not items; the gold lists only
    the 一是 items that open a paragraph."""
    stem = DOCS[2]
    doc = load(seed(stem))
    blocks = [doc.text[b.start:b.end] for b in doc.blocks]
    shi = [t for t in blocks if (m := parse_marker(t)) and m.family == "shi"]
    assert len(shi) == sum(t["number"].endswith("是") for t in gold(stem)["tasks"])
    inside = [t for t in blocks if "。一是" in t]
    assert inside and all(parse_marker(t) is None for t in inside)
