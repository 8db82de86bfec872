"""Infrastructure exports (issue 13): CloudFormation, SAM, serverless.yml, AWS CDK (Python, TypeScript), Terraform.

Every sample design and a design exercising what the samples do not (provisioned tables and GSIs with auto
scaling, a provisioned MREC global table, MRSC with a witness and on-demand maximums, Standard-IA, TTL, streams,
LSIs with INCLUDE projections, deletion protection; point-in-time recovery, which the design schema does not hold
yet, is switched on in the export description itself) go through each format and are checked by the tool that
reads it where it is installed: cfn-lint 1.58.0 (the test extra) for templates, AWS CDK (aws-cdk-lib, the test
extra) synthesizing the Python app, `terraform fmt` for Terraform.
"""

from __future__ import annotations

import ast
import base64
import dataclasses
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest
import yaml

from engine.cli import main
from engine.interop import (
    EXPORT_FORMATS,
    InteropError,
    cdk,
    cloudformation,
    export_design,
    export_notes,
    import_design,
    terraform,
)
from engine.interop.infra import IAC_FORMATS, DesignSpec, design_spec
from engine.io import dump_model, iter_samples
from engine.model import parse_model

SAMPLES = dict(iter_samples())
CFN_LINT = shutil.which("cfn-lint") or (str(Path(sys.executable).parent / "cfn-lint")
                                        if (Path(sys.executable).parent / "cfn-lint").exists() else None)
TERRAFORM = shutil.which("terraform")
NODE_ENV = {"JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1", "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "1",
            "JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION": "1"}

EVERYTHING = {
    "name": "Every table setting", "region": "us-east-1", "tables": [
        {"name": "orders", "partition_key": {"name": "pk"}, "sort_key": {"name": "sk", "type": "N"},
         "billing": {"mode": "provisioned", "read_capacity_units": 10.0, "write_capacity_units": 5.0,
                     "auto_scaling": {"min_read_capacity_units": 5.0, "max_read_capacity_units": 100.0,
                                      "min_write_capacity_units": 2.0, "max_write_capacity_units": 50.0,
                                      "target_utilization": 0.6}},
         "table_class": "STANDARD_INFREQUENT_ACCESS", "ttl_attribute": "expiresAt", "stream_view_type": "KEYS_ONLY",
         "deletion_protection": True,
         "gsis": [{"name": "byStatus", "partition_key": {"name": "status"}, "sort_key": {"name": "placedAt", "type": "N"},
                   "projection": {"type": "INCLUDE", "attributes": ["total", "customer"]},
                   "provisioned": {"read_capacity_units": 3.0, "write_capacity_units": 2.0,
                                   "auto_scaling": {"min_read_capacity_units": 3.0, "max_read_capacity_units": 30.0,
                                                    "min_write_capacity_units": 2.0, "max_write_capacity_units": 20.0,
                                                    "target_utilization": 0.5}}},
                  {"name": "byCustomer", "partition_key": {"name": "customer"}, "projection": {"type": "KEYS_ONLY"},
                   "provisioned": {"read_capacity_units": 4.0, "write_capacity_units": 4.0}}],
         "lsis": [{"name": "byAmount", "sort_key": {"name": "amount", "type": "B"},
                   "projection": {"type": "INCLUDE", "attributes": ["note"]}}]},
        {"name": "sessions-global", "partition_key": {"name": "id"},
         "billing": {"mode": "provisioned", "read_capacity_units": 10.0, "write_capacity_units": 5.0,
                     "auto_scaling": {"min_read_capacity_units": 10.0, "max_read_capacity_units": 200.0,
                                      "min_write_capacity_units": 5.0, "max_write_capacity_units": 100.0}},
         "table_class": "STANDARD_INFREQUENT_ACCESS", "deletion_protection": True,
         "gsis": [{"name": "byUser", "partition_key": {"name": "user"},
                   "provisioned": {"read_capacity_units": 4.0, "write_capacity_units": 5.0}}],
         "global_table": {"regions": ["us-east-1", "eu-west-1"]}},
        {"name": "strong", "partition_key": {"name": "pk"},
         "billing": {"mode": "on_demand", "max_read_request_units": 100.0, "max_write_request_units": 50.0},
         "global_table": {"regions": ["us-east-1", "us-east-2"], "mode": "MRSC", "witness_region": "us-west-2"}},
        {"name": "capped", "partition_key": {"name": "pk"}, "stream_view_type": "NEW_IMAGE",
         "billing": {"mode": "on_demand", "max_read_request_units": 300.0}},
    ]}
VARIANTS = {**SAMPLES, "everything": parse_model(EVERYTHING)}


def with_pitr(spec: DesignSpec) -> DesignSpec:
    """The export description with point-in-time recovery on for every table (the schema has no field for it)."""
    return dataclasses.replace(spec, tables=tuple(dataclasses.replace(t, point_in_time_recovery=True)
                                                  for t in spec.tables))


SPECS = {**{name: design_spec(m) for name, m in VARIANTS.items()},
         "everything-pitr": with_pitr(design_spec(VARIANTS["everything"]))}


def resources(doc: dict, kind: str) -> dict:
    return {k: v for k, v in doc["Resources"].items() if v["Type"] == kind}


# ----------------------------------------------------------------------------- CloudFormation, SAM, serverless


@pytest.mark.skipif(CFN_LINT is None, reason="cfn-lint is not installed (pip install -e '.[test]')")
def test_cfn_lint_accepts_cloudformation_sam_and_serverless_resources(tmp_path):
    """Source: cfn-lint 1.58.0 (AWS's resource specification and rules); no error, warning or info finding for any
    design, in any of the three template formats (the serverless.yml `resources` block linted as a template)."""
    paths = []
    for name, spec in sorted(SPECS.items()):
        for fmt, text in (("cloudformation", cloudformation.cloudformation_text(spec)),
                          ("sam", cloudformation.sam_text(spec))):
            paths.append(tmp_path / f"{name}.{fmt}.yaml")
            paths[-1].write_text(text)
        res = cloudformation.serverless_config(spec)["resources"]
        paths.append(tmp_path / f"{name}.serverless.yaml")
        paths[-1].write_text(cloudformation.dump_template({"AWSTemplateFormatVersion": "2010-09-09", **res}))
    proc = subprocess.run([CFN_LINT, "--format", "parseable", *map(str, paths)], capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip() == ""


def test_auto_scaling_is_written_as_application_auto_scaling_resources():
    """Source: AWS::ApplicationAutoScaling::ScalableTarget / ScalingPolicy reference (DynamoDB dimensions
    dynamodb:table|index:Read|WriteCapacityUnits, predefined metrics DynamoDB*CapacityUtilization)."""
    doc = cloudformation.template(SPECS["everything"])
    targets = resources(doc, "AWS::ApplicationAutoScaling::ScalableTarget")
    policies = resources(doc, "AWS::ApplicationAutoScaling::ScalingPolicy")
    table = VARIANTS["everything"].tables[0]
    gsi = table.gsis[0]
    found = {(t["Properties"]["ScalableDimension"], t["Properties"]["MinCapacity"], t["Properties"]["MaxCapacity"])
             for t in targets.values()}
    a, g = table.billing.auto_scaling, gsi.provisioned.auto_scaling
    assert found == {("dynamodb:table:ReadCapacityUnits", a.min_read_capacity_units, a.max_read_capacity_units),
                     ("dynamodb:table:WriteCapacityUnits", a.min_write_capacity_units, a.max_write_capacity_units),
                     ("dynamodb:index:ReadCapacityUnits", g.min_read_capacity_units, g.max_read_capacity_units),
                     ("dynamodb:index:WriteCapacityUnits", g.min_write_capacity_units, g.max_write_capacity_units)}
    assert len(policies) == 4
    for p in policies.values():
        target = targets[p["Properties"]["ScalingTargetId"]["Ref"]]["Properties"]
        config = p["Properties"]["TargetTrackingScalingPolicyConfiguration"]
        dim = target["ScalableDimension"].split(":")[-1].replace("CapacityUnits", "")
        assert config["PredefinedMetricSpecification"]["PredefinedMetricType"] == f"DynamoDB{dim}CapacityUtilization"
        expected = (g if ":index:" in target["ScalableDimension"] else a).target_utilization * 100
        assert config["TargetValue"] == pytest.approx(expected)
        resource_id = target["ResourceId"]["Fn::Sub"]
        assert (resource_id[1]["IndexName"] == gsi.name) if ":index:" in target["ScalableDimension"] \
            else resource_id == "table/${OrdersTable}"
    # the fixed-capacity GSI gets no scaling resources; no design without auto scaling gets any
    assert not any("ByCustomer" in k for k in targets)
    for name in SAMPLES:
        if all(t.billing.mode == "on_demand" or t.billing.auto_scaling is None for t in SAMPLES[name].tables):
            assert not resources(cloudformation.template(SPECS[name]), "AWS::ApplicationAutoScaling::ScalableTarget")


def test_global_tables_carry_auto_scaling_in_their_own_settings():
    """Source: AWS::DynamoDB::GlobalTable reference: WriteProvisionedThroughputSettings.WriteCapacityAutoScalingSettings
    and each replica's ReadProvisionedThroughputSettings (ReadCapacityUnits or ReadCapacityAutoScalingSettings)."""
    doc = cloudformation.template(SPECS["everything"])
    g = doc["Resources"]["SessionsGlobalTable"]["Properties"]
    a = VARIANTS["everything"].tables[1].billing.auto_scaling
    write = g["WriteProvisionedThroughputSettings"]["WriteCapacityAutoScalingSettings"]
    assert (write["MinCapacity"], write["MaxCapacity"], write["SeedCapacity"]) == (a.min_write_capacity_units,
                                                                                 a.max_write_capacity_units, 5)
    assert [r["Region"] for r in g["Replicas"]] == ["us-east-1", "eu-west-1"]
    for rep in g["Replicas"]:
        read = rep["ReadProvisionedThroughputSettings"]["ReadCapacityAutoScalingSettings"]
        assert (read["MinCapacity"], read["MaxCapacity"]) == (a.min_read_capacity_units, a.max_read_capacity_units)
        assert rep["TableClass"] == "STANDARD_INFREQUENT_ACCESS" and rep["DeletionProtectionEnabled"] is True
        assert rep["GlobalSecondaryIndexes"] == [{"IndexName": "byUser",
                                                  "ReadProvisionedThroughputSettings": {"ReadCapacityUnits": 4}}]
    index_write = g["GlobalSecondaryIndexes"][0]["WriteProvisionedThroughputSettings"]["WriteCapacityAutoScalingSettings"]
    assert (index_write["MinCapacity"], index_write["MaxCapacity"]) == (5, 5)  # fixed: min = max
    strong = doc["Resources"]["StrongTable"]["Properties"]
    assert strong["MultiRegionConsistency"] == "STRONG" and strong["GlobalTableWitnesses"] == [{"Region": "us-west-2"}]
    assert strong["WriteOnDemandThroughputSettings"] == {"MaxWriteRequestUnits": 50}
    assert all(r["ReadOnDemandThroughputSettings"] == {"MaxReadRequestUnits": 100} for r in strong["Replicas"])
    assert "StreamSpecification" not in strong  # MRSC replicates without a stream
    assert doc["Resources"]["CappedTable"]["Properties"]["OnDemandThroughput"] == {"MaxReadRequestUnits": 300}
    pitr = cloudformation.template(SPECS["everything-pitr"])["Resources"]
    assert pitr["OrdersTable"]["Properties"]["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert all(r["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
               for r in pitr["SessionsGlobalTable"]["Properties"]["Replicas"])


def _shape(t):
    return (t.name, t.partition_key, t.sort_key, t.gsis if t.billing.mode == "on_demand" else [g.name for g in t.gsis],
            t.lsis, t.table_class, t.ttl_attribute, t.global_table, t.deletion_protection, t.billing.mode)


@pytest.mark.parametrize("fmt", ["cloudformation", "sam", "serverless"])
@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_templates_import_back_to_the_same_tables(name, fmt):
    """Source: the workbench's own template importer (engine.interop.cloudformation): a template the export
    writes reads back as the same tables, capacities included (a global table's from its SeedCapacity)."""
    model = VARIANTS[name]
    result = import_design(export_design(model, fmt), source=f"{name}.{fmt}")
    assert [_shape(t) for t in result.model.tables] == [_shape(t) for t in model.tables]
    for before, after in zip(model.tables, result.model.tables, strict=True):
        if before.billing.mode == "provisioned":
            assert (after.billing.read_capacity_units, after.billing.write_capacity_units) == (
                before.billing.read_capacity_units, before.billing.write_capacity_units)
        else:
            assert after.billing.max_read_request_units == before.billing.max_read_request_units


def test_sam_and_serverless_wrap_the_cloudformation_resources():
    """Source: AWS SAM specification (Transform AWS::Serverless-2016-10-31) and the Serverless Framework's
    serverless.yml reference (service, provider.name/region, resources.Resources/Outputs)."""
    spec = SPECS["everything"]
    plain = cloudformation.template(spec)
    sam = yaml.safe_load(cloudformation.sam_text(spec))
    assert sam["Transform"] == "AWS::Serverless-2016-10-31" and sam["Resources"] == plain["Resources"]
    text = cloudformation.serverless_text(spec)
    assert text.startswith("# serverless.yml of the design 'Every table setting'")
    sls = yaml.safe_load(text)
    assert sls["service"] == "every-table-setting"
    assert sls["provider"] == {"name": "aws", "region": "us-east-1"}
    assert sls["resources"] == {"Resources": plain["Resources"], "Outputs": plain["Outputs"]}


def test_serverless_refuses_text_it_would_resolve_as_a_variable():
    """Source: Serverless Framework variables (`${...}` is resolved in every value of serverless.yml)."""
    data = json.loads(json.dumps(EVERYTHING))
    data["tables"][3]["partition_key"]["name"] = "pk${env:AWS_SECRET_ACCESS_KEY}"
    model = parse_model(data)
    with pytest.raises(InteropError, match=r"serverless would resolve"):
        export_design(model, "serverless")
    assert "pk${env:AWS_SECRET_ACCESS_KEY}" in export_design(model, "cloudformation")  # a plain string there


# ----------------------------------------------------------------------------- AWS CDK


@pytest.fixture(scope="module")
def cdk_synth(tmp_path_factory):
    """The Python app of the 'everything' design (point-in-time recovery on), run as `python app.py` with
    CDK_OUTDIR: the CloudFormation template AWS CDK synthesizes from it, and the seconds it took."""
    if importlib.util.find_spec("aws_cdk") is None or shutil.which("node") is None:
        print("SKIP reason: aws-cdk-lib or Node.js is not installed (pip install -e '.[test]'; node on PATH)")
        pytest.skip("aws-cdk-lib cannot be imported here (aws-cdk-lib from the test extra and node are needed)")
    folder = tmp_path_factory.mktemp("cdk")
    spec = SPECS["everything-pitr"]
    (folder / "app.py").write_text(cdk.python_app(spec))
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "app.py"], cwd=folder, capture_output=True, text=True, timeout=600,
                          env={**os.environ, **NODE_ENV, "CDK_OUTDIR": str(folder / "cdk.out")})
    seconds = time.monotonic() - started
    assert proc.returncode == 0, proc.stderr[-4000:]
    path = folder / "cdk.out" / f"{cdk.stack_name(spec)}.template.json"
    print(f"CDK synth of the Python app: {seconds:.1f} s")
    return path, json.loads(path.read_text()), seconds


@pytest.mark.skipif(CFN_LINT is None, reason="cfn-lint is not installed (pip install -e '.[test]')")
def test_cfn_lint_accepts_the_template_cdk_synthesizes(cdk_synth):
    """Source: cfn-lint 1.58.0 on the template AWS CDK (aws-cdk-lib) synthesized from the exported app, CDK's own
    additions (BootstrapVersion parameter and rule, CDKMetadata) included: nothing is ignored."""
    path, _, _ = cdk_synth
    proc = subprocess.run([CFN_LINT, "--format", "parseable", str(path)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip() == ""


def test_the_cdk_app_declares_what_the_cloudformation_export_declares(cdk_synth):
    """Source: AWS CDK's synthesized template (TableV2 -> AWS::DynamoDB::GlobalTable) compared with the workbench's
    CloudFormation export of the same design: keys, attribute definitions, indexes, billing and auto scaling
    bounds, class, TTL, stream, recovery, deletion protection, replicas, MRSC witness."""
    _, synth, _ = cdk_synth
    ours = {p["TableName"]: p for p in (r["Properties"] for r in cloudformation.template(SPECS["everything-pitr"])[
        "Resources"].values() if r["Type"].startswith("AWS::DynamoDB::"))}
    theirs = {r["Properties"]["TableName"]: r["Properties"] for r in synth["Resources"].values()
              if r["Type"] == "AWS::DynamoDB::GlobalTable"}
    assert set(theirs) == set(ours)
    for name, mine in ours.items():
        cdk_props = theirs[name]
        assert cdk_props["KeySchema"] == mine["KeySchema"], name
        assert sorted(map(json.dumps, cdk_props["AttributeDefinitions"])) == sorted(
            map(json.dumps, mine["AttributeDefinitions"])), name
        assert {g["IndexName"]: (g["KeySchema"], g["Projection"]) for g in cdk_props.get("GlobalSecondaryIndexes", [])} \
            == {g["IndexName"]: (g["KeySchema"], g["Projection"]) for g in mine.get("GlobalSecondaryIndexes", [])}, name
        assert cdk_props.get("LocalSecondaryIndexes") == mine.get("LocalSecondaryIndexes"), name
        assert cdk_props.get("TimeToLiveSpecification") == mine.get("TimeToLiveSpecification"), name
        # TableV2 gives every table with replicas a NEW_AND_OLD_IMAGES stream; the export adds one only where
        # replication needs it (MREC), so an MRSC table without a stream in the design differs here alone
        cdk_stream = cdk_props.get("StreamSpecification")
        if mine.get("MultiRegionConsistency") == "STRONG" and "StreamSpecification" not in mine:
            assert cdk_stream == {"StreamViewType": "NEW_AND_OLD_IMAGES"}, name
        else:
            assert cdk_stream == mine.get("StreamSpecification"), name
        assert cdk_props["BillingMode"] == mine["BillingMode"], name
        assert cdk_props.get("MultiRegionConsistency") == mine.get("MultiRegionConsistency"), name
        assert cdk_props.get("GlobalTableWitnesses") == mine.get("GlobalTableWitnesses"), name
        regions = [r["Region"] for r in mine.get("Replicas", [{"Region": "us-east-1"}])]
        assert sorted(r["Region"] for r in cdk_props["Replicas"]) == sorted(regions), name
        replicas = mine.get("Replicas", [])
        protected = mine.get("DeletionProtectionEnabled", False) or any(r.get("DeletionProtectionEnabled") for r in replicas)
        table_class = mine.get("TableClass") or next((r["TableClass"] for r in replicas if "TableClass" in r), "STANDARD")
        for rep in cdk_props["Replicas"]:
            assert rep.get("PointInTimeRecoverySpecification") == {"PointInTimeRecoveryEnabled": True}, name
            assert rep.get("DeletionProtectionEnabled", False) == protected, name
            assert rep.get("TableClass", "STANDARD") == table_class, name
    orders = theirs["orders"]
    auto = orders["WriteProvisionedThroughputSettings"]["WriteCapacityAutoScalingSettings"]
    assert (auto["MinCapacity"], auto["MaxCapacity"], auto["TargetTrackingScalingPolicyConfiguration"]["TargetValue"]) \
        == (2, 50, 60)
    read = orders["Replicas"][0]["ReadProvisionedThroughputSettings"]["ReadCapacityAutoScalingSettings"]
    assert (read["MinCapacity"], read["MaxCapacity"]) == (5, 100)
    index_write = orders["GlobalSecondaryIndexes"][0]["WriteProvisionedThroughputSettings"]
    assert index_write["WriteCapacityAutoScalingSettings"]["MaxCapacity"] == 20
    assert theirs["strong"]["WriteOnDemandThroughputSettings"] == {"MaxWriteRequestUnits": 50}


@pytest.mark.parametrize("name", sorted(SPECS))
def test_cdk_python_app_is_a_python_module_with_one_table_per_design_table(name):
    """Source: Python's own parser (ast): the app compiles, creates a TableV2 per table and a CfnOutput per table,
    and its string constants are the design's names exactly."""
    spec = SPECS[name]
    tree = ast.parse(cdk.python_app(spec))
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)]
    tables = [c for c in calls if ast.unparse(c.func) == "dynamodb.TableV2"]
    assert [next(k.value.value for k in c.keywords if k.arg == "table_name") for c in tables] == [
        t.name for t in spec.tables]
    assert sum(ast.unparse(c.func) == "cdk.CfnOutput" for c in calls) == len(spec.tables)
    assert [type(n).__name__ for n in tree.body] == ["Expr", "Import", "Import", "ImportFrom", "ImportFrom", "ClassDef",
                                                     "Assign", "Expr", "Expr"]


# the TypeScript compiler is not installed here and is not fetched (no `npx tsc`): the TypeScript stack is checked
# against the declarations aws-cdk-lib ships (its .d.ts files, inside the Python package's jsii tarball) instead.
def _dynamodb_declarations() -> str | None:
    spec = importlib.util.find_spec("aws_cdk")
    if spec is None or spec.origin is None:
        return None
    tarballs = sorted((Path(spec.origin).parent / "_jsii").glob("aws-cdk-lib@*.jsii.tgz"))
    if not tarballs:
        return None
    with tarfile.open(tarballs[0]) as tar:
        return "\n".join(tar.extractfile(m).read().decode() for m in tar.getmembers()
                         if m.name.startswith("package/aws-dynamodb/lib/") and m.name.endswith(".d.ts"))


def _ts_code(text: str) -> str:
    """TypeScript text without comments and with every string literal emptied (for structure checks)."""
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(("//", "/*")))
    return re.sub(r'"(?:[^"\\\n]|\\.)*"', '""', code)


@pytest.mark.parametrize("name", sorted(SPECS))
def test_cdk_typescript_stack_structure(name):
    """Source: aws-cdk-lib's TypeScript declarations (aws-dynamodb .d.ts from the package the test extra installs)
    for every property, static method and enum member the stack uses; brackets balance outside strings; a
    TableV2 and a CfnOutput per table; the same props as the Python app (camelCase of its keywords).
    No TypeScript compiler runs: `npx tsc` would need a download, which these tests never make."""
    spec = SPECS[name]
    text = cdk.typescript_stack(spec)
    code = _ts_code(text)
    for o, c in ("()", "[]", "{}"):
        assert code.count(o) == code.count(c), (o, c)
    assert re.search(rf"export class {cdk.stack_name(spec)} extends cdk\.Stack \{{", code)
    assert code.count("new dynamodb.TableV2(this, ") == len(spec.tables)
    assert code.count("new cdk.CfnOutput(this, ") == len(spec.tables)
    names = [json.loads(m) for m in re.findall(r'tableName: ("(?:[^"\\]|\\.)*")', text)]
    assert names == [t.name for t in spec.tables]
    keys = set(re.findall(r"\b([a-zA-Z]+): ", code)) - {"scope", "id", "value"}  # constructor parameters, CfnOutput
    python_keys = {cdk.to_camel(k.arg) for n in ast.walk(ast.parse(cdk.python_app(spec)))
                   if isinstance(n, ast.Call) and ast.unparse(n.func).startswith("dynamodb.") for k in n.keywords}
    assert keys == python_keys
    declarations = _dynamodb_declarations()
    if declarations is None:
        pytest.skip("aws-cdk-lib is not installed: its TypeScript declarations are not here to check against")
    for key in keys:
        assert re.search(rf"readonly {key}\??:", declarations), key
    for cls, method in set(re.findall(r"dynamodb\.(\w+)\.(\w+)\(", code)):
        assert re.search(rf"class {cls}\b[^{{]*\{{[^}}]*?static {method}\(", declarations, re.S), (cls, method)
    for enum, member in set(re.findall(r"dynamodb\.(\w+)\.([A-Z_]+)\b(?!\()", code)):
        assert re.search(rf"enum {enum} \{{[^}}]*\b{member} = ", declarations, re.S), (enum, member)


# ----------------------------------------------------------------------------- Terraform


@pytest.mark.skipif(TERRAFORM is None, reason="terraform is not installed (no binary on PATH)")
@pytest.mark.parametrize("name", sorted(SPECS))
def test_terraform_is_in_canonical_fmt_layout(name):
    """Source: `terraform fmt -check -` (Terraform's own parser and canonical formatter)."""
    text = terraform.terraform_text(SPECS[name])
    proc = subprocess.run([TERRAFORM, "fmt", "-check", "-"], input=text, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_terraform_structure():
    """Source: the hashicorp/aws provider's aws_dynamodb_table, aws_appautoscaling_target/_policy documentation
    (argument names, and the provider release that added each argument: on_demand_throughput 5.72,
    replica.consistency_mode 6.3, replica.deletion_protection_enabled 6.9, global_table_witness 6.22).
    python-hcl2 is not installed, so the text is checked."""
    text = terraform.terraform_text(SPECS["everything-pitr"])
    assert 'source  = "hashicorp/aws"' in text and 'version = ">= 6.22"' in text
    assert 'provider "aws" {\n  region = "us-east-1"\n}' in text
    assert text.count('resource "aws_dynamodb_table" ') == 4
    orders = text[text.index('resource "aws_dynamodb_table" "orders"'):text.index('resource "aws_appautoscaling_target"')]
    for line in ('billing_mode                = "PROVISIONED"', "read_capacity               = 10",
                 'table_class                 = "STANDARD_INFREQUENT_ACCESS"', "stream_enabled              = true",
                 'stream_view_type            = "KEYS_ONLY"', "deletion_protection_enabled = true",
                 'attribute_name = "expiresAt"', "point_in_time_recovery {\n    enabled = true",
                 'non_key_attributes = ["total", "customer"]', "ignore_changes = [read_capacity, write_capacity]"):
        assert line in orders, line
    assert orders.count("  attribute {") == 6  # pk, sk, status, placedAt, customer, amount: key attributes only
    assert text.count('resource "aws_appautoscaling_target" ') == 6  # orders r/w, byStatus r/w, sessions r/w
    assert 'resource_id        = "table/${aws_dynamodb_table.orders.name}/index/byStatus"' in text
    assert "target_value = 60" in text and "target_value = 50" in text
    assert 'replica {\n    region_name                 = "eu-west-1"\n    point_in_time_recovery      = true\n' \
           '    deletion_protection_enabled = true\n  }' in text
    assert 'replica {\n    region_name            = "us-east-2"\n    consistency_mode       = "STRONG"' in text
    assert 'global_table_witness {\n    region_name = "us-west-2"\n  }' in text
    assert "on_demand_throughput {\n    max_read_request_units  = 100\n    max_write_request_units = 50\n  }" in text
    assert re.search(r'stream_view_type +a= "NEW_AND_OLD_IMAGES"'.replace("a=", "="), text)  # MREC replicates through it
    assert text.count('output "') == 4
    simple = terraform.terraform_text(SPECS["orders_simple_key"])
    assert 'version = ">= 5.0"' in simple and "aws_appautoscaling" not in simple


def test_terraform_validate_needs_an_initialised_provider():
    """Source: `terraform validate`, which needs `terraform init` to have installed hashicorp/aws. The provider is
    not on this machine and this test never downloads it, so it runs only where a local plugin mirror has it."""
    mirror = Path(os.environ.get("TF_PLUGIN_MIRROR", Path.home() / ".terraform.d" / "plugins"))
    if TERRAFORM is None or not (mirror / "registry.terraform.io" / "hashicorp" / "aws").is_dir():
        print("SKIP reason: no hashicorp/aws provider in a local plugin mirror; `terraform init` would download it")
        pytest.skip("terraform validate needs the hashicorp/aws provider installed locally (terraform init offline)")
    folder = Path(os.environ.get("TMPDIR", "/tmp")) / f"tf-validate-{os.getpid()}"
    folder.mkdir(exist_ok=True)
    (folder / "main.tf").write_text(terraform.terraform_text(SPECS["everything-pitr"]))
    init = subprocess.run([TERRAFORM, "init", "-backend=false", f"-plugin-dir={mirror}"], cwd=folder,
                          capture_output=True, text=True, timeout=300)
    if init.returncode != 0:
        pytest.skip(f"terraform init failed offline: {init.stderr[-300:]}")
    proc = subprocess.run([TERRAFORM, "validate"], cwd=folder, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr


# ----------------------------------------------------------------------------- design text is text

HOSTILE = '"; rm -rf / #\n\u2028${file(/etc/passwd)} %{if true}x%{endif} */ """ \\ \\" `$(id)`'


def _hostile_model():
    data = json.loads(json.dumps(EVERYTHING))
    data["name"] = "Design " + HOSTILE
    data["description"] = HOSTILE
    data["tables"][0]["partition_key"]["name"] = "pk" + HOSTILE
    data["tables"][0]["gsis"][0]["projection"]["attributes"] = ["total" + HOSTILE]
    data["tables"][0]["ttl_attribute"] = "ttl" + HOSTILE
    return parse_model(data)


def test_hostile_design_text_stays_inside_strings():
    """Source: each language's own reader: YAML (PyYAML) for the templates, Python's parser for the CDK app, JSON
    string rules for the TypeScript literals and the line structure of its comments; a name with quotes, newlines,
    line separators, `${...}`, `%{...}`, comment ends and backslashes is read back exactly and adds no code."""
    model = _hostile_model()
    key, attr, ttl = "pk" + HOSTILE, "total" + HOSTILE, "ttl" + HOSTILE
    for fmt in ("cloudformation", "sam"):
        doc = yaml.safe_load(export_design(model, fmt))
        props = doc["Resources"]["OrdersTable"]["Properties"]
        assert props["KeySchema"][0]["AttributeName"] == key
        assert props["GlobalSecondaryIndexes"][0]["Projection"]["NonKeyAttributes"][0] == attr
        assert props["TimeToLiveSpecification"]["AttributeName"] == ttl
        assert doc["Description"].startswith(f"DynamoDB tables of the design 'Design {HOSTILE}'")
    with pytest.raises(InteropError, match="serverless would resolve"):
        export_design(model, "serverless")
    app = export_design(model, "cdk-python")
    tree = ast.parse(app)
    assert [type(n).__name__ for n in tree.body] == ["Expr", "Import", "Import", "ImportFrom", "ImportFrom", "ClassDef",
                                                     "Assign", "Expr", "Expr"]
    constants = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    assert {key, attr, ttl} <= constants
    assert all(line.startswith("#") for line in app.split('"""')[0].splitlines())
    ts = export_design(model, "cdk-typescript")
    header, _, _ = ts.partition("\nimport ")
    assert all(line.startswith("//") for line in header.splitlines() if line)
    literals = {json.loads(m) for m in re.findall(r'"(?:[^"\\\n]|\\.)*"', ts.partition("\nimport ")[2])}
    assert {key, attr, ttl} <= literals
    assert "\u2028" not in ts and "\u2028" not in app.split('"""')[0]
    tf = export_design(model, "terraform")
    assert all(line.startswith("#") for line in tf.split("\n\n")[0].splitlines())


@pytest.mark.skipif(TERRAFORM is None, reason="terraform is not installed (no binary on PATH)")
def test_hostile_text_reads_back_from_terraform_strings(tmp_path):
    """Source: Terraform's own evaluation (`terraform console`, no provider needed): the HCL strings the export
    writes for hostile names evaluate to the names exactly, with no interpolation or template directive."""
    model = _hostile_model()
    text = export_design(model, "terraform")
    proc = subprocess.run([TERRAFORM, "fmt", "-check", "-"], input=text, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    wanted = ["pk" + HOSTILE, "total" + HOSTILE, "ttl" + HOSTILE]
    written = [terraform.hcl_str(w) for w in wanted]
    assert all(f"{w}" in text for w in written)
    (tmp_path / "main.tf").write_text("locals {\n" + "".join(f"  v{i} = {w}\n" for i, w in enumerate(written)) + "}\n")
    got = []
    for i in range(len(wanted)):
        proc = subprocess.run([TERRAFORM, "console"], input=f"base64encode(local.v{i})\n", cwd=tmp_path,
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, proc.stderr
        got.append(base64.b64decode(json.loads(proc.stdout.strip())).decode())
    assert got == wanted


# ----------------------------------------------------------------------------- identifiers


def test_names_become_valid_unique_identifiers():
    """Source: the identifier rules of each language (CloudFormation logical ids: alphanumeric; Python and
    TypeScript identifiers; Terraform names: letters, digits, `_`, `-`, not starting with a digit)."""
    data = {"name": "9 lives", "tables": [{"name": n, "partition_key": {"name": "pk"}}
                                          for n in ("orders", "Orders", "2024-orders", "orders.v2", "class")]}
    spec = design_spec(parse_model(data))
    doc = cloudformation.template(spec)
    ids = list(doc["Resources"])
    assert len(set(ids)) == 5 and all(re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", i) for i in ids)
    tree = ast.parse(cdk.python_app(spec))
    targets = [n.targets[0].id for n in ast.walk(tree) if isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Name)
               and n.targets[0].id != "app"]
    assert len(set(targets)) == 5 and all(t.isidentifier() for t in targets)
    assert cdk.stack_name(spec)[0].isalpha()
    ts_vars = re.findall(r"    const (\w+) = ", cdk.typescript_stack(spec))
    assert len(set(ts_vars)) == 5 and all(re.fullmatch(r"[A-Za-z_$][\w$]*", v) for v in ts_vars)
    tf_names = re.findall(r'resource "aws_dynamodb_table" "([^"]+)"', terraform.terraform_text(spec))
    assert len(set(tf_names)) == 5 and all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", n) for n in tf_names)


# ----------------------------------------------------------------------------- the command


@pytest.mark.parametrize("fmt", IAC_FORMATS)
def test_cli_writes_each_format_and_prints_what_it_does_not_carry(capsys, tmp_path, fmt):
    """Source: `ddb-workbench export --to FORMAT -o PATH` (engine/commands/export_design.py): the file holds
    export_design's text and stderr lists export_notes (a sample with access patterns and entities)."""
    assert fmt in EXPORT_FORMATS
    path = tmp_path / f"out.{fmt}"
    assert main(["export", "orders_by_customer", "--to", fmt, "-o", str(path)]) == 0
    err = capsys.readouterr().err
    model = SAMPLES["orders_by_customer"]
    assert path.read_text() == export_design(model, fmt)
    notes = export_notes(model, fmt)
    assert notes and any("access pattern" in n for n in notes) and any("entit" in n for n in notes)
    for note in notes:
        assert f"not exported: {note}" in err
    assert main(["export", "orders_by_customer", "--to", fmt, "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["format"] == fmt and payload["not_exported"] == notes and payload["text"] == path.read_text()


def test_cli_export_of_a_design_file(capsys, tmp_path):
    """Source: the command reading a design file (not a sample) and writing Terraform to stdout."""
    design = tmp_path / "everything.yaml"
    design.write_text(dump_model(VARIANTS["everything"]))
    assert main(["export", str(design), "--to", "terraform"]) == 0
    out = capsys.readouterr()
    assert out.out == export_design(VARIANTS["everything"], "terraform")
    assert out.err == "".join(f"  - not exported: {n}\n" for n in export_notes(VARIANTS["everything"], "terraform"))
    assert "auto scaling of the replicas" in out.err  # the provisioned global table's other region


def test_export_notes_name_what_infrastructure_cannot_hold():
    """Source: the design schema (engine/model/table.py): reserved capacity and warm throughput/previous peaks
    have no place in a table's infrastructure; Terraform's auto scaling resources act in one region."""
    data = json.loads(json.dumps(EVERYTHING))
    data["tables"][0]["billing"]["reserved_read_capacity_units"] = 100
    data["tables"][3]["billing"]["previous_peak_read_units_per_second"] = 500.0
    model = parse_model(data)
    for fmt in IAC_FORMATS:
        notes = export_notes(model, fmt)
        assert "table orders: reserved capacity (bought separately) not carried" in notes, fmt
        assert "table capped: previous peaks and warm throughput not carried" in notes, fmt
        assert any(n.startswith("table sessions-global: auto scaling of the replicas") for n in notes) == (
            fmt == "terraform"), fmt
        assert not any("auto scaling" in n for n in notes if fmt != "terraform"), fmt
