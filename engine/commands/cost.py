"""`ddb-workbench cost MODEL`: capacity units and monthly cost per access pattern and table."""

from __future__ import annotations

import argparse
import math
import sys

HELP = "monthly cost of a design: units and USD per access pattern, throughput/storage/replication per table"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from engine.commands import add_json_flag, add_model_argument, positive_float

    add_model_argument(parser)
    parser.add_argument("--catalog", metavar="ID", default=None,
                        help="price catalog id (aws-2024-11, aws-2023, custom) or a .json catalog file; "
                             "overrides the design's")
    parser.add_argument("--price", action="append", default=[], metavar="FIELD=USD",
                        help="edit one catalog price (repeatable), e.g. on_demand_write_usd_per_million=0.5; "
                             "makes a `custom` catalog derived from the chosen one")
    parser.add_argument("--free-tier", action="store_true", help="deduct the free tier from table and total figures")
    parser.add_argument("--hours-per-month", type=positive_float, default=None, metavar="H",
                        help="hours per month for hourly prices (default: the design's, else 730)")
    add_json_flag(parser)


def cost_payload(evaluation) -> dict:
    """The JSON payload of `cost` (the issue's required keys plus a few more)."""
    cat = evaluation.catalog
    return {
        "catalog": {"id": cat.id, "name": cat.name, "date": cat.date, "region": cat.region,
                    "hours_per_month": cat.hours_per_month, "sources": list(cat.sources),
                    "not_modelled": list(cat.not_modelled)},
        "assumptions": list(evaluation.assumptions),
        "free_tier": evaluation.free_tier,
        "total_monthly_usd": evaluation.total_monthly_usd,
        "cost_by_kind_monthly_usd": evaluation.cost_by_kind(),
        "access_patterns": [{
            "name": p.name, "operation": p.operation, "table": p.table, "index": p.index,
            "consistency": p.consistency,
            "read_units_per_request": p.read_units_per_request,
            "write_units_per_request": p.write_units_per_request,
            "index_write_units_per_request": p.index_write_units_per_request,
            "requests_per_second": p.requests_per_second,
            "monthly_usd": p.monthly_usd,
            "replication_monthly_usd": p.replication_monthly_usd,
            "cost_by_table": p.cost_by_table,
            "demand_monthly_usd": p.demand_monthly_usd,
            "demand_replication_monthly_usd": p.demand_replication_monthly_usd,
            "monthly_usd_per_request_per_second": p.monthly_usd_per_request_per_second,
            "cost_basis": p.cost_basis,
            "derived_from": p.derived_from,
        } for p in evaluation.patterns],
        "tables": [{
            "name": t.name, "billing_mode": t.billing_mode, "table_class": t.table_class,
            "throughput_monthly_usd": t.throughput_monthly_usd, "storage_monthly_usd": t.storage_monthly_usd,
            "replication_monthly_usd": t.replication_monthly_usd, "monthly_usd": t.monthly_usd,
            "idle_capacity_monthly_usd": t.idle_capacity_monthly_usd, "free_tier_usd": t.free_tier_usd,
            "stream_monthly_usd": t.stream_monthly_usd,
            "storage_bytes": t.storage_bytes, "index_storage_bytes": t.index_storage_bytes,
            "billing_recommended": t.billing.recommended,
            "billing_options_monthly_usd": {"on_demand": t.billing.on_demand_monthly_usd,
                                            "provisioned": t.billing.provisioned_monthly_usd,
                                            "provisioned_for_peak": t.billing.provisioned_for_peak_monthly_usd,
                                            "reserved": t.billing.reserved_monthly_usd},
            "table_class_recommended": t.table_class_comparison.recommended,
            "table_class_options_monthly_usd": {
                "STANDARD": t.table_class_comparison.standard_monthly_usd,
                "STANDARD_INFREQUENT_ACCESS": t.table_class_comparison.standard_ia_monthly_usd},
        } for t in evaluation.tables],
        "streams": [_stream_payload(s) for s in evaluation.streams],
        "screens": [{"name": s.name, "requests_per_view": s.requests_per_view,
                     "read_units_per_view": s.read_units_per_view, "write_units_per_view": s.write_units_per_view,
                     "usd_per_million_views": s.usd_per_million_views} for s in evaluation.screens],
        "findings": [{"rule_id": f.rule_id, "severity": f.severity, "path": f.path, "message": f.message,
                      "fix": f.fix} for f in evaluation.findings],
    }


def _stream_payload(stream) -> dict:
    """A table's stream in `cost --json`: records, shards, readers and each consumer's flow, cost and writes."""
    from dataclasses import asdict

    records = stream.records
    return {
        "table": stream.table, "view_type": stream.view_type, "records_per_second": records.records_per_second,
        "peak_records_per_second": records.peak_records_per_second, "shards": stream.shards,
        "shard_driver": stream.shard_driver, "readers_per_shard": stream.readers_per_shard,
        "max_readers_per_shard": stream.max_readers_per_shard, "monthly_usd": stream.monthly_usd,
        "consumers": [{
            "name": c.name, "kind": c.kind, "path": c.path, "monthly_usd": c.monthly_usd,
            "cost_by_kind_monthly_usd": dict(c.cost.monthly_usd_by_kind), "free_tier_usd": c.cost.free_tier_usd,
            "unpriced": list(c.cost.unpriced),
            "usage_per_month": {k: v for k, v in asdict(c.cost).items()
                                if k.endswith("_per_month")},
            "throughput_records_per_second_per_shard": c.flow.throughput_records_per_second_per_shard,
            "records_per_second_per_shard": c.flow.records_per_second_per_shard,
            "peak_records_per_second_per_shard": c.flow.peak_records_per_second_per_shard,
            "concurrency": c.flow.concurrency,
            "keeps_up_at_average": c.flow.average.keeps_up, "keeps_up_at_peak": c.flow.peak.keeps_up,
            "spike_max_iterator_age_seconds": c.flow.spike_max_iterator_age_seconds,
            "hours_until_loss": c.flow.average.hours_until_loss,
            "writes": [{"pattern": w.pattern, "path": w.path, "target_table": w.target_table,
                        "operation": w.operation, "idempotent": w.idempotent,
                        "requests_per_second": w.requests_per_second,
                        "idempotent_alternative_extra_monthly_usd":
                            None if w.idempotent_alternative is None else w.idempotent_alternative.extra_monthly_usd}
                       for w in c.writes],
        } for c in stream.consumers],
    }


def _print_table(evaluation) -> None:
    cat = evaluation.catalog
    print(f"Prices: {cat.name} ({cat.id}, {cat.date}), {cat.hours_per_month:g} h/month")
    width = max([len(p.name) for p in evaluation.patterns] + [14])
    print(f"\n  {'access pattern':<{width}}  {'req/s':>9}  {'RU/req':>9}  {'WU/req':>9}  {'USD/month':>12}")
    for p in evaluation.patterns:
        print(f"  {p.name:<{width}}  {p.requests_per_second:>9.4g}  {p.read_units_per_request:>9.4g}  "
              f"{p.write_units_per_request:>9.4g}  {p.monthly_usd + p.replication_monthly_usd:>12,.2f}")
    print(f"\n  {'table':<{width}}  {'throughput':>12}  {'storage':>12}  {'replication':>12}  {'USD/month':>12}")
    for t in evaluation.tables:
        if t.idle_capacity_monthly_usd > 0:
            print(f"  idle capacity: {t.name} {t.idle_capacity_monthly_usd:,.2f} USD/month (no pattern uses it)")
    for t in evaluation.tables:
        print(f"  {t.name:<{width}}  {t.throughput_monthly_usd:>12,.2f}  {t.storage_monthly_usd:>12,.2f}  "
              f"{t.replication_monthly_usd:>12,.2f}  {t.monthly_usd:>12,.2f}")
    for stream in evaluation.streams:
        for c in stream.consumers:
            print(f"  stream {stream.table} ({stream.shards} shards): {c.kind} consumer {c.name} "
                  f"{c.monthly_usd:,.2f} USD/month (in {stream.table}'s total)")
    for s in evaluation.screens:
        print(f"  screen {s.name}: {s.requests_per_view:g} requests, {s.read_units_per_view:.4g} RU + "
              f"{s.write_units_per_view:.4g} WU per view, {s.usd_per_million_views:,.2f} USD per million views")
    print(f"\n  total: {evaluation.total_monthly_usd:,.2f} USD/month"
          f"{' (free tier deducted)' if evaluation.free_tier else ''}")
    for f in evaluation.findings:
        print(f"  [{f.severity}] {f.rule_id} at {f.path}: {f.message}. Fix: {f.fix}")


def parse_prices(items: list[str]) -> dict[str, float]:
    """--price FIELD=USD pairs as a dict (raises WorkbenchError naming the bad pair)."""
    from engine.errors import PricingError

    prices: dict[str, float] = {}
    for item in items:
        name, sep, value = item.partition("=")
        try:
            prices[name.strip()] = float(value)
        except ValueError:
            sep = ""
        if sep and not math.isfinite(prices[name.strip()]):
            raise PricingError(f"--price {item!r}: {value} is not a finite number of USD; give e.g. 0.25")
        if not sep or not name.strip():
            raise PricingError(f"--price {item!r} is not FIELD=NUMBER; write e.g. on_demand_read_usd_per_million=0.1")
    return prices


def run(args: argparse.Namespace) -> int:
    from engine.commands import load_model_arg, print_json
    from engine.evaluate import EvaluateOptions, evaluate

    model = load_model_arg(args.model)
    evaluation = evaluate(model, EvaluateOptions(catalog_id=args.catalog, free_tier=args.free_tier,
                                                 hours_per_month=args.hours_per_month,
                                                 price_overrides=parse_prices(args.price) or None))
    if args.json:
        print_json(cost_payload(evaluation))
    else:
        _print_table(evaluation)
    if any(f.severity == "error" for f in evaluation.findings):
        print("error: the design has findings of severity error (see above)", file=sys.stderr)
    return 0
