"""A report as a list of blocks (headings, paragraphs, tables, figures...) built once from DesignReports and
written by each renderer (html.py, markdown.py), so the HTML, the PDF and the Markdown say the same thing.

Block text is plain text exactly as the design has it: renderers escape it for their format. Figures are
built lazily (plotly is needed only for HTML)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.report import units as u
from engine.report.data import DesignReport

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
READ_OPERATIONS = {"GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"}


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str = ""


@dataclass(frozen=True)
class Para:
    text: str
    kind: str = "p"  # p | note | warning


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: frozenset[int] = frozenset()  # right-aligned columns
    caption: str = ""


@dataclass(frozen=True)
class Figure:
    div_id: str
    build: Callable[[], Any] = field(compare=False)
    text: str  # what the figure shows, in words (the Markdown shows this)


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Code:
    summary: str
    text: str


@dataclass(frozen=True)
class Picture:
    """The design picture: tables (keys, indexes, entities) and what each pattern reads or writes."""

    report: DesignReport = field(compare=False)


Block = Heading | Para | Table | Figure | Bullets | Code | Picture


@dataclass(frozen=True)
class Document:
    title: str
    date: str
    blocks: tuple[Block, ...]
    footer: str


# ----------------------------------------------------------------------------- helpers


def _target(table: str, index: str | None) -> str:
    return f"{table} · {index}" if index else table


def _sev_sorted(findings: Sequence[Any]) -> list[Any]:
    return sorted(findings, key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.rule_id, f.path))


def _severity_counts(findings: Sequence[Any]) -> str:
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.severity] = counts.get(f.severity, 0) + 1
    if not counts:
        return "none"
    return ", ".join(f"{counts[s]} {s}" for s in sorted(counts, key=lambda s: SEVERITY_ORDER.get(s, 9)))


def _catalog_line(r: DesignReport) -> str:
    c = r.evaluation.catalog
    return f"{c.name} ({c.id}), prices of {c.date}, region {c.region}, {c.hours_per_month:g} hours/month"


def _money_note(r: DesignReport) -> str:
    c = r.evaluation.catalog
    return f"All money in USD per month at the {c.id} prices ({c.region}, {c.date})."


def _legend(fig: Any) -> Any:
    """A colour legend under the plot for every named line or bar (text-only label traces stay out of it)."""
    named = 0
    for trace in fig.data:
        mode = getattr(trace, "mode", None) or ""
        if (mode == "text" or mode == "markers" or not trace.name) and trace.type != "bar":
            trace.showlegend = False
        elif trace.type == "heatmap":
            trace.showlegend = False
        else:
            named += 1
    if named and not fig.layout.showlegend:
        height = (fig.layout.height or 380) + 50
        margin = fig.layout.margin
        fig.update_layout(showlegend=True, height=height,
                          legend={"orientation": "h", "yref": "container", "yanchor": "bottom", "y": 0.0, "x": 0},
                          margin={"l": margin.l, "r": margin.r, "t": margin.t, "b": (margin.b or 40) + 50})
    return fig


# ----------------------------------------------------------------------------- one design


def design_blocks(r: DesignReport, prefix: str, level: int = 2) -> list[Block]:
    """Every section of one design's report; `prefix` makes figure ids and anchors unique (a, b)."""
    h = level
    m, ev = r.model, r.evaluation
    out: list[Block] = []
    out += _summary(r, prefix, h)
    out += _picture(r, prefix, h)
    out += _charts(r, prefix, h)
    out += _capacity(r, prefix, h)
    out += _billing(r, prefix, h)
    out += _partitions(r, prefix, h)
    out += _throttling(r, prefix, h)
    out += _consistency(r, prefix, h)
    out += _findings(r, prefix, h)
    out += _assumptions(r, prefix, h)
    out += _catalog(r, prefix, h)
    del m, ev
    return out


def summary_rows(r: DesignReport) -> list[tuple[str, str]]:
    m, ev = r.model, r.evaluation
    worst = r.riskiest_read
    rows = [
        ("Design", m.name),
        ("Region", m.region),
        ("Price catalog", _catalog_line(r)),
        ("Monthly cost", u.usd(ev.total_monthly_usd) + (" (free tier deducted)" if ev.free_tier else "")),
        ("Traffic", u.rate(r.requests_per_second) + " in total (average)"),
        ("Tables, entities, access patterns",
         f"{len(m.tables)} tables, {len(m.entities)} entities, {len(m.access_patterns)} access patterns"),
        ("Findings", _severity_counts(r.findings)),
        ("Throttled in the simulated hour", u.percent(r.throttled_share, 2) + " of requests"),
        ("Hottest key at peak", u.percent(r.hottest_key_utilization, 0) + " of one partition's limit"),
        ("Highest stale-read risk", (f"{u.percent(worst.expected_stale_at_read_after_write, 2)} ({worst.name})"
                                     if worst else "no read pattern")),
        ("Design content hash (sha256 of the canonical JSON)", r.content_sha256),
        ("Workbench version", f"ddb-workbench {r.workbench_version}, engine {r.engine_version}"),
    ]
    return rows


def _summary(r: DesignReport, p: str, h: int) -> list[Block]:
    m, ev = r.model, r.evaluation
    out: list[Block] = [Heading(h, "Summary", f"{p}summary")]
    if m.description:
        out.append(Para(m.description))
    out.append(Table(("", ""), tuple(summary_rows(r))))
    if m.region != ev.catalog.region:
        out.append(Para(f"The design names region {m.region}, but the prices are {ev.catalog.region}'s "
                        f"({ev.catalog.id}): every money figure in this report is at {ev.catalog.region} prices. "
                        "Supply that region's prices as a custom catalog file to price it there.", "warning"))
    if m.lesson:
        out.append(Para(f"What to look at: {m.lesson.look_at}"))
        out.append(Para(f"What it teaches: {m.lesson.teaches}"))
        if m.lesson.try_this:
            out.append(Para(f"Try this: {m.lesson.try_this}"))
    return out


def _picture(r: DesignReport, p: str, h: int) -> list[Block]:
    from engine.diagram import design_dot

    return [Heading(h, "The design at a glance", f"{p}picture"),
            Para("Tables with their keys, indexes and the entities they hold; each access pattern with what it "
                 "reads (blue) or writes (orange) and its rate."),
            Picture(r),
            Code("Graphviz DOT source of the picture (render it with: dot -Tsvg)", design_dot(r.model))]


def _charts(r: DesignReport, p: str, h: int) -> list[Block]:
    from engine.io import to_data
    from engine.model.edits import key_attributes

    m = r.model
    out: list[Block] = [Heading(h, "Entity chart", f"{p}entity-chart")]
    shown = False
    for table in m.tables:
        entities = m.entities_of(table.name)
        if not entities:
            continue
        shown = True
        columns = key_attributes(to_data(table))
        rows = tuple((e.name, *[(e.key_template(c).template if e.key_template(c) else "") for c in columns])
                     for e in entities)
        out.append(Table(("entity", *columns), rows,
                         caption=f"Table {table.name}: key templates per entity (empty: the item has no such "
                                 "attribute and stays out of that index)"))
    if not shown:
        out.append(Para("No entities are defined."))
    out.append(Heading(h, "Access-pattern chart", f"{p}pattern-chart"))
    rows = []
    for ap in m.access_patterns:
        kc = ap.key_condition
        sk = kc.sort_key if kc else None
        rows.append((ap.name, ap.operation, _target(ap.table, ap.index), kc.partition_key if kc else "",
                     f"{sk.operator} {sk.value}" if sk else "", u.rate(ap.requests_per_second)))
    if rows:
        out.append(Table(("access pattern", "operation", "target", "partition key", "sort key condition", "rate"),
                         tuple(rows), numeric=frozenset({5})))
    else:
        out.append(Para("No access patterns are defined."))
    return out


def _capacity(r: DesignReport, p: str, h: int) -> list[Block]:
    from engine import charts

    ev = r.evaluation
    out: list[Block] = [Heading(h, "Capacity and cost per access pattern", f"{p}cost"), Para(_money_note(r), "note")]
    rows = []
    for pe in ev.patterns:
        index_wu = sum(pe.index_write_units_per_request.values())
        rows.append((pe.name, pe.operation, _target(pe.table, pe.index), pe.consistency or "-",
                     u.rate(pe.requests_per_second), u.units(pe.read_units_per_request, "RU"),
                     u.units(pe.write_units_per_request, "WU"), u.units(index_wu, "WU"),
                     u.usd(pe.monthly_usd + pe.replication_monthly_usd)))
    if rows:
        out.append(Table(("access pattern", "operation", "target", "read", "rate", "read units / request",
                          "write units / request", "index write units / request", "cost"), tuple(rows),
                         numeric=frozenset({4, 5, 6, 7, 8})))
    kinds = ev.cost_by_kind()
    out.append(Table(("kind of cost", "monthly cost"),
                     tuple((k, u.usd(v)) for k, v in kinds.items() if v > 0) + (("total", u.usd(ev.total_monthly_usd)),),
                     numeric=frozenset({1})))
    out.append(Figure(f"{p}fig-cost", lambda: charts.cost_breakdown_figure(ev),
                      "Where the money goes: monthly cost per access pattern and per table's storage, by kind."))
    sizes = [(s.entity, s.table, u.size(s.mean_size_bytes), f"{u.size(s.min_size_bytes)} to {u.size(s.max_size_bytes)}",
              u.count(s.item_count, "item"), u.size(s.storage_bytes_per_item * s.item_count))
             for s in ev.entity_sizes]
    if sizes:
        out.append(Heading(h + 1, "Item sizes", f"{p}sizes"))
        out.append(Table(("entity", "table", "mean item size", "range", "items", "storage"), tuple(sizes),
                         numeric=frozenset({2, 4, 5})))
    if ev.screens:
        out.append(Heading(h + 1, "Screens", f"{p}screens"))
        out.append(Table(("screen", "requests per view", "read units per view", "write units per view",
                          "cost per million views"),
                         tuple((s.name, u.units(s.requests_per_view, "requests"), u.units(s.read_units_per_view, "RU"),
                                u.units(s.write_units_per_view, "WU"), u.usd(s.usd_per_million_views, None))
                               for s in ev.screens), numeric=frozenset({1, 2, 3, 4})))
    return out


def _billing(r: DesignReport, p: str, h: int) -> list[Block]:
    from engine import charts

    ev = r.evaluation
    out: list[Block] = [Heading(h, "Billing and table class", f"{p}billing"),
                        Para("Throughput cost of each table's load under each billing option (at the auto scaling "
                             "target utilization for provisioned and reserved capacity), and the whole table's "
                             "cost in each table class. " + _money_note(r), "note")]
    rows = []
    for t in ev.tables:
        b = t.billing
        rows.append((t.name, t.billing_mode, u.usd(b.on_demand_monthly_usd), u.usd(b.provisioned_monthly_usd),
                     u.usd(b.provisioned_for_peak_monthly_usd),
                     u.usd(b.reserved_monthly_usd) if b.reserved_monthly_usd is not None else "n/a",
                     u.percent(b.target_utilization, 0), b.recommended))
    out.append(Table(("table", "billed as", "on-demand", "provisioned", "provisioned for peak", "reserved (1 year)",
                      "target utilization", "cheapest"), tuple(rows), numeric=frozenset({2, 3, 4, 5, 6})))
    rows = []
    for t in ev.tables:
        c = t.table_class_comparison
        rows.append((t.name, t.table_class, u.usd(c.standard_monthly_usd), u.usd(c.standard_ia_monthly_usd),
                     c.recommended, c.reason))
    out.append(Table(("table", "class now", "Standard", "Standard-IA", "cheaper", "why"), tuple(rows),
                     numeric=frozenset({2, 3})))
    rows = [(t.name, u.usd(t.throughput_monthly_usd), u.usd(t.storage_monthly_usd), u.usd(t.replication_monthly_usd),
             u.usd(t.idle_capacity_monthly_usd), u.usd(t.monthly_usd), u.size(t.storage_bytes)) for t in ev.tables]
    out.append(Table(("table", "throughput", "storage", "replication", "of which idle capacity", "total",
                      "stored data"), tuple(rows), numeric=frozenset({1, 2, 3, 4, 5, 6})))
    for i, t in enumerate(ev.tables):
        if t.billing.on_demand_monthly_usd > 0 or t.billing.provisioned_monthly_usd > 0:
            out.append(Figure(f"{p}fig-billing-{i}", lambda t=t: _legend(charts.billing_figure(t)),
                              f"{t.name}: on-demand vs provisioned vs reserved throughput cost by utilization."))
    return out


MAX_PARTITION_FIGURES = 4
MAX_HOT_KEYS = 10


def _partitions(r: DesignReport, p: str, h: int) -> list[Block]:
    from engine import charts

    rep = r.partitions
    out: list[Block] = [Heading(h, "Partitions and hot keys", f"{p}partitions")]
    rows = [(t.target, t.billing, u.count(t.count, "partition"), t.driver,
             u.percent(t.hottest_partition_share, 1), u.percent(t.headroom, 0)) for t in rep.targets]
    out.append(Table(("table or index", "billing", "partitions", "what sets the count", "hottest partition's share "
                      "of the load", "headroom at peak"), tuple(rows), numeric=frozenset({2, 4, 5})))
    keys = [(k.target, k.key, u.units(k.read_units_per_second, "RCU/s"), u.units(k.write_units_per_second, "WCU/s"),
             u.percent(k.peak_partition_utilization, 0), u.percent(k.share_of_target, 1))
            for k in rep.hot_keys[:MAX_HOT_KEYS]]
    if keys:
        out.append(Table(("table or index", "key", "reads", "writes", "peak, share of one partition's limit",
                          "share of the target's load"), tuple(keys), numeric=frozenset({2, 3, 4, 5}),
                         caption=f"Hottest keys (at most {MAX_HOT_KEYS}; limit 3,000 RCU and 1,000 WCU per second "
                                 "per partition)"))
    busy = sorted(rep.targets, key=lambda t: -max((x.peak_utilization for x in t.hottest_partitions), default=0.0))
    for i, t in enumerate(busy[:MAX_PARTITION_FIGURES]):
        if any(x.key_count > 0 or x.peak_utilization > 0 for x in t.hottest_partitions):
            out.append(Figure(f"{p}fig-partitions-{i}", lambda t=t: charts.partition_load_figure(t),
                              f"{t.target}: peak load of its busiest partitions as a share of one partition's limit."))
    return out


def _throttling(r: DesignReport, p: str, h: int) -> list[Block]:
    from engine import charts

    heat = r.heat
    out: list[Block] = [Heading(h, "Throttling simulation", f"{p}throttling"),
                        Para(f"Scenario: {r.heat_description}.", "note")]
    rows = [(x.name, u.count(x.requests, "request"), u.percent(x.throttled_fraction, 2),
             ", ".join(f"{k} {v:,.0f}" for k, v in x.throttle_reasons.items()) or "-",
             f"{x.first_throttled_second:,} s" if x.first_throttled_second is not None else "-")
            for x in heat.patterns]
    if rows:
        out.append(Table(("access pattern", "requests", "throttled", "throttled requests by reason",
                          "first throttled at"), tuple(rows), numeric=frozenset({1, 2, 4})))
    ends = {t.target: t.partitions_end for t in heat.targets}
    split = [(t.target, u.count(t.partitions_start, "partition"), u.count(ends[t.target], "partition"))
             for t in heat.targets if ends.get(t.target, t.partitions_start) != t.partitions_start]
    if split:
        out.append(Table(("table or index", "partitions at the start", "at the end"), tuple(split),
                         numeric=frozenset({1, 2}), caption="Partitions split during the simulation"))
    out.append(Figure(f"{p}fig-throttling", lambda: _legend(charts.throttling_figure(heat)),
                      "Throttled share of each access pattern's requests over the simulated hour."))
    keys = [(k.target, k.key, u.units(k.consumed_units_per_second, "units/s"),
             u.units(k.demanded_units_per_second, "units/s"), u.percent(k.throttled_fraction, 2))
            for k in heat.hot_keys[:MAX_HOT_KEYS]]
    if keys:
        out.append(Table(("table or index", "key", "admitted", "demanded", "throttled"), tuple(keys),
                         numeric=frozenset({2, 3, 4}),
                         caption="Simulated hottest keys (ConsumedThroughputUnits = 3 x WCU + RCU per second)"))
    return out


def _consistency(r: DesignReport, p: str, h: int) -> list[Block]:
    from engine import charts

    rep = r.consistency
    out: list[Block] = [Heading(h, "Consistency per read", f"{p}consistency")]
    rows = []
    for x in rep.patterns:
        at = x.stale_probability_at_ms
        if not x.can_be_strong:
            strong = "not possible (GSI)"
        elif x.strong_read_extra_monthly_usd is None:
            strong = "-"
        else:
            strong = u.usd(x.strong_read_extra_monthly_usd, None) + " more per month"
        rows.append((x.name, x.read_path, x.consistency, u.ms(x.read_after_write_ms), u.percent(at.get("0"), 2),
                     u.percent(at.get("100"), 2), u.percent(at.get("1000"), 2),
                     u.percent(x.expected_stale_at_read_after_write, 2), strong))
    if rows:
        out.append(Table(("read pattern", "read path", "read", "read comes after the write", "stale at 0 ms",
                          "at 100 ms", "at 1 s", "stale at its delay", "strong read"), tuple(rows),
                         numeric=frozenset({3, 4, 5, 6, 7})))
        recs = [f"{x.name}: {x.recommendation}" for x in rep.patterns
                if x.expected_stale_at_read_after_write > 0 and x.recommendation]
        if recs:
            out.append(Bullets(tuple(recs)))
        out.append(Figure(f"{p}fig-stale", lambda: _legend(charts.stale_read_figure(rep)),
                          "Chance that a read misses the latest write, by time since the write, per read path."))
    else:
        out.append(Para("The design has no read access pattern."))
    for g in rep.global_tables:
        out.append(Heading(h + 1, f"Global table {g.table} ({g.mode})", ""))
        facts = [("regions", ", ".join(g.regions) + (f", witness {g.witness_region}" if g.witness_region else ""))]
        if g.mode == "MRSC":
            facts.append(("writes rejected (ReplicatedWriteConflictException)",
                          f"{g.replicated_write_conflicts_per_day or 0:,.1f} per day"))
        else:
            facts.append(("writes lost to last writer wins", f"{g.lost_updates_per_day:,.1f} per day"))
        facts.append(("write latency", ", ".join(f"{reg} {u.ms(v)}" for reg, v in g.write_latency_ms.items())))
        facts += [("check" if c.ok else "FAILED check", c.message) for c in g.constraints]
        out.append(Table(("", ""), tuple(facts)))
    return out


def _findings(r: DesignReport, p: str, h: int) -> list[Block]:
    out: list[Block] = [Heading(h, "Findings", f"{p}findings")]
    found = _sev_sorted(r.findings)
    if not found:
        return [*out, Para("No findings.")]
    rows = []
    for f in found:
        title = getattr(f, "title", "") or ""
        rows.append((f.rule_id, f.severity, f.path, (title + ": " if title else "") + f.message, f.fix))
    out.append(Table(("id", "severity", "where", "finding", "fix"), tuple(rows)))
    return out


def _assumptions(r: DesignReport, p: str, h: int) -> list[Block]:
    from engine.consistency import assumption_docs

    ev = r.evaluation
    out: list[Block] = [Heading(h, "Assumptions", f"{p}assumptions")]
    groups = (("Capacity and cost", ev.assumptions), ("Partitions", r.partitions.assumptions),
              ("Throttling simulation", r.heat.assumptions), ("Consistency", r.consistency.notes),
              ("Not modelled by the price catalog", ev.catalog.not_modelled))
    for title, items in groups:
        if items:
            out.append(Heading(h + 1, title, ""))
            out.append(Bullets(tuple(items)))
    docs = assumption_docs()
    values = r.consistency.assumptions.model_dump(mode="json")
    rows = tuple((name, _value_text(values[name]), docs.get(name, "")) for name in values)
    out.append(Heading(h + 1, "Consistency model parameters", ""))
    out.append(Table(("parameter", "value", "meaning and source"), rows))
    return out


def _value_text(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, tuple)):
        return "; ".join(_value_text(v) for v in value) if value else "none"
    return str(value)


def _catalog(r: DesignReport, p: str, h: int) -> list[Block]:
    c = r.evaluation.catalog
    return [Heading(h, "Price catalog", f"{p}catalog"),
            Table(("", ""), (("id", c.id), ("name", c.name), ("date", c.date), ("region", c.region),
                             ("hours per month", f"{c.hours_per_month:g} h"))),
            Heading(h + 1, "Sources", ""), Bullets(tuple(c.sources) or ("none recorded",))]


# ----------------------------------------------------------------------------- documents


def _footer(reports: Sequence[DesignReport]) -> str:
    first = reports[0]
    hashes = "; ".join(f"{r.model.name}: sha256 {r.content_sha256}" for r in reports)
    return f"ddb-workbench {first.workbench_version} (engine {first.engine_version}). Design content hash: {hashes}."


def design_document(r: DesignReport, date: str) -> Document:
    return Document(title=f"Design report: {r.model.name}", date=date, blocks=tuple(design_blocks(r, "a-")),
                    footer=_footer([r]))


def _difference(a: float, b: float) -> float:
    """b - a, with floating-point noise (under a millionth of a dollar) shown as zero."""
    d = b - a
    return 0.0 if abs(d) < 1e-6 else d


def _better(va: float | None, vb: float | None, tolerance: float = 1e-9) -> str:
    if va is None or vb is None:
        return "not comparable"
    if abs(va - vb) <= tolerance * max(1.0, abs(va), abs(vb)):
        return "same"
    return "A" if va < vb else "B"


def compare_blocks(a: DesignReport, b: DesignReport) -> list[Block]:
    from engine import charts

    same_traffic = abs(a.requests_per_second - b.requests_per_second) <= 0.01 * max(a.requests_per_second,
                                                                                    b.requests_per_second)
    wa, wb = a.riskiest_read, b.riskiest_read
    rows = [
        ("Design", a.model.name, b.model.name, ""),
        ("Traffic (average)", u.rate(a.requests_per_second), u.rate(b.requests_per_second),
         "same" if same_traffic else "different work: compare the cost per million requests"),
        ("Monthly cost", u.usd(a.evaluation.total_monthly_usd), u.usd(b.evaluation.total_monthly_usd),
         _better(a.evaluation.total_monthly_usd, b.evaluation.total_monthly_usd, 1e-6) if same_traffic
         else "not comparable (different traffic)"),
        ("Cost per million requests",
         u.usd(a.usd_per_million_requests, None) if a.usd_per_million_requests is not None else "n/a",
         u.usd(b.usd_per_million_requests, None) if b.usd_per_million_requests is not None else "n/a",
         _better(a.usd_per_million_requests, b.usd_per_million_requests, 1e-3)),
        ("Throttled in the simulated hour", u.percent(a.throttled_share, 2), u.percent(b.throttled_share, 2),
         _better(a.throttled_share, b.throttled_share)),
        ("Hottest key at peak (share of one partition's limit)", u.percent(a.hottest_key_utilization, 0),
         u.percent(b.hottest_key_utilization, 0), _better(a.hottest_key_utilization, b.hottest_key_utilization, 1e-3)),
        ("Requests per screen (average)",
         u.units(a.requests_per_screen, "requests") if a.requests_per_screen is not None else "n/a",
         u.units(b.requests_per_screen, "requests") if b.requests_per_screen is not None else "n/a",
         _better(a.requests_per_screen, b.requests_per_screen)),
        ("Highest stale-read risk",
         f"{u.percent(wa.expected_stale_at_read_after_write, 2)} ({wa.name})" if wa else "no read pattern",
         f"{u.percent(wb.expected_stale_at_read_after_write, 2)} ({wb.name})" if wb else "no read pattern",
         _better(wa.expected_stale_at_read_after_write if wa else None,
                 wb.expected_stale_at_read_after_write if wb else None, 1e-6)),
        ("Findings", _severity_counts(a.findings), _severity_counts(b.findings), ""),
        ("Price catalog", _catalog_line(a), _catalog_line(b), ""),
        ("Content hash (sha256)", a.content_sha256, b.content_sha256, ""),
    ]
    out: list[Block] = [Heading(2, "Side by side", "compare"),
                        Para("Lower is better in every row; the last column names the better design. Throttling "
                             f"comes from {a.heat_description}.", "note"),
                        Table(("metric", "A", "B", "better"), tuple(rows))]
    ca = a.evaluation.cost_by_kind()
    cb = b.evaluation.cost_by_kind()
    kind_rows = tuple((k, u.usd(ca.get(k, 0.0)), u.usd(cb.get(k, 0.0)), u.usd(_difference(ca.get(k, 0.0), cb.get(k, 0.0))))
                      for k in dict.fromkeys([*ca, *cb]) if ca.get(k, 0.0) > 0 or cb.get(k, 0.0) > 0)
    out.append(Heading(3, "Monthly cost by kind", "compare-kinds"))
    out.append(Table(("kind of cost", "A", "B", "B minus A"), kind_rows, numeric=frozenset({1, 2, 3})))
    out.append(Figure("compare-fig-cost", lambda: charts.compare_cost_figure(
        [(f"A: {a.model.name}", a.evaluation), (f"B: {b.model.name}", b.evaluation)]),
        "Monthly cost of A and B side by side, stacked by kind."))
    pa = {x.name: x for x in a.evaluation.patterns}
    pb = {x.name: x for x in b.evaluation.patterns}
    rows = []
    for name in dict.fromkeys([*pa, *pb]):
        xa, xb = pa.get(name), pb.get(name)

        def units_of(x: Any) -> str:
            if x is None:
                return "absent"
            return (f"{u.rate(x.requests_per_second)}, {u.units(x.read_units_per_request, 'RU')} + "
                    f"{u.units(x.write_units_per_request + sum(x.index_write_units_per_request.values()), 'WU')} "
                    "per request")

        cost_a = xa.monthly_usd + xa.replication_monthly_usd if xa else None
        cost_b = xb.monthly_usd + xb.replication_monthly_usd if xb else None
        diff = u.usd(_difference(cost_a, cost_b), None) if cost_a is not None and cost_b is not None else "-"
        rows.append((name, units_of(xa), units_of(xb), u.usd(cost_a) if cost_a is not None else "absent",
                     u.usd(cost_b) if cost_b is not None else "absent", diff))
    out.append(Heading(3, "Per access pattern", "compare-patterns"))
    if rows:
        out.append(Table(("access pattern", "A: rate and units", "B: rate and units", "A cost", "B cost",
                          "B minus A per month"), tuple(rows), numeric=frozenset({3, 4, 5})))
    else:
        out.append(Para("Neither design has access patterns."))
    return out


def compare_document(a: DesignReport, b: DesignReport, date: str) -> Document:
    blocks: list[Block] = compare_blocks(a, b)
    for label, r, prefix in (("A", a, "a-"), ("B", b, "b-")):
        blocks.append(Heading(2, f"Design {label}: {r.model.name}", f"design-{label.lower()}"))
        blocks += design_blocks(r, prefix, level=3)
    return Document(title=f"Design comparison: A {a.model.name} vs B {b.model.name}", date=date,
                    blocks=tuple(blocks), footer=_footer([a, b]))
