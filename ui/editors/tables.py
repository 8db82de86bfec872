"""Table editors: add a table; its name and keys (references follow a rename); billing mode with the fields
that apply to it; class, TTL, stream, deletion protection, replicas and global-table mode; delete."""

from __future__ import annotations

from typing import Any

import streamlit as st

from engine.io import design_data
from engine.model import DataModel, edits
from ui import format as fmt
from ui import state
from ui.editors.base import W, apply, mirrored, number_or_none, seeded, set_problems, show_problems

KEY_TYPES = ("S", "N", "B")
KEY_TYPE_LABELS = {"S": "String (S)", "N": "Number (N)", "B": "Binary (B)"}
BILLING_LABELS = {"on_demand": "On-demand (pay per request)", "provisioned": "Provisioned (RCU/WCU per hour)"}
CLASS_LABELS = {"STANDARD": "Standard", "STANDARD_INFREQUENT_ACCESS": "Standard-IA (cheaper storage)"}
NO_STREAM = "(none)"
STREAM_LABELS = {NO_STREAM: "No stream", "KEYS_ONLY": "Keys only", "NEW_IMAGE": "New image", "OLD_IMAGE": "Old image",
                 "NEW_AND_OLD_IMAGES": "New and old images"}
KNOWN_REGIONS = ("us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "eu-west-1", "eu-west-2",
                 "eu-west-3", "eu-central-1", "eu-north-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
                 "ap-southeast-1", "ap-southeast-2", "ap-south-1", "sa-east-1")
# A new provisioned table starts at the console's default capacity (5 RCU / 5 WCU).
DEFAULT_PROVISIONED_UNITS = 5.0
NO_WITNESS = "(no witness: three replicas)"


# ----------------------------------------------------------------------------- add


def add_table_form(model: DataModel) -> None:
    """A new table: name, partition key and an optional sort key, each with its type."""
    key = f"{W}newtable"
    with st.form(key="form.newtable", border=True):
        st.markdown("**Add a table**")
        c1, c2, c3 = st.columns(3)
        c1.text_input("Table name", **seeded(f"{key}.name", _free_name(model)))
        c2.text_input("Partition key attribute", **seeded(f"{key}.pk", "PK"))
        c3.selectbox("Partition key type", KEY_TYPES, format_func=KEY_TYPE_LABELS.get, key=mirrored(f"{key}.pkt", "S"))
        c2.text_input("Sort key attribute (empty for none)", **seeded(f"{key}.sk", "SK"))
        c3.selectbox("Sort key type", KEY_TYPES, format_func=KEY_TYPE_LABELS.get, key=mirrored(f"{key}.skt", "S"))
        st.form_submit_button("Add table", on_click=_table_added)
    show_problems("newtable")


def _free_name(model: DataModel) -> str:
    names = {t.name for t in model.tables}
    return next(f"table{i}" for i in range(1, len(names) + 2) if f"table{i}" not in names)


def _table_added() -> None:
    ss = st.session_state
    key = f"{W}newtable"
    name = ss[f"{key}.name"].strip()

    def mutate(data: dict[str, Any]) -> None:
        edits.add_table(data, name, ss[f"{key}.pk"], ss[f"{key}.sk"] or None, ss[f"{key}.pkt"], ss[f"{key}.skt"])

    apply("newtable", mutate, f"Added table {name}.")


# ----------------------------------------------------------------------------- name and keys


def keys_form(model: DataModel, t: int) -> None:
    """The table's name and its key attributes; entities' key templates and patterns follow a rename."""
    table = model.tables[t]
    key = f"{W}tablekeys.{table.name}"
    with st.form(key=f"form.tablekeys.{table.name}", border=True):
        st.markdown("**Name and primary key**")
        c1, c2, c3 = st.columns(3)
        c1.text_input("Table name", **seeded(f"{key}.name", table.name))
        c2.text_input("Partition key attribute", **seeded(f"{key}.pk", table.partition_key.name))
        c3.selectbox("Partition key type", KEY_TYPES, format_func=KEY_TYPE_LABELS.get,
                     key=mirrored(f"{key}.pkt", table.partition_key.type))
        c2.text_input("Sort key attribute (empty for none)",
                      **seeded(f"{key}.sk", table.sort_key.name if table.sort_key else ""),
                      help="Removing the sort key removes the entities' templates for it.")
        c3.selectbox("Sort key type", KEY_TYPES, format_func=KEY_TYPE_LABELS.get,
                     key=mirrored(f"{key}.skt", table.sort_key.type if table.sort_key else "S"))
        st.form_submit_button("Save name and keys", on_click=_keys_submitted, args=(table.name,))
    show_problems(f"tablekeys.{table.name}")


def _keys_submitted(name: str) -> None:
    ss = st.session_state
    key = f"{W}tablekeys.{name}"
    new_name = ss[f"{key}.name"].strip()

    def mutate(data: dict[str, Any]) -> None:
        edits.set_key(data, name, "partition", ss[f"{key}.pk"], ss[f"{key}.pkt"])
        edits.set_key(data, name, "sort", ss[f"{key}.sk"] or None, ss[f"{key}.skt"])
        if new_name != name:
            edits.rename_table(data, name, new_name)

    apply(f"tablekeys.{name}", mutate, f"Saved table {new_name}'s name and keys.")


# ----------------------------------------------------------------------------- billing and settings


def billing_mode_choice(model: DataModel, t: int) -> None:
    """On-demand or provisioned, applied at once, so the settings below show only the fields that apply."""
    table = model.tables[t]
    key = mirrored(f"{W}table.{table.name}.billing", table.billing.mode)
    st.radio("Billing mode", list(BILLING_LABELS), format_func=BILLING_LABELS.get, key=key, horizontal=True,
             on_change=_billing_changed, args=(table.name, key))


def _billing_changed(name: str, key: str) -> None:
    mode = st.session_state[key]

    def mutate(data: dict[str, Any]) -> None:
        table = edits.table_data(data, name)
        if mode == "provisioned":
            table["billing"] = {"mode": "provisioned", "read_capacity_units": DEFAULT_PROVISIONED_UNITS,
                                "write_capacity_units": DEFAULT_PROVISIONED_UNITS,
                                "auto_scaling": {"target_utilization": 0.7}}
            for gsi in table.get("gsis", []):
                gsi["provisioned"] = {"read_capacity_units": DEFAULT_PROVISIONED_UNITS,
                                      "write_capacity_units": DEFAULT_PROVISIONED_UNITS}
        else:
            table["billing"] = {"mode": "on_demand"}
            for gsi in table.get("gsis", []):
                gsi.pop("provisioned", None)

    apply(f"table.{name}", mutate, f"{name}: {BILLING_LABELS[mode].split(' (')[0].lower()} billing.")


def settings_form(model: DataModel, t: int) -> None:
    """Capacity (the fields of the table's billing mode), class, TTL, stream, protection, replicas."""
    table = model.tables[t]
    key = f"{W}table.{table.name}"
    b = table.billing
    with st.form(key=f"form.table.{table.name}", border=True):
        if b.mode == "provisioned":
            scaling = b.auto_scaling
            c1, c2, c3 = st.columns(3)
            c1.number_input("Read capacity (RCU)", min_value=1.0, step=10.0, format="%g",
                            **seeded(f"{key}.rcu", float(b.read_capacity_units)))
            c2.number_input("Write capacity (WCU)", min_value=1.0, step=10.0, format="%g",
                            **seeded(f"{key}.wcu", float(b.write_capacity_units)))
            c3.checkbox("Auto scaling", **seeded(f"{key}.autoscale", scaling is not None),
                        help="Capacity follows the load at the target utilization, within the bounds below.")
            c3.number_input("Target utilization (0.2-0.9)", min_value=0.21, max_value=0.9, step=0.05, format="%g",
                            **seeded(f"{key}.target", float(scaling.target_utilization) if scaling else 0.7))
            defaults = scaling or _default_scaling()
            c1.number_input("Min RCU (auto scaling)", min_value=1.0, format="%g",
                            **seeded(f"{key}.minr", float(defaults.min_read_capacity_units)))
            c2.number_input("Min WCU (auto scaling)", min_value=1.0, format="%g",
                            **seeded(f"{key}.minw", float(defaults.min_write_capacity_units)))
            c1.number_input("Max RCU (auto scaling)", min_value=1.0, format="%g",
                            **seeded(f"{key}.maxr", float(defaults.max_read_capacity_units)))
            c2.number_input("Max WCU (auto scaling)", min_value=1.0, format="%g",
                            **seeded(f"{key}.maxw", float(defaults.max_write_capacity_units)))
            c1.number_input("Reserved RCU (1-year, blocks of 100)", min_value=0, step=100,
                            **seeded(f"{key}.resr", int(b.reserved_read_capacity_units)))
            c2.number_input("Reserved WCU (1-year, blocks of 100)", min_value=0, step=100,
                            **seeded(f"{key}.resw", int(b.reserved_write_capacity_units)))
        else:
            c1, c2 = st.columns(2)
            c1.number_input("Maximum read request units/s (empty: no maximum)", min_value=1.0, format="%g",
                            value=None, key=mirrored(f"{key}.maxrru", _float(b.max_read_request_units)))
            c2.number_input("Maximum write request units/s (empty: no maximum)", min_value=1.0, format="%g",
                            value=None, key=mirrored(f"{key}.maxwru", _float(b.max_write_request_units)))
            c1.number_input("Warm read throughput (units/s, empty: default)", min_value=1.0, format="%g", value=None,
                            key=mirrored(f"{key}.warmr", _float(b.warm_read_units_per_second)))
            c2.number_input("Warm write throughput (units/s, empty: default)", min_value=1.0, format="%g",
                            value=None, key=mirrored(f"{key}.warmw", _float(b.warm_write_units_per_second)))
            c1.number_input("Previous peak reads (units/s, empty: none)", min_value=0.0, format="%g", value=None,
                            key=mirrored(f"{key}.peakr", _float(b.previous_peak_read_units_per_second)),
                            help="The highest read traffic the table has served: on-demand absorbs up to twice it "
                                 "at once.")
            c2.number_input("Previous peak writes (units/s, empty: none)", min_value=0.0, format="%g", value=None,
                            key=mirrored(f"{key}.peakw", _float(b.previous_peak_write_units_per_second)),
                            help="The highest write traffic the table has served: on-demand absorbs up to twice "
                                 "it at once.")
        c1, c2 = st.columns(2)
        c1.selectbox("Table class", list(CLASS_LABELS), format_func=CLASS_LABELS.get,
                     key=mirrored(f"{key}.class", table.table_class))
        c2.selectbox("Stream", list(STREAM_LABELS), format_func=STREAM_LABELS.get,
                     key=mirrored(f"{key}.stream", table.stream_view_type or NO_STREAM),
                     help="A record of every item change, read by stream consumers (Lambda, EventBridge Pipes, "
                          "Kinesis Data Streams, custom readers): with a stream, they are added below.")
        c1.text_input("TTL attribute (empty for none)", **seeded(f"{key}.ttl", table.ttl_attribute or ""))
        c2.number_input("TTL deletions per second (0: not modelled)", min_value=0.0, format="%g",
                        **seeded(f"{key}.ttlrate", float(table.ttl_deletions_per_second)),
                        help="Items TTL deletes per second on average: free of write capacity, but each one is a "
                             "REMOVE record on the table's stream. Needs the TTL attribute.")
        c1.checkbox("Deletion protection", **seeded(f"{key}.protect", table.deletion_protection))
        c2.checkbox("Point-in-time recovery (continuous backups)", **seeded(f"{key}.pitr", table.point_in_time_recovery),
                    help="Exported to CloudFormation, SAM, serverless, CDK and Terraform. Not priced here: backups are "
                         "in the price catalog's not-modelled list.")
        regions = list(table.global_table.regions) if table.global_table else [model.region]
        c1.multiselect("Replica regions (a global table when more than one)",
                       sorted(set(KNOWN_REGIONS) | set(regions)), key=mirrored(f"{key}.regions", regions))
        gt = table.global_table
        if gt is None:
            c2.caption("A global table: pick a second region and save; then its mode (MREC or MRSC) and witness "
                       "appear here.")
        else:
            c2.selectbox("Global table mode", ["MREC", "MRSC"], key=mirrored(f"{key}.gtmode", gt.mode),
                         help="MREC: last writer wins, asynchronous. MRSC: strong reads in any region (3 regions "
                              "of one set, or 2 and a witness).")
            witness = gt.witness_region or NO_WITNESS
            if gt.mode == "MRSC":
                c2.selectbox("MRSC witness region", [NO_WITNESS, *sorted(set(KNOWN_REGIONS) | {witness} - {NO_WITNESS})],
                             key=mirrored(f"{key}.witness", witness))
        st.form_submit_button("Save table settings", on_click=_settings_submitted, args=(table.name,))
    show_problems(f"table.{table.name}")


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _default_scaling():
    from engine.model import AutoScaling

    return AutoScaling()


def _settings_submitted(name: str) -> None:
    ss = st.session_state
    key = f"{W}table.{name}"

    def mutate(data: dict[str, Any]) -> None:
        table = edits.table_data(data, name)
        billing = dict(table.get("billing") or {"mode": "on_demand"})
        if billing.get("mode") == "provisioned":
            billing.update(read_capacity_units=float(ss[f"{key}.rcu"]), write_capacity_units=float(ss[f"{key}.wcu"]),
                           reserved_read_capacity_units=int(ss[f"{key}.resr"]),
                           reserved_write_capacity_units=int(ss[f"{key}.resw"]))
            if ss[f"{key}.autoscale"]:
                billing["auto_scaling"] = {
                    "target_utilization": float(ss[f"{key}.target"]),
                    "min_read_capacity_units": float(ss[f"{key}.minr"]),
                    "min_write_capacity_units": float(ss[f"{key}.minw"]),
                    "max_read_capacity_units": float(ss[f"{key}.maxr"]),
                    "max_write_capacity_units": float(ss[f"{key}.maxw"])}
            else:
                billing.pop("auto_scaling", None)
        else:
            for field, widget in (("max_read_request_units", "maxrru"), ("max_write_request_units", "maxwru"),
                                  ("warm_read_units_per_second", "warmr"), ("warm_write_units_per_second", "warmw"),
                                  ("previous_peak_read_units_per_second", "peakr"),
                                  ("previous_peak_write_units_per_second", "peakw")):
                value = number_or_none(ss[f"{key}.{widget}"])
                if value is None:
                    billing.pop(field, None)
                else:
                    billing[field] = value
        table["billing"] = billing
        table["table_class"] = ss[f"{key}.class"]
        table["stream_view_type"] = None if ss[f"{key}.stream"] == NO_STREAM else ss[f"{key}.stream"]
        table["ttl_attribute"] = ss[f"{key}.ttl"].strip() or None
        ttl_rate = float(ss[f"{key}.ttlrate"])
        if ttl_rate:
            table["ttl_deletions_per_second"] = ttl_rate
        else:
            table.pop("ttl_deletions_per_second", None)
        table["deletion_protection"] = bool(ss[f"{key}.protect"])
        if ss.get(f"{key}.pitr"):
            table["point_in_time_recovery"] = True
        else:
            table.pop("point_in_time_recovery", None)
        old = table.get("global_table") or {}
        _set_replicas(table, list(ss[f"{key}.regions"]), ss.get(f"{key}.gtmode", old.get("mode", "MREC")),
                      ss.get(f"{key}.witness", old.get("witness_region") or NO_WITNESS))

    apply(f"table.{name}", mutate, f"Saved table {name}.")


def _set_replicas(table: dict[str, Any], regions: list[str], mode: str, witness: str) -> None:
    if len(regions) <= 1:
        table.pop("global_table", None)
        return
    gt: dict[str, Any] = {"regions": regions, "mode": mode}
    if mode == "MRSC" and witness != NO_WITNESS:
        gt["witness_region"] = witness
    table["global_table"] = gt


# ----------------------------------------------------------------------------- delete


def delete_table_button(model: DataModel, t: int) -> None:
    """Delete a table; with entities or patterns on it, a confirmation names them and offers to take them along."""
    table = model.tables[t]
    pending = st.session_state.get("wb_confirm_table") == table.name
    if not pending:
        st.button("Delete this table", key=f"delete.table.{table.name}", icon=":material/delete:",
                  on_click=_delete_table, args=(table.name, False))
    else:
        data = design_data(model)
        entities, patterns = edits.table_dependents(data, table.name)
        writers = _writers(data, table.name)
        also = (f" Stream consumers {fmt.text(', '.join(writers))} write to it: their writes to it go too."
                if writers else "")
        st.warning(f"Table {fmt.text(table.name, code=True)} holds {fmt.count(len(entities), 'entity')} "
                   f"({fmt.text(', '.join(entities)) or '-'}) and {fmt.count(len(patterns), 'access pattern')} use it "
                   f"({fmt.text(', '.join(patterns)) or '-'}).{also} "
                   "Deleting it deletes them too (Undo in the sidebar brings them back).",
                   icon=":material/warning:")
        c1, c2 = st.columns(2)
        c1.button("Delete the table with them", key=f"delete.table.all.{table.name}", type="primary",
                  on_click=_delete_table, args=(table.name, True))
        c2.button("Keep the table", key=f"delete.table.cancel.{table.name}", on_click=_cancel_delete)
    show_problems(f"deletetable.{table.name}")


def _delete_table(name: str, take_along: bool) -> None:
    """Delete at once when nothing depends on the table; otherwise ask first (the warning above)."""
    set_problems(f"deletetable.{name}", [])
    if not take_along and _has_dependents(name):
        st.session_state["wb_confirm_table"] = name
        return
    st.session_state.pop("wb_confirm_table", None)
    apply(f"deletetable.{name}", lambda data: edits.delete_table(data, name, take_along=True),
          f"Deleted table {name}.")


def _has_dependents(name: str) -> bool:
    data = design_data(state.current_model())
    entities, patterns = edits.table_dependents(data, name)
    return bool(entities or patterns or _writers(data, name))


def _writers(data: dict[str, Any], name: str) -> list[str]:
    """Stream consumers of other tables writing to this one (the table's own consumers go with it anyway)."""
    return [w for w in edits.consumer_writes_to(data, name) if not w.startswith(f"{name}.")]


def _cancel_delete() -> None:
    st.session_state.pop("wb_confirm_table", None)
