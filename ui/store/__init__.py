"""The design store: every browser design with a revision number, a short history and an expiry.

One interface (`Store`), two real backends chosen by the environment:

* **SQLite** (the default): one file, `workbench.sqlite3`, under the data directory
  (`DDB_WORKBENCH_DATA`, default `~/.ddb-workbench`), WAL mode, created on first use.
* **PostgreSQL**: `DDB_WORKBENCH_DATABASE_URL=postgresql://user@host:port/db`, so several app processes
  share designs (psycopg 3, installed with the `postgres` extra).

Every save names the revision it was based on; a save based on an older revision is refused
(`StaleRevision`) instead of overwriting what someone else saved. The store keeps the last
`MAX_HISTORY` revisions of each design ("restore an earlier version"), and removes designs
nobody opened for `DDB_WORKBENCH_KEEP_DAYS` days (default 30; 0 keeps them forever).

Ids arrive in the URL, so they are checked against one strict alphabet (`is_valid_id`) before they
reach SQL (always as bound parameters) or the file system (only the legacy import reads files).
This package does not import streamlit: the benchmarks, tests and the CLI can use it directly.
"""

from __future__ import annotations

import os
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

DATA_DIR_ENV = "DDB_WORKBENCH_DATA"
DATABASE_URL_ENV = "DDB_WORKBENCH_DATABASE_URL"
KEEP_DAYS_ENV = "DDB_WORKBENCH_KEEP_DAYS"
MAX_STORE_MB_ENV = "DDB_WORKBENCH_MAX_STORE_MB"
DEFAULT_DATA_DIR = Path.home() / ".ddb-workbench"
DEFAULT_KEEP_DAYS = 30
MAX_UNDO_STEPS = 20  # enough to step back through a workshop exercise; bounds a record's size
MAX_SNAPSHOTS = 12
MAX_HISTORY = 20  # revisions kept per design for "restore an earlier version"
GC_INTERVAL_S = 3600.0  # unused designs are looked for at most once an hour per process
_ID_PATTERN = re.compile(r"[a-z0-9]{6,32}")
_ID_BYTES = 6  # 12 hex characters: short enough for a URL, 2^48 ids


class StoreError(Exception):
    """The store could not read or write; the message says why in words a user can act on."""


class StaleRevision(StoreError):
    """A save based on an older revision than the stored one (someone else saved in between)."""

    def __init__(self, design_id: str, based_on: int, current: int, saved_at: float | None) -> None:
        when = time.strftime("%H:%M:%S", time.localtime(saved_at)) if saved_at else "just now"
        super().__init__(f"design {design_id} was changed elsewhere (revision {current}, saved at {when}) "
                         f"after this page loaded revision {based_on}")
        self.design_id = design_id
        self.based_on = based_on
        self.current = current
        self.saved_at = saved_at


@dataclass
class DesignRecord:
    """What the store keeps for one design id (revision 0: never stored)."""

    design_id: str
    design_json: str
    undo_json: list[str] = field(default_factory=list)
    snapshots: dict[str, str] = field(default_factory=dict)
    revision: int = 0
    saved_at: float | None = None


@dataclass(frozen=True)
class Revision:
    """One entry of a design's history."""

    revision: int
    saved_at: float
    design_json: str


def new_design_id() -> str:
    """A fresh random design id for the URL."""
    return secrets.token_hex(_ID_BYTES)


def is_valid_id(design_id: object) -> bool:
    """Whether a value from the URL is a well-formed design id: 6-32 of a-z and 0-9, nothing else (no newline)."""
    return isinstance(design_id, str) and _ID_PATTERN.fullmatch(design_id) is not None


def data_dir() -> Path:
    """The directory holding the SQLite store and any legacy autosave files."""
    env = os.environ.get(DATA_DIR_ENV)
    return Path(env).expanduser() if env else DEFAULT_DATA_DIR


def keep_days() -> float:
    """Days an unused design is kept (DDB_WORKBENCH_KEEP_DAYS; 0 or less keeps designs forever)."""
    raw = os.environ.get(KEEP_DAYS_ENV, "").strip()
    if not raw:
        return float(DEFAULT_KEEP_DAYS)
    try:
        return float(raw)
    except ValueError:
        return float(DEFAULT_KEEP_DAYS)


class Store:
    """The interface both backends implement (ui.store.sql)."""

    backend: str = "none"
    location: str = ""
    writable: bool = False
    problem: str | None = None  # why the store is read-only or unavailable, when it is

    def load(self, design_id: str) -> DesignRecord | None:  # pragma: no cover - interface
        raise NotImplementedError

    def revision(self, design_id: str) -> int:  # pragma: no cover - interface
        """The stored revision of a design (0 when nothing is stored): one cheap read per page run."""
        raise NotImplementedError

    def save(self, record: DesignRecord, base_revision: int | None = None) -> int:  # pragma: no cover
        """Store a record as the next revision and return it. With base_revision, refuse (StaleRevision)
        when the stored revision is not that one (0: only when nothing is stored yet); None writes anyway
        (imports, tests, tools)."""
        raise NotImplementedError

    def history(self, design_id: str) -> list[Revision]:  # pragma: no cover - interface
        """Up to MAX_HISTORY earlier revisions with distinct designs, newest first."""
        raise NotImplementedError

    def touch(self, design_id: str) -> None:  # pragma: no cover - interface
        """Mark a design as used now (it expires keep_days() after its last use)."""
        raise NotImplementedError

    def delete_unused(self, older_than_days: float) -> int:  # pragma: no cover - interface
        raise NotImplementedError

    def count(self) -> int:  # pragma: no cover - interface
        raise NotImplementedError


class UnavailableStore(Store):
    """Stands in when no store can be opened: nothing loads, every save fails with the reason."""

    def __init__(self, location: str, problem: str) -> None:
        self.location = location
        self.problem = problem

    def load(self, design_id: str) -> DesignRecord | None:
        return None

    def revision(self, design_id: str) -> int:
        return 0

    def save(self, record: DesignRecord, base_revision: int | None = None) -> int:
        raise StoreError(self.problem or "the design store is not available")

    def history(self, design_id: str) -> list[Revision]:
        return []

    def touch(self, design_id: str) -> None:
        return None

    def delete_unused(self, older_than_days: float) -> int:
        return 0

    def count(self) -> int:
        return 0


REOPEN_AFTER_S = 30.0  # an unavailable store (database down, folder not writable) is tried again this often
_lock = threading.Lock()
_stores: dict[tuple[str, str], tuple[Store, float]] = {}
_last_gc: dict[tuple[str, str], float] = {}


def _config_key() -> tuple[str, str]:
    url = os.environ.get(DATABASE_URL_ENV, "").strip()
    return (url, "" if url else str(data_dir()))


def get_store() -> Store:
    """The process's store for the current configuration (opened once; unused designs removed hourly)."""
    key = _config_key()
    with _lock:
        store, opened = _stores.get(key, (None, 0.0))
        if store is None or (isinstance(store, UnavailableStore) and time.monotonic() - opened > REOPEN_AFTER_S):
            from ui.store.sql import open_store

            store = open_store(database_url=key[0], directory=Path(key[1]) if key[1] else None)
            _stores[key] = (store, time.monotonic())
        due = time.monotonic() - _last_gc.get(key, -GC_INTERVAL_S) >= GC_INTERVAL_S
        if due:
            _last_gc[key] = time.monotonic()
    if due and store.writable and keep_days() > 0:
        try:
            store.delete_unused(keep_days())
        except StoreError:
            pass  # a failed clean-up must not keep anyone from their design; it is retried in an hour
    return store


def reset() -> None:
    """Forget the opened stores (tests switch the environment between cases)."""
    with _lock:
        for store, _opened in _stores.values():
            close = getattr(store, "close", None)
            if close is not None:
                close()
        _stores.clear()
        _last_gc.clear()


# Module-level shortcuts on the current store (what tests, benchmarks and tools use).


def load(design_id: object) -> DesignRecord | None:
    """The stored record of an id, or None when the id is malformed, unknown or unreadable."""
    if not is_valid_id(design_id):
        return None
    return get_store().load(str(design_id))


def save(record: DesignRecord, base_revision: int | None = None) -> int:
    """Store a record (see Store.save); the id must be valid."""
    if not is_valid_id(record.design_id):
        raise ValueError(f"invalid design id {record.design_id!r}")
    return get_store().save(record, base_revision)
