"""Read paths: where a read can miss a write, as one description giving both the analytic curve and
the simulation, built from a design's read pattern.

- Table / LSI eventually consistent reads face the third replica's lag, GSI reads the GSI's
  propagation lag (engine.consistency.lag; DOMAIN.md §5).
- Read in another region of an MREC global table (DOMAIN.md §5). The write reaches the reader's
  region after its replication delay D; then the reader's local path applies:
  P(stale at t) = P(D > t) + E[1{D <= t} * local(t - D)].
- Strongly consistent reads (table/LSI, in the write's region) and MRSC strong reads are never stale
  (DOMAIN.md §5: SC reads go to the leader; MRSC SC reads see the latest write from any region); an
  MRSC write is acknowledged once the nearest other member of its region set holds it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from engine import regions
from engine.consistency.assumptions import ConsistencyAssumptions
from engine.consistency.lag import LagDistribution, ReplicationDelay, replication_delay
from engine.model import WRITE_OPERATIONS, DataModel, ReadPattern, Table, WritePattern
from engine.model.table import LocalSecondaryIndex

ReadPath = Literal["table", "lsi", "gsi", "replica_region"]


@dataclass(frozen=True, kw_only=True)
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


@dataclass(frozen=True, kw_only=True)
class WriteSource:
    """A share of the matching writes and the replication delay they need (None: same region)."""

    region: str
    share: float
    delay: ReplicationDelay | None


@dataclass(frozen=True, kw_only=True)
class ReadPathModel:
    """Everything that decides a read's stale probability: the local path and the writes' origins."""

    local: LocalPath
    sources: tuple[WriteSource, ...]

    def stale(self, t_ms: np.ndarray, quadrature_nodes: int = 2000) -> np.ndarray:
        """P(read issued t ms after the write misses it), mixing the write sources by share."""
        t = np.asarray(t_ms, dtype=float)
        total = np.zeros_like(t)
        for src in self.sources:
            total = total + src.share * self.source_stale(src, t, quadrature_nodes)
        return np.clip(total, 0.0, 1.0)

    def source_stale(self, src: WriteSource, t: np.ndarray, nodes: int) -> np.ndarray:
        """P(stale at t) of the writes of one source (its replication delay, then the local path)."""
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


def pattern_region(model: DataModel, pattern: ReadPattern | WritePattern) -> str:
    """The region a request is served in (the design's region unless the pattern names one)."""
    return pattern.region or model.region


def written_entities(write: WritePattern) -> tuple[str, ...]:
    """Entities a write pattern writes (a transaction: its actions' entities)."""
    if write.operation == "TransactWriteItems":
        return tuple(a.entity for a in write.actions) or tuple(write.entities)
    return tuple(write.entities)


def _matching_writes(model: DataModel, pattern: ReadPattern) -> list[WritePattern]:
    """Write patterns on the read's table touching one of its entities (all the table's writes if none)."""
    writes = [w for w in model.access_patterns if w.operation in WRITE_OPERATIONS and w.table == pattern.table]
    wanted = set(pattern.entities)
    overlapping = [w for w in writes if wanted & set(written_entities(w))]
    return overlapping or writes


def _write_shares(model: DataModel, pattern: ReadPattern) -> dict[str, float]:
    """Region -> share of the matching writes issued there (by request rate; the read's region if none)."""
    rates: dict[str, float] = {}
    for w in _matching_writes(model, pattern):
        region = pattern_region(model, w)
        rates[region] = rates.get(region, 0.0) + w.requests_per_second
    total = sum(rates.values())
    if total <= 0:
        return {pattern_region(model, pattern): 1.0}
    return {r: v / total for r, v in sorted(rates.items()) if v > 0}  # a region that writes nothing is no source


def is_strong(pattern: ReadPattern) -> bool:
    """A strongly consistent read (ConsistentRead=true, or a transaction)."""
    return pattern.operation == "TransactGetItems" or pattern.consistency == "strong"


def index_kind(table: Table, index_name: str | None) -> Literal["table", "lsi", "gsi"]:
    """What a read goes to: the table itself, an LSI or a GSI."""
    if index_name is None:
        return "table"
    return "lsi" if isinstance(table.index(index_name), LocalSecondaryIndex) else "gsi"


def is_mrsc(table: Table) -> bool:
    """A global table in multi-region strong consistency mode."""
    return table.global_table is not None and table.global_table.mode == "MRSC"


def mrsc_members(table: Table) -> tuple[str, ...]:
    """The regions of an MRSC table's region set: its replicas and its witness, if any."""
    gt = table.global_table
    return tuple(gt.regions) + ((gt.witness_region,) if gt.witness_region else ())


def _nearest_member(region: str, members: Sequence[str], a: ConsistencyAssumptions) -> regions.RoundTrip | None:
    trips = [regions.round_trip(region, m, a.round_trip_ms_overrides, a.unknown_round_trip_ms)
             for m in members if m != region]
    return min(trips, key=lambda rt: rt.round_trip_ms) if trips else None


def mrsc_round_trip_ms(table: Table, region: str, a: ConsistencyAssumptions) -> float:
    """Round trip from `region` to the nearest other member of the MRSC region set (the write quorum's wait)."""
    nearest = _nearest_member(region, mrsc_members(table), a)
    return nearest.round_trip_ms if nearest else 0.0


def _source_delay(table: Table, source: str, target: str, a: ConsistencyAssumptions) -> ReplicationDelay | None:
    """Delay a write from `source` needs to be readable in `target` (None: already there at ack)."""
    if source == target:
        return None
    if is_mrsc(table):
        partner = _nearest_member(source, mrsc_members(table), a)
        if partner is not None and target in (partner.region_a, partner.region_b):
            return None  # the quorum partner holds the write when it is acknowledged
    return replication_delay(source, target, a)


def build_read_path(model: DataModel, pattern: ReadPattern, a: ConsistencyAssumptions, table_lag: LagDistribution,
                    gsi_lag: LagDistribution, throttled: bool = False) -> tuple[ReadPath, ReadPathModel]:
    """The read path of a read pattern and its stale-read model (baseline, or throttled GSI)."""
    table = model.table(pattern.table)
    kind = index_kind(table, pattern.index)
    if kind == "gsi":
        lag = gsi_lag.scaled(a.gsi_throttled_lag_multiplier) if throttled else gsi_lag
        local = LocalPath(replica_share=1.0, lag=lag)
    elif is_strong(pattern):
        local = LocalPath(replica_share=0.0, lag=None)
    else:
        local = LocalPath(replica_share=a.lagging_replica_share, lag=table_lag)
    read_region = pattern_region(model, pattern)
    sources = tuple(WriteSource(region=region, share=share, delay=_source_delay(table, region, read_region, a))
                    for region, share in _write_shares(model, pattern).items())
    if is_strong(pattern) and is_mrsc(table):  # MRSC strong: the latest write
        sources = tuple(WriteSource(region=s.region, share=s.share, delay=None) for s in sources)
    remote = any(s.delay is not None for s in sources)
    return ("replica_region" if remote else kind), ReadPathModel(local=local, sources=sources)


def stale_from_other_regions(path: ReadPathModel, t_ms: float, quadrature_nodes: int = 2000) -> float:
    """Share of the stale risk at `t_ms` caused by writes from other regions (0 when nothing is stale)."""
    t = np.array([float(t_ms)])
    parts = [(src.delay is not None, src.share * float(path.source_stale(src, t, quadrature_nodes)[0]))
             for src in path.sources]
    total = sum(v for _, v in parts)
    return sum(v for remote, v in parts if remote) / total if total > 0 else 0.0
