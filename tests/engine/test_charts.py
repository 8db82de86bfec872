"""Charts show the engine's numbers: the cost stacks add up to the evaluated total on every sample design,
on-demand and provisioned alike, and every figure builds from real engine results (ARCHITECTURE.md: a number
on a chart, in the CLI JSON and in a report is one number)."""

from __future__ import annotations

import pytest

from engine import charts
from engine.evaluate import evaluate
from engine.io import design_data, load_sample, sample_names
from engine.model import parse_model

SAMPLES = sample_names()


def _provisioned(name: str):
    data = design_data(load_sample(name))
    data.pop("format_version")
    for table in data["tables"]:
        table["billing"] = {"mode": "provisioned", "read_capacity_units": 500.0, "write_capacity_units": 200.0}
        for gsi in table.get("gsis", []):
            gsi["provisioned"] = {"read_capacity_units": 100.0, "write_capacity_units": 100.0}
    return parse_model(data)


@pytest.mark.parametrize("sample", SAMPLES)
@pytest.mark.parametrize("billing", ["as designed", "provisioned"])
def test_cost_stacks_add_up_to_the_total(sample: str, billing: str) -> None:
    model = load_sample(sample) if billing == "as designed" else _provisioned(sample)
    ev = evaluate(model)
    parts = charts.evaluation_cost_parts(ev)
    assert all(v >= 0 for v in parts.values())
    assert sum(parts.values()) == pytest.approx(ev.total_monthly_usd, rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("sample", SAMPLES)
def test_pattern_parts_split_the_pattern_cost(sample: str) -> None:
    for p in evaluate(load_sample(sample)).patterns:
        parts = charts.pattern_cost_parts(p)
        assert sum(parts.values()) == pytest.approx(p.monthly_usd + p.replication_monthly_usd)
        if not p.index_write_units_per_request or not any(p.index_write_units_per_request.values()):
            assert parts["index writes"] == 0


def test_billing_curves_cross_on_demand_at_the_break_even() -> None:
    """Provisioned capacity costs what on-demand costs at the break-even utilization (DOMAIN.md §3)."""
    table = evaluate(load_sample("page_views")).tables[0]
    u = charts.break_even(table.billing, table.billing.provisioned_monthly_usd)
    assert u is not None and 0 < u <= 1
    provisioned_at_u = table.billing.provisioned_monthly_usd * table.billing.target_utilization / u
    assert provisioned_at_u == pytest.approx(table.billing.on_demand_monthly_usd)


@pytest.mark.parametrize("sample", ["hot_enum_key", "global_game_state"])
def test_every_figure_builds_from_engine_results(sample: str) -> None:
    import numpy as np

    from engine.consistency import analyze_consistency
    from engine.heat import HeatOptions, simulate_heat
    from engine.partitions import analyze_partitions

    model = load_sample(sample)
    ev = evaluate(model)
    figures = [charts.cost_breakdown_figure(ev), charts.compare_cost_figure([("a", ev), ("b", ev)])]
    figures += [charts.billing_figure(t) for t in ev.tables]
    report = analyze_partitions(model, ev)
    figures += [charts.partition_load_figure(t) for t in report.targets]
    heat = simulate_heat(model, HeatOptions(), np.random.default_rng(0), ev)
    figures += [charts.throttling_figure(heat)] + [charts.heatmap_figure(h, heat.horizon_seconds) for h in heat.heatmaps]
    consistency = analyze_consistency(model, evaluation=ev)
    figures.append(charts.stale_read_figure(consistency))
    for gt in consistency.global_tables:
        figures.append(charts.latency_by_region_figure(gt, None))
    cost_figures = figures[:2]
    for fig in figures:
        assert fig.layout.title.text and fig.data, fig.layout.title.text
        if fig in cost_figures:  # cost charts name their colours in a legend (issue 10)
            assert fig.layout.showlegend is True
            assert {t.name for t in fig.data if t.showlegend is not False} <= set(charts.COST_COLORS)
        else:
            assert fig.layout.showlegend is False  # lines and bars are labelled directly


STOCK_BILLINGS = [
    {"mode": "on_demand"},
    {"mode": "provisioned", "read_capacity_units": 5, "write_capacity_units": 5,
     "auto_scaling": {"target_utilization": 0.5}},
    {"mode": "provisioned", "read_capacity_units": 50, "write_capacity_units": 1000},
]


@pytest.mark.parametrize("stock_billing", STOCK_BILLINGS)
def test_a_cross_table_transaction_is_counted_once(stock_billing: dict, two_table_transaction) -> None:
    """The Stock arm of a transaction filed under Orders is charged to Stock (it lands there), so Stock is not
    also shown as idle capacity and the stacks add up to the evaluated total (nothing counted twice)."""
    ev = evaluate(two_table_transaction(stock_billing))
    rows = dict(charts.cost_rows(ev))
    assert "idle capacity: Stock" not in rows
    assert sum(sum(parts.values()) for parts in rows.values()) == pytest.approx(ev.total_monthly_usd,
                                                                                 rel=1e-9, abs=1e-9)
    storage = ev.table("Orders").storage_monthly_usd + ev.table("Stock").storage_monthly_usd
    assert sum(rows["checkout"].values()) == pytest.approx(ev.total_monthly_usd - storage)


def test_each_arm_is_charged_to_the_table_it_lands_on(two_table_transaction) -> None:
    """Both arms are 2 WCU per transaction (DOMAIN.md §2) on on-demand tables at one price: half the cost each."""
    ev = evaluate(two_table_transaction({"mode": "on_demand"}))
    shares = ev.pattern("checkout").cost_by_table
    assert set(shares) == {"Orders", "Stock"}
    assert sum(shares["Orders"].values()) == pytest.approx(ev.table("Orders").throughput_monthly_usd)
    assert sum(shares["Stock"].values()) == pytest.approx(ev.table("Stock").throughput_monthly_usd)
