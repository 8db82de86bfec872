"""`ddb-workbench export MODEL --to FORMAT`: the design as a NoSQL Workbench model or as infrastructure code
(CloudFormation, SAM, serverless.yml, AWS CDK in Python or TypeScript, Terraform)."""

from __future__ import annotations

import argparse
import sys

HELP = ("export a design as a NoSQL Workbench model (JSON 3.0, entities as facets with sample items) or as "
        "infrastructure code: CloudFormation or SAM template, serverless.yml, AWS CDK app (Python) or stack "
        "(TypeScript), Terraform (tables, keys, indexes, billing with auto scaling, on-demand maximums, class, TTL, "
        "streams, deletion protection, global tables); prints what the format cannot carry")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from engine.commands import add_model_argument, add_seed_argument

    add_model_argument(parser)
    from engine.interop import EXPORT_FORMATS

    parser.add_argument("--to", default="cloudformation", choices=EXPORT_FORMATS,
                        help="output format (default cloudformation)")
    parser.add_argument("-o", "--output", metavar="PATH", default=None, help="write to PATH (default: stdout)")
    add_seed_argument(parser, "sample data seed for the NoSQL Workbench facets' items (default 0)")
    parser.add_argument("--json", action="store_true",
                        help="print {format, output, text (without -o), not_exported} as JSON on stdout")


def run(args: argparse.Namespace) -> int:
    from engine.commands import load_model_arg, print_json
    from engine.errors import WorkbenchError
    from engine.interop import export_design, export_notes

    model = load_model_arg(args.model)
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
