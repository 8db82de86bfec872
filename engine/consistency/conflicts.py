"""Conflicts of a global table's writes: per-item write rates and the writes lost or rejected.

- Last-writer-wins losses (MREC; DOMAIN.md §5: conflicts resolved per item by last writer wins): a
  write from region i is silently overwritten when another region j writes the same item before i's
  write reached j (within its replication delay D_ij); with Poisson writes the distinct lost writes
  per item are lambda_i * (1 - prod_j E[exp(-lambda_j D_ij)]), summed over items and regions
  (lost_writes_per_second). It never exceeds the write rate and reduces to issue #5's pair rate
  lambda_r * lambda_s * (d_rs + d_sr) for cold items; the pair rate stays as a secondary figure
  (conflicts_per_second).
- MRSC (DOMAIN.md §5: conflicting concurrent writes fail with ReplicatedWriteConflictException): a
  write is rejected when another region's write to the item is still in flight (its quorum round
  trip), the same saturating form.

Per-item rates come from each entity's key popularity (KeyShares: engine.keyspace.popularity for
spaces up to engine.keyspace.MAX_EXACT_KEYS keys, a head and an analytic power-law tail above).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from engine.consistency.assumptions import ConsistencyAssumptions, ConsistencyError
from engine.consistency.lag import ReplicationDelay, replication_delay
from engine.consistency.read_paths import is_mrsc, mrsc_round_trip_ms, pattern_region, written_entities
from engine.keyspace import (
    MAX_EXACT_KEYS,
    hot_key_rest_share,
    key_count,
    key_labels,
    pattern_distribution,
    popularity,
    power_sum,
    zipf_head_shares,
)
from engine.model import (
    DataModel,
    Entity,
    HotKeys,
    KeyDistribution,
    SampleKeys,
    Table,
    Uniform,
    WritePattern,
    Zipf,
)

SECONDS_PER_DAY = 86_400.0
HEAD_RANKS = 1_000
"""Explicit ranks kept for a key space above MAX_EXACT_KEYS (the rest is the analytic tail)."""
TAIL_GRID_POINTS = 2049  # log-spaced ranks integrating the power-law tail of large key spaces (accuracy only)


@dataclass(frozen=True, kw_only=True)
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


def key_shares(distribution: KeyDistribution, n: int, labels: Sequence[str] | None = None) -> KeyShares:
    """Popularity of n partition keys as KeyShares (exact via engine.keyspace.popularity when small)."""
    n = max(int(n), 1)
    if n <= MAX_EXACT_KEYS:
        return KeyShares(n=n, head=popularity(distribution, n, labels))
    if isinstance(distribution, (Uniform, SampleKeys)):
        return KeyShares(n=n, head=np.zeros(0), tail_coef=1.0 / n, tail_exponent=0.0)
    if isinstance(distribution, Zipf):
        s = distribution.exponent
        return KeyShares(n=n, head=zipf_head_shares(n, HEAD_RANKS, s), tail_coef=1.0 / power_sum(1, n, s),
                         tail_exponent=s)
    if isinstance(distribution, HotKeys):
        hot = np.array([k.share for k in distribution.keys], dtype=float)
        return KeyShares(n=n, head=hot, tail_coef=hot_key_rest_share(distribution, n), tail_exponent=0.0)
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


@dataclass(frozen=True, kw_only=True)
class WriteStream:
    """Writes of one pattern to one entity in one region: rate and key popularity."""

    pattern: str
    entity: str
    region: str
    items_per_second: float
    items_per_partition: int
    shares: KeyShares
    """Popularity of the entity's partition keys (each key holds `items_per_partition` items)."""


def _entity_key_space(table: Table, entity: Entity) -> tuple[int, int]:
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


def write_streams(model: DataModel, table: Table) -> tuple[WriteStream, ...]:
    """Per-(pattern, entity) write streams of a table with their regions and key popularity."""
    streams: list[WriteStream] = []
    for w in model.access_patterns:
        if w.table != table.name or w.is_read or w.requests_per_second <= 0:
            continue
        written = written_entities(w)
        items = float(getattr(w, "items_per_request", 1.0) or 1.0)
        for name in dict.fromkeys(e for e in written if model.entity(e).table == table.name):
            entity = model.entity(name)
            n_pk, per_pk = _entity_key_space(table, entity)
            dist = pattern_distribution(w.key_distribution, entity)
            pk = entity.key_template(table.partition_key.name)
            labels = key_labels(entity, pk.template) if isinstance(dist, HotKeys) and pk and n_pk <= MAX_EXACT_KEYS \
                else None
            rate = _entity_write_rate(w, name, items)
            streams.append(WriteStream(pattern=w.name, entity=name, region=pattern_region(model, w),
                                       items_per_second=rate, items_per_partition=per_pk,
                                       shares=key_shares(dist, n_pk, labels)))
    return tuple(streams)


def _entity_write_rate(write: WritePattern, entity: str, items_per_request: float) -> float:
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


ArrivalFn = Callable[[str, str, np.ndarray], np.ndarray]
"""(region i of a write, other region j, per-item write rates of j per second) -> probability that at
least one write from j falls inside the window that decides the fate of a write from i."""


@dataclass(frozen=True, kw_only=True)
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
    return LostWrites(per_second=sum(by_region.values()), by_region_per_second=by_region)


def arrival_function(table: Table, a: ConsistencyAssumptions) -> ArrivalFn:
    """The window a write's fate depends on, per mode (see lost_writes_per_second)."""
    if is_mrsc(table):
        def in_flight(_i: str, j: str, rates: np.ndarray) -> np.ndarray:
            return -np.expm1(-np.asarray(rates, dtype=float) * mrsc_round_trip_ms(table, j, a) / 1000.0)
        return in_flight
    delays: dict[tuple[str, str], ReplicationDelay] = {}

    def replicating(i: str, j: str, rates: np.ndarray) -> np.ndarray:
        if (i, j) not in delays:
            delays[(i, j)] = replication_delay(i, j, a)
        return delays[(i, j)].arrival_probability(rates)
    return replicating
