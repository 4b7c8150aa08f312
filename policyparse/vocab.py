"""The project's vocabularies as a word list for a segmenter (jieba's user dictionary).

Agency names, metric names, units, owner role words and the cue words of goals, read from
``policyparse/data/*.toml``, so that a segmenter keeps policy words whole (发展改革委,
个百分点, 不少于, 牵头) instead of cutting them by its general dictionary.  Each word carries a
part-of-speech tag for jieba's ``posseg``: ``nt`` an organisation, ``n`` a metric term, ``q`` a
unit, ``v`` a role or cue word.  Only plain words of two characters or more are taken: the
regular-expression entries of the data files (对(?!接)) say where a word is *not*, which a
dictionary cannot hold, and a one-character word is every segmenter's default.

:func:`entries` is the list; :func:`userdict` renders it in jieba's ``word freq tag`` format with
the frequencies a segmenter assigned (see :func:`policyparse.text.words.segmenter`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache

import regex

from .data import load as load_data

_PLAIN = regex.compile(r"[\p{Han}A-Za-z0-9]{2,}")

# (file, table path, tag): where each kind of word lives in the data files.
_SOURCES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("owner_roles.toml", ("roles",), "v"),
    ("cues.toml", ("comparator",), "v"),
    ("cues.toml", ("kind",), "v"),
    ("metrics.toml", ("markers",), "n"),
)


@cache
def entries() -> tuple[tuple[str, str], ...]:
    """``(word, tag)`` for every plain word of the vocabularies, each word once (the first
    vocabulary to name it decides its tag: an agency before a metric before a unit)."""
    found: dict[str, str] = {}

    def add(words: Iterable[str], tag: str) -> None:
        for word in words:
            if _PLAIN.fullmatch(word):
                found.setdefault(word, tag)

    for agency in load_data("agencies.toml")["agency"]:
        add([agency["name"], *agency.get("aliases", ()), *agency.get("national", ())], "nt")
    for metric in load_data("metrics.toml")["metrics"].values():
        add([metric["name"], *metric.get("synonyms", ())], "n")
    add(load_data("units.toml")["units"], "q")
    for name, path, tag in _SOURCES:
        table: Mapping = load_data(name)
        for key in path:
            table = table[key]
        add(_flatten(table), tag)
    return tuple(found.items())


def _flatten(table: Mapping | list) -> list[str]:
    """The words of a table of word lists (``[roles]`` → lead, responsible, named …)."""
    if isinstance(table, list):
        return list(table)
    return [w for value in table.values() for w in _flatten(value)]


def userdict(frequencies: Mapping[str, int]) -> str:
    """The entries as a jieba user dictionary, one ``word freq tag`` a line; ``frequencies``
    are the ones the segmenter holds for them, so that a user's jieba cuts as ours does."""
    return "".join(f"{word} {frequencies[word]} {tag}\n" for word, tag in entries())
