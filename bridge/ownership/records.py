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
from bridge.ownership.holders import ORGANISATION, REQUESTER, THIRD_PARTY
from bridge.ownership.text import fold
from bridge.structure.parts import CHAT, LEGAL_FOOTER

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


FILE_WHY = "the requester's own account: in a document that names only the requester (their expense report, payslip)"
FILE_ACCOUNT_KINDS = frozenset({"IBAN_CODE", "CREDIT_CARD"})


def accounts_in_own_files(findings: Iterable[Finding]) -> list[Finding]:
    """An account number inside an attachment that names the requester and no one else (their own
    expense report or payslip, "Reisekosten ... Maren Weber") is theirs: one person's document."""
    findings = list(findings)
    names: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        if f.place.startswith("attachment:") and f.entity_type == "PERSON" and f.part != LEGAL_FOOTER:
            names[f.place].append(f)
    own_files = {place for place, found in names.items() if found and all(n.holder == REQUESTER for n in found)}
    if not own_files:
        return findings
    return [
        replace(f, holder=REQUESTER, holder_why=FILE_WHY, excluded=FILE_WHY)
        if f.holder == THIRD_PARTY and f.entity_type in FILE_ACCOUNT_KINDS and f.place in own_files else f
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


ADJACENT_WHY = "the requester's own {kind}: it stands right beside their own {other}"
ADJACENT_KINDS = frozenset({"PHONE_NUMBER", "EMAIL_ADDRESS"})
ADJACENT_GAP = 3  # ", ", " / " or a line break: nothing but a separator between the two


def beside_own_values(findings: Iterable[Finding]) -> list[Finding]:
    """A phone number or an address right beside the requester's own address, number or name, with
    nothing but a separator between ("Kontakt: <own address>, 0734 85 06 16"), is theirs too; so is a
    postal address on the line right under their own name (an invoice or letter addressed to them)."""
    findings = list(findings)
    own = [f for f in findings if f.holder == REQUESTER and f.entity_type in ADJACENT_KINDS | {"PERSON"}]
    if not own:
        return findings
    out = []
    for f in findings:
        if f.holder == THIRD_PARTY and f.entity_type in ADJACENT_KINDS | {"STREET_ADDRESS"}:
            kinds = {"PERSON"} if f.entity_type == "STREET_ADDRESS" else ADJACENT_KINDS | {"PERSON"}
            mate = next((o for o in own if o.place == f.place and o.detail == f.detail and o.entity_type != f.entity_type
                         and o.entity_type in kinds and 0 <= f.start - o.end <= ADJACENT_GAP), None)
            if mate is not None:
                why = ADJACENT_WHY.format(kind=f.entity_type.lower().replace("_", " "),
                                          other=mate.entity_type.lower().replace("_", " "))
                f = replace(f, holder=REQUESTER, holder_why=why, excluded=why)
        out.append(f)
    return out


# ---------------------------------------------------------------- tables of sites

SITE_WHY = "a site's contact data in a table of sites (its headers name sites, no column names a person)"
SITE_KINDS = frozenset({"STREET_ADDRESS", "PHONE_NUMBER", "EMAIL_ADDRESS"})
# words of a column header that make a table's rows sites, not people (folded: no accents)
SITE_HEADER_WORDS = frozenset(
    "site sites location locations store stores shop branch branches depot depots hotel hotels office offices "
    "warehouse plant restaurant clinic venue premises facility outlet "
    "standort standorte filiale filialen niederlassung niederlassungen werk lager buro geschaft markt "
    "butik butiker anlaggning anlaggningar enhet enheter kontor filial lagret".split()
)
# words of a column header that name a person: such a table is a list of people
PERSON_HEADER_WORDS = frozenset(
    "name names fullname firstname lastname surname forename employee staff person contact manager owner "
    "namn fornamn efternamn anstalld medarbetare kontaktperson chef ansvarig "
    "vorname nachname mitarbeiter mitarbeiterin ansprechpartner leiter leiterin inhaber".split()
)
# a cell's label starts the context or follows a space or bar ("…_name:" is a cut-off label)
_CELL_LABEL = re.compile(r"(?:^|(?<=[\s|]))([^\W\d_][^\W_]*(?:[ _\-/.][^\W\d_][^\W_]*){0,3}):\s")
_LABEL_WORD = re.compile(r"[^\W\d_]+")


def _label_words(label: str) -> list[str]:
    """'site_name' -> ['site', 'name']; 'Standortname' -> ['standort', 'name'] (a compound
    ending in a name word is split off it)."""
    out = []
    for word in _LABEL_WORD.findall(fold(label)):
        for tail in ("name", "namn"):
            if word.endswith(tail) and len(word) > len(tail) + 2:
                out += [word[: -len(tail)].rstrip("s"), tail]
                break
        else:
            out.append(word)
    return out


def _table_kind(labels: set[str]) -> bool:
    """The headers name a site and no header names a person ("site_name" is the site's name)."""
    sites = False
    for label in labels:
        found = _label_words(label)
        is_site = any(w in SITE_HEADER_WORDS for w in found)
        if any(w in PERSON_HEADER_WORDS for w in found) and not (is_site and set(found) - SITE_HEADER_WORDS <= {"name", "namn", "id", "code"}):
            return False
        sites = sites or is_site
    return sites


def site_tables(findings: Iterable[Finding]) -> list[Finding]:
    """``findings`` (annotated) with the addresses, phone numbers and mailboxes in a table of
    sites given to the organisation: a table whose column headers ("header: value" cells of a
    CSV or sheet export) name sites or locations, none a person, and holds no person's name."""
    findings = list(findings)
    labels: dict[tuple[str, str | None, int], set[str]] = defaultdict(set)
    people: set[tuple[str, str | None, int]] = set()
    for f in findings:
        if f.row is None:
            continue
        key = (f.place, f.detail, f.row[0])
        labels[key].update(m.group(1) for m in _CELL_LABEL.finditer(f.context or ""))
        if f.entity_type == "PERSON":
            people.add(key)
    sites = {key for key, found in labels.items() if key not in people and _table_kind(found)}
    if not sites:
        return findings
    return [
        replace(f, holder=ORGANISATION, holder_why=SITE_WHY, excluded=SITE_WHY)
        if f.holder == THIRD_PARTY and f.entity_type in SITE_KINDS and f.row is not None
        and (f.place, f.detail, f.row[0]) in sites else f
        for f in findings
    ]


REPEATED_WHY = "no one's home: the same address stands on many rows of its table (a site, a tour, a venue)"
REPEATED_ROWS = 3


def repeated_addresses(findings: Iterable[Finding]) -> list[Finding]:
    """An address that stands on ``REPEATED_ROWS`` or more rows of one table (a tour, a venue, a
    depot repeated on every booking) is a place's, not a person's home."""
    findings = list(findings)
    rows: dict[tuple[str, str | None, int, str], set[int]] = defaultdict(set)
    for f in findings:
        if f.entity_type == "STREET_ADDRESS" and f.row is not None:
            rows[(f.place, f.detail, f.row[0], _alnum(f.value))].add(f.row[1])
    repeated = {key for key, found in rows.items() if len(found) >= REPEATED_ROWS}
    if not repeated:
        return findings
    return [
        replace(f, holder=ORGANISATION, holder_why=REPEATED_WHY, excluded=REPEATED_WHY)
        if f.holder == THIRD_PARTY and f.entity_type == "STREET_ADDRESS" and f.row is not None
        and (f.place, f.detail, f.row[0], _alnum(f.value)) in repeated else f
        for f in findings
    ]


CODE_AFTER_NAME_CHARS = 40  # "Name: Ann Berg\nEmployee ID: E1234" - a form's next field, or "Ann Berg (E1234)"
OWN_CODE_WHY = "the requester's own code (it stands right after their name: a form's next field)"


def own_codes(findings: Iterable[Finding]) -> list[Finding]:
    """A person code right after the requester's own name ("Name: <requester>\\nEmployee ID:
    E1234" in a web form or a filled-in attachment, "<requester> (E1234)") is theirs: the
    nearest name before it, at most ``CODE_AFTER_NAME_CHARS`` characters back in the same text,
    is the requester's."""
    findings = list(findings)
    by_text: dict[tuple[str, str | None], list[int]] = defaultdict(list)
    for index, f in enumerate(findings):
        by_text[(f.place, f.detail)].append(index)
    own: set[int] = set()
    for indexes in by_text.values():
        names = sorted((findings[i] for i in indexes if findings[i].entity_type == "PERSON"), key=lambda f: f.start)
        if not names:
            continue
        for i in indexes:
            code = findings[i]
            # a chat line's speaker label is no form field: "[08:50] <requester>: Jörg, PNr. ..." is about Jörg
            if code.entity_type != "PERSON_CODE" or code.holder != THIRD_PARTY or code.part == CHAT:
                continue
            before = [n for n in names if n.end <= code.start]
            if before and before[-1].holder == REQUESTER and code.start - before[-1].end <= CODE_AFTER_NAME_CHARS:
                own.add(i)
    if not own:
        return findings
    return [
        replace(f, holder=REQUESTER, holder_why=OWN_CODE_WHY, excluded=OWN_CODE_WHY) if i in own else f
        for i, f in enumerate(findings)
    ]
