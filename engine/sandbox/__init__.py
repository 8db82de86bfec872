"""The sandbox: a DynamoDB-API-shaped in-memory executor with exact consumed capacity.

`Sandbox()` is empty; `Sandbox.from_model(model, seed=0)` holds a design's tables and seeded
sample items; `sandbox.call(operation, request) -> response` speaks DynamoDB's wire JSON and
raises `SandboxError` (`.code`, `.message`, `.cancellation_reasons`, `.consumed_capacity`);
`sandbox.call(operation, request, service=STREAMS)` answers the DynamoDB Streams API and
`sandbox.expire_ttl(now)` runs TTL deletions. `engine.sandbox.server` serves both APIs over
DynamoDB's HTTP JSON protocol.
"""

from __future__ import annotations

from engine.sandbox.errors import SandboxError
from engine.sandbox.sandbox import (
    ASSUMPTIONS,
    DYNAMODB,
    OPERATIONS,
    STREAMS,
    STREAMS_OPERATIONS,
    CallResult,
    Sandbox,
    create_table_request,
)

__all__ = ["ASSUMPTIONS", "DYNAMODB", "OPERATIONS", "STREAMS", "STREAMS_OPERATIONS", "CallResult", "Sandbox",
           "SandboxError", "create_table_request"]
