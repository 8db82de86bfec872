"""The wire protocol: DynamoDB's JSON over HTTP/1.1 keep-alive, error JSON with 400/500, a correct
x-amz-crc32, the JSONL request log, and `ddb-workbench serve` (--port 0 prints the URL) driven by boto3."""

from __future__ import annotations

import http.client
import io
import json
import os
import subprocess
import sys
import time
import zlib
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

from engine.sandbox import Sandbox
from engine.sandbox.server import RequestLog, start_in_thread

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture()
def served():
    log = io.StringIO()
    server = start_in_thread(Sandbox(), request_log=RequestLog(log))
    yield server, log
    server.shutdown()
    server.server_close()


def _post(conn: http.client.HTTPConnection, operation: str, body: dict | bytes) -> tuple[int, dict, dict]:
    payload = body if isinstance(body, bytes) else json.dumps(body).encode()
    conn.request("POST", "/", payload, {"X-Amz-Target": f"DynamoDB_20120810.{operation}",
                                        "Content-Type": "application/x-amz-json-1.0"})
    response = conn.getresponse()
    raw = response.read()
    assert int(response.headers["x-amz-crc32"]) == zlib.crc32(raw)  # boto3 verifies this header
    assert int(response.headers["Content-Length"]) == len(raw)
    return response.status, json.loads(raw), dict(response.headers)


def test_keep_alive_errors_and_log(served) -> None:
    server, log = served
    host, port = server.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=10)
    status, body, headers = _post(conn, "ListTables", {})
    assert status == 200 and body == {"TableNames": []}
    assert headers["Content-Type"] == "application/x-amz-json-1.0"
    status, body, _ = _post(conn, "DescribeTable", {"TableName": "missing"})  # same connection
    assert status == 400
    assert body == {"__type": "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",
                    "message": "Requested resource not found: Table: missing not found"}
    status, body, _ = _post(conn, "ListTables", b"{not json")
    assert status == 400 and body["__type"].endswith("#SerializationException")
    status, body, _ = _post(conn, "Nope", {})
    assert status == 400 and body["__type"].endswith("#UnknownOperationException")
    conn.close()
    lines = [json.loads(line) for line in log.getvalue().splitlines()]
    assert [line["operation"] for line in lines] == ["ListTables", "DescribeTable", "ListTables", "Nope"]
    assert lines[1]["error"] == "ResourceNotFoundException" and lines[1]["table"] == "missing"
    assert all(line["latency_ms"] >= 0 and "time" in line for line in lines)


def test_a_body_nested_too_deeply_to_parse_is_a_client_error(served) -> None:
    """JSON nested past Python's recursion limit: a 400 SerializationException, the connection stays usable."""
    server, _ = served
    conn = http.client.HTTPConnection(*server.server_address[:2], timeout=10)
    status, body, _ = _post(conn, "ListTables", b'{"a":' * 100_000 + b"1" + b"}" * 100_000)
    assert status == 400 and body["__type"].endswith("#SerializationException")
    assert _post(conn, "ListTables", {})[0] == 200
    conn.close()


@pytest.mark.parametrize("length", [b"abc", b"-5"])
def test_a_bad_content_length_is_a_400_not_a_dropped_connection(served, capsys, length) -> None:
    import socket

    server, _ = served
    with socket.create_connection(server.server_address[:2], timeout=10) as sock:
        sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: DynamoDB_20120810.ListTables\r\n"
                     b"Content-Length: " + length + b"\r\n\r\n{}")
        reply = b""
        while chunk := sock.recv(4096):  # the server closes the connection: its body end was unknown
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 400") and b"#SerializationException" in reply
    assert "Traceback" not in capsys.readouterr().err


def test_internal_error_is_500(served, monkeypatch) -> None:
    from engine.sandbox import sandbox as sandbox_module

    def broken(*_args):
        raise RuntimeError("boom")

    monkeypatch.setitem(sandbox_module.OPERATIONS, "ListTables", broken)
    server, _ = served
    conn = http.client.HTTPConnection(*server.server_address[:2], timeout=10)
    status, body, _ = _post(conn, "ListTables", {})
    assert status == 500 and body["__type"].endswith("#InternalServerError") and "boom" in body["message"]


def test_transaction_cancellation_reasons_reach_boto3(served) -> None:
    server, _ = served
    client = boto3.client("dynamodb", endpoint_url=server.url, region_name="us-east-1",
                          aws_access_key_id="a", aws_secret_access_key="b", config=Config(retries={"max_attempts": 1}))
    client.create_table(TableName="txn", BillingMode="PAY_PER_REQUEST",
                        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
    client.put_item(TableName="txn", Item={"pk": {"S": "a"}, "blob": {"B": b"\x00\xff"}})
    assert client.get_item(TableName="txn", Key={"pk": {"S": "a"}})["Item"]["blob"] == {"B": b"\x00\xff"}
    with pytest.raises(client.exceptions.TransactionCanceledException) as caught:
        client.transact_write_items(TransactItems=[
            {"ConditionCheck": {"TableName": "txn", "Key": {"pk": {"S": "a"}},
                                "ConditionExpression": "attribute_not_exists(pk)"}}])
    assert caught.value.response["CancellationReasons"][0]["Code"] == "ConditionalCheckFailed"


def test_serve_command_prints_url_and_serves_a_design(tmp_path: Path) -> None:
    log_path = tmp_path / "requests.jsonl"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "engine.cli", "serve", "github_single_table", "--port", "0", "--seed", "1",
         "--log", str(log_path)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        client = boto3.client("dynamodb", endpoint_url=url, region_name="us-east-1",
                              aws_access_key_id="x", aws_secret_access_key="y")
        names = client.list_tables()["TableNames"]  # accepted as soon as the URL is printed
        assert "GitHub" in names
        page = client.scan(TableName="GitHub", Limit=5, ReturnConsumedCapacity="INDEXES")
        assert page["Count"] == 5 and page["ConsumedCapacity"]["Table"]["CapacityUnits"] > 0
    finally:
        process.terminate()
        process.wait(timeout=10)
    logged = [json.loads(line) for line in log_path.read_text().splitlines()]
    scan = [line for line in logged if line["operation"] == "Scan"][0]
    assert scan["table"] == "GitHub" and scan["items_returned"] == 5
    assert scan["consumed_capacity"] == {"GitHub": page["ConsumedCapacity"]["CapacityUnits"]}


def test_serve_refuses_a_busy_port() -> None:
    server = start_in_thread(Sandbox())
    try:
        port = server.server_address[1]
        result = subprocess.run([sys.executable, "-m", "engine.cli", "serve", "--port", str(port)],
                                cwd=ROOT, capture_output=True, text=True, timeout=30)
        assert result.returncode == 1 and "cannot listen there" in result.stderr
        assert "Traceback" not in result.stderr
    finally:
        server.shutdown()
        server.server_close()


def test_idle_connections_do_not_starve_a_normal_client() -> None:
    """Issue 14: 300 idle connections (each held open, nothing sent) no longer exhaust the server: a normal client is
    served, connections beyond the bound get a retryable error at once, and idle ones time out."""
    import socket

    from engine.sandbox import Sandbox
    from engine.sandbox.server import MAX_CONNECTIONS, start_in_thread

    server = start_in_thread(Sandbox())
    host, port = server.server_address[:2]
    idle = []
    try:
        for _ in range(300):
            idle.append(socket.create_connection((host, port), timeout=5))
        conn = http.client.HTTPConnection(host, port, timeout=10)
        status, body, _ = _post(conn, "ListTables", {})
        assert status == 200 and body == {"TableNames": []}, (status, body)
        conn.close()
        assert MAX_CONNECTIONS > len(idle)
    finally:
        for s in idle:
            s.close()
    deadline = time.time() + 10
    while time.time() < deadline:  # the idle sockets are gone: a client is served normally again
        conn = http.client.HTTPConnection(host, port, timeout=10)
        status, body, _ = _post(conn, "ListTables", {})
        conn.close()
        if status == 200:
            break
        time.sleep(0.2)
    assert status == 200
    server.shutdown()


def test_a_body_of_too_many_small_objects_is_refused_before_parsing() -> None:
    from engine.sandbox import Sandbox
    from engine.sandbox.server import MAX_JSON_CONTAINERS, start_in_thread

    server = start_in_thread(Sandbox())
    host, port = server.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=30)
    body = ("[" + ",".join(["{}"] * (MAX_JSON_CONTAINERS + 1)) + "]").encode()
    status, payload, _ = _post(conn, "ListTables", body)
    assert status == 400 and payload["__type"].endswith("#ValidationException") and "JSON objects" in payload["message"]
    conn.close()
    server.shutdown()


def test_connections_beyond_the_bound_get_a_retryable_error_at_once() -> None:
    import socket
    import threading

    from engine.sandbox import Sandbox
    from engine.sandbox.server import SandboxServer

    server = SandboxServer(("127.0.0.1", 0), Sandbox(), max_connections=2)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    idle = [socket.create_connection((host, port), timeout=5) for _ in range(2)]
    time.sleep(0.5)  # both accepted and holding their slots
    try:
        # the answer comes before any request is read (a client may still be sending when the server closes)
        with socket.create_connection((host, port), timeout=10) as extra:
            raw = b""
            while b"\r\n\r\n" not in raw or not raw.rstrip().endswith(b"}"):
                chunk = extra.recv(4096)
                if not chunk:
                    break
                raw += chunk
        head, _, body = raw.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 503") and json.loads(body)["__type"].endswith("#ThrottlingException"), raw
    finally:
        for s in idle:
            s.close()
        server.shutdown()
