"""How a Jira Service Management request arrived: the issue property ``request.channel.type``
(``{"value": "email"}``; what JQL's ``request-channel-type`` searches) normalised to the
bridge's channel names (``bridge.rules.schema.CHANNELS``).

JSM's built-in values are ``portal``, ``anonymousportal``, ``email``, ``api`` and ``jira``
(created inside Jira by an agent); apps may add their own. The property is read with the
issue itself (``GET /rest/api/2/issue/{key}?properties=request.channel.type``); an issue
without it (not a JSM request) has no channel.
"""

from __future__ import annotations

from typing import Any

CHANNEL_PROPERTY = "request.channel.type"

_CHANNELS = {
    "email": "email",
    "portal": "portal", "anonymousportal": "portal", "widget": "portal", "help-center": "portal",
    "api": "api",
    "jira": "agent",
    "chat": "chat", "slack": "chat", "msteams": "chat", "assist": "chat",
}


def channel_of(issue: dict[str, Any]) -> str | None:
    """The issue's channel; "other" for a value the bridge does not know; None without the property."""
    properties = issue.get("properties")
    if not isinstance(properties, dict):
        return None
    prop = properties.get(CHANNEL_PROPERTY)
    value = prop.get("value") if isinstance(prop, dict) else prop
    if not isinstance(value, str) or not value.strip():
        return None
    return _CHANNELS.get(value.strip().lower(), "other")
