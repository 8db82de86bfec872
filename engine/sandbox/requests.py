"""Request plumbing shared by the operations: required fields, enums, expressions, the call record."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.sandbox.errors import RESOURCE_NOT_FOUND, SERIALIZATION, SandboxError, validation
from engine.sandbox.evaluation import matches, project
from engine.sandbox.expressions import (
    Path,
    Placeholders,
    make_placeholders,
    parse_condition,
    parse_projection,
)
from engine.sandbox.storage import TableStore
from engine.sandbox.units import RETURN_CONSUMED_CAPACITY, Consumption
from engine.sandbox.values import canonical_value, copy_item

Request = dict[str, Any]
Item = dict[str, dict[str, Any]]

# Request members the sandbox does not implement: the legacy (pre-expression) parameters.
LEGACY_PARAMETERS = ("Expected", "AttributeUpdates", "KeyConditions", "QueryFilter", "ScanFilter",
                     "AttributesToGet", "ConditionalOperator")


# Request members by JSON type (DynamoDB API reference); a member of another type is a SerializationException.
_MEMBER_TYPES: dict[str, type | tuple[type, ...]] = {
    **dict.fromkeys(("TableName", "IndexName", "KeyConditionExpression", "FilterExpression", "ProjectionExpression",
                     "ConditionExpression", "UpdateExpression", "Select", "ReturnValues", "ReturnConsumedCapacity",
                     "ReturnItemCollectionMetrics", "ReturnValuesOnConditionCheckFailure", "BillingMode",
                     "ClientRequestToken", "ExclusiveStartTableName", "StreamArn", "ShardId", "ShardIteratorType",
                     "SequenceNumber", "ShardIterator", "ExclusiveStartShardId", "ExclusiveStartStreamArn"), str),
    **dict.fromkeys(("Item", "Key", "ExclusiveStartKey", "ExpressionAttributeNames", "ExpressionAttributeValues",
                     "RequestItems", "ProvisionedThroughput", "StreamSpecification", "TimeToLiveSpecification",
                     "ShardFilter"), dict),
    **dict.fromkeys(("Keys", "TransactItems", "KeySchema", "AttributeDefinitions", "GlobalSecondaryIndexes",
                     "LocalSecondaryIndexes"), list),
    **dict.fromkeys(("ConsistentRead", "ScanIndexForward"), bool),
    **dict.fromkeys(("Limit", "Segment", "TotalSegments"), int),
    "Timestamp": (int, float),  # GetShardIterator AT_TIMESTAMP: epoch seconds
}


def _check_members(request: dict[str, Any]) -> None:
    for name, value in request.items():
        expected = _MEMBER_TYPES.get(name)
        if expected is None or value is None:
            continue
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise SandboxError(SERIALIZATION, f"Unexpected JSON type for member {name}: got "
                               f"{type(value).__name__}, expected {getattr(expected, '__name__', expected)}")


def check_request_shape(request: dict[str, Any]) -> None:
    """Member types of a request and of its nested batch/transaction specs (SerializationException)."""
    _check_members(request)
    items = request.get("RequestItems")
    for spec in items.values() if isinstance(items, dict) else ():
        entries = [spec] if isinstance(spec, dict) else spec if isinstance(spec, list) else []
        for entry in entries:
            if isinstance(entry, dict):
                _check_members(entry)
                for member, inner in entry.items():
                    if spec is entry:
                        continue
                    if not isinstance(inner, dict):  # PutRequest / DeleteRequest hold an object
                        raise SandboxError(SERIALIZATION, f"Unexpected JSON type for member {member}: got "
                                                          f"{type(inner).__name__}, expected dict")
                    _check_members(inner)
    actions = request.get("TransactItems")
    for entry in actions if isinstance(actions, list) else ():
        for inner in entry.values() if isinstance(entry, dict) else ():
            if isinstance(inner, dict):
                _check_members(inner)


@dataclass
class Call:
    """What one API call did, for logs and for error objects: its consumption and its target."""

    operation: str
    consumptions: list[Consumption] = field(default_factory=list)
    table: str | None = None
    index: str | None = None
    key: Item | None = None
    items_returned: int | None = None

    def record(self, consumption: Consumption) -> Consumption:
        self.consumptions.append(consumption)
        return consumption


def require(request: Request, name: str) -> Any:
    """A required request member (ValidationException when absent, as DynamoDB's model says)."""
    value = request.get(name)
    if value is None:
        raise validation(f"1 validation error detected: Value null at '{name[0].lower()}{name[1:]}' "
                         "failed to satisfy constraint: Member must not be null")
    return value


def choice(request: Request, name: str, allowed: tuple[str, ...], default: str) -> str:
    """An enum request member, validated against DynamoDB's allowed values."""
    value = request.get(name, default)
    if value not in allowed:
        raise validation(f"1 validation error detected: Value '{value}' at '{name[0].lower()}{name[1:]}' "
                         f"failed to satisfy constraint: Member must satisfy enum value set: "
                         f"[{', '.join(allowed)}]")
    return value


def consumed_mode(request: Request) -> str:
    return choice(request, "ReturnConsumedCapacity", RETURN_CONSUMED_CAPACITY, "NONE")


def reject_legacy(request: Request) -> None:
    for name in LEGACY_PARAMETERS:
        if name in request:
            raise validation(f"The sandbox implements expressions only; replace the legacy parameter "
                             f"{name} with its expression equivalent")


def find_table(sandbox: Any, request: Request, call: Call | None = None, control_plane: bool = False) -> TableStore:
    """The request's table. A missing one is ResourceNotFoundException with DynamoDB's wording: exactly
    "Requested resource not found" for data operations; DescribeTable and DeleteTable name the table."""
    name = require(request, "TableName")
    if call is not None and call.table is None:
        call.table = name
    table = sandbox.tables.get(name)
    if table is None:
        suffix = f": Table: {name} not found" if control_plane else ""
        raise SandboxError(RESOURCE_NOT_FOUND, "Requested resource not found" + suffix)
    return table


def placeholders(request: Request) -> Placeholders:
    """The request's placeholders with their values validated into canonical form."""
    ph = make_placeholders(request)
    if ph.values:
        ph.values = {k: canonical_value(v) for k, v in ph.values.items()}
    return ph


def condition(request: Request, ph: Placeholders, member: str = "ConditionExpression") -> Any:
    text = request.get(member)
    return None if text is None else parse_condition(text, ph, member)


def projection(request: Request, ph: Placeholders) -> tuple[Path, ...] | None:
    text = request.get("ProjectionExpression")
    return None if text is None else parse_projection(text, ph)


def shaped(item: Item, paths: tuple[Path, ...] | None) -> Item:
    """A copy of the item for the caller, projected when a ProjectionExpression was given."""
    return copy_item(item) if paths is None else project(item, paths)


def condition_failed(consumption: Consumption, old: Item | None, request: Request) -> SandboxError:
    """ConditionalCheckFailedException carrying what the failed write consumed."""
    on_failure = choice(request, "ReturnValuesOnConditionCheckFailure", ("NONE", "ALL_OLD"), "NONE")
    return SandboxError(
        "ConditionalCheckFailedException", "The conditional request failed",
        consumed_capacity=consumption.to_wire("INDEXES"),
        item=copy_item(old) if on_failure == "ALL_OLD" and old is not None else None,
    )


def check_condition(cond: Any, item: Item | None) -> bool:
    return cond is None or matches(cond, item)
