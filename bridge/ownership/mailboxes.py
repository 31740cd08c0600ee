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

ORGANISATION, SYSTEM = "organisation", "system"

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


def _compound_of(token: str, vocabulary: frozenset[str]) -> bool:
    """``token`` is one word of ``vocabulary`` or two joined ("servicedesk", "payrollinbound"),
    also with a German linking s ("rechnungseingang")."""
    if token in vocabulary:
        return True
    return any(
        token[:i] in vocabulary and (token[i:] in vocabulary or (token[i] == "s" and token[i + 1:] in vocabulary))
        for i in range(2, len(token) - 1)
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
    if tokens and not names and all(_compound_of(t, function_words | neutral_words) for t in tokens) and any(
        _compound_of(t, function_words) for t in tokens
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


def names_a_person(address: str, display: str, is_first_name: Callable[[str], bool]) -> bool:
    """The address reads as a person's: a first name in its local part (a word, or the start of
    its only word: "annasmith"), an initial beside a word ("a.smith", "smith-a"), or a display name
    with a first name (or a name finding, "<PERSON>") right before it ("Ann Lee <...>").

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
    if len(tokens) == 1 and _name_prefix(tokens[0], is_first_name):
        return True
    display = display.replace(PERSON_MARK, f" {_PERSON_WORD} ").rstrip(" \t<\"'(")
    shown = _DISPLAY_CUT.split(display)[-1].replace('"', " ").replace("'", " ").split()[-_DISPLAY_WORDS:]
    return any(w == _PERSON_WORD or (w[:1].isupper() and w.isalpha() and is_first_name(w)) for w in shown)
