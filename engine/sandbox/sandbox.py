"""The sandbox: an in-memory DynamoDB answering API requests in wire JSON, with exact consumed capacity.

`Sandbox()` starts empty; `Sandbox.from_model(model, seed)` creates a design's tables and loads
its seeded sample items. `sandbox.call(operation, request)` takes and returns exactly the JSON
the boto3 low-level client and the AWS CLI put on the wire (N as strings, B as base64; bytes are
accepted for B too) and raises SandboxError with DynamoDB's error code. Calls are serialised by a
lock, so one sandbox may serve several HTTP threads.

Two APIs: DynamoDB's (`OPERATIONS`) and DynamoDB Streams' (`STREAMS_OPERATIONS`: ListStreams, DescribeStream,
GetShardIterator, GetRecords; `call(operation, request, service=STREAMS)`), over the same tables; tables with a
stream record their changes (engine.sandbox.streams). `expire_ttl(now)` deletes the items whose TTL time has
passed, as DynamoDB's background TTL process does (engine.sandbox.ttl).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import Any

from engine.errors import ItemError
from engine.sandbox import batches, items, reads, streams, tables, transactions, ttl
from engine.sandbox.errors import INTERNAL, SERIALIZATION, UNKNOWN_OPERATION, VALIDATION, SandboxError
from engine.sandbox.requests import Call, check_request_shape
from engine.sandbox.storage import ITEM_COLLECTION_LIMIT_BYTES, TableStore
from engine.sandbox.values import canonical_item

Handler = Callable[[Any, dict[str, Any], Call], dict[str, Any]]

# What the sandbox decides where DynamoDB publishes no rule (show these to users next to its numbers).
ASSUMPTIONS = (
    "Failed conditional write (assumption, sources disagree): charged the existing item's size in write units "
    "(1 WCU minimum; 1 WCU when no item exists), as DG/WorkingWithItems.html (conditional writes) says and as "
    "measured captures show; DG/read-write-operations.html speaks of the larger of the existing and the new "
    "item instead.",
    "A cancelled TransactWriteItems consumes, per action, a transactional write of the item as stored "
    "(2 x ceil(size / 1 KB), 2 when absent) on the table arm and nothing on indexes; DynamoDB documents "
    "no figure.",
    "An LSI read that fetches from the table charges each fetched item rounded to 4 KB on its own to the "
    "Table arm (the developer guide's rule; emulators sum the items instead: disputed); every evaluated "
    "entry is fetched.",
    "A table is one partition: a Scan pays the minimum read once per page, not once per partition.",
    "Item-collection size (10 GB limit with an LSI) sums capacity sizes of items and LSI entries, without "
    "the 100-byte storage overhead.",
    "A read through an index reports a Table arm of 0 unless it fetched from the table.",
    "Limit returns LastEvaluatedKey whenever it stopped the read, even if no items remain.",
    "Scan returns partitions in key order (DynamoDB's order follows its private hash).",
    "Nothing is throttled: BatchWriteItem never returns UnprocessedItems, BatchGetItem only past 16 MB.",
    "A stream has one shard, open until the stream is disabled (AWS shards follow partitions and roll over; AWS "
    "does not document how). SizeBytes of a stream record is the item size of its Keys plus of each image it "
    "carries. Sample items loaded with a design write no stream records.",
    "Expired TTL items are deleted only when expire_ttl runs (serve: every --ttl-sweep seconds); DynamoDB deletes "
    "them in the background, typically within two days.",
    "A TransactWriteItems repeated with its ClientRequestToken within 10 minutes consumes one strongly "
    "consistent read per action's item (AWS says only \"read capacity units consumed in reading the item\").",
)

OPERATIONS: dict[str, Handler] = {
    "CreateTable": tables.create_table,
    "DescribeTable": tables.describe_table,
    "UpdateTable": tables.update_table,
    "DeleteTable": tables.delete_table,
    "ListTables": tables.list_tables,
    "UpdateTimeToLive": ttl.update_time_to_live,
    "DescribeTimeToLive": ttl.describe_time_to_live,
    "PutItem": items.put_item,
    "GetItem": items.get_item,
    "UpdateItem": items.update_item,
    "DeleteItem": items.delete_item,
    "Query": reads.query,
    "Scan": reads.scan,
    "BatchGetItem": batches.batch_get_item,
    "BatchWriteItem": batches.batch_write_item,
    "TransactWriteItems": transactions.transact_write_items,
    "TransactGetItems": transactions.transact_get_items,
}
STREAMS_OPERATIONS: dict[str, Handler] = streams.STREAMS_OPERATIONS

DYNAMODB = "DynamoDB"
STREAMS = "DynamoDB Streams"
SERVICES: dict[str, dict[str, Handler]] = {DYNAMODB: OPERATIONS, STREAMS: STREAMS_OPERATIONS}


class Sandbox:
    """An in-memory DynamoDB: tables by name, answering `call(operation, request)`."""

    def __init__(self, *, item_collection_limit_bytes: int = ITEM_COLLECTION_LIMIT_BYTES,
                 clock: Callable[[], float] = time.time) -> None:
        self.tables: dict[str, TableStore] = {}
        self.item_collection_limit_bytes = item_collection_limit_bytes
        self.clock = clock
        self.client_tokens: dict[str, tuple[str, float]] = {}  # TransactWriteItems idempotency window
        self.retired_streams: dict[str, streams.Stream] = {}  # disabled streams no table names as its latest
        self._lock = threading.Lock()

    # -- the API
    def call(self, operation: str, request: dict[str, Any] | None = None, service: str = DYNAMODB) -> dict[str, Any]:
        """Run one operation of `service` (DYNAMODB or STREAMS); returns the response or raises SandboxError."""
        result = self.execute(operation, request, service)
        if result.error is not None:
            raise result.error
        return result.response

    def execute(self, operation: str, request: dict[str, Any] | None = None, service: str = DYNAMODB) -> CallResult:
        """Run one operation and return what it did (response or error, consumption, target)."""
        call = Call(operation)
        handlers = SERVICES[service]
        handler = handlers.get(operation)
        try:
            if handler is None:
                raise SandboxError(UNKNOWN_OPERATION, f"Unknown operation {operation!r}; the sandbox's {service} "
                                   f"implements {', '.join(handlers)}")
            if not isinstance(request, dict):
                raise SandboxError(SERIALIZATION, "The request must be a JSON object")
            check_request_shape(request)
            with self._lock:
                response = handler(self, request, call)
            return CallResult(call, response, None)
        except SandboxError as exc:
            return CallResult(call, None, exc)
        except ItemError as exc:
            return CallResult(call, None, SandboxError(VALIDATION, str(exc)))
        except Exception as exc:  # a sandbox bug: answer like DynamoDB's 500, keep the cause
            error = SandboxError(INTERNAL, f"Internal error in the sandbox: {type(exc).__name__}: {exc}")
            error.__cause__ = exc
            return CallResult(call, None, error)

    def expire_ttl(self, now: float | None = None) -> int:
        """Delete the items of TTL-enabled tables whose TTL time is before `now` (default: the sandbox's clock),
        as DynamoDB's background TTL process does; each is a REMOVE stream record by the service. Returns how
        many items were deleted."""
        with self._lock:
            return ttl.expire(self, self.clock() if now is None else now)

    # -- loading designs
    @classmethod
    def from_model(cls, model: Any, seed: int = 0, **options: Any) -> Sandbox:
        """A sandbox holding the design's tables (keys, billing, GSIs, LSIs, projections, stream, TTL attribute)
        and its seeded sample items from engine.samples.generate_items(model, seed)."""
        sandbox = cls(**options)
        for table in model.tables:
            sandbox.call("CreateTable", create_table_request(table))
            # configured long ago, as far as the one-change-per-hour rule of UpdateTimeToLive goes
            sandbox.tables[table.name].ttl_attribute = table.ttl_attribute
        from engine.samples import generate_items

        for table_name, table_items in generate_items(model, seed).items():
            sandbox.load_items(table_name, table_items)
        return sandbox

    def load_items(self, table_name: str, new_items: list[dict[str, Any]]) -> int:
        """Store items without charging capacity or checking conditions; returns how many."""
        with self._lock:
            table = self.tables[table_name]
            for raw in new_items:
                item = canonical_item(raw)
                table.apply(table.plan_write(table.item_orders(item), item))
        return len(new_items)


class CallResult:
    """The outcome of one call: response or error, plus the Call record (consumption, target)."""

    __slots__ = ("call", "response", "error")

    def __init__(self, call: Call, response: dict[str, Any] | None, error: SandboxError | None) -> None:
        self.call = call
        self.response = response
        self.error = error


def _key_attribute(key: Any) -> dict[str, str]:
    return {"AttributeName": key.name, "AttributeType": key.type}


def _key_schema(partition_key: Any, sort_key: Any) -> list[dict[str, str]]:
    out = [{"AttributeName": partition_key.name, "KeyType": "HASH"}]
    if sort_key is not None:
        out.append({"AttributeName": sort_key.name, "KeyType": "RANGE"})
    return out


def _projection(projection: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"ProjectionType": projection.type}
    if projection.type == "INCLUDE":
        out["NonKeyAttributes"] = list(projection.attributes)
    return out


def _units(value: float) -> int:
    return max(1, math.ceil(value))  # CreateTable takes whole units of at least 1


def create_table_request(table: Any) -> dict[str, Any]:
    """The CreateTable request for an engine.model Table."""
    provisioned = table.billing.mode == "provisioned"
    request: dict[str, Any] = {
        "TableName": table.name,
        "KeySchema": _key_schema(table.partition_key, table.sort_key),
        "AttributeDefinitions": [_key_attribute(k) for k in table.key_attributes],
        "BillingMode": "PROVISIONED" if provisioned else "PAY_PER_REQUEST",
    }
    if provisioned:
        request["ProvisionedThroughput"] = {"ReadCapacityUnits": _units(table.billing.read_capacity_units),
                                            "WriteCapacityUnits": _units(table.billing.write_capacity_units)}
    if table.gsis:
        request["GlobalSecondaryIndexes"] = [_gsi_request(g, provisioned) for g in table.gsis]
    if table.lsis:
        request["LocalSecondaryIndexes"] = [
            {"IndexName": lsi.name, "KeySchema": _key_schema(table.partition_key, lsi.sort_key),
             "Projection": _projection(lsi.projection)} for lsi in table.lsis]
    if table.stream_view_type is not None:
        request["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": table.stream_view_type}
    return request


def _gsi_request(gsi: Any, provisioned: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"IndexName": gsi.name, "KeySchema": _key_schema(gsi.partition_key, gsi.sort_key),
                           "Projection": _projection(gsi.projection)}
    if provisioned:
        capacity = gsi.provisioned
        out["ProvisionedThroughput"] = {
            "ReadCapacityUnits": _units(capacity.read_capacity_units) if capacity else 1,
            "WriteCapacityUnits": _units(capacity.write_capacity_units) if capacity else 1,
        }
    return out
