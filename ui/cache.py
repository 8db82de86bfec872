"""Cached engine calls: the only place in the app that uses st.cache_data / st.cache_resource.

Every cached function takes all its inputs as arguments (the design's canonical JSON text and
engine.ENGINE_VERSION first), reads no session state and has no side effects. Engine results are
frozen, so they live in st.cache_resource (shared read-only, no unpickling per rerun); the few
small derived tables go through st.cache_data. Engine modules are imported here, at the top, and every cached
function returns the engine's own result type; only DuckDB, an optional engine for table exports, is looked for
when an export is analysed (EngineMissing says it is absent, so the page can say so instead of failing).
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import plotly.graph_objects as go
import streamlit as st
from pydantic import ValidationError

from engine import ENGINE_VERSION, consistency, heat, partitions, patterns, regions, samples, streams
from engine.consistency import ConsistencyReport, GlobalTableConsistency
from engine.diagram import design_dot as _dot_of
from engine.errors import DesignValidationError, Problem
from engine.evaluate import EvaluateOptions, Evaluation, evaluate
from engine.evidence import calibrate as evidence_calibrate
from engine.evidence import capture, export, export_calibrate, traffic
from engine.evidence.calibrate import Calibration
from engine.evidence.export import ExportAnalysis
from engine.evidence.export_calibrate import ExportCalibration
from engine.evidence.traffic import InferResult
from engine.findings import Finding, collect
from engine.heat import HeatResult
from engine.interop import EXPORT_FORMATS, export_design, export_notes, import_design
from engine.interop.notes import ImportResult
from engine.io import design_data, dump_model, load_sample, loads_model, sample_names, sample_path, to_data
from engine.model import DataModel, parse_model
from engine.partitions import PartitionReport
from engine.patterns import PatternReport
from engine.regions import MrscRegionAdvice
from engine.samples import SampleItem
from engine.sandbox import Sandbox
from engine.streams import ScenarioLag
from ui.collections import collection_rows as facet_rows

MAX_MODELS = 512  # parsed designs kept (a workshop of ~50 people, a few edits each in flight)
MAX_RESULTS = 128  # engine results kept per entry point
# Sample items per entity on the Item collections page: the aggregate view, the pattern runs and the
# session's sandbox all hold the same sample (engine.samples' default). A pattern reading more items
# than that (e.g. 1,000 customers) reads fewer here; the report says so ("sample differs").
SANDBOX_ITEMS_PER_ENTITY = 200
SAMPLE_ITEMS_PER_DESIGN = samples.SAMPLE_ITEMS_PER_DESIGN  # what a design's whole sample holds at most


class EngineMissing(Exception):
    """An engine module the page needs is not part of this build yet."""

    def __init__(self, module: str) -> None:
        super().__init__(module)
        self.module = module


def engine_available(module: str) -> bool:
    """Whether `engine.<module>` exists and imports (every module this file imports does; kept for pages that
    ask before showing a panel)."""
    try:
        if importlib.util.find_spec(f"engine.{module}") is None:
            return False
        importlib.import_module(f"engine.{module}")
    except ImportError:
        return False
    return True


# ----------------------------------------------------------------------------- designs


@st.cache_resource(max_entries=MAX_MODELS, show_spinner=False)
def _model_from_json(design_json: str, engine_version: str) -> DataModel:
    return loads_model(design_json, "json", source="design")


def model_from_json(design_json: str) -> DataModel:
    """The frozen DataModel of a canonical design JSON text (parsed once per text)."""
    return _model_from_json(design_json, ENGINE_VERSION)


SAMPLE_LIST_TTL_S = 5  # the samples folder is listed at most this often (a sample added or removed shows within 5 s)


@st.cache_resource(ttl=SAMPLE_LIST_TTL_S, max_entries=1, show_spinner=False)
def _sample_paths(engine_version: str) -> tuple[tuple[str, Path], ...]:
    # engine.io finds the folder by globbing and resolving candidates and sysconfig paths: ~1 ms a call, and the
    # Start page asks for every sample on every run; listed here once per SAMPLE_LIST_TTL_S for all sessions.
    return tuple((name, sample_path(name)) for name in sample_names())


def _sample_file(name: str) -> Path:
    return dict(_sample_paths(ENGINE_VERSION)).get(name) or sample_path(name)  # unknown: engine.io's message


@st.cache_resource(max_entries=64, show_spinner=False)
def _sample_model(name: str, modified_ns: int, engine_version: str) -> DataModel:
    return load_sample(name)


def _sample_modified_ns(name: str) -> int:
    try:
        return _sample_file(name).stat().st_mtime_ns
    except FileNotFoundError:  # removed since the folder was listed: engine.io says so
        return sample_path(name).stat().st_mtime_ns


def sample_model(name: str) -> DataModel:
    """A sample design by name (re-read when its file changes)."""
    return _sample_model(name, _sample_modified_ns(name), ENGINE_VERSION)


@st.cache_resource(max_entries=64, show_spinner=False)
def _sample_json(name: str, modified_ns: int, engine_version: str) -> str:
    return dump_model(_sample_model(name, modified_ns, engine_version), "json")


def sample_json(name: str) -> str:
    """A sample design's canonical JSON text (the key every cached engine call takes)."""
    return _sample_json(name, _sample_modified_ns(name), ENGINE_VERSION)


def sample_names_now() -> tuple[str, ...]:
    """Names of the sample designs available now (the folder as listed at most SAMPLE_LIST_TTL_S ago)."""
    return tuple(name for name, _ in _sample_paths(ENGINE_VERSION))


def sample_file_text(name: str) -> str:
    return _sample_file(name).read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- engines


@st.cache_resource(max_entries=MAX_RESULTS, show_spinner=False)
def _evaluation(design_json: str, engine_version: str, catalog_id: str | None, free_tier: bool) -> Evaluation:
    options = EvaluateOptions(catalog_id=catalog_id, free_tier=free_tier)
    return evaluate(model_from_json(design_json), options)


def evaluation(design_json: str, catalog_id: str | None = None, free_tier: bool = False) -> Evaluation:
    """engine.evaluate.evaluate of a design (capacity, cost, findings), optionally with another catalog."""
    return _evaluation(design_json, ENGINE_VERSION, catalog_id, free_tier)


@st.cache_resource(max_entries=MAX_RESULTS, show_spinner=False)
def _partition_report(design_json: str, engine_version: str) -> PartitionReport:
    return partitions.analyze_partitions(model_from_json(design_json), evaluation(design_json))


def partition_report(design_json: str) -> PartitionReport:
    """engine.partitions.analyze_partitions of a design."""
    return _partition_report(design_json, ENGINE_VERSION)


@st.cache_resource(max_entries=32, show_spinner=False)
def _heat(design_json: str, engine_version: str, profile_items: tuple[tuple[str, Any], ...],
          pattern: str | None, seed: int, horizon_seconds: int | None = None) -> HeatResult:
    profile = heat.TrafficProfile(**dict(profile_items))
    horizon: dict[str, Any] = {"horizon_seconds": horizon_seconds} if horizon_seconds else {}
    if pattern is None:
        options = heat.HeatOptions(default_profile=profile, **horizon)
    else:
        options = heat.HeatOptions(profiles={pattern: profile}, **horizon)
    ev = evaluation(design_json)
    return heat.simulate_heat(model_from_json(design_json), options, np.random.default_rng(seed), ev)


def heat_result(design_json: str, profile: dict[str, Any] | None = None, pattern: str | None = None,
                seed: int = 0, horizon_seconds: int | None = None) -> HeatResult:
    """engine.heat.simulate_heat of a design with one traffic profile (on every pattern, or on `pattern`),
    over `horizon_seconds` (None: the engine's default hour).

    Results hold downsampled heatmaps (at most 200 partitions x 360 buckets), kept read-only in
    st.cache_resource: no copy per rerun.
    """
    return _heat(design_json, ENGINE_VERSION, tuple(sorted((profile or {}).items())), pattern, seed, horizon_seconds)


@st.cache_resource(max_entries=32, show_spinner=False)
def _stream_lags(design_json: str, engine_version: str, profile_items: tuple[tuple[str, Any], ...],
                 pattern: str | None, horizon_seconds: int) -> tuple[ScenarioLag, ...]:
    profile = heat.TrafficProfile(**dict(profile_items))
    return streams.scenario_lags(model_from_json(design_json), evaluation(design_json), profile, horizon_seconds,
                                 pattern)


def stream_lags(design_json: str, profile: dict[str, Any], pattern: str | None = None,
                horizon_seconds: int = 3600) -> tuple[ScenarioLag, ...]:
    """engine.streams.scenario_lags: every stream consumer's iterator age, second by second, under a heat-simulator
    traffic profile on every access pattern (or on `pattern`); read-only (a few series of `horizon_seconds`)."""
    return _stream_lags(design_json, ENGINE_VERSION, tuple(sorted(profile.items())), pattern, int(horizon_seconds))


@st.cache_resource(max_entries=MAX_RESULTS, show_spinner=False)
def _consistency(design_json: str, engine_version: str, assumptions_items: tuple[tuple[str, Any], ...],
                 seed: int) -> ConsistencyReport:
    model = model_from_json(design_json)
    assumptions = None
    if assumptions_items:
        assumptions = consistency.ConsistencyAssumptions(**dict(assumptions_items))
    return consistency.analyze_consistency(model, assumptions, np.random.default_rng(seed), evaluation(design_json))


def consistency_report(design_json: str, assumptions: dict[str, Any] | None = None,
                       seed: int = 0) -> ConsistencyReport:
    """engine.consistency.analyze_consistency of a design under (optionally edited) assumptions."""
    return _consistency(design_json, ENGINE_VERSION, tuple(sorted((assumptions or {}).items())), seed)


@st.cache_resource(max_entries=MAX_RESULTS, show_spinner=False)
def _findings(design_json: str, engine_version: str, free_tier: bool,
              assumptions_items: tuple[tuple[str, Any], ...]) -> tuple[Finding, ...]:
    try:
        parts: PartitionReport | None = partition_report(design_json)
    except partitions.PartitionLimitError:  # too many partitions to lay out: the other findings still stand
        parts = None
    return collect(model_from_json(design_json), evaluation(design_json, None, free_tier),
                   parts, consistency_report(design_json, dict(assumptions_items)))


def findings(design_json: str, free_tier: bool = False,
             assumptions: dict[str, Any] | None = None) -> tuple[Finding, ...]:
    """engine.findings.collect of a design: the catalog's findings (stable ids, titles) of its evaluation (with
    the design's own price catalog; `free_tier` as the Capacity page's toggle), static partition report and
    consistency report (default assumptions, or the Consistency page's edited ones), sorted by severity then id.
    The same three results the pages show, so a finding's numbers match its page."""
    return _findings(design_json, ENGINE_VERSION, free_tier, tuple(sorted((assumptions or {}).items())))


@st.cache_resource(max_entries=32, show_spinner=False)
def _sample_items(design_json: str, engine_version: str, seed: int,
                  max_items_per_entity: int) -> dict[str, list[dict]]:
    return samples.generate_items(model_from_json(design_json), seed=seed,
                                  max_items_per_entity=max_items_per_entity)


def sample_items(design_json: str, seed: int = 0, max_items_per_entity: int = 200) -> dict[str, list[dict]]:
    """Deterministic sample items of a design: table name -> items in DynamoDB JSON (read-only)."""
    return _sample_items(design_json, ENGINE_VERSION, seed, max_items_per_entity)


@st.cache_resource(max_entries=32, show_spinner=False)
def _sample_records(design_json: str, engine_version: str, seed: int,
                    max_items_per_entity: int) -> dict[str, list[SampleItem]]:
    return samples.generate_samples(model_from_json(design_json), seed=seed,
                                    max_items_per_entity=max_items_per_entity)


@st.cache_data(max_entries=256, show_spinner=False)
def _collection_rows(design_json: str, engine_version: str, table: str, index: str | None,
                     entity: str | None) -> list[dict[str, Any]]:
    records = _sample_records(design_json, engine_version, 0, SANDBOX_ITEMS_PER_ENTITY)
    return facet_rows(model_from_json(design_json), records, table, index, entity)


def sample_items_per_entity(design_json: str) -> int:
    """Sample items each entity gets on the Item collections page: SANDBOX_ITEMS_PER_ENTITY, fewer when the design
    has so many entities that the whole sample would pass engine.samples.SAMPLE_ITEMS_PER_DESIGN."""
    return samples.items_per_entity(model_from_json(design_json), SANDBOX_ITEMS_PER_ENTITY)


def collection_rows(design_json: str, table: str, index: str | None = None,
                    entity: str | None = None) -> list[dict[str, Any]]:
    """Display rows of a table or index facet of the design's sample items (small, cached per facet)."""
    return _collection_rows(design_json, ENGINE_VERSION, table, index, entity)


@st.cache_resource(show_spinner=False)
def _consistency_defaults(engine_version: str) -> dict[str, Any]:
    return consistency.ConsistencyAssumptions().model_dump()


def consistency_defaults() -> dict[str, Any]:
    """Default consistency assumptions (field -> value)."""
    return dict(_consistency_defaults(ENGINE_VERSION))


def consistency_docs() -> dict[str, str]:
    """Consistency assumption field -> its documentation with source."""
    return consistency.assumption_docs()


def check_consistency_assumptions(values: dict[str, Any]) -> None:
    """Raise ValueError with a readable message when edited assumptions are not coherent."""
    try:
        consistency.ConsistencyAssumptions(**values)
    except ValidationError as exc:
        raise ValueError("; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'assumptions'}: "
                                   f"{e['msg'].removeprefix('Value error, ')}" for e in exc.errors())) from None


class OtherMode(NamedTuple):
    """A global table's consistency with MREC and MRSC swapped, or why that mode is not possible."""

    report: GlobalTableConsistency | None
    """None when the swapped design is not valid (see problems)."""
    problems: tuple[Problem, ...]
    """The validator's problems with the swap (empty when it is possible)."""


@st.cache_resource(max_entries=MAX_RESULTS, show_spinner=False)
def _other_mode(design_json: str, engine_version: str, table: str,
                assumptions_items: tuple[tuple[str, Any], ...]) -> OtherMode:
    data = design_data(model_from_json(design_json))
    data.pop("format_version", None)
    where = ""
    for i, t in enumerate(data["tables"]):
        if t["name"] == table:
            where = f"tables[{i}]"
            gt = t["global_table"]
            gt["mode"] = "MRSC" if gt.get("mode", "MREC") == "MREC" else "MREC"
            if gt["mode"] == "MREC":
                gt.pop("witness_region", None)
    try:
        variant = parse_model(data)
    except DesignValidationError as exc:
        about = tuple(p for p in exc.records if p.path == where or p.path.startswith((f"{where}.", f"{where}["))
                      or table in p.message or "MRSC" in p.message)
        return OtherMode(report=None, problems=about or exc.records)
    report = _consistency(dump_model(variant, "json"), engine_version, assumptions_items, 0)
    return OtherMode(report=report.global_table(table), problems=())


def other_mode_report(design_json: str, table: str, assumptions: dict[str, Any] | None = None) -> OtherMode:
    """The global-table consistency of `table` with MREC and MRSC swapped, or why it is not possible."""
    return _other_mode(design_json, ENGINE_VERSION, table, tuple(sorted((assumptions or {}).items())))


# Sandboxes built from a design's sample items, shared by every session that runs requests on that design. Up to
# ~15 MiB each on the samples (more with large items), so few are kept; a design edited since is rebuilt when a
# request runs on it.
MAX_SHARED_SANDBOXES = 8


@st.cache_resource(max_entries=MAX_SHARED_SANDBOXES, show_spinner=False)
def _shared_sandbox(design_json: str, engine_version: str, seed: int) -> Sandbox:
    return Sandbox.from_model(model_from_json(design_json), seed)


def shared_sandbox(design_json: str, seed: int = 0) -> Sandbox:
    """engine.sandbox.Sandbox.from_model of a design (its tables and seeded sample items), shared by every
    session: READ-ONLY. ui.sandbox_runs runs only read operations on it and gives a session its own copy
    (ui.sandbox_runs.private_copy) before the session's first write."""
    return _shared_sandbox(design_json, ENGINE_VERSION, seed)


@st.cache_resource(max_entries=32, show_spinner=False)
def _pattern_report(design_json: str, engine_version: str, seed: int,
                    max_items_per_entity: int) -> PatternReport:
    return patterns.validate_patterns(model_from_json(design_json), seed=seed,
                                      max_items_per_entity=max_items_per_entity)


def pattern_report(design_json: str, seed: int = 0) -> PatternReport:
    """engine.patterns.validate_patterns on the page's sample (SANDBOX_ITEMS_PER_ENTITY per entity), read-only."""
    return _pattern_report(design_json, ENGINE_VERSION, seed, SANDBOX_ITEMS_PER_ENTITY)


# ----------------------------------------------------------------------------- figures

MAX_FIGURES = 256  # plotly specs of a few KB (heatmaps: up to 200 x 360 cells)


def _figure_key(value: Any) -> tuple[Any, ...]:
    """Key of a chart builder's argument: plain values by value, anything else (a cached engine result) by
    identity; the cache entry keeps that object alive, so its id cannot name another object meanwhile."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return ("value", type(value).__name__, value)
    if isinstance(value, (list, tuple)):
        return ("sequence", tuple(_figure_key(v) for v in value))
    return ("object", type(value).__qualname__, id(value))


@st.cache_resource(max_entries=MAX_FIGURES, show_spinner=False)
def _figure_spec(builder_name: str, key: tuple[Any, ...], _builder: Callable[..., go.Figure],
                 _args: tuple[Any, ...]) -> tuple[tuple[Any, ...], dict[str, Any]]:
    return _args, _builder(*_args).to_dict()  # the arguments are kept with the spec (see _figure_key)


def figure(builder: Callable[..., go.Figure], *args: Any) -> go.Figure:
    """builder(*args) (an engine.charts figure of cached engine results), built once for every session: building
    a plotly figure validates every property (30-50 ms a chart); each call returns a new Figure made from the
    cached spec without validating it again (~2 ms), so a session changing its figure changes only its own."""
    _, spec = _figure_spec(f"{builder.__module__}.{builder.__qualname__}", _figure_key(args), builder, args)
    try:
        return go.Figure(spec, _validate=False)  # the spec is what a validated figure gave: no need to redo it
    except TypeError:  # a plotly without the private flag
        return go.Figure(spec)


@st.cache_data(max_entries=MAX_MODELS, show_spinner=False)
def _design_yaml(design_json: str, engine_version: str) -> str:
    return dump_model(model_from_json(design_json), "yaml")


def design_yaml(design_json: str) -> str:
    """The design as YAML text (for the editor and the download; ~5 ms to dump, so cached)."""
    return _design_yaml(design_json, ENGINE_VERSION)


@st.cache_data(max_entries=MAX_RESULTS, show_spinner=False)
def _design_dot(design_json: str, engine_version: str) -> str:
    return _dot_of(model_from_json(design_json))


def design_dot(design_json: str) -> str:
    """The design picture as Graphviz DOT text (engine.diagram)."""
    return _design_dot(design_json, ENGINE_VERSION)


def consistency_bounds() -> dict[str, tuple[float, float]]:
    """(lowest, highest) value each numeric consistency assumption accepts, from its field constraints
    (a strict lower bound of 0 becomes the smallest value the inputs show, 0.001)."""
    out = {}
    for name, field in consistency.ConsistencyAssumptions.model_fields.items():
        low, high = 0.0, consistency.MAX_ASSUMED_MS
        for rule in field.metadata:
            if getattr(rule, "ge", None) is not None:
                low = float(rule.ge)
            if getattr(rule, "gt", None) is not None:
                low = float(rule.gt) + STRICT_BOUND_STEP
            if getattr(rule, "le", None) is not None:
                high = float(rule.le)
            if getattr(rule, "lt", None) is not None:
                high = float(rule.lt) - STRICT_BOUND_STEP
        out[name] = (low, high)
    return out


STRICT_BOUND_STEP = 0.001  # inputs show 3 decimals at most: a bound "above 0" starts at 0.001


def relevant_assumptions(design_json: str, assumptions: dict[str, Any] | None = None) -> dict[str, str | None]:
    """engine.consistency.relevant_assumptions for the design's report (None: the assumption changes a number)."""
    return consistency.relevant_assumptions(model_from_json(design_json), consistency_report(design_json, assumptions))


# ----------------------------------------------------------------------------- interop (issue 13)


@st.cache_resource(max_entries=16, show_spinner=False)
def _imported(text: str, fmt: str, source: str, engine_version: str) -> ImportResult:
    return import_design(text, fmt, source)


def imported(text: str, fmt: str = "auto", source: str = "<upload>") -> ImportResult:
    """engine.interop.import_design of an uploaded file's text: an ImportResult (model, notes, items, format);
    raises WorkbenchError with the file name, the place and the fix when it cannot be read."""
    return _imported(text, fmt, source, ENGINE_VERSION)


@st.cache_data(max_entries=64, show_spinner=False)
def _exported(design_json: str, to: str, seed: int, engine_version: str) -> tuple[str, tuple[str, ...]]:
    model = model_from_json(design_json)
    return export_design(model, to, seed=seed), tuple(export_notes(model, to))


def exported(design_json: str, to: str, seed: int = 0) -> tuple[str, tuple[str, ...]]:
    """The design as the text of an export format (engine.interop.EXPORT_FORMATS) and what that format cannot
    carry (one sentence each)."""
    return _exported(design_json, to, seed, ENGINE_VERSION)


def export_formats() -> tuple[str, ...]:
    """The formats `ddb-workbench export --to` writes, in the engine's order."""
    return tuple(EXPORT_FORMATS)


# ----------------------------------------------------------------------------- evidence (issue 15)


@st.cache_resource(max_entries=8, show_spinner=False)
def _inferred(files: tuple[tuple[str, bytes], ...], window_seconds: float | None, scale: float,
              engine_version: str) -> InferResult:
    observations = sorted((o for name, raw in files for o in capture.parse_capture(raw, name)), key=lambda o: o.time)
    return traffic.infer_design(observations, window_seconds=window_seconds, scale=scale,
                                sources=[name for name, _ in files])


def inferred(files: tuple[tuple[str, bytes], ...], window_seconds: float | None = None,
             scale: float = 1.0) -> InferResult:
    """engine.evidence.traffic.infer_design of uploaded capture files ((name, bytes) each): an InferResult;
    raises WorkbenchError naming the file, line and fix."""
    return _inferred(files, window_seconds, scale, ENGINE_VERSION)


def calibration(design_json: str, files: tuple[tuple[str, bytes], ...], window_seconds: float | None = None,
                scale: float = 1.0) -> Calibration:
    """engine.evidence.calibrate of the current design with the uploaded captures' observed figures."""
    return evidence_calibrate.calibrate(to_data(model_from_json(design_json)), inferred(files, window_seconds, scale))



def mrsc_region_advice(region_names: tuple[str, ...], witness: str | None, home: str) -> MrscRegionAdvice | None:
    """engine.regions.mrsc_region_advice: why these regions cannot form an MRSC global table and what would (None
    when they can). Cheap: not cached."""
    return regions.mrsc_region_advice(region_names, witness, home)


def _export_stamp(path: str) -> float:
    try:
        return Path(path, "manifest-summary.json").stat().st_mtime
    except OSError:
        return 0.0


@st.cache_resource(max_entries=4, show_spinner=False)
def _export_analysis(path: str, stamp: float, design_json: str | None, engine_version: str) -> ExportAnalysis:
    # DuckDB is optional (engine.evidence loads it through optional_module when an export is read): asked for here,
    # when an export is analysed, so the app starts and every other page works without it.
    if importlib.util.find_spec("duckdb") is None:
        raise EngineMissing("duckdb")
    model = model_from_json(design_json) if design_json else None
    # One thread and 1 GB: a shared server keeps serving pages while an export is read.
    return export.analyze_export(path, export.AnalyzeOptions(design=model, memory_limit="1GB", threads=1))


def export_analysis(path: str, design_json: str | None = None) -> ExportAnalysis:
    """engine.evidence.export.analyze_export of an export folder on the server (DuckDB), with the design's
    entities recognising items; cached until the folder's manifest changes."""
    return _export_analysis(path, _export_stamp(path), design_json, ENGINE_VERSION)


def export_calibration(path: str, design_json: str) -> ExportCalibration:
    """engine.evidence.export_calibrate.calibrate_from_export of the current design with an analysed export."""
    analysis = export_analysis(path, design_json)
    return export_calibrate.calibrate_from_export(model_from_json(design_json), analysis, analysis.table)
