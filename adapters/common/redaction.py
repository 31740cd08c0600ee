"""Mapping redaction spans (offsets into the plain text the bridge scanned) onto what a
platform stores: the same text, an HTML rendering of it, or a raw markup string.

Every function here works on offsets and never returns or logs the text itself in an error:
a span that cannot be placed raises ``SpanError`` with a reason without data, and the
adapter turns it into ``PlatformRejected`` (the ticket goes to review).
"""

from __future__ import annotations

import hashlib
import html
import re
from typing import Iterable

MARKER = "[removed]"  # what replaces a span where the platform only lets us edit the text
BLOCK = "\u2587"  # ▇: what Zendesk's redaction puts in place of each character


class SpanError(ValueError):
    """A span that cannot be mapped onto the platform's text (no data in the message)."""


def check_spans(text: str, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, merged spans; ``SpanError`` for spans outside ``text`` or empty ones."""
    cleaned: list[tuple[int, int]] = []
    for start, end in spans:
        if not (isinstance(start, int) and isinstance(end, int)) or start < 0 or end > len(text) or start >= end:
            raise SpanError("a span lies outside the text")
        cleaned.append((start, end))
    cleaned.sort()
    merged: list[tuple[int, int]] = []
    for start, end in cleaned:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def occurrence(text: str, start: int, end: int) -> int:
    """Which occurrence (0-based) of ``text[start:end]`` in ``text`` begins at ``start``."""
    needle = text[start:end]
    count, at = 0, text.find(needle)
    while at != -1 and at < start:
        count += 1
        at = text.find(needle, at + 1)
    return count


def find_nth(haystack: str, needle: str, n: int) -> int:
    """Start of the ``n``-th (0-based) occurrence of ``needle``, or -1."""
    at = haystack.find(needle)
    while at != -1 and n > 0:
        at = haystack.find(needle, at + 1)
        n -= 1
    return at


def remap(source: str, spans: list[tuple[int, int]], target: str) -> list[tuple[int, int]]:
    """The same spans in ``target``, a text holding the same words as ``source`` (e.g. the
    raw markup a plain text was made from): each span's text is found again, the same
    occurrence of it. ``SpanError`` when one is not there."""
    if source == target:
        return list(spans)
    mapped = []
    for start, end in spans:
        at = find_nth(target, source[start:end], occurrence(source, start, end))
        if at == -1:
            raise SpanError("a span's text is not in the stored text")
        mapped.append((at, at + end - start))
    return check_spans(target, mapped)


def replace_spans(text: str, spans: list[tuple[int, int]], marker: str = MARKER) -> str:
    """``text`` with each span replaced by ``marker`` (spans as ``check_spans`` returns them)."""
    out = text
    for start, end in reversed(spans):
        out = out[:start] + marker + out[end:]
    return out


def already_blocked(text: str, start: int, end: int) -> bool:
    """Whether the span holds only Zendesk's redaction blocks (and spaces): nothing left to remove."""
    part = text[start:end]
    return bool(part.strip()) and all(ch == BLOCK or ch.isspace() for ch in part)


def fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------- HTML

_TAG = re.compile(r"<[^>]*>|&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});?", re.S)
_BREAKS = re.compile(r"^<\s*(br|/p|/div|/li|/tr|/h[1-6]|p|div|li|tr)\b", re.I)
_SKIP_CONTENT = re.compile(r"^<\s*(script|style)\b", re.I)


def html_text(markup: str) -> tuple[str, list[tuple[int, int]]]:
    """The visible text of ``markup`` and, per character of it, its (start, end) in the
    markup. Block tags count as a newline with an empty range (they can be matched as
    whitespace but are never wrapped)."""
    chars: list[str] = []
    where: list[tuple[int, int]] = []
    pos = 0
    skipping: str | None = None
    for match in _TAG.finditer(markup):
        if skipping is None:
            for offset, ch in enumerate(markup[pos:match.start()]):
                chars.append(ch)
                where.append((pos + offset, pos + offset + 1))
        token = match.group(0)
        if token.startswith("<"):
            if skipping is not None:
                if re.match(rf"^<\s*/\s*{skipping}\b", token, re.I):
                    skipping = None
            elif _SKIP_CONTENT.match(token):
                skipping = _SKIP_CONTENT.match(token).group(1).lower()  # type: ignore[union-attr]
            elif _BREAKS.match(token):
                chars.append("\n")
                where.append((match.start(), match.start()))
        elif skipping is None:
            decoded = html.unescape(token)
            if decoded == token:  # not an entity after all: plain characters
                for offset, ch in enumerate(token):
                    chars.append(ch)
                    where.append((match.start() + offset, match.start() + offset + 1))
            else:
                for ch in decoded:
                    chars.append(ch)
                    where.append((match.start(), match.end()))
        pos = match.end()
    if skipping is None:
        for offset, ch in enumerate(markup[pos:]):
            chars.append(ch)
            where.append((pos + offset, pos + offset + 1))
    return "".join(chars), where


def _squash(text: str) -> tuple[str, list[int]]:
    """``text`` with runs of whitespace made one space, and each kept character's index."""
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        if ch.isspace():
            if out and out[-1] == " ":
                continue
            out.append(" ")
        else:
            out.append(ch)
        index.append(i)
    return "".join(out), index


def wrap_in_html(plain: str, spans: list[tuple[int, int]], markup: str, tag: str = "redact") -> str:
    """``markup`` with the text of each plain-text span wrapped in ``<tag>…</tag>``.

    Whitespace is compared loosely (plain text and HTML break lines differently); a span
    that crosses tags is wrapped piece by piece, never across a tag. ``SpanError`` when a
    span's text cannot be found in the markup's visible text."""
    visible, where = html_text(markup)
    needles: list[str] = []
    squashed_plain, _ = _squash(plain)
    squashed_visible, visible_index = _squash(visible)
    plain_squash_pos = _squash_positions(plain)
    ranges: list[tuple[int, int]] = []  # in markup
    for start, end in spans:
        s_start, s_end = plain_squash_pos[start], plain_squash_pos[end - 1] + 1
        needle = squashed_plain[s_start:s_end].strip()
        if not needle:
            continue
        needles.append(needle)
        nth = occurrence(squashed_plain, squashed_plain.find(needle, s_start), squashed_plain.find(needle, s_start) + len(needle))
        at = find_nth(squashed_visible, needle, nth)
        if at == -1:
            raise SpanError("a span's text is not in the comment's HTML")
        for k in range(at, at + len(needle)):
            v = visible_index[k]
            a, b = where[v]
            if a == b:  # a block tag read as a line break: not wrapped
                continue
            if ranges and ranges[-1][1] == a:
                ranges[-1] = (ranges[-1][0], b)
            elif ranges and ranges[-1][0] <= a < ranges[-1][1]:
                ranges[-1] = (ranges[-1][0], max(ranges[-1][1], b))
            else:
                ranges.append((a, b))
    ranges = sorted(set(ranges))
    merged: list[tuple[int, int]] = []
    for a, b in ranges:
        if merged and a <= merged[-1][1] and not _tag_between(markup, merged[-1][1], a):
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    out = markup
    for a, b in reversed(merged):
        out = f"{out[:a]}<{tag}>{out[a:b]}</{tag}>{out[b:]}"
    return _mark_elements(out, needles, tag)


_ELEMENT = re.compile(r"<(a|img)\b([^>]*?)(/?)>", re.I | re.S)


def _mark_elements(markup: str, needles: list[str], attribute: str) -> str:
    """Links and images whose attributes hold a span's text (``mailto:``, ``tel:``, an ``alt``)
    get the ``redact`` attribute: Zendesk then removes the element itself, not only its text."""
    wanted = {n.casefold() for n in needles} | {re.sub(r"[\s()-]", "", n).casefold() for n in needles}
    wanted.discard("")

    def mark(match: re.Match[str]) -> str:
        attrs = html.unescape(match.group(2)).casefold()
        compact = re.sub(r"[\s()-]", "", attrs)
        if re.search(rf"\s{attribute}(\s|=|$)", match.group(2)) or not any(w in attrs or w in compact for w in wanted):
            return match.group(0)
        return f"<{match.group(1)}{match.group(2)} {attribute}{match.group(3)}>"

    return _ELEMENT.sub(mark, markup)


def _tag_between(markup: str, a: int, b: int) -> bool:
    return "<" in markup[a:b]


def _squash_positions(text: str) -> list[int]:
    """For each index of ``text``, its index in ``_squash(text)`` (a collapsed space maps to the kept one)."""
    positions: list[int] = []
    count = -1
    previous_space = False
    for ch in text:
        space = ch.isspace()
        if not (space and previous_space):
            count += 1
        positions.append(count)
        previous_space = space
    return positions
