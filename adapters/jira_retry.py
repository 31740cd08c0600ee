"""Who retries Jira calls, and how their errors become the bridge's three errors.

The ``jira`` library's ``ResilientSession`` retries 429/503 and connection errors for
every method, POST included, so a comment could be posted twice. The adapter builds
the library with ``max_retries=0`` and owns retries here instead: each *idempotent unit
of work* (look before you write) is retried with tenacity, with full-jitter
exponential back-off, at least the platform's ``Retry-After``, and a bound on both the
number of attempts and the longest ``Retry-After`` worth waiting for in-process (a
longer one goes back to the job queue as ``PlatformUnavailable.retry_after``).

Messages carry an operation name, an issue key and an HTTP status: never response
bodies or request headers (``JIRAError.__str__`` prints both, with credentials), so
translated errors are raised ``from None``.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Callable, Mapping, TypeVar

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt, wait_random_exponential

from bridge.platform import PlatformError, PlatformRejected, PlatformUnavailable, TicketGone

log = logging.getLogger("adapters.jira")

T = TypeVar("T")

TRANSIENT_STATUS = frozenset({408, 409, 425, 429})


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    base_wait: float = 0.5  # seconds; the n-th wait is uniform in [0, base * 2**n], capped
    max_wait: float = 20.0
    max_retry_after: float = 60.0  # a longer Retry-After is handed back to the queue


def retry_after_seconds(headers: Mapping[str, str] | None) -> float | None:
    """``Retry-After`` as seconds (delta-seconds or an HTTP date)."""
    if not headers:
        return None
    value = headers.get("Retry-After") or headers.get("retry-after")
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def from_status(
    status: int, headers: Mapping[str, str] | None, what: str, gone_on_404: bool = False
) -> PlatformError:
    if status == 404 and gone_on_404:
        return TicketGone(f"jira: {what}: not found (HTTP 404)")
    if status in TRANSIENT_STATUS or status >= 500:
        return PlatformUnavailable(f"jira: {what}: HTTP {status}", retry_after=retry_after_seconds(headers))
    hint = ""
    if status == 401:
        hint = " (check JIRA_EMAIL and JIRA_API_TOKEN)"
    elif status == 403:
        hint = " (the API user lacks a permission for this)"
    return PlatformRejected(f"jira: {what}: HTTP {status}{hint}")


def check(response: httpx.Response, what: str, gone_on_404: bool = False) -> httpx.Response:
    """Raise the translated error for a non-2xx httpx response."""
    if response.is_success:
        return response
    raise from_status(response.status_code, response.headers, what, gone_on_404)


def translate(exc: BaseException, what: str, gone_on_404: bool = False) -> PlatformError | None:
    """Our error for a library/transport exception, or None when it is not a platform problem."""
    if isinstance(exc, PlatformError):
        return exc
    # Imported here: requests and jira are only loaded when the platform client is used.
    import requests
    from jira.exceptions import JIRAError

    if isinstance(exc, JIRAError):
        if exc.status_code is None:
            return PlatformUnavailable(f"jira: {what}: no answer")
        headers = exc.response.headers if exc.response is not None else None
        return from_status(int(exc.status_code), headers, what, gone_on_404)
    if isinstance(exc, (requests.exceptions.Timeout, httpx.TimeoutException)):
        return PlatformUnavailable(f"jira: {what}: timed out")
    if isinstance(exc, (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError)):
        return PlatformUnavailable(f"jira: {what}: connection failed")
    if isinstance(exc, httpx.TransportError):
        return PlatformUnavailable(f"jira: {what}: connection failed")
    if isinstance(exc, (json.JSONDecodeError, requests.exceptions.JSONDecodeError)):
        return PlatformUnavailable(f"jira: {what}: unreadable answer")
    return None


class Caller:
    """Runs units of work against Jira with the retry policy and error translation."""

    def __init__(self, policy: RetryPolicy, sleep: Callable[[float], None] = time.sleep) -> None:
        self.policy = policy
        self._sleep = sleep

    def __call__(self, what: str, unit: Callable[[], T], gone_on_404: bool = False) -> T:
        for attempt in self._retrying(what):
            with attempt:
                try:
                    return unit()
                except Exception as exc:  # noqa: BLE001 - translated or re-raised below
                    ours = translate(exc, what, gone_on_404)
                    if ours is None:
                        raise
                    if ours is exc:
                        raise
                    raise ours from None
        raise AssertionError("unreachable")  # pragma: no cover - Retrying re-raises

    def _retrying(self, what: str) -> Retrying:
        policy = self.policy
        backoff = wait_random_exponential(multiplier=policy.base_wait, max=policy.max_wait)

        def wait(state: RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            retry_after = getattr(exc, "retry_after", None)
            jitter = backoff(state)
            return max(jitter, retry_after) if retry_after is not None else jitter

        def stop(state: RetryCallState) -> bool:
            if stop_after_attempt(policy.attempts)(state):
                return True
            exc = state.outcome.exception() if state.outcome else None
            retry_after = getattr(exc, "retry_after", None)
            return retry_after is not None and retry_after > policy.max_retry_after

        def before_sleep(state: RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            delay = state.next_action.sleep if state.next_action else 0.0
            log.warning(
                "%s; attempt %d/%d, retrying in %.2fs", exc, state.attempt_number, policy.attempts, delay
            )

        return Retrying(
            retry=retry_if_exception_type(PlatformUnavailable),
            wait=wait,
            stop=stop,
            reraise=True,
            sleep=self._sleep,
            before_sleep=before_sleep,
        )
