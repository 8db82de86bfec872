"""Session state of the workbench: the user's design (non-widget keys), its URL id, autosave and undo.

The design lives in session state as canonical JSON text (the cache key of every engine call),
is autosaved to ui.store under the id carried in the URL (?design=<id>), and is restored from
the store when a session starts with an id: a refresh, a dropped websocket or a server restart
loses nothing. Widgets only mirror the design and write back through the functions here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from engine.errors import DesignValidationError, WorkbenchError
from engine.io import design_data, dump_model, loads_model, sample_names
from engine.model import DataModel, parse_model
from ui import cache, store

DESIGN_ID = "wb_design_id"
DESIGN_JSON = "wb_design_json"
UNDO = "wb_undo"
SNAPSHOTS = "wb_snapshots"
FLASH = "wb_flash"
QUERY_PARAM = "design"
WIDGET_PREFIX = "w."  # keys of widgets that mirror the design; dropped when the design changes elsewhere
YAML_TEXT = f"{WIDGET_PREFIX}yaml"  # the YAML tab's text; kept across a change when the user edited it
YAML_SEED = "wb_yaml_seed"  # the text the YAML tab was loaded with
DEFAULT_SAMPLE = "github_single_table"

BLANK_DESIGN: dict[str, Any] = {
    "name": "new design",
    "description": "An empty single-table design: add entities and access patterns on the Design page.",
    "tables": [{"name": "app", "partition_key": {"name": "PK"}, "sort_key": {"name": "SK"}}],
}


def ensure_session() -> None:
    """Make sure this session has a design and its id is in the URL (idempotent; call on every page)."""
    url_id = st.query_params.get(QUERY_PARAM)
    have = st.session_state.get(DESIGN_ID)
    if have and (url_id is None or url_id == have):
        if url_id is None:
            st.query_params[QUERY_PARAM] = have
        return
    if store.is_valid_id(url_id) and _adopt(url_id):
        return
    design_id = url_id if store.is_valid_id(url_id) else store.new_design_id()
    _start(design_id, default_model())
    st.query_params[QUERY_PARAM] = design_id


def _adopt(design_id: str) -> bool:
    """Load a stored design into the session; False when the id is unknown or the text no longer parses."""
    record = store.load(design_id)
    if record is None:
        return False
    try:
        cache.model_from_json(record.design_json)
    except WorkbenchError:
        flash(f"The saved design {design_id} no longer reads with this version; a sample was loaded instead.")
        return False
    st.session_state[DESIGN_ID] = design_id
    st.session_state[DESIGN_JSON] = record.design_json
    st.session_state[UNDO] = list(record.undo_json)
    st.session_state[SNAPSHOTS] = dict(record.snapshots)
    return True


def _start(design_id: str, model: DataModel) -> None:
    st.session_state[DESIGN_ID] = design_id
    st.session_state[DESIGN_JSON] = dump_model(model, "json")
    st.session_state[UNDO] = []
    st.session_state[SNAPSHOTS] = {}
    _autosave()


def default_model() -> DataModel:
    """The design a new session opens with: the default sample, else the first sample, else a blank one."""
    names = sample_names()
    for name in ([DEFAULT_SAMPLE] if DEFAULT_SAMPLE in names else []) + list(names):
        try:
            return cache.sample_model(name)
        except WorkbenchError:
            continue
    return parse_model(BLANK_DESIGN)


def blank_model() -> DataModel:
    """A new empty design (one table, nothing else)."""
    return parse_model(BLANK_DESIGN)


# ----------------------------------------------------------------------------- reading


def design_id() -> str:
    return st.session_state[DESIGN_ID]


def design_json() -> str:
    """Canonical JSON text of the current design (the key every cached engine call uses)."""
    return st.session_state[DESIGN_JSON]


def current_model() -> DataModel:
    return cache.model_from_json(design_json())


def can_undo() -> bool:
    return bool(st.session_state.get(UNDO))


def snapshots() -> dict[str, str]:
    """Named copies of the design the user kept for comparison: name -> design JSON."""
    return dict(st.session_state.get(SNAPSHOTS, {}))


# ----------------------------------------------------------------------------- changing


NO_CHANGE_NOTE = "Nothing changed: the design already says that."


def set_model(model: DataModel, note: str = "", keep_widget: str | None = None) -> bool:
    """Replace the design (undoable), autosave it and resync the widgets mirroring it; False (and, for a change
    the user asked for, a message saying so) when the design is already that."""
    text = dump_model(model, "json")
    if text == design_json():
        if note:
            flash(NO_CHANGE_NOTE)
        return False
    undo_stack = st.session_state.setdefault(UNDO, [])
    undo_stack.append(design_json())
    del undo_stack[:-store.MAX_UNDO_STEPS]
    st.session_state[DESIGN_JSON] = text
    _autosave()
    reset_widgets(keep=keep_widget)
    if note:
        flash(note)
    return True


def edit_design(mutate: Callable[[dict[str, Any]], None], note: str = "",
                keep_widget: str | None = None) -> list[str]:
    """Apply a change to the design's plain data; return the validation problems (empty when applied)."""
    data = design_data(current_model())
    data.pop("format_version", None)
    try:
        mutate(data)
        model = parse_model(data)
    except DesignValidationError as exc:
        return list(exc.problems)
    except WorkbenchError as exc:
        return [str(exc)]
    except (KeyError, IndexError, ValueError, TypeError) as exc:
        return [f"the change could not be applied: {exc}"]
    set_model(model, note, keep_widget)
    return []


def load_text(text: str, fmt: str, source: str) -> list[str]:
    """Replace the design by a YAML/JSON text; return its problems (with line numbers) when it does not load."""
    try:
        model = loads_model(text, fmt, source=source)
    except DesignValidationError as exc:
        return list(exc.problems)
    except WorkbenchError as exc:
        return [str(exc)]
    set_model(model, f"Loaded {source}.")
    return []


def undo() -> None:
    """Go back to the design before the last change."""
    undo_stack = st.session_state.get(UNDO) or []
    if not undo_stack:
        return
    st.session_state[DESIGN_JSON] = undo_stack.pop()
    _autosave()
    reset_widgets()
    flash("Undid the last change.")


def keep_snapshot(name: str) -> None:
    """Keep a named copy of the current design (for the Compare page)."""
    snaps = st.session_state.setdefault(SNAPSHOTS, {})
    snaps.pop(name, None)
    snaps[name] = design_json()
    while len(snaps) > store.MAX_SNAPSHOTS:
        snaps.pop(next(iter(snaps)))
    _autosave()


def reset_widgets(keep: str | None = None) -> None:
    """Drop the state of widgets mirroring the design so they re-read it on the next run (ui.editors.base.mirrored
    seeds them again). YAML text the user edited is kept: the YAML tab shows it as based on an older version."""
    edited_yaml = st.session_state.get(YAML_TEXT, st.session_state.get(YAML_SEED)) != st.session_state.get(YAML_SEED)
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(WIDGET_PREFIX)]:
        if key != keep and not (key == YAML_TEXT and edited_yaml):
            del st.session_state[key]


def revision(text: str | None = None) -> str:
    """A short fingerprint of a design's JSON text (the current design's by default)."""
    import hashlib

    return hashlib.sha1((design_json() if text is None else text).encode("utf-8")).hexdigest()[:12]


def _autosave() -> None:
    store.save(store.DesignRecord(
        design_id=st.session_state[DESIGN_ID],
        design_json=st.session_state[DESIGN_JSON],
        undo_json=list(st.session_state.get(UNDO, [])),
        snapshots=dict(st.session_state.get(SNAPSHOTS, {})),
    ))


# ----------------------------------------------------------------------------- messages


def flash(message: str) -> None:
    """A one-line message shown once at the top of the next page render."""
    st.session_state[FLASH] = message


def pop_flash() -> str | None:
    return st.session_state.pop(FLASH, None)
