"""The seam between the core and the helpdesk platforms.

The core (everything under ``bridge/``) speaks only the types and the ``Platform``
protocol defined here. Each package under ``adapters/`` implements it for one
platform with that platform's own library, and translates the library's errors
into the three errors below at its edge:

- ``PlatformUnavailable``: try again later (429, 5xx, timeouts, resets).
- ``TicketGone``: the ticket no longer exists (deleted by someone else); the job ends.
- ``PlatformRejected``: the platform refused for good (401/403/400); the job fails.

Adapters are found through ``get_platform`` / ``get_webhook_receiver`` by name, so the
core never imports an adapter package directly.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, BinaryIO, Callable, Iterator, Mapping, Protocol, runtime_checkable


class PlatformError(Exception):
    """Base of all errors an adapter raises."""


class PlatformUnavailable(PlatformError):
    """Transient: rate limited, server error, timeout. Retry later.

    ``retry_after`` carries the platform's Retry-After in seconds when it gave one.
    """

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class TicketGone(PlatformError):
    """The ticket does not exist (any more)."""


class PlatformRejected(PlatformError):
    """The platform refused the request for good (bad credentials, no permission)."""


class WebhookRejected(Exception):
    """A webhook request that must not be enqueued. ``status`` is the HTTP answer."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class Requester:
    """The person who raised the ticket (the customer). Personal data: never log."""

    name: str | None = None
    email: str | None = None
    phone: str | None = None
    locale: str | None = None  # e.g. "sv", "de-DE", "en-GB"


@dataclass(frozen=True)
class AttachmentRef:
    """An attachment as the platform describes it; its bytes come from ``download``."""

    id: str
    filename: str
    content_type: str | None = None
    size: int | None = None
    url: str | None = None
    inline: bool = False


@dataclass
class Ticket:
    """A ticket as fetched again from the platform (the webhook body is only a hint)."""

    id: str
    platform: str
    subject: str
    body: str
    requester: Requester = field(default_factory=Requester)
    attachments: list[AttachmentRef] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    project: str | None = None  # Jira project key / Zendesk brand or form, for scoping rules
    created_at: datetime | None = None
    # How it arrived, as each adapter normalises it (bridge.rules.schema.CHANNELS: "email",
    # "web", "portal", "api", "chat", ...); None when the platform does not say.
    channel: str | None = None


@dataclass(frozen=True)
class WebhookEvent:
    """What a verified webhook tells the bridge: which ticket, and a key to dedupe on.

    ``comment_id`` is set when the event is a comment added after creation (or
    attachments added to an existing ticket, as the platform reports them): the bridge
    then scans only that comment, and dedupes on (platform, ticket, comment)."""

    platform: str
    ticket_id: str
    delivery_id: str  # invocation id / event id / webhook identifier
    comment_id: str | None = None


@dataclass(frozen=True)
class DeletionResult:
    """A confirmed permanent deletion. ``confirmation`` is e.g. the completed job id."""

    ticket_id: str
    permanent: bool
    confirmation: str


@runtime_checkable
class WebhookReceiver(Protocol):
    """Verifies and parses one platform's webhook requests. Cheap: runs in the web process.

    A receiver may also have ``insecure``: a reason (no secret in it) when its settings let
    forged deliveries through; the web app logs it at start-up and ``doctor`` fails on it.
    """

    name: str

    def parse(self, headers: Mapping[str, str], body: bytes) -> WebhookEvent:
        """Verify the signature over the raw ``body`` and return the event.

        Raises ``WebhookRejected`` (401 bad/missing signature, 400 malformed,
        202-able events that are not ticket creations raise with status 200/204).
        """
        ...


@runtime_checkable
class Platform(Protocol):
    """One helpdesk, as the worker needs it. Every method is safe to call again."""

    name: str

    def fetch_ticket(self, ticket_id: str) -> Ticket:
        ...

    def download_attachment(self, attachment: AttachmentRef, max_bytes: int) -> bytes:
        """Stream the attachment; raise ``AttachmentTooLarge`` past ``max_bytes``."""
        ...

    def delete_ticket(self, ticket_id: str) -> DeletionResult:
        """Delete permanently and return only once the platform confirms it."""
        ...

    def mark_for_review(self, ticket_id: str, note: str, tag: str) -> None:
        """Tag the ticket and add a private/internal note for the agents."""
        ...

    def add_tag(self, ticket_id: str, tag: str) -> None:
        ...

    def created_since(self, since: datetime) -> Iterator[str]:
        """Ids of tickets created at or after ``since`` (for the reconciliation sweep)."""
        ...


@runtime_checkable
class TicketCloser(Protocol):
    """Closing a ticket without deleting it (the channels rule's ``action: close``)."""

    def close_ticket(self, ticket_id: str, note: str) -> None:
        """Solve/close the ticket with ``note`` as a private note for the agents, and no
        public reply (the platform would mail the whole thread back out). Safe to call again."""
        ...


# ---------------------------------------------------------------------- history (backfill)


@dataclass(frozen=True)
class CreatedPage:
    """One page of the tickets created in a window (``HistoryPlatform.created_pages``).

    ``resume`` is opaque and holds no personal data (a platform cursor, a time): a listing
    interrupted after this page starts again from it. None after the last page."""

    ticket_ids: tuple[str, ...]
    resume: str | None
    progress: float | None = None  # share of the listing done after this page (0..1), when the platform can tell


@runtime_checkable
class HistoryPlatform(Protocol):
    """What ``gdpr-bridge backfill`` needs: the tickets created in ``[since, until)``, page by
    page, resumable. A ticket may be listed twice (after a resume, or when it changed while
    the listing ran): callers dedupe. Platforms without it are listed with ``created_since``.
    A platform may also declare ``requests_per_ticket``: the API requests a worker makes to
    decide one ticket in monitor mode (for the backfill's ETA)."""

    name: str

    def created_pages(self, since: datetime, until: datetime, resume: str | None = None) -> Iterator[CreatedPage]:
        ...


DEFAULT_REQUESTS_PER_TICKET = 3.0  # a platform's ``requests_per_ticket``, when it declares none: for ETAs


# ---------------------------------------------------------------------- comments and redaction

AUTHOR_REQUESTER = "requester"  # the ticket's requester wrote it
AUTHOR_END_USER = "end-user"  # another customer (a CC, a colleague of the requester)
AUTHOR_AGENT = "agent"  # staff: an agent or admin
AUTHOR_SYSTEM = "system"  # an automation, an integration


@dataclass
class Comment:
    """One comment of a ticket as fetched from the platform (personal data: never log).

    ``body`` is the text exactly as the platform gives it back as plain text: redaction
    spans are offsets into it. ``public`` is False for an agent's internal note."""

    id: str
    ticket_id: str
    body: str
    public: bool
    author_role: str  # AUTHOR_REQUESTER, AUTHOR_END_USER, AUTHOR_AGENT or AUTHOR_SYSTEM
    author: Requester = field(default_factory=Requester)
    attachments: list[AttachmentRef] = field(default_factory=list)
    created_at: datetime | None = None


@dataclass(frozen=True)
class RedactionResult:
    """What the platform did. ``method`` names it without data (e.g. "comment_redaction",
    "comment_edited", "comment_deleted", "attachment_redacted", "attachment_deleted")."""

    ticket_id: str
    comment_id: str | None  # None: the ticket's description
    method: str
    spans: int = 0
    attachments: int = 0


@runtime_checkable
class CommentPlatform(Protocol):
    """What comment scanning and redaction (issue 17) need from a platform.

    Spans are ``(start, end)`` offsets into ``Comment.body`` (or the description as
    ``fetch_ticket`` returns it in ``Ticket.body``), end exclusive. Every method is safe to
    call again: redacting spans already gone, or an attachment already removed, succeeds."""

    name: str

    def fetch_comment(self, ticket_id: str, comment_id: str) -> Comment:
        """``TicketGone`` when the ticket or the comment no longer exists."""
        ...

    def comments_since(self, since: datetime) -> Iterator[tuple[str, str]]:
        """(ticket id, comment id) of comments added at or after ``since`` to tickets
        created before it (for the sweep; comments of new tickets come with the ticket)."""
        ...

    def redact_comment(self, ticket_id: str, comment_id: str, spans: list[tuple[int, int]]) -> RedactionResult:
        """Remove exactly the spans (Zendesk: comment redaction; Jira: edit the comment,
        each span replaced by a marker)."""
        ...

    def remove_comment_attachment(self, ticket_id: str, comment_id: str, attachment: AttachmentRef) -> RedactionResult:
        """Remove one attachment for good (Zendesk: attachment redaction; Jira: delete it)."""
        ...

    def redact_description(self, ticket_id: str, spans: list[tuple[int, int]]) -> RedactionResult:
        """Remove the spans from the ticket's description (Zendesk: its first comment;
        Jira: edit the description). ``PlatformRejected`` where the platform cannot."""
        ...


@runtime_checkable
class DescriptionAttachments(Protocol):
    """Optional, beside ``CommentPlatform`` (added for ``actions.violation: redact``): remove
    one attachment of the ticket's description for good (Zendesk: attachment redaction on
    the first comment; Jira: delete the issue's attachment). A platform without it cannot
    redact a description whose attachment holds a counted finding: the rules' fallback
    (``actions.redact_fallback``) applies. Safe to call again."""

    def remove_description_attachment(self, ticket_id: str, attachment: AttachmentRef) -> RedactionResult:
        ...


# ---------------------------------------------------------------------- data-subject requests

REQUESTER = "requester"  # the person raised the ticket
CC = "cc"  # the person is only copied on it, follows it or takes part in it

STAFF_ROLES = frozenset({"agent", "admin"})


@dataclass(frozen=True)
class Person:
    """A user record found by e-mail address on one platform. ``email`` is personal data:
    it is kept out of ``repr`` so that a logged object does not carry it."""

    platform: str
    id: str
    role: str  # "end-user", "agent" or "admin": each platform maps its own roles to these
    email: str = field(default="", repr=False)

    @property
    def staff(self) -> bool:
        return self.role in STAFF_ROLES


@dataclass(frozen=True)
class TicketSummary:
    """One ticket of a person, without its content."""

    platform: str
    id: str
    relation: str  # REQUESTER or CC
    status: str
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True)
class ExportedComment:
    """A comment as the person may read it: who wrote it by role only, never by name."""

    author_role: str  # "requester", "agent" or "other" (another customer, a system)
    created_at: datetime | None
    body: str
    public: bool
    attachments: tuple[AttachmentRef, ...] = ()


@dataclass
class TicketExport:
    """Everything a ticket holds, for the right of access (personal data: never log)."""

    platform: str
    id: str
    subject: str
    description: str
    status: str
    created_at: datetime | None
    updated_at: datetime | None
    comments: list[ExportedComment] = field(default_factory=list)
    attachments: list[AttachmentRef] = field(default_factory=list)  # attached to the ticket, not a comment

    def all_attachments(self) -> list[AttachmentRef]:
        seen: dict[str, AttachmentRef] = {a.id: a for a in self.attachments}
        for comment in self.comments:
            for ref in comment.attachments:
                seen.setdefault(ref.id, ref)
        return list(seen.values())


@dataclass(frozen=True)
class UserErasure:
    """What became of a person's user record. ``not_removed`` says plainly, in sentences
    without personal data, what the platform's API could not remove."""

    person_id: str
    deleted: bool  # the record is gone for good
    confirmation: str
    not_removed: tuple[str, ...] = ()


@runtime_checkable
class SubjectRequests(Protocol):
    """What data-subject requests (``gdpr-bridge subject``) need from a platform.

    The e-mail address is personal data: adapters never put it in an error message."""

    name: str

    def find_users(self, email: str) -> list[Person]:
        """The user records whose address is exactly ``email`` (case-insensitive)."""
        ...

    def tickets_of(self, person: Person, relation: str) -> Iterator[TicketSummary]:
        """Tickets the person raised (``REQUESTER``) or is only copied on / follows (``CC``)."""
        ...

    def export_ticket(self, ticket_id: str) -> TicketExport:
        ...

    def download_attachment_to(self, attachment: AttachmentRef, out: BinaryIO, max_bytes: int) -> int:
        """Stream the attachment into ``out`` (rewound and truncated before each attempt);
        returns the bytes written; ``AttachmentTooLarge`` past ``max_bytes``."""
        ...

    def delete_user(self, person: Person) -> UserErasure:
        """Delete the user record for good where the platform can (its tickets first)."""
        ...


# ---------------------------------------------------------------------- retention

RETENTION_BASES = ("updated", "solved", "created")  # which date of a ticket its age is counted from


@dataclass(frozen=True)
class RetentionQuery:
    """One retention rule as a platform searches for it: tickets in scope whose ``based_on``
    date is before ``cutoff``. Scope fields a platform does not have stay empty (the rules
    schema refuses them): Zendesk brands / forms / tags, Jira projects / request types.
    A ticket matches when it is in one of the brands (if any are given), one of the forms,
    has one of the tags, is in one of the projects, of one of the request types."""

    rule: str
    based_on: str  # one of RETENTION_BASES
    cutoff: datetime  # aware (UTC)
    brands: tuple[str, ...] = ()
    forms: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    projects: tuple[str, ...] = ()
    request_types: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExpiredTicket:
    """A ticket past its retention: its id and the date its age was counted from."""

    id: str
    date: datetime | None = None


@dataclass(frozen=True)
class ExpiredPage:
    """One page of a retention search. ``cursor`` is opaque (kept in the state database to
    resume the search); None at the end."""

    tickets: list[ExpiredTicket]
    cursor: str | None


@dataclass
class RetentionBatch:
    """What became of a batch: ``confirmed`` are gone for good (deleted now, or found gone);
    ``spared`` no longer match (updated since, moved out of scope) and were left alone;
    ``failed`` maps an id to a reason without data."""

    confirmed: list[str] = field(default_factory=list)
    spared: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


class BatchJournal(Protocol):
    """Where an adapter keeps its progress through one batch (job ids, phase), in the state
    database, so that the batch resumed after a crash deletes nothing twice."""

    def load(self) -> dict[str, Any]:
        ...

    def save(self, state: dict[str, Any]) -> None:
        ...


@runtime_checkable
class RetentionPlatform(Protocol):
    """What retention (``gdpr-bridge retention run``, the periodic task) needs from a platform.

    ``find_expired`` must give stable pages while nothing is deleted (the runner collects every
    id first, then deletes). ``delete_expired`` checks each ticket again (still there, still
    expired, still in scope) before deleting it, deletes for good and confirms; it is safe to
    call again with the same ids and journal after a crash."""

    name: str
    batch_size: int  # the most ids ``delete_expired`` takes at once

    def find_expired(self, query: RetentionQuery, cursor: str | None) -> ExpiredPage:
        ...

    def delete_expired(self, query: RetentionQuery, ids: list[str], journal: BatchJournal) -> RetentionBatch:
        ...


def get_retention(name: str, environ: Mapping[str, str] | None = None,
                  budget: BudgetFactory | None = None) -> RetentionPlatform:
    """The platform's retention client (its package's ``RETENTION``), spending ``budget``."""
    cls = getattr(platform_package(name), "RETENTION", None)
    if cls is None:
        raise PlatformRejected(f"{name}: this platform does not support retention")
    return cls.from_env(environ, budget=budget)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class InstallResult:
    """What ``install`` did on the platform and what the admin must set."""

    webhook_id: str
    created: bool  # False when an existing webhook was updated
    env: dict[str, str] = field(default_factory=dict)  # e.g. {"ZENDESK_WEBHOOK_SECRET": "..."}
    messages: list[str] = field(default_factory=list)
    endpoint: str = ""  # the address the platform now delivers to


@dataclass(frozen=True)
class InstallOption:
    """An option of ``gdpr-bridge install`` that one platform's installer declares.

    ``name`` is the keyword ``install_webhook`` receives (``--name-with-dashes`` on the
    command line); a ``flag`` is passed as ``"yes"`` when given."""

    name: str
    help: str
    flag: bool = False
    needs_clear_tag: bool = False  # refused unless the rules set actions.clear_tag


@dataclass(frozen=True)
class InstallSpec:
    """What a platform package declares for the commands: its install options and the
    environment variables that configure it (named in ``doctor``'s hint)."""

    options: tuple[InstallOption, ...] = ()
    settings: tuple[str, ...] = ()


@runtime_checkable
class WebhookInstaller(Protocol):
    """Registers the bridge's webhook on the platform (``gdpr-bridge install``/``doctor``)."""

    def check_credentials(self) -> str:
        """One cheap authenticated call; returns a short description (account/user)."""
        ...

    def install_webhook(self, public_url: str, clear_tag: str | None = None, rotate_secret: bool = False,
                        **options: str) -> InstallResult:
        """Create or update (never duplicate) the webhook pointing at ``public_url`` (the
        bridge's base URL or its endpoint). The signing secret stays unless ``rotate_secret``."""
        ...

    def remove_webhook(self, public_url: str) -> list[str]:
        """Remove what ``install_webhook`` created; returns what was removed."""
        ...

    def webhook_status(self, public_url: str) -> str | None:
        """The id of an active webhook pointing at ``public_url``, or None."""
        ...


@runtime_checkable
class RateBudget(Protocol):
    """A platform account's API budget, shared by every worker (``bridge.ratebudget``).

    Adapters call ``acquire`` before each request to the platform's API and report what
    the answers say: a 429's Retry-After (``pause``: every worker waits) and the limit the
    platform advertises (``observe_limit``, requests a minute; only ever lowers the budget)."""

    def acquire(self) -> None:
        ...

    def pause(self, seconds: float) -> None:
        ...

    def observe_limit(self, per_minute: float) -> None:
        ...


BudgetFactory = Callable[[str], RateBudget]  # account (e.g. the API host) -> its budget


class AttachmentTooLarge(PlatformError):
    """The attachment is larger than the limit; the ticket goes to review."""


# name -> the package that implements the platform (it exports PLATFORM, WEBHOOK, SETTINGS, INSTALL).
# Adding a platform means adding one package under adapters/ and one line here.
_PLATFORMS: dict[str, str] = {
    "zendesk": "adapters.zendesk",
    "jira": "adapters.jira",
}


def platform_names() -> list[str]:
    return sorted(_PLATFORMS)


def platform_package(name: str) -> Any:
    """The package that implements platform ``name`` (``PLATFORM``, ``WEBHOOK``, ``SETTINGS``, ``INSTALL``)."""
    try:
        module_name = _PLATFORMS[name]
    except KeyError:
        raise KeyError(f"unknown platform {name!r}; known: {', '.join(platform_names())}") from None
    return importlib.import_module(module_name)


def is_platform_module(module: str) -> bool:
    """Whether ``module`` belongs to a platform package (``adapters`` and below)."""
    return module == "adapters" or module.startswith("adapters.")


def get_platform(name: str, environ: Mapping[str, str] | None = None,
                 budget: BudgetFactory | None = None) -> Platform:
    """Build the platform client ``name`` from the environment (its credentials), spending
    ``budget`` (when given) on every request to the platform's API."""
    cls = platform_package(name).PLATFORM
    if budget is None:
        return cls.from_env(environ)  # type: ignore[no-any-return]
    return cls.from_env(environ, budget=budget)  # type: ignore[no-any-return]


def get_webhook_receiver(name: str, environ: Mapping[str, str] | None = None) -> WebhookReceiver:
    return platform_package(name).WEBHOOK.from_env(environ)  # type: ignore[no-any-return]


def install_spec(name: str) -> InstallSpec:
    """The install options and settings the platform's package declares."""
    spec = getattr(platform_package(name), "INSTALL", None)
    return spec if isinstance(spec, InstallSpec) else InstallSpec()
