"""Typed errors.  Every error names the file and says in one line what is wrong with it."""

from __future__ import annotations


class PolicyParseError(Exception):
    """Base class: ``str(err)`` is the one line the CLI prints, ``exit_status`` its exit status."""

    hint: str | None = None
    exit_status = 2

    def __init__(self, path: str | None, reason: str, *, hint: str | None = None):
        self.path = path
        self.reason = reason
        if hint:
            self.hint = hint
        super().__init__(self.line())

    def line(self) -> str:
        where = f"{self.path}: " if self.path else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}{self.reason}{hint}"

    @property
    def kind(self) -> str:
        return type(self).__name__


class UnsupportedFormat(PolicyParseError):
    """The content is not a format policyparse reads (or is one it cannot read yet)."""


class CorruptDocument(PolicyParseError):
    """The file claims a format but its content is broken."""


class EncryptedDocument(PolicyParseError):
    """The file is password-protected."""


class NoTextLayer(PolicyParseError):
    """A PDF with no extractable text, usually a scan."""

    hint = "run OCR first (e.g. ocrmypdf) and parse the result"


class TooLarge(PolicyParseError):
    """The input exceeds a configured size limit."""


class Timeout(PolicyParseError):
    """Processing exceeded the per-document time limit."""


class UsageError(PolicyParseError):
    """A bad command line or argument (not a bad document)."""


class DiskFull(PolicyParseError):
    """No space left (or the disk quota exceeded) where the outputs are written."""

    exit_status = 3  # not a bad input: run again when there is room
