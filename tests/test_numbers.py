"""Quantities (extract/numbers.py, extract/units.py) and their classification (extract/cues.py),
on the issue's examples, on traps from the corpus and against every gold target and fact."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policyparse.errors import PolicyParseError
from policyparse.extract.cues import classify, cue_pattern, cues
from policyparse.extract.numbers import Quantity, find_quantities
from policyparse.extract.units import base_unit, fold_magnitude, lookup, vocabulary
from policyparse.load.text import load_text

from conftest import DOCS, gold, seed

D = Decimal


def only(text: str) -> Quantity:
    found = find_quantities(text)
    assert len(found) == 1, (text, found)
    return found[0]


@pytest.mark.parametrize("text, value, value_max, unit, family, base", [
    ("1,000万元", "1000", None, "万元", "money", "10000000"),
    ("920.6亿元", "920.6", None, "亿元", "money", "92060000000"),
    ("7亿元", "7", None, "亿元", "money", "700000000"),
    ("10000万元", "10000", None, "万元", "money", "100000000"),
    ("1千余万元", "1000", None, "万元", "money", "10000000"),
    ("1千万元", "1000", None, "万元", "money", "10000000"),
    ("五千万元", "5000", None, "万元", "money", "50000000"),
    ("41.97万元", "41.97", None, "万元", "money", "419700"),
    ("3.5万件", "35000", None, "件", "件", "35000"),
    ("2.2万件", "22000", None, "件", "件", "22000"),
    ("53万件", "530000", None, "件", "件", "530000"),
    ("1,000件", "1000", None, "件", "件", "1000"),
    ("三年", "3", None, "年", "month", "36"),
    ("一百个", "100", None, "个", "个", "100"),
    ("十万人次", "100000", None, "人次", "人次", "100000"),
    ("两个", "2", None, "个", "个", "2"),
    ("十余家", "10", None, "家", "家", "10"),
    ("2-3个", "2", "3", "个", "个", "2"),
    ("1至3个", "1", "3", "个", "个", "1"),
    ("3～5项", "3", "5", "项", "项", "3"),
    ("三至五家", "3", "5", "家", "家", "3"),
    ("1-2万件", "10000", "20000", "件", "件", "10000"),
    ("5万至10万元", "5", "10", "万元", "money", "50000"),
    ("20%-30%", "20", "30", "%", "percent", "20"),
    ("13%", "13", None, "%", "percent", "13"),
    ("0.1%", "0.1", None, "%", "percent", "0.1"),
    ("2个百分点", "2", None, "个百分点", "percentage-point", "2"),
    ("1.5倍", "1.5", None, "倍", "ratio", "1.5"),
    ("90分", "90", None, "分", "score", "90"),
    ("百分之三十", "30", None, "百分之", "percent", "30"),
    ("2个月", "2", None, "个月", "month", "2"),
    ("3名", "3", None, "名", "person", "3"),
    ("10场（次）", "10", None, "场（次）", "场", "10"),
    ("１２件", "12", None, "件", "件", "12"),
    ("25.3万张", "253000", None, "张", "张", "253000"),
    ("24小时", "24", None, "小时", "hour", "24"),
    ("1200万吨", "12000000", None, "吨", "吨", "12000000"),
    ("1.5亿美元", "1.5", None, "亿美元", "usd", "150000000"),
])
def test_quantity_values(text, value, value_max, unit, family, base):
    q = only(f"目标：{text}，")
    assert q.written == text
    assert q.unit == unit and q.unit_family == family
    assert q.value == D(value)
    assert q.value_max == (D(value_max) if value_max else None)
    assert q.base_value == D(base)


def test_fractions():
    third = only("三分之一")
    assert third.unit == "分之" and abs(third.value * 3 - 1) < D("1e-60")
    assert only("千分之五").base_value == D("0.5")  # percent


def test_decimal_arithmetic_is_exact():
    assert only("10000万元").base_value == only("1亿元").base_value == D(100000000)
    assert only("0.1%").value == D("0.1")  # not 0.1000000000000000055…
    assert only("1,000万元").base_value == only("0.1亿元").base_value


@pytest.mark.parametrize("text, approx, bound", [
    ("近2亿元", "近", ()), ("40余家", "余", ()), ("约为60%", "约为", ()),
    ("10家左右", "左右", ()), ("不少于2次", None, ("不少于",)), ("7亿元以上", None, ("以上",)),
    ("1项及以上", None, ("及以上",)), ("至少3名", None, ("至少",)), ("超30亿元", None, ("超",)),
    ("控制在5%以内", None, ("以内",)),
])
def test_words_next_to_a_number_qualify_it_outside_its_span(text, approx, bound):
    q = only(text)
    assert q.approx == approx and q.bound == bound
    assert q.written not in ("近", "约为") and not q.written.endswith(("以上", "以内", "左右"))


@pytest.mark.parametrize("text", [
    "一是加强", "统一标准", "一站式服务", "第一产业", "培育一批", "一体化", "“十四五”期间",
    "十四五期间", "一地六县", "“一湾三带”", "到2024年", "2024年1月-2024年5月", "（2024—2026年）",
    "“4.26世界知识产权日”", "“3.15”国际消费者权益日", "GB/T29490-2013", "(ISO56005)",
    "（宜府办发〔2022〕43号）", "1.强化政策", "（1）战略性", "3、 重点任务", "12315平台",
    "差距（图 2）", "表1", "第3次", "自22年以来", "一次性告知", "二次创业", "两三个",
    "第十四个五年规划", "发布时间:2023-12-25", "每万人口", "万人高价值", "百年未有之大变局",
    "世界500强", "3大战略", "“3335”产业", "“4·26”", "“3+3+N”", "9" * 30 + "件",
    "年满18周岁", "十五届94次常务会议",
])
def test_not_quantities(text):
    assert find_quantities(text) == [], text


def test_a_number_without_unit_stands_alone_or_not_at_all():
    assert only("志愿者队成员10以上，").unit is None
    cells = find_quantities("目标值\t5512\t10000\n5302")
    assert [q.value for q in cells] == [D(5512), D(10000), D(5302)]
    assert find_quantities("1\t年度发明专利授权量\t件") == []  # a row number
    assert find_quantities("2024") == []


def test_offsets_and_spans():
    text = "到2027年，新增发明专利1,000件，高价值专利占比提高至30%。"
    for q in find_quantities(text, offset=100):
        assert text[q.start - 100:q.end - 100] == q.written


# -- units -------------------------------------------------------------------------------------

def test_vocabulary_is_consistent():
    vocab = vocabulary()
    for family, base in vocab.bases.items():
        assert lookup(base) is not None and lookup(base).family == family
        assert lookup(base).factor == 1, base
    for unit in vocab.units.values():
        assert base_unit(unit.family) is not None
    comparator_words = {w for words in cues()["comparator"].values() for w in words}
    assert set(vocab.adjacent["bound_after"]) <= comparator_words


def test_magnitudes_fold_into_money_units_only():
    assert fold_magnitude("千万", "元") == ("千", "万元")
    assert fold_magnitude("亿", "元") == ("", "亿元")
    assert fold_magnitude("万", "件") == ("万", "件")
    assert lookup("场（次）").name == "场" and lookup("台（套）").name == "台"
    assert lookup("斤") is None


# -- gold ----------------------------------------------------------------------------------------

def _quoted(items: list[dict]) -> list[tuple[dict, Quantity]]:
    """Gold items with the figure their quote states (the first with a unit).  A quote without
    one must be a table row's name (年度发明专利授权量): its figure is in the row's cells."""
    pairs = []
    for item in items:
        found = find_quantities(item["quote"])
        with_unit = [q for q in found if q.unit]
        if found:
            pairs.append((item, (with_unit or found)[0]))
        else:
            assert not any(c.isdigit() for c in item["quote"]), item["quote"]
    return pairs


# Targets whose gold needs more than the quote: the verb or 新增 sits earlier in the clause, or
# the unit is implied by the metric (成员10 → 人).  Checked again with their line as context.
NEEDS_CONTEXT = {
    "5个以上产业、企业专利导航项目": "组织实施… earlier in the clause makes it a count",
    "一等奖或二等奖1项及以上": "获得… earlier in the clause makes it a count",
    "5条以上知识产权宣传小视频": "shares 每年发布 with the clause before",
    "1个省级知识产权示范园区": "新增 earlier in the clause",
    "保护中心分中心2家": "新增 earlier in the clause",
    "技术调查官10人": "新增 earlier in the clause",
    "各级专利奖不少于5项": "gold: a count; nothing in the text marks it as one",
}
# Disagreements that remain with context: listed, not hidden.
GOLD_ONLY = {"志愿者队成员10以上": "unit 人 implied by 成员", "各级专利奖不少于5项": "count"}


def _expected(t: dict) -> tuple:
    return t["comparator"], t["kind"], t["cumulative"], t["per_year"]


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    return {stem: load_text(seed(stem).read_text(encoding="utf-8")).text for stem in DOCS}


def test_gold_target_values_units_and_labels(texts):
    tally = {"targets": 0, "value+unit": 0, "labels (quote)": 0, "labels (line)": 0}
    for stem in DOCS:
        text = texts[stem]
        for t, q in _quoted(gold(stem)["targets"]):
            tally["targets"] += 1
            got = (q.value, q.value_max, q.unit)
            want = (D(str(t["value"])), None if t["value_max"] is None else D(str(t["value_max"])),
                    t["unit"])
            if t["quote"] in GOLD_ONLY and "unit" in GOLD_ONLY[t["quote"]]:
                assert got[:2] == want[:2] and got[2] is None
            else:
                assert got == want, t["quote"]
                tally["value+unit"] += 1
            alone = tuple(classify(t["quote"], q))
            if t["quote"] not in NEEDS_CONTEXT:
                assert alone == _expected(t), t["quote"]
            tally["labels (quote)"] += alone == _expected(t)
            # the same figure in its line, as the targets extractor will see it
            at = text.index(t["quote"])
            line_start = text.rfind("\n", 0, at) + 1
            line = text[line_start:text.find("\n", at) % (len(text) + 1)]
            in_line = [p for p in find_quantities(line, line_start)
                       if p.start == at + q.start and p.written == q.written]
            assert len(in_line) == 1, t["quote"]
            labels = tuple(classify(line, in_line[0], line_start))
            if t["quote"] not in GOLD_ONLY:
                assert labels == _expected(t), t["quote"]
            tally["labels (line)"] += labels == _expected(t)
    # 136 gold targets, 128 with a figure in the quote (8 quote a table row's name):
    # value+unit 127/128 (成员10 has no written unit), labels 120/128 from the quote alone and
    # 127/128 with the line (各级专利奖不少于5项 is a count in the gold, a level here).
    assert tally["targets"] - tally["value+unit"] == 1
    assert tally["targets"] - tally["labels (line)"] == 1


def test_gold_fact_values_and_units():
    checked = 0
    for stem in DOCS:
        for f, q in _quoted(gold(stem)["facts"]):
            assert q.value == D(str(f["value"])), f["quote"]
            if q.written == f["quote"]:  # a table cell (5512): the unit is in the row's header
                assert q.unit is None
            else:
                assert q.unit == f["unit"], f["quote"]
            checked += 1
    # 80 of the 93 gold facts have their figure in the quote (13 quote a table row's name).
    assert checked


def test_corpus_spans_are_exact_and_every_gold_figure_is_found(texts):
    for stem in DOCS:
        text = texts[stem]
        found = find_quantities(text)
        for q in found:
            assert text[q.start:q.end] == q.written
        spans = {(q.start, q.end) for q in found}
        doc = gold(stem)
        for item, q in _quoted(doc["targets"] + doc["facts"]):
            at = text.index(item["quote"])
            assert (at + q.start, at + q.end) in spans, item["quote"]


# -- classification --------------------------------------------------------------------------------

@pytest.mark.parametrize("clause, labels", [
    ("将侵权案件平均处理周期缩短至2个月", ("<=", "level", False, False)),
    ("运营成本控制在5%以内", ("<=", "share", False, False)),
    ("投资500万元建设知识产权交易中心", ("=", "level", False, False)),
    ("投资建设10家以上工作站", (">=", "count", False, False)),  # 投资 commits money only
    ("发明专利授权量年均增长15%", (">=", "growth_rate", False, True)),
    ("转化率提高至60%", (">=", "share", False, False)),
    ("高价值专利占比提高2个百分点", (">=", "increment", False, False)),
    ("专利密集型产业增加值占GDP比重达19%", (">=", "share", False, False)),
    ("新增贯标企业120家以上", (">=", "increment", False, False)),
    ("每年举办3次以上培训班", (">=", "count", False, True)),
    ("知识产权年质押金额达7亿元以上", (">=", "level", False, True)),
    ("2027年实现贷款金额5亿元", (">=", "level", False, False)),
    ("力争累计达到3亿元", (">=", "level", True, False)),
    ("形成2-3个产业集群", ("range", "count", False, False)),
    ("达到2至3万件", ("range", "level", False, False)),
    ("确保1年内完成合同用量", ("<=", "level", False, False)),
    ("在2—3年内调整到位", ("range", "level", False, False)),
    ("按照年度药品总用量的60%—70%估算", ("range", "share", False, False)),
    ("每年经费不低于一般公共预算支出的0.1%", (">=", "share", False, True)),
    ("选择甲、乙、丙和丁4个城市", ("=", "count", False, False)),
    ("组建1支志愿者队伍，成员10人以上", ("=", "count", False, False)),
    ("建成1家省级以上培育中心", (">=", "count", False, False)),
    ("比上年增长12.5%", (">=", "growth_rate", False, False)),
])
def test_classify(clause, labels):
    q = find_quantities(clause)[0]
    assert tuple(classify(clause, q)) == labels


def test_cues_do_not_leak_across_clauses():
    clause = "有效注册商标量年均增长8%，达到5000件以上"
    first, second = find_quantities(clause)
    assert tuple(classify(clause, first)) == (">=", "growth_rate", False, True)
    assert tuple(classify(clause, second)) == (">=", "level", False, False)


@pytest.mark.parametrize("table", ["comparator", "kind", "flags"])
def test_each_plain_cue_is_read_as_its_own_key(table):
    # longest-first alternation: 不超过 is a ceiling although 超过 is a goal
    group = {">=": "ge", "<=": "le", "=": "eq"}
    for key, words in cues()[table].items():
        if key == "event_units":
            continue
        for word in words:
            if word.isalnum():  # a plain word, not a pattern
                m = cue_pattern(table).search(word)
                assert m and m.group() == word and m.lastgroup == group.get(key, key), word


# -- robustness ----------------------------------------------------------------------------------

NUMBERISH = st.text(alphabet="0123456789０９,.．%％-～至到万亿千百元件个年月余约近以上第图“”（）\n\t "
                    "一二两三十百零分之点个人次场", max_size=80)


def _check(text: str, offset: int) -> None:
    try:
        found = find_quantities(text, offset)
    except PolicyParseError:
        return
    for q in found:
        assert text[q.start - offset:q.end - offset] == q.written
        assert q.value.is_finite() and q.base_value.is_finite()
        assert q.value_max is None or q.value < q.value_max


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200), st.integers(0, 10_000))
def test_any_text_gives_exact_spans(text, offset):
    _check(text, offset)


@settings(max_examples=500, deadline=None)
@given(NUMBERISH, st.integers(0, 100))
def test_number_like_text_gives_exact_spans(text, offset):
    _check(text, offset)


@pytest.mark.parametrize("text, expected", [
    ("7" * 100_000, 0),  # one 100 KB identifier, not a number
    ("1,000件，" * 16_000, 16_000),
    ("1.2," * 25_000, 0),  # a line-start number that is not the whole line, then joiners
    ("一二三四五六七八九十" * 10_000, 0),
    (",.%" * 33_000, 0),
], ids=["digits", "thousands", "decimals", "chinese", "punctuation"])
def test_no_catastrophic_backtracking(text, expected):
    # Each of these 100 KB strings takes well under a second; a backtracking pattern would not.
    assert len(find_quantities(text)) == expected
