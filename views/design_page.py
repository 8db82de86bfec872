"""Design page: the whole design as forms (tables, keys, indexes, entities, key templates, access patterns,
screens), as the entity and access-pattern charts with a picture, and as YAML. Every field of the schema
has a form; nothing needs YAML."""

import streamlit as st

from ui import cache, state, widgets
from ui import format as fmt
from ui.editors import charts, design, entities, indexes, patterns, tables
from ui.editors.yaml_text import yaml_editor

state.ensure_session()
widgets.page_header("Design", "Tables, keys and indexes; entities and their key templates; access patterns and "
                    "their rates. Each form saves on its button and shows problems right under it; Undo in the "
                    "sidebar goes back.")
model = state.current_model()


def panel(label: str, key: str, expanded: bool = False):
    """An expander that keeps its open/closed state across saves (keyed by a stable name, not by its label)."""
    return st.expander(label, expanded=expanded, key=f"panel.{key}", on_change="rerun")


tab_overview, tab_tables, tab_entities, tab_patterns, tab_yaml = st.tabs(
    ["Overview", "Tables & indexes", "Entities", "Access patterns", "YAML"], key="design.tab",
    default="Tables & indexes")

with tab_overview:
    st.caption(f"{fmt.count(len(model.tables), 'table')} · {fmt.count(len(model.entities), 'entity')} · "
               f"{fmt.count(len(model.access_patterns), 'access pattern')}. Edit the charts in place and save.")
    with panel(f"Design settings: {model.name} · {model.region} · {model.price_catalog}", "design"):
        design.design_form(model)
    charts.design_picture(model)
    charts.entity_chart(model)
    charts.pattern_chart(model)

with tab_tables:
    for t, table in enumerate(model.tables):
        items = sum(e.item_count for e in model.entities_of(table.name))
        sk = f", sort key `{table.sort_key.name}` ({table.sort_key.type})" if table.sort_key else ", no sort key"
        st.subheader(f"Table `{table.name}`")
        st.markdown(f"Partition key `{table.partition_key.name}` ({table.partition_key.type}){sk} · "
                    f"{fmt.count(items, 'item')} · {fmt.count(len(table.gsis), 'GSI')}, "
                    f"{fmt.count(len(table.lsis), 'LSI')}")
        with panel("Name and primary key", f"tablekeys.{table.name}"):
            tables.keys_form(model, t)
        tables.billing_mode_choice(model, t)
        tables.settings_form(model, t)
        indexes.index_editors(model, t)
        with panel("Add a secondary index (GSI or LSI)", f"addindex.{table.name}"):
            indexes.add_index_form(model, t)
        tables.delete_table_button(model, t)
        st.divider()
    tables.add_table_form(model)

with tab_entities:
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
        with panel(f"{entity.name} in `{entity.table}` · {fmt.count(entity.item_count, 'item')}{size_text}",
                   f"entity.{entity.name}", expanded=e == 0):
            entities.name_form(model, e)
            st.markdown("**Key templates**")
            entities.key_template_editor(model, e)
            entities.entity_editor(model, e)
            entities.attribute_form(model, e)
            entities.variable_form(model, e)
            entities.delete_entity_button(model, e)
    entities.add_entity_form(model)

with tab_patterns:
    if not model.access_patterns:
        st.info("No access patterns yet. List every request your application makes, with its rate: the cost, "
                "partition and consistency pages are computed from them.")
    for i, p in enumerate(model.access_patterns):
        target = p.table + (f" · index {p.index}" if p.index else "")
        with panel(f"{p.name} · {p.operation} on {target} · {fmt.rate(p.requests_per_second)}", f"pattern.{p.name}"):
            if p.description:
                st.caption(p.description)
            patterns.pattern_editor(model, i)
            patterns.remove_pattern_button(model, i)
    widgets.show_problems("patterns")
    with st.container(border=True):
        patterns.add_pattern_form(model)
    patterns.screens_editor(model)

with tab_yaml:
    st.caption(f"The whole design as YAML ({fmt.size(len(state.design_json().encode()))} as JSON), always as it "
               "is now. Everything here can also be edited with the forms.")
    yaml_editor()
