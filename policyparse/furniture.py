"""Is this line web-page furniture (navigation, share boxes, QR codes, site footers)?

One vocabulary (``data/furniture.toml``) serves the HTML loader, which drops furniture, and the
linter, which flags it in text that someone else scraped.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

import regex

_URL = regex.compile(r"^(?:https?://|www\.)\S+$")
_FILLER = regex.compile(r"[\s\p{P}\p{S}0-9０-９:：|/>-]+")


@cache
def _vocabulary() -> tuple[regex.Pattern, regex.Pattern, int]:
    data = tomllib.loads(resources.files("policyparse.data").joinpath("furniture.toml")
                         .read_text(encoding="utf-8"))
    strong = regex.compile("|".join(map(regex.escape, data["strong"])))
    words = sorted(data["words"], key=len, reverse=True)
    only_words = regex.compile(f"(?:{'|'.join(map(regex.escape, words))})")
    return strong, only_words, int(data["max_length"])


def is_furniture(line: str) -> bool:
    line = line.strip()
    if not line:
        return False
    strong, words, max_length = _vocabulary()
    if len(line) > max_length:
        return False
    if _URL.match(line) or strong.search(line):
        return True
    rest = _FILLER.sub("", words.sub("", line))
    return not rest and bool(words.search(line))
