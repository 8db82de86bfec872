"""Money: the one home of every dollar figure (DOMAIN.md §3; prices from engine.pricing catalogs).

- `rates`: prices of a load (on-demand, provisioned, reserved, replicated writes, storage) and the
  billing-mode and table-class comparisons;
- `arms`: what one access pattern's arms cost on each table they land on, by kind;
- `tables`: what a table bills per month (capacity, reservations, replicas, free tier);
- `allocation`: each table's bill shared out to the patterns that cause it (plus idle capacity), so
  pattern rows, table rows and the total add up, and every page, chart and CLI reads these figures;
- `streams`: what a table's stream consumers cost (stream reads, change data capture and Kinesis, Lambda,
  EventBridge Pipes); their writes are derived access patterns priced by `arms` like any other.
"""

from engine.cost.allocation import allocate
from engine.cost.arms import COST_KINDS, arm_costs, cost_basis, pattern_costs
from engine.cost.rates import *  # noqa: F403  (the pricing primitives keep their engine.cost names)
from engine.cost.rates import __all__ as _rates_all
from engine.cost.streams import (
    STREAM_COST_KINDS,
    ConsumerCost,
    IdempotentAlternative,
    consumer_costs,
    idempotent_alternative,
)
from engine.cost.tables import ClassCost, class_cost, free_tier_usd, replica_count, target_utilization

__all__ = [*_rates_all, "COST_KINDS", "STREAM_COST_KINDS", "ClassCost", "ConsumerCost", "IdempotentAlternative",
           "allocate", "arm_costs", "class_cost", "consumer_costs", "cost_basis", "free_tier_usd",
           "idempotent_alternative", "pattern_costs", "replica_count", "target_utilization"]
