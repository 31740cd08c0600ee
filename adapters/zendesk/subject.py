"""Data-subject requests on Zendesk (``bridge.platform.SubjectRequests``), mixed into ``ZendeskPlatform``.

- the person: ``GET /api/v2/users/search?query=`` (zenpy ``users.search``), kept only when
  the primary address is exactly the one asked for;
- their tickets: ``/users/{id}/tickets/requested`` and ``/users/{id}/tickets/ccd`` (copied;
  followers are agents in Zendesk, so an end user is only ever CC'd);
- their user record: ``DELETE /users/{id}`` then ``DELETE /deleted_users/{id}`` (Zendesk
  permanently deletes only a user that is already deleted).

Messages carry operations and ids, never the address.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, BinaryIO, Callable, Iterator

from bridge.platform import (
    CC,
    REQUESTER,
    AttachmentRef,
    AttachmentTooLarge,
    ExportedComment,
    Person,
    PlatformRejected,
    TicketExport,
    TicketGone,
    TicketSummary,
    UserErasure,
)

from .shapes import _attachment_ref, _get, _number, _parse_time

if TYPE_CHECKING:  # pragma: no cover
    from zenpy import Zenpy

    from .errors import Caller
    from .http import ZendeskHttp

_ROLES = {"end-user": "end-user", "agent": "agent", "admin": "admin"}


class ZendeskSubjects:
    """The ``SubjectRequests`` half of ``ZendeskPlatform`` (which provides what is declared here)."""

    name: str
    _call: "Caller"
    _http: "ZendeskHttp"
    _zenpy: Callable[[], "Zenpy"]
    _comments: Callable[[int], list[Any]]
    _author_roles: dict[int, str]

    def find_users(self, email: str) -> list[Person]:

        wanted = email.strip().casefold()
        if "@" not in wanted:
            raise PlatformRejected("zendesk: not an e-mail address")
        found = self._call("search users by address", lambda: list(self._zenpy().users.search(query=wanted)))
        people = []
        for user in found:
            address = str(_get(user, "email") or "")
            if address.casefold() != wanted or _get(user, "id") is None:
                continue
            role = _ROLES.get(str(_get(user, "role") or ""), "agent")  # unknown roles count as staff
            people.append(Person(self.name, str(_get(user, "id")), role, address))
        return people

    def tickets_of(self, person: Person, relation: str) -> Iterator[TicketSummary]:

        user_id = _user_number(person)
        if relation == REQUESTER:
            what, listing = f"list tickets requested by user {user_id}", lambda: list(self._zenpy().users.requested(user_id))
        elif relation == CC:
            what, listing = f"list tickets user {user_id} is copied on", lambda: list(self._zenpy().users.cced(user_id))
        else:
            raise ValueError(f"unknown relation {relation!r}")
        for ticket in self._call(what, listing, gone_on_404=True):
            if relation == CC and str(_get(ticket, "requester_id")) == person.id:
                continue  # their own ticket is listed as requested
            yield TicketSummary(self.name, str(_get(ticket, "id")), relation, str(_get(ticket, "status") or ""),
                                _parse_time(_get(ticket, "created_at")), _parse_time(_get(ticket, "updated_at")))

    def export_ticket(self, ticket_id: str) -> TicketExport:

        number = _number(ticket_id)
        ticket = self._call(f"fetch ticket {number}", lambda: self._zenpy().tickets(id=number), gone_on_404=True)
        requester = _get(ticket, "requester_id")
        comments = []
        for raw in self._comments(number):
            refs = tuple(ref for ref in (_attachment_ref(a) for a in _get(raw, "attachments") or []) if ref)
            comments.append(ExportedComment(
                author_role=self._author_role(_get(raw, "author_id"), requester),
                created_at=_parse_time(_get(raw, "created_at")),
                body=str(_get(raw, "plain_body") or _get(raw, "body") or ""),
                public=bool(_get(raw, "public")),
                attachments=refs,
            ))
        return TicketExport(self.name, str(number), str(_get(ticket, "subject") or ""),
                            str(_get(ticket, "description") or ""), str(_get(ticket, "status") or ""),
                            _parse_time(_get(ticket, "created_at")), _parse_time(_get(ticket, "updated_at")),
                            comments)

    def _author_role(self, author_id: Any, requester_id: Any) -> str:

        if author_id is None:
            return "other"
        if author_id == requester_id:
            return "requester"
        number = int(author_id)
        if number not in self._author_roles:
            try:
                user = self._call(f"read author {number}", lambda: self._zenpy().users(id=number), gone_on_404=True)
                role = str(_get(user, "role") or "")
            except TicketGone:
                role = ""
            self._author_roles[number] = "agent" if role in ("agent", "admin") else "other"
        return self._author_roles[number]

    def download_attachment_to(self, attachment: AttachmentRef, out: BinaryIO, max_bytes: int) -> int:
        if attachment.size is not None and attachment.size > max_bytes:
            raise AttachmentTooLarge(f"zendesk: attachment {attachment.id} is {attachment.size} bytes, limit {max_bytes}")
        if not attachment.url:
            raise PlatformRejected(f"zendesk: attachment {attachment.id} has no content_url")
        what, url = f"download attachment {attachment.id}", attachment.url
        return self._call(what, lambda: self._http.download_to(url, out, max_bytes, what))

    def delete_user(self, person: Person) -> UserErasure:
        from zenpy.lib.api_objects import User

        user_id = _user_number(person)
        if person.staff:
            raise PlatformRejected(f"zendesk: user {user_id} is staff ({person.role}): not erased")
        try:
            self._call(f"delete user {user_id}", lambda: self._zenpy().users.delete(User(id=user_id)),
                       gone_on_404=True)
        except TicketGone:
            pass  # already deleted: the permanent deletion below tells whether anything is left
        attempts = 0

        def permanently_delete() -> Any:
            nonlocal attempts
            attempts += 1
            return self._zenpy().users.permanently_delete(user_id)

        try:
            self._call(f"permanently delete user {user_id}", permanently_delete, gone_on_404=True)
        except TicketGone:
            if attempts < 2:
                raise TicketGone(f"zendesk: user {user_id} is neither a user nor a deleted user") from None
            return UserErasure(person.id, True, "in neither users nor deleted users after a lost answer")
        return UserErasure(person.id, True, f"user {user_id} deleted and permanently deleted")


def _user_number(person: Person) -> int:
    if not person.id.isdigit() or len(person.id) > 18:
        raise PlatformRejected("zendesk: not a Zendesk user id")
    return int(person.id)
