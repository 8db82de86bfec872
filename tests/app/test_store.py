"""The design store: ids from the URL are checked before touching files, writes are atomic, damage is ignored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from app_harness import store_sample
from hypothesis import given, settings
from hypothesis import strategies as st

from ui import store


@pytest.mark.parametrize("bad_id", ["", "../etc/passwd", "ABCDEF123", "a b c d e f", "x" * 33, "abc", None, 12345678,
                                    "abcdef/../x", "abcdef\x00"])
def test_malformed_ids_are_refused(bad_id) -> None:
    assert not store.is_valid_id(bad_id)
    assert store.load(bad_id) is None


def test_new_ids_are_valid_and_distinct() -> None:
    ids = {store.new_design_id() for _ in range(200)}
    assert len(ids) == 200 and all(store.is_valid_id(i) for i in ids)


def test_save_then_load_round_trips_and_leaves_no_temp_files(data_dir: Path) -> None:
    record = store.DesignRecord("abc123def", '{"name": "x"}', ["{}", "{}"], {"before": "{}"})
    store.save(record)
    assert store.load("abc123def") == record
    files = list((data_dir / "designs").iterdir())
    assert [f.name for f in files] == ["abc123def.json"]


def test_undo_history_is_bounded(data_dir: Path) -> None:
    store.save(store.DesignRecord("abc123def", "{}", [str(i) for i in range(100)]))
    assert len(store.load("abc123def").undo_json) == store.MAX_UNDO_STEPS


def test_a_damaged_file_reads_as_absent(data_dir: Path) -> None:
    store.save(store.DesignRecord("abc123def", "{}"))
    (data_dir / "designs" / "abc123def.json").write_text("{not json", encoding="utf-8")
    assert store.load("abc123def") is None


def test_a_stored_design_that_no_longer_parses_falls_back_to_a_sample(open_app, data_dir: Path) -> None:
    store_sample("page_views", "stale0001")
    path = data_dir / "designs" / "stale0001.json"
    record = json.loads(path.read_text())
    record["design_json"] = json.dumps({"name": "old", "tables": [], "unknown_field": 1})
    path.write_text(json.dumps(record))
    at = open_app(design_id="stale0001")
    assert not at.exception
    assert any("no longer reads" in s.value for s in at.sidebar.success)
    assert at.session_state["wb_design_id"] == "stale0001"


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=40))
def test_only_lowercase_alphanumeric_ids_of_6_to_32_characters_are_valid(text: str) -> None:
    expected = 6 <= len(text) <= 32 and all(c in "abcdefghijklmnopqrstuvwxyz0123456789" for c in text)
    assert store.is_valid_id(text) == expected
