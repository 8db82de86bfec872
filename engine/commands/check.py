"""`ddb-workbench check MODEL...`: findings of designs for CI, with exit codes, budget and suppressions.

Exit 0 when every design is valid, within budget and has no finding at or above `--fail-on`
(unsuppressed); 1 otherwise (an unreadable or invalid design prints the messages `validate` gives);
2 only for bad usage. Formats: text, json, sarif (SARIF 2.1.0, every finding whatever `--fail-on`
says, suppressed ones marked as such) and github (workflow annotations). Findings point at the YAML
line of the design element they are about (JSON designs: line 1).
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engine.errors import Problem

HELP = "check designs for CI: findings with rule ids and YAML lines, a budget, suppressions; exit 1 on failure"

FORMATS = ("text", "json", "sarif", "github")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
_GITHUB_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def _rule_id(text: str) -> str:
    from engine.findings import RULES

    if text not in RULES:
        raise argparse.ArgumentTypeError(f"{text!r} is not a known rule id (see docs/rules.md), e.g. DDB-C102")
    return text


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from engine.commands import positive_float

    parser.add_argument("models", metavar="MODEL", nargs="+",
                        help="design file (.yaml/.json), sample design name, or '-' for a design on stdin")
    parser.add_argument("--max-monthly-usd", type=positive_float, default=None, metavar="X",
                        help="fail when a design's total monthly cost is above X USD")
    parser.add_argument("--fail-on", choices=("error", "warning", "info"), default="error",
                        help="fail on findings of this severity or worse (default: error)")
    parser.add_argument("--ignore", type=_rule_id, action="append", default=[], metavar="ID",
                        help="suppress a rule id for every design (repeatable); listed as suppressed")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output on stdout (default: text)")


@dataclass
class DesignCheck:
    """The outcome of checking one design."""

    spec: str
    uri: str
    name: str | None = None
    problems: tuple[str, ...] = ()
    """Why the design could not be read or is invalid (empty when it is valid)."""
    problem_lines: tuple[int, ...] = ()
    """The YAML line of each problem (1 when unknown)."""
    records: tuple[Problem, ...] = ()
    """The validation problems as records (path, message, value, rule, fix; empty when the
    design could not be read at all)."""
    findings: list[tuple[Any, int]] = field(default_factory=list)
    """(finding, line) not suppressed."""
    suppressed: list[tuple[Any, int, str, str]] = field(default_factory=list)
    """(finding, line, reason, where: 'design' or 'command line')."""
    total_monthly_usd: float | None = None
    catalog: str = ""
    over_budget: bool = False

    @property
    def valid(self) -> bool:
        return not self.problems


def _read(spec: str) -> tuple[str, str, str]:
    """(text, format, uri) of MODEL: stdin, a file, or a sample's file."""
    from pathlib import Path

    from engine.io import format_of, read_text, sample_path

    if spec == "-":
        from engine.commands import read_stdin_design

        text, fmt = read_stdin_design()
        return text, fmt, "<stdin>"
    p = Path(spec)
    if not (p.exists() or p.suffix.lower() in (".yaml", ".yml", ".json")):
        p = sample_path(spec)
    return read_text(p), format_of(p), str(p)


_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def path_tuple(path: str) -> tuple[str | int, ...]:
    """'tables[0].gsis[1].billing' -> ('tables', 0, 'gsis', 1, 'billing')."""
    return tuple(int(m.group(2)) if m.group(2) is not None else m.group(1) for m in _PART.finditer(path))


def check_design(spec: str, budget: float | None, ignored: set[str]) -> DesignCheck:
    """Read, validate, evaluate and analyse one design; never raises WorkbenchError."""
    from engine.errors import DesignValidationError, WorkbenchError
    from engine.io import line_locator, loads_model

    result = DesignCheck(spec, spec)
    text = fmt = None
    try:
        text, fmt, uri = _read(spec)
        result.uri = uri
        model = loads_model(text, fmt, source=uri)
    except WorkbenchError as exc:
        locate = line_locator(text, fmt, result.uri) if text is not None and fmt else None
        if isinstance(exc, DesignValidationError):
            result.records, result.problems = exc.records, exc.problems
            result.problem_lines = tuple(r.line or (locate(path_tuple(r.path)) if locate else None) or 1
                                         for r in exc.records)
        else:
            result.problems = (str(exc),)
            result.problem_lines = (_problem_line(str(exc)),)
        return result
    result.name = model.name
    locate = line_locator(text, fmt, uri)
    try:
        findings, evaluation = design_findings(model)
    except WorkbenchError as exc:
        result.problems = (str(exc),)
        return result
    result.total_monthly_usd = evaluation.total_monthly_usd
    result.catalog = f"{evaluation.catalog.id} ({evaluation.catalog.region}, {evaluation.catalog.date})"
    result.over_budget = budget is not None and evaluation.total_monthly_usd > budget
    in_design = {s.id: s.reason for s in model.ignore}
    for f in findings:
        line = (locate(path_tuple(f.path)) if locate else None) or 1
        if f.rule_id in in_design:
            result.suppressed.append((f, line, in_design[f.rule_id], "design"))
        elif f.rule_id in ignored:
            result.suppressed.append((f, line, "--ignore on the command line", "command line"))
        else:
            result.findings.append((f, line))
    return result


def design_findings(model):
    """Every catalog finding of a design: evaluation, partitions and consistency (analytic, no simulation)."""
    from engine.consistency import analyze_consistency
    from engine.evaluate import evaluate
    from engine.findings import collect
    from engine.partitions import analyze_partitions

    evaluation = evaluate(model)
    partitions = analyze_partitions(model, evaluation)
    consistency = analyze_consistency(model, evaluation=evaluation)
    return collect(model, evaluation, partitions, consistency), evaluation


def failed(check: DesignCheck, fail_on: str) -> bool:
    from engine.findings import severity_rank

    threshold = severity_rank(fail_on)
    return (not check.valid or check.over_budget
            or any(severity_rank(f.severity) <= threshold for f, _ in check.findings))


def run(args: argparse.Namespace) -> int:
    from engine.commands import print_json

    budget = args.max_monthly_usd
    checks = [check_design(spec, budget, set(args.ignore)) for spec in args.models]
    code = 1 if any(failed(c, args.fail_on) for c in checks) else 0
    if args.format == "json":
        print_json(json_payload(checks, args, code))
    elif args.format == "sarif":
        print_json(sarif_log(checks, budget))
    elif args.format == "github":
        sys.stdout.write(github_annotations(checks, budget))
    else:
        sys.stdout.write(text_report(checks, args.fail_on, budget))
    return code


# ------------------------------------------------------------------------------------- formats
def _finding_json(f, line: int) -> dict[str, Any]:
    return {**f.to_json(), "line": line}


def json_payload(checks: list[DesignCheck], args: argparse.Namespace, code: int) -> dict[str, Any]:
    return {
        "fail_on": args.fail_on, "max_monthly_usd": args.max_monthly_usd, "ignore": list(args.ignore),
        "exit_code": code,
        "designs": [{
            "model": c.spec, "file": c.uri, "name": c.name, "valid": c.valid, "problems": list(c.problems),
            "problem_lines": list(c.problem_lines), "problem_records": [r.as_json() for r in c.records],
            "total_monthly_usd": c.total_monthly_usd, "catalog": c.catalog, "over_budget": c.over_budget,
            "failed": failed(c, args.fail_on),
            "findings": [_finding_json(f, line) for f, line in c.findings],
            "suppressed": [{**_finding_json(f, line), "reason": reason, "suppressed_by": where}
                           for f, line, reason, where in c.suppressed],
        } for c in checks],
    }


def text_report(checks: list[DesignCheck], fail_on: str, budget: float | None) -> str:
    from engine.cost import usd_text
    from engine.errors import MAX_PROBLEMS_SHOWN, shortened

    out: list[str] = []
    for c in checks:
        if not c.valid:
            out.append(f"{c.uri}: invalid")
            out += [f"  - {c.uri}:{line}: {shortened(p)}"
                    for p, line in zip(c.problems[:MAX_PROBLEMS_SHOWN], c.problem_lines, strict=False)]
            if len(c.problems) > MAX_PROBLEMS_SHOWN:
                out.append(f"  - ... and {len(c.problems) - MAX_PROBLEMS_SHOWN:,} more (`validate --json` lists all)")
            continue
        out.append(f"{c.uri}: {c.name}: {len(c.findings)} finding(s), {len(c.suppressed)} suppressed; "
                   f"{usd_text(c.total_monthly_usd or 0.0)} at {c.catalog}")
        for f, line in c.findings:
            out.append(f"  {c.uri}:{line}: {f.severity} {f.rule_id} {f.title}: {f.message}. Fix: {f.fix} ({f.path})")
        for f, line, reason, where in c.suppressed:
            out.append(f"  {c.uri}:{line}: suppressed {f.rule_id} {f.title} ({where}: {reason})")
        if c.over_budget:
            out.append(f"  over budget: {usd_text(c.total_monthly_usd or 0.0)} is above the "
                       f"--max-monthly-usd {usd_text(budget or 0.0)}")
    bad = [c for c in checks if failed(c, fail_on)]
    out.append(f"{len(bad)} of {len(checks)} design(s) failed (--fail-on {fail_on})" if bad
               else f"all {len(checks)} design(s) passed (--fail-on {fail_on})")
    return "\n".join(out) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotations(checks: list[DesignCheck], budget: float | None) -> str:
    """GitHub Actions workflow commands (::error file=...,line=...,title=...::message)."""
    from engine.cost import usd_text

    out = []
    for c in checks:
        file = _escape_property(c.uri)
        if not c.valid:
            for p, line in zip(c.problems, c.problem_lines, strict=True):
                out.append(f"::error file={file},line={line},title=invalid design::{_escape_data(p)}")
            continue
        for f, line in c.findings:
            title = _escape_property(f"{f.rule_id} {f.title}")
            out.append(f"::{_GITHUB_COMMAND.get(f.severity, 'notice')} file={file},line={line},title={title}::"
                       f"{_escape_data(f'{f.message}. Fix: {f.fix}')}")
        if c.over_budget:
            out.append(f"::error file={file},line=1,title=over budget::"
                       f"{_escape_data(f'{usd_text(c.total_monthly_usd or 0.0)} is above {usd_text(budget or 0.0)}')}")
    return "".join(line + "\n" for line in out)


_LINE_IN_PROBLEM = re.compile(r"\(line (\d+)\)|line (\d+)")


def _problem_line(problem: str) -> int:
    """The line an unreadable file's message names (YAML syntax errors do), else 1. (A validation problem's line is
    its record's, or its path's.)"""
    m = _LINE_IN_PROBLEM.search(problem)
    return int(m.group(1) or m.group(2)) if m else 1


def sarif_log(checks: list[DesignCheck], budget: float | None) -> dict[str, Any]:
    """A SARIF 2.1.0 log: one run, the catalog as the tool's rules, every finding (suppressed ones marked)."""
    from engine import ENGINE_VERSION
    from engine.cost import usd_text
    from engine.findings import RULES

    ids = list(RULES)
    rules = [{
        "id": r.id, "name": r.title, "shortDescription": {"text": r.title},
        "fullDescription": {"text": r.principle}, "help": {"text": f"{r.principle} Source: {r.source}"},
        "defaultConfiguration": {"level": _SARIF_LEVEL[r.severity]},
        "properties": {"severity": r.severity, "source": r.source},
    } for r in RULES.values()]
    results, notifications = [], []

    def location(uri: str, line: int, path: str | None = None) -> dict[str, Any]:
        loc: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": uri},
                                                    "region": {"startLine": max(1, line)}}}
        if path:
            loc["logicalLocations"] = [{"fullyQualifiedName": path}]
        return loc

    def result(f, line: int, uri: str, suppression: dict[str, Any] | None) -> dict[str, Any]:
        out = {"ruleId": f.rule_id, "ruleIndex": ids.index(f.rule_id), "level": _SARIF_LEVEL.get(f.severity, "note"),
               "message": {"text": f"{f.message}. Fix: {f.fix}"}, "locations": [location(uri, line, f.path)],
               "properties": {"values": f.values, "path": f.path}}
        if suppression is not None:
            out["suppressions"] = [suppression]
        return out

    for c in checks:
        if not c.valid:
            notifications += [{"level": "error", "message": {"text": p}, "locations": [location(c.uri, line)]}
                              for p, line in zip(c.problems, c.problem_lines, strict=True)]
            continue
        results += [result(f, line, c.uri, None) for f, line in c.findings]
        results += [result(f, line, c.uri, {"kind": "inSource" if where == "design" else "external",
                                            "justification": reason})
                    for f, line, reason, where in c.suppressed]
        if c.over_budget:
            notifications.append({"level": "error", "message": {
                "text": f"{c.uri}: total {usd_text(c.total_monthly_usd or 0.0)} is above the budget "
                        f"{usd_text(budget or 0.0)}"}, "locations": [location(c.uri, 1)]})
    return {
        "$schema": SARIF_SCHEMA, "version": SARIF_VERSION,
        "runs": [{
            "tool": {"driver": {"name": "ddb-workbench", "version": ENGINE_VERSION, "rules": rules}},
            "invocations": [{"executionSuccessful": all(c.valid for c in checks),
                             "toolExecutionNotifications": notifications}],
            "results": results,
        }],
    }
