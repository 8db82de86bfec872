"""NoSQL Workbench for DynamoDB data-model JSON (format versions 1.0, 2.0 and 3.0): import and export.

The format, as the desktop app writes it (DG/workbench.Modeler.ExportModel.html, DG/workbench.Modeler.Edit.html):
`ModelName`, `ModelMetadata` (`Version` "1.0" / "2.0" / "3.0", Author, dates, Description, AWSService), and
`DataModel`, a list of tables: `TableName`, `KeyAttributes` (`PartitionKey` / `SortKey`, each `AttributeName` +
`AttributeType`), `NonKeyAttributes` (AttributeName + AttributeType), `GlobalSecondaryIndexes` (`IndexName`,
`KeyAttributes`, `Projection` with `ProjectionType` and `NonKeyAttributes`), `TableFacets` (`FacetName`,
`KeyAttributeAlias` with `PartitionKeyAlias` / `SortKeyAlias`, `NonKeyAttributes` names, and in 3.0 files often
`TableData`), `TableData` (items in DynamoDB JSON; at table level in 1.0/2.0 files), `DataAccess` (the MySQL
import settings, 2.0+), and in 3.0 `BillingMode` and `ProvisionedCapacitySettings` (`ProvisionedThroughput`,
`AutoScalingRead` / `AutoScalingWrite` with `ScalableTargetRequest` Min/MaxCapacity and
`ScalingPolicyConfiguration.TargetValue` in percent).

Access patterns are not part of the format: an import proposes none and says so.
"""

from __future__ import annotations

import re
from typing import Any

from engine.interop.entities import build_entity, key_attributes
from engine.interop.keys import snake, wire_scalar_text
from engine.interop.notes import ImportError_, Notes, listed, number, safe_name, text, unique, unique_name

KEY_TYPES = ("S", "N", "B")
ATTRIBUTE_TYPES = ("S", "N", "B", "BOOL", "NULL", "L", "M", "SS", "NS", "BS")
KNOWN_TABLE_KEYS = {"TableName", "KeyAttributes", "NonKeyAttributes", "GlobalSecondaryIndexes", "TableFacets",
                    "TableData", "DataAccess", "BillingMode", "ProvisionedCapacitySettings", "SampleDataFormats",
                    "LocalSecondaryIndexes"}


def looks_like(doc: Any) -> bool:
    return isinstance(doc, dict) and isinstance(doc.get("DataModel"), list)


def import_nosql_workbench(doc: Any, source: str, notes: Notes) -> tuple[dict, dict[str, list[dict]]]:
    """Plain design data and sample items per table from a parsed NoSQL Workbench model."""
    if not looks_like(doc):
        raise ImportError_(f"{source}: not a NoSQL Workbench model: expected an object with a `DataModel` list of "
                           "tables; export the model from NoSQL Workbench (Data modeler > Export) or pick another "
                           "--from format")
    meta = doc.get("ModelMetadata") if isinstance(doc.get("ModelMetadata"), dict) else {}
    version = str(meta.get("Version", "")).strip()
    if version not in ("1.0", "2.0", "3.0"):
        notes.add("info", "ModelMetadata.Version",
                  f"format version {version!r}" if version else "no format version",
                  "read as the newest known format (3.0), which reads 1.0 and 2.0 files too")
    raw_name = text(doc.get("ModelName")) or "Imported NoSQL Workbench model"
    design: dict[str, Any] = {"name": raw_name.strip()[:255] or "Imported NoSQL Workbench model"}
    description = text(meta.get("Description"))
    author = text(meta.get("Author"))
    design["description"] = " ".join(p for p in (
        description or "", f"Author: {author}." if author else "",
        "Imported from a NoSQL Workbench model.") if p).strip()
    tables: list[dict] = []
    entities: list[dict] = []
    items_out: dict[str, list[dict]] = {}
    taken_tables: set[str] = set()
    taken_entities: dict[str, str] = {}
    for i, raw in enumerate(doc["DataModel"]):
        where = f"DataModel[{i}]"
        if not isinstance(raw, dict):
            notes.add("skipped", where, f"a {type(raw).__name__} instead of a table", "a table is an object")
            continue
        table = _table(raw, where, notes, taken_tables)
        if table is None:
            continue
        tables.append(table)
        items = _table_items(raw, where, notes)
        new_entities, items_all = _facets(raw, table, items, where, notes, taken_entities)
        entities += new_entities
        items_out[table["name"]] = items_all
    if not tables:
        raise ImportError_(f"{source}: DataModel has no readable table (each needs TableName and "
                           "KeyAttributes.PartitionKey.AttributeName); add one")
    design["tables"] = tables
    design["entities"] = entities
    notes.add("info", "(model)", "no access patterns imported",
              "NoSQL Workbench models hold no request rates; add the access patterns with their rates in the "
              "workbench (until then every cost and throughput figure is zero)")
    if entities:
        notes.add("info", "(model)", "entity item counts are the sample data's counts",
                  "set each entity's item_count to the real number of items")
    return design, items_out


def _key(raw: Any, where: str, notes: Notes) -> dict | None:
    if not isinstance(raw, dict):
        return None
    name = raw.get("AttributeName")
    if not isinstance(name, str) or not name.strip() or len(name) > 255:
        notes.add("skipped", where, f"key without AttributeName ({raw!r})", "a key needs an attribute name")
        return None
    kind = str(raw.get("AttributeType", "S")).strip().upper()
    if kind not in KEY_TYPES:
        notes.add("changed", f"{where}.AttributeType", f"key type {raw.get('AttributeType')!r} read as S",
                  "a key attribute is S, N or B")
        kind = "S"
    return {"name": name, "type": kind}


def _table(raw: dict, where: str, notes: Notes, taken: set[str]) -> dict | None:
    keys = raw.get("KeyAttributes") if isinstance(raw.get("KeyAttributes"), dict) else {}
    pk = _key(keys.get("PartitionKey"), f"{where}.KeyAttributes.PartitionKey", notes)
    if pk is None:
        notes.add("skipped", where, f"table {raw.get('TableName')!r}", "it has no KeyAttributes.PartitionKey")
        return None
    name = unique_name(safe_name(raw.get("TableName"), f"{where}.TableName", notes, "Table"), taken, f"{where}.TableName", notes)
    table: dict[str, Any] = {"name": name, "partition_key": pk}
    sk = _key(keys.get("SortKey"), f"{where}.KeyAttributes.SortKey", notes)
    if sk is not None:
        table["sort_key"] = sk
    for extra in sorted(set(raw) - KNOWN_TABLE_KEYS):
        notes.add("skipped", f"{where}.{extra}", "unknown table field", "not part of the NoSQL Workbench format")
    if "DataAccess" in raw:
        notes.add("skipped", f"{where}.DataAccess", "data access settings (MySQL import)",
                  "a design describes tables, not where their data came from")
    if "SampleDataFormats" in raw:
        notes.add("skipped", f"{where}.SampleDataFormats", "sample data generators",
                  "the workbench generates sample items from each entity's variables")
    billing, gsi_capacity = _billing(raw, where, notes)
    gsis, lsis = [], []
    index_names: set[str] = set()
    for j, g in enumerate(listed(raw.get("GlobalSecondaryIndexes"), where, notes, "GlobalSecondaryIndexes")):
        gw = f"{where}.GlobalSecondaryIndexes[{j}]"
        gsi = _gsi(g, gw, notes, index_names)
        if gsi is not None:
            if gsi_capacity is not None:
                gsi["provisioned"] = dict(gsi_capacity)
                notes.add("guessed", gw, "GSI capacity set to the table's", "the file gives GSIs no capacity "
                          "of their own; a provisioned table's GSIs need it")
            gsis.append(gsi)
    for j, g in enumerate(listed(raw.get("LocalSecondaryIndexes"), where, notes, "LocalSecondaryIndexes")):
        gw = f"{where}.LocalSecondaryIndexes[{j}]"
        gsi = _gsi(g, gw, notes, index_names)
        if gsi is None:
            continue
        if gsi["partition_key"]["name"] != pk["name"] or "sort_key" not in gsi or sk is None:
            notes.add("skipped", gw, f"LSI {gsi['name']}", "an LSI shares the table's partition key and needs a sort key")
            continue
        lsis.append({"name": gsi["name"], "sort_key": gsi["sort_key"], "projection": gsi["projection"]})
    if gsis:
        table["gsis"] = gsis
    if lsis:
        table["lsis"] = lsis
    if billing is not None:
        table["billing"] = billing
    return table


def _projection(raw: Any, where: str, notes: Notes) -> dict:
    if not isinstance(raw, dict):
        notes.add("guessed", where, "no projection; ALL assumed", "NoSQL Workbench's default projection is ALL")
        return {"type": "ALL"}
    kind = str(raw.get("ProjectionType", "ALL")).upper()
    if kind not in ("ALL", "KEYS_ONLY", "INCLUDE"):
        notes.add("changed", f"{where}.ProjectionType", f"{raw.get('ProjectionType')!r} read as ALL",
                  "a projection is ALL, KEYS_ONLY or INCLUDE")
        kind = "ALL"
    attrs = [a for a in listed(raw.get("NonKeyAttributes"), where, notes, "NonKeyAttributes") if isinstance(a, str) and a]
    if kind == "INCLUDE" and not attrs:
        notes.add("changed", where, "INCLUDE without attributes read as KEYS_ONLY", "INCLUDE needs attribute names")
        kind = "KEYS_ONLY"
    if kind != "INCLUDE" and attrs:
        notes.add("skipped", f"{where}.NonKeyAttributes", f"{attrs}", f"{kind} takes no attribute list")
        attrs = []
    return {"type": kind, "attributes": list(dict.fromkeys(attrs))} if attrs else {"type": kind}


def _gsi(raw: Any, where: str, notes: Notes, taken: set[str]) -> dict | None:
    if not isinstance(raw, dict):
        notes.add("skipped", where, f"a {type(raw).__name__} instead of an index", "an index is an object")
        return None
    keys = raw.get("KeyAttributes") if isinstance(raw.get("KeyAttributes"), dict) else {}
    pk = _key(keys.get("PartitionKey"), f"{where}.KeyAttributes.PartitionKey", notes)
    if pk is None:
        notes.add("skipped", where, f"index {raw.get('IndexName')!r}", "it has no partition key")
        return None
    name = unique_name(safe_name(raw.get("IndexName"), f"{where}.IndexName", notes, "Index", "index name"), taken,
                       f"{where}.IndexName", notes, "index name")
    gsi: dict[str, Any] = {"name": name, "partition_key": pk}
    sk = _key(keys.get("SortKey"), f"{where}.KeyAttributes.SortKey", notes)
    if sk is not None:
        gsi["sort_key"] = sk
    gsi["projection"] = _projection(raw.get("Projection"), f"{where}.Projection", notes)
    return gsi


def _units(raw: Any, where: str, notes: Notes) -> float | None:
    value = number(raw, where, notes)
    if value is None:
        return None
    if value <= 0:
        notes.add("skipped", where, f"capacity {value}", "capacity units must be above zero")
        return None
    return float(value)


def _billing(raw: dict, where: str, notes: Notes) -> tuple[dict | None, dict | None]:
    """(table billing, capacity for GSIs) from BillingMode / ProvisionedCapacitySettings (3.0)."""
    mode = str(raw.get("BillingMode") or "").upper()
    settings = raw.get("ProvisionedCapacitySettings") if isinstance(raw.get("ProvisionedCapacitySettings"), dict) else {}
    if not mode:
        notes.add("guessed", where, "billing mode on-demand", "the file has no BillingMode (format 1.0/2.0)")
        return None, None
    if mode == "PAY_PER_REQUEST":
        return {"mode": "on_demand"}, None
    if mode != "PROVISIONED":
        notes.add("guessed", f"{where}.BillingMode", f"{raw.get('BillingMode')!r} read as on-demand",
                  "billing is PAY_PER_REQUEST or PROVISIONED")
        return None, None
    tp = settings.get("ProvisionedThroughput") if isinstance(settings.get("ProvisionedThroughput"), dict) else {}
    pw = f"{where}.ProvisionedCapacitySettings.ProvisionedThroughput"
    rcu = _units(tp.get("ReadCapacityUnits"), f"{pw}.ReadCapacityUnits", notes)
    wcu = _units(tp.get("WriteCapacityUnits"), f"{pw}.WriteCapacityUnits", notes)
    if rcu is None or wcu is None:
        notes.add("guessed", pw, "5 RCU / 5 WCU for a provisioned table without readable capacity",
                  "5/5 is the console's default; set the real capacity")
        rcu, wcu = rcu or 5.0, wcu or 5.0
    billing: dict[str, Any] = {"mode": "provisioned", "read_capacity_units": rcu, "write_capacity_units": wcu}
    scaling = _auto_scaling(settings, f"{where}.ProvisionedCapacitySettings", notes)
    if scaling is not None:
        billing["auto_scaling"] = scaling
    gsi = {"read_capacity_units": rcu, "write_capacity_units": wcu}
    return billing, gsi


def _auto_scaling(settings: dict, where: str, notes: Notes) -> dict | None:
    out: dict[str, Any] = {}
    targets = []
    for side, field in (("read", "AutoScalingRead"), ("write", "AutoScalingWrite")):
        block = settings.get(field)
        if not isinstance(block, dict):
            continue
        req = block.get("ScalableTargetRequest") if isinstance(block.get("ScalableTargetRequest"), dict) else {}
        low = _units(req.get("MinCapacity"), f"{where}.{field}.ScalableTargetRequest.MinCapacity", notes)
        high = _units(req.get("MaxCapacity"), f"{where}.{field}.ScalableTargetRequest.MaxCapacity", notes)
        if low is not None:
            out[f"min_{side}_capacity_units"] = low
        if high is not None:
            out[f"max_{side}_capacity_units"] = high
        policy = block.get("ScalingPolicyConfiguration") if isinstance(block.get("ScalingPolicyConfiguration"), dict) else {}
        target = number(policy.get("TargetValue"), f"{where}.{field}.ScalingPolicyConfiguration.TargetValue", notes) \
            if "TargetValue" in policy else None
        if target is not None:
            targets.append(target)
    if not out and not targets:
        return None
    if targets:
        pct = max(targets)
        if len(set(targets)) > 1:
            notes.add("changed", where, f"target utilizations {targets} became one ({pct}%)",
                      "the design has one target utilization for reads and writes")
        share = pct / 100 if pct > 1 else pct
        if not 0.2 < share <= 0.9:
            notes.add("changed", where, f"target utilization {pct}% clamped", "AWS allows 20-90%")
            share = min(max(share, 0.21), 0.9)
        out["target_utilization"] = float(share)
    for side in ("read", "write"):
        low, high = out.get(f"min_{side}_capacity_units"), out.get(f"max_{side}_capacity_units")
        if low is not None and high is not None and low > high:
            notes.add("changed", where, f"{side} min {low} above max {high}: max raised", "min must be at most max")
            out[f"max_{side}_capacity_units"] = low
    return out


def _table_items(raw: dict, where: str, notes: Notes) -> list[dict]:
    return _items(raw.get("TableData"), f"{where}.TableData", notes)


def _items(data: Any, where: str, notes: Notes) -> list[dict]:
    from engine.errors import WorkbenchError
    from engine.samples import check_wire_value

    if data is None:
        return []
    if not isinstance(data, list):
        notes.add("skipped", where, f"a {type(data).__name__} instead of a list of items", "TableData is a list")
        return []
    out = []
    for k, item in enumerate(data):
        iw = f"{where}[{k}]"
        if not isinstance(item, dict) or not item:
            notes.add("skipped", iw, "an item that is not an object of attributes", "an item maps names to values")
            continue
        clean = {}
        for name, value in item.items():
            try:
                clean[name] = check_wire_value(value, f"{iw}.{name}")
            except WorkbenchError as exc:
                fixed = _lenient_value(value)
                if fixed is None:
                    notes.add("skipped", f"{iw}.{name}", "attribute value", str(exc))
                    continue
                notes.add("changed", f"{iw}.{name}", f"value {value!r} read as {fixed!r}",
                          "values in DynamoDB JSON carry their type ({\"S\": ...}); a plain value was typed by its JSON type")
                clean[name] = fixed
        out.append(clean)
    return out


def _lenient_value(value: Any) -> dict | None:
    """A plain JSON value (hand-edited TableData), or a number given as a JSON number in {"N": 5}."""
    from engine.errors import WorkbenchError
    from engine.samples import check_wire_value, plain_value_to_wire

    if isinstance(value, dict) and set(value) == {"N"} and isinstance(value["N"], (int, float)) \
            and not isinstance(value["N"], bool):
        return {"N": str(value["N"])}
    if isinstance(value, dict):
        return None
    try:
        return check_wire_value(plain_value_to_wire(value, "value"), "value")
    except WorkbenchError:
        return None


def _facets(raw: dict, table: dict, items: list[dict], where: str, notes: Notes,
            taken: dict[str, str]) -> tuple[list[dict], list[dict]]:
    """Entities from the table's facets (or from its item shapes), and every sample item of the table."""
    attribute_types = _attribute_types(raw.get("NonKeyAttributes"), f"{where}.NonKeyAttributes", notes)
    facets: list[tuple[str, dict, list[dict], str]] = []  # (name, facet, own items, where)
    seen_content: dict[str, str] = {}
    for j, f in enumerate(listed(raw.get("TableFacets"), where, notes, "TableFacets")):
        fw = f"{where}.TableFacets[{j}]"
        if not isinstance(f, dict):
            notes.add("skipped", fw, f"a {type(f).__name__} instead of a facet", "a facet is an object")
            continue
        raw_name = text(f.get("FacetName"))
        name = raw_name.strip()[:255] if raw_name else ""
        if raw_name and len(raw_name.strip()) > 255:
            notes.add("changed", f"{fw}.FacetName", "facet name cut to 255 characters", "entity names have 1-255")
        if not name:
            name = f"{table['name']}Facet{j + 1}"
            notes.add("changed", f"{fw}.FacetName", f"empty facet name became '{name}'", "an entity needs a name")
        own = _items(f.get("TableData"), f"{fw}.TableData", notes)
        signature = repr((f.get("KeyAttributeAlias"), f.get("NonKeyAttributes"), own))
        if name in taken:
            if seen_content.get(name) == signature:
                notes.add("skipped", fw, f"facet '{name}' again, with the same content", "a duplicate of an earlier facet")
                continue
            new = unique(name, set(taken))
            notes.add("changed", f"{fw}.FacetName", f"duplicate facet name '{name}' became '{new}'",
                      "entity names are unique in a design")
            name = new
        taken[name] = table["name"]
        seen_content[name] = signature
        facets.append((name, f, own, fw))
    all_items = [*items, *(it for _, _, own, _ in facets for it in own)]
    entities = []
    if facets:
        assigned = _assign(items, facets, table)
        unmatched = assigned.pop(None, [])
        for name, f, own, fw in facets:
            alias = f.get("KeyAttributeAlias") if isinstance(f.get("KeyAttributeAlias"), dict) else {}
            aliases = {"pk": text(alias.get("PartitionKeyAlias")) or "", "sk": text(alias.get("SortKeyAlias")) or ""}
            aliases = {k: v for k, v in aliases.items() if v}
            declared = [a for a in listed(f.get("NonKeyAttributes"), where, notes, "NonKeyAttributes") if isinstance(a, str)]
            facet_items = [*own, *assigned.get(name, [])]
            entities.append(build_entity(name, table, facet_items, aliases, declared, attribute_types, notes, fw))
        if unmatched:
            notes.add("skipped", f"{where}.TableData", f"{len(unmatched)} item(s) that match no facet's keys",
                      "kept as sample items of the table but not counted in any entity; add a facet for them")
    elif all_items:
        for name, group in _groups(all_items, table).items():
            ename = unique(name, set(taken))
            taken[ename] = table["name"]
            entities.append(build_entity(ename, table, group, {}, [], attribute_types, notes,
                                         f"{where}.TableData ({ename})"))
            notes.add("guessed", f"{where}.TableData", f"entity '{ename}' from {len(group)} item(s) with the same "
                      "key shape", "the table has no facets; rename the entity")
    else:
        notes.add("info", where, f"table '{table['name']}' has no facets and no sample items: no entity",
                  "add entities in the workbench to see sizes and costs")
    _declared_unused(raw, table, entities, attribute_types, where, notes)
    return entities, all_items


def _attribute_types(raw: Any, where: str, notes: Notes) -> dict[str, str]:
    out: dict[str, str] = {}
    for k, a in enumerate(listed(raw, where, notes)):
        if isinstance(a, str):  # a bare name
            out.setdefault(a, "S")
            continue
        if not isinstance(a, dict) or not isinstance(a.get("AttributeName"), str):
            notes.add("skipped", f"{where}[{k}]", "attribute definition without AttributeName", "cannot name it")
            continue
        kind = str(a.get("AttributeType", "S")).upper()
        if kind not in ATTRIBUTE_TYPES:
            notes.add("changed", f"{where}[{k}].AttributeType", f"{a.get('AttributeType')!r} read as S",
                      f"DynamoDB types are {', '.join(ATTRIBUTE_TYPES)}")
            kind = "S"
        out.setdefault(a["AttributeName"], kind)
    return out


def _declared_unused(raw: dict, table: dict, entities: list[dict], types: dict[str, str], where: str,
                     notes: Notes) -> None:
    used = {a["name"] for e in entities for a in e["attributes"]} | {k["attribute"] for e in entities for k in e["keys"]}
    keys = {a for a, _, _ in key_attributes(table)}
    unused = [n for n in types if n not in used and n not in keys]
    if unused and entities:
        notes.add("skipped", f"{where}.NonKeyAttributes", f"{', '.join(unused)}: declared but in no facet or item",
                  "an attribute belongs to an entity; add it to the entity that stores it")


def _prefix(value: str | None) -> tuple[str, ...]:
    """The literal head of a key value or alias: `USER#123` -> ('USER',); `SongId` -> ()."""
    if not value:
        return ()
    out = []
    for token in value.split("#"):
        if re.match(r"^[A-Z][A-Z_\-]*$", token):
            out.append(token)
        else:
            break
    return tuple(out)


def _assign(items: list[dict], facets: list, table: dict) -> dict[str | None, list[dict]]:
    """Table-level items to facets: by the literal head of their key values against the facet's aliases, then by
    the attributes they carry."""
    pk = table["partition_key"]["name"]
    sk = table.get("sort_key", {}).get("name") if table.get("sort_key") else None
    out: dict[str | None, list[dict]] = {}
    for item in items:
        best, best_score = None, -1.0
        for name, f, _, _ in facets:
            alias = f.get("KeyAttributeAlias") if isinstance(f.get("KeyAttributeAlias"), dict) else {}
            score = 0.0
            for attr, alias_key in ((pk, "PartitionKeyAlias"), (sk, "SortKeyAlias")):
                head = _prefix(text(alias.get(alias_key)))
                if attr and head:
                    value = wire_scalar_text(item.get(attr)) or ""
                    score += 10 if _prefix(value)[:len(head)] == head else -10
            nka = f.get("NonKeyAttributes")
            declared = {a for a in (nka if isinstance(nka, list) else []) if isinstance(a, str)}
            if declared:
                score += len(declared & set(item)) / len(declared | (set(item) - {pk, sk}))
            if score > best_score:
                best, best_score = name, score
        out.setdefault(best if best_score >= 0 else None, []).append(item)
    return out


def _groups(items: list[dict], table: dict) -> dict[str, list[dict]]:
    """Items of a table without facets, grouped by the literal heads of their keys; each group is named after
    them (`USER` / `ORDER` -> `Order`)."""
    pk = table["partition_key"]["name"]
    sk = table["sort_key"]["name"] if table.get("sort_key") else None
    groups: dict[tuple, list[dict]] = {}
    for item in items:
        key = (_prefix(wire_scalar_text(item.get(pk))), _prefix(wire_scalar_text(item.get(sk)) if sk else None))
        groups.setdefault(key, []).append(item)
    out: dict[str, list[dict]] = {}
    for (pk_head, sk_head), group in groups.items():
        head = (sk_head or pk_head)
        base = "".join(w.capitalize() for w in snake(head[-1]).split("_")) if head else f"{table['name']}Item"
        out[unique(base, set(out))] = group
    return out


# ----------------------------------------------------------------------------- export


def export_nosql_workbench(model: Any, seed: int = 0, max_items_per_entity: int = 25) -> dict:
    """A NoSQL Workbench model (format 3.0): tables with keys, GSIs, billing; every entity a facet whose key
    aliases are its key templates and whose TableData holds its sample items (engine.samples)."""
    from engine.model.table import ProvisionedBilling
    from engine.samples import generate_samples

    samples = generate_samples(model, seed, max_items_per_entity)
    tables = []
    for table in model.tables:
        key_names = set(table.key_names)
        attrs: dict[str, str] = {name: kind for name, kind in table.key_types.items() if name not in key_names}
        for e in model.entities_of(table.name):
            for a in e.attributes:
                if a.name not in key_names:
                    attrs.setdefault(a.name, a.type)
        out: dict[str, Any] = {
            "TableName": table.name,
            "KeyAttributes": {"PartitionKey": _key_out(table.partition_key)},
            "NonKeyAttributes": [{"AttributeName": n, "AttributeType": t} for n, t in attrs.items()],
        }
        if table.sort_key is not None:
            out["KeyAttributes"]["SortKey"] = _key_out(table.sort_key)
        facets = []
        for e in model.entities_of(table.name):
            alias = {"PartitionKeyAlias": _template(e, table.partition_key.name)}
            if table.sort_key is not None:
                alias["SortKeyAlias"] = _template(e, table.sort_key.name)
            index_keys = [k.attribute for k in e.keys if k.attribute not in key_names]
            facets.append({
                "FacetName": e.name,
                "KeyAttributeAlias": alias,
                "TableData": [s.item for s in samples.get(table.name, []) if s.entity == e.name],
                "NonKeyAttributes": [*index_keys, *(a.name for a in e.attributes if a.name not in key_names)],
                "DataAccess": {"MySql": {}},
            })
        out["TableFacets"] = facets
        gsis = []
        for g in table.gsis:
            entry: dict[str, Any] = {"IndexName": g.name, "KeyAttributes": {"PartitionKey": _key_out(g.partition_key)},
                                     "Projection": _projection_out(g.projection)}
            if g.sort_key is not None:
                entry["KeyAttributes"]["SortKey"] = _key_out(g.sort_key)
            gsis.append(entry)
        out["GlobalSecondaryIndexes"] = gsis
        if table.lsis:  # not in NoSQL Workbench's own files; read back by this importer
            out["LocalSecondaryIndexes"] = [
                {"IndexName": lsi.name, "KeyAttributes": {"PartitionKey": _key_out(table.partition_key),
                                                          "SortKey": _key_out(lsi.sort_key)},
                 "Projection": _projection_out(lsi.projection)} for lsi in table.lsis]
        out["DataAccess"] = {"MySql": {}}
        if isinstance(table.billing, ProvisionedBilling):
            b = table.billing
            settings: dict[str, Any] = {"ProvisionedThroughput": {
                "ReadCapacityUnits": _int_units(b.read_capacity_units),
                "WriteCapacityUnits": _int_units(b.write_capacity_units)}}
            if b.auto_scaling is not None:
                a = b.auto_scaling
                for field, low, high in (("AutoScalingRead", a.min_read_capacity_units, a.max_read_capacity_units),
                                         ("AutoScalingWrite", a.min_write_capacity_units, a.max_write_capacity_units)):
                    settings[field] = {
                        "ScalableTargetRequest": {"MinCapacity": _int_units(low), "MaxCapacity": _int_units(high),
                                                  "ServiceRole": "AWSServiceRoleForApplicationAutoScaling_DynamoDBTable"},
                        "ScalingPolicyConfiguration": {"TargetValue": round(a.target_utilization * 100, 2)}}
            out["BillingMode"] = "PROVISIONED"
            out["ProvisionedCapacitySettings"] = settings
        else:
            out["BillingMode"] = "PAY_PER_REQUEST"
        tables.append(out)
    return {
        "ModelName": model.name,
        "ModelMetadata": {"Author": "", "DateCreated": "", "DateLastModified": "",
                          "Description": model.description, "AWSService": "Amazon DynamoDB", "Version": "3.0"},
        "DataModel": tables,
    }


def _key_out(key: Any) -> dict[str, str]:
    return {"AttributeName": key.name, "AttributeType": key.type}


def _projection_out(projection: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"ProjectionType": projection.type}
    if projection.type == "INCLUDE":
        out["NonKeyAttributes"] = list(projection.attributes)
    return out


def _template(entity: Any, attribute: str) -> str:
    kt = entity.key_template(attribute)
    return kt.template if kt is not None else attribute


def _int_units(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value
