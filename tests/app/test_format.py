"""Display formatting: every number carries its unit; 1 KB = 1,024 bytes (DOMAIN.md "Units")."""

from __future__ import annotations

import pytest

from ui import format as fmt


@pytest.mark.parametrize(("value", "expected"), [
    (0, "$0.00/month"), (0.0042, "$0.0042/month"), (12.345, "$12.35/month"), (1809.42, "$1,809.42/month"),
])
def test_usd(value: float, expected: str) -> None:
    """One written form of money everywhere: the page's and the findings' (engine.cost.usd_text) agree."""
    from engine.cost import usd_text

    assert fmt.usd(value) == expected == usd_text(value)


@pytest.mark.parametrize(("size_bytes", "expected"), [
    (912, "912 B"), (1024, "1.0 KB"), (1536, "1.5 KB"), (10 * 1024 ** 3, "10.0 GB"),
])
def test_size_uses_1024_byte_kilobytes(size_bytes: float, expected: str) -> None:
    assert fmt.size(size_bytes) == expected


@pytest.mark.parametrize(("value", "unit", "expected"), [
    (3, "RCU", "3 RCU"), (0.5, "RCU", "0.5 RCU"), (1221.4, "RCU", "1,221 RCU"), (1, "units", "1 unit"),
    (2, "units", "2 units"), (3.74, "WCU", "3.74 WCU"),
])
def test_units(value: float, unit: str, expected: str) -> None:
    assert fmt.units(value, unit) == expected


@pytest.mark.parametrize(("value", "noun", "expected"), [
    (1, "entity", "1 entity"), (3, "entity", "3 entities"), (1_000_000, "item", "1,000,000 items"),
    (2, "key", "2 keys"), (4, "batch", "4 batches"), (1, "batch", "1 batch"),
])
def test_count(value: float, noun: str, expected: str) -> None:
    assert fmt.count(value, noun) == expected


@pytest.mark.parametrize(("seconds", "expected"), [
    (0.25, "0.2 s"), (1.0, "1 s"), (45, "45 s"), (120, "2 minutes"), (150, "2.5 minutes"), (3600, "60 minutes"),
    (84 * 3600, "84 hours"), (3.5 * 3600, "3.5 hours"),
])
def test_duration_of_a_lag_or_a_wait(seconds: float, expected: str) -> None:
    assert fmt.duration(seconds) == expected


@pytest.mark.parametrize(("share", "expected"), [(0.0312, "3.1 %"), (0, "0.0 %"), (0.00001, "< 0.1 %"), (3.02, "302.0 %")])
def test_percent_keeps_tiny_shares_visible(share: float, expected: str) -> None:
    assert fmt.percent(share) == expected


def test_compact_counts_never_read_as_bytes() -> None:
    """A metric box's 10^13 items said "10,000.0 B items" (B is bytes everywhere else on the pages)."""
    assert fmt.compact_count(10**13, "item") == "10.0 trillion items"
    assert fmt.compact_count(2.5e9, "request") == "2.5 billion requests"
    assert fmt.compact_count(5_000_000, "item") == "5.0 M items"
