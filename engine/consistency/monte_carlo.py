"""Monte Carlo checks: real simulations, with an explicit numpy Generator, of the analytic figures.

`monte_carlo_stale` simulates writes and the reads `t` ms after them through a read path
(engine.consistency.read_paths), `monte_carlo_conflicts` simulates Poisson writes per region and
applies the lost/rejected rule of engine.consistency.conflicts write by write (DOMAIN.md §5: last
writer wins for MREC, ReplicatedWriteConflictException for MRSC). Same seed, same figures (issue #5:
agreement at n >= 200,000 writes).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from engine.consistency.assumptions import ConsistencyAssumptions, ConsistencyError
from engine.consistency.conflicts import (
    SECONDS_PER_DAY,
    KeyShares,
    WriteStream,
    arrival_function,
    lost_writes_per_second,
    write_streams,
)
from engine.consistency.lag import fit_gsi_lag, fit_table_lag, replication_delay
from engine.consistency.read_paths import build_read_path, is_mrsc, mrsc_round_trip_ms
from engine.consistency.results import (
    STALE_REPORT_MS,
    ConflictMonteCarlo,
    GlobalTableConsistency,
    MonteCarloChecks,
    PatternConsistency,
    StaleMonteCarlo,
)
from engine.model import DataModel, Table

MONTE_CARLO_PAD_S = 60.0  # s simulated before and after the judged span; far beyond any window (p99 ~1 s)


def monte_carlo_stale(model: DataModel, pattern_name: str, rng: np.random.Generator, n_writes: int = 200_000,
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
    return StaleMonteCarlo(pattern=pattern_name, n_writes=n_writes, t_ms=times, simulated=simulated,
                           analytic=tuple(float(p) for p in analytic), standard_error=se)


def run_monte_carlo(model: DataModel, patterns: Sequence[PatternConsistency],
                    global_tables: Sequence[GlobalTableConsistency], assumptions: ConsistencyAssumptions, rng: np.random.Generator, n_writes: int) -> MonteCarloChecks:
    """Monte Carlo checks of the analytic figures, in a fixed order so a seed reproduces them."""
    stale = tuple(monte_carlo_stale(model, p.name, rng, n_writes, assumptions=assumptions) for p in patterns)
    conflicts = tuple(monte_carlo_conflicts(model, g.table, rng, n_writes, assumptions=assumptions)
                      for g in global_tables if sum(g.writes_per_second_by_region.values()) > 0)
    return MonteCarloChecks(writes_per_check=n_writes, stale=stale, conflicts=conflicts)


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


def _lost_flags(table: Table, a: ConsistencyAssumptions, writes: Mapping[str, tuple[np.ndarray, np.ndarray]],
                rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Region -> per write (in key order): lost (MREC) or rejected (MRSC), per lost_writes_per_second's rule.

    MREC: one replication delay per write and target region is sampled; the write is lost when the
    target region issued a write to the same item inside (t, t + delay). MRSC: the write is rejected
    when another region issued a write to the same item inside (t - W_j, t).
    """
    mrsc = is_mrsc(table)
    flags = {}
    for ri, (_, keys_i) in writes.items():
        lost = np.zeros(len(keys_i), dtype=bool)
        for rj, (_, keys_j) in writes.items():
            if rj == ri:
                continue
            if mrsc:
                window_s = mrsc_round_trip_ms(table, rj, a) / 1000.0
                lost |= _any_between(keys_j, keys_i - window_s, keys_i)
            else:
                delay_s = replication_delay(ri, rj, a).sample(rng, len(keys_i)) / 1000.0
                lost |= _any_between(keys_j, keys_i, keys_i + delay_s)
        flags[ri] = lost
    return flags


def monte_carlo_conflicts(model: DataModel, table_name: str, rng: np.random.Generator, n_writes: int = 200_000,
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
    return ConflictMonteCarlo(table=table_name, mode=table.global_table.mode, n_writes=counted,
                              simulated_seconds=horizon, conflicts=total,
                              conflicts_per_day=total / horizon * SECONDS_PER_DAY, standard_error_per_day=se,
                              analytic_per_day=analytic, batches=batches)


def _entity_offsets(streams: Sequence[WriteStream]) -> dict[str, int]:
    """Disjoint item-id ranges per entity (items of different entities never conflict)."""
    offsets, next_free = {}, 0
    for s in streams:
        if s.entity not in offsets:
            offsets[s.entity] = next_free
            next_free += s.shares.n * s.items_per_partition
    return offsets
