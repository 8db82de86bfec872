"""The upgrade from one JSON file per design (the store before revisions) to the SQL store.

On the first start with a SQL store, every `<data dir>/designs/<id>.json` the old store wrote is imported as
revision 1 of its id (unless the id is already stored), so nothing anyone had is lost by the upgrade. The
files are left where they are (a backup); a marker in `store_meta` keeps a later start from importing them
again (and from bringing back designs that have since expired). Temp files the old store left behind when a
process was killed mid-save (`.<id>.<random>.tmp`) are removed on every start.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ui.store.sql import SqlStore

LEGACY_FOLDER = "designs"
MAX_LEGACY_FILE_BYTES = 64 * 1024 * 1024  # far above any real record; a bigger file is skipped and reported


def remove_orphaned_temp_files(folder: Path) -> int:
    """Delete the old store's leftover temp files (a kill during a save); return how many."""
    removed = 0
    if not folder.is_dir():
        return 0
    for path in folder.glob(".*.tmp"):
        try:
            path.unlink()
            removed += 1
        except OSError:
            continue
    return removed


def import_legacy_files(store: SqlStore, directory: Path) -> tuple[int, list[str]]:
    """Import the old per-file autosaves under directory once; return (imported, skipped with reasons)."""
    from ui.store import DesignRecord, StaleRevision, StoreError, is_valid_id

    folder = directory / LEGACY_FOLDER
    skipped: list[str] = []
    if not folder.is_dir() or not store.writable:
        return 0, skipped
    remove_orphaned_temp_files(folder)
    marker = f"legacy-import:{folder.resolve()}"
    try:
        if store.meta(marker) is not None:
            return 0, skipped
    except StoreError:
        return 0, skipped
    imported = 0
    for path in sorted(folder.glob("*.json")):
        if not is_valid_id(path.stem):
            skipped.append(f"{path.name}: not a design id")
            continue
        try:
            if path.stat().st_size > MAX_LEGACY_FILE_BYTES:
                skipped.append(f"{path.name}: larger than {MAX_LEGACY_FILE_BYTES // (1024 * 1024)} MB")
                continue
            data = json.loads(path.read_text(encoding="utf-8"))
            record = DesignRecord(
                design_id=path.stem,
                design_json=str(data["design_json"]),
                undo_json=[str(t) for t in data.get("undo_json", [])],
                snapshots={str(k): str(v) for k, v in dict(data.get("snapshots", {})).items()},
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            skipped.append(f"{path.name}: unreadable ({type(exc).__name__})")
            continue
        try:
            store.save(record, base_revision=0)
            imported += 1
        except StaleRevision:
            continue  # already in the store (another process imported it first)
        except StoreError as exc:
            skipped.append(f"{path.name}: {exc}")
    try:
        store.set_meta(marker, json.dumps({"at": time.time(), "imported": imported, "skipped": skipped}))
    except StoreError:
        pass  # imported again next start; saves with base 0 make that harmless
    return imported, skipped
