"""The `ddb-workbench` CLI conventions: exit codes, JSON on stdout only, no tracebacks, samples everywhere."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from engine.cli import build_parser, main
from engine.io import json_schema, sample_names

ROOT = Path(__file__).resolve().parents[1]


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def strict_json(text: str):
    """Parse JSON the way strict consumers do: NaN and Infinity are not JSON (RFC 8259 §6)."""

    def reject(constant: str):
        raise ValueError(f"{constant} is not valid JSON")

    return json.loads(text, parse_constant=reject)


def model_commands() -> list[str]:
    """Registered subcommands whose first positional argument is MODEL."""
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    names = []
    for name, sp in sub.choices.items():
        positionals = [a for a in sp._actions if not a.option_strings]
        if positionals and positionals[0].dest == "model" and positionals[0].nargs is None:
            names.append(name)
    return sorted(names)


def test_validate_accepts_every_sample(capsys):
    code, out, err = run_cli(capsys, "validate", *[str(ROOT / "sample_models" / f"{n}.yaml") for n in sample_names()])
    assert code == 0, err
    assert out == ""
    assert err.count(": valid") == len(sample_names())


def test_validate_reports_problems_with_exit_1_and_json(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ntables:\n  - name: orders\n    partition_key: {name: pk}\n    billing: {mode: free}\n")
    code, out, err = run_cli(capsys, "validate", "--json", str(bad))
    assert code == 1
    result = json.loads(out)[str(bad)]
    assert result["valid"] is False
    assert any("tables[0].billing" in p and "'free'" in p for p in result["problems"])
    assert "Traceback" not in err
    # the same problems as records: path (with its line), message, value, rule, fix
    records = result["problem_records"]
    assert len(records) == len(result["problems"])
    assert all(p.startswith(r["path"]) and p.endswith(r["message"])
               for p, r in zip(result["problems"], records, strict=True)), records
    assert any(r["path"].startswith("tables[0].billing") and r["line"] == 5 for r in records), records


@pytest.mark.parametrize("content", [b"\xff\xfe\x00", b"name: [", b"- just\n- a list\n", b""])
def test_validate_never_tracebacks_on_garbage(capsys, tmp_path, content):
    bad = tmp_path / "garbage.yaml"
    bad.write_bytes(content)
    code, _, err = run_cli(capsys, "validate", str(bad))
    assert code == 1 and "Traceback" not in err and "garbage.yaml" in err


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as info:
        main(["validate"])
    assert info.value.code == 2
    with pytest.raises(SystemExit) as info:
        main(["no-such-command"])
    assert info.value.code == 2


def test_schema_prints_the_json_schema(capsys):
    code, out, _ = run_cli(capsys, "schema")
    assert code == 0 and json.loads(out) == json_schema()


def test_samples_lists_every_sample(capsys):
    code, out, _ = run_cli(capsys, "samples", "--json")
    assert code == 0
    assert [row["name"] for row in json.loads(out)] == list(sample_names())


def test_unknown_model_name_lists_the_samples(capsys):
    code, out, err = run_cli(capsys, "validate", "no_such_sample")
    assert code == 1 and "orders_simple_key" in err


@pytest.mark.parametrize("command", model_commands())
@pytest.mark.parametrize("sample", sample_names())
def test_every_model_command_gives_valid_json_on_every_sample(capsys, command, sample):
    code, out, err = run_cli(capsys, command, sample, "--json")
    assert code == 0, err
    strict_json(out)


def test_help_everywhere():
    for argv in (["--help"], *([name, "--help"] for name in build_parser()._subparsers._group_actions[0].choices)):
        proc = subprocess.run([sys.executable, "-m", "engine.cli", *argv], capture_output=True, text=True, cwd=ROOT)
        assert proc.returncode == 0 and "usage:" in proc.stdout, (argv, proc.stderr)


# Hostile command lines: a bad flag value is a usage error (exit 2, argparse's message naming the flag),
# never an "internal error" from deep inside the engine (issue 2 §5: 2 only for command-line usage errors).
@pytest.mark.parametrize("argv", [
    ["heat", "orders_simple_key", "--horizon", "-1"],
    ["heat", "orders_simple_key", "--horizon", "0"],
    ["heat", "orders_simple_key", "--horizon", "99999999999"],
    ["heat", "orders_simple_key", "--seed", "abc"],
    ["heat", "orders_simple_key", "--seed", "-1"],
    ["consistency", "orders_simple_key", "--seed", "-5"],
    ["consistency", "orders_simple_key", "--seed", "1", "--writes", "0"],
    ["consistency", "orders_simple_key", "--seed", "1", "--writes", "99999999999999"],
    ["patterns", "orders_simple_key", "--seed", "-1"],
    ["patterns", "orders_simple_key", "--max-items", "0"],
    ["patterns", "orders_simple_key", "--max-items", "99999999999"],
    ["sandbox", "orders_simple_key", "--seed", "-1"],
    ["serve", "--port", "99999"],
    ["serve", "--port", "-1"],
    ["serve", "--seed", "-1"],
    ["cost", "orders_simple_key", "--hours-per-month", "nan"],
    ["cost", "orders_simple_key", "--hours-per-month", "inf"],
    ["cost", "orders_simple_key", "--hours-per-month", "-1"],
])
def test_out_of_range_flags_are_usage_errors(capsys, argv):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "error: argument --" in err and "Traceback" not in err


def test_max_items_flag_matches_the_engine_cap():
    from engine.commands.patterns import MAX_ITEMS_PER_ENTITY
    from engine.patterns import MAX_SAMPLE_ITEMS

    assert MAX_ITEMS_PER_ENTITY == MAX_SAMPLE_ITEMS


def test_a_non_finite_result_is_a_content_error_with_nothing_on_stdout(capsys):
    """A price so large the total overflows to infinity: exit 1, a message, no half-written JSON."""
    code, out, err = run_cli(capsys, "cost", "orders_simple_key", "--json",
                             "--price", "on_demand_read_usd_per_million=1e308")
    assert code == 1 and out == ""
    assert "not a finite number" in err and "internal error" not in err


@pytest.mark.parametrize("price", ["nan", "inf", "-inf"])
def test_non_finite_price_override_names_the_flag(capsys, price):
    code, out, err = run_cli(capsys, "cost", "orders_simple_key", "--price", f"on_demand_read_usd_per_million={price}")
    assert code == 1 and out == "" and "--price" in err and "internal error" not in err


@pytest.mark.parametrize("pair, words", [
    ("NoSuch#Index=0.5", "not a GSI of the design"),
    ("TeamUsers#TeamRoleIndex=nan", "from 0 to 1"),
    ("TeamUsers#TeamRoleIndex=5", "from 0 to 1"),
])
def test_gsi_throttled_share_is_checked(capsys, pair, words):
    code, out, err = run_cli(capsys, "consistency", "team_users_gsi", "--json", "--gsi-throttled", pair)
    assert code == 1 and out == "" and words in err


def test_gsi_throttled_share_of_a_real_gsi_is_reported(capsys):
    code, out, err = run_cli(capsys, "consistency", "team_users_gsi", "--json",
                             "--gsi-throttled", "TeamUsers#TeamRoleIndex=0.5")
    assert code == 0, err
    gsi = [p for p in strict_json(out)["patterns"] if p["read_path"] == "gsi"]
    assert gsi and all(p["gsi_throttled_share"] == 0.5 for p in gsi)


def test_size_of_a_too_deeply_nested_item_is_a_content_error(capsys, tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text('{"a":' * 900 + "1" + "}" * 900)
    code, out, err = run_cli(capsys, "size", str(deep), "--format", "plain", "--json")
    assert code == 1 and out == ""
    assert "nested too deeply" in err and "32 levels" in err and "internal error" not in err


@pytest.mark.parametrize("content", [b"\xff\xfe\x00junk", b'{"a":' * 5000])
def test_sandbox_request_file_garbage_is_a_content_error(capsys, tmp_path, content):
    bad = tmp_path / "request.json"
    bad.write_bytes(content)
    code, out, err = run_cli(capsys, "sandbox", "orders_simple_key", "--operation", "Query", "--request", str(bad))
    assert code == 1 and out == "" and "--request" in err and "internal error" not in err


def test_serve_log_in_a_folder_fails_before_binding(capsys, tmp_path):
    code, out, err = run_cli(capsys, "serve", "--port", "0", "--log", str(tmp_path))
    assert code == 1 and out == "" and "--log" in err and "internal error" not in err


HOT_GSI_DESIGN = """
name: hot gsi
tables:
  - name: Orders
    partition_key: {name: pk, type: S}
    gsis:
      - name: ByStatus
        partition_key: {name: status, type: S}
        projection: {type: KEYS_ONLY}
entities:
  - name: Order
    table: Orders
    item_count: 100000
    keys:
      - {attribute: pk, template: "ORDER#{order_id}"}
      - {attribute: status, template: "{status}"}
    variables:
      - {name: order_id, cardinality: 100000}
      - {name: status, cardinality: 1, kind: enum, values: [OPEN]}
access_patterns:
  - name: place order
    operation: PutItem
    table: Orders
    entities: [Order]
    key_condition: {partition_key: "ORDER#{order_id}"}
    requests_per_second: 3000
  - name: open orders
    operation: Query
    table: Orders
    index: ByStatus
    entities: [Order]
    key_condition: {partition_key: "{status}"}
    requests_per_second: 10
"""


def test_consistency_from_heat_takes_the_gsi_throttling_of_the_simulation(capsys, tmp_path):
    # issue 5: GSI reads get the longer tail when the heat engine finds the GSI throttled. One status value
    # written 3,000 times a second is far over a GSI partition's 1,000 WCU (DOMAIN.md §4).
    design = tmp_path / "hot_gsi.yaml"
    design.write_text(HOT_GSI_DESIGN)
    code, out, err = run_cli(capsys, "consistency", str(design), "--json")
    assert code == 0, err
    calm = next(p for p in strict_json(out)["patterns"] if p["name"] == "open orders")
    assert not calm["gsi_throttled_share"] and calm["gsi_throttle_reason"] is None
    code, out, err = run_cli(capsys, "consistency", str(design), "--json", "--from-heat")
    assert code == 0, err
    hot = next(p for p in strict_json(out)["patterns"] if p["name"] == "open orders")
    assert hot["gsi_throttled_share"] > 0.5 and "heat simulation" in hot["gsi_throttle_reason"]
    assert hot["stale_probability_at_ms"] == calm["stale_probability_at_ms"]  # the baseline stays calibrated
    code, out, _ = run_cli(capsys, "consistency", str(design), "--json", "--from-heat",
                           "--gsi-throttled", "Orders#ByStatus=0.25")
    assert code == 0
    assert next(p for p in strict_json(out)["patterns"] if p["name"] == "open orders")["gsi_throttled_share"] == 0.25


def _stdin(monkeypatch, data: bytes) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_model_dash_reads_the_design_from_stdin(capsys, monkeypatch, fmt):
    from engine.io import dump_model, load_sample

    model = load_sample("page_views")
    _stdin(monkeypatch, dump_model(model, fmt).encode())
    code, out, err = run_cli(capsys, "cost", "-", "--json")
    assert code == 0, err
    _, expected, _ = run_cli(capsys, "cost", "page_views", "--json")
    assert strict_json(out) == strict_json(expected)


@pytest.mark.parametrize(("data", "words"), [
    (b"", "nothing was piped in"),
    (b"\xff\xfe\x00junk", "is not UTF-8"),
    (b"name: [", "<stdin>"),
    (b"x" * (5 * 1024 * 1024 + 10), "byte limit"),
])
def test_stdin_garbage_is_a_content_error(capsys, monkeypatch, data, words):
    _stdin(monkeypatch, data)
    code, out, err = run_cli(capsys, "validate", "-", "--json")
    assert code == 1 and words in out + err and "internal error" not in err


@pytest.mark.parametrize("command", [["size"], ["sandbox", "orders_simple_key", "--operation", "GetItem", "--request"]])
def test_input_files_are_capped_before_reading(capsys, tmp_path, command):
    from engine.commands.sandbox import REQUEST_LIMIT_BYTES
    from engine.commands.size import ITEM_FILE_LIMIT_BYTES

    big = tmp_path / "big.json"
    big.write_bytes(b" " * (max(ITEM_FILE_LIMIT_BYTES, REQUEST_LIMIT_BYTES) + 1))
    code, out, err = run_cli(capsys, *command, str(big))
    assert code == 1 and out == "" and "limit" in err and "Traceback" not in err
    code, out, err = run_cli(capsys, *command, str(tmp_path))
    assert code == 1 and "is a folder" in err


def test_heat_text_lists_hot_keys_with_their_real_rates(capsys) -> None:
    """Issue 14: 2 million uniform order ids each take a tiny but non-zero rate; the text shows it (not 0.0 / 0.0)."""
    from engine.cli import main

    assert main(["heat", "orders_simple_key", "--horizon", "10"]) == 0
    out = capsys.readouterr().out
    rows = out.split("Hot keys")[1].split("\n")[1:4]
    assert rows and all("0.0 / 0.0" not in row and re.search(r"\d\.\d+e-\d+|0\.0*[1-9]", row) for row in rows), rows


def test_error_output_is_bounded(tmp_path, capsys) -> None:
    """Issue 14: a design with thousands of problems printed them all; text output shows 50, --json all."""
    import json as json_module

    from engine.cli import main

    design = {"format_version": 1, "name": "many", "tables": [{"name": chr(97 + i // 26) + chr(97 + i % 26),
                                                               "partition_key": {"name": "pk"}}
                                                              for i in range(300)]}
    path = tmp_path / "many.json"
    path.write_text(json_module.dumps(design))
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n  - ") <= 51 and "more (--json lists all)" in err
    assert main(["validate", str(path), "--json"]) == 1
    assert len(json_module.loads(capsys.readouterr().out)[str(path)]["problems"]) == 300
