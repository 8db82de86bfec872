"""Item collections page: the design's sample items by item collection and per facet, and sandbox runs."""

import streamlit as st

from ui import cache, state, widgets
from ui import format as fmt
from ui.collections import collection_sizes, facet_keys

state.ensure_session()
widgets.page_header("Item collections", "What the data looks like: deterministic sample items grouped by partition "
                    "key (one item collection per key), per table, entity or index, and what a request on them "
                    "returns and costs.")
model = state.current_model()
design_json = state.design_json()

tables = [t.name for t in model.tables]
c1, c2, c3 = st.columns(3)
table_name = c1.selectbox("Table", tables, key="view.collections.table")
table = model.table(table_name)
indexes = ["(table)"] + [i.name for i in (*table.gsis, *table.lsis)]
index_choice = c2.selectbox("View", indexes, key=f"view.collections.index.{table_name}",
                            help="The table itself, or the entries one of its indexes holds (a facet).")
entities = ["(all entities)"] + [e.name for e in model.entities_of(table_name)]
entity_choice = c3.selectbox("Entity", entities, key=f"view.collections.entity.{table_name}")
index = None if index_choice == "(table)" else index_choice
entity = None if entity_choice == "(all entities)" else entity_choice

rows = widgets.call_engine("Sample items", lambda: cache.collection_rows(design_json, table_name, index, entity))
if rows is not None:
    pk, sk = facet_keys(model, table_name, index)
    sizes = collection_sizes(rows, pk)
    if not rows:
        st.info("No sample items here. Entities need key templates for this table's keys"
                + (f" and a value for `{pk}` to appear in index {index} (it is sparse)" if index else "")
                + "; add them on the Design page.")
    else:
        m = st.columns(3)
        m[0].metric("Sample items shown", fmt.count(len(rows), "item"))
        m[1].metric("Item collections", fmt.count(len(sizes), "collection"))
        m[2].metric("Largest collection", fmt.size(sizes[0][2]), help=f"{sizes[0][0]}: {sizes[0][1]} items")
        st.caption(f"Sorted by partition key `{pk}`" + (f" then sort key `{sk}`" if sk else "") + ". Items with "
                   "the same partition key form one item collection: one Query reads any slice of it. Up to 200 "
                   "sample items per entity; values are shortened for display, sizes are of the whole item.")
        st.dataframe(rows, hide_index=True, width="stretch", height=420)

st.subheader("Run a request on the sandbox")
if not cache.engine_available("sandbox.executor") and not hasattr(__import__("engine.sandbox").sandbox, "Sandbox"):
    widgets.engine_pending("The sandbox", "sandbox")
