"""Access patterns: one application request type, its operation, key condition, rate and keys."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from engine.model.base import Bool, DelayMs, Frozen, ItemsPerRequest, Name, RequestRate, Share, Str
from engine.model.entity import KeyDistribution

SortOperator = Literal["=", "<", "<=", ">", ">=", "between", "begins_with"]
Consistency = Literal["eventual", "strong"]


class SortKeyCondition(Frozen):
    """Condition on the target's sort key."""

    operator: SortOperator
    """Comparison: =, <, <=, >, >=, between (uses `value` and `value2`) or begins_with."""
    value: Str
    """Value or template (e.g. `ISSUE#`, `{order_date}`)."""
    value2: Str | None = None
    """Upper bound for `between`."""


class KeyCondition(Frozen):
    """Which key a request addresses on its target (table or index)."""

    partition_key: Str
    """Partition key value template on the target, e.g. `USER#{user_id}`."""
    sort_key: SortKeyCondition | None = None
    """Optional sort key condition (GetItem and writes on a table with a sort key need `=`)."""


class PatternBase(Frozen):
    """Fields every access pattern has."""

    name: Name
    """Unique name, e.g. `get user profile`."""
    description: Str = ""
    """What the application does with it."""
    table: Name
    """Table the request goes to."""
    index: Name | None = None
    """Index queried (reads only), or none for the table itself."""
    entities: tuple[Name, ...]
    """Entity types the request reads or writes (a Query may return several: an item collection)."""
    key_condition: KeyCondition | None = None
    """Key addressed (required except for Scan)."""
    requests_per_second: RequestRate
    """Average request rate."""
    peak_requests_per_second: RequestRate | None = None
    """Peak request rate (defaults to the average)."""
    key_distribution: KeyDistribution | None = None
    """Which keys the traffic hits; overrides the entity's distribution when given."""
    region: Name | None = None
    """Global tables: the region the request is served in (default: the design's region)."""

    @property
    def peak_rps(self) -> float:
        """Peak requests per second (the average when no peak is given)."""
        return self.peak_requests_per_second if self.peak_requests_per_second is not None else self.requests_per_second

    @property
    def is_read(self) -> bool:
        return self.operation in READ_OPERATIONS  # type: ignore[attr-defined]


class ReadFields(Frozen):
    """Fields of read patterns."""

    consistency: Consistency = "eventual"
    """eventual (half price) or strong (rejected on a GSI)."""
    read_after_write_ms: DelayMs = 0
    """How long after the matching write a read typically comes (0 = immediately)."""


class WriteFields(Frozen):
    """Fields of write patterns."""

    changed_attributes: tuple[Name, ...] = ()
    """Attributes a write changes (decides which index entries change or move). Empty for Put = all."""
    condition_failure_share: Share = 0
    """Share of conditional writes whose condition fails (still charged)."""


class GetItem(PatternBase, ReadFields):
    """Read one item by its full primary key."""

    operation: Literal["GetItem"] = "GetItem"
    """Operation discriminator."""


class Query(PatternBase, ReadFields):
    """Read items of one partition key (optionally a sort key range) from the table or an index."""

    operation: Literal["Query"] = "Query"
    """Operation discriminator."""
    items_per_request: ItemsPerRequest = 1
    """Items evaluated per request on average (before any filter; these are what is charged)."""
    filter_keep_share: Share = 1
    """Share of evaluated items a FilterExpression keeps (filters do not reduce the charge)."""
    max_items_per_request: ItemsPerRequest | None = None
    """Largest item count per request, for worst-case figures (defaults to `items_per_request`)."""
    scan_index_forward: Bool = True
    """Sort key order: true ascending, false descending (e.g. latest items first)."""
    fetch_from_table: Bool = False
    """LSI queries only: the request needs attributes the LSI does not project, so each matching item is
    fetched from the table (each whole item rounded up to 4 KB on its own, charged to the table; DG/LSI.html)."""


class Scan(PatternBase, ReadFields):
    """Read the whole table or index (or `items_per_request` of it), page by page."""

    operation: Literal["Scan"] = "Scan"
    """Operation discriminator."""
    items_per_request: ItemsPerRequest | None = None
    """Items evaluated per request; none means every item of the scanned entities."""
    filter_keep_share: Share = 1
    """Share of evaluated items a FilterExpression keeps (filters do not reduce the charge)."""


class BatchGetItem(PatternBase, ReadFields):
    """Read up to 100 items by primary key in one request."""

    operation: Literal["BatchGetItem"] = "BatchGetItem"
    """Operation discriminator."""
    items_per_request: Annotated[float, Field(gt=0, le=100, strict=True)] = 1
    """Keys per request (at most 100); each item is rounded up to 4 KB on its own."""


class TransactGetItems(PatternBase, ReadFields):
    """Read up to 100 items atomically (transactional reads: 2 units per 4 KB)."""

    operation: Literal["TransactGetItems"] = "TransactGetItems"
    """Operation discriminator."""
    items_per_request: Annotated[float, Field(gt=0, le=100, strict=True)] = 1
    """Items per transaction (at most 100)."""


class PutItem(PatternBase, WriteFields):
    """Create or replace one item."""

    operation: Literal["PutItem"] = "PutItem"
    """Operation discriminator."""
    existing_item_share: Share = 0
    """Share of puts that replace an existing item (0 = always a new item)."""


class UpdateItem(PatternBase, WriteFields):
    """Change some attributes of one item (charged on the larger of before and after)."""

    operation: Literal["UpdateItem"] = "UpdateItem"
    """Operation discriminator."""
    existing_item_share: Share = 1
    """Share of updates that find an existing item (the rest create one)."""


class DeleteItem(PatternBase, WriteFields):
    """Delete one item by primary key."""

    operation: Literal["DeleteItem"] = "DeleteItem"
    """Operation discriminator."""
    existing_item_share: Share = 1
    """Share of deletes that find an item (a missing item still costs 1 WCU)."""


class BatchWriteItem(PatternBase, WriteFields):
    """Put or delete up to 25 items in one request (no updates)."""

    operation: Literal["BatchWriteItem"] = "BatchWriteItem"
    """Operation discriminator."""
    items_per_request: Annotated[float, Field(gt=0, le=25, strict=True)] = 1
    """Puts or deletes per request (at most 25); each item is rounded up to 1 KB on its own."""
    write_kind: Literal["put", "delete"] = "put"
    """Whether the batch puts or deletes items."""


class TransactAction(Frozen):
    """One action of a write transaction."""

    action: Literal["Put", "Update", "Delete", "ConditionCheck"]
    """Transaction action; ConditionCheck is charged as a transactional write of the checked item."""
    entity: Name
    """Entity the action touches."""
    changed_attributes: tuple[Name, ...] = ()
    """Attributes an Update changes (decides index writes)."""


class TransactWriteItems(PatternBase, WriteFields):
    """Up to 100 write actions, all or nothing (transactional writes: 2 units per 1 KB on the table)."""

    operation: Literal["TransactWriteItems"] = "TransactWriteItems"
    """Operation discriminator."""
    actions: tuple[TransactAction, ...]
    """The actions of one transaction (1-100)."""


READ_OPERATIONS = frozenset({"GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"})
WRITE_OPERATIONS = frozenset({"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"})

AccessPattern = Annotated[
    GetItem | Query | Scan | BatchGetItem | TransactGetItems
    | PutItem | UpdateItem | DeleteItem | BatchWriteItem | TransactWriteItems,
    Field(discriminator="operation"),
]
ReadPattern = GetItem | Query | Scan | BatchGetItem | TransactGetItems
WritePattern = PutItem | UpdateItem | DeleteItem | BatchWriteItem | TransactWriteItems

__all__ = [
    "READ_OPERATIONS", "WRITE_OPERATIONS", "AccessPattern", "BatchGetItem", "BatchWriteItem", "Consistency",
    "DeleteItem", "GetItem", "KeyCondition", "PutItem", "Query", "ReadPattern", "Scan", "SortKeyCondition",
    "SortOperator", "TransactAction", "TransactGetItems", "TransactWriteItems", "UpdateItem", "WritePattern",
]
