"""`ddb-workbench import FILE`: a design from a NoSQL Workbench model, describe-table output or a template."""

from __future__ import annotations

import argparse
import sys

HELP = ("import a design from a NoSQL Workbench model (JSON 1.0/2.0/3.0), `aws dynamodb describe-table` output, "
        "or a CloudFormation/SAM template or serverless.yml; notes name every part skipped or guessed")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="the file to import, or '-' to read it from stdin")
    parser.add_argument("--from", dest="source_format", default="auto",
                        choices=("auto", "nosql-workbench", "describe-table", "cloudformation"),
                        help="the file's format (default auto: told from its content)")
    parser.add_argument("-o", "--output", metavar="FILE", default=None,
                        help="write the design to FILE (.json for JSON, else YAML; default: YAML on stdout)")
    parser.add_argument("--items", metavar="FILE", default=None,
                        help="also write the sample items found in the file (NoSQL Workbench TableData) as JSON "
                             "lines, one {\"Item\": ...} in DynamoDB JSON per line (the DynamoDB export format "
                             "`ddb-workbench sandbox --items` reads); with several tables, one file per table "
                             "(FILE's name + '.<table>')")
    parser.add_argument("--json", action="store_true",
                        help="print {format, design, notes, items} as JSON on stdout (the design is still written "
                             "with -o)")


def run(args: argparse.Namespace) -> int:
    import json

    from engine.commands import print_json, write_output
    from engine.interop import import_file
    from engine.io import design_data, dump_model, format_of

    result = import_file(args.file, args.source_format)
    text = dump_model(result.model, format_of(args.output) if args.output else "yaml")
    if args.output:
        write_output(args.output, text, "-o")
    written: dict[str, str] = {}
    if args.items:
        tables = {t: i for t, i in result.items.items() if i}
        for table, items in tables.items():
            path = args.items if len(tables) == 1 else _per_table(args.items, table)
            write_output(path, "".join(json.dumps({"Item": item}, ensure_ascii=False) + "\n" for item in items), "--items")
            written[table] = path
    if args.json:
        print_json({"format": result.format, "design": design_data(result.model),
                    "notes": [n.as_dict() for n in result.notes],
                    "items": {t: len(i) for t, i in result.items.items()}, "item_files": written})
    elif not args.output:
        sys.stdout.write(text)
    if not args.json:
        print(f"imported {args.file} as {result.format}: {len(result.model.tables)} table(s), "
              f"{len(result.model.entities)} entit(ies), {sum(len(i) for i in result.items.values())} sample item(s)"
              + (f"; wrote {args.output}" if args.output else ""), file=sys.stderr)
        for table, path in written.items():
            print(f"  wrote the sample items of {table} to {path}", file=sys.stderr)
        for note in result.notes:
            print(f"  - {note.text()}", file=sys.stderr)
    return 0


def _per_table(path: str, table: str) -> str:
    from pathlib import Path

    p = Path(path)
    return str(p.with_name(f"{p.stem}.{table}{p.suffix}"))
