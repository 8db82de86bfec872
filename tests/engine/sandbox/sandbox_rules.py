"""DOMAIN.md §2 as data: (setup, request, expected units per arm) cases shared by the in-process
and the HTTP (boto3) runs of the sandbox's consumed-capacity proof."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from engine.itemsize import item_size_bytes
from engine.sandbox import Sandbox

TABLE = "rules"
KB = 1024


def sized(total_bytes: int, pk: str, sk: str, **attrs: Any) -> dict[str, dict[str, Any]]:
    """An item of exactly `total_bytes` (DOMAIN.md §1 sizes), padded with a `data` string."""
    item: dict[str, dict[str, Any]] = {"pk": {"S": pk}, "sk": {"S": sk}}
    for name, value in attrs.items():
        item[name] = value if isinstance(value, dict) else {"S": str(value)}
    pad = total_bytes - item_size_bytes(item) - len("data")
    assert pad >= 0, f"{total_bytes} B is too small for {item}"
    item["data"] = {"S": "x" * pad}
    assert item_size_bytes(item) == total_bytes
    return item


def create_rules_table(sandbox: Sandbox, gsi_count: int = 0) -> None:
    """pk/sk table with: gsi_all (g1, ALL), gsi_keys (g2 + g2s, KEYS_ONLY), gsi_incl (g3, INCLUDE n),
    lsi_keys (l1, KEYS_ONLY), lsi_all (l2, ALL); `gsi_count` extra ALL GSIs x0..x4 for the seed's 5-GSI case."""
    definitions = ["pk", "sk", "g1", "g2", "g2s", "g3", "l1", "l2"] + [f"x{i}" for i in range(gsi_count)]
    gsis = [
        _index("gsi_all", "g1", None, {"ProjectionType": "ALL"}),
        _index("gsi_keys", "g2", "g2s", {"ProjectionType": "KEYS_ONLY"}),
        _index("gsi_incl", "g3", None, {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["n"]}),
    ] + [_index(f"extra{i}", f"x{i}", None, {"ProjectionType": "ALL"}) for i in range(gsi_count)]
    sandbox.call("CreateTable", {
        "TableName": TABLE,
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        "AttributeDefinitions": [{"AttributeName": a, "AttributeType": "S"} for a in definitions],
        "BillingMode": "PAY_PER_REQUEST",
        "GlobalSecondaryIndexes": gsis,
        "LocalSecondaryIndexes": [
            _index("lsi_keys", "pk", "l1", {"ProjectionType": "KEYS_ONLY"}),
            _index("lsi_all", "pk", "l2", {"ProjectionType": "ALL"}),
        ],
    })


def _index(name: str, hash_key: str, range_key: str | None, projection: dict[str, Any]) -> dict[str, Any]:
    schema = [{"AttributeName": hash_key, "KeyType": "HASH"}]
    if range_key:
        schema.append({"AttributeName": range_key, "KeyType": "RANGE"})
    return {"IndexName": name, "KeySchema": schema, "Projection": projection}


def key(pk: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


@dataclass
class Case:
    """One rule: items already stored, one request, the units DynamoDB charges per arm."""

    id: str
    source: str
    items: list[dict[str, Any]]
    operation: str
    request: dict[str, Any]
    table: float
    gsi: dict[str, float] = field(default_factory=dict)
    lsi: dict[str, float] = field(default_factory=dict)
    error: str | None = None
    gsi_count: int = 0
    check: Callable[[dict[str, Any]], None] | None = None

    def sandbox(self) -> Sandbox:
        sandbox = Sandbox()
        create_rules_table(sandbox, self.gsi_count)
        sandbox.load_items(TABLE, self.items)
        return sandbox


def _q(expression: str, values: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"TableName": TABLE, "KeyConditionExpression": expression,
            "ExpressionAttributeValues": values, **extra}


S = {"S": "p"}
P = {":p": S}
PARTITION_64 = [sized(64, "p", f"{i:05d}") for i in range(1500)]  # 1,500 x 64 B = 96,000 B
PARTITION_40K = [sized(6963, "p", f"{i}") for i in range(6)]  # 41,778 B = 40.8 KB
PARTITION_1MB = [sized(4000, "p", f"{i:04d}") for i in range(300)]  # 1,200,000 B: 262 fit a page
GSI_8 = [sized(2000, "p", f"{i}", g1="G") for i in range(8)]  # 8 ALL entries x 2,000 B
LSI_4 = [sized(300, "p", f"{i}", l1=f"{i}") for i in range(4)]  # KEYS_ONLY entries < 200 B
PAGE_2_START = {"pk": S, "sk": {"S": "0261"}}


CASES: list[Case] = [
    # --- GetItem (DG/read-write-operations.html)
    Case("get 8KB strong", "§2 GetItem ceil(size/4KB)", [sized(8 * KB, "p", "a")], "GetItem",
         {"TableName": TABLE, "Key": key("p", "a"), "ConsistentRead": True}, table=2),
    Case("get 8KB+1 eventual", "§2 GetItem EC halves", [sized(8 * KB + 1, "p", "a")], "GetItem",
         {"TableName": TABLE, "Key": key("p", "a")}, table=1.5),
    Case("get missing strong", "§2 missing item costs 1 SC", [], "GetItem",
         {"TableName": TABLE, "Key": key("p", "a"), "ConsistentRead": True}, table=1),
    Case("get missing eventual", "§2 missing item costs 0.5 EC", [], "GetItem",
         {"TableName": TABLE, "Key": key("p", "a")}, table=0.5),
    Case("get projection does not reduce", "§2 ProjectionExpression does not reduce",
         [sized(12 * KB, "p", "a")], "GetItem",
         {"TableName": TABLE, "Key": key("p", "a"), "ConsistentRead": True, "ProjectionExpression": "pk"},
         table=3),
    # --- BatchGetItem
    Case("batch get per-item rounding", "§2 1.5 KB + 6.5 KB -> 4 + 8 KB -> 3 SC",
         [sized(1536, "p", "a"), sized(6656, "p", "b")], "BatchGetItem",
         {"RequestItems": {TABLE: {"Keys": [key("p", "a"), key("p", "b")], "ConsistentRead": True}}}, table=3),
    Case("batch get missing key minimum", "§2 a missing key costs the minimum read",
         [sized(1536, "p", "a"), sized(6656, "p", "b")], "BatchGetItem",
         {"RequestItems": {TABLE: {"Keys": [key("p", "a"), key("p", "b"), key("p", "zz")]}}}, table=2),
    # --- Query / Scan (DG/Query.html)
    Case("query 40.8 KB strong", "§2 40.8 KB -> 44 KB -> 11 SC", PARTITION_40K, "Query",
         _q("pk = :p", P, ConsistentRead=True), table=11),
    Case("query 40.8 KB eventual", "§2 40.8 KB -> 5.5 EC", PARTITION_40K, "Query", _q("pk = :p", P), table=5.5),
    Case("query 1500 x 64 B", "§2 96,000 B -> 96 KB -> 24 SC", PARTITION_64, "Query",
         _q("pk = :p", P, ConsistentRead=True), table=24),
    Case("query filter does not reduce", "§2 FilterExpression does not reduce", PARTITION_64, "Query",
         _q("pk = :p", {**P, ":z": {"S": "none"}}, FilterExpression="#d = :z",
            ExpressionAttributeNames={"#d": "data"}), table=12,
         check=lambda r: _expect(r, Count=0, ScannedCount=1500)),
    Case("query count does not reduce", "§2 Select=COUNT does not reduce", PARTITION_64, "Query",
         _q("pk = :p", P, Select="COUNT"), table=12, check=lambda r: _expect(r, Count=1500)),
    Case("query empty strong", "§2 empty result costs 1 SC", [], "Query",
         _q("pk = :p", P, ConsistentRead=True), table=1),
    Case("query empty eventual", "§2 empty result costs 0.5 EC", PARTITION_40K, "Query",
         _q("pk = :p AND sk > :s", {**P, ":s": {"S": "z"}}), table=0.5),
    Case("query full 1 MB page", "§2 a full 1 MB page = 256 SC", PARTITION_1MB, "Query",
         _q("pk = :p", P, ConsistentRead=True), table=256,
         check=lambda r: _expect(r, Count=262, LastEvaluatedKey=PAGE_2_START)),
    Case("query second page", "§2 pages rounded separately: 38 x 4,000 B -> 38 SC", PARTITION_1MB, "Query",
         _q("pk = :p", P, ConsistentRead=True, ExclusiveStartKey=PAGE_2_START), table=38,
         check=lambda r: _expect(r, Count=38)),
    Case("scan full 1 MB page eventual", "§2 a full 1 MB page = 128 EC", PARTITION_1MB, "Scan",
         {"TableName": TABLE}, table=128, check=lambda r: _expect(r, Count=262)),
    Case("scan limit", "§2 Limit bounds the evaluated items", PARTITION_1MB, "Scan",
         {"TableName": TABLE, "Limit": 3, "ConsistentRead": True}, table=3,
         check=lambda r: _expect(r, Count=3, LastEvaluatedKey={"pk": S, "sk": {"S": "0002"}})),
    # --- index reads (DG/GSI.html, DG/LSI.html)
    Case("gsi query projected entries", "§2 8 x 2,000 B -> 16 KB -> 2 RCU", GSI_8, "Query",
         _q("g1 = :g", {":g": {"S": "G"}}, IndexName="gsi_all"), table=0, gsi={"gsi_all": 2}),
    Case("gsi strong read rejected", "§2 a SC read on a GSI is a validation error", GSI_8, "Query",
         _q("g1 = :g", {":g": {"S": "G"}}, IndexName="gsi_all", ConsistentRead=True), table=0,
         error="ValidationException"),
    Case("lsi fetch per item", "§2 4 entries -> 4 KB on the LSI; 4 items fetched -> 16 KB on the table",
         LSI_4, "Query", _q("pk = :p", P, IndexName="lsi_keys", Select="ALL_ATTRIBUTES", ConsistentRead=True),
         table=4, lsi={"lsi_keys": 1}),
    Case("lsi fetch eventual", "§2 LSI fetch halved when EC", LSI_4, "Query",
         _q("pk = :p", P, IndexName="lsi_keys", ProjectionExpression="pk, sk, l1, #d",
            ExpressionAttributeNames={"#d": "data"}),
         table=2, lsi={"lsi_keys": 0.5}),
    Case("lsi projected only", "§2 no fetch when the projection covers the request", LSI_4, "Query",
         _q("pk = :p", P, IndexName="lsi_keys", ConsistentRead=True), table=0, lsi={"lsi_keys": 1}),
    # --- single writes
    Case("put sparse indexes untouched", "§2 absent->absent: no index arm", [], "PutItem",
         {"TableName": TABLE, "Item": sized(500, "p", "a")}, table=1),
    Case("put replaces bigger item", "§2 max(before, after)", [sized(9728, "p", "a")], "PutItem",
         {"TableName": TABLE, "Item": sized(100, "p", "a")}, table=10),
    Case("update counter on 9.5 KB", "§2 a counter on a 9.5 KB item costs 10 WCU",
         [sized(9728, "p", "a", n={"N": "1"})], "UpdateItem",
         {"TableName": TABLE, "Key": key("p", "a"), "UpdateExpression": "SET n = n + :one",
          "ExpressionAttributeValues": {":one": {"N": "1"}}}, table=10),
    Case("delete missing", "§2 a missing item costs 1", [], "DeleteItem",
         {"TableName": TABLE, "Key": key("p", "a")}, table=1),
    Case("put absent->present gsi", "§2 absent->present ceil(new)", [], "PutItem",
         {"TableName": TABLE, "Item": sized(1536, "p", "a", g1="G")}, table=2, gsi={"gsi_all": 2}),
    Case("update entry changed same key", "§2 same key, entry changed: max(ceil(old), ceil(new))",
         [sized(1536, "p", "a", g1="G")], "UpdateItem",
         {"TableName": TABLE, "Key": key("p", "a"), "UpdateExpression": "SET m = :v",
          "ExpressionAttributeValues": {":v": {"S": "y" * 1000}}}, table=3, gsi={"gsi_all": 3}),
    Case("update non-projected attribute", "§2 same key, entry unchanged: no arm",
         [sized(1536, "p", "a", g2="G", g2s="s", g3="H", n={"N": "1"})], "UpdateItem",
         {"TableName": TABLE, "Key": key("p", "a"), "UpdateExpression": "SET m = :v",
          "ExpressionAttributeValues": {":v": {"S": "y"}}}, table=2),
    Case("update included attribute", "§2 INCLUDE projection: a projected attribute changes the entry",
         [sized(1536, "p", "a", g2="G", g2s="s", g3="H", n={"N": "1"})], "UpdateItem",
         {"TableName": TABLE, "Key": key("p", "a"), "UpdateExpression": "ADD n :one",
          "ExpressionAttributeValues": {":one": {"N": "1"}}}, table=2, gsi={"gsi_incl": 1}),
    Case("update moves index key", "§2 key moved: ceil(old) + ceil(new)",
         [sized(1536, "p", "a", g2="G", g2s="s")], "UpdateItem",
         {"TableName": TABLE, "Key": key("p", "a"), "UpdateExpression": "SET g2s = :v",
          "ExpressionAttributeValues": {":v": {"S": "t"}}}, table=2, gsi={"gsi_keys": 2}),
    Case("update removes index key", "§2 present->absent ceil(old)",
         [sized(1536, "p", "a", g1="G")], "UpdateItem",
         {"TableName": TABLE, "Key": key("p", "a"), "UpdateExpression": "REMOVE g1"}, table=2,
         gsi={"gsi_all": 2}),
    Case("delete with lsi entries", "§2 present->absent on LSIs too",
         [sized(2500, "p", "a", l1="x", l2="y")], "DeleteItem",
         {"TableName": TABLE, "Key": key("p", "a")}, table=3, lsi={"lsi_keys": 1, "lsi_all": 3}),
    Case("five gsis", "§6.2 five GSIs turn 1 WCU into 6", [], "PutItem",
         {"TableName": TABLE, "Item": sized(600, "p", "a", x0="a", x1="b", x2="c", x3="d", x4="e")},
         table=1, gsi={f"extra{i}": 1 for i in range(5)}, gsi_count=5),
    # --- conditional failures
    Case("failed condition existing item", "§2 a failed condition consumes the existing size",
         [sized(2500, "p", "a", g1="G")], "PutItem",
         {"TableName": TABLE, "Item": sized(100, "p", "a"), "ConditionExpression": "attribute_not_exists(pk)"},
         table=3, error="ConditionalCheckFailedException"),
    Case("failed condition missing item", "§2 ... or 1 WCU when it does not exist", [], "UpdateItem",
         {"TableName": TABLE, "Key": key("p", "a"), "UpdateExpression": "SET n = :v",
          "ConditionExpression": "attribute_exists(pk)", "ExpressionAttributeValues": {":v": {"N": "1"}}},
         table=1, error="ConditionalCheckFailedException"),
    # --- batch writes
    Case("batch write per-item rounding", "§2 500 B + 3.5 KB -> 1 + 4 = 5 WCU", [], "BatchWriteItem",
         {"RequestItems": {TABLE: [{"PutRequest": {"Item": sized(500, "p", "a")}},
                                   {"PutRequest": {"Item": sized(3584, "p", "b")}}]}}, table=5),
    Case("batch write index arms", "§2 batch items rounded alone; index arms as for single writes",
         [sized(1536, "p", "old", g1="G", l2="x")], "BatchWriteItem",
         {"RequestItems": {TABLE: [{"DeleteRequest": {"Key": key("p", "old")}},
                                   {"PutRequest": {"Item": sized(700, "p", "new", g1="H")}}]}},
         table=3, gsi={"gsi_all": 3}, lsi={"lsi_all": 2}),
    Case("put identical item", "§2 same key, entry unchanged: no arm", [sized(900, "p", "a", g1="G", g2="K", g2s="s")],
         "PutItem", {"TableName": TABLE, "Item": sized(900, "p", "a", g1="G", g2="K", g2s="s")}, table=1),
    Case("delete missing with indexes", "§2 absent->absent on every index: table minimum only", [], "DeleteItem",
         {"TableName": TABLE, "Key": key("p", "zz")}, table=1),
    Case("scan gsi", "§2 index scans are sized on projected entries, Table arm 0",
         [sized(3000, "p", str(i), g2="K", g2s=str(i)) for i in range(3)], "Scan",
         {"TableName": TABLE, "IndexName": "gsi_keys"}, table=0, gsi={"gsi_keys": 0.5}),
    Case("query lsi all projection", "§2 an ALL LSI needs no fetch", [sized(3000, "p", str(i), l2=str(i)) for i in range(3)],
         "Query", _q("pk = :p", P, IndexName="lsi_all", ConsistentRead=True), table=0, lsi={"lsi_all": 3}),
    # --- transactions (DG/transaction-apis.html)
    Case("transact update moves key", "§2 table arm doubled, the index key move (old + new) is not",
         [sized(1536, "p", "a", g2="K", g2s="s")], "TransactWriteItems",
         {"TransactItems": [{"Update": {"TableName": TABLE, "Key": key("p", "a"), "UpdateExpression": "SET g2s = :v",
                                        "ExpressionAttributeValues": {":v": {"S": "t"}}}}]},
         table=4, gsi={"gsi_keys": 2}),
    Case("transact delete with lsi", "§2 transactional delete: table doubled, LSI arm not",
         [sized(2500, "p", "a", l1="x")], "TransactWriteItems",
         {"TransactItems": [{"Delete": {"TableName": TABLE, "Key": key("p", "a")}}]}, table=6, lsi={"lsi_keys": 1}),
    Case("transact 3 puts doubled", "§2 3 x 500 B puts -> 6 WCU", [], "TransactWriteItems",
         {"TransactItems": [{"Put": {"TableName": TABLE, "Item": sized(500, "p", str(i))}} for i in range(3)]},
         table=6),
    Case("transact index arms not doubled", "§2 index arms are NOT doubled", [], "TransactWriteItems",
         {"TransactItems": [{"Put": {"TableName": TABLE, "Item": sized(500, "p", str(i), g1="G")}}
                            for i in range(3)]}, table=6, gsi={"gsi_all": 3}),
    Case("transact condition check", "§2 ConditionCheck = transactional write of the checked item",
         [sized(1536, "p", "a")], "TransactWriteItems",
         {"TransactItems": [{"ConditionCheck": {"TableName": TABLE, "Key": key("p", "a"),
                                                "ConditionExpression": "attribute_exists(pk)"}},
                            {"Put": {"TableName": TABLE, "Item": sized(500, "p", "b")}}]}, table=6),
    Case("transact gets doubled", "§2 3 x 500 B gets -> 6 RCU", [sized(500, "p", str(i)) for i in range(3)],
         "TransactGetItems",
         {"TransactItems": [{"Get": {"TableName": TABLE, "Key": key("p", str(i))}} for i in range(3)]}, table=6),
    Case("transact cancelled", "§2 cancelled: documented assumption (2 x existing size per action)",
         [sized(1536, "p", "a")], "TransactWriteItems",
         {"TransactItems": [{"Put": {"TableName": TABLE, "Item": sized(3000, "p", "b", g1="G")}},
                            {"ConditionCheck": {"TableName": TABLE, "Key": key("p", "a"),
                                                "ConditionExpression": "attribute_not_exists(pk)"}}]},
         table=6, error="TransactionCanceledException"),
]


def _expect(response: dict[str, Any], **expected: Any) -> None:
    for name, value in expected.items():
        assert response.get(name) == value, (name, response.get(name), value)


def arms_of(consumed: dict[str, Any]) -> tuple[float, dict[str, float], dict[str, float]]:
    """(table units, GSI units by name, LSI units by name) of one ConsumedCapacity entry."""
    gsi = {n: c["CapacityUnits"] for n, c in consumed.get("GlobalSecondaryIndexes", {}).items()}
    lsi = {n: c["CapacityUnits"] for n, c in consumed.get("LocalSecondaryIndexes", {}).items()}
    return consumed["Table"]["CapacityUnits"], gsi, lsi
