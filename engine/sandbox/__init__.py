"""The sandbox: a DynamoDB-API-shaped in-memory executor with exact consumed capacity.

`Sandbox()` is empty; `Sandbox.from_model(model, seed=0)` holds a design's tables and seeded
sample items; `sandbox.call(operation, request) -> response` speaks DynamoDB's wire JSON and
raises `SandboxError` (`.code`, `.message`, `.cancellation_reasons`, `.consumed_capacity`).
`engine.sandbox.server` serves it over DynamoDB's HTTP JSON protocol.
"""

from __future__ import annotations

from engine.sandbox.errors import SandboxError
from engine.sandbox.sandbox import ASSUMPTIONS, OPERATIONS, CallResult, Sandbox, create_table_request

__all__ = ["ASSUMPTIONS", "OPERATIONS", "CallResult", "Sandbox", "SandboxError", "create_table_request"]
