"""`ddb-workbench analyze-export PATH`: measure a DynamoDB export to S3 (copied to disk) and calibrate a design."""

from __future__ import annotations

import argparse
import sys

HELP = ("measure a DynamoDB table export to S3 copied to a folder (manifests checked): exact item sizes per entity, "
        "key cardinality and skew, item collections, attribute presence, largest items, hot keys; with --design, "
        "the design's entities calibrated from it")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from engine.commands import int_between

    parser.add_argument("path", metavar="PATH", help="the export folder: the one holding manifest-summary.json, "
                                                     "manifest-files.json and data/")
    parser.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb",
                        help="duckdb (embedded, the default) or spark (pip install 'ddb-workbench[evidence-spark]', "
                             "Java 17+)")
    parser.add_argument("--design", metavar="MODEL", default=None,
                        help="a design (file or sample name): its table's keys and indexes are used, its entities "
                             "recognised by their key templates, and the changes measuring the export makes to them "
                             "are shown first")
    parser.add_argument("--table", metavar="NAME", default=None,
                        help="the design table the export is of (default: the table its ARN names, or the only one)")
    parser.add_argument("--describe", metavar="FILE", default=None,
                        help="`aws dynamodb describe-table` output naming the key schema and indexes (without "
                             "--design)")
    parser.add_argument("--json", action="store_true",
                        help="print the measured facts as JSON (deterministic; timings and engine details go to "
                             "stderr); with --design also the changes")
    parser.add_argument("--apply", action="store_true", help="write the calibrated design to -o FILE (needs --design)")
    parser.add_argument("-o", "--output", metavar="FILE", default=None,
                        help="where --apply writes the calibrated design (.json for JSON, else YAML); never the "
                             "--design file itself")
    parser.add_argument("--memory-limit", default="1GB", metavar="SIZE",
                        help="memory the engine may hold before spilling to disk (DuckDB memory_limit, Spark driver "
                             "memory; default 1GB)")
    parser.add_argument("--threads", type=int_between(1, 256), default=None, metavar="N",
                        help="DuckDB threads (default: every core)")
    parser.add_argument("--spark-master", metavar="URL", default=None,
                        help="Spark master URL, e.g. spark://host:7077 (default local[*])")


def _usage_problem(args: argparse.Namespace) -> str | None:
    from pathlib import Path

    if args.apply and not args.design:
        return "--apply needs --design (the design to calibrate)"
    if args.apply and not args.output:
        return "--apply needs -o FILE (the calibrated design is never written over the input)"
    if args.output and not args.apply:
        return "-o is where --apply writes the calibrated design; add --apply"
    if args.output and args.design and Path(args.output).resolve() == Path(args.design).resolve():
        return f"-o {args.output} is the --design file itself; write the calibrated design to another file"
    if args.describe and args.design:
        return "give --design or --describe, not both (a design names its keys and indexes)"
    if args.spark_master and args.engine != "spark":
        return "--spark-master needs --engine spark"
    return None


def run(args: argparse.Namespace) -> int:
    from engine.commands import load_model_arg, print_json, write_output
    from engine.evidence.export import AnalyzeOptions, analyze_export
    from engine.io import dump_model, format_of

    problem = _usage_problem(args)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    design = load_model_arg(args.design) if args.design else None
    describe = _describe_table(args.describe) if args.describe else None
    options = AnalyzeOptions(engine=args.engine, design=design, table=args.table, describe=describe,
                             memory_limit=args.memory_limit, threads=args.threads, spark_master=args.spark_master,
                             progress=lambda text: print(text, file=sys.stderr))
    analysis = analyze_export(args.path, options)
    calibration = None
    if design is not None:
        from engine.evidence.export_calibrate import calibrate_from_export

        calibration = calibrate_from_export(design, analysis, analysis.table)
    if args.apply and calibration is not None:  # only now: every check and the whole analysis succeeded
        write_output(args.output, dump_model(calibration.model, format_of(args.output)), "-o")
    if args.json:
        payload = analysis.as_dict()
        if calibration is not None:
            payload["calibration"] = calibration.as_dict()
        print_json(payload)
    else:
        if calibration is not None:
            _print_calibration(calibration, args.design)
        _print_analysis(analysis)
    run = analysis.run
    if run is not None:
        times = ", ".join(f"{k} {v:.1f} s" for k, v in run.seconds.items())
        print(f"{run.details}; {times}; peak RSS {run.peak_rss_bytes / 2**20:,.0f} MiB", file=sys.stderr)
    if args.apply and calibration is not None:
        print(f"wrote the calibrated design to {args.output} ({len(calibration.changes)} change(s))", file=sys.stderr)
    return 0


def _describe_table(path: str):
    from engine.evidence.export_files import ExportError
    from engine.interop import import_file

    model = import_file(path, "describe-table").model
    if len(model.tables) != 1:
        raise ExportError(f"--describe {path}: lists {len(model.tables)} tables; pass the output for the exported "
                          "table only")
    return model.tables[0]


def _print_calibration(calibration, design: str) -> None:  # noqa: ANN001 - ExportCalibration
    print(f"Changes to {design} from the export ({len(calibration.changes)}):")
    for change in calibration.changes:
        print(f"  ~ {change.text()}")
    for check in calibration.size_checks:
        print(f"  mean item size of {check.entity}: design {check.design_before:,.1f} B, measured "
              f"{check.measured:,.1f} B, calibrated design {check.design_after:,.1f} B")
    for note in calibration.notes:
        print(f"  - {note}")
    print()


def _print_analysis(a) -> None:  # noqa: ANN001 - ExportAnalysis
    from engine.units import percent, size

    e = a.export
    print(f"Export of {a.table} ({e['output_format']}, {e['data_files']} files, {size(e['compressed_bytes'])} gzip): "
          f"{a.items:,} items; checksums verified ({a.verification['md5_checked']} MD5, "
          f"{a.verification['etags_checked']} ETag), item counts match the manifest")
    if a.sizes:
        s = a.sizes
        print(f"Item sizes: mean {s.mean_bytes:,.1f} B, p50 {s.p50_bytes:,} B, p90 {s.p90_bytes:,} B, "
              f"p99 {s.p99_bytes:,} B, max {s.max_bytes:,} B; total {size(s.total_bytes)}")
    print("\nEntities:")
    for ent in a.entities:
        s = ent.sizes
        print(f"  {ent.name} ({ent.recognised_by}): {ent.items:,} items ({percent(ent.share)}), size mean "
              f"{s.mean_bytes:,.1f} B, p50 {s.p50_bytes:,}, p99 {s.p99_bytes:,}, max {s.max_bytes:,} B")
        for attr_name, template in ent.key_templates.items():
            print(f"      {attr_name} = {template}")
        if ent.partition_keys:
            p = ent.partition_keys
            skew = f"Zipf {ent.zipf_exponent}" if ent.zipf_exponent else "no skew fitted"
            print(f"      partition keys: {p.distinct:,} distinct, items per key mean {p.mean_items:,.1f}, max "
                  f"{p.max_items:,} ({skew})")
        attrs = ", ".join(f"{x.name} {percent(x.presence, 0)} {x.value_bytes_mean:,.0f} B" for x in ent.attributes)
        print(f"      attributes: {attrs}")
    if a.keys:
        print("\nKeys:")
        for k in a.keys:
            p = k.spread
            print(f"  {k.role} {k.attribute}: {p.distinct:,} distinct values over {p.items:,} items; items per value "
                  f"p50 {p.p50_items:,}, p99 {p.p99_items:,}, max {p.max_items:,} ({percent(p.top_share)} of items); "
                  f"top 1% of values hold {percent(p.top_1pct_share)}; Gini {p.gini:.3f}")
    c = a.item_collections
    if c:
        limit = (f"; {c.over_limit:,} over the 10 GB LSI limit" if c.limit_bytes else "; no LSI, so no size limit")
        print(f"\nItem collections ({c.partition_key}): {c.collections:,}; bytes p50 {size(c.p50_bytes)}, p99 "
              f"{size(c.p99_bytes)}, max {size(c.max_bytes)} (storage {size(c.max_storage_bytes)}){limit}")
    if a.hot_key_candidates:
        print("\nHot-key candidates:")
        for h in a.hot_key_candidates[:10]:
            where = f"GSI {h.index}" if h.index else "table"
            print(f"  {where} {h.attribute}={h.value}: {h.items:,} items ({percent(h.items_share)}), "
                  f"{size(h.bytes)} ({percent(h.bytes_share)})")
    if a.largest_items:
        print("\nLargest items:")
        for it in a.largest_items[:5]:
            print(f"  {it.size_bytes:,} B  {it.entity}  {it.partition_key} / {it.sort_key}  ({it.file})")
    for note in a.notes:
        print(f"note: {note}")
