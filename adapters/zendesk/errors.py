"""Who retries Zendesk calls, and how zenpy's and requests' errors become the bridge's three errors.

zenpy sleeps through 429s by itself (for as long as Zendesk keeps answering 429) and
requests' default adapter may retry too. The adapter turns both off (a response hook
raises ``RateLimited`` before zenpy sees a 429; the session's adapters have no retries)
and owns retries through ``adapters.common.retry`` (Zendesk's ``max_wait`` is also the longest
``Retry-After`` waited for in-process).

zenpy's ``APIException`` message is the whole JSON answer: messages carry an operation,
an id and an HTTP status only.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any, Callable

from bridge.platform import PlatformError, PlatformUnavailable

from ..common import retry
from ..common.retry import TRANSIENT_STATUS, retry_after_seconds

log = logging.getLogger("adapters.zendesk")

_ERRORS = retry.StatusErrors(
    "zendesk",
    {
        401: "check ZENDESK_EMAIL and ZENDESK_API_TOKEN",
        403: "the API user lacks a permission for this; deleting and installing need an admin",
    },
)
from_status = _ERRORS.from_status
check = _ERRORS.check


@dataclass(frozen=True)
class RetryPolicy(retry.RetryPolicy):
    max_wait: float = 30.0  # also the longest Retry-After waited for in-process (max_retry_after None)


class RateLimited(Exception):
    """Raised from the requests response hook on a 429, before zenpy can sleep on it."""

    def __init__(self, retry_after: float | None) -> None:
        super().__init__("rate limited")
        self.retry_after = retry_after


def raise_on_rate_limit(response: Any, *args: Any, **kwargs: Any) -> Any:
    """requests response hook: a 429 becomes ``RateLimited`` (zenpy would sleep on it)."""
    if response.status_code == 429:
        raise RateLimited(retry_after_seconds(response.headers))
    return response


def translate(exc: BaseException, what: str, gone_on_404: bool = False) -> PlatformError | None:
    """Our error for a library/transport exception, or None when it is not a platform problem."""
    if isinstance(exc, RateLimited):
        return PlatformUnavailable(f"zendesk: {what}: HTTP 429", retry_after=exc.retry_after)
    ours = _ERRORS.transport(exc, what)
    if ours is not None:
        return ours
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


class Caller(retry.Caller):
    """Runs units of work against Zendesk with the retry policy and error translation."""

    def __init__(self, policy: retry.RetryPolicy, sleep: Callable[[float], None] = time.sleep) -> None:
        super().__init__(policy, translate, log, sleep)


__all__ = ["Caller", "RateLimited", "RetryPolicy", "TRANSIENT_STATUS", "check", "from_status",
           "raise_on_rate_limit", "retry_after_seconds", "translate"]
