"""Sandbox throughput: PutItem, GetItem and Query per second in process and over HTTP keep-alive,
printed with ratios against bare baselines measured in the same run (a dict insert loop, a dict
lookup loop, and a raw HTTP/1.1 keep-alive round trip to a trivial handler).

Goal (issue 6): at least 20,000 PutItem/s in process on the build machine.
Run: python benchmarks/bench_sandbox.py [--items N]
"""

from __future__ import annotations

import argparse
import http.client
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from engine.sandbox import Sandbox
from engine.sandbox.server import start_in_thread

TABLE = "bench"
PUT_GOAL_PER_SECOND = 20_000


def _item(i: int) -> dict:
    return {"pk": {"S": f"user#{i % 100}"}, "sk": {"S": f"order#{i:08d}"}, "total": {"N": str(i % 997)},
            "status": {"S": "open" if i % 3 else "closed"}, "note": {"S": "x" * 100}}


def _create(call) -> None:
    call("CreateTable", {
        "TableName": TABLE, "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                 {"AttributeName": "sk", "AttributeType": "S"}]})


def _rate(count: int, fn) -> float:
    started = time.perf_counter()
    for i in range(count):
        fn(i)
    return count / (time.perf_counter() - started)


def _workloads(call, n: int) -> dict[str, float]:
    _create(call)
    put = _rate(n, lambda i: call("PutItem", {"TableName": TABLE, "Item": _item(i)}))
    get = _rate(n, lambda i: call("GetItem", {"TableName": TABLE, "Key": {"pk": _item(i)["pk"], "sk": _item(i)["sk"]}}))
    query = _rate(max(1, n // 10), lambda i: call("Query", {
        "TableName": TABLE, "KeyConditionExpression": "pk = :p AND begins_with(sk, :s)", "Limit": 10,
        "ExpressionAttributeValues": {":p": {"S": f"user#{i % 100}"}, ":s": {"S": "order#"}}}))
    return {"PutItem": put, "GetItem": get, "Query (10 items)": query}


def _dict_baselines(n: int) -> dict[str, float]:
    store: dict[tuple[str, str], dict] = {}

    def put(i: int) -> None:
        item = _item(i)
        store[(item["pk"]["S"], item["sk"]["S"])] = item

    def get(i: int) -> None:
        item = _item(i)
        store.get((item["pk"]["S"], item["sk"]["S"]))

    return {"dict insert": _rate(n, put), "dict lookup": _rate(n, get)}


class _Echo(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, *args) -> None:
        return

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        body = b"{}"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _http_caller(host: str, port: int):
    conn = http.client.HTTPConnection(host, port)

    def call(operation: str, request: dict) -> dict:
        conn.request("POST", "/", json.dumps(request), {"X-Amz-Target": f"DynamoDB_20120810.{operation}",
                                                         "Content-Type": "application/x-amz-json-1.0"})
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(body)
        return json.loads(body)

    return call


def _http_baseline(n: int) -> float:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        call = _http_caller(*server.server_address[:2])
        return _rate(n, lambda i: call("Echo", {"n": i}))
    finally:
        server.shutdown()
        server.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=20_000, help="PutItem/GetItem requests in process")
    parser.add_argument("--http-items", type=int, default=2_000, help="requests per workload over HTTP")
    args = parser.parse_args()

    baseline = _dict_baselines(args.items)
    in_process = _workloads(Sandbox().call, args.items)
    server = start_in_thread(Sandbox())
    try:
        over_http = _workloads(_http_caller(*server.server_address[:2]), args.http_items)
    finally:
        server.shutdown()
        server.server_close()
    http_floor = _http_baseline(args.http_items)

    print(f"baselines: dict insert {baseline['dict insert']:,.0f}/s, dict lookup {baseline['dict lookup']:,.0f}/s, "
          f"bare HTTP keep-alive round trip {http_floor:,.0f}/s")
    print(f"{'workload':<18}{'in process/s':>14}{'vs dict':>10}{'over HTTP/s':>14}{'vs bare HTTP':>14}")
    for name, rate in in_process.items():
        base = baseline["dict lookup" if name == "GetItem" else "dict insert"]
        print(f"{name:<18}{rate:>14,.0f}{rate / base:>10.3f}{over_http[name]:>14,.0f}"
              f"{over_http[name] / http_floor:>14.3f}")
    put = in_process["PutItem"]
    verdict = "meets" if put >= PUT_GOAL_PER_SECOND else "MISSES"
    print(f"PutItem in process: {put:,.0f}/s {verdict} the goal of {PUT_GOAL_PER_SECOND:,}/s")


if __name__ == "__main__":
    main()
