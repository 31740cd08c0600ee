"""Verifying and parsing Zendesk webhook deliveries (the web process: cheap, no zenpy import).

Two kinds of webhook reach ``POST /webhooks/zendesk``:

- **trigger-connected** (what ``gdpr-bridge install zendesk`` sets up, every plan): the
  body is the trigger's JSON, ``{"ticket_id": "{{ticket.id}}"}`` for a new ticket and
  ``{"ticket_id": "{{ticket.id}}", "comment_id": "{{ticket.latest_comment.id}}"}`` for an
  update that added a comment;
- **event-subscribed** to ``zen:event-type:ticket.created`` or
  ``zen:event-type:ticket.comment_added``: an envelope with ``type``, ``id`` (event id),
  ``subject: "zen:ticket:<id>"``, ``detail`` (ids as strings) and, for a comment,
  ``event.comment.id``.

Both are signed: ``X-Zendesk-Webhook-Signature`` = base64 HMAC-SHA256 over
``timestamp + raw body`` with the webhook's signing secret. The event body holds the
ticket's description: nothing from a body goes into a reason or a log line except a
validated ticket id and event type.
"""

from __future__ import annotations

import hmac
import re
from typing import Any, Mapping

from bridge.platform import WebhookEvent, WebhookRejected
from bridge.signatures import SignatureError, verify_zendesk

from ..common.webhook_json import json_object
from .config import ZendeskConfigError, environ_of, text

TICKET_CREATED = "zen:event-type:ticket.created"
COMMENT_ADDED = "zen:event-type:ticket.comment_added"
# Zendesk signs test deliveries sent from the admin UI (before a webhook exists) with this.
STATIC_TEST_SECRET = "dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ=="

_TICKET_ID = re.compile(r"^[1-9][0-9]{0,17}$")
_SUBJECT = re.compile(r"^zen:ticket:([1-9][0-9]{0,17})$")
_EVENT_TYPE = re.compile(r"^zen:event-type:[a-z_.]{1,80}$")
_DELIVERY_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_TRUE = {"1", "true", "yes", "on"}


class ZendeskWebhook:
    """``bridge.platform.WebhookReceiver`` for Zendesk webhooks."""

    name = "zendesk"
    # set when deliveries signed with a published secret pass: the web app logs it at
    # start-up and ``doctor`` fails on it (``bridge.platform.WebhookReceiver.insecure``)
    insecure: str | None = None

    def __init__(self, secrets: list[str] | str) -> None:
        secrets = [secrets] if isinstance(secrets, str) else list(secrets)
        self._secrets = [s for s in (s.strip() for s in secrets) if s]
        if not self._secrets:
            raise ZendeskConfigError(
                "Zendesk webhooks are not configured: set ZENDESK_WEBHOOK_SECRET "
                "(the webhook's signing secret; `gdpr-bridge install zendesk` prints it)"
            )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "ZendeskWebhook":
        """``ZENDESK_WEBHOOK_SECRET`` (several, comma-separated, while rotating a secret);
        ``ZENDESK_WEBHOOK_ACCEPT_TEST_SECRET=1`` also accepts Zendesk's public test secret
        (for trying the webhook from the admin UI; never leave it on)."""
        env = environ_of(environ)
        secrets = (text(env, "ZENDESK_WEBHOOK_SECRET") or "").split(",")
        if not any(s.strip() for s in secrets):
            raise ZendeskConfigError(
                "Zendesk webhooks are not configured: set ZENDESK_WEBHOOK_SECRET "
                "(the webhook's signing secret; `gdpr-bridge install zendesk` prints it)"
            )
        testing = (text(env, "ZENDESK_WEBHOOK_ACCEPT_TEST_SECRET") or "").lower() in _TRUE
        if testing:
            secrets.append(STATIC_TEST_SECRET)
        receiver = cls(secrets)
        if testing:
            receiver.insecure = ("ZENDESK_WEBHOOK_ACCEPT_TEST_SECRET is on: deliveries signed with Zendesk's "
                                 "published test secret are accepted, so anyone can sign one; unset it "
                                 "once the webhook test from the admin UI is done")
        return receiver

    def accepts_secret(self, secret: str) -> bool:
        """Whether deliveries signed with ``secret`` would pass (constant-time compare)."""
        candidate = secret.strip().encode()
        return any(hmac.compare_digest(candidate, known.encode()) for known in self._secrets)

    def parse(self, headers: Mapping[str, str], body: bytes) -> WebhookEvent:
        lowered = {str(k).lower(): str(v) for k, v in headers.items()}
        self._verify(lowered, body)
        payload = json_object(body)
        if "type" in payload:
            ticket_id, event_id, comment_id = _event_ticket(payload)
        else:
            ticket_id, event_id = _trigger_ticket(payload), None
            comment_id = _trigger_comment(payload)
        delivery = lowered.get("x-zendesk-webhook-invocation-id", "").strip()
        if not _DELIVERY_ID.match(delivery):
            fallback = f"zendesk:{ticket_id}" + (f":comment:{comment_id}" if comment_id else "")
            delivery = event_id or fallback
        return WebhookEvent(platform=self.name, ticket_id=ticket_id, delivery_id=delivery, comment_id=comment_id)

    def _verify(self, headers: Mapping[str, str], body: bytes) -> None:
        signature = headers.get("x-zendesk-webhook-signature")
        timestamp = headers.get("x-zendesk-webhook-signature-timestamp")
        error: SignatureError | None = None
        for secret in self._secrets:
            try:
                verify_zendesk(secret, signature, timestamp, body)
                return
            except SignatureError as exc:
                error = exc
        raise WebhookRejected(401, str(error or "signature does not match"))


def _ticket_id(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        value = str(value)
    if isinstance(value, str) and _TICKET_ID.match(value.strip()):
        return value.strip()
    return None


def _event_ticket(payload: dict[str, Any]) -> tuple[str, str | None, str | None]:
    kind = payload.get("type")
    if kind not in (TICKET_CREATED, COMMENT_ADDED):
        named = kind if isinstance(kind, str) and _EVENT_TYPE.match(kind) else "unknown"
        raise WebhookRejected(200, f"ignored event type {named}: only {TICKET_CREATED} and {COMMENT_ADDED} "
                                   "are handled")
    detail = payload.get("detail")
    from_detail = _ticket_id(detail.get("id")) if isinstance(detail, dict) else None
    subject = payload.get("subject")
    match = _SUBJECT.match(subject.strip()) if isinstance(subject, str) else None
    from_subject = match.group(1) if match else None
    if from_detail and from_subject and from_detail != from_subject:
        raise WebhookRejected(400, "detail.id and subject name different tickets")
    ticket_id = from_detail or from_subject
    if not ticket_id:
        raise WebhookRejected(400, "ticket id is missing or malformed (detail.id / subject)")
    event_id = payload.get("id")
    if not (isinstance(event_id, str) and _DELIVERY_ID.match(event_id)):
        event_id = None
    comment_id = None
    if kind == COMMENT_ADDED:
        event = payload.get("event")
        comment = event.get("comment") if isinstance(event, dict) else None
        comment_id = _ticket_id(comment.get("id")) if isinstance(comment, dict) else None
        if comment_id is None:
            raise WebhookRejected(400, "comment id is missing or malformed (event.comment.id)")
    return ticket_id, event_id, comment_id


def _trigger_comment(payload: dict[str, Any]) -> str | None:
    """The comment of a "comment added" trigger's body; None for the "ticket created" one."""
    if "comment_id" not in payload:
        return None
    if payload.get("comment_id") in ("", None):  # the placeholder renders empty for an update without a comment
        raise WebhookRejected(200, "ignored: the update added no comment")
    comment_id = _ticket_id(payload.get("comment_id"))
    if comment_id is None:
        raise WebhookRejected(400, "comment_id is not a positive integer")
    return comment_id


def _trigger_ticket(payload: dict[str, Any]) -> str:
    ticket_id = _ticket_id(payload.get("ticket_id"))
    if ticket_id is None:
        raise WebhookRejected(400, "ticket_id is missing or not a positive integer")
    return ticket_id
