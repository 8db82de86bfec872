"""`ddb-workbench export MODEL --to FORMAT`: the design as a NoSQL Workbench model or as infrastructure code
(CloudFormation, SAM, serverless.yml, AWS CDK in Python or TypeScript, Terraform)."""

from __future__ import annotations

import argparse
import sys

HELP = ("export a design as a NoSQL Workbench model (JSON 3.0, entities as facets with sample items) or as "
        "infrastructure code: CloudFormation or SAM template, serverless.yml, AWS CDK app (Python) or stack "
        "(TypeScript), Terraform (tables, keys, indexes, billing with auto scaling, on-demand maximums, class, TTL, "
        "streams, deletion protection, global tables), a Python module of boto3 client calls with one function per "
        "access pattern (boto3), or the seeded sample items as DynamoDB JSON lines and BatchWriteItem requests of "
        "25 items (items); prints what the format cannot carry")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from engine.commands import add_model_argument, add_seed_argument

    add_model_argument(parser)
    from engine.interop import EXPORT_FORMATS

    parser.add_argument("--to", default="cloudformation", choices=EXPORT_FORMATS,
                        help="output format (default cloudformation)")
    parser.add_argument("-o", "--output", metavar="PATH", default=None,
                        help="write to PATH (default: stdout); --to items: a directory (created if missing) getting, "
                             "per table, <table>.jsonl ({\"Item\": ...} per line, as a DynamoDB export to S3), "
                             "<table>.batch-0001.json ... (whole BatchWriteItem requests of at most 25 puts, for "
                             "`aws dynamodb batch-write-item --cli-input-json file://...`) and manifest.json")
    parser.add_argument("--table", metavar="NAME", default=None,
                        help="--to items only: the one table to print or write (default: every table with -o; "
                             "without -o the design's only table)")
    add_seed_argument(parser, "sample data seed for the NoSQL Workbench facets' items and --to items (default 0)")
    parser.add_argument("--json", action="store_true",
                        help="print {format, output, text (without -o), not_exported} as JSON on stdout")


def run(args: argparse.Namespace) -> int:
    from engine.commands import load_model_arg, print_json
    from engine.errors import WorkbenchError
    from engine.interop import export_design, export_notes

    model = load_model_arg(args.model)
    if args.to == "items":
        return _run_items(args, model)
    if args.table is not None:
        raise WorkbenchError(f"--table {args.table}: only --to items takes a table; leave it out")
    text = export_design(model, args.to, seed=args.seed)
    lost = export_notes(model, args.to)
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8") as out:
                out.write(text)
        except OSError as exc:
            raise WorkbenchError(f"-o {args.output}: cannot write ({exc.strerror}); choose a writable path") from None
    if args.json:
        print_json({"format": args.to, "design": model.name, "output": args.output,
                    **({} if args.output else {"text": text}), "not_exported": lost})
        return 0
    if args.output:
        print(f"wrote {args.output} ({args.to})", file=sys.stderr)
    else:
        sys.stdout.write(text)
    for note in lost:
        print(f"  - not exported: {note}", file=sys.stderr)
    return 0


def _run_items(args: argparse.Namespace, model: object) -> int:
    """--to items: the JSON lines of one table on stdout, or every table's files in the -o directory."""
    from engine.commands import print_json
    from engine.interop import export_notes
    from engine.interop.items_out import items_jsonl, write_items_directory

    lost = export_notes(model, "items")
    if args.output:
        manifest = write_items_directory(model, args.output, args.seed, args.table)
        if args.json:
            print_json({"format": "items", "design": manifest["design"], "output": args.output,
                        "tables": manifest["tables"], "not_exported": lost})
            return 0
        for table, entry in manifest["tables"].items():
            first = entry["batch_write_files"][:1]
            load = f"; load: aws dynamodb batch-write-item --cli-input-json file://{args.output}/{first[0]} ..." \
                if first else ""
            print(f"wrote {entry['items']} item(s) of {table}: {args.output}/{entry['jsonl']} and "
                  f"{len(entry['batch_write_files'])} BatchWriteItem file(s){load}", file=sys.stderr)
    else:
        text = items_jsonl(model, args.seed, args.table)
        if args.json:
            print_json({"format": "items", "design": model.name, "output": None, "text": text, "not_exported": lost})
            return 0
        sys.stdout.write(text)
    for note in lost:
        print(f"  - not exported: {note}", file=sys.stderr)
    return 0
