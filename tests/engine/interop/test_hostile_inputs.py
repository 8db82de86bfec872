"""Damaged inputs: every mutation of the test files is either imported (with notes) or refused with a message
naming the file; never an internal error."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path

from engine.errors import WorkbenchError
from engine.interop import import_design
from engine.interop.cloudformation import load_template_text

DATA = Path(__file__).parent / "data"
ODD_VALUES = [None, 0, -1, "5", "", "x" * 300, [], {}, True, 1e308, "ÄÖÜ", {"S": "a"}, [1, "a"], {"Ref": "X"},
              10**30, {"Fn::If": ["C", "a", "b"]}]


def _paths(obj, prefix=()):
    yield prefix
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _paths(v, (*prefix, i))


def _mutate(doc, rng: random.Random):
    out = copy.deepcopy(doc)
    paths = [p for p in _paths(out) if p]
    for _ in range(rng.randint(1, 4)):
        path = rng.choice(paths)
        parent = out
        try:
            for key in path[:-1]:
                parent = parent[key]
            if rng.random() < 0.3 and isinstance(parent, dict):
                del parent[path[-1]]
            else:
                parent[path[-1]] = copy.deepcopy(rng.choice(ODD_VALUES))
        except (KeyError, IndexError, TypeError):
            pass
    return out


def test_mutated_files_never_cause_an_internal_error():
    docs = [load_template_text(p.read_text(), p.name) for p in sorted(DATA.iterdir())]
    rng = random.Random(13)
    imported = refused = 0
    for _ in range(300):
        text = json.dumps(_mutate(rng.choice(docs), rng))
        try:
            result = import_design(text, "auto", "mutated.json")
        except WorkbenchError as exc:
            assert "mutated.json" in str(exc) or "unknown" in str(exc)
            refused += 1
        else:
            assert all(n.where and n.what and n.why for n in result.notes)
            imported += 1
    assert imported > refused  # lenient: most damage is noted, not fatal


def test_strong_consistency_that_dynamodb_would_refuse_is_read_as_mrec():
    doc = {"Table": {"TableName": "s-table", "KeySchema": [{"AttributeName": "k", "KeyType": "HASH"}],
                     "AttributeDefinitions": [{"AttributeName": "k", "AttributeType": "S"}],
                     "BillingModeSummary": {"BillingMode": "PAY_PER_REQUEST"},
                     "TableArn": "arn:aws:dynamodb:us-east-1:1:table/s-table", "MultiRegionConsistency": "STRONG",
                     "Replicas": [{"RegionName": "eu-west-1"}]}}
    result = import_design(json.dumps(doc), source="s.json")
    assert result.model.tables[0].global_table.mode == "MREC"
    assert any("read as MREC" in n.what for n in result.notes)
