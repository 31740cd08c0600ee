"""Zendesk's own side of comment scanning (issue 17): the "comment added" deliveries, the
trigger ``install`` registers for them, and the redaction requests as Zendesk documents them.
What every platform does alike is in tests/contract/test_comment_contract.py."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from adapters.zendesk import ZendeskPlatform, ZendeskWebhook
from adapters.zendesk.install import COMMENT_TRIGGER_BODY, COMMENT_TRIGGER_TITLE
from bridge.platform import PlatformRejected, WebhookRejected
from tests.fakes.zendesk_server import FakeZendesk, ServerThread, sign, zendesk_time

SECRET = "c2lnbmluZy1zZWNyZXQtZm9yLXRoZS10ZXN0cw=="
PERSONAL = "erik.berg@example.se"
PUBLIC_URL = "https://bridge.example.com"
FAST = {"ZENDESK_TIMEOUT_SECONDS": "0.5", "ZENDESK_RETRY_BASE_SECONDS": "0.02", "ZENDESK_RETRY_MAX_SECONDS": "1"}


@pytest.fixture(autouse=True)
def _restore_zenpy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ZENPY_FORCE_NETLOC", raising=False)
    monkeypatch.delenv("ZENPY_FORCE_SCHEME", raising=False)


def signed(body: Any, **extra: str) -> tuple[dict[str, str], bytes]:
    raw = json.dumps(body).encode()
    stamp = zendesk_time(datetime.now(timezone.utc))
    return {"X-Zendesk-Webhook-Signature-Timestamp": stamp, "X-Zendesk-Webhook-Signature": sign(SECRET, stamp, raw),
            **extra}, raw


def comment_event(ticket_id: str = "35436", comment: Any = "900123") -> dict[str, Any]:
    """``zen:event-type:ticket.comment_added`` as Zendesk documents it (the comment's text in it)."""
    return {"type": "zen:event-type:ticket.comment_added", "account_id": 9242270, "id": "d4f5c389-8f4a-4c2e",
            "time": "2025-01-08T14:25:30.123456789Z", "zendesk_event_version": "2022-11-06",
            "subject": f"zen:ticket:{ticket_id}", "detail": {"id": ticket_id, "status": "OPEN"},
            "event": {"comment": {"id": comment, "body": f"mail {PERSONAL}", "is_public": True,
                                  "author": {"id": "8447388090495", "is_staff": False, "name": "Anna"}}}}


@pytest.fixture()
def receiver() -> ZendeskWebhook:
    return ZendeskWebhook.from_env({"ZENDESK_WEBHOOK_SECRET": SECRET})


def refused(receiver: ZendeskWebhook, body: Any) -> WebhookRejected:
    with pytest.raises(WebhookRejected) as caught:
        receiver.parse(*signed(body))
    assert PERSONAL not in caught.value.reason
    return caught.value


# ---------------------------------------------------------------------- parsing


def test_the_comment_trigger_body_names_ticket_and_comment(receiver: ZendeskWebhook) -> None:
    headers, raw = signed({"ticket_id": "35436", "comment_id": "900123"},
                          **{"X-Zendesk-Webhook-Invocation-Id": "8350205"})
    event = receiver.parse(headers, raw)
    assert (event.ticket_id, event.comment_id, event.delivery_id) == ("35436", "900123", "8350205")


def test_a_comment_added_event_names_ticket_and_comment(receiver: ZendeskWebhook) -> None:
    event = receiver.parse(*signed(comment_event(comment=900123)))  # Zendesk sends ids as strings or numbers
    assert (event.ticket_id, event.comment_id, event.delivery_id) == ("35436", "900123", "d4f5c389-8f4a-4c2e")


def test_the_ticket_created_forms_still_have_no_comment(receiver: ZendeskWebhook) -> None:
    event = receiver.parse(*signed({"ticket_id": "35436"}))
    assert (event.ticket_id, event.comment_id, event.delivery_id) == ("35436", None, "zendesk:35436")


def test_an_update_without_a_comment_is_acknowledged_not_queued(receiver: ZendeskWebhook) -> None:
    answer = refused(receiver, {"ticket_id": "35436", "comment_id": ""})
    assert answer.status == 200 and "ignored" in answer.reason


@pytest.mark.parametrize("body", [
    {"ticket_id": "35436", "comment_id": "../1"},
    {"ticket_id": "35436", "comment_id": PERSONAL},
    {"ticket_id": "35436", "comment_id": True},
    comment_event(comment=None),
    comment_event(comment="-1"),
])
def test_malformed_comment_ids_are_refused(receiver: ZendeskWebhook, body: Any) -> None:
    assert refused(receiver, body).status == 400


def test_without_an_invocation_id_the_delivery_key_names_the_comment(receiver: ZendeskWebhook) -> None:
    event = receiver.parse(*signed({"ticket_id": "35436", "comment_id": "900123"}))
    assert event.delivery_id == "zendesk:35436:comment:900123"


# ---------------------------------------------------------------------- delivered by the fake over HTTP


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    receiver = ZendeskWebhook.from_env({"ZENDESK_WEBHOOK_SECRET": SECRET})

    async def hook(request: Request) -> JSONResponse:
        try:
            parsed = receiver.parse(request.headers, await request.body())
        except WebhookRejected as exc:
            return JSONResponse({"error": exc.reason}, status_code=exc.status)
        return JSONResponse({"ticket_id": parsed.ticket_id, "comment_id": parsed.comment_id,
                             "delivery_id": parsed.delivery_id}, status_code=202)

    server = ServerThread(Starlette(routes=[Route("/webhooks/zendesk", hook, methods=["POST"])])).start()
    try:
        yield f"http://127.0.0.1:{server.port}/webhooks/zendesk"
    finally:
        server.stop()


@pytest.mark.parametrize("form", ["trigger", "event"])
def test_the_fake_adds_a_comment_and_fires_its_webhook(endpoint: str, form: str) -> None:
    zendesk = FakeZendesk()  # only seeding and delivery: no server needed
    ticket = zendesk.add_ticket("Help", "x")
    comment_id, answer = zendesk.comment_and_deliver(endpoint, ticket, f"call {PERSONAL}", SECRET, form=form,
                                                     invocation_id="42")
    assert answer.status_code == 202
    assert answer.json() == {"ticket_id": str(ticket), "comment_id": str(comment_id), "delivery_id": "42"}
    assert zendesk.comment(comment_id)["plain_body"] == f"call {PERSONAL}"


# ---------------------------------------------------------------------- install


@pytest.fixture()
def fake() -> Iterator[FakeZendesk]:
    with FakeZendesk(timeout_delay=1.0) as server:
        yield server


@pytest.fixture()
def zd(fake: FakeZendesk) -> Iterator[ZendeskPlatform]:
    platform = ZendeskPlatform.from_env(fake.env(**FAST))
    yield platform
    platform.close()


def comment_triggers(fake: FakeZendesk) -> list[dict[str, Any]]:
    return [t for t in fake.triggers.values() if t["title"] == COMMENT_TRIGGER_TITLE]


def test_install_registers_comments_once_and_keeps_the_secret(fake: FakeZendesk, zd: ZendeskPlatform) -> None:
    first = zd.install_webhook(PUBLIC_URL)
    (trigger,) = comment_triggers(fake)
    assert trigger["active"] and trigger["actions"] == [
        {"field": "notification_webhook", "value": [first.webhook_id, COMMENT_TRIGGER_BODY]}]
    assert trigger["conditions"]["all"] == [{"field": "update_type", "operator": "is", "value": "Change"}]
    assert {c["value"] for c in trigger["conditions"]["any"]} == {"true", "false"}  # public or private
    assert any("comment added" in m for m in first.messages)

    trigger["actions"] = [{"field": "notification_webhook", "value": [first.webhook_id, "{}"]}]  # changed by hand
    again = zd.install_webhook(PUBLIC_URL)
    (trigger,) = comment_triggers(fake)
    assert trigger["actions"][0]["value"][1] == COMMENT_TRIGGER_BODY and len(fake.triggers) == 2
    assert again.env == first.env  # the signing secret stays

    rotated = zd.install_webhook(PUBLIC_URL, rotate_secret=True)
    assert rotated.env != first.env and len(fake.triggers) == 2


def test_an_install_from_before_comments_gets_the_comment_trigger(fake: FakeZendesk, zd: ZendeskPlatform) -> None:
    first = zd.install_webhook(PUBLIC_URL)
    for trigger in comment_triggers(fake):
        del fake.triggers[trigger["id"]]  # what an older install left
    with pytest.raises(PlatformRejected) as caught:
        zd.webhook_status(PUBLIC_URL)
    assert "install zendesk" in str(caught.value) and COMMENT_TRIGGER_TITLE in str(caught.value)
    zd.install_webhook(PUBLIC_URL)
    assert len(comment_triggers(fake)) == 1 and zd.webhook_status(PUBLIC_URL) == first.webhook_id


def test_remove_takes_both_triggers_then_the_webhook(fake: FakeZendesk, zd: ZendeskPlatform) -> None:
    zd.install_webhook(PUBLIC_URL)
    removed = zd.remove_webhook(PUBLIC_URL)
    assert [r.split()[0] for r in removed] == ["trigger", "trigger", "webhook"]
    assert not fake.triggers and not fake.webhooks


# ---------------------------------------------------------------------- the redaction requests


def test_text_goes_to_the_agent_workspace_redaction_with_only_the_spans_tagged(fake: FakeZendesk,
                                                                                zd: ZendeskPlatform) -> None:
    ticket = fake.add_ticket("Help", "x", created_at=datetime.now(timezone.utc) - timedelta(hours=1))
    text = "Erik <boss> & me: call +46 70 123 45 67.\nBye"
    comment_id = fake.add_comment(ticket, text)
    start = text.index("+46")
    zd.redact_comment(str(ticket), str(comment_id), [(start, start + len("+46 70 123 45 67"))])
    [call] = fake.calls("PUT", r"^/api/v2/comment_redactions/")
    assert call.path == f"/api/v2/comment_redactions/{comment_id}.json"
    stored = fake.comment(comment_id)
    assert stored["plain_body"] == "Erik <boss> & me: call " + "\u2587" * 16 + ".\nBye"
    assert "&lt;boss&gt; &amp; me" in stored["html_body"]  # the HTML around the span is sent back as it was


def test_a_span_that_is_not_in_the_html_goes_to_review(fake: FakeZendesk, zd: ZendeskPlatform) -> None:
    ticket = fake.add_ticket("Help", "x")
    comment_id = fake.add_comment(ticket, "call +46 70 123 45 67")
    with fake._lock:
        for comment in fake._comments[ticket]:
            if comment["id"] == comment_id:
                comment["html_body"] = "<p>something else</p>"
    with pytest.raises(PlatformRejected):
        zd.redact_comment(str(ticket), str(comment_id), [(5, 21)])
    assert not fake.calls("PUT", r"^/api/v2/comment_redactions/")


def test_a_closed_ticket_refuses_attachment_redaction(fake: FakeZendesk, zd: ZendeskPlatform) -> None:
    ticket = fake.add_ticket("Help", "x", status="closed")
    comment_id = fake.add_comment(ticket, "see file", attachments=[("a.png", b"PNG", "image/png", False)])
    attachment = zd.fetch_comment(str(ticket), str(comment_id)).attachments[0]
    with pytest.raises(PlatformRejected):
        zd.remove_comment_attachment(str(ticket), str(comment_id), attachment)
    assert [a["file_name"] for a in fake.comment(comment_id)["attachments"]] == ["a.png"]


def test_the_sweep_reads_comment_events_and_skips_descriptions(fake: FakeZendesk, zd: ZendeskPlatform) -> None:
    hour_ago = datetime.now(timezone.utc) - timedelta(hours=1)
    old = fake.add_ticket("Old", "x", created_at=hour_ago - timedelta(hours=1))
    reply = fake.add_comment(old, "a reply", created_at=hour_ago + timedelta(minutes=10))
    new = fake.add_ticket("New", "description", created_at=hour_ago + timedelta(minutes=5))
    found = list(zd.comments_since(hour_ago))
    assert found == [(str(old), str(reply))] and str(new) not in {t for t, _ in found}
    [call] = fake.calls("GET", r"^/api/v2/incremental/ticket_events")
    assert "include=comment_events" in call.query


def test_doctor_fails_an_install_from_before_comments_with_a_hint(fake: FakeZendesk, zd: ZendeskPlatform,
                                                                   tmp_path: Path) -> None:
    from click.testing import CliRunner

    from bridge.cli import cli

    installed = zd.install_webhook(PUBLIC_URL)
    for trigger in comment_triggers(fake):
        del fake.triggers[trigger["id"]]
    env = {**fake.env(), **installed.env, "BRIDGE_PUBLIC_URL": PUBLIC_URL, "BRIDGE_DATA_DIR": str(tmp_path),
           "BRIDGE_QUEUE_URL": "", "JIRA_URL": "", "JIRA_WEBHOOK_SECRET": ""}
    output = CliRunner().invoke(cli, ["doctor"], env=env).output
    [line] = [ln for ln in output.splitlines() if "zendesk webhook:" in ln]
    assert line.startswith("FAIL") and COMMENT_TRIGGER_TITLE in line, output
    assert "install zendesk" in output


def test_an_address_goes_with_its_mailto_link(fake: FakeZendesk, zd: ZendeskPlatform) -> None:
    """Zendesk renders addresses as links: the link element is redacted too, else the address
    would stay in its href."""
    ticket = fake.add_ticket("Help", "x")
    text = f"Please write to {PERSONAL} about it."
    comment_id = fake.add_comment(ticket, text)
    assert f'href="mailto:{PERSONAL}"' in fake.comment(comment_id)["html_body"]
    start = text.index(PERSONAL)
    zd.redact_comment(str(ticket), str(comment_id), [(start, start + len(PERSONAL))])
    stored = fake.comment(comment_id)
    assert PERSONAL not in stored["html_body"] and "mailto" not in stored["html_body"]
    assert stored["plain_body"] == "Please write to " + "\u2587" * len(PERSONAL) + " about it."
