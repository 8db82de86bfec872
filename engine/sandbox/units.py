"""Consumed capacity: the unit rounding rules (DOMAIN.md §2) and the ConsumedCapacity wire shape.

All of the sandbox's rounding lives here, in one place, so the measured units can be compared
with the capacity engine's estimates. Sources: DG/read-write-operations.html (4 KB read units,
1 KB write units, EC = half, missing item = minimum), DG/transaction-apis.html (transactional
reads and writes cost 2x on the table; index arms are not doubled, AWS-measured per DOMAIN.md),
DG/GSI.html and DG/LSI.html (index writes sized on the projected entry).

Wire shape (API_ConsumedCapacity.html): TOTAL returns TableName and CapacityUnits (plus
ReadCapacityUnits or WriteCapacityUnits); INDEXES adds a `Table` arm and, per index the
request touched, `GlobalSecondaryIndexes` / `LocalSecondaryIndexes` arms. An index a write
leaves untouched has no arm; a read through an index carries a zero Table arm unless it
fetched from the table (LSI).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

READ_UNIT_BYTES = 4 * 1024  # DG/read-write-operations.html: one read unit = 4 KB
WRITE_UNIT_BYTES = 1024  # DG/read-write-operations.html: one write unit = 1 KB
EVENTUAL_READ_FACTOR = 0.5  # an eventually consistent read costs half
TRANSACTION_FACTOR = 2  # DG/transaction-apis.html: transactional reads/writes cost double
PAGE_BYTES = 1024 * 1024  # DG/Query.html: a Query/Scan page reads at most 1 MB
MIN_UNITS = 1  # a request always consumes at least one (possibly halved) unit

RETURN_CONSUMED_CAPACITY = ("NONE", "TOTAL", "INDEXES")


def read_units(size_bytes: int, consistent: bool, transactional: bool = False) -> float:
    """Read units for `size_bytes` read at once: ceil(size / 4 KB), at least 1; EC halves it."""
    units = max(MIN_UNITS, math.ceil(size_bytes / READ_UNIT_BYTES))
    if transactional:
        return float(units * TRANSACTION_FACTOR)
    return units * (1.0 if consistent else EVENTUAL_READ_FACTOR)


def write_units(size_bytes: int, transactional: bool = False) -> float:
    """Write units for a table write of `size_bytes` (the larger of before/after): ceil(size / 1 KB), at least 1."""
    units = max(MIN_UNITS, math.ceil(size_bytes / WRITE_UNIT_BYTES))
    return float(units * (TRANSACTION_FACTOR if transactional else 1))


def entry_write_units(size_bytes: int) -> int:
    """Write units of one index entry put or delete: ceil(size / 1 KB)."""
    return max(MIN_UNITS, math.ceil(size_bytes / WRITE_UNIT_BYTES))


def index_write_units(old_size: int | None, new_size: int | None, key_moved: bool,
                      entry_changed: bool) -> int:
    """Write units an item write costs one index (DOMAIN.md §2 "Index writes"); 0 = untouched.

    absent->absent 0; absent->present ceil(new); present->absent ceil(old); same key and entry
    changed max(ceil(old), ceil(new)); same key unchanged 0; key moved ceil(old) + ceil(new).
    """
    if old_size is None and new_size is None:
        return 0
    if old_size is None:
        return entry_write_units(new_size)
    if new_size is None:
        return entry_write_units(old_size)
    if key_moved:
        return entry_write_units(old_size) + entry_write_units(new_size)
    if entry_changed:
        return max(entry_write_units(old_size), entry_write_units(new_size))
    return 0


@dataclass
class Consumption:
    """Capacity one request consumed on one table: the table arm and each index arm."""

    table_name: str
    kind: str  # "read" or "write"
    table_units: float = 0.0
    gsi_units: dict[str, float] = field(default_factory=dict)
    lsi_units: dict[str, float] = field(default_factory=dict)

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
            out[f"{self.table_name}#{name}"] = units
        return out

    def to_wire(self, mode: str) -> dict[str, Any] | None:
        """ConsumedCapacity as DynamoDB returns it for ReturnConsumedCapacity=mode."""
        if mode == "NONE":
            return None
        rw = "ReadCapacityUnits" if self.kind == "read" else "WriteCapacityUnits"
        total = self.total_units
        out: dict[str, Any] = {"TableName": self.table_name, "CapacityUnits": total, rw: total}
        if mode != "INDEXES":
            return out
        out["Table"] = {"CapacityUnits": self.table_units, rw: self.table_units}
        if self.gsi_units:
            out["GlobalSecondaryIndexes"] = {n: {"CapacityUnits": u, rw: u} for n, u in self.gsi_units.items()}
        if self.lsi_units:
            out["LocalSecondaryIndexes"] = {n: {"CapacityUnits": u, rw: u} for n, u in self.lsi_units.items()}
        return out


def consumed_list(consumptions: dict[str, Consumption], mode: str) -> list[dict[str, Any]] | None:
    """The list form batch and transaction responses use (one entry per table)."""
    if mode == "NONE":
        return None
    return [c.to_wire(mode) for c in consumptions.values()]
