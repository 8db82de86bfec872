"""Price catalogs (DOMAIN.md §3): shipped figures, the custom catalog, break-even ratios."""

from __future__ import annotations

import json

import pytest

from engine.errors import PricingError
from engine.pricing import catalog_ids, load_catalog


@pytest.mark.parametrize(("catalog_id", "field", "value"), [
    # DOMAIN.md §3, https://aws.amazon.com/dynamodb/pricing/ (since 2024-11-01)
    ("aws-2024-11", "on_demand_write_usd_per_million", 0.625),
    ("aws-2024-11", "on_demand_read_usd_per_million", 0.125),
    ("aws-2024-11", "provisioned_wcu_hour_usd", 0.00065),
    ("aws-2024-11", "provisioned_rcu_hour_usd", 0.00013),
    ("aws-2024-11", "reserved_wcu_upfront_usd_per_100", 150.0),
    ("aws-2024-11", "reserved_rcu_hour_usd_per_100", 0.0025),
    ("aws-2024-11", "replicated_write_price_multiplier", 1.0),
    ("aws-2024-11", "hours_per_month", 730.0),
    # DOMAIN.md §3: the seed articles' prices before 2024-11-01
    ("aws-2023", "on_demand_write_usd_per_million", 1.25),
    ("aws-2023", "on_demand_read_usd_per_million", 0.25),
    ("aws-2023", "replicated_write_price_multiplier", 1.5),   # $1.875 per million replicated writes
])
def test_shipped_prices(catalog_id: str, field: str, value: float) -> None:
    assert getattr(load_catalog(catalog_id), field) == value


def test_storage_and_class_multiplier() -> None:
    catalog = load_catalog()
    assert catalog.id == "aws-2024-11"
    assert catalog.storage_usd_per_gb_month("STANDARD") == 0.25
    assert catalog.storage_usd_per_gb_month("STANDARD_INFREQUENT_ACCESS") == 0.10
    assert catalog.on_demand_write_usd_per_unit("STANDARD_INFREQUENT_ACCESS") == pytest.approx(0.625e-6 * 1.25)
    assert catalog.sources and catalog.date == "2024-11-01"


@pytest.mark.parametrize(("catalog_id", "ratio"), [("aws-2023", 6.9), ("aws-2024-11", 3.5)])
def test_on_demand_vs_fully_used_provisioned(catalog_id: str, ratio: float) -> None:
    # DOMAIN.md §3: on-demand vs fully used provisioned: old ≈ 6.9×, current ≈ 3.5×
    c = load_catalog(catalog_id)
    on_demand_per_unit_hour = c.on_demand_write_usd_per_million / 1e6 * 3600
    assert on_demand_per_unit_hour / c.provisioned_wcu_hour_usd == pytest.approx(ratio, rel=0.02)


def test_old_replicated_write_price() -> None:
    c = load_catalog("aws-2023")
    assert c.on_demand_write_usd_per_million * c.replicated_write_price_multiplier == pytest.approx(1.875)
    assert c.provisioned_wcu_hour_usd * c.replicated_write_price_multiplier == pytest.approx(0.000975)


def test_custom_catalog_is_default_with_overrides() -> None:
    custom = load_catalog("custom", {"on_demand_write_usd_per_million": 0.5})
    assert custom.id == "custom" and custom.on_demand_write_usd_per_million == 0.5
    assert custom.on_demand_read_usd_per_million == load_catalog().on_demand_read_usd_per_million
    assert load_catalog("custom", base="aws-2023").on_demand_write_usd_per_million == 1.25
    assert "custom" in catalog_ids()


def test_catalog_from_file(tmp_path) -> None:
    data = load_catalog().model_dump()
    data.update(id="mine", on_demand_read_usd_per_million=0.2)
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(data))
    assert load_catalog(str(path)).on_demand_read_usd_per_million == 0.2


@pytest.mark.parametrize(("call", "text"), [
    (lambda: load_catalog("aws-1999"), "aws-2024-11"),
    (lambda: load_catalog("custom", {"bogus_price": 1}), "bogus_price"),
    (lambda: load_catalog("custom", {"on_demand_read_usd_per_million": -1}), "on_demand_read_usd_per_million"),
])
def test_bad_catalogs_raise_pricing_error(call, text: str) -> None:
    with pytest.raises(PricingError, match=text):
        call()
