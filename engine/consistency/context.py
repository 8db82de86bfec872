"""The inputs one consistency analysis shares between its per-pattern and per-table passes.

The assumptions and the lags fitted to them (engine.consistency.lag), the curve times, the cost
engine's evaluation (strong-read cost: DOMAIN.md §2, a strongly consistent read costs twice the
eventually consistent units; the money comes from engine.evaluate, never from here) and the GSI
throttling shares (engine.consistency.gsi_throttling).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from engine.consistency.assumptions import ConsistencyAssumptions
from engine.consistency.lag import LagDistribution, fit_gsi_lag, fit_table_lag
from engine.model import DataModel, ReadPattern

if TYPE_CHECKING:
    from engine.evaluate import Evaluation

COST_SOURCE = "engine.evaluate: demand_monthly_usd x (strong - eventual read units) / read units at the pattern's consistency"


def _strong_extra_from_evaluation(evaluation: Evaluation, pattern: ReadPattern) -> float | None:
    pe = evaluation.pattern(pattern.name)
    strong, eventual = pe.read_units_per_request_strong, pe.read_units_per_request_eventual
    if strong is None or eventual is None:
        return None
    if not pe.read_units_per_request:
        return 0.0
    return float(pe.demand_monthly_usd) * (float(strong) - float(eventual)) / float(pe.read_units_per_request)


@dataclass(frozen=True, kw_only=True)
class AnalysisContext:
    """Inputs shared by the per-pattern and per-table passes of one analysis."""

    model: DataModel
    assumptions: ConsistencyAssumptions
    table_lag: LagDistribution
    gsi_lag: LagDistribution
    curve_ms: np.ndarray
    evaluation: Evaluation
    heat_shares: Mapping[str, float] | None

    @classmethod
    def create(cls, model: DataModel, assumptions: ConsistencyAssumptions, evaluation: Evaluation | None,
               heat_shares: Mapping[str, float] | None) -> AnalysisContext:
        """Fit the lags to the assumptions; evaluate the design when the caller has no evaluation."""
        table_lag, gsi_lag = fit_table_lag(assumptions), fit_gsi_lag(assumptions)  # bad assumptions fail first
        if evaluation is None:
            from engine.evaluate import evaluate

            evaluation = evaluate(model)
        return cls(model=model, assumptions=assumptions, table_lag=table_lag, gsi_lag=gsi_lag,
                   curve_ms=assumptions.curve_ms(), evaluation=evaluation, heat_shares=heat_shares)

    def strong_extra(self, pattern: ReadPattern) -> float | None:
        """Monthly USD of strong minus eventual reads for a pattern, from the cost engine."""
        try:
            return _strong_extra_from_evaluation(self.evaluation, pattern)
        except KeyError:
            return None
