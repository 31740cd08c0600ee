"""From monitor to enforce, through real processes: what monitor mode decided is acted on once
enforce mode is on, by a redelivered webhook or by ``gdpr-bridge redecide`` (``--dry-run``
first); ``report`` tells monitor's "would" from enforce's "did"."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any, Iterator

import pytest

from tests.e2e import PLATFORMS, finished_record, make_harness, record_for, wait_for
from tests.support.bridge_process import BridgeProcess
from tests.support.smtp import SmtpSink

REQUESTER = {"name": "Karin Lindqvist", "email": "karin.lindqvist@kundbolaget.se", "phone": "+46 8 555 123 45"}
PHONE, NAME = "+44 7911 123456", "Oliver Pemberton"
VIOLATION = (f"Hello,\n\nThe rota export fails for our night shift. Please call our employee {NAME} on {PHONE},"
             " he saw error E-4412 first.\n\nKind regards\nKarin Lindqvist")
CLEAN = "Hello,\n\nThe rota export fails with error E-4412 on build 2024.7.3 since Monday.\n\nRegards\nKarin"


def test_redecide_summary_keeps_one_order_whichever_ticket_was_decided_first() -> None:
    """The summary line once followed the order the workers had decided the tickets in: a
    gone ticket decided before a clean one printed "gone: 1; leave it alone: 1"."""
    from collections import Counter

    from bridge.commands.redecide import summary

    expected = "email the requester and delete the ticket: 2; leave it alone: 1; gone: 1"
    first_gone = Counter({"gone": 1, "leave it alone": 1, "email the requester and delete the ticket": 2})
    first_clean = Counter({"email the requester and delete the ticket": 2, "leave it alone": 1, "gone": 1})
    assert summary(first_gone) == summary(first_clean) == expected
    assert summary(Counter({"not reachable": 1, "gone": 1, "queued": 2})) == "queued: 2; gone: 1; not reachable: 1"


@pytest.fixture(scope="module")
def sink() -> Iterator[SmtpSink]:
    server = SmtpSink().start()
    yield server
    server.stop()


@pytest.fixture(params=PLATFORMS)
def harness(request: pytest.FixtureRequest) -> Iterator[Any]:
    made = make_harness(request.param)
    yield made
    made.stop()


def mails_to(sink: SmtpSink, ticket_id: str) -> list[Any]:
    ref = re.compile(rf"(?<![\w-])#?{re.escape(ticket_id)}(?![\w-])")
    return [m for m in sink.messages if ref.search(str(m["Subject"]))]


def cli(bridge: BridgeProcess, *args: str, mode: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bridge.cli", *args], env={**bridge.env, "BRIDGE_MODE": mode},
                          cwd=str(bridge.data_dir), capture_output=True, text=True, timeout=180)


def remove_from_platform(harness: Any, ticket_id: str) -> None:
    if harness.name == "zendesk":
        harness.fake.tickets.pop(int(ticket_id))
    else:
        harness.fake.issues.pop(ticket_id)


def test_monitor_decisions_are_acted_on_after_switching_to_enforce(harness, sink, tmp_path: Path) -> None:
    platform = harness.name
    env = {**harness.env(), "SMTP_URL": sink.url + "?helo=bridge.test"}
    monitor = BridgeProcess(tmp_path, {**env, "BRIDGE_MODE": "monitor"}).start(timeout=240)
    try:
        redelivered, queued = harness.create("Rota export", VIOLATION, REQUESTER), harness.create("Rota", VIOLATION, REQUESTER)
        clean, gone = harness.create("Rota export", CLEAN, REQUESTER), harness.create("Rota", VIOLATION, REQUESTER)
        for ticket_id in (redelivered, queued, clean, gone):
            assert harness.deliver(monitor.url, ticket_id).status_code == 202
        for ticket_id in (redelivered, queued, clean, gone):
            wait_for(lambda t=ticket_id: finished_record(tmp_path, platform, t, "monitored"), timeout=90)
    finally:
        monitor.stop()
    assert sink.messages == [] or not any(mails_to(sink, t) for t in (redelivered, queued, gone))
    remove_from_platform(harness, gone)  # deleted by an agent meanwhile

    # look first: decided here with the current rules, nothing changes
    run = cli(monitor, "redecide", "--since", "30d", "--dry-run", mode="monitor")
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0] == "4 ticket(s) decided in monitor mode in the last 30d and not acted on"
    assert f"{platform} {queued}: monitor said violation, now violation: would email the requester and delete" in run.stdout
    assert f"{platform} {clean}: monitor said clean, now clean: would leave it alone" in run.stdout
    assert run.stdout.splitlines()[-1] == ("enforce mode would do — email the requester and delete the ticket: 2;"
                                           " leave it alone: 1; gone: 1")
    for value in (PHONE, NAME, "Pemberton", REQUESTER["email"]):
        assert value not in run.stdout + run.stderr
    assert harness.exists(queued) and not mails_to(sink, queued)

    refused = cli(monitor, "redecide", "--since", "30d", mode="monitor")
    assert refused.returncode == 1 and "monitor mode: switch to enforce first" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1

    enforce = BridgeProcess(tmp_path, {**env, "BRIDGE_MODE": "enforce"}).start(timeout=240)
    try:
        # a webhook delivered again after the switch is acted on, not skipped as done
        assert harness.deliver(enforce.url, redelivered, delivery_id=str(uuid.uuid4())).status_code == 202
        wait_for(lambda: harness.deleted_permanently(redelivered), timeout=90)
        wait_for(lambda: finished_record(tmp_path, platform, redelivered, "notified"), timeout=60)  # mail follows
        assert len(mails_to(sink, redelivered)) == 1

        run = cli(enforce, "redecide", "--since", "30d", mode="enforce")
        assert run.returncode == 0, run.stderr
        assert run.stdout.splitlines()[0] == "3 ticket(s) decided in monitor mode in the last 30d and not acted on"
        assert "done — queued: 2; gone: 1" in run.stdout
        wait_for(lambda: harness.deleted_permanently(queued), timeout=90)
        wait_for(lambda: finished_record(tmp_path, platform, queued, "notified"), timeout=60)
        record = wait_for(lambda: finished_record(tmp_path, platform, clean, "enforced"), timeout=90)
        assert record["mode"] == "enforce" and record["verdict"] == "clean"
        assert harness.exists(clean) and not mails_to(sink, clean)
        assert len(mails_to(sink, queued)) == 1
    finally:
        enforce.stop()
    assert record_for(tmp_path, platform, queued)["mode"] == "enforce"

    again = cli(enforce, "redecide", "--since", "30d", mode="enforce")
    assert again.returncode == 0 and again.stdout.splitlines()[0].startswith("0 ticket(s)")

    run = cli(enforce, "report", "--since", "7d", "--format", "json", mode="enforce")
    data = json.loads(run.stdout)
    assert data["tickets"] == 4
    assert data["monitor"]["tickets"] == 1 and data["monitor"]["by_verdict"] == {"violation": 1}  # the gone one
    assert data["enforce"]["tickets"] == 3 and data["enforce"]["done"] == {"deleted": 2, "left_alone": 1}
    text = cli(enforce, "report", "--since", "7d", mode="enforce").stdout
    assert "In monitor mode (1; nothing was changed):" in text
    assert "violation       1  enforce mode would email the requester and delete the ticket" in text
    assert "In enforce mode (3):" in text and re.search(r"^  deleted\s+2$", text, flags=re.M)
    assert re.search(r"^  left alone\s+1$", text, flags=re.M)
    csv_rows = cli(enforce, "report", "--since", "7d", "--format", "csv", mode="enforce").stdout.splitlines()
    assert "monitor_would,violation,1" in csv_rows and "enforce_done,deleted,2" in csv_rows
    assert "enforce_done,left_alone,1" in csv_rows
