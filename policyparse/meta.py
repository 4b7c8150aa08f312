"""Document metadata (title, issuer, issue date, region, type, plan period).

Everything is read from the text, so a plan gets the same metadata in every format; what a loader
found (HTML ``<meta>``, Word properties) only fills the fields the text leaves empty.  The title
and the signature are searched in the head and tail lines only; the whole text is scanned only
when those give nothing (place names, goal years, self-references).

- title: the 《X》 a notice hands out (``《X》已经…同意，现印发给你们``), else X in a notice
  heading ``关于印发X的通知``, else the first run of short leading lines that ends in a document
  type (``武汉经济技术开发区`` / ``知识产权“十四五”规划`` / ``（征求意见稿）``).  A text that opens
  with its first chapter has none.
- issuer, issued: a signing-unit line directly above a date line (``宜兴市人民政府办公室`` /
  ``2024年6月12日``), in the head, else the tail; failing that the date of a web page's 发布时间.
- doc_type: the title's ending, else the type the text calls itself most (``本规划``,
  ``第一章 规划背景``); vocabularies in ``data/meta.toml``.
- period: the first rule that fires, named in ``basis``:
  ``title``: a year range in the title, ``（2024—2026年）``;
  ``fyp``: a five-year plan in the title, ``“十四五”`` → 2021–2025;
  ``issued+duration``: ``三年行动方案`` issued in 2023 → 2023–2025;
  ``goals+duration`` / ``goals+baseline`` / ``goals``: the end is the year the goals are due
  (the most frequent ``到2027年``); the start is end − duration + 1 when the title gives a
  duration, else the year after the plan's baseline (the latest ``截至2024年…`` status it
  reports), because a plan is drafted on the figures of the year before it begins.
- region: the administrative path (``data/regions.tsv``) of the place the title names, else the
  issuer's, else of the place the text names most; a development zone named after a division is
  put under it (``湖北省武汉市武汉经济技术开发区``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import regex

from .data import alternation, load as load_data
from .model import Meta, Period, Plan
from .pipeline import component

_DATA = Path(__file__).with_name("data")
_VOCAB = load_data("meta.toml")
# How many lines a title may start within, and the head and tail searched for the signature.
TITLE_LINES, HEAD_LINES, TAIL_LINES = 15, 40, 15


_TYPES = alternation(_VOCAB["doc_types"])
_TITLE = regex.compile(rf".{{2,100}}?(?P<type>{_TYPES})(?:[（(][^（）()]{{1,20}}[）)])*")
_NOTICE = regex.compile(r".{0,30}?关于(?:印发|转发)《?(?P<title>.{4,100}?)》?的通知")
_HANDED_OUT = regex.compile(r"《(?P<title>[^《》]{4,120})》[^《》。]{0,60}?[印转]\s*发\s*给\s*你\s*们")
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

_RANGE = regex.compile(r"(\d{4})\s*年?\s*[—–\-－~～至到―─]{1,2}\s*(\d{4})(?!\d)")
_FYP = regex.compile(r"[“\"](?P<n>十[一二三四五六七八九]?)五[”\"]|第(?P<n>十[一二三四五六七八九]?)个五年"
                     r"|(?P<n>十[一二三四五六七八九]?)五(?=规划|时期|期间)")
_DURATION = regex.compile(
    r"(?P<n>[一二两三四五六七八九十]|\d{1,2})年(?=(?:行动|工作|实施|攻坚|专项)?(?:方案|计划|规划|行动))")
# Not 截至2024年 (a status) nor 2021至2025年 (a range).
_GOAL_YEAR = regex.compile(r"(?<![截止年\d])[到至](\d{4})年")
_BASELINE_YEAR = regex.compile(r"截[至止]到?\s*(\d{4})\s*年")


@component("meta")
def meta(plan: Plan) -> Plan:
    """Fill ``plan.meta`` from the text; a field the text leaves empty keeps the loader's value."""
    found = read_meta(plan.text).model_dump(exclude_none=True)
    data = plan.meta.model_dump(exclude_none=True)
    data.update({k: v for k, v in found.items() if v != {}})
    plan.meta = Meta(**data)
    return plan


def read_meta(text: str) -> Meta:
    head = [line.strip() for line in text.split("\n", HEAD_LINES)[:HEAD_LINES]]
    tail = [line.strip() for line in text.rsplit("\n", TAIL_LINES)[-TAIL_LINES:]]
    title = _title(head)
    issuer, issued = _signature(head) or _signature(tail) or (None, None)
    issued = issued or _web_date(head)
    doc_type = _doc_type(title, text)
    return Meta(title=title, issuer=issuer, issued=issued, doc_type=doc_type,
                region=gazetteer().region(title, issuer, text),
                period=_period(title, issued, text))


def _title(head: list[str]) -> str | None:
    handed_out = _HANDED_OUT.search("\n".join(head))
    if handed_out:
        return _squash(handed_out["title"])
    run = _title_run(head[:TITLE_LINES])
    if run is None:
        return None
    notice = _NOTICE.fullmatch(run)
    return notice["title"] if notice else run


def _title_run(head: list[str]) -> str | None:
    """The first run of short title-like lines that joins into a title (longest such run)."""
    for i in range(len(head)):
        best, joined = None, ""
        for line in head[i:i + _MAX_TITLE_LINES]:
            if not line or len(line) > _MAX_TITLE_LINE or _NOT_TITLE.search(line):
                break
            joined += _squash(line)  # also closes up letter-spaced titles: 实 施 方 案
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


def _signature(lines: list[str]) -> tuple[str, str | None] | None:
    """A signing unit directly above a date line; the date may be a blank 年月日."""
    for prev, line in zip(lines, lines[1:]):
        date = _DATE_LINE.fullmatch(line)
        if date and _ISSUER.fullmatch(prev):
            return prev, _iso(date) if date["y"] else None
    return None


def _web_date(head: list[str]) -> str | None:
    m = _WEB_DATE.search("\n".join(head))
    return _iso(m) if m else None


def _iso(m: regex.Match) -> str:
    y, mo, d = (_number(m[k]) for k in ("y", "m", "d"))
    return f"{y:04d}-{mo:02d}-{d:02d}"


def _number(digits: str) -> int:
    if digits.isdigit():
        return int(digits)
    if len(digits) == 4:  # a year is written digit by digit: 二〇二四
        return int(digits.translate(str.maketrans("〇零○一二三四五六七八九", "000123456789")))
    import cn2an  # its import takes 75 ms (it loads a segmenter): only when a date needs it

    return int(cn2an.cn2an(digits, "smart"))


def five_year_plan(n: int) -> tuple[int, int]:
    """Years of the n-th five-year plan (n ≥ 3: the 3rd began in 1966 after a 3-year pause)."""
    start = 1966 + 5 * (n - 3)
    return start, start + 4


def _period(title: str | None, issued: str | None, text: str) -> Period:
    if title and (m := _RANGE.search(title)):
        return Period(start=int(m[1]), end=int(m[2]), basis="title")
    if title and (m := _FYP.search(title)):
        start, end = five_year_plan(_number(m["n"]))
        return Period(start=start, end=end, basis="fyp")
    duration = _DURATION.search(title) if title else None
    years = _number(duration["n"]) if duration else None
    if years and issued:
        start = int(issued[:4])
        return Period(start=start, end=start + years - 1, basis="issued+duration")
    goals = Counter(int(y) for y in _GOAL_YEAR.findall(text))
    if not goals:
        return Period()
    end = max(goals, key=lambda y: (goals[y], y))  # the most frequent, then the latest
    if years:
        return Period(start=end - years + 1, end=end, basis="goals+duration")
    baseline = max((int(y) for y in _BASELINE_YEAR.findall(text)), default=None)
    if baseline is not None and baseline < end:
        return Period(start=baseline + 1, end=end, basis="goals+baseline")
    return Period(end=end, basis="goals")


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    short: str

    @property
    def level(self) -> int:
        """0 province, 1 prefecture, 2 county."""
        return 0 if self.code.endswith("0000") else 1 if self.code.endswith("00") else 2


_ZONE = regex.compile(alternation(_VOCAB["zone_suffixes"]))


# A two-character name (范县, 沛县) right after another character is usually part of a word
# (示范县), unless that character ends a parent's name (河南省范县, 徐州市沛县).
_INSIDE_WORD = regex.compile(r"[\p{Han}](?<![省市州盟区])")


class Gazetteer:
    """Chinese administrative divisions by full name and short form, with their parents."""

    def __init__(self, rows: list[tuple[str, str, str]]):
        self.divisions = {code: Division(code, name, short) for code, name, short in rows}
        by_name: dict[str, list[Division]] = defaultdict(list)
        by_short: dict[str, list[Division]] = defaultdict(list)
        for div in self.divisions.values():
            # Two-character 区 names (城区, 郊区, 矿区) are everyday words, not mentions.
            if len(div.name) > 2 or not div.name.endswith("区"):
                by_name[div.name].append(div)
            if div.short:
                by_short[div.short].append(div)
        self.by_name, self.by_short = dict(by_name), dict(by_short)
        self.longest_short = max(map(len, self.by_short))
        # Every full name ends in 省市县区州旗盟: finding those ends (after a character that can
        # precede one) and looking back only by the lengths of the names with that ending is much
        # faster than matching thousands of names at every position.
        lengths: dict[str, list[int]] = defaultdict(list)
        for name in sorted(self.by_name, key=len, reverse=True):
            if len(name) not in lengths[name[-2:]]:
                lengths[name[-2:]].append(len(name))
        self._lengths = dict(lengths)
        before = "".join(sorted({name[-2] for name in self.by_name}))
        self._ends = regex.compile(f"(?<=[{regex.escape(before)}])[省市县区州旗盟]")

    def parents(self, div: Division) -> list[Division]:
        codes = dict.fromkeys((div.code[:2] + "0000", div.code[:4] + "00"))
        return [self.divisions[c] for c in codes if c in self.divisions and c != div.code]

    def path(self, div: Division) -> str:
        """``湖北省宜昌市宜都市``; a municipality is named once (北京市, not 北京市北京市)."""
        names: list[str] = []
        for d in [*self.parents(div), div]:
            if not names or names[-1] != d.name:
                names.append(d.name)
        return "".join(names)

    def mentions(self, text: str) -> list[tuple[int, int, str]]:
        """Full names in ``text`` as ``(start, end, name)``, longest first, not overlapping."""
        found, last = [], 0
        for m in self._ends.finditer(text):
            end = m.end()
            for k in self._lengths.get(text[end - 2:end], ()):
                if k <= end - last and text[end - k:end] in self.by_name \
                        and not (k == 2 and _INSIDE_WORD.match(text, end - 3)):
                    found.append((end - k, end, text[end - k:end]))
                    last = end
                    break
        return found

    def resolve(self, name: str, text: str, then: str = "") -> Division:
        """The division a full or short name means.  A short form followed by the ending of one
        of its divisions' names means that one (恩施州: the 自治州, not 恩施市); a name shared by
        several divisions (朝阳区) means the one whose parents the text mentions most, else the
        larger."""
        divs = self.by_name.get(name) or self.by_short[name]
        divs = [d for d in divs if then and d.name.endswith(then)] or divs
        if len(divs) == 1:
            return divs[0]

        def parents_named(d: Division) -> int:
            return sum(text.count(p.short or p.name) for p in self.parents(d)
                       if name not in (p.short, p.name))

        return max(divs, key=lambda d: (parents_named(d), -d.level))

    def region(self, title: str | None, issuer: str | None, text: str) -> str | None:
        for named in (title, issuer):
            if named and (found := self._named_in(named, text)):
                return found
        return self._most_mentioned(text)

    def _named_in(self, named: str, text: str) -> str | None:
        """The deepest division ``named`` names: a full name anywhere or a short form at its start
        (宜都知识产权规划); a zone named after it goes under it."""
        hits = self.mentions(named)
        if not hits or hits[0][0] > 0:
            for k in range(min(len(named), self.longest_short), 1, -1):
                if named[:k] in self.by_short:
                    hits.insert(0, (0, k, named[:k]))
                    break
        best: tuple[int, str] | None = None
        for start, end, name in hits:
            div = self.resolve(name, text, named[end:end + 1])
            zone = _ZONE.match(named, end)
            level, path = (3, self.path(div) + named[start:zone.end()]) if zone else \
                (div.level, self.path(div))
            if best is None or level > best[0]:
                best = level, path
        return best[1] if best else None

    def _most_mentioned(self, text: str) -> str | None:
        """The division the text names most, counting its short form too (湖北宜都); only names
        written out in full at least once count, as many short forms are everyday words."""
        names = dict.fromkeys(name for _, _, name in self.mentions(text))  # ties: first named
        if not names:
            return None
        divs = [self.resolve(name, text) for name in names]
        best = max(divs, key=lambda d: (text.count(d.short or d.name), d.level))
        return self.path(best)


@cache
def gazetteer() -> Gazetteer:
    lines = (_DATA / "regions.tsv").read_text(encoding="utf-8").splitlines()
    return Gazetteer([tuple(line.split("\t")) for line in lines if not line.startswith("#")])
