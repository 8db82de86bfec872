"""The Start page's Evidence panel (issue 15): captured traffic (a `serve --log` capture or CloudTrail data events)
turned into a design, or applied to the design on screen (undoable, the changes listed first). The engine does the
work (engine.evidence through ui.cache); this module shows what was found and what could not be inferred."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import streamlit as st

from engine.errors import WorkbenchError
from ui import cache, state, widgets
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
    result = widgets.call_engine("Evidence", lambda: cache.inferred(files, *_options()),
                                 failed="Cannot infer a design")
    if result is None:
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


def _value_text(value: Any) -> str:
    """A calibrated field's value in words: key distributions as "Zipf s=1.2" / "hot keys: A 40%" / "uniform"."""
    if value is None:
        return "(not set)"
    if isinstance(value, dict) and "kind" in value:
        kind = value["kind"]
        if kind == "zipf":
            return f"Zipf s={value.get('exponent', 1.0):g}"
        if kind == "hot_keys":
            return "hot keys: " + ", ".join(f"{k['key']} {k['share']:.0%}" for k in value.get("keys", []))
        return "uniform" if kind == "uniform" else kind.replace("_", " ")
    if isinstance(value, float):
        return f"{value:,.6g}"
    return str(value)


def _apply_preview(files: tuple[tuple[str, bytes], ...]) -> None:
    try:
        calibration = cache.calibration(state.design_json(), files, *_options())
    except WorkbenchError as exc:
        st.error(f"The capture cannot be applied to this design: {fmt.text(exc, lines=True)}", icon=":material/error:")
        return
    st.markdown(f"**Applied to the current design, {fmt.count(len(calibration.changes), 'change')} would be made:**")
    if calibration.changes:
        st.dataframe([{"pattern": c.pattern, "field": c.field, "now": _value_text(c.before),
                       "observed": _value_text(c.after)} for c in calibration.changes], hide_index=True, width="stretch")
    for line in calibration.unmatched:
        st.markdown(f":material/help: Not applied: {fmt.text(line)}.")


# ----------------------------------------------------------------------------- table exports (analyze-export)

EXPORTS_ENV = "DDB_WORKBENCH_EXPORTS"
MAX_LISTED_EXPORTS = 50


def exports_root() -> Path:
    """Where the panel looks for exports on the server: DDB_WORKBENCH_EXPORTS, else `exports/` in the data folder.
    Only folders under it are offered: a shared server never reads a path a visitor typed."""
    from ui.store import data_dir

    env = os.environ.get(EXPORTS_ENV, "").strip()
    return Path(env).expanduser() if env else data_dir() / "exports"


def export_folders(root: Path) -> list[Path]:
    """Folders under `root` (up to 4 levels down) holding a manifest-summary.json, newest first."""
    if not root.is_dir():
        return []
    found = [p.parent for depth in range(1, 6) for p in root.glob("/".join(["*"] * (depth - 1) + ["manifest-summary.json"]))]
    found = [p for p in found if p.is_dir()]
    found.sort(key=lambda p: p.joinpath("manifest-summary.json").stat().st_mtime, reverse=True)
    return found[:MAX_LISTED_EXPORTS]


def _apply_export() -> None:
    result = st.session_state.get("wb_export_calibration")
    if result is None:
        return
    design_json, calibration = result
    if design_json != state.design_json():
        state.flash("The design changed since the export was analysed; analyse it again before applying.")
        return
    state.set_model(calibration.model, f"Applied the export's measurements: {fmt.count(len(calibration.changes), 'change')}. "
                    "Undo in the sidebar goes back.")


def export_panel() -> None:
    """Pick an export folder on the server, analyse it (DuckDB), see what it holds and apply it to the design."""
    root = exports_root()
    st.caption(f"A DynamoDB export to S3, copied to this server under `{fmt.text(str(root))}` (set "
               f"`{EXPORTS_ENV}` to use another folder): the folder holding `manifest-summary.json`, its "
               "`manifest-files.json` and `data/`. `ddb-workbench analyze-export PATH` does the same from a shell, "
               "also with Spark for exports that outgrow one machine.")
    folders = export_folders(root)
    if not folders:
        st.info(f"No export found under {fmt.text(str(root))}. Copy one there (e.g. `aws s3 cp --recursive "
                "s3://bucket/prefix/AWSDynamoDB/<export id>/ <that folder>/<name>/`) and open this panel again.")
        return
    chosen = st.selectbox("Export", folders, format_func=lambda p: str(p.relative_to(root)), key="view.evidence.export")
    if st.button("Analyse this export", key="evidence.analyse", icon=":material/analytics:"):
        st.session_state["wb_export_wanted"] = str(chosen)
    if st.session_state.get("wb_export_wanted") != str(chosen):
        return
    matched = True
    try:
        with st.spinner("Reading the export (DuckDB)..."):
            try:
                analysis = cache.export_analysis(str(chosen), state.design_json())
            except WorkbenchError as exc:
                if "table" not in str(exc):
                    raise
                # the export is of a table this design does not have (or cannot pick): measure it on its own
                st.warning(f"Measured on its own: {fmt.text(exc)}", icon=":material/info:")
                matched = False
                analysis = cache.export_analysis(str(chosen), None)
    except cache.EngineMissing:
        st.warning("The export analysis needs DuckDB: `pip install duckdb` (it is in this project's `evidence` extra).")
        return
    except WorkbenchError as exc:
        st.error(f"Cannot analyse {fmt.text(chosen.name)}: {fmt.text(exc, lines=True)}", icon=":material/error:")
        return
    except Exception as exc:  # noqa: BLE001 - an analysis bug must not become a traceback in the browser
        st.error(f"Analysing {fmt.text(chosen.name)} failed ({type(exc).__name__}: {fmt.text(exc)}). This is a "
                 "workbench bug; the design is unchanged.", icon=":material/bug_report:")
        return
    _export_summary(analysis)
    if not matched:
        return
    try:
        calibration = cache.export_calibration(str(chosen), state.design_json())
    except WorkbenchError as exc:
        st.error(f"The export cannot be applied to this design: {fmt.text(exc, lines=True)}", icon=":material/error:")
        return
    st.markdown(f"**Applied to the current design (table {fmt.text(analysis.table or '', code=True)}), "
                f"{fmt.count(len(calibration.changes), 'change')} would be made:**")
    if calibration.changes:
        st.dataframe([{"entity": c.entity, "field": c.field, "now": _value_text(c.before),
                       "measured": _value_text(c.after)} for c in calibration.changes], hide_index=True, width="stretch")
    for note in calibration.notes:
        st.markdown(f":material/info: {fmt.text(note)}")
    st.session_state["wb_export_calibration"] = (state.design_json(), calibration)
    st.button("Apply to the current design", key="evidence.export.apply", type="primary", icon=":material/tune:",
              on_click=_apply_export, disabled=not calibration.changes,
              help="Item counts, attribute sizes and presence, and key distributions of the table's entities, as "
                   "measured; Undo in the sidebar goes back.")


def _export_summary(analysis: Any) -> None:
    sizes = analysis.sizes
    st.success(f"{fmt.count(analysis.items, 'item')} in table {fmt.text(analysis.table or '?', code=True)}"
               + (f", {fmt.size(sizes.total_bytes)} of items (mean {fmt.size(sizes.mean_bytes)}, largest "
                  f"{fmt.size(sizes.max_bytes)})" if sizes else "") + ".", icon=":material/check_circle:")
    st.dataframe([{"entity": e.name, "recognised by": e.recognised_by, "items": e.items, "share": e.share,
                   "mean size (B)": e.sizes.mean_bytes, "p99 size (B)": e.sizes.p99_bytes,
                   "largest (B)": e.sizes.max_bytes,
                   "partition keys": e.partition_keys.distinct if e.partition_keys else None,
                   "Zipf s": e.zipf_exponent} for e in analysis.entities], hide_index=True, width="stretch",
                 column_config={"share": st.column_config.NumberColumn(format="percent"),
                                "mean size (B)": st.column_config.NumberColumn(format="%.1f")})
    if analysis.keys:
        st.dataframe([{"key": k.attribute, "role": k.role, "index": k.index or "", "distinct values": k.spread.distinct,
                       "largest share of items": k.spread.top_share, "Gini": k.spread.gini} for k in analysis.keys],
                     hide_index=True, width="stretch",
                     column_config={"largest share of items": st.column_config.NumberColumn(format="percent"),
                                    "Gini": st.column_config.NumberColumn(
                                        help="0: items spread evenly over the key's values; near 1: a few values "
                                             "hold almost all", format="%.2f")})
    coll = analysis.item_collections
    if coll is not None:
        limit = (f"; the 10 GB limit of a table with LSIs: {fmt.count(coll.over_limit, 'collection')} over"
                 if coll.limit_bytes else "")
        st.caption(f"Item collections ({fmt.text(coll.partition_key, code=True)}): {fmt.count(coll.collections, 'collection')}, "
                   f"median {fmt.size(coll.p50_bytes)}, p99 {fmt.size(coll.p99_bytes)}, largest "
                   f"{fmt.size(coll.max_bytes)}{limit}.")
    if analysis.hot_key_candidates:
        st.caption("Hot-key candidates: " + "; ".join(
            f"{fmt.text(h.value)} ({fmt.text(h.attribute)}{' on ' + fmt.text(h.index) if h.index else ''}): "
            f"{fmt.percent(h.items_share)} of items, {fmt.percent(h.bytes_share)} of bytes"
            for h in analysis.hot_key_candidates[:5]) + ".")
    for note in analysis.notes:
        st.markdown(f":material/info: {fmt.text(note)}")
