"""Comment jobs (issue 17): the web app queues one job per comment however many deliveries
announce it, the payload is three ids, the job's lease and outcome are the comment's own,
the sweep finds comments whose event was lost, and a dead worker's comment job is queued
again as a comment job. A real runtime (huey in immediate mode, SQLite state) over the
in-memory platform."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from huey import MemoryHuey
from sqlalchemy import update

from adapters.memory import MemoryPlatform, MemoryStore
from bridge.analysis import TicketAnalyzer
from bridge.app import WebhookEndpoint
from bridge.audit import AuditLog
from bridge.db import Database
from bridge.deliveries import DeliveryMemory
from bridge.jobkeys import comment_key, split_key
from bridge.notify import Notifier
from bridge.pipeline import Services
from bridge.platform import Requester, WebhookEvent
from bridge.rules import Rules
from bridge.runtime import Runtime
from bridge.scanner import Scanner
from bridge.schema import jobs
from bridge.settings import load_settings
from bridge.tasks import SWEPT, requeue_stale, sweep

REQUESTER = Requester(name="Henrik Dahlberg", email="henrik.dahlberg@kunde.example")
REPLY = "Please call my colleague Sabine Kromberg on 07700 900 123, she saw it first.\n\nHenrik Dahlberg"


def test_comment_keys_split_back_into_their_ids() -> None:
    assert comment_key("1001", "77") == "1001/comment/77"
    assert split_key("1001/comment/77") == ("1001", "77")
    assert split_key("SD-42") == ("SD-42", None)
    with pytest.raises(ValueError):
        comment_key("1001", "7/7")


def endpoint(tmp_path: Path, tickets: list[Any], comments: list[Any]) -> WebhookEndpoint:
    memory = DeliveryMemory(Database(tmp_path / "bridge.db"))
    settings = load_settings({"BRIDGE_DATA_DIR": str(tmp_path)})
    return WebhookEndpoint(settings, lambda p, t: tickets.append((p, t)), memory.claim, {}, memory.release,
                           lambda p, t, c: comments.append((p, t, c)))


def test_one_job_per_comment_however_many_deliveries_announce_it(tmp_path: Path) -> None:
    tickets: list[Any] = []
    comments: list[Any] = []
    web = endpoint(tmp_path, tickets, comments)

    async def deliver(event: WebhookEvent) -> Any:
        return await web.accept(event)

    first = asyncio.run(deliver(WebhookEvent("zendesk", "41", "inv-1", comment_id="900")))
    again = asyncio.run(deliver(WebhookEvent("zendesk", "41", "inv-1", comment_id="900")))  # redelivered
    other = asyncio.run(deliver(WebhookEvent("zendesk", "41", "inv-2", comment_id="900")))  # another event, same comment
    second = asyncio.run(deliver(WebhookEvent("zendesk", "41", "inv-3", comment_id="901")))
    created = asyncio.run(deliver(WebhookEvent("zendesk", "41", "inv-4")))
    assert first.status_code == 202 and second.status_code == 202 and created.status_code == 202
    assert again.status_code == 200 and other.status_code == 200
    assert comments == [("zendesk", "41", "900"), ("zendesk", "41", "901")]  # three ids, nothing else
    assert tickets == [("zendesk", "41")]


def test_a_web_app_without_a_comment_queue_ignores_comment_events(tmp_path: Path) -> None:
    settings = load_settings({"BRIDGE_DATA_DIR": str(tmp_path)})
    tickets: list[Any] = []
    web = WebhookEndpoint(settings, lambda p, t: tickets.append((p, t)), lambda key: True, {})
    response = asyncio.run(web.accept(WebhookEvent("zendesk", "41", "inv-1", comment_id="900")))
    assert response.status_code == 200 and tickets == []


@pytest.fixture(scope="module")
def enforce_rules(rules: Rules) -> Rules:
    return rules.model_copy(update={"mode": "enforce"})


class MemoryRuntime(Runtime):
    """The real runtime (tasks, job store, state database) with the in-memory platform."""

    def __init__(self, tmp_path: Path, rules: Rules, scanner: Scanner, store: MemoryStore) -> None:
        super().__init__(load_settings({"BRIDGE_DATA_DIR": str(tmp_path)}), huey=MemoryHuey(immediate=True))
        self.store = store
        self._services = Services(rules=rules, mode="enforce", analyzer=TicketAnalyzer(rules, scanner),
                                  notifier=Notifier.from_env({}, data_dir=tmp_path),
                                  audit=AuditLog(self.database()),
                                  platform_factory=lambda name: MemoryPlatform(store))
        self.queued: list[tuple[str, ...]] = []

    def enqueue_comment(self, platform: str, ticket_id: str, comment_id: str) -> None:
        self.queued.append((platform, ticket_id, comment_id))
        super().enqueue_comment(platform, ticket_id, comment_id)


@pytest.fixture
def runtime(tmp_path: Path, enforce_rules: Rules, scanner: Scanner) -> MemoryRuntime:
    return MemoryRuntime(tmp_path, enforce_rules, scanner, MemoryStore())


def test_a_comment_job_redacts_and_ends_done_under_the_comments_own_key(runtime: MemoryRuntime) -> None:
    ticket_id = runtime.store.add_ticket("Export fails", "It stops with EXP-5218.", requester=REQUESTER)
    comment_id = runtime.store.add_comment(ticket_id, REQUESTER, REPLY)
    runtime.enqueue_comment("memory", ticket_id, comment_id)
    assert "07700" not in runtime.store.comment(ticket_id, comment_id).body
    job = runtime.job_store().get("memory", comment_key(ticket_id, comment_id))
    assert job is not None and job.state == "done"
    assert runtime.job_store().get("memory", ticket_id) is None  # the ticket's own job is another one
    runtime.enqueue_comment("memory", ticket_id, comment_id)  # queued again: skipped as done
    assert len(runtime.store.calls("redact")) == 1


def test_the_sweep_queues_comments_whose_event_was_lost_once(runtime: MemoryRuntime) -> None:
    old = datetime.now(timezone.utc) - timedelta(hours=3)
    ticket_id = runtime.store.add_ticket("Export fails", "It stops with EXP-5218.", requester=REQUESTER,
                                         created_at=old)
    runtime.store.add_comment(ticket_id, REQUESTER, "An old reply.", created_at=old + timedelta(minutes=5))
    comment_id = runtime.store.add_comment(ticket_id, REQUESTER, REPLY)
    seen, queued = sweep(runtime, "memory", timedelta(hours=2))
    assert queued == 1 and runtime.queued == [("memory", ticket_id, comment_id)]
    steps = AuditLog(runtime.database()).steps("memory", comment_key(ticket_id, comment_id))
    assert SWEPT in steps
    assert "07700" not in runtime.store.comment(ticket_id, comment_id).body
    assert sweep(runtime, "memory", timedelta(hours=2))[1] == 0  # decided: never queued again


def test_the_sweep_leaves_comments_alone_when_the_rules_scan_none(runtime: MemoryRuntime) -> None:
    services = runtime.services()
    services.rules = services.rules.model_copy(update={"comments": services.rules.comments.model_copy(
        update={"scan": [], "include_internal_notes": False})})
    ticket_id = runtime.store.add_ticket("Export fails", "x", requester=REQUESTER,
                                         created_at=datetime.now(timezone.utc) - timedelta(hours=3))
    runtime.store.add_comment(ticket_id, REQUESTER, REPLY)
    assert sweep(runtime, "memory", timedelta(hours=2))[1] == 0


def test_a_dead_workers_comment_job_is_queued_again_as_a_comment_job(runtime: MemoryRuntime) -> None:
    ticket_id = runtime.store.add_ticket("Export fails", "x", requester=REQUESTER)
    comment_id = runtime.store.add_comment(ticket_id, REQUESTER, REPLY)
    key = comment_key(ticket_id, comment_id)
    assert runtime.job_store().acquire("memory", key, owner="elsewhere:1:1") == "acquired"
    with runtime.job_store().db.write() as conn:  # its lease ran out
        conn.execute(update(jobs).values(lease_expires=0))
    assert requeue_stale(runtime) == 1
    assert runtime.queued == [("memory", ticket_id, comment_id)]
    assert "07700" not in runtime.store.comment(ticket_id, comment_id).body


def test_redecide_dry_run_decides_a_monitored_comment_alone_and_names_no_value(runtime: MemoryRuntime) -> None:
    from bridge.commands.redecide import _decide_here

    ticket_id = runtime.store.add_ticket("Export fails", "It stops with EXP-5218.", requester=REQUESTER)
    comment_id = runtime.store.add_comment(ticket_id, REQUESTER, REPLY)
    outcome, line = _decide_here(runtime.services(), "memory", comment_key(ticket_id, comment_id), "violation")
    assert outcome == "redact the comment" and "now violation" in line
    assert "Kromberg" not in line and "07700" not in line
    assert "07700" in runtime.store.comment(ticket_id, comment_id).body  # nothing changed
