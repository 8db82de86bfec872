"""In-memory tables and indexes on sortedcontainers, with write planning and index maintenance.

A table holds partitions in a SortedDict keyed by the partition key's order, each partition a
SortedDict of items keyed by the sort key's order (S: UTF-8 bytes, B: raw bytes, N: numeric;
DG/HowItWorks.CoreComponents.html). Every GSI and LSI is a SortedDict of partitions of projected
entries ordered by (index sort key, table partition key, table sort key); an item lacking an
index key attribute has no entry (sparse index, DG/GSI.html). Writes are planned first (sizes,
consumed capacity, index changes, item-collection size) and applied afterwards, so a failed
condition or a cancelled transaction changes nothing yet still knows what it consumed.

Item-collection size (DG/LSI.html#LSI.ItemCollections): for a table with an LSI, the sizes of
all items with one partition key value plus their LSI entries, capped at 10 GB. The sandbox
sums capacity sizes (DOMAIN.md §1) without the 100-byte storage overhead; that is its assumption.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sortedcontainers import SortedDict

from engine.itemsize import attribute_value_size_bytes, item_size_bytes
from engine.model.limits import (
    MAX_ITEM_BYTES,
    MAX_ITEM_COLLECTION_BYTES,
    MAX_PARTITION_KEY_BYTES,
    MAX_SORT_KEY_BYTES,
)
from engine.sandbox.errors import ITEM_COLLECTION_SIZE_LIMIT, SandboxError, validation
from engine.sandbox.units import Consumption, index_write_units, write_units
from engine.sandbox.values import canonical_item, items_equal, order_key

if TYPE_CHECKING:
    from engine.sandbox.streams import Stream

Item = dict[str, dict[str, Any]]
ITEM_COLLECTION_LIMIT_BYTES = MAX_ITEM_COLLECTION_BYTES  # engine.model.limits (DG/LSI.html)
NO_SORT_KEY = b""  # order of the single item in a partition of a table without a sort key


@dataclass(frozen=True, slots=True)
class KeySchema:
    """Partition (hash) and optional sort (range) key of a table or index."""

    hash_name: str
    hash_type: str
    range_name: str | None = None
    range_type: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.hash_name,) if self.range_name is None else (self.hash_name, self.range_name)

    def to_wire(self) -> list[dict[str, str]]:
        out = [{"AttributeName": self.hash_name, "KeyType": "HASH"}]
        if self.range_name is not None:
            out.append({"AttributeName": self.range_name, "KeyType": "RANGE"})
        return out


def _key_bytes(av: dict[str, Any]) -> int:
    kind = next(iter(av))
    if kind == "S":
        return len(av["S"].encode("utf-8"))
    if kind == "B":
        return len(base64.b64decode(av["B"]))
    return attribute_value_size_bytes(av)


def check_key_value(name: str, expected_type: str, av: dict[str, Any] | None, is_hash: bool,
                    what: str = "key", index_name: str | None = None) -> Any:
    """Validate one key attribute value and return its order (ValidationException if invalid)."""
    if av is None:
        raise validation(f"One or more parameter values were invalid: Missing the key {name} in the item")
    kind = next(iter(av))
    where = f" IndexName: {index_name}" if index_name else ""
    if kind != expected_type:
        raise validation(f"One or more parameter values were invalid: Type mismatch for {what} {name} "
                         f"expected: {expected_type} actual: {kind}{where}")
    size = _key_bytes(av)
    if kind in ("S", "B") and size == 0:
        raise validation("One or more parameter values are not valid. The AttributeValue for a key "
                         f"attribute cannot contain an empty {'string' if kind == 'S' else 'binary'} "
                         f"value. Key: {name}{where}")
    limit = MAX_PARTITION_KEY_BYTES if is_hash else MAX_SORT_KEY_BYTES  # DG/ServiceQuotas.html
    if size > limit:
        raise validation(f"One or more parameter values were invalid: Size of {'hashkey' if is_hash else 'rangekey'} "
                         f"{name} has exceeded the maximum size limit of {limit} bytes")
    return order_key(av)


@dataclass(slots=True)
class Entry:
    """A projected index entry: its attributes and capacity size."""

    item: Item
    size_bytes: int


class IndexStore:
    """A GSI or LSI: projected entries per index partition, kept in index sort-key order."""

    def __init__(self, name: str, local: bool, schema: KeySchema, table_schema: KeySchema,
                 projection_type: str, included: tuple[str, ...] = ()) -> None:
        self.name = name
        self.local = local
        self.schema = schema
        self.table_schema = table_schema
        self.projection_type = projection_type
        self.included = included
        self.key_names = tuple(dict.fromkeys((*table_schema.names, *schema.names)))
        self.projected_names = frozenset(self.key_names) | frozenset(included)
        self.partitions: SortedDict = SortedDict()
        self.item_count = 0
        self.size_bytes = 0

    def entry_for(self, item: Item | None, item_size: int) -> Entry | None:
        """The item's entry in this index, or None when the item lacks an index key (sparse)."""
        if item is None:
            return None
        for name in self.schema.names:
            if name not in item:
                return None
        if self.projection_type == "ALL":
            return Entry(item, item_size)
        wanted = self.projected_names
        projected = {k: v for k, v in item.items() if k in wanted}
        return Entry(projected, item_size_bytes(projected))

    def check_item(self, item: Item) -> None:
        """An indexed item's index key values must have the declared type and be non-empty."""
        schema = self.schema
        for name, kind, is_hash in ((schema.hash_name, schema.hash_type, True),
                                    (schema.range_name, schema.range_type, False)):
            if name is not None and name in item and name not in self.table_schema.names:
                check_key_value(name, kind, item[name], is_hash, "Index Key", self.name)

    def position(self, item: Item) -> tuple[Any, tuple[Any, ...]]:
        """(index partition order, entry order) of an indexed item."""
        s, t = self.schema, self.table_schema
        range_order = order_key(item[s.range_name]) if s.range_name else NO_SORT_KEY
        table_range = order_key(item[t.range_name]) if t.range_name else NO_SORT_KEY
        return order_key(item[s.hash_name]), (range_order, order_key(item[t.hash_name]), table_range)

    def put(self, position: tuple[Any, Any], entry: Entry) -> None:
        hash_order, entry_order = position
        partition = self.partitions.get(hash_order)
        if partition is None:
            partition = self.partitions[hash_order] = SortedDict()
        previous = partition.get(entry_order)
        if previous is not None:
            self.size_bytes -= previous.size_bytes
            self.item_count -= 1
        partition[entry_order] = entry
        self.size_bytes += entry.size_bytes
        self.item_count += 1

    def remove(self, position: tuple[Any, Any]) -> None:
        hash_order, entry_order = position
        partition = self.partitions[hash_order]
        entry = partition.pop(entry_order)
        self.size_bytes -= entry.size_bytes
        self.item_count -= 1
        if not partition:
            del self.partitions[hash_order]


@dataclass(slots=True)
class Record:
    """A stored item (never mutated in place) and its capacity size."""

    item: Item
    size_bytes: int


@dataclass
class IndexChange:
    index: IndexStore
    old_position: tuple[Any, Any] | None
    new_position: tuple[Any, Any] | None
    new_entry: Entry | None


@dataclass
class WritePlan:
    """A planned item write: what it consumes and what it changes, not yet applied."""

    table: TableStore
    orders: tuple[Any, Any]
    old: Record | None
    new: Record | None
    consumption: Consumption
    index_changes: list[IndexChange] = field(default_factory=list)
    collection_delta_bytes: int = 0


@dataclass
class TableStore:
    """One table: its definition (as CreateTable gave it) and its items and indexes."""

    name: str
    schema: KeySchema
    attribute_definitions: list[dict[str, str]]
    billing_mode: str
    provisioned: dict[str, int] | None
    created_epoch_seconds: float
    gsis: dict[str, IndexStore] = field(default_factory=dict)
    lsis: dict[str, IndexStore] = field(default_factory=dict)
    index_throughput: dict[str, dict[str, int]] = field(default_factory=dict)
    collection_limit_bytes: int = ITEM_COLLECTION_LIMIT_BYTES
    partitions: SortedDict = field(default_factory=SortedDict)
    item_count: int = 0
    size_bytes: int = 0
    collection_bytes: dict[Any, int] = field(default_factory=dict)
    stream: Stream | None = None  # the table's latest stream (engine.sandbox.streams), enabled or disabled
    ttl_attribute: str | None = None  # TTL enabled on this attribute (UpdateTimeToLive), else None
    ttl_changed_at: float | None = None  # when UpdateTimeToLive last changed it (one change per hour)

    @property
    def indexes(self) -> Iterator[IndexStore]:
        yield from self.gsis.values()
        yield from self.lsis.values()

    def index(self, name: str) -> IndexStore | None:
        return self.gsis.get(name) or self.lsis.get(name)

    # -- keys
    def key_orders(self, key: Any) -> tuple[Any, Any]:
        """Orders of a request's Key: exactly the table's key attributes, nothing else."""
        schema = self.schema
        if not isinstance(key, dict) or set(key) != set(schema.names):
            raise validation("The provided key element does not match the schema")
        return self.item_orders(canonical_item(key))  # B keys may arrive as bytes or base64

    def item_orders(self, item: Item) -> tuple[Any, Any]:
        """(partition order, sort order) of an item or key; ValidationException when a key is bad."""
        s = self.schema
        hash_order = check_key_value(s.hash_name, s.hash_type, item.get(s.hash_name), True)
        if s.range_name is None:
            return hash_order, NO_SORT_KEY
        return hash_order, check_key_value(s.range_name, s.range_type, item.get(s.range_name), False)

    def key_of(self, item: Item) -> Item:
        return {name: item[name] for name in self.schema.names}

    def get(self, orders: tuple[Any, Any]) -> Record | None:
        partition = self.partitions.get(orders[0])
        return None if partition is None else partition.get(orders[1])

    # -- writes
    def plan_write(self, orders: tuple[Any, Any], new_item: Item | None,
                   transactional: bool = False) -> WritePlan:
        """Plan putting `new_item` (None: deleting) at `orders`: capacity, index and size effects."""
        old = self.get(orders)
        new = None
        if new_item is not None:
            size = item_size_bytes(new_item)
            if size > MAX_ITEM_BYTES:  # DG/ServiceQuotas.html: an item is at most 400 KB
                # DynamoDB's exact wording (no figures): clients match on it
                raise validation("Item size has exceeded the maximum allowed size")
            for index in self.indexes:
                index.check_item(new_item)
            new = Record(new_item, size)
        largest = max(old.size_bytes if old else 0, new.size_bytes if new else 0)
        consumption = Consumption(self.name, "write", write_units(largest, transactional))
        plan = WritePlan(self, orders, old, new, consumption)
        for index in self.indexes:
            self._plan_index(plan, index)
        if self.lsis:
            self._check_collection(plan)
        return plan

    def _plan_index(self, plan: WritePlan, index: IndexStore) -> None:
        old_entry = index.entry_for(plan.old.item, plan.old.size_bytes) if plan.old else None
        new_entry = index.entry_for(plan.new.item, plan.new.size_bytes) if plan.new else None
        if old_entry is None and new_entry is None:
            return
        old_pos = index.position(plan.old.item) if old_entry else None
        new_pos = index.position(plan.new.item) if new_entry else None
        key_moved = old_pos is not None and new_pos is not None and old_pos != new_pos
        changed = key_moved or not items_equal(old_entry.item if old_entry else None,
                                               new_entry.item if new_entry else None)
        units = index_write_units(old_entry.size_bytes if old_entry else None,
                                  new_entry.size_bytes if new_entry else None, key_moved, changed)
        if units:  # an index the write leaves untouched has no arm (DOMAIN.md §2)
            plan.consumption.add_index(index.name, index.local, float(units))
            plan.index_changes.append(IndexChange(index, old_pos, new_pos, new_entry))
        if index.local:
            plan.collection_delta_bytes += ((new_entry.size_bytes if new_entry else 0)
                                            - (old_entry.size_bytes if old_entry else 0))

    def _check_collection(self, plan: WritePlan) -> None:
        plan.collection_delta_bytes += ((plan.new.size_bytes if plan.new else 0)
                                        - (plan.old.size_bytes if plan.old else 0))
        current = self.collection_bytes.get(plan.orders[0], 0)
        if plan.collection_delta_bytes > 0 and current + plan.collection_delta_bytes > self.collection_limit_bytes:
            raise SandboxError(
                ITEM_COLLECTION_SIZE_LIMIT,
                f"Collection size exceeded: the item collection of partition key "
                f"{self.schema.hash_name} would hold {current + plan.collection_delta_bytes} bytes, over "
                f"the {self.collection_limit_bytes}-byte limit for a table with a local secondary index",
                consumed_capacity=plan.consumption)

    def apply(self, plan: WritePlan) -> None:
        """Apply a planned write to the table and its indexes."""
        hash_order, range_order = plan.orders
        if plan.old is not None:
            self.item_count -= 1
            self.size_bytes -= plan.old.size_bytes
        if plan.new is not None:
            partition = self.partitions.get(hash_order)
            if partition is None:
                partition = self.partitions[hash_order] = SortedDict()
            partition[range_order] = plan.new
            self.item_count += 1
            self.size_bytes += plan.new.size_bytes
        elif plan.old is not None:
            partition = self.partitions[hash_order]
            del partition[range_order]
            if not partition:
                del self.partitions[hash_order]
        for change in plan.index_changes:
            if change.old_position is not None and change.old_position != change.new_position:
                change.index.remove(change.old_position)
            if change.new_position is not None:
                change.index.put(change.new_position, change.new_entry)
        if self.lsis:
            total = self.collection_bytes.get(hash_order, 0) + plan.collection_delta_bytes
            if total > 0:
                self.collection_bytes[hash_order] = total
            else:
                self.collection_bytes.pop(hash_order, None)

    # -- reads
    def records(self) -> Iterator[Record]:
        for partition in self.partitions.values():
            yield from partition.values()
