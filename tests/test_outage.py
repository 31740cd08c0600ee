"""What happens when PostgreSQL or Redis is down: webhooks answer 503 (the platform retries),
queued jobs wait, a worker started during the outage waits, and nothing is lost. The test
runs its own PostgreSQL and Redis on spare loopback ports and stops those."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Iterator

import pytest

from tests.e2e import make_harness, wait_for
from tests.support.bridge_process import BridgeProcess
from tests.support.services import TempPostgres, TempRedis
from tests.support.smtp import SmtpSink

REQUESTER = {"name": "Henrik Dahlberg", "email": "henrik.dahlberg@kunde-gmbh.de", "phone": "+49 30 9876543",
             "locale": "de-DE"}
BODY = ("Guten Tag,\n\nbitte rufen Sie unsere Mitarbeiterin Sabine Kromberg unter +49 151 23456789 an, der Export "
        "bricht mit Fehler EXP-5218 ab.\n\nViele Grüße\nHenrik Dahlberg")


@pytest.fixture()
def servers() -> Iterator[tuple[TempPostgres, TempRedis]]:
    postgres, redis_server = TempPostgres(), TempRedis()
    try:
        yield postgres.start(), redis_server.start()
    finally:
        postgres.remove()
        redis_server.remove()


@pytest.fixture()
def zendesk() -> Iterator[Any]:
    harness = make_harness("zendesk")
    yield harness
    harness.stop()


@pytest.fixture()
def sink() -> Iterator[SmtpSink]:
    s = SmtpSink().start()
    yield s
    s.stop()


def mails_for(sink: SmtpSink, ticket_id: str) -> list[Any]:
    return [m for m in sink.messages if ticket_id in m.get_body(("plain",)).get_content()]


def test_outages_of_postgres_and_redis_make_webhooks_wait_and_lose_nothing(servers, zendesk, sink,
                                                                           tmp_path: Path) -> None:
    postgres, redis_server = servers
    env = {**zendesk.env(), "BRIDGE_MODE": "enforce", "SMTP_URL": sink.url + "?helo=bridge.test",
           "BRIDGE_DATABASE_URL": postgres.url, "BRIDGE_QUEUE_URL": redis_server.url}
    web = BridgeProcess(tmp_path / "web", env, command=("web",)).start(timeout=180)
    worker = BridgeProcess(tmp_path / "worker", env, command=("worker",))
    tickets = {name: zendesk.create("Export bricht ab", BODY, REQUESTER) for name in ("queued", "pg", "redis")}
    try:
        # a job queued before PostgreSQL stops waits in Redis; a worker started during the outage waits
        assert zendesk.deliver(web.url, tickets["queued"], delivery_id="d-queued").status_code == 202
        postgres.stop()
        refused = zendesk.deliver(web.url, tickets["pg"], delivery_id="d-pg")
        assert refused.status_code == 503 and refused.headers["Retry-After"]
        worker.start(wait_ready=False)
        wait_for(lambda: "state database unavailable, worker waits" in worker.log_path.read_text(), timeout=120)
        assert not zendesk.deleted_permanently(tickets["queued"])
        postgres.start()
        worker.wait_ready(180)
        wait_for(lambda: zendesk.deleted_permanently(tickets["queued"]), timeout=90)
        assert zendesk.deliver(web.url, tickets["pg"], delivery_id="d-pg").status_code == 202  # the platform's retry
        wait_for(lambda: zendesk.deleted_permanently(tickets["pg"]), timeout=90)

        # Redis down: webhooks answer 503 and the worker keeps running; the retry after it is queued
        redis_server.stop()
        refused = zendesk.deliver(web.url, tickets["redis"], delivery_id="d-redis")
        assert refused.status_code == 503 and refused.headers["Retry-After"]
        assert worker.proc is not None and worker.proc.poll() is None
        redis_server.start()
        assert zendesk.deliver(web.url, tickets["redis"], delivery_id="d-redis").status_code == 202
        wait_for(lambda: zendesk.deleted_permanently(tickets["redis"]), timeout=90)
        assert worker.proc.poll() is None and web.proc is not None and web.proc.poll() is None
    finally:
        worker.stop()
        web.stop()
    for ticket_id in tickets.values():
        assert len(mails_for(sink, ticket_id)) == 1, ticket_id
        assert zendesk.deletions(ticket_id) == 1, ticket_id


def test_readyz_reports_the_state_database_down_without_its_url_and_ready_again_when_it_is_back(
        zendesk, tmp_path: Path) -> None:
    import httpx

    postgres = TempPostgres().start()
    password = "pw-never-shown-4711"  # trust auth ignores it; it must not appear anywhere
    url = postgres.url.replace("postgres@", f"postgres:{password}@")
    web = BridgeProcess(tmp_path / "web", {**zendesk.env(), "BRIDGE_DATABASE_URL": url}, command=("web",))
    try:
        web.start(timeout=180)
        ready = httpx.get(web.metrics_url + "/readyz", timeout=10)
        assert ready.status_code == 200 and "state" not in ready.json()["not_configured"], ready.text
        postgres.stop()
        down = httpx.get(web.metrics_url + "/readyz", timeout=10)
        assert down.status_code == 503 and down.json()["ready"] is False, down.text
        reason = down.json()["not_configured"]["state"]
        assert reason.startswith("state database"), reason
        postgres.start()
        wait_for(lambda: httpx.get(web.metrics_url + "/readyz", timeout=10).status_code == 200, timeout=30)
    finally:
        web.stop()
        postgres.remove()
    log = web.log_path.read_text()
    assert "readyz: state database not ready" in log
    for secret in (password, f":{postgres.port}/", "postgresql://"):
        assert secret not in down.text and secret not in log, secret


def test_a_redis_outage_leaves_a_handful_of_worker_log_lines_not_ten_a_second(zendesk, tmp_path: Path) -> None:
    redis_server = TempRedis().start()
    env = {**zendesk.env(), "BRIDGE_QUEUE_URL": redis_server.url}
    worker = BridgeProcess(tmp_path / "worker", env, command=("worker",))
    try:
        worker.start(timeout=180)
        before = worker.log_path.read_text()
        redis_server.stop()
        time.sleep(6)  # unthrottled: ten "Error reading from queue" lines a second per worker thread
        assert worker.proc is not None and worker.proc.poll() is None
        redis_server.start()
        wait_for(lambda: "queue reachable again" in worker.log_path.read_text(), timeout=30)
    finally:
        worker.stop()
        redis_server.remove()
    outage = worker.log_path.read_text()[len(before):].splitlines()
    about_queue = [line for line in outage if "Error reading" in line or '"message": "queue' in line]
    assert 2 <= len(about_queue) <= 4, about_queue
    assert not [line for line in outage if "Error reading from queue" in line and "Traceback" in line]
    first = json.loads(next(line for line in outage if "queue unavailable" in line))
    assert "BRIDGE_QUEUE_URL" in first["hint"] and first["error_type"]
