"""The channels rule (issue 16.4): the rules' ``channels`` section, and the pipeline with the
in-memory platform, the real analyzer, a real audit trail and the mail outbox. The same rule
end to end, over HTTP against the fake Zendesk and Jira, is in tests/test_channels_e2e.py."""

from __future__ import annotations

import email
from email.policy import default as default_policy
from pathlib import Path
from typing import Iterator

import pytest

from adapters.memory import MemoryPlatform, MemoryStore
from bridge.analysis import TicketAnalyzer
from bridge.audit import AuditLog
from bridge.db import Database
from bridge.notify import Notifier
from bridge.pipeline import (
    CHANNEL_CLOSED,
    CHANNEL_DELETED,
    CHANNEL_NOTICE,
    CHANNEL_NOTICE_SENDING,
    CHANNEL_REJECTED,
    CHANNEL_WOULD_REJECT,
    DELETING,
    MONITORED,
    Services,
    process_ticket,
)
from bridge.platform import Requester
from bridge.rules import Rules, RulesError, parse_rules
from bridge.scanner import Scanner

SHIPPED = Path(__file__).resolve().parent.parent / "rules.yaml"
REQUESTER = Requester(name="Ingrid Svensson", email="ingrid.svensson@kund.example", locale="sv-SE")
CLEAN = ("Exporten stannar", "Hej!\n\nExporten stannar med fel EXP-5218 sedan uppgraderingen till 4.2.\n\nMvh Ingrid")
VIOLATION = ("Export fails", "Hello,\n\nplease call our colleague Oliver Pemberton on +44 7911 123456, the export"
             " fails with EXP-5218.\n\nRegards\nIngrid Svensson")


def with_channels(section: str) -> bytes:
    return SHIPPED.read_bytes().replace(b"channels:\n  reject: []\n  action: delete\n  portal_url: null\n",
                                        section.encode())


# --------------------------------------------------------------------------- rules


def test_shipped_rules_reject_no_channel() -> None:
    rules = parse_rules(SHIPPED.read_bytes())
    assert rules.channels.reject == [] and not rules.channels.rejects("email")


def test_a_rejected_channel_with_its_action_and_portal_is_accepted() -> None:
    rules = parse_rules(with_channels("channels: {reject: [Email, chat], action: close,"
                                      " portal_url: 'https://help.example.com/new'}\n"))
    assert rules.channels.reject == ["email", "chat"] and rules.channels.action == "close"
    assert rules.channels.rejects("email") and not rules.channels.rejects("web") and not rules.channels.rejects(None)
    assert rules.channels.portal_url == "https://help.example.com/new"


@pytest.mark.parametrize("section, message", [
    ("channels: {reject: [fax]}\n", "channels.reject: unknown channel 'fax'; known: email, web, portal"),
    ("channels: {reject: [email, portal]}\n", "channels.reject: 'portal' cannot be rejected: the notice asks"),
    ("channels: {reject: [web]}\n", "channels.reject: 'web' cannot be rejected"),
    ("channels: {reject: [email], action: archive}\n", "channels.action: Input should be 'delete' or 'close'"),
    ("channels: {reject: [email], portal_url: help.example.com}\n", "channels.portal_url: must be an http(s) address"),
    ("channels: {reject: [email], reply: true}\n", "channels.reply: unknown key (a typo?)"),
])
def test_a_bad_channels_section_is_refused_in_one_line_naming_its_line(section: str, message: str) -> None:
    data = with_channels(section)
    line = data.decode().splitlines().index(section.rstrip("\n")) + 1
    with pytest.raises(RulesError) as caught:
        parse_rules(data, label="rules.yaml")
    text = str(caught.value)
    assert len(text.splitlines()) == 1, text
    assert text.startswith(f"rules.yaml line {line}: ") and message in text, text


# --------------------------------------------------------------------------- the pipeline


class World:
    def __init__(self, tmp_path: Path, rules: Rules, analyzer: TicketAnalyzer) -> None:
        self.store = MemoryStore()
        self.db = Database(tmp_path / "bridge.db")
        self.rules, self.analyzer, self.tmp_path = rules, analyzer, tmp_path

    def services(self, mode: str = "enforce", action: str = "delete") -> Services:
        channels = self.rules.channels.model_copy(update={"reject": ["email"], "action": action,
                                                          "portal_url": "https://help.example.com"})
        rules = self.rules.model_copy(update={"mode": mode, "channels": channels})
        notifier = Notifier.from_env({}, data_dir=self.tmp_path)
        return Services(rules=rules, mode=mode, analyzer=self.analyzer, notifier=notifier, audit=AuditLog(self.db),
                        platform_factory=lambda name: MemoryPlatform(self.store))

    def ticket(self, subject_body: tuple[str, str], channel: str | None) -> str:
        ticket_id = self.store.add_ticket(*subject_body, requester=REQUESTER)
        self.store.tickets[ticket_id].channel = channel
        return ticket_id

    def emails(self) -> list[email.message.Message]:
        folder = self.tmp_path / "outbox"
        return [email.message_from_bytes(p.read_bytes(), policy=default_policy) for p in sorted(folder.glob("*.eml"))] if folder.is_dir() else []

    def steps(self, ticket_id: str) -> list[str]:
        return list(AuditLog(self.db).steps("memory", ticket_id))


@pytest.fixture
def world(tmp_path: Path, rules: Rules, scanner: Scanner) -> Iterator[World]:
    yield World(tmp_path, rules, TicketAnalyzer(rules, scanner))


def test_an_email_ticket_is_deleted_then_the_requester_sent_to_the_portal_in_their_language(world: World) -> None:
    ticket_id = world.ticket(CLEAN, "email")
    assert process_ticket(world.services(), "memory", ticket_id) == "deleted (channel)"
    assert world.store.deletions == [ticket_id]
    assert world.steps(ticket_id) == [CHANNEL_REJECTED, DELETING, CHANNEL_DELETED, CHANNEL_NOTICE_SENDING,
                                      CHANNEL_NOTICE]
    [mail] = world.emails()
    assert mail["Content-Language"] == "sv" and "har raderats" in mail["Subject"]
    text = mail.get_body(("plain",)).get_content()
    assert "via e-post" in text and "https://help.example.com" in text
    for value in ("EXP-5218", "Exporten", "Ingrid", "ingrid.svensson"):  # nothing of the ticket, no name in the text
        assert value not in text
    # a duplicate webhook later changes nothing
    assert process_ticket(world.services(), "memory", ticket_id) == "already deleted"
    assert world.store.deletions == [ticket_id] and len(world.emails()) == 1


def test_a_web_ticket_is_untouched_by_the_rule_and_scanned(world: World) -> None:
    ticket_id = world.ticket(CLEAN, "web")
    assert process_ticket(world.services(), "memory", ticket_id) == "clean"
    assert world.store.deletions == [] and world.emails() == []
    assert not {CHANNEL_REJECTED, CHANNEL_WOULD_REJECT} & set(world.steps(ticket_id))


def test_a_ticket_whose_platform_names_no_channel_is_never_rejected(world: World) -> None:
    ticket_id = world.ticket(CLEAN, None)
    assert process_ticket(world.services(), "memory", ticket_id) == "clean"
    assert world.store.deletions == []


def test_close_solves_the_ticket_with_a_private_note_and_then_scans_it(world: World) -> None:
    ticket_id = world.ticket(VIOLATION, "email")
    assert process_ticket(world.services(action="close"), "memory", ticket_id) == "deleted"  # scanned: a violation
    steps = world.steps(ticket_id)
    assert steps[:4] == [CHANNEL_REJECTED, CHANNEL_CLOSED, CHANNEL_NOTICE_SENDING, CHANNEL_NOTICE] and "deleted" in steps
    subjects = [m["Subject"] for m in world.emails()]
    assert len(subjects) == 2 and any("stängts" in s for s in subjects)  # the portal notice, then the deletion's


def test_close_keeps_a_clean_ticket_solved_with_one_note(world: World) -> None:
    ticket_id = world.ticket(CLEAN, "email")
    assert process_ticket(world.services(action="close"), "memory", ticket_id) == "clean"
    stored = world.store.tickets[ticket_id]
    assert stored.status == "solved" and len(stored.notes) == 1 and "channels.reject" in stored.notes[0]
    assert process_ticket(world.services(action="close"), "memory", ticket_id) == "clean"  # again: nothing new
    assert len(stored.notes) == 1 and len(world.emails()) == 1


def test_monitor_mode_records_what_it_would_do_and_changes_nothing(world: World) -> None:
    ticket_id = world.ticket(CLEAN, "email")
    assert process_ticket(world.services(mode="monitor"), "memory", ticket_id).startswith("monitored")
    assert world.store.deletions == [] and world.emails() == []
    assert world.store.tickets[ticket_id].status == "new"
    steps = AuditLog(world.db).steps("memory", ticket_id)
    assert steps[CHANNEL_WOULD_REJECT].detail == "email; would delete" and MONITORED in steps
    # switched to enforce: the same ticket is acted on
    assert process_ticket(world.services(), "memory", ticket_id) == "deleted (channel)"
    assert world.store.deletions == [ticket_id] and len(world.emails()) == 1


def test_the_counts_read_the_steps_the_pipeline_writes() -> None:
    from bridge import channel_counts, pipeline

    assert (channel_counts.WOULD, channel_counts.REJECTED, channel_counts.DELETED, channel_counts.CLOSED,
            channel_counts.NOTICE) == (pipeline.CHANNEL_WOULD_REJECT, pipeline.CHANNEL_REJECTED,
                                       pipeline.CHANNEL_DELETED, pipeline.CHANNEL_CLOSED, pipeline.CHANNEL_NOTICE)


def test_counts_tell_rejected_from_would_and_sent_from_lost(world: World) -> None:
    from bridge.channel_counts import channel_counts

    monitored = world.ticket(CLEAN, "email")
    process_ticket(world.services(mode="monitor"), "memory", monitored)
    deleted = world.ticket(CLEAN, "email")
    process_ticket(world.services(), "memory", deleted)
    counts = channel_counts(world.db, 0)
    assert counts["rejected"] == 1 and counts["by_channel"] == {"email": 1} and counts["deleted"] == 1
    assert counts["monitor_would"] == 1 and counts["notices"] == {"sent": 1, "skipped": 0, "lost": 0}


def test_doctor_warns_when_channels_are_rejected_without_a_portal_address(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from bridge.cli import cli

    rules = tmp_path / "rules.yaml"
    rules.write_bytes(with_channels("channels: {reject: [email, chat]}\n"))
    env = {"BRIDGE_DATA_DIR": str(tmp_path / "data"), "BRIDGE_RULES": str(rules), "BRIDGE_PORTAL_URL": "",
           "SMTP_URL": "", "BRIDGE_QUEUE_URL": "", "BRIDGE_MODE": ""}
    lines = CliRunner().invoke(cli, ["doctor"], env=env).output.splitlines()
    [warn] = [ln for ln in lines if ln.startswith(("PASS  channels", "WARN  channels"))]
    assert warn.startswith("WARN  channels: tickets by email, chat are refused, but the notice names no portal")
    assert lines[lines.index(warn) + 1].strip() == "hint: set channels.portal_url in the rules or BRIDGE_PORTAL_URL"
    with_portal = CliRunner().invoke(cli, ["doctor"], env={**env, "BRIDGE_PORTAL_URL": "https://help.example.com"})
    assert "channels:" not in with_portal.output


class Crash(BaseException):
    """The worker dies here (SIGKILL): nothing after this line runs."""


class CrashingAudit(AuditLog):
    def __init__(self, db: Database, before_step: str) -> None:
        super().__init__(db)
        self.before_step = before_step

    def record_step(self, platform: str, ticket_id: str, step: str, detail: str | None = None) -> bool:
        if step == self.before_step:
            raise Crash(step)
        return super().record_step(platform, ticket_id, step, detail)


# crash point -> portal notices after the retry, and how the notice step ends
@pytest.mark.parametrize("action, crash_at, emails, notice", [
    ("delete", DELETING, 1, "<"),  # before the deletion: the retry fetches the address again
    ("delete", CHANNEL_DELETED, 0, "lost:"),  # deleted, not recorded: the address went with the ticket
    ("delete", CHANNEL_NOTICE, 1, "lost:"),  # the notice went out, not recorded: never a second one
    ("close", CHANNEL_CLOSED, 1, "<"),  # closed, not recorded: the ticket is still there, so is the address
    ("close", CHANNEL_NOTICE_SENDING, 1, "<"),  # closed, the notice not handed over yet: sent by the retry
    ("close", CHANNEL_NOTICE, 1, "lost:"),  # handed over, not recorded: not sent again (SMTP cannot dedupe)
])
def test_a_crash_between_the_steps_never_sends_two_notices(world: World, action: str, crash_at: str, emails: int,
                                                          notice: str) -> None:
    ticket_id = world.ticket(CLEAN, "email")
    crashing = world.services(action=action)
    crashing.audit = CrashingAudit(world.db, crash_at)
    with pytest.raises(Crash):
        process_ticket(crashing, "memory", ticket_id)
    process_ticket(world.services(action=action), "memory", ticket_id)
    assert len({m["Message-ID"] for m in world.emails()}) == emails and len(world.emails()) == emails
    assert str(AuditLog(world.db).steps("memory", ticket_id)[CHANNEL_NOTICE].detail).startswith(notice)
    assert world.store.deletions == ([ticket_id] if action == "delete" else [])


def test_the_status_page_counts_the_rule_and_a_lost_portal_notice(world: World) -> None:
    from bridge.jobs import JobStore
    from bridge.status import summary

    ticket_id = world.ticket(CLEAN, "email")
    crashing = world.services()
    crashing.audit = CrashingAudit(world.db, CHANNEL_DELETED)  # deleted; the worker dies before recording it
    with pytest.raises(Crash):
        process_ticket(crashing, "memory", ticket_id)
    process_ticket(world.services(), "memory", ticket_id)
    info = summary(AuditLog(world.db), JobStore(world.db), 7, "enforce")
    assert info["channels"]["rejected"] == 1 and info["channels"]["notices"]["lost"] == 1
    assert info["notices_lost"] == 1  # "requesters not told" includes the portal notice
