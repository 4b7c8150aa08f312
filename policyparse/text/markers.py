"""The grammar of Chinese numbering markers: 第三章, 一、, （一）, 1., （1）, ①, 一是, ——, 专栏1, 附件,
1.1 decimal sections.

:func:`parse_marker` recognises the marker at the start of a block and says which family it
belongs to, its value, the label exactly as written and where the title starts.  The families
live in one table, :data:`FAMILIES`; each has a *role* that says what a numbered block of that
family can be in the outline:

- ``heading``: always a heading (第X章, 第X节, 第X部分, 专栏N boxes, 附件 appendices);
- ``structural``: a heading when the line is a bare title, an item when it carries its own text
  (一、, （一）, 1.1);
- ``nesting``: a heading only when it heads further numbered items, else an item (1., （1）, ①,
  一是, 一要);
- ``item``: never a heading (第X条 articles, —— bullets).

Markers inside a line are found here too: the ordinals of a run-in enumeration
(``信息报送的原则：一是及时报送。…二是准确报送。…``), an article printed after its chapter's title,
the first entry of an attachment list on the 附件 line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NamedTuple

import regex

from .numerals import DIGIT, numeral_value

Role = Literal["heading", "structural", "nesting", "item"]

_CN = "[零〇一二两三四五六七八九十百]+"
_AR = f"{DIGIT}{{1,3}}"
_AR2 = f"{DIGIT}{{1,2}}"
_NUM = f"(?:{_AR}|{_CN})"


@dataclass(frozen=True)
class Family:
    name: str
    role: Role
    pattern: str  # the marker, anchored at the block start; its value is the numeral in it


FAMILIES: tuple[Family, ...] = (
    Family("chapter", "heading", rf"第\s*{_NUM}\s*章"),
    Family("section", "heading", rf"第\s*{_NUM}\s*节"),
    Family("part", "heading", rf"第\s*{_NUM}\s*部分"),
    Family("article", "item", rf"第\s*{_NUM}\s*条"),
    # 附件 alone, 附件2, 附件：… ; not 附件的… inside a sentence.
    Family("appendix", "heading", rf"附\s*[件表]\s*{_NUM}?(?:[:：]|(?=$|\s))"),
    Family("box", "heading", rf"专栏\s*{_NUM}"),
    Family("cn_dun", "structural", rf"{_CN}\s*[、．.]"),
    Family("cn_paren", "structural", rf"[（(]\s*{_CN}\s*[）)]"),
    # 一是 / 一要 run-in items: at the start of a block, or inside one as an ordered run (below).
    Family("shi", "nesting", r"[一二三四五六七八九十]+是"),
    Family("yao", "nesting", r"[一二三四五六七八九十]+要(?![求素点件])"),
    Family("arabic_paren", "nesting", rf"[（(]\s*{_AR2}\s*[）)]|[⑴-⒇]"),
    # Decimal sections (1.2, 1.2.3) of emergency plans and standards: one family per depth; the
    # value is the last number.  A space must follow: 1.5亿元 and 3.15日 are amounts and dates.
    Family("decimal3", "structural", rf"{_AR2}[.．]{_AR2}[.．]{_AR2}(?=[ \t\u3000]+\S)"),
    Family("decimal2", "structural", rf"{_AR2}[.．]{_AR2}(?=[ \t\u3000]+\S)"),
    # Their top level, 1 总则: a number, a space and a short title alone on the line.
    Family("decimal1", "structural", rf"{_AR2}(?=[ \t\u3000]+\p{{Han}}{{2,15}}$)"),
    # 1. 1、 1． and ⒈ are one family; a dot followed by a digit is a decimal (1.5亿元, 3.15).
    Family("arabic", "nesting", rf"{_AR}\s*(?:、|[.．](?!{DIGIT}))|[⒈-⒛]"),
    Family("arabic_rparen", "nesting", rf"{_AR2}[)）]"),
    Family("circled", "nesting", r"[①-⑳]"),
    # A dash bullet opens with text, not with a page number such as "— 3 —".
    Family("dash", "item", r"(?:[—―]{1,2}|[-－─]{2})(?=[\p{Han}“\"《（(])"),
)
_ROLES = {f.name: f.role for f in FAMILIES}
_MARKER = regex.compile("|".join(f"(?P<{f.name}>{f.pattern})" for f in FAMILIES))
_NUMERAL = regex.compile(rf"{DIGIT}+|[零〇一二两三四五六七八九十百]+|[①-⑳⑴-⒇⒈-⒛]")
_TITLE_GAP = regex.compile(r"[\s:：、]*")
# Cheap filter: most blocks are prose, whose first character cannot open a marker.
_OPENERS = frozenset("第附专（(零〇一二两三四五六七八九十百0123456789０１２３４５６７８９—―-－─"
                     "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳") | {chr(c) for c in range(0x2474, 0x249C)}


class Marker(NamedTuple):
    family: str
    role: Role
    value: int | None
    label: str  # as written: 第三章, 二、, （四）, (一), 3、, 12.
    title_start: int  # offset in the block text where the title begins

    @property
    def number(self) -> str:
        """The label without its trailing punctuation: 12, 一是, （五）, 第三条, 附件2."""
        return self.label.rstrip("、.．:：").strip() or self.label


def parse_marker(text: str) -> Marker | None:
    """The numbering marker at the start of ``text`` (a block's text), or None."""
    if not text or text[0] not in _OPENERS:
        return None
    m = _MARKER.match(text)
    if m is None:
        return None
    label = m.group().rstrip()
    numerals = _NUMERAL.findall(label)  # the last: 2 of 1.2
    value = None
    if numerals:
        value = numeral_value(numerals[-1])
        if value is None:  # 一二、 and the like: characters of a numeral, not a number
            return None
    gap = _TITLE_GAP.match(text, m.end())
    return Marker(m.lastgroup, _ROLES[m.lastgroup], value, label, gap.end())


# A bare title longer than this is a one-sentence paragraph that happens to be numbered.
TITLE_MAX = 50
_CLAUSE_END = regex.compile(r"[。；;！？!?]")
_FIRST_CLAUSE_END = regex.compile(r"[。；;！？!?\n]")
# A title may end with a full stop; a line ending in ；or ， is an entry of a list, not a title.
_TRAILING = "。. "


def bare_title(rest: str) -> str | None:
    """``rest`` (a block's text after its marker) as a heading title when it is one: short, with
    no sentence inside; a trailing 。 is dropped (``（一）加强载体培育、平台建设和要素集聚。``).
    None when the marker leads a paragraph of its own text."""
    rest = rest.rstrip(_TRAILING)
    if len(rest) > TITLE_MAX or _CLAUSE_END.search(rest):
        return None
    return rest


def first_clause(rest: str) -> str:
    """The title of a run-in item: its text up to the first 。；!? or the end of its line."""
    m = _FIRST_CLAUSE_END.search(rest)
    return (rest[:m.start()] if m else rest).strip()


# An ordinal that opens a clause inside a paragraph (一是, 二要): after 。；： or at the start.
_RUN_IN = regex.compile(r"(?:^|(?<=[。；;：:]\s*))([一二三四五六七八九十]+)([是要])(?![求素点件])")


# An article that follows its chapter's title on the same line (第一章　总则　　第一条　…), as
# database exports of regulations print them.  A run of spaces is tried once, from its start.
_ARTICLE_IN_LINE = regex.compile(rf"(?<![ \t\u3000])[ \t\u3000]+(?=第\s*{_NUM}\s*条)")
_CHAPTERS = frozenset({"chapter", "section", "part"})


def items_after_label(text: str, marker: Marker | None) -> list[int]:
    """Where a numbered item starts inside a heading's line: an article after its chapter's
    title, or the first entry of an attachment list (附件：1.名单 / 2.表格 on the next lines)."""
    if marker is None:
        return []
    if marker.family in _CHAPTERS:
        m = _ARTICLE_IN_LINE.search(text, marker.title_start)
        return [m.end()] if m else []
    if marker.family == "appendix" and marker.title_start < len(text):
        inner = parse_marker(text[marker.title_start:])
        return [marker.title_start] if inner is not None and inner.value == 1 else []
    return []


def run_in_items(text: str) -> list[int]:
    """Offsets in ``text`` (a paragraph) where the items of a run-in enumeration start: a run of
    一是 / 二是 / 三是 … (or 一要 …) in order, at least two, that starts with 一 and opens clauses.
    Empty when the paragraph has none (or only the one that opens it)."""
    found: dict[str, list[int]] = {}
    for m in _RUN_IN.finditer(text):
        seq = found.setdefault(m.group(2), [])
        if numeral_value(m.group(1)) == len(seq) + 1:
            seq.append(m.start())
    runs = [seq for seq in found.values() if len(seq) >= 2]
    cuts = sorted(pos for seq in runs for pos in seq)
    return [] if cuts == [0] else cuts


# A caption of a table or a figure: 表1 核心指标, 图2, Table 3; the number names it in references.
CAPTION = regex.compile(r"^\s*(?P<kind>图|表|Table|Figure)\s*"
                        rf"(?P<n>{DIGIT}{{1,3}}|[一二三四五六七八九十]{{1,3}})(?!{DIGIT}|[.．])")
