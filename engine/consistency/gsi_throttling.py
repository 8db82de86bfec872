"""GSI throttling: how much of the time a GSI's propagation runs slow, from the design or the heat simulator.

DOMAIN.md §5: GSI lag grows with a throttled or under-provisioned GSI (repost.aws knowledge-center
dynamodb-missing-table-items-gsi); §4: a hot or under-provisioned GSI throttles base-table writes
(DG/gsi-throttling.html). A provisioned GSI whose writes need more WCU than it has is throttled all the
time; otherwise the share comes from engine.heat (or the user). The lag multiplier itself is an
assumption (`gsi_throttled_lag_multiplier`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from engine.capacity import Target, target_name
from engine.model import DataModel, ProvisionedBilling, Table

if TYPE_CHECKING:
    from engine.evaluate import Evaluation
    from engine.heat import HeatResult


def gsi_write_units_per_second(model: DataModel, table: Table, gsi_name: str, evaluation: Evaluation) -> float:
    """Peak write units per second the table's writes put on one GSI.

    From engine.evaluate's per-pattern index write units (keyed by index name).
    """
    total = 0.0
    for w in model.access_patterns:
        if w.table == table.name and not w.is_read:
            total += _evaluated_index_units(evaluation, w.name, table.name, gsi_name) * w.peak_rps
    return total


def _evaluated_index_units(evaluation: Evaluation, pattern_name: str, table_name: str, index_name: str) -> float:
    try:
        units = evaluation.pattern(pattern_name).index_write_units_per_request
    except KeyError:
        return 0.0
    for key in (index_name, target_name(table_name, index_name)):
        if key in units:
            return float(units[key])
    return 0.0


def gsi_throttled_shares_from_heat(heat_result: HeatResult) -> dict[str, float]:
    """"<table>#<index>" -> share of simulated time buckets in which that GSI throttled writes.

    Reads only the result's `targets`, each with `target` and `throttled_write_series` (engine.heat is
    imported for the type only, so this module does not load the simulator).
    """
    shares: dict[str, float] = {}
    for target in getattr(heat_result, "targets", ()):
        series = np.asarray(getattr(target, "throttled_write_series", ()), dtype=float)
        if Target.parse(target.target).is_index and series.size:
            shares[target.target] = float((series > 0).mean())
    return shares


def gsi_throttling(model: DataModel, table: Table, gsi_name: str, heat_shares: Mapping[str, float] | None,
                   evaluation: Evaluation) -> tuple[float, str | None]:
    """(share of time throttled, reason) of one GSI: the heat engine's figure or provisioned shortfall."""
    target = target_name(table.name, gsi_name)
    share, reason = 0.0, None
    if heat_shares and heat_shares.get(target, 0.0) > 0:
        share = float(min(max(heat_shares[target], 0.0), 1.0))
        reason = f"GSI {target} throttled {share:.1%} of the time (heat simulation or user input)"
    gsi = table.index(gsi_name)
    if isinstance(table.billing, ProvisionedBilling) and gsi.provisioned is not None:
        scaling = gsi.provisioned.auto_scaling
        capacity = scaling.max_write_capacity_units if scaling else gsi.provisioned.write_capacity_units
        needed = gsi_write_units_per_second(model, table, gsi_name, evaluation)
        if needed > capacity:
            share = 1.0
            reason = (f"under-provisioned: writes need {needed:,.1f} WCU/s at peak on GSI {target}, it has "
                      f"{capacity:,.0f}; base-table writes throttle and propagation lags (DG/gsi-throttling.html)")
    return share, reason
