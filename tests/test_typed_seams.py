"""Typed seams: the engine's result records are built with keywords, so a field added, removed or reordered
cannot silently shift every value after it (PatternEvaluation has 22 fields, TableEvaluation 23)."""

from __future__ import annotations

import dataclasses
import importlib
import inspect

import pytest

# Modules whose dataclasses cross a seam (engine -> ui, views, CLI, report): every one is keyword-only.
RESULT_MODULES = (
    "engine.evaluate", "engine.capacity", "engine.cost.rates", "engine.cost.tables", "engine.cost.streams",
    "engine.streams", "engine.findings.base", "engine.patterns", "engine.partitions", "engine.heat",
    "engine.regions", "engine.interop.notes", "engine.report.data", "engine.evidence.capture",
    "engine.evidence.traffic", "engine.evidence.calibrate", "engine.evidence.export",
    "engine.evidence.export_calibrate", "engine.evidence.export_files",
)
# Small values built positionally on purpose, like a pair of numbers: Load(read, write) adds up with `+`,
# Target(table, index) is a name.
POSITIONAL_VALUES = {"engine.cost.rates.Load", "engine.capacity.Target"}


def _dataclasses(module: str) -> list[type]:
    mod = importlib.import_module(module)
    return [c for name, c in vars(mod).items()
            if inspect.isclass(c) and dataclasses.is_dataclass(c) and c.__module__ == module
            and not name.startswith("_")]


@pytest.mark.parametrize("module", RESULT_MODULES)
def test_result_dataclasses_are_keyword_only(module):
    classes = _dataclasses(module)
    assert classes, f"{module} defines no dataclass: update RESULT_MODULES"
    for cls in classes:
        if f"{module}.{cls.__name__}" in POSITIONAL_VALUES:
            continue
        positional = [f.name for f in dataclasses.fields(cls) if f.init and not f.kw_only]
        assert not positional, (f"{module}.{cls.__name__} takes {positional} by position: declare it "
                                "@dataclass(..., kw_only=True) and build it with keywords")
