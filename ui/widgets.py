"""Widgets of the workbench: the sidebar, page headers, messages, the what-if rate input and the upload.

The Design page's editors live in ui.editors; like them, the rate input mirrors the design (seeded from it,
keyed by the pattern's name under ui.state.WIDGET_PREFIX) and writes back through ui.state.edit_design.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from engine.errors import WorkbenchError
from engine.model import DataModel
from ui import cache, state
from ui import format as fmt
from ui.editors.base import apply, seeded, set_problems, show_problems
from ui.store import keep_days

W = state.WIDGET_PREFIX
Result = TypeVar("Result")


# ----------------------------------------------------------------------------- page furniture


def sidebar() -> None:
    """Design name, where it is saved, undo, sharing, earlier versions and downloads; rendered by app.py on
    every page."""
    model = state.current_model()
    with st.sidebar:
        st.markdown(f"**Design:** {fmt.text(model.name)}")
        st.caption(_saved_caption())
        st.button("Undo last change", key="sidebar.undo", on_click=state.undo, disabled=not state.can_undo(),
                  help="Go back to the design before your last change.", width="stretch",
                  icon=":material/undo:")
        cols = st.columns(2)
        cols[0].download_button("YAML", data=cache.design_yaml(state.design_json()), file_name=_file_name(model, "yaml"),
                                mime="application/yaml", key="sidebar.download_yaml", width="stretch",
                                icon=":material/download:",
                                help="Download the design as a YAML file (the CLI reads it too).")
        cols[1].download_button("JSON", data=state.design_json(), file_name=_file_name(model, "json"),
                                mime="application/json", key="sidebar.download_json", width="stretch",
                                icon=":material/download:", help="Download the design as a JSON file.")
        _share_links()
        _earlier_versions()
        _recent_designs()
        message = state.pop_flash()
        if message:
            st.success(fmt.text(message))


def _saved_caption() -> str:
    store = state.store_status()
    source = state.source()
    if source is not None:
        what = f"design {source[1]}" if source[0] == "copy" else f"the sample {source[1]}"
        return (f"A read-only copy of {what}. Your first edit saves it as your own design at a new address; "
                "the original never changes.")
    if store.problem and not store.writable:
        return f"Not saved: {fmt.text(store.problem)}. Download the design to keep it."
    days = keep_days()
    kept = f"Designs unused for {days:g} days are removed." if days > 0 else "Designs are kept until removed by hand."
    revision = state.stored_revision()
    if revision == 0:
        return (f"Design {state.design_id()}: nothing is stored until your first edit. {kept} Anyone with this page's "
                "address can open and edit it.")
    at = state.saved_at()
    when = time.strftime("%H:%M", time.localtime(at)) if at else "earlier"
    return (f"Saved as {state.design_id()}, revision {revision} ({when}, {store.backend}). {kept} Anyone with this "
            "page's address can open and edit it: bookmark it to come back.")


def _share_links() -> None:
    base = st.context.url or ""
    design_id = state.design_id()
    with st.expander("Share", icon=":material/share:"):
        if state.source() is not None or state.stored_revision() == 0:
            st.caption("Edit the design first: a design is stored, and can be shared, from its first change.")
            return
        st.markdown("**Share a copy** (read-only; an edit makes the viewer's own copy, yours never changes):")
        st.code(f"{base}?{state.COPY_PARAM}={design_id}", language=None)
        st.markdown("**Share for editing** (everyone with this link edits this very design):")
        st.code(f"{base}?{state.QUERY_PARAM}={design_id}", language=None)


def _earlier_versions() -> None:
    revisions = state.history()
    if not revisions:
        return
    with st.expander(f"Earlier versions ({len(revisions)})", icon=":material/history:"):
        st.caption("Restoring makes an earlier version the current one (Undo brings back the design before).")
        for rev in revisions[:10]:
            try:
                name = cache.model_from_json(rev.design_json).name
            except WorkbenchError:
                name = "(does not read with this version)"
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(rev.saved_at))
            cols = st.columns([3, 2])
            cols[0].caption(f"Revision {rev.revision}, {when}: {fmt.text(name)}")
            cols[1].button("Restore", key=f"sidebar.restore.{rev.revision}", on_click=state.restore,
                           args=(rev.revision,), width="stretch")


def _recent_designs() -> None:
    recent = state.recent_designs()
    if not recent:
        return
    with st.expander("Designs opened in this tab", icon=":material/folder_open:"):
        for design_id, name in recent:
            st.markdown(f"[{fmt.text(name)}](?{state.QUERY_PARAM}={design_id}) · `{design_id}`")


def save_status() -> None:
    """Next to the design, above every page: why the design on screen is not saved and the ways out, or a
    sentence about what happened to it (changed elsewhere, forked)."""
    problem = state.save_problem()
    if problem is not None and problem["kind"] == "conflict":
        with st.container(border=True):
            st.error(f"**Your last change is not saved:** {fmt.text(problem['message'])}. Saving it would have "
                     "overwritten that change, so nothing was overwritten. Your version stays in this tab.",
                     icon=":material/sync_problem:")
            row = st.container(horizontal=True)
            row.button("Keep mine as a copy", key="save.keep_copy", on_click=state.keep_as_copy, type="primary",
                       icon=":material/content_copy:",
                       help="Save your version as a new design with its own address; the other stays as is.")
            row.button(f"Load the newer version (revision {problem.get('current', '?')})", key="save.load_newer",
                       on_click=state.load_stored, icon=":material/refresh:",
                       help="Show the version saved elsewhere; your unsaved change is dropped.")
            _download_unsaved(row)
        return
    if problem is not None:
        with st.container(border=True):
            st.error(f"**Your last change is not saved:** {fmt.text(problem['message'])}. It stays in this tab: "
                     "retry, or download the design to keep it.", icon=":material/error:")
            row = st.container(horizontal=True)
            row.button("Retry saving", key="save.retry", on_click=state.retry_save, type="primary",
                       icon=":material/refresh:")
            _download_unsaved(row)
        return
    store = state.store_status()
    if store.problem and not store.writable:
        st.warning(f"{fmt.text(store.problem)}. You can look and edit, but changes stay in this browser tab only: "
                   "download the design to keep it.", icon=":material/cloud_off:")
    source = state.source()
    if source is not None and source[0] == "copy":
        st.info(f"**A read-only copy of design {source[1]}.** Look around and change what you like: your first "
                "edit saves it as your own design at a new address, and the original never changes.",
                icon=":material/visibility:")
    message = state.current_notice()
    if message:
        st.info(fmt.text(message), icon=":material/info:")


def _download_unsaved(container: Any) -> None:
    model = state.current_model()
    container.download_button("Download my version (YAML)", data=cache.design_yaml(state.design_json()),
                              file_name=_file_name(model, "yaml"), mime="application/yaml",
                              key="save.download", icon=":material/download:")


def access_granted() -> bool:
    """True when no workshop access code is set (DDB_WORKBENCH_ACCESS_CODE) or this browser session gave it;
    otherwise show the code form (nothing else of the app runs until it is given)."""
    import hmac
    import os

    code = os.environ.get("DDB_WORKBENCH_ACCESS_CODE", "")
    if not code or st.session_state.get("wb_access_ok"):
        return True
    st.title("DynamoDB Design Workbench")
    with st.form("access"):
        given = st.text_input("Workshop access code", type="password",
                              help="The person running this workbench gives it out; it is asked once per "
                                   "browser session.")
        submitted = st.form_submit_button("Open the workbench", type="primary")
    if submitted:
        if hmac.compare_digest(given.encode("utf-8"), code.encode("utf-8")):
            st.session_state["wb_access_ok"] = True
            st.rerun()
        time.sleep(1.0)  # slows guessing down; the code is a door, not a password store
        st.error("That is not the access code of this workbench. Ask the person running it.")
    return False


def _file_name(model: DataModel, ext: str) -> str:
    stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in model.name).strip("_") or "design"
    return f"{stem}.{ext}"


def page_header(title: str, intro: str) -> None:
    """The page's own title and one sentence saying what it answers."""
    st.title(title)
    st.caption(intro)


def engine_pending(what: str, module: str) -> None:
    """Honest empty state for a page whose engine is not in this build yet."""
    st.info(f"**{what} is not available in this build yet.** The `engine.{module}` module has not been "
            "added, so nothing is computed here rather than showing made-up numbers. The other pages work.",
            icon=":material/construction:")


def call_engine(label: str, func: Callable[[], Result], failed: str | None = None) -> Result | None:
    """Run a cached engine call; show a readable message (never a traceback) and return None on failure.
    `failed` replaces the opening of the message for a refused input ("Cannot import model.json")."""
    try:
        return func()
    except cache.EngineMissing as exc:
        engine_pending(label, exc.module)
    except WorkbenchError as exc:
        opening = failed or f"{label} cannot be computed for this design"
        st.error(f"{opening}: {fmt.text(exc, lines=True)}", icon=":material/error:")
    except Exception as exc:  # noqa: BLE001 - an engine bug must not become a traceback in the browser
        st.error(f"{label} failed on this design ({type(exc).__name__}: {fmt.text(exc)}). This is a workbench bug; "
                 "the rest of the page still works.", icon=":material/bug_report:")
    return None


# ----------------------------------------------------------------------------- rates


def rate_input(model: DataModel, pattern_name: str, label: str | None = None) -> None:
    """A what-if number input for one access pattern's average rate (writes the design on change)."""
    pattern = model.access_pattern(pattern_name)
    key = f"{W}rate.{pattern_name}"
    st.number_input(label or f"{fmt.text(pattern_name)} (req/s)", min_value=0.0,
                    step=_rate_step(pattern.requests_per_second), **seeded(key, float(pattern.requests_per_second)),
                    format="%g",
                    on_change=_rate_changed, args=(pattern_name, key),
                    help="Average requests per second. Raising it above the peak raises the peak too.")
    show_problems(f"rate.{pattern_name}")


def _rate_step(value: float) -> float:
    return float(max(1, 10 ** max(0, len(str(int(value))) - 2)))


def _rate_changed(pattern_name: str, key: str) -> None:
    new_rate = float(st.session_state[key])

    def mutate(data: dict[str, Any]) -> None:
        for p in data["access_patterns"]:
            if p["name"] == pattern_name:
                p["requests_per_second"] = new_rate
                if p.get("peak_requests_per_second") is not None and p["peak_requests_per_second"] < new_rate:
                    p["peak_requests_per_second"] = new_rate

    apply(f"rate.{pattern_name}", mutate, f"{pattern_name}: {fmt.rate(new_rate)}.", keep=key)


def upload_design() -> None:
    """Upload a YAML/JSON design file; its problems (with line numbers) appear under the uploader."""
    uploaded = st.file_uploader("Open a design file (YAML or JSON)", type=["yaml", "yml", "json"],
                                key="upload.design")
    if uploaded is not None:
        marker = f"{uploaded.name}:{uploaded.size}:{getattr(uploaded, 'file_id', '')}"
        if st.session_state.get("wb_uploaded") != marker:
            st.session_state["wb_uploaded"] = marker
            raw = uploaded.getvalue()
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                set_problems("upload", [f"{uploaded.name}: the file is not UTF-8 text; save it as UTF-8 and upload "
                                        "again"])
            else:
                fmt_name = "json" if uploaded.name.lower().endswith(".json") else "yaml"
                problems = state.load_text(text, fmt_name, uploaded.name)
                set_problems("upload", problems)
                if not problems:
                    st.rerun()
    show_problems("upload")


# ----------------------------------------------------------------------------- reports and printing

PRINT_CSS = """
@media print {
  @page { margin: 12mm; }
  section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stSidebarNav"],
  header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
  [data-testid="stStatusWidget"], [data-testid="stBottom"], footer,
  .stButton, .stDownloadButton, .stFormSubmitButton, .stFileUploader, .stTextInput, .stNumberInput,
  .stTextArea, .stSelectbox, .stMultiSelect, .stSlider, .stRadio, .stCheckbox, .stToggle,
  .stSegmentedControl, .stPills, .stDateInput, .stColorPicker, [data-testid="stPageLink"],
  [data-testid="stChatInput"], [data-testid="stTooltipIcon"], [data-testid="stTooltipHoverTarget"] > button,
  [data-testid="stElementToolbar"], .modebar-container, .modebar, [data-testid="stExpanderToggleIcon"],
  [data-testid="stFullScreenFrame"] > button, [data-testid="stButtonGroup"] { display: none !important; }
  [data-testid="stMain"] { margin-left: 0 !important; padding: 0 !important; }
  [data-testid="stMainBlockContainer"], .block-container { max-width: 100% !important; width: 100% !important;
    padding: 0 !important; }
  [data-testid="stHorizontalBlock"] { flex-wrap: wrap !important; }
  table { width: 100% !important; table-layout: auto !important; }
  th, td { white-space: normal !important; overflow-wrap: break-word !important; }
  [data-testid="stDataFrame"], [data-testid="stTable"], .stPlotlyChart, [data-testid="stExpander"],
  [data-testid="stMetric"] { break-inside: avoid; page-break-inside: avoid; max-width: 100% !important; }
  /* Charts and data grids keep the pixel width they were drawn at on screen (no script runs while printing):
     shown at 65 %, a chart drawn across a wide window (about 1,000 px) fits the sheet. */
  [data-testid="stPlotlyChart"], [data-testid="stDataFrame"] { zoom: 0.65; }
  pre, code { white-space: pre-wrap !important; overflow-wrap: anywhere !important; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def print_styles() -> None:
    """A print stylesheet for the pages: no sidebar, header, toolbar or inputs on paper, the page at full width,
    tables that wrap instead of being cut at the right edge, charts and data grids no wider than the sheet (they
    redraw at the printed width). Call once per run."""
    st.html(f"<style>{PRINT_CSS}</style>")


@st.fragment
def report_download(design_json: str, name: str, *, other_json: str | None = None, other_name: str | None = None,
                    key: str = "report") -> None:
    """A Report download (HTML, Markdown, PDF when chromium is installed) of a design, or of two side by side.
    The report is made on request (it runs every analysis) and cached for the day."""
    from ui import reports

    what = "both designs side by side" if other_json is not None else "this design"
    st.markdown(f"**Report** of {what}: cost, billing, partitions, throttling, consistency, findings, assumptions "
                "and the price catalog, to hand to reviewers (HTML opens offline; Markdown for a pull request).")
    choice = st.segmented_control("Report format", list(reports.FORMATS), default="HTML", key=f"view.{key}.format",
                                  label_visibility="collapsed") or "HTML"
    fmt_id = reports.FORMATS[choice]
    if fmt_id == "pdf":
        why = reports.pdf_unavailable_reason()
        if why:
            st.caption(why)
            return
        paper = st.radio("Paper", ["a4", "letter"], format_func=str.upper, horizontal=True,
                         key=f"view.{key}.paper")
    else:
        paper = "a4"
    wanted = (design_json, other_json, fmt_id, paper)
    if st.button(f"Make the {choice} report", key=f"view.{key}.make", icon=":material/description:"):
        st.session_state[f"view.{key}.ready"] = wanted
    if st.session_state.get(f"view.{key}.ready") != wanted:
        return
    date = reports.today()
    data = call_engine("Report", lambda: reports.report_bytes(design_json, fmt_id, other_json=other_json, date=date,
                                                              paper=paper))
    if data is None:
        return
    st.download_button(f"Download {choice} report", data, file_name=reports.file_name(name, fmt_id, date, other_name),
                       mime=reports.MIME[fmt_id], key=f"view.{key}.download", on_click="ignore",
                       icon=":material/download:", type="primary")
