"""One record is one person's: a table row (its header names the columns) or a file name
("payslip_<name>_<personnummer>.pdf", an archive member's path).

When the only name in a record is the requester's, the record's other values are the
requester's too: their own row in a staff list, their own payslip attached under its name.
A record with a second name in it, or none, is left to the other judgements.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace
from typing import Callable, Iterable

from bridge.filenames import MEMBER_NAME_DETAIL, NAME_PLACE
from bridge.findings import Finding

REQUESTER, THIRD_PARTY = "requester", "third_party"
WHY = "in the requester's own record (a table row or a file name holds one person's data)"

Record = tuple[str, str | None, tuple[int, int] | None]


def record_of(finding: Finding) -> Record | None:
    """The record a finding stands in, or None outside records."""
    if finding.place.startswith(NAME_PLACE + ":") or (finding.detail or "").startswith(MEMBER_NAME_DETAIL):
        return (finding.place, finding.detail, None)
    if finding.row is not None:
        return (finding.place, finding.detail, finding.row)
    return None


def own_records(findings: Iterable[Finding]) -> list[Finding]:
    """``findings`` (annotated) with third-party values in the requester's own records given
    to the requester."""
    findings = list(findings)
    names: dict[Record, list[Finding]] = defaultdict(list)
    for f in findings:
        key = record_of(f)
        if key is not None and f.entity_type == "PERSON" and f.holder:
            names[key].append(f)
    own = {key for key, found in names.items() if all(n.holder == REQUESTER for n in found)}
    if not own:
        return findings
    return [
        replace(f, holder=REQUESTER, holder_why=WHY, excluded=WHY)
        if f.holder == THIRD_PARTY and record_of(f) in own else f
        for f in findings
    ]


_COLUMN_LABEL = re.compile(r"[^\W\d][^|;:\n]{0,30}:\s*$")


def without_column_label(before: str) -> str:
    """The text before a value in a table row without its column's label ("Phone: ", as an
    export writes each cell): a column header says what the value is, for every row alike; the
    row's own cells say whose ("Reception | Phone: ...", "Zentrale | Telefon: ...")."""
    return _COLUMN_LABEL.sub("", before)


VALUE_WHY = "the requester's own {kind}: given as theirs elsewhere in the ticket"
SameValue = Callable[[Finding, Finding], bool]


SUBSCRIBER_DIGITS = 9


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _alnum(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def same_value(a: Finding, b: Finding, same_phone: Callable[[str, str], bool]) -> bool:
    """Whether two findings of one type hold the same value (a phone number in any of its
    forms, an address or an identifier whatever its spacing and case)."""
    if a.entity_type != b.entity_type:
        return False
    if a.entity_type == "PHONE_NUMBER":
        da, db = _digits(a.value), _digits(b.value)
        # the same subscriber number with and without its country code ("+44 7700 ...", "07700 ...")
        return same_phone(a.value, b.value) or (min(len(da), len(db)) >= SUBSCRIBER_DIGITS and da[-SUBSCRIBER_DIGITS:] == db[-SUBSCRIBER_DIGITS:])
    return bool(_alnum(a.value)) and _alnum(a.value) == _alnum(b.value)


def own_values(findings: Iterable[Finding], same_phone: Callable[[str, str], bool]) -> list[Finding]:
    """``findings`` (annotated) with third-party copies of a value the ticket shows to be the
    requester's (their signature's mobile, "call me on ...") given to the requester: their own
    number in an attached screenshot or export is still theirs. Names are left out: a name is
    judged by the profile, and a colleague may share the requester's first name."""
    findings = list(findings)
    own = [f for f in findings if f.holder == REQUESTER and f.entity_type != "PERSON" and f.value]
    if not own:
        return findings
    out = []
    for f in findings:
        if f.holder == THIRD_PARTY and any(same_value(o, f, same_phone) for o in own):
            why = VALUE_WHY.format(kind=f.entity_type.lower().replace("_", " "))
            f = replace(f, holder=REQUESTER, holder_why=why, excluded=why)
        out.append(f)
    return out
