"""Design store: each browser design autosaved as one JSON file, written atomically, keyed by its id.

The data directory comes from the environment variable DDB_WORKBENCH_DATA (default
~/.ddb-workbench), so tests and workshops can move it. A record holds the design text, the undo
stack and named snapshots; nothing else about a session is kept. Ids are random and checked
against a strict pattern before they touch the file system (the id arrives in the URL).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

DATA_DIR_ENV = "DDB_WORKBENCH_DATA"
DEFAULT_DATA_DIR = Path.home() / ".ddb-workbench"
RECORD_VERSION = 1
MAX_UNDO_STEPS = 20  # enough to step back through a workshop exercise; bounds the file size
MAX_SNAPSHOTS = 12
_ID_PATTERN = re.compile(r"^[a-z0-9]{6,32}$")
_ID_BYTES = 6  # 12 hex characters: short enough for a URL, 2^48 ids


@dataclass
class DesignRecord:
    """What the store keeps for one design id."""

    design_id: str
    design_json: str
    undo_json: list[str] = field(default_factory=list)
    snapshots: dict[str, str] = field(default_factory=dict)


def data_dir() -> Path:
    """The directory holding the store (created on first write)."""
    env = os.environ.get(DATA_DIR_ENV)
    return Path(env).expanduser() if env else DEFAULT_DATA_DIR


def new_design_id() -> str:
    """A fresh random design id for the URL."""
    return secrets.token_hex(_ID_BYTES)


def is_valid_id(design_id: object) -> bool:
    """Whether a value from the URL is a well-formed design id (and so safe as a file name)."""
    return isinstance(design_id, str) and bool(_ID_PATTERN.match(design_id))


def _record_path(design_id: str) -> Path:
    if not is_valid_id(design_id):
        raise ValueError(f"invalid design id {design_id!r}")
    return data_dir() / "designs" / f"{design_id}.json"


def load(design_id: str) -> DesignRecord | None:
    """The stored record of an id, or None when absent or unreadable (a damaged file is ignored)."""
    if not is_valid_id(design_id):
        return None
    path = _record_path(design_id)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return DesignRecord(
            design_id=design_id,
            design_json=str(data["design_json"]),
            undo_json=[str(t) for t in data.get("undo_json", [])][-MAX_UNDO_STEPS:],
            snapshots={str(k): str(v) for k, v in dict(data.get("snapshots", {})).items()},
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save(record: DesignRecord) -> None:
    """Write a record atomically: a temp file in the same folder, fsynced, then renamed over the old one."""
    path = _record_path(record.design_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps({
        "version": RECORD_VERSION,
        "design_json": record.design_json,
        "undo_json": record.undo_json[-MAX_UNDO_STEPS:],
        "snapshots": dict(list(record.snapshots.items())[-MAX_SNAPSHOTS:]),
    }, ensure_ascii=False)
    fd, tmp = tempfile.mkstemp(prefix=f".{record.design_id}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
