"""The design picture: tables with their keys and indexes, the entities stored in each, and what every access
pattern reads or writes, as Graphviz DOT text (the aggregate view a reviewer reads at a glance)."""

from __future__ import annotations

from engine.model import AccessPattern, DataModel

READ_COLOR = "#2457a6"
WRITE_COLOR = "#e07b00"
TABLE_FILL = "#eef3fb"
INDEX_FILL = "#f4f0fa"
ENTITY_FILL = "#eef8f1"


def _escape(text: str) -> str:
    return str(text).replace("\\", "\\\\").replace('"', '\\"')


def _label(text: str) -> str:
    """Design text in a quoted DOT label, shown as typed: quotes and backslashes escaped (no \\n, \\N... escapes
    from a name) and `&` as an entity (Graphviz decodes entities such as &lt; in labels). Labels are always quoted
    strings, never HTML-like <...> labels, and no URL/href/image attribute is ever built from design text."""
    return _escape(str(text).replace("&", "&amp;"))


def _quote(text: str) -> str:
    return '"' + _escape(text) + '"'


def _rate(value: float) -> str:
    return f"{value:,.4g} req/s"


def _node(node_id: str, label_lines: list[str], attributes: str) -> str:
    label = "\\n".join(_label(line) for line in label_lines)  # DOT's line break inside a quoted label
    return f'    {_quote(node_id)} [label="{label}", {attributes}];'


def _edge(tail: str, head: str, attributes: str) -> str:
    return f"  {_quote(tail)} -> {_quote(head)} [{attributes}];"


def design_dot(model: DataModel) -> str:
    """DOT text of the design: one cluster per table (the table, its GSIs and LSIs, its entities), one node per
    access pattern with an arrow to the table or index it targets (blue reads, orange writes), labelled with its
    operation and rate; a transaction's arrows go to every table its actions touch."""
    lines = ["digraph design {", "  rankdir=LR; compound=true; nodesep=0.25; ranksep=0.6;",
             '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11];',
             '  edge [fontname="Helvetica", fontsize=9];']
    for t, table in enumerate(model.tables):
        table_id = "t:" + table.name
        keys = table.partition_key.name + (f" + {table.sort_key.name}" if table.sort_key else "")
        lines.append(f"  subgraph cluster_{t} {{")
        lines.append(f'    label="{_label("table " + table.name)}"; style="rounded"; color="#9aa5b8"; '
                     'fontname="Helvetica";')
        lines.append(_node(table_id, [table.name, f"key: {keys}"], f'fillcolor="{TABLE_FILL}"'))
        for index in (*table.gsis, *table.lsis):
            kind = "GSI" if index in table.gsis else "LSI"
            pk = index.partition_key.name if kind == "GSI" else table.partition_key.name
            sk = f" + {index.sort_key.name}" if index.sort_key else ""
            index_id = f"i:{table.name}#{index.name}"
            lines.append(_node(index_id, [f"{kind} {index.name}", f"key: {pk}{sk}", f"projects {index.projection.type}"],
                               f'fillcolor="{INDEX_FILL}"'))
            lines.append("  " + _edge(table_id, index_id, 'style=dashed, arrowhead=none, color="#9aa5b8"'))
        for entity in model.entities_of(table.name):
            entity_id = "e:" + entity.name
            lines.append(_node(entity_id, [entity.name, f"{entity.item_count:,} items"],
                               f'shape=note, fillcolor="{ENTITY_FILL}"'))
            lines.append("  " + _edge(entity_id, table_id, "style=dotted, arrowhead=none"))
        lines.append("  }")
    for p in model.access_patterns:
        color = READ_COLOR if p.is_read else WRITE_COLOR
        pattern_id = "p:" + p.name
        lines.append(_node(pattern_id, [p.name, f"{p.operation} · {_rate(p.requests_per_second)}"],
                           f'shape=box, style="rounded", color="{color}", fontcolor="{color}"')[2:])
        for target in _targets(model, p):
            lines.append(_edge(pattern_id, target, f'color="{color}"'))
    lines.append("}")
    return "\n".join(lines)


def _targets(model: DataModel, pattern: AccessPattern) -> list[str]:
    targets = [f"i:{pattern.table}#{pattern.index}" if pattern.index else f"t:{pattern.table}"]
    for action in getattr(pattern, "actions", ()):
        table = model.entity(action.entity).table
        if f"t:{table}" not in targets:
            targets.append(f"t:{table}")
    return targets


__all__ = ["design_dot"]
