"""Heat simulation: DynamoDB admission control second by second over a traffic horizon.

What it models (DOMAIN.md §4, DG/burst-adaptive-capacity.html, DG/gsi-throttling.html,
DG/throttling-key-range-limit-exceeded-mitigation.html, API_ThrottlingReason):
- a hard per-partition limit of 3,000 RCU + 1,000 WCU (linear combination); one key (one
  partition-key value that split for heat cannot divide) never gets more than that;
- per-partition token buckets: a partition's share of the table's throughput, with up to
  `burst_seconds` (300 s) of unused share banked and drawn when demand exceeds the share;
- adaptive capacity: unused table throughput moves instantly to partitions over their share, up
  to the per-partition limit;
- split for heat after sustained heat (not below one item, not an item collection with an LSI,
  not a key whose sort key grows monotonically);
- on-demand tables: instant up to max(warm throughput, 2 x previous peak), and a new peak becomes
  the "previous peak" after `on_demand_peak_adoption_seconds`; provisioned auto scaling to
  consumed / target utilization after `auto_scaling_delay_seconds` above target (no scale-in
  within a horizon);
- GSI back-pressure: a base-table write is admitted only if every GSI it writes admits it.

AWS publishes no numbers for the timing rules (how long heat must last before a split, how fast
on-demand adopts a new peak, auto scaling's lag): each is a named, documented field of
HeatOptions with a workbench default, never an AWS figure.

The engine is vectorized over keys and partitions; it loops over control intervals (60 s by
default) and within one vectorizes over seconds, banking burst with an associative scan of
clamp functions. Only partitions that can ever exceed their share are simulated in detail;
the rest are admitted in full (their demand never exceeds what they are guaranteed).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from engine.errors import WorkbenchError
from engine.model import DataModel
from engine.partitions import (
    CTU_WRITE_WEIGHT,
    ON_DEMAND_PEAK_FACTOR,
    ON_DEMAND_WARM_READ_UNITS_PER_SECOND,
    ON_DEMAND_WARM_WRITE_UNITS_PER_SECOND,
    READ_UNITS_PER_PARTITION,
    WRITE_UNITS_PER_PARTITION,
    PartitionReport,
    TargetLoad,
    throughput_partitions,
    top_ranks,
    warm_partitions,
)

if TYPE_CHECKING:  # types only: the evaluation is computed where it is needed (simulate_heat)
    from engine.evaluate import Evaluation

LIMITS = np.array([READ_UNITS_PER_PARTITION, WRITE_UNITS_PER_PARTITION])
READ, WRITE = 0, 1
CHANNELS = ("read", "write")
# DOMAIN.md §4: up to 300 s of unused capacity is banked (burst capacity, best effort).
BURST_SECONDS = 300.0
# DOMAIN.md §4: default per-table throughput quota (provisioned and on-demand).
TABLE_QUOTA_UNITS_PER_SECOND = 40000.0
UNSPLITTABLE_SCAN_UNITS = 1 << 20
# The simulator keeps a few float64 vectors per partition and arm: 100,000 partitions (a petabyte of
# storage, or 300 million RCU) stays within memory; a larger layout is refused with a message.
MAX_SIMULATED_PARTITIONS = 100_000
RELATIVE_NOISE_FLOOR = 1e-9  # throttled shares below this are float round-off  # a Scan's items are many: split for heat is not blocked by them


# ---------------------------------------------------------------------------------------------
# Options


@dataclass(frozen=True, kw_only=True)
class TrafficProfile:
    """How one access pattern's rate moves over the horizon, as a multiplier of its average rate.

    steady: the average all along. spike: `multiplier` from `at_seconds` for `duration_seconds`,
    `baseline` outside. ramp: `baseline` until `at_seconds`, then linear to `multiplier` over
    `duration_seconds`, then held. diurnal: a cosine between `baseline` (at `at_seconds`) and
    `multiplier` half a `period_seconds` later.
    """

    kind: Literal["steady", "diurnal", "spike", "ramp"] = "steady"
    multiplier: float | None = None
    """High point as a multiple of the average rate; None: the pattern's peak / average rate."""
    baseline: float = 1.0
    """Multiple of the average rate outside the spike / before the ramp (0 = idle)."""
    at_seconds: float = 600.0
    """When the spike or ramp starts (seconds from the start of the horizon)."""
    duration_seconds: float = 300.0
    """How long the spike lasts, or how long the ramp takes."""
    period_seconds: float = 86400.0
    """Diurnal period (a day)."""


@dataclass(frozen=True, kw_only=True)
class HeatOptions:
    """Every parameter of the heat simulation; timing defaults are workbench choices, not AWS figures."""

    horizon_seconds: int = 3600
    """Simulated time, at one-second resolution (one hour by default)."""
    profiles: Mapping[str, TrafficProfile] = field(default_factory=dict)
    """Traffic profile per access pattern name; others use `default_profile`."""
    default_profile: TrafficProfile = TrafficProfile()
    """Profile of patterns not named in `profiles` (steady at the average rate)."""
    request_noise: bool = True
    """Poisson arrivals per pattern and second (drawn from the Generator); False: exact rates."""
    noise_min_requests_per_second: float = 1.0
    """Slower patterns are spread evenly instead (a Scan pages through the table over time, it does
    not land in one second)."""
    control_interval_seconds: int = 60
    """How often splits, on-demand growth and auto scaling are decided (their time resolution)."""
    burst_seconds: float = BURST_SECONDS
    """Unused share a partition banks (AWS: up to 300 s, best effort)."""
    initial_burst_seconds: float = BURST_SECONDS
    """Bank at the start, in seconds of share: a table that ran below capacity before is full (300)."""
    adaptive_capacity: bool = True
    """Move unused table throughput to partitions over their share (AWS: instant, per-partition cap)."""
    split_for_heat: bool = True
    """Split partitions under sustained heat (each split doubles the pieces of one partition)."""
    split_after_seconds: float = 600.0
    """Sustained heat before a split. Workbench default (AWS publishes none; DOMAIN.md §4: 5-10 min)."""
    split_utilization: float = 0.8
    """A partition counts as hot while its demand is above this share of its limit (workbench default)."""
    on_demand_peak_adoption_seconds: float = 600.0
    """How long a served rate takes to become the on-demand 'previous peak' (AWS bounds it by 30
    minutes; workbench default 10 minutes; 1800 gives the documented worst case)."""
    auto_scaling_delay_seconds: float = 300.0
    """Time above the target utilization before auto scaling raises capacity (workbench default:
    CloudWatch alarms need a few consecutive minutes; about 5 minutes end to end)."""
    table_quota_units_per_second: float = TABLE_QUOTA_UNITS_PER_SECOND
    """Per-table throughput quota (default 40,000 RCU and 40,000 WCU per table; AccountLimitExceeded)."""
    heatmap_max_partitions: int = 200
    """Rows kept for the heatmap (hottest partitions first)."""
    heatmap_max_buckets: int = 360
    """Time buckets kept for the heatmap and time series."""
    top_keys: int = 10
    """Hot keys reported per result."""
    track_max_keys: int = 5000
    """Most keys simulated one by one (those that can exceed a partition's limit, hottest first)."""


# ---------------------------------------------------------------------------------------------
# Array-level description of the load (what the simulator core consumes)


@dataclass(frozen=True, eq=False, kw_only=True)
class KeyGroup:
    """Keys of one partition-key template on one target, as ranks (arms sharing it add up per key)."""

    key_partition: np.ndarray
    """Partition (0..P-1) of every rank."""
    splittable_units: int = 1
    """Pieces split for heat can cut one key into (1: never; a single item or a blocked collection)."""
    label: Callable[[int], str] | None = None
    """Key value of a rank (only called for the few keys reported)."""


@dataclass(frozen=True, eq=False, kw_only=True)
class ArmSpec:
    """One access pattern's load on one target."""

    pattern: str
    channel: str  # "read" | "write"
    units_per_request: float
    requests_per_second: float
    group: KeyGroup | None
    """Keys hit; None spreads the load evenly over all partitions (Scan)."""
    shares: np.ndarray | None = None
    """Share of requests per rank of `group` (a sum below 1 spreads the rest evenly over partitions)."""


@dataclass(frozen=True, eq=False, kw_only=True)
class TargetSpec:
    """A table or GSI for the simulator."""

    name: str
    partitions: int
    billing: str = "provisioned"  # "provisioned" | "on_demand"
    read_capacity_units: float = 0.0
    """Provisioned RCU, or on-demand read throughput available at the start."""
    write_capacity_units: float = 0.0
    max_read_units: float | None = None
    max_write_units: float | None = None
    auto_scaling_target: float | None = None
    """Provisioned auto scaling target utilization, or None for fixed capacity."""
    on_demand_floor: tuple[float, float] = (ON_DEMAND_WARM_READ_UNITS_PER_SECOND, ON_DEMAND_WARM_WRITE_UNITS_PER_SECOND)
    """On-demand warm throughput (reads, writes per second) below which it never drops."""
    arms: tuple[ArmSpec, ...] = ()
    is_index: bool = False
    table: str | None = None
    """Base table of an index (GSI back-pressure), or None for a table."""


# ---------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True, kw_only=True)
class PatternHeat:
    """One access pattern's admitted and throttled requests over the horizon."""

    name: str
    requests: float
    throttled_requests: float
    throttled_fraction: float
    """Share of the pattern's requests throttled over the horizon (0 to 1)."""
    throttle_reasons: dict[str, float]
    """DynamoDB throttle reason -> throttled requests."""
    first_throttled_second: int | None
    throttled_fraction_series: np.ndarray
    """Throttled share per time bucket."""


@dataclass(frozen=True, kw_only=True)
class TargetHeat:
    """A table's or GSI's capacity, consumption and partition count over time (per bucket)."""

    target: str
    billing: str
    partitions_start: int
    partitions_end: int
    partition_count_series: np.ndarray
    read_capacity_series: np.ndarray
    write_capacity_series: np.ndarray
    consumed_read_series: np.ndarray
    consumed_write_series: np.ndarray
    throttled_read_series: np.ndarray
    throttled_write_series: np.ndarray


@dataclass(frozen=True, kw_only=True)
class Heatmap:
    """Downsampled per-partition load of one target: rows = partitions (hottest first) x buckets."""

    target: str
    partitions: np.ndarray
    bucket_seconds: int
    consumed_read: np.ndarray
    consumed_write: np.ndarray
    throttled_read: np.ndarray
    throttled_write: np.ndarray

    @property
    def consumed_utilization(self) -> np.ndarray:
        """Consumed share of one partition's limit (above 1 after the partition split)."""
        return self.consumed_read / READ_UNITS_PER_PARTITION + self.consumed_write / WRITE_UNITS_PER_PARTITION


@dataclass(frozen=True, kw_only=True)
class KeyHeat:
    """One key's simulated load: ConsumedThroughputUnits (3 x WCU + RCU) admitted and demanded."""

    target: str
    key: str
    consumed_units_per_second: float
    demanded_units_per_second: float
    throttled_fraction: float


@dataclass(frozen=True, kw_only=True)
class HeatResult:
    """What the heat simulation shows: per-pattern throttling, per-target series, heatmaps, hot keys."""

    horizon_seconds: int
    bucket_seconds: int
    patterns: tuple[PatternHeat, ...]
    targets: tuple[TargetHeat, ...]
    heatmaps: tuple[Heatmap, ...]
    hot_keys: tuple[KeyHeat, ...]
    layout: PartitionReport | None = None
    assumptions: tuple[str, ...] = ()

    def pattern(self, name: str) -> PatternHeat:
        for p in self.patterns:
            if p.name == name:
                return p
        raise KeyError(name)

    def target(self, name: str) -> TargetHeat:
        for t in self.targets:
            if t.target == name:
                return t
        raise KeyError(name)

    def to_json(self) -> dict[str, Any]:
        """The CLI's JSON: patterns, hot keys, partitions (with the static layout's driver)."""
        ends = {t.target: t.partitions_end for t in self.targets}
        return {
            "horizon_seconds": self.horizon_seconds,
            "patterns": [{
                "name": p.name, "requests": round(p.requests, 3), "throttled_requests": round(p.throttled_requests, 3),
                "throttled_fraction": round(p.throttled_fraction, 6),
                "throttle_reasons": {k: round(v, 3) for k, v in p.throttle_reasons.items()},
                "first_throttled_second": p.first_throttled_second} for p in self.patterns],
            "hot_keys": [{
                "target": k.target, "key": k.key, "consumed_units_per_second": _significant(k.consumed_units_per_second),
                "demanded_units_per_second": _significant(k.demanded_units_per_second),
                "throttled_fraction": round(k.throttled_fraction, 6)} for k in self.hot_keys],
            "partitions": [{
                "target": t.target, "count": t.count, "driver": t.driver, "count_at_end": ends.get(t.target, t.count),
                "hottest_partition_share": round(t.hottest_partition_share, 6), "headroom": round(t.headroom, 6)}
                for t in (self.layout.targets if self.layout else ())],
            "findings": [vars(f) for f in (self.layout.findings if self.layout else ())],
            "assumptions": list(self.assumptions),
        }


# ---------------------------------------------------------------------------------------------
# Traffic profiles


def profile_multipliers(profile: TrafficProfile, horizon_seconds: int, peak_ratio: float) -> np.ndarray:
    """Multiplier of the average rate for each second of the horizon."""
    t = np.arange(horizon_seconds, dtype=float)
    high = profile.multiplier if profile.multiplier is not None else peak_ratio
    base = profile.baseline
    if profile.kind == "steady":
        return np.ones(horizon_seconds)
    if profile.kind == "spike":
        inside = (t >= profile.at_seconds) & (t < profile.at_seconds + profile.duration_seconds)
        return np.where(inside, high, base)
    if profile.kind == "ramp":
        progress = np.clip((t - profile.at_seconds) / max(profile.duration_seconds, 1.0), 0.0, 1.0)
        return np.where(t < profile.at_seconds, base, base + (high - base) * progress)
    if profile.kind == "diurnal":
        phase = 2 * math.pi * (t - profile.at_seconds) / profile.period_seconds
        return base + (high - base) * 0.5 * (1 - np.cos(phase))
    raise ValueError(f"unknown traffic profile kind {profile.kind!r}")


def pattern_multipliers(rates: Mapping[str, tuple[float, float]], options: HeatOptions,
                        rng: np.random.Generator | None) -> dict[str, np.ndarray]:
    """Per pattern: multiplier of its average rate per second (with Poisson arrivals if asked)."""
    out = {}
    for name in sorted(rates):
        avg, peak = rates[name]
        profile = options.profiles.get(name, options.default_profile)
        mult = profile_multipliers(profile, options.horizon_seconds, peak / avg if avg > 0 else 1.0)
        if options.request_noise and rng is not None and avg >= options.noise_min_requests_per_second:
            mult = rng.poisson(mult * avg) / avg
        out[name] = mult
    return out


# ---------------------------------------------------------------------------------------------
# Burst bank: b[t+1] = clip(b[t] + x[t], 0, cap), as an associative scan of clamp functions


def bank_levels(bank0: np.ndarray, x: np.ndarray, cap: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(bank before each second (H, L), bank at the end (H,)) for banking `x` (unused - drawn).

    clamp(b + c, lo, hi) functions compose into the same form (first f then g: c = c_f + c_g,
    lo = clamp(lo_f + c_g, lo_g, hi_g), hi = clamp(hi_f + c_g, lo_g, hi_g)), so a Hillis-Steele
    prefix scan gives every second's bank in log2(L) vectorized steps.
    """
    c = x.astype(float, copy=True)
    lo = np.zeros_like(c)
    hi = np.broadcast_to(cap[:, None], c.shape).astype(float, copy=True)
    step = 1
    while step < c.shape[1]:
        c_g, lo_g, hi_g = c[:, step:], lo[:, step:], hi[:, step:]
        new_c = c[:, :-step] + c_g
        new_lo = np.clip(lo[:, :-step] + c_g, lo_g, hi_g)
        new_hi = np.clip(hi[:, :-step] + c_g, lo_g, hi_g)
        c[:, step:], lo[:, step:], hi[:, step:] = new_c, new_lo, new_hi
        step *= 2
    after = np.clip(bank0[:, None] + c, lo, hi)
    before = np.concatenate([bank0[:, None], after[:, :-1]], axis=1)
    return before, after[:, -1]


# ---------------------------------------------------------------------------------------------
# One target's simulation


def throttle_reason(is_index: bool, channel: int, limit: str) -> str:
    """DynamoDB's reason name: Table|Index + Read|Write + limit (API_ThrottlingReason)."""
    return f"{'Index' if is_index else 'Table'}{'Read' if channel == READ else 'Write'}{limit}"


class _TargetSim:
    """Mutable state of one target while the horizon is simulated (internal)."""

    def __init__(self, spec: TargetSpec, arm_mult: np.ndarray, options: HeatOptions) -> None:
        self.spec, self.options = spec, options
        self.P = spec.partitions
        self.T = arm_mult.shape[1]
        self.arms = spec.arms
        self.channel = np.array([READ if a.channel == "read" else WRITE for a in self.arms], dtype=int)
        self.rate = np.array([a.requests_per_second * a.units_per_request for a in self.arms], dtype=float)
        self.capacity = np.array([spec.read_capacity_units, spec.write_capacity_units], dtype=float)
        self.cap_limit = self._capacity_ceiling()
        self.capacity = np.minimum(self.capacity, self.cap_limit[0])
        self._build_load(arm_mult.max(axis=1) if self.T else np.ones(len(self.arms)))
        self._init_state()

    # -- setup ---------------------------------------------------------------------------------
    def _capacity_ceiling(self) -> tuple[np.ndarray, list[str]]:
        """Highest capacity per channel and the throttle limit name when it binds."""
        quota = self.options.table_quota_units_per_second
        spec = self.spec
        caps, names = [], []
        for ch, mx in ((READ, spec.max_read_units), (WRITE, spec.max_write_units)):
            if spec.billing == "on_demand" and mx is not None and mx < quota:
                caps.append(float(mx))
                names.append("MaxOnDemandThroughputExceeded")
            elif spec.billing == "on_demand":
                caps.append(quota)
                names.append("AccountLimitExceeded")
            else:
                caps.append(float(mx) if mx is not None else max(quota, self.capacity[ch]))
                names.append("ProvisionedThroughputExceeded")
        return np.array(caps), names

    def _build_load(self, max_mult: np.ndarray) -> None:
        A, P = len(self.arms), self.P
        self.arm_part = np.zeros((A, P))
        groups: dict[int, KeyGroup] = {}
        for a, arm in enumerate(self.arms):
            if arm.group is None:
                self.arm_part[a] = self.rate[a] / P
            else:
                groups.setdefault(id(arm.group), arm.group)
                placed = np.bincount(arm.group.key_partition, weights=arm.shares * self.rate[a], minlength=P)
                tail = max(0.0, 1.0 - float(arm.shares.sum()))  # keys beyond the ranks modelled: spread
                self.arm_part[a] = placed + tail * self.rate[a] / P
        self._track_keys(list(groups.values()), max_mult)
        self.max_frag = self._max_fragments(list(groups.values()))

    def _track_keys(self, groups: list[KeyGroup], max_mult: np.ndarray) -> None:
        """Keys simulated one by one: those whose peak can exceed one partition, plus the top keys."""
        parts, frags, rates, labels = [], [], [], []
        budget = self.options.track_max_keys
        for group in groups:
            members = [a for a, arm in enumerate(self.arms) if arm.group is group]
            # Per-key load summed over the arms without an (arms x keys) matrix: arms of one key space share one
            # shares array (engine.partitions), so each distinct array is scaled once by its arms' summed weights
            # (103 patterns on a 2-million-key table held 3.3 GiB as a matrix).
            weights: dict[int, list] = {}
            for a in members:
                shares = self.arms[a].shares
                w = weights.setdefault(id(shares), [shares, 0.0, 0.0])
                w[1] += self.rate[a] * max_mult[a] / LIMITS[self.channel[a]]
                w[2] += self.rate[a] * (CTU_WRITE_WEIGHT if self.channel[a] == WRITE else 1.0)
            peak_u = sum(shares * wp for shares, wp, _ in weights.values())
            ctu = sum(shares * wc for shares, _, wc in weights.values())
            chosen = _select_keys(peak_u, ctu, self.options.top_keys, budget)
            del peak_u, ctu
            budget -= chosen.size
            full = np.zeros((len(self.arms), chosen.size))
            for a in members:
                full[a] = self.arms[a].shares[chosen] * self.rate[a]
            parts.append(group.key_partition[chosen])
            frags.append(np.full(chosen.size, group.splittable_units))
            rates.append(full)
            labels += [(group, int(r)) for r in chosen]
        self.key_part = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        self.key_frag = np.concatenate(frags) if frags else np.zeros(0)
        self.key_rate = np.concatenate(rates, axis=1) if rates else np.zeros((len(self.arms), 0))
        self.key_labels = labels
        self.cold = self.arm_part.copy()
        for a in range(len(self.arms)):
            self.cold[a] -= np.bincount(self.key_part, weights=self.key_rate[a], minlength=self.P)
        np.maximum(self.cold, 0.0, out=self.cold)
        self.max_mult = max_mult

    def _max_fragments(self, groups: list[KeyGroup]) -> np.ndarray:
        """Most pieces split for heat can cut each partition into: its keys' splittable units."""
        frag = np.zeros(self.P)
        for group in groups:
            frag += np.bincount(group.key_partition, minlength=self.P) * group.splittable_units
        if any(arm.group is None or float(arm.shares.sum()) < 1 - 1e-9 for arm in self.arms):
            frag += UNSPLITTABLE_SCAN_UNITS  # a Scan, or keys beyond the ranks modelled: many items
        return np.maximum(frag, 1.0)

    def _init_state(self) -> None:
        """Pick the partitions simulated in detail and zero the counters."""
        share = self.capacity / self.P
        peak = np.zeros((2, self.P))
        for ch in (READ, WRITE):
            sel = self.channel == ch
            peak[ch] = (self.arm_part[sel] * self.max_mult[sel, None]).sum(axis=0)
        peak_u = peak[READ] / LIMITS[READ] + peak[WRITE] / LIMITS[WRITE]
        hot = (peak[READ] > share[READ] * (1 + 1e-12)) | (peak[WRITE] > share[WRITE] * (1 + 1e-12))
        hot |= peak_u > self.options.split_utilization
        hot[self.key_part] = True
        self.hot = np.flatnonzero(hot)
        self.peak_demand_u = peak_u
        local = np.full(self.P, -1)
        local[self.hot] = np.arange(self.hot.size)
        self.key_local = local[self.key_part]
        self.cold_h = self.cold[:, self.hot]
        self.cold_rest = self.cold.sum(axis=1) - self.cold_h.sum(axis=1)
        H = self.hot.size
        self.frag = np.ones(H)
        self.frag_uniform = 1.0
        self.bank = np.tile((self.options.initial_burst_seconds * share)[:, None], (1, H))
        self.heat_run = np.zeros(H)
        self.max_frag_h = self.max_frag[self.hot]
        self.above_since: list[float | None] = [None, None]
        self.served_means: list[tuple[float, np.ndarray]] = []
        self._init_records()

    def _init_records(self) -> None:
        A, T, K = len(self.arms), self.T, self.key_part.size
        self.kr = np.zeros((A, T))
        self.cap_th = np.zeros((A, T))
        self.demand = self.rate[:, None] * np.ones((1, T))
        self.cap_series = np.tile(self.capacity[:, None], (1, T))
        self.consumed_series = np.zeros((2, T))
        self.throttled_series = np.zeros((2, T))
        self.count_series = np.full(T, float(self.P))
        rows = np.argsort(-self.peak_demand_u, kind="stable")[: self.options.heatmap_max_partitions]
        self.display = rows
        local = np.full(self.P, -1)
        local[self.hot] = np.arange(self.hot.size)
        self.display_local = local[rows]
        # the heatmap is summed straight into its time buckets: never a partitions x seconds grid
        self.bucket_seconds = max(1, math.ceil(T / max(self.options.heatmap_max_buckets, 1)))
        buckets = math.ceil(T / self.bucket_seconds) if T else 0
        self.bucket_counts = np.bincount(np.arange(T) // self.bucket_seconds, minlength=buckets).astype(float)
        self.grid_consumed = np.zeros((2, rows.size, buckets))
        self.grid_throttled = np.zeros((2, rows.size, buckets))
        self.key_consumed = np.zeros(K)
        self.key_demanded = np.zeros(K)

    # -- one control interval -----------------------------------------------------------------
    def step(self, t0: int, mult: np.ndarray) -> np.ndarray:
        """Admit the seconds [t0, t0+L) at arm multipliers `mult` (A, L); return admitted share (A, L)."""
        L = mult.shape[1]
        sl = slice(t0, t0 + L)
        self.demand[:, sl] = self.rate[:, None] * mult
        key_r, key_w, beta = self._key_admission(mult)
        dem, raw = self._partition_demand(mult, key_r, key_w, beta)
        util = dem[READ] / LIMITS[READ] + dem[WRITE] / LIMITS[WRITE]
        hard = np.where(util > self.frag[:, None], self.frag[:, None] / np.maximum(util, 1e-300), 1.0)
        frac = np.ones((2, self.hot.size, L))
        for ch in (READ, WRITE):
            frac[ch] = self._admit_channel(ch, dem[ch] * hard, mult, sl)
        self._attribute(mult, sl, hard, frac, beta)
        for ch in (READ, WRITE):
            self.throttled_series[ch, sl] = self.demand[self.channel == ch, sl].sum(axis=0) - self.consumed_series[ch, sl]
        self._record_partitions(mult, sl, dem, raw, hard, frac)
        self._record_keys(key_r, key_w, beta, hard, frac)
        self._control(t0 + L, util)
        total = self.demand[:, sl]
        with np.errstate(invalid="ignore", divide="ignore"):
            admitted = np.where(total > 0, 1.0 - (self.kr[:, sl] + self.cap_th[:, sl]) / total, 1.0)
        return np.clip(admitted, 0.0, 1.0)

    def _key_admission(self, mult: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per tracked key: read and write demand (K, L) and the share one key can get (beta)."""
        is_read = (self.channel == READ)[:, None]
        key_r = (self.key_rate * is_read).T @ mult
        key_w = (self.key_rate * ~is_read).T @ mult
        key_u = key_r / LIMITS[READ] + key_w / LIMITS[WRITE]
        cap = np.minimum(self.frag[self.key_local], self.key_frag)[:, None]
        beta = np.where(key_u > cap, cap / np.maximum(key_u, 1e-300), 1.0)
        return key_r, key_w, beta

    def _partition_demand(self, mult: np.ndarray, key_r: np.ndarray, key_w: np.ndarray,
                          beta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(2, H, L) demand of the simulated partitions after per-key caps, and before them."""
        dem = np.zeros((2, self.hot.size, mult.shape[1]))
        raw = np.zeros_like(dem)
        for ch, keys in ((READ, key_r), (WRITE, key_w)):
            sel = self.channel == ch
            dem[ch] = self.cold_h[sel].T @ mult[sel]
            raw[ch] = dem[ch]
            np.add.at(dem[ch], self.key_local, keys * beta)
            np.add.at(raw[ch], self.key_local, keys)
        return dem, raw

    def _admit_channel(self, ch: int, demand: np.ndarray, mult: np.ndarray, sl: slice) -> np.ndarray:
        """Admitted share (H, L) of one channel's demand: share, adaptive capacity, then burst."""
        capacity = self.capacity[ch]
        share = capacity / self.P
        sel = self.channel == ch
        rest = self.cold_rest[sel] @ mult[sel]  # partitions that never exceed their share
        base = np.minimum(demand, share)
        excess = demand - base
        if self.options.adaptive_capacity:
            unused = np.maximum(capacity - rest - base.sum(axis=0), 0.0)
            need = excess.sum(axis=0)
            with np.errstate(invalid="ignore", divide="ignore"):
                ratio = np.where(need > 0, np.minimum(1.0, unused / need), 0.0)
            given = excess * ratio
        else:
            given = np.zeros_like(excess)
        remaining = excess - given
        x = np.maximum(share - demand, 0.0) - remaining
        cap = np.full(self.hot.size, self.options.burst_seconds * share)
        before, self.bank[ch] = bank_levels(self.bank[ch], x, cap)
        admitted = base + given + np.minimum(before, remaining)
        if self.spec.billing == "on_demand":
            admitted = self._within_ceiling(ch, admitted, rest)
        self.cap_series[ch, sl] = capacity
        self.consumed_series[ch, sl] = rest + admitted.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(demand > 0, admitted / demand, 1.0)

    def _within_ceiling(self, ch: int, admitted: np.ndarray, rest: np.ndarray) -> np.ndarray:
        """An on-demand table never serves more than its maximum request units or the table quota per second,
        burst included (DOMAIN.md §4: burst lets a partition exceed its share of the table's capacity, not the
        table its configured maximum): the simulated partitions are scaled down to the room left."""
        room = np.maximum(float(self.cap_limit[0][ch]) - rest, 0.0)
        total = admitted.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            scale = np.where(total > room, room / np.maximum(total, 1e-300), 1.0)
        return admitted * scale

    def _attribute(self, mult: np.ndarray, sl: slice, hard: np.ndarray, frac: np.ndarray, beta: np.ndarray) -> None:
        """Throttled units per arm and reason: key range (hard limits) vs capacity."""
        key_hard = hard[self.key_local] if self.key_local.size else np.zeros((0, mult.shape[1]))
        for ch in (READ, WRITE):
            sel = np.flatnonzero(self.channel == ch)
            if sel.size == 0:
                continue
            cold = self.cold_h[sel]
            keys = self.key_rate[sel]
            kf = frac[ch][self.key_local] if self.key_local.size else key_hard
            kr = cold @ (1.0 - hard) + keys @ (1.0 - beta * key_hard)
            cp = cold @ (hard * (1.0 - frac[ch])) + keys @ (beta * key_hard * (1.0 - kf))
            self.kr[sel, sl] = kr * mult[sel]
            self.cap_th[sel, sl] = cp * mult[sel]

    def _record_partitions(self, mult: np.ndarray, sl: slice, dem: np.ndarray, raw: np.ndarray, hard: np.ndarray,
                           frac: np.ndarray) -> None:
        """Consumed and throttled units for the heatmap rows and the partition count."""
        rows, local = self.display, self.display_local
        inside = np.flatnonzero(local >= 0)
        outside = np.flatnonzero(local < 0)
        for ch in (READ, WRITE):
            sel = self.channel == ch
            self._add_to_buckets(self.grid_consumed[ch], outside, self.arm_part[sel][:, rows[outside]].T @ mult[sel], sl)
            hot_rows = local[inside]
            admitted = dem[ch][hot_rows] * hard[hot_rows] * frac[ch][hot_rows]
            self._add_to_buckets(self.grid_consumed[ch], inside, admitted, sl)
            self._add_to_buckets(self.grid_throttled[ch], inside, raw[ch][hot_rows] - admitted, sl)
        self.count_series[sl] = (self.P - self.hot.size) * self.frag_uniform + self.frag.sum()

    def _add_to_buckets(self, grid: np.ndarray, rows: np.ndarray, values: np.ndarray, sl: slice) -> None:
        """Add per-second values (rows, L) of the seconds `sl` into the heatmap's time buckets."""
        if rows.size == 0:
            return
        ids = np.arange(sl.start, sl.start + values.shape[1]) // self.bucket_seconds
        starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
        grid[np.ix_(rows, ids[starts])] += np.add.reduceat(values, starts, axis=1)

    def heatmap_means(self, grid: np.ndarray) -> np.ndarray:
        """Per-bucket means (units per second) of a summed heatmap grid."""
        return (grid / np.maximum(self.bucket_counts, 1.0)).astype(np.float32)

    def _record_keys(self, key_r: np.ndarray, key_w: np.ndarray, beta: np.ndarray, hard: np.ndarray,
                     frac: np.ndarray) -> None:
        if not self.key_local.size:
            return
        kh = hard[self.key_local]
        ctu_demand = key_r + CTU_WRITE_WEIGHT * key_w
        admitted_r = key_r * beta * kh * frac[READ][self.key_local]
        admitted_w = key_w * beta * kh * frac[WRITE][self.key_local]
        self.key_demanded += ctu_demand.sum(axis=1)
        self.key_consumed += (admitted_r + CTU_WRITE_WEIGHT * admitted_w).sum(axis=1)

    # -- control decisions at the end of an interval ------------------------------------------
    def _control(self, now: int, util: np.ndarray) -> None:
        L = util.shape[1]
        if self.options.split_for_heat and self.hot.size:
            self._split(util, L)
        start = now - L
        consumed = self.consumed_series[:, start:now].mean(axis=1)
        if self.spec.billing == "on_demand":
            self._grow_on_demand(now, consumed)
        elif self.spec.auto_scaling_target is not None:
            self._auto_scale(now, L, consumed)

    def _split(self, util: np.ndarray, L: int) -> None:
        heated = util / self.frag[:, None] >= self.options.split_utilization
        cool_at = np.where(~heated, np.arange(L)[None, :], -1).max(axis=1)
        self.heat_run = np.where(cool_at < 0, self.heat_run + L, L - 1 - cool_at)
        due = (self.heat_run >= self.options.split_after_seconds) & (self.frag < self.max_frag_h)
        self.frag = np.where(due, np.minimum(self.frag * 2, self.max_frag_h), self.frag)
        self.heat_run = np.where(due, 0.0, self.heat_run)

    def _grow_on_demand(self, now: int, consumed: np.ndarray) -> None:
        """On-demand: capacity = max(warm, 2 x previous peak); a rate becomes the peak after a delay."""
        self.served_means.append((now, consumed))
        adopted = [c for t, c in self.served_means if now - t >= self.options.on_demand_peak_adoption_seconds]
        if not adopted:
            return
        peak = np.max(np.stack(adopted), axis=0)
        target = np.maximum(np.array(self.spec.on_demand_floor), ON_DEMAND_PEAK_FACTOR * peak)
        self.capacity = np.minimum(np.maximum(self.capacity, target), self.cap_limit[0])
        self._grow_partitions(warm_partitions(*self.capacity))

    def _auto_scale(self, now: int, L: int, consumed: np.ndarray) -> None:
        """Target tracking: raise to consumed / target after `auto_scaling_delay_seconds` above it."""
        target = self.spec.auto_scaling_target
        for ch in (READ, WRITE):
            if consumed[ch] <= target * self.capacity[ch]:
                self.above_since[ch] = None
                continue
            if self.above_since[ch] is None:
                self.above_since[ch] = now - L
            if now - self.above_since[ch] >= self.options.auto_scaling_delay_seconds:
                self.capacity[ch] = min(self.cap_limit[0][ch], max(self.capacity[ch], consumed[ch] / target))
                self.above_since[ch] = None
        self._grow_partitions(throughput_partitions(*self.capacity))

    def _grow_partitions(self, needed: int) -> None:
        uniform = float(math.ceil(needed / self.P))
        if uniform > self.frag_uniform:
            self.frag_uniform = uniform
            self.frag = np.maximum(self.frag, uniform)

    def capacity_reasons(self, ch: int) -> list[tuple[str, np.ndarray]]:
        """Limit names of capacity throttling with the seconds each applies (as 0/1 weights).

        An on-demand table below its ceiling throttles because its partitions have not grown
        yet: DynamoDB reports that as key range throughput; at the ceiling the ceiling's name.
        """
        if self.spec.billing != "on_demand":
            return [(self.cap_limit[1][ch], np.ones(self.T))]
        at_ceiling = (self.cap_series[ch] >= self.cap_limit[0][ch] * (1 - 1e-9)).astype(float)
        return [("KeyRangeThroughputExceeded", 1.0 - at_ceiling), (self.cap_limit[1][ch], at_ceiling)]

    def reason_units(self, a: int) -> list[tuple[str, np.ndarray]]:
        """(reason limit name, throttled units per second) of one arm."""
        ch = self.channel[a]
        out = [("KeyRangeThroughputExceeded", self.kr[a])]
        out += [(name, self.cap_th[a] * weight) for name, weight in self.capacity_reasons(ch)]
        return out


def _select_keys(peak_u: np.ndarray, ctu: np.ndarray, top: int, budget: int) -> np.ndarray:
    """Ranks to simulate one by one: peak above one partition (hottest first) and the top by CTU."""
    over = np.flatnonzero(peak_u > 1.0)
    if over.size > budget:
        over = over[np.argsort(-peak_u[over], kind="stable")[: max(budget, 0)]]
    return np.unique(np.concatenate([over, top_ranks(ctu, top)]))


# ---------------------------------------------------------------------------------------------
# The simulation over several targets (GSIs before their tables: back-pressure)


@dataclass(kw_only=True)
class SimulationOutput:
    """Raw per-target simulators after the horizon (internal to heat; used by tests and benchmarks)."""

    sims: dict[str, _TargetSim]
    gsi_throttle: dict[str, dict[str, np.ndarray]]
    """pattern -> {reason: throttled share (T,)} from GSI back-pressure."""


class HeatLimitError(WorkbenchError):
    """A design too large to simulate partition by partition."""


def _check_partition_counts(targets: list[TargetSpec]) -> None:
    for spec in targets:
        _check_simulable(spec.name, spec.partitions)


def _check_simulable(name: str, partitions: int, driver: str = "") -> None:
    """Refuse a target of more partitions than the simulator steps through (before its keys are placed)."""
    if partitions > MAX_SIMULATED_PARTITIONS:
        raise HeatLimitError(
            f"{name}: {partitions:,} partitions is more than the simulator handles "
            f"({MAX_SIMULATED_PARTITIONS:,}); lower its item count, item size or request rates, or simulate "
            "a scaled-down copy of the design")


def simulate_targets(targets: list[TargetSpec], multipliers: Mapping[str, np.ndarray],
                     options: HeatOptions) -> SimulationOutput:
    """Run every target over the horizon; a pattern's GSI admissions gate its table writes."""
    T = options.horizon_seconds
    _check_partition_counts(targets)
    ordered = sorted(targets, key=lambda s: not s.is_index)
    sims = {}
    for spec in ordered:
        mult = np.stack([multipliers[a.pattern] for a in spec.arms]) if spec.arms else np.zeros((0, T))
        sims[spec.name] = _TargetSim(spec, mult, options)
    gsi_share: dict[str, np.ndarray] = {}
    step = max(1, int(options.control_interval_seconds))
    for t0 in range(0, T, step):
        t1 = min(T, t0 + step)
        for spec in ordered:
            _run_step(sims[spec.name], spec, multipliers, gsi_share, t0, t1)
    return SimulationOutput(sims=sims, gsi_throttle=_gsi_reasons(sims, ordered))


def _run_step(sim: _TargetSim, spec: TargetSpec, multipliers: Mapping[str, np.ndarray],
              gsi_share: dict[str, np.ndarray], t0: int, t1: int) -> None:
    if not spec.arms:
        return
    mult = np.stack([multipliers[a.pattern][t0:t1] for a in spec.arms])
    if not spec.is_index:
        for a, arm in enumerate(spec.arms):
            if arm.channel == "write" and arm.pattern in gsi_share:
                mult[a] = mult[a] * gsi_share[arm.pattern][t0:t1]
    admitted = sim.step(t0, mult)
    if spec.is_index:
        T = sim.T
        for a, arm in enumerate(spec.arms):
            if arm.channel == "write":
                share = gsi_share.setdefault(arm.pattern, np.ones(T))
                share[t0:t1] *= admitted[a]


def _gsi_reasons(sims: Mapping[str, _TargetSim], ordered: Sequence[TargetSpec]) -> dict[str, dict[str, np.ndarray]]:
    """Per write pattern: the share of its requests each GSI reason throttled, per second."""
    out: dict[str, dict[str, np.ndarray]] = {}
    for spec in ordered:
        if not spec.is_index:
            continue
        sim = sims[spec.name]
        for a, arm in enumerate(spec.arms):
            if arm.channel != "write":
                continue
            reasons = out.setdefault(arm.pattern, {})
            for limit, units in sim.reason_units(a):
                name = throttle_reason(True, WRITE, limit)
                share = _safe_div(units, sim.demand[a])
                reasons[name] = reasons.get(name, 0.0) + share
    return out


def _safe_div(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), 0.0)


# ---------------------------------------------------------------------------------------------
# From a simulation to results


def downsample(series: np.ndarray, buckets: int) -> np.ndarray:
    """Mean over equal time buckets along the last axis (the last bucket may be shorter)."""
    T = series.shape[-1]
    size = max(1, math.ceil(T / max(buckets, 1)))
    pad = (-T) % size
    if pad:
        widths = [(0, 0)] * (series.ndim - 1) + [(0, pad)]
        padded = np.pad(series.astype(float), widths)
        counts = np.pad(np.ones(T), (0, pad)).reshape(-1, size).sum(axis=1)
        return padded.reshape(*series.shape[:-1], -1, size).sum(axis=-1) / counts
    return series.reshape(*series.shape[:-1], -1, size).mean(axis=-1)


def pattern_results(targets: list[TargetSpec], out: SimulationOutput, rps: Mapping[str, float],
                    multipliers: Mapping[str, np.ndarray], options: HeatOptions) -> tuple[PatternHeat, ...]:
    """Throttled requests per pattern and reason (GSI back-pressure first, then the target itself)."""
    shares: dict[str, dict[str, np.ndarray]] = {p: dict(r) for p, r in out.gsi_throttle.items()}
    for spec in targets:
        if spec.is_index and spec.table is not None:
            _own_shares(spec, out.sims[spec.name], shares, only_reads=True)
        else:
            _own_shares(spec, out.sims[spec.name], shares, only_reads=False)
    results = []
    for name in sorted(rps):
        requests = rps[name] * multipliers[name]
        reasons = shares.get(name, {})
        total_share = np.clip(sum(reasons.values(), np.zeros_like(requests)), 0.0, 1.0)
        throttled = requests * total_share
        total = float(requests.sum())
        noise_floor = RELATIVE_NOISE_FLOOR * max(total, 1.0)  # float round-off, not throttling
        by_reason = {k: float((requests * v).sum()) for k, v in sorted(reasons.items())
                     if (requests * v).sum() > noise_floor}
        first = np.flatnonzero(throttled > RELATIVE_NOISE_FLOOR * np.maximum(requests, 1.0))
        results.append(PatternHeat(
            name=name, requests=total,
            throttled_requests=float(throttled.sum()) if _fraction(float(throttled.sum()), total) > 0 else 0.0,
            throttled_fraction=_fraction(float(throttled.sum()), total), throttle_reasons=by_reason,
            first_throttled_second=int(first[0]) if first.size else None,
            throttled_fraction_series=downsample(total_share, options.heatmap_max_buckets)))
    return tuple(results)


def _fraction(throttled: float, total: float) -> float:
    if total <= 0 or throttled <= RELATIVE_NOISE_FLOOR * total:
        return 0.0
    return min(1.0, throttled / total)


def _own_shares(spec: TargetSpec, sim: _TargetSim, shares: dict, only_reads: bool) -> None:
    """Add a target's own throttling to its patterns (the largest arm per pattern, e.g. LSI + table)."""
    best: dict[str, tuple[float, int]] = {}
    for a, arm in enumerate(spec.arms):
        if only_reads and arm.channel == "write":
            continue  # GSI writes act through back-pressure on the table's write
        total = float(sim.kr[a].sum() + sim.cap_th[a].sum()) / max(float(sim.demand[a].sum()), 1e-300)
        if arm.pattern not in best or total > best[arm.pattern][0]:
            best[arm.pattern] = (total, a)
    for pattern, (_, a) in best.items():
        ch = sim.channel[a]
        gsi = shares.get(pattern, {})
        passed = 1.0 - np.clip(sum(gsi.values(), np.zeros(sim.T)), 0.0, 1.0) if not spec.is_index else np.ones(sim.T)
        target_shares = shares.setdefault(pattern, {})
        for limit, units in sim.reason_units(a):
            name = throttle_reason(spec.is_index, ch, limit)
            target_shares[name] = target_shares.get(name, 0.0) + _safe_div(units, sim.demand[a]) * passed


def target_results(targets: list[TargetSpec], out: SimulationOutput, options: HeatOptions):
    """Per-target series and heatmaps, downsampled."""
    series, maps = [], []
    b = options.heatmap_max_buckets
    for spec in targets:
        sim = out.sims[spec.name]
        series.append(TargetHeat(
            target=spec.name, billing=spec.billing, partitions_start=spec.partitions,
            partitions_end=int(sim.count_series[-1]) if sim.T and spec.arms else spec.partitions,
            partition_count_series=downsample(sim.count_series, b),
            read_capacity_series=downsample(sim.cap_series[READ], b),
            write_capacity_series=downsample(sim.cap_series[WRITE], b),
            consumed_read_series=downsample(sim.consumed_series[READ], b),
            consumed_write_series=downsample(sim.consumed_series[WRITE], b),
            throttled_read_series=downsample(sim.throttled_series[READ], b),
            throttled_write_series=downsample(sim.throttled_series[WRITE], b)))
        maps.append(Heatmap(
            target=spec.name, partitions=sim.display.copy(), bucket_seconds=sim.bucket_seconds,
            consumed_read=sim.heatmap_means(sim.grid_consumed[READ]),
            consumed_write=sim.heatmap_means(sim.grid_consumed[WRITE]),
            throttled_read=sim.heatmap_means(sim.grid_throttled[READ]),
            throttled_write=sim.heatmap_means(sim.grid_throttled[WRITE])))
    return tuple(series), tuple(maps)


def _significant(value: float, digits: int = 6) -> float:
    """A rate rounded to significant digits: one of two million uniform keys takes ~0.0005 units/s, which three
    decimals printed as 0.0."""
    return float(f"{value:.{digits}g}")


def key_results(targets: list[TargetSpec], out: SimulationOutput, options: HeatOptions) -> tuple[KeyHeat, ...]:
    """Hottest simulated keys by consumed ConsumedThroughputUnits per second."""
    keys = []
    for spec in targets:
        sim = out.sims[spec.name]
        if not sim.T:
            continue
        for k, (group, rank) in enumerate(sim.key_labels):
            demanded = sim.key_demanded[k] / sim.T
            consumed = sim.key_consumed[k] / sim.T
            label = group.label(rank) if group.label is not None else f"rank-{rank}"
            keys.append(KeyHeat(target=spec.name, key=label, consumed_units_per_second=float(consumed),
                                demanded_units_per_second=float(demanded),
                                throttled_fraction=float(1 - consumed / demanded) if demanded > 0 else 0.0))
    keys.sort(key=lambda k: -k.demanded_units_per_second)
    return tuple(keys[: options.top_keys])


# ---------------------------------------------------------------------------------------------
# From a design


def target_spec(load: TargetLoad) -> TargetSpec:
    """The simulator's view of a table or GSI from the static layout."""
    groups: dict[int, KeyGroup] = {}
    arms = []
    for arm in load.arms:
        group = None
        if arm.space is not None:
            space = arm.space
            hot = arm.hot_labels
            group = groups.setdefault(id(space), KeyGroup(
                key_partition=load.key_partitions[id(space)], splittable_units=space.splittable_units,
                label=lambda rank, s=space, h=hot: s.label(rank, h)))
        arms.append(ArmSpec(pattern=arm.pattern, channel=arm.channel, units_per_request=arm.units_per_request,
                            requests_per_second=arm.requests_per_second, group=group, shares=arm.shares))
    scaling = load.auto_scaling
    floor = (ON_DEMAND_WARM_READ_UNITS_PER_SECOND, ON_DEMAND_WARM_WRITE_UNITS_PER_SECOND)
    return TargetSpec(
        name=load.target, partitions=load.partitions, billing=load.billing,
        read_capacity_units=load.read_capacity_units, write_capacity_units=load.write_capacity_units,
        max_read_units=load.max_read_units, max_write_units=load.max_write_units,
        auto_scaling_target=scaling.target_utilization if scaling is not None else None,
        on_demand_floor=floor if load.billing == "on_demand" else (0.0, 0.0),
        arms=tuple(arms), is_index=load.index is not None, table=load.table if load.index else None)


def _on_demand_floor(model: DataModel, load: TargetLoad) -> tuple[float, float]:
    billing = model.table(load.table).billing
    if load.billing != "on_demand":
        return (0.0, 0.0)
    return (billing.warm_read_units_per_second or ON_DEMAND_WARM_READ_UNITS_PER_SECOND,
            billing.warm_write_units_per_second or ON_DEMAND_WARM_WRITE_UNITS_PER_SECOND)


ASSUMPTIONS = (
    "Timing rules AWS does not publish (split-for-heat delay, on-demand peak adoption, auto scaling lag) "
    "are workbench defaults you can change; burst is best effort in DynamoDB and modelled as a full bank.",
    "A write throttled by a GSI is throttled on the base table (back-pressure); a GSI's per-pattern "
    "throttling is assumed independent of which table keys were written.",
    "Auto scaling only scales out within the horizon (scale-in needs long low utilization).",
    "Capacity throttling of an on-demand table below its quota is reported as KeyRangeThroughputExceeded: "
    "its partitions have not grown yet.",
)


def simulate_heat(model: DataModel, options: HeatOptions | None = None, rng: np.random.Generator | None = None,
                  evaluation: Evaluation | None = None) -> HeatResult:
    """Simulate the design's traffic over the horizon and report throttling, heatmaps and hot keys."""
    from engine.partitions import build_targets, report_of

    options = options or HeatOptions()
    rng = rng if rng is not None else np.random.default_rng(0)
    if evaluation is None:
        from engine.evaluate import evaluate

        evaluation = evaluate(model)
    loads, notes = build_targets(model, evaluation, check=_check_simulable)
    specs = [replace(target_spec(load), on_demand_floor=_on_demand_floor(model, load)) for load in loads]
    rates = {}
    for p in model.access_patterns:
        pe = evaluation.pattern(p.name)
        avg, peak = float(pe.requests_per_second), float(max(pe.peak_requests_per_second, pe.requests_per_second))
        rates[p.name] = (avg, peak)
    multipliers = pattern_multipliers(rates, options, rng)
    out = simulate_targets(specs, multipliers, options)
    patterns = pattern_results(specs, out, {k: v[0] for k, v in rates.items()}, multipliers, options)
    series, maps = target_results(specs, out, options)
    layout = report_of(loads, notes, options.top_keys)
    return HeatResult(horizon_seconds=options.horizon_seconds,
                      bucket_seconds=max(1, math.ceil(options.horizon_seconds / options.heatmap_max_buckets)),
                      patterns=patterns, targets=series, heatmaps=maps, hot_keys=key_results(specs, out, options),
                      layout=layout, assumptions=ASSUMPTIONS + layout.assumptions)


def simulate_specs(specs: list[TargetSpec], options: HeatOptions | None = None,
                   rng: np.random.Generator | None = None,
                   peak_ratios: Mapping[str, float] | None = None) -> HeatResult:
    """Simulate array-level targets (synthetic scenarios, benchmarks): same engine, no design."""
    options = options or HeatOptions()
    rps = {}
    for spec in specs:
        for arm in spec.arms:
            rps[arm.pattern] = arm.requests_per_second
    ratios = peak_ratios or {}
    multipliers = pattern_multipliers({p: (r, r * ratios.get(p, 1.0)) for p, r in rps.items()}, options, rng)
    out = simulate_targets(specs, multipliers, options)
    patterns = pattern_results(specs, out, rps, multipliers, options)
    series, maps = target_results(specs, out, options)
    return HeatResult(horizon_seconds=options.horizon_seconds,
                      bucket_seconds=max(1, math.ceil(options.horizon_seconds / options.heatmap_max_buckets)),
                      patterns=patterns, targets=series, heatmaps=maps, hot_keys=key_results(specs, out, options),
                      assumptions=ASSUMPTIONS)


__all__ = [
    "ArmSpec", "HeatLimitError", "HeatOptions", "HeatResult", "Heatmap", "KeyGroup", "KeyHeat", "PatternHeat", "TargetHeat",
    "TargetSpec", "TrafficProfile", "bank_levels", "profile_multipliers", "simulate_heat", "simulate_specs",
    "simulate_targets", "throttle_reason",
]
