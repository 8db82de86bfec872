"""Cross-reference and DynamoDB-limit checks over a whole design (one validator, precise messages).

Every message names the path, the offending value, the rule and the fix.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

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


def cross_reference_problems(model: DataModel) -> list[str]:
    """All reference and limit problems of `model`, as messages (empty when valid)."""
    problems: list[str] = []
    problems += _duplicates("tables", [t.name for t in model.tables])
    problems += _duplicates("entities", [e.name for e in model.entities])
    problems += _duplicates("access_patterns", [p.name for p in model.access_patterns])
    problems += _duplicates("screens", [s.name for s in model.screens])
    catalogs = known_catalog_ids()
    if len(catalogs) > 1 and model.price_catalog not in catalogs:
        problems.append(f"price_catalog '{model.price_catalog}' is not a known catalog (known: "
                        f"{_one_of(catalogs)}); pick one of them")
    if not model.tables:
        problems.append("tables is empty: a design needs at least one table; add one")
    for i, table in enumerate(model.tables):
        problems += _table_problems(f"tables[{i}]", table, model)
    for i, entity in enumerate(model.entities):
        problems += _entity_problems(f"entities[{i}]", entity, model)
    for i, pattern in enumerate(model.access_patterns):
        problems += _pattern_problems(f"access_patterns[{i}]", pattern, model)
    names = [p.name for p in model.access_patterns]
    for i, screen in enumerate(model.screens):
        refs = [*screen.access_patterns, *(name for name, _ in screen.repeat)]
        for j, ref in enumerate(refs):
            if ref not in names:
                problems.append(f"screens[{i}].access_patterns[{j}] '{ref}' is not an access pattern (known: "
                                f"{_one_of(names)}); fix the name or add the pattern")
    return problems


def _duplicates(path: str, names: list[str]) -> list[str]:
    return [f"{path}: name '{n}' is used {c} times; names must be unique, rename one"
            for n, c in Counter(names).items() if c > 1]


def _table_problems(path: str, table: Table, model: DataModel) -> list[str]:
    out: list[str] = []
    if not (limits.MIN_TABLE_NAME_LENGTH <= len(table.name) <= limits.MAX_TABLE_NAME_LENGTH) \
            or not _TABLE_NAME.match(table.name):
        out.append(f"{path}.name '{table.name}' is not a valid table name (3-255 characters of letters, "
                   "digits, '_', '-', '.'); rename it")
    out += _duplicates(f"{path}.indexes", [i.name for i in (*table.gsis, *table.lsis)])
    for kind, indexes in (("gsis", table.gsis), ("lsis", table.lsis)):
        for j, idx in enumerate(indexes):
            if not (limits.MIN_TABLE_NAME_LENGTH <= len(idx.name) <= limits.MAX_TABLE_NAME_LENGTH) \
                    or not _TABLE_NAME.match(idx.name):
                out.append(f"{path}.{kind}[{j}].name '{idx.name}' is not a valid index name (3-255 characters "
                           "of letters, digits, '_', '-', '.'); rename it")
    if len(table.gsis) > limits.MAX_GSIS_PER_TABLE:
        out.append(f"{path}.gsis has {len(table.gsis)} indexes; DynamoDB allows at most "
                   f"{limits.MAX_GSIS_PER_TABLE} GSIs per table; remove some or overload one index")
    if len(table.lsis) > limits.MAX_LSIS_PER_TABLE:
        out.append(f"{path}.lsis has {len(table.lsis)} indexes; DynamoDB allows at most "
                   f"{limits.MAX_LSIS_PER_TABLE} LSIs per table; use GSIs instead")
    if table.lsis and table.sort_key is None:
        out.append(f"{path}.lsis: table '{table.name}' has no sort key; an LSI needs a table with a "
                   "composite primary key; add a sort_key or use a GSI")
    provisioned = isinstance(table.billing, ProvisionedBilling)
    for j, gsi in enumerate(table.gsis):
        if provisioned and gsi.provisioned is None:
            out.append(f"{path}.gsis[{j}].provisioned is missing: table '{table.name}' is provisioned, so GSI "
                       f"'{gsi.name}' needs its own read/write capacity units; add `provisioned`")
        if isinstance(table.billing, OnDemandBilling) and gsi.provisioned is not None:
            out.append(f"{path}.gsis[{j}].provisioned is set but table '{table.name}' is on-demand; an "
                       "on-demand table's GSIs are on-demand too; remove `provisioned`")
    for kind, indexes in (("gsis", table.gsis), ("lsis", table.lsis)):
        for j, idx in enumerate(indexes):
            proj = idx.projection
            if proj.type == "INCLUDE" and not proj.attributes:
                out.append(f"{path}.{kind}[{j}].projection: INCLUDE with no attributes; list the attributes to "
                           "copy or use KEYS_ONLY")
            if proj.type != "INCLUDE" and proj.attributes:
                out.append(f"{path}.{kind}[{j}].projection: {proj.type} takes no attributes (got "
                           f"{list(proj.attributes)}); use type INCLUDE or drop the list")
    out += _global_table_problems(path, table, model)
    out += _stream_problems(path, table, model)
    return out


def _stream_problems(path: str, table: Table, model: DataModel) -> list[str]:
    """Stream consumers need a stream; each write names a table of the design and an entity of that table."""
    out: list[str] = []
    if table.ttl_deletions_per_second and table.ttl_attribute is None:
        out.append(f"{path}.ttl_deletions_per_second {table.ttl_deletions_per_second:g}: table '{table.name}' has no "
                   "ttl_attribute, so TTL deletes nothing; set ttl_attribute or set the rate to 0")
    if not table.stream_consumers:
        return out
    if table.stream_view_type is None:
        names = ", ".join(c.name for c in table.stream_consumers)
        out.append(f"{path}.stream_consumers: table '{table.name}' has consumers ({names}) but no stream "
                   "(stream_view_type is not set); set stream_view_type (e.g. NEW_AND_OLD_IMAGES) or remove the "
                   "consumers")
    out += _duplicates(f"{path}.stream_consumers", [c.name for c in table.stream_consumers])
    tables = [t.name for t in model.tables]
    for j, consumer in enumerate(table.stream_consumers):
        for k, write in enumerate(consumer.writes):
            where = f"{path}.stream_consumers[{j}].writes[{k}]"
            if write.table not in tables:
                out.append(f"{where}.table '{write.table}' is not a table of the design (known: {_one_of(tables)}); "
                           "fix the name or add the table")
                continue
            if write.entity is None:
                continue
            entity = next((e for e in model.entities if e.name == write.entity), None)
            if entity is None or entity.table != write.table:
                known = [e.name for e in model.entities if e.table == write.table]
                out.append(f"{where}.entity '{write.entity}' is not an entity of table '{write.table}' (known: "
                           f"{_one_of(known)}); fix the name, add the entity, or give item_size_bytes instead")
                continue
            for m, attr in enumerate(write.changed_attributes):
                if not entity.has_attribute(attr):
                    out.append(f"{where}.changed_attributes[{m}] '{attr}' is not an attribute of entity "
                               f"'{entity.name}'; fix the name or add the attribute")
    return out


def _global_table_problems(path: str, table: Table, model: DataModel) -> list[str]:
    gt = table.global_table
    if gt is None:
        return []
    out: list[str] = []
    regions = list(gt.regions)
    if model.region not in regions:
        out.append(f"{path}.global_table.regions {regions} does not include the design's region "
                   f"'{model.region}'; list every replica region, the home region too")
    if len(set(regions)) != len(regions):
        out.append(f"{path}.global_table.regions {regions} lists a region twice; list each once")
    if gt.mode == "MREC":
        if gt.witness_region is not None:
            out.append(f"{path}.global_table.witness_region '{gt.witness_region}' is only for MRSC; remove it "
                       "or set mode: MRSC")
        return out
    members = regions + ([gt.witness_region] if gt.witness_region else [])
    region_set = next((n for n, s in limits.MRSC_REGION_SETS.items() if set(members) <= s), None)
    if len(set(members)) != limits.MRSC_REGION_COUNT or region_set is None:
        sets = "; ".join(f"{n}: {', '.join(sorted(s))}" for n, s in limits.MRSC_REGION_SETS.items())
        out.append(f"{path}.global_table: MRSC needs exactly 3 regions (3 replicas, or 2 replicas + a witness) "
                   f"from one region set, got {members}; pick 3 from one set ({sets})")
    if table.ttl_attribute is not None:
        out.append(f"{path}.ttl_attribute '{table.ttl_attribute}': MRSC global tables do not support TTL; "
                   "remove the TTL or use MREC")
    if table.lsis:
        out.append(f"{path}.lsis: MRSC global tables do not support LSIs; remove them or use MREC")
    for i, p in enumerate(model.access_patterns):
        if p.operation in ("TransactWriteItems", "TransactGetItems") and table.name in _transaction_tables(p, model):
            out.append(f"access_patterns[{i}] '{p.name}' uses {p.operation} on MRSC table '{table.name}'; "
                       "MRSC does not support transactions; use single-item writes with conditions or MREC")
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


def _entity_problems(path: str, entity: Entity, model: DataModel) -> list[str]:
    out: list[str] = []
    tables = [t.name for t in model.tables]
    if entity.table not in tables:
        return [f"{path}.table '{entity.table}' is not a table of the design (known: {_one_of(tables)}); "
                "fix the name or add the table"]
    table = model.table(entity.table)
    key_attrs = _table_key_attributes(table)
    out += _duplicates(f"{path}.attributes", [a.name for a in entity.attributes])
    out += _duplicates(f"{path}.variables", [v.name for v in entity.variables])
    out += [f"{path}.keys: attribute '{a}' has {c} templates; an item holds one value per attribute, keep one"
            for a, c in Counter(k.attribute for k in entity.keys).items() if c > 1]
    for j, kt in enumerate(entity.keys):
        if kt.attribute not in key_attrs:
            out.append(f"{path}.keys[{j}].attribute '{kt.attribute}' is not a key attribute of table "
                       f"'{table.name}' or its indexes (known: {_one_of(list(key_attrs))}); use one of them or "
                       "move it to attributes")
        for var in template_variables(kt.template):
            if entity.variable(var) is None:
                out.append(f"{path}.keys[{j}].template '{kt.template}' uses variable '{var}' that is not declared "
                           f"(declared: {_one_of([v.name for v in entity.variables])}); add it to variables "
                           "with its cardinality")
        if entity.attribute(kt.attribute) is not None:
            out.append(f"{path}.keys[{j}].attribute '{kt.attribute}' is also listed in attributes; keep one")
    for key in (table.partition_key, table.sort_key):
        if key is not None and not entity.has_attribute(key.name):
            out.append(f"{path}: entity '{entity.name}' gives no value for key attribute '{key.name}' of table "
                       f"'{table.name}'; add a key template `{{attribute: {key.name}, template: ...}}`")
    for j, v in enumerate(entity.variables):
        if v.values and len(v.values) != v.cardinality:
            out.append(f"{path}.variables[{j}] '{v.name}' lists {len(v.values)} values but cardinality "
                       f"{v.cardinality}; make them agree")
    return out


def _pattern_problems(path: str, p, model: DataModel) -> list[str]:  # noqa: C901 - one rule per branch
    tables = [t.name for t in model.tables]
    if p.table not in tables:
        return [f"{path}.table '{p.table}' is not a table of the design (known: {_one_of(tables)}); fix the name"]
    table = model.table(p.table)
    out: list[str] = []
    from engine.model.access_pattern import READ_OPERATIONS

    is_read = p.operation in READ_OPERATIONS
    if p.index is not None:
        idx = table.index(p.index)
        names = [i.name for i in (*table.gsis, *table.lsis)]
        if idx is None:
            return [f"{path}.index '{p.index}' is not an index of table '{table.name}' (known: "
                    f"{_one_of(names)}); fix the name or add the index"]
        if p.operation not in ("Query", "Scan"):
            out.append(f"{path}.index '{p.index}': {p.operation} cannot target an index (only Query and Scan "
                       "can); remove `index`")
        elif p.consistency == "strong" and not isinstance(idx, LocalSecondaryIndex):
            out.append(f"{path}.consistency 'strong' on GSI '{p.index}' (DDB-R101): GSIs support eventually consistent "
                       "reads only; use eventual, or read the table by key for a strong read")
    entity_names = [e.name for e in model.entities]
    for j, name in enumerate(p.entities):
        if name not in entity_names:
            out.append(f"{path}.entities[{j}] '{name}' is not an entity (known: {_one_of(entity_names)}); fix the "
                       "name or add the entity")
        elif model.entity(name).table != table.name:
            out.append(f"{path}.entities[{j}] '{name}' is stored in table '{model.entity(name).table}', not "
                       f"'{table.name}'; pick an entity of that table")
    if not p.entities and p.operation != "TransactWriteItems":
        out.append(f"{path}.entities is empty; name the entity the request reads or writes")
    pk, sk = table.index_keys(p.index) if p.index is None or table.index(p.index) else (table.partition_key, None)
    target = f"index '{p.index}'" if p.index else f"table '{table.name}'"
    kc = p.key_condition
    if kc is None and p.operation not in ("Scan", "TransactWriteItems"):
        out.append(f"{path}.key_condition is missing: {p.operation} addresses a key of {target} (partition key "
                   f"'{pk.name}'); add `key_condition: {{partition_key: ...}}`")
    if kc is not None:
        if p.operation == "Scan":
            out.append(f"{path}.key_condition: a Scan takes no key condition; remove it or use a Query")
        if kc.sort_key is not None and sk is None:
            out.append(f"{path}.key_condition.sort_key: {target} has no sort key; remove the sort key condition")
        exact = p.operation not in ("Query", "Scan")
        if exact and sk is not None and (kc.sort_key is None or kc.sort_key.operator != "="):
            out.append(f"{path}.key_condition.sort_key: {p.operation} needs the full primary key of {target}, "
                       f"so the sort key '{sk.name}' needs operator '='; add `sort_key: {{operator: '=', value: ...}}`")
        if kc.sort_key is not None and kc.sort_key.operator == "between" and kc.sort_key.value2 is None:
            out.append(f"{path}.key_condition.sort_key: 'between' needs value2 (the upper bound); add it")
        declared = {v.name for n in p.entities if n in entity_names for v in model.entity(n).variables}
        for text in (kc.partition_key, *(() if kc.sort_key is None else (kc.sort_key.value, kc.sort_key.value2 or ""))):
            for var in template_variables(text):
                if var not in declared:
                    out.append(f"{path}.key_condition '{text}' uses variable '{var}' that none of the pattern's "
                               f"entities declares (declared: {_one_of(sorted(declared))}); declare it or fix the name")
    if p.index is not None and table.index(p.index) is not None:
        for j, name in enumerate(p.entities):
            if name in entity_names and not model.entity(name).has_attribute(pk.name):
                out.append(f"{path}.entities[{j}] '{name}' has no '{pk.name}' (the partition key of index "
                           f"'{p.index}'), so it never appears in the index; add a key template or attribute")
    if p.operation == "TransactWriteItems":
        if not 1 <= len(p.actions) <= limits.MAX_TRANSACTION_ACTIONS:
            out.append(f"{path}.actions has {len(p.actions)} actions; a transaction takes 1-"
                       f"{limits.MAX_TRANSACTION_ACTIONS}; split it")
        for j, act in enumerate(p.actions):
            if act.entity not in entity_names:
                out.append(f"{path}.actions[{j}].entity '{act.entity}' is not an entity (known: "
                           f"{_one_of(entity_names)}); fix the name")
    if not is_read:
        changed = getattr(p, "changed_attributes", ())
        for j, attr in enumerate(changed):
            if not any(model.entity(n).has_attribute(attr) for n in p.entities if n in entity_names):
                out.append(f"{path}.changed_attributes[{j}] '{attr}' is not an attribute of "
                           f"{list(p.entities)}; fix the name or add the attribute")
    if p.region is not None:
        regions = table.global_table.regions if table.global_table else (model.region,)
        if p.region not in regions:
            out.append(f"{path}.region '{p.region}' has no replica of table '{table.name}' (replicas: "
                       f"{_one_of(list(regions))}); use one of them or add a replica")
    if p.peak_requests_per_second is not None and p.peak_requests_per_second < p.requests_per_second:
        out.append(f"{path}.peak_requests_per_second {p.peak_requests_per_second:g} is below the average "
                   f"{p.requests_per_second:g}; the peak must be at least the average")
    return out
