"""Sandbox runs of one browser session: a private in-memory DynamoDB per session, rebuilt when the design changes.

The sandbox is mutable (a PutItem changes its items), so it is never cached across sessions: each
session keeps its own under a session-state key, next to the design text it was built from.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from ui import state

SANDBOX = "wb_sandbox"  # (design hash, Sandbox)
LAST_RUN = "wb_sandbox_last_run"
MAX_ITEMS_SHOWN = 100


@dataclass
class RunOutcome:
    """What one request did: its items, consumed capacity per table/index, or its error."""

    operation: str
    items: list[dict[str, Any]] = field(default_factory=list)
    arms: dict[str, float] = field(default_factory=dict)
    count: int | None = None
    scanned_count: int | None = None
    error: str | None = None
    response: dict[str, Any] | None = None


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


def session_sandbox(reset: bool = False) -> Any:
    """This session's sandbox for the current design (built from the seeded sample items on first use)."""
    from engine.sandbox import Sandbox

    held = st.session_state.get(SANDBOX)
    if reset or held is None or held[0] != _design_hash():
        held = (_design_hash(), Sandbox.from_model(state.current_model()))
        st.session_state[SANDBOX] = held
    return held[1]


def parse_request(text: str) -> dict[str, Any]:
    """The request JSON typed by the user (ValueError naming the line and column on a syntax error)."""
    try:
        request = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"line {exc.lineno}, column {exc.colno}: {exc.msg}; fix the JSON there") from None
    if not isinstance(request, dict):
        raise ValueError("the request must be a JSON object, e.g. {\"TableName\": ..., \"Key\": {...}}")
    return request


def run(operation: str, request: dict[str, Any]) -> RunOutcome:
    """Run one request on the session's sandbox with ReturnConsumedCapacity=INDEXES."""
    from engine.patterns import consumed_arms

    sandbox = session_sandbox()
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
    return RunOutcome(operation, items=items[:MAX_ITEMS_SHOWN], arms=consumed_arms(response.get("ConsumedCapacity")),
                      count=response.get("Count"), scanned_count=response.get("ScannedCount"), response=response)
