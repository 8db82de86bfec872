"""A hostile design for report tests: script tags, an <img onerror>, javascript: links, an image that would load
from a tracker, a closing </script> and plotly's %{...} in every text field the schema lets hold them."""

from __future__ import annotations

from typing import Any

TRACKER = "tracker.example"
# Names hold at most 255 characters: SHORT fits in one with its tag; descriptions and lessons get PAYLOAD.
SHORT = (f'<script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(4)">a</a>'
         f'<img src=https://{TRACKER}/q.png></script><script>alert(5)</script>%{{x}} @u #1|')
PAYLOAD = (f"{SHORT} [x](javascript:alert(3)) ![t](https://{TRACKER}/p.png) &lt;b&gt; www.{TRACKER} "
           f"https://{TRACKER}/link **bold**")
TABLE, INDEX = "Orders", "ByStatus"


def hostile(tag: str) -> str:
    return f"{tag} {SHORT}"


ENTITY = hostile("Entity")
GET, QUERY, UPDATE = hostile("Get"), hostile("Query"), hostile("Update")


def hostile_design() -> dict[str, Any]:
    return {
        "name": hostile("Design"),
        "description": hostile("Description") + "\n\n- second paragraph " + PAYLOAD,
        "lesson": {"look_at": "Consistency: " + PAYLOAD, "teaches": hostile("Teaches"), "try_this": hostile("Try")},
        "region": "us-east-1",
        "tables": [{
            "name": TABLE,
            "partition_key": {"name": hostile("PK"), "type": "S"},
            "sort_key": {"name": hostile("SK"), "type": "S"},
            "billing": {"mode": "on_demand"},
            "global_table": {"regions": ["us-east-1", "eu-west-1"], "mode": "MREC"},
            "gsis": [{"name": INDEX, "partition_key": {"name": hostile("GPK"), "type": "S"},
                      "projection": {"type": "ALL"}}],
        }],
        "entities": [{
            "name": ENTITY, "table": TABLE, "item_count": 100000,
            "keys": [{"attribute": hostile("PK"), "template": "C#{status}"},
                     {"attribute": hostile("SK"), "template": "O#{order_id}"},
                     {"attribute": hostile("GPK"), "template": "{status}"}],
            "variables": [{"name": "status", "cardinality": 3, "kind": "enum",
                           "values": [hostile("V1"), hostile("V2"), hostile("V3")]},
                          {"name": "order_id", "cardinality": 100000}],
            "key_distribution": {"kind": "hot_keys", "keys": [{"key": "C#" + hostile("V1"), "share": 0.9}]},
            "attributes": [{"name": hostile("Attr"), "type": "S", "example": hostile("Example")}],
        }],
        "access_patterns": [
            {"name": GET, "operation": "GetItem", "table": TABLE, "entities": [ENTITY],
             "key_condition": {"partition_key": "C#{status}", "sort_key": {"operator": "=", "value": "O#{order_id}"}},
             "requests_per_second": 50, "read_after_write_ms": 100, "region": "eu-west-1"},
            {"name": QUERY, "operation": "Query", "table": TABLE, "index": INDEX, "entities": [ENTITY],
             "key_condition": {"partition_key": "{status}"}, "requests_per_second": 20, "items_per_request": 10},
            {"name": UPDATE, "operation": "UpdateItem", "table": TABLE, "entities": [ENTITY],
             "key_condition": {"partition_key": "C#{status}", "sort_key": {"operator": "=", "value": "O#{order_id}"}},
             "changed_attributes": [hostile("Attr")], "requests_per_second": 3000},
        ],
        "screens": [{"name": hostile("Screen"), "access_patterns": [GET, QUERY], "description": hostile("ScreenDesc")}],
    }
