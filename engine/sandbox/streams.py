"""DynamoDB Streams in the sandbox: change records of tables with a stream, and the Streams API that reads them.

Sources (docs/streams.md lists them with the figures):
- DG/Streams.html ("Change data capture for DynamoDB Streams"): a stream record per item change, INSERT /
  MODIFY / REMOVE, each record appears once, per item in the order of the changes, kept 24 hours; the view type
  (KEYS_ONLY, NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES) says which images a record carries. A PutItem or
  UpdateItem that changes nothing in the item writes no record.
- The DynamoDB Streams API reference (API_streams_*.html and botocore's dynamodbstreams service-2.json): the
  request and response shapes of ListStreams, DescribeStream, GetShardIterator and GetRecords; GetRecords returns
  at most 1,000 records or 1 MB; a shard iterator expires 15 minutes after it is returned; NextShardIterator is
  null once a closed shard has nothing more; ExpiredIteratorException, TrimmedDataAccessException (an iterator or
  sequence number before the trim point), ResourceNotFoundException (a nonexistent stream); Limit over 1,000 is
  a LimitExceededException (that exception's text in the model). Length limits: StreamArn 37..1024, ShardId
  28..65, SequenceNumber 21..40, ShardIterator 1..2048 characters.
- API_streams_Record.html / API_streams_Identity.html: TTL deletions carry userIdentity {Type: "Service",
  PrincipalId: "dynamodb.amazonaws.com"} (Lambda events spell the same keys type / principalId).
- API_DeleteTable.html: deleting a table turns its stream DISABLED; the stream is deleted 24 hours later.
- API_streams_GetRecords.html (example): a KEYS_ONLY record of the key {ForumName: "DynamoDB", Subject:
  "DynamoDB Thread 3"} has SizeBytes 41, exactly the item size (DOMAIN.md §1) of its Keys.

Assumptions (AWS publishes no rule): one shard per stream, open until the stream is disabled (AWS shards follow
partitions and roll over, but AWS does not document how; one shard keeps every per-item order and adds a total
order AWS does not promise); SizeBytes = item size of Keys + of each image the record carries; the records of a
transaction or a batch follow the order of its actions; sample items loaded by `Sandbox.from_model` are the
table's starting state, not changes, so they write no records.
"""

from __future__ import annotations

import base64
import binascii
import math
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from engine.itemsize import item_size_bytes
from engine.model import limits
from engine.sandbox.errors import (
    EXPIRED_ITERATOR,
    LIMIT_EXCEEDED,
    RESOURCE_NOT_FOUND,
    TRIMMED_DATA_ACCESS,
    VALIDATION,
    SandboxError,
    validation,
)
from engine.sandbox.requests import Call, Item, Request, choice, require
from engine.sandbox.storage import TableStore, WritePlan
from engine.sandbox.values import copy_item, items_equal

# engine.model.limits (DG/Streams.html, API_streams_*): records kept 24 hours (a disabled stream is deleted after
# 24 h), an iterator expires after 15 minutes, GetRecords returns at most 1,000 records or 1 MB
RETENTION_SECONDS = limits.STREAM_RETENTION_SECONDS
ITERATOR_LIFETIME_SECONDS = limits.STREAM_ITERATOR_LIFETIME_SECONDS
MAX_GET_RECORDS = limits.MAX_GET_RECORDS
MAX_GET_RECORDS_BYTES = limits.MAX_GET_RECORDS_BYTES
MAX_PAGE = 100  # API_streams_DescribeStream / ListStreams: Limit's upper limit is 100
SEQUENCE_BASE = 10**20  # sequence numbers are 21..40 digits (service-2.json): 10**20 + n has 21 digits
EVENT_SOURCE = "aws:dynamodb"  # API_streams_Record.html
EVENT_VERSION = "1.1"  # what current DynamoDB streams carry (the API reference's 2015 example shows "1.0")
VIEW_TYPES = ("NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY")
ITERATOR_TYPES = ("TRIM_HORIZON", "LATEST", "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER", "AT_TIMESTAMP")
TTL_IDENTITY = {"PrincipalId": "dynamodb.amazonaws.com", "Type": "Service"}  # API_streams_Identity.html
EVENT_ID_NAMESPACE = uuid.UUID("1d3c6f0e-8a52-4e57-b8c4-5b0f3e9a7c11")
_ITERATOR_VERSION = "1"  # the middle field of DynamoDB's own iterators ("<stream arn>|1|<opaque>")


@dataclass(slots=True)
class StreamRecord:
    """One change of one item: what the table held before and after (the view type picks what is shown)."""

    number: int  # position in the shard: 1, 2, 3, ...
    event_name: str  # INSERT, MODIFY or REMOVE
    keys: Item
    old: Item | None
    new: Item | None
    created: float  # sandbox clock, epoch seconds
    size_bytes: int
    service: bool  # a TTL deletion


@dataclass
class Stream:
    """One stream of one table (a new one each time a stream is enabled), with its single shard's records."""

    table_name: str
    key_schema: list[dict[str, str]]
    view_type: str
    label: str
    arn: str
    shard_id: str
    created: float
    region: str
    records: deque[StreamRecord] = field(default_factory=deque)
    next_number: int = 1
    disabled_at: float | None = None

    @property
    def enabled(self) -> bool:
        return self.disabled_at is None

    def trim(self, now: float) -> None:
        """Drop the records older than 24 hours (DG/Streams.html)."""
        while self.records and now - self.records[0].created > RETENTION_SECONDS:
            self.records.popleft()

    def gone(self, now: float) -> bool:
        """A disabled stream is deleted 24 hours after it was disabled (API_DeleteTable.html)."""
        return self.disabled_at is not None and now - self.disabled_at > RETENTION_SECONDS

    @property
    def oldest_number(self) -> int:
        """The number of the oldest record still held (the trim horizon); next_number when none is."""
        return self.records[0].number if self.records else self.next_number

    def append(self, old: Item | None, new: Item | None, keys: Item, now: float, service: bool) -> None:
        """Record one item change (the caller has checked that the item changed)."""
        name = "INSERT" if old is None else "REMOVE" if new is None else "MODIFY"
        shown_new = new if self.view_type in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES") else None
        shown_old = old if self.view_type in ("OLD_IMAGE", "NEW_AND_OLD_IMAGES") else None
        size = item_size_bytes(keys) + sum(item_size_bytes(i) for i in (shown_new, shown_old) if i is not None)
        self.records.append(StreamRecord(self.next_number, name, keys, old, new, now, size, service))
        self.next_number += 1

    def sequence_number(self, number: int) -> str:
        return str(SEQUENCE_BASE + number)

    def shard(self) -> dict[str, Any]:
        """The Shard entry of DescribeStream: a closed shard has an EndingSequenceNumber (API_streams_DescribeStream)."""
        sequence_range = {"StartingSequenceNumber": self.sequence_number(1)}
        if not self.enabled:  # an empty closed shard ends where it starts (assumption: AWS shows no such shard)
            sequence_range["EndingSequenceNumber"] = self.sequence_number(max(1, self.next_number - 1))
        return {"ShardId": self.shard_id, "SequenceNumberRange": sequence_range}

    def record_wire(self, record: StreamRecord) -> dict[str, Any]:
        """The Record of GetRecords (API_streams_Record.html, API_streams_StreamRecord.html)."""
        body: dict[str, Any] = {
            # "in UNIX epoch time format and rounded down to the closest second" (API_streams_StreamRecord.html)
            "ApproximateCreationDateTime": math.floor(record.created),
            "Keys": copy_item(record.keys),
            "SequenceNumber": self.sequence_number(record.number),
            "SizeBytes": record.size_bytes,
            "StreamViewType": self.view_type,
        }
        if record.new is not None and self.view_type in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES"):
            body["NewImage"] = copy_item(record.new)
        if record.old is not None and self.view_type in ("OLD_IMAGE", "NEW_AND_OLD_IMAGES"):
            body["OldImage"] = copy_item(record.old)
        out: dict[str, Any] = {
            "eventID": uuid.uuid5(EVENT_ID_NAMESPACE, f"{self.arn}/{record.number}").hex,
            "eventName": record.event_name,
            "eventVersion": EVENT_VERSION,
            "eventSource": EVENT_SOURCE,
            "awsRegion": self.region,
            "dynamodb": body,
        }
        if record.service:
            out["userIdentity"] = dict(TTL_IDENTITY)
        return out


# ---------------------------------------------------------------------------------------------- table side
def stream_label(now: float) -> str:
    """A stream label: the creation time in ISO 8601 with milliseconds, as DynamoDB's ("2015-05-20T20:51:10.252")."""
    return datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]


def enable(sandbox: Any, table: TableStore, view_type: str) -> Stream:
    """Give `table` a new enabled stream (the previous one, if any, is kept for its 24 hours)."""
    from engine.sandbox.tables import REGION, table_arn  # tables imports this module

    now = sandbox.clock()
    used = {s.label for s in all_streams(sandbox) if s.table_name == table.name}
    created = now
    while stream_label(created) in used:  # a label is unique per table (API_streams_StreamDescription.html)
        created += 0.001
    label = stream_label(created)
    arn = f"{table_arn(table.name)}/stream/{label}"
    # shardId-<20 digits>-<8 hex>, 37 characters like DynamoDB's (service-2.json: 28..65)
    shard_id = f"shardId-{round(created * 1000):020d}-{uuid.uuid5(EVENT_ID_NAMESPACE, arn).hex[:8]}"
    if table.stream is not None:
        sandbox.retired_streams[table.stream.arn] = table.stream
    table.stream = Stream(table.name, table.schema.to_wire(), view_type, label, arn, shard_id, created, REGION)
    return table.stream


def disable(sandbox: Any, table: TableStore) -> None:
    """Disable the table's stream: its shard closes, its records stay readable for 24 hours."""
    if table.stream is not None and table.stream.enabled:
        table.stream.disabled_at = sandbox.clock()


def forget_table(sandbox: Any, table: TableStore) -> None:
    """DeleteTable: the stream turns DISABLED and is deleted 24 hours later (API_DeleteTable.html)."""
    disable(sandbox, table)
    if table.stream is not None:
        sandbox.retired_streams[table.stream.arn] = table.stream


def record_change(sandbox: Any, plan: WritePlan, service: bool = False) -> None:
    """After a write is applied: one stream record if the table has an enabled stream and the item changed."""
    stream = plan.table.stream
    if stream is None or not stream.enabled:
        return
    old = plan.old.item if plan.old else None
    new = plan.new.item if plan.new else None
    if items_equal(old, new):  # DG/Streams.html: a write that changes nothing writes no record
        return
    now = sandbox.clock()
    stream.trim(now)
    stream.append(old, new, plan.table.key_of(new if new is not None else old), now, service)


def commit(sandbox: Any, plan: WritePlan, service: bool = False) -> None:
    """Apply a planned write to its table and record it on the table's stream."""
    plan.table.apply(plan)
    record_change(sandbox, plan, service)


def all_streams(sandbox: Any) -> list[Stream]:
    """Every stream still readable, oldest first: the tables' latest streams and the retired ones."""
    now = sandbox.clock()
    for arn in [arn for arn, s in sandbox.retired_streams.items() if s.gone(now)]:
        del sandbox.retired_streams[arn]
    streams = list(sandbox.retired_streams.values())
    streams += [t.stream for t in sandbox.tables.values() if t.stream is not None and not t.stream.gone(now)]
    for stream in streams:
        stream.trim(now)
    return sorted(streams, key=lambda s: (s.created, s.arn))


def _not_found(what: str) -> SandboxError:
    return SandboxError(RESOURCE_NOT_FOUND, f"Requested resource not found: {what}")


def find_stream(sandbox: Any, arn: Any, call: Call) -> Stream:
    for stream in all_streams(sandbox):
        if stream.arn == arn:
            call.table = stream.table_name
            return stream
    raise _not_found(f"Stream: {arn} not found")


def _limit(request: Request, upper: int, over: str = VALIDATION) -> int:
    """The request's Limit: at least 1 (service-2.json); above `upper` an `over` error."""
    limit = request.get("Limit", upper)
    if not isinstance(limit, int) or limit < 1:
        raise validation(f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy constraint: "
                         "Member must have value greater than or equal to 1")
    if limit > upper:
        raise SandboxError(over, f"Limit {limit} is over the largest allowed, {upper}")
    return limit


# ------------------------------------------------------------------------------------------- the Streams API
def list_streams(sandbox: Any, request: Request, call: Call) -> dict[str, Any]:
    """ListStreams: the stream ARNs, of one table when TableName is given (API_streams_ListStreams.html)."""
    limit = _limit(request, MAX_PAGE)
    name = request.get("TableName")
    streams = all_streams(sandbox)
    if name is not None:
        call.table = name
        streams = [s for s in streams if s.table_name == name]
        if not streams and name not in sandbox.tables:
            raise _not_found(f"Table: {name} not found")
    start = request.get("ExclusiveStartStreamArn")
    if start is not None:
        arns = [s.arn for s in streams]
        if start not in arns:
            raise validation(f"ExclusiveStartStreamArn {start} is not a stream of this listing")
        streams = streams[arns.index(start) + 1:]
    response: dict[str, Any] = {"Streams": [{"StreamArn": s.arn, "TableName": s.table_name,
                                             "StreamLabel": s.label} for s in streams[:limit]]}
    if len(streams) > limit:
        response["LastEvaluatedStreamArn"] = streams[limit - 1].arn
    return response


def describe_stream(sandbox: Any, request: Request, call: Call) -> dict[str, Any]:
    """DescribeStream: status, view type, key schema and shards of one stream (API_streams_DescribeStream.html)."""
    stream = find_stream(sandbox, require(request, "StreamArn"), call)
    limit = _limit(request, MAX_PAGE)
    shards = [stream.shard()]
    start = request.get("ExclusiveStartShardId")
    if start is not None:
        ids = [s["ShardId"] for s in shards]
        if start not in ids:
            raise validation(f"ExclusiveStartShardId {start} is not a shard of {stream.arn}")
        shards = shards[ids.index(start) + 1:]
    shard_filter = request.get("ShardFilter")
    if shard_filter is not None:
        if not isinstance(shard_filter, dict) or shard_filter.get("Type") != "CHILD_SHARDS" \
                or not isinstance(shard_filter.get("ShardId"), str):
            raise validation("ShardFilter needs Type CHILD_SHARDS and the parent's ShardId")
        shards = []  # the sandbox's one shard per stream has no children
    description: dict[str, Any] = {
        "StreamArn": stream.arn,
        "StreamLabel": stream.label,
        "StreamStatus": "ENABLED" if stream.enabled else "DISABLED",  # the sandbox changes state at once
        "StreamViewType": stream.view_type,
        "CreationRequestDateTime": stream.created,
        "TableName": stream.table_name,
        "KeySchema": [dict(k) for k in stream.key_schema],
        "Shards": shards[:limit],
    }
    if len(shards) > limit:
        description["LastEvaluatedShardId"] = shards[limit - 1]["ShardId"]
    return {"StreamDescription": description}


def _shard_of(sandbox: Any, request: Request, call: Call) -> Stream:
    stream = find_stream(sandbox, require(request, "StreamArn"), call)
    shard_id = require(request, "ShardId")
    if shard_id != stream.shard_id:
        raise _not_found(f"Shard: {shard_id} in Stream: {stream.arn} not found")
    return stream


def _number_of(stream: Stream, sequence: Any) -> int:
    """The record number a client's SequenceNumber names (ValidationException unless the shard assigned it)."""
    if not isinstance(sequence, str) or not sequence.isdigit() or not 21 <= len(sequence) <= 40:
        raise validation(f"Invalid SequenceNumber {sequence!r}: a sequence number is 21 to 40 digits")
    number = int(sequence) - SEQUENCE_BASE
    if not 1 <= number < stream.next_number:
        raise validation(f"Invalid SequenceNumber {sequence} for shard {stream.shard_id}: it is not in the "
                         "shard's range of assigned sequence numbers")
    if number < stream.oldest_number:
        raise _trimmed(f"SequenceNumber {sequence} is older than the trim horizon (24 hours) of {stream.shard_id}")
    return number


def _trimmed(message: str) -> SandboxError:
    return SandboxError(TRIMMED_DATA_ACCESS, message)


def _timestamp_position(sandbox: Any, stream: Stream, value: Any) -> int:
    """AT_TIMESTAMP (service-2.json): the first record whose ApproximateCreationDateTime is at or after the time;
    before the trim horizon it is TRIM_HORIZON, in the future a ValidationException."""
    try:
        when = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise validation(f"Invalid Timestamp {value!r}: give Unix epoch seconds") from None
    if not when.is_finite() or when > Decimal(repr(sandbox.clock())):
        raise validation(f"Timestamp {value} is in the future")
    for record in stream.records:
        if math.floor(record.created) >= when:
            return record.number
    return stream.next_number


def get_shard_iterator(sandbox: Any, request: Request, call: Call) -> dict[str, Any]:
    """GetShardIterator (API_streams_GetShardIterator.html): a position in the shard, valid 15 minutes."""
    stream = _shard_of(sandbox, request, call)
    require(request, "ShardIteratorType")
    kind = choice(request, "ShardIteratorType", ITERATOR_TYPES, "")
    if kind in ("AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"):
        number = _number_of(stream, require(request, "SequenceNumber"))
        position = number if kind == "AT_SEQUENCE_NUMBER" else number + 1
    elif kind == "AT_TIMESTAMP":
        position = _timestamp_position(sandbox, stream, require(request, "Timestamp"))
    else:
        position = stream.oldest_number if kind == "TRIM_HORIZON" else stream.next_number
    return {"ShardIterator": _iterator(stream, position, sandbox.clock())}


def _iterator(stream: Stream, position: int, now: float) -> str:
    """`<stream arn>|1|<opaque>` like DynamoDB's (API_streams_GetRecords.html example); at most ~400 characters
    (a 255-character table name), under the 2,048 allowed."""
    token = f"{stream.shard_id}|{position}|{round(now * 1000)}".encode()
    return f"{stream.arn}|{_ITERATOR_VERSION}|{base64.urlsafe_b64encode(token).decode('ascii').rstrip('=')}"


def _parse_iterator(text: Any) -> tuple[str, str, int, float]:
    """(stream arn, shard id, position, issued at) of an iterator this sandbox returned."""
    try:
        arn, version, token = text.split("|")
        shard_id, position, issued_ms = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode().split("|")
        if version != _ITERATOR_VERSION:
            raise ValueError(version)
        return arn, shard_id, int(position), int(issued_ms) / 1000
    except (AttributeError, ValueError, UnicodeDecodeError, binascii.Error):
        raise validation("Invalid ShardIterator: pass a ShardIterator or NextShardIterator this endpoint "
                         "returned") from None


def get_records(sandbox: Any, request: Request, call: Call) -> dict[str, Any]:
    """GetRecords (API_streams_GetRecords.html): up to Limit (1,000) records or 1 MB from the iterator's position."""
    arn, shard_id, position, issued = _parse_iterator(require(request, "ShardIterator"))
    limit = _limit(request, MAX_GET_RECORDS, over=LIMIT_EXCEEDED)
    stream = find_stream(sandbox, arn, call)
    if shard_id != stream.shard_id:
        raise _not_found(f"Shard: {shard_id} in Stream: {arn} not found")
    now = sandbox.clock()
    if now - issued > ITERATOR_LIFETIME_SECONDS:
        raise SandboxError(EXPIRED_ITERATOR, "Iterator expired: a shard iterator is valid for 15 minutes after "
                                             "it was returned; get a new one with GetShardIterator")
    if position < stream.oldest_number:
        raise _trimmed(f"The iterator points to records of {shard_id} older than 24 hours, trimmed since; start "
                       "again from TRIM_HORIZON")
    records: list[dict[str, Any]] = []
    size = 0
    index = position - stream.oldest_number
    while index < len(stream.records) and len(records) < limit:
        record = stream.records[index]
        if records and size + record.size_bytes > MAX_GET_RECORDS_BYTES:
            break
        records.append(stream.record_wire(record))
        size += record.size_bytes
        index += 1
    position += len(records)
    call.items_returned = len(records)
    response: dict[str, Any] = {"Records": records}
    if stream.enabled or position < stream.next_number:  # null once a closed shard has nothing more
        response["NextShardIterator"] = _iterator(stream, position, now)
    return response


STREAMS_OPERATIONS: dict[str, Callable[[Any, dict[str, Any], Call], dict[str, Any]]] = {
    "ListStreams": list_streams,
    "DescribeStream": describe_stream,
    "GetShardIterator": get_shard_iterator,
    "GetRecords": get_records,
}
