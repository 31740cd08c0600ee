"""What the fake Zendesk answers for retention (mixed into ``FakeZendesk``), with the shapes of
Zendesk's API reference:

- ``GET /api/v2/search/export?query=…&filter[type]=ticket&page[size]=`` (≤1000; cursor
  pagination: ``meta.has_more``/``after_cursor``, ``links.next``; ``page[after]`` refused with
  400 once ``expire_cursors()`` was called, as an hour-old cursor is). Query terms:
  ``type:ticket``, ``created|updated|solved`` with ``< > <= >= :`` and a ``YYYY-MM-DD`` date
  (UTC), ``brand_id:N`` / ``brand:name``, ``ticket_form_id:N`` / ``form:name``, ``tags:t``,
  ``status:s``; values may be "quoted". Deleted tickets are not found. Anything else → 400.
- ``GET /api/v2/tickets/show_many?ids=`` (≤100): the tickets that are not deleted.
- ``DELETE /api/v2/tickets/destroy_many?ids=`` (≤100, else 400): a ``job_status``; the tickets
  move to Deleted Tickets; the job goes queued → working → completed over polls with one
  result per id (``success`` false for an id that was not there).
- ``DELETE /api/v2/deleted_tickets/destroy_many?ids=`` (≤100): a ``job_status`` that, once
  polled to completed, erases the tickets (as ``DELETE /deleted_tickets/{id}`` does).

Counters for the tests: ``soft_delete_calls`` / ``purge_calls`` (requests naming an id, per id)
and ``soft_deleted`` (effective soft deletions per id); ``permanently_deleted`` lists erasures.
"""

from __future__ import annotations

import base64
import collections
import re
import uuid
from datetime import datetime, timezone
from typing import Any, Iterable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

_TERM = re.compile(r'(\w+)(<=|>=|<|>|:)("[^"]*"|\S+)')
MAX_IDS = 100


def _when(value: str) -> datetime:
    return datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=timezone.utc)


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


class ZendeskRetentionFake:
    """The retention endpoints; expects ``FakeZendesk``'s state (tickets, deleted, jobs, _lock)."""

    def _retention_init(self) -> None:
        self.solved_at: dict[int, datetime] = {}
        self.brand_names: dict[int, str] = {}
        self.form_names: dict[int, str] = {}
        self.soft_delete_calls: collections.Counter[int] = collections.Counter()
        self.purge_calls: collections.Counter[int] = collections.Counter()
        self.soft_deleted: collections.Counter[int] = collections.Counter()
        self.searches: list[str] = []
        self._cursor_epoch = 0

    # ------------------------------------------------------------------ seeding

    def add_aged_ticket(self, created: datetime, updated: datetime | None = None, solved: datetime | None = None,
                        brand_id: int | None = None, ticket_form_id: int | None = None,
                        tags: Iterable[str] = (), requester_id: int | None = None) -> int:
        """A ticket created, last updated (default: when created) and solved (then its status is
        closed) at the given times."""
        ticket_id = self.add_ticket("Old ticket", "Hello", brand_id=brand_id, ticket_form_id=ticket_form_id,  # type: ignore[attr-defined]
                                    tags=tags, created_at=created, requester_id=requester_id,
                                    status="closed" if solved else "open")
        with self._lock:  # type: ignore[attr-defined]
            ticket = self.tickets[ticket_id]  # type: ignore[attr-defined]
            last = updated or solved or created
            ticket["updated_at"] = last.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            ticket["generated_timestamp"] = int(last.timestamp())
            if solved:
                self.solved_at[ticket_id] = solved
        return ticket_id

    def touch_ticket(self, ticket_id: int, when: datetime) -> None:
        """An agent updates the ticket at ``when`` (it is young again)."""
        with self._lock:  # type: ignore[attr-defined]
            ticket = self.tickets[ticket_id]  # type: ignore[attr-defined]
            ticket["updated_at"] = when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    def expire_cursors(self) -> None:
        """Search export cursors handed out so far are refused from now on (they last an hour)."""
        with self._lock:  # type: ignore[attr-defined]
            self._cursor_epoch += 1

    # ------------------------------------------------------------------ HTTP

    def _retention_routes(self) -> list[Route]:
        return [
            Route("/api/v2/search/export", self._search_export, methods=["GET"]),
            Route("/api/v2/tickets/show_many", self._show_many, methods=["GET"]),
            Route("/api/v2/tickets/destroy_many", self._destroy_many, methods=["DELETE"]),
            Route("/api/v2/deleted_tickets/destroy_many", self._purge_many, methods=["DELETE"]),
        ]

    def _matcher(self, query: str) -> Any:
        tests = []
        rest = _TERM.sub(" ", query).strip()
        if rest:
            raise ValueError(f"the fake does not understand {rest!r}")
        for key, op, raw in _TERM.findall(query):
            value = raw.strip('"')
            if key == "type":
                if value != "ticket":
                    raise ValueError("only type:ticket")
            elif key in ("created", "updated", "solved"):
                bound = _when(value)
                field = {"created": "created_at", "updated": "updated_at"}.get(key)

                def date_of(t: dict[str, Any], field: str | None = field) -> datetime | None:
                    return _time(t.get(field)) if field else self.solved_at.get(t["id"])

                compare = {"<": lambda a, b: a < b, ">": lambda a, b: a >= b.replace(hour=23, minute=59, second=59),
                           "<=": lambda a, b: a < b.replace(hour=23, minute=59, second=59),
                           ">=": lambda a, b: a >= b,
                           ":": lambda a, b: b <= a < b.replace(hour=23, minute=59, second=59)}[op]
                tests.append(lambda t, d=date_of, c=compare, b=bound: d(t) is not None and c(d(t), b))
            elif op != ":":
                raise ValueError(f"{key} takes ':'")
            elif key == "brand_id":
                tests.append(lambda t, v=value: str(t.get("brand_id")) == v)
            elif key == "brand":
                tests.append(lambda t, v=value: self.brand_names.get(t.get("brand_id") or 0, "").lower() == v.lower())
            elif key == "ticket_form_id":
                tests.append(lambda t, v=value: str(t.get("ticket_form_id")) == v)
            elif key == "form":
                tests.append(lambda t, v=value: self.form_names.get(t.get("ticket_form_id") or 0, "").lower()
                             == v.lower())
            elif key == "tags":
                tests.append(lambda t, v=value: v in (t.get("tags") or []))
            elif key == "status":
                tests.append(lambda t, v=value: t.get("status") == v)
            else:
                raise ValueError(f"the fake does not understand {key!r}")
        return lambda t: all(test(t) for test in tests)

    async def _search_export(self, request: Request) -> Response:
        query = request.query_params
        if query.get("filter[type]") != "ticket":
            return JSONResponse({"error": "InvalidValue", "description": "filter[type] is required"}, status_code=400)
        try:
            matcher = self._matcher(query.get("query") or "")
        except ValueError as exc:
            return JSONResponse({"error": "InvalidValue", "description": str(exc)}, status_code=400)
        size = min(int(query.get("page[size]") or 100), 1000)
        with self._lock:  # type: ignore[attr-defined]
            self.searches.append(query.get("query") or "")
            start = 0
            if query.get("page[after]"):
                try:
                    epoch, offset = base64.urlsafe_b64decode(query["page[after]"]).decode().split(":")
                    start = int(offset)
                except ValueError:
                    epoch = "x"
                if epoch != str(self._cursor_epoch):
                    return JSONResponse({"error": "InvalidPaginationParameter",
                                         "description": "cursor expired or invalid"}, status_code=400)
            found = sorted((t for t in self.tickets.values() if matcher(t)), key=lambda t: t["id"])  # type: ignore[attr-defined]
            chunk = [{**t, "result_type": "ticket"} for t in found[start:start + size]]
            more = start + size < len(found)
            after = base64.urlsafe_b64encode(f"{self._cursor_epoch}:{start + size}".encode()).decode() if more else None
        base = f"{self.url}/api/v2/search/export"  # type: ignore[attr-defined]
        return JSONResponse({"results": chunk, "facets": None,
                             "meta": {"has_more": more, "after_cursor": after, "before_cursor": None},
                             "links": {"next": f"{base}?page[after]={after}" if more else None, "prev": None}})

    def _id_list(self, request: Request) -> list[int] | Response:
        raw = request.query_params.get("ids") or ""
        try:
            ids = [int(part) for part in raw.split(",") if part.strip()]
        except ValueError:
            return JSONResponse({"error": "InvalidValue", "description": "ids must be numbers"}, status_code=400)
        if not ids or len(ids) > MAX_IDS:
            return JSONResponse({"error": "InvalidValue", "description": f"between 1 and {MAX_IDS} ids"},
                                status_code=400)
        return ids

    async def _show_many(self, request: Request) -> Response:
        ids = self._id_list(request)
        if isinstance(ids, Response):
            return ids
        with self._lock:  # type: ignore[attr-defined]
            return JSONResponse({"tickets": [self.tickets[i] for i in ids if i in self.tickets],  # type: ignore[attr-defined]
                                 "next_page": None, "previous_page": None, "count": 0})

    def _queue_job(self, ticket_ids: list[int], results: Any, job_type: str) -> dict[str, Any]:
        job_id = uuid.uuid4().hex
        self.jobs[job_id] = {"ticket_ids": ticket_ids, "polls": 0, "status": "queued"}  # type: ignore[attr-defined]
        job = self._job_json(job_id)  # type: ignore[attr-defined]
        self.jobs[job_id]["bulk_results"] = results  # type: ignore[attr-defined]
        return {**job, "job_type": job_type}

    async def _destroy_many(self, request: Request) -> Response:
        ids = self._id_list(request)
        if isinstance(ids, Response):
            return ids
        with self._lock:  # type: ignore[attr-defined]
            results = []
            for ticket_id in ids:
                self.soft_delete_calls[ticket_id] += 1
                ticket = self.tickets.pop(ticket_id, None)  # type: ignore[attr-defined]
                if ticket is None:
                    results.append({"id": ticket_id, "success": False, "errors": "RecordNotFound"})
                    continue
                self.soft_deleted[ticket_id] += 1
                self.deleted[ticket_id] = {**ticket, "status": "deleted"}  # type: ignore[attr-defined]
                self._touch(self.deleted[ticket_id])  # type: ignore[attr-defined]
                results.append({"id": ticket_id, "success": True, "action": "delete", "status": "Deleted"})
            return JSONResponse({"job_status": self._queue_job([], results, "BulkDeleteTickets")})

    async def _purge_many(self, request: Request) -> Response:
        ids = self._id_list(request)
        if isinstance(ids, Response):
            return ids
        with self._lock:  # type: ignore[attr-defined]
            for ticket_id in ids:
                self.purge_calls[ticket_id] += 1
            return JSONResponse({"job_status": self._queue_job(list(ids), None, "ThrottledDestroyTickets")})
