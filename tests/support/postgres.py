"""A real PostgreSQL server for tests, started from Debian's `postgresql` package in a temporary directory.

Debian puts the server binaries under /usr/lib/postgresql/<version>/bin (not on PATH). `initdb` and
`pg_ctl` refuse to run as root, so as root they run as the `postgres` user (runuser) in a directory it
owns. The server listens on 127.0.0.1 on a free port with trust authentication (a throwaway cluster).
Tests that need it skip, with the reason printed, only when no PostgreSQL can be had on this machine.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class PostgresServer:
    directory: Path
    port: int
    bin_dir: Path
    as_user: list[str]

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        subprocess.run([*self.as_user, str(self.bin_dir / "pg_ctl"), "-D", str(self.directory / "data"),
                        "-m", "immediate", "stop"], capture_output=True, timeout=60)
        shutil.rmtree(self.directory, ignore_errors=True)


def unavailable_reason() -> str | None:
    """Why no PostgreSQL can be started here, or None when it can."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install -e '.[test]')"
    if not _bin_dir():
        return "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin (apt-get install postgresql)"
    if os.geteuid() == 0 and not (shutil.which("runuser") and _user_exists("postgres")):
        return "running as root without runuser or a postgres user to run initdb as"
    return None


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


def _user_exists(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start() -> PostgresServer:
    """Start a throwaway PostgreSQL server (initdb + pg_ctl); raises RuntimeError with its log on failure."""
    bin_dir = _bin_dir()
    assert bin_dir is not None
    directory = Path(tempfile.mkdtemp(prefix="ddbwb-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        import pwd

        entry = pwd.getpwnam("postgres")
        os.chown(directory, entry.pw_uid, entry.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    directory.chmod(0o700)
    data = directory / "data"
    run = subprocess.run([*as_user, str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
                          "-E", "UTF8", "--locale", "C.UTF-8", "--no-sync"],
                         capture_output=True, text=True, timeout=120)
    if run.returncode != 0:
        raise RuntimeError(f"initdb failed: {run.stderr or run.stdout}")
    port = _free_port()
    log = directory / "server.log"
    options = f"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
    run = subprocess.run([*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options,
                          "-w", "-t", "60", "start"], capture_output=True, text=True, timeout=120)
    if run.returncode != 0:
        text = log.read_text(errors="replace") if log.exists() else run.stderr
        raise RuntimeError(f"pg_ctl start failed: {text}")
    server = PostgresServer(directory, port, bin_dir, as_user)
    deadline = time.monotonic() + 30
    while True:
        try:
            import psycopg

            psycopg.connect(server.url(), connect_timeout=2).close()
            return server
        except Exception:  # noqa: BLE001 - keep trying until the deadline, then report
            if time.monotonic() > deadline:
                server.stop()
                raise
            time.sleep(0.2)
