"""Residue of a Word export in plain text: bookmarks, comments and footnotes as Word's "save as
text" writes them.  The text loader moves them to diagnostics; the linter flags what is left in
the body (a footnote marker pasted into a sentence)."""

from __future__ import annotations

import regex

BOOKMARKS = regex.compile(r"(?:\[bookmark: [^\]\n]{0,200}\]\s*)+")
COMMENT = regex.compile(r"\tComment by ([^:\n]{1,80}): ([^\n]*)$")
FOOTNOTE_REF = regex.compile(r"\[footnoteRef:(\d{1,4})\]")
FOOTNOTE_TEXT = regex.compile(r"\s*\[(\d{1,4}): ([^\]\n]{0,4000})\]")
