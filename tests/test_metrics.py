"""Metric phrases and keys (extract/metrics.py, data/metrics.toml): which figures share a key,
which never do, and how a clause is shared out among its figures."""

from __future__ import annotations

import re
import tomllib
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policyparse.extract.metrics import figure_phrases, metric_key, normalise, vocabulary
from policyparse.extract.numbers import find_quantities
from policyparse.extract.units import lookup


def key(phrase: str, unit: str = "件") -> str | None:
    u = lookup(unit)
    return metric_key(phrase, unit, u.family if u else None)


@pytest.mark.parametrize("unit, spellings", [
    ("件", ["有效发明专利拥有量", "有效发明专利总量", "发明专利拥有量", "全市有效发明专利总量"]),
    ("件", ["每万人口发明专利拥有量", "每万人拥有发明专利", "万人发明专利拥有量", "每万人口拥有发明专利"]),
    ("件", ["每万人口高价值发明专利拥有量", "万人高价值发明专利拥有量", "每万人高价值发明专利拥有量",
           "每万人口拥有高价值发明专利"]),
    ("件", ["有效注册商标量", "有效注册商标总量", "国内注册商标总量", "累计商标注册量"]),
    ("件", ["马德里商标国际注册量", "国际注册商标", "有效马德里商标国际注册量", "马德里商标有效注册量"]),
    ("件", ["马德里商标国际注册申请总量", "马德里商标申请总量"]),
    ("件", ["发明专利授权量", "年度发明专利授权量", "发明专利授权"]),
    ("件", ["PCT国际专利申请量", "PCT专利申请量", "年度PCT国际专利申请量",
           "PCT国际专利申请件数"]),  # the last by similarity, not a listed synonym
    ("亿元", ["知识产权质押融资金额", "知识产权年质押金额", "贷款金额", "在押融资金额", "知识产权质押融资总额",
            "知识产权质押融资登记金额", "知识产权质押融资登记额", "企业获得知识产权质押贷款",
            "知识产权质押融资"]),
    ("宗", ["知识产权质押融资", "知识产权质押融资笔数"]),
    ("%", ["专利密集型产业增加值占GDP比重", "专利密集型产品增加值GDP比重", "专利密集型产业增加值占GDP的比重"]),
    ("人", ["知识产权专家库成员", "知识产权专家库人才"]),
])
def test_same_metric_same_key(unit, spellings):
    keys = {s: key(s, unit) for s in spellings}
    assert len(set(keys.values())) == 1 and None not in keys.values(), keys


@pytest.mark.parametrize("a, b, unit", [
    ("发明专利授权量", "发明专利申请量", "件"),
    ("每万人口发明专利拥有量", "有效发明专利拥有量", "件"),
    ("每万人口发明专利拥有量", "每万人口高价值发明专利拥有量", "件"),
    ("高价值发明专利拥有量", "有效发明专利拥有量", "件"),
    ("企业发明专利授权量", "发明专利授权量", "件"),
    ("授权专利量", "发明专利授权量", "件"),
    ("马德里商标国际注册申请总量", "马德里商标国际注册量", "件"),
    ("商标质押融资金额", "知识产权质押融资金额", "万元"),
    ("品牌知识产权服务机构", "知识产权服务机构", "家"),
    ("版权产业增加值占GDP比重", "专利密集型产业增加值占GDP比重", "%"),
    ("全省每万人口发明专利拥有量", "每万人口发明专利拥有量", "件"),
    ("高价值专利培育项目", "高价值专利培育中心", "个"),
])
def test_different_metrics_different_keys(a, b, unit):
    assert key(a, unit) != key(b, unit)


def test_an_amount_and_a_number_of_deals_of_one_phrase_are_told_apart_by_unit():
    assert key("知识产权质押融资", "亿元") == "ip_pledge_amount"
    assert key("知识产权质押融资", "笔") == key("知识产权质押融资", "宗") == "ip_pledge_deals"


def test_unknown_metric_is_its_own_normalised_key_and_too_short_names_none():
    assert key("知识产权密集型产业集群", "个") == "知识产权密集型产业集群"
    # a stock word after what is counted names no other measure
    assert key("全市知识产权贯标企业数量", "家") == key("知识产权贯标企业", "家") == "知识产权贯标企业"
    assert key("优秀奖", "项") is None and key("企业", "家") is None
    assert key("全省每万人口发明专利拥有量") == "invention_patents_per_10k@全省"


def test_normalise_spells_each_word_one_way():
    assert normalise("每万人口发明专利拥有量") == normalise("每万人拥有发明专利") == "万人发明专利"
    assert normalise("知识产权年质押金额") == "知识产权质押金额"
    assert normalise("知识产权维权援助和调解（仲裁）基层站点") == "知识产权维权援助和调解(仲裁)基层站点"


def test_vocabulary_is_consistent():
    data = tomllib.loads(resources.files("policyparse.data").joinpath("metrics.toml")
                        .read_text(encoding="utf-8"))
    metrics = data["metrics"]
    for name, spec in metrics.items():
        assert re.fullmatch(r"[a-z0-9_]+", name), name
        unit = (spec.get("units") or ["件"])[0] if "families" not in spec else "万元"
        for spelling in (spec["name"], *spec.get("synonyms", ())):
            assert key(spelling, unit) == name, (name, spelling)
    # A spelling shared by two metrics must be told apart by their units.
    for spelling, entries in vocabulary().entries.items():
        if len(entries) > 1:
            assert all(e.units or e.families for e in entries), spelling
    markers = data["markers"]["words"]
    assert len(markers) == len(set(markers))


def phrases(text: str, own: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    found = figure_phrases(text, find_quantities(text), own)
    return [(text[p.start:p.end], p.metric) for p in found]


@pytest.mark.parametrize("text, expected", [
    ("到2027年，全市有效发明专利总量达到500件，每万人口发明专利拥有量提升至18件（全省前五）。",
     [("全市有效发明专利总量达到500件", "有效发明专利总量"),
      ("每万人口发明专利拥有量提升至18件", "每万人口发明专利拥有量")]),
    ("任务目标：组织实施1个以上高价值专利培育项目、5个以上产业、企业专利导航项目；",
     [("组织实施1个以上高价值专利培育项目", "高价值专利培育项目"),
      ("5个以上产业、企业专利导航项目", "产业、企业专利导航项目")]),
    ("马德里商标国际注册申请总量40件，比2016年的总量27件增长48.1%。",
     [("马德里商标国际注册申请总量40件", "马德里商标国际注册申请总量"),
      ("比2016年的总量27件", "马德里商标国际注册申请总量"),
      ("增长48.1%", "马德里商标国际注册申请总量")]),
    ("32家企业44个产品获专利密集型产品认定，",
     [("32家企业", "企业"), ("44个产品获专利密集型产品认定", "产品获专利密集型产品认定")]),
    ("建立国家、省、市级专利导航基地（1至3个）和承接完成专利导航项目（3至5项）。",
     [("建立国家、省、市级专利导航基地（1至3个）", "国家、省、市级专利导航基地"),
      ("和承接完成专利导航项目（3至5项）", "专利导航项目")]),
    ("有效注册商标量年均增长8%，达到5000件以上；",
     [("有效注册商标量年均增长8%", "有效注册商标量"), ("达到5000件以上", "有效注册商标量")]),
    ("知识产权质押融资额不断增长，力争累计达到3亿元。",
     [("知识产权质押融资额不断增长，力争累计达到3亿元", "知识产权质押融资额")]),
    ("与相同市县相比，低于全省的平均水平（每万人口发明专利拥有量 28.16件）。",
     [("低于全省的平均水平（每万人口发明专利拥有量 28.16件", "全省每万人口发明专利拥有量")]),
    ("任务目标：对宜都市优势产业、重点产业进行不少于2次的专利导航服务，选取不少于2家的出口企业进行海外专利预警帮扶。",
     [("对宜都市优势产业、重点产业进行不少于2次的专利导航服务", "专利导航服务"),
      ("选取不少于2家的出口企业进行海外专利预警帮扶", "出口企业")]),
    ("任务目标:每年开展知识产权相关培训5场以上。", [("每年开展知识产权相关培训5场以上", "知识产权相关培训")]),
    ("挽回1千余万元的经济损失。", [("挽回1千余万元的经济损失", "经济损失")]),
    ("1.每万人口高价值发明专利拥有量达到8件；", [("1.每万人口高价值发明专利拥有量达到8件", "每万人口高价值发明专利拥有量")]),
])
def test_a_clause_is_shared_out_among_its_figures(text, expected):
    assert phrases(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("每年举办对接会不少于4场，", [("每年举办对接会不少于4场", "对接会")]),
    ("培训人员数量超过5520人次，", [("培训人员数量超过5520人次", "培训人员数量")]),
    ("目前全县现有示范项目12个，", [("目前全县现有示范项目12个", "示范项目")]),
    ("对口帮扶企业10家，", [("对口帮扶企业10家", "对口帮扶企业")]),
    ("对1家以上拟上市企业进行辅导，", [("对1家以上拟上市企业进行辅导", "拟上市企业")]),
    ("将2016年实施的24项督查激励措施调整增加为30项督查激励措施。",
     [("将2016年实施的24项督查激励措施", "督查激励措施"), ("调整增加为30项督查激励措施", "督查激励措施")]),
    ("2020年产业规模达到1.2万亿元，比上年增长12.5%。",
     [("2020年产业规模达到1.2万亿元", "产业规模"), ("比上年增长12.5%", "产业规模")]),
])
def test_a_metric_starts_at_a_word(text, expected):
    assert phrases(text) == expected


def test_the_plans_own_place_is_a_subject_like_the_city():
    assert phrases("截至2024年11月底，宜都市有科创型企业533家，", ("宜都市",)) == \
        [("宜都市有科创型企业533家", "科创型企业")]


def test_values_given_respectively_go_to_each_thing_listed():
    found = phrases("到2026年，高新技术企业、专精特新企业和科技型中小企业的专利覆盖率分别达30%、20%和10%。")
    assert [m for _, m in found] == ["高新技术企业的专利覆盖率", "专精特新企业的专利覆盖率",
                                     "科技型中小企业的专利覆盖率"]
    assert len({key(m, "%") for _, m in found}) == 3
    found = phrases("专利申请量和授权量分别达到300件和200件。")
    assert [m for _, m in found] == ["专利申请量", "授权量"]


_PIECES = st.sampled_from(["到2025年", "，", "、", "；", "。", "（", "）", "全市", "有效发明专利", "达到",
                           "不少于", "以上", "新增", "每年", "建设", "的", "和", "500件", "2-3个",
                           "3.5万件", "13%", "10余家", "（1至3个）", "进行", "累计", "比2016年",
                           "增长", "分别", "万元", "\n"])


@settings(max_examples=200, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join))
def test_phrases_always_span_their_figure(text):
    quantities = find_quantities(text)
    found = figure_phrases(text, quantities)
    assert len(found) == len(quantities)
    for q, p in zip(quantities, found):
        assert 0 <= p.start <= q.start and q.end <= p.end <= len(text)
        key(p.metric) if p.metric else None
