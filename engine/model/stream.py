"""Consumers of a table's DynamoDB stream (issue 16): who reads the change records and what each one writes.

A table with `stream_view_type` may list `stream_consumers`: Lambda triggers, Kinesis Data Streams for DynamoDB,
EventBridge Pipes, or a custom reader polling GetRecords. Each consumer's `writes` become derived access patterns
on their target tables (engine.streams), at the stream's record rate times the consumer's filter share.
Figures and their sources: engine/streams.py and docs/streams.md.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, Strict, model_validator

from engine.model.base import Bool, Frozen, Name, Share, Str, ValueBytes

WriteOperation = Literal["PutItem", "UpdateItem", "DeleteItem"]

# Event source mapping limits for DynamoDB streams (docs.aws.amazon.com/lambda/latest/dg/services-ddb-params.html):
# BatchSize 1-10,000 (default 100), MaximumBatchingWindowInSeconds 0-300, ParallelizationFactor 1-10.
BatchSize = Annotated[int, Strict(), Field(ge=1, le=10_000)]
BatchingWindow = Annotated[float, Strict(), Field(ge=0, le=300)]
ParallelizationFactor = Annotated[int, Strict(), Field(ge=1, le=10)]
# A Lambda invocation lasts at most 15 minutes (docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html)
# and is billed in 1 ms steps (aws.amazon.com/lambda/pricing/): at least 1 ms (a denormal 5e-324 ms divided by zero).
DurationMs = Annotated[float, Strict(), Field(ge=1, le=900_000)]
# Lambda memory: 128 MB to 10,240 MB (same page).
MemoryMb = Annotated[int, Strict(), Field(ge=128, le=10_240)]


class ConsumerWrite(Frozen):
    """One write a consumer makes for each stream record that passes its filter (e.g. a per-customer total)."""

    table: Name
    """Table the consumer writes (the stream's own table or another one)."""
    operation: WriteOperation = "UpdateItem"
    """PutItem, UpdateItem or DeleteItem."""
    entity: Name | None = None
    """Entity of the target table the write touches: its item size and indexes price the write."""
    item_size_bytes: ValueBytes | None = None
    """Size of the written item when no entity describes it (priced as one table write, no index writes)."""
    changed_attributes: tuple[Name, ...] = ()
    """Attributes an UpdateItem changes (decides which index entries change); attributes of `entity`."""
    per_record: Annotated[float, Strict(), Field(gt=0, le=100)] = 1.0
    """Writes of this kind per record that passes the filter (e.g. 2 for two counters)."""
    existing_item_share: Share | None = None
    """Share of writes that find an existing item (default: 0 for PutItem, 1 for UpdateItem and DeleteItem)."""
    idempotent: Bool = False
    """True when applying the write twice gives the same result (a Put of the whole item, an update conditioned
    on the record's sequence number or guarded by an idempotency marker); false for an unconditional ADD to a
    counter, which a retried batch applies twice."""

    @model_validator(mode="after")
    def _one_size(self) -> ConsumerWrite:
        if (self.entity is None) == (self.item_size_bytes is None):
            raise ValueError(f"a consumer write to table '{self.table}' needs exactly one of `entity` (an entity of "
                             "that table) or `item_size_bytes` (the written item's size)")
        if self.item_size_bytes is not None and self.changed_attributes:
            raise ValueError(f"a consumer write to table '{self.table}' sized by `item_size_bytes` has no attributes "
                             "to change; give `entity` instead or drop `changed_attributes`")
        return self


class ConsumerBase(Frozen):
    """Fields every stream consumer has."""

    name: Name
    """Consumer name, unique among the table's consumers (e.g. `customer totals`)."""
    description: Str = ""
    """What the consumer does."""
    filter_share: Share = 1.0
    """Fraction of the stream's records passing the consumer's filter criteria (event filtering): only these are
    delivered (Lambda, Pipes) and lead to its writes."""
    writes: tuple[ConsumerWrite, ...] = ()
    """Writes the consumer makes for each record that passes its filter (each one a derived access pattern)."""
    needs_order: Bool = False
    """Whether the consumer relies on the changes of one item arriving in order, once."""


class BatchingFields(Frozen):
    """How a poller (Lambda event source mapping, EventBridge Pipes) batches records from each shard."""

    batch_size: BatchSize = 100
    """Records per batch at most (1-10,000; default 100)."""
    batching_window_seconds: BatchingWindow = 0
    """Longest wait to fill a batch (0-300 s); 0 invokes as soon as records are read."""
    parallelization_factor: ParallelizationFactor = 1
    """Concurrent batches per shard (1-10); records of one item stay in order."""
    avg_duration_ms: DurationMs = 100
    """Average time to process one batch (one invocation), in milliseconds."""


class LambdaConsumer(ConsumerBase, BatchingFields):
    """A Lambda function triggered by the stream (event source mapping): its stream reads are free."""

    kind: Literal["lambda"] = "lambda"
    """Consumer kind discriminator."""
    memory_mb: MemoryMb = 128
    """Memory of the function (128-10,240 MB); Lambda bills GB-seconds of it."""


class PipesConsumer(ConsumerBase, BatchingFields):
    """An EventBridge pipe with the stream as source (filtering, then its target per batch)."""

    kind: Literal["pipes"] = "pipes"
    """Consumer kind discriminator."""


class KinesisConsumer(ConsumerBase):
    """Kinesis Data Streams for DynamoDB: the table's changes also go to a Kinesis data stream (billed in change
    data capture units; records may arrive out of order or twice). It takes no reader slot of the DynamoDB stream."""

    kind: Literal["kinesis"] = "kinesis"
    """Consumer kind discriminator."""
    capacity_mode: Literal["on_demand", "provisioned"] = "on_demand"
    """Kinesis capacity mode: on-demand (per stream-hour and GB) or provisioned (per shard-hour and PUT unit)."""
    shards: Annotated[int, Strict(), Field(ge=1, le=100_000)] | None = None
    """Provisioned shards of the Kinesis stream (required for provisioned, none for on-demand)."""
    readers: Annotated[int, Strict(), Field(ge=1, le=20)] = 1
    """Applications reading the Kinesis stream; each reads every record (on-demand bills data retrieved per GB)."""

    @model_validator(mode="after")
    def _shards(self) -> KinesisConsumer:
        if self.capacity_mode == "provisioned" and self.shards is None:
            raise ValueError(f"Kinesis consumer '{self.name}' is provisioned but gives no `shards`; add the shard "
                             "count or use capacity_mode on_demand")
        if self.capacity_mode == "on_demand" and self.shards is not None:
            raise ValueError(f"Kinesis consumer '{self.name}' is on-demand, which manages its shards; remove "
                             "`shards` or use capacity_mode provisioned")
        return self


class OtherConsumer(ConsumerBase):
    """A custom reader (KCL application, SDK poller) calling GetRecords on every shard: each call is a billed
    stream read request unit."""

    kind: Literal["other"] = "other"
    """Consumer kind discriminator."""
    polls_per_second_per_shard: Annotated[float, Strict(), Field(gt=0, le=20)] = 1.0
    """GetRecords calls per second on each shard (the KCL waits 1 s between reads by default)."""


StreamConsumer = Annotated[LambdaConsumer | KinesisConsumer | PipesConsumer | OtherConsumer,
                           Field(discriminator="kind")]
READER_KINDS = frozenset({"lambda", "pipes", "other"})
"""Consumer kinds that read the DynamoDB stream's shards (Kinesis Data Streams for DynamoDB is fed separately)."""

__all__ = [
    "READER_KINDS", "BatchingFields", "ConsumerBase", "ConsumerWrite", "KinesisConsumer", "LambdaConsumer",
    "OtherConsumer", "PipesConsumer", "StreamConsumer", "WriteOperation",
]
