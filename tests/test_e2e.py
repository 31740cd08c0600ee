"""End to end, one body for both platforms: signed webhook → real bridge process → fake
platform → permanent deletion, one email, one audit record; and what must not happen."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

from tests.e2e import PLATFORMS, finished_record, leaked, make_harness, record_for, wait_for
from tests.support.bridge_process import BridgeProcess
from tests.support.smtp import SmtpSink

REQUESTER = {"name": "Karin Lindqvist", "email": "karin.lindqvist@kundbolaget.se", "phone": "+46 8 555 123 45",
             "locale": "sv-SE"}
THIRD_PARTY_PHONE = "+44 7911 123456"
THIRD_PARTY_NAME = "Oliver Pemberton"
VIOLATION_BODY = (
    "Hello,\n\nThe rota export fails for our night shift. Please call our employee "
    f"{THIRD_PARTY_NAME} on {THIRD_PARTY_PHONE}, he saw error E-4412 first.\n\nKind regards\nKarin Lindqvist"
)
CLEAN_BODY = "Hello,\n\nThe rota export fails with error E-4412 on build 2024.7.3 since Monday.\n\nRegards\nKarin"
SEEDED = [THIRD_PARTY_PHONE, THIRD_PARTY_NAME, "Pemberton", "7911 123456", REQUESTER["email"], "Lindqvist",
          "555 123 45"]
TIMINGS: dict[str, list[float]] = {}


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


def platform_env(harnesses: dict[str, Any]) -> dict[str, str]:
    env: dict[str, str] = {}
    for harness in harnesses.values():
        env.update(harness.env())
    return env


@pytest.fixture(scope="module")
def enforcing(tmp_path_factory: pytest.TempPathFactory, harnesses: dict[str, Any],
              smtp_sink: SmtpSink) -> Iterator[BridgeProcess]:
    env = {**platform_env(harnesses), "BRIDGE_MODE": "enforce", "SMTP_URL": smtp_sink.url + "?helo=bridge.test"}
    bridge = BridgeProcess(tmp_path_factory.mktemp("enforce"), env).start()
    yield bridge
    bridge.stop()


@pytest.fixture(scope="module")
def monitoring(tmp_path_factory: pytest.TempPathFactory, harnesses: dict[str, Any],
               smtp_sink: SmtpSink) -> Iterator[BridgeProcess]:
    env = {**platform_env(harnesses), "SMTP_URL": smtp_sink.url + "?helo=bridge.test"}  # no BRIDGE_MODE: monitor
    bridge = BridgeProcess(tmp_path_factory.mktemp("monitor"), env).start()
    yield bridge
    bridge.stop()


def mails_to(smtp_sink: SmtpSink, ticket_id: str) -> list[Any]:
    return [m for m in smtp_sink.messages if ticket_id in str(m["Subject"]) or ticket_id in m.get_body(("plain",)).get_content()]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_violation_is_permanently_deleted_then_notified_and_audited(platform, harnesses, enforcing, smtp_sink) -> None:
    harness = harnesses[platform]
    ticket_id = harness.create("Rota export fails", VIOLATION_BODY, REQUESTER)
    started = time.monotonic()
    response = harness.deliver(enforcing.url, ticket_id)
    assert response.status_code == 202, response.text
    wait_for(lambda: harness.deleted_permanently(ticket_id), timeout=60)
    TIMINGS.setdefault(platform, []).append(time.monotonic() - started)
    record = wait_for(lambda: finished_record(enforcing.data_dir, platform, ticket_id, "notified"))

    assert not harness.exists(ticket_id)
    assert record["verdict"] == "violation"
    assert record["kinds"].get("PHONE_NUMBER") == 1
    assert [s["step"] for s in record["steps"]] == ["deleting", "deleted", "notified"]
    assert record["steps"][1]["at"] <= record["steps"][2]["at"]  # told only after the confirmed deletion

    [mail] = mails_to(smtp_sink, ticket_id)
    assert REQUESTER["email"] in mail["To"]
    text = mail.as_string()
    for value in (THIRD_PARTY_PHONE, "7911 123456", THIRD_PARTY_NAME, "Rota export fails"):
        assert value not in text
    plain = mail.get_body(("plain",)).get_content()
    assert "telefonnummer" in plain.lower()  # Swedish requester locale: Swedish email naming the kind


@pytest.mark.parametrize("platform", PLATFORMS)
def test_clean_ticket_is_left_alone(platform, harnesses, enforcing, smtp_sink) -> None:
    harness = harnesses[platform]
    ticket_id = harness.create("Rota export fails", CLEAN_BODY, REQUESTER)
    assert harness.deliver(enforcing.url, ticket_id).status_code == 202
    record = wait_for(lambda: record_for(enforcing.data_dir, platform, ticket_id), timeout=60)
    assert record["verdict"] == "clean"
    time.sleep(0.3)
    assert harness.exists(ticket_id) and not harness.deleted_permanently(ticket_id)
    assert mails_to(smtp_sink, ticket_id) == []


@pytest.mark.parametrize("platform", PLATFORMS)
def test_monitor_mode_records_and_changes_nothing(platform, harnesses, monitoring, smtp_sink) -> None:
    harness = harnesses[platform]
    ticket_id = harness.create("Rota export fails", VIOLATION_BODY, REQUESTER)
    assert harness.deliver(monitoring.url, ticket_id).status_code == 202
    record = wait_for(lambda: finished_record(monitoring.data_dir, platform, ticket_id, "monitored"), timeout=60)
    assert record["verdict"] == "violation" and record["mode"] == "monitor"
    time.sleep(0.3)
    assert harness.exists(ticket_id)
    assert mails_to(smtp_sink, ticket_id) == []
    assert harness.tags(ticket_id) == [] or "gdpr-review" not in harness.tags(ticket_id)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_forged_signature_is_refused_and_nothing_enqueued(platform, harnesses, enforcing, smtp_sink) -> None:
    harness = harnesses[platform]
    ticket_id = harness.create("Rota export fails", VIOLATION_BODY, REQUESTER)
    response = harness.deliver(enforcing.url, ticket_id, secret="not-the-secret")
    assert response.status_code == 401
    assert "signature" in response.json()["error"] or "secret" in response.json()["error"]
    time.sleep(1.0)
    assert record_for(enforcing.data_dir, platform, ticket_id) is None
    assert harness.exists(ticket_id)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_same_webhook_three_times_gives_one_email_and_one_deletion(platform, harnesses, enforcing, smtp_sink) -> None:
    harness = harnesses[platform]
    ticket_id = harness.create("Rota export fails", VIOLATION_BODY, REQUESTER)
    delivery = uuid.uuid4().hex
    statuses = [harness.deliver(enforcing.url, ticket_id, delivery_id=delivery).status_code for _ in range(3)]
    assert statuses == [202, 200, 200]
    # and two more deliveries with new ids (e.g. a retry from another trigger): still one of each
    statuses += [harness.deliver(enforcing.url, ticket_id).status_code for _ in range(2)]
    wait_for(lambda: finished_record(enforcing.data_dir, platform, ticket_id, "notified"), timeout=60)
    time.sleep(1.0)
    assert len(mails_to(smtp_sink, ticket_id)) == 1
    assert harness.deletions(ticket_id) == 1
    record = record_for(enforcing.data_dir, platform, ticket_id)
    assert [s["step"] for s in record["steps"]] == ["deleting", "deleted", "notified"]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_unreadable_attachment_goes_to_review_never_deleted(platform, harnesses, enforcing, smtp_sink) -> None:
    harness = harnesses[platform]
    broken = b"%PDF-1.7\n1 0 obj <</Type /Catalog" + b"\x00garbage" * 50
    ticket_id = harness.create("Report attached", CLEAN_BODY, REQUESTER, [("report.pdf", broken, "application/pdf")])
    assert harness.deliver(enforcing.url, ticket_id).status_code == 202
    record = wait_for(lambda: finished_record(enforcing.data_dir, platform, ticket_id, "review_marked"), timeout=60)
    assert record["verdict"] == "review"
    assert "gdpr-review" in harness.tags(ticket_id)
    assert harness.exists(ticket_id) and not harness.deleted_permanently(ticket_id)
    assert mails_to(smtp_sink, ticket_id) == []


@pytest.mark.parametrize("platform", PLATFORMS)
def test_malformed_and_oversized_webhooks_get_4xx_with_reason(platform, enforcing) -> None:
    url = f"{enforcing.url}/webhooks/{platform}"
    response = httpx.post(url, content=b"x" * 1_100_000, headers={"Content-Type": "application/json"})
    assert response.status_code == 413 and "larger" in response.json()["error"]
    response = httpx.post(url, content=b"{}", headers={"Content-Type": "application/json"})
    assert response.status_code == 401 and response.json()["error"]
    assert httpx.post(f"{enforcing.url}/webhooks/freshdesk", content=b"{}").status_code == 404


def test_no_personal_data_in_anything_the_bridge_wrote(enforcing, monitoring) -> None:
    """Runs after the tests above: their seeded values must appear in no file of either bridge."""
    assert record_for(enforcing.data_dir, "zendesk", "0") is None  # the audit is readable
    for bridge in (enforcing, monitoring):
        written = list(Path(bridge.data_dir).rglob("*"))
        assert any(p.suffix == ".log" for p in written)
        assert leaked(SEEDED, bridge.data_dir) == []


def test_report_webhook_to_deletion_time() -> None:
    """Prints the measured exposure window (webhook → confirmed permanent deletion)."""
    for platform, seconds in TIMINGS.items():
        print(f"\nwebhook → permanent deletion on {platform}: {', '.join(f'{s:.2f}s' for s in seconds)}")
    assert TIMINGS, "the violation tests ran first and measured"
