"""Structural edits of a design's plain data: renames whose references follow, deletes that say what they
would orphan, and index changes that keep the access patterns using the index consistent.

Every function takes the plain data of a design (`engine.io.design_data`, lists and dicts) and changes it in
place; the caller validates the result with `parse_model`, so an edit that breaks a rule is refused with the
validator's message. Functions raise `EditError` (a WorkbenchError) naming the field, the value and the fix
when an edit cannot be made at all (an unknown or duplicate name).
"""

from __future__ import annotations

from typing import Any

from engine.errors import WorkbenchError

Data = dict[str, Any]


class EditError(WorkbenchError):
    """An edit that cannot be applied (unknown name, duplicate name): the message names value and fix."""


def _named(items: list[Data], name: str, what: str) -> Data:
    for item in items:
        if item.get("name") == name:
            return item
    known = ", ".join(str(i.get("name")) for i in items) or "none"
    raise EditError(f"{what} '{name}' does not exist (known: {known})")


def _check_new_name(items: list[Data], new: str, what: str) -> str:
    new = (new or "").strip()
    if not new:
        raise EditError(f"the new {what} name is empty; type a name")
    if any(i.get("name") == new for i in items):
        raise EditError(f"a {what} named '{new}' already exists; pick another name")
    return new


def table_data(data: Data, name: str) -> Data:
    return _named(data.setdefault("tables", []), name, "table")


def index_data(table: Data, name: str) -> tuple[str, Data]:
    """("gsis" | "lsis", the index's data) of one index of a table."""
    for kind in ("gsis", "lsis"):
        for index in table.get(kind, []):
            if index["name"] == name:
                return kind, index
    raise EditError(f"table '{table['name']}' has no index '{name}'")


# ----------------------------------------------------------------------------- tables


def add_table(data: Data, name: str, partition_key: str, sort_key: str | None = None,
              partition_key_type: str = "S", sort_key_type: str = "S") -> Data:
    """A new on-demand Standard table with the given keys."""
    tables = data.setdefault("tables", [])
    name = _check_new_name(tables, name, "table")
    table: Data = {"name": name, "partition_key": {"name": partition_key.strip(), "type": partition_key_type}}
    if sort_key and sort_key.strip():
        table["sort_key"] = {"name": sort_key.strip(), "type": sort_key_type}
    tables.append(table)
    return table


def rename_table(data: Data, old: str, new: str) -> None:
    """Rename a table; its entities, every access pattern naming it (transactions included) and every stream
    consumer write targeting it follow."""
    table = table_data(data, old)
    new = _check_new_name(data["tables"], new, "table")
    table["name"] = new
    for entity in data.get("entities", []):
        if entity.get("table") == old:
            entity["table"] = new
    for pattern in data.get("access_patterns", []):
        if pattern.get("table") == old:
            pattern["table"] = new
    for write in _consumer_writes(data):
        if write.get("table") == old:
            write["table"] = new


def _consumer_writes(data: Data) -> list[Data]:
    """The writes of every stream consumer of every table (engine.model.stream.ConsumerWrite data)."""
    return [w for t in data.get("tables", []) for c in t.get("stream_consumers", []) for w in c.get("writes", [])]


def table_dependents(data: Data, name: str) -> tuple[list[str], list[str]]:
    """(entities stored in the table, access patterns that target it or one of its entities)."""
    entities = [e["name"] for e in data.get("entities", []) if e.get("table") == name]
    patterns = [p["name"] for p in data.get("access_patterns", [])
                if p.get("table") == name or set(p.get("entities", ())) & set(entities)
                or any(a.get("entity") in entities for a in p.get("actions", ()))]
    return entities, patterns


def delete_table(data: Data, name: str, take_along: bool = False) -> None:
    """Delete a table. With dependents it is refused (naming them) unless `take_along` deletes them too (stream
    consumer writes to the table included: `consumer_writes_to`)."""
    table_data(data, name)
    entities, patterns = table_dependents(data, name)
    writers = [w for w in consumer_writes_to(data, name) if not w.startswith(f"{name}.")]
    if (entities or patterns or writers) and not take_along:
        also = f" and stream consumers {_listed(writers)} write to it" if writers else ""
        raise EditError(f"table '{name}' holds entities {_listed(entities)} and is used by access patterns "
                        f"{_listed(patterns)}{also}; delete them along with it, or move them to another table first")
    data["tables"] = [t for t in data["tables"] if t["name"] != name]
    data["entities"] = [e for e in data.get("entities", []) if e["name"] not in entities]
    delete_patterns(data, patterns)
    _drop_consumer_writes(data, lambda w: w.get("table") == name)


def set_key(data: Data, table_name: str, which: str, name: str | None, key_type: str = "S") -> None:
    """Set or rename the table's partition or sort key (`which`); entity key templates follow a rename.

    A sort key of None removes the sort key (its key templates go with it).
    """
    table = table_data(data, table_name)
    field = "partition_key" if which == "partition" else "sort_key"
    old = (table.get(field) or {}).get("name")
    if name is None or not name.strip():
        if field == "partition_key":
            raise EditError(f"table '{table_name}' needs a partition key; type its name")
        table.pop("sort_key", None)
        keys_to_attributes(data, table_name)
        return
    name = name.strip()
    table[field] = {"name": name, "type": key_type}
    if old and old != name:
        _rename_key_templates(data, table_name, old, name)


def _rename_key_templates(data: Data, table_name: str, old: str, new: str) -> None:
    for entity in data.get("entities", []):
        if entity.get("table") == table_name:
            for key in entity.get("keys", []):
                if key["attribute"] == old:
                    key["attribute"] = new


def keys_to_attributes(data: Data, table_name: str) -> None:
    """Key templates of the table's entities whose attribute is no longer a key of the table or its indexes
    become plain attributes, with the template's first rendered value as their example (so the item keeps its
    size); a removed index or sort key never leaves a dangling template."""
    table = table_data(data, table_name)
    keys = set(key_attributes(table))
    for entity in data.get("entities", []):
        if entity.get("table") != table_name:
            continue
        moved = [k for k in entity.get("keys", []) if k["attribute"] not in keys]
        if not moved:
            continue
        examples = {k["attribute"]: _first_value(entity, k["template"]) for k in moved}
        entity["keys"] = [k for k in entity["keys"] if k["attribute"] in keys]
        names = {a["name"] for a in entity.get("attributes", [])}
        for attribute, example in examples.items():
            if attribute not in names:
                entity.setdefault("attributes", []).append({"name": attribute, "example": example})


def _first_value(entity: Data, template: str) -> str:
    """The template's first value for the entity (engine.keyspace), or the template text when it cannot render."""
    from engine.keyspace import key_label
    from engine.model.entity import Entity

    try:
        return key_label(Entity.model_validate(entity), template, 0)
    except (ValueError, KeyError, WorkbenchError):
        return template


def key_attributes(table: Data) -> list[str]:
    """Every key attribute of a table and its indexes, table keys first (the entity chart's columns)."""
    names = [table["partition_key"]["name"]]
    if table.get("sort_key"):
        names.append(table["sort_key"]["name"])
    for index in (*table.get("gsis", []), *table.get("lsis", [])):
        for key in (index.get("partition_key"), index.get("sort_key")):
            if key and key["name"] not in names:
                names.append(key["name"])
    return names


# ----------------------------------------------------------------------------- indexes


def index_users(data: Data, table_name: str, index_name: str) -> list[str]:
    """Access patterns that read through an index."""
    return [p["name"] for p in data.get("access_patterns", [])
            if p.get("table") == table_name and p.get("index") == index_name]


def put_index(data: Data, table_name: str, kind: str, index: Data, replaces: str | None = None) -> None:
    """Add an index (kind "gsis" or "lsis"), or replace the index named `replaces` in place (an edit:
    keys, projection, name); patterns follow a rename."""
    table = table_data(data, table_name)
    others = [i for k in ("gsis", "lsis") for i in table.get(k, []) if i["name"] != replaces]
    _check_new_name(others, index["name"], "index")
    if replaces is None:
        table.setdefault(kind, []).append(index)
        return
    old_kind, old = index_data(table, replaces)
    if old_kind == kind:
        table[kind] = [index if i is old else i for i in table[kind]]
    else:
        table[old_kind] = [i for i in table[old_kind] if i is not old]
        table.setdefault(kind, []).append(index)
    if index["name"] != replaces:
        for pattern in data.get("access_patterns", []):
            if pattern.get("table") == table_name and pattern.get("index") == replaces:
                pattern["index"] = index["name"]
    keys_to_attributes(data, table_name)


def _target_keys(table: Data, index_name: str | None) -> tuple[str, str | None]:
    """(partition key, sort key) attribute names of the table or one of its indexes."""
    if index_name is None:
        return table["partition_key"]["name"], (table.get("sort_key") or {}).get("name")
    kind, index = index_data(table, index_name)
    pk = table["partition_key"]["name"] if kind == "lsis" else index["partition_key"]["name"]
    return pk, (index.get("sort_key") or {}).get("name")


def delete_index(data: Data, table_name: str, index_name: str, patterns: str = "refuse",
                 repoint_to: str | None = None) -> None:
    """Delete an index. Patterns that read through it are refused by default (naming them); `patterns`
    "drop" deletes them, "repoint" moves them to `repoint_to` (another index, or None for the table).

    A moved pattern keeps its partition-key condition when the new target has the same partition key
    attribute (its sort-key condition only when the sort key is the same too); a pattern whose partition key
    the new target does not have cannot be moved, and the delete is refused naming it."""
    table = table_data(data, table_name)
    kind, _ = index_data(table, index_name)
    users = index_users(data, table_name, index_name)
    if users and patterns == "refuse":
        raise EditError(f"index '{index_name}' is read by access patterns {_listed(users)}; repoint them to the "
                        "table or another index, or delete them with the index")
    if patterns == "repoint" and users:
        _repoint(data, table, index_name, repoint_to, users)
    table[kind] = [i for i in table[kind] if i["name"] != index_name]
    if patterns == "drop":
        delete_patterns(data, users)
    keys_to_attributes(data, table_name)


def _repoint(data: Data, table: Data, index_name: str, repoint_to: str | None, users: list[str]) -> None:
    old_pk, old_sk = _target_keys(table, index_name)
    new_pk, new_sk = _target_keys(table, repoint_to)
    where = f"index '{repoint_to}'" if repoint_to else f"table '{table['name']}'"
    if old_pk != new_pk:
        raise EditError(f"the patterns {_listed(users)} name partition key '{old_pk}', which the {where} is not keyed "
                        f"on (its partition key is '{new_pk}'); delete them with the index or move them elsewhere")
    for pattern in data.get("access_patterns", []):
        if pattern["name"] not in users:
            continue
        if repoint_to:
            pattern["index"] = repoint_to
        else:
            pattern.pop("index", None)
        kc = pattern.get("key_condition") or {}
        if kc.get("sort_key") and old_sk != new_sk:
            kc.pop("sort_key")


# ----------------------------------------------------------------------------- entities


def add_entity(data: Data, name: str, table_name: str, item_count: int = 1000) -> Data:
    """A new entity in a table, with a key template for each of the table's keys and one id variable."""
    entities = data.setdefault("entities", [])
    name = _check_new_name(entities, name, "entity")
    table = table_data(data, table_name)
    variable = f"{name.lower().replace(' ', '_')}_id"
    keys = [{"attribute": table["partition_key"]["name"], "template": f"{name.upper()}#{{{variable}}}"}]
    if table.get("sort_key"):
        keys.append({"attribute": table["sort_key"]["name"], "template": name.upper()})
    entity = {"name": name, "table": table_name, "item_count": int(item_count), "keys": keys,
              "variables": [{"name": variable, "cardinality": max(1, int(item_count))}], "attributes": []}
    entities.append(entity)
    return entity


def rename_entity(data: Data, old: str, new: str) -> None:
    """Rename an entity; access patterns, transaction actions, screens and stream consumer writes naming it
    follow."""
    entity = _named(data.setdefault("entities", []), old, "entity")
    new = _check_new_name(data["entities"], new, "entity")
    entity["name"] = new
    for pattern in data.get("access_patterns", []):
        pattern["entities"] = [new if e == old else e for e in pattern.get("entities", [])]
        for action in pattern.get("actions", []):
            if action.get("entity") == old:
                action["entity"] = new
    for write in _consumer_writes(data):
        if write.get("entity") == old:
            write["entity"] = new


def entity_users(data: Data, name: str) -> list[str]:
    return [p["name"] for p in data.get("access_patterns", [])
            if name in p.get("entities", ()) or any(a.get("entity") == name for a in p.get("actions", ()))]


def delete_entity(data: Data, name: str, take_along: bool = False) -> None:
    """Delete an entity; refused while access patterns use it unless `take_along` deletes them too (stream
    consumer writes of the entity included)."""
    _named(data.setdefault("entities", []), name, "entity")
    users = entity_users(data, name)
    writers = consumer_writes_to(data, entity=name)
    if (users or writers) and not take_along:
        also = f" and written by stream consumers {_listed(writers)}" if writers else ""
        raise EditError(f"entity '{name}' is used by access patterns {_listed(users)}{also}; delete them along with "
                        "it or change them first")
    data["entities"] = [e for e in data["entities"] if e["name"] != name]
    delete_patterns(data, users)
    _drop_consumer_writes(data, lambda w: w.get("entity") == name)


def set_key_template(data: Data, entity_name: str, attribute: str, template: str) -> None:
    """Set (add, change, or with an empty template remove) the entity's key template for one attribute."""
    entity = _named(data.setdefault("entities", []), entity_name, "entity")
    keys = entity.setdefault("keys", [])
    for key in keys:
        if key["attribute"] == attribute:
            if template.strip():
                key["template"] = template
            else:
                keys.remove(key)
            return
    if template.strip():
        keys.append({"attribute": attribute, "template": template})


def drop_orphaned_variables(data: Data, entity_name: str, old_template: str) -> None:
    """Drop the variables an old template used that no key template of the entity and no access pattern's key
    condition on it uses any more (a template changed from ORDER#{order_id} to ORDER#{id} drops order_id)."""
    from engine.model.entity import template_variables

    entity = _named(data.setdefault("entities", []), entity_name, "entity")
    used = {v for k in entity.get("keys", []) for v in template_variables(k["template"])}
    for pattern in data.get("access_patterns", []):
        if entity_name in pattern.get("entities", ()):
            kc = pattern.get("key_condition") or {}
            sk = kc.get("sort_key") or {}
            for text in (kc.get("partition_key", ""), sk.get("value", ""), sk.get("value2") or ""):
                used |= set(template_variables(text))
    orphaned = set(template_variables(old_template)) - used
    entity["variables"] = [v for v in entity.get("variables", []) if v["name"] not in orphaned]


# ----------------------------------------------------------------------------- stream consumers


def consumer_data(data: Data, table_name: str, name: str) -> Data:
    """One stream consumer of a table (engine.model.stream data)."""
    return _named(table_data(data, table_name).get("stream_consumers", []), name,
                  f"stream consumer of table '{table_name}'")


def put_consumer(data: Data, table_name: str, consumer: Data, replaces: str | None = None) -> None:
    """Add a stream consumer to a table, or replace the one named `replaces` (a rename or another kind): the old
    consumer's writes stay unless `consumer` brings its own. The name must be unique among the table's consumers."""
    consumers = table_data(data, table_name).setdefault("stream_consumers", [])
    name = str(consumer.get("name") or "").strip()
    if replaces is None:
        consumer["name"] = _check_new_name(consumers, name, "stream consumer")
        consumers.append(consumer)
        return
    old = consumer_data(data, table_name, replaces)
    others = [c for c in consumers if c is not old]
    consumer["name"] = name if name == replaces else _check_new_name(others, name, "stream consumer")
    if "writes" not in consumer and old.get("writes"):
        consumer["writes"] = old["writes"]
    consumers[consumers.index(old)] = consumer


def delete_consumer(data: Data, table_name: str, name: str) -> None:
    """Remove a stream consumer (its writes, derived access patterns, go with it)."""
    table = table_data(data, table_name)
    consumer = consumer_data(data, table_name, name)
    table["stream_consumers"] = [c for c in table["stream_consumers"] if c is not consumer]


def _write_position(consumer: Data, index: int) -> int:
    writes = consumer.get("writes", [])
    if not 0 <= index < len(writes):
        raise EditError(f"stream consumer '{consumer.get('name')}' has no write #{index + 1} (it has "
                        f"{len(writes)}); reload the page")
    return index


def put_consumer_write(data: Data, table_name: str, consumer_name: str, write: Data, index: int | None = None) -> None:
    """Add a write to a stream consumer (`index` None) or replace its write at `index` (writes have no name: they
    are known by position)."""
    consumer = consumer_data(data, table_name, consumer_name)
    writes = consumer.setdefault("writes", [])
    if index is None:
        writes.append(write)
    else:
        writes[_write_position(consumer, index)] = write


def delete_consumer_write(data: Data, table_name: str, consumer_name: str, index: int) -> None:
    """Remove the write at `index` of a stream consumer."""
    consumer = consumer_data(data, table_name, consumer_name)
    del consumer["writes"][_write_position(consumer, index)]


def consumer_writes_to(data: Data, table_name: str | None = None, entity: str | None = None) -> list[str]:
    """The stream consumers writing to a table (or an entity), as `<their table>.<consumer>`: what deleting it
    takes along."""
    out: list[str] = []
    for table in data.get("tables", []):
        for consumer in table.get("stream_consumers", []):
            if any((table_name is not None and w.get("table") == table_name)
                   or (entity is not None and w.get("entity") == entity) for w in consumer.get("writes", [])):
                out.append(f"{table['name']}.{consumer['name']}")
    return out


def _drop_consumer_writes(data: Data, gone: Any) -> None:
    for table in data.get("tables", []):
        for consumer in table.get("stream_consumers", []):
            if "writes" in consumer:
                consumer["writes"] = [w for w in consumer["writes"] if not gone(w)]


# ----------------------------------------------------------------------------- access patterns


def rename_pattern(data: Data, old: str, new: str) -> None:
    """Rename an access pattern; screens naming it follow."""
    pattern = _named(data.setdefault("access_patterns", []), old, "access pattern")
    new = _check_new_name(data["access_patterns"], new, "access pattern")
    pattern["name"] = new
    for screen in data.get("screens", []):
        screen["access_patterns"] = [new if n == old else n for n in screen.get("access_patterns", [])]
        screen["repeat"] = [[new if r[0] == old else r[0], r[1]] for r in screen.get("repeat", [])]


def delete_patterns(data: Data, names: list[str]) -> None:
    """Delete access patterns and their mentions in screens (a screen left without patterns goes too)."""
    gone = set(names)
    data["access_patterns"] = [p for p in data.get("access_patterns", []) if p["name"] not in gone]
    for screen in data.get("screens", []):
        screen["access_patterns"] = [n for n in screen.get("access_patterns", []) if n not in gone]
        screen["repeat"] = [r for r in screen.get("repeat", []) if r[0] not in gone]
    data["screens"] = [s for s in data.get("screens", []) if s.get("access_patterns")]


def _listed(names: list[str]) -> str:
    if not names:
        return "(none)"
    shown = ", ".join(f"'{n}'" for n in names[:5])
    return shown + (f" and {len(names) - 5} more" if len(names) > 5 else "")


__all__ = [
    "EditError", "add_entity", "add_table", "consumer_data", "consumer_writes_to", "delete_consumer",
    "delete_consumer_write", "delete_entity", "delete_index", "delete_patterns", "delete_table",
    "drop_orphaned_variables", "keys_to_attributes", "entity_users",
    "index_data", "index_users", "key_attributes", "put_consumer", "put_consumer_write", "put_index",
    "rename_entity", "rename_pattern", "rename_table", "set_key", "set_key_template", "table_data", "table_dependents",
]
