"""Structural edits of a design (engine.model.edits): references follow renames on every sample design, deletes
name what they would orphan, and an edit and its inverse give the design back."""

from __future__ import annotations

import pytest

from engine.errors import WorkbenchError
from engine.io import design_data, load_sample, sample_names
from engine.model import edits, parse_model


def _data(sample: str) -> dict:
    data = design_data(load_sample(sample))
    data.pop("format_version")
    return data


@pytest.mark.parametrize("sample", sample_names())
def test_renaming_every_table_entity_and_pattern_keeps_the_design_valid_and_reverts(sample: str) -> None:
    original = _data(sample)
    data = _data(sample)
    for table in [t["name"] for t in data["tables"]]:
        edits.rename_table(data, table, table + "_x")
    for entity in [e["name"] for e in data.get("entities", [])]:
        edits.rename_entity(data, entity, entity + "_x")
    for pattern in [p["name"] for p in data.get("access_patterns", [])]:
        edits.rename_pattern(data, pattern, pattern + " x")
    parse_model(data)  # every reference followed
    for table in [t["name"] for t in data["tables"]]:
        edits.rename_table(data, table, table[:-2])
    for entity in [e["name"] for e in data.get("entities", [])]:
        edits.rename_entity(data, entity, entity[:-2])
    for pattern in [p["name"] for p in data.get("access_patterns", [])]:
        edits.rename_pattern(data, pattern, pattern[:-2])
    assert parse_model(data) == parse_model(original)


@pytest.mark.parametrize("sample", sample_names())
def test_renaming_every_index_keeps_its_patterns(sample: str) -> None:
    data = _data(sample)
    for table in data["tables"]:
        for kind in ("gsis", "lsis"):
            for index in list(table.get(kind, [])):
                renamed = {**index, "name": index["name"] + "2"}
                edits.put_index(data, table["name"], kind, renamed, replaces=index["name"])
    parse_model(data)


def test_a_delete_names_what_it_would_orphan() -> None:
    data = _data("github_single_table")
    with pytest.raises(WorkbenchError, match="holds entities .*Issue"):
        edits.delete_table(data, "Issues")
    edits.delete_table(data, "Issues", take_along=True)
    model = parse_model(data)
    assert "Issues" not in [t.name for t in model.tables]


def test_a_duplicate_or_empty_name_is_refused_with_the_fix() -> None:
    data = _data("page_views")
    with pytest.raises(WorkbenchError, match="already exists; pick another name"):
        edits.add_table(data, "PageViews", "pk")
    with pytest.raises(WorkbenchError, match="empty; type a name"):
        edits.rename_entity(data, "Page", "  ")


def test_removing_an_index_turns_its_key_templates_into_attributes() -> None:
    """team_users_gsi's Role is an index key template; without the index it stays on the item as an attribute."""
    data = _data("team_users_gsi")
    edits.delete_index(data, "TeamUsers", "TeamRoleIndex", patterns="repoint")
    model = parse_model(data)
    user = model.entity("User")
    assert user.key_template("Role") is None and user.attribute("Role") is not None
    assert all(p.index is None for p in model.access_patterns)


def test_repointing_to_a_target_with_another_partition_key_is_refused() -> None:
    data = _data("crm_complex_filtering")
    table = data["tables"][0]
    index = next(g for g in table["gsis"] if g["partition_key"]["name"] != table["partition_key"]["name"]
                 and edits.index_users(data, table["name"], g["name"]))
    with pytest.raises(WorkbenchError, match="not keyed on"):
        edits.delete_index(data, table["name"], index["name"], patterns="repoint")


def test_a_changed_template_drops_the_variables_only_it_used() -> None:
    data = _data("orders_simple_key")
    entity = data["entities"][0]
    old = entity["keys"][0]["template"]
    edits.set_key_template(data, entity["name"], entity["keys"][0]["attribute"], "ORDER#{id}")
    entity["variables"].append({"name": "id", "cardinality": 10})
    edits.drop_orphaned_variables(data, entity["name"], old)
    names = [v["name"] for v in entity["variables"]]
    assert "id" in names


# ----------------------------------------------------------------------------- stream consumers (issue 16)


def test_a_consumer_is_added_replaced_with_its_writes_kept_and_deleted() -> None:
    data = _data("orders_stream_totals")
    edits.put_consumer(data, "Orders", {"kind": "other", "name": " audit ", "polls_per_second_per_shard": 2.0})
    assert parse_model(data).table("Orders").stream_consumers[1].name == "audit"
    with pytest.raises(WorkbenchError, match="already exists; pick another name"):
        edits.put_consumer(data, "Orders", {"kind": "lambda", "name": "audit"})
    # another kind and name: the writes stay (the form does not carry them)
    edits.put_consumer(data, "Orders", {"kind": "pipes", "name": "totals pipe", "batch_size": 10},
                       replaces="customer totals")
    consumer = parse_model(data).table("Orders").stream_consumers[0]
    assert (consumer.kind, consumer.name, consumer.batch_size) == ("pipes", "totals pipe", 10)
    assert consumer.writes[0].table == "CustomerTotals"
    with pytest.raises(WorkbenchError, match="already exists"):
        edits.put_consumer(data, "Orders", {"kind": "lambda", "name": "audit"}, replaces="totals pipe")
    edits.delete_consumer(data, "Orders", "audit")
    with pytest.raises(WorkbenchError, match="does not exist .*known: totals pipe"):
        edits.delete_consumer(data, "Orders", "audit")
    assert [c.name for c in parse_model(data).table("Orders").stream_consumers] == ["totals pipe"]


def test_consumer_writes_are_added_replaced_and_deleted_by_position() -> None:
    data = _data("orders_stream_totals")
    edits.put_consumer_write(data, "Orders", "customer totals",
                             {"table": "Orders", "operation": "PutItem", "item_size_bytes": 200.0})
    edits.put_consumer_write(data, "Orders", "customer totals",
                             {"table": "CustomerTotals", "operation": "UpdateItem", "entity": "CustomerTotal",
                              "changed_attributes": ["OrderCount"], "idempotent": True}, index=0)
    writes = parse_model(data).table("Orders").stream_consumers[0].writes
    assert [(w.table, w.idempotent) for w in writes] == [("CustomerTotals", True), ("Orders", False)]
    edits.delete_consumer_write(data, "Orders", "customer totals", 1)
    with pytest.raises(WorkbenchError, match="has no write #2 .*reload"):
        edits.delete_consumer_write(data, "Orders", "customer totals", 1)
    assert len(parse_model(data).table("Orders").stream_consumers[0].writes) == 1


def test_deleting_a_table_or_entity_a_consumer_writes_to_names_the_consumer_and_takes_the_write_along() -> None:
    data = _data("orders_stream_totals")
    assert edits.consumer_writes_to(data, "CustomerTotals") == ["Orders.customer totals"]
    assert edits.consumer_writes_to(data, entity="CustomerTotal") == ["Orders.customer totals"]
    with pytest.raises(WorkbenchError, match="stream consumers 'Orders.customer totals' write to it"):
        edits.delete_table(data, "CustomerTotals")
    with pytest.raises(WorkbenchError, match="written by stream consumers 'Orders.customer totals'"):
        edits.delete_entity(data, "CustomerTotal")
    edits.delete_entity(data, "CustomerTotal", take_along=True)
    assert parse_model(data).table("Orders").stream_consumers[0].writes == ()
    data = _data("orders_stream_totals")
    edits.delete_table(data, "CustomerTotals", take_along=True)
    assert parse_model(data).table("Orders").stream_consumers[0].writes == ()
    # a table's own consumers go with it; nothing else refers to them
    data = _data("orders_stream_totals")
    edits.delete_table(data, "Orders", take_along=True)
    assert [t.name for t in parse_model(data).tables] == ["CustomerTotals"]
