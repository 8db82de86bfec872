"""BatchGetItem and BatchWriteItem: many keys or puts/deletes across tables in one request.

Capacity (DOMAIN.md §2): every item is rounded up on its own and the units summed per table
(BatchGetItem: 1.5 KB + 6.5 KB -> 1 + 2 = 3 SC; a missing key costs the minimum read;
BatchWriteItem: 500 B + 3.5 KB -> 1 + 4 = 5 WCU), index arms as for single writes.
Limits (DG/ServiceQuotas.html): at most 100 keys per BatchGetItem and 25 requests per
BatchWriteItem; no updates, no conditions, one request per item.
"""

from __future__ import annotations

from typing import Any

from engine.model import limits
from engine.model.limits import MAX_BATCH_GET_KEYS, MAX_BATCH_WRITE_REQUESTS
from engine.sandbox.errors import validation
from engine.sandbox.items import collection_metrics
from engine.sandbox.requests import (
    Call,
    Request,
    consumed_mode,
    find_table,
    placeholders,
    projection,
    reject_legacy,
    require,
    shaped,
)
from engine.sandbox.storage import WritePlan
from engine.sandbox.streams import commit
from engine.sandbox.units import Consumption, consumed_list, read_units
from engine.sandbox.values import canonical_item

MAX_BATCH_GET_RESPONSE_BYTES = limits.MAX_BATCH_GET_RESPONSE_BYTES  # DG/ServiceQuotas.html: 16 MB per BatchGetItem


def _request_items(request: Request) -> dict[str, Any]:
    items = require(request, "RequestItems")
    if not isinstance(items, dict) or not items:
        raise validation("1 validation error detected: Value at 'requestItems' failed to satisfy "
                         "constraint: Member must have length greater than or equal to 1")
    return items


def batch_get_item(sandbox: Any, request: Request, call: Call) -> dict[str, Any]:
    request_items = _request_items(request)
    mode = consumed_mode(request)
    for name, spec in request_items.items():
        if not isinstance(spec, dict) or not isinstance(spec.get("Keys"), list):
            raise validation(f"RequestItems[{name}] must be an object with a Keys list")
    total_keys = sum(len(spec["Keys"]) for spec in request_items.values())
    if total_keys > MAX_BATCH_GET_KEYS:
        raise validation("Too many items requested for the BatchGetItem call")  # DynamoDB's exact wording
    plans = [_plan_get(sandbox, name, spec, call) for name, spec in request_items.items()]
    responses: dict[str, list[Any]] = {}
    unprocessed: dict[str, Any] = {}
    consumptions: dict[str, Consumption] = {}
    returned_bytes = 0
    for name, spec, table, keys, paths, consistent in plans:
        consumption = consumptions.setdefault(name, Consumption(name, "read"))
        found = responses.setdefault(name, [])
        for i, (_key, orders) in enumerate(keys):
            record = table.get(orders)
            size = record.size_bytes if record else 0
            if found and returned_bytes + size > MAX_BATCH_GET_RESPONSE_BYTES:
                unprocessed[name] = {**spec, "Keys": [k for k, _ in keys[i:]]}
                break
            consumption.table_units += read_units(size, consistent)  # each item rounded on its own
            if record is not None:
                returned_bytes += size
                found.append(shaped(record.item, paths))
    for consumption in consumptions.values():
        call.record(consumption)
    call.items_returned = sum(len(v) for v in responses.values())
    response: dict[str, Any] = {"Responses": responses, "UnprocessedKeys": unprocessed}
    consumed = consumed_list(consumptions, mode)
    if consumed is not None:
        response["ConsumedCapacity"] = consumed
    return response


def _plan_get(sandbox: Any, name: str, spec: Any, call: Call) -> tuple[Any, ...]:
    table = find_table(sandbox, {"TableName": name}, call)
    if not isinstance(spec, dict):
        raise validation(f"RequestItems[{name}] must be an object with Keys")
    reject_legacy(spec)
    keys = require(spec, "Keys")
    if not isinstance(keys, list) or not keys:
        raise validation(f"RequestItems[{name}].Keys must hold at least one key")
    ph = placeholders(spec)
    paths = projection(spec, ph)
    ph.check_all_used()
    ordered = [(key, table.key_orders(key)) for key in keys]
    if len({o for _, o in ordered}) != len(ordered):
        raise validation("Provided list of item keys contains duplicates")
    return name, spec, table, ordered, paths, bool(spec.get("ConsistentRead", False))


def batch_write_item(sandbox: Any, request: Request, call: Call) -> dict[str, Any]:
    request_items = _request_items(request)
    mode = consumed_mode(request)
    total = sum(len(v) if isinstance(v, list) else 0 for v in request_items.values())
    if total > MAX_BATCH_WRITE_REQUESTS or total == 0:
        raise validation("1 validation error detected: Value at 'requestItems' failed to satisfy "
                         f"constraint: Map value must satisfy constraint: [Member must have length "
                         f"less than or equal to {MAX_BATCH_WRITE_REQUESTS}, Member must have length "
                         f"greater than or equal to 1] (got {total} requests)")
    writes = []
    for name, requests in request_items.items():
        table = find_table(sandbox, {"TableName": name}, call)
        if not isinstance(requests, list):
            raise validation(f"RequestItems[{name}] must be a list of PutRequest/DeleteRequest")
        seen: set[Any] = set()
        for entry in requests:
            orders, item = _write_request(table, entry)
            if orders in seen:
                raise validation("Provided list of item keys contains duplicates")
            seen.add(orders)
            writes.append((table, orders, item))
    plans: list[WritePlan] = [table.plan_write(orders, item) for table, orders, item in writes]
    consumptions: dict[str, Consumption] = {}
    for plan in plans:
        commit(sandbox, plan)
        consumptions.setdefault(plan.table.name, Consumption(plan.table.name, "write")).merge(plan.consumption)
    for consumption in consumptions.values():
        call.record(consumption)
    response: dict[str, Any] = {"UnprocessedItems": {}}
    consumed = consumed_list(consumptions, mode)
    if consumed is not None:
        response["ConsumedCapacity"] = consumed
    metrics = collection_metrics_by_table(plans, request)
    if metrics:
        response["ItemCollectionMetrics"] = metrics
    return response


def collection_metrics_by_table(plans: list[WritePlan], request: Request) -> dict[str, list[dict[str, Any]]]:
    """ItemCollectionMetrics per table (tables with an LSI) when ReturnItemCollectionMetrics=SIZE."""
    out: dict[str, list[dict[str, Any]]] = {}
    for plan in plans:
        metrics = collection_metrics(plan.table, plan, request)
        if metrics is not None:
            out.setdefault(plan.table.name, []).append(metrics)
    return out


def _write_request(table: Any, entry: Any) -> tuple[Any, Any]:
    if not isinstance(entry, dict) or len(entry) != 1 or next(iter(entry)) not in ("PutRequest", "DeleteRequest"):
        raise validation("A BatchWriteItem request holds exactly one PutRequest or DeleteRequest "
                         "(updates are not allowed in a batch)")
    if "PutRequest" in entry:
        item = canonical_item(require(entry["PutRequest"], "Item"))
        return table.item_orders(item), item
    key = require(entry["DeleteRequest"], "Key")
    return table.key_orders(key), None
