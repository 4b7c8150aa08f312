"""Linter configuration from ``pyproject.toml`` ``[tool.policyparse]`` or ``setup.cfg``
``[policyparse]``; command-line options override it.

Keys: ``select`` and ``ignore`` (lists of codes, code prefixes, rule names or categories),
``severity-threshold`` (info, warning, error: the least severe finding reported), ``fail-on``
(info, warning, error: the least severe finding that fails a run), ``baseline`` (a baseline
file), ``lang`` (zh, en).  :mod:`.policy` puts the command-line options over them.
"""

from __future__ import annotations

import configparser
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UsageError

KEYS = ("select", "ignore", "severity-threshold", "fail-on", "baseline", "lang")
SEVERITIES = ("info", "warning", "error")


@dataclass
class LintConfig:
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    severity_threshold: str = "info"
    fail_on: str = "warning"
    baseline: str | None = None
    lang: str = "zh"
    source: str | None = None  # where it was read from


def find_config(start: Path | None = None) -> LintConfig:
    """The first pyproject.toml with [tool.policyparse] or setup.cfg with [policyparse] found
    from ``start`` upwards; defaults when there is none."""
    start = (start or Path.cwd()).resolve()
    for directory in (start, *start.parents):
        pyproject, setup_cfg = directory / "pyproject.toml", directory / "setup.cfg"
        if pyproject.is_file():
            try:
                table = tomllib.loads(pyproject.read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as err:
                raise UsageError(str(pyproject), f"invalid TOML ({err})") from None
            section = table.get("tool", {}).get("policyparse")
            if section is not None:
                return _from_mapping(section, str(pyproject))
        if setup_cfg.is_file():
            parser = configparser.ConfigParser()
            try:
                parser.read(setup_cfg, encoding="utf-8")
            except configparser.Error as err:
                raise UsageError(str(setup_cfg), f"invalid setup.cfg ({err})") from None
            if parser.has_section("policyparse"):
                section = {k: _split(v) if k in ("select", "ignore") else v
                           for k, v in parser.items("policyparse")}
                return _from_mapping(section, str(setup_cfg))
    return LintConfig()


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.replace("\n", ",").split(",") if v.strip()]


def _from_mapping(section: dict, source: str) -> LintConfig:
    unknown = set(section) - set(KEYS)
    if unknown:
        raise UsageError(source, f"unknown policyparse setting(s): {', '.join(sorted(unknown))}")
    cfg = LintConfig(source=source)
    for key in ("select", "ignore"):
        value = section.get(key, [])
        setattr(cfg, key, _split(value) if isinstance(value, str) else list(value))
    for key in ("severity-threshold", "fail-on"):
        attr = key.replace("-", "_")
        value = section.get(key, getattr(cfg, attr))
        if value not in SEVERITIES:
            raise UsageError(source, f"{key} must be info, warning or error, not {value!r}")
        setattr(cfg, attr, value)
    cfg.baseline = section.get("baseline")
    cfg.lang = section.get("lang", cfg.lang)
    return cfg
