"""Values the organisation holds elsewhere in the ticket.

A value the ticket shows to be the organisation's (an address on a "Kunde: Acme AG, ..." line, a
number in a legal footer) is the organisation's wherever else it stands ("Lieferadresse: <the same
address>"). A contact value right after the organisation's own address in the same sentence is the
organisation's too: "Our office moved to Acme Ltd, 10 Riverside Park, Bristol BS3 4JH; customers
should still call +44 113 496 0000", "Vi har flyttat till ..., Torget 8, 722 13 Västerås; kunder ska
ringa 018-727 00 00". A person word between them ("her mobile", "hans direktnummer") or a sentence
end keeps it a third party's.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Callable, Iterable

from bridge.findings import Finding
from bridge.ownership.holders import ORGANISATION, THIRD_PARTY
from bridge.ownership.text import fold
from bridge.platform import Ticket

NEIGHBOUR_KINDS = frozenset({"PHONE_NUMBER", "EMAIL_ADDRESS"})
NEIGHBOUR_CHARS = 80  # how far after the address the value may stand
WHY = "the organisation's line: it follows the organisation's own address in the same sentence"
_BREAK = re.compile(r"[.!?](?:\s|$)|\n\s*\n")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def beside_organisation_address(findings: Iterable[Finding], ticket: Ticket, person_words: list[str]) -> list[Finding]:
    findings = list(findings)
    addresses = [f for f in findings if f.entity_type == "STREET_ADDRESS" and f.holder == ORGANISATION
                 and f.place in ("body", "subject")]
    if not addresses:
        return findings
    person = {fold(w) for w in person_words if " " not in w.strip()}
    out = []
    for f in findings:
        if f.holder == THIRD_PARTY and f.entity_type in NEIGHBOUR_KINDS and f.place in ("body", "subject"):
            text = (ticket.body or "") if f.place == "body" else (ticket.subject or "")
            if any(_follows(a, f, text, person) for a in addresses if a.place == f.place):
                f = replace(f, holder=ORGANISATION, holder_why=WHY, excluded=WHY)
        out.append(f)
    return out


def _follows(address: Finding, value: Finding, text: str, person: set[str]) -> bool:
    if not 0 <= value.start - address.end <= NEIGHBOUR_CHARS:
        return False
    between = text[address.end:value.start]
    if _BREAK.search(between):
        return False
    words = [fold(w) for w in _WORD.findall(between)]
    return not any(w in person or w.endswith(("'s", "’s")) for w in words)


VALUE_KINDS = frozenset({"STREET_ADDRESS", "PHONE_NUMBER", "EMAIL_ADDRESS", "IBAN_CODE"})
VALUE_WHY = "the organisation's {kind}: shown to be the organisation's elsewhere in the ticket"


def organisation_values(findings: Iterable[Finding], same_value: Callable[[Finding, Finding], bool]) -> list[Finding]:
    """Third-party copies of a value the organisation holds elsewhere in the ticket, given to it."""
    findings = list(findings)
    held = [f for f in findings if f.holder == ORGANISATION and f.entity_type in VALUE_KINDS and f.value]
    if not held:
        return findings
    out = []
    for f in findings:
        if f.holder == THIRD_PARTY and f.entity_type in VALUE_KINDS and any(same_value(h, f) for h in held):
            why = VALUE_WHY.format(kind=f.entity_type.lower().replace("_", " "))
            f = replace(f, holder=ORGANISATION, holder_why=why, excluded=why)
        out.append(f)
    return out


SIGNATURE_WHY = "the organisation's address: the same street stands in the requester's own signature or footer"
_STREET_AND_NUMBER = re.compile(r"[^\W\d_][^\W\d_'’.-]*(?:[ \t-][^\W\d_][^\W\d_'’.-]*){0,3}[ \t]+\d{1,4}[a-z]?\b")
_NUMBER_AND_STREET = re.compile(r"(?<![\w-])\d{1,4}[a-z]?[ \t]+[^\W\d_]+(?:[ \t][^\W\d_]+){0,3}")
_SEGMENT = re.compile(r"[^,\n·•|]+")
MIN_SEGMENT = 8  # a street without a number is matched by a segment at least this long


def _street_key(value: str) -> str | None:
    """The part of an address that names its street: "Gewerbepark 3", "9 Mill Street", else its longest
    word segment."""
    match = _STREET_AND_NUMBER.search(value) or _NUMBER_AND_STREET.search(value)
    if match:
        return match.group()
    segments = [s.strip() for s in _SEGMENT.findall(value) if not any(ch.isdigit() for ch in s)]
    longest = max(segments, key=len, default="")
    return longest if len(longest) >= MIN_SEGMENT else None


def addresses_in_own_signature(findings: Iterable[Finding], ticket: Ticket, own_parts: frozenset[str],
                               part_at: Callable[[int], str], org_words: list[str]) -> list[Finding]:
    """Third-party addresses whose street stands again in the requester's own signature or legal
    footer (``own_parts`` at that offset of the body), or after one of ``org_words`` on its line
    ("Besöksadress:", "Registered office:"), given to the organisation: "Rechnungsanschrift bleibt
    Gewerbepark 3, 34123 Kassel" above a signature with "Gewerbepark 3 · 34123 Kassel"."""
    findings = list(findings)
    if not any(f.holder == THIRD_PARTY and f.entity_type == "STREET_ADDRESS" for f in findings):
        return findings
    body = ticket.body or ""
    words = [fold(w) for w in org_words]
    out = []
    for f in findings:
        if f.holder == THIRD_PARTY and f.entity_type == "STREET_ADDRESS":
            key = _street_key(f.value)
            if key and _shown_as_own(body, key, f, own_parts, part_at, words):
                f = replace(f, holder=ORGANISATION, holder_why=SIGNATURE_WHY, excluded=SIGNATURE_WHY)
        out.append(f)
    return out


def _shown_as_own(body: str, key: str, finding: Finding, own_parts: frozenset[str], part_at: Callable[[int], str],
                  org_words: list[str]) -> bool:
    pattern = re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in key.split()) + r"(?!\w)", re.IGNORECASE)
    for match in pattern.finditer(body):
        if finding.place == "body" and finding.start <= match.start() < finding.end:
            continue
        if part_at(match.start()) in own_parts:
            return True
        line_start = body.rfind("\n", 0, match.start()) + 1
        before = fold(body[line_start:match.start()])
        if any(w and w in before for w in org_words):
            return True
    return False
