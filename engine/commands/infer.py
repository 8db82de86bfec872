"""`ddb-workbench infer LOG...`: a design from captured traffic (serve --log JSON lines or CloudTrail records)."""

from __future__ import annotations

import argparse
import sys

HELP = ("infer a design from captured requests (`serve --log` JSON lines or CloudTrail data events for DynamoDB): "
        "tables and indexes as seen, access patterns by request shape with observed rates, key skew and item sizes")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from engine.commands import positive_float

    parser.add_argument("logs", metavar="LOG", nargs="+",
                        help="capture files: `ddb-workbench serve --log` output or CloudTrail log files (.json or "
                             ".json.gz, one {\"Records\": [...]} each, or one event per line)")
    parser.add_argument("--window", type=positive_float, default=None, metavar="S",
                        help="the capture's length in seconds (default: from the first to the last request)")
    parser.add_argument("--scale", type=positive_float, default=1.0, metavar="X",
                        help="multiply every observed rate by X to project to production (default 1)")
    parser.add_argument("--name", default=None, help="the design's name (default 'Inferred from captured traffic')")
    parser.add_argument("-o", "--output", metavar="FILE", default=None,
                        help="write the design to FILE (.json for JSON, else YAML; default: YAML on stdout)")
    parser.add_argument("--design", metavar="FILE", default=None,
                        help="apply the observed figures to this design instead (rates, peaks, items per request, "
                             "key distributions of the patterns each request shape matches); the changes are "
                             "printed first, the calibrated design is the output")
    parser.add_argument("--json", action="store_true",
                        help="print {design, patterns (observed figures, key fit, capacity check), notes} as JSON")


def run(args: argparse.Namespace) -> int:
    from engine.commands import print_json, write_output
    from engine.evidence.capture import read_captures
    from engine.evidence.traffic import infer_design
    from engine.io import design_data, dump_model, format_of, to_data

    result = infer_design(read_captures(args.logs), window_seconds=args.window, scale=args.scale, name=args.name,
                          sources=args.logs)
    model = result.model
    calibration = None
    if args.design:
        from engine.commands import load_model_arg
        from engine.evidence.calibrate import calibrate
        from engine.model import parse_model

        calibration = calibrate(to_data(load_model_arg(args.design)), result)
        model = parse_model(calibration.data, source=args.design)
    text = dump_model(model, format_of(args.output) if args.output else "yaml")
    if args.output:
        write_output(args.output, text, "-o")
    if args.json:
        print_json({"design": design_data(model), "window_seconds": result.window_seconds,
                    **({"changes": [vars(c) for c in calibration.changes], "unmatched": list(calibration.unmatched)}
                       if calibration else {}),
                    "scale": result.scale, "requests": result.requests,
                    "patterns": [_pattern_json(p) for p in result.patterns],
                    "recorded_units_per_second": result.recorded_units_per_second,
                    "predicted_units_per_second": result.predicted_units_per_second,
                    "notes": [n.as_dict() for n in result.notes]})
    elif not args.output:
        sys.stdout.write(text)
    if not args.json:
        _report(result, args.output)
        if calibration is not None:
            print(f"applied to {args.design}: {len(calibration.changes)} change(s)", file=sys.stderr)
            for c in calibration.changes:
                print(f"  ~ {c.pattern}: {c.field} {c.before!r} -> {c.after!r}", file=sys.stderr)
            for u in calibration.unmatched:
                print(f"  ? not applied: {u}", file=sys.stderr)
    return 0


def _pattern_json(p) -> dict:  # noqa: ANN001 - engine.evidence.traffic.PatternEvidence
    from dataclasses import asdict

    return asdict(p)


def _report(result, output: str | None) -> None:  # noqa: ANN001 - engine.evidence.traffic.InferResult
    from engine.units import rate

    err = sys.stderr
    print(f"inferred from {result.requests:,} requests over {result.window_seconds:,.1f} s"
          + (f" (rates x {result.scale:g})" if result.scale != 1 else "") + f": {len(result.model.tables)} table(s), "
          f"{len(result.model.entities)} entit(ies), {len(result.patterns)} access pattern(s)"
          + (f"; wrote {output}" if output else ""), file=err)
    for p in result.patterns:
        line = f"  {p.name}: {p.requests:,} requests, {rate(p.requests_per_second)}"
        if p.items_per_request is not None:
            line += f", {p.items_per_request:,.1f} items/request"
        fit = p.key_fit
        if fit is not None:
            line += f", {fit.distinct_keys:,} partition keys"
            if fit.zipf_exponent is not None:
                line += f", Zipf s={fit.zipf_exponent:g} (KS {fit.ks_distance:g} vs {fit.uniform_ks_distance:g} uniform)"
            if fit.hot_keys:
                line += "; hot: " + ", ".join(f"{k} {s:.0%}" for k, s in fit.hot_keys)
        if p.recorded_units_per_second is not None and p.predicted_units_per_second is not None:
            line += (f"; capacity recorded {p.recorded_units_per_second:,.3f} units/s, design predicts "
                     f"{p.predicted_units_per_second:,.3f}")
        print(line, file=err)
    for note in result.notes:
        print(f"  - {note.text()}", file=err)
