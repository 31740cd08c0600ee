"""What an operator sees of a running bridge: ``/metrics``, JSON and text logs (ids, never
personal data), and the rules' ``clear_tag`` on a clean ticket. One real ``serve`` process
(enforce mode, fake Zendesk, real SMTP) for the whole module."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e import finished_record, leaked, record_for, wait_for
from tests.fixtures.extract import builders as b
from tests.fakes.zendesk_server import FakeZendesk
from tests.support.bridge_process import BridgeProcess
from tests.support.smtp import SmtpSink

ROOT = Path(__file__).resolve().parents[1]
SECRET = "zd-webhook-secret-for-metrics"
REQUESTER = {"name": "Karin Lindqvist", "email": "karin.lindqvist@kundbolaget.se", "locale": "en-GB"}
PHONE, NAME = "+44 7911 123456", "Oliver Pemberton"
VIOLATION = f"Hello,\n\nPlease call our employee {NAME} on {PHONE}, he saw error E-4412 first.\n\nKarin Lindqvist"
CLEAN = "Hello,\n\nThe rota export fails with error E-4412 on build 2024.7.3 since Monday.\n\nRegards"
SEEDED = [PHONE, "7911 123456", NAME, "Pemberton", REQUESTER["email"], "Lindqvist", "rota export", SECRET]


def zendesk_env(fake: FakeZendesk) -> dict[str, str]:
    return fake.env(ZENDESK_WEBHOOK_SECRET=SECRET, ZENDESK_JOB_POLL_SECONDS="0.05",
                    ZENDESK_RETRY_BASE_SECONDS="0.05", ZENDESK_TIMEOUT_SECONDS="5")


@pytest.fixture(scope="module")
def zendesk() -> Iterator[FakeZendesk]:
    with FakeZendesk() as fake:
        yield fake


@pytest.fixture(scope="module")
def bridge(tmp_path_factory: pytest.TempPathFactory, zendesk: FakeZendesk) -> Iterator[BridgeProcess]:
    folder = tmp_path_factory.mktemp("metrics")
    rules = folder / "rules.yaml"
    text, n = re.subn(r"(?m)^  clear_tag: null", "  clear_tag: gdpr-cleared", (ROOT / "rules.yaml").read_text())
    assert n == 1
    rules.write_text(text)
    sink = SmtpSink().start()
    env = {**zendesk_env(zendesk), "BRIDGE_MODE": "enforce", "BRIDGE_RULES": str(rules),
           "SMTP_URL": sink.url + "?helo=bridge.test", "BRIDGE_LOG_FORMAT": "json"}
    process = BridgeProcess(folder / "data", env).start()
    yield process
    process.stop()
    sink.stop()


@pytest.fixture(scope="module")
def traffic(bridge: BridgeProcess, zendesk: FakeZendesk) -> dict[str, str]:
    """A violation, a clean ticket, a forged delivery and a ticket the platform refuses to show."""
    hook = bridge.url + "/webhooks/zendesk"
    screenshot = b.image_bytes(b.text_image(["Export failed with error E-4411", "Retry later"], size=(900, 200)))
    ids = {name: str(zendesk.add_ticket("Rota export fails", body, requester=REQUESTER, attachments=attachments))
           for name, body, attachments in (("violation", VIOLATION, []),
                                           ("clean", CLEAN, [("screenshot.png", screenshot, "image/png", False)]),
                                           ("refused", CLEAN, []))}
    zendesk.inject(rf"^/api/v2/tickets/{ids['refused']}\b", "GET", [403] * 20)
    for name in ("violation", "clean", "refused"):
        assert zendesk.deliver_webhook(hook, int(ids[name]), SECRET, form="trigger").status_code == 202
    assert zendesk.deliver_webhook(hook, int(ids["clean"]), "forged", form="trigger").status_code == 401
    wait_for(lambda: finished_record(bridge.data_dir, "zendesk", ids["violation"], "deleted"), timeout=60)
    wait_for(lambda: finished_record(bridge.data_dir, "zendesk", ids["clean"], "cleared"), timeout=60)
    wait_for(lambda: "job dead" in bridge.log_path.read_text(), timeout=30)
    return ids


def metrics_of(bridge: BridgeProcess) -> dict[str, list[Any]]:
    text = httpx.get(bridge.metrics_url + "/metrics").text
    return {family.name: family.samples for family in text_string_to_metric_families(text)}


def value(samples: list[Any], name: str, **labels: str) -> float:
    return sum(s.value for s in samples if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()))


def test_clear_tag_is_added_to_a_clean_ticket(traffic, zendesk, bridge) -> None:
    assert "gdpr-cleared" in zendesk.tags(int(traffic["clean"]))
    assert int(traffic["violation"]) in zendesk.permanently_deleted
    record = record_for(bridge.data_dir, "zendesk", traffic["clean"])
    assert record["verdict"] == "clean" and record["mode"] == "enforce"
    assert [s["step"] for s in record["steps"]] == ["cleared"]
    assert "gdpr-cleared" not in zendesk.tags(int(traffic["refused"]))  # never decided: never cleared


def test_metrics_expose_the_counters(traffic, bridge) -> None:
    m = metrics_of(bridge)
    webhooks = m["gdpr_bridge_webhooks"]
    assert value(webhooks, "gdpr_bridge_webhooks_total", platform="zendesk", result="accepted") == 3
    assert value(webhooks, "gdpr_bridge_webhooks_total", platform="zendesk", result="rejected_401") == 1
    jobs = m["gdpr_bridge_jobs"]
    assert value(jobs, "gdpr_bridge_jobs_total", platform="zendesk", outcome="done") == 2
    assert value(jobs, "gdpr_bridge_jobs_total", platform="zendesk", outcome="dead") == 1
    decisions = m["gdpr_bridge_decisions"]
    assert value(decisions, "gdpr_bridge_decisions_total", verdict="violation", mode="enforce") == 1
    assert value(decisions, "gdpr_bridge_decisions_total", verdict="clean", mode="enforce") == 1
    assert value(m["gdpr_bridge_findings"], "gdpr_bridge_findings_total", kind="PHONE_NUMBER") >= 1
    assert value(m["gdpr_bridge_scan_seconds"], "gdpr_bridge_scan_seconds_count") == 2
    assert value(m["gdpr_bridge_scan_seconds"], "gdpr_bridge_scan_seconds_bucket", le="+Inf") == 2
    # the clean ticket's screenshot went through OCR once
    assert value(m["gdpr_bridge_extract_seconds"], "gdpr_bridge_extract_seconds_count", kind="image", outcome="read") == 1
    assert value(m["gdpr_bridge_platform_errors"], "gdpr_bridge_platform_errors_total", platform="zendesk",
                 error="PlatformRejected") == 1
    assert [s.value for s in m["gdpr_bridge_queue_depth"]] == [0.0]
    labels = {k for family in m.values() for s in family for k in s.labels.values()}
    for ticket_id in traffic.values():  # closed label sets: no ticket ids
        assert ticket_id not in labels


def test_json_logs_carry_ticket_ids_and_no_personal_data(traffic, bridge) -> None:
    lines = [line for line in bridge.log_path.read_text().splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    by_ticket: dict[str, list[str]] = {}
    for r in records:
        assert {"levelname", "name", "message", "asctime"} <= set(r)
        if "ticket_id" in r:
            by_ticket.setdefault(str(r["ticket_id"]), []).append(r["message"])
    assert "webhook accepted" in by_ticket[traffic["violation"]] and "job done" in by_ticket[traffic["violation"]]
    # every line a job writes (the pipeline's, the notifier's) carries its job id and ticket id
    job_lines = [r for r in records if r.get("job_id")]
    violation_jobs = {r["job_id"] for r in job_lines if str(r.get("ticket_id")) == traffic["violation"]}
    assert violation_jobs
    messages = {r["message"] for r in job_lines if r["job_id"] in violation_jobs}
    assert {"decided", "requester notified", "job done"} <= messages, messages
    assert all(str(r["ticket_id"]) == traffic["violation"] for r in job_lines if r["job_id"] in violation_jobs)
    assert "job dead" in by_ticket[traffic["refused"]]
    assert any(r["message"] == "webhook rejected" and r.get("status") == 401 for r in records)
    assert leaked(SEEDED, bridge.data_dir) == []  # not in the log, the audit, the queue or the outbox


def test_text_logs_are_readable_lines_with_ticket_id(tmp_path, zendesk, traffic) -> None:
    """The web half on its own with BRIDGE_LOG_FORMAT=text (starts fast: no models)."""
    web = BridgeProcess(tmp_path / "web", {**zendesk_env(zendesk), "BRIDGE_LOG_FORMAT": "text"},
                        command=("web",)).start()
    try:
        ticket_id = str(zendesk.add_ticket("Rota export fails", VIOLATION, requester=REQUESTER))
        assert zendesk.deliver_webhook(web.url + "/webhooks/zendesk", int(ticket_id), SECRET,
                                       form="trigger").status_code == 202
        line = wait_for(lambda: [ln for ln in web.log_path.read_text().splitlines() if "webhook accepted" in ln])[0]
    finally:
        web.stop()
    assert re.fullmatch(r"\d\d:\d\d:\d\d INFO +bridge\.app webhook accepted platform=zendesk ticket_id=" + ticket_id,
                        line), line
    assert not web.log_path.read_text().lstrip().startswith("{")
    assert leaked(SEEDED, tmp_path / "web") == []
