"""A fake Jira Cloud / Jira Service Management site: a real HTTP server on 127.0.0.1.

It answers the endpoints the bridge and the ``jira`` library use, with the JSON
shapes of Atlassian's REST references:

- ``GET /rest/api/{2,3}/serverInfo`` (the library calls it when it is constructed),
  ``/myself``, ``/field`` (the library's field cache), ``/user?accountId=``.
- ``GET /rest/api/2/issue/{key}`` (description as a wiki markup string) and
  ``/rest/api/3/issue/{key}`` (description as an ADF document); ``PUT`` with
  ``{"update": {"labels": [{"add": …}]}}``; ``DELETE ?deleteSubtasks=`` (400 when
  the issue has subtasks and the flag is not true).
- ``GET/POST /rest/api/{2,3}/issue/{key}/comment`` (JSM internal comments through
  the ``sd.public.comment`` property; v3 wants an ADF body); ``GET|PUT|DELETE
  /rest/api/{2,3}/issue/{key}/comment/{id}`` (``expand=properties``; PUT takes ``body`` and
  ``properties``, kept per key); ``DELETE /rest/api/{2,3}/attachment/{id}`` (204; 404 when gone);
  issue ``PUT`` takes ``fields.description`` and ``properties``; ``GET issue?properties=k``.
- JQL ``updated >=`` too; ``comment_and_deliver`` / ``attach_and_deliver`` add a comment (with
  files) or files alone to an issue and fire ``comment_created`` / ``jira:issue_updated`` (with
  the attachment changelog) as the admin webhook would.
- ``GET /rest/api/{2,3}/attachment/content/{id}`` → 303 to a temporary URL on a
  second host (``localhost`` instead of ``127.0.0.1``) that records whether it
  received an ``Authorization`` header; ``?redirect=false`` → 200 with the bytes.
- ``GET /rest/api/2/search`` (startAt/maxResults, Server/DC) and
  ``/rest/api/2/search/jql`` (nextPageToken, Cloud): JQL ``created >=``,
  ``project =``/``in``, ``AND`` and ``ORDER BY created``; dates are read in the
  API user's time zone, as Jira does.
- ``GET /rest/servicedeskapi/request/{key}`` (404 outside JSM projects).
- ``GET /rest/api/{2,3}/user/search?query=`` (Atlassian accounts whose name or address holds
  the query; JSM customer accounts are not listed there, their addresses hidden);
  JQL ``reporter = "<accountId>"``, ``"Request participants" = "<accountId>"``, ``watcher = …``.
- ``GET /rest/servicedeskapi/servicedesk`` and, with ``X-ExperimentalApi: opt-in``,
  ``GET|DELETE /rest/servicedeskapi/servicedesk/{id}/customer`` (``?query=``; DELETE takes
  ``{"accountIds": [...]}``, 204; 400 for a service desk with open access, whose customers
  cannot be removed). Accounts themselves cannot be deleted through the REST API.
- ``/rest/webhooks/1.0/webhook[/{id}]`` CRUD (admin webhooks; secrets are write-only).

Every ``/rest`` call needs Basic auth (``email:token``) → otherwise 401.
Faults: ``inject(path_regex, method, [(429, {"Retry-After": "1"}), 503, "reset", "timeout", "lost"])``.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import itertools
import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable
from urllib.parse import quote
from zoneinfo import ZoneInfo

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .common import FakeServer, Logged, Rule, ServerThread  # noqa: F401 - ServerThread re-exported
from .jira_retention import JiraRetentionFake, retention_clause, unwrap  # retention (issue 16)


def jira_time(when: datetime) -> str:
    """Jira's timestamp format, e.g. ``2024-01-15T10:30:00.123+0000``."""
    utc = when.astimezone(timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}" + utc.strftime("%z")


def _errors(message: str, status: int, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"errorMessages": [message], "errors": {}}, status_code=status, headers=headers)


@dataclass
class FakeAttachment:
    id: int
    filename: str
    mime: str
    data: bytes
    created: datetime
    author: str | None = None  # accountId; None: the issue's reporter


@dataclass
class FakeComment:
    id: int
    body: Any
    internal: bool
    created: datetime
    author: str | None = None  # accountId; None: the bridge's own account
    properties: dict[str, Any] = field(default_factory=dict)
    updated: datetime | None = None


@dataclass
class FakeIssue:
    id: int
    key: str
    project: str
    summary: str
    description: Any
    description_format: str
    reporter: str  # accountId
    created: datetime
    updated: datetime
    attachments: list[FakeAttachment] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    comments: list[FakeComment] = field(default_factory=list)
    subtasks: list[str] = field(default_factory=list)
    parent: str | None = None
    request_fields: dict[str, tuple[str, Any]] = field(default_factory=dict)  # id -> (label, value)
    participants: list[str] = field(default_factory=list)  # accountIds (JSM request participants)
    watchers: list[str] = field(default_factory=list)
    status: str = "Waiting for support"


def sign(secret: str, raw: bytes) -> str:
    """``X-Hub-Signature`` as Jira computes it (written here independently of bridge.signatures)."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), raw, hashlib.sha256).hexdigest()


class FakeJira(JiraRetentionFake, FakeServer):
    """A Jira site in a background uvicorn thread. Use as a context manager or start()/stop()."""

    def __init__(
        self,
        email: str = "bridge-bot@example.com",
        token: str = "api-token-123",
        jsm_projects: Iterable[str] = ("SD",),
        deployment: str = "Cloud",
        time_zone: str = "UTC",
        timeout_delay: float = 1.0,
        admin: bool = True,
        log_level: str = "critical",
    ) -> None:
        super().__init__(log_level)
        self.email = email
        self.token = token
        self.jsm_projects = set(jsm_projects)
        self.deployment = deployment
        self.time_zone = time_zone
        self.timeout_delay = timeout_delay
        self.admin = admin
        self._lock = threading.RLock()
        self._ids = itertools.count(10001)
        self._att_ids = itertools.count(20001)
        self._comment_ids = itertools.count(30001)
        self._webhook_ids = itertools.count(1)
        self._project_counters: dict[str, itertools.count[int]] = {}
        self.issues: dict[str, FakeIssue] = {}
        self.users: dict[str, dict[str, Any]] = {}
        self.deleted: list[str] = []
        self.deleted_attachments: list[int] = []
        self.comment_edits: list[tuple[str, int]] = []
        self.service_desks: dict[str, str] = {p: str(n) for n, p in enumerate(sorted(self.jsm_projects), start=1)}
        self.customers: dict[str, set[str]] = {desk: set() for desk in self.service_desks.values()}
        self.open_access: set[str] = set()  # service desk ids whose customers cannot be removed
        self.webhooks: dict[int, dict[str, Any]] = {}
        self.properties: dict[str, dict[str, Any]] = {}  # issue key -> entity properties (set_channel)
        self.requests: list[Logged] = []
        self.media_requests: list[Logged] = []
        self._media_tokens: dict[str, int] = {}
        self._timers: list[threading.Timer] = []
        self.bot_account_id = "557058:bridge-bot"
        self.users[self.bot_account_id] = {
            "accountId": self.bot_account_id,
            "displayName": "GDPR Bridge Bot",
            "emailAddress": email,
            "email_visible": True,
            "locale": "en_US",
            "timeZone": time_zone,
            "accountType": "atlassian",
        }

    # ------------------------------------------------------------------ lifecycle

    @property
    def media_url(self) -> str:
        """The 'other host' temporary download URLs point at."""
        return f"http://localhost:{self.port}"

    def stop(self) -> None:
        for timer in self._timers:
            timer.cancel()
        super().stop()

    # ------------------------------------------------------------------ seeding

    def add_user(
        self,
        name: str,
        email: str | None,
        locale: str | None = None,
        customer: bool = True,
        email_visible: bool | None = None,
    ) -> str:
        """A user; JSM customers (``customer=True``) hide their e-mail from /rest/api by default."""
        account_id = ("qm:" if customer else "557058:") + uuid.uuid4().hex
        with self._lock:
            self.users[account_id] = {
                "accountId": account_id,
                "displayName": name,
                "emailAddress": email,
                "email_visible": (not customer) if email_visible is None else email_visible,
                "locale": locale,
                "timeZone": "Europe/Stockholm",
                "accountType": "customer" if customer else "atlassian",
            }
        return account_id

    def add_issue(
        self,
        project: str = "SD",
        summary: str = "Help",
        description: Any = "",
        reporter: dict[str, Any] | None = None,
        attachments: Iterable[tuple[str, bytes, str]] = (),
        subtasks: int = 0,
        description_format: str = "wiki",
        created: datetime | None = None,
        request_fields: dict[str, Any] | None = None,
        labels: Iterable[str] = (),
        reporter_id: str | None = None,
        participants: Iterable[str] = (),
        watchers: Iterable[str] = (),
        status: str = "Waiting for support",
    ) -> str:
        """Create an issue and return its key.

        ``reporter`` = ``{"name", "email", "locale"}`` (plus ``customer`` / ``email_visible``);
        ``description_format`` says how ``description`` is given ("wiki" string or "adf" dict);
        ``request_fields`` = ``{"Label": value}``: extra JSM form fields; ``reporter_id`` reuses
        an account; ``participants`` / ``watchers`` are accountIds.
        """
        if description_format not in ("wiki", "adf"):
            raise ValueError("description_format is 'wiki' or 'adf'")
        reporter = reporter or {"name": "Customer", "email": "customer@example.com"}
        is_jsm = project in self.jsm_projects
        account_id = reporter_id or self.add_user(
            reporter.get("name", "Customer"),
            reporter.get("email"),
            reporter.get("locale"),
            customer=reporter.get("customer", is_jsm),
            email_visible=reporter.get("email_visible"),
        )
        when = created or datetime.now(timezone.utc)
        with self._lock:
            key = self._new_key(project)
            issue = FakeIssue(
                id=next(self._ids),
                key=key,
                project=project,
                summary=summary,
                description=description,
                description_format=description_format,
                reporter=account_id,
                created=when,
                updated=when,
                labels=list(labels),
                participants=list(participants),
                watchers=list(watchers),
                status=status,
            )
            if is_jsm:  # raising a request makes the reporter (and participants) customers of the desk
                self.customers[self.service_desks[project]].update([account_id, *issue.participants])
            for number, (label, value) in enumerate((request_fields or {}).items()):
                issue.request_fields[f"customfield_{10050 + number}"] = (label, value)
            for filename, data, mime in attachments:
                issue.attachments.append(FakeAttachment(next(self._att_ids), filename, mime, data, when))
            self.issues[key] = issue
            for n in range(subtasks):
                sub_key = self._new_key(project)
                self.issues[sub_key] = FakeIssue(
                    id=next(self._ids),
                    key=sub_key,
                    project=project,
                    summary=f"Subtask {n + 1}",
                    description="",
                    description_format="wiki",
                    reporter=account_id,
                    created=when,
                    updated=when,
                    parent=key,
                )
                issue.subtasks.append(sub_key)
        return key

    # ------------------------------------------------------------------ channels and transitions (issue 16.4)

    def set_channel(self, key: str, channel: str) -> None:
        """The JSM request channel (issue property ``request.channel.type``): ``email``, ``portal``,
        ``anonymousportal``, ``api``, ``jira``... JSM sets it on every request; issues of other
        projects have none. Requests seeded without it came from the portal."""
        with self._lock:
            self.properties.setdefault(key, {})["request.channel.type"] = {"value": channel}

    def _issue_properties(self, issue: FakeIssue) -> dict[str, Any]:
        props = dict(self.properties.get(issue.key, {}))
        if issue.project in self.jsm_projects:
            props.setdefault("request.channel.type", {"value": "portal"})
        return props

    def _with_properties(self, data: dict[str, Any], issue: FakeIssue, request: Request) -> dict[str, Any]:
        """``?properties=a,b`` (or ``*all``) adds ``"properties": {key: value}``, as Jira does."""
        wanted = {p.strip() for v in request.query_params.getlist("properties") for p in v.split(",") if p.strip()}
        if wanted:
            props = self._issue_properties(issue)
            data["properties"] = {k: v for k, v in props.items() if "*all" in wanted or k in wanted}
        return data

    def _issue_extra(self, request: Request, key: str, what: str, body: bytes) -> Response:
        """``/issue/{key}/transitions`` (GET, POST) and ``/issue/{key}/properties/{propertyKey}`` (GET)."""
        with self._lock:
            issue = self._find(key)
            if issue is None:
                return _errors("Issue does not exist or you do not have permission to see it.", 404)
            if what.startswith("properties/"):
                prop = what.split("/", 1)[1]
                props = self._issue_properties(issue)
                if request.method != "GET" or prop not in props:
                    return _errors(f"The property with key '{prop}' does not exist.", 404)
                return JSONResponse({"key": prop, "value": props[prop]})
            available = _TRANSITIONS.get(issue.status, _TRANSITIONS["Waiting for support"])
            if request.method == "GET":
                return JSONResponse({"expand": "transitions", "transitions": [
                    {"id": tid, "name": name, "to": _status_json(to), "hasScreen": False, "isGlobal": False,
                     "isInitial": False, "isConditional": False} for tid, name, to in available]})
            if request.method != "POST":
                return _errors("Method not allowed", 405)
            try:
                wanted = str((json.loads(body or b"{}").get("transition") or {}).get("id") or "")
            except (ValueError, AttributeError):
                return _errors("Unexpected character in request body", 400)
            for tid, _name, to in available:
                if tid == wanted:
                    issue.status = to
                    issue.updated = datetime.now(timezone.utc)
                    return Response(status_code=204)
            return JSONResponse({"errorMessages": [f"Transition id '{wanted}' is not valid for this issue."],
                                 "errors": {}}, status_code=400)

    def _new_key(self, project: str) -> str:
        counter = self._project_counters.setdefault(project, itertools.count(1))
        return f"{project}-{next(counter)}"

    def add_comment(self, key: str, body: Any, internal: bool = False, author: str | None = None,
                    created: datetime | None = None) -> int:
        """A comment by ``author`` (an accountId; default the bridge's account)."""
        with self._lock:
            issue = self.issues[key]
            comment = FakeComment(next(self._comment_ids), body, internal, created or datetime.now(timezone.utc),
                                  author)
            if internal:
                comment.properties["sd.public.comment"] = {"internal": True}
            issue.comments.append(comment)
            issue.updated = max(issue.updated, comment.created)
            return comment.id

    def add_attachment(self, key: str, filename: str, data: bytes, mime: str = "application/octet-stream",
                       author: str | None = None, created: datetime | None = None) -> int:
        with self._lock:
            issue = self.issues[key]
            now = created or datetime.now(timezone.utc)
            attachment = FakeAttachment(next(self._att_ids), filename, mime, data, now, author)
            issue.attachments.append(attachment)
            issue.updated = max(issue.updated, now)
            return attachment.id

    def comment_and_deliver(self, bridge_url: str, key: str, body: str, secret: str, author: str | None = None,
                            internal: bool = False, attachments: Iterable[tuple[str, bytes, str]] = (),
                            identifier: str | None = None) -> tuple[int, httpx.Response]:
        """Test hook: a comment (by ``author``, default the reporter) with its files, as the JSM
        portal adds them (the files on the issue, the body naming them ``[^name]``), then the
        ``comment_created`` delivery for it. Returns (comment id, the bridge's answer)."""
        with self._lock:
            who = author or self.issues[key].reporter
            names = []
            for filename, data, mime in attachments:
                self.add_attachment(key, filename, data, mime, author=who)
                names.append(filename)
            text = body + "".join(f"\n\n[^{name}]" for name in names)
            comment_id = self.add_comment(key, text, internal=internal, author=who)
            payload = self.comment_payload(key, comment_id)
        answer = self.deliver_webhook(bridge_url, key, secret, event="comment_created", payload=payload,
                                      identifier=identifier)
        return comment_id, answer

    def attach_and_deliver(self, bridge_url: str, key: str, attachments: Iterable[tuple[str, bytes, str]],
                           secret: str, author: str | None = None,
                           identifier: str | None = None) -> tuple[list[int], httpx.Response]:
        """Test hook: files added to an issue without a comment, then the ``jira:issue_updated``
        delivery whose changelog lists them. Returns (attachment ids, the bridge's answer)."""
        with self._lock:
            who = author or self.issues[key].reporter
            ids = [self.add_attachment(key, filename, data, mime, author=who) for filename, data, mime in attachments]
            payload = self.webhook_payload(key, "jira:issue_updated")
            payload["issue_event_type_name"] = "issue_updated"
            payload["changelog"] = {"id": str(next(self._ids)), "items": [
                {"field": "Attachment", "fieldtype": "jira", "fieldId": "attachment", "from": None,
                 "fromString": None, "to": str(i), "toString": next(a.filename for a in self.issues[key].attachments
                                                                      if a.id == i)} for i in ids]}
        answer = self.deliver_webhook(bridge_url, key, secret, event="jira:issue_updated", payload=payload,
                                      identifier=identifier)
        return ids, answer

    def comment_payload(self, key: str, comment_id: int) -> dict[str, Any]:
        """The body of a ``comment_created`` admin webhook delivery (the issue with a few fields)."""
        with self._lock:
            issue = self.issues[key]
            comment = next(c for c in issue.comments if c.id == comment_id)
            fields = self._issue_json(issue, "2", {"summary", "project", "status", "issuetype"})
            return {"timestamp": int(time.time() * 1000), "webhookEvent": "comment_created",
                    "comment": self._comment_json(issue, comment, "2"), "issue": fields}

    def comment(self, key: str, comment_id: int) -> dict[str, Any]:
        with self._lock:
            c = next(c for c in self.issues[key].comments if c.id == comment_id)
            return {"id": c.id, "body": c.body, "internal": c.internal, "properties": dict(c.properties)}

    def attachment_ids(self, key: str) -> list[int]:
        with self._lock:
            return [a.id for a in self.issues[key].attachments]

    def add_attachment_later(
        self, key: str, filename: str, data: bytes, mime: str = "application/octet-stream", after_seconds: float = 0.5
    ) -> None:
        """Simulate a portal upload that lands after the create event was sent."""
        timer = threading.Timer(after_seconds, self.add_attachment, args=(key, filename, data, mime))
        timer.daemon = True
        self._timers.append(timer)
        timer.start()

    def inject(self, path_regex: str, method: str, responses: list[Any]) -> None:
        """Faults for matching requests, consumed in order: ``(status, headers)``, ``status``,
        ``"reset"`` (TCP RST, no answer), ``"timeout"`` (handled normally, but only after
        ``timeout_delay``: the client has given up, the work is done anyway), ``"lost"`` (the
        work is done, then a TCP RST instead of the answer) or ``"pass"``."""
        self._faults.add(path_regex, method, responses)

    def pending_faults(self) -> int:
        return self._faults.pending()

    def reset_faults(self) -> list[Rule]:
        """Drop pending faults; returns the rules that still had unconsumed responses."""
        return self._faults.clear()

    # ------------------------------------------------------------------ inspection

    def comments(self, key: str) -> list[dict[str, Any]]:
        with self._lock:
            return [{"id": c.id, "body": c.body, "internal": c.internal} for c in self.issues[key].comments]

    def labels(self, key: str) -> list[str]:
        with self._lock:
            return list(self.issues[key].labels)

    def subtasks(self, key: str) -> list[str]:
        with self._lock:
            return list(self.issues[key].subtasks)

    def calls(self, method: str, path_regex: str) -> list[Logged]:
        pattern = re.compile(path_regex)
        with self._lock:
            return [r for r in self.requests if r.method == method.upper() and pattern.search(r.path)]

    # ------------------------------------------------------------------ webhook delivery

    def webhook_payload(self, key: str, event: str = "jira:issue_created") -> dict[str, Any]:
        """The body of an admin webhook delivery, as documented (v2-style issue)."""
        with self._lock:
            issue = self.issues[key]
            return {
                "timestamp": int(time.time() * 1000),
                "webhookEvent": event,
                "issue_event_type_name": event.split(":")[-1],
                "user": self._user_json(issue.reporter, "2"),
                "issue": self._issue_json(issue, "2", None),
            }

    def deliver_webhook(
        self,
        bridge_url: str,
        key: str,
        secret: str,
        mode: str = "hub",
        identifier: str | None = None,
        header: str = "X-Bridge-Secret",
        event: str = "jira:issue_created",
        payload: dict[str, Any] | None = None,
        retry: int | None = None,
    ) -> httpx.Response:
        """POST a delivery to the bridge the way Jira would (``mode="hub"``: signed admin
        webhook; ``mode="shared"``: JSM automation "Send web request" with a secret header)."""
        headers = {"Content-Type": "application/json; charset=UTF-8", "User-Agent": "Atlassian Webhook HTTP Client"}
        if mode == "hub":
            body_obj = payload if payload is not None else self.webhook_payload(key, event)
            raw = json.dumps(body_obj).encode("utf-8")
            headers["X-Hub-Signature"] = sign(secret, raw)
            headers["X-Atlassian-Webhook-Identifier"] = identifier or uuid.uuid4().hex
            if retry is not None:
                headers["X-Atlassian-Webhook-Retry"] = str(retry)
        elif mode == "shared":
            with self._lock:
                issue = self.issues[key]
                body_obj = payload if payload is not None else {"issue": {"id": str(issue.id), "key": issue.key}}
            raw = json.dumps(body_obj).encode("utf-8")
            headers["User-Agent"] = "Automation for Jira"
            headers[header] = secret
            if identifier:
                headers["X-Atlassian-Webhook-Identifier"] = identifier
        else:
            raise ValueError("mode is 'hub' or 'shared'")
        return httpx.post(bridge_url, content=raw, headers=headers, timeout=10)

    # ------------------------------------------------------------------ ASGI

    async def _asgi(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        host = request.headers.get("host", "").rsplit(":", 1)[0]
        entry = Logged(
            scope["method"],
            scope["path"],
            scope.get("query_string", b"").decode("latin-1"),
            host,
            "authorization" in request.headers,
            time.monotonic(),
        )
        with self._lock:
            self.requests.append(entry)
            if scope["path"].startswith("/media/"):
                self.media_requests.append(entry)
        await request.body()  # buffered now: a "timeout" fault still processes it after the client left
        fault = self._faults.take(scope["method"], scope["path"])
        if fault == "pass":
            fault = None
        if fault == "reset":
            if self._connections.abort(scope):
                await asyncio.sleep(0.01)
                return
            fault = (500, {})
        if fault == "timeout":
            await asyncio.sleep(self.timeout_delay)
            fault = None
        if fault == "lost":  # done, then the connection drops before the answer
            await self._dispatch(request, host)
            if self._connections.abort(scope):
                await asyncio.sleep(0.01)
                return
            fault = (500, {})
        if fault is not None:
            status, headers = fault if isinstance(fault, tuple) else (fault, {})
            response: Response = _errors(f"injected {status}", status, headers)
        else:
            response = await self._dispatch(request, host)
        await response(scope, receive, send)

    async def _dispatch(self, request: Request, host: str) -> Response:
        path = request.url.path
        if path.startswith("/media/"):
            if host != "localhost":
                return Response("not found", status_code=404)
            return self._media(request)
        if host != "127.0.0.1":
            return Response("not found", status_code=404)
        if not path.startswith("/rest/"):
            return Response("not found", status_code=404)
        if not self._authorized(request):
            return _errors("Client must be authenticated to access this resource.", 401)
        body = await request.body()
        with self._lock:
            return self._route(request, path, body)

    def _authorized(self, request: Request) -> bool:
        header = request.headers.get("authorization", "")
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            decoded = base64.b64decode(value).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            return False
        return hmac.compare_digest(decoded, f"{self.email}:{self.token}")

    def _route(self, request: Request, path: str, body: bytes) -> Response:
        method = request.method
        query = request.query_params
        m = re.fullmatch(r"/rest/api/(2|3|latest)/(.+)", path)
        if m:
            version = "2" if m.group(1) == "latest" else m.group(1)
            rest = m.group(2)
            if rest == "serverInfo" and method == "GET":
                return JSONResponse(self._server_info())
            if rest == "myself" and method == "GET":
                return JSONResponse(self._user_json(self.bot_account_id, version, full=True))
            if rest == "field" and method == "GET":
                return JSONResponse(_FIELDS)
            if rest == "user" and method == "GET":
                account = query.get("accountId") or query.get("username") or ""
                if account not in self.users:
                    return _errors(f"The user with account ID '{account}' does not exist", 404)
                return JSONResponse(self._user_json(account, version, full=True))
            if rest == "user/search" and method == "GET":
                return self._user_search(query.get("query") or "", version)
            if rest in ("search", "search/jql"):
                return self._search(request, rest, version, body)
            xm = re.fullmatch(r"issue/([^/]+)/(transitions|properties/[^/]+)", rest)
            if xm:
                return self._issue_extra(request, xm.group(1), xm.group(2), body)
            im = re.fullmatch(r"issue/([^/]+)(/comment)?(?:/(\d+))?", rest)
            if im:
                issue = self._find(im.group(1))
                if issue is None:
                    return _errors("Issue does not exist or you do not have permission to see it.", 404)
                if im.group(3):
                    if not im.group(2):
                        return _errors("Not found", 404)
                    return self._one_comment(request, issue, im.group(3), version, body)
                if im.group(2):
                    return self._comment(request, issue, version, body)
                if method == "GET":
                    return JSONResponse(self._with_properties(
                        self._issue_json(issue, version, _fields_param(request)), issue, request))
                if method == "PUT":
                    return self._update_issue(issue, body)
                if method == "DELETE":
                    return self._delete_issue(issue, query.get("deleteSubtasks", "false"))
            am = re.fullmatch(r"attachment/content/(\d+)", rest)
            if am and method == "GET":
                return self._attachment_content(int(am.group(1)), query.get("redirect", "true"))
            dm = re.fullmatch(r"attachment/(\d+)", rest)
            if dm and method == "DELETE":
                return self._delete_attachment(int(dm.group(1)))
            return _errors("Not found", 404)
        if path == "/rest/servicedeskapi/servicedesk" and method == "GET":
            desks = [{"id": desk, "projectId": str(abs(hash(project)) % 100000), "projectKey": project,
                      "projectName": f"Project {project}"} for project, desk in sorted(self.service_desks.items())]
            return JSONResponse({"size": len(desks), "start": 0, "limit": 50, "isLastPage": True, "values": desks})
        cm = re.fullmatch(r"/rest/servicedeskapi/servicedesk/([^/]+)/customer", path)
        if cm:
            return self._desk_customers(request, cm.group(1), body)
        sm = re.fullmatch(r"/rest/servicedeskapi/request/([^/]+)", path)
        if sm and method == "GET":
            return self._request(sm.group(1))
        wm = re.fullmatch(r"/rest/webhooks/1\.0/webhook(?:/(\d+))?/?", path)
        if wm:
            return self._webhooks(method, wm.group(1), body)
        return _errors("Not found", 404)

    # ------------------------------------------------------------------ JSON shapes

    def _server_info(self) -> dict[str, Any]:
        return {
            "baseUrl": self.url,
            "version": "1001.0.0-SNAPSHOT" if self.deployment == "Cloud" else "9.12.2",
            "versionNumbers": [1001, 0, 0] if self.deployment == "Cloud" else [9, 12, 2],
            "deploymentType": self.deployment,
            "buildNumber": 100263,
            "buildDate": "2025-01-01T00:00:00.000+0000",
            "serverTime": jira_time(datetime.now(timezone.utc)),
            "scmInfo": "fake",
            "serverTitle": "Fake Jira",
        }

    def _user_json(self, account_id: str, version: str, full: bool = False) -> dict[str, Any]:
        user = self.users[account_id]
        out: dict[str, Any] = {
            "self": f"{self.url}/rest/api/{version}/user?accountId={account_id}",
            "accountId": account_id,
            "accountType": user["accountType"],
            "displayName": user["displayName"],
            "active": True,
            "timeZone": user["timeZone"],
            "avatarUrls": {"48x48": f"{self.url}/avatar.png"},
        }
        if user["email_visible"] and user["emailAddress"]:
            out["emailAddress"] = user["emailAddress"]
        if full and user.get("locale"):
            out["locale"] = user["locale"]
        return out

    def _find(self, key_or_id: str) -> FakeIssue | None:
        if key_or_id in self.issues:
            return self.issues[key_or_id]
        for issue in self.issues.values():
            if str(issue.id) == key_or_id:
                return issue
        return None

    def _description(self, issue: FakeIssue, version: str) -> Any:
        value = issue.description
        if version == "3":
            if issue.description_format == "adf":
                return value
            if not value:
                return None
            return {
                "version": 1,
                "type": "doc",
                "content": [
                    {"type": "paragraph", "content": [{"type": "text", "text": line}]}
                    for line in str(value).split("\n")
                    if line
                ],
            }
        if issue.description_format == "wiki":
            return value or None
        return _adf_to_wiki(value) or None

    def _issue_json(self, issue: FakeIssue, version: str, fields: set[str] | None) -> dict[str, Any]:
        base = f"{self.url}/rest/api/{version}"
        project = {
            "self": f"{base}/project/{issue.project}",
            "id": str(abs(hash(issue.project)) % 100000),
            "key": issue.project,
            "name": f"Project {issue.project}",
            "projectTypeKey": "service_desk" if issue.project in self.jsm_projects else "software",
        }
        all_fields: dict[str, Any] = {
            "summary": issue.summary,
            "description": self._description(issue, version),
            "project": project,
            "reporter": self._user_json(issue.reporter, version),
            "creator": self._user_json(issue.reporter, version),
            "created": jira_time(issue.created),
            "updated": jira_time(issue.updated),
            "labels": list(issue.labels),
            "issuetype": {"name": "Sub-task" if issue.parent else "Service Request", "subtask": bool(issue.parent)},
            "status": _status_json(issue.status),
            "attachment": [
                {
                    "self": f"{base}/attachment/{a.id}",
                    "id": str(a.id),
                    "filename": a.filename,
                    "author": self._user_json(a.author or issue.reporter, version),
                    "created": jira_time(a.created),
                    "size": len(a.data),
                    "mimeType": a.mime,
                    "content": f"{base}/attachment/content/{a.id}",
                }
                for a in issue.attachments
            ],
            "subtasks": [
                {"id": str(self.issues[k].id), "key": k, "self": f"{base}/issue/{self.issues[k].id}"}
                for k in issue.subtasks
                if k in self.issues
            ],
            "comment": {
                "comments": [self._comment_json(issue, c, version) for c in issue.comments],
                "maxResults": len(issue.comments),
                "total": len(issue.comments),
                "startAt": 0,
            },
        }
        if issue.parent:
            all_fields["parent"] = {"key": issue.parent}
        for field_id, (_label, value) in issue.request_fields.items():
            all_fields[field_id] = value
        all_fields.update(self.retention_fields(issue))  # retention (issue 16)
        if fields is not None and not ({"*all", "*navigable"} & fields):
            all_fields = {k: v for k, v in all_fields.items() if k in fields}
        return {
            "expand": "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations",
            "id": str(issue.id),
            "self": f"{base}/issue/{issue.id}",
            "key": issue.key,
            "fields": all_fields,
        }

    def _comment_json(self, issue: FakeIssue, comment: FakeComment, version: str,
                      properties: bool = False) -> dict[str, Any]:
        out = {
            "self": f"{self.url}/rest/api/{version}/issue/{issue.id}/comment/{comment.id}",
            "id": str(comment.id),
            "author": self._user_json(comment.author or self.bot_account_id, version),
            "body": comment.body,
            "created": jira_time(comment.created),
            "updated": jira_time(comment.updated or comment.created),
            "jsdPublic": not comment.internal,
        }
        if properties:
            out["properties"] = [{"key": k, "value": v} for k, v in comment.properties.items()]
        return out

    def _one_comment(self, request: Request, issue: FakeIssue, comment_id: str, version: str, body: bytes) -> Response:
        comment = next((c for c in issue.comments if str(c.id) == comment_id), None)
        if comment is None:
            return _errors("Can not find a comment for the id: " + comment_id + ".", 404)
        expand = "properties" in (request.query_params.get("expand") or "").split(",")
        if request.method == "GET":
            return JSONResponse(self._comment_json(issue, comment, version, properties=expand))
        if request.method == "DELETE":
            issue.comments.remove(comment)
            issue.updated = datetime.now(timezone.utc)
            return Response(status_code=204)
        if request.method != "PUT":
            return _errors("Method not allowed", 405)
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            return _errors("Unexpected character in request body", 400)
        text = data.get("body")
        if version == "3" and not isinstance(text, dict) or version == "2" and not isinstance(text, str):
            return _errors("Comment body is not valid!", 400)
        if not text:
            return JSONResponse({"errorMessages": [], "errors": {"comment": "Comment body can not be empty!"}}, 400)
        comment.body = text
        for prop in data.get("properties") or []:
            if isinstance(prop, dict) and prop.get("key"):
                comment.properties[str(prop["key"])] = prop.get("value")
        comment.updated = issue.updated = datetime.now(timezone.utc)
        self.comment_edits.append((issue.key, comment.id))
        return JSONResponse(self._comment_json(issue, comment, version, properties=expand))

    def _delete_attachment(self, attachment_id: int) -> Response:
        for issue in self.issues.values():
            for attachment in issue.attachments:
                if attachment.id == attachment_id:
                    issue.attachments.remove(attachment)
                    issue.updated = datetime.now(timezone.utc)
                    self.deleted_attachments.append(attachment_id)
                    return Response(status_code=204)
        return _errors(f"The attachment with id '{attachment_id}' does not exist", 404)

    # ------------------------------------------------------------------ handlers

    def _comment(self, request: Request, issue: FakeIssue, version: str, body: bytes) -> Response:
        if request.method == "GET":
            start = int(request.query_params.get("startAt", "0"))
            size = int(request.query_params.get("maxResults", "100"))
            items = issue.comments
            if request.query_params.get("orderBy", "") == "-created":
                items = list(reversed(items))
            page = items[start : start + size]
            return JSONResponse(
                {
                    "startAt": start,
                    "maxResults": size,
                    "total": len(items),
                    "comments": [self._comment_json(issue, c, version) for c in page],
                }
            )
        if request.method != "POST":
            return _errors("Method not allowed", 405)
        try:
            data = json.loads(body)
        except ValueError:
            return _errors("Unexpected character in request body", 400)
        text = data.get("body")
        if version == "3" and not isinstance(text, dict):
            return _errors("Comment body is not valid!", 400)
        if not text:
            return JSONResponse({"errorMessages": [], "errors": {"comment": "Comment body can not be empty!"}}, 400)
        internal = False
        for prop in data.get("properties") or []:
            if prop.get("key") == "sd.public.comment":
                internal = bool((prop.get("value") or {}).get("internal"))
        comment = FakeComment(next(self._comment_ids), text, internal, datetime.now(timezone.utc))
        comment.properties = {str(p["key"]): p.get("value") for p in data.get("properties") or []
                              if isinstance(p, dict) and p.get("key")}
        issue.comments.append(comment)
        issue.updated = comment.created
        return JSONResponse(self._comment_json(issue, comment, version), status_code=201)

    def _update_issue(self, issue: FakeIssue, body: bytes) -> Response:
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            return _errors("Unexpected character in request body", 400)
        labels = list(issue.labels)
        for op in (data.get("update") or {}).get("labels", []):
            for verb, value in op.items():
                values = value if isinstance(value, list) else [value]
                for item in values:
                    if " " in str(item):
                        return JSONResponse(
                            {"errorMessages": [], "errors": {"labels": f"The label '{item}' contains spaces which is invalid."}},
                            400,
                        )
                if verb == "add":
                    labels += [v for v in values if v not in labels]
                elif verb == "remove":
                    labels = [v for v in labels if v not in values]
                elif verb == "set":
                    labels = list(values)
        fields = data.get("fields") or {}
        if "labels" in fields:
            labels = list(fields["labels"])
        if "summary" in fields:
            issue.summary = fields["summary"]
        if "description" in fields:
            if not isinstance(fields["description"], (str, type(None))):
                return JSONResponse({"errorMessages": [], "errors": {"description": "Operation value must be a string"}}, 400)
            issue.description, issue.description_format = fields["description"] or "", "wiki"
        for prop in data.get("properties") or []:
            if isinstance(prop, dict) and prop.get("key"):
                self.properties.setdefault(issue.key, {})[str(prop["key"])] = prop.get("value")
        issue.labels = labels
        issue.updated = datetime.now(timezone.utc)
        return Response(status_code=204)

    def _delete_issue(self, issue: FakeIssue, flag: str) -> Response:
        live_subtasks = [k for k in issue.subtasks if k in self.issues]
        if live_subtasks and flag.lower() != "true":
            return _errors(
                f"The issue '{issue.key}' has subtasks.  You must specify the 'deleteSubtasks' parameter to delete this issue with all its subtasks.",
                400,
            )
        for key in live_subtasks + [issue.key]:
            del self.issues[key]
            self.deleted.append(key)
        return Response(status_code=204)

    def _attachment_content(self, attachment_id: int, redirect: str) -> Response:
        for issue in self.issues.values():
            for attachment in issue.attachments:
                if attachment.id == attachment_id:
                    if redirect.lower() == "false":
                        return Response(attachment.data, media_type=attachment.mime)
                    token = uuid.uuid4().hex
                    self._media_tokens[token] = attachment_id
                    location = (
                        f"{self.media_url}/media/file/{uuid.uuid4()}/binary?token={token}"
                        f"&client=fake&dl=true&name={quote(attachment.filename)}"
                    )
                    return Response(status_code=303, headers={"Location": location})
        return _errors(f"The attachment with id '{attachment_id}' does not exist", 404)

    def _media(self, request: Request) -> Response:
        """The temporary download URL: no Jira credentials needed, the token is the key."""
        if not request.url.path.endswith("/binary"):
            return Response("not found", status_code=404)
        with self._lock:
            attachment_id = self._media_tokens.get(request.query_params.get("token", ""))
            for issue in self.issues.values():
                for attachment in issue.attachments:
                    if attachment.id == attachment_id:
                        return Response(attachment.data, media_type=attachment.mime)
        return Response("token expired", status_code=401)

    def _request(self, key: str) -> Response:
        issue = self._find(key)
        if issue is None or issue.project not in self.jsm_projects:
            return JSONResponse(
                {
                    "errorMessage": "The request could not be found or you do not have permission to view it.",
                    "i18nErrorMessage": {"i18nKey": "sd.request.error.not.found", "parameters": []},
                },
                status_code=404,
            )
        user = self.users[issue.reporter]
        reporter = {
            "accountId": user["accountId"],
            "emailAddress": user["emailAddress"],
            "displayName": user["displayName"],
            "active": True,
            "timeZone": user["timeZone"],
            "_links": {"jiraRest": f"{self.url}/rest/api/2/user?accountId={user['accountId']}"},
        }
        values = [
            {"fieldId": "summary", "label": "Summary", "value": issue.summary},
            {"fieldId": "description", "label": "Description", "value": self._description(issue, "2") or ""},
        ] + [
            {"fieldId": field_id, "label": label, "value": value}
            for field_id, (label, value) in issue.request_fields.items()
        ]
        created = issue.created
        return JSONResponse(
            {
                "_expands": ["participant", "status", "sla", "requestType", "serviceDesk", "attachment", "action", "comment"],
                "issueId": str(issue.id),
                "issueKey": issue.key,
                "requestTypeId": "11",
                "serviceDeskId": "1",
                "createdDate": {
                    "iso8601": created.strftime("%Y-%m-%dT%H:%M:%S%z"),
                    "jira": jira_time(created),
                    "epochMillis": int(created.timestamp() * 1000),
                },
                "reporter": reporter,
                "requestFieldValues": values,
                "currentStatus": {"status": "Waiting for support", "statusCategory": "NEW"},
                "_links": {"jiraRest": f"{self.url}/rest/api/2/issue/{issue.id}", "self": f"{self.url}/rest/servicedeskapi/request/{issue.id}"},
            }
        )

    def _user_search(self, text: str, version: str) -> Response:
        needle = text.strip().lower()
        if not needle:
            return _errors("The query parameter is required.", 400)
        found = [a for a, u in self.users.items() if u["accountType"] != "customer"
                 and (needle in str(u.get("emailAddress") or "").lower() or needle in u["displayName"].lower())]
        return JSONResponse([self._user_json(a, version) for a in found])

    def _desk_customers(self, request: Request, desk: str, body: bytes) -> Response:
        if request.headers.get("x-experimentalapi", "").lower() != "opt-in":
            return _errors("This is an experimental API: set the header X-ExperimentalApi: opt-in", 400)
        if desk not in self.customers:
            return _errors("Service desk does not exist", 404)
        if request.method == "DELETE":
            try:
                accounts = [str(a) for a in json.loads(body or b"{}").get("accountIds") or []]
            except ValueError:
                return _errors("Invalid JSON", 400)
            if desk in self.open_access:
                return _errors("Customers cannot be removed from a service desk with open access.", 400)
            self.customers[desk].difference_update(accounts)
            return Response(status_code=204)
        if request.method != "GET":
            return _errors("Method not allowed", 405)
        needle = (request.query_params.get("query") or "").strip().lower()
        values = []
        for account in sorted(self.customers[desk]):
            user = self.users.get(account)
            if user is None or (needle and needle not in str(user.get("emailAddress") or "").lower()
                                and needle not in user["displayName"].lower()):
                continue
            values.append({"accountId": account, "emailAddress": user["emailAddress"],
                           "displayName": user["displayName"], "active": True, "timeZone": user["timeZone"]})
        start = int(request.query_params.get("start") or 0)
        limit = max(1, min(int(request.query_params.get("limit") or 50), 50))
        page = values[start:start + limit]
        return JSONResponse({"size": len(page), "start": start, "limit": limit,
                             "isLastPage": start + limit >= len(values), "values": page})

    def _search(self, request: Request, rest: str, version: str, body: bytes) -> Response:
        if rest == "search" and self.deployment == "Cloud":
            return _errors("The requested API has been removed. Please migrate to the /rest/api/3/search/jql API.", 410)
        if rest == "search/jql" and self.deployment != "Cloud":
            return _errors("Not found", 404)
        if request.method == "POST":
            params: dict[str, Any] = json.loads(body or b"{}")
        else:
            params = dict(request.query_params)
            params["fields"] = request.query_params.getlist("fields")
        try:
            matcher, descending = _parse_jql(str(params.get("jql", "")), ZoneInfo(self.time_zone))
        except ValueError as exc:
            return _errors(f"Error in the JQL Query: {exc}", 400)
        found = sorted((i for i in self.issues.values() if matcher(i)), key=lambda i: (i.created, i.id), reverse=descending)
        wanted = params.get("fields") or []
        if isinstance(wanted, str):
            wanted = wanted.split(",")
        field_set = {f for item in wanted for f in str(item).split(",") if f} or ({"id"} if rest == "search/jql" else None)
        size = max(1, min(int(params.get("maxResults") or 50), 100))
        if rest == "search/jql":
            start = int(base64.urlsafe_b64decode(params["nextPageToken"]).decode()) if params.get("nextPageToken") else 0
            page = found[start : start + size]
            out: dict[str, Any] = {"issues": [self._issue_json(i, version, field_set) for i in page]}
            if start + size < len(found):
                out["nextPageToken"] = base64.urlsafe_b64encode(str(start + size).encode()).decode()
                out["isLast"] = False
            else:
                out["isLast"] = True
            return JSONResponse(out)
        start = int(params.get("startAt") or 0)
        page = found[start : start + size]
        return JSONResponse(
            {
                "expand": "schema,names",
                "startAt": start,
                "maxResults": size,
                "total": len(found),
                "issues": [self._issue_json(i, version, field_set) for i in page],
            }
        )

    def _webhooks(self, method: str, hook_id: str | None, body: bytes) -> Response:
        if not self.admin:
            return _errors("You do not have the permission to manage webhooks.", 403)
        if hook_id is None:
            if method == "GET":
                return JSONResponse([self._webhook_json(i) for i in sorted(self.webhooks)])
            if method == "POST":
                data, error = self._webhook_body(body)
                if error:
                    return error
                new_id = next(self._webhook_ids)
                self.webhooks[new_id] = data
                return JSONResponse(self._webhook_json(new_id), status_code=201)
            return _errors("Method not allowed", 405)
        number = int(hook_id)
        if number not in self.webhooks:
            return _errors("Webhook not found", 404)
        if method == "GET":
            return JSONResponse(self._webhook_json(number))
        if method == "PUT":
            data, error = self._webhook_body(body)
            if error:
                return error
            if "secret" not in data and "secret" in self.webhooks[number]:
                data["secret"] = self.webhooks[number]["secret"]
            self.webhooks[number] = data
            return JSONResponse(self._webhook_json(number))
        if method == "DELETE":
            del self.webhooks[number]
            return Response(status_code=204)
        return _errors("Method not allowed", 405)

    def _webhook_body(self, body: bytes) -> tuple[dict[str, Any], Response | None]:
        try:
            data = json.loads(body)
        except ValueError:
            return {}, _errors("Invalid JSON", 400)
        missing = [k for k in ("name", "url", "events") if not data.get(k)]
        if missing:
            return {}, _errors(f"Missing required fields: {', '.join(missing)}", 400)
        data.setdefault("enabled", True)
        data.setdefault("excludeBody", False)
        data.setdefault("filters", {})
        data["lastUpdated"] = int(time.time() * 1000)
        return data, None

    def _webhook_json(self, hook_id: int) -> dict[str, Any]:
        data = self.webhooks[hook_id]
        out = {k: v for k, v in data.items() if k != "secret"}  # secrets are write-only
        out["self"] = f"{self.url}/rest/webhooks/1.0/webhook/{hook_id}"
        out["lastUpdatedUser"] = self.bot_account_id
        out["lastUpdatedDisplayName"] = "GDPR Bridge Bot"
        return out


_FIELDS = [
    {"id": "summary", "name": "Summary", "custom": False, "clauseNames": ["summary"]},
    {"id": "description", "name": "Description", "custom": False, "clauseNames": ["description"]},
    {"id": "created", "name": "Created", "custom": False, "clauseNames": ["created", "createdDate"]},
    {"id": "project", "name": "Project", "custom": False, "clauseNames": ["project"]},
    {"id": "labels", "name": "Labels", "custom": False, "clauseNames": ["labels"]},
    {"id": "attachment", "name": "Attachment", "custom": False, "clauseNames": ["attachments"]},
]


# A JSM service request workflow: status -> [(transition id, name, target status)].
_STATUS_CATEGORIES = {"Waiting for support": ("new", 2), "Waiting for customer": ("indeterminate", 4),
                      "In progress": ("indeterminate", 4), "Resolved": ("done", 3), "Closed": ("done", 3)}
_TRANSITIONS = {
    "Waiting for support": [("11", "Respond to customer", "Waiting for customer"), ("21", "In progress", "In progress"),
                            ("761", "Resolve this issue", "Resolved")],
    "Waiting for customer": [("31", "Respond to support", "Waiting for support"),
                             ("761", "Resolve this issue", "Resolved")],
    "In progress": [("41", "Pending", "Waiting for customer"), ("761", "Resolve this issue", "Resolved")],
    "Resolved": [("901", "Reopen", "Waiting for support"), ("951", "Close", "Closed")],
    "Closed": [("901", "Reopen", "Waiting for support")],
}


def _status_json(name: str) -> dict[str, Any]:
    key, number = _STATUS_CATEGORIES.get(name, ("indeterminate", 4))
    return {"name": name, "statusCategory": {"id": number, "key": key}}


def _fields_param(request: Request) -> set[str] | None:
    values = request.query_params.getlist("fields")
    if not values:
        return None
    return {f.strip() for value in values for f in value.split(",") if f.strip()}


def _adf_to_wiki(node: Any) -> str:
    """A rough ADF → wiki rendering (Jira does this when v2 reads an ADF description)."""
    if not isinstance(node, dict):
        return ""
    if node.get("type") == "text":
        return str(node.get("text", ""))
    if node.get("type") == "hardBreak":
        return "\n"
    inner = "".join(_adf_to_wiki(child) for child in node.get("content") or [])
    if node.get("type") in ("paragraph", "heading", "listItem", "codeBlock", "tableRow"):
        return inner + "\n"
    return inner


_ORDER = re.compile(r"\s+ORDER\s+BY\s+(\w+)(?:\s+(ASC|DESC))?\s*$", re.IGNORECASE)
_CREATED = re.compile(r'^(created|updated)\s*>=\s*"?([^"]+?)"?$', re.IGNORECASE)
_PROJECT_EQ = re.compile(r'^project\s*=\s*"?([A-Za-z0-9_]+)"?$', re.IGNORECASE)
_PROJECT_IN = re.compile(r"^project\s+in\s*\(([^)]*)\)$", re.IGNORECASE)
_RELATIVE = re.compile(r"^-(\d+)([mhdw])$")
_PERSON = re.compile(r'^(reporter|"Request participants"|watcher)\s*=\s*"?([^"\s]+)"?$', re.IGNORECASE)


def _parse_jql(jql: str, zone: ZoneInfo) -> tuple[Any, bool]:
    """Just enough JQL: clauses joined by AND, ``created >=``, ``project =``/``in``, ORDER BY created."""
    descending = False
    order = _ORDER.search(jql)
    if order:
        if order.group(1).lower() != "created":
            raise ValueError(f"cannot order by {order.group(1)}")
        descending = (order.group(2) or "ASC").upper() == "DESC"
        jql = jql[: order.start()]
    clauses = [unwrap(c) for c in re.split(r"\s+AND\s+", jql.strip(), flags=re.IGNORECASE) if c.strip()]
    tests = []
    for clause in clauses:
        if m := _CREATED.match(clause):
            tests.append(_created_test(m.group(2), zone, m.group(1).lower()))
        elif m := _PROJECT_EQ.match(clause):
            key = m.group(1).upper()
            tests.append(lambda i, key=key: i.project == key)
        elif m := _PERSON.match(clause):
            who, account = m.group(1).strip('"').lower(), m.group(2)
            if who == "reporter":
                tests.append(lambda i, a=account: i.reporter == a)
            elif who == "watcher":
                tests.append(lambda i, a=account: a in i.watchers)
            else:
                tests.append(lambda i, a=account: a in i.participants)
        elif m := _PROJECT_IN.match(clause):
            keys = {k.strip().strip('"').upper() for k in m.group(1).split(",")}
            tests.append(lambda i, keys=keys: i.project in keys)
        elif (extra := retention_clause(clause, zone)) is not None:  # retention (issue 16)
            tests.append(extra)
        else:
            raise ValueError(f"the fake does not understand '{clause}'")
    return (lambda issue: all(t(issue) for t in tests)), descending


def _created_test(value: str, zone: ZoneInfo, field_name: str = "created") -> Any:
    if m := _RELATIVE.match(value):
        unit = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}[m.group(2)]
        since = datetime.now(timezone.utc) - timedelta(**{unit: int(m.group(1))})
    else:
        for fmt in ("%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M", "%Y/%m/%d", "%Y-%m-%d"):
            try:
                since = datetime.strptime(value, fmt).replace(tzinfo=zone)
                break
            except ValueError:
                continue
        else:
            raise ValueError(f"date value '{value}' for field '{field_name}' is invalid")
    return lambda issue: getattr(issue, field_name) >= since
