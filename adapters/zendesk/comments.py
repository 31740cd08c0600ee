"""Comments and redaction on Zendesk (``bridge.platform.CommentPlatform``), mixed into ``ZendeskPlatform``.

- a comment: ``GET /api/v2/tickets/{id}/comments`` (inline images included), its text is
  ``plain_body``; the author's role from the ticket's requester and the user's role;
- the sweep: ``GET /api/v2/incremental/ticket_events?start_time=&include=comment_events``
  (admins; 10 requests a minute; events of the last minute are not listed yet); the comment
  of a ticket's creation audit is its description and comes with the ticket;
- text: ``PUT /api/v2/comment_redactions/{comment_id}`` with the comment's ``html_body``, the
  spans' text wrapped in ``<redact>`` (Agent Workspace; also on closed tickets). Zendesk puts
  one ▇ in place of each character, so offsets into ``plain_body`` stay valid and a span
  already made of ▇ needs nothing;
- files: ``PUT /api/v2/tickets/{t}/comments/{c}/attachments/{a}/redact`` (the file becomes an
  empty ``redacted.txt``);
- the description is the first comment: its spans are found again in that comment's text.

Messages carry operations and ids only.
"""

from __future__ import annotations

import re
import time
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Callable, Iterator

from bridge.platform import (
    AUTHOR_AGENT,
    AUTHOR_END_USER,
    AUTHOR_REQUESTER,
    AUTHOR_SYSTEM,
    AttachmentRef,
    Comment,
    PlatformRejected,
    PlatformUnavailable,
    RedactionResult,
    Requester,
    TicketGone,
)

from ..common.redaction import SpanError, already_blocked, check_spans, remap, wrap_in_html
from .http import MAX_PAGES
from .shapes import _attachment_ref, _number, _parse_time

if TYPE_CHECKING:  # pragma: no cover
    from zenpy import Zenpy

    from .errors import Caller
    from .http import ZendeskHttp

_ID = re.compile(r"^[1-9][0-9]{0,17}$")
_SYSTEM_CHANNELS = frozenset({"rule", "system"})
_STAFF = frozenset({"agent", "admin"})


def _comment_number(comment_id: str) -> int:
    text = str(comment_id).strip()
    if not _ID.match(text):
        raise PlatformRejected("zendesk: not a Zendesk comment id")
    return int(text)


class ZendeskComments:
    """The ``CommentPlatform`` half of ``ZendeskPlatform`` (which provides what is declared here)."""

    name: str
    _call: "Caller"
    _http: "ZendeskHttp"
    _zenpy: Callable[[], "Zenpy"]
    _comments: Callable[[int], list[Any]]

    # ------------------------------------------------------------------ reading

    def _ticket_json(self, number: int) -> dict[str, Any]:
        what = f"fetch ticket {number}"
        answer = self._call(what, lambda: self._http.request("GET", f"tickets/{number}.json", what, gone_on_404=True))
        return answer.get("ticket") or {}

    def _raw_comments(self, number: int, retried: bool = True) -> list[dict[str, Any]]:
        """Every comment of the ticket as Zendesk's JSON, oldest first, inline images included
        (``retried=False``: inside a unit that is itself retried as a whole)."""
        what = f"read comments of ticket {number}"
        comments: list[dict[str, Any]] = []

        def call(w: str, unit: Callable[[], Any]) -> Any:
            return self._call(w, unit, gone_on_404=True) if retried else unit()

        for page in self._http.pages(f"tickets/{number}/comments.json", what, call,
                                     params={"include_inline_images": "true", "page[size]": 100}):
            comments += [c for c in page.get("comments") or [] if isinstance(c, dict)]
        return comments

    def _raw_comment(self, number: int, comment: int, retried: bool = True) -> dict[str, Any]:
        for raw in self._raw_comments(number, retried):
            if str(raw.get("id")) == str(comment):
                return raw
        raise TicketGone(f"zendesk: comment {comment} is not on ticket {number}")

    def _user_json(self, user_id: Any) -> dict[str, Any]:
        if not isinstance(user_id, int) or isinstance(user_id, bool) or user_id <= 0:
            return {}
        what = f"read author {user_id}"
        try:
            answer = self._call(what, lambda: self._http.request("GET", f"users/{user_id}.json", what,
                                                                 gone_on_404=True))
        except TicketGone:  # the user was deleted: the comment is still worth checking
            return {}
        return answer.get("user") or {}

    def fetch_comment(self, ticket_id: str, comment_id: str) -> Comment:
        number, comment = _number(ticket_id), _comment_number(comment_id)
        ticket = self._ticket_json(number)
        raw = self._raw_comment(number, comment)
        author_id = raw.get("author_id")
        user = self._user_json(author_id)
        role = _author_role(raw, user, ticket.get("requester_id"))
        attachments = [ref for ref in (_attachment_ref(a) for a in raw.get("attachments") or []) if ref is not None]
        return Comment(
            id=str(comment),
            ticket_id=str(number),
            body=str(raw.get("plain_body") if raw.get("plain_body") is not None else raw.get("body") or ""),
            public=bool(raw.get("public")),
            author_role=role,
            author=Requester(name=user.get("name") or None, email=user.get("email") or None,
                             phone=user.get("phone") or None, locale=user.get("locale") or None),
            attachments=attachments,
            created_at=_parse_time(raw.get("created_at")),
        )

    def comments_since(self, since: datetime) -> Iterator[tuple[str, str]]:
        """Comment events of the incremental ticket event export from ``since`` (over a minute old)."""
        since = since if since.tzinfo else since.replace(tzinfo=timezone.utc)
        start = max(0, min(int(since.timestamp()), int(time.time()) - 61))
        what = "incremental ticket event export"
        url: str | None = "incremental/ticket_events.json"
        params: dict[str, Any] | None = {"start_time": start, "include": "comment_events"}
        seen: set[tuple[str, str]] = set()
        for _ in range(MAX_PAGES):
            if url is None:
                return
            page_url, page_params = url, params

            def unit() -> dict[str, Any]:
                return self._http.request("GET", page_url, what, params=page_params)

            page = self._call(what, unit)
            for event in page.get("ticket_events") or []:
                if isinstance(event, dict):
                    for pair in _comment_events(event, since):
                        if pair not in seen:
                            seen.add(pair)
                            yield pair
            if page.get("end_of_stream") or not page.get("next_page"):
                return
            url, params = str(page["next_page"]), None
        raise PlatformUnavailable(f"zendesk: {what}: more than {MAX_PAGES} pages")

    # ------------------------------------------------------------------ redaction

    def redact_comment(self, ticket_id: str, comment_id: str, spans: list[tuple[int, int]]) -> RedactionResult:
        number, comment = _number(ticket_id), _comment_number(comment_id)
        count = self._redact_spans(number, comment, lambda plain: spans)
        return RedactionResult(ticket_id=str(number), comment_id=str(comment), method="comment_redaction",
                               spans=count)

    def _redact_spans(self, number: int, comment: int,
                      spans_in: Callable[[str], list[tuple[int, int]]]) -> int:
        """One unit, retried as a whole: read the comment, wrap the spans its current text still
        shows, send it. A retry after a lost answer reads ▇ there and sends nothing."""
        what = f"redact comment {comment} of ticket {number}"

        def unit() -> int:
            raw = self._raw_comment(number, comment, retried=False)
            plain = str(raw.get("plain_body") if raw.get("plain_body") is not None else raw.get("body") or "")
            try:
                wanted = check_spans(plain, spans_in(plain))
                todo = [(s, e) for s, e in wanted if not already_blocked(plain, s, e)]
                if not todo:
                    return len(wanted)  # done before: the platform shows only ▇ there
                marked = wrap_in_html(plain, todo, str(raw.get("html_body") or ""))
            except SpanError as exc:
                raise PlatformRejected(f"zendesk: {what}: {exc}") from None
            self._http.request("PUT", f"comment_redactions/{comment}.json", what, gone_on_404=True,
                               json={"ticket_id": number, "html_body": marked})
            return len(wanted)

        return self._call(what, unit, gone_on_404=True)  # type: ignore[no-any-return]

    def remove_comment_attachment(self, ticket_id: str, comment_id: str, attachment: AttachmentRef) -> RedactionResult:
        number, comment = _number(ticket_id), _comment_number(comment_id)
        if not _ID.match(str(attachment.id)):
            raise PlatformRejected("zendesk: not a Zendesk attachment id")
        raw = self._raw_comment(number, comment)
        current = [a for a in raw.get("attachments") or [] if str(a.get("id")) == str(attachment.id)]
        done = RedactionResult(ticket_id=str(number), comment_id=str(comment), method="attachment_redacted",
                               attachments=1)
        if not current or _is_redacted(current[0]):
            return done  # removed before (a retry, or by an agent): nothing of it is left
        what = f"redact attachment {attachment.id} of comment {comment}"
        path = f"tickets/{number}/comments/{comment}/attachments/{attachment.id}/redact.json"
        self._call(what, lambda: self._http.request("PUT", path, what, gone_on_404=True, json={}), gone_on_404=True)
        return done

    def remove_description_attachment(self, ticket_id: str, attachment: AttachmentRef) -> RedactionResult:
        """``DescriptionAttachments``: the description is the first comment; its file is redacted."""
        number = _number(ticket_id)
        comments = self._raw_comments(number)
        if not comments:
            raise PlatformRejected(f"zendesk: remove attachment of ticket {number}: the ticket has no comment")
        first = str(comments[0].get("id") or "")
        result = self.remove_comment_attachment(str(number), first, attachment)
        return RedactionResult(ticket_id=str(number), comment_id=None, method=result.method, attachments=1)

    def redact_description(self, ticket_id: str, spans: list[tuple[int, int]]) -> RedactionResult:
        """The description is the ticket's first comment: the spans (offsets into
        ``Ticket.body``, i.e. ``description``) are found again in that comment's text."""
        number = _number(ticket_id)
        ticket = self._ticket_json(number)
        comments = self._raw_comments(number)
        if not comments:
            raise PlatformRejected(f"zendesk: redact description of ticket {number}: the ticket has no comment")
        first = comments[0]
        description = str(ticket.get("description") or "")

        def spans_in(plain: str) -> list[tuple[int, int]]:
            source = description or plain
            return remap(source, check_spans(source, spans), plain)

        count = self._redact_spans(number, int(first["id"]), spans_in)
        return RedactionResult(ticket_id=str(number), comment_id=None, method="comment_redaction", spans=count)


def _is_redacted(raw: dict[str, Any]) -> bool:
    return bool(raw.get("deleted")) or (raw.get("file_name") == "redacted.txt" and not raw.get("size"))


def _author_role(raw: dict[str, Any], user: dict[str, Any], requester_id: Any) -> str:
    author_id = raw.get("author_id")
    channel = str(((raw.get("via") or {}).get("channel")) or "")
    if author_id is None or author_id == -1 or channel in _SYSTEM_CHANNELS:
        return AUTHOR_SYSTEM
    if requester_id is not None and str(author_id) == str(requester_id):
        return AUTHOR_REQUESTER
    if str(user.get("role") or "") in _STAFF:
        return AUTHOR_AGENT
    return AUTHOR_END_USER


def _comment_events(event: dict[str, Any], since: datetime) -> Iterator[tuple[str, str]]:
    """(ticket id, comment id) of the comments in one ticket event (an audit), unless the
    audit created the ticket (its comment is the description)."""
    ticket_id = str(event.get("ticket_id") or "")
    if not _ID.match(ticket_id):
        return
    when = _parse_time(event.get("created_at"))
    if when is None and isinstance(event.get("timestamp"), int):
        when = datetime.fromtimestamp(event["timestamp"], timezone.utc)
    if when is not None and when < since:
        return
    children = [c for c in event.get("child_events") or [] if isinstance(c, dict)]
    if any(c.get("event_type") == "Create" for c in children):
        return
    for child in children:
        if child.get("event_type") == "Comment" and _ID.match(str(child.get("id") or "")):
            yield ticket_id, str(child["id"])
