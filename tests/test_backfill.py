"""``gdpr-bridge backfill``: old tickets through the real CLI process, the fake Zendesk or
Jira over HTTP and a real bridge process (web + worker) deciding what the backfill queues."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator

import pytest
from sqlalchemy import text

from tests.e2e import PLATFORMS, audit_of, make_harness, wait_for
from tests.support.bridge_process import BridgeProcess
from tests.support.smtp import SmtpSink

REQUESTER = {"name": "Karin Lindqvist", "email": "karin.lindqvist@kundbolaget.se", "phone": "+46 8 555 123 45"}
NAME, PHONE = "Oliver Pemberton", "+44 7911 123456"
VIOLATION = (f"Hello,\n\nThe rota export fails for our night shift. Please call our employee {NAME} on {PHONE},"
             " he saw error E-4412 first.\n\nKind regards\nKarin Lindqvist")
CLEAN = "Hello,\n\nThe rota export fails with error E-4412 on build 2024.7.3 since Monday.\n\nRegards\nKarin"
WINDOW = ("--since", "1y", "--until", "30d")


@pytest.fixture(params=PLATFORMS)
def harness(request: pytest.FixtureRequest) -> Iterator[Any]:
    made = make_harness(request.param)
    yield made
    made.stop()


@pytest.fixture()
def sink() -> Iterator[SmtpSink]:
    server = SmtpSink().start()
    yield server
    server.stop()


def old_ticket(harness: Any, body: str, days: float) -> str:
    """A ticket created ``days`` ago (before the bridge was installed: no webhook came)."""
    when = datetime.now(timezone.utc) - timedelta(days=days)
    if harness.name == "zendesk":
        return str(harness.fake.add_ticket("Rota export", body, requester=REQUESTER, created_at=when))
    return harness.fake.add_issue("SD", "Rota export", body, reporter=REQUESTER, created=when)


def cli(bridge: BridgeProcess, *args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bridge.cli", *args], env=bridge.env, cwd=str(bridge.data_dir),
                          capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def decisions(bridge: BridgeProcess, platform: str) -> dict[str, list[str]]:
    """ticket id -> the mode of each of its decision records, in order."""
    with audit_of(bridge.data_dir).db.read() as conn:
        rows = conn.execute(text("SELECT ticket_id, mode FROM decisions WHERE platform = :p ORDER BY id"),
                            {"p": platform}).all()
    found: dict[str, list[str]] = {}
    for ticket_id, mode in rows:
        found.setdefault(ticket_id, []).append(mode)
    return found


def cursor_of(bridge: BridgeProcess, platform: str) -> dict[str, Any] | None:
    from bridge.cursors import CursorStore

    value = CursorStore(audit_of(bridge.data_dir).db).get(f"backfill:{platform}")
    return json.loads(value) if value else None


def step_count(bridge: BridgeProcess, step: str) -> int:
    with audit_of(bridge.data_dir).db.read() as conn:
        return int(conn.execute(text("SELECT count(*) FROM steps WHERE step = :s"), {"s": step}).scalar())


def test_backfill_decides_old_tickets_in_monitor_mode_skips_webhook_ones_and_acts_only_with_enforce(
        harness: Any, sink: SmtpSink, tmp_path: Path) -> None:
    violations = [old_ticket(harness, VIOLATION, days) for days in (300, 200, 100, 40)]
    clean = [old_ticket(harness, CLEAN, days) for days in (250, 60)]
    too_old, too_new = old_ticket(harness, VIOLATION, 500), old_ticket(harness, VIOLATION, 5)
    by_webhook = old_ticket(harness, CLEAN, 90)
    env = {**harness.env(), "BRIDGE_MODE": "enforce", "SMTP_URL": sink.url + "?helo=bridge.test"}
    bridge = BridgeProcess(tmp_path / "bridge", env).start(timeout=300)  # the live bridge enforces
    try:
        assert harness.deliver(bridge.url, by_webhook).status_code == 202
        wait_for(lambda: by_webhook in decisions(bridge, harness.name), timeout=90)

        dry = cli(bridge, "backfill", harness.name, *WINDOW, "--dry-run")
        assert dry.returncode == 0, dry.stderr
        assert "7 ticket(s)" in dry.stdout and "1 already decided or queued; 6 would be queued (nothing was)" in dry.stdout
        assert set(decisions(bridge, harness.name)) == {by_webhook}
        assert cursor_of(bridge, harness.name) is None and step_count(bridge, "backfilled") == 0

        monitor = cli(bridge, "backfill", harness.name, *WINDOW)
        assert monitor.returncode == 0, monitor.stderr
        assert "monitor: the workers decide and record" in monitor.stdout
        assert "7 ticket(s) created" in monitor.stdout and "1 already decided or queued, 6 queued (monitor)" in monitor.stdout
        assert "decided: 6" in monitor.stdout
        decided = decisions(bridge, harness.name)
        for ticket_id in violations + clean:
            assert decided.get(ticket_id) == ["monitor"], ticket_id  # the workers enforce; the backfill does not
            assert harness.exists(ticket_id)
        assert decided[by_webhook] == ["enforce"]  # decided once, by its webhook, not queued again
        assert too_old not in decided and too_new not in decided
        assert sink.messages == [] and cursor_of(bridge, harness.name)["finished"]

        again = cli(bridge, "backfill", harness.name, *WINDOW, "--no-wait")
        assert again.returncode == 0 and "finished listing" in again.stdout

        unconfirmed = cli(bridge, "backfill", harness.name, *WINDOW, "--enforce")
        assert unconfirmed.returncode == 1
        assert [line for line in unconfirmed.stderr.splitlines() if line.strip()] == [
            "Error: --enforce asks for confirmation; hint: run it at a terminal, or add --yes; look first with "
            "--dry-run or a monitor backfill"]
        assert all(harness.exists(t) for t in violations)

        enforce = cli(bridge, "backfill", harness.name, *WINDOW, "--enforce", "--yes")
        assert enforce.returncode == 0, enforce.stderr
        assert "ENFORCE: the workers will act on the tickets" in enforce.stdout
        assert "6 queued (enforce)" in enforce.stdout  # monitor's decisions, now acted on
        wait_for(lambda: all(harness.deleted_permanently(t) for t in violations), timeout=120)
        assert all(harness.exists(t) for t in clean) and harness.exists(too_old) and harness.exists(too_new)
        decided = decisions(bridge, harness.name)
        for ticket_id in violations + clean:
            assert decided[ticket_id] == ["monitor", "enforce"], ticket_id
        wait_for(lambda: len(sink.messages) == len(violations), timeout=60)
    finally:
        bridge.stop()
    log = bridge.log_path.read_text() + monitor.stdout + monitor.stderr + enforce.stdout + enforce.stderr
    for value in (NAME, PHONE, REQUESTER["email"]):
        assert value not in log


def test_a_backfill_killed_mid_run_resumes_and_decides_every_ticket_exactly_once(
        harness: Any, tmp_path: Path) -> None:
    if harness.name == "zendesk":
        harness.fake.export_page_size = 5  # several pages: the cursor moves while the backfill runs
    tickets = [old_ticket(harness, CLEAN, 300 - n) for n in range(40)]
    bridge = BridgeProcess(tmp_path / "bridge", harness.env()).start(timeout=300)
    command = [sys.executable, "-m", "bridge.cli", "backfill", harness.name, "--since", "2y", "--max-queue", "1"]
    first = subprocess.Popen(command, env=bridge.env, cwd=str(bridge.data_dir), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    try:
        wait_for(lambda: step_count(bridge, "backfilled") >= 12 or first.poll() is not None, timeout=120)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        assert first.returncode == -signal.SIGKILL, "the backfill ended before it could be killed"
        queued_before = step_count(bridge, "backfilled")
        assert queued_before < len(tickets)
        stored = cursor_of(bridge, harness.name)
        assert stored is not None and stored["finished"] is None
        if harness.name == "zendesk":
            assert stored["pages"] >= 2 and stored["resume"]

        time.sleep(1)
        second = cli(bridge, "backfill", harness.name, "--since", "2y", "--max-queue", "1")
        assert second.returncode == 0, second.stderr
        assert "resuming the monitor backfill" in second.stdout
        status = [line for line in second.stderr.splitlines() if line.startswith(f"backfill {harness.name}: decided")]
        assert status and "ETA" in status[0] and "(budget" in status[0] and "measured" in status[0]  # no terminal: lines
        # the backfill returns once the last ticket is queued: let the workers decide it before stopping them
        wait_for(lambda: all(t in decisions(bridge, harness.name) for t in tickets), timeout=120)
    finally:
        if first.poll() is None:
            first.kill()
        bridge.stop()
    decided = decisions(bridge, harness.name)
    assert {t: decided.get(t) for t in tickets} == {t: ["monitor"] for t in tickets}  # none skipped, none twice
    assert step_count(bridge, "backfilled") == len(tickets)
    log = bridge.log_path.read_text()
    assert log.count('"message": "job done"') == len(tickets)
