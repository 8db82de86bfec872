"""Consistency lab: stale-read risk, GSI and replication lag, last-writer-wins conflicts, MRSC costs.

Models (DOMAIN.md §5; every number is a field of `ConsistencyAssumptions`, with its source):

- Table / LSI eventually consistent read. A partition has 3 replicas; the leader acknowledges a
  write once it and one more replica have it; an EC read goes to a random replica. The read
  misses the write only when it hits the third replica (1 in 3) and that replica still lags:
  P(stale at t) = 1/3 * P(L > t). The lag L is "0 with probability 1-p, else exponential with
  mean m" (a point mass plus an exponential tail), fitted in closed form to the measured
  read-your-writes rates (alexdebrie/dynamodb-performance-testing: 99.50 / 99.68 / 100.00 % at
  0 / 10 / 100 ms): the 0 ms point gives p, the 10 ms point gives m, the 100 ms point is checked.
- GSI read. Propagation is asynchronous: P(stale at t) = P(G > t) with G "0, else one of two
  exponentials" (fast + slow), fitted to the measured 96.54 / 99.53 / 99.72 % at 0 / 10 / 100 ms
  plus the workbench's reading of AWS's "typically within a second" (99.9 % visible after 1 s).
  A throttled or under-provisioned GSI stretches both means by a user-changeable multiplier.
- Read in another region of an MREC global table. The write reaches the reader's region after
  D = one-way network time (half the round trip of engine.regions) + a processing delay
  (lognormal, median/p99 assumptions consistent with "typically within a second"); then the
  reader's local path applies: P(stale at t) = P(D > t) + E[1{D <= t} * local(t - D)].
- Strongly consistent reads (table/LSI, in the write's region) and MRSC strong reads: zero,
  priced at 2x the EC read units (DOMAIN.md §2) and costing latency (MRSC: a round trip to the
  nearest other member of the region set).
- Last-writer-wins losses (MREC): a write from region i is silently overwritten when another
  region j writes the same item before i's write reached j (within its replication delay D_ij);
  with Poisson writes the distinct lost writes per item are lambda_i * (1 - prod_j E[exp(-lambda_j
  D_ij)]), summed over items and regions (lost_writes_per_second). It never exceeds the write rate
  and reduces to issue #5's pair rate lambda_r * lambda_s * (d_rs + d_sr) for cold items; the pair
  rate stays as a secondary figure (conflicts_per_second). MRSC: a write is rejected with
  ReplicatedWriteConflictException when another region's write to the item is still in flight
  (its quorum round trip), the same saturating form.

`analyze_consistency` is analytic and fast (the UI calls it on every change);
`monte_carlo_stale` and `monte_carlo_conflicts` are real simulations with an explicit
numpy Generator that check the analytic figures.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from statistics import NormalDist
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from engine import regions
from engine.capacity import target_name
from engine.errors import WorkbenchError
from engine.keyspace import key_count, key_labels, pattern_distribution, popularity
from engine.model.entity import HotKeys, KeyDistribution, SampleKeys, Uniform, Zipf
from engine.model.table import LocalSecondaryIndex, ProvisionedBilling

SECONDS_PER_DAY = 86_400.0
COST_SOURCE = "engine.evaluate: demand_monthly_usd x (strong - eventual read units) / read units at the pattern's consistency"
STALE_REPORT_MS = (0.0, 10.0, 100.0, 1000.0)  # the CLI/JSON points (issue #5)
MAX_EXACT_KEYS = 100_000  # above this, key shares use a head + power-law tail (see KeyShares)
HEAD_RANKS = 1_000
EXACT_POWER_TERMS = 10_000  # power sums: exact terms before the Euler-Maclaurin tail
_NORMAL = NormalDist()

ReadPath = Literal["table", "lsi", "gsi", "replica_region"]


class ConsistencyError(WorkbenchError):
    """Consistency assumptions that cannot be fitted or used (the message names field and fix)."""


# ---------------------------------------------------------------------------------------------
# Assumptions
# ---------------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------
# Lag distributions and their calibration
# ---------------------------------------------------------------------------------------------


def risk_text(share: float) -> str:
    """A stale-read share for people: two decimals, '< 0.01%' for tiny non-zero risks, '0%' for none."""
    if share <= 0:
        return "0%"
    if share < 0.0001:
        return "< 0.01%"
    return f"{share:.2%}"

@dataclass(frozen=True)
class LagDistribution:
    """A lag: 0 with the remaining probability, else exponential component i (weight, mean ms)."""

    weights: tuple[float, ...]
    means_ms: tuple[float, ...]

    @property
    def lagging_share(self) -> float:
        """Probability the lag is positive."""
        return float(sum(self.weights))

    def survival(self, t_ms: np.ndarray | float) -> np.ndarray:
        """P(lag > t) for t >= 0 (1 for t < 0)."""
        t = np.asarray(t_ms, dtype=float)
        out = np.zeros_like(t)
        for w, m in zip(self.weights, self.means_ms, strict=True):
            out = out + w * np.exp(-np.maximum(t, 0.0) / m)
        return np.where(t < 0, 1.0, out)

    def scaled(self, multiplier: float) -> LagDistribution:
        """The same shares with every mean multiplied (a throttled, slower propagation)."""
        return LagDistribution(self.weights, tuple(m * multiplier for m in self.means_ms))

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Independent lags in ms: pick the zero mass or a component, then draw the exponential."""
        probs = np.array([1.0 - self.lagging_share, *self.weights])
        component = rng.choice(len(probs), size=size, p=probs / probs.sum())
        means = np.array([0.0, *self.means_ms])[component]
        return rng.exponential(1.0, size) * means


def _stale_points(measured: MeasuredPoints, field_name: str) -> list[tuple[float, float]]:
    points = sorted((float(t), 1.0 - float(seen)) for t, seen in measured)
    if len(points) < 2 or points[0][0] != 0.0:
        raise ConsistencyError(f"{field_name} {measured!r}: need a point at 0 ms and at least one later point; "
                               "give (ms, share seen) pairs starting at 0")
    if any(not 0.0 <= s <= 1.0 for _, s in points):
        raise ConsistencyError(f"{field_name} {measured!r}: shares must lie in 0..1")
    return points


def fit_table_lag(assumptions: ConsistencyAssumptions) -> LagDistribution:
    """Third-replica lag of a table/LSI partition fitted to the measured read-your-writes rates.

    stale(t) = q * P(L > t) with q the lagging-replica share (1/3); P(L > 0) = stale(0)/q and the
    exponential mean follows from the first later point: stale(t1)/stale(0) = exp(-t1/mean).
    """
    name = "table_read_your_writes_measured"
    points = _stale_points(assumptions.table_read_your_writes_measured, name)
    q = assumptions.lagging_replica_share
    stale0 = points[0][1]
    if not 0.0 < stale0 <= q:
        raise ConsistencyError(f"{name}: the 0 ms stale share {stale0:.4%} must be above 0 and at most {q:.1%} "
                               "(only the lagging replica can be stale)")
    t1, stale1 = points[1]
    if not 0.0 < stale1 < stale0 or t1 <= 0:
        raise ConsistencyError(f"{name}: the stale share must fall between 0 ms and {t1:g} ms and stay above 0 "
                               f"(got {stale0:.4%} then {stale1:.4%})")
    mean_ms = t1 / math.log(stale0 / stale1)
    return LagDistribution((stale0 / q,), (mean_ms,))


def fit_gsi_lag(assumptions: ConsistencyAssumptions) -> LagDistribution:
    """GSI propagation lag fitted to 4 points: the 3 measured ones and the 'within a second' share.

    Fast + slow exponential: the two late points (100 ms, 1 s) fix the slow component (the fast
    one has died out there), then the 0 ms and 10 ms points fix the fast one; two refinement
    passes remove the fast component's (negligible) residue at the late points.
    """
    name = "gsi_read_your_writes_measured"
    points = _stale_points(assumptions.gsi_read_your_writes_measured, name)
    if len(points) < 3:
        raise ConsistencyError(f"{name}: the GSI fit needs 3 measured points (0 ms and two later ones)")
    (_, s0), (t1, s1), (t2, s2) = points[:3]
    t3, s3 = assumptions.gsi_visible_after_ms, 1.0 - assumptions.gsi_visible_share
    if not (s0 > s1 > s2 > s3 > 0 and t3 > t2 > t1 > 0):
        raise ConsistencyError(
            f"{name} with gsi_visible_share: stale shares must strictly fall over time "
            f"({s0:.4%} at 0, {s1:.4%} at {t1:g}, {s2:.4%} at {t2:g}, {s3:.4%} at {t3:g} ms); "
            f"raise gsi_visible_share above {1 - s2:.4%} or fix the measured points")
    fast_w, fast_m = 0.0, 1.0
    for _ in range(3):
        late2 = s2 - fast_w * math.exp(-t2 / fast_m)
        late3 = s3 - fast_w * math.exp(-t3 / fast_m)
        slow_m = (t3 - t2) / math.log(late2 / late3)
        slow_w = late2 * math.exp(t2 / slow_m)
        fast_w = s0 - slow_w
        fast_at_t1 = s1 - slow_w * math.exp(-t1 / slow_m)
        if fast_w <= 0 or not 0 < fast_at_t1 < fast_w:
            raise ConsistencyError(
                f"{name}: no fast+slow fit: the slow tail implied by the late points ({slow_w:.4%}, mean "
                f"{slow_m:.0f} ms) already exceeds the early points; raise gsi_visible_share or fix the points")
        fast_m = t1 / math.log(fast_w / fast_at_t1)
    return LagDistribution((fast_w, slow_w), (fast_m, slow_m))


@dataclass(frozen=True)
class ReplicationDelay:
    """Delay until a write made in one region is applied in another: one-way network + processing."""

    source_region: str
    target_region: str
    one_way_ms: float
    processing_median_ms: float
    processing_sigma: float
    round_trip_source: str

    @property
    def mean_ms(self) -> float:
        """E[D] = one-way + median * exp(sigma^2 / 2)."""
        return self.one_way_ms + self.processing_median_ms * math.exp(self.processing_sigma ** 2 / 2)

    def survival(self, t_ms: np.ndarray) -> np.ndarray:
        """P(D > t), exactly (lognormal processing after the network offset)."""
        t = np.asarray(t_ms, dtype=float)
        x = t - self.one_way_ms
        z = (np.log(np.maximum(x, 1e-300)) - math.log(self.processing_median_ms)) / self.processing_sigma
        return np.where(x <= 0, 1.0, 0.5 * _erfc(z / math.sqrt(2.0)))

    def nodes_ms(self, count: int) -> np.ndarray:
        """Equal-probability quadrature nodes of D (midpoints of `count` probability bins)."""
        return self.one_way_ms + self.processing_median_ms * np.exp(self.processing_sigma * _normal_nodes(count))

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Independent delays in ms."""
        return self.one_way_ms + rng.lognormal(math.log(self.processing_median_ms), self.processing_sigma, size)

    def arrival_probability(self, rate_per_s: np.ndarray) -> np.ndarray:
        """1 - E[exp(-rate * D)]: chance a Poisson stream at `rate_per_s` puts an event inside one delay D.

        Written as E[-expm1(-rate * D)] so it stays accurate for cold items (rate * D << 1). The
        lognormal part is integrated over its normal variable on a fine uniform grid (trapezoid rule
        on the Gaussian density; smooth integrand, accurate also when rate * D >> 1).
        """
        rate_per_ms = np.asarray(rate_per_s, dtype=float) / 1000.0
        processing = self.processing_median_ms * np.exp(self.processing_sigma * _LAPLACE_Z)
        late = (-np.expm1(-rate_per_ms[..., None] * processing) * _LAPLACE_WEIGHTS).sum(axis=-1)
        network = -np.expm1(-rate_per_ms * self.one_way_ms)
        return network + (1.0 - network) * late


_ERFC = np.frompyfunc(math.erfc, 1, 1)
# Uniform grid over the standard normal variable for E[f(lognormal)] (numerical accuracy only).
_LAPLACE_Z = np.linspace(-8.0, 8.0, 161)
_LAPLACE_WEIGHTS = np.exp(-_LAPLACE_Z ** 2 / 2) / np.exp(-_LAPLACE_Z ** 2 / 2).sum()


def _erfc(z: np.ndarray) -> np.ndarray:
    """Complementary error function over an array (numpy has none; the arrays here are small)."""
    return np.asarray(_ERFC(np.asarray(z, dtype=float)), dtype=float)


@lru_cache(maxsize=8)
def _normal_nodes(count: int) -> np.ndarray:
    """Standard normal quantiles at the midpoints of `count` equal-probability bins."""
    nodes = np.array([_NORMAL.inv_cdf((i + 0.5) / count) for i in range(count)])
    nodes.setflags(write=False)
    return nodes


def replication_delay(source: str, target: str, a: ConsistencyAssumptions) -> ReplicationDelay:
    """The MREC replication delay from `source` to `target` under the assumptions."""
    rt = regions.round_trip(source, target, a.round_trip_ms_overrides, a.unknown_round_trip_ms)
    return ReplicationDelay(source, target, rt.one_way_ms, a.replication_processing_median_ms,
                            a.processing_sigma, rt.source)


# ---------------------------------------------------------------------------------------------
# Read paths: where a read can miss a write, analytic curve and simulation from one description
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LocalPath:
    """How a read misses a write already applied at its region's leader.

    stale(x) = replica_share * lag.survival(x) for x >= 0 (lag None: never stale).
    """

    replica_share: float
    lag: LagDistribution | None

    def stale(self, x_ms: np.ndarray) -> np.ndarray:
        x = np.asarray(x_ms, dtype=float)
        local = np.zeros_like(x) if self.lag is None else self.replica_share * self.lag.survival(x)
        return np.where(x < 0, 1.0, local)


@dataclass(frozen=True)
class WriteSource:
    """A share of the matching writes and the replication delay they need (None: same region)."""

    region: str
    share: float
    delay: ReplicationDelay | None


@dataclass(frozen=True)
class ReadPathModel:
    """Everything that decides a read's stale probability: the local path and the writes' origins."""

    local: LocalPath
    sources: tuple[WriteSource, ...]

    def stale(self, t_ms: np.ndarray, quadrature_nodes: int = 2000) -> np.ndarray:
        """P(read issued t ms after the write misses it), mixing the write sources by share."""
        t = np.asarray(t_ms, dtype=float)
        total = np.zeros_like(t)
        for src in self.sources:
            total = total + src.share * self._source_stale(src, t, quadrature_nodes)
        return np.clip(total, 0.0, 1.0)

    def _source_stale(self, src: WriteSource, t: np.ndarray, nodes: int) -> np.ndarray:
        if src.delay is None:
            return self.local.stale(t)
        arrived_late = src.delay.survival(t)
        if self.local.lag is None:
            return arrived_late
        # E[1{D <= t} * local(t - D)] over D's equal-probability bins: bin i contributes the part of
        # its mass already arrived (exact, from D's CDF) times local() at its midpoint. Counting partial
        # bins keeps the curve continuous and non-increasing in t.
        d = src.delay.nodes_ms(nodes)
        lower = np.arange(nodes) / nodes
        arrived_mass = np.clip((1.0 - arrived_late)[:, None] - lower[None, :], 0.0, 1.0 / nodes)
        local_part = (arrived_mass * self.local.stale(np.maximum(t[:, None] - d[None, :], 0.0))).sum(axis=1)
        return arrived_late + local_part

    def simulate(self, t_ms: float, rng: np.random.Generator, n_writes: int) -> float:
        """Share of `n_writes` simulated writes whose read `t_ms` later is stale.

        Per write: its source region (by share), its replication delay, the replica the read
        lands on, that replica's sampled lag, and the read's time.
        """
        shares = np.array([s.share for s in self.sources])
        origin = rng.choice(len(shares), size=n_writes, p=shares / shares.sum())
        delay = np.zeros(n_writes)
        for i, src in enumerate(self.sources):
            mask = origin == i
            if src.delay is not None and mask.any():
                delay[mask] = src.delay.sample(rng, int(mask.sum()))
        stale = delay > t_ms
        if self.local.lag is not None:
            on_lagging = rng.random(n_writes) < self.local.replica_share
            lag = self.local.lag.sample(rng, n_writes)
            stale |= on_lagging & (delay + lag > t_ms)
        return float(stale.mean())


# ---------------------------------------------------------------------------------------------
# Per-pattern results
# ---------------------------------------------------------------------------------------------

GSI_REMEDIES = (
    "Make the write conditional (ConditionExpression on a version or status attribute) so a decision "
    "taken from a stale GSI read cannot overwrite newer data.",
    "Read the item from the table by its primary key with ConsistentRead=true when the latest value "
    "matters (GSI reads are eventually consistent only; DG/GSI.html).",
    "Keep a version attribute (or updated_at): when the GSI returns an older version than the one just "
    "written, re-read the table by key or retry after a short delay.",
    "Return the written item to the caller (ReturnValues=ALL_NEW) instead of re-reading it through the GSI.",
)


REMEDY_MIN_RISK_CUT = 0.5
"""A remedy 'helps' a read pattern when it removes at least this share of the pattern's stale risk at
its read-after-write delay (workbench choice: a remedy leaving most of the risk in place is not one)."""

RemedyKind = Literal["strong_read", "table_strong_read", "route_read", "home_region", "mrsc", "version_check"]
REMEDY_ORDER: tuple[RemedyKind, ...] = ("strong_read", "table_strong_read", "route_read", "home_region", "mrsc")
"""Preference when several remedies help: least disruptive first (a flag, a read path, routing, data
ownership, then a new table mode). version_check tolerates staleness instead of reducing it."""


@dataclass(frozen=True)
class StaleRemedy:
    """One way to deal with a read pattern's stale risk, with its modelled effect."""

    kind: RemedyKind
    action: str
    stale_after: float | None
    """Stale risk at the pattern's delay with the remedy (None: the risk stays; the remedy makes it harmless)."""
    helps: bool
    """Removes at least REMEDY_MIN_RISK_CUT of the risk."""
    possible: bool
    """False when the design cannot take it as it is (e.g. MRSC on regions outside one MRSC set)."""
    extra_monthly_usd: float | None
    added_latency_ms: float | None
    detail: str
    """Why it helps or not, and its catch."""

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "action": self.action, "stale_after": self.stale_after, "helps": self.helps,
                "possible": self.possible, "extra_monthly_usd": self.extra_monthly_usd,
                "added_latency_ms": self.added_latency_ms, "detail": self.detail}

    def sentence(self, stale_now: float) -> str:
        """Readable line: action, effect on the risk, cost, latency, catch."""
        costs = ([f"+${self.extra_monthly_usd:,.2f}/month"] if self.extra_monthly_usd is not None else []) + \
                ([f"+{self.added_latency_ms:g} ms"] if self.added_latency_ms else [])
        cost = f" ({', '.join(costs)})" if costs else ""
        if self.stale_after is None:
            return f"{self.action}{cost}: {self.detail}"
        effect = "stale risk" if self.helps else "barely changes the stale risk,"
        return f"{self.action}{cost}: {effect} {risk_text(stale_now)} -> {risk_text(self.stale_after)}; {self.detail}"


@dataclass(frozen=True)
class PatternConsistency:
    """Consistency of one read access pattern: stale risk, what strong costs, latency, remedies."""

    name: str
    table: str
    index: str | None
    operation: str
    consistency: str
    read_path: ReadPath
    read_region: str
    write_sources: tuple[tuple[str, float], ...]
    """(region, share of the matching writes) the read follows."""
    read_after_write_ms: float
    stale_curve: tuple[float, ...]
    """P(stale) at each of ConsistencyReport.curve_ms (baseline: no throttling)."""
    stale_probability_at_ms: dict[str, float]
    stale_probability_at_read_after_write: float
    throttled_stale_curve: tuple[float, ...] | None
    """GSI only: the curve while the GSI is throttled or under-provisioned."""
    stale_probability_at_ms_throttled: dict[str, float] | None
    gsi_throttled_share: float | None
    """GSI only: share of time the GSI is throttled (heat engine input, or 1 when under-provisioned)."""
    gsi_throttle_reason: str | None
    expected_stale_at_read_after_write: float
    """Stale probability at the pattern's delay, mixing baseline and throttled by the throttled share."""
    stale_at_read_after_write_if_strong: float | None
    """The same risk with ConsistentRead=true (0 in the write's region; MREC remote writes still lag)."""
    can_be_strong: bool
    strong_read_extra_monthly_usd: float | None
    """Monthly cost of strong minus eventual reads for this pattern (None when it cannot be strong)."""
    read_latency_ms: float
    strong_read_added_latency_ms: float | None
    guarantee: str
    remedies: tuple[str, ...]
    """Readable remedies, the ones that help first (each says what it does to the risk)."""
    stale_from_other_regions: float = 0.0
    """Share of the stale risk at the pattern's delay caused by writes made in OTHER regions (MREC
    replication); a strong read in this region cannot remove that part."""
    strong_read_helps: bool | None = None
    """Would ConsistentRead=true remove most of the risk (REMEDY_MIN_RISK_CUT)? None: not applicable
    (already strong, or a GSI read)."""
    stale_remedies: tuple[StaleRemedy, ...] = ()
    """Each remedy with its effect on the risk, cost, latency, and whether it helps and is possible."""
    recommendation: str = ""
    """One sentence for a verdict: the first remedy that helps, never one that does not."""

    def to_json(self) -> dict[str, Any]:
        """The CLI/JSON shape (issue #5)."""
        return {
            "name": self.name, "table": self.table, "index": self.index, "operation": self.operation,
            "consistency": self.consistency, "read_path": self.read_path, "read_region": self.read_region,
            "write_sources": [{"region": r, "share": s} for r, s in self.write_sources],
            "read_after_write_ms": self.read_after_write_ms,
            "stale_probability_at_ms": self.stale_probability_at_ms,
            "stale_curve": list(self.stale_curve), "throttled_stale_curve":
                None if self.throttled_stale_curve is None else list(self.throttled_stale_curve),
            "stale_probability_at_read_after_write": self.stale_probability_at_read_after_write,
            "stale_probability_at_ms_throttled": self.stale_probability_at_ms_throttled,
            "gsi_throttled_share": self.gsi_throttled_share, "gsi_throttle_reason": self.gsi_throttle_reason,
            "expected_stale_at_read_after_write": self.expected_stale_at_read_after_write,
            "stale_at_read_after_write_if_strong": self.stale_at_read_after_write_if_strong,
            "can_be_strong": self.can_be_strong,
            "strong_read_extra_monthly_usd": self.strong_read_extra_monthly_usd,
            "read_latency_ms": self.read_latency_ms,
            "strong_read_added_latency_ms": self.strong_read_added_latency_ms,
            "guarantee": self.guarantee, "remedies": list(self.remedies),
            "stale_from_other_regions": self.stale_from_other_regions,
            "strong_read_helps": self.strong_read_helps,
            "stale_remedies": [r.to_json() for r in self.stale_remedies],
            "recommendation": self.recommendation,
        }


@dataclass(frozen=True)
class ConstraintCheck:
    """One MRSC rule checked on a table (DG/multi-region-strong-consistency-gt.html)."""

    rule: str
    ok: bool
    message: str


@dataclass(frozen=True)
class GlobalTableConsistency:
    """A global table's replication: delays, conflicts per day, latencies, MRSC constraints."""

    table: str
    mode: str
    regions: tuple[str, ...]
    witness_region: str | None
    writes_per_second_by_region: dict[str, float]
    replication_delay_mean_ms: dict[str, float]
    """'source->target' -> mean delay (MREC: one-way + processing; MRSC: the async copy to the 3rd region)."""
    round_trips: tuple[tuple[str, str, float, str], ...]
    """(region, region, round-trip ms, source) for every pair of members: the editable matrix."""
    lost_updates_per_day: float
    """MREC: distinct writes last-writer-wins silently overwrites per day (lost_writes_per_second;
    never more than the writes per day). 0 for MRSC, which rejects instead."""
    replicated_write_conflicts_per_day: float | None
    """MRSC: writes rejected with ReplicatedWriteConflictException per day under the same load (distinct
    writes, never more than the writes per day; None for MREC)."""
    write_latency_ms: dict[str, float]
    """Region -> typical write latency (MRSC adds the round trip to the nearest other member)."""
    strong_read_latency_ms: dict[str, float]
    """Region -> typical strongly consistent read latency."""
    constraints: tuple[ConstraintCheck, ...]
    model_notes: tuple[str, ...]
    conflicting_write_share: float = 0.0
    """Lost (MREC) or rejected (MRSC) writes per day / writes per day: a share, at most 1."""
    hottest_item_writes_per_window: float = 0.0
    """Writes the hottest item receives from one region within one unseen window: above ~0.1 the
    pairwise rate overstates distinct lost writes (several writes overlap one window)."""
    conflicting_pairs_per_day: float = 0.0
    """Secondary: overlapping write pairs per day, lambda_r lambda_s (w_rs + w_sr) per item (issue #5's
    linear formula). Equals the headline figure when items are cold; overstates it when they are hot."""
    lost_writes_per_day_by_region: dict[str, float] = field(default_factory=dict)
    """Region that made the write -> its writes lost (MREC) or rejected (MRSC) per day."""

    @property
    def problems(self) -> tuple[str, ...]:
        """Messages of the MRSC rules the table breaks."""
        return tuple(c.message for c in self.constraints if not c.ok)

    def to_json(self) -> dict[str, Any]:
        """JSON shape; `write_latency_ms` is the slowest replica region's (per region in `..._by_region`)."""
        worst = max(self.write_latency_ms.values()) if self.write_latency_ms else None
        return {
            "table": self.table, "mode": self.mode, "regions": list(self.regions),
            "witness_region": self.witness_region,
            "writes_per_second_by_region": self.writes_per_second_by_region,
            "replication_delay_mean_ms": self.replication_delay_mean_ms,
            "round_trips": [{"regions": [a, b], "round_trip_ms": ms, "source": s} for a, b, ms, s in self.round_trips],
            "lost_updates_per_day": self.lost_updates_per_day,
            "replicated_write_conflicts_per_day": self.replicated_write_conflicts_per_day,
            "write_latency_ms": worst, "write_latency_ms_by_region": self.write_latency_ms,
            "strong_read_latency_ms_by_region": self.strong_read_latency_ms,
            "constraints": [{"rule": c.rule, "ok": c.ok, "message": c.message} for c in self.constraints],
            "conflicting_write_share": self.conflicting_write_share,
            "conflicting_pairs_per_day": self.conflicting_pairs_per_day,
            "lost_writes_per_day_by_region": self.lost_writes_per_day_by_region,
            "hottest_item_writes_per_window": self.hottest_item_writes_per_window,
            "problems": list(self.problems), "model_notes": list(self.model_notes),
        }


@dataclass(frozen=True)
class ConsistencyReport:
    """The consistency tradeoffs of a design (analytic; Monte Carlo checks are separate functions)."""

    assumptions: ConsistencyAssumptions
    curve_ms: tuple[float, ...]
    table_lag: LagDistribution
    gsi_lag: LagDistribution
    patterns: tuple[PatternConsistency, ...]
    global_tables: tuple[GlobalTableConsistency, ...]
    cost_source: str
    """Where strong-read costs come from (engine.evaluate)."""
    notes: tuple[str, ...] = ()
    monte_carlo: MonteCarloChecks | None = None
    """Simulation checks, when analyze_consistency was asked for them (monte_carlo_writes > 0)."""
    read_paths: Mapping[str, ReadPathModel] = field(default_factory=dict, repr=False, compare=False)

    def pattern(self, name: str) -> PatternConsistency:
        for p in self.patterns:
            if p.name == name:
                return p
        raise KeyError(name)

    def global_table(self, table: str) -> GlobalTableConsistency:
        for g in self.global_tables:
            if g.table == table:
                return g
        raise KeyError(table)

    def to_json(self) -> dict[str, Any]:
        return {
            "curve_ms": list(self.curve_ms),
            "patterns": [p.to_json() for p in self.patterns],
            "global_tables": [g.to_json() for g in self.global_tables],
            "cost_source": self.cost_source,
            "calibration": {
                "table_third_replica_lag": _lag_json(self.table_lag),
                "gsi_lag": _lag_json(self.gsi_lag),
                "points": calibration_points(self.assumptions, self.table_lag, self.gsi_lag),
            },
            "assumptions": self.assumptions.model_dump(mode="json"),
            "notes": list(self.notes),
            **({"monte_carlo": self.monte_carlo.to_json()} if self.monte_carlo else {}),
        }


def calibration_points(a: ConsistencyAssumptions, table_lag: LagDistribution,
                       gsi_lag: LagDistribution) -> list[dict[str, Any]]:
    """Each measured read-your-writes point next to the fitted model's value (for a calibration view)."""
    rows = []
    for path, measured, stale_fn in (
        ("table", a.table_read_your_writes_measured, lambda t: a.lagging_replica_share * table_lag.survival(t)),
        ("gsi", a.gsi_read_your_writes_measured, gsi_lag.survival),
    ):
        for t_ms, seen in measured:
            model_stale = float(stale_fn(np.array([float(t_ms)]))[0])
            rows.append({"read_path": path, "t_ms": float(t_ms), "measured_seen_share": float(seen),
                         "model_seen_share": 1.0 - model_stale,
                         "model_misses_per_measurement": model_stale * a.measurement_tries})
    return rows


def _lag_json(lag: LagDistribution) -> dict[str, Any]:
    return {"lagging_share": lag.lagging_share,
            "components": [{"weight": w, "mean_ms": m} for w, m in zip(lag.weights, lag.means_ms, strict=True)]}


# ---------------------------------------------------------------------------------------------
# Building read paths from the design
# ---------------------------------------------------------------------------------------------

def _pattern_region(model, pattern) -> str:
    return pattern.region or model.region


def _matching_writes(model, pattern) -> list:
    """Write patterns on the read's table touching one of its entities (all the table's writes if none)."""
    from engine.model.access_pattern import WRITE_OPERATIONS

    writes = [w for w in model.access_patterns if w.operation in WRITE_OPERATIONS and w.table == pattern.table]
    wanted = set(pattern.entities)
    overlapping = [w for w in writes if wanted & set(_written_entities(w))]
    return overlapping or writes


def _written_entities(write) -> tuple[str, ...]:
    if write.operation == "TransactWriteItems":
        return tuple(a.entity for a in write.actions) or tuple(write.entities)
    return tuple(write.entities)


def _write_shares(model, pattern) -> dict[str, float]:
    """Region -> share of the matching writes issued there (by request rate; the read's region if none)."""
    rates: dict[str, float] = {}
    for w in _matching_writes(model, pattern):
        region = _pattern_region(model, w)
        rates[region] = rates.get(region, 0.0) + w.requests_per_second
    total = sum(rates.values())
    if total <= 0:
        return {_pattern_region(model, pattern): 1.0}
    return {r: v / total for r, v in sorted(rates.items()) if v > 0}  # a region that writes nothing is no source


def _is_strong(pattern) -> bool:
    return pattern.operation == "TransactGetItems" or pattern.consistency == "strong"


def _index_kind(table, index_name: str | None) -> Literal["table", "lsi", "gsi"]:
    if index_name is None:
        return "table"
    return "lsi" if isinstance(table.index(index_name), LocalSecondaryIndex) else "gsi"


def _nearest_member(region: str, members: Sequence[str], a: ConsistencyAssumptions) -> regions.RoundTrip | None:
    trips = [regions.round_trip(region, m, a.round_trip_ms_overrides, a.unknown_round_trip_ms)
             for m in members if m != region]
    return min(trips, key=lambda rt: rt.round_trip_ms) if trips else None


def _mrsc_members(table) -> tuple[str, ...]:
    gt = table.global_table
    return tuple(gt.regions) + ((gt.witness_region,) if gt.witness_region else ())


def _source_delay(table, source: str, target: str, a: ConsistencyAssumptions) -> ReplicationDelay | None:
    """Delay a write from `source` needs to be readable in `target` (None: already there at ack)."""
    if source == target:
        return None
    gt = table.global_table
    if gt is not None and gt.mode == "MRSC":
        partner = _nearest_member(source, _mrsc_members(table), a)
        if partner is not None and target in (partner.region_a, partner.region_b):
            return None  # the quorum partner holds the write when it is acknowledged
    return replication_delay(source, target, a)


def build_read_path(model, pattern, a: ConsistencyAssumptions, table_lag: LagDistribution,
                    gsi_lag: LagDistribution, throttled: bool = False) -> tuple[ReadPath, ReadPathModel]:
    """The read path of a read pattern and its stale-read model (baseline, or throttled GSI)."""
    table = model.table(pattern.table)
    kind = _index_kind(table, pattern.index)
    if kind == "gsi":
        lag = gsi_lag.scaled(a.gsi_throttled_lag_multiplier) if throttled else gsi_lag
        local = LocalPath(1.0, lag)
    elif _is_strong(pattern):
        local = LocalPath(0.0, None)
    else:
        local = LocalPath(a.lagging_replica_share, table_lag)
    read_region = _pattern_region(model, pattern)
    sources = tuple(WriteSource(region, share, _source_delay(table, region, read_region, a))
                    for region, share in _write_shares(model, pattern).items())
    if _is_strong(pattern) and table.global_table is not None and table.global_table.mode == "MRSC":
        sources = tuple(WriteSource(s.region, s.share, None) for s in sources)  # MRSC strong: latest write
    remote = any(s.delay is not None for s in sources)
    return ("replica_region" if remote else kind), ReadPathModel(local, sources)


# ---------------------------------------------------------------------------------------------
# GSI throttling (design-derived under-provisioning, or the heat engine's shares)
# ---------------------------------------------------------------------------------------------

def gsi_write_units_per_second(model, table, gsi_name: str, evaluation) -> float:
    """Peak write units per second the table's writes put on one GSI.

    From engine.evaluate's per-pattern index write units (keyed by index name).
    """
    total = 0.0
    for w in model.access_patterns:
        if w.table == table.name and not w.is_read:
            total += _evaluated_index_units(evaluation, w.name, table.name, gsi_name) * w.peak_rps
    return total


def _evaluated_index_units(evaluation, pattern_name: str, table_name: str, index_name: str) -> float:
    try:
        units = evaluation.pattern(pattern_name).index_write_units_per_request
    except KeyError:
        return 0.0
    for key in (index_name, target_name(table_name, index_name)):
        if key in units:
            return float(units[key])
    return 0.0


def gsi_throttled_shares_from_heat(heat_result) -> dict[str, float]:
    """"<table>#<index>" -> share of simulated time buckets in which that GSI throttled writes.

    Reads a heat simulation result by duck typing (its `targets`, each with `target` and
    `throttled_write_series`) so this module does not import engine.heat.
    """
    shares: dict[str, float] = {}
    for target in getattr(heat_result, "targets", ()):
        series = np.asarray(getattr(target, "throttled_write_series", ()), dtype=float)
        if "#" in target.target and series.size:
            shares[target.target] = float((series > 0).mean())
    return shares


def gsi_throttling(model, table, gsi_name: str, heat_shares: Mapping[str, float] | None,
                   evaluation) -> tuple[float, str | None]:
    """(share of time throttled, reason) of one GSI: the heat engine's figure or provisioned shortfall."""
    target = target_name(table.name, gsi_name)
    share, reason = 0.0, None
    if heat_shares and heat_shares.get(target, 0.0) > 0:
        share = float(min(max(heat_shares[target], 0.0), 1.0))
        reason = f"GSI {target} throttled {share:.1%} of the time (heat simulation or user input)"
    gsi = table.index(gsi_name)
    if isinstance(table.billing, ProvisionedBilling) and gsi.provisioned is not None:
        scaling = gsi.provisioned.auto_scaling
        capacity = scaling.max_write_capacity_units if scaling else gsi.provisioned.write_capacity_units
        needed = gsi_write_units_per_second(model, table, gsi_name, evaluation)
        if needed > capacity:
            share = 1.0
            reason = (f"under-provisioned: writes need {needed:,.1f} WCU/s at peak on GSI {target}, it has "
                      f"{capacity:,.0f}; base-table writes throttle and propagation lags (DG/gsi-throttling.html)")
    return share, reason


# ---------------------------------------------------------------------------------------------
# Cost of strong reads (engine.evaluate, or a marked temporary estimate)
# ---------------------------------------------------------------------------------------------

def _strong_extra_from_evaluation(evaluation, pattern) -> float | None:
    pe = evaluation.pattern(pattern.name)
    strong = getattr(pe, "read_units_per_request_strong", None)
    eventual = getattr(pe, "read_units_per_request_eventual", None)
    current = getattr(pe, "read_units_per_request", None)
    if strong is None or eventual is None:
        return None
    if not current:
        return 0.0
    return float(pe.demand_monthly_usd) * (float(strong) - float(eventual)) / float(current)


# ---------------------------------------------------------------------------------------------
# Latency
# ---------------------------------------------------------------------------------------------

def _mrsc_round_trip_ms(table, region: str, a: ConsistencyAssumptions) -> float:
    nearest = _nearest_member(region, _mrsc_members(table), a)
    return nearest.round_trip_ms if nearest else 0.0


def _read_latency(table, pattern, a: ConsistencyAssumptions, region: str) -> tuple[float, float | None]:
    """(latency of the pattern as designed, extra latency of making it strong or None)."""
    base = a.in_region_request_latency_ms
    kind = _index_kind(table, pattern.index)
    mrsc = table.global_table is not None and table.global_table.mode == "MRSC"
    strong_extra = a.strong_read_added_latency_ms + (_mrsc_round_trip_ms(table, region, a) if mrsc else 0.0)
    if kind == "gsi":
        return base, None
    if _is_strong(pattern):
        return base + strong_extra, strong_extra
    return base, strong_extra


# ---------------------------------------------------------------------------------------------
# Per-pattern analysis
# ---------------------------------------------------------------------------------------------

def _at(curve_fn, points: Sequence[float]) -> dict[str, float]:
    values = curve_fn(np.array(points, dtype=float))
    return {f"{p:g}": float(v) for p, v in zip(points, values, strict=True)}


def _guarantee(read_path: str, kind: str, pattern, table) -> str:
    mrsc = table.global_table is not None and table.global_table.mode == "MRSC"
    if kind == "gsi":
        return "eventually consistent only: GSIs are updated asynchronously (DG/GSI.html)"
    if _is_strong(pattern) and mrsc:
        return "MRSC strong read: returns the latest write from any region (DG/multi-region-strong-consistency-gt.html)"
    if _is_strong(pattern) and read_path == "replica_region":
        return ("strong read of an MREC replica: latest for writes made in this region only; writes from other "
                "regions arrive asynchronously")
    if _is_strong(pattern):
        return "strongly consistent: served by the partition leader, never stale for writes in this region"
    return "eventually consistent: a read may land on the replica the write acknowledgement did not wait for"


def _helps(stale_now: float, stale_after: float) -> bool:
    return stale_now > 0 and stale_now - stale_after >= REMEDY_MIN_RISK_CUT * stale_now


@dataclass(frozen=True)
class _RiskInputs:
    """What the remedies of one pattern are judged against."""

    pattern: Any
    kind: str
    path: ReadPathModel
    stale_now: float
    throttled_share: float
    """GSI only: share of time throttled (variants are mixed the same way as the pattern's risk)."""


def _variant_risk(model, variant, r: _RiskInputs, ctx: _Context) -> float:
    """Stale risk at the pattern's delay of a changed pattern (other region, consistency or index)."""
    t = np.array([r.pattern.read_after_write_ms])
    a = ctx.assumptions
    _, path = build_read_path(model, variant, a, ctx.table_lag, ctx.gsi_lag)
    risk = float(path.stale(t, a.quadrature_nodes)[0])
    if r.throttled_share and _index_kind(model.table(variant.table), variant.index) == "gsi":
        _, slow = build_read_path(model, variant, a, ctx.table_lag, ctx.gsi_lag, throttled=True)
        risk = (1 - r.throttled_share) * risk + r.throttled_share * float(slow.stale(t, a.quadrature_nodes)[0])
    return risk


def _remote_regions(path: ReadPathModel) -> list[tuple[str, float]]:
    return [(src.region, src.share) for src in path.sources if src.delay is not None]


def stale_from_other_regions(path: ReadPathModel, t_ms: float, quadrature_nodes: int = 2000) -> float:
    """Share of the stale risk at `t_ms` caused by writes from other regions (0 when nothing is stale)."""
    t = np.array([float(t_ms)])
    parts = [(src.delay is not None, src.share * float(path._source_stale(src, t, quadrature_nodes)[0]))
             for src in path.sources]
    total = sum(v for _, v in parts)
    return sum(v for remote, v in parts if remote) / total if total > 0 else 0.0


def _strong_remedy(r: _RiskInputs, if_strong: float, extra_usd: float | None, added_ms: float | None,
                   remote_share: float, region: str) -> StaleRemedy:
    helps = _helps(r.stale_now, if_strong)
    detail = ("the read goes to the partition leader, which has every write acknowledged in this region" if helps else
              f"{remote_share:.0%} of the risk comes from writes made in other regions; a strong read in {region} "
              "does not wait for their replication")
    return StaleRemedy("strong_read", "Use ConsistentRead=true", if_strong, helps, True, extra_usd, added_ms, detail)


def _table_read_remedy(model, r: _RiskInputs, ctx: _Context) -> StaleRemedy:
    variant = r.pattern.model_copy(update={"index": None, "consistency": "strong"})
    after = _variant_risk(model, variant, r, ctx)
    return StaleRemedy("table_strong_read", "Read the items from the table by primary key with ConsistentRead=true",
                       after, _helps(r.stale_now, after), True, None, ctx.assumptions.strong_read_added_latency_ms,
                       "GSIs are eventually consistent only (DG/GSI.html); the table's leader is not, for writes made "
                       "in this region (each item is one more strong GetItem)")


def _route_remedy(model, r: _RiskInputs, ctx: _Context, region: str) -> StaleRemedy | None:
    options = []
    for target, _ in _remote_regions(r.path):
        risk = _variant_risk(model, r.pattern.model_copy(update={"region": target}), r, ctx)
        options.append((risk, target))
    if not options:
        return None
    risk, target = min(options)
    a = ctx.assumptions
    rtt = regions.round_trip(region, target, a.round_trip_ms_overrides, a.unknown_round_trip_ms).round_trip_ms
    return StaleRemedy("route_read", f"Route this read to {target}, where its writes are made", risk,
                       _helps(r.stale_now, risk), True, None, rtt,
                       f"a read in {target} sees {target}'s writes without replication delay; writes from other "
                       "regions still replicate to it")


def _home_region_remedy(r: _RiskInputs, ctx: _Context, region: str) -> StaleRemedy | None:
    remote = _remote_regions(r.path)
    writers = {src.region for src in r.path.sources}
    if not remote or len(writers) < 2:
        return None  # a single writing region: routing the read there is the same remedy
    a = ctx.assumptions
    after = float(r.path.local.stale(np.array([r.pattern.read_after_write_ms]))[0])
    rtt = max(regions.round_trip(region, w, a.round_trip_ms_overrides, a.unknown_round_trip_ms).round_trip_ms
              for w in writers)
    return StaleRemedy("home_region", "Pin each item's writes to one home region and serve its reads there",
                       after, _helps(r.stale_now, after), True, None, rtt,
                       "every write and read of an item meets in one region, so reads only face the local replica "
                       "lag; it also ends last-writer-wins losses on those items (requests from other regions pay "
                       "the round trip to the home region, up to the figure shown)")


def _mrsc_remedy(model, table, r: _RiskInputs, ctx: _Context, extra_usd: float | None,
                 region: str) -> StaleRemedy | None:
    if table.global_table is None or table.global_table.mode == "MRSC" or not _remote_regions(r.path):
        return None
    problems = [c.message for c in mrsc_constraints(model, table) if not c.ok]
    extra = None if _is_strong(r.pattern) else extra_usd
    return StaleRemedy("mrsc", "Make the table MRSC and read with ConsistentRead=true", 0.0,
                       _helps(r.stale_now, 0.0), not problems, extra,
                       _mrsc_round_trip_ms(table, region, ctx.assumptions),
                       "MRSC strong reads return the latest write from any region; every write waits for a "
                       "cross-region round trip (DG/multi-region-strong-consistency-gt.html)"
                       + ("; not possible as designed: " + " ".join(problems) if problems else ""))


def _version_remedy(table) -> StaleRemedy:
    local_only = table.global_table is not None and table.global_table.mode == "MREC"
    return StaleRemedy("version_check", "Make writes conditional on a version attribute", None, False, True, None,
                       None, "a decision taken from a stale read fails its ConditionExpression instead of overwriting "
                       "newer data" + ("; MREC evaluates conditions in the writing region only, so across regions it "
                                       "needs home-region writes" if local_only else ""))


def _stale_remedies(model, table, r: _RiskInputs, ctx: _Context, if_strong: float | None,
                    extra_usd: float | None, added_ms: float | None, region: str) -> tuple[StaleRemedy, ...]:
    if r.stale_now <= 0:
        return ()
    remote_share = stale_from_other_regions(r.path, r.pattern.read_after_write_ms, ctx.assumptions.quadrature_nodes)
    options: list[StaleRemedy | None] = []
    if r.kind == "gsi":
        options.append(_table_read_remedy(model, r, ctx))
    elif not _is_strong(r.pattern) and if_strong is not None:
        options.append(_strong_remedy(r, if_strong, extra_usd, added_ms, remote_share, region))
    options += [_route_remedy(model, r, ctx, region), _home_region_remedy(r, ctx, region),
                _mrsc_remedy(model, table, r, ctx, extra_usd, region), _version_remedy(table)]
    return tuple(o for o in options if o is not None)


def recommend(stale_now: float, remedies: Sequence[StaleRemedy], strong_helps: bool | None) -> str:
    """A verdict sentence: the preferred remedy that helps and is possible; never one that does not help."""
    if stale_now <= 0:
        return "No stale reads expected: nothing to change."
    good = sorted((r for r in remedies if r.helps and r.possible), key=lambda r: REMEDY_ORDER.index(r.kind))
    lead = ""
    strong = next((r for r in remedies if r.kind == "strong_read"), None)
    if strong is not None and strong_helps is False:
        lead = (f"ConsistentRead=true would barely help ({risk_text(stale_now)} -> {risk_text(strong.stale_after)}): "
                f"{strong.detail}. ")
    if good:
        return lead + good[0].sentence(stale_now) + "."
    tolerate = next((r for r in remedies if r.kind == "version_check"), None)
    blocked = [r for r in remedies if r.helps and not r.possible]
    tail = f" ({blocked[0].action} would, but: {blocked[0].detail.split('; ', 1)[-1]})" if blocked else ""
    return (lead + "No single change removes most of this risk" + tail + "."
            + (f" {tolerate.sentence(stale_now)}." if tolerate else ""))


def _remedy_texts(kind: str, pattern, remedies: Sequence[StaleRemedy], stale_now: float) -> tuple[str, ...]:
    """Readable remedies: the ones that help first, each with its effect; GSI reads add the GSI remedies."""
    ranked = sorted(remedies, key=lambda r: (not (r.helps and r.possible), r.stale_after is None))
    out = [r.sentence(stale_now) + "." for r in ranked]
    if kind == "gsi":
        out += [g for g in GSI_REMEDIES if not g.startswith(("Read the item from the table", "Make the write"))]
    elif not _is_strong(pattern) and stale_now > 0:
        out.append("Return the written item to the caller (ReturnValues=ALL_NEW) instead of re-reading it.")
    return tuple(out)


def _analyze_pattern(model, pattern, ctx: _Context) -> tuple[PatternConsistency, ReadPathModel]:
    a = ctx.assumptions
    table = model.table(pattern.table)
    kind = _index_kind(table, pattern.index)
    read_path, path = build_read_path(model, pattern, a, ctx.table_lag, ctx.gsi_lag)
    region = _pattern_region(model, pattern)
    curve = path.stale(ctx.curve_ms, a.quadrature_nodes)
    at_delay = float(path.stale(np.array([pattern.read_after_write_ms]), a.quadrature_nodes)[0])
    throttled_curve = throttled_at = share = reason = None
    expected = at_delay
    if kind == "gsi":
        _, slow = build_read_path(model, pattern, a, ctx.table_lag, ctx.gsi_lag, throttled=True)
        throttled_curve = tuple(float(v) for v in slow.stale(ctx.curve_ms, a.quadrature_nodes))
        throttled_at = _at(lambda t: slow.stale(t, a.quadrature_nodes), STALE_REPORT_MS)
        share, reason = gsi_throttling(model, table, pattern.index, ctx.heat_shares, ctx.evaluation)
        slow_at_delay = float(slow.stale(np.array([pattern.read_after_write_ms]), a.quadrature_nodes)[0])
        expected = (1 - share) * at_delay + share * slow_at_delay
    extra_usd = None if kind == "gsi" or pattern.operation == "TransactGetItems" else ctx.strong_extra(pattern)
    latency, added = _read_latency(table, pattern, a, region)
    if_strong = None if kind == "gsi" else _stale_if_strong(model, pattern, ctx)
    inputs = _RiskInputs(pattern, kind, path, expected, share or 0.0)
    remedies = _stale_remedies(model, table, inputs, ctx, if_strong, extra_usd, added, region)
    strong_remedy = next((r for r in remedies if r.kind == "strong_read"), None)
    strong_helps = None if strong_remedy is None else strong_remedy.helps
    result = PatternConsistency(
        name=pattern.name, table=pattern.table, index=pattern.index, operation=pattern.operation,
        consistency="transactional" if pattern.operation == "TransactGetItems" else pattern.consistency,
        read_path=read_path, read_region=region,
        write_sources=tuple((s.region, s.share) for s in path.sources),
        read_after_write_ms=float(pattern.read_after_write_ms),
        stale_curve=tuple(float(v) for v in curve),
        stale_probability_at_ms=_at(lambda t: path.stale(t, a.quadrature_nodes), STALE_REPORT_MS),
        stale_probability_at_read_after_write=at_delay,
        throttled_stale_curve=throttled_curve, stale_probability_at_ms_throttled=throttled_at,
        gsi_throttled_share=share, gsi_throttle_reason=reason,
        expected_stale_at_read_after_write=expected, stale_at_read_after_write_if_strong=if_strong,
        can_be_strong=kind != "gsi", strong_read_extra_monthly_usd=extra_usd,
        read_latency_ms=latency, strong_read_added_latency_ms=added,
        guarantee=_guarantee(read_path, kind, pattern, table),
        remedies=_remedy_texts(kind, pattern, remedies, expected),
        stale_from_other_regions=stale_from_other_regions(path, pattern.read_after_write_ms, a.quadrature_nodes),
        strong_read_helps=strong_helps, stale_remedies=remedies,
        recommendation=recommend(expected, remedies, strong_helps),
    )
    return result, path


def _stale_if_strong(model, pattern, ctx: _Context) -> float:
    """Stale risk at the pattern's delay if it read with ConsistentRead=true (remote writes still lag)."""
    strong = pattern if _is_strong(pattern) else pattern.model_copy(update={"consistency": "strong"})
    _, path = build_read_path(model, strong, ctx.assumptions, ctx.table_lag, ctx.gsi_lag)
    return float(path.stale(np.array([pattern.read_after_write_ms]), ctx.assumptions.quadrature_nodes)[0])


@dataclass
class _Context:
    """Inputs shared by the per-pattern and per-table passes of one analysis."""

    model: Any
    assumptions: ConsistencyAssumptions
    table_lag: LagDistribution
    gsi_lag: LagDistribution
    curve_ms: np.ndarray
    evaluation: Any
    heat_shares: Mapping[str, float] | None

    def strong_extra(self, pattern) -> float | None:
        """Monthly USD of strong minus eventual reads for a pattern, from the cost engine."""
        try:
            return _strong_extra_from_evaluation(self.evaluation, pattern)
        except KeyError:
            return None


def _evaluation(model, evaluation) -> Any:
    """The cost engine's evaluation of the design (computed when the caller has none)."""
    if evaluation is not None:
        return evaluation
    from engine.evaluate import evaluate

    return evaluate(model)


# ---------------------------------------------------------------------------------------------
# Key shares and per-item write rates (for conflicts)
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class KeyShares:
    """Shares of n ranked keys: explicit head shares, then `tail_coef * rank^-tail_exponent`.

    Small key spaces (n <= MAX_EXACT_KEYS) are all head (engine.keyspace.popularity); larger ones
    keep HEAD_RANKS explicit ranks and an analytic power-law tail (uniform: exponent 0).
    """

    n: int
    head: np.ndarray
    tail_coef: float = 0.0
    tail_exponent: float = 0.0

    def share_at(self, ranks: np.ndarray) -> np.ndarray:
        """Shares of 1-based ranks (head or tail)."""
        ranks = np.asarray(ranks)
        out = self.tail_coef * ranks.astype(float) ** -self.tail_exponent
        in_head = ranks <= len(self.head)
        out[in_head] = self.head[ranks[in_head] - 1]
        return out


def power_sum(first: int, last: int, exponent: float) -> float:
    """sum_{r=first}^{last} r^-exponent: the first 10,000 terms exactly, the rest by Euler-Maclaurin."""
    if last < first:
        return 0.0
    exact_last = min(last, first + EXACT_POWER_TERMS - 1)
    total = float((np.arange(first, exact_last + 1, dtype=float) ** -exponent).sum())
    a, b, q = exact_last + 1, last, exponent
    if b < a:
        return total
    integral = math.log(b / a) if abs(q - 1) < 1e-12 else (b ** (1 - q) - a ** (1 - q)) / (1 - q)
    return total + integral + (a ** -q + b ** -q) / 2 + q / 12 * (a ** (-q - 1) - b ** (-q - 1))


def key_shares(distribution: KeyDistribution, n: int, labels: Sequence[str] | None = None) -> KeyShares:
    """Popularity of n partition keys as KeyShares (exact via engine.keyspace.popularity when small)."""
    n = max(int(n), 1)
    if n <= MAX_EXACT_KEYS:
        return KeyShares(n, popularity(distribution, n, labels))
    if isinstance(distribution, (Uniform, SampleKeys)):
        return KeyShares(n, np.zeros(0), 1.0 / n, 0.0)
    if isinstance(distribution, Zipf):
        s = distribution.exponent
        total = power_sum(1, n, s)
        head = np.arange(1, HEAD_RANKS + 1, dtype=float) ** -s / total
        return KeyShares(n, head, 1.0 / total, s)
    if isinstance(distribution, HotKeys):
        hot = np.array([k.share for k in distribution.keys], dtype=float)
        rest = max(1.0 - hot.sum(), 0.0) / (n - len(hot))
        return KeyShares(n, hot, rest, 0.0)
    raise ConsistencyError(f"unknown key distribution {distribution!r}")


def key_overlap(a: KeyShares, b: KeyShares) -> float:
    """sum_k a_k * b_k over the common ranks (the same rank is the same key in both)."""
    if a.n != b.n:
        raise ConsistencyError(f"key spaces differ ({a.n} vs {b.n} keys); overlap needs one key space")
    head_len = max(len(a.head), len(b.head))
    ranks = np.arange(1, head_len + 1)
    total = float((a.share_at(ranks) * b.share_at(ranks)).sum())
    if a.tail_coef and b.tail_coef:
        total += a.tail_coef * b.tail_coef * power_sum(head_len + 1, a.n, a.tail_exponent + b.tail_exponent)
    return total


@dataclass(frozen=True)
class WriteStream:
    """Writes of one pattern to one entity in one region: rate and key popularity."""

    pattern: str
    entity: str
    region: str
    items_per_second: float
    items_per_partition: int
    shares: KeyShares
    """Popularity of the entity's partition keys (each key holds `items_per_partition` items)."""


def _entity_key_space(model, table, entity) -> tuple[int, int]:
    """(partition keys, items per partition key) of an entity, from its table key templates."""
    pk = entity.key_template(table.partition_key.name)
    n_pk = key_count(entity, pk.template) if pk else 1
    n_items = n_pk
    if table.sort_key is not None:
        sk = entity.key_template(table.sort_key.name)
        both = (pk.template if pk else "") + "|" + (sk.template if sk else "")
        n_items = key_count(entity, both)
    if entity.item_count > 0:
        n_items = min(n_items, max(entity.item_count, n_pk))
    return n_pk, max(1, n_items // max(n_pk, 1))


def write_streams(model, table) -> tuple[WriteStream, ...]:
    """Per-(pattern, entity) write streams of a table with their regions and key popularity."""
    streams: list[WriteStream] = []
    for w in model.access_patterns:
        if w.table != table.name or w.is_read or w.requests_per_second <= 0:
            continue
        written = _written_entities(w)
        items = float(getattr(w, "items_per_request", 1.0) or 1.0)
        for name in dict.fromkeys(e for e in written if model.entity(e).table == table.name):
            entity = model.entity(name)
            n_pk, per_pk = _entity_key_space(model, table, entity)
            dist = pattern_distribution(w.key_distribution, entity)
            pk = entity.key_template(table.partition_key.name)
            labels = key_labels(entity, pk.template) if isinstance(dist, HotKeys) and pk and n_pk <= MAX_EXACT_KEYS \
                else None
            rate = _entity_write_rate(w, name, items)
            streams.append(WriteStream(w.name, name, _pattern_region(model, w), rate, per_pk,
                                       key_shares(dist, n_pk, labels)))
    return tuple(streams)


def _entity_write_rate(write, entity: str, items_per_request: float) -> float:
    """Items of `entity` written per second by one pattern (a transaction writes one per action)."""
    if write.operation == "TransactWriteItems" and write.actions:
        return write.requests_per_second * sum(1 for act in write.actions if act.entity == entity)
    return write.requests_per_second * items_per_request / len(set(write.entities))


def pair_overlap_per_second2(s1: WriteStream, s2: WriteStream) -> float:
    """sum over items of lambda1_k * lambda2_k (per second squared) for two streams of one entity."""
    if s1.entity != s2.entity:
        return 0.0
    return s1.items_per_second * s2.items_per_second * key_overlap(s1.shares, s2.shares) / s1.items_per_partition


def conflicts_per_second(streams: Sequence[WriteStream], window_ms: Mapping[tuple[str, str], float]) -> float:
    """Expected conflicting write pairs per second: sum over region pairs of lambda_r lambda_s (w_rs + w_sr).

    `window_ms[(r, s)]` is the mean time a write from r stays unseen in s (MREC: replication delay;
    MRSC: its quorum round trip, in flight).
    """
    total = 0.0
    for i, s1 in enumerate(streams):
        for s2 in streams[i + 1:]:
            if s1.region == s2.region:
                continue
            window_s = (window_ms[(s1.region, s2.region)] + window_ms[(s2.region, s1.region)]) / 1000.0
            total += pair_overlap_per_second2(s1, s2) * window_s
    return total


# ---------------------------------------------------------------------------------------------
# Distinct writes lost (MREC, last writer wins) or rejected (MRSC): the saturating headline figure
# ---------------------------------------------------------------------------------------------

MONTE_CARLO_PAD_S = 60.0  # s simulated before and after the judged span; far beyond any window (p99 ~1 s)
OVERLAP_NOTE_RATIO = 0.9  # note the pair/distinct gap once distinct writes fall below 90 % of the pairs
TAIL_GRID_POINTS = 2049  # log-spaced ranks integrating the power-law tail of large key spaces (accuracy only)

ArrivalFn = Callable[[str, str, np.ndarray], np.ndarray]
"""(region i of a write, other region j, per-item write rates of j per second) -> probability that at
least one write from j falls inside the window that decides the fate of a write from i."""


@dataclass(frozen=True)
class LostWrites:
    """Distinct writes lost (MREC) or rejected (MRSC) per second, in total and by the region that wrote them."""

    per_second: float
    by_region_per_second: dict[str, float]


def lost_write_probability(rates_per_s: np.ndarray, regions_: Sequence[str], arrival: ArrivalFn) -> np.ndarray:
    """Per region i and item k: P(a write from i to k is lost) = 1 - prod_{j != i} (1 - arrival_ij(rate_jk)).

    `rates_per_s` has shape (regions, items). Computed as -expm1(sum log1p(-arrival)) so cold items
    (probabilities ~1e-10) keep their precision.
    """
    out = np.zeros_like(rates_per_s, dtype=float)
    for i, ri in enumerate(regions_):
        log_keep = np.zeros(rates_per_s.shape[1:])
        for j, rj in enumerate(regions_):
            if i != j:
                with np.errstate(divide="ignore"):  # arrival 1 -> log 0 = -inf -> lost with probability 1
                    log_keep = log_keep + np.log1p(-arrival(ri, rj, rates_per_s[j]))
        out[i] = -np.expm1(log_keep)
    return out


def _rates_at_ranks(streams: Sequence[WriteStream], regions_: Sequence[str], ranks: np.ndarray,
                    tail_only: bool) -> np.ndarray:
    """(regions, len(ranks)) writes per second to ONE item at each key rank (ranks may be fractional in the tail)."""
    rates = np.zeros((len(regions_), len(ranks)))
    for s in streams:
        share = (s.shares.tail_coef * ranks ** -s.shares.tail_exponent if tail_only
                 else s.shares.share_at(ranks.astype(np.int64)))
        rates[regions_.index(s.region)] += s.items_per_second * share / s.items_per_partition
    return rates


def _entity_lost_per_second(streams: Sequence[WriteStream], arrival: ArrivalFn) -> dict[str, float]:
    """Lost writes per second by region (the entity's writing regions, in first-seen order)."""
    regions_ = list(dict.fromkeys(s.region for s in streams))
    n, per_item = streams[0].shares.n, streams[0].items_per_partition
    head_len = max(len(s.shares.head) for s in streams)
    ranks = np.arange(1, head_len + 1)
    rates = _rates_at_ranks(streams, regions_, ranks, tail_only=False)
    lost = (rates * lost_write_probability(rates, regions_, arrival)).sum(axis=1) * per_item
    if n > head_len:  # sum over ranks head+1..n ~ integral over [head + 0.5, n + 0.5] (midpoint rule), in log rank
        u = np.linspace(math.log(head_len + 0.5), math.log(n + 0.5), TAIL_GRID_POINTS)
        r = np.exp(u)
        tail_rates = _rates_at_ranks(streams, regions_, r, tail_only=True)
        integrand = tail_rates * lost_write_probability(tail_rates, regions_, arrival) * r * per_item
        lost = lost + ((integrand[:, 1:] + integrand[:, :-1]) / 2 * np.diff(u)).sum(axis=1)
    return dict(zip(regions_, lost, strict=True))


def lost_writes_per_second(streams: Sequence[WriteStream], arrival: ArrivalFn) -> LostWrites:
    """Expected distinct writes lost (or rejected) per second, summed over items and regions.

    MREC (last writer wins). A write w made in region i to item k at time t is silently overwritten
    when some write from another region j to k is issued in (t, t + D_ij), D_ij being w's replication
    delay to j: that write did not see w and carries a later timestamp, so it wins everywhere. Writes
    from j issued before t (within D_ji) lose to w instead: they are counted as THEIR loss, from
    their own region's side. With Poisson writes at lambda_jk per item and a delay drawn per write
    and target region, P(w lost) = 1 - prod_j E[exp(-lambda_jk D_ij)], hence per item

        lost_ik = lambda_ik * (1 - prod_j E[exp(-lambda_jk D_ij)])
                = lambda_ik * (1 - exp(-sum_j lambda_jk d_ij))   for fixed delays d_ij.

    For lambda * d << 1 this is lambda_ik * sum_j lambda_jk d_ij, and summed over i it is the
    issue's pair rate lambda_1 lambda_2 (d_12 + d_21); unlike the pair rate it never exceeds the
    write rate (a write is lost at most once, however many writes overlap it).

    MRSC (ReplicatedWriteConflictException: "one or more items in the request are being modified
    by a request in another Region", botocore reference). A write from i is rejected when a write
    from another region j to the same item is still in flight: issued within (t - W_j, t), W_j
    being j's quorum round trip. P(rejected) = 1 - exp(-sum_j lambda_jk W_j) (every write, even one
    that is later rejected, is taken to hold the item for its whole round trip).

    Key popularity: explicit ranks exactly, the power-law tail of a large key space by numerical
    integration over log rank.
    """
    by_region: dict[str, float] = {}
    entities = dict.fromkeys(s.entity for s in streams if s.items_per_second > 0)
    for entity in entities:
        group = [s for s in streams if s.entity == entity and s.items_per_second > 0]
        for region, value in _entity_lost_per_second(group, arrival).items():
            by_region[region] = by_region.get(region, 0.0) + float(value)
    return LostWrites(sum(by_region.values()), by_region)


def arrival_function(table, a: ConsistencyAssumptions) -> ArrivalFn:
    """The window a write's fate depends on, per mode (see lost_writes_per_second)."""
    if table.global_table.mode == "MRSC":
        def in_flight(_i: str, j: str, rates: np.ndarray) -> np.ndarray:
            return -np.expm1(-np.asarray(rates, dtype=float) * _mrsc_round_trip_ms(table, j, a) / 1000.0)
        return in_flight
    delays: dict[tuple[str, str], ReplicationDelay] = {}

    def replicating(i: str, j: str, rates: np.ndarray) -> np.ndarray:
        if (i, j) not in delays:
            delays[(i, j)] = replication_delay(i, j, a)
        return delays[(i, j)].arrival_probability(rates)
    return replicating


# ---------------------------------------------------------------------------------------------
# Global tables
# ---------------------------------------------------------------------------------------------

def _windows(table, members: Sequence[str], a: ConsistencyAssumptions) -> dict[tuple[str, str], float]:
    """Mean unseen windows per ordered region pair (see conflicts_per_second)."""
    mrsc = table.global_table.mode == "MRSC"
    out = {}
    for r in members:
        for s in members:
            if r != s:
                out[(r, s)] = _mrsc_round_trip_ms(table, r, a) if mrsc else replication_delay(r, s, a).mean_ms
    return out


def mrsc_constraints(model, table) -> tuple[ConstraintCheck, ...]:
    """The MRSC rules on one table, each as a check with a clear message (DOMAIN.md §5)."""
    from engine.model.limits import MRSC_REGION_COUNT, MRSC_REGION_SETS

    gt = table.global_table
    members = _mrsc_members(table)
    region_set = next((n for n, s in MRSC_REGION_SETS.items() if set(members) <= s), None)
    three = len(set(members)) == MRSC_REGION_COUNT and region_set is not None
    sets = "; ".join(f"{n}: {', '.join(sorted(s))}" for n, s in MRSC_REGION_SETS.items())
    transactions = [p.name for p in model.access_patterns
                    if p.operation in ("TransactWriteItems", "TransactGetItems") and table.name in _tables_touched(model, p)]
    witness = f" ({len(gt.regions)} replicas + witness {gt.witness_region})" if gt.witness_region else ""
    return (
        ConstraintCheck("three_regions_one_set", three,
                        f"MRSC uses {list(members)}{witness}: 3 regions of the {region_set} set" if three else
                        f"MRSC needs exactly 3 regions (3 replicas, or 2 replicas + a witness) from one set; table "
                        f"'{table.name}' has {list(members)}; pick 3 from one set ({sets})"),
        ConstraintCheck("no_ttl", table.ttl_attribute is None,
                        "no TTL (MRSC does not support TTL)" if table.ttl_attribute is None else
                        f"table '{table.name}' sets ttl_attribute '{table.ttl_attribute}': MRSC does not support "
                        "TTL; remove it or use MREC"),
        ConstraintCheck("no_lsi", not table.lsis,
                        "no LSIs (MRSC does not support LSIs)" if not table.lsis else
                        f"table '{table.name}' has LSIs {[i.name for i in table.lsis]}: MRSC does not support LSIs; "
                        "use GSIs or MREC"),
        ConstraintCheck("no_transactions", not transactions,
                        "no transactions (MRSC does not support them)" if not transactions else
                        f"patterns {transactions} use transactions on MRSC table '{table.name}': MRSC does not support "
                        "transactions; use single-item conditional writes or MREC"),
    )


def _tables_touched(model, pattern) -> set[str]:
    """The pattern's table and, for a write transaction, the table of every action's entity."""
    tables = {pattern.table}
    tables.update(model.entity(action.entity).table for action in getattr(pattern, "actions", ()))
    return tables


def _analyze_global_table(model, table, ctx: _Context) -> GlobalTableConsistency:
    a = ctx.assumptions
    gt = table.global_table
    mrsc = gt.mode == "MRSC"
    members = _mrsc_members(table) if mrsc else tuple(gt.regions)
    streams = write_streams(model, table)
    by_region: dict[str, float] = {r: 0.0 for r in gt.regions}
    for s in streams:
        by_region[s.region] = by_region.get(s.region, 0.0) + s.items_per_second
    windows = _windows(table, members, a)
    pairs_per_day = conflicts_per_second(streams, windows) * SECONDS_PER_DAY
    lost = lost_writes_per_second(streams, arrival_function(table, a))
    per_day = lost.per_second * SECONDS_PER_DAY
    base = a.in_region_request_latency_ms
    write_ms = {r: base + (_mrsc_round_trip_ms(table, r, a) if mrsc else 0.0) for r in gt.regions}
    strong_ms = {r: w + a.strong_read_added_latency_ms for r, w in write_ms.items()}
    delays = {f"{r}->{s}": replication_delay(r, s, a).mean_ms for r in gt.regions for s in gt.regions if r != s}
    trips = regions.round_trip_matrix(members, a.round_trip_ms_overrides, a.unknown_round_trip_ms)
    total_writes_per_day = sum(by_region.values()) * SECONDS_PER_DAY
    hottest = _hottest_item_writes_per_window(streams, windows)
    return GlobalTableConsistency(
        table=table.name, mode=gt.mode, regions=tuple(gt.regions), witness_region=gt.witness_region,
        writes_per_second_by_region=by_region, replication_delay_mean_ms=delays,
        round_trips=tuple((t.region_a, t.region_b, t.round_trip_ms, t.source) for t in trips),
        lost_updates_per_day=0.0 if mrsc else per_day,
        replicated_write_conflicts_per_day=per_day if mrsc else None,
        write_latency_ms=write_ms, strong_read_latency_ms=strong_ms,
        constraints=mrsc_constraints(model, table) if mrsc else (),
        model_notes=_global_notes(mrsc) + _overlap_note(per_day, pairs_per_day),
        conflicting_write_share=per_day / total_writes_per_day if total_writes_per_day else 0.0,
        hottest_item_writes_per_window=hottest, conflicting_pairs_per_day=pairs_per_day,
        lost_writes_per_day_by_region={r: v * SECONDS_PER_DAY for r, v in lost.by_region_per_second.items()},
    )


def _hottest_item_writes_per_window(streams: Sequence[WriteStream], windows: Mapping[tuple[str, str], float]) -> float:
    """Largest (writes per second to one item from one region) x (that region's longest unseen window)."""
    worst = 0.0
    for s in streams:
        top_share = float(s.shares.head.max()) if len(s.shares.head) else s.shares.tail_coef
        window_s = max((w for (r, _), w in windows.items() if r == s.region), default=0.0) / 1000.0
        worst = max(worst, s.items_per_second * top_share / s.items_per_partition * window_s)
    return worst


def _overlap_note(per_day: float, pairs_per_day: float) -> tuple[str, ...]:
    if pairs_per_day <= 0 or per_day >= OVERLAP_NOTE_RATIO * pairs_per_day:
        return ()
    return (f"Hot items: overlapping write pairs ({pairs_per_day:,.0f}/day, the linear lambda_r lambda_s (d_rs + d_sr) "
            f"count) exceed the distinct writes affected ({per_day:,.0f}/day), because several writes overlap one "
            "replication window; the headline counts each write once.",)


def _global_notes(mrsc: bool) -> tuple[str, ...]:
    if mrsc:
        return ("Write and strong-read latency = in-region latency + the round trip to the nearest other member "
                "of the region set (a quorum of 2 of 3 regions); AWS publishes no formula.",
                "ReplicatedWriteConflictException per day = distinct writes rejected: a write from region i fails "
                "when another region's write to the same item is still in flight (issued within its quorum round "
                "trip W_j); per item lambda_i * (1 - exp(-sum_j lambda_j W_j)). The exception is retryable.")
    return ("Lost updates = distinct writes silently overwritten per day: a write from region i is lost when a write "
            "from another region j to the same item is issued before the first reached j; per item "
            "lambda_i * (1 - prod_j E[exp(-lambda_j D_ij)]), about lambda_i * sum_j lambda_j d_ij when items are cold.",
            "Replication delay = half the round trip + a lognormal processing delay (assumptions); AWS: "
            "'typically within a second', no SLA.")


# ---------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------

def relevant_assumptions(model, report: ConsistencyReport) -> dict[str, str | None]:
    """For each assumption a person can edit: None when it changes a number of this design's report, else a
    sentence saying why it does not (so a page hides a control that would change nothing)."""
    paths = {p.read_path for p in report.patterns}
    global_tables = any(t.global_table is not None for t in model.tables)
    names = {r for t in model.tables if t.global_table for r in t.global_table.regions} | \
        {p.region for p in model.access_patterns if p.region} | {model.region}
    unknown = any("unknown" in regions.round_trip(a, b).source for a in names for b in names if a < b)
    throttled = any((p.gsi_throttled_share or 0) > 0 for p in report.patterns)
    return {
        "gsi_visible_after_ms": None if "gsi" in paths else "no read goes through a GSI",
        "gsi_visible_share": None if "gsi" in paths else "no read goes through a GSI",
        "gsi_throttled_lag_multiplier": None if throttled else "no GSI read is throttled or under-provisioned",
        "replication_processing_median_ms": None if global_tables else "no table is a global table",
        "replication_processing_p99_ms": None if global_tables else "no table is a global table",
        "in_region_request_latency_ms": None if report.patterns else "there are no reads",
        "strong_read_added_latency_ms": None if any(p.consistency == "strong" for p in report.patterns)
        else "no read is strongly consistent",
        "unknown_round_trip_ms": None if unknown else "every region of the design has a known location",
    }


def analyze_consistency(model, assumptions: ConsistencyAssumptions | None = None,
                        rng: np.random.Generator | None = None, evaluation=None,
                        gsi_throttled_shares: Mapping[str, float] | None = None,
                        monte_carlo_writes: int = 0) -> ConsistencyReport:
    """Consistency report of a design: analytic and fast unless Monte Carlo checks are asked for.

    Strong-read costs and GSI write loads come from `evaluation` (engine.evaluate's result; computed
    here when not given, so pass the one the page already has).

    `gsi_throttled_shares` maps "<table>#<index>" to the share of time that GSI is throttled (e.g.
    from engine.heat). With `monte_carlo_writes > 0` the report also carries simulation checks of
    every read pattern and global table, drawn from `rng` (required then; same seed, same figures).
    """
    if monte_carlo_writes > 0 and rng is None:
        raise ConsistencyError("monte_carlo_writes needs rng: pass rng=numpy.random.default_rng(seed)")
    a = assumptions or ConsistencyAssumptions()
    ctx = _Context(model, a, fit_table_lag(a), fit_gsi_lag(a), a.curve_ms(), _evaluation(model, evaluation),
                   gsi_throttled_shares)
    patterns, paths = [], {}
    for p in model.access_patterns:
        if p.is_read:
            result, path = _analyze_pattern(model, p, ctx)
            patterns.append(result)
            paths[p.name] = path
    globals_ = tuple(_analyze_global_table(model, t, ctx) for t in model.tables if t.global_table is not None)
    notes = ("Curves are calibrated to measured read-your-writes rates (DOMAIN.md §5); they are a model, not a "
             "promise. Strong-read costs come from engine.evaluate (strong vs eventual read units per pattern).",)
    checks = run_monte_carlo(model, patterns, globals_, a, rng, monte_carlo_writes) if monte_carlo_writes > 0 else None
    return ConsistencyReport(a, tuple(float(t) for t in ctx.curve_ms), ctx.table_lag, ctx.gsi_lag,
                             tuple(patterns), globals_, COST_SOURCE, notes, checks, paths)


# ---------------------------------------------------------------------------------------------
# Monte Carlo checks
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class StaleMonteCarlo:
    """Simulated stale-read shares of one pattern next to the analytic values."""

    pattern: str
    n_writes: int
    t_ms: tuple[float, ...]
    simulated: tuple[float, ...]
    analytic: tuple[float, ...]
    standard_error: tuple[float, ...]
    """Binomial standard error sqrt(p(1-p)/n) at the analytic p."""

    def max_z(self) -> float:
        """Largest |simulated - analytic| / standard error (points with SE 0 must match exactly)."""
        z = [abs(s - p) / se if se > 0 else (0.0 if s == p else math.inf)
             for s, p, se in zip(self.simulated, self.analytic, self.standard_error, strict=True)]
        return max(z)

    def to_json(self) -> dict[str, Any]:
        z = self.max_z()
        return {"name": self.pattern, "simulated_writes": self.n_writes, "t_ms": list(self.t_ms),
                "simulated": list(self.simulated), "analytic": list(self.analytic),
                "standard_error": list(self.standard_error), "max_z": z if math.isfinite(z) else None}


def monte_carlo_stale(model, pattern_name: str, rng: np.random.Generator, n_writes: int = 200_000,
                      t_ms: Sequence[float] = STALE_REPORT_MS, assumptions: ConsistencyAssumptions | None = None,
                      throttled: bool = False) -> StaleMonteCarlo:
    """Simulate `n_writes` writes per time point and count the reads `t` ms later that miss them."""
    a = assumptions or ConsistencyAssumptions()
    pattern = model.access_pattern(pattern_name)
    if not pattern.is_read:
        raise ConsistencyError(f"access pattern '{pattern_name}' is a {pattern.operation}, not a read")
    _, path = build_read_path(model, pattern, a, fit_table_lag(a), fit_gsi_lag(a), throttled=throttled)
    times = tuple(float(t) for t in t_ms)
    analytic = path.stale(np.array(times), a.quadrature_nodes)
    simulated = tuple(path.simulate(t, rng, n_writes) for t in times)
    se = tuple(float(math.sqrt(p * (1 - p) / n_writes)) for p in analytic)
    return StaleMonteCarlo(pattern_name, n_writes, times, simulated, tuple(float(p) for p in analytic), se)


@dataclass(frozen=True)
class ConflictMonteCarlo:
    """Simulated distinct lost (MREC) or rejected (MRSC) writes of a global table next to the analytic rate."""

    table: str
    mode: str
    n_writes: int
    """Judged writes (those in the span of length T; the padding around it only completes the windows)."""
    simulated_seconds: float
    conflicts: int
    """Distinct judged writes lost (MREC) or rejected (MRSC)."""
    conflicts_per_day: float
    standard_error_per_day: float
    """Batch-means standard error over `batches` equal time blocks."""
    analytic_per_day: float
    batches: int

    @property
    def z(self) -> float:
        """|simulated - analytic| in standard errors."""
        if self.standard_error_per_day > 0:
            return abs(self.conflicts_per_day - self.analytic_per_day) / self.standard_error_per_day
        return 0.0 if self.conflicts_per_day == self.analytic_per_day else math.inf

    def to_json(self) -> dict[str, Any]:
        return {"table": self.table, "mode": self.mode, "simulated_writes": self.n_writes,
                "simulated_seconds": self.simulated_seconds, "conflicts": self.conflicts,
                "conflicts_per_day": self.conflicts_per_day, "analytic_per_day": self.analytic_per_day,
                "standard_error_per_day": self.standard_error_per_day, "batches": self.batches}


@dataclass(frozen=True)
class MonteCarloChecks:
    """Simulation checks of a whole design: every read pattern and every global table with writes."""

    writes_per_check: int
    stale: tuple[StaleMonteCarlo, ...]
    conflicts: tuple[ConflictMonteCarlo, ...]

    def to_json(self) -> dict[str, Any]:
        return {"writes_per_check": self.writes_per_check, "stale": [s.to_json() for s in self.stale],
                "conflicts": [c.to_json() for c in self.conflicts]}


def run_monte_carlo(model, patterns: Sequence[PatternConsistency], global_tables: Sequence[GlobalTableConsistency],
                    assumptions: ConsistencyAssumptions, rng: np.random.Generator, n_writes: int) -> MonteCarloChecks:
    """Monte Carlo checks of the analytic figures, in a fixed order so a seed reproduces them."""
    stale = tuple(monte_carlo_stale(model, p.name, rng, n_writes, assumptions=assumptions) for p in patterns)
    conflicts = tuple(monte_carlo_conflicts(model, g.table, rng, n_writes, assumptions=assumptions)
                      for g in global_tables if sum(g.writes_per_second_by_region.values()) > 0)
    return MonteCarloChecks(n_writes, stale, conflicts)


def _sample_ranks(shares: KeyShares, rng: np.random.Generator, size: int) -> np.ndarray:
    """0-based key ranks drawn from KeyShares (tail by inverse CDF of the continuous power law)."""
    head_mass = float(shares.head.sum())
    in_head = rng.random(size) < head_mass
    ranks = np.empty(size, dtype=np.int64)
    k = int(in_head.sum())
    if k:
        ranks[in_head] = rng.choice(len(shares.head), size=k, p=shares.head / head_mass)
    rest = size - k
    if rest:
        lo, hi, q = len(shares.head) + 0.5, shares.n + 0.5, shares.tail_exponent
        u = rng.random(rest)
        if abs(q - 1) < 1e-12:
            x = lo * (hi / lo) ** u
        else:
            x = (lo ** (1 - q) + u * (hi ** (1 - q) - lo ** (1 - q))) ** (1 / (1 - q))
        ranks[~in_head] = np.clip(np.floor(x + 0.5).astype(np.int64), len(shares.head) + 1, shares.n) - 1
    return ranks


def _simulate_stream(stream: WriteStream, entity_offset: int, horizon_s: float,
                     rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(item ids, times in s) of one stream's Poisson writes over [0, horizon]."""
    count = int(rng.poisson(stream.items_per_second * horizon_s))
    ranks = _sample_ranks(stream.shares, rng, count)
    within = rng.integers(0, stream.items_per_partition, size=count)
    items = entity_offset + ranks * stream.items_per_partition + within
    return items, rng.uniform(0.0, horizon_s, size=count)


def _region_writes(streams: Sequence[WriteStream], sims: Sequence[tuple[np.ndarray, np.ndarray]],
                   key_scale: float) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Region -> (times, sorted item*key_scale + time keys) of all its simulated writes (every stream merged)."""
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for region in dict.fromkeys(s.region for s in streams):
        parts = [sim for s, sim in zip(streams, sims, strict=True) if s.region == region]
        items = np.concatenate([p[0] for p in parts])
        times = np.concatenate([p[1] for p in parts])
        order = np.argsort(items * key_scale + times, kind="stable")
        out[region] = (times[order], items[order] * key_scale + times[order])
    return out


def _any_between(sorted_keys: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Per query: is there a key strictly inside (low, high)?"""
    return np.searchsorted(sorted_keys, high, "left") > np.searchsorted(sorted_keys, low, "right")


def _lost_flags(table, a: ConsistencyAssumptions, writes: Mapping[str, tuple[np.ndarray, np.ndarray]],
                rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Region -> per write (in key order): lost (MREC) or rejected (MRSC), per lost_writes_per_second's rule.

    MREC: one replication delay per write and target region is sampled; the write is lost when the
    target region issued a write to the same item inside (t, t + delay). MRSC: the write is rejected
    when another region issued a write to the same item inside (t - W_j, t).
    """
    mrsc = table.global_table.mode == "MRSC"
    flags = {}
    for ri, (_, keys_i) in writes.items():
        lost = np.zeros(len(keys_i), dtype=bool)
        for rj, (_, keys_j) in writes.items():
            if rj == ri:
                continue
            if mrsc:
                window_s = _mrsc_round_trip_ms(table, rj, a) / 1000.0
                lost |= _any_between(keys_j, keys_i - window_s, keys_i)
            else:
                delay_s = replication_delay(ri, rj, a).sample(rng, len(keys_i)) / 1000.0
                lost |= _any_between(keys_j, keys_i, keys_i + delay_s)
        flags[ri] = lost
    return flags


def monte_carlo_conflicts(model, table_name: str, rng: np.random.Generator, n_writes: int = 200_000,
                          assumptions: ConsistencyAssumptions | None = None, batches: int = 50) -> ConflictMonteCarlo:
    """Simulate Poisson writes per region and stream and count DISTINCT lost (MREC) or rejected (MRSC)
    writes, the rule of lost_writes_per_second applied write by write; compare with the analytic rate.

    Writes are simulated over [0, pad + T + pad]; only the writes in [pad, pad + T] are judged (at least
    `n_writes` of them), so every window before or after them is complete. Per judged write: its item
    (key popularity), its time, one sampled replication delay per other region (MREC), then a search
    in the other regions' sorted writes. The standard error is by batch means over `batches` time blocks.
    """
    a = assumptions or ConsistencyAssumptions()
    table = model.table(table_name)
    if table.global_table is None:
        raise ConsistencyError(f"table '{table_name}' is not a global table; add global_table.regions to simulate")
    streams = [s for s in write_streams(model, table) if s.items_per_second > 0]
    total_rate = sum(s.items_per_second for s in streams)
    if total_rate <= 0:
        raise ConsistencyError(f"table '{table_name}' has no writes to simulate; give its write patterns a rate")
    # Long enough that at least n_writes fall in the judged span (Poisson count, 5 standard deviations of margin).
    horizon = (n_writes + 5 * math.sqrt(n_writes)) / total_rate
    pad = MONTE_CARLO_PAD_S
    offsets = _entity_offsets(streams)
    sims = [_simulate_stream(s, offsets[s.entity], horizon + 2 * pad, rng) for s in streams]
    key_scale = 2.0 * (horizon + 2 * pad) + 1.0
    writes = _region_writes(streams, sims, key_scale)
    flags = _lost_flags(table, a, writes, rng)
    per_batch = np.zeros(batches)
    counted = 0
    for region, (times, _) in writes.items():
        judged = (times >= pad) & (times < pad + horizon)
        counted += int(judged.sum())
        block = np.minimum(((times[judged] - pad) / horizon * batches).astype(int), batches - 1)
        per_batch += np.bincount(block, weights=flags[region][judged].astype(float), minlength=batches)
    analytic = lost_writes_per_second(streams, arrival_function(table, a)).per_second * SECONDS_PER_DAY
    scale = SECONDS_PER_DAY / (horizon / batches)
    se = float(np.std(per_batch * scale, ddof=1) / math.sqrt(batches))
    total = int(per_batch.sum())
    return ConflictMonteCarlo(table_name, table.global_table.mode, counted,
                              horizon, total, total / horizon * SECONDS_PER_DAY, se, analytic, batches)


def _members_for(table) -> tuple[str, ...]:
    return _mrsc_members(table) if table.global_table.mode == "MRSC" else tuple(table.global_table.regions)


def _entity_offsets(streams: Sequence[WriteStream]) -> dict[str, int]:
    """Disjoint item-id ranges per entity (items of different entities never conflict)."""
    offsets, next_free = {}, 0
    for s in streams:
        if s.entity not in offsets:
            offsets[s.entity] = next_free
            next_free += s.shares.n * s.items_per_partition
    return offsets


__all__ = [
    "ConflictMonteCarlo", "ConsistencyAssumptions", "ConsistencyError", "ConsistencyReport", "ConstraintCheck",
    "GlobalTableConsistency", "KeyShares", "LagDistribution", "MonteCarloChecks", "PatternConsistency", "ReadPathModel",
    "ReplicationDelay", "StaleMonteCarlo", "WriteStream", "analyze_consistency", "assumption_docs",
    "build_read_path", "calibration_points", "relevant_assumptions", "MAX_ASSUMED_MS", "MAX_LAG_MULTIPLIER", "conflicts_per_second", "fit_gsi_lag", "fit_table_lag", "gsi_throttled_shares_from_heat",
    "gsi_throttling",
    "key_overlap", "key_shares", "monte_carlo_conflicts", "monte_carlo_stale", "mrsc_constraints",
    "power_sum", "replication_delay", "run_monte_carlo", "write_streams",
]
