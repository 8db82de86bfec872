"""A design as Terraform: `aws_dynamodb_table` resources, auto scaling targets and policies, outputs.

The file is written in `terraform fmt`'s canonical layout (two-space indents, `=` aligned within each run of
attributes, blocks apart) and names the lowest AWS provider version that has every argument it uses. Design text
only ever stands inside quoted strings, escaped for HCL: `"`, `\\`, control characters, and the template
sequences `${` and `%{` (written `$${` and `%%{`), so a name cannot end its string or interpolate anything.
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from engine.interop.infra import (
    Capacity,
    DesignSpec,
    IndexSpec,
    TableSpec,
    comment_text,
    slug,
    snake,
)
from engine.interop.notes import unique

_METRIC = {"read": "DynamoDBReadCapacityUtilization", "write": "DynamoDBWriteCapacityUtilization"}
_SIMPLE_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
BASE_PROVIDER = (5, 0)
"""The lowest hashicorp/aws version written: every argument of a simple table exists in 5.0."""


@dataclass(frozen=True)
class Raw:
    """An HCL expression written as it is (a reference such as `aws_dynamodb_table.orders.name`)."""

    text: str


@dataclass(frozen=True)
class Template:
    """A quoted template string: literal text (escaped) and `${...}` interpolations of references."""

    parts: tuple[str | Raw, ...]


@dataclass
class Block:
    """`type "label" ... { body }`: attributes as (name, value) pairs, nested blocks, and comment lines (str in
    `comments` stand before the block)."""

    type: str
    labels: tuple[str, ...] = ()
    body: list[Any] = field(default_factory=list)
    comments: tuple[str, ...] = ()

    def set(self, name: str, value: Any) -> Block:
        """Adds an attribute unless its value is None; returns the block."""
        if value is not None:
            self.body.append((name, value))
        return self

    def add(self, block: Block) -> Block:
        self.body.append(block)
        return block


def hcl_escape(text: str) -> str:
    """Text as the inside of an HCL quoted string."""
    out = []
    for ch in text:
        if ch in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[ch])
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            out.append(f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}")
        else:
            out.append(ch)
    return re.sub(r"([$%])(?=\{)", r"\1\1", "".join(out))


def hcl_str(text: str) -> str:
    """An HCL quoted string holding exactly `text`."""
    return '"' + hcl_escape(text) + '"'


def expression(value: Any) -> str:
    """HCL text of a value: string, number, bool, list, Raw reference or Template."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    if isinstance(value, str):
        return hcl_str(value)
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, Template):
        return '"' + "".join(hcl_escape(p) if isinstance(p, str) else "${" + p.text + "}" for p in value.parts) + '"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(expression(v) for v in value) + "]"
    raise TypeError(f"no HCL for {type(value).__name__}")


def render(blocks: list[Block], level: int = 0) -> str:
    """Blocks in `terraform fmt` layout, a blank line between them."""
    return "\n".join(_block(b, level) for b in blocks)


def _block(b: Block, level: int) -> str:
    pad = "  " * level
    head = "".join(f"{pad}# {line}\n" for c in b.comments for line in textwrap.wrap(c, 100 - len(pad)))
    labels = "".join(f" {hcl_str(label)}" for label in b.labels)
    if not b.body:
        return f"{head}{pad}{b.type}{labels} {{\n{pad}}}\n"
    groups: list[str] = []
    run: list[tuple[str, Any]] = []

    def flush() -> None:
        if run:
            width = max(len(name) for name, _ in run)
            groups.append("".join(f"{pad}  {name.ljust(width)} = {expression(v)}\n" for name, v in run))
            run.clear()

    for item in b.body:
        if isinstance(item, Block):
            flush()
            groups.append(_block(item, level + 1))
        else:
            run.append(item)
    flush()
    return f"{head}{pad}{b.type}{labels} {{\n" + "\n".join(groups) + f"{pad}}}\n"


# ----------------------------------------------------------------------------- the design


def provider_version(spec: DesignSpec) -> tuple[tuple[int, int], list[str]]:
    """The lowest hashicorp/aws version with every argument the file uses, and what needs it."""
    needs = [((5, 72), "on_demand_throughput", any(t.max_read_request_units or t.max_write_request_units
                                                   for t in spec.tables)),
             ((6, 3), "replica.consistency_mode", any(t.strong for t in spec.tables)),
             ((6, 9), "replica.deletion_protection_enabled", any(t.is_global and t.deletion_protection
                                                                 for t in spec.tables)),
             ((6, 22), "global_table_witness", any(t.witness_region for t in spec.tables))]
    used = [(v, what) for v, what, present in needs if present]
    return max([BASE_PROVIDER, *(v for v, _ in used)]), [what for _, what in used]


def _table(t: TableSpec, name: str, home: str) -> Block:
    tp = t.throughput
    b = Block("resource", ("aws_dynamodb_table", name))
    b.set("name", t.name).set("billing_mode", "PROVISIONED" if tp else "PAY_PER_REQUEST")
    b.set("read_capacity", tp.read.units if tp else None).set("write_capacity", tp.write.units if tp else None)
    b.set("hash_key", t.partition_key.name).set("range_key", t.sort_key.name if t.sort_key else None)
    b.set("table_class", t.table_class if t.table_class != "STANDARD" else None)
    b.set("stream_enabled", True if t.stream_view_type else None).set("stream_view_type", t.stream_view_type)
    b.set("deletion_protection_enabled", True if t.deletion_protection else None)
    for k in t.attributes:
        b.add(Block("attribute")).set("name", k.name).set("type", k.type)
    for g in t.gsis:
        scaled_note = ("auto scaling changes this index's capacity; ignore_changes cannot single out one index, so "
                       "`terraform plan` shows the capacity it has reached",) if g.throughput and g.throughput.scaled else ()
        _index(b.add(Block("global_secondary_index", comments=scaled_note)), g,
               g.partition_key.name if g.partition_key else None)
    for lsi in t.lsis:
        _index(b.add(Block("local_secondary_index")), lsi, None)
    if t.ttl_attribute:
        b.add(Block("ttl")).set("attribute_name", t.ttl_attribute).set("enabled", True)
    if t.point_in_time_recovery:
        b.add(Block("point_in_time_recovery")).set("enabled", True)
    if t.max_read_request_units or t.max_write_request_units:
        b.add(Block("on_demand_throughput")).set("max_read_request_units", t.max_read_request_units) \
            .set("max_write_request_units", t.max_write_request_units)
    for region in t.replica_regions(home):
        b.add(Block("replica")).set("region_name", region).set("consistency_mode", "STRONG" if t.strong else None) \
            .set("point_in_time_recovery", True if t.point_in_time_recovery else None) \
            .set("deletion_protection_enabled", True if t.deletion_protection else None)
    if t.witness_region:
        b.add(Block("global_table_witness")).set("region_name", t.witness_region)
    scaled = [dim for dim, cap in (("read_capacity", tp.read), ("write_capacity", tp.write)) if cap.scaling] if tp else []
    if scaled:
        b.add(Block("lifecycle", comments=("auto scaling sets the table's capacity: this keeps `terraform apply` from "
                                           "setting it back",))).set("ignore_changes", [Raw(d) for d in scaled])
    return b


def _index(b: Block, index: IndexSpec, hash_key: str | None) -> None:
    b.set("name", index.name).set("hash_key", hash_key)
    b.set("range_key", index.sort_key.name if index.sort_key else None).set("projection_type", index.projection)
    b.set("non_key_attributes", list(index.non_key_attributes) if index.projection == "INCLUDE" else None)
    if index.throughput is not None:
        b.set("read_capacity", index.throughput.read.units).set("write_capacity", index.throughput.write.units)


def _scaling(t: TableSpec, name: str, taken: set[str]) -> list[Block]:
    """aws_appautoscaling_target + aws_appautoscaling_policy (target tracking) per auto scaled dimension."""
    table_ref = Raw(f"aws_dynamodb_table.{name}.name")
    places: list[tuple[str, str, Template, Any]] = [(name, "table", Template(("table/", table_ref)), t.throughput)]
    places += [(f"{name}_{snake(g.name, 'index')}", "index", Template(("table/", table_ref, "/index/" + g.name)),
                g.throughput) for g in t.gsis]
    out: list[Block] = []
    for prefix, kind, resource_id, tp in places:
        for dim in ("read", "write"):
            cap: Capacity | None = getattr(tp, dim) if tp is not None else None
            if cap is None or cap.scaling is None:
                continue
            rname = unique(f"{prefix}_{dim}", taken)
            target = f"aws_appautoscaling_target.{rname}"
            out.append(Block("resource", ("aws_appautoscaling_target", rname))
                       .set("max_capacity", cap.scaling.maximum).set("min_capacity", cap.scaling.minimum)
                       .set("resource_id", resource_id)
                       .set("scalable_dimension", f"dynamodb:{kind}:{dim.capitalize()}CapacityUnits")
                       .set("service_namespace", "dynamodb"))
            policy = Block("resource", ("aws_appautoscaling_policy", rname))
            policy.set("name", Template((f"{_METRIC[dim]}:", Raw(f"{target}.resource_id"))))
            policy.set("policy_type", "TargetTrackingScaling").set("resource_id", Raw(f"{target}.resource_id"))
            policy.set("scalable_dimension", Raw(f"{target}.scalable_dimension"))
            policy.set("service_namespace", Raw(f"{target}.service_namespace"))
            config = policy.add(Block("target_tracking_scaling_policy_configuration"))
            config.set("target_value", cap.scaling.target_percent)
            config.add(Block("predefined_metric_specification")).set("predefined_metric_type", _METRIC[dim])
            out.append(policy)
    return out


def terraform_blocks(spec: DesignSpec) -> list[Block]:
    """The provider requirements, the provider in the design's region, each table with its auto scaling, and
    an output per table name."""
    version, _ = provider_version(spec)
    settings = Block("terraform")
    settings.add(Block("required_providers")).set("aws", Raw(
        "{\n      source  = \"hashicorp/aws\"\n" f"      version = \">= {version[0]}.{version[1]}\"\n    }}"))
    blocks = [settings, Block("provider", ("aws",)).set("region", spec.region)]
    taken: set[str] = set()
    names = [unique(snake(t.name, "table"), taken) for t in spec.tables]
    scaling_taken: set[str] = set()
    for t, name in zip(spec.tables, names, strict=True):
        blocks.append(_table(t, name, spec.region))
        blocks += _scaling(t, name, scaling_taken)
    output_taken: set[str] = set()
    blocks += [Block("output", (unique(f"{name}_table_name", output_taken),))
               .set("description", f"Name of table {t.name}").set("value", Raw(f"aws_dynamodb_table.{name}.name"))
               for t, name in zip(spec.tables, names, strict=True)]
    return blocks


def terraform_text(spec: DesignSpec) -> str:
    """The design as one Terraform file (`terraform fmt` layout) with a header saying how to use it."""
    version, why = provider_version(spec)
    lines = textwrap.wrap(f"DynamoDB tables of the design '{comment_text(spec.name)}' as Terraform (exported by "
                          "the DynamoDB Design Workbench).", 100)
    lines += [f"Usage: save as {slug(spec.name)}.tf in a folder of its own, then `terraform init` and "
              "`terraform apply`."]
    if why:
        lines += textwrap.wrap(f"The AWS provider needs version {version[0]}.{version[1]} or later for: "
                               f"{', '.join(why)}.", 100)
    return "".join(f"# {line}\n" for line in lines) + "\n" + render(terraform_blocks(spec))


__all__ = ["Block", "Raw", "Template", "expression", "hcl_escape", "hcl_str", "provider_version", "render",
           "terraform_blocks", "terraform_text"]
