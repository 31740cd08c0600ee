"""The ``retention:`` section of rules.yaml: how long tickets are kept, per platform and scope.

A rule deletes, for good, the tickets of one platform in its scope whose ``based_on`` date
(last update, solved, created) is older than ``older_than``. Periods are written as a
number and a unit: ``3y``, ``18m`` (months), ``90d``, ``12w``; years and months are
calendar ones (3y before 2026-12-02 is 2023-12-02).
"""

from __future__ import annotations

import calendar
import hashlib
import json
import re
from datetime import datetime, timedelta, timezone
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bridge.platform import RETENTION_BASES, RetentionQuery

_PERIOD = re.compile(r"^\s*(\d{1,4})\s*([ymwd])\s*$")
PERIOD_HINT = "write a period like 3y, 18m, 12w or 90d (years, months, weeks, days)"
MIN_DAYS = 1

# the scope keys each platform understands (the rest is refused with this hint)
SCOPE_KEYS: dict[str, tuple[str, ...]] = {
    "zendesk": ("brands", "forms", "tags"),
    "jira": ("projects", "request_types"),
}


def parse_period(text: str) -> tuple[int, str]:
    match = _PERIOD.match(str(text))
    if not match:
        raise ValueError(f"{text!r} is not a period: {PERIOD_HINT}")
    return int(match.group(1)), match.group(2)


def subtract_period(now: datetime, amount: int, unit: str) -> datetime:
    """``now`` minus the period; calendar years and months (the day clamped to the month's end)."""
    if unit in ("d", "w"):
        return now - timedelta(days=amount * (7 if unit == "w" else 1))
    months = amount * (12 if unit == "y" else 1)
    total = now.year * 12 + (now.month - 1) - months
    year, month = divmod(total, 12)
    month += 1
    day = min(now.day, calendar.monthrange(year, month)[1])
    return now.replace(year=year, month=month, day=day)


class RetentionScope(BaseModel):
    model_config = ConfigDict(extra="forbid")

    brands: list[str] = Field(default_factory=list, description="Zendesk brand ids or names")
    forms: list[str] = Field(default_factory=list, description="Zendesk ticket form ids or names")
    tags: list[str] = Field(default_factory=list, description="Zendesk tags (a ticket with any of them)")
    projects: list[str] = Field(default_factory=list, description="Jira project keys")
    request_types: list[str] = Field(default_factory=list, description="JSM request type names")

    @field_validator("brands", "forms", "tags", "projects", "request_types", mode="before")
    @classmethod
    def _strings(cls, value: object) -> object:
        if isinstance(value, (str, int)):
            value = [value]
        if isinstance(value, list):
            out = []
            for item in value:
                if not isinstance(item, (str, int)) or isinstance(item, bool) or not str(item).strip():
                    raise ValueError("each value must be a non-empty name or id")
                if '"' in str(item) or "\n" in str(item):
                    raise ValueError("a value may not hold a double quote or a line break")
                out.append(str(item).strip())
            return out
        return value

    def given(self) -> dict[str, list[str]]:
        return {k: v for k, v in self.model_dump().items() if v}


class RetentionRule(BaseModel):
    """One retention rule (see docs/retention.md)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
                      description="a short name (letters, digits, - _ .): kept in the audit")
    platform: str
    scope: RetentionScope = Field(default_factory=RetentionScope)
    older_than: str
    based_on: Literal["updated", "solved", "created"] = "updated"
    action: Literal["delete"] = "delete"

    @field_validator("older_than", mode="before")
    @classmethod
    def _period(cls, value: object) -> str:
        amount, unit = parse_period(str(value))
        days = {"y": 365, "m": 28, "w": 7, "d": 1}[unit] * amount
        if days < MIN_DAYS:
            raise ValueError(f"{value!r} is too short: at least {MIN_DAYS} day ({PERIOD_HINT})")
        return f"{amount}{unit}"

    @field_validator("platform")
    @classmethod
    def _known_platform(cls, value: str) -> str:
        from bridge.platform import platform_names

        if value not in platform_names():
            raise ValueError(f"unknown platform {value!r}; choose one of: {', '.join(platform_names())}")
        return value

    @model_validator(mode="after")
    def _scope_fits_platform(self) -> "RetentionRule":
        allowed = SCOPE_KEYS.get(self.platform, ())
        for key in self.scope.given():
            if key not in allowed:
                raise ValueError(f"scope.{key}: not a {self.platform} scope ({self.platform} rules are scoped by "
                                 f"{', '.join(allowed) or 'nothing'})")
        return self

    def cutoff(self, now: datetime | None = None) -> datetime:
        now = now or datetime.now(timezone.utc)
        amount, unit = parse_period(self.older_than)
        return subtract_period(now, amount, unit)

    def query(self, cutoff: datetime) -> RetentionQuery:
        s = self.scope
        return RetentionQuery(rule=self.name, based_on=self.based_on, cutoff=cutoff, brands=tuple(s.brands),
                              forms=tuple(s.forms), tags=tuple(s.tags), projects=tuple(s.projects),
                              request_types=tuple(s.request_types))

    def fingerprint(self) -> str:
        """Changes when the rule does (a resumed run whose rule changed starts over)."""
        data = json.dumps(self.model_dump(), sort_keys=True).encode()
        return hashlib.sha256(data).hexdigest()[:12]


assert set(RETENTION_BASES) == {"updated", "solved", "created"}


def check_rules(rules: list[RetentionRule]) -> None:
    """Cross-rule checks (names unique); raises ``ValueError`` naming the rule."""
    seen: set[str] = set()
    for i, rule in enumerate(rules):
        if rule.name in seen:
            raise ValueError(f"retention[{i}].name: rule name {rule.name!r} is used twice")
        seen.add(rule.name)
