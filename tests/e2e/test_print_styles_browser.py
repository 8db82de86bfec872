"""Printing the pages themselves (ui.widgets.print_styles): in print media the sidebar, header, toolbar, buttons and
inputs are gone and nothing sticks out past the sheet's right edge. The stylesheet is injected into the served
page as print_styles() puts it there, and every page printed to PDF (A4) for a look at the result."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_browser import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_FLAGS,
    UI_TIMEOUT_MS,
    Server,
    _free_port,
    _wait_idle,
    playwright_api,
)

A4_WIDTH_PX = 794  # 210 mm at 96 px per inch
# The widest tables (Capacity), the heat map (Partitions) and the longest page (Consistency): the suite's time
# budget keeps this to three; each prints through a real chromium.
PAGES = [("github_single_table", "capacity-and-cost"), ("hot_enum_key", "partitions-and-hot-keys"),
         ("global_game_state", "consistency")]

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    base = tmp_path_factory.mktemp("print")
    srv = Server(base / "data", _free_port(), base / "streamlit.log")
    srv.start()
    yield srv
    srv.stop()


@pytest.mark.parametrize(("sample", "path"), PAGES)
def test_printed_page_has_no_sidebar_inputs_or_overflow(server, tmp_path, sample, path):
    from ui.widgets import PRINT_CSS

    out_dir = Path(os.environ.get("DDB_WORKBENCH_PRINT_DIR") or tmp_path)
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(UI_TIMEOUT_MS)
        page.goto(f"{server.url}/{path}?sample={sample}")
        _wait_idle(page)
        # Charts and data grids are drawn by lazily loaded code: wait until every one is drawn, as a person would.
        page.wait_for_function("""() => !document.querySelector('[data-testid="stSkeleton"]')
            && !document.querySelector('[data-testid="stStatusWidget"]')
            && document.querySelectorAll('[data-testid="stMarkdown"]').length > 3""", timeout=UI_TIMEOUT_MS)
        page.wait_for_timeout(1500)
        page.wait_for_function("""() => {
            const charts = document.querySelectorAll('[data-testid="stPlotlyChart"]').length;
            const grids = document.querySelectorAll('[data-testid="stDataFrame"]').length;
            return document.querySelectorAll('.js-plotly-plot .main-svg').length >= charts
                && document.querySelectorAll('[data-testid="stDataFrame"] canvas').length >= grids;
        }""", timeout=UI_TIMEOUT_MS)
        page.wait_for_timeout(1000)
        page.add_style_tag(content=PRINT_CSS)
        page.emulate_media(media="print")
        page.wait_for_timeout(4000)  # charts and grids redraw at the new width
        page.pdf(path=str(out_dir / f"print-{path or 'start'}.pdf"), format="A4",
                 margin={"top": "12mm", "bottom": "12mm", "left": "12mm", "right": "12mm"})
        page.set_viewport_size({"width": A4_WIDTH_PX - 90, "height": 1000})  # the printable width at 12 mm margins
        page.wait_for_timeout(3000)
        hidden = page.evaluate("""() => {
            const shown = el => el && getComputedStyle(el).display !== 'none' && el.getClientRects().length > 0;
            const visible = s => [...document.querySelectorAll(s)].filter(el => shown(el)
                && ![...document.querySelectorAll('*')].some(p => p.contains(el) && p !== el
                     && getComputedStyle(p).display === 'none'));
            return {sidebar: visible('section[data-testid="stSidebar"]').length,
                    inputs: visible('input:not([type=hidden]), textarea, button').map(el => {
                        const owner = el.closest('[data-testid^="st"]');
                        return (owner ? owner.getAttribute('data-testid') + '.' + owner.className.split(' ')[0] : '')
                            + ' ' + el.tagName + ' ' + (el.innerText || el.getAttribute('aria-label') || '').slice(0, 30);
                    })};
        }""")
        assert hidden == {"sidebar": 0, "inputs": []}
        overflow = page.evaluate("""(limit) => [...document.querySelectorAll(
                '[data-testid="stMainBlockContainer"] *')].filter(el => {
                const r = el.getBoundingClientRect();
                return r.width > 0 && r.right > limit + 2 && getComputedStyle(el).display !== 'none';
            }).map(el => (el.getAttribute('data-testid') || el.tagName) + ' ' + Math.round(el.getBoundingClientRect().right)).slice(0, 10)""",
                                 A4_WIDTH_PX - 90)
        browser.close()
    assert overflow == [], overflow
