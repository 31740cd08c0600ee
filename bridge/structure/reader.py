"""Read a ticket text into parts: greeting, own text, sign-off and signature block, quoted
history, forwarded headers, tables, logs and code, legal footer.

Line based and cheap (it runs on every ticket before the scanner's results are placed):
one pass of whole-line patterns (bridge.structure.markers), then tables.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bridge.structure import markers as m
from bridge.structure.parts import (
    ATTACHMENT, CHAT, FORWARD_HEADER, GREETING, LEGAL_FOOTER, LOG, OWN_TEXT, QUOTED, SIGNATURE, SUBJECT, TABLE,
    Segment, Signoff, Structure,
)
from bridge.structure.chat import find_chat_turns
from bridge.structure.tables import find_tables

SIGNATURE_MAX_LINES = 12  # lines of a signature block after its closing or name line
SIGNATURE_LINE_CHARS = 80
SIGNATURE_FIELDS_LINE_CHARS = 130  # "Name | Title | Company" or "Tel ... · Mob ... · Main ..."
PROSE_WORDS = 9  # a line with more words than this is prose, not a signature line ...
PROSE_LOWER_WORDS = 3  # ... when more than this many of them are lower-case
NAME_LINE_CHARS = 60
SIGNOFF_SEARCH_LINES = 25
DEVICE_LINE_REACH = 10  # a closing this many lines above "Sent from my iPhone" starts the block
FOOTER_PROSE_WORDS = 16  # how far up from a message's end a closing line is looked for
_OVERRIDABLE = {OWN_TEXT, QUOTED, ATTACHMENT}


def subject_structure(text: str) -> Structure:
    return Structure(text, (Segment(0, len(text), SUBJECT),))


@lru_cache(maxsize=32)
def read_structure(text: str, attachment: bool = False) -> Structure:
    """The parts of one text (a body, or an attachment's text when ``attachment``)."""
    lines = text.split("\n")
    offsets = []
    pos = 0
    for line in lines:
        offsets.append(pos)
        pos += len(line) + 1
    default = ATTACHMENT if attachment else OWN_TEXT
    kinds = [default] * len(lines)

    footer = bool(m.legal_footer(text))
    messages = _messages(lines, kinds)
    signoffs: list[Signoff] = []
    for number, (first, end, writer) in enumerate(messages):
        own = writer and not attachment
        if number == 0 and own:
            _greeting(lines, kinds, first, end)
        signoff = _signoff(lines, offsets, kinds, first, end, own, footer, attachment)
        if signoff is not None:
            signoffs.append(signoff)
    splits: dict[int, tuple[int, str]] = {}
    if footer:
        splits = _footers(lines, kinds, attachment)
    if attachment:
        _invoice_payment_lines(lines, kinds)
    _logs(lines, kinds)
    chats = find_chat_turns(lines, offsets, [kind in _OVERRIDABLE for kind in kinds])
    for first, end, _turn in chats:
        for i in range(first, end):
            if kinds[i] in (OWN_TEXT, ATTACHMENT):  # quoted history stays quoted; its speakers still count
                kinds[i] = CHAT
    tables = find_tables(text, lines, offsets, loose=attachment)
    for table in tables:
        # a signature of two bar-split lines ("Name | Title", "T: ... | M: ...") stays a signature;
        # a pasted table (a header and rows, or any table in an attachment) is a table
        over = _OVERRIDABLE | {SIGNATURE} if attachment or len(table.rows) > 2 else _OVERRIDABLE
        for i, start in enumerate(offsets):
            if table.start <= start < table.end and kinds[i] in over:
                kinds[i] = TABLE
    return Structure(
        text, _segments(kinds, offsets, len(text), splits), tuple(signoffs), tuple(tables),
        tuple(turn for _, _, turn in chats),
    )


def _segments(
    kinds: list[str], offsets: list[int], length: int, splits: dict[int, tuple[int, str]] | None = None
) -> tuple[Segment, ...]:
    """One segment per run of lines of one kind; a line in ``splits`` (line -> (column, kind before
    it)) starts its own kind only at that column."""
    changes: list[tuple[int, str]] = []
    for i, kind in enumerate(kinds):
        split = (splits or {}).get(i)
        if split is not None and split[0] > 0:
            changes.append((offsets[i], split[1]))
            changes.append((offsets[i] + split[0], kind))
        else:
            changes.append((offsets[i], kind))
    out: list[Segment] = []
    for start, kind in changes:
        if out and out[-1].kind == kind:
            continue
        if out:
            out[-1] = Segment(out[-1].start, start, out[-1].kind)
        out.append(Segment(start, length, kind))
    return tuple(seg for seg in out if seg.end > seg.start)


def _header_block_at(lines: list[str], i: int) -> bool:
    """An Outlook/Apple Mail header block without a dashed marker: From: then Sent:/Date: soon after."""
    if not m.HEADER_FROM.match(lines[i]):
        return False
    return any(m.HEADER_SENT.match(lines[k]) for k in range(i + 1, min(len(lines), i + 4)))


def _messages(lines: list[str], kinds: list[str]) -> list[tuple[int, int, bool]]:
    """Mark quoted history and its header lines; return the (first, end) line ranges of the
    messages and whether each is the writer's own: the writer's own first, then each quoted one."""
    default = kinds[0] if kinds else OWN_TEXT
    starts: list[int] = []
    for i, line in enumerate(lines):
        if line[:1] == ">" or line.lstrip()[:1] == ">":
            kinds[i] = QUOTED
            continue
        tail = line.rstrip()[-1:]
        if (tail in (":", "-", "_") or m.HEADER_FROM.match(line)) and m.QUOTE_START.match(line) or (
            ":" in line and _header_block_at(lines, i)
        ):
            if not starts or i > starts[-1] + 1 or not _is_header(lines[i]):
                starts.append(i)
    if not starts:
        return [(0, len(lines), True)]
    for i in range(starts[0], len(lines)):
        kinds[i] = QUOTED
    for start in starts:
        i = start + (0 if _is_header(lines[start]) else 1)
        while i < len(lines) and i - start <= 2 and not lines[i].strip():
            i += 1
        while i < len(lines) and (_is_header(lines[i]) or (i > start and lines[i][:1] in " \t" and lines[i].strip())):
            kinds[i] = FORWARD_HEADER
            i += 1
    bounds = [0] + starts + [len(lines)]
    out = [(bounds[k], bounds[k + 1], k == 0) for k in range(len(bounds) - 1)]
    return out[:1] + [piece for first, end, _ in out[1:] for piece in _reply_below(lines, kinds, first, end, default)]


def _reply_below(
    lines: list[str], kinds: list[str], first: int, end: int, default: str
) -> list[tuple[int, int, bool]]:
    """A quoted mail whose lines carry ">" ends where those lines end: the unmarked lines below
    it (before the next quote) are the writer's own again (a reply or a signature under the quote)."""
    i = first + 1
    while i < end and kinds[i] == FORWARD_HEADER:
        i += 1
    while i < end and not lines[i].strip():
        i += 1
    if i >= end or lines[i].lstrip()[:1] != ">":
        return [(first, end, False)]
    while i < end and (lines[i].lstrip()[:1] == ">" or not lines[i].strip()):
        i += 1
    if i >= end:
        return [(first, end, False)]
    for k in range(i, end):
        kinds[k] = default
    return [(first, i, False), (i, end, True)]


def _is_header(line: str) -> bool:
    return bool(m.HEADER_LINE.match(line))


def _greeting(lines: list[str], kinds: list[str], first: int, end: int) -> None:
    for i in range(first, end):
        if lines[i].strip():
            if kinds[i] == OWN_TEXT and m.GREETING.match(lines[i]):
                kinds[i] = GREETING
            return


_NAME_FIELDS = re.compile(r"\s[·•|]\s")


def _name_like(line: str) -> bool:
    """"Dakota Yazzie", "D. Yazzie", "Dakota", "Dakota Yazzie, IT Manager" (no digits in the name);
    in a line of fields ("Dakota Yazzie · IT · Company · +1 ...") its first field."""
    text = line.strip().lstrip("-–—~ ").strip()
    fields = _NAME_FIELDS.split(text)
    if len(fields) >= 3 and len(text) <= SIGNATURE_FIELDS_LINE_CHARS:
        text = fields[0].strip()
    if not text or len(text) > NAME_LINE_CHARS:
        return False
    name, _, title = text.replace("|", ",").partition(",")
    if title.strip()[-1:] in (".", "!", "?", ":") or len(title.split()) > 5:
        return False
    words = name.split()
    return 1 <= len(words) <= 4 and all(w[:1].isupper() and w.replace(".", "").replace("-", "").replace("'", "").isalpha() for w in words)


def _signoff(
    lines: list[str], offsets: list[int], kinds: list[str], first: int, end: int, own: bool, footer: bool,
    attachment: bool = False,
) -> Signoff | None:
    """The last closing line of a message (or a name line near its end) and its signature block."""
    top = max(first, end - SIGNOFF_SEARCH_LINES)
    start = None
    names: list[tuple[int, int]] = []
    for i in range(end - 1, top - 1, -1):
        if kinds[i] not in (OWN_TEXT, QUOTED, ATTACHMENT):
            continue
        line = lines[i]
        closing = m.CLOSING.match(line)
        if not closing and (m.SIG_SEPARATOR.match(line) or m.SENT_FROM_DEVICE.match(line)):
            # "Sent from my iPhone" under a sign-off: the closing above starts the block
            above = next((k for k in range(i - 1, max(top, i - DEVICE_LINE_REACH) - 1, -1) if m.CLOSING.match(lines[k])), None)
            if above is not None and kinds[above] in (OWN_TEXT, QUOTED, ATTACHMENT):
                i, line, closing = above, lines[above], m.CLOSING.match(lines[above])
        if closing or m.SIG_SEPARATOR.match(line) or m.SENT_FROM_DEVICE.match(line):
            start = i
            if closing and closing.group("rest").strip():
                s = offsets[i] + closing.start("rest")
                names.append((s, offsets[i] + len(line)))
            nxt = next((k for k in range(i + 1, end) if lines[k].strip()), None)
            if nxt is not None and _name_like(lines[nxt]):
                names.append((offsets[nxt], offsets[nxt] + len(lines[nxt])))
            break
    if start is None and not attachment:
        # no closing words: a name line after a blank line near the end ("...\n\nDakota Yazzie\nTel ...").
        # Not in a document: a name line over an address there is its addressee or subject
        # ("Tom Hale\n14 Oak Road ..."), and an office address in a signature is the organisation's
        for i in range(end - 1, max(first, end - 8) - 1, -1):
            # "/Alva", "// Amir Öberg, Lönetjänst Norr AB": a slash before the name signs off too
            slash = _SLASH_SIGNOFF.match(lines[i])
            cut = slash.end() if slash else 0
            if (
                lines[i].strip() and kinds[i] in _OVERRIDABLE and _name_like(lines[i][cut:])
                and (i == first or not lines[i - 1].strip()) and not m.QUOTE_START.match(lines[i])
            ):
                start = i
                names.append((offsets[i] + cut, offsets[i] + len(lines[i])))
                # a closing the patterns lack reads like a name ("Frohe Feiertage", "Schöne Woche"):
                # the name line right under it is the sign-off's name line too
                if i + 1 < end and _name_like(lines[i + 1]) and kinds[i + 1] in (OWN_TEXT, QUOTED):
                    names.append((offsets[i + 1], offsets[i + 1] + len(lines[i + 1])))
                break
    if start is None:
        return None
    last = start
    blank = 0
    for i in range(start + 1, min(end, start + 1 + SIGNATURE_MAX_LINES)):
        line = lines[i].strip()
        if not line:
            blank += 1
            if blank > 1:
                break
            continue
        if (
            _prose(line) or (footer and m.legal_footer(line))
            or line[:2].upper() in ("PS", "P.") or kinds[i] not in (OWN_TEXT, QUOTED, ATTACHMENT)
            or m.QUOTE_START.match(line) or (line[:1] == ">" and lines[start].lstrip()[:1] != ">")
        ):
            break
        if i > start + 1 and (not lines[i - 1].strip() or m.SIG_SEPARATOR.match(lines[i - 1])) and _name_like(lines[i]):
            # the full name line under a short sign-off ("Kathi\n\n--\nKatharina Pöltl\n...")
            names.append((offsets[i], offsets[i] + len(lines[i])))
        blank = 0
        last = i
    for i in range(start, last + 1):
        kinds[i] = SIGNATURE
    return Signoff(offsets[start], offsets[last] + len(lines[last]) + 1, tuple(names), own)


_SLASH_SIGNOFF = re.compile(r"^\s*/{1,2}\s*(?=[^\W\d_])")
# fields of a signature line: bars, dots, dashes, and the commas of an address ("Acme Ltd, Unit 4, ...")
_SIG_SEPARATORS = re.compile(r"\s[|·•/]\s|\s[–-]\s|,\s")
_WORD = re.compile(r"[^\W\d_]{2,}")


def _prose(line: str) -> bool:
    """A line of prose ends a signature block. Only words count ("Tel 040 123 45 · Mob 070 ..."
    has many digit groups and separators but few words); a line of fields split by bars or
    middle dots may be longer than a prose line."""
    found = _WORD.findall(line)
    # prose has many small lower-case words; a field line ("Company | 18 High Street, Town | ...")
    # is mostly capitalised words
    if len(found) > PROSE_WORDS and (sum(w[0].islower() for w in found) > PROSE_LOWER_WORDS or len(found) > 2 * PROSE_WORDS):
        return True
    limit = SIGNATURE_FIELDS_LINE_CHARS if _SIG_SEPARATORS.search(line) else SIGNATURE_LINE_CHARS
    return len(line) > limit


def _footers(lines: list[str], kinds: list[str], attachment: bool = False) -> dict[int, tuple[int, str]]:
    """A line naming a register, an officer or a confidentiality notice, and the rest of its
    paragraph (and lines above it in the paragraph that are not the signature).

    Attachment text has no blank lines between paragraphs (a document's paragraphs come one per
    line), so there the footer takes in only neighbouring lines that read like footer lines:
    an employer's letterhead with its org. number does not make the employee's lines below it
    the organisation's.

    A footer that starts in the middle of a line after sentences of the writer's own ("... has no
    punches since Monday. Registered office: ...") is a footer from its marker on only: returns such
    lines as line -> (column of the marker, kind of the text before it)."""
    def joins(k: int) -> bool:
        return not attachment or _footer_like(lines[k])

    splits: dict[int, tuple[int, str]] = {}

    for i, line in enumerate(lines):
        if kinds[i] in (FORWARD_HEADER, LEGAL_FOOTER):
            continue
        found = m.legal_footer(line)
        if not found:
            continue
        if (len(line.split()) > FOOTER_PROSE_WORDS and ":" not in line and line[: found.start()].strip()
                and not _FIELD_SEPARATORS.search(line)):
            continue  # a sentence that mentions a company number is not a footer (fields split by dots are)
        before = line[: found.start()]
        if (kinds[i] in _OVERRIDABLE and _PROSE_BEFORE_MARKER.search(before) and not _FIELD_SEPARATORS.search(before)
                and len(before.split()) >= PROSE_BEFORE_WORDS):
            splits[i] = (len(before), kinds[i])
            kinds[i] = LEGAL_FOOTER
            down = i
            while (down + 1 < len(lines) and lines[down + 1].strip() and kinds[down + 1] in _OVERRIDABLE | {SIGNATURE}
                   and joins(down + 1)):
                down += 1
                kinds[down] = LEGAL_FOOTER
            continue
        up = i
        while (up - 1 >= 0 and i - up < 3 and lines[up - 1].strip() and kinds[up - 1] in _OVERRIDABLE
               and (len(lines[up - 1]) <= SIGNATURE_LINE_CHARS or _FIELD_SEPARATORS.search(lines[up - 1]))
               and joins(up - 1)):
            up -= 1
        down = i
        while (down + 1 < len(lines) and lines[down + 1].strip() and kinds[down + 1] in _OVERRIDABLE | {SIGNATURE}
               and joins(down + 1)):
            down += 1
        for k in range(up, down + 1):
            kinds[k] = LEGAL_FOOTER
    return splits


PROSE_BEFORE_WORDS = 6  # own sentences before a footer marker on its line: this many words at least
_PROSE_BEFORE_MARKER = re.compile(r"[.!?](?:[ \t]|\Z)")  # a sentence of the writer's ends before the marker


FOOTER_LINE_WORDS = 8
_FIELD_SEPARATORS = re.compile(r"\s[·|•]\s")
_LABEL = re.compile(r"^\s*[^\W\d][\w .-]{0,30}:\s")


def _footer_like(line: str) -> bool:
    """A line of a footer block in a document: one that names a register or an officer, fields
    split by middle dots or bars (address · phone · e-mail), or a few words without a label
    ("Arbetstagare: ...", "Employee: ..." say whose the rest of the line is)."""
    if m.legal_footer(line) or len(_FIELD_SEPARATORS.findall(line)) >= 1:
        return True
    return len(line.split()) <= FOOTER_LINE_WORDS and not _LABEL.match(line)


INVOICE_TITLE_LINES = 8  # an invoice's title stands among its first lines


def _invoice_payment_lines(lines: list[str], kinds: list[str]) -> None:
    """In a document titled as an invoice ("INVOICE INV-2026-11", "Faktura 2026-30", "Rechnung"),
    its payment lines (IBAN, BIC, Bankgiro ...) are the issuer's: part of its legal footer."""
    head = [line for line in lines if line.strip()][:INVOICE_TITLE_LINES]
    if not any(m.INVOICE_TITLE.match(line) for line in head):
        return
    for i, line in enumerate(lines):
        if kinds[i] in _OVERRIDABLE and m.PAYMENT_LINE.search(line):
            kinds[i] = LEGAL_FOOTER
    # the letterhead above the title (name, address, phone, mailbox) is the issuer's too
    for i, line in enumerate(lines):
        if m.INVOICE_TITLE.match(line):
            break
        if kinds[i] in _OVERRIDABLE:
            kinds[i] = LEGAL_FOOTER


def _logs(lines: list[str], kinds: list[str]) -> None:
    fenced = False
    for i, line in enumerate(lines):
        if m.CODE_FENCE.match(line):
            fenced = not fenced
            if kinds[i] in _OVERRIDABLE:
                kinds[i] = LOG
            continue
        if kinds[i] in _OVERRIDABLE and (fenced or m.LOG_LINE.match(line)):
            kinds[i] = LOG


def quote_header_before(text: str, offset: int) -> str | None:
    """The nearest line above ``offset`` that starts a quoted or forwarded mail ("On ..., Dana
    Fox wrote:", "From: Dana Fox <dana@...>", "Från: ..."), without its quote marks; None if none."""
    end = text.rfind("\n", 0, offset)
    while end > 0:
        begin = text.rfind("\n", 0, end) + 1
        line = text[begin:end].lstrip("> \t")
        if line and (m.QUOTE_START.match(line) or m.HEADER_FROM.match(line)):
            return line
        end = begin - 1
    return None
