"""Loaders: bytes of any supported format → :class:`Document` (blocks with exact spans).

Each format has its own module with one entry point taking ``(data, path)``; :func:`load`
chooses by content (see :mod:`.sniff`), never by the file name.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import PolicyParseError, TooLarge
from .document import Document, DocumentBuilder
from .sniff import sniff

MAX_BYTES = 100 * 1024 * 1024
_SUFFIXES = (".txt", ".docx", ".pdf", ".html", ".htm", ".doc", ".wps", ".text", ".md")

Source = str | bytes | os.PathLike


def load(source: Source, *, name: str | None = None, max_bytes: int = MAX_BYTES) -> Document:
    """Load a path, raw bytes, or a string of plan text."""
    if isinstance(source, str) and not _looks_like_path(source):
        from .text import load_text

        return load_text(source, name or "<text>")
    if isinstance(source, bytes):
        data, path = source, name or "<bytes>"
    else:
        path = os.fspath(source)
        data = _read(path, max_bytes)
    if len(data) > max_bytes:
        raise TooLarge(path, f"{len(data)} bytes exceeds the limit of {max_bytes}")
    return load_bytes(data, name or path)


def load_bytes(data: bytes, path: str) -> Document:
    fmt = sniff(data, path)
    if fmt == "docx":
        from .docx import load_docx as reader
    elif fmt == "pdf":
        from .pdf import load_pdf as reader
    elif fmt == "html":
        from .html import load_html as reader
    else:
        from .text import load_txt as reader
    return reader(data, path)


def _looks_like_path(s: str) -> bool:
    return "\n" not in s and len(s) < 1024 and (os.path.exists(s) or s.lower().endswith(_SUFFIXES))


def _read(path: str, max_bytes: int) -> bytes:
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > max_bytes:
            raise TooLarge(path, f"{size} bytes exceeds the limit of {max_bytes}")
        return p.read_bytes()
    except FileNotFoundError:
        raise PolicyParseError(path, "no such file") from None
    except IsADirectoryError:
        raise PolicyParseError(path, "is a directory, not a file") from None
    except PermissionError:
        raise PolicyParseError(path, "permission denied") from None


__all__ = ["Document", "DocumentBuilder", "load", "load_bytes"]
