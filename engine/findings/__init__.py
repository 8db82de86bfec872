"""Findings as a catalog: every finding the engine emits comes from one rule in `catalog.RULES`.

Public API (reports and the `check` command render from it):
- `collect(model, evaluation, partitions=None, consistency=None) -> tuple[Finding, ...]`: the findings of
  a design, sorted by severity (error, warning, info) then id. `evaluation` is engine.evaluate's result;
  `partitions` (engine.partitions.analyze_partitions) and `consistency` (engine.consistency.
  analyze_consistency) add their rules when given (rules needing them are not checked otherwise).
- `Finding` (engine.findings.base): rule_id, severity, path, message, fix, title, values.
- `RULES` (id -> `Rule`), `rule(id)`; `SEVERITIES`; `severity_rank(severity)`.
- `docs.markdown()`: docs/rules.md (`python -m engine.findings.docs > docs/rules.md`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.findings.base import SEVERITIES, Finding, Rule, severity_rank
from engine.findings.catalog import RULES, rule
from engine.model import DataModel

if TYPE_CHECKING:  # engine.evaluate, partitions and consistency import this package: types only
    from engine.consistency import ConsistencyReport
    from engine.evaluate import Evaluation
    from engine.partitions import PartitionReport

LOW_CARDINALITY_VALUES = 10
"""A partition key template with at most this many values is low-cardinality (product choice)."""
STALE_WARNING_SHARE = 0.01
"""A read that sees stale data at least this often after its write gets a finding (product choice)."""
CONFLICTS_WARNING_PER_DAY = 1.0
"""Global-table writes lost or rejected per day from which a finding is raised (product choice)."""


def collect(model: DataModel, evaluation: Evaluation, partitions: PartitionReport | None = None,
            consistency: ConsistencyReport | None = None) -> tuple[Finding, ...]:
    """Every finding of a design from the catalog, sorted by severity then id (then path)."""
    found = list(evaluation.findings)
    if partitions is not None:
        found += [_on_design(model, f) for f in partitions.findings]
        found += low_cardinality_findings(model, partitions, {f.values.get("target") for f in partitions.findings
                                                              if f.rule_id in ("DDB-P101", "DDB-P102")})
    if consistency is not None:
        found += consistency_findings(model, consistency)
    return tuple(sorted(found, key=lambda f: (severity_rank(f.severity), f.rule_id, f.path)))


def target_path(model: DataModel, target: str) -> str:
    """'Orders#ByStatus' -> 'tables[0].gsis[1]'; 'Orders' -> 'tables[0]' (the target itself when unknown)."""
    from engine.capacity import split_target

    name, index = split_target(target)
    for i, table in enumerate(model.tables):
        if table.name != name:
            continue
        if not index:
            return f"tables[{i}]"
        for j, gsi in enumerate(table.gsis):
            if gsi.name == index:
                return f"tables[{i}].gsis[{j}]"
        for j, lsi in enumerate(table.lsis):
            if lsi.name == index:
                return f"tables[{i}].lsis[{j}]"
    return target


def _on_design(model: DataModel, finding: Finding) -> Finding:
    """A partition report's finding with its path on the table or index it is about."""
    from dataclasses import replace

    target = finding.values.get("target")
    return replace(finding, path=target_path(model, target)) if target else finding


def low_cardinality_findings(model: DataModel, partitions: PartitionReport, hot_targets: set[str]) -> list[Finding]:
    """DDB-P103: targets whose busiest key comes from a template with few values (not already hot)."""
    from engine.partitions import READ_UNITS_PER_PARTITION, WRITE_UNITS_PER_PARTITION

    out = []
    for layout in partitions.targets:
        if layout.target in hot_targets or not layout.hot_keys:
            continue
        key = layout.hot_keys[0]
        if not key.template or not 0 < key.template_key_count <= LOW_CARDINALITY_VALUES:
            continue
        if layout.read_units_per_second + layout.write_units_per_second <= 0:
            continue
        count = key.template_key_count
        out.append(rule("DDB-P103").finding(
            target_path(model, layout.target), target=layout.target, template=key.template, count=count,
            key=key.key, share=key.share_of_target, max_write=int(count * WRITE_UNITS_PER_PARTITION),
            max_read=int(count * READ_UNITS_PER_PARTITION)))
    return out


def consistency_findings(model: DataModel, consistency: ConsistencyReport) -> list[Finding]:
    """DDB-R102 (stale read after write) and DDB-R103 (multi-region writes to the same items)."""
    out = []
    index = {p.name: i for i, p in enumerate(model.access_patterns)}
    for p in consistency.patterns:
        stale = p.expected_stale_at_read_after_write
        if stale < STALE_WARNING_SHARE:
            continue
        recommendation = p.recommendation or (p.remedies[0] if p.remedies else
                                              "read the table with a strong read, or read later")
        out.append(rule("DDB-R102").finding(
            f"access_patterns[{index.get(p.name, 0)}]", pattern=p.name, consistency=p.consistency,
            read_path=p.read_path, read_after_write_ms=p.read_after_write_ms, stale=stale,
            recommendation=recommendation))
    tables = {t.name: i for i, t in enumerate(model.tables)}
    for g in consistency.global_tables:
        mrsc = g.replicated_write_conflicts_per_day is not None
        per_day = g.replicated_write_conflicts_per_day if mrsc else g.lost_updates_per_day
        if per_day < CONFLICTS_WARNING_PER_DAY:
            continue
        out.append(rule("DDB-R103").finding(
            f"tables[{tables.get(g.table, 0)}].global_table", table=g.table, mode=g.mode,
            regions=", ".join(g.regions), conflicts_per_day=per_day, share=g.conflicting_write_share,
            outcome="rejects (ReplicatedWriteConflictException)" if mrsc else "silently loses (last writer wins)"))
    return out


__all__ = ["RULES", "SEVERITIES", "Finding", "Rule", "collect", "rule", "severity_rank", "target_path"]
