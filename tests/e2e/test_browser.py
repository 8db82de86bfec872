"""Real browser: the workbench served by `streamlit run app.py`, driven by Playwright on Debian's chromium.

Proves what AppTest cannot: the design id lands in the URL, an edit survives a page reload and a
server restart (autosave to DDB_WORKBENCH_DATA), and every page renders in a real browser. Saves a
screenshot of every page (in tmp, or in $DDB_WORKBENCH_SCREENSHOTS for docs/screenshots/).
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
SERVER_START_TIMEOUT_S = 60
UI_TIMEOUT_MS = 30_000
SAMPLE = "hot_enum_key"
GLOBAL_SAMPLE = "global_game_state"
SCREENSHOT_VIEWPORT = {"width": 1400, "height": 2000}
GLOBAL_SECTION_VIEWPORT = {"width": 1400, "height": 4000}
GLOBAL_SECTION_HEIGHT_PX = 1100
NARROW_VIEWPORT = {"width": 900, "height": 2000}  # a laptop window split in two, or a tablet
SETTLE_MS = 1500
# The README's screenshots show what a new user sees: each page on an UNEDITED sample that teaches it
# (the rate edit above stays in the autosave test, not in the pictures).
# (sample, url path, title shown, screenshot file)
PAGES = [
    ("github_single_table", "", "Start", "start"),
    ("github_single_table", "design", "Design", "design"),
    ("github_single_table", "capacity-and-cost", "Capacity & cost", "capacity-and-cost"),
    ("github_single_table", "item-collections", "Item collections", "item-collections"),
    (SAMPLE, "partitions-and-hot-keys", "Partitions & hot keys", "partitions-and-hot-keys"),
    (SAMPLE, "compare", "Compare", "compare"),  # against its write-sharded partner (the page's default B)
    (GLOBAL_SAMPLE, "consistency", "Consistency", "consistency"),
]

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed (.ci/run "
                                "installs it)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`streamlit run app.py` on 127.0.0.1 with its own data directory; restartable on the same port."""

    def __init__(self, data_dir: Path, port: int, log_path: Path, env: dict[str, str] | None = None) -> None:
        self.data_dir, self.port, self.log_path = data_dir, port, log_path
        self.env = env or {}
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = {**os.environ, "DDB_WORKBENCH_DATA": str(self.data_dir), **self.env}
        cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
               "--server.address", "127.0.0.1", "--server.port", str(self.port),
               "--browser.gatherUsageStats", "false"]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited early: {self.log_path.read_text()[-2000:]}")
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        return
            time.sleep(0.3)
        raise RuntimeError(f"streamlit did not become healthy: {self.log_path.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.process = None


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    base = tmp_path_factory.mktemp("browser")
    srv = Server(base / "data", _free_port(), base / "streamlit.log")
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def page(server: Server):
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        pg = context.new_page()
        pg.set_default_timeout(UI_TIMEOUT_MS)
        yield pg
        context.close()
        browser.close()


def _screenshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = os.environ.get("DDB_WORKBENCH_SCREENSHOTS")
    path = Path(target) if target else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _wait_idle(pg) -> None:
    """Wait until the app finished its rerun (the status widget shows no 'Running')."""
    pg.wait_for_selector('[data-testid="stApp"]')
    pg.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=UI_TIMEOUT_MS)
    pg.wait_for_timeout(300)


def _title(pg, text: str) -> None:
    pg.get_by_role("heading", name=text, exact=True).first.wait_for()


def _assert_no_page_not_found(pg) -> None:
    """A deep link right after a server start must open the page without a "Page not found" dialog.

    Streamlit (1.67, runtime/pages_manager.py) routes the first script run of a process through its
    legacy folder-based multipage router when a folder literally named `pages/` sits next to app.py;
    that router does not know our url_paths and shows "Page not found" over the right page
    (streamlit/streamlit#9992, #8860). Our page scripts therefore live in `views/`.
    """
    assert pg.get_by_text("Page not found").count() == 0, "Streamlit showed 'Page not found' on a deep link"


def _total_cost(pg) -> str:
    metric = pg.locator('[data-testid="stMetric"]', has_text="Total cost per month").first
    metric.wait_for()
    return metric.locator('[data-testid="stMetricValue"]').inner_text()


def _rate_input(pg):
    return pg.locator('[data-testid="stNumberInput"] input').first


def _wait_for_rate(pg, expected: float) -> float:
    """The first rate input once the page has settled on it (on a loaded machine the inputs stream in one by
    one; the value is read when it stops changing, and a wrong value still fails the assertion after)."""
    with contextlib.suppress(playwright_api.TimeoutError):
        pg.wait_for_function(
            "(expected) => { const i = document.querySelector('[data-testid=\"stNumberInput\"] input'); "
            "return i && Math.abs(parseFloat(i.value) - expected) < 1e-6; }", arg=expected, timeout=UI_TIMEOUT_MS)
    _wait_idle(pg)
    return float(_rate_input(pg).input_value())


def test_edit_survives_reload_and_restart_and_every_page_renders(server: Server, page,
                                                                 tmp_path_factory: pytest.TempPathFactory) -> None:
    import importlib.util

    if importlib.util.find_spec("engine.evaluate") is None:
        pytest.skip("engine.evaluate is not in this build yet: no cost to edit")
    pg = page
    pg.goto(server.url + "/")
    _title(pg, "Start")
    pg.wait_for_url(re.compile(r"[?&]design=[a-z0-9]+"))

    # open a sample from the gallery: a copy of it (the address names the sample) until the first edit
    _wait_idle(pg)
    pg.locator(f".st-key-open-sample-{SAMPLE} button").click()
    _wait_idle(pg)
    pg.get_by_text("Opened the sample " + SAMPLE).first.wait_for()
    pg.wait_for_url(re.compile(rf"[?&]sample={SAMPLE}"))

    # the Start page points at the hot key; its link opens the page that explains it, keeping the address
    _wait_idle(pg)
    pg.get_by_role("link", name="See Partitions & hot keys").first.click()
    _title(pg, "Partitions & hot keys")
    pg.wait_for_url(re.compile(rf"sample={SAMPLE}"))
    pg.get_by_text("PENDING").first.wait_for()

    # edit a rate on the cost page and see the cost change; the edit makes the design one's own (a new id)
    pg.goto(f"{server.url}/capacity-and-cost?sample={SAMPLE}")
    _title(pg, "Capacity & cost")
    before = _total_cost(pg)
    rate = _rate_input(pg)
    old_rate = float(rate.input_value())
    new_rate = old_rate * 4 + 100
    rate.fill(f"{new_rate:g}")
    rate.press("Enter")
    _wait_idle(pg)
    pg.wait_for_function(
        "(before) => { const m = [...document.querySelectorAll('[data-testid=\"stMetric\"]')]"
        ".find(e => e.innerText.includes('Total cost per month')); "
        "return m && !m.innerText.includes(before); }", arg=before, timeout=UI_TIMEOUT_MS)
    after = _total_cost(pg)
    assert after != before
    pg.wait_for_url(re.compile(r"[?&]design=[a-z0-9]+"))
    design_id = re.search(r"design=([a-z0-9]+)", pg.url).group(1)
    assert "sample=" not in pg.url

    # a reload keeps the edit (autosave under the URL's id)
    pg.reload()
    _title(pg, "Capacity & cost")
    assert _wait_for_rate(pg, new_rate) == pytest.approx(new_rate)
    assert _total_cost(pg) == after

    # a server restart keeps it too
    server.stop()
    server.start()
    pg.goto(f"{server.url}/capacity-and-cost?design={design_id}")
    _title(pg, "Capacity & cost")
    _wait_idle(pg)
    _assert_no_page_not_found(pg)
    assert _wait_for_rate(pg, new_rate) == pytest.approx(new_rate)
    assert _total_cost(pg) == after

    # navigating with the sidebar keeps the design id in the address (so a bookmark or refresh finds it)
    pg.locator('[data-testid="stSidebarNav"]').get_by_text("Consistency", exact=True).click()
    _title(pg, "Consistency")
    pg.wait_for_url(re.compile(rf"/consistency\?(.*&)?design={design_id}"))

    # every page renders its own title, no exception box; screenshot each on an unedited sample
    shots = _screenshot_dir(tmp_path_factory)
    pg.set_viewport_size(SCREENSHOT_VIEWPORT)  # Streamlit scrolls inside its own container: a tall window shows more
    for sample, url_path, title, shot in PAGES:
        _show(pg, server, f"sample={sample}", url_path, title)
        pg.screenshot(path=str(shots / f"{shot}.png"), full_page=True)
        if shot == "capacity-and-cost":
            pg.set_viewport_size(NARROW_VIEWPORT)
            _show(pg, server, f"sample={sample}", url_path, title)
            pg.screenshot(path=str(shots / f"{shot}-900px.png"), full_page=True)
            pg.set_viewport_size(SCREENSHOT_VIEWPORT)
    assert len(list(shots.glob("*.png"))) >= len(PAGES)

    # global tables: MREC vs MRSC side by side (the consistency page's Global tables section, for the README)
    pg.set_viewport_size(GLOBAL_SECTION_VIEWPORT)  # the whole page fits, so the section can be clipped out
    pg.wait_for_timeout(SETTLE_MS)
    heading = pg.get_by_role("heading", name="Global tables", exact=True).first
    heading.wait_for()
    box = heading.bounding_box()
    left = max(0.0, box["x"] - 40)
    pg.screenshot(path=str(shots / "consistency-global-tables.png"), full_page=True,
                  clip={"x": left, "y": max(0.0, box["y"] - 20), "width": GLOBAL_SECTION_VIEWPORT["width"] - left,
                        "height": GLOBAL_SECTION_HEIGHT_PX})

    # the Design page's overview of a sample: design picture, entity chart and access-pattern chart
    pg.set_viewport_size(SCREENSHOT_VIEWPORT)
    _show(pg, server, "sample=github_single_table", "design", "Design")
    pg.get_by_role("tab", name="Overview").click()
    pg.locator('[data-testid="stGraphVizChart"] svg').first.wait_for()
    _wait_idle(pg)
    pg.wait_for_timeout(SETTLE_MS)
    pg.screenshot(path=str(shots / "design-overview.png"), full_page=True)


def _show(pg, server: Server, query: str, url_path: str, title: str) -> None:
    """Load a page by its address (`query`: design=<id> or sample=<name>, an unedited sample) and wait until it
    has rendered, charts included; no exception box."""
    pg.goto(f"{server.url}/{url_path}?{query}")
    _title(pg, title)
    _wait_idle(pg)
    pg.wait_for_load_state("networkidle")
    pg.wait_for_timeout(SETTLE_MS)  # let charts and lazily drawn widgets paint
    assert pg.locator('[data-testid="stException"]').count() == 0, f"{title} shows an exception"


def test_two_browser_sessions_are_isolated(server: Server, page) -> None:
    """A second browser context without the id gets its own design id (no shared edits)."""
    page.goto(server.url + "/")
    page.wait_for_url(re.compile(r"design=[a-z0-9]+"))
    first = re.search(r"design=([a-z0-9]+)", page.url).group(1)
    browser = page.context.browser
    other = browser.new_context()
    try:
        pg2 = other.new_page()
        pg2.goto(server.url + "/")
        pg2.wait_for_url(re.compile(r"design=[a-z0-9]+"), timeout=UI_TIMEOUT_MS)
        second = re.search(r"design=([a-z0-9]+)", pg2.url).group(1)
        assert first != second
        _title(pg2, "Start")
        _wait_idle(pg2)
        pg2.get_by_role("button", name="New empty design").first.click()
        pg2.get_by_text("Started an empty design").first.wait_for()
        page.reload()
        _title(page, "Start")
        assert page.get_by_text("Started an empty design").count() == 0
        assert page.locator('[data-testid="stSidebar"]').get_by_text("new design", exact=True).count() == 0
    finally:
        other.close()


def _field(pg, key: str):
    """The input of the widget with Streamlit key `key` (its container has the class st-key-<key>)."""
    css = re.sub(r"[^A-Za-z0-9_-]", "-", key)
    return pg.locator(f".st-key-{css} input, .st-key-{css} textarea").first


def test_build_from_scratch_in_the_browser(server: Server, page, tmp_path_factory: pytest.TempPathFactory) -> None:
    """From an empty design with clicks and typing only: an entity with an attribute and an access pattern, then its
    monthly cost; screenshots of the editor, the entity chart and the design picture (issue 10)."""
    pg = page
    pg.set_viewport_size({"width": 1400, "height": 1000})
    pg.goto(server.url + "/")
    _title(pg, "Start")
    pg.wait_for_url(re.compile(r"design=[a-z0-9]+"))
    first_id = re.search(r"design=([a-z0-9]+)", pg.url).group(1)
    _wait_idle(pg)
    pg.get_by_role("button", name="New empty design").first.click()
    pg.get_by_text("Started an empty design").first.wait_for()
    pg.wait_for_url(lambda url: "design=" in url and first_id not in url)  # a new design at a new address
    design_id = re.search(r"design=([a-z0-9]+)", pg.url).group(1)

    pg.goto(f"{server.url}/design?design={design_id}")
    _title(pg, "Design")
    _wait_idle(pg)
    pg.get_by_role("tab", name="Entities").click()
    _field(pg, "w.newentity.name").fill("User")
    _field(pg, "w.newentity.count").fill("50000")
    pg.get_by_role("button", name="Add entity").click()
    pg.get_by_text("Added entity User").first.wait_for()
    _wait_idle(pg)
    _field(pg, "w.attribute.User.name").fill("email")
    _field(pg, "w.attribute.User.size").fill("30")
    pg.get_by_role("button", name="Save attribute").click()
    pg.get_by_text("saved attribute email").first.wait_for()
    _wait_idle(pg)

    pg.get_by_role("tab", name="Access patterns").click()
    _field(pg, "w.newpattern.name").fill("get user")
    _field(pg, "w.newpattern.pk").fill("USER#{user_id}")
    _field(pg, "w.newpattern.rate").fill("250")
    _field(pg, "w.newpattern.peak").fill("500")
    pg.get_by_role("button", name="Add access pattern").click()
    pg.get_by_text("Added access pattern get user").first.wait_for()
    _wait_idle(pg)

    shots = _screenshot_dir(tmp_path_factory)
    pg.set_viewport_size(SCREENSHOT_VIEWPORT)
    pg.get_by_role("tab", name="Entities").click()
    _field(pg, "w.keytpl.User.PK").wait_for()
    _wait_idle(pg)
    pg.wait_for_timeout(SETTLE_MS)
    pg.screenshot(path=str(shots / "design-editor.png"), full_page=True)
    pg.get_by_role("tab", name="Overview").click()
    pg.locator('[data-testid="stGraphVizChart"] svg').first.wait_for()
    assert pg.locator('[data-testid="stException"]').count() == 0

    pg.goto(f"{server.url}/capacity-and-cost?design={design_id}")
    _title(pg, "Capacity & cost")
    total = _total_cost(pg)
    assert total.startswith("$") and total not in ("$0.00", "$0")
    assert pg.get_by_text("get user").count() > 0
