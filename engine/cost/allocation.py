"""Each table's monthly request bill shared out to the access patterns that cause it, so that pattern rows,
idle capacity and storage add up to the design's total (one number on every page, chart and CLI output).

An on-demand table bills exactly its patterns' demand, so the shares equal the demand. A provisioned table
bills the capacity it holds (fixed, auto scaled within bounds, reserved blocks), not its traffic: its bill
is split in proportion to each pattern's demand on it, and a provisioned table that no pattern uses shows
the whole bill as idle capacity. The free tier, when on, lowers the bills and so the shares.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from engine.cost.arms import CostParts

TOLERANCE_USD = 1e-6
"""Demand or bills below this are treated as none (float noise, not money)."""


def allocate(demands: Sequence[Mapping[str, CostParts]],
             bills: Mapping[str, float]) -> tuple[list[dict[str, CostParts]], dict[str, float]]:
    """(billed parts per pattern: table -> kind -> USD, idle capacity USD per table).

    `demands` holds each pattern's demand by table and kind; `bills` each table's request bill (throughput +
    replication, after the free tier). Shares of a table use one scale, bill / total demand on the table.
    """
    on_table: dict[str, float] = {}
    for demand in demands:
        for table, parts in demand.items():
            on_table[table] = on_table.get(table, 0.0) + sum(parts.values())
    scales, idle = {}, {}
    for table, bill in bills.items():
        traffic = on_table.get(table, 0.0)
        scales[table] = bill / traffic if traffic > TOLERANCE_USD else 1.0
        if traffic <= TOLERANCE_USD and bill > TOLERANCE_USD:
            idle[table] = bill
    billed = [{table: {kind: usd * scales.get(table, 1.0) for kind, usd in parts.items()}
               for table, parts in demand.items()} for demand in demands]
    return billed, idle
