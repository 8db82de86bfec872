"""Consistency page: stale-read risk per read pattern, what strong reads cost, global-table conflicts, MREC vs MRSC."""

import streamlit as st

from engine import charts
from engine.errors import Problem
from ui import cache, state, widgets
from ui import findings as findings_ui
from ui import format as fmt

state.ensure_session()
widgets.page_header("Consistency", "How likely each read is to miss a recent write, what making it strong would "
                    "cost, and how global tables trade conflicts for latency.")

ASSUMPTIONS = "wb_consistency_assumptions"  # edited assumptions (this session only; not part of the design)
EDITABLE = {  # field -> (label, unit)
    "gsi_visible_after_ms": ("GSI caught up after", "ms"),
    "gsi_visible_share": ("Share of GSI updates visible by then", "share 0-1"),
    "gsi_throttled_lag_multiplier": ("GSI lag multiplier while throttled", "x"),
    "replication_processing_median_ms": ("Global-table replication processing, median", "ms"),
    "replication_processing_p99_ms": ("Global-table replication processing, p99", "ms"),
    "in_region_request_latency_ms": ("In-region request latency", "ms"),
    "strong_read_added_latency_ms": ("Extra latency of a strong read", "ms"),
    "unknown_round_trip_ms": ("Round trip to a region of unknown location", "ms"),
}
PATH_LABELS = {"table": "table", "lsi": "LSI", "gsi": "GSI", "replica_region": "replica in another region"}
# Short headers so every column fits a 1,400 px window; the tooltip says the rest.
READ_COLUMNS = {
    "access pattern": st.column_config.TextColumn(help="The read access pattern"),
    "reads from": st.column_config.TextColumn(help="Where the read is served: the table, an LSI, a GSI, or a replica "
                                                   "in another region"),
    "read": st.column_config.TextColumn(help="Read consistency: eventual, strong or transactional"),
    "after write": st.column_config.TextColumn(help="Typical time between a write and this read (ms)"),
    "stale": st.column_config.TextColumn(help="Chance a read made that long after the write returns the old value"),
    "make strong": st.column_config.TextColumn(help="Extra monthly cost of ConsistentRead=true on this read (USD); "
                                                    "GSI reads cannot be strong"),
    "latency": st.column_config.TextColumn(help="Typical latency of one read (ms)"),
    "strong helps": st.column_config.TextColumn(help="Whether a strong read would cut the stale risk (it does not "
                                                     "wait for writes still replicating from another region)"),
}

model = state.current_model()
design_json = state.design_json()
assumptions = dict(st.session_state.get(ASSUMPTIONS, {}))
report = widgets.call_engine("Consistency", lambda: cache.consistency_report(design_json, assumptions))


def fmt_bound(value: float) -> str:
    return f"{value:,.6g}"


def _save_assumptions(shown: list[str]) -> None:
    edited = {name: float(st.session_state[f"view.assume.{name}"]) for name in shown}
    defaults = cache.consistency_defaults()
    kept = {k: v for k, v in assumptions.items() if k not in shown}
    changed = kept | {k: v for k, v in edited.items() if abs(v - defaults.get(k, v)) > 1e-12}
    try:
        cache.check_consistency_assumptions(changed)
    except ValueError as exc:
        message = str(exc)
        for name, (label, _) in EDITABLE.items():
            message = message.replace(name, f"'{label}'")
        st.session_state["wb_assumption_error"] = f"Not applied: {message}. Change the value and apply again."
        return
    st.session_state.pop("wb_assumption_error", None)
    st.session_state[ASSUMPTIONS] = changed


def _stale_text(share: float) -> str:
    """Chance stale with two decimals: 25.07 %, < 0.01 % for tiny risks, 0 % for none."""
    return "0 %" if share == 0 else fmt.percent(share, 2)


def _make_strong_text(p) -> str:
    """What ConsistentRead=true would add to this read's bill, or why it is not offered."""
    if p.consistency == "strong":
        return "n/a (already strong)"
    if p.consistency == "transactional":
        return "n/a (transactional)"
    if not p.can_be_strong:
        return "not possible (GSI)" if p.read_path == "gsi" else "not possible"
    if p.strong_read_extra_monthly_usd is None:
        return "—"
    cost = "+" + fmt.usd(p.strong_read_extra_monthly_usd)
    return f"{cost} (would not help)" if p.strong_read_helps is False else cost


def _region_list(regions) -> str:
    """Names joined for a sentence (markdown: each name escaped as text)."""
    names = [fmt.text(r) for r in regions]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _mrsc_region_advice(table) -> str | None:
    """A plain sentence when the table's regions cannot form an MRSC global table (None when they can); the advice
    itself is engine.regions.mrsc_region_advice."""
    gt = table.global_table
    advice = cache.mrsc_region_advice(tuple(gt.regions), gt.witness_region, model.region)
    if advice is None:
        return None
    sets = "; ".join(f"{name}: {_region_list(regions)}" for name, regions in advice.region_sets)
    if advice.too_many:
        pick = f"keep three of {_region_list(advice.keep)}"
    elif advice.keep and advice.add:
        pick = f"keep {_region_list(advice.keep)} and add {_region_list(advice.add)}"
    else:
        pick = f"use {_region_list(advice.use)}"
    return (f"{fmt.text(table.name, code=True)} has replicas in {_region_list(advice.members)}, "
            f"{len(set(advice.members))} regions" + ("" if advice.in_one_set else " from different region sets")
            + f". MRSC needs exactly three regions from one region set ({sets}); two replicas and a witness region "
            f"count as three. To try MRSC here, {pick} (the {advice.set_name} set).")


def _other_mode_problems(table_name: str, problems: tuple[Problem, ...]) -> list[str]:
    """Why the other global-table mode is not possible, in plain sentences (the validator's messages, without their
    paths, for the rest)."""
    table = model.table(table_name)
    where = f"tables[{[t.name for t in model.tables].index(table_name)}]"
    explained = {f"{where}.global_table", f"{where}.ttl_attribute", f"{where}.lsis"}  # the sentences below say these
    out = []
    if table.global_table.mode == "MREC":
        advice = _mrsc_region_advice(table)
        if advice:
            out.append(advice)
        if table.ttl_attribute is not None:
            out.append(f"It expires items with TTL ({fmt.text(table.ttl_attribute, code=True)}), which MRSC does not "
                       "support.")
        if table.lsis:
            out.append(f"It has local secondary indexes ({_region_list([i.name for i in table.lsis])}), which MRSC "
                       "does not support.")
    rest = [p.message for p in problems if p.path not in explained]
    out += [fmt.text(r[0].upper() + r[1:] + ("" if r.endswith(".") else ".")) for r in rest if r]
    return out or [fmt.text(p.message) for p in problems]


def _set_consistency(pattern_name: str, consistency: str) -> None:
    def mutate(data: dict) -> None:
        for p in data["access_patterns"]:
            if p["name"] == pattern_name:
                p["consistency"] = consistency

    problems = state.edit_design(mutate, f"{pattern_name}: {consistency} reads.")
    if problems:
        state.flash(" ".join(map(str, problems)))


if report is not None:
    reads = report.patterns
    if not reads:
        st.info("This design has no read access patterns, so there is no read to go stale. Add a GetItem or Query "
                "on the Design page.")
    else:
        worst = max(reads, key=lambda p: p.expected_stale_at_read_after_write)
        c = st.columns(3)
        c[0].metric("Read patterns", fmt.count(len(reads), "pattern"))
        c[1].metric("Highest stale-read risk", fmt.percent(worst.expected_stale_at_read_after_write, 2),
                    help=f"{fmt.text(worst.name)}, read {fmt.ms(worst.read_after_write_ms)} after the write")
        extra = sum(p.strong_read_extra_monthly_usd or 0 for p in reads
                    if p.consistency == "eventual" and p.strong_read_helps)
        c[2].metric("Strong reads where they help", fmt.usd(extra),
                    help="Extra monthly cost of ConsistentRead=true on the eventual reads where it cuts the stale "
                         "risk (GSI reads cannot be strong; a strong read does not see writes still replicating "
                         "from another region).")
        if worst.expected_stale_at_read_after_write > 0:
            st.markdown(f"**Verdict:** *{fmt.text(worst.name)}* is the read most likely to miss a write: about "
                        f"{fmt.percent(worst.expected_stale_at_read_after_write, 2)} of its reads, coming "
                        + (f"{fmt.ms(worst.read_after_write_ms)} after the write" if worst.read_after_write_ms
                           else "right after the write") + ", return the old value "
                        f"({PATH_LABELS.get(worst.read_path, worst.read_path)}). " + fmt.text(worst.recommendation))
        else:
            st.markdown("**Verdict:** every read here is strongly consistent or reads long after the write, "
                        "so none is expected to return a stale value.")
        st.plotly_chart(cache.figure(charts.stale_read_figure, report), width="stretch", key="chart.stale")
        st.caption("Each line is a read path; a dot marks when the pattern's reads typically come. Curves are "
                   "calibrated to published read-your-writes measurements (0.5 % of table reads and 3.5 % of GSI "
                   "reads missed a write made just before); a model, not a promise.")
        rows = [{
            "access pattern": p.name, "reads from": PATH_LABELS.get(p.read_path, p.read_path),
            "read": p.consistency, "after write": fmt.ms(p.read_after_write_ms),
            "stale": _stale_text(p.expected_stale_at_read_after_write), "make strong": _make_strong_text(p),
            "latency": fmt.ms(p.read_latency_ms),
            "strong helps": {True: "yes", False: "no", None: "—"}[p.strong_read_helps],
        } for p in reads]
        st.dataframe(rows, hide_index=True, width="stretch", key="table.reads", column_config=READ_COLUMNS)
        for p in reads:
            with st.expander(f"{fmt.text(p.name)}: {_stale_text(p.expected_stale_at_read_after_write)} stale"):
                st.markdown(f"**Guarantee:** {fmt.text(p.guarantee)}")
                if p.recommendation:
                    st.markdown(f"**What helps:** {fmt.text(p.recommendation)}")
                if p.stale_from_other_regions > 0:
                    st.caption(f"{fmt.percent(p.stale_from_other_regions, 0)} of this risk comes from writes made in "
                               "other regions, which reach this region only by replication.")
                if p.consistency == "eventual" and p.can_be_strong and p.strong_read_helps is not False:
                    extra = fmt.usd(p.strong_read_extra_monthly_usd or 0)
                    st.button(f"Make this read strong (+{extra})", key=f"strong.{p.name}", on_click=_set_consistency,
                              args=(p.name, "strong"), help="Changes the design (Undo in the sidebar goes back).")
                elif p.consistency == "strong":
                    st.button("Make this read eventual (half the read cost)", key=f"eventual.{p.name}",
                              on_click=_set_consistency, args=(p.name, "eventual"),
                              help="Changes the design (Undo in the sidebar goes back).")
                if p.gsi_throttle_reason:
                    st.warning(fmt.text(p.gsi_throttle_reason))
                for remedy in p.remedies:
                    st.markdown(f"- {fmt.text(remedy)}")
        if "TEMPORARY" in report.cost_source:
            st.caption(f"Cost of strong reads: {fmt.text(report.cost_source)}")

    st.subheader("Global tables")
    if not report.global_tables:
        st.info("No table has replicas in other regions. Add replica regions to a table on the Design page to see "
                "replication delay, last-writer-wins conflicts and the MREC vs MRSC tradeoff.")
    for gt in report.global_tables:
        other = widgets.call_engine("The other mode", lambda gt=gt: cache.other_mode_report(design_json, gt.table,
                                                                                              assumptions))
        swapped = other.report if other is not None else None
        mrec, mrsc = (gt, swapped) if gt.mode == "MREC" else (swapped, gt)
        st.markdown(f"**{fmt.text(gt.table, code=True)}**: {gt.mode} today, replicas in {fmt.text(', '.join(gt.regions))}"
                    + (f", witness in {fmt.text(gt.witness_region)}" if gt.witness_region else ""))
        col_a, col_b = st.columns(2)
        for col, label, result in ((col_a, "MREC (multi-region eventual)", mrec),
                                   (col_b, "MRSC (multi-region strong)", mrsc)):
            with col.container(border=True):
                st.markdown(f"**{label}**" + (" · current" if result is gt else " · what if"))
                if result is None:
                    st.warning("Not possible for this table as it is. "
                               + " ".join(_other_mode_problems(gt.table, other.problems if other else ())))
                    continue
                worst_write = max(result.write_latency_ms.values()) if result.write_latency_ms else 0
                pairs_help = (f"Distinct writes, each counted once (at most the writes per day). Overlapping write "
                              f"pairs: {fmt.units(result.conflicting_pairs_per_day, 'per day')}.")
                if result.mode == "MREC":
                    st.metric("Writes lost to last-writer-wins", fmt.units(result.lost_updates_per_day, "per day"),
                              help=pairs_help)
                else:
                    st.metric("Writes rejected as conflicts (retryable)",
                              fmt.units(result.replicated_write_conflicts_per_day or 0, "per day"), help=pairs_help)
                st.metric("Slowest region's write latency", fmt.ms(worst_write))
                for note in result.problems:
                    st.error(fmt.text(note))
        st.plotly_chart(cache.figure(charts.latency_by_region_figure, mrec, mrsc), width="stretch",
                        key=f"chart.gt.{gt.table}")
        st.caption("MREC writes locally and replicates later: fast, but concurrent writes to one item in two "
                   "regions silently keep only the last. MRSC makes every write wait for another region: no lost "
                   "updates (conflicts fail and are retried) and strong reads anywhere, at a latency cost.")

    catalog_findings = widgets.call_engine("Findings", lambda: cache.findings(design_json, False, assumptions))
    if catalog_findings is not None:
        findings_ui.show(model, catalog_findings, "consistency")

with st.expander("Assumptions (edit to see how sensitive the numbers are)"):
    defaults = cache.consistency_defaults()
    docs = cache.consistency_docs()
    bounds = cache.consistency_bounds()
    relevant = cache.relevant_assumptions(design_json, assumptions) if report is not None else {}
    shown = [name for name in EDITABLE if relevant.get(name) is None]
    with st.form("form.assumptions"):
        cols = st.columns(2)
        for i, name in enumerate(shown):
            label, unit = EDITABLE[name]
            low, high = bounds[name]
            cols[i % 2].number_input(f"{label} ({unit}, {fmt_bound(low)} to {fmt_bound(high)})",
                                     min_value=low, max_value=high, value=float(assumptions.get(name, defaults[name])),
                                     key=f"view.assume.{name}", format="%g", help=docs.get(name, ""))
        st.form_submit_button("Apply assumptions", on_click=_save_assumptions, args=(shown,))
    if st.session_state.get("wb_assumption_error"):
        st.error(fmt.text(st.session_state["wb_assumption_error"]), icon=":material/error:")
    hidden = [f"{EDITABLE[n][0]} ({relevant[n]})" for n in EDITABLE if relevant.get(n)]
    if hidden:
        st.caption("Not shown because they change nothing in this design: " + "; ".join(hidden) + ".")
    st.caption("These apply to this browser session only; the defaults cite their sources in the help texts.")
