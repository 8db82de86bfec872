"""`ddb-workbench report`: formats, output, exit codes (0 done, 1 a bad design, 2 bad usage)."""

from __future__ import annotations

import pytest

from engine.cli import main

DATE = "2026-01-15"


def test_markdown_to_stdout(capsysbinary):
    assert main(["report", "page_views", "--format", "md", "--date", DATE]) == 0
    out = capsysbinary.readouterr().out.decode()
    assert out.startswith("# Design report: Page view counters") and f"Report date {DATE}" in out


def test_html_to_file_with_compare(tmp_path, capsys):
    out = tmp_path / "r.html"
    assert main(["report", "page_views", "--compare", "page_views_vertical_sharding", "--format", "html",
                 "-o", str(out), "--date", DATE]) == 0
    text = out.read_text(encoding="utf-8")
    assert "Design comparison: A Page view counters vs B" in text and "Side by side" in text
    assert "wrote" in capsys.readouterr().err


def test_default_date_is_today(capsysbinary):
    import datetime as dt

    assert main(["report", "page_views", "--format", "md"]) == 0
    assert f"Report date {dt.date.today().isoformat()}" in capsysbinary.readouterr().out.decode()


def test_bad_design_exits_1(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ntables: []\nnope: 1\n", encoding="utf-8")
    assert main(["report", str(bad), "--format", "md"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error:") and "Traceback" not in err


def test_unknown_design_exits_1(capsys):
    assert main(["report", "no_such_design_or_sample", "--format", "md"]) == 1
    assert "error:" in capsys.readouterr().err


def test_bad_compare_design_exits_1(tmp_path, capsys):
    assert main(["report", "page_views", "--compare", str(tmp_path / "missing.yaml"), "--format", "md"]) == 1


def test_unwritable_output_exits_1(tmp_path, capsys):
    assert main(["report", "page_views", "--format", "md", "-o", str(tmp_path / "no" / "dir" / "r.md")]) == 1
    assert "cannot write" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [
    ["report", "page_views", "--format", "docx"],
    ["report", "page_views", "--date", "15/01/2026"],
    ["report", "page_views", "--date", "2026-02-30"],
    ["report", "page_views", "--paper", "a3"],
    ["report"],
])
def test_usage_errors_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2


def test_pdf_needs_an_output_file(capsys):
    assert main(["report", "page_views", "--format", "pdf"]) == 2
    assert "-o FILE" in capsys.readouterr().err


def test_help_lists_report(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "report" in capsys.readouterr().out


def test_json_summary(capsys):
    import json

    assert main(["report", "page_views", "--json", "--date", DATE]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["date"] == DATE and payload["designs"][0]["name"] == "Page view counters"
    assert len(payload["designs"][0]["content_sha256"]) == 64
