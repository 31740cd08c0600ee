"""Tickets created in a window, page by page, for ``gdpr-bridge backfill``.

The incremental cursor export (``/api/v2/incremental/tickets/cursor``) is the one Zendesk
listing without a result cap whose cursor does not expire, so a backfill killed after a page
resumes from that page's ``after_cursor``. It runs in update order: every ticket updated
since ``since`` comes by, and those not created in ``[since, until)`` are left out here.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Any, Callable, Iterator

from bridge.platform import CreatedPage, PlatformUnavailable

from .http import MAX_PAGES, ZendeskHttp
from .shapes import _parse_time

REQUESTS_PER_TICKET = 3.0  # the ticket, its comments, its requester (attachments add one each)
WHAT = "incremental ticket export"


def created_pages(http: ZendeskHttp, call: Callable[[str, Callable[[], Any]], Any], since: datetime,
                  until: datetime, resume: str | None, valid_id: Callable[[str], bool]) -> Iterator[CreatedPage]:
    since = since if since.tzinfo else since.replace(tzinfo=timezone.utc)
    until = until if until.tzinfo else until.replace(tzinfo=timezone.utc)
    start = max(0, min(int(since.timestamp()), int(time.time()) - 61))  # Zendesk wants a start over a minute old
    params: dict[str, Any] = {"cursor": resume} if resume else {"start_time": start}
    for _ in range(MAX_PAGES):
        query = params
        page = call(WHAT, lambda: http.request("GET", "incremental/tickets/cursor.json", WHAT, params=query))
        ids: dict[str, None] = {}  # in order, once each
        reached: float | None = None
        for raw in page.get("tickets") or []:
            ticket_id = str(raw.get("id") or "")
            created = _parse_time(raw.get("created_at"))
            stamp = raw.get("generated_timestamp")
            if isinstance(stamp, (int, float)):
                reached = float(stamp)
            if (valid_id(ticket_id) and raw.get("status") != "deleted" and created is not None
                    and since <= created < until and ticket_id not in ids):
                ids[ticket_id] = None
        cursor = page.get("after_cursor")
        last = bool(page.get("end_of_stream")) or not cursor
        yield CreatedPage(tuple(ids), None if last else str(cursor), 1.0 if last else _share(reached, start))
        if last:
            return
        params = {"cursor": cursor}
    raise PlatformUnavailable(f"zendesk: {WHAT}: more than {MAX_PAGES} pages")


def _share(reached: float | None, start: int) -> float | None:
    """How far the export has come from ``start`` to now, by the update time of its last ticket."""
    now = time.time()
    if reached is None or now <= start:
        return None
    return max(0.0, min(1.0, (reached - start) / (now - start)))
