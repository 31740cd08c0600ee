"""What every platform must do for comments and redaction (``bridge.platform.CommentPlatform``),
one test body run on the fake Zendesk, the fake Jira (real HTTP through the real adapters) and
the in-memory platform. The platforms differ in what a redacted span becomes (Zendesk: one ▇
per character; Jira: a marker), never in what is left around it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Iterator

import pytest

from bridge.platform import (
    AUTHOR_AGENT,
    AUTHOR_END_USER,
    AUTHOR_REQUESTER,
    CommentPlatform,
    DescriptionAttachments,
    PlatformRejected,
    PlatformUnavailable,
    TicketGone,
)
from tests.contract.comment_harnesses import AGENT, OTHER_CUSTOMER, CommentSide, side_for
from tests.contract.harnesses import Harness, HttpHarness
from tests.contract.test_platform_contract import CountingBudget

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
MOBILE = "+46 70 123 45 67"
TEXT = f"Hi! My colleague Erik Berg asked me to send this. Call him on {MOBILE} tomorrow. Regards, Anna"


@pytest.fixture()
def side(every: Harness) -> Iterator[CommentSide]:
    yield side_for(every)


def span_of(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def test_the_platform_meets_the_comment_protocol(every: Harness, side: CommentSide) -> None:
    assert isinstance(every.platform, CommentPlatform)


def test_fetch_comment_gives_text_author_visibility_and_files(every: Harness, side: CommentSide) -> None:
    ticket = side.old_ticket()
    comment_id = side.comment(ticket, TEXT, attachments=[("timesheet.png", PNG, "image/png")])
    comment = every.platform.fetch_comment(ticket, comment_id)
    assert (comment.id, comment.ticket_id) == (comment_id, ticket)
    assert MOBILE in comment.body and comment.body.startswith("Hi! My colleague")
    assert comment.public is True and comment.author_role == AUTHOR_REQUESTER
    assert comment.author.email == "anna.svensson@example.se"
    assert [(a.filename, a.size) for a in comment.attachments] == [("timesheet.png", len(PNG))]
    assert comment.created_at is not None and comment.created_at.tzinfo is not None
    assert every.platform.download_attachment(comment.attachments[0], 10_000) == PNG


def test_authors_are_told_apart_and_internal_notes_are_not_public(every: Harness, side: CommentSide) -> None:
    ticket = side.old_ticket()
    note = side.comment(ticket, "internal: customer seems upset", by=AGENT, public=False)
    other = side.comment(ticket, "I am Anna's colleague, same problem here", by=OTHER_CUSTOMER)
    fetched_note = every.platform.fetch_comment(ticket, note)
    assert (fetched_note.public, fetched_note.author_role) == (False, AUTHOR_AGENT)
    assert every.platform.fetch_comment(ticket, other).author_role == AUTHOR_END_USER


def test_a_missing_comment_or_ticket_is_gone(every: Harness, side: CommentSide) -> None:
    ticket = side.old_ticket()
    with pytest.raises(TicketGone):
        every.platform.fetch_comment(ticket, side.missing_comment_id())
    with pytest.raises(TicketGone):
        every.platform.fetch_comment(every.missing_id(), side.missing_comment_id())


def test_malformed_comment_ids_are_refused_before_any_request(over_http: HttpHarness) -> None:
    """Where a comment id becomes part of a URL, a malformed one never reaches the platform."""
    side = side_for(over_http)
    ticket = side.old_ticket()
    before = over_http.request_count()
    for bad in ("1/../../users/me", "1?x=1", "", "attachments-../1"):
        with pytest.raises(PlatformRejected):
            over_http.platform.fetch_comment(ticket, bad)
    assert over_http.request_count() == before


# ---------------------------------------------------------------------- text


def test_redaction_removes_exactly_the_spans_and_keeps_the_rest(every: Harness, side: CommentSide) -> None:
    ticket = side.old_ticket()
    comment_id = side.comment(ticket, TEXT)
    body = every.platform.fetch_comment(ticket, comment_id).body
    spans = [span_of(body, MOBILE), span_of(body, "Erik Berg")]
    result = every.platform.redact_comment(ticket, comment_id, spans)
    assert (result.ticket_id, result.comment_id, result.spans) == (ticket, comment_id, 2)
    after = every.platform.fetch_comment(ticket, comment_id).body
    assert MOBILE not in after and "Erik Berg" not in after and "123" not in after
    for kept in ("Hi! My colleague ", " asked me to send this. Call him on ", " tomorrow. Regards, Anna"):
        assert kept in after
    assert side.stored_text(ticket, comment_id) == after  # what the platform holds, not a cached copy
    assert every.platform.fetch_ticket(ticket).subject == "Printer"  # the ticket stays


def test_redacting_again_succeeds_and_changes_nothing_more(every: Harness, side: CommentSide) -> None:
    ticket = side.old_ticket()
    comment_id = side.comment(ticket, TEXT)
    spans = [span_of(every.platform.fetch_comment(ticket, comment_id).body, MOBILE)]
    every.platform.redact_comment(ticket, comment_id, spans)
    once = side.stored_text(ticket, comment_id)
    every.platform.redact_comment(ticket, comment_id, spans)
    assert side.stored_text(ticket, comment_id) == once


def test_a_redaction_whose_answer_was_lost_is_made_once(every: Harness, side: CommentSide) -> None:
    ticket = side.old_ticket()
    comment_id = side.comment(ticket, TEXT)
    spans = [span_of(every.platform.fetch_comment(ticket, comment_id).body, MOBILE)]
    side.inject("redact", ticket, comment_id, ["lost"])
    every.platform.redact_comment(ticket, comment_id, spans)
    after = side.stored_text(ticket, comment_id)
    assert MOBILE not in after and after.endswith(" tomorrow. Regards, Anna")


def test_spans_outside_the_text_are_refused(every: Harness, side: CommentSide) -> None:
    ticket = side.old_ticket()
    comment_id = side.comment(ticket, "short")
    with pytest.raises(PlatformRejected):
        every.platform.redact_comment(ticket, comment_id, [(2, 500)])
    assert side.stored_text(ticket, comment_id) == "short"


def test_a_refused_redaction_is_a_rejection_not_retried(every: Harness, side: CommentSide) -> None:
    ticket = side.old_ticket()
    comment_id = side.comment(ticket, TEXT)
    spans = [span_of(every.platform.fetch_comment(ticket, comment_id).body, MOBILE)]
    side.inject("redact", ticket, comment_id, [403])
    with pytest.raises(PlatformRejected):
        every.platform.redact_comment(ticket, comment_id, spans)
    assert MOBILE in side.stored_text(ticket, comment_id)


def test_server_errors_during_redaction_are_retried(every: Harness, side: CommentSide) -> None:
    ticket = side.old_ticket()
    comment_id = side.comment(ticket, TEXT)
    spans = [span_of(every.platform.fetch_comment(ticket, comment_id).body, MOBILE)]
    side.inject("redact", ticket, comment_id, [503])
    every.platform.redact_comment(ticket, comment_id, spans)
    assert MOBILE not in side.stored_text(ticket, comment_id)


def test_a_long_retry_after_goes_back_to_the_queue(every: Harness, side: CommentSide) -> None:
    ticket = side.old_ticket()
    comment_id = side.comment(ticket, TEXT)
    spans = [span_of(every.platform.fetch_comment(ticket, comment_id).body, MOBILE)]
    side.inject("redact", ticket, comment_id, [(429, {"Retry-After": "600"})])
    with pytest.raises(PlatformUnavailable) as caught:
        every.platform.redact_comment(ticket, comment_id, spans)
    assert caught.value.retry_after == 600


# ---------------------------------------------------------------------- files


def test_a_removed_file_is_gone_and_the_comment_stays(every: Harness, side: CommentSide) -> None:
    ticket = side.old_ticket()
    comment_id = side.comment(ticket, "see the screenshot", attachments=[("timesheet.png", PNG, "image/png"),
                                                                          ("notes.txt", b"fine", "text/plain")])
    comment = every.platform.fetch_comment(ticket, comment_id)
    shot = next(a for a in comment.attachments if a.filename == "timesheet.png")
    result = every.platform.remove_comment_attachment(ticket, comment_id, shot)
    assert result.attachments == 1
    assert side.stored_files(ticket, comment_id) == ["notes.txt"]
    refetched = every.platform.fetch_comment(ticket, comment_id)
    assert [a.filename for a in refetched.attachments] == ["notes.txt"]
    assert refetched.body.startswith("see the screenshot")
    every.platform.remove_comment_attachment(ticket, comment_id, shot)  # again: nothing left to remove, succeeds
    assert side.stored_files(ticket, comment_id) == ["notes.txt"]


def test_a_refused_file_removal_is_a_rejection(every: Harness, side: CommentSide) -> None:
    ticket = side.old_ticket()
    comment_id = side.comment(ticket, "see the screenshot", attachments=[("timesheet.png", PNG, "image/png")])
    shot = every.platform.fetch_comment(ticket, comment_id).attachments[0]
    side.inject("remove_file", ticket, comment_id, [403])
    with pytest.raises(PlatformRejected):
        every.platform.remove_comment_attachment(ticket, comment_id, shot)
    assert side.stored_files(ticket, comment_id) == ["timesheet.png"]


# ---------------------------------------------------------------------- the description


def test_redacting_the_description_keeps_the_rest_of_it(every: Harness, side: CommentSide) -> None:
    ticket = side.old_ticket(f"My printer is broken. My manager's mobile is {MOBILE}, call her.")
    body = every.platform.fetch_ticket(ticket).body
    result = every.platform.redact_description(ticket, [span_of(body, MOBILE)])
    assert (result.ticket_id, result.comment_id, result.spans) == (ticket, None, 1)
    after = every.platform.fetch_ticket(ticket).body
    assert MOBILE not in after
    assert after.startswith("My printer is broken. My manager's mobile is ") and after.endswith(", call her.")
    every.platform.redact_description(ticket, [span_of(body, MOBILE)])  # again: succeeds, nothing more changes
    assert every.platform.fetch_ticket(ticket).body == after


def test_a_file_of_the_description_is_removed_and_the_ticket_stays(every: Harness, side: CommentSide) -> None:
    assert isinstance(every.platform, DescriptionAttachments)
    ticket = every.new_ticket("Printer", "see the screenshot", attachments=[("timesheet.png", PNG, "image/png"),
                                                                            ("notes.txt", b"fine", "text/plain")])
    shot = next(a for a in every.platform.fetch_ticket(ticket).attachments if a.filename == "timesheet.png")
    result = every.platform.remove_description_attachment(ticket, shot)
    assert (result.ticket_id, result.comment_id, result.attachments) == (ticket, None, 1)
    after = every.platform.fetch_ticket(ticket)
    assert [a.filename for a in after.attachments] == ["notes.txt"] and after.body.startswith("see the screenshot")
    every.platform.remove_description_attachment(ticket, shot)  # again: succeeds
    assert [a.filename for a in every.platform.fetch_ticket(ticket).attachments] == ["notes.txt"]


# ---------------------------------------------------------------------- the sweep


def test_comments_since_lists_later_comments_of_older_tickets_once(every: Harness, side: CommentSide) -> None:
    ticket = side.old_ticket()
    recent = side.comment(ticket, "a later reply", minutes_ago=5)
    older = side.comment(ticket, "an old reply", minutes_ago=50)
    since = datetime.now(timezone.utc) - timedelta(minutes=20)
    found = list(every.platform.comments_since(since))
    assert (ticket, recent) in found and (ticket, older) not in found
    assert len(found) == len(set(found))
    assert all(ticket_id != ticket or comment_id == recent for ticket_id, comment_id in found)


def test_every_comment_request_spends_the_budget(every: Harness, side: CommentSide) -> None:
    ticket = side.old_ticket()
    comment_id = side.comment(ticket, TEXT, attachments=[("timesheet.png", PNG, "image/png")])
    budget = CountingBudget()
    platform: Any = every.with_budget(budget)
    before = every.request_count()
    comment = platform.fetch_comment(ticket, comment_id)
    platform.redact_comment(ticket, comment_id, [span_of(comment.body, MOBILE)])
    platform.remove_comment_attachment(ticket, comment_id, comment.attachments[0])
    assert budget.acquired == every.request_count() - before >= 3
