"""Design page: tables, indexes, entities and access patterns as forms, and the same design as YAML."""

import streamlit as st

from ui import cache, state, widgets
from ui import format as fmt

state.ensure_session()
widgets.page_header("Design", "Tables, keys and indexes; entities and their key templates; access patterns and "
                    "their rates. Each form saves on its button and shows problems right under it.")
model = state.current_model()

tab_tables, tab_entities, tab_patterns, tab_yaml = st.tabs(["Tables & indexes", "Entities", "Access patterns",
                                                            "YAML"])

with tab_tables:
    for t, table in enumerate(model.tables):
        items = sum(e.item_count for e in model.entities_of(table.name))
        sk = f", sort key `{table.sort_key.name}` ({table.sort_key.type})" if table.sort_key else ", no sort key"
        st.subheader(f"Table `{table.name}`")
        st.markdown(f"Partition key `{table.partition_key.name}` ({table.partition_key.type}){sk} · "
                    f"{fmt.count(items, 'item')} · {fmt.count(len(table.gsis), 'GSI')}, "
                    f"{fmt.count(len(table.lsis), 'LSI')}")
        widgets.table_editor(model, t)
        widgets.index_list(model, t)
        widgets.add_gsi_form(model, t)
    st.caption("Table and key names are edited in the YAML tab (renaming a key touches every entity).")

with tab_entities:
    if not model.entities:
        st.info("No entities yet. An entity is an item type (User, Order...) with its attributes and key "
                "templates; add one in the YAML tab, for example:\n\n"
                "```yaml\nentities:\n- name: User\n  table: app\n  item_count: 100000\n  keys:\n"
                "  - {attribute: PK, template: 'USER#{user_id}'}\n  - {attribute: SK, template: PROFILE}\n"
                "  variables:\n  - {name: user_id, cardinality: 100000}\n  attributes:\n"
                "  - {name: email, size_bytes: 30}\n```")
    sizes = {}
    if cache.engine_available("evaluate"):
        ev = widgets.call_engine("Item sizes", lambda: cache.evaluation(state.design_json()))
        sizes = {s.entity: s for s in ev.entity_sizes} if ev is not None else {}
    for e, entity in enumerate(model.entities):
        size = sizes.get(entity.name)
        size_text = f" · average item {fmt.size(size.mean_size_bytes)}" if size else ""
        with st.expander(f"{entity.name} in `{entity.table}` · {fmt.count(entity.item_count, 'item')}{size_text}",
                         expanded=e == 0):
            widgets.key_template_editor(model, e)
            widgets.entity_editor(model, e)

with tab_patterns:
    if not model.access_patterns:
        st.info("No access patterns yet. List every request your application makes, with its rate: the cost, "
                "partition and consistency pages are computed from them.")
    for i, p in enumerate(model.access_patterns):
        target = p.table + (f" · index {p.index}" if p.index else "")
        with st.expander(f"{p.name} · {p.operation} on {target} · {fmt.rate(p.requests_per_second)}"):
            if p.description:
                st.caption(p.description)
            widgets.pattern_editor(model, i)
            widgets.remove_pattern_button(model, i)
    widgets.show_problems("patterns")
    widgets.add_pattern_form(model)

with tab_yaml:
    st.caption(f"The whole design as YAML ({fmt.size(len(state.design_json().encode()))} as JSON). Anything the "
               "forms do not cover (renames, new entities, screens, lessons) is edited here.")
    widgets.yaml_editor(model)
