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
from typing import Callable

ORGANISATION, SYSTEM = "organisation", "system"

_SPLIT = re.compile(r"[._+\-0-9]+")
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


def _compound_of(token: str, vocabulary: frozenset[str]) -> bool:
    """``token`` is one word of ``vocabulary`` or two joined ("servicedesk", "payrollinbound")."""
    if token in vocabulary:
        return True
    return any(token[:i] in vocabulary and token[i:] in vocabulary for i in range(2, len(token) - 1))


def judge_mailbox(
    address: str,
    function_words: frozenset[str],
    neutral_words: frozenset[str],
    system_words: frozenset[str],
    is_first_name: Callable[[str], bool],
) -> tuple[str, str] | None:
    """(holder, why) for a function's or a system's mailbox; None when it may be a person's."""
    local, _, domain = address.strip().casefold().rpartition("@")
    if not local or not domain:
        return None
    tokens = [t for t in _SPLIT.split(local) if t]
    labels = _domain_labels(domain)
    if any(t in system_words for t in tokens):
        return SYSTEM, "a system sender (its local part names a daemon, bounce or notification sender)"
    tag = local.split("+", 1)[1] if "+" in local else ""
    if re.search(r"\d{5,}", tag) or any(machine_token(t) for t in re.split(r"[._+\-=]+", local)):
        return SYSTEM, "a machine-made address (its local part carries a generated token)"
    names = [t for t in tokens if len(t) >= 2 and t not in function_words and t not in neutral_words and is_first_name(t)]
    if tokens and not names and all(_compound_of(t, function_words | neutral_words) for t in tokens) and any(
        _compound_of(t, function_words) for t in tokens
    ):
        return ORGANISATION, "a function's mailbox (its local part names a team, a process or a service)"
    if len(labels) >= 3 and _ROUTING_LABEL.match(labels[0]) and labels[-2] not in _FREEMAIL and not names:
        return SYSTEM, "a routing or sending address (its domain is a mail-routing subdomain)"
    return None
