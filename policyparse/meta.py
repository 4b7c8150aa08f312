"""Document metadata (title, issuer, issue date, document number, region, type, plan period).

Everything is read from the text, so a plan gets the same metadata in every format; what a loader
found (HTML ``<meta>``, Word properties) only fills the fields the text leaves empty.  The title
and the signature are searched in the head and tail lines only; the whole text is scanned only
when those give nothing (place names, goal years, self-references).

- title: the one 《X》 a notice hands out (``现将《X》印发给你们``, ``《X》已经…通过，现予公布``),
  else X in a notice heading ``关于印发X的通知``, else the first run of short leading lines that
  ends in a document type (``示例经济技术开发区`` / ``知识产权“十四五”规划`` / ``（征求意见稿）``);
  a line repeated (web exports print the heading twice) counts once.  A text that opens with its
  first chapter has none.
- issuer, issued: a signing-unit line directly above a date line (``某县政府办公室`` /
  ``2024年6月12日``) in the head, else a dated one in the tail; else the unit the heading names
  (``X关于…的通知``, a decree's ``X令`` / ``第N号``) with the date line standing alone in the head;
  failing that the date of a web page's 发布时间.  A tail signature with a blank 年月日 comes last:
  it is mostly a form attached for filling in.
- doc_number: the 发文字号 line of the head (``国办发〔2019〕4号``, ``（新质监办发〔2012〕24号）``,
  ``发文字号：…``), else a decree's ``X令第N号``.
- doc_type: the title's ending, else the type the text calls itself most (``本规划``,
  ``第一章 规划背景``); vocabularies in ``data/meta.toml``.
- period: the first rule that fires, named in ``basis``; none (null in the JSON) when the text
  states no period:
  ``title``: a year range in the title, ``（2024—2026年）``;
  ``fyp``: a five-year plan in the title, ``“十四五”`` → 2021–2025;
  ``issued+duration``: ``三年行动方案`` issued in 2023 → 2023–2025;
  ``term``: a stated term, ``执行期限为2019年1月1日至2023年12月31日``, or N years from a date:
  ``本办法自印发之日起施行，有效期2年`` (from the issue date), ``自2020年起开展为期3年的…``;
  ``goals+duration`` / ``goals+baseline`` / ``goals+issued`` / ``goals``: the end is the year the
  goals are due (the most frequent ``到2027年``); the start is end − duration + 1 when the title
  gives a duration, else the year after the plan's baseline (the latest ``截至2024年…`` status it
  reports), because a plan is drafted on the figures of the year before it begins, else the
  issue year;
  ``deadlines+issued``: without goals, the issue year to the latest ``2020年12月底前完成``.
- region: the administrative path (``geo``) of the place the title names, else the issuer's;
  ``全国`` for a central issuer (国务院办公厅, 教育部); else the place the text names most.  A
  development zone named after a division is put under it (``浙江省湖州市湖州经济技术开发区``).
  Divisions keep their official names (阿坝州 → 四川省阿坝藏族羌族自治州), so that documents of
  one place share one region however they abbreviate it.
"""

from __future__ import annotations

from collections import Counter

import regex

from .data import alternation, load as load_data
from .geo import gazetteer
from .model import Meta, Period, Plan
from .pipeline import component
from .text.clauses import SENTENCES
from .text.numerals import five_year_plan, whole_number

_VOCAB = load_data("meta.toml")
# How many lines a title may start within, and the head and tail searched for the signature.
TITLE_LINES, HEAD_LINES, TAIL_LINES = 15, 40, 15
NATIONAL = "全国"

_TYPES = alternation(_VOCAB["doc_types"])
_TITLE = regex.compile(rf".{{2,100}}?(?P<type>{_TYPES})(?:[（(][^（）()]{{1,20}}[）)])*")
_NOTICE = regex.compile(r".{0,30}?关于(?:印发|转发)《?(?P<title>.{4,100}?)》?的通知")
# The one 《X》 a sentence hands out (not the second of 《A》和《B》); 现 marks the handing out
# (现将《X》印发你们 / 《X》已经…同意，现印发给你们), unlike a past 《X》已经印发.
_HANDED_OUT = regex.compile(
    r"(?<!》[和、及与]?)(?P<now>现将|现把)?《(?P<title>[^《》]{4,120})》(?P<gap>[^《》。]{0,60}?)"
    r"(?:印\s*发|转\s*发|公\s*布|发\s*布)(?:给?\s*你\s*们)?(?=[，,。；;\n]|$)")
# A notice that issues several documents (《A》和《B》, 两个规定) is titled as a whole.
_SEVERAL = regex.compile(r"》|[两二三四五六七八九十]个\p{Han}{1,4}$")
# Lines that cannot be part of a title: sentences, numbered headings, web menus (登录 注册 退出).
_NOT_TITLE = regex.compile(
    r"[。；;：:！!？?\t]|[，,]$|^(?:第[一二三四五六七八九十百\d]+[章节篇]|[一二三四五六七八九十]+、"
    r"|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．]|附件)|^\S{2,4}(?:\s+\S{2,4}){2,}$")
_MAX_TITLE_LINE, _MAX_TITLE_LINES = 40, 4
_SELF = regex.compile(rf"(?:本|第[一二三四五六七八九十\d]{{1,3}}[章节篇]\s*)({_TYPES})")

_CN_NUM = r"[〇零○一二三四五六七八九十]"
_DATE_LINE = regex.compile(
    rf"[（(]?(?P<y>\d{{4}}|{_CN_NUM}{{4}})\s*年\s*(?P<m>\d{{1,2}}|{_CN_NUM}{{1,2}})\s*月"
    rf"\s*(?P<d>\d{{1,2}}|{_CN_NUM}{{1,3}})\s*日[）)]?|年\s*月\s*日")
_WEB_DATE = regex.compile(
    r"(?:发布时间|发布日期|成文日期|印发日期)\s*[:：]\s*(?P<y>\d{4})[-/.年](?P<m>\d{1,2})[-/.月]"
    r"(?P<d>\d{1,2})")
_ISSUER = regex.compile(rf"\S{{2,40}}?(?:{alternation(_VOCAB['issuer_suffixes'])})")
# Web residue after a signing unit (国务院办公厅  &sp;): a unit's name ends in a character.
_AFTER_UNIT = regex.compile(r"[^\p{Han}]+$")
_HEADING_ISSUER = regex.compile(r"(?P<issuer>.{2,40}?)(?=关于|转发|印发|批转)")
_DECREE = regex.compile(r"(?P<issuer>\S{2,30}?)令")
_DECREE_NUMBER = regex.compile(r"[（(]?(?P<n>第\s*\d{1,5}\s*号)[）)]?")
_NATIONAL = regex.compile(
    rf"(?:{alternation(_VOCAB['national_bodies'])})"
    rf"|国家\p{{Han}}{{1,10}}?(?:{alternation(_VOCAB['national_body_endings'])})"
    rf"|(?![省市县区州盟旗乡镇])\p{{Han}}{{1,12}}?(?:{alternation(_VOCAB['ministry_suffixes'])})$")

# 发文字号: an issuer's abbreviation, the year in brackets of any style, the serial number.
_DOC_NUMBER = r"\p{Han}{1,12}[〔\[［【(（]\s*\d{4}\s*[〕\]］】)）]\s*第?\s*\d{1,5}\s*号"
_DOC_NUMBER_LINE = regex.compile(rf"[（(]?(?P<number>{_DOC_NUMBER})[）)]?")
_DOC_NUMBER_FIELD = regex.compile(rf"(?:发文字号|文号)\s*[:：]?\s*(?P<number>{_DOC_NUMBER})")

_RANGE = regex.compile(r"(\d{4})\s*年?\s*[—–\-－~～至到―─]{1,2}\s*(\d{4})(?!\d)")
_FYP = regex.compile(r"[“\"](?P<n>十[一二三四五六七八九]?)五[”\"]|第(?P<n>十[一二三四五六七八九]?)个五年"
                     r"|(?P<n>十[一二三四五六七八九]?)五(?=规划|时期|期间)")
_N = r"(?P<n>[一二两三四五六七八九十]|\d{1,2})"
_DURATION = regex.compile(rf"{_N}年(?=(?:行动|工作|实施|攻坚|专项)?(?:方案|计划|规划|行动))")
# Not 截至2024年 (a status) nor 2021至2025年 (a range).
_GOAL_YEAR = regex.compile(r"(?<![截止年\d])[到至](\d{4})年")
_BASELINE_YEAR = regex.compile(r"截[至止]到?\s*(\d{4})\s*年")
# Work to be completed by a date: 2020年12月底前完成管网改造 (not 前报送, a report due).
_DEADLINE = regex.compile(
    r"(?<!\d)(\d{4})\s*年(?:\d{1,2}月)?(?:\d{1,2}日)?(?:年?底|末)?(?:之?前|以前)[^，,。；;]{0,4}?完成")
# A stated term, in one sentence: the document's own (本办法…有效期2年, 执行期限为A至B,
# 自A至B施行), or an undertaking's from a dated start (2019年初开始执行…周期为1年, 为期3年).
_TERM_RANGE = regex.compile(
    r"(?:期限|有效期)[为是]?(?:自|从)?(\d{4})年[^。；;至到]{0,8}[至到](\d{4})年"
    r"|自(\d{4})年[^。；;至到]{0,8}[至到](\d{4})年[^。；;]{0,8}?(?:施行|试行|有效)")
_OWN_TERM = regex.compile(rf"本(?:{_TYPES})[^。；;]*?有效期[为是]?{_N}年")
_DATED_TERM = regex.compile(rf"(?:为期|周期[为是]?){_N}年")
_TERM_START = regex.compile(r"(?P<y>\d{4})年(?:(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})日)?|初)?[^。；;]{0,12}?"
                            r"(?:起|开始)")


@component("meta")
def meta(plan: Plan) -> Plan:
    """Fill ``plan.meta`` from the text; a field the text leaves empty keeps the loader's value."""
    found = {k: v for k, v in read_meta(plan.text).model_dump().items() if v is not None}
    plan.meta = Meta(**{**plan.meta.model_dump(), **found})
    return plan


def read_meta(text: str) -> Meta:
    head = [line.strip() for line in text.split("\n", HEAD_LINES)[:HEAD_LINES]]
    tail = [line.strip() for line in text.rsplit("\n", TAIL_LINES)[-TAIL_LINES:]]
    heading = _title_run(head[:TITLE_LINES])
    title = _title(head, heading)
    decree = _decree(head)
    named = decree[0] if decree else _heading_issuer(heading)
    issuer, issued = _issuer_and_issued(head, tail, named)
    issued = issued or _web_date(head)
    doc_number = _doc_number(head) or _doc_number(tail) or (decree[1] if decree else None)
    return Meta(title=title, issuer=issuer, issued=issued, doc_type=_doc_type(title, text),
                doc_number=doc_number, region=_region(title, issuer, text),
                period=_period(title, issued, text))


def _title(head: list[str], heading: str | None) -> str | None:
    for m in _HANDED_OUT.finditer("\n".join(head)):
        if m["now"] or "现" in m["gap"]:
            return _squash(m["title"])
    if heading is None:
        return None
    notice = _NOTICE.fullmatch(heading)
    return notice["title"] if notice and not _SEVERAL.search(notice["title"]) else heading


def _title_run(head: list[str]) -> str | None:
    """The first run of short title-like lines that joins into a title (longest such run)."""
    for i in range(len(head)):
        best, joined, previous = None, "", None
        for line in head[i:i + _MAX_TITLE_LINES]:
            if line == previous:  # a heading printed twice
                continue
            if not line or len(line) > _MAX_TITLE_LINE or _NOT_TITLE.search(line) \
                    or _DATE_LINE.fullmatch(line) or _DOC_NUMBER_LINE.fullmatch(line):
                break
            joined += _squash(line)  # also closes up letter-spaced titles: 实 施 方 案
            previous = line
            if _TITLE.fullmatch(joined) or _NOTICE.fullmatch(joined):
                best = joined
        if best:
            return best
    return None


def _squash(text: str) -> str:
    """Titles wrap over lines in Word and PDF; the breaks are layout, not part of the title."""
    return regex.sub(r"\s+", "", text)


def _doc_type(title: str | None, text: str) -> str | None:
    if title:
        m = _TITLE.fullmatch(title)
        if m:
            return m["type"]
    named = Counter(m.group(1) for m in _SELF.finditer(text))
    return named.most_common(1)[0][0] if named else None


def _issuer_and_issued(head: list[str], tail: list[str],
                       named: str | None) -> tuple[str | None, str | None]:
    """The signature of the head (its date may be blank: a draft), else a dated one of the tail,
    else the unit the heading names, dated by the head's date line."""
    head_signed, tail_signed = _signature(head), _signature(tail)
    if head_signed:
        return head_signed
    if tail_signed and tail_signed[1]:
        return tail_signed
    if named:
        return named, _date_alone(head)
    return tail_signed or (None, _date_alone(head))


def _signature(lines: list[str]) -> tuple[str, str | None] | None:
    """A signing unit directly above a date line; the date may be a blank 年月日."""
    for prev, line in zip(lines, lines[1:]):
        date = _DATE_LINE.fullmatch(line)
        unit = _AFTER_UNIT.sub("", prev)
        if date and _ISSUER.fullmatch(unit):
            return unit, _iso(date) if date["y"] else None
    return None


def _date_alone(lines: list[str]) -> str | None:
    """The first date line that is not blank."""
    return next((_iso(m) for m in map(_DATE_LINE.fullmatch, lines) if m and m["y"]), None)


def _heading_issuer(heading: str | None) -> str | None:
    """X of a heading ``X关于…的通知`` / ``X转发…``, when X is a unit."""
    m = _HEADING_ISSUER.match(heading or "")
    if m and (_ISSUER.fullmatch(m["issuer"]) or _NATIONAL.match(m["issuer"])):
        return m["issuer"]
    return None


def _decree(head: list[str]) -> tuple[str, str] | None:
    """A decree's heading ``X令`` over ``（第N号）``: its issuer and number ``X令第N号``."""
    lines = [line for line in head if line]
    for line, below in zip(lines, lines[1:]):
        unit, number = _DECREE.fullmatch(line), _DECREE_NUMBER.fullmatch(below)
        if unit and number:
            return unit["issuer"], _squash(line + number["n"])
    return None


def _doc_number(lines: list[str]) -> str | None:
    for line in lines:
        m = _DOC_NUMBER_LINE.fullmatch(line) or _DOC_NUMBER_FIELD.search(line)
        if m:
            return _squash(m["number"])
    return None


def _web_date(head: list[str]) -> str | None:
    m = _WEB_DATE.search("\n".join(head))
    return _iso(m) if m else None


def _iso(m: regex.Match) -> str:
    y, mo, d = (whole_number(m[k]) for k in ("y", "m", "d"))
    return f"{y:04d}-{mo:02d}-{d:02d}"


def _period(title: str | None, issued: str | None, text: str) -> Period:
    if title and (m := _RANGE.search(title)):
        return Period(start=int(m[1]), end=int(m[2]), basis="title")
    if title and (m := _FYP.search(title)):
        start, end = five_year_plan(whole_number(m["n"]))
        return Period(start=start, end=end, basis="fyp")
    duration = _DURATION.search(title) if title else None
    years = whole_number(duration["n"]) if duration else None
    if years and issued:
        start = int(issued[:4])
        return Period(start=start, end=start + years - 1, basis="issued+duration")
    if term := _term(issued, text):
        return term
    issue_year = int(issued[:4]) if issued else None
    # a goal year before the document was issued is a slip, not the end of its period
    goals = Counter(y for y in map(int, _GOAL_YEAR.findall(text))
                    if issue_year is None or y >= issue_year)
    if not goals:
        deadlines = [int(y) for y in _DEADLINE.findall(text)]
        if deadlines and issue_year and issue_year <= max(deadlines):
            return Period(start=issue_year, end=max(deadlines), basis="deadlines+issued")
        return Period()
    end = max(goals, key=lambda y: (goals[y], y))  # the most frequent, then the latest
    if years:
        return Period(start=end - years + 1, end=end, basis="goals+duration")
    baseline = max((int(y) for y in _BASELINE_YEAR.findall(text)), default=None)
    if baseline is not None and baseline < end:
        return Period(start=baseline + 1, end=end, basis="goals+baseline")
    if issue_year and issue_year <= end:
        return Period(start=issue_year, end=end, basis="goals+issued")
    return Period(end=end, basis="goals")


def _term(issued: str | None, text: str) -> Period | None:
    """The first term a sentence states: a range, or N years from its start (the issue date for
    the document's own term when the sentence dates none); it ends the day before the same date
    N years on (N years from 2021-10-11 run to 2023; one year from 2019年初, to 2019)."""
    for sentence in SENTENCES.finditer(text):
        s = sentence[0]
        if m := _TERM_RANGE.search(s):
            start, end = (int(y) for y in m.groups() if y)
            return Period(start=start, end=end, basis="term")
        term = _OWN_TERM.search(s) or _DATED_TERM.search(s)
        starts = list(_TERM_START.finditer(s, 0, term.start("n"))) if term else []
        if starts:
            m = starts[-1]
            begin = (int(m["y"]), int(m["m"] or 1), int(m["d"] or 1))
        elif term and term.re is _OWN_TERM and issued:
            begin = tuple(map(int, issued.split("-")))
        else:
            continue
        years = whole_number(term["n"])
        return Period(start=begin[0], end=begin[0] + years - (begin[1:] == (1, 1)), basis="term")
    return None


def _region(title: str | None, issuer: str | None, text: str) -> str | None:
    for named in (title, issuer):
        if named and (found := _place(named, text)):
            return found
    if any(named and _NATIONAL.match(named) for named in (issuer, title)):
        return NATIONAL
    div = gazetteer().most_mentioned(text)
    return gazetteer().path(div) if div else None


_ZONE = regex.compile(alternation(_VOCAB["zone_suffixes"], literal=False))


def _place(named: str, text: str) -> str | None:
    """The path of the deepest division ``named`` names; a zone named after it goes under it."""
    best: tuple[int, str] | None = None
    for start, end, div in gazetteer().named(named, text):
        zone = _ZONE.match(named, end)
        level, path = (3, gazetteer().path(div) + named[start:zone.end()]) if zone else \
            (div.level, gazetteer().path(div))
        if best is None or level > best[0]:
            best = level, path
    return best[1] if best else None
