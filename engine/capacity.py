"""Capacity units: read and write units per request, per target (the table and each index).

Part 1 are the rules of DOMAIN.md §2 as pure functions over byte sizes, usable by anything that
holds real items (the sandbox reports ConsumedCapacity with them). Part 2 applies them to a
design's access patterns, averaging units over the entities' size distributions
(engine.itemsize.SizeDistribution) and items per request, with one arm per target named
"<table>" or "<table>#<index>" as ConsumedCapacity (ReturnConsumedCapacity=INDEXES) reports them.

Sources: DG/read-write-operations.html, DG/transaction-apis.html, DG/GSI.html, DG/LSI.html,
DG/Query.html (all under https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from engine.itemsize import (
    GLOBAL_TABLE_STORAGE_OVERHEAD_BYTES,
    STORAGE_OVERHEAD_BYTES,
    SizeDistribution,
    entity_attribute_names,
    entity_size_distribution,
    index_entry_attribute_names,
    index_entry_distribution,
    index_key_names,
    index_membership_share,
    item_size_bytes,
    project_item,
)
from engine.partition_count import PARTITION_STORAGE_BYTES, partition_candidates, partition_count

if TYPE_CHECKING:  # types only
    from engine.model import (
        AccessPattern,
        DataModel,
        DeleteItem,
        Entity,
        GlobalSecondaryIndex,
        LocalSecondaryIndex,
        PutItem,
        Query,
        ReadPattern,
        Scan,
        Table,
        TransactWriteItems,
        UpdateItem,
        WritePattern,
    )

# DOMAIN.md §2 (DG/read-write-operations.html): reads in 4 KB units, writes in 1 KB units.
READ_UNIT_BYTES = 4 * 1024
WRITE_UNIT_BYTES = 1024
# Units per read unit by consistency: SC 1, EC 0.5, transactional 2 (DG/transaction-apis.html).
READ_UNIT_FACTORS: Mapping[str, float] = {"strong": 1.0, "eventual": 0.5, "transactional": 2.0}
TRANSACTIONAL_WRITE_FACTOR = 2.0
MIN_READ_UNITS = 1    # a missing item / empty result still costs 1 SC read unit (DG/Query.html)
MIN_WRITE_UNITS = 1   # a write to a missing item still costs 1 WCU
QUERY_PAGE_BYTES = 1024 * 1024  # Query/Scan read at most 1 MB per page, before filters
# DOMAIN.md §4 (DG/burst-adaptive-capacity.html): a partition holds ~10 GB; a Scan pays the minimum
# read per partition it reads (DOMAIN.md §2), so a whole-table Scan costs at least one unit per partition
# (counted by engine.partition_count, as the partition report counts them).
PARTITION_BYTES = PARTITION_STORAGE_BYTES

# Assumptions stated to the user (DOMAIN.md §2 leaves them open).
ASSUMPTIONS = (
    "Failed conditional write (assumption, sources disagree): charged the existing item's size in write units "
    "(1 WCU minimum; 1 WCU when no item exists), as DG/WorkingWithItems.html (conditional writes) says and as "
    "measured captures show; DG/read-write-operations.html speaks of the larger of the existing and the new "
    "item instead.",
    "Updates keep an item's size (values change, sizes do not): before and after are sized alike.",
    "A write to a missing item that creates it (UpdateItem upsert) is sized as a whole new item.",
    "A cancelled transaction (failed condition) is charged its table arm as if it had succeeded "
    "(transactional units of each item as it exists, 1 KB minimum) and no index writes; DynamoDB "
    "documents no figure.",
    "A write whose changed attributes include an index key moves the entry (old + new); a sparse "
    "index key keeps its presence across the write.",
    "PutItem with no changed_attributes changes every attribute, index keys included (a worst case).",
    "Query/Scan units are the evaluated bytes rounded once to 4 KB; page boundaries at item edges "
    "may add up to one unit per extra 1 MB page.",
    "LSI queries that fetch non-projected attributes are charged per fetched item rounded to 4 KB "
    "(the developer guide's rule; emulators sum the fetched items instead: disputed).",
    "A pattern listing several entities mixes them by item count (equally when counts are 0).",
)


# ----------------------------------------------------------------------------- part 1: the rules
def _read_factor(consistency: str) -> float:
    try:
        return READ_UNIT_FACTORS[consistency]
    except KeyError:
        raise ValueError(f"consistency {consistency!r} is unknown; use strong, eventual or transactional") from None


def read_units(size_bytes: int | None, consistency: str = "strong") -> float:
    """Read units of one GetItem (or one item of BatchGetItem/TransactGetItems).

    ceil(size / 4 KB) read units, 1 when the item is missing (None or 0 bytes), x 0.5 eventual,
    x 2 transactional (DOMAIN.md §2, DG/read-write-operations.html). Projections do not reduce it.
    """
    units = max(MIN_READ_UNITS, math.ceil((size_bytes or 0) / READ_UNIT_BYTES))
    return units * _read_factor(consistency)


def batch_get_read_units(sizes_bytes: Iterable[int | None], consistency: str = "strong") -> float:
    """BatchGetItem: each item rounded up to 4 KB on its own, then summed; a missing key costs the minimum.

    1.5 KB + 6.5 KB -> 4 KB + 8 KB -> 3 SC (DOMAIN.md §2).
    """
    return sum(read_units(size, consistency) for size in sizes_bytes)


def query_pages(evaluated_sizes_bytes: Iterable[int], page_bytes: int = QUERY_PAGE_BYTES) -> list[int]:
    """Split evaluated item sizes into 1 MB pages (an item that would overflow a page starts the next)."""
    pages: list[int] = [0]
    for size in evaluated_sizes_bytes:
        if pages[-1] and pages[-1] + size > page_bytes:
            pages.append(0)
        pages[-1] += size
    return pages


def query_read_units(evaluated_sizes_bytes: Iterable[int], consistency: str = "strong",
                     page_bytes: int = QUERY_PAGE_BYTES) -> float:
    """Query/Scan: sizes of all *evaluated* items summed, rounded up to 4 KB once per 1 MB page.

    40.8 KB -> 44 KB -> 11 SC / 5.5 EC; an empty result still costs 1 SC / 0.5 EC; filters,
    projections and Select=COUNT do not reduce it (DOMAIN.md §2, DG/Query.html).
    """
    units = sum(max(MIN_READ_UNITS, math.ceil(page / READ_UNIT_BYTES)) for page in query_pages(
        evaluated_sizes_bytes, page_bytes))
    return units * _read_factor(consistency)


def lsi_query_read_units(entry_sizes_bytes: Iterable[int], fetched_item_sizes_bytes: Iterable[int],
                         consistency: str = "strong") -> dict[str, float]:
    """An LSI Query that fetches non-projected attributes: {"index": ..., "table": ...} read units.

    Index entries summed and rounded once (LSI arm); each fetched whole item rounded to 4 KB on its
    own (table arm): 4 entries of 200 B -> 4 KB; 4 items of 300 B -> 16 KB; 20 KB -> 5 SC (DG/LSI.html).
    Disputed: emulators sum the fetched items instead.
    """
    factor = _read_factor(consistency)
    index = query_read_units(entry_sizes_bytes, "strong")
    table = sum(math.ceil(size / READ_UNIT_BYTES) for size in fetched_item_sizes_bytes)
    return {"index": index * factor, "table": table * factor}


def write_units(before_bytes: int | None, after_bytes: int | None, transactional: bool = False) -> float:
    """Put/Update/Delete: ceil(max(size before, size after) / 1 KB), 1 for a missing item.

    Updating one counter on a 9.5 KB item costs 10 WCU; a transactional write doubles the table arm
    (DOMAIN.md §2, DG/read-write-operations.html, DG/transaction-apis.html).
    """
    size = max(before_bytes or 0, after_bytes or 0)
    units = max(MIN_WRITE_UNITS, math.ceil(size / WRITE_UNIT_BYTES))
    return units * (TRANSACTIONAL_WRITE_FACTOR if transactional else 1.0)


def failed_write_units(existing_bytes: int | None, transactional: bool = False) -> float:
    """A write whose condition fails still consumes: the existing item's size, or 1 WCU when absent."""
    return write_units(existing_bytes, None, transactional)


def batch_write_units(sizes_bytes: Iterable[int]) -> float:
    """BatchWriteItem: each put/delete rounded up to 1 KB on its own (500 B + 3.5 KB -> 1 + 4 = 5 WCU)."""
    return sum(write_units(size, None) for size in sizes_bytes)


def index_write_units(old_entry_bytes: int | None, new_entry_bytes: int | None,
                      key_moved: bool = False, entry_changed: bool = True) -> float:
    """Write units on one index (GSI or LSI) for one item write; index arms are never doubled.

    absent->absent 0; absent->present ceil(new); present->absent ceil(old); same key and entry
    changed max(ceil(old), ceil(new)); same key, entry unchanged 0; key moved ceil(old) + ceil(new)
    (DOMAIN.md §2, DG/GSI.html). None means the item has no entry (absent, sparse index).
    """
    def units(size: int) -> int:
        return max(MIN_WRITE_UNITS, math.ceil(size / WRITE_UNIT_BYTES))

    if old_entry_bytes is None and new_entry_bytes is None:
        return 0.0
    if old_entry_bytes is None:
        return float(units(new_entry_bytes or 0))
    if new_entry_bytes is None:
        return float(units(old_entry_bytes))
    if key_moved:
        return float(units(old_entry_bytes) + units(new_entry_bytes))
    return float(max(units(old_entry_bytes), units(new_entry_bytes))) if entry_changed else 0.0


def index_write_units_for_items(old_item: Mapping[str, Any] | None, new_item: Mapping[str, Any] | None,
                                table_keys: Iterable[str], index_keys: Iterable[str],
                                projection_type: str = "ALL", included: Iterable[str] = ()) -> float:
    """index_write_units for real items in DynamoDB JSON (None = absent), comparing their index entries."""
    table_keys, index_keys = tuple(table_keys), tuple(index_keys)
    names = (*table_keys, *index_keys)

    def entry(item: Mapping[str, Any] | None) -> dict[str, Any] | None:
        if item is None or any(k not in item for k in index_keys):
            return None
        return project_item(item, names, projection_type, included)

    old, new = entry(old_item), entry(new_item)
    moved = old is not None and new is not None and any(old[k] != new[k] for k in index_keys)
    return index_write_units(None if old is None else item_size_bytes(old),
                             None if new is None else item_size_bytes(new),
                             key_moved=moved, entry_changed=old != new)


# ------------------------------------------------------------------ part 2: design access patterns
@dataclass(frozen=True, kw_only=True)
class Arm:
    """Units one request consumes on one target ("<table>" or "<table>#<index>")."""

    target: str
    read_units_per_request: float
    write_units_per_request: float


@dataclass(frozen=True, kw_only=True)
class PatternCapacity:
    """Units per request of one access pattern, averaged over sizes and items per request."""

    read_units_per_request: float
    read_units_per_request_strong: float | None
    read_units_per_request_eventual: float | None
    write_units_per_request: float
    index_write_units_per_request: dict[str, float]
    arms: tuple[Arm, ...]
    worst_case_read_units_per_request: float | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Target:
    """What an arm consumes capacity on: a table, or one of its indexes.

    `name` is its text, "<table>" or "<table>#<index>" (table names cannot hold '#'): the key of per-target
    dicts and of JSON and CLI output; `Target.parse` reads it back. This class is the one writer and reader
    of that format.
    """

    table: str
    index: str | None = None

    @property
    def name(self) -> str:
        return Target.name_of(self.table, self.index)

    @staticmethod
    def name_of(table: str, index: str | None = None) -> str:
        """The text of Target(table, index) without building one (called for every arm of every pattern)."""
        return table if index is None else f"{table}#{index}"

    @staticmethod
    def split(name: str) -> tuple[str, str | None]:
        """(table, index or None) of a target's text, without building a Target."""
        table, _, index = name.partition("#")
        return table, index or None

    @property
    def is_index(self) -> bool:
        """True for a GSI or LSI, False for the table itself."""
        return self.index is not None

    @classmethod
    def parse(cls, name: str) -> Target:
        """The target a `name` ("<table>" or "<table>#<index>") stands for."""
        return cls(*Target.split(name))


def target_name(table: str, index: str | None = None) -> str:
    """Arm target naming used everywhere: Target(table, index).name."""
    return Target.name_of(table, index)


def split_target(target: str) -> tuple[str, str | None]:
    """(table, index or None) of an arm target's name (Target.parse)."""
    return Target.split(target)


class DesignSizes:
    """Size distributions of a design's entities and index entries, computed once and cached."""

    def __init__(self, model: DataModel) -> None:
        self.model = model
        self._items: dict[str, SizeDistribution] = {}
        self._entries: dict[tuple[str, str], SizeDistribution] = {}
        self._shares: dict[tuple[str, str], float] = {}
        # item_write_units per (entity, kind, changed attributes): patterns on one entity share them
        self.write_units: dict[tuple[str, str, frozenset[str] | None], dict[str, float]] = {}

    def item(self, entity_name: str) -> SizeDistribution:
        if entity_name not in self._items:
            entity = self.model.entity(entity_name)
            self._items[entity_name] = entity_size_distribution(entity, self.model.table(entity.table))
        return self._items[entity_name]

    def entry(self, entity_name: str, index_name: str) -> SizeDistribution:
        key = (entity_name, index_name)
        if key not in self._entries:
            entity = self.model.entity(entity_name)
            table = self.model.table(entity.table)
            index = table.index(index_name)
            if _entry_is_whole_item(entity, table, index):
                self._entries[key] = self.item(entity_name)  # the same distribution (and its memoised units)
            else:
                self._entries[key] = index_entry_distribution(entity, table, index)
        return self._entries[key]

    def share(self, entity_name: str, index_name: str) -> float:
        key = (entity_name, index_name)
        if key not in self._shares:
            entity = self.model.entity(entity_name)
            table = self.model.table(entity.table)
            self._shares[key] = index_membership_share(entity, table, table.index(index_name))
        return self._shares[key]


def _entry_is_whole_item(entity: Entity, table: Table,
                         index: GlobalSecondaryIndex | LocalSecondaryIndex | None) -> bool:
    """An index entry sized exactly like the item: it projects every attribute, and its key attributes are always
    on the item (templated, or present on every item), so being indexed changes nothing about the size."""
    if index is None or index_entry_attribute_names(entity, table, index) != entity_attribute_names(entity):
        return False
    templated = {k.attribute for k in entity.keys}
    for name in index_key_names(table, index):
        spec = entity.attribute(name)
        if name not in templated and (spec is None or spec.presence < 1):
            return False
    return True


def entity_weights(model: DataModel, entity_names: Iterable[str]) -> dict[str, float]:
    """Shares of a pattern's entities: by item count, equal when every count is 0."""
    names = list(dict.fromkeys(entity_names))
    counts = {n: float(model.entity(n).item_count) for n in names}
    total = sum(counts.values())
    if total <= 0:
        return {n: 1.0 / len(names) for n in names} if names else {}
    return {n: c / total for n, c in counts.items()}


# ---------------------------------------------------------------------------------------- reads
def _read_result(strong: dict[str, float], consistency: str, gsi: bool,
                 worst_strong: float | None = None, transactional: bool = False) -> PatternCapacity:
    if transactional:
        factor, strong_total, eventual_total = READ_UNIT_FACTORS["transactional"], None, None
    else:
        factor = READ_UNIT_FACTORS["eventual" if gsi else consistency]
        total = sum(strong.values())
        strong_total = None if gsi else total
        eventual_total = total * READ_UNIT_FACTORS["eventual"]
    arms = tuple(Arm(target=t, read_units_per_request=u * factor, write_units_per_request=0.0)
                 for t, u in strong.items())
    worst = None if worst_strong is None else worst_strong * factor
    return PatternCapacity(
        read_units_per_request=sum(a.read_units_per_request for a in arms),
        read_units_per_request_strong=strong_total, read_units_per_request_eventual=eventual_total,
        write_units_per_request=0.0, index_write_units_per_request={}, arms=arms,
        worst_case_read_units_per_request=worst)


def _item_read_strong(sizes: DesignSizes, weights: Mapping[str, float]) -> float:
    return sum(w * sizes.item(n).expected_ceil_units(READ_UNIT_BYTES, MIN_READ_UNITS) for n, w in weights.items())


def _read_population(model: DataModel, sizes: DesignSizes, pattern: ReadPattern) -> tuple[SizeDistribution, float]:
    """Mixture of the evaluated items/entries and the share of entity items present on the target."""
    weights = entity_weights(model, pattern.entities)
    if pattern.index is None:
        return SizeDistribution.mixture((w, sizes.item(n)) for n, w in weights.items()), 1.0
    parts = [(w * sizes.share(n, pattern.index), sizes.entry(n, pattern.index)) for n, w in weights.items()]
    present = sum(w for w, _ in parts)
    return SizeDistribution.mixture(parts), present


def _query_capacity(model: DataModel, sizes: DesignSizes, pattern: Query) -> PatternCapacity:
    table = model.table(pattern.table)
    population, _ = _read_population(model, sizes, pattern)
    count = pattern.items_per_request
    strong = {target_name(table.name, pattern.index): population.expected_sum_ceil_units(
        count, READ_UNIT_BYTES, MIN_READ_UNITS)}
    worst_count = pattern.max_items_per_request or count
    worst: float = max(MIN_READ_UNITS, math.ceil(worst_count * population.max / READ_UNIT_BYTES))
    index = table.index(pattern.index) if pattern.index else None
    gsi = index is not None and index in table.gsis
    if index is not None and not gsi and getattr(pattern, "fetch_from_table", False):
        weights = entity_weights(model, pattern.entities)
        per_item = sum(w * sizes.item(n).expected_ceil_units(READ_UNIT_BYTES) for n, w in weights.items())
        strong[table.name] = count * per_item
        worst += worst_count * math.ceil(max(sizes.item(n).max for n in weights) / READ_UNIT_BYTES)
    return _read_result(strong, pattern.consistency, gsi, worst)


def scanned_partitions(model: DataModel, sizes: DesignSizes, table: Table, index_name: str | None) -> int:
    """Partitions a full Scan reads, counted as the partition report counts them (engine.partition_count: storage,
    provisioned or warm throughput, previous peak): a Scan pays the minimum read on each (DOMAIN.md §2). An LSI
    lives in its table's partitions; a GSI has its own."""
    index = table.index(index_name) if index_name else None
    gsi = index if index is not None and index in table.gsis else None
    overhead = STORAGE_OVERHEAD_BYTES + (GLOBAL_TABLE_STORAGE_OVERHEAD_BYTES if table.global_table else 0)
    stored = 0.0
    for entity in model.entities_of(table.name):
        if gsi is None:
            stored += entity.item_count * (sizes.item(entity.name).mean + overhead)
        elif sizes.share(entity.name, gsi.name) > 0:
            stored += entity.item_count * sizes.share(entity.name, gsi.name) * (
                sizes.entry(entity.name, gsi.name).mean + STORAGE_OVERHEAD_BYTES)
    return partition_count(partition_candidates(table, gsi, stored)).partitions


def _scan_capacity(model: DataModel, sizes: DesignSizes, pattern: Scan) -> PatternCapacity:
    table = model.table(pattern.table)
    population, present = _read_population(model, sizes, pattern)
    count = pattern.items_per_request
    minimum = MIN_READ_UNITS
    if count is None:
        count = sum(model.entity(n).item_count for n in dict.fromkeys(pattern.entities)) * present
        minimum = max(MIN_READ_UNITS, scanned_partitions(model, sizes, table, pattern.index))
    strong = {target_name(table.name, pattern.index): population.expected_sum_ceil_units(
        count, READ_UNIT_BYTES, minimum)}
    index = table.index(pattern.index) if pattern.index else None
    return _read_result(strong, pattern.consistency, index is not None and index in table.gsis)


def read_capacity(model: DataModel, sizes: DesignSizes, pattern: ReadPattern) -> PatternCapacity:
    """Read units per request of a read pattern (GetItem, BatchGetItem, TransactGetItems, Query, Scan)."""
    if pattern.operation == "Query":
        return _query_capacity(model, sizes, pattern)
    if pattern.operation == "Scan":
        return _scan_capacity(model, sizes, pattern)
    weights = entity_weights(model, pattern.entities)
    per_item = _item_read_strong(sizes, weights)
    count = getattr(pattern, "items_per_request", 1)
    strong = {target_name(pattern.table): count * per_item}
    return _read_result(strong, pattern.consistency, gsi=False, transactional=pattern.operation == "TransactGetItems")


# --------------------------------------------------------------------------------------- writes
def _table_units(sizes: DesignSizes, entity: str) -> float:
    return sizes.item(entity).expected_ceil_units(WRITE_UNIT_BYTES, MIN_WRITE_UNITS)


def _entry_units(sizes: DesignSizes, entity: str, index: str) -> float:
    return sizes.entry(entity, index).expected_ceil_units(WRITE_UNIT_BYTES, MIN_WRITE_UNITS)


def _index_change_factor(model: DataModel, entity: str, index_name: str, changed: frozenset[str] | None) -> float:
    """Entry writes per indexed item for an update: 2 if a key moves, 1 if the entry changes, else 0."""
    ent = model.entity(entity)
    table = model.table(ent.table)
    index = table.index(index_name)
    if changed is None:  # every attribute changes, keys included
        return 2.0
    if changed & set(index_key_names(table, index)):
        return 2.0
    return 1.0 if changed & set(index_entry_attribute_names(ent, table, index)) else 0.0


def item_write_units(model: DataModel, sizes: DesignSizes, entity: str, kind: str,
                     changed: frozenset[str] | None = None) -> dict[str, float]:
    """Expected standard write units per target for one item write of `kind`.

    kind: "new" (absent->present), "update" (present->present, `changed` attributes; None = all),
    "delete" (present->absent), "missing" (write/delete of an absent item that stays absent: 1 WCU),
    "failed" (condition failed on an existing item: its size, no index writes), "check" (ConditionCheck).
    """
    key = (entity, kind, changed)
    if key not in sizes.write_units:
        sizes.write_units[key] = _item_write_units(model, sizes, entity, kind, changed)
    return dict(sizes.write_units[key])


def _item_write_units(model: DataModel, sizes: DesignSizes, entity: str, kind: str,
                      changed: frozenset[str] | None) -> dict[str, float]:
    table = model.table(model.entity(entity).table)
    if kind == "missing":
        return {target_name(table.name): float(MIN_WRITE_UNITS)}
    out = {target_name(table.name): _table_units(sizes, entity)}
    if kind in ("failed", "check"):
        return out
    for index in (*table.gsis, *table.lsis):
        share = sizes.share(entity, index.name)
        if share <= 0:
            continue  # sparse: the entity never appears in this index
        factor = 1.0 if kind in ("new", "delete") else _index_change_factor(model, entity, index.name, changed)
        if factor > 0:
            out[target_name(table.name, index.name)] = share * factor * _entry_units(sizes, entity, index.name)
    return out


def _add(total: dict[str, float], part: Mapping[str, float], weight: float) -> None:
    if weight <= 0:
        return
    for target, units in part.items():
        total[target] = total.get(target, 0.0) + weight * units


def _changed(pattern_changed: tuple[str, ...], empty_means_all: bool) -> frozenset[str] | None:
    if not pattern_changed:
        return None if empty_means_all else frozenset()
    return frozenset(pattern_changed)


def _single_write(model: DataModel, sizes: DesignSizes, pattern: PutItem | UpdateItem | DeleteItem, entity: str) -> dict[str, float]:
    """Put/Update/Delete of one item, mixing existing/missing items and failed conditions."""
    existing = pattern.existing_item_share
    failure = pattern.condition_failure_share
    success: dict[str, float] = {}
    if pattern.operation == "DeleteItem":
        _add(success, item_write_units(model, sizes, entity, "delete"), existing)
        _add(success, item_write_units(model, sizes, entity, "missing"), 1 - existing)
    else:
        changed = _changed(pattern.changed_attributes, empty_means_all=pattern.operation == "PutItem")
        _add(success, item_write_units(model, sizes, entity, "update", changed), existing)
        _add(success, item_write_units(model, sizes, entity, "new"), 1 - existing)
    failed: dict[str, float] = {}
    _add(failed, item_write_units(model, sizes, entity, "failed"), existing)
    _add(failed, item_write_units(model, sizes, entity, "missing"), 1 - existing)
    total: dict[str, float] = {}
    _add(total, success, 1 - failure)
    _add(total, failed, failure)
    return total


def _transaction_units(model: DataModel, sizes: DesignSizes, pattern: TransactWriteItems) -> dict[str, float]:
    kinds = {"Put": "new", "Update": "update", "Delete": "delete", "ConditionCheck": "check"}
    success: dict[str, float] = {}
    cancelled: dict[str, float] = {}
    for action in pattern.actions:
        changed = frozenset(action.changed_attributes) if action.changed_attributes else (
            None if action.action == "Put" else frozenset())
        _add(success, item_write_units(model, sizes, action.entity, kinds[action.action], changed), 1.0)
        # cancelled: each item as it exists (ASSUMPTIONS); a Put creates its item, which does not exist yet
        _add(cancelled, item_write_units(model, sizes, action.entity, "missing" if action.action == "Put" else "check"),
             1.0)
    total: dict[str, float] = {}
    _add(total, success, 1 - pattern.condition_failure_share)
    _add(total, cancelled, pattern.condition_failure_share)
    # the table arm of every item doubles; index arms do not (AWS-measured, DOMAIN.md §2)
    return {t: u * (1.0 if Target.parse(t).is_index else TRANSACTIONAL_WRITE_FACTOR) for t, u in total.items()}


def write_capacity(model: DataModel, sizes: DesignSizes, pattern: WritePattern) -> PatternCapacity:
    """Write units per request of a write pattern, with one arm per target it touches."""
    if pattern.operation == "TransactWriteItems":
        per_target = _transaction_units(model, sizes, pattern)
    else:
        per_target = {}
        for entity, weight in entity_weights(model, pattern.entities).items():
            if pattern.operation == "BatchWriteItem":
                kind = "new" if pattern.write_kind == "put" else "delete"
                _add(per_target, item_write_units(model, sizes, entity, kind), weight * pattern.items_per_request)
            else:
                _add(per_target, _single_write(model, sizes, pattern, entity), weight)
    table = target_name(pattern.table)
    ordered = {table: per_target.pop(table, 0.0), **dict(sorted(per_target.items()))}
    arms = tuple(Arm(target=t, read_units_per_request=0.0, write_units_per_request=u)
                 for t, u in ordered.items() if u > 0 or t == table)
    index_units = {index: u for t, u in ordered.items() if (index := split_target(t)[1]) is not None and u > 0}
    return PatternCapacity(
        read_units_per_request=0.0, read_units_per_request_strong=None, read_units_per_request_eventual=None,
        write_units_per_request=sum(a.write_units_per_request for a in arms),
        index_write_units_per_request=index_units, arms=arms)


def pattern_capacity(model: DataModel, sizes: DesignSizes, pattern: AccessPattern) -> PatternCapacity:
    """Units per request of any access pattern (reads or writes)."""
    from engine.model.access_pattern import READ_OPERATIONS

    if pattern.operation in READ_OPERATIONS:
        return read_capacity(model, sizes, pattern)
    return write_capacity(model, sizes, pattern)


__all__ = [
    "ASSUMPTIONS", "MIN_READ_UNITS", "PARTITION_BYTES", "MIN_WRITE_UNITS", "QUERY_PAGE_BYTES", "READ_UNIT_BYTES", "READ_UNIT_FACTORS",
    "TRANSACTIONAL_WRITE_FACTOR", "WRITE_UNIT_BYTES", "Arm", "DesignSizes", "PatternCapacity", "Target",
    "batch_get_read_units", "batch_write_units", "entity_weights", "failed_write_units", "index_write_units",
    "index_write_units_for_items", "item_write_units", "lsi_query_read_units", "pattern_capacity", "query_pages",
    "query_read_units", "read_capacity", "read_units", "target_name", "write_capacity", "write_units",
]
