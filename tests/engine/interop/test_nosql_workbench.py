"""NoSQL Workbench model import (1.0, 2.0, 3.0 and hand-edited files) and export (3.0) with round trips."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.evaluate import evaluate
from engine.interop import export_design, import_design, import_file
from engine.io import dump_model, iter_samples, loads_model
from engine.samples import generate_items

DATA = Path(__file__).parent / "data"
NWB_FILES = sorted(DATA.glob("nwb_*.json"))


def notes_text(result) -> str:
    return "\n".join(n.text() for n in result.notes)


@pytest.mark.parametrize("path", NWB_FILES, ids=lambda p: p.stem)
def test_every_file_imports_validates_evaluates_and_generates_samples(path):
    result = import_file(path)
    assert result.format == "nosql-workbench"
    model = result.model
    assert loads_model(dump_model(model)) == model  # a valid design file
    evaluate(model)
    generate_items(model, seed=0, max_items_per_entity=20)
    assert model.access_patterns == ()
    assert "no access patterns imported" in notes_text(result)


def test_v1_facets_get_templates_from_table_data():
    result = import_file(DATA / "nwb_v1_music.json")
    model = result.model
    assert [e.name for e in model.entities] == ["SongDetails", "Downloads", "MonthlyTotals"]
    details = model.entity("SongDetails")
    assert details.key_template("Id").template == "SONG#{song_id}"
    assert details.key_template("Metadata").template == "DETAILS"
    assert details.variable("song_id").values == ("1", "2")
    assert details.item_count == 2
    assert {a.name: a.type for a in details.attributes} == {"Title": "S", "Artist": "S", "TotalDownloads": "N"}
    downloads = model.entity("Downloads")
    assert downloads.key_template("Metadata").template == "DL#{dl_id}"
    assert downloads.variable("dl_id").values == ("dl-0001", "dl-0002", "dl-0003")
    # the GSI's key attributes are filled by the entity whose items carry them
    monthly = model.entity("MonthlyTotals")
    assert monthly.key_template("DownloadMonth") is not None
    assert model.tables[0].gsis[0].projection.type == "KEYS_ONLY"
    assert len(result.items["Songs"]) == 7
    # sample items reuse the file's key values
    keys = {item["Id"]["S"] for item in generate_items(model)["Songs"]}
    assert keys == {"SONG#1", "SONG#2"}
    assert "billing mode on-demand" in notes_text(result)


def test_v2_without_facets_groups_items_by_key_shape():
    result = import_file(DATA / "nwb_v2_no_facets.json")
    model = result.model
    assert sorted(e.name for e in model.entities) == ["Order", "Profile"]
    order = model.entity("Order")
    assert order.key_template("SK").template == "ORDER#{order_id}"
    assert order.key_template("GSI1PK").template == "ORDER#{order_id}"
    assert order.key_template("PK").template == "CUSTOMER#{customer_id}"
    assert model.tables[0].gsis[0].projection.attributes == ("total",)
    text = notes_text(result)
    assert "DataAccess" in text and "the table has no facets" in text


def test_v3_billing_auto_scaling_and_facet_data():
    result = import_file(DATA / "nwb_v3_provisioned.json")
    basic, events = result.model.tables
    assert basic.billing.mode == "provisioned"
    assert (basic.billing.read_capacity_units, basic.billing.write_capacity_units) == (5, 5)
    assert basic.billing.auto_scaling.max_read_capacity_units == 10
    assert basic.billing.auto_scaling.target_utilization == 0.7
    assert basic.gsis[0].provisioned is not None  # a provisioned table's GSI needs capacity: the table's, noted
    assert events.billing.mode == "on_demand"
    assert events.sort_key.type == "N"
    user = result.model.entity("User")
    assert user.key_template("pk").template == "USER#{user_id}"
    assert user.attribute("field2").presence == 0.5
    order = result.model.entity("Order")  # a facet without data: templates from its aliases, noted
    assert order.key_template("sk").template == "ORDER#{order_id}"
    text = notes_text(result)
    assert "from the key alias 'ORDER#<orderId>'" in text
    assert "GSI capacity set to the table's" in text


def test_hand_edited_file_is_read_leniently_and_every_oddity_is_noted():
    result = import_file(DATA / "nwb_hand_edited.json")
    model = result.model
    assert model.name == "Bestellübersicht"
    (table,) = model.tables
    assert table.name == "Bestellungen_Ubersicht"
    assert table.billing.read_capacity_units == 10 and table.billing.write_capacity_units == 5
    assert [g.name for g in table.gsis] == ["nach_Betrag", "inc"]
    assert [e.name for e in model.entities] == ["Kunde", "Kunde_2", "Bestellungen_UbersichtFacet4"]
    assert model.entity("Kunde").attribute("Straße") is not None
    by_where = {(n.kind, n.where) for n in result.notes}
    for expected in [
        ("skipped", "DataModel[0]"), ("skipped", "DataModel[1]"),
        ("changed", "DataModel[2].TableName"),
        ("changed", "DataModel[2].ProvisionedCapacitySettings.ProvisionedThroughput.ReadCapacityUnits"),
        ("skipped", "DataModel[2].TableFacets[1]"),  # the same facet twice
        ("changed", "DataModel[2].TableFacets[2].FacetName"),  # same name, other content
        ("changed", "DataModel[2].TableFacets[3].FacetName"),  # empty name
        ("skipped", "DataModel[2].TableFacets[4]"),
        ("skipped", "DataModel[2].GlobalSecondaryIndexes[1]"),
        ("changed", "DataModel[2].GlobalSecondaryIndexes[2].Projection"),
        ("changed", "DataModel[2].TableData[2].Betrag"),  # a plain number
        ("skipped", "DataModel[2].TableData[3].Betrag"),  # an unknown type
        ("skipped", "DataModel[2].TableData[4]"),
        ("skipped", "DataModel[2].Colour"),
        ("skipped", "DataModel[2].NonKeyAttributes[3]"),
        ("info", "ModelMetadata.Version"),
    ]:
        assert expected in by_where, expected
    for note in result.notes:
        assert note.what and note.why and note.where


def test_minimal_file_with_missing_blocks():
    doc = {"DataModel": [{"TableName": "t", "KeyAttributes": {"PartitionKey": {"AttributeName": "id"}}}]}
    result = import_design(json.dumps(doc), source="minimal.json")
    (table,) = result.model.tables
    assert table.name == "t_Table"  # 3 characters at least
    assert table.partition_key.type == "S"
    assert result.model.entities == ()
    assert "no facets and no sample items" in notes_text(result)


def test_a_file_without_a_readable_table_is_an_error():
    from engine.interop import InteropError

    with pytest.raises(InteropError, match="no readable table"):
        import_design(json.dumps({"DataModel": [{"TableName": "x"}]}), "nosql-workbench", "bad.json")
    with pytest.raises(InteropError, match="not a NoSQL Workbench model"):
        import_design(json.dumps({"Tables": []}), "nosql-workbench", "bad.json")


SAMPLES = dict(iter_samples())


def _shape(table):
    return (table.name, table.partition_key, table.sort_key, table.gsis if table.billing.mode == "on_demand" else
            tuple(g.model_copy(update={"provisioned": None}) for g in table.gsis), table.lsis, table.billing.mode)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_round_trip_keeps_tables_keys_indexes_and_entities(name):
    model = SAMPLES[name]
    text = export_design(model, "nosql-workbench")
    doc = json.loads(text)
    assert doc["ModelMetadata"]["Version"] == "3.0"
    result = import_design(text, source=f"{name}.json")
    assert result.format == "nosql-workbench"
    back = result.model
    assert [_shape(t) for t in back.tables] == [_shape(t) for t in model.tables]
    assert [(e.name, e.table) for e in back.entities] == [(e.name, e.table) for e in model.entities]
    for entity in model.entities:
        table = model.table(entity.table)
        for key in table.key_names:  # table key templates come back exactly (they travel as the key aliases)
            assert back.entity(entity.name).key_template(key).template == entity.key_template(key).template
    evaluate(back)


def test_duplicate_table_names_are_renamed_and_noted():
    table = {"TableName": "Orders", "KeyAttributes": {"PartitionKey": {"AttributeName": "id", "AttributeType": "S"}}}
    result = import_design(json.dumps({"DataModel": [table, table]}), source="dup.json")
    assert [t.name for t in result.model.tables] == ["Orders", "Orders_2"]
    assert any("second table name 'Orders' became 'Orders_2'" in n.what for n in result.notes)


def test_a_workbench_design_is_not_taken_for_an_import():
    from engine.interop import InteropError

    with pytest.raises(InteropError, match="already a workbench design"):
        import_design(dump_model(SAMPLES["page_views"]), source="d.yaml")
