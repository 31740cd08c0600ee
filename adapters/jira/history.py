"""Issues created in a window, page by page, for ``gdpr-bridge backfill``.

JQL ``created >= … ORDER BY created ASC`` (within ``JIRA_SCOPE_JQL``), stopped at the first
issue created at or after ``until``. Jira's page tokens are not meant to outlive a run, so a
page's resume point is the creation time of its last issue: a resumed listing starts at that
minute (JQL dates have minutes) and lists again the few issues of it, which callers dedupe.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Callable, Iterator
from zoneinfo import ZoneInfo

from bridge.platform import CreatedPage

from .shapes import _parse_time

REQUESTS_PER_TICKET = 4.0  # the issue (twice while attachments settle), its JSM request, its reporter


def created_pages(search: Callable[[str, list[str]], Iterator[dict[str, Any]]], zone: ZoneInfo,
                  scope_jql: str | None, page_size: int, since: datetime, until: datetime,
                  resume: str | None) -> Iterator[CreatedPage]:
    since = since if since.tzinfo else since.replace(tzinfo=timezone.utc)
    until = until if until.tzinfo else until.replace(tzinfo=timezone.utc)
    start = max(since, _parse_time(resume) or since) if resume else since
    local = start.astimezone(zone).replace(second=0, microsecond=0)  # floor: JQL has minutes
    jql = f'created >= "{local:%Y/%m/%d %H:%M}" ORDER BY created ASC'
    if scope_jql:
        jql = f"({scope_jql}) AND {jql}"
    span = (until - since).total_seconds()
    ids: list[str] = []
    last: datetime | None = None
    for issue in search(jql, ["created"]):
        key = str(issue.get("key") or "")
        created = _parse_time((issue.get("fields") or {}).get("created"))
        if created is not None and created >= until:  # ascending: nothing after it is in the window
            break
        if key and created is not None and created >= since and key not in ids:
            ids.append(key)
            last = created
        if len(ids) >= page_size and last is not None:
            yield CreatedPage(tuple(ids), last.isoformat(), _share(last, since, span))
            ids = []
    yield CreatedPage(tuple(ids), None, 1.0)


def _share(reached: datetime, since: datetime, span: float) -> float | None:
    return max(0.0, min(1.0, (reached - since).total_seconds() / span)) if span > 0 else None
