"""The sandbox: an in-memory DynamoDB answering API requests in wire JSON, with exact consumed capacity.

`Sandbox()` starts empty; `Sandbox.from_model(model, seed)` creates a design's tables and loads
its seeded sample items. `sandbox.call(operation, request)` takes and returns exactly the JSON
the boto3 low-level client and the AWS CLI put on the wire (N as strings, B as base64; bytes are
accepted for B too) and raises SandboxError with DynamoDB's error code. Calls are serialised by a
lock, so one sandbox may serve several HTTP threads.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import Any

from engine.errors import ItemError
from engine.sandbox import batches, items, reads, tables, transactions
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
    "A TransactWriteItems repeated with its ClientRequestToken within 10 minutes consumes one strongly "
    "consistent read per action's item (AWS says only \"read capacity units consumed in reading the item\").",
)

OPERATIONS: dict[str, Handler] = {
    "CreateTable": tables.create_table,
    "DescribeTable": tables.describe_table,
    "DeleteTable": tables.delete_table,
    "ListTables": tables.list_tables,
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


class Sandbox:
    """An in-memory DynamoDB: tables by name, answering `call(operation, request)`."""

    def __init__(self, *, item_collection_limit_bytes: int = ITEM_COLLECTION_LIMIT_BYTES,
                 clock: Callable[[], float] = time.time) -> None:
        self.tables: dict[str, TableStore] = {}
        self.item_collection_limit_bytes = item_collection_limit_bytes
        self.clock = clock
        self.client_tokens: dict[str, tuple[str, float]] = {}  # TransactWriteItems idempotency window
        self._lock = threading.Lock()

    # -- the API
    def call(self, operation: str, request: dict[str, Any] | None = None) -> dict[str, Any]:
        """Run one DynamoDB operation; returns the response or raises SandboxError."""
        result = self.execute(operation, request)
        if result.error is not None:
            raise result.error
        return result.response

    def execute(self, operation: str, request: dict[str, Any] | None = None) -> CallResult:
        """Run one operation and return what it did (response or error, consumption, target)."""
        call = Call(operation)
        handler = OPERATIONS.get(operation)
        try:
            if handler is None:
                raise SandboxError(UNKNOWN_OPERATION, f"Unknown operation {operation!r}; the sandbox "
                                   f"implements {', '.join(OPERATIONS)}")
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

    # -- loading designs
    @classmethod
    def from_model(cls, model: Any, seed: int = 0, **options: Any) -> Sandbox:
        """A sandbox holding the design's tables (keys, billing, GSIs, LSIs, projections) and
        its seeded sample items from engine.samples.generate_items(model, seed)."""
        sandbox = cls(**options)
        for table in model.tables:
            sandbox.call("CreateTable", create_table_request(table))
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
    keys = [table.partition_key, table.sort_key]
    keys += [k for g in table.gsis for k in (g.partition_key, g.sort_key)]
    keys += [lsi.sort_key for lsi in table.lsis]
    definitions = {k.name: _key_attribute(k) for k in keys if k is not None}
    provisioned = table.billing.mode == "provisioned"
    request: dict[str, Any] = {
        "TableName": table.name,
        "KeySchema": _key_schema(table.partition_key, table.sort_key),
        "AttributeDefinitions": list(definitions.values()),
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
