"""Legacy formats (.doc/.wps, RTF, OpenDocument) through LibreOffice, when asked to.

policyparse reads only formats it can parse safely in-process.  Older Word and WPS files are
still common on county portals; rather than a half-working binary parser, the file is handed to
LibreOffice (``soffice --headless --convert-to docx``), run in a private profile, in a temporary
directory, under a time limit, and the resulting .docx goes through the normal loader.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import CorruptDocument, Timeout, UnsupportedFormat

CONVERT_SECONDS = 120
NAMES = {"doc": "legacy binary Word/WPS document (.doc/.wps)", "rtf": "RTF document",
         "odt": "OpenDocument text"}


def refuse(fmt: str, path: str) -> UnsupportedFormat:
    """The error for a convertible format when conversion was not asked for (or is impossible)."""
    how = ("LibreOffice can convert it: --convert on the command line, convert=True in Python"
           if soffice() else "save it as .docx, or install LibreOffice and use --convert")
    return UnsupportedFormat(path, NAMES[fmt], hint=how)


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_docx(data: bytes, fmt: str, path: str, *, seconds: float = CONVERT_SECONDS) -> bytes:
    """The .docx LibreOffice makes of ``data``; typed errors when it cannot."""
    exe = soffice()
    if exe is None:
        raise refuse(fmt, path)
    with tempfile.TemporaryDirectory(prefix="policyparse-") as tmp:
        src = Path(tmp) / f"input.{fmt}"
        src.write_bytes(data)
        # a profile of its own: a running LibreOffice or a broken user profile cannot interfere
        profile = Path(tmp, "profile").as_uri()
        cmd = [exe, f"-env:UserInstallation={profile}", "--headless", "--norestore",
               "--convert-to", "docx", "--outdir", tmp, str(src)]
        try:
            subprocess.run(cmd, capture_output=True, timeout=seconds, check=False,
                           env={**os.environ, "HOME": tmp})
        except subprocess.TimeoutExpired:
            raise Timeout(path, f"LibreOffice took longer than {seconds:g} s to convert it") \
                from None
        out = src.with_suffix(".docx")
        if not out.is_file() or out.stat().st_size == 0:
            raise CorruptDocument(path, f"LibreOffice could not convert this {NAMES[fmt]}")
        return out.read_bytes()
