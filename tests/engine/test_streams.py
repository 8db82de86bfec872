"""What a stream adds to a design (issue 16; engine/streams.py, engine/cost/streams.py).

Rules and their sources (docs/streams.md; DG = DynamoDB Developer Guide):
- a record per item change, none for a failed condition or a delete of nothing; 24-hour retention (DG/Streams.html);
- shards follow the table's partitions: the workbench's assumption (AWS documents no count), counted by
  engine.partition_count (10 GB, 3,000 RCU / 1,000 WCU per partition, 4 for a new on-demand table; DOMAIN.md §4);
- at most 2 readers per shard, 1 recommended for global tables (DG/ServiceQuotas.html);
- Lambda polls a shard 4 times a second, batches up to batch_size, runs parallelization_factor batches per shard
  (Lambda guide with-ddb.html, services-ddb-params.html); GetRecords returns at most 1,000 records or 1 MB
  (DG/CostOptimization_StreamsUsage.html);
- prices from the catalogs (engine/pricing_data/*.json `sources`): stream reads $0.02 per 100,000 after 2.5 million
  free, free for Lambda; change data capture $0.10 per million 1 KB units; Kinesis $0.015 per shard-hour and $0.014
  per million 25 KB PUT units, or on-demand $0.04 per stream-hour, $0.08 per GB in and $0.04 per GB out; Lambda
  $0.20 per million requests and $0.0000166667 per GB-second; Pipes $0.40 per million requests.
"""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import DesignValidationError
from engine.evaluate import EvaluateOptions, evaluate
from engine.heat import TrafficProfile
from engine.io import design_data, dump_model, load_sample, loads_model, sample_names
from engine.model import parse_model
from engine.model.edits import rename_entity, rename_table
from engine.pricing import load_catalog
from engine.streams import (
    RETENTION_SECONDS,
    iterator_age,
    lag_over_time,
    profile_series,
    shard_count,
    spike_lag,
    steady_lag,
    stream_traffic,
)

HOURS = 730.0
SECONDS = HOURS * 3600
CATALOG = load_catalog("aws-2024-11")


# ------------------------------------------------------------------------------------------ designs
def design(*consumers: dict, put_rps: float = 40.0, put_peak: float | None = None, item_bytes: int = 900,
           **table_extra) -> dict:
    """An on-demand table Tbl (one entity of ~1 KB items, one put pattern) with a stream and `consumers`, and a
    Totals table holding 1,000 small Total items (the consumers' writes land there)."""
    put = {"name": "put", "operation": "PutItem", "table": "Tbl", "entities": ["Item"],
           "key_condition": {"partition_key": "I#{id}"}, "requests_per_second": put_rps}
    if put_peak is not None:
        put["peak_requests_per_second"] = put_peak
    return {
        "name": "d",
        "tables": [{"name": "Tbl", "partition_key": {"name": "pk"}, "stream_view_type": "NEW_AND_OLD_IMAGES",
                    "stream_consumers": list(consumers), **table_extra},
                   {"name": "Totals", "partition_key": {"name": "pk"}}],
        "entities": [
            {"name": "Item", "table": "Tbl", "item_count": 100_000,
             "keys": [{"attribute": "pk", "template": "I#{id}"}], "variables": [{"name": "id", "cardinality": 100_000}],
             "attributes": [{"name": "v", "size_bytes": item_bytes}, {"name": "g", "size_bytes": 10}]},
            {"name": "Total", "table": "Totals", "item_count": 1000,
             "keys": [{"attribute": "pk", "template": "T#{t}"}], "variables": [{"name": "t", "cardinality": 1000}],
             "attributes": [{"name": "count", "type": "N", "size_bytes": 4}]},
        ],
        "access_patterns": [put],
    }


def lam(name: str = "f", **extra) -> dict:
    return {"kind": "lambda", "name": name, **extra}


def counter(**extra) -> dict:
    return {"table": "Totals", "entity": "Total", "operation": "UpdateItem", "changed_attributes": ["count"], **extra}


def run(d: dict, **options):
    d = {k: v for k, v in d.items() if k != "format_version"}
    model = parse_model(d)
    return model, evaluate(model, EvaluateOptions(**options))


def refused(d: dict) -> str:
    with pytest.raises(DesignValidationError) as err:
        parse_model(d)
    return "\n".join(err.value.problems)


# ---------------------------------------------------------------------------------------- the schema
def test_consumers_need_a_stream_and_the_message_names_field_value_and_fix():
    d = design(lam("totals"))
    del d["tables"][0]["stream_view_type"]
    message = refused(d)
    assert "tables[0].stream_consumers: table 'Tbl' has consumers (totals) but no stream" in message
    assert "set stream_view_type" in message and "remove the consumers" in message


@pytest.mark.parametrize(("write", "expected"), [
    ({"table": "Nope", "entity": "Total"}, "writes[0].table 'Nope' is not a table of the design"),
    ({"table": "Totals", "entity": "Item"}, "writes[0].entity 'Item' is not an entity of table 'Totals'"),
    ({"table": "Totals", "entity": "Total", "changed_attributes": ["nope"]}, "'nope' is not an attribute"),
    ({"table": "Totals"}, "needs exactly one of `entity`"),
    ({"table": "Totals", "entity": "Total", "item_size_bytes": 100}, "needs exactly one of `entity`"),
])
def test_consumer_writes_are_checked_against_the_design(write, expected):
    assert expected in refused(design(lam(writes=[write])))


@pytest.mark.parametrize(("consumer", "expected"), [
    (lam(batch_size=10_001), "batch_size"),                     # 1-10,000 (services-ddb-params.html)
    (lam(batching_window_seconds=301), "batching_window_seconds"),  # 0-300 s
    (lam(parallelization_factor=11), "parallelization_factor"),     # 1-10
    (lam(memory_mb=64), "memory_mb"),                                # 128-10,240 MB
    (lam(filter_share=1.5), "filter_share"),
    ({"kind": "kinesis", "name": "k", "capacity_mode": "provisioned"}, "gives no `shards`"),
    ({"kind": "kinesis", "name": "k", "shards": 2}, "remove `shards`"),
    ({"kind": "elsewhere", "name": "x"}, "'elsewhere' is not a known kind"),
])
def test_consumer_settings_out_of_range_are_refused_with_their_path(consumer, expected):
    message = refused(design(consumer))
    assert "tables[0].stream_consumers[0]" in message and expected in message


def test_duplicate_consumer_names_and_ttl_rate_without_ttl_are_refused():
    assert "name 'f' is used 2 times" in refused(design(lam(), lam()))
    d = design()
    d["tables"][0]["ttl_deletions_per_second"] = 5.0
    assert "ttl_deletions_per_second 5: table 'Tbl' has no ttl_attribute" in refused(d)


def test_designs_without_consumers_load_and_dump_unchanged():
    for name in sample_names():
        model = load_sample(name)
        text = dump_model(model)
        if not any(t.stream_consumers for t in model.tables):
            assert "stream_consumers" not in text and "ttl_deletions_per_second" not in text
        assert loads_model(text) == model


def test_a_design_with_consumers_round_trips():
    model = parse_model(design(lam(writes=[counter()]), {"kind": "kinesis", "name": "k", "capacity_mode": "provisioned",
                                                         "shards": 2}))
    assert loads_model(dump_model(model, "json"), "json") == model


def test_renames_follow_into_consumer_writes():
    data = design_data(parse_model(design(lam(writes=[counter()]))))
    rename_table(data, "Totals", "CustomerTotals")
    rename_entity(data, "Total", "CustomerTotal")
    data.pop("format_version")
    write = parse_model(data).tables[0].stream_consumers[0].writes[0]
    assert (write.table, write.entity) == ("CustomerTotals", "CustomerTotal")


# ------------------------------------------------------------------------------------------- records
def test_records_count_each_changed_item_and_ttl_deletes():
    d = design()
    d["tables"][0]["ttl_attribute"] = "expires"
    d["tables"][0]["ttl_deletions_per_second"] = 3.0
    d["access_patterns"] += [
        # a failed condition changes nothing: 10 x (1 - 0.2) = 8 records/s
        {"name": "upd", "operation": "UpdateItem", "table": "Tbl", "entities": ["Item"],
         "key_condition": {"partition_key": "I#{id}"}, "requests_per_second": 10, "condition_failure_share": 0.2},
        # a delete of a missing item changes nothing: 10 x 0.5 = 5
        {"name": "del", "operation": "DeleteItem", "table": "Tbl", "entities": ["Item"],
         "key_condition": {"partition_key": "I#{id}"}, "requests_per_second": 10, "existing_item_share": 0.5},
        # 2 batches of 10 puts: 20
        {"name": "batch", "operation": "BatchWriteItem", "table": "Tbl", "entities": ["Item"],
         "key_condition": {"partition_key": "I#{id}"}, "requests_per_second": 2, "items_per_request": 10},
        # a Put and a ConditionCheck: 1 record per transaction, 4
        {"name": "tx", "operation": "TransactWriteItems", "table": "Tbl", "entities": ["Item"],
         "requests_per_second": 4, "actions": [{"action": "Put", "entity": "Item"},
                                               {"action": "ConditionCheck", "entity": "Item"}]},
        {"name": "get", "operation": "GetItem", "table": "Tbl", "entities": ["Item"],
         "key_condition": {"partition_key": "I#{id}"}, "requests_per_second": 100},
    ]
    records = stream_traffic(parse_model(d)).table("Tbl")
    assert records.records_from_patterns_per_second == pytest.approx(40 + 8 + 5 + 20 + 4)
    assert records.records_from_ttl_per_second == 3
    assert records.records_per_second == pytest.approx(80)


def test_record_sizes_follow_the_view_type():
    # NEW_AND_OLD_IMAGES: an INSERT carries the new image only; KEYS_ONLY the keys (DG/Streams.html)
    model = parse_model(design(put_rps=10))
    records = stream_traffic(model).table("Tbl")
    item = records.mean_item_bytes
    assert records.stream_record_bytes == pytest.approx(item + _key_bytes(model))
    d = design(put_rps=10)
    d["tables"][0]["stream_view_type"] = "KEYS_ONLY"
    assert stream_traffic(parse_model(d)).table("Tbl").stream_record_bytes == pytest.approx(_key_bytes(model))


def _key_bytes(model) -> float:
    from engine.itemsize import entity_size_distribution

    return entity_size_distribution(model.entity("Item"), model.table("Tbl"), attributes=["pk"]).mean


def test_derived_writes_are_patterns_priced_on_their_target_table():
    # 40 records/s x filter share 0.25 x 2 counters per record = 20 UpdateItems/s of a 1 WCU item on Totals
    model, ev = run(design(lam("totals", filter_share=0.25, writes=[counter(per_record=2)])))
    derived = [p for p in ev.patterns if p.derived_from is not None]
    assert [p.name for p in derived] == ["Tbl.totals: UpdateItem Totals"]
    p = derived[0]
    assert p.derived_from == "tables[0].stream_consumers[0].writes[0]" and p.table == "Totals"
    assert p.requests_per_second == pytest.approx(20) and p.write_units_per_request == 1
    usd = 20 * 1 * SECONDS * CATALOG.on_demand_write_usd_per_million / 1e6
    assert p.monthly_usd == pytest.approx(usd)
    assert ev.table("Totals").throughput_monthly_usd == pytest.approx(usd)   # nothing else writes Totals
    assert ev.design_patterns == ev.patterns[:1] and model.access_patterns[0].name == "put"
    w = ev.stream("Tbl").consumer("totals").writes[0]
    assert w.pattern == p.name and w.requests_per_second == p.requests_per_second


def test_a_write_sized_by_bytes_and_a_chain_of_streams():
    # a 2.5 KB item: 3 WCU; the Totals table has its own stream, carrying the derived writes as records
    d = design(lam(writes=[{"table": "Totals", "item_size_bytes": 2500, "operation": "PutItem"}]), put_rps=10)
    d["tables"][1]["stream_view_type"] = "NEW_IMAGE"
    _, ev = run(d)
    assert ev.pattern("Tbl.f: PutItem Totals").write_units_per_request == 3
    assert ev.stream("Totals").records.records_per_second == pytest.approx(10)
    assert ev.stream("Totals").records.records_from_consumers_per_second == pytest.approx(10)


def test_a_consumer_writing_its_own_table_converges_when_its_filter_drops_half():
    # R = B + 0.5 R: 40 records/s of the design become 80 on the stream, 40 of them from the consumer
    self_write = {"table": "Tbl", "entity": "Item", "operation": "UpdateItem", "changed_attributes": ["g"]}
    _, ev = run(design(lam(writes=[self_write], filter_share=0.5)))
    records = ev.stream("Tbl").records
    assert records.records_per_second == pytest.approx(80) and records.records_from_consumers_per_second == \
        pytest.approx(40)
    assert not records.in_feedback_loop
    _, ev = run(design(lam(writes=[self_write])))   # never dies out: one round counted, flagged
    assert ev.stream("Tbl").records.records_per_second == pytest.approx(80)
    assert ev.stream("Tbl").records.in_feedback_loop


# -------------------------------------------------------------------------------------------- shards
@pytest.mark.parametrize(("billing", "storage_gb", "peak_write", "shards", "driver"), [
    ({"mode": "on_demand"}, 1, 100, 4, "warm_throughput"),      # a new on-demand table: 4,000 WCU warm = 4 partitions
    ({"mode": "on_demand"}, 95, 100, 10, "storage"),            # ~10 GB per partition
    ({"mode": "on_demand"}, 1, 9000, 9, "throughput"),          # its own peak: 1,000 WCU per partition
    ({"mode": "provisioned", "read_capacity_units": 3000.0, "write_capacity_units": 5000.0}, 1, 100, 6, "throughput"),
])
def test_shard_count_follows_the_partitions(billing, storage_gb, peak_write, shards, driver):
    from engine.model import Table

    table = Table.model_validate({"name": "T", "partition_key": {"name": "pk"}, "billing": billing,
                                  "stream_view_type": "KEYS_ONLY"})
    assert shard_count(table, storage_gb * 1024**3, 0.0, peak_write)[:2] == (shards, driver)


def test_the_evaluation_uses_the_partition_count_and_its_peak_load():
    _, ev = run(design(lam(), put_rps=100, put_peak=6000))   # 6,000 WCU/s at the peak -> 6 partitions
    stream = ev.stream("Tbl")
    assert (stream.shards, stream.shard_driver) == (6, "throughput")
    flow = stream.consumer("f").flow
    assert flow.records_per_second_per_shard == pytest.approx(100 / 6)
    assert flow.peak_records_per_second_per_shard == pytest.approx(1000)


def test_readers_per_shard_and_their_limit():
    _, ev = run(design(lam("a"), {"kind": "other", "name": "b"}, {"kind": "kinesis", "name": "k"}))
    assert (ev.stream("Tbl").readers_per_shard, ev.stream("Tbl").max_readers_per_shard) == (2, 2)
    d = design(lam("a"), global_table={"regions": ["us-east-1", "eu-west-1"]})
    assert run(d)[1].stream("Tbl").max_readers_per_shard == 1


def test_lambda_concurrency_and_throughput_per_shard():
    # 4 shards x parallelization factor 3 = 12 batches at once; 3 x 50 records / 0.5 s = 300 delivered records/s per
    # shard, i.e. 600 stream records/s when half the records pass the filter
    flow = run(design(lam(batch_size=50, avg_duration_ms=500, parallelization_factor=3, filter_share=0.5)))[1] \
        .stream("Tbl").consumer("f").flow
    assert flow.concurrency == 12 and flow.throughput_records_per_second_per_shard == pytest.approx(600)
    assert flow.delivered_records_per_second == pytest.approx(20)


# ----------------------------------------------------------------------------------------------- lag
def test_lag_stays_at_the_batch_wait_while_the_consumer_keeps_up():
    series = iterator_age(np.full(100, 5.0), 10.0, floor_seconds=0.25)
    assert np.all(series.iterator_age_seconds == 0.25) and series.backlog_records.max() == 0


def test_lag_grows_while_records_exceed_throughput_and_drains_after():
    # 20 records/s for 100 s against 10/s: the last spike record waits 100 x (20 / 10 - 1) = 100 s; at 5/s after,
    # the 1,000-record backlog drains at 5/s, in 200 s
    series = iterator_age(np.concatenate([np.full(100, 20.0), np.full(400, 5.0)]), 10.0)
    assert series.max_iterator_age_seconds == pytest.approx(100, abs=1)
    assert series.backlog_records[99] == pytest.approx(1000)
    assert np.argmax(series.iterator_age_seconds) == pytest.approx(199, abs=1)
    assert series.backlog_records[310] == 0 and series.iterator_age_seconds[-1] == 0
    assert series.total_lost_records == 0


def test_records_older_than_the_retention_are_lost():
    # a shorter retention keeps the test quick: 2 records/s against 1/s lose a record a second once the age passes it
    series = iterator_age(np.full(1000, 2.0), 1.0, retention_seconds=100)
    assert series.iterator_age_seconds.max() <= 100
    assert series.lost_records[:150].sum() == 0 and series.lost_records[500:].mean() == pytest.approx(1, rel=0.05)
    assert RETENTION_SECONDS == 86400


def test_steady_lag_at_a_rate_above_throughput():
    lag = steady_lag(25.0, 1.0)
    assert not lag.keeps_up and lag.lag_growth_seconds_per_second == pytest.approx(0.96)
    assert lag.hours_until_loss == pytest.approx(25) and lag.lost_records_per_second == pytest.approx(24)
    assert steady_lag(1.0, 25.0, 0.25).iterator_age_seconds == 0.25


def test_a_heat_profile_spike_drives_the_lag():
    # the sample's Lambda gets through 62.5 records/s per shard; a heat spike to 4x the average (25/shard) for 300 s
    # brings 100/shard: the last spike record waits 300 x (100 / 62.5 - 1) = 180 s
    _, ev = run(design_data(load_sample("orders_stream_totals")))
    flow = ev.stream("Orders").consumer("customer totals").flow
    series = profile_series(flow.records_per_second_per_shard, flow.peak_records_per_second_per_shard,
                            TrafficProfile(kind="spike", multiplier=4.0, at_seconds=60, duration_seconds=300), 1200)
    lag = lag_over_time(flow, series)
    assert lag.max_iterator_age_seconds == pytest.approx(180, abs=2)
    assert flow.spike_max_iterator_age_seconds == pytest.approx(300 * (87.5 / 62.5 - 1), abs=2)


# --------------------------------------------------------------------------------------------- money
def test_lambda_costs_requests_and_gb_seconds_and_its_stream_reads_are_free():
    # 40 records/s over 4 shards = 10/s per shard; batches form every max(window 0, poll 0.25 s, 0.1 s) = 0.25 s:
    # 2.5 records per invocation, 4 invocations/s per shard, 16 in all
    _, ev = run(design(lam(avg_duration_ms=100, memory_mb=512)))
    cost = ev.stream("Tbl").consumer("f").cost
    requests = 16 * SECONDS
    gb_seconds = requests * 0.1 * 512 / 1024
    assert cost.lambda_requests_per_month == pytest.approx(requests)
    assert cost.lambda_gb_seconds_per_month == pytest.approx(gb_seconds)
    usd = requests * CATALOG.lambda_requests_usd_per_million / 1e6 + gb_seconds * CATALOG.lambda_gb_second_usd
    assert cost.monthly_usd_by_kind["lambda"] == pytest.approx(usd)             # $8.41 + $35.04
    assert cost.stream_read_requests_per_month == pytest.approx(4 * 4 * SECONDS)   # 4 polls/s per shard, counted
    assert cost.billed_stream_read_requests_per_month == 0 and cost.monthly_usd_by_kind["stream reads"] == 0
    assert ev.table("Tbl").stream_monthly_usd == pytest.approx(usd)


def test_a_custom_reader_pays_stream_reads_after_the_free_tier():
    # 1 GetRecords per second on each of 4 shards: 10,512,000 calls a month, $0.02 per 100,000
    consumer = {"kind": "other", "name": "audit", "polls_per_second_per_shard": 1.0}
    cost = run(design(consumer))[1].stream("Tbl").consumer("audit").cost
    calls = 4 * SECONDS
    assert cost.monthly_usd_by_kind["stream reads"] == pytest.approx(calls * CATALOG.stream_read_usd_per_100k / 1e5)
    free = run(design(consumer), free_tier=True)[1].stream("Tbl").consumer("audit").cost
    assert free.billed_stream_read_requests_per_month == pytest.approx(calls - 2_500_000)
    assert free.free_tier_usd == pytest.approx(2_500_000 * CATALOG.stream_read_usd_per_100k / 1e5)


def test_kinesis_provisioned_costs_cdc_units_shard_hours_and_put_units():
    # a ~1.5 KB item: 2 change data capture units per record; the Kinesis record (keys + new image) < 25 KB: 1 PUT
    # payload unit; 2 shards x 730 h x $0.015 = $21.90
    consumer = {"kind": "kinesis", "name": "k", "capacity_mode": "provisioned", "shards": 2}
    _, ev = run(design(consumer, put_rps=10, item_bytes=1500))
    records = ev.stream("Tbl").records
    assert records.change_units_per_record == 2
    cost = ev.stream("Tbl").consumer("k").cost
    per_month = 10 * SECONDS
    assert cost.monthly_usd_by_kind["change data capture"] == pytest.approx(
        per_month * 2 * CATALOG.change_data_capture_usd_per_million / 1e6)
    assert cost.monthly_usd_by_kind["kinesis"] == pytest.approx(
        2 * HOURS * CATALOG.kinesis_shard_hour_usd + per_month * CATALOG.kinesis_put_payload_units_usd_per_million / 1e6)
    assert cost.stream_read_requests_per_month == 0   # fed by DynamoDB, not a reader of the stream


def test_kinesis_on_demand_costs_stream_hours_and_gigabytes():
    # records of keys + a ~950 B new image are billed as 1 KB each; 2 applications read each record
    consumer = {"kind": "kinesis", "name": "k", "readers": 2}
    _, ev = run(design(consumer, put_rps=10))
    kb = math.ceil(ev.stream("Tbl").records.kinesis_record_bytes / 1024)
    assert kb == 1
    gb_in = 10 * SECONDS * kb / 1024**2
    cost = ev.stream("Tbl").consumer("k").cost
    assert cost.kinesis_data_in_gb_per_month == pytest.approx(gb_in)
    assert cost.monthly_usd_by_kind["kinesis"] == pytest.approx(
        HOURS * CATALOG.kinesis_on_demand_stream_hour_usd + gb_in * CATALOG.kinesis_on_demand_data_in_usd_per_gb
        + 2 * gb_in * CATALOG.kinesis_on_demand_data_out_usd_per_gb)


def test_pipes_pay_requests_after_filtering_and_stream_reads():
    consumer = {"kind": "pipes", "name": "p", "filter_share": 0.5}
    cost = run(design(consumer))[1].stream("Tbl").consumer("p").cost
    assert cost.pipes_requests_per_month == pytest.approx(20 * SECONDS)     # 40 records/s x 0.5, each < 64 KB
    assert cost.monthly_usd_by_kind["pipes"] == pytest.approx(20 * SECONDS * CATALOG.pipes_requests_usd_per_million / 1e6)
    assert cost.monthly_usd_by_kind["stream reads"] == pytest.approx(16 * SECONDS * 0.02 / 1e5)  # 4 polls/s x 4 shards


def test_a_catalog_without_a_price_says_so_instead_of_guessing():
    # no copy of the Pipes or Kinesis on-demand price list dated before 2024-11 was found (aws-2023's not_modelled)
    _, ev = run(design({"kind": "pipes", "name": "p"}), catalog_id="aws-2023")
    cost = ev.stream("Tbl").consumer("p").cost
    assert cost.monthly_usd_by_kind["pipes"] == 0 and cost.unpriced == ("EventBridge Pipes requests",)
    assert any("EventBridge Pipes" in item for item in ev.catalog.not_modelled)


def test_stream_costs_add_up_to_the_total_and_appear_per_table():
    _, ev = run(design_data(load_sample("orders_stream_totals")))
    kinds = ev.cost_by_kind()
    assert sum(kinds.values()) == pytest.approx(ev.total_monthly_usd, rel=1e-12)
    assert kinds["lambda"] == pytest.approx(ev.stream("Orders").monthly_usd) and kinds["lambda"] > 0
    orders = ev.table("Orders")
    assert orders.monthly_usd == pytest.approx(orders.throughput_monthly_usd + orders.storage_monthly_usd
                                               + orders.replication_monthly_usd + orders.stream_monthly_usd)


def test_the_idempotent_alternative_doubles_the_counter_and_adds_a_marker():
    # a transaction doubles every item's table arm (DOMAIN.md §2): 2 x 1 WCU counter + 2 x 1 WCU marker
    _, ev = run(design(lam(writes=[counter()]), put_rps=10))
    alt = ev.stream("Tbl").consumer("f").writes[0].idempotent_alternative
    assert (alt.write_units_per_record, alt.alternative_write_units_per_record) == (1, 4)
    assert alt.extra_monthly_usd == pytest.approx(10 * 3 * SECONDS * CATALOG.on_demand_write_usd_per_million / 1e6)
    _, ev = run(design(lam(writes=[counter(idempotent=True)]), put_rps=10))
    assert ev.stream("Tbl").consumer("f").writes[0].idempotent_alternative is None


def test_no_consumer_no_stream_cost():
    _, ev = run(design())
    assert ev.stream("Tbl").consumers == () and ev.stream("Tbl").monthly_usd == 0
    assert ev.table("Tbl").stream_monthly_usd == 0
    for name in sample_names():
        model = load_sample(name)
        if any(t.stream_consumers for t in model.tables):
            continue
        e = evaluate(model)
        assert all(e.cost_by_kind()[k] == 0 for k in ("stream reads", "change data capture", "kinesis", "lambda",
                                                      "pipes")), name
        assert e.patterns == e.design_patterns


# ---------------------------------------------------------------------------------------- properties
rates = st.lists(st.floats(min_value=0, max_value=50, allow_nan=False), min_size=1, max_size=120)


@settings(max_examples=60, deadline=None)
@given(rates, st.floats(min_value=0.1, max_value=40), st.floats(min_value=0, max_value=2))
def test_lag_is_never_negative_nor_below_the_batch_wait(series, throughput, floor):
    lag = iterator_age(series, throughput, floor_seconds=floor, retention_seconds=60)
    assert np.all(lag.iterator_age_seconds >= floor) and np.all(lag.backlog_records >= 0)
    assert np.all(lag.lost_records >= 0)
    assert lag.backlog_records[-1] + lag.total_lost_records <= sum(series) + 1e-6


@settings(max_examples=60, deadline=None)
@given(rates, st.lists(st.floats(min_value=0, max_value=20, allow_nan=False), min_size=120, max_size=120),
       st.floats(min_value=0.5, max_value=40))
def test_lag_is_monotone_in_the_arrival_rate(series, extra, throughput):
    more = np.asarray(series) + np.asarray(extra[:len(series)])
    low = iterator_age(series, throughput, retention_seconds=50)
    high = iterator_age(more, throughput, retention_seconds=50)
    assert np.all(high.iterator_age_seconds >= low.iterator_age_seconds - 1e-9)
    assert np.all(high.backlog_records >= low.backlog_records - 1e-6)


@settings(max_examples=40, deadline=None)
@given(st.floats(min_value=0, max_value=400), st.floats(min_value=1, max_value=4),
       st.floats(min_value=1, max_value=200))
def test_spike_lag_grows_with_the_peak(base, factor, throughput):
    low = spike_lag(base, base * factor, throughput).max_iterator_age_seconds
    high = spike_lag(base, base * factor * 1.5, throughput).max_iterator_age_seconds
    assert high >= low >= 0


consumers = st.one_of(
    st.builds(lambda b, w, p, d, m, f: lam(batch_size=b, batching_window_seconds=w, parallelization_factor=p,
                                           avg_duration_ms=d, memory_mb=m, filter_share=f, writes=[counter()]),
              st.integers(1, 10_000), st.floats(0, 300), st.integers(1, 10), st.floats(1, 900_000),
              st.integers(128, 10_240), st.floats(0, 1)),
    st.builds(lambda p, f: {"kind": "other", "name": "f", "polls_per_second_per_shard": p, "filter_share": f},
              st.floats(0.01, 20), st.floats(0, 1)),
    st.builds(lambda s, r: {"kind": "kinesis", "name": "f", "capacity_mode": "provisioned", "shards": s, "readers": r},
              st.integers(1, 100), st.integers(1, 20)),
    st.builds(lambda r: {"kind": "kinesis", "name": "f", "readers": r}, st.integers(1, 20)),
    st.builds(lambda b, f: {"kind": "pipes", "name": "f", "batch_size": b, "filter_share": f},
              st.integers(1, 10_000), st.floats(0, 1)),
)


@settings(max_examples=40, deadline=None)
@given(consumers, st.floats(0, 5000), st.booleans(), st.sampled_from(["aws-2024-11", "aws-2023"]))
def test_costs_are_never_negative_and_add_up(consumer, rate, free_tier, catalog_id):
    _, ev = run(design(copy.deepcopy(consumer), put_rps=rate), free_tier=free_tier, catalog_id=catalog_id)
    cost = ev.stream("Tbl").consumers[0].cost
    assert all(v >= 0 for v in cost.monthly_usd_by_kind.values()) and cost.free_tier_usd >= 0
    assert sum(ev.cost_by_kind().values()) == pytest.approx(ev.total_monthly_usd, rel=1e-9, abs=1e-9)
    flow = ev.stream("Tbl").consumers[0].flow
    assert flow.spike_max_iterator_age_seconds is None or flow.spike_max_iterator_age_seconds >= 0
