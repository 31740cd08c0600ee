"""Verifying and parsing Jira webhook deliveries (runs in the web process: cheap, no jira import).

Two senders reach ``POST /webhooks/jira``:

- an admin webhook with a secret: ``X-Hub-Signature: sha256=<hex HMAC of the raw body>``
  and ``X-Atlassian-Webhook-Identifier`` (the same across Jira's retries);
- a JSM automation rule "Send web request", which cannot sign: it sends a shared
  secret in a custom header, and its body is whatever the admin wrote
  (``{"issue": {"key": "{{issue.key}}"}}`` or ``{"issueKey": "{{issue.key}}"}``).

Bodies hold the customer's text: nothing from them goes into a reason or a log line
except the validated issue key.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from bridge.platform import WebhookEvent, WebhookRejected
from bridge.signatures import SignatureError, verify_hub_signature, verify_shared_secret

from ..common.webhook_json import json_object
from .config import JiraConfigError, environ_of, text

ISSUE_CREATED = "jira:issue_created"
DEFAULT_SHARED_HEADER = "X-Bridge-Secret"

_ISSUE_KEY = re.compile(r"^[A-Z][A-Z0-9_]{0,254}-[1-9][0-9]{0,17}$")
_ISSUE_ID = re.compile(r"^[1-9][0-9]{0,17}$")
_DELIVERY_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_HEADER_NAME = re.compile(r"^[A-Za-z0-9-]{1,64}$")


class JiraWebhook:
    """``bridge.platform.WebhookReceiver`` for Jira admin webhooks and JSM automation."""

    name = "jira"

    def __init__(
        self,
        webhook_secret: str | None = None,
        shared_secret: str | None = None,
        shared_header: str = DEFAULT_SHARED_HEADER,
    ) -> None:
        if not webhook_secret and not shared_secret:
            raise JiraConfigError(
                "Jira webhooks are not configured: set JIRA_WEBHOOK_SECRET (admin webhook) "
                "and/or JIRA_SHARED_SECRET (JSM automation 'Send web request')"
            )
        if not _HEADER_NAME.match(shared_header):
            raise JiraConfigError("JIRA_SHARED_SECRET_HEADER must be an HTTP header name")
        self._webhook_secret = webhook_secret or None
        self._shared_secret = shared_secret or None
        self.shared_header = shared_header

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "JiraWebhook":
        env = environ_of(environ)
        return cls(
            webhook_secret=text(env, "JIRA_WEBHOOK_SECRET"),
            shared_secret=text(env, "JIRA_SHARED_SECRET"),
            shared_header=text(env, "JIRA_SHARED_SECRET_HEADER") or DEFAULT_SHARED_HEADER,
        )

    def parse(self, headers: Mapping[str, str], body: bytes) -> WebhookEvent:
        lowered = {str(k).lower(): str(v) for k, v in headers.items()}
        signed = self._authenticate(lowered, body)
        payload = json_object(body)
        event = payload.get("webhookEvent")
        if event is not None and event != ISSUE_CREATED:
            raise WebhookRejected(200, f"ignored: not a {ISSUE_CREATED} event")
        if event is None and signed:
            raise WebhookRejected(400, "webhookEvent is missing")
        key = _issue_key(payload, allow_custom=not signed)
        delivery = lowered.get("x-atlassian-webhook-identifier", "").strip()
        if not _DELIVERY_ID.match(delivery):
            delivery = f"jira:{key}"
        return WebhookEvent(platform=self.name, ticket_id=key, delivery_id=delivery)

    def _authenticate(self, headers: Mapping[str, str], body: bytes) -> bool:
        """True for a signed admin webhook, False for a shared-secret delivery; else 401."""
        try:
            if "x-hub-signature" in headers:
                if not self._webhook_secret:
                    raise WebhookRejected(401, "X-Hub-Signature received but JIRA_WEBHOOK_SECRET is not set")
                verify_hub_signature(self._webhook_secret, headers["x-hub-signature"], body)
                return True
            presented = headers.get(self.shared_header.lower())
            if presented is not None and self._shared_secret:
                verify_shared_secret(self._shared_secret, presented)
                return False
        except SignatureError as exc:
            raise WebhookRejected(401, str(exc)) from None
        senders = (("X-Hub-Signature", self._webhook_secret), (self.shared_header, self._shared_secret))
        expected = [name for name, secret in senders if secret]
        raise WebhookRejected(401, f"missing {' or '.join(expected)} header")


def _issue_key(payload: dict[str, Any], allow_custom: bool) -> str:
    issue = payload.get("issue")
    candidates: list[Any] = []
    if isinstance(issue, dict):
        candidates += [issue.get("key"), issue.get("id")]
    if allow_custom:
        candidates += [payload.get("issueKey"), payload.get("key"), payload.get("issueId")]
    for value in candidates:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str):
            value = value.strip()
            if _ISSUE_KEY.match(value) or _ISSUE_ID.match(value):
                return value
    raise WebhookRejected(400, "issue key is missing or malformed")
