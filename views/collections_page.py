"""Item collections page: the design's sample items by item collection and per facet, and sandbox runs."""

import json

import streamlit as st

from ui import cache, sandbox_runs, state, widgets
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

def _sample_size_text(per_entity: int) -> str:
    if per_entity >= cache.SANDBOX_ITEMS_PER_ENTITY:
        return f"Up to {per_entity} sample items per entity"
    return (f"Up to {per_entity} sample items per entity (fewer than {cache.SANDBOX_ITEMS_PER_ENTITY}: a design with "
            f"this many entities shares a sample of {fmt.count(cache.SAMPLE_ITEMS_PER_DESIGN, 'item')})")


rows = widgets.call_engine("Sample items", lambda: cache.collection_rows(design_json, table_name, index, entity))
if rows is not None:
    pk, sk = facet_keys(model, table_name, index)
    sizes = collection_sizes(rows, pk)
    if not rows:
        st.info("No sample items here. Entities need key templates for this table's keys"
                + (f" and a value for {fmt.text(pk, code=True)} to appear in index {fmt.text(index)} (it is sparse)"
                   if index else "")
                + "; add them on the Design page.")
    else:
        row = st.container(horizontal=True, gap="large")
        row.metric("Sample items shown", fmt.count(len(rows), "item"), width="content")
        row.metric("Item collections", fmt.count(len(sizes), "collection"), width="content")
        largest = sizes[0]
        row.metric("Largest collection", fmt.size(largest.bytes),
                   help=f"{fmt.text(largest.partition_key)}: {largest.items} items",
                   width="content")
        st.caption(f"Sorted by partition key {fmt.text(pk, code=True)}"
                   + (f" then sort key {fmt.text(sk, code=True)}" if sk else "") + ". Items with "
                   "the same partition key form one item collection: one Query reads any slice of it. "
                   + _sample_size_text(cache.sample_items_per_entity(design_json))
                   + "; values are shortened for display, sizes are of the whole item.")
        st.dataframe(rows, hide_index=True, width="stretch", height=420)

st.subheader("Run a request on the sandbox")
st.caption("The sandbox is an in-memory DynamoDB holding the sample items above (private to this browser tab). "
           "Pick an access pattern to see the request it becomes, or type any request as DynamoDB JSON.")

report = widgets.call_engine("Access pattern runs", lambda: cache.pattern_report(design_json))
REQUEST_KEY = f"{state.WIDGET_PREFIX}sandbox.request"
OPERATION_KEY = f"{state.WIDGET_PREFIX}sandbox.operation"


def _load_pattern_request() -> None:
    name = st.session_state["view.sandbox.pattern"]
    if report is None or name not in {p.name for p in report.patterns}:
        return
    runs = report.pattern(name).runs
    if runs:
        st.session_state[REQUEST_KEY] = json.dumps(runs[0].request, indent=2)
        st.session_state[OPERATION_KEY] = runs[0].operation


def _run_request() -> None:
    try:
        request = sandbox_runs.parse_request(st.session_state[REQUEST_KEY])
    except ValueError as exc:
        st.session_state[sandbox_runs.LAST_RUN] = sandbox_runs.RunOutcome(
            st.session_state[OPERATION_KEY], error=f"The request is not valid JSON: {exc}")
        return
    st.session_state[sandbox_runs.LAST_RUN] = sandbox_runs.run(st.session_state[OPERATION_KEY], request)


def _reset_sandbox() -> None:
    sandbox_runs.reset()
    st.session_state.pop(sandbox_runs.LAST_RUN, None)


if report is not None and report.patterns:
    names = [p.name for p in report.patterns]
    chosen = st.selectbox("Access pattern", names, key="view.sandbox.pattern", on_change=_load_pattern_request)
    pv = report.pattern(chosen)
    if REQUEST_KEY not in st.session_state:
        _load_pattern_request()
    row = st.container(horizontal=True, gap="large")
    row.metric("Consumed per request (sandbox)", fmt.units(sum(pv.measured.values()), "units"),
                help=", ".join(f"{fmt.text(t)}: {u:g}" for t, u in pv.measured.items()), width="content")
    if pv.estimate is not None:
        row.metric("Capacity engine's estimate", fmt.units(sum(pv.estimate.values()), "units"), width="content")
    if pv.items_returned is not None:
        row.metric("Items returned per request", fmt.units(pv.items_returned, "items"), width="content")
    kinds = fmt.text(", ".join(pv.entities_returned)) or "none"
    st.markdown(f"**How it is served:** {fmt.text(pv.summary)}. Returns: {kinds}"
                + (" (a heterogeneous item collection: several entity types in one request)." if pv.heterogeneous
                   else "."))
    st.caption(f"Sandbox vs estimate: {fmt.text(sandbox_runs.agreement_text(pv.agreement))}.")
    if pv.error:
        st.error(f"This pattern could not be run: {fmt.text(pv.error)}")
    for note in pv.notes:
        st.caption(fmt.text(note[:1].upper() + note[1:]))  # engine notes are clauses; shown alone they start a sentence
elif report is not None:
    st.info("This design has no access patterns yet; type a request below, or add patterns on the Design page.")

with st.form("form.sandbox"):
    st.selectbox("Operation", sandbox_runs.operations(), key=OPERATION_KEY)
    st.text_area("Request (DynamoDB JSON)", key=REQUEST_KEY, height=220,
                 placeholder='{"TableName": "app", "Key": {"PK": {"S": "USER#1"}, "SK": {"S": "PROFILE"}}}')
    st.form_submit_button("Run on the sandbox", on_click=_run_request, type="primary")
st.button("Reset the sandbox's data", key="sandbox.reset", on_click=_reset_sandbox,
          help="Writes you ran change the sandbox; this reloads the sample items.")

outcome = st.session_state.get(sandbox_runs.LAST_RUN)
if outcome is not None:
    if outcome.error:
        st.error(fmt.text(outcome.error), icon=":material/error:")
    else:
        got = fmt.count(len(outcome.rows), "item")
        scanned = f", {fmt.count(outcome.scanned_count, 'item')} evaluated" if outcome.scanned_count is not None else ""
        st.success(f"{fmt.text(outcome.operation)} returned {got}{scanned}.")
    if outcome.arms:
        st.dataframe([{"table or index": t, "consumed capacity units": u} for t, u in outcome.arms.items()],
                     hide_index=True, key="table.sandbox.arms")
        st.caption("As DynamoDB reports it with ReturnConsumedCapacity=INDEXES: `table` for the table, "
                   "`table#index` for each index" + (" (a failed request still consumes)." if outcome.error else "."))
    if outcome.rows:
        st.dataframe(outcome.rows, hide_index=True,
                     width="stretch", key="table.sandbox.items")

if report is not None and report.screens:
    st.subheader("Requests per screen")
    st.caption("Each screen of the application and the requests one view of it makes, run on the sandbox. "
               "Fewer requests and round trips per view is the point of fetching an item collection in one Query.")
    st.dataframe([{
        "screen": s.name, "requests per view": s.requests_per_view, "round trips": s.round_trips,
        "N+1 (a request per listed item)": "yes" if s.n_plus_one else "no",
        "read units per view": round(s.read_units_per_view_measured, 2),
        "what it does": s.summary,
    } for s in report.screens], hide_index=True, width="stretch")
    heavy = max(report.screens, key=lambda s: s.requests_per_view)
    light = min(report.screens, key=lambda s: s.requests_per_view)
    if heavy.requests_per_view > light.requests_per_view:
        st.markdown(f"**Verdict:** *{fmt.text(heavy.name)}* needs {fmt.count(heavy.requests_per_view, 'request')} "
                    f"per view where *{fmt.text(light.name)}* needs {fmt.count(light.requests_per_view, 'request')}: every extra "
                    "request adds latency and a minimum read charge.")
