"""The parts of a ticket text and the ``Structure`` a text is read into.

A part kind says what a stretch of text is in the mail it came from. Ownership and the
confidence bands read it; ``scan --explain`` and ``eval`` show it.
"""

from __future__ import annotations

import re

from bisect import bisect_right
from dataclasses import dataclass, field

from bridge.structure.chat import ChatTurn

SUBJECT = "subject"
GREETING = "greeting"
OWN_TEXT = "own_text"
SIGNATURE = "signature"  # the writer's sign-off and signature block
QUOTED = "quoted"  # earlier messages of a reply chain or a forwarded mail
FORWARD_HEADER = "forward_header"  # From:/To:/Cc:/Från:/Kopia:/Von:/An: lines of quoted mail
TABLE = "table"
LOG = "log"  # logs, stack traces and code
LEGAL_FOOTER = "legal_footer"
ATTACHMENT = "attachment"  # attachment text that is none of the above
CHAT = "chat"  # a pasted chat transcript (Teams, Slack, WhatsApp): each message has its speaker

KINDS = (SUBJECT, GREETING, OWN_TEXT, SIGNATURE, QUOTED, FORWARD_HEADER, TABLE, LOG, LEGAL_FOOTER, ATTACHMENT, CHAT)


_ALIGNED = re.compile(r"\s{2,}|\t")


@dataclass(frozen=True)
class Segment:
    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class Signoff:
    """A sign-off: from its closing line ("Regards") to the end of its signature block.

    ``names`` are the (start, end) spans of the lines that may name the writer: the rest of
    the closing line ("Thanks, Dakota") and the first line after it. ``own`` is false for a
    sign-off inside quoted history (someone else's).
    """

    start: int
    end: int
    names: tuple[tuple[int, int], ...]
    own: bool


@dataclass(frozen=True)
class Table:
    """A table: its rows as (start, end) spans; the first is the header when ``header``."""

    start: int
    end: int
    rows: tuple[tuple[int, int], ...]
    separator: str  # "|", "\t", ";" or "  " (aligned columns)
    header: bool

    def row_at(self, offset: int) -> int | None:
        for index, (start, end) in enumerate(self.rows):
            if start <= offset < end:
                return index
        return None


@dataclass(frozen=True)
class Structure:
    text: str
    segments: tuple[Segment, ...]
    signoffs: tuple[Signoff, ...] = ()
    tables: tuple[Table, ...] = ()
    chats: tuple[ChatTurn, ...] = ()
    _starts: tuple[int, ...] = field(default=(), repr=False, compare=False)

    def part_at(self, offset: int) -> str:
        """The part kind at a character offset."""
        starts = self._starts or tuple(s.start for s in self.segments)
        index = bisect_right(starts, offset) - 1
        if index < 0:
            return self.segments[0].kind if self.segments else OWN_TEXT
        return self.segments[index].kind

    def signoff_at(self, offset: int) -> Signoff | None:
        for signoff in self.signoffs:
            if signoff.start <= offset < signoff.end:
                return signoff
        return None

    def speaker_at(self, offset: int) -> str | None:
        """The speaker's name of the chat message holding ``offset``; None outside chat lines."""
        for turn in self.chats:
            if turn.start <= offset < turn.end:
                return self.text[turn.speaker[0]:turn.speaker[1]]
        return None

    def table_at(self, offset: int) -> Table | None:
        for table in self.tables:
            if table.start <= offset < table.end:
                return table
        return None

    def row_of(self, offset: int) -> tuple[int, int] | None:
        """(table index, row index) of the table row holding ``offset``; None outside tables."""
        for index, table in enumerate(self.tables):
            if table.start <= offset < table.end:
                row = table.row_at(offset)
                return None if row is None else (index, row)
        return None

    def column_header(self, offset: int) -> str | None:
        """The header cell above the cell holding ``offset`` ("Mobile", "Switchboard")."""
        table = self.table_at(offset)
        if table is None or not table.header:
            return None
        row = table.row_at(offset)
        if not row:
            return None
        start, end = table.rows[row]
        line = self.text[start:end]
        header_line = self.text[table.rows[0][0]:table.rows[0][1]]
        if table.separator == "  ":
            # aligned columns: cells apart by two spaces or more, as many in the row as in the header
            head = _ALIGNED.split(header_line.strip())
            if len(_ALIGNED.split(line.strip())) != len(head):
                return None
            column = len(_ALIGNED.split(line[: offset - start].lstrip())) - 1
            return head[column].strip() if 0 <= column < len(head) else None
        column = line[: offset - start].count(table.separator)
        head = header_line.strip().strip(table.separator).split(table.separator)
        if line.lstrip().startswith(table.separator):
            column -= 1
        return head[column].strip() if 0 <= column < len(head) else None
