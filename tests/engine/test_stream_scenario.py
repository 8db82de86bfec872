"""A stream consumer's lag through the Partitions page's traffic scenario (engine.streams.scenario_records,
scenario_lags) and its chart (engine.charts.stream_lag_figure): the records follow the heat simulator's profile
per access pattern, and the lag is the fluid FIFO model's (docs/streams.md, Lag)."""

from __future__ import annotations

import numpy as np
import pytest

from engine import charts
from engine.evaluate import evaluate
from engine.heat import TrafficProfile
from engine.io import design_data, load_sample
from engine.model import parse_model
from engine.streams import scenario_lags, scenario_records

SPIKE = TrafficProfile(kind="spike", multiplier=3.0, at_seconds=300.0, duration_seconds=600.0)
HORIZON = 1200


def _sample():
    model = load_sample("orders_stream_totals")
    return model, evaluate(model)


def test_a_spike_on_every_pattern_multiplies_the_records_and_builds_the_fluid_lag() -> None:
    model, ev = _sample()
    (lag,) = scenario_lags(model, ev, SPIKE, HORIZON)
    assert (lag.table, lag.consumer, lag.kind, lag.shards) == ("Orders", "customer totals", "lambda", 4)
    # 100 records/s over 4 shards, 3x during the spike
    assert lag.records_per_second_per_shard[[0, 299, 300, 899, 900]] == pytest.approx([25, 25, 75, 75, 25])
    # 75 per shard against 62.5 for 600 s: the last spike record waits 600 x (75 / 62.5 - 1) = 120 s
    assert lag.lag.max_iterator_age_seconds == pytest.approx(120, abs=1)
    assert lag.lag.iterator_age_seconds[0] == pytest.approx(1.0)  # the batching window when it keeps up
    assert lag.lag.iterator_age_seconds[-1] == pytest.approx(1.0)  # drained by the end
    assert lag.lag.total_lost_records == 0


def test_a_spike_on_one_pattern_moves_only_its_records() -> None:
    model, ev = _sample()
    series = scenario_records(model, ev, "Orders", SPIKE, HORIZON, pattern="place order")
    # place order makes 40 of the 100 records/s: 3x of it is 180 during the spike
    assert series[0] == pytest.approx(100) and series[400] == pytest.approx(180)
    assert scenario_records(model, ev, "Orders", SPIKE, HORIZON, pattern="get order")[400] == pytest.approx(100)


def test_ttl_deletions_stay_and_consumer_records_follow_the_patterns() -> None:
    data = design_data(load_sample("orders_stream_totals"))
    data.pop("format_version")
    orders = data["tables"][0]
    orders.update(ttl_attribute="ExpiresAt", ttl_deletions_per_second=20.0)
    data["tables"][1]["stream_view_type"] = "NEW_IMAGE"  # CustomerTotals' records come from the consumer's writes
    model = parse_model(data)
    ev = evaluate(model)
    orders_series = scenario_records(model, ev, "Orders", SPIKE, HORIZON)
    assert orders_series[0] == pytest.approx(120) and orders_series[400] == pytest.approx(320)
    # the consumer's writes on CustomerTotals follow the Orders records: 48 records/s (40 % of 120), 128 in the spike
    totals = ev.stream("CustomerTotals").records
    assert totals.records_from_consumers_per_second == pytest.approx(48)
    totals_series = scenario_records(model, ev, "CustomerTotals", SPIKE, HORIZON)
    assert totals_series[0] == pytest.approx(48) and totals_series[400] == pytest.approx(48 * 320 / 120)


def test_kinesis_consumers_have_no_lag_series_and_a_design_without_streams_none() -> None:
    data = design_data(load_sample("orders_stream_totals"))
    data.pop("format_version")
    data["tables"][0]["stream_consumers"] = [{"kind": "kinesis", "name": "analytics"}]
    model = parse_model(data)
    assert scenario_lags(model, evaluate(model), SPIKE, HORIZON) == ()
    plain = load_sample("page_views")
    assert scenario_lags(plain, evaluate(plain), SPIKE, HORIZON) == ()


def test_the_lag_figure_names_its_axes_with_units_and_escapes_names() -> None:
    data = design_data(load_sample("orders_stream_totals"))
    data.pop("format_version")
    data["tables"][0]["stream_consumers"][0]["name"] = "<b>totals</b>"
    model = parse_model(data)
    lags = scenario_lags(model, evaluate(model), SPIKE, HORIZON)
    fig = charts.stream_lag_figure(lags, HORIZON)
    layout = fig.to_dict()["layout"]
    assert layout["xaxis2"]["title"]["text"] == "time (minutes)"
    assert layout["yaxis"]["title"]["text"] == "records/s per shard"
    assert layout["yaxis2"]["title"]["text"] == "iterator age (s)"
    names = [t.name for t in fig.data]
    assert "&lt;b&gt;totals&lt;/b&gt;" in names and not any("<b>" in n for n in names)
    ages = next(t for t in fig.data if t.name == "&lt;b&gt;totals&lt;/b&gt;")
    assert max(ages.y) == pytest.approx(120, abs=1)
    assert np.allclose(ages.x[-1], HORIZON / 60)
    empty = charts.stream_lag_figure((), HORIZON)
    assert empty.layout.title.text == "Stream lag over time"
