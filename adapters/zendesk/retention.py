"""Retention on Zendesk (``bridge.platform.RetentionPlatform``), beside ``ZendeskPlatform``.

- Finding: ``GET /api/v2/search/export?filter[type]=ticket&query=…`` (cursor pagination with
  ``page[after]``, up to 1,000 a page; no 1,000-result cap as ``/search`` has). The query is
  ``type:ticket <based_on><YYYY-MM-DD>`` plus the scope: ``brand_id:N`` / ``brand:"name"``,
  ``ticket_form_id:N`` / ``form:"name"``, ``tags:t``; one search per combination of scope
  values. The date is the cutoff's day (search dates have day precision): a ticket of the
  cutoff's own day waits for the next run, never the other way round. A search cursor
  expires after an hour: a resumed run whose cursor is refused starts the search again
  (ids already found are kept once).
- Deleting, per batch of at most 100 ids, each step written to the batch's journal before
  the next: ``GET /api/v2/tickets/show_many?ids=`` (what is still there, still expired, still in
  scope: the rest is spared), ``DELETE /api/v2/tickets/destroy_many?ids=`` (job polled until
  completed), ``DELETE /api/v2/deleted_tickets/destroy_many?ids=`` (permanent; job polled until
  completed). A batch resumed after a crash polls the job it had started instead of asking
  again, and asks show_many which tickets the soft delete had already taken.
"""

from __future__ import annotations

import itertools
import json
import logging
import time
from typing import Any, Callable, Mapping

from bridge.platform import (
    BatchJournal,
    BudgetFactory,
    ExpiredPage,
    ExpiredTicket,
    PlatformRejected,
    PlatformUnavailable,
    RetentionBatch,
    RetentionQuery,
    TicketGone,
)

from .platform import ZendeskPlatform
from .shapes import _number, _parse_time

log = logging.getLogger("adapters.zendesk")

PAGE_SIZE = 1000
BATCH_SIZE = 100  # destroy_many's limit
_FIELD = {"updated": "updated", "created": "created", "solved": "solved"}
_TICKET_TIME = {"updated": "updated_at", "created": "created_at"}  # "solved" is not on the ticket


class ZendeskRetention:
    """``RetentionPlatform`` for one Zendesk account (through a ``ZendeskPlatform``'s clients)."""

    name = "zendesk"
    batch_size = BATCH_SIZE

    def __init__(self, platform: ZendeskPlatform, sleep: Callable[[float], None] = time.sleep) -> None:
        self._platform = platform
        self._http = platform._http
        self._call = platform._call
        self._sleep = sleep
        self.settings = platform.settings
        self.page_size = PAGE_SIZE

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None,
                 budget: BudgetFactory | None = None) -> "ZendeskRetention":
        return cls(ZendeskPlatform.from_env(environ, budget=budget))

    def close(self) -> None:
        self._platform.close()

    # ------------------------------------------------------------------ finding

    def queries(self, query: RetentionQuery) -> list[str]:
        """One search query per combination of scope values."""
        if query.based_on not in _FIELD:
            raise PlatformRejected(f"zendesk: retention cannot count age from {query.based_on!r}")
        day = query.cutoff.date().isoformat()
        base = f"type:ticket {_FIELD[query.based_on]}<{day}"
        brands = [_term("brand_id", "brand", b) for b in query.brands] or [""]
        forms = [_term("ticket_form_id", "form", f) for f in query.forms] or [""]
        tags = [f"tags:{_quote(t)}" for t in query.tags] or [""]
        return [" ".join(part for part in (base, *combo) if part) for combo in itertools.product(brands, forms, tags)]

    def find_expired(self, query: RetentionQuery, cursor: str | None) -> ExpiredPage:
        queries = self.queries(query)
        position = json.loads(cursor) if cursor else {"q": 0, "after": None}
        index, after = int(position.get("q", 0)), position.get("after")
        if index >= len(queries):
            return ExpiredPage([], None)
        params: dict[str, Any] = {"query": queries[index], "filter[type]": "ticket", "page[size]": self.page_size}
        if after:
            params["page[after]"] = after
        what = "retention search"
        try:
            data = self._call(what, lambda: self._http.request("GET", "search/export", what, params=params))
        except PlatformRejected:
            if not after:
                raise
            # the search cursor expired (an hour): search again from the start; known ids are kept once
            log.info("zendesk: retention search cursor refused, searching again", extra={"rule": query.rule})
            return ExpiredPage([], json.dumps({"q": index, "after": None}))
        tickets = []
        for raw in data.get("results") or []:
            if not isinstance(raw, dict) or raw.get("result_type", "ticket") != "ticket":
                continue
            ticket = _expired(raw, query)
            if ticket is not None:
                tickets.append(ticket)
        meta = data.get("meta") or {}
        if meta.get("has_more") and meta.get("after_cursor"):
            return ExpiredPage(tickets, json.dumps({"q": index, "after": meta["after_cursor"]}))
        if index + 1 < len(queries):
            return ExpiredPage(tickets, json.dumps({"q": index + 1, "after": None}))
        return ExpiredPage(tickets, None)

    # ------------------------------------------------------------------ deleting

    def delete_expired(self, query: RetentionQuery, ids: list[str], journal: BatchJournal) -> RetentionBatch:
        if len(ids) > BATCH_SIZE:
            raise ValueError(f"at most {BATCH_SIZE} tickets a batch")
        numbers = [_number(i) for i in ids]
        state = journal.load()
        result = RetentionBatch()
        if state.get("phase") != "purge":
            if state.get("soft_job"):  # started before a crash: let it finish (never ask twice)
                self._await_job(str(state["soft_job"]), "delete")
            live = self._show_many(numbers)  # soft-deleted (by us or anyone) are no longer live
            still = [n for n in numbers if n in live and _still_expired(live[n], query)]
            result.spared = [str(n) for n in numbers if n in live and n not in still]
            doomed = [n for n in numbers if n not in live]
            if still:
                job = self._start_job("tickets/destroy_many", still, "delete")
                journal.save({"phase": "soft", "soft_job": job})
                failed = self._await_job(job, "delete")
                for n in failed:
                    result.failed[str(n)] = "the soft delete failed"
                doomed += [n for n in still if n not in failed]
            state = {"phase": "purge", "doomed": sorted(doomed), "spared": result.spared,
                     "soft_failed": sorted(result.failed)}
            journal.save(state)
        else:  # resumed past the soft delete: what it decided is in the journal
            result.spared = [str(n) for n in state.get("spared") or []]
            result.failed = {str(n): "the soft delete failed" for n in state.get("soft_failed") or []}
        doomed = [int(n) for n in state.get("doomed") or []]
        failed = set()
        if doomed:
            job = state.get("purge_job")
            if not job:
                job = self._start_job("deleted_tickets/destroy_many", doomed, "permanently delete")
                journal.save({**state, "purge_job": job})
            try:
                failed = self._await_job(str(job), "permanently delete")
            except PlatformRejected:  # the bulk job gives no per-ticket answer: one by one
                failed = self._purge_one_by_one(doomed)
        for n in failed:
            result.failed[str(n)] = "the permanent deletion failed"
        result.confirmed = [str(n) for n in doomed if n not in failed]
        for n in numbers:  # not in the journal (it predates this batch?): never counted as deleted
            key = str(n)
            if key not in result.spared and key not in result.failed and key not in result.confirmed:
                result.failed[key] = "not confirmed"
        return result

    def _purge_one_by_one(self, numbers: list[int]) -> set[int]:
        failed: set[int] = set()
        for n in numbers:
            label = f"permanently delete ticket {n}"
            try:
                data = self._call(label, lambda n=n: self._http.request("DELETE", f"deleted_tickets/{n}", label,
                                                                         gone_on_404=True))
            except TicketGone:
                continue  # in neither list: nothing left of it
            job = (data.get("job_status") or {}).get("id")
            try:
                if not job or self._await_job(str(job), label):
                    failed.add(n)
            except PlatformRejected:
                failed.add(n)
        return failed

    def _show_many(self, numbers: list[int]) -> dict[int, dict[str, Any]]:
        """The tickets still there (not deleted), by id."""
        what = f"read {len(numbers)} tickets"
        data = self._call(what, lambda: self._http.request(
            "GET", "tickets/show_many", what, params={"ids": ",".join(str(n) for n in numbers)}))
        found: dict[int, dict[str, Any]] = {}
        for raw in data.get("tickets") or []:
            if isinstance(raw, dict) and raw.get("id") is not None and raw.get("status") != "deleted":
                found[int(raw["id"])] = raw
        return found

    def _start_job(self, path: str, numbers: list[int], what: str) -> str:
        label = f"{what} {len(numbers)} tickets"
        data = self._call(label, lambda: self._http.request(
            "DELETE", path, label, params={"ids": ",".join(str(n) for n in numbers)}))
        job = (data.get("job_status") or {}).get("id")
        if not job:
            raise PlatformUnavailable(f"zendesk: {label}: no job status in the answer")
        return str(job)

    def _await_job(self, job_id: str, what: str) -> set[int]:
        """Poll until the job completes; returns the ids its results say failed."""
        label = f"{what} job {job_id}"
        deadline = time.monotonic() + self.settings.job_timeout
        pause = self.settings.job_poll
        while True:
            data = self._call(f"poll {label}", lambda: self._http.request("GET", f"job_statuses/{job_id}", label))
            job = data.get("job_status") or {}
            status = str(job.get("status") or "")
            if status == "completed":
                return _failed_ids(job.get("results"), label)
            if status in ("failed", "killed"):
                raise PlatformRejected(f"zendesk: {label}: {status}")
            if time.monotonic() + pause > deadline:
                raise PlatformUnavailable(f"zendesk: {label}: still {status or 'unknown'} after "
                                          f"{self.settings.job_timeout:g}s", retry_after=60.0)
            self._sleep(pause)
            pause = min(pause * 2, 5.0)


def _quote(value: str) -> str:
    return f'"{value}"' if any(ch.isspace() for ch in value) or ":" in value else value


def _term(id_key: str, name_key: str, value: str) -> str:
    return f"{id_key}:{value}" if value.isdigit() else f"{name_key}:{_quote(value)}"


def _expired(raw: dict[str, Any], query: RetentionQuery) -> ExpiredTicket | None:
    """The search result as an expired ticket, or None when it is not (checked again here:
    the search only has day precision and its index may lag)."""
    try:
        number = _number(str(raw.get("id")))
    except PlatformRejected:
        return None
    if raw.get("status") == "deleted":
        return None
    field = _TICKET_TIME.get(query.based_on)
    when = _parse_time(raw.get(field)) if field else None
    if field and (when is None or when >= query.cutoff):
        return None
    if not _in_scope(raw, query):
        return None
    return ExpiredTicket(str(number), when)


def _still_expired(raw: dict[str, Any], query: RetentionQuery) -> bool:
    field = _TICKET_TIME.get(query.based_on)
    if field:
        when = _parse_time(raw.get(field))
        if when is None or when >= query.cutoff:
            return False
    elif query.based_on == "solved" and raw.get("status") not in ("solved", "closed"):
        return False  # reopened since it was found
    return _in_scope(raw, query)


def _in_scope(raw: dict[str, Any], query: RetentionQuery) -> bool:
    """The scope checks the ticket's own fields allow (ids; names are left to the search)."""
    brand_ids = [b for b in query.brands if b.isdigit()]
    if brand_ids and len(brand_ids) == len(query.brands) and str(raw.get("brand_id")) not in brand_ids:
        return False
    form_ids = [f for f in query.forms if f.isdigit()]
    if form_ids and len(form_ids) == len(query.forms) and str(raw.get("ticket_form_id")) not in form_ids:
        return False
    if query.tags and not set(query.tags) & {str(t) for t in raw.get("tags") or []}:
        return False
    return True


def _failed_ids(results: Any, label: str) -> set[int]:
    """Ids a completed job reports as failed. Bulk jobs list one result per id; the permanent
    deletion job gives ``{"success": bool}`` for all of them."""
    if isinstance(results, Mapping):
        if results.get("success") is False:
            raise PlatformRejected(f"zendesk: {label}: completed without success")
        return set()
    failed: set[int] = set()
    for item in results or []:
        if isinstance(item, Mapping) and (item.get("success") is False or item.get("errors") or item.get("error")):
            try:
                failed.add(int(item.get("id")))
            except (TypeError, ValueError):
                raise PlatformRejected(f"zendesk: {label}: a result failed without naming its ticket") from None
    return failed


__all__ = ["ZendeskRetention"]
