"""Widgets of the workbench: the sidebar, page headers, messages and the design editors.

Editors are views of the design in session state: they render from the current DataModel and
write back through ui.state.edit_design in callbacks; validation problems are kept per editor and
shown right under the editor that caused them. Widget keys derive from names (stable ids), all
prefixed with ui.state.WIDGET_PREFIX so a change elsewhere (undo, upload) resyncs them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from engine.errors import WorkbenchError
from engine.io import design_data
from engine.model import DataModel
from ui import cache, state
from ui import format as fmt

W = state.WIDGET_PREFIX
PROBLEMS = "wb_problems"  # editor id -> messages of its last rejected change


# ----------------------------------------------------------------------------- page furniture


def sidebar() -> None:
    """Design name, undo, downloads and the one-shot message; rendered by app.py on every page."""
    model = state.current_model()
    with st.sidebar:
        st.markdown(f"**Design:** {model.name}")
        st.caption(f"Autosaved as `{state.design_id()}`. Bookmark this page's address to come back to it.")
        st.button("Undo last change", key="sidebar.undo", on_click=state.undo, disabled=not state.can_undo(),
                  help="Go back to the design before your last change.", width="stretch",
                  icon=":material/undo:")
        cols = st.columns(2)
        cols[0].download_button("YAML", data=cache.design_yaml(state.design_json()), file_name=_file_name(model, "yaml"),
                                mime="application/yaml", key="sidebar.download_yaml", width="stretch",
                                icon=":material/download:",
                                help="Download the design as a YAML file (the CLI reads it too).")
        cols[1].download_button("JSON", data=state.design_json(), file_name=_file_name(model, "json"),
                                mime="application/json", key="sidebar.download_json", width="stretch",
                                icon=":material/download:", help="Download the design as a JSON file.")
        message = state.pop_flash()
        if message:
            st.success(message)


def _file_name(model: DataModel, ext: str) -> str:
    stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in model.name).strip("_") or "design"
    return f"{stem}.{ext}"


def page_header(title: str, intro: str) -> None:
    """The page's own title and one sentence saying what it answers."""
    st.title(title)
    st.caption(intro)


def engine_pending(what: str, module: str) -> None:
    """Honest empty state for a page whose engine is not in this build yet."""
    st.info(f"**{what} is not available in this build yet.** The `engine.{module}` module has not been "
            "added, so nothing is computed here rather than showing made-up numbers. The other pages work.",
            icon=":material/construction:")


def call_engine(label: str, func: Callable[[], Any]) -> Any | None:
    """Run a cached engine call; show a readable message (never a traceback) and return None on failure."""
    try:
        return func()
    except cache.EngineMissing as exc:
        engine_pending(label, exc.module)
    except WorkbenchError as exc:
        st.error(f"{label} cannot be computed for this design: {exc}", icon=":material/error:")
    except Exception as exc:  # noqa: BLE001 - an engine bug must not become a traceback in the browser
        st.error(f"{label} failed on this design ({type(exc).__name__}: {exc}). This is a workbench bug; "
                 "the rest of the page still works.", icon=":material/bug_report:")
    return None


def show_problems(editor: str) -> None:
    """The messages of the last rejected change made in one editor, right where it was made."""
    for message in st.session_state.get(PROBLEMS, {}).get(editor, []):
        st.error(message, icon=":material/error:")


def _apply(editor: str, mutate: Callable[[dict[str, Any]], None], note: str, keep: str | None = None) -> None:
    problems = state.edit_design(mutate, note, keep_widget=keep)
    store = st.session_state.setdefault(PROBLEMS, {})
    if problems:
        store[editor] = problems
    else:
        store.pop(editor, None)


# ----------------------------------------------------------------------------- rates


def rate_input(model: DataModel, pattern_name: str, label: str | None = None) -> None:
    """A what-if number input for one access pattern's average rate (writes the design on change)."""
    pattern = model.access_pattern(pattern_name)
    key = f"{W}rate.{pattern_name}"
    st.number_input(label or f"{pattern_name} (req/s)", min_value=0.0, value=float(pattern.requests_per_second),
                    step=_rate_step(pattern.requests_per_second), key=key, format="%g",
                    on_change=_rate_changed, args=(pattern_name, key),
                    help="Average requests per second. Raising it above the peak raises the peak too.")
    show_problems(f"rate.{pattern_name}")


def _rate_step(value: float) -> float:
    return float(max(1, 10 ** max(0, len(str(int(value))) - 2)))


def _rate_changed(pattern_name: str, key: str) -> None:
    new_rate = float(st.session_state[key])

    def mutate(data: dict[str, Any]) -> None:
        for p in data["access_patterns"]:
            if p["name"] == pattern_name:
                p["requests_per_second"] = new_rate
                if p.get("peak_requests_per_second") is not None and p["peak_requests_per_second"] < new_rate:
                    p["peak_requests_per_second"] = new_rate

    _apply(f"rate.{pattern_name}", mutate, f"{pattern_name}: {fmt.rate(new_rate)}.", keep=key)


# ----------------------------------------------------------------------------- tables


BILLING_LABELS = {"on_demand": "On-demand (pay per request)", "provisioned": "Provisioned (RCU/WCU per hour)"}
CLASS_LABELS = {"STANDARD": "Standard", "STANDARD_INFREQUENT_ACCESS": "Standard-IA (cheaper storage)"}
PROJECTIONS = ("ALL", "KEYS_ONLY", "INCLUDE")
KNOWN_REGIONS = ("us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1",
                 "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2")


def table_editor(model: DataModel, t: int) -> None:
    """Billing, capacity, class, TTL and replicas of one table, in one form."""
    table = model.tables[t]
    prov = table.billing.mode == "provisioned"
    with st.form(key=f"form.table.{table.name}", border=True):
        c1, c2 = st.columns(2)
        c1.selectbox("Billing mode", list(BILLING_LABELS), format_func=BILLING_LABELS.get,
                     index=1 if prov else 0, key=f"{W}table.{table.name}.billing")
        c2.selectbox("Table class", list(CLASS_LABELS), format_func=CLASS_LABELS.get,
                     index=list(CLASS_LABELS).index(table.table_class), key=f"{W}table.{table.name}.class")
        c1.number_input("Provisioned read capacity (RCU)", min_value=1.0, step=10.0, format="%g",
                        value=float(table.billing.read_capacity_units) if prov else 100.0,
                        key=f"{W}table.{table.name}.rcu", help="Used when billing is provisioned.")
        c2.number_input("Provisioned write capacity (WCU)", min_value=1.0, step=10.0, format="%g",
                        value=float(table.billing.write_capacity_units) if prov else 100.0,
                        key=f"{W}table.{table.name}.wcu", help="Used when billing is provisioned.")
        regions = list(table.global_table.regions) if table.global_table else [model.region]
        c1.multiselect("Replica regions (global table when more than one)",
                       sorted(set(KNOWN_REGIONS) | set(regions)), default=regions,
                       key=f"{W}table.{table.name}.regions")
        c2.selectbox("Global table mode", ["MREC", "MRSC"],
                     index=1 if table.global_table and table.global_table.mode == "MRSC" else 0,
                     key=f"{W}table.{table.name}.gtmode",
                     help="MREC: last writer wins, asynchronous. MRSC: strong reads in any region (3 regions).")
        c1.text_input("TTL attribute (empty for none)", value=table.ttl_attribute or "",
                      key=f"{W}table.{table.name}.ttl")
        st.form_submit_button("Save table settings", on_click=_table_submitted, args=(t, table.name))
    show_problems(f"table.{table.name}")


def _table_submitted(t: int, name: str) -> None:
    ss = st.session_state
    billing = ss[f"{W}table.{name}.billing"]
    regions = list(ss[f"{W}table.{name}.regions"])
    rcu, wcu = float(ss[f"{W}table.{name}.rcu"]), float(ss[f"{W}table.{name}.wcu"])

    def mutate(data: dict[str, Any]) -> None:
        table = data["tables"][t]
        old_billing = table.get("billing") or {"mode": "on_demand"}
        if billing == "provisioned":
            kept = old_billing if old_billing.get("mode") == "provisioned" else {"mode": "provisioned"}
            table["billing"] = {**kept, "read_capacity_units": rcu, "write_capacity_units": wcu}
            for gsi in table.get("gsis", []):
                gsi.setdefault("provisioned", {"read_capacity_units": rcu, "write_capacity_units": wcu})
        else:
            table["billing"] = old_billing if old_billing.get("mode") == "on_demand" else {"mode": "on_demand"}
            for gsi in table.get("gsis", []):
                gsi.pop("provisioned", None)
        table["table_class"] = ss[f"{W}table.{name}.class"]
        ttl = ss[f"{W}table.{name}.ttl"].strip()
        table["ttl_attribute"] = ttl or None
        if len(regions) > 1:
            mode = ss[f"{W}table.{name}.gtmode"]
            table["global_table"] = {**(table.get("global_table") or {}), "regions": regions, "mode": mode}
            if mode == "MREC":
                table["global_table"].pop("witness_region", None)
        else:
            table.pop("global_table", None)

    _apply(f"table.{name}", mutate, f"Saved table {name}.")


def index_list(model: DataModel, t: int) -> None:
    """The table's GSIs and LSIs with their keys and projection, each removable."""
    table = model.tables[t]
    if not table.gsis and not table.lsis:
        st.caption("No secondary indexes. Add a GSI below when an access pattern needs another key.")
    for kind, indexes in (("GSI", table.gsis), ("LSI", table.lsis)):
        for idx in indexes:
            pk = table.partition_key.name if kind == "LSI" else idx.partition_key.name
            sk = idx.sort_key.name if idx.sort_key else "none"
            proj = idx.projection.type + (f" ({', '.join(idx.projection.attributes)})"
                                          if idx.projection.attributes else "")
            c1, c2 = st.columns([5, 1])
            c1.markdown(f"**{kind} `{idx.name}`**: partition key `{pk}`, sort key `{sk}`, projects {proj}")
            c2.button("Remove", key=f"remove.index.{table.name}.{idx.name}", on_click=_remove_index,
                      args=(t, table.name, idx.name))
    show_problems(f"indexes.{table.name}")


def _remove_index(t: int, table_name: str, index_name: str) -> None:
    def mutate(data: dict[str, Any]) -> None:
        table = data["tables"][t]
        for kind in ("gsis", "lsis"):
            table[kind] = [i for i in table.get(kind, []) if i["name"] != index_name]

    _apply(f"indexes.{table_name}", mutate, f"Removed index {index_name} from {table_name}.")


def table_attribute_names(model: DataModel, table_name: str) -> list[str]:
    """Every attribute (key template or plain attribute) an entity of the table carries."""
    names: dict[str, None] = {}
    for entity in model.entities_of(table_name):
        for k in entity.keys:
            names.setdefault(k.attribute)
        for a in entity.attributes:
            names.setdefault(a.name)
    return list(names)


def add_gsi_form(model: DataModel, t: int) -> None:
    """Add a GSI keyed on an attribute the table's entities carry."""
    table = model.tables[t]
    attrs = table_attribute_names(model, table.name)
    key = f"{W}gsi.{table.name}"
    with st.form(key=f"form.gsi.{table.name}", clear_on_submit=False, border=True):
        st.markdown("**Add a global secondary index**")
        c1, c2, c3 = st.columns(3)
        c1.text_input("Index name", value=f"GSI{len(table.gsis) + 1}", key=f"{key}.name")
        c2.selectbox("Partition key attribute", attrs or ["(no attributes yet)"], key=f"{key}.pk",
                     help="An attribute your entities carry; items without it are left out of the index.")
        c3.selectbox("Sort key attribute", ["(none)", *attrs], key=f"{key}.sk")
        c1.selectbox("Projection", PROJECTIONS, key=f"{key}.projection",
                     help="ALL copies whole items (bigger index writes); KEYS_ONLY the keys; INCLUDE some attributes.")
        c2.multiselect("Attributes (INCLUDE only)", attrs, key=f"{key}.include")
        st.form_submit_button("Add GSI", on_click=_gsi_submitted, args=(t, table.name))
    show_problems(f"gsi.{table.name}")


def _gsi_submitted(t: int, table_name: str) -> None:
    ss = st.session_state
    key = f"{W}gsi.{table_name}"
    name = ss[f"{key}.name"].strip()
    sort_key = ss[f"{key}.sk"]

    def mutate(data: dict[str, Any]) -> None:
        table = data["tables"][t]
        gsi: dict[str, Any] = {"name": name, "partition_key": {"name": ss[f"{key}.pk"]}}
        if sort_key != "(none)":
            gsi["sort_key"] = {"name": sort_key}
        gsi["projection"] = {"type": ss[f"{key}.projection"]}
        if ss[f"{key}.projection"] == "INCLUDE":
            gsi["projection"]["attributes"] = list(ss[f"{key}.include"])
        billing = table.get("billing", {})
        if billing.get("mode") == "provisioned":
            gsi["provisioned"] = {"read_capacity_units": billing["read_capacity_units"],
                                  "write_capacity_units": billing["write_capacity_units"]}
        table.setdefault("gsis", []).append(gsi)

    _apply(f"gsi.{table_name}", mutate, f"Added GSI {name} to {table_name}.")


# ----------------------------------------------------------------------------- entities


def entity_editor(model: DataModel, e: int) -> None:
    """Item count, attributes, variables and key templates of one entity (example keys shown)."""
    entity = model.entities[e]
    key = f"{W}entity.{entity.name}"
    with st.form(key=f"form.entity.{entity.name}", border=True):
        c1, c2 = st.columns(2)
        c1.number_input("Items stored today", min_value=0, step=1000, value=int(entity.item_count),
                        key=f"{key}.count")
        c2.number_input("Items added per month", min_value=0.0, step=1000.0, format="%g",
                        value=float(entity.growth_items_per_month), key=f"{key}.growth")
        st.markdown("Attributes (value sizes in bytes as DynamoDB counts them; the name's bytes are added)")
        st.data_editor(
            [{"name": a.name, "type": a.type, "size_bytes": a.size_bytes,
              "example": None if a.example is None else str(a.example), "presence": a.presence}
             for a in entity.attributes],
            num_rows="dynamic", key=f"{key}.attributes", width="stretch",
            column_config={
                "name": st.column_config.TextColumn("Attribute", required=True),
                "type": st.column_config.SelectboxColumn("Type", options=["S", "N", "B", "BOOL", "NULL", "L", "M",
                                                                          "SS", "NS", "BS"], default="S"),
                "size_bytes": st.column_config.NumberColumn("Value size (bytes)", min_value=0),
                "example": st.column_config.TextColumn("Example value (instead of a size)"),
                "presence": st.column_config.NumberColumn("Share of items that have it", min_value=0.0,
                                                          max_value=1.0, default=1.0, format="%.2f"),
            })
        st.markdown("Template variables (how many distinct values each takes)")
        st.data_editor(
            [{"name": v.name, "cardinality": v.cardinality, "kind": v.kind, "values": ", ".join(v.values)}
             for v in entity.variables],
            num_rows="dynamic", key=f"{key}.variables", width="stretch",
            column_config={
                "name": st.column_config.TextColumn("Variable", required=True),
                "cardinality": st.column_config.NumberColumn("Distinct values", min_value=1, step=1, default=1),
                "kind": st.column_config.SelectboxColumn("Looks like", options=["id", "timestamp", "enum", "number"],
                                                         default="id"),
                "values": st.column_config.TextColumn("Enum values (comma separated)"),
            })
        st.form_submit_button("Save entity", on_click=_entity_submitted, args=(e, entity.name))
    show_problems(f"entity.{entity.name}")


def _apply_table_edits(key: str, original: list[dict[str, Any]],
                       cell: Callable[[dict[str, Any], str, Any], None],
                       new_row: Callable[[dict[str, Any]], dict[str, Any]]) -> list[dict[str, Any]]:
    """Apply a data_editor's edits to the design's own rows: only edited cells change (fields the grid
    does not show, such as min/max sizes or structured examples, are kept), added rows are built by
    `new_row`, deleted rows dropped, rows left without a name ignored."""
    edits = st.session_state.get(key) or {}
    rows = [dict(r) for r in original]
    for idx, change in (edits.get("edited_rows") or {}).items():
        for column, value in change.items():
            cell(rows[int(idx)], column, value)
    deleted = {int(i) for i in edits.get("deleted_rows") or []}
    rows = [r for i, r in enumerate(rows) if i not in deleted]
    rows += [new_row(dict(r)) for r in edits.get("added_rows") or [] if str(r.get("name") or "").strip()]
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


def _variable_cell(row: dict[str, Any], column: str, value: Any) -> None:
    if column == "values":
        values = [v.strip() for v in str(value or "").split(",") if v.strip()]
        if values:
            row["values"], row["cardinality"] = values, len(values)
        else:
            row.pop("values", None)
    elif column == "cardinality":
        row["cardinality"] = int(value or 1)
    elif column in ("name", "kind"):
        row[column] = str(value or "").strip() or ("id" if column == "kind" else "")


def _attribute_row(row: dict[str, Any]) -> dict[str, Any]:
    """A new attribute from a grid row (a size of 0 bytes when neither size nor example is given)."""
    out: dict[str, Any] = {"name": str(row.get("name") or "").strip(), "type": row.get("type") or "S"}
    for column in ("size_bytes", "example", "presence"):
        _attribute_cell(out, column, row.get(column))
    if out.get("presence") == 1.0:
        out.pop("presence")
    if "size_bytes" not in out and "example" not in out:
        out["size_bytes"] = 0.0
    return out


def _number_or_text(value: Any) -> Any:
    try:
        return float(value) if "." in str(value) or "e" in str(value).lower() else int(value)
    except ValueError:
        return value


def _variable_row(row: dict[str, Any]) -> dict[str, Any]:
    """A new template variable from a grid row."""
    out: dict[str, Any] = {"name": str(row.get("name") or "").strip(), "cardinality": int(row.get("cardinality") or 1),
                           "kind": row.get("kind") or "id"}
    _variable_cell(out, "values", row.get("values"))
    return out


def _entity_submitted(e: int, name: str) -> None:
    ss = st.session_state
    key = f"{W}entity.{name}"
    own = design_data(state.current_model())["entities"][e]
    attrs = _apply_table_edits(f"{key}.attributes", own.get("attributes", []), _attribute_cell, _attribute_row)
    variables = _apply_table_edits(f"{key}.variables", own.get("variables", []), _variable_cell, _variable_row)

    def mutate(data: dict[str, Any]) -> None:
        ent = data["entities"][e]
        ent["item_count"] = int(ss[f"{key}.count"])
        ent["growth_items_per_month"] = float(ss[f"{key}.growth"])
        ent["attributes"] = attrs
        ent["variables"] = variables

    _apply(f"entity.{name}", mutate, f"Saved entity {name}.")


def key_template_editor(model: DataModel, e: int) -> None:
    """One input per key template, with the first example keys it produces shown under it."""
    from engine.keyspace import key_count, key_labels

    entity = model.entities[e]
    for kt in entity.keys:
        key = f"{W}keytpl.{entity.name}.{kt.attribute}"
        st.text_input(f"`{kt.attribute}` template", value=kt.template, key=key,
                      on_change=_template_changed, args=(e, entity.name, kt.attribute, key),
                      help="Literal text with {variable} placeholders, e.g. USER#{user_id}. Press Enter to apply.")
        examples = ", ".join(f"`{k}`" for k in key_labels(entity, kt.template, 3))
        st.caption(f"Examples: {examples} · {fmt.count(key_count(entity, kt.template), 'distinct value')}")
        show_problems(f"keytpl.{entity.name}.{kt.attribute}")


def _template_changed(e: int, entity_name: str, attribute: str, key: str) -> None:
    template = st.session_state[key]

    def mutate(data: dict[str, Any]) -> None:
        for kt in data["entities"][e]["keys"]:
            if kt["attribute"] == attribute:
                kt["template"] = template

    _apply(f"keytpl.{entity_name}.{attribute}", mutate, f"{entity_name}.{attribute} = {template}", keep=key)


# ----------------------------------------------------------------------------- access patterns


DISTRIBUTIONS = {"inherit": "As the entity's", "uniform": "Uniform", "zipf": "Zipf (a few keys take most)",
                 "hot_keys": "Named hot keys"}
SORT_OPERATORS = ("(none)", "=", "<", "<=", ">", ">=", "between", "begins_with")


def pattern_editor(model: DataModel, i: int) -> None:
    """Rates, consistency, size and key condition of one access pattern, in one form."""
    p = model.access_patterns[i]
    key = f"{W}pattern.{p.name}"
    with st.form(key=f"form.pattern.{p.name}", border=True):
        c1, c2, c3 = st.columns(3)
        c1.number_input("Average rate (req/s)", min_value=0.0, value=float(p.requests_per_second), format="%g",
                        key=f"{key}.rate")
        c2.number_input("Peak rate (req/s)", min_value=0.0, value=float(p.peak_rps), format="%g",
                        key=f"{key}.peak")
        if p.is_read:
            c3.selectbox("Consistency", ["eventual", "strong"], index=0 if p.consistency == "eventual" else 1,
                         key=f"{key}.consistency", help="Strong reads cost twice as much; GSIs allow eventual only.")
        if hasattr(p, "items_per_request") and p.operation != "Scan":
            c1.number_input("Items per request", min_value=0.01, value=float(p.items_per_request), format="%g",
                            key=f"{key}.items")
        kc = p.key_condition
        if kc is not None:
            c2.text_input("Partition key value", value=kc.partition_key, key=f"{key}.pk")
            sk = kc.sort_key
            c3.selectbox("Sort key condition", SORT_OPERATORS,
                         index=SORT_OPERATORS.index(sk.operator) if sk else 0, key=f"{key}.skop")
            c3.text_input("Sort key value", value=sk.value if sk else "", key=f"{key}.skval")
        dist = p.key_distribution
        kind = dist.kind if dist is not None else "inherit"
        c1.selectbox("Key popularity", list(DISTRIBUTIONS), format_func=DISTRIBUTIONS.get,
                     index=list(DISTRIBUTIONS).index(kind), key=f"{key}.dist")
        c2.number_input("Zipf exponent", min_value=0.01, value=float(getattr(dist, "exponent", 1.0)), format="%g",
                        key=f"{key}.zipf")
        hot = ", ".join(f"{h.key}={h.share!r}" for h in getattr(dist, "keys", ()))
        c3.text_input("Hot keys (KEY=share, ...)", value=hot, key=f"{key}.hot")
        st.form_submit_button("Save access pattern", on_click=_pattern_submitted, args=(i, p.name))
    show_problems(f"pattern.{p.name}")


def _parse_hot_keys(text: str) -> list[dict[str, Any]]:
    out = []
    for part in [s.strip() for s in text.split(",") if s.strip()]:
        name, sep, share = part.rpartition("=")
        if not sep:
            raise ValueError(f"hot key '{part}' needs a share, e.g. {part}=0.3")
        out.append({"key": name.strip(), "share": float(share)})
    return out


def _pattern_submitted(i: int, name: str) -> None:
    ss = st.session_state
    key = f"{W}pattern.{name}"

    def mutate(data: dict[str, Any]) -> None:
        p = data["access_patterns"][i]
        p["requests_per_second"] = float(ss[f"{key}.rate"])
        peak = float(ss[f"{key}.peak"])
        if p.get("peak_requests_per_second") is not None or peak != p["requests_per_second"]:
            p["peak_requests_per_second"] = peak
        if f"{key}.consistency" in ss:
            p["consistency"] = ss[f"{key}.consistency"]
        if f"{key}.items" in ss:
            p["items_per_request"] = float(ss[f"{key}.items"])
        if f"{key}.pk" in ss:
            kc: dict[str, Any] = {"partition_key": ss[f"{key}.pk"]}
            if ss[f"{key}.skop"] != "(none)":
                kc["sort_key"] = {"operator": ss[f"{key}.skop"], "value": ss[f"{key}.skval"]}
                old = (p.get("key_condition") or {}).get("sort_key") or {}
                if ss[f"{key}.skop"] == "between":
                    kc["sort_key"]["value2"] = old.get("value2") or ss[f"{key}.skval"]
            p["key_condition"] = kc
        _set_distribution(p, ss[f"{key}.dist"], float(ss[f"{key}.zipf"]), ss[f"{key}.hot"])

    _apply(f"pattern.{name}", mutate, f"Saved access pattern {name}.")


def _set_distribution(p: dict[str, Any], kind: str, exponent: float, hot: str) -> None:
    if kind == "inherit":
        p.pop("key_distribution", None)
    elif kind == "zipf":
        p["key_distribution"] = {"kind": "zipf", "exponent": exponent}
    elif kind == "hot_keys":
        p["key_distribution"] = {"kind": "hot_keys", "keys": _parse_hot_keys(hot)}
    else:
        p["key_distribution"] = {"kind": kind}


def remove_pattern_button(model: DataModel, i: int) -> None:
    name = model.access_patterns[i].name
    st.button("Remove this access pattern", key=f"remove.pattern.{name}", on_click=_remove_pattern, args=(name,))


def _remove_pattern(name: str) -> None:
    def mutate(data: dict[str, Any]) -> None:
        data["access_patterns"] = [p for p in data.get("access_patterns", []) if p["name"] != name]
        for s in data.get("screens", []):
            s["access_patterns"] = [n for n in s.get("access_patterns", []) if n != name]
            s["repeat"] = [r for r in s.get("repeat", []) if r[0] != name]

    _apply("patterns", mutate, f"Removed access pattern {name}.")


OPERATIONS = ("GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems", "PutItem", "UpdateItem",
              "DeleteItem", "BatchWriteItem")


def add_pattern_form(model: DataModel) -> None:
    """Add an access pattern: operation, target, entity, key and rate."""
    if not model.entities:
        st.caption("Add an entity first (in the YAML tab): an access pattern reads or writes an entity.")
        return
    key = f"{W}newpattern"
    targets = [(t.name, None) for t in model.tables] + [(t.name, i.name) for t in model.tables
                                                         for i in (*t.gsis, *t.lsis)]
    with st.form(key="form.newpattern", border=True):
        st.markdown("**Add an access pattern**")
        c1, c2, c3 = st.columns(3)
        c1.text_input("Name", value=f"pattern {len(model.access_patterns) + 1}", key=f"{key}.name")
        c2.selectbox("Operation", OPERATIONS, index=1, key=f"{key}.op")
        c3.selectbox("Target", range(len(targets)), key=f"{key}.target",
                     format_func=lambda j: targets[j][0] + (f" · index {targets[j][1]}" if targets[j][1] else ""))
        c1.selectbox("Entity", [e.name for e in model.entities], key=f"{key}.entity")
        c2.text_input("Partition key value (template)", value="", key=f"{key}.pk",
                      help="e.g. USER#{user_id}; leave empty for a Scan")
        c3.number_input("Average rate (req/s)", min_value=0.0, value=10.0, format="%g", key=f"{key}.rate")
        st.form_submit_button("Add access pattern", on_click=_pattern_added, args=(targets,))
    show_problems("newpattern")


def _pattern_added(targets: list[tuple[str, str | None]]) -> None:
    ss = st.session_state
    key = f"{W}newpattern"
    table, index = targets[int(ss[f"{key}.target"])]
    pattern: dict[str, Any] = {"name": ss[f"{key}.name"].strip(), "operation": ss[f"{key}.op"], "table": table,
                               "entities": [ss[f"{key}.entity"]], "requests_per_second": float(ss[f"{key}.rate"])}
    if index:
        pattern["index"] = index
    if ss[f"{key}.pk"].strip() and pattern["operation"] != "Scan":
        pattern["key_condition"] = {"partition_key": ss[f"{key}.pk"].strip()}

    def mutate(data: dict[str, Any]) -> None:
        data.setdefault("access_patterns", []).append(pattern)

    _apply("newpattern", mutate, f"Added access pattern {pattern['name']}.")


# ----------------------------------------------------------------------------- YAML


def yaml_editor(model: DataModel) -> None:
    """The whole design as YAML: edit and apply, with line-numbered problems under the editor."""
    with st.form(key="form.yaml", border=False):
        st.text_area("Design (YAML)", value=cache.design_yaml(state.design_json()), height=520, key=f"{W}yaml",
                     help="The same design as the forms. Apply to replace it; problems name the line.")
        st.form_submit_button("Apply YAML", on_click=_yaml_applied)
    show_problems("yaml")


def _yaml_applied() -> None:
    problems = state.load_text(st.session_state[f"{W}yaml"], "yaml", "YAML editor")
    store = st.session_state.setdefault(PROBLEMS, {})
    if problems:
        store["yaml"] = problems
    else:
        store.pop("yaml", None)


def upload_design() -> None:
    """Upload a YAML/JSON design file; its problems (with line numbers) appear under the uploader."""
    uploaded = st.file_uploader("Open a design file (YAML or JSON)", type=["yaml", "yml", "json"],
                                key="upload.design")
    if uploaded is not None:
        marker = f"{uploaded.name}:{uploaded.size}:{getattr(uploaded, 'file_id', '')}"
        if st.session_state.get("wb_uploaded") != marker:
            st.session_state["wb_uploaded"] = marker
            raw = uploaded.getvalue()
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                st.session_state.setdefault(PROBLEMS, {})["upload"] = [
                    f"{uploaded.name}: the file is not UTF-8 text; save it as UTF-8 and upload again"]
            else:
                fmt_name = "json" if uploaded.name.lower().endswith(".json") else "yaml"
                problems = state.load_text(text, fmt_name, uploaded.name)
                st.session_state.setdefault(PROBLEMS, {})["upload"] = problems
                if not problems:
                    st.rerun()
    show_problems("upload")
