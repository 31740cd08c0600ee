"""The channels rule end to end (issue 16.4), on both platforms: a real bridge process, the
fake Zendesk / Jira over HTTP and a real SMTP server. An email ticket is recorded in monitor
mode and nothing changes; in enforce mode it is deleted (or closed, per rule) and its
requester gets one portal notice in their language; a web/portal ticket is untouched by the
rule and still scanned; report, attest and the status page count the rule apart."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
import yaml

from tests.e2e import PLATFORMS, finished_record, make_harness, record_for, wait_for
from tests.support.bridge_process import BridgeProcess
from tests.support.smtp import SmtpSink

ROOT = Path(__file__).resolve().parents[1]
PORTAL = "https://help.example.com/new-request"
CLEAN = "Hej,\n\nExporten av schemat stannar med fel E-4412 sedan uppgraderingen till 2024.7.3.\n\nMvh\nIngrid"
CLEAN_DE = "Guten Tag,\n\nder Export bricht seit dem Update auf 2024.7.3 mit Fehler E-4412 ab.\n\nGrüße\nJan"
STATUS_TOKEN = "status-token-for-the-channels-test-0123456789"


def requester(platform: str, name: str, email: str, locale: str) -> dict[str, Any]:
    return {"name": name, "email": email, "locale": locale.replace("-", "_") if platform == "jira" else locale}


@pytest.fixture
def sink() -> Iterator[SmtpSink]:  # one per test: each fake platform numbers its tickets from the same start
    server = SmtpSink().start()
    yield server
    server.stop()


@pytest.fixture(params=PLATFORMS)
def harness(request: pytest.FixtureRequest) -> Iterator[Any]:
    made = make_harness(request.param)
    yield made
    made.stop()


def rules_file(tmp_path: Path, action: str) -> Path:
    rules = yaml.safe_load((ROOT / "rules.yaml").read_text(encoding="utf-8"))
    rules["sweep"]["interval_minutes"] = 0
    rules["channels"] = {"reject": ["email"], "action": action, "portal_url": PORTAL}
    path = tmp_path / f"rules-{action}.yaml"
    path.write_text(yaml.safe_dump(rules, allow_unicode=True), encoding="utf-8")
    return path


def arrived_by_email(harness: Any, ticket_id: str) -> None:
    harness.fake.set_channel(int(ticket_id) if harness.name == "zendesk" else ticket_id, "email")


def mails_to(sink: SmtpSink, ticket_id: str) -> list[Any]:
    ref = re.compile(rf"(?<![\w-])#?{re.escape(ticket_id)}(?![\w-])")
    return [m for m in sink.messages if ref.search(str(m["Subject"]))]


def steps_of(tmp_path: Path, platform: str, ticket_id: str) -> dict[str, str | None]:
    record = record_for(tmp_path, platform, ticket_id) or {"steps": []}
    return {s["step"]: s["detail"] for s in record["steps"]}


def cli(bridge: BridgeProcess, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bridge.cli", *args], env=bridge.env, cwd=str(bridge.data_dir),
                          capture_output=True, text=True, timeout=180)


def test_an_email_ticket_is_recorded_in_monitor_then_deleted_in_enforce_with_one_notice(harness: Any, sink: SmtpSink,
                                                                                       tmp_path: Path) -> None:
    platform = harness.name
    env = {**harness.env(), "SMTP_URL": sink.url + "?helo=bridge.test", "BRIDGE_RULES": str(rules_file(tmp_path, "delete")),
           "BRIDGE_STATUS_TOKEN": STATUS_TOKEN}
    person = requester(platform, "Ingrid Svensson", "ingrid.svensson@kund.example", "sv-SE")
    by_email, by_portal = harness.create("Schemaexport", CLEAN, person), harness.create("Schemaexport", CLEAN, person)
    arrived_by_email(harness, by_email)

    monitor = BridgeProcess(tmp_path, {**env, "BRIDGE_MODE": "monitor"}).start(timeout=240)
    try:
        for ticket_id in (by_email, by_portal):
            assert harness.deliver(monitor.url, ticket_id).status_code == 202
        for ticket_id in (by_email, by_portal):
            wait_for(lambda t=ticket_id: finished_record(tmp_path, platform, t, "monitored"), timeout=120)
    finally:
        monitor.stop()
    assert steps_of(tmp_path, platform, by_email)["channel_would_reject"] == "email; would delete"
    assert "channel_would_reject" not in steps_of(tmp_path, platform, by_portal)
    assert harness.exists(by_email) and harness.exists(by_portal) and not mails_to(sink, by_email)
    look = cli(monitor, "redecide", "--since", "30d", "--dry-run")  # what enforce mode would do, nothing changes
    assert look.returncode == 0, look.stderr
    assert (f"{platform} {by_email}: monitor said clean, arrived by email: would ask the requester to use the portal"
            " and delete the ticket (rejected channel)") in look.stdout
    assert f"{platform} {by_portal}: monitor said clean, now clean: would leave it alone" in look.stdout

    enforce = BridgeProcess(tmp_path, {**env, "BRIDGE_MODE": "enforce"}).start(timeout=240)
    try:
        for ticket_id in (by_email, by_portal):  # delivered again after the switch
            assert harness.deliver(enforce.url, ticket_id, delivery_id=str(uuid.uuid4())).status_code == 202
        wait_for(lambda: harness.deleted_permanently(by_email), timeout=120)
        wait_for(lambda: finished_record(tmp_path, platform, by_email, "channel_notice"), timeout=60)
        record = wait_for(lambda: finished_record(tmp_path, platform, by_portal, "enforced"), timeout=120)
        auth = {"Authorization": f"Bearer {STATUS_TOKEN}"}
        status = httpx.get(enforce.url + "/api/status", headers=auth, timeout=10).json()
        page = httpx.get(enforce.url + "/", headers=auth, timeout=10)
    finally:
        enforce.stop()
    assert record["mode"] == "enforce" and record["verdict"] == "clean"  # the portal ticket: scanned, kept
    assert harness.exists(by_portal) and not mails_to(sink, by_portal)
    steps = steps_of(tmp_path, platform, by_email)
    assert steps["channel_rejected"] == "email; delete" and "channel_deleted" in steps
    [mail] = mails_to(sink, by_email)
    text = " ".join(mail.get_body(("plain",)).get_content().split())
    assert mail["Content-Language"] == "sv" and "har raderats" in str(mail["Subject"])
    assert "via e-post" in text and PORTAL in text
    for value in ("E-4412", "Exporten", "Schemaexport", "ingrid.svensson", "Ingrid"):  # nothing of the ticket
        assert value not in text

    report = json.loads(cli(enforce, "report", "--since", "7d", "--format", "json").stdout)
    assert report["channels"]["rejected"] == 1 and report["channels"]["by_channel"] == {"email": 1}
    assert report["channels"]["deleted"] == 1 and report["channels"]["notices"]["sent"] == 1
    assert report["channels"]["monitor_would"] == 0  # enforced since: counted once, as rejected
    assert report["monitor"]["tickets"] == 0  # neither is still only a "would"
    text_report = cli(enforce, "report", "--since", "7d").stdout
    assert "Rejected by channel (rules' channels.reject) (1):" in text_report and re.search(r"by email\s+1", text_report)
    today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    attest = json.loads(cli(enforce, "audit", "attest", "--from", today, "--to", today, "--format", "json").stdout)
    assert attest["deletions"]["rejected channel"] == 1 and attest["deletions"]["policy violation"] == 0
    assert attest["channels"]["by_channel"] == {"email": 1}
    assert status["channels"]["rejected"] == 1 and status["channels"]["deleted"] == 1
    assert page.status_code == 200 and '<div class="tile" id="channel-count"><b>1</b>rejected by channel' in page.text


def test_an_email_ticket_is_closed_when_the_rule_says_close(harness: Any, sink: SmtpSink, tmp_path: Path) -> None:
    platform = harness.name
    env = {**harness.env(), "SMTP_URL": sink.url + "?helo=bridge.test", "BRIDGE_MODE": "enforce",
           "BRIDGE_RULES": str(rules_file(tmp_path, "close"))}
    ticket_id = harness.create("Export", CLEAN_DE, requester(platform, "Jan Berger", "jan.berger@kunde.example", "de-DE"))
    arrived_by_email(harness, ticket_id)
    bridge = BridgeProcess(tmp_path, env).start(timeout=240)
    try:
        assert harness.deliver(bridge.url, ticket_id).status_code == 202
        record = wait_for(lambda: finished_record(tmp_path, platform, ticket_id, "enforced"), timeout=120)
    finally:
        bridge.stop()
    assert record["verdict"] == "clean"  # closed, then scanned like any other ticket
    steps = steps_of(tmp_path, platform, ticket_id)
    assert steps["channel_rejected"] == "email; close" and "channel_closed" in steps
    assert harness.exists(ticket_id) and not harness.deleted_permanently(ticket_id)
    if platform == "zendesk":
        assert harness.fake.tickets[int(ticket_id)]["status"] == "solved"
    else:
        assert harness.fake.issues[ticket_id].status == "Resolved"
    [note] = [n for n in harness.private_notes(ticket_id) if "channels.reject" in str(n)]
    assert "arrived by email" in str(note)
    [mail] = mails_to(sink, ticket_id)
    text = " ".join(mail.get_body(("plain",)).get_content().split())
    assert mail["Content-Language"] == "de" and "geschlossen" in str(mail["Subject"]) and PORTAL in text
    assert "E-4412" not in text and "Export" not in str(mail["Subject"])
