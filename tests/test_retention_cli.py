"""`gdpr-bridge retention run` end to end: a real `gdpr-bridge` process, real HTTP to the fake
Zendesk and Jira, the state database on disk — dry run, monitor mode, enforce, a 429 with
Retry-After in the middle of a run, and a run killed with SIGKILL then resumed: every expired
ticket in scope deleted exactly once, none skipped, nothing young or out of scope touched."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator

import pytest

from bridge.audit import AuditLog
from bridge.db import open_database
from bridge.retention.runner import STEP
from tests.fakes.jira_server import FakeJira
from tests.fakes.zendesk_server import FakeZendesk

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime.now(timezone.utc)
OLD = NOW - timedelta(days=4 * 365)  # past 3 years
YOUNG = NOW - timedelta(days=2 * 365)  # within 3 years
REPAIR_FORM = 360001
OTHER_FORM = 360002


class Zendesk:
    """Rule: Zendesk tickets of the repair form, solved more than 3 years ago."""

    name = "zendesk"
    bulk = 450  # tickets of the SIGKILL test (batches of 100)
    rule = ("  - name: repairs-3y\n    platform: zendesk\n    scope: {forms: ['%d']}\n    older_than: 3y\n"
            "    based_on: solved\n    action: delete\n" % REPAIR_FORM)

    def __init__(self, **fake: Any) -> None:
        self.fake = FakeZendesk(**fake).start()

    def env(self) -> dict[str, str]:
        return self.fake.env(ZENDESK_JOB_POLL_SECONDS="0.01", ZENDESK_RETRY_BASE_SECONDS="0.05",
                             ZENDESK_TIMEOUT_SECONDS="5")

    def expired(self) -> str:
        return str(self.fake.add_aged_ticket(OLD, solved=OLD + timedelta(days=1), ticket_form_id=REPAIR_FORM))

    def young(self) -> str:
        return str(self.fake.add_aged_ticket(OLD, solved=YOUNG, ticket_form_id=REPAIR_FORM))

    def out_of_scope(self) -> str:
        return str(self.fake.add_aged_ticket(OLD, solved=OLD, ticket_form_id=OTHER_FORM))

    def unsolved(self) -> str:  # old, never solved: based_on solved keeps it
        return str(self.fake.add_aged_ticket(OLD, ticket_form_id=REPAIR_FORM))

    def exists(self, ticket_id: str) -> bool:
        return int(ticket_id) in self.fake.tickets

    def deletions(self, ticket_id: str) -> int:
        """How many times the platform was asked to delete it (soft delete requests naming it)."""
        return self.fake.soft_delete_calls[int(ticket_id)]

    def erased(self, ticket_id: str) -> bool:
        n = int(ticket_id)
        return n in self.fake.permanently_deleted and n not in self.fake.deleted and n not in self.fake.tickets

    def erased_count(self) -> int:
        return len(self.fake.permanently_deleted)

    def erasures_of(self, ticket_id: str) -> int:
        return self.fake.permanently_deleted.count(int(ticket_id))

    def in_flight(self) -> bool:
        return bool(self.fake.deleted)  # soft-deleted, not yet permanently

    def inject_429(self) -> None:
        self.fake.inject(r"^/api/v2/tickets/destroy_many", "DELETE", [(429, {"Retry-After": "1"})])
        self.fake.inject(r"^/api/v2/job_statuses/", "GET", ["pass", (429, {"Retry-After": "1"})])

    def stop(self) -> None:
        self.fake.stop()


class Jira:
    """Rule: JSM requests of the Enquiry type in project SD, last updated more than 3 years ago."""

    name = "jira"
    bulk = 90  # issues of the SIGKILL test (deleted one by one)
    rule = ("  - name: enquiries-3y\n    platform: jira\n    scope: {projects: [SD], request_types: [Enquiry]}\n"
            "    older_than: 3y\n    based_on: updated\n    action: delete\n")

    def __init__(self) -> None:
        self.fake = FakeJira(time_zone="Europe/Stockholm").start()
        self._ids: dict[str, str] = {}

    def _track(self, key: str) -> str:
        for k in [key, *self.fake.issues[key].subtasks]:
            self._ids[k] = str(self.fake.issues[k].id)
        return key

    def env(self) -> dict[str, str]:
        return {"JIRA_URL": self.fake.url, "JIRA_EMAIL": self.fake.email, "JIRA_API_TOKEN": self.fake.token,
                "JIRA_SETTLE_SECONDS": "0", "JIRA_TIMEOUT_SECONDS": "5", "JIRA_RETRY_BASE_SECONDS": "0.05"}

    def expired(self) -> str:
        return self._track(self.fake.add_aged_issue("SD", OLD, request_type="Enquiry", subtasks=1))

    def young(self) -> str:
        return self._track(self.fake.add_aged_issue("SD", OLD, updated=YOUNG, request_type="Enquiry"))

    def out_of_scope(self) -> str:
        if len(self.fake.issues) % 2:
            return self._track(self.fake.add_aged_issue("SD", OLD, request_type="Repair"))
        return self._track(self.fake.add_aged_issue("OPS", OLD, request_type="Enquiry"))

    def unsolved(self) -> str:  # a young subtask keeps its old parent (deleteSubtasks would take it)
        return self._track(self.fake.add_aged_issue("SD", OLD, request_type="Enquiry", subtasks=1,
                                                    subtask_updated=YOUNG))

    def exists(self, ticket_id: str) -> bool:
        return ticket_id in self.fake.issues

    def deletions(self, ticket_id: str) -> int:
        """DELETE requests naming the issue (by key or id)."""
        names = {ticket_id, self._ids.get(ticket_id, ticket_id)}
        with self.fake._lock:
            paths = [r.path for r in self.fake.requests if r.method == "DELETE"]
        return sum(1 for p in paths if p.rsplit("/", 1)[-1] in names)

    def erased(self, ticket_id: str) -> bool:
        return ticket_id in self.fake.deleted and ticket_id not in self.fake.issues

    def erased_count(self) -> int:
        return len(self.fake.deleted)

    def erasures_of(self, ticket_id: str) -> int:
        return self.fake.deleted.count(ticket_id)

    def in_flight(self) -> bool:
        return True  # one issue at a time: any moment is mid-batch

    def inject_429(self) -> None:
        self.fake.inject(r"^/rest/api/\d/issue/", "DELETE", ["pass", (429, {"Retry-After": "1"})])
        self.fake.inject(r"^/rest/api/\d/search", "*", [(429, {"Retry-After": "1"})])

    def stop(self) -> None:
        self.fake.stop()


HARNESSES = {"zendesk": Zendesk, "jira": Jira}


@pytest.fixture(params=sorted(HARNESSES))
def platform(request: pytest.FixtureRequest) -> Iterator[Any]:
    harness = HARNESSES[request.param]()
    try:
        yield harness
        assert harness.fake.pending_faults() == 0, "a fault was injected that the run never met"
    finally:
        harness.stop()


def rules_file(tmp_path: Path, *harnesses: Any) -> Path:
    text = (ROOT / "rules.yaml").read_text()
    assert "\nretention: []\n" in text
    rules = "\nretention:\n" + "".join(h.rule for h in harnesses)
    path = tmp_path / "rules.yaml"
    text = text.replace("requests_per_minute: 300", "requests_per_minute: 6000")  # the budget, not the test, waits
    path.write_text(text.replace("\nretention: []\n", rules))
    return path


def bridge_env(tmp_path: Path, *harnesses: Any, mode: str | None = "enforce") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZENDESK_", "JIRA_", "BRIDGE_", "ZENPY_"))}
    for h in harnesses:
        env.update(h.env())
    env.update({"BRIDGE_DATA_DIR": str(tmp_path / "data"), "BRIDGE_LOG_FORMAT": "json", "BRIDGE_LOG_LEVEL": "INFO",
                "BRIDGE_RULES": str(rules_file(tmp_path, *harnesses)), "PYTHONPATH": str(ROOT)})
    if mode:
        env["BRIDGE_MODE"] = mode
    return env


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "bridge.cli", "retention", "run", *args]


def run(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(command(*args), env=env, input=stdin, capture_output=True, text=True, timeout=180,
                          cwd=str(Path(env["BRIDGE_DATA_DIR"]).parent))


def audited(tmp_path: Path, platform: str, ticket_id: str) -> dict[str, Any] | None:
    steps = AuditLog(open_database(tmp_path / "data" / "bridge.db")).steps(platform, ticket_id)
    record = steps.get(STEP)
    return json.loads(record.detail or "{}") if record else None


def seed(platform: Any, expired: int = 3) -> tuple[list[str], list[str]]:
    """Expired tickets in scope, and the ones the rule must leave alone."""
    doomed = [platform.expired() for _ in range(expired)]
    kept = [platform.young(), platform.out_of_scope(), platform.unsolved()]
    return doomed, kept


# ---------------------------------------------------------------------- reporting


def test_dry_run_lists_the_expired_tickets_and_deletes_nothing(tmp_path, platform) -> None:
    doomed, kept = seed(platform)
    result = run(bridge_env(tmp_path, platform), "--dry-run")
    assert result.returncode == 0, result.stderr
    for ticket in doomed:
        assert f" {ticket} " in result.stdout
        assert platform.exists(ticket) and platform.deletions(ticket) == 0
    for ticket in kept[:2]:  # young, out of scope (a parent with a young subtask is only spared when deleting)
        assert f" {ticket} " not in result.stdout
    assert all(platform.exists(t) for t in kept)
    assert "Dry run" in result.stdout and "Dry run: nothing deleted" in result.stdout


def test_monitor_mode_reports_what_would_be_deleted_and_deletes_nothing(tmp_path, platform) -> None:
    doomed, _ = seed(platform)
    result = run(bridge_env(tmp_path, platform, mode=None), "--yes")
    assert result.returncode == 0, result.stderr
    assert "Monitor mode: nothing deleted (" in result.stdout
    assert all(platform.exists(t) and platform.deletions(t) == 0 for t in doomed)


# ---------------------------------------------------------------------- enforcing


def test_enforce_deletes_exactly_the_expired_tickets_in_scope_and_audits_each(tmp_path, platform) -> None:
    doomed, kept = seed(platform)
    result = run(bridge_env(tmp_path, platform), "--yes")
    assert result.returncode == 0, result.stderr
    for ticket in doomed:
        assert platform.erased(ticket) and platform.deletions(ticket) == 1
        detail = audited(tmp_path, platform.name, ticket)
        assert detail is not None and detail["rule"] == platform.rule.split("name: ")[1].split("\n")[0]
        assert set(detail) == {"rule", "based_on", "age_from"}
    for ticket in kept:
        assert platform.exists(ticket) and platform.deletions(ticket) == 0
        assert audited(tmp_path, platform.name, ticket) is None
    assert "3 deleted for good" in result.stdout
    again = run(bridge_env(tmp_path, platform), "--yes")  # nothing left: a second run deletes nothing
    assert again.returncode == 0, again.stderr
    assert "0 deleted for good" in again.stdout and all(platform.deletions(t) == 1 for t in doomed)


def test_without_yes_it_asks_and_a_no_deletes_nothing(tmp_path, platform) -> None:
    doomed, _ = seed(platform)
    result = run(bridge_env(tmp_path, platform), stdin="n\n")
    assert result.returncode == 1
    assert " ticket(s) for good? This cannot be undone" in result.stdout and "nothing deleted" in result.stderr
    assert all(platform.exists(t) for t in doomed)


def test_a_429_with_retry_after_mid_run_is_waited_out(tmp_path, platform) -> None:
    doomed = [platform.expired() for _ in range(5)]
    platform.inject_429()
    began = time.monotonic()
    result = run(bridge_env(tmp_path, platform), "--yes")
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - began >= 1.0  # the Retry-After was honoured
    assert all(platform.erased(t) and platform.deletions(t) <= 2 for t in doomed)
    assert all(audited(tmp_path, platform.name, t) for t in doomed)


def test_a_second_run_is_refused_while_one_holds_the_lock(tmp_path, platform) -> None:
    from bridge.retention.lock import RunLock

    doomed = [platform.expired()]
    env = bridge_env(tmp_path, platform)
    lock = RunLock(open_database(tmp_path / "data" / "bridge.db"), lease_seconds=60)
    lock.acquire()
    try:
        result = run(env, "--yes")
    finally:
        lock.release()
    assert result.returncode == 1 and "another retention run holds the lock" in result.stderr
    assert platform.exists(doomed[0])
    assert run(env, "--yes").returncode == 0 and platform.erased(doomed[0])


def test_sigkill_mid_run_then_resume_deletes_each_expired_ticket_exactly_once(tmp_path, platform) -> None:
    doomed = [platform.expired() for _ in range(platform.bulk)]
    kept = [platform.young() for _ in range(20)] + [platform.out_of_scope() for _ in range(20)]
    env = bridge_env(tmp_path, platform)
    process = subprocess.Popen(command("--yes"), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               cwd=str(tmp_path))
    try:
        deadline = time.monotonic() + 120
        while platform.erased_count() < platform.bulk // 3 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.002)
        until = time.monotonic() + 5  # best: with a batch in flight (deleted, not yet erased for good)
        while not platform.in_flight() and process.poll() is None and time.monotonic() < until:
            time.sleep(0.001)
        assert process.poll() is None, "the run ended before it could be killed"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    assert 0 < platform.erased_count() < len(doomed)
    result = run(env, "--yes")
    assert result.returncode == 0, result.stderr
    assert "resuming a stopped run" in result.stdout
    for ticket in doomed:
        assert platform.erased(ticket), f"{ticket} skipped"
        assert platform.deletions(ticket) == 1, f"{ticket} deleted {platform.deletions(ticket)} times"
        assert platform.erasures_of(ticket) == 1
        assert audited(tmp_path, platform.name, ticket) is not None
    for ticket in kept:
        assert platform.exists(ticket) and platform.deletions(ticket) == 0


def test_platform_option_runs_only_that_platforms_rules_and_an_unconfigured_one_is_named(tmp_path) -> None:
    zendesk, jira = Zendesk(), Jira()
    try:
        z, j = zendesk.expired(), jira.expired()
        env = bridge_env(tmp_path, zendesk, jira)
        result = run(env, "--platform", "jira", "--yes")
        assert result.returncode == 0, result.stderr
        assert jira.erased(j) and zendesk.exists(z) and zendesk.deletions(z) == 0
        assert "zendesk/" not in result.stdout
        unconfigured = {k: v for k, v in env.items() if not k.startswith("JIRA_")}
        result = run(unconfigured, "--yes")
        assert result.returncode == 0, result.stderr
        assert "warning: jira: not configured, its retention rules are skipped" in result.stderr
        assert zendesk.erased(z)
    finally:
        zendesk.stop()
        jira.stop()


def test_enforce_and_resume_with_the_state_on_postgresql(tmp_path) -> None:
    from tests.support.postgres import create_database, drop_database

    url = create_database("gdpr_retention")
    zendesk = Zendesk()
    try:
        doomed = [zendesk.expired() for _ in range(250)]
        young = zendesk.young()
        env = {**bridge_env(tmp_path, zendesk), "BRIDGE_DATABASE_URL": url}
        process = subprocess.Popen(command("--yes"), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   cwd=str(tmp_path))
        try:
            deadline = time.monotonic() + 120
            while not zendesk.in_flight() and process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.001)
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
        finally:
            if process.poll() is None:
                process.kill()
        result = run(env, "--yes")
        assert result.returncode == 0, result.stderr
        assert all(zendesk.erased(t) and zendesk.deletions(t) == 1 and zendesk.erasures_of(t) == 1 for t in doomed)
        assert zendesk.exists(young)
        steps = AuditLog(open_database(url)).steps("zendesk", doomed[-1])
        assert STEP in steps
    finally:
        zendesk.stop()
        from bridge import db as dbmodule

        for key, opened in list(dbmodule._open.items()):
            if key[1].endswith(url.rsplit("/", 1)[-1]):
                opened.dispose()
        drop_database(url)


def test_a_stopped_run_of_a_rule_since_removed_is_named_and_left_alone(tmp_path, platform) -> None:
    from bridge.retention.store import RetentionStore, RunState

    env = bridge_env(tmp_path, platform)
    store = RetentionStore(open_database(tmp_path / "data" / "bridge.db"))
    store.begin(platform.name, "old-rule", RunState(fingerprint="f", cutoff=OLD.isoformat()))
    store.start_batch(platform.name, "old-rule", ["1"])
    result = run(env, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert (f"warning: a stopped run of retention rule 'old-rule' on {platform.name} is left as it was: the rule is "
            "no longer in the rules file and a batch was being deleted") in result.stderr
    assert store.batch(platform.name, "old-rule") == {"ids": ["1"], "adapter": {}}
