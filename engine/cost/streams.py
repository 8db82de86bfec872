"""What a table's stream consumers cost per month (issue 16), from the dated prices of engine.pricing catalogs (each
catalog's `sources` names the pricing pages):

- stream read request units: one per GetRecords call (DG/CostOptimization_StreamsUsage.html), free for Lambda
  triggers, `stream_read_usd_per_100k` for other readers (EventBridge Pipes' poller included, an assumption: the
  pricing page exempts only Lambda triggers and global tables), 2.5 million a month free when the free tier is on;
- Kinesis Data Streams for DynamoDB: one change data capture unit per record per 1 KB of the larger image
  (DG/kds.html), plus the Kinesis stream: provisioned shard-hours and 25 KB PUT payload units, or on-demand
  stream-hours and GB written (each record rounded up to 1 KB) and read;
- Lambda (x86): requests (invocations) and GB-seconds (duration x memory); 1 million requests and 400,000 GB-seconds
  a month free when the free tier is on;
- EventBridge Pipes: requests counted after filtering, one per 64 KB chunk of an event.

The writes the consumers make are derived access patterns, priced like any pattern on their target tables
(engine.cost.arms, engine.evaluate). A price a catalog does not hold (None) leaves that part at 0 and is named in
`ConsumerCost.unpriced`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from engine.capacity import Arm
from engine.cost.arms import arm_costs
from engine.cost.rates import free_tier_split, seconds_per_month
from engine.model import StreamConsumer, Table
from engine.pricing import BYTES_PER_GB, UNITS_PER_MILLION, UNITS_PER_STREAM_PRICE, PriceCatalog

if TYPE_CHECKING:  # types only: engine.streams computes what engine.evaluate prices here
    from engine.streams import ConsumerFlow, TableStream

STREAM_COST_KINDS = ("stream reads", "change data capture", "kinesis", "lambda", "pipes")
"""The kinds a stream consumer's money is split into (Evaluation.cost_by_kind adds them to the pattern kinds)."""
KINESIS_PUT_PAYLOAD_BYTES = 25 * 1024
"""Kinesis Data Streams pricing: a PUT payload unit is a 25 KB chunk of a record."""
KINESIS_DATA_UNIT_BYTES = 1024
"""Kinesis on-demand: each record is rounded up to 1 KB of data written."""
PIPES_CHUNK_BYTES = 64 * 1024
"""EventBridge pricing: each 64 KB chunk of an event is one request."""
IDEMPOTENCY_MARKER_UNITS = 1.0
"""An idempotency marker item (the record's event id and an expiry) stays under 1 KB: 1 write unit."""
TRANSACTION_FACTOR = 2.0
"""DOMAIN.md §2: a transaction doubles the table arm of every item (index arms are not doubled)."""


@dataclass(frozen=True, kw_only=True)
class ConsumerCost:
    """One consumer's monthly usage and cost (home region, USD)."""

    stream_read_requests_per_month: float
    """GetRecords calls on the table's stream (Lambda's are counted but free)."""
    billed_stream_read_requests_per_month: float
    """Of those, the ones billed (after the free tier when it is on)."""
    change_data_capture_units_per_month: float = 0.0
    kinesis_shard_hours_per_month: float = 0.0
    kinesis_put_payload_units_per_month: float = 0.0
    kinesis_stream_hours_per_month: float = 0.0
    kinesis_data_in_gb_per_month: float = 0.0
    kinesis_data_out_gb_per_month: float = 0.0
    lambda_requests_per_month: float = 0.0
    lambda_gb_seconds_per_month: float = 0.0
    pipes_requests_per_month: float = 0.0
    monthly_usd_by_kind: dict[str, float] = field(default_factory=dict)
    """USD per month by kind (STREAM_COST_KINDS), after the free tier."""
    free_tier_usd: float = 0.0
    """What the free tier took off (0 when it is off)."""
    unpriced: tuple[str, ...] = ()
    """Charges the catalog holds no price for (left at 0)."""

    @property
    def monthly_usd(self) -> float:
        return sum(self.monthly_usd_by_kind.values())


def _price(value: float | None, name: str, unpriced: list[str]) -> float:
    if value is None:
        unpriced.append(name)
        return 0.0
    return value


def _usage(consumer: StreamConsumer, flow: ConsumerFlow, stream: TableStream, seconds: float, hours: float) -> dict[str, float]:
    """Monthly quantities of one consumer (before prices and the free tier)."""
    usage = {"reads": flow.get_records_per_second * seconds}
    if consumer.kind == "lambda":
        usage["lambda_requests"] = flow.invocations_per_second * seconds
        usage["lambda_gb_seconds"] = usage["lambda_requests"] * consumer.avg_duration_ms / 1000 * \
            consumer.memory_mb / 1024
    elif consumer.kind == "pipes":
        chunks = max(1, math.ceil(stream.stream_record_bytes / PIPES_CHUNK_BYTES))
        usage["pipes_requests"] = flow.delivered_records_per_second * chunks * seconds
    elif consumer.kind == "kinesis":
        records = stream.records_per_second * seconds
        usage["cdc_units"] = records * max(1.0, stream.change_units_per_record)
        if consumer.capacity_mode == "provisioned":
            usage["shard_hours"] = consumer.shards * hours
            usage["put_units"] = records * max(1, math.ceil(stream.kinesis_record_bytes / KINESIS_PUT_PAYLOAD_BYTES))
        else:
            usage["stream_hours"] = hours
            kb = max(1, math.ceil(stream.kinesis_record_bytes / KINESIS_DATA_UNIT_BYTES))
            usage["data_in_gb"] = records * kb * KINESIS_DATA_UNIT_BYTES / BYTES_PER_GB
            usage["data_out_gb"] = usage["data_in_gb"] * consumer.readers
    return usage


def consumer_costs(items: Sequence[tuple[StreamConsumer, ConsumerFlow, TableStream]], catalog: PriceCatalog, hours: float,
                   free_tier: bool = False) -> list[ConsumerCost]:
    """Cost of each (consumer, engine.streams.ConsumerFlow, engine.streams.TableStream), in design order.

    With the free tier on, the account's 2.5 million stream reads and Lambda's 1 million requests and 400,000
    GB-seconds are taken by the consumers in design order (like the table free tier, engine.cost.tables).
    """
    seconds = seconds_per_month(hours)
    usages = [_usage(c, f, s, seconds, hours) for c, f, s in items]
    billed_reads = [u["reads"] if c.kind in ("pipes", "other") else 0.0 for (c, _, _), u in zip(items, usages,
                                                                                                    strict=True)]
    lambda_requests = [u.get("lambda_requests", 0.0) for u in usages]
    lambda_seconds = [u.get("lambda_gb_seconds", 0.0) for u in usages]
    zero = [0.0] * len(items)
    free_reads = free_tier_split(billed_reads, catalog.free_tier_stream_reads) if free_tier else zero
    free_requests = free_tier_split(lambda_requests, catalog.free_tier_lambda_requests) if free_tier else zero
    free_seconds = free_tier_split(lambda_seconds, catalog.free_tier_lambda_gb_seconds) if free_tier else zero
    out = []
    for i, ((consumer, _, _), usage) in enumerate(zip(items, usages, strict=True)):
        unpriced: list[str] = []
        kinds = dict.fromkeys(STREAM_COST_KINDS, 0.0)
        read_price = catalog.stream_read_usd_per_100k / UNITS_PER_STREAM_PRICE
        kinds["stream reads"] = (billed_reads[i] - free_reads[i]) * read_price
        free_usd = free_reads[i] * read_price
        if consumer.kind == "lambda":
            per_request = _price(catalog.lambda_requests_usd_per_million, "Lambda requests", unpriced) / \
                UNITS_PER_MILLION
            per_gb_second = _price(catalog.lambda_gb_second_usd, "Lambda GB-seconds", unpriced)
            kinds["lambda"] = (lambda_requests[i] - free_requests[i]) * per_request + \
                (lambda_seconds[i] - free_seconds[i]) * per_gb_second
            free_usd += free_requests[i] * per_request + free_seconds[i] * per_gb_second
        elif consumer.kind == "pipes":
            kinds["pipes"] = usage["pipes_requests"] * _price(
                catalog.pipes_requests_usd_per_million, "EventBridge Pipes requests", unpriced) / UNITS_PER_MILLION
        elif consumer.kind == "kinesis":
            kinds["change data capture"] = usage["cdc_units"] * _price(
                catalog.change_data_capture_usd_per_million, "change data capture units", unpriced) / UNITS_PER_MILLION
            if consumer.capacity_mode == "provisioned":
                kinds["kinesis"] = usage["shard_hours"] * _price(catalog.kinesis_shard_hour_usd,
                                                                 "Kinesis shard-hours", unpriced) + \
                    usage["put_units"] * _price(catalog.kinesis_put_payload_units_usd_per_million,
                                                "Kinesis PUT payload units", unpriced) / UNITS_PER_MILLION
            else:
                kinds["kinesis"] = usage["stream_hours"] * _price(
                    catalog.kinesis_on_demand_stream_hour_usd, "Kinesis on-demand stream-hours", unpriced) + \
                    usage["data_in_gb"] * _price(catalog.kinesis_on_demand_data_in_usd_per_gb,
                                                 "Kinesis on-demand data written", unpriced) + \
                    usage["data_out_gb"] * _price(catalog.kinesis_on_demand_data_out_usd_per_gb,
                                                  "Kinesis on-demand data read", unpriced)
        out.append(ConsumerCost(
            stream_read_requests_per_month=usage["reads"],
            billed_stream_read_requests_per_month=billed_reads[i] - free_reads[i],
            change_data_capture_units_per_month=usage.get("cdc_units", 0.0),
            kinesis_shard_hours_per_month=usage.get("shard_hours", 0.0),
            kinesis_put_payload_units_per_month=usage.get("put_units", 0.0),
            kinesis_stream_hours_per_month=usage.get("stream_hours", 0.0),
            kinesis_data_in_gb_per_month=usage.get("data_in_gb", 0.0),
            kinesis_data_out_gb_per_month=usage.get("data_out_gb", 0.0),
            lambda_requests_per_month=lambda_requests[i], lambda_gb_seconds_per_month=lambda_seconds[i],
            pipes_requests_per_month=usage.get("pipes_requests", 0.0), monthly_usd_by_kind=kinds,
            free_tier_usd=free_usd, unpriced=tuple(unpriced)))
    return out


@dataclass(frozen=True, kw_only=True)
class IdempotentAlternative:
    """A counter update made idempotent: a transaction that puts an idempotency marker (the record's event id,
    condition attribute_not_exists) and updates the counter, so a retried batch fails the condition instead of
    counting twice. A transaction doubles the table arm of each item (DOMAIN.md §2)."""

    write_units_per_record: float
    """The counter update as designed (table and index units)."""
    alternative_write_units_per_record: float
    """2 x the counter's table units + 2 x the marker's 1 unit + the index units (not doubled)."""
    extra_monthly_usd: float
    """What the extra units cost per month on the target table at the write's rate (demand, no free tier)."""


def idempotent_alternative(table: Table, arms: Sequence[Arm], rate: float, catalog: PriceCatalog,
                           hours: float) -> IdempotentAlternative:
    """The extra cost of making an unconditional counter update idempotent (IdempotentAlternative)."""
    now = sum(a.write_units_per_request for a in arms)
    table_units = sum(a.write_units_per_request for a in arms if a.target == table.name)
    extra = (TRANSACTION_FACTOR - 1) * table_units + TRANSACTION_FACTOR * IDEMPOTENCY_MARKER_UNITS
    arm = Arm(target=table.name, read_units_per_request=0.0, write_units_per_request=extra)
    usd = sum(arm_costs(table, (arm,), rate, catalog, hours).values())
    return IdempotentAlternative(
        write_units_per_record=now, alternative_write_units_per_record=now + extra, extra_monthly_usd=usd)


__all__ = ["STREAM_COST_KINDS", "ConsumerCost", "IdempotentAlternative", "consumer_costs", "idempotent_alternative"]
