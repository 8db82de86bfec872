"""Observed traffic applied to an existing design: each of the design's access patterns that one observed request
shape matches (same operation, table, index and sort-key operator) takes the observed rate, peak, items per
request and key distribution. What changes is listed first (pattern, field, before, after); shapes that match no
pattern, or several, are listed and left alone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.evidence.traffic import InferResult

CALIBRATED_FIELDS = ("requests_per_second", "peak_requests_per_second", "items_per_request", "key_distribution",
                     "filter_keep_share", "condition_failure_share")


@dataclass(frozen=True, kw_only=True)
class Change:
    """One field of one access pattern, before and after."""

    pattern: str
    field: str
    before: Any
    after: Any


@dataclass(frozen=True, kw_only=True)
class Calibration:
    """The design's plain data with the observed figures, the changes, and what could not be matched."""

    data: dict[str, Any]
    changes: tuple[Change, ...]
    unmatched: tuple[str, ...]  # observed patterns (shape text) matching no pattern of the design, or several


def _signature(p: dict[str, Any]) -> tuple:
    kc = p.get("key_condition") or {}
    sort = kc.get("sort_key") or {}
    return p["operation"], p["table"], p.get("index"), sort.get("operator")


def calibrate(design: dict[str, Any], inferred: InferResult) -> Calibration:
    """`design` (plain data, as engine.io.design_data gives it) with the inferred patterns' observed figures."""
    import copy

    data = copy.deepcopy(design)
    observed = {p.name: p for p in inferred.model.access_patterns}
    evidence = {e.name: e for e in inferred.patterns}
    targets: dict[tuple, list[dict]] = {}
    for p in data.get("access_patterns", []):
        targets.setdefault(_signature(p), []).append(p)
    changes: list[Change] = []
    unmatched: list[str] = []
    for name, seen in observed.items():
        plain = seen.model_dump(mode="json", exclude_unset=True)
        matches = targets.get(_signature(plain), [])
        if len(matches) != 1:
            why = "no pattern of the design" if not matches else f"{len(matches)} patterns of the design"
            unmatched.append(f"{evidence[name].shape if name in evidence else name} (matches {why})")
            continue
        target = matches[0]
        for field in CALIBRATED_FIELDS:
            if field not in plain or field not in _allowed(target):
                continue
            if target.get(field) != plain[field]:
                changes.append(Change(
                    pattern=target["name"], field=field, before=target.get(field), after=plain[field]))
                target[field] = plain[field]
    return Calibration(data=data, changes=tuple(changes), unmatched=tuple(unmatched))


def _allowed(pattern: dict[str, Any]) -> set[str]:
    """The calibrated fields this pattern's operation has (engine.model.access_pattern)."""
    from engine.model.access_pattern import READ_OPERATIONS

    op = pattern["operation"]
    out = {"requests_per_second", "peak_requests_per_second", "key_distribution"}
    if op in ("Query", "Scan", "BatchGetItem", "TransactGetItems", "BatchWriteItem"):
        out.add("items_per_request")
    if op in ("Query", "Scan"):
        out.add("filter_keep_share")
    if op not in READ_OPERATIONS:
        out.add("condition_failure_share")
    return out
