"""The Start page's Evidence panel (issue 15): captured traffic (a `serve --log` capture or CloudTrail data events)
turned into a design, or applied to the design on screen (undoable, the changes listed first). The engine does the
work (engine.evidence through ui.cache); this module shows what was found and what could not be inferred."""

from __future__ import annotations

from typing import Any

import streamlit as st

from engine.errors import WorkbenchError
from ui import cache, state
from ui import format as fmt

UPLOAD_LIMIT_MB = 50  # per file in the browser; `ddb-workbench infer` reads larger captures
NOTES_SHOWN = 100


def _files() -> tuple[tuple[str, bytes], ...] | None:
    uploaded = st.session_state.get("evidence.files") or []
    return tuple((f.name, f.getvalue()) for f in uploaded) or None


def _options() -> tuple[float | None, float]:
    window = float(st.session_state.get("view.evidence.window") or 0)
    return (window or None), float(st.session_state.get("view.evidence.scale") or 1.0)


def _open_inferred() -> None:
    files = _files()
    if not files:
        return
    result = cache.inferred(files, *_options())
    state.start_new(result.model, "Opened the design inferred from the capture at its own address; the design you "
                    "had is unchanged (sidebar: Designs opened in this tab).")


def _apply_to_current() -> None:
    from engine.model import parse_model

    files = _files()
    if not files:
        return
    calibration = cache.calibration(state.design_json(), files, *_options())
    state.set_model(parse_model(calibration.data, source="calibrated design"),
                    f"Applied the capture's figures: {fmt.count(len(calibration.changes), 'change')}. Undo in the "
                    "sidebar goes back.")


def capture_panel() -> None:
    """Upload capture files; see the patterns found (rates, items per request, key skew, capacity recorded against
    predicted) and every part not inferred; open the inferred design or apply its figures to the current one."""
    st.caption("Point an application (or its tests) at `ddb-workbench serve --log requests.jsonl` and upload the "
               "log, or upload CloudTrail data-event logs for DynamoDB (.json or .json.gz). Nothing changes until "
               "you press a button below.")
    st.file_uploader("Capture files", type=["jsonl", "json", "gz", "log"], accept_multiple_files=True,
                     key="evidence.files", help=f"Up to {UPLOAD_LIMIT_MB} MB per file here; `ddb-workbench infer` "
                     "reads larger captures.")
    c1, c2 = st.columns(2)
    c1.number_input("Capture length (s)", min_value=0.0, value=0.0, step=60.0, key="view.evidence.window",
                    help="0: from the first to the last request. Rates are requests over this length.")
    c2.number_input("Scale rates by (x)", min_value=0.001, value=1.0, step=1.0, key="view.evidence.scale",
                    help="Project the captured traffic to production: 10 means ten times the observed rates.")
    files = _files()
    if not files:
        return
    too_big = [name for name, raw in files if len(raw) > UPLOAD_LIMIT_MB * 1024 * 1024]
    if too_big:
        st.error(f"{fmt.text(', '.join(too_big))}: over {UPLOAD_LIMIT_MB} MB; run `ddb-workbench infer` on the "
                 "server or split the capture.", icon=":material/error:")
        return
    try:
        result = cache.inferred(files, *_options())
    except cache.EngineMissing:
        st.warning("Evidence is not part of this build.")
        return
    except WorkbenchError as exc:
        st.error(f"Cannot infer a design: {fmt.text(exc, lines=True)}", icon=":material/error:")
        return
    _summary(result)
    _apply_preview(files)
    cols = st.columns(2)
    cols[0].button("Open the inferred design", key="evidence.open", icon=":material/file_open:",
                   on_click=_open_inferred, help="A new design at its own address; the current one stays.")
    cols[1].button("Apply to the current design", key="evidence.apply", type="primary", icon=":material/tune:",
                   on_click=_apply_to_current, help="Rates, peaks, items per request and key distributions of the "
                   "patterns each request shape matches; Undo in the sidebar goes back.")


def _summary(result: Any) -> None:
    model = result.model
    st.success(f"{fmt.count(result.requests, 'request')} over {result.window_seconds:,.1f} s"
               + (f" (rates x {result.scale:g})" if result.scale != 1 else "") + ": "
               f"{fmt.count(len(model.tables), 'table')}, {fmt.count(len(model.entities), 'entity')}, "
               f"{fmt.count(len(result.patterns), 'access pattern')}.", icon=":material/check_circle:")
    rows = []
    for p in result.patterns:
        fit = p.key_fit
        rows.append({
            "pattern": p.name, "request shape": p.shape, "requests": p.requests,
            "req/s": p.requests_per_second, "peak req/s": p.peak_requests_per_second,
            "items/request": p.items_per_request,
            "partition keys": fit.distinct_keys if fit else None,
            "Zipf s": fit.zipf_exponent if fit else None,
            "hot keys": ", ".join(f"{k} ({s:.0%})" for k, s in fit.hot_keys) if fit else "",
            "recorded units/s": p.recorded_units_per_second, "predicted units/s": p.predicted_units_per_second})
    st.dataframe(rows, hide_index=True, width="stretch", column_config={
        "req/s": st.column_config.NumberColumn(format="%.3g"),
        "peak req/s": st.column_config.NumberColumn(format="%.3g"),
        "items/request": st.column_config.NumberColumn(format="%.1f"),
        "Zipf s": st.column_config.NumberColumn(help="Fitted Zipf exponent of requests per partition key (blank: "
                                                "uniform, or too few requests)", format="%.2f"),
        "recorded units/s": st.column_config.NumberColumn(
            help="Capacity units per second the endpoint recorded for this traffic (serve captures only)",
            format="%.3f"),
        "predicted units/s": st.column_config.NumberColumn(
            help="What the inferred design predicts for the same rates: they should agree", format="%.3f")})
    recorded, predicted = result.recorded_units_per_second, result.predicted_units_per_second
    if recorded and predicted is not None:
        st.caption(f"Capacity check: the endpoint recorded {fmt.units(recorded, 'unit')}/s; the inferred design "
                   f"predicts {fmt.units(predicted, 'unit')}/s ({(predicted - recorded) / recorded:+.1%}).")
    if result.notes:
        st.markdown(f"**Guessed or not inferred ({fmt.count(len(result.notes), 'note')})**")
        st.dataframe([{"kind": n.kind, "where": n.where, "what": n.what, "why": n.why}
                      for n in result.notes[:NOTES_SHOWN]], hide_index=True, width="stretch")


def _apply_preview(files: tuple[tuple[str, bytes], ...]) -> None:
    try:
        calibration = cache.calibration(state.design_json(), files, *_options())
    except WorkbenchError as exc:
        st.error(f"The capture cannot be applied to this design: {fmt.text(exc, lines=True)}", icon=":material/error:")
        return
    st.markdown(f"**Applied to the current design, {fmt.count(len(calibration.changes), 'change')} would be made:**")
    if calibration.changes:
        st.dataframe([{"pattern": c.pattern, "field": c.field, "now": str(c.before), "observed": str(c.after)}
                      for c in calibration.changes], hide_index=True, width="stretch")
    for line in calibration.unmatched:
        st.markdown(f":material/help: Not applied: {fmt.text(line)}.")
