"""The policy: findings + ticket + rules -> Decision. Pure: no I/O, no clock, no globals.

Steps, all driven by rules.yaml:
1. A finding is *admissible* when its entity type is enabled, its score reaches the
   type's threshold, no allow list matches it (role mailboxes, organisation domains,
   patterns, values) and it is not the requester's own name, email or phone.
2. Each policy rule fires when the ticket holds an admissible finding of a type in
   ``if_any`` and, with ``together_with``, also a different one of a type there.
3. Attachments: with ``screenshots: reject`` an image attachment is a violation of its
   own (kind SCREENSHOT); an attachment that could not be read follows
   ``on_unscannable`` (review by default).
4. The strongest action wins: delete > review > none.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable

from bridge.findings import Action, Decision, ExtractedAttachment, Finding
from bridge.platform import Ticket
from bridge.recognizers.contact import phone_e164_candidates
from bridge.rules import Rules

SCREENSHOT = "SCREENSHOT"
UNREADABLE = "UNREADABLE_ATTACHMENT"
_RANK: dict[str, int] = {"none": 0, "review": 1, "delete": 2}


def _fold(text: str) -> str:
    """Case-folded, accents removed, whitespace collapsed: 'Söderlund ' ~ 'soderlund'."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().replace("-", " ").split())


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def same_phone(a: str, b: str, regions: Iterable[str]) -> bool:
    """Whether two written phone numbers are the same number, whatever their format."""
    regions = tuple(regions)
    if _digits(a) and _digits(a) == _digits(b):
        return True
    left = phone_e164_candidates(a, regions)
    return bool(left) and bool(left & phone_e164_candidates(b, regions))


def same_person(value: str, requester_name: str) -> bool:
    """The finding names the requester: equal after folding, or its words are the requester's words."""
    found, own = _fold(value), _fold(requester_name)
    if not found or not own:
        return False
    if found == own:
        return True
    found_words, own_words = found.split(), own.split()
    return len(found_words) >= 2 and all(w in own_words for w in found_words)


def exemption(finding: Finding, ticket: Ticket, rules: Rules) -> str | None:
    """Why a finding does not count (a short reason without its value), or None when it counts."""
    entity = rules.entities.get(finding.entity_type)
    if entity is None or not entity.enabled:
        return "entity type not enabled in the rules"
    if finding.score < entity.threshold:
        return f"score {finding.score:.2f} below threshold {entity.threshold:.2f}"
    reason = _allowed(finding, rules)
    if reason:
        return reason
    return _requester_self(finding, ticket, rules)


def _allowed(finding: Finding, rules: Rules) -> str | None:
    allow = rules.allow
    value = finding.value.strip()
    if finding.entity_type == "EMAIL_ADDRESS" and "@" in value:
        local, _, domain = value.casefold().rpartition("@")
        if local in {m.casefold() for m in allow.role_mailboxes}:
            return "role mailbox"
        if any(local.startswith(p.casefold()) for p in allow.role_mailbox_prefixes):
            return "role mailbox"
        for org in allow.email_domains:
            org = org.casefold().lstrip("@")
            if domain == org or domain.endswith("." + org):
                return "organisation domain"
    for pattern in allow.patterns:
        if pattern.entity in ("*", finding.entity_type) and re.fullmatch(pattern.regex, value, re.IGNORECASE):
            return f"allow pattern{': ' + pattern.note if pattern.note else ''}"
    if value.casefold() in {v.casefold() for v in allow.values}:
        return "allowed value"
    return None


def _requester_self(finding: Finding, ticket: Ticket, rules: Rules) -> str | None:
    exempt = rules.requester_exemption
    if not exempt.enabled or finding.entity_type not in exempt.entities:
        return None
    requester = ticket.requester
    value = finding.value
    if finding.entity_type == "EMAIL_ADDRESS" and requester.email:
        if value.strip().casefold() == requester.email.strip().casefold():
            return "the requester's own email address"
    elif finding.entity_type == "PHONE_NUMBER" and requester.phone:
        if same_phone(value, requester.phone, exempt.phone_regions):
            return "the requester's own phone number"
    elif finding.entity_type == "PERSON" and requester.name:
        if same_person(value, requester.name):
            return "the requester's own name"
    return None


def admissible(findings: Iterable[Finding], ticket: Ticket, rules: Rules) -> list[Finding]:
    """The findings that count towards the policy rules."""
    return [f for f in findings if exemption(f, ticket, rules) is None]


@dataclass(frozen=True)
class FiredRule:
    name: str
    action: Action
    findings: tuple[Finding, ...]


def fired_rules(counted: list[Finding], rules: Rules) -> list[FiredRule]:
    out = []
    for rule in rules.policy:
        first = [f for f in counted if f.entity_type in rule.if_any]
        if not first:
            continue
        involved = list(first)
        if rule.together_with is not None:
            second = [f for f in counted if f.entity_type in rule.together_with]
            if not second or (len(first) == 1 and second == first):
                continue
            involved += [f for f in second if f not in involved]
        action: Action = rules.actions.violation if rule.action == "violation" else rule.action
        out.append(FiredRule(rule.name, action, tuple(involved)))
    return out


def _synthetic(kind: str, attachment: ExtractedAttachment) -> Finding:
    return Finding(kind, attachment.place, 0, 0, 1.0, "policy", value="")


def decide(
    findings: list[Finding], ticket: Ticket, rules: Rules, attachments: list[ExtractedAttachment]
) -> Decision:
    counted_pool = admissible(findings, ticket, rules)
    actions: list[Action] = ["none"]
    reasons: list[str] = []
    counted: list[Finding] = []

    for fired in fired_rules(counted_pool, rules):
        actions.append(fired.action)
        reasons.append(fired.name)
        counted.extend(f for f in fired.findings if f not in counted)

    if rules.attachments.screenshots == "reject":
        images = [a for a in attachments if a.kind == "image"]
        if images:
            actions.append(rules.actions.violation)
            reasons.append("screenshots-rejected")
            counted.extend(_synthetic(SCREENSHOT, a) for a in images)

    unreadable = [a for a in attachments if a.problem]
    if unreadable and rules.attachments.on_unscannable != "none":
        for item in unreadable:
            reasons.append(f"attachment {item.filename} could not be read: {item.problem}")
            if rules.attachments.on_unscannable == "delete":
                counted.append(_synthetic(UNREADABLE, item))
        actions.append(rules.attachments.on_unscannable)

    action = max(actions, key=lambda a: _RANK[a])
    places: dict[str, list[str]] = {}
    for finding in counted:
        where = f"{finding.place} ({finding.detail})" if finding.detail else finding.place
        kinds = places.setdefault(where, [])
        if finding.entity_type not in kinds:
            kinds.append(finding.entity_type)
    return Decision(action=action, reasons=reasons, places=places, findings=list(findings), counted=counted)
