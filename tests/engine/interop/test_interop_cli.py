"""`ddb-workbench import` and `ddb-workbench export`: output, notes on stderr, JSON, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.cli import main
from engine.io import loads_model

DATA = Path(__file__).parent / "data"


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("name", ["nwb_v1_music.json", "describe_one.json", "cfn_template.yaml", "serverless.yml"])
def test_import_prints_the_design_and_notes(capsys, name):
    code, out, err = run_cli(capsys, "import", str(DATA / name))
    assert code == 0, err
    model = loads_model(out)
    assert model.tables
    assert "imported" in err and "no access patterns" in err


def test_import_to_a_file_with_items_and_json(capsys, tmp_path):
    design, items = tmp_path / "d.json", tmp_path / "items.jsonl"
    code, out, err = run_cli(capsys, "import", str(DATA / "nwb_v1_music.json"), "--from", "nosql-workbench",
                             "-o", str(design), "--items", str(items), "--json")
    assert code == 0, err
    payload = json.loads(out)
    assert payload["format"] == "nosql-workbench" and payload["items"] == {"Songs": 7}
    assert all({"kind", "where", "what", "why"} <= set(n) for n in payload["notes"])
    assert loads_model(design.read_text(), "json").name == "Music Library"
    lines = [json.loads(line) for line in items.read_text().splitlines()]
    assert len(lines) == 7 and "Id" in lines[0]["Item"]
    # the items load into the sandbox next to the imported design, and a Query finds them
    request = tmp_path / "q.json"
    request.write_text(json.dumps({"TableName": "Songs", "KeyConditionExpression": "Id = :id",
                                   "ExpressionAttributeValues": {":id": {"S": "SONG#1"}}}))
    code, out, err = run_cli(capsys, "sandbox", str(design), "--no-samples", "--items", str(items),
                             "--operation", "Query", "--request", str(request))
    assert code == 0, err
    assert json.loads(out)["Count"] == 4  # SONG#1 in the file: details, two downloads, one monthly total


def test_items_of_several_tables_go_to_one_file_each(capsys, tmp_path):
    code, _, err = run_cli(capsys, "import", str(DATA / "nwb_v3_provisioned.json"), "-o", str(tmp_path / "d.yaml"),
                           "--items", str(tmp_path / "items.jsonl"))
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.glob("items.*.jsonl")) == ["items.BasicTable.jsonl", "items.Events.jsonl"]


def test_import_from_stdin(capsys, monkeypatch):
    import io
    import sys

    data = (DATA / "describe_many.json").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    code, out, err = run_cli(capsys, "import", "-")
    assert code == 0, err
    assert "Users" in out


@pytest.mark.parametrize(("content", "args", "words"), [
    ("{not json", (), "line 1 column 2"),
    ("", (), "empty"),
    ('{"hello": 1}', (), "cannot tell the format"),
    ('{"DataModel": []}', ("--from", "describe-table"), "not describe-table output"),
    ("Resources: [", (), "YAML"),
    ('{"DataModel": [{"TableName": "x"}]}', (), "no readable table"),
])
def test_unreadable_input_exits_1_naming_the_file(capsys, tmp_path, content, args, words):
    path = tmp_path / "in.json"
    path.write_text(content)
    code, out, err = run_cli(capsys, "import", str(path), *args)
    assert code == 1 and out == ""
    assert str(path) in err and words in err and "Traceback" not in err


def test_missing_file_and_folder_exit_1(capsys, tmp_path):
    code, _, err = run_cli(capsys, "import", str(tmp_path / "nope.json"))
    assert code == 1 and "cannot read" in err
    code, _, err = run_cli(capsys, "import", str(tmp_path))
    assert code == 1 and "folder" in err


@pytest.mark.parametrize("argv", [["import"], ["import", "x.json", "--from", "excel"], ["export", "page_views", "--to", "pulumi"]])
def test_usage_errors_exit_2(capsys, argv):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2


def test_export_both_formats(capsys, tmp_path):
    code, out, err = run_cli(capsys, "export", "github_single_table", "--to", "nosql-workbench")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["ModelMetadata"]["Version"] == "3.0" and doc["DataModel"][0]["TableFacets"]
    assert "not exported" in err and "access pattern" in err
    path = tmp_path / "t.yaml"
    code, out, err = run_cli(capsys, "export", "global_game_state", "--to", "cloudformation", "-o", str(path))
    assert code == 0 and out == ""
    assert "AWS::DynamoDB::GlobalTable" in path.read_text()
    code, out, _ = run_cli(capsys, "export", "page_views", "--json")
    assert json.loads(out)["text"].startswith("AWSTemplateFormatVersion")


def test_export_then_import_on_the_command_line(capsys, tmp_path):
    path = tmp_path / "model.json"
    assert run_cli(capsys, "export", "team_users_gsi", "--to", "nosql-workbench", "-o", str(path))[0] == 0
    code, out, err = run_cli(capsys, "import", str(path))
    assert code == 0, err
    from engine.io import load_sample

    sample = load_sample("team_users_gsi")
    back = loads_model(out)
    assert [t.name for t in back.tables] == [t.name for t in sample.tables]
    assert [e.name for e in back.entities] == [e.name for e in sample.entities]


def test_export_to_an_unwritable_path_exits_1(capsys, tmp_path):
    code, _, err = run_cli(capsys, "export", "page_views", "-o", str(tmp_path / "missing" / "t.yaml"))
    assert code == 1 and "cannot write" in err
