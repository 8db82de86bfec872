"""Editor plumbing: widgets seeded from the design, edits applied with their problems kept per editor,
and short messages that name the field, the value and the fix."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from engine.errors import Problem
from ui import format as fmt
from ui import state

W = state.WIDGET_PREFIX
PROBLEMS = "wb_problems"  # editor id -> problems (records, or text) of its last rejected change
MAX_VALUE_CHARS = 60       # long values in messages are shortened, the path and the fix are kept
MAX_PROBLEMS_SHOWN = 20    # problems listed under one editor (a broken YAML may have thousands)


def mirrored(key: str, value: Any) -> str:
    """The key of a widget that mirrors a design field, seeded with the design's value when its state is new.

    Widgets are created without `value=`/`index=`/`default=`: the value comes from session state, so after any
    change of the design (ui.state.reset_widgets drops these keys) the server sends the design's value to the
    browser, which otherwise re-sends the value it showed before (a YAML tab that reverted form edits).
    """
    if key not in st.session_state:
        st.session_state[key] = value
    return key


def seeded(key: str, value: Any) -> dict[str, Any]:
    """`key=` and `value=` of a text, number or checkbox widget that mirrors a design field: seeded in session
    state like `mirrored`, and given the same value as its default so the browser's first paint shows the
    design's value instead of flashing 0 or an empty box (the server's state arrives a moment later).
    Streamlit logs a duplication warning for this; .streamlit/config.toml switches it off on purpose."""
    return {"key": mirrored(key, value), "value": value}


FIELD_WIDTH_PX = 230  # one form field: a label of ~30 characters on two lines, a value readable in full


def cells(width_px: int = FIELD_WIDTH_PX) -> Callable[[], Any]:
    """A row of fixed-width cells that wraps in a narrow window (st.columns would squeeze every label and
    value instead: at 900 px a three-column form cut "Ascending sort order" to "Ascending so..."); call the
    result once per field."""
    row = st.container(horizontal=True, gap="small")
    return lambda: row.container(width=width_px)


def problems_of(editor: str) -> list[Problem | str]:
    return list(st.session_state.get(PROBLEMS, {}).get(editor, []))


def set_problems(editor: str, problems: Sequence[Problem | str]) -> None:
    store = st.session_state.setdefault(PROBLEMS, {})
    if problems:
        shown: list[Problem | str] = [dataclasses.replace(p, message=readable(p.message)) if isinstance(p, Problem)
                                      else readable(p) for p in problems[:MAX_PROBLEMS_SHOWN]]
        if len(problems) > MAX_PROBLEMS_SHOWN:
            shown.append(f"... and {len(problems) - MAX_PROBLEMS_SHOWN:,} more problems: fix these first.")
        store[editor] = shown
    else:
        store.pop(editor, None)


def show_problems(editor: str) -> None:
    """The problems of the last rejected change made in one editor, right where it was made: each names the
    field's path, then the message (as text: they quote the values typed)."""
    for problem in problems_of(editor):
        st.error(fmt.text(str(problem), lines=True), icon=":material/error:")


def apply(editor: str, mutate: Callable[[dict[str, Any]], None], note: str, keep: str | None = None) -> bool:
    """Apply a change of the design's plain data; keep its problems under `editor`. True when applied."""
    problems = state.edit_design(mutate, note, keep_widget=keep)
    set_problems(editor, problems)
    return not problems


def readable(message: str) -> str:
    """A validator message for a person: values longer than MAX_VALUE_CHARS are shortened in the middle."""
    def shorten(match: re.Match[str]) -> str:
        text = match.group(0)
        if len(text) <= MAX_VALUE_CHARS:
            return text
        half = MAX_VALUE_CHARS // 2 - 2
        return f"{text[:half]}…{text[-half:]}"

    return re.sub(r"'[^']{" + str(MAX_VALUE_CHARS) + r",}'", shorten, str(message))


def number_or_none(value: Any) -> float | None:
    """A numeric widget value, or None for an empty one."""
    if value is None or value == "":
        return None
    return float(value)


def csv_names(text: str) -> list[str]:
    """Comma-separated names, trimmed, empty ones dropped."""
    return [part.strip() for part in str(text or "").split(",") if part.strip()]
