"""Document metadata: the corpus in every form against the gold, and one small text per rule."""

from __future__ import annotations

import json
from functools import cache

import pytest

from policyparse.load import load
from policyparse.geo import _TSV, gazetteer
from policyparse.meta import five_year_plan, meta
from policyparse.model import Meta
from policyparse.pipeline import plan_from_document

from conftest import CORPUS, DOCS, gold

FORMS = {"txt": "seeds", "docx": "docx", "pdf": "pdf"}
# Regions keep official names (see policyparse/meta.py); this gold writes the short 阿坝州.
OFFICIAL_REGION = {"aba-zhengwu-shuju-banfa-2021": "四川省阿坝藏族羌族自治州"}


@cache
def corpus_plan(stem: str, form: str):
    path = CORPUS / "html" / f"{stem}.html" if form == "html" else \
        CORPUS / FORMS[form] / f"{stem}.{form}"
    return meta(plan_from_document(load(path)))


def plan_of(text: str):
    return meta(plan_from_document(load(text)))


# PDF loading is the slow part: the untitled 000 adds nothing over its txt and docx forms.
CASES = [(stem, form) for stem in DOCS for form in FORMS
         if not (form == "pdf" and stem.startswith("000"))]
CASES += [(stem, "html") for stem in DOCS if (CORPUS / "html" / f"{stem}.html").exists()]


@pytest.mark.parametrize("stem, form", CASES)
def test_corpus_meta_equals_gold(stem, form):
    got = json.loads(corpus_plan(stem, form).to_json())["meta"]
    want = {**gold(stem)["meta"], "doc_number": gold(stem)["meta"].get("doc_number")}
    if stem in OFFICIAL_REGION:
        want["region"] = OFFICIAL_REGION[stem]
    for key in ("title", "issuer", "issued", "region", "doc_type", "doc_number"):
        assert got[key] == want[key], key
    if want["period"] is None:
        assert got["period"] is None
    else:
        assert (got["period"]["start"], got["period"]["end"]) == \
            (want["period"]["start"], want["period"]["end"])


def test_corpus_periods_say_which_rule_fired():
    bases = {stem: corpus_plan(stem, "txt").meta.period.basis for stem in DOCS}
    assert bases == {"000_8b7cc7afb4aa70ed": "goals+baseline",
                     "001_8feaf3a5e4c88e3f": "issued+duration",
                     "003_351026cd5fe6092f": "fyp", "004_417ac496b24af2bd": "title",
                     "aba-zhengwu-shuju-banfa-2021": "term",  # 有效期2年 from the issue date
                     "gwy-jili-zhichi-2018": None, "gwy-zimaoqu-cuoshi-2018": None,
                     "gwyb-sanji-yiyuan-kaohe-2019": "goals+issued",
                     "gwyb-xiaoqu-youeryuan-2019": "deadlines+issued",
                     "gwyb-yaopin-jicai-shidian-2019": "term",  # 2019年初开始…周期为1年
                     "gwyb-zhengwu-xinmeiti-2018": "goals+issued",
                     "xinjiang-zhijian-xinwen-xuanchuan-2012": None}


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
    ("江油高新技术产业开发区知识产权发展规划", "四川省绵阳市江油市江油高新技术产业开发区"),
    ("江油高新技术开发区知识产权发展规划", "四川省绵阳市江油市江油高新技术开发区"),
    ("北京市海淀区知识产权发展规划", "北京市海淀区"),          # a municipality named once
    ("仙桃市知识产权发展规划", "湖北省仙桃市"),                # governed by the province directly
    ("恩施州知识产权发展规划", "湖北省恩施土家族苗族自治州"),  # 恩施 is short for the 自治州
    ("国家知识产权局工作要点", "全国"),                 # a central body
    ("知识产权工作要点", None),
    ("国家知识产权强县示范县工作方案", None),           # 国家 but no body named
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
    header = [line for line in _TSV.read_text(encoding="utf-8").splitlines()
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




# --- notices, decrees, document numbers, national documents -----------------------------------

def test_notice_heading_printed_twice_with_its_number_below():
    text = ("市科技局关于做好专利导航项目申报工作的通知\n市科技局关于做好专利导航项目申报工作的通知\n\n"
            "（宜科发〔2022〕7号）\n\n各区科技部门：\n现就有关事项通知如下。\n一、申报范围\n"
            "附件：申报表\n单位（盖章）\n   年   月   日")
    m = plan_of(text).meta
    assert m.title == "市科技局关于做好专利导航项目申报工作的通知" and m.doc_type == "通知"
    assert m.doc_number == "宜科发〔2022〕7号"
    # the blank-dated form at the end signs nothing: the heading names the issuer
    assert (m.issuer, m.issued) == ("市科技局", None)


@pytest.mark.parametrize("line, number", [
    ("鄂政办发〔2023〕15号", "鄂政办发〔2023〕15号"),
    ("（苏知发[2021]3号）", "苏知发[2021]3号"),
    ("发文字号：国知发管字〔2020〕1号", "国知发管字〔2020〕1号"),
])
def test_document_number_in_any_bracket_style(line, number):
    text = f"关于加强专利转化运用的实施意见\n{line}\n各有关单位：\n现提出如下意见。"
    assert plan_of(text).meta.doc_number == number


def test_a_number_cited_in_the_body_is_not_the_documents():
    text = "关于加强专利转化运用的实施意见\n各有关单位：\n根据《某某办法》（鄂政发〔2019〕3号），提出如下意见。"
    assert plan_of(text).meta.doc_number is None


def test_notice_handing_out_a_plan_names_the_plan_and_dates_by_the_signature():
    text = ("州人民政府关于印发《恩施州专利奖励办法》的通知\n恩施州政发〔2020〕5号\n各县市人民政府：\n"
            "现将《恩施州专利奖励办法》印发你们，请遵照执行。\n恩施土家族苗族自治州人民政府\n2020年3月2日\n"
            "恩施州专利奖励办法\n第一条 为鼓励发明创造，制定本办法。\n第二十条 本办法自印发之日起施行，有效期3年。")
    m = plan_of(text).meta
    assert (m.title, m.doc_type, m.doc_number) == ("恩施州专利奖励办法", "办法", "恩施州政发〔2020〕5号")
    assert (m.issuer, m.issued) == ("恩施土家族苗族自治州人民政府", "2020-03-02")
    assert m.region == "湖北省恩施土家族苗族自治州"
    # three years from 2020-03-02 run to 2023-03-01
    assert (m.period.start, m.period.end, m.period.basis) == (2020, 2023, "term")


def test_notice_issuing_two_documents_keeps_its_own_title():
    text = ("省政府办公厅关于印发两个实施细则的通知\n各市人民政府：\n"
            "《专利资助实施细则》和《商标资助实施细则》已经省政府同意，现印发给你们。\n"
            "湖南省人民政府办公厅\n2021年5月6日")
    m = plan_of(text).meta
    assert (m.title, m.doc_type) == ("省政府办公厅关于印发两个实施细则的通知", "通知")
    assert m.region == "湖南省"


def test_a_document_cited_as_already_issued_is_not_handed_out():
    text = ("关于做好专利申请资助工作的通知\n各单位：\n《专利资助管理办法》已经印发，现就有关事项通知如下。\n"
            "一、资助范围")
    assert plan_of(text).meta.title == "关于做好专利申请资助工作的通知"


def test_decree_heading_gives_issuer_number_and_date():
    text = ("湖北省人民政府令\n（第420号）\n《湖北省专利条例实施办法》已经省人民政府常务会议审议通过，"
            "现予公布，自2022年1月1日起施行。\n省长  王某某\n2021年11月20日\n湖北省专利条例实施办法\n"
            "第一章 总则\n第一条 为了保护专利权，制定本办法。")
    m = plan_of(text).meta
    assert (m.title, m.doc_type, m.region) == ("湖北省专利条例实施办法", "实施办法", "湖北省")
    assert (m.issuer, m.issued, m.doc_number) == ("湖北省人民政府", "2021-11-20", "湖北省人民政府令第420号")


def test_signature_with_web_residue_after_the_unit():
    text = "关于推进知识产权保护的意见\n各省人民政府：\n现提出如下意见。\n国务院办公厅     &nbsp;\n2019年3月1日\n一、总体要求"
    m = plan_of(text).meta
    assert (m.issuer, m.issued, m.region) == ("国务院办公厅", "2019-03-01", "全国")


@pytest.mark.parametrize("issuer, region", [
    ("国务院", "全国"), ("教育部", "全国"), ("海关总署", "全国"), ("国家知识产权局", "全国"),
    ("市委宣传部", None),  # a local unit whose place the text leaves out
])
def test_central_issuers_are_national_even_when_the_text_names_places(issuer, region):
    text = (f"{issuer}关于开展知识产权试点工作的通知\n各有关单位：\n"
            "选择浙江省杭州市、广东省深圳市开展试点，杭州市先行。\n" f"{issuer}\n2019年6月1日")
    want = region or "浙江省杭州市"  # a local text falls back to the place it names most
    assert plan_of(text).meta.region == want


# --- regions: a name must agree with its ending and its parent ---------------------------------

@pytest.mark.parametrize("title, body, region", [
    ("青山县知识产权工作方案", "", None),                          # 青山 is a 区 in 湖北 and 内蒙古
    ("青山县知识产权工作方案", "湖北省将给予支持。", "湖北省"),
    ("辽宁省朝阳区知识产权工作方案", "", "辽宁省"),                  # 辽宁 has no 朝阳区
    ("辽宁省朝阳县知识产权工作方案", "", "辽宁省朝阳市朝阳县"),
    ("青山区知识产权工作方案", "包头市将给予支持。", "内蒙古自治区包头市青山区"),
])
def test_county_level_name_agrees_in_suffix_and_parent(title, body, region):
    assert plan_of(f"{title}\n为推进知识产权工作，制定本方案。{body}").meta.region == region


# --- periods -----------------------------------------------------------------------------------

OPINION = "关于加快专利转化的意见\n各有关单位：\n{body}\n宜兴市人民政府\n{date}"


def test_goals_to_a_year_run_from_the_issue_year():
    m = plan_of(OPINION.format(body="到2025年，专利转化率达到20%。", date="2023年4月2日")).meta
    assert (m.period.start, m.period.end, m.period.basis) == (2023, 2025, "goals+issued")


def test_work_deadlines_without_goals():
    body = "各地于2023年6月底前完成摸底，2024年12月底前基本完成整改。请于2023年5月10日前报送方案。"
    m = plan_of(OPINION.format(body=body, date="2023年3月8日")).meta
    assert (m.period.start, m.period.end, m.period.basis) == (2023, 2024, "deadlines+issued")


def test_no_period_stated_is_null_in_the_json():
    body = "请于2023年5月10日前报送工作总结，从2024年起每年3月底前报送。"
    plan = plan_of(OPINION.format(body=body, date="2023年3月8日"))
    assert plan.meta.period.end is None  # Python callers still read a Period
    assert json.loads(plan.to_json())["meta"]["period"] is None
    assert Meta(**plan.meta.model_dump()) == plan.meta


@pytest.mark.parametrize("sentence, years", [
    ("执行期限为2020年7月1日至2024年6月30日。", (2020, 2024)),
    ("本办法自2021年1月1日起施行，有效期5年。", (2021, 2025)),  # a term from 1 January
    ("自2022年起在全市开展为期三年的专项行动。", (2022, 2024)),
])
def test_stated_terms(sentence, years):
    m = plan_of(OPINION.format(body=sentence, date="2019年5月6日")).meta
    assert (m.period.start, m.period.end, m.period.basis) == (*years, "term")


def test_a_validity_that_is_not_the_documents_own_is_no_term():
    body = "专利代理证书有效期为3年。"
    assert plan_of(OPINION.format(body=body, date="2019年5月6日")).meta.period.basis is None
