"""The parts of a document and its genre: which parts state the situation, frame the work, define
terms or prescribe action, from the vocabulary of heading titles (``data/parts.toml``).

A part is a heading and its subtree, or a run-in numbered item whose short title names it
(``（一）指导思想。…``).  Its kind comes from its own title; a heading without a kind of its own
is an action part unless a part above it says otherwise.  The genre decides whether a document
prescribes work at all: a regulation (办法, 条例, 细则, or a body of 第X条 articles) states rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

import regex

from ..data import alternation, load as load_data
from ..model import Plan

Kind = Literal["background", "preamble", "goals", "awareness", "definitions"]
KINDS: tuple[Kind, ...] = ("background", "preamble", "goals", "awareness", "definitions")
# Kinds whose whole subtree stays out of the work (a preamble or goals part covers only its plain
# sub-sections: a plan that lost its task chapter's heading nests the tasks under its goals).
SUBTREE_KINDS: frozenset[Kind] = frozenset({"background", "awareness", "definitions"})
# A document with this many 第X条 articles is a regulation whatever its title says.
ARTICLES_OF_A_REGULATION = 3


@dataclass(frozen=True)
class _KindVocabulary:
    pattern: regex.Pattern
    max_title: int | None


@cache
def _vocabulary() -> dict[Kind, _KindVocabulary]:
    data = load_data("parts.toml")
    return {k: _KindVocabulary(regex.compile("|".join(
        [alternation(data[k]["phrases"]), *data[k].get("patterns", [])])),
        data[k].get("max_title")) for k in KINDS}


@cache
def _rule_genres() -> regex.Pattern:
    return regex.compile(f"(?:{alternation(load_data('parts.toml')['genres']['rules'])})$")


def states_rules_by_kind(doc_type: str | None) -> bool:
    """Whether a document of this kind (办法, 暂行办法, 条例 …) states rules rather than work."""
    return bool(_rule_genres().search(doc_type or ""))


def phrases(kind: Kind) -> list[str]:
    return load_data("parts.toml")[kind]["phrases"]


def part_kind(title: str) -> Kind | None:
    """The kind of part a heading (or run-in item) title names, if any."""
    for kind, vocab in _vocabulary().items():
        if (vocab.max_title is None or len(title) <= vocab.max_title) and \
                vocab.pattern.search(title):
            return kind
    return None


def states_rules(plan: Plan, articles: int) -> bool:
    """Whether the document is a regulation (no tasks): its kind says so, or ``articles`` (the
    count of its 第X条 articles) does."""
    return states_rules_by_kind(plan.meta.doc_type) or articles >= ARTICLES_OF_A_REGULATION


def annex_start(plan: Plan) -> int:
    """Where the annexes begin in ``plan.text`` (its length when there are none): a form attached
    for filling in there is not the document's own text."""
    return next((h.source.start for h in plan.headings if h.family == "appendix"),
                len(plan.text))
