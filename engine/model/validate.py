"""Cross-reference and DynamoDB-limit checks over a whole design (one validator, precise messages).

Every message names the path, the offending value, the rule and the fix.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from engine.errors import Problem
from engine.model import limits
from engine.model.entity import template_variables
from engine.model.table import LocalSecondaryIndex, OnDemandBilling, ProvisionedBilling

if TYPE_CHECKING:
    from engine.model.data_model import DataModel
    from engine.model.entity import Entity
    from engine.model.table import Table

_TABLE_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
_PRICING_DIR = Path(__file__).resolve().parent.parent / "pricing_data"


def known_catalog_ids() -> tuple[str, ...]:
    """Ids of the shipped price catalogs (file stems in engine/pricing_data) plus `custom`."""
    return tuple(sorted(p.stem for p in _PRICING_DIR.glob("*.json"))) + ("custom",)


def _one_of(known: list[str] | tuple[str, ...]) -> str:
    return ", ".join(known) if known else "none declared"


class CrossReferenceProblems(ValueError):
    """Raised by DataModel's validator: the problems as records (parse_model keeps them), one text line each."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = tuple(problems)


NAME_RULE = "3-255 characters of letters, digits, '_', '-', '.'"


def _unknown(path: str, what: str, name: str, known: str, fix: str) -> Problem:
    """`path 'name' is not <what> (known: ...); fix`: a reference to something the design does not have."""
    value, rule = f"'{name}'", f"known: {known}"
    return Problem(path=path, joiner=" ", message=f"{value} is not {what} ({rule}); {fix}", value=value, rule=rule,
                   fix=fix)


def cross_reference_problems(model: DataModel) -> list[Problem]:
    """All reference and limit problems of `model`, as records (empty when valid)."""
    problems: list[Problem] = []
    problems += _duplicates("tables", [t.name for t in model.tables])
    problems += _duplicates("entities", [e.name for e in model.entities])
    problems += _duplicates("access_patterns", [p.name for p in model.access_patterns])
    problems += _duplicates("screens", [s.name for s in model.screens])
    catalogs = known_catalog_ids()
    if len(catalogs) > 1 and model.price_catalog not in catalogs:
        problems.append(_unknown("price_catalog", "a known catalog", model.price_catalog, _one_of(catalogs),
                                 "pick one of them"))
    if not model.tables:
        rule, fix = "a design needs at least one table", "add one"
        problems.append(Problem(path="tables", joiner=" ", message=f"is empty: {rule}; {fix}", rule=rule, fix=fix))
    for i, table in enumerate(model.tables):
        problems += _table_problems(f"tables[{i}]", table, model)
    for i, entity in enumerate(model.entities):
        problems += _entity_problems(f"entities[{i}]", entity, model)
    for i, pattern in enumerate(model.access_patterns):
        problems += _pattern_problems(f"access_patterns[{i}]", pattern, model)
    names = [p.name for p in model.access_patterns]
    for i, screen in enumerate(model.screens):
        refs = [*((f"access_patterns[{j}]", ref) for j, ref in enumerate(screen.access_patterns)),
                *((f"repeat[{j}][0]", ref) for j, (ref, _) in enumerate(screen.repeat))]
        for where, ref in refs:
            if ref not in names:
                problems.append(_unknown(f"screens[{i}].{where}", "an access pattern", ref, _one_of(names),
                                         "fix the name or add the pattern"))
    return problems


def _duplicates(path: str, names: list[str], field: str = "") -> list[Problem]:
    """Names used more than once in the list at `path` (or, with `field`, in the lists `field` stands for)."""
    rule, fix = "names must be unique", "rename one"
    return [Problem(path=path, joiner=f".{field}: " if field else ": ", value=f"'{n}'", rule=rule, fix=fix,
                    message=f"name '{n}' is used {c} times; {rule}, {fix}")
            for n, c in Counter(names).items() if c > 1]


def _table_problems(path: str, table: Table, model: DataModel) -> list[Problem]:
    out: list[Problem] = []
    for kind, where, name in (("table", f"{path}.name", table.name),
                              *(("index", f"{path}.{k}[{j}].name", idx.name)
                                for k, indexes in (("gsis", table.gsis), ("lsis", table.lsis))
                                for j, idx in enumerate(indexes))):
        if not (limits.MIN_TABLE_NAME_LENGTH <= len(name) <= limits.MAX_TABLE_NAME_LENGTH) \
                or not _TABLE_NAME.match(name):
            out.append(Problem(path=where, joiner=" ", value=f"'{name}'", rule=NAME_RULE, fix="rename it",
                               message=f"'{name}' is not a valid {kind} name ({NAME_RULE}); rename it"))
        if kind == "table":
            out += _duplicates(path, [i.name for i in (*table.gsis, *table.lsis)], field="indexes")
    for kind, count, most, fix in (("gsis", len(table.gsis), limits.MAX_GSIS_PER_TABLE,
                                    "remove some or overload one index"),
                                   ("lsis", len(table.lsis), limits.MAX_LSIS_PER_TABLE, "use GSIs instead")):
        if count > most:
            rule = f"DynamoDB allows at most {most} {kind[:-1].upper()}s per table"
            out.append(Problem(path=f"{path}.{kind}", joiner=" ", value=str(count), rule=rule, fix=fix,
                               message=f"has {count} indexes; {rule}; {fix}"))
    if table.lsis and table.sort_key is None:
        rule, fix = "an LSI needs a table with a composite primary key", "add a sort_key or use a GSI"
        out.append(Problem(path=f"{path}.lsis", rule=rule, fix=fix,
                           message=f"table '{table.name}' has no sort key; {rule}; {fix}"))
    provisioned = isinstance(table.billing, ProvisionedBilling)
    for j, gsi in enumerate(table.gsis):
        if provisioned and gsi.provisioned is None:
            fix = "add `provisioned`"
            out.append(Problem(path=f"{path}.gsis[{j}].provisioned", joiner=" ", fix=fix,
                               message=f"is missing: table '{table.name}' is provisioned, so GSI '{gsi.name}' needs "
                                       f"its own read/write capacity units; {fix}"))
        if isinstance(table.billing, OnDemandBilling) and gsi.provisioned is not None:
            rule, fix = "an on-demand table's GSIs are on-demand too", "remove `provisioned`"
            out.append(Problem(path=f"{path}.gsis[{j}].provisioned", joiner=" ", rule=rule, fix=fix,
                               message=f"is set but table '{table.name}' is on-demand; {rule}; {fix}"))
    for kind, indexes in (("gsis", table.gsis), ("lsis", table.lsis)):
        for j, idx in enumerate(indexes):
            proj = idx.projection
            if proj.type == "INCLUDE" and not proj.attributes:
                fix = "list the attributes to copy or use KEYS_ONLY"
                out.append(Problem(path=f"{path}.{kind}[{j}].projection", fix=fix,
                                   message=f"INCLUDE with no attributes; {fix}"))
            if proj.type != "INCLUDE" and proj.attributes:
                value, fix = str(list(proj.attributes)), "use type INCLUDE or drop the list"
                out.append(Problem(path=f"{path}.{kind}[{j}].projection", value=value, fix=fix,
                                   message=f"{proj.type} takes no attributes (got {value}); {fix}"))
    out += _global_table_problems(path, table, model)
    out += _stream_problems(path, table, model)
    return out


def _stream_problems(path: str, table: Table, model: DataModel) -> list[Problem]:
    """Stream consumers need a stream; each write names a table of the design and an entity of that table."""
    out: list[Problem] = []
    if table.ttl_deletions_per_second and table.ttl_attribute is None:
        value, fix = f"{table.ttl_deletions_per_second:g}", "set ttl_attribute or set the rate to 0"
        out.append(Problem(path=f"{path}.ttl_deletions_per_second", joiner=" ", value=value, fix=fix,
                           message=f"{value}: table '{table.name}' has no ttl_attribute, so TTL deletes nothing; {fix}"))
    if not table.stream_consumers:
        return out
    if table.stream_view_type is None:
        names = ", ".join(c.name for c in table.stream_consumers)
        fix = "set stream_view_type (e.g. NEW_AND_OLD_IMAGES) or remove the consumers"
        out.append(Problem(path=f"{path}.stream_consumers", fix=fix,
                           message=f"table '{table.name}' has consumers ({names}) but no stream (stream_view_type is "
                                   f"not set); {fix}"))
    out += _duplicates(f"{path}.stream_consumers", [c.name for c in table.stream_consumers])
    tables = [t.name for t in model.tables]
    for j, consumer in enumerate(table.stream_consumers):
        for k, write in enumerate(consumer.writes):
            where = f"{path}.stream_consumers[{j}].writes[{k}]"
            if write.table not in tables:
                out.append(_unknown(f"{where}.table", "a table of the design", write.table, _one_of(tables),
                                    "fix the name or add the table"))
                continue
            if write.entity is None:
                continue
            entity = next((e for e in model.entities if e.name == write.entity), None)
            if entity is None or entity.table != write.table:
                known = [e.name for e in model.entities if e.table == write.table]
                out.append(_unknown(f"{where}.entity", f"an entity of table '{write.table}'", write.entity,
                                    _one_of(known), "fix the name, add the entity, or give item_size_bytes instead"))
                continue
            for m, attr in enumerate(write.changed_attributes):
                if not entity.has_attribute(attr):
                    fix = "fix the name or add the attribute"
                    out.append(Problem(path=f"{where}.changed_attributes[{m}]", joiner=" ", value=f"'{attr}'", fix=fix,
                                       message=f"'{attr}' is not an attribute of entity '{entity.name}'; {fix}"))
    return out


def _global_table_problems(path: str, table: Table, model: DataModel) -> list[Problem]:
    gt = table.global_table
    if gt is None:
        return []
    out: list[Problem] = []
    regions = list(gt.regions)
    if model.region not in regions:
        fix = "list every replica region, the home region too"
        out.append(Problem(path=f"{path}.global_table.regions", joiner=" ", value=str(regions), fix=fix,
                           message=f"{regions} does not include the design's region '{model.region}'; {fix}"))
    if len(set(regions)) != len(regions):
        out.append(Problem(path=f"{path}.global_table.regions", joiner=" ", value=str(regions), fix="list each once",
                           message=f"{regions} lists a region twice; list each once"))
    if gt.mode == "MREC":
        if gt.witness_region is not None:
            value, rule, fix = f"'{gt.witness_region}'", "only for MRSC", "remove it or set mode: MRSC"
            out.append(Problem(path=f"{path}.global_table.witness_region", joiner=" ", value=value, rule=rule, fix=fix,
                               message=f"{value} is {rule}; {fix}"))
        return out
    members = regions + ([gt.witness_region] if gt.witness_region else [])
    region_set = next((n for n, s in limits.MRSC_REGION_SETS.items() if set(members) <= s), None)
    if len(set(members)) != limits.MRSC_REGION_COUNT or region_set is None:
        sets = "; ".join(f"{n}: {', '.join(sorted(s))}" for n, s in limits.MRSC_REGION_SETS.items())
        rule = "MRSC needs exactly 3 regions (3 replicas, or 2 replicas + a witness) from one region set"
        fix = f"pick 3 from one set ({sets})"
        out.append(Problem(path=f"{path}.global_table", value=str(members), rule=rule, fix=fix,
                           message=f"{rule}, got {members}; {fix}"))
    if table.ttl_attribute is not None:
        value, rule, fix = f"'{table.ttl_attribute}'", "MRSC global tables do not support TTL", "remove the TTL or use MREC"
        out.append(Problem(path=f"{path}.ttl_attribute", joiner=" ", value=value, rule=rule, fix=fix,
                           message=f"{value}: {rule}; {fix}"))
    if table.lsis:
        rule, fix = "MRSC global tables do not support LSIs", "remove them or use MREC"
        out.append(Problem(path=f"{path}.lsis", rule=rule, fix=fix, message=f"{rule}; {fix}"))
    for i, p in enumerate(model.access_patterns):
        if p.operation in ("TransactWriteItems", "TransactGetItems") and table.name in _transaction_tables(p, model):
            rule, fix = "MRSC does not support transactions", "use single-item writes with conditions or MREC"
            out.append(Problem(path=f"access_patterns[{i}]", joiner=" ", value=f"'{p.name}'", rule=rule, fix=fix,
                               message=f"'{p.name}' uses {p.operation} on MRSC table '{table.name}'; {rule}; {fix}"))
    return out


def _transaction_tables(p, model: DataModel) -> set[str]:
    """Tables a transaction touches: its own and those of every entity its actions name."""
    names = {p.table, *(model.entity(n).table for n in p.entities if _has_entity(model, n))}
    for act in getattr(p, "actions", ()):
        if _has_entity(model, act.entity):
            names.add(model.entity(act.entity).table)
    return names


def _has_entity(model: DataModel, name: str) -> bool:
    return any(e.name == name for e in model.entities)


def _table_key_attributes(table: Table) -> dict[str, str]:
    """Every key attribute of the table and its indexes -> where it is a key."""
    where: dict[str, str] = {}
    for k in (table.partition_key, table.sort_key):
        if k is not None:
            where.setdefault(k.name, "table key")
    for idx in table.gsis:
        for k in (idx.partition_key, idx.sort_key):
            if k is not None:
                where.setdefault(k.name, f"key of GSI {idx.name}")
    for idx in table.lsis:
        where.setdefault(idx.sort_key.name, f"key of LSI {idx.name}")
    return where


def _entity_problems(path: str, entity: Entity, model: DataModel) -> list[Problem]:
    out: list[Problem] = []
    tables = [t.name for t in model.tables]
    if entity.table not in tables:
        return [_unknown(f"{path}.table", "a table of the design", entity.table, _one_of(tables),
                         "fix the name or add the table")]
    table = model.table(entity.table)
    key_attrs = _table_key_attributes(table)
    out += _duplicates(f"{path}.attributes", [a.name for a in entity.attributes])
    out += _duplicates(f"{path}.variables", [v.name for v in entity.variables])
    rule, fix = "an item holds one value per attribute", "keep one"
    out += [Problem(path=f"{path}.keys", value=f"'{a}'", rule=rule, fix=fix,
                    message=f"attribute '{a}' has {c} templates; {rule}, {fix}")
            for a, c in Counter(k.attribute for k in entity.keys).items() if c > 1]
    for j, kt in enumerate(entity.keys):
        empty = _empty_key_value(kt.template, entity)
        if empty:
            rule = "a key attribute's value cannot be an empty string (DynamoDB: ValidationException)"
            fix = "give the template text or a {variable} that never renders empty"
            out.append(Problem(path=f"{path}.keys[{j}].template", joiner=" ", value=f"'{kt.template}'", rule=rule,
                               fix=fix, message=f"'{kt.template}' {empty}; {rule}; {fix}"))
        if kt.attribute not in key_attrs:
            out.append(_unknown(f"{path}.keys[{j}].attribute", f"a key attribute of table '{table.name}' or its indexes",
                                kt.attribute, _one_of(list(key_attrs)), "use one of them or move it to attributes"))
        for var in template_variables(kt.template):
            if entity.variable(var) is None:
                rule, fix = f"declared: {_one_of([v.name for v in entity.variables])}", \
                    "add it to variables with its cardinality"
                out.append(Problem(path=f"{path}.keys[{j}].template", joiner=" ", value=f"'{kt.template}'", rule=rule,
                                   fix=fix, message=f"'{kt.template}' uses variable '{var}' that is not declared "
                                                    f"({rule}); {fix}"))
        if entity.attribute(kt.attribute) is not None:
            out.append(Problem(path=f"{path}.keys[{j}].attribute", joiner=" ", value=f"'{kt.attribute}'",
                               fix="keep one", message=f"'{kt.attribute}' is also listed in attributes; keep one"))
    for key in (table.partition_key, table.sort_key):
        if key is not None and not entity.has_attribute(key.name):
            fix = f"add a key template `{{attribute: {key.name}, template: ...}}`"
            out.append(Problem(path=path, fix=fix, message=f"entity '{entity.name}' gives no value for key attribute "
                                                           f"'{key.name}' of table '{table.name}'; {fix}"))
    for j, spec in enumerate(entity.attributes):
        if spec.example is not None:
            out += _example_problems(f"{path}.attributes[{j}].example", spec.example, spec.type)
    for j, v in enumerate(entity.variables):
        if v.values and len(v.values) != v.cardinality:
            out.append(Problem(path=f"{path}.variables[{j}]", joiner=" ", value=str(len(v.values)),
                               fix="make them agree", message=f"'{v.name}' lists {len(v.values)} values but "
                                                              f"cardinality {v.cardinality}; make them agree"))
    return out


def _empty_key_value(template: str, entity: Entity) -> str:
    """Why a key template can render an empty string ("" when it cannot): it is empty, or it is nothing but
    variables whose listed values include an empty one."""
    if template == "":
        return "is empty"
    names = template_variables(template)
    if "".join("{" + n + "}" for n in names) != template:
        return ""  # literal text around the variables: never empty
    for name in names:
        variable = entity.variable(name)
        if variable is None or "" not in variable.values:
            return ""
    return "renders an empty string (every variable in it lists an empty value)"


def _example_problems(path: str, example: object, kind: str) -> list[Problem]:
    """An attribute's example must be a value DynamoDB stores as the declared type (sizes and sample items are
    made from it; a 39-digit or 1E+300 number, a list for N, an empty set would fail there instead)."""
    from engine.errors import ItemError
    from engine.model.attribute_values import shown_example, typed_example

    try:
        typed_example(example, kind)
    except (TypeError, ValueError, ItemError) as exc:
        value, rule, fix = shown_example(example), f"a DynamoDB {kind} value", f"give an example of type {kind} or " \
            "change the type"
        # Python's own words for an integer it will not print mean nothing to a designer
        reason = "DynamoDB numbers have at most 38 significant digits" if "string conversion" in str(exc) else exc
        return [Problem(path=path, joiner=" ", value=value, rule=rule, fix=fix,
                        message=f"{value} is not {rule} ({reason}); {fix}")]
    return []


def _pattern_problems(path: str, p, model: DataModel) -> list[Problem]:  # noqa: C901 - one rule per branch
    tables = [t.name for t in model.tables]
    if p.table not in tables:
        return [_unknown(f"{path}.table", "a table of the design", p.table, _one_of(tables), "fix the name")]
    table = model.table(p.table)
    out: list[Problem] = []
    from engine.model.access_pattern import READ_OPERATIONS

    def problem(field: str, message: str, *, value: str | None = None, rule: str = "", fix: str = "",
                joiner: str = " ") -> None:
        out.append(Problem(path=f"{path}.{field}", joiner=joiner, message=message, value=value, rule=rule, fix=fix))

    is_read = p.operation in READ_OPERATIONS
    if p.index is not None:
        idx = table.index(p.index)
        names = [i.name for i in (*table.gsis, *table.lsis)]
        if idx is None:
            return [_unknown(f"{path}.index", f"an index of table '{table.name}'", p.index, _one_of(names),
                             "fix the name or add the index")]
        if p.operation not in ("Query", "Scan"):
            rule, fix = "only Query and Scan can", "remove `index`"
            problem("index", f"'{p.index}': {p.operation} cannot target an index ({rule}); {fix}",
                    value=f"'{p.index}'", rule=rule, fix=fix)
        elif p.consistency == "strong" and not isinstance(idx, LocalSecondaryIndex):
            rule, fix = "GSIs support eventually consistent reads only", \
                "use eventual, or read the table by key for a strong read"
            problem("consistency", f"'strong' on GSI '{p.index}' (DDB-R101): {rule}; {fix}", value="'strong'",
                    rule=rule, fix=fix)
    entity_names = [e.name for e in model.entities]
    for j, name in enumerate(p.entities):
        if name not in entity_names:
            out.append(_unknown(f"{path}.entities[{j}]", "an entity", name, _one_of(entity_names),
                                "fix the name or add the entity"))
        elif model.entity(name).table != table.name:
            fix = "pick an entity of that table"
            problem(f"entities[{j}]", f"'{name}' is stored in table '{model.entity(name).table}', not "
                                      f"'{table.name}'; {fix}", value=f"'{name}'", fix=fix)
    if not p.entities and p.operation != "TransactWriteItems":
        fix = "name the entity the request reads or writes"
        problem("entities", f"is empty; {fix}", fix=fix)
    pk, sk = table.index_keys(p.index) if p.index is None or table.index(p.index) else (table.partition_key, None)
    target = f"index '{p.index}'" if p.index else f"table '{table.name}'"
    kc = p.key_condition
    if kc is None and p.operation not in ("Scan", "TransactWriteItems"):
        fix = "add `key_condition: {partition_key: ...}`"
        problem("key_condition", f"is missing: {p.operation} addresses a key of {target} (partition key "
                                 f"'{pk.name}'); {fix}", fix=fix)
    if kc is not None:
        if p.operation == "Scan":
            fix = "remove it or use a Query"
            problem("key_condition", f"a Scan takes no key condition; {fix}", fix=fix, joiner=": ")
        if kc.sort_key is not None and sk is None:
            fix = "remove the sort key condition"
            problem("key_condition.sort_key", f"{target} has no sort key; {fix}", fix=fix, joiner=": ")
        exact = p.operation not in ("Query", "Scan")
        if exact and sk is not None and (kc.sort_key is None or kc.sort_key.operator != "="):
            fix = "add `sort_key: {operator: '=', value: ...}`"
            problem("key_condition.sort_key", f"{p.operation} needs the full primary key of {target}, so the sort "
                                              f"key '{sk.name}' needs operator '='; {fix}", fix=fix, joiner=": ")
        if kc.sort_key is not None and kc.sort_key.operator == "between" and kc.sort_key.value2 is None:
            problem("key_condition.sort_key", "'between' needs value2 (the upper bound); add it", fix="add it",
                    joiner=": ")
        declared = {v.name for n in p.entities if n in entity_names for v in model.entity(n).variables}
        for text in (kc.partition_key, *(() if kc.sort_key is None else (kc.sort_key.value, kc.sort_key.value2 or ""))):
            for var in template_variables(text):
                if var not in declared:
                    rule, fix = f"declared: {_one_of(sorted(declared))}", "declare it or fix the name"
                    problem("key_condition", f"'{text}' uses variable '{var}' that none of the pattern's entities "
                                             f"declares ({rule}); {fix}", value=f"'{text}'", rule=rule, fix=fix)
    if p.index is not None and table.index(p.index) is not None:
        for j, name in enumerate(p.entities):
            if name in entity_names and not model.entity(name).has_attribute(pk.name):
                fix = "add a key template or attribute"
                problem(f"entities[{j}]", f"'{name}' has no '{pk.name}' (the partition key of index '{p.index}'), "
                                          f"so it never appears in the index; {fix}", value=f"'{name}'", fix=fix)
    if p.operation == "TransactWriteItems":
        if not 1 <= len(p.actions) <= limits.MAX_TRANSACTION_ACTIONS:
            rule = f"a transaction takes 1-{limits.MAX_TRANSACTION_ACTIONS}"
            problem("actions", f"has {len(p.actions)} actions; {rule}; split it", value=str(len(p.actions)),
                    rule=rule, fix="split it")
        for j, act in enumerate(p.actions):
            if act.entity not in entity_names:
                out.append(_unknown(f"{path}.actions[{j}].entity", "an entity", act.entity, _one_of(entity_names),
                                    "fix the name"))
    if not is_read:
        changed = getattr(p, "changed_attributes", ())
        for j, attr in enumerate(changed):
            if not any(model.entity(n).has_attribute(attr) for n in p.entities if n in entity_names):
                fix = "fix the name or add the attribute"
                problem(f"changed_attributes[{j}]", f"'{attr}' is not an attribute of {list(p.entities)}; {fix}",
                        value=f"'{attr}'", fix=fix)
    if p.region is not None:
        regions = table.global_table.regions if table.global_table else (model.region,)
        if p.region not in regions:
            rule, fix = f"replicas: {_one_of(list(regions))}", "use one of them or add a replica"
            problem("region", f"'{p.region}' has no replica of table '{table.name}' ({rule}); {fix}",
                    value=f"'{p.region}'", rule=rule, fix=fix)
    if p.peak_requests_per_second is not None and p.peak_requests_per_second < p.requests_per_second:
        value, rule = f"{p.peak_requests_per_second:g}", "the peak must be at least the average"
        problem("peak_requests_per_second", f"{value} is below the average {p.requests_per_second:g}; {rule}",
                value=value, rule=rule)
    return out
