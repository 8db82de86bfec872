"""`ddb-workbench size ITEM.json`: exact item size, per-attribute bytes and the capacity units it costs."""

from __future__ import annotations

import argparse
import sys

# An item is at most 400 KB (DG/ServiceQuotas.html); its JSON text with type wrappers and base64 stays far below this.
ITEM_FILE_LIMIT_BYTES = 5 * 1024 * 1024

HELP = "size one item (DynamoDB JSON or plain JSON): bytes per attribute, read and write units"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("item", metavar="ITEM.json", help="item file ('-' for stdin); an {\"Item\": ...} wrapper is accepted")
    parser.add_argument("--format", choices=("dynamodb", "plain"), default="dynamodb",
                        help="dynamodb: typed values ({\"pk\": {\"S\": \"a\"}}, the default); plain: untyped JSON values")
    parser.add_argument("--global-table", action="store_true", help="storage size in a global table (+48 B)")
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON to stdout")


def _read_item(path: str, fmt: str) -> dict:
    import json

    from engine.errors import ItemError
    from engine.io import read_input_text
    from engine.model.limits import MAX_NESTING_LEVELS

    text = read_input_text(path, "item file", ITEM_FILE_LIMIT_BYTES)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ItemError(f"{path}: not valid JSON at line {exc.lineno} column {exc.colno} ({exc.msg})") from exc
    except RecursionError:
        raise ItemError(f"{path}: the JSON is nested too deeply to read (DynamoDB allows {MAX_NESTING_LEVELS} "
                        "levels of nested attributes); flatten it") from None
    if isinstance(data, dict) and set(data) == {"Item"} and isinstance(data["Item"], dict):
        data = data["Item"]  # the AWS CLI's get-item / put-item wrapper
    if not isinstance(data, dict):
        raise ItemError(f"{path}: an item is a JSON object of attribute name -> value, got {type(data).__name__}")
    if fmt == "plain":
        from engine.itemsize import to_dynamodb_json

        return to_dynamodb_json(data)
    return data


def size_report(item: dict, global_table: bool = False) -> dict:
    """The JSON payload of `size` for an item in DynamoDB JSON."""
    from engine.capacity import read_units, write_units
    from engine.itemsize import attribute_sizes_bytes, storage_size_bytes

    attributes = attribute_sizes_bytes(item)
    size = sum(attributes.values())
    return {
        "size_bytes": size,
        "storage_bytes": storage_size_bytes(size, global_table),
        "attributes": attributes,
        "read_units": {c: read_units(size, c) for c in ("strong", "eventual", "transactional")},
        "write_units": {"standard": write_units(size, None), "transactional": write_units(size, None, True)},
    }


def run(args: argparse.Namespace) -> int:
    from engine.commands import print_json
    from engine.errors import ItemError
    from engine.itemsize import MAX_ITEM_BYTES, ItemSizeError

    try:
        report = size_report(_read_item(args.item, args.format), args.global_table)
    except ItemSizeError as exc:
        hint = " (is it plain JSON? add --format plain)" if args.format == "dynamodb" else ""
        raise ItemError(f"{args.item}: {exc}{hint}") from exc
    if args.json:
        print_json(report)
    else:
        width = max([len(n) for n in report["attributes"]] + [9])
        for name, size in sorted(report["attributes"].items(), key=lambda kv: -kv[1]):
            print(f"  {name:<{width}}  {size:>8,} B")
        print(f"  {'item':<{width}}  {report['size_bytes']:>8,} B   (storage {report['storage_bytes']:,} B)")
        r, w = report["read_units"], report["write_units"]
        print(f"  read units: {r['strong']:g} strong, {r['eventual']:g} eventual, {r['transactional']:g} transactional")
        print(f"  write units: {w['standard']:g} standard, {w['transactional']:g} transactional")
    if report["size_bytes"] > MAX_ITEM_BYTES:
        print(f"warning: {report['size_bytes']:,} B exceeds DynamoDB's 400 KB item limit", file=sys.stderr)
        return 1
    return 0
