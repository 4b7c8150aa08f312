"""Sentences and clauses in Chinese plan text: the one definition every layer uses.

A sentence ends at 。！？ or a line break; a part of one at ；; a clause runs between sentence or
clause punctuation (。；！？，、 and their ASCII forms, colons
and line breaks).  Rules and extractors report the clause around a match, so that an editor sees
the figure with its subject ("科技成果转让XX万元", not "XX万元").
"""

from __future__ import annotations

from functools import cache

import regex

FULL_STOP = "。！!？?\n"  # ends a sentence, its parts joined by ；included
SENTENCE_END = FULL_STOP + "；;"  # ends a sentence or a part of one
CLAUSE_END = SENTENCE_END + "，,：:"
_CLAUSE_END_SET = frozenset(CLAUSE_END)
_SENTENCE_END_SET = frozenset(SENTENCE_END)


def clause_bounds(text: str, start: int, end: int, *, stops: frozenset[str] = _CLAUSE_END_SET,
                  limit: int = 200) -> tuple[int, int]:
    """The clause containing ``text[start:end]``: (clause_start, clause_end), at most ``limit``
    characters each side."""
    back, ahead = _stop_patterns(stops)
    floor, ceiling = max(0, start - limit), min(len(text), end + limit)
    m = back.search(text, floor, start)  # the last stop before start
    lo = m.end() if m else floor
    m = ahead.search(text, end, ceiling)
    hi = m.start() if m else ceiling
    while lo < hi and text[lo].isspace():
        lo += 1
    while hi > lo and text[hi - 1].isspace():
        hi -= 1
    return lo, hi


@cache
def _stop_patterns(stops: frozenset[str]) -> tuple[regex.Pattern, regex.Pattern]:
    """Patterns finding the nearest stop character back and ahead (the regex engine scans faster
    than a loop over characters: sentences run to hundreds of them)."""
    chars = f"[{regex.escape(''.join(sorted(stops)))}]"
    return regex.compile(chars, regex.REVERSE), regex.compile(chars)


def sentence_bounds(text: str, start: int, end: int, *, limit: int = 400) -> tuple[int, int]:
    """The sentence containing ``text[start:end]`` (split on 。；！？ and line breaks only)."""
    return clause_bounds(text, start, end, stops=_SENTENCE_END_SET, limit=limit)


CLAUSE_SPLIT = regex.compile(f"[{regex.escape(CLAUSE_END)}]")
SENTENCES = regex.compile(f"[^{regex.escape(SENTENCE_END)}]+")
"""Each sentence (or part of one, to its ；) of a text, with ``finditer``."""
_FULL_STOP_BACK = regex.compile(f"[{regex.escape(FULL_STOP)}]", regex.REVERSE)


def sentence_start(text: str, pos: int) -> int:
    """Where the whole sentence around ``pos`` starts: after the last 。！？ or line break (a
    goal's 到2025年 opens a sentence whose parts, joined by ；, it all dates)."""
    m = _FULL_STOP_BACK.search(text, 0, pos)
    return m.end() if m else 0
