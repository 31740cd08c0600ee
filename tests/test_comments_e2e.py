"""End to end for comments added later (issue 17.7), one body for both platforms: a real
``gdpr-bridge serve`` process in enforce mode, the fake Zendesk and Jira over HTTP (webhooks
signed as each platform signs them), a real SMTP server on loopback.

A clean ticket, then a reply by its requester holding a colleague's mobile number and a
screenshot of a name and phone table (read by OCR): the spans and the file are gone on the
platform, the rest of the reply and the ticket stay, one notice; the same event delivered
again does nothing twice; a redaction the platform refuses goes to review with no notice."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

from bridge.audit import AuditLog
from bridge.db import open_database
from bridge.jobkeys import comment_key
from tests.e2e import PLATFORMS, make_harness, record_for, wait_for
from tests.fixtures.extract import builders
from tests.support.bridge_process import BridgeProcess
from tests.support.smtp import SmtpSink

CLEAN = "Hello,\n\nThe rota export fails with error E-4412 on build 2024.7.3 since Monday.\n\nRegards\nKarin"
MOBILE = "+44 7911 123456"
COLLEAGUE = "Oliver Pemberton"
REPLY = (f"Hi again,\n\nit failed last night too. Please call my colleague {COLLEAGUE} on {MOBILE}, "
         "he runs the night shift and saw error E-4412 first.\n\nKind regards\nKarin Lindqvist")
KEPT = ("it failed last night too. Please call my colleague ", "he runs the night shift and saw error E-4412 first.")
SCREENSHOT = builders.image_bytes(builders.text_image(
    ["Night shift contacts", "Name                    Mobile", f"{COLLEAGUE}        {MOBILE}",
     "Amelia Llewellyn        +44 7700 900461"], size=(1000, 260), font_size=30))


def requester() -> dict[str, Any]:
    """A requester of their own per test, so that mails are counted per test."""
    return {"name": "Karin Lindqvist", "email": f"karin.{uuid.uuid4().hex[:8]}@kundbolaget.se", "locale": "en-GB"}


@pytest.fixture(scope="module")
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture(scope="module")
def harnesses() -> Iterator[dict[str, Any]]:
    made = {name: make_harness(name) for name in PLATFORMS}
    yield made
    for harness in made.values():
        harness.stop()


@pytest.fixture(scope="module")
def bridge(tmp_path_factory: pytest.TempPathFactory, harnesses: dict[str, Any],
           smtp_sink: SmtpSink) -> Iterator[BridgeProcess]:
    env: dict[str, str] = {}
    for harness in harnesses.values():
        env.update(harness.env())
    env.update({"BRIDGE_MODE": "enforce", "SMTP_URL": smtp_sink.url + "?helo=bridge.test"})
    process = BridgeProcess(tmp_path_factory.mktemp("comments"), env).start()
    yield process
    process.stop()


# ---------------------------------------------------------------------- each platform, in the same words


def add_reply(harness: Any, bridge: BridgeProcess, ticket_id: str, delivery: str) -> tuple[str, httpx.Response]:
    """The requester replies with the screenshot; the platform fires its comment webhook."""
    fake = harness.fake
    if harness.name == "zendesk":
        comment_id, answer = fake.comment_and_deliver(
            bridge.url + "/webhooks/zendesk", int(ticket_id), REPLY, harness.secret,
            attachments=[("night-shift.png", SCREENSHOT, "image/png", False)], invocation_id=delivery)
    else:
        comment_id, answer = fake.comment_and_deliver(
            bridge.url + "/webhooks/jira", ticket_id, REPLY, harness.secret,
            attachments=[("night-shift.png", SCREENSHOT, "image/png")], identifier=delivery)
    return str(comment_id), answer


def redeliver(harness: Any, bridge: BridgeProcess, ticket_id: str, comment_id: str, delivery: str) -> httpx.Response:
    fake = harness.fake
    if harness.name == "zendesk":
        return fake.deliver_webhook(bridge.url + "/webhooks/zendesk", int(ticket_id), harness.secret, form="trigger",
                                    comment_id=int(comment_id), invocation_id=delivery)
    return fake.deliver_webhook(bridge.url + "/webhooks/jira", ticket_id, harness.secret, event="comment_created",
                                payload=fake.comment_payload(ticket_id, int(comment_id)), identifier=delivery)


def reply_text(harness: Any, ticket_id: str, comment_id: str) -> str:
    if harness.name == "zendesk":
        return str(harness.fake.comment(int(comment_id))["plain_body"])
    return str(harness.fake.comment(ticket_id, int(comment_id))["body"])


def reply_files(harness: Any, ticket_id: str, comment_id: str) -> list[str]:
    if harness.name == "zendesk":
        return [a["file_name"] for a in harness.fake.comment(int(comment_id))["attachments"]
                if a["file_name"] != "redacted.txt"]
    return [a.filename for a in harness.fake.issues[ticket_id].attachments]


def redaction_requests(harness: Any) -> int:
    if harness.name == "zendesk":
        return len(harness.fake.calls("PUT", r"^/api/v2/comment_redactions/"))
    return len(harness.fake.calls("PUT", r"^/rest/api/2/issue/[^/]+/comment/\d+$"))


def refuse_redactions(harness: Any) -> None:
    if harness.name == "zendesk":
        harness.fake.inject(r"^/api/v2/comment_redactions/", "PUT", [403] * 20)
    else:
        harness.fake.inject(r"^/rest/api/2/issue/[^/]+/comment/\d+$", "PUT", [403] * 20)


def steps(bridge: BridgeProcess, platform: str, ticket_id: str, comment_id: str) -> dict[str, Any]:
    return AuditLog(open_database(Path(bridge.data_dir) / "bridge.db")).steps(platform, comment_key(ticket_id,
                                                                                                    comment_id))


def mails_to(smtp_sink: SmtpSink, address: str) -> list[Any]:
    return [m for m in smtp_sink.messages if address in str(m["To"])]


def clean_ticket(harness: Any, bridge: BridgeProcess, person: dict[str, Any]) -> str:
    ticket_id = harness.create("Rota export fails", CLEAN, person)
    assert harness.deliver(bridge.url, ticket_id).status_code == 202
    record = wait_for(lambda: record_for(bridge.data_dir, harness.name, ticket_id), timeout=90)
    assert record["verdict"] == "clean"
    return str(ticket_id)


# ---------------------------------------------------------------------- the tests


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_reply_with_a_colleagues_mobile_and_screenshot_is_redacted_and_told_once(
        platform: str, harnesses: dict[str, Any], bridge: BridgeProcess, smtp_sink: SmtpSink) -> None:
    harness = harnesses[platform]
    person = requester()
    ticket_id = clean_ticket(harness, bridge, person)

    delivery = uuid.uuid4().hex
    comment_id, answer = add_reply(harness, bridge, ticket_id, delivery)
    assert answer.status_code == 202, answer.text
    wait_for(lambda: "notified" in steps(bridge, platform, ticket_id, comment_id), timeout=120)

    text = reply_text(harness, ticket_id, comment_id)
    assert MOBILE not in text and "7911" not in text and COLLEAGUE not in text
    for kept in KEPT:
        assert kept in text
    assert reply_files(harness, ticket_id, comment_id) == []  # the screenshot is gone
    assert harness.exists(ticket_id) and not harness.deleted_permanently(ticket_id)  # the ticket stays
    [mail] = mails_to(smtp_sink, person["email"])
    for value in (MOBILE, "7911 123456", COLLEAGUE, "night-shift.png"):
        assert value not in mail.as_string()

    # The same event again (a retry), and announced by another delivery: nothing happens twice.
    redactions = redaction_requests(harness)
    assert redeliver(harness, bridge, ticket_id, comment_id, delivery).status_code in (200, 202)
    assert redeliver(harness, bridge, ticket_id, comment_id, uuid.uuid4().hex).status_code in (200, 202)
    time.sleep(3)
    assert redaction_requests(harness) == redactions
    assert len(mails_to(smtp_sink, person["email"])) == 1


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_redaction_the_platform_refuses_goes_to_review_without_a_notice(
        platform: str, harnesses: dict[str, Any], bridge: BridgeProcess, smtp_sink: SmtpSink) -> None:
    harness = harnesses[platform]
    person = requester()
    ticket_id = clean_ticket(harness, bridge, person)
    refuse_redactions(harness)
    try:
        comment_id, answer = add_reply(harness, bridge, ticket_id, uuid.uuid4().hex)
        assert answer.status_code == 202, answer.text
        wait_for(lambda: "gdpr-review" in harness.tags(ticket_id)  # tagged, and a note names the comment
                 and any(comment_id in note for note in harness.private_notes(ticket_id)), timeout=120)
    finally:
        harness.fake.reset_faults()
    assert MOBILE in reply_text(harness, ticket_id, comment_id)  # refused: nothing changed
    time.sleep(1)
    assert mails_to(smtp_sink, person["email"]) == []
    assert "notified" not in steps(bridge, platform, ticket_id, comment_id)


def old_ticket_with_a_lost_reply(harness: Any, person: dict[str, Any]) -> tuple[str, str]:
    """A ticket from three hours ago and a reply from five minutes ago whose webhook never came."""
    now = datetime.now(timezone.utc)
    fake = harness.fake
    if harness.name == "zendesk":
        ticket = fake.add_ticket("Rota export fails", CLEAN, requester=person, created_at=now - timedelta(hours=3))
        return str(ticket), str(fake.add_comment(ticket, REPLY, created_at=now - timedelta(minutes=5)))
    key = fake.add_issue("SD", "Rota export fails", CLEAN, reporter=person, created=now - timedelta(hours=3))
    return key, str(fake.add_comment(key, REPLY, author=fake.issues[key].reporter,
                                     created=now - timedelta(minutes=5)))


@pytest.mark.parametrize("platform", PLATFORMS)
def test_the_sweep_finds_a_reply_whose_webhook_was_lost(
        platform: str, harnesses: dict[str, Any], bridge: BridgeProcess, smtp_sink: SmtpSink) -> None:
    harness = harnesses[platform]
    person = requester()
    ticket_id, comment_id = old_ticket_with_a_lost_reply(harness, person)
    out = subprocess.run([sys.executable, "-m", "bridge.cli", "sweep", platform, "--since", "2h"], env=bridge.env,
                         cwd=str(bridge.data_dir), capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    wait_for(lambda: "notified" in steps(bridge, platform, ticket_id, comment_id), timeout=120)
    text = reply_text(harness, ticket_id, comment_id)
    assert MOBILE not in text and KEPT[1] in text
    assert len(mails_to(smtp_sink, person["email"])) == 1
