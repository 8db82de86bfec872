"""The analysis: one read pattern at a time, then every global table, into a ConsistencyReport.

Per read pattern: its read path and stale-read curve (engine.consistency.read_paths; DOMAIN.md §5), the
throttled-GSI curve mixed by the share of time the GSI is throttled, what strong reads would cost
(DOMAIN.md §2, priced by engine.evaluate) and add in latency, its guarantee in words, and its remedies.
Latency figures are assumptions (`in_region_request_latency_ms`, `strong_read_added_latency_ms`, MRSC:
plus the round trip to the nearest other member of the region set). `analyze_consistency` is analytic
and fast (the UI calls it on every change); Monte Carlo checks are added on request. The top of the
package: nothing in it imports this module.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from engine import regions
from engine.consistency.assumptions import ConsistencyAssumptions, ConsistencyError
from engine.consistency.context import COST_SOURCE, AnalysisContext
from engine.consistency.global_tables import analyze_global_table
from engine.consistency.gsi_throttling import gsi_throttling
from engine.consistency.monte_carlo import run_monte_carlo
from engine.consistency.read_paths import (
    ReadPath,
    ReadPathModel,
    build_read_path,
    index_kind,
    is_mrsc,
    is_strong,
    mrsc_round_trip_ms,
    pattern_region,
    stale_from_other_regions,
)
from engine.consistency.remedies import RiskInputs, recommend, remedy_texts, stale_remedies
from engine.consistency.results import STALE_REPORT_MS, ConsistencyReport, PatternConsistency
from engine.model import DataModel, ReadPattern, Table

if TYPE_CHECKING:
    from engine.evaluate import Evaluation


def _at(curve_fn: Callable[[np.ndarray], np.ndarray], points: Sequence[float]) -> dict[str, float]:
    values = curve_fn(np.array(points, dtype=float))
    return {f"{p:g}": float(v) for p, v in zip(points, values, strict=True)}


def _guarantee(read_path: ReadPath, kind: str, pattern: ReadPattern, table: Table) -> str:
    if kind == "gsi":
        return "eventually consistent only: GSIs are updated asynchronously (DG/GSI.html)"
    if is_strong(pattern) and is_mrsc(table):
        return "MRSC strong read: returns the latest write from any region (DG/multi-region-strong-consistency-gt.html)"
    if is_strong(pattern) and read_path == "replica_region":
        return ("strong read of an MREC replica: latest for writes made in this region only; writes from other "
                "regions arrive asynchronously")
    if is_strong(pattern):
        return "strongly consistent: served by the partition leader, never stale for writes in this region"
    return "eventually consistent: a read may land on the replica the write acknowledgement did not wait for"


def _read_latency(table: Table, pattern: ReadPattern, a: ConsistencyAssumptions,
                  region: str) -> tuple[float, float | None]:
    """(latency of the pattern as designed, extra latency of making it strong or None)."""
    base = a.in_region_request_latency_ms
    strong_extra = a.strong_read_added_latency_ms + (mrsc_round_trip_ms(table, region, a) if is_mrsc(table) else 0.0)
    if index_kind(table, pattern.index) == "gsi":
        return base, None
    if is_strong(pattern):
        return base + strong_extra, strong_extra
    return base, strong_extra


def _stale_if_strong(pattern: ReadPattern, ctx: AnalysisContext) -> float:
    """Stale risk at the pattern's delay if it read with ConsistentRead=true (remote writes still lag)."""
    strong = pattern if is_strong(pattern) else pattern.model_copy(update={"consistency": "strong"})
    _, path = build_read_path(ctx.model, strong, ctx.assumptions, ctx.table_lag, ctx.gsi_lag)
    return float(path.stale(np.array([pattern.read_after_write_ms]), ctx.assumptions.quadrature_nodes)[0])


def _analyze_pattern(pattern: ReadPattern, ctx: AnalysisContext) -> tuple[PatternConsistency, ReadPathModel]:
    model, a = ctx.model, ctx.assumptions
    table = model.table(pattern.table)
    kind = index_kind(table, pattern.index)
    read_path, path = build_read_path(model, pattern, a, ctx.table_lag, ctx.gsi_lag)
    region = pattern_region(model, pattern)
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
    if_strong = None if kind == "gsi" else _stale_if_strong(pattern, ctx)
    inputs = RiskInputs(pattern=pattern, kind=kind, path=path, stale_now=expected, throttled_share=share or 0.0)
    remedies = stale_remedies(inputs, ctx, if_strong, extra_usd, added, region)
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
        remedies=remedy_texts(kind, pattern, remedies, expected),
        stale_from_other_regions=stale_from_other_regions(path, pattern.read_after_write_ms, a.quadrature_nodes),
        strong_read_helps=strong_helps, stale_remedies=remedies,
        recommendation=recommend(expected, remedies, strong_helps),
    )
    return result, path


def relevant_assumptions(model: DataModel, report: ConsistencyReport) -> dict[str, str | None]:
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


def analyze_consistency(model: DataModel, assumptions: ConsistencyAssumptions | None = None,
                        rng: np.random.Generator | None = None, evaluation: Evaluation | None = None,
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
    ctx = AnalysisContext.create(model, a, evaluation, gsi_throttled_shares)
    patterns, paths = [], {}
    for p in model.access_patterns:
        if p.is_read:
            result, path = _analyze_pattern(p, ctx)
            patterns.append(result)
            paths[p.name] = path
    globals_ = tuple(analyze_global_table(model, t, a) for t in model.tables if t.global_table is not None)
    notes = ("Curves are calibrated to measured read-your-writes rates (DOMAIN.md §5); they are a model, not a "
             "promise. Strong-read costs come from engine.evaluate (strong vs eventual read units per pattern).",)
    checks = run_monte_carlo(model, patterns, globals_, a, rng, monte_carlo_writes) if monte_carlo_writes > 0 else None
    return ConsistencyReport(assumptions=a, curve_ms=tuple(float(t) for t in ctx.curve_ms), table_lag=ctx.table_lag,
                             gsi_lag=ctx.gsi_lag, patterns=tuple(patterns), global_tables=globals_,
                             cost_source=COST_SOURCE, notes=notes, monte_carlo=checks, read_paths=paths)
