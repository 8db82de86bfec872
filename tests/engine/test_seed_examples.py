"""The seed articles' worked examples (DOMAIN.md §6), reproduced from the sample designs."""

from __future__ import annotations

import pytest

from engine.evaluate import EvaluateOptions, evaluate
from engine.io import load_model_or_sample

MILLION = 1_000_000


def usd_per_million(ev, pattern: str) -> float:
    p = ev.pattern(pattern)
    requests_per_month = p.requests_per_second * ev.catalog.hours_per_month * 3600
    return p.monthly_usd / requests_per_month * MILLION


@pytest.mark.parametrize(("catalog_id", "small_usd", "large_usd"), [("aws-2023", 1.25, 12.50), ("aws-2024-11", 0.625, 6.25)])
def test_view_counter_cost_per_million(catalog_id: str, small_usd: float, large_usd: float) -> None:
    # DOMAIN.md §6.1: 1 WCU per view on an item <= 1,024 B -> $1.25 per million (old prices), $0.625 now;
    # 10 WCU on a 9,217-10,240 B item -> $12.50 per million (old prices)
    model = load_model_or_sample("page_views")
    ev = evaluate(model, EvaluateOptions(catalog_id=catalog_id))
    assert ev.entity_size("Page").max_size_bytes <= 1024
    assert 9217 <= ev.entity_size("Article").min_size_bytes <= ev.entity_size("Article").max_size_bytes <= 10240
    assert ev.pattern("count page view").write_units_per_request == 1
    assert ev.pattern("count article view").write_units_per_request == 10
    assert usd_per_million(ev, "count page view") == pytest.approx(small_usd)
    assert usd_per_million(ev, "count article view") == pytest.approx(large_usd)


def test_vertical_sharding_saves_ninety_percent() -> None:
    # DOMAIN.md §6.1: a small counter item beside the big item saves 90% of the write cost
    before = evaluate(load_model_or_sample("page_views"), EvaluateOptions(catalog_id="aws-2023"))
    after = evaluate(load_model_or_sample("page_views_vertical_sharding"), EvaluateOptions(catalog_id="aws-2023"))
    assert after.pattern("count article view").write_units_per_request == 1
    saving = 1 - usd_per_million(after, "count article view") / usd_per_million(before, "count article view")
    assert saving == pytest.approx(0.90)
    # the read still fetches body and counter in one request at the same cost
    assert after.pattern("read article").read_units_per_request == pytest.approx(
        before.pattern("read article").read_units_per_request)


def test_team_over_read() -> None:
    # DOMAIN.md §6.3: whole team at worst 100 KB -> 25 units x 0.5 = 12.5 RCU (EC); 9 users cost 1.5 RCU
    model = load_model_or_sample("team_users_overread")
    p = evaluate(model).pattern("team admins (read whole team)")
    assert p.consistency == "eventual"
    assert p.worst_case_read_units_per_request == 12.5
    assert p.read_units_per_request == 1.5


@pytest.mark.parametrize(("users", "rcu"), [(1, 0.5), (4, 0.5), (5, 1.0), (9, 1.5), (100, 12.5)])
def test_only_small_teams_stay_at_half_a_unit(users: int, rcu: float) -> None:
    # DOMAIN.md §6.3: only teams of <= 4 stay at 0.5 (the article's "usually less than one" is too generous)
    model = load_model_or_sample("team_users_overread")
    patterns = tuple(p.model_copy(update={"items_per_request": float(users)})
                     if p.name == "team admins (read whole team)" else p for p in model.access_patterns)
    ev = evaluate(model.model_copy(update={"access_patterns": patterns}))
    assert ev.pattern("team admins (read whole team)").read_units_per_request == rcu


def test_team_gsi_adds_a_write_to_user_changes() -> None:
    # DOMAIN.md §6.3: a GSI per pattern adds a write to every user change that touches it
    with_gsi = evaluate(load_model_or_sample("team_users_gsi"))
    without = evaluate(load_model_or_sample("team_users_overread"))
    assert with_gsi.pattern("add user").write_units_per_request == without.pattern("add user").write_units_per_request + 1
    assert with_gsi.pattern("team admins (GSI)").read_units_per_request == 0.5


def test_crm_index_write_amplification_and_over_read() -> None:
    # DOMAIN.md §6.4: 4 KB customers, 5 ALL GSIs, update changing every entry without a key move: 4 x 6 = 24 WCU
    ev = evaluate(load_model_or_sample("crm_complex_filtering"))
    update = ev.pattern("update last contact (five ALL GSIs)")
    assert update.write_units_per_request == 24
    assert update.index_write_units_per_request == {g: 4 for g in
                                                    ("ByRegion", "BySegment", "ByStatus", "ByManager", "BySignupMonth")}
    # a key move costs 2 writes on the moved index
    assert ev.pattern("reassign account manager (five ALL GSIs)").index_write_units_per_request["ByManager"] == 8
    # over-reading 1,000 customers EC costs 500 RCU; a ~100 B projected entry: 100,000 B -> 25 units -> 12.5 RCU
    assert ev.pattern("customers of a manager (ALL index)").read_units_per_request == 500
    assert ev.pattern("customers of a manager (filter index)").read_units_per_request == 12.5
    # 100,000 customers -> 10,000,000 B -> 2,442 units -> 1,221 RCU (the article's 4,000 is a slip)
    scan = ev.pattern("all customers (filter index scan)")
    assert scan.read_units_per_request == 1221
    assert scan.read_units_per_request * 2 == 2442
    assert ev.pattern("update last contact (narrow index)").write_units_per_request == 4


def test_five_gsis_turn_one_write_unit_into_six() -> None:
    # DOMAIN.md §6.2: five GSIs (each entry <= 1 KB, each written by the change) turn 1 WCU per write into 6
    ev = evaluate(load_model_or_sample("crm_complex_filtering"))
    score = ev.pattern("update lead score (five ALL GSIs)")
    assert score.write_units_per_request == 6
    assert sorted(score.index_write_units_per_request.values()) == [1] * 5
    table_arm = next(a for a in score.arms if a.target == "Customers")
    assert table_arm.write_units_per_request == 1


def test_one_query_versus_hundred_get_items() -> None:
    # DOMAIN.md §6.5: a SC Query of 100 items of 100 B costs 3 RCU where 100 GetItems cost 100
    model = load_model_or_sample("orders_by_customer")
    ev = evaluate(model)
    assert ev.entity_size("Order").mean_size_bytes == 100
    assert ev.pattern("order history (Query)").read_units_per_request == 3
    screen = next(s for s in model.screens if s.name == "order history (100 GetItems)")
    per_view = sum(ev.pattern(name).read_units_per_request * times for name, times in screen.repeat)
    assert per_view == 100
    assert ev.screen("order history (100 GetItems)").read_units_per_view == 100
    assert ev.screen("order history (100 GetItems)").requests_per_view == 100
    assert ev.screen("order history (one Query)").read_units_per_view == 3
