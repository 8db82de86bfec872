"""Start page: the current design at a glance, the sample gallery with workshop lessons, new and upload."""

import streamlit as st

from engine.errors import WorkbenchError
from ui import cache, evidence, interop, state, widgets
from ui import findings as findings_ui
from ui import format as fmt

MAX_ATTENTION = 4  # the first few findings; each page lists all of its own
# A lesson's "look at" starts with the page it is about: link straight to it.
LESSON_PAGES = {"Capacity & cost": ("views/capacity_page.py", "Capacity & cost"),
                "Partitions & hot keys": ("views/partitions_page.py", "Partitions & hot keys"),
                "Consistency": ("views/consistency_page.py", "Consistency"),
                "Requests per screen": ("views/capacity_page.py", "Capacity & cost (requests per screen)"),
                "Item collections": ("views/collections_page.py", "Item collections"),
                "Compare": ("views/compare_page.py", "Compare")}

state.ensure_session()
widgets.page_header("Start", "Pick a sample design to learn from, start an empty one or open your own file. "
                    "Every change is saved on the server at once, under the link in the address bar.")

model = state.current_model()
items = sum(e.item_count for e in model.entities)
rps = sum(p.requests_per_second for p in model.access_patterns)
with st.container(border=True):
    st.subheader(f"Open now: {fmt.text(model.name)}")
    if model.description:
        st.markdown(fmt.text(model.description, lines=True))
    row = st.container(horizontal=True, gap="large")  # wraps in a narrow window
    row.metric("Tables", fmt.count(len(model.tables), "table"), width="content")
    row.metric("Items stored", fmt.compact_count(items, "item"), help=fmt.count(items, "item"), width="content")
    row.metric("Access patterns", fmt.count(len(model.access_patterns), "pattern"), width="content")
    row.metric("Traffic (average)", fmt.rate(rps), width="content")
    if cache.engine_available("evaluate"):
        ev = widgets.call_engine("Cost", lambda: cache.evaluation(state.design_json()))
        if ev is not None:
            st.markdown(f"Estimated cost: **{fmt.usd(ev.total_monthly_usd)}** ({ev.catalog.name}). See "
                        "*Capacity & cost* for where it goes.")
    found = ()
    if cache.engine_available("evaluate") and cache.engine_available("findings"):
        found = widgets.call_engine("Findings", lambda: cache.findings(state.design_json())) or ()
    open_findings, _ = findings_ui.split_accepted(model, found)
    serious = findings_ui.spread_over_pages(f for f in open_findings if f.severity in ("error", "warning"))
    if serious:
        st.markdown(f"**Needs attention ({fmt.count(len(serious), 'finding')}):**")
        for finding in serious[:MAX_ATTENTION]:
            icon = ":material/error:" if finding.severity == "error" else ":material/warning:"
            st.markdown(f"{icon} **{findings_ui.heading(finding)}**: {fmt.text(finding.message.rstrip('.'))}.")
            page, label = findings_ui.page_of(finding)
            st.page_link(page, label=f"See {label}", icon=":material/arrow_forward:")
        more = len(serious) - MAX_ATTENTION
        st.caption((f"{fmt.count(more, 'more finding')} on their pages. " if more > 0 else "")
                   + findings_ui.RULES_CAPTION)
    if model.lesson:
        lesson = model.lesson  # a shared design's lesson is its author's text: shown as typed, never as markdown
        st.info(f"**Look at:** {fmt.text(lesson.look_at, lines=True)}\n\n"
                f"**Teaches:** {fmt.text(lesson.teaches, lines=True)}"
                + (f"\n\n**Try this:** {fmt.text(lesson.try_this, lines=True)}" if lesson.try_this else ""),
                icon=":material/school:")
        target = next((t for prefix, t in LESSON_PAGES.items() if model.lesson.look_at.startswith(prefix)), None)
        if target is not None:
            st.page_link(target[0], label=f"Open {target[1]}", icon=":material/arrow_forward:")
    if cache.engine_available("evaluate"):
        with st.expander("Report for a design review", icon=":material/description:", key="view.start.report",
                         on_change="rerun"):
            widgets.report_download(state.design_json(), model.name, key="report.start")


def _open_sample(name: str) -> None:
    try:
        text = cache.sample_json(name)
    except WorkbenchError as exc:
        state.flash(f"Sample {name} could not be opened: {exc}")
        return
    state.open_view("sample", name, text, f"Opened the sample {name}. Your first edit makes it a design of your "
                    "own; the design you had is unchanged (sidebar: Designs opened in this tab).")


def _new_design() -> None:
    state.start_new(state.blank_model(), "Started an empty design at a new address; the design you had is "
                    "unchanged (sidebar: Designs opened in this tab).")


st.subheader("Your own design")
c1, c2 = st.columns([1, 2])
c1.button("New empty design", key="new.design", on_click=_new_design,
          help="One table with PK and SK; add entities and access patterns on the Design page.")
c1.page_link("views/design_page.py", label="Build it on the Design page", icon=":material/arrow_forward:")
with c2:
    widgets.upload_design()
with st.expander("Import from NoSQL Workbench, describe-table or CloudFormation / SAM / serverless",
                 icon=":material/input:", key="view.start.import", on_change="rerun"):
    if st.session_state.get("view.start.import"):
        interop.import_panel()
with st.expander("Evidence: a design from captured traffic, or its figures applied to this one",
                 icon=":material/query_stats:", key="view.start.evidence", on_change="rerun"):
    if st.session_state.get("view.start.evidence"):
        traffic_tab, export_tab = st.tabs(["Captured traffic", "A table export"])
        with traffic_tab:
            evidence.capture_panel()
        with export_tab:
            evidence.export_panel()

st.subheader("Sample designs")
st.caption("Each sample is a real design scenario with a lesson: what to look at, and in workshop mode what to "
           "change and what to watch. Opening one starts a copy of your own on your first edit; the design you "
           "had stays at its own address.")
names = cache.sample_names_now()
if not names:
    st.info("No sample designs are installed. Start an empty design or upload one below.")
cols = st.columns(2)
for i, name in enumerate(names):
    with cols[i % 2].container(border=True):
        try:
            sample = cache.sample_model(name)
        except WorkbenchError as exc:
            st.markdown(f"**{fmt.text(name)}**")
            st.error(f"This sample does not load: {fmt.text(exc)}")
            continue
        st.markdown(f"**{fmt.text(sample.name)}** · {fmt.text(name, code=True)}")
        st.caption(f"{fmt.count(len(sample.tables), 'table')} · {fmt.count(len(sample.entities), 'entity')} · "
                   f"{fmt.count(len(sample.access_patterns), 'access pattern')}")
        if sample.lesson:
            st.markdown(f"*Teaches:* {fmt.text(sample.lesson.teaches, lines=True)}")
            if sample.lesson.try_this:
                st.markdown(f"*Workshop:* {fmt.text(sample.lesson.try_this, lines=True)}")
        elif sample.description:
            st.markdown(fmt.text(sample.description, lines=True))
        st.button("Open this sample", key=f"open-sample-{name}", on_click=_open_sample, args=(name,))

