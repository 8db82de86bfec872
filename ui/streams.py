"""The Streams section of the Capacity & cost page (issue 16) and the lag chart of the Partitions page: each table's
stream (records, shards as an assumption, readers per shard) and each consumer (whether it keeps up and why, its
iterator age steady and through a peak, its cost by kind with the usage behind it, its writes with their access
pattern rows), all figures from the evaluation (engine.streams, engine.cost.streams); the stream findings next to
what they are about."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

from engine import charts
from engine.cost.streams import STREAM_COST_KINDS
from engine.model import edits
from ui import cache
from ui import findings as findings_ui
from ui import format as fmt
from ui.editors.base import W, apply, mirrored, show_problems

VIEW_LABELS = {"KEYS_ONLY": "keys only", "NEW_IMAGE": "new images", "OLD_IMAGE": "old images",
               "NEW_AND_OLD_IMAGES": "new and old images"}
KIND_TITLES = {"lambda": "Lambda", "pipes": "EventBridge Pipes", "kinesis": "Kinesis Data Streams", "other": "Custom reader"}
SHARD_DRIVERS = {
    "storage": "its storage (one partition per 10 GB)",
    "throughput": "its throughput (provisioned capacity, or its own peak load at 3,000 RCU / 1,000 WCU per partition)",
    "warm_throughput": "on-demand warm throughput (a new on-demand table starts with 4 partitions)",
    "on_demand_peak": "its previous on-demand peak (twice the peak it served)",
}
RECORDS = "records/s"
IDEMPOTENT_EXTRA = "+$/month if made idempotent"
WRITE_COLUMNS = {
    "write (its access-pattern row)": st.column_config.TextColumn(
        help="The name of its row in the access-pattern table above: <table>.<consumer>: <operation> <target>"),
    "req/s": st.column_config.NumberColumn(help="Writes per second at the average record rate", format="%g"),
    "peak req/s": st.column_config.NumberColumn(help="Writes per second at the peak record rate", format="%g"),
    "WCU/write": st.column_config.NumberColumn(help="Write units per write, index writes included", format="%g"),
    "$/month": st.column_config.NumberColumn(help="The write's share of its target table's bill (the same figure as "
                                             "its row in the access-pattern table)", format="$%.2f"),
    IDEMPOTENT_EXTRA: st.column_config.NumberColumn(
        help="What making an unconditional update idempotent would add: a transaction putting an idempotency marker "
             "(1 KB) and updating the item (engine.cost.streams); empty for a write that already is", format="$%.2f"),
}
KIND_COST_NAMES = {"stream reads": "stream reads", "change data capture": "change data capture", "kinesis": "Kinesis",
                   "lambda": "Lambda", "pipes": "EventBridge Pipes"}


def consumers_usd(cost_by_kind: dict[str, float]) -> float:
    """What the stream consumers cost per month (the five stream kinds of Evaluation.cost_by_kind)."""
    return sum(cost_by_kind.get(kind, 0.0) for kind in STREAM_COST_KINDS)


def has_consumers(ev: Any) -> bool:
    return any(s.consumers for s in ev.streams)


def shown_findings(ev: Any, findings: Sequence[Any]) -> list[Any]:
    """The stream findings the Streams section shows next to their stream or consumer (the page's findings list
    leaves them out)."""
    if not ev.streams:
        return []
    return [f for f in findings if f.rule_id in findings_ui.STREAM_RULES]


# ----------------------------------------------------------------------------- the Capacity page's section


def streams_section(model: Any, ev: Any, findings: Sequence[Any]) -> None:
    """Every table with a stream: its records, shards, readers and consumers."""
    if not ev.streams:
        return
    st.subheader("Streams")
    st.caption("Each table with a DynamoDB stream: the records it carries, its shards and readers, and for each "
               "consumer whether it keeps up, its lag (iterator age: the age of the oldest record it has not read "
               "yet; records older than 24 hours are lost), what it costs and the writes it makes. The Partitions "
               "page draws the lag through its traffic scenario. Consumers are edited on the Design page.")
    open_findings, _ = findings_ui.split_accepted(model, shown_findings(ev, findings))
    positions = {t.name: i for i, t in enumerate(model.tables)}
    for stream in ev.streams:
        with st.container(border=True):
            _stream_summary(stream)
            here = f"tables[{positions[stream.table]}].stream_consumers"
            _findings_at(open_findings, lambda path, here=here: path == here)
            if not stream.consumers:
                st.caption("No consumers yet: add a Lambda trigger, a pipe, a Kinesis data stream or a custom reader "
                           "under this table on the Design page.")
            for consumer in stream.consumers:
                st.divider()
                _consumer(model, ev, stream, consumer, open_findings)


def _stream_summary(stream: Any) -> None:
    records = stream.records
    st.markdown(f"**Stream of table {fmt.text(stream.table, code=True)}** · "
                f"{VIEW_LABELS.get(stream.view_type, fmt.text(stream.view_type))} · "
                f"{fmt.count(len(stream.consumers), 'consumer')} · consumers cost {fmt.usd(stream.monthly_usd)}")
    row = st.container(horizontal=True, gap="large")
    row.metric("Records (average)", fmt.units(records.records_per_second, RECORDS), width="content",
               help="One stream record per item change: the design's writes, TTL deletions and consumer writes.")
    row.metric("Records at the peak", fmt.units(records.peak_records_per_second, RECORDS), width="content",
               help="The patterns' peaks taken to coincide (as for table loads).")
    row.metric("Shards (assumed)", fmt.count(stream.shards, "shard"), width="content",
               help="An assumption: AWS creates and splits stream shards itself and publishes no count.")
    row.metric("Readers per shard", f"{stream.readers_per_shard} of {stream.max_readers_per_shard}", width="content",
               help="Lambda triggers, pipes and custom readers each read every shard; at most 2 should, 1 for a "
                    "global table (Kinesis Data Streams for DynamoDB does not read the stream).")
    others = ", ".join(f"{SHARD_DRIVERS.get(k, k).split(' (')[0]} alone would make {fmt.count(v, 'shard')}"
                       for k, v in stream.shards_by_driver.items() if k != stream.shard_driver)
    sources = [f"{fmt.units(records.records_from_patterns_per_second, RECORDS)} from access patterns"]
    if records.records_from_ttl_per_second:
        sources.append(f"{fmt.units(records.records_from_ttl_per_second, RECORDS)} from TTL deletions")
    if records.records_from_consumers_per_second:
        sources.append(f"{fmt.units(records.records_from_consumers_per_second, RECORDS)} from stream consumers' "
                       "writes")
    st.caption(f"Records: {', '.join(sources)}; {fmt.size(records.stream_record_bytes)} per record on average "
               f"({VIEW_LABELS.get(stream.view_type, '')}). **Shards are an assumption**: AWS does not publish how "
               "many a stream has; the workbench takes one per partition of the table and spreads the records "
               f"evenly over them: {fmt.count(stream.shards, 'shard')} here, set by "
               f"{SHARD_DRIVERS.get(stream.shard_driver, stream.shard_driver)}"
               + (f"; {others}" if others else "") + ".")
    if records.in_feedback_loop:
        st.error("**Consumer writes feed this stream back without end**: one round is counted (finding DDB-C110).",
                 icon=":material/error:")


def _findings_at(findings: Sequence[Any], where: Any) -> None:
    for f in findings:
        if where(f.path):
            st.markdown(findings_ui.markdown(f))


def _design_consumer(model: Any, table: str, name: str) -> Any:
    return next(c for c in model.table(table).stream_consumers if c.name == name)


def _consumer(model: Any, ev: Any, stream: Any, consumer: Any, open_findings: Sequence[Any]) -> None:
    flow = consumer.flow
    st.markdown(f"**{KIND_TITLES.get(consumer.kind, consumer.kind)} {fmt.text(consumer.name, code=True)}** · "
                f"{fmt.percent(flow.delivered_records_per_second / flow.records_per_second if flow.records_per_second else 0, 0)}"
                f" of the records pass its filter · {fmt.usd(consumer.monthly_usd)}")
    _verdict(consumer, _design_consumer(model, stream.table, consumer.name))
    _flow_metrics(consumer)
    st.caption(_cost_text(consumer))
    if consumer.writes:
        _writes(ev, stream, consumer)
    _findings_at(open_findings, lambda path: path == consumer.path or path.startswith(consumer.path + "."))


def _verdict(consumer: Any, design: Any) -> None:
    """Keeps up / falls behind at the peak / falls behind, with the figures that say why (`design`: the design's
    consumer, for a Kinesis stream's provisioned shards)."""
    flow = consumer.flow
    through = flow.throughput_records_per_second_per_shard
    if through is None:
        needed = flow.kinesis_shards_needed
        st.info(f"**Fed by DynamoDB, not a reader of the stream.** Kinesis Data Streams for DynamoDB receives every "
                f"change ({fmt.units(flow.records_per_second, RECORDS)} on average, "
                f"{fmt.units(flow.peak_records_per_second, RECORDS)} at the peak); the peak needs "
                f"{fmt.count(needed or 0, 'Kinesis shard')} (1,000 records/s or 1 MB/s each)"
                + (f", the design provisions {fmt.count(design.shards, 'shard')}"
                   if getattr(design, "shards", None) else "")
                + ". Its delivery lag and the applications reading the Kinesis stream are not modelled.",
                icon=":material/info:")
        return
    avg, peak = flow.records_per_second_per_shard, flow.peak_records_per_second_per_shard
    arriving = (f"{fmt.units(avg, RECORDS)} per shard arrive on average, {fmt.units(peak, RECORDS)} at the peak; it "
                f"gets through {fmt.units(through, RECORDS)} per shard")
    if not flow.average.keeps_up:
        st.error(f"**Falls behind: records lost after {fmt.duration(flow.average.hours_until_loss * 3600)}.** "
                 f"{arriving}, so its iterator age grows {flow.average.lag_growth_seconds_per_second:.2f} s every "
                 "second until it passes the stream's 24-hour retention; from then on "
                 f"{fmt.units(flow.average.lost_records_per_second, RECORDS)} per shard are trimmed unread.",
                 icon=":material/error:")
    elif not flow.peak.keeps_up:
        lost = (f", and {fmt.count(flow.spike_lost_records, 'record')} per shard are lost past the 24-hour retention"
                if flow.spike_lost_records else "")
        st.warning(f"**Keeps up on average, falls behind at the peak.** {arriving} "
                   f"({fmt.percent(flow.average.utilization, 0)} busy on average, "
                   f"{fmt.percent(flow.peak.utilization, 0)} at the peak). If the peak lasts 5 minutes, records wait "
                   f"up to {fmt.duration(flow.spike_max_iterator_age_seconds or 0)} (iterator age) before the backlog "
                   f"drains{lost}.",
                   icon=":material/warning:")
    else:
        st.success(f"**Keeps up, even at the peak.** {arriving} ({fmt.percent(flow.peak.utilization, 0)} busy at "
                   f"the peak); records wait about {fmt.duration(flow.wait_seconds)} for their batch.",
                   icon=":material/check_circle:")


def _flow_metrics(consumer: Any) -> None:
    flow = consumer.flow
    if flow.throughput_records_per_second_per_shard is None:
        return
    row = st.container(horizontal=True, gap="medium")
    row.metric("Gets through per shard", fmt.units(flow.throughput_records_per_second_per_shard, RECORDS),
               width="content", help="Stream records per second one shard's consumer processes at most (Lambda, "
                                     "Pipes: parallelization factor x batch size / duration, over the filter share; "
                                     "a custom reader: polls x records per GetRecords call).")
    row.metric("Arriving per shard (average)", fmt.units(flow.records_per_second_per_shard, RECORDS), width="content",
               help=f"Average; {fmt.units(flow.peak_records_per_second_per_shard, RECORDS)} at the peak.")
    if flow.concurrency is not None:
        row.metric("Concurrency", fmt.count(flow.concurrency, "batch"), width="content",
                   help="Batches at once: shards x parallelization factor.")
    if flow.records_per_batch is not None:
        row.metric("Per invocation", fmt.units(flow.records_per_batch, "records"), width="content",
                   help=f"{fmt.units(flow.invocations_per_second, 'invocations/s')} on all shards at the average "
                        "rate.")
    steady = flow.average.iterator_age_seconds
    row.metric("Iterator age (steady)", fmt.duration(steady) if steady is not None else "grows", width="content",
               help="The age of the oldest unread record at the average rate: the wait for a batch when it keeps "
                    "up.")
    if flow.spike_max_iterator_age_seconds is not None:
        row.metric("Lag through a 5-minute peak", fmt.duration(flow.spike_max_iterator_age_seconds), width="content",
                   help="The largest iterator age when the peak rate lasts 5 minutes, before the backlog drains.")
    if flow.average.hours_until_loss is not None:
        row.metric("Records lost after", fmt.duration(flow.average.hours_until_loss * 3600), width="content",
                   help="When the lag passes the 24-hour retention at the average rate.")


def _cost_text(consumer: Any) -> str:
    """What the consumer costs by kind, with the monthly usage behind each amount."""
    c, kind = consumer.cost, consumer.kind
    parts = [f"{KIND_COST_NAMES.get(name, name)} {fmt.usd(usd)}" for name, usd in c.monthly_usd_by_kind.items()
             if usd > 0]
    usage = []
    if kind == "lambda":
        usage.append(f"{fmt.compact_count(c.lambda_requests_per_month, 'request')} and "
                     f"{fmt.compact_count(c.lambda_gb_seconds_per_month, 'GB-second')} of Lambda a month; "
                     f"{fmt.compact_count(c.stream_read_requests_per_month, 'GetRecords call')} a month, free for a "
                     "Lambda trigger")
    elif kind == "pipes":
        usage.append(f"{fmt.compact_count(c.pipes_requests_per_month, 'Pipes request')} a month (after filtering); "
                     f"{fmt.compact_count(c.stream_read_requests_per_month, 'GetRecords call')} a month, "
                     f"{fmt.compact_count(c.billed_stream_read_requests_per_month, 'billed stream read')}")
    elif kind == "other":
        usage.append(f"{fmt.compact_count(c.stream_read_requests_per_month, 'GetRecords call')} a month, "
                     f"{fmt.compact_count(c.billed_stream_read_requests_per_month, 'billed stream read')}")
    else:
        usage.append(f"{fmt.compact_count(c.change_data_capture_units_per_month, 'change data capture unit')} a month")
        if c.kinesis_shard_hours_per_month:
            usage.append(f"{fmt.compact_count(c.kinesis_shard_hours_per_month, 'shard-hour')}, "
                         f"{fmt.compact_count(c.kinesis_put_payload_units_per_month, 'PUT payload unit')}")
        else:
            usage.append(f"{fmt.compact_count(c.kinesis_stream_hours_per_month, 'stream-hour')}, "
                         f"{c.kinesis_data_in_gb_per_month:,.1f} GB written and {c.kinesis_data_out_gb_per_month:,.1f} "
                         "GB read")
    text = f"Cost: {', '.join(parts) or fmt.usd(0)} ({'; '.join(usage)})."
    if c.free_tier_usd:
        text += f" The free tier takes {fmt.usd(c.free_tier_usd)} off."
    if c.unpriced:
        text += f" Not priced by this catalog (left at $0): {', '.join(c.unpriced)}."
    return text


# ----------------------------------------------------------------------------- writes and their idempotence


def _writes(ev: Any, stream: Any, consumer: Any) -> None:
    """The consumer's writes, each a row of the access-pattern table above, and whether each is idempotent."""
    rows = []
    for w in consumer.writes:
        p = ev.pattern(w.pattern)
        alt = w.idempotent_alternative
        rows.append({"write (its access-pattern row)": w.pattern, "req/s": round(w.requests_per_second, 3),
                     "peak req/s": round(w.peak_requests_per_second, 3),
                     "WCU/write": round(p.write_units_per_request, 3), "$/month": p.monthly_usd,
                     "idempotent": "yes" if w.idempotent else "no",
                     IDEMPOTENT_EXTRA: alt.extra_monthly_usd if alt is not None else None})
    st.dataframe(rows, hide_index=True, width="stretch", column_config=WRITE_COLUMNS,
                 key=f"table.streamwrites.{stream.table}.{consumer.name}")
    for k, w in enumerate(consumer.writes):
        _idempotent_toggle(stream.table, consumer.name, k, w)


def _idempotent_toggle(table: str, consumer: str, k: int, write: Any) -> None:
    """Declare a write idempotent or not (changes the design, like the rate boxes above)."""
    key = mirrored(f"{W}idempotent.{table}.{consumer}.{k}", bool(write.idempotent))
    alt = write.idempotent_alternative
    label = f"{write.operation} {fmt.text(write.target_table)} is idempotent: a retried batch does not apply it twice"
    if alt is not None:
        label += (f" (with an idempotency marker: {fmt.units(alt.alternative_write_units_per_record, 'WCU')} per "
                  f"write instead of {fmt.units(alt.write_units_per_record, 'WCU')}, {fmt.usd(alt.extra_monthly_usd)}"
                  " more)")
    st.toggle(label, key=key, on_change=_idempotent_changed, args=(table, consumer, k, key),
              help="Lambda and Pipes deliver records at least once: a retried batch runs its writes again, so an "
                   "unconditional ADD to a counter counts twice (finding DDB-R104). Switch this on once the write is "
                   "idempotent (a Put of the whole item, an update conditioned on the record's sequence number, or "
                   "guarded by an idempotency marker in a transaction). The workbench keeps pricing the write as "
                   "designed: add the marker's units to the design if that is how you make it idempotent.")
    show_problems(f"idempotent.{table}.{consumer}.{k}")


def _idempotent_changed(table: str, consumer: str, k: int, key: str) -> None:
    value = bool(st.session_state[key])

    def mutate(data: dict[str, Any]) -> None:
        writes = edits.consumer_data(data, table, consumer).get("writes", [])
        if not 0 <= k < len(writes):
            raise edits.EditError(f"stream consumer '{consumer}' has no write #{k + 1}; reload the page")
        writes[k]["idempotent"] = value

    apply(f"idempotent.{table}.{consumer}.{k}", mutate,
          f"{consumer}: write #{k + 1} {'idempotent' if value else 'not idempotent'}.", keep=key)


# ----------------------------------------------------------------------------- the Partitions page's lag chart


def lag_chart(lags: Sequence[Any], horizon_seconds: int, description: str, pattern: str | None = None) -> None:
    """Each stream consumer's iterator age through the page's traffic scenario (ui.cache.stream_lags), one chart per
    table."""
    if not lags:
        return
    st.subheader("Stream consumers' lag")
    tables = list(dict.fromkeys(lag.table for lag in lags))
    for table in tables:
        mine = tuple(lag for lag in lags if lag.table == table)
        st.plotly_chart(cache.figure(charts.stream_lag_figure, mine, horizon_seconds), width="stretch",
                        key=f"chart.streamlag.{table}")
        worst = max(mine, key=lambda lag: lag.lag.max_iterator_age_seconds)
        lost = sum(lag.lag.total_lost_records for lag in mine)
        applied = (f"applied to {fmt.text(pattern)} only (the other patterns at their average)" if pattern else
                   "applied to every access pattern")
        st.caption(f"{description}, {applied}, through the stream of {fmt.text(table, code=True)} "
                   f"({fmt.count(worst.shards, 'shard')}, records spread evenly, an assumption). Above: stream "
                   "records arriving per shard and, dashed, what each consumer gets through per shard. Below: each "
                   "consumer's iterator age, the age of the oldest record it has not read; it grows while records "
                   "arrive faster than the consumer reads them and falls as the backlog drains. Largest here: "
                   f"{fmt.duration(worst.lag.max_iterator_age_seconds)} ({fmt.text(worst.consumer)})"
                   + (f"; {fmt.count(lost, 'record')} lost past the 24-hour retention" if lost else "") + ".")
