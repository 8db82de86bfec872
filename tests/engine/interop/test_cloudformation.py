"""CloudFormation / SAM / serverless.yml import and CloudFormation export (checked by cfn-lint when installed)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from engine.evaluate import evaluate
from engine.interop import InteropError, export_design, import_design, import_file
from engine.interop.cloudformation import load_template_text
from engine.io import dump_model, iter_samples, loads_model
from engine.model import parse_model

DATA = Path(__file__).parent / "data"
SAMPLES = dict(iter_samples())


def notes_text(result) -> str:
    return "\n".join(n.text() for n in result.notes)


def test_short_form_tags_load_as_long_form():
    doc = load_template_text("a: !Ref X\nb: !Sub 'x-${Y}'\nc: !GetAtt T.Arn\nd: !If [C, 1, 2]\ne: !Join ['-', [a, b]]\n",
                             "t.yaml")
    assert doc == {"a": {"Ref": "X"}, "b": {"Fn::Sub": "x-${Y}"}, "c": {"Fn::GetAtt": ["T", "Arn"]},
                   "d": {"Fn::If": ["C", 1, 2]}, "e": {"Fn::Join": ["-", ["a", "b"]]}}


def test_an_alias_bomb_is_refused_quickly():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(9))
    with pytest.raises(InteropError):
        load_template_text(bomb, "bomb.yaml")


def test_template_with_intrinsic_functions():
    result = import_file(DATA / "cfn_template.yaml")
    assert result.format == "cloudformation"
    model = result.model
    assert loads_model(dump_model(model)) == model
    evaluate(model)
    orders, game = model.tables
    assert orders.name == "stack-orders-dev"  # !Sub with a parameter default and a pseudo parameter
    assert orders.billing.mode == "on_demand"  # !If: the first branch, noted
    assert orders.table_class == "STANDARD_INFREQUENT_ACCESS"
    assert orders.ttl_attribute == "expiresAt" and orders.stream_view_type == "NEW_IMAGE"
    assert orders.gsis[0].projection.attributes == ("total", "status")
    assert orders.lsis[0].sort_key.type == "N"
    assert game.global_table.regions == ("us-east-1", "eu-west-1")  # !Ref AWS::Region is the home region
    assert orders.point_in_time_recovery and game.point_in_time_recovery  # the table's and a replica's setting
    text = notes_text(result)
    for words in ("read as 'stack-orders-dev'", "!If IsProd", "notes: not a key",
                  "AWS::ApplicationAutoScaling::ScalableTarget", "provisioned capacity of an on-demand table",
                  "no entities and no access patterns"):
        assert words in text, words


def test_provisioned_parameters_resolve_to_their_defaults():
    text = (DATA / "cfn_template.yaml").read_text().replace("!If [IsProd, PAY_PER_REQUEST, PROVISIONED]",
                                                            "PROVISIONED")
    result = import_design(text, source="t.yaml")
    orders = result.model.tables[0]
    assert (orders.billing.read_capacity_units, orders.billing.write_capacity_units) == (20, 10)
    assert orders.gsis[0].provisioned.read_capacity_units == 5
    assert "!Ref ReadUnits read as its Default 20" in notes_text(result)


def test_sam_template_with_simple_tables():
    result = import_file(DATA / "sam_template.yaml")
    assert [(t.name, t.partition_key.name) for t in result.model.tables] == [
        ("Sessions", "sessionId"), ("Counters", "id"), ("Items", "id")]
    assert all(t.billing.mode == "on_demand" for t in result.model.tables)
    assert "named after its logical id" in notes_text(result)


def test_serverless_resources_section():
    result = import_file(DATA / "serverless.yml")
    (t,) = result.model.tables
    assert t.name == "todo-api-todos-dev" and t.ttl_attribute == "ttl"
    assert result.model.name == "Imported todo-api"


def test_json_template_and_global_table_provisioned():
    template = {"Resources": {"G": {"Type": "AWS::DynamoDB::GlobalTable", "Properties": {
        "TableName": "g-table", "BillingMode": "PROVISIONED",
        "AttributeDefinitions": [{"AttributeName": "k", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "k", "KeyType": "HASH"}],
        "StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"},
        "WriteProvisionedThroughputSettings": {"WriteCapacityAutoScalingSettings": {
            "MinCapacity": 5, "MaxCapacity": 50, "TargetTrackingScalingPolicyConfiguration": {"TargetValue": 60}}},
        "Replicas": [{"Region": "us-west-2", "ReadProvisionedThroughputSettings": {"ReadCapacityUnits": 8}},
                     {"Region": "eu-west-1", "ReadProvisionedThroughputSettings": {"ReadCapacityUnits": 8}}]}}}}
    result = import_design(json.dumps(template), source="g.json")
    (t,) = result.model.tables
    assert result.model.region == "us-west-2"
    assert t.global_table.regions == ("us-west-2", "eu-west-1")
    assert (t.billing.read_capacity_units, t.billing.write_capacity_units) == (8, 5)
    assert t.billing.auto_scaling.max_write_capacity_units == 50
    assert t.billing.auto_scaling.target_utilization == 0.6


def test_a_template_without_tables_is_an_error():
    with pytest.raises(InteropError, match="no AWS::DynamoDB::Table"):
        import_design("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n", "cloudformation", "q.yaml")
    with pytest.raises(InteropError, match="cannot tell the format"):
        import_design("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n", "auto", "q.yaml")


def _shape(t):
    return (t.name, t.partition_key, t.sort_key, t.gsis, t.lsis, t.table_class, t.ttl_attribute, t.global_table,
            t.deletion_protection, t.billing.mode)


def _variants() -> dict:
    """Every sample, and designs exercising what the samples do not: provisioned GSIs, auto scaling of a
    provisioned global table, MRSC with a witness, INCLUDE projections, TTL, streams, deletion protection."""
    out = dict(SAMPLES)
    base = {"name": "variants", "tables": [
        {"name": "prov", "partition_key": {"name": "pk"}, "sort_key": {"name": "sk", "type": "N"},
         "billing": {"mode": "provisioned", "read_capacity_units": 10.0, "write_capacity_units": 5.0},
         "table_class": "STANDARD_INFREQUENT_ACCESS", "ttl_attribute": "exp", "stream_view_type": "KEYS_ONLY",
         "deletion_protection": True,
         "gsis": [{"name": "gsi1", "partition_key": {"name": "a"}, "projection": {"type": "INCLUDE", "attributes": ["b"]},
                   "provisioned": {"read_capacity_units": 3.0, "write_capacity_units": 2.0}}],
         "lsis": [{"name": "lsi1", "sort_key": {"name": "c", "type": "B"}, "projection": {"type": "KEYS_ONLY"}}]},
        {"name": "glob", "partition_key": {"name": "pk"},
         "billing": {"mode": "provisioned", "read_capacity_units": 10.0, "write_capacity_units": 5.0,
                     "auto_scaling": {"min_write_capacity_units": 5.0, "max_write_capacity_units": 100.0}},
         "gsis": [{"name": "gsi2", "partition_key": {"name": "x"},
                   "provisioned": {"read_capacity_units": 4.0, "write_capacity_units": 5.0}}],
         "global_table": {"regions": ["us-east-1", "eu-west-1"]}},
        {"name": "strong", "partition_key": {"name": "pk"},
         "global_table": {"regions": ["us-east-1", "us-east-2"], "mode": "MRSC", "witness_region": "us-west-2"}},
    ]}
    out["variants"] = parse_model(base)
    return out


VARIANTS = _variants()


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_cloudformation_round_trip_keeps_every_table_setting(name):
    model = VARIANTS[name]
    result = import_design(export_design(model, "cloudformation"), source=f"{name}.yaml")
    assert result.format == "cloudformation"
    assert [_shape(t) for t in result.model.tables] == [_shape(t) for t in model.tables]
    assert result.model.region == model.region or all(t.global_table is None for t in model.tables)
    for before, after in zip(model.tables, result.model.tables, strict=True):
        if before.billing.mode == "provisioned":
            assert after.billing.read_capacity_units == before.billing.read_capacity_units
            assert after.billing.write_capacity_units == before.billing.write_capacity_units
        if before.stream_view_type is not None:
            assert after.stream_view_type == before.stream_view_type


CFN_LINT = shutil.which("cfn-lint") or (str(Path(sys.executable).parent / "cfn-lint")
                                        if (Path(sys.executable).parent / "cfn-lint").exists() else None)


@pytest.mark.skipif(CFN_LINT is None, reason="cfn-lint is not installed (pip install -e '.[test]')")
def test_cfn_lint_accepts_every_exported_template(tmp_path):
    paths = []
    for name, model in sorted(VARIANTS.items()):
        path = tmp_path / f"{name}.yaml"
        path.write_text(export_design(model, "cloudformation"))
        paths.append(str(path))
    proc = subprocess.run([CFN_LINT, "--format", "parseable", *paths], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip() == ""  # no errors, no warnings, no informational findings


def test_point_in_time_recovery_goes_out_and_comes_back() -> None:
    """PointInTimeRecoverySpecification (AWS::DynamoDB::Table and each GlobalTable replica, CloudFormation resource
    reference) is exported for a table with point_in_time_recovery and imported back onto the table."""
    from engine.interop import export_design, import_design
    from engine.io import load_sample, to_data
    from engine.model import parse_model

    data = to_data(load_sample("global_game_state"))
    for table in data["tables"]:
        table["point_in_time_recovery"] = True
    model = parse_model(data)
    back = import_design(export_design(model, "cloudformation"), "cloudformation").model
    assert [t.point_in_time_recovery for t in back.tables] == [True] * len(model.tables)
    plain = to_data(load_sample("orders_by_customer"))
    assert not import_design(export_design(parse_model(plain), "cloudformation")).model.tables[0].point_in_time_recovery
