"""Display formatting: every number the app shows carries its unit, rounded only here."""

from __future__ import annotations

import re

from engine.cost import usd_text

# Units of every figure but money: one home, engine.units (reports use the same rules).
from engine.units import BYTES_PER_KB, compact_count, count, duration, ms, percent, rate, size, units  # noqa: F401, E402

# ----------------------------------------------------------------------------- design text in markdown

WORD_JOINER = "\u2060"  # invisible, no line break: splits a text run that Streamlit would otherwise rewrite
# Backslash-escaped wherever they are (CommonMark drops the backslash of any escaped ASCII punctuation): links and
# images, emphasis, strikethrough, code, HTML and autolinks, entities, tables, headings (a trailing # closes
# one), LaTeX, Streamlit's :color[...]/:material/...: directives. The rest of ASCII punctuation is inert
# inside a line (- + = and "1." only start a list or heading at the start of one: _LINE_START).
_ALWAYS_ESCAPED = re.compile(r"([\\`*_\[\]()!#<>|~$:{}&])")
_LINE_START = re.compile(r"^(?:[-+=]|\d+\.(?=\s|$))")
# Streamlit rewrites some text *after* markdown parsing, where a backslash escape is already gone: emoji and
# :streamlit: shortcodes, :material/...: icons, GFM literal links (http://, www., e-mail) and typographic arrows
# (-> <- <-> -- >= <= ~=). A word joiner at these spots keeps them literal without a visible change.
_AFTER_COLON = re.compile(r":(?=[\w+-])")
_BEFORE_LINK = re.compile(r"(?=https?://|www\.)", re.IGNORECASE)
_AFTER_AT = re.compile(r"@(?=[\w.+-])")
_ARROW_PAIRS = re.compile(r"-(?=[->])|<(?=[-=])|[>~](?==)")
_LINE_BREAKS = re.compile(r"\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
_BACKTICK_RUNS = re.compile(r"`+")


def text(value: object, *, lines: bool = False, code: bool = False) -> str:
    """Design text (names, descriptions, lessons, values, messages quoting them) for any Streamlit call that
    renders markdown (markdown, caption, alerts, titles, expander/tab/widget labels, help, metric labels, toasts):
    it renders as the characters typed, never as a link, image, HTML, LaTeX, colour, icon, emoji or heading.

    Markdown's punctuation is backslash-escaped (CommonMark removes the backslash, so none shows: the characters
    in _ALWAYS_ESCAPED anywhere, and - + = or the dot of "1." at the start) and a word joiner (invisible) breaks
    the spots Streamlit rewrites after parsing. Line breaks become spaces (a label);
    `lines=True` keeps them as line breaks and blank lines as paragraphs (descriptions, lessons), and keeps
    leading indentation. `code=True` gives an inline code span instead (the value shown verbatim in monospace,
    newlines as spaces). None is the empty string. Not for places that show text as it is (dataframe cells,
    st.code, st.text, selectbox and multiselect options, text input values), where the escapes would show."""
    if value is None:
        return ""
    raw = str(value)
    if code:
        return _code_span(raw)
    if not lines:
        return _escape_line(" ".join(part.strip() for part in _LINE_BREAKS.split(raw) if part.strip()))
    paragraphs: list[list[str]] = [[]]
    for line in _LINE_BREAKS.split(raw):
        if line.strip():
            paragraphs[-1].append(_indent(line.rstrip()))
        elif paragraphs[-1]:
            paragraphs.append([])
    # A backslash at the end of a line is a hard line break (CommonMark 6.7).
    return "\n\n".join("\\\n".join(p) for p in paragraphs if p)


def _indent(line: str) -> str:
    """Leading spaces and tabs as no-break spaces: they stay visible and never start an indented code block."""
    stripped = line.lstrip(" \t")
    lead = line[:len(line) - len(stripped)].replace("\t", "    ")
    return "\u00a0" * len(lead) + _escape_line(stripped)


def _escape_line(raw: str) -> str:
    out = _AFTER_COLON.sub(":" + WORD_JOINER, raw)
    out = _BEFORE_LINK.sub(WORD_JOINER, out)
    out = _AFTER_AT.sub("@" + WORD_JOINER, out)
    out = _ARROW_PAIRS.sub(lambda m: m.group(0) + WORD_JOINER, out)
    out = _ALWAYS_ESCAPED.sub(r"\\\1", out)
    return _LINE_START.sub(lambda m: m.group(0)[:-1] + "\\" + m.group(0)[-1], out)


def _code_span(raw: str) -> str:
    """An inline code span holding `raw` verbatim: the fence is longer than any backtick run inside."""
    flat = " ".join(_LINE_BREAKS.split(raw))
    if not flat:
        return ""
    # Streamlit turns ":material/" into ":material_" before parsing, code spans included.
    flat = flat.replace(":material/", ":" + WORD_JOINER + "material/")
    fence = "`" * (max((len(run) for run in _BACKTICK_RUNS.findall(flat)), default=0) + 1)
    # CommonMark strips one space from each end when both ends have one, so pad when the value starts or
    # ends with a backtick (it would join the fence) or has a space at both ends (it would be stripped).
    pad = " " if flat[0] == "`" or flat[-1] == "`" or (flat[0] == flat[-1] == " " and flat.strip()) else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def usd(value: float, per: str = "month") -> str:
    """Money has one written form on every page, chart label, finding and CLI line: engine.cost.usd_text
    ($1,809.42/month; amounts under a cent keep two significant digits, $0.0042/month)."""
    return usd_text(value, per=per or None)


