"""`aws dynamodb describe-table` output: `{"Table": {...}}`, a list of those, or `{"Tables": [...]}`.

Fields read (DynamoDB API reference, TableDescription): TableName, TableArn (home region), KeySchema +
AttributeDefinitions, GlobalSecondaryIndexes / LocalSecondaryIndexes (KeySchema, Projection,
ProvisionedThroughput), BillingModeSummary, ProvisionedThroughput, OnDemandThroughput, WarmThroughput,
TableClassSummary, StreamSpecification, Replicas[].RegionName, MultiRegionConsistency, GlobalTableWitnesses,
DeletionProtectionEnabled, ItemCount and TableSizeBytes (a stand-in entity carries them).
"""

from __future__ import annotations

from typing import Any

from engine.interop.keys import snake
from engine.interop.notes import (
    ImportError_,
    Notes,
    listed,
    mapping,
    number,
    safe_name,
    text,
    unique_name,
)
from engine.model.limits import MAX_ITEM_BYTES

# Fields of a TableDescription that describe state or settings a design does not model.
_IGNORED = {
    "TableStatus": "the table's state, not its design",
    "CreationDateTime": "the table's state, not its design",
    "TableId": "an identifier of the live table",
    "TableArn": "read for the region only",
    "LatestStreamArn": "an identifier of the live stream",
    "LatestStreamLabel": "an identifier of the live stream",
    "SSEDescription": "encryption settings are not part of a design's figures",
    "ArchivalSummary": "the table's state, not its design",
    "RestoreSummary": "the table's state, not its design",
    "GlobalTableVersion": "read as replicas",
    "Tags": "tags do not change sizes or costs",
}
_READ = {"TableName", "KeySchema", "AttributeDefinitions", "GlobalSecondaryIndexes", "LocalSecondaryIndexes",
         "BillingModeSummary", "ProvisionedThroughput", "OnDemandThroughput", "WarmThroughput", "TableClassSummary",
         "StreamSpecification", "Replicas", "MultiRegionConsistency", "GlobalTableWitnesses",
         "DeletionProtectionEnabled", "ItemCount", "TableSizeBytes", "TimeToLiveDescription"}
DEFAULT_WARM_READ, DEFAULT_WARM_WRITE = 12000, 4000  # a new on-demand table's warm throughput (DOMAIN.md §4)


def tables_of(doc: Any) -> list[Any] | None:
    """The TableDescriptions in a describe-table document, or None when it is not one."""
    if isinstance(doc, dict) and isinstance(doc.get("Table"), dict):
        return [doc["Table"]]
    if isinstance(doc, dict) and isinstance(doc.get("Tables"), list):
        return [t.get("Table", t) if isinstance(t, dict) else t for t in doc["Tables"]]
    if isinstance(doc, list) and doc and all(isinstance(t, dict) and ("Table" in t or "KeySchema" in t) for t in doc):
        return [t.get("Table", t) for t in doc]
    if isinstance(doc, dict) and "KeySchema" in doc and "TableName" in doc:
        return [doc]
    return None


def looks_like(doc: Any) -> bool:
    return tables_of(doc) is not None


def import_describe_table(doc: Any, source: str, notes: Notes) -> tuple[dict, dict[str, list[dict]]]:
    descriptions = tables_of(doc)
    if not descriptions:
        raise ImportError_(f"{source}: not describe-table output: expected {{\"Table\": {{...}}}}, a list of those or "
                           "{\"Tables\": [...]}; save the output of `aws dynamodb describe-table --table-name NAME`")
    regions = []
    for t in descriptions:
        arn = text(t.get("TableArn")) if isinstance(t, dict) else None
        if arn and arn.count(":") >= 5:
            regions.append(arn.split(":")[3])
    region = regions[0] if regions else "us-east-1"
    if not regions:
        notes.add("guessed", "Table.TableArn", "home region us-east-1", "no TableArn tells the table's region")
    elif len(set(regions)) > 1:
        notes.add("changed", "Table.TableArn", f"tables in {sorted(set(regions))}: the design's region is {region}",
                  "a design has one home region")
    tables, entities = [], []
    taken: set[str] = set()
    for i, t in enumerate(descriptions):
        where = f"Tables[{i}]" if len(descriptions) > 1 else "Table"
        if not isinstance(t, dict):
            notes.add("skipped", where, f"a {type(t).__name__} instead of a table description", "expected an object")
            continue
        table, entity = _table(t, where, region, notes, taken)
        if table is None:
            continue
        tables.append(table)
        if entity is not None:
            entities.append(entity)
    if not tables:
        raise ImportError_(f"{source}: no readable table (each needs TableName, KeySchema with a HASH key and its "
                           "AttributeDefinitions); check the file")
    names = ", ".join(t["name"] for t in tables)
    design = {"name": f"Imported {names}"[:255], "region": region,
              "description": "Imported from `aws dynamodb describe-table` output.", "tables": tables,
              "entities": entities}
    notes.add("info", "(tables)", "no access patterns imported",
              "describe-table output holds no request rates; add the access patterns with their rates")
    return design, {}


def _types(t: dict, where: str, notes: Notes) -> dict[str, str]:
    out = {}
    for j, a in enumerate(listed(t.get("AttributeDefinitions"), where, notes, "AttributeDefinitions")):
        if isinstance(a, dict) and isinstance(a.get("AttributeName"), str):
            kind = str(a.get("AttributeType", "S")).upper()
            if kind not in ("S", "N", "B"):
                notes.add("changed", f"{where}.AttributeDefinitions[{j}]", f"type {a.get('AttributeType')!r} read as S",
                          "key attributes are S, N or B")
                kind = "S"
            out[a["AttributeName"]] = kind
        else:
            notes.add("skipped", f"{where}.AttributeDefinitions[{j}]", "definition without AttributeName", "cannot name it")
    return out


def key_schema(schema: Any, types: dict[str, str], where: str, notes: Notes) -> tuple[dict | None, dict | None]:
    """(partition key, sort key) plain data from a KeySchema list and the attribute types."""
    pk = sk = None
    for j, k in enumerate(listed(schema, where, notes, 'KeySchema')):
        if not isinstance(k, dict) or not isinstance(k.get("AttributeName"), str):
            notes.add("skipped", f"{where}.KeySchema[{j}]", "key without AttributeName", "cannot name it")
            continue
        name = k["AttributeName"]
        if not 1 <= len(name) <= 255:
            notes.add("skipped", f"{where}.KeySchema[{j}]", "key with an empty name or a name over 255 characters",
                      "a key attribute's name has 1-255 characters")
            continue
        kind = types.get(name)
        if kind is None:
            notes.add("guessed", f"{where}.KeySchema[{j}]", f"type S for key '{name}'",
                      "AttributeDefinitions does not list it")
            kind = "S"
        key = {"name": name, "type": kind}
        if str(k.get("KeyType", "")).upper() == "RANGE":
            sk = key
        else:
            pk = key
    return pk, sk


def projection(raw: Any, where: str, notes: Notes) -> dict:
    if not isinstance(raw, dict):
        notes.add("guessed", where, "projection ALL", "the index has no Projection")
        return {"type": "ALL"}
    kind = str(raw.get("ProjectionType", "ALL")).upper()
    attrs = [a for a in listed(raw.get("NonKeyAttributes"), where, notes, "NonKeyAttributes") if isinstance(a, str)]
    if kind not in ("ALL", "KEYS_ONLY", "INCLUDE"):
        notes.add("changed", where, f"projection {raw.get('ProjectionType')!r} read as ALL", "ALL, KEYS_ONLY or INCLUDE")
        kind = "ALL"
    if kind == "INCLUDE" and not attrs:
        notes.add("changed", where, "INCLUDE without attributes read as KEYS_ONLY", "INCLUDE needs attribute names")
        kind = "KEYS_ONLY"
    if kind != "INCLUDE":
        attrs = []
    return {"type": kind, "attributes": list(dict.fromkeys(attrs))} if attrs else {"type": kind}


def _capacity(raw: Any, where: str, notes: Notes) -> tuple[float | None, float | None]:
    if not isinstance(raw, dict):
        return None, None
    r = number(raw.get("ReadCapacityUnits"), f"{where}.ReadCapacityUnits", notes) if "ReadCapacityUnits" in raw else None
    w = number(raw.get("WriteCapacityUnits"), f"{where}.WriteCapacityUnits", notes) if "WriteCapacityUnits" in raw else None
    for value, field in ((r, "ReadCapacityUnits"), (w, "WriteCapacityUnits")):
        if value is not None and value <= 0 and value != 0:
            notes.add("skipped", f"{where}.{field}", f"capacity {value}", "capacity units are above zero")
    return (float(r) if r and r > 0 else None), (float(w) if w and w > 0 else None)


def _table(t: dict, where: str, region: str, notes: Notes, taken: set[str]) -> tuple[dict | None, dict | None]:
    types = _types(t, where, notes)
    pk, sk = key_schema(t.get("KeySchema"), types, where, notes)
    if pk is None:
        notes.add("skipped", where, f"table {t.get('TableName')!r}", "its KeySchema has no HASH key")
        return None, None
    name = unique_name(safe_name(t.get("TableName"), f"{where}.TableName", notes, "Table"), taken, f"{where}.TableName", notes)
    table: dict[str, Any] = {"name": name, "partition_key": pk}
    if sk:
        table["sort_key"] = sk
    for field in sorted(set(t) - _READ):
        why = _IGNORED.get(field, "not modelled by the workbench")
        if field not in ("TableArn", "GlobalTableVersion"):
            notes.add("skipped", f"{where}.{field}", "table field", why)
    mode = str(mapping(t.get("BillingModeSummary")).get("BillingMode", "")).upper()
    rcu, wcu = _capacity(t.get("ProvisionedThroughput"), f"{where}.ProvisionedThroughput", notes)
    provisioned = mode == "PROVISIONED" or (not mode and rcu is not None and wcu is not None)
    if provisioned and (rcu is None or wcu is None):
        notes.add("guessed", f"{where}.ProvisionedThroughput", "provisioned table without capacity read as on-demand",
                  "no ReadCapacityUnits/WriteCapacityUnits above zero")
        provisioned = False
    if not mode:
        notes.add("guessed", where, "billing " + ("provisioned" if provisioned else "on-demand"),
                  "no BillingModeSummary; read from ProvisionedThroughput")
    if provisioned:
        table["billing"] = {"mode": "provisioned", "read_capacity_units": rcu, "write_capacity_units": wcu}
    else:
        billing: dict[str, Any] = {"mode": "on_demand"}
        od = t.get("OnDemandThroughput") if isinstance(t.get("OnDemandThroughput"), dict) else {}
        for field, target in (("MaxReadRequestUnits", "max_read_request_units"),
                              ("MaxWriteRequestUnits", "max_write_request_units")):
            value = number(od.get(field), f"{where}.OnDemandThroughput.{field}", notes) if field in od else None
            if value is not None and value > 0:  # -1 means no maximum
                billing[target] = float(value)
        warm = t.get("WarmThroughput") if isinstance(t.get("WarmThroughput"), dict) else {}
        for field, target, default in (("ReadUnitsPerSecond", "warm_read_units_per_second", DEFAULT_WARM_READ),
                                       ("WriteUnitsPerSecond", "warm_write_units_per_second", DEFAULT_WARM_WRITE)):
            value = number(warm.get(field), f"{where}.WarmThroughput.{field}", notes) if field in warm else None
            if value is not None and value > 0 and value != default:
                billing[target] = float(value)
        table["billing"] = billing
    cls = str(mapping(t.get("TableClassSummary")).get("TableClass", "STANDARD")).upper()
    if cls in ("STANDARD", "STANDARD_INFREQUENT_ACCESS"):
        if cls != "STANDARD":
            table["table_class"] = cls
    else:
        notes.add("skipped", f"{where}.TableClassSummary", f"table class {cls!r}", "STANDARD or STANDARD_INFREQUENT_ACCESS")
    stream = t.get("StreamSpecification") if isinstance(t.get("StreamSpecification"), dict) else {}
    if stream.get("StreamEnabled") and stream.get("StreamViewType") in ("KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE",
                                                                      "NEW_AND_OLD_IMAGES"):
        table["stream_view_type"] = stream["StreamViewType"]
    if t.get("DeletionProtectionEnabled") is True:
        table["deletion_protection"] = True
    ttl = t.get("TimeToLiveDescription") if isinstance(t.get("TimeToLiveDescription"), dict) else None
    if ttl and ttl.get("TimeToLiveStatus") in ("ENABLED", "ENABLING") and isinstance(ttl.get("AttributeName"), str):
        table["ttl_attribute"] = ttl["AttributeName"]
    elif ttl is None:
        notes.add("info", f"{where}", "TTL not known", "describe-table does not show TTL (`aws dynamodb "
                  "describe-time-to-live` does); set ttl_attribute if the table expires items")
    gsis, lsis = _indexes(t, table, types, where, provisioned, notes)
    if gsis:
        table["gsis"] = gsis
    if lsis:
        table["lsis"] = lsis
    _replicas(t, table, region, where, notes)
    _unused_definitions(types, table, where, notes)
    return table, _stand_in_entity(t, table, where, notes)


def _indexes(t: dict, table: dict, types: dict[str, str], where: str, provisioned: bool,
             notes: Notes) -> tuple[list[dict], list[dict]]:
    gsis, lsis = [], []
    names: set[str] = set()
    for kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        for j, g in enumerate(listed(t.get(kind), where, notes, kind)):
            gw = f"{where}.{kind}[{j}]"
            if not isinstance(g, dict):
                notes.add("skipped", gw, "an index that is not an object", "expected an object")
                continue
            ipk, isk = key_schema(g.get("KeySchema"), types, gw, notes)
            if ipk is None:
                notes.add("skipped", gw, f"index {g.get('IndexName')!r}", "its KeySchema has no HASH key")
                continue
            name = unique_name(safe_name(g.get("IndexName"), f"{gw}.IndexName", notes, "Index", "index name"), names,
                               f"{gw}.IndexName", notes, "index name")
            proj = projection(g.get("Projection"), f"{gw}.Projection", notes)
            if kind == "LocalSecondaryIndexes":
                if isk is None or "sort_key" not in table:
                    notes.add("skipped", gw, f"LSI {name}", "an LSI needs a sort key on the index and the table")
                    continue
                lsis.append({"name": name, "sort_key": isk, "projection": proj})
                continue
            gsi: dict[str, Any] = {"name": name, "partition_key": ipk, "projection": proj}
            if isk:
                gsi["sort_key"] = isk
            if provisioned:
                r, w = _capacity(g.get("ProvisionedThroughput"), f"{gw}.ProvisionedThroughput", notes)
                if r is None or w is None:
                    r = r or table["billing"]["read_capacity_units"]
                    w = w or table["billing"]["write_capacity_units"]
                    notes.add("guessed", gw, "GSI capacity set to the table's", "the index shows no capacity above zero")
                gsi["provisioned"] = {"read_capacity_units": r, "write_capacity_units": w}
            elif isinstance(g.get("OnDemandThroughput"), dict) and any(
                    isinstance(v, (int, float)) and v > 0 for v in g["OnDemandThroughput"].values()):
                notes.add("skipped", f"{gw}.OnDemandThroughput", "an index's on-demand maximum",
                          "the design holds on-demand maximums per table only")
            gsis.append(gsi)
    return gsis, lsis


def _replicas(t: dict, table: dict, region: str, where: str, notes: Notes) -> None:
    replicas = [r.get("RegionName") for r in listed(t.get("Replicas"), where, notes, "Replicas") if isinstance(r, dict)]
    replicas = [r for r in replicas if isinstance(r, str) and r]
    if not replicas:
        return
    arn = text(t.get("TableArn"))
    own = arn.split(":")[3] if arn and arn.count(":") >= 5 else region
    regions = list(dict.fromkeys([own, *replicas]))
    if region not in regions:
        notes.add("skipped", f"{where}.Replicas", f"replicas in {regions}",
                  f"the design's home region {region} (from the first table) holds no replica of this table; "
                  "import the tables of each region separately")
        return
    gt: dict[str, Any] = {"regions": regions}
    if str(t.get("MultiRegionConsistency", "")).upper() == "STRONG":
        gt["mode"] = "MRSC"
        witnesses = [w.get("RegionName") for w in listed(t.get("GlobalTableWitnesses"), where, notes, "GlobalTableWitnesses") if isinstance(w, dict)]
        if witnesses and isinstance(witnesses[0], str):
            gt["witness_region"] = witnesses[0]
    table["global_table"] = checked_global_table(gt, f"{where}.MultiRegionConsistency", notes)
    if any(isinstance(r, dict) and set(r) - {"RegionName", "ReplicaStatus", "ReplicaStatusDescription",
                                             "ReplicaStatusPercentProgress", "ReplicaTableClassSummary"}
           for r in listed(t.get("Replicas"), where, notes, "Replicas")):
        notes.add("skipped", f"{where}.Replicas", "per-replica settings (capacity overrides, KMS keys, indexes)",
                  "every replica of a design has the table's settings")


def checked_global_table(gt: dict, where: str, notes: Notes) -> dict:
    """An MRSC setting DynamoDB would refuse (not 3 regions of one set) read as MREC, noted."""
    from engine.model import limits

    if gt.get("mode") != "MRSC":
        return gt
    members = [*gt["regions"], *([gt["witness_region"]] if gt.get("witness_region") else [])]
    if len(set(members)) == limits.MRSC_REGION_COUNT and any(set(members) <= s for s in limits.MRSC_REGION_SETS.values()):
        return gt
    notes.add("changed", where, f"strong consistency (MRSC) over {members} read as MREC",
              "MRSC needs exactly 3 regions (replicas and witness) of one region set")
    return {"regions": gt["regions"]}


def _unused_definitions(types: dict[str, str], table: dict, where: str, notes: Notes) -> None:
    from engine.interop.entities import key_attributes

    keys = {a for a, _, _ in key_attributes(table)}
    extra = [n for n in types if n not in keys]
    if extra:
        notes.add("skipped", f"{where}.AttributeDefinitions", f"{', '.join(extra)}: not a key of the table or an index",
                  "AttributeDefinitions lists key attributes only; non-key attributes belong to entities")


def _stand_in_entity(t: dict, table: dict, where: str, notes: Notes) -> dict | None:
    """One entity standing for the table's items: ItemCount items of TableSizeBytes / ItemCount bytes."""
    count = number(t.get("ItemCount"), f"{where}.ItemCount", notes, integer=True) if "ItemCount" in t else None
    size = number(t.get("TableSizeBytes"), f"{where}.TableSizeBytes", notes) if "TableSizeBytes" in t else None
    if not count or count <= 0:
        notes.add("info", where, f"table '{table['name']}': no entity", "ItemCount is 0 or missing (DynamoDB "
                  "updates it about every six hours); add the item types in the workbench")
        return None
    count = min(int(count), 10**13)
    keys, variables = [], []
    pk, sk = table["partition_key"], table.get("sort_key")
    for key, card in ((pk, count), (sk, 1)):
        if key is None:
            continue
        var = snake(key["name"])
        keys.append({"attribute": key["name"], "template": "{" + var + "}"})
        variables.append({"name": var, "cardinality": int(card), **({"kind": "number"} if key["type"] == "N" else {})})
    avg = float(size) / count if size else 0.0
    key_bytes = sum(len(k["name"].encode()) + (8 if k["type"] == "N" else 14) for k in (pk, sk) if k)
    attributes = []
    if avg > key_bytes + 5:
        attributes.append({"name": "data", "type": "S", "size_bytes": round(min(avg - key_bytes - 4, MAX_ITEM_BYTES - 1), 1)})
    entity = {"name": f"{table['name']} item", "table": table["name"], "item_count": count,
              "keys": keys, "variables": variables, "attributes": attributes}
    notes.add("guessed", where, f"entity '{entity['name']}' stands for the {count:,} items"
              + (f" of about {avg:,.0f} bytes (TableSizeBytes / ItemCount)" if avg else ""),
              "describe-table tells counts and sizes, not item types: one partition per item, one attribute `data` "
              "for the non-key bytes; replace it with the real entities"
              + ("; it fills no index key, so the indexes show no entries" if table.get("gsis") or table.get("lsis")
                 else ""))
    return entity
