"""Access-pattern editors: every operation of the schema with every field it needs (target and index, entities,
key condition with the sort-key operator, consistency, items per request, filter keep share, changed
attributes, batch and transaction actions, rates, key popularity, region), add and delete; and screens."""

from __future__ import annotations

from typing import Any

import streamlit as st

from engine.io import design_data, to_data
from engine.model import DataModel, edits
from ui import format as fmt
from ui import state
from ui.editors.base import (
    W,
    apply,
    cells,
    csv_names,
    mirrored,
    number_or_none,
    seeded,
    set_problems,
    show_problems,
)
from ui.editors.entities import DISTRIBUTIONS, distribution, hot_keys_text

OPERATIONS = ("GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems", "PutItem", "UpdateItem",
              "DeleteItem", "BatchWriteItem", "TransactWriteItems")
READS = {"GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"}
NO_SORT_CONDITION = "(none)"
SORT_OPERATORS = (NO_SORT_CONDITION, "=", "<", "<=", ">", ">=", "between", "begins_with")
PATTERN_DISTRIBUTIONS = {"inherit": "As the entity's", **DISTRIBUTIONS}
NO_REGION = "(the design's region)"
ACTIONS = ["Put", "Update", "Delete", "ConditionCheck"]
# Fields each operation has beyond the common ones (engine/model/access_pattern.py).
OPERATION_FIELDS = {
    "GetItem": {"consistency", "read_after_write_ms"},
    "Query": {"consistency", "read_after_write_ms", "items_per_request", "filter_keep_share", "max_items_per_request",
              "scan_index_forward", "fetch_from_table"},
    "Scan": {"consistency", "read_after_write_ms", "items_per_request", "filter_keep_share"},
    "BatchGetItem": {"consistency", "read_after_write_ms", "items_per_request"},
    "TransactGetItems": {"consistency", "read_after_write_ms", "items_per_request"},
    "PutItem": {"changed_attributes", "condition_failure_share", "existing_item_share"},
    "UpdateItem": {"changed_attributes", "condition_failure_share", "existing_item_share"},
    "DeleteItem": {"changed_attributes", "condition_failure_share", "existing_item_share"},
    "BatchWriteItem": {"changed_attributes", "condition_failure_share", "items_per_request", "write_kind"},
    "TransactWriteItems": {"changed_attributes", "condition_failure_share", "actions"},
}
COMMON_FIELDS = {"name", "description", "operation", "table", "index", "entities", "key_condition",
                 "requests_per_second", "peak_requests_per_second", "key_distribution", "region"}


def targets(model: DataModel) -> list[str]:
    """Every table and index an access pattern can target, as "table" or "table · index"."""
    return [t.name for t in model.tables] + [f"{t.name} · {i.name}" for t in model.tables for i in (*t.gsis, *t.lsis)]


def _target_of(pattern: dict[str, Any]) -> str:
    return pattern["table"] + (f" · {pattern['index']}" if pattern.get("index") else "")


def attribute_names(model: DataModel) -> list[str]:
    names: dict[str, None] = {}
    for entity in model.entities:
        for k in entity.keys:
            names.setdefault(k.attribute)
        for a in entity.attributes:
            names.setdefault(a.name)
    return list(names)


# ----------------------------------------------------------------------------- the fields


def pattern_fields(model: DataModel, key: str, operation: str, p: dict[str, Any]) -> None:
    """The form fields of one access pattern of `operation`, seeded from its plain data `p`."""
    fields = OPERATION_FIELDS[operation]
    cell = cells()
    cell().text_input("Name", **seeded(f"{key}.name", p.get("name", "")))
    options = targets(model)
    target = _target_of(p) if p.get("table") else options[0]
    cell().selectbox("Target (table or index)", options if target in options else [target, *options],
                 key=mirrored(f"{key}.target", target))
    cell().multiselect("Entities", [e.name for e in model.entities], key=mirrored(f"{key}.entities", list(p.get("entities", []))),
                   help="The item types the request reads or writes.")
    cell().number_input("Average rate (req/s)", min_value=0.0, format="%g",
                    **seeded(f"{key}.rate", float(p.get("requests_per_second", 10.0))))
    cell().number_input("Peak rate (req/s)", min_value=0.0, format="%g",
                    **seeded(f"{key}.peak", float(p.get("peak_requests_per_second") or p.get("requests_per_second", 10.0))),
                    help="The busiest second of the day (the average when you do not know).")
    regions = [NO_REGION, *sorted({r for t in model.tables if t.global_table for r in t.global_table.regions})]
    region = p.get("region") or NO_REGION
    cell().selectbox("Region the requests come from", regions if region in regions else [*regions, region],
                 key=mirrored(f"{key}.region", region), help="For global tables: where the application runs.")
    kc = p.get("key_condition") or {}
    sk = kc.get("sort_key") or {}
    if operation != "Scan":
        cell().text_input("Partition key value (template)", **seeded(f"{key}.pk", kc.get("partition_key", "")),
                      help="e.g. USER#{user_id}: the key the request names.")
        cell().selectbox("Sort key condition", SORT_OPERATORS, key=mirrored(f"{key}.skop", sk.get("operator", NO_SORT_CONDITION)),
                     help="GetItem and writes name the whole key (=); Query may use any operator.")
        cell().text_input("Sort key value (template)", **seeded(f"{key}.skval", sk.get("value", "")))
        cell().text_input("Upper bound (between only)", **seeded(f"{key}.skval2", sk.get("value2") or ""))
    if "consistency" in fields:
        cell().selectbox("Consistency", ["eventual", "strong"], key=mirrored(f"{key}.consistency", p.get("consistency", "eventual")),
                     help="Strong reads cost twice as much; GSIs allow eventual only.")
        cell().number_input("Reads come ms after the write", min_value=0.0, format="%g",
                        **seeded(f"{key}.raw", float(p.get("read_after_write_ms", 0.0))),
                        help="How soon after a write this read typically comes (the Consistency page's stale risk).")
    if "items_per_request" in fields:
        default = None if operation == "Scan" else 1.0
        limit = {"BatchGetItem": 100.0, "TransactGetItems": 100.0, "BatchWriteItem": 25.0}.get(operation)
        cell().number_input("Items per request" + (" (empty: the whole table)" if operation == "Scan" else ""),
                        min_value=0.01, max_value=limit, format="%g", value=None,
                        key=mirrored(f"{key}.items", _float(p.get("items_per_request", default))))
    if "filter_keep_share" in fields:
        cell().number_input("Share kept by the filter (0-1)", min_value=0.0, max_value=1.0, step=0.05, format="%g",
                        **seeded(f"{key}.keep", float(p.get("filter_keep_share", 1.0))),
                        help="A filter does not lower the read charge: items are read, then dropped.")
    if "max_items_per_request" in fields:
        cell().number_input("Limit (items per page, empty: none)", min_value=1.0, format="%g", value=None,
                        key=mirrored(f"{key}.limit", _float(p.get("max_items_per_request"))))
        cell().checkbox("Ascending sort order", **seeded(f"{key}.forward", bool(p.get("scan_index_forward", True))))
        cell().checkbox("Fetch non-projected attributes from the table (LSI)",
                    **seeded(f"{key}.fetch", bool(p.get("fetch_from_table", False))))
    if "changed_attributes" in fields and operation != "TransactWriteItems":
        changed = list(p.get("changed_attributes", []))
        cell().multiselect("Changed attributes", sorted(set(attribute_names(model)) | set(changed)),
                       key=mirrored(f"{key}.changed", changed),
                       help="The attributes the write sets; an index whose key or projection has them is written.")
    if "condition_failure_share" in fields:
        cell().number_input("Share of conditional writes that fail (0-1)", min_value=0.0, max_value=1.0, step=0.05,
                        format="%g", **seeded(f"{key}.condfail", float(p.get("condition_failure_share", 0.0))))
    if "existing_item_share" in fields:
        default = 0.0 if operation == "PutItem" else 1.0
        cell().number_input("Share of writes that find an item (0-1)", min_value=0.0, max_value=1.0, step=0.05,
                        format="%g", **seeded(f"{key}.existing", float(p.get("existing_item_share", default))))
    if "write_kind" in fields:
        cell().selectbox("Batch writes", ["put", "delete"], key=mirrored(f"{key}.writekind", p.get("write_kind", "put")))
    if "actions" in fields:
        _actions_field(model, key, p)
    dist = p.get("key_distribution") or {"kind": "inherit"}
    cell = cells()
    cell().selectbox("Key popularity", list(PATTERN_DISTRIBUTIONS), format_func=PATTERN_DISTRIBUTIONS.get,
                 key=mirrored(f"{key}.dist", dist["kind"]))
    cell().number_input("Zipf exponent", min_value=0.01, max_value=10.0, format="%g",
                    **seeded(f"{key}.zipf", float(dist.get("exponent", 1.0))))
    hot = hot_keys_text((k["key"], k["share"]) for k in dist.get("keys", []))
    cell().text_input("Hot keys (KEY=share, ...)", **seeded(f"{key}.hot", hot))
    st.text_input("Description", **seeded(f"{key}.description", p.get("description", "")))


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def action_options(model: DataModel) -> list[str]:
    """"Put Order", "Update Stock", ...: every action on every entity."""
    return [f"{action} {e.name}" for e in model.entities for action in ACTIONS]


def _actions_field(model: DataModel, key: str, p: dict[str, Any]) -> None:
    chosen = [f"{a['action']} {a['entity']}" for a in p.get("actions", [])]
    changed = sorted({c for a in p.get("actions", []) for c in a.get("changed_attributes", [])})
    cell = cells()
    cell().multiselect("Transaction actions (one item each)", sorted(set(action_options(model)) | set(chosen)),
                   key=mirrored(f"{key}.actions", list(dict.fromkeys(chosen))),
                   help="Each action writes (or checks) one item of that entity; its table may differ from the "
                        "pattern's. Up to 100 actions.")
    cell().multiselect("Attributes the Update actions change", sorted(set(attribute_names(model)) | set(changed)),
                   key=mirrored(f"{key}.actionchanged", changed),
                   help="Each Update action changes the ones its entity has; an index keyed on one is rewritten.")


def _actions(model: DataModel, key: str, original: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The transaction's actions from the two fields; unchanged fields keep the design's actions as they are."""
    ss = st.session_state
    chosen, changed = list(ss[f"{key}.actions"]), list(ss[f"{key}.actionchanged"])
    before = list(dict.fromkeys(f"{a['action']} {a['entity']}" for a in original))
    before_changed = sorted({c for a in original for c in a.get("changed_attributes", [])})
    if chosen == before and sorted(changed) == before_changed:
        return [dict(a) for a in original]
    actions = []
    for item in chosen:
        action, _, entity = item.partition(" ")
        row: dict[str, Any] = {"action": action, "entity": entity}
        if action == "Update":
            own = _entity_attributes(model, entity)
            row["changed_attributes"] = [c for c in changed if c in own]
        actions.append(row)
    return actions


def _entity_attributes(model: DataModel, name: str) -> set[str]:
    entity = next((e for e in model.entities if e.name == name), None)
    if entity is None:
        return set()
    return {k.attribute for k in entity.keys} | {a.name for a in entity.attributes}


def pattern_data(key: str, operation: str, base: dict[str, Any]) -> dict[str, Any]:
    """The pattern's plain data from its form fields, keeping fields the form does not show; fields the
    operation does not have are dropped."""
    ss = st.session_state
    fields = OPERATION_FIELDS[operation]
    p = {k: v for k, v in base.items() if k in COMMON_FIELDS | fields}
    p["operation"] = operation
    p["name"] = str(ss[f"{key}.name"]).strip()
    table, _, index = str(ss[f"{key}.target"]).partition(" · ")
    p["table"] = table
    if index:
        p["index"] = index
    else:
        p.pop("index", None)
    p["entities"] = list(ss[f"{key}.entities"])
    p["requests_per_second"] = float(ss[f"{key}.rate"])
    peak = float(ss[f"{key}.peak"])
    if base.get("peak_requests_per_second") is not None or peak != p["requests_per_second"]:
        p["peak_requests_per_second"] = peak
    region = ss[f"{key}.region"]
    p["region"] = None if region == NO_REGION else region
    if operation == "Scan":
        p.pop("key_condition", None)
    else:
        p["key_condition"] = _key_condition(ss, key)
    _operation_fields(ss, key, operation, fields, p, base)
    kind = ss[f"{key}.dist"]
    if kind == "inherit":
        p.pop("key_distribution", None)
    else:
        new = distribution(kind, ss[f"{key}.zipf"], ss[f"{key}.hot"])
        old = base.get("key_distribution") or {}
        if new["kind"] != old.get("kind") or new != {k: v for k, v in old.items() if k in new}:
            p["key_distribution"] = new
    p["description"] = ss[f"{key}.description"]
    return p


def _key_condition(ss: Any, key: str) -> dict[str, Any] | None:
    pk = str(ss[f"{key}.pk"]).strip()
    if not pk:
        return None
    kc: dict[str, Any] = {"partition_key": pk}
    if ss[f"{key}.skop"] != NO_SORT_CONDITION:
        kc["sort_key"] = {"operator": ss[f"{key}.skop"], "value": ss[f"{key}.skval"]}
        if ss[f"{key}.skop"] == "between":
            kc["sort_key"]["value2"] = ss[f"{key}.skval2"] or ss[f"{key}.skval"]
    return kc


def _operation_fields(ss: Any, key: str, operation: str, fields: set[str], p: dict[str, Any],
                      base: dict[str, Any]) -> None:
    if "consistency" in fields:
        p["consistency"] = ss[f"{key}.consistency"]
        p["read_after_write_ms"] = float(ss[f"{key}.raw"])
    if "items_per_request" in fields:
        items = number_or_none(ss[f"{key}.items"])
        if items is None:
            p.pop("items_per_request", None)
        else:
            p["items_per_request"] = items
    if "filter_keep_share" in fields:
        p["filter_keep_share"] = float(ss[f"{key}.keep"])
    if "max_items_per_request" in fields:
        p["max_items_per_request"] = number_or_none(ss[f"{key}.limit"])
        p["scan_index_forward"] = bool(ss[f"{key}.forward"])
        p["fetch_from_table"] = bool(ss[f"{key}.fetch"])
    if "changed_attributes" in fields and operation != "TransactWriteItems":
        p["changed_attributes"] = list(ss[f"{key}.changed"])
    if "condition_failure_share" in fields:
        p["condition_failure_share"] = float(ss[f"{key}.condfail"])
    if "existing_item_share" in fields:
        p["existing_item_share"] = float(ss[f"{key}.existing"])
    if "write_kind" in fields:
        p["write_kind"] = ss[f"{key}.writekind"]
    if "actions" in fields:
        p["actions"] = _actions(state.current_model(), key, base.get("actions", []))
        if not p["entities"]:
            p["entities"] = list(dict.fromkeys(a["entity"] for a in p["actions"]))


# ----------------------------------------------------------------------------- edit, add, delete


def pattern_editor(model: DataModel, i: int) -> None:
    """Operation (switched at once, so the form shows its fields) and every field of one access pattern."""
    pattern = model.access_patterns[i]
    key = f"{W}pattern.{pattern.name}"
    op_key = mirrored(f"{key}.operation", pattern.operation)
    st.selectbox("Operation", OPERATIONS, key=op_key, on_change=_operation_changed, args=(pattern.name, op_key),
                 help="Changing the operation keeps the fields both operations have.")
    base = to_data(pattern)
    with st.form(key=f"form.pattern.{pattern.name}", border=True):
        pattern_fields(model, key, pattern.operation, base)
        st.form_submit_button("Save access pattern", on_click=_pattern_submitted, args=(pattern.name,))
    show_problems(f"pattern.{pattern.name}")


def _operation_changed(name: str, op_key: str) -> None:
    operation = st.session_state[op_key]

    def mutate(data: dict[str, Any]) -> None:
        patterns = data["access_patterns"]
        j = next(k for k, p in enumerate(patterns) if p["name"] == name)
        fields = COMMON_FIELDS | OPERATION_FIELDS[operation]
        new = {k: v for k, v in patterns[j].items() if k in fields}
        new["operation"] = operation
        if operation == "TransactWriteItems" and not new.get("actions"):
            new["actions"] = [{"action": "Put", "entity": e} for e in new.get("entities", [])]
        if operation == "Scan":
            new.pop("key_condition", None)
        patterns[j] = new

    apply(f"pattern.{name}", mutate, f"{name} is now a {operation}.")


def _pattern_submitted(name: str) -> None:
    key = f"{W}pattern.{name}"
    data_now = design_data(state.current_model())
    base = next(p for p in data_now["access_patterns"] if p["name"] == name)

    def mutate(data: dict[str, Any]) -> None:
        patterns = data["access_patterns"]
        j = next(k for k, p in enumerate(patterns) if p["name"] == name)
        new = pattern_data(key, base["operation"], base)
        if new["name"] != name:
            edits.rename_pattern(data, name, new["name"])
        patterns[j] = new

    apply(f"pattern.{name}", mutate, f"Saved access pattern {st.session_state[f'{key}.name']}.")


def add_pattern_form(model: DataModel) -> None:
    """Add an access pattern of any operation: pick the operation first, then fill its fields."""
    if not model.entities:
        st.caption("Add an entity first (Entities tab): an access pattern reads or writes an entity.")
        return
    key = f"{W}newpattern"
    st.markdown("**Add an access pattern**")
    operation = st.selectbox("Operation of the new pattern", OPERATIONS, key=mirrored(f"{key}.op", "Query"),
                             help="The form below shows the fields this operation needs.")
    first = model.entities[0]
    template = {"name": f"pattern {len(model.access_patterns) + 1}", "table": first.table, "entities": [first.name],
                "requests_per_second": 10.0}
    with st.form(key="form.newpattern", border=True):
        pattern_fields(model, key, operation, template)
        st.form_submit_button("Add access pattern", on_click=_pattern_added, args=(operation,))
    show_problems("newpattern")


def _pattern_added(operation: str) -> None:
    key = f"{W}newpattern"
    pattern = pattern_data(key, operation, {})

    def mutate(data: dict[str, Any]) -> None:
        if any(p["name"] == pattern["name"] for p in data.get("access_patterns", [])):
            raise edits.EditError(f"an access pattern named '{pattern['name']}' already exists; pick another name")
        data.setdefault("access_patterns", []).append(pattern)

    if apply("newpattern", mutate, f"Added access pattern {pattern['name']}."):
        for k in [k for k in st.session_state if isinstance(k, str) and k.startswith(f"{key}.") and k != f"{key}.op"]:
            del st.session_state[k]


def remove_pattern_button(model: DataModel, i: int) -> None:
    name = model.access_patterns[i].name
    st.button("Remove this access pattern", key=f"remove.pattern.{name}", on_click=_remove_pattern, args=(name,))


def _remove_pattern(name: str) -> None:
    set_problems("patterns", [])
    apply("patterns", lambda data: edits.delete_patterns(data, [name]), f"Removed access pattern {name}.")


# ----------------------------------------------------------------------------- screens


def screens_editor(model: DataModel) -> None:
    """Screens (pages of the application) and the requests each one issues, as a grid."""
    names = [p.name for p in model.access_patterns]
    rows = [{"screen": s.name, "access patterns": ", ".join(s.access_patterns),
             "repeated": ", ".join(f"{n} x{times}" for n, times in s.repeat), "description": s.description}
            for s in model.screens]
    with st.form(key="form.screens", border=True):
        st.markdown("**Screens**: one row per page of your application, with the access patterns it calls once "
                    f"and those it repeats (`name xN`). Patterns: {fmt.text(', '.join(names)) or 'none yet'}.")
        st.data_editor(rows, num_rows="dynamic", key=f"{W}screens", width="stretch", column_config={
            "screen": st.column_config.TextColumn("Screen", required=True),
            "access patterns": st.column_config.TextColumn("Access patterns (comma separated)"),
            "repeated": st.column_config.TextColumn("Repeated (name xN, ...)"),
            "description": st.column_config.TextColumn("Description"),
        })
        st.form_submit_button("Save screens", on_click=_screens_submitted)
    show_problems("screens")


def _screens_submitted() -> None:
    grid = st.session_state.get(f"{W}screens") or {}
    current = [{"screen": s["name"], "access patterns": ", ".join(s.get("access_patterns", [])),
                "repeated": ", ".join(f"{n} x{t}" for n, t in s.get("repeat", [])),
                "description": s.get("description", "")}
               for s in design_data(state.current_model()).get("screens", [])]
    for idx, change in (grid.get("edited_rows") or {}).items():
        current[int(idx)].update(change)
    deleted = {int(i) for i in grid.get("deleted_rows") or []}
    current = [r for i, r in enumerate(current) if i not in deleted] + list(grid.get("added_rows") or [])

    def mutate(data: dict[str, Any]) -> None:
        data["screens"] = [_screen(row) for row in current if str(row.get("screen") or "").strip()]

    apply("screens", mutate, "Saved screens.")


def _screen(row: dict[str, Any]) -> dict[str, Any]:
    repeat = []
    for part in csv_names(row.get("repeated")):
        name, sep, times = part.rpartition(" x")
        if not sep or not times.strip().isdigit():
            raise edits.EditError(f"screen '{row['screen']}': repeated '{part}' is not 'pattern xN'; write e.g. "
                                  f"'{part} x20'")
        repeat.append([name.strip(), int(times)])
    screen: dict[str, Any] = {"name": str(row["screen"]).strip(), "access_patterns": csv_names(row.get("access patterns"))}
    if repeat:
        screen["repeat"] = repeat
    if row.get("description"):
        screen["description"] = row["description"]
    return screen
