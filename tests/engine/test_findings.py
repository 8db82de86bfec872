"""The findings catalog: every rule fires on a design that breaks it (with that design's numbers in the
message) and stays quiet on a design that does not; docs/rules.md is generated from the catalog."""

from __future__ import annotations

import copy
import math
from pathlib import Path

import pytest

from engine.consistency import analyze_consistency
from engine.errors import DesignValidationError
from engine.evaluate import evaluate
from engine.findings import RULES, SEVERITIES, collect, rule, severity_rank, target_path
from engine.findings.docs import markdown
from engine.io import load_model_or_sample
from engine.model import parse_model
from engine.partitions import analyze_partitions

ROOT = Path(__file__).resolve().parents[2]
SECONDS = 730 * 3600


# ------------------------------------------------------------------------------------- designs
def base() -> dict:
    """One table, one entity of ~1 KB items over 100,000 keys, one put and one get at 1 request/s."""
    return {
        "name": "d",
        "tables": [{"name": "Tbl", "partition_key": {"name": "pk"}, "sort_key": {"name": "sk"}}],
        "entities": [{
            "name": "Item", "table": "Tbl", "item_count": 100_000,
            "keys": [{"attribute": "pk", "template": "I#{id}"}, {"attribute": "sk", "template": "META"}],
            "variables": [{"name": "id", "cardinality": 100_000}],
            "attributes": [{"name": "v", "size_bytes": 900}, {"name": "g", "size_bytes": 10}],
        }],
        "access_patterns": [
            {"name": "put", "operation": "PutItem", "table": "Tbl", "entities": ["Item"],
             "key_condition": {"partition_key": "I#{id}", "sort_key": {"operator": "=", "value": "META"}},
             "requests_per_second": 1},
            {"name": "get", "operation": "GetItem", "table": "Tbl", "entities": ["Item"],
             "key_condition": {"partition_key": "I#{id}", "sort_key": {"operator": "=", "value": "META"}},
             "requests_per_second": 1},
        ],
    }


def table(d: dict) -> dict:
    return d["tables"][0]


def entity(d: dict) -> dict:
    return d["entities"][0]


def pattern(d: dict, name: str) -> dict:
    return next(p for p in d["access_patterns"] if p["name"] == name)


def gsi(d: dict, name: str = "ByG", template: str = "G#{grp}", cardinality: int = 100_000, **extra) -> dict:
    table(d).setdefault("gsis", []).append({"name": name, "partition_key": {"name": f"{name}pk"}, **extra})
    entity(d)["keys"].append({"attribute": f"{name}pk", "template": template})
    var = template[template.index("{") + 1:template.index("}")] if "{" in template else None
    if var and all(v["name"] != var for v in entity(d)["variables"]):
        entity(d)["variables"].append({"name": var, "cardinality": cardinality})
    return d


def findings(d: dict | str):
    model = load_model_or_sample(d) if isinstance(d, str) else parse_model(d)
    ev = evaluate(model)
    return model, ev, collect(model, ev, analyze_partitions(model, ev), analyze_consistency(model, evaluation=ev))


def of(d: dict | str, rule_id: str):
    return [f for f in findings(d)[2] if f.rule_id == rule_id]


def fired(d: dict | str, rule_id: str):
    found = of(d, rule_id)
    assert found, f"{rule_id} did not fire; got {[f.rule_id for f in findings(d)[2]]}"
    f = found[0]
    assert f.severity == RULES[rule_id].severity and f.title == RULES[rule_id].title
    return f


def quiet(d: dict | str, rule_id: str) -> None:
    assert not of(d, rule_id), [f.message for f in of(d, rule_id)]


def variant(change) -> dict:
    d = base()
    change(d)
    return d


TESTED: set[str] = set()


def covers(*ids: str):
    TESTED.update(ids)
    return lambda fn: fn


# ------------------------------------------------------------------------------------ partitions
@covers("DDB-P101")
def test_p101_hot_table_key():
    def hot(d):
        entity(d)["variables"][0]["cardinality"] = 1
        pattern(d, "put")["requests_per_second"] = 2000
    f = fired(variant(hot), "DDB-P101")
    assert "key 'I#id-000000' peaks at 0 RCU/s + 2,000 WCU/s, 200% of one partition's limit" in f.message
    assert "TableWriteKeyRangeThroughputExceeded" in f.message and f.path == "tables[0]"
    assert "(3 suffixes)" in f.fix  # 2,000 / (1,000 x 80%) -> 3 shards
    quiet(variant(lambda d: pattern(d, "put").update(requests_per_second=2000)), "DDB-P101")


@covers("DDB-P102")
def test_p102_hot_gsi_key():
    def hot(d):
        gsi(d, template="G#{grp}", cardinality=1)
        pattern(d, "put")["requests_per_second"] = 2000
    f = fired(variant(hot), "DDB-P102")
    assert f.path == "tables[0].gsis[0]" and f.values["target"] == "Tbl#ByG"
    assert "2,000 WCU/s, 200% of one partition's limit" in f.message and "back-pressure" in f.message
    quiet(variant(lambda d: (gsi(d), pattern(d, "put").update(requests_per_second=2000))), "DDB-P102")


@covers("DDB-P103")
def test_p103_low_cardinality_key():
    def enum(d):
        gsi(d, name="ByStatus", template="{status}")
        entity(d)["variables"][-1] = {"name": "status", "cardinality": 5, "kind": "enum",
                                      "values": ["A", "B", "C", "D", "E"]}
        pattern(d, "put")["requests_per_second"] = 100
    f = fired(variant(enum), "DDB-P103")
    assert "'{status}' takes only 5 value(s)" in f.message and "20% of the load" in f.message
    assert "5,000 WCU/s or 15,000 RCU/s" in f.message and f.path == "tables[0].gsis[0]"
    quiet(variant(lambda d: (gsi(d, cardinality=11), pattern(d, "put").update(requests_per_second=100))),
          "DDB-P103")


@covers("DDB-P104")
def test_p104_hot_partition_from_the_page_views_sample():
    f = fired("page_views", "DDB-P104")
    assert "peaks at 121% of its limit" in f.message and f.path == "tables[0]"
    quiet("page_views_vertical_sharding", "DDB-P104")


@covers("DDB-P105")
def test_p105_under_provisioned():
    def prov(wcu):
        return lambda d: (table(d).update(billing={"mode": "provisioned", "read_capacity_units": 100,
                                                   "write_capacity_units": wcu}),
                          pattern(d, "put").update(requests_per_second=100))
    f = fired(variant(prov(10)), "DDB-P105")
    assert "peak write load 100 units/s exceeds the provisioned 10" in f.message
    assert "at least 125 write units" in f.fix  # 100 / 80%
    quiet(variant(prov(1000)), "DDB-P105")


@covers("DDB-P106")
def test_p106_on_demand_maximum():
    def capped(mx):
        return lambda d: (table(d).update(billing={"mode": "on_demand", **mx}),
                          pattern(d, "put").update(requests_per_second=100))
    f = fired(variant(capped({"max_write_request_units": 50})), "DDB-P106")
    assert "100 units/s exceeds the configured maximum on-demand throughput 50" in f.message
    assert "TableWriteMaxOnDemandThroughputExceeded" in f.message
    quiet(variant(capped({})), "DDB-P106")


@covers("DDB-P107")
def test_p107_on_demand_warm_up():
    def launch(billing):
        return lambda d: (table(d).update(billing=billing), pattern(d, "put").update(requests_per_second=5000))
    f = fired(variant(launch({"mode": "on_demand"})), "DDB-P107")
    assert "5,000 units/s exceeds the 4,000 units/s" in f.message and "at least 5,000 write" in f.fix
    quiet(variant(launch({"mode": "on_demand", "warm_write_units_per_second": 6000})), "DDB-P107")


@covers("DDB-P108")
def test_p108_key_values_not_described():
    def undescribed(d):
        table(d)["gsis"] = [{"name": "ByV", "partition_key": {"name": "g"}}]
    f = fired(variant(undescribed), "DDB-P108")
    assert f.severity == "info" and "'g'" in f.message and "give entity Item a key template for 'g'" in f.fix
    quiet(variant(lambda d: gsi(d)), "DDB-P108")


# ------------------------------------------------------------------------------------------ cost
def scan(rps: float) -> dict:
    return {"name": "scan all", "operation": "Scan", "table": "Tbl", "entities": ["Item"], "requests_per_second": rps}


@covers("DDB-C101")
def test_c101_scan_in_a_hot_path():
    d = variant(lambda d: d["access_patterns"].append(scan(1)))
    model, ev, found = findings(d)
    f = next(f for f in found if f.rule_id == "DDB-C101")
    units = ev.pattern("scan all").read_units_per_request
    # 100,000 items of ~1 KB: about 100 MB read per scan, 0.5 RCU per 4 KB eventually consistent
    assert units == pytest.approx(ev.entity_size("Item").mean_size_bytes * 100_000 / 4096 / 2, rel=0.01)
    assert f"scans 1 times per second at {units:,.0f} read units each" in f.message
    assert f.path == "access_patterns[2]"
    quiet(variant(lambda d: d["access_patterns"].append(scan(1 / 3600))), "DDB-C101")


def query(keep: float, items: int = 100) -> dict:
    return {"name": "q", "operation": "Query", "table": "Tbl", "entities": ["Item"],
            "key_condition": {"partition_key": "I#{id}"}, "items_per_request": items,
            "filter_keep_share": keep, "requests_per_second": 10}


@covers("DDB-C102")
def test_c102_filter_over_read():
    d = variant(lambda d: d["access_patterns"].append(query(0.1)))
    _, ev, found = findings(d)
    f = next(f for f in found if f.rule_id == "DDB-C102")
    q = ev.pattern("q")
    # 100 items summed, rounded once to 4 KB units, halved (eventual): 23 units -> 11.5
    units = math.ceil(100 * ev.entity_size("Item").mean_size_bytes / 4096) * 0.5
    assert q.read_units_per_request == units == 11.5
    assert "pays 11.5 read units per request" in f.message and "keeps only 10% of them" in f.message
    assert f.values["wasted_usd"] == pytest.approx(q.monthly_usd * 0.9)
    assert "about 1.15 units per request" in f.fix
    quiet(variant(lambda d: d["access_patterns"].append(query(1.0))), "DDB-C102")


@covers("DDB-C103")
def test_c103_gsi_upkeep_above_its_reads():
    def unused(d):
        gsi(d)
        pattern(d, "put")["requests_per_second"] = 100
    _, ev, found = findings(variant(unused))
    f = next(f for f in found if f.rule_id == "DDB-C103")
    # 100 puts/s each writing one ~1 KB... entry of 2 attributes: 1 WCU on the GSI at $0.625 per million
    assert f.values["write_usd"] == pytest.approx(100 * SECONDS * 0.625 / 1e6, rel=1e-6)
    assert f.values["reads_usd"] == 0 and "while the reads through it cost $0.00/month" in f.message
    assert f.path == "tables[0].gsis[0]"

    def read(d):
        unused(d)
        d["access_patterns"].append({**query(1.0, items=10), "index": "ByG",
                                     "key_condition": {"partition_key": "G#{grp}"}, "requests_per_second": 1000})
    quiet(variant(read), "DDB-C103")


@covers("DDB-C104")
def test_c104_write_amplification():
    d = variant(lambda d: (gsi(d, "ByA", "A#{a}"), gsi(d, "ByB", "B#{b}")))
    f = fired(d, "DDB-C104")
    assert "'put' writes 2 units to 2 index(es) for 1 on the table (3 per request" in f.message
    assert "would cost 1 units" in f.fix
    quiet(base(), "DDB-C104")


@covers("DDB-C105")
def test_c105_billing_break_even():
    steady = variant(lambda d: pattern(d, "put").update(requests_per_second=1000))
    f = fired(steady, "DDB-C105")
    te = findings(steady)[1].table("Tbl")
    assert f.values["current_usd"] == pytest.approx(te.billing.on_demand_monthly_usd)
    assert f.values["other_usd"] == pytest.approx(te.billing.provisioned_for_peak_monthly_usd)
    assert f.values["saving_usd"] == pytest.approx(f.values["current_usd"] - f.values["other_usd"])
    quiet(variant(lambda d: pattern(d, "put").update(requests_per_second=1000, peak_requests_per_second=20000)),
          "DDB-C105")


@covers("DDB-C106")
def test_c106_standard_ia_candidate():
    def cold(d):
        entity(d).update(item_count=10_000_000)
        entity(d)["variables"][0]["cardinality"] = 10_000_000
        entity(d)["attributes"][0]["size_bytes"] = 10_000
    f = fired(variant(cold), "DDB-C106")
    assert "STANDARD_INFREQUENT_ACCESS is cheaper" in f.message and f.path == "tables[0].table_class"
    assert f.values["recommended_usd"] < f.values["current_usd"]
    quiet(base(), "DDB-C106")


def reserved(d, klass="STANDARD_INFREQUENT_ACCESS", regions=None):
    table(d).update(table_class=klass, billing={"mode": "provisioned", "read_capacity_units": 100,
                                                "write_capacity_units": 100, "reserved_read_capacity_units": 100,
                                                "reserved_write_capacity_units": 100})
    if regions:
        table(d)["global_table"] = {"regions": regions}


@covers("DDB-C107")
def test_c107_reserved_on_standard_ia():
    f = fired(variant(reserved), "DDB-C107")
    assert "'Tbl' is Standard-IA" in f.message
    quiet(variant(lambda d: reserved(d, "STANDARD")), "DDB-C107")


@covers("DDB-C108")
def test_c108_reserved_writes_on_a_global_table():
    f = fired(variant(lambda d: reserved(d, "STANDARD", ["us-east-1", "us-west-2"])), "DDB-C108")
    assert "'Tbl' is a global table" in f.message and f.values["reserved_write_units"] == 100
    quiet(variant(lambda d: reserved(d, "STANDARD")), "DDB-C108")


@covers("DDB-C109")
def test_c109_prices_of_another_region():
    """A design homed in eu-west-1 priced with the us-east-1 catalog says so; a file catalog for its region does
    not (DOMAIN.md §3: a price is one region's, from a dated catalog)."""
    import json

    from engine.pricing import PRICING_DIR

    f = fired(variant(lambda d: d.update(region="eu-west-1")), "DDB-C109")
    assert "home region is eu-west-1" in f.message and "us-east-1 prices" in f.message and "--catalog FILE" in f.fix
    quiet(base(), "DDB-C109")
    import tempfile

    from engine.evaluate import EvaluateOptions, evaluate
    from engine.model import parse_model

    data = json.loads((PRICING_DIR / "aws-2024-11.json").read_text())
    data.update(id="eu-west-1-test", region="eu-west-1")
    with tempfile.TemporaryDirectory() as folder:
        path = f"{folder}/eu-west-1.json"
        with open(path, "w") as handle:
            json.dump(data, handle)
        model = parse_model(variant(lambda d: d.update(region="eu-west-1")))
        ev = evaluate(model, EvaluateOptions(catalog_id=path))
        assert ev.catalog.region == "eu-west-1"
        assert not [x for x in ev.findings if x.rule_id == "DDB-C109"]


# -------------------------------------------------------------------------------- single-table
@covers("DDB-S101")
def test_s101_n_plus_one_getitems():
    def loop(times):
        return lambda d: d.update(screens=[{"name": "list", "access_patterns": [], "repeat": [["get", times]]}])
    _, ev, found = findings(variant(loop(20)))
    f = next(f for f in found if f.rule_id == "DDB-S101")
    size = ev.entity_size("Item").mean_size_bytes
    # 20 eventually consistent GetItems of ~1 KB: 20 x 0.5 = 10 units; one Query: ceil(20 x size / 4 KB) x 0.5
    assert "issues 'get' 20 times per view: 20 requests and 10 read units per view" in f.message
    assert f.values["query_units"] == math.ceil(20 * size / 4096) * 0.5 == 2.5
    assert "1 request and about 2.5 read units per view" in f.fix and f.path == "screens[0].repeat[0]"
    quiet(variant(loop(1)), "DDB-S101")


def update(d, value_bytes):
    entity(d)["attributes"][0]["size_bytes"] = value_bytes
    d["access_patterns"].append({"name": "count", "operation": "UpdateItem", "table": "Tbl", "entities": ["Item"],
                                 "key_condition": {"partition_key": "I#{id}",
                                                   "sort_key": {"operator": "=", "value": "META"}},
                                 "changed_attributes": ["g"], "requests_per_second": 10})


@covers("DDB-S102")
def test_s102_small_update_of_a_large_item():
    f = fired(variant(lambda d: update(d, 9_500)), "DDB-S102")
    # ~9.5 KB + keys: 10 WCU per update; the counter alone (g + keys) fits 1 KB
    assert "'count' changes g but pays 10 write units" in f.message
    assert "about 1 write unit(s) per request instead of 10" in f.fix
    quiet(variant(lambda d: update(d, 900)), "DDB-S102")


@covers("DDB-S103")
def test_s103_frequent_read_of_a_large_item():
    def big(rps):
        return lambda d: (entity(d)["attributes"][0].update(size_bytes=30_000),
                          pattern(d, "get").update(requests_per_second=rps))
    f = fired(variant(big(10)), "DDB-S103")
    # ~30 KB -> 8 x 4 KB, eventual: 4 units
    assert "at 10 requests/s: 4 read units per request" in f.message and "0.5 read unit(s)" in f.fix
    quiet(variant(big(0.1)), "DDB-S103")


@covers("DDB-S104")
def test_s104_expiring_data_without_ttl():
    def expiring(d):
        entity(d)["attributes"].append({"name": "expires_at", "type": "N", "size_bytes": 6})
        entity(d)["growth_items_per_month"] = 1_000_000
    _, ev, found = findings(variant(expiring))
    f = next(f for f in found if f.rule_id == "DDB-S104")
    gb = 1_000_000 * ev.entity_size("Item").storage_bytes_per_item / 1024 ** 3
    assert f"about {gb:.2f} GB" in f.message and "'expires_at'" in f.message and "has no ttl_attribute" in f.message
    assert f.values["growth_usd"] == pytest.approx(gb * 0.25)  # $0.25 per GB-month, Standard
    assert f.path == "entities[0].attributes[2]"
    quiet(variant(lambda d: (expiring(d), table(d).update(ttl_attribute="expires_at"))), "DDB-S104")


# ------------------------------------------------------------------------------------ consistency
@covers("DDB-R101")
def test_r101_strong_read_on_a_gsi_is_refused_by_validation_with_the_rule_id():
    def strong(consistency):
        def change(d):
            gsi(d)
            d["access_patterns"].append({**query(1.0, items=1), "index": "ByG", "consistency": consistency,
                                         "key_condition": {"partition_key": "G#{grp}"}})
        return change
    with pytest.raises(DesignValidationError) as exc:
        parse_model(variant(strong("strong")))
    assert any("DDB-R101" in p and "access_patterns[2].consistency" in p for p in exc.value.problems)
    assert RULES["DDB-R101"].severity == "error"
    parse_model(variant(strong("eventual")))


@covers("DDB-R102")
def test_r102_stale_read_after_write():
    def gsi_read(ms):
        def change(d):
            gsi(d)
            d["access_patterns"].append({**query(1.0, items=1), "index": "ByG", "read_after_write_ms": ms,
                                         "key_condition": {"partition_key": "G#{grp}"}})
        return change
    f = fired(variant(gsi_read(0)), "DDB-R102")
    # measured: a GSI Query saw the write 96.54% of the time right after it (DOMAIN.md §5)
    assert "reads 0 ms after the write and sees stale data 3.46% of the time" in f.message
    assert f.path == "access_patterns[2]"
    quiet(variant(gsi_read(1000)), "DDB-R102")


@covers("DDB-R103")
def test_r103_multi_region_writes_from_the_global_game_state_sample():
    model, _, found = findings("global_game_state")
    report = analyze_consistency(model)
    hits = [f for f in found if f.rule_id == "DDB-R103"]
    mrec = next(f for f in hits if f.values["table"] == "GameStateMrec")
    lost = report.global_table("GameStateMrec").lost_updates_per_day
    assert mrec.values["conflicts_per_day"] == pytest.approx(lost) and "silently loses" in mrec.message
    assert mrec.path == "tables[0].global_table"
    quiet("page_views", "DDB-R103")


# ---------------------------------------------------------------------------------------- limits
@covers("DDB-L101", "DDB-L102")
def test_l101_l102_item_size_limits():
    def sized(n):
        return lambda d: entity(d)["attributes"][0].update(size_bytes=n)

    def two(d):
        entity(d)["attributes"][0]["size_bytes"] = 300_000
        entity(d)["attributes"].append({"name": "w", "size_bytes": 200_000})
    _, ev, found = findings(variant(two))
    big = next(f for f in found if f.rule_id == "DDB-L101")
    assert f"items reach {ev.entity_size('Item').max_size_bytes:,} B; DynamoDB's limit is 400 KB (409,600 B)" \
        in big.message
    near = fired(variant(sized(350_000)), "DDB-L102")
    size = near.values["max_bytes"]
    assert f"{size / 409_600:.0%} of the 400 KB limit" in near.message
    assert f"costs {math.ceil(size / 4096)} RCU and each write {math.ceil(size / 1024)} WCU" in near.fix
    quiet(base(), "DDB-L101")
    quiet(base(), "DDB-L102")


@covers("DDB-L103")
def test_l103_lsi_item_collection():
    def lsi(keys):
        def change(d):
            table(d)["lsis"] = [{"name": "ByV", "sort_key": {"name": "v2"}}]
            entity(d).update(item_count=2_000_000)
            entity(d)["variables"][0]["cardinality"] = keys
            entity(d)["keys"][1]["template"] = "S#{n}"
            entity(d)["variables"].append({"name": "n", "cardinality": 2_000_000})
            entity(d)["attributes"][0]["size_bytes"] = 4_000
        return change
    _, ev, found = findings(variant(lsi(1)))
    f = next(f for f in found if f.rule_id == "DDB-L103")
    expected = 2_000_000 * ev.entity_size("Item").storage_bytes_per_item / 1024 ** 3
    assert f.values["collection_gb"] == pytest.approx(expected)  # no item has the LSI key: no entries
    assert "about 2,000,000 items per partition key value" in f.message and f"{expected:.2f} GB" in f.message
    quiet(variant(lsi(1000)), "DDB-L103")


@covers("DDB-L104")
def test_l104_transaction_near_its_limits():
    def tx(n):
        return lambda d: d["access_patterns"].append({
            "name": "tx", "operation": "TransactWriteItems", "table": "Tbl", "entities": ["Item"],
            "actions": [{"action": "Put", "entity": "Item"}] * n, "requests_per_second": 1})
    f = fired(variant(tx(90)), "DDB-L104")
    assert "'tx' has 90 actions (limit 100)" in f.message
    quiet(variant(tx(10)), "DDB-L104")


# -------------------------------------------------------------------------------------- streams
def streamed(*consumers: dict, put_rps: float = 1, put_peak: float | None = None, **table_extra) -> dict:
    """base() with a stream on Tbl (its consumers given) and a Totals table with a small Total entity."""
    d = base()
    table(d).update({"stream_view_type": "NEW_AND_OLD_IMAGES", "stream_consumers": list(consumers), **table_extra})
    d["tables"].append({"name": "Totals", "partition_key": {"name": "pk"}})
    d["entities"].append({"name": "Total", "table": "Totals", "item_count": 1000,
                          "keys": [{"attribute": "pk", "template": "T#{t}"}],
                          "variables": [{"name": "t", "cardinality": 1000}],
                          "attributes": [{"name": "count", "type": "N", "size_bytes": 4}]})
    put = pattern(d, "put")
    put["requests_per_second"] = put_rps
    if put_peak is not None:
        put["peak_requests_per_second"] = put_peak
    return d


def lam(name: str = "f", **extra) -> dict:
    return {"kind": "lambda", "name": name, **extra}


def counter(**extra) -> dict:
    return {"table": "Totals", "entity": "Total", "operation": "UpdateItem", "changed_attributes": ["count"], **extra}


@covers("DDB-L105")
def test_l105_more_than_two_readers_per_shard_one_on_a_global_table():
    # DG/ServiceQuotas.html: at most 2 readers per shard, 1 recommended for global tables
    f = fired(streamed(lam("a"), lam("b"), {"kind": "other", "name": "c"}), "DDB-L105")
    assert "has 3 readers on each shard (a, b, c); DynamoDB allows 2" in f.message and f.path == "tables[0].stream_consumers"
    quiet(streamed(lam("a"), lam("b"), {"kind": "kinesis", "name": "k"}), "DDB-L105")   # Kinesis reads no shard
    global_table = {"global_table": {"regions": ["us-east-1", "eu-west-1"]}}
    f = fired(streamed(lam("a"), lam("b"), **global_table), "DDB-L105")
    assert "allows 1 (one is recommended for a global table)" in f.message
    quiet(streamed(lam("a"), **global_table), "DDB-L105")


@covers("DDB-L106")
def test_l106_lag_through_a_peak():
    # 4 shards (a new on-demand table's warm throughput, engine.partition_count); a 400 puts/s peak brings 100
    # records/s per shard; batches of 10 records taking 1 s get through 10/s per shard, so a 5-minute peak leaves
    # the last peak record waiting 300 x (100 / 10 - 1) = 2,700 s (engine.streams.spike_lag)
    slow = lam(batch_size=10, avg_duration_ms=1000)
    f = fired(streamed(slow, put_peak=400), "DDB-L106")
    assert f.values["age_seconds"] == pytest.approx(2700, rel=0.01)
    assert "reaches 45 minutes" in f.message and "parallelization_factor from 1 to 10" in f.fix
    quiet(streamed(lam(batch_size=100, avg_duration_ms=1000, parallelization_factor=2), put_peak=400), "DDB-L106")


@covers("DDB-L107")
def test_l107_records_lost_past_the_24_hour_retention():
    # 100 records/s over 4 shards = 25 per shard against 1 record/s per shard (batches of 1 taking 1 s): the age
    # grows by 1 - 1/25 = 96% of every second, passes 24 h after 25 hours, then 24 records/s per shard are lost
    f = fired(streamed(lam(batch_size=1, avg_duration_ms=1000), put_rps=100), "DDB-L107")
    assert f.values["hours"] == pytest.approx(24 / 0.96) and f.values["growth"] == pytest.approx(0.96)
    assert f.values["lost_per_day"] == pytest.approx(24 * 4 * 86400)
    quiet(streamed(lam(batch_size=100, avg_duration_ms=1000), put_rps=100), "DDB-L107")


@covers("DDB-R104")
def test_r104_unconditional_counter_update_in_a_lambda_consumer():
    f = fired(streamed(lam(writes=[counter()])), "DDB-R104")
    assert f.path == "tables[0].stream_consumers[0].writes[0]"
    # a 1 KB counter: 1 WCU; idempotent: a transaction doubling it plus a 1-unit marker doubled = 4 WCU per record,
    # 3 more WCU at 1 write/s on the on-demand Totals table
    assert f.values["units"] == 1 and f.values["alt_units"] == 4
    assert f.values["extra_usd"] == pytest.approx(3 * SECONDS * 0.625e-6)
    quiet(streamed(lam(writes=[counter(idempotent=True)])), "DDB-R104")
    quiet(streamed(lam(writes=[counter(operation="PutItem", changed_attributes=[])])), "DDB-R104")


@covers("DDB-R105")
def test_r105_kinesis_consumer_that_needs_order():
    f = fired(streamed({"kind": "kinesis", "name": "search", "needs_order": True}), "DDB-R105")
    assert "ApproximateCreationDateTime" in f.fix
    quiet(streamed({"kind": "kinesis", "name": "search"}), "DDB-R105")
    quiet(streamed(lam("search", needs_order=True)), "DDB-R105")


@covers("DDB-C110")
def test_c110_consumer_writes_feeding_their_own_stream():
    self_write = {"table": "Tbl", "entity": "Item", "operation": "UpdateItem", "changed_attributes": ["g"]}
    f = fired(streamed(lam(writes=[self_write])), "DDB-C110")
    assert "Tbl" in f.message
    quiet(streamed(lam(writes=[self_write], filter_share=0.5)), "DDB-C110")   # each record makes half a record


# ---------------------------------------------------------------------------------- the catalog
def test_every_rule_has_a_firing_and_a_quiet_test():
    assert set(RULES) == TESTED


def test_catalog_entries_are_complete():
    for rule_id, r in RULES.items():
        assert r.id == rule_id and rule(rule_id) is r
        assert rule_id[:4] == "DDB-" and rule_id[4] in "PCSRL" and rule_id[5:].isdigit()
        assert r.severity in SEVERITIES and r.title and r.principle and r.problem and r.fix
        assert r.bad.strip() and r.better.strip() and r.source


def test_collect_sorts_by_severity_then_id():
    _, _, found = findings("crm_complex_filtering")
    keys = [(severity_rank(f.severity), f.rule_id) for f in found]
    assert keys == sorted(keys)


def test_evaluate_keeps_catalog_findings_with_the_old_fields():
    ev = evaluate(load_model_or_sample("orders_simple_key"))
    assert ev.findings and all(f.rule_id in RULES for f in ev.findings)
    for f in ev.findings:
        assert f.severity and f.path and f.message and f.fix and isinstance(f.values, dict)
        assert f.to_json()["id"] == f.rule_id


def test_target_path_maps_tables_and_indexes():
    model = load_model_or_sample("crm_complex_filtering")
    assert target_path(model, "Customers") == "tables[0]"
    assert target_path(model, "Customers#BySegment") == "tables[0].gsis[1]"


def test_docs_rules_md_is_current():
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == markdown(), "docs/rules.md is stale: run `python -m engine.findings.docs > docs/rules.md`"


def test_findings_values_are_plain_json(tmp_path):
    import json

    for name in ("global_game_state", "hot_enum_key", "crm_complex_filtering"):
        _, _, found = findings(name)
        json.dumps([f.to_json() for f in found], allow_nan=False)


def test_a_copy_of_a_design_gives_the_same_findings():
    d = base()
    assert [f.message for f in findings(d)[2]] == [f.message for f in findings(copy.deepcopy(d))[2]]
