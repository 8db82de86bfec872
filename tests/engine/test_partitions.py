"""Static partition layout: counts and their driver, hashing, per-key load, hot keys and fixes.

Rules: DOMAIN.md §4 (DG/burst-adaptive-capacity.html, DG/warm-throughput.html,
DG/throttling-key-range-limit-exceeded-mitigation.html, Contributor Insights).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.evaluate import evaluate
from engine.io import load_model_or_sample
from engine.model import parse_model
from engine.partitions import (
    CTU_WRITE_WEIGHT,
    HASH_CHUNK_RANKS,
    analyze_partitions,
    build_targets,
    constant_tail_start,
    label_hash_unit,
    layout_of,
    partition_count,
    rank_hash_unit,
    rank_partitions,
    repeated_sums,
    shards_needed,
    space_key_units,
    space_partitions,
    storage_partitions,
    template_seed,
    throughput_partitions,
    top_ranks,
    units_to_partitions,
    utilization,
    warm_partitions,
)


def design(billing=None, item_count=1000, value_bytes=100, key_template="I#{id}", cardinality=None,
           patterns=None, gsis=(), variables=(), keys=(), sort_key=None, lsis=(), distribution=None):
    table = {"name": "Tbl", "partition_key": {"name": "pk"}, "billing": billing or {"mode": "on_demand"}}
    if sort_key:
        table["sort_key"] = {"name": "sk"}
    if gsis:
        table["gsis"] = list(gsis)
    if lsis:
        table["lsis"] = list(lsis)
    entity = {"name": "E", "table": "Tbl", "item_count": item_count,
              "keys": [{"attribute": "pk", "template": key_template}, *keys],
              "variables": [{"name": "id", "cardinality": cardinality or max(item_count, 1)}, *variables],
              "attributes": [{"name": "v", "size_bytes": value_bytes}]}
    if distribution:
        entity["key_distribution"] = distribution
    return parse_model({"name": "d", "tables": [table], "entities": [entity],
                        "access_patterns": patterns or [put(100)]})


def put(rps, name="put", template="I#{id}", distribution=None, peak=None, sk=None):
    p = {"name": name, "operation": "PutItem", "table": "Tbl", "entities": ["E"],
         "key_condition": {"partition_key": template}, "requests_per_second": rps}
    if sk:
        p["key_condition"]["sort_key"] = {"operator": "=", "value": sk}
    if distribution:
        p["key_distribution"] = distribution
    if peak:
        p["peak_requests_per_second"] = peak
    return p


def get(rps, name="get", template="I#{id}", distribution=None):
    p = {"name": name, "operation": "GetItem", "table": "Tbl", "entities": ["E"],
         "key_condition": {"partition_key": template}, "requests_per_second": rps, "consistency": "strong"}
    if distribution:
        p["key_distribution"] = distribution
    return p


ONE_HOT = {"kind": "hot_keys", "keys": [{"key": "I#id-000000", "share": 1.0}]}


# --- partition counts (DOMAIN.md §4: 10 GB, 3,000 RCU / 1,000 WCU per partition) -------------

@pytest.mark.parametrize("read, write, expected", [
    (3000, 0, 1), (3001, 0, 2), (0, 1000, 1), (6000, 2000, 4), (1500, 500, 1), (40000, 40000, 54),
])
def test_throughput_partitions_use_the_linear_combination(read, write, expected):
    assert throughput_partitions(read, write) == expected


@pytest.mark.parametrize("read, write, expected", [
    (12000, 4000, 4),   # a new on-demand table: 12,000 reads OR 4,000 writes per second = 4 partitions
    (30000, 4000, 10), (12000, 20000, 20),
])
def test_warm_throughput_partitions_take_the_larger_figure(read, write, expected):
    assert warm_partitions(read, write) == expected


@pytest.mark.parametrize("size_bytes, expected", [(0, 1), (10 * 1024**3, 1), (10 * 1024**3 + 1, 2), (95e9, 9)])
def test_storage_partitions_hold_ten_gb_each(size_bytes, expected):
    assert storage_partitions(size_bytes) == expected


def test_the_largest_candidate_drives_and_is_named():
    assert partition_count({"storage": 3, "throughput": 7}) == (7, "throughput")
    assert partition_count({"storage": 9, "warm_throughput": 4}) == (9, "storage")


@pytest.mark.parametrize("billing, item_count, value_bytes, count, driver", [
    ({"mode": "on_demand"}, 1000, 100, 4, "warm_throughput"),
    ({"mode": "on_demand", "previous_peak_write_units_per_second": 10000}, 1000, 100, 20, "on_demand_peak"),
    ({"mode": "on_demand", "warm_write_units_per_second": 8000}, 1000, 100, 8, "warm_throughput"),
    ({"mode": "provisioned", "read_capacity_units": 6000, "write_capacity_units": 2000}, 1000, 100, 4, "throughput"),
    ({"mode": "provisioned", "read_capacity_units": 10, "write_capacity_units": 10}, 30_000_000, 900, 3, "storage"),
])
def test_partition_count_and_driver_of_a_design(billing, item_count, value_bytes, count, driver):
    report = analyze_partitions(design(billing=billing, item_count=item_count, value_bytes=value_bytes))
    table = report.target("Tbl")
    assert (table.count, table.driver) == (count, driver)


# --- hashing -----------------------------------------------------------------------------------

def test_label_hash_is_stable_and_in_range():
    assert label_hash_unit("STATUS#PENDING") == label_hash_unit("STATUS#PENDING")
    assert 0 <= label_hash_unit("x") < 1
    assert label_hash_unit("a") != label_hash_unit("b")


def test_rank_hash_spreads_keys_uniformly_over_partitions():
    units = rank_hash_unit(np.arange(200_000, dtype=np.uint64), seed=12345)
    counts = np.bincount((units * 20).astype(int), minlength=20)
    assert counts.min() > 0.95 * 10_000 and counts.max() < 1.05 * 10_000


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=1e6), min_size=1, max_size=60), st.integers(1, 10))
def test_top_ranks_are_the_largest_values_in_order(values, n):
    arr = np.array(values)
    top = top_ranks(arr, n)
    assert len(top) == min(n, len(values))
    assert list(arr[top]) == sorted(arr, reverse=True)[: len(top)]


# --- per-key load, CTU, hot keys and fixes -----------------------------------------------------

def test_consumed_throughput_units_are_three_times_writes_plus_reads():
    model = design(patterns=[put(300, distribution=ONE_HOT), get(400, distribution=ONE_HOT)])
    key = analyze_partitions(model).target("Tbl").hot_keys[0]
    assert key.key == "I#id-000000"
    assert key.write_units_per_second == pytest.approx(300)
    assert key.read_units_per_second == pytest.approx(400)  # strong GetItem of a 1 KB item = 1 RCU
    assert key.consumed_throughput_units_per_second == pytest.approx(CTU_WRITE_WEIGHT * 300 + 400)


def test_one_hot_key_takes_the_whole_share_and_leaves_no_headroom():
    report = analyze_partitions(design(patterns=[put(2000, distribution=ONE_HOT)]))
    table = report.target("Tbl")
    assert table.hottest_partition_share == pytest.approx(1.0)
    assert table.headroom == pytest.approx(1 - 2.0)  # 2,000 WCU on a 1,000 WCU partition
    assert table.hot_keys[0].peak_partition_utilization == pytest.approx(2.0)


def test_uniform_keys_spread_load_evenly():
    report = analyze_partitions(design(item_count=100_000, patterns=[put(2000)]))
    table = report.target("Tbl")
    assert table.hottest_partition_share == pytest.approx(1 / table.count, rel=0.05)
    assert not [f for f in report.findings if f.rule_id == "DDB-P101"]


@pytest.mark.parametrize("peak_wcu, shards", [(1000, 2), (2000, 3), (2500, 4), (3000, 4), (8000, 10)])
def test_hot_write_key_fix_names_the_suffix_count(peak_wcu, shards):
    model = design(patterns=[put(peak_wcu, distribution=ONE_HOT)])
    findings = [f for f in analyze_partitions(model).findings if f.rule_id == "DDB-P101"]
    if peak_wcu <= 1000:
        assert not findings
        return
    assert shards_needed(peak_wcu / 1000) == shards
    assert findings[0].severity == "error"
    assert f"({shards} suffixes)" in findings[0].fix
    assert "TableWriteKeyRangeThroughputExceeded" in findings[0].message


def test_hot_read_key_fix_names_the_cache_hit_rate():
    model = design(patterns=[put(1), get(6000, distribution=ONE_HOT)])
    finding = next(f for f in analyze_partitions(model).findings if f.rule_id == "DDB-P101")
    # 6,000 RCU on one key; 80% of 3,000 = 2,400 may reach the table: 60% must come from a cache.
    assert "at least 60%" in finding.fix
    assert "TableReadKeyRangeThroughputExceeded" in finding.message


def test_under_provisioned_table_is_a_finding_with_the_capacity_needed():
    billing = {"mode": "provisioned", "read_capacity_units": 100, "write_capacity_units": 100}
    report = analyze_partitions(design(billing=billing, item_count=100_000, patterns=[put(400)]))
    finding = next(f for f in report.findings if f.rule_id == "DDB-P105")
    assert "TableWriteProvisionedThroughputExceeded" in finding.message
    assert "500" in finding.fix  # 400 / 0.8


# --- index keys have their own distribution ---------------------------------------------------

STATUS_GSI = {"name": "ByStatus", "partition_key": {"name": "status"}}
STATUS_KEYS = [{"attribute": "status", "template": "{status}"}]
STATUS_VALUES = [{"name": "status", "cardinality": 4, "kind": "enum", "values": ["NEW", "PAID", "SENT", "DONE"]}]


def test_gsi_on_an_enum_takes_one_value_share_of_the_writes():
    model = design(item_count=100_000, gsis=[STATUS_GSI], keys=STATUS_KEYS, variables=STATUS_VALUES,
                   patterns=[put(2000)])
    gsi = analyze_partitions(model).target("Tbl#ByStatus")
    assert gsi.hot_keys[0].key in {"NEW", "PAID", "SENT", "DONE"}
    assert gsi.hot_keys[0].write_units_per_second == pytest.approx(2000 / 4)


def test_gsi_hot_value_named_by_the_distribution_takes_its_share():
    dist = {"kind": "hot_keys", "keys": [{"key": "NEW", "share": 1.0}]}
    model = design(item_count=100_000, gsis=[STATUS_GSI], keys=STATUS_KEYS, variables=STATUS_VALUES,
                   patterns=[put(2000, distribution=dist)])
    report = analyze_partitions(model)
    gsi = report.target("Tbl#ByStatus")
    assert gsi.hot_keys[0].key == "NEW"
    assert gsi.hot_keys[0].write_units_per_second == pytest.approx(2000)
    finding = next(f for f in report.findings if f.path == "partitions.Tbl#ByStatus")
    assert "IndexWriteKeyRangeThroughputExceeded" in finding.message and "back-pressure" in finding.message


# --- split for heat limits (DG/throttling-key-range-limit-exceeded-mitigation.html) ------------

def _splittable(**kwargs) -> int:
    return analyze_partitions(design(**kwargs)).target("Tbl").hot_keys[0].splittable_units


def test_split_cannot_go_below_one_item():
    assert _splittable(item_count=1000, patterns=[put(10, distribution=ONE_HOT)]) == 1


def test_item_collection_with_a_plain_sort_key_can_split():
    kwargs = dict(item_count=10_000, cardinality=10, sort_key=True,
                  keys=[{"attribute": "sk", "template": "ITEM#{n}"}],
                  variables=[{"name": "n", "cardinality": 1000}],
                  patterns=[put(10, distribution=ONE_HOT, sk="ITEM#{n}")])
    assert _splittable(**kwargs) == 1000


def test_monotonic_sort_key_or_lsi_blocks_splitting():
    base = dict(item_count=10_000, cardinality=10, sort_key=True, patterns=[put(10, distribution=ONE_HOT, sk="{ts}")])
    stamp = [{"name": "ts", "cardinality": 1000, "kind": "timestamp"}]
    assert _splittable(keys=[{"attribute": "sk", "template": "{ts}"}], variables=stamp, **base) == 1
    plain = [{"name": "ts", "cardinality": 1000}]
    lsi = [{"name": "ByV", "sort_key": {"name": "v"}}]
    assert _splittable(keys=[{"attribute": "sk", "template": "{ts}"}], variables=plain, lsis=lsi, **base) == 1
    assert _splittable(keys=[{"attribute": "sk", "template": "{ts}"}], variables=plain, **base) == 1000


# --- sample designs -------------------------------------------------------------------------

def test_hot_enum_key_sample_reports_the_pending_key_with_a_sharding_fix():
    model = load_model_or_sample("hot_enum_key")
    report = analyze_partitions(model, evaluate(model))
    hot = [f for f in report.findings if f.rule_id == "DDB-P101"]
    assert hot and "'PENDING'" in hot[0].message and "suffixes" in hot[0].fix
    assert report.hot_keys[0].key == "PENDING"


def test_hot_enum_key_sharded_sample_has_no_hot_key():
    model = load_model_or_sample("hot_enum_key_sharded")
    report = analyze_partitions(model)
    assert not [f for f in report.findings if f.rule_id == "DDB-P101"]
    assert all(t.headroom > 0 for t in report.targets)


def test_a_transaction_loads_every_table_it_writes_on_that_table_s_keys():
    model = parse_model({
        "name": "tx",
        "tables": [{"name": "Orders", "partition_key": {"name": "pk"}},
                   {"name": "Stock", "partition_key": {"name": "sku"},
                    "gsis": [{"name": "ByWarehouse", "partition_key": {"name": "wh"}}]}],
        "entities": [
            {"name": "Order", "table": "Orders", "item_count": 1000,
             "keys": [{"attribute": "pk", "template": "O#{id}"}], "variables": [{"name": "id", "cardinality": 1000}],
             "attributes": [{"name": "v", "size_bytes": 100}]},
            {"name": "Item", "table": "Stock", "item_count": 50,
             "keys": [{"attribute": "sku", "template": "SKU#{sku}"}, {"attribute": "wh", "template": "WH#{wh}"}],
             "variables": [{"name": "sku", "cardinality": 50}, {"name": "wh", "cardinality": 2}],
             "attributes": [{"name": "qty", "type": "N", "size_bytes": 3}]}],
        "access_patterns": [{
            "name": "checkout", "operation": "TransactWriteItems", "table": "Orders", "entities": ["Order"],
            "key_condition": {"partition_key": "O#{id}"}, "requests_per_second": 100,
            "actions": [{"action": "Put", "entity": "Order"},
                        {"action": "Update", "entity": "Item", "changed_attributes": ["qty", "wh"]}]}],
    })
    report = analyze_partitions(model)
    stock = report.target("Stock")
    assert stock.hot_keys[0].key.startswith("SKU#")
    assert stock.write_units_per_second == pytest.approx(200)  # transactional: 2 x 1 WCU per item
    warehouse = report.target("Stock#ByWarehouse")
    assert warehouse.hot_keys[0].key in {"WH#wh-000000", "WH#wh-000001"}
    assert warehouse.hot_keys[0].write_units_per_second == pytest.approx(warehouse.write_units_per_second / 2)


# --- huge key spaces: the most popular ranks one by one, the tail spread -----------------------

@pytest.mark.parametrize("distribution", [
    {"kind": "zipf", "exponent": 1.0}, {"kind": "zipf", "exponent": 0.7}, {"kind": "zipf", "exponent": 1.6},
    {"kind": "uniform"}, {"kind": "hot_keys", "keys": [{"key": "a", "share": 0.3}, {"key": "b", "share": 0.1}]},
])
def test_head_popularity_matches_the_full_distribution(distribution):
    from engine.keyspace import popularity
    from engine.model.entity import Entity
    from engine.partitions import head_popularity

    dist = Entity.model_validate({"name": "x", "table": "t", "item_count": 1,
                                  "key_distribution": distribution}).key_distribution
    full = popularity(dist, 300_000)
    head = head_popularity(dist, 300_000, 20_000)
    assert head == pytest.approx(full[:20_000], rel=1e-5)


def test_a_trillion_key_space_is_modelled_without_a_trillion_rows():
    model = design(item_count=1000, key_template="U#{id}#{day}", cardinality=1_000_000,
                   variables=[{"name": "day", "cardinality": 1_000_000}],
                   patterns=[put(2000, template="U#{id}#{day}", distribution={"kind": "zipf", "exponent": 1.0})])
    table = analyze_partitions(model).target("Tbl")
    assert table.write_units_per_second == pytest.approx(2000)
    top = table.hot_keys[0]
    # zipf s=1 over 1e12 keys: the top key's share is 1 / H(1e12) = 1 / (ln(1e12) + 0.5772...)
    assert top.write_units_per_second == pytest.approx(2000 / (np.log(1e12) + 0.5772156649), rel=1e-3)
    assert top.key == "U#id-000000#day-000000"


@pytest.mark.parametrize("billing, rule, reason", [
    ({"mode": "on_demand"}, "DDB-P107", "TableWriteKeyRangeThroughputExceeded"),
    ({"mode": "on_demand", "max_write_request_units": 3000}, "DDB-P106",
     "TableWriteMaxOnDemandThroughputExceeded"),
])
def test_on_demand_peak_above_what_it_absorbs_is_a_finding(billing, rule, reason):
    # a new on-demand table absorbs 4,000 writes/s at once (DOMAIN.md §4)
    report = analyze_partitions(design(billing=billing, item_count=1_000_000, patterns=[put(5000)]))
    finding = next(f for f in report.findings if f.rule_id == rule)
    assert reason in finding.message
    assert not [f for f in report.findings if f.rule_id == "DDB-P101"]
    quiet = analyze_partitions(design(billing={"mode": "on_demand", "warm_write_units_per_second": 6000},
                                      item_count=1_000_000, patterns=[put(5000)]))
    assert not [f for f in quiet.findings if f.rule_id in ("DDB-P106", "DDB-P107")]


def test_an_index_key_without_described_values_is_an_info_finding():
    gsi = {"name": "ByV", "partition_key": {"name": "v"}}
    report = analyze_partitions(design(item_count=5000, gsis=[gsi], patterns=[put(10)]))
    finding = next(f for f in report.findings if f.rule_id == "DDB-P108")
    assert finding.severity == "info" and "'v'" in finding.message and "5000" in finding.message
    assert report.target("Tbl#ByV").hot_keys[0].write_units_per_second == pytest.approx(10 / 5000)


# --- fast paths: the layout of flat (uniform) key spaces in closed form, bit for bit ------------
# The report treats keys whose shares are all equal without a pass over every key (issue:
# Partitions page under 300 ms). These tests rebuild the layout rank by rank, the definition
# the module documents, and demand the same numbers to the last bit.

def reference_layout(target, top_n: int = 10) -> dict:
    """Per-partition and top-key load computed rank by rank with np.bincount over every key."""
    def units(peak: bool) -> tuple[np.ndarray, np.ndarray]:
        read, write = np.zeros(target.partitions), np.zeros(target.partitions)
        for arm in target.arms:
            rate = arm.peak_units_per_second if peak else arm.units_per_second
            if arm.space is None:
                placed = np.full(target.partitions, rate / target.partitions)
            else:
                placed = np.bincount(target.key_partitions[id(arm.space)], weights=arm.shares * rate,
                                     minlength=target.partitions)
                tail = max(0.0, 1.0 - float(arm.shares.sum()))
                placed = placed + tail * rate / target.partitions if tail > 1e-12 else placed
            (read if arm.channel == "read" else write)[:] += placed
        return read, write

    read, write = units(False)
    peak_u = utilization(*units(True))
    counts = sum((np.bincount(target.key_partitions[id(s)], minlength=target.partitions)
                  + (s.key_count - s.ranks) // target.partitions for s in target.spaces),
                 np.zeros(target.partitions, dtype=np.int64))
    order = np.argsort(-peak_u, kind="stable")[:top_n]
    keys = []
    for space in target.spaces:
        key_read, key_write = space_key_units(target, space, peak=False)  # every rank
        ctu = CTU_WRITE_WEIGHT * key_write + key_read
        hot = next((a.hot_labels for a in target.arms if a.space is space and a.hot_labels), ())
        keys += [(float(ctu[r]), space.template, space.label(int(r), hot), float(key_read[r]), float(key_write[r]))
                 for r in top_ranks(ctu, top_n)]
    return {"partitions": [(int(p), float(read[p]), float(write[p]), float(peak_u[p]), int(counts[p])) for p in order],
            "read": float(read.sum()), "write": float(write.sum()),
            "keys": sorted(keys, key=lambda k: -k[0])[:top_n]}


def fast_layout(target, top_n: int = 10) -> dict:
    layout = layout_of(target, top_n)
    return {"partitions": [(p.partition, p.read_units_per_second, p.write_units_per_second, p.peak_utilization,
                            p.key_count) for p in layout.hottest_partitions],
            "read": layout.read_units_per_second, "write": layout.write_units_per_second,
            "keys": [(k.consumed_throughput_units_per_second, k.template, k.key,
                      k.read_units_per_second, k.write_units_per_second) for k in layout.hot_keys]}


def assert_layouts_match_rank_by_rank(model) -> None:
    targets, _ = build_targets(model, evaluate(model))
    for target in targets:
        assert fast_layout(target) == reference_layout(target), target.target


HOT_A_AND_B = {"kind": "hot_keys", "keys": [{"key": "I#id-000000", "share": 0.3}, {"key": "I#id-000001", "share": 0.1}]}


@pytest.mark.parametrize("distribution", [None, {"kind": "uniform"}, {"kind": "zipf", "exponent": 1.0},
                                          {"kind": "zipf", "exponent": 2.5}, HOT_A_AND_B])
@pytest.mark.parametrize("billing", [None, {"mode": "provisioned", "read_capacity_units": 40_000,
                                            "write_capacity_units": 9_000}])
def test_the_layout_equals_the_rank_by_rank_definition(distribution, billing):
    # 60,000 keys: above LABEL_HASH_MAX_KEYS (hashed by rank), a read and a write arm, a Scan arm.
    patterns = [put(300, distribution=distribution, peak=900),
                {"name": "get", "operation": "GetItem", "table": "Tbl", "entities": ["E"],
                 "key_condition": {"partition_key": "I#{id}"}, "requests_per_second": 2000},
                {"name": "scan", "operation": "Scan", "table": "Tbl", "entities": ["E"], "requests_per_second": 0.5}]
    assert_layouts_match_rank_by_rank(design(item_count=60_000, billing=billing, patterns=patterns))


def test_a_uniform_space_beyond_the_modelled_ranks_equals_the_definition():
    # 3,000,000 keys: the top MAX_RANKS_PER_SPACE one by one, the rest spread evenly.
    model = design(item_count=3_000_000, patterns=[put(500), put(80, name="hot", distribution=HOT_A_AND_B)])
    assert_layouts_match_rank_by_rank(model)


@pytest.mark.parametrize("name", ["global_game_state", "orders_simple_key", "crm_complex_filtering",
                                  "team_users_gsi", "hot_enum_key"])
def test_sample_layouts_equal_the_definition(name):
    assert_layouts_match_rank_by_rank(load_model_or_sample(name))


@settings(max_examples=60, deadline=None)
@given(counts=st.lists(st.integers(0, 5000), min_size=1, max_size=12),
       weight=st.floats(1e-12, 1e6, allow_nan=False, allow_infinity=False))
def test_repeated_sums_are_what_bincount_accumulates(counts, weight):
    keys = np.repeat(np.arange(len(counts)), counts)
    np.random.default_rng(0).shuffle(keys)
    expected = np.bincount(keys, weights=np.full(keys.size, weight), minlength=len(counts))
    assert np.array_equal(repeated_sums(np.array(counts), weight), expected)  # bit for bit


@settings(max_examples=60, deadline=None)
@given(head=st.lists(st.sampled_from([0.5, 0.25, 0.125]), max_size=6), flat=st.integers(0, 6))
def test_constant_tail_start_is_where_the_last_value_starts_repeating(head, flat):
    values = np.array(head + [0.125] * flat)
    start = constant_tail_start(values)
    assert np.all(values[start:] == values[-1]) if values.size else start == 0
    assert start == 0 or values[start - 1] != values[-1]


def test_rank_hash_is_the_textbook_splitmix64_and_leaves_its_input_alone():
    ranks = np.arange(10_000, dtype=np.uint64)
    seed = 0x0123456789ABCDEF
    z = ranks + np.uint64(seed)
    z = z * np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    textbook = (z >> np.uint64(11)).astype(np.float64) / 2.0**53
    assert np.array_equal(rank_hash_unit(ranks, seed), textbook)
    assert np.array_equal(ranks, np.arange(10_000, dtype=np.uint64))

    model = design(item_count=10_000)
    target = build_targets(model, evaluate(model))[0][0]
    space = target.spaces[0]
    for partitions in (1, 3, 7, 1000):
        expected = units_to_partitions(rank_hash_unit(ranks, template_seed(space.target, space.template)), partitions)
        assert np.array_equal(space_partitions(space, partitions), expected)


@pytest.mark.parametrize("ranks", [1, HASH_CHUNK_RANKS, HASH_CHUNK_RANKS + 1, 3 * HASH_CHUNK_RANKS + 17])
@pytest.mark.parametrize("partitions", [1, 4, 13, 2048])
def test_hashing_ranks_block_by_block_places_them_like_one_pass(ranks, partitions):
    seed = 0xFEDCBA9876543210
    one_pass = units_to_partitions(rank_hash_unit(np.arange(ranks, dtype=np.uint64), seed), partitions)
    assert np.array_equal(rank_partitions(ranks, seed, partitions), one_pass)


def test_a_table_of_more_partitions_than_the_analysis_lays_out_is_refused_with_a_message() -> None:
    """Issue 14 (10,000-design fuzz run): 1 EB of storage asked for 92 million partitions, arrays of 706 MiB each
    and a MemoryError; the analysis refuses it before allocating, naming the table, the count and what to change."""
    import resource

    from large_designs import exabyte_design

    from engine.evaluate import evaluate
    from engine.model import parse_model
    from engine.partitions import MAX_ANALYZED_PARTITIONS, PartitionLimitError, analyze_partitions

    design = exabyte_design()
    model = parse_model(design)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(PartitionLimitError, match=rf"Articles: [\d,]+ partitions \(storage\) is more than the "
                                                  rf"partition analysis handles \({MAX_ANALYZED_PARTITIONS:,}"):
        analyze_partitions(model, evaluate(model))
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200 * 1024  # KiB: nothing sized by 10^8
