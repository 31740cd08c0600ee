"""Redaction spans (issue 17.3): the counted findings' offsets, mapped back through the
scanner's normalisation, cover exactly the original characters of the value, whatever
invisible or look-alike characters the requester's text carries; overlapping spans merge;
attachments go by content or by file name; the subject line cannot be redacted."""

from __future__ import annotations

import pytest

from bridge.analysis import TicketAnalyzer
from bridge.findings import Decision, Finding
from bridge.platform import AttachmentRef, Requester, Ticket
from bridge.redaction import merge_spans, plan_redaction, values_left
from bridge.rules import Rules
from bridge.scanner import Scanner

ME = Requester(name="Henrik Dahlberg", email="henrik.dahlberg@kunde.example")


@pytest.fixture(scope="module")
def analyzer(rules: Rules, scanner: Scanner) -> TicketAnalyzer:
    return TicketAnalyzer(rules, scanner)


def counted_spans(analyzer: TicketAnalyzer, body: str) -> list[tuple[int, int]]:
    decision = analyzer.analyse(Ticket("1", "memory", "", body, requester=ME), [])
    return plan_redaction(decision, []).spans


PHONES = {
    "plain": "07700 900 123",
    "zero-width space inside": "07700\u200b900\u200b123",
    "soft hyphen and word joiner inside": "0770\u00ad0 900\u2060 123",
    "non-breaking spaces": "07700\u00a0900\u00a0123",
    "full-width digits": "\uff10\uff17\uff17\uff10\uff10 \uff19\uff10\uff10 \uff11\uff12\uff13",
    "full-width digits, NBSP and zero-width": "\uff10\uff17\uff17\uff10\uff10\u200b\u00a0\uff19\uff10\uff10\u00a0\uff11\uff12\uff13",
}


@pytest.mark.parametrize("phone", list(PHONES.values()), ids=list(PHONES))
def test_the_span_covers_exactly_the_original_characters_of_the_number(analyzer: TicketAnalyzer,
                                                                      phone: str) -> None:
    before = "Hi, the export still fails. Please call my colleague Sabine Kromberg on "
    after = ", she saw it first.\n\nThanks\nHenrik Dahlberg"
    body = before + phone + after
    spans = counted_spans(analyzer, body)
    name_at = body.index("Sabine Kromberg")
    assert (name_at, name_at + len("Sabine Kromberg")) in spans
    assert (len(before), len(before) + len(phone)) in spans
    kept = body
    for start, end in sorted(spans, reverse=True):
        kept = kept[:start] + kept[end:]
    assert kept == body.replace(phone, "").replace("Sabine Kromberg", "")


def test_overlapping_and_touching_spans_merge_and_empty_ones_go() -> None:
    assert merge_spans([(10, 14), (0, 3), (12, 20), (20, 22), (5, 5)]) == [(0, 3), (10, 22)]


def finding(kind: str, place: str, start: int = 0, end: int = 0, value: str = "") -> Finding:
    return Finding(kind, place, start, end, 0.9, "test", value=value)


def test_attachments_go_by_their_content_or_their_name_and_the_subject_cannot_be_redacted() -> None:
    refs = [AttachmentRef("a1", "log.txt"), AttachmentRef("a2", "rota.txt"), AttachmentRef("a3", "me.png")]
    decision = Decision("delete", counted=[
        finding("PHONE_NUMBER", "body", 4, 17, "07700 900 123"),
        finding("PHONE_NUMBER", "attachment:rota.txt", 0, 13),
        finding("PERSON", "attachment-name:3", 0, 8),
    ])
    plan = plan_redaction(decision, refs)
    assert plan.spans == [(4, 17)] and [r.id for r in plan.attachments] == ["a2", "a3"]
    assert plan.unredactable == [] and "07700" not in plan.summary() and "rota" not in plan.summary()
    subject = plan_redaction(Decision("delete", counted=[finding("PHONE_NUMBER", "subject", 0, 5)]), refs)
    assert subject.unredactable == ["subject"]


def test_a_counted_value_still_in_the_text_is_found_after_normalising() -> None:
    decision = Decision("delete", counted=[finding("PHONE_NUMBER", "body", 4, 17, "07700 900 123")])
    assert values_left(decision, "Tel 07700\u00a0900\u200b123") == 1
    assert values_left(decision, "Tel \u2587\u2587\u2587\u2587\u2587 \u2587\u2587\u2587 \u2587\u2587\u2587") == 0
