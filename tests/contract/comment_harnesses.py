"""What the comment contract tests need from each platform's "server", beside ``harnesses``:
add a comment to an existing ticket (by the requester, another customer or an agent; public
or internal; with files; some minutes ago), and say what the platform stores now.

Operations faults can be injected into: ``read_comment`` (reading the comment back),
``redact`` (the request that changes the comment's text), ``remove_file`` (the request that
removes a file)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol

from bridge.platform import Requester
from tests.contract.harnesses import ANNA, Attachment, JiraHarness, MemoryHarness, ZendeskHarness

REQUESTER, OTHER_CUSTOMER, AGENT = "requester", "end-user", "agent"


class CommentSide(Protocol):
    harness: Any

    def old_ticket(self, body: str = "Hello, my printer is broken.") -> str: ...
    def comment(self, ticket_id: str, body: str, by: str = REQUESTER, public: bool = True,
                attachments: tuple[Attachment, ...] = (), minutes_ago: float = 0) -> str: ...
    def stored_text(self, ticket_id: str, comment_id: str) -> str: ...
    def stored_files(self, ticket_id: str, comment_id: str) -> list[str]: ...
    def inject(self, operation: str, ticket_id: str, comment_id: str, faults: list[Any]) -> None: ...
    def missing_comment_id(self) -> str: ...


HOUR_AGO = timedelta(hours=1)


@dataclass
class ZendeskSide:
    harness: ZendeskHarness

    def old_ticket(self, body: str = "Hello, my printer is broken.") -> str:
        return str(self.harness.fake.add_ticket("Printer", body, requester=ANNA,
                                                created_at=datetime.now(timezone.utc) - HOUR_AGO))

    def _author(self, ticket_id: str, by: str) -> int | None:
        fake = self.harness.fake
        if by == REQUESTER:
            return None
        if by == AGENT:
            return fake.add_user("Agent Smith", "agent.smith@support.example.com", role="agent")
        return fake.add_user("Bo Colleague", "bo@customer.example.se")

    def comment(self, ticket_id: str, body: str, by: str = REQUESTER, public: bool = True,
                attachments: tuple[Attachment, ...] = (), minutes_ago: float = 0) -> str:
        files = [(name, data, mime, False) for name, data, mime in attachments]
        when = datetime.now(timezone.utc) - timedelta(minutes=minutes_ago)
        return str(self.harness.fake.add_comment(int(ticket_id), body, public, self._author(ticket_id, by), files,
                                                 created_at=when))

    def stored_text(self, ticket_id: str, comment_id: str) -> str:
        return str(self.harness.fake.comment(int(comment_id))["plain_body"])

    def stored_files(self, ticket_id: str, comment_id: str) -> list[str]:
        return [a["file_name"] for a in self.harness.fake.comment(int(comment_id))["attachments"]
                if a["file_name"] != "redacted.txt"]

    def inject(self, operation: str, ticket_id: str, comment_id: str, faults: list[Any]) -> None:
        method, pattern = {
            "read_comment": ("GET", rf"^/api/v2/tickets/{ticket_id}/comments(\.json)?$"),
            "redact": ("PUT", rf"^/api/v2/comment_redactions/{comment_id}(\.json)?$"),
            "remove_file": ("PUT", rf"^/api/v2/tickets/{ticket_id}/comments/{comment_id}/attachments/\d+/redact"),
        }[operation]
        self.harness.fake.inject(pattern, method, faults)

    def missing_comment_id(self) -> str:
        return "77777777"


@dataclass
class JiraSide:
    harness: JiraHarness

    def old_ticket(self, body: str = "Hello, my printer is broken.") -> str:
        return self.harness.fake.add_issue("SD", "Printer", body, reporter=ANNA,
                                           created=datetime.now(timezone.utc) - HOUR_AGO)

    def _author(self, ticket_id: str, by: str) -> str:
        fake = self.harness.fake
        if by == REQUESTER:
            return fake.issues[ticket_id].reporter
        if by == AGENT:
            return fake.add_user("Agent Smith", "agent.smith@support.example.com", customer=False)
        return fake.add_user("Bo Colleague", "bo@customer.example.se", customer=True)

    def comment(self, ticket_id: str, body: str, by: str = REQUESTER, public: bool = True,
                attachments: tuple[Attachment, ...] = (), minutes_ago: float = 0) -> str:
        fake = self.harness.fake
        who = self._author(ticket_id, by)
        when = datetime.now(timezone.utc) - timedelta(minutes=minutes_ago)
        for name, data, mime in attachments:
            fake.add_attachment(ticket_id, name, data, mime, author=who, created=when)
            body += f"\n\n[^{name}]"
        return str(fake.add_comment(ticket_id, body, internal=not public, author=who, created=when))

    def stored_text(self, ticket_id: str, comment_id: str) -> str:
        return str(self.harness.fake.comment(ticket_id, int(comment_id))["body"])

    def stored_files(self, ticket_id: str, comment_id: str) -> list[str]:
        return [a.filename for a in self.harness.fake.issues[ticket_id].attachments]

    def inject(self, operation: str, ticket_id: str, comment_id: str, faults: list[Any]) -> None:
        method, pattern = {
            "read_comment": ("GET", rf"^/rest/api/2/issue/{ticket_id}/comment/{comment_id}$"),
            "redact": ("PUT", rf"^/rest/api/2/issue/{ticket_id}/comment/{comment_id}$"),
            "remove_file": ("DELETE", r"^/rest/api/2/attachment/\d+$"),
        }[operation]
        self.harness.fake.inject(pattern, method, faults)

    def missing_comment_id(self) -> str:
        return "99999"


MEMORY_AUTHORS = {AGENT: ("agent.smith@support.example.com", "agent"), OTHER_CUSTOMER: ("bo@customer.example.se", "end-user")}


@dataclass
class MemorySide:
    harness: MemoryHarness

    def old_ticket(self, body: str = "Hello, my printer is broken.") -> str:
        return self.harness.store.add_ticket("Printer", body, requester=Requester(**ANNA),
                                             created_at=datetime.now(timezone.utc) - HOUR_AGO)

    def comment(self, ticket_id: str, body: str, by: str = REQUESTER, public: bool = True,
                attachments: tuple[Attachment, ...] = (), minutes_ago: float = 0) -> str:
        when = datetime.now(timezone.utc) - timedelta(minutes=minutes_ago)
        if by == REQUESTER:
            author: str | Requester = self.harness.store.tickets[ticket_id].requester
            role = "end-user"
        else:
            author, role = MEMORY_AUTHORS[by]
        return self.harness.store.add_comment(ticket_id, author, body, public=public, role=role,
                                              attachments=list(attachments), created_at=when)

    def stored_text(self, ticket_id: str, comment_id: str) -> str:
        return self.harness.store.comment(ticket_id, comment_id).body

    def stored_files(self, ticket_id: str, comment_id: str) -> list[str]:
        return [ref.filename for ref, _ in self.harness.store.comment(ticket_id, comment_id).attachments]

    def inject(self, operation: str, ticket_id: str, comment_id: str, faults: list[Any]) -> None:
        name = {"read_comment": "fetch_comment", "redact": "redact", "remove_file": "remove_attachment"}[operation]
        self.harness.store.inject(name, faults)

    def missing_comment_id(self) -> str:
        return "999999"


def side_for(harness: Any) -> CommentSide:
    return {"zendesk": ZendeskSide, "jira": JiraSide, "memory": MemorySide}[harness.name](harness)  # type: ignore[no-any-return]
