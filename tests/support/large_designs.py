"""Designs valid by the schema but too large for per-partition work (issue 14), shared by engine and app tests."""

from __future__ import annotations

from typing import Any


def exabyte_design() -> dict[str, Any]:
    """One table of 10^13 items of 100 KB (about 1 EB, ~93 million partitions by storage): the largest item count
    the schema accepts, which the 10,000-design fuzz run found asking the partition analysis for 7 GiB."""
    return {"name": "huge", "tables": [{"name": "Articles", "partition_key": {"name": "PK"}}],
            "entities": [{"name": "Article", "table": "Articles", "item_count": 10**13,
                          "keys": [{"attribute": "PK", "template": "A#{id}"}],
                          "variables": [{"name": "id", "cardinality": 10**13}],
                          "attributes": [{"name": "body", "size_bytes": 100_000}]}],
            "access_patterns": [{"name": "get", "operation": "GetItem", "table": "Articles", "entities": ["Article"],
                                 "key_condition": {"partition_key": "A#{id}"}, "requests_per_second": 10}]}
