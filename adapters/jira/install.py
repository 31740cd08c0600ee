"""``gdpr-bridge install jira``: one admin webhook, signed, for ``jira:issue_created``,
``comment_created`` and ``jira:issue_updated`` (attachments added later; the receiver
answers every other update 200 without queueing it).

Jira admin webhooks (``/rest/webhooks/1.0/webhook``) hold a write-only secret. Every write
looks first (webhooks are found by name or URL), so running install twice, or retrying
after a lost answer, leaves exactly one webhook; earlier duplicates are folded into it.

Running install again keeps the secret (a new one would make the running bridge refuse
every delivery until restarted): the one the bridge holds (JIRA_WEBHOOK_SECRET) is sent
again, or, when install cannot see it, an unchanged webhook is not touched. Only
``rotate_secret`` (or a webhook that must change while its secret is unknown) sets a new one.
"""

from __future__ import annotations

import secrets
from typing import Any, Callable

import httpx

from bridge.platform import InstallOption, InstallResult, InstallSpec, PlatformRejected, PlatformUnavailable

from ..common.install import endpoint_for
from .errors import Caller, check
from .webhook import EVENTS, ISSUE_CREATED

WEBHOOK_NAME = "gdpr-bridge"
_HOOKS = "/rest/webhooks/1.0/webhook"

INSTALL = InstallSpec(
    options=(InstallOption("jql", "JQL filter for the issues the webhook fires on (default JIRA_SCOPE_JQL)."),),
    settings=("JIRA_URL", "JIRA_EMAIL", "JIRA_API_TOKEN"),
)


def webhook_url(public_url: str) -> str:
    """The endpoint for the bridge at ``public_url`` (the base URL or the endpoint itself)."""
    return endpoint_for(public_url, "jira")


class Installer:
    def __init__(self, http: Callable[[], httpx.Client], call: Caller, scope_jql: str | None,
                 known_secret: str | None = None) -> None:
        self._http = http
        self._call = call
        self.scope_jql = scope_jql
        self.known_secret = known_secret  # JIRA_WEBHOOK_SECRET as the bridge has it, if install can see it

    def _webhooks(self) -> list[dict[str, Any]]:
        hooks = check(self._http().get(_HOOKS), "list webhooks").json()
        if isinstance(hooks, dict):  # some versions wrap the list
            hooks = hooks.get("values") or []
        return [h for h in hooks if isinstance(h, dict)]

    def _ours(self, public_url: str) -> list[dict[str, Any]]:
        target = webhook_url(public_url)
        return [h for h in self._webhooks() if h.get("name") == WEBHOOK_NAME or h.get("url") == target]

    def install(
        self, public_url: str, clear_tag: str | None = None, rotate_secret: bool = False, jql: str | None = None,
        **options: str,
    ) -> InstallResult:
        if options:
            raise ValueError(f"unknown Jira install option(s): {', '.join(sorted(options))}; known: jql")
        target = webhook_url(public_url)
        scope = jql or self.scope_jql or ""
        desired: dict[str, Any] = {
            "name": WEBHOOK_NAME,
            "url": target,
            "events": list(EVENTS),
            "filters": {"issue-related-events-section": scope},
            "excludeBody": False,
            "enabled": True,
        }
        fresh = secrets.token_urlsafe(32)
        sent_fresh = False  # a lost answer must not make a retry forget the secret it set

        def unit() -> tuple[str, bool, list[str], str | None]:
            nonlocal sent_fresh
            existing = self._ours(public_url)
            if not existing:
                sent_fresh = True
                created = check(self._http().post(_HOOKS, json={**desired, "secret": fresh}), "create webhook").json()
                return _hook_id(created), True, [], fresh
            hook_id = _hook_id(existing[0])
            removed = []
            for extra in existing[1:]:  # earlier duplicates: keep exactly one
                extra_id = _hook_id(extra)
                check(self._http().delete(f"{_HOOKS}/{extra_id}"), "remove duplicate webhook")
                removed.append(extra_id)
            if rotate_secret or sent_fresh or (not self.known_secret and not _same(existing[0], desired)):
                secret = fresh  # Jira never shows a secret again: a webhook that must change gets a new one
                sent_fresh = True
            elif self.known_secret:
                secret = self.known_secret  # sent again, so the webhook surely signs with what the bridge holds
            else:
                return hook_id, False, removed, None  # nothing to change: not even touched
            check(self._http().put(f"{_HOOKS}/{hook_id}", json={**desired, "secret": secret}), "update webhook")
            return hook_id, False, removed, secret

        hook_id, created, removed, secret = self._call("install webhook", unit)
        done = "Created" if created else "Updated" if secret or removed else "Kept (already up to date)"
        messages = [
            f"{done} Jira admin webhook {hook_id} '{WEBHOOK_NAME}' → {target} "
            f"for {', '.join(EVENTS)}" + (f", JQL filter: {scope}" if scope else ", all projects"),
            _secret_message(created, secret, fresh, self.known_secret),
        ]
        if removed:
            messages.append(f"Removed duplicate webhook(s): {', '.join(removed)}")
        if not target.startswith("https://"):
            messages.append("Jira Cloud only delivers to HTTPS URLs with a publicly trusted certificate.")
        if clear_tag:
            messages += _clear_tag_guidance(clear_tag)
        env = {"JIRA_WEBHOOK_SECRET": secret} if secret else {}
        return InstallResult(webhook_id=hook_id, created=created, env=env, messages=messages, endpoint=target)

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
                missing = [event for event in EVENTS if event not in (hook.get("events") or [])]
                if missing:
                    raise PlatformRejected(
                        f"jira: webhook {_hook_id(hook)} points at this bridge but is not subscribed to "
                        f"{', '.join(missing)} (comments and attachments added later are not checked): "
                        "run `gdpr-bridge install jira` again"
                    )
                return _hook_id(hook)
        return None


def _same(hook: dict[str, Any], desired: dict[str, Any]) -> bool:
    """Whether the webhook already is what install would make it (the secret aside)."""
    events = sorted(str(e) for e in hook.get("events") or [])
    scope = (hook.get("filters") or {}).get("issue-related-events-section") or ""
    return (hook.get("name") == desired["name"] and hook.get("url") == desired["url"]
            and events == sorted(desired["events"]) and scope == desired["filters"]["issue-related-events-section"]
            and hook.get("enabled", True) is True and not hook.get("excludeBody", False))


def _secret_message(created: bool, secret: str | None, fresh: str, known: str | None) -> str:
    if secret == fresh:
        what = "A signing secret was set" if created else "A new signing secret was set"
        return (f"{what} on the webhook: put JIRA_WEBHOOK_SECRET into the bridge's environment now "
                "(deliveries signed with any other secret are refused).")
    if secret is not None and secret == known:
        return "Kept the signing secret the bridge already has (JIRA_WEBHOOK_SECRET); --rotate-secret sets a new one."
    return ("Kept the webhook's signing secret (Jira never shows it again: JIRA_WEBHOOK_SECRET must still hold it; "
            "--rotate-secret sets a new one).")


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
