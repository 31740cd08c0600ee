"""A web form's fields are one person's record: "Name: <requester>\\nE-mail: <theirs>\\nPhone: ...".

A block of three or more "Label: value" lines in a row (a portal's or a web form's submission, in
the writer's own text: not a quoted mail's header block) whose only names are the requester's makes
a phone or an address that fills a field of its own the requester's: the phone they typed into the
form about themselves. A second person's name in the block, or any word before the value in its
field ("Grund: Seine Handynummer: ..."), leaves it alone.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Iterable

from bridge.findings import Finding
from bridge.ownership.holders import REQUESTER, THIRD_PARTY
from bridge.platform import Ticket

WHY = "in the requester's own form (its fields name only the requester)"
FORM_KINDS = frozenset({"PHONE_NUMBER", "STREET_ADDRESS"})
OWN_TEXT = "own_text"
MIN_FIELDS = 3
_FIELD = re.compile(r"^[ \t]*[^\W\d_][\w .()/-]{0,30}:[ \t]*\S")
# the value fills its field: only its label stands before it on its line ("Telefon: 0046 ...", not
# "Grund: Seine Handynummer: ...")
_LABEL_ONLY = re.compile(r"^[ \t]*[^\W\d_][\w .()/-]{0,30}:[ \t]*$")


def form_blocks(text: str) -> list[tuple[int, int]]:
    """(start, end) of each run of MIN_FIELDS or more field lines ("Label: value") in a row."""
    blocks: list[tuple[int, int]] = []
    run_start, count, pos = None, 0, 0
    for line in text.split("\n"):
        end = pos + len(line)
        if _FIELD.match(line):
            if run_start is None:
                run_start, count = pos, 0
            count += 1
            run_end = end
        else:
            if run_start is not None and count >= MIN_FIELDS:
                blocks.append((run_start, run_end))
            run_start = None
        pos = end + 1
    if run_start is not None and count >= MIN_FIELDS:
        blocks.append((run_start, run_end))
    return blocks


def own_form_fields(findings: Iterable[Finding], ticket: Ticket) -> list[Finding]:
    findings = list(findings)
    body = [f for f in findings if f.place == "body"]
    if not any(f.holder == THIRD_PARTY and f.entity_type in FORM_KINDS for f in body):
        return findings
    own_blocks = []
    for start, end in form_blocks(ticket.body or ""):
        names = [f for f in body if f.entity_type == "PERSON" and start <= f.start < end and f.holder]
        if names and all(n.holder == REQUESTER for n in names):
            own_blocks.append((start, end))
    if not own_blocks:
        return findings
    text = ticket.body or ""
    return [
        replace(f, holder=REQUESTER, holder_why=WHY, excluded=WHY)
        if f.place == "body" and f.holder == THIRD_PARTY and f.entity_type in FORM_KINDS and f.part == OWN_TEXT
        and any(s <= f.start < e for s, e in own_blocks) and _fills_its_field(text, f) else f
        for f in findings
    ]


def _fills_its_field(text: str, finding: Finding) -> bool:
    line_start = text.rfind("\n", 0, finding.start) + 1
    return bool(_LABEL_ONLY.match(text[line_start:finding.start]))
