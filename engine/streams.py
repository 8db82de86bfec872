"""What a stream adds to a design (issue 16): the records each table's stream carries, its shards, the readers
per shard, each consumer's concurrency and throughput per shard, the iterator age (lag) under the design's
traffic and over any records-per-second series, records lost past the 24-hour retention, and the writes the
consumers make (derived access patterns on their target tables). Money is in engine.cost.streams.

Rules, with their sources (DG = https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/; the Lambda
guide is https://docs.aws.amazon.com/lambda/latest/dg/; docs/streams.md lists them with the figures):
- a stream record per item change (INSERT, MODIFY, REMOVE), written once, in order per item; none for a write that
  changes nothing; kept 24 hours (DG/Streams.html);
- view types: KEYS_ONLY carries the keys, NEW_IMAGE / OLD_IMAGE one image, NEW_AND_OLD_IMAGES both (DG/Streams.html);
- at most 2 processes should read one shard at a time, 1 for global tables (DG/ServiceQuotas.html, "Simultaneous
  readers of a shard in DynamoDB Streams"; with-ddb.html);
- a GetRecords call returns at most 1,000 records or 1 MB and is one stream read request unit
  (DG/CostOptimization_StreamsUsage.html);
- Lambda polls each shard at a base rate of 4 times per second, invokes when the batch is full or the batching
  window ends, runs up to `parallelization_factor` batches per shard, and retries a failed batch until it succeeds
  or its records expire: at-least-once (with-ddb.html, services-ddb-params.html);
- Kinesis Data Streams for DynamoDB may deliver a change out of order or more than once; consumers order by
  ApproximateCreationDateTime and deduplicate (DG/kds.html); a Kinesis shard takes 1,000 records or 1 MB per second
  (https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html).

Workbench assumptions (stated to the user, ASSUMPTIONS below): AWS documents no shard count, so shards follow the
table's partitions; records spread evenly over shards; peaks of all patterns coincide.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from engine.capacity import Arm, DesignSizes, PatternCapacity, entity_weights, pattern_capacity, write_units
from engine.itemsize import entity_size_distribution
from engine.model import AccessPattern, DataModel, Table
from engine.model.access_pattern import DeleteItem, PutItem, UpdateItem
from engine.model.stream import READER_KINDS, ConsumerWrite, LambdaConsumer, PipesConsumer, StreamConsumer
from engine.partition_count import partition_candidates, partition_count, throughput_partitions

if TYPE_CHECKING:  # types only: engine.evaluate imports this module, engine.heat is imported where it is used
    from engine.evaluate import Evaluation
    from engine.heat import TrafficProfile

DerivedPattern = PutItem | UpdateItem | DeleteItem
"""A consumer write as an access pattern (engine.model.stream.WriteOperation)."""

RETENTION_SECONDS = 24 * 3600
"""DG/Streams.html: stream records are kept for 24 hours."""
MAX_READERS_PER_SHARD = 2
"""DG/ServiceQuotas.html: at most two processes should read one shard at a time (more can be throttled)."""
MAX_READERS_PER_SHARD_GLOBAL_TABLE = 1
"""DG/ServiceQuotas.html: for global tables AWS recommends one reader per shard."""
LAMBDA_POLLS_PER_SECOND = 4.0
"""with-ddb.html: Lambda polls each shard at a base rate of 4 times per second (EventBridge Pipes' poller is
assumed to do the same)."""
POLL_INTERVAL_SECONDS = 1.0 / LAMBDA_POLLS_PER_SECOND
GET_RECORDS_MAX_RECORDS = 1000
"""DG/CostOptimization_StreamsUsage.html: one GetRecords call returns at most 1,000 records or 1 MB."""
GET_RECORDS_MAX_BYTES = 1024 * 1024
KINESIS_SHARD_RECORDS_PER_SECOND = 1000
"""Kinesis Data Streams quotas: a shard takes 1,000 records or 1 MB per second."""
KINESIS_SHARD_BYTES_PER_SECOND = 1024 * 1024
SPIKE_SECONDS = 300
"""Product choice: a spike at the design's peak rate lasts 5 minutes (the heat simulator's default spike)."""
KEYS_ONLY_MIN_BYTES = 1.0

ASSUMPTIONS = (
    "Stream shards (assumption): AWS creates and splits stream shards itself and documents no count; the workbench "
    "assumes one open shard per table partition, counted as the partition report counts them (storage, provisioned "
    "or warm throughput, previous peak) or by the table's own peak load, whichever is more.",
    "Stream records spread evenly over the shards (a hot partition key would load one shard more); every write that "
    "changes an item makes one record, a failed condition or a delete of a missing item none, TTL deletes one each.",
    "Peaks of all patterns coincide: the peak record rate is the sum of the patterns' peaks (as for table loads).",
    "Lambda and EventBridge Pipes consumers: a batch is invoked when it is full, its batching window ends or the next "
    "poll comes (4 per second); a shard serves `parallelization_factor` batches at once, each lasting "
    "`avg_duration_ms`, so it processes at most parallelization_factor x batch_size / duration records per second; "
    "the poller is assumed to read at most 1,000 records per GetRecords call and 4 calls per second per shard.",
    "Iterator age (lag) is the age of the oldest record not yet read: the wait for a batch when the consumer keeps up, "
    "growing while records arrive faster than it processes them; records older than 24 hours are trimmed (lost).",
    "Kinesis Data Streams for DynamoDB is fed by DynamoDB, not by a reader of the stream: it takes no reader slot, "
    "and its delivery lag and the applications reading it are not modelled.",
    "A consumer's write that feeds back into the stream it reads (directly or through other streams) is counted as "
    "records too; when that loop never dies out, one round is counted and a finding says so.",
)


# --------------------------------------------------------------------------------------- records
@dataclass
class _Mix:
    """Records per second of one table's stream and their averaged sizes (sums weighted by rate)."""

    records: float = 0.0
    item_bytes: float = 0.0
    key_bytes: float = 0.0
    change_units: float = 0.0
    inserts: float = 0.0
    modifies: float = 0.0
    removes: float = 0.0

    def add(self, rate: float, size: tuple[float, float, float], insert: float, modify: float, remove: float) -> None:
        if rate <= 0:
            return
        item, key, units = size
        self.records += rate
        self.item_bytes += rate * item
        self.key_bytes += rate * key
        self.change_units += rate * units
        self.inserts += rate * insert
        self.modifies += rate * modify
        self.removes += rate * remove

    def mean(self, name: str) -> float:
        return getattr(self, name) / self.records if self.records > 0 else 0.0


class _Sizes:
    """(item bytes, key bytes, 1 KB change units) per entity, computed once (DOMAIN.md §1-2)."""

    def __init__(self, model: DataModel, sizes: DesignSizes) -> None:
        self.model, self.sizes, self._cache = model, sizes, {}

    def of(self, entity_name: str) -> tuple[float, float, float]:
        if entity_name not in self._cache:
            entity = self.model.entity(entity_name)
            table = self.model.table(entity.table)
            dist = self.sizes.item(entity_name)
            keys = [k.name for k in (table.partition_key, table.sort_key) if k is not None]
            key_bytes = entity_size_distribution(entity, table, attributes=keys).mean
            # a change data capture unit per 1 KB of the larger image, like a write unit (DG/kds.html)
            self._cache[entity_name] = (dist.mean, key_bytes, dist.expected_ceil_units(1024, 1))
        return self._cache[entity_name]

    def table_mix(self, table_name: str) -> tuple[float, float, float]:
        """Sizes averaged over the table's entities by item count (for TTL deletes)."""
        names = [e.name for e in self.model.entities_of(table_name)]
        if not names:
            return (0.0, 0.0, 1.0)
        weights = entity_weights(self.model, names)
        parts = [self.of(n) for n in names]
        return tuple(sum(weights[n] * p[i] for n, p in zip(names, parts, strict=True)) for i in range(3))


def _fixed_size(size_bytes: float) -> tuple[float, float, float]:
    return (size_bytes, 0.0, float(max(1, math.ceil(size_bytes / 1024))))


_KINDS = {"Put": (1.0, 0.0, 0.0), "Update": (0.0, 1.0, 0.0), "Delete": (0.0, 0.0, 1.0)}


def _upsert(existing: float) -> tuple[float, float, float]:
    """(insert, modify, remove) shares of a Put/Update finding an item `existing` of the time."""
    return (1.0 - existing, existing, 0.0)


def pattern_changes(model: DataModel, pattern: AccessPattern) -> list[tuple[str, float, tuple[float, float, float]]]:
    """(entity, stream records per request, (insert, modify, remove) shares) of a write pattern.

    A failed condition, or a delete that finds nothing, changes nothing and makes no record (DG/Streams.html).
    """
    op = pattern.operation
    if pattern.is_read:
        return []
    ok = 1.0 - pattern.condition_failure_share
    out = []
    if op == "TransactWriteItems":
        for action in pattern.actions:
            if action.action in _KINDS:
                out.append((action.entity, ok, _KINDS[action.action]))
        return out
    for entity, weight in entity_weights(model, pattern.entities).items():
        if op == "BatchWriteItem":
            kind = _KINDS["Put"] if pattern.write_kind == "put" else _KINDS["Delete"]
            out.append((entity, weight * pattern.items_per_request, kind))
        elif op == "DeleteItem":
            out.append((entity, weight * ok * pattern.existing_item_share, _KINDS["Delete"]))
        else:
            out.append((entity, weight * ok, _upsert(pattern.existing_item_share)))
    return out


_DEFAULT_EXISTING = {"PutItem": 0.0, "UpdateItem": 1.0, "DeleteItem": 1.0}
_PATTERN_CLASSES: dict[str, type[DerivedPattern]] = {"PutItem": PutItem, "UpdateItem": UpdateItem, "DeleteItem": DeleteItem}


def _write_existing(write: ConsumerWrite) -> float:
    return write.existing_item_share if write.existing_item_share is not None else _DEFAULT_EXISTING[write.operation]


def _write_changes(write: ConsumerWrite) -> tuple[float, tuple[float, float, float]]:
    """(records per write, (insert, modify, remove) shares) of a consumer write on its target table."""
    existing = _write_existing(write)
    if write.operation == "DeleteItem":
        return existing, _KINDS["Delete"]
    return 1.0, _upsert(existing)


# --------------------------------------------------------------------------------------- results
@dataclass(frozen=True, kw_only=True)
class DerivedWrite:
    """A consumer's write as an access pattern on its target table (priced like any pattern)."""

    path: str
    """Where it is in the design: `tables[i].stream_consumers[j].writes[k]`."""
    source_table: str
    consumer: str
    consumer_kind: str
    write: ConsumerWrite
    """The design's ConsumerWrite."""
    pattern: DerivedPattern
    """An access pattern object (PutItem / UpdateItem / DeleteItem) at the derived rates."""
    capacity: PatternCapacity
    """Units per write (engine.capacity; sized on `item_size_bytes` when no entity is named)."""


@dataclass(frozen=True, kw_only=True)
class TableStream:
    """Records per second a table's stream carries, and their sizes."""

    table: str
    view_type: str | None
    records_per_second: float
    """Average stream records per second: the design's writes, TTL deletes and consumer writes landing here."""
    peak_records_per_second: float
    records_from_patterns_per_second: float
    records_from_ttl_per_second: float
    records_from_consumers_per_second: float
    mean_item_bytes: float
    """Average item size behind a record (capacity size, DOMAIN.md §1)."""
    change_units_per_record: float
    """1 KB change data capture units per record (the larger image rounded up; DG/kds.html)."""
    stream_record_bytes: float
    """Average record size for the view type (keys, one image or both), without the record's metadata."""
    kinesis_record_bytes: float
    """Average record size sent to Kinesis Data Streams (keys, before and after images)."""
    in_feedback_loop: bool = False
    """Consumer writes on this table feed back into a stream they come from, without dying out."""


@dataclass(frozen=True, kw_only=True)
class StreamTraffic:
    """Every table's stream records and the consumers' derived writes (engine.evaluate prices them)."""

    tables: tuple[TableStream, ...]
    derived: tuple[DerivedWrite, ...]
    feedback_loop: bool = False
    """True when consumer writes feed back into their own stream without dying out (one round is counted)."""

    def table(self, name: str) -> TableStream:
        for t in self.tables:
            if t.table == name:
                return t
        raise KeyError(name)


def _record_bytes(mix: _Mix, view_type: str | None) -> tuple[float, float]:
    """(stream record bytes for the view type, Kinesis record bytes): an INSERT has no old image, a REMOVE no new
    one (DG/Streams.html); Kinesis records carry both images (DG/kds.html)."""
    if mix.records <= 0:
        return 0.0, 0.0
    item, key = mix.mean("item_bytes"), max(mix.mean("key_bytes"), KEYS_ONLY_MIN_BYTES)
    inserts, modifies, removes = (mix.mean(n) for n in ("inserts", "modifies", "removes"))
    both = key + item * (inserts + removes) + 2 * item * modifies
    by_view = {"KEYS_ONLY": key, "NEW_IMAGE": key + item * (inserts + modifies),
               "OLD_IMAGE": key + item * (modifies + removes), "NEW_AND_OLD_IMAGES": both}
    return by_view.get(view_type or "", 0.0), both


def _derived_pattern(name: str, write: ConsumerWrite, rate: float, peak: float, description: str) -> DerivedPattern:
    fields: dict[str, Any] = {
        "name": name, "description": description, "table": write.table,
        "entities": (write.entity,) if write.entity is not None else (), "requests_per_second": rate,
        "peak_requests_per_second": peak, "changed_attributes": tuple(write.changed_attributes)}
    if write.existing_item_share is not None:
        fields["existing_item_share"] = write.existing_item_share
    # built from validated design data, so not validated again (a derived rate may exceed a typed rate's bound)
    return _PATTERN_CLASSES[write.operation].model_construct(**fields)


def _sized_capacity(table: str, write: ConsumerWrite) -> PatternCapacity:
    """A write sized by `item_size_bytes`: one table arm, ceil(size / 1 KB) (a delete of nothing costs 1)."""
    size = int(math.ceil(write.item_size_bytes))
    existing = _write_existing(write)
    hit = write_units(size, size)
    miss = write_units(None, None) if write.operation == "DeleteItem" else write_units(None, size)
    units = existing * hit + (1 - existing) * miss
    return PatternCapacity(
        read_units_per_request=0.0, read_units_per_request_strong=None, read_units_per_request_eventual=None,
        write_units_per_request=units, index_write_units_per_request={},
        arms=(Arm(target=table, read_units_per_request=0.0, write_units_per_request=units),))


def _derived_names(model: DataModel) -> list[str]:
    names, taken = [], {p.name for p in model.access_patterns}
    for table in model.tables:
        for consumer in table.stream_consumers:
            for write in consumer.writes:
                base = f"{table.name}.{consumer.name}: {write.operation} {write.table}"
                name, n = base, 2
                while name in taken:
                    name, n = f"{base} #{n}", n + 1
                taken.add(name)
                names.append(name)
    return names


def _feedback(gain: np.ndarray) -> tuple[bool, np.ndarray]:
    """(whether consumer writes loop back without dying out, tables on a loop)."""
    n = gain.shape[0]
    if n == 0 or not gain.any():
        return False, np.zeros(n, dtype=bool)
    reach = (gain > 0).astype(int)
    step = reach.copy()
    for _ in range(n):
        step = np.minimum(1, step @ reach)
        reach = np.maximum(reach, step)
    on_loop = np.diag(reach) > 0
    return bool(np.max(np.abs(np.linalg.eigvals(gain))) >= 1 - 1e-9), on_loop


def stream_traffic(model: DataModel, sizes: DesignSizes | None = None) -> StreamTraffic:
    """Records per second of every table's stream and the consumers' writes as derived access patterns.

    A consumer write lands on its target table, where it makes stream records too (a chain of streams, or a loop
    back into the stream it reads): the record rates R solve R = B + G R, B the design's own writes and TTL deletes
    per table, G[t, s] the writes on t per record of s. A loop that never dies out counts one round (R = B + G B).
    """
    sizes = sizes or DesignSizes(model)
    sized = _Sizes(model, sizes)
    names = [t.name for t in model.tables]
    index = {n: i for i, n in enumerate(names)}
    base = {n: _Mix() for n in names}
    base_peak = {n: 0.0 for n in names}
    # Only a table with a stream has records anyone reads (evaluate reports streamed tables; a consumer's writes
    # reach a table's records only through that table's own stream): the others are left empty, unsized.
    streamed = {t.name for t in model.tables if t.stream_view_type is not None}
    for pattern in model.access_patterns if streamed else ():
        for entity, per_request, kind in pattern_changes(model, pattern):
            table = model.entity(entity).table
            if table not in streamed:
                continue
            base[table].add(pattern.requests_per_second * per_request, sized.of(entity), *kind)
            base_peak[table] += pattern.peak_rps * per_request
    ttl = {t.name: t.ttl_deletions_per_second if t.name in streamed else 0.0 for t in model.tables}
    for name, rate in ttl.items():
        if rate <= 0:
            continue  # _Mix.add ignores it; sizing every entity of the table for nothing took half of evaluate
        base[name].add(rate, sized.table_mix(name), *_KINDS["Delete"])
        base_peak[name] += rate
    gain = np.zeros((len(names), len(names)))
    writes = []  # (source, consumer, write, path, records of the target per record of the source)
    for i, table in enumerate(model.tables):
        for j, consumer in enumerate(table.stream_consumers):
            for k, write in enumerate(consumer.writes):
                per_write, _ = _write_changes(write)
                factor = consumer.filter_share * write.per_record
                gain[index[write.table], i] += factor * per_write
                writes.append((table, consumer, write, f"tables[{i}].stream_consumers[{j}].writes[{k}]", factor))
    looping, on_loop = _feedback(gain)
    b = np.array([base[n].records for n in names])
    bp = np.array([base_peak[n] for n in names])
    if looping:
        rates, peaks = b + gain @ b, bp + gain @ bp
    elif gain.any():
        identity = np.eye(len(names))
        rates, peaks = np.linalg.solve(identity - gain, b), np.linalg.solve(identity - gain, bp)
    else:
        rates, peaks = b, bp
    rates, peaks = np.maximum(rates, 0.0), np.maximum(peaks, 0.0)
    source_rates = b if looping else rates  # what the consumers' writes are driven by
    source_peaks = bp if looping else peaks
    mixes = {n: replace(base[n]) for n in names}
    derived = []
    for (table, consumer, write, path, factor), name in zip(writes, _derived_names(model), strict=True):
        rate = factor * float(source_rates[index[table.name]])
        peak = max(rate, factor * float(source_peaks[index[table.name]]))
        per_write, kind = _write_changes(write)
        size = sized.of(write.entity) if write.entity is not None else _fixed_size(write.item_size_bytes)
        mixes[write.table].add(rate * per_write, size, *kind)
        description = (f"Derived: {consumer.kind} consumer '{consumer.name}' of {table.name}'s stream, "
                       f"{write.per_record:g} {write.operation} per record passing its filter "
                       f"({consumer.filter_share:.0%} of the records)")
        pattern = _derived_pattern(name, write, rate, peak, description)
        cap = pattern_capacity(model, sizes, pattern) if write.entity is not None else \
            _sized_capacity(write.table, write)
        derived.append(DerivedWrite(
            path=path, source_table=table.name, consumer=consumer.name, consumer_kind=consumer.kind,
            write=write, pattern=pattern, capacity=cap))
    tables = []
    for table in model.tables:
        i, mix = index[table.name], mixes[table.name]
        total = float(rates[i])
        stream_bytes, kinesis_bytes = _record_bytes(mix, table.stream_view_type)
        tables.append(TableStream(
            table=table.name, view_type=table.stream_view_type, records_per_second=total,
            peak_records_per_second=max(total, float(peaks[i])),
            records_from_patterns_per_second=base[table.name].records - ttl[table.name],
            records_from_ttl_per_second=float(ttl[table.name]),
            records_from_consumers_per_second=max(0.0, total - base[table.name].records),
            mean_item_bytes=mix.mean("item_bytes"),
            change_units_per_record=mix.mean("change_units") if mix.records > 0 else 0.0,
            stream_record_bytes=stream_bytes, kinesis_record_bytes=kinesis_bytes,
            in_feedback_loop=looping and bool(on_loop[i])))
    return StreamTraffic(tables=tuple(tables), derived=tuple(derived), feedback_loop=looping)


# ---------------------------------------------------------------------------------------- shards
class ShardCount(NamedTuple):
    """Open shards of a table's stream, what sets that count, and the count each driver alone would give."""

    shards: int
    driver: str
    by_driver: dict[str, int]


def shard_count(table: Table, storage_bytes: float, peak_read_units: float = 0.0,
                peak_write_units: float = 0.0) -> ShardCount:
    """Shards, what sets the count and the count per driver of a table's stream. Assumption (AWS documents no count):
    one open shard per partition of the table (engine.partition_count), or as many partitions as its own peak load
    needs (3,000 RCU / 1,000 WCU each, DOMAIN.md §4) when that is more."""
    candidates = dict(partition_candidates(table, None, storage_bytes))
    load = throughput_partitions(peak_read_units, peak_write_units)
    if load > candidates.get("throughput", 0):
        candidates["throughput"] = load
    count = partition_count(candidates)
    return ShardCount(shards=count.partitions, driver=count.driver, by_driver=candidates)


def readers_per_shard(table: Table) -> int:
    """Consumers reading each shard of the table's stream (Kinesis Data Streams for DynamoDB reads none)."""
    return sum(1 for c in table.stream_consumers if c.kind in READER_KINDS)


def max_readers_per_shard(table: Table) -> int:
    """2 for a single-region table, 1 recommended for a global table (DG/ServiceQuotas.html)."""
    return MAX_READERS_PER_SHARD_GLOBAL_TABLE if table.global_table is not None else MAX_READERS_PER_SHARD


# ------------------------------------------------------------------------------------------- lag
@dataclass(frozen=True, kw_only=True)
class LagSeries:
    """Iterator age over time for one shard: `records_per_second` in, at most `throughput` out, oldest first."""

    seconds: np.ndarray
    """End of each step, in seconds from the start."""
    iterator_age_seconds: np.ndarray
    """Age of the oldest record not yet read at the end of each step (at least the wait for a batch)."""
    backlog_records: np.ndarray
    """Records waiting at the end of each step."""
    lost_records: np.ndarray
    """Records trimmed unread in each step (older than the retention)."""

    @property
    def max_iterator_age_seconds(self) -> float:
        return float(self.iterator_age_seconds.max()) if self.iterator_age_seconds.size else 0.0

    @property
    def total_lost_records(self) -> float:
        return float(self.lost_records.sum())


def iterator_age(records_per_second: Sequence[float] | np.ndarray, throughput_records_per_second: float, *,
                 step_seconds: float = 1.0, retention_seconds: float = RETENTION_SECONDS,
                 floor_seconds: float = 0.0) -> LagSeries:
    """Iterator age of a consumer reading one shard, step by step (records in FIFO order, fluid within a step).

    Each step adds `records_per_second[i] x step` records arriving at the step's start, trims records older than
    `retention_seconds` (lost: DG/Streams.html keeps them 24 hours) and reads up to `throughput x step` of the
    oldest. The age is the oldest waiting record's age, at least `floor_seconds` (the wait for a batch).
    """
    rates = np.asarray(records_per_second, dtype=float)
    if step_seconds <= 0 or not math.isfinite(step_seconds):
        raise ValueError(f"step_seconds must be a positive number, got {step_seconds}")
    if rates.size and (not np.all(np.isfinite(rates)) or rates.min() < 0):
        raise ValueError("records_per_second must be finite and non-negative")
    capacity = max(0.0, float(throughput_records_per_second)) * step_seconds
    queue: deque[list[float]] = deque()  # [arrival time, records]
    n = rates.size
    ages, backlog, lost = np.zeros(n), np.zeros(n), np.zeros(n)
    waiting = 0.0
    for i in range(n):
        start, end = i * step_seconds, (i + 1) * step_seconds
        arriving = rates[i] * step_seconds
        if arriving > 0:
            queue.append([start, arriving])
            waiting += arriving
        while queue and end - queue[0][0] > retention_seconds:
            lost[i] += queue[0][1]
            waiting -= queue.popleft()[1]
        left = capacity
        while queue and left > 0:
            take = min(left, queue[0][1])
            queue[0][1] -= take
            left -= take
            waiting -= take
            if queue[0][1] <= 1e-9:
                queue.popleft()
        waiting = max(0.0, waiting) if queue else 0.0
        backlog[i] = waiting
        ages[i] = max(floor_seconds, end - queue[0][0]) if queue else floor_seconds
    return LagSeries(
        seconds=np.arange(1, n + 1) * step_seconds, iterator_age_seconds=ages, backlog_records=backlog,
        lost_records=lost)


@dataclass(frozen=True, kw_only=True)
class SteadyLag:
    """A consumer at a constant record rate: whether it keeps up, and if not how fast its lag grows."""

    keeps_up: bool
    utilization: float
    """Records per second per shard / what the consumer processes per shard (above 1: it falls behind)."""
    iterator_age_seconds: float | None
    """The steady iterator age when it keeps up (the wait for a batch); None when the lag grows without end."""
    lag_growth_seconds_per_second: float
    """How much older the oldest unread record gets each second (0 when it keeps up): 1 - throughput / rate."""
    hours_until_loss: float | None
    """When records start to be trimmed unread (24-hour retention); None when it keeps up."""
    lost_records_per_second: float
    """Records lost per second per shard once the lag has reached the retention (rate - throughput)."""


def steady_lag(records_per_second: float, throughput_records_per_second: float | None,
               floor_seconds: float = 0.0, retention_seconds: float = RETENTION_SECONDS) -> SteadyLag:
    """Fluid model of a constant rate a against a throughput c: a <= c keeps up at the floor age; otherwise the
    record read at time t arrived at c t / a, so the age grows as t (1 - c / a) and reaches the retention after
    retention / (1 - c / a) seconds, from when a - c records per second are trimmed unread."""
    if throughput_records_per_second is None:
        return SteadyLag(
            keeps_up=True, utilization=0.0, iterator_age_seconds=None, lag_growth_seconds_per_second=0.0,
            hours_until_loss=None, lost_records_per_second=0.0)
    a, c = max(0.0, records_per_second), max(0.0, throughput_records_per_second)
    if a <= c:
        return SteadyLag(
            keeps_up=True, utilization=a / c if c > 0 else 0.0, iterator_age_seconds=floor_seconds,
            lag_growth_seconds_per_second=0.0, hours_until_loss=None, lost_records_per_second=0.0)
    growth = 1.0 - c / a
    return SteadyLag(
        keeps_up=False, utilization=a / c if c > 0 else math.inf, iterator_age_seconds=None,
        lag_growth_seconds_per_second=growth, hours_until_loss=retention_seconds / growth / 3600,
        lost_records_per_second=a - c)


def spike_lag(base_records_per_second: float, peak_records_per_second: float, throughput_records_per_second: float,
              floor_seconds: float = 0.0, spike_seconds: float = SPIKE_SECONDS) -> LagSeries:
    """One shard's iterator age through a spike at the peak rate for `spike_seconds`, then back at the base rate
    until the backlog drains (the horizon covers the drain, up to the retention plus an hour)."""
    a, p, c = base_records_per_second, max(peak_records_per_second, base_records_per_second), \
        throughput_records_per_second
    if c > a:
        backlog = max(0.0, (p - c) * spike_seconds)
        horizon = spike_seconds + backlog / c + backlog / (c - a) + 60
    else:
        horizon = spike_seconds + RETENTION_SECONDS + 3600
    horizon = min(horizon, spike_seconds + RETENTION_SECONDS + 3600)
    step = max(1.0, math.ceil(horizon / 4000))
    steps = int(math.ceil(horizon / step))
    spike_steps = max(1, int(round(spike_seconds / step)))
    series = np.full(steps, a)
    series[:spike_steps] = p
    return iterator_age(series, c, step_seconds=step, floor_seconds=floor_seconds)


def profile_series(records_per_second: float, peak_records_per_second: float, profile: TrafficProfile,
                   horizon_seconds: int) -> np.ndarray:
    """Records per second, second by second, under a heat-simulator traffic profile (engine.heat.TrafficProfile):
    the average rate times the profile's multiplier (a spike without its own multiplier goes to the peak)."""
    from engine.heat import profile_multipliers

    ratio = peak_records_per_second / records_per_second if records_per_second > 0 else 1.0
    return records_per_second * profile_multipliers(profile, int(horizon_seconds), ratio)


# ----------------------------------------------------------------------------------------- flows
@dataclass(frozen=True, kw_only=True)
class ConsumerFlow:
    """How one consumer keeps up with its table's stream (figures per shard are for the average shard)."""

    table: str
    name: str
    kind: str
    path: str
    """`tables[i].stream_consumers[j]`."""
    shards: int
    reads_shards: bool
    """Whether it is one of the readers of each shard (Kinesis Data Streams for DynamoDB is not)."""
    records_per_second: float
    """Stream records per second (average, all shards)."""
    peak_records_per_second: float
    delivered_records_per_second: float
    """Records passing the filter (delivered to the function or target; leading to its writes)."""
    records_per_second_per_shard: float
    peak_records_per_second_per_shard: float
    throughput_records_per_second_per_shard: float | None
    """Stream records per second one shard's consumer can get through (None: not modelled, Kinesis)."""
    concurrency: int | None
    """Concurrent batches at most: shards x parallelization factor (Lambda, Pipes)."""
    records_per_batch: float | None
    """Average records per invocation at the average rate (Lambda, Pipes)."""
    invocations_per_second: float
    """Lambda invocations or Pipes batches per second, all shards (0 for other kinds)."""
    get_records_per_second: float
    """GetRecords calls per second on all shards (0 for Kinesis; Lambda's are free)."""
    wait_seconds: float
    """Iterator age when it keeps up: the wait for a batch (poll interval or batching window)."""
    average: SteadyLag
    peak: SteadyLag
    spike_max_iterator_age_seconds: float | None
    """Largest iterator age through a 5-minute spike at the peak rate (None: not modelled)."""
    spike_lost_records: float
    """Records per shard lost through that spike (older than 24 hours)."""
    kinesis_shards_needed: int | None = None
    """Kinesis shards the records need at the peak (1,000 records or 1 MB per second each); Kinesis only."""
    notes: tuple[str, ...] = field(default_factory=tuple)


def _batch(consumer: LambdaConsumer | PipesConsumer, delivered_per_shard: float) -> tuple[float, float, float, float]:
    """(throughput in delivered records/s per shard, records per batch, invocations/s per shard, wait seconds) of a
    Lambda or Pipes consumer (services-ddb-params.html; ASSUMPTIONS)."""
    duration = consumer.avg_duration_ms / 1000.0
    throughput = consumer.parallelization_factor * consumer.batch_size / duration
    pace = max(consumer.batching_window_seconds, POLL_INTERVAL_SECONDS, duration / consumer.parallelization_factor)
    per_batch = min(float(consumer.batch_size), max(1.0, delivered_per_shard * pace)) if delivered_per_shard > 0 \
        else 0.0
    invocations = delivered_per_shard / per_batch if per_batch > 0 else 0.0
    fill = consumer.batch_size / delivered_per_shard if delivered_per_shard > 0 else math.inf
    wait = max(POLL_INTERVAL_SECONDS, min(consumer.batching_window_seconds, fill))
    return throughput, per_batch, invocations, wait


def _records_per_call(record_bytes: float) -> float:
    """Records one GetRecords call returns at most: 1,000 or 1 MB of them."""
    if record_bytes <= 0:
        return float(GET_RECORDS_MAX_RECORDS)
    return float(max(1, min(GET_RECORDS_MAX_RECORDS, math.floor(GET_RECORDS_MAX_BYTES / record_bytes))))


def consumer_flow(table: Table, path: str, consumer: StreamConsumer, stream: TableStream, shards: int) -> ConsumerFlow:
    """Throughput, concurrency, polls and lag of one consumer of `table`'s stream with `shards` shards."""
    shards = max(1, shards)
    per_shard, peak_per_shard = stream.records_per_second / shards, stream.peak_records_per_second / shards
    share = consumer.filter_share
    delivered = stream.records_per_second * share
    notes: list[str] = []
    concurrency = per_batch = None
    invocations = polls = 0.0
    kinesis_shards = None
    if consumer.kind in ("lambda", "pipes"):
        throughput_delivered, per_batch, per_shard_invocations, wait = _batch(consumer, per_shard * share)
        read_ceiling = LAMBDA_POLLS_PER_SECOND * _records_per_call(stream.stream_record_bytes)
        throughput = min(throughput_delivered / share, read_ceiling) if share > 0 else read_ceiling
        concurrency = shards * consumer.parallelization_factor
        invocations = per_shard_invocations * shards
        polls = LAMBDA_POLLS_PER_SECOND * shards
    elif consumer.kind == "other":
        throughput = consumer.polls_per_second_per_shard * _records_per_call(stream.stream_record_bytes)
        wait = 1.0 / consumer.polls_per_second_per_shard
        polls = consumer.polls_per_second_per_shard * shards
    else:  # kinesis: fed by DynamoDB, not a reader of the stream
        throughput, wait = None, 0.0
        kinesis_shards = max(1, math.ceil(max(stream.peak_records_per_second / KINESIS_SHARD_RECORDS_PER_SECOND,
                                               stream.peak_records_per_second * stream.kinesis_record_bytes
                                               / KINESIS_SHARD_BYTES_PER_SECOND) - 1e-9))
        notes.append("Kinesis Data Streams for DynamoDB: delivery lag and the applications reading the Kinesis "
                     "stream are not modelled")
    average = steady_lag(per_shard, throughput, wait)
    peak = steady_lag(peak_per_shard, throughput, wait)
    spike_age = None
    spike_lost = 0.0
    if throughput is not None:
        series = spike_lag(per_shard, peak_per_shard, throughput, wait)
        spike_age, spike_lost = series.max_iterator_age_seconds, series.total_lost_records
    return ConsumerFlow(
        table=table.name, name=consumer.name, kind=consumer.kind, path=path, shards=shards,
        reads_shards=consumer.kind in READER_KINDS, records_per_second=stream.records_per_second,
        peak_records_per_second=stream.peak_records_per_second, delivered_records_per_second=delivered,
        records_per_second_per_shard=per_shard, peak_records_per_second_per_shard=peak_per_shard,
        throughput_records_per_second_per_shard=throughput, concurrency=concurrency,
        records_per_batch=per_batch, invocations_per_second=invocations, get_records_per_second=polls,
        wait_seconds=wait, average=average, peak=peak, spike_max_iterator_age_seconds=spike_age,
        spike_lost_records=spike_lost, kinesis_shards_needed=kinesis_shards, notes=tuple(notes))


def lag_over_time(flow: ConsumerFlow, records_per_second_per_shard: Sequence[float] | np.ndarray,
                  step_seconds: float = 1.0) -> LagSeries:
    """A consumer's iterator age under any per-shard record series (e.g. `profile_series(...) / shards`)."""
    if flow.throughput_records_per_second_per_shard is None:
        raise ValueError(f"consumer '{flow.name}' ({flow.kind}) has no modelled throughput, so no lag")
    return iterator_age(records_per_second_per_shard, flow.throughput_records_per_second_per_shard,
                        step_seconds=step_seconds, floor_seconds=flow.wait_seconds)


# -------------------------------------------------------------------------------------- scenario
@dataclass(frozen=True, kw_only=True)
class ScenarioLag:
    """One consumer's iterator age under a traffic scenario (the Partitions page's heat-simulator profile)."""

    table: str
    consumer: str
    kind: str
    shards: int
    throughput_records_per_second_per_shard: float
    """What the consumer gets through per shard (ConsumerFlow)."""
    records_per_second_per_shard: np.ndarray
    """Stream records arriving per shard, second by second."""
    lag: LagSeries


def _pattern_records(model: DataModel, table: str, profile: TrafficProfile, horizon: int,
                     pattern: str | None) -> tuple[np.ndarray, float]:
    """(records per second from the design's access patterns on `table`, second by second; their average)."""
    from engine.heat import profile_multipliers

    series, average = np.zeros(horizon), 0.0
    for p in model.access_patterns:
        on_table = sum(p.requests_per_second * per_request for entity, per_request, _ in pattern_changes(model, p)
                       if model.entity(entity).table == table)
        if on_table <= 0:
            continue
        average += on_table
        if pattern is None or p.name == pattern:
            ratio = p.peak_rps / p.requests_per_second if p.requests_per_second > 0 else 1.0
            series += on_table * profile_multipliers(profile, horizon, ratio)
        else:
            series += on_table
    return series, average


def scenario_records(model: DataModel, evaluation: Evaluation, table: str, profile: TrafficProfile, horizon_seconds: int,
                     pattern: str | None = None) -> np.ndarray:
    """A table's stream records per second, second by second, when a heat-simulator profile
    (engine.heat.TrafficProfile) drives every access pattern (or only `pattern`, the others at their average).

    Each pattern's records follow its own multiplier (its peak / average for a profile without one); TTL deletes
    stay at their rate; records from consumer writes follow the records of the streams they come from (their
    patterns and TTL deletes: one level of a chain of streams).
    """
    horizon = int(horizon_seconds)
    records = evaluation.stream(table).records if any(s.table == table for s in evaluation.streams) else None
    ttl = model.table(table).ttl_deletions_per_second
    own, _ = _pattern_records(model, table, profile, horizon, pattern)
    from_consumers = records.records_from_consumers_per_second if records is not None else 0.0
    if from_consumers <= 0:
        return ttl + own
    weighted, weight = np.zeros(horizon), 0.0
    for stream in evaluation.streams:
        rate = sum(w.requests_per_second for c in stream.consumers for w in c.writes if w.target_table == table)
        if rate <= 0:
            continue
        source, average = _pattern_records(model, stream.table, profile, horizon, pattern)
        base = stream.records.records_from_ttl_per_second
        weighted += rate * ((base + source) / (base + average) if base + average > 0 else np.ones(horizon))
        weight += rate
    follow = weighted / weight if weight > 0 else np.ones(horizon)
    return ttl + own + from_consumers * follow


def scenario_lags(model: DataModel, evaluation: Evaluation, profile: TrafficProfile, horizon_seconds: int,
                  pattern: str | None = None) -> tuple[ScenarioLag, ...]:
    """Iterator age of every consumer that reads a stream (Lambda, Pipes, custom readers; not Kinesis, whose lag is
    not modelled) under a traffic scenario, records spread evenly over the table's shards (ASSUMPTIONS)."""
    out = []
    for stream in evaluation.streams:
        readers = [c for c in stream.consumers if c.flow.throughput_records_per_second_per_shard is not None]
        if not readers:
            continue
        per_shard = scenario_records(model, evaluation, stream.table, profile, horizon_seconds, pattern) / \
            max(1, stream.shards)
        for consumer in readers:
            flow = consumer.flow
            out.append(ScenarioLag(
                table=stream.table, consumer=consumer.name, kind=consumer.kind, shards=stream.shards,
                throughput_records_per_second_per_shard=float(flow.throughput_records_per_second_per_shard),
                records_per_second_per_shard=per_shard, lag=lag_over_time(flow, per_shard)))
    return tuple(out)


__all__ = [
    "ASSUMPTIONS", "GET_RECORDS_MAX_RECORDS", "LAMBDA_POLLS_PER_SECOND", "MAX_READERS_PER_SHARD",
    "MAX_READERS_PER_SHARD_GLOBAL_TABLE", "RETENTION_SECONDS", "SPIKE_SECONDS", "ConsumerFlow", "DerivedWrite",
    "ShardCount",
    "LagSeries", "ScenarioLag", "SteadyLag", "StreamTraffic", "TableStream", "consumer_flow", "iterator_age",
    "lag_over_time", "max_readers_per_shard", "pattern_changes", "profile_series", "readers_per_shard",
    "scenario_lags", "scenario_records", "shard_count", "spike_lag", "steady_lag", "stream_traffic",
]
