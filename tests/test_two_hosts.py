"""Two "hosts": bridge processes with separate data dirs (nothing shared on disk) that share
only Redis (the queue) and PostgreSQL (the state). A burst of duplicated webhooks sent to
both, and a SIGKILL of the host that is mid-job, end with one email, one deletion and each
audit step once per ticket."""

from __future__ import annotations

import re
import threading
import uuid
from pathlib import Path
from typing import Any, Iterator

import pytest
import redis
from sqlalchemy import text

from tests.e2e import audit_of, finished_record, make_harness, wait_for
from tests.support.bridge_process import BridgeProcess
from tests.support.postgres import create_database, drop_database
from tests.support.smtp import SmtpSink

REDIS_URL = "redis://127.0.0.1:6379/15"
REQUESTER = {"name": "Henrik Dahlberg", "email": "henrik.dahlberg@kunde-gmbh.de", "phone": "+49 30 9876543",
             "locale": "de-DE"}
BODY = ("Guten Tag,\n\nbitte rufen Sie unsere Mitarbeiterin Sabine Kromberg unter +49 151 23456789 an, der Export "
        "bricht mit Fehler EXP-5218 ab.\n\nViele Grüße\nHenrik Dahlberg")


@pytest.fixture(scope="module")
def zendesk() -> Iterator[Any]:
    harness = make_harness("zendesk")
    yield harness
    harness.stop()


@pytest.fixture(scope="module")
def sink() -> Iterator[SmtpSink]:
    s = SmtpSink().start()
    yield s
    s.stop()


@pytest.fixture()
def shared() -> Iterator[dict[str, str]]:
    """A fresh PostgreSQL database and a fresh Redis queue name, removed afterwards."""
    database_url = create_database("gdpr_test_hosts")
    name = f"hosts-{uuid.uuid4().hex[:8]}"
    yield {"BRIDGE_DATABASE_URL": database_url, "BRIDGE_QUEUE_URL": REDIS_URL, "BRIDGE_QUEUE_NAME": name}
    from bridge import db as dbmodule

    for opened in list(dbmodule._open.values()):
        if str(opened.url).endswith(database_url.rsplit("/", 1)[-1]):
            opened.dispose()
    drop_database(database_url)
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"*{name.replace('-', '')}*"):
        client.delete(key)


def mails_for(sink: SmtpSink, ticket_id: str) -> list[Any]:
    return [m for m in sink.messages if ticket_id in m.get_body(("plain",)).get_content()]


def decisions_of(database_url: str, ticket_id: str) -> int:
    with audit_of(database_url).db.read() as conn:
        return conn.execute(text("SELECT count(*) FROM decisions WHERE platform='zendesk' AND ticket_id=:t"),
                            {"t": ticket_id}).scalar()


def deliver_burst(zendesk: Any, hosts: list[BridgeProcess], tickets: list[str]) -> list[int]:
    """Each ticket: one delivery id sent to both hosts at once, then two fresh ids, alternating hosts."""
    statuses: list[int] = []
    lock = threading.Lock()

    def send(url: str, ticket_id: str, delivery_id: str | None) -> None:
        status = zendesk.deliver(url, ticket_id, delivery_id=delivery_id).status_code
        with lock:
            statuses.append(status)

    threads = []
    for index, ticket_id in enumerate(tickets):
        same = f"dup-{uuid.uuid4().hex}"
        threads += [threading.Thread(target=send, args=(host.url, ticket_id, same)) for host in hosts]
        threads += [threading.Thread(target=send, args=(hosts[(index + n) % 2].url, ticket_id, None)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return statuses


def test_two_hosts_sharing_only_redis_and_postgres_give_one_email_one_deletion_each_step_once(
        zendesk, sink, shared, tmp_path: Path) -> None:
    env = {**zendesk.env(), **shared, "BRIDGE_MODE": "enforce", "SMTP_URL": sink.url + "?helo=bridge.test",
           "ZENDESK_RETRY_ATTEMPTS": "2", "ZENDESK_TIMEOUT_SECONDS": "60", "BRIDGE_LEASE_SECONDS": "4"}
    hosts = [BridgeProcess(tmp_path / name, {**env, "BRIDGE_HOST_ID": name}) for name in ("host-a", "host-b")]
    for host in hosts:
        host.start(wait_ready=False)
    try:
        for host in hosts:
            host.wait_ready(300)  # two model loads at once on a shared 2-core box
        database_url = shared["BRIDGE_DATABASE_URL"]

        # 1. a burst of duplicated webhooks across both hosts
        tickets = [zendesk.create("Export bricht ab", BODY, REQUESTER) for _ in range(5)]
        statuses = deliver_burst(zendesk, hosts, tickets)
        assert statuses.count(202) == 3 * len(tickets) and statuses.count(200) == len(tickets), statuses
        for ticket_id in tickets:
            wait_for(lambda t=ticket_id: finished_record(database_url, "zendesk", t, "notified"), timeout=120)

        # 2. SIGKILL the host that is mid-job: the platform's DELETE hangs (the email waits for it)
        zendesk.fake.timeout_delay = 600.0
        zendesk.fake.inject(r"^/api/v2/tickets/\d+(\.json)?$", "DELETE", ["timeout"])
        killed_ticket = zendesk.create("Export bricht ab", BODY, REQUESTER)
        assert zendesk.deliver(hosts[0].url, killed_ticket).status_code == 202
        wait_for(lambda: zendesk.fake.pending_faults() == 0, timeout=90)
        assert mails_for(sink, killed_ticket) == []
        pattern = re.compile(rf'"decided".*"ticket_id": "{killed_ticket}"')
        [busy] = [h for h in hosts if pattern.search(h.log_path.read_text(errors="replace"))]
        busy.kill()
        survivor = hosts[1] if busy is hosts[0] else hosts[0]
        wait_for(lambda: zendesk.deleted_permanently(killed_ticket), timeout=150, interval=0.5)
        wait_for(lambda: finished_record(database_url, "zendesk", killed_ticket, "notified"), timeout=30)
        assert "requeue stale job" in survivor.log_path.read_text()
    finally:
        for host in hosts:
            host.stop()
        zendesk.fake.timeout_delay = 1.5

    for ticket_id in [*tickets, killed_ticket]:
        assert len(mails_for(sink, ticket_id)) == 1, ticket_id
        assert zendesk.deletions(ticket_id) == 1, ticket_id
        record = finished_record(database_url, "zendesk", ticket_id, "notified")
        assert [s["step"] for s in record["steps"]] == ["deleting", "deleted", "notified"]
    for ticket_id in [*tickets, killed_ticket]:  # the job taken over decides again, but records it once
        assert decisions_of(database_url, ticket_id) == 1, ticket_id
    assert sum('"outcome"' in h.log_path.read_text() for h in hosts) == 2, "both hosts took jobs"
    assert audit_of(database_url).verify().ok
    for host in hosts:  # nothing of the state on either host's disk
        assert not (host.data_dir / "bridge.db").exists() and not (host.data_dir / "queue.db").exists()
