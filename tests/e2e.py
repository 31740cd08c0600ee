"""End-to-end harness: the fake platforms, seen through one interface, and waiting helpers.

The same test bodies run against Zendesk and Jira (``PLATFORMS``), through a real
``gdpr-bridge`` process, real HTTP to the fake servers and a real SMTP server.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable

import httpx

from bridge.audit import AuditLog
from bridge.db import open_database
from tests.fakes.jira_server import FakeJira
from tests.fakes.zendesk_server import FakeZendesk

PLATFORMS = ("zendesk", "jira")


class ZendeskHarness:
    name = "zendesk"
    secret = "zd-webhook-secret-for-tests"

    def __init__(self) -> None:
        self.fake = FakeZendesk().start()

    def env(self) -> dict[str, str]:
        return self.fake.env(ZENDESK_WEBHOOK_SECRET=self.secret, ZENDESK_JOB_POLL_SECONDS="0.05",
                             ZENDESK_RETRY_BASE_SECONDS="0.05", ZENDESK_TIMEOUT_SECONDS="5")

    def create(self, subject: str, body: str, requester: dict[str, Any],
               attachments: list[tuple[str, bytes, str]] = ()) -> str:  # type: ignore[assignment]
        return str(self.fake.add_ticket(subject, body, requester=requester,
                                        attachments=[(n, d, t, False) for n, d, t in attachments]))

    def deliver(self, bridge_url: str, ticket_id: str, delivery_id: str | None = None,
                secret: str | None = None) -> httpx.Response:
        return self.fake.deliver_webhook(bridge_url + "/webhooks/zendesk", int(ticket_id), secret or self.secret,
                                         form="trigger", invocation_id=delivery_id)

    def deleted_permanently(self, ticket_id: str) -> bool:
        return int(ticket_id) in self.fake.permanently_deleted

    def exists(self, ticket_id: str) -> bool:
        return int(ticket_id) in self.fake.tickets

    def deletions(self, ticket_id: str) -> int:
        return self.fake.permanently_deleted.count(int(ticket_id))

    def tags(self, ticket_id: str) -> list[str]:
        return self.fake.tags(int(ticket_id))

    def private_notes(self, ticket_id: str) -> list[str]:
        return [c["body"] for c in self.fake.comments(int(ticket_id)) if not c["public"]]

    def stop(self) -> None:
        self.fake.stop()


class JiraHarness:
    name = "jira"
    secret = "jira-webhook-secret-for-tests"

    def __init__(self) -> None:
        self.fake = FakeJira().start()
        self.payloads: dict[str, dict[str, Any]] = {}

    def env(self) -> dict[str, str]:
        return {"JIRA_URL": self.fake.url, "JIRA_EMAIL": self.fake.email, "JIRA_API_TOKEN": self.fake.token,
                "JIRA_WEBHOOK_SECRET": self.secret, "JIRA_SETTLE_SECONDS": "0", "JIRA_TIMEOUT_SECONDS": "5"}

    def create(self, subject: str, body: str, requester: dict[str, Any],
               attachments: list[tuple[str, bytes, str]] = ()) -> str:  # type: ignore[assignment]
        key = self.fake.add_issue("SD", subject, body, reporter=requester, attachments=list(attachments))
        self.payloads[key] = self.fake.webhook_payload(key)  # a late retry still carries the original body
        return key

    def deliver(self, bridge_url: str, ticket_id: str, delivery_id: str | None = None,
                secret: str | None = None) -> httpx.Response:
        return self.fake.deliver_webhook(bridge_url + "/webhooks/jira", ticket_id, secret or self.secret,
                                         identifier=delivery_id, payload=self.payloads.get(ticket_id))

    def deleted_permanently(self, ticket_id: str) -> bool:
        return ticket_id in self.fake.deleted

    def exists(self, ticket_id: str) -> bool:
        return ticket_id in self.fake.issues

    def deletions(self, ticket_id: str) -> int:
        return self.fake.deleted.count(ticket_id)

    def tags(self, ticket_id: str) -> list[str]:
        return self.fake.labels(ticket_id)

    def private_notes(self, ticket_id: str) -> list[str]:
        return [c["body"] for c in self.fake.comments(ticket_id) if c["internal"]]

    def stop(self) -> None:
        self.fake.stop()


def make_harness(name: str) -> ZendeskHarness | JiraHarness:
    return ZendeskHarness() if name == "zendesk" else JiraHarness()


def wait_for(condition: Callable[[], Any], timeout: float = 30.0, interval: float = 0.05) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError(f"condition not met within {timeout}s")


def audit_of(data_dir: Path | str) -> AuditLog:
    """The audit of a bridge: its data dir (SQLite there) or a state database URL."""
    target = data_dir if "://" in str(data_dir) else Path(data_dir) / "bridge.db"
    return AuditLog(open_database(target))


def record_for(data_dir: Path | str, platform: str, ticket_id: str) -> dict[str, Any] | None:
    for record in audit_of(data_dir).records(platform=platform):
        if record["ticket_id"] == ticket_id:
            return record
    return None


def finished_record(data_dir: Path | str, platform: str, ticket_id: str, step: str) -> dict[str, Any] | None:
    record = record_for(data_dir, platform, ticket_id)
    if record and any(s["step"] == step for s in record["steps"]):
        return record
    return None


def files_under(folder: Path) -> list[Path]:
    return [p for p in Path(folder).rglob("*") if p.is_file()]


def leaked(values: list[str], folder: Path) -> list[tuple[str, str]]:
    """(value, file) pairs where a seeded value appears in any file under ``folder``."""
    hits = []
    for path in files_under(folder):
        data = path.read_bytes()
        for value in values:
            for form in {value, value.lower()}:
                if form.encode() in data or form.encode("utf-16-le") in data:
                    hits.append((value, str(path)))
    return hits
