"""Several places editing one design (issue 11): nothing is stored before the first edit, a stale save is refused
and shown next to the design with the ways out, a second tab follows the first, share-a-copy links fork on the
first edit, lesson links fork, a store that cannot be written says so, and a workshop access code.

Each AppTest below is one browser session; two of them on one data directory are two people on one server.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from app_harness import APP, TIMEOUT_S, store_sample
from streamlit.testing.v1 import AppTest

from ui import state, store

CAPACITY = "views/capacity_page.py"
START = "views/start_page.py"
PATTERN = "repository and latest issues"  # a pattern of the default sample, github_single_table


def _session(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def _param(at: AppTest, key: str) -> str | None:
    value = at.query_params.get(key)
    return value[0] if isinstance(value, list) else value


def _set_rate(at: AppTest, value: float) -> AppTest:
    if at.session_state["wb_design_json"] and not any(n.key == f"w.rate.{PATTERN}" for n in at.number_input):
        at.switch_page(CAPACITY).run()
    at.number_input(key=f"w.rate.{PATTERN}").set_value(value).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _rate_in(design_json: str) -> float:
    return next(p["requests_per_second"] for p in json.loads(design_json)["access_patterns"] if p["name"] == PATTERN)


def _errors(at: AppTest) -> list[str]:
    return [e.value for e in at.main.error]


def test_a_visit_stores_nothing_until_the_first_edit(data_dir: Path) -> None:
    at = _session()
    design_id = _param(at, "design")
    assert store.is_valid_id(design_id)
    assert store.get_store().count() == 0
    assert any("nothing is stored until your first edit" in c.value for c in at.sidebar.caption)
    _set_rate(at, 1234)
    record = store.load(design_id)
    assert record.revision == 1 and _rate_in(record.design_json) == 1234
    assert any("revision 1" in c.value and "30 days" in c.value for c in at.sidebar.caption)


def test_an_id_with_nothing_stored_shows_the_default_sample_under_that_id(data_dir: Path) -> None:
    at = _session(design="bookmark01")
    assert _param(at, "design") == "bookmark01" and at.session_state["wb_design_id"] == "bookmark01"
    assert store.get_store().count() == 0
    _set_rate(at, 77)
    assert _rate_in(store.load("bookmark01").design_json) == 77


@pytest.mark.parametrize("bad", ["abcdef\n", "../../etc", "ABCDEFGH", "x" * 200, "abcdéf12"])
def test_a_malformed_id_in_the_address_starts_a_new_design_and_says_so(data_dir: Path, bad: str) -> None:
    at = _session(design=bad)
    assert not at.exception
    assert store.is_valid_id(_param(at, "design")) and _param(at, "design") != bad
    assert any("not a design id" in i.value for i in at.main.info)


def test_a_stale_save_is_refused_shown_next_to_the_design_and_can_be_kept_as_a_copy(data_dir: Path) -> None:
    design_id = store_sample("github_single_table", "shared001")
    alice = _session(design=design_id).switch_page(CAPACITY).run()
    bob = _session(design=design_id).switch_page(CAPACITY).run()  # both look at the same page
    _set_rate(alice, 500)
    _set_rate(bob, 900)  # based on revision 1; alice saved revision 2 meanwhile
    stored = store.load(design_id)
    assert _rate_in(stored.design_json) == 500 and stored.revision == 2  # nothing overwritten
    assert any("not saved" in e and "changed elsewhere" in e and "revision 2" in e for e in _errors(bob))
    assert _rate_in(bob.session_state["wb_design_json"]) == 900  # bob's edit is still on his screen
    next(b for b in bob.button if b.label == "Keep mine as a copy").click().run()
    copy_id = _param(bob, "design")
    assert copy_id != design_id and _rate_in(store.load(copy_id).design_json) == 900
    assert _rate_in(store.load(design_id).design_json) == 500
    assert not _errors(bob)


def test_a_refused_save_can_give_way_to_the_newer_version(data_dir: Path) -> None:
    design_id = store_sample("github_single_table", "shared002")
    alice = _session(design=design_id).switch_page(CAPACITY).run()
    bob = _session(design=design_id).switch_page(CAPACITY).run()
    _set_rate(alice, 500)
    _set_rate(bob, 900)
    next(b for b in bob.button if b.label.startswith("Load the newer version")).click().run()
    assert _rate_in(bob.session_state["wb_design_json"]) == 500 and not _errors(bob)
    _set_rate(bob, 901)  # now based on the newest revision: saved
    assert _rate_in(store.load(design_id).design_json) == 901


def test_a_second_tab_learns_of_the_first_ones_change_at_its_next_interaction(data_dir: Path) -> None:
    design_id = store_sample("github_single_table", "shared003")
    first, second = _session(design=design_id), _session(design=design_id)
    _set_rate(first, 321)
    second.switch_page(CAPACITY).run()  # any interaction: here, opening another page
    assert _rate_in(second.session_state["wb_design_json"]) == 321
    assert any("changed elsewhere" in i.value for i in second.main.info)
    assert second.number_input(key=f"w.rate.{PATTERN}").value == 321


def test_a_shared_copy_is_read_only_and_forks_on_the_first_edit(data_dir: Path) -> None:
    design_id = store_sample("github_single_table", "teacher01")
    before = store.load(design_id)
    viewer = _session(copy=design_id)
    assert _param(viewer, "copy") == design_id and _param(viewer, "design") is None
    assert any("read-only copy" in c.value for c in viewer.sidebar.caption)
    assert store.get_store().count() == 1  # opening the copy stored nothing
    viewer.switch_page(CAPACITY).run()
    assert _param(viewer, "copy") == design_id  # still the copy after moving between pages
    _set_rate(viewer, 4242)
    own = _param(viewer, "design")
    assert own and own != design_id and _param(viewer, "copy") is None
    assert _rate_in(store.load(own).design_json) == 4242
    after = store.load(design_id)
    assert (after.revision, after.design_json) == (before.revision, before.design_json)  # never changed
    assert any("your own design" in i.value for i in viewer.main.info)


def test_the_sidebar_gives_a_copy_link_and_an_editing_link(data_dir: Path) -> None:
    at = _session(design="sharer001")
    _set_rate(at, 10)
    codes = [c.value for c in at.sidebar.code]
    assert any(c.endswith("?copy=sharer001") for c in codes) and any(c.endswith("?design=sharer001") for c in codes)


def test_opening_a_sample_from_the_start_page_forks_and_keeps_the_design_one_had(data_dir: Path) -> None:
    at = _session(design="mine00001")
    _set_rate(at, 55)
    at.switch_page(START).run()
    next(b for b in at.button if b.key == "open-sample-page_views").click().run()
    assert _param(at, "sample") == "page_views" and _param(at, "design") is None
    assert _rate_in(store.load("mine00001").design_json) == 55  # untouched
    assert "page_views" in json.loads(at.session_state["wb_design_json"])["name"].lower().replace(" ", "_") or \
        json.loads(at.session_state["wb_design_json"])["tables"]
    assert ("mine00001", json.loads(store.load("mine00001").design_json)["name"]) in [
        tuple(r) for r in at.session_state[state.RECENT]]


def test_earlier_versions_can_be_restored_from_the_sidebar(data_dir: Path) -> None:
    at = _session(design="history01")
    _set_rate(at, 11)
    _set_rate(at, 22)
    _set_rate(at, 33)
    restore = next(b for b in at.sidebar.button if b.key == "sidebar.restore.1")
    restore.click().run()
    assert _rate_in(store.load("history01").design_json) == 11
    assert store.load("history01").revision == 4


def test_a_store_that_cannot_be_written_still_opens_and_says_the_edit_is_not_saved(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv(store.DATA_DIR_ENV, str(blocker / "data"))
    at = _session()
    assert not at.exception
    assert any("cannot be saved" in w.value for w in at.main.warning)
    _set_rate(at, 999)
    assert any("not saved" in e and "not writable" in e for e in _errors(at))
    assert _rate_in(at.session_state["wb_design_json"]) == 999  # the edit stays on screen
    assert any(b.key == "save.retry" for b in at.button)


def test_a_workshop_access_code_is_asked_once_per_session(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DDB_WORKBENCH_ACCESS_CODE", "dynamo-42")
    at = _session()
    assert not at.main.subheader and "wb_design_id" not in at.session_state
    at.text_input[0].input("wrong")
    at.button[0].click().run()
    assert any("not the access code" in e.value for e in at.main.error)
    at.text_input[0].input("dynamo-42")
    at.button[0].click().run()
    assert "wb_design_id" in at.session_state and at.main.subheader
    at.switch_page(CAPACITY).run()
    assert not at.text_input or all(t.label != "Workshop access code" for t in at.text_input)
