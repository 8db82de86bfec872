"""A workshop on one small box (issue 11): server cost of new browser sessions on a real `streamlit run app.py`.

Starts the workbench with `streamlit run app.py` (headless, 127.0.0.1, a free port, DDB_WORKBENCH_DATA in a temp
directory) and, as the baseline measured in the same run, a second `streamlit run` of a bare page (st.title and
st.metric). Sessions are real websocket clients speaking Streamlit's own protocol (streamlit.proto BackMsg /
ForwardMsg on /_stcore/stream): each sends a rerun_script with `design=<id>` in its query string and the page,
then reads ForwardMsgs until script_finished. Prints, against the bare page where it applies:

- server CPU-seconds per new session (utime+stime of the server process, all its threads, from /proc/<pid>/stat):
  on an unedited sample (warm caches; goal <= 0.15) and on freshly edited designs the server never computed
  (the sample with one access pattern's rate changed per session; goal <= 0.5);
- time until the Start page's headline numbers (its row of st.metric elements) arrive, p50 and p95, with
  `--workshop` sessions (default 30) started evenly within `--spread` seconds (default 10) and running
  concurrently (goal: p95 < 5 s);
- server memory (VmRSS from /proc/<pid>/status) before and after those sessions, per session, and per session
  on the Item collections page after running its request (`--collections-sessions`, `--collections-sample`);
- CPU per new session on every page once its caches are warm (`--page-sessions`).

Both servers run from the project root, so they read its .streamlit/config.toml as `streamlit run app.py` does.

    python benchmarks/bench_workshop.py [--sessions 10] [--workshop 30] [--spread 10] [--sample github_single_table]
    python benchmarks/bench_workshop.py --profile /tmp/prof   # cProfile of every script run, per thread CPU
    python benchmarks/bench_workshop.py --browser             # also one Start page in Debian's chromium

Chromium (`--browser`) is only a single-session check; every figure above comes from the websocket clients.
The servers are stopped on exit, Ctrl-C included. No assertion is made on timing.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import contextlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402
from websockets.asyncio.client import connect  # noqa: E402

GOAL_CPU_UNEDITED_S = 0.15
GOAL_CPU_EDITED_S = 0.5
GOAL_P95_S = 5.0
SERVER_START_TIMEOUT_S = 90
SESSION_TIMEOUT_S = 120
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
START_PAGE = ""  # the default page (url path "start")
COLLECTIONS_PAGE = "item-collections"
# url paths of app.py's pages (st.Page url_path), for the CPU per new session on each page
PAGES = (START_PAGE, "design", "capacity-and-cost", "partitions-and-hot-keys", "consistency", "item-collections",
         "compare")
RUN_BUTTON = "Run on the sandbox"
BARE_SCRIPT = """
import streamlit as st

st.title("Bare page")
st.metric("Requests", "1,234 req/s")
"""
# Runs `streamlit run` in this interpreter with every script run timed (thread CPU) and, when a directory is
# given, profiled with cProfile on the thread's CPU clock: one .prof file per run, and runs.jsonl with each run's
# thread CPU.
PROFILE_BOOT = """
import cProfile, json, os, sys, threading, time
from streamlit.runtime.scriptrunner import script_runner

out = os.environ["BENCH_PROFILE_DIR"]
profile = os.environ.get("BENCH_PROFILE_CPROFILE") == "1"
original = script_runner.ScriptRunner._run_script
lock = threading.Lock()
count = [0]

def timed(self, rerun_data):
    with lock:
        count[0] += 1
        n = count[0]
    # timed by this thread's CPU clock: the event loop thread holding the GIL is not charged to the script
    prof = cProfile.Profile(time.thread_time) if profile else None
    start = time.thread_time()
    if prof is not None:
        prof.enable()
    try:
        return original(self, rerun_data)
    finally:
        if prof is not None:
            prof.disable()
            prof.dump_stats(os.path.join(out, f"run{n:04d}.prof"))
        cpu = time.thread_time() - start
        with lock, open(os.path.join(out, "runs.jsonl"), "a") as f:
            f.write(json.dumps({"run": n, "page": rerun_data.page_name, "query": rerun_data.query_string,
                                "thread_cpu_s": cpu}) + "\\n")

script_runner.ScriptRunner._run_script = timed
sys.argv = ["streamlit"] + sys.argv[1:]
from streamlit.web.cli import main
main()
"""


# ----------------------------------------------------------------------------- servers


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_RUNNING: list[Server] = []


class Server:
    """One `streamlit run <script>` on 127.0.0.1 in its own process group; stop() ends it (and only it)."""

    def __init__(self, script: Path, data_dir: Path, log_path: Path, profile_dir: Path | None = None,
                 cprofile: bool = False) -> None:
        self.script, self.log_path = script, log_path
        self.port = _free_port()
        env = {**os.environ, "DDB_WORKBENCH_DATA": str(data_dir), "PYTHONUNBUFFERED": "1"}
        args = ["run", str(script), "--server.headless", "true", "--server.address", "127.0.0.1",
                "--server.port", str(self.port), "--browser.gatherUsageStats", "false"]
        if profile_dir is not None:
            profile_dir.mkdir(parents=True, exist_ok=True)
            env["BENCH_PROFILE_DIR"] = str(profile_dir)
            env["BENCH_PROFILE_CPROFILE"] = "1" if cprofile else "0"
            cmd = [sys.executable, "-c", PROFILE_BOOT, *args]
        else:
            cmd = [sys.executable, "-m", "streamlit", *args]
        with log_path.open("ab") as log:
            self.process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, start_new_session=True)
        _RUNNING.append(self)
        self._wait_healthy()

    @property
    def pid(self) -> int:
        return self.process.pid

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited ({self.process.returncode}); see {self.log_path}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"streamlit did not answer on port {self.port} within {SERVER_START_TIMEOUT_S} s")

    def cpu_seconds(self) -> float:
        """utime + stime of the server process (the sum over all its threads) and of any waited-for children."""
        with open(f"/proc/{self.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        # after the ")" closing comm: fields[0] is state (field 3); utime, stime, cutime, cstime are fields 14-17
        return sum(int(v) for v in fields[11:15]) / CLK_TCK

    def rss_bytes(self) -> int:
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        raise RuntimeError("no VmRSS")

    def threads(self) -> int:
        return len(os.listdir(f"/proc/{self.pid}/task"))

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)  # the group this script created for the server
                self.process.wait(timeout=15)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                with contextlib.suppress(ProcessLookupError, subprocess.TimeoutExpired):
                    os.killpg(self.process.pid, signal.SIGKILL)
                    self.process.wait(timeout=5)
        if self in _RUNNING:
            _RUNNING.remove(self)


def _stop_all() -> None:
    for server in list(_RUNNING):
        server.stop()


def _on_term(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _on_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # also inside asyncio.run, at once (its own handler waits for the tasks to cancel)


# ----------------------------------------------------------------------------- sessions


@dataclass
class Session:
    """What one websocket client saw, in seconds from the moment it started connecting."""

    first_metric_s: float | None = None
    headline_s: float | None = None  # the last metric of the first contiguous row of metrics
    finished_s: float | None = None
    metrics: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    alerts: list[str] = field(default_factory=list)  # alert texts after a click
    bytes_received: int = 0


def _rerun_msg(query: str, page: str, trigger: str | None = None) -> bytes:
    msg = BackMsg()
    msg.rerun_script.query_string = query
    msg.rerun_script.page_name = page
    msg.rerun_script.page_script_hash = ""
    if trigger is not None:  # a button click: the widgets the client does not send keep their session values
        msg.rerun_script.widget_states.widgets.add(id=trigger, trigger_value=True)
    return msg.SerializeToString()


async def run_session(port: int, query: str, page: str = START_PAGE, hold: asyncio.Event | None = None,
                      click: str | None = None) -> Session:
    """Open a session as a browser does (connect, rerun_script with the URL's query string and page) and read
    until the script run finishes; then, if `click` names a button's label, click it and read that run too; keep
    the socket open until `hold` is set (a browser tab stays open)."""
    out = Session()
    start = time.perf_counter()
    async with connect(f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=["streamlit"], max_size=None,
                       open_timeout=SESSION_TIMEOUT_S, ping_interval=None, compression=None) as ws:
        await ws.send(_rerun_msg(query, page))
        buttons = await _read_run(ws, out, start, page)
        if click is not None:
            if click not in buttons:
                out.errors.append(f"no button {click!r} on page {page!r}")
            else:
                await ws.send(_rerun_msg(query, page, buttons[click]))
                await _read_run(ws, Session(), start, page, out.alerts)
        if hold is not None:
            await hold.wait()
    return out


async def _read_run(ws: object, out: Session, start: float, page: str, alerts: list[str] | None = None
                    ) -> dict[str, str]:
    """Read one script run's ForwardMsgs into `out`; return the buttons it rendered (label -> widget id)."""
    in_row = False
    row_done = False
    buttons: dict[str, str] = {}
    while True:
        data = await asyncio.wait_for(ws.recv(), SESSION_TIMEOUT_S)  # type: ignore[attr-defined]
        now = time.perf_counter() - start
        out.bytes_received += len(data)
        msg = ForwardMsg()
        msg.ParseFromString(data)
        kind = msg.WhichOneof("type")
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            etype = element.WhichOneof("type")
            if etype == "metric":
                out.metrics.append(element.metric.label)
                if out.first_metric_s is None:
                    out.first_metric_s = now
                if not row_done:
                    in_row = True
                    out.headline_s = now
            elif etype == "exception":
                out.errors.append(f"{element.exception.type}: {element.exception.message}")
            elif in_row and etype not in ("empty", "skeleton"):
                row_done = True
            if etype == "button":
                buttons[element.button.label] = element.button.id
            elif etype == "alert" and alerts is not None:
                alerts.append(element.alert.body)
        elif kind == "page_not_found":
            out.errors.append(f"page not found: {page!r}")
        elif kind == "script_finished":
            if msg.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                out.errors.append("compile error")
            if msg.script_finished in (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR):
                out.finished_s = now
                return buttons


def _check_run(session: Session) -> None:
    if session.errors or not any("returned" in a for a in session.alerts):
        raise RuntimeError(f"Item collections: the request did not run: {session.errors[:3]} {session.alerts[:3]}")


def _check_errors(sessions: list[Session], what: str) -> None:
    for s in sessions:
        if s.errors:
            raise RuntimeError(f"{what}: the page failed: {s.errors[:3]}")


def _check(sessions: list[Session], what: str) -> None:
    _check_errors(sessions, what)
    for s in sessions:
        if s.first_metric_s is None:
            raise RuntimeError(f"{what}: the page showed no st.metric")


async def _sequential(server: Server, queries: list[str], page: str) -> tuple[float, list[Session]]:
    """CPU-seconds per session of sessions opened one after another (each stays open until all have run)."""
    hold = asyncio.Event()
    tasks = []
    before = server.cpu_seconds()
    for query in queries:
        done = asyncio.Event()
        task = asyncio.create_task(run_session_flagged(server.port, query, page, hold, done))
        await done.wait()
        tasks.append(task)
    await asyncio.sleep(0.3)  # let the server finish sending and tearing down the run
    used = server.cpu_seconds() - before
    hold.set()
    sessions = await asyncio.gather(*tasks)
    return used / len(queries), list(sessions)


async def run_session_flagged(port: int, query: str, page: str, hold: asyncio.Event,
                              finished: asyncio.Event, click: str | None = None) -> Session:
    """run_session that sets `finished` when the script run is over, then holds the socket open until `hold`."""

    class _Hold(asyncio.Event):
        async def wait(self) -> bool:  # type: ignore[override]
            finished.set()
            return await hold.wait()

    try:
        return await run_session(port, query, page, _Hold(), click)
    finally:
        finished.set()  # also on failure, so nobody waits forever


async def _concurrent(server: Server, queries: list[str], page: str, spread_s: float,
                      close: bool = True) -> tuple[list[Session], float]:
    """Sessions started evenly within spread_s seconds, all running at once; returns them and the wall time."""
    hold = asyncio.Event()
    step = spread_s / max(1, len(queries) - 1) if len(queries) > 1 else 0.0
    finished = 0
    all_done = asyncio.Event()

    async def one(i: int, query: str) -> Session:
        nonlocal finished
        await asyncio.sleep(i * step)
        flag = asyncio.Event()

        async def count() -> None:
            nonlocal finished
            await flag.wait()
            finished += 1
            if finished == len(queries):
                all_done.set()

        counter = asyncio.create_task(count())
        try:
            return await run_session_flagged(server.port, query, page, hold, flag)
        finally:
            counter.cancel()

    start = time.perf_counter()
    tasks = [asyncio.create_task(one(i, q)) for i, q in enumerate(queries)]
    waiter = asyncio.create_task(all_done.wait())
    # the tasks only end early by failing (each holds its socket until `hold`): stop at the first failure
    await asyncio.wait([waiter, *tasks], return_when=asyncio.FIRST_COMPLETED, timeout=SESSION_TIMEOUT_S * 2)
    wall = time.perf_counter() - start
    for t in tasks:
        if t.done() and t.exception() is not None:
            raise t.exception()
    if close:
        hold.set()
    waiter.cancel()
    if not close:
        return [], wall  # the caller closes them by stopping the server
    return list(await asyncio.gather(*tasks)), wall


# ----------------------------------------------------------------------------- designs


def seed_designs(prefix: str, count: int, sample: str, edited: bool) -> list[str]:
    """Store `count` designs (as earlier sessions would have) and return their ids. Edited ones carry a rate no
    other design has, so the server computes everything for each."""
    from engine.io import dump_model, load_sample
    from engine.model import parse_model
    from ui import store

    model = load_sample(sample)
    base = dump_model(model, "json")
    ids = []
    for i in range(count):
        design_id = f"{prefix}{i:04d}"
        text = base
        if edited:
            data = json.loads(base)
            data.pop("format_version", None)
            pattern = data["access_patterns"][0]
            pattern["requests_per_second"] = round(float(pattern["requests_per_second"]) + 1 + i * 0.37
                                                   + (time.time_ns() % 10_000) / 1e6, 6)
            peak = pattern.get("peak_requests_per_second")
            if peak is not None and peak < pattern["requests_per_second"]:
                pattern["peak_requests_per_second"] = pattern["requests_per_second"]
            text = dump_model(parse_model(data), "json")
        store.save(store.DesignRecord(design_id, text))
        ids.append(design_id)
    return ids


# ----------------------------------------------------------------------------- figures


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def _mib(n: float) -> str:
    return f"{n / 2**20:.1f} MiB"


def _idle_cpu_per_s(server: Server, seconds: float = 2.0) -> float:
    before = server.cpu_seconds()
    time.sleep(seconds)
    return (server.cpu_seconds() - before) / seconds


def _browser_check(port: int, query: str) -> str:
    """One Start page in Debian's chromium through Playwright: seconds until the first metric is visible."""
    from playwright.sync_api import sync_playwright

    chromium = "/usr/bin/chromium"
    if not Path(chromium).exists():
        return "skipped (no /usr/bin/chromium)"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            start = time.perf_counter()
            page.goto(f"http://127.0.0.1:{port}/?{query}")
            page.wait_for_selector('[data-testid="stMetric"]', timeout=60_000)
            first = time.perf_counter() - start
            return f"{first:.2f} s to the first metric in chromium (page load included)"
        finally:
            browser.close()


def _print_row(label: str, value: str, ratio: str = "") -> None:
    print(f"  {label:58} {value:>16} {ratio}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", default="github_single_table", help="sample design the sessions open")
    parser.add_argument("--sessions", type=int, default=10, help="sequential sessions per CPU figure")
    parser.add_argument("--workshop", type=int, default=30, help="concurrent sessions of the workshop figure")
    parser.add_argument("--spread", type=float, default=10.0, help="seconds over which they start")
    parser.add_argument("--workshop-edited", action="store_true",
                        help="workshop sessions open freshly edited designs (default: the unedited sample)")
    parser.add_argument("--collections-sessions", type=int, default=5,
                        help="sessions opening the Item collections page and running its request, for its memory "
                             "per session (0: skip)")
    parser.add_argument("--collections-sample", default="global_game_state",
                        help="sample design of the Item collections sessions (the largest sample items)")
    parser.add_argument("--page-sessions", type=int, default=5,
                        help="sequential sessions opening each page, for its CPU per new session (0: skip)")
    parser.add_argument("--profile", type=Path, default=None,
                        help="directory: time every script run of the workbench server (runs.jsonl) and keep a "
                             "cProfile per run (runN.prof)")
    parser.add_argument("--no-cprofile", action="store_true", help="with --profile: thread CPU only")
    parser.add_argument("--browser", action="store_true", help="also one Start page in chromium (Playwright)")
    args = parser.parse_args(argv)

    signal.signal(signal.SIGTERM, _on_term)
    signal.signal(signal.SIGINT, _on_interrupt)
    atexit.register(_stop_all)
    tmp = Path(tempfile.mkdtemp(prefix="bench-workshop-"))
    data_dir = tmp / "data"
    os.environ["DDB_WORKBENCH_DATA"] = str(data_dir)
    bare_script = tmp / "bare" / "bare_app.py"  # its own folder: Streamlit watches the script's folder recursively
    bare_script.parent.mkdir()
    bare_script.write_text(BARE_SCRIPT, encoding="utf-8")
    print(f"server logs and data under {tmp}; {os.cpu_count()} CPUs")
    try:
        return _run(args, tmp, data_dir, bare_script)
    except KeyboardInterrupt:
        print("interrupted: the servers are stopped", file=sys.stderr)
        return 130
    finally:
        _stop_all()


def _run(args: argparse.Namespace, tmp: Path, data_dir: Path, bare_script: Path) -> int:
    n = args.sessions
    warm_id, = seed_designs("warm", 1, args.sample, edited=False)
    unedited = seed_designs("plain", n, args.sample, edited=False)
    edited = seed_designs("edit", n, args.sample, edited=True)
    workshop = seed_designs("wshop", args.workshop, args.sample, edited=args.workshop_edited)
    collections = seed_designs("coll", args.collections_sessions, args.collections_sample, edited=False)
    page_ids = seed_designs("page", args.page_sessions + 1, args.sample, edited=False) if args.page_sessions else []

    bare = Server(bare_script, data_dir, tmp / "bare.log")
    app = Server(ROOT / "app.py", data_dir, tmp / "app.log", args.profile, cprofile=not args.no_cprofile)
    print(f"workbench: pid {app.pid}, port {app.port}; bare page: pid {bare.pid}, port {bare.port}")

    async def measure() -> dict[str, object]:
        r: dict[str, object] = {}
        # bare page: warm it, then sequential and concurrent sessions
        _check([await run_session(bare.port, "")], "bare page")
        r["bare_idle"] = _idle_cpu_per_s(bare)
        r["bare_cpu"], s = await _sequential(bare, [""] * n, "")
        _check(s, "bare page")
        s, r["bare_wall"] = await _concurrent(bare, [""] * args.workshop, "", args.spread)
        _check(s, "bare page")
        r["bare_ttfc"] = [x.first_metric_s for x in s]

        # workbench: one warm-up session (imports, caches of the sample), then the figures
        rss0 = app.rss_bytes()
        warm = await run_session(app.port, f"design={warm_id}")
        _check([warm], "warm-up")
        r["warm_finished"] = warm.finished_s
        r["rss_start"], r["rss_warm"] = rss0, app.rss_bytes()
        r["app_idle"] = _idle_cpu_per_s(app)
        r["cpu_unedited"], s = await _sequential(app, [f"design={i}" for i in unedited], START_PAGE)
        _check(s, "unedited")
        r["seq_unedited_finished"] = [x.finished_s for x in s]
        r["cpu_edited"], s = await _sequential(app, [f"design={i}" for i in edited], START_PAGE)
        _check(s, "edited")
        r["seq_edited_finished"] = [x.finished_s for x in s]

        rss_before = app.rss_bytes()
        cpu_before = app.cpu_seconds()
        s, r["wall"] = await _concurrent(app, [f"design={i}" for i in workshop], START_PAGE, args.spread)
        _check(s, "workshop")
        r["cpu_workshop"] = (app.cpu_seconds() - cpu_before) / len(workshop)
        r["rss_before"] = rss_before
        r["headline"] = [x.headline_s for x in s]
        r["first_metric"] = [x.first_metric_s for x in s]
        r["finished"] = [x.finished_s for x in s]
        r["bytes"] = statistics.median(x.bytes_received for x in s)
        r["headline_labels"] = s[0].metrics
        await asyncio.sleep(0.5)
        r["rss_after"] = app.rss_bytes()  # sessions closed, still held for server.disconnectedSessionTTL
        r["threads"] = app.threads()

        if collections:
            # Item collections page: memory per open session that ran the page's request ("Run on the sandbox")
            warm_coll = await run_session(app.port, f"design={collections[0]}", COLLECTIONS_PAGE, click=RUN_BUTTON)
            _check_run(warm_coll)
            hold = asyncio.Event()
            before = app.rss_bytes()
            cpu0 = app.cpu_seconds()
            tasks = []
            for design_id in collections[1:] or collections:
                done = asyncio.Event()
                tasks.append(asyncio.create_task(run_session_flagged(
                    app.port, f"design={design_id}", COLLECTIONS_PAGE, hold, done, click=RUN_BUTTON)))
                await done.wait()
            await asyncio.sleep(0.3)
            r["coll_rss"] = (app.rss_bytes() - before) / len(tasks)
            r["coll_cpu"] = (app.cpu_seconds() - cpu0) / len(tasks)
            hold.set()
            for x in await asyncio.gather(*tasks):
                _check_run(x)
            r["coll_alert"] = warm_coll.alerts[-1]

        r["pages"] = {}
        for page in PAGES if page_ids else ():
            # first visit of each page warms its caches (one design for all), then new sessions on it
            warm_page = await run_session(app.port, f"design={page_ids[0]}", page)
            _check_errors([warm_page], page)
            cpu, s = await _sequential(app, [f"design={i}" for i in page_ids[1:]], page)
            _check_errors(s, page)
            r["pages"][page or "start"] = (cpu, warm_page.finished_s, statistics.median(x.finished_s for x in s))
        return r

    r = asyncio.run(measure())
    if args.browser:
        print("chromium, one session:", _browser_check(app.port, f"design={unedited[0]}"))

    bare_ttfc = [t for t in r["bare_ttfc"] if t is not None]
    headline = [t for t in r["headline"] if t is not None]
    bare_p50, bare_p95 = statistics.median(bare_ttfc), _percentile(bare_ttfc, 0.95)
    p50, p95 = statistics.median(headline), _percentile(headline, 0.95)
    print(f"\nheadline figures on the Start page: st.metric {', '.join(r['headline_labels'][:6])}")
    print(f"idle server CPU: workbench {r['app_idle']:.3f} CPU-s/s, bare {r['bare_idle']:.3f} CPU-s/s "
          "(not subtracted)")
    print(f"first session after start: page complete in {r['warm_finished']:.2f} s")
    print(f"\nCPU per new session ({n} sessions opened one after another, each staying open):")
    cpu_u, cpu_e, cpu_b = r["cpu_unedited"], r["cpu_edited"], r["bare_cpu"]
    _print_row("bare page", f"{cpu_b:.3f} CPU-s")
    _print_row(f"workbench Start, unedited {args.sample} (goal <= {GOAL_CPU_UNEDITED_S})", f"{cpu_u:.3f} CPU-s",
               f"{cpu_u / cpu_b:6.1f}x bare  {'within' if cpu_u <= GOAL_CPU_UNEDITED_S else 'ABOVE'} goal")
    _print_row(f"workbench Start, freshly edited design (goal <= {GOAL_CPU_EDITED_S})", f"{cpu_e:.3f} CPU-s",
               f"{cpu_e / cpu_b:6.1f}x bare  {'within' if cpu_e <= GOAL_CPU_EDITED_S else 'ABOVE'} goal")
    _print_row("  page complete, unedited (median)", f"{statistics.median(r['seq_unedited_finished']):.3f} s")
    _print_row("  page complete, edited (median)", f"{statistics.median(r['seq_edited_finished']):.3f} s")

    kind = "freshly edited designs" if args.workshop_edited else f"unedited {args.sample}"
    print(f"\nworkshop: {args.workshop} sessions started within {args.spread:g} s, concurrent ({kind}, own ids):")
    _print_row("bare page: first content p50 / p95", f"{bare_p50:.2f} / {bare_p95:.2f} s")
    _print_row(f"Start page: headline numbers p50 / p95 (goal p95 < {GOAL_P95_S:g} s)", f"{p50:.2f} / {p95:.2f} s",
               f"{p95 / bare_p95:6.1f}x bare p95  {'within' if p95 < GOAL_P95_S else 'ABOVE'} goal")
    _print_row("Start page: first metric p50 / p95",
               f"{statistics.median(r['first_metric']):.2f} / {_percentile(r['first_metric'], 0.95):.2f} s")
    _print_row("Start page: page complete p50 / p95",
               f"{statistics.median(r['finished']):.2f} / {_percentile(r['finished'], 0.95):.2f} s")
    _print_row("CPU per session during the workshop", f"{r['cpu_workshop']:.3f} CPU-s")
    _print_row("all sessions done after", f"{r['wall']:.1f} s (bare {r['bare_wall']:.1f} s)")
    _print_row("bytes sent per session (median)", f"{r['bytes'] / 1024:.0f} KiB")

    print("\nworkbench server memory (VmRSS):")
    _print_row("at start / after the warm-up session", f"{_mib(r['rss_start'])} / {_mib(r['rss_warm'])}")
    _print_row(f"before / after the {args.workshop} workshop sessions",
               f"{_mib(r['rss_before'])} / {_mib(r['rss_after'])}")
    _print_row("per workshop session (Start page)", _mib((r["rss_after"] - r["rss_before"]) / args.workshop))
    if "coll_rss" in r:
        _print_row(f"per session on Item collections after a run ({args.collections_sample})", _mib(r["coll_rss"]),
                   f"({r['coll_cpu']:.3f} CPU-s per session; {r['coll_alert']})")
    print(f"  (closed sessions are kept for server.disconnectedSessionTTL, 120 s by default; server threads now: "
          f"{r['threads']})")
    if r["pages"]:
        print(f"\nCPU per new session by page ({args.page_sessions} sessions each, unedited {args.sample}, after a "
              "first visit that fills the page's caches):")
        for page, (cpu, first, complete) in r["pages"].items():
            _print_row(page, f"{cpu:.3f} CPU-s", f"{cpu / cpu_b:6.1f}x bare  (first visit {first:.2f} s, "
                       f"then complete in {complete:.2f} s)")
    if args.profile:
        _summarize_profile(args.profile)
    return 0


def _summarize_profile(directory: Path) -> None:
    runs = [json.loads(line) for line in (directory / "runs.jsonl").read_text().splitlines() if line.strip()]
    cpu = [r["thread_cpu_s"] for r in runs]
    if cpu:
        print(f"\nscript runs profiled: {len(runs)}; script-thread CPU per run: median {statistics.median(cpu):.3f} s, "
              f"max {max(cpu):.3f} s (the rest of a session's CPU is the server's event loop and sending)")
    print(f"cProfile files: {directory}/run*.prof (python -m pstats)")


if __name__ == "__main__":
    raise SystemExit(main())
