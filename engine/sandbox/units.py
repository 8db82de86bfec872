"""Consumed capacity: the unit rounding rules (DOMAIN.md §2) and the ConsumedCapacity wire shape.

The rounding itself is engine.capacity's unit functions (one implementation of the rules),
so the measured units and the capacity engine's estimates cannot drift apart. Sources: DG/read-write-operations.html (4 KB read units,
1 KB write units, EC = half, missing item = minimum), DG/transaction-apis.html (transactional
reads and writes cost 2x on the table; index arms are not doubled, AWS-measured per DOMAIN.md),
DG/GSI.html and DG/LSI.html (index writes sized on the projected entry).

Wire shape (API_ConsumedCapacity.html): TOTAL returns TableName and CapacityUnits; INDEXES adds
a `Table` arm and, per index the request touched, `GlobalSecondaryIndexes` /
`LocalSecondaryIndexes` arms. Only transactions (TransactWriteItems, TransactGetItems) also split
ReadCapacityUnits / WriteCapacityUnits, top-level and per arm; single-item, Query, Scan and batch
operations return CapacityUnits alone (characterised against real DynamoDB by the
paritysuite/dynamodb-conformance suite, issue #69, and ExtendDB PR #212). An index a write
leaves untouched has no arm; a read through an index carries a zero Table arm unless it
fetched from the table (LSI).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine import capacity

PAGE_BYTES = capacity.QUERY_PAGE_BYTES  # DG/Query.html: a Query/Scan page reads at most 1 MB

RETURN_CONSUMED_CAPACITY = ("NONE", "TOTAL", "INDEXES")


def read_units(size_bytes: int, consistent: bool, transactional: bool = False) -> float:
    """Read units for `size_bytes` read at once: ceil(size / 4 KB), at least 1; EC halves, transactions double."""
    consistency = "transactional" if transactional else ("strong" if consistent else "eventual")
    return capacity.read_units(size_bytes, consistency)


def write_units(size_bytes: int, transactional: bool = False) -> float:
    """Write units for a table write of `size_bytes` (the larger of before/after): ceil(size / 1 KB), at least 1."""
    return capacity.write_units(size_bytes, None, transactional)


def index_write_units(old_size: int | None, new_size: int | None, key_moved: bool,
                      entry_changed: bool) -> float:
    """Write units an item write costs one index (DOMAIN.md §2 "Index writes"); 0 = untouched.

    absent->absent 0; absent->present ceil(new); present->absent ceil(old); same key and entry
    changed max(ceil(old), ceil(new)); same key unchanged 0; key moved ceil(old) + ceil(new).
    """
    return capacity.index_write_units(old_size, new_size, key_moved, entry_changed)


@dataclass
class Consumption:
    """Capacity one request consumed on one table: the table arm and each index arm."""

    table_name: str
    kind: str  # "read" or "write"
    table_units: float = 0.0
    gsi_units: dict[str, float] = field(default_factory=dict)
    lsi_units: dict[str, float] = field(default_factory=dict)
    transactional: bool = False  # transactions report the read/write split too

    @property
    def total_units(self) -> float:
        return self.table_units + sum(self.gsi_units.values()) + sum(self.lsi_units.values())

    def add_index(self, name: str, local: bool, units: float) -> None:
        arms = self.lsi_units if local else self.gsi_units
        arms[name] = arms.get(name, 0.0) + units

    def merge(self, other: Consumption) -> None:
        self.table_units += other.table_units
        for name, units in other.gsi_units.items():
            self.add_index(name, False, units)
        for name, units in other.lsi_units.items():
            self.add_index(name, True, units)

    def arms(self) -> dict[str, float]:
        """Units per target: "<table>" and "<table>#<index>" (the workbench's naming)."""
        out = {self.table_name: self.table_units}
        for name, units in (*self.gsi_units.items(), *self.lsi_units.items()):
            out[capacity.target_name(self.table_name, name)] = units
        return out

    def to_wire(self, mode: str) -> dict[str, Any] | None:
        """ConsumedCapacity as DynamoDB returns it for ReturnConsumedCapacity=mode."""
        if mode == "NONE":
            return None
        out: dict[str, Any] = {"TableName": self.table_name, **self._capacity(self.total_units)}
        if mode != "INDEXES":
            return out
        out["Table"] = self._capacity(self.table_units)
        if self.gsi_units:
            out["GlobalSecondaryIndexes"] = {n: self._capacity(u) for n, u in self.gsi_units.items()}
        if self.lsi_units:
            out["LocalSecondaryIndexes"] = {n: self._capacity(u) for n, u in self.lsi_units.items()}
        return out

    def _capacity(self, units: float) -> dict[str, float]:
        if not self.transactional:
            return {"CapacityUnits": units}
        split = "ReadCapacityUnits" if self.kind == "read" else "WriteCapacityUnits"
        return {"CapacityUnits": units, split: units}


def consumed_list(consumptions: dict[str, Consumption], mode: str) -> list[dict[str, Any]] | None:
    """The list form batch and transaction responses use (one entry per table)."""
    if mode == "NONE":
        return None
    return [c.to_wire(mode) for c in consumptions.values()]
