"""Who retries Jira calls, and how the ``jira`` library's errors become the bridge's three errors.

The ``jira`` library's ``ResilientSession`` retries 429/503 and connection errors for
every method, POST included, so a comment could be posted twice. The adapter builds
the library with ``max_retries=0`` and owns retries through ``adapters.common.retry`` instead
(Jira's policy waits at most 20 s between attempts but sits through a ``Retry-After``
of up to 60 s in-process).

``JIRAError.__str__`` prints response bodies and request headers (with credentials):
messages carry an operation name, an issue key and an HTTP status only.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Callable

from bridge.platform import PlatformError, PlatformUnavailable

from ..common import retry
from ..common.retry import TRANSIENT_STATUS, retry_after_seconds

log = logging.getLogger("adapters.jira")

_ERRORS = retry.StatusErrors(
    "jira",
    {401: "check JIRA_EMAIL and JIRA_API_TOKEN", 403: "the API user lacks a permission for this"},
)
from_status = _ERRORS.from_status
check = _ERRORS.check


@dataclass(frozen=True)
class RetryPolicy(retry.RetryPolicy):
    max_wait: float = 20.0
    max_retry_after: float | None = 60.0


def translate(exc: BaseException, what: str, gone_on_404: bool = False) -> PlatformError | None:
    """Our error for a library/transport exception, or None when it is not a platform problem."""
    ours = _ERRORS.transport(exc, what)
    if ours is not None:
        return ours
    # Imported here: requests and jira are only loaded when the platform client is used.
    import requests
    from jira.exceptions import JIRAError

    if isinstance(exc, JIRAError):
        if exc.status_code is None:
            return PlatformUnavailable(f"jira: {what}: no answer")
        headers = exc.response.headers if exc.response is not None else None
        return from_status(int(exc.status_code), headers, what, gone_on_404)
    if isinstance(exc, requests.exceptions.Timeout):
        return PlatformUnavailable(f"jira: {what}: timed out")
    if isinstance(exc, (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError)):
        return PlatformUnavailable(f"jira: {what}: connection failed")
    if isinstance(exc, requests.exceptions.JSONDecodeError):
        return PlatformUnavailable(f"jira: {what}: unreadable answer")
    return None


class Caller(retry.Caller):
    """Runs units of work against Jira with the retry policy and error translation."""

    def __init__(self, policy: retry.RetryPolicy, sleep: Callable[[float], None] = time.sleep) -> None:
        super().__init__(policy, translate, log, sleep)


__all__ = ["Caller", "RetryPolicy", "TRANSIENT_STATUS", "check", "from_status", "retry_after_seconds", "translate"]
