"""Design page: the whole design as forms (tables, keys, indexes, entities, key templates, access patterns,
screens), as the entity and access-pattern charts with a picture, and as YAML. Every field of the schema
has a form; nothing needs YAML."""

import streamlit as st

from ui import cache, interop, state, widgets
from ui import format as fmt
from ui.editors import charts, design, entities, indexes, patterns, streams, tables
from ui.editors.yaml_text import yaml_editor

state.ensure_session()
widgets.page_header("Design", "Tables, keys and indexes; entities and their key templates; access patterns and "
                    "their rates. Each form saves on its button and shows problems right under it; Undo in the "
                    "sidebar goes back.")
model = state.current_model()


TABS = ["Overview", "Tables & indexes", "Entities", "Access patterns", "YAML", "Export"]
DEFAULT_TAB = "Tables & indexes"


def panel(label: str, key: str, expanded: bool = False) -> tuple[object, bool]:
    """An expander that keeps its open/closed state across saves (keyed by a stable name, not by its label), and
    whether it is open: a closed panel's editors are not built at all, which keeps a rerun of a large design fast
    (every widget costs server time); opening it reruns the page with them."""
    key = f"panel.{key}"
    return st.expander(label, expanded=expanded, key=key, on_change="rerun"), bool(st.session_state.get(key, expanded))


def overview_tab() -> None:
    st.caption(f"{fmt.count(len(model.tables), 'table')} · {fmt.count(len(model.entities), 'entity')} · "
               f"{fmt.count(len(model.access_patterns), 'access pattern')}. Edit the charts in place and save.")
    box, is_open = panel(f"Design settings: {fmt.text(model.name)} · {fmt.text(model.region)} · "
                         f"{fmt.text(model.price_catalog)}", "design")
    if is_open:
        with box:
            design.design_form(model)
    charts.design_picture(model)
    charts.entity_chart(model)
    charts.pattern_chart(model)


def tables_tab() -> None:
    for t, table in enumerate(model.tables):
        items = sum(e.item_count for e in model.entities_of(table.name))
        sk = (f", sort key {fmt.text(table.sort_key.name, code=True)} ({table.sort_key.type})" if table.sort_key
              else ", no sort key")
        st.subheader(f"Table {fmt.text(table.name, code=True)}")
        st.markdown(f"Partition key {fmt.text(table.partition_key.name, code=True)} ({table.partition_key.type}){sk} · "
                    f"{fmt.count(items, 'item')} · {fmt.count(len(table.gsis), 'GSI')}, "
                    f"{fmt.count(len(table.lsis), 'LSI')}")
        box, is_open = panel("Name and primary key", f"tablekeys.{table.name}")
        if is_open:
            with box:
                tables.keys_form(model, t)
        tables.billing_mode_choice(model, t)
        tables.settings_form(model, t)
        indexes.index_editors(model, t, panel)
        box, is_open = panel("Add a secondary index (GSI or LSI)", f"addindex.{table.name}")
        if is_open:
            with box:
                indexes.add_index_form(model, t)
        streams.consumer_editors(model, t, panel)
        tables.delete_table_button(model, t)
        st.divider()
    tables.add_table_form(model)


def entities_tab() -> None:
    if not model.entities:
        st.info("No entities yet. An entity is an item type (User, Order...) stored in a table, with key "
                "templates such as `USER#{user_id}` and its attributes. Add one below.")
    sizes = {}
    if model.entities and cache.engine_available("evaluate"):
        ev = widgets.call_engine("Item sizes", lambda: cache.evaluation(state.design_json()))
        sizes = {s.entity: s for s in ev.entity_sizes} if ev is not None else {}
    for e, entity in enumerate(model.entities):
        size = sizes.get(entity.name)
        size_text = f" · average item {fmt.size(size.mean_size_bytes)}" if size else ""
        box, is_open = panel(f"{fmt.text(entity.name)} in {fmt.text(entity.table, code=True)} · "
                             f"{fmt.count(entity.item_count, 'item')}{size_text}",
                             f"entity.{entity.name}", expanded=e == 0)
        if not is_open:
            continue
        with box:
            entities.name_form(model, e)
            st.markdown("**Key templates**")
            entities.key_template_editor(model, e)
            entities.entity_editor(model, e)
            entities.attribute_form(model, e)
            entities.variable_form(model, e)
            entities.delete_entity_button(model, e)
    entities.add_entity_form(model)


def patterns_tab() -> None:
    if not model.access_patterns:
        st.info("No access patterns yet. List every request your application makes, with its rate: the cost, "
                "partition and consistency pages are computed from them.")
    for i, p in enumerate(model.access_patterns):
        target = p.table + (f" · index {p.index}" if p.index else "")
        box, is_open = panel(f"{fmt.text(p.name)} · {p.operation} on {fmt.text(target)} · {fmt.rate(p.requests_per_second)}",
                             f"pattern.{p.name}")
        if not is_open:
            continue
        with box:
            if p.description:
                st.caption(fmt.text(p.description, lines=True))
            patterns.pattern_editor(model, i)
            patterns.remove_pattern_button(model, i)
    widgets.show_problems("patterns")
    with st.container(border=True):
        patterns.add_pattern_form(model)
    patterns.screens_editor(model)


def yaml_tab() -> None:
    st.caption(f"The whole design as YAML ({fmt.size(len(state.design_json().encode()))} as JSON), always as it "
               "is now. Everything here can also be edited with the forms.")
    yaml_editor()


def export_tab() -> None:
    st.caption("Take the design out as infrastructure (CloudFormation, SAM, serverless, CDK, Terraform), as code "
               "(a boto3 module with one function per access pattern), as sample items, or as a NoSQL Workbench "
               "model. What a format cannot carry is listed above its preview.")
    interop.export_panel(model.name)


# Only the open tab is built (the others are hidden anyway, and every widget costs server time); switching tabs
# reruns the page.
containers = st.tabs(TABS, key="design.tab", default=DEFAULT_TAB, on_change="rerun")
active = st.session_state.get("design.tab") or DEFAULT_TAB
with containers[TABS.index(active)]:
    {"Overview": overview_tab, "Tables & indexes": tables_tab, "Entities": entities_tab,
     "Access patterns": patterns_tab, "YAML": yaml_tab, "Export": export_tab}[active]()
