"""Command line: argument parsing only; every command calls the library.

Exit status: 0 success, 1 findings (lint) or failed gates, 2 unusable input or usage error.
A bad input prints one line naming the file and the problem (a traceback only with --debug).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .errors import PolicyParseError
from .model import Plan


def _cmd_parse(args: argparse.Namespace) -> int:
    from .pipeline import DEFAULT_PIPELINE, parse

    pipeline = args.pipeline.split(",") if args.pipeline else DEFAULT_PIPELINE
    status = 0
    for path in args.files:
        try:
            plan = parse(path, pipeline=pipeline)
        except PolicyParseError as err:
            _error(err, args.debug)
            status = 2
            continue
        if args.format == "json":
            indent = 2 if len(args.files) == 1 else None  # several files: JSON Lines
            print(plan.to_json(indent=indent, include_blocks=not args.no_blocks))
        else:
            print(render_summary(plan))
    return status


def render_summary(plan: Plan) -> str:
    """A human-readable overview: meta, outline tree, counts."""
    m = plan.meta
    lines = [f"{plan.document} ({plan.format}, {len(plan.text)} chars)"]
    for key in ("title", "issuer", "issued", "region", "doc_type"):
        if getattr(m, key):
            lines.append(f"  {key}: {getattr(m, key)}")
    if m.period.start or m.period.end:
        lines.append(f"  period: {m.period.start}–{m.period.end} ({m.period.basis})")
    lines.append(f"  headings {len(plan.headings)}, tasks {len(plan.tasks)}, targets "
                 f"{len(plan.targets)}, facts {len(plan.facts)}, tables {len(plan.tables)}, "
                 f"diagnostics {len(plan.diagnostics)}")
    for h in plan.headings:
        lines.append(f"  {'  ' * h.level}{h.source.text[:60]}  (line {h.source.line})")
    return "\n".join(lines)


def _cmd_eval(args: argparse.Namespace) -> int:
    from .eval import FORMS, evaluate, to_json, to_text

    forms = [f.strip() for f in args.forms.split(",") if f.strip()]
    bad = [f for f in forms if f not in FORMS]
    if bad:
        return _usage(f"unknown form(s) {', '.join(bad)}; choose from {', '.join(FORMS)}")
    gold = Path(args.gold)
    if not gold.is_dir():
        return _usage(f"{gold}: gold directory not found")
    results = evaluate(gold, forms, lint=args.lint)
    if args.format == "json":
        print(json.dumps(to_json(results), ensure_ascii=False, indent=2))
    else:
        print(to_text(results))
    return 0


def _error(err: PolicyParseError, debug: bool) -> None:
    if debug:
        import traceback

        traceback.print_exception(err)
    print(f"policyparse: error: {err.line()}", file=sys.stderr)


def _usage(message: str) -> int:
    print(f"policyparse: error: {message}", file=sys.stderr)
    return 2


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="policyparse", description=__doc__.splitlines()[0])
    p.add_argument("--version", action="version", version=f"policyparse {__version__}")
    p.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = p.add_subparsers(dest="command", required=True)

    sp = sub.add_parser("parse", help="parse plans and print the Plan")
    sp.add_argument("files", nargs="+", help=".txt, .docx, .pdf or .html files")
    sp.add_argument("--format", choices=("text", "json"), default="text")
    sp.add_argument("--no-blocks", action="store_true", help="leave the block list out of JSON")
    sp.add_argument("--pipeline", help="comma-separated components to run (default: all)")
    sp.set_defaults(func=_cmd_parse)

    se = sub.add_parser("eval", help="score extraction against gold annotations")
    se.add_argument("--gold", default="corpora/gold", help="directory of *.gold.json")
    se.add_argument("--forms", default="txt", help="comma-separated: txt,docx,pdf")
    se.add_argument("--lint", action="store_true", help="also score the linter's findings")
    se.add_argument("--format", choices=("text", "json"), default="text")
    se.set_defaults(func=_cmd_eval)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except PolicyParseError as err:
        _error(err, args.debug)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `policyparse parse … | head` is normal use
        return 0


if __name__ == "__main__":
    sys.exit(main())
