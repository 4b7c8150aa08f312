"""Tell a file's real format from its content, not its name."""

from __future__ import annotations

import io
import os
import zipfile

from ..errors import CorruptDocument, EncryptedDocument, TooLarge, UnsupportedFormat

# What zipfile raises on a damaged or exotic archive (NotImplementedError: an unknown zip version
# or compression method).
ZIP_ERRORS = (zipfile.BadZipFile, ValueError, NotImplementedError, OSError, EOFError)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_MEMBERS = 10_000
"""Files a zip container (.docx, .odt) may hold; a long plan with its images has a few hundred."""
_CENTRAL_ENTRY = b"PK\x01\x02"  # what every entry of a zip's directory starts with
_HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta ", b"<div", b"<p>")


CONVERTIBLE = ("doc", "rtf", "odt")
"""Formats read only after LibreOffice converts them to .docx (``convert=True``)."""

# Formats no plan comes in, told by their first bytes, so that an error can name what was found.
_OTHER_MAGIC = ((b"\xff\xd8\xff", "JPEG image"), (b"\x89PNG\r\n\x1a\n", "PNG image"),
                (b"GIF8", "GIF image"), (b"BM", "BMP image"), (b"II*\x00", "TIFF image"),
                (b"MM\x00*", "TIFF image"), (b"\x1f\x8b", "gzip archive"),
                (b"Rar!", "RAR archive"), (b"7z\xbc\xaf", "7-Zip archive"),
                (b"\x7fELF", "executable program"), (b"MZ", "Windows executable"))
# Names that claim a binary format: content that sniffs as text under such a name is a corrupt
# file, not a plan to read as text.
_BINARY_SUFFIXES = {".docx": "Word (.docx)", ".pdf": "PDF", ".xlsx": "Excel (.xlsx)",
                    ".xls": "Excel (.xls)", ".pptx": "PowerPoint (.pptx)",
                    ".doc": "Word (.doc)", ".wps": "WPS", ".odt": "OpenDocument (.odt)"}


def sniff(data: bytes, path: str) -> str:
    """Return ``txt``, ``docx``, ``pdf``, ``html``, or one of :data:`CONVERTIBLE`; raise for
    formats we cannot read at all."""
    head = data[:2048]
    if head.startswith(b"%PDF-") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _sniff_zip(data, path)
    if head.startswith(_OLE2):
        # Encrypted .docx files are OLE2 containers too; legacy .doc/.wps are the common case.
        if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in data[:65536]:
            raise EncryptedDocument(path, "password-protected Word document")
        return "doc"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if any(lowered.startswith(m) for m in _HTML_MARKERS) or b"<html" in head.lower():
        return "html"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="ignore").lstrip().lower()
        if text.startswith(("<!doctype html", "<html")):
            return "html"
    found = next((kind for magic, kind in _OTHER_MAGIC if head.startswith(magic)), None)
    if found is not None:
        raise UnsupportedFormat(path, f"{found}, not a plan document")
    claimed = _BINARY_SUFFIXES.get(os.path.splitext(path)[1].lower())
    if claimed is not None:
        raise CorruptDocument(path, f"named as {claimed} but its content is not (it reads as "
                              f"plain text); rename it .txt if it is text")
    return "txt"


def _sniff_zip(data: bytes, path: str) -> str:
    # zipfile makes an object of every directory entry: a 100 MB file can list a million
    entries = data.count(_CENTRAL_ENTRY)  # at least as many as zipfile will find
    if entries > MAX_MEMBERS:
        raise TooLarge(path, f"zip has {entries:,} members, more than {MAX_MEMBERS:,}")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except ZIP_ERRORS as err:
        raise CorruptDocument(path, f"broken zip container ({err})") from None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        raise UnsupportedFormat(path, "Excel workbook, not a plan document")
    if "ppt/presentation.xml" in names:
        raise UnsupportedFormat(path, "PowerPoint file, not a plan document")
    if "content.xml" in names:
        return "odt"
    raise CorruptDocument(path, "zip file without word/document.xml (not a .docx)")
