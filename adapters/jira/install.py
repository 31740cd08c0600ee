"""``gdpr-bridge install jira``: one admin webhook for ``jira:issue_created``, signed.

Jira admin webhooks (``/rest/webhooks/1.0/webhook``) hold a write-only secret. Every write
looks first (webhooks are found by name or URL), so running install twice, or retrying
after a lost answer, leaves exactly one webhook; earlier duplicates are folded into it.
"""

from __future__ import annotations

import secrets
from typing import Any, Callable

import httpx

from bridge.platform import InstallResult, PlatformUnavailable

from .errors import Caller, check
from .webhook import ISSUE_CREATED

WEBHOOK_NAME = "gdpr-bridge"
WEBHOOK_PATH = "/webhooks/jira"
_HOOKS = "/rest/webhooks/1.0/webhook"


def webhook_url(public_url: str) -> str:
    """The endpoint for the bridge at ``public_url`` (the base URL or the endpoint itself)."""
    base = public_url.rstrip("/")
    return base if base.endswith(WEBHOOK_PATH) else base + WEBHOOK_PATH


class Installer:
    def __init__(self, http: Callable[[], httpx.Client], call: Caller, scope_jql: str | None) -> None:
        self._http = http
        self._call = call
        self.scope_jql = scope_jql

    def _webhooks(self) -> list[dict[str, Any]]:
        hooks = check(self._http().get(_HOOKS), "list webhooks").json()
        if isinstance(hooks, dict):  # some versions wrap the list
            hooks = hooks.get("values") or []
        return [h for h in hooks if isinstance(h, dict)]

    def _ours(self, public_url: str) -> list[dict[str, Any]]:
        target = webhook_url(public_url)
        return [h for h in self._webhooks() if h.get("name") == WEBHOOK_NAME or h.get("url") == target]

    def install(
        self, public_url: str, clear_tag: str | None = None, jql: str | None = None, **options: str
    ) -> InstallResult:
        if options:
            raise ValueError(f"unknown Jira install option(s): {', '.join(sorted(options))}; known: jql")
        target = webhook_url(public_url)
        secret = secrets.token_urlsafe(32)
        scope = jql or self.scope_jql or ""
        body: dict[str, Any] = {
            "name": WEBHOOK_NAME,
            "url": target,
            "events": [ISSUE_CREATED],
            "filters": {"issue-related-events-section": scope},
            "excludeBody": False,
            "enabled": True,
            "secret": secret,
        }

        def unit() -> tuple[str, bool, list[str]]:
            existing = self._ours(public_url)
            removed: list[str] = []
            if existing:
                hook_id = _hook_id(existing[0])
                check(self._http().put(f"{_HOOKS}/{hook_id}", json=body), "update webhook")
                for extra in existing[1:]:  # earlier duplicates: keep exactly one
                    extra_id = _hook_id(extra)
                    check(self._http().delete(f"{_HOOKS}/{extra_id}"), "remove duplicate webhook")
                    removed.append(extra_id)
                return hook_id, False, removed
            created = check(self._http().post(_HOOKS, json=body), "create webhook").json()
            return _hook_id(created), True, removed

        hook_id, created, removed = self._call("install webhook", unit)
        messages = [
            f"{'Created' if created else 'Updated'} Jira admin webhook {hook_id} '{WEBHOOK_NAME}' → {target} "
            f"for {ISSUE_CREATED}" + (f", JQL filter: {scope}" if scope else ", all projects"),
            "A new signing secret was set on the webhook: put JIRA_WEBHOOK_SECRET into the bridge's "
            "environment now (deliveries signed with the old secret will be rejected).",
        ]
        if removed:
            messages.append(f"Removed duplicate webhook(s): {', '.join(removed)}")
        if not target.startswith("https://"):
            messages.append("Jira Cloud only delivers to HTTPS URLs with a publicly trusted certificate.")
        if clear_tag:
            messages += _clear_tag_guidance(clear_tag)
        return InstallResult(
            webhook_id=hook_id, created=created, env={"JIRA_WEBHOOK_SECRET": secret}, messages=messages
        )

    def remove(self, public_url: str) -> list[str]:
        def unit() -> list[str]:
            removed = []
            for hook in self._ours(public_url):
                hook_id = _hook_id(hook)
                response = self._http().delete(f"{_HOOKS}/{hook_id}")
                if response.status_code != 404:
                    check(response, "remove webhook")
                removed.append(f"Jira admin webhook {hook_id} ({hook.get('name')} → {hook.get('url')})")
            return removed

        return self._call("remove webhook", unit)

    def status(self, public_url: str) -> str | None:
        target = webhook_url(public_url)
        for hook in self._call("list webhooks", self._webhooks):
            if hook.get("url") == target and hook.get("enabled", True) and ISSUE_CREATED in (hook.get("events") or []):
                return _hook_id(hook)
        return None


def _hook_id(hook: dict[str, Any]) -> str:
    if hook.get("id") is not None:
        return str(hook["id"])
    self_url = str(hook.get("self") or "").rstrip("/")
    hook_id = self_url.rsplit("/", 1)[-1]
    if not hook_id.isdigit():
        raise PlatformUnavailable("jira: webhook answer has no id")
    return hook_id


def _clear_tag_guidance(tag: str) -> list[str]:
    return [
        f"To hold JSM's customer e-mail until the bridge has checked a request (label '{tag}'):",
        "  1. Project settings → Customer notifications: turn off 'Request created' "
        "(JSM sends it at once and it cannot wait for a label; it quotes the request back to the customer).",
        f"  2. Project settings → Automation: add a rule with trigger 'Field value changed' (Labels), "
        f"condition 'Labels contains {tag}', action 'Send email' to the Reporter with your confirmation text.",
        "  Requests the bridge deletes never get the label, so their content is never e-mailed back.",
    ]
