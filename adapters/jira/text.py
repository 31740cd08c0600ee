"""Jira rich text → plain text for the scanner.

Jira answers with two formats: REST v2 gives wiki markup strings, REST v3 gives
Atlassian Document Format (ADF) JSON. The scanner needs the words a person typed,
with personal data left intact: e-mail addresses, phone numbers (``+46 …``) and
names must come out unmangled, so markup is removed conservatively (a marker is
only stripped when it clearly wraps words).
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

__all__ = ["adf_to_text", "wiki_to_text", "description_to_text", "field_value_to_text"]


# --------------------------------------------------------------------------- ADF

_BLOCK_SEPARATOR = "\n"


def adf_to_text(doc: Any) -> str:
    """Plain text of an ADF document (or any ADF node)."""
    if not isinstance(doc, dict):
        return ""
    text = _adf_block(doc, depth=0)
    return _tidy(text)


def _children(node: dict[str, Any]) -> list[dict[str, Any]]:
    content = node.get("content")
    if not isinstance(content, list):
        return []
    return [child for child in content if isinstance(child, dict)]


def _attrs(node: dict[str, Any]) -> dict[str, Any]:
    attrs = node.get("attrs")
    return attrs if isinstance(attrs, dict) else {}


def _adf_inline(nodes: list[dict[str, Any]]) -> str:
    return "".join(_adf_inline_node(node) for node in nodes)


def _adf_inline_node(node: dict[str, Any]) -> str:
    kind = node.get("type")
    attrs = _attrs(node)
    if kind == "text":
        text = str(node.get("text", ""))
        href = _link_href(node)
        if href and href != text and href.removeprefix("mailto:") != text:
            return f"{text} ({href.removeprefix('mailto:')})"
        return text
    if kind == "hardBreak":
        return "\n"
    if kind == "mention":
        label = str(attrs.get("text") or "")
        if label:
            return label if label.startswith("@") else "@" + label
        return "@" + str(attrs.get("id", "")) if attrs.get("id") else ""
    if kind == "emoji":
        return str(attrs.get("text") or attrs.get("shortName") or "")
    if kind in ("inlineCard", "blockCard", "embedCard"):
        return str(attrs.get("url") or "")
    if kind == "date":
        return _adf_date(attrs.get("timestamp"))
    if kind == "status":
        return str(attrs.get("text") or "")
    if kind in ("media", "mediaInline"):
        return str(attrs.get("alt") or "")
    if kind in ("placeholder",):
        return ""
    if kind in ("inlineExtension", "extension"):
        return str(attrs.get("text") or "")
    # Unknown inline node: keep whatever text it carries.
    if _children(node):
        return _adf_inline(_children(node))
    return str(node.get("text") or "")


def _link_href(node: dict[str, Any]) -> str:
    for mark in node.get("marks") or []:
        if isinstance(mark, dict) and mark.get("type") == "link":
            href = _attrs(mark).get("href")
            if isinstance(href, str):
                return href
    return ""


def _adf_date(timestamp: Any) -> str:
    try:
        seconds = int(str(timestamp)) / 1000
    except (TypeError, ValueError):
        return ""
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%d")


_INLINE_CONTAINERS = {"paragraph", "heading", "caption", "decisionItem", "taskItem"}
_LIST_KINDS = {"bulletList", "orderedList", "taskList", "decisionList"}


def _adf_block(node: dict[str, Any], depth: int) -> str:
    kind = node.get("type")
    children = _children(node)
    if kind in _INLINE_CONTAINERS:
        return _adf_inline(children)
    if kind == "codeBlock":
        return "".join(str(child.get("text", "")) for child in children)
    if kind == "rule":
        return ""
    if kind in _LIST_KINDS:
        return _adf_list(node, depth)
    if kind == "table":
        return "\n".join(_adf_table_row(row) for row in children if row.get("type") == "tableRow")
    if kind in ("mediaSingle", "mediaGroup"):
        return " ".join(t for t in (_adf_inline_node(c) for c in children) if t)
    if kind in ("expand", "nestedExpand"):
        title = str(_attrs(node).get("title") or "")
        body = _adf_blocks(children, depth)
        return "\n".join(part for part in (title, body) if part)
    if kind in ("blockCard", "embedCard"):
        return _adf_inline_node(node)
    if kind == "text" or kind in ("hardBreak", "mention", "emoji", "inlineCard", "date", "status"):
        return _adf_inline_node(node)
    # doc, blockquote, panel, layoutSection, layoutColumn, listItem, bodiedExtension, unknown
    if not children:  # an unknown leaf: keep whatever text it carries
        return str(node.get("text") or _attrs(node).get("text") or "")
    return _adf_blocks(children, depth)


def _adf_blocks(children: list[dict[str, Any]], depth: int) -> str:
    parts = [_adf_block(child, depth) for child in children]
    return _BLOCK_SEPARATOR.join(part for part in parts if part != "")


def _adf_list(node: dict[str, Any], depth: int) -> str:
    ordered = node.get("type") == "orderedList"
    start = _attrs(node).get("order", 1)
    number = start if isinstance(start, int) else 1
    indent = "  " * depth
    lines: list[str] = []
    for item in _children(node):
        marker = f"{number}." if ordered else "-"
        number += 1
        inner_parts: list[str] = []
        if item.get("type") in ("taskItem", "decisionItem"):
            inner_parts.append(_adf_inline(_children(item)))
        else:
            for child in _children(item):
                if child.get("type") in _LIST_KINDS:
                    inner_parts.append(_adf_list(child, depth + 1))
                else:
                    text = _adf_block(child, depth + 1)
                    inner_parts.append(text.replace("\n", "\n" + indent + "  "))
        first, *rest = [p for p in inner_parts if p] or [""]
        lines.append(f"{indent}{marker} {first}".rstrip())
        lines.extend(rest)
    return "\n".join(lines)


def _adf_table_row(row: dict[str, Any]) -> str:
    cells = []
    for cell in _children(row):
        cells.append(_adf_blocks(_children(cell), 0).replace("\n", " "))
    return " | ".join(cells)


# --------------------------------------------------------------------------- wiki markup

# {code}, {code:java}, {noformat}: contents are literal, nothing inside is markup.
_PRE_BLOCK = re.compile(r"\{(code|noformat)(?::[^}]*)?\}(.*?)\{\1\}", re.DOTALL)
# Macros whose tags go and whose contents stay.
_MACRO_TAG = re.compile(r"\{(?:quote|panel|color|section|column|expand)(?::[^}]*)?\}")
_ANCHOR = re.compile(r"\{anchor:[^}]*\}")
_HEADING = re.compile(r"^[ \t]*(?:h[1-6]|bq)\.[ \t]*", re.MULTILINE)
_LIST_ITEM = re.compile(r"^([ \t]*)([*#-]+)[ \t]+", re.MULTILINE)
_TABLE_ROW = re.compile(r"^[ \t]*\|\|?(.*?)\|?\|?[ \t]*$", re.MULTILINE)
_CELL_SPLIT = re.compile(r"\|\|?(?![^\[\]]*\])")  # pipes inside [link|url] are not cell edges
_RULE = re.compile(r"^[ \t]*-{4,}[ \t]*$", re.MULTILINE)
_LINK = re.compile(r"\[([^\[\]\n]*?)\]")
_IMAGE = re.compile(r"!([^!\s|][^!\n|]*?)(?:\|[^!\n]*)?!")
_MONOSPACE = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_CITATION = re.compile(r"\?\?(\S(?:.*?\S)?)\?\?")
_LINE_BREAK = re.compile(r"\\\\")
_ESCAPE = re.compile(r"\\([*_+\-^~?{}\[\]|!#])")


def _effect(marker: str, inner_start: str = r"\S") -> re.Pattern[str]:
    """``*bold*``-like effects: the marker must sit at a word edge and hug non-space text."""
    m = re.escape(marker)
    return re.compile(rf"(?<![\w{m}]){m}({inner_start}(?:[^{m}\n]*?\S)?){m}(?![\w{m}])")


_EFFECTS = [
    _effect("*"),
    _effect("_"),
    # -strike- and +insert+ only around letters, so "-5-" or "+46 70 …" stay untouched.
    _effect("-", inner_start=r"[^\W\d_]"),
    _effect("+", inner_start=r"[^\W\d_]"),
]


def wiki_to_text(markup: Any) -> str:
    """Plain text of a Jira wiki markup string (REST v2 descriptions and comments)."""
    if not isinstance(markup, str) or not markup:
        return ""
    literals: list[str] = []

    def keep_literal(match: re.Match[str]) -> str:
        literals.append(match.group(2).strip("\n"))
        return f"\x00{len(literals) - 1}\x00"

    text = markup.replace("\r\n", "\n").replace("\r", "\n")
    text = _PRE_BLOCK.sub(keep_literal, text)
    text = _MACRO_TAG.sub("", text)
    text = _ANCHOR.sub("", text)
    text = _RULE.sub("", text)
    text = _HEADING.sub("", text)
    text = _TABLE_ROW.sub(_table_row, text)
    text = _LIST_ITEM.sub(_list_item, text)
    text = _IMAGE.sub(lambda m: m.group(1), text)
    text = _LINK.sub(_link, text)
    text = _MONOSPACE.sub(lambda m: m.group(1), text)
    text = _CITATION.sub(lambda m: m.group(1), text)
    for pattern in _EFFECTS:
        text = pattern.sub(lambda m: m.group(1), text)
    text = _LINE_BREAK.sub("\n", text)
    text = _ESCAPE.sub(lambda m: m.group(1), text)
    text = re.sub(r"\x00(\d+)\x00", lambda m: literals[int(m.group(1))], text)
    return _tidy(text)


def _table_row(match: re.Match[str]) -> str:
    line = match.group(0).strip()
    if not line.startswith("|"):
        return match.group(0)
    cells = [cell.strip() for cell in _CELL_SPLIT.split(line.strip("|"))]
    return " | ".join(cells)


def _list_item(match: re.Match[str]) -> str:
    indent, markers = match.group(1), match.group(2)
    if markers.startswith("-") and set(markers) != {"-"}:
        return match.group(0)
    depth = len(markers) - 1
    symbol = "1." if markers.endswith("#") else "-"
    return f"{indent}{'  ' * depth}{symbol} "


def _link(match: re.Match[str]) -> str:
    inner = match.group(1)
    if inner.startswith("~"):  # [~username] / [~accountid:...] mention
        return "@" + inner[1:].removeprefix("accountid:")
    if inner.startswith("^"):  # [^attachment.pdf]
        return inner[1:]
    if "|" in inner:
        label, _, target = inner.partition("|")
        target = target.strip().removeprefix("mailto:")
        label = label.strip()
        if not target or target == label:
            return label
        return f"{label} ({target})" if label else target
    if inner.startswith("#"):  # [#anchor]
        return inner[1:]
    return inner.strip().removeprefix("mailto:")


# --------------------------------------------------------------------------- both


def description_to_text(value: Any) -> str:
    """A description as REST v2 (wiki string) or v3 (ADF dict) returns it."""
    if isinstance(value, dict):
        return adf_to_text(value)
    if isinstance(value, str):
        return wiki_to_text(value)
    return ""


def field_value_to_text(value: Any) -> str:
    """Text of a JSM request field value: string, ADF, option dict, user, or a list of them."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, str):
        return wiki_to_text(value)
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        return ", ".join(t for t in (field_value_to_text(v) for v in value) if t)
    if isinstance(value, dict):
        if value.get("type") == "doc":
            return adf_to_text(value)
        for key in ("value", "displayName", "name", "text"):
            if isinstance(value.get(key), str):
                return value[key]
    return ""


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.split("\n")]
    out = "\n".join(lines)
    out = re.sub(r"\n{3,}", "\n\n", out)
    return out.strip("\n")
