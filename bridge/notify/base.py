"""The values shared by the notifier's parts: what to send (``Notice``) and its error.

Kept apart from ``bridge.notify`` so that the renderer and the transports can raise
``NotifyError`` without importing the facade. Import both from ``bridge.notify``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


class NotifyError(Exception):
    """The email could not be rendered or handed over.

    The message never holds the recipient's address or any content, so it may be
    logged. ``transient`` is False when sending the same notice again with the same
    configuration cannot succeed (no/invalid address, a 5xx refusal, a broken
    template, a login the server refuses); True for timeouts, refused connections
    and 4xx answers.
    """

    def __init__(self, message: str, transient: bool = True) -> None:
        super().__init__(message)
        self.transient = transient


@dataclass(frozen=True)
class Notice:
    """One email to one requester. Carries kinds and places, never values."""

    to_email: str = field(repr=False)
    to_name: str | None = field(repr=False)
    locale: str | None  # requester's locale, e.g. "sv-SE", "de", "en-GB"
    ticket_language: str | None  # detected ticket language ("en"/"sv"/"de")
    platform: str  # "zendesk" | "jira"
    ticket_id: str
    places: dict[str, list[str]]  # where -> entity kinds, e.g. {"body": ["PHONE_NUMBER"]}
    idempotency_key: str  # stable per ticket+decision; becomes the Message-ID
    audience: str = "staff"  # rules' notify.audience: "staff" (asks for a clock number) or "customers"
    default_locale: str | None = None  # the platform's default locale: a requester's locale equal to it is no choice
    # "policy": the ticket held personal data (body.txt); "channel": it arrived by a channel the
    # rules reject (channel_body.txt), and then ``action`` is "deleted" or "closed".
    kind: str = "policy"
    action: str = "deleted"
    channel: str | None = None  # the bridge's channel name ("email", ...), for the wording
    portal_url: str | None = None  # rules' channels.portal_url; else the renderer's BRIDGE_PORTAL_URL
    # True: the data was removed from the message and the ticket remains (redaction); the
    # email says which message: a comment (``message_date``, ISO date) or the description
    redacted: bool = False
    message_date: str | None = None  # set for a comment: "your comment of <date>"


def message_id_for(idempotency_key: str) -> str:
    """The Message-ID for a key: the same key always gives the same id."""
    digest = hashlib.sha256(idempotency_key.encode("utf-8")).hexdigest()[:32]
    return f"<{digest}@gdpr-bridge>"
