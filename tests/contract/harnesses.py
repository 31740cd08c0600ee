"""One test body for every platform: each harness sets up tickets and faults on its
"server" (the fake Zendesk or Jira over real HTTP, or the in-memory store) and says what
happened there, in the same words for all three.

Operations faults can be injected into: ``fetch`` (reading the ticket), ``delete`` (the
request that erases it), ``note`` (writing the private note), ``tag`` (writing a tag).
Faults: an HTTP status, ``(status, headers)``, ``"lost"`` (done, answer lost), ``"pass"``.
"""

from __future__ import annotations

from collections.abc import Sequence

from dataclasses import dataclass
from typing import Any, Iterator, Protocol

from adapters.jira import JiraPlatform, RetryPolicy
from adapters.memory import MemoryPlatform, MemoryStore
from adapters.zendesk import ZendeskPlatform
from bridge.platform import Platform, RateBudget, Requester
from tests.fakes.common import Logged
from tests.fakes.jira_server import FakeJira
from tests.fakes.zendesk_server import FakeZendesk

ANNA = {"name": "Anna Svensson", "email": "anna.svensson@example.se", "locale": "sv"}
Attachment = tuple[str, bytes, str]  # file name, content, MIME type


class Harness(Protocol):
    name: str
    platform: Platform

    def new_ticket(self, subject: str, body: str, attachments: list[Attachment] = ..., tags: list[str] = ...) -> str: ...
    def missing_id(self) -> str: ...
    def inject(self, operation: str, ticket_id: str, faults: list[Any]) -> None: ...
    def attempts(self, operation: str, ticket_id: str) -> list[float]: ...
    def request_count(self) -> int: ...
    def with_wrong_credentials(self) -> Platform: ...
    def with_budget(self, budget: RateBudget) -> Platform: ...
    def exists(self, ticket_id: str) -> bool: ...
    def deletions(self, ticket_id: str) -> int: ...
    def private_notes(self, ticket_id: str) -> list[str]: ...
    def tags(self, ticket_id: str) -> list[str]: ...
    def pending_faults(self) -> int: ...
    # data-subject requests: a "ref" is the platform's user id for a person
    def person(self, email: str, staff: bool = False) -> str: ...
    def ticket_for(self, ref: str, subject: str, body: str, attachments: list[Attachment] = ...,
                   cc: list[str] = ..., reply_by: str | None = ...) -> str: ...
    def record_gone(self, ref: str) -> bool: ...
    def inject_listing(self, faults: list[Any]) -> None: ...


class HttpHarness(Harness, Protocol):
    def download_requests(self) -> tuple[list[Logged], list[Logged]]:
        """(requests to the API host for the attachment, requests to the other host it redirects to)."""
        ...


# ---------------------------------------------------------------------- Zendesk

ZENDESK_FAST = {
    "ZENDESK_TIMEOUT_SECONDS": "0.5",
    "ZENDESK_RETRY_ATTEMPTS": "4",
    "ZENDESK_RETRY_BASE_SECONDS": "0.02",
    "ZENDESK_RETRY_MAX_SECONDS": "2",
    "ZENDESK_JOB_POLL_SECONDS": "0.01",
    "ZENDESK_JOB_TIMEOUT_SECONDS": "3",
}


@dataclass
class ZendeskHarness:
    fake: FakeZendesk
    platform: ZendeskPlatform
    name: str = "zendesk"

    _OPERATIONS = {
        "fetch": ("GET", r"^/api/v2/tickets/{id}(\.json)?$"),
        "delete": ("DELETE", r"^/api/v2/deleted_tickets/{id}(\.json)?$"),
        "note": ("PUT", r"^/api/v2/tickets/{id}(\.json)?$"),
        "tag": ("PUT", r"^/api/v2/tickets/{id}/tags(\.json)?$"),
    }

    def new_ticket(self, subject: str, body: str, attachments: Sequence[Attachment] = (),
                   tags: Sequence[str] = ()) -> str:
        files = [(name, data, mime, False) for name, data, mime in attachments]
        return str(self.fake.add_ticket(subject, body, requester=ANNA, attachments=files, tags=list(tags)))

    def missing_id(self) -> str:
        return "999999"

    def _route(self, operation: str, ticket_id: str) -> tuple[str, str]:
        method, pattern = self._OPERATIONS[operation]
        return method, pattern.replace("{id}", ticket_id)

    def inject(self, operation: str, ticket_id: str, faults: list[Any]) -> None:
        method, pattern = self._route(operation, ticket_id)
        self.fake.inject(pattern, method, faults)

    def attempts(self, operation: str, ticket_id: str) -> list[float]:
        return [call.at for call in self.fake.calls(*self._route(operation, ticket_id))]

    def request_count(self) -> int:
        return len(self.fake.requests)

    def with_wrong_credentials(self) -> Platform:
        return ZendeskPlatform.from_env(self.fake.env(**ZENDESK_FAST, ZENDESK_API_TOKEN="wrong"))

    def with_budget(self, budget: RateBudget) -> Platform:
        return ZendeskPlatform.from_env(self.fake.env(**ZENDESK_FAST), budget=lambda account: budget)

    def exists(self, ticket_id: str) -> bool:
        return int(ticket_id) in self.fake.tickets or int(ticket_id) in self.fake.deleted

    def deletions(self, ticket_id: str) -> int:
        return self.fake.permanently_deleted.count(int(ticket_id))

    def private_notes(self, ticket_id: str) -> list[str]:
        return [c["body"] for c in self.fake.comments(int(ticket_id)) if not c["public"]]

    def tags(self, ticket_id: str) -> list[str]:
        return self.fake.tags(int(ticket_id))

    def pending_faults(self) -> int:
        return self.fake.pending_faults()

    def download_requests(self) -> tuple[list[Logged], list[Logged]]:
        return self.fake.calls("GET", r"^/attachments/token/"), list(self.fake.blob_requests)

    def person(self, email: str, staff: bool = False) -> str:
        return str(self.fake.add_user("Person", email, role="agent" if staff else "end-user"))

    def ticket_for(self, ref: str, subject: str, body: str, attachments: Sequence[Attachment] = (),
                   cc: Sequence[str] = (), reply_by: str | None = None) -> str:
        files = [(name, data, mime, False) for name, data, mime in attachments]
        ticket = self.fake.add_ticket(subject, body, requester_id=int(ref), attachments=files,
                                      cc_ids=[int(c) for c in cc])
        if reply_by is not None:
            self.fake.add_comment(ticket, "a reply", author_id=int(reply_by))
        return str(ticket)

    def inject_listing(self, faults: list[Any]) -> None:
        self.fake.inject(r"^/api/v2/users/\d+/tickets/requested", "GET", faults)

    def record_gone(self, ref: str) -> bool:
        return int(ref) in self.fake.permanently_deleted_users and int(ref) not in self.fake.users


# ---------------------------------------------------------------------- Jira

JIRA_FAST = RetryPolicy(attempts=4, base_wait=0.01, max_wait=0.05, max_retry_after=5)


@dataclass
class JiraHarness:
    fake: FakeJira
    platform: JiraPlatform
    name: str = "jira"

    def new_ticket(self, subject: str, body: str, attachments: Sequence[Attachment] = (),
                   tags: Sequence[str] = ()) -> str:
        return self.fake.add_issue("SD", subject, body, reporter=ANNA, attachments=list(attachments),
                                   labels=list(tags))

    def missing_id(self) -> str:
        return "SD-99999"

    def _route(self, operation: str, key: str) -> tuple[str, str]:
        issue = self.fake.issues.get(key)
        either = f"({key}|{issue.id})" if issue is not None else key
        return {
            "fetch": ("GET", rf"^/rest/api/2/issue/{key}$"),
            "delete": ("DELETE", rf"^/rest/api/2/issue/{either}$"),
            "note": ("POST", rf"^/rest/api/2/issue/{key}/comment$"),
            "tag": ("PUT", rf"^/rest/api/2/issue/{either}$"),
        }[operation]

    def inject(self, operation: str, ticket_id: str, faults: list[Any]) -> None:
        method, pattern = self._route(operation, ticket_id)
        self.fake.inject(pattern, method, faults)

    def attempts(self, operation: str, ticket_id: str) -> list[float]:
        return [call.at for call in self.fake.calls(*self._route(operation, ticket_id))]

    def request_count(self) -> int:
        return len(self.fake.requests)

    def with_wrong_credentials(self) -> Platform:
        return jira_platform(self.fake, token="wrong-token")

    def with_budget(self, budget: RateBudget) -> Platform:
        return JiraPlatform(self.fake.url, self.fake.email, self.fake.token, settle_seconds=0, timeout=0.3,
                            retry=JIRA_FAST, budget=budget)

    def exists(self, ticket_id: str) -> bool:
        return ticket_id in self.fake.issues

    def deletions(self, ticket_id: str) -> int:
        return self.fake.deleted.count(ticket_id)

    def private_notes(self, ticket_id: str) -> list[str]:
        return [c["body"] for c in self.fake.comments(ticket_id) if c["internal"]]

    def tags(self, ticket_id: str) -> list[str]:
        return self.fake.labels(ticket_id)

    def pending_faults(self) -> int:
        return self.fake.pending_faults()

    def download_requests(self) -> tuple[list[Logged], list[Logged]]:
        return self.fake.calls("GET", r"^/rest/api/3/attachment/content/"), list(self.fake.media_requests)

    def person(self, email: str, staff: bool = False) -> str:
        account = self.fake.add_user("Person", email, customer=not staff)
        if not staff:  # a JSM customer of the service desk
            self.fake.customers[self.fake.service_desks["SD"]].add(account)
        return account

    def ticket_for(self, ref: str, subject: str, body: str, attachments: Sequence[Attachment] = (),
                   cc: Sequence[str] = (), reply_by: str | None = None) -> str:
        key = self.fake.add_issue("SD", subject, body, reporter_id=ref, attachments=list(attachments),
                                  participants=list(cc))
        if reply_by is not None:
            self.fake.add_comment(key, "a reply", author=reply_by)
        return key

    def inject_listing(self, faults: list[Any]) -> None:
        self.fake.inject(r"^/rest/api/\d/search", "*", faults)

    def record_gone(self, ref: str) -> bool:
        # JSM: the customer leaves every service desk; the account itself cannot be deleted by API
        return all(ref not in customers for customers in self.fake.customers.values())


def jira_platform(fake: FakeJira, token: str | None = None) -> JiraPlatform:
    return JiraPlatform(fake.url, fake.email, token or fake.token, settle_seconds=0, timeout=0.3, retry=JIRA_FAST)


# ---------------------------------------------------------------------- in memory


@dataclass
class MemoryHarness:
    store: MemoryStore
    platform: MemoryPlatform
    name: str = "memory"

    def new_ticket(self, subject: str, body: str, attachments: Sequence[Attachment] = (),
                   tags: Sequence[str] = ()) -> str:
        return self.store.add_ticket(subject, body, requester=Requester(**ANNA), attachments=list(attachments),
                                     tags=list(tags))

    def missing_id(self) -> str:
        return "999999"

    def inject(self, operation: str, ticket_id: str, faults: list[Any]) -> None:
        self.store.inject(operation, faults)

    def attempts(self, operation: str, ticket_id: str) -> list[float]:
        return [op.at for op in self.store.calls(operation, ticket_id)]

    def request_count(self) -> int:
        return len(self.store.operations)

    def with_wrong_credentials(self) -> Platform:
        return MemoryPlatform(self.store, token="wrong")

    def with_budget(self, budget: RateBudget) -> Platform:
        return MemoryPlatform(self.store, budget=budget)

    def exists(self, ticket_id: str) -> bool:
        return ticket_id in self.store.tickets

    def deletions(self, ticket_id: str) -> int:
        return self.store.deletions.count(ticket_id)

    def private_notes(self, ticket_id: str) -> list[str]:
        return list(self.store.tickets[ticket_id].notes)

    def tags(self, ticket_id: str) -> list[str]:
        return list(self.store.tickets[ticket_id].tags)

    def pending_faults(self) -> int:
        return self.store.pending_faults()

    def person(self, email: str, staff: bool = False) -> str:
        return self.store.add_user(email, "agent" if staff else "end-user")

    def ticket_for(self, ref: str, subject: str, body: str, attachments: Sequence[Attachment] = (),
                   cc: Sequence[str] = (), reply_by: str | None = None) -> str:
        users = self.store.users
        return self.store.add_ticket(subject, body, requester=Requester(email=users[ref].email),
                                     attachments=list(attachments), cc=[users[c].email for c in cc],
                                     comments=[(users[reply_by].email, "a reply", True)] if reply_by else [])

    def inject_listing(self, faults: list[Any]) -> None:
        self.store.inject("list", faults)

    def record_gone(self, ref: str) -> bool:
        return ref not in self.store.users and ref in self.store.erased_users


def zendesk_harness() -> Iterator[ZendeskHarness]:
    with FakeZendesk(timeout_delay=1.0) as fake:
        platform = ZendeskPlatform.from_env(fake.env(**ZENDESK_FAST))
        try:
            yield ZendeskHarness(fake, platform)
        finally:
            platform.close()


def jira_harness() -> Iterator[JiraHarness]:
    with FakeJira(timeout_delay=0.6) as fake:
        platform = jira_platform(fake)
        try:
            yield JiraHarness(fake, platform)
        finally:
            platform.close()


def memory_harness() -> Iterator[MemoryHarness]:
    store = MemoryStore()
    yield MemoryHarness(store, MemoryPlatform(store))
