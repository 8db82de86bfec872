"""Evaluation of a design: sizes -> capacity -> cost -> findings, in one frozen Evaluation.

`evaluate(model, options=None)` is the one entry point pages, the CLI and reports call. It is pure
(no I/O besides reading the shipped price catalog, no globals, no mutation of the model).
Meanings of the figures are in engine.capacity (units) and engine.cost (money) module docstrings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from engine.capacity import ASSUMPTIONS as CAPACITY_ASSUMPTIONS
from engine.capacity import Arm, DesignSizes, PatternCapacity, pattern_capacity, target_name
from engine.cost import (
    DEFAULT_TARGET_UTILIZATION,
    STANDARD,
    STANDARD_IA,
    BillingComparison,
    Load,
    TableClassComparison,
    capacity_for_load,
    compare_billing,
    compare_table_classes,
    free_tier_split,
    home_write_units_per_second,
    on_demand_monthly_usd,
    provisioned_monthly_usd,
    provisioned_with_reservation_usd,
    replica_writes_monthly_usd,
    storage_monthly_usd,
    usd_text,
)
from engine.itemsize import GLOBAL_TABLE_STORAGE_OVERHEAD_BYTES, MAX_ITEM_BYTES, STORAGE_OVERHEAD_BYTES
from engine.pricing import BYTES_PER_GB, PriceCatalog, load_catalog

COST_ASSUMPTIONS = (
    "On-demand: a pattern's monthly_usd is its request units x price at the average rate, no free tier.",
    "Provisioned: a pattern's monthly_usd is the capacity it needs at the table's target utilization "
    f"(auto scaling target, else {DEFAULT_TARGET_UTILIZATION:.0%}) priced per unit-hour.",
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
# Finding thresholds (product choices, not AWS figures).
OVER_READ_KEEP_SHARE = 0.5
LARGE_WRITE_UNITS = 4
ITEM_SIZE_WARNING_BYTES = 300 * 1024
SCAN_WARNING_REQUESTS_PER_SECOND = 1 / 60
BILLING_SAVING_SHARE = 0.2


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class CatalogInfo:
    id: str
    name: str
    date: str
    region: str
    hours_per_month: float
    sources: tuple[str, ...] = ()
    not_modelled: tuple[str, ...] = ()


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class IndexEntrySize:
    """Size of an entity's entries in one index, and the share of its items the index holds."""

    entity: str
    table: str
    index: str
    share_indexed: float
    mean_size_bytes: float
    min_size_bytes: int
    max_size_bytes: int


@dataclass(frozen=True)
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
    """Request cost at the average rate in the home region, no free tier (see cost_basis)."""
    replication_monthly_usd: float
    """Replicated writes this pattern causes in the other replica regions."""
    monthly_usd_per_request_per_second: float
    """How the total responds to this pattern's average rate: USD/month per extra request/s."""
    cost_basis: str
    """"on_demand requests" or "provisioned capacity at N% utilization"."""


@dataclass(frozen=True)
class TargetLoad:
    """Units per second one target ("<table>" or "<table>#<index>") consumes, at average and peak rates.

    Peaks are summed over patterns as if they coincided (a conservative bound).
    """

    target: str
    read_units_per_second: float
    write_units_per_second: float
    peak_read_units_per_second: float
    peak_write_units_per_second: float


@dataclass(frozen=True)
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

    @property
    def storage_gb(self) -> float:
        return (self.storage_bytes + sum(self.index_storage_bytes.values())) / BYTES_PER_GB


@dataclass(frozen=True)
class ScreenEvaluation:
    """One page view of the application: the requests it issues and what one view costs."""

    name: str
    requests_per_view: float
    read_units_per_view: float
    write_units_per_view: float
    usd_per_million_views: float
    """Request cost of a million views (incl. replicated writes), at the patterns' billing."""


@dataclass(frozen=True)
class Finding:
    rule_id: str
    severity: str
    path: str
    message: str
    fix: str


@dataclass(frozen=True)
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
    assumptions: tuple[str, ...] = field(default=())
    screens: tuple[ScreenEvaluation, ...] = field(default=())

    def pattern(self, name: str) -> PatternEvaluation:
        for p in self.patterns:
            if p.name == name:
                return p
        raise KeyError(name)

    def table(self, name: str) -> TableEvaluation:
        for t in self.tables:
            if t.name == name:
                return t
        raise KeyError(name)

    def entity_size(self, name: str) -> EntitySize:
        for e in self.entity_sizes:
            if e.entity == name:
                return e
        raise KeyError(name)

    def screen(self, name: str) -> ScreenEvaluation:
        for s in self.screens:
            if s.name == name:
                return s
        raise KeyError(name)

    def cost_sensitivity(self) -> tuple[tuple[str, float], ...]:
        """(pattern, share of the total) of each pattern's rate-driven cost, largest first."""
        total = self.total_monthly_usd
        rows = [(p.name, (p.monthly_usd + p.replication_monthly_usd) / total if total > 0 else 0.0)
                for p in self.patterns]
        return tuple(sorted(rows, key=lambda r: -r[1]))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# ------------------------------------------------------------------------------------- helpers
def _resolve_catalog(model: Any, options: EvaluateOptions) -> tuple[PriceCatalog, float]:
    catalog = load_catalog(options.catalog_id or model.price_catalog, options.price_overrides or None)
    hours = options.hours_per_month or model.hours_per_month or catalog.hours_per_month
    return catalog, hours


def _catalog_info(catalog: PriceCatalog, hours: float) -> CatalogInfo:
    return CatalogInfo(catalog.id, catalog.name, catalog.date, catalog.region, hours, catalog.sources,
                       catalog.not_modelled)


def _replicas(table: Any) -> int:
    return len(table.global_table.regions) if table.global_table is not None else 1


def _target_utilization(table: Any) -> float:
    billing = table.billing
    scaling = getattr(billing, "auto_scaling", None)
    return scaling.target_utilization if scaling is not None else DEFAULT_TARGET_UTILIZATION


def _entity_sizes(model: Any, sizes: DesignSizes) -> tuple[EntitySize, ...]:
    out = []
    for entity in model.entities:
        dist = sizes.item(entity.name)
        table = model.table(entity.table)
        overhead = STORAGE_OVERHEAD_BYTES + (GLOBAL_TABLE_STORAGE_OVERHEAD_BYTES if table.global_table else 0)
        q = dist.quantiles((0.5, 0.9, 0.99))
        out.append(EntitySize(entity.name, entity.table, dist.mean, dist.min, dist.max, q[0.5], q[0.9], q[0.99],
                              dist.mean + overhead, entity.item_count))
    return tuple(out)


def _index_entry_sizes(model: Any, sizes: DesignSizes) -> tuple[IndexEntrySize, ...]:
    out = []
    for entity in model.entities:
        table = model.table(entity.table)
        for index in (*table.gsis, *table.lsis):
            share = sizes.share(entity.name, index.name)
            if share <= 0:
                continue
            dist = sizes.entry(entity.name, index.name)
            out.append(IndexEntrySize(entity.name, table.name, index.name, share, dist.mean, dist.min, dist.max))
    return tuple(out)


# ------------------------------------------------------------------------------------- patterns
def _gsi_targets(table: Any) -> frozenset[str]:
    return frozenset(target_name(table.name, g.name) for g in table.gsis)


def _write_split(table: Any, loads: Mapping[str, Load]) -> tuple[float, float]:
    """(table + LSI write units/s, GSI write units/s): global tables bill them at different prices."""
    gsis = _gsi_targets(table)
    gsi = sum(load.write_units_per_second for t, load in loads.items() if t in gsis)
    return sum(load.write_units_per_second for t, load in loads.items() if t not in gsis), gsi


def _arm_table(target: str) -> str:
    """The table an arm's target ("<table>" or "<table>#<index>") belongs to (table names have no '#')."""
    return target.split("#", 1)[0]


def _pattern_cost(model: Any, pattern_table: Any, cap: PatternCapacity, rps: float, catalog: PriceCatalog,
                  hours: float) -> tuple[float, float, str]:
    """(home cost, replication, basis): each arm priced by the table it lands on (a transaction may span tables)."""
    by_table: dict[str, list[Arm]] = {}
    for arm in cap.arms:
        by_table.setdefault(_arm_table(arm.target), []).append(arm)
    cost = replication = 0.0
    for name, arms in by_table.items():
        table = pattern_table if name == pattern_table.name else model.table(name)
        c, r = _table_arms_cost(table, arms, rps, catalog, hours)
        cost, replication = cost + c, replication + r
    return cost, replication, _cost_basis(pattern_table)


def _cost_basis(table: Any) -> str:
    if table.billing.mode == "on_demand":
        return "on_demand requests"
    return f"provisioned capacity at {_target_utilization(table):.0%} utilization"


def _table_arms_cost(table: Any, arms: list[Arm], rps: float, catalog: PriceCatalog,
                     hours: float) -> tuple[float, float]:
    """(home cost, replication) of a pattern's arms on one table, priced by that table's billing and class."""
    table_w, gsi_w = _write_split(table, {a.target: Load(0.0, a.write_units_per_request * rps) for a in arms})
    # home region: a global table's writes are replicated write units, its GSI writes ordinary ones (DOMAIN.md §3)
    load = Load(sum(a.read_units_per_request for a in arms) * rps,
                home_write_units_per_second(table_w, gsi_w, catalog, table.global_table is not None))
    other = _replicas(table) - 1
    if table.billing.mode == "on_demand":
        cost = on_demand_monthly_usd(load, catalog, table.table_class, hours)
        replication = replica_writes_monthly_usd(table_w, gsi_w, other, catalog, table.table_class, hours,
                                                 provisioned=False)
        return cost, replication
    target = _target_utilization(table)
    need = capacity_for_load(load, target)
    cost = provisioned_monthly_usd(need.read_units_per_second, need.write_units_per_second, catalog,
                                   table.table_class, hours)
    replication = replica_writes_monthly_usd(table_w, gsi_w, other, catalog, table.table_class, hours,
                                             provisioned=True, target_utilization=target)
    return cost, replication


def _evaluate_pattern(model: Any, pattern: Any, cap: PatternCapacity, catalog: PriceCatalog,
                      hours: float) -> PatternEvaluation:
    table = model.table(pattern.table)
    rps, peak = pattern.requests_per_second, pattern.peak_rps
    cost, replication, basis = _pattern_cost(model, table, cap, rps, catalog, hours)
    unit_cost, unit_replication, _ = _pattern_cost(model, table, cap, 1.0, catalog, hours)
    consistency = getattr(pattern, "consistency", None) if pattern.is_read else None
    if consistency is not None and pattern.index is not None and table.index(pattern.index) in table.gsis:
        consistency = "eventual"  # GSI reads are eventually consistent only (DG/GSI.html)
    if pattern.operation == "TransactGetItems":
        # serializable reads billed as transactional (2 units per 4 KB, DG/transaction-apis.html), whatever the
        # pattern's consistency field says (engine.consistency labels them the same way)
        consistency = "transactional"
    return PatternEvaluation(
        pattern.name, pattern.operation, pattern.table, pattern.index, consistency, rps, peak,
        cap.read_units_per_request, cap.read_units_per_request_strong, cap.read_units_per_request_eventual,
        cap.write_units_per_request, dict(cap.index_write_units_per_request), cap.arms,
        cap.read_units_per_request * rps, cap.write_units_per_request * rps,
        cap.read_units_per_request * peak, cap.write_units_per_request * peak,
        cap.worst_case_read_units_per_request, cost, replication, unit_cost + unit_replication, basis)


# --------------------------------------------------------------------------------------- tables
def _target_loads(patterns: tuple[PatternEvaluation, ...], table: str, peak: bool) -> dict[str, Load]:
    """Load per target of one table, from every pattern with an arm on it (a transaction may span tables)."""
    loads: dict[str, Load] = {}
    for p in patterns:
        rate = p.peak_requests_per_second if peak else p.requests_per_second
        for arm in p.arms:
            if _arm_table(arm.target) != table:
                continue
            load = Load(arm.read_units_per_request * rate, arm.write_units_per_request * rate)
            loads[arm.target] = loads.get(arm.target, Load()) + load
    return loads


def _total(loads: Mapping[str, Load]) -> Load:
    total = Load()
    for load in loads.values():
        total = total + load
    return total


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def _group_capacity(consumed: Load, provisioned: Any, target: float) -> Load:
    """Provisioned capacity of a table (or GSI): fixed, or auto scaling tracking load / target within bounds."""
    scaling = provisioned.auto_scaling
    if scaling is None:
        return Load(provisioned.read_capacity_units, provisioned.write_capacity_units)
    need = capacity_for_load(consumed, target)
    return Load(_clamp(need.read_units_per_second, scaling.min_read_capacity_units, scaling.max_read_capacity_units),
                _clamp(need.write_units_per_second, scaling.min_write_capacity_units,
                       scaling.max_write_capacity_units))


def _provisioned_capacities(table: Any, loads: Mapping[str, Load]) -> tuple[Load, dict[str, Load]]:
    """Capacity of the table (its own arm + LSI arms, which share it) and of each GSI."""
    target = _target_utilization(table)
    gsi_targets = {target_name(table.name, g.name): g for g in table.gsis}
    table_load = _total({t: load for t, load in loads.items() if t not in gsi_targets})
    table_cap = _group_capacity(table_load, table.billing, target)
    gsi_caps = {}
    for tname, gsi in gsi_targets.items():
        if gsi.provisioned is None:
            gsi_caps[tname] = capacity_for_load(loads.get(tname, Load()), target)
        else:
            scaling_target = gsi.provisioned.auto_scaling.target_utilization if gsi.provisioned.auto_scaling else target
            gsi_caps[tname] = _group_capacity(loads.get(tname, Load()), gsi.provisioned, scaling_target)
    return table_cap, gsi_caps


@dataclass(frozen=True)
class _ClassCost:
    throughput: float
    storage: float
    replication: float
    capacity: Load | None


def _class_cost(table: Any, table_class: str, loads: Mapping[str, Load], storage_bytes: float,
                catalog: PriceCatalog, hours: float) -> _ClassCost:
    replicas = _replicas(table)
    global_table = table.global_table is not None
    storage = storage_monthly_usd(storage_bytes, catalog, table_class, replicas)
    total = _total(loads)
    if table.billing.mode == "on_demand":
        table_w, gsi_w = _write_split(table, loads)
        billed = Load(total.read_units_per_second, home_write_units_per_second(table_w, gsi_w, catalog, global_table))
        throughput = on_demand_monthly_usd(billed, catalog, table_class, hours)
        replication = replica_writes_monthly_usd(table_w, gsi_w, replicas - 1, catalog, table_class, hours,
                                                 provisioned=False)
        return _ClassCost(throughput, storage, replication, None)
    table_cap, gsi_caps = _provisioned_capacities(table, loads)
    reserved_read = table.billing.reserved_read_capacity_units if table_class == STANDARD else 0
    # reserved capacity does not cover replicated write units (DOMAIN.md §3): a global table's own writes
    reserved_write = table.billing.reserved_write_capacity_units if table_class == STANDARD and not global_table else 0
    table_write = home_write_units_per_second(table_cap.write_units_per_second, 0.0, catalog, global_table)
    throughput = provisioned_with_reservation_usd(table_cap.read_units_per_second, table_write,
                                                  reserved_read, reserved_write, catalog, table_class, hours)
    all_cap = table_cap
    for cap in gsi_caps.values():
        throughput += provisioned_monthly_usd(cap.read_units_per_second, cap.write_units_per_second, catalog,
                                              table_class, hours)
        all_cap = all_cap + cap
    # replicas provision the same write capacity: the table's at the replicated write price, GSIs' at the write price
    gsi_write = sum(cap.write_units_per_second for cap in gsi_caps.values())
    replication = replica_writes_monthly_usd(table_cap.write_units_per_second, gsi_write, replicas - 1, catalog,
                                             table_class, hours, provisioned=True)
    return _ClassCost(throughput, storage, replication, all_cap)


def _storage_bytes(model: Any, table: Any, entity_sizes: tuple[EntitySize, ...],
                   entries: tuple[IndexEntrySize, ...]) -> tuple[float, dict[str, float]]:
    base = sum(e.item_count * e.storage_bytes_per_item for e in entity_sizes if e.table == table.name)
    counts = {e.entity: e.item_count for e in entity_sizes}
    per_index = {i.name: 0.0 for i in (*table.gsis, *table.lsis)}
    for entry in entries:
        if entry.table == table.name:
            per_index[entry.index] += counts[entry.entity] * entry.share_indexed * (
                entry.mean_size_bytes + STORAGE_OVERHEAD_BYTES)
    return base, per_index


def _evaluate_tables(model: Any, patterns: tuple[PatternEvaluation, ...], entity_sizes: tuple[EntitySize, ...],
                     entries: tuple[IndexEntrySize, ...], catalog: PriceCatalog, hours: float,
                     free_tier: bool) -> tuple[TableEvaluation, ...]:
    drafts = []
    for table in model.tables:
        loads = _target_loads(patterns, table.name, peak=False)
        peak_loads = _target_loads(patterns, table.name, peak=True)
        base_bytes, index_bytes = _storage_bytes(model, table, entity_sizes, entries)
        stored = base_bytes + sum(index_bytes.values())
        costs = {cls: _class_cost(table, cls, loads, stored, catalog, hours) for cls in (STANDARD, STANDARD_IA)}
        drafts.append((table, loads, peak_loads, base_bytes, index_bytes, costs))
    free = _free_tier(drafts, catalog, hours) if free_tier else [(0.0, 0.0)] * len(drafts)
    return tuple(_table_evaluation(d, f, catalog, hours) for d, f in zip(drafts, free, strict=True))


def _free_tier(drafts: list, catalog: PriceCatalog, hours: float) -> list[tuple[float, float]]:
    """(throughput, storage) USD the free tier covers per table: Standard class, provisioned RCU/WCU, storage."""
    standard = [d for d in drafts if d[0].table_class == STANDARD]
    gb = free_tier_split([(d[3] + sum(d[4].values())) / BYTES_PER_GB for d in standard], catalog.free_tier_storage_gb)
    caps = [d[5][STANDARD].capacity or Load() for d in standard]
    rcu = free_tier_split([c.read_units_per_second for c in caps], catalog.free_tier_rcu)
    wcu = free_tier_split([c.write_units_per_second for c in caps], catalog.free_tier_wcu)
    by_table = {}
    for d, g, r, w in zip(standard, gb, rcu, wcu, strict=True):
        by_table[d[0].name] = (provisioned_monthly_usd(r, w, catalog, STANDARD, hours),
                               g * catalog.storage_usd_per_gb_month(STANDARD))
    return [by_table.get(d[0].name, (0.0, 0.0)) for d in drafts]


def _table_evaluation(draft: tuple, free: tuple[float, float], catalog: PriceCatalog, hours: float) -> TableEvaluation:
    table, loads, peak_loads, base_bytes, index_bytes, costs = draft
    cost = costs[table.table_class]
    average, peak = _total(loads), _total(peak_loads)
    billing = compare_billing(average, peak, catalog, table.table_class, hours, _target_utilization(table),
                              reservable_writes=table.global_table is None)
    std, ia = costs[STANDARD], costs[STANDARD_IA]
    classes = compare_table_classes(std.throughput + std.storage + std.replication,
                                    ia.throughput + ia.storage + ia.replication, std.storage, std.throughput)
    throughput = cost.throughput - free[0]
    storage = cost.storage - free[1]
    cap = cost.capacity
    return TableEvaluation(
        table.name, table.billing.mode, table.table_class, 0, base_bytes, index_bytes, _replicas(table),
        average.read_units_per_second, average.write_units_per_second, peak.read_units_per_second,
        peak.write_units_per_second, None if cap is None else cap.read_units_per_second,
        None if cap is None else cap.write_units_per_second, throughput, storage, cost.replication,
        free[0] + free[1], throughput + storage + cost.replication, billing, classes,
        _target_rows(table.name, loads, peak_loads))


def _target_rows(table: str, loads: Mapping[str, Load], peak_loads: Mapping[str, Load]) -> tuple[TargetLoad, ...]:
    names = sorted(set(loads) | set(peak_loads), key=lambda t: (t != table, t))
    return tuple(TargetLoad(t, loads.get(t, Load()).read_units_per_second, loads.get(t, Load()).write_units_per_second,
                            peak_loads.get(t, Load()).read_units_per_second,
                            peak_loads.get(t, Load()).write_units_per_second) for t in names)


def _evaluate_screens(model: Any, patterns: tuple[PatternEvaluation, ...], hours: float) -> tuple[ScreenEvaluation, ...]:
    by_name = {p.name: p for p in patterns}
    seconds = hours * 3600
    out = []
    for screen in model.screens:
        calls = [(name, 1) for name in screen.access_patterns] + list(screen.repeat)
        rows = [(by_name[name], times) for name, times in calls if name in by_name]
        out.append(ScreenEvaluation(
            screen.name, float(sum(t for _, t in rows)),
            sum(p.read_units_per_request * t for p, t in rows), sum(p.write_units_per_request * t for p, t in rows),
            sum(p.monthly_usd_per_request_per_second / seconds * t for p, t in rows) * 1_000_000))
    return tuple(out)


# -------------------------------------------------------------------------------------- findings
def _pattern_findings(model: Any, evaluation_patterns: tuple[PatternEvaluation, ...]) -> list[Finding]:
    out: list[Finding] = []
    for i, (pattern, ev) in enumerate(zip(model.access_patterns, evaluation_patterns, strict=True)):
        path = f"access_patterns[{i}]"
        keep = getattr(pattern, "filter_keep_share", 1.0)
        if pattern.operation in ("Query", "Scan") and keep < OVER_READ_KEEP_SHARE and ev.read_units_per_request > 1:
            out.append(Finding(
                "over-read", "warning", path,
                f"'{pattern.name}' pays {_amount(ev.read_units_per_request)} read units per request for items it reads, "
                f"but keeps only {_share(keep)} of them (filters do not reduce the charge)",
                "add an index (or a key design) that selects only the wanted items, or project fewer attributes"))
        if pattern.operation == "Scan" and pattern.requests_per_second >= SCAN_WARNING_REQUESTS_PER_SECOND:
            out.append(Finding(
                "frequent-scan", "warning", path,
                f"'{pattern.name}' scans {_amount(pattern.requests_per_second)} times per second at "
                f"{_amount(ev.read_units_per_request)} read units each",
                "serve the request with a Query on a key or an index; keep Scans for rare batch jobs"))
        out += _write_findings(path, pattern, ev)
    return out


def _write_findings(path: str, pattern: Any, ev: PatternEvaluation) -> list[Finding]:
    out: list[Finding] = []
    if pattern.is_read:
        return out
    index_units = sum(ev.index_write_units_per_request.values())
    table_units = ev.write_units_per_request - index_units
    if index_units > table_units and index_units > 0:
        out.append(Finding(
            "gsi-write-amplification", "warning", path,
            f"'{pattern.name}' writes {_amount(index_units)} units to {len(ev.index_write_units_per_request)} index(es) "
            f"for {_amount(table_units)} on the table ({_amount(ev.write_units_per_request)} per request)",
            "project fewer attributes (KEYS_ONLY/INCLUDE), drop indexes no access pattern reads, or avoid "
            "changing index key attributes"))
    changed = getattr(pattern, "changed_attributes", ())
    if pattern.operation == "UpdateItem" and changed and len(changed) <= 2 and table_units >= LARGE_WRITE_UNITS:
        out.append(Finding(
            "large-item-small-update", "warning", path,
            f"'{pattern.name}' changes {', '.join(changed)} but pays {_amount(table_units)} write units: an update is "
            f"charged on the whole item",
            "move the often-changed attributes to a small item in the same item collection (vertical sharding)"))
    return out


def _amount(value: float) -> str:
    """A unit count or rate for a message: 8,100, 2.5, 0.33, 0.0042 (thousands separated, at most 2 decimals)."""
    if value == int(value):
        return f"{int(value):,}"
    if abs(value) < 0.01:
        return f"{value:.2g}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _share(value: float) -> str:
    """A share for a message: 15%, and "under 1%" rather than a misleading 0% for a tiny non-zero share."""
    return "under 1%" if 0 < value < 0.005 else f"{value:.0%}"


def _size_findings(model: Any, entity_sizes: tuple[EntitySize, ...]) -> list[Finding]:
    out = []
    for i, size in enumerate(entity_sizes):
        if size.max_size_bytes > MAX_ITEM_BYTES:
            out.append(Finding("item-too-large", "error", f"entities[{i}]",
                               f"'{size.entity}' items reach {size.max_size_bytes:,} B; DynamoDB's limit is 400 KB",
                               "move large attributes to S3 or split the item"))
        elif size.max_size_bytes > ITEM_SIZE_WARNING_BYTES:
            out.append(Finding("item-near-limit", "warning", f"entities[{i}]",
                               f"'{size.entity}' items reach {size.max_size_bytes:,} B, near the 400 KB limit",
                               "move large attributes to S3 or split the item"))
    return out


def _table_findings(model: Any, tables: tuple[TableEvaluation, ...]) -> list[Finding]:
    out = []
    for i, (table, ev) in enumerate(zip(model.tables, tables, strict=True)):
        path = f"tables[{i}]"
        out += _billing_findings(path, table, ev)
        classes = ev.table_class_comparison
        if classes.recommended != table.table_class:
            out.append(Finding("table-class", "info", f"{path}.table_class",
                               f"'{table.name}': {classes.recommended} is cheaper ({classes.reason})",
                               f"set table_class to {classes.recommended}"))
        if table.table_class == STANDARD_IA and table.billing.mode == "provisioned" and (
                table.billing.reserved_read_capacity_units or table.billing.reserved_write_capacity_units):
            out.append(Finding("reserved-on-ia", "warning", f"{path}.billing",
                               f"'{table.name}' is Standard-IA: reserved capacity is offered for Standard tables only",
                               "drop the reservation or use the Standard class"))
        if table.global_table is not None and table.billing.mode == "provisioned" and \
                table.billing.reserved_write_capacity_units:
            out.append(Finding("reserved-on-replicated-writes", "warning", f"{path}.billing",
                               f"'{table.name}' is a global table: its writes are replicated write units, which "
                               f"reserved capacity does not cover (the reservation is left out of its cost)",
                               "drop the write reservation, or keep it for GSI writes elsewhere in the account"))
    return out


def _billing_findings(path: str, table: Any, ev: TableEvaluation) -> list[Finding]:
    """Suggest another billing mode only when it wins even priced conservatively (fixed for peak)."""
    bill = ev.billing
    if ev.billing_mode == "on_demand":
        current, other, name = bill.on_demand_monthly_usd, bill.provisioned_for_peak_monthly_usd, "provisioned"
        detail = f"provisioned for the peak at {bill.target_utilization:.0%} utilization"
    else:
        current, other, name = ev.throughput_monthly_usd, bill.on_demand_monthly_usd, "on-demand"
        detail = "on-demand for the same average load"
    if current <= 0 or other >= (1 - BILLING_SAVING_SHARE) * current:
        return []
    reserved = "" if bill.reserved_monthly_usd is None else (
        f"; reserving the average capacity would cost {usd_text(bill.reserved_monthly_usd)}")
    return [Finding(
        "billing-mode", "info", f"{path}.billing",
        f"'{table.name}' pays {usd_text(current)} for throughput; {detail} would cost {usd_text(other)}{reserved} "
        f"(provisioned wins above {bill.write_break_even_utilization:.0%} average utilization)",
        f"consider {name} billing: steady load favours provisioned (and reserved), spiky or idle load on-demand")]


# ------------------------------------------------------------------------------------ entry point
def evaluate(model: Any, options: EvaluateOptions | None = None) -> Evaluation:
    """Sizes, units, costs and findings of a design (pure; see module docstrings for meanings)."""
    options = options or EvaluateOptions()
    catalog, hours = _resolve_catalog(model, options)
    sizes = DesignSizes(model)
    entity_sizes = _entity_sizes(model, sizes)
    entries = _index_entry_sizes(model, sizes)
    patterns = tuple(_evaluate_pattern(model, p, pattern_capacity(model, sizes, p), catalog, hours)
                     for p in model.access_patterns)
    tables = _evaluate_tables(model, patterns, entity_sizes, entries, catalog, hours, options.free_tier)
    counts = {t.name: sum(e.item_count for e in entity_sizes if e.table == t.name) for t in tables}
    tables = tuple(_with_count(t, counts[t.name]) for t in tables)
    findings = (*_size_findings(model, entity_sizes), *_pattern_findings(model, patterns),
                *_table_findings(model, tables))
    return Evaluation(_catalog_info(catalog, hours), options.free_tier, entity_sizes, entries, patterns, tables,
                      sum(t.monthly_usd for t in tables), tuple(findings),
                      (*CAPACITY_ASSUMPTIONS, *COST_ASSUMPTIONS), _evaluate_screens(model, patterns, hours))


def _with_count(table: TableEvaluation, count: int) -> TableEvaluation:
    from dataclasses import replace

    return replace(table, item_count=count)


__all__ = [
    "CatalogInfo", "EntitySize", "EvaluateOptions", "Evaluation", "Finding", "IndexEntrySize", "PatternEvaluation",
    "ScreenEvaluation", "TableEvaluation", "TargetLoad", "evaluate",
]
