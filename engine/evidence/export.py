"""A DynamoDB table export to S3, measured (`ddb-workbench analyze-export`): item count, exact item sizes per entity,
key cardinality and skew, item collections (with their LSI entries and the 10 GB limit), attribute presence, the
largest items and hot-key candidates.

Input: the export folder as it lands in S3, copied to disk (engine.evidence.export_files reads and verifies the
manifests, https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/S3DataExport.Output.html). The data
files are scanned by an engine, DuckDB (embedded, the default) or Spark (local or a cluster), through the same SQL
(engine.evidence.export_sql): exact counts, exact sizes by engine.itemsize's rules, percentiles by rank (nearest
rank: the value at rank ceil(q * n) of the sorted values), never sampled or approximated. Both engines give the
same integers; every derived figure is computed here from them, so the summaries are identical.

What the analysis knows of the table:
- with a design (`design=`): its table's keys, GSIs and LSIs, and its entities recognised by their key templates
  (the first entity whose table key templates all match, more specific templates first);
- with describe-table output (`describe=`): the key schema and indexes it lists, entities by key prefix;
- otherwise the key schema is guessed from attribute names every sampled item carries (PK/SK, pk/sk), and said so;
  without one, key statistics are left out and all items are one group.
Entities by key prefix: the leading upper-case words of the partition and sort key values (`pk=USER# sk=ORDER#`),
with key templates inferred from sample values by engine.interop.keys.infer_template.
"""

from __future__ import annotations

import math
import resource
import shutil
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from engine.evidence.export_files import (
    DataFile,
    ExportError,
    ExportFiles,
    diagnose,
    ion_to_json_lines,
    read_export,
    sample_items,
)
from engine.evidence.export_sql import (
    ALL_ITEMS,
    TYPE_TAGS,
    UNRECOGNISED,
    EntityMatcher,
    IndexPlan,
    KeySchema,
    ScanPlan,
    VariableProbe,
    attribute_stats_sql,
    key_values_sql,
    template_like,
    template_regex,
)
from engine.itemsize import STORAGE_OVERHEAD_BYTES

EngineName = Literal["duckdb", "spark"]
QUANTILES = (0.5, 0.9, 0.99)
TOP_VALUES = 10
HOT_KEYS_PER_KEY = 5
LARGEST_ITEMS = 10
TEMPLATE_SAMPLES = 50
MAX_KNOWN_NAMES = 128  # attribute names read as typed columns; rarer names are sized in Python (slower, exact)
ZIPF_FIT_KEYS = 10_000  # the largest collections a Zipf exponent is fitted to
LSI_COLLECTION_LIMIT_BYTES = 10 * 1024**3  # DOMAIN.md §2: an LSI item collection holds at most 10 GB
WRITE_UNIT_BYTES = 1024  # DOMAIN.md §2: writes are charged per 1 KB
GUESSED_PARTITION_KEYS = ("PK", "pk", "Pk", "PartitionKey", "partition_key", "pk1")
GUESSED_SORT_KEYS = ("SK", "sk", "Sk", "SortKey", "sort_key", "sk1")


# ----------------------------------------------------------------------------- results


def nearest_rank(sorted_counts: Sequence[tuple[int, int]], rank: int) -> int:
    """The value at 1-based `rank` of values given as (value, how many) sorted by value."""
    seen = 0
    for value, count in sorted_counts:
        seen += count
        if seen >= rank:
            return value
    return sorted_counts[-1][0]


def rank_of(q: float, n: int) -> int:
    """Nearest rank of quantile q among n values: ceil(q * n), at least 1."""
    return max(1, math.ceil(q * n - 1e-9))


@dataclass(frozen=True, kw_only=True)
class SizeSummary:
    """Exact item sizes (engine.itemsize rules) of a group of items."""

    items: int
    total_bytes: int
    mean_bytes: float
    min_bytes: int
    p50_bytes: int
    p90_bytes: int
    p99_bytes: int
    max_bytes: int
    write_units: dict[int, int]
    """Items per write-unit count (ceil(size / 1 KB)): what a PutItem of each item costs."""

    @classmethod
    def of(cls, histogram: Mapping[int, int]) -> SizeSummary:
        """From size -> number of items."""
        pairs = sorted(histogram.items())
        n = sum(c for _, c in pairs)
        total = sum(s * c for s, c in pairs)
        units: Counter[int] = Counter()
        for s, c in pairs:
            units[max(1, math.ceil(s / WRITE_UNIT_BYTES))] += c
        q = [nearest_rank(pairs, rank_of(x, n)) for x in QUANTILES]
        return cls(items=n, total_bytes=total, mean_bytes=round(total / n, 3), min_bytes=pairs[0][0], p50_bytes=q[0],
                   p90_bytes=q[1], p99_bytes=q[2], max_bytes=pairs[-1][0], write_units=dict(sorted(units.items())))


@dataclass(frozen=True, kw_only=True)
class Spread:
    """How items spread over the values of a key: distinct values and items per value."""

    distinct: int
    items: int
    bytes: int
    mean_items: float
    p50_items: int
    p90_items: int
    p99_items: int
    max_items: int
    top_share: float
    """Share of the items under the most common value."""
    top_1pct_share: float
    """Share of the items under the most common 1% of values (at least one value)."""
    gini: float
    """Gini coefficient of items per value: 0 when every value has as many items, towards 1 when one has all."""

    @classmethod
    def of(cls, histogram: Mapping[int, int], total_bytes: int) -> Spread:
        """From items-per-value -> number of values."""
        pairs = sorted(histogram.items())
        distinct = sum(m for _, m in pairs)
        items = sum(c * m for c, m in pairs)
        q = [nearest_rank(pairs, rank_of(x, distinct)) for x in QUANTILES]
        top_k = max(1, math.ceil(distinct * 0.01))
        left, top_items = top_k, 0
        for c, m in reversed(pairs):
            take = min(left, m)
            top_items += take * c
            left -= take
            if not left:
                break
        weighted, rank = 0, 1  # sum of rank * value over values sorted ascending (ranks 1..n)
        for c, m in pairs:
            weighted += c * (m * rank + m * (m - 1) // 2)
            rank += m
        gini = (2 * weighted) / (distinct * items) - (distinct + 1) / distinct if items else 0.0
        return cls(distinct=distinct, items=items, bytes=total_bytes, mean_items=round(items / distinct, 3),
                   p50_items=q[0], p90_items=q[1], p99_items=q[2], max_items=pairs[-1][0],
                   top_share=round(pairs[-1][0] / items, 6), top_1pct_share=round(top_items / items, 6),
                   gini=round(max(0.0, gini), 6))


@dataclass(frozen=True, kw_only=True)
class ValueCount:
    """One key value with its items and bytes (and their shares of the key's)."""

    value: str
    items: int
    bytes: int
    items_share: float
    bytes_share: float


@dataclass(frozen=True, kw_only=True)
class KeySummary:
    """Cardinality and skew of one key attribute of the table or of an index."""

    attribute: str
    role: str
    index: str | None
    spread: Spread
    top_by_items: tuple[ValueCount, ...]
    top_by_bytes: tuple[ValueCount, ...]
    bytes_meaning: str
    """What `bytes` adds up: item sizes, the item collection with its LSI entries, or index entries."""


@dataclass(frozen=True, kw_only=True)
class AttributeSummary:
    """One attribute of an entity: how many of its items carry it, of which types, how big its values are."""

    name: str
    items: int
    presence: float
    types: dict[str, int]
    value_bytes_mean: float
    value_bytes_min: int
    value_bytes_max: int


@dataclass(frozen=True, kw_only=True)
class EntitySummary:
    """The items of one entity (a design entity, or a key prefix group)."""

    name: str
    recognised_by: str
    items: int
    share: float
    sizes: SizeSummary
    attributes: tuple[AttributeSummary, ...]
    partition_keys: Spread | None
    zipf_exponent: float | None
    """Zipf exponent fitted to items per partition key value (engine.evidence.traffic.fit_keys, its largest
    collections); None when uniform or too few."""
    key_templates: dict[str, str] = field(default_factory=dict)
    """Key prefix groups: the key template inferred from sample values per key attribute."""
    variables: dict[str, int] = field(default_factory=dict)
    """Design entities: distinct values seen of each key template variable."""


@dataclass(frozen=True, kw_only=True)
class Collection:
    """One item collection: a partition key value, its items and LSI entries."""

    value: str
    items: int
    lsi_entries: int
    bytes: int
    storage_bytes: int


@dataclass(frozen=True, kw_only=True)
class CollectionSummary:
    """Item collections (one per partition key value) of a table with a sort key."""

    partition_key: str
    collections: int
    lsis: tuple[str, ...]
    p50_bytes: int
    p90_bytes: int
    p99_bytes: int
    max_bytes: int
    max_storage_bytes: int
    limit_bytes: int | None
    over_limit: int
    largest: tuple[Collection, ...]


@dataclass(frozen=True, kw_only=True)
class LargestItem:
    """One of the largest items."""

    entity: str
    partition_key: str | None
    sort_key: str | None
    size_bytes: int
    file: str


@dataclass(frozen=True, kw_only=True)
class HotKey:
    """A partition key value of the table or a GSI with many items or bytes."""

    index: str | None
    attribute: str
    value: str
    items: int
    items_share: float
    bytes: int
    bytes_share: float


@dataclass(frozen=True, kw_only=True)
class RunInfo:
    """How the scan ran (never in --json: timings and engine details vary between runs)."""

    engine: str
    details: str
    seconds: dict[str, float]
    peak_rss_bytes: int


@dataclass(frozen=True, kw_only=True)
class ExportAnalysis:
    """What an export holds, measured exactly."""

    table: str | None
    export: dict[str, Any]
    verification: dict[str, Any]
    key_schema: dict[str, Any]
    items: int
    sizes: SizeSummary | None
    entities: tuple[EntitySummary, ...]
    keys: tuple[KeySummary, ...]
    item_collections: CollectionSummary | None
    largest_items: tuple[LargestItem, ...]
    hot_key_candidates: tuple[HotKey, ...]
    notes: tuple[str, ...]
    run: RunInfo | None = field(default=None, compare=False)

    def as_dict(self) -> dict[str, Any]:
        """Plain data of the facts (no run information), for --json."""
        out = {k: v for k, v in asdict(self).items() if k != "run"}
        return _json_ready(out)

    def entity(self, name: str) -> EntitySummary | None:
        return next((e for e in self.entities if e.name == name), None)


def _json_ready(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_ready(v) for v in value]
    return value


# ----------------------------------------------------------------------------- key schema and plan


def key_schema_of(table: Any, source: Literal["design", "describe-table"]) -> KeySchema:
    """The key schema of an engine.model.Table (from a design or from describe-table output)."""
    indexes = [IndexPlan(g.name, "GSI", g.partition_key.name, g.sort_key.name if g.sort_key else None,
                         g.projection.type, tuple(g.projection.attributes)) for g in table.gsis]
    indexes += [IndexPlan(i.name, "LSI", table.partition_key.name, i.sort_key.name, i.projection.type,
                          tuple(i.projection.attributes)) for i in table.lsis]
    return KeySchema(source, table.partition_key.name, table.sort_key.name if table.sort_key else None,
                     tuple(indexes))


GUESS_PRESENCE = 0.95  # a key attribute is in every item: one missing from a few sampled lines is their problem


def guess_key_schema(samples: Sequence[Mapping[str, Any]]) -> KeySchema:
    """PK/SK-like names (nearly) every sampled item carries; else no key schema. Items lacking them are then
    reported by the scan."""
    if not samples:
        return KeySchema("none")
    counts = Counter(n for s in samples for n in s)
    everywhere = {n for n, c in counts.items() if c >= GUESS_PRESENCE * len(samples)}
    pk = next((n for n in GUESSED_PARTITION_KEYS if n in everywhere), None)
    if pk is None:
        return KeySchema("none")
    sk = next((n for n in GUESSED_SORT_KEYS if n in everywhere), None)
    return KeySchema("guessed", pk, sk)


def known_names(schema: KeySchema, design_names: Sequence[str], samples: Sequence[Mapping[str, Any]]) -> tuple[str, ...]:
    """Names read as typed columns: keys, projected names, the design's, then the most common sampled names.

    At most MAX_KNOWN_NAMES, and no two differing only in case (DuckDB's struct fields are case-insensitive)."""
    counts = Counter(n for s in samples for n in s)
    wanted = [*schema.key_names, *(k for ix in schema.indexes for k in (*ix.key_names, *ix.included)),
              *design_names, *(n for n, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))]
    out: list[str] = []
    folded: set[str] = set()
    for name in wanted:
        if name.casefold() in folded:
            continue
        if len(out) >= MAX_KNOWN_NAMES and name not in schema.key_names:
            continue
        folded.add(name.casefold())
        out.append(name)
    return tuple(out) or ("\u0000",)


def _specificity(template: str) -> int:
    return len(template_regex(template)[0]) - 10 * template.count("{")


def entity_plan(model: Any, table: Any) -> tuple[tuple[EntityMatcher, ...], tuple[VariableProbe, ...], list[str]]:
    """Matchers (most specific first) and variable probes of the design's entities of `table`."""
    matchers = []
    probes = []
    notes = []
    key_attrs = set(table.key_names)
    probe_attrs = set(table.key_types)  # the table's and its indexes' key attributes
    for order, entity in enumerate(model.entities_of(table.name)):
        patterns = []
        for kt in entity.keys:
            regex, names = template_regex(kt.template)
            if kt.attribute in key_attrs:
                patterns.append((kt.attribute, template_like(kt.template)))
            if kt.attribute in probe_attrs:
                probes += [VariableProbe(entity.name, var, kt.attribute, regex, i + 1) for i, var in enumerate(names)]
        if not patterns:
            notes.append(f"entity {entity.name} has no template for the table's keys: its items cannot be recognised")
            continue
        weight = sum(_specificity(t.template) for t in entity.keys if t.attribute in key_attrs)
        matchers.append((-weight, order, EntityMatcher(entity.name, tuple(patterns))))
    matchers.sort(key=lambda m: (m[0], m[1]))
    return tuple(m[2] for m in matchers), tuple(probes), notes


# ----------------------------------------------------------------------------- the analysis


@dataclass(kw_only=True)
class AnalyzeOptions:
    """How to analyse an export: engine, what is known of the table, and the engine's limits."""

    engine: EngineName = "duckdb"
    design: Any = None  # engine.model.DataModel
    table: str | None = None
    describe: Any = None  # engine.model.Table from describe-table output
    memory_limit: str = "1GB"
    threads: int | None = None
    spark_master: str | None = None
    spark_session: Any = None
    verify_checksums: bool = True
    progress: Callable[[str], None] | None = None


def choose_table(model: Any, export: ExportFiles, requested: str | None) -> Any:
    """The design table the export is of: --table, the table the export's ARN names, or the only table."""
    names = [t.name for t in model.tables]
    if requested:
        if requested not in names:
            raise ExportError(f"--table {requested!r} is not a table of the design (tables: {', '.join(names)})")
        return model.table(requested)
    if export.table_name in names:
        return model.table(export.table_name)
    if len(names) == 1:
        return model.tables[0]
    raise ExportError(f"the export is of table {export.table_name!r}, which the design does not have; name the design "
                      f"table with --table (tables: {', '.join(names)})")


def analyze_export(path: str | Path, options: AnalyzeOptions | None = None) -> ExportAnalysis:
    """Measure an export (see the module docstring); raises ExportError naming file, line and fix."""
    options = options or AnalyzeOptions()
    say = options.progress or (lambda _: None)
    timings: dict[str, float] = {}
    start = time.perf_counter()
    export = read_export(path, verify=options.verify_checksums)
    timings["manifests and checksums"] = time.perf_counter() - start
    say(f"export of {export.table_name}: {len(export.files)} data files, {export.item_count:,} items "
        f"({export.output_format}); checksums verified: {export.md5_checked} MD5, {export.etags_checked} ETag")
    if export.item_count == 0:
        raise ExportError(f"{export.folder}: the manifests list no item (an empty table's export); there is nothing "
                          "to measure")
    notes: list[str] = []
    work = tempfile.mkdtemp(prefix="ddb-export-")
    try:
        files = _scan_files(export, Path(work), notes)
        samples = sample_items(tuple(files))
        plan, table = _plan(export, options, samples, notes)
        runner = _runner(options)
        try:
            step = time.perf_counter()
            say(f"scanning with {runner.details()}")
            try:
                runner.load([f.path for f in files if f.item_count or f.path.stat().st_size], plan)
            except _engine_failure() as exc:
                raise _located(files, export.output_format, plan, str(exc), ()) from None
            timings["scan"] = time.perf_counter() - step
            step = time.perf_counter()
            result = _summarise(runner, plan, export, files, notes, table, options)
            timings["aggregate"] = time.perf_counter() - step
            info = RunInfo(
                engine=options.engine, details=runner.details(),
                seconds={k: round(v, 3) for k, v in timings.items()},
                peak_rss_bytes=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
        finally:
            runner.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return ExportAnalysis(**{**result, "run": info})


def _engine_failure() -> type[Exception]:
    from engine.evidence.export_duckdb import EngineFailure

    return EngineFailure


def _runner(options: AnalyzeOptions) -> Any:
    if options.engine == "duckdb":
        from engine.evidence.export_duckdb import DuckDBRunner

        return DuckDBRunner(options.memory_limit, options.threads)
    if options.engine == "spark":
        from engine.evidence.export_spark import SparkRunner

        return SparkRunner(options.spark_session, options.spark_master, options.memory_limit)
    raise ExportError(f"unknown engine {options.engine!r}; use duckdb or spark")


def _scan_files(export: ExportFiles, work: Path, notes: list[str]) -> list[DataFile]:
    """The files the engine scans: the data files, or for an ION export their items converted to DynamoDB JSON."""
    if export.output_format != "ION":
        return list(export.files)
    out = []
    for i, f in enumerate(export.files):
        target = work / f"ion-{i:06d}-{f.path.name.removesuffix('.gz')}.gz"
        count = ion_to_json_lines(f, target)
        out.append(DataFile(
            key=f.key, path=target, item_count=f.item_count, md5=None, etag=None, manifest_line=f.manifest_line))
        if count != f.item_count:
            raise ExportError(f"{f.name}: holds {count:,} items but the files manifest says {f.item_count:,}; "
                              "copy the file from S3 again")
    notes.append("Amazon Ion data files were converted to DynamoDB JSON (sets from their $dynamodb_ annotations, "
                 "decimals as N, blobs as B) before the scan")
    return out


def _plan(export: ExportFiles, options: AnalyzeOptions, samples: list[dict], notes: list[str]) -> tuple[ScanPlan, Any]:
    table = None
    design_names: list[str] = []
    entities = None
    probes: tuple[VariableProbe, ...] = ()
    if options.design is not None:
        table = choose_table(options.design, export, options.table)
        schema = key_schema_of(table, "design")
        entities, probes, more = entity_plan(options.design, table)
        notes.extend(more)
        design_names = [n for e in options.design.entities_of(table.name) for n in
                        [*(k.attribute for k in e.keys), *(a.name for a in e.attributes)]]
        notes.append(f"key schema and indexes of design table {table.name}; entities recognised by their key "
                     "templates")
    elif options.describe is not None:
        schema = key_schema_of(options.describe, "describe-table")
        notes.append(f"key schema and indexes from the describe-table output (table {options.describe.name}); "
                     "entities by key prefix")
    else:
        schema = guess_key_schema(samples)
        if schema.source == "guessed":
            notes.append(f"no design or describe-table output: the key schema is guessed from attribute names every "
                         f"sampled item carries (partition key {schema.partition_key}"
                         + (f", sort key {schema.sort_key}" if schema.sort_key else ", no sort key")
                         + "); no index is known; pass --design or --describe to be sure")
        else:
            notes.append("no design or describe-table output and no PK/SK-like attribute in every sampled item: key "
                         "statistics are left out and the items form one group; pass --design or --describe FILE "
                         "(aws dynamodb describe-table output) to name the keys")
    known = known_names(schema, design_names, samples)
    return ScanPlan(schema, known, entities, probes), table


def _located(files: list[DataFile], fmt: str, plan: ScanPlan, engine_message: str, first: tuple[str, ...]) -> ExportError:
    """The first problem in the data files, found in Python; the engine's message when none can be found."""
    named = tuple(f.path.name for f in files if f.path.name in engine_message)
    problem = diagnose(files, "DYNAMODB_JSON" if fmt == "ION" else fmt, plan.keys.key_names, (*first, *named))
    if problem is not None:
        return ExportError(problem.text())
    return ExportError(f"the export could not be read ({engine_message}); no line could be blamed: check the files "
                       "with `zcat FILE | head` and copy the export from S3 again")


def _summarise(runner: Any, plan: ScanPlan, export: ExportFiles, files: list[DataFile], notes: list[str],
               table: Any, options: AnalyzeOptions) -> dict[str, Any]:
    by_name = {f.path.name: f for f in files}
    counts: dict[str, int] = {}
    bad: list[str] = []
    for raw, n, not_ok in runner.rows("SELECT file, count(*), sum(CASE WHEN ok THEN 0 ELSE 1 END) FROM items "
                                      "GROUP BY file"):
        name = runner.file_name(raw)
        counts[name] = int(n)
        if not_ok:
            bad.append(name)
    mismatched = [f.path.name for f in files if counts.get(f.path.name, 0) != f.item_count]
    if bad or mismatched:
        raise _located(files, export.output_format, plan, "rows the size rules refuse" if bad else
                       "item counts differ from the manifest", (*bad, *mismatched))
    total = sum(counts.values())
    d = runner.dialect

    hist: dict[str, dict[int, int]] = defaultdict(dict)
    for entity, size, n in runner.rows("SELECT entity, size, count(*) FROM items GROUP BY entity, size"):
        hist[entity][int(size)] = int(n)
    attrs: dict[str, list[tuple]] = defaultdict(list)
    for row in runner.rows(attribute_stats_sql(d, plan)):
        attrs[row[0]].append(row[1:])

    keys, collections = _key_summaries(runner, plan)
    spreads, fits = _entity_spreads(runner, plan)
    templates, variables = _entity_keys(runner, plan)

    recognised = ("design key templates" if plan.entities is not None else
                  "key prefix" if plan.keys.partition_key else "no key schema")
    entities = []
    order = [m.name for m in plan.entities] if plan.entities is not None else []
    for name in sorted(hist, key=lambda e: (e not in order, order.index(e) if e in order else 0, e)):
        n = sum(hist[name].values())
        entities.append(EntitySummary(
            name=name, recognised_by="not recognised" if name == UNRECOGNISED else recognised, items=n,
            share=round(n / total, 6), sizes=SizeSummary.of(hist[name]),
            attributes=_attribute_summaries(attrs.get(name, []), n), partition_keys=spreads.get(name),
            zipf_exponent=fits.get(name), key_templates=templates.get(name, {}),
            variables=variables.get(name, {})))
    if UNRECOGNISED in hist:
        notes.append(f"{sum(hist[UNRECOGNISED].values()):,} items match no entity's key templates; they are listed "
                     f"as {UNRECOGNISED}")
    overall: Counter[int] = Counter()
    for h in hist.values():
        overall.update(h)

    largest = tuple(LargestItem(entity=e, partition_key=pk, sort_key=sk, size_bytes=int(s),
                                file=by_name[runner.file_name(f)].name) for e, pk, sk, s, f in runner.rows(
        f"SELECT entity, {'pk' if plan.keys.partition_key else 'NULL'}, {'sk' if plan.keys.sort_key else 'NULL'}, "
        f"size, file FROM items ORDER BY size DESC, 2 ASC NULLS FIRST, 3 ASC NULLS FIRST LIMIT {LARGEST_ITEMS}"))
    hot = tuple(_hot_keys(keys))
    summary = export.summary
    return dict(
        table=table.name if table is not None else export.table_name,
        export={"export_arn": summary.get("exportArn"), "table_arn": summary.get("tableArn"),
                "export_time": summary.get("exportTime"), "output_format": export.output_format,
                "data_files": len(export.files), "compressed_bytes": export.compressed_bytes,
                "manifest_item_count": export.item_count},
        verification={"md5_checked": export.md5_checked, "etags_checked": export.etags_checked,
                      "item_counts_match_manifest": True, "files": len(export.files)},
        key_schema={"source": plan.keys.source, "partition_key": plan.keys.partition_key,
                    "sort_key": plan.keys.sort_key,
                    "indexes": [asdict(ix) for ix in plan.keys.indexes]},
        items=total, sizes=SizeSummary.of(overall) if overall else None, entities=tuple(entities),
        keys=tuple(keys), item_collections=collections, largest_items=largest, hot_key_candidates=hot,
        notes=tuple(notes))


def _attribute_summaries(rows: list[tuple], items: int) -> tuple[AttributeSummary, ...]:
    merged: dict[str, list[Any]] = {}
    for name, code, n, total, lo, hi in rows:
        tag = TYPE_TAGS[int(code)]
        m = merged.setdefault(name, [0, 0, None, None, {}])
        m[0] += int(n)
        m[1] += int(total)
        m[2] = int(lo) if m[2] is None else min(m[2], int(lo))
        m[3] = int(hi) if m[3] is None else max(m[3], int(hi))
        m[4][tag] = int(n)
    out = [AttributeSummary(
        name=name, items=n, presence=round(n / items, 6), types=dict(sorted(types.items())),
        value_bytes_mean=round(total / n, 3), value_bytes_min=lo, value_bytes_max=hi)
           for name, (n, total, lo, hi, types) in merged.items()]
    return tuple(sorted(out, key=lambda a: (-a.items, a.name)))


def _value_counts(rows: list[tuple], items: int, total_bytes: int) -> tuple[ValueCount, ...]:
    return tuple(ValueCount(value=str(v), items=int(c), bytes=int(b),
                            items_share=round(int(c) / items, 6) if items else 0.0,
                            bytes_share=round(int(b) / total_bytes, 6) if total_bytes else 0.0)
                 for v, c, b in rows)


def _key_summaries(runner: Any, plan: ScanPlan) -> tuple[list[KeySummary], CollectionSummary | None]:
    out = []
    collections = None
    lsis = tuple(ix.name for ix in plan.keys.lsis)
    for column, attribute, role, index in plan.key_columns():
        runner.materialize("ks", key_values_sql(plan, column))
        (distinct, items, total, max_storage) = runner.rows(
            f"SELECT count(*), coalesce(sum(c), 0), coalesce(sum(b), 0), "
            f"coalesce(max(b + {STORAGE_OVERHEAD_BYTES} * (c + e)), 0) FROM ks")[0]
        if not distinct:
            runner.drop("ks")
            continue
        histogram = {int(c): int(m) for c, m in runner.rows("SELECT c, count(*) FROM ks GROUP BY c")}
        top_items = runner.rows(f"SELECT v, c, b FROM ks ORDER BY c DESC, v ASC LIMIT {TOP_VALUES}")
        top_bytes = runner.rows(f"SELECT v, c, b, e FROM ks ORDER BY b DESC, v ASC LIMIT {TOP_VALUES}")
        meaning = ("item collection: items and their LSI entries" if column == "pk" and lsis else
                   "item sizes" if column in ("pk", "sk") else
                   f"{'GSI' if column.startswith('g') else 'LSI'} entry sizes (keys and projected attributes)")
        out.append(KeySummary(
            attribute=attribute, role=role, index=index, spread=Spread.of(histogram, int(total)),
            top_by_items=_value_counts(top_items, int(items), int(total)),
            top_by_bytes=_value_counts([r[:3] for r in top_bytes], int(items), int(total)),
            bytes_meaning=meaning))
        if column == "pk" and plan.keys.sort_key:
            n = int(distinct)
            ranks = sorted({rank_of(q, n) for q in QUANTILES} | {n})
            at = dict(runner.rows(f"SELECT rn, b FROM (SELECT b, row_number() OVER (ORDER BY b ASC, v ASC) AS rn "
                                  f"FROM ks) r_ WHERE rn IN ({', '.join(map(str, ranks))})"))
            limit = LSI_COLLECTION_LIMIT_BYTES if lsis else None
            over = int(runner.rows(f"SELECT count(*) FROM ks WHERE b + {STORAGE_OVERHEAD_BYTES} * (c + e) > {limit}")
                       [0][0]) if limit else 0
            p50, p90, p99 = (int(at[rank_of(q, n)]) for q in QUANTILES)
            collections = CollectionSummary(
                partition_key=attribute, collections=n, lsis=lsis, p50_bytes=p50, p90_bytes=p90, p99_bytes=p99,
                max_bytes=int(at[n]), max_storage_bytes=int(max_storage), limit_bytes=limit, over_limit=over,
                largest=tuple(Collection(value=str(v), items=int(c), lsi_entries=int(e), bytes=int(b),
                                         storage_bytes=int(b) + STORAGE_OVERHEAD_BYTES * (int(c) + int(e)))
                              for v, c, b, e in top_bytes))
        runner.drop("ks")
    return out, collections


def _hot_keys(keys: list[KeySummary]) -> list[HotKey]:
    out: dict[tuple, HotKey] = {}
    for k in keys:
        if not k.role.endswith("partition key"):
            continue
        for v in (*k.top_by_items[:HOT_KEYS_PER_KEY], *k.top_by_bytes[:HOT_KEYS_PER_KEY]):
            out.setdefault((k.index, v.value), HotKey(
                index=k.index, attribute=k.attribute, value=v.value, items=v.items, items_share=v.items_share,
                bytes=v.bytes, bytes_share=v.bytes_share))
    return sorted(out.values(), key=lambda h: (h.index is not None, h.index or "", -h.items, -h.bytes, h.value))


def _entity_spreads(runner: Any, plan: ScanPlan) -> tuple[dict[str, Spread], dict[str, float | None]]:
    """Items per partition key value within each entity, and a Zipf exponent fitted to its largest collections."""
    from engine.evidence.traffic import fit_keys

    if not plan.keys.partition_key:
        return {}, {}
    hist: dict[str, dict[int, int]] = defaultdict(dict)
    sizes: dict[str, int] = defaultdict(int)
    for entity, c, m, b in runner.rows("SELECT entity, c, count(*), sum(b) FROM (SELECT entity, pk, count(*) AS c, "
                                       "sum(size) AS b FROM items GROUP BY entity, pk) x_ GROUP BY entity, c"):
        hist[entity][int(c)] = int(m)
        sizes[entity] += int(b)
    spreads = {e: Spread.of(h, sizes[e]) for e, h in hist.items()}
    fits: dict[str, float | None] = {}
    for entity, h in hist.items():
        ranked: list[int] = []
        for c, m in sorted(h.items(), reverse=True):
            ranked += [c] * min(m, ZIPF_FIT_KEYS - len(ranked))
            if len(ranked) >= ZIPF_FIT_KEYS:
                break
        fits[entity] = fit_keys(Counter({f"k{i}": c for i, c in enumerate(ranked)})).zipf_exponent
    return spreads, fits


def _entity_keys(runner: Any, plan: ScanPlan) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, int]]]:
    """Key prefix groups: templates inferred from sample key values. Design entities: distinct values per variable."""
    from engine.interop.keys import infer_template

    templates: dict[str, dict[str, str]] = defaultdict(dict)
    variables: dict[str, dict[str, int]] = defaultdict(dict)
    d = runner.dialect
    if plan.entities is None and plan.keys.partition_key:
        for column, attribute in (("pk", plan.keys.partition_key), ("sk", plan.keys.sort_key)):
            if not attribute:
                continue
            values: dict[str, list[str]] = defaultdict(list)
            for entity, v in runner.rows(
                    f"SELECT entity, v FROM (SELECT entity, v, row_number() OVER (PARTITION BY entity ORDER BY v) AS rn "
                    f"FROM (SELECT DISTINCT entity, {column} AS v FROM items) a_) b_ WHERE rn <= {TEMPLATE_SAMPLES}"):
                values[entity].append(str(v))
            for entity, vals in values.items():
                templates[entity][attribute] = infer_template(sorted(vals), attribute).template
    elif plan.probes:
        columns = {attr: col for col, attr, _, _ in reversed(plan.key_columns())}
        exprs = [f"count(DISTINCT CASE WHEN entity = {d.lit(p.entity)} THEN "
                 f"{d.regex_extract(columns[p.attribute], p.pattern, p.group)} END)" for p in plan.probes]
        row = runner.rows(f"SELECT {', '.join(exprs)} FROM items")[0]
        for probe, n in zip(plan.probes, row, strict=True):
            seen = variables[probe.entity]
            seen[probe.variable] = max(seen.get(probe.variable, 0), int(n))
    return templates, variables


__all__ = [
    "ALL_ITEMS", "AnalyzeOptions", "AttributeSummary", "Collection", "CollectionSummary", "EntitySummary",
    "ExportAnalysis", "ExportError", "HotKey", "KeySummary", "LargestItem", "RunInfo", "SizeSummary", "Spread",
    "ValueCount", "analyze_export", "guess_key_schema", "key_schema_of", "nearest_rank",
]
