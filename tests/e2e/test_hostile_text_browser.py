"""Real browser (issue 11): a shared design whose text holds markdown images and links, raw HTML, colour
directives and LaTeX (tests/app/hostile_design.py) is opened on every page and every Design tab; the browser
must fetch nothing from the tracker, and the page must hold no image, link or formula made from design text
(it shows the characters typed). AppTest checks the markdown sources (tests/app/test_hostile_text.py); this
checks what Streamlit's frontend makes of them, charts and the Graphviz picture included.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_browser import (
    CHROMIUM,
    CHROMIUM_FLAGS,
    SETTLE_MS,
    UI_TIMEOUT_MS,
    Server,
    _free_port,
    _title,
    _wait_idle,
    playwright_api,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "app"))
from hostile_design import TRACKER, hostile, hostile_design_json  # noqa: E402

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed (.ci/run "
                                "installs it)")

DESIGN_ID = "hostile01"
# (url path, title shown)
PAGES = [("", "Start"), ("design", "Design"), ("capacity-and-cost", "Capacity & cost"),
         ("partitions-and-hot-keys", "Partitions & hot keys"), ("consistency", "Consistency"),
         ("item-collections", "Item collections"), ("compare", "Compare")]
DESIGN_TABS = ["Overview", "Tables & indexes", "Entities", "Access patterns", "YAML"]
# Anything the frontend made out of design text: an image or link to the tracker, a script link, LaTeX.
LIVE_JS = f"""() => {{
  const bad = [];
  for (const e of document.querySelectorAll('img, image, source, video, audio, iframe, embed, object')) {{
    const src = e.getAttribute('src') || e.getAttribute('href') || e.getAttribute('xlink:href') || e.getAttribute('data') || '';
    if (src.includes('{TRACKER}')) bad.push(e.tagName + ' ' + src);
  }}
  for (const e of document.querySelectorAll('a')) {{
    const href = e.getAttribute('href') || e.getAttribute('xlink:href') || '';
    if (href.includes('{TRACKER}') || href.toLowerCase().startsWith('javascript')) bad.push('A ' + href);
  }}
  if (document.querySelector('.katex')) bad.push('LaTeX rendered');
  for (const e of document.querySelectorAll('[data-testid=stMarkdownContainer] strong')) {{
    if (e.innerText.trim() === 'bold') bad.push('bold from design text');
  }}
  return bad;
}}"""


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    from ui import store
    from ui.store.sql import open_store

    base = tmp_path_factory.mktemp("hostile")
    open_store("", base / "data").save(store.DesignRecord(DESIGN_ID, hostile_design_json()))  # as a share would
    srv = Server(base / "data", _free_port(), base / "streamlit.log")
    srv.start()
    yield srv
    srv.stop()


def test_the_hostile_design_fetches_nothing_and_renders_no_link_or_image(hostile_server: Server,
                                                                         tmp_path: Path) -> None:
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        context = browser.new_context(viewport={"width": 1400, "height": 2000})
        pg = context.new_page()
        pg.set_default_timeout(UI_TIMEOUT_MS)
        requests: list[str] = []
        pg.on("request", lambda request: requests.append(request.url))
        found: dict[str, list[str]] = {}

        def check(where: str) -> None:
            _wait_idle(pg)
            pg.wait_for_timeout(SETTLE_MS)  # charts, the Graphviz picture and lazily drawn widgets paint
            assert pg.locator('[data-testid="stException"]').count() == 0, f"{where} shows an exception"
            found[where] = pg.evaluate(LIVE_JS)

        for url_path, title in PAGES:
            pg.goto(f"{hostile_server.url}/{url_path}?design={DESIGN_ID}")
            _title(pg, title)
            check(title)
            if title == "Start":
                # the design's name is shown as typed (up to the word joiner that keeps its URL from linking)
                pg.get_by_text(hostile("Open now: Design")[:len("Open now: Design ![t](")]).first.wait_for()
                pg.screenshot(path=str(tmp_path / "hostile-start.png"), full_page=True)
            if title == "Design":
                for tab in DESIGN_TABS:
                    pg.get_by_role("tab", name=tab, exact=True).click()
                    check(f"Design: {tab}")
        context.close()
        browser.close()
    assert not any(found.values()), {k: v for k, v in found.items() if v}
    assert not [url for url in requests if TRACKER in url], "the browser fetched from the tracker"
