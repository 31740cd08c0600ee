"""Comments and redaction on Jira / JSM (``bridge.platform.CommentPlatform``), mixed into ``JiraPlatform``.

- a comment: ``GET /rest/api/2/issue/{key}/comment/{id}?expand=properties``; its body is the
  v2 text as Jira returns it (wiki markup; spans are offsets into it). Internal (JSM): the
  ``sd.public.comment`` property says ``internal``, or ``jsdPublic`` is false, or the comment
  is restricted to a role or group. Its files: the issue's attachments the body refers to
  (``[^name]``, ``!name!``) or that its author added within seconds of it;
- files added without a comment come as the comment id ``attachments-<id>-<id>`` (see the
  webhook): an empty text with those files;
- the sweep: JQL ``updated >=`` (in the API user's time zone), then each issue's comments;
- redaction: ``PUT /rest/api/2/issue/{key}/comment/{id}`` with each span replaced by
  ``(removed)`` (not ``[removed]``: square brackets make a link in wiki markup); ``DELETE /rest/api/2/attachment/{id}``; the description through
  ``PUT /rest/api/2/issue/{key}`` (``fields.description``). An edit records the spans and the
  text it left in an entity property (``gdpr-bridge.redaction``: offsets and a hash, no data),
  so the same redaction asked again (a retry after a lost answer) changes nothing.

Messages carry operations, keys and ids only.
"""

from __future__ import annotations

import re
import threading
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Callable, Iterator

import httpx

from bridge.platform import (
    AUTHOR_AGENT,
    AUTHOR_END_USER,
    AUTHOR_REQUESTER,
    AUTHOR_SYSTEM,
    AttachmentRef,
    Comment,
    PlatformRejected,
    RedactionResult,
    Requester,
)

from ..common.redaction import SpanError, check_spans, fingerprint, remap, replace_spans
from .errors import check
from .shapes import _attachment_ref, _check_key, _parse_time, _request_field_text
from .text import description_to_text
from .webhook import ATTACHMENTS_PREFIX

if TYPE_CHECKING:  # pragma: no cover
    from zoneinfo import ZoneInfo

    from .errors import Caller

PROPERTY = "gdpr-bridge.redaction"
MARKER = "(removed)"  # wiki markup reads "[removed]" as a link
_COMMENT_ID = re.compile(r"^[1-9][0-9]{0,17}$")
_FILES_ID = re.compile(rf"^{ATTACHMENTS_PREFIX}([1-9][0-9]{{0,17}}(?:-[1-9][0-9]{{0,17}}){{0,19}})$")
_REFERENCE = re.compile(r"\[\^([^\]|]+)\]|!([^!|\n]+)(?:\|[^!\n]*)?!")
_TOGETHER = timedelta(seconds=10)  # files its author added this close to a comment belong to it


class JiraComments:
    """The ``CommentPlatform`` half of ``JiraPlatform`` (which provides what is declared here)."""

    name: str
    scope_jql: str | None
    _call: "Caller"
    _lock: threading.Lock
    _http: Callable[[], httpx.Client]
    _search: Callable[[str, list[str]], Iterator[dict[str, Any]]]
    _service_request: Callable[[str], "dict[str, Any] | None"]
    _get_issue: Callable[[str], dict[str, Any]]
    _user_zone: Callable[[], "ZoneInfo"]

    # ------------------------------------------------------------------ HTTP

    def _json(self, method: str, path: str, what: str, **kwargs: Any) -> Any:
        """One request as a retried unit; 404 means the issue (or comment) is gone."""
        def unit() -> Any:
            response = check(self._http().request(method, path, **kwargs), what, gone_on_404=True)
            return response.json() if response.content else {}

        return self._call(what, unit, gone_on_404=True)

    def _issue_fields(self, key: str, fields: str, properties: str | None = None) -> dict[str, Any]:
        params = {"fields": fields}
        if properties:
            params["properties"] = properties
        return self._json("GET", f"/rest/api/2/issue/{key}", f"read {key}", params=params)  # type: ignore[no-any-return]

    # ------------------------------------------------------------------ reading

    def fetch_comment(self, ticket_id: str, comment_id: str) -> Comment:
        key = _check_key(ticket_id)
        files = _files_of(comment_id)
        number = _comment_number(comment_id) if files is None else 0
        issue = self._issue_fields(key, "reporter,attachment,created")
        fields = issue.get("fields") or {}
        reporter = str((fields.get("reporter") or {}).get("accountId") or "")
        attachments = [a for a in fields.get("attachment") or [] if isinstance(a, dict)]
        if files is not None:
            # files a comment names (or its author added with it) are that comment's: its own
            # event (comment_created) scans them, not this one as well
            claimed = {str(a.get("id")) for c in self._all_comments(key) for a in _files_for(c, attachments)}
            mine = [a for a in attachments if str(a.get("id")) in files and str(a.get("id")) not in claimed]
            author = (mine[0].get("author") if mine else None) or {}
            created = [t for t in (_parse_time(a.get("created")) for a in mine) if t is not None]
            return Comment(id=comment_id, ticket_id=key, body="", public=True,
                           author_role=_role(author, reporter), author=_person(author),
                           attachments=[_attachment_ref(a) for a in mine],
                           created_at=min(created) if created else None)
        raw = self._json("GET", f"/rest/api/2/issue/{key}/comment/{number}", f"read comment {number} of {key}",
                         params={"expand": "properties"})
        author = raw.get("author") or {}
        body = raw.get("body")
        role = _role(author, reporter)
        person = _person(author)
        if role == AUTHOR_REQUESTER and not person.email:  # JSM customers show their address only there
            request = self._call(f"read request {key}", lambda: self._service_request(key))
            address = ((request or {}).get("reporter") or {}).get("emailAddress")
            person = Requester(name=person.name, email=str(address) if address else None, locale=person.locale)
        return Comment(
            id=str(number),
            ticket_id=key,
            body=body if isinstance(body, str) else description_to_text(body),
            public=_public(raw),
            author_role=role,
            author=person,
            attachments=[_attachment_ref(a) for a in _files_for(raw, attachments)],
            created_at=_parse_time(raw.get("created")),
        )

    def comments_since(self, since: datetime) -> Iterator[tuple[str, str]]:
        if since.tzinfo is None:
            since = since.replace(tzinfo=timezone.utc)
        local = since.astimezone(self._user_zone()).replace(second=0, microsecond=0)  # floor: JQL has minutes
        jql = f'updated >= "{local:%Y/%m/%d %H:%M}" ORDER BY created ASC'
        if self.scope_jql:
            jql = f"({self.scope_jql}) AND {jql}"
        for issue in self._search(jql, ["created", "attachment"]):
            key = str(issue.get("key") or "")
            fields = issue.get("fields") or {}
            created = _parse_time(fields.get("created"))
            if not key or (created is not None and created >= since):
                continue  # a new issue: its comments come with it
            claimed: set[str] = set()
            attachments = [a for a in fields.get("attachment") or [] if isinstance(a, dict)]
            for comment in self._all_comments(key):
                when = _parse_time(comment.get("created"))
                if when is None or when < since or not _COMMENT_ID.match(str(comment.get("id") or "")):
                    continue
                claimed.update(str(a.get("id")) for a in _files_for(comment, attachments))
                yield key, str(comment["id"])
            loose = sorted((str(a.get("id")) for a in attachments
                            if str(a.get("id")) not in claimed and _COMMENT_ID.match(str(a.get("id")))
                            and (_parse_time(a.get("created")) or since) >= since), key=int)
            for start in range(0, len(loose), 20):
                yield key, ATTACHMENTS_PREFIX + "-".join(loose[start:start + 20])

    def _all_comments(self, key: str) -> Iterator[dict[str, Any]]:
        start = 0
        for _page in range(1000):
            page = self._json("GET", f"/rest/api/2/issue/{key}/comment", f"read comments of {key}",
                              params={"startAt": start, "maxResults": 100, "orderBy": "created"})
            comments = [c for c in page.get("comments") or [] if isinstance(c, dict)]
            yield from comments
            start += len(comments)
            if not comments or start >= int(page.get("total") or 0):
                return

    # ------------------------------------------------------------------ redaction

    def redact_comment(self, ticket_id: str, comment_id: str, spans: list[tuple[int, int]]) -> RedactionResult:
        key = _check_key(ticket_id)
        if _files_of(comment_id) is not None:
            if spans:
                raise PlatformRejected(f"jira: redact {comment_id} of {key}: attachments alone have no text")
            return RedactionResult(ticket_id=key, comment_id=comment_id, method="comment_edited")
        number = _comment_number(comment_id)
        path = f"/rest/api/2/issue/{key}/comment/{number}"
        what = f"edit comment {number} of {key}"

        def unit() -> int:
            response = check(self._http().get(path, params={"expand": "properties"}), what, gone_on_404=True)
            raw = response.json()
            body = raw.get("body")
            if not isinstance(body, str):
                raise PlatformRejected(f"jira: {what}: the comment's body is not text")
            try:
                wanted = check_spans(body, spans)
            except SpanError as exc:
                if _done(_property(raw.get("properties")), spans, body):
                    return len(spans)
                raise PlatformRejected(f"jira: {what}: {exc}") from None
            if _done(_property(raw.get("properties")), wanted, body):
                return len(wanted)  # this redaction was made before (its answer was lost)
            edited = replace_spans(body, wanted, MARKER)
            record = {"spans": [list(span) for span in wanted], "sha256": fingerprint(edited)}
            check(self._http().put(path, params={"notifyUsers": "false"},
                                   json={"body": edited, "properties": [{"key": PROPERTY, "value": record}]}),
                  what, gone_on_404=True)
            return len(wanted)

        count = self._call(what, unit, gone_on_404=True)
        return RedactionResult(ticket_id=key, comment_id=str(number), method="comment_edited", spans=count)

    def remove_comment_attachment(self, ticket_id: str, comment_id: str, attachment: AttachmentRef) -> RedactionResult:
        key = _check_key(ticket_id)
        if not _COMMENT_ID.match(str(attachment.id)):
            raise PlatformRejected("jira: attachment id is not numeric")
        done = RedactionResult(ticket_id=key, comment_id=comment_id, method="attachment_deleted", attachments=1)
        what = f"delete attachment {attachment.id} of {key}"

        def unit() -> None:
            issue = check(self._http().get(f"/rest/api/2/issue/{key}", params={"fields": "attachment"}), what,
                          gone_on_404=True).json()
            present = {str(a.get("id")) for a in (issue.get("fields") or {}).get("attachment") or []
                       if isinstance(a, dict)}
            if str(attachment.id) not in present:
                return  # deleted before (a retry, or by an agent); never delete another issue's file
            response = self._http().delete(f"/rest/api/2/attachment/{attachment.id}")
            if response.status_code != 404:
                check(response, what)

        self._call(what, unit, gone_on_404=True)
        return done

    def remove_description_attachment(self, ticket_id: str, attachment: AttachmentRef) -> RedactionResult:
        """``DescriptionAttachments``: an issue's attachments are the issue's; the file is deleted."""
        result = self.remove_comment_attachment(ticket_id, "attachments-" + str(attachment.id), attachment)
        return RedactionResult(ticket_id=result.ticket_id, comment_id=None, method=result.method, attachments=1)

    def redact_description(self, ticket_id: str, spans: list[tuple[int, int]]) -> RedactionResult:
        """Spans are offsets into ``Ticket.body`` (the description as text, then the JSM form
        fields): each span's text is found again in the stored description and replaced."""
        key = _check_key(ticket_id)
        what = f"edit description of {key}"
        shown = self._get_issue(key)
        request = self._call(f"read request {key}", lambda: self._service_request(key))
        text = description_to_text((shown.get("fields") or {}).get("description"))
        extra = _request_field_text(request)
        if extra:
            text = f"{text}\n\n{extra}" if text else extra

        def unit() -> int:
            raw = check(self._http().get(f"/rest/api/2/issue/{key}",
                                         params={"fields": "description", "properties": PROPERTY}),
                        what, gone_on_404=True).json()
            stored = (raw.get("fields") or {}).get("description")
            stored = stored if isinstance(stored, str) else ""
            record = ((raw.get("properties") or {}).get(PROPERTY))
            if _done(record, sorted(spans), stored):
                return len(spans)  # this redaction was made before (its answer was lost)
            try:
                wanted = check_spans(text, spans)
            except SpanError as exc:
                raise PlatformRejected(f"jira: {what}: {exc}") from None
            try:
                mapped = remap(text, wanted, stored)
            except SpanError:
                raise PlatformRejected(f"jira: {what}: a span is not in the description "
                                       "(a request form field cannot be edited)") from None
            edited = replace_spans(stored, mapped, MARKER)
            mark = {"spans": [list(span) for span in wanted], "sha256": fingerprint(edited)}
            check(self._http().put(f"/rest/api/2/issue/{key}",
                                   json={"fields": {"description": edited},
                                         "properties": [{"key": PROPERTY, "value": mark}]}),
                  what, gone_on_404=True)
            return len(wanted)

        count = self._call(what, unit, gone_on_404=True)
        return RedactionResult(ticket_id=key, comment_id=None, method="description_edited", spans=count)


# ---------------------------------------------------------------------- helpers


def _comment_number(comment_id: str) -> int:
    text = str(comment_id).strip()
    if not _COMMENT_ID.match(text):
        raise PlatformRejected("jira: not a comment id")
    return int(text)


def _files_of(comment_id: str) -> set[str] | None:
    """The attachment ids of an ``attachments-…`` comment id; None for a real comment."""
    text = str(comment_id).strip()
    if not text.startswith(ATTACHMENTS_PREFIX):
        return None
    match = _FILES_ID.match(text)
    if not match:
        raise PlatformRejected("jira: not a comment id")
    return set(match.group(1).split("-"))


def _property(properties: Any) -> dict[str, Any] | None:
    for item in properties if isinstance(properties, list) else []:
        if isinstance(item, dict) and item.get("key") == PROPERTY and isinstance(item.get("value"), dict):
            return item["value"]  # type: ignore[no-any-return]
    return None


def _done(record: Any, spans: list[tuple[int, int]], text: str) -> bool:
    """Whether ``record`` says these spans were redacted and ``text`` is what that left."""
    if not isinstance(record, dict):
        return False
    recorded = [tuple(span) for span in record.get("spans") or [] if isinstance(span, list) and len(span) == 2]
    return recorded == [tuple(span) for span in spans] and record.get("sha256") == fingerprint(text)


def _public(raw: dict[str, Any]) -> bool:
    for item in raw.get("properties") or []:
        if isinstance(item, dict) and item.get("key") == "sd.public.comment":
            value = item.get("value")
            if isinstance(value, dict) and value.get("internal") is True:
                return False
    if raw.get("jsdPublic") is False:
        return False
    visibility = raw.get("visibility")
    return not (isinstance(visibility, dict) and visibility.get("value"))


def _role(author: dict[str, Any], reporter: str) -> str:
    account = str(author.get("accountId") or "")
    kind = str(author.get("accountType") or "")
    if not account and not author:
        return AUTHOR_SYSTEM
    if account and account == reporter:
        return AUTHOR_REQUESTER
    if kind == "app":
        return AUTHOR_SYSTEM
    if kind == "customer":
        return AUTHOR_END_USER
    return AUTHOR_AGENT


def _person(author: dict[str, Any]) -> Requester:
    locale = author.get("locale")
    return Requester(name=author.get("displayName") or None, email=author.get("emailAddress") or None,
                     locale=str(locale).replace("_", "-") if locale else None)


def _files_for(comment: dict[str, Any], attachments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The issue's attachments that belong to ``comment``: named in its body, or added by its
    author within seconds of it."""
    body = comment.get("body")
    names = set()
    if isinstance(body, str):
        names = {(a or b).strip() for a, b in _REFERENCE.findall(body)}
    author = str((comment.get("author") or {}).get("accountId") or "")
    when = _parse_time(comment.get("created"))
    found = []
    for attachment in attachments:
        if str(attachment.get("filename") or "") in names:
            found.append(attachment)
            continue
        added = _parse_time(attachment.get("created"))
        by = str((attachment.get("author") or {}).get("accountId") or "")
        if when is not None and added is not None and by == author and author and abs(added - when) <= _TOGETHER:
            found.append(attachment)
    return found
