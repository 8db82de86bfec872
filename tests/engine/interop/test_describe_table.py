"""`aws dynamodb describe-table` output import: one table, several tables, indexes, billing, replicas."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.evaluate import evaluate
from engine.interop import InteropError, import_design, import_file
from engine.io import dump_model, loads_model

DATA = Path(__file__).parent / "data"


def notes_text(result) -> str:
    return "\n".join(n.text() for n in result.notes)


def test_one_on_demand_table_with_indexes_stream_class_and_replicas():
    result = import_file(DATA / "describe_one.json")
    assert result.format == "describe-table"
    model = result.model
    assert loads_model(dump_model(model)) == model
    evaluate(model)
    assert model.region == "eu-west-1"  # from the TableArn
    (t,) = model.tables
    assert (t.partition_key.name, t.sort_key.name) == ("CustomerId", "OrderDate")
    assert t.billing.mode == "on_demand" and t.billing.max_read_request_units == 1000
    assert t.billing.max_write_request_units is None  # -1 is "no maximum"
    assert t.billing.warm_read_units_per_second == 20000 and t.billing.warm_write_units_per_second is None
    assert t.table_class == "STANDARD_INFREQUENT_ACCESS"
    assert t.stream_view_type == "NEW_AND_OLD_IMAGES"
    assert t.deletion_protection is True
    assert t.gsis[0].name == "ByStatus" and t.gsis[0].projection.attributes == ("Total",)
    assert t.lsis[0].sort_key.type == "N" and t.lsis[0].projection.type == "KEYS_ONLY"
    assert t.global_table.regions == ("eu-west-1", "eu-central-1", "us-east-1")
    assert t.global_table.mode == "MREC"
    (entity,) = model.entities
    assert entity.item_count == 102400
    assert entity.attribute("data").size_bytes > 400  # TableSizeBytes / ItemCount = 512 bytes per item
    text = notes_text(result)
    for words in ("SSEDescription", "TTL not known", "Comment: not a key", "stands for the 102,400 items",
                  "an index's on-demand maximum", "no access patterns imported"):
        assert words in text, words


def test_several_tables_provisioned_and_mrsc():
    result = import_file(DATA / "describe_many.json")
    users, sessions = result.model.tables
    assert users.billing.mode == "provisioned"
    assert (users.billing.read_capacity_units, users.billing.write_capacity_units) == (25, 10)
    assert users.gsis[0].provisioned.read_capacity_units == 5
    assert sessions.partition_key.type == "B"
    assert sessions.global_table.mode == "MRSC" and sessions.global_table.witness_region == "us-west-2"
    assert [e.table for e in result.model.entities] == ["Sessions"]  # Users has ItemCount 0: no entity, noted
    text = notes_text(result)
    assert "number written as text '25'" in text and "table 'Users': no entity" in text
    evaluate(result.model)


def test_a_list_of_describe_table_outputs():
    one = json.loads((DATA / "describe_one.json").read_text())
    many = json.loads((DATA / "describe_many.json").read_text())["Tables"]
    result = import_design(json.dumps([one, *many]), source="list.json")
    assert [t.name for t in result.model.tables] == ["Orders", "Users", "Sessions"]
    assert "a design has one home region" in notes_text(result)  # eu-west-1 and us-east-1 tables
    evaluate(result.model)


def test_missing_definitions_and_billing_summary_are_guessed_and_noted():
    doc = {"Table": {"TableName": "x", "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                     "ProvisionedThroughput": {"ReadCapacityUnits": 3, "WriteCapacityUnits": 2}}}
    result = import_design(json.dumps(doc), "describe-table", "t.json")
    (t,) = result.model.tables
    assert t.name == "x_Table" and t.partition_key.type == "S"
    assert t.billing.mode == "provisioned"
    text = notes_text(result)
    assert "type S for key 'id'" in text and "no BillingModeSummary" in text and "home region us-east-1" in text


def test_a_table_without_hash_key_is_an_error():
    with pytest.raises(InteropError, match="no readable table"):
        import_design(json.dumps({"Table": {"TableName": "abc", "KeySchema": []}}), "describe-table", "t.json")
