"""Charts: plotly figures built from engine results, shared by the app, the CLI and reports.

The only engine module that imports plotly. Every figure labels its lines and bars directly (a
legend is never needed to read it), names its axes with units, and takes engine result objects
as they are, so a number on a chart is the number in the CLI JSON.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go

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


def _layout(fig: go.Figure, title: str, height: int = 380, **kwargs: Any) -> go.Figure:
    fig.update_layout(title={"text": title, "x": 0, "font": {"size": FONT_SIZE + 3}}, height=height,
                      margin={"l": 10, "r": 10, "t": 50, "b": 40}, font={"size": FONT_SIZE},
                      plot_bgcolor="white", paper_bgcolor="white", showlegend=False, **kwargs)
    fig.update_xaxes(gridcolor="#e6e9ef", zerolinecolor="#c9ced8")
    fig.update_yaxes(gridcolor="#e6e9ef", zerolinecolor="#c9ced8")
    return fig


def _short(text: str, limit: int = MAX_LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


# ----------------------------------------------------------------------------- consistency


def _curve_groups(report: Any, names: Sequence[str] | None) -> list[tuple[str, tuple[float, ...], float | None]]:
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


def stale_read_figure(report: Any, names: Sequence[str] | None = None) -> go.Figure:
    """P(stale read) against time since the write, one directly labelled line per distinct read path."""
    fig = go.Figure()
    xs = [x for x in report.curve_ms if x > 0]
    start = len(report.curve_ms) - len(xs)
    for i, (label, curve, delay) in enumerate(_curve_groups(report, names)):
        color = PALETTE[i % len(PALETTE)]
        ys = [100 * v for v in curve[start:]]
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line={"color": color, "width": 2.5}, name=label,
                                 hovertemplate="%{x:.3g} ms after the write: %{y:.3g} % stale<extra>" + label
                                 + "</extra>"))
        if ys:  # label each line where the lines differ most: at the first point, just above it
            fig.add_annotation(x=math.log10(xs[0]), y=ys[0], xanchor="left", yanchor="bottom", yshift=2 + 14 * i,
                               text=_short(label), showarrow=False, font={"color": color, "size": FONT_SIZE - 1})
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


def latency_by_region_figure(mrec: Any | None, mrsc: Any | None) -> go.Figure:
    """Write latency per region for MREC and MRSC side by side (grouped bars, values on the bars)."""
    fig = go.Figure()
    for label, gt, color in (("MREC", mrec, COLOR_READ), ("MRSC", mrsc, COLOR_WRITE)):
        if gt is None:
            continue
        regions = list(gt.write_latency_ms)
        values = [gt.write_latency_ms[r] for r in regions]
        fig.add_trace(go.Bar(x=regions, y=values, name=label, marker_color=color,
                             text=[f"{label}: {v:,.0f} ms" for v in values], textposition="outside"))
    fig.update_yaxes(title="typical write latency (ms)", rangemode="tozero")
    return _layout(fig, "Write latency per region", height=340, barmode="group")
