"""Sample items: deterministic, seeded DynamoDB items for every entity of a design, and item import.

Generation rules (each one is what a user can check in the sandbox):
- keys come from the entity's key templates with variable values from engine.keyspace, so the
  sample items, the partition report and the simulator name the same keys (`USER#user-000017`);
- the sample keeps the design's item-collection sizes: an entity with 1,000 repositories and
  50,000 issues puts about 50 issues in each sampled repository, and a skewed (zipf / hot-key)
  entity puts more items in its popular collections (more issues under a popular repository);
- partitions are taken from the most popular ranks first, so entities sharing a variable
  (`REPO#{repo}` on a Repo and on its Issues) land in the same item collections;
- every attribute value is typed by its AttributeSpec and sized by DynamoDB's rules (DOMAIN.md §1,
  DG/CapacityUnitCalculations.html) to the declared size (or drawn between min and max with the
  declared mean); `example` values are used verbatim; `presence` < 1 leaves the attribute out of
  that share of items (sparse indexes).

Import accepts DynamoDB JSON (a list of items, a Scan/Query response, a BatchWriteItem request,
JSON lines of a DynamoDB S3 export), plain JSON (objects, or JSON lines) and CSV (a header row;
`name:TYPE` headers type a column), and names the item/row and attribute/column of every problem.
"""

from __future__ import annotations

import base64
import csv
import functools
import io
import json
import math
import re
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from engine.errors import ItemError
from engine.itemsize import ItemSizeError, to_dynamodb_value
from engine.keyspace import (
    TIMESTAMP_EPOCH,
    TIMESTAMP_STEP,
    key_count,
    key_labels,
    popularity,
    render_template,
    variable_cardinality,
)
from engine.model import DataModel
from engine.model.attribute_values import (
    WIRE_TYPES,
    AttributeValueError,
    canonical_value,
    shown_example,
    typed_example,
)
from engine.model.entity import AttributeSpec, Entity, HotKeys, Variable, template_variables
from engine.model.limits import MAX_NUMBER_DIGITS
from engine.model.table import Table

# Partition keys are ranked by popularity over at most this many top ranks (hot keys are looked
# up among their labels); the sample never needs more partitions than items, so this is ample.
POPULARITY_WINDOW = 1024
ITEMS_FILE_LIMIT_BYTES = 64 * 1024 * 1024  # item files to import: sample data, not a table export
# Workbench choice (time and memory of every pass that loads the sample: patterns, the sandbox, collections):
# the sample of a whole design holds at most this many items; see items_per_entity.
SAMPLE_ITEMS_PER_DESIGN = 6_000
MIN_ITEMS_PER_ENTITY = 5
# DOMAIN.md §1: a number has at most 38 significant digits -> at most 20 bytes (1 + 19 pairs).
MAX_NUMBER_BYTES = 1 + (MAX_NUMBER_DIGITS + 1) // 2
# Elements of generated sets, lists and maps are about this big (value bytes), so a 1 KB list
# has tens of elements, like real data, rather than one huge string.
COLLECTION_ELEMENT_BYTES = 16
_LETTERS = np.frombuffer(b"abcdefghijklmnopqrstuvwxyz", dtype=np.uint8)
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
ItemFormat = Literal["dynamodb-json", "json", "csv"]


class SampleDataError(ItemError):
    """A design's sample data cannot be generated, or imported items are malformed."""


@dataclass(frozen=True)
class SampleItem:
    """One generated item with the entity it belongs to and the variable ranks that made its keys."""

    entity: str
    table: str
    item: dict[str, dict[str, Any]]
    ranks: Mapping[str, int] = field(default_factory=dict)


# ----------------------------------------------------------------------------- generation


def generate_items(model: DataModel, seed: int = 0, max_items_per_entity: int = 200) -> dict[str, list[dict]]:
    """Sample items per table name, in DynamoDB JSON; the same design and seed give the same items.

    Every table of the design has an entry (possibly empty). An item whose primary key another
    entity already produced is dropped (a PutItem would have replaced it), so loading the lists
    into a table keeps every item.
    """
    return {table: [s.item for s in samples] for table, samples in
            generate_samples(model, seed, max_items_per_entity).items()}


def generate_samples(model: DataModel, seed: int = 0,
                     max_items_per_entity: int = 200) -> dict[str, list[SampleItem]]:
    """Like generate_items, with each item's entity and variable ranks (for access-pattern runs)."""
    if max_items_per_entity < 0:
        raise SampleDataError(f"max_items_per_entity {max_items_per_entity} is negative; pass 0 or more")
    if seed < 0:
        raise SampleDataError(f"seed {seed} is negative; a sample data seed is 0 or more")
    out: dict[str, list[SampleItem]] = {t.name: [] for t in model.tables}
    seen: dict[str, set[tuple[str, ...]]] = {t.name: set() for t in model.tables}
    per_entity = items_per_entity(model, max_items_per_entity)
    for entity in model.entities:
        table = model.table(entity.table)
        for sample in entity_samples(entity, table, seed, per_entity):
            key = primary_key_text(sample.item, table)
            if key not in seen[table.name]:
                seen[table.name].add(key)
                out[table.name].append(sample)
    return out


def items_per_entity(model: DataModel, max_items_per_entity: int) -> int:
    """Sample items per entity a design gets: the asked-for count, lowered so the whole sample stays within
    SAMPLE_ITEMS_PER_DESIGN (at least MIN_ITEMS_PER_ENTITY each). Every sample design is far below it; a
    1,000-entity design gets 6 items per entity instead of 200 (its pattern run took 70 s and 1.4 GiB)."""
    share = SAMPLE_ITEMS_PER_DESIGN // max(len(model.entities), 1)
    return min(max_items_per_entity, max(share, MIN_ITEMS_PER_ENTITY))


def entity_samples(entity: Entity, table: Table, seed: int = 0, max_items: int = 200) -> list[SampleItem]:
    """The sample items of one entity (independent of the design's other entities)."""
    rng = np.random.default_rng([seed, zlib.crc32(entity.name.encode("utf-8"))])
    ranks = _item_ranks(entity, table, rng, max_items)
    if not ranks:
        return []
    key_types = table.key_types
    attributes = [_attribute_column(spec, len(ranks), rng, entity) for spec in entity.attributes]
    out = []
    for i, item_ranks in enumerate(ranks):
        item: dict[str, dict[str, Any]] = {}
        for kt in entity.keys:
            item[kt.attribute] = key_value(kt.template, entity, item_ranks, key_types.get(kt.attribute, "S"),
                                           kt.attribute)
        for spec, column in zip(entity.attributes, attributes, strict=True):
            if column[i] is not None:
                item[spec.name] = column[i]
        out.append(SampleItem(entity.name, table.name, item, item_ranks))
    return out


def sample_item_count(entity: Entity, table: Table, max_items: int = 200) -> int:
    """Items the sample holds for an entity: its item count, capped by max_items and by distinct keys."""
    pk_template, sk_template = _primary_templates(entity, table)
    capacity = key_count(entity, pk_template) * _sort_capacity(entity, pk_template, sk_template)
    return int(min(entity.item_count, max_items, capacity))


def _primary_templates(entity: Entity, table: Table) -> tuple[str, str | None]:
    pk = entity.key_template(table.partition_key.name)
    if pk is None:  # the design validator requires it; an attribute holding it is a constant key
        raise SampleDataError(f"entity '{entity.name}' has no key template for partition key "
                              f"'{table.partition_key.name}' of table '{table.name}'; add one to its keys")
    sk = entity.key_template(table.sort_key.name) if table.sort_key is not None else None
    if table.sort_key is not None and sk is None:
        raise SampleDataError(f"entity '{entity.name}' has no key template for sort key "
                              f"'{table.sort_key.name}' of table '{table.name}'; add one to its keys")
    return pk.template, (sk.template if sk is not None else None)


def _sort_only_variables(pk_template: str, sk_template: str | None) -> list[str]:
    in_pk = set(template_variables(pk_template))
    return [v for v in dict.fromkeys(template_variables(sk_template or "")) if v not in in_pk]


def _sort_capacity(entity: Entity, pk_template: str, sk_template: str | None) -> int:
    """Distinct sort keys one partition can hold (1 without sort-only variables)."""
    return math.prod(variable_cardinality(entity.variable(v)) for v in _sort_only_variables(pk_template, sk_template))


def _item_ranks(entity: Entity, table: Table, rng: np.random.Generator, max_items: int) -> list[dict[str, int]]:
    """Variable ranks of every sample item: partitions, then sort keys, then the other variables."""
    pk_template, sk_template = _primary_templates(entity, table)
    n = sample_item_count(entity, table, max_items)
    if n == 0:
        return []
    pk_vars = list(dict.fromkeys(template_variables(pk_template)))
    sk_vars = _sort_only_variables(pk_template, sk_template)
    # Capped at n: a partition never holds more than the sample's n items, and a product of large cardinalities
    # (10^15 x 10^15) does not fit the int64 arrays it is compared with (an OverflowError the fuzz found).
    capacity = min(_sort_capacity(entity, pk_template, sk_template), n)
    partitions, counts = _partition_counts(entity, pk_template, n, capacity)
    ranks: list[dict[str, int]] = []
    next_sort_index = 0
    for partition, count in zip(partitions, counts, strict=True):
        base = _decode(entity, pk_vars, int(partition))
        for j in range(int(count)):
            # Globally distinct sort ranks when the key space allows it (an issue number is then
            # unique in the whole sample, as a GSI on it expects), else distinct per partition.
            if capacity >= n:
                ranks.append({**base, **_spread(entity, sk_vars, next_sort_index + j, n)})
            else:
                ranks.append({**base, **_decode(entity, sk_vars, j)})
        next_sort_index += int(count)
    _add_other_variables(entity, ranks, set(pk_vars) | set(sk_vars), rng)
    return ranks


def _spread(entity: Entity, variables: Sequence[str], index: int, n: int) -> dict[str, int]:
    """The index-th of n distinct sort-key rank sets, spread over each variable's whole range.

    When one variable alone has n values or more, every variable steps by cardinality // n (so
    timestamps span their period and ids their range, and that variable keeps the sets distinct);
    otherwise the mixed-radix decoding (last variable fastest) keeps them distinct.
    """
    cards = {v: variable_cardinality(entity.variable(v)) for v in variables}
    if not any(card >= n for card in cards.values()):
        return _decode(entity, variables, index)
    return {v: (index * max(1, card // n)) % card for v, card in cards.items()}


def _decode(entity: Entity, variables: Sequence[str], index: int) -> dict[str, int]:
    """Mixed-radix ranks of an index over variables, the last varying fastest (as keyspace.key_label)."""
    ranks: dict[str, int] = {}
    for var in reversed(variables):
        card = variable_cardinality(entity.variable(var))
        ranks[var] = index % card
        index //= card
    return ranks


def _partition_counts(entity: Entity, pk_template: str, n: int, capacity: int) -> tuple[np.ndarray, np.ndarray]:
    """Which partition keys (indexes in key_label order) the sample uses and how many items each holds.

    The number of partitions keeps the design's mean collection size (item_count / distinct
    partition keys); they are the most popular ones, and items are shared out in proportion to
    popularity (capped by what a partition's sort keys can hold), at least one each.
    """
    partitions_total = key_count(entity, pk_template)
    mean_per_partition = min(capacity, max(1.0, entity.item_count / partitions_total))
    k = int(min(partitions_total, max(1, math.ceil(n / mean_per_partition), math.ceil(n / capacity))))
    pk_variables = [entity.variable(v) for v in template_variables(pk_template)]
    if pk_variables and all(_is_enum(v) for v in pk_variables):
        k = partitions_total  # a status-like key: every value is a partition (and a hot one is seen)
    k = min(k, n)
    window = int(min(partitions_total, max(k, POPULARITY_WINDOW)))
    dist = entity.key_distribution
    labels = key_labels(entity, pk_template, window) if isinstance(dist, HotKeys) else None
    shares = popularity(dist, window, labels)
    chosen = np.argsort(-shares, kind="stable")[:k]
    return chosen, _allocate(shares[chosen], n, capacity)


def _allocate(shares: np.ndarray, n: int, capacity: int) -> np.ndarray:
    """n items over len(shares) partitions in proportion to shares, each 1..capacity (largest quota first)."""
    counts = np.ones(len(shares), dtype=np.int64)
    left = n - len(shares)
    weights = np.where(shares > 0, shares, 1e-12)
    while left > 0:
        open_weights = weights * (counts < capacity)
        quota = left * open_weights / open_weights.sum()
        add = np.minimum(np.floor(quota).astype(np.int64), capacity - counts)
        if add.sum() == 0:
            add[int(np.argmax(quota))] = 1
        counts += add
        left -= int(add.sum())
    return counts


def _add_other_variables(entity: Entity, ranks: list[dict[str, int]], done: set[str],
                         rng: np.random.Generator) -> None:
    """Ranks of variables outside the primary key (index keys): the design's mean items per value.

    n items over a variable with `cardinality` values out of `item_count` items use about
    n * cardinality / item_count distinct values, each about equally often (unique when that is n);
    an enum uses all of its values.
    """
    n = len(ranks)
    used = {v for kt in entity.keys for v in template_variables(kt.template)}
    for var in entity.variables:
        if var.name in done or var.name not in used:
            continue
        card = variable_cardinality(var)
        distinct = card if _is_enum(var) else int(min(card, max(1, math.ceil(n * card / max(entity.item_count, 1)))))
        values = rng.permutation(n) % distinct
        for item_ranks, value in zip(ranks, values, strict=True):
            item_ranks[var.name] = int(value)


def _is_enum(variable: Variable | None) -> bool:
    """Enum variables (listed values or kind enum) show every value in the sample, however rare."""
    return variable is not None and (bool(variable.values) or variable.kind == "enum")


# ----------------------------------------------------------------------------- keys


def key_value(template: str, entity: Entity, ranks: Mapping[str, int], key_type: str,
              attribute: str = "") -> dict[str, str]:
    """A key attribute's wire value from its template: S text, N number, B the text's UTF-8 bytes."""
    if key_type == "S":
        return {"S": render_template(template, entity, ranks)}
    if key_type == "B":
        return {"B": base64.b64encode(render_template(template, entity, ranks).encode("utf-8")).decode("ascii")}
    text = render_template(template, entity, ranks)
    if not _NUMBER.match(text):
        text = _numeric_render(template, entity, ranks)
    if not _NUMBER.match(text):
        raise SampleDataError(
            f"entity '{entity.name}': key attribute '{attribute}' is a number (N) but its template "
            f"'{template}' renders '{text}'; use only number/timestamp variables and digits in an N key")
    return {"N": text}


def _numeric_render(template: str, entity: Entity, ranks: Mapping[str, int]) -> str:
    """A template with each variable as a number: its rank, or epoch seconds for timestamps."""
    out = template
    for var in template_variables(template):
        variable = entity.variable(var)
        rank = ranks.get(var, 0)
        if variable is not None and variable.values and _NUMBER.match(variable.values[rank % len(variable.values)]):
            text = variable.values[rank % len(variable.values)]
        elif variable is not None and variable.kind == "timestamp":
            text = str(int((TIMESTAMP_EPOCH + rank * TIMESTAMP_STEP).timestamp()))
        else:
            text = str(rank)
        out = out.replace("{" + var + "}", text, 1)
    return out


def primary_key_text(item: Mapping[str, Mapping[str, Any]], table: Table) -> tuple[str, ...]:
    """The primary key of an item as a tuple of wire texts (for de-duplication and grouping)."""
    return tuple(_scalar_text(item.get(k.name)) for k in (table.partition_key, table.sort_key) if k is not None)


def _scalar_text(value: Mapping[str, Any] | None) -> str:
    if not value:
        return ""
    ((kind, text),) = value.items()
    return f"{kind}:{text}"


# ----------------------------------------------------------------------------- attribute values


def _attribute_column(spec: AttributeSpec, n: int, rng: np.random.Generator,
                      entity: Entity) -> list[dict[str, Any] | None]:
    """Values of one attribute for n items (None where the item leaves it out)."""
    present = np.zeros(n, dtype=bool)
    present[rng.permutation(n)[: int(round(spec.presence * n))]] = True
    if spec.example is not None:
        value = example_value(spec.example, spec.type, f"entity '{entity.name}' attribute '{spec.name}'")
        return [value if p else None for p in present]
    sizes = value_sizes(spec, n, rng)
    return [typed_value(spec.type, int(s), rng, spec.name) if p else None for p, s in zip(present, sizes, strict=True)]


def value_sizes(spec: AttributeSpec, n: int, rng: np.random.Generator) -> np.ndarray:
    """n value sizes in bytes with the declared mean, between min and max when they are given.

    With min and max, a size is uniform on [min, mean] with probability (max - mean) / (max - min)
    and uniform on [mean, max] otherwise (engine.itemsize.SizeDistribution.uniform's model), so the
    mean is the declared size_bytes (or the midpoint when only min and max are given). The n draws
    are stratified (one per n-quantile, shuffled), so even 200 items have the design's mean and
    spread; fractions are rounded up or down at random (mean kept).
    """
    lo, hi = spec.min_size_bytes, spec.max_size_bytes
    if lo is None or hi is None or hi <= lo:
        raw = np.full(n, float(spec.size_bytes or 0.0))
    else:
        mean = float(spec.size_bytes) if spec.size_bytes is not None else (lo + hi) / 2
        low_share = (hi - mean) / (hi - lo)
        u = (rng.permutation(n) + rng.random(n)) / max(n, 1)
        low = lo + np.divide(u, low_share, out=np.zeros(n), where=low_share > 0) * (mean - lo)
        high = mean + np.divide(u - low_share, 1 - low_share, out=np.zeros(n), where=low_share < 1) * (hi - mean)
        raw = np.where(u < low_share, low, high)
    floor = np.floor(raw)
    return (floor + (rng.random(n) < raw - floor)).astype(np.int64)


def typed_value(kind: str, size_bytes: int, rng: np.random.Generator, name: str = "") -> dict[str, Any]:
    """A random DynamoDB JSON value of a type whose DynamoDB size is size_bytes (as near as the type allows).

    BOOL and NULL are 1 byte whatever the declared size; numbers are 1-20 bytes; sets hold at
    least one element; an L or M is at least 3 bytes (DOMAIN.md §1). A string looks like what its
    attribute's name says (a timestamp, an email, an id, a URL, words) at exactly its size.
    """
    size_bytes = max(0, size_bytes)
    if kind == "S":
        return {"S": shaped_text(name, size_bytes, rng)}
    if kind == "N":
        return {"N": _number_of_size(size_bytes, rng)}
    if kind == "B":
        return {"B": _b64(rng.bytes(size_bytes))}
    if kind == "BOOL":
        return {"BOOL": bool(rng.random() < 0.5)}
    if kind == "NULL":
        return {"NULL": True}
    if kind in ("SS", "NS", "BS"):
        return {kind: _set_elements(kind, max(1, size_bytes), rng)}
    if kind == "L":
        lengths = [c - 1 for c in _chunks(size_bytes - 3, COLLECTION_ELEMENT_BYTES + 1)]
        return {"L": [{"S": text} for text in _letter_strings(lengths, rng)]}
    if kind == "M":
        return {"M": _map_elements(size_bytes - 3, rng)}
    raise SampleDataError(f"unknown attribute type '{kind}' (known: {', '.join(WIRE_TYPES)})")


_TIMESTAMP_NAME = re.compile(r"(?i:date|time|(^|_)(at|on)$)|[a-z](At|On)$")
_EMAIL_NAME = re.compile(r"(?i)e?mail")
_ID_NAME = re.compile(r"(?i:(^|_)id$)|[a-z]Id$|ID$")
_URL_NAME = re.compile(r"(?i)(url|link|href|uri)")
_EXAMPLE_DOMAIN = "@example.com"
_URL_PREFIX = "https://example.com/"
_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_EPOCH_2025 = 1_735_689_600  # 2025-01-01T00:00:00Z: sample timestamps fall in 2025-2026
_TWO_YEARS_S = 2 * 365 * 86_400


def shaped_text(name: str, size_bytes: int, rng: np.random.Generator) -> str:
    """An ASCII string of exactly size_bytes that looks like its attribute's name suggests: an ISO 8601
    timestamp (createdAt, order_date), an email, a hex id, a URL, else lowercase words."""
    if _TIMESTAMP_NAME.search(name) and size_bytes >= 10:
        return _timestamp_text(size_bytes, rng)
    if _EMAIL_NAME.search(name) and size_bytes > len(_EXAMPLE_DOMAIN):
        return _letters(size_bytes - len(_EXAMPLE_DOMAIN), rng) + _EXAMPLE_DOMAIN
    if _URL_NAME.search(name) and size_bytes > len(_URL_PREFIX):
        return _URL_PREFIX + _letters(size_bytes - len(_URL_PREFIX), rng)
    if _ID_NAME.search(name):
        return _HEX[rng.integers(0, len(_HEX), size=size_bytes)].tobytes().decode("ascii")
    return _words(size_bytes, rng)


def _timestamp_text(size_bytes: int, rng: np.random.Generator) -> str:
    """2025-06-14T09:26:53Z, cut to a date (10) or extended with fractional seconds, at exactly size_bytes."""
    import datetime

    moment = datetime.datetime.fromtimestamp(_EPOCH_2025 + int(rng.integers(0, _TWO_YEARS_S)), datetime.UTC)
    base = moment.strftime("%Y-%m-%dT%H:%M:%S")  # 19 characters
    if size_bytes <= len(base):
        return base[:size_bytes]
    if size_bytes == len(base) + 1:
        return base + "Z"
    digits = "".join(str(int(d)) for d in rng.integers(0, 10, size=size_bytes - len(base) - 2))
    return f"{base}.{digits}Z" if digits else base + "ZZ"[: size_bytes - len(base)]


def _words(size_bytes: int, rng: np.random.Generator) -> str:
    """Lowercase words of 3-9 letters separated by spaces, exactly size_bytes long (drawn in three numpy calls:
    a loop of one draw per word took 39 s of a 1,000-entity design's 66 s of sample generation)."""
    letters = _LETTERS[rng.integers(0, len(_LETTERS), size=max(0, size_bytes))]
    if size_bytes < 8:
        return letters.tobytes().decode("ascii")
    first = int(rng.integers(3, 10))
    gaps = rng.integers(4, 11, size=size_bytes // 4 + 1)
    spaces = first + np.concatenate(([0], np.cumsum(gaps)))
    letters[spaces[spaces < size_bytes - 2]] = ord(" ")
    return letters.tobytes().decode("ascii")


def _letters(count: int, rng: np.random.Generator) -> str:
    return _LETTERS[rng.integers(0, len(_LETTERS), size=max(0, count))].tobytes().decode("ascii")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _number_of_size(size_bytes: int, rng: np.random.Generator) -> str:
    """An integer of 2*(size-1) digits, first and last digit non-zero: exactly size_bytes bytes.

    DOMAIN.md §1: size = 1 + base-100 pairs from the most to the least significant non-zero pair.
    """
    size_bytes = min(max(size_bytes, 1), MAX_NUMBER_BYTES)
    if size_bytes == 1:
        return "0"
    digits = rng.integers(0, 10, size=2 * (size_bytes - 1))
    digits[0] = rng.integers(1, 10)
    digits[-1] = rng.integers(1, 10)
    return "".join(str(int(d)) for d in digits)


def _chunks(total: int, chunk: int) -> list[int]:
    """Split total (>= 0) into near-equal positive parts of at most `chunk` (empty for total <= 0)."""
    if total <= 0:
        return []
    parts = math.ceil(total / chunk)
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def _set_elements(kind: str, size_bytes: int, rng: np.random.Generator) -> list[str]:
    """Distinct set elements whose sizes add up to size_bytes (numbers: 2-20 bytes each)."""
    per = MAX_NUMBER_BYTES // 2 if kind == "NS" else COLLECTION_ELEMENT_BYTES
    sizes = _chunks(size_bytes, per) or [1]
    if kind == "NS" and any(s < 2 for s in sizes):
        sizes = [max(2, s) for s in sizes] if len(sizes) > 1 else [max(1, sizes[0])]
    out: list[str] = []
    seen: set[str] = set()  # a set: `text not in out` made a 40 KB number set quadratic (50 s in `patterns`)
    for s in sizes:
        for _attempt in range(100):
            text = _set_element(kind, s, rng)
            if text not in seen:
                break
        seen.add(text)
        out.append(text)
    return out


def _set_element(kind: str, size_bytes: int, rng: np.random.Generator) -> str:
    if kind == "NS":
        return _number_of_size(size_bytes, rng)
    if kind == "BS":
        return _b64(rng.bytes(size_bytes))
    return _letters(size_bytes, rng)


def _map_elements(value_bytes: int, rng: np.random.Generator) -> dict[str, dict[str, str]]:
    """Map members (names `a`, `b`, ... `aa`) with S values; each costs 1 + name + value bytes."""
    costs = _chunks(value_bytes, COLLECTION_ELEMENT_BYTES + 3)
    names = [_member_name(i) for i in range(len(costs))]
    values = _letter_strings([max(0, c - 1 - len(n)) for c, n in zip(costs, names, strict=True)], rng)
    return {name: {"S": text} for name, text in zip(names, values, strict=True)}


def _letter_strings(lengths: Sequence[int], rng: np.random.Generator) -> list[str]:
    """Random lowercase strings of the given lengths, drawn in one call (collections have hundreds)."""
    text = _letters(sum(lengths), rng)
    bounds = np.cumsum([0, *lengths])
    return [text[bounds[i]:bounds[i + 1]] for i in range(len(lengths))]


@functools.lru_cache(maxsize=4096)
def _member_name(i: int) -> str:
    name = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        name = chr(ord("a") + r) + name
    return name


def example_value(example: Any, kind: str, where: str) -> dict[str, Any]:
    """An `example` as DynamoDB JSON of the declared type, verbatim (engine.model.attribute_values.example_value)."""
    try:
        return typed_example(example, kind)
    except (TypeError, ValueError, ItemError) as exc:
        raise SampleDataError(f"{where}: example {shown_example(example)} is not a valid {kind} value ({exc}); "
                              f"give an example of type {kind} or change the type") from None


def plain_value_to_wire(value: Any, where: str) -> dict[str, Any]:
    """Plain JSON -> DynamoDB JSON by engine.itemsize's explicit type switch (str S, numbers N, list L, ...)."""
    try:
        return to_dynamodb_value(value)
    except ItemSizeError as exc:
        raise SampleDataError(f"{where}: {exc}") from None


# ----------------------------------------------------------------------------- import


def import_items(text: str, fmt: ItemFormat, table: Table | None = None, source: str = "items") -> list[dict]:
    """Items in DynamoDB JSON from text in one of the formats; with `table`, key attributes are checked.

    dynamodb-json: a list of items, {"Items": [...]} (a Query/Scan response), a BatchWriteItem
    request ({"Table": [{"PutRequest": {"Item": ...}}]}) or JSON lines ({"Item": ...} per line, as
    in a DynamoDB export to S3). json: a list of objects or JSON lines of objects. csv: a header
    row, then one item per row; a header `price:N` types its column (S, N, B, BOOL, NULL, SS, NS,
    BS as JSON lists, L and M as JSON), untyped key columns take the table's key type, other
    untyped columns are S; an empty cell leaves the attribute out.
    """
    if fmt == "dynamodb-json":
        items = _wire_items(text, source)
    elif fmt == "json":
        items = [_plain_item(obj, f"{source}: item {i + 1}") for i, obj in enumerate(_json_documents(text, source))]
    elif fmt == "csv":
        items = _csv_items(text, table, source)
    else:
        raise SampleDataError(f"{source}: unknown item format '{fmt}'; use dynamodb-json, json or csv")
    if table is not None:
        check_table_keys(items, table, source, "row" if fmt == "csv" else "item")
    return items


def import_items_file(path: str | Path, fmt: ItemFormat | None = None, table: Table | None = None) -> list[dict]:
    """Items from a file; the format defaults from the extension (.csv csv, .json/.jsonl: DynamoDB JSON
    when the first item is typed like {"S": ...}, else plain JSON)."""
    from engine.io import read_input_text

    p = Path(path)
    text = read_input_text(p, "item file", ITEMS_FILE_LIMIT_BYTES)
    return import_items(text, fmt or guess_format(text, p.suffix), table, str(p))


def guess_format(text: str, suffix: str = "") -> ItemFormat:
    """csv for .csv files; otherwise DynamoDB JSON when values look typed ({"S": ...}), else plain JSON."""
    if suffix.lower() == ".csv":
        return "csv"
    head = text.lstrip()[:2000]
    return "dynamodb-json" if re.search(r'\{\s*"(S|N|B|BOOL|NULL|L|M|SS|NS|BS)"\s*:', head) else "json"


def _json_documents(text: str, source: str) -> list[Any]:
    """A JSON array's elements, a single JSON object, or JSON lines (one document per line)."""
    stripped = text.strip()
    if not stripped:
        return []
    try:
        doc = json.loads(stripped)
        return doc if isinstance(doc, list) else [doc]
    except json.JSONDecodeError as whole:
        if "\n" not in stripped:
            raise SampleDataError(f"{source}: line {whole.lineno} column {whole.colno}: {whole.msg}; fix the JSON") from None
    docs = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if line.strip():
            try:
                docs.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise SampleDataError(f"{source}: line {lineno} column {exc.colno}: {exc.msg}; each line must be "
                                      "one JSON document (or the whole file one JSON array)") from None
    return docs


def _wire_items(text: str, source: str) -> list[dict]:
    docs = _json_documents(text, source)
    if len(docs) == 1 and isinstance(docs[0], dict) and not _looks_like_item(docs[0]):
        docs = _unwrap_container(docs[0], source)
    items = []
    for i, doc in enumerate(docs):
        where = f"{source}: item {i + 1}"
        if isinstance(doc, dict) and set(doc) == {"Item"} and isinstance(doc["Item"], dict):
            doc = doc["Item"]  # DynamoDB export to S3 (DYNAMODB_JSON) wraps each item
        if not isinstance(doc, dict):
            raise SampleDataError(f"{where}: expected an object of attributes, got {type(doc).__name__}")
        items.append({name: check_wire_value(value, f"{where}, attribute '{name}'") for name, value in doc.items()})
    return items


def _looks_like_item(doc: dict) -> bool:
    return all(isinstance(v, dict) and len(v) == 1 and next(iter(v)) in WIRE_TYPES for v in doc.values())


def _unwrap_container(doc: dict, source: str) -> list[Any]:
    """Items inside a Query/Scan response or a BatchWriteItem request."""
    if isinstance(doc.get("Items"), list):
        return doc["Items"]
    if "Item" in doc and isinstance(doc["Item"], dict):
        return [doc["Item"]]
    requests = doc.get("RequestItems", doc)
    if isinstance(requests, dict) and requests and all(isinstance(v, list) for v in requests.values()):
        items = []
        for table_name, writes in requests.items():
            for j, write in enumerate(writes):
                put = write.get("PutRequest", {}).get("Item") if isinstance(write, dict) else None
                if not isinstance(put, dict):
                    raise SampleDataError(f"{source}: {table_name}[{j}] is not a PutRequest with an Item; "
                                          "only puts can be imported")
                items.append(put)
        return items
    raise SampleDataError(f"{source}: expected a list of items, {{\"Items\": [...]}} or a BatchWriteItem request, "
                          f"got an object with keys {sorted(doc)[:8]}")


def check_wire_value(value: Any, where: str, depth: int = 0) -> dict[str, Any]:
    """Validate one DynamoDB JSON value by engine.model.attribute_values (the rules the sandbox applies) and return
    it as given; a problem names `where` and the place inside the value."""
    try:
        canonical_value(value, depth)
    except AttributeValueError as exc:
        raise SampleDataError(f"{where}{exc.path}: {exc}") from None
    return value


def _plain_item(obj: Any, where: str) -> dict:
    if not isinstance(obj, dict):
        raise SampleDataError(f"{where}: expected a JSON object of attribute values, got {type(obj).__name__}")
    return {name: plain_value_to_wire(value, f"{where}, attribute '{name}'") for name, value in obj.items()}


def _csv_items(text: str, table: Table | None, source: str) -> list[dict]:
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise SampleDataError(f"{source}: row 1 must be a header of attribute names (e.g. PK,SK,price:N)")
    columns = [_csv_column(cell, i + 1, source, table) for i, cell in enumerate(rows[0])]
    names = [c[0] for c in columns]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise SampleDataError(f"{source}: row 1 names column(s) {dupes} more than once; name each attribute once")
    items = []
    for r, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(columns):
            raise SampleDataError(f"{source}: row {r} has {len(row)} cells but the header has {len(columns)} "
                                  "columns; quote cells that contain commas")
        item = {}
        for (name, kind), cell in zip(columns, row, strict=True):
            if cell != "":
                item[name] = _csv_cell(cell, kind, f"{source}: row {r}, column '{name}' ({kind})")
        items.append(item)
    return items


def _csv_column(header: str, position: int, source: str, table: Table | None) -> tuple[str, str]:
    name, _, kind = header.strip().partition(":")
    name, kind = name.strip(), kind.strip().upper()
    if not name:
        raise SampleDataError(f"{source}: row 1, column {position} has no attribute name; name every column")
    if kind and kind not in WIRE_TYPES:
        raise SampleDataError(f"{source}: row 1, column {position} '{header}': unknown type '{kind}' "
                              f"(known: {', '.join(WIRE_TYPES)})")
    if not kind:
        kind = table.key_types.get(name, "S") if table is not None else "S"
    return name, kind


def _csv_cell(cell: str, kind: str, where: str) -> dict[str, Any]:
    if kind == "S":
        return {"S": cell}
    if kind == "N":
        if not _NUMBER.match(cell.strip()):
            raise SampleDataError(f"{where}: '{cell}' is not a number; write digits like 42 or 1.5")
        return check_wire_value({"N": cell.strip()}, where)
    if kind == "B":
        return check_wire_value({"B": cell.strip()}, where)
    if kind == "BOOL":
        if cell.strip().lower() not in ("true", "false"):
            raise SampleDataError(f"{where}: '{cell}' is not a boolean; write true or false")
        return {"BOOL": cell.strip().lower() == "true"}
    if kind == "NULL":
        return {"NULL": True}
    try:
        parsed = json.loads(cell)
    except json.JSONDecodeError as exc:
        raise SampleDataError(f"{where}: '{cell[:60]}' is not JSON ({exc.msg}); write {kind} cells as JSON, "
                              "e.g. [\"a\", \"b\"]") from None
    if kind in ("SS", "NS", "BS"):
        if not isinstance(parsed, list):
            raise SampleDataError(f"{where}: a {kind} cell is a JSON list, got {cell[:60]!r}")
        strings = [str(e) if kind != "SS" or isinstance(e, str) else json.dumps(e) for e in parsed]
        return check_wire_value({kind: strings}, where)
    value = plain_value_to_wire(parsed, where)
    if kind not in value:
        raise SampleDataError(f"{where}: a {kind} cell is a JSON {'list' if kind == 'L' else 'object'}, got {cell[:60]!r}")
    return value


def check_table_keys(items: Iterable[Mapping[str, Any]], table: Table, source: str, unit: str = "item") -> None:
    """Every item carries the table's key attributes with the declared key types (S, N or B)."""
    for i, item in enumerate(items, start=2 if unit == "row" else 1):
        for key in (table.partition_key, table.sort_key):
            if key is None:
                continue
            value = item.get(key.name)
            if value is None:
                raise SampleDataError(f"{source}: {unit} {i} has no '{key.name}', a key attribute of table "
                                      f"'{table.name}'; every item needs its primary key")
            if key.type not in value:
                raise SampleDataError(f"{source}: {unit} {i}, attribute '{key.name}' is {next(iter(value))} but table "
                                      f"'{table.name}' declares it {key.type}; give it as {key.type}")
            if key.type in ("S", "B") and value[key.type] == "":
                raise SampleDataError(f"{source}: {unit} {i}, key attribute '{key.name}' is empty; DynamoDB keys "
                                      "need at least 1 byte (DG/ServiceQuotas.html)")


__all__ = [
    "ItemFormat", "SampleDataError", "SampleItem", "check_table_keys", "check_wire_value", "entity_samples",
    "example_value", "generate_items", "generate_samples", "guess_format", "import_items", "import_items_file",
    "items_per_entity", "key_value", "plain_value_to_wire", "primary_key_text", "sample_item_count",
    "typed_value", "value_sizes", "SAMPLE_ITEMS_PER_DESIGN",
]
