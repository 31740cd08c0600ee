"""An in-memory helpdesk behind ``bridge.platform.Platform``, for tests.

``MemoryStore`` is the "server": tickets, notes, tags, attachments and a log of the
operations it was asked to do, with faults to inject per operation like the fake
servers' (``(429, {"Retry-After": "1"})``, ``401``, ``503``, ``"lost"``: done, then the
answer never arrives). ``MemoryPlatform`` is the "client": every call goes through the
same retry policy and status translation as the real adapters (``adapters.common.retry``),
so a 429 waits for its Retry-After, a 401 is not retried, and a retried write after a
lost answer must look before writing again.
"""

from __future__ import annotations

import hmac
import itertools
import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, BinaryIO, Callable, Iterator, TypeVar

from bridge.platform import (
    AUTHOR_AGENT,
    AUTHOR_END_USER,
    AUTHOR_REQUESTER,
    AUTHOR_SYSTEM,
    CC,
    REQUESTER,
    AttachmentRef,
    AttachmentTooLarge,
    Comment,
    DeletionResult,
    ExportedComment,
    Person,
    PlatformError,
    PlatformRejected,
    PlatformUnavailable,
    RateBudget,
    RedactionResult,
    Requester,
    Ticket,
    TicketExport,
    TicketGone,
    TicketSummary,
    UserErasure,
)

from ..common import retry
from ..common.budget import observe
from ..common.download import rewind

T = TypeVar("T")
log = logging.getLogger("adapters.memory")

_ERRORS = retry.StatusErrors("memory", {401: "check the memory platform's token"})
CHUNK = 1024  # downloads are "streamed" in chunks of this size


class AnswerLost(Exception):
    """The operation was carried out but its answer never reached the client."""


REDACTED_CHAR = "\u2587"  # what the store puts in place of each redacted character (as Zendesk does)


@dataclass
class StoredComment:
    """A comment added after creation, with its own attachments."""

    id: str
    author_id: str
    body: str
    public: bool = True
    attachments: list[tuple[AttachmentRef, bytes]] = field(default_factory=list)
    created_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    system: bool = False  # written by an automation

    def __iter__(self) -> Iterator[Any]:  # (author id, body, public), as the store's first comments were
        return iter((self.author_id, self.body, self.public))


@dataclass
class StoredTicket:
    id: str
    subject: str
    body: str
    requester: Requester = field(default_factory=Requester)
    attachments: list[tuple[AttachmentRef, bytes]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # private notes for the agents
    project: str | None = None
    created_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    requester_id: str | None = None  # a user of the store
    cc_ids: list[str] = field(default_factory=list)
    comments: list[StoredComment] = field(default_factory=list)
    status: str = "new"
    channel: str | None = None  # already in the bridge's names ("email", "web", ...)


@dataclass
class StoredUser:
    id: str
    email: str
    role: str = "end-user"  # end-user | agent | admin
    deleted: bool = False  # soft-deleted; gone from ``users`` once permanently deleted
    name: str | None = None
    locale: str | None = None


@dataclass(frozen=True)
class Operation:
    """One request the store received (no content: tests inspect the store's state)."""

    name: str  # fetch, download, delete, note, tag, search
    ticket_id: str | None
    at: float
    authorized: bool


class MemoryStore:
    """The in-memory helpdesk's state. Thread-safe; ids are decimal strings."""

    def __init__(self, token: str = "memory-token") -> None:
        self.token = token
        self._lock = threading.RLock()
        self._ids = itertools.count(1001)
        self._attachment_ids = itertools.count(5001)
        self._user_ids = itertools.count(7001)
        self._comment_ids = itertools.count(9001)
        self.tickets: dict[str, StoredTicket] = {}
        self.users: dict[str, StoredUser] = {}
        self.erased_users: list[str] = []
        self.deletions: list[str] = []  # ids, once per deletion the store carried out
        self.operations: list[Operation] = []
        self._faults: dict[str, list[Any]] = {}

    # ------------------------------------------------------------------ test set-up

    def add_user(self, email: str, role: str = "end-user", name: str | None = None, locale: str | None = None) -> str:
        """A user record (the requester of a ticket gets one by its address unless it exists)."""
        with self._lock:
            for user in self.users.values():
                if user.email.casefold() == email.casefold():
                    return user.id
            user_id = str(next(self._user_ids))
            self.users[user_id] = StoredUser(user_id, email, role, name=name, locale=locale)
            return user_id

    def add_comment(self, ticket_id: str, author: str | Requester, body: str, *, public: bool = True,
                    role: str = "end-user", attachments: list[tuple[str, bytes, str]] | None = None,
                    created_at: datetime | None = None, system: bool = False) -> str:
        """A comment by ``author`` (an address, or a Requester with one) on an existing ticket;
        returns its id. ``role`` is the author's user role when the store does not know them yet."""
        with self._lock:
            person = author if isinstance(author, Requester) else Requester(email=author)
            user_id = self.add_user(person.email or "unknown@invalid", role, name=person.name, locale=person.locale)
            comment = StoredComment(str(next(self._comment_ids)), user_id, body, public, system=system)
            if created_at is not None:
                comment.created_at = created_at
            comment.attachments = [self._attachment(name, data, mime) for name, data, mime in attachments or []]
            self.tickets[ticket_id].comments.append(comment)
            return comment.id

    def _attachment(self, name: str, data: bytes, mime: str) -> tuple[AttachmentRef, bytes]:
        attachment_id = str(next(self._attachment_ids))
        return (AttachmentRef(id=attachment_id, filename=name, content_type=mime, size=len(data),
                              url=f"memory://attachments/{attachment_id}"), data)

    def comment(self, ticket_id: str, comment_id: str) -> StoredComment:
        """A stored comment, for tests to look at."""
        with self._lock:
            return next(c for c in self.tickets[ticket_id].comments if c.id == comment_id)

    def add_ticket(self, subject: str, body: str, *, requester: Requester | None = None,
                   attachments: list[tuple[str, bytes, str]] | None = None, tags: list[str] | None = None,
                   project: str | None = None, created_at: datetime | None = None,
                   cc: list[str] | None = None, comments: list[tuple[str, str, bool]] | None = None) -> str:
        """``cc`` = addresses copied on it; ``comments`` = ``(author address, body, public)``."""
        with self._lock:
            ticket_id = str(next(self._ids))
            stored = StoredTicket(ticket_id, subject, body, requester or Requester(), tags=list(tags or []),
                                  project=project)
            if stored.requester.email:
                stored.requester_id = self.add_user(stored.requester.email)
            stored.cc_ids = [self.add_user(address) for address in cc or []]
            stored.comments = [StoredComment(str(next(self._comment_ids)), self.add_user(author), text, public)
                               for author, text, public in comments or []]
            if created_at is not None:
                stored.created_at = created_at
            for name, data, mime in attachments or []:
                stored.attachments.append(self._attachment(name, data, mime))
            self.tickets[ticket_id] = stored
            return ticket_id

    def inject(self, operation: str, faults: list[Any]) -> None:
        """Faults for the next calls of ``operation``, consumed in order: an HTTP status,
        ``(status, headers)``, ``"lost"`` (done, answer lost) or ``"pass"``."""
        with self._lock:
            self._faults.setdefault(operation, []).extend(faults)

    def pending_faults(self) -> int:
        with self._lock:
            return sum(len(faults) for faults in self._faults.values())

    def calls(self, operation: str, ticket_id: str | None = None) -> list[Operation]:
        with self._lock:
            return [op for op in self.operations
                    if op.name == operation and (ticket_id is None or op.ticket_id == ticket_id)]

    # ------------------------------------------------------------------ serving

    def serve(self, operation: str, ticket_id: str | None, token: str, work: Callable[[], T],
              budget: RateBudget | None = None) -> T:
        """Log the request, apply an injected fault or the credentials check, then do ``work``.
        ``budget`` is spent first and told of a 429, as the HTTP adapters do."""
        if budget is not None:
            budget.acquire()
        authorized = hmac.compare_digest(token.encode(), self.token.encode())
        with self._lock:
            self.operations.append(Operation(operation, ticket_id, time.monotonic(), authorized))
            queue = self._faults.get(operation) or []
            fault = queue.pop(0) if queue else None
        if fault not in (None, "pass", "lost"):
            status, headers = fault if isinstance(fault, tuple) else (fault, {})
            if budget is not None:
                observe(budget, int(status), headers)
            raise _ERRORS.from_status(int(status), headers, f"{operation} (injected)")
        if not authorized:
            raise _ERRORS.from_status(401, None, operation)
        with self._lock:
            result = work()
        if fault == "lost":
            raise AnswerLost()
        return result


class MemorySubjects:
    """``SubjectRequests`` over the store (mixed into ``MemoryPlatform``)."""

    name: str
    store: MemoryStore
    _call: retry.Caller
    _serve: Callable[..., Any]
    _ticket: Callable[[str], StoredTicket]

    def find_users(self, email: str) -> list[Person]:
        wanted = email.strip().casefold()

        def work() -> list[Person]:
            return [Person(self.name, u.id, u.role, u.email) for u in self.store.users.values()
                    if u.email.casefold() == wanted and not u.deleted]

        return self._call("search users", lambda: self._serve("users", None, work))

    def tickets_of(self, person: Person, relation: str) -> Iterator[TicketSummary]:
        if relation not in (REQUESTER, CC):
            raise ValueError(f"unknown relation {relation!r}")

        def work() -> list[TicketSummary]:
            found = [t for t in self.store.tickets.values()
                     if (t.requester_id == person.id if relation == REQUESTER
                         else person.id in t.cc_ids and t.requester_id != person.id)]
            return [TicketSummary(self.name, t.id, relation, t.status, t.created_at, t.created_at) for t in found]

        yield from self._call("list tickets", lambda: self._serve("list", None, work))

    def export_ticket(self, ticket_id: str) -> TicketExport:
        key = _check_id(ticket_id)

        def work() -> TicketExport:
            stored = self._ticket(key)
            first = ExportedComment("requester", stored.created_at, stored.body, True,
                                    tuple(ref for ref, _ in stored.attachments))
            later = [ExportedComment(self._role_of(c.author_id, stored), c.created_at, c.body, c.public,
                                     tuple(ref for ref, _ in c.attachments))
                     for c in stored.comments]
            return TicketExport(self.name, key, stored.subject, stored.body, stored.status, stored.created_at,
                                stored.created_at, [first, *later])

        return self._call(f"export {key}", lambda: self._serve("fetch", key, work))

    def _role_of(self, author_id: str, stored: StoredTicket) -> str:
        if author_id == stored.requester_id:
            return "requester"
        user = self.store.users.get(author_id)
        return "agent" if user is not None and user.role in ("agent", "admin") else "other"

    def download_attachment_to(self, attachment: AttachmentRef, out: BinaryIO, max_bytes: int) -> int:
        def unit() -> int:
            rewind(out)
            data = self.download_attachment(attachment, max_bytes)  # type: ignore[attr-defined]
            for start in range(0, len(data), CHUNK):
                out.write(data[start:start + CHUNK])
            return len(data)

        return unit()

    def delete_user(self, person: Person) -> UserErasure:
        if person.staff:
            raise PlatformRejected(f"memory: user {person.id} is staff: not erased")
        attempted = False

        def work() -> UserErasure:
            nonlocal attempted
            user = self.store.users.get(person.id)
            if user is None:
                if attempted:
                    return UserErasure(person.id, True, "user gone after a lost answer")
                raise TicketGone(f"memory: user {person.id}: not found")
            attempted = True
            del self.store.users[person.id]
            self.store.erased_users.append(person.id)
            return UserErasure(person.id, True, f"user {person.id} deleted")

        return self._call(f"delete user {person.id}", lambda: self._serve("delete_user", None, work))


class MemoryPlatform(MemorySubjects):
    """``bridge.platform.Platform`` (and ``SubjectRequests``) over a ``MemoryStore``."""

    name = "memory"

    def __init__(self, store: MemoryStore | None = None, *, token: str | None = None,
                 policy: retry.RetryPolicy | None = None, sleep: Callable[[float], None] = time.sleep,
                 budget: RateBudget | None = None) -> None:
        self.store = store if store is not None else MemoryStore()
        self._token = self.store.token if token is None else token
        self._budget = budget
        policy = policy or retry.RetryPolicy(attempts=4, base_wait=0.01, max_wait=0.05, max_retry_after=5.0)
        self._call = retry.Caller(policy, _translate, log, sleep)

    def _serve(self, operation: str, ticket_id: str | None, work: Callable[[], T]) -> T:
        return self.store.serve(operation, ticket_id, self._token, work, self._budget)

    def _ticket(self, ticket_id: str) -> StoredTicket:
        stored = self.store.tickets.get(ticket_id)
        if stored is None:
            raise TicketGone(f"memory: ticket {ticket_id}: not found")
        return stored

    def fetch_ticket(self, ticket_id: str) -> Ticket:
        key = _check_id(ticket_id)

        def work() -> Ticket:
            stored = self._ticket(key)
            return Ticket(id=key, platform=self.name, subject=stored.subject, body=stored.body,
                          requester=stored.requester, attachments=[ref for ref, _ in stored.attachments],
                          tags=list(stored.tags), project=stored.project, created_at=stored.created_at,
                          channel=stored.channel)

        return self._call(f"fetch {key}", lambda: self._serve("fetch", key, work))

    def download_attachment(self, attachment: AttachmentRef, max_bytes: int) -> bytes:
        if attachment.size is not None and attachment.size > max_bytes:
            raise AttachmentTooLarge(f"memory: attachment {attachment.id} is {attachment.size} bytes, limit {max_bytes}")

        def work() -> bytes:
            for stored in self.store.tickets.values():
                for ref, data in [*stored.attachments, *(a for c in stored.comments for a in c.attachments)]:
                    if ref.id == attachment.id:
                        return _bounded(data, max_bytes, attachment.id)
            raise PlatformRejected(f"memory: attachment {attachment.id}: not found")

        return self._call(f"download attachment {attachment.id}",
                          lambda: self._serve("download", None, work))

    def delete_ticket(self, ticket_id: str) -> DeletionResult:
        key = _check_id(ticket_id)
        attempted = False

        def work() -> DeletionResult:
            nonlocal attempted
            if key not in self.store.tickets:
                if attempted:  # an earlier attempt deleted it but its answer was lost
                    return DeletionResult(key, permanent=True, confirmation="ticket gone after a lost answer")
                raise TicketGone(f"memory: delete {key}: not found")
            attempted = True
            del self.store.tickets[key]
            self.store.deletions.append(key)
            return DeletionResult(key, permanent=True, confirmation=f"deleted {key}")

        return self._call(f"delete {key}", lambda: self._serve("delete", key, work))

    def mark_for_review(self, ticket_id: str, note: str, tag: str) -> None:
        key = _check_id(ticket_id)

        def work() -> None:  # look before writing: a retried call must not add a second note
            stored = self._ticket(key)
            if not any(_same_text(existing, note) for existing in stored.notes):
                stored.notes.append(note)

        self._call(f"note on {key}", lambda: self._serve("note", key, work))
        self.add_tag(key, tag)

    def add_tag(self, ticket_id: str, tag: str) -> None:
        key = _check_id(ticket_id)
        if not tag or any(ch.isspace() for ch in tag):
            raise PlatformRejected("memory: a tag must be one word")

        def work() -> None:
            stored = self._ticket(key)
            if tag not in stored.tags:
                stored.tags.append(tag)

        self._call(f"tag {key}", lambda: self._serve("tag", key, work))

    def close_ticket(self, ticket_id: str, note: str) -> None:
        """``TicketCloser``: status "solved" and the note kept once."""
        key = _check_id(ticket_id)

        def work() -> None:
            stored = self._ticket(key)
            if note not in stored.notes:
                stored.notes.append(note)
            if stored.status not in ("solved", "closed"):
                stored.status = "solved"

        self._call(f"close {key}", lambda: self._serve("close", key, work))

    def created_since(self, since: datetime) -> Iterator[str]:
        since = since if since.tzinfo else since.replace(tzinfo=timezone.utc)

        def work() -> list[str]:
            tickets = sorted(self.store.tickets.values(), key=lambda t: t.created_at)
            return [t.id for t in tickets if t.created_at >= since]

        yield from self._call("search", lambda: self._serve("search", None, work))


    # ------------------------------------------------------------------ comments and redaction

    def _comment(self, stored: StoredTicket, comment_id: str) -> StoredComment:
        for comment in stored.comments:
            if comment.id == comment_id:
                return comment
        raise TicketGone(f"memory: comment {comment_id}: not found")

    def _author_role(self, stored: StoredTicket, comment: StoredComment) -> str:
        if comment.system:
            return AUTHOR_SYSTEM
        if comment.author_id == stored.requester_id:
            return AUTHOR_REQUESTER
        user = self.store.users.get(comment.author_id)
        return AUTHOR_AGENT if user is not None and user.role in ("agent", "admin") else AUTHOR_END_USER

    def fetch_comment(self, ticket_id: str, comment_id: str) -> Comment:
        key = _check_id(ticket_id)

        def work() -> Comment:
            stored = self._ticket(key)
            comment = self._comment(stored, str(comment_id))
            role = self._author_role(stored, comment)
            user = self.store.users.get(comment.author_id)
            author = (stored.requester if role == AUTHOR_REQUESTER
                      else Requester(name=user.name, email=user.email, locale=user.locale) if user else Requester())
            return Comment(id=comment.id, ticket_id=key, body=comment.body, public=comment.public, author_role=role,
                           author=author, attachments=[ref for ref, _ in comment.attachments],
                           created_at=comment.created_at)

        return self._call(f"fetch comment {key}", lambda: self._serve("fetch_comment", key, work))

    def comments_since(self, since: datetime) -> Iterator[tuple[str, str]]:
        since = since if since.tzinfo else since.replace(tzinfo=timezone.utc)

        def work() -> list[tuple[str, str]]:
            return [(t.id, c.id) for t in self.store.tickets.values() if t.created_at < since
                    for c in t.comments if c.created_at >= since]

        yield from self._call("search comments", lambda: self._serve("search", None, work))

    def redact_comment(self, ticket_id: str, comment_id: str, spans: list[tuple[int, int]]) -> RedactionResult:
        key = _check_id(ticket_id)

        def work() -> RedactionResult:
            comment = self._comment(self._ticket(key), str(comment_id))
            comment.body = _redacted(comment.body, spans)
            return RedactionResult(key, comment.id, "comment_redaction", spans=len(spans))

        return self._call(f"redact comment {key}", lambda: self._serve("redact", key, work))

    def remove_comment_attachment(self, ticket_id: str, comment_id: str, attachment: AttachmentRef) -> RedactionResult:
        key = _check_id(ticket_id)

        def work() -> RedactionResult:
            comment = self._comment(self._ticket(key), str(comment_id))
            comment.attachments = [(ref, data) for ref, data in comment.attachments if ref.id != attachment.id]
            return RedactionResult(key, comment.id, "attachment_redacted", attachments=1)

        return self._call(f"remove attachment {key}", lambda: self._serve("remove_attachment", key, work))

    def redact_description(self, ticket_id: str, spans: list[tuple[int, int]]) -> RedactionResult:
        key = _check_id(ticket_id)

        def work() -> RedactionResult:
            stored = self._ticket(key)
            stored.body = _redacted(stored.body, spans)
            return RedactionResult(key, None, "description_redaction", spans=len(spans))

        return self._call(f"redact description {key}", lambda: self._serve("redact", key, work))

    def remove_description_attachment(self, ticket_id: str, attachment: AttachmentRef) -> RedactionResult:
        key = _check_id(ticket_id)

        def work() -> RedactionResult:
            stored = self._ticket(key)
            stored.attachments = [(ref, data) for ref, data in stored.attachments if ref.id != attachment.id]
            return RedactionResult(key, None, "attachment_redacted", attachments=1)

        return self._call(f"remove attachment {key}", lambda: self._serve("remove_attachment", key, work))


def _redacted(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with every character of the spans replaced (the length stays: offsets hold)."""
    chars = list(text)
    for start, end in spans:
        if not (0 <= start <= end <= len(chars)):
            raise PlatformRejected("memory: a redaction span lies outside the text")
        for index in range(start, end):
            if not chars[index].isspace():
                chars[index] = REDACTED_CHAR
    return "".join(chars)


def _translate(exc: BaseException, what: str, gone_on_404: bool = False) -> PlatformError | None:
    if isinstance(exc, PlatformError):
        return exc
    if isinstance(exc, AnswerLost):
        return PlatformUnavailable(f"memory: {what}: connection lost before the answer")
    return None


def _check_id(ticket_id: str) -> str:
    key = str(ticket_id).strip()
    if not key.isdigit() or len(key) > 18:
        raise PlatformRejected("memory: not a ticket id")
    return key


def _bounded(data: bytes, max_bytes: int, attachment_id: str) -> bytes:
    """Read ``data`` chunk by chunk as a stream would, stopping past ``max_bytes``."""
    read = bytearray()
    for start in range(0, len(data), CHUNK):
        read += data[start:start + CHUNK]
        if len(read) > max_bytes:
            raise AttachmentTooLarge(f"memory: attachment {attachment_id}: more than {max_bytes} bytes")
    return bytes(read)


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


__all__ = ["AnswerLost", "MemoryPlatform", "MemoryStore", "Operation", "StoredComment", "StoredTicket", "StoredUser"]
