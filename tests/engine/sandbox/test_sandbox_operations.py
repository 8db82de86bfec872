"""Sandbox operations: DynamoDB's ordering, paging, indexes, projections, return values, limits and
errors through `Sandbox.call` (DynamoDB API reference; DOMAIN.md §1-2; DG/LSI.html item collections)."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.io import load_model_or_sample
from engine.model import parse_model
from engine.samples import generate_items
from engine.sandbox import Sandbox, SandboxError

HASH_RANGE = [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]


def _table(sandbox: Sandbox, name: str = "items", sort_type: str = "S", **extra) -> None:
    definitions = [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": sort_type}]
    for index in (*extra.get("GlobalSecondaryIndexes", []), *extra.get("LocalSecondaryIndexes", [])):
        for element in index["KeySchema"]:
            if element["AttributeName"] not in ("pk", "sk"):
                definitions.append({"AttributeName": element["AttributeName"], "AttributeType": "S"})
    sandbox.call("CreateTable", {"TableName": name, "KeySchema": HASH_RANGE, "AttributeDefinitions": definitions,
                                 "BillingMode": "PAY_PER_REQUEST", **extra})


def _put(sandbox: Sandbox, sk, table: str = "items", **attrs) -> None:
    item = {"pk": {"S": "p"}, "sk": sk, **{k: v if isinstance(v, dict) else {"S": v} for k, v in attrs.items()}}
    sandbox.call("PutItem", {"TableName": table, "Item": item})


def _query_all(sandbox: Sandbox, **request) -> list[dict]:
    items, start = [], None
    while True:
        extra = {"ExclusiveStartKey": start} if start else {}
        page = sandbox.call("Query", {"TableName": "items", "KeyConditionExpression": "pk = :p",
                                      "ExpressionAttributeValues": {":p": {"S": "p"}}, **request, **extra})
        items += page["Items"]
        start = page.get("LastEvaluatedKey")
        if not start:
            return items


# ------------------------------------------------------------------------------ ordering
@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=6), min_size=1, max_size=25, unique=True))
def test_string_sort_keys_are_ordered_by_utf8_bytes(keys: list[str]) -> None:
    """DG/HowItWorks.CoreComponents.html: S sort keys order by UTF-8 bytes (not UTF-16 units)."""
    sandbox = Sandbox()
    _table(sandbox)
    for k in keys:
        _put(sandbox, {"S": k})
    got = [i["sk"]["S"] for i in _query_all(sandbox)]
    assert got == sorted(keys, key=lambda s: s.encode("utf-8"))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.decimals(min_value=-10**6, max_value=10**6, places=3, allow_nan=False), min_size=1,
                max_size=25, unique=True), st.integers(min_value=1, max_value=7))
def test_number_sort_keys_are_numeric_and_pages_cover_everything(numbers, limit) -> None:
    """N sort keys order numerically; Limit pages with ExclusiveStartKey return each item once, in order."""
    sandbox = Sandbox()
    _table(sandbox, sort_type="N")
    for n in numbers:
        _put(sandbox, {"N": str(n)})
    forward = [float(i["sk"]["N"]) for i in _query_all(sandbox, Limit=limit)]
    backward = [float(i["sk"]["N"]) for i in _query_all(sandbox, Limit=limit, ScanIndexForward=False)]
    assert forward == sorted(float(n) for n in set(numbers))
    assert backward == forward[::-1]


def test_binary_keys_order_bytewise_and_accept_bytes() -> None:
    sandbox = Sandbox()
    _table(sandbox, sort_type="B")
    for raw in (b"\xff", b"\x00\x01", b"\x7f", b"\x00"):
        _put(sandbox, {"B": raw})  # bytes accepted on input, returned as base64 (the wire form)
    got = [base64.b64decode(i["sk"]["B"]) for i in _query_all(sandbox)]
    assert got == [b"\x00", b"\x00\x01", b"\x7f", b"\xff"]
    for key in ({"B": b"\x7f"}, {"B": base64.b64encode(b"\x7f").decode()}):  # either form finds the item
        assert sandbox.call("GetItem", {"TableName": "items", "Key": {"pk": {"S": "p"}, "sk": key}})["Item"]


@pytest.mark.parametrize(("condition", "values", "expected"), [
    ("sk BETWEEN :a AND :b", {":a": {"S": "b"}, ":b": {"S": "d"}}, ["b", "ba", "c", "d"]),
    ("begins_with(sk, :a)", {":a": {"S": "b"}}, ["b", "ba"]),
    ("sk < :a", {":a": {"S": "b"}}, ["a"]),
    ("sk >= :a", {":a": {"S": "d"}}, ["d", "e"]),
    (":a < sk", {":a": {"S": "d"}}, ["e"]),
])
def test_sort_key_conditions(condition: str, values: dict, expected: list[str]) -> None:
    sandbox = Sandbox()
    _table(sandbox)
    for k in ("a", "b", "ba", "c", "d", "e"):
        _put(sandbox, {"S": k})
    items = sandbox.call("Query", {"TableName": "items", "KeyConditionExpression": f"pk = :p AND {condition}",
                                   "ExpressionAttributeValues": {":p": {"S": "p"}, **values}})["Items"]
    assert [i["sk"]["S"] for i in items] == expected


# ------------------------------------------------------------------------------- indexes
def _indexed(sandbox: Sandbox) -> None:
    _table(sandbox, GlobalSecondaryIndexes=[
        {"IndexName": "byStatus", "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"},
                                                {"AttributeName": "created", "KeyType": "RANGE"}],
         "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["title"]}}],
        LocalSecondaryIndexes=[
        {"IndexName": "byDue", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                                             {"AttributeName": "due", "KeyType": "RANGE"}],
         "Projection": {"ProjectionType": "KEYS_ONLY"}}])


def test_sparse_gsi_with_projection_and_key_moves() -> None:
    sandbox = Sandbox()
    _indexed(sandbox)
    _put(sandbox, {"S": "1"}, status="open", created="2024", title="t1", body="long")
    _put(sandbox, {"S": "2"}, title="no status: not in the GSI")
    _put(sandbox, {"S": "3"}, status="open", created="2023", title="t3")

    def open_items():
        return sandbox.call("Query", {"TableName": "items", "IndexName": "byStatus",
                                      "KeyConditionExpression": "#s = :o", "ExpressionAttributeNames": {"#s": "status"},
                                      "ExpressionAttributeValues": {":o": {"S": "open"}}})["Items"]

    items = open_items()
    assert [i["sk"]["S"] for i in items] == ["3", "1"]  # index sort key order
    assert set(items[0]) == {"pk", "sk", "status", "created", "title"}  # INCLUDE projection, no body
    sandbox.call("UpdateItem", {"TableName": "items", "Key": {"pk": {"S": "p"}, "sk": {"S": "3"}},
                                "UpdateExpression": "SET #s = :c", "ExpressionAttributeNames": {"#s": "status"},
                                "ExpressionAttributeValues": {":c": {"S": "closed"}}})
    assert [i["sk"]["S"] for i in open_items()] == ["1"]
    gsi = sandbox.call("DescribeTable", {"TableName": "items"})["Table"]["GlobalSecondaryIndexes"][0]
    assert gsi["ItemCount"] == 2 and gsi["IndexStatus"] == "ACTIVE"


def test_gsi_rejects_all_attributes_and_lsi_fetches_them() -> None:
    sandbox = Sandbox()
    _indexed(sandbox)
    _put(sandbox, {"S": "1"}, status="open", created="1", due="d1", body="b")
    with pytest.raises(SandboxError, match="ALL_ATTRIBUTES is not supported for global secondary index byStatus"):
        sandbox.call("Query", {"TableName": "items", "IndexName": "byStatus", "Select": "ALL_ATTRIBUTES",
                               "KeyConditionExpression": "#s = :o", "ExpressionAttributeNames": {"#s": "status"},
                               "ExpressionAttributeValues": {":o": {"S": "open"}}})
    items = sandbox.call("Query", {"TableName": "items", "IndexName": "byDue", "Select": "ALL_ATTRIBUTES",
                                   "KeyConditionExpression": "pk = :p",
                                   "ExpressionAttributeValues": {":p": {"S": "p"}}})["Items"]
    assert items[0]["body"] == {"S": "b"}  # fetched from the table


def test_filter_on_query_key_is_rejected_and_projection_is_nested() -> None:
    sandbox = Sandbox()
    _table(sandbox)
    _put(sandbox, {"S": "1"}, doc={"M": {"a": {"S": "x"}, "b": {"L": [{"N": "1"}, {"N": "2"}]}}})
    with pytest.raises(SandboxError, match="Filter Expression can only contain non-primary key attributes"):
        sandbox.call("Query", {"TableName": "items", "KeyConditionExpression": "pk = :p",
                               "FilterExpression": "sk = :p", "ExpressionAttributeValues": {":p": {"S": "p"}}})
    item = sandbox.call("GetItem", {"TableName": "items", "Key": {"pk": {"S": "p"}, "sk": {"S": "1"}},
                                    "ProjectionExpression": "doc.b[1], sk"})["Item"]
    assert item == {"sk": {"S": "1"}, "doc": {"M": {"b": {"L": [{"N": "2"}]}}}}


# ---------------------------------------------------------------------------- writes
def test_return_values_and_number_normalisation() -> None:
    sandbox = Sandbox()
    _table(sandbox)
    _put(sandbox, {"S": "1"}, n={"N": "01.50"}, s="x")
    key = {"pk": {"S": "p"}, "sk": {"S": "1"}}
    response = sandbox.call("UpdateItem", {"TableName": "items", "Key": key, "UpdateExpression": "SET n = n + :a",
                                           "ExpressionAttributeValues": {":a": {"N": "1E1"}},
                                           "ReturnValues": "UPDATED_OLD"})
    assert response["Attributes"] == {"n": {"N": "1.5"}}  # DynamoDB returns normalised numbers
    old = sandbox.call("DeleteItem", {"TableName": "items", "Key": key, "ReturnValues": "ALL_OLD"})["Attributes"]
    assert old["n"] == {"N": "11.5"} and old["s"] == {"S": "x"}
    upsert = sandbox.call("UpdateItem", {"TableName": "items", "Key": key, "UpdateExpression": "ADD c :one",
                                         "ExpressionAttributeValues": {":one": {"N": "1"}}, "ReturnValues": "ALL_NEW"})
    assert upsert["Attributes"] == {**key, "c": {"N": "1"}}
    sandbox.call("UpdateItem", {"TableName": "items", "Key": key, "UpdateExpression": "SET doc = :d",
                                "ExpressionAttributeValues": {":d": {"M": {"a": {"N": "1"}, "b": {"S": "keep"}}}}})
    nested = sandbox.call("UpdateItem", {"TableName": "items", "Key": key, "UpdateExpression": "SET doc.a = doc.a + :a",
                                         "ExpressionAttributeValues": {":a": {"N": "1"}}, "ReturnValues": "UPDATED_NEW"})
    assert nested["Attributes"] == {"doc": {"M": {"a": {"N": "2"}}}}  # only the updated path, not doc.b


def test_condition_failure_returns_old_item_on_request() -> None:
    sandbox = Sandbox()
    _table(sandbox)
    _put(sandbox, {"S": "1"}, v="old")
    with pytest.raises(SandboxError) as caught:
        sandbox.call("PutItem", {"TableName": "items", "Item": {"pk": {"S": "p"}, "sk": {"S": "1"}},
                                 "ConditionExpression": "attribute_not_exists(pk)",
                                 "ReturnValuesOnConditionCheckFailure": "ALL_OLD"})
    assert caught.value.code == "ConditionalCheckFailedException"
    assert caught.value.item["v"] == {"S": "old"}
    assert sandbox.call("GetItem", {"TableName": "items", "Key": {"pk": {"S": "p"}, "sk": {"S": "1"}}})["Item"]["v"] == {"S": "old"}


def test_cancelled_transaction_changes_nothing_and_names_reasons() -> None:
    sandbox = Sandbox()
    _table(sandbox)
    _put(sandbox, {"S": "1"})
    with pytest.raises(SandboxError) as caught:
        sandbox.call("TransactWriteItems", {"TransactItems": [
            {"Put": {"TableName": "items", "Item": {"pk": {"S": "p"}, "sk": {"S": "2"}}}},
            {"Delete": {"TableName": "items", "Key": {"pk": {"S": "p"}, "sk": {"S": "1"}},
                        "ConditionExpression": "attribute_not_exists(pk)"}}]})
    assert caught.value.code == "TransactionCanceledException"
    assert caught.value.cancellation_reasons == [
        {"Code": "None"}, {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"}]
    assert sandbox.call("DescribeTable", {"TableName": "items"})["Table"]["ItemCount"] == 1


def test_item_collection_limit_with_lsi() -> None:
    """DG/LSI.html: an item collection of a table with an LSI holds at most 10 GB (scaled down here)."""
    sandbox = Sandbox(item_collection_limit_bytes=3000)
    _indexed(sandbox)
    _put(sandbox, {"S": "1"}, due="a", pad="x" * 1000)
    response = sandbox.call("PutItem", {"TableName": "items", "ReturnItemCollectionMetrics": "SIZE",
                                        "Item": {"pk": {"S": "p"}, "sk": {"S": "2"}, "due": {"S": "b"}}})
    assert response["ItemCollectionMetrics"]["ItemCollectionKey"] == {"pk": {"S": "p"}}
    batch = sandbox.call("BatchWriteItem", {"ReturnItemCollectionMetrics": "SIZE", "RequestItems": {"items": [
        {"DeleteRequest": {"Key": {"pk": {"S": "p"}, "sk": {"S": "2"}}}}]}})
    assert batch["ItemCollectionMetrics"]["items"][0]["ItemCollectionKey"] == {"pk": {"S": "p"}}
    with pytest.raises(SandboxError) as caught:
        _put(sandbox, {"S": "3"}, due="c", pad="x" * 2000)
    assert caught.value.code == "ItemCollectionSizeLimitExceededException"
    with pytest.raises(SandboxError, match="Collection size exceeded"):
        _put(sandbox, {"S": "3"}, pad="x" * 2000)  # no LSI entry, but table items count too
    sandbox.call("PutItem", {"TableName": "items", "Item": {"pk": {"S": "q"}, "sk": {"S": "3"}, "pad": {"S": "x" * 2000}}})
    assert sandbox.call("DescribeTable", {"TableName": "items"})["Table"]["ItemCount"] == 2  # p/1 and q/3


@pytest.mark.parametrize(("operation", "request_", "fragment"), [
    ("GetItem", {"TableName": "nope", "Key": {}}, "Requested resource not found"),
    ("GetItem", {"TableName": "items", "Key": {"pk": {"S": "p"}}}, "key element does not match the schema"),
    ("PutItem", {"TableName": "items", "Item": {"pk": {"S": "p"}, "sk": {"N": "1"}}}, "Type mismatch for key sk"),
    ("PutItem", {"TableName": "items", "Item": {"pk": {"S": ""}, "sk": {"S": "1"}}}, "cannot contain an empty string"),
    ("PutItem", {"TableName": "items", "Item": {"pk": {"S": "p"}, "sk": {"S": "1"}, "big": {"S": "x" * 409_600}}},
     "Item size has exceeded the maximum allowed size"),
    ("PutItem", {"TableName": "items", "Item": {"pk": {"S": "p"}, "sk": {"S": "1"}, "s": {"SS": []}}}, "may not be empty"),
    ("PutItem", {"TableName": "items", "Item": {"pk": {"S": "p"}, "sk": {"S": "1"}, "n": {"N": "1" * 39}}},
     "numeric value"),
    ("PutItem", {"TableName": "items", "Item": {"pk": {"S": "p"}, "sk": {"S": "1"}, "status": {"N": "1"}}},
     "Type mismatch for Index Key status"),
    ("Query", {"TableName": "items", "IndexName": "byStatus", "ConsistentRead": True,
               "KeyConditionExpression": "#s = :o", "ExpressionAttributeNames": {"#s": "status"},
               "ExpressionAttributeValues": {":o": {"S": "x"}}}, "Consistent reads are not supported on global"),
    ("Query", {"TableName": "items", "IndexName": "nope", "KeyConditionExpression": "pk = :p",
               "ExpressionAttributeValues": {":p": {"S": "x"}}}, "does not have the specified index: nope"),
    ("BatchWriteItem", {"RequestItems": {"items": [
        {"PutRequest": {"Item": {"pk": {"S": "p"}, "sk": {"S": str(i)}}}} for i in range(26)]}},
     "less than or equal to 25"),
    ("BatchWriteItem", {"RequestItems": {"items": [
        {"PutRequest": {"Item": {"pk": {"S": "p"}, "sk": {"S": "1"}}}},
        {"DeleteRequest": {"Key": {"pk": {"S": "p"}, "sk": {"S": "1"}}}}]}}, "contains duplicates"),
    ("BatchGetItem", {"RequestItems": {"items": {"Keys": [
        {"pk": {"S": "p"}, "sk": {"S": str(i)}} for i in range(101)]}}}, "Too many items requested"),
    ("TransactWriteItems", {"TransactItems": [
        {"Put": {"TableName": "items", "Item": {"pk": {"S": "p"}, "sk": {"S": "1"}}}},
        {"Delete": {"TableName": "items", "Key": {"pk": {"S": "p"}, "sk": {"S": "1"}}}}]},
     "multiple operations on one item"),
    ("PutItem", {"TableName": "items", "Item": {"pk": {"S": "p"}, "sk": {"S": "1"}}, "Expected": {}},
     "legacy parameter Expected"),
    ("Scan", {"TableName": "items", "Segment": 3, "TotalSegments": 2}, "Segment"),
    ("Query", {"TableName": "items", "KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "a"}},
               "ExclusiveStartKey": {"pk": {"S": "b"}, "sk": {"S": "1"}}}, "outside query boundaries"),
    ("CreateTable", {"TableName": "items", "KeySchema": HASH_RANGE, "BillingMode": "PAY_PER_REQUEST",
                     "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                              {"AttributeName": "sk", "AttributeType": "S"}]},
     "Table already exists: items"),
    ("Frobnicate", {}, "Unknown operation"),
])
def test_errors_name_the_problem(operation: str, request_: dict, fragment: str) -> None:
    sandbox = Sandbox()
    _indexed(sandbox)
    with pytest.raises(SandboxError) as caught:
        sandbox.call(operation, request_)
    assert fragment in caught.value.message
    assert caught.value.http_status == 400


def test_create_table_validation() -> None:
    sandbox = Sandbox()
    with pytest.raises(SandboxError, match="does not have a range key"):
        sandbox.call("CreateTable", {
            "TableName": "lsi_no_range", "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                     {"AttributeName": "x", "AttributeType": "S"}],
            "LocalSecondaryIndexes": [{"IndexName": "lsi1", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                                                                       {"AttributeName": "x", "KeyType": "RANGE"}],
                                       "Projection": {"ProjectionType": "ALL"}}]})
    with pytest.raises(SandboxError, match="ProvisionedThroughput must be specified"):
        sandbox.call("CreateTable", {"TableName": "prov", "KeySchema": HASH_RANGE[:1],
                                     "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}]})
    sandbox.call("CreateTable", {"TableName": "prov", "KeySchema": HASH_RANGE[:1],
                                 "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                                 "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 2}})
    table = sandbox.call("DescribeTable", {"TableName": "prov"})["Table"]
    assert table["TableStatus"] == "ACTIVE" and table["ProvisionedThroughput"]["ReadCapacityUnits"] == 5
    assert sandbox.call("ListTables", {})["TableNames"] == ["prov"]
    assert sandbox.call("DeleteTable", {"TableName": "prov"})["TableDescription"]["TableStatus"] == "DELETING"
    assert sandbox.call("ListTables", {})["TableNames"] == []


# ------------------------------------------------------------------------------- designs
def test_from_model_creates_tables_indexes_and_loads_samples() -> None:
    model = parse_model({
        "name": "shop",
        "tables": [{"name": "orders", "partition_key": {"name": "PK"}, "sort_key": {"name": "SK"},
                    "billing": {"mode": "provisioned", "read_capacity_units": 5, "write_capacity_units": 5},
                    "gsis": [{"name": "GSI1", "partition_key": {"name": "GSI1PK"},
                              "projection": {"type": "KEYS_ONLY"},
                              "provisioned": {"read_capacity_units": 2, "write_capacity_units": 2}}],
                    "lsis": [{"name": "ByDate", "sort_key": {"name": "Date"}}]}],
        "entities": [{"name": "Order", "table": "orders", "item_count": 50,
                      "keys": [{"attribute": "PK", "template": "C#{c}"}, {"attribute": "SK", "template": "O#{o}"},
                               {"attribute": "GSI1PK", "template": "S#{s}"}],
                      "variables": [{"name": "c", "cardinality": 10}, {"name": "o", "cardinality": 50},
                                    {"name": "s", "cardinality": 3}],
                      "attributes": [{"name": "total", "type": "N", "size_bytes": 3}]}],
    })
    sandbox = Sandbox.from_model(model, seed=3)
    table = sandbox.call("DescribeTable", {"TableName": "orders"})["Table"]
    assert table["BillingModeSummary"]["BillingMode"] == "PROVISIONED"
    assert table["GlobalSecondaryIndexes"][0]["Projection"] == {"ProjectionType": "KEYS_ONLY"}
    assert table["LocalSecondaryIndexes"][0]["IndexName"] == "ByDate"
    expected = generate_items(model, 3)["orders"]
    assert table["ItemCount"] == len(expected) > 0
    assert table["GlobalSecondaryIndexes"][0]["ItemCount"] == sum("GSI1PK" in i for i in expected)


@pytest.mark.parametrize("name", ["github_single_table", "crm_complex_filtering"])
def test_sample_designs_load(name: str) -> None:
    model = load_model_or_sample(name)
    sandbox = Sandbox.from_model(model)
    items = generate_items(model, 0)
    for table in model.tables:
        described = sandbox.call("DescribeTable", {"TableName": table.name})["Table"]
        assert described["ItemCount"] == len(items[table.name])


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b"]), st.sampled_from(["1", "2", "3"])), min_size=1, max_size=30),
       st.integers(min_value=1, max_value=5), st.booleans())
def test_gsi_pages_with_duplicate_index_keys_cover_every_item_once(keys, limit, forward) -> None:
    """GSI keys need not be unique: entries order by (index sort key, table key) and paging resumes exactly."""
    sandbox = Sandbox()
    _table(sandbox, GlobalSecondaryIndexes=[{"IndexName": "byG", "KeySchema": [
        {"AttributeName": "g", "KeyType": "HASH"}, {"AttributeName": "gs", "KeyType": "RANGE"}],
        "Projection": {"ProjectionType": "KEYS_ONLY"}}])
    for i, (g, gs) in enumerate(keys):
        _put(sandbox, {"S": f"{i:03d}"}, g=g, gs=gs)
    got, start = [], None
    while True:
        page = sandbox.call("Query", {"TableName": "items", "IndexName": "byG", "Limit": limit,
                                      "ScanIndexForward": forward, "KeyConditionExpression": "g = :a AND gs >= :two",
                                      "ExpressionAttributeValues": {":a": {"S": "a"}, ":two": {"S": "2"}},
                                      **({"ExclusiveStartKey": start} if start else {})})
        got += [(i["gs"]["S"], i["sk"]["S"]) for i in page["Items"]]
        start = page.get("LastEvaluatedKey")
        if not start:
            break
        assert set(start) == {"pk", "sk", "g", "gs"}  # table keys + index keys
    expected = sorted((gs, f"{i:03d}") for i, (g, gs) in enumerate(keys) if g == "a" and gs >= "2")
    assert got == (expected if forward else expected[::-1])


def test_transaction_size_limit() -> None:
    sandbox = Sandbox()
    _table(sandbox)
    puts = [{"Put": {"TableName": "items", "Item": {"pk": {"S": "p"}, "sk": {"S": str(i)}, "d": {"S": "x" * 400_000}}}}
            for i in range(11)]  # DG/ServiceQuotas.html: a transaction carries at most 4 MB
    with pytest.raises(SandboxError, match="Transaction size exceeded"):
        sandbox.call("TransactWriteItems", {"TransactItems": puts})


_LEAF = st.one_of(st.none(), st.booleans(), st.integers(-3, 3),
                  st.sampled_from(["items", "byStatus", "pk", "sk", "p", "S", "N", ":v", "pk = :v", "SET a = :v", "COUNT", ""]))
_MEMBER = st.sampled_from(["TableName", "Item", "Key", "S", "N", "L", "M", "pk", "sk", "status", "KeyConditionExpression",
                           "FilterExpression", "UpdateExpression", "ExpressionAttributeValues", ":v", "Limit",
                           "ExclusiveStartKey", "IndexName", "Select", "RequestItems", "Keys", "PutRequest",
                           "TransactItems", "Put", "Update", "ConditionCheck", "ConsistentRead"])
_JSON = st.recursive(_LEAF, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                     st.dictionaries(_MEMBER, inner, max_size=4)), max_leaves=12)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan", "BatchGetItem",
                        "BatchWriteItem", "TransactWriteItems", "TransactGetItems", "DescribeTable"]),
       st.dictionaries(_MEMBER, _JSON, max_size=5))
def test_malformed_requests_are_client_errors(operation: str, request_: dict) -> None:
    """Whatever JSON arrives, the answer is a response or a 400-class DynamoDB error, never an internal one."""
    sandbox = Sandbox()
    _indexed(sandbox)
    result = sandbox.execute(operation, request_)
    assert result.error is None or result.error.http_status == 400, result.error


def test_parallel_scan_segments_partition_the_table() -> None:
    """API_Scan.html: Segment/TotalSegments split a Scan into disjoint parts that together cover the table."""
    sandbox = Sandbox()
    _table(sandbox)
    for i in range(60):
        sandbox.call("PutItem", {"TableName": "items", "Item": {"pk": {"S": f"p{i % 17}"}, "sk": {"S": str(i)}}})
    seen: list[tuple[str, str]] = []
    for segment in range(4):
        items = sandbox.call("Scan", {"TableName": "items", "Segment": segment, "TotalSegments": 4})["Items"]
        seen += [(i["pk"]["S"], i["sk"]["S"]) for i in items]
    assert len(seen) == len(set(seen)) == 60


def test_client_request_token_makes_transactions_idempotent() -> None:
    """API_TransactWriteItems.html: the same token within 10 minutes changes nothing and consumes reads;
    other items under the same token are an IdempotentParameterMismatchException; after 10 minutes it is new."""
    now = [1000.0]
    sandbox = Sandbox(clock=lambda: now[0])
    _table(sandbox)
    request = {"ClientRequestToken": "t1", "ReturnConsumedCapacity": "TOTAL", "TransactItems": [
        {"Update": {"TableName": "items", "Key": {"pk": {"S": "p"}, "sk": {"S": "1"}}, "UpdateExpression": "ADD n :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}}}}]}
    first = sandbox.call("TransactWriteItems", request)
    again = sandbox.call("TransactWriteItems", request)
    assert first["ConsumedCapacity"][0]["WriteCapacityUnits"] == 2.0
    assert again["ConsumedCapacity"][0] == {"TableName": "items", "CapacityUnits": 1.0, "ReadCapacityUnits": 1.0}
    key = {"pk": {"S": "p"}, "sk": {"S": "1"}}
    assert sandbox.call("GetItem", {"TableName": "items", "Key": key})["Item"]["n"] == {"N": "1"}
    changed = {**request, "TransactItems": [{"Delete": {"TableName": "items", "Key": key}}]}
    with pytest.raises(SandboxError) as caught:
        sandbox.call("TransactWriteItems", changed)
    assert caught.value.code == "IdempotentParameterMismatchException"
    now[0] += 601
    sandbox.call("TransactWriteItems", request)
    assert sandbox.call("GetItem", {"TableName": "items", "Key": key})["Item"]["n"] == {"N": "2"}


@pytest.mark.parametrize("operation", ["GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan"])
def test_a_data_operation_on_a_missing_table_says_exactly_what_dynamodb_says(operation: str) -> None:
    """Issue 14: data operations answer exactly "Requested resource not found"; DescribeTable names the table."""
    from engine.sandbox import Sandbox
    from engine.sandbox.errors import SandboxError

    request = {"TableName": "missing", "Key": {"pk": {"S": "a"}}, "Item": {"pk": {"S": "a"}},
               "KeyConditionExpression": "pk = :v", "ExpressionAttributeValues": {":v": {"S": "a"}}}
    with pytest.raises(SandboxError) as caught:
        Sandbox().call(operation, request)
    assert caught.value.code.endswith("ResourceNotFoundException") and str(caught.value.message) == \
        "Requested resource not found"
    with pytest.raises(SandboxError) as caught:
        Sandbox().call("DescribeTable", {"TableName": "missing"})
    assert caught.value.message == "Requested resource not found: Table: missing not found"


@pytest.mark.parametrize(("operation", "field"), [("GetItem", "Key"), ("PutItem", "Item"), ("DeleteItem", "Key"),
                                                  ("UpdateItem", "Key")])
def test_required_fields_are_checked_before_the_table(operation: str, field: str) -> None:
    from engine.sandbox import Sandbox
    from engine.sandbox.errors import SandboxError

    with pytest.raises(SandboxError) as caught:
        Sandbox().call(operation, {"TableName": "missing"})
    assert caught.value.code.endswith("ValidationException") and field.lower() in caught.value.message.lower()


@pytest.mark.parametrize("innermost", [{"S": "x"}, {"N": "1"}, {"BOOL": True}])
def test_the_32_level_nesting_limit_holds_whatever_the_innermost_value(innermost: dict) -> None:
    """DG/ServiceQuotas: 32 levels of nesting; a string at the bottom once slipped through (issue 14)."""
    from engine.sandbox import Sandbox

    sandbox = Sandbox()
    sandbox.call("CreateTable", {"TableName": "nest", "BillingMode": "PAY_PER_REQUEST",
                                 "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                                 "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}]})
    for depth, ok in ((32, True), (33, False)):
        value = dict(innermost)
        for _ in range(depth):
            value = {"L": [value]}
        result = sandbox.execute("PutItem", {"TableName": "nest", "Item": {"pk": {"S": "a"}, "d": value}})
        assert (result.error is None) == ok, (depth, innermost, result.error)


def test_describe_table_has_a_uuid_table_id_and_warm_throughput() -> None:
    """Issue 14: DescribeTable looks like DynamoDB's (a UUID TableId; WarmThroughput of table and GSIs)."""
    import uuid

    from engine.sandbox import Sandbox

    sandbox = Sandbox()
    sandbox.call("CreateTable", {
        "TableName": "described", "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                 {"AttributeName": "g", "AttributeType": "S"}],
        "GlobalSecondaryIndexes": [{"IndexName": "byG", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                    "Projection": {"ProjectionType": "ALL"}}]})
    table = sandbox.call("DescribeTable", {"TableName": "described"})["Table"]
    assert str(uuid.UUID(table["TableId"])) == table["TableId"]
    assert table["WarmThroughput"] == {"ReadUnitsPerSecond": 12000, "WriteUnitsPerSecond": 4000, "Status": "ACTIVE"}
    assert table["GlobalSecondaryIndexes"][0]["WarmThroughput"]["Status"] == "ACTIVE"


@pytest.mark.parametrize(("operation", "request_", "message"), [
    ("PutItem", {"TableName": "exact", "Item": {"pk": {"S": "p"}, "big": {"S": "x" * 409_600}}},
     "Item size has exceeded the maximum allowed size"),
    ("BatchGetItem", {"RequestItems": {"exact": {"Keys": [{"pk": {"S": str(i)}} for i in range(101)]}}},
     "Too many items requested for the BatchGetItem call"),
    ("UpdateItem", {"TableName": "exact", "Key": {"pk": {"S": "p"}}, "UpdateExpression": "SET status = :v",
                    "ExpressionAttributeValues": {":v": {"S": "x"}}},
     "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: status"),
])
def test_known_error_messages_are_dynamodbs_words_exactly(operation, request_, message) -> None:
    """Issue 14: clients and tests match on DynamoDB's messages, so where its wording is known (the messages
    DynamoDB returns for an item over 400 KB, a BatchGetItem over 100 keys and a reserved word in an expression,
    DG/ServiceQuotas.html and DG/ReservedWords.html) the sandbox says exactly that, with no added figures."""
    sandbox = Sandbox()
    sandbox.call("CreateTable", {"TableName": "exact", "BillingMode": "PAY_PER_REQUEST",
                                 "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                                 "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]})
    with pytest.raises(SandboxError) as info:
        sandbox.call(operation, request_)
    assert info.value.code == "ValidationException"
    assert info.value.message == message
