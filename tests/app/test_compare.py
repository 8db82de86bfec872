"""Compare verdicts are honest about traffic: "same traffic" only when the total request rates match
(within 1 %); otherwise both rates are named and the cost per million requests decides (issue 7, Compare)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ui import compare as cmp

HOURS = 730.0  # DOMAIN.md §3: AWS bills 730 hours per month


@pytest.mark.parametrize(("rps_a", "rps_b", "same"), [
    (2000.0, 2000.0, True),
    (2000.0, 2019.0, True),     # 0.95 % apart
    (2000.0, 2030.0, False),    # 1.5 % apart
    (8100.0, 2000.0, False),    # the edited sample against the unedited one
    (0.0, 0.0, True),
])
def test_same_traffic_means_total_rates_within_one_percent(rps_a: float, rps_b: float, same: bool) -> None:
    assert cmp.same_traffic(cmp.Traffic(rps_a, 100.0, HOURS), cmp.Traffic(rps_b, 100.0, HOURS)) is same


def test_different_traffic_names_both_rates_and_never_claims_same_traffic() -> None:
    a, b = cmp.Traffic(8100.0, 13_324.0, HOURS), cmp.Traffic(2000.0, 3_355.0, HOURS)
    reason = cmp.cost_reason("B", a, b)
    assert "same traffic" not in reason
    assert "8,100 req/s" in reason and "2,000 req/s" in reason
    assert "per million requests" in reason
    note = cmp.traffic_note(a, b)
    assert note is not None and "8,100 req/s" in note and "2,000 req/s" in note


def test_same_traffic_says_so() -> None:
    a, b = cmp.Traffic(2000.0, 13_324.0, HOURS), cmp.Traffic(2000.0, 3_355.0, HOURS)
    assert "for the same traffic" in cmp.cost_reason("B", a, b)
    assert cmp.traffic_note(a, b) is None


def test_cost_per_million_requests_is_monthly_cost_over_requests_served() -> None:
    # 1 req/s for 730 h = 2,628,000 requests; $2.628/month -> $1 per million requests
    assert cmp.Traffic(1.0, 2.628, HOURS).usd_per_million_requests == pytest.approx(1.0)
    assert cmp.Traffic(0.0, 5.0, HOURS).usd_per_million_requests is None


@settings(max_examples=50, deadline=None)
@given(rps=st.floats(0.1, 1e6), usd=st.floats(0.01, 1e7), factor=st.floats(1.0, 100.0))
def test_same_traffic_at_scale_has_the_same_price_per_request(rps: float, usd: float, factor: float) -> None:
    """A design doing `factor` times the work for `factor` times the bill is not cheaper per request."""
    small, big = cmp.Traffic(rps, usd, HOURS), cmp.Traffic(rps * factor, usd * factor, HOURS)
    assert small.usd_per_million_requests == pytest.approx(big.usd_per_million_requests, rel=1e-9)


def test_compare_page_shows_both_rates_when_a_was_edited(open_app) -> None:
    """The current design with a 4x rate against its own unedited sample: no 'same traffic' claim."""
    at = open_app("github_single_table")
    at.switch_page("views/capacity_page.py").run()
    rate = at.number_input(key="w.rate.repository and latest issues")
    rate.set_value(rate.value * 4 + 100).run()
    at.switch_page("views/compare_page.py").run()
    at.selectbox(key="view.compare.b").select("sample:github_single_table").run()
    assert not at.exception
    texts = [str(m.value) for m in at.main.markdown] + [str(w.value) for w in at.main.warning]
    assert not any("same traffic" in t for t in texts), texts
    assert any("different numbers of requests" in t for t in texts)
    assert any("Cost per million requests" in t for t in texts)
    assert any("/million requests" in t for t in texts)


def test_compare_page_names_both_rates_of_a_sharded_pair(open_app) -> None:
    """hot_enum_key (2,021 req/s) against its sharded partner (2,420 req/s: one query per shard): the rates
    differ, so the page names both and adds the cost per million requests."""
    at = open_app("hot_enum_key")
    at.switch_page("views/compare_page.py").run()  # B defaults to the partner hot_enum_key_sharded
    assert not at.exception
    warnings = [str(w.value) for w in at.main.warning]
    assert any("2,021 req/s" in w and "2,420 req/s" in w for w in warnings), warnings
    assert any("Cost per million requests" in str(m.value) for m in at.main.markdown)


def test_a_design_without_traffic_does_not_win_on_cost() -> None:
    """An empty design's bill is storage only: the cost row names that instead of marking it cheaper."""
    idle, busy = cmp.Traffic(0.0, 0.0, HOURS), cmp.Traffic(46.1, 1059.0, HOURS)
    assert "A serves no requests" in cmp.idle_reason(idle, busy)
    assert cmp.idle_reason(busy, busy) is None
    assert cmp.idle_reason(idle, idle) is None


def test_compare_throttling_is_the_partitions_page_figure(open_app) -> None:
    """Issue 10: the Compare page's throttled share is the one the Partitions page opens with (same scenario)."""
    at = open_app("hot_enum_key")
    at.switch_page("views/partitions_page.py").run()
    throttled = next(m.value for m in at.main.metric if m.label == "Throttled")
    at.switch_page("views/compare_page.py").run()
    texts = [str(m.value) for m in at.main.markdown]
    row = next(i for i, t in enumerate(texts) if t.startswith("**Throttled requests"))
    shown_a = texts[row + 1].replace("*", "").split("]")[-1].strip()
    assert shown_a == throttled, (shown_a, throttled)
