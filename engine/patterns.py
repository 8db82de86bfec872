"""Access-pattern validation: every access pattern of a design run as real requests against the sandbox.

Each pattern becomes DynamoDB wire requests over the design's seeded sample items (engine.samples):
a GetItem Key, a Query KeyConditionExpression with #names/:values (a FilterExpression keeping about
`filter_keep_share` of the evaluated items, Limit from `items_per_request`), a Scan, batches,
transactions and writes (new items, replaced/updated/deleted existing ones, failed conditions,
each weighted by the pattern's shares and undone afterwards so every pattern sees the same data).

For each pattern the report says how it is served (key lookup, Query on the table or an index,
with a filter, or a Scan), which entity types one request returns (a heterogeneous item
collection), and three capacity figures per arm ("<table>" / "<table>#<index>", as
ReturnConsumedCapacity=INDEXES reports them):
- measured: the sandbox's ConsumedCapacity;
- rules: DOMAIN.md §2's rules (engine.capacity part 1) applied to the very items the request
  touched: measured != rules means the sandbox (or the rule functions) is wrong;
- estimate: engine.evaluate's figure from the design's averages: rules != estimate means the
  sample differs from the design's averages (collection too small, sizes drawn around the mean)
  or the estimate is wrong; a design whose sample matches its averages must agree exactly.
Screens add up requests per page view (one Query on a single table vs N+1 requests).

The item-collection views (aggregate: every table and index grouped by partition key, sorted by
sort key; facet: one entity's items) are computed from the same sample items.
"""

from __future__ import annotations

import base64
import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from engine import capacity
from engine.capacity import target_name
from engine.itemsize import index_entry_size_bytes, item_size_bytes, project_item
from engine.keyspace import variable_cardinality
from engine.model import (
    AccessPattern,
    BatchGetItem,
    BatchWriteItem,
    DataModel,
    DeleteItem,
    GetItem,
    PutItem,
    Query,
    Scan,
    Screen,
    TransactAction,
    TransactGetItems,
    TransactWriteItems,
    UpdateItem,
)
from engine.model.entity import Entity, template_variables
from engine.model.table import GlobalSecondaryIndex, Table
from engine.samples import (
    MIN_ITEMS_PER_ENTITY,
    SAMPLE_ITEMS_PER_DESIGN,
    SampleItem,
    entity_samples,
    generate_samples,
    items_per_entity,
    key_value,
    primary_key_text,
)

if TYPE_CHECKING:  # types only: the sandbox and the evaluation are built where they are needed
    from engine.evaluate import Evaluation
    from engine.sandbox import Sandbox

Item = dict[str, dict[str, Any]]
Arms = dict[str, float]

# Arms closer than this are equal (units are multiples of 0.5; weights make fractions).
UNITS_TOLERANCE = 1e-6
# An attribute name no design uses: a filter on it keeps all (attribute_not_exists) or nothing.
ABSENT_ATTRIBUTE = "__workbench_absent__"
# Single-item reads and writes are run on this many different sample items and averaged; a design of many
# patterns gets fewer per pattern (at least MIN_PROBES) so the whole run makes at most PROBES_PER_DESIGN.
PROBES = 10
MIN_PROBES = 2
PROBES_PER_DESIGN = 2_000
VALUES_PER_DESIGN = 2_000_000  # probes x patterns x attribute values per item: what one run sizes and writes, about
# Sample items per entity: the generator's default, raised (x headroom, capped) so the largest
# collection a design's Query reads can hold its items_per_request.
DEFAULT_SAMPLE_ITEMS = 200
SAMPLE_HEADROOM = 2
MAX_SAMPLE_ITEMS = 5000
# A Query/Scan follows LastEvaluatedKey through at most this many 1 MB pages of sample data.
MAX_PAGES = 1000

AGREEMENT_TEXT = {
    "agree": "measured consumed capacity equals the capacity engine's estimate",
    "sample_differs": "the sandbox follows the rules on the items it read, but the sample differs from the "
                      "design's averages (see notes); the estimate stands for the design",
    "not_comparable": "a full Scan of the sample reads a few hundred items, the estimate the whole table",
    "sandbox_differs": "the sandbox's ConsumedCapacity differs from DynamoDB's rules applied to the items it "
                       "touched: a bug in the sandbox or in engine.capacity's rule functions",
    "assumption_differs": "DynamoDB documents no figure here (cancelled transaction); the sandbox and the "
                          "capacity engine made different documented assumptions",
    "unavailable": "no estimate: engine.evaluate did not run (see notes)",
    "incomplete": "some of the pattern's scenarios could not be built from the sample (see notes); the measured "
                  "average covers the others only",
    "error": "the pattern could not be run (see error)",
}


class _Unavailable(Exception):
    """A scenario cannot be built from the sample (e.g. every key of an entity already exists)."""


# ----------------------------------------------------------------------------- results


@dataclass(frozen=True, kw_only=True)
class RequestRun:
    """One wire request issued for a pattern, with its weight in the pattern's average request."""

    scenario: str
    weight: float
    operation: str
    request: dict[str, Any]
    error_code: str | None
    items_read: int | None
    items_returned: int | None
    entities_returned: tuple[str, ...]
    measured: Arms
    rules: Arms
    disputed: bool = False
    item_sizes_bytes: tuple[int, ...] = ()
    """Sizes of the items (index entries on an index) the rules charged: evaluated, read or written."""


@dataclass(frozen=True, kw_only=True)
class PatternValidation:
    """What running one access pattern against the sample data showed."""

    name: str
    operation: str
    table: str
    index: str | None
    entities: tuple[str, ...]
    served_by: str
    summary: str
    needs_filter: bool
    needs_scan: bool
    runs: tuple[RequestRun, ...]
    entities_returned: tuple[str, ...]
    heterogeneous: bool
    items_read: float | None
    items_returned: float | None
    measured: Arms
    rules: Arms
    estimate: Arms | None
    agreement: str
    notes: tuple[str, ...] = ()
    error: str | None = None

    @property
    def measured_units(self) -> float:
        """Units per request summed over arms (read units for reads, write units for writes)."""
        return sum(self.measured.values())

    @property
    def estimate_units(self) -> float | None:
        return None if self.estimate is None else sum(self.estimate.values())

    @property
    def is_read(self) -> bool:
        from engine.model.access_pattern import READ_OPERATIONS

        return self.operation in READ_OPERATIONS


@dataclass(frozen=True, kw_only=True)
class ScreenValidation:
    """Requests and units one view of a screen costs (one Query vs N+1)."""

    name: str
    calls: tuple[tuple[str, int], ...]
    requests_per_view: int
    round_trips: int
    n_plus_one: bool
    read_units_per_view_measured: float
    write_units_per_view_measured: float
    read_units_per_view_estimate: float | None
    write_units_per_view_estimate: float | None
    summary: str


@dataclass(frozen=True, kw_only=True)
class PatternReport:
    """Validation of every access pattern and screen of a design on its seeded sample data."""

    design: str
    seed: int
    max_items_per_entity: int
    patterns: tuple[PatternValidation, ...]
    screens: tuple[ScreenValidation, ...]
    assumptions: tuple[str, ...] = field(default_factory=tuple)

    def pattern(self, name: str) -> PatternValidation:
        for p in self.patterns:
            if p.name == name:
                return p
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready report (the `ddb-workbench patterns --json` output)."""
        counts = Counter(p.agreement for p in self.patterns)
        return {
            "design": self.design,
            "seed": self.seed,
            "max_items_per_entity": self.max_items_per_entity,
            "summary": {"patterns": len(self.patterns), "errors": sum(p.error is not None for p in self.patterns),
                        "agreement": dict(sorted(counts.items()))},
            "patterns": [_pattern_dict(p) for p in self.patterns],
            "screens": [asdict(s) | {"calls": [{"pattern": n, "times": t} for n, t in s.calls]}
                        for s in self.screens],
            "agreement_meanings": AGREEMENT_TEXT,
            "assumptions": list(self.assumptions),
        }


def _pattern_dict(p: PatternValidation) -> dict[str, Any]:
    out = asdict(p)
    out["measured_units_per_request"] = p.measured_units
    out["estimate_units_per_request"] = p.estimate_units
    out["agreement_text"] = AGREEMENT_TEXT[p.agreement]
    out["runs"] = [asdict(r) for r in p.runs]
    return out


# ----------------------------------------------------------------------------- context


class _Context:
    """The sandbox, the sample items and lookups shared by every pattern run."""

    def __init__(self, model: DataModel, sandbox: Sandbox, samples: dict[str, list[SampleItem]], seed: int = 0) -> None:
        self.model = model
        self.sandbox = sandbox
        self.samples = samples
        self.seed = seed
        self.by_key: dict[tuple[str, tuple[str, ...]], SampleItem] = {}
        self.by_entity: dict[str, list[SampleItem]] = {}
        for table_name, items in samples.items():
            table = model.table(table_name)
            for s in items:
                self.by_key[(table_name, primary_key_text(s.item, table))] = s
                self.by_entity.setdefault(s.entity, []).append(s)
        self.new_serial = 0
        self.reserved: set[tuple[str, tuple[str, ...]]] = set()
        self.sizes = capacity.DesignSizes(model)  # the design's size model, shared by every pattern's notes
        self.probes = probes_per_pattern(model, _values_per_item(samples))

    def entity_of(self, table: Table, item: Mapping[str, Any]) -> str | None:
        sample = self.by_key.get((table.name, primary_key_text(item, table)))
        return sample.entity if sample is not None else None

    def full_item(self, table: Table, item: Mapping[str, Any]) -> Item:
        sample = self.by_key.get((table.name, primary_key_text(item, table)))
        return sample.item if sample is not None else dict(item)

    def entity_items(self, entity: str) -> list[SampleItem]:
        """The entity's sample items, in the table's sample order."""
        return list(self.by_entity.get(entity, ()))

    def items_of(self, table: str, entities: Iterable[str]) -> list[SampleItem]:
        """Sample items of the given entities in `table`, in the table's sample order."""
        wanted = set(entities)
        if len(wanted) == 1:  # the common case, without a pass over every item of the table
            return [s for s in self.by_entity.get(next(iter(wanted)), ()) if s.table == table]
        return [s for s in self.samples[table] if s.entity in wanted]

    def synthetic_items(self, entity_name: str) -> list[SampleItem]:
        """Items the entity would have if it had any (for an entity with item_count 0): not in the sandbox."""
        entity = self.model.entity(entity_name)
        stand_in = entity.model_copy(update={"item_count": PROBES})
        return entity_samples(stand_in, self.model.table(entity.table), self.seed, PROBES)


def _call(ctx: _Context, operation: str, request: dict[str, Any]) -> tuple[dict | None, str | None, Arms]:
    """Run one request; (response, error code, measured arms). Failed requests still report their charge."""
    from engine.sandbox import SandboxError

    try:
        response = ctx.sandbox.call(operation, request)
    except SandboxError as exc:
        return None, exc.code, consumed_arms(exc.consumed_capacity)
    return response, None, consumed_arms(response.get("ConsumedCapacity"))


def consumed_arms(consumed: Any) -> Arms:
    """ConsumedCapacity (one entry or a list, INDEXES detail) as {"<table>" | "<table>#<index>": units}."""
    arms: Arms = {}
    entries = consumed if isinstance(consumed, list) else ([consumed] if consumed else [])
    for entry in entries:
        table = entry.get("TableName", "")
        detailed = False
        if "Table" in entry:
            _add(arms, {table: _units(entry["Table"])})
            detailed = True
        for kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
            for index, units in (entry.get(kind) or {}).items():
                _add(arms, {target_name(table, index): _units(units)})
                detailed = True
        if not detailed:
            _add(arms, {table: float(entry.get("CapacityUnits", 0.0))})
    return arms


def _units(capacity_entry: Mapping[str, Any]) -> float:
    if "CapacityUnits" in capacity_entry:
        return float(capacity_entry["CapacityUnits"])
    return float(capacity_entry.get("ReadCapacityUnits", 0.0)) + float(capacity_entry.get("WriteCapacityUnits", 0.0))


def _add(total: Arms, part: Mapping[str, float], weight: float = 1.0) -> None:
    for target, units in part.items():
        total[target] = total.get(target, 0.0) + weight * units


def _nonzero(arms: Mapping[str, float]) -> Arms:
    return {t: round(u, 9) for t, u in arms.items() if abs(u) > UNITS_TOLERANCE}


def same_arms(a: Mapping[str, float], b: Mapping[str, float]) -> bool:
    """Whether two arm maps charge the same units on every target (zero arms ignored)."""
    a, b = _nonzero(a), _nonzero(b)
    return set(a) == set(b) and all(abs(a[t] - b[t]) <= UNITS_TOLERANCE for t in a)


# ----------------------------------------------------------------------------- keys and items


def _render(model: DataModel, sample: SampleItem, template: str, key_type: str, attribute: str) -> dict[str, str]:
    return key_value(template, model.entity(sample.entity), sample.ranks, key_type, attribute)


def _primary_key(table: Table, item: Mapping[str, Any]) -> Item:
    return {k: item[k] for k in table.key_names if k in item}


def _index_key_names(table: Table, index: str | None) -> tuple[str, ...]:
    pk, sk = table.index_keys(index)
    return tuple(k.name for k in (pk, sk) if k is not None)


def _entry_size(table: Table, index_name: str, item: Item) -> int | None:
    index = table.index(index_name)
    return index_entry_size_bytes(item, table.key_names, _index_key_names(table, index_name),
                                  index.projection.type, index.projection.attributes)


def _index_write_arms(table: Table, old: Item | None, new: Item | None) -> Arms:
    """Index arms of one item write by DOMAIN.md §2 (engine.capacity.index_write_units_for_items)."""
    arms: Arms = {}
    for index in (*table.gsis, *table.lsis):
        units = capacity.index_write_units_for_items(old, new, table.key_names, _index_key_names(table, index.name),
                                                     index.projection.type, index.projection.attributes)
        if units:
            arms[capacity.target_name(table.name, index.name)] = units
    return arms


# Item sizes within one validate_patterns run, by item identity (the rules size the same sample items again for
# every probe and pattern: on an entity of 200 map attributes that was most of a run). Items are never changed
# once built (writes build new dicts); an entry holds its item, so its id cannot be reused while it lives.
_ITEM_SIZES: dict[int, tuple[Item, int]] = {}


def _size(item: Item | None) -> int | None:
    if item is None:
        return None
    hit = _ITEM_SIZES.get(id(item))
    if hit is not None and hit[0] is item:
        return hit[1]
    size = item_size_bytes(item)
    _ITEM_SIZES[id(item)] = (item, size)
    return size


def _primary_variables(entity: Entity, table: Table) -> list[str]:
    names: list[str] = []
    for key in table.key_names:
        kt = entity.key_template(key)
        if kt is not None:
            names += template_variables(kt.template)
    return list(dict.fromkeys(names))


def new_item(ctx: _Context, entity_name: str) -> Item:
    """An item of the entity whose primary key is in neither the sample nor earlier new items.

    Its primary-key variables take the least popular ranks (cardinality - 1 - serial); its other
    attributes are copied from a sample item, so its size follows the sample's.
    """
    entity = ctx.model.entity(entity_name)
    table = ctx.model.table(entity.table)
    bases = ctx.entity_items(entity_name) or ctx.synthetic_items(entity_name)
    types = table.key_types
    variables = _primary_variables(entity, table)
    for _ in range(64):
        serial = ctx.new_serial
        ctx.new_serial += 1
        base = bases[serial % len(bases)]
        ranks = dict(base.ranks)
        for var in variables:
            card = variable_cardinality(entity.variable(var))
            ranks[var] = (card - 1 - serial) % card
        item = dict(base.item)
        for kt in entity.keys:
            item[kt.attribute] = key_value(kt.template, entity, ranks, types.get(kt.attribute, "S"), kt.attribute)
        key = (table.name, primary_key_text(item, table))
        if key not in ctx.by_key and key not in ctx.reserved:
            ctx.reserved.add(key)
            return item
    raise _Unavailable(f"every primary key of entity '{entity_name}' tried is already in the sample "
                       "(its key space is small); no new item to write")


def changed_item(ctx: _Context, entity_name: str, old: Item, changed: Iterable[str]) -> Item:
    """`old` with each changed attribute given a different value of the same type and size.

    An index key built from a template moves to the next rank of its variables; an attribute the
    item does not carry stays absent (a sparse index key keeps its presence, as engine.capacity
    assumes); primary key attributes never change (an update cannot change them).
    """
    entity = ctx.model.entity(entity_name)
    table = ctx.model.table(entity.table)
    sample = ctx.by_key.get((table.name, primary_key_text(old, table)))
    ranks = dict(sample.ranks) if sample is not None else {}
    new = dict(old)
    for name in changed:
        if name in table.key_names or name not in old:
            continue
        kt = entity.key_template(name)
        if kt is not None and template_variables(kt.template):
            moved = {**ranks, **{v: (ranks.get(v, 0) + 1) % variable_cardinality(entity.variable(v))
                                 for v in template_variables(kt.template)}}
            new[name] = key_value(kt.template, entity, moved, table.key_types.get(name, "S"), name)
        else:
            new[name] = different_value(old[name])
    return new


def different_value(value: Mapping[str, Any]) -> dict[str, Any]:
    """Another value of the same DynamoDB type and size (unchanged only where none exists: NULL, '', 0)."""
    ((kind, inner),) = value.items()
    if kind == "S":
        return {"S": _other_text(inner)}
    if kind == "N":
        return {"N": _other_number(inner)}
    if kind == "B":
        raw = bytearray(base64.b64decode(inner)) if isinstance(inner, str) else bytearray(inner)
        if raw:
            raw[0] ^= 1
        return {"B": base64.b64encode(bytes(raw)).decode("ascii")}
    if kind == "BOOL":
        return {"BOOL": not inner}
    if kind in ("SS", "NS", "BS"):
        element = {"SS": "S", "NS": "N", "BS": "B"}[kind]
        first = different_value({element: inner[0]})[element]
        return {kind: [first, *inner[1:]]} if first not in inner else dict(value)
    if kind == "L" and inner:
        return {"L": [different_value(inner[0]), *inner[1:]]}
    if kind == "M" and inner:
        name = next(iter(inner))
        return {"M": {**inner, name: different_value(inner[name])}}
    return dict(value)


def _other_text(text: str) -> str:
    for i, ch in enumerate(text):
        if ch.isascii():
            return text[:i] + ("b" if ch == "a" else "a") + text[i + 1:]
    return text


def _other_number(text: str) -> str:
    """Swap the first non-zero digit for another non-zero digit: same base-100 pairs, same size."""
    for i, ch in enumerate(text):
        if ch in "123456789":
            return text[:i] + str(int(ch) % 9 + 1) + text[i + 1:]
    return text


# ----------------------------------------------------------------------------- expressions


@dataclass
class _Expression:
    """ExpressionAttributeNames / Values collected while building expressions."""

    names: dict[str, str] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)

    def name(self, attribute: str) -> str:
        for placeholder, existing in self.names.items():
            if existing == attribute:
                return placeholder
        placeholder = f"#n{len(self.names)}"
        self.names[placeholder] = attribute
        return placeholder

    def value(self, value: dict[str, Any]) -> str:
        placeholder = f":v{len(self.values)}"
        self.values[placeholder] = value
        return placeholder

    def into(self, request: dict[str, Any]) -> dict[str, Any]:
        if self.names:
            request["ExpressionAttributeNames"] = dict(self.names)
        if self.values:
            request["ExpressionAttributeValues"] = dict(self.values)
        return request


_SORT_OPERATORS = {"=": "=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


def key_condition_expression(expr: _Expression, pk_name: str, pk_value: dict, sk_name: str | None,
                             operator: str | None, sk_value: dict | None, sk_value2: dict | None) -> str:
    """`#pk = :pk [AND <sort key condition>]` in DynamoDB's KeyConditionExpression grammar."""
    text = f"{expr.name(pk_name)} = {expr.value(pk_value)}"
    if operator is None or sk_name is None or sk_value is None:
        return text
    sk = expr.name(sk_name)
    if operator == "between":
        # DynamoDB rejects BETWEEN with the lower bound above the upper one: order rendered bounds
        low, high = sorted((sk_value, sk_value2 or sk_value), key=sort_key_of)
        return f"{text} AND {sk} BETWEEN {expr.value(low)} AND {expr.value(high)}"
    if operator == "begins_with":
        return f"{text} AND begins_with({sk}, {expr.value(sk_value)})"
    return f"{text} AND {sk} {_SORT_OPERATORS[operator]} {expr.value(sk_value)}"


def keep_share_filter(expr: _Expression, items: Sequence[Item], keep_share: float,
                      key_names: Iterable[str]) -> tuple[str, str]:
    """A FilterExpression keeping about keep_share of `items` (the evaluated ones), and what it filters on.

    It compares the non-key scalar attribute most items carry with the value that splits them at
    that share (`#a <= :v`); with no such attribute it tests a missing attribute (keeps all or none).
    """
    keys = set(key_names)
    keep = int(round(keep_share * len(items)))
    counts = Counter(name for it in items for name, v in it.items()
                     if name not in keys and next(iter(v)) in ("S", "N", "B"))
    if not counts:
        test = "attribute_not_exists" if keep_share >= 0.5 else "attribute_exists"
        return f"{test}({expr.name(ABSENT_ATTRIBUTE)})", f"{test}({ABSENT_ATTRIBUTE}) (no attribute to filter on)"
    attribute = max(counts, key=lambda n: (counts[n], n))
    values = sorted((it[attribute] for it in items if attribute in it), key=sort_key_of)
    if keep <= 0:
        return f"{expr.name(attribute)} < {expr.value(values[0])}", f"{attribute} below its smallest value"
    threshold = values[min(keep, len(values)) - 1]
    return f"{expr.name(attribute)} <= {expr.value(threshold)}", f"{attribute} <= the value at share {keep_share:g}"


def sort_key_of(value: Mapping[str, Any]) -> tuple[int, Any]:
    """DynamoDB's order of scalar values: N numerically, S by UTF-8 bytes, B by bytes (DG/Query.html)."""
    ((kind, inner),) = value.items()
    if kind == "N":
        return (0, Decimal(inner))
    if kind == "S":
        return (1, inner.encode("utf-8"))
    if kind == "B":
        return (2, base64.b64decode(inner) if isinstance(inner, str) else bytes(inner))
    return (3, str(inner))


# ----------------------------------------------------------------------------- reads


def _scalar(value: Mapping[str, Any]) -> tuple:
    """A key value ({"S": "a"}) as a hashable tuple."""
    return tuple(value.items())


def _target_counts(ctx: _Context, table: Table, index: str | None, entities: Sequence[str]) -> Counter:
    """Sample items of the given entities per partition key value on the table or index."""
    pk_name = table.index_keys(index)[0].name
    return Counter(_scalar(s.item[pk_name]) for s in ctx.items_of(table.name, entities) if pk_name in s.item)


def _candidates(ctx: _Context, pattern: AccessPattern) -> list[SampleItem]:
    """Sample items of the pattern's entities that declare every variable of its key condition."""
    kc = pattern.key_condition
    texts = [] if kc is None else [kc.partition_key] + (
        [] if kc.sort_key is None else [kc.sort_key.value, kc.sort_key.value2 or ""])
    needed = {v for t in texts for v in template_variables(t)}
    usable = [e for e in pattern.entities if all(ctx.model.entity(e).variable(v) is not None for v in needed)]
    out = ctx.items_of(pattern.table, usable)
    if not out and usable:  # no sample items (item_count 0): keys of items the entity would have
        out = ctx.synthetic_items(usable[0])
    return out


def _query_probe_key(ctx: _Context, pattern: Query | Scan, table: Table) -> tuple[SampleItem, dict[str, str]]:
    """The sample item whose rendered partition key is the hottest key of the pattern's distribution, or
    else holds the most items of the pattern's entities."""
    candidates = _candidates(ctx, pattern)
    if not candidates:
        raise _Unavailable(f"no sample item of {list(pattern.entities)} declares the variables of the key condition")
    pk = table.index_keys(pattern.index)[0]
    counts = _target_counts(ctx, table, pattern.index, pattern.entities)
    hot = _hot_key_shares(ctx, pattern)
    best: tuple[tuple[float, int], SampleItem, dict[str, str]] | None = None
    for sample in candidates:
        value = _render(ctx.model, sample, pattern.key_condition.partition_key, pk.type, pk.name)
        score = (hot.get(next(iter(value.values())), 0.0), counts.get(_scalar(value), 0))
        if best is None or score > best[0]:
            best = (score, sample, value)
    return best[1], best[2]


def _hot_key_shares(ctx: _Context, pattern: Query | Scan) -> dict[str, float]:
    """Hot keys of the distribution in force (the pattern's, else its first entity's) and their shares."""
    from engine.keyspace import pattern_distribution
    from engine.model.entity import HotKeys

    dist = pattern_distribution(pattern.key_distribution, ctx.model.entity(pattern.entities[0]))
    return {h.key: h.share for h in dist.keys} if isinstance(dist, HotKeys) else {}


def _query_request(ctx: _Context, pattern: Query | Scan, table: Table, limit: int | None) -> tuple[dict, _Expression]:
    expr = _Expression()
    request: dict[str, Any] = {"TableName": table.name, "ReturnConsumedCapacity": "INDEXES"}
    if pattern.index is not None:
        request["IndexName"] = pattern.index
    if pattern.operation == "Query":
        sample, pk_value = _query_probe_key(ctx, pattern, table)
        pk, sk = table.index_keys(pattern.index)
        cond = pattern.key_condition.sort_key
        sk_values = (None, None) if cond is None else tuple(
            None if t is None else _render(ctx.model, sample, t, sk.type, sk.name) for t in (cond.value, cond.value2))
        request["KeyConditionExpression"] = key_condition_expression(
            expr, pk.name, pk_value, sk.name if sk else None, cond.operator if cond else None, *sk_values)
        request["ScanIndexForward"] = bool(getattr(pattern, "scan_index_forward", True))
    if limit is not None:
        request["Limit"] = limit
    index = table.index(pattern.index) if pattern.index else None
    if not isinstance(index, GlobalSecondaryIndex):
        request["ConsistentRead"] = pattern.consistency == "strong"
    if getattr(pattern, "fetch_from_table", False) and index is not None and not isinstance(index, GlobalSecondaryIndex):
        request["Select"] = "ALL_ATTRIBUTES"
    return request, expr


def _paged(ctx: _Context, operation: str, request: dict,
           limit: int | None) -> tuple[list[Item], int | None, Arms, str | None, int]:
    """Run a Query/Scan page by page until `limit` items are evaluated (every page when None), as an
    application reading that many items does: (items, evaluated count, arms, error code, pages)."""
    items: list[Item] = []
    scanned = 0
    arms: Arms = {}
    pages = 0
    page_request = dict(request)
    while True:
        if limit is not None:
            page_request["Limit"] = limit - scanned
        response, error, measured = _call(ctx, operation, page_request)
        pages += 1
        _add(arms, measured)
        if response is None:
            return items, None, arms, error, pages
        items += response.get("Items", [])
        scanned += int(response.get("ScannedCount", len(response.get("Items", []))))
        last = response.get("LastEvaluatedKey")
        if not last or pages >= MAX_PAGES or (limit is not None and scanned >= limit):
            return items, scanned, arms, None, pages
        page_request = {**request, "ExclusiveStartKey": last}


def _evaluated_sizes(ctx: _Context, pattern: Query | Scan, table: Table, evaluated: list[Item]) -> list[int]:
    """Sizes the read is charged on: whole items on the table, index entries on an index (DG/GSI.html)."""
    full = [ctx.full_item(table, it) for it in evaluated]
    if pattern.index is None:
        return [item_size_bytes(i) for i in full]
    return [_entry_size(table, pattern.index, i) or 0 for i in full]


def _read_rules(ctx: _Context, pattern: Query | Scan, table: Table, evaluated: list[Item]) -> Arms:
    """engine.capacity's Query/Scan rule on the evaluated items (index entries on an index)."""
    full = [ctx.full_item(table, it) for it in evaluated]
    index = table.index(pattern.index) if pattern.index else None
    if index is None:
        return {table.name: capacity.query_read_units([item_size_bytes(i) for i in full], pattern.consistency)}
    gsi = isinstance(index, GlobalSecondaryIndex)
    consistency = "eventual" if gsi else pattern.consistency
    entries = _evaluated_sizes(ctx, pattern, table, evaluated)
    target = capacity.target_name(table.name, index.name)
    if not gsi and getattr(pattern, "fetch_from_table", False):
        units = capacity.lsi_query_read_units(entries, [item_size_bytes(i) for i in full], consistency)
        return {target: units["index"], table.name: units["table"]}
    return {target: capacity.query_read_units(entries, consistency)}


def _count_mix(count: float | None) -> list[tuple[int | None, float]]:
    """A fractional item count as (floor, 1 - frac) and (ceil, frac), as engine.capacity averages it."""
    if count is None:
        return [(None, 1.0)]
    low = max(1, math.floor(count))
    frac = count - math.floor(count)
    if frac <= 0 or math.floor(count) == 0:
        return [(max(1, math.ceil(count)), 1.0)]
    return [(low, 1 - frac), (low + 1, frac)]


def _run_query_or_scan(ctx: _Context, pattern: Query | Scan, table: Table, notes: list[str]) -> list[RequestRun]:
    runs = []
    for limit, weight in _count_mix(pattern.items_per_request):
        request, expr = _query_request(ctx, pattern, table, limit)
        probe_items, _, _, error, _ = _paged(ctx, pattern.operation, expr.into(dict(request)), limit)
        if error is None and pattern.filter_keep_share < 1:
            filter_text, about = keep_share_filter(expr, probe_items, pattern.filter_keep_share,
                                                   (*table.key_names, *_index_key_names(table, pattern.index)))
            request["FilterExpression"] = filter_text
            notes.append(f"filter: {about}")
        request = expr.into(request)
        items, scanned, measured, error, pages = _paged(ctx, pattern.operation, request, limit)
        if pages > 1:
            notes.append(f"reading {scanned} items takes {pages} requests (pages of at most 1 MB, DG/Query.html); "
                         "they count as one request of the pattern")
        runs.append(RequestRun(
            scenario=f"Limit {limit}" if limit is not None else "every page", weight=weight,
            operation=pattern.operation, request=request, error_code=error, items_read=scanned,
            items_returned=None if error else len(items), entities_returned=_entities(ctx, table, items),
            measured=measured, rules=_read_rules(ctx, pattern, table, probe_items),
            item_sizes_bytes=tuple(_evaluated_sizes(ctx, pattern, table, probe_items))))
    return runs


def _entities(ctx: _Context, table: Table, items: Iterable[Item]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(e for e in (ctx.entity_of(table, it) for it in items) if e is not None))


def _key_candidates(ctx: _Context, pattern: GetItem | BatchGetItem | TransactGetItems, table: Table, count: int) -> list[tuple[SampleItem, Item]]:
    """`count` distinct primary keys rendered from the pattern's key condition (existing items first)."""
    kc = pattern.key_condition
    types = table.key_types
    found: dict[tuple[str, ...], tuple[SampleItem, Item]] = {}
    missing: dict[tuple[str, ...], tuple[SampleItem, Item]] = {}
    for sample in _candidates(ctx, pattern):
        key = {table.partition_key.name: _render(ctx.model, sample, kc.partition_key, types[table.partition_key.name],
                                                 table.partition_key.name)}
        if table.sort_key is not None and kc.sort_key is not None:
            key[table.sort_key.name] = _render(ctx.model, sample, kc.sort_key.value, table.sort_key.type,
                                               table.sort_key.name)
        text = primary_key_text(key, table)
        bucket = found if (table.name, text) in ctx.by_key else missing
        bucket.setdefault(text, (sample, key))
        if len(found) >= count:
            break
    chosen = list(found.values())[:count]
    return chosen + list(missing.values())[: count - len(chosen)]


def _key_groups(ctx: _Context, pattern: GetItem | BatchGetItem | TransactGetItems, table: Table, count: int) -> list[list[Item]]:
    """Keys for the requests of one item count: GetItem probes PROBES items, batches one set of keys."""
    probes = ctx.probes if pattern.operation == "GetItem" else 1
    keys = [k for _, k in _key_candidates(ctx, pattern, table, count * probes)]
    if not keys:
        raise _Unavailable(f"no sample item of {list(pattern.entities)} to render the key condition from")
    return [keys[i:i + count] for i in range(0, len(keys), count)][:probes]


def _run_key_reads(ctx: _Context, pattern: GetItem | BatchGetItem | TransactGetItems, table: Table, notes: list[str]) -> list[RequestRun]:
    runs = []
    consistent = pattern.consistency == "strong"
    for count, weight in _count_mix(getattr(pattern, "items_per_request", 1)):
        groups = _key_groups(ctx, pattern, table, count)
        for keys in groups:
            if len(keys) < count:
                notes.append(f"the sample has {len(keys)} distinct keys for this pattern, fewer than the {count} asked")
            found = [ctx.by_key.get((table.name, primary_key_text(k, table))) for k in keys]
            if None in found:
                notes.append("a key rendered from the key condition matches no sample item (check its templates)")
            request, returned = _key_read_request(pattern.operation, table, keys, consistent)
            response, error, measured = _call(ctx, pattern.operation, request)
            items = [] if response is None else returned(response)
            runs.append(RequestRun(
                scenario=f"{len(keys)} key(s)", weight=weight / len(groups), operation=pattern.operation,
                request=request, error_code=error, items_read=len(keys), items_returned=len(items),
                entities_returned=_entities(ctx, table, items), measured=measured,
                rules=_key_read_rules(pattern, table, [None if f is None else _size(f.item) for f in found]),
                item_sizes_bytes=tuple(_size(f.item) for f in found if f is not None)))
    return runs


def _key_read_request(operation: str, table: Table, keys: list[Item],
                      consistent: bool) -> tuple[dict, Callable[[dict], list[Item]]]:
    if operation == "GetItem":
        return ({"TableName": table.name, "Key": keys[0], "ConsistentRead": consistent,
                 "ReturnConsumedCapacity": "INDEXES"}, lambda r: [r["Item"]] if r.get("Item") else [])
    if operation == "BatchGetItem":
        return ({"RequestItems": {table.name: {"Keys": keys, "ConsistentRead": consistent}},
                 "ReturnConsumedCapacity": "INDEXES"}, lambda r: r.get("Responses", {}).get(table.name, []))
    return ({"TransactItems": [{"Get": {"TableName": table.name, "Key": k}} for k in keys],
             "ReturnConsumedCapacity": "INDEXES"},
            lambda r: [x["Item"] for x in r.get("Responses", []) if x.get("Item")])


def _key_read_rules(pattern: GetItem | BatchGetItem | TransactGetItems, table: Table, sizes: list[int | None]) -> Arms:
    if pattern.operation == "TransactGetItems":
        return {table.name: sum(capacity.read_units(s, "transactional") for s in sizes)}
    return {table.name: capacity.batch_get_read_units(sizes, pattern.consistency)}


# ----------------------------------------------------------------------------- writes


@dataclass
class _Write:
    """One item write inside a request: the item before and after, and how to undo it."""

    table: Table
    old: Item | None
    new: Item | None


def _undo(ctx: _Context, writes: Iterable[_Write]) -> None:
    """Put every touched item back as it was (delete the ones that did not exist)."""
    for w in writes:
        if w.old is not None:
            ctx.sandbox.call("PutItem", {"TableName": w.table.name, "Item": w.old})
        else:
            key = _primary_key(w.table, w.new or {})
            if key:
                ctx.sandbox.call("DeleteItem", {"TableName": w.table.name, "Key": key})


def _write_rules(writes: Iterable[_Write], transactional: bool = False) -> Arms:
    """engine.capacity's write rules on the items before and after (table arm doubled in transactions)."""
    arms: Arms = {}
    for w in writes:
        _add(arms, {w.table.name: capacity.write_units(_size(w.old), _size(w.new), transactional)})
        _add(arms, _index_write_arms(w.table, w.old, w.new))
    return arms


def _existing(ctx: _Context, entity: str, skip: set[tuple[str, ...]]) -> Item:
    """A sample item of the entity not in `skip` (which then holds it), in sample order."""
    table = ctx.model.table(ctx.model.entity(entity).table)
    for s in ctx.entity_items(entity):
        text = primary_key_text(s.item, table)
        if text not in skip:
            skip.add(text)
            return s.item
    raise _Unavailable(f"entity '{entity}' has no (more) sample items to write to")


def _changed_names(ctx: _Context, entity: str, pattern_changed: Sequence[str], everything: bool) -> list[str]:
    """Attributes a write changes: the pattern's list, or every non-key attribute and index key."""
    if pattern_changed or not everything:
        return list(pattern_changed)
    ent = ctx.model.entity(entity)
    table = ctx.model.table(ent.table)
    return [kt.attribute for kt in ent.keys if kt.attribute not in table.key_names] + [a.name for a in ent.attributes]


def _update_request(table: Table, key: Item, old: Item | None, new: Item, condition: str | None) -> dict:
    expr = _Expression()
    sets = [f"{expr.name(n)} = {expr.value(v)}" for n, v in new.items()
            if n not in table.key_names and (old is None or old.get(n) != v)]
    if sets:
        update = "SET " + ", ".join(sets)
    else:  # nothing changes (no changed attributes): a no-op update still writes the item
        update = f"REMOVE {expr.name(ABSENT_ATTRIBUTE)}"
    request = {"TableName": table.name, "Key": key, "UpdateExpression": update, "ReturnConsumedCapacity": "INDEXES"}
    if condition:
        request["ConditionExpression"] = condition.replace("#pk", expr.name(table.partition_key.name))
    return expr.into(request)


def _put_request(table: Table, item: Item, condition: str | None) -> dict:
    request = {"TableName": table.name, "Item": item, "ReturnConsumedCapacity": "INDEXES"}
    if condition:
        request["ConditionExpression"] = condition
        request["ExpressionAttributeNames"] = {"#pk": table.partition_key.name}
    return request


def _delete_request(table: Table, key: Item, condition: str | None) -> dict:
    request = {"TableName": table.name, "Key": key, "ReturnConsumedCapacity": "INDEXES"}
    if condition:
        request["ConditionExpression"] = condition
        request["ExpressionAttributeNames"] = {"#pk": table.partition_key.name}
    return request


_FAILS_IF_EXISTS = "attribute_not_exists(#pk)"
_FAILS_IF_MISSING = "attribute_exists(#pk)"


def _single_write_scenarios(pattern: PutItem | UpdateItem | DeleteItem) -> list[tuple[str, float, bool, bool]]:
    """(label, weight, on an existing item, condition fails) of one Put/Update/Delete request."""
    e, f = pattern.existing_item_share, pattern.condition_failure_share
    missing_label = {"PutItem": "new item", "UpdateItem": "upsert of a missing item",
                     "DeleteItem": "delete of a missing item"}[pattern.operation]
    existing_label = {"PutItem": "replace an existing item", "UpdateItem": "update an existing item",
                      "DeleteItem": "delete an existing item"}[pattern.operation]
    return [(existing_label, (1 - f) * e, True, False), (missing_label, (1 - f) * (1 - e), False, False),
            ("condition fails on an existing item", f * e, True, True),
            ("condition fails on a missing item", f * (1 - e), False, True)]


def _single_write(ctx: _Context, pattern: PutItem | UpdateItem | DeleteItem, entity: str, existing: bool, fails: bool,
                  skip: set[tuple[str, ...]]) -> tuple[dict, list[_Write], Arms]:
    """The request, its item writes and the rules' charge for one Put/Update/Delete scenario."""
    table = ctx.model.table(ctx.model.entity(entity).table)
    op = pattern.operation
    old = _existing(ctx, entity, skip) if existing else None
    base = old if old is not None else new_item(ctx, entity)
    key = _primary_key(table, base)
    condition = (_FAILS_IF_EXISTS if existing else _FAILS_IF_MISSING) if fails else None
    if op == "DeleteItem":
        new = None
        request = _delete_request(table, key, condition)
    elif op == "PutItem":
        new = changed_item(ctx, entity, old, _changed_names(ctx, entity, pattern.changed_attributes, True)) \
            if old is not None else base
        request = _put_request(table, new, condition)
    else:
        new = changed_item(ctx, entity, old, _changed_names(ctx, entity, pattern.changed_attributes, False)) \
            if old is not None else base
        request = _update_request(table, key, old, new, condition)
    if fails:
        return request, [], {table.name: capacity.failed_write_units(_size(old))}
    write = _Write(table, old, new)
    return request, [write], _write_rules([write])


def _run_single_writes(ctx: _Context, pattern: PutItem | UpdateItem | DeleteItem, notes: list[str]) -> list[RequestRun]:
    runs = []
    weights = capacity.entity_weights(ctx.model, pattern.entities)
    for label, weight, existing, fails in _single_write_scenarios(pattern):
        for entity, share in weights.items():
            if weight * share <= 0:
                continue
            skip: set[tuple[str, ...]] = set()
            probes = []
            for _ in range(ctx.probes):
                try:
                    probes.append(_single_write(ctx, pattern, entity, existing, fails, skip))
                except _Unavailable as exc:
                    if not probes:
                        notes.append(f"{label} ({entity}) not run: {exc}")
                    break
            if not probes:
                continue
            name = f"{label} ({entity})" if len(weights) > 1 else label
            runs += [_write_run(ctx, name, weight * share / len(probes), pattern.operation, request, writes, rules)
                     for request, writes, rules in probes]
    return runs


def _write_run(ctx: _Context, label: str, weight: float, operation: str, request: dict,
               writes: list[_Write], rules: Arms, disputed: bool = False) -> RequestRun:
    _response, error, measured = _call(ctx, operation, request)
    if error is None:
        _undo(ctx, writes)
    sizes = tuple(max(_size(w.old) or 0, _size(w.new) or 0) for w in writes if w.old is not None or w.new is not None)
    return RequestRun(
        scenario=label, weight=weight, operation=operation, request=request, error_code=error, items_read=None,
        items_returned=None, entities_returned=(), measured=measured, rules=rules, disputed=disputed,
        item_sizes_bytes=sizes)


def _run_batch_write(ctx: _Context, pattern: BatchWriteItem, notes: list[str]) -> list[RequestRun]:
    entity = pattern.entities[0]
    if len(pattern.entities) > 1:
        notes.append(f"batch items are all of entity '{entity}' (the estimate mixes {list(pattern.entities)})")
    table = ctx.model.table(ctx.model.entity(entity).table)
    runs = []
    for count, weight in _count_mix(pattern.items_per_request):
        skip: set[tuple[str, ...]] = set()
        writes = []
        for _ in range(count):
            if pattern.write_kind == "put":
                writes.append(_Write(table, None, new_item(ctx, entity)))
            else:
                writes.append(_Write(table, _existing(ctx, entity, skip), None))
        requests = [{"PutRequest": {"Item": w.new}} if w.new is not None else
                    {"DeleteRequest": {"Key": _primary_key(table, w.old)}} for w in writes]
        request = {"RequestItems": {table.name: requests}, "ReturnConsumedCapacity": "INDEXES"}
        runs.append(_write_run(ctx, f"{count} {pattern.write_kind}s", weight, "BatchWriteItem", request, writes,
                               _write_rules(writes)))
    return runs


def _transaction_action(ctx: _Context, action: TransactAction, skip: set[tuple[str, ...]],
                        fail: bool) -> tuple[dict, _Write | None, _Write]:
    """(TransactItems member, its write or None for a ConditionCheck, the item it checks)."""
    table = ctx.model.table(ctx.model.entity(action.entity).table)
    if action.action == "Put":
        item = new_item(ctx, action.entity)
        request = _put_request(table, item, _FAILS_IF_MISSING if fail else None)
        write = _Write(table, None, item)
    else:
        old = _existing(ctx, action.entity, skip)
        key = _primary_key(table, old)
        if action.action == "Update":
            new = changed_item(ctx, action.entity, old, action.changed_attributes)
            request = _update_request(table, key, old, new, _FAILS_IF_EXISTS if fail else None)
            write = _Write(table, old, new)
        elif action.action == "Delete":
            request = _delete_request(table, key, _FAILS_IF_EXISTS if fail else None)
            write = _Write(table, old, None)
        else:
            request = _delete_request(table, key, _FAILS_IF_EXISTS if fail else _FAILS_IF_MISSING)
            return {"ConditionCheck": _strip(request)}, None, _Write(table, old, old)
    return {action.action: _strip(request)}, write, write


def _strip(request: dict) -> dict:
    return {k: v for k, v in request.items() if k != "ReturnConsumedCapacity"}


def _run_transaction(ctx: _Context, pattern: TransactWriteItems, notes: list[str]) -> list[RequestRun]:
    runs = []
    for label, weight, fail in (("commits", 1 - pattern.condition_failure_share, False),
                                ("cancelled by a failed condition", pattern.condition_failure_share, True)):
        if weight <= 0:
            continue
        skip: set[tuple[str, ...]] = set()
        members, writes, checked = [], [], []
        for i, action in enumerate(pattern.actions):
            member, write, item = _transaction_action(ctx, action, skip, fail and i == len(pattern.actions) - 1)
            members.append(member)
            checked.append(item)
            if write is not None:
                writes.append(write)
        request = {"TransactItems": members, "ReturnConsumedCapacity": "INDEXES"}
        rules = _transaction_rules(writes, checked, cancelled=fail)
        runs.append(_write_run(ctx, label, weight, "TransactWriteItems", request, [] if fail else writes, rules,
                               disputed=fail))
    return runs


def _transaction_rules(writes: list[_Write], checked: list[_Write], cancelled: bool) -> Arms:
    """Transactional writes: table arms doubled, index arms not (DOMAIN.md §2); a ConditionCheck is a
    transactional write of the checked item. Cancelled: engine.capacity's documented assumption
    (each item's table arm as if written, no index writes)."""
    if cancelled:
        arms: Arms = {}
        for w in checked:
            _add(arms, {w.table.name: capacity.failed_write_units(_size(w.new if w.old is None else w.old), True)})
        return arms
    arms = _write_rules(writes, transactional=True)
    for w in checked:
        if w.old is w.new:  # ConditionCheck
            _add(arms, {w.table.name: capacity.write_units(_size(w.old), None, True)})
    return arms


# ----------------------------------------------------------------------------- patterns


def served_by(pattern: AccessPattern, table: Table) -> tuple[str, str]:
    """(category, one-line description) of how DynamoDB serves the pattern."""
    op = pattern.operation
    filt = "" if getattr(pattern, "filter_keep_share", 1) >= 1 else (
        f", then a filter keeps {pattern.filter_keep_share:.0%} of the items read")
    if op == "GetItem":
        return "key_lookup", f"GetItem: one key lookup on table '{table.name}'"
    if op in ("BatchGetItem", "TransactGetItems"):
        return "key_lookups", f"{op}: {pattern.items_per_request:g} key lookups in one request"
    if op == "Query" and pattern.index:
        kind = "GSI" if isinstance(table.index(pattern.index), GlobalSecondaryIndex) else "LSI"
        return "query_index", f"Query on {kind} '{pattern.index}' of table '{table.name}'{filt}"
    if op == "Query":
        return "query_table", f"Query on table '{table.name}'{filt}"
    if op == "Scan":
        target = f"index '{pattern.index}'" if pattern.index else f"table '{table.name}'"
        return "scan", f"Scan of {target}: reads every item{filt}"
    if op == "TransactWriteItems":
        return "transaction", f"TransactWriteItems: {len(pattern.actions)} actions, all or nothing"
    if op == "BatchWriteItem":
        return "batch_write", f"BatchWriteItem: {pattern.items_per_request:g} {pattern.write_kind}s"
    return "key_write", f"{op}: one item by its primary key on table '{table.name}'"


def _runs_for(ctx: _Context, pattern: AccessPattern, table: Table, notes: list[str]) -> list[RequestRun]:
    op = pattern.operation
    if op in ("Query", "Scan"):
        return _run_query_or_scan(ctx, pattern, table, notes)
    if op in ("GetItem", "BatchGetItem", "TransactGetItems"):
        return _run_key_reads(ctx, pattern, table, notes)
    if op == "BatchWriteItem":
        return _run_batch_write(ctx, pattern, notes)
    if op == "TransactWriteItems":
        return _run_transaction(ctx, pattern, notes)
    return _run_single_writes(ctx, pattern, notes)


def _weighted(runs: Sequence[RequestRun], attribute: str) -> Arms:
    total_weight = sum(r.weight for r in runs) or 1.0
    arms: Arms = {}
    for r in runs:
        _add(arms, getattr(r, attribute), r.weight / total_weight)
    return _nonzero(arms)


def _mean(values: Sequence[tuple[float, int | None]]) -> float | None:
    known = [(w, v) for w, v in values if v is not None]
    total = sum(w for w, _ in known)
    return None if not known or total <= 0 else sum(w * v for w, v in known) / total


def _agreement(pattern: AccessPattern, runs: Sequence[RequestRun], measured: Arms, rules: Arms, estimate: Arms | None,
               skipped: bool = False) -> str:
    if any(not same_arms(r.measured, r.rules) and not r.disputed for r in runs):
        return "sandbox_differs"
    if estimate is None:
        return "unavailable"
    if same_arms(measured, estimate):
        return "agree"
    if skipped:
        return "incomplete"
    if not same_arms(measured, rules):
        return "assumption_differs"
    if pattern.operation == "Scan" and pattern.items_per_request is None:
        return "not_comparable"
    return "sample_differs"


def _difference_notes(pattern: AccessPattern, runs: Sequence[RequestRun], ctx: _Context, table: Table) -> list[str]:
    notes = []
    asked = getattr(pattern, "items_per_request", None)
    read = _mean([(r.weight, r.items_read) for r in runs])
    if asked is not None and read is not None and pattern.operation in ("Query", "Scan") and read + 1e-9 < asked:
        notes.append(f"the largest matching collection in the sample gives {read:g} items per request where the "
                     f"pattern reads {asked:g} (the sample keeps the design's collection sizes, capped per entity)")
    for r in runs:
        if not same_arms(r.measured, r.rules):
            notes.append(f"{r.scenario}: sandbox measured {_nonzero(r.measured)}, the rules on the same items give "
                         f"{_nonzero(r.rules)}")
    sample_mean = _mean([(r.weight * len(r.item_sizes_bytes), sum(r.item_sizes_bytes) / len(r.item_sizes_bytes))
                         for r in runs if r.item_sizes_bytes])
    design_mean = _design_mean_bytes(ctx.model, pattern, ctx.sizes)
    if sample_mean is not None and design_mean is not None and abs(sample_mean - design_mean) > 0.5:
        what = "index entries" if pattern.index else "items"
        notes.append(f"the sample {what} this pattern touched average {sample_mean:,.0f} B; the design's average "
                     f"is {design_mean:,.0f} B")
    return notes


def _design_mean_bytes(model: DataModel, pattern: AccessPattern, sizes: capacity.DesignSizes) -> float | None:
    """Mean item (or index entry) size of the pattern's entities by engine.capacity's size model."""
    if pattern.operation == "TransactWriteItems":
        return None
    weights = capacity.entity_weights(model, pattern.entities)
    if pattern.index is None:
        return sum(w * sizes.item(e).mean for e, w in weights.items())
    parts = [(w * sizes.share(e, pattern.index), sizes.entry(e, pattern.index).mean) for e, w in weights.items()]
    total = sum(w for w, _ in parts)
    return None if total <= 0 else sum(w * m for w, m in parts) / total


def validate_pattern(ctx: _Context, pattern: AccessPattern, estimate: Arms | None, estimate_note: str | None) -> PatternValidation:
    """Run one access pattern and compare its measured capacity with the rules and the estimate."""
    table = ctx.model.table(pattern.table)
    category, summary = served_by(pattern, table)
    notes: list[str] = [] if estimate_note is None else [estimate_note]
    common: dict[str, Any] = dict(name=pattern.name, operation=pattern.operation, table=pattern.table, index=pattern.index,
                  entities=tuple(pattern.entities), served_by=category, summary=summary,
                  needs_filter=getattr(pattern, "filter_keep_share", 1) < 1, needs_scan=pattern.operation == "Scan")
    try:
        runs = _runs_for(ctx, pattern, table, notes)
    except _Unavailable as exc:
        return PatternValidation(**common, runs=(), entities_returned=(), heterogeneous=False, items_read=None,
                                 items_returned=None, measured={}, rules={}, estimate=estimate, agreement="error",
                                 notes=tuple(notes), error=str(exc))
    if not runs:
        return PatternValidation(
            **common, runs=(), entities_returned=(), heterogeneous=False, items_read=None, items_returned=None,
            measured={}, rules={}, estimate=estimate, agreement="error", notes=tuple(notes),
            error="no request could be built from the sample: " + "; ".join(notes))
    measured, rules = _weighted(runs, "measured"), _weighted(runs, "rules")
    returned = tuple(dict.fromkeys(e for r in runs for e in r.entities_returned))
    skipped = any(" not run: " in n for n in notes)
    errors = [f"{r.scenario}: {r.error_code}" for r in runs if r.error_code and "condition fails" not in r.scenario
              and "cancelled" not in r.scenario]
    notes += _difference_notes(pattern, runs, ctx, table)
    unlisted = [e for e in returned if e not in pattern.entities]
    if unlisted:
        notes.append(f"the request also returns {unlisted}, which the pattern does not list: they are read and "
                     "charged too (narrow the key condition or list them)")
    return PatternValidation(
        **common, runs=tuple(runs), entities_returned=returned,
        heterogeneous=any(len(r.entities_returned) > 1 for r in runs),
        items_read=_mean([(r.weight, r.items_read) for r in runs]),
        items_returned=_mean([(r.weight, r.items_returned) for r in runs]),
        measured=measured, rules=rules, estimate=None if estimate is None else _nonzero(estimate),
        agreement="error" if errors else _agreement(pattern, runs, measured, rules, estimate, skipped),
        notes=tuple(dict.fromkeys(notes)), error="; ".join(errors) or None)


def probes_per_pattern(model: DataModel, values_per_item: float = 1.0) -> int:
    """Sample items each single-item read or write pattern is run on: PROBES, fewer for many patterns
    (PROBES_PER_DESIGN) or for items of many values (VALUES_PER_DESIGN: every probe writes, sizes and undoes an
    item, so an entity of 200 map attributes made one design's run take 22 s), at least MIN_PROBES."""
    patterns = max(len(model.access_patterns), 1)
    by_values = int(VALUES_PER_DESIGN // (patterns * max(values_per_item, 1.0)))
    return max(MIN_PROBES, min(PROBES, PROBES_PER_DESIGN // patterns, by_values))


def _values_per_item(samples: Mapping[str, Sequence[SampleItem]]) -> float:
    """The largest mean count of attribute values (nested list and map elements included) per item of an entity."""
    counts: dict[str, list[int]] = {}
    for items in samples.values():
        for s in items:
            counts.setdefault(s.entity, []).append(sum(_value_count(v) for v in s.item.values()))
    return max((sum(c) / len(c) for c in counts.values()), default=1.0)


def _value_count(value: Any) -> int:
    """Attribute values in one DynamoDB JSON value: 1, plus those of a list's or map's elements."""
    if isinstance(value, dict) and len(value) == 1:
        ((tag, inner),) = value.items()
        if tag == "L" and isinstance(inner, list):
            return 1 + sum(_value_count(v) for v in inner)
        if tag == "M" and isinstance(inner, dict):
            return 1 + sum(_value_count(v) for v in inner.values())
        if tag in ("SS", "NS", "BS") and isinstance(inner, list):
            return 1 + len(inner)
    return 1


def _estimates(model: DataModel, evaluation: Evaluation | None = None) -> tuple[dict[str, Arms], str | None]:
    """Per-pattern arms from engine.evaluate (the capacity engine's estimate), or why there are none."""
    try:
        from engine.evaluate import evaluate

        evaluation = evaluation if evaluation is not None else evaluate(model)
        return ({p.name: {a.target: a.read_units_per_request + a.write_units_per_request for a in p.arms}
                 for p in evaluation.patterns}, None)
    except Exception as exc:  # noqa: BLE001 - the report says why and falls back to engine.capacity
        reason = "engine.evaluate is not available yet" if isinstance(exc, ImportError) else f"engine.evaluate failed: {exc}"
        sizes = capacity.DesignSizes(model)
        out = {}
        for p in model.access_patterns:
            pc = capacity.pattern_capacity(model, sizes, p)
            out[p.name] = {a.target: a.read_units_per_request + a.write_units_per_request for a in pc.arms}
        return out, f"estimate from engine.capacity.pattern_capacity ({reason})"


def sample_cap(model: DataModel) -> int:
    """Sample items per entity for a validation: enough for the largest Query/Scan page the design reads."""
    wanted = [math.ceil(p.items_per_request) for p in model.access_patterns
              if p.operation in ("Query", "Scan") and p.items_per_request is not None]
    return int(min(MAX_SAMPLE_ITEMS, max(DEFAULT_SAMPLE_ITEMS, SAMPLE_HEADROOM * max(wanted, default=0))))


def loaded_sandbox(model: DataModel, samples: Mapping[str, list[SampleItem]]) -> Sandbox:
    """A sandbox with the design's tables (engine.sandbox.create_table_request) holding `samples`."""
    from engine.sandbox import Sandbox, create_table_request

    sandbox = Sandbox()
    for table in model.tables:
        sandbox.call("CreateTable", create_table_request(table))
        sandbox.load_items(table.name, [s.item for s in samples[table.name]])
    return sandbox


def validate_patterns(model: DataModel, seed: int = 0, sandbox: Sandbox | None = None,
                      max_items_per_entity: int | None = None, evaluation: Evaluation | None = None) -> PatternReport:
    """Run every access pattern of the design against a sandbox loaded with its seeded sample items.

    Without a sandbox one is built holding sample_cap(model) items per entity (or
    max_items_per_entity); a given sandbox must hold generate_items(model, seed, max_items_per_entity
    or 200); either is lowered for a design of many entities (engine.samples.items_per_entity). Reads run
    first; every write is undone after it runs, so each pattern sees the seeded data. `evaluation`:
    engine.evaluate's result for this design when the caller has it (the estimates come from it).
    """
    cap = items_per_entity(model, max_items_per_entity or (sample_cap(model) if sandbox is None
                                                           else DEFAULT_SAMPLE_ITEMS))
    samples = generate_samples(model, seed, cap)
    if sandbox is None:
        sandbox = loaded_sandbox(model, samples)
    ctx = _Context(model, sandbox, samples, seed)
    estimates, estimate_note = _estimates(model, evaluation)
    ordered = sorted(model.access_patterns, key=lambda p: not p.is_read)
    try:
        by_name = {p.name: validate_pattern(ctx, p, estimates.get(p.name), estimate_note) for p in ordered}
    finally:
        _ITEM_SIZES.clear()
    patterns = tuple(by_name[p.name] for p in model.access_patterns)
    screens = tuple(validate_screen(s, by_name) for s in model.screens)
    return PatternReport(
        design=model.name, seed=seed, max_items_per_entity=cap, patterns=patterns, screens=screens,
        assumptions=_assumptions())


def _assumptions() -> tuple[str, ...]:
    return (
        "Keys come from the seeded sample items; a Query uses the partition key with the largest sample "
        "collection on its target, a GetItem the first sample item its key condition renders.",
        "Limit is items_per_request (a fractional count averages floor and ceil, as the estimate does); the "
        f"sample holds at most {SAMPLE_HEADROOM}x the largest Query/Scan count per entity (at least "
        f"{DEFAULT_SAMPLE_ITEMS}, at most {MAX_SAMPLE_ITEMS}), and the whole sample at most "
        f"{SAMPLE_ITEMS_PER_DESIGN:,} items (a design of many entities gets fewer per entity, at least "
        f"{MIN_ITEMS_PER_ENTITY}); a collection smaller than a pattern's count reads fewer items here.",
        f"Single-item reads and writes run on {PROBES} different sample items and are averaged (a design of more "
        f"than {PROBES_PER_DESIGN // PROBES:,} patterns, or of items holding thousands of values: fewer each, at "
        f"least {MIN_PROBES}).",
        "A FilterExpression keeping filter_keep_share compares the non-key attribute most evaluated items "
        "carry with the value at that share.",
        "Writes change the listed attributes to other values of the same type and size (a template index key "
        "moves to the next rank); every write is undone afterwards.",
        *capacity.ASSUMPTIONS,
    )


def validate_screen(screen: Screen, patterns: Mapping[str, PatternValidation]) -> ScreenValidation:
    """Requests and capacity of one view of a screen: listed patterns once each, repeats N times."""
    calls = Counter(screen.access_patterns)
    for name, times in screen.repeat:
        calls[name] += times
    requests = sum(calls.values())
    measured = {"read": 0.0, "write": 0.0}
    estimated: dict[str, float | None] = {"read": 0.0, "write": 0.0}
    for name, times in calls.items():
        p = patterns[name]
        side = "read" if p.is_read else "write"
        measured[side] += times * p.measured_units
        est = p.estimate_units
        estimated[side] = None if est is None or estimated[side] is None else estimated[side] + times * est
    n_plus_one = bool(screen.repeat)
    rounds = int(bool(screen.access_patterns)) + int(n_plus_one)
    repeats = ", ".join(f"{n} x{t}" for n, t in screen.repeat)
    summary = (f"{requests} request{'s' if requests != 1 else ''} per view"
               + (f" in {rounds} round trip{'s' if rounds != 1 else ''} (repeated per item: {repeats})"
                  if n_plus_one else ""))
    return ScreenValidation(
        name=screen.name, calls=tuple(calls.items()), requests_per_view=requests, round_trips=rounds,
        n_plus_one=n_plus_one, read_units_per_view_measured=measured["read"],
        write_units_per_view_measured=measured["write"], read_units_per_view_estimate=estimated["read"],
        write_units_per_view_estimate=estimated["write"], summary=summary)


# ----------------------------------------------------------------------------- item-collection views


def _view_item(table: Table, sample: SampleItem, item: Item, pk: str, sk: str | None) -> dict[str, Any]:
    return {"entity": sample.entity, "partition_key": item[pk], "sort_key": item.get(sk) if sk else None,
            "primary_key": _primary_key(table, sample.item), "size_bytes": item_size_bytes(item), "item": item}


def _collections(rows: list[dict[str, Any]], max_collections: int | None, max_items: int | None) -> list[dict]:
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault(tuple(row["partition_key"].items()), []).append(row)
    ordered = sorted(groups.values(), key=lambda g: sort_key_of(g[0]["partition_key"]))
    out = []
    for group in ordered[:max_collections]:
        group.sort(key=lambda r: sort_key_of(r["sort_key"]) if r["sort_key"] else (0, 0))
        out.append({"partition_key": group[0]["partition_key"], "item_count": len(group),
                    "size_bytes": sum(r["size_bytes"] for r in group),
                    "entities": sorted({r["entity"] for r in group}), "items": group[:max_items]})
    return out


def _target_rows(table: Table, samples: Iterable[SampleItem], index: str | None) -> tuple[list[dict], str, str | None]:
    pk, sk = table.index_keys(index)
    rows = []
    for s in samples:
        if index is None:
            rows.append(_view_item(table, s, s.item, pk.name, sk.name if sk else None))
            continue
        idx = table.index(index)
        names = (*table.key_names, *_index_key_names(table, index))
        if all(k in s.item for k in _index_key_names(table, index)):
            entry = project_item(s.item, names, idx.projection.type, idx.projection.attributes)
            rows.append(_view_item(table, s, entry, pk.name, sk.name if sk else None))
    return rows, pk.name, sk.name if sk else None


def aggregate_view(model: DataModel, seed: int = 0, max_collections: int | None = None,
                   max_items_per_collection: int | None = None,
                   samples: Mapping[str, list[SampleItem]] | None = None) -> list[dict[str, Any]]:
    """Every table and index of the design with its sample items grouped by partition key, sorted by sort key.

    An index holds only the items carrying its keys (sparse) and only its projected attributes.
    """
    samples = generate_samples(model, seed) if samples is None else samples
    views = []
    for table in model.tables:
        for index in (None, *(i.name for i in (*table.gsis, *table.lsis))):
            rows, pk, sk = _target_rows(table, samples[table.name], index)
            views.append({"table": table.name, "index": index, "target": capacity.target_name(table.name, index),
                          "partition_key": pk, "sort_key": sk, "item_count": len(rows),
                          "collection_count": len({tuple(r["partition_key"].items()) for r in rows}),
                          "collections": _collections(rows, max_collections, max_items_per_collection)})
    return views


def facet_view(model: DataModel, entity_name: str, seed: int = 0, max_items: int | None = None,
               samples: Mapping[str, list[SampleItem]] | None = None) -> dict[str, Any]:
    """One entity's items as NoSQL Workbench's facet shows them: its key templates, attributes and items,
    on the table and on each index it appears in."""
    entity = model.entity(entity_name)
    table = model.table(entity.table)
    samples = generate_samples(model, seed) if samples is None else samples
    mine = [s for s in samples[table.name] if s.entity == entity_name]
    targets = []
    for index in (None, *(i.name for i in (*table.gsis, *table.lsis))):
        rows, pk, sk = _target_rows(table, mine, index)
        if index is not None and not rows:
            continue
        kt_pk, kt_sk = entity.key_template(pk), entity.key_template(sk) if sk else None
        rows.sort(key=lambda r: (sort_key_of(r["partition_key"]), sort_key_of(r["sort_key"]) if r["sort_key"] else 0))
        targets.append({"index": index, "target": capacity.target_name(table.name, index), "partition_key": pk,
                        "partition_key_template": kt_pk.template if kt_pk else None, "sort_key": sk,
                        "sort_key_template": kt_sk.template if kt_sk else None, "item_count": len(rows),
                        "items": rows[:max_items]})
    return {"entity": entity_name, "table": table.name,
            "attributes": [a.name for a in entity.attributes],
            "key_templates": {kt.attribute: kt.template for kt in entity.keys},
            "variables": {v.name: variable_cardinality(v) for v in entity.variables},
            "targets": targets}


__all__ = [
    "AGREEMENT_TEXT", "PatternReport", "PatternValidation", "RequestRun", "ScreenValidation", "aggregate_view",
    "changed_item", "consumed_arms", "different_value", "facet_view", "keep_share_filter", "key_condition_expression",
    "same_arms", "served_by", "sort_key_of", "validate_pattern", "validate_patterns", "validate_screen",
]
