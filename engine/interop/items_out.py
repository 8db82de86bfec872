"""A design's seeded sample items out (`ddb-workbench export MODEL --to items [-o DIR] [--table NAME]`).

The items are engine.samples.generate_items(model, seed): the ones `ddb-workbench serve MODEL --seed N` and the
sandbox hold. Without -o, the JSON lines of one table are printed. With -o DIR (created if missing), per table:

- `DIR/<table>.jsonl`: one `{"Item": {...}}` per line in DynamoDB JSON, the DYNAMODB_JSON layout of a DynamoDB
  export to S3 (`ddb-workbench sandbox --items` and `import` read it); non-ASCII text is \\u-escaped, so no
  character inside an item can split a line;
- `DIR/<table>.batch-0001.json`, ...: whole BatchWriteItem requests of at most 25 puts each,
  `{"RequestItems": {"<table>": [{"PutRequest": {"Item": ...}}, ...]}}`, for
  `aws dynamodb batch-write-item --cli-input-json file://DIR/<table>.batch-0001.json` (AWS CLI v2 reads B values
  as base64, as written; the CLI's `--request-items file://...` takes the inner map, the value of RequestItems),
  or boto3's `client.batch_write_item(**request)` once B values are decoded to bytes;
- `DIR/manifest.json`: the design, the seed, and per table its item count and files.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

from engine.interop.notes import InteropError

BATCH_WRITE_MAX_ITEMS = 25  # DynamoDB's BatchWriteItem limit (API_BatchWriteItem.html)
MAX_STEM_CHARS = 200  # file names stay under 255 bytes with the batch suffix


def sample_items(model: Any, seed: int = 0, table: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """Sample items per table name (only `table` when given; every table of the design, empty ones included)."""
    from engine.samples import generate_items

    if table is not None and table not in {t.name for t in model.tables}:
        raise InteropError(f"--table {table}: the design has no such table (tables: "
                           f"{', '.join(t.name for t in model.tables)}); name one of them")
    items = generate_items(model, seed)
    return {name: rows for name, rows in items.items() if table is None or name == table}


def items_lines(items: list[dict[str, Any]]) -> str:
    """JSON lines, one `{"Item": ...}` per item (DynamoDB's S3 export layout), ASCII only."""
    return "".join(json.dumps({"Item": item}, separators=(",", ":")) + "\n" for item in items)


def batch_write_requests(table: str, items: list[dict[str, Any]],
                         size: int = BATCH_WRITE_MAX_ITEMS) -> list[dict[str, Any]]:
    """Whole BatchWriteItem requests putting the items, at most `size` (25) each."""
    if not 1 <= size <= BATCH_WRITE_MAX_ITEMS:
        raise ValueError(f"a BatchWriteItem request holds 1 to {BATCH_WRITE_MAX_ITEMS} writes, not {size}")
    return [{"RequestItems": {table: [{"PutRequest": {"Item": item}} for item in items[i:i + size]]}}
            for i in range(0, len(items), size)]


def items_jsonl(model: Any, seed: int = 0, table: str | None = None) -> str:
    """The JSON lines of one table: `table`, or the design's only table."""
    if table is None:
        if len(model.tables) != 1:
            raise InteropError(f"the design has {len(model.tables)} tables ({', '.join(t.name for t in model.tables)});"
                               " name one with --table NAME, or write every table's files with -o DIR")
        table = model.tables[0].name
    return items_lines(sample_items(model, seed, table)[table])


def file_stems(tables: list[str]) -> dict[str, str]:
    """A file name stem per table: the name with anything but letters, digits, '_', '-', '.' replaced, no leading
    dot, unique even on a case-insensitive file system."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for name in tables:
        stem = re.sub(r"[^A-Za-z0-9_.-]", "_", name)[:MAX_STEM_CHARS]
        stem = "table" + stem if not stem or stem.startswith(".") else stem
        candidate, n = stem, 1
        while candidate.lower() in taken:
            n += 1
            candidate = f"{stem}-{n}"
        taken.add(candidate.lower())
        out[name] = candidate
    return out


def items_files(model: Any, seed: int = 0, table: str | None = None) -> tuple[dict[str, str], dict[str, Any]]:
    """Every table's (or `table`'s) JSON lines and BatchWriteItem files and the manifest, by file name, with the
    manifest itself (`write_items_directory` writes them; the Design page zips them)."""
    items = sample_items(model, seed, table)
    stems = file_stems(list(items))
    manifest: dict[str, Any] = {"design": model.name, "seed": seed, "format": "DynamoDB JSON", "tables": {}}
    files: dict[str, str] = {}
    for name, rows in items.items():
        stem = stems[name]
        files[f"{stem}.jsonl"] = items_lines(rows)
        batches = []
        for i, request in enumerate(batch_write_requests(name, rows), start=1):
            batch = f"{stem}.batch-{i:04d}.json"
            files[batch] = json.dumps(request, indent=1) + "\n"
            batches.append(batch)
        manifest["tables"][name] = {"items": len(rows), "jsonl": f"{stem}.jsonl", "batch_write_files": batches}
    files["manifest.json"] = json.dumps(manifest, indent=2) + "\n"
    return files, manifest


def write_items_directory(model: Any, directory: str | Path, seed: int = 0,
                          table: str | None = None) -> dict[str, Any]:
    """Write every table's (or `table`'s) JSON lines and BatchWriteItem files and the manifest; the manifest."""
    folder = Path(directory)
    files, manifest = items_files(model, seed, table)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for file_name, text in files.items():
            (folder / file_name).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InteropError(f"-o {directory}: cannot write the item files there ({exc.strerror or exc}); give a "
                           "writable directory") from None
    return manifest


def items_notes(model: Any) -> list[str]:
    """What the items files do not hold (printed by `ddb-workbench export --to items`)."""
    from engine.samples import generate_samples

    counts = Counter(s.entity for rows in generate_samples(model).values() for s in rows)
    notes = ["items files hold the sample items only: tables, keys, indexes, billing and access patterns are in "
             "the design (export --to cloudformation or --to boto3 for those)"]
    notes += [f"entity {e.name}: {counts[e.name]:,} sample item(s) of the {e.item_count:,} it holds"
              for e in model.entities if counts[e.name] < e.item_count]
    return notes


__all__ = ["BATCH_WRITE_MAX_ITEMS", "batch_write_requests", "file_stems", "items_jsonl", "items_lines",
           "items_notes", "sample_items", "write_items_directory"]
