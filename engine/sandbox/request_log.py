"""One `serve --log` record per request: what `ddb-workbench infer` needs to turn captured traffic into a design.

Fields: time, operation, table, index, key (DynamoDB JSON; a Query's partition key), items_returned, consumed
capacity per arm ("<table>" / "<table>#<index>"), error code, latency; and since the `infer` command: `request`
(the request's shape parameters: KeyConditionExpression, FilterExpression, ProjectionExpression,
UpdateExpression, ConditionExpression, ExpressionAttributeNames/Values, ConsistentRead, Limit, ScanIndexForward,
Select; never the items written), `items` (up to MAX_ITEMS_LOGGED items written or returned, for entity
attributes and sizes), `item_sizes` (the exact size of each item written or returned, engine.itemsize rules, up to
MAX_SIZES_LOGGED), `items_scanned` (a Query/Scan's ScannedCount), `entries` (keys or actions of a batch or
transaction), `key_schema` of the target (and `table_key_schema` when the target is an index).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

MAX_ITEMS_LOGGED = 5
MAX_SIZES_LOGGED = 1000
SHAPE_PARAMETERS = ("IndexName", "KeyConditionExpression", "FilterExpression", "ProjectionExpression",
                    "UpdateExpression", "ConditionExpression", "ExpressionAttributeNames",
                    "ExpressionAttributeValues", "ConsistentRead", "Limit", "ScanIndexForward", "Select",
                    "ReturnValues")
MAX_VALUES_BYTES = 4096  # ExpressionAttributeValues kept only while small (they may hold whole documents)


def _schema(schema: Any, local: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"partition_key": {"name": schema.hash_name, "type": schema.hash_type}}
    if schema.range_name is not None:
        out["sort_key"] = {"name": schema.range_name, "type": schema.range_type}
    if local:
        out["local"] = True
    return out


def _written_items(operation: str, request: dict[str, Any]) -> list[dict]:
    if operation == "PutItem" and isinstance(request.get("Item"), dict):
        return [request["Item"]]
    if operation == "BatchWriteItem" and isinstance(request.get("RequestItems"), dict):
        return [put["PutRequest"]["Item"] for entries in request["RequestItems"].values()
                for put in (entries if isinstance(entries, list) else [])
                if isinstance(put, dict) and isinstance(put.get("PutRequest"), dict)
                and isinstance(put["PutRequest"].get("Item"), dict)]
    return []


def _returned_items(response: dict[str, Any] | None) -> list[dict]:
    if not response:
        return []
    if isinstance(response.get("Item"), dict):
        return [response["Item"]]
    if isinstance(response.get("Attributes"), dict):  # UpdateItem with ReturnValues ALL_NEW
        return [response["Attributes"]]
    items = response.get("Items")
    if isinstance(items, list):
        return [i for i in items if isinstance(i, dict)]
    found = response.get("Responses")
    if isinstance(found, dict):  # BatchGetItem
        return [i for v in found.values() if isinstance(v, list) for i in v if isinstance(i, dict)]
    return []


def _entries(operation: str, request: dict[str, Any]) -> int | None:
    if operation == "BatchWriteItem" and isinstance(request.get("RequestItems"), dict):
        return sum(len(v) for v in request["RequestItems"].values() if isinstance(v, list))
    if operation == "BatchGetItem" and isinstance(request.get("RequestItems"), dict):
        return sum(len(v.get("Keys", [])) for v in request["RequestItems"].values() if isinstance(v, dict))
    if operation.startswith("Transact") and isinstance(request.get("TransactItems"), list):
        return len(request["TransactItems"])
    return None


def log_record(result: Any, latency_seconds: float, request: dict[str, Any] | None = None,
               tables: dict[str, Any] | None = None) -> dict[str, Any]:
    """The JSON-ready log record of one call (`result` an engine.sandbox.sandbox.CallResult, `tables` the
    sandbox's tables for the key schemas)."""
    from engine.itemsize import item_size_bytes

    call = result.call
    arms: dict[str, float] = {}
    for consumption in call.consumptions:
        for target, units in consumption.arms().items():
            arms[target] = arms.get(target, 0.0) + units
    record: dict[str, Any] = {
        "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "operation": call.operation,
        "table": call.table,
        "index": call.index,
        "key": call.key,
        "items_returned": call.items_returned,
        "consumed_capacity": arms,
        "error": result.error.code if result.error else None,
        "latency_ms": round(latency_seconds * 1000, 3),
    }
    if not isinstance(request, dict):
        return record
    shape = {k: request[k] for k in SHAPE_PARAMETERS if k in request}
    values = shape.get("ExpressionAttributeValues")
    if values is not None and len(repr(values)) > MAX_VALUES_BYTES:
        del shape["ExpressionAttributeValues"]
    record["request"] = shape
    items = _written_items(call.operation, request) + _returned_items(result.response)
    if items:
        sizes = []
        for item in items[:MAX_SIZES_LOGGED]:
            try:
                sizes.append(item_size_bytes(item))
            except Exception:  # noqa: BLE001 - a malformed item was refused; its size is not needed
                continue
        record["item_sizes"] = sizes
        record["items"] = items[:MAX_ITEMS_LOGGED]
    if result.response and isinstance(result.response.get("ScannedCount"), int):
        record["items_scanned"] = result.response["ScannedCount"]
    entries = _entries(call.operation, request)
    if entries is not None:
        record["entries"] = entries
    table = (tables or {}).get(call.table) if call.table else None
    if table is not None:
        index = table.index(call.index) if call.index else None
        if index is not None:
            record["key_schema"] = _schema(index.schema, index.local)
            record["table_key_schema"] = _schema(table.schema)
        else:
            record["key_schema"] = _schema(table.schema)
    return record
