"""The findings catalog on the pages (issue 12): rules found only by engine.findings.collect (DDB-P103 low-cardinality
key, DDB-R102 stale read after write, DDB-R103 multi-region writes) show on their page with id and title, and the
Start page's "Needs attention" links each finding to the page of its concern."""

from __future__ import annotations

from app_harness import page_texts, shown

CAPACITY = "views/capacity_page.py"
PARTITIONS = "views/partitions_page.py"
CONSISTENCY = "views/consistency_page.py"


def _ok(at):
    assert not at.exception, at.exception
    return at


def _texts(at) -> str:
    return "\n".join(page_texts(at))


def test_low_cardinality_key_shows_on_the_partitions_page_only(open_app) -> None:
    at = _ok(open_app("crm_complex_filtering"))
    at.switch_page(PARTITIONS).run()
    text = _texts(_ok(at))
    assert "DDB-P103 · Low-cardinality partition key" in text
    assert "docs/rules.md" in text
    assert "DDB-C102" not in text and "DDB-R102" not in text  # other concerns are on their own pages
    at.switch_page(CAPACITY).run()
    text = _texts(_ok(at))
    assert "DDB-C102 · Filter over-read" in text
    assert "DDB-P103" not in text and "DDB-R102" not in text


def test_stale_read_after_write_shows_on_the_consistency_page(open_app) -> None:
    at = _ok(open_app("team_users_gsi"))
    at.switch_page(CONSISTENCY).run()
    text = _texts(_ok(at))
    assert "DDB-R102 · Stale read after write" in text
    assert "DDB-C104" not in text
    finding = next(shown(m.value) for m in at.main.markdown if "DDB-R102" in shown(m.value))
    assert "Fix:" in finding and "access_patterns[" in finding


def test_multi_region_writes_show_on_the_consistency_page(open_app) -> None:
    at = _ok(open_app("global_game_state"))
    at.switch_page(CONSISTENCY).run()
    assert "DDB-R103 · Multi-region writes to the same items" in _texts(_ok(at))


def test_start_page_needs_attention_lists_catalog_findings_with_links_to_their_pages(open_app) -> None:
    at = _ok(open_app("team_users_gsi"))  # warnings: DDB-C104 (Capacity & cost) and DDB-R102 (Consistency)
    text = _texts(at)
    assert "Needs attention (2 findings)" in text
    assert "DDB-C104 · Write amplification by indexes" in text
    assert "DDB-R102 · Stale read after write" in text
    assert "DDB-C105" not in text  # info findings stay on their page
    links = [(p.proto.page, p.label) for p in at.main.get("page_link")]
    assert any(label == "See Consistency" for _, label in links), links
    assert any(label == "See Capacity & cost" for _, label in links), links


def test_a_rule_the_design_accepts_is_listed_apart_and_needs_no_attention(open_app) -> None:
    import json

    from ui import store

    at = _ok(open_app("team_users_gsi"))
    data = json.loads(at.session_state["wb_design_json"])
    data["ignore"] = [{"id": "DDB-R102", "reason": "the profile page tolerates a stale name"}]
    store.save(store.DesignRecord(design_id="accepts", design_json=json.dumps(data)))
    at = _ok(open_app(design_id="accepts"))
    text = _texts(at)
    assert "Needs attention (1 finding)" in text and "DDB-R102" not in text
    at.switch_page(CONSISTENCY).run()
    captions = [shown(c.value) for c in _ok(at).main.caption]
    assert any("Accepted in the design" in c and "DDB-R102" in c and "tolerates a stale name" in c
               for c in captions), captions
    assert not any("DDB-R102" in shown(m.value) for m in at.main.markdown)


def test_needs_attention_points_at_every_page_with_a_finding_first(open_app) -> None:
    at = _ok(open_app("crm_complex_filtering"))  # 13 warnings: C, S (Capacity & cost), P103, R102
    shown_findings = [shown(m.value) for m in at.main.markdown if "DDB-" in m.value]
    assert len(shown_findings) == 4
    assert any("DDB-P103" in t for t in shown_findings), shown_findings
    assert any("DDB-R102" in t for t in shown_findings), shown_findings
    assert any("9 more findings on their pages" in shown(c.value) for c in at.main.caption)
    labels = {p.label for p in at.main.get("page_link")}
    assert {"See Capacity & cost", "See Partitions & hot keys", "See Consistency"} <= labels, labels
