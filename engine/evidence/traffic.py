"""A design inferred from observed traffic (`ddb-workbench infer`): tables and indexes as seen, entities recognised
from key prefixes (`USER#...`), access patterns grouped by request shape (operation, table/index, key-condition
shape, projection, filter, consistency) with their observed rates, items per request and key distributions, and a
report of what could not be inferred. With `serve --log` captures the report also compares the capacity the design
predicts for the captured traffic with the capacity the log recorded.

Rules used: a request's rate is its count over the capture window (times `scale`); a Zipf exponent is fitted by
maximum likelihood over the observed key ranks (Zipf: P(rank r) = r^-s / H(K, s), K the distinct keys seen) and its
fit is reported as the Kolmogorov-Smirnov distance between the observed and fitted rank distributions.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.errors import WorkbenchError
from engine.evidence.capture import Observation
from engine.interop.entities import build_entity
from engine.interop.keys import KEY_SEPARATOR
from engine.interop.notes import ImportNote, Notes

HOT_KEY_SHARE = 0.05  # a partition key taking at least 5% of a pattern's requests is listed as hot
ZIPF_MIN_EXPONENT = 0.05  # below this the traffic is reported as uniform
ZIPF_MIN_REQUESTS = 20  # fewer requests than this: too few to fit a distribution
HOT_KEYS_LISTED = 5
WRITE_OPERATIONS = frozenset({"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"})
SINGLE_ITEM = frozenset({"GetItem", "PutItem", "UpdateItem", "DeleteItem"})
CONDITION_FAILED = "ConditionalCheckFailedException"
_PLACEHOLDER_VALUE = re.compile(r":[A-Za-z0-9_]+")
_NAME = re.compile(r"#[A-Za-z0-9_]+")
_PREFIX = re.compile(r"^[A-Z][A-Z0-9_]*$")


class InferError(WorkbenchError):
    """Traffic a design cannot be inferred from (nothing usable, no window): says what to capture."""


@dataclass(frozen=True, kw_only=True)
class KeyFit:
    """How a pattern's requests spread over partition keys."""

    requests: int
    distinct_keys: int
    hot_keys: tuple[tuple[str, float], ...]  # (key, share of the pattern's requests), largest first
    zipf_exponent: float | None  # None: too few requests, or uniform
    ks_distance: float | None  # goodness of the Zipf fit (0 = perfect)
    uniform_ks_distance: float | None


@dataclass(frozen=True, kw_only=True)
class PatternEvidence:
    """What was observed of one request shape and the access pattern made of it."""

    name: str
    shape: str
    requests: int
    failed: int
    requests_per_second: float
    peak_requests_per_second: float
    items_per_request: float | None
    key_fit: KeyFit | None
    recorded_units_per_second: float | None = None  # serve logs: consumed capacity recorded, per second
    predicted_units_per_second: float | None = None  # the inferred design's evaluation for the same traffic


@dataclass(frozen=True, kw_only=True)
class InferResult:
    """The inferred design, what was observed per pattern, and every part guessed or not inferred."""

    model: Any  # engine.model.DataModel
    patterns: tuple[PatternEvidence, ...]
    notes: tuple[ImportNote, ...]
    sources: tuple[str, ...]
    window_seconds: float
    scale: float
    requests: int

    @property
    def recorded_units_per_second(self) -> float | None:
        vals = [p.recorded_units_per_second for p in self.patterns if p.recorded_units_per_second is not None]
        return sum(vals) if vals else None

    @property
    def predicted_units_per_second(self) -> float | None:
        vals = [p.predicted_units_per_second for p in self.patterns if p.recorded_units_per_second is not None]
        return sum(v for v in vals if v is not None) if vals else None


# ----------------------------------------------------------------------------- key fits


def fit_keys(counts: Counter[str]) -> KeyFit:
    """Hot keys and a Zipf exponent fitted by maximum likelihood to requests per partition key."""
    total = sum(counts.values())
    ranked = [c for _, c in counts.most_common()]
    hot = tuple((k, round(c / total, 4)) for k, c in counts.most_common(HOT_KEYS_LISTED) if c / total >= HOT_KEY_SHARE)
    if total < ZIPF_MIN_REQUESTS or len(ranked) < 2:
        return KeyFit(
            requests=total, distinct_keys=len(ranked), hot_keys=hot, zipf_exponent=None, ks_distance=None,
            uniform_ks_distance=None)
    k = len(ranked)
    log_ranks = [math.log(r) for r in range(1, k + 1)]
    weighted = sum(c * lr for c, lr in zip(ranked, log_ranks, strict=True))

    def loglik(s: float) -> float:
        h = sum(math.exp(-s * lr) for lr in log_ranks)
        return -s * weighted - total * math.log(h)

    lo, hi = 0.0, 4.0  # golden-section search: the log-likelihood is concave in s
    g = (math.sqrt(5) - 1) / 2
    a, b = hi - g * (hi - lo), lo + g * (hi - lo)
    fa, fb = loglik(a), loglik(b)
    for _ in range(60):
        if fa < fb:
            lo, a, fa = a, b, fb
            b = lo + g * (hi - lo)
            fb = loglik(b)
        else:
            hi, b, fb = b, a, fa
            a = hi - g * (hi - lo)
            fa = loglik(a)
    s = (lo + hi) / 2
    weights = [math.exp(-s * lr) for lr in log_ranks]
    h = sum(weights)
    ks = _ks(ranked, [w / h for w in weights])
    uniform = _ks(ranked, [1 / k] * k)
    exponent = round(s, 3) if s >= ZIPF_MIN_EXPONENT and ks <= uniform else None
    return KeyFit(
        requests=total, distinct_keys=k, hot_keys=hot, zipf_exponent=exponent, ks_distance=round(ks, 4),
        uniform_ks_distance=round(uniform, 4))


def _ks(counts: Sequence[int], probs: Sequence[float]) -> float:
    total = sum(counts)
    seen = fitted = worst = 0.0
    for c, p in zip(counts, probs, strict=True):
        seen += c / total
        fitted += p
        worst = max(worst, abs(seen - fitted))
    return worst


# ----------------------------------------------------------------------------- shapes


def _names(obs: Observation) -> dict[str, str]:
    names = obs.request.get("ExpressionAttributeNames")
    return {str(k): str(v) for k, v in names.items()} if isinstance(names, dict) else {}


def _expr(text: Any, names: dict[str, str]) -> str | None:
    """An expression with #names resolved, :values as ?, spacing normalised (the shape, not the values)."""
    if not isinstance(text, str) or not text.strip():
        return None
    out = _NAME.sub(lambda m: names.get(m.group(0), m.group(0)), text)
    out = _PLACEHOLDER_VALUE.sub("?", out)
    return re.sub(r"\s+", " ", out).strip()


def shape_of(obs: Observation) -> tuple[str, ...]:
    """(operation, table, index, key condition, projection, filter, consistency) of a request."""
    names = _names(obs)
    req = obs.request
    kc = _expr(req.get("KeyConditionExpression"), names) or ("full key" if obs.operation in SINGLE_ITEM else "")
    projection = _expr(req.get("ProjectionExpression"), names) or ""
    projection = ", ".join(sorted(p.strip() for p in projection.split(","))) if projection else ""
    return (obs.operation, obs.table or "", obs.index or "", kc, projection, _expr(req.get("FilterExpression"), names)
            or "", "strong" if req.get("ConsistentRead") is True else "eventual")


def shape_text(shape: tuple[str, ...]) -> str:
    op, table, index, kc, projection, filt, consistency = shape
    parts = [f"{op} {table}" + (f" index {index}" if index else "")]
    if kc:
        parts.append(f"by {kc}")
    if projection:
        parts.append(f"projection {projection}")
    if filt:
        parts.append(f"filter {filt}")
    if op in ("GetItem", "Query", "Scan", "BatchGetItem"):
        parts.append(consistency)
    return "; ".join(parts)


_SORT_OPS = (("begins_with", re.compile(r"begins_with\s*\(\s*([^,\s]+)\s*,")),
             ("between", re.compile(r"([^\s()]+)\s+BETWEEN\s", re.I)),
             ("<=", re.compile(r"([^\s()]+)\s*<=")), (">=", re.compile(r"([^\s()]+)\s*>=")),
             ("<", re.compile(r"([^\s()]+)\s*<(?!=)")), (">", re.compile(r"([^\s()]+)\s*>(?!=)")),
             ("=", re.compile(r"([^\s()]+)\s*=")))


def key_condition_parts(kc: str) -> list[tuple[str, str]]:
    """(attribute, operator) of each comparison in a key condition shape, in order."""
    out = []
    for clause in re.split(r"\s+AND\s+(?![^()]*\))", kc, flags=re.I):
        for op, rx in _SORT_OPS:
            m = rx.search(clause)
            if m:
                out.append((m.group(1), op))
                break
    return out


def _prefix(value: str) -> str:
    head = value.split(KEY_SEPARATOR, 1)[0] if KEY_SEPARATOR in value else ""
    return head if _PREFIX.match(head) else ""


# ----------------------------------------------------------------------------- inference


@dataclass
class _Table:
    name: str
    pk: tuple[str, str] | None = None
    sk: tuple[str, str] | None = None
    known: bool = False  # from a serve log's key schema (else guessed from requests)
    indexes: dict[str, dict[str, tuple[str, str] | None]] = field(default_factory=dict)
    index_known: set[str] = field(default_factory=set)
    lsis: set[str] = field(default_factory=set)
    items: dict[tuple, dict] = field(default_factory=dict)  # key -> item (full items win over keys)
    full: set[tuple] = field(default_factory=set)


def _schema_pair(schema: dict | None, role: str) -> tuple[str, str] | None:
    part = schema.get(role) if isinstance(schema, dict) else None
    if isinstance(part, dict) and isinstance(part.get("name"), str):
        return part["name"], str(part.get("type", "S"))
    return None


def infer_design(observations: Sequence[Observation], *, window_seconds: float | None = None, scale: float = 1.0,
                 name: str | None = None, sources: Sequence[str] = ()) -> InferResult:
    """The design the observations imply (see the module docstring); raises InferError when nothing is usable."""
    from engine.model import parse_model

    if not math.isfinite(scale) or scale <= 0:
        raise InferError(f"--scale {scale}: give a positive number (2 projects twice the captured traffic)")
    notes = Notes()
    usable = [o for o in observations if o.table]
    if len(usable) < len(observations):
        notes.add("skipped", "requests", f"{len(observations) - len(usable)} request(s) naming no single table "
                  "(multi-table batches and transactions, or unreadable records)",
                  "a pattern targets one table; capture such requests per table or add them by hand")
    if not usable:
        raise InferError("no DynamoDB data requests found in the capture; capture an application's traffic with "
                         "`ddb-workbench serve --log FILE` or pass CloudTrail data-event logs for DynamoDB")
    if window_seconds is None:
        # n requests spread evenly over a window W are (n - 1) gaps of W / n apart: W = span * n / (n - 1)
        span = (usable[-1].time - usable[0].time) * len(usable) / max(1, len(usable) - 1)
        if span <= 0:
            raise InferError("all requests carry the same time, so no rate can be computed; give the capture's "
                             "length with --window SECONDS")
        window_seconds = span
    if not math.isfinite(window_seconds) or window_seconds <= 0:
        raise InferError(f"--window {window_seconds}: give the capture's length in seconds (a positive number)")
    tables = _tables(usable, notes)
    entities, entity_of = _entities(tables, notes)
    groups: dict[tuple[str, ...], list[Observation]] = defaultdict(list)
    for o in usable:
        groups[shape_of(o)].append(o)
    patterns: list[dict] = []
    evidence: list[PatternEvidence] = []
    taken: set[str] = set()
    for shape, obs in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        built = _pattern(shape, obs, tables[shape[1]], entities, entity_of, window_seconds, scale, notes, taken)
        if built is not None:
            patterns.append(built[0])
            evidence.append(built[1])
    region = next((o.region for o in usable if o.region), None)
    data: dict[str, Any] = {
        "name": name or "Inferred from captured traffic",
        "description": (f"Inferred by `ddb-workbench infer` from {len(usable):,} requests over "
                        f"{window_seconds:,.1f} s" + (f", rates x {scale:g}" if scale != 1 else "") + "."),
        "region": region or "us-east-1",
        "tables": [_table_data(t) for t in tables.values()],
        "entities": entities,
        "access_patterns": patterns,
    }
    if any(o.source == "cloudtrail" for o in usable):
        notes.add("not inferred", "CloudTrail records", "item sizes, items per request and consumed capacity",
                  "CloudTrail data events carry no item contents, result counts or capacity; capture the same "
                  "traffic through `ddb-workbench serve --log` or set sizes on the Design page")
    model = parse_model(data, source="inferred design")
    evidence = _capacity_check(model, evidence, usable, window_seconds, scale)
    return InferResult(model=model, patterns=tuple(evidence), notes=tuple(notes.items), sources=tuple(sources),
                       window_seconds=window_seconds, scale=scale, requests=len(usable))


def _tables(usable: Sequence[Observation], notes: Notes) -> dict[str, _Table]:
    tables: dict[str, _Table] = {}
    for o in usable:
        t = tables.setdefault(o.table or "", _Table(o.table or ""))
        schema = o.table_key_schema if o.index else o.key_schema
        if schema and not t.known:
            t.pk, t.sk, t.known = _schema_pair(schema, "partition_key"), _schema_pair(schema, "sort_key"), True
        if o.index:
            idx = t.indexes.setdefault(o.index, {"pk": None, "sk": None})
            if o.key_schema and o.index not in t.index_known:
                idx["pk"], idx["sk"] = _schema_pair(o.key_schema, "partition_key"), _schema_pair(o.key_schema, "sort_key")
                t.index_known.add(o.index)
                if o.key_schema.get("local"):
                    t.lsis.add(o.index)
    for t in tables.values():
        if not t.known:
            _guess_table_keys(t, [o for o in usable if o.table == t.name], notes)
        for index, keys in t.indexes.items():
            if index not in t.index_known:
                _guess_index_keys(t, index, [o for o in usable if o.table == t.name and o.index == index], notes)
            if keys["pk"] is None:
                keys["pk"] = (f"{index}_pk", "S")
        for o in usable:
            if o.table != t.name:
                continue
            for item in o.items:
                key = _item_key(t, item)
                if key is not None:
                    t.items[key] = item
                    t.full.add(key)
            if not o.index and o.operation in SINGLE_ITEM and o.key:
                item = {n: {typ: v} for n, (typ, v) in o.key.items()}
                key = _item_key(t, item)
                if key is not None and key not in t.full:
                    t.items[key] = item
    return tables


def _guess_table_keys(t: _Table, obs: Sequence[Observation], notes: Notes) -> None:
    """Table keys from the requests alone (CloudTrail): the Query equality attribute is the partition key."""
    key_names: Counter[tuple[str, ...]] = Counter(tuple(o.key) for o in obs if o.operation in SINGLE_ITEM and o.key)
    types: dict[str, str] = {n: typ for o in obs for n, (typ, _) in o.key.items()}
    query_pk = Counter(parts[0][0] for o in obs if o.operation == "Query" and not o.index
                       for parts in [key_condition_parts(shape_of(o)[3])] if parts and parts[0][1] == "=")
    names = list(key_names.most_common(1)[0][0]) if key_names else []
    if query_pk:
        pk = query_pk.most_common(1)[0][0]
        names = [pk] + [n for n in names if n != pk]
    if not names:
        names = ["PK"]
        notes.add("guessed", f"table {t.name}", "partition key PK (S)", "no request showed the table's key; set it "
                  "on the Design page")
    t.pk = (names[0], types.get(names[0], "S"))
    t.sk = (names[1], types.get(names[1], "S")) if len(names) > 1 else None
    notes.add("guessed", f"table {t.name}", f"key schema: partition key {t.pk[0]}"
              + (f", sort key {t.sk[0]}" if t.sk else ", no sort key"),
              "read off the requests' keys (a key-condition equality names the partition key); key types are S "
              "unless a value was a number")


def _guess_index_keys(t: _Table, index: str, obs: Sequence[Observation], notes: Notes) -> None:
    parts = next((p for o in obs if (p := key_condition_parts(shape_of(o)[3]))), [])
    keys = t.indexes[index]
    if parts:
        keys["pk"] = (parts[0][0], "S")
        if len(parts) > 1:
            keys["sk"] = (parts[1][0], "S")
    notes.add("guessed", f"table {t.name}, index {index}", "a GSI with "
              + (f"partition key {keys['pk'][0]}" if keys["pk"] else "an unknown partition key")
              + (f" and sort key {keys['sk'][0]}" if keys["sk"] else "") + ", projecting ALL",
              "read off the key conditions of its queries; check the key types and the projection")


def _item_key(t: _Table, item: dict) -> tuple | None:
    if t.pk is None or t.pk[0] not in item:
        return None
    return (repr(item.get(t.pk[0])), repr(item.get(t.sk[0])) if t.sk else None)


def _table_data(t: _Table) -> dict:
    assert t.pk is not None
    out: dict[str, Any] = {"name": t.name, "partition_key": {"name": t.pk[0], "type": t.pk[1]}}
    if t.sk:
        out["sort_key"] = {"name": t.sk[0], "type": t.sk[1]}
    gsis, lsis = [], []
    for index, keys in t.indexes.items():
        pk, sk = keys["pk"], keys["sk"]
        if index in t.lsis and sk:
            lsis.append({"name": index, "sort_key": {"name": sk[0], "type": sk[1]}})
            continue
        gsi: dict[str, Any] = {"name": index, "partition_key": {"name": pk[0], "type": pk[1]}}
        if sk:
            gsi["sort_key"] = {"name": sk[0], "type": sk[1]}
        gsis.append(gsi)
    if gsis:
        out["gsis"] = gsis
    if lsis:
        out["lsis"] = lsis
    return out


def _signature(t: _Table, item: dict) -> tuple[str, str]:
    def text(attr: tuple[str, str] | None) -> str:
        if attr is None:
            return ""
        value = item.get(attr[0])
        return _prefix(next(iter(value.values()))) if isinstance(value, dict) and value and isinstance(
            next(iter(value.values())), str) else ""

    return text(t.pk), text(t.sk)


def _entity_name(table: str, sig: tuple[str, str], taken: set[str]) -> str:
    base = sig[1] or sig[0]
    name = base.replace("_", " ").title().replace(" ", "") if base else table
    out, n = name, 2
    while out in taken:
        out, n = f"{name}{n}", n + 1
    taken.add(out)
    return out


def _entities(tables: dict[str, _Table], notes: Notes) -> tuple[list[dict], dict[tuple[str, str, str], str]]:
    """Entities per (table, partition key prefix, sort key prefix) from the items and keys seen."""
    out: list[dict] = []
    entity_of: dict[tuple[str, str, str], str] = {}
    taken: set[str] = set()
    for t in tables.values():
        plain = _table_data(t)
        by_sig: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for item in t.items.values():
            by_sig[_signature(t, item)].append(item)
        if not by_sig:
            by_sig[("", "")] = []
        for sig, items in sorted(by_sig.items()):
            name = _entity_name(t.name, sig, taken)
            where = f"table {t.name}, entity {name}"
            entity = build_entity(name, plain, items, {}, [], {}, notes, where)
            entity["item_count"] = max(1, len(items))
            out.append(entity)
            entity_of[(t.name, *sig)] = name
        full = len(t.full)
        notes.add("guessed", f"table {t.name}", f"item counts: the {len(t.items):,} distinct keys seen "
                  f"({full:,} with their attributes)", "traffic shows only the items it touched; set each entity's "
                  "item count to the table's size (or run `ddb-workbench analyze-export` on a table export)")
    return out, entity_of


def _pattern(shape: tuple[str, ...], obs: list[Observation], t: _Table, entities: list[dict],
             entity_of: dict[tuple[str, str, str], str], window: float, scale: float, notes: Notes,
             taken: set[str]) -> tuple[dict, PatternEvidence] | None:
    op, table, index, kc, projection, filt, consistency = shape
    text = shape_text(shape)
    if op in ("TransactGetItems", "TransactWriteItems"):
        notes.add("not inferred", text, f"{len(obs):,} transaction request(s)",
                  "the capture does not say which entity each action touches; add the transaction on the Design page")
        return None
    ok = [o for o in obs if o.error is None or o.error == CONDITION_FAILED]
    failed = len(obs) - len(ok)
    if failed:
        notes.add("skipped", text, f"{failed:,} failed request(s) ({', '.join(sorted({o.error or '' for o in obs if o.error and o.error != CONDITION_FAILED}))})",
                  "failed requests consume no capacity a design should plan for; fix the application's requests")
    if not ok:
        return None
    names = [e["name"] for e in entities if e["table"] == table]
    seen_entities: Counter[str] = Counter()
    for o in ok:
        for item in o.items:
            sig = _signature(t, item)
            if (table, *sig) in entity_of:
                seen_entities[entity_of[(table, *sig)]] += 1
        if o.key and not o.index:
            sig = _signature(t, {n: {typ: v} for n, (typ, v) in o.key.items()})
            if (table, *sig) in entity_of:
                seen_entities[entity_of[(table, *sig)]] += 1
    pattern_entities = [n for n, _ in seen_entities.most_common()] or names[:1]
    if not seen_entities and op not in ("Scan",):
        pattern_entities = _entities_by_pk_prefix(ok, t, index, entities, table) or names[:1]
    entity = next(e for e in entities if e["name"] == pattern_entities[0])
    name = _pattern_name(op, table, index, pattern_entities, kc, taken)
    rps = len(ok) / window * scale
    peak = _peak(ok, window) * scale
    p: dict[str, Any] = {"name": name, "operation": op, "table": table, "entities": pattern_entities,
                         "requests_per_second": round(rps, 6),
                         "description": f"Observed: {text} ({len(ok):,} requests in {window:,.1f} s)."}
    if peak > rps * 1.0001:
        p["peak_requests_per_second"] = round(peak, 6)
    if index:
        p["index"] = index
    if op in ("GetItem", "Query", "Scan", "BatchGetItem"):
        p["consistency"] = consistency
    target_pk = t.indexes[index]["pk"] if index else t.pk
    target_sk = t.indexes[index]["sk"] if index else t.sk
    if op != "Scan":
        p["key_condition"] = _key_condition(op, kc, entity, target_pk, target_sk, ok, notes, text)
        if p["key_condition"] is None:
            notes.add("skipped", text, f"{len(ok):,} request(s)", "the entity has no key template for the key "
                      "the requests address; add the pattern on the Design page")
            return None
    items_per_request = _items_per_request(op, ok)
    if items_per_request is not None:
        limit = {"BatchGetItem": 100, "BatchWriteItem": 25}.get(op)
        p["items_per_request"] = round(min(items_per_request, limit) if limit else max(items_per_request, 1e-6), 4)
        scanned = [o.items_scanned for o in ok]
        returned = sum(o.items_returned or 0 for o in ok)
        total_scanned = sum(s for s in scanned if isinstance(s, int))
        if filt and op in ("Query", "Scan") and total_scanned:
            p["filter_keep_share"] = round(min(1.0, returned / total_scanned), 4)
    if op == "UpdateItem":
        changed = _changed_attributes(ok)
        if changed:
            _ensure_attributes(entity, changed, t, notes, f"{text}: UpdateExpression")
            p["changed_attributes"] = changed
    if op == "PutItem":  # CloudTrail lists a put item's attribute names (not values)
        listed = [n for o in ok if isinstance(o.request.get("Item"), list) for n in o.request["Item"]
                  if isinstance(n, str)]
        if listed:
            _ensure_attributes(entity, list(dict.fromkeys(listed)), t, notes, f"{text}: item attribute names")
    if op in WRITE_OPERATIONS and any(o.error == CONDITION_FAILED for o in ok):
        p["condition_failure_share"] = round(sum(o.error == CONDITION_FAILED for o in ok) / len(ok), 4)
    counts = Counter(v for o in ok for v in [_partition_value(o, target_pk)] if v is not None)
    fit = fit_keys(counts) if counts else None
    if fit is not None and fit.zipf_exponent is not None:
        p["key_distribution"] = {"kind": "zipf", "exponent": fit.zipf_exponent}
    elif fit is not None and fit.hot_keys and fit.requests >= ZIPF_MIN_REQUESTS:
        p["key_distribution"] = {"kind": "hot_keys", "keys": [{"key": k, "share": s} for k, s in fit.hot_keys]}
    return p, PatternEvidence(name=name, shape=text, requests=len(ok), failed=failed, requests_per_second=rps,
                              peak_requests_per_second=max(peak, rps), items_per_request=items_per_request,
                              key_fit=fit)


def _entities_by_pk_prefix(ok: list[Observation], t: _Table, index: str, entities: list[dict],
                           table: str) -> list[str]:
    """Entities whose partition key template starts with the prefix of the partition key values queried."""
    attr = (t.indexes[index]["pk"] if index else t.pk) or ("", "S")
    prefixes = Counter(_prefix(v) for o in ok for n, (_, v) in o.key.items() if n == attr[0])
    out = []
    for e in entities:
        tpl = next((k["template"] for k in e["keys"] if k["attribute"] == attr[0]), None)
        if e["table"] == table and tpl is not None and any(tpl.startswith(p + KEY_SEPARATOR) or (not p and "{" in tpl)
                                                           for p in prefixes):
            out.append(e["name"])
    return out


def _pattern_name(op: str, table: str, index: str, entities: list[str], kc: str, taken: set[str]) -> str:
    verb = {"GetItem": "get", "Query": "query", "Scan": "scan", "PutItem": "put", "UpdateItem": "update",
            "DeleteItem": "delete", "BatchGetItem": "batch get", "BatchWriteItem": "batch write"}.get(op, op)
    base = f"{verb} {entities[0] if entities else table}" + (f" by {index}" if index else "")
    parts = key_condition_parts(kc)
    if op == "Query" and len(parts) > 1:
        base += f" ({parts[1][0]} {parts[1][1]})"
    name, n = base, 2
    while name in taken:
        name, n = f"{base} {n}", n + 1
    taken.add(name)
    return name


def _template(entity: dict, attr: tuple[str, str] | None) -> str | None:
    if attr is None:
        return None
    return next((k["template"] for k in entity["keys"] if k["attribute"] == attr[0]), None)


def _key_condition(op: str, kc: str, entity: dict, pk: tuple[str, str] | None, sk: tuple[str, str] | None,
                   ok: list[Observation], notes: Notes, text: str) -> dict | None:
    pk_tpl = _template(entity, pk)
    if pk_tpl is None:
        return None
    out: dict[str, Any] = {"partition_key": pk_tpl}
    sk_tpl = _template(entity, sk)
    if op in SINGLE_ITEM or op in ("BatchGetItem", "BatchWriteItem"):
        if sk is not None and sk_tpl is not None:
            out["sort_key"] = {"operator": "=", "value": sk_tpl}
        return out
    parts = key_condition_parts(kc)
    sort = next(((a, o) for a, o in parts[1:] if sk is not None and a == sk[0]), None)
    if sort is None:
        return out
    operator = sort[1]
    value = _sort_value(ok, operator) if operator == "begins_with" else None
    if value is None and sk_tpl is not None:
        value = sk_tpl.split("{", 1)[0] if operator == "begins_with" else sk_tpl
        if operator == "begins_with":
            notes.add("guessed", text, f"begins_with value '{value}'", "the capture holds no values (CloudTrail); "
                      "read off the entity's sort key template")
    if value is None:
        return out
    cond: dict[str, Any] = {"operator": operator, "value": value}
    if operator == "between":
        cond["value2"] = sk_tpl or value
    out["sort_key"] = cond
    return out


def _sort_value(ok: list[Observation], operator: str) -> str | None:
    """The begins_with prefix the requests used most (serve logs keep ExpressionAttributeValues)."""
    found: Counter[str] = Counter()
    for o in ok:
        kce = o.request.get("KeyConditionExpression")
        values = o.request.get("ExpressionAttributeValues")
        if not isinstance(kce, str) or not isinstance(values, dict):
            continue
        m = re.search(r"begins_with\s*\(\s*[^,]+,\s*(:[A-Za-z0-9_]+)\s*\)", kce)
        v = values.get(m.group(1)) if m else None
        if isinstance(v, dict) and isinstance(v.get("S"), str):
            found[v["S"]] += 1
    return found.most_common(1)[0][0] if found else None


def _items_per_request(op: str, ok: list[Observation]) -> float | None:
    if op in ("Query", "Scan"):
        scanned = [o.items_scanned for o in ok]
        counts = [s if isinstance(s, int) else o.items_returned for s, o in zip(scanned, ok, strict=True)]
        known = [c for c in counts if c is not None]
        return sum(known) / len(known) if known else None
    if op in ("BatchGetItem", "BatchWriteItem"):
        known = [o.entries for o in ok if o.entries is not None]
        return sum(known) / len(known) if known else None
    return None


def _ensure_attributes(entity: dict, names: list[str], t: _Table, notes: Notes, where: str) -> None:
    """Attributes the requests name that no item showed: added with a size by type, and said so."""
    from engine.interop.keys import default_size

    keys = {k["attribute"] for k in entity["keys"]} | {a[0] for a in (t.pk, t.sk) if a}
    have = {a["name"] for a in entity["attributes"]} | keys
    added = [n for n in names if n not in have]
    for n in added:
        entity["attributes"].append({"name": n, "type": "S", "size_bytes": default_size("S")})
    if added:
        notes.add("guessed", f"{where}, entity {entity['name']}", f"attribute(s) {', '.join(added)} as strings of "
                  f"{default_size('S'):g} bytes", "the capture names them but shows no value; set their type and "
                  "size on the Design page")


def _changed_attributes(ok: list[Observation]) -> list[str]:
    out: dict[str, None] = {}
    for o in ok:
        expr = _expr(o.request.get("UpdateExpression"), _names(o)) or ""
        for clause in re.split(r"\b(SET|REMOVE|ADD|DELETE)\b", expr, flags=re.I):
            for part in clause.split(","):
                m = re.match(r"\s*([A-Za-z_][A-Za-z0-9_.\-]*)", part)
                if m and m.group(1).upper() not in ("SET", "REMOVE", "ADD", "DELETE"):
                    out.setdefault(m.group(1).split(".")[0])
    return list(out)


def _partition_value(o: Observation, pk: tuple[str, str] | None) -> str | None:
    if pk is None:
        return None
    kv = o.key.get(pk[0])
    return kv[1] if kv else None


def _peak(ok: list[Observation], window: float) -> float:
    """Requests in the busiest whole second (the average when the capture is shorter than 2 s)."""
    if window < 2:
        return len(ok) / window
    per_second = Counter(int(o.time) for o in ok)
    return float(max(per_second.values()))


def _capacity_check(model: Any, evidence: list[PatternEvidence], usable: Sequence[Observation], window: float,
                    scale: float) -> list[PatternEvidence]:
    """Recorded units per second (serve logs) beside what the inferred design predicts for the same traffic."""
    from dataclasses import replace

    from engine.evaluate import evaluate

    by_shape: dict[str, float] = defaultdict(float)
    recorded_any: set[str] = set()
    for o in usable:
        if o.consumed is not None and (o.error is None or o.error == CONDITION_FAILED):
            text = shape_text(shape_of(o))
            by_shape[text] += sum(o.consumed.values())
            recorded_any.add(text)
    try:
        ev = evaluate(model)
    except WorkbenchError:
        return evidence
    predicted = {p.name: sum((a.read_units_per_request + a.write_units_per_request) for a in p.arms)
                 * p.requests_per_second for p in ev.patterns}
    out = []
    for e in evidence:
        if e.shape in recorded_any:
            e = replace(e, recorded_units_per_second=by_shape[e.shape] / window * scale,
                        predicted_units_per_second=predicted.get(e.name))
        out.append(e)
    return out
