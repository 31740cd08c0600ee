"""Whose each finding is: the requester's, the organisation's, a system's, or a third party's.

Only a third party's data counts (docs/policy.md "Whose data it is"). One function,
``holder_of``, decides it from the finding, the ticket's structure (bridge.structure: the
part a value stands in, the sign-offs, table headers) and the rules:

- requester: their profile (email, phone, name after folding); a value in their own
  sign-off (a sign-off whose name line means them: full name, initials, first name,
  surname or nickname) within ``requester_exemption.signature.lines`` lines of that name;
  a value they call their own ("call me on", "my new address"), but not in a pasted chat message
  of someone else ("[08:06] Tom Hale: call me on ..." is Tom's number).
- system: technical user@host strings (git, ssh, SIP, Message-ID, Call-ID), system
  senders and machine-made addresses.
- organisation: the configured allow lists; a function's mailbox judged by its words and
  domain; anything in a legal footer; toll-free, shared-cost and premium numbers; a number
  under a switchboard column header; an office address in a signature block.
- third party: everything else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

import phonenumbers

from bridge.findings import Finding
from bridge.ownership.first_person import named_just_before, presented_as_own, reachable_as_self
from bridge.ownership.mailboxes import freemail, header_display, judge_mailbox, names_a_function, names_a_person
from bridge.ownership.names import same_person, signs_as
from bridge.ownership.phrases import said_to_be_own
from bridge.ownership.records import without_column_label
from bridge.ownership.places import (
    block_above,
    bracket_after_says_organisation,
    letterhead_line_says_organisation,
    nearest_says_organisation,
)
from bridge.ownership.team_signoff import under_team_signoff
from bridge.ownership.technical import technical
from bridge.ownership.text import digits, fold, line_around, words
from bridge.platform import Ticket
from bridge.recognizers.contact import phone_e164_candidates
from bridge.rules.schema import Rules
from bridge.structure import Structure, read_structure
from bridge.structure.parts import Signoff
from bridge.structure import quote_header_before
from bridge.structure.parts import FORWARD_HEADER, GREETING, LEGAL_FOOTER, QUOTED, SIGNATURE

from bridge.ownership.holders import HOLDERS as HOLDERS, ORGANISATION as ORGANISATION, REQUESTER as REQUESTER  # re-exported
from bridge.ownership.holders import SYSTEM as SYSTEM, THIRD_PARTY as THIRD_PARTY  # re-exported

# identifiers only a person has: a legal footer never makes one the organisation's
PERSONAL_ONLY = frozenset(
    "US_SSN UK_NINO UK_NHS SE_PERSONNUMMER DE_TAX_ID DE_SVNR DE_KVNR AT_SVNR CH_AHV NO_FNR FI_HETU PASSPORT "
    "CREDIT_CARD DATE_OF_BIRTH".split()
)

TITLED = "surname after the title"  # the evidence note of bridge.recognizers.names for "Frau Krause"
CONTEXT_CHARS = 40  # as bridge.scanner.CONTEXT_CHARS: how much text a finding's context shows either side

_ORG_PHONE_TYPES = {
    phonenumbers.PhoneNumberType.TOLL_FREE: "a toll-free number",
    phonenumbers.PhoneNumberType.SHARED_COST: "a shared-cost number",
    phonenumbers.PhoneNumberType.PREMIUM_RATE: "a premium-rate number",
    phonenumbers.PhoneNumberType.UAN: "a company's universal access number",
}


@dataclass(frozen=True)
class Holding:
    holder: str
    why: str


@lru_cache(maxsize=4096)
def _e164(value: str, regions: tuple[str, ...]) -> frozenset[str]:
    return frozenset(phone_e164_candidates(value, regions))


def same_phone(a: str, b: str, regions: Iterable[str]) -> bool:
    """Whether two written phone numbers are the same number, whatever their format."""
    regions = tuple(regions)
    da, db = digits(a), digits(b)
    if da and da == db:
        return True
    if len(da) < 6 or da[-6:] != db[-6:]:
        return False  # one number in two formats ends in the same digits
    left = _e164(a, regions)
    return bool(left) and bool(left & _e164(b, regions))


def _source(finding: Finding, ticket: Ticket) -> str | None:
    if finding.place == "body":
        return ticket.body or ""
    if finding.place == "subject":
        return ticket.subject or ""
    return None


def _around(finding: Finding, ticket: Ticket) -> tuple[str, str]:
    """The text before and after the finding on its line (from the masked context for attachments)."""
    text = _source(finding, ticket)
    if text is not None:
        return line_around(text, finding.start, finding.end)
    context = finding.context or ""
    marker = f"<{finding.entity_type}>"
    spots = [m.start() for m in re.finditer(re.escape(marker), context)]
    if not spots:
        return "", ""
    # several findings of one type in view: the finding's own marker sits where its start was,
    # CONTEXT_CHARS into the snippet (or at its start offset when the snippet begins the text)
    target = min(finding.start, CONTEXT_CHARS) + (1 if context.startswith("…") else 0)
    spot = min(spots, key=lambda p: abs(p - target))
    # attachment text: the masked line up to the value, where the scanner kept it
    line = finding.line_before.rsplit("\n", 1)[-1] if finding.line_before else ""
    return line or context[:spot], context[spot + len(marker):]


def _structure(finding: Finding, ticket: Ticket) -> Structure | None:
    return read_structure(ticket.body or "") if finding.place == "body" else None


# ---------------------------------------------------------------- requester


def _line_number(text: str, offset: int) -> int:
    return text.count("\n", 0, offset)


def in_own_signoff(finding: Finding, ticket: Ticket, rules: Rules) -> bool:
    """The finding stands in a sign-off whose name line means the requester, at most
    ``signature.lines`` lines below that name line (or on it)."""
    limit = rules.requester_exemption.signature.lines
    name = ticket.requester.name
    structure = _structure(finding, ticket)
    if limit <= 0 or not name or structure is None:
        return False
    signoff = structure.signoff_at(finding.start)
    if signoff is None:
        return False
    text = structure.text
    line = _line_number(text, finding.start)
    for start, end in signoff.names:
        if signs_as(text[start:end], name, surname_enough=signoff.own) and 0 <= line - _line_number(text, start) <= limit:
            return True
    return False


def in_unnamed_own_signoff(finding: Finding, ticket: Ticket, rules: Rules) -> bool:
    """The finding stands in the sign-off of the requester's own message and no line of it
    names anybody else."""
    structure = _structure(finding, ticket)
    if rules.requester_exemption.signature.lines <= 0 or structure is None:
        return False
    signoff = structure.signoff_at(finding.start)
    return signoff is not None and signoff.own and _unnamed_own_signoff(finding, ticket, signoff, structure.text, rules)


def _unnamed_own_signoff(finding: Finding, ticket: Ticket, signoff: Signoff, text: str, rules: Rules) -> bool:
    """The requester's own message ends in a sign-off that names nobody else ("Besten Dank" /
    "HR Services" / "Tel. ..."): its contact lines are the writer's, who is the requester. A
    sign-off line with someone else's first name ("Regards, Tom") keeps its numbers a third party's."""
    if finding.entity_type not in ("PHONE_NUMBER", "EMAIL_ADDRESS") or finding.part != SIGNATURE:
        return False
    is_first_name = first_name_test(rules)
    block = text[signoff.start:finding.start]
    if len(block.splitlines()) - 1 > rules.requester_exemption.signature.lines + 1:
        return False
    for line in block.splitlines():
        head = re.split(r"[|,·•]", line)[0]
        name_words = re.findall(r"[^\W\d_]{2,}", head)
        if signs_as(head, ticket.requester.name or "", surname_enough=True):
            continue
        if any(is_first_name(w.casefold()) for w in name_words[:3]):
            return False
    return True


def _requester(finding: Finding, ticket: Ticket, rules: Rules) -> str | None:
    exempt = rules.requester_exemption
    if not exempt.enabled or finding.entity_type not in exempt.entities:
        return None
    requester = ticket.requester
    value = finding.value
    kind = finding.entity_type
    if kind == "EMAIL_ADDRESS" and requester.email and value.strip().casefold() == requester.email.strip().casefold():
        return "the requester's own email address"
    if kind == "EMAIL_ADDRESS" and requester.name and _under_own_display_name(finding, ticket, requester.name):
        return "the requester's own email address (their name as its display name)"
    if kind == "PHONE_NUMBER" and requester.phone and same_phone(value, requester.phone, exempt.phone_regions):
        return "the requester's own phone number"
    if kind == "PERSON" and requester.name and same_person(value, requester.name):
        return "the requester's own name"
    if other_speaker(finding, ticket) is not None:
        return None  # "ring me on ..." in someone else's chat message is about their number
    if in_own_signoff(finding, ticket, rules):
        noun = {"PHONE_NUMBER": "phone number", "PERSON": "name", "EMAIL_ADDRESS": "email address"}.get(kind, "data")
        return f"the requester's own {noun} (in their signature)"
    text = _source(finding, ticket)
    if kind in ACCOUNT_KINDS and text is not None and requester.name and _holder_line_names(text, finding, requester.name):
        return "the requester's own account (its holder line names them)"
    if text is not None and finding.place in ("subject", "body") and _requester_speaks(finding, ticket):
        if named_just_before(text, finding.start, first_name_test(rules), requester.name or ""):
            return None  # "Vera Holm (v.holm@...) covers for me": the value is Vera's
        phrases = list(exempt.own_context) + (list(exempt.own_phone_context) if kind == "PHONE_NUMBER" else [])
        if said_to_be_own(text, finding.start, phrases, exempt.own_phone_window):
            noun = "phone number" if kind == "PHONE_NUMBER" else "data"
            return f"the requester's own {noun} (they say so)"
        if kind == "PHONE_NUMBER" and reachable_as_self(
            text, finding.start, exempt.own_subjects, exempt.reach_words, exempt.other_person_words,
            exempt.own_words_window, first_name_test(rules), requester.name or "",
        ):
            return "the requester's own phone number (they say they are reachable on it)"
        if kind in exempt.own_words_entities and presented_as_own(
            text, finding.start, finding.end, exempt.own_words, exempt.other_person_words, exempt.own_words_window,
            first_name_test(rules), requester.name or "", tuple(exempt.own_object_words),
            tuple(exempt.own_continuing_words),
        ):
            return "the requester's own data (they call it theirs)"
    return None


SENTENCE_END = re.compile(r"[.!?](?:\s|$)")
# a block of numbers: "089 4520870-0 bis 089 4520870-99", "+44 20 7946 0100 to +44 20 7946 0199", "-0 bis -99";
# the other end is a number too ("I'm on <number> until 3" is no block)
_RANGE_WORD = r"(?:bis|to|till|through|thru|–|—)"
_RANGE_END = r"(?:<PHONE_NUMBER>|\+?\d[\d \t/-]{5,}\d|-\d{1,4}\b)"
_RANGE_BEFORE = re.compile(_RANGE_END + r"[ \t]*" + _RANGE_WORD + r"[ \t]*\Z", re.IGNORECASE)
_RANGE_AFTER = re.compile(r"[ \t]*" + _RANGE_WORD + r"[ \t]*" + _RANGE_END, re.IGNORECASE)
_DISPLAY_TAIL = re.compile(r"[\"'<(\[\s]+\Z")


ACCOUNT_KINDS = frozenset({"IBAN_CODE", "CREDIT_CARD"})
# "Kontoinhaber: Hinrich Oltmanns", "Account holder: ...", "Kontohavare: ...", "Name on card: ..."
_HOLDER_LINE = re.compile(
    r"^[ \t>]*(?:account[ \t]+holder|account[ \t]+name|name[ \t]+on[ \t]+(?:the[ \t]+)?card|card[ \t]?holder|"
    r"kontoinhaber(?:in)?|karteninhaber(?:in)?|inhaber(?:in)?|kontohavare|kontoinnehavare|kortinnehavare|"
    r"betalningsmottagare)[ \t]*:[ \t]*(?P<name>[^\n]+)$",
    re.IGNORECASE | re.MULTILINE,
)
HOLDER_LINES = 2  # how many lines above or below the account its holder line may stand


def _holder_line_names(text: str, finding: Finding, requester_name: str) -> bool:
    """A holder line beside the account ("IBAN: ...\nKontoinhaber: <the requester>") names the requester."""
    lo = finding.start
    for _ in range(HOLDER_LINES + 1):
        lo = text.rfind("\n", 0, max(lo - 1, 0)) if lo > 0 else 0
        if lo <= 0:
            lo = 0
            break
    hi = finding.end
    for _ in range(HOLDER_LINES + 1):
        nxt = text.find("\n", hi + 1)
        hi = len(text) if nxt < 0 else nxt
    return any(signs_as(m.group("name").strip(), requester_name, surname_enough=True)
               for m in _HOLDER_LINE.finditer(text, lo, hi))


def _under_own_display_name(finding: Finding, ticket: Ticket, requester_name: str) -> bool:
    """'... skrev Malin Sandberg <malin.sandberg@...>:', 'From: "Sandberg, Malin" <m.sandberg@...>': the
    requester's full name as the address's display name, and their surname in its local part: another
    address of theirs (a work one beside the profile's private one, or the reverse)."""
    text = _source(finding, ticket)
    if text is None:
        return False
    before = line_around(text, finding.start, finding.end)[0]
    if not _DISPLAY_TAIL.search(before):
        return False
    own = words(requester_name)
    if len(own) < 2:
        return False
    shown = words(_DISPLAY_TAIL.sub("", before))[-len(own) - 1 :]
    if not all(w in shown for w in own):
        return False
    local = words(finding.value.split("@", 1)[0].replace(".", " ").replace("_", " "))
    return own[-1] in local or any(own[-1] in w for w in local)


def other_speaker(finding: Finding, ticket: Ticket) -> str | None:
    """The speaker of the pasted chat message holding the finding ("[08:06] Tom Hale: call me
    on ...") when that is not the requester; None outside chat lines, when the speaker means the
    requester (full name, first name, nickname, initials), or when the requester's name is unknown."""
    structure = _structure(finding, ticket)
    name = ticket.requester.name or ""
    if structure is None or not structure.chats or not name.strip():
        return None
    speaker = structure.speaker_at(finding.start)
    if speaker is None or signs_as(speaker, name):
        return None
    return speaker


def _requester_speaks(finding: Finding, ticket: Ticket) -> bool:
    """First-person words are the requester's in their own text; in quoted or forwarded mail
    they are its writer's, unless its header names the requester ("On ..., Dec Moy wrote:"). Quoted
    text with no header above (a message pasted with "> ", or the header line itself) is someone
    else's: "> Hi Hannah, my mobile is ..." is the student's, pasted by Hannah."""
    if finding.part not in (QUOTED, FORWARD_HEADER) or finding.place != "body":
        return True
    text = ticket.body or ""
    header = quote_header_before(text, finding.start)
    if header is None:
        return False
    requester = ticket.requester
    folded = header.casefold()
    if requester.email and requester.email.strip().casefold() in folded:
        return True
    own = words(requester.name or "")
    said = set(words(header.split("<")[0]))
    return bool(own) and (own[-1] in said or own[0] in said)


# ---------------------------------------------------------------- organisation and system


@lru_cache(maxsize=8)
def _casefolded(rules_id: int, values: tuple[str, ...]) -> frozenset[str]:
    return frozenset(v.casefold() for v in values)


def _allowed(finding: Finding, rules: Rules) -> str | None:
    """The configured allow lists. A configured prefix ("support") does not make a person's
    address a role mailbox: "support.anna@" is Anna's."""
    allow = rules.allow
    value = finding.value.strip()
    if finding.entity_type == "EMAIL_ADDRESS" and "@" in value:
        local, _, domain = value.casefold().rpartition("@")
        if local in _casefolded(id(rules), tuple(allow.role_mailboxes)):
            return "role mailbox"
        prefix = next((p.casefold() for p in allow.role_mailbox_prefixes if local.startswith(p.casefold())), None)
        if prefix is not None:
            rest = [t for t in re.split(r"[._+\-0-9]+", local[len(prefix):]) if len(t) >= 2]
            is_first_name = first_name_test(rules)
            plain = _words(id(rules), tuple(rules.ownership.function_words + rules.ownership.neutral_words))
            if not any(t not in plain and is_first_name(t) for t in rest):
                return "role mailbox"
        for org in allow.email_domains:
            org = org.casefold().lstrip("@")
            if domain == org or domain.endswith("." + org):
                return "organisation domain"
    for pattern in allow.patterns:
        if pattern.entity in ("*", finding.entity_type) and re.fullmatch(pattern.regex, value, re.IGNORECASE):
            return f"allow pattern{': ' + pattern.note if pattern.note else ''}"
    if allow.values and value.casefold() in _casefolded(id(rules), tuple(allow.values)):
        return "allowed value"
    return None


@lru_cache(maxsize=8)
def _words(rules_id: int, words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(fold(w) for w in words)


def first_name_test(rules: Rules):  # type: ignore[no-untyped-def]
    from bridge.recognizers.names import matcher_from_options

    person = rules.entities.get("PERSON")
    matcher = matcher_from_options(person.options if person else {}, rules.scanner.names, rules.languages.supported)
    return matcher.is_first_name


def _mailbox(finding: Finding, ticket: Ticket, rules: Rules) -> Holding | None:
    before, after = _around(finding, ticket)
    why = technical(finding.value, before, after)
    if why:
        return Holding(SYSTEM, why)
    own = rules.ownership
    judged = judge_mailbox(
        finding.value,
        _words(id(rules), tuple(own.function_words)),
        _words(id(rules), tuple(own.neutral_words)),
        _words(id(rules), tuple(own.system_senders)),
        first_name_test(rules),
    )
    if judged:
        return Holding(*judged)
    text = _source(finding, ticket)
    display = header_display(line_around(text, finding.start, finding.end)[0]) if text is not None else None
    if display and not names_a_person(finding.value, display, first_name_test(rules), prefixes=False) and _names_function(display, rules):
        return Holding(ORGANISATION, "a function's mailbox (its display name in a mail header names no person)")
    return None


def _names_function(name: str, rules: Rules) -> bool:
    own = rules.ownership
    return names_a_function(
        name, _words(id(rules), tuple(own.function_words)), _words(id(rules), tuple(own.neutral_words)),
        _words(id(rules), tuple(rules.scanner.names.organisation_suffixes)), first_name_test(rules),
    )


def _under_team_signoff(finding: Finding, ticket: Ticket, rules: Rules) -> bool:
    """Under a team's sign-off in someone else's message (the requester's own sign-off keeps its rule)."""
    text = _source(finding, ticket)
    if text is None or finding.part not in (QUOTED, FORWARD_HEADER, SIGNATURE):
        return False
    structure = _structure(finding, ticket)
    signoff = structure.signoff_at(finding.start) if structure is not None else None
    if finding.part == SIGNATURE and (signoff is None or signoff.own):
        return False
    return under_team_signoff(text, finding.start, lambda name: _names_function(name, rules))


def _phone_type(value: str, regions: Iterable[str]) -> str | None:
    for e164 in _e164(value, tuple(regions)):
        try:
            kind = phonenumbers.number_type(phonenumbers.parse(e164, None))
        except phonenumbers.NumberParseException:  # pragma: no cover - parsed before
            continue
        if kind in _ORG_PHONE_TYPES:
            return _ORG_PHONE_TYPES[kind]
    return None


def _switchboard_column(finding: Finding, ticket: Ticket, rules: Rules) -> bool:
    structure = _structure(finding, ticket)
    header = structure.column_header(finding.start) if structure else finding.column
    if not header:
        return False
    entity = rules.entities.get("PHONE_NUMBER")
    words = {fold(w) for lang in (entity.ignore_context if entity else {}) for w in entity.ignore_context[lang]}  # type: ignore[union-attr]
    return fold(header) in words


def _organisation(finding: Finding, ticket: Ticket, rules: Rules) -> Holding | None:
    if finding.entity_type == "PERSON" and finding.part == GREETING and finding.evidence.startswith(TITLED):
        return Holding(ORGANISATION, "the addressee of the mail (\"Dear Mr ...\": the helpdesk's own staff)")
    if finding.part == LEGAL_FOOTER and finding.entity_type not in PERSONAL_ONLY:
        return Holding(ORGANISATION, "in a legal footer (registered office, officers, register numbers)")
    kind = finding.entity_type
    if kind == "PHONE_NUMBER":
        regions = rules.requester_exemption.phone_regions
        why = _phone_type(finding.value, regions)
        if why:
            return Holding(ORGANISATION, why)
        if _switchboard_column(finding, ticket, rules):
            return Holding(ORGANISATION, "a number in a switchboard column of a table")
    if kind == "STREET_ADDRESS" and finding.part == SIGNATURE:
        return Holding(ORGANISATION, "an office address in a signature block")
    own = rules.ownership
    if kind in ("STREET_ADDRESS", "IBAN_CODE"):
        text = _source(finding, ticket)
        before = (
            block_above(text, finding.start) if text is not None else finding.line_before or _around(finding, ticket)[0]
        )
        words = own.site_words + rules.scanner.names.organisation_suffixes
        if nearest_says_organisation(before, words, own.person_words, person_wins=True, is_first_name=first_name_test(rules)):
            noun = "address" if kind == "STREET_ADDRESS" else "bank account"
            return Holding(ORGANISATION, f"a company's or a site's {noun} (a company or site word stands above it)")
        if kind == "STREET_ADDRESS" and names_requesters_company(_around(finding, ticket)[0], ticket.requester.email):
            return Holding(ORGANISATION, "the requester's company's address (its name stands right before it)")
        if kind == "STREET_ADDRESS" and letterhead_line_says_organisation(
            _around(finding, ticket)[0], rules.scanner.names.organisation_suffixes + own.site_words,
            own.person_words, is_first_name=first_name_test(rules),
        ):
            return Holding(ORGANISATION, "a company's letterhead or footer line (its name stands before it on the line)")
    if kind == "EMAIL_ADDRESS":
        before, _ = _around(finding, ticket)
        if nearest_says_organisation(
            before[-PHONE_LINE_WINDOW:], own.mailbox_label_words, own.person_words, is_first_name=first_name_test(rules)
        ):
            return Holding(ORGANISATION, "a shared mailbox (a label before it says so)")
        if _team_reads_it(finding, ticket, own.mailbox_after_words):
            return Holding(ORGANISATION, "a shared mailbox (its sentence says a whole team reads it)")
    if kind in ("PHONE_NUMBER", "EMAIL_ADDRESS") and _under_team_signoff(finding, ticket, rules):
        return Holding(ORGANISATION, "a contact line under a team's or a company's sign-off")
    if kind == "PHONE_NUMBER":
        before, after = _around(finding, ticket)
        if _RANGE_BEFORE.search(before) or _RANGE_AFTER.match(after):
            return Holding(ORGANISATION, "an end of a block of numbers (\"... bis ...\", \"... to ...\"), no one's line")
        if finding.row is not None:
            before = without_column_label(before)
        words = own.organisation_phone_words + _phone_ignore_words(rules)
        # a bare "Tel." labels a switchboard as much as anyone's line: it keeps no number a person's
        person = own.person_words + [w for w in _phone_context_words(rules) if fold(w).rstrip(".:") not in _BARE_PHONE_LABELS]
        if nearest_says_organisation(
            before[-PHONE_LINE_WINDOW:], words, person, is_first_name=first_name_test(rules)
        ) or bracket_after_says_organisation(after, words):
            return Holding(ORGANISATION, "a switchboard, main or office line (a word on its line says so)")
        if _service_line_after(after, own.service_line_words_after):
            return Holding(ORGANISATION, "a service line (open round the clock, a word after it says so)")
        company = rules.scanner.names.organisation_suffixes + own.site_words
        # a letterhead labels its line "Tel." like anyone: only a person's word (mobile, direct, his) keeps it theirs
        # ... and a line where the writer speaks ("ich bin auf Baustelle: ...") is prose, no letterhead
        speaker = rules.requester_exemption.own_words + rules.requester_exemption.own_subjects
        if letterhead_line_says_organisation(before, company, own.person_words + speaker, is_first_name=first_name_test(rules)):
            return Holding(ORGANISATION, "a company's letterhead or footer line (its name or site stands before it)")
    return None


SERVICE_WORDS_AFTER_CHARS = 24
_BRACKETS_AND_PUNCTUATION = re.compile(r"[()\[\],;:.]")


def _service_line_after(after: str, words: list[str]) -> bool:
    """'031-700 85 00 dygnet runt', '+353 1 555 0100 (24h)': a round-the-clock word right after the number."""
    if not words:
        return False
    plain = _BRACKETS_AND_PUNCTUATION.sub(" ", after[:SERVICE_WORDS_AFTER_CHARS])
    near = f" {fold(plain)} "
    return any(f" {fold(w)} " in near for w in words)


def _team_reads_it(finding: Finding, ticket: Ticket, words: list[str]) -> bool:
    """'Reply to <address> so the whole team sees it': one of ``words`` after the address, in its sentence."""
    if not words:
        return False
    _, after = _around(finding, ticket)
    sentence = SENTENCE_END.split(after, 1)[0]
    folded = f" {fold(sentence)} "
    return any(f" {fold(w)} " in folded for w in words)


_BARE_PHONE_LABELS = frozenset({"tel", "telefon", "telephone", "phone", "tlf", "fon", "t", "p"})
PHONE_LINE_WINDOW = 40
COMPANY_NAME_WINDOW = 60  # how far before an address the company's name may stand ("at Acme Ltd, Unit 7 ...")


def names_requesters_company(before: str, email: str | None) -> bool:
    """The text right before a value names the requester's own company: every word of their
    mail domain's name ("hollins-engineering.example" -> "Hollins Engineering") stands there."""
    if not email or "@" not in email:
        return False
    domain = email.rpartition("@")[2].casefold()
    if freemail(domain):
        return False
    label = _company_label(domain)
    name_words = [w for w in re.split(r"[-_]+", label) if len(w) >= 3]
    if not name_words:
        return False
    near = fold(before[-COMPANY_NAME_WINDOW:])
    squashed = re.sub(r"[^a-z0-9]", "", near)
    return all(w in near for w in name_words) or "".join(name_words) in squashed


def _company_label(domain: str) -> str:
    """The registrable name of a mail domain: "mail.acme-foods.co.uk" -> "acme-foods"."""
    labels = [label for label in domain.split(".") if label]
    while len(labels) > 1 and (len(labels[-1]) <= 3 or labels[-1] in ("example", "test", "local")):
        labels.pop()
    return labels[-1] if labels else ""


def _phone_ignore_words(rules: Rules) -> list[str]:
    entity = rules.entities.get("PHONE_NUMBER")
    return [w for lang in (entity.ignore_context if entity else {}) for w in entity.ignore_context[lang]]  # type: ignore[union-attr]


def _phone_context_words(rules: Rules) -> list[str]:
    entity = rules.entities.get("PHONE_NUMBER")
    return [w for lang in (entity.context if entity else {}) for w in entity.context[lang] if "*" not in w]  # type: ignore[union-attr]


def holder_of(finding: Finding, ticket: Ticket, rules: Rules) -> Holding:
    """Whose the finding is, and why (a short reason without its value)."""
    allowed = _allowed(finding, rules)
    if allowed:
        return Holding(ORGANISATION, allowed)
    own = _requester(finding, ticket, rules)
    if own:
        return Holding(REQUESTER, own)
    if finding.entity_type == "EMAIL_ADDRESS":
        judged = _mailbox(finding, ticket, rules)
        if judged:
            return judged
    organisation = _organisation(finding, ticket, rules)
    if organisation:
        return organisation
    if rules.requester_exemption.enabled and finding.entity_type in rules.requester_exemption.entities and (
        in_unnamed_own_signoff(finding, ticket, rules)
    ) and other_speaker(finding, ticket) is None:
        return Holding(REQUESTER, "the requester's own contact line (their sign-off names nobody else)")
    if other_speaker(finding, ticket) is not None:
        return Holding(THIRD_PARTY, "in a chat message of someone other than the requester (its first-person words are the speaker's)")
    return Holding(THIRD_PARTY, "nothing says it is the requester's, the organisation's or a system's")
