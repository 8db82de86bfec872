"""Charts: plotly figures built from engine results, shared by the app, the CLI and reports.

The only engine module that imports plotly. Every figure labels its lines and bars directly (a
legend is never needed to read it), names its axes with units, and takes engine result objects
as they are, so a number on a chart is the number in the CLI JSON.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import plotly.graph_objects as go

from engine.cost.arms import COST_KINDS
from engine.cost.rates import usd_text

if TYPE_CHECKING:  # types only: the charts read results, they never build them
    from engine.consistency import ConsistencyReport, GlobalTableConsistency
    from engine.cost.rates import BillingComparison
    from engine.evaluate import Evaluation, PatternEvaluation, TableEvaluation
    from engine.heat import Heatmap, HeatResult
    from engine.partitions import TargetLayout
    from engine.streams import ScenarioLag

# Colours by meaning, kept the same on every chart.
COLOR_READ = "#2457a6"
COLOR_WRITE = "#e07b00"
COLOR_INDEX_WRITE = "#c23b22"
COLOR_STORAGE = "#2f8f5b"
COLOR_REPLICATION = "#7a4fb5"
COLOR_LIMIT = "#b00020"
COLOR_MUTED = "#8a94a6"
PALETTE = ("#2457a6", "#e07b00", "#2f8f5b", "#7a4fb5", "#c23b22", "#00838f", "#8d6e00", "#5d4037")
FONT_SIZE = 13
MAX_LABEL_CHARS = 42
COMPARE_LABEL_LINE_CHARS = 40


def _layout(fig: go.Figure, title: str, height: int = 380, **kwargs: Any) -> go.Figure:
    fig.update_layout(title={"text": title, "x": 0, "font": {"size": FONT_SIZE + 3}}, height=height,
                      margin={"l": 10, "r": 10, "t": 50, "b": 40}, font={"size": FONT_SIZE},
                      plot_bgcolor="white", paper_bgcolor="white", showlegend=False, **kwargs)
    fig.update_xaxes(gridcolor="#e6e9ef", zerolinecolor="#c9ced8")
    fig.update_yaxes(gridcolor="#e6e9ef", zerolinecolor="#c9ced8")
    return fig


def _short(text: str, limit: int = MAX_LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _plain(text: object, template: bool = False) -> str:
    """Design text (a name, a key, a region) for a plotly title, label, category or hover text. Plotly reads a
    subset of HTML in every text (<a href>, <b>, <br>, entities), so <, > and & become entities and show as typed;
    in a hovertemplate `%` does too (plotly would fill a %{...} written in a name)."""
    out = html.escape(str(text), quote=False)
    return out.replace("%", "&#37;") if template else out


# ----------------------------------------------------------------------------- consistency


def _curve_groups(report: ConsistencyReport, names: Sequence[str] | None) -> list[tuple[str, tuple[float, ...], float | None]]:
    """Patterns with identical curves share one line: (label, curve, marked read delay in ms)."""
    groups: dict[tuple[float, ...], list[Any]] = {}
    for p in report.patterns:
        if names is None or p.name in names:
            groups.setdefault(tuple(round(v, 9) for v in p.stale_curve), []).append(p)
    out = []
    for curve, members in groups.items():
        first = members[0]
        where = {"table": "table", "lsi": "LSI", "gsi": "GSI", "replica_region": "other region"}.get(
            first.read_path, first.read_path)
        who = first.name if len(members) == 1 else f"{first.name} +{len(members) - 1} more"
        label = f"{where}, {first.consistency}: {who}"
        delays = {p.read_after_write_ms for p in members}
        out.append((label, curve, delays.pop() if len(delays) == 1 else None))
    return out


def stale_read_figure(report: ConsistencyReport, names: Sequence[str] | None = None) -> go.Figure:
    """P(stale read) against time since the write, one directly labelled line per distinct read path."""
    fig = go.Figure()
    xs = [x for x in report.curve_ms if x > 0]
    start = len(report.curve_ms) - len(xs)
    for i, (label, curve, delay) in enumerate(_curve_groups(report, names)):
        color = PALETTE[i % len(PALETTE)]
        ys = [100 * v for v in curve[start:]]
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line={"color": color, "width": 2.5}, name=_plain(label),
                                 hovertemplate="%{x:.3g} ms after the write: %{y:.3g} % stale<extra>"
                                 + _plain(label, template=True) + "</extra>"))
        if ys:  # label each falling line halfway down, above and right of it (empty space on a falling curve)
            j = next((k for k, y in enumerate(ys) if y <= ys[0] / 2), len(ys) // 2)
            fig.add_trace(go.Scatter(x=[xs[j]], y=[ys[j]], mode="text", text=[_plain(_short(label))], hoverinfo="skip",
                                     textposition="top right", textfont={"color": color, "size": FONT_SIZE - 1}))
        if delay and delay > 0:
            y_at = _interpolate(xs, ys, delay)
            fig.add_trace(go.Scatter(x=[delay], y=[y_at], mode="markers", marker={"color": color, "size": 10},
                                     hovertemplate=f"reads come {delay:g} ms after the write: "
                                                   f"{y_at:.3g} % stale<extra></extra>"))
    fig.update_xaxes(type="log", title="time between the write and the read (ms, log scale)")
    fig.update_yaxes(title="chance the read misses the write (%)", rangemode="tozero")
    return _layout(fig, "Stale-read probability by read path", height=420)


def _interpolate(xs: Sequence[float], ys: Sequence[float], x: float) -> float:
    for (x0, y0), (x1, y1) in zip(zip(xs, ys, strict=True), zip(xs[1:], ys[1:], strict=True), strict=False):
        if x0 <= x <= x1:
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0) if x1 > x0 else y0
    return ys[-1] if ys and x > xs[-1] else (ys[0] if ys else 0.0)


def latency_by_region_figure(mrec: GlobalTableConsistency | None, mrsc: GlobalTableConsistency | None) -> go.Figure:
    """Write latency per region for MREC and MRSC side by side (grouped bars, values on the bars)."""
    fig = go.Figure()
    for label, gt, color in (("MREC", mrec, COLOR_READ), ("MRSC", mrsc, COLOR_WRITE)):
        if gt is None:
            continue
        regions = list(gt.write_latency_ms)
        values = [gt.write_latency_ms[r] for r in regions]
        fig.add_trace(go.Bar(x=[_plain(r) for r in regions], y=values, name=label, marker_color=color,
                             text=[f"{label}: {v:,.0f} ms" for v in values], textposition="outside"))
    fig.update_yaxes(title="typical write latency (ms)", rangemode="tozero")
    return _layout(fig, "Write latency per region", height=340, barmode="group")


# ----------------------------------------------------------------------------- capacity and cost


def pattern_cost_parts(pattern: PatternEvaluation) -> dict[str, float]:
    """A pattern's billed monthly cost by kind (reads, writes, index writes, replication; USD), summed over the
    tables its arms land on (engine.cost.allocation; adds up to monthly_usd + replication_monthly_usd)."""
    parts = dict.fromkeys(COST_KINDS, 0.0)
    for by_kind in pattern.cost_by_table.values():
        for kind, value in by_kind.items():
            parts[kind] += value
    return parts


COLOR_STREAM = "#0f7c8c"
"""Stream consumers (stream reads, change data capture, Kinesis, Lambda, Pipes): shades of one teal."""
COST_COLORS = {"reads": COLOR_READ, "writes": COLOR_WRITE, "index writes": COLOR_INDEX_WRITE,
               "storage": COLOR_STORAGE, "replication": COLOR_REPLICATION, "idle capacity": COLOR_MUTED,
               "stream reads": "#5fb3bf", "change data capture": "#2a9aa8", "kinesis": "#1d6f7a",
               "lambda": COLOR_STREAM, "pipes": "#0a4f59"}


class CostRow(NamedTuple):
    """One bar of the cost breakdown: its label and USD per month by kind of cost."""

    label: str
    usd_by_kind: dict[str, float]


def cost_rows(evaluation: Evaluation) -> list[CostRow]:
    """One (label, cost by kind) row per access pattern (stream consumers' derived writes included), per table's idle
    capacity, per table's storage and per stream consumer, in table order; the figures are the evaluation's (billed
    shares, engine.cost.streams), so the rows add up to its total."""
    pattern_rows: dict[str, list[CostRow]] = {}
    for p in evaluation.patterns:
        pattern_rows.setdefault(p.table, []).append(CostRow(label=p.name, usd_by_kind=pattern_cost_parts(p)))
    consumer_rows: dict[str, list[CostRow]] = {}
    for stream in getattr(evaluation, "streams", ()):
        for c in stream.consumers:
            if c.monthly_usd > 0:
                consumer_rows.setdefault(stream.table, []).append(CostRow(
                    label=f"stream {c.kind}: {stream.table}.{c.name}",
                    usd_by_kind={k: v for k, v in c.cost.monthly_usd_by_kind.items() if v > 0}))
    rows: list[CostRow] = []
    for t in evaluation.tables:
        if t.idle_capacity_monthly_usd > 0:
            rows.append(CostRow(label=f"idle capacity: {t.name}",
                                usd_by_kind={"idle capacity": t.idle_capacity_monthly_usd}))
        rows += pattern_rows.pop(t.name, [])
        rows += consumer_rows.pop(t.name, [])
        rows.append(CostRow(label=f"storage: {t.name}", usd_by_kind={"storage": t.storage_monthly_usd}))
    for leftover in pattern_rows.values():  # a pattern filed under a table the evaluation does not list
        rows += leftover
    return rows


def _cost_legend(fig: go.Figure) -> None:
    """Cost charts carry a colour legend (reads, writes, index writes, storage...) above the plot: segments too
    narrow for their inside label are still identified by colour."""
    fig.update_layout(showlegend=True, legend={"orientation": "h", "yref": "container", "yanchor": "bottom", "y": 0.0, "x": 0,
                                               "traceorder": "normal", "title": {"text": "kind of cost: "}},
                      margin={"l": 10, "r": 10, "t": 50, "b": 100})


def cost_breakdown_figure(evaluation: Evaluation) -> go.Figure:
    """Where the money goes: one horizontal bar per access pattern and per table's storage, stacked by kind.

    Segments are labelled with their kind and amount inside the bar, each bar's total is written at its end,
    and a legend names the colours (for segments too narrow for their label).
    """
    rows = [CostRow(label=_plain(_short(label, 36)), usd_by_kind=parts) for label, parts in cost_rows(evaluation)]
    rows.sort(key=lambda r: sum(r.usd_by_kind.values()))
    labels = [r.label for r in rows]
    fig = go.Figure()
    for kind, color in COST_COLORS.items():
        values = [r.usd_by_kind.get(kind, 0.0) for r in rows]
        if not any(v > 0 for v in values):
            continue
        fig.add_trace(go.Bar(y=labels, x=values, orientation="h", name=kind, marker_color=color,
                             text=[f"{kind} {usd_text(v, per=None)}" if v > 0 else "" for v in values], textposition="inside",
                             insidetextanchor="middle", textfont={"color": "white"}, cliponaxis=False,
                             hovertemplate="%{y}: " + kind + " $%{x:,.2f}/month<extra></extra>"))
    totals = [sum(r.usd_by_kind.values()) for r in rows]
    fig.add_trace(go.Scatter(y=labels, x=totals, mode="text", text=["  " + usd_text(v, per=None) for v in totals],
                             textposition="middle right", hoverinfo="skip", cliponaxis=False, showlegend=False))
    fig.update_xaxes(title="monthly cost (USD)", rangemode="tozero")
    height = max(260, 46 * len(rows) + 120)
    _layout(fig, "Where the money goes (per month)", height=height, barmode="stack")
    _cost_legend(fig)
    fig.update_layout(uniformtext={"minsize": 10, "mode": "hide"}, margin={"l": 10, "r": 80, "t": 50, "b": 40})
    return fig


UTILIZATION_GRID = tuple(u / 100 for u in range(5, 101, 1))


def billing_curves(billing: BillingComparison) -> dict[str, list[float]]:
    """Monthly cost of the same average load by average utilization of the capacity paid for.

    On-demand pays per request, so it is flat; provisioned and reserved pay for capacity sized at
    load / utilization, so their cost scales with target / utilization (from the engine's figures
    at the target utilization).
    """
    target = billing.target_utilization
    out = {"on-demand": [billing.on_demand_monthly_usd] * len(UTILIZATION_GRID),
           "provisioned": [billing.provisioned_monthly_usd * target / u for u in UTILIZATION_GRID]}
    if billing.reserved_monthly_usd is not None:
        out["reserved (1 year)"] = [billing.reserved_monthly_usd * target / u for u in UTILIZATION_GRID]
    return out


def break_even(billing: BillingComparison, option_monthly_usd: float) -> float | None:
    """Utilization at which a capacity option costs what on-demand costs (None when never within 0-100 %)."""
    if billing.on_demand_monthly_usd <= 0:
        return None
    u = option_monthly_usd * billing.target_utilization / billing.on_demand_monthly_usd
    return u if 0 < u <= 1 else None


def billing_figure(table: TableEvaluation) -> go.Figure:
    """On-demand vs provisioned vs reserved across utilization for one table, break-evens marked."""
    billing = table.billing
    xs = [100 * u for u in UTILIZATION_GRID]
    fig = go.Figure()
    colors = {"on-demand": COLOR_WRITE, "provisioned": COLOR_READ, "reserved (1 year)": COLOR_STORAGE}
    curves = billing_curves(billing)
    for name, ys in curves.items():
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line={"color": colors[name], "width": 2.5}, name=name,
                                 hovertemplate=f"{name}: " + "$%{y:,.2f}/month at %{x:.0f} % utilization"
                                 "<extra></extra>"))
        # labels at the right end: the dearer capacity option above its line, the cheaper below, on-demand above
        below = name.startswith("reserved")
        fig.add_trace(go.Scatter(x=[xs[-1]], y=[ys[-1]], mode="text", text=[name], hoverinfo="skip",
                                 textposition="bottom left" if below else "top left",
                                 textfont={"color": colors[name]}))
    marks = (("provisioned", billing.provisioned_monthly_usd, 0.98), ("reserved", billing.reserved_monthly_usd, 0.86))
    for name, value, y_paper in marks:
        u = break_even(billing, value) if value is not None else None
        if u is not None:
            fig.add_vline(x=100 * u, line={"color": COLOR_MUTED, "dash": "dot"})
            fig.add_annotation(x=100 * u, y=y_paper, yref="paper", text=f"{name} breaks even at {100 * u:.0f} %",
                               showarrow=False, xanchor="left", yanchor="top", xshift=4, font={"color": COLOR_MUTED},
                               bgcolor="rgba(255,255,255,0.8)")
    top = 3 * max(billing.on_demand_monthly_usd, billing.provisioned_monthly_usd, 1e-9)
    fig.update_yaxes(range=[0, top])
    fig.add_vline(x=100 * billing.target_utilization, line={"color": COLOR_READ, "dash": "dash", "width": 1})
    fig.add_annotation(x=100 * billing.target_utilization, y=0.72, yref="paper", xanchor="right", xshift=-4,
                       text=f"auto scaling target {100 * billing.target_utilization:.0f} %", showarrow=False,
                       font={"color": COLOR_READ}, bgcolor="rgba(255,255,255,0.8)")
    fig.update_xaxes(title="average utilization of provisioned capacity (%)", range=[0, 100])
    fig.update_yaxes(title="monthly throughput cost (USD)")
    return _layout(fig, f"{_plain(table.name)}: on-demand vs provisioned vs reserved", height=340)


# ----------------------------------------------------------------------------- partitions and heat


def partition_load_figure(layout: TargetLayout, max_bars: int = 12) -> go.Figure:
    """Peak load of a target's busiest partitions as a share of one partition's limit, the 100 % line marked."""
    parts = [p for p in layout.hottest_partitions if p.key_count > 0 or p.peak_utilization > 0][:max_bars]
    labels = [f"partition {p.partition} ({p.key_count} key{'s' if p.key_count != 1 else ''})" for p in parts]
    values = [100 * p.peak_utilization for p in parts]
    colors = [COLOR_LIMIT if v > 100 else COLOR_READ for v in values]
    fig = go.Figure(go.Bar(y=labels[::-1], x=values[::-1], orientation="h", marker_color=colors[::-1],
                           text=[f"{v:,.0f} %" for v in values[::-1]], textposition="outside", cliponaxis=False,
                           hovertemplate="%{y}: %{x:,.1f} % of one partition's limit at peak<extra></extra>"))
    fig.add_vline(x=100, line={"color": COLOR_LIMIT, "dash": "dash"})
    fig.add_annotation(x=100, y=1, yref="paper", text="limit: 3,000 RCU / 1,000 WCU per partition",
                       showarrow=False, xanchor="left", yanchor="bottom", font={"color": COLOR_LIMIT})
    top = max(values + [100])
    fig.update_xaxes(title="peak load, % of one partition's limit", range=[0, top * 1.18])
    return _layout(fig, f"{_plain(layout.target)}: busiest partitions at peak", height=max(240, 34 * len(parts) + 110))


def heatmap_figure(heatmap: Heatmap, horizon_seconds: int) -> go.Figure:
    """Partition × time heatmap of consumed load as % of one partition's limit (hottest partitions on top)."""
    z = 100 * heatmap.consumed_utilization
    minutes = [(i + 0.5) * heatmap.bucket_seconds / 60 for i in range(z.shape[1])]
    rows = [f"p{int(p)}" for p in heatmap.partitions]
    fig = go.Figure(go.Heatmap(
        z=z, x=minutes, y=rows, colorscale=[[0, "#f1f4f9"], [0.5, "#ffb347"], [1, "#b00020"]], zmin=0,
        zmax=max(100.0, float(z.max()) if z.size else 100.0),
        colorbar={"title": {"text": "% of limit"}, "thickness": 12},
        hovertemplate="%{y}, minute %{x:.1f}: %{z:,.0f} % of one partition's limit<extra></extra>"))
    fig.update_xaxes(title="time (minutes)", range=[0, horizon_seconds / 60])
    fig.update_yaxes(title="partition (hottest on top)", autorange="reversed", type="category")
    return _layout(fig, f"{_plain(heatmap.target)}: load per partition over time", height=max(260, 16 * len(rows) + 120))


def throttling_figure(result: HeatResult) -> go.Figure:
    """Throttled share of each access pattern's requests over time; each line labelled at its end."""
    fig = go.Figure()
    minutes = None
    shown = [p for p in result.patterns if p.throttled_requests > 0]
    for i, p in enumerate(shown):
        ys = [100 * v for v in p.throttled_fraction_series]
        minutes = [(j + 0.5) * result.bucket_seconds / 60 for j in range(len(ys))]
        color = PALETTE[i % len(PALETTE)]
        fig.add_trace(go.Scatter(x=minutes, y=ys, mode="lines", line={"color": color, "width": 2}, name=_plain(p.name),
                                 hovertemplate=f"{_plain(p.name, template=True)}: " + "%{y:.1f} % throttled at minute %{x:.1f}"
                                 "<extra></extra>"))
        fig.add_annotation(x=minutes[-1], y=ys[-1], text=_plain(_short(p.name, 30)), xanchor="right", yanchor="bottom",
                           showarrow=False, yshift=12 * i, font={"color": color})
    if not shown:  # a flat, labelled 0 % line: an empty plot would look broken
        end = result.horizon_seconds / 60
        fig.add_trace(go.Scatter(x=[0, end], y=[0, 0], mode="lines", line={"color": COLOR_STORAGE, "width": 3},
                                 hovertemplate="no request throttled<extra></extra>"))
        fig.add_trace(go.Scatter(x=[end / 2], y=[0], mode="text", text=["no request was throttled in the hour"],
                                 textposition="top center", hoverinfo="skip",
                                 textfont={"color": COLOR_STORAGE, "size": FONT_SIZE + 1}))
    fig.update_xaxes(title="time (minutes)", range=[0, result.horizon_seconds / 60])
    fig.update_yaxes(title="requests throttled (%)", range=[0, 105])
    return _layout(fig, "Throttled requests over time", height=320)


# ----------------------------------------------------------------------------- streams

COLOR_ARRIVING = COLOR_MUTED


def stream_lag_figure(lags: Sequence[ScenarioLag], horizon_seconds: int) -> go.Figure:
    """One table's stream under a traffic scenario (engine.streams.scenario_lags of that table): above, the records
    arriving per shard against what each consumer gets through per shard; below, each consumer's iterator age
    (the age of the oldest record it has not read), which grows whenever records arrive faster than it reads."""
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.12, row_heights=[0.4, 0.6])
    if not lags:
        return _layout(fig, "Stream lag over time", height=420)
    first = lags[0]
    minutes = [t / 60 for t in first.lag.seconds]
    fig.add_trace(go.Scatter(x=minutes, y=list(first.records_per_second_per_shard), mode="lines",
                             line={"color": COLOR_ARRIVING, "width": 2}, name="records arriving",
                             hovertemplate="minute %{x:.1f}: %{y:,.1f} records/s per shard arriving<extra></extra>"),
                  row=1, col=1)
    fig.add_annotation(x=minutes[-1], y=float(first.records_per_second_per_shard[-1]), text="records arriving",
                       xanchor="right", yanchor="bottom", showarrow=False, font={"color": COLOR_ARRIVING}, row=1, col=1)
    for i, lag in enumerate(lags):
        color = PALETTE[i % len(PALETTE)]
        name = _plain(_short(lag.consumer, 30))
        fig.add_trace(go.Scatter(x=[minutes[0], minutes[-1]], y=[lag.throughput_records_per_second_per_shard] * 2,
                                 mode="lines", line={"color": color, "width": 1.5, "dash": "dash"},
                                 name=f"{name} gets through",
                                 hovertemplate=f"{_plain(lag.consumer, template=True)} gets through " +
                                 "%{y:,.1f} records/s per shard<extra></extra>"), row=1, col=1)
        fig.add_annotation(x=minutes[0], y=lag.throughput_records_per_second_per_shard,
                           text=f"{name} gets through", xanchor="left", yanchor="bottom", showarrow=False,
                           yshift=2, font={"color": color}, row=1, col=1)
        ages = list(lag.lag.iterator_age_seconds)
        fig.add_trace(go.Scatter(x=minutes, y=ages, mode="lines", line={"color": color, "width": 2.5}, name=name,
                                 customdata=list(lag.lag.backlog_records),
                                 hovertemplate=f"{_plain(lag.consumer, template=True)}, minute " +
                                 "%{x:.1f}: iterator age %{y:,.1f} s, %{customdata:,.0f} records waiting per shard"
                                 "<extra></extra>"), row=2, col=1)
        peak = max(range(len(ages)), key=ages.__getitem__)
        fig.add_annotation(x=minutes[peak], y=ages[peak], text=f"{name}: {ages[peak]:,.0f} s", showarrow=True,
                           arrowhead=0, ax=0, ay=-18, font={"color": color}, row=2, col=1)
    fig.update_xaxes(range=[0, horizon_seconds / 60])
    fig.update_xaxes(title="time (minutes)", row=2, col=1)
    fig.update_yaxes(title="records/s per shard", rangemode="tozero", row=1, col=1)
    fig.update_yaxes(title="iterator age (s)", rangemode="tozero", row=2, col=1)
    return _layout(fig, f"{_plain(first.table)} stream: records per shard and consumer lag", height=480)


# ----------------------------------------------------------------------------- comparison


def evaluation_cost_parts(evaluation: Evaluation) -> dict[str, float]:
    """A design's monthly cost by kind: reads, writes, index writes, replication, storage, idle capacity (USD)."""
    return evaluation.cost_by_kind()


def compare_cost_figure(evaluations: Sequence[tuple[str, Evaluation]]) -> go.Figure:
    """Monthly cost of each design side by side, stacked by kind, each segment and total labelled."""
    labels = ["<br>".join(_plain(line) for line in textwrap.wrap(_short(label, 2 * COMPARE_LABEL_LINE_CHARS),
                                                                COMPARE_LABEL_LINE_CHARS, break_on_hyphens=False))
              for label, _ in evaluations]  # design names on two lines rather than cut at 30 characters
    parts = [evaluation_cost_parts(ev) for _, ev in evaluations]
    fig = go.Figure()
    for kind, color in COST_COLORS.items():
        values = [p[kind] for p in parts]
        if not any(v > 0 for v in values):
            continue
        fig.add_trace(go.Bar(x=labels, y=values, name=kind, marker_color=color,
                             text=[f"{kind} ${v:,.0f}" if v > 0 else "" for v in values], textposition="inside",
                             textfont={"color": "white"},
                             hovertemplate="%{x}: " + kind + " $%{y:,.2f}/month<extra></extra>"))
    totals = [ev.total_monthly_usd for _, ev in evaluations]
    fig.add_trace(go.Scatter(x=labels, y=totals, mode="text", text=[usd_text(v) for v in totals],
                             textposition="top center", hoverinfo="skip", cliponaxis=False, showlegend=False))
    fig.update_yaxes(title="monthly cost (USD)", rangemode="tozero", range=[0, max(totals + [1]) * 1.15])
    _layout(fig, "Monthly cost side by side", height=400, barmode="stack")
    _cost_legend(fig)
    fig.update_layout(uniformtext={"minsize": 10, "mode": "hide"})
    return fig
