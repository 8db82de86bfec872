"""Heat simulation: admission control scenarios with known answers (DOMAIN.md §4).

Sources: DG/burst-adaptive-capacity.html (300 s burst, adaptive capacity, 3,000 RCU / 1,000 WCU
per partition), DG/on-demand-capacity-mode.html (2x previous peak), DG/gsi-throttling.html
(back-pressure), API_ThrottlingReason (reason names).
"""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.cli import main
from engine.heat import (
    ArmSpec,
    HeatOptions,
    KeyGroup,
    TargetSpec,
    TrafficProfile,
    bank_levels,
    profile_multipliers,
    simulate_heat,
    simulate_specs,
)
from engine.io import load_model_or_sample
from engine.model import parse_model


def uniform_arm(pattern, channel, rps, keys, partitions, units=1.0, seed=0):
    rng = np.random.default_rng(seed)
    group = KeyGroup(key_partition=rng.integers(0, partitions, keys), splittable_units=1)
    return ArmSpec(pattern=pattern, channel=channel, units_per_request=units, requests_per_second=rps,
                   group=group, shares=np.full(keys, 1.0 / keys))


def one_key_arm(pattern, channel, rps, partition=0, units=1.0, label="ITEM#1"):
    group = KeyGroup(key_partition=np.array([partition]), splittable_units=1, label=lambda r: label)
    return ArmSpec(pattern=pattern, channel=channel, units_per_request=units, requests_per_second=rps,
                   group=group, shares=np.array([1.0]))


def provisioned(name, partitions, rcu, wcu, arms, **kw):
    return TargetSpec(name=name, partitions=partitions, billing="provisioned", read_capacity_units=rcu,
                      write_capacity_units=wcu, arms=tuple(arms), **kw)


def series(result, pattern):
    """Throttled share per second (results kept at one-second buckets in these tests)."""
    return result.pattern(pattern).throttled_fraction_series


# --- uniform load at half capacity never throttles ---------------------------------------------

@settings(max_examples=12, deadline=None)
@given(st.integers(1, 40), st.sampled_from(["read", "write"]), st.integers(0, 10_000))
def test_uniform_load_at_half_capacity_never_throttles(partitions, channel, seed):
    capacity = partitions * (3000.0 if channel == "read" else 1000.0)
    arm = uniform_arm("p", channel, capacity / 2, keys=20_000, partitions=partitions, seed=seed)
    spec = provisioned("T", partitions, capacity if channel == "read" else 10, capacity if channel == "write" else 10,
                       [arm])
    result = simulate_specs([spec], HeatOptions(horizon_seconds=600), rng=np.random.default_rng(seed))
    assert result.pattern("p").throttled_fraction == 0.0
    assert result.pattern("p").throttle_reasons == {}


# --- one item can never exceed one partition ------------------------------------------------

@pytest.mark.parametrize("billing, capacity", [
    ("provisioned", 2000.0), ("provisioned", 10000.0), ("provisioned", 40000.0), ("on_demand", 4000.0),
    ("on_demand", 40000.0),
])
def test_one_item_written_at_2000_wcu_is_throttled_half_whatever_the_capacity(billing, capacity):
    spec = TargetSpec(name="T", partitions=max(1, int(capacity // 1000)), billing=billing,
                      read_capacity_units=12000, write_capacity_units=capacity,
                      arms=(one_key_arm("w", "write", 2000),))
    result = simulate_specs([spec], HeatOptions(), rng=np.random.default_rng(7))
    pattern = result.pattern("w")
    assert pattern.throttled_fraction == pytest.approx(0.50, abs=0.02)
    assert set(pattern.throttle_reasons) == {"TableWriteKeyRangeThroughputExceeded"}
    assert result.hot_keys[0].key == "ITEM#1"
    assert result.hot_keys[0].consumed_units_per_second == pytest.approx(3 * 1000, rel=0.02)


# --- burst: 300 s of unused capacity ----------------------------------------------------------

def test_burst_carries_a_spike_for_about_33_seconds_then_throttles_90_percent():
    # 100 WCU idle for 300 s banks 30,000 units; 1,000 WCU/s drains 900/s of it: ~33 s.
    arm = uniform_arm("w", "write", 1000, keys=1000, partitions=1)
    spec = provisioned("T", 1, 100, 100, [arm])
    profile = TrafficProfile(kind="spike", baseline=0.0, multiplier=1.0, at_seconds=300, duration_seconds=1e6)
    options = HeatOptions(horizon_seconds=900, initial_burst_seconds=0, request_noise=False, split_for_heat=False,
                          profiles={"w": profile}, heatmap_max_buckets=900)
    result = simulate_specs([spec], options)
    throttled = series(result, "w")
    assert throttled[:300].max() == 0.0
    assert result.pattern("w").first_throttled_second == pytest.approx(333, abs=2)
    assert throttled[340:].mean() == pytest.approx(0.90, abs=0.005)
    assert set(result.pattern("w").throttle_reasons) == {"TableWriteProvisionedThroughputExceeded"}


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-500, 500), min_size=1, max_size=70), st.floats(0, 1000), st.floats(1, 2000))
def test_bank_scan_equals_the_second_by_second_bucket(x, start, cap):
    start = min(start, cap)
    before, end = bank_levels(np.array([start]), np.array([x]), np.array([cap]))
    level = start
    for t, step in enumerate(x):
        assert before[0, t] == pytest.approx(level, abs=1e-6)
        level = min(cap, max(0.0, level + step))
    assert end[0] == pytest.approx(level, abs=1e-6)


# --- adaptive capacity and split for heat ------------------------------------------------------

def test_adaptive_capacity_lends_unused_table_throughput_to_a_hot_partition():
    # 10 partitions x 100 WCU share; one partition gets 800 WCU/s, the table 1,000 in total.
    hot = uniform_arm("hot", "write", 800, keys=100, partitions=1)
    spec = provisioned("T", 10, 10, 1000, [hot])
    on = simulate_specs([spec], HeatOptions(request_noise=False, initial_burst_seconds=0))
    off = simulate_specs([spec], HeatOptions(request_noise=False, initial_burst_seconds=0, adaptive_capacity=False))
    assert on.pattern("hot").throttled_fraction == 0.0
    assert off.pattern("hot").throttled_fraction > 0.5


def test_two_hot_keys_sharing_a_partition_stop_throttling_after_split_for_heat():
    group = KeyGroup(key_partition=np.array([0, 0]), splittable_units=1)
    arm = ArmSpec(pattern="w", channel="write", units_per_request=1, requests_per_second=1400, group=group,
                  shares=np.array([0.5, 0.5]))
    spec = TargetSpec(name="T", partitions=4, billing="on_demand", read_capacity_units=12000,
                      write_capacity_units=4000, arms=(arm,))
    options = HeatOptions(horizon_seconds=1800, request_noise=False, split_after_seconds=600, heatmap_max_buckets=1800)
    result = simulate_specs([spec], options)
    throttled = series(result, "w")
    assert throttled[:590].min() == pytest.approx(1 - 1000 / 1400, abs=0.01)
    assert throttled[700:].max() == 0.0
    assert result.target("T").partitions_end == 5
    unsplit = simulate_specs([spec], HeatOptions(horizon_seconds=1800, request_noise=False, split_for_heat=False))
    assert unsplit.pattern("w").throttled_fraction == pytest.approx(1 - 1000 / 1400, abs=0.01)


# --- on-demand: 2x previous peak -------------------------------------------------------------

def test_on_demand_jump_past_twice_the_previous_peak_throttles_until_scaled():
    arm = uniform_arm("w", "write", 5000, keys=50_000, partitions=2)
    spec = TargetSpec(name="T", partitions=2, billing="on_demand", read_capacity_units=12000,
                      write_capacity_units=2000, on_demand_floor=(0.0, 1000.0), arms=(arm,))
    options = HeatOptions(horizon_seconds=3600, request_noise=False, heatmap_max_buckets=3600)
    result = simulate_specs([spec], options)
    throttled = series(result, "w")
    assert throttled[:600].mean() == pytest.approx(1 - 2000 / 5000, abs=0.02)
    assert throttled[-600:].max() == 0.0
    assert "TableWriteKeyRangeThroughputExceeded" in result.pattern("w").throttle_reasons
    target = result.target("T")
    assert target.write_capacity_series[-1] >= 5000
    assert target.partitions_end > target.partitions_start


def test_on_demand_maximum_throughput_is_its_own_reason():
    arm = uniform_arm("r", "read", 5000, keys=10_000, partitions=4, units=1)
    spec = TargetSpec(name="T", partitions=4, billing="on_demand", read_capacity_units=2000,
                      write_capacity_units=4000, max_read_units=2000, arms=(arm,))
    result = simulate_specs([spec], HeatOptions(request_noise=False, initial_burst_seconds=0))
    pattern = result.pattern("r")
    assert pattern.throttled_fraction == pytest.approx(0.6, abs=0.02)
    assert set(pattern.throttle_reasons) == {"TableReadMaxOnDemandThroughputExceeded"}


# --- provisioned auto scaling ----------------------------------------------------------------

def test_auto_scaling_raises_capacity_after_its_delay_and_throttling_stops():
    arm = uniform_arm("w", "write", 1500, keys=10_000, partitions=2)
    spec = provisioned("T", 2, 100, 1000, [arm], auto_scaling_target=0.7, max_write_units=10000)
    options = HeatOptions(horizon_seconds=1800, request_noise=False, initial_burst_seconds=0,
                          auto_scaling_delay_seconds=300, heatmap_max_buckets=1800)
    result = simulate_specs([spec], options)
    throttled = series(result, "w")
    assert throttled[:290].mean() == pytest.approx(1 - 1000 / 1500, abs=0.02)
    assert throttled[-300:].max() == 0.0
    assert result.target("T").write_capacity_series[-1] >= 1500
    fixed = simulate_specs([provisioned("T", 2, 100, 1000, [arm])], HeatOptions(request_noise=False))
    assert fixed.pattern("w").throttled_fraction > 0.25


# --- GSI back-pressure -------------------------------------------------------------------------

def test_a_hot_gsi_key_throttles_base_table_writes():
    table = TargetSpec(name="T", partitions=40, billing="on_demand", read_capacity_units=12000,
                       write_capacity_units=40000, arms=(uniform_arm("put", "write", 2000, 100_000, 40),))
    gsi = TargetSpec(name="T#ByStatus", partitions=4, billing="on_demand", read_capacity_units=12000,
                     write_capacity_units=4000, arms=(one_key_arm("put", "write", 2000, label="PENDING"),),
                     is_index=True, table="T")
    result = simulate_specs([table, gsi], HeatOptions(request_noise=False))
    put = result.pattern("put")
    assert put.throttled_fraction == pytest.approx(0.5, abs=0.01)
    assert set(put.throttle_reasons) == {"IndexWriteKeyRangeThroughputExceeded"}
    # the base table only sees the writes the index admitted
    assert result.target("T").consumed_write_series.mean() == pytest.approx(1000, rel=0.01)


def test_an_under_provisioned_gsi_throttles_base_table_writes_with_its_reason():
    table = provisioned("T", 4, 1000, 4000, [uniform_arm("put", "write", 1000, 100_000, 4)])
    gsi = provisioned("T#ByCustomer", 1, 100, 200, [uniform_arm("put", "write", 1000, 10_000, 1, seed=3)],
                      is_index=True, table="T")
    result = simulate_specs([table, gsi], HeatOptions(request_noise=False, initial_burst_seconds=0))
    put = result.pattern("put")
    assert put.throttled_fraction == pytest.approx(0.8, abs=0.01)
    assert set(put.throttle_reasons) == {"IndexWriteProvisionedThroughputExceeded"}


# --- profiles, determinism, result size --------------------------------------------------------

@pytest.mark.parametrize("profile, second, expected", [
    (TrafficProfile(kind="steady"), 100, 1.0),
    (TrafficProfile(kind="spike", multiplier=5, at_seconds=60, duration_seconds=30), 59, 1.0),
    (TrafficProfile(kind="spike", multiplier=5, at_seconds=60, duration_seconds=30), 60, 5.0),
    (TrafficProfile(kind="spike", multiplier=5, at_seconds=60, duration_seconds=30), 90, 1.0),
    (TrafficProfile(kind="ramp", multiplier=3, at_seconds=100, duration_seconds=100), 150, 2.0),
    (TrafficProfile(kind="ramp", multiplier=3, at_seconds=100, duration_seconds=100), 250, 3.0),
    (TrafficProfile(kind="diurnal", multiplier=3, at_seconds=0, period_seconds=200), 100, 3.0),
    (TrafficProfile(kind="diurnal", multiplier=3, at_seconds=0, period_seconds=200), 0, 1.0),
    (TrafficProfile(kind="spike"), 700, 4.0),  # no multiplier: the pattern's peak / average
])
def test_traffic_profiles(profile, second, expected):
    assert profile_multipliers(profile, 300 if second < 300 else 800, peak_ratio=4.0)[second] == pytest.approx(expected)


def _model(write_rps=2000.0, status_share=1.0):
    return parse_model({
        "name": "d",
        "tables": [{"name": "Orders", "partition_key": {"name": "pk"},
                    "gsis": [{"name": "ByStatus", "partition_key": {"name": "status"}}]}],
        "entities": [{"name": "Order", "table": "Orders", "item_count": 1_000_000,
                      "keys": [{"attribute": "pk", "template": "O#{id}"},
                               {"attribute": "status", "template": "{status}"}],
                      "variables": [{"name": "id", "cardinality": 1_000_000},
                                    {"name": "status", "cardinality": 2, "kind": "enum", "values": ["NEW", "OLD"]}],
                      "key_distribution": {"kind": "hot_keys", "keys": [{"key": "NEW", "share": status_share}]},
                      "attributes": [{"name": "v", "size_bytes": 200}]}],
        "access_patterns": [{"name": "put", "operation": "PutItem", "table": "Orders", "entities": ["Order"],
                             "key_condition": {"partition_key": "O#{id}"}, "requests_per_second": write_rps}],
    })


def test_a_design_with_a_hot_gsi_status_key_throttles_its_writes():
    result = simulate_heat(_model(), HeatOptions(horizon_seconds=600), rng=np.random.default_rng(1))
    put = result.pattern("put")
    assert put.throttled_fraction == pytest.approx(0.5, abs=0.02)
    assert set(put.throttle_reasons) == {"IndexWriteKeyRangeThroughputExceeded"}
    assert result.hot_keys[0].target == "Orders#ByStatus" and result.hot_keys[0].key == "NEW"


def test_same_seed_same_result_and_another_seed_differs():
    model = _model()
    a = simulate_heat(model, HeatOptions(horizon_seconds=300), rng=np.random.default_rng(5))
    b = simulate_heat(model, HeatOptions(horizon_seconds=300), rng=np.random.default_rng(5))
    c = simulate_heat(model, HeatOptions(horizon_seconds=300), rng=np.random.default_rng(6))
    assert a.to_json() == b.to_json()
    assert a.pattern("put").requests != c.pattern("put").requests


def test_results_stay_small_for_the_ui():
    arm = uniform_arm("w", "write", 50_000, keys=100_000, partitions=500)
    spec = provisioned("T", 500, 10, 500_000, [arm])
    result = simulate_specs([spec], HeatOptions(horizon_seconds=3600), rng=np.random.default_rng(0))
    heatmap = result.heatmaps[0]
    assert heatmap.consumed_write.shape == (200, 360)
    assert heatmap.bucket_seconds == 10
    assert result.targets[0].partition_count_series.shape == (360,)
    # hottest partitions first
    load = heatmap.consumed_write.mean(axis=1)
    assert load[0] >= load[-1]


# --- sample designs and the CLI -------------------------------------------------------------

def test_hot_enum_key_throttles_and_its_sharded_version_does_not():
    hot = simulate_heat(load_model_or_sample("hot_enum_key"), rng=np.random.default_rng(0))
    place = hot.pattern("place order")
    assert place.throttled_fraction > 0.3
    assert "TableWriteKeyRangeThroughputExceeded" in place.throttle_reasons
    sharded = simulate_heat(load_model_or_sample("hot_enum_key_sharded"), rng=np.random.default_rng(0))
    assert all(p.throttled_fraction == 0.0 for p in sharded.patterns)


def test_cli_json_shape():
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(["heat", "hot_enum_key", "--horizon", "600", "--seed", "3", "--json"])
    assert code == 0
    data = json.loads(out.getvalue())
    for p in data["patterns"]:
        assert {"name", "throttled_fraction", "throttle_reasons"} <= set(p)
        assert 0.0 <= p["throttled_fraction"] <= 1.0
    assert {"target", "key", "consumed_units_per_second"} <= set(data["hot_keys"][0])
    assert data["partitions"] == [{**data["partitions"][0], "target": "OrdersByStatus", "driver": "on_demand_peak"}]
    assert {p["driver"] for p in data["partitions"]} <= {"storage", "throughput", "on_demand_peak", "warm_throughput"}


def test_cli_rejects_a_bad_horizon_without_a_traceback(capsys):
    # an out-of-range flag is a command-line usage error: exit 2 (issue 2 §5), argparse names the flag
    with pytest.raises(SystemExit) as info:
        main(["heat", "hot_enum_key", "--horizon", "-5"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "--horizon: -5 is out of range" in err and "Traceback" not in err


# --- invariants -------------------------------------------------------------------------------

def _zipf_spec(partitions, write_capacity, write_rps, read_rps, exponent, seed):
    keys = 5000
    shares = np.arange(1, keys + 1, dtype=float) ** -exponent
    shares /= shares.sum()
    group = KeyGroup(key_partition=np.random.default_rng(seed).integers(0, partitions, keys), splittable_units=1)
    arms = (ArmSpec(pattern="w", channel="write", units_per_request=1.0, requests_per_second=write_rps, group=group,
                    shares=shares),
            ArmSpec(pattern="r", channel="read", units_per_request=0.5, requests_per_second=read_rps, group=group,
                    shares=shares))
    return provisioned("T", partitions, 3000.0 * partitions, write_capacity, arms)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 20), st.floats(100, 20_000), st.floats(0, 20_000), st.floats(0, 20_000), st.floats(0.2, 2.0),
       st.integers(0, 1000))
def test_throttling_is_bounded_conserves_units_and_never_grows_with_capacity(partitions, capacity, write_rps,
                                                                          read_rps, exponent, seed):
    options = HeatOptions(horizon_seconds=240, request_noise=False, heatmap_max_buckets=240)
    low = simulate_specs([_zipf_spec(partitions, capacity, write_rps, read_rps, exponent, seed)], options)
    high = simulate_specs([_zipf_spec(partitions, capacity * 2, write_rps, read_rps, exponent, seed)], options)
    for p in low.patterns:
        assert 0.0 <= p.throttled_fraction <= 1.0
        assert sum(p.throttle_reasons.values()) == pytest.approx(p.throttled_requests, rel=1e-6, abs=1e-3)
        assert high.pattern(p.name).throttled_fraction <= p.throttled_fraction + 1e-9
    target = low.targets[0]
    demand = write_rps * 1.0
    assert (target.consumed_write_series + target.throttled_write_series) == pytest.approx(
        np.full(240, demand), rel=1e-6, abs=1e-6)


# --- from designs: LSIs, auto scaling, heatmaps ---------------------------------------------

def _provisioned_design(write_rps, auto_scaling=None, lsi=False):
    billing = {"mode": "provisioned", "read_capacity_units": 100, "write_capacity_units": 500}
    if auto_scaling:
        billing["auto_scaling"] = auto_scaling
    table = {"name": "Events", "partition_key": {"name": "pk"}, "sort_key": {"name": "sk"}, "billing": billing}
    if lsi:
        table["lsis"] = [{"name": "ByKind", "sort_key": {"name": "kind"}}]
    patterns = [{"name": "log", "operation": "PutItem", "table": "Events", "entities": ["Event"],
                 "key_condition": {"partition_key": "D#{dev}", "sort_key": {"operator": "=", "value": "E#{n}"}},
                 "requests_per_second": write_rps}]
    if lsi:
        patterns.append({"name": "by kind", "operation": "Query", "table": "Events", "index": "ByKind",
                         "entities": ["Event"], "key_condition": {"partition_key": "D#{dev}"},
                         "requests_per_second": 10})
    return parse_model({
        "name": "events", "tables": [table],
        "entities": [{"name": "Event", "table": "Events", "item_count": 100_000,
                      "keys": [{"attribute": "pk", "template": "D#{dev}"}, {"attribute": "sk", "template": "E#{n}"},
                               *([{"attribute": "kind", "template": "{kind}"}] if lsi else [])],
                      "variables": [{"name": "dev", "cardinality": 10_000}, {"name": "n", "cardinality": 10},
                                    {"name": "kind", "cardinality": 3}],
                      "attributes": [{"name": "v", "size_bytes": 200}]}],
        "access_patterns": patterns,
    })


def test_a_design_under_provisioned_throttles_and_auto_scaling_catches_up():
    options = HeatOptions(horizon_seconds=1800, initial_burst_seconds=0, heatmap_max_buckets=1800)
    fixed = simulate_heat(_provisioned_design(800), options, rng=np.random.default_rng(0))
    assert fixed.pattern("log").throttled_fraction == pytest.approx(1 - 500 / 800, abs=0.02)
    assert set(fixed.pattern("log").throttle_reasons) == {"TableWriteProvisionedThroughputExceeded"}
    scaled = simulate_heat(_provisioned_design(800, {"target_utilization": 0.7}), options,
                           rng=np.random.default_rng(0))
    assert scaled.pattern("log").throttled_fraction < 0.5 * fixed.pattern("log").throttled_fraction
    assert scaled.pattern("log").throttled_fraction_series[-300:].max() == 0.0
    assert scaled.target("Events").write_capacity_series[-1] > 800


def test_lsi_load_lands_on_the_table_partitions():
    result = simulate_heat(_provisioned_design(100, lsi=True), HeatOptions(horizon_seconds=120),
                           rng=np.random.default_rng(0))
    assert [t.target for t in result.targets] == ["Events"]
    assert result.target("Events").consumed_read_series.mean() > 0
    assert [h.target for h in result.heatmaps] == ["Events"]


def test_reads_of_a_hot_gsi_key_are_throttled_with_the_index_read_reason():
    gsi = TargetSpec(name="T#ByStatus", partitions=4, billing="on_demand", read_capacity_units=12000,
                     write_capacity_units=4000, arms=(one_key_arm("pending", "read", 4000, label="PENDING"),),
                     is_index=True, table="T")
    table = TargetSpec(name="T", partitions=4, billing="on_demand", read_capacity_units=12000,
                       write_capacity_units=4000, arms=())
    result = simulate_specs([table, gsi], HeatOptions(request_noise=False))
    pending = result.pattern("pending")
    assert pending.throttled_fraction == pytest.approx(1 - 3000 / 4000, abs=0.01)  # 3,000 RCU per key
    assert set(pending.throttle_reasons) == {"IndexReadKeyRangeThroughputExceeded"}


def test_heatmap_shows_the_hot_partition_first_with_its_consumed_and_throttled_units():
    hot = one_key_arm("hot", "write", 2000, partition=3)
    rest = uniform_arm("rest", "write", 800, keys=10_000, partitions=8)
    spec = provisioned("T", 8, 100, 8000, [hot, rest])
    options = HeatOptions(horizon_seconds=1000, request_noise=False, heatmap_max_buckets=7, split_for_heat=False)
    result = simulate_specs([spec], options)
    heatmap = result.heatmaps[0]
    assert heatmap.partitions[0] == 3
    assert heatmap.bucket_seconds == 143 and heatmap.consumed_write.shape == (8, 7)
    assert heatmap.consumed_write[0] == pytest.approx(np.full(7, 1000.0), rel=1e-3)  # one partition's limit
    cold_row = heatmap.consumed_write[1:].sum(axis=0)
    total = heatmap.throttled_write[0] + heatmap.consumed_write[0] + cold_row
    assert total == pytest.approx(np.full(7, 2800.0), rel=1e-6)


def test_a_layout_too_large_to_simulate_is_refused_with_a_message(tmp_path, capsys):
    # a petabyte-scale table: the simulator says so instead of allocating terabytes (CLI exit 1, no crash)
    from engine.errors import WorkbenchError
    from engine.heat import MAX_SIMULATED_PARTITIONS
    from engine.io import design_data

    spec = provisioned("Huge", MAX_SIMULATED_PARTITIONS + 1, 3000, 1000, [one_key_arm("w", "write", 10)])
    with pytest.raises(WorkbenchError, match=r"Huge: 100,001 partitions is more than the simulator handles"):
        simulate_specs([spec], HeatOptions(horizon_seconds=10))
    data = design_data(load_model_or_sample("orders_simple_key"))
    data["entities"][0]["item_count"] = 10**13  # the largest the schema accepts (engine.model.base.MAX_ITEMS_PER_ENTITY)
    data["entities"][0]["attributes"][0]["size_bytes"] = 400_000
    path = tmp_path / "huge.json"
    path.write_text(json.dumps(data))
    assert main(["heat", str(path), "--json", "--horizon", "10"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "partitions is more than the simulator handles" in captured.err


def test_burst_never_lifts_an_on_demand_table_above_its_maximum() -> None:
    """Issue 14: 10,000 writes/s of 1 WCU against max_write_request_units 5,000 are half throttled from the first
    second (burst lets a partition exceed its share, not the table its configured maximum; DOMAIN.md §4)."""
    from engine.evaluate import evaluate
    from engine.model import parse_model

    model = parse_model({
        "name": "capped", "tables": [{"name": "Capped", "partition_key": {"name": "pk"}, "billing": {
            "mode": "on_demand", "previous_peak_write_units_per_second": 20000, "max_write_request_units": 5000}}],
        "entities": [{"name": "E", "table": "Capped", "item_count": 1_000_000,
                      "keys": [{"attribute": "pk", "template": "K#{id}"}],
                      "variables": [{"name": "id", "cardinality": 1_000_000}],
                      "attributes": [{"name": "v", "size_bytes": 500}]}],
        "access_patterns": [{"name": "put", "operation": "PutItem", "table": "Capped", "entities": ["E"],
                             "key_condition": {"partition_key": "K#{id}"}, "requests_per_second": 10000}]})
    result = simulate_heat(model, HeatOptions(horizon_seconds=60), np.random.default_rng(0), evaluate(model))
    put = result.patterns[0]
    assert put.throttled_fraction == pytest.approx(0.5, abs=0.01)
    assert put.first_throttled_second == 0
    assert "TableWriteMaxOnDemandThroughputExceeded" in put.throttle_reasons
