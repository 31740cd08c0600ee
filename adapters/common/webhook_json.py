"""The JSON object a webhook delivery's body must be (reasons never quote the body)."""

from __future__ import annotations

import json
from typing import Any

from bridge.platform import WebhookRejected

# Longer integers stay text: Python refuses to make an int of more than 4300 digits, and the
# id checks then say that the id is invalid rather than that the JSON is.
_MAX_INT_DIGITS = 40


def _int_or_text(digits: str) -> int | str:
    return int(digits) if len(digits) <= _MAX_INT_DIGITS else digits


def json_object(body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(body, parse_int=_int_or_text)
    except RecursionError:
        raise WebhookRejected(400, "body is nested too deeply") from None
    except (ValueError, UnicodeDecodeError):
        raise WebhookRejected(400, "body is not valid JSON") from None
    if not isinstance(payload, dict):
        raise WebhookRejected(400, "body is not a JSON object")
    return payload
