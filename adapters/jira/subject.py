"""Data-subject requests on Jira / JSM (``bridge.platform.SubjectRequests``), mixed into ``JiraPlatform``.

- the person: ``/rest/api/2/user/search?query=`` (Atlassian accounts; kept only when the
  address is shown and equal) and each service desk's customers
  (``/rest/servicedeskapi/servicedesk/{id}/customer?query=``, experimental API): JSM
  customers hide their address from ``/rest/api`` but not from their service desk;
- their tickets: JQL ``reporter = <accountId>``; copied: ``"Request participants"`` and
  ``watcher``;
- their record: removed from every service desk's customers where the API allows (not
  on desks with open access). The account itself (name, address) cannot be deleted
  through Jira's REST API: ``UserErasure.not_removed`` says so.

Messages carry operations, keys and account ids, never the address.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, BinaryIO, Callable, Iterator

import httpx

from bridge.platform import (
    CC,
    REQUESTER,
    AttachmentRef,
    AttachmentTooLarge,
    ExportedComment,
    Person,
    PlatformError,
    PlatformRejected,
    TicketExport,
    TicketSummary,
    UserErasure,
)

from ..common.download import rewind, write_bounded
from .errors import check
from .shapes import _attachment_ref, _check_key, _parse_time, _request_field_text
from .text import description_to_text

if TYPE_CHECKING:  # pragma: no cover
    from jira import JIRA

    from .errors import Caller

EXPERIMENTAL = {"X-ExperimentalApi": "opt-in"}
_ACCOUNT_TYPES = {"customer": "end-user", "atlassian": "agent", "app": "agent"}  # doubt counts as staff
ACCOUNT_STAYS = ("the Atlassian account itself (name and address) stays: Jira's REST API cannot delete "
                 "accounts; an organisation admin deletes it at admin.atlassian.com")


class JiraSubjects:
    """The ``SubjectRequests`` half of ``JiraPlatform`` (which provides what is declared here)."""

    name: str
    url: str
    timeout: float
    _call: "Caller"
    _lock: threading.Lock
    _http: Callable[[], httpx.Client]
    _client: Callable[[], "JIRA"]
    _search: Callable[[str, list[str]], Iterator[dict[str, Any]]]
    _service_request: Callable[[str], "dict[str, Any] | None"]
    _fetch_content: Callable[..., Any]

    # ------------------------------------------------------------------ who

    def find_users(self, email: str) -> list[Person]:
        wanted = email.strip().casefold()
        if "@" not in wanted:
            raise PlatformRejected("jira: not an e-mail address")
        people: dict[str, Person] = {}
        accounts = self._call("search users by address", lambda: self._get_json(
            "/rest/api/2/user/search", "search users by address", params={"query": wanted, "maxResults": 100}))
        for account in accounts if isinstance(accounts, list) else []:
            address = str(account.get("emailAddress") or "")
            if account.get("accountId") and address.casefold() == wanted:
                role = _ACCOUNT_TYPES.get(str(account.get("accountType") or ""), "agent")
                people[account["accountId"]] = Person(self.name, str(account["accountId"]), role, address)
        for desk in self._service_desks():
            for customer in self._desk_customers(desk, wanted):
                address = str(customer.get("emailAddress") or "")
                account_id = str(customer.get("accountId") or "")
                if account_id and address.casefold() == wanted and account_id not in people:
                    people[account_id] = Person(self.name, account_id, "end-user", address)
        return list(people.values())

    def _get_json(self, path: str, what: str, **kwargs: Any) -> Any:
        return check(self._http().get(path, **kwargs), what).json()

    def _service_desks(self) -> list[str]:
        desks: list[str] = []
        start = 0
        while True:
            page = self._call("list service desks", lambda: self._get_json(
                "/rest/servicedeskapi/servicedesk", "list service desks", params={"start": start, "limit": 50}))
            values = page.get("values") or []
            desks += [str(d.get("id")) for d in values if d.get("id") is not None]
            if page.get("isLastPage", True) or not values:
                return desks
            start += len(values)

    def _desk_customers(self, desk: str, query: str) -> Iterator[dict[str, Any]]:
        start = 0
        what = f"search customers of service desk {desk}"
        while True:
            page = self._call(what, lambda: self._get_json(
                f"/rest/servicedeskapi/servicedesk/{desk}/customer", what, headers=EXPERIMENTAL,
                params={"query": query, "start": start, "limit": 50}))
            values = page.get("values") or []
            yield from values
            if page.get("isLastPage", True) or not values:
                return
            start += len(values)

    # ------------------------------------------------------------------ their tickets

    def tickets_of(self, person: Person, relation: str) -> Iterator[TicketSummary]:

        account = _account(person)
        if relation == REQUESTER:
            queries = [f'reporter = "{account}" ORDER BY created ASC']
        elif relation == CC:
            queries = [f'"Request participants" = "{account}" ORDER BY created ASC',
                       f'watcher = "{account}" ORDER BY created ASC']
        else:
            raise ValueError(f"unknown relation {relation!r}")
        seen: set[str] = set()
        for jql in queries:
            for issue in self._search(jql, ["created", "updated", "status", "reporter"]):
                fields = issue.get("fields") or {}
                key = str(issue.get("key") or "")
                reporter = (fields.get("reporter") or {}).get("accountId")
                if not key or key in seen or (relation == CC and reporter == account):
                    continue
                seen.add(key)
                yield TicketSummary(self.name, key, relation, str((fields.get("status") or {}).get("name") or ""),
                                    _parse_time(fields.get("created")), _parse_time(fields.get("updated")))

    def export_ticket(self, ticket_id: str) -> TicketExport:

        key = _check_key(ticket_id)
        fields_wanted = "summary,description,status,created,updated,attachment,reporter"
        raw = self._call(f"fetch {key}", lambda: self._get_json(
            f"/rest/api/2/issue/{key}", f"fetch {key}", params={"fields": fields_wanted}), gone_on_404=True)
        fields = raw.get("fields") or {}
        reporter = (fields.get("reporter") or {}).get("accountId")
        description = description_to_text(fields.get("description"))
        request = self._call(f"read request {key}", lambda: self._service_request(key))
        extra = _request_field_text(request)
        if extra:
            description = f"{description}\n\n{extra}" if description else extra
        comments = [
            ExportedComment(
                author_role=_author_role(comment.get("author") or {}, reporter),
                created_at=_parse_time(comment.get("created")),
                body=description_to_text(comment.get("body")),
                public=bool(comment.get("jsdPublic", True)),
            )
            for comment in self._comments_of(key)
        ]
        return TicketExport(self.name, str(raw.get("key") or key), str(fields.get("summary") or ""), description,
                            str((fields.get("status") or {}).get("name") or ""), _parse_time(fields.get("created")),
                            _parse_time(fields.get("updated")), comments,
                            [_attachment_ref(a) for a in fields.get("attachment") or [] if isinstance(a, dict)])

    def _comments_of(self, key: str) -> Iterator[dict[str, Any]]:
        start = 0
        what = f"read comments of {key}"
        while True:
            page = self._call(what, lambda: self._get_json(
                f"/rest/api/2/issue/{key}/comment", what, params={"startAt": start, "maxResults": 100}),
                gone_on_404=True)
            comments = page.get("comments") or []
            yield from comments
            start += len(comments)
            if not comments or start >= int(page.get("total") or 0):
                return

    def download_attachment_to(self, attachment: AttachmentRef, out: BinaryIO, max_bytes: int) -> int:
        if not (attachment.id or "").isdigit() or len(attachment.id) > 18:
            raise PlatformRejected("jira: attachment id is not numeric")
        if attachment.size is not None and attachment.size > max_bytes:
            raise AttachmentTooLarge(f"jira: attachment {attachment.id} is {attachment.size} bytes, limit {max_bytes}")
        what = f"download attachment {attachment.id}"

        def unit() -> int:
            rewind(out)
            return self._fetch_content(attachment.id, what, lambda r: write_bounded(r, out, max_bytes, what, "jira"))

        return self._call(what, unit)

    # ------------------------------------------------------------------ their record

    def delete_user(self, person: Person) -> UserErasure:
        account = _account(person)
        if person.staff:
            raise PlatformRejected(f"jira: account {account} is not a customer account: not erased")
        removed, refused = 0, []
        for desk in self._service_desks():
            what = f"remove customer {account} from service desk {desk}"
            try:
                self._call(what, lambda: check(self._http().request(
                    "DELETE", f"/rest/servicedeskapi/servicedesk/{desk}/customer", headers=EXPERIMENTAL,
                    json={"accountIds": [account]}), what))
                removed += 1
            except PlatformRejected:
                refused.append(desk)
        statements = [ACCOUNT_STAYS]
        if refused:
            statements.append(f"service desk(s) {', '.join(refused)} refused to remove the customer "
                              "(open access, or no permission): remove them by hand in the project's Customers page")
        return UserErasure(person.id, False, f"removed from the customers of {removed} service desk(s)",
                           tuple(statements))


def _account(person: Person) -> str:
    account = person.id
    if not account or len(account) > 128 or any(ch in account for ch in '"\\ \n\r\t'):
        raise PlatformRejected("jira: not an account id")
    return account


def _author_role(author: dict[str, Any], reporter: str | None) -> str:
    if reporter and author.get("accountId") == reporter:
        return "requester"
    return "agent" if author.get("accountType") in ("atlassian", "app") else "other"


__all__ = ["ACCOUNT_STAYS", "JiraSubjects", "PlatformError"]
