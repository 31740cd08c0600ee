"""Jira Cloud / Jira Service Management behind ``bridge.platform.Platform``.

Reads and writes go through the ``jira`` library (REST v2 by default), built with
``max_retries=0``: retries belong to ``errors.Caller`` so a POST is never repeated
blindly. Endpoints the library lacks (``/rest/servicedeskapi``, attachment content,
admin webhooks) go through httpx. Both libraries are imported lazily: the web process
only needs ``JiraWebhook``.

Facts this module relies on:
- attachments can land after ``jira:issue_created``: ``fetch_ticket`` re-fetches until
  the attachment list has been still for ``settle_seconds`` (bounded);
- the JSM customer is ``servicedeskapi/request/{key}.reporter`` (with an e-mail address
  that ``/rest/api`` user objects often hide); 404 there means not a JSM project;
- attachment content answers 303 to a temporary URL on another host, fetched without
  our credentials;
- JQL dates are read in the API user's time zone.
"""

from __future__ import annotations

import re
import threading
import time
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping, TypeVar
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx

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

from ..common.budget import httpx_hooks, mount_budget
from ..common.download import REDIRECTS, read_bounded
from .channels import CHANNEL_PROPERTY, channel_of
from . import history
from .comments import JiraComments
from .config import JiraConfigError, environ_of, number, require, text
from .errors import Caller, RetryPolicy, check
from .install import INSTALL, WEBHOOK_NAME, Installer
from .shapes import _attachment_ref, _check_key, _parse_time, _request_field_text
from .subject import JiraSubjects
from .text import description_to_text
from .webhook import JiraWebhook

if TYPE_CHECKING:  # pragma: no cover
    from jira import JIRA

__all__ = ["INSTALL", "JiraPlatform", "JiraWebhook", "JiraConfigError", "RetryPolicy", "WEBHOOK_NAME"]

_ORDER_BY = re.compile(r"\s+ORDER\s+BY\s+.*$", re.IGNORECASE | re.DOTALL)
T = TypeVar("T")


class JiraPlatform(JiraComments, JiraSubjects):
    """``Platform`` + ``CommentPlatform`` + ``SubjectRequests`` + ``WebhookInstaller`` for Jira Cloud / JSM
    (and Server/DC where the APIs match)."""

    name = "jira"

    def __init__(
        self,
        url: str,
        email: str,
        api_token: str,
        *,
        settle_seconds: float = 3.0,
        settle_poll: float | None = None,
        settle_max: float | None = None,
        scope_jql: str | None = None,
        rest_api_version: str = "2",
        timeout: float = 30.0,
        retry: RetryPolicy = RetryPolicy(),
        page_size: int = 50,
        sleep: Callable[[float], None] = time.sleep,
        webhook_secret: str | None = None,
        budget: RateBudget | None = None,
    ) -> None:
        if not re.match(r"^https?://[^/\s]+", url or ""):
            raise JiraConfigError("JIRA_URL must be the site's address, e.g. https://example.atlassian.net")
        if rest_api_version not in ("2", "3"):
            raise JiraConfigError("JIRA_REST_API_VERSION must be 2 or 3")
        self.url = url.rstrip("/")
        self._auth = (email, api_token)
        self.settle_seconds = max(0.0, settle_seconds)
        self.settle_poll = settle_poll if settle_poll is not None else max(0.05, min(1.0, self.settle_seconds / 3))
        self.settle_max = settle_max if settle_max is not None else 4 * self.settle_seconds
        self.scope_jql = _ORDER_BY.sub("", scope_jql).strip() if scope_jql else None
        self.rest_api_version = rest_api_version
        self.timeout = timeout
        self.page_size = max(1, min(page_size, 100))
        self._sleep = sleep
        self._budget = budget
        self._call = Caller(retry, sleep=sleep)
        self._lock = threading.Lock()
        self._jira: JIRA | None = None
        self._reader: JIRA | None = None
        self._http_client: httpx.Client | None = None
        self._anonymous_client: httpx.Client | None = None
        self._zone: ZoneInfo | None = None
        self._installer = Installer(self._http, self._call, self.scope_jql, known_secret=webhook_secret)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, budget: BudgetFactory | None = None) -> "JiraPlatform":
        """``budget`` gives the site's shared API budget (the account is the site's host)."""
        env = environ_of(environ)
        url, email, token = require(env, "JIRA_URL", "JIRA_EMAIL", "JIRA_API_TOKEN")
        return cls(
            url,
            email,
            token,
            settle_seconds=number(env, "JIRA_SETTLE_SECONDS", 3.0),
            scope_jql=text(env, "JIRA_SCOPE_JQL"),
            rest_api_version=text(env, "JIRA_REST_API_VERSION") or "2",
            timeout=number(env, "JIRA_TIMEOUT_SECONDS", 30.0, minimum=0.1),
            webhook_secret=text(env, "JIRA_WEBHOOK_SECRET"),
            budget=budget(urlsplit(url).netloc.lower()) if budget is not None else None,
        )

    # ------------------------------------------------------------------ clients

    def _new_jira(self, version: str, server_info: bool) -> "JIRA":
        from jira import JIRA  # lazy: only the worker needs the library

        client = JIRA(
            server=self.url,
            options={"rest_api_version": version, "check_update": False},
            basic_auth=self._auth,
            max_retries=0,  # retries are ours (POSTs must not be repeated blindly)
            timeout=self.timeout,
            get_server_info=False,  # asked below, once the session spends the budget
            logging=False,  # the library logs response bodies on some errors
        )
        if self._budget is not None:
            mount_budget(client._session, self._budget)
        if server_info:  # what get_server_info=True does: deploymentType decides the search API
            info = client.server_info()
            client._version = tuple(info["versionNumbers"])
            client.deploymentType = info.get("deploymentType")
        return client

    def _client(self) -> "JIRA":
        """The v2 client (writes, search, users). Built on first use, inside a retried unit."""
        with self._lock:
            if self._jira is None:
                self._jira = self._new_jira("2", server_info=True)
            return self._jira

    def _issue_reader(self) -> "JIRA":
        if self.rest_api_version == "2":
            return self._client()
        with self._lock:
            if self._reader is None:
                self._reader = self._new_jira(self.rest_api_version, server_info=False)
            return self._reader

    def _http(self) -> httpx.Client:
        with self._lock:
            if self._http_client is None:
                self._http_client = httpx.Client(
                    base_url=self.url,
                    auth=httpx.BasicAuth(*self._auth),
                    timeout=self.timeout,
                    headers={"Accept": "application/json"},
                    follow_redirects=False,
                    event_hooks=httpx_hooks(self._budget, lambda url: True),  # base_url: the API host only
                )
            return self._http_client

    def _anonymous(self) -> httpx.Client:
        """The client for temporary download URLs on other hosts: no credentials, no base URL."""
        with self._lock:
            if self._anonymous_client is None:
                self._anonymous_client = httpx.Client(timeout=self.timeout, follow_redirects=False)
            return self._anonymous_client

    def close(self) -> None:
        with self._lock:
            if self._anonymous_client is not None:
                self._anonymous_client.close()
                self._anonymous_client = None
            for client in (self._jira, self._reader):
                if client is not None:
                    client.close()
            if self._http_client is not None:
                self._http_client.close()
            self._jira = self._reader = self._http_client = None

    # ------------------------------------------------------------------ Platform

    def fetch_ticket(self, ticket_id: str) -> Ticket:
        key = _check_key(ticket_id)
        raw = self._settled_issue(key)
        fields = raw.get("fields") or {}
        request = self._call(f"read request {key}", lambda: self._service_request(key))
        requester = self._requester(request, fields)
        body = description_to_text(fields.get("description"))
        extra = _request_field_text(request)
        if extra:
            body = f"{body}\n\n{extra}" if body else extra
        project = fields.get("project") or {}
        return Ticket(
            id=str(raw.get("key") or key),
            platform=self.name,
            subject=str(fields.get("summary") or ""),
            body=body,
            requester=requester,
            attachments=[_attachment_ref(a) for a in fields.get("attachment") or [] if isinstance(a, dict)],
            tags=[str(label) for label in fields.get("labels") or []],
            project=project.get("key") if isinstance(project, dict) else None,
            created_at=_parse_time(fields.get("created")),
            channel=channel_of(raw),
        )

    def _get_issue(self, key: str) -> dict[str, Any]:
        return self._call(f"fetch {key}", lambda: self._issue_reader().issue(key, properties=CHANNEL_PROPERTY).raw,
                          gone_on_404=True)

    def _settled_issue(self, key: str) -> dict[str, Any]:
        """Re-fetch until the attachment list has been unchanged for ``settle_seconds``."""
        issue = self._get_issue(key)
        if self.settle_seconds <= 0:
            return issue
        started = time.monotonic()
        stable_since = started - _quiet_for(issue)
        seen = _attachment_ids(issue)
        while True:
            now = time.monotonic()
            still_for = now - stable_since
            left = started + self.settle_max - now
            if still_for >= self.settle_seconds or left <= 0:
                return issue
            self._sleep(max(0.0, min(self.settle_poll, self.settle_seconds - still_for, left)))
            issue = self._get_issue(key)
            current = _attachment_ids(issue)
            if current != seen:
                seen = current
                stable_since = time.monotonic()

    def _service_request(self, key: str) -> dict[str, Any] | None:
        """The JSM request for ``key``, or None when the project is not a service project."""
        response = self._http().get(f"/rest/servicedeskapi/request/{key}")
        if response.status_code == 404:
            return None
        return check(response, f"read request {key}").json()  # type: ignore[no-any-return]

    def _requester(self, request: dict[str, Any] | None, fields: dict[str, Any]) -> Requester:
        reporter = (request or {}).get("reporter") or fields.get("reporter") or {}
        if not isinstance(reporter, dict):
            return Requester()
        user = self._user(reporter)
        email = reporter.get("emailAddress") or user.get("emailAddress")
        locale = user.get("locale")
        return Requester(
            name=reporter.get("displayName") or user.get("displayName"),
            email=str(email) if email else None,
            locale=str(locale).replace("_", "-") if locale else None,
        )

    def _user(self, reporter: dict[str, Any]) -> dict[str, Any]:
        """The full user (for ``locale``); {} when Jira will not show it."""
        account = reporter.get("accountId") or reporter.get("name") or reporter.get("key")
        if not account:
            return {}

        def unit() -> dict[str, Any]:
            try:
                return dict(self._client().user(str(account)).raw or {})
            except Exception as exc:
                status = getattr(exc, "status_code", None)
                if status in (403, 404):
                    return {}
                raise

        return self._call("read requester", unit)

    def download_attachment(self, attachment: AttachmentRef, max_bytes: int) -> bytes:
        if not re.fullmatch(r"[0-9]{1,18}", attachment.id or ""):
            raise PlatformRejected("jira: attachment id is not numeric")
        if attachment.size is not None and attachment.size > max_bytes:
            raise AttachmentTooLarge(f"jira: attachment {attachment.id} is {attachment.size} bytes, limit {max_bytes}")
        what = f"download attachment {attachment.id}"
        return self._call(what, lambda: self._download(attachment.id, max_bytes, what))

    def _download(self, attachment_id: str, max_bytes: int, what: str) -> bytes:
        return self._fetch_content(attachment_id, what, lambda r: read_bounded(r, max_bytes, what, "jira"))

    def _fetch_content(self, attachment_id: str, what: str, consume: Callable[[httpx.Response], T]) -> T:
        url = f"{self.url}/rest/api/3/attachment/content/{attachment_id}"
        with self._http().stream("GET", url, headers={"Accept": "*/*"}) as response:
            if response.status_code in REDIRECTS and response.headers.get("location"):
                location = urljoin(url, response.headers["location"])
            elif response.status_code == 404:
                raise PlatformRejected(f"jira: {what}: attachment not found (HTTP 404)")
            else:
                check(response, what)
                return consume(response)
        return self._download_anonymous(location, what, consume)

    def _download_anonymous(self, location: str, what: str, consume: Callable[[httpx.Response], T]) -> T:
        """Follow the temporary URL with a separate client that holds no credentials."""
        anonymous = self._anonymous()  # one client for every download: building one loads the CA store
        anonymous.cookies.clear()  # nothing carried from one temporary URL to the next
        for _hop in range(4):
            if urlsplit(location).scheme not in ("http", "https"):
                raise PlatformRejected(f"jira: {what}: redirected to a non-HTTP address")
            with anonymous.stream("GET", location) as response:
                if response.status_code in REDIRECTS and response.headers.get("location"):
                    location = urljoin(location, response.headers["location"])
                    continue
                check(response, what)
                return consume(response)
        raise PlatformRejected(f"jira: {what}: too many redirects")

    def delete_ticket(self, ticket_id: str) -> DeletionResult:
        key = _check_key(ticket_id)
        confirmed = DeletionResult(ticket_id=key, permanent=True, confirmation="issue deleted (GET 404)")
        attempted = False

        def unit() -> DeletionResult:
            nonlocal attempted
            issue = self._existing(key)
            if issue is None:
                if attempted:  # an earlier attempt's DELETE went through before its answer was lost
                    return confirmed
                raise TicketGone(f"jira: delete {key}: not found (HTTP 404)")
            attempted = True
            issue.delete(deleteSubtasks=True)
            if self._existing(key) is not None:
                raise PlatformUnavailable(f"jira: delete {key}: issue still visible after DELETE")
            return confirmed

        return self._call(f"delete {key}", unit, gone_on_404=True)

    def _existing(self, key: str) -> Any:
        """The issue (only its key field), or None on 404."""
        try:
            return self._client().issue(key, fields="subtasks")
        except Exception as exc:
            if getattr(exc, "status_code", None) == 404:
                return None
            raise

    def mark_for_review(self, ticket_id: str, note: str, tag: str) -> None:
        key = _check_key(ticket_id)
        self.add_tag(key, tag)
        self._call(f"comment on {key}", lambda: self._ensure_internal_comment(key, note), gone_on_404=True)

    def _ensure_internal_comment(self, key: str, note: str) -> None:
        """Post the note once: look first, so a retried unit never duplicates it."""
        client = self._client()
        wanted = note.strip()
        start = 0
        for _page in range(20):
            page = client.comments(key, start_at=start, max_results=100)
            if any(str(getattr(c, "raw", {}).get("body", "")).strip() == wanted for c in page):
                return
            if len(page) < 100:
                break
            start += len(page)
        client.add_comment(key, note, is_internal=True)  # JSM: property sd.public.comment {"internal": true}

    def add_tag(self, ticket_id: str, tag: str) -> None:
        key = _check_key(ticket_id)

        def unit() -> None:
            issue = self._client().issue(key, fields="labels")
            if tag not in (issue.raw.get("fields") or {}).get("labels", []):
                issue.add_field_value("labels", tag)

        self._call(f"label {key}", unit, gone_on_404=True)

    # ------------------------------------------------------------------ TicketCloser (channels rule)

    def close_ticket(self, ticket_id: str, note: str) -> None:
        """The note as an internal comment, then the workflow's first transition to a status of
        the "done" category (JSM: "Resolve this issue"). No public comment: JSM would mail it
        to the customer with the request's content. Nothing to do on an issue already done."""
        key = _check_key(ticket_id)
        self._call(f"comment on {key}", lambda: self._ensure_internal_comment(key, note), gone_on_404=True)

        def unit() -> None:
            http = self._http()
            issue = check(http.get(f"/rest/api/2/issue/{key}", params={"fields": "status"}), f"read {key}",
                          gone_on_404=True).json()
            if _category((issue.get("fields") or {}).get("status")) == "done":
                return
            listed = check(http.get(f"/rest/api/2/issue/{key}/transitions"), f"transitions of {key}",
                           gone_on_404=True).json()
            for transition in listed.get("transitions") or []:
                if isinstance(transition, dict) and _category(transition.get("to")) == "done":
                    check(http.post(f"/rest/api/2/issue/{key}/transitions",
                                    json={"transition": {"id": str(transition.get("id"))}}),
                          f"close {key}", gone_on_404=True)
                    return
            raise PlatformRejected(f"jira: close {key}: the workflow offers no transition to a done status")

        self._call(f"close {key}", unit, gone_on_404=True)

    def created_since(self, since: datetime) -> Iterator[str]:
        if since.tzinfo is None:
            since = since.replace(tzinfo=timezone.utc)
        local = since.astimezone(self._user_zone()).replace(second=0, microsecond=0)  # floor: JQL has minutes
        jql = f'created >= "{local:%Y/%m/%d %H:%M}" ORDER BY created ASC'
        if self.scope_jql:
            jql = f"({self.scope_jql}) AND {jql}"
        seen: set[str] = set()
        for issue in self._search(jql, ["created"]):
            key = str(issue.get("key") or "")
            created = _parse_time((issue.get("fields") or {}).get("created"))
            if key and key not in seen and (created is None or created >= since):
                seen.add(key)
                yield key

    requests_per_ticket = history.REQUESTS_PER_TICKET

    def created_pages(self, since: datetime, until: datetime, resume: str | None = None) -> Iterator[CreatedPage]:
        """``bridge.platform.HistoryPlatform`` (``gdpr-bridge backfill``): see ``history``."""
        return history.created_pages(self._search, self._user_zone(), self.scope_jql, self.page_size, since, until,
                                     resume)

    def _search(self, jql: str, fields: list[str]) -> Iterator[dict[str, Any]]:
        """Every issue the JQL finds (raw JSON), page by page, each page retried on its own."""
        client = self._call("connect", self._client)
        cloud = getattr(client, "deploymentType", None) == "Cloud"
        token: str | None = None
        start = 0
        while True:
            if cloud:  # Cloud removed /search; /search/jql pages with nextPageToken
                page = self._call(
                    "search",
                    lambda: client.enhanced_search_issues(
                        jql, nextPageToken=token, maxResults=self.page_size, fields=fields, json_result=True
                    ),
                )
            else:
                page = self._call(
                    "search",
                    lambda: client.search_issues(
                        jql, startAt=start, maxResults=self.page_size, fields=fields, json_result=True
                    ),
                )
            issues = (page or {}).get("issues") or []
            yield from issues
            if cloud:
                token = page.get("nextPageToken")
                if not token or page.get("isLast") or not issues:
                    return
            else:
                start += len(issues)
                if not issues or start >= int(page.get("total") or 0):
                    return

    def _user_zone(self) -> ZoneInfo:
        """The API user's time zone, in which Jira reads JQL dates."""
        if self._zone is None:
            me = self._call("read myself", lambda: self._client().myself())
            try:
                self._zone = ZoneInfo(str(me.get("timeZone") or "UTC"))
            except (ZoneInfoNotFoundError, ValueError):
                self._zone = ZoneInfo("UTC")
        return self._zone

    # ------------------------------------------------------------------ WebhookInstaller

    def check_credentials(self) -> str:
        me = self._call("check credentials", lambda: self._client().myself())
        who = me.get("displayName") or me.get("accountId") or "unknown user"
        return f"Jira at {self.url}: authenticated as {who}"

    def install_webhook(self, public_url: str, clear_tag: str | None = None, rotate_secret: bool = False,
                        **options: str) -> InstallResult:
        return self._installer.install(public_url, clear_tag, rotate_secret, **options)

    def remove_webhook(self, public_url: str) -> list[str]:
        return self._installer.remove(public_url)

    def webhook_status(self, public_url: str) -> str | None:
        return self._installer.status(public_url)


# ---------------------------------------------------------------------- helpers


def _category(status: Any) -> str:
    """The key of a status's category ("new", "indeterminate", "done"); "" when not given."""
    category = status.get("statusCategory") if isinstance(status, dict) else None
    return str(category.get("key") or "") if isinstance(category, dict) else ""


def _attachment_ids(issue: dict[str, Any]) -> frozenset[str]:
    attachments = (issue.get("fields") or {}).get("attachment") or []
    return frozenset(str(a.get("id")) for a in attachments if isinstance(a, dict))


def _quiet_for(issue: dict[str, Any]) -> float:
    """Seconds since the issue or its newest attachment was created (0 when unknown or in the future)."""
    fields = issue.get("fields") or {}
    times = [_parse_time(fields.get("created"))]
    times += [_parse_time(a.get("created")) for a in fields.get("attachment") or [] if isinstance(a, dict)]
    known = [t for t in times if t is not None]
    if not known:
        return 0.0
    return max(0.0, (datetime.now(timezone.utc) - max(known)).total_seconds())
