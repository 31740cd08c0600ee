"""A web process and N worker processes on a Redis queue against a rate-limited fake
Zendesk, with the rules' budget set to the fake's limit: the set-up of
tests/test_platform_budget.py and bench/rate_budget.py."""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis

from tests.e2e import record_for, wait_for
from tests.fakes.common import Logged
from tests.fakes.zendesk_server import FakeZendesk
from tests.support.bridge_process import ROOT, BridgeProcess

SECRET = "zd-webhook-secret-for-budget-runs"
BODY = "Hello, the export stops with error EXP-5218 after the second page. Regards"


def budget_rules(folder: Path, per_minute: float, burst: int | None) -> Path:
    """The shipped rules, no periodic sweep, and ``rate_limits.zendesk`` as given."""
    text = (ROOT / "rules.yaml").read_text(encoding="utf-8").replace("interval_minutes: 15", "interval_minutes: 0")
    limit = f"rate_limits:\n  zendesk:\n    requests_per_minute: {per_minute:g}\n"
    if burst is not None:
        limit += f"    burst: {burst}\n"
    text, n = re.subn(r"(?ms)^rate_limits:\n.*\Z", limit, text)
    assert n == 1, "rules.yaml ends with its rate_limits section"
    path = folder / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@dataclass
class BudgetRun:
    fake: FakeZendesk
    folder: Path
    per_minute: float
    burst: int | None = None
    workers: int = 4
    threads: int = 4
    redis_url: str = "redis://127.0.0.1:6379/15"
    name: str = field(default_factory=lambda: f"budget-{uuid.uuid4().hex[:8]}")
    processes: list[BridgeProcess] = field(default_factory=list)

    @property
    def web(self) -> BridgeProcess:
        return self.processes[0]

    def start(self) -> "BudgetRun":
        env = {**self.fake.env(ZENDESK_WEBHOOK_SECRET=SECRET, ZENDESK_TIMEOUT_SECONDS="10",
                               ZENDESK_RETRY_MAX_SECONDS="5"),
               "BRIDGE_QUEUE_URL": self.redis_url, "BRIDGE_QUEUE_NAME": self.name,
               "BRIDGE_RULES": str(budget_rules(self.folder, self.per_minute, self.burst)),
               "BRIDGE_WORKERS": str(self.threads)}
        self.processes = [BridgeProcess(self.folder, env, command=("web",)).start()]
        workers = [BridgeProcess(self.folder, env, command=("worker",)) for _ in range(self.workers)]
        self.processes += workers
        try:
            for worker in workers:
                worker.start(wait_ready=False)
            for worker in workers:
                worker.wait_ready(timeout=300)
        except BaseException:  # none of them may outlive a failed start
            self.stop()
            raise
        return self

    def stop(self) -> None:
        for process in self.processes:
            process.stop()
        client = redis.Redis.from_url(self.redis_url)
        for pattern in (f"*{self.name.replace('-', '')}*", f"{self.name}:*"):
            for key in client.scan_iter(pattern):
                client.delete(key)

    def deliver(self, ticket_id: int | str) -> None:
        answer = self.fake.deliver_webhook(self.web.url + "/webhooks/zendesk", int(ticket_id), SECRET, form="trigger")
        assert answer.status_code == 202, answer.text

    def run_tickets(self, count: int, timeout: float = 600) -> list[str]:
        """Create ``count`` tickets without personal data, deliver them, wait for every decision."""
        tickets = [str(self.fake.add_ticket(f"Export {n}", BODY)) for n in range(count)]
        for ticket_id in tickets:
            self.deliver(ticket_id)
        deadline = time.monotonic() + timeout
        for ticket_id in tickets:
            wait_for(lambda t=ticket_id: record_for(self.folder, "zendesk", t),
                     timeout=max(1.0, deadline - time.monotonic()), interval=0.2)
        return tickets

    def api_calls(self, since: float) -> list[Logged]:
        return [r for r in self.fake.requests if r.path.startswith("/api/") and r.at >= since]

    def busy_workers(self) -> int:
        return sum(1 for w in self.processes[1:] if '"outcome"' in w.log_path.read_text())


def pace_figures(calls: list[Logged], per_minute: float) -> dict[str, Any]:
    """Elapsed first to last request, against the time the limit allows for as many requests."""
    elapsed = calls[-1].at - calls[0].at if len(calls) > 1 else 0.0
    allowed = len(calls) / (per_minute / 60)
    gaps = [b.at - a.at for a, b in zip(calls, calls[1:])]
    return {"requests": len(calls), "elapsed": elapsed, "allowed": allowed,
            "ratio": elapsed / allowed if allowed else 0.0,
            "long_gaps": sorted(round(g, 2) for g in gaps if g > 2 * 60 / per_minute)}
