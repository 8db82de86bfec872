"""DynamoDB's HTTP JSON protocol in front of a Sandbox, so boto3 and the AWS CLI work unchanged.

POST / with `X-Amz-Target: DynamoDB_20120810.<Operation>` and an `application/x-amz-json-1.0`
body; HTTP/1.1 keep-alive with Content-Length. The DynamoDB Streams API answers on the same endpoint:
`X-Amz-Target: DynamoDBStreams_20120810.<Operation>` (the target prefix of botocore's dynamodbstreams model), so
a `dynamodbstreams` client given the same endpoint_url reads the tables' streams. Errors are DynamoDB's error JSON
(`__type` = `com.amazonaws.dynamodb.v20120810#<Code>`, `message`), HTTP 400 for client errors
and 500 for internal ones. Every response carries `x-amz-crc32`, the CRC32 of its body, which
boto3 verifies. Signatures are not checked: any credentials work. A request log (`log_path`)
gets one JSON line per request: time, operation, table, index, key, items returned, consumed
capacity per arm ("<table>" / "<table>#<index>"), error code and latency, plus the request's shape, item sizes and
the target's key schema that `ddb-workbench infer` reads (engine.sandbox.request_log).
"""

from __future__ import annotations

import itertools
import json
import sys
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import IO, Any

from engine.sandbox.errors import SERIALIZATION, UNKNOWN_OPERATION, VALIDATION, SandboxError
from engine.sandbox.sandbox import DYNAMODB, STREAMS, CallResult, Sandbox

TARGET_PREFIX = "DynamoDB_20120810."
STREAMS_TARGET_PREFIX = "DynamoDBStreams_20120810."
TARGET_PREFIXES = {TARGET_PREFIX: DYNAMODB, STREAMS_TARGET_PREFIX: STREAMS}
CONTENT_TYPE = "application/x-amz-json-1.0"
_REQUEST_IDS = itertools.count(1)
MAX_BODY_BYTES = 16 * 1024 * 1024  # DynamoDB's largest request (BatchWriteItem) is 16 MB
# Parsed JSON costs far more than its text (a 31 MB body of small objects took 542 MiB): a body may hold at most
# this many JSON objects and arrays, so one request parses within ~100 MiB (about 400 bytes per container).
MAX_JSON_CONTAINERS = 250_000
IDLE_TIMEOUT_SECONDS = 20.0  # an idle or half-sent connection is closed after this long without a byte
MAX_CONNECTIONS = 400  # connections served at once (a thread each; ~620 threads failed); more get a retryable error


class RequestLog:
    """Appends one JSON line per request to a file (thread-safe)."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self._lock = threading.Lock()

    def write(self, result: CallResult, latency_seconds: float, request: dict[str, Any] | None = None,
              tables: dict[str, Any] | None = None) -> None:
        """One line for one call; with the request and the sandbox's tables, the fields `infer` reads
        (engine.sandbox.request_log)."""
        from engine.sandbox.request_log import log_record

        line = json.dumps(log_record(result, latency_seconds, request, tables), separators=(",", ":"), default=str)
        with self._lock:
            self.stream.write(line + "\n")
            self.stream.flush()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: every response has a Content-Length
    timeout = IDLE_TIMEOUT_SECONDS  # socket timeout: an idle keep-alive or a half-sent request does not hold a thread
    # Headers and body go out in two writes: without TCP_NODELAY, Nagle + delayed ACK add ~40 ms each.
    disable_nagle_algorithm = True
    server_version = "ddb-workbench-sandbox"

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        return  # the request log (--log) replaces stderr access lines

    def do_GET(self) -> None:  # a health check for scripts waiting on the server
        self._send(200, {"status": "ok", "tables": sorted(self.server.sandbox.tables)})

    def do_POST(self) -> None:
        started = time.perf_counter()
        self._request: dict[str, Any] | None = None  # the parsed body, for the request log
        result = self._execute()
        if result.error is None:
            status, payload = 200, result.response
        else:
            status, payload = result.error.http_status, result.error.to_wire()
        body = json.dumps(payload, separators=(",", ":")).encode("utf-8")
        log = self.server.request_log
        if log is not None:  # logged before the reply, so a client that got it finds the line
            log.write(result, time.perf_counter() - started, self._request, self.server.sandbox.tables)
        self._send_body(status, body)

    def _execute(self) -> CallResult:
        from engine.sandbox.requests import Call

        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            self.close_connection = True  # the body's end is unknown: the connection cannot be reused
            return CallResult(Call("?"), None, SandboxError(SERIALIZATION, "Content-Length must be a "
                                                            "non-negative whole number of bytes"))
        if length > MAX_BODY_BYTES:
            self.close_connection = True
            return CallResult(Call("?"), None, SandboxError(
                SERIALIZATION, f"Request body of {length:,} bytes is larger than DynamoDB's 16 MB request limit"))
        body = self.rfile.read(length) if length else b""
        target = self.headers.get("X-Amz-Target", "")
        prefix, _, operation = target.partition(".")
        service = TARGET_PREFIXES.get(prefix + ".")
        if service is None or not operation:
            error = SandboxError(UNKNOWN_OPERATION, f"Missing or unknown X-Amz-Target {target!r}; expected "
                                 f"{TARGET_PREFIX}<Operation> or {STREAMS_TARGET_PREFIX}<Operation>")
            return CallResult(Call(target or "?"), None, error)
        containers = body.count(b"{") + body.count(b"[")  # an upper bound (brackets inside strings count too)
        if containers > MAX_JSON_CONTAINERS:
            return CallResult(Call(operation), None, SandboxError(
                VALIDATION, f"Request body holds {containers:,} JSON objects or arrays; the sandbox reads at most "
                            f"{MAX_JSON_CONTAINERS:,} per request"))
        try:
            request = json.loads(body or b"{}")
        except ValueError as exc:
            return CallResult(Call(operation), None,
                              SandboxError(SERIALIZATION, f"Request body is not valid JSON: {exc}"))
        except RecursionError:
            return CallResult(Call(operation), None,
                              SandboxError(SERIALIZATION, "Request body is nested too deeply to read"))
        self._request = request if isinstance(request, dict) else None
        return self.server.sandbox.execute(operation, request, service)

    def _send(self, status: int, payload: Any) -> None:
        self._send_body(status, json.dumps(payload, separators=(",", ":")).encode("utf-8"))

    def _send_body(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", CONTENT_TYPE)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-amzn-RequestId", f"sandbox-{next(_REQUEST_IDS):012d}")
        self.send_header("x-amz-crc32", str(zlib.crc32(body) & 0xFFFFFFFF))
        self.end_headers()
        self.wfile.write(body)


class SandboxServer(ThreadingHTTPServer):
    """A threading HTTP server bound to one Sandbox."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], sandbox: Sandbox, request_log: RequestLog | None = None,
                 bind_and_activate: bool = True, max_connections: int = MAX_CONNECTIONS) -> None:
        super().__init__(address, _Handler, bind_and_activate=bind_and_activate)
        self.sandbox = sandbox
        self.request_log = request_log
        self._slots = threading.BoundedSemaphore(max_connections)

    def process_request(self, request: Any, client_address: Any) -> None:
        """One thread per connection, at most `max_connections` at once; a connection beyond that gets an
        immediate HTTP 503 with DynamoDB's retryable ThrottlingException instead of a thread."""
        if not self._slots.acquire(blocking=False):
            body = json.dumps({"__type": "com.amazonaws.dynamodb.v20120810#ThrottlingException",
                               "message": "Too many connections to the sandbox; retry"}).encode("utf-8")
            try:
                request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: " + CONTENT_TYPE.encode()
                                + b"\r\nContent-Length: " + str(len(body)).encode() + b"\r\nConnection: close\r\n"
                                + b"x-amz-crc32: " + str(zlib.crc32(body) & 0xFFFFFFFF).encode() + b"\r\n\r\n" + body)
            except OSError:
                pass
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except Exception:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up mid-request is routine; anything else gets one line, not a traceback."""
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError)):
            return
        print(f"sandbox server: request from {client_address[0]} failed: {type(error).__name__}: {error}",
              file=sys.stderr)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


def start_ttl_sweeper(sandbox: Sandbox, every_seconds: float) -> threading.Event:
    """Run `sandbox.expire_ttl()` every `every_seconds` from a daemon thread, as DynamoDB's background TTL process
    deletes expired items (engine.sandbox.ttl); set the returned event to stop it."""
    stop = threading.Event()

    def sweep() -> None:
        while not stop.wait(every_seconds):
            try:
                sandbox.expire_ttl()
            except Exception as exc:  # a sandbox bug must not end the sweeps: one line, then go on
                print(f"sandbox server: TTL sweep failed: {type(exc).__name__}: {exc}", file=sys.stderr)

    threading.Thread(target=sweep, name="sandbox-ttl", daemon=True).start()
    return stop


def start_in_thread(sandbox: Sandbox, host: str = "127.0.0.1", port: int = 0,
                    request_log: RequestLog | None = None) -> SandboxServer:
    """Serve `sandbox` from a daemon thread (tests, benchmarks); call .shutdown() to stop."""
    server = SandboxServer((host, port), sandbox, request_log)
    threading.Thread(target=server.serve_forever, name="sandbox-http", daemon=True).start()
    return server
