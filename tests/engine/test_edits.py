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
