"""How a Zendesk ticket arrived: ``via.channel`` normalised to the bridge's channel names
(``bridge.rules.schema.CHANNELS``).

``via.channel`` is a via type (``"email"``, ``"web"``, ``"chat"`` ...) or, in some
answers, its numeric via id. Zendesk's ``"web"`` covers the "Submit a request" form and
the agent interface alike; the API cannot tell them apart without the source.
"""

from __future__ import annotations

from typing import Any

from .shapes import _get

_BY_TYPE = {
    "email": "email", "mail": "email",
    "web": "web", "web_form": "web", "web_widget": "web", "help_center": "web", "forum": "web",
    "api": "api", "web_service": "api", "ticket_sharing": "api",
    "chat": "chat", "chat_transcript": "chat",
    "voice": "phone", "voicemail": "phone", "phone_call_inbound": "phone", "phone_call_outbound": "phone",
    "sms": "messaging", "native_messaging": "messaging", "whatsapp": "messaging", "line": "messaging",
    "wechat": "messaging", "messenger": "messaging", "telegram": "messaging", "viber": "messaging",
    "instagram_dm": "messaging", "mobile_sdk": "messaging",
    "twitter": "social", "facebook": "social", "facebook_post": "social", "facebook_message": "social",
    "mobile": "agent",
}
# Numeric via ids Zendesk documents for the same types.
_BY_ID = {0: "web", 4: "email", 5: "api", 29: "chat", 30: "social", 33: "phone", 34: "phone", 35: "phone",
          38: "social", 41: "social", 48: "web", 57: "messaging"}


def channel_of(ticket: Any) -> str | None:
    """The ticket's channel, "other" for a type the bridge does not know, None without ``via``."""
    via = _get(ticket, "via")
    raw = _get(via, "channel") if via is not None else None
    if raw is None or raw == "":
        return None
    if isinstance(raw, int) or (isinstance(raw, str) and raw.isdigit()):
        return _BY_ID.get(int(raw), "other")
    return _BY_TYPE.get(str(raw).strip().lower(), "other")
