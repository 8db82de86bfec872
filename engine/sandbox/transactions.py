"""TransactWriteItems and TransactGetItems: all-or-nothing groups of up to 100 actions.

Capacity (DG/transaction-apis.html, DOMAIN.md §2): the table arm of every action doubles
(3 puts of 500 B -> 6 WCU; 3 gets of 500 B -> 6 RCU); index arms are not doubled; a
ConditionCheck is charged as a transactional write of the checked item (2 x ceil(size / 1 KB),
2 when the item is absent).

ASSUMPTION (DynamoDB documents no figure): a cancelled TransactWriteItems consumes, for every
action, a transactional write of the item as it is currently stored, i.e. 2 x ceil(existing
size / 1 KB), 2 when absent, on the table arm only (nothing was written, so no index arms). The
charge is reported on the TransactionCanceledException's `consumed_capacity` and in the log.

Idempotency (API_TransactWriteItems.html): a successful call with a ClientRequestToken is
remembered for 10 minutes; the same token with the same items changes nothing and consumes the
read units of reading each item (ASSUMPTION: one strongly consistent read per action's item),
with different items it is an IdempotentParameterMismatchException.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from engine.model.limits import MAX_TRANSACTION_ACTIONS, MAX_TRANSACTION_BYTES
from engine.sandbox.batches import collection_metrics_by_table
from engine.sandbox.errors import ITEM_COLLECTION_SIZE_LIMIT, TRANSACTION_CANCELED, SandboxError, validation
from engine.sandbox.expressions import parse_update
from engine.sandbox.items import failed_write_consumption, updated_item
from engine.sandbox.requests import (
    Call,
    Request,
    check_condition,
    choice,
    condition,
    consumed_mode,
    find_table,
    placeholders,
    projection,
    require,
    shaped,
)
from engine.sandbox.storage import TableStore, WritePlan
from engine.sandbox.streams import commit
from engine.sandbox.units import Consumption, consumed_list, read_units, write_units
from engine.sandbox.values import canonical_item, copy_item

WRITE_ACTIONS = ("Put", "Update", "Delete", "ConditionCheck")
IDEMPOTENCY_WINDOW_SECONDS = 10 * 60  # API_TransactWriteItems.html: a ClientRequestToken is valid for 10 minutes
IDEMPOTENT_PARAMETER_MISMATCH = "IdempotentParameterMismatchException"


@dataclass
class Action:
    """One parsed TransactWriteItems action, planned against the current state."""

    kind: str
    spec: dict[str, Any]
    table: TableStore
    orders: tuple[Any, Any]
    condition: Any
    plan: WritePlan | None  # None for ConditionCheck
    consumption: Consumption


def _actions(request: Request, allowed: tuple[str, ...]) -> list[tuple[str, dict[str, Any]]]:
    items = require(request, "TransactItems")
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_TRANSACTION_ACTIONS:
        raise validation("1 validation error detected: Value at 'transactItems' failed to satisfy "
                         f"constraint: Member must have length less than or equal to "
                         f"{MAX_TRANSACTION_ACTIONS} and greater than or equal to 1")
    out = []
    for entry in items:
        if not isinstance(entry, dict) or len(entry) != 1 or next(iter(entry)) not in allowed:
            raise validation(f"Each transaction item holds exactly one of {', '.join(allowed)}")
        (kind, spec), = entry.items()
        if not isinstance(spec, dict):
            raise validation(f"{kind} must be an object")
        out.append((kind, spec))
    return out


def _plan_action(sandbox: Any, kind: str, spec: dict[str, Any], call: Call) -> Action:
    table = find_table(sandbox, spec, call)
    ph = placeholders(spec)
    if kind == "Put":
        item = canonical_item(require(spec, "Item"))
        orders = table.item_orders(item)
    else:
        key = canonical_item(require(spec, "Key"))
        orders = table.key_orders(key)
    update = parse_update(require(spec, "UpdateExpression"), ph) if kind == "Update" else None
    cond = condition(spec, ph)
    if kind == "ConditionCheck" and cond is None:
        require(spec, "ConditionExpression")
    ph.check_all_used()
    choice(spec, "ReturnValuesOnConditionCheckFailure", ("NONE", "ALL_OLD"), "NONE")
    existing = table.get(orders)
    if kind == "ConditionCheck":
        units = write_units(existing.size_bytes if existing else 0, transactional=True)
        return Action(kind, spec, table, orders, cond, None, Consumption(table.name, "write", units))
    if kind == "Put":
        new_item = item
    elif kind == "Update":
        new_item = updated_item(table, update, existing.item if existing else None, key)
    else:
        new_item = None
    plan = table.plan_write(orders, new_item, transactional=True)
    return Action(kind, spec, table, orders, cond, plan, plan.consumption)


def _plan_safely(sandbox: Any, kind: str, spec: dict[str, Any], call: Call) -> Action | SandboxError:
    try:
        return _plan_action(sandbox, kind, spec, call)
    except SandboxError as exc:
        if exc.code != ITEM_COLLECTION_SIZE_LIMIT:
            raise
        return exc


def _fingerprint(request: Request) -> str:
    return json.dumps(request.get("TransactItems"), sort_keys=True, default=str)


def _replay(sandbox: Any, request: Request, call: Call, mode: str) -> dict[str, Any] | None:
    """A repeat within the idempotency window: no changes, read units of the items (API_TransactWriteItems)."""
    token = request.get("ClientRequestToken")
    seen = sandbox.client_tokens.get(token) if token is not None else None
    if seen is None or sandbox.clock() - seen[1] > IDEMPOTENCY_WINDOW_SECONDS:
        return None
    if seen[0] != _fingerprint(request):
        raise SandboxError(IDEMPOTENT_PARAMETER_MISMATCH, "ClientRequestToken was reused within 10 minutes with "
                           "different transaction items; use a new token for a different transaction")
    consumptions: dict[str, Consumption] = {}
    for _, spec in _actions(request, WRITE_ACTIONS):
        table = find_table(sandbox, spec, call)
        item = spec.get("Item")
        orders = table.item_orders(canonical_item(item)) if item is not None else table.key_orders(spec.get("Key"))
        record = table.get(orders)
        units = read_units(record.size_bytes if record else 0, consistent=True)
        consumptions.setdefault(table.name, Consumption(table.name, "read", transactional=True)).table_units += units
    for consumption in consumptions.values():
        call.record(consumption)
    consumed = consumed_list(consumptions, mode)
    return {} if consumed is None else {"ConsumedCapacity": consumed}


def transact_write_items(sandbox: Any, request: Request, call: Call) -> dict[str, Any]:
    mode = consumed_mode(request)
    choice(request, "ReturnItemCollectionMetrics", ("NONE", "SIZE"), "NONE")
    replayed = _replay(sandbox, request, call, mode)
    if replayed is not None:
        return replayed
    planned = [_plan_safely(sandbox, kind, spec, call) for kind, spec in _actions(request, WRITE_ACTIONS)]
    seen: set[tuple[str, Any]] = set()
    for action in planned:
        if isinstance(action, Action):
            target = (action.table.name, action.orders)
            if target in seen:
                raise validation("Transaction request cannot include multiple operations on one item")
            seen.add(target)
    payload_bytes = sum(a.plan.new.size_bytes for a in planned
                        if isinstance(a, Action) and a.plan is not None and a.plan.new is not None)
    if payload_bytes > MAX_TRANSACTION_BYTES:
        raise validation(f"Transaction size exceeded: the items total {payload_bytes} bytes, over the "
                         f"{MAX_TRANSACTION_BYTES}-byte limit of a transaction")
    reasons = [_reason(action) for action in planned]
    if any(r["Code"] != "None" for r in reasons):
        raise _cancelled(planned, reasons, call)
    consumptions: dict[str, Consumption] = {}
    for action in planned:
        if action.plan is not None:
            commit(sandbox, action.plan)
        consumptions.setdefault(action.table.name, Consumption(action.table.name, "write", transactional=True)).merge(action.consumption)
    if request.get("ClientRequestToken") is not None:
        sandbox.client_tokens[request["ClientRequestToken"]] = (_fingerprint(request), sandbox.clock())
    for consumption in consumptions.values():
        call.record(consumption)
    response: dict[str, Any] = {}
    consumed = consumed_list(consumptions, mode)
    if consumed is not None:
        response["ConsumedCapacity"] = consumed
    metrics = collection_metrics_by_table([a.plan for a in planned if a.plan is not None], request)
    if metrics:
        response["ItemCollectionMetrics"] = metrics
    return response


def _reason(action: Action | SandboxError) -> dict[str, Any]:
    if isinstance(action, SandboxError):
        return {"Code": "ItemCollectionSizeLimitExceeded", "Message": action.message}
    existing = action.table.get(action.orders)
    item = existing.item if existing else None
    if check_condition(action.condition, item):
        return {"Code": "None"}
    reason: dict[str, Any] = {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"}
    if action.spec.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and item is not None:
        reason["Item"] = copy_item(item)
    return reason


def _cancelled(planned: list[Action | SandboxError], reasons: list[dict[str, Any]], call: Call) -> SandboxError:
    """TransactionCanceledException charged per the module's documented assumption."""
    consumptions: dict[str, Consumption] = {}
    for action in planned:
        if isinstance(action, SandboxError):
            continue
        charge = failed_write_consumption(action.table, action.table.get(action.orders), transactional=True)
        consumptions.setdefault(action.table.name, Consumption(action.table.name, "write", transactional=True)).merge(charge)
    for consumption in consumptions.values():
        call.record(consumption)
    codes = ", ".join(r["Code"] for r in reasons)
    return SandboxError(
        TRANSACTION_CANCELED,
        f"Transaction cancelled, please refer cancellation reasons for specific reasons [{codes}]",
        cancellation_reasons=reasons,
        consumed_capacity=consumed_list(consumptions, "INDEXES"),
    )


def transact_get_items(sandbox: Any, request: Request, call: Call) -> dict[str, Any]:
    mode = consumed_mode(request)
    reads = []
    for _, spec in _actions(request, ("Get",)):
        table = find_table(sandbox, spec, call)
        orders = table.key_orders(require(spec, "Key"))
        ph = placeholders(spec)
        paths = projection(spec, ph)
        ph.check_all_used()
        reads.append((table, orders, paths))
    responses: list[dict[str, Any]] = []
    consumptions: dict[str, Consumption] = {}
    for table, orders, paths in reads:
        record = table.get(orders)
        units = read_units(record.size_bytes if record else 0, consistent=True, transactional=True)
        consumptions.setdefault(table.name, Consumption(table.name, "read", transactional=True)).table_units += units
        responses.append({"Item": shaped(record.item, paths)} if record else {})
    for consumption in consumptions.values():
        call.record(consumption)
    call.items_returned = sum(1 for r in responses if r)
    response: dict[str, Any] = {"Responses": responses}
    consumed = consumed_list(consumptions, mode)
    if consumed is not None:
        response["ConsumedCapacity"] = consumed
    return response
