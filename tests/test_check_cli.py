"""`ddb-workbench check`: exit codes, every output format, SARIF schema validation, suppressions,
YAML line numbers and the budget."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import jsonschema
import pytest

from engine.cli import main
from engine.io import sample_path

ROOT = Path(__file__).resolve().parents[1]
SARIF_SCHEMA = ROOT / "tests" / "support" / "sarif" / "sarif-schema-2.1.0.json"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["check", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def check_json(capsys, *argv: str) -> tuple[int, dict]:
    code, out, err = run(capsys, *argv, "--format", "json")
    assert "Traceback" not in err
    return code, json.loads(out)


def line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def with_ignore(tmp_path: Path, sample: str, entries: str) -> Path:
    target = tmp_path / f"{sample}.yaml"
    target.write_text(sample_path(sample).read_text() + f"\nignore:\n{entries}")
    return target


# ------------------------------------------------------------------------------------ exit codes
def test_warnings_pass_by_default_and_fail_with_fail_on_warning(capsys):
    code, out, _ = run(capsys, "team_users_gsi")
    assert code == 0 and "DDB-C104" in out and "passed" in out
    code, out, _ = run(capsys, "team_users_gsi", "--fail-on", "warning")
    assert code == 1 and "failed (--fail-on warning)" in out


def test_an_error_finding_fails(capsys):
    code, out, _ = run(capsys, "hot_enum_key")
    assert code == 1 and "error DDB-P101 Hot partition key on a table" in out


def test_fail_on_info_counts_info_findings(capsys):
    assert run(capsys, "hot_enum_key_sharded")[0] == 0
    assert run(capsys, "hot_enum_key_sharded", "--fail-on", "info")[0] == 1  # DDB-C105 is info


def test_one_failing_design_among_several_fails_the_run(capsys):
    code, data = check_json(capsys, "hot_enum_key_sharded", "hot_enum_key")
    assert code == 1 and data["exit_code"] == 1
    assert [d["failed"] for d in data["designs"]] == [False, True]


def test_an_invalid_design_fails_with_the_validate_message(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ntables:\n  - name: ab\n    partition_key: {name: pk}\n")
    _, _, validate_err = (main(["validate", str(bad)]), None, capsys.readouterr().err)
    problem = validate_err.splitlines()[1].removeprefix("  - ")
    code, out, err = run(capsys, str(bad))
    assert code == 1 and f"{bad}: invalid" in out and problem in out and "Traceback" not in err
    code, data = check_json(capsys, str(bad))
    assert code == 1 and data["designs"][0]["valid"] is False and problem in data["designs"][0]["problems"][0]
    # a cross-reference problem has no line of its own: the line of its path (the table's name, line 3)
    record = data["designs"][0]["problem_records"][0]
    assert record["path"] == "tables[0].name" and record["value"] == "'ab'" and record["fix"] == "rename it"
    assert data["designs"][0]["problem_lines"] == [3]


def test_an_unreadable_design_fails_with_a_message(capsys, tmp_path):
    code, out, err = run(capsys, str(tmp_path / "missing.yaml"))
    assert code == 1 and "cannot read the file" in out and "Traceback" not in err


@pytest.mark.parametrize("argv", [
    ["hot_enum_key", "--format", "xml"],
    ["hot_enum_key", "--fail-on", "never"],
    ["hot_enum_key", "--ignore", "DDB-X999"],
    ["hot_enum_key", "--max-monthly-usd", "-5"],
    [],
])
def test_bad_usage_exits_2(capsys, argv):
    with pytest.raises(SystemExit) as exc:
        main(["check", *argv])
    assert exc.value.code == 2
    assert capsys.readouterr().out == ""


def test_a_design_on_stdin(capsys, monkeypatch):
    data = sample_path("hot_enum_key").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    code, payload = check_json(capsys, "-")
    finding = next(f for f in payload["designs"][0]["findings"] if f["id"] == "DDB-P101")
    assert code == 1 and payload["designs"][0]["file"] == "<stdin>" and finding["line"] > 1


# ---------------------------------------------------------------------------------------- budget
def test_budget(capsys):
    code, data = check_json(capsys, "hot_enum_key_sharded", "--max-monthly-usd", "100")
    design = data["designs"][0]
    assert code == 1 and design["over_budget"] and design["total_monthly_usd"] > 100
    code, out, _ = run(capsys, "hot_enum_key_sharded", "--max-monthly-usd", "100")
    assert code == 1 and "over budget" in out and "$100.00/month" in out
    assert run(capsys, "hot_enum_key_sharded", "--max-monthly-usd", "1000000")[0] == 0


# ---------------------------------------------------------------------------------- line numbers
def test_findings_point_at_the_yaml_line_of_their_element(capsys):
    path = sample_path("hot_enum_key")
    _, data = check_json(capsys, "hot_enum_key")
    lines = {f["id"]: (f["line"], f["path"]) for f in data["designs"][0]["findings"]}
    assert lines["DDB-P101"] == (line_of(path, "- name: OrdersByStatus"), "tables[0]")
    assert lines["DDB-C105"] == (line_of(path, "billing: {mode: on_demand"), "tables[0].billing")

    path = sample_path("orders_simple_key")
    _, data = check_json(capsys, "orders_simple_key")
    scan = next(f for f in data["designs"][0]["findings"] if f["id"] == "DDB-C101")
    assert scan["path"] == "access_patterns[3]" and scan["line"] == line_of(path, "- name: orders of a customer (scan)")


# ---------------------------------------------------------------------------------- suppressions
def test_suppressions_in_the_design_are_honoured_and_listed(capsys, tmp_path):
    design = with_ignore(tmp_path, "hot_enum_key", '  - {id: DDB-P101, reason: "the PENDING queue is drained by a '
                                                   'batch job; throttled writes are retried"}\n')
    code, out, _ = run(capsys, str(design))
    assert code == 0 and "suppressed DDB-P101" in out and "drained by a batch job" in out
    assert "error DDB-P101" not in out
    code, data = check_json(capsys, str(design))
    s = data["designs"][0]["suppressed"]
    assert [x["id"] for x in s] == ["DDB-P101"] and s[0]["suppressed_by"] == "design" and "batch job" in s[0]["reason"]


def test_a_suppression_needs_a_reason_and_a_known_id(capsys, tmp_path):
    code, out, _ = run(capsys, str(with_ignore(tmp_path, "hot_enum_key", "  - {id: DDB-P101}\n")))
    assert code == 1 and "ignore[0].reason" in out and "required" in out
    code, out, _ = run(capsys, str(with_ignore(tmp_path, "hot_enum_key", "  - {id: DDB-Z123, reason: x}\n")))
    assert code == 1 and "'DDB-Z123' is not a known rule id" in out


def test_ignore_on_the_command_line(capsys):
    code, data = check_json(capsys, "hot_enum_key", "--ignore", "DDB-P101")
    assert code == 0
    assert [x["id"] for x in data["designs"][0]["suppressed"]] == ["DDB-P101"]
    assert data["designs"][0]["suppressed"][0]["suppressed_by"] == "command line"


# -------------------------------------------------------------------------------------- formats
def sarif(capsys, *argv: str) -> tuple[int, dict]:
    code, out, _ = run(capsys, *argv, "--format", "sarif")
    log = json.loads(out)
    jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text())).validate(log)
    return code, log


def test_sarif_validates_and_lists_every_finding_whatever_fail_on_says(capsys, tmp_path):
    code, log = sarif(capsys, "hot_enum_key_sharded", "--fail-on", "error")
    run_ = log["runs"][0]
    assert code == 0 and log["version"] == "2.1.0"
    assert [r["ruleId"] for r in run_["results"]] == ["DDB-C105"] and run_["results"][0]["level"] == "note"
    rules = run_["tool"]["driver"]["rules"]
    assert rules[run_["results"][0]["ruleIndex"]]["id"] == "DDB-C105"
    region = run_["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == line_of(sample_path("hot_enum_key_sharded"), "billing:")

    design = with_ignore(tmp_path, "hot_enum_key", "  - {id: DDB-P101, reason: accepted for the demo}\n")
    code, log = sarif(capsys, str(design), "crm_complex_filtering")
    results = log["runs"][0]["results"]
    suppressed = [r for r in results if r.get("suppressions")]
    assert [r["ruleId"] for r in suppressed] == ["DDB-P101"]
    assert suppressed[0]["suppressions"][0] == {"kind": "inSource", "justification": "accepted for the demo"}
    assert {r["level"] for r in results} >= {"warning", "note"}


def test_sarif_reports_an_invalid_design_as_a_notification(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ntables: []\nnope: 1\n")
    code, log = sarif(capsys, str(bad))
    inv = log["runs"][0]["invocations"][0]
    assert code == 1 and inv["executionSuccessful"] is False
    assert any("nope" in n["message"]["text"] for n in inv["toolExecutionNotifications"])


def test_github_annotations(capsys):
    code, out, _ = run(capsys, "hot_enum_key", "--format", "github")
    path = sample_path("hot_enum_key")
    lines = out.splitlines()
    hot = next(line for line in lines if "DDB-P101" in line)
    assert code == 1
    assert hot.startswith(f"::error file={path},line={line_of(path, '- name: OrdersByStatus')},"
                          "title=DDB-P101 Hot partition key on a table::")
    assert "302%25 of one partition" in hot  # '%' escaped for workflow commands
    assert any(line.startswith("::notice ") and "DDB-C105" in line for line in lines)


def test_github_annotation_of_an_invalid_design_names_its_line(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ntables:\n  - name: ab\n    partition_key: {name: pk}\n")
    code, out, _ = run(capsys, str(bad), "--format", "github")
    assert code == 1 and out.startswith(f"::error file={bad},line=3,title=invalid design::")


def test_json_output_carries_ids_paths_values_and_the_catalog(capsys):
    code, data = check_json(capsys, "orders_simple_key")
    design = data["designs"][0]
    assert code == 0 and design["valid"] and design["catalog"].startswith("aws-2024-11 (us-east-1")
    for f in design["findings"]:
        assert set(f) >= {"id", "rule_id", "title", "severity", "path", "message", "fix", "values", "line"}
