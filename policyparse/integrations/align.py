"""Offsets in a plan's normalised text → offsets in the text it was parsed from.

:attr:`Plan.text <policyparse.model.Plan.text>` is the caller's text normalised by the text
loader (:mod:`policyparse.load.text`, :func:`policyparse.load.document.normalise_line`): line
ends made ``\\n``, blank lines and the white space around each line dropped, exotic spaces made
plain, zero-width and control characters dropped, Word-export residue (bookmarks, comments,
pasted footnotes) moved out, flattened tables rebuilt with tabs.  So the normalised text is the
original's non-space characters in order, less the residue; :class:`Alignment` maps each of its
characters back by walking both texts once, skipping what normalisation dropped and resuming
after residue where the next characters occur again.  A span maps only if the original's stretch
holds exactly its characters (white space aside): anything else is reported as not aligned
(``None``), never approximated.
"""

from __future__ import annotations

import unicodedata
from array import array

import regex

RESYNC = 8
"""Non-space characters of the normalised text sought together in the original to resume after
residue (fewer at the end of a line): enough not to be found inside the residue itself."""

_IGNORABLE = regex.compile(r"[\s\p{Cc}\p{Cf}]*")


def _dropped(ch: str) -> bool:
    """A character the normaliser drops or turns into a plain space."""
    return ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf")


def _squash(text: str) -> str:
    return "".join(ch for ch in text if not _dropped(ch))


class Alignment:
    """The map from ``normalised`` offsets to ``original`` offsets."""

    def __init__(self, normalised: str, original: str):
        self.normalised = normalised
        self.original = original
        self.identity = normalised == original
        self._map = array("q") if self.identity else _walk(normalised, original)

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """``original`` offsets of ``normalised[start:end]``, or ``None`` when that stretch has no
        exact counterpart (empty, or characters missing or changed)."""
        if self.identity:
            return (start, end) if start < end else None
        first = next((self._map[i] for i in range(start, end) if self._map[i] >= 0), -1)
        last = next((self._map[i] for i in range(end - 1, start - 1, -1) if self._map[i] >= 0), -1)
        if first < 0 or last < first:
            return None
        if _squash(self.original[first:last + 1]) != _squash(self.normalised[start:end]):
            return None
        return first, last + 1


def _walk(norm: str, orig: str) -> array:
    """For each character of ``norm``, its offset in ``orig`` (-1: none, a joiner the
    normaliser added or a character not found)."""
    out = array("q", [-1]) * len(norm)
    i = j = 0
    while i < len(norm) and j < len(orig):
        a, b = norm[i], orig[j]
        if a == b or a.isspace() and b.isspace():
            out[i] = j
            i += 1
            j += 1
        elif _dropped(b):
            j += 1
        elif a.isspace():  # a tab between rebuilt table cells, a line break for a dropped one
            i += 1
        else:  # residue removed before ``norm[i]``: resume where its next characters are
            found = _resume(norm, i).search(orig, j)
            if found is None:  # not in the original at all: left unmapped
                i += 1
            else:
                j = found.start()
    return out


def _resume(norm: str, i: int) -> regex.Pattern:
    """The next :data:`RESYNC` non-space characters from ``norm[i]`` on its line (the next line
    may begin with residue of its own), with anything the normaliser drops allowed between."""
    chars: list[str] = []
    for ch in norm[i:]:
        if ch == "\n":
            break
        if not _dropped(ch):
            chars.append(regex.escape(ch))
            if len(chars) == RESYNC:
                break
    return regex.compile(_IGNORABLE.pattern.join(chars))
