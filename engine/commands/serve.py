"""`ddb-workbench serve [MODEL]`: serve the sandbox over DynamoDB's HTTP JSON protocol.

The same endpoint answers the DynamoDB API and the DynamoDB Streams API (a boto3 `dynamodbstreams` client given
the same endpoint_url reads the tables' streams); expired TTL items are deleted every `--ttl-sweep` seconds.
"""

from __future__ import annotations

import argparse
import socket
import sys

MAX_PORT = 65535  # TCP port numbers are 16-bit; 0 asks the OS for a free one
HELP = ("serve an in-memory DynamoDB and DynamoDB Streams (optionally holding a design's tables and sample items) "
        "for boto3/AWS CLI")
TTL_SWEEP_SECONDS = 1.0  # how often expired TTL items are deleted (DynamoDB: typically within two days)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from engine.commands import add_seed_argument, int_between, positive_float

    parser.add_argument("model", metavar="MODEL", nargs="?", default=None,
                        help="design file or sample design name whose tables and seeded sample items to "
                             "load (omit for an empty sandbox)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int_between(0, MAX_PORT), default=8000,
                        help="port to listen on (default 8000; 0 picks a free port and prints the URL)")
    add_seed_argument(parser)
    parser.add_argument("--log", metavar="FILE", default=None,
                        help="append one JSON line per request (operation, table, index, key, items, "
                             "consumed capacity per arm, latency)")
    parser.add_argument("--ttl-sweep", metavar="SECONDS", type=positive_float, default=TTL_SWEEP_SECONDS,
                        help="delete items whose TTL time has passed every SECONDS (default "
                             f"{TTL_SWEEP_SECONDS:g}; DynamoDB does it in the background, typically within two "
                             "days); each deletion is a REMOVE stream record by the service")


def _bind(host: str, port: int) -> socket.socket:
    """Bind and listen before the slow imports, so a client may connect as soon as the URL prints."""
    from engine.errors import WorkbenchError

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise WorkbenchError(f"--host {host} --port {port}: cannot listen there ({exc.strerror}); pick "
                             "another port or --port 0 for a free one") from exc
    sock.listen(128)
    return sock


def _open_log(path: str | None):
    """The --log file, opened for appending before the port is bound (a bad path fails fast)."""
    from engine.errors import WorkbenchError

    if not path:
        return None
    try:
        return open(path, "a", encoding="utf-8")  # noqa: SIM115 - closed when the server stops
    except OSError as exc:
        raise WorkbenchError(f"--log {path}: cannot write there ({exc.strerror or exc}); give a file path in a "
                             "writable folder") from None


def run(args: argparse.Namespace) -> int:
    log_stream = _open_log(args.log)
    try:
        sock = _bind(args.host, args.port)
    except Exception:
        if log_stream:
            log_stream.close()
        raise
    host, port = sock.getsockname()[:2]
    url = f"http://{host if ':' not in host else f'[{host}]'}:{port}"
    print(url, flush=True)

    from engine.sandbox import Sandbox
    from engine.sandbox.server import RequestLog, SandboxServer, start_ttl_sweeper

    if args.model:
        from engine.commands import load_model_arg

        sandbox = Sandbox.from_model(load_model_arg(args.model), seed=args.seed)
    else:
        sandbox = Sandbox()
    server = SandboxServer((host, port), sandbox, RequestLog(log_stream) if log_stream else None,
                           bind_and_activate=False)
    server.socket.close()
    server.socket = sock
    server.server_address = sock.getsockname()
    counts = ", ".join(f"{name} ({t.item_count} items)" for name, t in sandbox.tables.items()) or "no tables"
    print(f"sandbox ready at {url}: {counts}; Ctrl-C stops it", file=sys.stderr, flush=True)
    stop_sweeps = start_ttl_sweeper(sandbox, args.ttl_sweep)
    try:
        server.serve_forever()
    finally:
        stop_sweeps.set()
        server.server_close()
        if log_stream:
            log_stream.close()
    return 0
