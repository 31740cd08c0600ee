"""Comments added after creation (issue 17), through the in-memory platform with the real
analyzer, a real audit trail and the mail outbox: exactly the counted spans and files go,
the rest of the comment and the ticket stay, the author is told once and only after the
platform's redaction was confirmed, and a crash at any point then a retry changes nothing."""

from __future__ import annotations

from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path
from typing import Any, Iterator

import pytest

from adapters.memory import MemoryPlatform, MemoryStore
from adapters.memory.platform import REDACTED_CHAR
from bridge import metrics
from bridge.analysis import TicketAnalyzer
from bridge.audit import AuditLog
from bridge.comments import (
    COMMENT_DECIDED,
    COMMENT_SKIPPED,
    REDACT_FAILED,
    REDACT_UNCONFIRMED,
    REDACTED,
    REDACTING,
    STEPS,
    process_comment,
)
from bridge.db import Database
from bridge.jobkeys import comment_key
from bridge.notify import Notifier
from bridge.pipeline import DELETED, DELETING, ENFORCED, MONITORED, NOTIFIED, NOTIFY_SKIPPED, REVIEW_MARKED, Services
from bridge.platform import PlatformRejected, RedactionResult, Requester
from bridge.rules import Rules
from bridge.scanner import Scanner

REQUESTER = Requester(name="Henrik Dahlberg", email="henrik.dahlberg@kunde.example", locale="en-GB")
TICKET = ("Export fails", "The nightly export stops with error EXP-5218 after the upgrade to 4.2.")
REPLY = ("Hi, the export still fails. Please call my colleague Sabine Kromberg on 07700 900 123, "
         "she saw it first.\n\nThanks\nHenrik Dahlberg")
PHONE = "07700 900 123"
NAME = "Sabine Kromberg"
CLEAN_REPLY = "Hi, it failed again last night with EXP-5218 at 02:14. Thanks, Henrik"


class Crash(BaseException):
    """The worker dies here (SIGKILL): nothing after this line runs."""


class CrashingAudit(AuditLog):
    def __init__(self, db: Database, before_step: str | None) -> None:
        super().__init__(db)
        self.before_step = before_step

    def record_step(self, platform: str, ticket_id: str, step: str, detail: str | None = None,
                    at: float | None = None) -> bool:
        if step == self.before_step:
            raise Crash(step)
        return super().record_step(platform, ticket_id, step, detail)


class CrashingPlatform(MemoryPlatform):
    def __init__(self, store: MemoryStore, before: str | None) -> None:
        super().__init__(store)
        self.before = before

    def redact_comment(self, ticket_id: str, comment_id: str, spans: list[tuple[int, int]]) -> RedactionResult:
        if self.before == "redact":
            raise Crash("redact")
        result = super().redact_comment(ticket_id, comment_id, spans)
        if self.before == "after_redact":
            raise Crash("after_redact")
        return result


class LyingPlatform(MemoryPlatform):
    """Answers that it redacted, and leaves the text as it was."""

    def redact_comment(self, ticket_id: str, comment_id: str, spans: list[tuple[int, int]]) -> RedactionResult:
        return RedactionResult(ticket_id, comment_id, "comment_redaction", spans=len(spans))


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
    def __init__(self, tmp_path: Path, rules: Rules, analyzer: TicketAnalyzer) -> None:
        self.store = MemoryStore()
        self.db = Database(tmp_path / "bridge.db")
        self.outbox = tmp_path / "outbox"
        self.rules = rules
        self.analyzer = analyzer
        self.tmp_path = tmp_path
        self.platform_class: type[MemoryPlatform] = CrashingPlatform

    def services(self, crash_at: str | None = None, rules: Rules | None = None, mode: str = "enforce") -> Services:
        notifier = CrashingNotifier.from_env({}, data_dir=self.tmp_path)
        notifier.before = crash_at
        audit = CrashingAudit(self.db, crash_at)
        rules = rules or self.rules

        def platform(name: str) -> MemoryPlatform:
            if self.platform_class is CrashingPlatform:
                return CrashingPlatform(self.store, crash_at)
            return self.platform_class(self.store)

        return Services(rules=rules, mode=mode, analyzer=TicketAnalyzer(rules, self.analyzer.scanner),
                        notifier=notifier, audit=audit, platform_factory=platform)

    def ticket_with_reply(self, body: str = REPLY, **options: Any) -> tuple[str, str]:
        ticket_id = self.store.add_ticket(*TICKET, requester=REQUESTER)
        author = options.pop("author", REQUESTER)
        return ticket_id, self.store.add_comment(ticket_id, author, body, **options)

    def emails(self) -> list[Path]:
        return sorted(self.outbox.glob("*.eml")) if self.outbox.is_dir() else []

    def steps(self, ticket_id: str, comment_id: str) -> list[str]:
        return list(AuditLog(self.db).steps("memory", comment_key(ticket_id, comment_id)))


@pytest.fixture
def world(tmp_path: Path, enforce_rules: Rules, analyzer: TicketAnalyzer) -> Iterator[World]:
    yield World(tmp_path, enforce_rules, analyzer)


def redacted(text: str, *values: str) -> str:
    for value in values:
        text = text.replace(value, "".join(c if c.isspace() else REDACTED_CHAR for c in value))
    return text


def read_email(path: Path) -> Any:
    return message_from_bytes(path.read_bytes(), policy=default_policy)


def test_the_table_redacts_before_it_tells_anyone() -> None:
    keys = [step.key for step in STEPS]
    assert keys.index(REDACTED) < keys.index(NOTIFIED)
    assert len(keys) == len(set(keys))


def test_a_third_partys_number_in_a_reply_is_redacted_and_the_author_told_once(world: World) -> None:
    ticket_id, comment_id = world.ticket_with_reply()
    assert process_comment(world.services(), "memory", ticket_id, comment_id) == "redacted"
    stored = world.store.comment(ticket_id, comment_id)
    assert stored.body == redacted(REPLY, PHONE, NAME)  # exactly the counted spans; the rest stays
    assert ticket_id in world.store.tickets and world.store.tickets[ticket_id].body == TICKET[1]
    assert world.store.deletions == []
    assert world.steps(ticket_id, comment_id) == [COMMENT_DECIDED, REDACTING, REDACTED, NOTIFIED]
    [email] = world.emails()
    message = read_email(email)
    text = " ".join(message.get_body(preferencelist=("plain",)).get_content().split())
    assert message["To"].addresses[0].addr_spec == REQUESTER.email
    assert "removed" in message["Subject"]
    assert "your comment of" in text.lower() and "phone number" in text and "full name" in text
    assert "do not send this information again" in text
    assert PHONE not in text and "Kromberg" not in text and "deleted" not in text
    # a redelivered event, or the sweep, changes nothing
    assert process_comment(world.services(), "memory", ticket_id, comment_id) == "already done"
    assert len(world.store.calls("redact")) == 1 and len(world.emails()) == 1


def test_the_audit_keeps_the_comment_kinds_and_the_confirmed_redaction_without_values(world: World) -> None:
    ticket_id, comment_id = world.ticket_with_reply()
    process_comment(world.services(), "memory", ticket_id, comment_id)
    [record] = list(AuditLog(world.db).records())
    assert record["ticket_id"] == comment_key(ticket_id, comment_id)
    assert record["kinds"] == {"PERSON": 1, "PHONE_NUMBER": 1}
    steps = {s["step"]: s["detail"] for s in record["steps"]}
    assert steps[COMMENT_DECIDED] == f"comment {comment_id}; author requester; public"
    assert '"spans": 2' in steps[REDACTED] and '"attachments": 0' in steps[REDACTED]
    assert "comment_redaction" in steps[REDACTED]
    dumped = repr(record)
    assert "Kromberg" not in dumped and "900 123" not in dumped and "07700" not in dumped


CRASH_POINTS = [REDACTING, "redact", "after_redact", REDACTED, "send", NOTIFIED]


@pytest.mark.parametrize("crash_at", CRASH_POINTS)
def test_a_crash_at_any_step_then_a_retry_gives_one_redaction_and_one_email(world: World, crash_at: str) -> None:
    ticket_id, comment_id = world.ticket_with_reply()
    with pytest.raises(Crash):
        process_comment(world.services(crash_at), "memory", ticket_id, comment_id)
    assert world.emails() == [] or crash_at == NOTIFIED  # never an email before the confirmed redaction

    assert process_comment(world.services(), "memory", ticket_id, comment_id) == "redacted"
    assert world.store.comment(ticket_id, comment_id).body == redacted(REPLY, PHONE, NAME)
    assert len(world.store.calls("redact")) == 1
    assert len(world.emails()) == 1
    assert world.steps(ticket_id, comment_id) == [COMMENT_DECIDED, REDACTING, REDACTED, NOTIFIED]
    process_comment(world.services(), "memory", ticket_id, comment_id)  # once more: nothing changes
    assert len(world.store.calls("redact")) == 1 and len(world.emails()) == 1
    record = dict(AuditLog(world.db).steps("memory", comment_key(ticket_id, comment_id)))
    assert '"spans": 2' in (record[REDACTED].detail or "")  # counted from the plan when the retry found it done


def test_an_attachment_with_a_third_partys_data_is_removed_and_named_by_position(world: World) -> None:
    ticket_id, comment_id = world.ticket_with_reply(
        "Here is the export log you asked for.",
        attachments=[("export.log", b"02:14 export started\n02:15 EXP-5218\n", "text/plain"),
                     ("rota_sabine.txt", b"Call Sabine Kromberg on 07700 900 123 for the night shift.\n",
                      "text/plain")])
    assert process_comment(world.services(), "memory", ticket_id, comment_id) == "redacted"
    stored = world.store.comment(ticket_id, comment_id)
    assert [ref.filename for ref, _ in stored.attachments] == ["export.log"]
    assert stored.body == "Here is the export log you asked for."
    [email] = world.emails()
    text = " ".join(read_email(email).get_body(preferencelist=("plain",)).get_content().split())
    assert "2nd attachment" in text and "removed completely" in text
    assert "rota" not in text and "sabine" not in text.lower()
    detail = dict(AuditLog(world.db).steps("memory", comment_key(ticket_id, comment_id)))[REDACTED].detail or ""
    assert '"attachments": 1' in detail and "attachment_redacted" in detail


def test_a_clean_comment_is_left_alone(world: World) -> None:
    ticket_id, comment_id = world.ticket_with_reply(CLEAN_REPLY)
    assert process_comment(world.services(), "memory", ticket_id, comment_id) == "clean"
    assert world.store.comment(ticket_id, comment_id).body == CLEAN_REPLY
    assert world.steps(ticket_id, comment_id) == [COMMENT_DECIDED, ENFORCED]
    assert world.emails() == [] and world.store.calls("redact") == []


def test_the_requesters_own_number_in_their_reply_does_not_count(world: World) -> None:
    me = Requester(name="Henrik Dahlberg", email="henrik.dahlberg@kunde.example", phone="07700 900 123")
    ticket_id = world.store.add_ticket(*TICKET, requester=me)
    body = "Hi, the export still fails. You can reach me on 07700 900 123.\n\nThanks\nHenrik Dahlberg"
    comment_id = world.store.add_comment(ticket_id, me, body)
    assert process_comment(world.services(), "memory", ticket_id, comment_id) == "clean"
    assert world.store.comment(ticket_id, comment_id).body == body


def test_an_agents_internal_note_is_not_scanned_by_default(world: World) -> None:
    agent = Requester(name="Agent Smith", email="agent@support.example")
    world.store.add_user(agent.email or "", role="agent")
    ticket_id, comment_id = world.ticket_with_reply(REPLY, author=agent, public=False)
    assert process_comment(world.services(), "memory", ticket_id, comment_id) == "skipped"
    assert world.store.comment(ticket_id, comment_id).body == REPLY
    assert world.steps(ticket_id, comment_id) == [COMMENT_SKIPPED]


def test_internal_notes_are_redacted_when_the_rules_say_so_and_nobody_is_emailed(world: World) -> None:
    agent = Requester(name="Agent Smith", email="agent@support.example")
    world.store.add_user(agent.email or "", role="agent")
    ticket_id, comment_id = world.ticket_with_reply(REPLY, author=agent, public=False)
    rules = world.rules.model_copy(update={"comments": world.rules.comments.model_copy(
        update={"include_internal_notes": True})})
    assert process_comment(world.services(rules=rules), "memory", ticket_id, comment_id) == "redacted"
    assert PHONE not in world.store.comment(ticket_id, comment_id).body
    assert world.steps(ticket_id, comment_id)[-1] == NOTIFY_SKIPPED
    assert world.emails() == []


def test_a_redaction_the_platform_refuses_is_tagged_for_review_and_never_announced(world: World) -> None:
    ticket_id, comment_id = world.ticket_with_reply()
    world.store.inject("redact", [403])
    before = metrics.REDACTIONS.labels("memory", "refused")._value.get()
    with pytest.raises(PlatformRejected):
        process_comment(world.services(), "memory", ticket_id, comment_id)
    stored = world.store.tickets[ticket_id]
    assert world.rules.actions.review_tag in stored.tags
    [note] = stored.notes
    assert "refused to redact" in note and comment_id in note and "900 123" not in note
    assert world.emails() == []
    assert world.steps(ticket_id, comment_id) == [COMMENT_DECIDED, REDACTING, REDACT_FAILED]
    assert metrics.REDACTIONS.labels("memory", "refused")._value.get() == before + 1


def test_a_redaction_that_left_the_data_there_is_not_claimed(world: World) -> None:
    world.platform_class = LyingPlatform
    ticket_id, comment_id = world.ticket_with_reply()
    assert process_comment(world.services(), "memory", ticket_id, comment_id) == "review"
    assert world.store.comment(ticket_id, comment_id).body == REPLY
    assert world.rules.actions.review_tag in world.store.tickets[ticket_id].tags
    steps = world.steps(ticket_id, comment_id)
    assert REDACT_UNCONFIRMED in steps and REDACTED not in steps
    assert world.emails() == []


def test_comments_action_review_tags_the_ticket(world: World) -> None:
    ticket_id, comment_id = world.ticket_with_reply()
    rules = world.rules.model_copy(update={"comments": world.rules.comments.model_copy(update={"action": "review"})})
    assert process_comment(world.services(rules=rules), "memory", ticket_id, comment_id) == "review"
    assert world.store.comment(ticket_id, comment_id).body == REPLY
    assert world.steps(ticket_id, comment_id) == [COMMENT_DECIDED, REVIEW_MARKED]


def test_comments_action_delete_ticket_deletes_it_and_tells_the_author_once(world: World) -> None:
    ticket_id, comment_id = world.ticket_with_reply()
    rules = world.rules.model_copy(update={"comments": world.rules.comments.model_copy(
        update={"action": "delete_ticket"})})
    assert process_comment(world.services(rules=rules), "memory", ticket_id, comment_id) == "deleted"
    assert world.store.deletions == [ticket_id]
    assert world.steps(ticket_id, comment_id) == [COMMENT_DECIDED, DELETING, DELETED, NOTIFIED]
    [email] = world.emails()
    text = " ".join(read_email(email).get_body(preferencelist=("plain",)).get_content().split())
    assert "deleted the request permanently" in text and "your comment of" in text.lower()
    assert process_comment(world.services(rules=rules), "memory", ticket_id, comment_id) == "already done"
    assert world.store.deletions == [ticket_id] and len(world.emails()) == 1


def test_monitor_mode_records_and_changes_nothing(world: World) -> None:
    ticket_id, comment_id = world.ticket_with_reply()
    outcome = process_comment(world.services(mode="monitor"), "memory", ticket_id, comment_id)
    assert outcome == "monitored (violation)"
    assert world.store.comment(ticket_id, comment_id).body == REPLY
    assert world.steps(ticket_id, comment_id) == [COMMENT_DECIDED, MONITORED]
    assert world.emails() == []


def test_an_attachment_that_cannot_be_read_still_goes_to_review_after_the_redaction(world: World) -> None:
    ticket_id, comment_id = world.ticket_with_reply(
        REPLY, attachments=[("export.pdf", b"%PDF-1.7 this is not really a pdf", "application/pdf")])
    assert process_comment(world.services(), "memory", ticket_id, comment_id) == "redacted"
    assert world.store.comment(ticket_id, comment_id).body == redacted(REPLY, PHONE, NAME)
    assert world.rules.actions.review_tag in world.store.tickets[ticket_id].tags
    assert world.steps(ticket_id, comment_id) == [COMMENT_DECIDED, REDACTING, REDACTED, NOTIFIED, REVIEW_MARKED]
