"""Remedies of a read pattern's stale risk, each with its modelled effect, cost and latency, and the verdict.

A remedy is judged by re-running the read-path model on the changed pattern (engine.consistency.read_paths):
ConsistentRead=true (DOMAIN.md §5: SC reads go to the leader; §2: at twice the EC read units, priced by
engine.evaluate), reading the table instead of a GSI (GSIs are eventually consistent only, DG/GSI.html),
routing the read to where its writes are made or pinning items to a home region (round trips of
engine.regions), MRSC (DOMAIN.md §5, when its rules allow it), or tolerating staleness with conditional
writes (MREC evaluates conditions in the writing region only). REMEDY_MIN_RISK_CUT and REMEDY_ORDER are
workbench choices.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from engine import regions
from engine.consistency.context import AnalysisContext
from engine.consistency.global_tables import mrsc_constraints
from engine.consistency.read_paths import (
    ReadPathModel,
    build_read_path,
    index_kind,
    is_mrsc,
    is_strong,
    mrsc_round_trip_ms,
    stale_from_other_regions,
)
from engine.consistency.results import RemedyKind, StaleRemedy, risk_text
from engine.model import DataModel, ReadPattern, Table

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

REMEDY_ORDER: tuple[RemedyKind, ...] = ("strong_read", "table_strong_read", "route_read", "home_region", "mrsc")
"""Preference when several remedies help: least disruptive first (a flag, a read path, routing, data
ownership, then a new table mode). version_check tolerates staleness instead of reducing it."""


def _helps(stale_now: float, stale_after: float) -> bool:
    return stale_now > 0 and stale_now - stale_after >= REMEDY_MIN_RISK_CUT * stale_now


@dataclass(frozen=True, kw_only=True)
class RiskInputs:
    """What the remedies of one pattern are judged against."""

    pattern: ReadPattern
    kind: str
    path: ReadPathModel
    stale_now: float
    throttled_share: float
    """GSI only: share of time throttled (variants are mixed the same way as the pattern's risk)."""


def _variant_risk(model: DataModel, variant: ReadPattern, r: RiskInputs, ctx: AnalysisContext) -> float:
    """Stale risk at the pattern's delay of a changed pattern (other region, consistency or index)."""
    t = np.array([r.pattern.read_after_write_ms])
    a = ctx.assumptions
    _, path = build_read_path(model, variant, a, ctx.table_lag, ctx.gsi_lag)
    risk = float(path.stale(t, a.quadrature_nodes)[0])
    if r.throttled_share and index_kind(model.table(variant.table), variant.index) == "gsi":
        _, slow = build_read_path(model, variant, a, ctx.table_lag, ctx.gsi_lag, throttled=True)
        risk = (1 - r.throttled_share) * risk + r.throttled_share * float(slow.stale(t, a.quadrature_nodes)[0])
    return risk


def _remote_regions(path: ReadPathModel) -> list[tuple[str, float]]:
    return [(src.region, src.share) for src in path.sources if src.delay is not None]


def _strong_remedy(r: RiskInputs, if_strong: float, extra_usd: float | None, added_ms: float | None,
                   remote_share: float, region: str) -> StaleRemedy:
    helps = _helps(r.stale_now, if_strong)
    detail = ("the read goes to the partition leader, which has every write acknowledged in this region" if helps else
              f"{remote_share:.0%} of the risk comes from writes made in other regions; a strong read in {region} "
              "does not wait for their replication")
    return StaleRemedy(kind="strong_read", action="Use ConsistentRead=true", stale_after=if_strong, helps=helps,
                       possible=True, extra_monthly_usd=extra_usd, added_latency_ms=added_ms, detail=detail)


def _table_read_remedy(model: DataModel, r: RiskInputs, ctx: AnalysisContext) -> StaleRemedy:
    variant = r.pattern.model_copy(update={"index": None, "consistency": "strong"})
    after = _variant_risk(model, variant, r, ctx)
    return StaleRemedy(kind="table_strong_read",
                       action="Read the items from the table by primary key with ConsistentRead=true",
                       stale_after=after, helps=_helps(r.stale_now, after), possible=True, extra_monthly_usd=None,
                       added_latency_ms=ctx.assumptions.strong_read_added_latency_ms,
                       detail="GSIs are eventually consistent only (DG/GSI.html); the table's leader is not, for "
                       "writes made in this region (each item is one more strong GetItem)")


def _route_remedy(model: DataModel, r: RiskInputs, ctx: AnalysisContext, region: str) -> StaleRemedy | None:
    options = []
    for target, _ in _remote_regions(r.path):
        risk = _variant_risk(model, r.pattern.model_copy(update={"region": target}), r, ctx)
        options.append((risk, target))
    if not options:
        return None
    risk, target = min(options)
    a = ctx.assumptions
    rtt = regions.round_trip(region, target, a.round_trip_ms_overrides, a.unknown_round_trip_ms).round_trip_ms
    return StaleRemedy(kind="route_read", action=f"Route this read to {target}, where its writes are made",
                       stale_after=risk, helps=_helps(r.stale_now, risk), possible=True, extra_monthly_usd=None,
                       added_latency_ms=rtt,
                       detail=f"a read in {target} sees {target}'s writes without replication delay; writes from "
                       "other regions still replicate to it")


def _home_region_remedy(r: RiskInputs, ctx: AnalysisContext, region: str) -> StaleRemedy | None:
    remote = _remote_regions(r.path)
    writers = {src.region for src in r.path.sources}
    if not remote or len(writers) < 2:
        return None  # a single writing region: routing the read there is the same remedy
    a = ctx.assumptions
    after = float(r.path.local.stale(np.array([r.pattern.read_after_write_ms]))[0])
    rtt = max(regions.round_trip(region, w, a.round_trip_ms_overrides, a.unknown_round_trip_ms).round_trip_ms
              for w in writers)
    return StaleRemedy(kind="home_region", action="Pin each item's writes to one home region and serve its reads there",
                       stale_after=after, helps=_helps(r.stale_now, after), possible=True, extra_monthly_usd=None,
                       added_latency_ms=rtt,
                       detail="every write and read of an item meets in one region, so reads only face the local "
                       "replica lag; it also ends last-writer-wins losses on those items (requests from other regions "
                       "pay the round trip to the home region, up to the figure shown)")


def _mrsc_remedy(model: DataModel, table: Table, r: RiskInputs, ctx: AnalysisContext, extra_usd: float | None,
                 region: str) -> StaleRemedy | None:
    if table.global_table is None or is_mrsc(table) or not _remote_regions(r.path):
        return None
    problems = [c.message for c in mrsc_constraints(model, table) if not c.ok]
    return StaleRemedy(kind="mrsc", action="Make the table MRSC and read with ConsistentRead=true", stale_after=0.0,
                       helps=_helps(r.stale_now, 0.0), possible=not problems,
                       extra_monthly_usd=None if is_strong(r.pattern) else extra_usd,
                       added_latency_ms=mrsc_round_trip_ms(table, region, ctx.assumptions),
                       detail="MRSC strong reads return the latest write from any region; every write waits for a "
                       "cross-region round trip (DG/multi-region-strong-consistency-gt.html)"
                       + ("; not possible as designed: " + " ".join(problems) if problems else ""))


def _version_remedy(table: Table) -> StaleRemedy:
    local_only = table.global_table is not None and table.global_table.mode == "MREC"
    return StaleRemedy(kind="version_check", action="Make writes conditional on a version attribute",
                       stale_after=None, helps=False, possible=True, extra_monthly_usd=None, added_latency_ms=None,
                       detail="a decision taken from a stale read fails its ConditionExpression instead of "
                       "overwriting newer data" + ("; MREC evaluates conditions in the writing region only, so "
                                                   "across regions it needs home-region writes" if local_only else ""))


def stale_remedies(r: RiskInputs, ctx: AnalysisContext, if_strong: float | None, extra_usd: float | None,
                   added_ms: float | None, region: str) -> tuple[StaleRemedy, ...]:
    """Every remedy that applies to a read pattern with a stale risk, each with its modelled effect."""
    if r.stale_now <= 0:
        return ()
    model = ctx.model
    table = model.table(r.pattern.table)
    remote_share = stale_from_other_regions(r.path, r.pattern.read_after_write_ms, ctx.assumptions.quadrature_nodes)
    options: list[StaleRemedy | None] = []
    if r.kind == "gsi":
        options.append(_table_read_remedy(model, r, ctx))
    elif not is_strong(r.pattern) and if_strong is not None:
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


def remedy_texts(kind: str, pattern: ReadPattern, remedies: Sequence[StaleRemedy], stale_now: float) -> tuple[str, ...]:
    """Readable remedies: the ones that help first, each with its effect; GSI reads add the GSI remedies."""
    ranked = sorted(remedies, key=lambda r: (not (r.helps and r.possible), r.stale_after is None))
    out = [r.sentence(stale_now) + "." for r in ranked]
    if kind == "gsi":
        out += [g for g in GSI_REMEDIES if not g.startswith(("Read the item from the table", "Make the write"))]
    elif not is_strong(pattern) and stale_now > 0:
        out.append("Return the written item to the caller (ReturnValues=ALL_NEW) instead of re-reading it.")
    return tuple(out)
