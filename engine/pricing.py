"""Price catalogs: dated DynamoDB prices (per unit, per unit-hour, per GB-month) with their sources.

Shipped catalogs are data files in engine/pricing_data/<id>.json (DOMAIN.md §3):
- `aws-2024-11` (the default): us-east-1 prices since 2024-11-01;
- `aws-2023`: the prices before 2024-11-01 that the seed articles use ($1.25 per million writes).

The custom catalog (id `custom`) is not a file: it is a shipped catalog (the default unless
`base` names another) with the user's edits applied as `overrides` (field name -> value, e.g.
{"on_demand_write_usd_per_million": 0.5}); `EvaluateOptions.price_overrides` carries them. A path to
a JSON file with the same fields (a user-edited copy of a shipped file) also loads as a catalog.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from engine.errors import PricingError

PRICING_DIR = Path(__file__).resolve().parent / "pricing_data"
DEFAULT_CATALOG_ID = "aws-2024-11"
CUSTOM_CATALOG_ID = "custom"
TABLE_CLASSES = ("STANDARD", "STANDARD_INFREQUENT_ACCESS")
UNITS_PER_MILLION = 1_000_000
UNITS_PER_STREAM_PRICE = 100_000
RESERVED_BLOCK_UNITS = 100  # reserved capacity is bought per 100 units (awslabs/amazon-dynamodb-tools)
BYTES_PER_GB = 1024 ** 3     # 1 GB = 1,024^3 bytes (DOMAIN.md units: 1 KB = 1,024 bytes)

NonNeg = Field(ge=0)


class PriceCatalog(BaseModel):
    """One dated set of DynamoDB prices for a region (every figure in USD)."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    id: str
    """Catalog id (aws-2024-11, aws-2023, custom, or a file's id)."""
    name: str
    """Human name of the catalog."""
    date: str
    """Date the prices took effect (ISO)."""
    region: str = "us-east-1"
    """Region the prices are for."""
    currency: str = "USD"
    """Currency of every figure."""
    sources: tuple[str, ...] = ()
    """Where each price comes from."""
    on_demand_write_usd_per_million: float = NonNeg
    """On-demand: USD per million write request units (Standard class)."""
    on_demand_read_usd_per_million: float = NonNeg
    """On-demand: USD per million read request units (Standard class)."""
    provisioned_wcu_hour_usd: float = NonNeg
    """Provisioned: USD per WCU-hour (Standard class)."""
    provisioned_rcu_hour_usd: float = NonNeg
    """Provisioned: USD per RCU-hour (Standard class)."""
    reserved_wcu_upfront_usd_per_100: float = NonNeg
    """Reserved capacity: upfront USD per 100 WCU for the term."""
    reserved_wcu_hour_usd_per_100: float = NonNeg
    """Reserved capacity: USD per hour per 100 WCU."""
    reserved_rcu_upfront_usd_per_100: float = NonNeg
    """Reserved capacity: upfront USD per 100 RCU for the term."""
    reserved_rcu_hour_usd_per_100: float = NonNeg
    """Reserved capacity: USD per hour per 100 RCU."""
    reserved_term_months: float = Field(default=12, gt=0)
    """Reserved capacity term in months (upfront is spread over it)."""
    storage_gb_month_usd: dict[str, float]
    """USD per GB-month by table class (STANDARD, STANDARD_INFREQUENT_ACCESS)."""
    request_price_multiplier: dict[str, float]
    """Request (and provisioned capacity) price factor by table class (Standard-IA ~1.25)."""
    replicated_write_price_multiplier: float = NonNeg
    """Replicated write price / write price (1.0 since 2024-11-01, 1.5 before)."""
    stream_read_usd_per_100k: float = NonNeg
    """USD per 100,000 stream read request units (reads by Lambda triggers are free)."""
    free_tier_storage_gb: float = NonNeg
    """Free tier storage (GB-month, Standard class)."""
    free_tier_wcu: float = NonNeg
    """Free tier provisioned WCU."""
    free_tier_rcu: float = NonNeg
    """Free tier provisioned RCU."""
    free_tier_stream_reads: float = NonNeg
    """Free tier stream read request units per month."""
    change_data_capture_usd_per_million: float | None = Field(default=None, ge=0)
    """Kinesis Data Streams for DynamoDB: USD per million change data capture units (1 per write of up to 1 KB)."""
    kinesis_shard_hour_usd: float | None = Field(default=None, ge=0)
    """Kinesis Data Streams, provisioned: USD per shard-hour."""
    kinesis_put_payload_units_usd_per_million: float | None = Field(default=None, ge=0)
    """Kinesis Data Streams, provisioned: USD per million PUT payload units (25 KB each)."""
    kinesis_on_demand_stream_hour_usd: float | None = Field(default=None, ge=0)
    """Kinesis Data Streams, on-demand: USD per stream-hour."""
    kinesis_on_demand_data_in_usd_per_gb: float | None = Field(default=None, ge=0)
    """Kinesis Data Streams, on-demand: USD per GB written (each record rounded up to 1 KB)."""
    kinesis_on_demand_data_out_usd_per_gb: float | None = Field(default=None, ge=0)
    """Kinesis Data Streams, on-demand: USD per GB read (shared-throughput consumers)."""
    lambda_requests_usd_per_million: float | None = Field(default=None, ge=0)
    """AWS Lambda: USD per million requests (invocations)."""
    lambda_gb_second_usd: float | None = Field(default=None, ge=0)
    """AWS Lambda, x86: USD per GB-second of duration (first pricing tier)."""
    pipes_requests_usd_per_million: float | None = Field(default=None, ge=0)
    """EventBridge Pipes: USD per million requests (counted after filtering, per 64 KB chunk of an event)."""
    free_tier_lambda_requests: float = Field(default=0, ge=0)
    """Lambda free tier: requests per month."""
    free_tier_lambda_gb_seconds: float = Field(default=0, ge=0)
    """Lambda free tier: GB-seconds per month."""
    hours_per_month: float = Field(default=730, gt=0)
    """Hours per month for hourly prices (730 by default; a design may override it)."""
    not_modelled: tuple[str, ...] = ()
    """Charges this catalog leaves out (said to the user)."""

    def storage_usd_per_gb_month(self, table_class: str) -> float:
        """Storage price of a table class."""
        return self.storage_gb_month_usd[table_class]

    def request_multiplier(self, table_class: str) -> float:
        """Request price factor of a table class (1.0 for STANDARD)."""
        return self.request_price_multiplier[table_class]

    def on_demand_read_usd_per_unit(self, table_class: str = "STANDARD") -> float:
        return self.on_demand_read_usd_per_million / UNITS_PER_MILLION * self.request_multiplier(table_class)

    def on_demand_write_usd_per_unit(self, table_class: str = "STANDARD") -> float:
        return self.on_demand_write_usd_per_million / UNITS_PER_MILLION * self.request_multiplier(table_class)

    def rcu_hour_usd(self, table_class: str = "STANDARD") -> float:
        return self.provisioned_rcu_hour_usd * self.request_multiplier(table_class)

    def wcu_hour_usd(self, table_class: str = "STANDARD") -> float:
        return self.provisioned_wcu_hour_usd * self.request_multiplier(table_class)

    def reserved_rcu_month_usd_per_unit(self, hours_per_month: float) -> float:
        """Effective monthly USD of one reserved RCU (upfront spread over the term + hourly)."""
        per_100 = self.reserved_rcu_upfront_usd_per_100 / self.reserved_term_months + \
            self.reserved_rcu_hour_usd_per_100 * hours_per_month
        return per_100 / RESERVED_BLOCK_UNITS

    def reserved_wcu_month_usd_per_unit(self, hours_per_month: float) -> float:
        """Effective monthly USD of one reserved WCU (upfront spread over the term + hourly)."""
        per_100 = self.reserved_wcu_upfront_usd_per_100 / self.reserved_term_months + \
            self.reserved_wcu_hour_usd_per_100 * hours_per_month
        return per_100 / RESERVED_BLOCK_UNITS


def shipped_catalog_ids() -> tuple[str, ...]:
    """Ids of the catalog data files (sorted)."""
    return tuple(sorted(p.stem for p in PRICING_DIR.glob("*.json")))


def catalog_ids() -> tuple[str, ...]:
    """Every id load_catalog accepts besides a file path: the shipped ones plus `custom`."""
    return (*shipped_catalog_ids(), CUSTOM_CATALOG_ID)


def _parse(data: Any, source: str) -> PriceCatalog:
    try:
        catalog = PriceCatalog.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise PricingError(f"price catalog {source} is malformed ({problems}); compare it with "
                           f"engine/pricing_data/{DEFAULT_CATALOG_ID}.json") from exc
    for field in ("storage_gb_month_usd", "request_price_multiplier"):
        missing = [c for c in TABLE_CLASSES if c not in getattr(catalog, field)]
        if missing:
            raise PricingError(f"price catalog {source}: {field} lacks {', '.join(missing)}; "
                               f"give a figure for every table class")
    return catalog


@lru_cache(maxsize=16)
def _load_shipped(catalog_id: str) -> PriceCatalog:
    path = PRICING_DIR / f"{catalog_id}.json"
    return _parse(json.loads(path.read_text(encoding="utf-8")), str(path.name))


def _load_file(path: Path) -> PriceCatalog:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PricingError(f"price catalog file {path} cannot be read ({exc}); give a JSON file "
                           f"shaped like engine/pricing_data/{DEFAULT_CATALOG_ID}.json") from exc
    return _parse(data, str(path))


def with_overrides(catalog: PriceCatalog, overrides: Mapping[str, Any], catalog_id: str = CUSTOM_CATALOG_ID,
                   ) -> PriceCatalog:
    """A copy of `catalog` with some fields changed, re-validated (unknown fields raise PricingError)."""
    unknown = sorted(set(overrides) - set(PriceCatalog.model_fields))
    if unknown:
        raise PricingError(f"price override(s) {', '.join(unknown)} are not catalog fields (known: "
                           f"{', '.join(PriceCatalog.model_fields)}); fix the name")
    data = catalog.model_dump()
    data.update(overrides)
    data["id"] = catalog_id
    if catalog_id == CUSTOM_CATALOG_ID and "name" not in overrides:
        data["name"] = f"Custom (edited from {catalog.id})"
    return _parse(data, f"'{catalog_id}'")


def load_catalog(catalog_id: str | None = None, overrides: Mapping[str, Any] | None = None,
                 base: str = DEFAULT_CATALOG_ID) -> PriceCatalog:
    """The catalog with this id (default aws-2024-11), `custom` (base + overrides), or a JSON file path.

    Overrides given with a shipped id also produce a `custom` catalog derived from that id.
    """
    catalog_id = catalog_id or DEFAULT_CATALOG_ID
    if catalog_id == CUSTOM_CATALOG_ID:
        return with_overrides(load_catalog(base), overrides or {})
    if catalog_id in shipped_catalog_ids():
        catalog = _load_shipped(catalog_id)
    elif catalog_id.endswith(".json") and Path(catalog_id).is_file():
        catalog = _load_file(Path(catalog_id))
    else:
        raise PricingError(f"price catalog '{catalog_id}' is unknown (known: {', '.join(catalog_ids())}, "
                           f"or a path to a .json catalog file); pick one of them")
    return with_overrides(catalog, overrides) if overrides else catalog


__all__ = [
    "BYTES_PER_GB", "CUSTOM_CATALOG_ID", "DEFAULT_CATALOG_ID", "PRICING_DIR", "RESERVED_BLOCK_UNITS",
    "TABLE_CLASSES", "PriceCatalog", "catalog_ids", "load_catalog", "shipped_catalog_ids", "with_overrides",
]
