"""Time to Live: UpdateTimeToLive, DescribeTimeToLive and the expiry of items whose TTL time has passed.

Rules (API_UpdateTimeToLive.html, DG/TTL.html, DG/time-to-live-ttl-streams.html, API_streams_Identity.html):
- TTL compares the current time, in epoch seconds, with the item's TTL attribute; an item whose value is less
  than the current time is expired and later deleted. Only a top-level Number attribute counts.
- DynamoDB deletes expired items in the background, "typically within two days"; until then they show in reads.
  The sandbox deletes them when `Sandbox.expire_ttl(now)` runs (`ddb-workbench serve` runs it every
  `--ttl-sweep` seconds), never on its own.
- A TTL deletion consumes no write capacity (DOMAIN.md §2), is removed from every index like a delete, and
  appears in the table's stream as a REMOVE record with userIdentity {Type: "Service", PrincipalId:
  "dynamodb.amazonaws.com"}.
- UpdateTimeToLive: a change "can take up to one hour" and another UpdateTimeToLive on the table within that hour
  is a ValidationException. The sandbox's TTL status changes at once (ENABLED / DISABLED, never ENABLING /
  DISABLING) and it keeps the one-change-per-hour rule on its clock; enabling an enabled TTL or disabling a
  disabled one is a ValidationException too.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from engine.sandbox.errors import validation
from engine.sandbox.requests import Call, Request, find_table, require
from engine.sandbox.streams import commit

TTL_CHANGE_INTERVAL_SECONDS = 3600  # API_UpdateTimeToLive.html: one change per table per hour
MAX_TTL_ATTRIBUTE_LENGTH = 255  # API_TimeToLiveSpecification.html: AttributeName 1..255 characters


def update_time_to_live(sandbox: Any, request: Request, call: Call) -> dict[str, Any]:
    """Enable TTL on an attribute or disable it; returns the TimeToLiveSpecification."""
    table = find_table(sandbox, request, call, control_plane=True)
    spec = require(request, "TimeToLiveSpecification")
    enabled, name = spec.get("Enabled"), spec.get("AttributeName")
    if not isinstance(enabled, bool) or not isinstance(name, str) or not 1 <= len(name) <= MAX_TTL_ATTRIBUTE_LENGTH:
        raise validation("TimeToLiveSpecification needs Enabled (true or false) and an AttributeName of 1 to "
                         f"{MAX_TTL_ATTRIBUTE_LENGTH} characters")
    if enabled == (table.ttl_attribute is not None):
        raise validation(f"TimeToLive is already {'enabled' if enabled else 'disabled'}")
    now = sandbox.clock()
    if table.ttl_changed_at is not None and now - table.ttl_changed_at < TTL_CHANGE_INTERVAL_SECONDS:
        raise validation("Time to live has been modified multiple times within a fixed interval: a table's TTL "
                         "may change once per hour")
    table.ttl_attribute = name if enabled else None
    table.ttl_changed_at = now
    return {"TimeToLiveSpecification": {"Enabled": enabled, "AttributeName": name}}


def describe_time_to_live(sandbox: Any, request: Request, call: Call) -> dict[str, Any]:
    """TimeToLiveDescription: ENABLED with its attribute, or DISABLED."""
    table = find_table(sandbox, request, call, control_plane=True)
    if table.ttl_attribute is None:
        return {"TimeToLiveDescription": {"TimeToLiveStatus": "DISABLED"}}
    return {"TimeToLiveDescription": {"TimeToLiveStatus": "ENABLED", "AttributeName": table.ttl_attribute}}


def _expired(value: Any, now: Decimal) -> bool:
    if not isinstance(value, dict) or "N" not in value:
        return False  # only a Number attribute expires an item
    try:
        return Decimal(value["N"]) < now
    except InvalidOperation:
        return False


def expire(sandbox: Any, now: float) -> int:
    """Delete every item whose TTL time is before `now` (epoch seconds); returns how many were deleted."""
    deadline = Decimal(repr(now))
    deleted = 0
    for table in list(sandbox.tables.values()):
        name = table.ttl_attribute
        if name is None:
            continue
        doomed = [record.item for record in table.records() if _expired(record.item.get(name), deadline)]
        for item in doomed:
            commit(sandbox, table.plan_write(table.item_orders(item), None), service=True)
        deleted += len(doomed)
    return deleted
