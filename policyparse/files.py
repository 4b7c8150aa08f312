"""Writing outputs safely: atomically (readers see the old file or the whole new one), and never
over one of the command's own inputs or over another output of the same run."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import UsageError

_UMASK = os.umask(0o022)
os.umask(_UMASK)
_TMP_SUFFIX = ".tmp"
# ``.NAME.`` + mkstemp's 8 random characters + the suffix
_TMP_NAME = re.compile(r"\..+\.[a-z0-9_]{8}" + re.escape(_TMP_SUFFIX))


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the whole new one."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to; renamed to ``path`` when the block succeeds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=_TMP_SUFFIX)
    os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp's 0600 would hide the outputs from other users
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def is_temporary(path: Path) -> bool:
    """Whether ``path`` is named as :func:`atomic_path`'s temporaries are: one left behind by a
    writer that was killed, which nothing else will remove."""
    return _TMP_NAME.fullmatch(path.name) is not None


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def check_outputs(outputs: Iterable[str | Path], inputs: Iterable[str | Path]) -> None:
    """Refuse (:class:`UsageError`, before any work) an output that is one of the inputs, and
    two outputs that are one file."""
    sources = [Path(i) for i in inputs]
    seen: dict[Path, Path] = {}
    for out in map(Path, outputs):
        for source in sources:
            if _same_file(out, source) or out.resolve() == source.resolve():
                raise UsageError(str(out), "refusing to write over an input of this command")
        key = out.resolve()
        if key in seen:
            raise UsageError(str(out), f"two outputs of this run would be the same file "
                             f"({seen[key]} and {out})")
        seen[key] = out
