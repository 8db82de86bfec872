"""Tables: keys, billing, table class, secondary indexes, TTL, streams and global-table replicas."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from engine.model.base import Bool, Frozen, Name, NonNegUnits, RequestRate, ReservedUnits, Str, Units
from engine.model.stream import StreamConsumer

KeyType = Literal["S", "N", "B"]
TableClass = Literal["STANDARD", "STANDARD_INFREQUENT_ACCESS"]
StreamViewType = Literal["KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"]


class KeyAttribute(Frozen):
    """A key attribute of a table or index."""

    name: Name
    """Attribute name (e.g. `PK`, `OrderId`)."""
    type: KeyType = "S"
    """DynamoDB scalar type of the key: S (string), N (number) or B (binary)."""


class AutoScaling(Frozen):
    """Provisioned auto scaling (target tracking) for one capacity dimension pair."""

    min_read_capacity_units: Units = 1
    """Lowest RCU auto scaling may set."""
    max_read_capacity_units: Units = 40000
    """Highest RCU auto scaling may set (the default per-table quota is 40,000)."""
    min_write_capacity_units: Units = 1
    """Lowest WCU auto scaling may set."""
    max_write_capacity_units: Units = 40000
    """Highest WCU auto scaling may set (the default per-table quota is 40,000)."""
    target_utilization: Annotated[float, Field(gt=0.2, le=0.9, strict=True)] = 0.7
    """Consumed/provisioned ratio auto scaling tracks (AWS allows 20-90%; 70% is common)."""


class ProvisionedThroughput(Frozen):
    """Provisioned capacity of a GSI on a provisioned table."""

    read_capacity_units: Units
    """Provisioned RCU (one RCU = one strongly consistent 4 KB read per second)."""
    write_capacity_units: Units
    """Provisioned WCU (one WCU = one 1 KB write per second)."""
    auto_scaling: AutoScaling | None = None
    """Auto scaling settings, or none for fixed capacity."""


class OnDemandBilling(Frozen):
    """Pay per request; DynamoDB scales throughput itself (up to 2x the previous peak at once)."""

    mode: Literal["on_demand"] = "on_demand"
    """Billing mode discriminator."""
    max_read_request_units: Units | None = None
    """Optional cap on read request units per second (maximum on-demand throughput)."""
    max_write_request_units: Units | None = None
    """Optional cap on write request units per second (maximum on-demand throughput)."""
    warm_read_units_per_second: Units | None = None
    """Warm throughput for reads, if pre-warmed; a new table starts at 12,000 reads/s."""
    warm_write_units_per_second: Units | None = None
    """Warm throughput for writes, if pre-warmed; a new table starts at 4,000 writes/s."""
    previous_peak_read_units_per_second: NonNegUnits | None = None
    """Highest read rate the table has served: traffic up to 2x this is absorbed at once."""
    previous_peak_write_units_per_second: NonNegUnits | None = None
    """Highest write rate the table has served: traffic up to 2x this is absorbed at once."""


class ProvisionedBilling(Frozen):
    """Provisioned read and write capacity, optionally auto scaled and partly reserved."""

    mode: Literal["provisioned"] = "provisioned"
    """Billing mode discriminator."""
    read_capacity_units: Units
    """Provisioned RCU of the table (its GSIs have their own)."""
    write_capacity_units: Units
    """Provisioned WCU of the table (its GSIs have their own)."""
    auto_scaling: AutoScaling | None = None
    """Auto scaling settings, or none for fixed capacity."""
    reserved_read_capacity_units: ReservedUnits = 0
    """RCU covered by reserved capacity (bought per 100 units; Standard class only)."""
    reserved_write_capacity_units: ReservedUnits = 0
    """WCU covered by reserved capacity (bought per 100 units; Standard class only)."""


Billing = Annotated[OnDemandBilling | ProvisionedBilling, Field(discriminator="mode")]


class Projection(Frozen):
    """Which attributes a secondary index copies from the table."""

    type: Literal["ALL", "KEYS_ONLY", "INCLUDE"] = "ALL"
    """ALL copies every attribute; KEYS_ONLY only table and index keys; INCLUDE adds `attributes`."""
    attributes: tuple[Name, ...] = ()
    """Non-key attributes an INCLUDE projection copies (empty for ALL and KEYS_ONLY)."""


class GlobalSecondaryIndex(Frozen):
    """A GSI: its own partition (and sort) key, written asynchronously, read eventually consistent."""

    name: Name
    """Index name, unique within the table."""
    partition_key: KeyAttribute
    """Partition key of the index."""
    sort_key: KeyAttribute | None = None
    """Optional sort key of the index."""
    projection: Projection = Projection()
    """Attributes copied into the index."""
    provisioned: ProvisionedThroughput | None = None
    """Own capacity when the table is provisioned (required then; forbidden on on-demand tables)."""


class LocalSecondaryIndex(Frozen):
    """An LSI: the table's partition key with another sort key; only at table creation."""

    name: Name
    """Index name, unique within the table."""
    sort_key: KeyAttribute
    """Alternative sort key (the partition key is the table's)."""
    projection: Projection = Projection()
    """Attributes copied into the index."""


class GlobalTableSettings(Frozen):
    """Replicas of a global table: multi-region eventual (MREC) or strong (MRSC) consistency."""

    regions: tuple[Name, ...]
    """Every region holding a replica, including the design's home region."""
    mode: Literal["MREC", "MRSC"] = "MREC"
    """MREC: last writer wins, async replication. MRSC: strongly consistent reads in any region."""
    witness_region: Name | None = None
    """MRSC only: a witness instead of a third replica (then `regions` lists 2 replicas)."""


class Table(Frozen):
    """A DynamoDB table."""

    name: Name
    """Table name (3-255 characters: letters, digits, `_`, `-`, `.`)."""
    partition_key: KeyAttribute
    """Partition (hash) key."""
    sort_key: KeyAttribute | None = None
    """Optional sort (range) key: items with one partition key form an item collection."""
    billing: Billing = OnDemandBilling()
    """On-demand or provisioned capacity."""
    table_class: TableClass = "STANDARD"
    """STANDARD, or STANDARD_INFREQUENT_ACCESS (cheaper storage, dearer requests)."""
    gsis: tuple[GlobalSecondaryIndex, ...] = ()
    """Global secondary indexes (at most 20)."""
    lsis: tuple[LocalSecondaryIndex, ...] = ()
    """Local secondary indexes (at most 5; need a sort key on the table)."""
    ttl_attribute: Name | None = None
    """Attribute holding an expiry epoch; TTL deletes consume no write capacity."""
    stream_view_type: StreamViewType | None = None
    """DynamoDB Streams view type, or none for no stream."""
    stream_consumers: tuple[StreamConsumer, ...] = ()
    """Who reads the table's changes (needs `stream_view_type`): Lambda triggers, Kinesis Data Streams, EventBridge
    Pipes or custom readers, each with the writes it makes per record (engine.streams)."""
    ttl_deletions_per_second: RequestRate = 0.0
    """Items TTL deletes per second on average (each one a stream record; needs `ttl_attribute`); 0 = not modelled."""
    global_table: GlobalTableSettings | None = None
    """Replicas in other regions, or none for a single-region table."""
    deletion_protection: Bool = False
    """Informational: whether deletion protection is on."""
    point_in_time_recovery: Bool = False
    """Whether continuous backups (point-in-time recovery) are on. Exported to infrastructure code; not priced (backups
    are in the price catalog's `not_modelled` list)."""

    def index(self, name: str) -> GlobalSecondaryIndex | LocalSecondaryIndex | None:
        """The GSI or LSI with this name, if any."""
        for idx in (*self.gsis, *self.lsis):
            if idx.name == name:
                return idx
        return None

    def index_keys(self, name: str | None) -> tuple[KeyAttribute, KeyAttribute | None]:
        """(partition key, sort key) of the table (name None) or of one of its indexes."""
        if name is None:
            return self.partition_key, self.sort_key
        idx = self.index(name)
        if idx is None:
            raise KeyError(name)
        if isinstance(idx, LocalSecondaryIndex):
            return self.partition_key, idx.sort_key
        return idx.partition_key, idx.sort_key

    @property
    def key_names(self) -> tuple[str, ...]:
        """Names of the table's primary key attributes."""
        return tuple(k.name for k in (self.partition_key, self.sort_key) if k is not None)

    @property
    def key_attributes(self) -> tuple[KeyAttribute, ...]:
        """Every key attribute of the table and its indexes, each name once: the table's own keys first, then
        the GSIs' and the LSIs' in order (what CreateTable's AttributeDefinitions lists)."""
        seen: dict[str, KeyAttribute] = {}
        keys = [self.partition_key, self.sort_key]
        for gsi in self.gsis:
            keys += [gsi.partition_key, gsi.sort_key]
        keys += [lsi.sort_key for lsi in self.lsis]
        for key in keys:
            if key is not None:
                seen.setdefault(key.name, key)
        return tuple(seen.values())

    @property
    def key_types(self) -> dict[str, KeyType]:
        """Key attribute name -> key type (S, N or B) over the table and its indexes (`key_attributes`' order)."""
        return {key.name: key.type for key in self.key_attributes}


__all__ = [
    "AutoScaling", "Billing", "GlobalSecondaryIndex", "GlobalTableSettings", "KeyAttribute",
    "KeyType", "LocalSecondaryIndex", "OnDemandBilling", "Projection", "ProvisionedBilling",
    "ProvisionedThroughput", "StreamViewType", "Table", "TableClass", "Str",
]
