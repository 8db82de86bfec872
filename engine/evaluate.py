"""Evaluation of a design: sizes -> capacity -> cost -> findings, in one frozen Evaluation.

`evaluate(model, options=None)` is the one entry point pages, the CLI and reports call. It is pure
(no I/O besides reading the shipped price catalog, no globals, no mutation of the model).
Meanings of the figures are in engine.capacity (units) and engine.cost (money) module docstrings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any, NamedTuple, TypeVar

from engine.capacity import ASSUMPTIONS as CAPACITY_ASSUMPTIONS
from engine.capacity import Arm, DesignSizes, PatternCapacity, pattern_capacity, split_target
from engine.cost import (
    COST_KINDS,
    DEFAULT_TARGET_UTILIZATION,
    STANDARD,
    STANDARD_IA,
    STREAM_COST_KINDS,
    BillingComparison,
    ConsumerCost,
    IdempotentAlternative,
    Load,
    TableClassComparison,
    allocate,
    class_cost,
    compare_billing,
    compare_table_classes,
    consumer_costs,
    cost_basis,
    free_tier_usd,
    idempotent_alternative,
    pattern_costs,
    replica_count,
    target_utilization,
)
from engine.cost.tables import ClassCost, FreeTierShare, total_load
from engine.findings.base import Finding
from engine.findings.design_rules import evaluation_findings
from engine.itemsize import GLOBAL_TABLE_STORAGE_OVERHEAD_BYTES, STORAGE_OVERHEAD_BYTES
from engine.model import AccessPattern, ConsumerWrite, DataModel, Table
from engine.pricing import BYTES_PER_GB, PriceCatalog, load_catalog
from engine.streams import ASSUMPTIONS as STREAM_ASSUMPTIONS
from engine.streams import (
    ConsumerFlow,
    StreamTraffic,
    TableStream,
    consumer_flow,
    max_readers_per_shard,
    readers_per_shard,
    shard_count,
    stream_traffic,
)

COST_ASSUMPTIONS = (
    "A pattern's cost is its share of what its tables bill: on-demand tables bill request units x price at the "
    "average rates (no free tier on requests), so the share is the pattern's own request cost; provisioned "
    "tables bill the capacity they hold (fixed, or auto scaling at its target "
    f"utilization, else {DEFAULT_TARGET_UTILIZATION:.0%}, within its bounds, reserved blocks), shared out in "
    "proportion to each pattern's need at that target; a provisioned table no pattern uses is idle capacity.",
    "Global tables: every write to the table (and its LSIs) is billed in replicated write units, in the "
    "region written and again in each other replica region; GSI updates are local writes at the ordinary "
    "write price in every region; every region stores the table and its indexes; reserved capacity does "
    "not cover the table's replicated writes; cross-region data transfer and the replica restore charge "
    "are not modelled.",
    "Free tier (when on): 25 GB storage and 25 RCU + 25 WCU provisioned per account, Standard class, "
    "taken by the tables in design order; it lowers table and total figures only.",
    "Stream reads by Lambda triggers are free and other stream readers are not modelled; TTL deletes "
    "are free.",
)
STREAM_COST_ASSUMPTIONS = (
    "Stream consumers (engine.cost.streams): reads by Lambda triggers are free; other readers (custom GetRecords "
    "pollers, and EventBridge Pipes' poller, an assumption) pay a stream read request unit per call; Kinesis Data "
    "Streams for DynamoDB pays change data capture units and the Kinesis stream; Lambda pays requests and "
    "GB-seconds (x86); Pipes pays requests; the Pipes target, the Kinesis readers and the idempotency markers' "
    "storage are not priced. With the free tier on, 2.5 million stream reads and Lambda's 1 million requests and "
    "400,000 GB-seconds a month are taken by the consumers in design order. A consumer's writes are derived "
    "access patterns, priced on their target tables like any pattern. TTL deletes are free.",
)
# Finding rules and their thresholds live in engine.findings (one catalog).


@dataclass(frozen=True, kw_only=True)
class EvaluateOptions:
    """What to evaluate with (each overrides the design's setting)."""

    catalog_id: str | None = None
    """Price catalog id (aws-2024-11, aws-2023, custom, or a .json path); None: the design's."""
    free_tier: bool = False
    """Deduct the free tier from table and total figures."""
    hours_per_month: float | None = None
    """Hours per month; None: the design's, else the catalog's (730)."""
    price_overrides: Mapping[str, float] | None = None
    """Edited prices (catalog field -> value) making a `custom` catalog from the chosen one."""


@dataclass(frozen=True, kw_only=True)
class CatalogInfo:
    id: str
    name: str
    date: str
    region: str
    hours_per_month: float
    sources: tuple[str, ...] = ()
    not_modelled: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class EntitySize:
    """Item size distribution of an entity, in bytes (capacity size; storage adds the overhead)."""

    entity: str
    table: str
    mean_size_bytes: float
    min_size_bytes: int
    max_size_bytes: int
    p50_size_bytes: int
    p90_size_bytes: int
    p99_size_bytes: int
    storage_bytes_per_item: float
    item_count: int


@dataclass(frozen=True, kw_only=True)
class IndexEntrySize:
    """Size of an entity's entries in one index, and the share of its items the index holds."""

    entity: str
    table: str
    index: str
    share_indexed: float
    mean_size_bytes: float
    min_size_bytes: int
    max_size_bytes: int


@dataclass(frozen=True, kw_only=True)
class PatternEvaluation:
    """Units and cost of one access pattern (names and meanings per INTERFACES.md)."""

    name: str
    operation: str
    table: str
    index: str | None
    consistency: str | None
    requests_per_second: float
    peak_requests_per_second: float
    read_units_per_request: float
    read_units_per_request_strong: float | None
    read_units_per_request_eventual: float | None
    write_units_per_request: float
    index_write_units_per_request: dict[str, float]
    arms: tuple[Arm, ...]
    read_units_per_second: float
    write_units_per_second: float
    peak_read_units_per_second: float
    peak_write_units_per_second: float
    worst_case_read_units_per_request: float | None
    monthly_usd: float
    """The pattern's share of what its tables bill for requests in the home region (engine.cost.allocation):
    its demand on on-demand tables; its share of the capacity paid on provisioned ones (free tier deducted
    when on). Pattern rows, idle capacity and storage add up to Evaluation.total_monthly_usd."""
    replication_monthly_usd: float
    """The pattern's share of the replicated writes its tables pay in the other replica regions."""
    monthly_usd_per_request_per_second: float
    """How the total responds to this pattern's average rate: USD/month per extra request/s (demand, no free tier)."""
    cost_basis: str
    """"on_demand requests" or "provisioned capacity at N% utilization"."""
    demand_monthly_usd: float = 0.0
    """The pattern's traffic priced at its tables' unit prices (provisioned: capacity at the target utilization),
    home region, no free tier: what the pattern would cost on its own (engine.cost.arms)."""
    demand_replication_monthly_usd: float = 0.0
    """Replicated writes of the pattern's traffic in the other replica regions, priced like demand_monthly_usd."""
    cost_by_table: dict[str, dict[str, float]] = field(default_factory=dict)
    """Billed USD per month by table the arms land on and kind (reads, writes, index writes, replication)."""
    derived_from: str | None = None
    """For a stream consumer's write (a derived pattern, not in the design's access_patterns): where the write is
    in the design, `tables[i].stream_consumers[j].writes[k]`; None for the design's own patterns."""


@dataclass(frozen=True, kw_only=True)
class TargetLoad:
    """Units per second one target ("<table>" or "<table>#<index>") consumes, at average and peak rates.

    Peaks are summed over patterns as if they coincided (a conservative bound).
    """

    target: str
    read_units_per_second: float
    write_units_per_second: float
    peak_read_units_per_second: float
    peak_write_units_per_second: float


@dataclass(frozen=True, kw_only=True)
class TableEvaluation:
    name: str
    billing_mode: str
    table_class: str
    item_count: int
    storage_bytes: float
    """Base table bytes including the 100 B (+48 B global) per-item overhead, one replica."""
    index_storage_bytes: dict[str, float]
    replica_count: int
    read_units_per_second: float
    write_units_per_second: float
    peak_read_units_per_second: float
    peak_write_units_per_second: float
    provisioned_read_capacity_units: float | None
    provisioned_write_capacity_units: float | None
    throughput_monthly_usd: float
    storage_monthly_usd: float
    replication_monthly_usd: float
    free_tier_usd: float
    """Deducted from throughput/storage when the free tier is on (0 otherwise)."""
    monthly_usd: float
    billing: BillingComparison
    table_class_comparison: TableClassComparison
    targets: tuple[TargetLoad, ...] = ()
    """Load per target (the table and each index that any pattern touches)."""
    idle_capacity_monthly_usd: float = 0.0
    """What the table pays for requests while no access pattern uses it (provisioned capacity with no traffic)."""
    stream_monthly_usd: float = 0.0
    """What the table's stream consumers cost (stream reads, change data capture, Kinesis, Lambda, Pipes; after
    the free tier when it is on); part of monthly_usd. Their writes are patterns on their target tables."""

    @property
    def storage_gb(self) -> float:
        return (self.storage_bytes + sum(self.index_storage_bytes.values())) / BYTES_PER_GB


@dataclass(frozen=True, kw_only=True)
class DerivedWriteEvaluation:
    """A stream consumer's write: a derived access pattern (its figures are `Evaluation.pattern(pattern)`)."""

    pattern: str
    """Name of the derived PatternEvaluation, e.g. `Orders.customer totals: UpdateItem CustomerTotals`."""
    path: str
    """`tables[i].stream_consumers[j].writes[k]`."""
    target_table: str
    operation: str
    idempotent: bool
    requests_per_second: float
    """Records per second of the stream x the consumer's filter share x writes per record."""
    peak_requests_per_second: float
    idempotent_alternative: IdempotentAlternative | None = None
    """For a non-idempotent UpdateItem (a counter): the idempotency-marker transaction and its extra cost."""


@dataclass(frozen=True, kw_only=True)
class ConsumerEvaluation:
    """One consumer of a table's stream: how it keeps up (flow), what it costs (cost) and the writes it makes."""

    name: str
    kind: str
    """lambda, kinesis, pipes or other."""
    path: str
    """`tables[i].stream_consumers[j]`."""
    flow: ConsumerFlow
    """Shards, records per second (per shard), throughput per shard, concurrency, batches, iterator age at the
    average and peak rates and through a 5-minute spike, records lost past the 24-hour retention."""
    cost: ConsumerCost
    """Monthly usage and USD by kind (stream reads, change data capture, kinesis, lambda, pipes)."""
    writes: tuple[DerivedWriteEvaluation, ...] = ()

    @property
    def monthly_usd(self) -> float:
        return self.cost.monthly_usd


@dataclass(frozen=True, kw_only=True)
class StreamEvaluation:
    """A table's DynamoDB stream: its records, shards, readers per shard and consumers (engine.streams)."""

    table: str
    view_type: str | None
    records: TableStream
    """Records per second (average, peak; from patterns, TTL and consumer writes) and their sizes."""
    shards: int
    """Open shards (assumption: one per partition of the table; engine.streams.shard_count)."""
    shard_driver: str
    """What sets the shard count: storage, throughput (provisioned or the table's own peak load), warm_throughput,
    on_demand_peak."""
    shards_by_driver: dict[str, int]
    readers_per_shard: int
    """Consumers reading each shard (Kinesis Data Streams for DynamoDB is not one)."""
    max_readers_per_shard: int
    """2, or 1 for a global table (DG/ServiceQuotas.html)."""
    consumers: tuple[ConsumerEvaluation, ...] = ()

    @property
    def monthly_usd(self) -> float:
        return sum(c.monthly_usd for c in self.consumers)

    def consumer(self, name: str) -> ConsumerEvaluation:
        for c in self.consumers:
            if c.name == name:
                return c
        raise KeyError(name)


@dataclass(frozen=True, kw_only=True)
class ScreenEvaluation:
    """One page view of the application: the requests it issues and what one view costs."""

    name: str
    requests_per_view: float
    read_units_per_view: float
    write_units_per_view: float
    usd_per_million_views: float
    """Request cost of a million views (incl. replicated writes), at the patterns' billing."""


class CostShare(NamedTuple):
    """One access pattern's share of the design's monthly total (Evaluation.cost_sensitivity)."""

    pattern: str
    share: float


@dataclass(frozen=True, kw_only=True)
class Evaluation:
    """Everything evaluate() computes for one design (frozen)."""

    catalog: CatalogInfo
    free_tier: bool
    entity_sizes: tuple[EntitySize, ...]
    index_entry_sizes: tuple[IndexEntrySize, ...]
    patterns: tuple[PatternEvaluation, ...]
    tables: tuple[TableEvaluation, ...]
    total_monthly_usd: float
    findings: tuple[Finding, ...]
    """Findings of the catalog rules computed from the evaluation (engine.findings), by severity then id."""
    assumptions: tuple[str, ...] = field(default=())
    screens: tuple[ScreenEvaluation, ...] = field(default=())
    streams: tuple[StreamEvaluation, ...] = field(default=())
    """Tables with a stream (stream_view_type set), their consumers and what they cost (engine.streams,
    engine.cost.streams)."""

    def pattern(self, name: str) -> PatternEvaluation:
        return self._by_name("patterns", "name")[name]

    def table(self, name: str) -> TableEvaluation:
        return self._by_name("tables", "name")[name]

    def entity_size(self, name: str) -> EntitySize:
        return self._by_name("entity_sizes", "entity")[name]

    def _by_name(self, records: str, key: str) -> dict[str, Any]:
        """`records` by their `key`, built once per tuple (the partition and heat passes ask thousands of times
        on a large design: a scan each time took 0.2 s). The first of a name wins, as a scan did; the index is
        kept outside the fields (not compared, not serialized) and rebuilt if the tuple is another one."""
        items = getattr(self, records)
        cached = self.__dict__.get("_index_" + records)
        if cached is None or cached[0] is not items:
            cached = (items, {getattr(r, key): r for r in reversed(items)})
            object.__setattr__(self, "_index_" + records, cached)
        return cached[1]

    def screen(self, name: str) -> ScreenEvaluation:
        for s in self.screens:
            if s.name == name:
                return s
        raise KeyError(name)

    def stream(self, table: str) -> StreamEvaluation:
        for s in self.streams:
            if s.table == table:
                return s
        raise KeyError(table)

    @property
    def design_patterns(self) -> tuple[PatternEvaluation, ...]:
        """The design's own access patterns, in design order (without stream consumers' derived writes)."""
        return tuple(p for p in self.patterns if p.derived_from is None)

    def cost_sensitivity(self) -> tuple[CostShare, ...]:
        """Each pattern's rate-driven cost as a share of the total, largest first."""
        total = self.total_monthly_usd
        rows = [CostShare(pattern=p.name,
                          share=(p.monthly_usd + p.replication_monthly_usd) / total if total > 0 else 0.0)
                for p in self.patterns]
        return tuple(sorted(rows, key=lambda r: -r.share))

    def cost_by_kind(self) -> dict[str, float]:
        """The design's monthly cost by kind (reads, writes, index writes, replication, storage, idle capacity, and
        the stream consumers' stream reads, change data capture, kinesis, lambda, pipes; USD): the billed pattern
        shares (derived consumer writes included), the tables' storage and idle capacity and the consumers' costs,
        adding up to the total."""
        totals = dict.fromkeys((*COST_KINDS, "storage", "idle capacity", *STREAM_COST_KINDS), 0.0)
        for p in self.patterns:
            for parts in p.cost_by_table.values():
                for kind, usd in parts.items():
                    totals[kind] += usd
        for t in self.tables:
            totals["storage"] += t.storage_monthly_usd
            totals["idle capacity"] += t.idle_capacity_monthly_usd
        for stream in self.streams:
            for consumer in stream.consumers:
                for kind, usd in consumer.cost.monthly_usd_by_kind.items():
                    totals[kind] += usd
        return totals

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# ------------------------------------------------------------------------------------- helpers
def _resolve_catalog(model: DataModel, options: EvaluateOptions) -> tuple[PriceCatalog, float]:
    catalog = load_catalog(options.catalog_id or model.price_catalog, options.price_overrides or None)
    hours = options.hours_per_month or model.hours_per_month or catalog.hours_per_month
    return catalog, hours


def _catalog_info(catalog: PriceCatalog, hours: float) -> CatalogInfo:
    return CatalogInfo(
        id=catalog.id, name=catalog.name, date=catalog.date, region=catalog.region, hours_per_month=hours,
        sources=catalog.sources, not_modelled=catalog.not_modelled)


def _entity_sizes(model: DataModel, sizes: DesignSizes) -> tuple[EntitySize, ...]:
    out = []
    for entity in model.entities:
        dist = sizes.item(entity.name)
        table = model.table(entity.table)
        overhead = STORAGE_OVERHEAD_BYTES + (GLOBAL_TABLE_STORAGE_OVERHEAD_BYTES if table.global_table else 0)
        q = dist.quantiles((0.5, 0.9, 0.99))
        out.append(EntitySize(
            entity=entity.name, table=entity.table, mean_size_bytes=dist.mean, min_size_bytes=dist.min,
            max_size_bytes=dist.max, p50_size_bytes=q[0.5], p90_size_bytes=q[0.9], p99_size_bytes=q[0.99],
            storage_bytes_per_item=dist.mean + overhead, item_count=entity.item_count))
    return tuple(out)


def _index_entry_sizes(model: DataModel, sizes: DesignSizes) -> tuple[IndexEntrySize, ...]:
    out = []
    for entity in model.entities:
        table = model.table(entity.table)
        for index in (*table.gsis, *table.lsis):
            share = sizes.share(entity.name, index.name)
            if share <= 0:
                continue
            dist = sizes.entry(entity.name, index.name)
            out.append(IndexEntrySize(
                entity=entity.name, table=table.name, index=index.name, share_indexed=share,
                mean_size_bytes=dist.mean, min_size_bytes=dist.min, max_size_bytes=dist.max))
    return tuple(out)


# ------------------------------------------------------------------------------------- patterns
def _evaluate_pattern(model: DataModel, pattern: AccessPattern, cap: PatternCapacity, catalog: PriceCatalog,
                      hours: float) -> PatternEvaluation:
    """A pattern's units and demand; its billed share (monthly_usd) is set once the tables are priced."""
    table = model.table(pattern.table)
    rps, peak = pattern.requests_per_second, pattern.peak_rps
    # every price is linear in the rate (units x price, or capacity at the target x hourly price): price one
    # request per second once, scale it to the pattern's rate
    unit = pattern_costs(model, cap.arms, 1.0, catalog, hours)
    demand = {t: {kind: usd * rps for kind, usd in parts.items()} for t, parts in unit.items()}
    home = sum(v for parts in demand.values() for k, v in parts.items() if k != "replication")
    replication = sum(parts["replication"] for parts in demand.values())
    consistency = getattr(pattern, "consistency", None) if pattern.is_read else None
    if consistency is not None and pattern.index is not None and table.index(pattern.index) in table.gsis:
        consistency = "eventual"  # GSI reads are eventually consistent only (DG/GSI.html)
    if pattern.operation == "TransactGetItems":
        # serializable reads billed as transactional (2 units per 4 KB, DG/transaction-apis.html), whatever the
        # pattern's consistency field says (engine.consistency labels them the same way)
        consistency = "transactional"
    return PatternEvaluation(
        name=pattern.name, operation=pattern.operation, table=pattern.table, index=pattern.index,
        consistency=consistency, requests_per_second=rps, peak_requests_per_second=peak,
        read_units_per_request=cap.read_units_per_request,
        read_units_per_request_strong=cap.read_units_per_request_strong,
        read_units_per_request_eventual=cap.read_units_per_request_eventual,
        write_units_per_request=cap.write_units_per_request,
        index_write_units_per_request=dict(cap.index_write_units_per_request), arms=cap.arms,
        read_units_per_second=cap.read_units_per_request * rps,
        write_units_per_second=cap.write_units_per_request * rps,
        peak_read_units_per_second=cap.read_units_per_request * peak,
        peak_write_units_per_second=cap.write_units_per_request * peak,
        worst_case_read_units_per_request=cap.worst_case_read_units_per_request, monthly_usd=home,
        replication_monthly_usd=replication,
        monthly_usd_per_request_per_second=sum(sum(parts.values()) for parts in unit.values()),
        cost_basis=cost_basis(table), demand_monthly_usd=home, demand_replication_monthly_usd=replication,
        cost_by_table=demand)


def _billed(patterns: tuple[PatternEvaluation, ...],
            tables: tuple[TableEvaluation, ...]) -> tuple[tuple[PatternEvaluation, ...], tuple[TableEvaluation, ...]]:
    """Share each table's request bill out to its patterns (engine.cost.allocation) and mark idle capacity."""
    bills = {t.name: t.throughput_monthly_usd + t.replication_monthly_usd for t in tables}
    billed, idle = allocate([p.cost_by_table for p in patterns], bills)
    out = []
    for p, by_table in zip(patterns, billed, strict=True):
        replication = sum(parts["replication"] for parts in by_table.values())
        home = sum(sum(parts.values()) for parts in by_table.values()) - replication
        out.append(_updated(p, monthly_usd=home, replication_monthly_usd=replication, cost_by_table=by_table))
    return tuple(out), tuple(_updated(t, idle_capacity_monthly_usd=idle.get(t.name, 0.0)) for t in tables)


# --------------------------------------------------------------------------------------- tables
def _target_loads(patterns: tuple[PatternEvaluation, ...], peak: bool) -> dict[str, dict[str, Load]]:
    """Load per target, per table, from every pattern with an arm on it (a transaction may span tables).

    One pass over the patterns' arms for the whole design (linear in the patterns, not tables x patterns)."""
    sums: dict[str, dict[str, list[float]]] = {}
    for p in patterns:
        rate = p.peak_requests_per_second if peak else p.requests_per_second
        for arm in p.arms:
            table = sums.setdefault(split_target(arm.target)[0], {})
            total = table.setdefault(arm.target, [0.0, 0.0])
            total[0] += arm.read_units_per_request * rate
            total[1] += arm.write_units_per_request * rate
    return {table: {target: Load(read, write) for target, (read, write) in targets.items()}
            for table, targets in sums.items()}


def _storage_bytes(model: DataModel, table: Table, entity_sizes: Sequence[EntitySize],
                   entries: Sequence[IndexEntrySize]) -> tuple[float, dict[str, float]]:
    """(base table bytes, bytes per index) of a table from its own entities' and index entries' sizes."""
    base = sum(e.item_count * e.storage_bytes_per_item for e in entity_sizes if e.table == table.name)
    counts = {e.entity: e.item_count for e in entity_sizes}
    per_index = {i.name: 0.0 for i in (*table.gsis, *table.lsis)}
    for entry in entries:
        if entry.table == table.name:
            per_index[entry.index] += counts[entry.entity] * entry.share_indexed * (
                entry.mean_size_bytes + STORAGE_OVERHEAD_BYTES)
    return base, per_index


def _evaluate_tables(model: DataModel, patterns: tuple[PatternEvaluation, ...], entity_sizes: tuple[EntitySize, ...],
                     entries: tuple[IndexEntrySize, ...], catalog: PriceCatalog, hours: float,
                     free_tier: bool) -> tuple[TableEvaluation, ...]:
    drafts = []
    sizes_of: dict[str, list[EntitySize]] = {}  # each table's entities and index entries, in design order
    for size in entity_sizes:
        sizes_of.setdefault(size.table, []).append(size)
    entries_of: dict[str, list[IndexEntrySize]] = {}
    for entry in entries:
        entries_of.setdefault(entry.table, []).append(entry)
    average_loads, peak_loads_by_table = _target_loads(patterns, peak=False), _target_loads(patterns, peak=True)
    for table in model.tables:
        loads = average_loads.get(table.name, {})
        peak_loads = peak_loads_by_table.get(table.name, {})
        base_bytes, index_bytes = _storage_bytes(model, table, sizes_of.get(table.name, ()),
                                                 entries_of.get(table.name, ()))
        stored = base_bytes + sum(index_bytes.values())
        costs = {cls: class_cost(table, cls, loads, stored, catalog, hours) for cls in (STANDARD, STANDARD_IA)}
        drafts.append(_TableDraft(table=table, loads=loads, peak_loads=peak_loads, base_bytes=base_bytes,
                                  index_bytes=index_bytes, costs=costs))
    free = (free_tier_usd([(d.table, d.base_bytes + sum(d.index_bytes.values()), d.costs[STANDARD]) for d in drafts],
                          catalog, hours)
            if free_tier else [FreeTierShare(throughput_usd=0.0, storage_usd=0.0)] * len(drafts))
    return tuple(_table_evaluation(d, f, catalog, hours) for d, f in zip(drafts, free, strict=True))


class _TableDraft(NamedTuple):
    """A table's loads, storage and class costs before the free tier is shared out."""

    table: Table
    loads: dict[str, Load]
    peak_loads: dict[str, Load]
    base_bytes: float
    index_bytes: dict[str, float]
    costs: dict[str, ClassCost]


def _table_evaluation(draft: _TableDraft, free: FreeTierShare, catalog: PriceCatalog, hours: float) -> TableEvaluation:
    table, loads, peak_loads, base_bytes, index_bytes, costs = draft
    cost = costs[table.table_class]
    average, peak = total_load(loads), total_load(peak_loads)
    billing = compare_billing(average, peak, catalog, table.table_class, hours, target_utilization(table),
                              reservable_writes=table.global_table is None)
    std, ia = costs[STANDARD], costs[STANDARD_IA]
    classes = compare_table_classes(std.throughput + std.storage + std.replication,
                                    ia.throughput + ia.storage + ia.replication, std.storage, std.throughput)
    throughput = cost.throughput - free.throughput_usd
    storage = cost.storage - free.storage_usd
    cap = cost.capacity
    return TableEvaluation(
        name=table.name, billing_mode=table.billing.mode, table_class=table.table_class, item_count=0,
        storage_bytes=base_bytes, index_storage_bytes=index_bytes, replica_count=replica_count(table),
        read_units_per_second=average.read_units_per_second,
        write_units_per_second=average.write_units_per_second,
        peak_read_units_per_second=peak.read_units_per_second,
        peak_write_units_per_second=peak.write_units_per_second,
        provisioned_read_capacity_units=None if cap is None else cap.read_units_per_second,
        provisioned_write_capacity_units=None if cap is None else cap.write_units_per_second,
        throughput_monthly_usd=throughput, storage_monthly_usd=storage,
        replication_monthly_usd=cost.replication, free_tier_usd=free.throughput_usd + free.storage_usd,
        monthly_usd=throughput + storage + cost.replication, billing=billing, table_class_comparison=classes,
        targets=_target_rows(table.name, loads, peak_loads))


def _target_rows(table: str, loads: Mapping[str, Load], peak_loads: Mapping[str, Load]) -> tuple[TargetLoad, ...]:
    names = sorted(set(loads) | set(peak_loads), key=lambda t: (t != table, t))
    return tuple(TargetLoad(target=t, read_units_per_second=loads.get(t, Load()).read_units_per_second,
                            write_units_per_second=loads.get(t, Load()).write_units_per_second,
                            peak_read_units_per_second=peak_loads.get(t, Load()).read_units_per_second,
                            peak_write_units_per_second=peak_loads.get(t, Load()).write_units_per_second)
                 for t in names)


def _evaluate_screens(model: DataModel, patterns: tuple[PatternEvaluation, ...], hours: float) -> tuple[ScreenEvaluation, ...]:
    by_name = {p.name: p for p in patterns}
    seconds = hours * 3600
    out = []
    for screen in model.screens:
        calls = [(name, 1) for name in screen.access_patterns] + list(screen.repeat)
        rows = [(by_name[name], times) for name, times in calls if name in by_name]
        out.append(ScreenEvaluation(
            name=screen.name, requests_per_view=float(sum(t for _, t in rows)),
            read_units_per_view=sum(p.read_units_per_request * t for p, t in rows),
            write_units_per_view=sum(p.write_units_per_request * t for p, t in rows),
            usd_per_million_views=sum(p.monthly_usd_per_request_per_second / seconds * t for p, t in rows) * 1_000_000))
    return tuple(out)


_Record = TypeVar("_Record")


def _updated(record: _Record, **changes: Any) -> _Record:
    """A copy of a result record with some fields changed: dataclasses.replace without re-running __init__ over
    every field (hundreds of copies per evaluate took 6 ms of a 200-pattern design's 45 ms). Only for this
    module's plain frozen records (no __post_init__, no slots); an unknown field name is refused."""
    unknown = set(changes) - record.__dict__.keys()
    if unknown:
        raise TypeError(f"{type(record).__name__} has no field(s) {sorted(unknown)}")
    copy = object.__new__(type(record))
    copy.__dict__.update(record.__dict__)
    copy.__dict__.update(changes)
    return copy


# ------------------------------------------------------------------------------------ entry point
def evaluate(model: DataModel, options: EvaluateOptions | None = None) -> Evaluation:
    """Sizes, units, costs and findings of a design (pure; see module docstrings for meanings)."""
    options = options or EvaluateOptions()
    catalog, hours = _resolve_catalog(model, options)
    sizes = DesignSizes(model)
    entity_sizes = _entity_sizes(model, sizes)
    entries = _index_entry_sizes(model, sizes)
    traffic = stream_traffic(model, sizes)
    patterns = tuple(_evaluate_pattern(model, p, pattern_capacity(model, sizes, p), catalog, hours)
                     for p in model.access_patterns)
    patterns += tuple(replace(_evaluate_pattern(model, d.pattern, d.capacity, catalog, hours), derived_from=d.path)
                      for d in traffic.derived)
    tables = _evaluate_tables(model, patterns, entity_sizes, entries, catalog, hours, options.free_tier)
    patterns, tables = _billed(patterns, tables)
    counts = {t.name: 0 for t in tables}
    for size in entity_sizes:  # one pass (was tables x entities)
        counts[size.table] += size.item_count
    tables = tuple(_with_count(t, counts[t.name]) for t in tables)
    streams = _evaluate_streams(model, traffic, patterns, tables, catalog, hours, options.free_tier)
    tables = _with_stream_costs(tables, streams)
    has_consumers = any(t.stream_consumers for t in model.tables)
    assumptions = (*CAPACITY_ASSUMPTIONS, *COST_ASSUMPTIONS) if not has_consumers else \
        (*CAPACITY_ASSUMPTIONS, *COST_ASSUMPTIONS[:-1], *STREAM_COST_ASSUMPTIONS, *STREAM_ASSUMPTIONS)
    evaluation = Evaluation(
        catalog=_catalog_info(catalog, hours), free_tier=options.free_tier, entity_sizes=entity_sizes,
        index_entry_sizes=entries, patterns=patterns, tables=tables,
        total_monthly_usd=sum(t.monthly_usd for t in tables), findings=(), assumptions=assumptions,
        screens=_evaluate_screens(model, patterns, hours), streams=streams)
    return replace(evaluation, findings=_sorted(evaluation_findings(model, evaluation)))


# --------------------------------------------------------------------------------------- streams
def _evaluate_streams(model: DataModel, traffic: StreamTraffic, patterns: tuple[PatternEvaluation, ...],
                      tables: tuple[TableEvaluation, ...], catalog: PriceCatalog, hours: float,
                      free_tier: bool) -> tuple[StreamEvaluation, ...]:
    """Shards, readers, consumer flows and consumer costs of every table with a stream (engine.streams,
    engine.cost.streams); the free tier's stream reads and Lambda allowance go to the consumers in design order."""
    by_name = {t.name: t for t in tables}
    derived = {p.derived_from: p for p in patterns if p.derived_from is not None}
    drafts = []
    for i, table in enumerate(model.tables):
        if table.stream_view_type is None:
            continue
        te = by_name[table.name]
        shards = shard_count(table, te.storage_bytes, te.peak_read_units_per_second, te.peak_write_units_per_second)
        records = traffic.table(table.name)
        flows = [(consumer, consumer_flow(table, f"tables[{i}].stream_consumers[{j}]", consumer, records,
                                          shards.shards), records)
                 for j, consumer in enumerate(table.stream_consumers)]
        drafts.append((table, records, shards, flows))
    items = [item for _, _, _, flows in drafts for item in flows]
    costs = iter(consumer_costs(items, catalog, hours, free_tier))
    out = []
    for table, records, shards, flows in drafts:
        consumers = []
        for consumer, flow, _ in flows:
            writes = tuple(_derived_write(model, derived[f"{flow.path}.writes[{k}]"], write, catalog, hours)
                           for k, write in enumerate(consumer.writes))
            consumers.append(ConsumerEvaluation(
                name=consumer.name, kind=consumer.kind, path=flow.path, flow=flow, cost=next(costs),
                writes=writes))
        out.append(StreamEvaluation(
            table=table.name, view_type=table.stream_view_type, records=records, shards=shards.shards,
            shard_driver=shards.driver, shards_by_driver=shards.by_driver, readers_per_shard=readers_per_shard(table),
            max_readers_per_shard=max_readers_per_shard(table), consumers=tuple(consumers)))
    return tuple(out)


def _derived_write(model: DataModel, pe: PatternEvaluation, write: ConsumerWrite, catalog: PriceCatalog,
                   hours: float) -> DerivedWriteEvaluation:
    alternative = None
    if write.operation == "UpdateItem" and not write.idempotent:
        alternative = idempotent_alternative(model.table(write.table), pe.arms, pe.requests_per_second, catalog, hours)
    return DerivedWriteEvaluation(
        pattern=pe.name, path=pe.derived_from or "", target_table=write.table, operation=write.operation,
        idempotent=write.idempotent, requests_per_second=pe.requests_per_second,
        peak_requests_per_second=pe.peak_requests_per_second, idempotent_alternative=alternative)


def _with_stream_costs(tables: tuple[TableEvaluation, ...],
                       streams: tuple[StreamEvaluation, ...]) -> tuple[TableEvaluation, ...]:
    costs = {s.table: s.monthly_usd for s in streams}
    return tuple(_updated(t, stream_monthly_usd=costs[t.name], monthly_usd=t.monthly_usd + costs[t.name])
                 if costs.get(t.name) else t for t in tables)


def _sorted(findings: tuple[Finding, ...]) -> tuple[Finding, ...]:
    from engine.findings.base import severity_rank

    return tuple(sorted(findings, key=lambda f: (severity_rank(f.severity), f.rule_id)))


def _with_count(table: TableEvaluation, count: int) -> TableEvaluation:
    return _updated(table, item_count=count)


__all__ = [
    "CatalogInfo", "ConsumerEvaluation", "CostShare", "DerivedWriteEvaluation", "EntitySize", "EvaluateOptions", "Evaluation",
    "Finding", "IndexEntrySize", "PatternEvaluation", "ScreenEvaluation", "StreamEvaluation", "TableEvaluation",
    "TargetLoad", "evaluate",
]
