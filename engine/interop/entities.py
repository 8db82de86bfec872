"""Entities from sample items: key templates, variables and attribute sizes read off real key values."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from engine.interop.keys import (
    MAX_VARIABLE_VALUES,
    Template,
    default_size,
    infer_template,
    snake,
    template_from_alias,
    wire_scalar_text,
)
from engine.interop.notes import Notes

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def key_attributes(table: dict) -> list[tuple[str, str, str]]:
    """(attribute, type, role) of every key attribute of a table's plain data: role is pk, sk or index."""
    out: list[tuple[str, str, str]] = []
    seen: set[str] = set()

    def add(key: dict | None, role: str) -> None:
        if key and key["name"] not in seen:
            seen.add(key["name"])
            out.append((key["name"], key.get("type", "S"), role))

    add(table["partition_key"], "pk")
    add(table.get("sort_key"), "sk")
    for gsi in table.get("gsis", ()):
        add(gsi["partition_key"], "index")
        add(gsi.get("sort_key"), "index")
    for lsi in table.get("lsis", ()):
        add(lsi["sort_key"], "index")
    return out


def _alias_template(alias: str, values: list[str]) -> Template | None:
    """A `{var}` alias (as the workbench exports it) when every observed value fits it."""
    if not _PLACEHOLDER.search(alias):
        return None
    names = _PLACEHOLDER.findall(alias)
    if len(set(names)) != len(names):
        return None
    pattern = re.compile("^" + _PLACEHOLDER.sub(lambda m: f"(?P<{m.group(1)}>.*?)", re.escape(alias)
                                                .replace(r"\{", "{").replace(r"\}", "}")) + "$")
    found: dict[str, list[str]] = {n: [] for n in names}
    for v in values:
        m = pattern.match(v)
        if m is None:
            return None
        for n in names:
            if m.group(n) not in found[n]:
                found[n].append(m.group(n))
    return Template(alias, found, {n: "id" for n in names})


def build_entity(name: str, table: dict, items: list[dict], aliases: dict[str, str], declared: list[str],
                 attribute_types: dict[str, str], notes: Notes, where: str) -> dict:
    """Plain data of one entity of `table` from its sample items, key aliases and declared attributes."""
    keys: list[dict] = []
    variables: dict[str, list[str]] = {}
    kinds: dict[str, str] = {}
    item_count = len(items)
    for attr, key_type, role in key_attributes(table):
        values = [t for t in (wire_scalar_text(item.get(attr)) for item in items) if t is not None]
        alias = aliases.get(role) if role in ("pk", "sk") else None
        tpl: Template | None = None
        if values:
            tpl = _alias_template(alias, values) if alias else None
            if tpl is None:
                tpl = infer_template(values, alias or attr, key_type)
            if tpl.outliers:
                notes.add("guessed", f"{where}, key {attr}",
                          f"{tpl.outliers} of {len(values)} sample values have another shape than '{tpl.template}'",
                          "one template per key attribute; split the entity if they are different item types")
        elif role in ("pk", "sk") or attr in declared:
            tpl = template_from_alias(alias) if alias else template_from_alias("{" + snake(attr) + "}")
            if key_type != "S":
                v = next(iter(tpl.values), snake(attr))
                tpl = Template("{" + v + "}", {v: []}, {v: "number" if key_type == "N" else "id"})
            notes.add("guessed", f"{where}, key {attr}", f"template '{tpl.template}' from "
                      + (f"the key alias {alias!r}" if alias else "the attribute name"),
                      "no sample item shows a value; check the template and its variables' cardinalities")
        if tpl is None:
            continue  # the entity is not in this index: nothing to note
        keys.append({"attribute": attr, "template": tpl.template})
        for var, vals in tpl.values.items():
            merged = variables.setdefault(var, [])
            merged += [v for v in vals if v not in merged]
            kinds.setdefault(var, tpl.kinds.get(var, "id"))
    out_vars = []
    for var, vals in variables.items():
        entry: dict[str, Any] = {"name": var, "cardinality": max(1, len(vals))}
        if kinds.get(var, "id") != "id":
            entry["kind"] = kinds[var]
        if 0 < len(vals) <= MAX_VARIABLE_VALUES:
            entry["values"] = list(vals)
        elif not vals:
            entry["cardinality"] = max(1, item_count)
        out_vars.append(entry)
    key_names = {k["attribute"] for k in keys}
    attributes = _attributes(items, declared, key_names, attribute_types, notes, where)
    entity: dict[str, Any] = {"name": name, "table": table["name"], "item_count": max(1, item_count),
                              "attributes": attributes, "keys": keys, "variables": out_vars}
    return entity


def _attributes(items: list[dict], declared: list[str], key_names: set[str], attribute_types: dict[str, str],
                notes: Notes, where: str) -> list[dict]:
    from engine.itemsize import attribute_value_size_bytes

    names = [n for n in dict.fromkeys([*declared, *(a for item in items for a in item)]) if n not in key_names]
    odd = [n for n in names if not 1 <= len(n) <= 255]
    if odd:
        notes.add("skipped", where, f"{len(odd)} attribute(s) with an empty name or a name over 255 characters",
                  "the workbench names attributes with 1-255 characters")
        names = [n for n in names if n not in odd]
    out = []
    guessed: list[str] = []
    for name in names:
        carried = [item[name] for item in items if isinstance(item.get(name), dict) and len(item[name]) == 1]
        if carried:
            kind = Counter(next(iter(v)) for v in carried).most_common(1)[0][0]
            sizes = [attribute_value_size_bytes(v) for v in carried if next(iter(v)) == kind]
            spec: dict[str, Any] = {"name": name, "type": kind, "size_bytes": float(round(sum(sizes) / len(sizes), 1))}
            if len(carried) < len(items):
                spec["presence"] = round(len(carried) / len(items), 4)
        else:
            kind = attribute_types.get(name, "S")
            spec = {"name": name, "type": kind, "size_bytes": default_size(kind)}
            guessed.append(name)
        out.append(spec)
    if guessed:
        notes.add("guessed", where, f"value sizes of {', '.join(guessed)} (defaults by type)",
                  "no sample item carries them; set size_bytes to what the application stores")
    return out
