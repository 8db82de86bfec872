"""The two store backends, one SQL: SQLite (embedded default) and PostgreSQL (several app processes).

Both keep three tables: `designs` (the current record of each id with its revision), `design_history`
(the last MAX_HISTORY revisions' design texts) and `store_meta` (one-time migrations). A save is one
transaction: read the stored revision, refuse when it is not the one the save was based on, write the
next revision with `UPDATE ... WHERE revision = <read>` (so under PostgreSQL's READ COMMITTED a
concurrent save that slipped in between makes the update match no row: refused, never overwritten),
and record the design in the history. Every value reaches SQL as a bound parameter.
"""

from __future__ import annotations

import json
import queue
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ui.store import (
    DATA_DIR_ENV,
    DATABASE_URL_ENV,
    MAX_HISTORY,
    MAX_SNAPSHOTS,
    MAX_STORE_MB_ENV,
    MAX_UNDO_STEPS,
    DesignRecord,
    Revision,
    StaleRevision,
    Store,
    StoreError,
    UnavailableStore,
    is_valid_id,
)
from ui.store.legacy import import_legacy_files

SQLITE_FILE = "workbench.sqlite3"
IDLE_CONNECTIONS = 8  # connections kept open between page runs (more are opened under load, then closed)
TOUCH_EVERY_S = 600.0  # a design's last use is written at most every 10 minutes
_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS designs (
        id TEXT PRIMARY KEY,
        revision INTEGER NOT NULL,
        design_json TEXT NOT NULL,
        undo_json TEXT NOT NULL,
        snapshots_json TEXT NOT NULL,
        created_at DOUBLE PRECISION NOT NULL,
        updated_at DOUBLE PRECISION NOT NULL,
        used_at DOUBLE PRECISION NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS design_history (
        id TEXT NOT NULL,
        revision INTEGER NOT NULL,
        design_json TEXT NOT NULL,
        saved_at DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (id, revision))""",
    "CREATE INDEX IF NOT EXISTS designs_used_at ON designs (used_at)",
    "CREATE TABLE IF NOT EXISTS store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
)


class _Tx:
    """A transaction's cursor with the backend's parameter style hidden."""

    def __init__(self, cursor: Any, postgres: bool) -> None:
        self._cursor = cursor
        self._postgres = postgres

    def run(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        self._cursor.execute(sql.replace("?", "%s") if self._postgres else sql, params)
        return int(self._cursor.rowcount)

    def one(self, sql: str, params: tuple[Any, ...] = ()) -> tuple[Any, ...] | None:
        self.run(sql, params)
        row = self._cursor.fetchone()
        return tuple(row) if row is not None else None

    def all(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        self.run(sql, params)
        return [tuple(r) for r in self._cursor.fetchall()]


class SqlStore(Store):
    """The store on a SQL database; subclasses open connections and name their errors."""

    postgres = False
    errors: tuple[type[BaseException], ...] = ()

    def __init__(self, location: str, *, writable: bool = True, problem: str | None = None) -> None:
        self.location = location
        self.writable = writable
        self.problem = problem
        self._idle: queue.LifoQueue[Any] = queue.LifoQueue()

    # --------------------------------------------------------------- connections and transactions

    def _connect(self) -> Any:  # pragma: no cover - each backend
        raise NotImplementedError

    def _begin(self, conn: Any, write: bool) -> Any:  # pragma: no cover - each backend
        raise NotImplementedError

    def _describe(self, exc: BaseException, action: str) -> str:
        return f"the design store ({self.backend}, {self.location}) could not {action}: {exc}"

    @contextmanager
    def _transaction(self, action: str, write: bool = False) -> Iterator[_Tx]:
        try:
            conn = self._idle.get_nowait()
        except queue.Empty:
            conn = None
        healthy = True
        try:
            if conn is None:
                conn = self._connect()
            cursor = self._begin(conn, write)
            try:
                yield _Tx(cursor, self.postgres)
            except BaseException:
                conn.rollback()
                raise
            conn.commit()
        except StoreError:
            raise
        except self.errors as exc:
            healthy = False
            raise StoreError(self._describe(exc, action)) from exc
        finally:
            if conn is not None:
                if healthy and self._idle.qsize() < IDLE_CONNECTIONS:
                    self._idle.put(conn)
                else:
                    _close_quietly(conn)

    def close(self) -> None:
        while True:
            try:
                _close_quietly(self._idle.get_nowait())
            except queue.Empty:
                return

    def create_schema(self) -> None:
        with self._transaction("create its tables", write=True) as tx:
            if self.postgres:  # two processes starting at once must not race on CREATE TABLE
                tx.run("SELECT pg_advisory_xact_lock(7105)")
            for statement in _SCHEMA:
                tx.run(statement)

    # --------------------------------------------------------------- the interface

    def load(self, design_id: str) -> DesignRecord | None:
        if not is_valid_id(design_id):  # the id came from a URL: only the strict alphabet goes further
            return None
        with self._transaction("read a design") as tx:
            row = tx.one("SELECT design_json, undo_json, snapshots_json, revision, updated_at FROM designs "
                         "WHERE id = ?", (design_id,))
        if row is None:
            return None
        try:
            undo = [str(t) for t in json.loads(row[1])][-MAX_UNDO_STEPS:]
            snapshots = {str(k): str(v) for k, v in dict(json.loads(row[2])).items()}
        except (ValueError, TypeError):
            undo, snapshots = [], {}  # a damaged undo stack must not cost the design itself
        return DesignRecord(design_id, str(row[0]), undo, snapshots, int(row[3]), float(row[4]))

    def revision(self, design_id: str) -> int:
        if not is_valid_id(design_id):
            return 0
        with self._transaction("read a design's revision") as tx:
            row = tx.one("SELECT revision FROM designs WHERE id = ?", (design_id,))
        return int(row[0]) if row else 0

    def save(self, record: DesignRecord, base_revision: int | None = None) -> int:
        if not is_valid_id(record.design_id):
            raise ValueError(f"invalid design id {record.design_id!r}")
        if not self.writable:
            raise StoreError(self.problem or "the design store is read-only")
        undo = json.dumps(list(record.undo_json)[-MAX_UNDO_STEPS:], ensure_ascii=False)
        snapshots = json.dumps(dict(list(record.snapshots.items())[-MAX_SNAPSHOTS:]), ensure_ascii=False)
        for _attempt in range(5):  # only an unconditional save retries (a concurrent one slipped in)
            now = time.time()
            with self._transaction("save the design", write=True) as tx:
                row = tx.one("SELECT revision, design_json, updated_at FROM designs WHERE id = ?",
                             (record.design_id,))
                current = int(row[0]) if row else 0
                if base_revision is not None and base_revision != current:
                    raise StaleRevision(record.design_id, base_revision, current, float(row[2]) if row else None)
                new = current + 1
                if row is None:
                    written = tx.run(
                        "INSERT INTO designs (id, revision, design_json, undo_json, snapshots_json, created_at, "
                        "updated_at, used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                        (record.design_id, new, record.design_json, undo, snapshots, now, now, now))
                else:
                    written = tx.run(
                        "UPDATE designs SET revision = ?, design_json = ?, undo_json = ?, snapshots_json = ?, "
                        "updated_at = ?, used_at = ? WHERE id = ? AND revision = ?",
                        (new, record.design_json, undo, snapshots, now, now, record.design_id, current))
                if written == 1:
                    if row is None or row[1] != record.design_json:
                        tx.run("INSERT INTO design_history (id, revision, design_json, saved_at) VALUES (?, ?, ?, ?)",
                               (record.design_id, new, record.design_json, now))
                        tx.run("DELETE FROM design_history WHERE id = ? AND revision <= ("
                               "SELECT MIN(revision) FROM (SELECT revision FROM design_history WHERE id = ? "
                               "ORDER BY revision DESC LIMIT ?) AS kept) - 1",
                               (record.design_id, record.design_id, MAX_HISTORY))
                    return new
            if base_revision is not None:  # someone saved between our read and our write
                raise StaleRevision(record.design_id, base_revision, self.revision(record.design_id), None)
        raise StoreError(f"design {record.design_id} is being saved by many at once; try again")

    def history(self, design_id: str) -> list[Revision]:
        if not is_valid_id(design_id):
            return []
        with self._transaction("read a design's history") as tx:
            rows = tx.all("SELECT revision, saved_at, design_json FROM design_history WHERE id = ? "
                          "ORDER BY revision DESC LIMIT ?", (design_id, MAX_HISTORY))
        return [Revision(int(r[0]), float(r[1]), str(r[2])) for r in rows]

    def touch(self, design_id: str) -> None:
        if not self.writable or not is_valid_id(design_id):
            return
        now = time.time()
        try:
            with self._transaction("mark a design as used", write=True) as tx:
                tx.run("UPDATE designs SET used_at = ? WHERE id = ? AND used_at < ?",
                       (now, design_id, now - TOUCH_EVERY_S))
        except StoreError:
            pass  # expiry bookkeeping never stands between a person and their design

    def delete_unused(self, older_than_days: float) -> int:
        cutoff = time.time() - older_than_days * 86400.0
        with self._transaction("remove unused designs", write=True) as tx:
            tx.run("DELETE FROM design_history WHERE id IN (SELECT id FROM designs WHERE used_at < ?)", (cutoff,))
            return tx.run("DELETE FROM designs WHERE used_at < ?", (cutoff,))

    def count(self) -> int:
        with self._transaction("count designs") as tx:
            row = tx.one("SELECT COUNT(*) FROM designs")
        return int(row[0]) if row else 0

    def meta(self, key: str) -> str | None:
        with self._transaction("read its settings") as tx:
            row = tx.one("SELECT value FROM store_meta WHERE key = ?", (key,))
        return str(row[0]) if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._transaction("write its settings", write=True) as tx:
            tx.run("INSERT INTO store_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = ?",
                   (key, value, value))


class SqliteStore(SqlStore):
    """SQLite in WAL mode: readers never wait for a writer; a writer takes the lock up front (BEGIN IMMEDIATE)."""

    backend = "SQLite"
    errors = (sqlite3.Error,)

    def __init__(self, path: Path, *, read_only: bool = False, max_megabytes: float | None = None,
                 problem: str | None = None) -> None:
        super().__init__(str(path), writable=not read_only, problem=problem)
        self.path = path
        self.read_only = read_only
        self.max_megabytes = max_megabytes

    def _connect(self) -> sqlite3.Connection:
        if self.read_only:
            conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=10.0,
                                   isolation_level=None, check_same_thread=False)
        else:
            conn = sqlite3.connect(self.path, timeout=10.0, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")  # a saved edit survives a power cut, not only a crash
        conn.execute("PRAGMA busy_timeout = 10000")
        if self.max_megabytes is not None:
            page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
            conn.execute(f"PRAGMA max_page_count = {max(16, int(self.max_megabytes * 1024 * 1024 / page_size))}")
        return conn

    def _begin(self, conn: sqlite3.Connection, write: bool) -> sqlite3.Cursor:
        cursor = conn.cursor()
        cursor.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        return cursor

    def _describe(self, exc: BaseException, action: str) -> str:
        text = str(exc)
        if "full" in text:
            return (f"the design store is full ({self.location}: {text}); free disk space"
                    + (f" or raise {MAX_STORE_MB_ENV} (now {self.max_megabytes:g} MB)" if self.max_megabytes else ""))
        if "readonly" in text or "read-only" in text:
            return f"the design store is read-only ({self.location}); set {DATA_DIR_ENV} to a writable folder"
        return super()._describe(exc, action)


class PostgresStore(SqlStore):
    """PostgreSQL through psycopg 3 (READ COMMITTED; the conditional UPDATE decides between concurrent saves)."""

    backend = "PostgreSQL"
    postgres = True

    def __init__(self, url: str) -> None:
        import psycopg

        super().__init__(_redact(url))
        self.url = url
        self.errors = (psycopg.Error,)
        self._psycopg = psycopg

    def _connect(self) -> Any:
        return self._psycopg.connect(self.url, connect_timeout=10, application_name="ddb-workbench")

    def _begin(self, conn: Any, write: bool) -> Any:
        return conn.cursor()  # psycopg opens a transaction at the first statement


def _close_quietly(conn: Any) -> None:
    try:
        conn.close()
    except Exception:  # noqa: BLE001 - closing a broken connection may fail in many ways; nothing to do
        pass


def _redact(url: str) -> str:
    """A database URL without its password, for messages."""
    return re.sub(r"(//[^:/@]+):[^@]*@", r"\1:***@", url)


def _max_megabytes() -> float | None:
    import os

    raw = os.environ.get(MAX_STORE_MB_ENV, "").strip()
    try:
        value = float(raw) if raw else None
    except ValueError:
        return None
    return value if value and value > 0 else None


def open_store(database_url: str, directory: Path | None) -> Store:
    """Open the configured store: PostgreSQL when a URL is given, else SQLite under the data directory.
    A store that cannot be opened for writing is opened read-only, else stands in as unavailable, with the
    reason; the app still opens."""
    if database_url:
        return _open_postgres(database_url)
    assert directory is not None
    path = directory / SQLITE_FILE
    try:
        directory.mkdir(parents=True, exist_ok=True)
        store: SqlStore = SqliteStore(path, max_megabytes=_max_megabytes())
        store.create_schema()
    except (OSError, StoreError) as exc:
        problem = (f"designs cannot be saved on this server: the data folder {directory} is not writable ({exc}); "
                   f"set {DATA_DIR_ENV} to a writable folder")
        if path.is_file():
            try:
                read_only = SqliteStore(path, read_only=True, problem=problem)
                read_only.count()
                return read_only
            except StoreError:
                pass
        return UnavailableStore(str(path), problem)
    import_legacy_files(store, directory)
    return store


def _open_postgres(url: str) -> Store:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return UnavailableStore(_redact(url), f"{DATABASE_URL_ENV} is set but psycopg is not installed: "
                                              "pip install -e '.[postgres]'")
    try:
        store = PostgresStore(url)
        store.create_schema()
    except StoreError as exc:
        return UnavailableStore(_redact(url), f"designs cannot be saved: {exc}; check {DATABASE_URL_ENV}")
    except Exception as exc:  # noqa: BLE001 - a malformed URL raises before any psycopg.Error
        return UnavailableStore(_redact(url), f"designs cannot be saved: {DATABASE_URL_ENV} is not usable "
                                              f"({type(exc).__name__}: {exc})")
    from ui.store import data_dir

    import_legacy_files(store, data_dir())
    return store
