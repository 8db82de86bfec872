"""Designs in from the tools people already use, and out as files those tools read (issue 13).

In: NoSQL Workbench model JSON (1.0, 2.0, 3.0), `aws dynamodb describe-table` output, CloudFormation / SAM
templates and serverless.yml `resources:`. Every import returns a valid design (engine.model.DataModel) with a
list of ImportNotes naming each part that was skipped, changed or guessed, and why: nothing is dropped silently.
Out: NoSQL Workbench model JSON 3.0, and infrastructure code (engine.interop.infra): CloudFormation YAML, a SAM
template, a serverless.yml, an AWS CDK app in Python or a CDK stack in TypeScript, and Terraform; the access
patterns as a Python module of boto3 client calls (engine.interop.boto3_module) and the sample items as DynamoDB
JSON lines and BatchWriteItem requests (engine.interop.items_out).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from engine.interop.infra import IAC_FORMATS
from engine.interop.notes import ImportError_, ImportNote, ImportResult, InteropError, Notes

IMPORT_FORMATS = ("nosql-workbench", "describe-table", "cloudformation")
EXPORT_FORMATS = ("nosql-workbench", *IAC_FORMATS, "boto3", "items")
MAX_IMPORT_BYTES = 5 * 1024 * 1024  # the design file cap: a model, template or describe-table output is far smaller


def parse_input(text: str, source: str) -> Any:
    """Data of an input file: JSON when it parses as JSON, else YAML with CloudFormation's short-form tags."""
    from engine.interop.cloudformation import load_template_text

    stripped = text.lstrip()
    if not stripped:
        raise ImportError_(f"{source}: the file is empty; pass a NoSQL Workbench model, describe-table output or a "
                           "template")
    if stripped[0] in "{[":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ImportError_(f"{source}: line {exc.lineno} column {exc.colno}: {exc.msg}; fix the JSON") from None
        except RecursionError:
            raise ImportError_(f"{source}: the JSON is nested too deeply to read; flatten it") from None
    return load_template_text(text, source)


def detect_format(doc: Any) -> str | None:
    """Which importer reads this data: nosql-workbench, describe-table, cloudformation, or None."""
    from engine.interop import cloudformation, describe_table, nosql_workbench

    if nosql_workbench.looks_like(doc):
        return "nosql-workbench"
    if describe_table.looks_like(doc):
        return "describe-table"
    if cloudformation.looks_like(doc):
        return "cloudformation"
    return None


def import_design(text: str, fmt: str = "auto", source: str = "<input>") -> ImportResult:
    """A design, its import notes and its sample items from the text of a file in one of IMPORT_FORMATS."""
    from engine.errors import DesignValidationError
    from engine.interop.cloudformation import import_cloudformation
    from engine.interop.describe_table import import_describe_table
    from engine.interop.nosql_workbench import import_nosql_workbench
    from engine.model import parse_model

    doc = parse_input(text, source)
    if fmt == "auto":
        detected = detect_format(doc)
        if detected is None:
            if isinstance(doc, dict) and "tables" in doc and "name" in doc:
                raise ImportError_(f"{source}: this is already a workbench design; check it with `ddb-workbench "
                                   "validate` or open it as it is")
            keys = sorted(map(str, doc))[:8] if isinstance(doc, dict) else type(doc).__name__
            raise ImportError_(f"{source}: cannot tell the format (top-level keys: {keys}); expected a NoSQL Workbench "
                               "model (`DataModel`), describe-table output (`Table` or `Tables`) or a template with "
                               "DynamoDB tables in `Resources` / `resources.Resources`; name it with --from")
        fmt = detected
    importers = {"nosql-workbench": import_nosql_workbench, "describe-table": import_describe_table,
                 "cloudformation": import_cloudformation}
    if fmt not in importers:
        raise ImportError_(f"unknown import format '{fmt}'; use one of {', '.join(IMPORT_FORMATS)} or auto")
    notes = Notes()
    data, items = importers[fmt](doc, source, notes)
    try:
        model = parse_model(data, source=source)
    except DesignValidationError as exc:  # an importer bug or an input the rules above do not catch
        raise ImportError_(f"{source}: the imported design is not valid: " + "; ".join(exc.problems[:10])
                           + "; fix the input there or report the file") from None
    return ImportResult(model=model, notes=tuple(notes.items), format=fmt, items=items)


def import_file(path: str | Path, fmt: str = "auto") -> ImportResult:
    """import_design on a file's text (size capped, UTF-8), or on standard input for '-'."""
    from engine.io import read_input_text

    return import_design(read_input_text(path, "import file", MAX_IMPORT_BYTES), fmt,
                         "<stdin>" if str(path) == "-" else str(path))


def export_design(model: Any, to: str, seed: int = 0) -> str:
    """Text of the design in an EXPORT_FORMATS format."""
    if to == "nosql-workbench":
        from engine.interop.nosql_workbench import export_nosql_workbench

        return json.dumps(export_nosql_workbench(model, seed), indent=2, ensure_ascii=False) + "\n"
    if to in IAC_FORMATS:
        from engine.interop.infra import export_infrastructure

        return export_infrastructure(model, to)
    if to == "boto3":
        from engine.interop.boto3_module import export_boto3

        return export_boto3(model)
    if to == "items":
        from engine.interop.items_out import items_jsonl

        return items_jsonl(model, seed)
    raise InteropError(f"unknown export format '{to}'; use one of {', '.join(EXPORT_FORMATS)}")


__all__ = ["EXPORT_FORMATS", "IMPORT_FORMATS", "ImportNote", "ImportResult", "InteropError", "detect_format", "export_notes",
           "export_design", "import_design", "import_file", "parse_input"]


def export_notes(model: Any, to: str) -> list[str]:
    """What the design holds that a format cannot carry (printed by `ddb-workbench export`)."""
    from engine.model.table import OnDemandBilling, ProvisionedBilling

    if to == "boto3":
        from engine.interop.boto3_module import boto3_notes

        return boto3_notes(model)
    if to == "items":
        from engine.interop.items_out import items_notes

        return items_notes(model)
    out: list[str] = []
    if model.access_patterns:
        out.append(f"{len(model.access_patterns)} access pattern(s) and their rates: {to} files hold none")
    if to in IAC_FORMATS:
        from engine.interop.infra import infrastructure_notes

        return out + infrastructure_notes(model, to)
    for t in model.tables:
        b = t.billing
        if to == "nosql-workbench":
            lost = [what for what, present in (
                ("global-table replicas", t.global_table is not None), ("table class", t.table_class != "STANDARD"),
                ("TTL", t.ttl_attribute is not None), ("stream", t.stream_view_type is not None),
                ("deletion protection", t.deletion_protection),
                ("point-in-time recovery", t.point_in_time_recovery),
                ("stream consumers", bool(t.stream_consumers)),
                ("on-demand maximums, warm throughput and previous peaks", isinstance(b, OnDemandBilling) and b != OnDemandBilling()),
                ("reserved capacity", isinstance(b, ProvisionedBilling) and (b.reserved_read_capacity_units or b.reserved_write_capacity_units)),
                ("LSIs (written as LocalSecondaryIndexes, which NoSQL Workbench ignores)", bool(t.lsis))) if present]
            if lost:
                out.append(f"table {t.name}: {', '.join(lost)} not carried")
    return out
