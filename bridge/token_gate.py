"""The status token check for the status page, ``/metrics`` and ``/readyz``.

The token is taken from the ``Authorization`` header only — ``Bearer <token>``, or HTTP
Basic with the token as the password (a browser asks for it) — never from the query
string, which proxies and browsers write into their logs and history. Wrong tokens are
answered more slowly each time from the same client (a small backoff, reset by a right
one), so that guessing costs time; a wrong token is called wrong.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hmac
import time
from collections import OrderedDict

from starlette.requests import Request

MIN_TOKEN_CHARS = 24
BASIC_REALM = 'Basic realm="gdpr-bridge status", charset="UTF-8"'

_FIRST_DELAY = 0.25  # seconds after the first wrong token, doubling, at most _MAX_DELAY
_MAX_DELAY = 4.0
_FORGET_AFTER = 600.0  # a client's count of wrong tokens is forgotten after this quiet time
_MAX_CLIENTS = 10_000


def presented_token(request: Request) -> str:
    """The token in the Authorization header (Bearer, or Basic's password), or ''."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer":
        return value.strip()
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return ""
        return decoded.partition(":")[2]
    return ""


class TokenGate:
    """Checks the status token and slows down clients that keep presenting wrong ones."""

    def __init__(self, token: str | None, off_reason: str) -> None:
        self.token = token
        self.off_reason = off_reason
        self._failures: OrderedDict[str, tuple[int, float]] = OrderedDict()

    async def problem(self, request: Request) -> str | None:
        """None when the request carries the token; else what is wrong (after the client's
        backoff when the token was wrong)."""
        if not self.token:
            return self.off_reason
        presented = presented_token(request)
        if not presented:
            hint = " (the token is not accepted in the URL)" if "token" in request.query_params else ""
            return f"token required: send Authorization: Bearer <token>{hint}"
        client = request.client.host if request.client else "unknown"
        if hmac.compare_digest(presented.encode(), self.token.encode()):
            self._failures.pop(client, None)
            return None
        await asyncio.sleep(self._record_failure(client))
        return "wrong token: it does not match BRIDGE_STATUS_TOKEN"

    def _record_failure(self, client: str) -> float:
        now = time.monotonic()
        count, last = self._failures.pop(client, (0, now))
        if now - last > _FORGET_AFTER:
            count = 0
        count += 1
        self._failures[client] = (count, now)
        while len(self._failures) > _MAX_CLIENTS:
            self._failures.popitem(last=False)
        return float(min(_MAX_DELAY, _FIRST_DELAY * 2 ** (count - 1)))
