"""The report as one self-contained HTML file: styles and plotly.js inline, no request when opened.

Every piece of design text goes through `esc` (html.escape); design text never becomes an attribute value
other than a fixed class or id, never a link. A Content-Security-Policy forbids any network request."""

from __future__ import annotations

import html
import re

from engine.report.document import Bullets, Code, Document, Figure, Heading, Para, Picture, Table

CHART_WIDTH_PX = 680  # fits the printable width of A4 (186 mm) and Letter (192 mm) at 12 mm margins
MAX_CHART_HEIGHT_PX = 900  # fits a printed page's height with the chart's heading
PLOTLY_BEGIN = "<!-- plotly.js (inlined) -->"
PLOTLY_END = "<!-- /plotly.js -->"
PLOTLY_CONFIG = {"displayModeBar": False, "responsive": False, "displaylogo": False}
NUM = ' class="num"'
PAPER_SIZES = {"a4": "A4", "letter": "letter"}

CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; "
       "font-src data:; connect-src 'none'; form-action 'none'; base-uri 'none'")

STYLE = """
:root { --ink: #1d2330; --muted: #5b6474; --line: #d7dce5; --read: #2457a6; --write: #e07b00; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, Helvetica, sans-serif; color: var(--ink);
       font-size: 14px; line-height: 1.45; margin: 0; background: #fff; }
main { max-width: 1000px; margin: 0 auto; padding: 24px; }
h1 { font-size: 24px; margin: 0 0 4px; overflow-wrap: anywhere; }
h2 { font-size: 19px; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--line);
     overflow-wrap: anywhere; }
h3 { font-size: 16px; margin: 20px 0 6px; overflow-wrap: anywhere; }
h4 { font-size: 14px; margin: 14px 0 4px; overflow-wrap: anywhere; }
p { margin: 6px 0; overflow-wrap: anywhere; white-space: pre-line; }
.meta { color: var(--muted); margin-bottom: 12px; }
.note { color: var(--muted); }
.warning { background: #fff4e0; border-left: 4px solid var(--write); padding: 6px 10px; }
nav.toc { columns: 2; font-size: 13px; margin: 8px 0 16px; }
nav.toc a { color: var(--read); text-decoration: none; }
table { border-collapse: collapse; width: calc(100% - 2px); margin: 8px 0 12px; font-size: 12.5px; }
caption { text-align: left; color: var(--muted); padding: 2px 0 4px; caption-side: top; }
th, td { border: 1px solid var(--line); padding: 3px 5px; text-align: left; vertical-align: top;
         overflow-wrap: break-word; }
th { background: #f3f5f9; font-weight: 600; }
td.num, th.num { text-align: right; }
table.kv td:first-child { width: 32%; font-weight: 600; background: #f8f9fb; }
ul { margin: 4px 0 10px; padding-left: 22px; }
li { overflow-wrap: anywhere; }
details { margin: 6px 0 12px; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; font-size: 11px; background: #f6f7f9; padding: 8px;
      border: 1px solid var(--line); }
.chart { width: 680px; max-width: 100%; margin: 10px 0 16px; break-inside: avoid; page-break-inside: avoid; }
.picture { display: flex; flex-wrap: wrap; gap: 10px; margin: 8px 0; }
.ptable { border: 1px solid #9aa5b8; border-radius: 6px; padding: 6px 8px; background: #eef3fb; min-width: 200px;
          flex: 1 1 260px; break-inside: avoid; page-break-inside: avoid; }
.ptable .name { font-weight: 700; overflow-wrap: anywhere; }
.ptable .sub { color: var(--muted); font-size: 12px; overflow-wrap: anywhere; }
.chip { display: inline-block; border-radius: 4px; padding: 1px 6px; margin: 2px 2px 0 0; font-size: 12px;
        overflow-wrap: anywhere; max-width: 100%; }
.chip.index { background: #f4f0fa; border: 1px solid #c9bde0; }
.chip.entity { background: #eef8f1; border: 1px solid #b7d8c2; }
ul.flows { list-style: none; padding-left: 0; font-size: 12.5px; }
ul.flows li { margin: 2px 0; }
.read { color: var(--read); } .write { color: var(--write); }
footer { margin-top: 28px; border-top: 1px solid var(--line); padding-top: 8px; color: var(--muted);
         font-size: 12px; overflow-wrap: anywhere; }
@page { margin: 12mm; }
@media print {
  body { font-size: 10pt; }
  main { max-width: none; padding: 0; }
  nav.toc { display: none; }
  h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  table { font-size: 8pt; page-break-inside: auto; }
  th, td { padding: 2px 4px; }
  thead { display: table-header-group; }
  tr, .ptable, .chart { break-inside: avoid; page-break-inside: avoid; }
  details { display: none; }
  .chart { width: 100%; }
}
"""


def esc(value: object) -> str:
    """Text for HTML element content or a quoted attribute: & < > " ' as entities."""
    return html.escape("" if value is None else str(value), quote=True)


_SPACES = re.compile(r"(\s+)")
_BREAK_AFTER = re.compile(r"(?<=[#/_:=|·])|(?<=[A-Za-z]-)|(?<=[.,])(?!\d)")
WRAP_CHUNK = 18


def esc_wrap(value: object) -> str:
    """Escaped text for a table cell, with line-break opportunities (<wbr>) inside long unbroken runs (after
    # / _ : = | and a word's - . , (not inside a number), and every 18 characters), so a column is never wider than its words and nothing is cut."""
    out = []
    for token in _SPACES.split("" if value is None else str(value)):
        if len(token) < 10 or token.isspace():
            out.append(esc(token))
            continue
        pieces = []
        for part in _BREAK_AFTER.split(token):
            pieces += [part[i:i + WRAP_CHUNK] for i in range(0, len(part), WRAP_CHUNK)] or [""]
        out.append("<wbr>".join(esc(p) for p in pieces if p))
    return "".join(out)


def _table(block: Table) -> str:
    kv = block.headers == ("", "")
    parts = [f'<table class="{"kv" if kv else "grid"}">']
    if block.caption:
        parts.append(f"<caption>{esc(block.caption)}</caption>")
    if not kv:
        cells = "".join(f"<th{NUM if i in block.numeric else ''}>{esc_wrap(h)}</th>"
                        for i, h in enumerate(block.headers))
        parts.append(f"<thead><tr>{cells}</tr></thead>")
    parts.append("<tbody>")
    for row in block.rows:
        cells = "".join(f"<td{NUM if i in block.numeric else ''}>{esc_wrap(c)}</td>" for i, c in enumerate(row))
        parts.append(f"<tr>{cells}</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


def _picture(block: Picture) -> str:
    from engine.report import units as u

    m = block.report.model
    boxes = []
    for t in m.tables:
        key = t.partition_key.name + (f" + {t.sort_key.name}" if t.sort_key else "")
        chips = []
        for g in t.gsis:
            gk = g.partition_key.name + (f" + {g.sort_key.name}" if g.sort_key else "")
            chips.append(f'<span class="chip index">GSI {esc(g.name)}: {esc(gk)} ({esc(g.projection.type)})</span>')
        for s in t.lsis:
            chips.append(f'<span class="chip index">LSI {esc(s.name)}: {esc(t.partition_key.name)} + '
                         f'{esc(s.sort_key.name)} ({esc(s.projection.type)})</span>')
        for e in m.entities_of(t.name):
            chips.append(f'<span class="chip entity">{esc(e.name)} · {esc(u.count(e.item_count, "item"))}</span>')
        boxes.append(f'<div class="ptable"><div class="name">table {esc(t.name)}</div>'
                     f'<div class="sub">key: {esc(key)} · {esc(t.table_class)}</div>{"".join(chips)}</div>')
    flows = []
    for ap in m.access_patterns:
        kind = "read" if ap.is_read else "write"
        target = f"{ap.table} · {ap.index}" if ap.index else ap.table
        extra = []
        for action in getattr(ap, "actions", ()):
            table = m.entity(action.entity).table
            if table != ap.table and table not in extra:
                extra.append(table)
        targets = ", ".join([target, *extra])
        flows.append(f'<li class="{kind}">{"reads" if kind == "read" else "writes"} ← <b>{esc(ap.name)}</b> '
                     f'({esc(ap.operation)}, {esc(u.rate(ap.requests_per_second))}) → {esc(targets)}</li>')
    out = f'<div class="picture">{"".join(boxes)}</div>'
    if flows:
        out += f'<ul class="flows">{"".join(flows)}</ul>'
    return out


class _Figures:
    """Figures as HTML divs with fixed ids; plotly.js taken once from the first figure into the head."""

    def __init__(self) -> None:
        self.plotly_js = ""

    def render(self, block: Figure) -> str:
        fig = block.build()
        height = min(int(fig.layout.height or 380), MAX_CHART_HEIGHT_PX)
        # The template by name: importing streamlit changes plotly's default template, and a report must come out
        # the same from the CLI and from the app.
        fig.layout.template = None
        fig.update_layout(width=CHART_WIDTH_PX, height=height, template="plotly")
        x_range = fig.layout.xaxis.range
        for annotation in fig.layout.annotations:  # a label at a vertical line in the right half: keep it inside
            if (annotation.xanchor == "left" and str(annotation.text).startswith("limit:") and x_range
                    and annotation.x is not None and annotation.x > 0.5 * x_range[1]):
                annotation.xanchor, annotation.xshift = "right", -4
        first = not self.plotly_js
        text = fig.to_html(full_html=False, include_plotlyjs=first, div_id=block.div_id, config=PLOTLY_CONFIG)
        if first:
            start = text.index("<script>window.PlotlyConfig")
            end = text.index(f'<div id="{block.div_id}"')
            self.plotly_js = text[start:end].strip()
            text = text[:start] + text[end:]
        return f'<div class="chart" role="img" aria-label="{esc(block.text)}">{text}</div>'


def document_html(doc: Document, paper: str | None = None) -> str:
    """The document as one HTML file. `paper` (a4 or letter) fixes the printed page size (the PDF does);
    None leaves it to the printer's setting (both fit)."""
    figures = _Figures()
    body: list[str] = []
    toc: list[str] = []
    for block in doc.blocks:
        if isinstance(block, Heading):
            anchor = f' id="{esc(block.anchor)}"' if block.anchor else ""
            body.append(f"<h{block.level}{anchor}>{esc(block.text)}</h{block.level}>")
            if block.anchor and block.level <= 3:
                toc.append(f'<a href="#{esc(block.anchor)}">{esc(block.text)}</a>')
        elif isinstance(block, Para):
            cls = f' class="{block.kind}"' if block.kind != "p" else ""
            body.append(f"<p{cls}>{esc(block.text)}</p>")
        elif isinstance(block, Table):
            body.append(_table(block))
        elif isinstance(block, Bullets):
            body.append("<ul>" + "".join(f"<li>{esc(i)}</li>" for i in block.items) + "</ul>")
        elif isinstance(block, Code):
            body.append(f"<details><summary>{esc(block.summary)}</summary><pre>{esc(block.text)}</pre></details>")
        elif isinstance(block, Picture):
            body.append(_picture(block))
        elif isinstance(block, Figure):
            body.append(figures.render(block))
    page = ""
    if paper is not None:
        page = f"@page {{ size: {PAPER_SIZES[paper]}; margin: 12mm; }}\n"
    head = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(doc.title)}</title>",
        f"<style>{STYLE}{page}</style>",
    ]
    if figures.plotly_js:
        head += [PLOTLY_BEGIN, figures.plotly_js, PLOTLY_END]
    head.append("</head>")
    nav = f'<nav class="toc">{"<br>".join(toc)}</nav>' if toc else ""
    out = [*head, "<body>", "<main>", f"<h1>{esc(doc.title)}</h1>",
           f'<div class="meta">Report date {esc(doc.date)} · {esc(doc.footer)}</div>', nav, *body,
           f"<footer>{esc(doc.footer)} Report date {esc(doc.date)}.</footer>", "</main>", "</body>", "</html>", ""]
    return "\n".join(out)


def strip_plotly(text: str) -> str:
    """The HTML with the inlined plotly.js replaced by a marker (for comparisons that survive a plotly release)."""
    start = text.find(PLOTLY_BEGIN)
    if start < 0:
        return text
    end = text.index(PLOTLY_END, start) + len(PLOTLY_END)
    return text[:start] + "<!-- plotly.js left out -->" + text[end:]


