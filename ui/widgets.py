"""Widgets of the workbench: the sidebar, page headers, messages, the what-if rate input and the upload.

The Design page's editors live in ui.editors; like them, the rate input mirrors the design (seeded from it,
keyed by the pattern's name under ui.state.WIDGET_PREFIX) and writes back through ui.state.edit_design.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from engine.errors import WorkbenchError
from engine.model import DataModel
from ui import cache, state
from ui import format as fmt
from ui.editors.base import PROBLEMS, apply, seeded, show_problems

W = state.WIDGET_PREFIX


# ----------------------------------------------------------------------------- page furniture


def sidebar() -> None:
    """Design name, undo, downloads and the one-shot message; rendered by app.py on every page."""
    model = state.current_model()
    with st.sidebar:
        st.markdown(f"**Design:** {model.name}")
        st.caption(f"Autosaved as `{state.design_id()}`. Bookmark this page's address to come back to it.")
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
        message = state.pop_flash()
        if message:
            st.success(message)


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


def call_engine(label: str, func: Callable[[], Any]) -> Any | None:
    """Run a cached engine call; show a readable message (never a traceback) and return None on failure."""
    try:
        return func()
    except cache.EngineMissing as exc:
        engine_pending(label, exc.module)
    except WorkbenchError as exc:
        st.error(f"{label} cannot be computed for this design: {exc}", icon=":material/error:")
    except Exception as exc:  # noqa: BLE001 - an engine bug must not become a traceback in the browser
        st.error(f"{label} failed on this design ({type(exc).__name__}: {exc}). This is a workbench bug; "
                 "the rest of the page still works.", icon=":material/bug_report:")
    return None


# ----------------------------------------------------------------------------- rates


def rate_input(model: DataModel, pattern_name: str, label: str | None = None) -> None:
    """A what-if number input for one access pattern's average rate (writes the design on change)."""
    pattern = model.access_pattern(pattern_name)
    key = f"{W}rate.{pattern_name}"
    st.number_input(label or f"{pattern_name} (req/s)", min_value=0.0,
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
                st.session_state.setdefault(PROBLEMS, {})["upload"] = [
                    f"{uploaded.name}: the file is not UTF-8 text; save it as UTF-8 and upload again"]
            else:
                fmt_name = "json" if uploaded.name.lower().endswith(".json") else "yaml"
                problems = state.load_text(text, fmt_name, uploaded.name)
                st.session_state.setdefault(PROBLEMS, {})["upload"] = problems
                if not problems:
                    st.rerun()
    show_problems("upload")
