"""Findings computed from a design and its evaluation (engine.evaluate calls `evaluation_findings`).

Every number comes from the Evaluation (units, dollars, sizes) or the design; the thresholds below
are product choices, not AWS figures, and say when a rule speaks up.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from engine.capacity import split_target, target_name
from engine.cost import STANDARD, STANDARD_IA, usd_text
from engine.findings.base import Finding, amount_text
from engine.findings.catalog import rule
from engine.itemsize import STORAGE_OVERHEAD_BYTES
from engine.keyspace import key_count
from engine.model import AccessPattern, DataModel, StreamConsumer, Table
from engine.model.limits import (
    MAX_ITEM_BYTES,
    MAX_ITEM_COLLECTION_BYTES,
    MAX_TRANSACTION_ACTIONS,
    MAX_TRANSACTION_BYTES,
)
from engine.pricing import BYTES_PER_GB
from engine.units import duration

if TYPE_CHECKING:  # types only: engine.evaluate imports this module to build its findings
    from engine.evaluate import Evaluation, PatternEvaluation, TableEvaluation
    from engine.streams import ConsumerFlow

# Thresholds (product choices).
OVER_READ_KEEP_SHARE = 0.5
LARGE_WRITE_UNITS = 4
ITEM_SIZE_WARNING_BYTES = 300 * 1024
SCAN_WARNING_REQUESTS_PER_SECOND = 1 / 60
BILLING_SAVING_SHARE = 0.2
GSI_UPKEEP_MIN_USD = 1.0
"""A GSI whose writes and storage cost less than this a month is not worth a finding."""
N_PLUS_ONE_MIN_TIMES = 2
LARGE_READ_ITEM_BYTES = 16 * 1024
"""Items of this size or more cost 4+ read units per strongly consistent read."""
LARGE_READ_MIN_RPS = 1.0
LSI_COLLECTION_WARNING_SHARE = 0.5
TRANSACTION_WARNING_SHARE = 0.8
EXPIRY_NAME = re.compile(r"ttl|expir", re.IGNORECASE)
STREAM_LAG_WARNING_SECONDS = 60.0
"""A stream consumer whose iterator age passes a minute through a 5-minute peak gets a finding (product choice)."""

# DynamoDB limits (DOMAIN.md §2, engine.model.limits): LSI item collection 10 GB; transactions 100 actions and 4 MB.
LSI_COLLECTION_LIMIT_BYTES = MAX_ITEM_COLLECTION_BYTES
TRANSACTION_MAX_ACTIONS = MAX_TRANSACTION_ACTIONS
TRANSACTION_MAX_BYTES = MAX_TRANSACTION_BYTES
READ_UNIT_BYTES = 4096
WRITE_UNIT_BYTES = 1024


def evaluation_findings(model: DataModel, evaluation: Evaluation) -> tuple[Finding, ...]:
    """Every catalog rule computed from the design and its evaluation (sizes, units, money)."""
    return (*_size_findings(model, evaluation), *_pattern_findings(model, evaluation),
            *_table_findings(model, evaluation), *_gsi_upkeep_findings(model, evaluation),
            *_screen_findings(model, evaluation), *_ttl_findings(model, evaluation),
            *_lsi_findings(model, evaluation), *_transaction_findings(model, evaluation),
            *_region_findings(model, evaluation), *_stream_findings(model, evaluation))


def _region_findings(model: DataModel, ev: Evaluation) -> list[Finding]:
    """Prices of one region applied to a design homed in another (the catalog says which region it prices)."""
    if not ev.catalog.region or ev.catalog.region == model.region:
        return []
    return [rule("DDB-C109").finding("region", design_region=model.region, catalog=ev.catalog.id,
                                     catalog_region=ev.catalog.region)]


def _min_read(consistency: str | None) -> float:
    return 0.5 if consistency == "eventual" else 1.0


# ----------------------------------------------------------------------------------- patterns
def _pattern_findings(model: DataModel, ev: Evaluation) -> list[Finding]:
    out: list[Finding] = []
    for i, (pattern, pe) in enumerate(zip(model.access_patterns, ev.design_patterns, strict=True)):
        path = f"access_patterns[{i}]"
        keep = getattr(pattern, "filter_keep_share", 1.0)
        units = pe.read_units_per_request
        if pattern.operation in ("Query", "Scan") and keep < OVER_READ_KEEP_SHARE and units > 1:
            out.append(rule("DDB-C102").finding(
                path, pattern=pattern.name, units=units, keep=keep, monthly_usd=pe.monthly_usd,
                wasted_usd=pe.monthly_usd * (1 - keep), kept_units=max(units * keep, _min_read(pe.consistency))))
        if pattern.operation == "Scan" and pattern.requests_per_second >= SCAN_WARNING_REQUESTS_PER_SECOND:
            out.append(rule("DDB-C101").finding(
                path, pattern=pattern.name, rps=pattern.requests_per_second, units=units,
                units_per_second=pe.read_units_per_second, monthly_usd=pe.monthly_usd))
        if pattern.operation == "GetItem" and pattern.requests_per_second >= LARGE_READ_MIN_RPS and pattern.entities:
            size = ev.entity_size(pattern.entities[0]).mean_size_bytes
            if size >= LARGE_READ_ITEM_BYTES:
                out.append(rule("DDB-S103").finding(
                    path, pattern=pattern.name, entity=pattern.entities[0], item_bytes=size,
                    rps=pattern.requests_per_second, units=units, monthly_usd=pe.monthly_usd,
                    small_units=_min_read(pe.consistency)))
        out += _write_findings(model, path, pattern, pe)
    return out


def _write_findings(model: DataModel, path: str, pattern: AccessPattern, pe: PatternEvaluation) -> list[Finding]:
    out: list[Finding] = []
    if pattern.is_read:
        return out
    index_units = sum(pe.index_write_units_per_request.values())
    table_units = pe.write_units_per_request - index_units
    if index_units > table_units and index_units > 0:
        index_usd = sum(parts.get("index writes", 0.0) for parts in pe.cost_by_table.values())
        out.append(rule("DDB-C104").finding(
            path, pattern=pattern.name, index_units=index_units, index_count=len(pe.index_write_units_per_request),
            table_units=table_units, total_units=pe.write_units_per_request, index_usd=index_usd))
    changed = getattr(pattern, "changed_attributes", ())
    if pattern.operation == "UpdateItem" and changed and len(changed) <= 2 and table_units >= LARGE_WRITE_UNITS:
        out.append(rule("DDB-S102").finding(
            path, pattern=pattern.name, changed=", ".join(changed), table_units=table_units,
            sharded_units=_changed_units(model, pattern, changed)))
    return out


def _changed_units(model: DataModel, pattern: AccessPattern, changed: tuple[str, ...]) -> float:
    """Write units of a small item holding only the table's key attributes and the changed attributes."""
    from engine.itemsize import entity_size_distribution

    entity = model.entity(pattern.entities[0])
    table = model.table(entity.table)
    keys = [k.name for k in (table.partition_key, table.sort_key) if k is not None]
    size = entity_size_distribution(entity, table, attributes=[*keys, *changed]).mean
    return float(max(1, math.ceil(size / WRITE_UNIT_BYTES)))


# -------------------------------------------------------------------------------------- sizes
def _size_findings(model: DataModel, ev: Evaluation) -> list[Finding]:
    out = []
    for i, size in enumerate(ev.entity_sizes):
        values = dict(entity=size.entity, max_bytes=size.max_size_bytes, limit_bytes=MAX_ITEM_BYTES,
                      used=size.max_size_bytes / MAX_ITEM_BYTES)
        if size.max_size_bytes > MAX_ITEM_BYTES:
            out.append(rule("DDB-L101").finding(f"entities[{i}]", **values))
        elif size.max_size_bytes > ITEM_SIZE_WARNING_BYTES:
            out.append(rule("DDB-L102").finding(
                f"entities[{i}]", **values, read_units=math.ceil(size.max_size_bytes / READ_UNIT_BYTES),
                write_units=math.ceil(size.max_size_bytes / WRITE_UNIT_BYTES)))
    return out


# ------------------------------------------------------------------------------------- tables
def _table_findings(model: DataModel, ev: Evaluation) -> list[Finding]:
    out = []
    for i, (table, te) in enumerate(zip(model.tables, ev.tables, strict=True)):
        path = f"tables[{i}]"
        out += _billing_findings(path, table, te)
        classes = te.table_class_comparison
        if classes.recommended != table.table_class:
            prices = {STANDARD: classes.standard_monthly_usd, STANDARD_IA: classes.standard_ia_monthly_usd}
            out.append(rule("DDB-C106").finding(
                f"{path}.table_class", table=table.name, recommended=classes.recommended, reason=classes.reason,
                current_usd=prices.get(table.table_class, 0.0), recommended_usd=prices.get(classes.recommended, 0.0)))
        if table.table_class == STANDARD_IA and table.billing.mode == "provisioned" and (
                table.billing.reserved_read_capacity_units or table.billing.reserved_write_capacity_units):
            out.append(rule("DDB-C107").finding(f"{path}.billing", table=table.name))
        if table.global_table is not None and table.billing.mode == "provisioned" and \
                table.billing.reserved_write_capacity_units:
            out.append(rule("DDB-C108").finding(f"{path}.billing", table=table.name,
                                                reserved_write_units=table.billing.reserved_write_capacity_units))
    return out


def _billing_findings(path: str, table: Table, te: TableEvaluation) -> list[Finding]:
    """Suggest another billing mode only when it wins even priced conservatively (fixed for peak)."""
    bill = te.billing
    if te.billing_mode == "on_demand":
        current, other, mode = bill.on_demand_monthly_usd, bill.provisioned_for_peak_monthly_usd, "provisioned"
        detail = f"provisioned for the peak at {bill.target_utilization:.0%} utilization"
    else:
        current, other, mode = te.throughput_monthly_usd, bill.on_demand_monthly_usd, "on-demand"
        detail = "on-demand for the same average load"
    if current <= 0 or other >= (1 - BILLING_SAVING_SHARE) * current:
        return []
    reserved = "" if bill.reserved_monthly_usd is None else (
        f"; reserving the average capacity would cost {usd_text(bill.reserved_monthly_usd)}")
    return [rule("DDB-C105").finding(
        f"{path}.billing", table=table.name, current_usd=current, other_usd=other, detail=detail, reserved=reserved,
        reserved_usd=bill.reserved_monthly_usd, break_even=bill.write_break_even_utilization, mode=mode,
        saving_usd=current - other)]


def _gsi_upkeep_findings(model: DataModel, ev: Evaluation) -> list[Finding]:
    """A GSI's writes and storage against the reads that go through it ("do the math" both ways)."""
    write_usd, reads_usd = _gsi_write_and_read_usd(ev.patterns)
    out = []
    for i, (table, te) in enumerate(zip(model.tables, ev.tables, strict=True)):
        stored = te.storage_bytes + sum(te.index_storage_bytes.values())
        for j, gsi in enumerate(table.gsis):
            target = target_name(table.name, gsi.name)
            writes, reads = write_usd.get(target, 0.0), reads_usd.get(target, 0.0)
            storage_usd = te.storage_monthly_usd * te.index_storage_bytes.get(gsi.name, 0.0) / stored if stored else 0.0
            upkeep = writes + storage_usd
            if upkeep >= GSI_UPKEEP_MIN_USD and upkeep > reads:
                out.append(rule("DDB-C103").finding(
                    f"tables[{i}].gsis[{j}]", table=table.name, index=gsi.name, upkeep_usd=upkeep,
                    write_usd=writes, storage_usd=storage_usd, reads_usd=reads))
    return out


def _gsi_write_and_read_usd(patterns: Iterable[PatternEvaluation]) -> tuple[dict[str, float], dict[str, float]]:
    """Per index target: the patterns' index-write money (a table's "index writes" shared by the write units
    of its index arms) and the money of the reads that go through it; one pass over the patterns."""
    writes: dict[str, float] = {}
    reads: dict[str, float] = {}
    for pe in patterns:
        if pe.index is not None:
            target = target_name(pe.table, pe.index)
            reads[target] = reads.get(target, 0.0) + pe.cost_by_table.get(pe.table, {}).get("reads", 0.0)
        by_table: dict[str, dict[str, float]] = {}
        for arm in pe.arms:
            table, index = split_target(arm.target)
            if index is not None and arm.write_units_per_request > 0:
                by_table.setdefault(table, {})[arm.target] = arm.write_units_per_request
        for table, arms in by_table.items():
            usd, total = pe.cost_by_table.get(table, {}).get("index writes", 0.0), sum(arms.values())
            for target, units in arms.items():
                writes[target] = writes.get(target, 0.0) + usd * units / total
    return writes, reads


# ------------------------------------------------------------------------------------ screens
def _screen_findings(model: DataModel, ev: Evaluation) -> list[Finding]:
    out = []
    by_name = {p.name: (p, pe) for p, pe in zip(model.access_patterns, ev.design_patterns, strict=True)}
    for i, screen in enumerate(model.screens):
        for j, (name, times) in enumerate(screen.repeat):
            if name not in by_name or times < N_PLUS_ONE_MIN_TIMES:
                continue
            pattern, pe = by_name[name]
            if pattern.operation != "GetItem" or not pattern.entities:
                continue
            item = ev.entity_size(pattern.entities[0]).mean_size_bytes
            per_unit = _min_read(pe.consistency)
            query_units = max(1, math.ceil(times * item / READ_UNIT_BYTES)) * per_unit
            loop_units = pe.read_units_per_request * times
            if query_units < loop_units:
                out.append(rule("DDB-S101").finding(
                    f"screens[{i}].repeat[{j}]", screen=screen.name, pattern=name, times=times,
                    loop_units=loop_units, query_units=query_units, item_bytes=item))
    return out


# ------------------------------------------------------------------------------ TTL, LSI, tx
def _ttl_findings(model: DataModel, ev: Evaluation) -> list[Finding]:
    out = []
    for i, entity in enumerate(model.entities):
        table = model.table(entity.table)
        names = [a.name for a in entity.attributes]
        if table.ttl_attribute is not None and table.ttl_attribute in names:
            continue
        expiring = [n for n in names if EXPIRY_NAME.search(n)]
        if not expiring:
            continue
        per_item = ev.entity_size(entity.name).storage_bytes_per_item
        growth_gb = entity.growth_items_per_month * per_item / BYTES_PER_GB
        te = ev.table(table.name)
        stored_gb = te.storage_gb
        price = (te.storage_monthly_usd + te.free_tier_usd) / stored_gb if stored_gb > 0 else 0.0
        state = "has no ttl_attribute" if table.ttl_attribute is None else \
            f"expires items by '{table.ttl_attribute}', which '{entity.name}' does not have"
        attribute = expiring[0]
        path = f"entities[{i}].attributes[{names.index(attribute)}]"
        out.append(rule("DDB-S104").finding(
            path, entity=entity.name, attribute=attribute, table=table.name, ttl_state=state,
            growth=entity.growth_items_per_month, growth_gb=growth_gb, growth_usd=growth_gb * price))
    return out


def _lsi_findings(model: DataModel, ev: Evaluation) -> list[Finding]:
    out = []
    for i, table in enumerate(model.tables):
        if not table.lsis:
            continue
        worst = None
        for entity in model.entities_of(table.name):
            template = next((k.template for k in entity.keys if k.attribute == table.partition_key.name), None)
            if template is None:
                continue
            keys = max(1, key_count(entity, template))
            items = entity.item_count / keys
            per_item = ev.entity_size(entity.name).storage_bytes_per_item
            entries = sum(e.share_indexed * (e.mean_size_bytes + STORAGE_OVERHEAD_BYTES) for e in ev.index_entry_sizes
                          if e.entity == entity.name and e.index in {lsi.name for lsi in table.lsis})
            size = items * (per_item + entries)
            if worst is None or size > worst[0]:
                worst = (size, entity.name, items)
        if worst and worst[0] >= LSI_COLLECTION_WARNING_SHARE * LSI_COLLECTION_LIMIT_BYTES:
            out.append(rule("DDB-L103").finding(
                f"tables[{i}].lsis", table=table.name, entity=worst[1], items_per_key=worst[2],
                collection_gb=worst[0] / BYTES_PER_GB, used=worst[0] / LSI_COLLECTION_LIMIT_BYTES))
    return out


def _transaction_findings(model: DataModel, ev: Evaluation) -> list[Finding]:
    out = []
    actions: float
    size: float
    for i, pattern in enumerate(model.access_patterns):
        if pattern.operation == "TransactWriteItems":
            actions = float(len(pattern.actions))
            size = sum(ev.entity_size(a.entity).max_size_bytes for a in pattern.actions)
        elif pattern.operation == "TransactGetItems" and pattern.entities:
            actions = float(pattern.items_per_request)
            size = actions * max(ev.entity_size(e).max_size_bytes for e in pattern.entities)
        else:
            continue
        if actions >= TRANSACTION_WARNING_SHARE * TRANSACTION_MAX_ACTIONS or \
                size >= TRANSACTION_WARNING_SHARE * TRANSACTION_MAX_BYTES:
            out.append(rule("DDB-L104").finding(
                f"access_patterns[{i}]", pattern=pattern.name, actions=actions, max_bytes=size,
                size_share=size / TRANSACTION_MAX_BYTES))
    return out


# ------------------------------------------------------------------------------------ streams
def duration_text(seconds: float) -> str:
    """An iterator age for a message: 45 s, 2 minutes, 3.5 hours (the pages write it the same way)."""
    return duration(seconds)


def _stream_findings(model: DataModel, ev: Evaluation) -> list[Finding]:
    """Readers per shard (L105), lag at the peak (L106), records lost (L107), non-idempotent consumer writes (R104),
    Kinesis order (R105) and consumer write loops (C110), from Evaluation.streams (engine.streams)."""
    out: list[Finding] = []
    tables = {t.name: (i, t) for i, t in enumerate(model.tables)}
    for stream in ev.streams:
        i, table = tables[stream.table]
        readers = [c for c in table.stream_consumers if c.kind != "kinesis"]
        if stream.readers_per_shard > stream.max_readers_per_shard:
            note = " (one is recommended for a global table)" if table.global_table is not None else ""
            out.append(rule("DDB-L105").finding(
                f"tables[{i}].stream_consumers", table=table.name, readers=stream.readers_per_shard,
                names=", ".join(c.name for c in readers), limit=stream.max_readers_per_shard, global_note=note))
        for consumer, ce in zip(table.stream_consumers, stream.consumers, strict=True):
            out += _lag_findings(table, consumer, ce.flow)
            if consumer.kind == "kinesis" and consumer.needs_order:
                out.append(rule("DDB-R105").finding(ce.path, consumer=consumer.name, table=table.name))
            for write in ce.writes:
                alt = write.idempotent_alternative
                if alt is None:
                    continue
                out.append(rule("DDB-R104").finding(
                    write.path, consumer=consumer.name, kind=consumer.kind, table=table.name,
                    target=write.target_table, rate=write.requests_per_second, units=alt.write_units_per_record,
                    alt_units=alt.alternative_write_units_per_record, extra_usd=alt.extra_monthly_usd))
    looping = [s.table for s in ev.streams if s.records.in_feedback_loop]
    if looping:
        first = tables[looping[0]][0]
        out.append(rule("DDB-C110").finding(f"tables[{first}].stream_consumers", tables=", ".join(looping)))
    return out


def _lag_fixes(consumer: StreamConsumer, flow: ConsumerFlow, rate: float) -> str:
    """How to get `rate` records/s per shard through: the knobs of the consumer's kind, with the numbers."""
    throughput = flow.throughput_records_per_second_per_shard
    ratio = rate / throughput if throughput else math.inf
    if consumer.kind in ("lambda", "pipes"):
        factor = math.ceil(consumer.parallelization_factor * ratio - 1e-9)
        steps = []
        if factor <= 10:
            steps.append(f"raise parallelization_factor from {consumer.parallelization_factor} to {factor}")
        batch = math.ceil(consumer.batch_size * ratio - 1e-9)
        if batch <= 10_000:
            steps.append(f"raise batch_size from {consumer.batch_size} to {batch} (if a batch's duration does not "
                         "grow with it)")
        steps.append(f"shorten the {avg_text(consumer.avg_duration_ms)} per batch")
        return ("; ".join(steps) + f", so that each shard gets through at least {amount_text(rate)} records/s "
                "(it gets through " + f"{amount_text(throughput)} now)")
    if consumer.kind == "other":
        polls = consumer.polls_per_second_per_shard * ratio
        return (f"poll each shard more often (polls_per_second_per_shard {amount_text(polls)} instead of "
                f"{amount_text(consumer.polls_per_second_per_shard)}) or read with a Lambda trigger")
    return "read the stream with a faster consumer"


def avg_text(ms: float) -> str:
    return f"{ms:,.0f} ms" if ms >= 1 else f"{ms:.2g} ms"


def _lag_findings(table: Table, consumer: StreamConsumer, flow: ConsumerFlow) -> list[Finding]:
    if flow.throughput_records_per_second_per_shard is None:
        return []
    if not flow.average.keeps_up:
        lost = flow.average.lost_records_per_second * flow.shards * 86400
        return [rule("DDB-L107").finding(
            flow.path, consumer=consumer.name, table=table.name,
            throughput=flow.throughput_records_per_second_per_shard, rate=flow.records_per_second_per_shard,
            growth=flow.average.lag_growth_seconds_per_second, hours=flow.average.hours_until_loss,
            lost_per_day=lost, fixes=_lag_fixes(consumer, flow, flow.records_per_second_per_shard))]
    age = flow.spike_max_iterator_age_seconds or 0.0
    if age <= STREAM_LAG_WARNING_SECONDS:
        return []
    if flow.peak.keeps_up:
        why = f"it waits up to {duration_text(flow.wait_seconds)} to fill a batch"
        fixes = "shorten the batching window (batching_window_seconds) so records are read sooner"
    else:
        why = (f"it gets through about {amount_text(flow.throughput_records_per_second_per_shard)} records/s per "
               "shard, so records wait until the peak has passed and the backlog drains")
        fixes = _lag_fixes(consumer, flow, flow.peak_records_per_second_per_shard)
    return [rule("DDB-L106").finding(
        flow.path, consumer=consumer.name, table=table.name, peak=flow.peak_records_per_second_per_shard,
        shards=flow.shards, age=duration_text(age), age_seconds=age,
        threshold=duration_text(STREAM_LAG_WARNING_SECONDS), why=why, fixes=fixes)]


__all__ = ["evaluation_findings"]
