"""Design reports to hand around: one self-contained HTML file (and a PDF printed from it by headless chromium),
or Markdown for a pull-request comment, of one design or of two side by side.

    report = build_report(model)                      # evaluate, partitions, heat, consistency, findings
    text = render_html(report, date="2026-12-04")     # or render_markdown / render_pdf(paper="a4"|"letter")
    text = render_html(report, date=..., compare=build_report(other))

The same design, price catalog and date give the same HTML and Markdown bytes.
"""

from __future__ import annotations

from typing import Any

from engine.report.data import DesignReport, build_report, collect_findings, content_hash
from engine.report.html import strip_plotly
from engine.report.pdf import PdfUnavailable, chromium_path, pdf_unavailable_reason

FORMATS = ("html", "md", "pdf")
PAPERS = ("a4", "letter")


def report_document(report: DesignReport, *, date: str, compare: DesignReport | None = None) -> Any:
    """The report's blocks (engine.report.document.Document): one design, or `report` as A and `compare` as B."""
    from engine.report.document import compare_document, design_document

    return design_document(report, date) if compare is None else compare_document(report, compare, date)


def render_html(report: DesignReport, *, date: str, compare: DesignReport | None = None,
                paper: str | None = None) -> str:
    """One self-contained HTML file (plotly.js inlined once, no network request). `paper` ("a4", "letter") fixes
    the printed page size; None leaves it to the printer (the layout fits both)."""
    from engine.report.html import document_html

    if paper is not None and paper not in PAPERS:
        raise ValueError(f"paper {paper!r}: use one of {', '.join(PAPERS)}")
    return document_html(report_document(report, date=date, compare=compare), paper)


def render_markdown(report: DesignReport, *, date: str, compare: DesignReport | None = None) -> str:
    """Markdown for a pull-request comment: tables and findings, no links, no HTML."""
    from engine.report.markdown import document_markdown

    return document_markdown(report_document(report, date=date, compare=compare))


def render_pdf(report: DesignReport, *, date: str, compare: DesignReport | None = None, paper: str = "a4") -> bytes:
    """The HTML report printed to PDF by headless chromium on `paper` (raises PdfUnavailable without chromium)."""
    from engine.report.pdf import html_to_pdf

    return html_to_pdf(render_html(report, date=date, compare=compare, paper=paper), date=date)


def render(report: DesignReport, fmt: str, *, date: str, compare: DesignReport | None = None,
           paper: str = "a4") -> bytes:
    """The report in `fmt` ("html", "md", "pdf") as bytes (UTF-8 for text)."""
    if fmt == "html":
        return render_html(report, date=date, compare=compare).encode("utf-8")
    if fmt == "md":
        return render_markdown(report, date=date, compare=compare).encode("utf-8")
    if fmt == "pdf":
        return render_pdf(report, date=date, compare=compare, paper=paper)
    raise ValueError(f"format {fmt!r}: use one of {', '.join(FORMATS)}")


__all__ = ["FORMATS", "PAPERS", "DesignReport", "PdfUnavailable", "build_report", "chromium_path",
           "collect_findings", "content_hash", "pdf_unavailable_reason", "render", "render_html",
           "render_markdown", "render_pdf", "report_document", "strip_plotly"]
