"""The `ddb-workbench` CLI conventions: exit codes, JSON on stdout only, no tracebacks, samples everywhere."""

from __future__ import annotations

import json
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
    json.loads(out)


def test_help_everywhere():
    for argv in (["--help"], *([name, "--help"] for name in build_parser()._subparsers._group_actions[0].choices)):
        proc = subprocess.run([sys.executable, "-m", "engine.cli", *argv], capture_output=True, text=True, cwd=ROOT)
        assert proc.returncode == 0 and "usage:" in proc.stdout, (argv, proc.stderr)
