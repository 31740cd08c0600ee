"""What every platform must do, one test body run on the fake Zendesk, the fake Jira
and the in-memory platform (see conftest.py). A new platform passes this file before
anything else; its own test file keeps only its quirks."""

from __future__ import annotations

import dataclasses
import time
from datetime import datetime, timedelta, timezone

import pytest

from bridge.platform import AttachmentTooLarge, Platform, PlatformRejected, PlatformUnavailable, TicketGone
from tests.contract.harnesses import Harness, HttpHarness

PDF = b"%PDF-1.7 " + bytes(range(256)) * 20  # 5129 bytes
NOTE = "gdpr-bridge: an attachment could not be read. Please review."


def test_the_platform_meets_the_protocol(every: Harness) -> None:
    assert isinstance(every.platform, Platform)
    assert every.platform.name == every.name


def test_fetch_returns_what_the_scanner_needs(every: Harness) -> None:
    ticket_id = every.new_ticket("Invoice question", "my personnummer is 19850212-1234",
                                 attachments=[("id-card.pdf", PDF, "application/pdf")], tags=["billing"])
    ticket = every.platform.fetch_ticket(ticket_id)
    assert (ticket.id, ticket.platform, ticket.subject) == (ticket_id, every.name, "Invoice question")
    assert "19850212-1234" in ticket.body
    assert ticket.requester.email == "anna.svensson@example.se"
    assert [(a.filename, a.size) for a in ticket.attachments] == [("id-card.pdf", len(PDF))]
    assert ticket.tags == ["billing"]
    assert ticket.created_at is not None and ticket.created_at.tzinfo is not None


# ---------------------------------------------------------------------- a ticket that is not there


def test_a_missing_ticket_is_gone_for_every_operation(every: Harness) -> None:
    missing = every.missing_id()
    with pytest.raises(TicketGone):
        every.platform.fetch_ticket(missing)
    with pytest.raises(TicketGone):
        every.platform.delete_ticket(missing)
    with pytest.raises(TicketGone):
        every.platform.mark_for_review(missing, NOTE, "gdpr-review")
    with pytest.raises(TicketGone):
        every.platform.add_tag(missing, "gdpr-clear")


def test_a_malformed_ticket_id_is_refused_before_any_request(every: Harness) -> None:
    before = every.request_count()
    for bad in ("12/../../users/me", "1?x=1", ""):
        with pytest.raises(PlatformRejected):
            every.platform.fetch_ticket(bad)
    assert every.request_count() == before


# ---------------------------------------------------------------------- rate limits and refusals


def test_a_429_waits_for_its_retry_after_then_succeeds(every: Harness) -> None:
    ticket_id = every.new_ticket("Busy", "x")
    every.inject("fetch", ticket_id, [(429, {"Retry-After": "1"})])
    assert every.platform.fetch_ticket(ticket_id).subject == "Busy"
    first, second = every.attempts("fetch", ticket_id)[:2]
    assert second - first >= 0.95


def test_a_long_retry_after_goes_back_to_the_queue_at_once(every: Harness) -> None:
    ticket_id = every.new_ticket("Very busy", "x")
    every.inject("fetch", ticket_id, [(429, {"Retry-After": "600"})])
    started = time.monotonic()
    with pytest.raises(PlatformUnavailable) as caught:
        every.platform.fetch_ticket(ticket_id)
    assert caught.value.retry_after == 600
    assert time.monotonic() - started < 1.0
    assert len(every.attempts("fetch", ticket_id)) == 1


def test_server_errors_are_retried_and_bounded(every: Harness) -> None:
    ticket_id = every.new_ticket("Flaky", "x")
    every.inject("fetch", ticket_id, [503, 502])
    assert every.platform.fetch_ticket(ticket_id).subject == "Flaky"
    every.inject("fetch", ticket_id, [503] * 4)
    with pytest.raises(PlatformUnavailable, match="503"):
        every.platform.fetch_ticket(ticket_id)
    assert len(every.attempts("fetch", ticket_id)) == 3 + 4  # 3 for the first read, 4 (the limit) for the second


def test_wrong_credentials_are_rejected_once_not_retried(every: Harness) -> None:
    ticket_id = every.new_ticket("Locked out", "x")
    platform = every.with_wrong_credentials()
    before = every.request_count()
    with pytest.raises(PlatformRejected) as caught:
        platform.fetch_ticket(ticket_id)
    assert "401" in str(caught.value) and "wrong" not in str(caught.value)
    assert every.request_count() == before + 1


@pytest.mark.parametrize("status", [400, 403])
def test_refusals_are_rejections_not_retried(every: Harness, status: int) -> None:
    ticket_id = every.new_ticket("No", "x")
    every.inject("fetch", ticket_id, [status])
    with pytest.raises(PlatformRejected):
        every.platform.fetch_ticket(ticket_id)
    assert len(every.attempts("fetch", ticket_id)) == 1


# ---------------------------------------------------------------------- downloads


def test_downloads_are_bounded(every: Harness) -> None:
    ticket_id = every.new_ticket("Files", "x", attachments=[("form.pdf", PDF, "application/pdf")])
    [ref] = every.platform.fetch_ticket(ticket_id).attachments
    assert every.platform.download_attachment(ref, len(PDF)) == PDF

    before = every.request_count()
    with pytest.raises(AttachmentTooLarge):
        every.platform.download_attachment(ref, 1000)  # the declared size says so: no request at all
    assert every.request_count() == before

    unknown_size = dataclasses.replace(ref, size=None)
    with pytest.raises(AttachmentTooLarge):
        every.platform.download_attachment(unknown_size, 1000)  # found out while reading
    assert every.platform.download_attachment(unknown_size, len(PDF)) == PDF


def test_download_redirects_are_followed_without_credentials(over_http: HttpHarness) -> None:
    ticket_id = over_http.new_ticket("Files", "x", attachments=[("form.pdf", PDF, "application/pdf")])
    [ref] = over_http.platform.fetch_ticket(ticket_id).attachments
    assert over_http.platform.download_attachment(ref, len(PDF)) == PDF
    api, elsewhere = over_http.download_requests()
    assert api and all(r.has_authorization and r.host == "127.0.0.1" for r in api)
    assert len(elsewhere) == 1 and elsewhere[0].host == "localhost"
    assert not elsewhere[0].has_authorization and "cookie" not in elsewhere[0].headers


# ---------------------------------------------------------------------- deletion


def test_a_deletion_is_confirmed_and_final(every: Harness) -> None:
    ticket_id = every.new_ticket("Delete me", "x", attachments=[("form.pdf", PDF, "application/pdf")])
    result = every.platform.delete_ticket(ticket_id)
    assert result.permanent and result.ticket_id == ticket_id and result.confirmation
    assert not every.exists(ticket_id) and every.deletions(ticket_id) == 1
    with pytest.raises(TicketGone):
        every.platform.fetch_ticket(ticket_id)
    with pytest.raises(TicketGone):
        every.platform.delete_ticket(ticket_id)  # a retried job learns it is done
    assert every.deletions(ticket_id) == 1


def test_a_deletion_whose_answer_was_lost_is_confirmed_once(every: Harness) -> None:
    ticket_id = every.new_ticket("Lost answer", "x")
    every.inject("delete", ticket_id, ["lost"])
    result = every.platform.delete_ticket(ticket_id)
    assert result.permanent and result.ticket_id == ticket_id
    assert not every.exists(ticket_id) and every.deletions(ticket_id) == 1


# ---------------------------------------------------------------------- review notes and tags


def test_one_review_note_however_often_retried(every: Harness) -> None:
    ticket_id = every.new_ticket("Review me", "x", tags=["billing"])
    every.inject("note", ticket_id, ["lost"])  # written, but the answer never came: retried
    every.platform.mark_for_review(ticket_id, NOTE, "gdpr-review")
    every.platform.mark_for_review(ticket_id, NOTE, "gdpr-review")  # a retried job
    assert every.private_notes(ticket_id) == [NOTE]
    assert every.tags(ticket_id) == ["billing", "gdpr-review"]


def test_tags_are_idempotent(every: Harness) -> None:
    ticket_id = every.new_ticket("Tag me", "x", tags=["existing"])
    every.inject("tag", ticket_id, ["lost"])
    every.platform.add_tag(ticket_id, "gdpr-clear")
    every.platform.add_tag(ticket_id, "gdpr-clear")
    assert every.tags(ticket_id) == ["existing", "gdpr-clear"]


# ---------------------------------------------------------------------- sweep


def test_created_since_lists_new_tickets_once(every: Harness) -> None:
    first = every.new_ticket("One", "x")
    second = every.new_ticket("Two", "x")
    found = list(every.platform.created_since(datetime.now(timezone.utc) - timedelta(hours=1)))
    assert sorted(found) == sorted([first, second])


# ---------------------------------------------------------------------- the shared rate budget


class CountingBudget:
    """Records what the adapter spends and reports (the real one is in bridge.ratebudget)."""

    def __init__(self) -> None:
        self.acquired = 0
        self.paused: list[float] = []

    def acquire(self) -> None:
        self.acquired += 1

    def pause(self, seconds: float) -> None:
        self.paused.append(seconds)

    def observe_limit(self, per_minute: float) -> None:
        pass


def test_every_request_spends_the_budget_and_a_429_pauses_every_worker(every: Harness) -> None:
    ticket_id = every.new_ticket("Budget", "x", tags=["billing"])
    budget = CountingBudget()
    platform = every.with_budget(budget)
    every.inject("fetch", ticket_id, [(429, {"Retry-After": "1"})])
    before = every.request_count()
    platform.fetch_ticket(ticket_id)
    platform.add_tag(ticket_id, "gdpr-clear")
    assert budget.acquired == every.request_count() - before > 2  # the 429 and its retry included
    assert budget.paused == [1.0]
