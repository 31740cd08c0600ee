"""Spending the shared API budget (``bridge.platform.RateBudget``) on every request.

Both HTTP stacks the adapters use get the same two steps: before a request to the
platform's API, ``acquire`` a slot (it may sleep, or raise ``PlatformUnavailable`` when
every worker is paused for long); after the answer, ``observe`` it: a 429 (or a 503 with
Retry-After) pauses every worker, an advertised lower limit lowers the budget, and an
exhausted quota (remaining 0) pauses until it resets. Downloads from other hosts (the
temporary URLs attachments redirect to) do not count.

- httpx: ``httpx_hooks`` (event hooks);
- requests (zenpy, jira): ``mount_budget`` mounts an ``HTTPAdapter`` that does both.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Callable, Mapping

import httpx

from bridge.platform import RateBudget

from .retry import retry_after_seconds

DEFAULT_PAUSE = 5.0  # seconds, for a 429 without Retry-After


def _header(headers: Mapping[str, str], *names: str) -> str | None:
    for name in names:
        value = headers.get(name)
        if value is not None and str(value).strip():
            return str(value).strip()
    return None


def _seconds_until(value: str) -> float | None:
    """A reset given as seconds from now, epoch seconds, or an ISO 8601 time."""
    try:
        number = float(value)
    except ValueError:
        try:
            when = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())
    now = datetime.now(timezone.utc).timestamp()
    return max(0.0, number - now) if number > 1_000_000_000 else max(0.0, number)


def observe(budget: RateBudget, status: int, headers: Mapping[str, str]) -> None:
    """What one answer tells the shared budget."""
    if status == 429 or (status == 503 and _header(headers, "retry-after", "Retry-After")):
        asked = retry_after_seconds(headers)
        budget.pause(asked if asked is not None else DEFAULT_PAUSE)
        return
    limit = _header(headers, "x-rate-limit", "X-Rate-Limit", "ratelimit-limit")  # Zendesk: requests a minute
    if limit is not None:
        try:
            budget.observe_limit(float(limit))
        except ValueError:
            pass
    remaining = _header(headers, "ratelimit-remaining", "x-rate-limit-remaining", "x-ratelimit-remaining")
    reset = _header(headers, "ratelimit-reset", "x-ratelimit-reset")
    if remaining == "0" and reset is not None:
        wait = _seconds_until(reset)
        if wait:
            budget.pause(min(wait, 60.0))


def httpx_hooks(budget: RateBudget | None, counts: Callable[[httpx.URL], bool]) -> dict[str, list[Any]]:
    """Event hooks for an ``httpx.Client``: only requests for which ``counts(url)`` spend the budget."""
    if budget is None:
        return {}

    def before(request: httpx.Request) -> None:
        if counts(request.url):
            budget.acquire()

    def after(response: httpx.Response) -> None:
        if counts(response.request.url):
            observe(budget, response.status_code, response.headers)

    return {"request": [before], "response": [after]}


def budgeted_adapter(budget: RateBudget | None, **kwargs: Any) -> Any:
    """A requests ``HTTPAdapter`` (no retries of its own) that spends ``budget`` on every request."""
    from requests.adapters import HTTPAdapter  # lazy: the web process never loads requests

    class BudgetedAdapter(HTTPAdapter):
        def send(self, request: Any, *args: Any, **send_kwargs: Any) -> Any:
            if budget is not None:
                budget.acquire()
            response = super().send(request, *args, **send_kwargs)
            if budget is not None:
                observe(budget, response.status_code, response.headers)
            return response

    return BudgetedAdapter(max_retries=0, **kwargs)


def mount_budget(session: Any, budget: RateBudget | None) -> None:
    """Replace a requests session's adapters by budgeted ones without retries."""
    adapter = budgeted_adapter(budget)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
