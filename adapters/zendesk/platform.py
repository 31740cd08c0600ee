"""Zendesk Support as a ``bridge.platform.Platform`` (zenpy for tickets, httpx for the rest).

- Tickets, comments, users, deletion, job statuses, tags and notes go through zenpy
  (imported lazily: the web process only needs ``ZendeskWebhook``). zenpy is built so it
  never sleeps or retries on its own (see ``errors``); one client per thread.
- Attachment downloads, the incremental export and the webhook/trigger admin calls use
  httpx (``http``): manual redirects keep credentials off foreign hosts, and
  paged reads retry page by page.

Deleting is two steps, both confirmed: a soft delete (the ticket moves to Deleted Tickets
for 30 days), then ``DELETE /api/v2/deleted_tickets/{id}``, whose job status is polled
until ``completed``. Every method is safe to run again after a crash or a retry.
"""

from __future__ import annotations

import re
import threading
import time
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping

from bridge.platform import (
    AttachmentRef,
    AttachmentTooLarge,
    BudgetFactory,
    CreatedPage,
    DeletionResult,
    InstallResult,
    PlatformRejected,
    PlatformUnavailable,
    RateBudget,
    Requester,
    Ticket,
    TicketGone,
)

from ..common.budget import mount_budget
from .channels import channel_of
from . import history
from .comments import ZendeskComments
from .config import ZendeskConfigError, ZendeskSettings
from .errors import Caller, raise_on_rate_limit
from .http import MAX_PAGES, ZendeskHttp
from .install import Installer
from .shapes import _attachment_ref, _get, _number, _parse_time
from .subject import ZendeskSubjects
from .webhook import ZendeskWebhook

if TYPE_CHECKING:  # pragma: no cover
    from zenpy import Zenpy

__all__ = ["ZendeskPlatform", "ZendeskWebhook", "ZendeskConfigError"]

_TICKET_ID = re.compile(r"^[1-9][0-9]{0,17}$")
_JOB_FAILED = frozenset({"failed", "killed"})


class ZendeskPlatform(ZendeskComments, ZendeskSubjects):
    """``Platform``, ``CommentPlatform``, ``SubjectRequests`` and ``WebhookInstaller`` for one Zendesk account."""

    name = "zendesk"

    def __init__(self, settings: ZendeskSettings, sleep: Callable[[float], None] = time.sleep,
                 budget: RateBudget | None = None) -> None:
        settings.apply_zenpy_override()
        self.settings = settings
        self._sleep = sleep
        self._budget = budget
        self._call = Caller(settings.retry, sleep)
        self._http = ZendeskHttp(settings, budget=budget)
        self._installer = Installer(self._http, self._call)
        self._local = threading.local()
        self._sessions: list[Any] = []
        self._author_roles: dict[int, str] = {}  # user id -> agent | other, for exports

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None,
                 budget: BudgetFactory | None = None) -> "ZendeskPlatform":
        """ZENDESK_SUBDOMAIN, ZENDESK_EMAIL, ZENDESK_API_TOKEN; optional ZENDESK_URL,
        ZENDESK_TIMEOUT_SECONDS, ZENDESK_RETRY_ATTEMPTS, ZENDESK_RETRY_BASE_SECONDS,
        ZENDESK_RETRY_MAX_SECONDS, ZENDESK_JOB_TIMEOUT_SECONDS, ZENDESK_JOB_POLL_SECONDS.
        ``budget`` gives the account's shared API budget (the account is the API host)."""
        settings = ZendeskSettings.from_env(environ)
        return cls(settings, budget=budget(settings.host) if budget is not None else None)

    def _zenpy(self) -> "Zenpy":
        client = getattr(self._local, "zenpy", None)
        if client is None:
            client = self._local.zenpy = self._build_zenpy()
        return client

    def _build_zenpy(self) -> "Zenpy":
        import requests
        from zenpy import Zenpy

        session = requests.Session()
        mount_budget(session, self._budget)  # no retries (Caller's job); every request spends the budget
        session.hooks["response"].append(raise_on_rate_limit)  # zenpy would sleep through 429s
        session.headers["User-Agent"] = "gdpr-bridge (zenpy)"
        self._sessions.append(session)
        s = self.settings
        return Zenpy(subdomain=s.subdomain, email=s.email, token=s.token, session=session,
                     timeout=s.timeout, disable_cache=True)

    def close(self) -> None:
        self._http.close()
        for session in self._sessions:
            session.close()

    # ------------------------------------------------------------------ reading

    def fetch_ticket(self, ticket_id: str) -> Ticket:
        number = _number(ticket_id)
        ticket = self._call(f"fetch ticket {number}", lambda: self._zenpy().tickets(id=number), gone_on_404=True)
        comments = self._comments(number)
        attachments: dict[str, AttachmentRef] = {}
        for comment in comments:
            for raw in _get(comment, "attachments") or []:
                ref = _attachment_ref(raw)
                if ref is not None:
                    attachments.setdefault(ref.id, ref)
        body = _get(ticket, "description") or ""
        if not body and comments:
            body = _get(comments[0], "plain_body") or _get(comments[0], "body") or ""
        project = _get(ticket, "brand_id") or _get(ticket, "ticket_form_id")
        return Ticket(
            id=str(number),
            platform=self.name,
            subject=_get(ticket, "subject") or "",
            body=str(body),
            requester=self._requester(number, _get(ticket, "requester_id")),
            attachments=list(attachments.values()),
            tags=[str(tag) for tag in _get(ticket, "tags") or []],
            project=str(project) if project else None,
            created_at=_parse_time(_get(ticket, "created_at")),
            channel=channel_of(ticket),
        )

    def _comments(self, number: int) -> list[Any]:
        """All comments, oldest first, inline images included (Zendesk leaves them out by default)."""
        return self._call(
            f"read comments of ticket {number}",
            lambda: list(self._zenpy().tickets.comments(number, include_inline_images=True)),
            gone_on_404=True,
        )

    def _requester(self, number: int, user_id: Any) -> Requester:
        if not user_id:
            return Requester()
        try:
            user = self._call(f"read requester of ticket {number}", lambda: self._zenpy().users(id=int(user_id)),
                              gone_on_404=True)
        except TicketGone:  # the user was deleted: the ticket is still worth checking
            return Requester()
        return Requester(
            name=_get(user, "name") or None,
            email=_get(user, "email") or None,
            phone=_get(user, "phone") or None,
            locale=_get(user, "locale") or None,
        )

    def download_attachment(self, attachment: AttachmentRef, max_bytes: int) -> bytes:
        if attachment.size is not None and attachment.size > max_bytes:
            raise AttachmentTooLarge(f"zendesk: attachment {attachment.id} is {attachment.size} bytes, limit {max_bytes}")
        if not attachment.url:
            raise PlatformRejected(f"zendesk: attachment {attachment.id} has no content_url")
        what = f"download attachment {attachment.id}"
        url = attachment.url
        return self._call(what, lambda: self._http.download(url, max_bytes, what))

    def created_since(self, since: datetime) -> Iterator[str]:
        """Incremental cursor export from ``since`` (Zendesk wants a start over a minute old)."""
        since = since if since.tzinfo else since.replace(tzinfo=timezone.utc)
        start = max(0, min(int(since.timestamp()), int(time.time()) - 61))
        params: dict[str, Any] = {"start_time": start}
        seen: set[str] = set()
        what = "incremental ticket export"

        def page_unit(query: dict[str, Any]) -> Callable[[], dict[str, Any]]:  # one page, retried alone
            return lambda: self._http.request("GET", "incremental/tickets/cursor.json", what, params=query)

        for _ in range(MAX_PAGES):
            page = self._call(what, page_unit(params))
            for raw in page.get("tickets") or []:
                ticket_id = str(raw.get("id") or "")
                created = _parse_time(raw.get("created_at"))
                if (not _TICKET_ID.match(ticket_id) or ticket_id in seen or raw.get("status") == "deleted"
                        or created is None or created < since):
                    continue
                seen.add(ticket_id)
                yield ticket_id
            cursor = page.get("after_cursor")
            if page.get("end_of_stream") or not cursor:
                return
            params = {"cursor": cursor}
        raise PlatformUnavailable(f"zendesk: {what}: more than {MAX_PAGES} pages")

    requests_per_ticket = history.REQUESTS_PER_TICKET

    def created_pages(self, since: datetime, until: datetime, resume: str | None = None) -> Iterator[CreatedPage]:
        """``bridge.platform.HistoryPlatform`` (``gdpr-bridge backfill``): see ``history``."""
        return history.created_pages(self._http, self._call, since, until, resume,
                                     lambda ticket_id: bool(_TICKET_ID.match(ticket_id)))

    # ------------------------------------------------------------------ writing

    def delete_ticket(self, ticket_id: str) -> DeletionResult:
        from zenpy.lib.api_objects import Ticket as ZenpyTicket  # its delete calls reject plain ints

        number = _number(ticket_id)
        try:
            self._call(f"delete ticket {number}", lambda: self._zenpy().tickets.delete(ZenpyTicket(id=number)),
                       gone_on_404=True)
        except TicketGone:
            pass  # already soft-deleted, or gone for good: the permanent delete below tells which
        attempts = 0

        def permanently_delete() -> Any:
            nonlocal attempts
            attempts += 1
            return self._zenpy().tickets.permanently_delete(ZenpyTicket(id=number))

        try:
            job = self._call(f"permanently delete ticket {number}", permanently_delete,
                             gone_on_404=True)  # in neither tickets nor deleted tickets: nothing left to erase
        except TicketGone:
            if attempts < 2:
                raise
            # An earlier attempt's answer was lost; the ticket is now in neither list: erased.
            return DeletionResult(ticket_id=str(number), permanent=True,
                                  confirmation="in neither tickets nor deleted tickets after a lost answer")
        job_id = str(_get(job, "id") or "")
        if not job_id:
            raise PlatformUnavailable(f"zendesk: permanently delete ticket {number}: no job status in the answer")
        self._await_job(job_id, number)
        return DeletionResult(ticket_id=str(number), permanent=True, confirmation=job_id)

    def _await_job(self, job_id: str, number: int) -> None:
        what = f"permanent deletion of ticket {number} (job {job_id})"
        deadline = time.monotonic() + self.settings.job_timeout
        pause = self.settings.job_poll
        while True:
            job = self._call(f"poll {what}", lambda: self._zenpy().job_status(id=job_id))
            status = str(_get(job, "status") or "")
            if status == "completed":
                results = _get(job, "results")
                if isinstance(results, Mapping) and results.get("success") is False:
                    raise PlatformRejected(f"zendesk: {what}: completed without success")
                return
            if status in _JOB_FAILED:
                raise PlatformRejected(f"zendesk: {what}: {status}")
            if time.monotonic() + pause > deadline:
                raise PlatformUnavailable(f"zendesk: {what}: still {status or 'unknown'} after "
                                          f"{self.settings.job_timeout:g}s", retry_after=60.0)
            self._sleep(pause)
            pause = min(pause * 2, 5.0)

    def mark_for_review(self, ticket_id: str, note: str, tag: str) -> None:
        from zenpy.lib.api_objects import Comment
        from zenpy.lib.api_objects import Ticket as ZenpyTicket

        number = _number(ticket_id)
        _check_tag(tag)

        def ensure_note() -> None:  # look before writing: a retried job must not add a second note
            for comment in self._zenpy().tickets.comments(number):
                if not _get(comment, "public") and _same_text(_get(comment, "plain_body") or _get(comment, "body"), note):
                    return
            self._zenpy().tickets.update(ZenpyTicket(id=number, comment=Comment(body=note, public=False)))

        self._call(f"add internal note to ticket {number}", ensure_note, gone_on_404=True)
        self.add_tag(ticket_id, tag)

    def add_tag(self, ticket_id: str, tag: str) -> None:
        number = _number(ticket_id)
        _check_tag(tag)
        self._call(f"tag ticket {number}", lambda: self._zenpy().tickets.add_tags(number, [tag]), gone_on_404=True)

    # ------------------------------------------------------------------ TicketCloser (channels rule)

    def close_ticket(self, ticket_id: str, note: str) -> None:
        """Set the ticket solved with ``note`` as a private comment. Zendesk will not solve a
        ticket without an assignee, so an unassigned one is given to the API user. No public
        reply: Zendesk would mail the thread back out. A closed ticket cannot change: done."""
        from zenpy.lib.api_objects import Comment
        from zenpy.lib.api_objects import Ticket as ZenpyTicket

        number = _number(ticket_id)

        def unit() -> None:  # look first: a retried job neither adds a second note nor fails
            ticket = self._zenpy().tickets(id=number)
            status = str(_get(ticket, "status") or "")
            if status == "closed":
                return
            changes: dict[str, Any] = {}
            if status != "solved":
                changes["status"] = "solved"
            if not _get(ticket, "assignee_id"):
                changes["assignee_id"] = int(_get(self._zenpy().users.me(), "id"))
            noted = any(not _get(c, "public") and _same_text(_get(c, "plain_body") or _get(c, "body"), note)
                        for c in self._zenpy().tickets.comments(number))
            if not noted:
                changes["comment"] = Comment(body=note, public=False)
            if changes:
                self._zenpy().tickets.update(ZenpyTicket(id=number, **changes))

        self._call(f"close ticket {number}", unit, gone_on_404=True)

    # ------------------------------------------------------------------ WebhookInstaller

    def check_credentials(self) -> str:
        return self._installer.check_credentials()

    def install_webhook(self, public_url: str, clear_tag: str | None = None, rotate_secret: bool = False,
                        **options: str) -> InstallResult:
        return self._installer.install(public_url, clear_tag, rotate_secret, **options)

    def remove_webhook(self, public_url: str) -> list[str]:
        return self._installer.remove(public_url)

    def webhook_status(self, public_url: str) -> str | None:
        """The active webhook's id; raises when it signs with a secret ZENDESK_WEBHOOK_SECRET lacks."""
        hook_id = self._installer.webhook_status(public_url)
        if hook_id is None:
            return None
        try:
            receiver = ZendeskWebhook.from_env()
        except ZendeskConfigError:  # no secret set: doctor reports that on its own line
            return hook_id
        if not receiver.accepts_secret(self._installer.signing_secret(hook_id)):
            raise PlatformRejected(
                f"zendesk: webhook {hook_id} points at this bridge but signs with a secret that "
                "ZENDESK_WEBHOOK_SECRET does not hold: every delivery would be refused (401)"
            )
        return hook_id


def _check_tag(tag: str) -> None:
    if not tag or any(ch.isspace() for ch in tag) or len(tag) > 80:
        raise PlatformRejected("zendesk: a tag must be one word of at most 80 characters")


def _same_text(a: Any, b: str) -> bool:
    return " ".join(str(a or "").split()) == " ".join(b.split())
