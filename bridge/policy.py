"""The policy: findings + ticket + rules -> Decision. Pure: no I/O, no clock, no globals.

Steps, all driven by rules.yaml:
1. A finding is *admissible* when its entity type is enabled, its score reaches the
   type's threshold and it is a third party's (bridge.ownership decides whose it is:
   the requester's, the organisation's, a system's or a third party's).
2. Each policy rule fires when the ticket holds an admissible finding of a type in
   ``if_any`` and, with ``together_with``, also a different one of a type there.
3. Attachments: with ``screenshots: reject`` an image attachment is a violation of its
   own (kind SCREENSHOT); an attachment that could not be read follows
   ``on_unscannable`` (review by default).
4. The strongest action wins: delete > review > none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Callable, Iterable, Mapping

from bridge.confidence import combination_strength, direct_strength, with_band
from bridge.findings import Action, Decision, ExtractedAttachment, Finding
from bridge.ownership import THIRD_PARTY, first_name_test, holder_of, same_phone
from bridge.ownership.forms import own_form_fields
from bridge.ownership.neighbours import addresses_in_own_signature, beside_organisation_address, organisation_values
from bridge.ownership.placeholders import placeholders
from bridge.ownership.products import products_named_like_people
from bridge.structure import read_structure
from bridge.structure.parts import LEGAL_FOOTER, SIGNATURE
from bridge.ownership.records import (
    accounts_in_own_files, beside_own_values, repeated_addresses,
)
from bridge.ownership.records import own_codes, own_records, own_values, same_value, site_tables
from bridge.platform import Ticket
from bridge.rules import Rules

__all__ = ["admissible", "annotate", "decide", "exemption", "fired_rules", "same_phone"]

SCREENSHOT = "SCREENSHOT"
UNREADABLE = "UNREADABLE_ATTACHMENT"
_RANK: dict[str, int] = {"none": 0, "review": 1, "delete": 2}


def exemption(finding: Finding, ticket: Ticket, rules: Rules) -> str | None:
    """Why a finding does not count (a short reason without its value), or None when it counts."""
    entity = rules.entities.get(finding.entity_type)
    if entity is None or not entity.enabled:
        return "entity type not enabled in the rules"
    if finding.score < entity.threshold:
        return f"score {finding.score:.2f} below threshold {entity.threshold:.2f}"
    holding = holder_of(finding, ticket, rules)
    return None if holding.holder == THIRD_PARTY else holding.why


def annotate(findings: Iterable[Finding], ticket: Ticket, rules: Rules) -> list[Finding]:
    """The findings with their holder and, for those that do not count, why not."""
    out = []
    for finding in findings:
        entity = rules.entities.get(finding.entity_type)
        if entity is None or not entity.enabled:
            out.append(replace(finding, excluded="entity type not enabled in the rules"))
            continue
        if finding.score < entity.threshold:
            out.append(replace(finding, excluded=f"score {finding.score:.2f} below threshold {entity.threshold:.2f}"))
            continue
        holding = holder_of(finding, ticket, rules)
        excluded = "" if holding.holder == THIRD_PARTY else holding.why
        out.append(replace(finding, holder=holding.holder, holder_why=holding.why, excluded=excluded))
    regions = rules.requester_exemption.phone_regions
    out = own_values(own_codes(own_records(site_tables(out))), lambda a, b: same_phone(a, b, regions))
    out = repeated_addresses(accounts_in_own_files(beside_own_values(out)))
    out = beside_organisation_address(out, ticket, rules.ownership.person_words)
    out = organisation_values(out, lambda a, b: same_value(a, b, lambda x, y: same_phone(x, y, regions)))
    out = _addresses_in_own_signature(out, ticket, rules)
    out = own_form_fields(products_named_like_people(out, ticket), ticket)
    return placeholders(out, ticket, rules.ownership.placeholders)


def _addresses_in_own_signature(findings: list[Finding], ticket: Ticket, rules: Rules) -> list[Finding]:
    if not any(f.entity_type == "STREET_ADDRESS" and f.holder == THIRD_PARTY for f in findings):
        return findings
    entity = rules.entities.get("STREET_ADDRESS")
    org_words = [w for words in (entity.ignore_context.values() if entity else ()) for w in words]
    structure = read_structure(ticket.body or "")
    return addresses_in_own_signature(findings, ticket, frozenset({SIGNATURE, LEGAL_FOOTER}), structure.part_at, org_words)


def admissible(findings: Iterable[Finding], ticket: Ticket, rules: Rules) -> list[Finding]:
    """The findings that count towards the policy rules (annotated ones by their mark)."""
    return [f for f in findings if (not f.excluded if (f.holder or f.excluded) else exemption(f, ticket, rules) is None)]


@dataclass(frozen=True)
class FiredRule:
    name: str
    action: Action
    findings: tuple[Finding, ...]
    weak: str = ""  # why its evidence is weak (a delete became a review), or ''

    @property
    def reason(self) -> str:
        return f"{self.name} (weak evidence: {self.weak})" if self.weak else self.name


def fired_rules(counted: list[Finding], rules: Rules, texts: Mapping[str, str] | None = None) -> list[FiredRule]:
    """The rules the counted findings break; a delete on weak evidence becomes a review.
    ``texts`` (place -> text: the subject and body) lets a pair farther apart than a rule's
    ``within_chars`` in one paragraph count as weak evidence (``review_within_chars``)."""
    out = []
    for rule in rules.policy:
        first = [f for f in counted if f.entity_type in rule.if_any]
        if not first:
            continue
        involved = list(first)
        if rule.together_with is not None:
            second = [f for f in counted if f.entity_type in rule.together_with]
            far = ""
            if rule.within_chars is not None:
                unnamed = _unnamed_subject(rule.unnamed_subject_words)
                if unnamed is not None and texts:
                    first = [f for f in first if not _said_of_someone_unnamed(f, texts, unnamed, second)]
                near_first, near_second = _near_pairs(first, second, rule.within_chars)
                if not near_second and rule.review_within_chars is not None and texts:
                    near_first, near_second = _near_pairs(
                        first, second, rule.review_within_chars, lambda a, b: _one_paragraph(a, b, texts)
                    )
                    far = FAR_APART if near_second else ""
                if not near_second and rule.pronoun_words and rule.review_within_chars is not None and texts:
                    near_first, near_second = _pronoun_pairs(first, second, texts, rule.pronoun_words,
                                                             rule.review_within_chars)
                    far = POINTED_BACK if near_second else ""
                first, second = near_first, near_second
                involved = list(first)
            if not second or (len(first) == 1 and second == first):
                continue
            involved += [f for f in second if f not in involved]
            weak = far or combination_strength(first, second, rules.confidence)
            if not weak and rule.within_chars is None and rule.weak_across_places and not _one_place(first, second):
                weak = ACROSS_PLACES
        else:
            weak = direct_strength(first)
        action: Action = rules.actions.violation_decision if rule.action == "violation" else rule.action
        if action == "delete" and weak:
            action = "review"
        out.append(FiredRule(rule.name, action, tuple(involved), weak if action == "review" else ""))
    return out


FAR_APART = "the term and the person stand far apart (it may be about someone else)"
POINTED_BACK = "the term's sentence points back by a pronoun to the person named before it"
ACROSS_PLACES = "the name and the identifier stand in different parts of the ticket"


def _one_place(first: list[Finding], second: list[Finding]) -> bool:
    """A finding of each side in the same text part (subject, body, one attachment page)."""
    return any(a is not b and a.place == b.place and a.detail == b.detail for a in first for b in second)


@lru_cache(maxsize=16)
def _unnamed_subject_pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    if not words:
        return None
    alternatives = "|".join(re.escape(w.strip()).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _unnamed_subject(words: list[str]) -> re.Pattern[str] | None:
    return _unnamed_subject_pattern(tuple(words))


_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n")


def _sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    left = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    right = _SENTENCE_END.search(text, end)
    return left, right.start() if right else len(text)


def _said_of_someone_unnamed(
    term: Finding, texts: Mapping[str, str], unnamed: re.Pattern[str], persons: list[Finding]
) -> bool:
    """The term's sentence has an unnamed subject ("one of our agents") and names nobody itself."""
    text = texts.get(term.place)
    if text is None:
        return False
    left, right = _sentence_span(text, term.start, term.end)
    if not unnamed.search(text, left, right):
        return False
    return not any(p.place == term.place and left <= p.start < right for p in persons)


@lru_cache(maxsize=16)
def _pronoun_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w'’])(?:{alternatives})(?![\w'’])", re.IGNORECASE)


def _pronoun_pairs(
    terms: list[Finding], persons: list[Finding], texts: Mapping[str, str], pronouns: list[str], within: int
) -> tuple[list[Finding], list[Finding]]:
    """Terms whose sentence names nobody but points back by a pronoun, paired with the only person
    named before them in the same text part within ``within`` characters."""
    pattern = _pronoun_pattern(tuple(pronouns))
    pairs: list[tuple[Finding, Finding]] = []
    for term in terms:
        text = texts.get(term.place)
        if text is None:
            continue
        left, right = _sentence_span(text, term.start, term.end)
        if not pattern.search(text, left, right):
            continue
        before = [p for p in persons if p.place == term.place and p.entity_type == "PERSON" and p.end <= left
                  and term.start - p.end <= within]
        inside = [p for p in persons if p.place == term.place and left <= p.start < right]
        names = {p.value.casefold() for p in before}
        if len(names) == 1 and not inside:
            pairs.extend((term, p) for p in before)
    return [t for t, _ in pairs], [p for _, p in pairs]


def _gap(a: Finding, b: Finding) -> int:
    return max(0, max(a.start, b.start) - min(a.end, b.end))


def _one_paragraph(a: Finding, b: Finding, texts: Mapping[str, str]) -> bool:
    """No blank line between the two findings (both in the subject or the body). In an
    attachment (one page or sheet of it: the pairs share place and detail) a list under a
    heading is one piece: "Union subscriptions, March" over rows of names."""
    text = texts.get(a.place)
    if text is None:
        return a.place.startswith("attachment")
    between = text[min(a.end, b.end):max(a.start, b.start)]
    return _BLANK_LINE.search(between) is None


_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def _near_pairs(
    first: list[Finding], second: list[Finding], within: int, also: Callable[[Finding, Finding], bool] | None = None
) -> tuple[list[Finding], list[Finding]]:
    """The findings of each side that have a partner of the other side in the same text part,
    at most ``within`` characters away: special-category words are about the person named
    beside them, not about anyone named elsewhere in the ticket."""
    near = [
        (a, b) for a in first for b in second
        if a is not b and a.place == b.place and a.detail == b.detail and _gap(a, b) <= within
        and (also is None or also(a, b))
    ]
    firsts = [a for a in first if any(a is x for x, _ in near)]
    seconds = [b for b in second if any(b is y for _, y in near)]
    return firsts, seconds


def _synthetic(kind: str, attachment: ExtractedAttachment) -> Finding:
    return Finding(kind, attachment.place, 0, 0, 1.0, "policy", value="")


def decide(
    findings: list[Finding], ticket: Ticket, rules: Rules, attachments: list[ExtractedAttachment]
) -> Decision:
    is_first_name = first_name_test(rules)
    findings = [
        with_band(f, rules.confidence, is_first_name) if not f.excluded else f for f in annotate(findings, ticket, rules)
    ]
    counted_pool = admissible(findings, ticket, rules)
    actions: list[Action] = ["none"]
    reasons: list[str] = []
    counted: list[Finding] = []

    texts = {"subject": ticket.subject or "", "body": ticket.body or ""}
    for fired in fired_rules(counted_pool, rules, texts):
        actions.append(fired.action)
        reasons.append(fired.reason)
        counted.extend(f for f in fired.findings if f not in counted)

    if rules.attachments.screenshots == "reject":
        images = [a for a in attachments if a.kind == "image"]
        if images:
            actions.append(rules.actions.violation_decision)
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
