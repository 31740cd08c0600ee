"""`gdpr-bridge subject find|export|erase|check` end to end: a real `gdpr-bridge` process,
real HTTP to the fake Zendesk and Jira, the state database on disk — with a 429 and its
Retry-After in the middle of a run, and the address looked for in everything the bridge wrote."""

from __future__ import annotations

from collections.abc import Sequence
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any, Iterator

import pytest

from bridge.audit import AuditLog
from bridge.db import open_database
from tests.fakes.jira_server import FakeJira
from tests.fakes.zendesk_server import FakeZendesk

ROOT = Path(__file__).resolve().parents[1]
EMAIL = "anna.lind@example.se"
KEY = "a-test-key-that-is-long-enough-0123456789"
PDF = b"%PDF-1.7 " + bytes(range(256)) * 64
PNG = b"\x89PNG\r\n\x1a\n" + bytes(255 - b for b in range(256)) * 32


class Zendesk:
    name = "zendesk"

    def __init__(self) -> None:
        self.fake = FakeZendesk().start()

    def env(self) -> dict[str, str]:
        return self.fake.env(ZENDESK_JOB_POLL_SECONDS="0.01", ZENDESK_RETRY_BASE_SECONDS="0.05",
                             ZENDESK_TIMEOUT_SECONDS="5")

    def person(self, email: str, staff: bool = False) -> str:
        return str(self.fake.add_user("Anna Lind", email, role="agent" if staff else "end-user"))

    def ticket(self, ref: str, subject: str, body: str, attachments: Sequence[tuple[str, bytes, str]] = (),
               reply: bool = False, subtasks: int = 0) -> str:
        ticket = self.fake.add_ticket(subject, body, requester_id=int(ref),
                                      attachments=[(n, d, t, False) for n, d, t in attachments])
        if reply:
            agent = self.fake.add_user("Agent", f"agent{ticket}@support.example", role="agent")
            self.fake.add_comment(ticket, "We will send a technician.", author_id=agent)
        return str(ticket)

    def copied(self, ref: str) -> str:
        other = self.fake.add_user("Olle", "olle@example.se")
        return str(self.fake.add_ticket("Olle's ticket", "x", requester_id=other, cc_ids=[int(ref)]))

    def erased(self, ticket_id: str) -> bool:
        return int(ticket_id) in self.fake.permanently_deleted and int(ticket_id) not in self.fake.deleted

    def exists(self, ticket_id: str) -> bool:
        return int(ticket_id) in self.fake.tickets

    def record_erased(self, ref: str) -> bool:
        return int(ref) in self.fake.permanently_deleted_users

    def inject_listing_429(self) -> None:
        self.fake.inject(r"^/api/v2/users/\d+/tickets/requested", "GET", [(429, {"Retry-After": "1"})])

    def inject_mid_run_429(self, ticket_id: str) -> None:
        self.fake.inject(rf"^/api/v2/tickets/{ticket_id}/comments", "GET", [(429, {"Retry-After": "1"})])

    def inject_delete_429(self, ticket_id: str) -> None:
        self.fake.inject(rf"^/api/v2/deleted_tickets/{ticket_id}", "DELETE", [(429, {"Retry-After": "1"})])

    def inject_delete_refused(self, ticket_id: str) -> None:
        self.fake.inject(rf"^/api/v2/tickets/{ticket_id}(\.json)?$", "DELETE", [403])

    def stop(self) -> None:
        self.fake.stop()


class Jira:
    name = "jira"

    def __init__(self) -> None:
        self.fake = FakeJira().start()

    def env(self) -> dict[str, str]:
        return {"JIRA_URL": self.fake.url, "JIRA_EMAIL": self.fake.email, "JIRA_API_TOKEN": self.fake.token,
                "JIRA_SETTLE_SECONDS": "0", "JIRA_TIMEOUT_SECONDS": "5"}

    def person(self, email: str, staff: bool = False) -> str:
        account = self.fake.add_user("Anna Lind", email, customer=not staff)
        if not staff:
            self.fake.customers[self.fake.service_desks["SD"]].add(account)
        return account

    def ticket(self, ref: str, subject: str, body: str, attachments: Sequence[tuple[str, bytes, str]] = (),
               reply: bool = False, subtasks: int = 0) -> str:
        key = self.fake.add_issue("SD", subject, body, reporter_id=ref, attachments=list(attachments),
                                  subtasks=subtasks)
        if reply:
            agent = self.fake.add_user("Agent", f"agent-{key}@support.example", customer=False)
            self.fake.add_comment(key, "We will send a technician.", author=agent)
        return key

    def copied(self, ref: str) -> str:
        return self.fake.add_issue("SD", "Olle's ticket", "x", participants=[ref])

    def erased(self, ticket_id: str) -> bool:
        return ticket_id in self.fake.deleted and ticket_id not in self.fake.issues

    def exists(self, ticket_id: str) -> bool:
        return ticket_id in self.fake.issues

    def record_erased(self, ref: str) -> bool:  # JSM: the customer leaves every service desk
        return all(ref not in customers for customers in self.fake.customers.values())

    def inject_listing_429(self) -> None:
        self.fake.inject(r"^/rest/api/\d/search", "*", [(429, {"Retry-After": "1"})])

    def inject_mid_run_429(self, ticket_id: str) -> None:
        self.fake.inject(rf"^/rest/api/2/issue/{ticket_id}/comment", "GET", [(429, {"Retry-After": "1"})])

    def inject_delete_429(self, ticket_id: str) -> None:
        self.fake.inject(rf"^/rest/api/2/issue/({ticket_id}|\d+)$", "DELETE", [(429, {"Retry-After": "1"})])

    def inject_delete_refused(self, ticket_id: str) -> None:
        issue = self.fake.issues[ticket_id]
        self.fake.inject(rf"^/rest/api/2/issue/({ticket_id}|{issue.id})$", "DELETE", [403])

    def stop(self) -> None:
        self.fake.stop()


@pytest.fixture(params=["zendesk", "jira"])
def platform(request: pytest.FixtureRequest) -> Iterator[Any]:
    harness = Zendesk() if request.param == "zendesk" else Jira()
    try:
        yield harness
        assert harness.fake.pending_faults() == 0, "a fault was injected that the run never met"
    finally:
        harness.stop()


def bridge_env(tmp_path: Path, *platforms: Any, key: str | None = KEY) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZENDESK_", "JIRA_", "BRIDGE_", "ZENPY_"))}
    for p in platforms:
        env.update(p.env())
    env.update({"BRIDGE_DATA_DIR": str(tmp_path / "data"), "BRIDGE_LOG_FORMAT": "json", "BRIDGE_LOG_LEVEL": "DEBUG",
                "PYTHONPATH": str(ROOT)})
    if key is not None:
        env["BRIDGE_SUBJECT_HASH_KEY"] = key
    return env


def run(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bridge.cli", "subject", *args], env=env, input=stdin,
                          capture_output=True, text=True, timeout=120, cwd=env["BRIDGE_DATA_DIR"].rsplit("/", 1)[0])


def files_holding(root: Path, needle: str) -> list[str]:
    found = []
    for path in root.rglob("*"):
        if path.is_file() and needle.encode() in path.read_bytes().lower():
            found.append(str(path))
    return found


# ---------------------------------------------------------------------- find


def test_find_lists_requested_tickets_and_apart_the_copied_ones(tmp_path, platform) -> None:
    ref = platform.person(EMAIL)
    own = [platform.ticket(ref, "Heater", "broken"), platform.ticket(ref, "Invoice", "wrong")]
    copied = platform.copied(ref)
    platform.inject_listing_429()
    result = run(bridge_env(tmp_path, platform), "find", "--email", "Anna.Lind@Example.SE")
    assert result.returncode == 0, result.stderr
    mine, _, theirs = result.stdout.partition("only copied or follows")
    for ticket in own:
        assert f" {ticket} " in mine
        assert platform.name in mine
    assert f" {copied} " in theirs and f" {copied} " not in mine
    assert "created" in mine and "updated" in mine and "status" in mine


def test_find_exits_0_when_the_address_holds_nothing(tmp_path, platform) -> None:
    result = run(bridge_env(tmp_path, platform), "find", "--email", "nobody@example.se")
    assert result.returncode == 0, result.stderr
    assert "No tickets found for this address" in result.stdout


def test_find_searches_every_configured_platform(tmp_path) -> None:
    zendesk, jira = Zendesk(), Jira()
    try:
        z = zendesk.ticket(zendesk.person(EMAIL), "On Zendesk", "x")
        j = jira.ticket(jira.person(EMAIL), "On Jira", "y")
        result = run(bridge_env(tmp_path, zendesk, jira), "find", "--email", EMAIL)
        assert result.returncode == 0, result.stderr
        assert f"zendesk    {z} " in result.stdout and f"jira       {j} " in result.stdout
    finally:
        zendesk.stop()
        jira.stop()


def test_a_malformed_address_is_one_line_and_nothing_is_asked(tmp_path, platform) -> None:
    result = run(bridge_env(tmp_path, platform), "find", "--email", "anna.lind")
    assert result.returncode == 2
    assert "not an e-mail address like name@example.com" in result.stderr
    assert "Traceback" not in result.stderr
    assert platform.fake.requests == []


# ---------------------------------------------------------------------- export


def test_export_writes_every_ticket_comment_and_file_through_a_429(tmp_path, platform) -> None:
    ref = platform.person(EMAIL)
    first = platform.ticket(ref, "Heater <script>alert(1)</script>", "It stopped on Monday",
                            attachments=[("photo.png", PNG, "image/png")], reply=True)
    second = platform.ticket(ref, "Invoice", "Amount is wrong", attachments=[("invoice.pdf", PDF, "application/pdf")])
    copied = platform.copied(ref)
    platform.inject_mid_run_429(second)
    out = tmp_path / "anna.zip"
    result = run(bridge_env(tmp_path, platform), "export", "--email", EMAIL, "--out", str(out))
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        manifest = json.loads(zf.read("manifest.json"))
        assert sorted(t["id"] for t in manifest["tickets"]) == sorted([first, second])
        assert manifest["platforms"][platform.name]["copied_tickets_not_exported"] == [copied]
        documents = {t["id"]: json.loads(zf.read(t["file"])) for t in manifest["tickets"]}
        heater = documents[first]
        assert heater["subject"] == "Heater <script>alert(1)</script>"
        assert "It stopped on Monday" in heater["description"]
        assert {"agent"} <= {c["author_role"] for c in heater["comments"]}
        assert all(c["created"] for c in heater["comments"])
        files = {a["name"]: zf.read(a["file"]) for t in manifest["tickets"] for a in t["attachments"]}
        assert files == {"photo.png": PNG, "invoice.pdf": PDF}
        index = zf.read("index.html").decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in index and "<script>" not in index
        assert "It stopped on Monday" in index and "Support agent" in index
        assert all(not n.startswith("/") and ".." not in n for n in names)
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    assert not list(tmp_path.glob("*.part"))


def test_an_export_that_cannot_finish_leaves_no_file(tmp_path, platform) -> None:
    ref = platform.person(EMAIL)
    ticket = platform.ticket(ref, "Heater", "x")
    if platform.name == "zendesk":
        platform.fake.inject(rf"^/api/v2/tickets/{ticket}/comments", "GET", [401])
    else:
        platform.fake.inject(rf"^/rest/api/2/issue/{ticket}/comment", "GET", [401])
    out = tmp_path / "anna.zip"
    result = run(bridge_env(tmp_path, platform), "export", "--email", EMAIL, "--out", str(out))
    assert result.returncode == 1
    assert "nothing written" in result.stderr and "HTTP 401" in result.stderr
    assert not out.exists() and not list(tmp_path.glob("*.part"))


# ---------------------------------------------------------------------- erase and check


def test_erase_deletes_tickets_and_record_for_good_through_a_429_and_check_finds_it(tmp_path, platform) -> None:
    ref = platform.person(EMAIL)
    tickets = [platform.ticket(ref, "Heater", "x", attachments=[("photo.png", PNG, "image/png")], subtasks=1),
               platform.ticket(ref, "Invoice", "y")]
    copied = platform.copied(ref)
    platform.inject_delete_429(tickets[1])
    env = bridge_env(tmp_path, platform)
    result = run(env, "erase", "--email", EMAIL, "--yes")
    assert result.returncode == 0, result.stdout + result.stderr
    assert all(platform.erased(t) for t in tickets)
    assert platform.exists(copied), "someone else's ticket the person was copied on stays"
    assert platform.record_erased(ref)
    if platform.name == "jira":
        assert "NOT removed: the Atlassian account itself" in result.stdout
    checked = run(env, "check", "--email", EMAIL.upper())
    assert checked.returncode == 0, checked.stderr
    assert "Erased on" in checked.stdout and f"{platform.name}: 2 ticket(s) deleted" in checked.stdout
    written = tmp_path / "data"
    assert files_holding(written, EMAIL) == [], "the address is in a file the bridge wrote"
    assert EMAIL not in (result.stdout + result.stderr + checked.stdout + checked.stderr).lower()
    assert "hmac-sha256:" in "".join(p.read_bytes().decode("latin-1") for p in written.rglob("*.db"))
    audit = AuditLog(open_database(f"sqlite:///{written / 'bridge.db'}"))
    assert audit.verify().ok, "the erasure records are links of the audit chain"
    assert audit.steps(platform.name, tickets[1])["subject_erased"].detail


def test_an_erasure_that_cannot_finish_keeps_the_record_says_so_and_a_rerun_finishes(tmp_path, platform) -> None:
    ref = platform.person(EMAIL)
    kept, done = platform.ticket(ref, "Heater", "x"), platform.ticket(ref, "Invoice", "y")
    platform.inject_delete_refused(kept)
    env = bridge_env(tmp_path, platform)
    first = run(env, "erase", "--email", EMAIL, "--yes")
    assert first.returncode == 1
    assert f"failed: {kept}: {platform.name}: " in first.stdout and "HTTP 403" in first.stdout
    assert "erasure incomplete: run the same command again" in first.stderr
    assert platform.exists(kept) and platform.erased(done)
    assert not platform.record_erased(ref), "the person's record stays while a ticket of theirs does"
    second = run(env, "erase", "--email", EMAIL, "--yes")
    assert second.returncode == 0, second.stdout + second.stderr
    assert platform.erased(kept) and platform.record_erased(ref)
    checked = run(env, "check", "--email", EMAIL)
    assert checked.returncode == 0 and checked.stdout.count("Erased on") == 2


def test_erase_dry_run_and_a_no_delete_nothing(tmp_path, platform) -> None:
    ref = platform.person(EMAIL)
    ticket = platform.ticket(ref, "Heater", "x")
    env = bridge_env(tmp_path, platform)
    dry = run(env, "erase", "--email", EMAIL, "--dry-run")
    assert dry.returncode == 0 and "Dry run: nothing deleted." in dry.stdout and f" {ticket} " in dry.stdout
    asked = run(env, "erase", "--email", EMAIL, stdin="n\n")
    assert asked.returncode == 1 and "Delete them for good?" in asked.stdout and "nothing deleted" in asked.stderr
    assert platform.exists(ticket) and not platform.record_erased(ref)
    assert run(env, "check", "--email", EMAIL).returncode == 1


def test_erase_refuses_a_staff_account(tmp_path, platform) -> None:
    ref = platform.person(EMAIL, staff=True)
    ticket = platform.ticket(ref, "Internal", "x")
    result = run(bridge_env(tmp_path, platform), "erase", "--email", EMAIL, "--yes")
    assert result.returncode == 1
    assert "refused: the address belongs to a staff account" in result.stderr
    assert platform.exists(ticket)


def test_erase_and_check_refuse_to_run_without_the_hash_key(tmp_path, platform) -> None:
    ref = platform.person(EMAIL)
    ticket = platform.ticket(ref, "Heater", "x")
    env = bridge_env(tmp_path, platform, key=None)
    for command in (["erase", "--email", EMAIL, "--yes"], ["check", "--email", EMAIL]):
        result = run(env, *command)
        assert result.returncode == 1
        [line] = [ln for ln in result.stderr.splitlines() if ln.startswith("Error:")]
        assert "BRIDGE_SUBJECT_HASH_KEY is not set" in line and "openssl rand -hex 32" in line
    assert platform.exists(ticket)
    assert platform.fake.requests == [], "refused before asking any platform"


def test_check_with_another_key_does_not_find_the_erasure(tmp_path, platform) -> None:
    platform.ticket(platform.person(EMAIL), "Heater", "x")
    env = bridge_env(tmp_path, platform)
    assert run(env, "erase", "--email", EMAIL, "--yes").returncode == 0
    other = {**env, "BRIDGE_SUBJECT_HASH_KEY": "another-key-of-enough-length-987654"}
    result = run(other, "check", "--email", EMAIL)
    assert result.returncode == 1 and "No erasure is recorded" in result.stdout
    assert run(env, "check", "--email", "someone.else@example.se").returncode == 1
