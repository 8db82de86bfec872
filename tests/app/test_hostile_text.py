"""Design text is shown as text (issue 11): a shared design whose names, descriptions, lessons and values hold
markdown images, links, HTML, colour directives or LaTeX must not make any viewer's browser fetch a URL or render
anything but the characters typed.

Every page (every Design tab and panel, error messages that quote a typed value, a sandbox error) is opened on
tests/app/hostile_design.py through AppTest, and every element Streamlit renders as markdown (markdown, captions,
alerts, titles, expander and tab labels, widget labels and help, metric label/value/help, radio options) is
checked for an unescaped link or image, raw HTML or a live directive. ui.format.text is also tested on its own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from app_harness import APP, DESIGN_PAGE, PAGES, TIMEOUT_S, open_design, shown
from hostile_design import (
    CONSUMER,
    ENTITY,
    GET,
    HOSTILE,
    INDEX,
    LOCAL_INDEX,
    QUERY,
    SHORT_LINK,
    TABLE,
    TRACKER,
    UPDATE,
    hostile,
    hostile_design_json,
)
from hypothesis import example, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block

from ui import format as fmt

DESIGN_ID = "thostiletext"
W = "w."
# Elements whose text Streamlit shows as it is (never markdown): their raw text may hold the payload.
PLAIN_ELEMENTS = {"code", "text", "json", "dataframe", "arrow_data_frame", "table", "plotly_chart",
                  "graphviz_chart", "vega_lite_chart", "html", "exception"}
MARKDOWN_FIELDS = ("label", "help", "body")
MARKDOWN_OPTIONS = {"radio", "button_group"}  # their options render markdown (selectbox/multiselect ones do not)
# What must never be live in rendered markdown (after escapes and code spans are taken out).
LIVE = ("](", "![", "<img", "<a ", ":red[", "$x$", "**bold**", f"https://{TRACKER}", "javascript:")
ASCII_PUNCTUATION = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
ALWAYS_ESCAPED = set("\\`*_[]()!#<>|~$:{}&")
BACKTICK_RUN = re.compile(r"`+")


# ----------------------------------------------------------------------------- reading markdown as CommonMark does


def outside_code(markdown: str) -> str:
    """The markdown that is still markdown: backslash-escaped characters and code spans (inline code shows its text
    verbatim) replaced by a NUL each, scanned left to right as CommonMark does (an escaped backtick opens nothing;
    a backtick run closes only on a run of the same length)."""
    out, i = [], 0
    while i < len(markdown):
        c = markdown[i]
        if c == "\\" and i + 1 < len(markdown) and markdown[i + 1] in ASCII_PUNCTUATION:
            out.append("\0")
            i += 2
        elif c == "`":
            run = BACKTICK_RUN.match(markdown, i).group(0)
            close = re.compile(r"(?<!`)" + run + r"(?!`)").search(markdown, i + len(run))
            if close is None:
                out.append(run)
                i += len(run)
            else:
                out.append("\0")
                i = close.end()
        else:
            out.append(c)
            i += 1
    return "".join(out)


def code_spans(markdown: str) -> list[str]:
    """The contents of the code spans in `markdown`, as CommonMark shows them."""
    spans, i = [], 0
    while i < len(markdown):
        if markdown[i] == "\\" and i + 1 < len(markdown) and markdown[i + 1] in ASCII_PUNCTUATION:
            i += 2
        elif markdown[i] == "`":
            run = BACKTICK_RUN.match(markdown, i).group(0)
            close = re.compile(r"(?<!`)" + run + r"(?!`)").search(markdown, i + len(run))
            if close is None:
                i += len(run)
                continue
            content = markdown[i + len(run):close.start()].replace("\n", " ")
            if content.startswith(" ") and content.endswith(" ") and content.strip(" "):
                content = content[1:-1]
            spans.append(content)
            i = close.end()
        else:
            i += 1
    return spans


def live(markdown: str) -> list[str]:
    """The pieces of `LIVE` that would be rendered as markdown/HTML in `markdown`."""
    text = outside_code(markdown)
    return [piece for piece in LIVE if piece in text]


# ----------------------------------------------------------------------------- every markdown-bearing element


def markdown_texts(node) -> Iterator[tuple[str, str]]:
    """(where, text) of every markdown-rendering text under an AppTest node."""
    if isinstance(node, Block):
        proto = getattr(node, "proto", None)
        for field in ("label", "help"):
            value = getattr(proto, field, "") if proto is not None else ""
            if value:
                yield f"{node.type}.{field}", value
        for child in node.children.values():
            yield from markdown_texts(child)
        return
    if node.type in PLAIN_ELEMENTS or not hasattr(node, "proto"):
        return
    fields = {f.name: v for f, v in node.proto.ListFields()}
    for field in MARKDOWN_FIELDS:
        if isinstance(fields.get(field), str) and fields[field]:
            yield f"{node.type}.{field}", fields[field]
    if node.type in MARKDOWN_OPTIONS:
        for option in fields.get("options", ()):
            yield f"{node.type}.option", getattr(option, "content", option)
        for caption in fields.get("captions", ()):
            yield f"{node.type}.caption", caption


def assert_no_live_markdown(at: AppTest, where: str) -> list[str]:
    """Fail on any markdown-bearing element rendering the payload; return every such text (as shown)."""
    assert not at.exception, (where, [e.value for e in at.exception])
    texts = list(markdown_texts(at._tree))
    bad = [(kind, text, live(text)) for kind, text in texts if live(text)]
    assert not bad, f"{where}: design text rendered as markdown: {bad[:5]}"
    seen = [shown(text) for _, text in texts]
    twice = [t for t in seen if re.search(r"\\[!*\[\]()<>$:]", t)]  # escaped twice: the reader sees backslashes
    assert not twice, f"{where}: design text escaped twice: {twice[:3]}"
    return seen


@pytest.fixture
def hostile_app() -> AppTest:
    from ui import store

    store.save(store.DesignRecord(design_id=DESIGN_ID, design_json=hostile_design_json()))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.query_params["design"] = DESIGN_ID
    return at.run()


def test_every_page_shows_the_hostile_design_as_text(hostile_app: AppTest) -> None:
    at = hostile_app
    seen: list[str] = []
    for path, title in PAGES:
        if path != DESIGN_PAGE:
            at.switch_page(path).run()
            seen += assert_no_live_markdown(at, title)
    # the payload is really on the pages (as text), so the check above is not vacuous
    assert any(hostile("Design") in t for t in seen)
    assert any(HOSTILE in t and "Teaches" in t for t in seen)  # the lesson
    assert any(hostile("V1") in t for t in seen)  # a key value (the hot key)
    assert any(GET in t for t in seen) and any(UPDATE in t for t in seen)
    assert any(CONSUMER in t for t in seen)  # the Streams section and the stream findings


def test_every_design_tab_and_panel_shows_the_hostile_design_as_text(hostile_app: AppTest) -> None:
    at = hostile_app
    panels = ["design", f"tablekeys.{TABLE}", f"addindex.{TABLE}", f"index.{TABLE}.{INDEX}",
              f"index.{TABLE}.{LOCAL_INDEX}", f"entity.{ENTITY}", f"consumer.{TABLE}.{CONSUMER}",
              f"addconsumer.{TABLE}", *(f"pattern.{p}" for p in (GET, QUERY, UPDATE, SHORT_LINK))]
    seen: list[str] = []
    for tab in ("Overview", "Tables & indexes", "Entities", "Access patterns", "YAML"):
        open_design(at, tab, *panels)
        seen += assert_no_live_markdown(at, f"Design: {tab}")
    assert any(hostile("PK") in t for t in seen)  # a key attribute name (in a code span)
    assert any(hostile("PatternDesc") in t for t in seen)
    assert any(CONSUMER in t for t in seen)  # the stream consumer's panel


def test_messages_quoting_typed_values_show_them_as_text(hostile_app: AppTest) -> None:
    """A refused edit quotes the value typed; a sandbox error quotes the request: both as text."""
    at = open_design(hostile_app, "Tables & indexes", f"tablekeys.{TABLE}")
    at.text_input(key=f"{W}tablekeys.{TABLE}.name").input(hostile("Table"))
    at.button(key=f"FormSubmitter:form.tablekeys.{TABLE}-Save name and keys").click().run()
    errors = [shown(e.value) for e in at.main.error]
    assert any(hostile("Table")[:25] in e for e in errors), errors  # (long values are shortened in the middle)
    assert_no_live_markdown(at, "a refused table rename")

    at.switch_page("views/collections_page.py").run()
    at.text_area(key=f"{W}sandbox.request").input(json.dumps({"TableName": HOSTILE, "Key": {}}))
    at.button(key="FormSubmitter:form.sandbox-Run on the sandbox").click().run()
    assert at.main.error, "the sandbox accepted a request on a table that does not exist"
    assert_no_live_markdown(at, "a sandbox error")


# ----------------------------------------------------------------------------- ui.format.text itself


NASTY = ["![t](https://tracker.example/p.png)", "[x](javascript:alert(1))", "<img src=x onerror=alert(1)>",
         ":red[boom]", ":material/home:", ":smile: :streamlit:", "$x$", "$$x$$", "**bold** _it_ ~~s~~", "`code`",
         "# h", "- item", "+ item", "1. item", "> quote", "| a | b |", "---", "===", "    indented", "a\\", "\\*",
         "&amp; &#42;", "www.example.com", "me@example.com", "a -> b <-> c -- d >= e", "[^1]: note", ":help[x]",
         "x\n\n- y\n  1. z", "\u2060", "``", " ` ", ""]
markdown_texts_strategy = st.one_of(st.text(), st.text(alphabet="![]()<>`*_~$:#-+=.|\\{}&@/ \n1aw"),
                                    st.sampled_from(NASTY))


def _normal(value: str) -> str:
    """A value as a label shows it: line breaks as spaces, each line trimmed, word joiners invisible."""
    parts = [p.strip() for p in fmt._LINE_BREAKS.split(value)]
    return " ".join(p for p in parts if p).replace(fmt.WORD_JOINER, "")


@settings(max_examples=400, deadline=None)
@given(markdown_texts_strategy)
@example("![t](https://tracker.example/p.png)")
def test_text_leaves_no_markdown_live(value: str) -> None:
    out = fmt.text(value)
    assert "\n" not in out and "\r" not in out
    rest = outside_code(out)
    assert "![" not in rest and "](" not in rest
    assert not ALWAYS_ESCAPED & set(rest), (value, out)  # every such character is escaped
    assert not re.match(r"\s*([-+=]|\d+\.(\s|$))", rest)  # nothing can start a list, heading or rule
    assert shown(out) == _normal(value)  # and it reads as typed


@settings(max_examples=300, deadline=None)
@given(markdown_texts_strategy)
@example("x\n\n- y\n  1. z\n\n\n    code?")
def test_text_with_lines_keeps_line_breaks_and_nothing_else(value: str) -> None:
    out = fmt.text(value, lines=True)
    rest = outside_code(out)
    assert "![" not in rest and "](" not in rest
    assert not ALWAYS_ESCAPED & set(rest.replace("\\\n", "")), (value, out)  # only hard line breaks remain
    for line in out.split("\n"):
        assert not re.match(r"[ \t]|([-+=]|\d+\.(\s|$))", line), (value, line)  # no list, heading, rule, code
    expected = [line.replace(fmt.WORD_JOINER, "").strip() for line in fmt._LINE_BREAKS.split(value) if line.strip()]
    got = [_read_line(line).strip() for line in out.split("\n") if line.strip()]
    assert [g for g in got if g] == [e for e in expected if e]


def _read_line(line: str) -> str:
    """One output line as read: escapes resolved, a lone trailing backslash (a hard line break) dropped."""
    out, i = [], 0
    while i < len(line):
        if line[i] == "\\" and i + 1 < len(line) and line[i + 1] in ASCII_PUNCTUATION:
            out.append(line[i + 1])
            i += 2
        elif line[i] == "\\" and i == len(line) - 1:
            i += 1
        else:
            out.append(line[i])
            i += 1
    return "".join(out).replace(fmt.WORD_JOINER, "")


@settings(max_examples=300, deadline=None)
@given(markdown_texts_strategy)
def test_text_as_code_is_one_code_span_holding_the_value(value: str) -> None:
    out = fmt.text(value, code=True)
    flat = " ".join(fmt._LINE_BREAKS.split(value))
    if not flat:
        assert out == ""
        return
    assert outside_code(out) == "\0"  # one code span, nothing outside it
    assert code_spans(out) == [flat.replace(":material/", ":" + fmt.WORD_JOINER + "material/")]


def test_text_of_none_and_of_objects() -> None:
    assert fmt.text(None) == ""
    assert fmt.text(12.5) == "12.5"
    assert fmt.text(ValueError("bad [x](y)")) == "bad \\[x\\]\\(y\\)"
