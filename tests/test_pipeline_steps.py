"""The pipeline's table of steps, with the in-memory platform, the real analyzer, a real
audit trail and the mail outbox: a crash at every point between the steps, then a
retry, gives one deletion, never a second email, and never an email for a deletion
that did not happen."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

from adapters.memory import MemoryPlatform, MemoryStore
from bridge import metrics
from bridge.analysis import TicketAnalyzer
from bridge.audit import AuditLog
from bridge.db import Database
from bridge.notify import Notifier
from bridge.pipeline import (
    DELETE_FAILED,
    DELETED,
    DELETING,
    NOTICE_LOST,
    NOTIFIED,
    REVIEW_MARKED,
    STEPS,
    Services,
    process_ticket,
)
from bridge.platform import PlatformRejected, Requester
from bridge.rules import Rules
from bridge.scanner import Scanner

REQUESTER = Requester(name="Henrik Dahlberg", email="henrik.dahlberg@kunde.example", locale="de-DE")
VIOLATION = ("Export bricht ab", "Guten Tag,\n\nbitte rufen Sie unsere Mitarbeiterin Sabine Kromberg unter "
             "+49 151 23456789 an, der Export bricht mit Fehler EXP-5218 ab.\n\nViele Grüße\nHenrik Dahlberg")
CLEAN = ("Export fails", "The nightly export stops with error EXP-5218 after the upgrade to 4.2.")


class Crash(BaseException):
    """The worker dies here (SIGKILL): nothing after this line runs, no except clause sees it."""


class CrashingAudit(AuditLog):
    def __init__(self, db: Database, before_step: str | None) -> None:
        super().__init__(db)
        self.before_step = before_step

    def record_step(self, platform: str, ticket_id: str, step: str, detail: str | None = None) -> bool:
        if step == self.before_step:
            raise Crash(step)
        return super().record_step(platform, ticket_id, step, detail)


class CrashingPlatform(MemoryPlatform):
    def __init__(self, store: MemoryStore, before: str | None) -> None:
        super().__init__(store)
        self.before = before

    def delete_ticket(self, ticket_id: str) -> Any:
        if self.before == "delete":
            raise Crash("delete")
        return super().delete_ticket(ticket_id)


class CrashingNotifier(Notifier):
    before: str | None = None

    def send(self, notice: Any) -> str:
        if self.before == "send":
            raise Crash("send")
        return super().send(notice)


@pytest.fixture(scope="module")
def enforce_rules(rules: Rules) -> Rules:
    return rules.model_copy(update={"mode": "enforce"})


@pytest.fixture(scope="module")
def analyzer(enforce_rules: Rules, scanner: Scanner) -> TicketAnalyzer:
    return TicketAnalyzer(enforce_rules, scanner)


class World:
    """One helpdesk, one audit trail and one outbox, shared by the first run and the retry."""

    def __init__(self, tmp_path: Path, rules: Rules, analyzer: TicketAnalyzer) -> None:
        self.store = MemoryStore()
        self.db = Database(tmp_path / "bridge.db")
        self.outbox = tmp_path / "outbox"
        self.rules = rules
        self.analyzer = analyzer
        self.tmp_path = tmp_path

    def services(self, crash_at: str | None = None) -> Services:
        notifier = CrashingNotifier.from_env({}, data_dir=self.tmp_path)
        notifier.before = crash_at
        audit = CrashingAudit(self.db, crash_at)
        return Services(rules=self.rules, mode="enforce", analyzer=self.analyzer, notifier=notifier, audit=audit,
                        platform_factory=lambda name: CrashingPlatform(self.store, crash_at))

    def emails(self) -> list[Path]:
        return sorted(self.outbox.glob("*.eml")) if self.outbox.is_dir() else []

    def steps(self, ticket_id: str) -> list[str]:
        return list(AuditLog(self.db).steps("memory", ticket_id))


@pytest.fixture
def world(tmp_path: Path, enforce_rules: Rules, analyzer: TicketAnalyzer) -> Iterator[World]:
    yield World(tmp_path, enforce_rules, analyzer)


def test_the_table_lists_each_action_once_in_order() -> None:
    keys = [step.key for step in STEPS]
    assert keys.index(DELETED) < keys.index(NOTIFIED)  # the email only after the confirmed deletion
    assert len(keys) == len(set(keys))


def test_violation_is_deleted_then_the_requester_told(world: World) -> None:
    ticket_id = world.store.add_ticket(*VIOLATION, requester=REQUESTER)
    assert process_ticket(world.services(), "memory", ticket_id) == "deleted"
    assert world.store.deletions == [ticket_id]
    assert len(world.emails()) == 1
    assert world.steps(ticket_id) == [DELETING, DELETED, NOTIFIED]
    # a duplicate webhook later changes nothing
    assert process_ticket(world.services(), "memory", ticket_id) == "already deleted"
    assert world.store.deletions == [ticket_id] and len(world.emails()) == 1


# crash point -> emails after the retry: before the deletion the retry fetches the ticket
# (and the address) again; after it, the address is gone with the ticket and the notice
# is recorded as lost; the email that went out before a crash is never sent twice.
CRASH_POINTS = [
    (DELETING, 1, [DELETING, DELETED, NOTIFIED]),  # after the decision, before the deletion is asked for
    ("delete", 1, [DELETING, DELETED, NOTIFIED]),  # deletion asked for, the request never left
    (DELETED, 0, [DELETING, DELETED, NOTICE_LOST]),  # the platform deleted it, the worker died before recording
    ("send", 0, [DELETING, DELETED, NOTICE_LOST]),  # deletion recorded, the worker died before the email
    (NOTIFIED, 1, [DELETING, DELETED, NOTICE_LOST]),  # email handed over, the worker died before recording it
]


@pytest.mark.parametrize("crash_at, emails, steps", CRASH_POINTS, ids=[c[0] for c in CRASH_POINTS])
def test_crash_then_retry_gives_one_deletion_and_never_a_second_email(world: World, crash_at: str, emails: int,
                                                                      steps: list[str]) -> None:
    ticket_id = world.store.add_ticket(*VIOLATION, requester=REQUESTER)
    with pytest.raises(Crash):
        process_ticket(world.services(crash_at), "memory", ticket_id)
    assert len(world.emails()) <= len(world.store.deletions)  # never an email before the deletion

    outcome = process_ticket(world.services(), "memory", ticket_id)  # the retry, in a "new process"
    assert outcome in ("deleted", "already deleted")
    assert world.store.deletions == [ticket_id]
    assert len(world.emails()) == emails
    assert world.steps(ticket_id) == steps
    process_ticket(world.services(), "memory", ticket_id)  # and once more: nothing changes
    assert world.store.deletions == [ticket_id] and len(world.emails()) == emails


def test_a_deletion_refused_for_good_is_tagged_noted_and_never_announced(world: World) -> None:
    ticket_id = world.store.add_ticket(*VIOLATION, requester=REQUESTER)
    world.store.inject("delete", [403])
    before = metrics.DELETIONS_FAILED.labels("memory")._value.get()
    with pytest.raises(PlatformRejected):
        process_ticket(world.services(), "memory", ticket_id)
    stored = world.store.tickets[ticket_id]
    assert world.rules.actions.review_tag in stored.tags
    [note] = stored.notes
    assert "refused to delete" in note and "has not been told" in note
    assert "Kromberg" not in note and "151" not in note
    assert world.emails() == []
    assert world.steps(ticket_id) == [DELETING, DELETE_FAILED]
    assert metrics.DELETIONS_FAILED.labels("memory")._value.get() == before + 1


def test_mail_down_before_the_deletion_deletes_nothing(world: World, tmp_path: Path) -> None:
    from bridge.notify import NotifyError
    from tests.support.smtp import free_port

    ticket_id = world.store.add_ticket(*VIOLATION, requester=REQUESTER)
    services = world.services()
    services.notifier = Notifier.from_env({"SMTP_URL": f"smtp://127.0.0.1:{free_port()}"}, data_dir=tmp_path)
    with pytest.raises(NotifyError):
        process_ticket(services, "memory", ticket_id)
    assert world.store.deletions == [] and ticket_id in world.store.tickets
    assert DELETING not in world.steps(ticket_id)


def test_review_and_clean_tickets_are_never_deleted(world: World) -> None:
    clean = world.store.add_ticket(*CLEAN, requester=REQUESTER)
    unsure = world.store.add_ticket("Screen", "see the attached screenshot", requester=REQUESTER,
                                    attachments=[("x.bin", b"\x00\x01garbage" * 10, "application/octet-stream")])
    assert process_ticket(world.services(), "memory", clean) == "clean"
    assert process_ticket(world.services(), "memory", unsure) == "review"
    assert world.store.deletions == [] and world.emails() == []
    assert world.steps(unsure) == [REVIEW_MARKED]
    process_ticket(world.services(), "memory", unsure)
    assert len(world.store.tickets[unsure].notes) == 1


def test_the_byte_budget_stops_downloads_past_the_ticket_limit(world: World) -> None:
    limits = world.rules.attachments.limits.model_copy(update={"max_ticket_bytes": 1500, "max_bytes": 1000})
    rules = world.rules.model_copy(update={"attachments": world.rules.attachments.model_copy(update={"limits": limits})})
    world.rules = rules
    ticket_id = world.store.add_ticket(*CLEAN, requester=REQUESTER, attachments=[
        ("a.txt", b"a" * 900, "text/plain"), ("b.txt", b"b" * 900, "text/plain"), ("c.txt", b"c" * 1200, "text/plain")])
    assert process_ticket(world.services(), "memory", ticket_id) == "review"
    downloads = world.store.calls("download", None)
    assert len(downloads) == 1  # the 2nd would pass the ticket's total, the 3rd its own limit: never fetched
    reasons = AuditLog(world.db).records()
    [record] = [r for r in reasons if r["ticket_id"] == ticket_id]
    assert any("exceed" in reason or "larger" in reason for reason in record["reasons"])


FILE_NAME = "anna.berg@example.se 19850101-1234 lönebesked.txt"
FILE_TEXT = "Please call our colleague Sabine Kromberg on +49 151 23456789 about the rota export.\n"
EXPECTED_PLACE = {"en": "In the 1st attachment, a text file", "sv": "I den 1:a bilagan, en textfil",
                  "de": "Im 1. Anhang, einer Textdatei"}


@pytest.mark.parametrize("lang", ["en", "sv", "de"])
def test_the_email_names_an_attachment_by_position_and_kind_never_by_its_file_name(world: World, lang: str) -> None:
    import email
    import email.policy

    requester = Requester(name="Henrik Dahlberg", email="henrik.dahlberg@kunde.example", locale=lang)
    ticket_id = world.store.add_ticket("Export fails", "See the attached note.", requester=requester,
                                       attachments=[(FILE_NAME, FILE_TEXT.encode(), "text/plain")])
    assert process_ticket(world.services(), "memory", ticket_id) == "deleted"
    [path] = world.emails()
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    shown = "\n".join([str(message["Subject"]), *(part.get_content() for part in message.walk()
                                                   if part.get_content_maintype() == "text")])
    for piece in ("anna.berg", "example.se", "19850101", "1234", "lönebesked", ".txt"):
        assert piece not in shown, piece
    plain = message.get_body(("plain",)).get_content()
    assert EXPECTED_PLACE[lang] in plain
