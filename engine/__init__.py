"""DynamoDB Design Workbench engine: headless rules, models and simulations.

Public names are imported lazily so the CLI starts light (no numpy/pydantic import for --help).
"""

from __future__ import annotations

import importlib
import os
from typing import Any

ENGINE_VERSION = "0.1.0"

# The engine's matrices are small (arms x keys x seconds of a heat step); a multi-threaded BLAS spins its
# threads on them, and on a loaded machine (a workshop server, the test workers) that made the heat run of a
# 1,000-entity design 3-8x slower (1.4 s with one thread vs 3.8-11 s with two on 2 busy cores). One thread
# per process unless the environment says otherwise; it must be set before numpy loads its BLAS.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

# name -> module that defines it; resolved on first access (PEP 562).
_EXPORTS = {
    "WorkbenchError": "engine.errors",
    "DesignFileError": "engine.errors",
    "DesignValidationError": "engine.errors",
    "ItemError": "engine.errors",
    "DataModel": "engine.model",
    "load_model": "engine.io",
    "dump_model": "engine.io",
    "item_size_bytes": "engine.itemsize",
    "plain_item_size_bytes": "engine.itemsize",
    "evaluate": "engine.evaluate",
    "Evaluation": "engine.evaluate",
    "EvaluateOptions": "engine.evaluate",
    "load_catalog": "engine.pricing",
    "PriceCatalog": "engine.pricing",
    "SizeDistribution": "engine.itemsize",
    "analyze_partitions": "engine.partitions",
    "simulate_heat": "engine.heat",
    "HeatOptions": "engine.heat",
    "TrafficProfile": "engine.heat",
    "HeatLimitError": "engine.heat",
    "analyze_consistency": "engine.consistency",
    "generate_items": "engine.samples",
    "validate_patterns": "engine.patterns",
    "aggregate_view": "engine.patterns",
    "facet_view": "engine.patterns",
    "Sandbox": "engine.sandbox",
    "ConsistencyAssumptions": "engine.consistency",
    "monte_carlo_stale": "engine.consistency",
    "monte_carlo_conflicts": "engine.consistency",
}

__all__ = ["ENGINE_VERSION", *_EXPORTS]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'engine' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
