"""CloudFormation / SAM templates and serverless.yml `resources:`: import of DynamoDB tables, and export.

Read: `AWS::DynamoDB::Table` (KeySchema, AttributeDefinitions, GlobalSecondaryIndexes, LocalSecondaryIndexes,
BillingMode, ProvisionedThroughput, OnDemandThroughput, TableClass, TimeToLiveSpecification,
StreamSpecification, DeletionProtectionEnabled) and `AWS::DynamoDB::GlobalTable` (the same plus Replicas,
WriteProvisionedThroughputSettings, MultiRegionConsistency, GlobalTableWitnesses). YAML short-form intrinsic
functions (`!Ref`, `!Sub`, `!GetAtt`, `!If`, ...) load as their long form (`{"Ref": ...}`, `{"Fn::Sub": ...}`);
a value that is a function is resolved where it can be (a parameter's Default, `!Sub` text, the first branch
of `!If`) and noted.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from engine.interop.describe_table import checked_global_table, key_schema, projection
from engine.interop.keys import snake
from engine.interop.notes import ImportError_, Notes, listed, mapping, number, safe_name, unique, unique_name

_SHORT_TAGS = ("Ref", "Condition", "Base64", "Cidr", "FindInMap", "GetAtt", "GetAZs", "If", "ImportValue", "Join",
               "Select", "Split", "Sub", "Transform", "And", "Equals", "Not", "Or", "Contains", "EachMemberEquals",
               "EachMemberIn", "RefAll", "ValueOf", "ValueOfAll", "Length", "ToJsonString", "ForEach")
TABLE_TYPES = ("AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable", "AWS::Serverless::SimpleTable")
_PSEUDO = {"AWS::Region": None, "AWS::StackName": "stack", "AWS::AccountId": "123456789012",
           "AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com", "AWS::NoValue": None}


class _Loader(yaml.SafeLoader):
    """SafeLoader that reads CloudFormation's short-form tags as their long form (plain data, no objects)."""


def _short_form(loader: _Loader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if suffix == "Ref":
        return {"Ref": value}
    if suffix == "Condition":
        return {"Condition": value}
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{suffix}": value}


_Loader.add_multi_constructor("!", _short_form)


def load_template_text(text_in: str, source: str) -> Any:
    """A template's data from YAML (short-form tags allowed) or JSON, with the design loader's safety caps
    (nesting depth, alias expansion, duplicate keys)."""
    from engine.errors import WorkbenchError
    from engine.io import _check_expansion, _yaml_nodes

    stripped = text_in.lstrip()
    if stripped.startswith("{") or stripped.startswith("["):
        try:
            return json.loads(text_in)
        except (json.JSONDecodeError, RecursionError) as exc:
            raise ImportError_(f"{source}: not valid JSON ({exc}); fix the JSON or save it as YAML") from None
    try:
        root = _yaml_nodes(text_in, source)
        if root is None:
            return None
        _check_expansion(root, source)
        loader = _Loader("")
        try:
            return loader.construct_document(root)
        finally:
            loader.dispose()
    except WorkbenchError as exc:
        raise ImportError_(str(exc)) from None
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        raise ImportError_(f"{source}: cannot read the template ({exc}); check its YAML") from None


def resources_of(doc: Any) -> tuple[dict | None, str]:
    """(Resources mapping, prefix for notes) of a CloudFormation/SAM template or a serverless.yml."""
    if not isinstance(doc, dict):
        return None, ""
    if isinstance(doc.get("Resources"), dict):
        return doc["Resources"], "Resources"
    res = doc.get("resources")
    if isinstance(res, dict) and isinstance(res.get("Resources"), dict):
        return res["Resources"], "resources.Resources"
    if isinstance(res, list):  # serverless allows a list of blocks (some of them `${file(...)}` references)
        merged: dict = {}
        for block in res:
            if isinstance(block, dict) and isinstance(block.get("Resources"), dict):
                merged.update(block["Resources"])
        return (merged or None), "resources[].Resources"
    return None, ""


def looks_like(doc: Any) -> bool:
    resources, _ = resources_of(doc)
    return bool(resources) and any(isinstance(r, dict) and r.get("Type") in TABLE_TYPES for r in resources.values())


class _Resolver:
    """Turns intrinsic functions into values: parameters' defaults, !Sub text, first !If branches; noted."""

    def __init__(self, doc: dict, notes: Notes):
        params = doc.get("Parameters") if isinstance(doc.get("Parameters"), dict) else {}
        self.defaults = {k: v.get("Default") for k, v in params.items() if isinstance(v, dict)}
        self.notes = notes
        self.service = doc.get("service") if isinstance(doc.get("service"), str) else None

    def value(self, value: Any, where: str) -> Any:
        if isinstance(value, dict) and len(value) == 1:
            ((fn, arg),) = value.items()
            if fn == "Ref":
                if isinstance(arg, str) and arg in self.defaults and self.defaults[arg] is not None:
                    self.notes.add("guessed", where, f"!Ref {arg} read as its Default {self.defaults[arg]!r}",
                                   "a parameter's value is known only at deploy time")
                    return self.value(self.defaults[arg], where)
                return None
            if fn == "Fn::If" and isinstance(arg, list) and len(arg) == 3:
                self.notes.add("guessed", where, f"!If {arg[0]}: the first branch was taken",
                               "conditions are decided at deploy time")
                return self.value(arg[1], where)
            if fn == "Fn::Sub":
                return None
            if fn.startswith("Fn::") or fn == "Condition":
                return None
        if isinstance(value, str) and "${" in value and value.startswith("${") and value.endswith("}"):
            return None  # a serverless variable
        return value

    def readable(self, value: Any) -> str:
        """Readable text of a value that may be an intrinsic function (for names)."""
        if isinstance(value, str):
            return re.sub(r"\$\{([^}]*)\}", lambda m: self._var(m.group(1)), value)
        if isinstance(value, dict) and len(value) == 1:
            ((fn, arg),) = value.items()
            if fn == "Ref":
                if not isinstance(arg, str):
                    return "table"
                if arg in self.defaults and isinstance(self.defaults[arg], str):
                    return self.defaults[arg]
                return _PSEUDO.get(arg) or arg.replace("AWS::", "")
            if fn == "Fn::Sub":
                template = arg[0] if isinstance(arg, list) and arg else arg
                return self.readable(template if isinstance(template, str) else "table")
            if fn == "Fn::Join" and isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], list):
                return str(arg[0]).join(self.readable(p) for p in arg[1])
            if fn == "Fn::If" and isinstance(arg, list) and len(arg) == 3:
                return self.readable(arg[1])
            if fn == "Fn::GetAtt":
                return "-".join(str(p) for p in arg) if isinstance(arg, list) else str(arg)
        return "table"

    def _var(self, inner: str) -> str:
        inner = inner.strip()
        if inner in self.defaults and isinstance(self.defaults[inner], str):
            return self.defaults[inner]
        if inner in _PSEUDO:
            return _PSEUDO[inner] or "region"
        # serverless: ${self:service}, ${sls:stage}, ${opt:stage, 'dev'} -> the service's name / dev / dev
        default = re.search(r",\s*['\"]?([A-Za-z0-9_.-]+)['\"]?\s*$", inner)
        if default:
            return default.group(1)
        if inner == "self:service" and self.service:
            return self.service
        if inner in ("sls:stage", "opt:stage", "self:provider.stage"):
            return "dev"
        return inner.split(":")[-1].split(".")[-1] or "var"


def import_cloudformation(doc: Any, source: str, notes: Notes) -> tuple[dict, dict[str, list[dict]]]:
    resources, prefix = resources_of(doc)
    if not resources:
        raise ImportError_(f"{source}: no `Resources` (CloudFormation/SAM) or `resources: Resources:` (serverless.yml) "
                           "section; point at the template that declares the tables")
    resolver = _Resolver(doc, notes)
    tables: list[dict] = []
    taken: set[str] = set()
    regions_seen: list[str] = []
    for logical, res in resources.items():
        where = f"{prefix}.{logical}"
        if not isinstance(res, dict):
            continue
        kind = res.get("Type")
        if kind not in TABLE_TYPES:
            if isinstance(kind, str) and kind.startswith("AWS::DynamoDB::"):
                notes.add("skipped", where, f"resource of type {kind}", "only tables and global tables are designs")
            elif isinstance(kind, str) and kind.startswith("AWS::ApplicationAutoScaling::"):
                notes.add("skipped", where, f"{kind} (auto scaling of a table)",
                          "set auto_scaling on the table's billing in the workbench")
            continue
        props = res.get("Properties") if isinstance(res.get("Properties"), dict) else {}
        if kind == "AWS::Serverless::SimpleTable":
            props = _simple_table(props, f"{where}.Properties", notes)
            kind = "AWS::DynamoDB::Table"
        table = _table(logical, kind, props, f"{where}.Properties", resolver, notes, taken, regions_seen)
        if table is not None:
            tables.append(table)
        if "Condition" in res:
            notes.add("info", where, f"resource condition {res['Condition']!r} ignored: the table is imported",
                      "conditions are decided at deploy time")
    if not tables:
        raise ImportError_(f"{source}: the template declares no AWS::DynamoDB::Table or AWS::DynamoDB::GlobalTable "
                           "resource with a KeySchema; check the file or pick another --from format")
    region = regions_seen[0] if regions_seen else "us-east-1"
    for t in tables:
        gt = t.get("global_table")
        if gt is not None:
            gt["regions"] = list(dict.fromkeys([region if r is None else r for r in gt["regions"]]))
            if region not in gt["regions"]:
                gt["regions"].insert(0, region)
    if any(t.get("global_table") for t in tables) and not regions_seen:
        notes.add("guessed", "(template)", "home region us-east-1", "the replicas name no fixed region for the stack")
    desc = doc.get("Description") if isinstance(doc.get("Description"), str) else ""
    name = doc.get("service") if isinstance(doc.get("service"), str) else None
    design = {"name": (f"Imported {name}" if name else "Imported " + ", ".join(t["name"] for t in tables))[:255],
              "region": region, "description": (desc + " " if desc else "") + "Imported from a template.",
              "tables": tables, "entities": []}
    notes.add("info", "(template)", "no entities and no access patterns imported",
              "templates declare tables, not item types or request rates; add them in the workbench")
    return design, {}


def _simple_table(props: dict, where: str, notes: Notes) -> dict:
    """SAM's AWS::Serverless::SimpleTable as the table it creates: PrimaryKey (default `id`, String), on-demand
    unless ProvisionedThroughput is given."""
    pk = props.get("PrimaryKey") if isinstance(props.get("PrimaryKey"), dict) else {}
    name = pk.get("Name") if isinstance(pk.get("Name"), str) else "id"
    kind = {"String": "S", "Number": "N", "Binary": "B"}.get(str(pk.get("Type", "String")), "S")
    if not pk:
        notes.add("info", where, "primary key `id` (String)", "SAM's default for a SimpleTable without PrimaryKey")
    out = {k: v for k, v in props.items() if k not in ("PrimaryKey",)}
    out["KeySchema"] = [{"AttributeName": name, "KeyType": "HASH"}]
    out["AttributeDefinitions"] = [{"AttributeName": name, "AttributeType": kind}]
    out["BillingMode"] = "PROVISIONED" if "ProvisionedThroughput" in props else "PAY_PER_REQUEST"
    return out


_TABLE_PROPS = {"TableName", "KeySchema", "AttributeDefinitions", "GlobalSecondaryIndexes", "LocalSecondaryIndexes",
                "BillingMode", "ProvisionedThroughput", "OnDemandThroughput", "TableClass", "TimeToLiveSpecification",
                "StreamSpecification", "DeletionProtectionEnabled", "Replicas", "WriteProvisionedThroughputSettings",
                "WriteOnDemandThroughputSettings", "MultiRegionConsistency", "GlobalTableWitnesses", "WarmThroughput"}


def _table(logical: str, kind: str, props: dict, where: str, r: _Resolver, notes: Notes, taken: set[str],
           regions_seen: list[str]) -> dict | None:
    raw_name = props.get("TableName")
    if raw_name is None:
        name_text = logical
        notes.add("changed", where, f"table named after its logical id '{logical}'",
                  "the template gives no TableName (CloudFormation generates one)")
    elif isinstance(raw_name, str) and "${" not in raw_name:
        name_text = raw_name
    else:
        name_text = r.readable(raw_name)
        notes.add("changed", f"{where}.TableName", f"name {raw_name!r} read as '{name_text}'",
                  "the name is computed at deploy time")
    name = unique_name(safe_name(name_text, f"{where}.TableName", notes, logical), taken, f"{where}.TableName", notes)
    types = {}
    for j, a in enumerate(listed(props.get("AttributeDefinitions"), where, notes, "AttributeDefinitions")):
        if isinstance(a, dict) and isinstance(a.get("AttributeName"), str):
            attr_type = r.value(a.get("AttributeType"), f"{where}.AttributeDefinitions[{j}]")
            if attr_type not in ("S", "N", "B"):
                notes.add("changed", f"{where}.AttributeDefinitions[{j}].AttributeType", f"{attr_type!r} read as S",
                          "key attributes are S, N or B")
                attr_type = "S"
            types[a["AttributeName"]] = attr_type
    pk, sk = key_schema(props.get("KeySchema"), types, where, notes)
    if pk is None:
        notes.add("skipped", where, f"table {logical}", "its KeySchema has no HASH key")
        return None
    table: dict[str, Any] = {"name": name, "partition_key": pk}
    if sk:
        table["sort_key"] = sk
    for field in sorted(set(props) - _TABLE_PROPS):
        notes.add("skipped", f"{where}.{field}", "property", "not part of a design's figures"
                  if field in ("Tags", "SSESpecification", "KinesisStreamSpecification", "ContributorInsightsSpecification",
                               "PointInTimeRecoverySpecification", "ImportSourceSpecification", "ResourcePolicy")
                  else "not modelled by the workbench")
    is_global = kind == "AWS::DynamoDB::GlobalTable"
    mode = str(r.value(props.get("BillingMode"), f"{where}.BillingMode") or "PROVISIONED").upper()
    if "BillingMode" not in props:
        notes.add("info", where, "billing mode PROVISIONED", "CloudFormation's default when BillingMode is absent")
    provisioned = mode == "PROVISIONED"
    billing: dict[str, Any]
    if provisioned:
        billing = _provisioned(props, is_global, where, r, notes)
    else:
        billing = {"mode": "on_demand"}
        if "ProvisionedThroughput" in props:
            notes.add("skipped", f"{where}.ProvisionedThroughput", "provisioned capacity of an on-demand table",
                      f"BillingMode is {mode}")
        od = props.get("OnDemandThroughput") or (props.get("WriteOnDemandThroughputSettings") if is_global else None)
        if isinstance(od, dict):
            for field, target in (("MaxReadRequestUnits", "max_read_request_units"),
                                  ("MaxWriteRequestUnits", "max_write_request_units")):
                v = number(r.value(od.get(field), where), f"{where}.{field}", notes) if field in od else None
                if v is not None and v > 0:
                    billing[target] = float(v)
    table["billing"] = billing
    cls = r.value(props.get("TableClass"), f"{where}.TableClass")
    if is_global:
        for rep in listed(props.get("Replicas"), where, notes, "Replicas"):
            if isinstance(rep, dict) and rep.get("TableClass"):
                cls = cls or r.value(rep.get("TableClass"), f"{where}.Replicas.TableClass")
    if cls in ("STANDARD_INFREQUENT_ACCESS",):
        table["table_class"] = cls
    ttl = props.get("TimeToLiveSpecification")
    if isinstance(ttl, dict) and r.value(ttl.get("Enabled"), f"{where}.TimeToLiveSpecification.Enabled") in (True, "true"):
        attr = r.value(ttl.get("AttributeName"), f"{where}.TimeToLiveSpecification.AttributeName")
        if isinstance(attr, str) and attr:
            table["ttl_attribute"] = attr
    stream = props.get("StreamSpecification")
    if isinstance(stream, dict):
        view = r.value(stream.get("StreamViewType"), f"{where}.StreamSpecification.StreamViewType")
        if view in ("KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"):
            table["stream_view_type"] = view
    if r.value(props.get("DeletionProtectionEnabled"), where) in (True, "true"):
        table["deletion_protection"] = True
    gsis, lsis = _indexes(props, table, types, where, r, notes, is_global)
    if gsis:
        table["gsis"] = gsis
    if lsis:
        table["lsis"] = lsis
    if is_global:
        _global(props, table, where, r, notes, regions_seen)
    keys = {pk["name"], *(k["name"] for k in (sk,) if k)}
    keys |= {k["name"] for g in gsis for k in (g["partition_key"], g.get("sort_key")) if k}
    keys |= {lsi["sort_key"]["name"] for lsi in lsis}
    extra = [n for n in types if n not in keys]
    if extra:
        notes.add("skipped", f"{where}.AttributeDefinitions", f"{', '.join(extra)}: not a key of the table or an index",
                  "CloudFormation rejects definitions of non-key attributes; they belong to entities")
    return table


def _units(value: Any, where: str, r: _Resolver, notes: Notes) -> float | None:
    v = number(r.value(value, where), where, notes)
    return float(v) if v is not None and v > 0 else None


def _provisioned(props: dict, is_global: bool, where: str, r: _Resolver, notes: Notes) -> dict:
    if not is_global:
        tp = props.get("ProvisionedThroughput") if isinstance(props.get("ProvisionedThroughput"), dict) else {}
        rcu = _units(tp.get("ReadCapacityUnits"), f"{where}.ProvisionedThroughput.ReadCapacityUnits", r, notes)
        wcu = _units(tp.get("WriteCapacityUnits"), f"{where}.ProvisionedThroughput.WriteCapacityUnits", r, notes)
        if rcu is None or wcu is None:
            notes.add("guessed", f"{where}.ProvisionedThroughput", "5 RCU / 5 WCU",
                      "the table is provisioned but its capacity is missing or not a number")
        return {"mode": "provisioned", "read_capacity_units": rcu or 5.0, "write_capacity_units": wcu or 5.0}
    write = mapping(props.get("WriteProvisionedThroughputSettings"))
    auto = write.get("WriteCapacityAutoScalingSettings") if isinstance(write, dict) else None
    scaling: dict[str, Any] = {}
    wcu = None
    if isinstance(auto, dict):
        low = _units(auto.get("MinCapacity"), f"{where}.WriteProvisionedThroughputSettings.MinCapacity", r, notes)
        high = _units(auto.get("MaxCapacity"), f"{where}.WriteProvisionedThroughputSettings.MaxCapacity", r, notes)
        wcu = low
        if low:
            scaling["min_write_capacity_units"] = low
        if high:
            scaling["max_write_capacity_units"] = max(high, low or high)
        target = mapping(auto.get("TargetTrackingScalingPolicyConfiguration")).get("TargetValue")
        t = number(r.value(target, where), f"{where}.WriteProvisionedThroughputSettings.TargetValue", notes) \
            if target is not None else None
        if t is not None:
            scaling["target_utilization"] = float(min(max(t / 100 if t > 1 else t, 0.21), 0.9))
    rcu = None
    for rep in listed(props.get("Replicas"), where, notes, "Replicas"):
        settings = rep.get("ReadProvisionedThroughputSettings") if isinstance(rep, dict) else None
        if isinstance(settings, dict):
            if "ReadCapacityUnits" in settings:
                rcu = _units(settings["ReadCapacityUnits"], f"{where}.Replicas.ReadCapacityUnits", r, notes)
            elif isinstance(settings.get("ReadCapacityAutoScalingSettings"), dict):
                ra = settings["ReadCapacityAutoScalingSettings"]
                rcu = _units(ra.get("MinCapacity"), f"{where}.Replicas.ReadCapacityAutoScalingSettings", r, notes)
                high = _units(ra.get("MaxCapacity"), f"{where}.Replicas.ReadCapacityAutoScalingSettings", r, notes)
                if rcu:
                    scaling["min_read_capacity_units"] = rcu
                if high:
                    scaling["max_read_capacity_units"] = max(high, rcu or high)
            break
    if wcu is None or rcu is None:
        notes.add("guessed", where, "5 RCU / 5 WCU where the global table's capacity is missing",
                  "read from Replicas[0].ReadProvisionedThroughputSettings and WriteProvisionedThroughputSettings")
    billing: dict[str, Any] = {"mode": "provisioned", "read_capacity_units": rcu or 5.0, "write_capacity_units": wcu or 5.0}
    if scaling:
        billing["auto_scaling"] = scaling
    return billing


def _indexes(props: dict, table: dict, types: dict[str, str], where: str, r: _Resolver, notes: Notes,
             is_global: bool) -> tuple[list[dict], list[dict]]:
    gsis, lsis = [], []
    names: set[str] = set()
    provisioned = table["billing"]["mode"] == "provisioned"
    for kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        for j, g in enumerate(listed(props.get(kind), where, notes, kind)):
            gw = f"{where}.{kind}[{j}]"
            if not isinstance(g, dict):
                notes.add("skipped", gw, "an index that is not an object", "expected an object")
                continue
            ipk, isk = key_schema(g.get("KeySchema"), types, gw, notes)
            if ipk is None:
                notes.add("skipped", gw, f"index {g.get('IndexName')!r}", "its KeySchema has no HASH key")
                continue
            raw_name = g.get("IndexName")
            name = unique_name(safe_name(raw_name if isinstance(raw_name, str) else r.readable(raw_name),
                                         f"{gw}.IndexName", notes, "Index", "index name"), names,
                               f"{gw}.IndexName", notes, "index name")
            proj = projection(g.get("Projection"), f"{gw}.Projection", notes)
            if kind == "LocalSecondaryIndexes":
                if isk is None or "sort_key" not in table:
                    notes.add("skipped", gw, f"LSI {name}", "an LSI needs a sort key on the index and the table")
                    continue
                lsis.append({"name": name, "sort_key": isk, "projection": proj})
                continue
            gsi: dict[str, Any] = {"name": name, "partition_key": ipk, "projection": proj}
            if isk:
                gsi["sort_key"] = isk
            if provisioned:
                rcu = wcu = None
                tp = g.get("ProvisionedThroughput")
                if isinstance(tp, dict):
                    rcu = _units(tp.get("ReadCapacityUnits"), f"{gw}.ProvisionedThroughput.ReadCapacityUnits", r, notes)
                    wcu = _units(tp.get("WriteCapacityUnits"), f"{gw}.ProvisionedThroughput.WriteCapacityUnits", r, notes)
                wp = g.get("WriteProvisionedThroughputSettings")
                if is_global and isinstance(wp, dict) and isinstance(wp.get("WriteCapacityAutoScalingSettings"), dict):
                    wcu = _units(wp["WriteCapacityAutoScalingSettings"].get("MinCapacity"), f"{gw}.WriteProvisioned", r, notes)
                if is_global:
                    rcu = _replica_index_reads(props, g.get("IndexName"), gw, r, notes) or rcu
                if rcu is None or wcu is None:
                    rcu = rcu or table["billing"]["read_capacity_units"]
                    wcu = wcu or table["billing"]["write_capacity_units"]
                    notes.add("guessed", gw, "GSI capacity set to the table's", "the index gives none of its own")
                gsi["provisioned"] = {"read_capacity_units": rcu, "write_capacity_units": wcu}
            gsis.append(gsi)
    return gsis, lsis


def _replica_index_reads(props: dict, index: Any, where: str, r: _Resolver, notes: Notes) -> float | None:
    """A global table GSI's read capacity, from the first replica that sets it."""
    for rep in listed(props.get("Replicas"), where, notes, "Replicas"):
        for g in listed(rep.get("GlobalSecondaryIndexes"), where, notes, "GlobalSecondaryIndexes") if isinstance(rep, dict) else []:
            settings = g.get("ReadProvisionedThroughputSettings") if isinstance(g, dict) else None
            if g.get("IndexName") == index and isinstance(settings, dict):
                if "ReadCapacityUnits" in settings:
                    return _units(settings["ReadCapacityUnits"], f"{where}.ReadCapacityUnits", r, notes)
                auto = settings.get("ReadCapacityAutoScalingSettings")
                if isinstance(auto, dict):
                    return _units(auto.get("MinCapacity"), f"{where}.ReadCapacityAutoScalingSettings", r, notes)
    return None


def _global(props: dict, table: dict, where: str, r: _Resolver, notes: Notes, regions_seen: list[str]) -> None:
    regions: list[str | None] = []
    for j, rep in enumerate(listed(props.get("Replicas"), where, notes, "Replicas")):
        if not isinstance(rep, dict):
            continue
        raw = rep.get("Region")
        value = r.value(raw, f"{where}.Replicas[{j}].Region")
        if isinstance(raw, dict) and raw.get("Ref") == "AWS::Region":
            regions.append(None)  # the stack's own region
        elif isinstance(value, str):
            regions.append(value)
            if j == 0:
                regions_seen.append(value)
        else:
            notes.add("skipped", f"{where}.Replicas[{j}].Region", f"replica in {raw!r}", "its region is not known")
        extra = set(rep) - {"Region", "ReadProvisionedThroughputSettings", "TableClass", "GlobalSecondaryIndexes",
                            "DeletionProtectionEnabled"}
        if extra:
            notes.add("skipped", f"{where}.Replicas[{j}]", f"replica settings {sorted(extra)}",
                      "every replica of a design has the table's settings")
    if len(regions) <= 1 and str(props.get("MultiRegionConsistency", "")).upper() != "STRONG":
        if regions and regions[0] is not None:
            regions_seen.append(regions[0])
        notes.add("info", where, "a global table with one replica imported as a single-region table",
                  "it has no other region yet")
        return
    gt: dict[str, Any] = {"regions": regions}
    if str(r.value(props.get("MultiRegionConsistency"), where) or "").upper() == "STRONG":
        gt["mode"] = "MRSC"
        witnesses = [w.get("Region") for w in listed(props.get("GlobalTableWitnesses"), where, notes, "GlobalTableWitnesses") if isinstance(w, dict)]
        if witnesses and isinstance(witnesses[0], str):
            gt["witness_region"] = witnesses[0]
    table["global_table"] = checked_global_table(gt, f"{where}.MultiRegionConsistency", notes)


# ----------------------------------------------------------------------------- export


def logical_id(name: str, taken: set[str]) -> str:
    """A CloudFormation logical id (alphanumeric) from a table name."""
    base = "".join(w[:1].upper() + w[1:] for w in re.split(r"[^A-Za-z0-9]+", name) if w) or "Table"
    if base[0].isdigit():
        base = "T" + base
    return unique(base + ("Table" if not base.endswith("Table") else ""), taken)


def export_cloudformation(model: Any) -> dict:
    """A CloudFormation template: one AWS::DynamoDB::Table per table, AWS::DynamoDB::GlobalTable for global ones."""
    resources: dict[str, Any] = {}
    outputs: dict[str, Any] = {}
    taken: set[str] = set()
    for table in model.tables:
        lid = logical_id(table.name, taken)
        if table.global_table is not None:
            resources[lid] = {"Type": "AWS::DynamoDB::GlobalTable", "Properties": _global_props(model, table)}
        else:
            resources[lid] = {"Type": "AWS::DynamoDB::Table", "Properties": _table_props(table)}
        outputs[f"{lid}Name"] = {"Description": f"Name of table {table.name}", "Value": {"Ref": lid}}
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": f"DynamoDB tables of the design '{model.name}' (exported by the DynamoDB Design Workbench)",
        "Resources": resources,
        "Outputs": outputs,
    }


def _attribute_definitions(table: Any) -> list[dict]:
    seen: dict[str, str] = {}
    keys = [table.partition_key, table.sort_key]
    for g in table.gsis:
        keys += [g.partition_key, g.sort_key]
    keys += [lsi.sort_key for lsi in table.lsis]
    for k in keys:
        if k is not None:
            seen.setdefault(k.name, k.type)
    return [{"AttributeName": n, "AttributeType": t} for n, t in seen.items()]


def _schema(pk: Any, sk: Any) -> list[dict]:
    out = [{"AttributeName": pk.name, "KeyType": "HASH"}]
    if sk is not None:
        out.append({"AttributeName": sk.name, "KeyType": "RANGE"})
    return out


def _projection_out(p: Any) -> dict:
    out: dict[str, Any] = {"ProjectionType": p.type}
    if p.type == "INCLUDE":
        out["NonKeyAttributes"] = list(p.attributes)
    return out


def _int(v: float) -> int:
    return max(1, int(round(v)))


def _common(table: Any, props: dict) -> dict:
    if table.gsis:
        props["GlobalSecondaryIndexes"] = []
    if table.lsis:
        props["LocalSecondaryIndexes"] = [{"IndexName": lsi.name, "KeySchema": _schema(table.partition_key, lsi.sort_key),
                                           "Projection": _projection_out(lsi.projection)} for lsi in table.lsis]
    if table.stream_view_type:
        props["StreamSpecification"] = {"StreamViewType": table.stream_view_type}
    if table.ttl_attribute:
        props["TimeToLiveSpecification"] = {"AttributeName": table.ttl_attribute, "Enabled": True}
    return props


def _table_props(table: Any) -> dict:
    from engine.model.table import OnDemandBilling

    b = table.billing
    props: dict[str, Any] = {
        "TableName": table.name,
        "AttributeDefinitions": _attribute_definitions(table),
        "KeySchema": _schema(table.partition_key, table.sort_key),
    }
    if isinstance(b, OnDemandBilling):
        props["BillingMode"] = "PAY_PER_REQUEST"
        od = {k: _int(v) for k, v in (("MaxReadRequestUnits", b.max_read_request_units),
                                       ("MaxWriteRequestUnits", b.max_write_request_units)) if v is not None}
        if od:
            props["OnDemandThroughput"] = od
    else:
        props["BillingMode"] = "PROVISIONED"
        props["ProvisionedThroughput"] = {"ReadCapacityUnits": _int(b.read_capacity_units),
                                          "WriteCapacityUnits": _int(b.write_capacity_units)}
    if table.table_class != "STANDARD":
        props["TableClass"] = table.table_class
    if table.deletion_protection:
        props["DeletionProtectionEnabled"] = True
    _common(table, props)
    for g in table.gsis:
        entry: dict[str, Any] = {"IndexName": g.name, "KeySchema": _schema(g.partition_key, g.sort_key),
                                 "Projection": _projection_out(g.projection)}
        if g.provisioned is not None and not isinstance(b, OnDemandBilling):
            entry["ProvisionedThroughput"] = {"ReadCapacityUnits": _int(g.provisioned.read_capacity_units),
                                              "WriteCapacityUnits": _int(g.provisioned.write_capacity_units)}
        props["GlobalSecondaryIndexes"].append(entry)
    return props


def _global_props(model: Any, table: Any) -> dict:
    from engine.model.table import OnDemandBilling

    b = table.billing
    gt = table.global_table
    props: dict[str, Any] = {
        "TableName": table.name,
        "AttributeDefinitions": _attribute_definitions(table),
        "KeySchema": _schema(table.partition_key, table.sort_key),
    }
    provisioned = not isinstance(b, OnDemandBilling)
    if provisioned:
        props["BillingMode"] = "PROVISIONED"
        a = b.auto_scaling
        low = _int(a.min_write_capacity_units if a else b.write_capacity_units)
        high = _int(a.max_write_capacity_units if a else b.write_capacity_units)
        target = round((a.target_utilization if a else 0.7) * 100, 1)
        props["WriteProvisionedThroughputSettings"] = {"WriteCapacityAutoScalingSettings": {
            "MinCapacity": low, "MaxCapacity": max(low, high),
            "TargetTrackingScalingPolicyConfiguration": {"TargetValue": target}}}
    else:
        props["BillingMode"] = "PAY_PER_REQUEST"
        od = {k: _int(v) for k, v in (("MaxWriteRequestUnits", b.max_write_request_units),) if v is not None}
        if od:
            props["WriteOnDemandThroughputSettings"] = od
    _common(table, props)
    if "StreamSpecification" not in props and gt.mode == "MREC":
        # MREC replicas replicate through a stream; CloudFormation requires one when there are several replicas
        props["StreamSpecification"] = {"StreamViewType": "NEW_AND_OLD_IMAGES"}
    for g in table.gsis:
        entry: dict[str, Any] = {"IndexName": g.name, "KeySchema": _schema(g.partition_key, g.sort_key),
                                 "Projection": _projection_out(g.projection)}
        if provisioned and g.provisioned is not None:
            w = _int(g.provisioned.write_capacity_units)
            entry["WriteProvisionedThroughputSettings"] = {"WriteCapacityAutoScalingSettings": {
                "MinCapacity": w, "MaxCapacity": max(w, _int(g.provisioned.auto_scaling.max_write_capacity_units)
                                                     if g.provisioned.auto_scaling else w),
                "TargetTrackingScalingPolicyConfiguration": {"TargetValue": 70.0}}}
        props["GlobalSecondaryIndexes"].append(entry)
    replicas = []
    for region in gt.regions:
        rep: dict[str, Any] = {"Region": region}
        if table.table_class != "STANDARD":
            rep["TableClass"] = table.table_class
        if table.deletion_protection:
            rep["DeletionProtectionEnabled"] = True
        if provisioned:
            rep["ReadProvisionedThroughputSettings"] = {"ReadCapacityUnits": _int(b.read_capacity_units)}
            gsi_reads = [{"IndexName": g.name, "ReadProvisionedThroughputSettings": {
                "ReadCapacityUnits": _int(g.provisioned.read_capacity_units)}}
                for g in table.gsis if g.provisioned is not None]
            if gsi_reads:
                rep["GlobalSecondaryIndexes"] = gsi_reads
        replicas.append(rep)
    props["Replicas"] = replicas
    if gt.mode == "MRSC":
        props["MultiRegionConsistency"] = "STRONG"
        if gt.witness_region:
            props["GlobalTableWitnesses"] = [{"Region": gt.witness_region}]
    return props


def dump_template(template: dict) -> str:
    """YAML text of a template (plain data only: long-form intrinsic functions)."""
    return yaml.safe_dump(template, sort_keys=False, allow_unicode=True, width=100)


__all__ = ["export_cloudformation", "import_cloudformation", "load_template_text", "looks_like", "dump_template",
           "snake"]
