"""`ddb-workbench export --to items`: the seeded sample items as DynamoDB JSON lines and BatchWriteItem requests of at
most 25 puts, read back, validated by botocore and written to a real `ddb-workbench serve`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from botocore.validate import ParamValidator
from ddb_serve import boto_value, serve, wire
from ddb_serve import dynamodb_client as client_for

from engine.cli import main
from engine.interop import export_design, export_notes
from engine.interop.items_out import BATCH_WRITE_MAX_ITEMS, batch_write_requests, file_stems, items_lines
from engine.io import load_model, load_model_or_sample
from engine.samples import generate_items, import_items
from engine.sandbox import create_table_request

ROOT = Path(__file__).resolve().parents[3]
DESIGN_DIR = Path(__file__).parent / "designs"  # workbench designs (data/ holds files to import)
DESIGNS = sorted((ROOT / "sample_models").glob("*.yaml")) + [DESIGN_DIR / "all_operations.yaml"]


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def canonical(items: list[dict]) -> list[str]:
    """Items as sorted JSON texts (set elements sorted: DynamoDB keeps no set order)."""
    def sort_sets(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: sorted(v) if k in ("SS", "NS", "BS") else sort_sets(v) for k, v in value.items()}
        if isinstance(value, list):
            return [sort_sets(v) for v in value]
        return value

    return sorted(json.dumps(sort_sets(i), sort_keys=True) for i in items)


@pytest.mark.parametrize("design", DESIGNS, ids=lambda p: p.stem)
def test_files_round_trip_validate_and_load_into_serve(design: Path, tmp_path: Path, capsys) -> None:
    """Source: the brief's items test. `export --to items -o DIR` writes per table JSON lines that parse back (with
    engine.samples.import_items, the reader `sandbox --items` uses) to exactly generate_items(model, seed), and
    BatchWriteItem files of at most 25 puts that pass botocore's validation for BatchWriteItem; sending every file
    to an empty `ddb-workbench serve` holding the design's tables (CreateTable from the design) leaves each table
    holding exactly those items (a full Scan)."""
    model = load_model(design)
    out = tmp_path / "items"
    code, stdout, err = run_cli(capsys, "export", str(design), "--to", "items", "-o", str(out), "--seed", "2")
    assert code == 0, err
    assert stdout == ""
    expected = generate_items(model, 2)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 2 and set(manifest["tables"]) == {t.name for t in model.tables}
    operation = client_for("http://127.0.0.1:9").meta.service_model.operation_model("BatchWriteItem")
    requests: list[dict] = []
    for table in model.tables:
        entry = manifest["tables"][table.name]
        lines = (out / entry["jsonl"]).read_text(encoding="utf-8").splitlines()
        assert all(set(json.loads(line)) == {"Item"} for line in lines)
        assert import_items("\n".join(lines), "dynamodb-json", table) == expected[table.name] and \
            entry["items"] == len(expected[table.name])
        batched = []
        for name in entry["batch_write_files"]:
            request = json.loads((out / name).read_text(encoding="utf-8"))
            writes = request["RequestItems"][table.name]
            assert set(request) == {"RequestItems"} and 1 <= len(writes) <= BATCH_WRITE_MAX_ITEMS
            report = ParamValidator().validate(request, operation.input_shape)
            assert not report.has_errors(), report.generate_report()
            batched += [w["PutRequest"]["Item"] for w in writes]
            requests.append(request)
        assert batched == expected[table.name]
        assert f"wrote {len(expected[table.name])} item(s) of {table.name}" in err
    with serve() as url:
        client = client_for(url)
        for table in model.tables:
            client.create_table(**create_table_request(table))
        for request in requests:
            ((table_name, writes),) = request["RequestItems"].items()
            response = client.batch_write_item(RequestItems={table_name: [
                {"PutRequest": {"Item": {k: boto_value(v) for k, v in w["PutRequest"]["Item"].items()}}}
                for w in writes]})
            assert not response.get("UnprocessedItems")
        for table in model.tables:
            stored = [wire(i) for page in client.get_paginator("scan").paginate(TableName=table.name)
                      for i in page["Items"]]
            assert canonical(stored) == canonical(expected[table.name]), table.name


def test_stdout_prints_one_tables_lines_and_names_the_choice_for_several(capsys) -> None:
    """Source: the brief (without -o the JSON lines go to stdout); --table picks one table of a multi-table design,
    and a multi-table design without it is refused with both ways out named (exit 1, nothing on stdout)."""
    code, out, err = run_cli(capsys, "export", "orders_simple_key", "--to", "items")
    model = load_model_or_sample("orders_simple_key")
    assert code == 0, err
    assert out == items_lines(generate_items(model, 0)["Orders"]) == export_design(model, "items")
    assert "not exported" in err
    code, out, err = run_cli(capsys, "export", "github_single_table", "--to", "items")
    assert code == 1 and out == "" and "--table" in err and "-o DIR" in err
    code, out, _ = run_cli(capsys, "export", "github_single_table", "--to", "items", "--table", "Issues", "--seed", "5")
    github = load_model_or_sample("github_single_table")
    assert code == 0 and out == items_lines(generate_items(github, 5)["Issues"]) != items_lines(
        generate_items(github, 0)["Issues"])
    code, out, err = run_cli(capsys, "export", "github_single_table", "--to", "items", "--table", "Nope")
    assert code == 1 and "no such table" in err
    code, out, err = run_cli(capsys, "export", "github_single_table", "--to", "cloudformation", "--table", "Issues")
    assert code == 1 and "only --to items" in err


def test_json_output_and_one_table_directory(capsys, tmp_path: Path) -> None:
    """Source: the export command's --json convention: {format, design, output, tables, not_exported}; --table with
    -o writes that table's files only."""
    code, out, err = run_cli(capsys, "export", "github_single_table", "--to", "items", "-o", str(tmp_path),
                             "--table", "Repositories", "--json")
    assert code == 0, err
    payload = json.loads(out)
    assert payload["format"] == "items" and list(payload["tables"]) == ["Repositories"]
    assert payload["tables"]["Repositories"]["items"] == len(generate_items(
        load_model_or_sample("github_single_table"))["Repositories"])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["manifest.json", "Repositories.jsonl", *payload["tables"]["Repositories"]["batch_write_files"]])
    assert any("sample item(s) of the" in n for n in payload["not_exported"])


def test_output_that_is_a_file_is_a_content_error(capsys, tmp_path: Path) -> None:
    """Source: the CLI's error convention (exit 1 naming the path and the fix, no traceback)."""
    target = tmp_path / "taken"
    target.write_text("x")
    code, _, err = run_cli(capsys, "export", "orders_simple_key", "--to", "items", "-o", str(target))
    assert code == 1 and str(target) in err and "directory" in err and "Traceback" not in err


def test_batches_hold_at_most_25_in_order_and_file_names_stay_safe() -> None:
    """Source: DynamoDB's BatchWriteItem limit (25 writes); file names from table names cannot leave the folder or
    collide on a case-insensitive file system."""
    items = [{"pk": {"S": str(i)}} for i in range(51)]
    batches = batch_write_requests("T", items)
    assert [len(b["RequestItems"]["T"]) for b in batches] == [25, 25, 1]
    assert [w["PutRequest"]["Item"] for b in batches for w in b["RequestItems"]["T"]] == items
    with pytest.raises(ValueError):
        batch_write_requests("T", items, 26)
    stems = file_stems(["Orders", "orders", "...", "a/b"])
    assert stems == {"Orders": "Orders", "orders": "orders-2", "...": "table...", "a/b": "a_b"}


def test_notes_say_what_items_files_do_not_hold() -> None:
    """Source: the brief (export notes): items files hold no table definitions nor patterns, and the sample holds
    fewer items than the design for big entities."""
    model = load_model_or_sample("github_single_table")
    notes = export_notes(model, "items")
    assert any("sample items only" in n for n in notes)
    issue = next(n for n in notes if n.startswith("entity Issue:"))
    assert f"{len([i for i in generate_items(model)['GitHub'] if i['SK']['S'].startswith('ISSUE#')]):,}" in issue
