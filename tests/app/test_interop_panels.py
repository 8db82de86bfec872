"""The Start page's Import panel and the Design page's Export panel (issue 13), through AppTest: what a person sees
is what `ddb-workbench import` / `export` produce, a bad file gets a message naming it (never a traceback), and
nothing changes until "Open as a new design" is pressed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from app_harness import open_design, shown

from engine.interop import EXPORT_FORMATS, export_design, export_notes, import_file
from engine.io import load_sample

DATA = Path(__file__).resolve().parents[1] / "engine" / "interop" / "data"
START = "views/start_page.py"


def _open_import(at):
    at.session_state["view.start.import"] = True
    return at.switch_page(START).run()


def test_importing_a_nosql_workbench_model_previews_it_and_opens_it_as_a_new_design(open_app) -> None:
    """NoSQL Workbench 3.0 file as the desktop app writes it (tests/engine/interop/data): the preview counts what
    the CLI import finds, lists its notes, and the design opens only on the button, at a new address."""
    path = DATA / "nwb_v3_provisioned.json"
    expected = import_file(path)
    at = _open_import(open_app("page_views"))
    before_id, before_json = at.query_params.get("design"), at.session_state["wb_design_json"]
    at.file_uploader(key="import.file").upload(path.name, path.read_bytes(), "application/json").run()
    assert not at.exception
    success = " ".join(shown(s.value) for s in at.main.success)
    assert f"{len(expected.model.tables)} table" in success and "nosql-workbench" in success, success
    tables = at.main.dataframe[0].value
    assert list(tables["table"]) == [t.name for t in expected.model.tables]
    assert at.session_state["wb_design_json"] == before_json  # nothing changed by the preview
    at.button(key="import.open").click().run()
    assert not at.exception
    opened = json.loads(at.session_state["wb_design_json"])
    assert [t["name"] for t in opened["tables"]] == [t.name for t in expected.model.tables]
    assert opened["name"] == expected.model.name
    assert at.query_params.get("design") != before_id  # a new design at its own address


def test_an_import_with_notes_lists_every_note(open_app) -> None:
    """A hand-edited model (duplicate/empty facets, numbers as strings): every skipped part is listed with where
    and why, the same notes the CLI prints."""
    path = DATA / "nwb_hand_edited.json"
    expected = import_file(path)
    assert expected.notes, "the fixture is meant to produce notes"
    at = _open_import(open_app("page_views"))
    at.file_uploader(key="import.file").upload(path.name, path.read_bytes(), "application/json").run()
    notes = at.main.dataframe[1].value
    assert list(notes["why"]) == [n.why for n in expected.notes]
    assert list(notes["where"]) == [n.where for n in expected.notes]


@pytest.mark.parametrize("payload, expected", [
    (b"{\"DataModel\": [", "line"),                      # truncated JSON: line and column
    (b"\xff\xfe\x00garbage", "UTF-8"),                   # not text
    (b"{\"hello\": 1}", "cannot tell the format"),       # not one of the formats
])
def test_a_bad_import_file_is_named_with_the_fix_and_changes_nothing(open_app, payload, expected) -> None:
    at = _open_import(open_app("page_views"))
    before = at.session_state["wb_design_json"]
    at.file_uploader(key="import.file").upload("bad.json", payload, "application/json").run()
    assert not at.exception
    errors = " ".join(shown(e.value) for e in at.main.error)
    assert "bad.json" in errors and expected in errors, errors
    assert at.session_state["wb_design_json"] == before
    assert not [b for b in at.button if b.key == "import.open"]


def test_the_export_tab_offers_every_format_with_the_cli_text_and_its_notes(open_app) -> None:
    """Every `ddb-workbench export --to` format is offered; the preview is the CLI's text (the first lines) and
    the notes are what export_notes says the format cannot carry."""
    at = open_design(open_app("orders_by_customer"), "Export")
    assert not at.exception
    assert set(at.selectbox(key="view.export.to").options) >= {
        at.selectbox(key="view.export.to").format_func(f) for f in EXPORT_FORMATS}
    model = load_sample("orders_by_customer")
    for to in EXPORT_FORMATS:
        at.selectbox(key="view.export.to").set_value(to).run()
        assert not at.exception, to
        text = export_design(model, to)
        preview = at.main.code[0].value
        assert text.startswith(preview.rstrip("\n")), to
        notes = " ".join(shown(m.value) for m in at.main.markdown if ":material/info:" in m.value)
        for note in export_notes(model, to):
            assert shown(note) in notes, (to, note)
        assert at.get("download_button")[0].proto.label.startswith("Download"), to


def test_the_items_export_of_a_multi_table_design_is_one_zip_of_every_tables_files(open_app) -> None:
    """`export --to items` needs -o DIR (or --table) for several tables; the page offers the directory's files as
    one zip: the same names and contents as the CLI writes."""
    import io
    import zipfile

    from engine.interop.items_out import items_files

    at = open_design(open_app("github_single_table"), "Export")
    at.selectbox(key="view.export.to").set_value("items").run()
    assert not at.exception
    from ui.interop import items_zip

    model = load_sample("github_single_table")
    expected, _ = items_files(model, 0)
    archive = zipfile.ZipFile(io.BytesIO(items_zip(at.session_state["wb_design_json"])))
    assert {n: archive.read(n).decode() for n in archive.namelist()} == expected
