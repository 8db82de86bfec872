"""Report downloads on the Start and Compare pages (ui/reports.py through ui.widgets.report_download), and the
pages' print stylesheet (ui.widgets.print_styles)."""

from __future__ import annotations

from app_harness import page_texts


def _downloads(at):
    return [e for e in at.main.get("download_button")]


def test_start_page_offers_the_report_of_the_current_design(open_app):
    at = open_app("page_views")
    assert not _downloads(at)  # nothing is computed before it is asked for
    at.session_state["view.start.report"] = True
    at.run()
    at.button(key="view.report.start.make").click().run()
    assert not at.exception
    buttons = _downloads(at)
    assert len(buttons) == 1 and buttons[0].proto.label == "Download HTML report"


def test_start_page_markdown_report(open_app):
    at = open_app("page_views")
    at.session_state["view.start.report"] = True
    at.session_state["view.report.start.format"] = "Markdown"
    at.run()
    at.button(key="view.report.start.make").click().run()
    assert [b.proto.label for b in _downloads(at)] == ["Download Markdown report"]


def test_compare_page_offers_the_report_of_both_designs(open_app):
    at = open_app("hot_enum_key")
    at.switch_page("views/compare_page.py").run()
    at.session_state["view.compare.report"] = True
    at.run()
    at.button(key="view.report.compare.make").click().run()
    assert not at.exception
    assert [b.proto.label for b in _downloads(at)] == ["Download HTML report"]
    assert any("both designs side by side" in t for t in page_texts(at))


def test_report_bytes_are_the_engine_report():
    from engine.io import dump_model, load_sample
    from engine.report import build_report, render_markdown
    from ui import reports

    design_json = dump_model(load_sample("page_views"), "json")
    data = reports.report_bytes(design_json, "md", date="2026-01-15")
    assert data.decode() == render_markdown(build_report(load_sample("page_views")), date="2026-01-15")
    assert reports.file_name("Page <views>", "md", "2026-01-15", "B/2") == "report-page-views-vs-b-2-2026-01-15.md"


def test_print_styles_hide_the_sidebar_and_inputs():
    from ui.widgets import PRINT_CSS

    assert "@media print" in PRINT_CSS and 'section[data-testid="stSidebar"]' in PRINT_CSS
    assert ".stTextInput" in PRINT_CSS and ".stButton" in PRINT_CSS
