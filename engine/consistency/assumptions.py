"""Consistency assumptions: every number the consistency lab uses, each field citing its source.

The defaults come from DOMAIN.md §5 (replicas per partition and the write quorum, the measured
read-your-writes rates of alexdebrie/dynamodb-performance-testing, GSIs and global tables replicating
"typically within a second") and §2 (strong reads cost double); the rest are workbench choices, marked
as such in their field docs. The bottom of the package: it imports no other module of it.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from engine.errors import WorkbenchError

_NORMAL = NormalDist()


class ConsistencyError(WorkbenchError):
    """Consistency assumptions that cannot be fitted or used (the message names field and fix)."""


MeasuredPoints = tuple[tuple[float, float], ...]


MAX_ASSUMED_MS = 3_600_000.0
"""Upper bound of every assumed delay or latency (one hour): DynamoDB documents lags of seconds at most, and a
bound keeps every curve and integral finite (a user typing 1e308 gets a message, not a blank page)."""
MAX_LAG_MULTIPLIER = 1000.0
"""Upper bound of the throttled-GSI lag multiplier (a second of lag becomes at most ~17 minutes)."""


class ConsistencyAssumptions(BaseModel):
    """Every number the consistency lab uses; each field documents its source. Override any."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    replicas_per_partition: int = Field(default=3, ge=2)
    """Replicas of each partition, one per AZ (DOMAIN.md §5; seed "Understanding Eventual Consistency")."""
    replicas_acknowledging_write: int = Field(default=2, ge=1)
    """Replicas holding a write when it is acknowledged: the leader and one more (DOMAIN.md §5)."""
    table_read_your_writes_measured: MeasuredPoints = ((0.0, 0.9950), (10.0, 0.9968), (100.0, 1.0))
    """(ms after the write, share of EC table reads that saw it): alexdebrie/dynamodb-performance-testing,
    5,000 tries each (DOMAIN.md §5). The first two points fit the third replica's lag; the last is checked."""
    gsi_read_your_writes_measured: MeasuredPoints = ((0.0, 0.9654), (10.0, 0.9953), (100.0, 0.9972))
    """(ms after the write, share of GSI queries that saw it): same measurement (DOMAIN.md §5)."""
    measurement_tries: int = Field(default=5000, ge=1)
    """Tries per measured point (the measurement's resolution; used to check the fit's last point)."""
    gsi_visible_after_ms: float = Field(default=1000.0, gt=0, le=MAX_ASSUMED_MS)
    """Time of the fourth GSI calibration point: AWS says GSIs update "typically within a second"
    (repost.aws knowledge-center dynamodb-missing-table-items-gsi)."""
    gsi_visible_share: float = Field(default=0.999, gt=0, lt=1)
    """Share of GSI updates visible after `gsi_visible_after_ms`: the workbench's reading of "typically
    within a second" (not an AWS figure); it fixes the slow tail the 3 measured points leave open."""
    gsi_throttled_lag_multiplier: float = Field(default=10.0, ge=1, le=MAX_LAG_MULTIPLIER)
    """How much longer GSI propagation takes while the GSI is throttled or under-provisioned (both
    exponential means are multiplied). AWS only says lag grows then (repost.aws knowledge-center
    dynamodb-missing-table-items-gsi); 10x is a workbench choice."""
    replication_processing_median_ms: float = Field(default=300.0, gt=0, le=MAX_ASSUMED_MS)
    """Median global-table replication processing delay on top of the network one-way time. AWS:
    replication "typically within a second or less", no SLA (DG/multi-region-strong-consistency-gt.html);
    the figure is a workbench choice consistent with that."""
    replication_processing_p99_ms: float = Field(default=1000.0, gt=0, le=MAX_ASSUMED_MS)
    """99th percentile of the processing delay (lognormal with the median above); workbench choice
    consistent with "typically within a second"."""
    round_trip_ms_overrides: tuple[tuple[str, str, float], ...] = ()
    """(region, region, round-trip ms) pairs replacing the defaults of engine/regions.py."""
    unknown_round_trip_ms: float = Field(default=150.0, gt=0, le=MAX_ASSUMED_MS)
    """Round trip used for a region whose location the workbench does not know."""
    in_region_request_latency_ms: float = Field(default=5.0, gt=0, le=MAX_ASSUMED_MS)
    """Typical in-region request latency: DynamoDB's "single-digit millisecond" performance (AWS product
    page); a representative value, not a promise."""
    strong_read_added_latency_ms: float = Field(default=1.0, ge=0, le=MAX_ASSUMED_MS)
    """Extra latency of a strongly consistent in-region read: it must reach the leader, possibly in another
    AZ (intra-region AZ round trips are about a millisecond). Workbench choice, AWS publishes none."""
    curve_points: int = Field(default=41, ge=3, le=400)
    """Points of each stale-read curve: t = 0 plus log-spaced points up to `curve_max_ms`."""
    curve_min_ms: float = Field(default=0.1, gt=0)
    """First positive time of the curves (log-spaced from here)."""
    curve_max_ms: float = Field(default=10_000.0, gt=0)
    """Last time of the curves (10 s)."""
    quadrature_nodes: int = Field(default=2000, ge=50, le=20_000)
    """Equal-probability nodes used to integrate over the replication delay (numerical accuracy only)."""

    @model_validator(mode="after")
    def _coherent(self) -> ConsistencyAssumptions:
        if self.replicas_acknowledging_write >= self.replicas_per_partition:
            raise ValueError("replicas_acknowledging_write must be below replicas_per_partition (else no "
                             "replica can lag)")
        if self.replication_processing_p99_ms <= self.replication_processing_median_ms:
            raise ValueError("replication_processing_p99_ms must exceed replication_processing_median_ms")
        if self.curve_max_ms <= self.curve_min_ms:
            raise ValueError("curve_max_ms must exceed curve_min_ms")
        return self

    @property
    def lagging_replica_share(self) -> float:
        """Share of EC reads that land on a replica the acknowledgement did not wait for (1/3)."""
        return (self.replicas_per_partition - self.replicas_acknowledging_write) / self.replicas_per_partition

    @property
    def processing_sigma(self) -> float:
        """Lognormal sigma of the replication processing delay from its median and p99."""
        return math.log(self.replication_processing_p99_ms / self.replication_processing_median_ms) / \
            _NORMAL.inv_cdf(0.99)

    def curve_ms(self) -> np.ndarray:
        """Times of the stale-read curves: 0, then log-spaced from curve_min_ms to curve_max_ms."""
        positive = np.logspace(math.log10(self.curve_min_ms), math.log10(self.curve_max_ms), self.curve_points - 1)
        return np.concatenate(([0.0], positive))


def assumption_docs() -> dict[str, str]:
    """Field name -> its documentation (source and meaning), for an assumptions panel."""
    return {name: (f.description or "") for name, f in ConsistencyAssumptions.model_fields.items()}
