"""`ddb-workbench report MODEL`: a design-review report as one HTML file, Markdown, or PDF."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

HELP = ("a design-review report (HTML, Markdown for pull requests, or PDF): cost, billing, partitions, throttling, "
        "consistency, findings, assumptions and the price catalog; --compare puts two designs side by side")


def _date(text: str) -> str:
    try:
        return dt.date.fromisoformat(text).isoformat() if len(text) == 10 else _bad_date(text)
    except ValueError:
        return _bad_date(text)


def _bad_date(text: str) -> str:
    raise argparse.ArgumentTypeError(f"invalid date {text!r}: write YYYY-MM-DD, e.g. 2026-01-31")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from engine.commands import add_model_argument

    add_model_argument(parser)
    parser.add_argument("--compare", metavar="OTHER", default=None,
                        help="a second design (file or sample name) shown side by side as B (MODEL is A)")
    parser.add_argument("--format", choices=("html", "md", "pdf"), default="html",
                        help="html: one self-contained offline file; md: Markdown for a pull-request comment; "
                             "pdf: the HTML printed by headless chromium (default html)")
    parser.add_argument("-o", "--output", metavar="FILE", default=None,
                        help="write the report to FILE (default: stdout for html and md; pdf needs -o)")
    parser.add_argument("--date", type=_date, default=None, metavar="YYYY-MM-DD",
                        help="the date printed on the report (default today); the same design, catalog and date "
                             "give the same HTML and Markdown bytes")
    parser.add_argument("--paper", choices=("a4", "letter"), default="a4",
                        help="PDF page size (default a4); the HTML prints on either")
    parser.add_argument("--json", action="store_true",
                        help="print a JSON summary of the report (designs, content hashes, versions, date, catalog, "
                             "totals, findings) to stdout; the report itself is written only with -o")


def summary_payload(reports: list, date: str, fmt: str, output: str | None, size: int | None) -> dict:
    """What --json prints: the report's identity and headline figures per design."""
    designs = []
    for r in reports:
        c = r.evaluation.catalog
        designs.append({
            "name": r.model.name, "content_sha256": r.content_sha256,
            "catalog": {"id": c.id, "date": c.date, "region": c.region, "sources": list(c.sources)},
            "total_monthly_usd": r.evaluation.total_monthly_usd,
            "throttled_share": r.throttled_share,
            "findings": [{"rule_id": f.rule_id, "severity": f.severity, "path": f.path} for f in r.findings]})
    first = reports[0]
    return {"format": fmt, "date": date, "output": output, "bytes": size,
            "workbench_version": first.workbench_version, "engine_version": first.engine_version,
            "designs": designs}


def run(args: argparse.Namespace) -> int:
    from engine.commands import STDIN_MODEL, load_model_arg, print_json
    from engine.errors import WorkbenchError
    from engine.report import build_report, render

    if args.format == "pdf" and not args.output and not args.json:
        print("error: --format pdf needs -o FILE (PDF is not written to a terminal)", file=sys.stderr)
        return 2
    if args.compare == STDIN_MODEL and args.model == STDIN_MODEL:
        print("error: only one of MODEL and --compare can be read from stdin", file=sys.stderr)
        return 2
    date = args.date or dt.date.today().isoformat()
    report = build_report(load_model_arg(args.model))
    other = build_report(load_model_arg(args.compare)) if args.compare else None
    if args.json and not args.output:
        print_json(summary_payload([r for r in (report, other) if r is not None], date, args.format, None, None))
        return 0
    data = render(report, args.format, date=date, compare=other, paper=args.paper)
    if args.output:
        try:
            with open(args.output, "wb") as out:
                out.write(data)
        except OSError as exc:
            raise WorkbenchError(f"-o {args.output}: cannot write the report ({exc.strerror}); choose a writable "
                                 "path") from None
        print(f"wrote {args.output} ({len(data):,} bytes, {args.format})", file=sys.stderr)
        if args.json:
            print_json(summary_payload([r for r in (report, other) if r is not None], date, args.format,
                                       args.output, len(data)))
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0
