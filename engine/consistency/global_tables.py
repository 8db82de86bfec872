"""Global tables: a table's replication across regions, its write conflicts and the MRSC rules.

Per global table: mean replication delays, the editable round-trip matrix (engine.regions), writes lost
to last writer wins (MREC) or rejected with ReplicatedWriteConflictException (MRSC) per day
(engine.consistency.conflicts), write and strong-read latency, and for MRSC the rules of DOMAIN.md §5
(DG/multi-region-strong-consistency-gt.html): exactly 3 regions of one set (engine.model.limits), no TTL,
no LSIs, no transactions. Which region set an invalid MRSC table should move to is
engine.regions.mrsc_region_advice (region geography, used by the Consistency page through ui.cache).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from engine import regions
from engine.consistency.assumptions import ConsistencyAssumptions
from engine.consistency.conflicts import (
    SECONDS_PER_DAY,
    WriteStream,
    arrival_function,
    conflicts_per_second,
    lost_writes_per_second,
    write_streams,
)
from engine.consistency.lag import replication_delay
from engine.consistency.read_paths import is_mrsc, mrsc_members, mrsc_round_trip_ms
from engine.consistency.results import ConstraintCheck, GlobalTableConsistency
from engine.model import AccessPattern, DataModel, Table
from engine.model.limits import MRSC_REGION_COUNT, MRSC_REGION_SETS

OVERLAP_NOTE_RATIO = 0.9  # note the pair/distinct gap once distinct writes fall below 90 % of the pairs


def members(table: Table) -> tuple[str, ...]:
    """The regions taking part in a global table's replication (MRSC: with the witness)."""
    return mrsc_members(table) if is_mrsc(table) else tuple(table.global_table.regions)


def _windows(table: Table, regions_: Sequence[str], a: ConsistencyAssumptions) -> dict[tuple[str, str], float]:
    """Mean unseen windows per ordered region pair (see conflicts_per_second)."""
    mrsc = is_mrsc(table)
    out = {}
    for r in regions_:
        for s in regions_:
            if r != s:
                out[(r, s)] = mrsc_round_trip_ms(table, r, a) if mrsc else replication_delay(r, s, a).mean_ms
    return out


def mrsc_constraints(model: DataModel, table: Table) -> tuple[ConstraintCheck, ...]:
    """The MRSC rules on one table, each as a check with a clear message (DOMAIN.md §5)."""
    gt = table.global_table
    set_members = mrsc_members(table)
    region_set = next((n for n, s in MRSC_REGION_SETS.items() if set(set_members) <= s), None)
    three = len(set(set_members)) == MRSC_REGION_COUNT and region_set is not None
    sets = "; ".join(f"{n}: {', '.join(sorted(s))}" for n, s in MRSC_REGION_SETS.items())
    transactions = [p.name for p in model.access_patterns
                    if p.operation in ("TransactWriteItems", "TransactGetItems") and table.name in _tables_touched(model, p)]
    witness = f" ({len(gt.regions)} replicas + witness {gt.witness_region})" if gt.witness_region else ""
    three_message = (f"MRSC uses {list(set_members)}{witness}: 3 regions of the {region_set} set" if three else
                     f"MRSC needs exactly 3 regions (3 replicas, or 2 replicas + a witness) from one set; table "
                     f"'{table.name}' has {list(set_members)}; pick 3 from one set ({sets})")
    ttl_message = ("no TTL (MRSC does not support TTL)" if table.ttl_attribute is None else
                   f"table '{table.name}' sets ttl_attribute '{table.ttl_attribute}': MRSC does not support "
                   "TTL; remove it or use MREC")
    lsi_message = ("no LSIs (MRSC does not support LSIs)" if not table.lsis else
                   f"table '{table.name}' has LSIs {[i.name for i in table.lsis]}: MRSC does not support LSIs; "
                   "use GSIs or MREC")
    transaction_message = ("no transactions (MRSC does not support them)" if not transactions else
                           f"patterns {transactions} use transactions on MRSC table '{table.name}': MRSC does not "
                           "support transactions; use single-item conditional writes or MREC")
    return (
        ConstraintCheck(rule="three_regions_one_set", ok=three, message=three_message),
        ConstraintCheck(rule="no_ttl", ok=table.ttl_attribute is None, message=ttl_message),
        ConstraintCheck(rule="no_lsi", ok=not table.lsis, message=lsi_message),
        ConstraintCheck(rule="no_transactions", ok=not transactions, message=transaction_message),
    )


def _tables_touched(model: DataModel, pattern: AccessPattern) -> set[str]:
    """The pattern's table and, for a write transaction, the table of every action's entity."""
    tables = {pattern.table}
    tables.update(model.entity(action.entity).table for action in getattr(pattern, "actions", ()))
    return tables


def analyze_global_table(model: DataModel, table: Table, a: ConsistencyAssumptions) -> GlobalTableConsistency:
    """Replication, conflicts, latencies and (MRSC) rules of one global table."""
    gt = table.global_table
    mrsc = is_mrsc(table)
    replicating = members(table)
    streams = write_streams(model, table)
    by_region: dict[str, float] = {r: 0.0 for r in gt.regions}
    for s in streams:
        by_region[s.region] = by_region.get(s.region, 0.0) + s.items_per_second
    windows = _windows(table, replicating, a)
    pairs_per_day = conflicts_per_second(streams, windows) * SECONDS_PER_DAY
    lost = lost_writes_per_second(streams, arrival_function(table, a))
    per_day = lost.per_second * SECONDS_PER_DAY
    base = a.in_region_request_latency_ms
    write_ms = {r: base + (mrsc_round_trip_ms(table, r, a) if mrsc else 0.0) for r in gt.regions}
    strong_ms = {r: w + a.strong_read_added_latency_ms for r, w in write_ms.items()}
    delays = {f"{r}->{s}": replication_delay(r, s, a).mean_ms for r in gt.regions for s in gt.regions if r != s}
    trips = regions.round_trip_matrix(replicating, a.round_trip_ms_overrides, a.unknown_round_trip_ms)
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
