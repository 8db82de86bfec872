"""Lag models: how long until a write is visible, fitted to measurements, and their calibration table.

- Table / LSI eventually consistent read (DOMAIN.md §5). A partition has 3 replicas; the leader
  acknowledges a write once it and one more replica have it; an EC read goes to a random replica.
  The read misses the write only when it hits the third replica (1 in 3) and that replica still
  lags: P(stale at t) = 1/3 * P(L > t). The lag L is "0 with probability 1-p, else exponential with
  mean m" (a point mass plus an exponential tail), fitted in closed form to the measured
  read-your-writes rates (alexdebrie/dynamodb-performance-testing: 99.50 / 99.68 / 100.00 % at
  0 / 10 / 100 ms): the 0 ms point gives p, the 10 ms point gives m, the 100 ms point is checked.
- GSI read (DOMAIN.md §5). Propagation is asynchronous: P(stale at t) = P(G > t) with G "0, else one
  of two exponentials" (fast + slow), fitted to the measured 96.54 / 99.53 / 99.72 % at 0 / 10 / 100 ms
  plus the workbench's reading of AWS's "typically within a second" (99.9 % visible after 1 s).
  A throttled or under-provisioned GSI stretches both means by a user-changeable multiplier.
- MREC replication delay (DOMAIN.md §5, round trips of engine.regions): one-way network time (half the
  round trip) + a processing delay (lognormal, median/p99 assumptions consistent with "typically
  within a second", no SLA).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from statistics import NormalDist
from typing import Any

import numpy as np

from engine import regions
from engine.consistency.assumptions import ConsistencyAssumptions, ConsistencyError, MeasuredPoints

_NORMAL = NormalDist()


@dataclass(frozen=True, kw_only=True)
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
        return LagDistribution(weights=self.weights, means_ms=tuple(m * multiplier for m in self.means_ms))

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Independent lags in ms: pick the zero mass or a component, then draw the exponential."""
        probs = np.array([1.0 - self.lagging_share, *self.weights])
        component = rng.choice(len(probs), size=size, p=probs / probs.sum())
        means = np.array([0.0, *self.means_ms])[component]
        return rng.exponential(1.0, size) * means

    def to_json(self) -> dict[str, Any]:
        return {"lagging_share": self.lagging_share,
                "components": [{"weight": w, "mean_ms": m} for w, m in zip(self.weights, self.means_ms, strict=True)]}


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
    return LagDistribution(weights=(stale0 / q,), means_ms=(mean_ms,))


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
    return LagDistribution(weights=(fast_w, slow_w), means_ms=(fast_m, slow_m))


@dataclass(frozen=True, kw_only=True)
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
    return ReplicationDelay(source_region=source, target_region=target, one_way_ms=rt.one_way_ms,
                            processing_median_ms=a.replication_processing_median_ms,
                            processing_sigma=a.processing_sigma, round_trip_source=rt.source)


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
