"""The Start page's Import panel and the Design page's Export panel (issue 13): designs in from NoSQL Workbench,
describe-table output and CloudFormation / SAM / serverless templates; out as the files those tools and AWS's
infrastructure-as-code tools read. The engine does the work (engine.interop, through ui.cache); this module only
shows what it found, what it could not carry, and offers the files."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

import streamlit as st

from engine.errors import WorkbenchError
from ui import cache, state, widgets
from ui import format as fmt
from ui.editors.base import PROBLEMS, show_problems

if TYPE_CHECKING:
    from engine.interop import ImportResult

IMPORT_FORMATS = {"auto": "Tell from the file", "nosql-workbench": "NoSQL Workbench model (JSON 1.0, 2.0, 3.0)",
                  "describe-table": "`aws dynamodb describe-table` output (JSON)",
                  "cloudformation": "CloudFormation / SAM template or serverless.yml"}
IMPORT_LIMIT_MB = 5  # engine.interop.MAX_IMPORT_BYTES
NOTES_SHOWN = 200

# Export formats: label, file name pattern ({slug} is the design's name), language for the preview.
EXPORTS = {
    "cloudformation": ("CloudFormation template (YAML)", "{slug}.template.yaml", "yaml"),
    "sam": ("AWS SAM template (YAML)", "template.yaml", "yaml"),
    "serverless": ("Serverless Framework (serverless.yml resources)", "serverless.yml", "yaml"),
    "cdk-python": ("AWS CDK app (Python)", "app.py", "python"),
    "cdk-typescript": ("AWS CDK stack (TypeScript)", "{slug}-stack.ts", "typescript"),
    "terraform": ("Terraform (aws_dynamodb_table)", "{slug}.tf", "hcl"),
    "boto3": ("boto3 module: one function per access pattern (Python)", "{under}_access.py", "python"),
    "items": ("Sample items (DynamoDB JSON lines and BatchWriteItem files)", "{slug}-items.zip", "json"),
    "nosql-workbench": ("NoSQL Workbench model (JSON 3.0)", "{slug}.nosql-workbench.json", "json"),
}
PREVIEW_LINES = 300


@st.cache_data(max_entries=16, show_spinner=False)
def _items_zip(design_json: str, seed: int, engine_version: str) -> bytes:
    import io
    import zipfile

    from engine.interop.items_out import items_files

    files, _ = items_files(cache.model_from_json(design_json), seed)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


@st.cache_data(max_entries=16, show_spinner=False)
def _table_items_cached(design_json: str, table: str, engine_version: str) -> tuple[str, tuple[str, ...]]:
    from engine.interop.items_out import items_jsonl, items_notes

    model = cache.model_from_json(design_json)
    return items_jsonl(model, 0, table), tuple(items_notes(model))


def _table_items(design_json: str, table: str) -> tuple[str, tuple[str, ...]]:
    from engine import ENGINE_VERSION

    return _table_items_cached(design_json, table, ENGINE_VERSION)


def items_zip(design_json: str, seed: int = 0) -> bytes:
    """The sample items of every table as `ddb-workbench export --to items -o DIR` writes them (JSON lines,
    BatchWriteItem files of 25 puts, manifest.json), zipped for a download (cached like the report downloads)."""
    from engine import ENGINE_VERSION

    return _items_zip(design_json, seed, ENGINE_VERSION)


def slug(name: str) -> str:
    """A file-name-safe form of a design name."""
    return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower()[:40] or "design"


def export_file_name(to: str, design_name: str) -> str:
    """The file name a download of export format `to` gets."""
    pattern = EXPORTS.get(to, (to, "{slug}." + to, "text"))[1]
    return pattern.format(slug=slug(design_name), under=slug(design_name).replace("-", "_"))


# ----------------------------------------------------------------------------- in


def _open_imported(text: str, source_fmt: str, name: str) -> None:
    try:
        result = cache.imported(text, source_fmt, name)
    except WorkbenchError as exc:  # the preview showed it already; a changed file between runs lands here
        st.session_state.setdefault(PROBLEMS, {})["import"] = [str(exc)]
        return
    state.start_new(result.model, f"Imported {name} ({result.format}) as a new design at its own address; the "
                    "design you had is unchanged (sidebar: Designs opened in this tab). Access patterns are not in "
                    "such files: add them on the Design page.")


def import_panel() -> None:
    """Upload a NoSQL Workbench model, describe-table output or a template; see what was found and every part
    skipped or guessed; open it as a new design."""
    st.caption("Bring a design in from the tools you already use. Nothing changes until you press *Open as a new "
               f"design*; the design you have stays at its own address. Files up to {IMPORT_LIMIT_MB} MB.")
    source_fmt = st.selectbox("Format", list(IMPORT_FORMATS), format_func=IMPORT_FORMATS.get, key="view.import.from")
    uploaded = st.file_uploader("File to import", type=["json", "yaml", "yml", "template"], key="import.file")
    if uploaded is None:
        return
    raw = uploaded.getvalue()
    if len(raw) > IMPORT_LIMIT_MB * 1024 * 1024:
        st.error(f"{fmt.text(uploaded.name)} is {fmt.size(len(raw))}; imports take files up to {IMPORT_LIMIT_MB} MB "
                 "(a model, template or describe-table output is far smaller). Check that this is the right file.",
                 icon=":material/error:")
        return
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        st.error(f"{fmt.text(uploaded.name)} is not UTF-8 text; save it as UTF-8 and upload it again.",
                 icon=":material/error:")
        return
    result = widgets.call_engine("Import", lambda: cache.imported(text, source_fmt, uploaded.name),
                                 failed=f"Cannot import {fmt.text(uploaded.name)}")
    if result is not None:
        _import_preview(result, text, source_fmt, uploaded.name)


def _import_preview(result: ImportResult, text: str, source_fmt: str, name: str) -> None:
    model, items, notes = result.model, result.items, result.notes
    n_items = sum(len(v) for v in items.values())
    st.success(f"Read {fmt.text(name)} as **{result.format}**: "
               f"{fmt.count(len(model.tables), 'table')}, {fmt.count(len(model.entities), 'entity')}, "
               f"{fmt.count(sum(len(t.gsis) + len(t.lsis) for t in model.tables), 'secondary index')}, "
               f"{fmt.count(n_items, 'sample item')}.", icon=":material/check_circle:")
    rows = [{"table": t.name, "partition key": f"{t.partition_key.name} ({t.partition_key.type})",
             "sort key": f"{t.sort_key.name} ({t.sort_key.type})" if t.sort_key else "none",
             "indexes": ", ".join([g.name for g in t.gsis] + [lsi.name for lsi in t.lsis]) or "none",
             "entities": ", ".join(e.name for e in model.entities_of(t.name)) or "none",
             "sample items": len(items.get(t.name, []))} for t in model.tables]
    st.dataframe(rows, hide_index=True, width="stretch")
    st.caption("Access patterns and their rates are not in these files: the design opens with none (its cost is "
               "storage only) until you add them on the Design page.")
    if notes:
        st.markdown(f"**What was skipped, changed or guessed ({fmt.count(len(notes), 'note')})**: nothing is "
                    "dropped silently.")
        st.dataframe([{"kind": n.kind, "where": n.where, "what": n.what, "why": n.why} for n in notes[:NOTES_SHOWN]],
                     hide_index=True, width="stretch")
        if len(notes) > NOTES_SHOWN:
            st.caption(f"The first {NOTES_SHOWN} of {fmt.count(len(notes), 'note')}; `ddb-workbench import` "
                       "prints them all.")
    cols = st.columns(2)
    cols[0].button("Open as a new design", key="import.open", type="primary", icon=":material/file_open:",
                   on_click=_open_imported, args=(text, source_fmt, name))
    if n_items:
        lines = "".join(json.dumps({"Item": item}, ensure_ascii=False) + "\n" for t in items.values() for item in t)
        cols[1].download_button("Download the sample items (DynamoDB JSON lines)", lines.encode("utf-8"),
                                file_name=f"{slug(model.name)}-items.jsonl", mime="application/jsonl",
                                on_click="ignore", key="import.items", icon=":material/download:",
                                help="The file's table data, one {\"Item\": ...} per line, as a DynamoDB export "
                                     "writes it: `ddb-workbench sandbox --items` loads it. The design itself keeps "
                                     "what the items taught (key templates, attributes, sizes), not the items.")
    show_problems("import")


# ----------------------------------------------------------------------------- out


def export_panel(design_name: str) -> None:
    """The current design as a file of one export format: a preview, a download, and what the format cannot
    carry."""
    try:
        available = cache.export_formats()
    except cache.EngineMissing:
        st.warning("Export is not part of this build.")
        return
    choices = [f for f in EXPORTS if f in available] + [f for f in available if f not in EXPORTS]
    to = st.selectbox("Export as", choices, format_func=lambda f: EXPORTS.get(f, (f,))[0], key="view.export.to")
    if to == "items":
        _items_panel(design_name)
        return
    try:
        text, lost = cache.exported(state.design_json(), to)
    except WorkbenchError as exc:
        st.error(f"This design cannot be exported as {to}: {fmt.text(exc, lines=True)}", icon=":material/error:")
        return
    except Exception as exc:  # noqa: BLE001 - an exporter bug must not become a traceback in the browser
        st.error(f"Export as {to} failed ({type(exc).__name__}: {fmt.text(exc)}). This is a workbench bug; the "
                 "design is unchanged.", icon=":material/bug_report:")
        return
    name = export_file_name(to, design_name)
    lines = text.count("\n")
    st.download_button(f"Download {name}", text.encode("utf-8"), file_name=name, mime="text/plain",
                       on_click="ignore", key="export.download", icon=":material/download:", type="primary")
    st.caption(f"{fmt.count(lines, 'line')}, {fmt.size(len(text.encode('utf-8')))}. The same file as "
               f"`ddb-workbench export design.yaml --to {to}`.")
    for note in lost:
        st.markdown(f":material/info: Not exported: {fmt.text(note)}.")
    shown = text if lines <= PREVIEW_LINES else "\n".join(text.splitlines()[:PREVIEW_LINES])
    if lines > PREVIEW_LINES:
        st.caption(f"Preview: the first {PREVIEW_LINES} lines; the download has all {fmt.count(lines, 'line')}.")
    st.code(shown, language=EXPORTS.get(to, ("", "", "text"))[2], line_numbers=True)


def _items_panel(design_name: str) -> None:
    """Every table's sample items as one zip (JSON lines, BatchWriteItem files of 25, manifest) and a preview."""
    model = state.current_model()
    try:
        data = items_zip(state.design_json())
    except WorkbenchError as exc:
        st.error(f"The sample items cannot be exported: {fmt.text(exc, lines=True)}", icon=":material/error:")
        return
    name = export_file_name("items", design_name)
    st.download_button(f"Download {name}", data, file_name=name, mime="application/zip", on_click="ignore",
                       key="export.download", icon=":material/download:", type="primary")
    st.caption(f"{fmt.size(len(data))} zipped: per table `<table>.jsonl` (one {{\"Item\": ...}} per line, as a "
               "DynamoDB export to S3 writes them) and `<table>.batch-NNNN.json` (BatchWriteItem requests of at most 25 "
               "puts), plus manifest.json. The same files as `ddb-workbench export design.yaml --to items -o DIR`.")
    table = st.selectbox("Preview the items of", [t.name for t in model.tables], key="view.export.items_table")
    try:
        text, lost = _table_items(state.design_json(), table)
    except WorkbenchError as exc:
        st.error(f"Preview failed: {fmt.text(exc)}", icon=":material/error:")
        return
    for note in lost:
        st.markdown(f":material/info: {fmt.text(note)}.")
    lines = text.splitlines()
    if len(lines) > PREVIEW_LINES:
        st.caption(f"The first {PREVIEW_LINES} of {fmt.count(len(lines), 'item')}; the download has all.")
    st.code("\n".join(lines[:PREVIEW_LINES]), language="json", line_numbers=True)
