"""Webhook signature checks, always over the raw request bytes, in constant time.

Two formats exist: Zendesk signs ``timestamp + body`` and sends base64; Jira admin
webhooks sign the body and send ``sha256=<hex>``. A shared-secret header (JSM
automation "Send web request") is compared in constant time too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime, timezone

REPLAY_WINDOW_SECONDS = 300


class SignatureError(Exception):
    """Why a request's signature is not accepted. The message is safe to return."""


def _hmac_sha256(secret: str, message: bytes) -> bytes:
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()


def zendesk_signature(secret: str, timestamp: str, body: bytes) -> str:
    """base64(HMAC-SHA256(secret, timestamp + body)) as Zendesk computes it."""
    return base64.b64encode(_hmac_sha256(secret, timestamp.encode("utf-8") + body)).decode("ascii")


def hub_signature(secret: str, body: bytes) -> str:
    """``sha256=<hex>`` as Jira admin webhooks send it in ``X-Hub-Signature``."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def parse_timestamp(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise SignatureError("signature timestamp is not an ISO-8601 time") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed


def check_fresh(timestamp: str, now: datetime | None = None, window: int = REPLAY_WINDOW_SECONDS) -> None:
    when = parse_timestamp(timestamp)
    now = now or datetime.now(timezone.utc)
    if abs((now - when).total_seconds()) > window:
        raise SignatureError(f"signature timestamp is more than {window} seconds away from now")


def verify_zendesk(
    secret: str,
    signature: str | None,
    timestamp: str | None,
    body: bytes,
    now: datetime | None = None,
    window: int = REPLAY_WINDOW_SECONDS,
) -> None:
    if not signature or not timestamp:
        raise SignatureError("missing X-Zendesk-Webhook-Signature or -Timestamp header")
    check_fresh(timestamp, now, window)
    expected = zendesk_signature(secret, timestamp, body)
    if not hmac.compare_digest(expected.encode("ascii"), signature.strip().encode("utf-8", "replace")):
        raise SignatureError("signature does not match")


def verify_hub_signature(secret: str, signature: str | None, body: bytes) -> None:
    if not signature:
        raise SignatureError("missing X-Hub-Signature header")
    expected = hub_signature(secret, body)
    if not hmac.compare_digest(expected.encode("ascii"), signature.strip().lower().encode("utf-8", "replace")):
        raise SignatureError("signature does not match")


def verify_shared_secret(secret: str, presented: str | None) -> None:
    if not presented:
        raise SignatureError("missing shared-secret header")
    if not hmac.compare_digest(secret.encode("utf-8"), presented.encode("utf-8", "replace")):
        raise SignatureError("shared secret does not match")
