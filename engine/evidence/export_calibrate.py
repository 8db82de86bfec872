"""A design calibrated from a measured export (`analyze-export --design ... --apply -o out.yaml`).

For each entity of the exported table the design's fields that an export measures take the measured figures:
- `item_count`: the items recognised as the entity;
- each attribute's `size_bytes` (the mean value size, name excluded, as the schema defines it), `min_size_bytes` /
  `max_size_bytes` (the smallest and largest value seen; removed when every value has one size), `presence` (share of
  the entity's items carrying it) and `type` (the most common DynamoDB type seen); attributes the items carry that the
  entity does not list are added, attributes no item carries get presence 0;
- each key template variable's `cardinality`: the distinct values seen in the entity's key attributes (variables
  with explicit `values` keep them);
- `key_distribution` (when it is uniform or Zipf): a Zipf exponent fitted to the items per partition key value (see
  engine.evidence.export.EntitySummary.zipf_exponent), uniform when no skew is found. This is how items spread over
  partition keys, which the design also uses to spread its sample items; request popularity can differ: calibrate it
  from traffic with `ddb-workbench infer --design`.
Growth, access patterns, billing and indexes are not in an export and stay as they were. The result is validated as a
whole before anything is written.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from engine.evidence.export import EntitySummary, ExportAnalysis
from engine.evidence.export_files import ExportError

SIZE_DECIMALS = 1
SHARE_DECIMALS = 4


@dataclass(frozen=True, kw_only=True)
class EntityChange:
    """One field of one entity, before and after (None: absent)."""

    entity: str
    field: str
    before: Any
    after: Any

    def text(self) -> str:
        def shown(v: Any) -> str:
            if v is None:
                return "(none)"
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                return str(v)
            return f"{v:,}" if isinstance(v, int) else f"{v:,.{SHARE_DECIMALS}g}" if abs(v) < 1 else f"{v:,.1f}"

        return f"{self.entity}.{self.field}: {shown(self.before)} -> {shown(self.after)}"


@dataclass(frozen=True, kw_only=True)
class SizeCheck:
    """An entity's mean item size: the design's before, measured, the calibrated design's."""

    entity: str
    design_before: float
    measured: float
    design_after: float


@dataclass(frozen=True, kw_only=True)
class ExportCalibration:
    """The calibrated design (model and plain data), what changed, and what was left alone and why."""

    model: Any
    changes: tuple[EntityChange, ...]
    size_checks: tuple[SizeCheck, ...]
    notes: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"changes": [c.__dict__ for c in self.changes], "item_size_checks": [s.__dict__ for s in self.size_checks],
                "notes": list(self.notes)}


def _attribute_fields(measured: Any) -> dict[str, Any]:
    kind = max(measured.types.items(), key=lambda kv: (kv[1], kv[0]))[0]
    out: dict[str, Any] = {"type": kind, "size_bytes": round(measured.value_bytes_mean, SIZE_DECIMALS)}
    if measured.value_bytes_min != measured.value_bytes_max:
        out["min_size_bytes"] = float(measured.value_bytes_min)
        out["max_size_bytes"] = float(measured.value_bytes_max)
    out["presence"] = round(measured.presence, SHARE_DECIMALS)
    return out


def _calibrate_entity(entity: dict[str, Any], m: EntitySummary, changes: list[EntityChange], notes: list[str]) -> None:
    name = entity["name"]

    def change(field: str, target: dict[str, Any], key: str, value: Any) -> None:
        before = target.get(key)
        if before != value:
            changes.append(EntityChange(entity=name, field=field, before=before, after=value))
            if value is None:
                target.pop(key, None)
            else:
                target[key] = value

    change("item_count", entity, "item_count", m.items)
    templated = {k["attribute"] for k in entity.get("keys", [])}
    measured = {a.name: a for a in m.attributes}
    specs = entity.setdefault("attributes", [])
    for spec in specs:
        seen = measured.get(spec["name"])
        where = f"attributes.{spec['name']}"
        if seen is None:
            change(f"{where}.presence", spec, "presence", 0.0)
            notes.append(f"{name}: no item carries {spec['name']}; its presence is set to 0")
            continue
        fields = _attribute_fields(seen)
        if len(seen.types) > 1:
            notes.append(f"{name}.{spec['name']}: values of several types {seen.types}; the most common is kept")
        for key in ("type", "size_bytes", "min_size_bytes", "max_size_bytes", "presence"):
            default = {"type": "S", "presence": 1.0}.get(key)
            current = spec.get(key, default)
            wanted = fields.get(key)
            if wanted is None and key in ("min_size_bytes", "max_size_bytes") and key in spec:
                change(f"{where}.{key}", spec, key, None)
            elif wanted is not None and current != wanted:
                change(f"{where}.{key}", spec, key, wanted)
    listed = {s["name"] for s in specs}
    for attr in m.attributes:
        if attr.name in listed or attr.name in templated:
            continue
        spec = {"name": attr.name, **_attribute_fields(attr)}
        specs.append(spec)
        changes.append(EntityChange(entity=name, field=f"attributes.{attr.name}", before=None, after="added"))
    for variable in entity.get("variables", []):
        seen_values = m.variables.get(variable["name"])
        if not seen_values:
            continue
        if variable.get("values"):
            if seen_values != len(variable["values"]):
                notes.append(f"{name}: variable {variable['name']} lists {len(variable['values'])} values, "
                             f"{seen_values} were seen; its values are kept")
            continue
        change(f"variables.{variable['name']}.cardinality", variable, "cardinality", seen_values)
    kind = (entity.get("key_distribution") or {"kind": "uniform"}).get("kind")
    if kind in ("uniform", "zipf") and m.partition_keys is not None and m.partition_keys.distinct > 1:
        wanted = {"kind": "zipf", "exponent": m.zipf_exponent} if m.zipf_exponent else {"kind": "uniform"}
        current = entity.get("key_distribution") or {"kind": "uniform"}
        if current != wanted:
            change("key_distribution", entity, "key_distribution", wanted)
    elif kind not in ("uniform", "zipf"):
        notes.append(f"{name}: key_distribution {kind} is kept (only uniform and Zipf are fitted)")


def calibrate_from_export(model: Any, analysis: ExportAnalysis, table: str) -> ExportCalibration:
    """`model` with its entities of `table` calibrated from `analysis` (see the module docstring)."""
    from engine.errors import DesignValidationError
    from engine.io import design_data
    from engine.itemsize import entity_size_distribution
    from engine.model import parse_model

    data = copy.deepcopy(design_data(model))
    data.pop("format_version", None)
    changes: list[EntityChange] = []
    notes: list[str] = []
    for entity in data.get("entities", []):
        if entity["table"] != table:
            continue
        m = analysis.entity(entity["name"])
        if m is None or m.items == 0:
            notes.append(f"{entity['name']}: no item of the export was recognised by its key templates; left as it "
                         "was")
            continue
        _calibrate_entity(entity, m, changes, notes)
    try:
        calibrated = parse_model(data, source="calibrated design")
    except DesignValidationError as exc:
        raise ExportError("the calibrated design is not valid, nothing was written: " + "; ".join(exc.problems[:5])) \
            from None
    checks = []
    t_before, t_after = model.table(table), calibrated.table(table)
    for entity in model.entities_of(table):
        m = analysis.entity(entity.name)
        if m is None or m.items == 0:
            continue
        after = calibrated.entity(entity.name)
        checks.append(SizeCheck(
            entity=entity.name, design_before=round(entity_size_distribution(entity, t_before).mean, 1),
            measured=m.sizes.mean_bytes, design_after=round(entity_size_distribution(after, t_after).mean, 1)))
    return ExportCalibration(
        model=calibrated, changes=tuple(changes), size_checks=tuple(checks), notes=tuple(notes))


__all__ = ["EntityChange", "ExportCalibration", "SizeCheck", "calibrate_from_export"]
