"""The SQL both export engines run (DuckDB and Spark): DynamoDB's item size rules as SQL, one item per row.

What a scan knows before it starts is a `ScanPlan`: the table's key schema and indexes, how entities are
recognised (the design's key templates as LIKE patterns, or key prefixes such as `USER#`), and the
attribute names read as typed columns ("known" names). Stage 1 turns every `{"Item": {...}}` line into one row of
the `items` relation; stage 2 (engine.evidence.export) aggregates it with the same SQL text on both engines, so
both give the same integers, and every figure derived from them is computed once, in Python.

Item size (DOMAIN.md §1, DG/CapacityUnitCalculations.html, the rules of engine.itemsize):
- a known attribute's value is read as a struct with one field per DynamoDB type; S is its UTF-8 bytes, B the bytes
  its base64 text decodes to, BOOL and NULL 1 byte, N the base-100 rule (`number_size_sql`, the same steps as
  engine.itemsize.number_size_bytes), SS/NS/BS the sum of their elements;
- L and M values (documents) nest, and SQL has no recursion over JSON that both engines share: DuckDB sizes flat
  documents (every member or element an S, N, B, BOOL or NULL) in SQL with JSONPath wildcards, and every other
  document (and Spark every document) is sized by engine.itemsize itself, in a Python UDF (`document_size`);
- attribute names not among the known names ("extras") are sized, with the whole item, by engine.itemsize in a
  Python UDF (`extra_attributes`), only for the rows that have them;
- item size = the sum over attributes of the name's UTF-8 bytes plus the value size.
A value DynamoDB would reject (an empty set, BOOL that is not true/false, a value with no type key, a document
engine.itemsize refuses) marks its row as not ok: the scan then stops and the file and line are found
(engine.evidence.export_files.diagnose) before anything is reported.

Values are otherwise trusted as DynamoDB wrote them: an S given as a JSON number is sized as its text and a value
with two type keys as its first (DynamoDB writes neither). Numbers are trimmed of spaces only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from engine.evidence.export_files import MAX_LINE_BYTES
from engine.itemsize import ItemSizeError, attribute_value_size_bytes

TYPE_TAGS = ("S", "N", "B", "BOOL", "NULL", "SS", "NS", "BS", "L", "M")
SCALAR_TEXT_TAGS = ("S", "N", "B", "BOOL", "NULL")  # read as text (BOOL/NULL too, to check true/false)
SET_TAGS = ("SS", "NS", "BS")
DOCUMENT_TAGS = ("L", "M")
UNRECOGNISED = "(unrecognised)"
NO_PREFIX = "(no key prefix)"
ALL_ITEMS = "(all items)"
# A key value's prefix: the leading '#'-separated tokens that are upper-case words or empty (`USER#`, `#STAR#`),
# as engine.interop.keys.is_literal keeps literal tokens of a key template.
PREFIX_PATTERN = "^((?:[A-Z][A-Z_-]*)?#)*"
INVALID = -1


@dataclass(frozen=True)
class IndexPlan:
    """A secondary index as the scan needs it: its keys and what its entries carry."""

    name: str
    kind: Literal["GSI", "LSI"]
    partition_key: str
    sort_key: str | None
    projection: Literal["ALL", "KEYS_ONLY", "INCLUDE"] = "ALL"
    included: tuple[str, ...] = ()

    @property
    def key_names(self) -> tuple[str, ...]:
        return tuple(k for k in (self.partition_key, self.sort_key) if k)


@dataclass(frozen=True)
class KeySchema:
    """The table's keys and indexes, and where they came from (design, describe-table, guessed, none)."""

    source: Literal["design", "describe-table", "guessed", "none"]
    partition_key: str | None = None
    sort_key: str | None = None
    indexes: tuple[IndexPlan, ...] = ()

    @property
    def key_names(self) -> tuple[str, ...]:
        return tuple(k for k in (self.partition_key, self.sort_key) if k)

    @property
    def gsis(self) -> tuple[IndexPlan, ...]:
        return tuple(i for i in self.indexes if i.kind == "GSI")

    @property
    def lsis(self) -> tuple[IndexPlan, ...]:
        return tuple(i for i in self.indexes if i.kind == "LSI")


@dataclass(frozen=True)
class EntityMatcher:
    """A design entity recognised by its key templates: every (attribute, LIKE pattern) pair must match."""

    name: str
    patterns: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class VariableProbe:
    """One template variable of an entity, read from one key attribute by a capturing group."""

    entity: str
    variable: str
    attribute: str
    pattern: str
    group: int


@dataclass(frozen=True)
class ScanPlan:
    """Everything stage 1 needs: key schema, entity recognition, the attribute names read as typed columns."""

    keys: KeySchema
    known: tuple[str, ...]
    entities: tuple[EntityMatcher, ...] | None = None  # None: entities by key prefix
    probes: tuple[VariableProbe, ...] = ()

    def key_columns(self) -> list[tuple[str, str, str, str | None]]:
        """(column, attribute, role, index) of every key column stage 1 writes."""
        out: list[tuple[str, str, str, str | None]] = []
        if self.keys.partition_key:
            out.append(("pk", self.keys.partition_key, "table partition key", None))
        if self.keys.sort_key:
            out.append(("sk", self.keys.sort_key, "table sort key", None))
        for i, index in enumerate(self.keys.gsis):
            out.append((f"g{i}_pk", index.partition_key, f"GSI {index.name} partition key", index.name))
            if index.sort_key:
                out.append((f"g{i}_sk", index.sort_key, f"GSI {index.name} sort key", index.name))
        for i, index in enumerate(self.keys.lsis):
            out.append((f"l{i}_sk", index.sort_key or "", f"LSI {index.name} sort key", index.name))
        return out


# ----------------------------------------------------------------------------- templates as regexes


def template_regex(template: str) -> tuple[str, tuple[str, ...]]:
    """A key template as an anchored regex with one lazy group per variable: `USER#{id}` -> (?s)^USER\\x{23}(.+?)\\z.

    Literal characters other than letters and digits are written as \\x{HEX}, which RE2 (DuckDB) and Java (Spark)
    read alike; `\\z` is the end of the text in both (Java's `$` would also match before a final newline)."""
    from engine.model.entity import template_variables

    names = template_variables(template)
    parts = re.split(r"\{[A-Za-z_][A-Za-z0-9_]*\}", template)
    out = ["(?s)^"]
    for i, literal in enumerate(parts):
        out.append("".join(c if c.isascii() and c.isalnum() else f"\\x{{{ord(c):X}}}" for c in literal))
        if i < len(names):
            out.append("(.+?)")
    out.append("\\z")
    return "".join(out), names


# ----------------------------------------------------------------------------- dialects


class Dialect:
    """The few spellings DuckDB and Spark SQL do not share."""

    name = "generic"
    explode = "unnest"

    def lit(self, text: str) -> str:
        """A string literal."""
        raise NotImplementedError

    def field(self, base: str, name: str) -> str:
        """A struct field of `base`."""
        raise NotImplementedError

    def ident(self, name: str) -> str:
        """A quoted column name."""
        raise NotImplementedError

    def utf8_bytes(self, expr: str) -> str:
        raise NotImplementedError

    def base64_bytes(self, expr: str) -> str:
        raise NotImplementedError

    def list_len(self, expr: str) -> str:
        raise NotImplementedError

    def list_sum(self, expr: str, var: str, body: str) -> str:
        """Sum (BIGINT) of `body` over the elements `var` of a list; 0 for an empty list."""
        raise NotImplementedError

    def list_any(self, expr: str, var: str, cond: str) -> str:
        raise NotImplementedError

    def int_div(self, a: str, b: str) -> str:
        """Integer division of non-negative integers."""
        raise NotImplementedError

    def document_size(self, tag: str, expr: str) -> str:
        """Value size of an L or M value (JSON text): engine.itemsize in Python (ddb_document_size)."""
        return f"ddb_document_size({self.lit(tag)}, {expr})"

    def regex_extract(self, expr: str, pattern: str, group: int) -> str:
        return f"regexp_extract({expr}, {self.lit(pattern)}, {group})"

    def regex_replace(self, expr: str, pattern: str, replacement: str) -> str:
        return f"regexp_replace({expr}, {self.lit(pattern)}, {self.lit(replacement)})"


class DuckDBDialect(Dialect):
    """DuckDB: standard string literals (no backslash escapes), struct_extract, list lambdas."""

    name = "duckdb"
    explode = "unnest"

    def lit(self, text: str) -> str:
        return "'" + text.replace("'", "''") + "'"

    def field(self, base: str, name: str) -> str:
        return f"struct_extract({base}, {self.lit(name)})"

    def ident(self, name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    def utf8_bytes(self, expr: str) -> str:
        return f"strlen({expr})"

    def base64_bytes(self, expr: str) -> str:
        return f"octet_length(from_base64({expr}))"

    def list_len(self, expr: str) -> str:
        return f"len({expr})"

    def list_sum(self, expr: str, var: str, body: str) -> str:
        return f"coalesce(list_sum(list_transform({expr}, lambda {var}: CAST({body} AS BIGINT))), 0)"

    def list_any(self, expr: str, var: str, cond: str) -> str:
        return f"(len(list_filter({expr}, lambda {var}: {cond})) > 0)"

    def int_div(self, a: str, b: str) -> str:
        return f"({a} // {b})"

    def document_size(self, tag: str, expr: str) -> str:
        """A flat document (members or elements all S, N, B, BOOL or NULL, the common case) sized in SQL with
        JSONPath wildcards (`$.*.S`: the S of every member): 3 + 1 per element + member names + values (DOMAIN.md
        §1); any other document (nested, sets, a value of no or two types) by engine.itemsize in Python."""
        if tag == "M":
            count = f"len(json_keys({expr}))"
            names = f"coalesce(list_sum(list_transform(json_keys({expr}), lambda k_: strlen(k_))), 0)"
            path = "$.*."
        else:
            count = f"json_array_length({expr})"
            names = "0"
            path = "$[*]."
        found = {t: f"json_extract_string({expr}, {self.lit(path + t)})" for t in SCALAR_TEXT_TAGS}
        strings = self.list_sum(found["S"], "v_", "strlen(v_)")
        others = (f"{self.list_sum(found['N'], 'v_', number_size_sql(self, 'v_'))} + "
                  f"{self.list_sum(found['B'], 'v_', self.base64_bytes('v_'))} + len({found['BOOL']}) + "
                  f"len({found['NULL']})")
        every = " + ".join(f"len({found[t]})" for t in SCALAR_TEXT_TAGS)
        bools_bad = self.list_any(found["BOOL"], "v_", "v_ NOT IN ('true', 'false')")
        nulls_bad = self.list_any(found["NULL"], "v_", "v_ <> 'true'")
        valid = f"NOT {bools_bad} AND NOT {nulls_bad}"
        return (f"(CASE WHEN len({found['S']}) = {count} THEN 3 + {count} + {names} + {strings} "
                f"WHEN {every} = {count} AND {valid} THEN 3 + {count} + {names} + {strings} + {others} "
                f"ELSE {super().document_size(tag, expr)} END)")


class SparkDialect(Dialect):
    """Spark SQL: backslash escapes in literals, backquoted fields, higher-order functions."""

    name = "spark"
    explode = "explode"

    def lit(self, text: str) -> str:
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"

    def field(self, base: str, name: str) -> str:
        return f"{base}.{self.ident(name)}"

    def ident(self, name: str) -> str:
        return "`" + name.replace("`", "``") + "`"

    def utf8_bytes(self, expr: str) -> str:
        return f"octet_length({expr})"

    def base64_bytes(self, expr: str) -> str:
        return f"length(unbase64({expr}))"

    def list_len(self, expr: str) -> str:
        return f"size({expr})"

    def list_sum(self, expr: str, var: str, body: str) -> str:
        return f"aggregate({expr}, CAST(0 AS BIGINT), (acc_, {var}) -> acc_ + CAST({body} AS BIGINT))"

    def list_any(self, expr: str, var: str, cond: str) -> str:
        return f"exists({expr}, {var} -> {cond})"

    def int_div(self, a: str, b: str) -> str:
        return f"({a} DIV {b})"


# ----------------------------------------------------------------------------- size rules as SQL


def number_size_sql(d: Dialect, expr: str) -> str:
    """Bytes of an N value, as engine.itemsize.number_size_bytes computes them (DOMAIN.md §1, base-100 rule).

    Digits without leading/trailing zeros; e = exponent of the last kept digit; top = e + digits - 1;
    size = 1 + (floor(top/2) - floor(e/2) + 1) + 1 if negative; zero is 1 byte."""
    text = f"trim({expr})"
    pattern = "^([+-]?)([0-9]*)([.]([0-9]*))?([eE]([+-]?[0-9]+))?$"
    sign = d.regex_extract(text, pattern, 1)
    whole = d.regex_extract(text, pattern, 2)
    frac = d.regex_extract(text, pattern, 4)
    expo = d.regex_extract(text, pattern, 6)
    lead = d.regex_replace(f"({whole} || {frac})", "^0+", "")
    digits = d.regex_replace(lead, "0+$", "")
    exponent = (f"(coalesce(CAST(nullif({expo}, '') AS BIGINT), 0) - length({frac}) "
                f"+ length({lead}) - length({digits}))")
    top = f"({exponent} + length({digits}) - 1)"
    pairs = f"(CAST(floor({top} / 2.0) AS BIGINT) - CAST(floor({exponent} / 2.0) AS BIGINT) + 1)"
    negative = f"(CASE WHEN {sign} = '-' THEN 1 ELSE 0 END)"
    return f"(CASE WHEN {digits} = '' THEN CAST(1 AS BIGINT) ELSE CAST(1 + {pairs} + {negative} AS BIGINT) END)"


def value_size_sql(d: Dialect, value: str) -> tuple[str, str]:
    """(value size, type code) of one attribute read as a struct of type fields (`value`, NULL when absent); the
    code is the type's position in TYPE_TAGS.

    Size NULL: attribute absent, or a value with no type key (the row's attribute count then disagrees with the
    line's and the line is checked by engine.itemsize in Python); -1 (INVALID): a value DynamoDB would reject. A
    value carrying two type keys (DynamoDB never writes one) is read as its first."""
    f = {t: d.field(value, t) for t in TYPE_TAGS}
    sets = {"SS": d.utf8_bytes("x_"), "NS": number_size_sql(d, "x_"), "BS": d.base64_bytes("x_")}
    cases = [f"WHEN {f['S']} IS NOT NULL THEN CAST({d.utf8_bytes(f['S'])} AS BIGINT)",
             f"WHEN {f['N']} IS NOT NULL THEN {number_size_sql(d, f['N'])}",
             f"WHEN {f['B']} IS NOT NULL THEN CAST({d.base64_bytes(f['B'])} AS BIGINT)",
             f"WHEN {f['BOOL']} IS NOT NULL THEN CASE WHEN {f['BOOL']} IN ('true', 'false') THEN 1 ELSE {INVALID} END",
             f"WHEN {f['NULL']} IS NOT NULL THEN CASE WHEN {f['NULL']} = 'true' THEN 1 ELSE {INVALID} END"]
    for tag, body in sets.items():
        cases.append(f"WHEN {f[tag]} IS NOT NULL THEN CASE WHEN {d.list_len(f[tag])} = 0 THEN {INVALID} "
                     f"ELSE {d.list_sum(f[tag], 'x_', body)} END")
    for tag in DOCUMENT_TAGS:
        cases.append(f"WHEN {f[tag]} IS NOT NULL THEN {d.document_size(tag, f[tag])}")
    # An absent attribute is a NULL struct: decided first, so the type checks run only on present values.
    size = f"(CASE WHEN {value} IS NULL THEN NULL " + " ".join(cases) + " END)"
    code = (f"(CASE WHEN {value} IS NULL THEN NULL "
            + " ".join(f"WHEN {f[t]} IS NOT NULL THEN {i}" for i, t in enumerate(TYPE_TAGS)) + " END)")
    return size, code


def name_bytes(name: str) -> int:
    """UTF-8 bytes of an attribute name (it counts toward the item size)."""
    return len(name.encode("utf-8"))


TYPE_CODE_BASE = 16  # a stored attribute is value size * 16 + its type's position in TYPE_TAGS


def stage1_sql(d: Dialect, plan: ScanPlan, parsed: str) -> str:
    """SELECT turning `parsed` (file, line, r = the typed struct, n_keys = attributes on the line) into items rows.

    Output columns: file, ok, entity, size, the key columns (ScanPlan.key_columns), per index its entry bytes
    (g{i}_bytes / l{i}_bytes, NULL when the item is not in the index), per known attribute a{i} (value size * 16 +
    type code, NULL when absent), extras (list of (n, t, s) for the other attributes)."""
    item = d.field("r", "Item")
    cols_a = ["file", "line", "n_keys", f"({item} IS NOT NULL) AS has_item"]
    index = {name: i for i, name in enumerate(plan.known)}
    key_attributes = {attr for _, attr, _, _ in plan.key_columns()}
    for i, name in enumerate(plan.known):
        value = d.field(item, name)
        size, code = value_size_sql(d, value)
        cols_a += [f"{size} AS a{i}_s", f"{code} AS a{i}_c"]
        if name in key_attributes:
            cols_a.append(f"coalesce({d.field(value, 'S')}, {d.field(value, 'N')}, {d.field(value, 'B')}) AS k{i}")
    level_a = f"SELECT {', '.join(cols_a)} FROM {parsed}"

    present = " + ".join(f"(CASE WHEN a{i}_s IS NULL THEN 0 ELSE 1 END)" for i in range(len(plan.known))) or "0"
    # The UDF gets the line only where it is needed (Spark evaluates a Python UDF on every row, even inside CASE).
    level_b = (f"SELECT *, ddb_extra_attributes(CASE WHEN has_item AND n_keys <> ({present}) THEN line END) AS extras "
               f"FROM ({level_a}) a_")

    def attr_sum(names: Sequence[str]) -> str:
        terms = [f"coalesce(a{index[n]}_s + {name_bytes(n)}, 0)" for n in dict.fromkeys(names) if n in index]
        return " + ".join(terms) or "0"

    extras_bytes = d.list_sum("extras", "e_", f"e_.s + {d.utf8_bytes('e_.n')}")
    size = f"({attr_sum(plan.known)} + coalesce({extras_bytes}, 0))"
    keys = {col: attr for col, attr, _, _ in plan.key_columns()}
    out = ["file"]
    checks = ["has_item", "n_keys > 0", f"{d.utf8_bytes('line')} <= {MAX_LINE_BYTES}",
              f"n_keys = ({present}) + coalesce({d.list_len('extras')}, 0)",
              f"NOT coalesce({d.list_any('extras', 'e_', 'e_.n IS NULL')}, false)"]
    checks += [f"coalesce(a{i}_s, 0) >= 0" for i in range(len(plan.known))]
    checks += [f"k{index[plan.keys.partition_key]} IS NOT NULL"] if plan.keys.partition_key else []
    checks += [f"k{index[plan.keys.sort_key]} IS NOT NULL"] if plan.keys.sort_key else []
    out.append(f"({' AND '.join(checks)}) AS ok")
    for col, attr in keys.items():
        out.append(f"k{index[attr]} AS {col}")
    table_keys = plan.keys.key_names
    for prefix, indexes in (("g", plan.keys.gsis), ("l", plan.keys.lsis)):
        for i, ix in enumerate(indexes):
            present_keys = " AND ".join(f"a{index[k]}_s IS NOT NULL" for k in (*table_keys, *ix.key_names))
            if ix.projection == "ALL":
                entry = size
            else:
                names = [*table_keys, *ix.key_names, *(ix.included if ix.projection == "INCLUDE" else ())]
                entry = f"({attr_sum(names)})"
            out.append(f"CASE WHEN {present_keys} THEN {entry} END AS {prefix}{i}_bytes")
    out.append(f"{size} AS size")
    out += [f"CASE WHEN a{i}_s < 0 THEN {INVALID} ELSE a{i}_s * {TYPE_CODE_BASE} + a{i}_c END AS a{i}"
            for i in range(len(plan.known))]
    out.append("extras")
    level_c = f"SELECT {', '.join(out)} FROM ({level_b}) b_"
    columns = [c.rsplit(" AS ", 1)[-1] if " AS " in c else c for c in out]
    prefixes, entity = entity_sql(d, plan)
    level_d = f"SELECT *{prefixes} FROM ({level_c}) c_"
    return f"SELECT {', '.join(columns)}, {entity} AS entity FROM ({level_d}) d_"


def template_like(template: str) -> str:
    """A key template as a LIKE pattern (escape character '!'): each `{variable}` is one or more characters."""
    parts = re.split(r"\{[A-Za-z_][A-Za-z0-9_]*\}", template)
    escaped = [re.sub(r"([!%_])", r"!\1", p) for p in parts]
    return "_%".join(escaped)


def entity_sql(d: Dialect, plan: ScanPlan) -> tuple[str, str]:
    """(extra columns for the level below, the entity expression): the first design entity whose key templates all
    match (LIKE, cheaper than a regex and the same match), else the key prefix group."""
    if plan.entities is not None:
        columns = {attr: col for col, attr in (("pk", plan.keys.partition_key), ("sk", plan.keys.sort_key)) if attr}
        cases = []
        for matcher in plan.entities:
            conds = [f"{columns[attr]} LIKE {d.lit(like)} ESCAPE '!'" for attr, like in matcher.patterns
                     if attr in columns]
            cases.append(f"WHEN {' AND '.join(conds) or 'true'} THEN {d.lit(matcher.name)}")
        return "", (f"(CASE {' '.join(cases)} ELSE {d.lit(UNRECOGNISED)} END)" if cases else d.lit(UNRECOGNISED))
    if not plan.keys.partition_key:
        return "", d.lit(ALL_ITEMS)
    pk = d.regex_extract("pk", PREFIX_PATTERN, 0)
    if not plan.keys.sort_key:
        return f", {pk} AS pkp_", f"(CASE WHEN pkp_ = '' THEN {d.lit(NO_PREFIX)} ELSE 'pk=' || pkp_ END)"
    sk = d.regex_extract("sk", PREFIX_PATTERN, 0)
    return (f", {pk} AS pkp_, {sk} AS skp_",
            f"(CASE WHEN pkp_ = '' AND skp_ = '' THEN {d.lit(NO_PREFIX)} "
            "WHEN skp_ = '' OR skp_ = pkp_ THEN 'pk=' || pkp_ ELSE 'pk=' || pkp_ || ' sk=' || skp_ END)")


# ----------------------------------------------------------------------------- stage 2 queries


def attribute_rows_sql(d: Dialect, plan: ScanPlan) -> str:
    """(entity, n, t, s) for every attribute of every item: known columns, then the extras."""
    base = TYPE_CODE_BASE
    parts = [f"SELECT entity, {d.lit(name)} AS n, a{i} % {base} AS t, {d.int_div(f'a{i}', str(base))} AS s "
             f"FROM items WHERE a{i} IS NOT NULL" for i, name in enumerate(plan.known)]
    code = "CASE e_.t " + " ".join(f"WHEN {d.lit(t)} THEN {i}" for i, t in enumerate(TYPE_TAGS)) + " END"
    parts.append(f"SELECT entity, e_.n AS n, {code} AS t, e_.s AS s FROM "
                 f"(SELECT entity, {d.explode}(extras) AS e_ FROM items WHERE extras IS NOT NULL) x_")
    return " UNION ALL ".join(parts)


def attribute_stats_sql(d: Dialect, plan: ScanPlan) -> str:
    return (f"SELECT entity, n, t, count(*), sum(s), min(s), max(s) FROM ({attribute_rows_sql(d, plan)}) r_ "
            "GROUP BY entity, n, t")


def key_values_sql(plan: ScanPlan, column: str) -> str:
    """Per value of a key column: items (c), bytes (b: collection bytes for the table's partition key, index entry
    bytes for a GSI's keys, item bytes otherwise) and LSI entries (e)."""
    if column == "pk":
        lsis = [f"coalesce(l{i}_bytes, 0)" for i in range(len(plan.keys.lsis))]
        entries = [f"(CASE WHEN l{i}_bytes IS NULL THEN 0 ELSE 1 END)" for i in range(len(plan.keys.lsis))]
        b = " + ".join(["size", *lsis])
        e = " + ".join(entries) or "0"
        where = "pk IS NOT NULL"
    elif column.startswith("g"):
        g = column.split("_")[0]
        b, e, where = f"{g}_bytes", "0", f"{column} IS NOT NULL AND {g}_bytes IS NOT NULL"
    elif column.startswith("l"):
        li = column.split("_")[0]
        b, e, where = f"{li}_bytes", "0", f"{column} IS NOT NULL AND {li}_bytes IS NOT NULL"
    else:
        b, e, where = "size", "0", f"{column} IS NOT NULL"
    return (f"SELECT {column} AS v, count(*) AS c, sum({b}) AS b, sum({e}) AS e FROM items WHERE {where} "
            f"GROUP BY {column}")


# ----------------------------------------------------------------------------- Python UDFs (engine.itemsize)


def document_size(tag: str | None, text: str | None) -> int | None:
    """Value size of an L or M value given as JSON text, by engine.itemsize; -1 when DynamoDB would reject it."""
    if tag is None or text is None:
        return None
    try:
        return attribute_value_size_bytes({tag: json.loads(text)})
    except (ValueError, TypeError, ItemSizeError, RecursionError):
        return INVALID


class _Duplicate(ValueError):
    pass


def unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """json object hook refusing a name that appears twice (DynamoDB items have unique attribute names)."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Duplicate(key)
        out[key] = value
    return out


def extra_attributes(line: str | None, known: frozenset[str]) -> list[tuple[str | None, str, int]] | None:
    """(name, type, value size) of the attributes of an export line not among `known`, by engine.itemsize.

    Every attribute is checked; a line DynamoDB could not have written gives [(None, "!", -1)]."""
    if line is None:
        return None
    try:
        doc = json.loads(line, object_pairs_hook=unique_pairs)
        item = doc["Item"]
        if not isinstance(item, dict):
            raise TypeError("Item is not an object")
        out = []
        for name, value in item.items():
            size = attribute_value_size_bytes(value)
            if name not in known:
                out.append((name, next(iter(value)), size))
        return out
    except (ValueError, TypeError, KeyError, ItemSizeError, RecursionError, StopIteration):
        return [(None, "!", INVALID)]


@dataclass
class ExtraAttributes:
    """extra_attributes bound to a plan's known names (a picklable callable for Spark's workers)."""

    known: frozenset[str] = field(default_factory=frozenset)

    def __call__(self, line: str | None) -> list[tuple[str | None, str, int]] | None:
        return extra_attributes(line, self.known)


__all__ = [
    "ALL_ITEMS", "DuckDBDialect", "EntityMatcher", "ExtraAttributes", "IndexPlan", "KeySchema", "NO_PREFIX",
    "ScanPlan", "SparkDialect", "UNRECOGNISED", "VariableProbe", "attribute_stats_sql", "document_size",
    "extra_attributes", "key_values_sql", "number_size_sql", "stage1_sql", "template_regex", "value_size_sql",
]
