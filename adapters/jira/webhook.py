"""Verifying and parsing Jira webhook deliveries (runs in the web process: cheap, no jira import).

Two senders reach ``POST /webhooks/jira``:

- an admin webhook with a secret: ``X-Hub-Signature: sha256=<hex HMAC of the raw body>``
  and ``X-Atlassian-Webhook-Identifier`` (the same across Jira's retries);
- a JSM automation rule "Send web request", which cannot sign: it sends a shared
  secret in a custom header, and its body is whatever the admin wrote
  (``{"issue": {"key": "{{issue.key}}"}}`` or ``{"issueKey": "{{issue.key}}"}``).

Events the bridge acts on (everything else is answered 200 and not queued):

- ``jira:issue_created``: a new issue;
- ``comment_created``: ``comment.id`` and the issue (``issue.key``/``id``, else the issue id
  in ``comment.self``) → an event with ``comment_id``;
- ``jira:issue_updated`` whose ``changelog`` adds attachments (items with ``fieldId``
  ``attachment`` and a ``to``): when the same update added a comment (``comment`` in the
  payload, ``issue_commented``), that comment is the event (it also comes as
  ``comment_created``: both dedupe on the comment id); otherwise the files alone, as the
  comment id ``attachments-<id>-<id>`` (``JiraPlatform.fetch_comment`` reads it back).

Bodies hold the customer's text: nothing from them goes into a reason or a log line
except the validated issue key and ids.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from bridge.platform import WebhookEvent, WebhookRejected
from bridge.signatures import SignatureError, verify_hub_signature, verify_shared_secret

from ..common.webhook_json import json_object
from .config import JiraConfigError, environ_of, text

ISSUE_CREATED = "jira:issue_created"
COMMENT_CREATED = "comment_created"
ISSUE_UPDATED = "jira:issue_updated"
EVENTS = (ISSUE_CREATED, COMMENT_CREATED, ISSUE_UPDATED)
ATTACHMENTS_PREFIX = "attachments-"
DEFAULT_SHARED_HEADER = "X-Bridge-Secret"

_ISSUE_KEY = re.compile(r"^[A-Z][A-Z0-9_]{0,254}-[1-9][0-9]{0,17}$")
_ISSUE_ID = re.compile(r"^[1-9][0-9]{0,17}$")
_DELIVERY_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_HEADER_NAME = re.compile(r"^[A-Za-z0-9-]{1,64}$")
_COMMENT_SELF = re.compile(r"/issue/([1-9][0-9]{0,17})/comment/[1-9][0-9]{0,17}/?$")
_MAX_ATTACHMENTS = 20


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
        if event is not None and event not in EVENTS:
            raise WebhookRejected(200, f"ignored: not one of {', '.join(EVENTS)}")
        if event is None and signed:
            raise WebhookRejected(400, "webhookEvent is missing")
        comment_id: str | None = None
        if event == COMMENT_CREATED:
            comment_id = _comment_id(payload, required=True)
        elif event == ISSUE_UPDATED:
            comment_id = _added_files(payload)
        elif event is None:  # automation "Send web request": a comment when the admin put one in the body
            comment_id = _comment_id(payload, required=False)
        key = _issue_key(payload, allow_custom=not signed, comment=event == COMMENT_CREATED)
        delivery = lowered.get("x-atlassian-webhook-identifier", "").strip()
        if not _DELIVERY_ID.match(delivery):
            delivery = f"jira:{key}" + (f":comment:{comment_id}" if comment_id else "")
        return WebhookEvent(platform=self.name, ticket_id=key, delivery_id=delivery, comment_id=comment_id)

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


def _number(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and _ISSUE_ID.match(value.strip()):
        return value.strip()
    return None


def _comment_id(payload: dict[str, Any], required: bool) -> str | None:
    comment = payload.get("comment")
    comment_id = _number(comment.get("id")) if isinstance(comment, dict) else None
    if comment_id is None and required:
        raise WebhookRejected(400, "comment id is missing or malformed (comment.id)")
    return comment_id


def _added_files(payload: dict[str, Any]) -> str:
    """The comment an issue update stands for: its comment, or the attachments it added."""
    changelog = payload.get("changelog")
    items = changelog.get("items") if isinstance(changelog, dict) else None
    added: list[str] = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        if item.get("fieldId") == "attachment" or str(item.get("field") or "").lower() == "attachment":
            number = _number(item.get("to"))
            if number is not None and number not in added:
                added.append(number)
    if not added:
        raise WebhookRejected(200, "ignored: an issue update that adds no attachment")
    if len(added) > _MAX_ATTACHMENTS:
        raise WebhookRejected(400, "too many attachments in one update")
    comment_id = _comment_id(payload, required=False)
    if comment_id is not None:
        return comment_id
    return ATTACHMENTS_PREFIX + "-".join(sorted(added, key=int))


def _issue_key(payload: dict[str, Any], allow_custom: bool, comment: bool = False) -> str:
    issue = payload.get("issue")
    candidates: list[Any] = []
    if isinstance(issue, dict):
        candidates += [issue.get("key"), issue.get("id")]
    if comment:  # the comment's own address names its issue: .../issue/{id}/comment/{id}
        own = payload.get("comment")
        match = _COMMENT_SELF.search(str(own.get("self") or "")) if isinstance(own, dict) else None
        candidates += [match.group(1)] if match else []
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
