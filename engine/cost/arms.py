"""What an access pattern's requests cost on each table their arms land on, by kind (reads, table writes,
index writes, replicated writes), at the table's billing mode, class and replica regions (DOMAIN.md §2-3).

This is a pattern's *demand*: its traffic priced at the unit prices of the tables it touches (provisioned
capacity at the table's target utilization). What the pattern is *billed* is its share of what its
tables actually pay (engine.cost.allocation).
"""

from __future__ import annotations

from collections.abc import Sequence

from engine.capacity import Arm, split_target
from engine.cost.rates import (
    Load,
    capacity_for_load,
    on_demand_monthly_usd,
    provisioned_monthly_usd,
    replica_writes_monthly_usd,
)
from engine.cost.tables import gsi_targets, replica_count, target_utilization
from engine.model import DataModel, Table
from engine.pricing import PriceCatalog

COST_KINDS = ("reads", "writes", "index writes", "replication")
"""The kinds a pattern's money is split into (storage and idle capacity belong to tables)."""

CostParts = dict[str, float]
"""Monthly USD by kind (COST_KINDS)."""


def cost_basis(table: Table) -> str:
    """How a table's requests are priced, in words: on-demand requests or provisioned capacity at N%."""
    if table.billing.mode == "on_demand":
        return "on_demand requests"
    return f"provisioned capacity at {target_utilization(table):.0%} utilization"


def _price(table: Table, load: Load, catalog: PriceCatalog, hours: float) -> float:
    """Monthly cost of a load at the table's billing: request units on-demand, capacity at the target otherwise."""
    if table.billing.mode == "on_demand":
        return on_demand_monthly_usd(load, catalog, table.table_class, hours)
    need = capacity_for_load(load, target_utilization(table))
    return provisioned_monthly_usd(need.read_units_per_second, need.write_units_per_second, catalog,
                                   table.table_class, hours)


def arm_costs(table: Table, arms: Sequence[Arm], rps: float, catalog: PriceCatalog, hours: float) -> CostParts:
    """Monthly cost by kind of a pattern's arms on one table at `rps` requests per second.

    Home region: a global table's own (and LSI) writes are replicated write units, its GSI writes ordinary
    ones; the other replica regions pay the same writes again (engine.cost.rates.home_write_units_per_second).
    """
    gsis = gsi_targets(table)
    reads = sum(a.read_units_per_request for a in arms) * rps
    base_w = sum(a.write_units_per_request for a in arms if a.target == table.name) * rps
    lsi_w = sum(a.write_units_per_request for a in arms if a.target != table.name and a.target not in gsis) * rps
    gsi_w = sum(a.write_units_per_request for a in arms if a.target in gsis) * rps
    factor = catalog.replicated_write_price_multiplier if table.global_table is not None else 1.0
    provisioned = table.billing.mode != "on_demand"
    replication = replica_writes_monthly_usd(base_w + lsi_w, gsi_w, replica_count(table) - 1, catalog,
                                             table.table_class, hours, provisioned=provisioned,
                                             target_utilization=target_utilization(table) if provisioned else 1.0)
    return {"reads": _price(table, Load(reads, 0.0), catalog, hours),
            "writes": _price(table, Load(0.0, factor * base_w), catalog, hours),
            "index writes": _price(table, Load(0.0, factor * lsi_w + gsi_w), catalog, hours),
            "replication": replication}


def pattern_costs(model: DataModel, arms: Sequence[Arm], rps: float, catalog: PriceCatalog,
                  hours: float) -> dict[str, CostParts]:
    """A pattern's demand by table and kind: each arm priced by the table it lands on (a transaction may span
    tables); table names have no '#', so an arm's table is its target up to the first '#'."""
    by_table: dict[str, list[Arm]] = {}
    for arm in arms:
        by_table.setdefault(split_target(arm.target)[0], []).append(arm)
    return {name: arm_costs(model.table(name), table_arms, rps, catalog, hours)
            for name, table_arms in by_table.items()}
