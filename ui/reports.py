"""Design reports for the pages' Report downloads (engine.report), cached on the design JSON text, the format,
the date and the engine version: the same design and day give the same file without recomputing."""

from __future__ import annotations

import datetime as dt
import re

import streamlit as st

from engine import ENGINE_VERSION

FORMATS = {"HTML": "html", "Markdown": "md", "PDF": "pdf"}
MIME = {"html": "text/html", "md": "text/markdown", "pdf": "application/pdf"}
EXTENSIONS = {"html": "html", "md": "md", "pdf": "pdf"}


@st.cache_data(max_entries=16, show_spinner=False)
def _report(design_json: str, other_json: str | None, fmt: str, date: str, paper: str, engine_version: str) -> bytes:
    from engine.io import loads_model
    from engine.report import build_report, render

    report = build_report(loads_model(design_json, "json", source="design"))
    other = build_report(loads_model(other_json, "json", source="design B")) if other_json else None
    return render(report, fmt, date=date, compare=other, paper=paper)


def report_bytes(design_json: str, fmt: str, *, other_json: str | None = None, date: str | None = None,
                 paper: str = "a4") -> bytes:
    """The report of a design (or of two side by side) as bytes: fmt is html, md or pdf (raises WorkbenchError,
    engine.report.PdfUnavailable when no chromium can print)."""
    return _report(design_json, other_json, fmt, date or today(), paper, ENGINE_VERSION)


def today() -> str:
    return dt.datetime.now(dt.UTC).date().isoformat()


def pdf_unavailable_reason() -> str | None:
    """Why this server cannot print a PDF report (no chromium), or None."""
    from engine.report import pdf_unavailable_reason as reason

    return reason()


def file_name(name: str, fmt: str, date: str, other: str | None = None) -> str:
    """report-<design>[-vs-<other>]-<date>.<ext>, with only safe characters."""
    def slug(text: str) -> str:
        return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[:40] or "design"

    middle = slug(name) + (f"-vs-{slug(other)}" if other is not None else "")
    return f"report-{middle}-{date}.{EXTENSIONS[fmt]}"
