"""The documents of a batch: files, directories (searched recursively) and glob patterns.

Directories and globs contribute the files whose names end in a supported suffix; a file named
on its own is taken whatever its name, as the loader tells formats by content anyway.  A path
named as a document that is not a regular file — a FIFO (reading it would wait for a writer
forever), a socket or device, a dangling link, a loop of links — or a folder that cannot be
listed is passed over with its reason, for the caller to report; named on its own it is a
usage error.  Links to folders are not followed (a link back up would scan forever).
"""

from __future__ import annotations

import errno
import glob
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError
from ..load import SUFFIXES


@dataclass(frozen=True, order=True)
class Input:
    file: str   # relative to the batch root: names the outputs and the ``file`` column
    path: Path


@dataclass(frozen=True)
class Skipped:
    """A path found while scanning that is not read, and why."""

    path: Path
    reason: str


def expand(args: list[str], *, root: Path, exclude: Path | None = None
           ) -> tuple[list[Input], list[Skipped]]:
    """The input documents, each once, sorted by their relative path, and the paths passed over
    (in the order found).  Finding no document is the caller's to report."""
    paths: set[Path] = set()
    skipped: list[Skipped] = []

    def take(p: Path) -> None:
        reason = not_a_file(p)
        if reason is None:
            paths.add(p)
        else:
            skipped.append(Skipped(p, reason))

    for arg in args:
        p = Path(arg)
        if p.is_dir():
            for folder, subfolders, names in os.walk(p, onerror=lambda err: skipped.append(
                    Skipped(Path(err.filename), f"folder not read ({err.strerror})"))):
                subfolders.sort()  # the skipped paths are reported in a stable order
                for name in sorted(names):
                    if _named_as_document(name):
                        take(Path(folder) / name)
        elif (reason := not_a_file(p)) is None:
            paths.add(p)
        elif glob.has_magic(arg):
            for f in glob.glob(arg, recursive=True):
                if _named_as_document(Path(f).name) and not os.path.isdir(f):
                    take(Path(f))
        else:
            raise UsageError(arg, reason)
    root = root.resolve()
    skip = exclude.resolve() if exclude else None
    found = {relative(p.resolve(), root): p for p in paths}
    inputs = sorted(Input(file, p) for file, p in found.items()
                    if skip is None or not p.resolve().is_relative_to(skip))
    return inputs, skipped


def not_a_file(path: Path) -> str | None:
    """Why ``path`` is not a regular file that can be read without blocking, or None if it is."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return ("a link to a file that does not exist" if path.is_symlink()
                else "no such file or directory")
    except OSError as err:
        if err.errno == errno.ELOOP:
            return "a loop of symbolic links"
        return f"cannot be read ({err.strerror or err})"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"  # only a glob or a name matches one here
    kind = ("a FIFO (named pipe)" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a special file")
    return f"{kind}, not a regular file"


def relative(path: Path, root: Path) -> str:
    """``path`` relative to ``root``; a path outside it keeps its absolute path, under ``_``."""
    if path.is_relative_to(root):
        return path.relative_to(root).as_posix()
    return "_/" + path.relative_to(path.anchor).as_posix()


def _named_as_document(name: str) -> bool:
    # ``~$x.docx`` is Word's lock file beside an open document, not a document
    return Path(name).suffix.lower() in SUFFIXES and not name.startswith(("~$", "."))
