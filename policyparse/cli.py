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
from typing import TYPE_CHECKING

from . import __version__
from .errors import PolicyParseError, UsageError
from .files import check_outputs, write_atomic
from .limits import DEFAULT_TIMEOUT, for_documents

if TYPE_CHECKING:
    from .model import Plan
    from .lint.policy import LintPolicy


def _cmd_parse(args: argparse.Namespace) -> int:
    from .pipeline import DEFAULT_PIPELINE, parse, resolve

    pipeline = [c.strip() for c in args.pipeline.split(",")] if args.pipeline else DEFAULT_PIPELINE
    try:
        resolve(pipeline)
    except ValueError as err:
        return _usage(str(err))
    status = 0
    for path in args.files:
        try:
            plan = parse(Path(path), pipeline=pipeline, **_reading(args))
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
    for key in ("title", "issuer", "issued", "region", "doc_type", "doc_number"):
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


def _cmd_lint(args: argparse.Namespace) -> int:
    from .lint import lint_plans
    from .lint.baseline import write

    policy = _policy(args)  # a bad selector or --annotate path fails before any work
    if args.annotate:
        from .report.docx import annotate, annotation_targets

        targets = annotation_targets(args.files, args.annotate, force=args.force)
    if args.write_baseline:
        check_outputs([args.write_baseline], args.files)
    plans, paths, failed = _parse_all(args)
    if args.write_baseline:
        findings = lint_plans(plans, policy.rules, lang=policy.lang)
        n = write(args.write_baseline, findings)
        print(f"policyparse: wrote {n} accepted finding(s) to {args.write_baseline}",
              file=sys.stderr)
        return 2 if failed else 0
    findings = policy.findings(plans)
    by_doc = {p.document: p for p in plans}
    if args.format == "json":
        from .report.json import render as render_json

        print(render_json(findings, failed))
    elif args.format == "sarif":
        from .report.sarif import render as render_sarif

        print(render_sarif(findings, by_doc, paths, failed))
    elif args.format == "github":
        from .report.github import render as render_github

        print(render_github(findings, by_doc, paths))
    else:
        from .report.text import render as render_text

        print(render_text(findings, by_doc, paths))
    for plan in plans if args.annotate else ():
        out = targets[paths[plan.document]]
        n = len(annotate(plan, findings, out, source_path=paths[plan.document]))
        print(f"policyparse: wrote {n} comment(s) to {out}", file=sys.stderr)
    if failed:
        return 2
    return 1 if policy.fails(findings) else 0


def _codes(values: list[str] | None) -> list[str]:
    return [c.strip() for v in values or [] for c in v.split(",") if c.strip()]


def _policy(args: argparse.Namespace) -> LintPolicy:
    """The lint policy: the configuration with the options given put over it; an unknown rule
    selector fails here, before any document is read."""
    from .lint.config import find_config
    from .lint.policy import LintPolicy

    policy = LintPolicy.from_config(
        find_config(), select=_codes(args.select), ignore=_codes(args.ignore),
        severity_threshold=args.severity_threshold, fail_on=args.fail_on,
        baseline=args.baseline, lang=args.lang)
    try:
        policy.rules
    except ValueError as err:  # an unknown selector: one line, exit 2
        raise UsageError(None, str(err)) from None
    return policy


def _parse_all(args: argparse.Namespace
               ) -> tuple[list[Plan], dict[str, str], list[tuple[str, PolicyParseError]]]:
    """The plans of ``args.files``, their paths by document name, and the files that could not
    be read (each reported in one line; the others still count).  Documents are named by the
    path as given, so that two files of one name in two folders stay apart."""
    from .pipeline import parse

    plans, paths, failed = [], {}, []
    for path in args.files:
        try:
            plan = parse(Path(path), **_reading(args))
        except PolicyParseError as err:
            _error(err, args.debug)
            failed.append((path, err))
            continue
        plan.document = path
        plans.append(plan)
        paths[path] = path
    return plans, paths, failed


def _cmd_report(args: argparse.Namespace) -> int:
    from .report.html import render

    policy = _policy(args)  # an unknown selector fails before any work is done
    check_outputs([args.html], args.files)
    plans, _, failed = _parse_all(args)
    if not plans:
        return 2
    findings = policy.findings(plans)
    out = Path(args.html)
    try:
        write_atomic(out, render(plans, findings))
    except OSError as err:
        return _usage(f"{out}: cannot write the report ({err.strerror or err})")
    print(f"policyparse: wrote {out} ({len(plans)} document(s), {len(findings)} finding(s))",
          file=sys.stderr)
    return 2 if failed else 0


def _cmd_rules(args: argparse.Namespace) -> int:
    from .lint.registry import all_rules

    rules = all_rules()
    if args.format == "json":
        print(json.dumps([{"code": r.code, "name": r.name, "category": r.category,
                           "severity": r.severity, "message": r.message,
                           "message_en": r.message_en, "cross_document": r.cross_document}
                          for r in rules], ensure_ascii=False, indent=2))
        return 0
    for r in rules:
        print(f"{r.code}  {r.name:<28} {r.category:<15} {r.severity:<8} {r.summary()}")
    return 0


def _cmd_explain(args: argparse.Namespace) -> int:
    from .lint.registry import all_rules

    key = args.code.upper()
    for r in all_rules():
        if key in (r.code, r.name.upper()):
            print(f"{r.code} {r.name} ({r.category}, default severity {r.severity})\n")
            print(r.doc())
            print(f"\nmessage: {r.shown_message('zh')}\nmessage (en): {r.shown_message('en')}")
            return 0
    return _usage(f"unknown rule {args.code!r}; `policyparse rules` lists them")


def _cmd_agencies(args: argparse.Namespace) -> int:
    from .pipeline import parse
    from .structure.agencies import format_table, owner_table

    plans, status = [], 0
    for path in args.files:
        try:
            plans.append(parse(Path(path), **_reading(args)))
        except PolicyParseError as err:
            _error(err, args.debug)
            status = 2
    print(format_table(owner_table(plans), args.format))
    return status


def _cmd_batch(args: argparse.Namespace) -> int:
    from .batch import run

    summary = run(args.inputs, args.out, jobs=args.jobs, engine=args.engine,
                  scheduler=args.scheduler, timeout=args.timeout, force=args.force,
                  retry_failed=args.retry_failed, quiet=args.quiet, policy=_policy(args),
                  convert=args.convert)
    if summary.failed:  # say what the exit status rests on, earlier failures included
        earlier = (f" ({summary.failed_earlier} failed in an earlier run and were not retried: "
                   "--retry-failed redoes them)" if summary.failed_earlier else "")
        print(f"policyparse batch: exit status 1: {summary.failed} document(s) have error "
              f"records{earlier}", file=sys.stderr)
    return 1 if summary.failed else 0


def _cmd_diff(args: argparse.Namespace) -> int:
    from .compare import align, compare
    from .pipeline import parse

    annotated = None
    if args.annotate:
        from .report.docx import annotation_targets

        annotated = annotation_targets([args.new], args.annotate, force=args.force)[args.new]
    check_outputs([o for o in (args.html, annotated) if o], [args.old, args.new])
    old, new = (parse(Path(p), **_reading(args)) for p in (args.old, args.new))
    old.document, new.document = args.old, args.new
    result = compare(align(old, new))
    if args.format == "json":
        print(result.to_json())
    else:
        from .compare.render_text import render as render_text

        print(render_text(result, old, new, args.old, args.new))
    if args.html:
        from .compare.render_html import render as render_html

        write_atomic(Path(args.html), render_html(result, old, new))
        print(f"policyparse: wrote {args.html}", file=sys.stderr)
    if annotated:
        from .compare.annotate import annotate

        n = annotate(result, new, annotated, source_path=args.new)
        print(f"policyparse: wrote {n} comment(s) to {annotated}", file=sys.stderr)
    return 1 if result.changed else 0


def _cmd_export(args: argparse.Namespace) -> int:
    from .export.docbin import export_docbin

    out = Path(args.spacy)
    result = export_docbin(args.inputs, out, timeout=args.timeout, convert=args.convert,
                           on_error=lambda err: _error(err, args.debug),
                           on_skip=lambda line: print(f"policyparse: {line}", file=sys.stderr))
    if not result.documents:
        return _usage("no document could be read; nothing written")
    spans = ", ".join(f"{group} {n}" for group, n in result.spans.items())
    unaligned = sum(result.unaligned.values())
    print(f"policyparse: wrote {out} ({result.documents} document(s); spans: {spans}; "
          f"{unaligned} item(s) not aligned to tokens; {len(result.failed)} failed)",
          file=sys.stderr)
    return 2 if result.failed else 0


def _cmd_vocab(args: argparse.Namespace) -> int:
    try:
        from .text.words import jieba_userdict

        text = jieba_userdict()
    except ImportError as err:
        return _usage(str(err))
    if args.out is None:
        sys.stdout.write(text)
        return 0
    out = Path(args.out)
    try:
        write_atomic(out, text)
    except OSError as err:
        return _usage(f"{out}: cannot write ({err.strerror or err})")
    words = text.count("\n")
    print(f"policyparse: wrote {out} ({words} words)", file=sys.stderr)
    return 0


_REPORTED: set[tuple[type, str | None]] = set()  # (kind, file) of the errors printed so far


def _error(err: PolicyParseError, debug: bool) -> None:
    _REPORTED.add((type(err), err.path))
    if debug:
        import traceback

        traceback.print_exception(err)
    print(f"policyparse: error: {err.line()}", file=sys.stderr)


def _usage(message: str) -> int:
    print(f"policyparse: error: {message}", file=sys.stderr)
    return 2


def _reading_options(sp: argparse.ArgumentParser) -> None:
    """Options of every command that reads documents."""
    sp.add_argument("--timeout", type=_seconds, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                    help="time limit per document, for reading and checking it together "
                    f"(0: none; default {DEFAULT_TIMEOUT:g})")
    sp.add_argument("--convert", action="store_true",
                    help="convert legacy .doc/.wps, RTF and OpenDocument files with LibreOffice")


def _finding_options(sp: argparse.ArgumentParser) -> None:
    """Options of every command that reports findings (configuration keys of the same names)."""
    sp.add_argument("--select", action="append", help="codes, prefixes, names or categories")
    sp.add_argument("--ignore", action="append", help="codes, prefixes, names or categories")
    sp.add_argument("--severity-threshold", choices=("info", "warning", "error"),
                    help="report findings at or above this severity (default: info, all)")
    sp.add_argument("--fail-on", choices=("info", "warning", "error"),
                    help="lint exits 1 when a reported finding is at or above this severity "
                    "(default: warning; info hints alone exit 0)")
    sp.add_argument("--baseline", help="leave out findings accepted in this baseline file")
    sp.add_argument("--lang", choices=("zh", "en"), help="language of the messages")


def _reading(args: argparse.Namespace) -> dict:
    return {"timeout": args.timeout, "convert": args.convert}


def _documents(args: argparse.Namespace) -> list[str]:
    """The documents a command reads and then checks, compares or reports on: one limit of
    ``--timeout`` each covers the whole command (batch and export hold each input to its own)."""
    return [*getattr(args, "files", ()), *(getattr(args, k) for k in ("old", "new")
                                           if hasattr(args, k))]


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not seconds >= 0:  # also refuses nan
        raise argparse.ArgumentTypeError(f"expected a number of seconds ≥ 0, got {value!r}")
    return seconds


def _positive_int(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {value!r}")
    return int(value)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="policyparse",
        description="Chinese government policy plans into structured, checkable data: parse the "
        "outline, tasks, owners, targets and facts; lint a draft before publishing; batch-process "
        "a collection; score against gold annotations.")
    p.add_argument("--version", action="version", version=f"policyparse {__version__}")
    p.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = p.add_subparsers(dest="command", required=True)

    sp = sub.add_parser("parse", help="parse plans and print the Plan")
    sp.add_argument("files", nargs="+", help=".txt, .docx, .pdf or .html files")
    sp.add_argument("--format", choices=("text", "json"), default="text",
                    help="text: a readable summary; json: the Plan (JSON Lines for several files)")
    sp.add_argument("--no-blocks", action="store_true", help="leave the block list out of JSON")
    sp.add_argument("--pipeline", help="comma-separated components to run, each with those it "
                    "needs: meta, outline, tasks, owners, targets, facts (default: all)")
    _reading_options(sp)
    sp.set_defaults(func=_cmd_parse)

    sl = sub.add_parser(
        "lint", help="check plans for inconsistencies before publishing",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="exit status: 0 no finding at or above --fail-on; 1 findings at or above it;\n"
        "2 trouble (a file that cannot be read, a bad option or configuration).\n"
        "configuration: [tool.policyparse] in pyproject.toml or [policyparse] in setup.cfg,\n"
        "found from the current directory upwards; keys select, ignore, severity-threshold,\n"
        "fail-on, baseline, lang; options override them.")
    sl.add_argument("files", nargs="+", help="plans; several plans are also checked together")
    sl.add_argument("--format", choices=("text", "json", "sarif", "github"), default="text",
                    help="text for the terminal, json, sarif (SARIF 2.1.0 for code scanning), "
                    "github (workflow annotations)")
    _finding_options(sl)
    sl.add_argument("--write-baseline", metavar="FILE", help="accept all current findings")
    sl.add_argument("--annotate", metavar="PATH",
                    help="also write a .docx copy with a Word comment per finding (several "
                    "inputs: an existing directory, gets <stem>.reviewed.docx each)")
    sl.add_argument("--force", action="store_true",
                    help="with --annotate: replace copies that exist already")
    _reading_options(sl)
    sl.set_defaults(func=_cmd_lint)

    sh = sub.add_parser("report", help="an HTML review report: the text with tasks, targets, "
                        "owners and findings highlighted and linked")
    sh.add_argument("files", nargs="+", help="plans; several plans are also checked together")
    sh.add_argument("--html", required=True, metavar="OUT", help="the HTML file to write")
    _finding_options(sh)
    _reading_options(sh)
    sh.set_defaults(func=_cmd_report)

    sr = sub.add_parser("rules", help="list the linter's rules")
    sr.add_argument("--format", choices=("text", "json"), default="text",
                    help="text: a table; json: code, name, category, severity, messages")
    sr.set_defaults(func=_cmd_rules)

    sx = sub.add_parser("explain", help="print a rule's documentation")
    sx.add_argument("code", help="rule code or name, e.g. PH001 or placeholder-text")
    sx.set_defaults(func=_cmd_explain)

    sa = sub.add_parser("agencies", help="who owns how many tasks, by canonical agency")
    sa.add_argument("files", nargs="+", help=".txt, .docx, .pdf or .html files")
    sa.add_argument("--format", choices=("text", "json"), default="text",
                    help="text: a table; json: the same rows as objects")
    _reading_options(sa)
    sa.set_defaults(func=_cmd_agencies)

    sb = sub.add_parser("batch", help="parse, extract and lint many plans in parallel into "
                        "one JSON Plan each and tidy tables",
                        formatter_class=argparse.RawDescriptionHelpFormatter,
                        epilog="exit status: 0 every document parsed; 1 some documents have "
                        "error records\n(the others are kept); 2 usage, no input found, or "
                        "another batch\nwriting to --out; 3 the disk or quota is full (the "
                        "records so far kept).")
    sb.add_argument("inputs", nargs="+", help="files, directories (recursive) and glob patterns")
    sb.add_argument("--out", required=True, help="output directory (resumed if it exists)")
    sb.add_argument("--jobs", type=_positive_int, help="worker processes (default: CPU count)")
    sb.add_argument("--engine", choices=("local", "dask"), default="local")
    sb.add_argument("--scheduler", metavar="ADDRESS",
                    help="with --engine dask: join this cluster instead of starting one")
    sb.add_argument("--timeout", type=_seconds, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                    help="time limit per document, for reading and checking it together "
                    f"(0: none; default {DEFAULT_TIMEOUT:g})")
    sb.add_argument("--force", action="store_true", help="redo documents already done")
    sb.add_argument("--retry-failed", action="store_true",
                    help="redo the documents whose earlier run failed (the others are kept)")
    sb.add_argument("--quiet", action="store_true", help="no progress output")
    sb.add_argument("--convert", action="store_true",
                    help="convert legacy .doc/.wps, RTF and OpenDocument files with LibreOffice")
    _finding_options(sb)  # the same lint policy as lint and report, configuration included
    sb.set_defaults(func=_cmd_batch)

    sd = sub.add_parser(
        "diff", help="compare two versions of a plan: targets, tasks, owners, outline, meta",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="exit status (as diff(1)): 0 nothing of substance changed (wording, punctuation\n"
        "and layout alone are not changes); 1 something did; 2 trouble.")
    sd.add_argument("old", help="the earlier version (.txt, .docx, .pdf or .html)")
    sd.add_argument("new", help="the later version, in the same format or another")
    sd.add_argument("--format", choices=("text", "json"), default="text",
                    help="text for the terminal; json: the PlanDiff "
                    "(schemas/plan-diff.schema.json)")
    sd.add_argument("--html", metavar="OUT", help="also write an HTML page: the two versions "
                    "side by side with the changes highlighted")
    sd.add_argument("--annotate", metavar="OUT.docx",
                    help="also write a Word copy of NEW with a comment on each changed item")
    sd.add_argument("--force", action="store_true",
                    help="with --annotate: replace a copy that exists already")
    _reading_options(sd)
    sd.set_defaults(func=_cmd_diff)

    sxp = sub.add_parser(
        "export", help="write plans for other tools: a spaCy DocBin with the items as spans",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="exit status: 0 every document written; 2 a document could not be read (each\n"
        "named on one line; the others are written), no document at all (nothing written),\n"
        "spaCy not installed (pip install 'policyparse[spacy]') or a bad output path.")
    sxp.add_argument("inputs", nargs="+", help="files, directories (recursive) and glob patterns")
    sxp.add_argument("--spacy", required=True, metavar="OUT.spacy",
                     help="the DocBin to write (user data kept: the plan and the span fields)")
    _reading_options(sxp)
    sxp.set_defaults(func=_cmd_export)

    sv = sub.add_parser("vocab", help="export the project's vocabulary for a segmenter")
    sv.add_argument("--jieba", action="store_true", required=True,
                    help="as a jieba user dictionary (word freq tag a line; needs jieba)")
    sv.add_argument("out", nargs="?", metavar="OUT", help="file to write (default: stdout)")
    sv.set_defaults(func=_cmd_vocab)

    se = sub.add_parser("eval", help="score extraction against gold annotations")
    se.add_argument("--gold", default="corpora/gold", help="directory of *.gold.json")
    se.add_argument("--forms", default="txt", help="comma-separated forms to score: txt,html,docx,pdf "
                    "(html only for documents whose original is a web page)")
    se.add_argument("--lint", action="store_true", help="also score the linter's findings")
    se.add_argument("--format", choices=("text", "json"), default="text",
                    help="text: a table per document and form; json: with P/R and counts")
    se.set_defaults(func=_cmd_eval)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    if list(sys.argv[1:] if argv is None else argv) == ["--version"]:
        print(f"policyparse {__version__}")  # before building every subcommand's parser
        return 0
    parser = build_parser()
    args = parser.parse_args(argv)
    _REPORTED.clear()
    try:
        with for_documents(getattr(args, "timeout", 0), _documents(args)):
            return args.func(args)
    except PolicyParseError as err:
        # A command's own limit ran out inside the command's: once reported is enough.
        if (type(err), err.path) not in _REPORTED:
            _error(err, args.debug)
        return err.exit_status
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `policyparse parse … | head` is normal use
        return 0


if __name__ == "__main__":
    sys.exit(main())
