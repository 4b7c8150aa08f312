"""Is this line web-page furniture (navigation, share boxes, QR codes, site footers)?

One vocabulary (``data/furniture.toml``) serves the HTML loader, which drops furniture, and the
linter, which flags it in text that someone else scraped.
"""

from __future__ import annotations

from functools import cache

import regex
from ..data import alternation, load as load_data

_URL = regex.compile(r"^(?:https?://|www\.)\S+$")
_NOT_WORDS = regex.compile(r"[\p{P}\p{S}\p{Z}\p{N}\s\p{Latin}]")


@cache
def _vocabulary() -> tuple[regex.Pattern, regex.Pattern, regex.Pattern, int]:
    data = load_data("furniture.toml")
    strong = regex.compile(alternation(data["strong"]))
    words = regex.compile(alternation(data["words"]))
    return strong, words, regex.compile(data["breadcrumb"]), int(data["max_length"])


def is_furniture(line: str) -> bool:
    """A bare URL, a short line with a strong marker (扫描二维码, 版权所有, ICP备…), a breadcrumb
    trail, or a short line of furniture words with little else (``字号：大 中 小 打印 关闭``)."""
    line = line.strip()
    strong, words, breadcrumb, max_length = _vocabulary()
    if not line or len(line) > max_length:
        return False
    if _URL.match(line) or strong.search(line) or breadcrumb.match(line):
        return True
    hits = words.findall(line)
    if not hits:
        return False
    total = len(_NOT_WORDS.sub("", line))
    rest = len(_NOT_WORDS.sub("", words.sub("", line)))
    return rest <= total / 4 or (len(set(hits)) >= 2 and rest <= total / 2)
