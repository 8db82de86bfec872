"""Consistency lab: stale-read risk, GSI and replication lag, last-writer-wins conflicts, MRSC costs.

Every number is a field of `ConsistencyAssumptions`, with its source (DOMAIN.md §5). One module per
concept, each importing only the ones above it in this list:

- `assumptions`: the assumptions and their sources; `ConsistencyError`.
- `lag`: lag models fitted to the measured read-your-writes rates (table/LSI third replica, GSI) and
  the MREC replication delay; the calibration table.
- `read_paths`: where a read can miss a write (local replica or GSI lag, replication from other
  regions), as a curve and as a simulation; MRSC region-set helpers.
- `results`: the result records (`PatternConsistency`, `GlobalTableConsistency`, `ConsistencyReport`,
  the Monte Carlo checks) and their JSON shape.
- `gsi_throttling`: how much of the time a GSI is throttled (provisioned shortfall or engine.heat).
- `context`: the inputs one analysis shares (fitted lags, evaluation, throttling shares).
- `conflicts`: per-item write rates by key popularity; writes lost (MREC) or rejected (MRSC).
- `global_tables`: a global table's delays, conflicts per day, latencies and MRSC rules (the advice on
  which MRSC region set to use is engine.regions.mrsc_region_advice).
- `remedies`: what each remedy does to a read pattern's stale risk, and the verdict sentence.
- `monte_carlo`: simulations checking the analytic figures (explicit numpy Generator).
- `analyze`: `analyze_consistency` (analytic and fast; the UI calls it on every change) and
  `relevant_assumptions`.

This package re-exports the names callers used from the single `engine/consistency.py` it replaced.
"""

from __future__ import annotations

from engine.consistency.analyze import analyze_consistency, relevant_assumptions
from engine.consistency.assumptions import (
    MAX_ASSUMED_MS,
    MAX_LAG_MULTIPLIER,
    ConsistencyAssumptions,
    ConsistencyError,
    MeasuredPoints,
    assumption_docs,
)
from engine.consistency.conflicts import (
    HEAD_RANKS,
    SECONDS_PER_DAY,
    TAIL_GRID_POINTS,
    ArrivalFn,
    KeyShares,
    LostWrites,
    WriteStream,
    arrival_function,
    conflicts_per_second,
    key_overlap,
    key_shares,
    lost_write_probability,
    lost_writes_per_second,
    pair_overlap_per_second2,
    write_streams,
)
from engine.consistency.context import COST_SOURCE
from engine.consistency.global_tables import OVERLAP_NOTE_RATIO, mrsc_constraints
from engine.consistency.gsi_throttling import (
    gsi_throttled_shares_from_heat,
    gsi_throttling,
    gsi_write_units_per_second,
)
from engine.consistency.lag import (
    LagDistribution,
    ReplicationDelay,
    calibration_points,
    fit_gsi_lag,
    fit_table_lag,
    replication_delay,
)
from engine.consistency.monte_carlo import (
    MONTE_CARLO_PAD_S,
    monte_carlo_conflicts,
    monte_carlo_stale,
    run_monte_carlo,
)
from engine.consistency.read_paths import (
    LocalPath,
    ReadPath,
    ReadPathModel,
    WriteSource,
    build_read_path,
    stale_from_other_regions,
)
from engine.consistency.remedies import GSI_REMEDIES, REMEDY_MIN_RISK_CUT, REMEDY_ORDER, recommend
from engine.consistency.results import (
    STALE_REPORT_MS,
    ConflictMonteCarlo,
    ConsistencyReport,
    ConstraintCheck,
    GlobalTableConsistency,
    MonteCarloChecks,
    PatternConsistency,
    RemedyKind,
    StaleMonteCarlo,
    StaleRemedy,
    risk_text,
)
from engine.keyspace import EXACT_POWER_TERMS, MAX_EXACT_KEYS, power_sum

__all__ = [
    "COST_SOURCE", "EXACT_POWER_TERMS", "GSI_REMEDIES", "HEAD_RANKS", "MAX_ASSUMED_MS", "MAX_EXACT_KEYS",
    "MAX_LAG_MULTIPLIER", "MONTE_CARLO_PAD_S", "OVERLAP_NOTE_RATIO", "REMEDY_MIN_RISK_CUT", "REMEDY_ORDER",
    "SECONDS_PER_DAY", "STALE_REPORT_MS", "TAIL_GRID_POINTS",
    "ArrivalFn", "ConflictMonteCarlo", "ConsistencyAssumptions", "ConsistencyError", "ConsistencyReport",
    "ConstraintCheck", "GlobalTableConsistency", "KeyShares", "LagDistribution", "LocalPath", "LostWrites",
    "MeasuredPoints", "MonteCarloChecks", "PatternConsistency", "ReadPath", "ReadPathModel", "RemedyKind",
    "ReplicationDelay", "StaleMonteCarlo", "StaleRemedy", "WriteSource", "WriteStream",
    "analyze_consistency", "arrival_function", "assumption_docs", "build_read_path", "calibration_points",
    "conflicts_per_second", "fit_gsi_lag", "fit_table_lag", "gsi_throttled_shares_from_heat", "gsi_throttling",
    "gsi_write_units_per_second", "key_overlap", "key_shares", "lost_write_probability", "lost_writes_per_second",
    "monte_carlo_conflicts", "monte_carlo_stale", "mrsc_constraints", "pair_overlap_per_second2", "power_sum",
    "recommend", "relevant_assumptions", "replication_delay", "risk_text", "run_monte_carlo",
    "stale_from_other_regions", "write_streams",
]
