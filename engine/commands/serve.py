"""`ddb-workbench serve [MODEL]`: serve the sandbox over DynamoDB's HTTP JSON protocol."""

from __future__ import annotations

import argparse
import socket
import sys

HELP = "serve an in-memory DynamoDB (optionally holding a design's tables and sample items) for boto3/AWS CLI"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", metavar="MODEL", nargs="?", default=None,
                        help="design file or sample design name whose tables and seeded sample items to "
                             "load (omit for an empty sandbox)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000,
                        help="port to listen on (default 8000; 0 picks a free port and prints the URL)")
    parser.add_argument("--seed", type=int, default=0, help="sample data seed (default 0)")
    parser.add_argument("--log", metavar="FILE", default=None,
                        help="append one JSON line per request (operation, table, index, key, items, "
                             "consumed capacity per arm, latency)")


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


def run(args: argparse.Namespace) -> int:
    sock = _bind(args.host, args.port)
    host, port = sock.getsockname()[:2]
    url = f"http://{host if ':' not in host else f'[{host}]'}:{port}"
    print(url, flush=True)

    from engine.sandbox import Sandbox
    from engine.sandbox.server import RequestLog, SandboxServer

    if args.model:
        from engine.commands import load_model_arg

        sandbox = Sandbox.from_model(load_model_arg(args.model), seed=args.seed)
    else:
        sandbox = Sandbox()
    log_stream = open(args.log, "a", encoding="utf-8") if args.log else None  # noqa: SIM115
    server = SandboxServer((host, port), sandbox, RequestLog(log_stream) if log_stream else None,
                           bind_and_activate=False)
    server.socket.close()
    server.socket = sock
    server.server_address = sock.getsockname()
    counts = ", ".join(f"{name} ({t.item_count} items)" for name, t in sandbox.tables.items()) or "no tables"
    print(f"sandbox ready at {url}: {counts}; Ctrl-C stops it", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        if log_stream:
            log_stream.close()
    return 0
