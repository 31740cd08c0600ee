"""What the fake Jira answers for retention (mixed into ``FakeJira``, and a hook in its JQL):

- JQL clauses ``updated|created|resolutiondate|resolved`` with ``< <= > >=`` and a date
  (``"YYYY/MM/DD HH:MM"``, ``"YYYY-MM-DD"``, or relative ``-1095d``) read in the API user's
  time zone; an issue never resolved has no ``resolutiondate`` and matches no comparison on it;
- ``"Request Type"`` / ``"Customer Request Type"`` ``=`` or ``in (…)`` (JSM request type names);
- clauses wrapped in parentheses, and ``project in (…)`` as the last clause;
- the ``resolutiondate`` field on issues.

``add_aged_issue`` seeds an issue created / last updated / resolved at given times, of a request
type, with subtasks of the same ages. Deletion is ``FakeJira``'s own (``DELETE
/issue/{key}?deleteSubtasks=``, 400 without the flag on an issue with subtasks).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any, Callable
from zoneinfo import ZoneInfo

_DATE_CLAUSE = re.compile(r'^(updated|created|resolutiondate|resolved)\s*(<=|>=|<|>)\s*"?([^"]+?)"?$', re.IGNORECASE)
_REQUEST_TYPE = re.compile(r'^"(?:Customer )?Request Type"\s*(=|in)\s*(.+)$', re.IGNORECASE)
_RELATIVE = re.compile(r"^-(\d+)([mhdw])$")


def unwrap(clause: str) -> str:
    """A clause without the parentheses around all of it (``(project = SD)`` → ``project = SD``)."""
    clause = clause.strip()
    while clause.startswith("(") and clause.endswith(")"):
        depth = 0
        for i, ch in enumerate(clause):
            depth += ch == "("
            depth -= ch == ")"
            if depth == 0 and i < len(clause) - 1:
                return clause
        clause = clause[1:-1].strip()
    return clause


def _moment(value: str, zone: ZoneInfo) -> datetime:
    if m := _RELATIVE.match(value):
        unit = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}[m.group(2)]
        return datetime.now(timezone.utc) - timedelta(**{unit: int(m.group(1))})
    for fmt in ("%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M", "%Y/%m/%d", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=zone)
        except ValueError:
            continue
    raise ValueError(f"date value '{value}' is invalid")


def retention_clause(clause: str, zone: ZoneInfo) -> Callable[[Any], bool] | None:
    """A test for the clauses retention uses, or None when the clause is none of them."""
    if m := _DATE_CLAUSE.match(clause):
        name = m.group(1).lower()
        attribute = {"updated": "updated", "created": "created"}.get(name, "resolved")
        bound = _moment(m.group(3), zone)
        compare = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
                   ">=": lambda a, b: a >= b}[m.group(2)]

        def test(issue: Any) -> bool:
            when = getattr(issue, attribute, None)
            return when is not None and compare(when, bound)

        return test
    if m := _REQUEST_TYPE.match(clause):
        raw = m.group(2).strip()
        if m.group(1).lower() == "in":
            if not (raw.startswith("(") and raw.endswith(")")):
                raise ValueError(f"bad list in '{clause}'")
            raw = raw[1:-1]
        names = {part.strip().strip('"').lower() for part in raw.split(",") if part.strip()}
        return lambda issue: str(getattr(issue, "request_type", "") or "").lower() in names
    return None


class JiraRetentionFake:
    """Seeding for retention; expects ``FakeJira``'s state (issues, _lock, add_issue)."""

    def add_aged_issue(self, project: str = "SD", created: datetime | None = None, updated: datetime | None = None,
                       resolved: datetime | None = None, request_type: str | None = None, subtasks: int = 0,
                       subtask_updated: datetime | None = None) -> str:
        """An issue created, last updated (default: resolved, else created) and resolved at the given
        times, of a JSM request type; its subtasks have the same dates unless ``subtask_updated``."""
        created = created or datetime.now(timezone.utc)
        key = self.add_issue(project, "Old request", "Hello", subtasks=subtasks, created=created)  # type: ignore[attr-defined]
        with self._lock:  # type: ignore[attr-defined]
            issue = self.issues[key]  # type: ignore[attr-defined]
            issue.updated = updated or resolved or created
            issue.resolved = resolved
            issue.request_type = request_type
            if resolved:
                issue.status = "Resolved"
            for sub_key in issue.subtasks:
                sub = self.issues[sub_key]  # type: ignore[attr-defined]
                sub.updated = subtask_updated or issue.updated
                sub.resolved = resolved
        return key

    def touch_issue(self, key: str, when: datetime) -> None:
        with self._lock:  # type: ignore[attr-defined]
            self.issues[key].updated = when  # type: ignore[attr-defined]

    def retention_fields(self, issue: Any) -> dict[str, Any]:
        from .jira_server import jira_time

        resolved = getattr(issue, "resolved", None)
        return {"resolutiondate": jira_time(resolved) if resolved else None}
