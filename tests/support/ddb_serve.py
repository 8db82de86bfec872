"""`ddb-workbench serve` as a subprocess and boto3 clients for it, with DynamoDB JSON converted between the sandbox's
wire form (B as base64 text, as files and the AWS CLI v2 hold it) and boto3's (B as bytes)."""

from __future__ import annotations

import base64
import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

ROOT = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def serve(design: Path | None = None, seed: int = 0) -> Iterator[str]:
    """`ddb-workbench serve [DESIGN] --port 0 --seed SEED` (no design: an empty sandbox); its URL, then it stops."""
    argv = [sys.executable, "-m", "engine.cli", "serve", *([str(design)] if design else []), "--port", "0",
            "--seed", str(seed)]
    process = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), process.stderr.read()
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def dynamodb_client(url: str = "http://127.0.0.1:9") -> Any:
    """A boto3 DynamoDB client with dummy credentials and region, one attempt per call."""
    return boto3.client("dynamodb", endpoint_url=url, region_name="us-east-1", aws_access_key_id="test",
                        aws_secret_access_key="test", config=Config(retries={"max_attempts": 1}))


def boto_value(value: Mapping[str, Any]) -> dict[str, Any]:
    """A wire value (B as base64 text) as the boto3 client takes it (B as bytes)."""
    ((kind, inner),) = value.items()
    if kind == "B":
        return {"B": base64.b64decode(inner) if isinstance(inner, str) else inner}
    if kind == "BS":
        return {"BS": [base64.b64decode(b) if isinstance(b, str) else b for b in inner]}
    if kind == "L":
        return {"L": [boto_value(v) for v in inner]}
    if kind == "M":
        return {"M": {k: boto_value(v) for k, v in inner.items()}}
    return dict(value)


def boto_item(item: Mapping[str, Any]) -> dict[str, Any]:
    return {k: boto_value(v) for k, v in item.items()}


def wire(value: Any) -> Any:
    """A boto3 item or value (B as bytes) in the wire form (B as base64 text)."""
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, list):
        return [wire(v) for v in value]
    if isinstance(value, dict):
        return {k: wire(v) for k, v in value.items()}
    return value
