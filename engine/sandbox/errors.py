"""Sandbox errors: DynamoDB's error types, with what the failed request still consumed."""

from __future__ import annotations

from typing import Any

from engine.errors import WorkbenchError

# Error codes the sandbox raises (DynamoDB API reference, "Common Errors" and each operation's errors).
VALIDATION = "ValidationException"
CONDITIONAL_CHECK_FAILED = "ConditionalCheckFailedException"
TRANSACTION_CANCELED = "TransactionCanceledException"
RESOURCE_NOT_FOUND = "ResourceNotFoundException"
RESOURCE_IN_USE = "ResourceInUseException"
ITEM_COLLECTION_SIZE_LIMIT = "ItemCollectionSizeLimitExceededException"
UNKNOWN_OPERATION = "UnknownOperationException"
SERIALIZATION = "SerializationException"
INTERNAL = "InternalServerError"
# DynamoDB Streams API reference (API_streams_GetRecords.html, API_streams_GetShardIterator.html, errors).
EXPIRED_ITERATOR = "ExpiredIteratorException"
TRIMMED_DATA_ACCESS = "TrimmedDataAccessException"
LIMIT_EXCEEDED = "LimitExceededException"

# Codes answered with HTTP 500 over the wire; every other code is a client error (400).
SERVER_ERROR_CODES = frozenset({INTERNAL})


class SandboxError(WorkbenchError):
    """A DynamoDB API error raised by the sandbox.

    `code` is DynamoDB's error type (e.g. ValidationException), `message` says what is wrong,
    `cancellation_reasons` holds a cancelled transaction's reasons in wire shape, and
    `consumed_capacity` what the failed request still consumed (DynamoDB's error responses
    omit it; the sandbox reports it here and in its request log). `item` is the existing item
    when ReturnValuesOnConditionCheckFailure=ALL_OLD asked for it.
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        cancellation_reasons: list[dict[str, Any]] | None = None,
        consumed_capacity: Any = None,
        item: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.cancellation_reasons = cancellation_reasons
        self.consumed_capacity = consumed_capacity
        self.item = item

    @property
    def http_status(self) -> int:
        """400 for client errors, 500 for internal ones (DynamoDB's convention)."""
        return 500 if self.code in SERVER_ERROR_CODES else 400

    def to_wire(self) -> dict[str, Any]:
        """The error body DynamoDB's JSON protocol returns."""
        body: dict[str, Any] = {
            "__type": f"com.amazonaws.dynamodb.v20120810#{self.code}",
            "message": self.message,
        }
        if self.cancellation_reasons is not None:
            body["CancellationReasons"] = self.cancellation_reasons
        if self.item is not None:
            body["Item"] = self.item
        return body


def validation(message: str) -> SandboxError:
    """A ValidationException with `message`."""
    return SandboxError(VALIDATION, message)
