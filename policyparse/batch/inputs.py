"""The documents of a batch: files, directories (searched recursively) and glob patterns.

Directories and globs contribute the files whose names end in a supported suffix; a file named
on its own is taken whatever its name, as the loader tells formats by content anyway.
"""

from __future__ import annotations

import glob
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError
from ..load import SUFFIXES



@dataclass(frozen=True, order=True)
class Input:
    file: str   # relative to the batch root: names the outputs and the ``file`` column
    path: Path


def expand(args: list[str], *, root: Path, exclude: Path | None = None) -> list[Input]:
    """The input documents, each once, sorted by their relative path."""
    paths: set[Path] = set()
    for arg in args:
        p = Path(arg)
        if p.is_dir():
            paths.update(f for f in p.rglob("*") if _wanted(f))
        elif p.is_file():
            paths.add(p)
        elif glob.has_magic(arg):
            paths.update(Path(f) for f in glob.glob(arg, recursive=True) if _wanted(Path(f)))
        else:
            raise UsageError(arg, "no such file or directory")
    root = root.resolve()
    skip = exclude.resolve() if exclude else None
    found = {relative(p.resolve(), root): p for p in paths}
    inputs = sorted(Input(file, p) for file, p in found.items()
                    if skip is None or not p.resolve().is_relative_to(skip))
    if not inputs:
        raise UsageError(None, f"no input documents found (looked for {', '.join(SUFFIXES)})")
    return inputs


def relative(path: Path, root: Path) -> str:
    """``path`` relative to ``root``; a path outside it keeps its absolute path, under ``_``."""
    if path.is_relative_to(root):
        return path.relative_to(root).as_posix()
    return "_/" + path.relative_to(path.anchor).as_posix()


def _wanted(path: Path) -> bool:
    # ``~$x.docx`` is Word's lock file beside an open document, not a document
    return path.suffix.lower() in SUFFIXES and path.is_file() and not path.name.startswith(
        ("~$", "."))
