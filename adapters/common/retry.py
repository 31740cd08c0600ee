"""The retry policy and error translation both platform adapters share.

Each adapter turns its library's own retries off and retries *idempotent units of work*
here with tenacity: full-jitter exponential back-off, never sooner than the platform's
``Retry-After``, bounded by a number of attempts and by the longest ``Retry-After`` worth
waiting for in-process (a longer one goes back to the job queue as
``PlatformUnavailable.retry_after``).

Messages carry a platform, an operation, an id and an HTTP status only: never response
bodies or request headers, so translated errors are raised ``from None``. What each
library raises is translated in ``adapters.jira.errors`` / ``adapters.zendesk.errors``.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Callable, Mapping, TypeVar

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt, wait_random_exponential

from bridge.platform import PlatformError, PlatformRejected, PlatformUnavailable, TicketGone

T = TypeVar("T")

# 409: Zendesk's update conflict (and Jira's), try again.
TRANSIENT_STATUS = frozenset({408, 409, 425, 429})

Translate = Callable[[BaseException, str, bool], "PlatformError | None"]


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    base_wait: float = 0.5  # seconds; the n-th wait is uniform in [0, base * 2**n], capped at max_wait
    max_wait: float = 30.0
    max_retry_after: float | None = None  # a longer Retry-After goes back to the queue; None: max_wait

    @property
    def retry_after_limit(self) -> float:
        return self.max_wait if self.max_retry_after is None else self.max_retry_after


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


@dataclass(frozen=True)
class StatusErrors:
    """HTTP status → the bridge's errors for one platform (``hints`` name the fix for 401/403)."""

    platform: str
    hints: Mapping[int, str] = field(default_factory=dict)

    def from_status(
        self, status: int, headers: Mapping[str, str] | None, what: str, gone_on_404: bool = False
    ) -> PlatformError:
        if status == 404 and gone_on_404:
            return TicketGone(f"{self.platform}: {what}: not found (HTTP 404)")
        if status in TRANSIENT_STATUS or status >= 500:
            return PlatformUnavailable(
                f"{self.platform}: {what}: HTTP {status}", retry_after=retry_after_seconds(headers)
            )
        hint = f" ({self.hints[status]})" if status in self.hints else ""
        return PlatformRejected(f"{self.platform}: {what}: HTTP {status}{hint}")

    def check(self, response: httpx.Response, what: str, gone_on_404: bool = False) -> httpx.Response:
        """Raise the translated error for a non-2xx httpx response."""
        if response.is_success:
            return response
        raise self.from_status(response.status_code, response.headers, what, gone_on_404)

    def transport(self, exc: BaseException, what: str) -> PlatformError | None:
        """Ours for what any adapter can meet (our errors, httpx failures, bad JSON); else None."""
        if isinstance(exc, PlatformError):
            return exc
        if isinstance(exc, httpx.TimeoutException):
            return PlatformUnavailable(f"{self.platform}: {what}: timed out")
        if isinstance(exc, httpx.TransportError):
            return PlatformUnavailable(f"{self.platform}: {what}: connection failed")
        if isinstance(exc, json.JSONDecodeError):
            return PlatformUnavailable(f"{self.platform}: {what}: unreadable answer")
        return None


class Caller:
    """Runs units of work with the retry policy, translating errors with ``translate``."""

    def __init__(
        self,
        policy: RetryPolicy,
        translate: Translate,
        log: logging.Logger,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.policy = policy
        self._translate = translate
        self._log = log
        self._sleep = sleep

    def __call__(self, what: str, unit: Callable[[], T], gone_on_404: bool = False) -> T:
        for attempt in self._retrying():
            with attempt:
                try:
                    return unit()
                except Exception as exc:
                    ours = self._translate(exc, what, gone_on_404)
                    if ours is None or ours is exc:
                        raise
                    raise ours from None
        raise AssertionError("unreachable")  # pragma: no cover - Retrying re-raises

    def _retrying(self) -> Retrying:
        policy = self.policy
        log = self._log
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
            return stop_after_attempt(policy.attempts)(state) or (
                asked is not None and asked > policy.retry_after_limit
            )

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
