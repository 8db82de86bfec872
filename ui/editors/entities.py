"""Entity editors: add, rename or move, delete; a key template for every key attribute of the entity's table
and its indexes (example keys rendered as you type); item count, growth, attributes, template variables and
the key popularity (uniform, Zipf with its exponent, named hot keys, as the sample items fall)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from engine.errors import WorkbenchError
from engine.io import design_data, to_data
from engine.model import DataModel, Entity, edits
from ui import format as fmt
from ui import state
from ui.editors.base import W, apply, cells, csv_names, mirrored, seeded, set_problems, show_problems

ATTRIBUTE_TYPES = ["S", "N", "B", "BOOL", "NULL", "L", "M", "SS", "NS", "BS"]
FIXED_SIZE_TYPES = {"BOOL": 1.0, "NULL": 1.0}  # DOMAIN.md §1: BOOL and NULL values are 1 byte
VARIABLE_KINDS = ["id", "timestamp", "enum", "number"]
DISTRIBUTIONS = {"uniform": "Uniform (every key equally popular)", "zipf": "Zipf (a few keys take most)",
                 "hot_keys": "Named hot keys", "sample_items": "As the sample items fall"}


# ----------------------------------------------------------------------------- add, rename, delete


def add_entity_form(model: DataModel) -> None:
    """A new entity (item type) in a table, with a template for each table key to start from."""
    key = f"{W}newentity"
    with st.form(key="form.newentity", border=True):
        st.markdown("**Add an entity** (an item type such as User or Order)")
        c1, c2, c3 = st.columns(3)
        c1.text_input("Entity name", **seeded(f"{key}.name", f"Entity{len(model.entities) + 1}"))
        c2.selectbox("Table", [t.name for t in model.tables], key=mirrored(f"{key}.table", model.tables[0].name))
        c3.number_input("Items stored today", min_value=0, step=1000, **seeded(f"{key}.count", 1000))
        st.form_submit_button("Add entity", on_click=_entity_added)
    show_problems("newentity")


def _entity_added() -> None:
    ss = st.session_state
    key = f"{W}newentity"
    name = str(ss[f"{key}.name"]).strip()
    apply("newentity", lambda data: edits.add_entity(data, name, ss[f"{key}.table"], int(ss[f"{key}.count"])),
          f"Added entity {name}: edit its key templates and attributes below.")


def name_form(model: DataModel, e: int) -> None:
    entity = model.entities[e]
    key = f"{W}entityname.{entity.name}"
    with st.form(key=f"form.entityname.{entity.name}", border=False):
        c1, c2, c3 = st.columns([3, 3, 2], vertical_alignment="bottom")
        c1.text_input("Entity name", **seeded(f"{key}.name", entity.name))
        c2.selectbox("Table", [t.name for t in model.tables], key=mirrored(f"{key}.table", entity.table),
                     help="Moving an entity keeps its templates for the key attributes both tables have.")
        c3.form_submit_button("Save", on_click=_name_submitted, args=(entity.name,), help="Save name and table")
    show_problems(f"entityname.{entity.name}")


def _name_submitted(name: str) -> None:
    ss = st.session_state
    key = f"{W}entityname.{name}"
    new_name, table = str(ss[f"{key}.name"]).strip(), ss[f"{key}.table"]

    def mutate(data: dict[str, Any]) -> None:
        entity = next(x for x in data["entities"] if x["name"] == name)
        if entity["table"] != table:
            attributes = set(edits.key_attributes(edits.table_data(data, table)))
            entity["table"] = table
            entity["keys"] = [k for k in entity.get("keys", []) if k["attribute"] in attributes]
        if new_name != name:
            edits.rename_entity(data, name, new_name)

    apply(f"entityname.{name}", mutate, f"Saved entity {new_name}.")


def delete_entity_button(model: DataModel, e: int) -> None:
    entity = model.entities[e]
    data = design_data(model)
    users = edits.entity_users(data, entity.name)
    writers = edits.consumer_writes_to(data, entity=entity.name)
    if not users and not writers:
        st.button("Delete this entity", key=f"delete.entity.{entity.name}", icon=":material/delete:",
                  on_click=_entity_deleted, args=(entity.name,))
    else:
        also = f" Written by stream consumers {fmt.text(', '.join(writers))} (their writes of it go too)." \
            if writers else ""
        st.caption(f"Used by {len(users)} access pattern(s): {fmt.text(', '.join(users)) or '-'}.{also}")
        st.button("Delete this entity and the patterns that use it", key=f"delete.entity.{entity.name}",
                  icon=":material/delete:", on_click=_entity_deleted, args=(entity.name,))
    show_problems(f"deleteentity.{entity.name}")


def _entity_deleted(name: str) -> None:
    set_problems(f"deleteentity.{name}", [])
    apply(f"deleteentity.{name}", lambda data: edits.delete_entity(data, name, take_along=True),
          f"Deleted entity {name} (Undo in the sidebar brings it back).")


# ----------------------------------------------------------------------------- key templates


def key_template_editor(model: DataModel, e: int) -> None:
    """One input per key attribute of the entity's table and its indexes, with example keys under it."""
    entity = model.entities[e]
    table = model.table(entity.table)
    attributes = edits.key_attributes(to_data(table))
    table_keys = {table.partition_key.name, *([table.sort_key.name] if table.sort_key else [])}
    for attribute in attributes:
        template = entity.key_template(attribute)
        key = mirrored(f"{W}keytpl.{entity.name}.{attribute}", template.template if template else "")
        role = "table key" if attribute in table_keys else "index key: empty leaves the item out of the index"
        st.text_input(f"{fmt.text(attribute, code=True)} template ({role})", key=key, on_change=_template_changed,
                      args=(entity.name, attribute, key),
                      help="Literal text with {variable} placeholders, e.g. USER#{user_id}. Press Enter to apply.")
        if template is not None:
            st.caption(_examples(entity, template.template))
        show_problems(f"keytpl.{entity.name}.{attribute}")


def _examples(entity: Entity, template: str) -> str:
    from engine.keyspace import key_count, key_labels

    try:
        examples = ", ".join(fmt.text(k, code=True) for k in key_labels(entity, template, 3))
        return f"Examples: {examples} · {fmt.count(key_count(entity, template), 'distinct value')}"
    except (WorkbenchError, KeyError, ValueError) as exc:
        return f"No examples: {fmt.text(exc)}"


def _template_changed(entity_name: str, attribute: str, key: str) -> None:
    template = st.session_state[key]
    missing = _missing_variables(entity_name, template)

    def mutate(data: dict[str, Any]) -> None:
        entity = next(x for x in data["entities"] if x["name"] == entity_name)
        old = next((k["template"] for k in entity.get("keys", []) if k["attribute"] == attribute), "")
        edits.set_key_template(data, entity_name, attribute, template)
        edits.drop_orphaned_variables(data, entity_name, old)
        for variable in missing:  # a new placeholder starts as an id with as many values as items
            entity.setdefault("variables", []).append(
                {"name": variable, "cardinality": max(1, int(entity.get("item_count", 1)))})

    note = f"{entity_name}.{attribute} = {template or '(none)'}" + (
        f"; new variable {', '.join(missing)} (edit its distinct values below)" if missing else "")
    apply(f"keytpl.{entity_name}.{attribute}", mutate, note, keep=key)


def _missing_variables(entity_name: str, template: str) -> list[str]:
    from engine.model.entity import template_variables

    entity = state.current_model().entity(entity_name)
    return [v for v in dict.fromkeys(template_variables(template)) if entity.variable(v) is None]


# ----------------------------------------------------------------------------- details


def entity_editor(model: DataModel, e: int) -> None:
    """Item count, growth, attributes, template variables and key popularity of one entity, in one form."""
    entity = model.entities[e]
    key = f"{W}entity.{entity.name}"
    dist = entity.key_distribution
    with st.form(key=f"form.entity.{entity.name}", border=True):
        cell = cells()
        cell().number_input("Items stored today", min_value=0, step=1000, **seeded(f"{key}.count", int(entity.item_count)))
        cell().number_input("Items added per month", min_value=0.0, step=1000.0, format="%g",
                        **seeded(f"{key}.growth", float(entity.growth_items_per_month)))
        st.markdown("Attributes (value sizes in bytes as DynamoDB counts them; the name's bytes are added). "
                    "Give a size or an example value; BOOL and NULL are 1 byte.")
        st.data_editor(
            [{"name": a.name, "type": a.type, "size_bytes": a.size_bytes,
              "example": "" if a.example is None else str(a.example), "presence": a.presence}
             for a in entity.attributes],
            num_rows="dynamic", key=f"{key}.attributes", width="stretch",
            column_config={
                "name": st.column_config.TextColumn("Attribute", required=True),
                "type": st.column_config.SelectboxColumn("Type", options=ATTRIBUTE_TYPES, default="S"),
                "size_bytes": st.column_config.NumberColumn("Value size (bytes)", min_value=0),
                "example": st.column_config.TextColumn("Example value (instead of a size)"),
                "presence": st.column_config.NumberColumn("Share of items that have it", min_value=0.0,
                                                          max_value=1.0, default=1.0, format="%.2f"),
            })
        st.markdown("Template variables (how many distinct values each takes; what its values look like)")
        st.data_editor(
            [{"name": v.name, "cardinality": v.cardinality, "kind": v.kind, "values": ", ".join(v.values)}
             for v in entity.variables],
            num_rows="dynamic", key=f"{key}.variables", width="stretch",
            column_config={
                "name": st.column_config.TextColumn("Variable", required=True),
                "cardinality": st.column_config.NumberColumn("Distinct values", min_value=1, step=1, default=1),
                "kind": st.column_config.SelectboxColumn("Looks like", options=VARIABLE_KINDS, default="id"),
                "values": st.column_config.TextColumn("Enum values (comma separated)"),
            })
        cell = cells()
        cell().selectbox("Key popularity", list(DISTRIBUTIONS), format_func=DISTRIBUTIONS.get,
                     key=mirrored(f"{key}.dist", dist.kind),
                     help="How traffic spreads over the entity's partition keys (a pattern may override it).")
        cell().number_input("Zipf exponent", min_value=0.01, max_value=10.0, step=0.1, format="%g",
                        **seeded(f"{key}.zipf", float(getattr(dist, "exponent", 1.0))),
                        help="Used with Zipf: larger is more skewed (1.0 is classic Zipf).")
        cell().text_input("Hot keys (KEY=share, ...)", **seeded(f"{key}.hot", hot_keys_text((h.key, h.share) for h in getattr(dist, "keys", ()))),
                      help="Used with named hot keys, e.g. STATUS#PENDING=0.6, STATUS#SHIPPED=0.3")
        st.form_submit_button("Save entity", on_click=_entity_submitted, args=(entity.name,))
    show_problems(f"entity.{entity.name}")


def attribute_form(model: DataModel, e: int) -> None:
    """Add an attribute, or change one by its name (the grid above edits many at once)."""
    entity = model.entities[e]
    key = f"{W}attribute.{entity.name}"
    with st.form(key=f"form.attribute.{entity.name}", border=True):
        st.markdown("**Add or change one attribute**")
        cell = cells()
        cell().text_input("Attribute name", **seeded(f"{key}.name", ""))
        cell().selectbox("Type", ATTRIBUTE_TYPES, key=mirrored(f"{key}.type", "S"))
        cell().number_input("Value size (bytes)", min_value=0.0, format="%g", value=None,
                        key=mirrored(f"{key}.size", None), help="Average size of the value as DynamoDB counts it.")
        cell().text_input("or an example value", **seeded(f"{key}.example", ""))
        cell().number_input("Share of items", min_value=0.0, max_value=1.0, step=0.1, format="%g",
                        **seeded(f"{key}.presence", 1.0))
        cell().number_input("Smallest (bytes, optional)", min_value=0.0, format="%g", value=None,
                            key=mirrored(f"{key}.min", None), help="With the largest: sizes spread between the two.")
        cell().number_input("Largest (bytes, optional)", min_value=0.0, format="%g", value=None,
                            key=mirrored(f"{key}.max", None), help="With the smallest: sizes spread between the two.")
        st.form_submit_button("Save attribute", on_click=_attribute_submitted, args=(entity.name,))
    show_problems(f"attribute.{entity.name}")


def _attribute_submitted(name: str) -> None:
    ss = st.session_state
    key = f"{W}attribute.{name}"
    row = _attribute_row({"name": ss[f"{key}.name"], "type": ss[f"{key}.type"], "size_bytes": ss[f"{key}.size"],
                          "example": ss[f"{key}.example"] or None, "presence": ss[f"{key}.presence"]})
    for field, widget in (("min_size_bytes", "min"), ("max_size_bytes", "max")):
        if ss.get(f"{key}.{widget}") is not None:
            row[field] = float(ss[f"{key}.{widget}"])

    def mutate(data: dict[str, Any]) -> None:
        if not row["name"]:
            raise edits.EditError("the attribute has no name; type one, e.g. email")
        entity = next(x for x in data["entities"] if x["name"] == name)
        attributes = entity.setdefault("attributes", [])
        for i, attribute in enumerate(attributes):
            if attribute["name"] == row["name"]:
                attributes[i] = row
                return
        attributes.append(row)

    if apply(f"attribute.{name}", mutate, f"{name}: saved attribute {row['name']}."):
        for suffix in ("name", "size", "example", "min", "max"):
            st.session_state.pop(f"{key}.{suffix}", None)


def variable_form(model: DataModel, e: int) -> None:
    """Change one template variable: how many distinct values it takes and what they look like."""
    entity = model.entities[e]
    if not entity.variables:
        return
    key = f"{W}variable.{entity.name}"
    with st.form(key=f"form.variable.{entity.name}", border=True):
        st.markdown("**Change one template variable**")
        cell = cells()
        cell().selectbox("Variable", [v.name for v in entity.variables], key=mirrored(f"{key}.name", entity.variables[0].name))
        cell().number_input("Distinct values", min_value=1, step=1, value=None, key=mirrored(f"{key}.cardinality", None),
                        help="Empty keeps the current number.")
        cell().selectbox("Looks like", ["(unchanged)", *VARIABLE_KINDS], key=mirrored(f"{key}.kind", "(unchanged)"))
        cell().text_input("Enum values (comma separated; sets the count)", **seeded(f"{key}.values", ""))
        st.form_submit_button("Save variable", on_click=_variable_submitted, args=(entity.name,))
    show_problems(f"variable.{entity.name}")


def _variable_submitted(name: str) -> None:
    ss = st.session_state
    key = f"{W}variable.{name}"
    variable = ss[f"{key}.name"]

    def mutate(data: dict[str, Any]) -> None:
        entity = next(x for x in data["entities"] if x["name"] == name)
        row = next(v for v in entity.get("variables", []) if v["name"] == variable)
        if ss[f"{key}.cardinality"] is not None:
            row["cardinality"] = int(ss[f"{key}.cardinality"])
        if ss[f"{key}.kind"] != "(unchanged)":
            row["kind"] = ss[f"{key}.kind"]
        if ss[f"{key}.values"].strip():
            _variable_cell(row, "values", ss[f"{key}.values"])

    apply(f"variable.{name}", mutate, f"{name}: saved variable {variable}.")


def hot_keys_text(pairs: Any) -> str:
    """Hot keys as the editor shows them: KEY=share, ... from (key, share) pairs."""
    return ", ".join(f"{k}={share!r}" for k, share in pairs)


def parse_hot_keys(text: str) -> list[dict[str, Any]]:
    out = []
    for part in csv_names(text):
        name, sep, share = part.rpartition("=")
        if not sep or not name.strip():
            raise ValueError(f"hot key '{part}' needs a share, e.g. {part}=0.3")
        try:
            out.append({"key": name.strip(), "share": float(share)})
        except ValueError:
            raise ValueError(f"hot key '{part}': '{share}' is not a share between 0 and 1, e.g. {name}=0.3") from None
    return out


def distribution(kind: str, exponent: float, hot: str) -> dict[str, Any]:
    """A key distribution's data from the editor fields (ValueError naming the field when hot keys are bad)."""
    if kind == "zipf":
        return {"kind": "zipf", "exponent": float(exponent)}
    if kind == "hot_keys":
        keys = parse_hot_keys(hot)
        if not keys:
            raise ValueError("named hot keys need at least one KEY=share, e.g. STATUS#PENDING=0.6")
        return {"kind": "hot_keys", "keys": keys}
    return {"kind": kind}


def apply_table_edits(key: str, original: list[dict[str, Any]], cell: Callable[[dict[str, Any], str, Any], None],
                      new_row: Callable[[dict[str, Any]], dict[str, Any]]) -> list[dict[str, Any]]:
    """Apply a data_editor's edits to the design's own rows: only edited cells change (fields the grid
    does not show, such as min/max sizes or structured examples, are kept), added rows are built by
    `new_row`, deleted rows dropped, rows left without a name ignored."""
    edits_ = st.session_state.get(key) or {}
    rows = [dict(r) for r in original]
    for idx, change in (edits_.get("edited_rows") or {}).items():
        for column, value in change.items():
            cell(rows[int(idx)], column, value)
    deleted = {int(i) for i in edits_.get("deleted_rows") or []}
    rows = [r for i, r in enumerate(rows) if i not in deleted]
    rows += [new_row(dict(r)) for r in edits_.get("added_rows") or [] if str(r.get("name") or "").strip()]
    return rows


def _attribute_cell(row: dict[str, Any], column: str, value: Any) -> None:
    if column == "name":
        row["name"] = str(value or "").strip()
    elif column == "type":
        row["type"] = value or "S"
    elif column == "size_bytes":
        if value in (None, ""):
            row.pop("size_bytes", None)
        else:
            row["size_bytes"] = float(value)
    elif column == "example":
        if value in (None, ""):
            row.pop("example", None)
        else:
            row["example"] = _number_or_text(value) if row.get("type") == "N" else value
    elif column == "presence":
        row["presence"] = 1.0 if value in (None, "") else float(value)


def _attribute_row(row: dict[str, Any]) -> dict[str, Any]:
    """A new attribute from a grid row. Without a size or an example, BOOL and NULL take their fixed 1 byte;
    other types are left without a size, which the design's validator refuses with a message naming the
    attribute (never a silent 0 bytes)."""
    out: dict[str, Any] = {"name": str(row.get("name") or "").strip(), "type": row.get("type") or "S"}
    for column in ("size_bytes", "example", "presence"):
        _attribute_cell(out, column, row.get(column))
    if out.get("presence") == 1.0:
        out.pop("presence")
    if "size_bytes" not in out and "example" not in out and out["type"] in FIXED_SIZE_TYPES:
        out["size_bytes"] = FIXED_SIZE_TYPES[out["type"]]
    return out


def _number_or_text(value: Any) -> Any:
    try:
        return float(value) if "." in str(value) or "e" in str(value).lower() else int(value)
    except ValueError:
        return value


def _variable_cell(row: dict[str, Any], column: str, value: Any) -> None:
    if column == "values":
        values = csv_names(value)
        if values:
            row["values"], row["cardinality"] = values, len(values)
            row["kind"] = "enum"
        else:
            row.pop("values", None)
    elif column == "cardinality":
        row["cardinality"] = int(value or 1)
    elif column in ("name", "kind"):
        row[column] = str(value or "").strip() or ("id" if column == "kind" else "")


def _variable_row(row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"name": str(row.get("name") or "").strip(), "cardinality": int(row.get("cardinality") or 1),
                           "kind": row.get("kind") or "id"}
    _variable_cell(out, "values", row.get("values"))
    return out


def _entity_submitted(name: str) -> None:
    ss = st.session_state
    key = f"{W}entity.{name}"
    own = next(x for x in design_data(state.current_model())["entities"] if x["name"] == name)
    attrs = apply_table_edits(f"{key}.attributes", own.get("attributes", []), _attribute_cell, _attribute_row)
    variables = apply_table_edits(f"{key}.variables", own.get("variables", []), _variable_cell, _variable_row)

    def mutate(data: dict[str, Any]) -> None:
        ent = next(x for x in data["entities"] if x["name"] == name)
        ent["item_count"] = int(ss[f"{key}.count"])
        ent["growth_items_per_month"] = float(ss[f"{key}.growth"])
        ent["attributes"] = attrs
        ent["variables"] = variables
        old = ent.get("key_distribution") or {"kind": "uniform"}
        new = distribution(ss[f"{key}.dist"], ss[f"{key}.zipf"], ss[f"{key}.hot"])
        if new["kind"] != old.get("kind") or new != {k: v for k, v in old.items() if k in new}:
            ent["key_distribution"] = new

    apply(f"entity.{name}", mutate, f"Saved entity {name}.")
