"""Confidence bands: a counted finding is strong evidence (delete) or weak evidence (review).

A finding's confidence is its recognizer score mapped through ``confidence.calibration``
(points measured with ``gdpr-bridge eval --calibrate`` on labelled sets; without points the
raw score), then held at ``confidence.weak_score`` when its evidence is weak (POLICY.md:
a value read only by OCR, an address without a house number). A fired rule deletes only on
strong evidence; a combination needs a strong finding on each side and is weak when a name
known only by its shape stands with nothing but a bare number (unless one table row holds
both: a row is one person, its header names the columns). Weak evidence goes to review:
permanent deletion cannot be undone, doubt goes to a person.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from typing import Callable, Iterable

from bridge.findings import FAILED_CHECK_NOTE, SOURCE_IN_SENTENCE_BEFORE, EXAMPLE_NOTE, TEST_DATA_NOTE, Finding
from bridge.ownership.mailboxes import freemail, names_a_person
from bridge.rules.schema import Confidence

FirstNameTest = Callable[[str], bool]

DELETE, REVIEW = "delete", "review"


def calibrated(score: float, points: list[tuple[float, float]] | None) -> float:
    """Piecewise-linear through ``points`` (sorted by raw score); the raw score without points."""
    if not points:
        return score
    points = sorted(points)
    if score <= points[0][0]:
        return points[0][1] * (score / points[0][0]) if points[0][0] > 0 else points[0][1]
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        if score <= x1:
            return y0 + (y1 - y0) * (score - x0) / (x1 - x0) if x1 > x0 else y1
    return points[-1][1]


def weakness(finding: Finding, config: Confidence, is_first_name: FirstNameTest | None = None) -> str:
    """Why this finding alone is weak evidence, or ''. ``is_first_name`` is the rules' first-name
    test (bridge.recognizers.names); without it, the one of the packaged default rules."""
    weak = config.weak
    if weak.ocr_only and finding.ocr and not ocr_confirmed(finding, config):
        return "read only by OCR"
    if weak.address_without_number and finding.entity_type == "STREET_ADDRESS" and not any(ch.isdigit() for ch in finding.value):
        return "an address without a house number"
    if weak.failed_check and finding.evidence.startswith(FAILED_CHECK_NOTE):
        return "an identifier whose check digit fails"
    if weak.name_in_sentence_before and finding.evidence.startswith(SOURCE_IN_SENTENCE_BEFORE):
        return "an IP address whose person is named only in the sentence before"
    if weak.example_words and cited_as_example(finding, weak.example_words):
        return "cited in quotes as an example of a format"
    if weak.test_data and finding.evidence.startswith(EXAMPLE_NOTE):
        return "named as an example in its sentence"
    if weak.test_data and finding.evidence.startswith(TEST_DATA_NOTE):
        return "in a ticket that says its data are test data and shows documented placeholders"
    if weak.address_without_person and finding.entity_type == "EMAIL_ADDRESS" and impersonal_address(finding, is_first_name):
        return "an address on a company domain with no person's name in it or before it"
    return ""


def impersonal_address(finding: Finding, is_first_name: FirstNameTest | None = None) -> bool:
    """An e-mail address on a company's domain (not a mail provider's) that nothing reads as a
    person's: no first name or initial in its local part, no person's display name right before
    it ("Store 22 Manager <...>" is none). Often a shop's, a site's or a team's mailbox the word
    lists lack; a freemail address is always someone's."""
    local, _, domain = finding.value.strip().rpartition("@")
    if not local or not domain or freemail(domain):
        return False
    return not names_a_person(finding.value, _text_before(finding), is_first_name or _default_first_name_test())


def _text_before(finding: Finding) -> str:
    """The context before the finding's own marker (other findings in it masked as <TYPE>)."""
    context = finding.context or ""
    marker = f"<{finding.entity_type}>"
    target = min(finding.start, CONTEXT_CHARS) + (1 if context.startswith("…") else 0)
    spots = [k for k in range(len(context)) if context.startswith(marker, k)]
    if not spots:
        return ""
    return context[:min(spots, key=lambda k: abs(k - target))]


@lru_cache(maxsize=1)
def _default_first_name_test() -> FirstNameTest:
    from bridge.recognizers.names import matcher_from_options
    from bridge.rules.loader import default_rules_path, parse_rules

    rules = parse_rules(default_rules_path().read_bytes())
    person = rules.entities.get("PERSON")
    matcher = matcher_from_options(person.options if person else {}, rules.scanner.names, rules.languages.supported)
    return matcher.is_first_name


_QUOTES = "\"'“”„‚‘’«»"
CONTEXT_CHARS = 40  # as bridge.scanner.CONTEXT_CHARS: where the finding's own marker stands in its context


def cited_as_example(finding: Finding, words: list[str]) -> bool:
    """The value stands in quotes right after an example word: 't.ex. "Anna.B@..."', 'e.g. "..."'."""
    context = finding.context or ""
    marker = f"<{finding.entity_type}>"
    target = min(finding.start, CONTEXT_CHARS) + (1 if context.startswith("…") else 0)
    spots = [k for k in range(len(context)) if context.startswith(marker, k)]
    if not spots:
        return False
    spot = min(spots, key=lambda k: abs(k - target))
    after = context[spot + len(marker):spot + len(marker) + 1]
    if spot == 0 or context[spot - 1] not in _QUOTES or not after or after not in _QUOTES:
        return False
    before = context[:spot - 1].rstrip(" ,:(").casefold()
    for word in words:
        w = word.casefold()
        if before.endswith(w) and (len(before) == len(w) or not before[-len(w) - 1].isalnum()):
            return True
    return False


LABEL_EVIDENCE = "context word"  # the recognizer's note when a label or column header named the value


def ocr_confirmed(finding: Finding, config: Confidence) -> bool:
    """An OCR reading the image itself confirms: a checksum that a misread digit would break,
    or a label beside it ("Mobile:", "Date of birth", a column header) that says what it is.
    A name is never confirmed this way: it has no checksum and OCR noise makes name shapes."""
    if finding.entity_type == "PERSON":
        return False
    if finding.entity_type in config.weak.ocr_self_checking:
        return True
    return config.weak.ocr_confirmed_by_label and LABEL_EVIDENCE in finding.evidence


def with_band(finding: Finding, config: Confidence, is_first_name: FirstNameTest | None = None) -> Finding:
    confidence = calibrated(finding.score, config.calibration.get(finding.entity_type))
    why = weakness(finding, config, is_first_name)
    if why:
        confidence = min(confidence, config.weak_score)
    band = DELETE if confidence >= config.delete_from else REVIEW
    return replace(finding, confidence=confidence, band=band, weak=why)


def _bare_number(finding: Finding, config: Confidence) -> bool:
    return any(finding.evidence.startswith(note) for note in config.weak.bare_number_evidence)


def _shape_name(finding: Finding, config: Confidence) -> bool:
    return finding.entity_type == "PERSON" and finding.score < config.strong_name_score


def _same_row(a: Finding, b: Finding) -> bool:
    return a.row is not None and a.place == b.place and a.detail == b.detail and a.row == b.row


def combination_strength(first: Iterable[Finding], second: Iterable[Finding], config: Confidence) -> str:
    """'' when some strong pair stands (one of each side), else why the combination is weak."""
    first, second = list(first), list(second)
    reason = next((f.weak for f in first + second if f.weak), "low confidence on one side")
    for a in first:
        for b in second:
            if a is b or not strong(a) or not strong(b):
                continue
            pair = (a, b) if a.entity_type == "PERSON" else (b, a)
            name, other = pair
            if (
                config.weak.shape_name_with_bare_number and _shape_name(name, config) and _bare_number(other, config)
                and not _same_row(name, other)
            ):
                reason = "a name known only by its shape with a bare number"
                continue
            return ""
    return reason


def strong(finding: Finding) -> bool:
    """Strong evidence; a finding the bands never saw (band '') counts as strong."""
    return finding.band in ("", DELETE)


def direct_strength(findings: Iterable[Finding]) -> str:
    """'' when one finding is strong evidence, else why not."""
    findings = list(findings)
    if any(strong(f) for f in findings):
        return ""
    return next((f.weak for f in findings if f.weak), "low confidence")
