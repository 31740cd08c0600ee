"""Reading Jira's JSON: issue keys, times, attachments, JSM form fields."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from bridge.platform import AttachmentRef, PlatformRejected

from .text import field_value_to_text

_KEY = re.compile(r"^(?:[A-Z][A-Z0-9_]{0,254}-[1-9][0-9]{0,17}|[1-9][0-9]{0,17})$")
_SKIP_REQUEST_FIELDS = {"summary", "description", "attachment"}


def _check_key(ticket_id: str) -> str:
    key = str(ticket_id).strip()
    if not _KEY.match(key):
        raise PlatformRejected("jira: not an issue key or id")
    return key


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        try:
            return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%f%z")
        except ValueError:
            return None


def _attachment_ref(raw: dict[str, Any]) -> AttachmentRef:
    size = raw.get("size")
    return AttachmentRef(
        id=str(raw.get("id")),
        filename=str(raw.get("filename") or f"attachment-{raw.get('id')}"),
        content_type=raw.get("mimeType"),
        size=int(size) if isinstance(size, (int, float)) or (isinstance(size, str) and size.isdigit()) else None,
        url=raw.get("content"),
    )


def _request_field_text(request: dict[str, Any] | None) -> str:
    """JSM form fields beyond summary/description (customers type personal data there too)."""
    lines = []
    for item in (request or {}).get("requestFieldValues") or []:
        if not isinstance(item, dict) or item.get("fieldId") in _SKIP_REQUEST_FIELDS:
            continue
        value = field_value_to_text(item.get("value"))
        if value:
            label = str(item.get("label") or item.get("fieldId") or "")
            lines.append(f"{label}: {value}" if label else value)
    return "\n".join(lines)
