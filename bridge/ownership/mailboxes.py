"""Whose an e-mail address is, read from its local part and domain.

A function's mailbox (a team, a process, a system, an inbound routing address of a SaaS
tool) is judged by its words, not by a fixed list alone: every word of the local part is a
function or a neutral word (payroll-inbound, rota-north, it.servicedesk.emea) and none is a
first name; or it carries a machine-made token (reply+8f3a9c2e7b, bounces+12345-abcd); or its
domain is a sending or routing subdomain (parse., inbound., bounce., em1234.).
The configured lists (allow.role_mailboxes ...) still decide first.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Callable

from bridge.ownership.holders import ORGANISATION, SYSTEM

_SPLIT = re.compile(r"[._+\-0-9]+")
MACHINE_DIGITS = 12  # a timestamp or id in a local part ("alert.20261130T214455"), not a birth date
MACHINE_SWITCHES = 4  # digit/letter alternations in a generated token ("8f3a9c2e7b"), not in "svensson1985"


def machine_token(token: str) -> bool:
    if len(token) < 8 or not token.isalnum():
        return False
    switches = sum(1 for a, b in zip(token, token[1:]) if a.isdigit() != b.isdigit())
    return switches >= MACHINE_SWITCHES
_ROUTING_LABEL = re.compile(r"^(?:parse|inbound|incoming|reply|replies|bounces?|em\d+|mg|mta|mailer|notifications?|notify|alerts?|tickets?|in)$")

_FREEMAIL = frozenset(
    "gmail googlemail hotmail outlook live msn yahoo icloud me mac aol gmx web t-online freenet posteo "
    "mail protonmail proton telia bredband spray comhem bahnhof tutanota zoho yandex".split()
)


def _domain_labels(domain: str) -> list[str]:
    return [label for label in domain.split(".") if label]


# second-level labels under a country code: the name of "yahoo.co.uk" or "acme.com.au" is one further left
_SECOND_LEVEL = frozenset("co com org net ac gov edu ltd plc or ne".split())


def domain_name(domain: str) -> str:
    """The registered name of a domain: "acme" for "mail.acme.co.uk", "gmail" for "gmail.com"."""
    labels = _domain_labels(domain.strip().casefold())
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        return labels[-3]
    return labels[-2] if len(labels) >= 2 else (labels[0] if labels else "")


def freemail(domain: str) -> bool:
    """A mail provider's domain, where anyone has an address (gmail.com, web.de, yahoo.co.uk)."""
    return domain_name(domain) in _FREEMAIL


def _plain(text: str) -> str:
    """Without accents: a local part "büro" reads as the listed word "buro"."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


# plural and inflected endings ("pensions", "payrolls", "kontakte", "kommunen", "avdelningar", "kontoret")
_ENDINGS = ("erna", "arna", "orna", "en", "er", "ar", "or", "na", "et", "es", "s", "e", "n")
# linking letters between a compound's words: German "s" ("rechnungseingang"), Swedish "e" ("lönesupport")
_LINKS = ("s", "e")
MIN_STEM = 3
# heads of German and Swedish compounds that name an office ("ordnungsamt", "bürgerbüro",
# "lönecenter"): a first word outside the lists before one of these is still a function's
OFFICE_TAILS = ("amt", "buero", "buro", "verwaltung", "abteilung", "stelle", "service", "center", "centrum",
                "kontor", "kansli", "tjanst", "desk", "team", "teamet", "office", "support", "avdelning", "avdelningen")


def _word_of(token: str, vocabulary: frozenset[str]) -> bool:
    """``token`` is a word of ``vocabulary``, also in a plural or inflected form."""
    if token in vocabulary:
        return True
    return any(
        token.endswith(end) and len(token) - len(end) >= MIN_STEM and token[: -len(end)] in vocabulary for end in _ENDINGS
    )


_AND_JOINERS = ("and", "und", "och")


def _compound_of(token: str, vocabulary: frozenset[str]) -> bool:
    """``token`` is one word of ``vocabulary`` or two joined ("servicedesk", "payrollinbound"),
    also with a linking s or e ("rechnungseingang", "lönesupport") and inflected ("pensions",
    "kontakte", "lönekontoret")."""
    if _word_of(token, vocabulary):
        return True
    if any(
        token[:i] in vocabulary
        and (_word_of(token[i:], vocabulary) or (token[i] in _LINKS and _word_of(token[i + 1:], vocabulary)))
        for i in range(2, len(token) - 1)
    ):
        return True
    # two function words joined by "and" ("timeandattendance", "lohnundgehalt", "lonochpersonal")
    for joiner in _AND_JOINERS:
        head, _, tail = token.partition(joiner)
        if head and tail and head in vocabulary and _word_of(tail, vocabulary):
            return True
    return False


def _office_compound(token: str, is_first_name: Callable[[str], bool]) -> bool:
    """A compound ending in an office word ("ordnungsamt", "lonecenter"), not a name before it."""
    return any(
        token.endswith(tail) and len(token) - len(tail) >= MIN_STEM and not is_first_name(token[: -len(tail)])
        for tail in OFFICE_TAILS
    )


# words of a template for an address, not an address ("firstname.lastname@", "vorname.nachname@")
_PLACEHOLDER = frozenset(
    "firstname lastname surname givenname familyname first last name names initial initials user username "
    "fornamn förnamn efternamn namn vorname nachname familienname x xx xxx".split()
)

_GATEWAY_NUMBER = re.compile(r"^\+?\d{6,15}$")
_JOINERS = re.compile(r"[-_]")


def _shaped_like_a_function(local: str, tokens: list[str]) -> bool:
    """A team's or a process's inbox outside the word lists ("depot-managers", "wfm-escalations",
    "mk-nights"): words joined by a hyphen or underscore, none an initial (a person's address puts a
    dot between first name and surname, "k-mueller" has an initial)."""
    return len(tokens) >= 2 and all(len(t) >= 2 for t in tokens) and bool(_JOINERS.search(local)) and "." not in local


def judge_mailbox(
    address: str,
    function_words: frozenset[str],
    neutral_words: frozenset[str],
    system_words: frozenset[str],
    is_first_name: Callable[[str], bool],
) -> tuple[str, str] | None:
    """(holder, why) for a function's or a system's mailbox; None when it may be a person's."""
    local, _, domain = _plain(address.strip().casefold()).rpartition("@")
    if not local or not domain:
        return None
    tokens = [t for t in _SPLIT.split(local) if t]
    labels = _domain_labels(domain)
    if tokens and all(t in _PLACEHOLDER for t in re.split(r"[._+\-]+", local) if t) and any(len(t) > 3 for t in tokens):
        return SYSTEM, "a placeholder pattern of an address (firstname.lastname@...), nobody's address"
    if any(t in system_words for t in tokens):
        return SYSTEM, "a system sender (its local part names a daemon, bounce or notification sender)"
    tag = local.split("+", 1)[1] if "+" in local else ""
    pieces = re.split(r"[._+\-=]+", local)
    if re.search(r"\d{5,}", tag) or any(machine_token(t) or sum(ch.isdigit() for ch in t) >= MACHINE_DIGITS for t in pieces):
        return SYSTEM, "a machine-made address (its local part carries a generated token)"
    if _GATEWAY_NUMBER.match(local):
        return SYSTEM, "a number at a telephony or fax gateway (its local part is a phone number)"
    names = [t for t in tokens if len(t) >= 2 and t not in function_words and t not in neutral_words and is_first_name(t)]
    known = function_words | neutral_words
    if tokens and not names and all(_compound_of(t, known) or _office_compound(t, is_first_name) for t in tokens) and any(
        _compound_of(t, function_words) or _office_compound(t, is_first_name) for t in tokens
    ):
        return ORGANISATION, "a function's mailbox (its local part names a team, a process or a service)"
    if tokens and not names and len(labels) >= 2 and not freemail(domain) and _shaped_like_a_function(local, tokens):
        return ORGANISATION, "a function's mailbox (words joined by a hyphen, no name or initial in them)"
    if len(labels) >= 3 and _ROUTING_LABEL.match(labels[0]) and not freemail(domain) and not names:
        return SYSTEM, "a routing or sending address (its domain is a mail-routing subdomain)"
    return None


MIN_NAME_PREFIX = 3  # "annasmith": a first name of at least this many letters ...
MIN_REST = 3  # ... with at least this many letters after it
_DISPLAY_WORDS = 4  # a display name is at most this many words right before the address
PERSON_MARK = "<PERSON>"  # a name finding in a finding's context (bridge.scanner masks findings by type)
_PERSON_WORD = "\x00person"
_DISPLAY_CUT = re.compile(r"[:;,>\]\)]")


def _name_prefix(token: str, is_first_name: Callable[[str], bool]) -> bool:
    """A single token that starts with a first name: "annasmith", "tomjones2". A three-letter
    name needs four letters after it: short names start many words ("kon" + "tor")."""
    letters = re.sub(r"[^a-z]", "", token)
    for i in range(MIN_NAME_PREFIX, len(letters) - MIN_REST + 1):
        if (i > MIN_NAME_PREFIX or len(letters) - i > MIN_REST) and is_first_name(letters[:i]):
            return True
    return False


def names_a_person(address: str, display: str, is_first_name: Callable[[str], bool], prefixes: bool = True) -> bool:
    """The address reads as a person's: a first name in its local part (a word, or the start of
    its only word: "annasmith"), an initial beside a word ("a.smith", "smith-a"), or a display name
    with a first name (or a name finding, "<PERSON>") right before it ("Ann Lee <...>").

    Without ``prefixes`` a single word is not read for a first name at its start: under a display name
    that names a function, "timetabling@" is that function's, not "Tim"'s.

    A single word without a first name ("asmith", "mueller", "store22") is not read as a person's:
    an initial glued to a surname cannot be told from a word the lists lack without a surname list,
    and a doubt goes to review, never to deletion."""
    local = _plain(address.strip().casefold()).rpartition("@")[0]
    tokens = [t for t in re.split(r"[._+\-0-9]+", local) if t]
    if any(len(t) >= 2 and is_first_name(t) for t in tokens):
        return True
    pieces = [p for p in re.split(r"[._+\-]+", local) if p]
    if len(pieces) >= 2 and any(len(p) == 1 and p.isalpha() for p in pieces) and any(len(t) >= 2 for t in tokens):
        return True
    if prefixes and len(tokens) == 1 and _name_prefix(tokens[0], is_first_name):
        return True
    display = display.replace(PERSON_MARK, f" {_PERSON_WORD} ").rstrip(" \t<\"'(")
    shown = _DISPLAY_CUT.split(display)[-1].replace('"', " ").replace("'", " ").split()[-_DISPLAY_WORDS:]
    return any(w == _PERSON_WORD or (w[:1].isupper() and w.isalpha() and is_first_name(w)) for w in shown)


_DISPLAY_SPLIT = re.compile(r"[>;]")
_DISPLAY_WORD = re.compile(r"[^\W\d_]+")
MAX_FUNCTION_NAME_WORDS = 6


def names_a_function(
    name: str,
    function_words: frozenset[str],
    neutral_words: frozenset[str],
    company_suffixes: frozenset[str],
    is_first_name: Callable[[str], bool],
) -> bool:
    """A display name or a sign-off's name line that names a team, a function, an office or a
    company ("IT Service Desk", "Lönecenter Region Väst", "Ihr Lohnbüro-Team", "Acme Support Team"):
    a function word, an office compound or a company suffix among its words, and no first name
    ("Anna from Support", "Lee, Anna" are a person's)."""
    found = _DISPLAY_WORD.findall(_plain(name).casefold())
    if not found or len(found) > MAX_FUNCTION_NAME_WORDS:
        return False
    marked = False
    for word in found:
        if _compound_of(word, function_words) or _office_compound(word, is_first_name) or word in company_suffixes:
            marked = True
        elif len(word) >= 2 and word not in neutral_words and is_first_name(word):
            return False
    return marked


def header_display(line_before: str) -> str | None:
    """The display name before an address on a mail header line ("Cc: Timetabling Office <"),
    None when the line is no header line (From:/To:/Cc:, Från:/Till:/Kopia:, Von:/An: ...)."""
    from bridge.structure.markers import HEADER_LINE, QUOTE_PREFIX

    line = line_before
    while QUOTE_PREFIX.match(line):
        line = line.lstrip()[1:]
    if not HEADER_LINE.match(line):
        return None
    rest = line.split(":", 1)[1]
    display = _DISPLAY_SPLIT.split(rest)[-1].strip().strip(",").strip()
    display = display.rstrip("<( \t").strip().strip("\"'")
    return display or None
