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
from collections.abc import Iterator
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
                "WriteOnDemandThroughputSettings", "MultiRegionConsistency", "GlobalTableWitnesses", "WarmThroughput",
                "PointInTimeRecoverySpecification"}


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
                               "ImportSourceSpecification", "ResourcePolicy")
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
        if is_global:  # a global table's read maximum is per replica: the first replica's
            first = next((rep for rep in listed(props.get("Replicas"), where, notes, "Replicas")
                          if isinstance(rep, dict)), {})
            od = {**mapping(od), **mapping(first.get("ReadOnDemandThroughputSettings"))}
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
    protected = [props.get("DeletionProtectionEnabled")]
    if is_global:  # a global table's deletion protection is per replica
        protected += [rep.get("DeletionProtectionEnabled") for rep in listed(props.get("Replicas"), where, notes, "Replicas")
                      if isinstance(rep, dict)]
    if any(r.value(p, where) in (True, "true") for p in protected):
        table["deletion_protection"] = True
    recovery = [props.get("PointInTimeRecoverySpecification")]
    if is_global:  # per replica too
        replicas = props.get("Replicas")
        recovery += [rep.get("PointInTimeRecoverySpecification") for rep in replicas if isinstance(rep, dict)] \
            if isinstance(replicas, list) else []
    if any(isinstance(spec, dict) and r.value(spec.get("PointInTimeRecoveryEnabled"), where) in (True, "true")
           for spec in recovery):
        table["point_in_time_recovery"] = True
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


def _seed(auto: dict, where: str, r: _Resolver, notes: Notes) -> float | None:
    """The capacity a global table's auto scaling settings start from (SeedCapacity), if given."""
    return _units(auto["SeedCapacity"], f"{where}.SeedCapacity", r, notes) if "SeedCapacity" in auto else None


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
        wcu = _seed(auto, where, r, notes) or low
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
                low = _units(ra.get("MinCapacity"), f"{where}.Replicas.ReadCapacityAutoScalingSettings", r, notes)
                high = _units(ra.get("MaxCapacity"), f"{where}.Replicas.ReadCapacityAutoScalingSettings", r, notes)
                rcu = _seed(ra, where, r, notes) or low
                if low:
                    scaling["min_read_capacity_units"] = low
                if high:
                    scaling["max_read_capacity_units"] = max(high, low or high)
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
                    wauto = wp["WriteCapacityAutoScalingSettings"]
                    wcu = _seed(wauto, gw, r, notes) or _units(wauto.get("MinCapacity"), f"{gw}.WriteProvisioned", r, notes)
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
                    return _seed(auto, where, r, notes) or _units(auto.get("MinCapacity"),
                                                                 f"{where}.ReadCapacityAutoScalingSettings", r, notes)
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
                            "DeletionProtectionEnabled", "ReadOnDemandThroughputSettings",
                            "PointInTimeRecoverySpecification"}
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

AUTO_SCALING_TYPES = ("AWS::ApplicationAutoScaling::ScalableTarget", "AWS::ApplicationAutoScaling::ScalingPolicy")
SAM_TRANSFORM = "AWS::Serverless-2016-10-31"


def logical_id(name: str, taken: set[str], suffix: str = "Table") -> str:
    """A CloudFormation logical id (alphanumeric, unique in `taken`) from a table name."""
    from engine.interop.infra import pascal

    base = pascal(name, suffix)
    return unique(base if base.endswith(suffix) else base + suffix, taken, "")


def export_cloudformation(model: Any) -> dict:
    """A CloudFormation template of a design (see `template`)."""
    from engine.interop.infra import design_spec

    return template(design_spec(model))


def template(spec: Any) -> dict:
    """A CloudFormation template: one AWS::DynamoDB::Table per table (AWS::DynamoDB::GlobalTable for global
    ones), AWS::ApplicationAutoScaling targets and target-tracking policies for auto scaled tables and GSIs, and
    the table names as outputs."""
    resources: dict[str, Any] = {}
    outputs: dict[str, Any] = {}
    taken: set[str] = set()
    for table in spec.tables:
        lid = logical_id(table.name, taken)
        if table.is_global:
            resources[lid] = {"Type": "AWS::DynamoDB::GlobalTable", "Properties": _global_props(table)}
        else:
            resources[lid] = {"Type": "AWS::DynamoDB::Table", "Properties": _table_props(table)}
            resources.update(_scaling_resources(table, lid, taken))
        outputs[f"{lid}Name"] = {"Description": f"Name of table {table.name}", "Value": {"Ref": lid}}
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": f"DynamoDB tables of the design '{spec.name}' (exported by the DynamoDB Design Workbench)",
        "Resources": resources,
        "Outputs": outputs,
    }


def _schema(pk: Any, sk: Any) -> list[dict]:
    out = [{"AttributeName": pk.name, "KeyType": "HASH"}]
    if sk is not None:
        out.append({"AttributeName": sk.name, "KeyType": "RANGE"})
    return out


def _projection_out(index: Any) -> dict:
    out: dict[str, Any] = {"ProjectionType": index.projection}
    if index.projection == "INCLUDE":
        out["NonKeyAttributes"] = list(index.non_key_attributes)
    return out


def _base_props(table: Any) -> dict:
    props: dict[str, Any] = {
        "TableName": table.name,
        "AttributeDefinitions": [{"AttributeName": k.name, "AttributeType": k.type} for k in table.attributes],
        "KeySchema": _schema(table.partition_key, table.sort_key),
        "BillingMode": "PROVISIONED" if table.provisioned else "PAY_PER_REQUEST",
    }
    return props


def _common(table: Any, props: dict, gsis: list[dict]) -> dict:
    if gsis:
        props["GlobalSecondaryIndexes"] = gsis
    if table.lsis:
        props["LocalSecondaryIndexes"] = [{"IndexName": lsi.name, "KeySchema": _schema(table.partition_key, lsi.sort_key),
                                           "Projection": _projection_out(lsi)} for lsi in table.lsis]
    if table.stream_view_type:
        props["StreamSpecification"] = {"StreamViewType": table.stream_view_type}
    if table.ttl_attribute:
        props["TimeToLiveSpecification"] = {"AttributeName": table.ttl_attribute, "Enabled": True}
    return props


def _index(g: Any) -> dict:
    return {"IndexName": g.name, "KeySchema": _schema(g.partition_key, g.sort_key), "Projection": _projection_out(g)}


def _fixed(t: Any) -> dict:
    return {"ReadCapacityUnits": t.read.units, "WriteCapacityUnits": t.write.units}


def _table_props(table: Any) -> dict:
    props = _base_props(table)
    if table.throughput is not None:
        props["ProvisionedThroughput"] = _fixed(table.throughput)
    else:
        od = {k: v for k, v in (("MaxReadRequestUnits", table.max_read_request_units),
                                ("MaxWriteRequestUnits", table.max_write_request_units)) if v is not None}
        if od:
            props["OnDemandThroughput"] = od
    if table.table_class != "STANDARD":
        props["TableClass"] = table.table_class
    if table.deletion_protection:
        props["DeletionProtectionEnabled"] = True
    gsis = []
    for g in table.gsis:
        entry = _index(g)
        if g.throughput is not None:
            entry["ProvisionedThroughput"] = _fixed(g.throughput)
        gsis.append(entry)
    _common(table, props, gsis)
    if table.point_in_time_recovery:
        props["PointInTimeRecoverySpecification"] = {"PointInTimeRecoveryEnabled": True}
    return props


_METRIC = {"Read": "DynamoDBReadCapacityUtilization", "Write": "DynamoDBWriteCapacityUtilization"}


def _scaling_resources(table: Any, lid: str, taken: set[str]) -> dict:
    """ScalableTarget + TargetTrackingScaling policy per auto scaled dimension of a table and of each GSI
    (Application Auto Scaling's service-linked role, no RoleARN needed)."""
    from engine.interop.infra import pascal

    out: dict[str, Any] = {}
    places = [(lid, "table", {"Fn::Sub": f"table/${{{lid}}}"}, table.throughput)]
    places += [(lid + pascal(g.name, "Index"), "index",
                {"Fn::Sub": [f"table/${{{lid}}}/index/${{IndexName}}", {"IndexName": g.name}]}, g.throughput)
               for g in table.gsis]
    for prefix, kind, resource_id, tp in places:
        for dim, cap in (("Read", tp.read if tp else None), ("Write", tp.write if tp else None)):
            if cap is None or cap.scaling is None:
                continue
            target = unique(f"{prefix}{dim}ScalableTarget", taken, "")
            policy = unique(f"{prefix}{dim}ScalingPolicy", taken, "")
            out[target] = {"Type": AUTO_SCALING_TYPES[0], "Properties": {
                "MinCapacity": cap.scaling.minimum, "MaxCapacity": cap.scaling.maximum, "ResourceId": resource_id,
                "ScalableDimension": f"dynamodb:{kind}:{dim}CapacityUnits", "ServiceNamespace": "dynamodb"}}
            out[policy] = {"Type": AUTO_SCALING_TYPES[1], "Properties": {
                "PolicyName": policy, "PolicyType": "TargetTrackingScaling", "ScalingTargetId": {"Ref": target},
                "TargetTrackingScalingPolicyConfiguration": {
                    "TargetValue": cap.scaling.target_percent,
                    "PredefinedMetricSpecification": {"PredefinedMetricType": _METRIC[dim]}}}}
    return out


def _auto(cap: Any, dim: str) -> dict:
    """A GlobalTable's auto scaling form of one dimension (fixed capacity as min = max)."""
    b = cap.bounds()
    return {f"{dim}CapacityAutoScalingSettings": {
        "MinCapacity": b.minimum, "MaxCapacity": b.maximum, "SeedCapacity": cap.seed(),
        "TargetTrackingScalingPolicyConfiguration": {"TargetValue": b.target_percent}}}


def _reads(cap: Any) -> dict:
    return {"ReadCapacityUnits": cap.units} if cap.scaling is None else _auto(cap, "Read")


def _global_props(table: Any) -> dict:
    props = _base_props(table)
    tp = table.throughput
    if tp is not None:
        props["WriteProvisionedThroughputSettings"] = _auto(tp.write, "Write")
    elif table.max_write_request_units is not None:
        props["WriteOnDemandThroughputSettings"] = {"MaxWriteRequestUnits": table.max_write_request_units}
    gsis = []
    for g in table.gsis:
        entry = _index(g)
        if g.throughput is not None:
            entry["WriteProvisionedThroughputSettings"] = _auto(g.throughput.write, "Write")
        gsis.append(entry)
    _common(table, props, gsis)
    replicas = []
    for region in table.regions:
        rep: dict[str, Any] = {"Region": region}
        if table.table_class != "STANDARD":
            rep["TableClass"] = table.table_class
        if table.deletion_protection:
            rep["DeletionProtectionEnabled"] = True
        if table.point_in_time_recovery:
            rep["PointInTimeRecoverySpecification"] = {"PointInTimeRecoveryEnabled": True}
        if tp is not None:
            rep["ReadProvisionedThroughputSettings"] = _reads(tp.read)
            gsi_reads = [{"IndexName": g.name, "ReadProvisionedThroughputSettings": _reads(g.throughput.read)}
                         for g in table.gsis if g.throughput is not None]
            if gsi_reads:
                rep["GlobalSecondaryIndexes"] = gsi_reads
        elif table.max_read_request_units is not None:
            rep["ReadOnDemandThroughputSettings"] = {"MaxReadRequestUnits": table.max_read_request_units}
        replicas.append(rep)
    props["Replicas"] = replicas
    if table.strong:
        props["MultiRegionConsistency"] = "STRONG"
        if table.witness_region:
            props["GlobalTableWitnesses"] = [{"Region": table.witness_region}]
    return props


class _Dumper(yaml.SafeDumper):
    """SafeDumper without anchors and aliases: CloudFormation rejects YAML aliases (cfn-lint W1101)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump_template(template_doc: dict) -> str:
    """YAML text of a template (plain data only: long-form intrinsic functions)."""
    return yaml.dump(template_doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def cloudformation_text(spec: Any) -> str:
    """The CloudFormation template as YAML."""
    return dump_template(template(spec))


def sam_template(spec: Any) -> dict:
    """The template with SAM's transform: `sam deploy` reads it as it is."""
    doc = template(spec)
    return {"AWSTemplateFormatVersion": doc.pop("AWSTemplateFormatVersion"), "Transform": SAM_TRANSFORM, **doc}


def sam_text(spec: Any) -> str:
    """A SAM template.yaml."""
    return dump_template(sam_template(spec))


def serverless_config(spec: Any) -> dict:
    """A serverless.yml: the service, the AWS provider in the design's region, and the template's Resources and
    Outputs under `resources`. Serverless resolves `${...}` in every value, so a value holding it is refused."""
    from engine.interop.infra import slug

    doc = template(spec)
    config = {"service": slug(spec.name), "provider": {"name": "aws", "region": spec.region},
              "resources": {"Resources": doc["Resources"], "Outputs": doc["Outputs"]}}
    for where, value in _strings(config, "serverless.yml"):
        if "${" in value:
            raise ImportError_(f"{where}: {value!r} holds '${{', which serverless would resolve as a variable; "
                               "rename it in the design or export as cloudformation or sam instead")
    return config


def _strings(value: Any, where: str) -> Iterator[tuple[str, str]]:
    """(path, text) of every string in plain data, keys included."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(k, f"{where}.{k}")
            if k == "Fn::Sub":  # our own `${LogicalId}` templates (capitalised: not serverless variables)
                yield from _strings(v[1] if isinstance(v, list) else {}, f"{where}.{k}")
            else:
                yield from _strings(v, f"{where}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _strings(v, f"{where}[{i}]")


def serverless_text(spec: Any) -> str:
    """serverless.yml text with a header comment."""
    from engine.interop.infra import comment_text

    header = (f"# serverless.yml of the design '{comment_text(spec.name)}' (exported by the DynamoDB Design "
              "Workbench).\n# Deploy with `serverless deploy`; the tables are under resources.Resources.\n")
    return header + dump_template(serverless_config(spec))


__all__ = ["cloudformation_text", "export_cloudformation", "import_cloudformation", "load_template_text",
           "looks_like", "dump_template", "sam_template", "sam_text", "serverless_config", "serverless_text",
           "snake", "template"]
