"""Compare page: two designs (or two variants of one) side by side, the better one marked per metric with why."""

from dataclasses import dataclass

import streamlit as st

from engine import charts
from engine.errors import WorkbenchError
from ui import cache, scenario, state, widgets
from ui import compare as cmp
from ui import format as fmt

state.ensure_session()
widgets.page_header("Compare", "Two designs side by side: monthly cost, throttling, requests per screen and "
                    "stale-read risk, with the better one marked per metric and the reason.")

CURRENT = "current"
BETTER = ":green[:material/check_circle:]"  # Material Symbols ship with Streamlit (emoji fonts may be missing)
# Samples written as before/after pairs: comparing one with its partner is the lesson.
PARTNERS = {"hot_enum_key": "hot_enum_key_sharded", "page_views": "page_views_vertical_sharding",
            "team_users_overread": "team_users_gsi", "orders_simple_key": "orders_by_customer"}
PARTNERS.update({b: a for a, b in list(PARTNERS.items())})


@dataclass(frozen=True)
class Scores:
    """The compared metrics of one design (None: not computable for it)."""

    monthly_usd: float | None
    throttled_share: float | None
    hottest_key_utilization: float | None
    requests_per_screen: float | None
    stale_risk: float | None
    stale_pattern: str
    traffic: cmp.Traffic
    prices: str = ""
    """The catalog its $ figures come from: name, id, region, date."""


model = state.current_model()
samples = cache.sample_names_now()
snapshots = state.snapshots()
choices = {CURRENT: f"Current design ({model.name})"}
choices.update({f"snapshot:{n}": f"Snapshot: {n}" for n in snapshots})
choices.update({f"sample:{n}": f"Sample: {n}" for n in samples})


def _design_json(choice: str) -> str:
    if choice == CURRENT:
        return state.design_json()
    kind, _, name = choice.partition(":")
    if kind == "snapshot":
        return snapshots[name]
    return cache.sample_json(name)


def _origin_sample() -> str | None:
    for name in samples:
        try:
            if cache.sample_model(name).name == model.name:
                return name
        except WorkbenchError:
            continue
    return None


def _default_b() -> int:
    keys = list(choices)
    origin = _origin_sample()
    partner = PARTNERS.get(origin or "")
    if partner and f"sample:{partner}" in choices:
        return keys.index(f"sample:{partner}")
    if snapshots:
        return keys.index(f"snapshot:{list(snapshots)[-1]}")
    return 1 if len(keys) > 1 else 0


def _screens(design_json: str) -> float | None:
    m = cache.model_from_json(design_json)
    if not m.screens:
        return None
    per_view = [len(s.access_patterns) + sum(times for _, times in s.repeat) for s in m.screens]
    return sum(per_view) / len(per_view)


def _scores(design_json: str) -> Scores:
    ev = cache.evaluation(design_json)
    heat = scenario.default_heat(design_json)
    total = sum(p.requests for p in heat.patterns)
    throttled = sum(p.throttled_requests for p in heat.patterns) / total if total else 0.0
    parts = cache.partition_report(design_json)
    hottest = parts.hot_keys[0].peak_partition_utilization if parts.hot_keys else 0.0
    report = cache.consistency_report(design_json)
    worst = max(report.patterns, key=lambda p: p.expected_stale_at_read_after_write, default=None)
    rps = sum(p.requests_per_second for p in cache.model_from_json(design_json).access_patterns)
    return Scores(ev.total_monthly_usd, throttled, hottest, _screens(design_json),
                  worst.expected_stale_at_read_after_write if worst else 0.0, worst.name if worst else "",
                  cmp.Traffic(rps, ev.total_monthly_usd, ev.catalog.hours_per_month),
                  f"{ev.catalog.name} (catalog {ev.catalog.id}, region {ev.catalog.region}, dated {ev.catalog.date})")


def _save_snapshot() -> None:
    name = st.session_state.get("view.compare.snapshot_name", "").strip() or f"variant {len(snapshots) + 1}"
    state.keep_snapshot(name)
    state.flash(f"Kept a snapshot '{name}'. Edit the design, then compare it with the snapshot here.")


c1, c2 = st.columns(2)
a_choice = c1.selectbox("Design A", list(choices), format_func=choices.get, key="view.compare.a")
b_choice = c2.selectbox("Design B", list(choices), format_func=choices.get, key="view.compare.b", index=_default_b())
with st.expander("Compare two variants of your design"):
    st.caption("Keep a snapshot of the current design, change it (on the Design or Capacity page), then pick the "
               "snapshot as design B.")
    s1, s2 = st.columns([3, 1])
    s1.text_input("Snapshot name", key="view.compare.snapshot_name", placeholder="before sharding")
    s2.button("Keep snapshot", key="compare.keep", on_click=_save_snapshot)

json_a = widgets.call_engine("Design A", lambda: _design_json(a_choice))
json_b = widgets.call_engine("Design B", lambda: _design_json(b_choice))
scores = {}
for label, text in (("A", json_a), ("B", json_b)):
    if text is not None:
        scores[label] = widgets.call_engine(f"Design {label}", lambda text=text: _scores(text))

if scores.get("A") is not None and scores.get("B") is not None:
    a, b = scores["A"], scores["B"]
    name_a = cache.model_from_json(json_a).name
    name_b = cache.model_from_json(json_b).name
    if a_choice == b_choice:
        st.info("Design A and B are the same; pick another design or keep a snapshot to compare variants.")

    wins = {"A": 0, "B": 0}
    compared = [0]

    def verdict(metric: str, va: float | None, vb: float | None, show, why, tolerance: float = 1e-9,
                counts: bool = True, unmarked: str | None = None) -> None:
        """One row: both values, the better one marked, and `why(better)` in plain words.

        `unmarked`: a reason the row marks no winner (shown instead of why), e.g. different traffic."""
        cols = st.columns([2, 2, 2, 4])
        cols[0].markdown(f"**{metric}**")
        if va is None or vb is None:
            cols[1].markdown(show(va) if va is not None else "n/a")
            cols[2].markdown(show(vb) if vb is not None else "n/a")
            cols[3].caption("Not comparable: one design lacks what this metric needs (e.g. no screens defined, "
                            "or no traffic).")
            return
        better = "tie" if abs(va - vb) <= tolerance * max(1.0, abs(va), abs(vb)) else ("A" if va < vb else "B")
        if unmarked is not None and better != "tie":
            cols[1].markdown(show(va))
            cols[2].markdown(show(vb))
            cols[3].markdown(unmarked)
            return
        if counts:
            compared[0] += 1
            wins[better] = wins.get(better, 0) + 1
        cols[1].markdown(f"{BETTER} **{show(va)}**" if better == "A" else show(va))
        cols[2].markdown(f"{BETTER} **{show(vb)}**" if better == "B" else show(vb))
        cols[3].markdown("Same on both." if better == "tie" else why(better))

    same = cmp.same_traffic(a.traffic, b.traffic)
    note = cmp.traffic_note(a.traffic, b.traffic)
    if note:
        st.warning(note, icon=":material/warning:")
    head = st.columns([2, 2, 2, 4])
    head[1].markdown(f"**A: {fmt.text(name_a)}**")
    head[2].markdown(f"**B: {fmt.text(name_b)}**")
    head[3].markdown("**Why**")
    verdict("Traffic (average)", a.traffic.requests_per_second, b.traffic.requests_per_second, fmt.rate,
            lambda _: "", cmp.SAME_TRAFFIC_TOLERANCE, counts=False,
            unmarked="Different request rates (see the note above): neither is better, they do different work.")
    verdict("Monthly cost", a.monthly_usd, b.monthly_usd, fmt.usd,
            lambda better: cmp.cost_reason(better, a.traffic, b.traffic), 1e-6, counts=same,
            unmarked=cmp.idle_reason(a.traffic, b.traffic))
    st.caption(f"$ figures of A and B: {fmt.text(a.prices)}" if a.prices == b.prices else
               f"$ figures: A {fmt.text(a.prices)}; B {fmt.text(b.prices)} (different price lists: compare with care)")
    if not same:
        verdict("Cost per million requests", a.traffic.usd_per_million_requests, b.traffic.usd_per_million_requests,
                lambda v: fmt.usd(v, per="million requests"),
                lambda better: cmp.per_million_reason(better, a.traffic, b.traffic), 1e-3)
    verdict(f"Throttled requests ({scenario.DESCRIPTION}, as Partitions & hot keys opens)", a.throttled_share,
            b.throttled_share,
            lambda v: fmt.percent(v, 2), lambda better: cmp.throttle_reason(better, a.throttled_share,
                                                                             b.throttled_share))
    verdict("Hottest key at peak (share of one partition's limit)", a.hottest_key_utilization,
            b.hottest_key_utilization, lambda v: fmt.percent(v, 0), cmp.hot_key_reason, 1e-3)
    verdict("Requests per screen (average)", a.requests_per_screen, b.requests_per_screen,
            lambda v: fmt.units(v, "request" if v == 1 else "requests"), cmp.screens_reason)
    verdict("Highest stale-read risk", a.stale_risk, b.stale_risk, lambda v: fmt.percent(v, 2),
            lambda better: cmp.stale_reason(better, a.stale_pattern, b.stale_pattern), 1e-6)
    if wins["A"] != wins["B"]:
        leader = "A" if wins["A"] > wins["B"] else "B"
        st.markdown(f"**Overall:** {leader} is better on {wins[leader]} of the {compared[0]} metrics compared; weigh "
                    "them by what your application cannot afford (a throttled checkout usually matters more than "
                    "a few dollars).")
    elif compared[0]:
        st.markdown(f"**Overall:** a draw ({wins['A']} metrics each, {wins.get('tie', 0)} the same); weigh them by "
                    "what your application cannot afford.")
    ev_a, ev_b = cache.evaluation(json_a), cache.evaluation(json_b)
    st.plotly_chart(cache.figure(charts.compare_cost_figure, [(f"A: {name_a}", ev_a), (f"B: {name_b}", ev_b)]),
                    width="stretch", key="chart.compare")
    st.caption(f"Throttling comes from the heat simulator ({scenario.DESCRIPTION}, the Partitions page's opening "
               "scenario, so both pages show the same figure); stale-read risk is the "
               "highest among each design's read patterns at their typical delay after the write.")
    with st.expander("Report of both designs for a design review", icon=":material/description:",
                     key="view.compare.report", on_change="rerun"):
        widgets.report_download(json_a, name_a, other_json=json_b, other_name=name_b, key="report.compare")
