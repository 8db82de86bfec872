"""How many partitions a table or GSI has and what sets that count (DOMAIN.md §4): storage (about 10 GB each),
provisioned throughput (3,000 RCU / 1,000 WCU each), an on-demand table's warm throughput and twice its previous
peak. One home for the count, used by the partition report and by a Scan's minimum read (one per partition)."""

from __future__ import annotations

import math
from typing import NamedTuple

from engine.model.table import GlobalSecondaryIndex, OnDemandBilling, ProvisionedBilling, Table

READ_UNITS_PER_PARTITION = 3000.0
WRITE_UNITS_PER_PARTITION = 1000.0
PARTITION_STORAGE_BYTES = 10 * 1024**3  # "about 10 GB" (1 GB = 1,024^3 bytes, DOMAIN.md units)
# DOMAIN.md §4 (DG/warm-throughput.html): a new on-demand table or GSI absorbs these at once.
ON_DEMAND_WARM_READ_UNITS_PER_SECOND = 12000.0
ON_DEMAND_WARM_WRITE_UNITS_PER_SECOND = 4000.0
# DOMAIN.md §4: on-demand serves up to 2x the previous peak instantly.
ON_DEMAND_PEAK_FACTOR = 2.0
DRIVERS = ("storage", "throughput", "on_demand_peak", "warm_throughput")


def throughput_partitions(read_units: float, write_units: float) -> int:
    """Partitions needed to serve a read and a write rate together (linear combination)."""
    return max(1, math.ceil(read_units / READ_UNITS_PER_PARTITION + write_units / WRITE_UNITS_PER_PARTITION - 1e-9))


def storage_partitions(storage_bytes: float) -> int:
    """Partitions needed to hold `storage_bytes` at about 10 GB each."""
    return max(1, math.ceil(storage_bytes / PARTITION_STORAGE_BYTES))


def warm_partitions(read_units: float, write_units: float) -> int:
    """Partitions behind a warm throughput: the read and write figures describe the same partitions.

    DynamoDB quotes a new on-demand table as 12,000 reads *or* 4,000 writes per second: four
    partitions either way, so the larger of the two counts, not their sum.
    """
    return max(1, math.ceil(read_units / READ_UNITS_PER_PARTITION - 1e-9),
               math.ceil(write_units / WRITE_UNITS_PER_PARTITION - 1e-9))


class PartitionCount(NamedTuple):
    """How many partitions, and the driver that sets that count (one of DRIVERS)."""

    partitions: int
    driver: str


def partition_count(candidates: dict[str, int]) -> PartitionCount:
    """The count and the driver that sets it (the largest candidate; ties keep DRIVERS order)."""
    best = max(DRIVERS, key=lambda d: (candidates.get(d, 0), -DRIVERS.index(d)))
    return PartitionCount(partitions=candidates[best], driver=best)


def partition_candidates(table: Table, index: GlobalSecondaryIndex | None, storage_bytes: float) -> dict[str, int]:
    """Partitions each driver alone would need for the table (index None) or one of its GSIs."""
    candidates = {"storage": storage_partitions(storage_bytes)}
    billing = table.billing
    if isinstance(billing, ProvisionedBilling):
        prov = index.provisioned if index is not None and index.provisioned is not None else billing
        candidates["throughput"] = throughput_partitions(prov.read_capacity_units, prov.write_capacity_units)
        return candidates
    assert isinstance(billing, OnDemandBilling)
    candidates["warm_throughput"] = warm_partitions(
        billing.warm_read_units_per_second or ON_DEMAND_WARM_READ_UNITS_PER_SECOND,
        billing.warm_write_units_per_second or ON_DEMAND_WARM_WRITE_UNITS_PER_SECOND)
    peak_r = billing.previous_peak_read_units_per_second or 0.0
    peak_w = billing.previous_peak_write_units_per_second or 0.0
    if peak_r or peak_w:
        candidates["on_demand_peak"] = throughput_partitions(
            ON_DEMAND_PEAK_FACTOR * peak_r, ON_DEMAND_PEAK_FACTOR * peak_w)
    return candidates


__all__ = [
    "DRIVERS", "ON_DEMAND_PEAK_FACTOR", "ON_DEMAND_WARM_READ_UNITS_PER_SECOND", "ON_DEMAND_WARM_WRITE_UNITS_PER_SECOND",
    "PARTITION_STORAGE_BYTES", "READ_UNITS_PER_PARTITION", "WRITE_UNITS_PER_PARTITION", "partition_candidates",
    "partition_count", "storage_partitions", "throughput_partitions", "warm_partitions",
]
