"""Faults caused for real: a worker killed mid-job, platform errors, dead letters, lost
webhooks, two workers on one queue (SQLite and a real Redis), and no personal data at rest."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any, Iterator

import pytest
import redis

from tests.e2e import finished_record, leaked, make_harness, record_for, wait_for
from tests.support.bridge_process import ROOT, BridgeProcess
from tests.support.smtp import SmtpSink

REQUESTER = {"name": "Henrik Dahlberg", "email": "henrik.dahlberg@kunde-gmbh.de", "phone": "+49 30 9876543",
             "locale": "de-DE"}
PHONE = "+49 151 23456789"
NAME = "Sabine Kromberg"
BODY = (f"Guten Tag,\n\nbitte rufen Sie unsere Mitarbeiterin {NAME} unter {PHONE} an, der Export bricht "
        "mit Fehler EXP-5218 ab.\n\nViele Grüße\nHenrik Dahlberg")
SEEDED = [PHONE, "151 23456789", NAME, "Kromberg", REQUESTER["email"], "Dahlberg"]
DELETE_PATH = {"zendesk": r"^/api/v2/tickets/\d+(\.json)?$", "jira": r"^/rest/api/\d/issue/[^/]+$"}
FETCH_PATH = {"zendesk": r"^/api/v2/tickets/\d+(\.json)?$", "jira": r"^/rest/api/\d/issue/[^/]+$"}
REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture(scope="module")
def sink() -> Iterator[SmtpSink]:
    s = SmtpSink().start()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def zendesk() -> Iterator[Any]:
    harness = make_harness("zendesk")
    yield harness
    harness.stop()


@pytest.fixture(scope="module")
def jira() -> Iterator[Any]:
    harness = make_harness("jira")
    yield harness
    harness.stop()


def harness_for(platform: str, zendesk: Any, jira: Any) -> Any:
    return zendesk if platform == "zendesk" else jira


def bridge_env(harness: Any, sink: SmtpSink, **extra: str) -> dict[str, str]:
    return {**harness.env(), "BRIDGE_MODE": "enforce", "SMTP_URL": sink.url + "?helo=bridge.test",
            "ZENDESK_RETRY_ATTEMPTS": "2", **extra}


def mails_for(sink: SmtpSink, ticket_id: str) -> list[Any]:
    return [m for m in sink.messages if ticket_id in m.get_body(("plain",)).get_content()]


def cli(bridge: BridgeProcess, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bridge.cli", *args], env=bridge.env, cwd=str(bridge.data_dir),
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("platform", ["zendesk", "jira"])
def test_worker_killed_during_the_deletion_deletes_once_then_emails_once(platform, zendesk, jira, sink, tmp_path) -> None:
    """The email waits for the confirmed deletion: a worker killed while the DELETE hangs has
    sent nothing; the restarted worker fetches the ticket (and the address) again, deletes it
    and only then emails."""
    harness = harness_for(platform, zendesk, jira)
    harness.fake.timeout_delay = 120.0  # the DELETE hangs past the restart
    harness.fake.inject(DELETE_PATH[platform], "DELETE", ["timeout"])
    env = bridge_env(harness, sink, ZENDESK_TIMEOUT_SECONDS="150", JIRA_TIMEOUT_SECONDS="150")
    first = BridgeProcess(tmp_path, env).start()
    ticket_id = harness.create("Export bricht ab", BODY, REQUESTER)
    assert harness.deliver(first.url, ticket_id).status_code == 202
    wait_for(lambda: any(c.method == "DELETE" for c in harness.fake.requests[-5:]), timeout=60)
    first.kill()  # SIGKILL: no clean-up, the job was taken off the queue
    assert not harness.deleted_permanently(ticket_id)
    assert mails_for(sink, ticket_id) == []  # nothing claimed before the deletion is confirmed

    second = BridgeProcess(tmp_path, env).start()  # same data dir and queue
    try:
        wait_for(lambda: harness.deleted_permanently(ticket_id), timeout=90)
        record = wait_for(lambda: finished_record(tmp_path, platform, ticket_id, "notified"), timeout=60)
    finally:
        second.stop()
        harness.fake.timeout_delay = 1.0
    assert len(mails_for(sink, ticket_id)) == 1
    assert [s["step"] for s in record["steps"]] == ["deleting", "deleted", "notified"]
    assert harness.deletions(ticket_id) == 1
    assert "requeue stale job" in second.log_path.read_text()


@pytest.mark.parametrize("platform", ["zendesk", "jira"])
def test_worker_killed_after_the_deletion_before_the_email_records_the_notice_lost(platform, zendesk, jira, sink,
                                                                                   tmp_path) -> None:
    """The address is kept only by the running job: killed between the confirmed deletion and
    the email, the requester cannot be told, and the bridge says so instead of guessing."""
    harness = harness_for(platform, zendesk, jira)
    env = {**bridge_env(harness, sink), "SMTP_URL": sink.url + "?helo=bridge.test&timeout=60",
           "BRIDGE_STATUS_TOKEN": "status-token-for-the-reliability-tests"}
    first = BridgeProcess(tmp_path, env).start()
    sink.hold()  # the mail server keeps the sender waiting mid-transaction
    try:
        ticket_id = harness.create("Export bricht ab", BODY, REQUESTER)
        assert harness.deliver(first.url, ticket_id).status_code == 202
        assert sink.wait_held(60)
        assert harness.deleted_permanently(ticket_id)  # the email is only tried after the deletion
        first.kill()
    finally:
        sink.release()
    second = BridgeProcess(tmp_path, env).start()
    try:
        record = wait_for(lambda: finished_record(tmp_path, platform, ticket_id, "notice_lost"), timeout=60)
        import httpx

        page = httpx.get(second.url + "/", headers={"Authorization": "Bearer status-token-for-the-reliability-tests"}).text
    finally:
        second.stop()
    assert [s["step"] for s in record["steps"]] == ["deleting", "deleted", "notice_lost"]
    assert mails_for(sink, ticket_id) == []
    assert harness.deletions(ticket_id) == 1
    assert "requesters not told" in page
    assert leaked(SEEDED, tmp_path) == []


@pytest.mark.parametrize("platform", ["zendesk", "jira"])
def test_a_deletion_refused_for_good_is_tagged_noted_dead_lettered_and_shown(platform, zendesk, jira, bridge,
                                                                             sink) -> None:
    import httpx

    harness = harness_for(platform, zendesk, jira)
    ticket_id = harness.create("Export bricht ab", BODY, REQUESTER)
    harness.fake.inject(DELETE_PATH[platform], "DELETE", [(403, {})])
    assert harness.deliver(bridge.url, ticket_id).status_code == 202
    wait_for(lambda: _job(bridge.data_dir, platform, ticket_id).get("state") == "dead", timeout=60)

    assert harness.exists(ticket_id) and not harness.deleted_permanently(ticket_id)
    assert "gdpr-review" in harness.tags(ticket_id)
    [note] = [n for n in harness.private_notes(ticket_id) if "gdpr-bridge" in n]
    assert "refused to delete" in note and "has not been told" in note
    assert mails_for(sink, ticket_id) == []
    [entry] = [d for d in json.loads(cli(bridge, "deadletters", "list", "--json").stdout) if d["ticket_id"] == ticket_id]
    assert "403" in entry["reason"]
    assert "delete_failed" in _steps(bridge.data_dir, platform, ticket_id)
    metrics = httpx.get(bridge.metrics_url + "/metrics").text
    assert f'gdpr_bridge_deletions_failed_total{{platform="{platform}"}}' in metrics
    page = httpx.get(bridge.url + "/", headers={"Authorization": "Bearer status-token-for-the-reliability-tests"}).text
    refused = page.split('id="deletions-refused"', 1)[1].split("</section>", 1)[0]
    assert ticket_id in refused and "403" in refused
    assert leaked(SEEDED, bridge.data_dir) == []


@pytest.fixture(scope="module")
def bridge(tmp_path_factory, zendesk, jira, sink) -> Iterator[BridgeProcess]:
    env = {**bridge_env(zendesk, sink), **jira.env(), "BRIDGE_JOB_RETRIES": "2",
           "BRIDGE_STATUS_TOKEN": "status-token-for-the-reliability-tests"}
    process = BridgeProcess(tmp_path_factory.mktemp("faults"), env).start()
    yield process
    process.stop()


@pytest.mark.parametrize("platform", ["zendesk", "jira"])
def test_rate_limits_and_server_errors_are_retried_until_done(platform, zendesk, jira, bridge, sink) -> None:
    harness = harness_for(platform, zendesk, jira)
    harness.fake.inject(FETCH_PATH[platform], "GET", [(429, {"Retry-After": "1"}), (503, {}), "reset", (502, {}),
                                                      (503, {})])
    ticket_id = harness.create("Export bricht ab", BODY, REQUESTER)
    assert harness.deliver(bridge.url, ticket_id).status_code == 202
    wait_for(lambda: harness.deleted_permanently(ticket_id), timeout=90)
    wait_for(lambda: finished_record(bridge.data_dir, platform, ticket_id, "notified"), timeout=60)  # mail follows
    assert len(mails_for(sink, ticket_id)) == 1


@pytest.mark.parametrize("platform", ["zendesk", "jira"])
def test_ticket_deleted_by_someone_else_ends_cleanly(platform, zendesk, jira, bridge) -> None:
    harness = harness_for(platform, zendesk, jira)
    ticket_id = harness.create("Export bricht ab", BODY, REQUESTER)
    harness.fake.inject(FETCH_PATH[platform], "GET", [(404, {})])
    assert harness.deliver(bridge.url, ticket_id).status_code == 202
    record = wait_for(lambda: _steps(bridge.data_dir, platform, ticket_id).get("gone"), timeout=30)
    assert record is not None
    job = _job(bridge.data_dir, platform, ticket_id)
    assert job["state"] == "done"


def test_rejected_job_is_a_dead_letter_that_can_be_listed_and_retried(zendesk, bridge, sink) -> None:
    ticket_id = zendesk.create("Export bricht ab", BODY, REQUESTER)
    zendesk.fake.inject(FETCH_PATH["zendesk"], "GET", [(403, {})])
    assert zendesk.deliver(bridge.url, ticket_id).status_code == 202
    wait_for(lambda: _job(bridge.data_dir, "zendesk", ticket_id).get("state") == "dead", timeout=30)
    listed = json.loads(cli(bridge, "deadletters", "list", "--json").stdout)
    [entry] = [d for d in listed if d["ticket_id"] == ticket_id]
    assert "403" in entry["reason"] and "zendesk" in entry["reason"]
    assert "PlatformRejected" not in entry["reason"]  # the reason is for admins: no exception class name
    out = cli(bridge, "deadletters", "retry", "zendesk", ticket_id)
    assert "1 job(s) queued again" in out.stdout
    wait_for(lambda: zendesk.deleted_permanently(ticket_id), timeout=60)
    wait_for(lambda: finished_record(bridge.data_dir, "zendesk", ticket_id, "notified"), timeout=60)  # mail follows
    assert len(mails_for(sink, ticket_id)) == 1


def test_sweep_queues_tickets_whose_webhook_was_lost(zendesk, bridge) -> None:
    lost = [zendesk.create("Export bricht ab", BODY, REQUESTER) for _ in range(2)]
    out = cli(bridge, "sweep", "zendesk", "--since", "2h")
    assert out.returncode == 0, out.stderr[-2000:]
    assert "queued" in out.stdout
    for ticket_id in lost:
        wait_for(lambda t=ticket_id: zendesk.deleted_permanently(t), timeout=60)
    again = cli(bridge, "sweep", "zendesk", "--since", "2h")
    assert ", 0 queued" in again.stdout  # everything in the window now has an audit record


def test_periodic_sweep_in_the_worker_catches_a_lost_webhook(zendesk, sink, tmp_path) -> None:
    """rules.yaml sweep.interval_minutes: 1 — the worker's housekeeping sweeps every minute."""
    worker = BridgeProcess(tmp_path, bridge_env(zendesk, sink), sweep_minutes=1).start()
    try:
        ticket_id = zendesk.create("Export bricht ab", BODY, REQUESTER)  # no webhook at all
        wait_for(lambda: zendesk.deleted_permanently(ticket_id), timeout=150, interval=0.5)
    finally:
        worker.stop()
    assert '"sweep"' in worker.log_path.read_text()


def _job(data_dir: Path, platform: str, ticket_id: str) -> dict[str, Any]:
    from bridge.db import open_database
    from bridge.jobs import JobStore

    job = JobStore(open_database(Path(data_dir) / "bridge.db")).get(platform, ticket_id)
    return job.__dict__ if job else {}


def _steps(data_dir: Path, platform: str, ticket_id: str) -> dict[str, Any]:
    from tests.e2e import audit_of

    return audit_of(data_dir).steps(platform, ticket_id)


@pytest.mark.parametrize("queue", ["sqlite", "redis"])
def test_two_worker_processes_and_duplicates_give_one_email_and_one_deletion(queue, zendesk, sink, tmp_path) -> None:
    name = f"test-{uuid.uuid4().hex[:8]}"
    url = f"sqlite:///{tmp_path}/queue.db" if queue == "sqlite" else REDIS_URL
    env = {**bridge_env(zendesk, sink), "BRIDGE_QUEUE_URL": url, "BRIDGE_QUEUE_NAME": name}
    web = BridgeProcess(tmp_path, env, command=("web",)).start()
    workers = [BridgeProcess(tmp_path, env, command=("worker",)).start() for _ in range(2)]
    try:
        tickets = [zendesk.create("Export bricht ab", BODY, REQUESTER) for _ in range(6)]
        for _ in range(3):  # each ticket delivered three times with new delivery ids
            for ticket_id in tickets:
                assert zendesk.deliver(web.url, ticket_id).status_code == 202
        if queue == "redis":  # while jobs wait in the queue (the delivery memory is in the state database)
            assert leaked_in_redis(name, drained=True) == []
        for ticket_id in tickets:
            wait_for(lambda t=ticket_id: finished_record(tmp_path, "zendesk", t, "notified"), timeout=90)
        time.sleep(1.0)
        for ticket_id in tickets:
            assert len(mails_for(sink, ticket_id)) == 1
            assert zendesk.deletions(ticket_id) == 1
        busy = [w for w in workers if '"outcome"' in w.log_path.read_text()]
        assert len(busy) == 2, "both workers took jobs"
        if queue == "redis":
            assert leaked_in_redis(name, drained=True) == []
        assert leaked(SEEDED, tmp_path) == []
    finally:
        for process in (web, *workers):
            process.stop()
        if queue == "redis":
            client = redis.Redis.from_url(REDIS_URL)
            for key in client.scan_iter(f"*{name.replace('-', '')}*"):
                client.delete(key)


def leaked_in_redis(name: str, drained: bool = False) -> list[str]:
    """Seeded values in the queue's Redis keys; the keys must exist unless the queue is drained
    (Redis drops an empty list, and nothing else of the bridge is kept there)."""
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(f"*{name.replace('-', '')}*"))  # huey strips non-word characters
    assert keys or drained, "the queue's keys exist in Redis"
    found = []
    for key in keys:
        kind = client.type(key).decode()
        if kind == "string":
            values = [client.get(key) or b""]
        elif kind == "list":
            values = client.lrange(key, 0, -1)
        elif kind == "hash":
            values = [k + v for k, v in client.hgetall(key).items()]
        elif kind == "zset":
            values = client.zrange(key, 0, -1)
        else:
            values = list(client.smembers(key)) if kind == "set" else []
        blob = b"".join(values)
        found += [v for v in SEEDED if v.encode() in blob or v.lower().encode() in blob]
    return found


def test_metrics_hold_no_personal_data(bridge) -> None:
    import httpx

    text = httpx.get(bridge.metrics_url + "/metrics").text
    assert "gdpr_bridge_decisions_total" in text
    assert [v for v in SEEDED if v in text] == []


def test_no_personal_data_in_files_of_the_fault_bridge(bridge) -> None:
    assert record_for(bridge.data_dir, "zendesk", "none") is None
    assert leaked(SEEDED, bridge.data_dir) == []
    assert (Path(ROOT) / "rules.yaml").exists()
