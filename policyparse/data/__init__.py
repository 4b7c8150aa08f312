"""Vocabularies as data: the word lists, patterns and registries that grow with every plan.

:func:`load` reads one of the TOML files beside this module (once per process).
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources


@cache
def load(name: str) -> dict:
    """The parsed contents of ``policyparse/data/<name>`` (a TOML file)."""
    return tomllib.loads(resources.files(__name__).joinpath(name).read_text(encoding="utf-8"))
