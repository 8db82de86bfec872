"""Observed DynamoDB requests read from capture files: the JSON lines `ddb-workbench serve --log` writes, and
CloudTrail data-event records for DynamoDB, each told apart automatically (per file).

CloudTrail records follow the DynamoDB Developer Guide, "Understanding DynamoDB log file entries" (docs.aws.amazon.com
/amazondynamodb/latest/developerguide/understanding-ddb-log-entries.html): `eventSource` "dynamodb.amazonaws.com",
`eventName` the operation, `eventTime`, `requestParameters` in camelCase (`tableName`, `key` with plain key values,
`item` as a list of attribute *names*, `keyConditionExpression`, `expressionAttributeNames`...), `errorCode`. They
carry no item contents, no consumed capacity and no result counts (the guide: non-key attribute values do not appear
in logs of the classic API), so item sizes, items per request and the capacity check come from `serve --log` only.
A file is either a CloudTrail log file (`{"Records": [...]}`, as CloudTrail delivers it to S3), JSON lines of single
CloudTrail events (as CloudTrail Lake or CloudWatch Logs export them), or JSON lines of `serve --log`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from engine.errors import WorkbenchError

MAX_CAPTURE_BYTES = 512 * 1024 * 1024  # a capture file; a larger one is split (one file per hour, say)
MAX_LINE_BYTES = 1024 * 1024  # one request record: serve logs hold at most a few items per line
KeyValue = tuple[str, str]  # (DynamoDB type, value as text)


class CaptureError(WorkbenchError):
    """A capture file that cannot be read: names the file, the line and the fix."""


@dataclass(frozen=True, kw_only=True)
class Observation:
    """One request as seen: where from, what it addressed, and what it did when the source says so."""

    source: str  # "serve" or "cloudtrail"
    where: str  # "file:line"
    time: float  # seconds since the epoch
    operation: str
    table: str | None
    index: str | None = None
    key: dict[str, KeyValue] = field(default_factory=dict)
    request: dict[str, Any] = field(default_factory=dict)  # parameters in the API's PascalCase names
    items_returned: int | None = None
    items: tuple[dict, ...] = ()  # items in DynamoDB JSON (serve only; a few per request)
    item_sizes: tuple[int, ...] = ()  # exact sizes of the items written or returned (serve only)
    consumed: dict[str, float] | None = None  # units per "<table>" / "<table>#<index>" (serve only)
    error: str | None = None
    key_schema: dict[str, Any] | None = None  # {"partition_key": {name, type}, "sort_key": ...} of the target
    table_key_schema: dict[str, Any] | None = None  # the table's own keys when the target is an index
    entries: int | None = None  # batch and transaction requests: keys or actions per request
    items_scanned: int | None = None  # Query/Scan: items evaluated before a filter (serve: ScannedCount)
    region: str | None = None  # CloudTrail: awsRegion


def read_captures(paths: Iterable[str | Path]) -> list[Observation]:
    """Every observation of the files, in time order. Raises CaptureError naming the file and line."""
    out: list[Observation] = []
    for path in paths:
        out += read_capture(path)
    out.sort(key=lambda o: o.time)
    return out


def read_capture(path: str | Path) -> list[Observation]:
    """The observations of one file (serve log or CloudTrail, told from its content)."""
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise CaptureError(f"{p}: cannot read it ({exc.strerror}); give the path of a `serve --log` file or a "
                           "CloudTrail log file") from None
    if size > MAX_CAPTURE_BYTES:
        raise CaptureError(f"{p}: {size:,} bytes is more than the {MAX_CAPTURE_BYTES // 2**20} MiB a capture file "
                           "may hold; split it (one file per hour) and pass all of them")
    return parse_capture(p.read_bytes(), p)


def parse_capture(raw: bytes, name: str | Path) -> list[Observation]:
    """The observations of a capture file's bytes (gzip or not); `name` names it in messages."""
    p = Path(name)
    if len(raw) > MAX_CAPTURE_BYTES:
        raise CaptureError(f"{p}: {len(raw):,} bytes is more than the {MAX_CAPTURE_BYTES // 2**20} MiB a capture "
                           "file may hold; split it (one file per hour) and pass all of them")
    if p.suffix == ".gz" or raw[:2] == b"\x1f\x8b":
        raw = _gunzip(raw, p)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise CaptureError(f"{p}: line {line}: not UTF-8 text (byte {exc.start:,}); captures are UTF-8 JSON, "
                           "re-export the file as UTF-8") from None
    stripped = text.lstrip()
    if not stripped:
        raise CaptureError(f"{p}: the file is empty; capture some requests first (`ddb-workbench serve --log`)")
    if stripped.startswith("{"):
        try:
            doc = json.loads(text)  # a JSON-lines file stops at its second line: "Extra data"
        except json.JSONDecodeError:
            doc = None
        if isinstance(doc, dict) and isinstance(doc.get("Records"), list):
            return [o for i, rec in enumerate(doc["Records"])
                    if (o := _cloudtrail(rec, f"{p}: record {i + 1}")) is not None]
    return _json_lines(text, p)


def _gunzip(raw: bytes, p: Path) -> bytes:
    import gzip
    import zlib

    try:
        data = gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as exc:
        raise CaptureError(f"{p}: the gzip data is damaged or cut short ({exc}); copy the file again") from None
    if len(data) > MAX_CAPTURE_BYTES:
        raise CaptureError(f"{p}: unpacks to more than {MAX_CAPTURE_BYTES // 2**20} MiB; split the capture")
    return data


def _json_lines(text: str, p: Path) -> list[Observation]:
    out: list[Observation] = []
    kind: str | None = None
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{p}: line {n}"
        if len(line) > MAX_LINE_BYTES:
            raise CaptureError(f"{where}: a line of {len(line):,} characters (at most {MAX_LINE_BYTES:,}); this is "
                               "not a request record: check the file")
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CaptureError(f"{where}: column {exc.colno}: {exc.msg}; each line must be one JSON object (a line "
                               "cut short by a crash can be deleted)") from None
        if not isinstance(rec, dict):
            raise CaptureError(f"{where}: a JSON {type(rec).__name__}, expected one request record (an object)")
        this = "cloudtrail" if "eventSource" in rec else "serve" if "operation" in rec else None
        if this is None:
            raise CaptureError(f"{where}: neither a `serve --log` record (no `operation`) nor a CloudTrail event "
                               "(no `eventSource`); pass capture files only")
        if kind is not None and this != kind:
            raise CaptureError(f"{where}: a {this} record in a file of {kind} records; keep each source in its own "
                               "file")
        kind = this
        obs = _cloudtrail(rec, where) if this == "cloudtrail" else _serve(rec, where)
        if obs is not None:
            out.append(obs)
    return out


def _time(value: Any, where: str) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            pass
    raise CaptureError(f"{where}: time {value!r} is not an ISO 8601 timestamp (e.g. 2026-12-04T10:00:00Z)")


def _wire_key(key: Any) -> dict[str, KeyValue]:
    out: dict[str, KeyValue] = {}
    for name, value in (key or {}).items() if isinstance(key, dict) else ():
        if isinstance(value, dict) and len(value) == 1:
            kind, raw = next(iter(value.items()))
            if kind in ("S", "N", "B") and isinstance(raw, str):
                out[str(name)] = (kind, raw)
    return out


def _serve(rec: dict, where: str) -> Observation | None:
    """A `serve --log` line (engine/sandbox/server.py RequestLog); control operations are left out."""
    op = rec.get("operation")
    if not isinstance(op, str) or op not in DATA_OPERATIONS:
        return None
    consumed = rec.get("consumed_capacity")
    items = rec.get("items")
    sizes = rec.get("item_sizes")
    request = rec.get("request") if isinstance(rec.get("request"), dict) else {}
    return Observation(
        source="serve", where=where, time=_time(rec.get("time"), where), operation=op,
        table=rec.get("table") if isinstance(rec.get("table"), str) else None,
        index=rec.get("index") if isinstance(rec.get("index"), str) else None,
        key=_wire_key(rec.get("key")), request=request,
        items_returned=rec.get("items_returned") if isinstance(rec.get("items_returned"), int) else None,
        items=tuple(i for i in items if isinstance(i, dict)) if isinstance(items, list) else (),
        item_sizes=tuple(s for s in sizes if isinstance(s, int)) if isinstance(sizes, list) else (),
        consumed={str(k): float(v) for k, v in consumed.items() if isinstance(v, int | float)}
        if isinstance(consumed, dict) else None,
        error=rec.get("error") if isinstance(rec.get("error"), str) else None,
        key_schema=rec.get("key_schema") if isinstance(rec.get("key_schema"), dict) else None,
        table_key_schema=rec.get("table_key_schema") if isinstance(rec.get("table_key_schema"), dict) else None,
        entries=rec.get("entries") if isinstance(rec.get("entries"), int) else None,
        items_scanned=rec.get("items_scanned") if isinstance(rec.get("items_scanned"), int) else None)


DATA_OPERATIONS = frozenset({"GetItem", "Query", "Scan", "PutItem", "UpdateItem", "DeleteItem", "BatchGetItem",
                             "BatchWriteItem", "TransactGetItems", "TransactWriteItems"})


def _plain_key(key: Any) -> dict[str, KeyValue]:
    """CloudTrail's key: plain values ({"Artist": "No One You Know"}); numbers are N, the rest S."""
    out: dict[str, KeyValue] = {}
    for name, value in (key or {}).items() if isinstance(key, dict) else ():
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, int | float):
            out[str(name)] = ("N", json.dumps(value))
        elif isinstance(value, str):
            out[str(name)] = ("S", value)
        elif isinstance(value, dict):  # some trails keep the typed form
            out.update(_wire_key({name: value}))
    return out


def _cloudtrail(rec: Any, where: str) -> Observation | None:
    """A CloudTrail event for DynamoDB (other sources and control-plane events are left out)."""
    if not isinstance(rec, dict) or rec.get("eventSource") != "dynamodb.amazonaws.com":
        return None
    op = rec.get("eventName")
    if op not in DATA_OPERATIONS:
        return None
    params = rec.get("requestParameters") if isinstance(rec.get("requestParameters"), dict) else {}
    request = {name[:1].upper() + name[1:]: value for name, value in params.items()}
    entries = None
    table = params.get("tableName")
    items = params.get("requestItems")
    if isinstance(items, list):  # transactions: a list of actions, each naming its table
        entries = len(items)
        tables = {i.get("tableName") or i.get("TableName") for i in items if isinstance(i, dict)}
        table = next(iter(tables)) if len(tables) == 1 else None
    elif isinstance(items, dict):  # batches: {table: [...]} (or {table: {keys: [...]}})
        entries = sum(len(v) if isinstance(v, list) else len(v.get("keys", [])) if isinstance(v, dict) else 0
                      for v in items.values())
        table = next(iter(items)) if len(items) == 1 else None
    return Observation(
        source="cloudtrail", where=where, time=_time(rec.get("eventTime"), where), operation=op,
        table=table if isinstance(table, str) else None,
        index=params.get("indexName") if isinstance(params.get("indexName"), str) else None,
        key=_plain_key(params.get("key")), request=request,
        error=rec.get("errorCode") if isinstance(rec.get("errorCode"), str) else None, entries=entries,
        region=rec.get("awsRegion") if isinstance(rec.get("awsRegion"), str) else None)
