"""The design store on both backends (issue 11): revisions refuse stale saves, concurrent saves lose nothing,
history and expiry, the upgrade from per-file autosaves, hostile ids, and a store that cannot be written.

SQLite always runs; the PostgreSQL cases start a real server from Debian's package (tests/support/postgres.py)
and are named `[postgres]` so `pytest -k postgres` selects them.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from app_harness import store_sample
from hypothesis import given, settings
from hypothesis import strategies as st

from ui import store
from ui.store.sql import SQLITE_FILE, PostgresStore, SqliteStore, open_store

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> store.Store:
    """The store configured as the app would configure it: SQLite under the data dir, or PostgreSQL by URL."""
    if request.param == "postgres":
        url = request.getfixturevalue("postgres_url")
        monkeypatch.setenv(store.DATABASE_URL_ENV, url)
    opened = store.get_store()
    assert opened.writable, opened.problem
    assert isinstance(opened, PostgresStore if request.param == "postgres" else SqliteStore)
    return opened


def _record(design_id: str = "abc123def", text: str = '{"name": "x"}', **kw) -> store.DesignRecord:
    return store.DesignRecord(design_id, text, **kw)


# ----------------------------------------------------------------------------- ids


HOSTILE_IDS = ["", "../etc/passwd", "ABCDEF123", "a b c d e f", "x" * 33, "x" * 10_000, "abc", None, 12345678,
               "abcdef/../x", "abcdef\x00", "abcdef\n", "\nabcdef", "abcdéf", "abcdef１", "abc'; DROP TABLE designs; --",
               "abcdef%0A", "аbcdef"]  # the last one starts with a Cyrillic a


@pytest.mark.parametrize("bad_id", HOSTILE_IDS, ids=repr)
def test_malformed_ids_are_refused(bad_id, data_dir: Path) -> None:
    store.get_store()
    assert not store.is_valid_id(bad_id)
    assert store.load(bad_id) is None
    with pytest.raises(ValueError):
        store.save(_record(design_id=bad_id))  # type: ignore[arg-type]
    # Nothing reached the file system under the id: the data dir holds only the SQLite store.
    assert {p.name for p in data_dir.iterdir()} <= {SQLITE_FILE, f"{SQLITE_FILE}-wal", f"{SQLITE_FILE}-shm"}


@pytest.mark.parametrize("bad_id", [i for i in HOSTILE_IDS if isinstance(i, str)], ids=repr)
def test_hostile_ids_never_reach_sql(bad_id, backend: store.Store) -> None:
    """The backends check the id themselves too (and bind every value): nothing matches, the tables survive."""
    backend.save(_record())
    assert backend.load(bad_id) is None
    assert backend.revision(bad_id) == 0 and backend.history(bad_id) == []
    with pytest.raises(ValueError):
        backend.save(_record(design_id=bad_id))
    assert backend.load("abc123def") is not None and backend.count() == 1


def test_new_ids_are_valid_and_distinct() -> None:
    ids = {store.new_design_id() for _ in range(200)}
    assert len(ids) == 200 and all(store.is_valid_id(i) for i in ids)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=40))
def test_only_lowercase_alphanumeric_ids_of_6_to_32_characters_are_valid(text: str) -> None:
    expected = 6 <= len(text) <= 32 and all(c in "abcdefghijklmnopqrstuvwxyz0123456789" for c in text)
    assert store.is_valid_id(text) == expected


# ----------------------------------------------------------------------------- revisions


def test_save_then_load_round_trips_with_revisions(backend: store.Store) -> None:
    record = _record(undo_json=["{}", "{}"], snapshots={"before": "{}"})
    assert backend.save(record, base_revision=0) == 1
    loaded = backend.load("abc123def")
    assert (loaded.design_json, loaded.undo_json, loaded.snapshots, loaded.revision) == (
        record.design_json, record.undo_json, record.snapshots, 1)
    record.design_json = '{"name": "y"}'
    assert backend.save(record, base_revision=1) == 2
    assert backend.revision("abc123def") == 2


def test_a_save_based_on_an_older_revision_is_refused_and_overwrites_nothing(backend: store.Store) -> None:
    backend.save(_record(text='{"v": "first"}'), base_revision=0)
    backend.save(_record(text='{"v": "theirs"}'), base_revision=1)  # someone else's save: revision 2
    with pytest.raises(store.StaleRevision) as refused:
        backend.save(_record(text='{"v": "mine"}'), base_revision=1)
    assert (refused.value.based_on, refused.value.current) == (1, 2)
    assert "changed elsewhere" in str(refused.value) and "revision 2" in str(refused.value)
    with pytest.raises(store.StaleRevision):
        backend.save(_record(text='{"v": "new"}'), base_revision=0)  # "new" design under a taken id
    assert backend.load("abc123def").design_json == '{"v": "theirs"}'


def test_history_keeps_the_last_distinct_designs(backend: store.Store) -> None:
    for i in range(store.MAX_HISTORY + 5):
        backend.save(_record(text=json.dumps({"v": i})), base_revision=i)
    backend.save(_record(text=json.dumps({"v": store.MAX_HISTORY + 4}), snapshots={"s": "{}"}),
                 base_revision=store.MAX_HISTORY + 5)  # a snapshot-only save: no new history entry
    revisions = backend.history("abc123def")
    assert len(revisions) == store.MAX_HISTORY
    assert [r.revision for r in revisions] == sorted((r.revision for r in revisions), reverse=True)
    assert json.loads(revisions[0].design_json) == {"v": store.MAX_HISTORY + 4}
    assert json.loads(revisions[-1].design_json) == {"v": 5}


def test_undo_history_is_bounded(backend: store.Store) -> None:
    backend.save(_record(text="{}", undo_json=[str(i) for i in range(100)]))
    assert backend.load("abc123def").undo_json == [str(i) for i in range(100 - store.MAX_UNDO_STEPS, 100)]


def _increment(design_id: str, times: int) -> int:
    """Read-modify-write a counter in a design `times` times, retrying refused saves; return refusals."""
    refused = 0
    target = store.get_store()
    for _ in range(times):
        while True:
            record = target.load(design_id)
            record.design_json = json.dumps({"n": json.loads(record.design_json)["n"] + 1})
            try:
                target.save(record, base_revision=record.revision)
                break
            except store.StaleRevision:
                refused += 1
    return refused


def test_concurrent_saves_from_threads_lose_no_update(backend: store.Store) -> None:
    backend.save(_record(text='{"n": 0}'), base_revision=0)
    results: list[int] = []
    threads = [threading.Thread(target=lambda: results.append(_increment("abc123def", 15))) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    record = backend.load("abc123def")
    assert json.loads(record.design_json) == {"n": 90}  # every increment landed: none overwritten
    assert record.revision == 91


def _increment_in_process(env: dict[str, str], design_id: str, times: int, out: multiprocessing.Queue) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    out.put(_increment(design_id, times))


def test_concurrent_saves_from_processes_lose_no_update(backend: store.Store) -> None:
    backend.save(_record(text='{"n": 0}'), base_revision=0)
    env = {k: os.environ[k] for k in (store.DATA_DIR_ENV, store.DATABASE_URL_ENV) if k in os.environ}
    ctx = multiprocessing.get_context("spawn")
    out: multiprocessing.Queue = ctx.Queue()
    procs = [ctx.Process(target=_increment_in_process, args=(env, "abc123def", 10, out)) for _ in range(3)]
    for p in procs:
        p.start()
    refusals = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    record = backend.load("abc123def")
    assert json.loads(record.design_json) == {"n": 30}, refusals
    assert record.revision == 31


# ----------------------------------------------------------------------------- expiry


def test_designs_unused_for_the_kept_days_are_removed(backend: store.Store) -> None:
    backend.save(_record("oldone1", '{"v": 1}'))
    backend.save(_record("newone1", '{"v": 2}'))
    old = time.time() - 40 * 86400
    import ui.store.sql as sql

    with backend._transaction("age a design", write=True) as tx:  # as if last opened 40 days ago
        tx.run("UPDATE designs SET used_at = ? WHERE id = ?", (old, "oldone1"))
    assert backend.delete_unused(30) == 1
    assert backend.load("oldone1") is None and backend.history("oldone1") == []
    assert backend.load("newone1") is not None
    assert sql.TOUCH_EVERY_S > 0


def test_opening_a_design_keeps_it(backend: store.Store) -> None:
    backend.save(_record("usedone", '{"v": 1}'))
    with backend._transaction("age a design", write=True) as tx:
        tx.run("UPDATE designs SET used_at = ? WHERE id = ?", (time.time() - 40 * 86400, "usedone"))
    backend.touch("usedone")
    assert backend.delete_unused(30) == 0


def test_keep_days_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(store.KEEP_DAYS_ENV, raising=False)
    assert store.keep_days() == 30
    monkeypatch.setenv(store.KEEP_DAYS_ENV, "7")
    assert store.keep_days() == 7


# ----------------------------------------------------------------------------- the upgrade from files


def _legacy_file(folder: Path, design_id: str, name: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{design_id}.json").write_text(json.dumps({
        "version": 1, "design_json": json.dumps({"name": name}), "undo_json": ["{}"], "snapshots": {"a": "{}"}}))


def test_file_autosaves_are_imported_once_and_temp_files_removed(data_dir: Path) -> None:
    folder = data_dir / "designs"
    _legacy_file(folder, "legacy001", "one")
    _legacy_file(folder, "legacy002", "two")
    (folder / "not an id.json").write_text("{}")
    (folder / "legacy003.json").write_text("{broken")
    for i in range(3):
        (folder / f".legacy001.{i}abc.tmp").write_bytes(b"x" * 1000)
    opened = store.get_store()
    assert json.loads(opened.load("legacy001").design_json) == {"name": "one"}
    assert opened.load("legacy001").snapshots == {"a": "{}"} and opened.load("legacy001").revision == 1
    assert opened.load("legacy002") is not None and opened.load("legacy003") is None
    assert not list(folder.glob(".*.tmp"))
    marker = next(v for k, v in _meta(data_dir).items() if k.startswith("legacy-import:"))
    assert json.loads(marker)["imported"] == 2
    assert any("legacy003.json: unreadable" in s for s in json.loads(marker)["skipped"])
    opened.delete_unused(-1)  # everything expires ...
    store.reset()
    assert store.get_store().load("legacy001") is None  # ... and is not imported again on the next start


def _meta(data_dir: Path) -> dict[str, str]:
    with sqlite3.connect(data_dir / SQLITE_FILE) as conn:
        return dict(conn.execute("SELECT key, value FROM store_meta").fetchall())


def test_file_autosaves_are_imported_into_postgres(postgres_url: str, data_dir: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    _legacy_file(data_dir / "designs", "legacy001", "one")
    monkeypatch.setenv(store.DATABASE_URL_ENV, postgres_url)
    assert json.loads(store.get_store().load("legacy001").design_json) == {"name": "one"}


# ----------------------------------------------------------------------------- a store that cannot be written


def test_an_unwritable_data_folder_gives_a_store_that_says_why(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(store.DATA_DIR_ENV, str(blocker / "data"))
    opened = store.get_store()
    assert not opened.writable and isinstance(opened, store.UnavailableStore)
    assert opened.load("abc123def") is None
    with pytest.raises(store.StoreError, match="not writable") as failed:
        opened.save(_record())
    assert str(blocker / "data") in str(failed.value) and store.DATA_DIR_ENV in str(failed.value)


def test_an_existing_store_opens_read_only_when_it_cannot_be_written(data_dir: Path) -> None:
    store.save(_record(text='{"kept": 1}'))
    store.reset()
    read_only = SqliteStore(data_dir / SQLITE_FILE, read_only=True, problem="the folder is read-only")
    assert read_only.load("abc123def").design_json == '{"kept": 1}'
    with pytest.raises(store.StoreError, match="read-only"):
        read_only.save(_record())


def test_a_full_store_fails_the_save_with_a_message(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite's own 'database or disk is full' (its size capped by DDB_WORKBENCH_MAX_STORE_MB) becomes a message."""
    monkeypatch.setenv(store.MAX_STORE_MB_ENV, "0.1")
    opened = store.get_store()
    with pytest.raises(store.StoreError, match="full") as failed:
        opened.save(_record(text=json.dumps({"big": "x" * 300_000})))
    assert store.MAX_STORE_MB_ENV in str(failed.value)
    assert opened.load("abc123def") is None
    opened.save(_record(text='{"small": 1}'))  # the store still works for what fits


def test_an_unreachable_postgres_gives_a_store_that_says_why() -> None:
    opened = open_store("postgresql://nobody:secret@127.0.0.1:1/none", None)
    assert not opened.writable
    assert "secret" not in (opened.problem or "") and store.DATABASE_URL_ENV in (opened.problem or "")


SAVER = """
import json, sys, time
sys.path.insert(0, {root!r})
from ui import store
n = 0
while True:
    n += 1
    store.save(store.DesignRecord("killme01", json.dumps({{"n": n, "pad": "x" * 20000}})))
    print(n, flush=True)
"""


def test_kill_9_during_saves_corrupts_nothing_and_leaves_no_temp_files(data_dir: Path) -> None:
    env = {**os.environ, store.DATA_DIR_ENV: str(data_dir)}
    last = 0
    for round_ in range(8):
        proc = subprocess.Popen([sys.executable, "-c", SAVER.format(root=str(ROOT))], env=env,
                                stdout=subprocess.PIPE, text=True)
        for _ in range(3 + round_ * 2):
            line = proc.stdout.readline()
            assert line, "the saving process died on its own"
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        store.reset()
        record = store.get_store().load("killme01")
        assert record is not None and record.revision > last  # a whole, newer record every time
        last = record.revision
        json.loads(record.design_json)
    with sqlite3.connect(data_dir / SQLITE_FILE) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert {p.name for p in data_dir.iterdir()} <= {SQLITE_FILE, f"{SQLITE_FILE}-wal", f"{SQLITE_FILE}-shm"}


# ----------------------------------------------------------------------------- the app on a stored design


def test_a_stored_design_that_no_longer_parses_falls_back_to_a_sample(open_app, data_dir: Path) -> None:
    store_sample("page_views", "stale0001")
    record = store.load("stale0001")
    record.design_json = json.dumps({"name": "old", "tables": [], "unknown_field": 1})
    store.save(record)
    at = open_app(design_id="stale0001")
    assert not at.exception
    assert any("no longer reads" in s.value for s in at.sidebar.success)
    assert at.session_state["wb_design_id"] == "stale0001"
