"""Cached engine calls: the only place in the app that uses st.cache_data / st.cache_resource.

Every cached function takes all its inputs as arguments (the design's canonical JSON text and
engine.ENGINE_VERSION first), reads no session state and has no side effects. Engine results are
frozen, so they live in st.cache_resource (shared read-only, no unpickling per rerun); the few
small derived tables go through st.cache_data. An engine module that has not been built yet is
reported as missing (EngineMissing) so pages can say so instead of failing.
"""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path
from typing import Any

import streamlit as st

from engine import ENGINE_VERSION
from engine.io import loads_model, sample_names, sample_path
from engine.model import DataModel

MAX_MODELS = 512  # parsed designs kept (a workshop of ~50 people, a few edits each in flight)
MAX_RESULTS = 128  # engine results kept per entry point


class EngineMissing(Exception):
    """An engine module the page needs is not part of this build yet."""

    def __init__(self, module: str) -> None:
        super().__init__(module)
        self.module = module


def engine_available(module: str) -> bool:
    """Whether `engine.<module>` exists and imports."""
    try:
        if importlib.util.find_spec(f"engine.{module}") is None:
            return False
        importlib.import_module(f"engine.{module}")
    except ImportError:
        return False
    return True


def _engine(module: str) -> Any:
    if not engine_available(module):
        raise EngineMissing(module)
    return importlib.import_module(f"engine.{module}")


# ----------------------------------------------------------------------------- designs


@st.cache_resource(max_entries=MAX_MODELS, show_spinner=False)
def _model_from_json(design_json: str, engine_version: str) -> DataModel:
    return loads_model(design_json, "json", source="design")


def model_from_json(design_json: str) -> DataModel:
    """The frozen DataModel of a canonical design JSON text (parsed once per text)."""
    return _model_from_json(design_json, ENGINE_VERSION)


@st.cache_resource(max_entries=64, show_spinner=False)
def _sample_model(name: str, modified_ns: int, engine_version: str) -> DataModel:
    from engine.io import load_sample

    return load_sample(name)


def sample_model(name: str) -> DataModel:
    """A sample design by name (re-read when its file changes)."""
    return _sample_model(name, sample_path(name).stat().st_mtime_ns, ENGINE_VERSION)


def sample_names_now() -> tuple[str, ...]:
    """Names of the sample designs available right now."""
    return sample_names()


def sample_file_text(name: str) -> str:
    return Path(sample_path(name)).read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- engines


@st.cache_resource(max_entries=MAX_RESULTS, show_spinner=False)
def _evaluation(design_json: str, engine_version: str, catalog_id: str | None, free_tier: bool) -> Any:
    evaluate_mod = _engine("evaluate")
    options = evaluate_mod.EvaluateOptions(catalog_id=catalog_id, free_tier=free_tier)
    return evaluate_mod.evaluate(model_from_json(design_json), options)


def evaluation(design_json: str, catalog_id: str | None = None, free_tier: bool = False) -> Any:
    """engine.evaluate.evaluate of a design (capacity, cost, findings), optionally with another catalog."""
    return _evaluation(design_json, ENGINE_VERSION, catalog_id, free_tier)


@st.cache_resource(max_entries=MAX_RESULTS, show_spinner=False)
def _partition_report(design_json: str, engine_version: str) -> Any:
    partitions = _engine("partitions")
    model = model_from_json(design_json)
    ev = evaluation(design_json) if engine_available("evaluate") else None
    return partitions.analyze_partitions(model, ev)


def partition_report(design_json: str) -> Any:
    """engine.partitions.analyze_partitions of a design."""
    return _partition_report(design_json, ENGINE_VERSION)


@st.cache_resource(max_entries=32, show_spinner=False)
def _heat(design_json: str, engine_version: str, options_items: tuple[tuple[str, Any], ...], seed: int) -> Any:
    import numpy as np

    heat = _engine("heat")
    options = heat.HeatOptions(**dict(options_items))
    return heat.simulate_heat(model_from_json(design_json), options, np.random.default_rng(seed))


def heat_result(design_json: str, options: dict[str, Any], seed: int = 0) -> Any:
    """engine.heat.simulate_heat of a design under traffic options (same seed, same result)."""
    return _heat(design_json, ENGINE_VERSION, tuple(sorted(options.items())), seed)


@st.cache_resource(max_entries=MAX_RESULTS, show_spinner=False)
def _consistency(design_json: str, engine_version: str, assumptions_items: tuple[tuple[str, Any], ...],
                 seed: int) -> Any:
    import numpy as np

    consistency = _engine("consistency")
    model = model_from_json(design_json)
    assumptions = None
    if assumptions_items:
        assumptions = consistency.ConsistencyAssumptions(**dict(assumptions_items))
    ev = evaluation(design_json) if engine_available("evaluate") else None
    return consistency.analyze_consistency(model, assumptions, np.random.default_rng(seed), ev)


def consistency_report(design_json: str, assumptions: dict[str, Any] | None = None, seed: int = 0) -> Any:
    """engine.consistency.analyze_consistency of a design under (optionally edited) assumptions."""
    return _consistency(design_json, ENGINE_VERSION, tuple(sorted((assumptions or {}).items())), seed)


@st.cache_resource(max_entries=32, show_spinner=False)
def _sample_items(design_json: str, engine_version: str, seed: int, max_items_per_entity: int) -> Any:
    samples = _engine("samples")
    return samples.generate_items(model_from_json(design_json), seed=seed,
                                  max_items_per_entity=max_items_per_entity)


def sample_items(design_json: str, seed: int = 0, max_items_per_entity: int = 200) -> dict[str, list[dict]]:
    """Deterministic sample items of a design: table name -> items in DynamoDB JSON (read-only)."""
    return _sample_items(design_json, ENGINE_VERSION, seed, max_items_per_entity)
