"""Vocabularies as data: the word lists, patterns and registries that grow with every plan.

:func:`load` reads one of the TOML files beside this module (once per process);
:func:`alternation` turns a word list into a regex.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

import regex


@cache
def load(name: str) -> dict:
    """The parsed contents of ``policyparse/data/<name>`` (a TOML file)."""
    return tomllib.loads(resources.files(__name__).joinpath(name).read_text(encoding="utf-8"))


def alternation(words: tuple[str, ...] | list[str], *, literal: bool = True) -> str:
    """A regex alternation of words (or of patterns, ``literal=False``), longest first so that
    及以上 wins over 以上."""
    ordered = sorted(words, key=len, reverse=True)
    return "|".join(map(regex.escape, ordered) if literal else ordered)
