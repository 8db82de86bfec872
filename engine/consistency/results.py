"""Results of the consistency lab: what a page, the report and `ddb-workbench consistency --json` read.

Per read pattern (`PatternConsistency`, its `StaleRemedy`s), per global table (`GlobalTableConsistency`,
its MRSC `ConstraintCheck`s), the Monte Carlo checks, and the whole `ConsistencyReport`. Plain frozen
records built with keywords; their numbers are computed elsewhere in the package (the JSON shape is
issue #5's; the stale-read points are STALE_REPORT_MS). Below every analysis module: it imports only
the assumptions, the lag models and the read-path types it reports.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from engine.consistency.assumptions import ConsistencyAssumptions
from engine.consistency.lag import LagDistribution, calibration_points
from engine.consistency.read_paths import ReadPath, ReadPathModel

STALE_REPORT_MS = (0.0, 10.0, 100.0, 1000.0)  # the CLI/JSON points (issue #5)


def risk_text(share: float) -> str:
    """A stale-read share for people: two decimals, '< 0.01%' for tiny non-zero risks, '0%' for none."""
    if share <= 0:
        return "0%"
    if share < 0.0001:
        return "< 0.01%"
    return f"{share:.2%}"


RemedyKind = Literal["strong_read", "table_strong_read", "route_read", "home_region", "mrsc", "version_check"]


@dataclass(frozen=True, kw_only=True)
class StaleRemedy:
    """One way to deal with a read pattern's stale risk, with its modelled effect."""

    kind: RemedyKind
    action: str
    stale_after: float | None
    """Stale risk at the pattern's delay with the remedy (None: the risk stays; the remedy makes it harmless)."""
    helps: bool
    """Removes at least remedies.REMEDY_MIN_RISK_CUT of the risk."""
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


@dataclass(frozen=True, kw_only=True)
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
    """Would ConsistentRead=true remove most of the risk (remedies.REMEDY_MIN_RISK_CUT)? None: not applicable
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


@dataclass(frozen=True, kw_only=True)
class ConstraintCheck:
    """One MRSC rule checked on a table (DG/multi-region-strong-consistency-gt.html)."""

    rule: str
    ok: bool
    message: str


@dataclass(frozen=True, kw_only=True)
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


@dataclass(frozen=True, kw_only=True)
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


@dataclass(frozen=True, kw_only=True)
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


@dataclass(frozen=True, kw_only=True)
class MonteCarloChecks:
    """Simulation checks of a whole design: every read pattern and every global table with writes."""

    writes_per_check: int
    stale: tuple[StaleMonteCarlo, ...]
    conflicts: tuple[ConflictMonteCarlo, ...]

    def to_json(self) -> dict[str, Any]:
        return {"writes_per_check": self.writes_per_check, "stale": [s.to_json() for s in self.stale],
                "conflicts": [c.to_json() for c in self.conflicts]}


@dataclass(frozen=True, kw_only=True)
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
                "table_third_replica_lag": self.table_lag.to_json(),
                "gsi_lag": self.gsi_lag.to_json(),
                "points": calibration_points(self.assumptions, self.table_lag, self.gsi_lag),
            },
            "assumptions": self.assumptions.model_dump(mode="json"),
            "notes": list(self.notes),
            **({"monte_carlo": self.monte_carlo.to_json()} if self.monte_carlo else {}),
        }
