"""``actions.violation: redact`` (issue 17.4): a new ticket's description loses exactly the
counted spans and the offending attachments, the ticket stays, the requester is told once
after the redaction was confirmed; a value in the subject line cannot be redacted and falls
back to ``actions.redact_fallback``. In-memory platform, real analyzer, audit and outbox."""

from __future__ import annotations

from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest

from adapters.memory import MemoryPlatform, MemoryStore
from adapters.memory.platform import REDACTED_CHAR
from bridge.analysis import TicketAnalyzer
from bridge.audit import AuditLog
from bridge.db import Database
from bridge.notify import Notifier
from bridge.pipeline import (
    DELETED,
    DELETING,
    NOTIFIED,
    REDACT_FAILED,
    REDACTED,
    REDACTING,
    REVIEW_MARKED,
    Services,
    process_ticket,
)
from bridge.platform import PlatformRejected, RedactionResult, Requester
from bridge.rules import Rules
from bridge.scanner import Scanner

REQUESTER = Requester(name="Henrik Dahlberg", email="henrik.dahlberg@kunde.example", locale="sv-SE")
BODY = ("Hej,\n\nexporten stannar med fel EXP-5218. Ring gärna min kollega Sabine Kromberg på 070-123 45 67, "
        "hon såg det först.\n\nHälsningar\nHenrik Dahlberg")
PHONE, NAME = "070-123 45 67", "Sabine Kromberg"


class Crash(BaseException):
    pass


class CrashingAudit(AuditLog):
    def __init__(self, db: Database, before: str | None) -> None:
        super().__init__(db)
        self.before = before

    def record_step(self, platform: str, ticket_id: str, step: str, detail: str | None = None,
                    at: float | None = None) -> bool:
        if step == self.before:
            raise Crash(step)
        return super().record_step(platform, ticket_id, step, detail)


class CrashingPlatform(MemoryPlatform):
    before: str | None = None

    def redact_description(self, ticket_id: str, spans: list[tuple[int, int]]) -> RedactionResult:
        if self.before == "redact":
            raise Crash("redact")
        result = super().redact_description(ticket_id, spans)
        if self.before == "after_redact":
            raise Crash("after_redact")
        return result


class CrashingNotifier(Notifier):
    before: str | None = None

    def send(self, notice: Any) -> str:
        if self.before == "send":
            raise Crash("send")
        return super().send(notice)


@pytest.fixture(scope="module")
def redact_rules(rules: Rules) -> Rules:
    actions = rules.actions.model_copy(update={"violation": "redact"})
    return rules.model_copy(update={"mode": "enforce", "actions": actions})


class World:
    def __init__(self, tmp_path: Path, rules: Rules, scanner: Scanner) -> None:
        self.store = MemoryStore()
        self.db = Database(tmp_path / "bridge.db")
        self.tmp_path = tmp_path
        self.rules = rules
        self.scanner = scanner

    def services(self, crash_at: str | None = None, rules: Rules | None = None) -> Services:
        rules = rules or self.rules
        notifier = CrashingNotifier.from_env({}, data_dir=self.tmp_path)
        notifier.before = crash_at

        def platform(name: str) -> MemoryPlatform:
            client = CrashingPlatform(self.store)
            client.before = crash_at
            return client

        return Services(rules=rules, mode="enforce", analyzer=TicketAnalyzer(rules, self.scanner), notifier=notifier,
                        audit=CrashingAudit(self.db, crash_at), platform_factory=platform)

    def emails(self) -> list[Path]:
        outbox = self.tmp_path / "outbox"
        return sorted(outbox.glob("*.eml")) if outbox.is_dir() else []

    def steps(self, ticket_id: str) -> list[str]:
        return list(AuditLog(self.db).steps("memory", ticket_id))


@pytest.fixture
def world(tmp_path: Path, redact_rules: Rules, scanner: Scanner) -> World:
    return World(tmp_path, redact_rules, scanner)


def masked(text: str, *values: str) -> str:
    for value in values:
        text = text.replace(value, "".join(c if c.isspace() else REDACTED_CHAR for c in value))
    return text


def plain(path: Path) -> str:
    message = message_from_bytes(path.read_bytes(), policy=default_policy)
    return " ".join(message.get_body(preferencelist=("plain",)).get_content().split())


def test_the_description_loses_the_counted_spans_and_the_ticket_stays(world: World) -> None:
    ticket_id = world.store.add_ticket("Exporten stannar", BODY, requester=REQUESTER)
    assert process_ticket(world.services(), "memory", ticket_id) == "redacted"
    stored = world.store.tickets[ticket_id]
    assert stored.body == masked(BODY, PHONE, NAME) and stored.subject == "Exporten stannar"
    assert world.store.deletions == []
    assert world.steps(ticket_id) == [REDACTING, REDACTED, NOTIFIED]
    [email] = world.emails()
    text = plain(email)
    assert "Beskrivningen i ditt ärende innehöll personuppgifter" in text and "telefonnummer" in text
    assert "Skicka inte de här uppgifterna igen" in text and "070" not in text and "Kromberg" not in text
    assert process_ticket(world.services(), "memory", ticket_id) == "already redacted"
    assert len(world.store.calls("redact")) == 1 and len(world.emails()) == 1


@pytest.mark.parametrize("crash_at", [REDACTING, "redact", "after_redact", REDACTED, "send", NOTIFIED])
def test_a_crash_then_a_retry_redacts_once_and_emails_once(world: World, crash_at: str) -> None:
    ticket_id = world.store.add_ticket("Exporten stannar", BODY, requester=REQUESTER)
    with pytest.raises(Crash):
        process_ticket(world.services(crash_at), "memory", ticket_id)
    assert process_ticket(world.services(), "memory", ticket_id) in ("redacted", "already redacted")
    assert world.store.tickets[ticket_id].body == masked(BODY, PHONE, NAME)
    assert len(world.store.calls("redact")) == 1 and len(world.emails()) == 1
    assert world.steps(ticket_id) == [REDACTING, REDACTED, NOTIFIED]


def test_an_attachment_of_the_description_with_a_third_partys_data_is_removed(world: World) -> None:
    ticket_id = world.store.add_ticket(
        "Exporten stannar", "Hej, loggen bifogad. EXP-5218.\n\nHenrik Dahlberg", requester=REQUESTER,
        attachments=[("export.log", b"02:14 export started\n", "text/plain"),
                     ("schema.txt", b"Ring Sabine Kromberg pa 070-123 45 67 om nattskiftet.\n", "text/plain")])
    assert process_ticket(world.services(), "memory", ticket_id) == "redacted"
    assert [ref.filename for ref, _ in world.store.tickets[ticket_id].attachments] == ["export.log"]
    assert '"attachments": 1' in (dict(AuditLog(world.db).steps("memory", ticket_id))[REDACTED].detail or "")
    assert "2:a bilagan" in plain(world.emails()[0])


def test_a_value_in_the_subject_line_falls_back_to_review_by_default(world: World) -> None:
    ticket_id = world.store.add_ticket("Ring Sabine Kromberg på 070-123 45 67", BODY, requester=REQUESTER)
    assert process_ticket(world.services(), "memory", ticket_id) == "review"
    stored = world.store.tickets[ticket_id]
    assert stored.body == BODY and world.rules.actions.review_tag in stored.tags
    [note] = stored.notes
    assert "subject" in note and "cannot" in note and "070" not in note
    assert world.steps(ticket_id) == [REVIEW_MARKED] and world.emails() == []


def test_a_value_in_the_subject_line_is_deleted_when_the_fallback_says_delete(world: World) -> None:
    rules = world.rules.model_copy(update={"actions": world.rules.actions.model_copy(
        update={"redact_fallback": "delete"})})
    ticket_id = world.store.add_ticket("Ring Sabine Kromberg på 070-123 45 67", BODY, requester=REQUESTER)
    assert process_ticket(world.services(rules=rules), "memory", ticket_id) == "deleted"
    assert world.store.deletions == [ticket_id]
    assert world.steps(ticket_id) == [DELETING, DELETED, NOTIFIED]


def test_a_redaction_refused_for_good_is_tagged_and_never_announced(world: World) -> None:
    ticket_id = world.store.add_ticket("Exporten stannar", BODY, requester=REQUESTER)
    world.store.inject("redact", [403])
    with pytest.raises(PlatformRejected):
        process_ticket(world.services(), "memory", ticket_id)
    stored = world.store.tickets[ticket_id]
    assert stored.body == BODY and world.rules.actions.review_tag in stored.tags
    assert "refused to redact" in stored.notes[0]
    assert world.steps(ticket_id) == [REDACTING, REDACT_FAILED] and world.emails() == []
