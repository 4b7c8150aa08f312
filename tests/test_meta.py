"""Document metadata: the corpus in every form against the gold, and one small text per rule."""

from __future__ import annotations

from functools import cache

import pytest

from policyparse.load import load
from policyparse.meta import _DATA, five_year_plan, gazetteer, meta
from policyparse.model import Meta
from policyparse.pipeline import plan_from_document

from conftest import CORPUS, DOCS, gold

FORMS = {"txt": "seeds", "docx": "docx", "pdf": "pdf"}


@cache
def corpus_plan(stem: str, form: str):
    return meta(plan_from_document(load(CORPUS / FORMS[form] / f"{stem}.{form}")))


def plan_of(text: str):
    return meta(plan_from_document(load(text)))


# PDF loading is the slow part: the untitled 000 adds nothing over its txt and docx forms.
CASES = [(stem, form) for stem in DOCS for form in FORMS
         if not (form == "pdf" and stem.startswith("000"))]


@pytest.mark.parametrize("stem, form", CASES)
def test_corpus_meta_equals_gold(stem, form):
    got = corpus_plan(stem, form).meta.model_dump()
    want = gold(stem)["meta"]
    for key in ("title", "issuer", "issued", "region", "doc_type"):
        assert got[key] == want[key], key
    assert (got["period"]["start"], got["period"]["end"]) == \
        (want["period"]["start"], want["period"]["end"])


def test_corpus_periods_say_which_rule_fired():
    bases = {stem: corpus_plan(stem, "txt").meta.period.basis for stem in DOCS}
    assert bases == {"000_8b7cc7afb4aa70ed": "goals+baseline",
                     "001_8feaf3a5e4c88e3f": "issued+duration",
                     "003_351026cd5fe6092f": "fyp", "004_417ac496b24af2bd": "title"}


# --- one small text per rule -------------------------------------------------------------------

BODY = "为推动全县知识产权事业高质量发展，制定本规划。\n一、总体要求\n到{end}年，全县有效发明专利达到500件。"


@pytest.mark.parametrize("plan_name, years", [("十四五", (2021, 2025)), ("十五五", (2026, 2030))])
def test_five_year_plan_in_title(plan_name, years):
    m = plan_of(f"宜都市知识产权“{plan_name}”规划\n" + BODY.format(end=years[1] + 5)).meta
    assert m.title == f"宜都市知识产权“{plan_name}”规划" and m.doc_type == "规划"
    assert (m.period.start, m.period.end, m.period.basis) == (*years, "fyp")


def test_five_year_plan_numbering():
    assert five_year_plan(10) == (2001, 2005) and five_year_plan(14) == (2021, 2025)


@pytest.mark.parametrize("dash", ["—", "-", "－", "～", "至"])
def test_year_range_in_title_with_any_dash(dash):
    title = f"宜兴市知识产权强县建设工作方案（2024{dash}2026年）"
    m = plan_of(f"{title}\n为推进知识产权强县建设，制定本方案。\n到2030年，建成强县。").meta
    assert m.title == title and m.doc_type == "工作方案"
    assert (m.period.start, m.period.end, m.period.basis) == (2024, 2026, "title")


NOTICE = """登录 注册 退出
市人民政府办公室关于印发{title}的通知
各乡镇人民政府，市政府各部门：
现将《{title}》印发给你们，请认真贯彻落实。
宜都市人民政府办公室
{date}
{title}
为深入实施知识产权强国战略，制定本方案。
到2030年，全市有效发明专利达到800件。"""


def test_duration_in_title_runs_from_the_issue_year():
    m = plan_of(NOTICE.format(title="宜都市知识产权三年行动方案", date="2023年12月25日")).meta
    assert (m.title, m.doc_type) == ("宜都市知识产权三年行动方案", "行动方案")
    assert (m.issuer, m.issued) == ("宜都市人民政府办公室", "2023-12-25")
    assert (m.period.start, m.period.end, m.period.basis) == (2023, 2025, "issued+duration")
    assert m.region == "湖北省宜昌市宜都市"


def test_notice_wrapper_with_written_out_date():
    title = "宜都市知识产权保护工作方案（2025—2027年）"
    m = plan_of(NOTICE.format(title=title, date="二〇二五年一月十八日")).meta
    assert m.title == title and m.doc_type == "工作方案"
    assert (m.issuer, m.issued) == ("宜都市人民政府办公室", "2025-01-18")


def test_notice_heading_alone_names_the_title_wrapped_over_lines():
    text = "关于印发《宜兴市知识产权\n强县建设实施方案》的通知\n各镇人民政府：\n特此通知。"
    m = plan_of(text).meta
    assert (m.title, m.doc_type) == ("宜兴市知识产权强县建设实施方案", "实施方案")
    assert m.region == "江苏省无锡市宜兴市"


def test_blank_signature_date_keeps_the_issuer():
    m = plan_of(NOTICE.format(title="宜都市知识产权三年行动方案", date="年  月  日")).meta
    assert (m.issuer, m.issued) == ("宜都市人民政府办公室", None)
    # without an issue date the duration counts back from the goals' year
    assert (m.period.start, m.period.end, m.period.basis) == (2028, 2030, "goals+duration")


def test_signature_at_the_end_and_web_date():
    text = "宜兴市知识产权强县建设实施意见\n为推进强县建设，提出如下意见。\n宜兴市人民政府\n2024年3月8日"
    assert (plan_of(text).meta.issuer, plan_of(text).meta.issued) == ("宜兴市人民政府", "2024-03-08")
    web = "宜兴市知识产权工作要点\n栏目:政策文件 发布时间:2024-02-05 加入收藏\n一、加强创造"
    m = plan_of(web).meta
    assert (m.issuer, m.issued, m.doc_type) == (None, "2024-02-05", "工作要点")


def test_missing_title_reads_type_and_period_from_the_text():
    text = ("第一章 规划背景\n截至2024年10月，全市有效发明专利383件。\n第二章 规划目标\n"
            "到2027年，全市有效发明专利达到500件。到2027年，商标达到5000件。\n"
            "根据省规划，到2025年，占比达到13%。\n宜都市将持续推进。")
    m = plan_of(text).meta
    assert m.title is None and m.issuer is None and m.doc_type == "规划"
    assert (m.period.start, m.period.end, m.period.basis) == (2025, 2027, "goals+baseline")
    assert m.region == "湖北省宜昌市宜都市"


def test_title_over_short_lines_letter_spaced():
    m = plan_of("武汉经济技术开发区\n知识产权强区建设\n实 施 方 案\n（征求意见稿）\n为推进…，制定本方案。").meta
    assert m.title == "武汉经济技术开发区知识产权强区建设实施方案（征求意见稿）"
    assert m.doc_type == "实施方案" and m.region == "湖北省武汉市武汉经济技术开发区"


# --- regions -----------------------------------------------------------------------------------

@pytest.mark.parametrize("title, region", [
    ("宜都知识产权发展规划", "湖北省宜昌市宜都市"),            # short form at the start
    ("湖北省宜都市知识产权发展规划", "湖北省宜昌市宜都市"),    # the deepest division named
    ("武汉经开区知识产权发展规划", "湖北省武汉市武汉经开区"),  # a zone as written
    ("北京市海淀区知识产权发展规划", "北京市海淀区"),          # a municipality named once
    ("仙桃市知识产权发展规划", "湖北省仙桃市"),                # governed by the province directly
    ("恩施州知识产权发展规划", "湖北省恩施土家族苗族自治州"),  # 恩施 is short for the 自治州
    ("国家知识产权局工作要点", None),
])
def test_region_from_title(title, region):
    assert plan_of(f"{title}\n为推进知识产权工作，制定本规划。").meta.region == region


def test_shared_name_resolved_by_the_parents_the_text_mentions():
    body = "\n为推进知识产权工作，制定本规划。\n{}知识产权工作走在前列。"
    assert plan_of("朝阳区知识产权规划" + body.format("北京")).meta.region == "北京市朝阳区"
    assert plan_of("朝阳区知识产权规划" + body.format("长春")).meta.region == "吉林省长春市朝阳区"


def test_short_county_name_inside_a_word_is_not_a_mention():
    assert gazetteer().mentions("建设国家知识产权强县示范县") == []
    assert [m[2] for m in gazetteer().mentions("河南省范县人民政府")] == ["河南省", "范县"]


def test_region_from_issuer_then_from_the_most_named_place():
    text = "关于加强知识产权保护的意见\n为加强保护，提出如下意见。\n宜兴市人民政府办公室\n2024年6月12日"
    assert plan_of(text).meta.region == "江苏省无锡市宜兴市"
    text = ("第一章 总体要求\n宜都市位于宜昌市西南。宜都市、宜都高新区和宜都各乡镇共同推进。\n"
            "城区和郊区的企业（不是地名）。宜昌市其他县市区协同。")
    assert plan_of(text).meta.region == "湖北省宜昌市宜都市"
    assert plan_of("第一章 总体要求\n宜都各乡镇共同推进。").meta.region is None


def test_gazetteer_file_keeps_attribution_and_parents():
    header = [line for line in (_DATA / "regions.tsv").read_text(encoding="utf-8").splitlines()
              if line.startswith("#")]
    assert any("cpca" in line for line in header)
    assert any("MIT License" in line for line in header)
    assert any("Copyright (c) 2018 QinYuan Du" in line for line in header)
    g = gazetteer()
    assert len(g.divisions) > 3000
    for div in g.divisions.values():
        assert len(div.code) == 6 and div.code.isdigit()
        if div.level == 2 and not div.code.startswith(("71", "81", "82")):
            assert g.parents(div), div  # every county is under a province at least
        assert not div.short or (len(div.short) >= 2 and div.short in div.name)


def test_loader_meta_fills_only_the_gaps():
    plan = plan_from_document(load("宜兴市知识产权工作方案（2024-2026年）\n为推进工作，制定本方案。"))
    plan.meta = Meta(issuer="宜兴市人民政府", title="网页标题")
    m = meta(plan).meta
    assert (m.title, m.issuer, m.period.end) == ("宜兴市知识产权工作方案（2024-2026年）",
                                                 "宜兴市人民政府", 2026)


