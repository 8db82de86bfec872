"""Capacity & cost page: units per request and monthly cost per access pattern, billing and class choices."""

import streamlit as st

from engine import charts
from ui import cache, state, widgets
from ui import findings as findings_ui
from ui import format as fmt
from ui import streams as streams_ui
from ui.editors.base import mirrored

state.ensure_session()
widgets.page_header("Capacity & cost", "What each request consumes and what the design costs per month; change a "
                    "request rate below and everything updates.")

CATALOGS = {"aws-2024-11": "Current prices (since 2024-11-01)", "aws-2023": "2023 prices (the seed articles)"}
RATE_INPUT_WIDTH_PX = 230  # one what-if box: a pattern name of ~30 characters on two lines
# Short headers so the table fits a laptop window; the tooltip says the rest.
PATTERN_COLUMNS = {
    "read": st.column_config.TextColumn(help="Read consistency: eventual, strong or transactional (— for writes)"),
    "req/s": st.column_config.NumberColumn(help="Average requests per second", format="%g"),
    "RCU/req": st.column_config.NumberColumn(help="Read capacity units per request (4 KB each; eventual = half)"),
    "WCU/req": st.column_config.NumberColumn(help="Write capacity units per request (1 KB each), indexes included"),
    "index WCU": st.column_config.NumberColumn(help="Of the WCU per request, the writes to indexes"),
    "$/month": st.column_config.NumberColumn(
        help="This pattern's share of what its tables bill per month for requests (home region): its request "
             "cost on on-demand tables, its share of the capacity paid on provisioned ones", format="$%.2f"),
    "replication $/month": st.column_config.NumberColumn(
        help="This pattern's share of the replicated writes paid in the other regions of a global table",
        format="$%.2f"),
    "$ per +1 req/s": st.column_config.NumberColumn(help="Monthly cost of one more request per second",
                                                    format="$%.4f"),
}

model = state.current_model()
design_json = state.design_json()


def _catalog_changed() -> None:
    chosen = st.session_state[f"{state.WIDGET_PREFIX}catalog"]

    def mutate(data: dict) -> None:
        data["price_catalog"] = chosen

    state.edit_design(mutate, f"Prices: {CATALOGS.get(chosen, chosen)}.", keep_widget=f"{state.WIDGET_PREFIX}catalog")


# Layout: rows of fixed-width boxes that wrap (st.container(horizontal=True)) instead of side-by-side columns,
# so metric values and rate labels stay readable in a narrow window (900 px) as well as a wide one.
free_tier = bool(st.session_state.get("view.capacity.free_tier", False))  # the toggle is drawn below
ev = widgets.call_engine("Capacity & cost", lambda: cache.evaluation(design_json, None, free_tier))
if ev is not None:
    kinds = ev.cost_by_kind()
    m = st.container(horizontal=True, gap="large")
    m.metric("Total cost per month", fmt.usd(ev.total_monthly_usd, per=""), width="content",
             help=f"{ev.catalog.name}; {ev.catalog.hours_per_month:g} hours per month")
    m.metric("Reads per month", fmt.usd(kinds["reads"], per=""), width="content")
    m.metric("Writes + indexes", fmt.usd(kinds["writes"] + kinds["index writes"], per=""), width="content",
             help="Writes per month: table writes plus the index writes each one causes.")
    if kinds["replication"] > 0:
        m.metric("Replicated writes", fmt.usd(kinds["replication"], per=""), width="content",
                 help="The writes every other region of a global table pays again.")
    if kinds["idle capacity"] > 0:
        m.metric("Idle capacity", fmt.usd(kinds["idle capacity"], per=""), width="content",
                 help="Provisioned capacity of tables no access pattern uses.")
    m.metric("Storage per month", fmt.usd(kinds["storage"], per=""), width="content")
    if streams_ui.has_consumers(ev):
        m.metric("Stream consumers", fmt.usd(streams_ui.consumers_usd(kinds), per=""), width="content",
                 help="Per month: stream reads, change data capture, Kinesis, Lambda and EventBridge Pipes of the "
                      "tables' stream consumers (their writes are access patterns, in the rows above). See Streams "
                      "below.")
    cat = ev.catalog
    where = (f"the design's home region is {fmt.text(model.region)}" if model.region == cat.region else
             f"**the design's home region is {fmt.text(model.region)}: these are {fmt.text(cat.region)} prices** "
             "(finding DDB-C109 says how to price it for its region)")
    st.caption(f"All $ figures: {fmt.text(cat.name)} (catalog {fmt.text(cat.id)}, region {fmt.text(cat.region)}, "
               f"dated {fmt.text(cat.date)}, {cat.hours_per_month:g} hours per month); {where}.")
    if ev.patterns:
        top = max(ev.patterns, key=lambda p: p.monthly_usd + p.replication_monthly_usd)
        share = (top.monthly_usd + top.replication_monthly_usd) / ev.total_monthly_usd if ev.total_monthly_usd else 0
        unit = (fmt.units(top.read_units_per_request, "RCU") if top.read_units_per_request
                else fmt.units(top.write_units_per_request, "WCU"))
        st.markdown(f"**Verdict:** *{fmt.text(top.name)}* drives {fmt.percent(share, 0)} of the bill: "
                    f"{fmt.rate(top.requests_per_second)} × {unit} per request. Each extra request per second "
                    f"of it adds {fmt.usd(top.monthly_usd_per_request_per_second)}.")

with st.container(border=True):
    st.markdown("**What if: request rates** · these change the design itself (autosaved; *Undo last change* in "
                "the sidebar goes back).")
    if not model.access_patterns:
        st.caption("No access patterns yet: add them on the Design page.")
    rates = st.container(horizontal=True, gap="medium")
    for p in model.access_patterns:
        with rates.container(width=RATE_INPUT_WIDTH_PX):
            widgets.rate_input(model, p.name)
    options = dict(CATALOGS)
    if model.price_catalog not in options:
        options[model.price_catalog] = fmt.text(model.price_catalog)  # radio options render markdown
    choices = st.container(horizontal=True, gap="large", vertical_alignment="center")
    choices.radio("Price catalog", list(options), format_func=options.get,
                  key=mirrored(f"{state.WIDGET_PREFIX}catalog", model.price_catalog),
                  on_change=_catalog_changed, horizontal=True, width="content")
    choices.toggle("Free tier", key="view.capacity.free_tier", width="content",
                   help="Deduct the always-free 25 GB storage and 25 RCU + 25 WCU of provisioned capacity.")

if ev is not None:
    replicated = any(t.replica_count > 1 for t in ev.tables)
    with st.container():
        st.plotly_chart(cache.figure(charts.cost_breakdown_figure, ev), width="stretch", key="chart.cost")
        rows = [{
            "access pattern": p.name, "operation": p.operation,
            "target": p.table + (f" · {p.index}" if p.index else ""), "read": p.consistency or "—",
            "req/s": p.requests_per_second, "RCU/req": round(p.read_units_per_request, 3),
            "WCU/req": round(p.write_units_per_request, 3),
            "index WCU": round(sum(p.index_write_units_per_request.values()), 3),
            "$/month": p.monthly_usd,
            **({"replication $/month": p.replication_monthly_usd} if replicated else {}),
            "$ per +1 req/s": p.monthly_usd_per_request_per_second,
        } for p in ev.patterns]
        if rows:
            st.dataframe(rows, hide_index=True, width="stretch", key="table.patterns", column_config=PATTERN_COLUMNS)
        st.caption("RCU: 4 KB read units (eventual reads count half); WCU: 1 KB write units, with every index the "
                   "write touches. $/month is each pattern's share of what its tables bill at the average rates: "
                   "its own requests on an on-demand table, a share of the capacity held (by need) on a "
                   "provisioned one. Patterns (stream consumers' writes included), idle capacity, storage and the "
                   "stream consumers (Streams below) add up to the total.")

    if ev.screens:
        st.subheader("Requests per screen")
        st.dataframe([{"screen": s.name, "requests per view": s.requests_per_view, "RCU per view": s.read_units_per_view,
                       "WCU per view": s.write_units_per_view, "$ per million views": s.usd_per_million_views}
                      for s in ev.screens], hide_index=True, width="stretch", key="table.screens", column_config={
            "requests per view": st.column_config.NumberColumn(format="%g", help="Requests one page view issues"),
            "RCU per view": st.column_config.NumberColumn(format="%.4g", help="Read units one page view consumes"),
            "WCU per view": st.column_config.NumberColumn(format="%.4g", help="Write units one page view consumes"),
            "$ per million views": st.column_config.NumberColumn(
                format="$%.2f", help="Request cost of a million page views at the patterns' prices (replication "
                                     "included)")})
        st.caption("A screen is one page of the application: the requests it issues once and the ones it repeats "
                   "(N+1 reads show up here). Screens are edited on the Design page.")

    catalog_findings = widgets.call_engine("Findings", lambda: cache.findings(design_json, free_tier))
    streams_ui.streams_section(model, ev, catalog_findings or ())

    st.subheader("Billing mode and table class per table")
    for t in ev.tables:
        with st.container(border=True):
            b, cls = t.billing, t.table_class_comparison
            st.markdown(f"**{fmt.text(t.name, code=True)}** · {t.billing_mode.replace('_', '-')} · {fmt.count(t.item_count, 'item')} · "
                        f"{fmt.size(t.storage_bytes + sum(t.index_storage_bytes.values()))} stored · "
                        f"{fmt.usd(t.monthly_usd)}")
            options_row = st.container(horizontal=True, gap="large")
            options_row.metric("On-demand", fmt.usd(b.on_demand_monthly_usd), width="content")
            options_row.metric(f"Provisioned at {fmt.percent(b.target_utilization, 0)}",
                               fmt.usd(b.provisioned_monthly_usd), width="content",
                               help=f"Auto scaling keeps utilization near {fmt.percent(b.target_utilization, 0)}.")
            if b.reserved_monthly_usd is not None:
                options_row.metric("Reserved (1 year)", fmt.usd(b.reserved_monthly_usd), width="content")
            best = {"on_demand": "on-demand", "provisioned": "provisioned", "reserved": "reserved"}[b.recommended]
            st.markdown(f"**Cheapest for this load: {best}.** Provisioned capacity beats on-demand once its average "
                        f"utilization is above {fmt.percent(b.read_break_even_utilization, 0)}; on-demand wins for "
                        "spiky or unknown traffic.")
            st.plotly_chart(cache.figure(charts.billing_figure, t), width="stretch", key=f"chart.billing.{t.name}")
            st.markdown(f"**Table class:** Standard {fmt.usd(cls.standard_monthly_usd)}, Standard-IA "
                        f"{fmt.usd(cls.standard_ia_monthly_usd)}; {fmt.text(cls.reason)}.")

    if catalog_findings is not None:
        findings_ui.show(model, catalog_findings, "capacity", shown_above=streams_ui.shown_findings(ev, catalog_findings),
                         shown_where="with their stream in the Streams section above")
    with st.expander("Assumptions and what is not modelled"):
        for a in ev.assumptions:
            st.markdown(f"- {fmt.text(a)}")
        for item in ev.catalog.not_modelled:
            st.markdown(f"- Not modelled: {item}")
        st.caption("Sources: " + "; ".join(ev.catalog.sources))
