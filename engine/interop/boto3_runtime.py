"""The fixed part of a generated boto3 module (engine.interop.boto3_module): result type, value conversion,
expressions, pagination and batch retries. Kept as source text: it is copied into every generated module, so the
module runs with boto3 alone. tests/engine/interop/test_export_boto3.py compiles, lints and runs it.
"""

from __future__ import annotations

IMPORTS = '''\
from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any{named_tuple}

from boto3.dynamodb.types import Binary, TypeDeserializer, TypeSerializer
'''

RUNTIME = '''\
Client = Any
"""A boto3 DynamoDB client: boto3.client("dynamodb", ...) (the low-level API, DynamoDB JSON values)."""
Item = dict[str, Any]
"""An item as Python values: str, Decimal (numbers), Binary (bytes), bool, None, list, dict, set."""
WireItem = dict[str, dict[str, Any]]
"""An item in DynamoDB JSON as the client takes it: {"S": "text"}, {"N": "42"}, {"B": b"bytes"}, ..."""
Number = int | float | Decimal

RETURN_CONSUMED_CAPACITY = "TOTAL"
MAX_BATCH_GET_KEYS = 100  # BatchGetItem reads at most 100 keys per request
MAX_BATCH_WRITE_REQUESTS = 25  # BatchWriteItem writes at most 25 items per request
MAX_TRANSACTION_ITEMS = 100  # TransactGetItems / TransactWriteItems take at most 100 items
MAX_ATTEMPTS = 10  # batch requests sent for one chunk before UnprocessedError
BASE_DELAY_SECONDS = 0.05  # backoff before the 2nd attempt; doubles per attempt (equal jitter)
MAX_DELAY_SECONDS = 5.0

_SERIALIZER = TypeSerializer()
_DESERIALIZER = TypeDeserializer()
_sleep = time.sleep


class UnprocessedError(RuntimeError):
    """A batch still had unprocessed keys or items after MAX_ATTEMPTS requests (DynamoDB kept throttling)."""

    def __init__(self, operation: str, unprocessed: Mapping[str, Any]) -> None:
        super().__init__(f"{operation}: requests still unprocessed after {MAX_ATTEMPTS} attempts")
        self.unprocessed = dict(unprocessed)


@dataclass
class Result:
    """What one call read or wrote and the capacity DynamoDB reported for it (ReturnConsumedCapacity=TOTAL)."""

    items: list[Item] = field(default_factory=list)
    """Items read (reads) or written by puts (writes), as Python values."""
    consumed_capacity: float = 0.0
    """Capacity units consumed, summed over every request sent: read units for reads, write units for writes."""
    requests: int = 0
    """Requests sent (pages of a Query or Scan, batch retries)."""
    scanned_count: int = 0
    """Query and Scan: items evaluated before the filter (what Limit counts and what is charged)."""
    last_evaluated_key: dict[str, Any] | None = None
    """Query and Scan: where the read stopped (DynamoDB JSON); pass it back as exclusive_start_key."""

    @property
    def item(self) -> Item | None:
        """The first item, or None."""
        return self.items[0] if self.items else None


def to_dynamodb(value: Any) -> dict[str, Any]:
    """A Python value as a DynamoDB JSON attribute value (a float is sent as the Decimal of its repr)."""
    return _SERIALIZER.serialize(_exact(value))


def from_dynamodb(value: Mapping[str, Any]) -> Any:
    """A DynamoDB JSON attribute value as a Python value (numbers come back as Decimal)."""
    return _DESERIALIZER.deserialize(dict(value))


def item_to_dynamodb(item: Mapping[str, Any]) -> WireItem:
    """An item of Python values in DynamoDB JSON."""
    return {name: to_dynamodb(value) for name, value in item.items()}


def item_from_dynamodb(item: Mapping[str, Mapping[str, Any]]) -> Item:
    """An item in DynamoDB JSON as Python values."""
    return {name: from_dynamodb(value) for name, value in item.items()}


def _exact(value: Any) -> Any:
    """Floats as Decimal (TypeSerializer refuses floats), inside lists, maps and sets too."""
    if isinstance(value, float):
        return _decimal(value)
    if isinstance(value, Mapping):
        return {name: _exact(inner) for name, inner in value.items()}
    if isinstance(value, (list, tuple)):
        return [_exact(inner) for inner in value]
    if isinstance(value, (set, frozenset)):
        return {_exact(inner) for inner in value}
    return value


def _decimal(value: float) -> Decimal:
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"{value!r} is not a number DynamoDB can store")
    return Decimal(repr(value))


def _number(value: Any) -> str:
    """A number as DynamoDB's N text: ints and Decimals as written, floats by repr, numeric strings as given."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
        raise TypeError(f"{value!r} is not a number; pass an int, float or Decimal")
    if isinstance(value, float):
        return str(_decimal(value))
    try:
        finite = Decimal(value).is_finite()
    except InvalidOperation:
        finite = False
    if not finite:
        raise ValueError(f"{value!r} is not a number DynamoDB can store")
    return str(value)


def _text(value: Any) -> str:
    """A key template variable's value as text (numbers as written)."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return _number(value)
    raise TypeError(f"{value!r} cannot fill a key template; pass a str or a number")


def _binary(value: Any) -> bytes:
    if isinstance(value, Binary):
        return bytes(value.value)
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    raise TypeError(f"{type(value).__name__} is not binary; pass bytes")


def _typed(value: Any, kind: str) -> dict[str, Any]:
    """A Python value as a DynamoDB JSON value of the type the design declares."""
    if kind == "S":
        if not isinstance(value, str):
            raise TypeError(f"{value!r} is not a string (S)")
        return {"S": value}
    if kind == "N":
        return {"N": _number(value)}
    if kind == "B":
        return {"B": _binary(value)}
    if kind == "NULL":
        return {"NULL": True}
    if kind in ("SS", "NS", "BS"):
        if isinstance(value, (str, bytes)) or not value:
            raise ValueError(f"a {kind} value is a non-empty set (DynamoDB has no empty sets)")
        element = {"SS": lambda v: _typed(v, "S")["S"], "NS": _number, "BS": _binary}[kind]
        return {kind: [element(v) for v in value]}
    wire = to_dynamodb(value)
    if kind not in wire:
        raise TypeError(f"{type(value).__name__} is not a {kind} value")
    return wire


def _put(item: WireItem, name: str, value: Any, kind: str) -> None:
    """Set an attribute of an item being built; None (or False for a NULL attribute) leaves it out."""
    if value is None or (kind == "NULL" and not value):
        return
    item[name] = _typed(value, kind)


def _units(consumed: Any) -> float:
    """CapacityUnits of a ConsumedCapacity entry or list of entries."""
    entries = consumed if isinstance(consumed, list) else ([consumed] if consumed else [])
    return float(sum(entry.get("CapacityUnits", 0.0) for entry in entries))


def _merge(request: dict[str, Any], names: Mapping[str, str] | None, values: Mapping[str, Any] | None) -> None:
    """Add placeholders to a request; a placeholder it already uses with another meaning is refused."""
    if names:
        known = request.setdefault("ExpressionAttributeNames", {})
        for placeholder, name in names.items():
            if known.get(placeholder, name) != name:
                raise ValueError(f"placeholder {placeholder} already names {known[placeholder]!r} here; rename it")
            known[placeholder] = name
    if values:
        known_values = request.setdefault("ExpressionAttributeValues", {})
        for placeholder, value in values.items():
            wire = to_dynamodb(value)
            if known_values.get(placeholder, wire) != wire:
                raise ValueError(f"placeholder {placeholder} already has another value here; rename it")
            known_values[placeholder] = wire


def _add_expression(request: dict[str, Any], key: str, expression: str | None,
                    names: Mapping[str, str] | None, values: Mapping[str, Any] | None) -> None:
    """A FilterExpression or ConditionExpression with its placeholders (values as Python values)."""
    if expression is None:
        if names or values:
            raise ValueError(f"expression_names / expression_values given without an expression ({key})")
        return
    request[key] = expression
    _merge(request, names, values)


def _add_projection(request: dict[str, Any], projection: Sequence[str] | None) -> None:
    """ProjectionExpression over top-level attribute names, each through a #p<n> placeholder."""
    if projection is None:
        return
    if isinstance(projection, str):
        raise TypeError("projection is a sequence of attribute names, not one string")
    placeholders = {f"#p{i}": name for i, name in enumerate(projection)}
    if not placeholders:
        raise ValueError("projection names no attribute")
    request["ProjectionExpression"] = ", ".join(placeholders)
    _merge(request, placeholders, None)
    request.pop("Select", None)  # a projection reads the named attributes only


def _update(request: dict[str, Any], changes: Mapping[str, dict[str, Any] | None]) -> None:
    """UpdateExpression: SET #u<n> = :u<n> for each value, REMOVE #u<n> for each None."""
    sets, removes, names, values = [], [], {}, {}
    for i, (name, value) in enumerate(changes.items()):
        names[f"#u{i}"] = name
        if value is None:
            removes.append(f"#u{i}")
        else:
            values[f":u{i}"] = value
            sets.append(f"#u{i} = :u{i}")
    if not names:
        raise ValueError("an update needs at least one attribute to change")
    clauses = ([f"SET {', '.join(sets)}"] if sets else []) + ([f"REMOVE {', '.join(removes)}"] if removes else [])
    request["UpdateExpression"] = " ".join(clauses)
    request.setdefault("ExpressionAttributeNames", {}).update(names)
    if values:
        request.setdefault("ExpressionAttributeValues", {}).update(values)


def _changes(values: Mapping[str, Any]) -> dict[str, dict[str, Any] | None]:
    """Attribute changes given as Python values (None removes the attribute)."""
    return {name: None if value is None else to_dynamodb(value) for name, value in values.items()}


def _single(send: Callable[..., dict[str, Any]], request: dict[str, Any], written: WireItem | None = None) -> Result:
    """One GetItem, PutItem, UpdateItem or DeleteItem request."""
    response = send(**request)
    found = response.get("Item")
    items = [found] if found else ([written] if written is not None else [])
    return Result(items=[item_from_dynamodb(item) for item in items],
                  consumed_capacity=_units(response.get("ConsumedCapacity")), requests=1)


def _paginate(send: Callable[..., dict[str, Any]], request: dict[str, Any], limit: int | None,
              exclusive_start_key: Mapping[str, Any] | None) -> Result:
    """A Query or Scan page by page (following LastEvaluatedKey) until `limit` items are evaluated, or every
    page when limit is None. DynamoDB's Limit counts evaluated items, before any filter."""
    if limit is not None and limit < 1:
        raise ValueError(f"limit {limit} must be at least 1 (or None for every page)")
    result = Result()
    page = dict(request)
    if exclusive_start_key:
        page["ExclusiveStartKey"] = dict(exclusive_start_key)
    while True:
        if limit is not None:
            page["Limit"] = limit - result.scanned_count
        response = send(**page)
        result.requests += 1
        result.consumed_capacity += _units(response.get("ConsumedCapacity"))
        result.items += [item_from_dynamodb(item) for item in response.get("Items", [])]
        result.scanned_count += int(response.get("ScannedCount", len(response.get("Items", []))))
        result.last_evaluated_key = response.get("LastEvaluatedKey")
        if not result.last_evaluated_key or (limit is not None and result.scanned_count >= limit):
            return result
        page = {**request, "ExclusiveStartKey": result.last_evaluated_key}


def _retry(operation: str, unprocessed: Mapping[str, Any], attempt: int) -> int:
    """Wait before resending unprocessed requests: exponential backoff with equal jitter."""
    if not unprocessed:
        return attempt
    if attempt + 1 >= MAX_ATTEMPTS:
        raise UnprocessedError(operation, unprocessed)
    ceiling = min(MAX_DELAY_SECONDS, BASE_DELAY_SECONDS * 2**attempt)
    _sleep(ceiling / 2 + random.uniform(0, ceiling / 2))
    return attempt + 1


def _until_processed(send: Callable[..., dict[str, Any]], operation: str, unprocessed: str, table: str,
                     request_items: Mapping[str, Any], result: Result) -> None:
    """Send one batch, then resend what comes back unprocessed (with backoff) until nothing is left."""
    pending, attempt = request_items, 0
    while pending:
        response = send(RequestItems=pending, ReturnConsumedCapacity=RETURN_CONSUMED_CAPACITY)
        result.requests += 1
        result.consumed_capacity += _units(response.get("ConsumedCapacity"))
        result.items += [item_from_dynamodb(item) for item in response.get("Responses", {}).get(table, [])]
        pending = response.get(unprocessed) or {}
        attempt = _retry(operation, pending, attempt)


def _batch_get(client: Client, table: str, keys: Sequence[WireItem], consistent_read: bool | None,
               projection: Sequence[str] | None) -> Result:
    """BatchGetItem in chunks of 100 keys, resending UnprocessedKeys with backoff."""
    result = Result()
    for start in range(0, len(keys), MAX_BATCH_GET_KEYS):
        chunk: dict[str, Any] = {"Keys": list(keys[start:start + MAX_BATCH_GET_KEYS])}
        if consistent_read is not None:
            chunk["ConsistentRead"] = consistent_read
        _add_projection(chunk, projection)
        _until_processed(client.batch_get_item, "BatchGetItem", "UnprocessedKeys", table, {table: chunk}, result)
    return result


def _batch_write(client: Client, table: str, requests: Sequence[dict[str, Any]]) -> Result:
    """BatchWriteItem in chunks of 25 requests, resending UnprocessedItems with backoff; Result.items holds the
    items put."""
    result = Result()
    for start in range(0, len(requests), MAX_BATCH_WRITE_REQUESTS):
        chunk = list(requests[start:start + MAX_BATCH_WRITE_REQUESTS])
        _until_processed(client.batch_write_item, "BatchWriteItem", "UnprocessedItems", table, {table: chunk}, result)
        result.items += [item_from_dynamodb(r["PutRequest"]["Item"]) for r in chunk if "PutRequest" in r]
    return result


def _transact_get(client: Client, gets: Sequence[dict[str, Any]]) -> Result:
    """TransactGetItems (at most 100 items); the items found, in request order."""
    if len(gets) > MAX_TRANSACTION_ITEMS:
        raise ValueError(f"{len(gets)} keys; a transaction reads at most {MAX_TRANSACTION_ITEMS}")
    if not gets:
        return Result()
    response = client.transact_get_items(TransactItems=[{"Get": get} for get in gets],
                                         ReturnConsumedCapacity=RETURN_CONSUMED_CAPACITY)
    found = [r["Item"] for r in response.get("Responses", []) if r.get("Item")]
    return Result(items=[item_from_dynamodb(item) for item in found],
                  consumed_capacity=_units(response.get("ConsumedCapacity")), requests=1)


def _transact_write(client: Client, actions: Sequence[dict[str, Any]], client_request_token: str | None) -> Result:
    """TransactWriteItems: all actions or none (a failed condition raises TransactionCanceledException)."""
    if len(actions) > MAX_TRANSACTION_ITEMS:
        raise ValueError(f"{len(actions)} actions; a transaction takes at most {MAX_TRANSACTION_ITEMS}")
    extra = {} if client_request_token is None else {"ClientRequestToken": client_request_token}
    response = client.transact_write_items(TransactItems=list(actions),
                                           ReturnConsumedCapacity=RETURN_CONSUMED_CAPACITY, **extra)
    written = [a["Put"]["Item"] for a in actions if "Put" in a]
    return Result(items=[item_from_dynamodb(item) for item in written],
                  consumed_capacity=_units(response.get("ConsumedCapacity")), requests=1)
'''

HELPER_NAMES = frozenset({
    "Any", "Binary", "Callable", "Client", "Decimal", "InvalidOperation", "Item", "Mapping", "NamedTuple",
    "Number", "Result", "Sequence", "TypeDeserializer", "TypeSerializer", "UnprocessedError", "WireItem",
    "annotations", "dataclass", "field", "from_dynamodb", "item_from_dynamodb", "item_to_dynamodb", "random",
    "time", "to_dynamodb", "BASE_DELAY_SECONDS", "MAX_ATTEMPTS", "MAX_BATCH_GET_KEYS", "MAX_BATCH_WRITE_REQUESTS",
    "MAX_DELAY_SECONDS", "MAX_TRANSACTION_ITEMS", "RETURN_CONSUMED_CAPACITY", "PATTERNS",
})
"""Module-level names of the fixed part (and imports): no generated function or class may take one."""
