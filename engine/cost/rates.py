"""Prices of a load: requests per access pattern, throughput, storage and replication, billing mode and
table class comparisons (DOMAIN.md §3; prices from engine.pricing catalogs).

Money is float USD, never rounded here. Conventions (stated to the user as assumptions):
- on-demand: units consumed x price per unit; a pattern's cost is its request cost at its average
  rate, without free tier;
- provisioned: a pattern's cost is the capacity it needs at the table's target utilization
  (auto scaling target, else DEFAULT_TARGET_UTILIZATION) priced per unit-hour, linear in its rate;
  the table pays what it provisions (fixed) or what auto scaling tracks (average load / target,
  within the auto scaling bounds); reserved units are paid whether used or not;
- LSIs consume the table's capacity; GSIs have their own (same prices);
- global tables: every write to the table (and its LSIs) is billed in replicated write units, in the
  region written directly and again in every other replica region; GSI updates are local writes at
  the ordinary write price, paid in every region; every region stores the table and its indexes;
- free tier (toggle): 25 GB storage and 25 RCU + 25 WCU provisioned per account, Standard class
  only, taken by the tables in design order; on-demand requests have no free tier.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from engine.pricing import BYTES_PER_GB, RESERVED_BLOCK_UNITS, PriceCatalog

SECONDS_PER_HOUR = 3600
DEFAULT_TARGET_UTILIZATION = 0.7   # DOMAIN.md §4: auto scaling commonly tracks 70%
STANDARD = "STANDARD"
STANDARD_IA = "STANDARD_INFREQUENT_ACCESS"
# AWS's rule of thumb (DOMAIN.md §3): consider Standard-IA when storage exceeds ~50% of throughput cost.
IA_STORAGE_SHARE_THRESHOLD = 0.5


def seconds_per_month(hours_per_month: float) -> float:
    return hours_per_month * SECONDS_PER_HOUR


@dataclass(frozen=True)
class Load:
    """Average consumption of a target set: read units and write units per second."""

    read_units_per_second: float = 0.0
    write_units_per_second: float = 0.0

    def __add__(self, other: Load) -> Load:
        return Load(self.read_units_per_second + other.read_units_per_second,
                    self.write_units_per_second + other.write_units_per_second)

    def scaled(self, factor: float) -> Load:
        return Load(self.read_units_per_second * factor, self.write_units_per_second * factor)


def on_demand_monthly_usd(load: Load, catalog: PriceCatalog, table_class: str, hours_per_month: float) -> float:
    """Request cost of a load on an on-demand table (read and write request units x price)."""
    seconds = seconds_per_month(hours_per_month)
    return seconds * (load.read_units_per_second * catalog.on_demand_read_usd_per_unit(table_class)
                      + load.write_units_per_second * catalog.on_demand_write_usd_per_unit(table_class))


def provisioned_monthly_usd(read_capacity_units: float, write_capacity_units: float, catalog: PriceCatalog,
                            table_class: str, hours_per_month: float) -> float:
    """Provisioned capacity cost: units x unit-hour price x hours."""
    return hours_per_month * (read_capacity_units * catalog.rcu_hour_usd(table_class)
                              + write_capacity_units * catalog.wcu_hour_usd(table_class))


def capacity_for_load(load: Load, target_utilization: float) -> Load:
    """Capacity that serves a load at a target utilization (consumed / provisioned)."""
    return load.scaled(1.0 / target_utilization)


def replicated_write_monthly_usd(write_units_per_second: float, other_regions: int, catalog: PriceCatalog,
                                 table_class: str, hours_per_month: float, provisioned: bool,
                                 target_utilization: float = 1.0) -> float:
    """Replicated writes: each write is paid again in every other replica region (DG/global-tables-billing.html)."""
    if other_regions <= 0 or write_units_per_second <= 0:
        return 0.0
    factor = catalog.replicated_write_price_multiplier * other_regions
    if provisioned:
        return factor * write_units_per_second / target_utilization * catalog.wcu_hour_usd(table_class) * hours_per_month
    return factor * write_units_per_second * seconds_per_month(hours_per_month) * \
        catalog.on_demand_write_usd_per_unit(table_class)


def home_write_units_per_second(table_write_units_per_second: float, gsi_write_units_per_second: float,
                                catalog: PriceCatalog, global_table: bool) -> float:
    """Write units of the home region expressed at the ordinary write price.

    In a global table every write to the table is billed in replicated write units, in the region
    written directly as in the replicas ("rWCU and rWRU charges are incurred in every Region where the
    item is written directly or written through replication"); GSI updates are local writes billed in
    ordinary write units (prescriptive-guidance/latest/dynamodb-global-tables/faq.html,
    DG/global-tables-billing.html). LSI writes are part of the table's write and follow it.
    """
    factor = catalog.replicated_write_price_multiplier if global_table else 1.0
    return factor * table_write_units_per_second + gsi_write_units_per_second


def replica_writes_monthly_usd(table_write_units_per_second: float, gsi_write_units_per_second: float,
                               other_regions: int, catalog: PriceCatalog, table_class: str,
                               hours_per_month: float, provisioned: bool, target_utilization: float = 1.0) -> float:
    """Writes paid in the other replica regions of a global table: the table's (and LSIs') writes at the
    replicated write price, the GSIs' writes at the ordinary write price (GSI updates are local writes;
    same sources as home_write_units_per_second)."""
    if other_regions <= 0:
        return 0.0
    table = replicated_write_monthly_usd(table_write_units_per_second, other_regions, catalog, table_class,
                                         hours_per_month, provisioned, target_utilization)
    if provisioned:
        index = provisioned_monthly_usd(0.0, gsi_write_units_per_second / target_utilization, catalog, table_class,
                                        hours_per_month)
    else:
        index = on_demand_monthly_usd(Load(0.0, gsi_write_units_per_second), catalog, table_class, hours_per_month)
    return table + other_regions * index


def storage_monthly_usd(storage_bytes: float, catalog: PriceCatalog, table_class: str, replicas: int = 1) -> float:
    """Storage cost: GB-month price of the table class x GB x replica regions."""
    return storage_bytes / BYTES_PER_GB * catalog.storage_usd_per_gb_month(table_class) * replicas


def reserved_units_bought(units: float) -> float:
    """Units actually reserved for a wish of `units`: whole blocks of 100 (awslabs/amazon-dynamodb-tools)."""
    return math.ceil(units / RESERVED_BLOCK_UNITS - 1e-9) * RESERVED_BLOCK_UNITS


def reserved_monthly_usd(read_units: float, write_units: float, catalog: PriceCatalog, hours_per_month: float) -> float:
    """Reserved capacity bought in blocks of 100 units: upfront spread over the term + hourly."""
    read_blocks = reserved_units_bought(read_units)
    write_blocks = reserved_units_bought(write_units)
    return (read_blocks * catalog.reserved_rcu_month_usd_per_unit(hours_per_month)
            + write_blocks * catalog.reserved_wcu_month_usd_per_unit(hours_per_month))


def provisioned_with_reservation_usd(read_capacity: float, write_capacity: float, reserved_read: float,
                                     reserved_write: float, catalog: PriceCatalog, table_class: str,
                                     hours_per_month: float) -> float:
    """Provisioned capacity with part of it reserved: reserved blocks + the rest at the hourly price.

    The blocks bought (whole 100s) are what covers capacity, so 150 reserved RCU pay and cover 200.
    """
    reserved = reserved_monthly_usd(reserved_read, reserved_write, catalog, hours_per_month)
    covered_read, covered_write = reserved_units_bought(reserved_read), reserved_units_bought(reserved_write)
    rest = provisioned_monthly_usd(max(0.0, read_capacity - covered_read), max(0.0, write_capacity - covered_write),
                                   catalog, table_class, hours_per_month)
    return reserved + rest


def break_even_utilization(catalog: PriceCatalog, kind: str, table_class: str = STANDARD) -> float:
    """Average utilization above which provisioned capacity is cheaper than on-demand for the same load.

    Provisioned pays C units every hour; on-demand pays only consumed units: equal when
    consumed / C = unit-hour price / (3,600 x on-demand price per unit) (~29% now, ~14% before 2024-11).
    """
    if kind == "read":
        hourly, per_unit = catalog.rcu_hour_usd(table_class), catalog.on_demand_read_usd_per_unit(table_class)
    else:
        hourly, per_unit = catalog.wcu_hour_usd(table_class), catalog.on_demand_write_usd_per_unit(table_class)
    return hourly / (SECONDS_PER_HOUR * per_unit) if per_unit > 0 else math.inf


def reserved_break_even_utilization(catalog: PriceCatalog, kind: str, hours_per_month: float) -> float:
    """Average utilization of reserved capacity above which it beats on-demand for the same load."""
    if kind == "read":
        monthly, per_unit = catalog.reserved_rcu_month_usd_per_unit(hours_per_month), catalog.on_demand_read_usd_per_unit()
    else:
        monthly, per_unit = catalog.reserved_wcu_month_usd_per_unit(hours_per_month), catalog.on_demand_write_usd_per_unit()
    return monthly / (seconds_per_month(hours_per_month) * per_unit) if per_unit > 0 else math.inf


@dataclass(frozen=True, kw_only=True)
class BillingComparison:
    """The same average load priced as on-demand, auto-scaled provisioned, fixed-for-peak and reserved."""

    on_demand_monthly_usd: float
    provisioned_monthly_usd: float
    """Auto scaling tracking the average load at `target_utilization`."""
    provisioned_for_peak_monthly_usd: float
    """Fixed capacity sized for the peak load at `target_utilization`."""
    reserved_monthly_usd: float | None
    """The auto-scaled average capacity reserved (100-unit blocks; a global table's writes stay hourly, replicated
    writes cannot be reserved); None for Standard-IA (not offered)."""
    target_utilization: float
    read_break_even_utilization: float
    write_break_even_utilization: float
    reserved_read_break_even_utilization: float
    reserved_write_break_even_utilization: float
    recommended: str
    """"on_demand", "provisioned" or "reserved": the cheapest of the three for this load."""


def compare_billing(average: Load, peak: Load, catalog: PriceCatalog, table_class: str, hours_per_month: float,
                    target_utilization: float, *, reservable_writes: bool = True) -> BillingComparison:
    """Price one load under each billing option and pick the cheapest.

    `reservable_writes=False` (a global table: its writes are replicated write units, which reserved
    capacity does not cover, DOMAIN.md §3) reserves the reads only and prices the writes per hour.
    """
    od = on_demand_monthly_usd(average, catalog, table_class, hours_per_month)
    avg_cap = capacity_for_load(average, target_utilization)
    peak_cap = capacity_for_load(peak, target_utilization)
    prov = provisioned_monthly_usd(avg_cap.read_units_per_second, avg_cap.write_units_per_second, catalog,
                                   table_class, hours_per_month)
    prov_peak = provisioned_monthly_usd(peak_cap.read_units_per_second, peak_cap.write_units_per_second, catalog,
                                        table_class, hours_per_month)
    reserved = None
    if table_class == STANDARD and reservable_writes:
        reserved = reserved_monthly_usd(avg_cap.read_units_per_second, avg_cap.write_units_per_second, catalog,
                                        hours_per_month)
    elif table_class == STANDARD:
        reserved = reserved_monthly_usd(avg_cap.read_units_per_second, 0.0, catalog, hours_per_month) + \
            provisioned_monthly_usd(0.0, avg_cap.write_units_per_second, catalog, table_class, hours_per_month)
    options = {"on_demand": od, "provisioned": prov}
    if reserved is not None:
        options["reserved"] = reserved
    return BillingComparison(
        on_demand_monthly_usd=od, provisioned_monthly_usd=prov, provisioned_for_peak_monthly_usd=prov_peak,
        reserved_monthly_usd=reserved, target_utilization=target_utilization,
        read_break_even_utilization=break_even_utilization(catalog, "read", table_class),
        write_break_even_utilization=break_even_utilization(catalog, "write", table_class),
        reserved_read_break_even_utilization=reserved_break_even_utilization(catalog, "read", hours_per_month),
        reserved_write_break_even_utilization=reserved_break_even_utilization(catalog, "write", hours_per_month),
        recommended=min(options, key=options.__getitem__))


@dataclass(frozen=True, kw_only=True)
class TableClassComparison:
    """Throughput + storage (+ replication) of a table under each table class, with a recommendation."""

    standard_monthly_usd: float
    standard_ia_monthly_usd: float
    storage_share_of_throughput: float | None
    """Standard-class storage cost / throughput cost (AWS: consider Standard-IA above ~0.5); None without throughput."""
    recommended: str
    reason: str


def compare_table_classes(standard_monthly: float, standard_ia_monthly: float, standard_storage_usd: float,
                          standard_throughput_usd: float) -> TableClassComparison:
    """Standard vs Standard-IA for one table, each priced in full (IA: requests x ~1.25, cheaper storage,
    no reserved capacity); recommends the cheaper one."""
    share = standard_storage_usd / standard_throughput_usd if standard_throughput_usd > 0 else None
    recommended = STANDARD_IA if standard_ia_monthly < standard_monthly else STANDARD
    if share is None:
        ratio = "no throughput cost"
    else:
        ratio = f"storage is {'under 1%' if 0 < share < 0.005 else f'{share:.0%}'} of throughput cost"
    rule = "above" if share is None or share > IA_STORAGE_SHARE_THRESHOLD else "below"
    difference = standard_ia_monthly - standard_monthly
    change = (f"{usd_text(difference)} more" if difference > 0 else
              f"{usd_text(-difference)} less" if difference < 0 else "the same")
    reason = (f"{ratio} ({rule} AWS's ~{IA_STORAGE_SHARE_THRESHOLD:.0%} rule of thumb); Standard-IA would cost "
              f"{change}")
    return TableClassComparison(
        standard_monthly_usd=standard_monthly, standard_ia_monthly_usd=standard_ia_monthly,
        storage_share_of_throughput=share, recommended=recommended, reason=reason)


SMALL_USD = 0.01  # below a cent, messages keep two significant digits instead of showing $0.00


def usd_text(value: float, per: str | None = "month", signed: bool = False) -> str:
    """Money for a person in a message: $13,323.63/month, -$4.10/month (signed: +$103.94/month), $0.0042/month.

    Only message strings use it; figures in data fields stay unrounded floats.
    """
    sign = "-" if value < 0 else ("+" if signed and value > 0 else "")
    amount = abs(value)
    digits = f"{amount:.2g}" if 0 < amount < SMALL_USD else f"{amount:,.2f}"
    return f"{sign}${digits}" + (f"/{per}" if per else "")


def free_tier_split(demands: Iterable[float], allowance: float) -> list[float]:
    """Share an account-wide free allowance among consumers in order: what each one gets free."""
    free: list[float] = []
    left = allowance
    for demand in demands:
        take = min(max(demand, 0.0), left)
        free.append(take)
        left -= take
    return free


__all__ = [
    "DEFAULT_TARGET_UTILIZATION", "IA_STORAGE_SHARE_THRESHOLD", "STANDARD", "STANDARD_IA", "BillingComparison", "Load",
    "TableClassComparison", "break_even_utilization", "capacity_for_load", "compare_billing",
    "compare_table_classes", "free_tier_split", "on_demand_monthly_usd", "provisioned_monthly_usd",
    "home_write_units_per_second", "provisioned_with_reservation_usd", "replica_writes_monthly_usd", "reserved_units_bought",
    "replicated_write_monthly_usd", "reserved_break_even_utilization",
    "reserved_monthly_usd", "seconds_per_month", "storage_monthly_usd", "usd_text",
]
