"""The report model: everything a design review reads about one design, computed once from the design.

`build_report(model)` runs the engine's entry points the way the CLI commands do (`cost`, `heat` with its
defaults, `consistency` without Monte Carlo) and keeps their results with the design's identity (content hash,
workbench version). Renderers (html.py, markdown.py) only read it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # types only: build_report imports the passes when it runs them
    from engine.consistency import ConsistencyReport
    from engine.consistency.results import PatternConsistency
    from engine.evaluate import Evaluation
    from engine.findings.base import Finding
    from engine.heat import HeatResult
    from engine.model import DataModel
    from engine.partitions import PartitionReport

HEAT_SEED = 0
HEAT_DESCRIPTION = ("one simulated hour (3,600 s) of each pattern at its average rate (steady profile, Poisson "
                    "arrivals, seed 0), as ddb-workbench heat runs by default")


@dataclass(frozen=True, kw_only=True)
class DesignReport:
    """One design's results for a report (engine objects, read-only)."""

    model: DataModel
    design_json: str
    content_sha256: str
    evaluation: Evaluation
    partitions: PartitionReport
    heat: HeatResult
    consistency: ConsistencyReport
    findings: tuple[Finding, ...]
    workbench_version: str
    engine_version: str
    heat_description: str = HEAT_DESCRIPTION
    notes: tuple[str, ...] = field(default=())

    @property
    def requests_per_second(self) -> float:
        return sum(p.requests_per_second for p in self.model.access_patterns)

    @property
    def throttled_share(self) -> float:
        total = sum(p.requests for p in self.heat.patterns)
        return sum(p.throttled_requests for p in self.heat.patterns) / total if total else 0.0

    @property
    def hottest_key_utilization(self) -> float:
        return self.partitions.hot_keys[0].peak_partition_utilization if self.partitions.hot_keys else 0.0

    @property
    def riskiest_read(self) -> PatternConsistency | None:
        return max(self.consistency.patterns, key=lambda p: p.expected_stale_at_read_after_write, default=None)

    @property
    def requests_per_screen(self) -> float | None:
        screens = self.model.screens
        if not screens:
            return None
        per_view = [len(s.access_patterns) + sum(times for _, times in s.repeat) for s in screens]
        return sum(per_view) / len(per_view)

    @property
    def usd_per_million_requests(self) -> float | None:
        per_month = self.requests_per_second * 3600 * self.evaluation.catalog.hours_per_month
        return self.evaluation.total_monthly_usd / per_month * 1_000_000 if per_month > 0 else None


def content_hash(design_json: str) -> str:
    """sha256 (hex) of the design's canonical JSON (engine.io.dump_model(model, "json"))."""
    return hashlib.sha256(design_json.encode("utf-8")).hexdigest()


def workbench_version() -> str:
    """The installed package's version, else the engine's."""
    from importlib import metadata

    from engine import ENGINE_VERSION

    try:
        return metadata.version("ddb-workbench")
    except metadata.PackageNotFoundError:
        return ENGINE_VERSION


def collect_findings(model: DataModel, evaluation: Evaluation, partitions: PartitionReport | None,
                     consistency: ConsistencyReport | None) -> tuple[Finding, ...]:
    """Every finding of the design from the findings catalog (engine.findings: stable ids, titles, values)."""
    from engine.findings import collect

    return collect(model, evaluation, partitions=partitions, consistency=consistency)


def build_report(model: DataModel, *, heat_seed: int = HEAT_SEED) -> DesignReport:
    """Run evaluate, analyze_partitions, simulate_heat (default options, seed `heat_seed`) and
    analyze_consistency (analytic, no Monte Carlo) on `model` and keep their results for rendering."""
    import numpy as np

    from engine import ENGINE_VERSION
    from engine.consistency import analyze_consistency
    from engine.evaluate import evaluate
    from engine.heat import HeatOptions, simulate_heat
    from engine.io import dump_model
    from engine.partitions import analyze_partitions

    design_json = dump_model(model, "json")
    evaluation = evaluate(model)
    partitions = analyze_partitions(model, evaluation)
    heat = simulate_heat(model, HeatOptions(), rng=np.random.default_rng(heat_seed), evaluation=evaluation)
    consistency = analyze_consistency(model, evaluation=evaluation)
    description = HEAT_DESCRIPTION if heat_seed == HEAT_SEED else HEAT_DESCRIPTION.replace("seed 0", f"seed {heat_seed}")
    return DesignReport(model=model, design_json=design_json, content_sha256=content_hash(design_json),
                        evaluation=evaluation, partitions=partitions, heat=heat, consistency=consistency,
                        findings=collect_findings(model, evaluation, partitions, consistency),
                        workbench_version=workbench_version(), engine_version=ENGINE_VERSION,
                        heat_description=description)
