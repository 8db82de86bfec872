"""Cost rules (DOMAIN.md §3): request, capacity, storage, replication, reserved, free tier, comparisons."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.cost import (
    Load,
    break_even_utilization,
    compare_billing,
    compare_table_classes,
    free_tier_split,
    on_demand_monthly_usd,
    provisioned_monthly_usd,
    provisioned_with_reservation_usd,
    replicated_write_monthly_usd,
    reserved_monthly_usd,
    storage_monthly_usd,
)
from engine.pricing import load_catalog

HOURS = 730.0
MILLION_PER_MONTH = 1e6 / (HOURS * 3600)  # a rate that makes one million requests in a month


@pytest.mark.parametrize(("catalog_id", "write_units", "usd"), [
    ("aws-2023", 1, 1.25), ("aws-2024-11", 1, 0.625),      # DOMAIN.md §6.1: $1.25 / $0.625 per million views
    ("aws-2023", 10, 12.50), ("aws-2024-11", 10, 6.25),     # 10 KB item: 10 WCU per view
])
def test_on_demand_cost_per_million_writes(catalog_id: str, write_units: int, usd: float) -> None:
    load = Load(0, write_units * MILLION_PER_MONTH)
    assert on_demand_monthly_usd(load, load_catalog(catalog_id), "STANDARD", HOURS) == pytest.approx(usd)


def test_reads_are_five_times_cheaper_per_unit_than_writes() -> None:
    # DOMAIN.md §6.3: reads are 4x bigger units and 5x cheaper per unit than writes
    c = load_catalog()
    assert c.on_demand_write_usd_per_unit() / c.on_demand_read_usd_per_unit() == pytest.approx(5)


def test_standard_ia_requests_cost_more() -> None:
    c = load_catalog()
    load = Load(10, 10)
    ia = on_demand_monthly_usd(load, c, "STANDARD_INFREQUENT_ACCESS", HOURS)
    assert ia == pytest.approx(1.25 * on_demand_monthly_usd(load, c, "STANDARD", HOURS))


def test_provisioned_and_storage_prices() -> None:
    c = load_catalog()
    assert provisioned_monthly_usd(100, 10, c, "STANDARD", HOURS) == pytest.approx(730 * (100 * 0.00013 + 10 * 0.00065))
    assert storage_monthly_usd(1024 ** 3, c, "STANDARD") == pytest.approx(0.25)
    assert storage_monthly_usd(1024 ** 3, c, "STANDARD_INFREQUENT_ACCESS", replicas=3) == pytest.approx(0.30)


@pytest.mark.parametrize(("catalog_id", "multiplier"), [("aws-2024-11", 1.0), ("aws-2023", 1.5)])
def test_replicated_writes(catalog_id: str, multiplier: float) -> None:
    # DOMAIN.md §3: a replicated write costs a write in each other region (1.5x before 2024-11)
    c = load_catalog(catalog_id)
    home = on_demand_monthly_usd(Load(0, 5), c, "STANDARD", HOURS)
    assert replicated_write_monthly_usd(5, 2, c, "STANDARD", HOURS, provisioned=False) == pytest.approx(
        2 * multiplier * home)
    assert replicated_write_monthly_usd(5, 0, c, "STANDARD", HOURS, provisioned=False) == 0


def test_reserved_capacity_is_bought_in_blocks_of_100() -> None:
    c = load_catalog()
    one_block = (150 / 12 + 0.0128 * HOURS)     # WCU: $150 upfront over 12 months + $0.0128/h per 100
    assert reserved_monthly_usd(0, 1, c, HOURS) == pytest.approx(one_block)
    assert reserved_monthly_usd(0, 100, c, HOURS) == pytest.approx(one_block)
    assert reserved_monthly_usd(0, 101, c, HOURS) == pytest.approx(2 * one_block)


@pytest.mark.parametrize(("catalog_id", "break_even"), [("aws-2024-11", 0.2889), ("aws-2023", 0.1444)])
def test_break_even_utilization(catalog_id: str, break_even: float) -> None:
    # DOMAIN.md §3: on-demand vs fully used provisioned ≈ 3.5x now, ≈ 6.9x before
    c = load_catalog(catalog_id)
    assert break_even_utilization(c, "write") == pytest.approx(break_even, rel=1e-3)
    assert break_even_utilization(c, "read") == pytest.approx(break_even, rel=1e-3)


def test_billing_comparison_at_break_even() -> None:
    c = load_catalog()
    u = break_even_utilization(c, "write")
    cmp = compare_billing(Load(0, 100), Load(0, 100), c, "STANDARD", HOURS, target_utilization=u)
    assert cmp.on_demand_monthly_usd == pytest.approx(cmp.provisioned_monthly_usd)
    steady = compare_billing(Load(0, 100), Load(0, 100), c, "STANDARD", HOURS, target_utilization=0.7)
    assert steady.provisioned_monthly_usd < steady.on_demand_monthly_usd and steady.recommended != "on_demand"
    assert compare_billing(Load(1, 1), Load(1, 1), c, "STANDARD_INFREQUENT_ACCESS", HOURS, 0.7).reserved_monthly_usd is None


@pytest.mark.parametrize(("reserved", "capacity", "hourly_units"), [
    (150, 200, 0),      # 150 wished -> 200 bought: the 200 bought cover the whole capacity
    (150, 250, 50),
    (100, 100, 0),
    (0, 30, 30),
])
def test_reserved_blocks_bought_are_the_units_that_cover_capacity(reserved: int, capacity: int,
                                                                  hourly_units: int) -> None:
    # DOMAIN.md §3: reserved capacity is bought per 100 units; what is paid for is what covers the table
    c = load_catalog()
    usd = provisioned_with_reservation_usd(capacity, 0, reserved, 0, c, "STANDARD", HOURS)
    assert usd == pytest.approx(reserved_monthly_usd(reserved, 0, c, HOURS) + hourly_units * 0.00013 * HOURS)


def test_a_global_tables_writes_are_not_offered_as_reserved() -> None:
    # DOMAIN.md §3: reserved capacity exists for Standard tables only, not for replicated writes
    c = load_catalog()
    steady = Load(140, 70)    # 200 RCU and 100 WCU at 70 % utilization
    single = compare_billing(steady, steady, c, "STANDARD", HOURS, 0.7)
    global_ = compare_billing(steady, steady, c, "STANDARD", HOURS, 0.7, reservable_writes=False)
    assert single.reserved_monthly_usd == pytest.approx(reserved_monthly_usd(200, 100, c, HOURS))
    assert global_.reserved_monthly_usd == pytest.approx(
        reserved_monthly_usd(200, 0, c, HOURS) + 100 * c.provisioned_wcu_hour_usd * HOURS)
    assert global_.provisioned_monthly_usd == single.provisioned_monthly_usd


def test_table_class_recommendation() -> None:
    storage_heavy = compare_table_classes(110.0, 95.0, 100.0, 10.0)
    assert storage_heavy.recommended == "STANDARD_INFREQUENT_ACCESS" and storage_heavy.storage_share_of_throughput == 10
    assert compare_table_classes(101.0, 126.0, 1.0, 100.0).recommended == "STANDARD"


def test_free_tier_split_in_order() -> None:
    assert free_tier_split([10, 20, 5], 25) == [10, 15, 0]


@settings(max_examples=50, deadline=None)
@given(st.floats(0, 1e5), st.floats(0, 1e5), st.floats(0.01, 1000), st.sampled_from(["aws-2023", "aws-2024-11"]))
def test_cost_nonnegative_and_linear_in_rate(read: float, write: float, scale: float, catalog_id: str) -> None:
    c = load_catalog(catalog_id)
    base = on_demand_monthly_usd(Load(read, write), c, "STANDARD", HOURS)
    assert base >= 0
    assert on_demand_monthly_usd(Load(read * scale, write * scale), c, "STANDARD", HOURS) == pytest.approx(
        base * scale, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize(("value", "kwargs", "text"), [
    (13323.634, {}, "$13,323.63/month"),
    (103.94, {"signed": True}, "+$103.94/month"),
    (-4.1, {}, "-$4.10/month"),
    (0.0042, {}, "$0.0042/month"),     # a fraction of a cent keeps two significant digits, not $0.00
    (0.0, {}, "$0.00/month"),
    (1234.5, {"per": None}, "$1,234.50"),
])
def test_money_in_messages_reads_like_money(value: float, kwargs: dict, text: str) -> None:
    from engine.cost import usd_text

    assert usd_text(value, **kwargs) == text


@pytest.mark.parametrize(("standard", "ia", "words"), [
    (1000.0, 1103.94, "Standard-IA would cost $103.94/month more"),
    (20000.0, 6676.37, "Standard-IA would cost $13,323.63/month less"),
])
def test_table_class_reason_says_the_difference_in_dollars(standard: float, ia: float, words: str) -> None:
    reason = compare_table_classes(standard, ia, 10.0, 900.0).reason
    assert words in reason and "USD/month" not in reason


def test_a_tiny_storage_share_is_not_shown_as_zero_percent() -> None:
    assert "storage is under 1% of throughput cost" in compare_table_classes(100.0, 120.0, 0.01, 90.0).reason
    assert "no throughput cost" in compare_table_classes(1.0, 0.8, 1.0, 0.0).reason
