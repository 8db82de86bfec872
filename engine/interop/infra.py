"""Designs out as infrastructure code (issue 13): one description of each table that every format renders.

`design_spec(model)` turns a design into a `DesignSpec`: per table its keys, the attribute definitions of key
attributes only, GSIs and LSIs with projections, billing (provisioned capacity with auto scaling bounds, or
on-demand maximums), table class, TTL, stream, point-in-time recovery, deletion protection and replicas (with
multi-region strong consistency and a witness). The renderers read only this: CloudFormation, SAM and
serverless.yml (engine.interop.cloudformation), AWS CDK apps in Python and TypeScript (engine.interop.cdk) and
Terraform (engine.interop.terraform). Identifiers (logical ids, variable and resource names) are made here from
design text; string values are quoted by each renderer for its language.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

IAC_FORMATS = ("cloudformation", "sam", "serverless", "cdk-python", "cdk-typescript", "terraform")
DEFAULT_TARGET_PERCENT = 70.0
"""Target utilization of fixed capacity written where a format only takes auto scaling (global tables' writes)."""
MREC_STREAM = "NEW_AND_OLD_IMAGES"
"""Multi-region eventually consistent replicas replicate through a stream of this view type."""


@dataclass(frozen=True)
class Scaling:
    """Target-tracking auto scaling of one capacity dimension."""

    minimum: int
    maximum: int
    target_percent: float


@dataclass(frozen=True)
class Capacity:
    """Provisioned units of one dimension (read or write), fixed or auto scaled."""

    units: int
    scaling: Scaling | None = None

    def bounds(self) -> Scaling:
        """The auto scaling settings, or fixed capacity written as min = max = units (for formats that take
        only the auto scaling form)."""
        return self.scaling or Scaling(self.units, self.units, DEFAULT_TARGET_PERCENT)

    def seed(self) -> int:
        """The units to start with, within the auto scaling bounds."""
        b = self.bounds()
        return min(max(self.units, b.minimum), b.maximum)


@dataclass(frozen=True)
class Throughput:
    """Provisioned read and write capacity of a table or a GSI."""

    read: Capacity
    write: Capacity

    @property
    def scaled(self) -> bool:
        return self.read.scaling is not None or self.write.scaling is not None


@dataclass(frozen=True)
class Key:
    """A key attribute: name and scalar type (S, N or B)."""

    name: str
    type: str


@dataclass(frozen=True)
class IndexSpec:
    """A GSI (own partition key, own throughput on provisioned tables) or an LSI (partition_key None)."""

    name: str
    partition_key: Key | None
    sort_key: Key | None
    projection: str
    non_key_attributes: tuple[str, ...]
    throughput: Throughput | None = None


@dataclass(frozen=True)
class TableSpec:
    """Everything the exports write about one table."""

    name: str
    partition_key: Key
    sort_key: Key | None
    attributes: tuple[Key, ...]
    """Definitions of the key attributes of the table and its indexes, each once (no other attribute)."""
    gsis: tuple[IndexSpec, ...]
    lsis: tuple[IndexSpec, ...]
    throughput: Throughput | None
    """Provisioned capacity, or None for on-demand."""
    max_read_request_units: int | None
    max_write_request_units: int | None
    table_class: str
    ttl_attribute: str | None
    stream_view_type: str | None
    """The design's stream, or NEW_AND_OLD_IMAGES where multi-region eventual replicas need one."""
    point_in_time_recovery: bool
    deletion_protection: bool
    regions: tuple[str, ...]
    """Every replica region, the home region first; empty for a single-region table."""
    strong: bool
    """Multi-region strong consistency (MRSC)."""
    witness_region: str | None

    @property
    def provisioned(self) -> bool:
        return self.throughput is not None

    @property
    def is_global(self) -> bool:
        return bool(self.regions)

    def replica_regions(self, home: str) -> tuple[str, ...]:
        """The replicas outside the home region (where a format declares the table itself)."""
        return tuple(r for r in self.regions if r != home)

    @property
    def scaled(self) -> bool:
        """Whether the table or one of its GSIs auto scales."""
        return any(t is not None and t.scaled for t in (self.throughput, *(g.throughput for g in self.gsis)))


@dataclass(frozen=True)
class DesignSpec:
    """The tables of a design and where they live."""

    name: str
    region: str
    tables: tuple[TableSpec, ...]


def units(value: float) -> int:
    """Whole capacity units, at least 1 (templates take integers)."""
    return max(1, int(round(value)))


def _capacity(current: float, low: float | None, high: float | None, target: float | None) -> Capacity:
    if low is None or high is None or target is None:
        return Capacity(units(current))
    lo = units(low)
    return Capacity(units(current), Scaling(lo, max(lo, units(high)), round(target * 100, 1)))


def throughput(read: float, write: float, auto: Any) -> Throughput:
    """Throughput from a design's units and its AutoScaling (or None)."""
    a = auto
    return Throughput(
        _capacity(read, a and a.min_read_capacity_units, a and a.max_read_capacity_units, a and a.target_utilization),
        _capacity(write, a and a.min_write_capacity_units, a and a.max_write_capacity_units, a and a.target_utilization))


def _key(k: Any) -> Key | None:
    return None if k is None else Key(k.name, k.type)


def table_spec(table: Any) -> TableSpec:
    """The export description of one engine.model.Table."""
    from engine.model.table import ProvisionedBilling

    b = table.billing
    provisioned = isinstance(b, ProvisionedBilling)
    gsis = tuple(IndexSpec(
        g.name, _key(g.partition_key), _key(g.sort_key), g.projection.type, tuple(g.projection.attributes),
        throughput(g.provisioned.read_capacity_units, g.provisioned.write_capacity_units, g.provisioned.auto_scaling)
        if provisioned and g.provisioned is not None else None) for g in table.gsis)
    lsis = tuple(IndexSpec(lsi.name, None, _key(lsi.sort_key), lsi.projection.type, tuple(lsi.projection.attributes))
                 for lsi in table.lsis)
    gt = table.global_table
    strong = gt is not None and gt.mode == "MRSC"
    stream = table.stream_view_type or (MREC_STREAM if gt is not None and not strong else None)
    return TableSpec(
        name=table.name, partition_key=Key(table.partition_key.name, table.partition_key.type),
        sort_key=_key(table.sort_key), attributes=tuple(Key(n, t) for n, t in table.key_types.items()), gsis=gsis, lsis=lsis,
        throughput=throughput(b.read_capacity_units, b.write_capacity_units, b.auto_scaling) if provisioned else None,
        max_read_request_units=None if provisioned or b.max_read_request_units is None else units(b.max_read_request_units),
        max_write_request_units=None if provisioned or b.max_write_request_units is None
        else units(b.max_write_request_units),
        table_class=table.table_class, ttl_attribute=table.ttl_attribute, stream_view_type=stream,
        # the design schema has no point-in-time recovery field yet: exports write it once a table carries one
        point_in_time_recovery=table.point_in_time_recovery,
        deletion_protection=table.deletion_protection,
        regions=() if gt is None else tuple(gt.regions), strong=strong,
        witness_region=gt.witness_region if gt is not None else None)


def design_spec(model: Any) -> DesignSpec:
    """The export description of a design (engine.model.DataModel)."""
    return DesignSpec(model.name, model.region, tuple(table_spec(t) for t in model.tables))


# ----------------------------------------------------------------------------- names and text


def words(text: str) -> list[str]:
    """The ASCII letter/digit runs of a text, split at case changes too (`OrderItems-v2` -> Order, Items, v2;
    digits stay with the word before them: `gsi1`)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    out: list[str] = []
    for run in re.findall(r"[A-Za-z0-9]+", ascii_text):
        out += re.findall(r"[A-Z]+[0-9]*(?![a-z])|[A-Z]?[a-z]+[0-9]*|[0-9]+", run)
    return out


def pascal(text: str, fallback: str = "Table") -> str:
    """PascalCase identifier (letters and digits, starting with a letter)."""
    out = "".join(w[:1].upper() + w[1:] for w in words(text)) or fallback
    return out if out[0].isalpha() else fallback[:1].upper() + out


def snake(text: str, fallback: str = "table") -> str:
    """snake_case identifier (lowercase letters, digits and `_`, starting with a letter)."""
    out = "_".join(w.lower() for w in words(text)) or fallback
    return out if out[0].isalpha() else fallback[:1].lower() + "_" + out


def camel(text: str, fallback: str = "table") -> str:
    """camelCase identifier."""
    out = pascal(text, fallback.capitalize())
    return out[:1].lower() + out[1:]


def slug(name: str) -> str:
    """A file-name-safe lowercase form of a design name (as the app names export downloads)."""
    return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower()[:40] or "design"


def comment_text(text: str, limit: int = 120) -> str:
    """Design text fit for a one-line comment in any language: no control, format or line-separator character
    (a newline would end the comment and start code), runs of spaces collapsed, at most `limit` characters."""
    kept = "".join(" " if unicodedata.category(c)[0] in "CZ" else c for c in text)
    out = " ".join(kept.split())
    return out if len(out) <= limit else out[:limit - 3] + "..."


# ----------------------------------------------------------------------------- entry points


def export_infrastructure(model: Any, to: str) -> str:
    """Text of the design in one of IAC_FORMATS."""
    import importlib

    from engine.interop.notes import InteropError

    writers = {"cloudformation": ("cloudformation", "cloudformation_text"), "sam": ("cloudformation", "sam_text"),
               "serverless": ("cloudformation", "serverless_text"), "cdk-python": ("cdk", "python_app"),
               "cdk-typescript": ("cdk", "typescript_stack"), "terraform": ("terraform", "terraform_text")}
    if to not in writers:
        raise InteropError(f"unknown infrastructure format '{to}'; use one of {', '.join(IAC_FORMATS)}")
    module, function = writers[to]
    return getattr(importlib.import_module(f"engine.interop.{module}"), function)(design_spec(model))


def infrastructure_notes(model: Any, to: str) -> list[str]:
    """What a design holds that an infrastructure format does not carry, one line per table and per design."""
    from engine.model.table import OnDemandBilling, ProvisionedBilling

    out: list[str] = []
    for t in model.tables:
        b = t.billing
        lost = [what for what, present in (
            ("previous peaks and warm throughput", isinstance(b, OnDemandBilling) and any(
                v is not None for v in (b.previous_peak_read_units_per_second, b.previous_peak_write_units_per_second,
                                        b.warm_read_units_per_second, b.warm_write_units_per_second))),
            ("reserved capacity (bought separately)", isinstance(b, ProvisionedBilling) and bool(
                b.reserved_read_capacity_units or b.reserved_write_capacity_units)),
            ("auto scaling of the replicas outside the home region (aws_appautoscaling_* act in the provider's "
             "region; add a provider and targets per region)", to == "terraform" and t.global_table is not None
             and table_spec(t).scaled),
            (f"{len(t.stream_consumers)} stream consumer(s) (Lambda triggers, Kinesis, Pipes: deploy them with their "
             "own resources)", bool(t.stream_consumers))) if present]
        if lost:
            out.append(f"table {t.name}: {', '.join(lost)} not carried")
    if model.entities:
        out.append(f"{len(model.entities)} entit(ies): infrastructure files declare tables only (no item types)")
    return out


__all__ = ["IAC_FORMATS", "Capacity", "DesignSpec", "IndexSpec", "Key", "Scaling", "TableSpec", "Throughput",
           "camel", "comment_text", "design_spec", "export_infrastructure", "infrastructure_notes", "pascal", "slug",
           "snake", "table_spec", "throughput", "units", "words"]
