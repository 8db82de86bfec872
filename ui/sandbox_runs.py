"""Sandbox runs of one browser session: the design's sample items in an in-memory DynamoDB, private to the session.

Building a sandbox takes 0.2-5 s of CPU and 0.3-15 MiB on the samples (more with large items), so a session does
not build its own: every session reads (GetItem, Query, Scan, ...) from one sandbox per design shared through
ui.cache, which nothing ever writes to, and a session gets its own copy only before its first write. The copy
shares the stored items with the shared sandbox (the sandbox never changes a stored item in place: a write
stores a new item), so it costs the session ~2-60 ms and at most ~1.5 MiB on the samples. What the session keeps
of a run is the display rows of at most MAX_ITEMS_SHOWN items, values shortened as the grid shows them.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from ui import cache, state
from ui.collections import scalar_text

SANDBOX = "wb_sandbox"  # (design hash, this session's private Sandbox, or None while it has only read)
LAST_RUN = "wb_sandbox_last_run"
MAX_ITEMS_SHOWN = 100
# Operations that never change a sandbox: they run on the shared one until the session has written.
READ_OPERATIONS = frozenset({"GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems", "DescribeTable",
                             "DescribeTimeToLive", "ListTables"})


@dataclass
class RunOutcome:
    """What one request did: its items (as display rows), consumed capacity per table/index, or its error."""

    operation: str
    rows: list[dict[str, str]] = field(default_factory=list)
    arms: dict[str, float] = field(default_factory=dict)
    count: int | None = None
    scanned_count: int | None = None
    error: str | None = None


def operations() -> list[str]:
    """The DynamoDB operations the sandbox answers (for the page's operation picker)."""
    from engine.sandbox import OPERATIONS

    return list(OPERATIONS)


def agreement_text(agreement: str) -> str:
    """What a pattern run's agreement with the capacity engine's estimate means, in words."""
    from engine.patterns import AGREEMENT_TEXT

    return AGREEMENT_TEXT.get(agreement, agreement)


def _design_hash() -> str:
    return hashlib.sha256(state.design_json().encode("utf-8")).hexdigest()[:16]


def private_copy(shared: Any) -> Any:
    """A sandbox of the session's own with the shared sandbox's tables and items: its tables, partitions and
    index entries are copies, the stored items themselves are shared (never changed in place by the sandbox)."""
    from engine.sandbox import Sandbox

    items: dict[int, Any] = {}
    for table in shared.tables.values():
        for record in table.records():
            items[id(record.item)] = record.item
        for index in table.indexes:
            for partition in index.partitions.values():
                for entry in partition.values():
                    items[id(entry.item)] = entry.item
    own = Sandbox(item_collection_limit_bytes=shared.item_collection_limit_bytes, clock=shared.clock)
    own.tables = copy.deepcopy(shared.tables, items)  # the memo maps each item to itself: not copied
    own.client_tokens = dict(shared.client_tokens)
    return own


def session_sandbox(reset: bool = False, for_write: bool = False) -> Any:
    """This session's sandbox for the current design: the shared read-only one until the session writes (pass
    for_write=True before a write), then its private copy. reset=True drops the session's writes."""
    design_hash = _design_hash()
    held = st.session_state.get(SANDBOX)
    if reset or held is None or held[0] != design_hash:
        held = (design_hash, None)
        st.session_state[SANDBOX] = held
    if held[1] is not None:
        return held[1]
    shared = cache.shared_sandbox(state.design_json())
    if not for_write:
        return shared
    own = private_copy(shared)
    st.session_state[SANDBOX] = (design_hash, own)
    return own


def reset() -> None:
    """Drop this session's writes: it reads the shared sandbox again (nothing is rebuilt)."""
    st.session_state.pop(SANDBOX, None)


def parse_request(text: str) -> dict[str, Any]:
    """The request JSON typed by the user (ValueError naming the line and column on a syntax error)."""
    try:
        request = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"line {exc.lineno}, column {exc.colno}: {exc.msg}; fix the JSON there") from None
    if not isinstance(request, dict):
        raise ValueError("the request must be a JSON object, e.g. {\"TableName\": ..., \"Key\": {...}}")
    return request


def display_row(item: dict[str, Any]) -> dict[str, str]:
    """An item as the grid shows it (values shortened by ui.collections.scalar_text)."""
    return {name: scalar_text(value) for name, value in item.items()}


def run(operation: str, request: dict[str, Any]) -> RunOutcome:
    """Run one request on the session's sandbox with ReturnConsumedCapacity=INDEXES."""
    from engine.patterns import consumed_arms

    sandbox = session_sandbox(for_write=operation not in READ_OPERATIONS)
    result = sandbox.execute(operation, {**request, "ReturnConsumedCapacity": "INDEXES"})
    if result.error is not None:
        err = result.error
        return RunOutcome(operation, arms=consumed_arms(getattr(err, "consumed_capacity", None)),
                          error=f"{err.code}: {err.message}")
    response = result.response or {}
    items = list(response.get("Items") or ([response["Item"]] if response.get("Item") else []))
    for table_items in (response.get("Responses") or {}).values() if isinstance(response.get("Responses"), dict) \
            else []:
        items.extend(table_items)
    if isinstance(response.get("Responses"), list):  # TransactGetItems
        items.extend(r["Item"] for r in response["Responses"] if r.get("Item"))
    return RunOutcome(operation, rows=[display_row(item) for item in items[:MAX_ITEMS_SHOWN]],
                      arms=consumed_arms(response.get("ConsumedCapacity")), count=response.get("Count"),
                      scanned_count=response.get("ScannedCount"))
