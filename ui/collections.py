"""Item collection views: sample items flattened into display rows, per table or per index facet.

The aggregate view lists a table's items grouped by partition key (an item collection) and sorted
by sort key, as NoSQL Workbench's visualizer does; a facet shows one entity, or the entries a
secondary index holds (only items carrying the index's partition key appear there).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from engine.itemsize import item_size_bytes
from engine.model import DataModel

VALUE_PREVIEW_CHARS = 48  # long generated values are cut for the grid; sizes are computed on the full item
MAX_ROWS = 1000


def scalar_text(value: dict[str, Any] | None) -> str:
    """A DynamoDB JSON value as short display text ({"S": "x"} -> x; {"N": "5"} -> 5)."""
    if not value:
        return ""
    ((kind, inner),) = value.items()
    if kind in ("S", "N", "B"):
        text = str(inner)
    elif kind == "BOOL":
        text = "true" if inner else "false"
    elif kind == "NULL":
        text = "null"
    elif kind in ("SS", "NS", "BS"):
        text = "{" + ", ".join(str(v) for v in inner) + "}"
    elif kind == "L":
        text = f"[{len(inner)} elements]"
    else:
        text = f"{{{len(inner)} attributes}}"
    return text if len(text) <= VALUE_PREVIEW_CHARS else text[:VALUE_PREVIEW_CHARS - 1] + "…"


def facet_keys(model: DataModel, table_name: str, index: str | None) -> tuple[str, str | None]:
    """Partition and sort key attribute names of the table (index None) or one of its indexes."""
    pk, sk = model.table(table_name).index_keys(index)
    return pk.name, sk.name if sk is not None else None


def collection_rows(model: DataModel, samples: dict[str, list[Any]], table_name: str,
                    index: str | None = None, entity: str | None = None) -> list[dict[str, Any]]:
    """Display rows of one table or index facet: keys first, then entity, size and the other attributes."""
    pk, sk = facet_keys(model, table_name, index)
    projected = _projected(model, table_name, index)
    rows = []
    for sample in samples.get(table_name, []):
        if entity is not None and sample.entity != entity:
            continue
        if pk not in sample.item or (index is not None and sk is not None and sk not in sample.item):
            continue  # an item without the index key is not in the (sparse) index
        row: dict[str, Any] = {pk: scalar_text(sample.item.get(pk))}
        if sk is not None:
            row[sk] = scalar_text(sample.item.get(sk))
        row["entity"] = sample.entity
        row["size (bytes)"] = item_size_bytes(sample.item)
        for name, value in sample.item.items():
            if name not in row and (projected is None or name in projected):
                row[name] = scalar_text(value)
        rows.append(row)
    rows.sort(key=lambda r: (r[pk], r.get(sk, "") if sk else ""))
    return _rectangular(rows[:MAX_ROWS])


def _rectangular(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every row with every column: an attribute an item does not carry shows blank, not 'None' (which
    reads like DynamoDB's NULL type)."""
    columns = list(dict.fromkeys(name for row in rows for name in row))
    return [{name: row.get(name, "") for name in columns} for row in rows]


def _projected(model: DataModel, table_name: str, index: str | None) -> set[str] | None:
    """Attributes an index entry carries (None: every attribute, for the table and ALL projections)."""
    if index is None:
        return None
    table = model.table(table_name)
    idx = table.index(index)
    if idx is None or idx.projection.type == "ALL":
        return None
    keys = set(table.key_names) | set(facet_keys(model, table_name, index)) - {None}
    return keys | set(idx.projection.attributes)


class CollectionSize(NamedTuple):
    """One item collection of the shown rows: its partition key value, its items and their total bytes."""

    partition_key: str
    items: int
    bytes: int


def collection_sizes(rows: list[dict[str, Any]], pk: str) -> list[CollectionSize]:
    """Partition key, items and total bytes of each item collection in the rows, largest first."""
    totals: dict[str, list[int]] = {}
    for row in rows:
        entry = totals.setdefault(row[pk], [0, 0])
        entry[0] += 1
        entry[1] += int(row["size (bytes)"])
    return sorted((CollectionSize(partition_key=k, items=n, bytes=b) for k, (n, b) in totals.items()),
                  key=lambda c: (-c.bytes, c.partition_key))
