"""Capacity unit rules (DOMAIN.md §2): worked examples as cases, invariants as properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.capacity import (
    DesignSizes,
    Target,
    batch_get_read_units,
    batch_write_units,
    failed_write_units,
    index_write_units,
    index_write_units_for_items,
    lsi_query_read_units,
    pattern_capacity,
    query_read_units,
    read_units,
    split_target,
    target_name,
    write_units,
)
from engine.itemsize import SizeDistribution
from engine.model import parse_model

KB = 1024


@pytest.mark.parametrize(("size", "consistency", "units"), [
    (1, "strong", 1), (4 * KB, "strong", 1), (4 * KB + 1, "strong", 2), (4 * KB + 1, "eventual", 1),
    (None, "strong", 1), (None, "eventual", 0.5),            # missing item still costs (DOMAIN.md §2)
    (9 * KB, "transactional", 6),
])
def test_get_item_read_units(size, consistency: str, units: float) -> None:
    assert read_units(size, consistency) == units


def test_batch_get_rounds_each_item() -> None:
    # DOMAIN.md §2: 1.5 KB + 6.5 KB -> 4 + 8 KB -> 3 SC; a missing key costs the minimum
    assert batch_get_read_units([int(1.5 * KB), int(6.5 * KB)]) == 3
    assert batch_get_read_units([int(1.5 * KB), None], "eventual") == 1


@pytest.mark.parametrize(("sizes", "strong", "eventual"), [
    ([int(40.8 * KB)], 11, 5.5),                  # 40.8 KB -> 44 KB (DOMAIN.md §2)
    ([64] * 1500, 24, 12),                        # 1,500 x 64 B = 93.75 KB -> 96 KB
    ([1024 * KB], 256, 128),                      # a full 1 MB page
    ([], 1, 0.5),                                 # empty result still costs the minimum (DG/Query.html)
    ([100] * 100, 3, 1.5),                        # seed §6.5: Query of 100 items of 100 B = 3 RCU SC
    ([2000] * 8, 4, 2),                           # 16,000 B -> 16 KB -> 4 SC, 2 EC (GSI example)
])
def test_query_sums_then_rounds(sizes: list[int], strong: float, eventual: float) -> None:
    assert query_read_units(sizes, "strong") == strong
    assert query_read_units(sizes, "eventual") == eventual


def test_query_versus_get_items() -> None:
    # DOMAIN.md §6.5: 3 RCU for one SC Query of 100 x 100 B vs 100 for 100 GetItems
    assert query_read_units([100] * 100) == 3
    assert sum(read_units(100) for _ in range(100)) == 100


def test_lsi_fetch_rounds_each_item() -> None:
    # DOMAIN.md §2 / DG/LSI.html: 4 entries of 200 B -> 4 KB on the LSI; 4 items of 300 B -> 16 KB; 5 SC
    arms = lsi_query_read_units([200] * 4, [300] * 4, "strong")
    assert arms == {"index": 1, "table": 4}
    assert sum(arms.values()) == 5


@pytest.mark.parametrize(("before", "after", "transactional", "units"), [
    (None, 500, False, 1), (int(9.5 * KB), int(9.5 * KB) + 1, False, 10),  # counter on a 9.5 KB item
    (None, None, False, 1), (2 * KB, 100, False, 2), (500, 500, True, 2),
])
def test_write_units(before, after, transactional: bool, units: float) -> None:
    assert write_units(before, after, transactional) == units


def test_failed_condition_still_charged() -> None:
    assert failed_write_units(3 * KB) == 3
    assert failed_write_units(None) == 1


def test_batch_write_rounds_each_item() -> None:
    assert batch_write_units([500, int(3.5 * KB)]) == 5          # DOMAIN.md §2: 1 + 4 = 5 WCU


@pytest.mark.parametrize(("old", "new", "moved", "changed", "units"), [
    (None, None, False, True, 0),          # absent -> absent
    (None, 1500, False, True, 2),          # absent -> present: ceil(new)
    (2500, None, False, True, 3),          # present -> absent: ceil(old)
    (900, 1500, False, True, 2),           # same key, changed: max
    (900, 900, False, False, 0),           # same key, unchanged
    (900, 1500, True, True, 3),            # key moved: ceil(old) + ceil(new)
])
def test_index_write_table(old, new, moved: bool, changed: bool, units: float) -> None:
    # DOMAIN.md §2 index write table (DG/GSI.html)
    assert index_write_units(old, new, moved, changed) == units


def test_index_write_units_from_items() -> None:
    old = {"pk": {"S": "u1"}, "team": {"S": "t1"}, "role": {"S": "admin"}, "bio": {"S": "x"}}
    keys = dict(table_keys=("pk",), index_keys=("team", "role"), projection_type="KEYS_ONLY")
    assert index_write_units_for_items(old, {**old, "bio": {"S": "y"}}, **keys) == 0   # no arm
    assert index_write_units_for_items(old, {**old, "role": {"S": "member"}}, **keys) == 2   # moved
    assert index_write_units_for_items(None, old, **keys) == 1
    sparse = {k: v for k, v in old.items() if k != "role"}
    assert index_write_units_for_items(sparse, {**sparse, "bio": {"S": "z"}}, **keys) == 0


# ------------------------------------------------------------------------ design patterns
def _design(pattern: dict, gsis: int = 0, entry_projection: str = "ALL", value_bytes: int = 900) -> object:
    return parse_model({
        "name": "t",
        "tables": [{"name": "Tbl", "partition_key": {"name": "pk"},
                    "gsis": [{"name": f"GSI{i}", "partition_key": {"name": f"g{i}"},
                              "projection": {"type": entry_projection}} for i in range(gsis)]}],
        "entities": [{"name": "E", "table": "Tbl", "item_count": 1000,
                      "keys": [{"attribute": "pk", "template": "E#{id}"},
                               *({"attribute": f"g{i}", "template": "G#{id}"} for i in range(gsis))],
                      "variables": [{"name": "id", "cardinality": 1000}],
                      "attributes": [{"name": "v", "size_bytes": value_bytes}]}],
        "access_patterns": [{"name": "p", "table": "Tbl", "entities": ["E"], "requests_per_second": 1,
                             "key_condition": {"partition_key": "E#{id}"}, **pattern}],
    })


def _capacity(model):
    return pattern_capacity(model, DesignSizes(model), model.access_patterns[0])


def test_five_gsis_turn_one_write_into_six() -> None:
    # DOMAIN.md §6.2: five GSIs, each entry <= 1 KB and each written, turn 1 WCU into 6
    cap = _capacity(_design({"operation": "PutItem"}, gsis=5))
    assert cap.write_units_per_request == 6
    assert set(cap.index_write_units_per_request) == {f"GSI{i}" for i in range(5)}
    assert [a.target for a in cap.arms][0] == "Tbl" and "Tbl#GSI0" in [a.target for a in cap.arms]


def test_transaction_doubles_table_arm_only() -> None:
    # DOMAIN.md §2: table arm doubles, index arms are not doubled
    model = _design({"operation": "TransactWriteItems", "actions": [{"action": "Put", "entity": "E"}] * 3}, gsis=1)
    arms = {a.target: a.write_units_per_request for a in _capacity(model).arms}
    assert arms == {"Tbl": 6, "Tbl#GSI0": 3}


def test_condition_check_charged_as_transactional_write() -> None:
    model = _design({"operation": "TransactWriteItems", "actions": [{"action": "ConditionCheck", "entity": "E"}]},
                    gsis=1)
    assert {a.target: a.write_units_per_request for a in _capacity(model).arms} == {"Tbl": 2}


@pytest.mark.parametrize(("action", "table_units"), [
    ("Put", 2),          # the new item does not exist yet: 1 WCU minimum, doubled
    ("Update", 6),       # the existing 2.9 KB item: 3 WCU, doubled
    ("ConditionCheck", 6),
])
def test_cancelled_transaction_charges_each_item_as_it_exists(action: str, table_units: float) -> None:
    # DOMAIN.md §2: a failed condition consumes the existing item's size, or 1 WCU when it does not exist; the
    # cancelled transaction's charge is the documented assumption (table arm doubled, no index writes),
    # the same the sandbox reports on TransactionCanceledException.
    model = _design({"operation": "TransactWriteItems", "condition_failure_share": 1.0,
                     "actions": [{"action": action, "entity": "E", **(
                         {"changed_attributes": ["v"]} if action == "Update" else {})}]},
                    gsis=1, value_bytes=2900)
    assert {a.target: a.write_units_per_request for a in _capacity(model).arms} == {"Tbl": table_units}


def test_update_of_unprojected_attribute_has_no_index_arm() -> None:
    model = _design({"operation": "UpdateItem", "changed_attributes": ["v"]}, gsis=2, entry_projection="KEYS_ONLY")
    cap = _capacity(model)
    assert cap.index_write_units_per_request == {} and [a.target for a in cap.arms] == ["Tbl"]


def test_failed_conditions_are_charged() -> None:
    # half the deletes fail on an existing 900 B item: still 1 WCU each, no index write
    model = _design({"operation": "DeleteItem", "condition_failure_share": 0.5}, gsis=1)
    cap = _capacity(model)
    assert cap.write_units_per_request == pytest.approx(1 + 0.5)
    assert cap.index_write_units_per_request == {"GSI0": pytest.approx(0.5)}


def test_units_averaged_over_size_distribution_not_units_of_mean() -> None:
    # item = "pk"+"x" (3 B) + "v" (1 B) + value uniform on 897..1,897 B -> 901..1,901 B, mean 1,401 B
    # (2 units), but E[units] = P(size <= 1,024) * 1 + P(size > 1,024) * 2 with 124 of 1,001 sizes small
    model = parse_model({
        "name": "t", "tables": [{"name": "Tbl", "partition_key": {"name": "pk"}}],
        "entities": [{"name": "E", "table": "Tbl", "item_count": 1,
                      "keys": [{"attribute": "pk", "template": "x"}],
                      "attributes": [{"name": "v", "size_bytes": 1397, "min_size_bytes": 897,
                                      "max_size_bytes": 1897}]}],
        "access_patterns": [{"name": "p", "operation": "PutItem", "table": "Tbl", "entities": ["E"],
                             "key_condition": {"partition_key": "x"}, "requests_per_second": 1}]})
    expected = 124 / 1001 * 1 + 877 / 1001 * 2
    assert _capacity(model).write_units_per_request == pytest.approx(expected)


# ------------------------------------------------------------------------ properties
@settings(max_examples=60, deadline=None)
@given(st.integers(0, 400 * KB))
def test_eventual_is_half_strong_and_transactional_double(size: int) -> None:
    assert read_units(size, "eventual") == read_units(size, "strong") / 2
    assert read_units(size, "transactional") == 2 * read_units(size, "strong")
    assert write_units(size, size, True) == 2 * write_units(size, size)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 5000), max_size=60), st.integers(1, 5000))
def test_query_units_monotone_in_items(sizes: list[int], extra: int) -> None:
    assert query_read_units([*sizes, extra]) >= query_read_units(sizes)
    assert query_read_units(sizes) <= sum(read_units(s) for s in sizes) or not sizes


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 3000), st.integers(0, 3000), st.integers(1, 40))
def test_sum_distribution_units_match_direct_enumeration(a: int, span: int, count: int) -> None:
    dist = SizeDistribution.uniform(a, a + span)
    sizes = dist.sizes
    # exact: E[ceil(S/4K)] of the sum via convolution is at least ceil(E[S]/4K) - 1 and at most it + 1
    value = dist.expected_sum_ceil_units(count, 4 * KB, 1)
    mean_units = max(1, -(-count * float(sizes.mean()) // (4 * KB)))
    assert mean_units - 1 <= value <= mean_units + 1


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(["UpdateItem", "PutItem", "DeleteItem"]), st.integers(0, 3),
       st.floats(0, 1), st.integers(10, 5000))
def test_index_arms_vanish_when_write_does_not_touch_index(op: str, gsis: int, fail: float, size: int) -> None:
    pattern = {"operation": op, "condition_failure_share": fail}
    if op != "DeleteItem":
        pattern["changed_attributes"] = ["v"]
    model = _design(pattern, gsis=gsis, entry_projection="KEYS_ONLY", value_bytes=size)
    cap = _capacity(model)
    if op == "UpdateItem":
        assert cap.index_write_units_per_request == {}
    assert cap.write_units_per_request >= 1 - 1e-12
    assert cap.write_units_per_request == pytest.approx(sum(a.write_units_per_request for a in cap.arms))


def _lsi_design(pattern: dict, sparse: float = 1.0):
    return parse_model({
        "name": "t",
        "tables": [{"name": "Tbl", "partition_key": {"name": "pk"}, "sort_key": {"name": "sk"},
                    "lsis": [{"name": "LSI", "sort_key": {"name": "ls"}, "projection": {"type": "KEYS_ONLY"}}],
                    "gsis": [{"name": "GSI", "partition_key": {"name": "gp"}, "projection": {"type": "KEYS_ONLY"}}]}],
        "entities": [{"name": "E", "table": "Tbl", "item_count": 100,
                      "keys": [{"attribute": "pk", "template": "p"}, {"attribute": "sk", "template": "s"},
                               {"attribute": "ls", "template": "l"}],
                      "attributes": [{"name": "gp", "size_bytes": 5, "presence": sparse},
                                     {"name": "body", "size_bytes": 3000}]}],
        "access_patterns": [{"name": "p", "table": "Tbl", "entities": ["E"], "requests_per_second": 1,
                             "key_condition": {"partition_key": "p", "sort_key": {"operator": "=", "value": "s"}},
                             **pattern}]})


def test_lsi_query_fetching_from_table_rounds_each_item() -> None:
    # DOMAIN.md §2 (DG/LSI.html): entries summed once on the LSI arm; each fetched item rounded on the table arm
    model = _lsi_design({"operation": "Query", "index": "LSI", "items_per_request": 4, "consistency": "strong",
                         "fetch_from_table": True, "key_condition": {"partition_key": "p"}})
    arms = {a.target: a.read_units_per_request for a in _capacity(model).arms}
    assert arms == {"Tbl#LSI": 1, "Tbl": 4}          # 4 entries of ~10 B -> 1; 4 items of ~3 KB -> 4 x 1
    plain = _lsi_design({"operation": "Query", "index": "LSI", "items_per_request": 4,
                         "key_condition": {"partition_key": "p"}})
    assert {a.target for a in _capacity(plain).arms} == {"Tbl#LSI"}


@pytest.mark.parametrize(("pattern", "read_units"), [
    ({"operation": "BatchGetItem", "items_per_request": 10}, 10 * 0.5),          # each item rounded
    ({"operation": "TransactGetItems", "items_per_request": 3}, 3 * 2),          # transactional: 2 per 4 KB
    ({"operation": "GetItem", "consistency": "strong"}, 1),
    ({"operation": "Scan", "key_condition": None}, 100 * 3040 / 4096),          # all 100 items summed (~3 KB each)
])
def test_read_operations(pattern: dict, read_units: float) -> None:
    cap = _capacity(_lsi_design(pattern))
    if pattern["operation"] == "Scan":
        assert cap.read_units_per_request == pytest.approx(read_units * 0.5, abs=0.5)
    else:
        assert cap.read_units_per_request == read_units


def test_gsi_reads_are_eventual_only() -> None:
    cap = _capacity(_lsi_design({"operation": "Query", "index": "GSI", "items_per_request": 8,
                                 "key_condition": {"partition_key": "x"}}))
    assert cap.read_units_per_request_strong is None and cap.read_units_per_request == 0.5


def test_sparse_index_writes_scale_with_presence() -> None:
    cap = _capacity(_lsi_design({"operation": "PutItem"}, sparse=0.25))
    assert cap.index_write_units_per_request == {"GSI": 0.25, "LSI": 1}
    batch = _capacity(_lsi_design({"operation": "BatchWriteItem", "items_per_request": 5, "write_kind": "delete"},
                                  sparse=0.0))
    assert batch.index_write_units_per_request == {"LSI": 5} and batch.write_units_per_request == 5 * 3 + 5


@pytest.mark.parametrize("sample", ["orders_simple_key", "crm_complex_filtering", "github_single_table", "page_views"])
def test_a_full_scan_pays_one_minimum_read_on_each_partition_the_report_counts(sample: str) -> None:
    """Issue 14: a full Scan's minimum uses the partition report's count (warm throughput, previous peak and
    provisioned throughput as well as storage), not storage alone (DOMAIN.md §2, §4)."""
    from engine.capacity import DesignSizes, scanned_partitions
    from engine.evaluate import evaluate
    from engine.io import load_sample
    from engine.partitions import analyze_partitions

    model = load_sample(sample)
    report = analyze_partitions(model, evaluate(model))
    sizes = DesignSizes(model)
    for table in model.tables:
        for index in (None, *table.gsis):
            target = table.name if index is None else f"{table.name}#{index.name}"
            counted = next(t.count for t in report.targets if t.target == target)
            assert scanned_partitions(model, sizes, table, None if index is None else index.name) == counted, target


@pytest.mark.parametrize(("name", "target"), [("Orders", Target("Orders")), ("Orders#byStatus", Target("Orders", "byStatus"))])
def test_target_names_round_trip(name: str, target: Target) -> None:
    """Target is the one writer and reader of "<table>" / "<table>#<index>" (the key of JSON and CLI output)."""
    assert Target.parse(name) == target and target.name == name
    assert target.is_index == (target.index is not None)
    assert target_name(target.table, target.index) == name and split_target(name) == (target.table, target.index)
