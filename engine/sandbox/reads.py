"""Query and Scan: key conditions, 1 MB pages, Limit, ExclusiveStartKey/LastEvaluatedKey, filters,
projections, Select, index reads and LSI fetches.

Capacity (DOMAIN.md §2, DG/Query.html, DG/LSI.html): the sizes of every evaluated item (before
the filter) are summed and rounded up to 4 KB once per page (at least one unit per request),
halved when eventually consistent; a page holds at most 1 MB (an item that would push it past
1 MB starts the next page). Index reads are sized on projected entries and charged to the index
arm (the Table arm reads 0). An LSI read that needs attributes outside the projection fetches
each evaluated item from the table; every fetched item is rounded to 4 KB on its own and
charged to the Table arm (the guide's rule; emulators sum instead; disputed, see DOMAIN.md).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Any

from engine.sandbox.errors import validation
from engine.sandbox.evaluation import matches
from engine.sandbox.expressions import And, Between, Compare, Function, Path, Value
from engine.sandbox.requests import (
    Call,
    Item,
    Request,
    choice,
    condition,
    consumed_mode,
    find_table,
    placeholders,
    projection,
    reject_legacy,
    shaped,
)
from engine.sandbox.storage import NO_SORT_KEY, IndexStore, KeySchema, TableStore, check_key_value
from engine.sandbox.units import PAGE_BYTES, Consumption, read_units
from engine.sandbox.values import canonical_item, copy_value, describe, order_key

SELECTS = ("ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES", "SPECIFIC_ATTRIBUTES", "COUNT")
MAX_TOTAL_SEGMENTS = 1_000_000  # API_Scan.html: TotalSegments is 1 .. 1,000,000


class _Top:
    """Sorts after every key order: turns tuple prefixes into exclusive/inclusive bounds."""

    def __lt__(self, other: Any) -> bool:
        return False

    def __gt__(self, other: Any) -> bool:
        return True

    def __le__(self, other: Any) -> bool:
        return other is self

    def __ge__(self, other: Any) -> bool:
        return True


TOP = _Top()


@dataclass
class Bounds:
    """A range over one SortedDict: (lower, upper) key orders, None for open, with inclusivity."""

    lower: Any = None
    lower_inclusive: bool = True
    upper: Any = None
    upper_inclusive: bool = True


@dataclass
class Target:
    """What a read walks: the table or one of its indexes, and what it can return."""

    table: TableStore
    index: IndexStore | None
    schema: KeySchema

    @property
    def is_index(self) -> bool:
        return self.index is not None

    @property
    def partitions(self) -> Any:
        return self.index.partitions if self.index else self.table.partitions

    def entry_order(self, key: Item) -> Any:
        """The order of an ExclusiveStartKey inside its partition."""
        if self.index is None:
            r = self.schema.range_name
            return order_key(key[r]) if r else NO_SORT_KEY
        return self.index.position(key)[1]

    def last_key(self, item: Item) -> Item:
        names = self.table.schema.names + (self.schema.names if self.index else ())
        return {n: copy_value(item[n]) for n in dict.fromkeys(names)}


@dataclass
class Page:
    """One evaluated page of a Query or Scan."""

    items: list[Item] = field(default_factory=list)
    scanned: int = 0
    evaluated_bytes: int = 0
    fetched_sizes: list[int] = field(default_factory=list)
    last_key: Item | None = None


# --------------------------------------------------------------------------------- targets
def _target(table: TableStore, request: Request, call: Call) -> Target:
    name = request.get("IndexName")
    if name is None:
        return Target(table, None, table.schema)
    index = table.index(name)
    if index is None:
        raise validation(f"The table does not have the specified index: {name}")
    call.index = name
    return Target(table, index, index.schema)


def _needs_fetch(target: Target, select: str, paths: tuple[Path, ...] | None, filter_names: set[str]) -> bool:
    """Whether an index read must fetch whole items from the table (LSIs only; GSIs reject it)."""
    index = target.index
    if index is None or index.projection_type == "ALL":
        return False
    wanted = set(filter_names)
    if paths is not None:
        wanted |= {p.elements[0] for p in paths}
    outside = select == "ALL_ATTRIBUTES" or bool(wanted - index.projected_names)
    if outside and not index.local:
        if select == "ALL_ATTRIBUTES":
            raise validation(f"One or more parameter values were invalid: Select type ALL_ATTRIBUTES is "
                             f"not supported for global secondary index {index.name} because its "
                             "projection type is not ALL")
        return False  # a GSI returns what it has; attributes outside its projection are absent
    return outside


def _select(request: Request, target: Target, paths: tuple[Path, ...] | None) -> str:
    default = "SPECIFIC_ATTRIBUTES" if paths else (
        "ALL_PROJECTED_ATTRIBUTES" if target.is_index else "ALL_ATTRIBUTES")
    select = choice(request, "Select", SELECTS, default)
    if select == "ALL_PROJECTED_ATTRIBUTES" and not target.is_index:
        raise validation("One or more parameter values were invalid: ALL_PROJECTED_ATTRIBUTES can be "
                         "used only when Querying using an IndexName")
    if paths is not None and select != "SPECIFIC_ATTRIBUTES":
        raise validation("One or more parameter values were invalid: Can not use both expression "
                         f"and non-expression parameters in the same request: Select={select} "
                         "with ProjectionExpression (use SPECIFIC_ATTRIBUTES)")
    if select == "SPECIFIC_ATTRIBUTES" and paths is None:
        raise validation("One or more parameter values were invalid: Select SPECIFIC_ATTRIBUTES "
                         "needs a ProjectionExpression")
    return select


def _consistent(request: Request, target: Target) -> bool:
    consistent = bool(request.get("ConsistentRead", False))
    if consistent and target.index is not None and not target.index.local:
        # DG/GSI.html: GSI reads are eventually consistent only.
        raise validation("Consistent reads are not supported on global secondary indexes")
    return consistent


def _limit(request: Request) -> int | None:
    limit = request.get("Limit")
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 1):
        raise validation(f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy "
                         "constraint: Member must have value greater than or equal to 1")
    return limit


def _start_key(request: Request, target: Target) -> tuple[Any, Any] | None:
    """(partition order, entry order) of ExclusiveStartKey, validated against the target's keys."""
    key = request.get("ExclusiveStartKey")
    if key is None:
        return None
    names = set(target.table.schema.names) | set(target.schema.names)
    if not isinstance(key, dict) or set(key) != names:
        raise validation("The provided starting key is invalid: The provided key element does not "
                         "match the schema")
    key = canonical_item(key)
    target.table.item_orders(key)
    s = target.schema
    hash_order = check_key_value(s.hash_name, s.hash_type, key[s.hash_name], True)
    if s.range_name:
        check_key_value(s.range_name, s.range_type, key[s.range_name], False)
    return hash_order, target.entry_order(key)


# ------------------------------------------------------------------------- key conditions
def _key_condition(node: Any, schema: KeySchema) -> tuple[dict[str, Any], Any]:
    """(partition key value, sort key condition or None) of a KeyConditionExpression."""
    parts = [node.left, node.right] if isinstance(node, And) else [node]
    if any(isinstance(p, And) for p in parts) or len(parts) > 2:
        raise validation("Invalid KeyConditionExpression: KeyConditionExpressions must only contain "
                         "one condition per key")
    hash_value, range_condition = None, None
    for part in parts:
        name = _condition_attribute(part)
        if name == schema.hash_name and isinstance(part, Compare) and part.operator == "=":
            if hash_value is not None:
                raise validation("Invalid KeyConditionExpression: KeyConditionExpressions must only "
                                 "contain one condition per key")
            hash_value = _value_side(part)
        elif name == schema.range_name and schema.range_name is not None and range_condition is None:
            range_condition = part
        elif name not in schema.names:
            raise validation(f"Query condition missed key schema element: {schema.hash_name}"
                             if hash_value is None and name != schema.hash_name else
                             f"Invalid KeyConditionExpression: {name} is not a key attribute of the "
                             "queried table or index; move it to a FilterExpression")
        else:
            raise validation("Query key condition not supported")
    if hash_value is None:
        raise validation(f"Query condition missed key schema element: {schema.hash_name}")
    _check_type(hash_value, schema.hash_type)
    return hash_value, range_condition


def _condition_attribute(part: Any) -> str | None:
    if isinstance(part, Compare):
        sides = [s for s in (part.left, part.right) if isinstance(s, Path)]
        values = [s for s in (part.left, part.right) if isinstance(s, Value)]
        if len(sides) != 1 or len(values) != 1 or part.operator == "<>":
            raise validation("Query key condition not supported")
        path = sides[0]
    elif isinstance(part, Between) and isinstance(part.operand, Path):
        path = part.operand
        if not (isinstance(part.low, Value) and isinstance(part.high, Value)):
            raise validation("Query key condition not supported")
    elif isinstance(part, Function) and part.name == "begins_with" and isinstance(part.args[1], Value):
        path = part.args[0]
    else:
        raise validation("Query key condition not supported")
    if len(path.elements) != 1:
        raise validation("Query key condition not supported: a key condition names top-level key "
                         f"attributes, got {path}")
    return path.elements[0]


def _value_side(part: Compare) -> dict[str, Any]:
    return part.right.value if isinstance(part.right, Value) else part.left.value


def _check_type(value: dict[str, Any], expected: str | None) -> None:
    kind = next(iter(value))
    if kind != expected:
        raise validation("One or more parameter values were invalid: Condition parameter type does not "
                         f"match schema type (expected {expected}, got {kind})")


_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "="}


def _range_bounds(cond: Any, schema: KeySchema) -> Bounds:
    """Bounds on the sort key's order for a sort-key condition."""
    if cond is None:
        return Bounds()
    if isinstance(cond, Between):
        _check_type(cond.low.value, schema.range_type)
        _check_type(cond.high.value, schema.range_type)
        low, high = order_key(cond.low.value), order_key(cond.high.value)
        if low > high:
            raise validation("Invalid KeyConditionExpression: The BETWEEN operator requires upper bound "
                             "to be greater than or equal to lower bound; lower operand: "
                             f"{describe(cond.low.value)}, upper operand: {describe(cond.high.value)}")
        return Bounds(low, True, high, True)
    if isinstance(cond, Function):
        value = cond.args[1].value
        if schema.range_type == "N" or next(iter(value)) != schema.range_type:
            raise validation("Invalid KeyConditionExpression: Incorrect operand type for operator or "
                             f"function; operator or function: begins_with, operand type: {next(iter(value))}")
        prefix = order_key(value)
        return Bounds(prefix, True, _prefix_end(prefix), False)
    value = _value_side(cond)
    _check_type(value, schema.range_type)
    operator = cond.operator if isinstance(cond.left, Path) else _FLIP[cond.operator]
    at = order_key(value)
    return {
        "=": Bounds(at, True, at, True),
        "<": Bounds(None, True, at, False),
        "<=": Bounds(None, True, at, True),
        ">": Bounds(at, False, None, True),
        ">=": Bounds(at, True, None, True),
    }[operator]


def _prefix_end(prefix: bytes) -> bytes | None:
    """The smallest byte string greater than every string starting with `prefix` (None: none)."""
    trimmed = prefix.rstrip(b"\xff")
    if not trimmed:
        return None
    return trimmed[:-1] + bytes([trimmed[-1] + 1])


def _entry_bounds(bounds: Bounds, is_index: bool) -> Bounds:
    """Bounds on a partition's keys: scalars for the table, (index sort, table keys...) tuples for an index."""
    if not is_index:
        return bounds
    lower = upper = None
    if bounds.lower is not None:
        lower = (bounds.lower,) if bounds.lower_inclusive else (bounds.lower, TOP)
    if bounds.upper is not None:
        upper = (bounds.upper, TOP) if bounds.upper_inclusive else (bounds.upper,)
    return Bounds(lower, True, upper, True)


# ------------------------------------------------------------------------------- page walking
def _keys_in(partition: Any, bounds: Bounds, start: Any, forward: bool) -> Any:
    """Entry orders of one partition inside bounds, after the start key, in read order."""
    lower, lower_inc, upper, upper_inc = bounds.lower, bounds.lower_inclusive, bounds.upper, bounds.upper_inclusive
    if start is not None:
        if forward and (lower is None or start >= lower):
            lower, lower_inc = start, False
        elif not forward and (upper is None or start <= upper):
            upper, upper_inc = start, False
    return partition.irange(lower, upper, (lower_inc, upper_inc), reverse=not forward)


@dataclass
class Reader:
    """Evaluates entries into a page: counts, 1 MB cut, Limit, filter, projection, LSI fetch."""

    target: Target
    limit: int | None
    filter: Any
    paths: tuple[Path, ...] | None
    count_only: bool
    fetch: bool
    page: Page = field(default_factory=Page)
    previous: Item | None = None

    def full(self, size_bytes: int) -> bool:
        """Whether the page must end before an entry of `size_bytes`."""
        page = self.page
        if self.limit is not None and page.scanned >= self.limit:
            return True
        return page.scanned > 0 and page.evaluated_bytes + size_bytes > PAGE_BYTES

    def take(self, entry: Any) -> None:
        page = self.page
        page.scanned += 1
        page.evaluated_bytes += entry.size_bytes
        item = entry.item
        if self.fetch:
            record = self.target.table.get(self.target.table.item_orders(item))
            page.fetched_sizes.append(record.size_bytes)
            item = record.item
        self.previous = entry.item
        if self.filter is None or matches(self.filter, item):
            page.items.append({} if self.count_only else shaped(item, self.paths))

    def stop(self) -> None:
        self.page.last_key = self.target.last_key(self.previous)


def _read(reader: Reader, walk: Any) -> Page:
    for entry in walk:
        if reader.full(entry.size_bytes):
            reader.stop()
            break
        reader.take(entry)
    else:
        if reader.limit is not None and reader.page.scanned >= reader.limit and reader.previous is not None:
            reader.stop()  # DynamoDB returns LastEvaluatedKey whenever Limit stopped the read
    return reader.page


def _consumption(target: Target, page: Page, consistent: bool) -> Consumption:
    units = read_units(page.evaluated_bytes, consistent)
    consumption = Consumption(target.table.name, "read")
    if target.index is None:
        consumption.table_units = units
        return consumption
    consumption.add_index(target.index.name, target.index.local, units)
    consumption.table_units = float(sum(read_units(size, consistent) for size in page.fetched_sizes))
    return consumption


def _response(target: Target, page: Page, consumption: Consumption, request: Request,
              count_only: bool, call: Call) -> dict[str, Any]:
    response: dict[str, Any] = {"Count": len(page.items), "ScannedCount": page.scanned}
    if not count_only:
        response["Items"] = page.items
    if page.last_key is not None:
        response["LastEvaluatedKey"] = page.last_key
    consumed = consumption.to_wire(consumed_mode(request))
    if consumed is not None:
        response["ConsumedCapacity"] = consumed
    call.record(consumption)
    call.items_returned = len(page.items)
    return response


def _filter_names(node: Any) -> set[str]:
    """Top-level attribute names a filter refers to."""
    names: set[str] = set()

    def visit(n: Any) -> None:
        if isinstance(n, Path):
            names.add(n.elements[0])
        elif hasattr(n, "__dataclass_fields__"):
            for f in n.__dataclass_fields__:
                value = getattr(n, f)
                for child in value if isinstance(value, tuple) else (value,):
                    visit(child)

    visit(node)
    return names


def _common(sandbox: Any, request: Request, call: Call, kind: str) -> tuple[Any, ...]:
    reject_legacy(request)
    table = find_table(sandbox, request, call)
    target = _target(table, request, call)
    ph = placeholders(request)
    key_condition = condition(request, ph, "KeyConditionExpression") if kind == "Query" else None
    if kind == "Query" and key_condition is None:
        raise validation("Either the KeyConditions or KeyConditionExpression parameter must be specified "
                         "in the request.")
    filter_ = condition(request, ph, "FilterExpression")
    paths = projection(request, ph)
    ph.check_all_used()
    select = _select(request, target, paths)
    filter_names = _filter_names(filter_) if filter_ is not None else set()
    fetch = _needs_fetch(target, select, paths, filter_names)
    reader = Reader(target, _limit(request), filter_, paths, select == "COUNT", fetch)
    consumed_mode(request)
    return target, key_condition, filter_names, reader, _consistent(request, target)


def query(sandbox: Any, request: Request, call: Call) -> dict[str, Any]:
    target, key_condition, filter_names, reader, consistent = _common(sandbox, request, call, "Query")
    hash_value, range_condition = _key_condition(key_condition, target.schema)
    keys_in_filter = filter_names & set(target.schema.names)
    if keys_in_filter:
        raise validation("Filter Expression can only contain non-primary key attributes: Primary key "
                         f"attribute: {sorted(keys_in_filter)[0]}")
    call.key = {target.schema.hash_name: hash_value}
    bounds = _entry_bounds(_range_bounds(range_condition, target.schema), target.is_index)
    forward = request.get("ScanIndexForward", True) is not False
    start = _start_key(request, target)
    hash_order = order_key(hash_value)
    if start is not None and start[0] != hash_order:
        raise validation("The provided starting key is outside query boundaries based on provided conditions")
    partition = target.partitions.get(hash_order)
    if partition is not None:
        keys = _keys_in(partition, bounds, start[1] if start else None, forward)
        _read(reader, (partition[k] for k in keys))
    return _response(target, reader.page, _consumption(target, reader.page, consistent), request,
                     reader.count_only, call)


def _segment(request: Request) -> tuple[int, int] | None:
    segment, total = request.get("Segment"), request.get("TotalSegments")
    if segment is None and total is None:
        return None
    if not isinstance(segment, int) or not isinstance(total, int) or not 1 <= total <= MAX_TOTAL_SEGMENTS \
            or not 0 <= segment < total:
        raise validation("The Segment parameter is required but was not present in the request when "
                         "parameter TotalSegments is present; Segment must be in [0, TotalSegments)")
    return segment, total


def _scan_walk(target: Target, start: tuple[Any, Any] | None, segment: tuple[int, int] | None) -> Any:
    partitions = target.partitions
    first = True
    hash_orders = partitions.irange(minimum=start[0]) if start else partitions.keys()
    for hash_order in hash_orders:
        if segment and zlib.crc32(repr(hash_order).encode()) % segment[1] != segment[0]:
            continue
        partition = partitions[hash_order]
        after = start[1] if start and first and hash_order == start[0] else None
        first = False
        keys = partition.irange(minimum=after, inclusive=(False, True)) if after is not None else partition.keys()
        for key in keys:
            yield partition[key]


def scan(sandbox: Any, request: Request, call: Call) -> dict[str, Any]:
    target, _, _, reader, consistent = _common(sandbox, request, call, "Scan")
    start = _start_key(request, target)
    _read(reader, _scan_walk(target, start, _segment(request)))
    return _response(target, reader.page, _consumption(target, reader.page, consistent), request,
                     reader.count_only, call)
