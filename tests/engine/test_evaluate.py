"""evaluate(): the Evaluation contract (INTERFACES.md), options, table costs, findings and the CLI shapes."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.cli import main
from engine.evaluate import EvaluateOptions, evaluate
from engine.model import parse_model

HOURS = 730.0
SECONDS = HOURS * 3600


def design(billing: dict | None = None, rps: float = 10.0, regions: list[str] | None = None,
           table_class: str = "STANDARD", item_count: int = 1000, value_bytes: int = 900, gsi: dict | None = None,
           extra_patterns: list[dict] | None = None):
    table = {"name": "Items", "partition_key": {"name": "pk"}, "table_class": table_class,
             "billing": billing or {"mode": "on_demand"}}
    if gsi is not None:
        table["gsis"] = [gsi]
    if regions:
        table["global_table"] = {"regions": regions}
    return parse_model({
        "name": "d", "tables": [table],
        "entities": [{"name": "Item", "table": "Items", "item_count": item_count,
                      "keys": [{"attribute": "pk", "template": "I#{id}"}],
                      "variables": [{"name": "id", "cardinality": max(item_count, 1)}],
                      "attributes": [{"name": "v", "size_bytes": value_bytes},
                                     {"name": "g", "size_bytes": 10}]}],
        "access_patterns": [
            {"name": "put", "operation": "PutItem", "table": "Items", "entities": ["Item"],
             "key_condition": {"partition_key": "I#{id}"}, "requests_per_second": rps},
            {"name": "get", "operation": "GetItem", "table": "Items", "entities": ["Item"],
             "key_condition": {"partition_key": "I#{id}"}, "requests_per_second": rps, "consistency": "strong"},
            *(extra_patterns or []),
        ]})


def test_evaluation_contract() -> None:
    ev = evaluate(design())
    assert ev.catalog.id == "aws-2024-11" and ev.catalog.date and ev.catalog.name
    size = ev.entity_sizes[0]
    assert size.entity == "Item" and size.min_size_bytes <= size.mean_size_bytes <= size.max_size_bytes
    put, get = ev.pattern("put"), ev.pattern("get")
    assert (put.table, put.index, put.consistency) == ("Items", None, None)
    assert get.consistency == "strong" and get.read_units_per_request_eventual == get.read_units_per_request / 2
    assert put.arms[0].target == "Items" and put.write_units_per_request == 1
    table = ev.table("Items")
    assert table.item_count == 1000
    assert table.monthly_usd == pytest.approx(table.throughput_monthly_usd + table.storage_monthly_usd
                                              + table.replication_monthly_usd)
    assert ev.total_monthly_usd == pytest.approx(sum(t.monthly_usd for t in ev.tables))
    # storage includes 100 B per item (DOMAIN.md §1)
    assert table.storage_bytes == pytest.approx(1000 * (size.mean_size_bytes + 100))
    with pytest.raises(KeyError):
        ev.pattern("nope")


def test_on_demand_pattern_cost_and_catalog_override() -> None:
    model = design(rps=10)
    new = evaluate(model).pattern("put")
    old = evaluate(model, EvaluateOptions(catalog_id="aws-2023")).pattern("put")
    assert new.monthly_usd == pytest.approx(10 * SECONDS * 0.625e-6)
    assert old.monthly_usd == pytest.approx(2 * new.monthly_usd)
    custom = evaluate(model, EvaluateOptions(catalog_id="custom",
                                             price_overrides={"on_demand_write_usd_per_million": 1.0}))
    assert custom.catalog.id == "custom" and custom.pattern("put").monthly_usd == pytest.approx(10 * SECONDS * 1e-6)
    assert evaluate(model, EvaluateOptions(hours_per_month=744)).pattern("put").monthly_usd == pytest.approx(
        new.monthly_usd * 744 / 730)


def test_provisioned_fixed_and_reserved() -> None:
    model = design({"mode": "provisioned", "read_capacity_units": 200, "write_capacity_units": 100,
                    "reserved_write_capacity_units": 100})
    table = evaluate(model).table("Items")
    reserved_wcu = 150 / 12 + 0.0128 * HOURS
    assert table.throughput_monthly_usd == pytest.approx(200 * 0.00013 * HOURS + reserved_wcu)
    ev = evaluate(model)
    put = ev.pattern("put")
    assert put.demand_monthly_usd == pytest.approx(10 / 0.7 * 0.00065 * HOURS)   # capacity at 70% target
    assert "provisioned" in put.cost_basis
    # what the patterns are billed is the table's bill, shared in proportion to their demand (one number)
    assert sum(p.monthly_usd for p in ev.patterns) == pytest.approx(table.throughput_monthly_usd)
    share = put.demand_monthly_usd / sum(p.demand_monthly_usd for p in ev.patterns)
    assert put.monthly_usd == pytest.approx(share * table.throughput_monthly_usd)


def test_auto_scaling_tracks_load_within_bounds() -> None:
    scaling = {"target_utilization": 0.5, "min_read_capacity_units": 5, "min_write_capacity_units": 5}
    table = evaluate(design({"mode": "provisioned", "read_capacity_units": 1, "write_capacity_units": 1,
                             "auto_scaling": scaling}, rps=10)).table("Items")
    assert table.provisioned_write_capacity_units == pytest.approx(20)   # 10 WCU consumed / 0.5
    assert table.provisioned_read_capacity_units == pytest.approx(20)
    idle = evaluate(design({"mode": "provisioned", "read_capacity_units": 1, "write_capacity_units": 1,
                            "auto_scaling": scaling}, rps=0.1)).table("Items")
    assert idle.provisioned_write_capacity_units == 5                  # the lower bound


def test_global_table_replication_and_storage() -> None:
    one = evaluate(design()).table("Items")
    three = evaluate(design(regions=["us-east-1", "us-west-2", "eu-west-1"])).table("Items")
    assert three.replica_count == 3
    put = evaluate(design()).pattern("put")
    # every write (not read) is paid again in each of the 2 other regions at the write price (aws-2024-11)
    assert three.replication_monthly_usd == pytest.approx(2 * put.monthly_usd)
    assert three.storage_monthly_usd > 3 * one.storage_monthly_usd  # 3 replicas, +48 B per item each
    old = evaluate(design(regions=["us-east-1", "us-west-2"]), EvaluateOptions(catalog_id="aws-2023"))
    put = old.pattern("put")
    # aws-2023: a global table's writes are rWRUs at $1.875 per million in the region written AND in the
    # replica ("incurred in every Region where the item is written directly or written through replication",
    # prescriptive-guidance dynamodb-global-tables/faq.html, DOMAIN.md §3)
    assert put.monthly_usd == pytest.approx(10 * SECONDS * 1.875e-6)
    assert put.replication_monthly_usd == pytest.approx(put.monthly_usd)


@pytest.mark.parametrize(("catalog_id", "replicated_price", "write_price"), [
    ("aws-2024-11", 0.625e-6, 0.625e-6), ("aws-2023", 1.875e-6, 1.25e-6)])
@pytest.mark.parametrize("regions", [2, 3])
def test_global_table_gsi_writes_are_ordinary_writes_in_every_region(catalog_id: str, replicated_price: float,
                                                                      write_price: float, regions: int) -> None:
    # DOMAIN.md §3 / faq.html: "Writing to a GSI is considered a local write operation and uses regular write
    # units", in every region (GSIs are written in every region); the table's write is an rWRU everywhere.
    names = ["us-east-1", "us-west-2", "eu-west-1"][:regions]
    ev = evaluate(design(regions=names, gsi={"name": "ByG", "partition_key": {"name": "g"}}),
                  EvaluateOptions(catalog_id=catalog_id))
    put = ev.pattern("put")
    assert put.index_write_units_per_request == {"ByG": 1} and put.write_units_per_request == 2
    per_region = 10 * SECONDS * (replicated_price + write_price)   # 1 table rWRU + 1 GSI WRU per put
    assert put.monthly_usd == pytest.approx(per_region)
    assert put.replication_monthly_usd == pytest.approx((regions - 1) * per_region)
    table = ev.table("Items")
    reads = 10 * SECONDS * 0.5 * (0.125e-6 if catalog_id == "aws-2024-11" else 0.25e-6)  # 'get' strong: 1 RRU
    assert table.throughput_monthly_usd == pytest.approx(per_region + 2 * reads)
    assert table.replication_monthly_usd == pytest.approx((regions - 1) * per_region)


def test_reserved_writes_do_not_cover_a_global_tables_replicated_writes() -> None:
    # DOMAIN.md §3: reserved capacity exists for Standard tables only, not for replicated writes
    billing = {"mode": "provisioned", "read_capacity_units": 100, "write_capacity_units": 100,
               "reserved_write_capacity_units": 100}
    single = evaluate(design(billing)).table("Items")
    ev = evaluate(design(billing, regions=["us-east-1", "us-west-2"]), EvaluateOptions(catalog_id="aws-2023"))
    table = ev.table("Items")
    assert single.throughput_monthly_usd == pytest.approx(100 * 0.00013 * HOURS + 150 / 12 + 0.0128 * HOURS)
    assert table.throughput_monthly_usd == pytest.approx(100 * 0.00013 * HOURS + 100 * 0.000975 * HOURS)
    assert table.replication_monthly_usd == pytest.approx(100 * 0.000975 * HOURS)
    assert any(f.rule_id == "DDB-C108" for f in ev.findings)


def test_free_tier_lowers_table_total_and_billed_shares_not_demand() -> None:
    model = design({"mode": "provisioned", "read_capacity_units": 20, "write_capacity_units": 20})
    plain, free = evaluate(model), evaluate(model, EvaluateOptions(free_tier=True))
    assert free.pattern("put").demand_monthly_usd == plain.pattern("put").demand_monthly_usd
    assert free.pattern("put").monthly_usd == pytest.approx(0)  # its share of a bill the free tier covers
    assert free.table("Items").throughput_monthly_usd == pytest.approx(0)      # 20 RCU + 20 WCU <= 25 + 25
    assert free.total_monthly_usd < plain.total_monthly_usd and free.table("Items").free_tier_usd > 0


def test_gsi_index_storage_and_write_amplification_finding() -> None:
    gsi = {"name": "ByG", "partition_key": {"name": "g"}}
    ev = evaluate(design(gsi=gsi))
    assert ev.pattern("put").index_write_units_per_request == {"ByG": 1}
    assert ev.table("Items").index_storage_bytes["ByG"] > 0
    moved = evaluate(design(gsi=gsi, extra_patterns=[{
        "name": "move", "operation": "UpdateItem", "table": "Items", "entities": ["Item"],
        "key_condition": {"partition_key": "I#{id}"}, "changed_attributes": ["g"], "requests_per_second": 1}]))
    assert moved.pattern("move").index_write_units_per_request == {"ByG": 2}   # old + new entry
    assert any(f.rule_id == "DDB-C104" and "move" in f.message for f in moved.findings)


def test_table_class_and_billing_comparisons_present() -> None:
    ev = evaluate(design(item_count=10_000_000, rps=0.001))
    classes = ev.table("Items").table_class_comparison
    assert classes.recommended == "STANDARD_INFREQUENT_ACCESS"           # storage-heavy table
    assert any(f.rule_id == "DDB-C106" for f in ev.findings)
    billing = ev.table("Items").billing
    assert billing.write_break_even_utilization == pytest.approx(0.2889, rel=1e-3)


def test_sensitivity_and_rates() -> None:
    ev = evaluate(design(rps=4))
    put = ev.pattern("put")
    assert put.monthly_usd_per_request_per_second == pytest.approx(put.monthly_usd / 4)
    assert put.write_units_per_second == pytest.approx(4 * put.write_units_per_request)
    shares = dict(ev.cost_sensitivity())
    assert shares["put"] > shares["get"] > 0


@settings(max_examples=25, deadline=None)
@given(st.floats(0.01, 1e4), st.floats(0.1, 10))
def test_pattern_cost_linear_in_rate(rps: float, factor: float) -> None:
    a = evaluate(design(rps=rps)).pattern("put").monthly_usd
    b = evaluate(design(rps=rps * factor)).pattern("put").monthly_usd
    assert a >= 0 and b == pytest.approx(a * factor, rel=1e-9)


# ------------------------------------------------------------------------------------ CLI shapes
def test_cost_cli_json_shape(capsys) -> None:
    assert main(["cost", "page_views", "--json", "--catalog", "aws-2023"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"name", "date"} <= set(out["catalog"]) and out["catalog"]["id"] == "aws-2023"
    assert isinstance(out["total_monthly_usd"], float)
    pattern = out["access_patterns"][0]
    assert {"name", "read_units_per_request", "write_units_per_request", "index_write_units_per_request",
            "requests_per_second", "monthly_usd"} <= set(pattern)
    assert {"name", "throughput_monthly_usd", "storage_monthly_usd", "replication_monthly_usd",
            "monthly_usd"} <= set(out["tables"][0])


def test_cost_cli_errors_without_traceback(capsys) -> None:
    assert main(["cost", "page_views", "--catalog", "aws-1999"]) == 1
    assert "aws-2024-11" in capsys.readouterr().err


@pytest.mark.parametrize(("payload", "fmt", "size"), [
    ({"Item": {"pk": {"S": "USER#1"}, "n": {"N": "12.5"}}}, "dynamodb", 12),
    ({"pk": {"S": "x"}}, "plain", 2 + 3 + 1 + 1 + 1),    # a plain map {"S": "x"} is a map, not a string
])
def test_size_cli_json(tmp_path, capsys, payload: dict, fmt: str, size: int) -> None:
    path = tmp_path / "item.json"
    path.write_text(json.dumps(payload))
    assert main(["size", str(path), "--format", fmt, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["size_bytes"] == size and out["storage_bytes"] == size + 100
    assert set(out["read_units"]) == {"strong", "eventual", "transactional"}
    assert set(out["write_units"]) == {"standard", "transactional"}
    assert sum(out["attributes"].values()) == size


def test_size_cli_bad_item(tmp_path, capsys) -> None:
    path = tmp_path / "item.json"
    path.write_text('{"pk": "plain"}')
    assert main(["size", str(path)]) == 1
    assert "--format plain" in capsys.readouterr().err


def test_cost_cli_price_override_makes_custom_catalog(capsys) -> None:
    assert main(["cost", "page_views", "--json", "--price", "on_demand_write_usd_per_million=1.25"]) == 0
    custom = json.loads(capsys.readouterr().out)
    assert main(["cost", "page_views", "--json", "--catalog", "aws-2023"]) == 0
    old = json.loads(capsys.readouterr().out)
    assert custom["catalog"]["id"] == "custom"
    by_name = {p["name"]: p["monthly_usd"] for p in old["access_patterns"]}
    for p in custom["access_patterns"]:
        if p["write_units_per_request"] > 0:   # writes now priced like the old catalog
            assert p["monthly_usd"] == pytest.approx(by_name[p["name"]])


def test_per_target_loads_sum_arms_at_average_and_peak() -> None:
    gsi = {"name": "ByG", "partition_key": {"name": "g"}}
    model = design(gsi=gsi, rps=10)
    patterns = tuple(p.model_copy(update={"peak_requests_per_second": 30.0}) for p in model.access_patterns)
    ev = evaluate(model.model_copy(update={"access_patterns": patterns}))
    targets = {t.target: t for t in ev.table("Items").targets}
    assert list(targets) == ["Items", "Items#ByG"]
    assert targets["Items"].write_units_per_second == pytest.approx(10)          # put: 1 WCU on the table
    assert targets["Items"].read_units_per_second == pytest.approx(10)           # get: 1 RCU strong
    assert targets["Items#ByG"].write_units_per_second == pytest.approx(10)      # put: 1 WCU on the GSI
    assert targets["Items#ByG"].peak_write_units_per_second == pytest.approx(30)


@pytest.mark.parametrize("free_tier", [False, True])
def test_every_sample_evaluates_to_finite_json_safe_figures(free_tier: bool) -> None:
    from engine.io import iter_samples

    for name, model in iter_samples():
        ev = evaluate(model, EvaluateOptions(free_tier=free_tier))
        json.dumps(ev.to_dict(), allow_nan=False)             # no NaN/inf anywhere
        assert ev.total_monthly_usd >= 0, name
        assert all(p.monthly_usd >= 0 and p.replication_monthly_usd >= 0 for p in ev.patterns), name
        assert all(t.throughput_monthly_usd >= -1e-9 and t.storage_monthly_usd >= -1e-9 for t in ev.tables), name


@pytest.mark.parametrize("stock_billing", [
    {"mode": "on_demand"},
    {"mode": "provisioned", "read_capacity_units": 5, "write_capacity_units": 5,
     "auto_scaling": {"target_utilization": 0.5}}])
def test_a_transaction_across_tables_loads_and_is_priced_by_each_table(stock_billing: dict, two_table_transaction) -> None:
    # DOMAIN.md §2: each item's table arm is 2 WCU (transactional, <= 1 KB); ConsumedCapacity reports one entry
    # per table, so the Stock item's 200 WCU/s land on Stock (its billing, its auto scaling), not on Orders.
    ev = evaluate(two_table_transaction(stock_billing))
    orders, stock = ev.table("Orders"), ev.table("Stock")
    assert orders.write_units_per_second == pytest.approx(200)
    assert stock.write_units_per_second == pytest.approx(200)
    assert [t.target for t in orders.targets] == ["Orders"] and [t.target for t in stock.targets] == ["Stock"]
    orders_usd = 200 * SECONDS * 0.625e-6
    assert orders.throughput_monthly_usd == pytest.approx(orders_usd)
    if stock_billing["mode"] == "on_demand":
        stock_usd = orders_usd
    else:
        assert stock.provisioned_write_capacity_units == pytest.approx(400)   # 200 WCU/s at 50 %
        stock_usd = 400 * 0.00065 * HOURS
    assert ev.pattern("checkout").demand_monthly_usd == pytest.approx(orders_usd + stock_usd)
    # the only pattern on both tables is billed both tables' whole request bills (a minimum read capacity too)
    assert ev.pattern("checkout").monthly_usd == pytest.approx(orders.throughput_monthly_usd
                                                              + stock.throughput_monthly_usd)


@pytest.mark.parametrize("declared", ["eventual", "strong"])
def test_transact_get_items_is_labelled_and_billed_transactional(declared: str) -> None:
    # DOMAIN.md §2: transactional reads cost 2 units per 4 KB; the label must not say "eventual" for them
    model = design(extra_patterns=[{"name": "tget", "operation": "TransactGetItems", "table": "Items",
                                    "entities": ["Item"], "key_condition": {"partition_key": "I#{id}"},
                                    "items_per_request": 3, "consistency": declared, "requests_per_second": 1}])
    tget = evaluate(model).pattern("tget")
    assert tget.consistency == "transactional"
    assert tget.read_units_per_request == 3 * 2   # three items of <= 4 KB, 2 units each
    assert tget.monthly_usd == pytest.approx(6 * SECONDS * 0.125e-6)


def test_finding_messages_write_money_and_large_numbers_for_people() -> None:
    """Messages say "$1,234.56/month" and "12,500 read units", not "1234.56 USD/month"; data fields stay exact."""
    import re

    from engine.io import iter_samples

    for name, model in iter_samples():
        ev = evaluate(model)
        texts = [f.message + " " + f.fix for f in ev.findings] + [t.table_class_comparison.reason for t in ev.tables]
        for text in texts:
            assert "USD/month" not in text, (name, text)
            assert not re.search(r"(?<![\d,.$])\d{4,}", text), (name, text)   # 4+ digits need a thousands comma
            assert " 0% of" not in text, (name, text)
    bill = [f for f in evaluate(design(rps=400)).findings if f.rule_id == "DDB-C105"]
    assert bill and re.search(r"pays \$\d[\d,]*\.\d\d/month for throughput", bill[0].message)
