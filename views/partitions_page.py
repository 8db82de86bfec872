"""Partitions & hot keys page: partition counts and drivers, per-partition load, hot keys, the heat simulator."""

import streamlit as st

from engine import charts
from ui import cache, scenario, state, widgets
from ui import findings as findings_ui
from ui import format as fmt
from ui import streams as streams_ui

state.ensure_session()
widgets.page_header("Partitions & hot keys", "How many partitions each table and index has and why, how close the "
                    "busiest partition and the hottest key come to the 3,000 RCU / 1,000 WCU per-partition limit, "
                    "and what a traffic spike does over time.")

DRIVERS = {"storage": "storage (10 GB per partition)", "throughput": "provisioned throughput",
           "warm_throughput": "on-demand warm throughput", "on_demand_peak": "on-demand previous peak"}
PROFILES = {"steady": "Steady at the average rate", "spike": "Spike", "diurnal": "Daily cycle", "ramp": "Ramp up"}
# Simulated minutes: 20 by default keeps the first render after an edit fast (the simulation runs second by
# second); the user can raise it to the full hour. Splits for heat and on-demand peak adoption take about
# 10 minutes in the simulator (engine.heat.HeatOptions), so 20 minutes still shows them after a spike at minute 5.
HORIZON_MINUTES = (10, 20, 30, 60)
DEFAULT_HORIZON_MINUTES = scenario.DEFAULT_HORIZON_MINUTES
CONTROL_WIDTH_PX = 180
# Short headers so the table fits a laptop window; the tooltip says the rest.
PARTITION_COLUMNS = {
    "other drivers": st.column_config.TextColumn(help="Partitions each other driver alone would need", width="medium"),
    "peak RCU/s": st.column_config.NumberColumn(help="Read units per second at the peak rate, whole table or index"),
    "peak WCU/s": st.column_config.NumberColumn(help="Write units per second at the peak rate, whole table or index"),
    "busiest (%)": st.column_config.NumberColumn(help="Share of the table's load on its busiest partition"),
    "headroom (%)": st.column_config.NumberColumn(help="What the busiest partition has left of its 3,000 RCU / "
                                                  "1,000 WCU per second at peak (negative: over the limit)"),
}

model = state.current_model()
design_json = state.design_json()
report = widgets.call_engine("Partitions", lambda: cache.partition_report(design_json))

if report is not None:
    hottest = report.hot_keys[0] if report.hot_keys else None
    busiest = max(report.targets, key=lambda t: 1 - t.headroom) if report.targets else None
    row = st.container(horizontal=True, gap="large")  # wraps in a narrow window
    row.metric("Partitions (all tables and GSIs)", fmt.count(sum(t.count for t in report.targets), "partition"), width="content")
    if hottest is not None:
        row.metric("Hottest key at peak", fmt.percent(hottest.peak_partition_utilization, 0),
                    help=f"{fmt.text(hottest.key)} on {fmt.text(hottest.target)}, as a share of one partition's limit",
                    width="content")
    if busiest is not None:
        row.metric("Busiest partition at peak", fmt.percent(1 - busiest.headroom, 0), help=fmt.text(busiest.target),
                   width="content")
    if hottest is not None and hottest.peak_partition_utilization > 1:
        st.error(f"**Verdict:** key {fmt.text(hottest.key, code=True)} on {fmt.text(hottest.target, code=True)} needs "
                 f"{fmt.percent(hottest.peak_partition_utilization, 0)} of one partition's limit at peak. One key "
                 "always lives in one partition, so adding capacity or partitions does not help: spread the key "
                 "(see the fix below).", icon=":material/local_fire_department:")
    elif busiest is not None and busiest.headroom < 0:
        st.warning(f"**Verdict:** the busiest partition of {fmt.text(busiest.target, code=True)} needs "
                   f"{fmt.percent(1 - busiest.headroom, 0)} of its limit at peak, although no single key is over. "
                   "Many keys share that partition: DynamoDB splits it for heat only after minutes of sustained load, "
                   "so expect throttling until then (see the problems and fixes below).", icon=":material/warning:")
    elif busiest is not None:
        st.success(f"**Verdict:** every partition stays under its limit at peak; the busiest "
                   f"({fmt.text(busiest.target, code=True)}) uses {fmt.percent(1 - busiest.headroom, 0)} of it.",
                   icon=":material/check_circle:")

    rows = [{  # the numbers first: on a narrow screen the descriptive columns are the ones scrolled off
        "table or index": t.target, "partitions": t.count,
        "peak RCU/s": round(t.peak_read_units_per_second, 1),
        "peak WCU/s": round(t.peak_write_units_per_second, 1),
        "busiest (%)": round(100 * t.hottest_partition_share, 1),
        "headroom (%)": round(100 * t.headroom, 1),
        "count set by": DRIVERS.get(t.driver, t.driver),
        "other drivers": ", ".join(f"{DRIVERS.get(k, k).split(' (')[0]}: {v}" for k, v in t.partitions_by_driver.items()
                                   if k != t.driver),
        "billing": t.billing.replace("_", "-"),
    } for t in report.targets]
    st.dataframe(rows, hide_index=True, width="stretch", key="table.partitions", column_config=PARTITION_COLUMNS)

    if report.hot_keys:
        st.subheader("Hot keys")
        st.dataframe([{
            "key": k.key, "table or index": k.target, "RCU/s": round(k.read_units_per_second, 1),
            "WCU/s": round(k.write_units_per_second, 1),
            "consumed units/s (3×WCU+RCU)": round(k.consumed_throughput_units_per_second, 1),
            "peak, % of a partition": round(100 * k.peak_partition_utilization, 1),
            "share of its table (%)": round(100 * k.share_of_target, 1),
            "can split for heat": "yes" if k.splittable_units > 1 else "no",
        } for k in report.hot_keys], hide_index=True, width="stretch", key="table.hotkeys")
        st.caption("Ranked like CloudWatch Contributor Insights: 3 × WCU + RCU. Key placement uses the workbench's "
                   "own stable hash (DynamoDB's is not public), so which keys share a partition is illustrative.")

    names = [t.target for t in report.targets]
    if names:
        chosen = st.selectbox("Table or index to look at", names, key="view.partitions.target",
                              index=names.index(busiest.target) if busiest else 0)
        st.plotly_chart(cache.figure(charts.partition_load_figure, report.target(chosen)), width="stretch",
                        key="chart.partitions")

    catalog_findings = widgets.call_engine("Findings", lambda: cache.findings(design_json))
    if catalog_findings is not None:
        findings_ui.show(model, catalog_findings, "partitions", title="Problems and their fixes")


@st.fragment
def simulator() -> None:
    """The heat simulator with its traffic controls (a fragment: changing a control reruns only this)."""
    minutes = int(st.session_state.get("view.heat.minutes", DEFAULT_HORIZON_MINUTES))
    st.subheader(f"Simulate {minutes} minutes of traffic")
    patterns = [p.name for p in model.access_patterns]
    controls = st.container(horizontal=True, gap="medium")  # wraps in a narrow window
    c1 = c2 = c3 = c4 = c5 = controls
    kind = c1.selectbox("Traffic profile", list(PROFILES), format_func=PROFILES.get, key="view.heat.kind",
                        index=list(PROFILES).index(scenario.DEFAULT_PROFILE_KIND), width=CONTROL_WIDTH_PX)
    multiplier = c2.number_input("High point (× avg)", min_value=0.1, value=scenario.DEFAULT_MULTIPLIER, step=0.5,
                                 key="view.heat.multiplier", format="%g", width=CONTROL_WIDTH_PX,
                                 help="The highest rate as a multiple of each pattern's average rate.")
    start_min = c3.number_input("Starts at minute", min_value=0, max_value=59, value=scenario.DEFAULT_START_MINUTE,
                                key="view.heat.start", width=CONTROL_WIDTH_PX)
    length_min = c4.number_input("Lasts (minutes)", min_value=1, max_value=60, value=scenario.DEFAULT_LENGTH_MINUTES,
                                 key="view.heat.length", width=CONTROL_WIDTH_PX)
    c5.selectbox("Simulated minutes", HORIZON_MINUTES, index=HORIZON_MINUTES.index(DEFAULT_HORIZON_MINUTES),
                 key="view.heat.minutes", width=CONTROL_WIDTH_PX, help="Longer takes longer to compute. Splits for heat and on-demand "
                 "growth need about 10 minutes of sustained load to show.")
    target_pattern = st.selectbox("Applies to", ["(every access pattern)", *patterns], key="view.heat.pattern")
    horizon_seconds = 60 * minutes
    profile = scenario.profile(kind, multiplier, start_min, length_min, minutes)
    if kind != "steady" and start_min >= minutes:
        st.warning(f"The change starts at minute {start_min}, after the {minutes} simulated minutes: raise "
                   "*Simulated minutes* or start it earlier.", icon=":material/warning:")
    st.caption(f"{minutes} simulated minutes, one-second steps, each pattern at its own average rate outside the "
               "change. Raise *Simulated minutes* to 60 for a full hour.")
    pattern = None if target_pattern.startswith("(") else target_pattern
    result = widgets.call_engine("The heat simulation", lambda: cache.heat_result(design_json, profile, pattern,
                                                                              horizon_seconds=horizon_seconds))
    if result is None:
        return
    total = sum(p.requests for p in result.patterns)
    throttled = sum(p.throttled_requests for p in result.patterns)
    row = st.container(horizontal=True, gap="large")
    row.metric("Requests simulated", fmt.count(total, "request"), width="content")
    row.metric("Throttled", fmt.percent(throttled / total if total else 0, 2), width="content")
    worst = max(result.patterns, key=lambda p: p.throttled_fraction) if result.patterns else None
    if worst is not None and worst.throttled_requests > 0:
        row.metric("Worst pattern throttled", fmt.percent(worst.throttled_fraction, 1), help=fmt.text(worst.name),
                   width="content")
        reasons = fmt.text(", ".join(sorted(worst.throttle_reasons, key=worst.throttle_reasons.get, reverse=True)))
        first = worst.first_throttled_second
        st.markdown(f"*{fmt.text(worst.name)}* loses {fmt.percent(worst.throttled_fraction, 1)} of its requests"
                    + (f", starting at second {first:,}" if first is not None else "")
                    + (f" ({reasons})." if reasons else "."))
    elif total:
        st.markdown(f"No request is throttled in these {minutes} minutes: every partition serves its load, with "
                    "burst and adaptive capacity where it needs them. Try a higher *High point* to find the limit.")
    st.plotly_chart(cache.figure(charts.throttling_figure, result), width="stretch", key="chart.throttling")
    maps = {h.target: h for h in result.heatmaps}
    if maps:
        # open on the table or index with the most throttled requests (else the most loaded one)
        worst_map = max(maps.values(), key=lambda h: (float(h.throttled_read.sum() + h.throttled_write.sum()),
                                                      float(h.consumed_utilization.max(initial=0.0))))
        chosen = st.selectbox("Heatmap of", list(maps), key="view.heat.heatmap", index=list(maps).index(worst_map.target))
        st.plotly_chart(cache.figure(charts.heatmap_figure, maps[chosen], result.horizon_seconds), width="stretch",
                        key="chart.heatmap")
    lags = widgets.call_engine("The stream lag", lambda: cache.stream_lags(design_json, profile, pattern,
                                                                          horizon_seconds))
    if lags:
        streams_ui.lag_chart(lags, horizon_seconds, scenario.describe(kind, multiplier, start_min, length_min),
                             pattern)
    with st.expander("Simulation assumptions"):
        for a in result.assumptions:
            if a not in shared_assumptions:  # listed once, under the partition model
                st.markdown(f"- {fmt.text(a)}")


shared_assumptions = set(report.assumptions) if report is not None else set()
if report is not None and not model.access_patterns:
    st.info("No access patterns yet, so nothing loads the partitions and there is no traffic to simulate. Add the "
            "requests your application makes on the Design page.", icon=":material/info:")
elif report is not None:
    simulator()
    with st.expander("Partition model assumptions"):
        for a in report.assumptions:
            st.markdown(f"- {fmt.text(a)}")
