"""Reading Zendesk's JSON (and zenpy's objects): ids, fields, times, attachments."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any, Mapping

from bridge.platform import AttachmentRef, PlatformRejected

_TICKET_ID = re.compile(r"^[1-9][0-9]{0,17}$")


def _number(ticket_id: str) -> int:
    text = str(ticket_id).strip()
    if not _TICKET_ID.match(text):
        raise PlatformRejected("zendesk: not a Zendesk ticket id")
    return int(text)


def _get(obj: Any, key: str) -> Any:
    """A field of a zenpy object or of a plain dict."""
    if isinstance(obj, Mapping):
        return obj.get(key)
    return getattr(obj, key, None)


def _parse_time(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _attachment_ref(raw: Any) -> AttachmentRef | None:
    """None for a deleted file and for what attachment redaction leaves (an empty ``redacted.txt``)."""
    if _get(raw, "deleted") or (_get(raw, "file_name") == "redacted.txt" and not _get(raw, "size")):
        return None
    attachment_id, url = _get(raw, "id"), _get(raw, "content_url")
    if attachment_id is None or not url:
        return None
    size = _get(raw, "size")
    return AttachmentRef(
        id=str(attachment_id),
        filename=str(_get(raw, "file_name") or f"attachment-{attachment_id}"),
        content_type=_get(raw, "content_type") or None,
        size=int(size) if isinstance(size, int) and not isinstance(size, bool) else None,
        url=str(url),
        inline=bool(_get(raw, "inline")),
    )
