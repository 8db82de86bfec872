"""Single-item operations: PutItem, GetItem, UpdateItem, DeleteItem (DynamoDB API reference).

Capacity (DOMAIN.md §2): a write consumes ceil(max(size before, size after) / 1 KB) on the table
(1 for a missing item) plus each touched index's entry writes; a failed condition still consumes
the existing item's size (1 WCU when absent) on the table arm, reported on the error object.
GetItem consumes ceil(size / 4 KB) (halved when eventually consistent, 1 or 0.5 when missing);
a ProjectionExpression does not reduce it.
"""

from __future__ import annotations

from typing import Any

from engine.sandbox.evaluation import apply_update, project
from engine.sandbox.expressions import UpdatePlan, parse_update
from engine.sandbox.requests import (
    Call,
    Item,
    Request,
    check_condition,
    choice,
    condition,
    condition_failed,
    consumed_mode,
    find_table,
    placeholders,
    projection,
    reject_legacy,
    require,
    shaped,
)
from engine.sandbox.storage import Record, TableStore, WritePlan
from engine.sandbox.streams import commit
from engine.sandbox.units import Consumption, read_units, write_units
from engine.sandbox.values import canonical_item, copy_item, copy_value

GIB = 1024**3


def failed_write_consumption(table: TableStore, old: Record | None, transactional: bool = False) -> Consumption:
    """What a write whose condition failed consumes: the existing item's size, or the minimum (an assumption the
    user sees, engine.sandbox.ASSUMPTIONS: the developer guide's conditional-write section and the measured
    captures say the existing item; its read/write operations page says the larger of existing and new)."""
    return Consumption(table.name, "write", write_units(old.size_bytes if old else 0, transactional))


def collection_metrics(table: TableStore, plan: WritePlan, request: Request) -> dict[str, Any] | None:
    """ItemCollectionMetrics for a table with an LSI when ReturnItemCollectionMetrics=SIZE."""
    mode = choice(request, "ReturnItemCollectionMetrics", ("NONE", "SIZE"), "NONE")
    if mode == "NONE" or not table.lsis:
        return None
    size_gb = table.collection_bytes.get(plan.orders[0], 0) / GIB
    hash_name = table.schema.hash_name
    item = (plan.new or plan.old).item if (plan.new or plan.old) else {}
    return {"ItemCollectionKey": {hash_name: copy_value(item[hash_name])} if hash_name in item else {},
            "SizeEstimateRangeGB": [size_gb, size_gb]}


def _write_response(table: TableStore, plan: WritePlan, request: Request, attributes: Item | None) -> dict:
    response: dict[str, Any] = {}
    if attributes:
        response["Attributes"] = attributes
    consumed = plan.consumption.to_wire(consumed_mode(request))
    if consumed is not None:
        response["ConsumedCapacity"] = consumed
    metrics = collection_metrics(table, plan, request)
    if metrics is not None:
        response["ItemCollectionMetrics"] = metrics
    return response


def put_item(sandbox: Any, request: Request, call: Call) -> dict[str, Any]:
    reject_legacy(request)
    item = canonical_item(require(request, "Item"))  # required fields are checked before the table (as DynamoDB)
    table = find_table(sandbox, request, call)
    orders = table.item_orders(item)
    call.key = table.key_of(item)
    return _replace_or_delete(sandbox, table, orders, item, request, call)


def get_item(sandbox: Any, request: Request, call: Call) -> dict[str, Any]:
    reject_legacy(request)
    key = require(request, "Key")
    table = find_table(sandbox, request, call)
    orders = table.key_orders(key)
    call.key = key
    ph = placeholders(request)
    paths = projection(request, ph)
    ph.check_all_used()
    consistent = bool(request.get("ConsistentRead", False))
    mode = consumed_mode(request)
    record = table.get(orders)
    consumption = call.record(Consumption(
        table.name, "read", read_units(record.size_bytes if record else 0, consistent)))
    call.items_returned = 1 if record else 0
    response: dict[str, Any] = {}
    if record is not None:
        response["Item"] = shaped(record.item, paths)
    consumed = consumption.to_wire(mode)
    if consumed is not None:
        response["ConsumedCapacity"] = consumed
    return response


def updated_item(table: TableStore, plan: UpdatePlan | None, old: Item | None, key: Item) -> Item:
    """The item after an update expression (a missing item starts as its key)."""
    base = old if old is not None else dict(key)
    if plan is None:
        return copy_item(base)
    return apply_update(plan, base, table.schema.names)


def _updated_attributes(item: Item | None, plan: UpdatePlan | None) -> Item:
    """UPDATED_OLD / UPDATED_NEW: the document paths the update wrote, as they were / are now."""
    if item is None or plan is None:
        return {}
    return project(item, plan.paths())


def update_item(sandbox: Any, request: Request, call: Call) -> dict[str, Any]:
    reject_legacy(request)
    key = canonical_item(require(request, "Key"))
    table = find_table(sandbox, request, call)
    orders = table.key_orders(key)
    call.key = key
    ph = placeholders(request)
    text = request.get("UpdateExpression")
    plan_expr = parse_update(text, ph) if text is not None else None
    cond = condition(request, ph)
    ph.check_all_used()
    return_values = choice(request, "ReturnValues",
                           ("NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"), "NONE")
    consumed_mode(request)
    existing = table.get(orders)
    old_item = existing.item if existing else None
    if not check_condition(cond, old_item):
        failed = call.record(failed_write_consumption(table, existing))
        raise condition_failed(failed, old_item, request)
    new_item = updated_item(table, plan_expr, old_item, key)
    plan = table.plan_write(orders, new_item)
    call.record(plan.consumption)
    commit(sandbox, plan)
    attributes = {
        "NONE": None,
        "ALL_OLD": copy_item(old_item) if old_item else None,
        "ALL_NEW": copy_item(new_item),
        "UPDATED_OLD": _updated_attributes(old_item, plan_expr),
        "UPDATED_NEW": _updated_attributes(new_item, plan_expr),
    }[return_values]
    return _write_response(table, plan, request, attributes)


def delete_item(sandbox: Any, request: Request, call: Call) -> dict[str, Any]:
    reject_legacy(request)
    key = require(request, "Key")
    table = find_table(sandbox, request, call)
    orders = table.key_orders(key)
    call.key = key
    return _replace_or_delete(sandbox, table, orders, None, request, call)


def _replace_or_delete(sandbox: Any, table: Any, orders: Any, new_item: dict[str, Any] | None, request: Request,
                       call: Call) -> dict[str, Any]:
    """PutItem (new_item) or DeleteItem (None): condition, charge (also when it fails), apply, respond."""
    ph = placeholders(request)
    cond = condition(request, ph)
    ph.check_all_used()
    return_values = choice(request, "ReturnValues", ("NONE", "ALL_OLD"), "NONE")
    consumed_mode(request)
    plan = table.plan_write(orders, new_item)
    old_item = plan.old.item if plan.old else None
    if not check_condition(cond, old_item):
        failed = call.record(failed_write_consumption(table, plan.old))
        raise condition_failed(failed, old_item, request)
    call.record(plan.consumption)
    commit(sandbox, plan)
    attributes = copy_item(old_item) if return_values == "ALL_OLD" and old_item else None
    return _write_response(table, plan, request, attributes)
