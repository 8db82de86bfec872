"""A design as an AWS CDK app: `app.py` (Python) or a `lib/<name>-stack.ts` stack (TypeScript).

Both are printed from one language-neutral description of the stack's statements (calls, structs, enum members,
table references), so the two files say the same: a `dynamodb.TableV2` per table (it synthesizes
AWS::DynamoDB::GlobalTable, with replicas where the design has them) and a CfnOutput with each table's name.
Names of calls and fields are written in Python's snake_case and turned into TypeScript's camelCase.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from engine.interop.cloudformation import logical_id
from engine.interop.infra import (
    Capacity,
    DesignSpec,
    IndexSpec,
    Key,
    TableSpec,
    camel,
    comment_text,
    pascal,
    slug,
    snake,
)
from engine.interop.notes import unique

WIDTH = 110
"""Lines up to this long stay on one line."""
_ATTRIBUTE_TYPES = {"S": "STRING", "N": "NUMBER", "B": "BINARY"}


@dataclass(frozen=True)
class Call:
    """`func(args, kwargs)`; TypeScript passes the keyword arguments as one object literal (`new` when asked)."""

    func: str
    args: tuple[Any, ...] = ()
    kwargs: tuple[tuple[str, Any], ...] = ()
    new: bool = False


@dataclass(frozen=True)
class Struct:
    """A props struct: `dynamodb.Attribute(name=...)` in Python, an object literal `{ name: ... }` in TypeScript."""

    type: str
    fields: tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class Code:
    """Code that reads the same in both languages (an enum member such as `dynamodb.TableClass.STANDARD`)."""

    text: str


@dataclass(frozen=True)
class Scope:
    """The stack itself: `self` / `this`."""


@dataclass(frozen=True)
class TableAttr:
    """An attribute of the n-th table's construct (`orders_table.table_name` / `ordersTable.tableName`)."""

    index: int
    attr: str


@dataclass(frozen=True)
class Statement:
    """`value` alone, or bound to the n-th table's variable."""

    value: Call
    table: int | None = None


# ----------------------------------------------------------------------------- the stack, language-neutral


def _fields(*pairs: tuple[str, Any]) -> tuple[tuple[str, Any], ...]:
    """Keyword pairs without the unset (None, empty) ones."""
    return tuple((k, v) for k, v in pairs if v is not None and v != [] and v != ())


def _attribute(key: Key) -> Struct:
    return Struct("dynamodb.Attribute", (("name", key.name), ("type", Code(f"dynamodb.AttributeType.{_ATTRIBUTE_TYPES[key.type]}"))))


def _capacity(cap: Capacity, fixed_allowed: bool) -> Call:
    """Fixed capacity, or auto scaling; TableV2 takes write capacity only as auto scaling (min = max when fixed)."""
    if cap.scaling is None and fixed_allowed:
        return Call("dynamodb.Capacity.fixed", (cap.units,))
    b = cap.bounds()
    return Call("dynamodb.Capacity.autoscaled", kwargs=_fields(
        ("min_capacity", b.minimum), ("max_capacity", b.maximum), ("target_utilization_percent", b.target_percent),
        ("seed_capacity", cap.seed() if cap.scaling is not None else None)))


def _billing(table: TableSpec) -> Call:
    tp = table.throughput
    if tp is None:
        return Call("dynamodb.Billing.on_demand", kwargs=_fields(
            ("max_read_request_units", table.max_read_request_units),
            ("max_write_request_units", table.max_write_request_units)))
    return Call("dynamodb.Billing.provisioned", kwargs=(
        ("read_capacity", _capacity(tp.read, True)), ("write_capacity", _capacity(tp.write, False))))


def _projection(index: IndexSpec) -> tuple[tuple[str, Any], ...]:
    return _fields(("projection_type", Code(f"dynamodb.ProjectionType.{index.projection}")),
                   ("non_key_attributes", list(index.non_key_attributes) if index.projection == "INCLUDE" else None))


def _gsi(g: IndexSpec) -> Struct:
    tp = g.throughput
    return Struct("dynamodb.GlobalSecondaryIndexPropsV2", _fields(
        ("index_name", g.name), ("partition_key", _attribute(g.partition_key) if g.partition_key else None),
        ("sort_key", _attribute(g.sort_key) if g.sort_key else None), *_projection(g),
        ("read_capacity", _capacity(tp.read, True) if tp else None),
        ("write_capacity", _capacity(tp.write, False) if tp else None)))


def _lsi(lsi: IndexSpec) -> Struct:
    return Struct("dynamodb.LocalSecondaryIndexProps", _fields(
        ("index_name", lsi.name), ("sort_key", _attribute(lsi.sort_key) if lsi.sort_key else None), *_projection(lsi)))


def _pitr(table: TableSpec) -> Struct | None:
    return Struct("dynamodb.PointInTimeRecoverySpecification", (("point_in_time_recovery_enabled", True),)) \
        if table.point_in_time_recovery else None


def _replica(table: TableSpec, region: str) -> Struct:
    """A replica: the table's settings, which TableV2 does not copy for deletion protection and recovery."""
    return Struct("dynamodb.ReplicaTableProps", _fields(
        ("region", region), ("deletion_protection", True if table.deletion_protection else None),
        ("point_in_time_recovery_specification", _pitr(table))))


def table_call(table: TableSpec, construct_id: str, home: str) -> Call:
    """`dynamodb.TableV2(scope, id, ...)` with every setting of the table."""
    return Call("dynamodb.TableV2", (Scope(), construct_id), _fields(
        ("table_name", table.name),
        ("partition_key", _attribute(table.partition_key)),
        ("sort_key", _attribute(table.sort_key) if table.sort_key else None),
        ("billing", _billing(table)),
        ("table_class", Code(f"dynamodb.TableClass.{table.table_class}") if table.table_class != "STANDARD" else None),
        ("time_to_live_attribute", table.ttl_attribute),
        ("dynamo_stream", Code(f"dynamodb.StreamViewType.{table.stream_view_type}") if table.stream_view_type else None),
        ("point_in_time_recovery_specification", _pitr(table)),
        ("deletion_protection", True if table.deletion_protection else None),
        ("global_secondary_indexes", [_gsi(g) for g in table.gsis]),
        ("local_secondary_indexes", [_lsi(lsi) for lsi in table.lsis]),
        ("replicas", [_replica(table, region) for region in table.replica_regions(home)]),
        ("multi_region_consistency", Code("dynamodb.MultiRegionConsistency.STRONG") if table.strong else None),
        ("witness_region", table.witness_region)), new=True)


def statements(spec: DesignSpec) -> list[Statement]:
    """The body of the stack: each table, then an output with each table's name."""
    taken: set[str] = set()
    ids = [logical_id(t.name, taken) for t in spec.tables]
    out = [Statement(table_call(t, cid, spec.region), i) for i, (t, cid) in enumerate(zip(spec.tables, ids, strict=True))]
    out += [Statement(Call("cdk.CfnOutput", (Scope(), logical_id(f"{cid}Name", taken, "Name")),
                           (("value", TableAttr(i, "table_name")),), new=True)) for i, cid in enumerate(ids)]
    return out


def stack_name(spec: DesignSpec) -> str:
    """The stack's class name and construct id (a valid CloudFormation stack name)."""
    return pascal(spec.name, "Design")[:60] + "Stack"


def table_variables(spec: DesignSpec, ident: Callable[[str], str], suffix: str) -> list[str]:
    """One variable name per table (`ident` of its name plus `suffix`, made unique)."""
    taken: set[str] = set()
    return [unique(ident(t.name) + suffix, taken, "") for t in spec.tables]


# ----------------------------------------------------------------------------- printing


def py_str(text: str) -> str:
    """A Python string literal (double quotes where the text holds none)."""
    r = repr(text)
    return '"' + r[1:-1] + '"' if r.startswith("'") and '"' not in text else r


def ts_str(text: str) -> str:
    """A TypeScript string literal (JSON's escapes, ASCII only: no character can end it or the line)."""
    return json.dumps(text, ensure_ascii=True)


def to_camel(name: str) -> str:
    """snake_case -> camelCase (the last part of a dotted name only)."""
    head, _, last = name.rpartition(".")
    first, *rest = last.split("_")
    return (head + "." if head else "") + first + "".join(p[:1].upper() + p[1:] for p in rest)


class _Printer:
    """Prints the neutral values in one language, inline when short, else one item per line."""

    def __init__(self, lang: str, variables: list[str], indent: str):
        self.lang, self.variables, self.step = lang, variables, indent

    def key(self, name: str) -> str:
        return name if self.lang == "python" else to_camel(name)

    def value(self, v: Any, level: int) -> str:
        if isinstance(v, bool):
            return ("True" if v else "False") if self.lang == "python" else ("true" if v else "false")
        if isinstance(v, (int, float)):
            return str(int(v)) if float(v).is_integer() else repr(float(v))
        if isinstance(v, str):
            return py_str(v) if self.lang == "python" else ts_str(v)
        if isinstance(v, Code):
            return v.text
        if isinstance(v, Scope):
            return "self" if self.lang == "python" else "this"
        if isinstance(v, TableAttr):
            return f"{self.variables[v.index]}.{self.key(v.attr)}"
        if isinstance(v, list):
            return self._group("[", [self.value(x, level + 1) for x in v], "]", level)
        if isinstance(v, Struct):
            items = [self._pair(k, x, level + 1) for k, x in v.fields]
            if self.lang == "python":
                return self._group(v.type + "(", items, ")", level)
            return self._group("{", items, "}", level, pad=" ")
        if isinstance(v, Call):
            return self._call(v, level)
        raise TypeError(f"cannot print {type(v).__name__}")

    def _pair(self, k: str, v: Any, level: int) -> str:
        return f"{k}={self.value(v, level)}" if self.lang == "python" else f"{self.key(k)}: {self.value(v, level)}"

    def _call(self, c: Call, level: int) -> str:
        args = [self.value(a, level + 1) for a in c.args]
        if self.lang == "python":
            return self._group(c.func + "(", args + [self._pair(k, v, level + 1) for k, v in c.kwargs], ")", level)
        head = ("new " if c.new else "") + to_camel(c.func) + "("
        if not c.kwargs:
            return self._group(head, args, ")", level)
        props = self._group("{", [self._pair(k, v, level + 1) for k, v in c.kwargs], "}", level, pad=" ")
        return head + ", ".join([*args, props]) + ")"

    def _group(self, open_: str, items: list[str], close: str, level: int, pad: str = "") -> str:
        if not items:
            return open_ + close
        inline = open_ + pad + ", ".join(items) + pad + close
        if "\n" not in inline and len(inline) + len(self.step) * level <= WIDTH:
            return inline
        inner = self.step * (level + 1)
        return open_ + "\n" + "".join(f"{inner}{item},\n" for item in items) + self.step * level + close


def _header(spec: DesignSpec, prefix: str, usage: list[str]) -> str:
    """Comment lines: what the file is (the design's name made comment-safe) and how to use it."""
    title = textwrap.wrap(f"DynamoDB tables of the design '{comment_text(spec.name)}' as an AWS CDK stack "
                          "(exported by the DynamoDB Design Workbench).", 100)
    return "".join(f"{prefix} {line}".rstrip() + "\n" for line in [*title, *usage])


def python_app(spec: DesignSpec) -> str:
    """A complete CDK app in Python (`app.py`): one stack with the design's tables."""
    variables = table_variables(spec, lambda n: snake(n, "table"), "_table")
    p = _Printer("python", variables, "    ")
    name = stack_name(spec)
    body = []
    for s in statements(spec):
        code = p.value(s.value, 2)
        body.append(f"        {variables[s.table]} = {code}\n" if s.table is not None else f"        {code}\n")
    usage = ["Usage: pip install aws-cdk-lib constructs (and the CDK CLI: npm install -g aws-cdk), then",
             "`cdk deploy --app 'python3 app.py'`. `python3 app.py` alone writes the CloudFormation template to",
             "cdk.out/ (or to $CDK_OUTDIR). The stack is pinned to the design's home region: global tables create",
             "their replicas from it."]
    return ("#!/usr/bin/env python3\n" + _header(spec, "#", usage)
            + '"""AWS CDK app: one stack with the tables of a DynamoDB design."""\n\n'
            "import os\n\nimport aws_cdk as cdk\nfrom aws_cdk import aws_dynamodb as dynamodb\n"
            "from constructs import Construct\n\n\n"
            f"class {name}(cdk.Stack):\n"
            '    """The design\'s DynamoDB tables."""\n\n'
            "    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:\n"
            "        super().__init__(scope, construct_id, **kwargs)\n\n"
            + "".join(body) + "\n\n"
            "app = cdk.App()\n"
            + p.value(Call(name, (Code("app"), name), (("env", Call("cdk.Environment", kwargs=(
                ("account", Code('os.getenv("CDK_DEFAULT_ACCOUNT")')), ("region", spec.region)))),)), 0)
            + "\napp.synth()\n")


def typescript_stack(spec: DesignSpec) -> str:
    """A CDK stack in TypeScript, in the shape of `cdk init`'s lib/<name>-stack.ts."""
    variables = table_variables(spec, lambda n: camel(n, "table"), "Table")
    p = _Printer("typescript", variables, "  ")
    name = stack_name(spec)
    file = slug(spec.name)
    body = []
    for s in statements(spec):
        code = p.value(s.value, 2)
        body.append(f"    const {variables[s.table]} = {code};\n" if s.table is not None else f"    {code};\n")
    usage = [f"Usage: in a CDK app (`npx cdk init app --language typescript`), save this file as lib/{file}-stack.ts",
             f"and create the stack in bin/ (for example bin/{file}.ts):",
             f'  import {{ {name}, DESIGN_REGION }} from "../lib/{file}-stack";',
             f'  new {name}(app, "{name}", {{ env: {{ account: process.env.CDK_DEFAULT_ACCOUNT, region: DESIGN_REGION }} }});',
             "then `npx cdk deploy`. Deploy to the design's home region: global tables create their replicas from it."]
    return (_header(spec, "//", usage) + "\n"
            'import * as cdk from "aws-cdk-lib";\nimport * as dynamodb from "aws-cdk-lib/aws-dynamodb";\n'
            'import { Construct } from "constructs";\n\n'
            "/** The design's home region: the stack must be deployed there. */\n"
            f"export const DESIGN_REGION = {ts_str(spec.region)};\n\n"
            f"export class {name} extends cdk.Stack {{\n"
            "  constructor(scope: Construct, id: string, props?: cdk.StackProps) {\n"
            "    super(scope, id, props);\n\n"
            + "".join(body) + "  }\n}\n")


__all__ = ["Call", "Code", "Scope", "Statement", "Struct", "TableAttr", "py_str", "python_app", "stack_name",
           "statements", "table_call", "to_camel", "ts_str", "typescript_stack"]
