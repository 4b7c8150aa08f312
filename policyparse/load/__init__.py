"""Loaders: bytes of any supported format → :class:`Document` (blocks with exact spans).

Each format has its own module with one entry point taking ``(data, path)``; :func:`load`
chooses by content (see :mod:`.sniff`), never by the file name.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..errors import CorruptDocument, PolicyParseError, TooLarge
from ..model import Diagnostic
from .convert import refuse, to_docx
from .document import Document, DocumentBuilder
from .sniff import CONVERTIBLE, sniff

MAX_BYTES = 100 * 1024 * 1024  # .docx and .pdf carry images: their text is a small part
MAX_TEXT_BYTES = 16 * 1024 * 1024  # as str, CJK text takes up to 4 bytes a character
SUFFIXES = (".txt", ".docx", ".pdf", ".html", ".htm", ".doc", ".wps", ".odt", ".rtf")
"""The file names documents come under (the format itself is told from the content): what a
directory contributes to a batch, and what a string must end with to be taken for a path."""
_MAX_PATH = 4096  # longer strings are never taken for the name of a missing file

Source = str | bytes | os.PathLike


def load(source: Source, *, name: str | None = None, max_bytes: int = MAX_BYTES,
         convert: bool = False) -> Document:
    """Load a path, raw bytes, or a string of plan text; with ``convert``, legacy .doc/.wps,
    RTF and OpenDocument files are converted to .docx by LibreOffice first."""
    if isinstance(source, str) and not _looks_like_path(source):
        from .text import load_text

        return load_text(source, name or "<text>")
    if isinstance(source, bytes):
        data, path = source, name or "<bytes>"
    else:
        path = os.fspath(source)
        data = _read(path, max_bytes)
    if len(data) > max_bytes:
        raise TooLarge(path, f"{len(data):,} bytes exceeds the limit of {max_bytes:,}")
    if not data:
        raise CorruptDocument(path, "empty file (0 bytes)")
    return load_bytes(data, name or path, convert=convert)


def load_bytes(data: bytes, path: str, *, convert: bool = False) -> Document:
    fmt = sniff(data, path)
    converted = fmt in CONVERTIBLE
    if converted:
        if not convert:
            raise refuse(fmt, path)
        data, fmt = to_docx(data, fmt, path), "docx"
    if fmt in ("txt", "html") and len(data) > MAX_TEXT_BYTES:
        raise TooLarge(path, f"{len(data):,} bytes of {fmt} exceeds the limit of "
                       f"{MAX_TEXT_BYTES:,} for text (a plan is well under 1 MB)")
    if fmt == "docx":
        from .docx import load_docx as reader
    elif fmt == "pdf":
        from .pdf import load_pdf as reader
    elif fmt == "html":
        from .html import load_html as reader
    else:
        from .text import load_txt as reader
    doc = reader(data, path)
    if not doc.text.strip():  # a file of spaces or a lone BOM is as empty as a 0-byte one
        raise CorruptDocument(path, "empty document (no text, only white space)")
    if converted:
        doc.diagnostics.append(Diagnostic(kind="other", message="converted to .docx by "
                                          "LibreOffice before reading"))
    return doc


def source_name(source: Source) -> str:
    """How errors name a source: its path, or ``<text>`` / ``<bytes>``."""
    if isinstance(source, bytes):
        return "<bytes>"
    if isinstance(source, str) and not _looks_like_path(source):
        return "<text>"
    return os.fspath(source)


def _looks_like_path(s: str) -> bool:
    """A string that names an existing file is a path, whatever it holds (a line break, a great
    length); otherwise a single line ending in a document suffix is a path (a missing file, an
    error), and anything else is plan text.  The CLI passes paths as ``Path`` objects."""
    try:
        if os.path.exists(s):
            return True
    except (OSError, ValueError):  # a name too long for the system, or with a NUL in it
        pass
    return "\n" not in s and len(s) < _MAX_PATH and s.lower().endswith(SUFFIXES)


def _read(path: str, max_bytes: int) -> bytes:
    p = Path(path)
    try:
        st = p.stat()
        if stat.S_ISDIR(st.st_mode):
            raise PolicyParseError(path, "is a directory, not a file")
        if not stat.S_ISREG(st.st_mode):  # reading a FIFO would wait for a writer forever
            raise PolicyParseError(path, "not a regular file (a pipe, device or socket)")
        if st.st_size > max_bytes:
            raise TooLarge(path, f"{st.st_size:,} bytes exceeds the limit of {max_bytes:,}")
        return p.read_bytes()
    except FileNotFoundError:
        what = "a link to a file that does not exist" if p.is_symlink() else "no such file"
        raise PolicyParseError(path, what) from None
    except PermissionError:
        raise PolicyParseError(path, "permission denied") from None
    except OSError as err:  # a loop of symbolic links, a name too long, an I/O error
        raise PolicyParseError(path, f"cannot be read ({err.strerror or err})") from None


__all__ = ["SUFFIXES", "Document", "DocumentBuilder", "load", "load_bytes", "source_name"]
