"""The JSON object a webhook delivery's body must be (reasons never quote the body)."""

from __future__ import annotations

import json
from typing import Any

from bridge.platform import WebhookRejected


def json_object(body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise WebhookRejected(400, "body is not valid JSON") from None
    if not isinstance(payload, dict):
        raise WebhookRejected(400, "body is not a JSON object")
    return payload
