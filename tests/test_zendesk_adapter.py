"""The Zendesk adapter against the fake Zendesk, over real HTTP, through the real zenpy client."""

from __future__ import annotations

import dataclasses
import time
from datetime import datetime, timedelta, timezone
from typing import Any, Iterator

import httpx
import pytest

from adapters.zendesk import ZendeskPlatform
from adapters.zendesk.config import ZendeskConfigError, ZendeskSettings
from bridge.platform import (
    AttachmentTooLarge,
    Platform,
    PlatformRejected,
    PlatformUnavailable,
    WebhookInstaller,
    get_platform,
)
from tests.fakes.zendesk_server import NOTIFY_REQUESTER_TRIGGER, FakeZendesk

FAST = {
    "ZENDESK_TIMEOUT_SECONDS": "0.5",
    "ZENDESK_RETRY_ATTEMPTS": "4",
    "ZENDESK_RETRY_BASE_SECONDS": "0.02",
    "ZENDESK_RETRY_MAX_SECONDS": "2",
    "ZENDESK_JOB_POLL_SECONDS": "0.01",
    "ZENDESK_JOB_TIMEOUT_SECONDS": "3",
}
ANNA = {"name": "Anna Svensson", "email": "anna.svensson@example.se", "phone": "+46701234567", "locale": "sv"}
PUBLIC_URL = "https://bridge.example.com"


@pytest.fixture(autouse=True)
def _restore_zenpy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The adapter points zenpy at the fake through process-wide variables: undo them after each test."""
    monkeypatch.delenv("ZENPY_FORCE_NETLOC", raising=False)
    monkeypatch.delenv("ZENPY_FORCE_SCHEME", raising=False)


@pytest.fixture()
def fake(request: pytest.FixtureRequest) -> Iterator[FakeZendesk]:
    options = getattr(request, "param", {})
    with FakeZendesk(timeout_delay=1.0, **options) as server:
        yield server


def platform_for(fake: FakeZendesk, **overrides: str) -> ZendeskPlatform:
    platform = ZendeskPlatform.from_env(fake.env(**{**FAST, **overrides}))
    return platform


@pytest.fixture()
def zd(fake: FakeZendesk) -> Iterator[ZendeskPlatform]:
    platform = platform_for(fake)
    yield platform
    platform.close()


def seed(fake: FakeZendesk) -> int:
    return fake.add_ticket(
        "Invoice question",
        "Hi, my personnummer is 19850212-1234.",
        requester=ANNA,
        attachments=[("id-card.pdf", b"%PDF-1.4 fake", "application/pdf", False),
                     ("screenshot.png", b"\x89PNG\r\n\x1a\nfake", "image/png", True)],
        comments=[("Forgot this one", True, [("payslip.txt", b"salary 1000", "text/plain", False)]),
                  ("Thanks", True, [])],
        tags=["billing"],
        brand_id=360001,
    )


# ---------------------------------------------------------------------- reading


def test_the_registry_builds_a_platform_that_meets_both_protocols(fake: FakeZendesk) -> None:
    platform = get_platform("zendesk", fake.env(**FAST))
    assert isinstance(platform, Platform)
    assert isinstance(platform, WebhookInstaller)


@pytest.mark.parametrize("fake", [{"max_page_size": 2}], indirect=True)
def test_fetch_ticket_reads_everything_the_scanner_needs(fake: FakeZendesk, zd: ZendeskPlatform) -> None:
    ticket_id = seed(fake)  # three comments' worth of attachments over two pages of comments
    ticket = zd.fetch_ticket(str(ticket_id))

    assert (ticket.id, ticket.platform, ticket.subject) == (str(ticket_id), "zendesk", "Invoice question")
    assert ticket.body == "Hi, my personnummer is 19850212-1234."
    assert (ticket.requester.name, ticket.requester.email) == (ANNA["name"], ANNA["email"])
    assert (ticket.requester.phone, ticket.requester.locale) == (ANNA["phone"], "sv")
    names = {a.filename: a for a in ticket.attachments}
    assert set(names) == {"id-card.pdf", "screenshot.png", "payslip.txt"}  # the inline image too
    assert names["screenshot.png"].inline and not names["id-card.pdf"].inline
    assert names["id-card.pdf"].size == len(b"%PDF-1.4 fake")
    assert names["id-card.pdf"].content_type == "application/pdf"
    assert ticket.tags == ["billing"]
    assert ticket.project == "360001"
    assert ticket.created_at is not None and ticket.created_at.tzinfo is not None
    comment_calls = fake.calls("GET", r"/comments")
    assert len(comment_calls) == 2 and all("include_inline_images=true" in c.query for c in comment_calls)


def test_fetch_ticket_skips_deleted_attachments_and_falls_back_to_the_form(fake: FakeZendesk,
                                                                         zd: ZendeskPlatform) -> None:
    ticket_id = fake.add_ticket("S", "D", attachments=[("gone.txt", b"x", "text/plain", False),
                                                       ("kept.txt", b"y", "text/plain", False)], ticket_form_id=77)
    gone = next(a["id"] for a in fake.comments(ticket_id)[0]["attachments"] if a["file_name"] == "gone.txt")
    fake.mark_attachment_deleted(gone)
    ticket = zd.fetch_ticket(str(ticket_id))
    assert [a.filename for a in ticket.attachments] == ["kept.txt"]
    assert ticket.project == "77"


def test_a_requester_that_no_longer_exists_leaves_the_ticket_readable(fake: FakeZendesk, zd: ZendeskPlatform) -> None:
    ticket_id = fake.add_ticket("S", "D", requester=ANNA)
    del fake.users[fake.tickets[ticket_id]["requester_id"]]
    assert zd.fetch_ticket(str(ticket_id)).requester.email is None


# ---------------------------------------------------------------------- attachments


@pytest.mark.parametrize("fake", [{"blob_chunked": True}], indirect=True)
def test_an_attachment_over_the_limit_while_streaming(fake: FakeZendesk, zd: ZendeskPlatform) -> None:
    big = bytes(range(256)) * 40  # 10 KiB, sent chunked: no Content-Length to check first
    ticket_id = fake.add_ticket("S", "D", attachments=[("big.bin", big, "application/octet-stream", False)])
    ref = dataclasses.replace(zd.fetch_ticket(str(ticket_id)).attachments[0], size=None)
    with pytest.raises(AttachmentTooLarge):
        zd.download_attachment(ref, 4096)
    assert zd.download_attachment(ref, len(big)) == big


# ---------------------------------------------------------------------- deleting


def test_delete_is_permanent_and_confirmed_by_the_job(fake: FakeZendesk, zd: ZendeskPlatform) -> None:
    ticket_id = seed(fake)
    blobs_before = len(fake.blobs)
    result = zd.delete_ticket(str(ticket_id))

    assert result.permanent and result.ticket_id == str(ticket_id)
    assert result.confirmation in fake.jobs and fake.jobs[result.confirmation]["status"] == "completed"
    assert fake.permanently_deleted == [ticket_id]
    assert ticket_id not in fake.tickets and ticket_id not in fake.deleted
    assert len(fake.blobs) == blobs_before - 3  # attachments erased with the ticket
    assert len(fake.calls("GET", rf"/job_statuses/{result.confirmation}")) == 3  # queued, working, completed


def test_delete_finishes_a_ticket_someone_already_soft_deleted(fake: FakeZendesk, zd: ZendeskPlatform) -> None:
    ticket_id = seed(fake)
    answer = httpx.delete(f"{fake.url}/api/v2/tickets/{ticket_id}.json", auth=(f"{fake.email}/token", fake.token))
    assert answer.status_code == 204 and ticket_id in fake.deleted
    assert zd.delete_ticket(str(ticket_id)).permanent
    assert fake.permanently_deleted == [ticket_id]


def test_a_lost_permanent_deletion_whose_job_already_ran_is_confirmed(fake: FakeZendesk,
                                                                        zd: ZendeskPlatform) -> None:
    ticket_id = seed(fake)
    # The purge is queued but its answer (the job id) is lost; by the retry the job has run.
    fake.inject(rf"^/api/v2/deleted_tickets/{ticket_id}", "DELETE", ["lost", (404, {})])
    result = zd.delete_ticket(str(ticket_id))
    assert result.permanent and "lost answer" in result.confirmation  # not reported as "already gone"


@pytest.mark.parametrize("fake", [{"fail_jobs": True}], indirect=True)
def test_a_failed_deletion_job_is_a_rejection(fake: FakeZendesk, zd: ZendeskPlatform) -> None:
    ticket_id = seed(fake)
    with pytest.raises(PlatformRejected, match="failed"):
        zd.delete_ticket(str(ticket_id))
    assert fake.permanently_deleted == []


@pytest.mark.parametrize("fake", [{"job_polls": ["queued"] * 10_000}], indirect=True)
def test_a_deletion_job_that_stays_queued_is_retried_later(fake: FakeZendesk) -> None:
    zd = platform_for(fake, ZENDESK_JOB_TIMEOUT_SECONDS="0.3")
    ticket_id = seed(fake)
    started = time.monotonic()
    with pytest.raises(PlatformUnavailable) as caught:
        zd.delete_ticket(str(ticket_id))
    assert time.monotonic() - started < 2
    assert caught.value.retry_after and caught.value.retry_after > 0
    assert fake.permanently_deleted == [] and ticket_id in fake.deleted  # nothing lost: a retry finishes it


# ---------------------------------------------------------------------- retries and errors


@pytest.mark.parametrize(
    "faults",
    [[503, 503], [(502, {})], ["reset"], ["timeout"], ["reset", 500, "timeout"]],
    ids=["503s", "502", "reset", "timeout", "mixed"],
)
def test_transient_failures_are_retried(fake: FakeZendesk, zd: ZendeskPlatform, faults: list[Any]) -> None:
    ticket_id = seed(fake)
    fake.inject(r"/comments", "GET", faults)
    assert len(zd.fetch_ticket(str(ticket_id)).attachments) == 3
    assert fake.pending_faults() == 0


def test_transient_failures_on_downloads_and_deletes_are_retried(fake: FakeZendesk, zd: ZendeskPlatform) -> None:
    ticket_id = seed(fake)
    ref = zd.fetch_ticket(str(ticket_id)).attachments[0]
    fake.inject(r"^/blob/", "GET", ["reset", 503])
    assert zd.download_attachment(ref, 10_000) == b"%PDF-1.4 fake"
    fake.inject(r"/deleted_tickets/", "DELETE", [(429, {"Retry-After": "0"})])
    fake.inject(r"/job_statuses/", "GET", ["reset"])
    assert zd.delete_ticket(str(ticket_id)).permanent
    assert fake.pending_faults() == 0 and fake.permanently_deleted == [ticket_id]


def test_bad_credentials_name_the_setting_to_fix(fake: FakeZendesk) -> None:
    zd = platform_for(fake, ZENDESK_API_TOKEN="wrong")
    with pytest.raises(PlatformRejected, match="ZENDESK_API_TOKEN"):
        zd.fetch_ticket("1")
    with pytest.raises(PlatformRejected, match="ZENDESK_API_TOKEN"):
        zd.check_credentials()


def test_error_messages_carry_no_ticket_content(fake: FakeZendesk, zd: ZendeskPlatform) -> None:
    ticket_id = fake.add_ticket("S", "D")
    echo = {"error": "RecordInvalid", "details": {"base": [{"description": "anna.svensson@example.se is invalid"}]}}
    fake.inject(r"/tags", "PUT", [(422, {}, echo)])
    with pytest.raises(PlatformRejected) as caught:
        zd.add_tag(str(ticket_id), "gdpr-cleared")
    assert "anna" not in str(caught.value) and "HTTP 422" in str(caught.value)


# ---------------------------------------------------------------------- tags


def test_a_tag_must_be_one_word(fake: FakeZendesk, zd: ZendeskPlatform) -> None:
    ticket_id = fake.add_ticket("S", "D")
    before = len(fake.requests)
    with pytest.raises(PlatformRejected):
        zd.add_tag(str(ticket_id), "two words")  # Zendesk would split it into two tags
    assert len(fake.requests) == before


# ---------------------------------------------------------------------- sweep


@pytest.mark.parametrize("fake", [{"export_page_size": 2}], indirect=True)
def test_created_since_reads_the_incremental_export_page_by_page(fake: FakeZendesk, zd: ZendeskPlatform) -> None:
    now = datetime.now(timezone.utc)
    fake.add_ticket("old", "x", created_at=now - timedelta(hours=5))
    recent = [fake.add_ticket(f"t{i}", "x", created_at=now - timedelta(minutes=50 - i)) for i in range(3)]
    deleted = fake.add_ticket("deleted", "x", created_at=now - timedelta(minutes=40))
    httpx.delete(f"{fake.url}/api/v2/tickets/{deleted}", auth=(f"{fake.email}/token", fake.token))
    fake.inject(r"/incremental/", "GET", ["pass", (429, {"Retry-After": "0"})])  # the second page is retried alone

    found = list(zd.created_since(now - timedelta(hours=1)))

    assert found == [str(t) for t in recent]  # not the old one, not the deleted one
    calls = fake.calls("GET", r"/incremental/tickets/cursor")
    assert "start_time=" in calls[0].query and all("cursor=" in c.query for c in calls[1:])
    assert len(calls) == 3  # page 1, page 2 (429), page 2 again (end of stream)


def test_created_since_a_moment_ago_asks_for_an_allowed_start_time(fake: FakeZendesk, zd: ZendeskPlatform) -> None:
    fake.add_ticket("older", "x", created_at=datetime.now(timezone.utc) - timedelta(minutes=10))
    assert list(zd.created_since(datetime.now(timezone.utc))) == []  # no HTTP 400 "too recent start_time"


# ---------------------------------------------------------------------- install


def our_triggers(fake: FakeZendesk) -> list[dict[str, Any]]:
    return [t for t in fake.triggers.values() if t["title"] == "gdpr-bridge: ticket created"]


def test_install_creates_once_then_updates(fake: FakeZendesk, zd: ZendeskPlatform) -> None:
    first = zd.install_webhook(PUBLIC_URL + "/")
    assert first.created
    hook = fake.webhooks[first.webhook_id]
    assert hook["endpoint"] == "https://bridge.example.com/webhooks/zendesk"
    assert hook["subscriptions"] == ["conditional_ticket_events"] and hook["status"] == "active"
    assert first.env == {"ZENDESK_WEBHOOK_SECRET": fake.signing_secrets[first.webhook_id]}
    (trigger,) = our_triggers(fake)
    assert trigger["conditions"]["all"] == [{"field": "update_type", "operator": "is", "value": "Create"}]
    assert trigger["actions"] == [{"field": "notification_webhook",
                                   "value": [first.webhook_id, '{"ticket_id": "{{ticket.id}}"}']}]

    hook["status"] = "inactive"  # an admin switched things off by hand
    trigger["actions"] = [{"field": "notification_webhook", "value": [first.webhook_id, "{}"]}]
    second = zd.install_webhook(PUBLIC_URL)
    assert not second.created and second.webhook_id == first.webhook_id
    assert len(fake.webhooks) == 1 and len(our_triggers(fake)) == 1
    assert fake.webhooks[first.webhook_id]["status"] == "active"
    assert our_triggers(fake)[0]["actions"][0]["value"][1] == '{"ticket_id": "{{ticket.id}}"}'
    assert second.env == first.env


def test_install_follows_the_bridge_to_a_new_address(fake: FakeZendesk, zd: ZendeskPlatform) -> None:
    first = zd.install_webhook(PUBLIC_URL)
    moved = zd.install_webhook("https://gdpr.example.org")
    assert moved.webhook_id == first.webhook_id and len(fake.webhooks) == 1
    assert fake.webhooks[first.webhook_id]["endpoint"] == "https://gdpr.example.org/webhooks/zendesk"
    assert zd.webhook_status("https://gdpr.example.org") == first.webhook_id
    assert zd.webhook_status(PUBLIC_URL) is None


def test_install_after_a_lost_answer_does_not_duplicate(fake: FakeZendesk, zd: ZendeskPlatform) -> None:
    fake.inject(r"^/api/v2/webhooks$", "POST", ["lost"])  # created, but the answer never arrives
    fake.inject(r"^/api/v2/triggers", "POST", ["lost"])
    result = zd.install_webhook(PUBLIC_URL)
    assert len(fake.webhooks) == 1 and len(our_triggers(fake)) == 1
    assert result.webhook_id in fake.webhooks


def test_install_refuses_to_take_over_an_event_subscribed_webhook(fake: FakeZendesk, zd: ZendeskPlatform) -> None:
    fake.add_webhook("other", PUBLIC_URL + "/webhooks/zendesk", ["zen:event-type:ticket.created"])
    with pytest.raises(PlatformRejected, match="subscribed to events"):
        zd.install_webhook(PUBLIC_URL)
    assert len(fake.webhooks) == 1 and not our_triggers(fake)


def test_install_explains_or_gates_the_requester_notification(fake: FakeZendesk, zd: ZendeskPlatform) -> None:
    notify_id = fake.add_trigger(**NOTIFY_REQUESTER_TRIGGER)
    original = dict(fake.triggers[notify_id])

    explained = zd.install_webhook(PUBLIC_URL, clear_tag="gdpr-cleared")
    assert any(str(notify_id) in m and "to change" in m for m in explained.messages)
    assert fake.triggers[notify_id]["conditions"] == original["conditions"]

    gated = zd.install_webhook(PUBLIC_URL, clear_tag="gdpr-cleared", gate_notifications="yes")
    assert any(f"changed trigger {notify_id}" in m for m in gated.messages)
    conditions = fake.triggers[notify_id]["conditions"]["all"]
    assert {"field": "update_type", "operator": "is", "value": "Change"} in conditions
    assert {"field": "current_tags", "operator": "includes", "value": "gdpr-cleared"} in conditions
    assert {"field": "current_tags", "operator": "not_includes", "value": "gdpr-cleared-notified"} in conditions
    assert {"field": "current_tags", "value": "gdpr-cleared-notified"} in fake.triggers[notify_id]["actions"]
    assert fake.triggers[notify_id]["actions"][0] == original["actions"][0]  # the e-mail itself is untouched

    again = zd.install_webhook(PUBLIC_URL, clear_tag="gdpr-cleared", gate_notifications="yes")
    assert any("already waits" in m for m in again.messages)
    assert len(fake.triggers[notify_id]["conditions"]["all"]) == len(conditions)


def test_install_without_a_notification_trigger_changes_nothing(fake: FakeZendesk, zd: ZendeskPlatform) -> None:
    result = zd.install_webhook(PUBLIC_URL, clear_tag="gdpr-cleared", gate_notifications="yes")
    assert any("nothing to change" in m for m in result.messages)
    assert len(fake.triggers) == 2  # ours: ticket created, comment added


def test_remove_and_status(fake: FakeZendesk, zd: ZendeskPlatform) -> None:
    assert zd.webhook_status(PUBLIC_URL) is None
    installed = zd.install_webhook(PUBLIC_URL)
    assert zd.webhook_status(PUBLIC_URL) == installed.webhook_id
    trigger_ids = sorted(t["id"] for t in fake.triggers.values() if t["title"].startswith("gdpr-bridge"))
    assert len(trigger_ids) == 2
    assert zd.remove_webhook(PUBLIC_URL) == [f"trigger {t}" for t in trigger_ids] + [f"webhook {installed.webhook_id}"]
    assert not fake.webhooks and not our_triggers(fake)
    assert zd.webhook_status(PUBLIC_URL) is None
    assert zd.remove_webhook(PUBLIC_URL) == []


CREATED_CONDITION = {"field": "update_type", "operator": "is", "value": "Create"}


@pytest.mark.parametrize("fake", [{"max_page_size": 1}], indirect=True)
def test_install_finds_its_webhook_beyond_the_first_page(fake: FakeZendesk, zd: ZendeskPlatform) -> None:
    fake.add_webhook("someone else's", "https://other.example.com/hook")
    fake.add_trigger("someone else's", {"all": [CREATED_CONDITION], "any": []}, [{"field": "status", "value": "open"}])
    first = zd.install_webhook(PUBLIC_URL)
    second = zd.install_webhook(PUBLIC_URL)
    assert second.webhook_id == first.webhook_id and len(fake.webhooks) == 2 and len(our_triggers(fake)) == 1


def test_check_credentials(fake: FakeZendesk, zd: ZendeskPlatform) -> None:
    assert str(fake.me_id) in zd.check_credentials()


# ---------------------------------------------------------------------- configuration


def test_missing_settings_are_named() -> None:
    with pytest.raises(ZendeskConfigError) as caught:
        ZendeskPlatform.from_env({"ZENDESK_SUBDOMAIN": "acme"})
    assert "ZENDESK_EMAIL" in str(caught.value) and "ZENDESK_API_TOKEN" in str(caught.value)


@pytest.mark.parametrize("url", ["ftp://x", "http://127.0.0.1:1/api/v2", "not a url"])
def test_a_base_url_with_a_path_or_odd_scheme_is_refused(url: str) -> None:
    env = {"ZENDESK_SUBDOMAIN": "acme", "ZENDESK_EMAIL": "a@b.c", "ZENDESK_API_TOKEN": "t", "ZENDESK_URL": url}
    with pytest.raises(ZendeskConfigError, match="ZENDESK_URL"):
        ZendeskSettings.from_env(env)


@pytest.mark.parametrize("raw", ["acme", "acme.zendesk.com", "https://acme.zendesk.com/"])
def test_the_subdomain_may_be_given_as_a_host(raw: str) -> None:
    env = {"ZENDESK_SUBDOMAIN": raw, "ZENDESK_EMAIL": "a@b.c", "ZENDESK_API_TOKEN": "tok-secret-42"}
    settings = ZendeskSettings.from_env(env)
    assert settings.base_url == "https://acme.zendesk.com"
    assert "tok-secret-42" not in repr(settings)
