"""The report as Markdown for a pull-request comment: GFM tables, no links, no HTML, and plain enough to read in a
terminal. Design text is escaped: Markdown punctuation gets a backslash (so nothing becomes a link, image, HTML,
emphasis or table cell break) and line breaks become spaces."""

from __future__ import annotations

import re

from engine.report import units as u
from engine.report.document import Bullets, Code, Document, Figure, Heading, Para, Picture, Table

# Always escaped: code, emphasis, links and images, HTML and autolinks, table cells, strikethrough, math.
_PUNCTUATION = re.compile(r"([\\`*\[\]<>|~$])")
# Escaped where they would act: _ outside a word (emphasis), & starting an entity, # and @ starting an issue
# reference or a mention (a pull-request comment would link or notify).
_CONTEXTUAL = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])|&(?=#?\w+;)|(?<!\w)[#@]")
_LINE_BREAKS = re.compile(r"[\r\n\v\f\x85\u2028\u2029]+")
_LINE_START = re.compile(r"^([-+=]|\d+[.)])")
_AUTOLINK = re.compile(r"(?i)(https?|ftp|mailto|javascript|data)(:)|www(\.)")


def md(value: object, line_start: bool = False) -> str:
    """Design text as inert Markdown on one line. `line_start`: the text starts a line (a paragraph), where - + =
    and "1." would start a list or heading."""
    text = " ".join(part.strip() for part in _LINE_BREAKS.split("" if value is None else str(value)) if part.strip())
    text = _PUNCTUATION.sub(r"\\\1", text)
    text = _CONTEXTUAL.sub(lambda m: "\\" + m.group(0), text)
    # GitHub turns bare URLs and www. names into links: an escaped colon or dot keeps them text.
    text = _AUTOLINK.sub(lambda m: (m.group(1) + "\\:") if m.group(1) else "www\\.", text)
    if line_start:
        text = _LINE_START.sub(lambda m: m.group(0)[:-1] + "\\" + m.group(0)[-1], text)
    return text


def _table(block: Table) -> list[str]:
    out = []
    if block.caption:
        out += [f"*{md(block.caption)}*", ""]
    if block.headers == ("", ""):
        return out + [f"- **{md(k)}**: {md(v)}" for k, v in block.rows] + [""]
    out.append("| " + " | ".join(md(h) for h in block.headers) + " |")
    out.append("|" + "|".join("---:" if i in block.numeric else "---" for i in range(len(block.headers))) + "|")
    for row in block.rows:
        out.append("| " + " | ".join(md(c) or " " for c in row) + " |")
    return out + [""]


def _picture(block: Picture) -> list[str]:
    m = block.report.model
    out = []
    for t in m.tables:
        key = t.partition_key.name + (f" + {t.sort_key.name}" if t.sort_key else "")
        parts = [f"GSI {g.name} ({g.partition_key.name}{' + ' + g.sort_key.name if g.sort_key else ''})"
                 for g in t.gsis]
        parts += [f"LSI {s.name} ({t.partition_key.name} + {s.sort_key.name})" for s in t.lsis]
        entities = [f"{e.name} ({u.count(e.item_count, 'item')})" for e in m.entities_of(t.name)]
        line = f"- table **{md(t.name)}**, key {md(key)}"
        if parts:
            line += "; indexes: " + md(", ".join(parts))
        if entities:
            line += "; entities: " + md(", ".join(entities))
        out.append(line)
    for ap in m.access_patterns:
        target = f"{ap.table} · {ap.index}" if ap.index else ap.table
        verb = "reads" if ap.is_read else "writes"
        out.append(f"- {md(ap.name)} {verb} {md(target)} ({md(ap.operation)}, {md(u.rate(ap.requests_per_second))})")
    return [*out, ""]


def document_markdown(doc: Document) -> str:
    lines = [f"# {md(doc.title)}", "", f"Report date {md(doc.date)}. {md(doc.footer)}", ""]
    for block in doc.blocks:
        if isinstance(block, Heading):
            lines += [f"{'#' * min(block.level, 6)} {md(block.text)}", ""]
        elif isinstance(block, Para):
            prefix = {"note": "", "warning": "**Warning:** "}.get(block.kind, "")
            text = md(block.text, line_start=True)
            lines += [f"{prefix}{'*' + text + '*' if block.kind == 'note' else text}", ""]
        elif isinstance(block, Table):
            lines += _table(block)
        elif isinstance(block, Bullets):
            lines += [f"- {md(i, line_start=True)}" for i in block.items] + [""]
        elif isinstance(block, Picture):
            lines += _picture(block)
        elif isinstance(block, Figure):
            lines += [f"Chart (in the HTML and PDF reports): {md(block.text)}", ""]
        elif isinstance(block, Code):
            lines += [f"{md(block.summary)}: in the HTML report.", ""]
    lines += ["---", "", md(doc.footer), ""]
    return "\n".join(lines)
