"""Static partition layout: how many partitions each table and GSI has, and where its load lands.

Rules (DOMAIN.md §4, DG/burst-adaptive-capacity.html, DG/warm-throughput*.html):
- a partition holds about 10 GB and serves at most 3,000 RCU and 1,000 WCU per second, in any
  linear combination (read_units/3000 + write_units/1000 <= 1);
- keys are placed by a hash of the partition key value. DynamoDB's hash is not public: the
  workbench uses a stable uniform hash of its own (blake2b of the key's UTF-8 bytes for key
  spaces of up to LABEL_HASH_MAX_KEYS values, a vectorized splitmix64 of the key's rank mixed
  with a per-template seed for larger ones), so *which* keys share a partition is illustrative,
  while how many keys and how much load a partition gets follows the hash's uniformity;
- Contributor Insights ranks keys by ConsumedThroughputUnits = 3 x WCU + RCU.

Per-pattern capacity comes from `engine.evaluate.evaluate(model)` (its arms give read/write
units per request per target "<table>" or "<table>#<index>"); key popularity from
`engine.keyspace`. Large key spaces are handled as arrays of ranks: only the top keys are labelled.
A uniform space's per-partition load comes from its key count per partition (`repeated_sums`),
and its hot keys from the first ranks of its flat tail (`head_ranks`): bit for bit what a pass
over every key gives, without one per key (the Partitions page renders within 300 ms).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from engine.capacity import Arm, Target, split_target, target_name
from engine.errors import WorkbenchError
from engine.findings.base import Finding
from engine.findings.catalog import rule
from engine.keyspace import (
    MAX_RANKS_PER_SPACE,
    hot_key_rest_share,
    key_count,
    key_label,
    key_labels,
    pattern_distribution,
    popularity,
    zipf_head_shares,
)
from engine.model import AccessPattern, DataModel
from engine.model.entity import (
    Entity,
    HotKeys,
    KeyDistribution,
    SampleKeys,
    Uniform,
    Zipf,
    template_variables,
)
from engine.model.table import (
    AutoScaling,
    GlobalSecondaryIndex,
    LocalSecondaryIndex,
    OnDemandBilling,
    ProvisionedBilling,
    Table,
)
from engine.partition_count import (  # noqa: F401  (re-exported: engine.partitions is where callers look)
    DRIVERS,
    ON_DEMAND_PEAK_FACTOR,
    ON_DEMAND_WARM_READ_UNITS_PER_SECOND,
    ON_DEMAND_WARM_WRITE_UNITS_PER_SECOND,
    PARTITION_STORAGE_BYTES,
    READ_UNITS_PER_PARTITION,
    WRITE_UNITS_PER_PARTITION,
    partition_candidates,
    partition_count,
    storage_partitions,
    throughput_partitions,
    warm_partitions,
)

if TYPE_CHECKING:  # types only: the evaluation is computed where it is needed (analyze_partitions)
    from engine.evaluate import Evaluation, TableEvaluation

# DOMAIN.md §4 (DG/burst-adaptive-capacity.html): per-partition throughput and storage.
# DOMAIN.md §4 (Contributor Insights): ConsumedThroughputUnits = 3 x WCU + RCU.
CTU_WRITE_WEIGHT = 3.0

# Workbench choices (not AWS figures), documented where used.
LABEL_HASH_MAX_KEYS = 4096
"""Key spaces up to this size are labelled and hashed by label; larger ones by rank."""
MAX_RANKS_PER_DESIGN = 8_000_000
"""Keys modelled one by one over all spaces of a design (about 16 bytes each: a partition and a share);
see `share_rank_budget`."""
MAX_ANALYZED_PARTITIONS = 5_000_000
"""Partitions of one table or GSI the static analysis lays out one by one (arrays of that length per target: a
design of 1 EB asked for 92 million, 7 GiB); more is refused with a message (heat simulates at most 100,000)."""
HASH_CHUNK_RANKS = 65_536
"""Ranks hashed per block (512 KiB per uint64 array: fits a core's L2 cache; measured 2x faster
than one pass over 2,000,000 ranks on the 2-core dev machine)."""
SAFE_UTILIZATION = 0.8
"""Fixes are sized so the hot key stays at or below this share of a partition's limit."""
DEFAULT_TOP_KEYS = 10
"""Hot keys listed per report."""

_TEMPLATE_VAR_SEED_DOMAIN = b"ddb-workbench-keyspace"


class PartitionLimitError(WorkbenchError):
    """A table or index with more partitions than the analysis lays out one by one."""


# ---------------------------------------------------------------------------------------------
# Data


@dataclass(frozen=True, eq=False, kw_only=True)
class KeySpace:
    """The distinct partition-key values of one template on one target (ranked 0..key_count-1)."""

    target: str
    entity: Entity
    template: str
    key_count: int
    items_per_key: float
    split_blocker: str
    """Why one key cannot be split for heat ("" when its item collection can be split by sort key)."""
    note: str = ""
    """How the space was derived when the design does not say (an assumption shown to users)."""
    rank_cap: int = MAX_RANKS_PER_SPACE
    """Most keys modelled one by one (lowered by `share_rank_budget` when a design has many big spaces)."""

    @property
    def ranks(self) -> int:
        """Keys modelled one by one (the most popular; at most `rank_cap`)."""
        return min(self.key_count, self.rank_cap)

    @property
    def splittable_units(self) -> int:
        """Most pieces split for heat can cut one key's item collection into (1 = never)."""
        return 1 if self.split_blocker else max(1, int(self.items_per_key))

    def label(self, rank: int, hot_labels: tuple[str, ...] = ()) -> str:
        """The key value of a rank (hot-key names take the top ranks of huge spaces)."""
        if rank < len(hot_labels):
            return hot_labels[rank]
        return key_label(self.entity, self.template, rank)


@dataclass(frozen=True, eq=False, kw_only=True)
class ArmLoad:
    """One access pattern's load on one target (table or GSI), per key rank."""

    pattern: str
    target: str
    channel: str  # "read" | "write"
    units_per_request: float
    requests_per_second: float
    peak_requests_per_second: float
    space: KeySpace | None
    """None: spread evenly over every partition (a Scan)."""
    shares: np.ndarray | None
    """Share of the arm's requests per key rank, aligned with `space` (sums to 1 unless the space
    is bigger than MAX_RANKS_PER_SPACE: the rest is spread evenly over the partitions)."""
    hot_labels: tuple[str, ...] = ()
    constant_from: int | None = None
    """First rank from which every share equals the last one (0: uniform; None: not yet known).
    Lets the layout treat the flat tail of a space in closed form instead of rank by rank."""
    shares_total: float | None = None
    """`shares.sum()` (None: not yet known)."""

    @property
    def units_per_second(self) -> float:
        return self.requests_per_second * self.units_per_request

    @property
    def peak_units_per_second(self) -> float:
        return self.peak_requests_per_second * self.units_per_request


@dataclass(frozen=True, eq=False, kw_only=True)
class TargetLoad:
    """A table or GSI: partitions, capacity settings and every arm of load on it."""

    target: str
    table: str
    index: str | None
    billing: str  # "provisioned" | "on_demand"
    partitions: int
    driver: str
    partitions_by_driver: dict[str, int]
    read_capacity_units: float
    """Provisioned RCU, or the on-demand table's read throughput available now (warm / 2 x peak)."""
    write_capacity_units: float
    max_read_units: float | None
    """Provisioned: auto scaling maximum; on-demand: configured maximum throughput (None: none)."""
    max_write_units: float | None
    auto_scaling: AutoScaling | None
    arms: tuple[ArmLoad, ...]
    key_partitions: dict[int, np.ndarray] = field(default_factory=dict)
    """id(space) -> partition of each rank (built for this target's partition count)."""
    key_counts: dict[int, np.ndarray] = field(default_factory=dict)
    """id(space) -> ranks of the space per partition (filled on first use by `space_key_counts`)."""
    uniform_units: dict[tuple[int, float], np.ndarray] = field(default_factory=dict)
    """(id(space), units/s per key) -> units/s per partition of a uniform space (read-only arrays)."""

    @property
    def spaces(self) -> tuple[KeySpace, ...]:
        seen: dict[int, KeySpace] = {}
        for arm in self.arms:
            if arm.space is not None:
                seen.setdefault(id(arm.space), arm.space)
        return tuple(seen.values())


@dataclass(frozen=True, kw_only=True)
class HotKey:
    """One key's load at the average and at the peak request rates."""

    target: str
    key: str
    read_units_per_second: float
    write_units_per_second: float
    consumed_throughput_units_per_second: float
    """3 x WCU + RCU at the average rates (Contributor Insights' ranking)."""
    peak_partition_utilization: float
    """Peak load as a share of one partition's limit (RCU/3000 + WCU/1000); above 1 throttles."""
    share_of_target: float
    """Share of the target's ConsumedThroughputUnits this key takes."""
    splittable_units: int
    """Pieces split for heat can cut this key's item collection into (1: it stays on one partition)."""
    peak_read_units_per_second: float = 0.0
    peak_write_units_per_second: float = 0.0
    template: str = ""
    """The key template (e.g. `{status}`) and how many distinct values it takes."""
    template_key_count: int = 0


@dataclass(frozen=True, kw_only=True)
class PartitionLoad:
    """Load of one partition at the average and peak request rates."""

    partition: int
    read_units_per_second: float
    write_units_per_second: float
    consumed_throughput_units_per_second: float
    peak_utilization: float
    key_count: int


@dataclass(frozen=True, kw_only=True)
class TargetLayout:
    """The static layout of one table or GSI."""

    target: str
    billing: str
    count: int
    driver: str
    partitions_by_driver: dict[str, int]
    read_capacity_units: float
    write_capacity_units: float
    read_units_per_second: float
    write_units_per_second: float
    peak_read_units_per_second: float
    peak_write_units_per_second: float
    hottest_partition_share: float
    """Share of the target's ConsumedThroughputUnits taken by its busiest partition."""
    headroom: float
    """1 - the busiest partition's peak utilization of its per-partition limit (negative: over)."""
    hottest_partitions: tuple[PartitionLoad, ...]
    hot_keys: tuple[HotKey, ...]
    max_read_units: float | None = None
    """On-demand: configured maximum read throughput; provisioned: auto scaling maximum."""
    max_write_units: float | None = None


@dataclass(frozen=True, kw_only=True)
class PartitionReport:
    """Partition counts, hot keys and hot partitions of every table and GSI, with findings."""

    targets: tuple[TargetLayout, ...]
    hot_keys: tuple[HotKey, ...]
    """Hottest keys over all targets, by ConsumedThroughputUnits."""
    findings: tuple[Finding, ...]
    assumptions: tuple[str, ...]

    def target(self, name: str) -> TargetLayout:
        for t in self.targets:
            if t.target == name:
                return t
        raise KeyError(name)


# ---------------------------------------------------------------------------------------------
# Partition counts




def _capacity_settings(table: Table, index: GlobalSecondaryIndex | None) -> dict[str, Any]:
    """Billing mode, current read/write capacity and caps of a table or GSI."""
    billing = table.billing
    if isinstance(billing, ProvisionedBilling):
        prov = index.provisioned if index is not None and index.provisioned is not None else billing
        scaling = prov.auto_scaling
        return {
            "billing": "provisioned", "read": float(prov.read_capacity_units),
            "write": float(prov.write_capacity_units), "auto_scaling": scaling,
            "max_read": float(scaling.max_read_capacity_units) if scaling else None,
            "max_write": float(scaling.max_write_capacity_units) if scaling else None,
        }
    assert isinstance(billing, OnDemandBilling)
    read, write = on_demand_throughput(billing)
    return {
        "billing": "on_demand", "read": read, "write": write, "auto_scaling": None,
        "max_read": billing.max_read_request_units, "max_write": billing.max_write_request_units,
    }


def on_demand_throughput(billing: OnDemandBilling) -> tuple[float, float]:
    """Read and write units/s an on-demand table absorbs at once: max(warm, 2 x previous peak)."""
    warm_r = billing.warm_read_units_per_second or ON_DEMAND_WARM_READ_UNITS_PER_SECOND
    warm_w = billing.warm_write_units_per_second or ON_DEMAND_WARM_WRITE_UNITS_PER_SECOND
    peak_r = ON_DEMAND_PEAK_FACTOR * (billing.previous_peak_read_units_per_second or 0.0)
    peak_w = ON_DEMAND_PEAK_FACTOR * (billing.previous_peak_write_units_per_second or 0.0)
    return max(warm_r, peak_r), max(warm_w, peak_w)


# ---------------------------------------------------------------------------------------------
# Hashing keys to partitions


def label_hash_unit(label: str) -> float:
    """A stable uniform number in [0, 1) for a key value (blake2b; DynamoDB's hash is not public)."""
    digest = hashlib.blake2b(label.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2.0**64


def template_seed(target: str, template: str) -> int:
    """A 64-bit seed per (target, template), so equal ranks of different templates land apart."""
    digest = hashlib.blake2b(f"{target}|{template}".encode(), digest_size=8, key=_TEMPLATE_VAR_SEED_DOMAIN)
    return int.from_bytes(digest.digest(), "big")


def rank_hash_unit(ranks: np.ndarray, seed: int) -> np.ndarray:
    """Vectorized splitmix64 of (rank + seed) -> uniform floats in [0, 1) (a stand-in hash).

    Computed in place on one working array (millions of ranks per call): the same bits as the
    textbook `z = (z ^ (z >> 30)) * C1 ...` form without its temporary arrays.
    """
    units = _splitmix64_units_unscaled(ranks.astype(np.uint64), seed)  # on a copy: `ranks` stays as it was
    units /= 2.0**53
    return units


def _splitmix64_units_unscaled(z: np.ndarray, seed: int) -> np.ndarray:
    """The top 53 bits of splitmix64(rank + seed) of the uint64 ranks in `z`, as floats (z is overwritten)."""
    z += np.uint64(seed)
    z *= np.uint64(0x9E3779B97F4A7C15)
    shifted = np.empty_like(z)
    for shift, multiplier in ((30, 0xBF58476D1CE4E5B9), (27, 0x94D049BB133111EB), (31, None)):
        np.right_shift(z, np.uint64(shift), out=shifted)
        z ^= shifted
        if multiplier is not None:
            z *= np.uint64(multiplier)
    z >>= np.uint64(11)
    return z.astype(np.float64)


def rank_partitions(ranks: int, seed: int, partitions: int) -> np.ndarray:
    """units_to_partitions(rank_hash_unit(np.arange(ranks), seed), partitions), bit for bit, faster.

    Hashed HASH_CHUNK_RANKS ranks at a time, so the dozen passes over each chunk stay in the CPU
    cache; and (m / 2^53) * P is computed as m * (P / 2^53), one multiplication less: m / 2^53 and
    P / 2^53 are both exact (m and P are integers below 2^53), so both round m * P / 2^53 once.
    """
    placed = np.empty(ranks, dtype=np.int64)
    for start in range(0, ranks, HASH_CHUNK_RANKS):
        stop = min(start + HASH_CHUNK_RANKS, ranks)
        units = _splitmix64_units_unscaled(np.arange(start, stop, dtype=np.uint64), seed)
        units *= partitions / 2.0**53
        placed[start:stop] = units  # float -> int64 truncates, as astype does
    return np.minimum(placed, partitions - 1, out=placed)


def units_to_partitions(units: np.ndarray, partitions: int, overwrite: bool = False) -> np.ndarray:
    """Hash-range placement: partition i owns [i/P, (i+1)/P) of the hash space.

    `overwrite`: scale `units` in place (the caller's scratch array) instead of a copy.
    """
    scaled = np.multiply(units, partitions, out=units if overwrite else None)
    placed = scaled.astype(np.int64)
    return np.minimum(placed, partitions - 1, out=placed)


def space_partitions(space: KeySpace, partitions: int) -> np.ndarray:
    """Partition of every rank of a key space."""
    if space.key_count > LABEL_HASH_MAX_KEYS:
        return rank_partitions(space.ranks, template_seed(space.target, space.template), partitions)
    labels = key_labels(space.entity, space.template)
    units = np.fromiter((label_hash_unit(s) for s in labels), dtype=np.float64, count=len(labels))
    return units_to_partitions(units, partitions, overwrite=True)


# ---------------------------------------------------------------------------------------------
# Key spaces of patterns


def _split_blocker(table: Table, index: str | None, entity: Entity, sort_template: str | None,
                   items_per_key: float) -> str:
    """Why split for heat cannot divide one key's item collection (DOMAIN.md §4, DG/throttling-key-range...)."""
    if items_per_key < 2:
        return "one item per key (split for heat never goes below one item)"
    if index is None and table.lsis:
        return "item collection with an LSI"
    if sort_template is None:
        return "no sort key"
    for var in template_variables(sort_template):
        v = entity.variable(var)
        if v is not None and v.kind == "timestamp":
            return f"monotonically growing sort key ({{{var}}} is a timestamp)"
    return ""


def _sort_template(entity: Entity, table: Table, index: str | None) -> str | None:
    sort_key = table.index_keys(index)[1] if (index is None or table.index(index) is not None) else None
    if sort_key is None:
        return None
    tmpl = entity.key_template(sort_key.name)
    return tmpl.template if tmpl is not None else "{" + sort_key.name + "}"


def make_space(target: str, table: Table, index: str | None, entity: Entity, template: str, note: str = "",
               count: int | None = None) -> KeySpace:
    """A key space for `template` on `target`, with what split for heat can do to one of its keys."""
    n = max(1, count if count is not None else key_count(entity, template))
    items_per_key = max(entity.item_count, 1) / n
    blocker = _split_blocker(table, index if not isinstance(table.index(index or ""), LocalSecondaryIndex) else None,
                             entity, _sort_template(entity, table, index), items_per_key)
    return KeySpace(target=target, entity=entity, template=template, key_count=n,
                    items_per_key=items_per_key, split_blocker=blocker, note=note)


def _shares(distribution: KeyDistribution, space: KeySpace) -> tuple[np.ndarray, tuple[str, ...]]:
    """Popularity of each rank; hot-key names label the top ranks of spaces too big to label."""
    n = space.key_count
    if n <= LABEL_HASH_MAX_KEYS:
        return popularity(distribution, n, key_labels(space.entity, space.template)), ()
    hot = tuple(k.key for k in distribution.keys) if isinstance(distribution, HotKeys) else ()
    return head_popularity(distribution, n, space.ranks), hot


def head_popularity(distribution: KeyDistribution, n: int, ranks: int) -> np.ndarray:
    """Shares of the `ranks` most popular of n keys (the whole distribution when ranks == n).

    Zipf normalises over all n keys (engine.keyspace.power_sum, the one normaliser).
    """
    if ranks >= n:
        return popularity(distribution, n, None)
    if isinstance(distribution, Zipf):
        return zipf_head_shares(n, ranks, distribution.exponent)
    if isinstance(distribution, HotKeys):
        shares = np.zeros(ranks)
        hot = [k.share for k in distribution.keys][:ranks]
        shares[: len(hot)] = hot
        shares[len(hot):] = hot_key_rest_share(distribution, n)
        return shares
    return np.full(ranks, 1.0 / n)


def _index_write_distribution(pattern_template: str, index_template: str, distribution: KeyDistribution,
                              space: KeySpace) -> tuple[KeyDistribution, str]:
    """How a write pattern's items spread over an index's partition-key values.

    Rule (documented for users): when the index key template equals the table key template the
    written keys are the same, so the pattern's distribution applies; when the distribution
    names hot keys that are values of the index key (e.g. `STATUS#PENDING`) those shares apply;
    otherwise the written items are spread uniformly over the index key's values, so an enum
    of k values takes 1/k of the writes per value and a constant key takes all of them.
    """
    if index_template == pattern_template:
        return distribution, "index key = table key: the pattern's key distribution applies"
    if isinstance(distribution, HotKeys) and space.key_count <= LABEL_HASH_MAX_KEYS:
        labels = set(key_labels(space.entity, space.template))
        if any(k.key in labels for k in distribution.keys):
            return distribution, "hot keys named in the distribution are index key values"
    return Uniform(), f"written items spread uniformly over the {space.key_count} index key value(s)"


def _pattern_entities(model: DataModel, pattern: AccessPattern) -> list[Entity]:
    """Entities a pattern touches: its `entities`, then those of its transaction actions."""
    names = list(pattern.entities) + [a.entity for a in getattr(pattern, "actions", ())]
    return [model.entity(n) for n in dict.fromkeys(names)]


def _entity_of(model: DataModel, pattern: AccessPattern, table: str | None = None, attribute: str | None = None) -> Entity:
    """The pattern's entity stored in `table` (and carrying `attribute`), else its first entity."""
    entities = _pattern_entities(model, pattern)
    in_table = [e for e in entities if table is None or e.table == table] or list(model.entities_of(table or "")) \
        or entities
    for entity in in_table:
        if attribute is None or entity.has_attribute(attribute):
            return entity
    return in_table[0]


def _attribute_space(table: Table, index: str | None, entity: Entity, attribute: str,
                     target: str) -> tuple[KeySpace, str]:
    """Key space of a key attribute the written items carry (a GSI key, or another table's key)."""
    tmpl = entity.key_template(attribute)
    if tmpl is not None:
        return make_space(target, table, index, entity, tmpl.template), ""
    if entity.variable(attribute) is not None:
        return make_space(target, table, index, entity, "{" + attribute + "}"), ""
    note = (f"{target}: the values of '{attribute}' are not described (no key template or variable); "
            f"assumed one distinct value per item ({entity.item_count})")
    return make_space(target, table, index, entity, "{" + attribute + "}", note=note,
                      count=max(entity.item_count, 1)), note


def _pattern_space(model: DataModel, pattern: AccessPattern, table: Table, target: str, index: str | None) -> KeySpace | None:
    if pattern.key_condition is None:
        return None
    entity = _entity_of(model, pattern, table.name)
    return make_space(target, table, index, entity, pattern.key_condition.partition_key)


def _arms_of(evaluation: Evaluation, pattern_name: str) -> tuple[Arm, ...]:
    return tuple(evaluation.pattern(pattern_name).arms)


def _arm_target(model: DataModel, target: str) -> tuple[Table, str, str | None, bool]:
    """(table, target the load lands on, GSI name or None, is a GSI). LSIs live on the table's partitions."""
    table_name, name = split_target(target)
    table = model.table(table_name)
    if not name:
        return table, target, None, False
    if isinstance(table.index(name), LocalSecondaryIndex):
        return table, table.name, None, False
    return table, target, name, True


def build_arms(model: DataModel, evaluation: Evaluation) -> tuple[list[ArmLoad], list[str]]:
    """Every (pattern, target) arm of load with its key space and key shares."""
    notes: list[str] = []
    spaces: dict[tuple, KeySpace] = {}
    drafts = []
    for pattern in model.access_patterns:
        pe = evaluation.pattern(pattern.name)
        entity = _entity_of(model, pattern, pattern.table)
        distribution = pattern_distribution(pattern.key_distribution, entity)
        for arm in _arms_of(evaluation, pattern.name):
            table, target, index, is_gsi = _arm_target(model, arm.target)
            channel = "write" if arm.write_units_per_request > 0 else "read"
            units = arm.write_units_per_request if channel == "write" else arm.read_units_per_request
            if units <= 0:
                continue
            space, dist = _arm_space(model, pattern, table, target, index, is_gsi, distribution, notes)
            key = None if space is None else (target, space.template, space.key_count)
            if key is not None:
                spaces.setdefault(key, space)
            drafts.append((pattern.name, pe, target, channel, units, key, dist))
    spaces = share_rank_budget(spaces)
    arms: list[ArmLoad] = []
    popular: dict[tuple, tuple[np.ndarray, tuple[str, ...], int, float]] = {}
    for name, pe, target, channel, units, key, dist in drafts:
        space = None if key is None else spaces[key]
        if space is not None and (key, dist) not in popular:
            shares, hot = _shares(dist, space)  # arms of one space share one array
            # popularity / head_popularity give these one share for every key (no scan needed)
            flat_from = 0 if isinstance(dist, (Uniform, SampleKeys)) else constant_tail_start(shares)
            popular[(key, dist)] = shares, hot, flat_from, float(shares.sum())
        shares, hot, flat_from, total = popular[(key, dist)] if space is not None else (None, (), None, None)
        arms.append(ArmLoad(
            pattern=name, target=target, channel=channel, units_per_request=float(units),
            requests_per_second=float(pe.requests_per_second),
            peak_requests_per_second=float(max(pe.peak_requests_per_second, pe.requests_per_second)),
            space=space, shares=shares, hot_labels=hot, constant_from=flat_from, shares_total=total))
    return arms, notes


def share_rank_budget(spaces: dict[tuple, KeySpace], budget: int = MAX_RANKS_PER_DESIGN) -> dict[tuple, KeySpace]:
    """Lower the spaces' rank caps so that together they model at most `budget` keys one by one.

    Water-filling: every space keeps all its ranks when the total fits; otherwise one common cap is
    chosen, as high as the budget allows, so small spaces stay exact and the biggest ones give up
    their least popular keys (spread evenly over the partitions, as a uniform hash puts them on
    average). A design with a thousand spaces of a million keys stays within a few hundred MB.
    """
    sizes = sorted(min(s.key_count, s.rank_cap) for s in spaces.values())
    if sum(sizes) <= budget:
        return spaces
    cap, left = 0, budget
    for i, size in enumerate(sizes):
        share = left // (len(sizes) - i)
        if size > share:
            cap = max(share, 1)
            break
        left -= size
    return {key: replace(s, rank_cap=min(s.rank_cap, cap)) for key, s in spaces.items()}


def constant_tail_start(values: np.ndarray) -> int:
    """The first index from which every value equals the last (0: all equal; len - 1: no flat tail)."""
    if values.size == 0:
        return 0
    differs = values[::-1] != values[-1]
    last_different = values.size - 1 - int(np.argmax(differs))
    return last_different + 1 if differs[values.size - 1 - last_different] else 0


def _arm_space(model: DataModel, pattern: AccessPattern, table: Table, target: str, index: str | None, is_gsi: bool,
               distribution: KeyDistribution, notes: list[str]) -> tuple[KeySpace | None, KeyDistribution]:
    """The key space and distribution of one arm.

    The pattern's key condition addresses its own table (and LSIs), or the GSI it reads. Other
    arms are writes the key condition does not name: a GSI the write maintains (see
    `_index_write_distribution`) or another table's item in a transaction (its entity's key
    template and key distribution).
    """
    own_table = table.name == pattern.table
    if own_table and (not is_gsi or pattern.index == index):
        return _pattern_space(model, pattern, table, target, index), distribution
    attribute = table.index(index).partition_key.name if is_gsi else table.partition_key.name
    entity = _entity_of(model, pattern, table.name, attribute)
    space, note = _attribute_space(table, index, entity, attribute, target)
    if note:
        notes.append(note)
    if not is_gsi:
        notes.append(f"{target} <- '{pattern.name}': transaction item keys follow entity {entity.name}'s distribution")
        return space, entity.key_distribution
    base = pattern.key_condition.partition_key if pattern.key_condition and own_table else ""
    dist, how = _index_write_distribution(base, space.template, distribution if own_table else
                                          entity.key_distribution, space)
    notes.append(f"{target} <- '{pattern.name}': {how}")
    return space, dist


def _check_analyzable(name: str, count: int, driver: str) -> None:
    """Refuse a target of more partitions than the analysis lays out (before anything is sized by the count)."""
    if count > MAX_ANALYZED_PARTITIONS:  # per-partition arrays of 8 bytes each, several per target
        raise PartitionLimitError(
            f"{name}: {count:,} partitions ({driver}) is more than the partition analysis handles "
            f"({MAX_ANALYZED_PARTITIONS:,}, about {MAX_ANALYZED_PARTITIONS * 10 / 1_000_000:g} PB of storage "
            f"at 10 GB a partition); lower its item count or item size, or analyse a scaled-down copy of "
            f"the design")


def build_targets(model: DataModel, evaluation: Evaluation,
                  check: Callable[[str, int, str], None] = _check_analyzable) -> tuple[list[TargetLoad], list[str]]:
    """Every table and GSI with its partition count, capacity and arms of load. `check(target, partitions,
    driver)` may refuse a target before its keys are placed (the simulator has a lower limit than the analysis)."""
    arms, notes = build_arms(model, evaluation)
    targets: list[TargetLoad] = []
    for table in model.tables:
        te = _table_evaluation(evaluation, table.name)
        for index in (None, *table.gsis):
            name = target_name(table.name, None if index is None else index.name)
            storage = _storage_bytes(te, None if index is None else index.name)
            candidates = partition_candidates(table, index, storage)
            count, driver = partition_count(candidates)
            check(name, count, driver)
            cap = _capacity_settings(table, index)
            own = tuple(a for a in arms if a.target == name)
            key_parts = {id(s): space_partitions(s, count) for s in {id(a.space): a.space for a in own if a.space}.values()}
            targets.append(TargetLoad(
                target=name, table=table.name, index=None if index is None else index.name,
                billing=cap["billing"], partitions=count, driver=driver, partitions_by_driver=candidates,
                read_capacity_units=cap["read"], write_capacity_units=cap["write"],
                max_read_units=cap["max_read"], max_write_units=cap["max_write"],
                auto_scaling=cap["auto_scaling"], arms=own, key_partitions=key_parts))
    return targets, notes


def _table_evaluation(evaluation: Evaluation, name: str) -> TableEvaluation | None:
    try:
        return evaluation.table(name)
    except (KeyError, AttributeError):
        return None


def _storage_bytes(te: TableEvaluation | None, index: str | None) -> float:
    if te is None:
        return 0.0
    if index is None:
        return float(te.storage_bytes)
    return float((getattr(te, "index_storage_bytes", None) or {}).get(index, 0))


# ---------------------------------------------------------------------------------------------
# Static load


def arm_partition_units(arm: ArmLoad, target: TargetLoad, per_second: float) -> np.ndarray:
    """Units/s the arm puts on each partition at `per_second` units/s in total."""
    p = target.partitions
    if arm.space is None:
        return np.full(p, per_second / p)
    if _constant_from(arm) == 0 and arm.shares.size:
        placed = _uniform_partition_units(target, arm.space, float(arm.shares[0] * per_second))
    else:
        placed = np.bincount(target.key_partitions[id(arm.space)], weights=arm.shares * per_second, minlength=p)
    tail = max(0.0, 1.0 - _shares_total(arm))
    return placed + tail * per_second / p if tail > 1e-12 else placed


def repeated_sums(counts: np.ndarray, weight: float) -> np.ndarray:
    """`weight` added to 0.0 counts[i] times, one addition after another, for every i.

    Bit for bit what np.bincount(key_partitions, weights=np.full(n, weight)) accumulates (it adds
    a bin's weights in input order), at the cost of one cumulative sum over the largest count
    instead of a pass over every key: the layout of a uniform space of millions of keys.
    """
    sums = np.zeros(counts.size)
    largest = int(counts.max()) if counts.size else 0
    if largest:
        running = np.cumsum(np.broadcast_to(weight, (largest,)))  # sequential: running[k - 1] = k additions
        used = counts > 0
        sums[used] = running[counts[used] - 1]
    return sums


def _uniform_partition_units(target: TargetLoad, space: KeySpace, units_per_key: float) -> np.ndarray:
    """Per-partition units/s of a space whose every key takes `units_per_key` (shared by equal arms)."""
    memo_key = (id(space), units_per_key)
    placed = target.uniform_units.get(memo_key)
    if placed is None:
        placed = repeated_sums(space_key_counts(target, space), units_per_key)
        placed.setflags(write=False)
        target.uniform_units[memo_key] = placed
    return placed


def space_key_counts(target: TargetLoad, space: KeySpace) -> np.ndarray:
    """Modelled ranks of a space per partition of the target (computed once per target)."""
    counts = target.key_counts.get(id(space))
    if counts is None:
        counts = np.bincount(target.key_partitions[id(space)], minlength=target.partitions)
        target.key_counts[id(space)] = counts
    return counts


def _constant_from(arm: ArmLoad) -> int:
    return arm.constant_from if arm.constant_from is not None else constant_tail_start(arm.shares)


def _shares_total(arm: ArmLoad) -> float:
    return arm.shares_total if arm.shares_total is not None else float(arm.shares.sum())


def partition_units(target: TargetLoad, peak: bool) -> tuple[np.ndarray, np.ndarray]:
    """(read units/s, write units/s) per partition at the average or peak rates."""
    read = np.zeros(target.partitions)
    write = np.zeros(target.partitions)
    for arm in target.arms:
        rate = arm.peak_units_per_second if peak else arm.units_per_second
        (read if arm.channel == "read" else write)[:] += arm_partition_units(arm, target, rate)
    return read, write


def space_key_units(target: TargetLoad, space: KeySpace, peak: bool,
                    ranks: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(read, write) units/s of the first `ranks` keys of a space (default all), summed over its arms."""
    n = space.ranks if ranks is None else min(ranks, space.ranks)
    read = np.zeros(n)
    write = np.zeros(n)
    for arm in target.arms:
        if arm.space is space:
            rate = arm.peak_units_per_second if peak else arm.units_per_second
            (read if arm.channel == "read" else write)[:] += arm.shares[:n] * rate
    return read, write


def head_ranks(target: TargetLoad, space: KeySpace, top_n: int) -> int:
    """Ranks that can hold a space's top_n keys: past every arm's flat tail start, keys tie with
    the lower ranks before them, which `top_ranks` prefers, so top_n ranks of the tail suffice."""
    flat_from = max((_constant_from(a) for a in target.arms if a.space is space), default=0)
    return min(space.ranks, flat_from + max(top_n, 1))


def utilization(read_units: np.ndarray | float, write_units: np.ndarray | float):
    """Share of one partition's limit: RCU/3000 + WCU/1000 (any linear combination, DOMAIN.md §4)."""
    return np.asarray(read_units) / READ_UNITS_PER_PARTITION + np.asarray(write_units) / WRITE_UNITS_PER_PARTITION


def _top_keys(target: TargetLoad, top_n: int, total_ctu: float) -> list[HotKey]:
    candidates = []  # every space's top_n ranks; only the target's top_n are labelled (a label renders a template)
    for space in target.spaces:
        ranks = head_ranks(target, space, top_n)
        read, write = space_key_units(target, space, peak=False, ranks=ranks)
        peak_r, peak_w = space_key_units(target, space, peak=True, ranks=ranks)
        ctu = CTU_WRITE_WEIGHT * write + read
        candidates += [(float(ctu[rank]), space, int(rank), read, write, peak_r, peak_w) for rank in top_ranks(ctu, top_n)]
    candidates.sort(key=lambda c: -c[0])  # stable: among equal loads, the order the spaces and ranks came in
    keys = []
    for ctu_units, space, rank, read, write, peak_r, peak_w in candidates[:top_n]:
        keys.append(HotKey(
            target=target.target, key=space.label(rank, _hot_labels(target, space)),
            read_units_per_second=float(read[rank]), write_units_per_second=float(write[rank]),
            consumed_throughput_units_per_second=ctu_units,
            peak_partition_utilization=float(utilization(peak_r[rank], peak_w[rank])),
            share_of_target=float(ctu_units / total_ctu) if total_ctu > 0 else 0.0,
            splittable_units=space.splittable_units, peak_read_units_per_second=float(peak_r[rank]),
            peak_write_units_per_second=float(peak_w[rank]), template=space.template,
            template_key_count=space.key_count))
    return keys


def top_ranks(values: np.ndarray, n: int) -> np.ndarray:
    """Ranks of the n largest values, largest first, lower ranks first among ties (O(size))."""
    n = min(n, values.size)
    if n <= 0:
        return np.zeros(0, dtype=np.int64)
    cut = np.partition(values, values.size - n)[values.size - n]
    above = np.flatnonzero(values > cut)
    ties = np.flatnonzero(values == cut)[: n - above.size]
    chosen = np.concatenate([above, ties])
    return chosen[np.lexsort((chosen, -values[chosen]))]


def _hot_labels(target: TargetLoad, space: KeySpace) -> tuple[str, ...]:
    for arm in target.arms:
        if arm.space is space and arm.hot_labels:
            return arm.hot_labels
    return ()


def layout_of(target: TargetLoad, top_n: int = DEFAULT_TOP_KEYS) -> TargetLayout:
    """Per-partition and per-key load of one target at its average and peak rates."""
    read, write = partition_units(target, peak=False)
    peak_r, peak_w = partition_units(target, peak=True)
    ctu = CTU_WRITE_WEIGHT * write + read
    total_ctu = float(ctu.sum())
    peak_u = utilization(peak_r, peak_w)
    key_counts = np.zeros(target.partitions, dtype=np.int64)
    for space in target.spaces:
        key_counts += space_key_counts(target, space)
        key_counts += (space.key_count - space.ranks) // target.partitions  # the unmodelled tail, spread
    order = np.argsort(-peak_u, kind="stable")[:top_n]
    hottest = tuple(PartitionLoad(
        partition=int(p), read_units_per_second=float(read[p]), write_units_per_second=float(write[p]),
        consumed_throughput_units_per_second=float(ctu[p]), peak_utilization=float(peak_u[p]),
        key_count=int(key_counts[p])) for p in order)
    return TargetLayout(
        target=target.target, billing=target.billing, count=target.partitions, driver=target.driver,
        partitions_by_driver=dict(target.partitions_by_driver),
        read_capacity_units=target.read_capacity_units, write_capacity_units=target.write_capacity_units,
        read_units_per_second=float(read.sum()), write_units_per_second=float(write.sum()),
        peak_read_units_per_second=float(peak_r.sum()), peak_write_units_per_second=float(peak_w.sum()),
        hottest_partition_share=float(ctu.max() / total_ctu) if total_ctu > 0 else 0.0,
        headroom=float(1.0 - peak_u.max()) if peak_u.size else 1.0,
        hottest_partitions=hottest, hot_keys=tuple(_top_keys(target, top_n, total_ctu)),
        max_read_units=target.max_read_units, max_write_units=target.max_write_units)


# ---------------------------------------------------------------------------------------------
# Findings


def shards_needed(peak_utilization: float) -> int:
    """Write-sharding suffixes that bring one key's peak to SAFE_UTILIZATION of a partition."""
    return max(2, math.ceil(peak_utilization / SAFE_UTILIZATION - 1e-9))


def cache_hit_rate_needed(peak_read_units: float, other_utilization: float = 0.0) -> float:
    """Share of a key's reads a cache must answer so the key stays at SAFE_UTILIZATION."""
    allowed = max(SAFE_UTILIZATION - other_utilization, 0.0) * READ_UNITS_PER_PARTITION
    return 0.0 if peak_read_units <= allowed else 1.0 - allowed / peak_read_units


def _hot_key_finding(layout: TargetLayout, key: HotKey) -> Finding:
    peak_w, peak_r = key.peak_write_units_per_second, key.peak_read_units_per_second
    is_index = Target.parse(layout.target).is_index
    kind = "Index" if is_index else "Table"
    op = "Write" if peak_w / WRITE_UNITS_PER_PARTITION >= peak_r / READ_UNITS_PER_PARTITION else "Read"
    split = (f" until split for heat spreads its item collection (up to {key.splittable_units} pieces)"
             if key.splittable_units > 1 else "")
    backpressure = "; GSI back-pressure then throttles the base-table writes too" if is_index and op == "Write" else ""
    return rule("DDB-P102" if is_index else "DDB-P101").finding(
        f"partitions.{layout.target}", target=layout.target, key=key.key, peak_read=peak_r, peak_write=peak_w,
        utilization=key.peak_partition_utilization, throttle_reason=f"{kind}{op}KeyRangeThroughputExceeded",
        split_note=split, backpressure=backpressure, share=key.share_of_target, template=key.template,
        template_key_count=key.template_key_count, splittable_units=key.splittable_units,
        fixes=_hot_key_fix(key, peak_r, peak_w, op))


def _hot_key_fix(key: HotKey, peak_r: float, peak_w: float, op: str) -> str:
    fixes = []
    if peak_w > 0:
        n = shards_needed(key.peak_partition_utilization)
        fixes.append(f"write sharding: append a suffix 0..{n - 1} ({n} suffixes) to the key "
                     f"(e.g. '{key.key}#<0-{n - 1}>') and read the {n} shards with parallel Queries")
    if peak_r > 0:
        hit = cache_hit_rate_needed(peak_r)  # reads alone: sharding takes care of the writes
        if hit > 0:
            fixes.append(f"cache reads (DAX or an application cache) answering at least {hit:.0%} of them")
    values = f"'{key.template}' takes {key.template_key_count:,} value(s) and " if key.template else ""
    fixes.append(f"or a different key: {values}this one takes {key.share_of_target:.0%} of the load; a partition "
                 "key with many more distinct values that requests spread over (e.g. an id) avoids the hot spot")
    return "; ".join(fixes)


def _capacity_findings(layout: TargetLayout) -> list[Finding]:
    """Peak load above what the table or GSI serves: provisioned capacity or on-demand limits."""
    found = []
    resource = "Index" if Target.parse(layout.target).is_index else "Table"
    for channel, peak, cap, mx in (
            ("read", layout.peak_read_units_per_second, layout.read_capacity_units, layout.max_read_units),
            ("write", layout.peak_write_units_per_second, layout.write_capacity_units, layout.max_write_units)):
        reason = f"{resource}{channel.capitalize()}"
        values = dict(target=layout.target, channel=channel, peak=peak, capacity=cap)
        if layout.billing == "provisioned":
            if peak > cap:
                found.append(rule("DDB-P105").finding(
                    f"partitions.{layout.target}", **values, needed=_needed(peak),
                    throttle_reason=f"{reason}ProvisionedThroughputExceeded"))
            continue
        if mx is not None and peak > mx:
            found.append(rule("DDB-P106").finding(
                f"partitions.{layout.target}", **values, maximum=mx, needed=_needed(peak),
                throttle_reason=f"{reason}MaxOnDemandThroughputExceeded"))
        elif peak > cap:
            found.append(rule("DDB-P107").finding(
                f"partitions.{layout.target}", **values, needed=math.ceil(peak),
                throttle_reason=f"{reason}KeyRangeThroughputExceeded"))
    return found


def _needed(peak: float) -> int:
    return math.ceil(peak / SAFE_UTILIZATION - 1e-9)


def _partition_findings(layout: TargetLayout, hot_key_names: set[str]) -> list[Finding]:
    top = layout.hottest_partitions[0] if layout.hottest_partitions else None
    if top is None or top.peak_utilization <= 1.0 or hot_key_names:
        return []
    return [rule("DDB-P104").finding(
        f"partitions.{layout.target}", target=layout.target, partition=top.partition,
        utilization=top.peak_utilization, key_count=top.key_count)]


def findings_of(layouts: list[TargetLayout]) -> list[Finding]:
    """Hot keys, hot partitions and under-provisioned capacity, each with a fix with numbers."""
    found: list[Finding] = []
    for layout in layouts:
        over = [k for k in layout.hot_keys if k.peak_partition_utilization > 1.0]
        found += [_hot_key_finding(layout, k) for k in over]
        found += _partition_findings(layout, {k.key for k in over})
        found += _capacity_findings(layout)
    return found


# ---------------------------------------------------------------------------------------------
# Entry point


def analyze_partitions(model: DataModel, evaluation: Evaluation | None = None, top_n: int = DEFAULT_TOP_KEYS) -> PartitionReport:
    """Partition counts (with their driver), per-partition and per-key load, hot keys and fixes."""
    if evaluation is None:
        from engine.evaluate import evaluate

        evaluation = evaluate(model)
    targets, notes = build_targets(model, evaluation)
    return report_of(targets, notes, top_n)


def report_of(targets: list[TargetLoad], notes: list[str], top_n: int = DEFAULT_TOP_KEYS) -> PartitionReport:
    """The partition report of targets already built (the heat simulation reuses them)."""
    layouts = [layout_of(t, top_n) for t in targets]
    all_keys = sorted((k for lay in layouts for k in lay.hot_keys),
                      key=lambda k: -k.consumed_throughput_units_per_second)[:top_n]
    assumptions = (
        "DynamoDB's partition hash is not public: keys are placed by a stable uniform hash of the "
        "workbench's own, so which keys share a partition is illustrative.",
        "Partition counts: storage / 10 GB, provisioned RCU/3000 + WCU/1000, on-demand warm throughput "
        "(12,000 reads or 4,000 writes per second when new) or 2 x the previous peak; the largest drives.",
        *dict.fromkeys(notes),
    )
    return PartitionReport(targets=tuple(layouts), hot_keys=tuple(all_keys),
                           findings=tuple(findings_of(layouts) + _unknown_value_findings(targets)),
                           assumptions=assumptions)


def _unknown_value_findings(targets: list[TargetLoad]) -> list[Finding]:
    """Key attributes whose values the design does not describe: their hot spots cannot be seen."""
    found = []
    for target in targets:
        for space in target.spaces:
            if space.note:
                attribute = space.template.strip("{}")
                found.append(rule("DDB-P108").finding(
                    f"partitions.{target.target}", target=target.target, note=space.note,
                    entity=space.entity.name, attribute=attribute))
    return found


__all__ = [
    "ArmLoad", "Finding", "HotKey", "KeySpace", "PartitionLimitError", "PartitionLoad", "PartitionReport", "TargetLayout",
    "TargetLoad", "analyze_partitions", "build_targets", "label_hash_unit", "on_demand_throughput",
    "head_popularity", "partition_count", "rank_hash_unit", "rank_partitions", "report_of", "top_ranks", "shards_needed", "space_partitions", "storage_partitions",
    "throughput_partitions", "utilization", "warm_partitions",
]
