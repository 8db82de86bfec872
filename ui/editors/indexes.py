"""Index editors: every GSI and LSI of a table editable in place (name, keys, projection, INCLUDE attributes,
a GSI's own capacity), added, or deleted; a delete that patterns depend on names them and offers to repoint
them (to the table or another index) or to delete them with it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from engine.io import design_data
from engine.model import DataModel, Table, edits
from ui import format as fmt
from ui.editors.base import W, apply, mirrored, seeded, set_problems, show_problems
from ui.editors.tables import KEY_TYPE_LABELS, KEY_TYPES

PROJECTIONS = {"ALL": "ALL (whole items)", "KEYS_ONLY": "KEYS_ONLY (keys only)",
               "INCLUDE": "INCLUDE (keys and the attributes listed)"}
KINDS = {"gsis": "GSI (own partition key)", "lsis": "LSI (the table's partition key)"}
NO_SORT_KEY = "(none)"


def table_attribute_names(model: DataModel, table_name: str) -> list[str]:
    """Every attribute (key template or plain attribute) an entity of the table carries, plus its index keys."""
    names: dict[str, None] = {}
    table = model.table(table_name)
    for key in (table.partition_key, table.sort_key):
        if key is not None:
            names.setdefault(key.name)
    for entity in model.entities_of(table_name):
        for k in entity.keys:
            names.setdefault(k.attribute)
        for a in entity.attributes:
            names.setdefault(a.name)
    for index in (*table.gsis, *table.lsis):
        for key in (getattr(index, "partition_key", None), index.sort_key):
            if key is not None:
                names.setdefault(key.name)
    return list(names)


def index_editors(model: DataModel, t: int, panel: Callable[[str, str], tuple[Any, bool]]) -> None:
    """One panel per index of the table (`panel(label, key)` gives the expander and whether it is open), each
    with its edit form and delete button, built only while open."""
    table = model.tables[t]
    if not table.gsis and not table.lsis:
        st.caption("No secondary indexes. Add one below when an access pattern needs another key.")
    for kind, indexes in (("gsis", table.gsis), ("lsis", table.lsis)):
        for index in indexes:
            label = "GSI" if kind == "gsis" else "LSI"
            pk = index.partition_key.name if kind == "gsis" else table.partition_key.name
            projection = index.projection.type + (f" ({fmt.text(', '.join(index.projection.attributes))})"
                                                  if index.projection.attributes else "")
            sk = fmt.text(index.sort_key.name, code=True) if index.sort_key else "none"
            box, is_open = panel(f"{label} {fmt.text(index.name, code=True)}: partition key {fmt.text(pk, code=True)}, "
                                 f"sort key {sk}, projects {projection}", f"index.{table.name}.{index.name}")
            if is_open:
                with box:
                    _index_form(model, table, kind, index.name)
                    _delete_index(model, table, index.name)


def _index_fields(model: DataModel, table: Table, key: str, kind: str, index: Any | None) -> None:
    """The fields of one index form (seeded from `index`, or defaults for a new one)."""
    attrs = table_attribute_names(model, table.name)
    c1, c2, c3 = st.columns(3)
    c1.text_input("Index name", **seeded(f"{key}.name", index.name if index else f"GSI{len(table.gsis) + 1}"))
    c1.selectbox("Kind", list(KINDS), format_func=KINDS.get, key=mirrored(f"{key}.kind", kind))
    pk = index.partition_key if index is not None and kind == "gsis" else None
    c2.selectbox("Partition key (GSI)", attrs, key=mirrored(f"{key}.pk", pk.name if pk else attrs[0]),
                 help="An LSI always uses the table's partition key.", accept_new_options=True)
    c3.selectbox("Partition key type", KEY_TYPES, format_func=KEY_TYPE_LABELS.get,
                 key=mirrored(f"{key}.pkt", pk.type if pk else "S"))
    sk = index.sort_key if index is not None else None
    c2.selectbox("Sort key", [NO_SORT_KEY, *attrs], key=mirrored(f"{key}.sk", sk.name if sk else NO_SORT_KEY),
                 accept_new_options=True, help="Required for an LSI.")
    c3.selectbox("Sort key type", KEY_TYPES, format_func=KEY_TYPE_LABELS.get,
                 key=mirrored(f"{key}.skt", sk.type if sk else "S"))
    projection = index.projection if index is not None else None
    c1.selectbox("Projection", list(PROJECTIONS), format_func=PROJECTIONS.get,
                 key=mirrored(f"{key}.projection", projection.type if projection else "ALL"),
                 help="ALL copies whole items (larger index writes); KEYS_ONLY the keys; INCLUDE some attributes.")
    included = list(projection.attributes) if projection else []
    c2.multiselect("INCLUDE attributes", sorted(set(attrs) | set(included)), key=mirrored(f"{key}.include", included),
                   accept_new_options=True)
    if table.billing.mode == "provisioned":
        own = getattr(index, "provisioned", None) if index is not None else None
        c3.number_input("GSI read capacity (RCU)", min_value=1.0, format="%g",
                        **seeded(f"{key}.rcu", float(own.read_capacity_units) if own else 5.0))
        c3.number_input("GSI write capacity (WCU)", min_value=1.0, format="%g",
                        **seeded(f"{key}.wcu", float(own.write_capacity_units) if own else 5.0))
        scaling = own.auto_scaling if own is not None else None
        c1.checkbox("GSI auto scaling", **seeded(f"{key}.autoscale", scaling is not None),
                    help="The GSI's capacity follows its load at the target (its bounds are kept as they are).")
        c2.number_input("GSI target utilization (0.2-0.9)", min_value=0.21, max_value=0.9, step=0.05, format="%g",
                        **seeded(f"{key}.target", float(scaling.target_utilization) if scaling else 0.7))


def _index_form(model: DataModel, table: Table, kind: str, name: str) -> None:
    key = f"{W}index.{table.name}.{name}"
    index = table.index(name)
    with st.form(key=f"form.index.{table.name}.{name}", border=False):
        _index_fields(model, table, key, kind, index)
        st.form_submit_button("Save index", on_click=_index_submitted, args=(table.name, key, name))
    show_problems(f"index.{table.name}.{name}")


def add_index_form(model: DataModel, t: int) -> None:
    """Add a GSI or an LSI to the table."""
    table = model.tables[t]
    key = f"{W}gsi.{table.name}"
    with st.form(key=f"form.gsi.{table.name}", border=True):
        st.markdown("**Add a secondary index**")
        _index_fields(model, table, key, "gsis", None)
        st.form_submit_button("Add index", on_click=_index_submitted, args=(table.name, key, None))
    show_problems(f"gsi.{table.name}")


def _index_data(ss: Any, key: str, billing: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    kind = ss[f"{key}.kind"]
    index: dict[str, Any] = {"name": str(ss[f"{key}.name"]).strip()}
    if kind == "gsis":
        index["partition_key"] = {"name": ss[f"{key}.pk"], "type": ss[f"{key}.pkt"]}
    if ss[f"{key}.sk"] != NO_SORT_KEY:
        index["sort_key"] = {"name": ss[f"{key}.sk"], "type": ss[f"{key}.skt"]}
    index["projection"] = {"type": ss[f"{key}.projection"]}
    if ss[f"{key}.projection"] == "INCLUDE":
        index["projection"]["attributes"] = list(ss[f"{key}.include"])
    if kind == "gsis" and billing.get("mode") == "provisioned":
        index["provisioned"] = {"read_capacity_units": float(ss.get(f"{key}.rcu", 5.0)),
                                "write_capacity_units": float(ss.get(f"{key}.wcu", 5.0))}
        if ss.get(f"{key}.autoscale"):
            index["provisioned"]["auto_scaling"] = {"target_utilization": float(ss.get(f"{key}.target", 0.7))}
    return kind, index


def _index_submitted(table_name: str, key: str, replaces: str | None) -> None:
    ss = st.session_state
    editor = f"index.{table_name}.{replaces}" if replaces else f"gsi.{table_name}"

    def mutate(data: dict[str, Any]) -> None:
        table = edits.table_data(data, table_name)
        kind, index = _index_data(ss, key, table.get("billing") or {})
        if replaces is not None:
            _, old = edits.index_data(table, replaces)
            if old.get("provisioned") and "provisioned" in index:
                scaling = index["provisioned"].get("auto_scaling")
                merged = {**old["provisioned"], **index["provisioned"]}
                if scaling is None:
                    merged.pop("auto_scaling", None)
                else:  # keep the bounds the form does not show
                    merged["auto_scaling"] = {**(old["provisioned"].get("auto_scaling") or {}), **scaling}
                index["provisioned"] = merged
        if kind == "lsis" and "sort_key" not in index:
            raise edits.EditError(f"LSI '{index['name']}' needs a sort key (an LSI shares the table's partition key "
                                  "and sorts it differently); pick one")
        edits.put_index(data, table_name, kind, index, replaces=replaces)

    name = str(ss[f"{key}.name"]).strip()
    apply(editor, mutate, f"Saved index {name} on {table_name}." if replaces else f"Added index {name} to {table_name}.")


def _delete_index(model: DataModel, table: Table, name: str) -> None:
    users = edits.index_users(design_data(model), table.name, name)
    if not users:
        st.button("Delete this index", key=f"delete.index.{table.name}.{name}", icon=":material/delete:",
                  on_click=_index_deleted, args=(table.name, name, "refuse", None))
    else:
        others = [i.name for i in (*table.gsis, *table.lsis) if i.name != name]
        st.caption(f"Read by {len(users)} access pattern(s): {fmt.text(', '.join(users))}. To delete the index, move them "
                   "or delete them with it.")
        c1, c2, c3 = st.columns([2, 2, 2])
        target = c1.selectbox("Move them to", [table.name, *others], key=f"{W}repoint.{table.name}.{name}",
                              format_func=lambda n: f"the table {n}" if n == table.name else f"index {n}")
        c2.button("Delete the index and move them", key=f"delete.index.repoint.{table.name}.{name}",
                  on_click=_index_deleted, args=(table.name, name, "repoint", target))
        c3.button("Delete the index and its patterns", key=f"delete.index.drop.{table.name}.{name}",
                  on_click=_index_deleted, args=(table.name, name, "drop", None))
    show_problems(f"deleteindex.{table.name}.{name}")


def _index_deleted(table_name: str, name: str, patterns: str, target: str | None) -> None:
    repoint_to = None if target in (None, table_name) else target

    def mutate(data: dict[str, Any]) -> None:
        edits.delete_index(data, table_name, name, patterns=patterns, repoint_to=repoint_to)

    set_problems(f"deleteindex.{table_name}.{name}", [])
    apply(f"deleteindex.{table_name}.{name}", mutate, f"Deleted index {name} from {table_name}.")
