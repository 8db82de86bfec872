"""Write a realistic DynamoDB export to S3, as it lands, from a design's sample items.

Layout and manifests follow the developer guide's "DynamoDB table export output format"
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/S3DataExport.Output.html):
`<out>/manifest-summary.json`, `<out>/manifest-files.json` (JSON lines: itemCount, md5Checksum, etag,
dataFileS3Key per data file), the `.checksum` files, an empty `_started`, and `<out>/data/<name>.json.gz`
data files holding DynamoDB JSON lines (`{"Item": {...}}`), gzip-compressed.

Items: engine.samples.generate_samples for a few seeds gives a pool of items per entity of the table
(keys from the design's templates, attribute values sized by DynamoDB's rules). The export holds N items
shared out between the entities in proportion to their `item_count`; the k-th copy of a pool item has
`~k` appended to its partition key value (a new item collection per copy; sort keys and GSI keys are
kept, so a GSI on a status keeps its hot values), so the same design and N give the same bytes. Items go
to data files by a hash of the partition key, as DynamoDB puts one partition's keyspace in a file.

Run: python benchmarks/make_export.py github_single_table /tmp/export --items 1000000
"""

from __future__ import annotations

import argparse
import base64
import gzip
import hashlib
import heapq
import json
import sys
import time
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from engine.evidence.export_files import file_md5
from engine.itemsize import attribute_value_size_bytes, item_size_bytes
from engine.model import DataModel
from engine.samples import generate_samples

EXPORT_ID = "01700000000000-a1b2c3d4"
ACCOUNT = "123456789012"
REGION = "us-east-1"
SENTINEL = "\u0000PARTITION-KEY\u0000"
POOL_SEEDS = 4
DEFAULT_FILES = 8


@dataclass
class WrittenExport:
    """What make_export wrote, with the figures a test checks the analysis against (from engine.itemsize)."""

    path: Path
    table: str
    items: int
    files: list[Path]
    bytes_compressed: int
    bytes_uncompressed: int
    entity_items: Counter = field(default_factory=Counter)
    entity_sizes: dict[str, Counter] = field(default_factory=dict)
    """Per entity: item size (engine.itemsize) -> number of items of that size."""


@dataclass
class _PoolItem:
    entity: str
    head: str
    tail: str
    pk_text: str
    pk_type: str
    base_size: int
    base_pk_size: int


def _pool(model: DataModel, table_name: str, seed: int) -> dict[str, list[_PoolItem]]:
    """Pool items per entity (in design order): line text split around the partition key value."""
    table = model.table(table_name)
    pk = table.partition_key
    pool: dict[str, list[_PoolItem]] = {}
    seen: set[tuple[str, ...]] = set()
    for s in range(POOL_SEEDS):
        for sample in generate_samples(model, seed + s)[table_name]:
            key = tuple(json.dumps(sample.item.get(k), sort_keys=True) for k in table.key_names)
            if key in seen:  # the same key from another seed: keep one (copies get their own suffix anyway)
                continue
            seen.add(key)
            item = sample.item
            ((pk_type, pk_text),) = item[pk.name].items()
            if pk_type not in ("S", "N"):
                raise SystemExit(f"partition key type {pk_type} is not supported by this generator (S or N)")
            marked = {**item, pk.name: {pk_type: SENTINEL}}
            line = json.dumps({"Item": marked}, ensure_ascii=False, separators=(",", ":"))
            head, tail = line.split(json.dumps(SENTINEL, ensure_ascii=False)[1:-1])
            pool.setdefault(sample.entity, []).append(_PoolItem(
                sample.entity, head, tail, pk_text, pk_type, item_size_bytes(item),
                attribute_value_size_bytes(item[pk.name])))
    return pool


def _quotas(model: DataModel, table: str, items: int, entities: list[str]) -> dict[str, int]:
    """Items per entity in proportion to item_count (largest remainder), summing to `items`."""
    weights = {e.name: e.item_count for e in model.entities_of(table) if e.name in entities}
    total = sum(weights.values())
    if total == 0:
        weights = {e: 1 for e in entities}
        total = len(entities)
    exact = {e: items * w / total for e, w in weights.items()}
    quotas = {e: int(v) for e, v in exact.items()}
    left = items - sum(quotas.values())
    for e in sorted(exact, key=lambda e: (-(exact[e] - quotas[e]), e))[:left]:
        quotas[e] += 1
    return quotas


def _positions(entity: str, quota: int) -> Iterator[tuple[float, str, int]]:
    """(position in the export, entity, k) of an entity's k-th item: its items spread evenly, so the entities
    interleave as a partition's items do in a real export's data file."""
    return ((k / quota, entity, k) for k in range(quota))


def _copy_pk(item: _PoolItem, copy: int) -> tuple[str, int]:
    """Partition key text of the copy-th copy (JSON-escaped for the line) and its value size."""
    if copy == 0:
        text = item.pk_text
    elif item.pk_type == "S":
        text = f"{item.pk_text}~{copy}"
    else:  # a number: append the copy's digits after a 9 so the value stays distinct and valid
        text = f"{item.pk_text}9{copy:06d}" if item.pk_text.lstrip("-") != "0" else f"{copy}"
    size = attribute_value_size_bytes({item.pk_type: text})
    return json.dumps(text, ensure_ascii=False)[1:-1], size


def make_export(model: DataModel, out: Path, items: int, table: str | None = None, seed: int = 0,
                files: int = DEFAULT_FILES, compresslevel: int = 1, quiet: bool = True) -> WrittenExport:
    """Write an export of `items` items of `table` (default: the design's first table) under `out`."""
    table_name = table or model.tables[0].name
    out = Path(out)
    data = out / "data"
    data.mkdir(parents=True, exist_ok=True)
    pool = _pool(model, table_name, seed)
    if not pool:
        raise SystemExit(f"the design has no sample items for table {table_name}")
    quotas = _quotas(model, table_name, items, list(pool))
    names = [f"{hashlib.sha1(f'{seed}-{i}'.encode()).hexdigest()[:26]}.json.gz" for i in range(files)]
    paths = [data / n for n in names]
    handles = [gzip.open(p, "wt", encoding="utf-8", compresslevel=compresslevel, newline="\n") for p in paths]
    buffers: list[list[str]] = [[] for _ in paths]
    counts = [0] * files
    written = WrittenExport(out, table_name, items, paths, 0, 0)
    uncompressed = 0
    start = time.perf_counter()
    for entity, quota in quotas.items():
        written.entity_sizes[entity] = Counter()
        written.entity_items[entity] = quota
    for done, (_, entity, k) in enumerate(heapq.merge(*(_positions(e, q) for e, q in quotas.items())), 1):
        members = pool[entity]
        item = members[k % len(members)]
        pk_json, pk_size = _copy_pk(item, k // len(members))
        line = f"{item.head}{pk_json}{item.tail}\n"
        f = zlib.crc32(pk_json.encode("utf-8")) % files
        buffers[f].append(line)
        counts[f] += 1
        uncompressed += len(line.encode("utf-8"))
        if len(buffers[f]) >= 4096:
            handles[f].write("".join(buffers[f]))
            buffers[f].clear()
        written.entity_sizes[entity][item.base_size - item.base_pk_size + pk_size] += 1
        if not quiet and done % 1_000_000 == 0:
            print(f"  {done:,} items in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    for f, handle in enumerate(handles):
        handle.write("".join(buffers[f]))
        handle.close()
    written.bytes_uncompressed = uncompressed
    _write_manifests(out, table_name, names, paths, counts, items, model.region)
    written.bytes_compressed = sum(p.stat().st_size for p in paths)
    return written


def _write_manifests(out: Path, table: str, names: list[str], paths: list[Path], counts: list[int],
                     items: int, region: str | None) -> None:
    """manifest-files.json (JSON lines) and manifest-summary.json in the documented shapes."""
    prefix = f"AWSDynamoDB/{EXPORT_ID}"
    lines = []
    billed = 0
    for name, path, count in zip(names, paths, counts, strict=True):
        digest = file_md5(path)
        billed += path.stat().st_size
        lines.append(json.dumps({
            "itemCount": count,
            "md5Checksum": base64.b64encode(digest).decode("ascii"),
            # S3's ETag of a one-part multipart upload: md5 of the part's md5, then "-1"
            "etag": hashlib.md5(digest).hexdigest() + "-1",
            "dataFileS3Key": f"{prefix}/data/{name}",
        }))
    files_text = "\n".join(lines) + "\n"
    (out / "manifest-files.json").write_text(files_text, encoding="utf-8")
    (out / "manifest-files.checksum").write_text(hashlib.md5(files_text.encode()).hexdigest(), encoding="utf-8")
    arn = f"arn:aws:dynamodb:{region or REGION}:{ACCOUNT}:table/{table}"
    summary = {
        "version": "2020-06-30", "exportArn": f"{arn}/export/{EXPORT_ID}",
        "startTime": "2026-12-01T00:00:00.000Z", "endTime": "2026-12-01T00:05:00.000Z",
        "tableArn": arn, "tableId": "00000000-0000-0000-0000-000000000000",
        "exportTime": "2026-12-01T00:00:00.000Z", "s3Bucket": "ddb-workbench-export", "s3Prefix": None,
        "s3SseAlgorithm": "AES256", "s3SseKmsKeyId": None, "manifestFilesS3Key": f"{prefix}/manifest-files.json",
        "billedSizeBytes": billed, "itemCount": items, "outputFormat": "DYNAMODB_JSON",
    }
    summary_text = json.dumps(summary, indent=3) + "\n"
    (out / "manifest-summary.json").write_text(summary_text, encoding="utf-8")
    (out / "manifest-summary.checksum").write_text(hashlib.md5(summary_text.encode()).hexdigest(), encoding="utf-8")
    (out / "_started").write_bytes(b"")


def main(argv: list[str] | None = None) -> int:
    from engine.io import load_model_or_sample

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("design", help="design file or sample design name")
    parser.add_argument("out", help="folder to write (it will hold manifest-summary.json)")
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--table", default=None)
    parser.add_argument("--files", type=int, default=DEFAULT_FILES)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    written = make_export(load_model_or_sample(args.design), Path(args.out), args.items, args.table, args.seed,
                          args.files, quiet=False)
    print(f"wrote {written.items:,} items of {written.table} in {len(written.files)} files under {written.path}: "
          f"{written.bytes_compressed / 2**20:,.1f} MiB gzip, {written.bytes_uncompressed / 2**20:,.1f} MiB of JSON "
          f"lines, in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
