"""A fake Zendesk Support account: a real HTTP server (Starlette + uvicorn) on 127.0.0.1.

It answers what the bridge and zenpy use, with the JSON shapes of Zendesk's API
reference (paths work with and without zenpy's ``.json`` suffix):

- ``GET /api/v2/users/me``, ``GET /api/v2/users/{id}``, ``GET /api/v2/users/search?query=`` (a part of
  the name or address, case-insensitive), ``GET /api/v2/users/{id}/tickets/requested|ccd``;
  ``DELETE /api/v2/users/{id}`` (soft: the user moves to deleted users, inactive) and
  ``DELETE /api/v2/deleted_users/{id}`` (permanent; 404 unless the user was deleted first);
- ``GET|PUT|DELETE /api/v2/tickets/{id}`` (PUT takes ``comment``/``tags``/``status``
  and answers ``{"ticket", "audit"}``; DELETE is the soft delete → Deleted Tickets);
- ``GET /api/v2/tickets/{id}/comments`` (cursor pagination with ``page[size]``, else
  offset; inline images only with ``include_inline_images=true``), ``GET|PUT|POST|DELETE
  /api/v2/tickets/{id}/tags``;
- ``GET /api/v2/deleted_tickets``, ``DELETE /api/v2/deleted_tickets/{id}`` → a queued
  ``job_status``; ``GET /api/v2/job_statuses/{id}`` goes queued → working → completed
  over successive polls and only then erases the ticket and its attachments;
- ``GET /api/v2/incremental/tickets/cursor?start_time=|cursor=`` (400 when start_time
  is less than a minute old; deleted tickets appear with status ``deleted``);
- ``GET /api/v2/incremental/ticket_events?start_time=[&include=comment_events]`` (time-based:
  ``next_page``/``end_of_stream``; one audit per comment, the ticket's first one with its
  ``Create`` events; events of the last minute are not listed yet);
- redaction: ``PUT /api/v2/comment_redactions/{comment_id}`` (``ticket_id`` + the comment's
  ``html_body`` with ``<redact>`` tags, or ``external_attachment_urls``; 400 when the HTML
  outside the tags is not the comment's; an element with the ``redact`` attribute is removed,
  its text kept unless tagged; addresses are rendered as ``mailto:`` links), the older ``PUT /api/v2/tickets/{t}/comments/{c}/redact``
  (``{"text"}``, every occurrence; not on closed tickets) and
  ``PUT /api/v2/tickets/{t}/comments/{c}/attachments/{a}/redact`` (the file becomes an empty
  ``redacted.txt``; not on closed tickets). Each redacted character becomes ▇ in ``body``,
  ``plain_body`` and ``html_body`` (and in the ticket's ``description`` for its first comment);
- ``/api/v2/webhooks[/{id}]`` CRUD (cursor pagination) and ``/{id}/signing_secret``;
  ``/api/v2/triggers[/{id}]`` CRUD;
- attachments: ``content_url`` is ``/attachments/token/{token}/?name=…`` on the API
  host; with API auth it answers 302 to ``http://localhost:<port>/blob/…`` (another host),
  which answers 400 (as S3 does) and records it when it receives an ``Authorization`` header.

Every ``/api`` and ``/attachments`` call needs Basic auth ``{email}/token:{token}`` → else 401.
Faults: ``inject(path_regex, method, [(429, {"Retry-After": "1"}), 503, "reset", "lost", "timeout"])``.
"""

from __future__ import annotations

import asyncio
import collections
import base64
import html
import hashlib
import hmac
import itertools
import math
import json
import re
import secrets
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterable
from urllib.parse import quote, urlencode

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from .common import FakeServer, Logged, ServerThread  # noqa: F401 - ServerThread re-exported
from .zendesk_retention import ZendeskRetentionFake  # retention (issue 16)

NOTIFY_REQUESTER_TRIGGER = {
    "title": "Notify requester and CCs of received request",
    "conditions": {"all": [{"field": "update_type", "operator": "is", "value": "Create"},
                           {"field": "status", "operator": "is_not", "value": "solved"}], "any": []},
    "actions": [{"field": "notification_user",
                 "value": ["requester_and_ccs", "[{{ticket.account}}] Re: {{ticket.title}}",
                           "Your request ({{ticket.id}}) has been received.\n\n{{ticket.comments_formatted}}"]}],
}


def zendesk_time(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def sign(secret: str, timestamp: str, raw: bytes) -> str:
    """Zendesk's webhook signature (written here independently of bridge.signatures)."""
    digest = hmac.new(secret.encode("utf-8"), timestamp.encode("utf-8") + raw, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


COMMENT_ADDED = "zen:event-type:ticket.comment_added"
BLOCK = "\u2587"  # ▇, what a redacted character becomes
_REDACT = re.compile(r"<redact>(.*?)</redact>", re.S)
_HTML_TOKEN = re.compile(r"<[^>]*>|&[#A-Za-z0-9]+;", re.S)


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_REDACTED_ELEMENT = re.compile(r"<(a)\b[^>]*\sredact(?:\s[^>]*)?>(.*?)</a>|<img\b[^>]*\sredact(?:\s[^>]*)?/?>", re.S)


def _html_body(text: str) -> str:
    """How Zendesk renders a plain comment (escaped, addresses as mailto: links, line breaks as <br>)."""
    escaped = _EMAIL.sub(lambda m: f'<a href="mailto:{m.group(0)}" rel="noreferrer">{m.group(0)}</a>',
                         html.escape(text, quote=False))
    return '<div class="zd-comment" dir="auto"><p dir="auto">' + escaped.replace("\n", "<br>") + "</p></div>"


def _without_marks(markup: str) -> str:
    """``markup`` as sent for redaction, without its ``<redact>`` tags and ``redact`` attributes."""
    unmarked = _REDACT.sub(lambda m: m.group(1), markup)
    return re.sub(r"(<(?:a|img)\b[^>]*?)\sredact(?=[\s/>])", r"\1", unmarked)


def _plain_of(markup: str) -> str:
    """The plain text of an HTML body the fake rendered (the inverse of ``_html_body``)."""
    return html.unescape(re.sub(r"<[^>]*>", "", markup.replace("<br>", "\n")))


def _blocked(markup: str) -> str:
    """Every visible character of ``markup`` made ▇ (tags kept, an entity becomes one ▇)."""
    out, pos = [], 0
    for token in _HTML_TOKEN.finditer(markup):
        out.append(BLOCK * len(markup[pos:token.start()]))
        out.append(token.group(0) if token.group(0).startswith("<") else BLOCK)
        pos = token.end()
    out.append(BLOCK * len(markup[pos:]))
    return "".join(out)


def _error(status: int, error: str, description: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": error, "description": description}, status_code=status, headers=headers)


def _not_found() -> JSONResponse:
    return _error(404, "RecordNotFound", "Not found")


@dataclass
class _Blob:
    token: str
    filename: str
    data: bytes
    content_type: str


class FakeZendesk(ZendeskRetentionFake, FakeServer):
    """A Zendesk account in a background thread. Use as a context manager or start()/stop()."""

    def __init__(
        self,
        email: str = "bridge-bot@example.com",
        token: str = "zd-api-token-123",
        subdomain: str = "acme",
        timeout_delay: float = 1.5,
        job_polls: Iterable[str] = ("queued", "working"),
        max_page_size: int = 100,
        export_page_size: int = 1000,
        fail_jobs: bool = False,
        blob_chunked: bool = False,
        log_level: str = "critical",
        rate_limit: tuple[int, float] | None = None,
    ) -> None:
        self.email, self.token, self.subdomain = email, token, subdomain
        self.timeout_delay = timeout_delay
        self.job_polls = list(job_polls)  # statuses a job shows before "completed"
        self.max_page_size = max_page_size
        self.export_page_size = export_page_size
        self.fail_jobs = fail_jobs  # deletion jobs end "failed" instead of "completed"
        self.blob_chunked = blob_chunked  # blobs streamed without Content-Length
        # (requests, seconds): at most that many API requests in any such sliding window, else 429
        # with Retry-After; answers carry X-Rate-Limit (the limit a minute) and X-Rate-Limit-Remaining.
        self.rate_limit = rate_limit
        self._window: collections.deque[float] = collections.deque()
        self.rate_limited: list[Logged] = []  # the API requests answered 429 by the rate limit
        super().__init__(log_level)
        self.account_id = 9242270
        self._lock = threading.RLock()
        self._ticket_ids = itertools.count(35436)
        self._ids = itertools.count(900001)  # users, comments, attachments, audits, triggers
        self.users: dict[int, dict[str, Any]] = {}
        self.deleted_users: dict[int, dict[str, Any]] = {}  # soft-deleted, not yet permanently
        self.permanently_deleted_users: list[int] = []
        self.tickets: dict[int, dict[str, Any]] = {}
        self.deleted: dict[int, dict[str, Any]] = {}  # soft-deleted (Deleted Tickets view)
        self.permanently_deleted: list[int] = []
        self._comments: dict[int, list[dict[str, Any]]] = {}
        self.blobs: dict[str, _Blob] = {}
        self.jobs: dict[str, dict[str, Any]] = {}
        self.webhooks: dict[str, dict[str, Any]] = {}
        self.signing_secrets: dict[str, str] = {}
        self.triggers: dict[int, dict[str, Any]] = {}
        self.requests: list[Logged] = []
        self.blob_requests: list[Logged] = []
        self.redactions: list[tuple[int, int]] = []  # (ticket, comment) of each text redaction done
        self.me_id = self.add_user("GDPR Bridge", email, role="admin", locale="en-US")
        self._retention_init()  # retention (issue 16): tests/fakes/zendesk_retention.py
        self.app = Starlette(routes=self._routes())

    # ------------------------------------------------------------------ lifecycle

    @property
    def blob_url(self) -> str:
        """The other host temporary attachment URLs point at."""
        return f"http://localhost:{self.port}"

    def env(self, **extra: str) -> dict[str, str]:
        """The environment the adapter needs to talk to this fake."""
        return {"ZENDESK_SUBDOMAIN": self.subdomain, "ZENDESK_EMAIL": self.email,
                "ZENDESK_API_TOKEN": self.token, "ZENDESK_URL": self.url, **extra}

    # ------------------------------------------------------------------ seeding

    def add_user(self, name: str, email: str | None, phone: str | None = None, locale: str | None = None,
                 role: str = "end-user") -> int:
        now = zendesk_time(datetime.now(timezone.utc))
        with self._lock:
            user_id = next(self._ids)
            self.users[user_id] = {
                "id": user_id, "url": f"{self.url}/api/v2/users/{user_id}.json", "name": name, "email": email,
                "phone": phone, "shared_phone_number": None, "locale": locale or "en-US", "locale_id": 1,
                "time_zone": "Europe/Stockholm", "iana_time_zone": "Europe/Stockholm", "role": role,
                "role_type": None, "active": True, "verified": True, "suspended": False, "created_at": now,
                "updated_at": now, "tags": [], "user_fields": {}, "photo": None, "organization_id": None,
            }
        return user_id

    def add_ticket(
        self,
        subject: str = "Help",
        description: str = "Hello",
        requester: dict[str, Any] | None = None,
        attachments: Iterable[tuple[str, bytes, str, bool]] = (),
        tags: Iterable[str] = (),
        brand_id: int | None = None,
        ticket_form_id: int | None = None,
        created_at: datetime | None = None,
        comments: Iterable[tuple[str, bool, Iterable[tuple[str, bytes, str, bool]]]] = (),
        requester_id: int | None = None,
        cc_ids: Iterable[int] = (),
        status: str = "new",
    ) -> int:
        """A ticket and its first comment (the description). ``requester`` = ``{name, email,
        phone, locale}``; ``attachments`` = ``(filename, bytes, content_type, inline)`` on the
        first comment; ``comments`` = more ``(body, public, attachments)`` after it;
        ``requester_id`` reuses a user (else one is made from ``requester``); ``cc_ids`` are CC'd users."""
        if requester_id is not None:
            user_id = requester_id
        else:
            requester = requester or {"name": "Customer", "email": "customer@example.com"}
            user_id = self.add_user(requester.get("name", "Customer"), requester.get("email"),
                                    requester.get("phone"), requester.get("locale"))
        when = created_at or datetime.now(timezone.utc)
        with self._lock:
            ticket_id = next(self._ticket_ids)
            self.tickets[ticket_id] = {
                "url": f"{self.url}/api/v2/tickets/{ticket_id}.json", "id": ticket_id, "external_id": None,
                "via": {"channel": "web", "source": {"from": {}, "to": {}, "rel": None}},
                "created_at": zendesk_time(when), "updated_at": zendesk_time(when), "generated_timestamp": int(when.timestamp()),
                "type": None, "subject": subject, "raw_subject": subject, "description": description,
                "priority": None, "status": status, "recipient": None, "requester_id": user_id,
                "submitter_id": user_id, "assignee_id": None, "organization_id": None, "group_id": None,
                "collaborator_ids": list(cc_ids), "follower_ids": [], "email_cc_ids": list(cc_ids),
                "forum_topic_id": None,
                "problem_id": None, "has_incidents": False, "is_public": True, "due_at": None,
                "tags": list(tags), "custom_fields": [], "satisfaction_rating": None, "sharing_agreement_ids": [],
                "custom_status_id": 1, "fields": [], "followup_ids": [], "ticket_form_id": ticket_form_id,
                "brand_id": brand_id, "allow_channelback": False, "allow_attachments": True,
                "from_messaging_channel": False,
            }
            self._comments[ticket_id] = []
            self._add_comment(ticket_id, description, True, user_id, attachments, when)
            for body, public, extra in comments:
                self._add_comment(ticket_id, body, public, user_id, extra, when)
        return ticket_id

    def add_comment(self, ticket_id: int, body: str, public: bool = True, author_id: int | None = None,
                    attachments: Iterable[tuple[str, bytes, str, bool]] = (), created_at: datetime | None = None) -> int:
        """A later comment (by ``author_id``, default the requester); returns its id."""
        with self._lock:
            ticket = self.tickets[int(ticket_id)]
            author = author_id if author_id is not None else ticket["requester_id"]
            comment = self._add_comment(int(ticket_id), body, public, author, attachments,
                                        created_at or datetime.now(timezone.utc))
            self._touch(ticket)
            return int(comment["id"])

    def comment_and_deliver(self, bridge_url: str, ticket_id: int | str, body: str, secret: str,
                            public: bool = True, author_id: int | None = None,
                            attachments: Iterable[tuple[str, bytes, str, bool]] = (), form: str = "trigger",
                            invocation_id: str | None = None) -> tuple[int, httpx.Response]:
        """Test hook: add a comment to an existing ticket, then fire the webhook the installed
        "comment added" trigger (``form="trigger"``) or a ``ticket.comment_added`` event
        subscription (``form="event"``) sends for it. Returns (comment id, the bridge's answer)."""
        comment_id = self.add_comment(int(ticket_id), body, public, author_id, attachments)
        answer = self.deliver_webhook(bridge_url, ticket_id, secret, form=form, comment_id=comment_id,
                                      invocation_id=invocation_id, event_type=COMMENT_ADDED)
        return comment_id, answer

    def comment(self, comment_id: int) -> dict[str, Any]:
        """A comment as stored now (attachments included), wherever it is."""
        with self._lock:
            for comments in self._comments.values():
                for comment in comments:
                    if comment["id"] == int(comment_id):
                        return json.loads(json.dumps(comment))
        raise KeyError(comment_id)

    def add_trigger(self, title: str, conditions: dict[str, Any], actions: list[Any], active: bool = True) -> int:
        with self._lock:
            return self._store_trigger({"title": title, "conditions": conditions, "actions": actions,
                                        "active": active})

    def add_webhook(self, name: str, endpoint: str, subscriptions: list[str] | None = None) -> str:
        with self._lock:
            return self._store_webhook({"name": name, "endpoint": endpoint, "status": "active", "http_method": "POST",
                                        "request_format": "json",
                                        "subscriptions": subscriptions or ["conditional_ticket_events"]})

    # ------------------------------------------------------------------ channels (issue 16.4)

    def set_channel(self, ticket_id: int, channel: str) -> None:
        """How the ticket arrived (``via.channel``: "email", "web", "chat", "api", ...). An email
        ticket's ``via.source`` names the sender and the support address, as Zendesk's does."""
        with self._lock:
            ticket = self.tickets[int(ticket_id)]
            source: dict[str, Any] = {"from": {}, "to": {}, "rel": None}
            if channel == "email":
                requester = self.users.get(ticket["requester_id"]) or {}
                source = {"from": {"address": requester.get("email"), "name": requester.get("name"),
                                   "original_recipients": [f"support@{self.subdomain}.zendesk.com"]},
                          "to": {"address": f"support@{self.subdomain}.zendesk.com", "name": "Support"}, "rel": None}
            ticket["via"] = {"channel": channel, "source": source}
            for comment in self._comments.get(int(ticket_id), [])[:1]:
                comment["via"] = dict(ticket["via"])

    def mark_attachment_deleted(self, attachment_id: int) -> None:
        with self._lock:
            for comments in self._comments.values():
                for comment in comments:
                    for attachment in comment["attachments"]:
                        if attachment["id"] == attachment_id:
                            attachment["deleted"] = True

    def inject(self, path_regex: str, method: str, responses: list[Any]) -> None:
        """Faults for matching requests, consumed in order: ``(status, headers[, json body])``, ``status``,
        ``"reset"`` (TCP RST, nothing done), ``"lost"`` (the work is done, then a TCP RST instead
        of the answer), ``"timeout"`` (answered normally, but only after ``timeout_delay``:
        the client has given up, the work is done anyway) or ``"pass"``."""
        self._faults.add(path_regex, method, responses)

    def pending_faults(self) -> int:
        return self._faults.pending()

    def reset_faults(self) -> list[Any]:
        """Drop pending faults; returns the rules that still had unconsumed responses."""
        return self._faults.clear()

    # ------------------------------------------------------------------ inspection

    def comments(self, ticket_id: int) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(c) for c in self._comments.get(int(ticket_id), [])]

    def tags(self, ticket_id: int) -> list[str]:
        with self._lock:
            ticket = self.tickets.get(int(ticket_id)) or self.deleted.get(int(ticket_id)) or {}
            return list(ticket.get("tags") or [])

    def calls(self, method: str, path_regex: str) -> list[Logged]:
        pattern = re.compile(path_regex)
        with self._lock:
            return [r for r in self.requests if r.method == method.upper() and pattern.search(r.path)]

    # ------------------------------------------------------------------ webhook delivery

    def deliver_webhook(
        self,
        bridge_url: str,
        ticket_id: int | str,
        secret: str,
        form: str = "event",
        invocation_id: str | None = None,
        timestamp: str | None = None,
        event_type: str = "zen:event-type:ticket.created",
        webhook_id: str | None = None,
        payload: dict[str, Any] | None = None,
        raw: bytes | None = None,
        comment_id: int | str | None = None,
    ) -> httpx.Response:
        """POST a delivery the way Zendesk does: ``form="event"`` (event-subscribed envelope,
        ids as strings, the ticket's fields in ``detail``, the comment in ``event.comment`` for
        ``ticket.comment_added``) or ``"trigger"`` (the body the installed trigger sends; with
        ``comment_id`` the "comment added" one). ``payload``/``raw`` replace the body (still signed)."""
        if raw is None:
            body = payload if payload is not None else self._delivery_body(ticket_id, form, event_type, comment_id)
            raw = json.dumps(body).encode()
        stamp = timestamp or zendesk_time(datetime.now(timezone.utc))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "Zendesk Webhook",
            "X-Zendesk-Account-Id": str(self.account_id),
            "X-Zendesk-Webhook-Id": webhook_id or "01GK8E6BKWMJZD2T8Y5AXJQMG5",
            "X-Zendesk-Webhook-Invocation-Id": invocation_id or str(uuid.uuid4().int)[:19],
            "X-Zendesk-Webhook-Signature-Timestamp": stamp,
            "X-Zendesk-Webhook-Signature": sign(secret, stamp, raw),
        }
        return httpx.post(bridge_url, content=raw, headers=headers, timeout=10)

    def _delivery_body(self, ticket_id: int | str, form: str, event_type: str,
                       comment_id: int | str | None = None) -> dict[str, Any]:
        if form == "trigger":
            if comment_id is not None:
                return {"ticket_id": str(ticket_id), "comment_id": str(comment_id)}
            return {"ticket_id": str(ticket_id)}
        if form != "event":
            raise ValueError("form is 'event' or 'trigger'")
        with self._lock:
            ticket = self.tickets.get(int(ticket_id)) or {}
            now = zendesk_time(datetime.now(timezone.utc))
            detail = {
                "actor_id": str(ticket.get("submitter_id", "")), "assignee_id": None,
                "brand_id": str(ticket.get("brand_id") or ""), "created_at": ticket.get("created_at", now),
                "custom_status": "1", "description": ticket.get("description", ""), "external_id": None,
                "form_id": str(ticket.get("ticket_form_id") or ""), "group_id": None, "id": str(ticket_id),
                "is_public": True, "organization_id": None, "priority": "LOW",
                "requester_id": str(ticket.get("requester_id", "")), "status": "NEW",
                "subject": ticket.get("subject", ""), "submitter_id": str(ticket.get("submitter_id", "")),
                "tags": ticket.get("tags", []), "type": "TASK", "updated_at": ticket.get("updated_at", now),
                "via": {"channel": "web_form"},
            }
            event: dict[str, Any] = {}
            if comment_id is not None:
                stored = next((c for c in self._comments.get(int(ticket_id), []) if c["id"] == int(comment_id)), {})
                author = self.users.get(stored.get("author_id"), {})
                event = {"comment": {"id": str(comment_id), "body": stored.get("body", ""),
                                     "is_public": bool(stored.get("public", True)),
                                     "author": {"id": str(stored.get("author_id", "")),
                                                "is_staff": author.get("role") in ("agent", "admin"),
                                                "name": author.get("name", "")}}}
        return {"account_id": self.account_id, "detail": detail, "event": event, "id": str(uuid.uuid4()),
                "subject": f"zen:ticket:{ticket_id}", "time": now, "type": event_type,
                "zendesk_event_version": "2022-11-06"}

    # ------------------------------------------------------------------ internals: state

    def _add_comment(self, ticket_id: int, body: str, public: bool, author_id: int,
                     attachments: Iterable[tuple[str, bytes, str, bool]], when: datetime) -> dict[str, Any]:
        comment_id = next(self._ids)
        files = [self._file(next(self._ids), filename, data, content_type, inline)
                 for filename, data, content_type, inline in attachments]
        comment = {
            "id": comment_id, "type": "Comment", "author_id": author_id, "body": body,
            "html_body": _html_body(body), "plain_body": body,
            "public": public, "attachments": files, "audit_id": next(self._ids),
            "via": {"channel": "web", "source": {"from": {}, "to": {}, "rel": None}},
            "created_at": zendesk_time(when), "metadata": {"system": {}, "custom": {}},
        }
        self._comments[ticket_id].append(comment)
        return comment

    def _file(self, attachment_id: int, filename: str, data: bytes, content_type: str, inline: bool) -> dict[str, Any]:
        token = secrets.token_urlsafe(16)
        self.blobs[token] = _Blob(token, filename, data, content_type)
        content_url = f"{self.url}/attachments/token/{token}/?name={quote(filename)}"
        return {
            "url": f"{self.url}/api/v2/attachments/{attachment_id}.json", "id": attachment_id,
            "file_name": filename, "content_url": content_url, "mapped_content_url": content_url,
            "content_type": content_type, "size": len(data), "width": None, "height": None,
            "inline": inline, "deleted": False, "malware_access_override": False,
            "malware_scan_result": "malware_not_found", "thumbnails": [],
        }

    def _redact_file(self, comment: dict[str, Any], attachment: dict[str, Any]) -> None:
        """Zendesk's attachment redaction: the file is gone, an empty ``redacted.txt`` stands in its place."""
        token = attachment["content_url"].split("/token/")[1].split("/")[0]
        self.blobs.pop(token, None)
        index = comment["attachments"].index(attachment)
        comment["attachments"][index] = self._file(attachment["id"], "redacted.txt", b"", "text/plain",
                                                   attachment["inline"])

    def _set_comment_html(self, ticket_id: int, comment: dict[str, Any], markup: str) -> None:
        comment["html_body"] = markup
        comment["plain_body"] = comment["body"] = _plain_of(markup)
        first = self._comments[ticket_id][0]
        if first is comment and ticket_id in self.tickets:  # the first comment is the description
            self.tickets[ticket_id]["description"] = comment["plain_body"]
        self.redactions.append((ticket_id, comment["id"]))

    def _store_trigger(self, body: dict[str, Any], trigger_id: int | None = None) -> int:
        now = zendesk_time(datetime.now(timezone.utc))
        trigger_id = trigger_id or next(self._ids)
        old = self.triggers.get(trigger_id, {})
        conditions = body.get("conditions", old.get("conditions")) or {}
        self.triggers[trigger_id] = {
            "url": f"{self.url}/api/v2/triggers/{trigger_id}.json", "id": trigger_id,
            "title": body.get("title", old.get("title")), "raw_title": body.get("title", old.get("title")),
            "active": body.get("active", old.get("active", True)), "default": False,
            "description": body.get("description", old.get("description")),
            "conditions": {"all": list(conditions.get("all") or []), "any": list(conditions.get("any") or [])},
            "actions": list(body.get("actions", old.get("actions")) or []),
            "position": old.get("position", len(self.triggers) + 1), "category_id": "10026",
            "created_at": old.get("created_at", now), "updated_at": now,
        }
        return trigger_id

    def _store_webhook(self, body: dict[str, Any], webhook_id: str | None = None) -> str:
        now = zendesk_time(datetime.now(timezone.utc))
        webhook_id = webhook_id or ("01" + uuid.uuid4().hex[:24].upper())
        old = self.webhooks.get(webhook_id, {})
        hook = {**old, **{k: v for k, v in body.items() if k not in ("id", "created_at", "created_by")}}
        hook.update({"id": webhook_id, "created_at": old.get("created_at", now), "created_by": str(self.me_id),
                     "updated_at": now, "updated_by": str(self.me_id)})
        self.webhooks[webhook_id] = hook
        self.signing_secrets.setdefault(webhook_id, base64.b64encode(secrets.token_bytes(32)).decode())
        return webhook_id

    def _touch(self, ticket: dict[str, Any]) -> None:
        now = datetime.now(timezone.utc)
        ticket["updated_at"], ticket["generated_timestamp"] = zendesk_time(now), int(now.timestamp())

    # ------------------------------------------------------------------ internals: HTTP

    async def _asgi(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        host = request.headers.get("host", "").rsplit(":", 1)[0]
        entry = Logged(scope["method"], scope["path"], scope.get("query_string", b"").decode("latin-1"), host,
                       "authorization" in request.headers, time.monotonic(), dict(request.headers))
        with self._lock:
            self.requests.append(entry)
            if scope["path"].startswith("/blob/"):
                self.blob_requests.append(entry)
        body = await request.body()  # buffered now: a "timeout" fault still processes it after the client left
        replayed = False
        if self.rate_limit is not None and scope["path"].startswith("/api/"):
            refusal, send = self._rate_limited(entry, send)
            if refusal is not None:
                await refusal(scope, receive, send)
                return

        async def replay() -> dict[str, Any]:  # the routed app reads the buffered body again
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # type: ignore[no-any-return]

        fault = self._faults.take(scope["method"], scope["path"])
        if fault == "reset":
            if self._connections.abort(scope):
                await asyncio.sleep(0.01)
                return
            fault = (500, {})
        if fault == "timeout":
            await asyncio.sleep(self.timeout_delay)
            fault = None
        if fault not in (None, "pass", "lost"):
            status, headers, *content = fault if isinstance(fault, tuple) else (fault, {})
            if content:
                answer: Response = JSONResponse(content[0], status_code=status, headers=headers)
            else:
                answer = _error(status, "Injected", f"injected {status}", headers)
            await answer(scope, receive, send)
            return
        refusal = self._refuse(scope["path"], host, request)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        path = scope["path"]
        if path.startswith("/api/") and path.endswith(".json"):  # zenpy's suffix: same resource
            scope = {**scope, "path": path[: -len(".json")], "raw_path": path[: -len(".json")].encode()}
        if fault == "lost":  # done, then the connection drops before the answer

            async def discard(message: dict[str, Any]) -> None:
                return None

            await self.app(scope, replay, discard)
            self._connections.abort(scope)
            await asyncio.sleep(0.01)
            return
        await self.app(scope, replay, send)

    def _rate_limited(self, entry: Logged, send: Any) -> tuple[Response | None, Any]:
        """A 429 when the sliding window is full; else ``send`` adding the rate-limit headers."""
        assert self.rate_limit is not None
        allowed, window = self.rate_limit
        per_minute = str(round(allowed * 60 / window))
        with self._lock:
            now = time.monotonic()
            while self._window and self._window[0] <= now - window:
                self._window.popleft()
            if len(self._window) >= allowed:
                self.rate_limited.append(entry)
                wait = max(1, math.ceil(self._window[0] + window - now))
                headers = {"Retry-After": str(wait), "X-Rate-Limit": per_minute, "X-Rate-Limit-Remaining": "0"}
                return _error(429, "TooManyRequests", "rate limited", headers), send
            self._window.append(now)
            remaining = str(allowed - len(self._window))

        async def with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                extra = [(b"x-rate-limit", per_minute.encode()), (b"x-rate-limit-remaining", remaining.encode())]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        return None, with_headers

    def _refuse(self, path: str, host: str, request: Request) -> Response | None:
        if path.startswith("/blob/"):
            if host != "localhost":
                return Response("not found", status_code=404)
            if "authorization" in request.headers:  # what S3 says to a presigned URL plus credentials
                return Response("<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed"
                                "</Message></Error>", status_code=400, media_type="application/xml")
            return None
        if host != "127.0.0.1":
            return Response("not found", status_code=404)
        expected = "Basic " + base64.b64encode(f"{self.email}/token:{self.token}".encode()).decode()
        if not hmac.compare_digest(request.headers.get("authorization", ""), expected):
            return JSONResponse({"error": "Couldn't authenticate you"}, status_code=401)
        return None

    def _routes(self) -> list[Route]:
        return [
            Route("/api/v2/users/me", self._me, methods=["GET"]),
            Route("/api/v2/users/search", self._user_search, methods=["GET"]),
            Route("/api/v2/users/{id:int}", self._user, methods=["GET", "DELETE"]),
            Route("/api/v2/users/{id:int}/tickets/requested", self._user_tickets, methods=["GET"]),
            Route("/api/v2/users/{id:int}/tickets/ccd", self._user_tickets, methods=["GET"]),
            Route("/api/v2/deleted_users/{id:int}", self._purge_user, methods=["DELETE"]),
            Route("/api/v2/tickets/{id:int}", self._ticket, methods=["GET", "PUT", "DELETE"]),
            Route("/api/v2/tickets/{id:int}/comments", self._ticket_comments, methods=["GET"]),
            Route("/api/v2/tickets/{id:int}/comments/{comment:int}/redact", self._redact_string, methods=["PUT"]),
            Route("/api/v2/tickets/{id:int}/comments/{comment:int}/attachments/{attachment:int}/redact",
                  self._redact_attachment, methods=["PUT"]),
            Route("/api/v2/comment_redactions/{comment:int}", self._comment_redaction, methods=["PUT"]),
            Route("/api/v2/incremental/ticket_events", self._ticket_events, methods=["GET"]),
            Route("/api/v2/tickets/{id:int}/tags", self._ticket_tags, methods=["GET", "PUT", "POST", "DELETE"]),
            Route("/api/v2/deleted_tickets", self._deleted_list, methods=["GET"]),
            Route("/api/v2/deleted_tickets/{id:int}", self._purge, methods=["DELETE"]),
            Route("/api/v2/job_statuses/{id}", self._job, methods=["GET"]),
            Route("/api/v2/incremental/tickets/cursor", self._export, methods=["GET"]),
            Route("/api/v2/webhooks", self._webhooks, methods=["GET", "POST"]),
            Route("/api/v2/webhooks/{id}", self._webhook, methods=["GET", "PUT", "PATCH", "DELETE"]),
            Route("/api/v2/webhooks/{id}/signing_secret", self._secret, methods=["GET", "POST"]),
            Route("/api/v2/triggers", self._triggers, methods=["GET", "POST"]),
            Route("/api/v2/triggers/{id:int}", self._trigger, methods=["GET", "PUT", "DELETE"]),
            Route("/attachments/token/{token}/", self._content_url, methods=["GET"]),
            Route("/blob/{token}/{name}", self._blob, methods=["GET"]),
            *self._retention_routes(),  # retention (issue 16)
        ]

    def _page(self, request: Request, key: str, items: list[Any], cursor_always: bool = False) -> dict[str, Any]:
        """Zendesk pagination: cursor (``page[size]``/``page[after]``) or offset (``page``/``per_page``)."""
        query = request.query_params
        base = f"{self.url}{request.url.path}"
        keep = {k: v for k, v in query.items() if not k.startswith("page") and k != "per_page"}
        if "page[size]" in query or cursor_always:
            size = min(int(query.get("page[size]", self.max_page_size)), self.max_page_size)
            start = int(base64.b64decode(query["page[after]"]).decode()) if "page[after]" in query else 0
            chunk, more = items[start:start + size], start + size < len(items)
            after = base64.b64encode(str(start + size).encode()).decode() if chunk else None
            next_url = f"{base}?{urlencode({**keep, 'page[size]': size, 'page[after]': after})}" if more else None
            return {key: chunk, "meta": {"has_more": more, "after_cursor": after, "before_cursor": None},
                    "links": {"next": next_url, "prev": None}}
        size = min(int(query.get("per_page", self.max_page_size)), self.max_page_size)
        page = int(query.get("page", 1))
        chunk = items[(page - 1) * size: page * size]
        more = page * size < len(items)
        next_url = f"{base}?{urlencode({**keep, 'page': page + 1, 'per_page': size})}" if more else None
        return {key: chunk, "next_page": next_url, "previous_page": None, "count": len(items)}

    async def _me(self, request: Request) -> Response:
        with self._lock:
            return JSONResponse({"user": self.users[self.me_id]})

    async def _user(self, request: Request) -> Response:
        with self._lock:
            user_id = request.path_params["id"]
            user = self.users.get(user_id)
            if user is None:
                return _not_found()
            if request.method == "DELETE":
                if user_id == self.me_id:
                    return _error(422, "RecordInvalid", "You cannot delete yourself")
                gone = {**self.users.pop(user_id), "active": False}
                self._touch(gone)
                self.deleted_users[user_id] = gone
                return JSONResponse({"user": gone})
            return JSONResponse({"user": user})

    async def _user_search(self, request: Request) -> Response:
        query = (request.query_params.get("query") or "").strip().lower()
        if not query:
            return _error(400, "InvalidValue", "query or external_id is required")
        with self._lock:
            found = [u for u in self.users.values()
                     if query in str(u.get("email") or "").lower() or query in str(u.get("name") or "").lower()]
            return JSONResponse(self._page(request, "users", found))

    async def _user_tickets(self, request: Request) -> Response:
        user_id = request.path_params["id"]
        ccd = request.url.path.rstrip("/").endswith("ccd")
        with self._lock:
            if user_id not in self.users:
                return _not_found()
            found = [t for t in self.tickets.values()
                     if (user_id in t["email_cc_ids"] or user_id in t["collaborator_ids"] if ccd
                         else t["requester_id"] == user_id)]
            return JSONResponse(self._page(request, "tickets", found))

    async def _purge_user(self, request: Request) -> Response:
        user_id = request.path_params["id"]
        with self._lock:
            user = self.deleted_users.pop(user_id, None)
            if user is None:  # active users (and ones already purged) are not in deleted users
                return _not_found()
            self.permanently_deleted_users.append(user_id)
            return JSONResponse({"deleted_user": {"id": user_id, "name": "Permanently Deleted User", "email": None,
                                                  "active": False, "created_at": user["created_at"],
                                                  "updated_at": zendesk_time(datetime.now(timezone.utc))}})

    async def _ticket(self, request: Request) -> Response:
        ticket_id = request.path_params["id"]
        body = await request.json() if request.method == "PUT" else {}
        with self._lock:
            ticket = self.tickets.get(ticket_id)
            if ticket is None:
                return _not_found()
            if request.method == "GET":
                return JSONResponse({"ticket": ticket})
            if request.method == "DELETE":
                self.deleted[ticket_id] = {**self.tickets.pop(ticket_id), "status": "deleted"}
                self._touch(self.deleted[ticket_id])
                return Response(status_code=204)
            changes = body.get("ticket") or {}
            if (changes.get("status") in ("solved", "closed") and not changes.get("assignee_id")
                    and not ticket.get("assignee_id")):  # a native rule: solved needs an assignee
                return JSONResponse({"error": "RecordInvalid", "description": "Record validation errors", "details": {
                    "assignee": [{"description": "Assignee: is required when solving a ticket",
                                  "error": "InvalidValue"}]}}, status_code=422)
            events: list[dict[str, Any]] = []
            comment = changes.get("comment")
            if isinstance(comment, dict) and (comment.get("body") or comment.get("html_body")):
                text = comment.get("body") or comment.get("html_body")
                added = self._add_comment(ticket_id, text, bool(comment.get("public", True)), self.me_id, (),
                                          datetime.now(timezone.utc))
                events.append({"id": added["id"], "type": "Comment", "body": text, "public": added["public"]})
            for key in ("tags", "status", "subject", "assignee_id"):
                if key in changes:
                    ticket[key] = changes[key]
            for tag in changes.get("additional_tags") or []:
                ticket["tags"].append(tag) if tag not in ticket["tags"] else None
            self._touch(ticket)
            audit = {"id": next(self._ids), "ticket_id": ticket_id, "created_at": ticket["updated_at"],
                     "author_id": self.me_id, "metadata": {"system": {}, "custom": {}}, "events": events,
                     "via": {"channel": "api", "source": {"from": {}, "to": {}, "rel": None}}}
            return JSONResponse({"ticket": ticket, "audit": audit})

    async def _ticket_comments(self, request: Request) -> Response:
        ticket_id = request.path_params["id"]
        inline = request.query_params.get("include_inline_images", "false").lower() == "true"
        with self._lock:
            if ticket_id not in self.tickets:
                return _not_found()
            comments = []
            for comment in self._comments[ticket_id]:
                files = [a for a in comment["attachments"] if inline or not a["inline"]]
                comments.append({**comment, "attachments": files})
            return JSONResponse(self._page(request, "comments", comments))

    async def _ticket_tags(self, request: Request) -> Response:
        ticket_id = request.path_params["id"]
        body = await request.json() if request.method != "GET" else {}
        with self._lock:
            ticket = self.tickets.get(ticket_id)
            if ticket is None:
                return _not_found()
            tags = [str(t) for t in body.get("tags") or []]
            if request.method == "POST":
                ticket["tags"] = tags
            elif request.method == "PUT":
                ticket["tags"] += [t for t in tags if t not in ticket["tags"]]
            elif request.method == "DELETE":
                ticket["tags"] = [t for t in ticket["tags"] if t not in tags]
            if request.method != "GET":
                self._touch(ticket)
            return JSONResponse({"tags": list(ticket["tags"])})

    def _find_comment(self, ticket_id: int, comment_id: int) -> dict[str, Any] | None:
        return next((c for c in self._comments.get(ticket_id, []) if c["id"] == comment_id), None)

    async def _comment_redaction(self, request: Request) -> Response:
        comment_id = request.path_params["comment"]
        try:
            body = await request.json()
        except ValueError:
            return _error(400, "InvalidValue", "body is not JSON")
        ticket_id = body.get("ticket_id")
        if not isinstance(ticket_id, int):
            return _error(400, "InvalidValue", "ticket_id is required")
        with self._lock:
            comment = self._find_comment(ticket_id, comment_id) if ticket_id in self.tickets else None
            if comment is None:
                return _not_found()
            markup = body.get("html_body")
            if markup is not None:
                if _without_marks(str(markup)) != comment["html_body"]:
                    return _error(400, "InvalidValue", "html_body does not match the comment")
                blocked = _REDACT.sub(lambda m: _blocked(m.group(1)), str(markup))
                # an element with the redact attribute goes (its text stays unless it was in <redact>)
                blocked = _REDACTED_ELEMENT.sub(lambda m: m.group(2) or "", blocked)
                self._set_comment_html(ticket_id, comment, blocked)
            for url in body.get("external_attachment_urls") or []:
                for attachment in list(comment["attachments"]):
                    if attachment["content_url"] == url:
                        self._redact_file(comment, attachment)
            return JSONResponse({"comment": comment})

    async def _redact_string(self, request: Request) -> Response:
        ticket_id, comment_id = request.path_params["id"], request.path_params["comment"]
        body = await request.json()
        text = str(body.get("text") or "")
        with self._lock:
            ticket = self.tickets.get(ticket_id)
            comment = self._find_comment(ticket_id, comment_id) if ticket else None
            if comment is None:
                return _not_found()
            if ticket["status"] == "closed":  # type: ignore[index]
                return _error(422, "RecordInvalid", "Cannot redact a closed ticket")
            if not text:
                return _error(400, "InvalidValue", "text is required")
            escaped = html.escape(text, quote=False)
            self._set_comment_html(ticket_id, comment, comment["html_body"].replace(escaped, _blocked(escaped)))
            return JSONResponse({"comment": comment})

    async def _redact_attachment(self, request: Request) -> Response:
        ticket_id, comment_id = request.path_params["id"], request.path_params["comment"]
        attachment_id = request.path_params["attachment"]
        with self._lock:
            ticket = self.tickets.get(ticket_id)
            comment = self._find_comment(ticket_id, comment_id) if ticket else None
            attachment = next((a for a in comment["attachments"] if a["id"] == attachment_id), None) if comment else None
            if attachment is None:
                return _not_found()
            if ticket["status"] == "closed":  # type: ignore[index]
                return _error(422, "RecordInvalid", "Cannot redact attachments of a closed ticket")
            assert comment is not None
            self._redact_file(comment, attachment)
            return JSONResponse({"attachment": next(a for a in comment["attachments"] if a["id"] == attachment_id)})

    async def _ticket_events(self, request: Request) -> Response:
        query = request.query_params
        try:
            start = int(query["start_time"])
        except (KeyError, ValueError):
            return _error(400, "InvalidValue", "start_time must be a unix time")
        now = time.time()
        if start > now - 60:
            return _error(400, "InvalidValue", "Too recent start_time. Use a start_time older than 1 minute")
        sideload = "comment_events" in (query.get("include") or "").split(",")
        with self._lock:
            events = []
            for ticket_id, comments in self._comments.items():
                if ticket_id not in self.tickets:
                    continue
                for index, comment in enumerate(comments):
                    stamp = int(datetime.fromisoformat(comment["created_at"].replace("Z", "+00:00")).timestamp())
                    if stamp < start or stamp > now - 60:
                        continue
                    children: list[dict[str, Any]] = []
                    if index == 0:
                        children.append({"id": comment["audit_id"] + 1, "event_type": "Create", "field_name": "status",
                                         "value": "new"})
                    if sideload:
                        children.append({**json.loads(json.dumps(comment)), "event_type": "Comment"})
                    else:
                        children.append({"id": comment["id"], "comment_present": True,
                                         "comment_public": comment["public"]})
                    events.append({"id": comment["audit_id"], "ticket_id": ticket_id, "timestamp": stamp,
                                   "created_at": comment["created_at"], "updater_id": comment["author_id"],
                                   "via": comment["via"], "event_type": "Audit", "child_events": children})
            events.sort(key=lambda e: (e["timestamp"], e["id"]))
            chunk = events[: self.export_page_size]
            end = len(chunk) < self.export_page_size
            end_time = chunk[-1]["timestamp"] if chunk else start
            keep = {k: v for k, v in query.items() if k != "start_time"}
            next_page = f"{self.url}/api/v2/incremental/ticket_events.json?{urlencode({**keep, 'start_time': end_time})}"
            return JSONResponse({"ticket_events": chunk, "next_page": next_page, "count": len(chunk),
                                 "end_time": end_time, "end_of_stream": end})

    async def _deleted_list(self, request: Request) -> Response:
        with self._lock:
            rows = [{"id": t["id"], "subject": t["subject"], "description": t["description"],
                     "actor": {"id": self.me_id, "name": "GDPR Bridge"}, "previous_state": "new",
                     "deleted_at": t["updated_at"]} for t in self.deleted.values()]
            return JSONResponse(self._page(request, "deleted_tickets", rows))

    async def _purge(self, request: Request) -> Response:
        ticket_id = request.path_params["id"]
        with self._lock:
            if ticket_id not in self.deleted:
                return _not_found()
            job_id = uuid.uuid4().hex
            self.jobs[job_id] = {"ticket_ids": [ticket_id], "polls": 0, "status": "queued"}
            return JSONResponse({"job_status": self._job_json(job_id)})

    def _job_json(self, job_id: str) -> dict[str, Any]:
        job = self.jobs[job_id]
        done = job["status"] == "completed"
        return {"id": job_id, "url": f"{self.url}/api/v2/job_statuses/{job_id}.json", "total": None,
                "progress": None, "status": job["status"], "message": "Completed at " + zendesk_time(
                    datetime.now(timezone.utc)) if done else None,
                "results": (job.get("bulk_results") or {"success": True}) if done else None,
                "job_type": "ThrottledDestroyTickets"}

    async def _job(self, request: Request) -> Response:
        job_id = request.path_params["id"]
        with self._lock:
            job = self.jobs.get(job_id)
            if job is None:
                return _not_found()
            if job["status"] not in ("completed", "failed"):
                final = "failed" if self.fail_jobs else "completed"
                job["status"] = self.job_polls[job["polls"]] if job["polls"] < len(self.job_polls) else final
                job["polls"] += 1
                if job["status"] == "completed":
                    for ticket_id in job["ticket_ids"]:
                        if self.deleted.pop(ticket_id, None) is not None:
                            for comment in self._comments.pop(ticket_id, []):
                                for attachment in comment["attachments"]:
                                    token = attachment["content_url"].split("/token/")[1].split("/")[0]
                                    self.blobs.pop(token, None)
                            self.permanently_deleted.append(ticket_id)
            return JSONResponse({"job_status": self._job_json(job_id)})

    async def _export(self, request: Request) -> Response:
        query = request.query_params
        with self._lock:
            if "cursor" in query:
                try:
                    state = json.loads(base64.urlsafe_b64decode(query["cursor"]).decode())
                    start, offset = int(state["start"]), int(state["offset"])
                except (ValueError, KeyError):
                    return _error(400, "InvalidPaginationParameter", "cursor is not valid")
            elif "start_time" in query:
                try:
                    start, offset = int(query["start_time"]), 0
                except ValueError:
                    return _error(400, "InvalidValue", "start_time must be a unix time")
                if start > time.time() - 60:
                    return _error(400, "InvalidValue", "Too recent start_time. Use a start_time older than 1 minute")
            else:
                return _error(400, "InvalidValue", "start_time or cursor is required")
            rows = [t for t in [*self.tickets.values(), *self.deleted.values()] if t["generated_timestamp"] >= start]
            rows.sort(key=lambda t: (t["generated_timestamp"], t["id"]))
            chunk = rows[offset: offset + self.export_page_size]
            after = base64.urlsafe_b64encode(json.dumps({"start": start, "offset": offset + len(chunk)}).encode()).decode()
            end = offset + len(chunk) >= len(rows)
            return JSONResponse({
                "tickets": chunk, "after_cursor": after, "before_cursor": None, "end_of_stream": end,
                "after_url": f"{self.url}/api/v2/incremental/tickets/cursor.json?cursor={after}", "before_url": None,
            })

    async def _webhooks(self, request: Request) -> Response:
        if request.method == "POST":
            body = (await request.json()).get("webhook") or {}
            missing = [k for k in ("name", "endpoint", "http_method", "request_format", "status") if not body.get(k)]
            if missing:
                return JSONResponse({"errors": [{"code": "InvalidInput", "title": "Invalid input",
                                                 "detail": f"missing {', '.join(missing)}"}]}, status_code=400)
            with self._lock:
                return JSONResponse({"webhook": self.webhooks[self._store_webhook(body)]}, status_code=201)
        name = request.query_params.get("filter[name_contains]", "")
        with self._lock:
            hooks = [h for h in self.webhooks.values() if name.lower() in h["name"].lower()]
            return JSONResponse(self._page(request, "webhooks", hooks, cursor_always=True))

    async def _webhook(self, request: Request) -> Response:
        webhook_id = request.path_params["id"]
        body = (await request.json()).get("webhook") or {} if request.method in ("PUT", "PATCH") else {}
        with self._lock:
            if webhook_id not in self.webhooks:
                return JSONResponse({"errors": [{"code": "WebhookNotFound", "title": "Webhook not found"}]},
                                    status_code=404)
            if request.method == "GET":
                return JSONResponse({"webhook": self.webhooks[webhook_id]})
            if request.method == "DELETE":
                del self.webhooks[webhook_id]
                self.signing_secrets.pop(webhook_id, None)
                return Response(status_code=204)
            if request.method == "PUT":
                body = {k: body.get(k) for k in ("name", "endpoint", "http_method", "request_format", "status",
                                                 "subscriptions", "description", "authentication", "custom_headers")}
            self._store_webhook(body, webhook_id)
            return Response(status_code=204)

    async def _secret(self, request: Request) -> Response:
        webhook_id = request.path_params["id"]
        with self._lock:
            if webhook_id not in self.webhooks:
                return JSONResponse({"errors": [{"code": "WebhookNotFound", "title": "Webhook not found"}]},
                                    status_code=404)
            if request.method == "POST":
                self.signing_secrets[webhook_id] = base64.b64encode(secrets.token_bytes(32)).decode()
            status = 201 if request.method == "POST" else 200
            return JSONResponse({"signing_secret": {"algorithm": "SHA256", "secret": self.signing_secrets[webhook_id]}},
                                status_code=status)

    async def _triggers(self, request: Request) -> Response:
        if request.method == "POST":
            body = (await request.json()).get("trigger") or {}
            if not body.get("title") or not body.get("actions") or not body.get("conditions"):
                return _error(422, "RecordInvalid", "Record validation errors")
            with self._lock:
                return JSONResponse({"trigger": self.triggers[self._store_trigger(body)]}, status_code=201)
        with self._lock:
            return JSONResponse(self._page(request, "triggers", list(self.triggers.values())))

    async def _trigger(self, request: Request) -> Response:
        trigger_id = request.path_params["id"]
        body = (await request.json()).get("trigger") or {} if request.method == "PUT" else {}
        with self._lock:
            if trigger_id not in self.triggers:
                return _not_found()
            if request.method == "DELETE":
                del self.triggers[trigger_id]
                return Response(status_code=204)
            if request.method == "PUT":
                self._store_trigger(body, trigger_id)
            return JSONResponse({"trigger": self.triggers[trigger_id]})

    async def _content_url(self, request: Request) -> Response:
        with self._lock:
            blob = self.blobs.get(request.path_params["token"])
            if blob is None:
                return _not_found()
            location = f"{self.blob_url}/blob/{blob.token}/{quote(blob.filename)}?X-Amz-Expires=60"
            return Response(status_code=302, headers={"Location": location})

    async def _blob(self, request: Request) -> Response:
        with self._lock:
            blob = self.blobs.get(request.path_params["token"])
            if blob is None:
                return Response("<Error><Code>NoSuchKey</Code></Error>", status_code=404, media_type="application/xml")
            data, content_type = blob.data, blob.content_type
        if self.blob_chunked:
            async def chunks() -> Any:
                for start in range(0, len(data), 1024):
                    yield data[start:start + 1024]

            return StreamingResponse(chunks(), media_type=content_type)
        return Response(data, media_type=content_type)
