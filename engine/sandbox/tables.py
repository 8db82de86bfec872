"""Table operations: CreateTable, DescribeTable, UpdateTable, DeleteTable, ListTables (tables are ACTIVE at once).

Limits (DG/ServiceQuotas.html, engine/model/limits.py): table names 3-255 characters of
[a-zA-Z0-9_.-]; at most 20 GSIs and 5 LSIs; LSIs need a table sort key and share its partition
key. Sizes in DescribeTable are storage sizes: capacity size + 100 bytes per item (DOMAIN.md §1).

Streams (API_CreateTable.html, API_UpdateTable.html, API_StreamSpecification.html): StreamSpecification on
CreateTable or UpdateTable enables a stream (StreamViewType required) or disables it; enabling a table that has
an enabled stream, or disabling one that has none, is a ValidationException. DescribeTable then shows
StreamSpecification, LatestStreamArn and LatestStreamLabel (engine.sandbox.streams). The sandbox's UpdateTable
changes StreamSpecification only.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from engine.itemsize import STORAGE_OVERHEAD_BYTES
from engine.model.limits import (
    MAX_GSIS_PER_TABLE,
    MAX_LSIS_PER_TABLE,
    MAX_TABLE_NAME_LENGTH,
    MIN_TABLE_NAME_LENGTH,
)
from engine.sandbox import streams
from engine.sandbox.errors import RESOURCE_IN_USE, SandboxError, validation
from engine.sandbox.requests import Call, Request, choice, find_table, require
from engine.sandbox.storage import IndexStore, KeySchema, TableStore

ACCOUNT_ID = "000000000000"  # the sandbox's fake account, as local emulators use
REGION = "us-east-1"
_TABLE_NAME = re.compile(r"^[a-zA-Z0-9_.-]+$")
MAX_LIST_TABLES = 100  # DynamoDB API: ListTables returns at most 100 names per page


def _check_name(name: Any, what: str) -> str:
    if not isinstance(name, str) or not (MIN_TABLE_NAME_LENGTH <= len(name) <= MAX_TABLE_NAME_LENGTH) \
            or not _TABLE_NAME.match(name):
        raise validation(f"1 validation error detected: Value '{name}' at '{what}' failed to satisfy "
                         f"constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+ "
                         f"and have length between {MIN_TABLE_NAME_LENGTH} and {MAX_TABLE_NAME_LENGTH}")
    return name


def _key_schema(elements: Any, types: dict[str, str], owner: str) -> KeySchema:
    if not isinstance(elements, list) or not 1 <= len(elements) <= 2:
        raise validation(f"{owner}: KeySchema must have one HASH and at most one RANGE element")
    roles = {e.get("KeyType"): e.get("AttributeName") for e in elements if isinstance(e, dict)}
    if "HASH" not in roles or len(roles) != len(elements) or set(roles) - {"HASH", "RANGE"}:
        raise validation(f"{owner}: Invalid KeySchema: Some index key schema element is not valid; "
                         "need exactly one HASH and at most one RANGE")
    for role, name in roles.items():
        if name not in types:
            raise validation(f"One or more parameter values were invalid: Some index key attributes are "
                             f"not defined in AttributeDefinitions. Keys: [{name}], {owner} ({role})")
    hash_name, range_name = roles["HASH"], roles.get("RANGE")
    return KeySchema(hash_name, types[hash_name], range_name, types[range_name] if range_name else None)


def _attribute_types(request: Request) -> dict[str, str]:
    definitions = require(request, "AttributeDefinitions")
    types: dict[str, str] = {}
    for d in definitions if isinstance(definitions, list) else []:
        kind = d.get("AttributeType") if isinstance(d, dict) else None
        if kind not in ("S", "N", "B"):
            raise validation(f"Member must satisfy enum value set: [B, N, S] (AttributeDefinitions: {d})")
        types[d["AttributeName"]] = kind
    return types


def _throughput(spec: Any, billing_mode: str, owner: str) -> dict[str, int] | None:
    if billing_mode == "PAY_PER_REQUEST":
        if spec:
            raise validation(f"One or more parameter values were invalid: Neither ReadCapacityUnits nor "
                             f"WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST ({owner})")
        return None
    if not isinstance(spec, dict):
        raise validation(f"One or more parameter values were invalid: ProvisionedThroughput must be "
                         f"specified when BillingMode is PROVISIONED ({owner})")
    read, write = spec.get("ReadCapacityUnits"), spec.get("WriteCapacityUnits")
    if not all(isinstance(v, int) and v >= 1 for v in (read, write)):
        raise validation(f"ProvisionedThroughput of {owner} needs integer ReadCapacityUnits and "
                         "WriteCapacityUnits of at least 1")
    return {"ReadCapacityUnits": read, "WriteCapacityUnits": write}


def _projection(spec: Any, owner: str) -> tuple[str, tuple[str, ...]]:
    spec = spec if isinstance(spec, dict) else {}
    kind = spec.get("ProjectionType", "ALL")
    if kind not in ("ALL", "KEYS_ONLY", "INCLUDE"):
        raise validation(f"{owner}: ProjectionType must be ALL, KEYS_ONLY or INCLUDE, got {kind}")
    included = tuple(spec.get("NonKeyAttributes") or ())
    if (kind == "INCLUDE") != bool(included):
        raise validation(f"One or more parameter values were invalid: NonKeyAttributes must be given "
                         f"exactly when ProjectionType is INCLUDE ({owner})")
    return kind, included


def create_table(sandbox: Any, request: Request, call: Call) -> dict[str, Any]:
    name = _check_name(require(request, "TableName"), "tableName")
    call.table = name
    if name in sandbox.tables:
        raise SandboxError(RESOURCE_IN_USE, f"Table already exists: {name}")
    types = _attribute_types(request)
    schema = _key_schema(require(request, "KeySchema"), types, f"table {name}")
    billing = choice(request, "BillingMode", ("PROVISIONED", "PAY_PER_REQUEST"), "PROVISIONED")
    table = TableStore(name, schema, list(request["AttributeDefinitions"]), billing,
                       _throughput(request.get("ProvisionedThroughput"), billing, f"table {name}"),
                       sandbox.clock(), collection_limit_bytes=sandbox.item_collection_limit_bytes)
    used = set(schema.names)
    for spec in request.get("GlobalSecondaryIndexes") or []:
        index = _index(spec, types, table, local=False)
        table.gsis[index.name] = index
        throughput = _throughput(spec.get("ProvisionedThroughput"), billing, f"index {index.name}")
        if throughput:
            table.index_throughput[index.name] = throughput
        used |= set(index.schema.names)
    for spec in request.get("LocalSecondaryIndexes") or []:
        index = _index(spec, types, table, local=True)
        table.lsis[index.name] = index
        used |= set(index.schema.names)
    _check_index_counts(table, used, types)
    spec = _stream_specification(request)
    sandbox.tables[name] = table
    if spec is not None and spec[0]:
        streams.enable(sandbox, table, spec[1])
    return {"TableDescription": describe(table)}


def _stream_specification(request: Request) -> tuple[bool, str] | None:
    """(enabled, view type) of the request's StreamSpecification, or None without one (API_StreamSpecification)."""
    spec = request.get("StreamSpecification")
    if spec is None:
        return None
    enabled = spec.get("StreamEnabled")
    if not isinstance(enabled, bool):
        raise validation("1 validation error detected: Value null at 'streamSpecification.streamEnabled' failed "
                         "to satisfy constraint: Member must not be null")
    view_type = spec.get("StreamViewType")
    if enabled and view_type is None:
        raise validation("One or more parameter values were invalid: StreamViewType is required when "
                         "StreamEnabled is true")
    if view_type is not None:  # checked against the enum, also when disabling (where it is ignored)
        view_type = choice(spec, "StreamViewType", streams.VIEW_TYPES, "")
    return enabled, view_type or ""


def update_table(sandbox: Any, request: Request, call: Call) -> dict[str, Any]:
    """UpdateTable with a StreamSpecification: enable a new stream or disable the current one."""
    table = find_table(sandbox, request, call, control_plane=True)
    others = sorted(k for k in request if k not in ("TableName", "StreamSpecification"))
    if others:
        raise validation(f"The sandbox's UpdateTable changes StreamSpecification only, not {', '.join(others)}")
    spec = _stream_specification(request)
    if spec is None:
        raise validation("At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
                         "GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required")
    enabled, view_type = spec
    current = table.stream if table.stream is not None and table.stream.enabled else None
    if enabled and current is not None:  # API_UpdateTable.html, StreamSpecification
        raise validation(f"Table already has an enabled stream: {current.arn}")
    if not enabled and current is None:
        raise validation(f"Table {table.name} has no enabled stream to disable")
    if enabled:
        streams.enable(sandbox, table, view_type)
    else:
        streams.disable(sandbox, table)
    return {"TableDescription": describe(table)}


def _index(spec: Any, types: dict[str, str], table: TableStore, local: bool) -> IndexStore:
    if not isinstance(spec, dict):
        raise validation("Each secondary index must be an object")
    name = _check_name(spec.get("IndexName"), "indexName")
    if table.index(name) is not None:
        raise validation(f"One or more parameter values were invalid: Duplicate index name: {name}")
    schema = _key_schema(spec.get("KeySchema"), types, f"index {name}")
    if local:
        if table.schema.range_name is None:
            raise validation("One or more parameter values were invalid: Table KeySchema does not have "
                             "a range key, which is required when specifying a LocalSecondaryIndex")
        if schema.hash_name != table.schema.hash_name or schema.range_name is None:
            raise validation(f"One or more parameter values were invalid: Index KeySchema of local index "
                             f"{name} must use the table's hash key {table.schema.hash_name} and a range key")
    kind, included = _projection(spec.get("Projection"), f"index {name}")
    return IndexStore(name, local, schema, table.schema, kind, included)


def _check_index_counts(table: TableStore, used: set[str], types: dict[str, str]) -> None:
    if len(table.gsis) > MAX_GSIS_PER_TABLE or len(table.lsis) > MAX_LSIS_PER_TABLE:
        raise validation(f"One or more parameter values were invalid: at most {MAX_GSIS_PER_TABLE} global "
                         f"and {MAX_LSIS_PER_TABLE} local secondary indexes per table")
    unused = set(types) - used
    if unused:
        raise validation("One or more parameter values were invalid: Number of attributes in KeySchema "
                         "does not exactly match number of attributes defined in AttributeDefinitions "
                         f"(unused: {', '.join(sorted(unused))})")


def table_arn(name: str) -> str:
    """A table's ARN in the sandbox's fake account and region."""
    return f"arn:aws:dynamodb:{REGION}:{ACCOUNT_ID}:table/{name}"


def _index_description(table: TableStore, index: IndexStore) -> dict[str, Any]:
    projection: dict[str, Any] = {"ProjectionType": index.projection_type}
    if index.included:
        projection["NonKeyAttributes"] = list(index.included)
    out: dict[str, Any] = {
        "IndexName": index.name,
        "KeySchema": index.schema.to_wire(),
        "Projection": projection,
        "IndexSizeBytes": index.size_bytes + STORAGE_OVERHEAD_BYTES * index.item_count,
        "ItemCount": index.item_count,
        "IndexArn": f"{table_arn(table.name)}/index/{index.name}",
    }
    if not index.local:
        out["IndexStatus"] = "ACTIVE"
        throughput = table.index_throughput.get(index.name, {"ReadCapacityUnits": 0, "WriteCapacityUnits": 0})
        out["ProvisionedThroughput"] = {**throughput, "NumberOfDecreasesToday": 0}
        out["WarmThroughput"] = _warm_throughput(table.index_throughput.get(index.name))
    return out


def _warm_throughput(provisioned: dict[str, int] | None) -> dict[str, Any]:
    """WarmThroughput as DescribeTable reports it: what the table or GSI absorbs at once, 12,000 reads and 4,000
    writes per second for a new one (DOMAIN.md §4, DG/warm-throughput.html), or its provisioned capacity when
    higher."""
    provisioned = provisioned or {}
    return {"ReadUnitsPerSecond": max(WARM_READ_UNITS_PER_SECOND, int(provisioned.get("ReadCapacityUnits", 0))),
            "WriteUnitsPerSecond": max(WARM_WRITE_UNITS_PER_SECOND, int(provisioned.get("WriteCapacityUnits", 0))),
            "Status": "ACTIVE"}


# A table's id is a UUID, stable for the table's life in this sandbox (name and creation time).
TABLE_ID_NAMESPACE = uuid.UUID("6f1c9a52-4c3e-4b8e-9d2a-7a1e5b0c3d21")
WARM_READ_UNITS_PER_SECOND = 12000
WARM_WRITE_UNITS_PER_SECOND = 4000


def describe(table: TableStore, status: str = "ACTIVE") -> dict[str, Any]:
    """The TableDescription DynamoDB returns (sizes are storage sizes, +100 B per item)."""
    out: dict[str, Any] = {
        "TableName": table.name,
        "TableStatus": status,
        "KeySchema": table.schema.to_wire(),
        "AttributeDefinitions": table.attribute_definitions,
        "CreationDateTime": table.created_epoch_seconds,
        "ItemCount": table.item_count,
        "TableSizeBytes": table.size_bytes + STORAGE_OVERHEAD_BYTES * table.item_count,
        "TableArn": table_arn(table.name),
        "TableId": str(uuid.uuid5(TABLE_ID_NAMESPACE, f"{table.name}:{table.created_epoch_seconds}")),
        "BillingModeSummary": {"BillingMode": table.billing_mode},
        "ProvisionedThroughput": {**(table.provisioned or {"ReadCapacityUnits": 0, "WriteCapacityUnits": 0}),
                                  "NumberOfDecreasesToday": 0},
        "DeletionProtectionEnabled": False,
        "WarmThroughput": _warm_throughput(table.provisioned),
    }
    if table.gsis:
        out["GlobalSecondaryIndexes"] = [_index_description(table, i) for i in table.gsis.values()]
    if table.lsis:
        out["LocalSecondaryIndexes"] = [_index_description(table, i) for i in table.lsis.values()]
    if table.stream is not None:  # the latest stream stays named after it is disabled
        if table.stream.enabled:
            out["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": table.stream.view_type}
        out["LatestStreamLabel"] = table.stream.label
        out["LatestStreamArn"] = table.stream.arn
    return out


def describe_table(sandbox: Any, request: Request, call: Call) -> dict[str, Any]:
    return {"Table": describe(find_table(sandbox, request, call, control_plane=True))}


def delete_table(sandbox: Any, request: Request, call: Call) -> dict[str, Any]:
    table = find_table(sandbox, request, call, control_plane=True)
    del sandbox.tables[table.name]
    streams.forget_table(sandbox, table)
    return {"TableDescription": describe(table, status="DELETING")}


def list_tables(sandbox: Any, request: Request, call: Call) -> dict[str, Any]:
    limit = request.get("Limit", MAX_LIST_TABLES)
    if not isinstance(limit, int) or not 1 <= limit <= MAX_LIST_TABLES:
        raise validation(f"ListTables Limit must be between 1 and {MAX_LIST_TABLES}")
    start = request.get("ExclusiveStartTableName")
    names = sorted(n for n in sandbox.tables if start is None or n > start)
    response: dict[str, Any] = {"TableNames": names[:limit]}
    if len(names) > limit:
        response["LastEvaluatedTableName"] = names[limit - 1]
    return response
