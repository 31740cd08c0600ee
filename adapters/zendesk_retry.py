"""Who retries Zendesk calls, and how their errors become the bridge's three errors.

zenpy sleeps through 429s by itself (for as long as Zendesk keeps answering 429) and
requests' default adapter may retry too. The adapter turns both off (a response hook
raises ``RateLimited`` before zenpy sees a 429; the session's adapters have no retries)
and owns retries here: each *idempotent unit of work* is retried with tenacity, with
full-jitter exponential back-off, never sooner than the platform's ``Retry-After``, and
bounded twice: a number of attempts and the longest single wait worth sitting through
in-process (a longer ``Retry-After`` goes back to the job queue as
``PlatformUnavailable.retry_after``).

Messages carry an operation, an id and an HTTP status only: never response bodies
(zenpy's ``APIException`` message is the whole JSON answer), so translated errors are
raised ``from None``.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any, Callable, Mapping, TypeVar

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt, wait_random_exponential

from bridge.platform import PlatformError, PlatformRejected, PlatformUnavailable, TicketGone

log = logging.getLogger("adapters.zendesk")

T = TypeVar("T")

TRANSIENT_STATUS = frozenset({408, 409, 425, 429})  # 409: Zendesk's update conflict, try again


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    base_wait: float = 0.5  # the n-th wait is uniform in [0, base * 2**n], capped at max_wait
    max_wait: float = 30.0  # also the longest Retry-After waited for in-process


class RateLimited(Exception):
    """Raised from the requests response hook on a 429, before zenpy can sleep on it."""

    def __init__(self, retry_after: float | None) -> None:
        super().__init__("rate limited")
        self.retry_after = retry_after


def retry_after_seconds(headers: Mapping[str, str] | None) -> float | None:
    """``Retry-After`` as seconds (delta-seconds or an HTTP date)."""
    if not headers:
        return None
    value = (headers.get("Retry-After") or headers.get("retry-after") or "").strip()
    if not value:
        return None
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


def raise_on_rate_limit(response: Any, *args: Any, **kwargs: Any) -> Any:
    """requests response hook: a 429 becomes ``RateLimited`` (zenpy would sleep on it)."""
    if response.status_code == 429:
        raise RateLimited(retry_after_seconds(response.headers))
    return response


def from_status(
    status: int, headers: Mapping[str, str] | None, what: str, gone_on_404: bool = False
) -> PlatformError:
    if status == 404 and gone_on_404:
        return TicketGone(f"zendesk: {what}: not found (HTTP 404)")
    if status in TRANSIENT_STATUS or status >= 500:
        return PlatformUnavailable(f"zendesk: {what}: HTTP {status}", retry_after=retry_after_seconds(headers))
    hint = ""
    if status == 401:
        hint = " (check ZENDESK_EMAIL and ZENDESK_API_TOKEN)"
    elif status == 403:
        hint = " (the API user lacks a permission for this; deleting and installing need an admin)"
    return PlatformRejected(f"zendesk: {what}: HTTP {status}{hint}")


def check(response: httpx.Response, what: str, gone_on_404: bool = False) -> httpx.Response:
    """Raise the translated error for a non-2xx httpx response."""
    if response.is_success:
        return response
    raise from_status(response.status_code, response.headers, what, gone_on_404)


def translate(exc: BaseException, what: str, gone_on_404: bool = False) -> PlatformError | None:
    """Our error for a library/transport exception, or None when it is not a platform problem."""
    if isinstance(exc, PlatformError):
        return exc
    if isinstance(exc, RateLimited):
        return PlatformUnavailable(f"zendesk: {what}: HTTP 429", retry_after=exc.retry_after)
    if isinstance(exc, httpx.TimeoutException):
        return PlatformUnavailable(f"zendesk: {what}: timed out")
    if isinstance(exc, httpx.TransportError):
        return PlatformUnavailable(f"zendesk: {what}: connection failed")
    if isinstance(exc, json.JSONDecodeError):
        return PlatformUnavailable(f"zendesk: {what}: unreadable answer")
    # Imported here: requests and zenpy are only loaded when the platform client is used.
    import requests
    from zenpy.lib.exception import APIException, ZenpyException

    response = getattr(exc, "response", None)
    if isinstance(exc, (APIException, requests.exceptions.HTTPError)) and response is not None:
        return from_status(int(response.status_code), response.headers, what, gone_on_404)
    if isinstance(exc, requests.exceptions.Timeout):
        return PlatformUnavailable(f"zendesk: {what}: timed out")
    if isinstance(exc, (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError)):
        return PlatformUnavailable(f"zendesk: {what}: connection failed")
    if isinstance(exc, (requests.exceptions.JSONDecodeError, ZenpyException)):
        return PlatformUnavailable(f"zendesk: {what}: unreadable answer")
    return None


class Caller:
    """Runs units of work against Zendesk with the retry policy and error translation."""

    def __init__(self, policy: RetryPolicy, sleep: Callable[[float], None] = time.sleep) -> None:
        self.policy = policy
        self._sleep = sleep

    def __call__(self, what: str, unit: Callable[[], T], gone_on_404: bool = False) -> T:
        for attempt in self._retrying():
            with attempt:
                try:
                    return unit()
                except Exception as exc:  # noqa: BLE001 - translated or re-raised below
                    ours = translate(exc, what, gone_on_404)
                    if ours is None or ours is exc:
                        raise
                    raise ours from None
        raise AssertionError("unreachable")  # pragma: no cover - Retrying re-raises

    def _retrying(self) -> Retrying:
        policy = self.policy
        backoff = wait_random_exponential(multiplier=policy.base_wait, max=policy.max_wait)

        def retry_after(state: RetryCallState) -> float | None:
            exc = state.outcome.exception() if state.outcome else None
            return getattr(exc, "retry_after", None)

        def wait(state: RetryCallState) -> float:
            jitter = backoff(state)
            asked = retry_after(state)
            return max(jitter, asked) if asked is not None else jitter

        def stop(state: RetryCallState) -> bool:
            asked = retry_after(state)
            return stop_after_attempt(policy.attempts)(state) or (asked is not None and asked > policy.max_wait)

        def before_sleep(state: RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            delay = state.next_action.sleep if state.next_action else 0.0
            log.warning("%s; attempt %d/%d, retrying in %.2fs", exc, state.attempt_number, policy.attempts, delay)

        return Retrying(
            retry=retry_if_exception_type(PlatformUnavailable),
            wait=wait,
            stop=stop,
            reraise=True,
            sleep=self._sleep,
            before_sleep=before_sleep,
        )
