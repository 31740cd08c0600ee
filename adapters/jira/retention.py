"""Retention on Jira / JSM (``bridge.platform.RetentionPlatform``), beside ``JiraPlatform``.

- Finding: JQL ``project in ("SD") AND "Request Type" in ("Enquiry") AND updated < "YYYY/MM/DD
  HH:MM" ORDER BY created ASC`` (``resolutiondate`` for ``solved``), the cutoff written in the API
  user's time zone (Jira reads JQL dates in it) and floored to the minute (JQL has minutes: a
  ticket of the cutoff's own minute waits for the next run). Cloud pages with
  ``/rest/api/3/search/jql`` and ``nextPageToken``; Server/DC with ``/rest/api/2/search``
  and ``startAt``. A resumed run whose page token is refused searches again from the start.
- Deleting: Jira has no bulk delete, so one issue at a time: ``GET`` it (404: gone already, it
  counts as confirmed and is not deleted again — this is what makes a resumed batch safe),
  check its date again (and that its subtasks are expired too: ``deleteSubtasks=true`` takes
  them along, so a parent with a young subtask is spared), ``DELETE
  /rest/api/2/issue/{key}?deleteSubtasks=true``, then ``GET`` again until it answers 404.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone
from typing import Any, Mapping

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

from .platform import JiraPlatform
from .shapes import _check_key, _parse_time

log = logging.getLogger("adapters.jira")

_FIELD = {"updated": "updated", "created": "created", "solved": "resolutiondate"}
PAGE_SIZE = 100
BATCH_SIZE = 20


class JiraRetention:
    """``RetentionPlatform`` for one Jira site (through a ``JiraPlatform``'s clients)."""

    name = "jira"
    batch_size = BATCH_SIZE

    def __init__(self, platform: JiraPlatform) -> None:
        self._platform = platform
        self._call = platform._call
        self.page_size = PAGE_SIZE

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None,
                 budget: BudgetFactory | None = None) -> "JiraRetention":
        return cls(JiraPlatform.from_env(environ, budget=budget))

    def close(self) -> None:
        self._platform.close()

    # ------------------------------------------------------------------ finding

    def jql(self, query: RetentionQuery) -> str:
        if query.based_on not in _FIELD:
            raise PlatformRejected(f"jira: retention cannot count age from {query.based_on!r}")
        local = query.cutoff.astimezone(self._platform._user_zone()).replace(second=0, microsecond=0)
        clauses = []
        if query.projects:
            clauses.append("project in (" + ", ".join(_quote(p) for p in query.projects) + ")")
        if query.request_types:
            clauses.append('"Request Type" in (' + ", ".join(_quote(t) for t in query.request_types) + ")")
        clauses.append(f'{_FIELD[query.based_on]} < "{local:%Y/%m/%d %H:%M}"')
        return " AND ".join(clauses) + " ORDER BY created ASC"

    def find_expired(self, query: RetentionQuery, cursor: str | None) -> ExpiredPage:
        jql = self.jql(query)
        fields = ["created", "updated", "resolutiondate"]
        position = json.loads(cursor) if cursor else {}
        client = self._call("connect", self._platform._client)
        cloud = getattr(client, "deploymentType", None) == "Cloud"
        try:
            if cloud:
                token = position.get("token")
                page = self._call("retention search", lambda: client.enhanced_search_issues(
                    jql, nextPageToken=token, maxResults=self.page_size, fields=fields, json_result=True))
            else:
                start = int(position.get("start") or 0)
                page = self._call("retention search", lambda: client.search_issues(
                    jql, startAt=start, maxResults=self.page_size, fields=fields, json_result=True))
        except PlatformRejected:
            if not position:
                raise
            log.info("jira: retention search position refused, searching again", extra={"rule": query.rule})
            return ExpiredPage([], json.dumps({}))
        issues = (page or {}).get("issues") or []
        tickets = [t for t in (_expired(raw, query) for raw in issues) if t is not None]
        if cloud:
            token = page.get("nextPageToken")
            more = bool(token) and not page.get("isLast") and bool(issues)
            return ExpiredPage(tickets, json.dumps({"token": token}) if more else None)
        start = int(position.get("start") or 0) + len(issues)
        more = bool(issues) and start < int(page.get("total") or 0)
        return ExpiredPage(tickets, json.dumps({"start": start}) if more else None)

    # ------------------------------------------------------------------ deleting

    def delete_expired(self, query: RetentionQuery, ids: list[str], journal: BatchJournal) -> RetentionBatch:
        result = RetentionBatch()
        for ticket_id in ids:
            key = _check_key(ticket_id)
            try:
                outcome = self._delete_one(key, query)
            except TicketGone:
                outcome = "confirmed"  # gone already (an earlier run's deletion, or with its parent)
            except PlatformRejected as exc:
                result.failed[ticket_id] = str(exc)
                continue
            if outcome == "confirmed":
                result.confirmed.append(ticket_id)
            else:
                result.spared.append(ticket_id)
        return result

    def _delete_one(self, key: str, query: RetentionQuery) -> str:
        client = self._platform._client
        what = f"delete {key}"

        def unit() -> str:
            issue = self._issue(key)
            if issue is None:
                raise TicketGone(f"jira: {what}: not found (HTTP 404)")
            if not _still_expired(issue.raw.get("fields") or {}, query):
                return "spared"
            for sub in (issue.raw.get("fields") or {}).get("subtasks") or []:
                child = self._issue(str(sub.get("key") or ""))
                if child is not None and not _still_expired(child.raw.get("fields") or {}, query):
                    log.info("jira: retention spares an issue whose subtask is not expired",
                             extra={"ticket_id": key, "rule": query.rule})
                    return "spared"
            issue.delete(deleteSubtasks=True)
            if self._issue(key) is not None:
                raise PlatformUnavailable(f"jira: {what}: issue still visible after DELETE")
            return "confirmed"

        self._call("connect", client)
        return str(self._call(what, unit, gone_on_404=True))

    def _issue(self, key: str) -> Any:
        """The issue with its dates and subtasks, or None on 404."""
        try:
            return self._platform._client().issue(key, fields="created,updated,resolutiondate,subtasks")
        except Exception as exc:  # 404 means gone; the rest is translated by the caller
            if getattr(exc, "status_code", None) == 404:
                return None
            raise


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _date(fields: dict[str, Any], query: RetentionQuery) -> datetime | None:
    return _parse_time(fields.get(_FIELD[query.based_on]))


def _still_expired(fields: dict[str, Any], query: RetentionQuery) -> bool:
    when = _date(fields, query)
    return when is not None and when.astimezone(timezone.utc) < query.cutoff


def _expired(raw: Any, query: RetentionQuery) -> ExpiredTicket | None:
    if not isinstance(raw, dict) or not raw.get("key"):
        return None
    fields = raw.get("fields") or {}
    if not _still_expired(fields, query):
        return None
    return ExpiredTicket(str(raw["key"]), _date(fields, query))
