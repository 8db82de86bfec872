"""The two tables single-table designers draw by hand, now live and editable: the entity chart (one row per
entity, one column per key attribute of the table and its indexes, cells are key templates) and the
access-pattern chart (one row per pattern: target, key condition, rate); and the design picture."""

from __future__ import annotations

from typing import Any

import streamlit as st

from engine.io import to_data
from engine.model import DataModel, edits
from ui import cache, state
from ui import format as fmt
from ui.editors.base import W, apply, show_problems
from ui.editors.patterns import NO_SORT_CONDITION, SORT_OPERATORS, targets


def entity_chart(model: DataModel) -> None:
    """Per table, a grid of its entities' key templates; saving applies the edited cells."""
    for table in model.tables:
        entities = model.entities_of(table.name)
        if not entities:
            continue
        columns = edits.key_attributes(to_data(table))
        rows = [{"entity": e.name, **{c: (e.key_template(c).template if e.key_template(c) else "") for c in columns}}
                for e in entities]
        key = f"{W}entitychart.{table.name}"
        with st.form(key=f"form.entitychart.{table.name}", border=False):
            st.markdown(f"**Entity chart of {fmt.text(table.name, code=True)}**: key templates per entity (empty: the item has no "
                        "such attribute and stays out of that index)")
            st.data_editor(rows, key=key, width="stretch", hide_index=True, num_rows="fixed",
                           column_config={"entity": st.column_config.TextColumn("Entity", disabled=True),
                                          **{c: st.column_config.TextColumn(c) for c in columns}})
            st.form_submit_button("Save entity chart", on_click=_entity_chart_saved,
                                  args=(table.name, [e.name for e in entities], columns))
        show_problems(f"entitychart.{table.name}")


def _entity_chart_saved(table: str, entities: list[str], columns: list[str]) -> None:
    grid = st.session_state.get(f"{W}entitychart.{table}") or {}
    changes = [(entities[int(i)], column, value or "") for i, change in (grid.get("edited_rows") or {}).items()
               for column, value in change.items() if column in columns]

    def mutate(data: dict[str, Any]) -> None:
        for entity, column, template in changes:
            edits.set_key_template(data, entity, column, str(template))

    if changes:
        apply(f"entitychart.{table}", mutate, f"Saved {len(changes)} key template(s) of {table}.")
    else:
        state.flash("Nothing changed in the entity chart.")


PATTERN_CHART_COLUMNS = ("target", "partition key", "sort key condition", "sort key value", "req/s")


def pattern_chart(model: DataModel) -> None:
    """One row per access pattern: target, key condition and rate, editable in place."""
    if not model.access_patterns:
        return
    rows = []
    for p in model.access_patterns:
        kc = p.key_condition
        sk = kc.sort_key if kc else None
        rows.append({"access pattern": p.name, "operation": p.operation,
                     "target": p.table + (f" · {p.index}" if p.index else ""),
                     "partition key": kc.partition_key if kc else "",
                     "sort key condition": sk.operator if sk else NO_SORT_CONDITION,
                     "sort key value": sk.value if sk else "", "req/s": p.requests_per_second})
    with st.form(key="form.patternchart", border=False):
        st.markdown("**Access-pattern chart**: what each request names and how often")
        st.data_editor(rows, key=f"{W}patternchart", width="stretch", hide_index=True, num_rows="fixed",
                       column_config={
                           "access pattern": st.column_config.TextColumn(disabled=True),
                           "operation": st.column_config.TextColumn(disabled=True),
                           "target": st.column_config.SelectboxColumn(options=targets(model), required=True),
                           "partition key": st.column_config.TextColumn(help="Template of the key the request names"),
                           "sort key condition": st.column_config.SelectboxColumn(options=list(SORT_OPERATORS)),
                           "sort key value": st.column_config.TextColumn(),
                           "req/s": st.column_config.NumberColumn(min_value=0.0, format="%g",
                                                                  help="Average requests per second"),
                       })
        st.form_submit_button("Save access-pattern chart", on_click=_pattern_chart_saved,
                              args=([p.name for p in model.access_patterns],))
    show_problems("patternchart")


def _pattern_chart_saved(names: list[str]) -> None:
    grid = st.session_state.get(f"{W}patternchart") or {}
    changes = {names[int(i)]: change for i, change in (grid.get("edited_rows") or {}).items()}
    if not changes:
        state.flash("Nothing changed in the access-pattern chart.")
        return

    def mutate(data: dict[str, Any]) -> None:
        for p in data["access_patterns"]:
            if p["name"] in changes:
                _apply_row(p, changes[p["name"]])

    apply("patternchart", mutate, f"Saved {len(changes)} access pattern(s) from the chart.")


def _apply_row(p: dict[str, Any], change: dict[str, Any]) -> None:
    if "target" in change and change["target"]:
        table, _, index = str(change["target"]).partition(" · ")
        p["table"] = table
        if index:
            p["index"] = index
        else:
            p.pop("index", None)
    if "req/s" in change and change["req/s"] is not None:
        p["requests_per_second"] = float(change["req/s"])
        if p.get("peak_requests_per_second") is not None and p["peak_requests_per_second"] < p["requests_per_second"]:
            p["peak_requests_per_second"] = p["requests_per_second"]
    kc = dict(p.get("key_condition") or {})
    if "partition key" in change:
        kc["partition_key"] = change["partition key"] or ""
    sk = dict(kc.get("sort_key") or {})
    if "sort key condition" in change:
        sk["operator"] = change["sort key condition"] or NO_SORT_CONDITION
    if "sort key value" in change:
        sk["value"] = change["sort key value"] or ""
    if sk.get("operator", NO_SORT_CONDITION) == NO_SORT_CONDITION:
        kc.pop("sort_key", None)
    else:
        sk.setdefault("value", "")
        kc["sort_key"] = sk
    if kc.get("partition_key"):
        p["key_condition"] = kc
    elif "partition key" in change:
        p.pop("key_condition", None)


def design_picture(model: DataModel) -> None:
    """Tables, their indexes and entities, and the access patterns pointing at what they read or write."""
    st.markdown("**The design at a glance**: tables (with their GSIs and LSIs and the entities they hold), and "
                "each access pattern pointing at what it reads (blue) or writes (orange), with its rate.")
    st.graphviz_chart(cache.design_dot(state.design_json()), width="content")


__all__ = ["design_picture", "entity_chart", "pattern_chart"]
