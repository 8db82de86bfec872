"""`ddb-workbench sandbox MODEL --operation OP --request FILE`: one DynamoDB API call on the seeded sample data."""

from __future__ import annotations

import argparse
import json
import sys

# DynamoDB requests are at most 16 MB (BatchWriteItem / BatchGetItem limits, DG/ServiceQuotas.html).
REQUEST_LIMIT_BYTES = 16 * 1024 * 1024

HELP = ("run one DynamoDB API request (wire JSON) against a design's tables holding its seeded sample items "
        "(without --operation: describe the loaded tables)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from engine.commands import add_model_argument, add_seed_argument

    add_model_argument(parser)
    add_seed_argument(parser)
    parser.add_argument("--operation", metavar="OP", default=None,
                        help="DynamoDB operation, e.g. Query, GetItem, PutItem, Scan, TransactWriteItems")
    parser.add_argument("--request", metavar="FILE", default=None,
                        help="request JSON as the AWS CLI's --cli-input-json takes it ('-' reads stdin); add "
                             "\"ReturnConsumedCapacity\": \"INDEXES\" to see the units per table and index")
    parser.add_argument("--items", metavar="FILE", default=None,
                        help="also load items from FILE (DynamoDB JSON, plain JSON/JSON lines, or CSV with "
                             "name:TYPE headers) into --table before the request")
    parser.add_argument("--table", metavar="NAME", default=None,
                        help="table the --items go to (default: the design's only table)")
    parser.add_argument("--no-samples", action="store_true",
                        help="start the design's tables empty (no seeded sample items)")
    parser.add_argument("--json", action="store_true",
                        help="without --operation, print the tables as JSON (responses are always JSON)")


def _read_request(spec: str) -> dict:
    from engine.errors import WorkbenchError
    from engine.io import read_input_text
    from engine.model.limits import MAX_NESTING_LEVELS

    text = read_input_text(spec, "--request", REQUEST_LIMIT_BYTES)
    try:
        request = json.loads(text)
    except json.JSONDecodeError as exc:
        raise WorkbenchError(f"--request {spec}: line {exc.lineno} column {exc.colno}: {exc.msg}; the request "
                             "must be one JSON object") from None
    except RecursionError:
        raise WorkbenchError(f"--request {spec}: the JSON is nested too deeply to read (DynamoDB allows "
                             f"{MAX_NESTING_LEVELS} levels of nested attributes); flatten it") from None
    if not isinstance(request, dict):
        raise WorkbenchError(f"--request {spec}: expected a JSON object (the request), got {type(request).__name__}")
    return request


def _load_items(sandbox, model, path: str, table_name: str | None) -> None:
    """Import items from a file into one of the design's tables (keys checked, problems by row/column)."""
    from engine.errors import WorkbenchError
    from engine.samples import import_items_file

    names = [t.name for t in model.tables]
    if table_name is None and len(names) != 1:
        raise WorkbenchError(f"--items {path}: the design has tables {names}; say which one with --table NAME")
    name = table_name or names[0]
    if name not in names:
        raise WorkbenchError(f"--table {name} is not a table of the design (known: {', '.join(names)})")
    items = import_items_file(path, table=model.table(name))
    sandbox.load_items(name, items)
    print(f"loaded {len(items)} item(s) from {path} into {name}", file=sys.stderr)


def _describe(sandbox, model, args: argparse.Namespace) -> int:
    """The loaded tables (DescribeTable of each) and how many sample items each entity holds."""
    from collections import Counter

    from engine.commands import print_json
    from engine.samples import generate_samples

    tables = [sandbox.call("DescribeTable", {"TableName": t.name})["Table"] for t in model.tables]
    per_entity = {} if args.no_samples else {
        name: dict(Counter(s.entity for s in samples)) for name, samples in generate_samples(model, args.seed).items()}
    if args.json:
        print_json({"design": model.name, "seed": args.seed, "tables": tables, "sample_items": per_entity})
        return 0
    for t in tables:
        counts = ", ".join(f"{e} {n}" for e, n in per_entity.get(t["TableName"], {}).items()) or "no sample items"
        print(f"{t['TableName']}: {t['ItemCount']} items ({counts})")
    print("run a request with --operation OP --request FILE.json", file=sys.stderr)
    return 0


def run(args: argparse.Namespace) -> int:
    from engine.commands import load_model_arg, print_json
    from engine.sandbox import OPERATIONS, Sandbox, SandboxError

    if (args.operation is None) != (args.request is None):
        print("error: --operation and --request go together (an operation and its request JSON); give both, "
              "or neither to describe the loaded tables", file=sys.stderr)
        return 2
    if args.operation is not None and args.operation not in OPERATIONS:
        print(f"error: --operation {args.operation} is not a DynamoDB operation the sandbox speaks (known: "
              f"{', '.join(sorted(OPERATIONS))})", file=sys.stderr)
        return 2
    request = _read_request(args.request) if args.request is not None else None
    model = load_model_arg(args.model)
    if args.no_samples:
        from engine.sandbox import create_table_request

        sandbox = Sandbox()
        for table in model.tables:
            sandbox.call("CreateTable", create_table_request(table))
    else:
        sandbox = Sandbox.from_model(model, seed=args.seed)
    if args.items:
        _load_items(sandbox, model, args.items, args.table)
    if request is None:
        return _describe(sandbox, model, args)
    try:
        response = sandbox.call(args.operation, request)
    except SandboxError as exc:
        body = exc.to_wire()
        if exc.consumed_capacity is not None:
            body["ConsumedCapacity"] = exc.consumed_capacity  # what DynamoDB charged but does not return
        print_json(body)
        print(f"error: {exc.code}: {exc.message}", file=sys.stderr)
        return 1
    print_json(response)
    return 0
