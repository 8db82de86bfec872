"""A hostile design (issue 11): markdown images and links, raw HTML (plotly reads <a href>), Streamlit colour
directives, LaTeX and bold in every text field the schema lets hold them: the design's name, description and
lesson, entity, attribute, key-attribute, variable-value, hot-key, pattern, screen names and descriptions, an
example value. Table and index names are limited to letters, digits, '_', '-' and '.' by the schema, so they stay
plain.

Shared by tests/app/test_hostile_text.py (AppTest) and tests/e2e/test_hostile_text_browser.py (a real browser).
"""

from __future__ import annotations

from typing import Any

TRACKER = "tracker.example"
HOSTILE = (f"![t](https://{TRACKER}/p.png) [x](javascript:alert(1)) <img src=https://{TRACKER}/q.png> "
           f":red[boom] $x$ **bold** <a href='https://{TRACKER}/a'>a</a>")  # the last one: plotly's HTML
TABLE = "Orders"
INDEX = "ByStatus"
LOCAL_INDEX = "ByDate"


def hostile(tag: str) -> str:
    """A distinct hostile text (names must be unique): the tag, then the payload."""
    return f"{tag} {HOSTILE}"


ENTITY = hostile("Entity")
CONSUMER = hostile("Consumer")  # a stream consumer (issue 16): its name is in findings, panels and derived patterns
GET, QUERY, UPDATE = hostile("Get"), hostile("Query"), hostile("Update")
SHORT_LINK = f"<a href='//{TRACKER}'>L</a>"  # short enough to survive the charts' shortened labels


def hostile_design() -> dict[str, Any]:
    """The design's plain data (valid: engine.model.parse_model accepts it). One MREC global table (the Consistency
    page's global-table section and MRSC what-if, with a hostile TTL attribute; a stream with a hostile Lambda
    consumer writing back to it, half its records), a GSI and an LSI with hostile key
    names, an enum variable whose hostile values become keys, a hot key, reads and a write, a screen."""
    return {
        "name": hostile("Design"),
        "description": hostile("Description") + "\n\n- second paragraph " + HOSTILE,
        "lesson": {"look_at": "Consistency: " + HOSTILE, "teaches": hostile("Teaches") + "\n" + HOSTILE,
                   "try_this": hostile("Try")},
        "region": "us-east-1",
        "tables": [{
            "name": TABLE,
            "partition_key": {"name": hostile("PK"), "type": "S"},
            "sort_key": {"name": hostile("SK"), "type": "S"},
            "billing": {"mode": "on_demand"},
            "global_table": {"regions": ["us-east-1", "eu-west-1", "ap-northeast-1"], "mode": "MREC"},
            "ttl_attribute": hostile("TTL"),
            "ttl_deletions_per_second": 1.0,
            "stream_view_type": "NEW_AND_OLD_IMAGES",
            "stream_consumers": [{"kind": "lambda", "name": CONSUMER, "description": hostile("ConsumerDesc"),
                                  "filter_share": 0.5,
                                  "writes": [{"table": TABLE, "operation": "UpdateItem", "entity": ENTITY,
                                              "changed_attributes": ["Total"]}]}],
            "gsis": [{"name": INDEX, "partition_key": {"name": hostile("GPK"), "type": "S"},
                      "projection": {"type": "INCLUDE", "attributes": [hostile("Attr")]}}],
            "lsis": [{"name": LOCAL_INDEX, "sort_key": {"name": hostile("LSK"), "type": "S"},
                      "projection": {"type": "ALL"}}],
        }],
        "entities": [{
            "name": ENTITY, "table": TABLE, "item_count": 100000,
            "keys": [{"attribute": hostile("PK"), "template": "C#{status}"},
                     {"attribute": hostile("SK"), "template": "O#{order_id}"},
                     {"attribute": hostile("GPK"), "template": "{status}"},
                     {"attribute": hostile("LSK"), "template": "D#{order_id}"}],
            "variables": [{"name": "status", "cardinality": 3, "kind": "enum",
                           "values": [hostile("V1"), hostile("V2"), hostile("V3")]},
                          {"name": "order_id", "cardinality": 100000}],
            "key_distribution": {"kind": "hot_keys", "keys": [{"key": "C#" + hostile("V1"), "share": 0.9}]},
            "attributes": [{"name": hostile("Attr"), "type": "S", "example": hostile("Example")},
                           {"name": "Total", "type": "N", "size_bytes": 4}],
        }],
        "access_patterns": [
            {"name": GET, "operation": "GetItem", "table": TABLE, "entities": [ENTITY],
             "description": hostile("PatternDesc"),
             "key_condition": {"partition_key": "C#{status}", "sort_key": {"operator": "=", "value": "O#{order_id}"}},
             "requests_per_second": 50, "read_after_write_ms": 100, "region": "eu-west-1"},
            {"name": QUERY, "operation": "Query", "table": TABLE, "index": INDEX, "entities": [ENTITY],
             "key_condition": {"partition_key": "{status}"}, "requests_per_second": 20, "items_per_request": 10},
            {"name": UPDATE, "operation": "UpdateItem", "table": TABLE, "entities": [ENTITY],
             "key_condition": {"partition_key": "C#{status}", "sort_key": {"operator": "=", "value": "O#{order_id}"}},
             "changed_attributes": [hostile("Attr")], "requests_per_second": 3000, "region": "ap-northeast-1"},
            {"name": SHORT_LINK, "operation": "GetItem", "table": TABLE, "entities": [ENTITY],
             "key_condition": {"partition_key": "C#{status}", "sort_key": {"operator": "=", "value": "O#{order_id}"}},
             "requests_per_second": 5},
        ],
        "screens": [{"name": hostile("Screen"), "access_patterns": [GET, QUERY], "repeat": [[GET, 5]],
                     "description": hostile("ScreenDesc")}],
    }


def hostile_design_json() -> str:
    """The design as the store keeps it (canonical JSON of the validated model)."""
    from engine.io import dump_model
    from engine.model import parse_model

    return dump_model(parse_model(hostile_design()), "json")
