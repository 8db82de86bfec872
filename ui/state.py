"""Session state of the workbench: the user's design (non-widget keys), its URL id, saving, conflicts and undo.

The design lives in session state as canonical JSON text (the cache key of every engine call) with the
store revision it is based on. Addresses:

* `?design=<id>`: a design, shared for editing by everyone who has the link. Nothing is stored for a visit
  until its first edit (an id with nothing stored shows the default sample under that id).
* `?copy=<id>`: a read-only view of a stored design; the first edit forks it into a new design of the
  viewer's own (the original never changes). `?sample=<name>`: the same for a sample design (lessons).

Every save names the revision it was based on (ui.store). A save refused because the design changed
elsewhere, or failed because the store cannot be written, keeps the edit in the session and is shown
next to the design (ui.widgets.save_status) with the ways out: load the newer version, keep mine as a
copy, retry, download. A page run that finds a newer stored revision and has nothing unsaved shows
the newer version and says so. Widgets only mirror the design and write back through the functions here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import streamlit as st

from engine.errors import DesignValidationError, Problem, WorkbenchError
from engine.io import design_data, dump_model, loads_model, sample_names
from engine.model import DataModel, parse_model
from ui import cache, store

DESIGN_ID = "wb_design_id"
DESIGN_JSON = "wb_design_json"
UNDO = "wb_undo"
SNAPSHOTS = "wb_snapshots"
REVISION = "wb_revision"  # the stored revision the session's design is based on (0: not stored)
SAVED_AT = "wb_saved_at"
SOURCE = "wb_source"  # ("copy", id) or ("sample", name) while viewing a copy that forks on the first edit
SAVE_PROBLEM = "wb_save_problem"  # {"kind": "conflict"|"failed", "message": ...} while the design is unsaved
NOTICE = "wb_notice"  # a sentence about the design shown on the page until the next change
RECENT = "wb_recent"  # designs this browser tab had open: [(id, name)]
FLASH = "wb_flash"
HISTORY = "wb_history"  # (design id, revision) -> the stored revisions read for it
QUERY_PARAM = "design"
COPY_PARAM = "copy"
SAMPLE_PARAM = "sample"
MAX_RECENT = 8
WIDGET_PREFIX = "w."  # keys of widgets that mirror the design; dropped when the design changes elsewhere
YAML_TEXT = f"{WIDGET_PREFIX}yaml"  # the YAML tab's text; kept across a change when the user edited it
YAML_SEED = "wb_yaml_seed"  # the text the YAML tab was loaded with
DEFAULT_SAMPLE = "github_single_table"

BLANK_DESIGN: dict[str, Any] = {
    "name": "new design",
    "description": "An empty single-table design: add entities and access patterns on the Design page.",
    "tables": [{"name": "app", "partition_key": {"name": "PK"}, "sort_key": {"name": "SK"}}],
}


def ensure_session(follow: bool = False) -> None:
    """Make sure this session has a design and the URL names it (idempotent; every page calls it). With
    follow (app.py, once per run), a newer revision saved elsewhere replaces an unchanged session design."""
    params = st.query_params
    url = {k: params.get(k) for k in (QUERY_PARAM, COPY_PARAM, SAMPLE_PARAM)}
    have = st.session_state.get(DESIGN_ID)
    source = st.session_state.get(SOURCE)
    if have:
        if source is not None and url[source[0]] in (None, source[1]) and (
                url[QUERY_PARAM] is None or url[QUERY_PARAM] == have):
            _set_url({source[0]: source[1]})
            return
        if source is None and url[COPY_PARAM] is None and url[SAMPLE_PARAM] is None and url[QUERY_PARAM] in (None, have):
            _set_url({QUERY_PARAM: have})
            if follow:
                _follow_elsewhere()
            return
    _open_from_url(url)


def _open_from_url(url: dict[str, str | None]) -> None:
    """Start the session on what the address names (a new session, or the user changed the address)."""
    copy_id, sample, wanted = url[COPY_PARAM], url[SAMPLE_PARAM], url[QUERY_PARAM]
    if copy_id is not None:
        record = _load(copy_id) if store.is_valid_id(copy_id) else None
        if record is not None and _parses(record.design_json):
            _view_copy(("copy", copy_id), record.design_json)
            return
        notice(f"No design is stored under the shared id {_quoted(copy_id)} (it may have expired); "
               "the default sample was opened instead.")
    elif sample is not None:
        if sample in sample_names():
            try:
                _view_copy(("sample", sample), dump_model(cache.sample_model(sample), "json"))
                return
            except WorkbenchError as exc:
                notice(f"Sample {_quoted(sample)} does not load ({exc}); the default sample was opened instead.")
        else:
            notice(f"There is no sample named {_quoted(sample)}; the default sample was opened instead.")
    elif wanted is not None:
        if store.is_valid_id(wanted):
            if _adopt(wanted):
                return
            _start(wanted, default_model())  # nothing stored under this id yet: the default sample
            _set_url({QUERY_PARAM: wanted})
            return
        notice(f"The address named design {_quoted(wanted)}, which is not a design id (6 to 32 lowercase "
               "letters and digits); a new design was started.")
    design_id = store.new_design_id()
    _start(design_id, default_model())
    _set_url({QUERY_PARAM: design_id})


def _quoted(value: str) -> str:
    shown = value if len(value) <= 40 else value[:40] + "..."
    return repr(shown)


def _parses(design_json: str) -> bool:
    try:
        cache.model_from_json(design_json)
    except WorkbenchError:
        return False
    return True


def _load(design_id: str) -> store.DesignRecord | None:
    try:
        return store.get_store().load(design_id)
    except store.StoreError as exc:
        notice(f"The stored design {design_id} could not be read ({exc}); a sample is shown instead.")
        return None


def _set_url(wanted: dict[str, str]) -> None:
    """Make the address carry exactly these design parameters (others untouched); writes only on a change."""
    params = st.query_params
    for key in (QUERY_PARAM, COPY_PARAM, SAMPLE_PARAM):
        if key in wanted:
            if params.get(key) != wanted[key]:
                params[key] = wanted[key]
        elif key in params:
            del params[key]


def _adopt(design_id: str) -> bool:
    """Load a stored design into the session; False when the id is unknown or the text no longer parses."""
    record = _load(design_id)
    if record is None:
        return False
    if not _parses(record.design_json):
        flash(f"The saved design {design_id} no longer reads with this version; a sample was loaded instead.")
        return False
    _take(record)
    st.session_state[SOURCE] = None
    _set_url({QUERY_PARAM: design_id})
    try:
        store.get_store().touch(design_id)
    except store.StoreError:
        pass
    return True


def _take(record: store.DesignRecord) -> None:
    st.session_state[DESIGN_ID] = record.design_id
    st.session_state[DESIGN_JSON] = record.design_json
    st.session_state[UNDO] = list(record.undo_json)
    st.session_state[SNAPSHOTS] = dict(record.snapshots)
    st.session_state[REVISION] = record.revision
    st.session_state[SAVED_AT] = record.saved_at
    st.session_state[SAVE_PROBLEM] = None
    _remember(record.design_id, record.design_json)


def _start(design_id: str, model: DataModel) -> None:
    """A session on a design nothing is stored for yet (written at the first edit)."""
    _take(store.DesignRecord(design_id, dump_model(model, "json")))
    st.session_state[SOURCE] = None


def _view_copy(source: tuple[str, str], design_json: str) -> None:
    """A read-only view of a shared design or sample; the first edit saves it under a new id of its own."""
    _take(store.DesignRecord(store.new_design_id(), design_json))
    st.session_state[SOURCE] = source
    _set_url({source[0]: source[1]})


def _remember(design_id: str, design_json: str) -> None:
    recent = [r for r in st.session_state.get(RECENT, []) if r[0] != design_id]
    try:
        name = cache.model_from_json(design_json).name
    except WorkbenchError:
        name = design_id
    st.session_state[RECENT] = ([(design_id, name)] + recent)[:MAX_RECENT]


def _follow_elsewhere() -> None:
    """A newer revision saved elsewhere (another tab, another person on the link) replaces this session's
    design when the session has nothing unsaved; the page says so."""
    if st.session_state.get(SAVE_PROBLEM):
        return
    have = st.session_state.get(REVISION, 0)
    try:
        stored = store.get_store().revision(design_id())
    except store.StoreError:
        return
    if stored > have:
        record = _load(design_id())
        if record is not None and _parses(record.design_json):
            _take(record)
            reset_widgets()
            notice(f"This design was changed elsewhere (another tab or someone with the editing link): now "
                   f"showing revision {record.revision}, saved at {_clock(record.saved_at)}.")
    elif stored == 0 and have > 0:
        st.session_state[REVISION] = 0  # removed from the store (expired): the next edit stores it again


def _clock(at: float | None) -> str:
    return time.strftime("%H:%M:%S", time.localtime(at)) if at else "an unknown time"


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
    saved = _autosave()
    reset_widgets(keep=keep_widget)
    if note and saved:  # an unsaved change is announced by the banner next to the design, not as a success
        flash(note)
    return True


def edit_design(mutate: Callable[[dict[str, Any]], None], note: str = "",
                keep_widget: str | None = None) -> list[Problem | str]:
    """Apply a change to the design's plain data; return the validation problems (empty when applied): records, or
    text for a change that could not be made at all."""
    data = design_data(current_model())
    data.pop("format_version", None)
    try:
        mutate(data)
        model = parse_model(data)
    except DesignValidationError as exc:
        return list(exc.records)
    except WorkbenchError as exc:
        return [str(exc)]
    except (KeyError, IndexError, ValueError, TypeError) as exc:
        return [f"the change could not be applied: {exc}"]
    set_model(model, note, keep_widget)
    return []


def load_text(text: str, fmt: str, source: str) -> list[Problem | str]:
    """Replace the design by a YAML/JSON text; return its problems (with line numbers) when it does not load:
    records, or text when the file could not be read."""
    try:
        model = loads_model(text, fmt, source=source)
    except DesignValidationError as exc:
        return list(exc.records)
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


def _autosave() -> bool:
    """Save the session's design as the next revision of the one it was based on. A copy being viewed forks
    into the session's own new id. Refused (changed elsewhere) or failed saves keep the edit in the session
    and are recorded for ui.widgets.save_status; True when saved."""
    record = store.DesignRecord(
        design_id=st.session_state[DESIGN_ID],
        design_json=st.session_state[DESIGN_JSON],
        undo_json=list(st.session_state.get(UNDO, [])),
        snapshots=dict(st.session_state.get(SNAPSHOTS, {})),
    )
    try:
        new_revision = store.get_store().save(record, base_revision=st.session_state.get(REVISION, 0))
    except store.StaleRevision as exc:
        st.session_state[SAVE_PROBLEM] = {"kind": "conflict", "message": str(exc), "current": exc.current}
        return False
    except store.StoreError as exc:
        st.session_state[SAVE_PROBLEM] = {"kind": "failed", "message": str(exc)}
        return False
    st.session_state[REVISION] = new_revision
    st.session_state[SAVED_AT] = time.time()
    st.session_state[SAVE_PROBLEM] = None
    st.session_state.pop(NOTICE, None)
    source = st.session_state.get(SOURCE)
    if source is not None:
        st.session_state[SOURCE] = None
        what = f"the shared design {source[1]}" if source[0] == "copy" else f"the sample {source[1]}"
        notice(f"Your edit made this your own design (id {record.design_id}, its own address); {what} is "
               "unchanged.")
    _set_url({QUERY_PARAM: record.design_id})
    _remember(record.design_id, record.design_json)
    return True


def save_problem() -> dict[str, Any] | None:
    """Why the design on screen is not saved ({"kind": "conflict"|"failed", "message": ...}), if it is not."""
    return st.session_state.get(SAVE_PROBLEM)


def retry_save() -> None:
    """Try the failed save again (the store may be writable again)."""
    if _autosave():
        flash("Saved.")


def load_stored() -> None:
    """Drop this session's unsaved change and show the stored (newer) version of the design."""
    record = _load(design_id())
    if record is None:
        st.session_state[REVISION] = 0
        st.session_state[SAVE_PROBLEM] = None
        retry_save()
        return
    _take(record)
    reset_widgets()
    flash(f"Loaded revision {record.revision} (saved at {_clock(record.saved_at)}); your unsaved change was "
          "dropped.")


def keep_as_copy() -> None:
    """Save this session's design (with its unsaved change) under a new id of its own; the other stays as is."""
    old = design_id()
    st.session_state[DESIGN_ID] = store.new_design_id()
    st.session_state[REVISION] = 0
    st.session_state[SOURCE] = None
    if _autosave():
        flash(f"Your version is now a design of its own (id {design_id()}, this page's new address); "
              f"design {old} keeps the other change.")
    else:
        st.session_state[DESIGN_ID] = old


def open_view(kind: str, ref: str, design_json: str, note: str) -> None:
    """Open a sample (kind "sample") or a stored design (kind "copy") as a copy that forks on the first edit;
    the design on screen before stays where it is (its own address)."""
    _view_copy((kind, ref), design_json)
    reset_widgets()
    flash(note)


def start_new(model: DataModel, note: str) -> None:
    """Start a new design of one's own under a new id and save it at once (the user asked for it)."""
    _take(store.DesignRecord(store.new_design_id(), dump_model(model, "json")))
    st.session_state[SOURCE] = None
    reset_widgets()
    _autosave()
    flash(note)


def source() -> tuple[str, str] | None:
    """("copy", id) or ("sample", name) while the session views a copy that forks on the first edit."""
    return st.session_state.get(SOURCE)


def stored_revision() -> int:
    """The store revision the session's design is based on (0: nothing stored yet)."""
    return int(st.session_state.get(REVISION, 0))


def saved_at() -> float | None:
    return st.session_state.get(SAVED_AT)


def recent_designs() -> list[tuple[str, str]]:
    """Other designs this browser tab had open, newest first: (id, name)."""
    return [r for r in st.session_state.get(RECENT, []) if r[0] != design_id()]


def history() -> list[store.Revision]:
    """Earlier stored revisions of this design with a design different from the one on screen, newest first."""
    if source() is not None or stored_revision() == 0:
        return []
    key = (design_id(), stored_revision())  # the history changes only with a new revision: read it once per revision
    cached = st.session_state.get(HISTORY)
    if cached is None or cached[0] != key:
        try:
            cached = (key, store.get_store().history(design_id()))
        except store.StoreError:
            return []
        st.session_state[HISTORY] = cached
    return [r for r in cached[1] if r.design_json != design_json()]


def restore(revision_number: int) -> None:
    """Make an earlier revision the current design again (a new revision; undo brings back this one)."""
    match = next((r for r in history() if r.revision == revision_number), None)
    if match is None:
        flash(f"Revision {revision_number} is no longer kept.")
        return
    try:
        model = cache.model_from_json(match.design_json)
    except WorkbenchError as exc:
        flash(f"Revision {revision_number} does not read with this version of the workbench: {exc}")
        return
    set_model(model, f"Restored revision {revision_number} from {_clock(match.saved_at)}; Undo brings back the "
                     "version before.")


def store_status() -> store.Store:
    """The store this server uses (for the sidebar's retention and read-only notes)."""
    return store.get_store()


# ----------------------------------------------------------------------------- messages


def notice(message: str) -> None:
    """A sentence about the design (changed elsewhere, forked, a bad address) shown on the page until the next
    change is saved."""
    st.session_state[NOTICE] = message


def current_notice() -> str | None:
    return st.session_state.get(NOTICE)


def flash(message: str) -> None:
    """A one-line message shown once at the top of the next page render."""
    st.session_state[FLASH] = message


def pop_flash() -> str | None:
    return st.session_state.pop(FLASH, None)
