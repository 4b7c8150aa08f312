"""Clause boundaries in Chinese plan text.

A clause runs between sentence or clause punctuation (。；！？，、 and their ASCII forms, colons
and line breaks).  Rules and extractors report the clause around a match, so that an editor sees
the figure with its subject ("科技成果转让XX万元", not "XX万元").
"""

from __future__ import annotations

import regex

SENTENCE_END = "。；;！!？?\n"
CLAUSE_END = SENTENCE_END + "，,：:"
_CLAUSE_END_SET = frozenset(CLAUSE_END)
_SENTENCE_END_SET = frozenset(SENTENCE_END)


def clause_bounds(text: str, start: int, end: int, *, stops: frozenset[str] = _CLAUSE_END_SET,
                  limit: int = 200) -> tuple[int, int]:
    """The clause containing ``text[start:end]``: (clause_start, clause_end), at most ``limit``
    characters each side."""
    lo = start
    floor = max(0, start - limit)
    while lo > floor and text[lo - 1] not in stops:
        lo -= 1
    hi = end
    ceiling = min(len(text), end + limit)
    while hi < ceiling and text[hi] not in stops:
        hi += 1
    while lo < hi and text[lo].isspace():
        lo += 1
    while hi > lo and text[hi - 1].isspace():
        hi -= 1
    return lo, hi


def sentence_bounds(text: str, start: int, end: int, *, limit: int = 400) -> tuple[int, int]:
    """The sentence containing ``text[start:end]`` (split on 。；！？ and line breaks only)."""
    return clause_bounds(text, start, end, stops=_SENTENCE_END_SET, limit=limit)


CLAUSE_SPLIT = regex.compile(f"[{regex.escape(CLAUSE_END)}]")
