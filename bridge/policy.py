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


_PUNCTUATION = re.compile(r"[^\w\s-]")


def said_to_be_own(finding: Finding, ticket: Ticket, phrases: list[str], window: int) -> bool:
    """A first-person phrase ("call me on", "nå mig på", "rufen Sie mich unter") ends just
    before the finding, in the same sentence: the requester gives their own number.

    The phrase's words must come in order (a phrase of three or more words may have one
    filler word between two of its words: "rufen Sie mich gerne unter"), its last word
    among the last three words before the number; a line break inside the sentence does
    not matter, a sentence end does.
    """
    if not phrases or finding.place not in ("subject", "body"):
        return False
    text = ticket.subject if finding.place == "subject" else ticket.body
    before = _SENTENCE_END.split((text or "")[max(0, finding.start - window):finding.start])[-1]
    words = _fold(_PUNCTUATION.sub(" ", before)).split()
    return any(_ends_with_phrase(words, _fold(phrase).split()) for phrase in phrases if phrase.strip())


_SENTENCE_END = re.compile(r"[.!?](?:\s|$)|\n\s*\n")
MAX_WORDS_AFTER = 2


def _words_between(phrase: list[str]) -> int:
    """A longer phrase may have a filler word between its words ("mich gerne unter"); a
    two-word one may not ("my colleague's number" is not "my number")."""
    return 1 if len(phrase) >= 3 else 0


def _ends_with_phrase(words: list[str], phrase: list[str]) -> bool:
    """``phrase`` in ``words`` (in order, small gaps), ending near the end."""
    if not phrase:
        return False
    gap = _words_between(phrase)
    for end in range(len(words) - 1, max(-1, len(words) - 2 - MAX_WORDS_AFTER), -1):
        if words[end] != phrase[-1]:
            continue
        position = end
        for word in reversed(phrase[:-1]):
            candidates = [i for i in range(position - 1, max(-1, position - 2 - gap), -1) if words[i] == word]
            if not candidates:
                break
            position = candidates[0]
        else:
            return True
    return False


_CONTACT_SEPARATORS = re.compile(r"[\s\d()+./|,:;·•–—-]+")


def in_signature(finding: Finding, ticket: Ticket, max_lines: int, labels: list[str]) -> bool:
    """The finding stands on a contact line of the requester's own sign-off.

    That is: a line names the requester ("Dakota Yazzie", "D. Yazzie", "Dakota",
    "Regards, Dakota Yazzie"), the finding's line is that line or one of the ``max_lines``
    short lines after it (title, company, other numbers), and the finding's own line
    holds nothing but numbers, punctuation and the configured ``labels`` ("Tel",
    "Mobil"). A line that says anything else ("PS: my colleague Tom is on ...") does not
    make a number the requester's.
    """
    if max_lines <= 0 or finding.place != "body" or not ticket.requester.name:
        return False
    lines = (ticket.body or "").splitlines()
    index, offset = 0, 0
    while index < len(lines) and offset + len(lines[index]) + 1 <= finding.start:
        offset += len(lines[index]) + 1
        index += 1
    if index >= len(lines):
        return False
    own = _fold(_PUNCTUATION.sub(" ", ticket.requester.name)).split()
    if not own:
        return False
    label_words = {_fold(label) for label in labels if label.strip()}
    for back in range(0, max_lines + 1):
        if index - back < 0:
            return False
        line = lines[index - back]
        if back and len(line.strip()) > SIGNATURE_LINE_CHARS:
            return False  # prose, not a signature line
        rest = _after_name(_fold(_PUNCTUATION.sub(" ", line)).split(), own)
        if rest is None:
            continue
        if back == 0:  # the number on the name line itself: nothing else may stand after the name
            return _contact_line(" ".join(rest), label_words)
        return _contact_line(_fold(lines[index]), label_words)
    return False


SIGNATURE_LINE_CHARS = 60


def _after_name(words: list[str], own: list[str]) -> list[str] | None:
    """The words after the requester's name on a line that names them, or None.

    The name: their words in order, each written out or as an initial, ending with the
    last name ("dakota yazzie", "d yazzie"), or the first name alone on the line; a
    short greeting may stand before it ("regards, dakota yazzie") or a short title after
    it ("dakota yazzie, it manager"), not both.
    """
    if words == own[:1]:
        return []
    for start in range(0, min(3, len(words))):
        taken = 0
        for word, name in zip(words[start:], own):
            if word == name or (len(word) == 1 and name.startswith(word)):
                taken += 1
            else:
                break
        if taken == len(own) and words[start + taken - 1] == own[-1]:
            rest = words[start + taken:]
            # "Regards, Dakota Yazzie" or "Dakota Yazzie, IT Manager"; not a sentence about them
            if (start and rest) or len(rest) > 3:
                return None
            return rest
    return None


def _contact_line(line: str, labels: set[str]) -> bool:
    """Only numbers, punctuation and contact labels ("tel", "mobil") on the line."""
    return all(_fold(word) in labels for word in _CONTACT_SEPARATORS.split(line) if word)


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
    elif finding.entity_type == "PHONE_NUMBER":
        if requester.phone and same_phone(value, requester.phone, exempt.phone_regions):
            return "the requester's own phone number"
        if requester.name and in_signature(finding, ticket, exempt.signature.lines, exempt.signature.labels):
            return "the requester's own phone number (in their signature)"
        if said_to_be_own(finding, ticket, exempt.own_phone_context, exempt.own_phone_window):
            return "the requester's own phone number (they say so)"
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
