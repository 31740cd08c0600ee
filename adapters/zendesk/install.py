"""``gdpr-bridge install zendesk``: a trigger-connected webhook and the two triggers that fire it.

A trigger-connected webhook works on every plan. One trigger fires on ticket creation and
sends only the id (``{"ticket_id": "{{ticket.id}}"}``); the other fires on an update that
adds a comment (public or private) and sends the ticket and comment ids
(``{{ticket.latest_comment.id}}``). Zendesk keeps invocation payloads for days, so no
ticket content should be in them. Every write looks first (webhooks and
triggers are found by endpoint, name or title), so running install twice, or retrying a
request whose answer was lost, never creates a second webhook or trigger.
"""

from __future__ import annotations

from typing import Any, Callable

from bridge.platform import InstallOption, InstallResult, InstallSpec, PlatformRejected, PlatformUnavailable

from ..common.install import endpoint_for as common_endpoint_for
from .http import ZendeskHttp

WEBHOOK_NAME = "gdpr-bridge"
TRIGGER_TITLE = "gdpr-bridge: ticket created"
TRIGGER_BODY = '{"ticket_id": "{{ticket.id}}"}'
COMMENT_TRIGGER_TITLE = "gdpr-bridge: comment added"
COMMENT_TRIGGER_BODY = '{"ticket_id": "{{ticket.id}}", "comment_id": "{{ticket.latest_comment.id}}"}'
SUBSCRIPTION = "conditional_ticket_events"
CREATED = {"field": "update_type", "operator": "is", "value": "Create"}
CHANGED = {"field": "update_type", "operator": "is", "value": "Change"}
# "Comment is Public" or "Comment is Private": the update added a comment of either kind
WITH_COMMENT = [{"field": "comment_is_public", "operator": "is", "value": "true"},
                {"field": "comment_is_public", "operator": "is", "value": "false"}]
KINDS: dict[str, dict[str, Any]] = {
    "created": {
        "title": TRIGGER_TITLE,
        "description": "Sends new ticket ids to gdpr-bridge (installed by gdpr-bridge install zendesk)",
        "conditions": {"all": [CREATED], "any": []},
        "body": TRIGGER_BODY,
    },
    "comment": {
        "title": COMMENT_TRIGGER_TITLE,
        "description": "Sends the ids of comments added to tickets to gdpr-bridge (installed by gdpr-bridge install zendesk)",
        "conditions": {"all": [CHANGED], "any": WITH_COMMENT},
        "body": COMMENT_TRIGGER_BODY,
    },
}
_TRUE = {"1", "true", "yes", "on"}

Call = Callable[..., Any]

INSTALL = InstallSpec(
    options=(
        InstallOption(
            "gate_notifications",
            "change the trigger that e-mails the requester on creation so it waits for the rules' "
            "actions.clear_tag (without it, install only explains the change)",
            flag=True,
            needs_clear_tag=True,
        ),
    ),
    settings=("ZENDESK_SUBDOMAIN", "ZENDESK_EMAIL", "ZENDESK_API_TOKEN"),
)


def direct(what: str, unit: Callable[[], Any], gone_on_404: bool = False) -> Any:
    """Run ``unit`` as it is: inside a unit that is itself retried as a whole."""
    return unit()


def endpoint_for(public_url: str) -> str:
    return common_endpoint_for(public_url, "zendesk")


class Installer:
    def __init__(self, http: ZendeskHttp, call: Call) -> None:
        self.http = http
        self.call = call

    # ------------------------------------------------------------------ reading

    def check_credentials(self) -> str:
        what = "check credentials"
        user = self.call(what, lambda: self.http.request("GET", "users/me.json", what)).get("user") or {}
        if not user.get("id"):
            raise PlatformRejected("zendesk: check credentials: answered as an anonymous user "
                                   "(check ZENDESK_EMAIL and ZENDESK_API_TOKEN)")
        return f"user {user['id']} (role {user.get('role') or 'unknown'}) on {self.http.settings.host}"

    def webhooks(self, call: Call = direct) -> list[dict[str, Any]]:
        return [hook for page in self.http.pages("webhooks", "list webhooks", call)
                for hook in page.get("webhooks") or []]

    def triggers(self, call: Call = direct) -> list[dict[str, Any]]:
        return [trigger for page in self.http.pages("triggers.json", "list triggers", call)
                for trigger in page.get("triggers") or []]

    def find_webhook(self, endpoint: str, by_name: bool = True, call: Call = direct) -> dict[str, Any] | None:
        hooks = self.webhooks(call)
        for hook in hooks:
            if hook.get("endpoint") == endpoint:
                return hook
        if by_name:
            for hook in hooks:
                if hook.get("name") == WEBHOOK_NAME:
                    return hook
        return None

    def our_triggers(self, webhook_id: str | None) -> list[dict[str, Any]]:
        """Both kinds: found by title, or by an action that notifies our webhook."""
        def ours(trigger: dict[str, Any]) -> bool:
            if trigger.get("title") in (TRIGGER_TITLE, COMMENT_TRIGGER_TITLE):
                return True
            return webhook_id is not None and _linked(trigger, webhook_id)

        return [trigger for trigger in self.triggers() if ours(trigger)]

    def webhook_status(self, public_url: str) -> str | None:
        hook = self.find_webhook(endpoint_for(public_url), by_name=False, call=self.call)
        if hook is None or hook.get("status") != "active":
            return None
        hook_id = str(hook["id"])
        active = {_kind(t) for t in self.call("list triggers", lambda: self.our_triggers(hook_id))
                  if t.get("active") and _linked(t, hook_id)}
        missing = [KINDS[kind]["title"] for kind in KINDS if kind not in active]
        if missing:
            raise PlatformRejected(
                f"zendesk: webhook {hook_id} points at this bridge but no active trigger sends it "
                f"{' and '.join(repr(m) for m in missing)}: run `gdpr-bridge install zendesk` again"
            )
        return hook_id

    def signing_secret(self, hook_id: str) -> str:
        what = "read signing secret"
        answer = self.call(what, lambda: self.http.request("GET", f"webhooks/{hook_id}/signing_secret", what))
        secret = (answer.get("signing_secret") or {}).get("secret")
        if not secret:
            raise PlatformUnavailable("zendesk: read signing secret: no secret in the answer")
        return str(secret)

    # ------------------------------------------------------------------ writing

    def reset_signing_secret(self, hook_id: str) -> None:
        """Have Zendesk make a new signing secret (``POST .../signing_secret``); a repeat is harmless."""
        what = "reset signing secret"
        self.call(what, lambda: self.http.request("POST", f"webhooks/{hook_id}/signing_secret", what))

    def install(self, public_url: str, clear_tag: str | None = None, rotate_secret: bool = False,
                **options: str) -> InstallResult:
        unknown = sorted(set(options) - {"gate_notifications"})
        if unknown:
            raise ValueError(f"unknown Zendesk install option(s): {', '.join(unknown)}; known: gate_notifications")
        endpoint = endpoint_for(public_url)
        if not endpoint.startswith(("https://", "http://")):
            raise PlatformRejected("zendesk: install: the public URL must start with https://")
        hook_id, created, messages = self._ensure_webhook(endpoint)
        for kind in KINDS:
            messages.append(self._ensure_trigger(hook_id, kind))
        if rotate_secret and not created:
            self.reset_signing_secret(hook_id)
            messages.append("A new signing secret was set on the webhook: put ZENDESK_WEBHOOK_SECRET into the "
                            "bridge's environment now (deliveries signed with the old one will be refused).")
        secret = self.signing_secret(hook_id)
        if clear_tag:
            messages += self._gate_notifications(clear_tag, (options.get("gate_notifications") or "").lower() in _TRUE)
        if endpoint.startswith("http://"):
            messages.append("warning: Zendesk only delivers to https:// endpoints on the public internet")
        return InstallResult(webhook_id=hook_id, created=created, env={"ZENDESK_WEBHOOK_SECRET": secret},
                             messages=messages, endpoint=endpoint)

    def _desired_webhook(self, endpoint: str) -> dict[str, Any]:
        return {
            "name": WEBHOOK_NAME,
            "description": "gdpr-bridge: checks new tickets for personal data",
            "status": "active",
            "endpoint": endpoint,
            "http_method": "POST",
            "request_format": "json",
            "subscriptions": [SUBSCRIPTION],
        }

    def _ensure_webhook(self, endpoint: str) -> tuple[str, bool, list[str]]:
        desired = self._desired_webhook(endpoint)

        def unit() -> tuple[str, bool, list[str]]:
            hook = self.find_webhook(endpoint)
            if hook is None:
                answer = self.http.request("POST", "webhooks", "create webhook", json={"webhook": desired})
                hook_id = str((answer.get("webhook") or {}).get("id") or "")
                if not hook_id:
                    raise PlatformUnavailable("zendesk: create webhook: no id in the answer")
                return hook_id, True, [f"created webhook '{WEBHOOK_NAME}' -> {endpoint}"]
            hook_id = str(hook["id"])
            if SUBSCRIPTION not in (hook.get("subscriptions") or []):
                raise PlatformRejected(
                    f"zendesk: install: webhook {hook_id} already points at {endpoint} but is subscribed to "
                    "events, not connected to triggers (fixed at creation): delete it in Admin Center and run install again"
                )
            if all(hook.get(key) == value for key, value in desired.items()):
                return hook_id, False, [f"webhook {hook_id} already up to date"]
            self.http.request("PUT", f"webhooks/{hook_id}", "update webhook", json={"webhook": desired})
            return hook_id, False, [f"updated webhook {hook_id} -> {endpoint}"]

        return self.call("install webhook", unit)

    def _ensure_trigger(self, hook_id: str, kind: str = "created") -> str:
        spec = KINDS[kind]
        desired = {
            "title": spec["title"],
            "active": True,
            "description": spec["description"],
            "conditions": {"all": [dict(c) for c in spec["conditions"]["all"]],
                           "any": [dict(c) for c in spec["conditions"]["any"]]},
            "actions": [{"field": "notification_webhook", "value": [hook_id, spec["body"]]}],
        }

        def unit() -> str:
            found = [t for t in self.our_triggers(hook_id) if _kind(t) == kind]
            if not found:
                answer = self.http.request("POST", "triggers.json", "create trigger", json={"trigger": desired})
                return f"created trigger '{spec['title']}' ({(answer.get('trigger') or {}).get('id')})"
            keep, extra = found[0], found[1:]
            for duplicate in extra:  # left by earlier manual attempts: one trigger is enough
                self.http.request("DELETE", f"triggers/{duplicate['id']}.json", "delete duplicate trigger")
            same = all(_normal(keep.get(key)) == _normal(value) for key, value in desired.items() if key != "description")
            if same:
                return f"trigger {keep['id']} already up to date" + (f"; removed {len(extra)} duplicate(s)" if extra else "")
            self.http.request("PUT", f"triggers/{keep['id']}.json", "update trigger", json={"trigger": desired})
            return f"updated trigger {keep['id']}" + (f"; removed {len(extra)} duplicate(s)" if extra else "")

        return self.call("install trigger", unit)

    def remove(self, public_url: str) -> list[str]:
        def unit() -> list[str]:
            removed: list[str] = []
            hook = self.find_webhook(endpoint_for(public_url))
            hook_id = str(hook["id"]) if hook else None
            for trigger in self.our_triggers(hook_id):  # a webhook in use by a trigger cannot be deleted
                self.http.request("DELETE", f"triggers/{trigger['id']}.json", "delete trigger")
                removed.append(f"trigger {trigger['id']}")
            if hook_id:
                self.http.request("DELETE", f"webhooks/{hook_id}", "delete webhook")
                removed.append(f"webhook {hook_id}")
            return removed

        return self.call("remove webhook", unit)

    # ------------------------------------------------------------------ requester notifications

    def _gate_notifications(self, tag: str, apply: bool) -> list[str]:
        """Explain (or, when asked, make) the change that holds Zendesk's "request received"
        e-mail until the bridge tagged the ticket clean. Only triggers that exist are touched."""
        guard = f"{tag}-notified"
        triggers = self.triggers(self.call)
        found = [t for t in triggers if t.get("active") and _notifies_requester_on_create(t)]
        gated = [t for t in triggers if _waits_for(t, tag)]
        messages = [
            f"Zendesk's own 'request received' e-mail quotes a new ticket back to the requester at once. "
            f"To send it only after the bridge has checked the ticket (tag '{tag}'), change the trigger that "
            f"sends it: 'Ticket Is Created' becomes 'Ticket Is Updated', add the conditions 'Tags contains at "
            f"least one of {tag}' and 'Tags contains none of {guard}', and the action 'Add tags {guard}'. "
            "Tickets the bridge deletes never get the tag, so their content is never e-mailed back.",
        ]
        messages += [f"trigger {t['id']} '{t.get('title')}' already waits for tag '{tag}'" for t in gated]
        if not found:
            if not gated:
                messages.append("no active trigger that e-mails the requester on creation was found; nothing to change")
            return messages
        for trigger in found:
            if not apply:
                messages.append(f"to change: trigger {trigger['id']} '{trigger.get('title')}' "
                                "(`gdpr-bridge install zendesk --gate-notifications` makes this change)")
                continue
            body = _gated(trigger, tag, guard)
            what = "gate requester notification"
            self.call(what, lambda: self.http.request("PUT", f"triggers/{trigger['id']}.json", what,
                                                      json={"trigger": body}))
            messages.append(f"changed trigger {trigger['id']} '{trigger.get('title')}' to wait for tag '{tag}'")
        return messages


def _linked(trigger: dict[str, Any], webhook_id: str) -> bool:
    return any(action.get("field") == "notification_webhook" and _first(action.get("value")) == webhook_id
               for action in trigger.get("actions") or [])


def _kind(trigger: dict[str, Any]) -> str:
    """Which of our triggers this is: by title, else by the body it sends."""
    if trigger.get("title") == COMMENT_TRIGGER_TITLE:
        return "comment"
    if trigger.get("title") == TRIGGER_TITLE:
        return "created"
    for action in trigger.get("actions") or []:
        value = action.get("value")
        if action.get("field") == "notification_webhook" and isinstance(value, list) and len(value) > 1:
            return "comment" if "comment_id" in str(value[1]) else "created"
    return "created"


def _first(value: Any) -> str | None:
    if isinstance(value, list) and value:
        return str(value[0])
    return None


def _normal(value: Any) -> Any:
    """Compare triggers as Zendesk returns them (it may add keys like "any": [])."""
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items() if v not in (None, [], {})}
    if isinstance(value, list):
        return [_normal(v) for v in value]
    return value


def _conditions(trigger: dict[str, Any]) -> list[dict[str, Any]]:
    conditions = trigger.get("conditions") or {}
    return list(conditions.get("all") or [])


def _notifies_requester_on_create(trigger: dict[str, Any]) -> bool:
    created = any(c.get("field") == "update_type" and c.get("value") == "Create" for c in _conditions(trigger))
    mails = any(
        action.get("field") == "notification_user" and _first(action.get("value")) in ("requester_id", "requester_and_ccs")
        for action in trigger.get("actions") or []
    )
    return created and mails


def _waits_for(trigger: dict[str, Any], tag: str) -> bool:
    return any(
        c.get("field") == "current_tags" and c.get("operator") == "includes" and tag in str(c.get("value") or "").split()
        for c in _conditions(trigger)
    )


def _gated(trigger: dict[str, Any], tag: str, guard: str) -> dict[str, Any]:
    conditions = [c for c in _conditions(trigger) if c.get("field") != "update_type"]
    conditions = [{"field": "update_type", "operator": "is", "value": "Change"}, *conditions,
                  {"field": "current_tags", "operator": "includes", "value": tag},
                  {"field": "current_tags", "operator": "not_includes", "value": guard}]
    actions = [*(trigger.get("actions") or []), {"field": "current_tags", "value": guard}]
    any_conditions = (trigger.get("conditions") or {}).get("any") or []
    return {"title": trigger.get("title"), "active": True,
            "conditions": {"all": conditions, "any": any_conditions}, "actions": actions}
