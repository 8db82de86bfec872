"""What a table bills per month: provisioned capacity (fixed or auto scaled), reservations, replicas, storage,
and the account's free tier (DOMAIN.md §3-4; conventions in engine.cost.rates)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from engine.capacity import target_name
from engine.cost.rates import (
    DEFAULT_TARGET_UTILIZATION,
    STANDARD,
    Load,
    capacity_for_load,
    free_tier_split,
    home_write_units_per_second,
    on_demand_monthly_usd,
    provisioned_monthly_usd,
    provisioned_with_reservation_usd,
    replica_writes_monthly_usd,
    storage_monthly_usd,
)
from engine.model import ProvisionedBilling, ProvisionedThroughput, Table
from engine.pricing import BYTES_PER_GB, PriceCatalog


def replica_count(table: Table) -> int:
    """Regions that hold the table: the global table's regions, else 1."""
    return len(table.global_table.regions) if table.global_table is not None else 1


def target_utilization(table: Table) -> float:
    """Consumed / provisioned that auto scaling tracks (the table's target, else DEFAULT_TARGET_UTILIZATION)."""
    scaling = getattr(table.billing, "auto_scaling", None)
    return scaling.target_utilization if scaling is not None else DEFAULT_TARGET_UTILIZATION


def gsi_targets(table: Table) -> frozenset[str]:
    return frozenset(target_name(table.name, g.name) for g in table.gsis)


def write_split(table: Table, loads: Mapping[str, Load]) -> tuple[float, float]:
    """(table + LSI write units/s, GSI write units/s): global tables bill them at different prices."""
    gsis = gsi_targets(table)
    gsi = sum(load.write_units_per_second for t, load in loads.items() if t in gsis)
    return sum(load.write_units_per_second for t, load in loads.items() if t not in gsis), gsi


def total_load(loads: Mapping[str, Load]) -> Load:
    total = Load()
    for load in loads.values():
        total = total + load
    return total


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def _group_capacity(consumed: Load, provisioned: ProvisionedBilling | ProvisionedThroughput, target: float) -> Load:
    """Provisioned capacity of a table (or GSI): fixed, or auto scaling tracking load / target within bounds."""
    scaling = provisioned.auto_scaling
    if scaling is None:
        return Load(provisioned.read_capacity_units, provisioned.write_capacity_units)
    need = capacity_for_load(consumed, target)
    return Load(_clamp(need.read_units_per_second, scaling.min_read_capacity_units, scaling.max_read_capacity_units),
                _clamp(need.write_units_per_second, scaling.min_write_capacity_units,
                       scaling.max_write_capacity_units))


def provisioned_capacities(table: Table, loads: Mapping[str, Load]) -> tuple[Load, dict[str, Load]]:
    """Capacity of the table (its own arm + LSI arms, which share it) and of each GSI."""
    target = target_utilization(table)
    gsis = {target_name(table.name, g.name): g for g in table.gsis}
    table_cap = _group_capacity(total_load({t: load for t, load in loads.items() if t not in gsis}),
                                table.billing, target)
    gsi_caps = {}
    for tname, gsi in gsis.items():
        if gsi.provisioned is None:
            gsi_caps[tname] = capacity_for_load(loads.get(tname, Load()), target)
        else:
            scaling_target = gsi.provisioned.auto_scaling.target_utilization if gsi.provisioned.auto_scaling else target
            gsi_caps[tname] = _group_capacity(loads.get(tname, Load()), gsi.provisioned, scaling_target)
    return table_cap, gsi_caps


@dataclass(frozen=True, kw_only=True)
class ClassCost:
    """A table's monthly bill under one table class (before the free tier)."""

    throughput: float
    storage: float
    replication: float
    capacity: Load | None
    """Provisioned capacity of the table and its GSIs together (None on-demand)."""


def class_cost(table: Table, table_class: str, loads: Mapping[str, Load], storage_bytes: float,
               catalog: PriceCatalog, hours: float) -> ClassCost:
    """Throughput, storage and replication a table pays per month under `table_class` for its target loads."""
    replicas = replica_count(table)
    global_table = table.global_table is not None
    storage = storage_monthly_usd(storage_bytes, catalog, table_class, replicas)
    if table.billing.mode == "on_demand":
        table_w, gsi_w = write_split(table, loads)
        billed = Load(total_load(loads).read_units_per_second,
                      home_write_units_per_second(table_w, gsi_w, catalog, global_table))
        throughput = on_demand_monthly_usd(billed, catalog, table_class, hours)
        replication = replica_writes_monthly_usd(table_w, gsi_w, replicas - 1, catalog, table_class, hours,
                                                 provisioned=False)
        return ClassCost(throughput=throughput, storage=storage, replication=replication, capacity=None)
    table_cap, gsi_caps = provisioned_capacities(table, loads)
    reserved_read = table.billing.reserved_read_capacity_units if table_class == STANDARD else 0
    # reserved capacity does not cover replicated write units (DOMAIN.md §3): a global table's own writes
    reserved_write = table.billing.reserved_write_capacity_units if table_class == STANDARD and not global_table else 0
    table_write = home_write_units_per_second(table_cap.write_units_per_second, 0.0, catalog, global_table)
    throughput = provisioned_with_reservation_usd(table_cap.read_units_per_second, table_write,
                                                  reserved_read, reserved_write, catalog, table_class, hours)
    all_cap = table_cap
    for cap in gsi_caps.values():
        throughput += provisioned_monthly_usd(cap.read_units_per_second, cap.write_units_per_second, catalog,
                                              table_class, hours)
        all_cap = all_cap + cap
    # replicas provision the same write capacity: the table's at the replicated write price, GSIs' at the write price
    gsi_write = sum(cap.write_units_per_second for cap in gsi_caps.values())
    replication = replica_writes_monthly_usd(table_cap.write_units_per_second, gsi_write, replicas - 1, catalog,
                                             table_class, hours, provisioned=True)
    return ClassCost(throughput=throughput, storage=storage, replication=replication, capacity=all_cap)


class FreeTierShare(NamedTuple):
    """What the free tier covers of one table's bill (USD per month)."""

    throughput_usd: float
    storage_usd: float


def free_tier_usd(tables: Sequence[tuple[Table, float, ClassCost]], catalog: PriceCatalog,
                  hours: float) -> list[FreeTierShare]:
    """Throughput and storage USD the free tier covers per (table, stored bytes, Standard-class cost), in order:
    Standard class only, provisioned RCU/WCU and storage, taken by the tables in design order."""
    standard = [(t, stored, cost) for t, stored, cost in tables if t.table_class == STANDARD]
    gb = free_tier_split([stored / BYTES_PER_GB for _, stored, _ in standard], catalog.free_tier_storage_gb)
    caps = [cost.capacity or Load() for _, _, cost in standard]
    rcu = free_tier_split([c.read_units_per_second for c in caps], catalog.free_tier_rcu)
    wcu = free_tier_split([c.write_units_per_second for c in caps], catalog.free_tier_wcu)
    by_table = {}
    for (t, _, _), g, r, w in zip(standard, gb, rcu, wcu, strict=True):
        by_table[t.name] = FreeTierShare(throughput_usd=provisioned_monthly_usd(r, w, catalog, STANDARD, hours),
                                         storage_usd=g * catalog.storage_usd_per_gb_month(STANDARD))
    none = FreeTierShare(throughput_usd=0.0, storage_usd=0.0)
    return [by_table.get(t.name, none) for t, _, _ in tables]
