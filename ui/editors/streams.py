"""Stream consumer editors (issue 16): who reads a table's stream (a Lambda trigger, EventBridge Pipes, Kinesis Data
Streams for DynamoDB or a custom reader) with every field of its kind, and the writes it makes per record; added,
edited (a rename or another kind keeps its writes) and deleted through engine.model.edits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from engine.model import DataModel, Table, edits
from engine.model.stream import KinesisConsumer, LambdaConsumer, OtherConsumer, PipesConsumer
from ui import format as fmt
from ui.editors.base import W, apply, cells, mirrored, number_or_none, seeded, set_problems, show_problems

KIND_LABELS = {"lambda": "Lambda function (trigger)", "pipes": "EventBridge Pipes",
               "kinesis": "Kinesis Data Streams for DynamoDB", "other": "Custom reader (KCL or SDK, GetRecords)"}
KIND_SHORT = {"lambda": "Lambda", "pipes": "EventBridge Pipes", "kinesis": "Kinesis Data Streams", "other": "custom reader"}
KIND_CLASSES = {"lambda": LambdaConsumer, "pipes": PipesConsumer, "kinesis": KinesisConsumer, "other": OtherConsumer}
BATCHING_KINDS = ("lambda", "pipes")
CAPACITY_MODES = {"on_demand": "On-demand (per stream-hour and GB)", "provisioned": "Provisioned (per shard-hour)"}
WRITE_OPERATIONS = ("UpdateItem", "PutItem", "DeleteItem")
NEW = "new"
# Limits the schema checks too (engine/model/stream.py, with their sources); the inputs stop at them.
MAX_BATCH_SIZE, MAX_WINDOW_S, MAX_PARALLELIZATION, MAX_DURATION_MS = 10_000, 300.0, 10, 900_000.0
MIN_MEMORY_MB, MAX_MEMORY_MB, MAX_POLLS, MAX_KINESIS_READERS, MAX_PER_RECORD = 128, 10_240, 20.0, 20, 100.0
MAX_ITEM_BYTES = 400 * 1024
SELECT_WIDTH_PX = 470  # two form cells wide: the longest kind or table · entity label in full


def _default(kind: str, field: str) -> Any:
    return KIND_CLASSES[kind].model_fields[field].default


def _value(consumer: Any | None, kind: str, field: str) -> Any:
    """The consumer's value of a field when it has that field (a kind change keeps shared fields), else the
    schema's default for the kind."""
    return getattr(consumer, field) if consumer is not None and hasattr(consumer, field) else _default(kind, field)


# ----------------------------------------------------------------------------- panels


def consumer_editors(model: DataModel, t: int, panel: Callable[[str, str], tuple[Any, bool]]) -> None:
    """The table's stream consumers, one panel each (`panel(label, key)`: the expander and whether it is open), and
    a panel to add one; nothing for a table without a stream or consumers."""
    table = model.tables[t]
    if table.stream_view_type is None and not table.stream_consumers:
        return
    st.markdown("**Stream consumers**")
    ttl = (f" TTL deletions add {fmt.units(table.ttl_deletions_per_second, 'records/s')} (set with the TTL attribute "
           "in the settings above)." if table.ttl_deletions_per_second else
           " TTL deletions add records too: set their rate with the TTL attribute in the settings above.")
    st.caption("Who reads this table's stream and what each one writes per record (its writes are access patterns "
               "on their target tables; Capacity & cost shows how each consumer keeps up and what it costs)." + ttl)
    for consumer in table.stream_consumers:
        targets = sorted({w.table for w in consumer.writes})
        writes = f"writes {fmt.text(', '.join(targets))}" if targets else "no writes"
        box, is_open = panel(f"Stream consumer {fmt.text(consumer.name, code=True)}: {KIND_SHORT[consumer.kind]} · "
                             f"{fmt.percent(consumer.filter_share, 0)} of the records · {writes}",
                             f"consumer.{table.name}.{consumer.name}")
        if is_open:
            with box:
                consumer_form(model, table, consumer)
                writes_editor(model, table, consumer)
                delete_consumer_button(table, consumer)
    box, is_open = panel("Add a stream consumer (Lambda, Pipes, Kinesis, custom reader)", f"addconsumer.{table.name}")
    if is_open:
        with box:
            consumer_form(model, table, None)


# ----------------------------------------------------------------------------- a consumer


def consumer_form(model: DataModel, table: Table, consumer: Any | None) -> None:
    """A consumer's fields (a new one's when `consumer` is None): the kind is picked above the form, which then
    shows that kind's fields; the change is saved with the form."""
    editor = f"consumer.{table.name}.{consumer.name}" if consumer is not None else f"newconsumer.{table.name}"
    key = f"{W}{editor}"
    kind = st.selectbox("Kind of consumer", list(KIND_LABELS), format_func=KIND_LABELS.get, width=SELECT_WIDTH_PX,
                        key=mirrored(f"{key}.kind", consumer.kind if consumer is not None else "lambda"),
                        help="The form below shows this kind's fields; another kind is saved with the form (the "
                             "consumer's writes stay).")
    with st.form(key=f"form.{editor}", border=consumer is None):
        if consumer is None:
            st.markdown("**Add a stream consumer**")
        _common_fields(table, key, consumer, kind)
        if kind in BATCHING_KINDS:
            _batching_fields(key, consumer, kind)
        elif kind == "kinesis":
            _kinesis_fields(key, consumer)
        else:
            cell = cells()
            cell().number_input("GetRecords calls per second per shard", min_value=0.01, max_value=MAX_POLLS,
                                format="%g", **seeded(f"{key}.polls", float(_value(consumer, kind,
                                                                                   "polls_per_second_per_shard"))),
                                help="Each call returns up to 1,000 records (or 1 MB) and is a billed stream read "
                                     "request unit; the KCL waits 1 s between reads by default.")
        label = "Save consumer" if consumer is not None else "Add consumer"
        st.form_submit_button(label, on_click=_consumer_submitted,
                              args=(table.name, consumer.name if consumer is not None else None))
    show_problems(editor)


def _common_fields(table: Table, key: str, consumer: Any | None, kind: str) -> None:
    cell = cells()
    default_name = f"consumer {len(table.stream_consumers) + 1}"
    cell().text_input("Consumer name", **seeded(f"{key}.name", consumer.name if consumer else default_name))
    cell().number_input("Filter share (0-1)", min_value=0.0, max_value=1.0, step=0.05,
                        format="%g", **seeded(f"{key}.filter", float(_value(consumer, kind, "filter_share"))),
                        help="Share of the stream's records passing its filter criteria (event filtering): only "
                             "these are delivered and lead to its writes (0.4: 40 % of the records, e.g. only INSERT "
                             "events of paid orders); 1 = every record.")
    cell().checkbox("Needs each item's changes in order, once", **seeded(f"{key}.order",
                                                                         bool(_value(consumer, kind, "needs_order"))),
                    help="A DynamoDB stream keeps each item's changes in order, each once; Kinesis Data Streams "
                         "for DynamoDB does not (finding DDB-R105).")
    st.text_input("Description (what it does)", **seeded(f"{key}.desc", _value(consumer, kind, "description")))


def _batching_fields(key: str, consumer: Any | None, kind: str) -> None:
    cell = cells()
    cell().number_input("Batch size (records, 1-10,000)", min_value=1, max_value=MAX_BATCH_SIZE, step=1,
                        **seeded(f"{key}.batch", int(_value(consumer, kind, "batch_size"))),
                        help="Records per batch at most (default 100).")
    cell().number_input("Batching window (s, 0-300)", min_value=0.0, max_value=MAX_WINDOW_S, format="%g",
                        **seeded(f"{key}.window", float(_value(consumer, kind, "batching_window_seconds"))),
                        help="Longest wait to fill a batch; 0 invokes as soon as records are read.")
    cell().number_input("Parallelization factor (1-10)", min_value=1, max_value=MAX_PARALLELIZATION, step=1,
                        **seeded(f"{key}.parallel", int(_value(consumer, kind, "parallelization_factor"))),
                        help="Batches processed at once per shard; the records of one item stay in order.")
    cell().number_input("Average duration per batch (ms)", min_value=0.1, max_value=MAX_DURATION_MS, format="%g",
                        **seeded(f"{key}.duration", float(_value(consumer, kind, "avg_duration_ms"))),
                        help="How long one batch (one invocation) takes on average.")
    if kind == "lambda":
        cell().number_input("Memory (MB, 128-10,240)", min_value=MIN_MEMORY_MB, max_value=MAX_MEMORY_MB, step=64,
                            **seeded(f"{key}.memory", int(_value(consumer, kind, "memory_mb"))),
                            help="Lambda bills GB-seconds: duration x memory.")


def _kinesis_fields(key: str, consumer: Any | None) -> None:
    cell = cells()
    cell().selectbox("Kinesis capacity mode", list(CAPACITY_MODES), format_func=CAPACITY_MODES.get,
                     key=mirrored(f"{key}.mode", _value(consumer, "kinesis", "capacity_mode")))
    cell().number_input("Kinesis shards (provisioned only; empty for on-demand)", min_value=1, step=1, value=None,
                        key=mirrored(f"{key}.shards", _value(consumer, "kinesis", "shards")))
    cell().number_input("Applications reading the Kinesis stream", min_value=1, max_value=MAX_KINESIS_READERS, step=1,
                        **seeded(f"{key}.readers", int(_value(consumer, "kinesis", "readers"))),
                        help="Each one reads every record (on-demand bills the data each one reads).")


def _consumer_data(key: str) -> dict[str, Any]:
    """The consumer the form describes (plain data; the schema validates it)."""
    ss = st.session_state
    kind = ss[f"{key}.kind"]
    data: dict[str, Any] = {"kind": kind, "name": str(ss[f"{key}.name"]).strip(),
                            "filter_share": float(ss[f"{key}.filter"]), "needs_order": bool(ss[f"{key}.order"])}
    if str(ss[f"{key}.desc"]).strip():
        data["description"] = str(ss[f"{key}.desc"]).strip()
    if kind in BATCHING_KINDS:
        data.update(batch_size=int(ss[f"{key}.batch"]), batching_window_seconds=float(ss[f"{key}.window"]),
                    parallelization_factor=int(ss[f"{key}.parallel"]), avg_duration_ms=float(ss[f"{key}.duration"]))
        if kind == "lambda":
            data["memory_mb"] = int(ss[f"{key}.memory"])
    elif kind == "kinesis":
        data.update(capacity_mode=ss[f"{key}.mode"], readers=int(ss[f"{key}.readers"]))
        if ss[f"{key}.shards"] is not None:
            data["shards"] = int(ss[f"{key}.shards"])
    else:
        data["polls_per_second_per_shard"] = float(ss[f"{key}.polls"])
    return data


def _consumer_submitted(table_name: str, replaces: str | None) -> None:
    editor = f"consumer.{table_name}.{replaces}" if replaces is not None else f"newconsumer.{table_name}"
    consumer = _consumer_data(f"{W}{editor}")
    name = consumer["name"]

    def mutate(data: dict[str, Any]) -> None:
        edits.put_consumer(data, table_name, consumer, replaces=replaces)

    note = f"Saved stream consumer {name} of {table_name}." if replaces else f"Added stream consumer {name} to {table_name}."
    if apply(editor, mutate, note):
        st.session_state[f"panel.consumer.{table_name}.{name}"] = True  # open under its (new) name


def delete_consumer_button(table: Table, consumer: Any) -> None:
    st.button("Delete this consumer", key=f"delete.consumer.{table.name}.{consumer.name}", icon=":material/delete:",
              on_click=_consumer_deleted, args=(table.name, consumer.name),
              help="Its writes go with it; Undo in the sidebar brings it back.")
    show_problems(f"deleteconsumer.{table.name}.{consumer.name}")


def _consumer_deleted(table_name: str, name: str) -> None:
    editor = f"deleteconsumer.{table_name}.{name}"
    set_problems(editor, [])
    apply(editor, lambda data: edits.delete_consumer(data, table_name, name),
          f"Deleted stream consumer {name} of {table_name}.")


# ----------------------------------------------------------------------------- its writes


def writes_editor(model: DataModel, table: Table, consumer: Any) -> None:
    """Each write the consumer makes per record (writes have no name: they are known by position), and a new one."""
    st.markdown("**Writes per record passing the filter**")
    st.caption("Each write is an access pattern on its target table at the stream's records/s x the filter share x "
               "writes per record; Capacity & cost lists it as "
               f"{fmt.text(f'{table.name}.{consumer.name}: <operation> <table>', code=True)}.")
    for k, write in enumerate(consumer.writes):
        with st.container(border=True):
            write_form(model, table, consumer, k, write)
    with st.container(border=True):
        st.markdown("**Add a write**")
        write_form(model, table, consumer, None, None)


def _targets(model: DataModel) -> list[tuple[str, str | None]]:
    """(table, entity) a write can touch: each entity of each table, then an item of a given size in it."""
    out: list[tuple[str, str | None]] = []
    for t in model.tables:
        out += [(t.name, e.name) for e in model.entities_of(t.name)]
        out.append((t.name, None))
    return out


def _target_label(target: tuple[str, str | None]) -> str:
    table, entity = target
    return f"{table} · {entity}" if entity is not None else f"{table} · an item of a given size (no entity)"


def write_form(model: DataModel, table: Table, consumer: Any, k: int | None, write: Any | None) -> None:
    """One write's fields. The target (table and entity) is picked above the form, which then lists that entity's
    attributes; everything is saved with the form."""
    editor = f"cwrite.{table.name}.{consumer.name}.{NEW if k is None else k}"
    key = f"{W}{editor}"
    targets = _targets(model)
    current = (write.table, write.entity) if write is not None else next(
        (x for x in targets if x[0] != table.name and x[1] is not None), targets[0])
    target = st.selectbox("Writes to (table · entity)", targets, format_func=_target_label, width=SELECT_WIDTH_PX,
                          key=mirrored(f"{key}.target", current),
                          help="The entity's item size and indexes price the write; without an entity give the "
                               "written item's size (one table write, no index writes).")
    target_table, entity_name = target
    with st.form(key=f"form.{editor}", border=False):
        cell = cells()
        cell().selectbox("Operation", WRITE_OPERATIONS,
                         key=mirrored(f"{key}.op", write.operation if write is not None else "UpdateItem"))
        cell().number_input("Writes per record (0-100)", min_value=0.01, max_value=MAX_PER_RECORD, format="%g",
                            **seeded(f"{key}.per", float(write.per_record) if write is not None else 1.0),
                            help="Writes of this kind per record passing the filter (e.g. 2 for two counters).")
        cell().number_input("Share finding an existing item (empty: default)", min_value=0.0, max_value=1.0,
                            format="%g", value=None,
                            key=mirrored(f"{key}.existing", write.existing_item_share if write is not None else None),
                            help="Default: 0 for PutItem, 1 for UpdateItem and DeleteItem. A DeleteItem that finds "
                                 "nothing changes nothing and makes no stream record.")
        if entity_name is not None:
            entity = model.entity(entity_name)
            names = [a.name for a in entity.attributes]
            chosen = list(write.changed_attributes) if write is not None and write.entity == entity_name else []
            cell().multiselect("Changed attributes", sorted(set(names) | set(chosen)),
                               key=mirrored(f"{key}.changed.{entity_name}", chosen),
                               help="Attributes an UpdateItem changes: they decide which index entries change.")
        else:
            size = float(write.item_size_bytes) if write is not None and write.item_size_bytes is not None else 100.0
            cell().number_input("Written item size (bytes)", min_value=0.0, max_value=float(MAX_ITEM_BYTES),
                                format="%g", **seeded(f"{key}.size.{target_table}", size))
        cell().checkbox("Idempotent (a retried batch does not count it twice)",
                        **seeded(f"{key}.idempotent", bool(write.idempotent) if write is not None else False),
                        help="Lambda and Pipes deliver records at least once: a retried batch runs every write "
                             "again. Idempotent: a Put of the whole item, or an update conditioned on the record's "
                             "sequence number or guarded by an idempotency marker. An unconditional ADD to a counter "
                             "is not (finding DDB-R104 says what the marker costs).")
        st.form_submit_button("Save write" if write is not None else "Add write", on_click=_write_submitted,
                              args=(table.name, consumer.name, k))
    if k is not None:
        st.button("Delete this write", key=f"delete.{editor}", icon=":material/delete:", on_click=_write_deleted,
                  args=(table.name, consumer.name, k))
    show_problems(editor)


def _write_data(key: str) -> dict[str, Any]:
    ss = st.session_state
    target_table, entity_name = ss[f"{key}.target"]
    data: dict[str, Any] = {"table": target_table, "operation": ss[f"{key}.op"], "per_record": float(ss[f"{key}.per"]),
                            "idempotent": bool(ss[f"{key}.idempotent"])}
    if entity_name is not None:
        data["entity"] = entity_name
        changed = list(ss.get(f"{key}.changed.{entity_name}") or [])
        if changed:
            data["changed_attributes"] = changed
    else:
        data["item_size_bytes"] = float(ss[f"{key}.size.{target_table}"])
    existing = number_or_none(ss[f"{key}.existing"])
    if existing is not None:
        data["existing_item_share"] = existing
    return data


def _write_submitted(table_name: str, consumer_name: str, k: int | None) -> None:
    editor = f"cwrite.{table_name}.{consumer_name}.{NEW if k is None else k}"
    write = _write_data(f"{W}{editor}")

    def mutate(data: dict[str, Any]) -> None:
        edits.put_consumer_write(data, table_name, consumer_name, write, index=k)

    what = f"{write['operation']} {write['table']}"
    apply(editor, mutate, f"Saved the write {what} of {consumer_name}." if k is not None else
          f"Added the write {what} to {consumer_name}.")


def _write_deleted(table_name: str, consumer_name: str, k: int) -> None:
    editor = f"cwrite.{table_name}.{consumer_name}.{k}"
    set_problems(editor, [])
    apply(editor, lambda data: edits.delete_consumer_write(data, table_name, consumer_name, k),
          f"Deleted write #{k + 1} of {consumer_name}.")
