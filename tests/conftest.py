"""Shared test configuration: a bounded hypothesis profile and sample-design fixtures."""

from __future__ import annotations

import itertools
import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
settings.register_profile("dev", deadline=None, max_examples=100)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def two_table_transaction():
    """Builder of a design whose checkout transaction, filed under Orders, also updates a Stock item
    (DOMAIN.md §2: each arm lands on its own table); takes the Stock table's billing."""
    from engine.model import parse_model

    def build(stock_billing: dict):
        return parse_model({
            "name": "tx",
            "tables": [{"name": "Orders", "partition_key": {"name": "pk"}},
                       {"name": "Stock", "partition_key": {"name": "sku"}, "billing": stock_billing}],
            "entities": [
                {"name": "Order", "table": "Orders", "item_count": 1000,
                 "keys": [{"attribute": "pk", "template": "O#{id}"}], "variables": [{"name": "id", "cardinality": 1000}],
                 "attributes": [{"name": "v", "size_bytes": 100}]},
                {"name": "Item", "table": "Stock", "item_count": 50,
                 "keys": [{"attribute": "sku", "template": "SKU#{sku}"}], "variables": [{"name": "sku", "cardinality": 50}],
                 "attributes": [{"name": "qty", "type": "N", "size_bytes": 3}]}],
            "access_patterns": [{
                "name": "checkout", "operation": "TransactWriteItems", "table": "Orders", "entities": ["Order"],
                "key_condition": {"partition_key": "O#{id}"}, "requests_per_second": 100,
                "actions": [{"action": "Put", "entity": "Order"}, {"action": "Update", "entity": "Item",
                                                                  "changed_attributes": ["qty"]}]}],
        })

    return build


sys.path.insert(0, str(Path(__file__).resolve().parent / "support"))
_database_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def postgres_server():
    """A real PostgreSQL server (Debian's package) for the whole test run; skipped with the reason printed
    when none can be had on this machine."""
    import postgres

    reason = postgres.unavailable_reason()
    if reason:
        pytest.skip(f"PostgreSQL tests skipped: {reason}")
    server = postgres.start()
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server) -> str:
    """A fresh, empty database on the test PostgreSQL server: its URL."""
    return postgres_server.create_database(f"wb_{os.getpid()}_{next(_database_numbers)}")
