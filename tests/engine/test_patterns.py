"""Access-pattern validation (engine/patterns.py): every pattern runs on the sandbox, is classified, and
its measured ConsumedCapacity agrees with engine.evaluate's estimate (DOMAIN.md §2) on a design whose
sample matches its averages; screens count requests (DOMAIN.md §6.5-6.6); item-collection views."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.cli import main
from engine.io import load_model_or_sample, sample_names
from engine.itemsize import attribute_value_size_bytes
from engine.model import parse_model
from engine.patterns import (
    aggregate_view,
    consumed_arms,
    different_value,
    facet_view,
    keep_share_filter,
    loaded_sandbox,
    same_arms,
    validate_patterns,
)
from engine.samples import generate_samples, typed_value

SHOP_PATTERNS = [
    {"name": "get customer", "operation": "GetItem", "table": "Shop", "entities": ["Customer"], "consistency": "strong",
     "key_condition": {"partition_key": "CUST#{customer}", "sort_key": {"operator": "=", "value": "PROFILE"}}},
    {"name": "orders of customer", "operation": "Query", "table": "Shop", "entities": ["Order"],
     "key_condition": {"partition_key": "CUST#{customer}", "sort_key": {"operator": "begins_with", "value": "ORDER#"}},
     "items_per_request": 10},
    {"name": "orders of customer filtered", "operation": "Query", "table": "Shop", "entities": ["Order"],
     "key_condition": {"partition_key": "CUST#{customer}", "sort_key": {"operator": "begins_with", "value": "ORDER#"}},
     "items_per_request": 20, "filter_keep_share": 0.25},
    {"name": "open orders", "operation": "Query", "table": "Shop", "index": "ByStatus", "entities": ["Order"],
     "key_condition": {"partition_key": "STATUS#{status}"}, "items_per_request": 30},
    {"name": "orders by date with fetch", "operation": "Query", "table": "Shop", "index": "ByCreated",
     "entities": ["Order"], "key_condition": {"partition_key": "CUST#{customer}"}, "items_per_request": 5,
     "consistency": "strong", "fetch_from_table": True},
    {"name": "scan status index", "operation": "Scan", "table": "Shop", "index": "ByStatus", "entities": ["Order"],
     "items_per_request": 40},
    {"name": "batch get customers", "operation": "BatchGetItem", "table": "Shop", "entities": ["Customer"],
     "key_condition": {"partition_key": "CUST#{customer}", "sort_key": {"operator": "=", "value": "PROFILE"}},
     "items_per_request": 3},
    {"name": "transact get customers", "operation": "TransactGetItems", "table": "Shop", "entities": ["Customer"],
     "key_condition": {"partition_key": "CUST#{customer}", "sort_key": {"operator": "=", "value": "PROFILE"}},
     "items_per_request": 2},
    {"name": "place order", "operation": "PutItem", "table": "Shop", "entities": ["Order"],
     "key_condition": {"partition_key": "CUST#{customer}", "sort_key": {"operator": "=", "value": "ORDER#{order}"}},
     "condition_failure_share": 0.25},
    {"name": "replace order", "operation": "PutItem", "table": "Shop", "entities": ["Order"], "existing_item_share": 1.0,
     "key_condition": {"partition_key": "CUST#{customer}", "sort_key": {"operator": "=", "value": "ORDER#{order}"}}},
    {"name": "update order total", "operation": "UpdateItem", "table": "Shop", "entities": ["Order"],
     "key_condition": {"partition_key": "CUST#{customer}", "sort_key": {"operator": "=", "value": "ORDER#{order}"}},
     "changed_attributes": ["Total"]},
    {"name": "set order status", "operation": "UpdateItem", "table": "Shop", "entities": ["Order"],
     "key_condition": {"partition_key": "CUST#{customer}", "sort_key": {"operator": "=", "value": "ORDER#{order}"}},
     "changed_attributes": ["GSI1PK"], "existing_item_share": 0.8},
    {"name": "delete order", "operation": "DeleteItem", "table": "Shop", "entities": ["Order"],
     "key_condition": {"partition_key": "CUST#{customer}", "sort_key": {"operator": "=", "value": "ORDER#{order}"}},
     "existing_item_share": 0.5},
    {"name": "import orders", "operation": "BatchWriteItem", "table": "Shop", "entities": ["Order"],
     "key_condition": {"partition_key": "CUST#{customer}", "sort_key": {"operator": "=", "value": "ORDER#{order}"}},
     "items_per_request": 4},
    {"name": "purge orders", "operation": "BatchWriteItem", "table": "Shop", "entities": ["Order"],
     "key_condition": {"partition_key": "CUST#{customer}", "sort_key": {"operator": "=", "value": "ORDER#{order}"}},
     "items_per_request": 3, "write_kind": "delete"},
    {"name": "checkout", "operation": "TransactWriteItems", "table": "Shop", "entities": ["Order", "Customer"],
     "actions": [{"action": "Put", "entity": "Order"}, {"action": "Update", "entity": "Customer",
                                                         "changed_attributes": ["Name"]},
                 {"action": "ConditionCheck", "entity": "Customer"}, {"action": "Delete", "entity": "Order"}]},
]


def _shop(patterns=SHOP_PATTERNS) -> dict:
    """Fixed sizes and fixed-width keys: the sample's items have exactly the design's average sizes."""
    return {
        "name": "shop",
        "tables": [{"name": "Shop", "partition_key": {"name": "PK"}, "sort_key": {"name": "SK"},
                    "gsis": [{"name": "ByStatus", "partition_key": {"name": "GSI1PK"},
                              "sort_key": {"name": "GSI1SK"},
                              "projection": {"type": "INCLUDE", "attributes": ["Total"]}}],
                    "lsis": [{"name": "ByCreated", "sort_key": {"name": "LSISK"},
                              "projection": {"type": "KEYS_ONLY"}}]}],
        "entities": [
            {"name": "Customer", "table": "Shop", "item_count": 1000,
             "keys": [{"attribute": "PK", "template": "CUST#{customer}"}, {"attribute": "SK", "template": "PROFILE"}],
             "variables": [{"name": "customer", "cardinality": 1000}],
             "attributes": [{"name": "Name", "size_bytes": 100}]},
            {"name": "Order", "table": "Shop", "item_count": 50_000,
             "keys": [{"attribute": "PK", "template": "CUST#{customer}"},
                      {"attribute": "SK", "template": "ORDER#{order}"},
                      {"attribute": "GSI1PK", "template": "STATUS#{status}"},
                      {"attribute": "GSI1SK", "template": "{created}"},
                      {"attribute": "LSISK", "template": "{created}"}],
             "variables": [{"name": "customer", "cardinality": 1000}, {"name": "order", "cardinality": 100_000},
                           {"name": "status", "cardinality": 2, "values": ["open", "done"]},
                           {"name": "created", "cardinality": 500_000, "kind": "timestamp"}],
             "attributes": [{"name": "Total", "type": "N", "size_bytes": 5},
                            {"name": "Notes", "size_bytes": 3000}]},
        ],
        "access_patterns": [{**p, "requests_per_second": 1} for p in patterns],
        "screens": [{"name": "order page", "access_patterns": ["get customer", "orders of customer"]},
                    {"name": "order page N+1", "access_patterns": ["get customer"],
                     "repeat": [["batch get customers", 10]]}] if patterns is SHOP_PATTERNS else [],
    }


@pytest.fixture(scope="module")
def shop_report():
    return validate_patterns(parse_model(_shop()))


def _diagnosis(p) -> str:
    side = ("the SANDBOX is wrong (its ConsumedCapacity differs from DOMAIN §2's rules on the same items)"
            if not same_arms(p.measured, p.rules) else
            "the ESTIMATE is wrong (the sandbox follows the rules; this design's sample equals its averages)")
    return (f"pattern '{p.name}': measured {p.measured}, rules on the items read {p.rules}, estimate {p.estimate}; "
            f"{side}; notes: {p.notes}; runs: {[(r.scenario, r.measured, r.rules) for r in p.runs]}")


@pytest.mark.parametrize("name", [p["name"] for p in SHOP_PATTERNS])
def test_measured_capacity_agrees_with_the_estimate(shop_report, name):
    """DOMAIN.md §2: the sandbox's ConsumedCapacity (INDEXES) per arm equals engine.evaluate's estimate
    when the sample has the design's sizes and counts; the message names the side that is wrong."""
    p = shop_report.pattern(name)
    assert p.error is None, p.error
    assert p.agreement == "agree", _diagnosis(p)


@pytest.mark.parametrize(("name", "arms"), [
    # 4 KB read units: Order = 3,000 B of notes + keys ≈ 3.1 KB -> 10 orders ≈ 31 KB -> 8 units, EC 4
    ("orders of customer", {"Shop": 4.0}),
    ("get customer", {"Shop": 1.0}),                       # 1 SC unit for a ~140 B item
    ("transact get customers", {"Shop": 4.0}),             # 2 items x 2 transactional units
    # new order: table ceil(3.1 KB) = 4; GSI INCLUDE entry and LSI KEYS_ONLY entry 1 each; a failed
    # condition on a missing item costs 1 (weight 0.25)
    ("place order", {"Shop": 0.75 * 4 + 0.25 * 1, "Shop#ByStatus": 0.75, "Shop#ByCreated": 0.75}),
    # every key moves on a full replace: old + new entry on both indexes
    ("replace order", {"Shop": 4.0, "Shop#ByStatus": 2.0, "Shop#ByCreated": 2.0}),
    ("update order total", {"Shop": 4.0, "Shop#ByStatus": 1.0}),  # Total is projected in ByStatus only
    # checkout: table arms doubled (put 4 + update 1 + check 1 + delete 4 = 10 -> 20), index arms not
    ("checkout", {"Shop": 20.0, "Shop#ByStatus": 2.0, "Shop#ByCreated": 2.0}),
])
def test_measured_units_per_arm(shop_report, name, arms):
    """DOMAIN.md §2 worked out by hand for the shop design (DG/read-write-operations.html, DG/GSI.html,
    DG/transaction-apis.html: table arms double in a transaction, index arms do not)."""
    assert same_arms(shop_report.pattern(name).measured, arms), shop_report.pattern(name).measured


def test_a_cancelled_transaction_is_a_documented_assumption_not_a_bug():
    """DOMAIN.md §2: DynamoDB documents no charge for a cancelled transaction; the sandbox and the
    capacity engine each document theirs, and the report marks the difference as such."""
    checkout = next(p for p in SHOP_PATTERNS if p["name"] == "checkout")
    report = validate_patterns(parse_model(_shop([{**checkout, "condition_failure_share": 0.5}])))
    p = report.pattern("checkout")
    committed, cancelled = p.runs
    assert same_arms(committed.measured, committed.rules) and not committed.disputed
    assert cancelled.error_code == "TransactionCanceledException" and cancelled.disputed
    assert cancelled.measured.get("Shop", 0) > 0  # a cancelled transaction is still charged
    assert p.agreement in ("agree", "assumption_differs") and p.error is None


def test_how_each_pattern_is_served(shop_report):
    served = {p.name: p.served_by for p in shop_report.patterns}
    assert served["get customer"] == "key_lookup"
    assert served["orders of customer"] == "query_table"
    assert served["open orders"] == "query_index"
    assert served["scan status index"] == "scan" and shop_report.pattern("scan status index").needs_scan
    assert served["checkout"] == "transaction"
    assert not shop_report.pattern("orders of customer").needs_filter


def test_filter_reads_every_item_and_returns_its_share(shop_report):
    """DG/Query.html: a FilterExpression applies after the read; the charge is on the items read."""
    p = shop_report.pattern("orders of customer filtered")
    assert p.needs_filter
    assert p.items_read == 20 and p.items_returned == 5
    assert "FilterExpression" in p.runs[0].request
    unfiltered = shop_report.pattern("orders of customer")
    assert p.measured["Shop"] == pytest.approx(2 * unfiltered.measured["Shop"] - 0.5, abs=0.5)


def test_query_request_is_real_wire_json(shop_report):
    request = shop_report.pattern("orders of customer").runs[0].request
    assert request["KeyConditionExpression"] == "#n0 = :v0 AND begins_with(#n1, :v1)"
    assert request["ExpressionAttributeNames"] == {"#n0": "PK", "#n1": "SK"}
    assert request["ExpressionAttributeValues"][":v1"] == {"S": "ORDER#"}
    assert request["Limit"] == 10 and request["ReturnConsumedCapacity"] == "INDEXES"


def test_writes_are_undone_so_the_sandbox_keeps_the_seeded_items():
    model = parse_model(_shop())
    samples = generate_samples(model, 0)
    sandbox = loaded_sandbox(model, samples)
    validate_patterns(model, sandbox=sandbox)
    scanned = sandbox.call("Scan", {"TableName": "Shop"})["Items"]
    key = lambda i: (i["PK"]["S"], i["SK"]["S"])  # noqa: E731
    assert sorted(scanned, key=key) == sorted((s.item for s in samples["Shop"]), key=key)


def test_a_sandbox_that_overcharges_is_named_as_the_wrong_side():
    """The comparison tells which side is wrong: a doubled ConsumedCapacity is the sandbox's bug."""
    model = parse_model(_shop(SHOP_PATTERNS[:2]))
    real = loaded_sandbox(model, generate_samples(model, 0))

    class Doubling:
        def call(self, operation, request):
            response = real.call(operation, request)
            cc = response.get("ConsumedCapacity")
            if isinstance(cc, dict):
                cc["CapacityUnits"] *= 2
                cc.get("Table", {})["CapacityUnits"] = cc.get("Table", {}).get("CapacityUnits", 0) * 2
            return response

    report = validate_patterns(model, sandbox=Doubling())
    assert {p.agreement for p in report.patterns} == {"sandbox_differs"}
    assert any("rules on the same items give" in n for n in report.patterns[0].notes)


def test_screens_count_requests_single_table_vs_n_plus_one(shop_report):
    """DOMAIN.md §6.5-6.6: one Query per view in a single-table design vs N+1 requests."""
    page, n_plus_one = shop_report.screens
    assert page.requests_per_view == 2 and not page.n_plus_one and page.round_trips == 1
    assert n_plus_one.requests_per_view == 11 and n_plus_one.n_plus_one and n_plus_one.round_trips == 2
    get, batch = shop_report.pattern("get customer"), shop_report.pattern("batch get customers")
    assert n_plus_one.read_units_per_view_measured == pytest.approx(get.measured_units + 10 * batch.measured_units)
    assert n_plus_one.read_units_per_view_estimate == pytest.approx(get.estimate_units + 10 * batch.estimate_units)


# ----------------------------------------------------------------------------- sample designs


@pytest.mark.parametrize("name", sample_names())
def test_every_pattern_of_every_sample_design_runs(name):
    model = load_model_or_sample(name)
    report = validate_patterns(model)
    assert len(report.patterns) == len(model.access_patterns)
    for p in report.patterns:
        assert p.error is None, f"{name} / {p.name}: {p.error}"
        assert p.agreement != "sandbox_differs", _diagnosis(p)
        assert p.runs and all(r.error_code is None or "condition" in r.scenario or "cancelled" in r.scenario
                              for r in p.runs)
    json.dumps(report.to_dict(), allow_nan=False)


def test_github_single_table_returns_a_heterogeneous_collection_in_one_request():
    """DOMAIN.md §6.6: one Query returns the repository and its latest issues; the multi-table page
    needs 2 requests plus one GetItem per issue."""
    report = validate_patterns(load_model_or_sample("github_single_table"))
    page = report.pattern("repository and latest issues")
    assert page.heterogeneous and set(page.entities_returned) == {"Repo", "Issue"}
    assert page.items_read == 21
    assert not report.pattern("latest issue numbers (multi-table)").heterogeneous
    single, multi = report.screens
    assert single.requests_per_view == 1 and multi.requests_per_view == 22 and multi.n_plus_one


def test_same_seed_same_report():
    model = load_model_or_sample("team_users_overread")
    assert validate_patterns(model, seed=3).to_dict() == validate_patterns(model, seed=3).to_dict()


# ----------------------------------------------------------------------------- building blocks


@pytest.mark.parametrize(("consumed", "arms"), [
    ({"TableName": "T", "CapacityUnits": 2.0}, {"T": 2.0}),
    ({"TableName": "T", "CapacityUnits": 3.0, "Table": {"CapacityUnits": 1.0},
      "GlobalSecondaryIndexes": {"G": {"CapacityUnits": 2.0}}}, {"T": 1.0, "T#G": 2.0}),
    ([{"TableName": "A", "CapacityUnits": 1.0, "Table": {"CapacityUnits": 1.0}},
      {"TableName": "B", "CapacityUnits": 4.0, "Table": {"ReadCapacityUnits": 4.0},
       "LocalSecondaryIndexes": {"L": {"CapacityUnits": 0.5}}}], {"A": 1.0, "B": 4.0, "B#L": 0.5}),
    (None, {}),
])
def test_consumed_capacity_arms(consumed, arms):
    """ReturnConsumedCapacity=INDEXES shapes (DynamoDB API reference, ConsumedCapacity)."""
    assert consumed_arms(consumed) == arms


@pytest.mark.parametrize("share", [0.0, 0.1, 0.25, 0.5, 1.0])
def test_keep_share_filter_keeps_that_share(share):
    from engine.patterns import _Expression

    model = parse_model(_shop(SHOP_PATTERNS[:1]))
    samples = generate_samples(model, 0)["Shop"]
    items = [s.item for s in samples if s.entity == "Order"][:40]
    expr = _Expression()
    text, _about = keep_share_filter(expr, items, share, ("PK", "SK", "GSI1PK", "GSI1SK", "LSISK"))
    sandbox = loaded_sandbox(model, {"Shop": samples})
    request = expr.into({"TableName": "Shop", "FilterExpression": text, "Limit": 1000})
    kept = [i for i in sandbox.call("Scan", request)["Items"] if i in items]
    assert len(kept) == round(share * 40)


@settings(max_examples=60, deadline=None)
@given(kind=st.sampled_from(["S", "N", "B", "SS", "NS", "BS", "L", "M", "BOOL"]), size_bytes=st.integers(6, 400),
       seed=st.integers(0, 2**32 - 1))
def test_a_changed_value_keeps_type_and_size(kind, size_bytes, seed):
    """engine.capacity assumes an update keeps sizes; the sandbox's writes do so (DOMAIN.md §1 sizes)."""
    value = typed_value(kind, size_bytes, np.random.default_rng(seed))
    other = different_value(value)
    assert other != value and next(iter(other)) == kind
    assert attribute_value_size_bytes(other) == attribute_value_size_bytes(value)


def test_aggregate_view_groups_every_table_and_index():
    model = parse_model(_shop(SHOP_PATTERNS[:1]))
    views = {v["target"]: v for v in aggregate_view(model)}
    assert set(views) == {"Shop", "Shop#ByStatus", "Shop#ByCreated"}
    table = views["Shop"]
    assert table["item_count"] == 400 and table["collection_count"] == 200
    first = table["collections"][0]
    assert first["entities"] == ["Customer", "Order"]
    sort_keys = [i["sort_key"]["S"].encode() for i in first["items"]]
    assert sort_keys == sorted(sort_keys) and sort_keys[-1] == b"PROFILE"
    status = views["Shop#ByStatus"]  # sparse: customers carry no GSI1PK
    assert status["item_count"] == 200 and status["collection_count"] == 2
    entry = status["collections"][0]["items"][0]["item"]
    assert set(entry) == {"PK", "SK", "GSI1PK", "GSI1SK", "Total"}  # INCLUDE projection


def test_aggregate_view_orders_numbers_numerically():
    design = {"name": "n", "tables": [{"name": "Tnum", "partition_key": {"name": "p"},
                                       "sort_key": {"name": "s", "type": "N"}}],
              "entities": [{"name": "E", "table": "Tnum", "item_count": 12,
                            "keys": [{"attribute": "p", "template": "P"}, {"attribute": "s", "template": "{n}"}],
                            "variables": [{"name": "n", "cardinality": 12, "kind": "number"}]}]}
    items = aggregate_view(parse_model(design))[0]["collections"][0]["items"]
    assert [i["sort_key"]["N"] for i in items] == [str(n) for n in range(12)]


def test_facet_view_shows_one_entity_on_each_target():
    facet = facet_view(parse_model(_shop(SHOP_PATTERNS[:1])), "Order", max_items=5)
    assert facet["key_templates"]["PK"] == "CUST#{customer}"
    assert [t["target"] for t in facet["targets"]] == ["Shop", "Shop#ByStatus", "Shop#ByCreated"]
    assert all(i["entity"] == "Order" for t in facet["targets"] for i in t["items"])
    assert facet["targets"][0]["item_count"] == 200 and len(facet["targets"][0]["items"]) == 5
    customer = facet_view(parse_model(_shop(SHOP_PATTERNS[:1])), "Customer")
    assert [t["target"] for t in customer["targets"]] == ["Shop"]  # in neither sparse index


# ----------------------------------------------------------------------------- CLI


def test_cli_patterns_json(capsys):
    assert main(["patterns", "team_users_gsi", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["summary"]["patterns"] == 5 and out["summary"]["errors"] == 0
    first = out["patterns"][0]
    assert {"served_by", "measured", "rules", "estimate", "agreement", "entities_returned", "runs"} <= set(first)
    assert out["screens"][0]["requests_per_view"] == 1


def test_cli_sandbox_runs_one_request(tmp_path, capsys):
    request = {"TableName": "TeamUsers", "Limit": 3, "ReturnConsumedCapacity": "TOTAL"}
    path = tmp_path / "scan.json"
    path.write_text(json.dumps(request))
    assert main(["sandbox", "team_users_gsi", "--operation", "Scan", "--request", str(path)]) == 0
    response = json.loads(capsys.readouterr().out)
    assert response["Count"] == 3 and response["ConsumedCapacity"]["TableName"] == "TeamUsers"


@pytest.mark.parametrize(("args", "request_text", "code", "message"), [
    (["--operation", "Query"], '{"TableName": "TeamUsers", "KeyConditionExpression": "TeamId ="}', 1,
     "ValidationException"),
    (["--operation", "Frob"], "{}", 2, "not a DynamoDB operation"),
    (["--operation", "Scan"], "[1]", 1, "expected a JSON object"),
    (["--operation", "Scan"], "{", 1, "line 1 column 2"),
])
def test_cli_sandbox_errors(tmp_path, capsys, args, request_text, code, message):
    path = tmp_path / "r.json"
    path.write_text(request_text)
    assert main(["sandbox", "team_users_gsi", *args, "--request", str(path)]) == code
    assert message in capsys.readouterr().err


def test_cli_sandbox_loads_imported_items(tmp_path, capsys):
    """Imported items (CSV with typed headers) are queryable; a bad cell is named by row and column."""
    (tmp_path / "items.csv").write_text("TeamId,UserId,Role,Score:N\nTEAM#x,USER#1,admin,5\nTEAM#x,USER#2,dev,7\n")
    (tmp_path / "q.json").write_text(json.dumps({"TableName": "TeamUsers", "KeyConditionExpression": "TeamId = :t",
                                                 "ExpressionAttributeValues": {":t": {"S": "TEAM#x"}}}))
    args = ["sandbox", "team_users_gsi", "--no-samples", "--operation", "Query", "--request", str(tmp_path / "q.json")]
    assert main([*args, "--items", str(tmp_path / "items.csv")]) == 0
    response = json.loads(capsys.readouterr().out)
    assert response["Count"] == 2 and response["Items"][1]["Score"] == {"N": "7"}
    (tmp_path / "bad.csv").write_text("TeamId,UserId,Score:N\nTEAM#x,USER#1,five\n")
    assert main([*args, "--items", str(tmp_path / "bad.csv")]) == 1
    assert "row 2, column 'Score' (N): 'five' is not a number" in capsys.readouterr().err


def test_an_entity_without_items_still_validates_what_it_can():
    """A new, empty entity: puts run on items it would have, reads find nothing (minimum charge,
    DG/Query.html), writes to existing items cannot run and say why."""
    design = _shop(SHOP_PATTERNS)
    design["entities"][1]["item_count"] = 0
    report = validate_patterns(parse_model(design))
    assert report.pattern("place order").agreement == "agree"
    assert report.pattern("import orders").agreement == "agree"
    empty_read = report.pattern("orders of customer")
    assert empty_read.items_read == 0 and empty_read.measured == {"Shop": 0.5}
    assert empty_read.agreement == "sample_differs"
    assert report.pattern("delete order").agreement == "incomplete"
    replace = report.pattern("replace order")
    assert replace.agreement == "error" and "has no (more) sample items" in replace.error


def test_cli_sandbox_without_a_request_describes_the_tables(capsys):
    assert main(["sandbox", "github_single_table", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [t["TableName"] for t in out["tables"]] == ["GitHub", "Repositories", "Issues"]
    assert out["tables"][0]["ItemCount"] == 600
    assert out["sample_items"]["GitHub"] == {"Repo": 200, "Issue": 200, "Star": 200}
    assert main(["sandbox", "github_single_table", "--operation", "Scan"]) == 2


def test_a_query_reads_the_hot_key_of_its_distribution():
    """The pattern's hot key (key_distribution hot_keys) is the one queried: the hot partition's cost."""
    report = validate_patterns(load_model_or_sample("hot_enum_key"))
    request = report.pattern("oldest pending orders").runs[0].request
    assert request["ExpressionAttributeValues"][":v0"] == {"S": "PENDING"}
