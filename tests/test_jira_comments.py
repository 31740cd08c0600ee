"""Jira's own side of comment scanning (issue 17): ``comment_created`` and attachment-adding
``jira:issue_updated`` deliveries, the events ``install`` registers, and the edit/delete
requests. What every platform does alike is in tests/contract/test_comment_contract.py."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any, Iterator

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from adapters.jira import JiraPlatform, JiraWebhook, RetryPolicy
from bridge.platform import PlatformRejected, WebhookRejected
from tests.fakes.jira_server import FakeJira, ServerThread, sign

HUB_SECRET = "hub-secret-0123456789"
SHARED_SECRET = "shared-secret-9876543210"
MARKER = "erik.berg@example.se"  # personal data in bodies: never in a reason
FAST = RetryPolicy(attempts=3, base_wait=0.01, max_wait=0.05, max_retry_after=5)
ALL_EVENTS = ["jira:issue_created", "comment_created", "jira:issue_updated"]


def receiver() -> JiraWebhook:
    return JiraWebhook(webhook_secret=HUB_SECRET, shared_secret=SHARED_SECRET)


def signed(payload: object, **headers: str) -> tuple[dict[str, str], bytes]:
    raw = json.dumps(payload).encode()
    return {"X-Hub-Signature": sign(HUB_SECRET, raw), **headers}, raw


def comment_created(comment_id: Any = "30007", issue: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"timestamp": 1700000000000, "webhookEvent": "comment_created",
            "comment": {"self": "https://acme.atlassian.net/rest/api/2/issue/10070/comment/30007", "id": comment_id,
                        "author": {"accountId": "qm:1"}, "body": f"call {MARKER}", "jsdPublic": True},
            "issue": issue if issue is not None else {"id": "10070", "key": "SD-7", "fields": {"summary": "help"}}}


def attachments_added(*ids: str, comment: dict[str, Any] | None = None) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "timestamp": 1700000000000, "webhookEvent": "jira:issue_updated", "issue_event_type_name": "issue_updated",
        "issue": {"id": "10070", "key": "SD-7", "fields": {"summary": "help"}},
        "changelog": {"id": "1", "items": [{"field": "Attachment", "fieldtype": "jira", "fieldId": "attachment",
                                            "from": None, "fromString": None, "to": i, "toString": "shot.png"}
                                           for i in ids]},
    }
    if comment is not None:
        payload["comment"] = comment
        payload["issue_event_type_name"] = "issue_commented"
    return payload


def refused(payload: Any) -> WebhookRejected:
    with pytest.raises(WebhookRejected) as caught:
        receiver().parse(*signed(payload))
    assert MARKER not in caught.value.reason
    return caught.value


# ---------------------------------------------------------------------- parsing


def test_comment_created_names_issue_and_comment() -> None:
    event = receiver().parse(*signed(comment_created(), **{"X-Atlassian-Webhook-Identifier": "abc-1"}))
    assert (event.ticket_id, event.comment_id, event.delivery_id) == ("SD-7", "30007", "abc-1")


def test_without_the_issue_the_comments_own_address_names_it() -> None:
    event = receiver().parse(*signed(comment_created(issue={})))
    assert (event.ticket_id, event.comment_id, event.delivery_id) == ("10070", "30007", "jira:10070:comment:30007")


def test_files_added_without_a_comment_become_one_event() -> None:
    event = receiver().parse(*signed(attachments_added("20011", "20010")))
    assert (event.ticket_id, event.comment_id) == ("SD-7", "attachments-20010-20011")


def test_files_added_with_a_comment_are_that_comment() -> None:
    event = receiver().parse(*signed(attachments_added("20010", comment={"id": "30008", "body": MARKER})))
    assert event.comment_id == "30008"  # comment_created comes too: both dedupe on the comment


def test_other_updates_are_acknowledged_not_queued() -> None:
    payload = attachments_added()
    payload["changelog"]["items"] = [{"field": "status", "fieldId": "status", "from": "1", "to": "3"}]
    answer = refused(payload)
    assert answer.status == 200 and "ignored" in answer.reason
    removed = attachments_added()
    removed["changelog"]["items"] = [{"field": "Attachment", "fieldId": "attachment", "from": "20010", "to": None}]
    assert refused(removed).status == 200


@pytest.mark.parametrize("payload", [
    comment_created(comment_id=None),
    comment_created(comment_id="../1"),
    comment_created(comment_id=MARKER),
    comment_created(issue={"key": "../../x"}) | {"comment": {"id": "1", "self": "nope"}},
])
def test_malformed_comment_events_are_refused(payload: Any) -> None:
    assert refused(payload).status == 400


def test_the_issue_created_event_is_unchanged() -> None:
    payload = {"webhookEvent": "jira:issue_created", "issue": {"id": "10070", "key": "SD-7"}}
    event = receiver().parse(*signed(payload))
    assert (event.ticket_id, event.comment_id, event.delivery_id) == ("SD-7", None, "jira:SD-7")


def test_automation_may_send_a_comment_id() -> None:
    raw = json.dumps({"issue": {"key": "SD-7"}, "comment": {"id": "30009"}}).encode()
    event = receiver().parse({"X-Bridge-Secret": SHARED_SECRET}, raw)
    assert (event.ticket_id, event.comment_id) == ("SD-7", "30009")


# ---------------------------------------------------------------------- delivered by the fake over HTTP


@pytest.fixture(scope="module")
def site() -> Iterator[FakeJira]:
    with FakeJira(timeout_delay=0.6) as fake:
        yield fake


@pytest.fixture(scope="module")
def bridge() -> Iterator[str]:
    hook = receiver()

    async def endpoint(request: Request) -> JSONResponse:
        try:
            event = hook.parse(request.headers, await request.body())
        except WebhookRejected as rejected:
            return JSONResponse({"reason": rejected.reason}, status_code=rejected.status)
        return JSONResponse({"ticket_id": event.ticket_id, "comment_id": event.comment_id}, status_code=202)

    with ServerThread(Starlette(routes=[Route("/webhooks/jira", endpoint, methods=["POST"])])) as server:
        yield f"{server.url}/webhooks/jira"


def test_the_fake_comments_and_attaches_then_fires_the_webhooks(site: FakeJira, bridge: str) -> None:
    key = site.add_issue("SD", "Help", "x")
    comment_id, answer = site.comment_and_deliver(bridge, key, f"call {MARKER}", HUB_SECRET,
                                                  attachments=[("shot.png", b"PNG", "image/png")])
    assert answer.status_code == 202 and answer.json() == {"ticket_id": key, "comment_id": str(comment_id)}
    assert site.comment(key, comment_id)["body"] == f"call {MARKER}\n\n[^shot.png]"
    ids, answer = site.attach_and_deliver(bridge, key, [("b.txt", b"x", "text/plain")], HUB_SECRET)
    assert answer.json() == {"ticket_id": key, "comment_id": f"attachments-{ids[0]}"}


# ---------------------------------------------------------------------- install


def platform(fake: FakeJira, **options: Any) -> JiraPlatform:
    return JiraPlatform(fake.url, fake.email, fake.token, settle_seconds=0, timeout=0.3, retry=FAST, **options)


def test_install_subscribes_to_comments_and_updates_once(site: FakeJira) -> None:
    site.webhooks.clear()
    public = "https://bridge.example.org"
    first = platform(site).install_webhook(public)
    [hook] = site.webhooks.values()
    assert hook["events"] == ALL_EVENTS
    assert any("comment_created" in m for m in first.messages)
    knowing = platform(site, webhook_secret=first.env["JIRA_WEBHOOK_SECRET"])
    again = knowing.install_webhook(public)
    assert len(site.webhooks) == 1 and again.env == first.env  # the secret stays
    site.webhooks.clear()


def test_an_install_from_before_comments_is_reported_and_repaired(site: FakeJira) -> None:
    import httpx

    site.webhooks.clear()
    httpx.post(f"{site.url}/rest/webhooks/1.0/webhook", auth=(site.email, site.token),
               json={"name": "gdpr-bridge", "url": "https://bridge.example.org/webhooks/jira",
                     "events": ["jira:issue_created"], "secret": "old"}).raise_for_status()
    jira = platform(site, webhook_secret="old")
    with pytest.raises(PlatformRejected) as caught:
        jira.webhook_status("https://bridge.example.org")
    assert "comment_created" in str(caught.value) and "install jira" in str(caught.value)
    result = jira.install_webhook("https://bridge.example.org")
    assert result.env == {"JIRA_WEBHOOK_SECRET": "old"}  # updated, secret kept
    assert jira.webhook_status("https://bridge.example.org") == result.webhook_id
    site.webhooks.clear()


# ---------------------------------------------------------------------- the edit requests


def test_an_edit_replaces_each_span_with_the_marker_without_notifying(site: FakeJira) -> None:
    key = site.add_issue("SD", "Help", "x", created=datetime.now(timezone.utc) - timedelta(hours=1))
    text = "Erik's mobile is +46 70 123 45 67, his mail erik@example.se."
    comment_id = site.add_comment(key, text, author=site.issues[key].reporter)
    spans = [(text.index("+46"), text.index(",")), (text.index("erik@"), text.index("erik@") + len("erik@example.se"))]
    platform(site).redact_comment(key, str(comment_id), spans)
    assert site.comment(key, comment_id)["body"] == "Erik's mobile is (removed), his mail (removed)."
    edit = site.calls("PUT", rf"^/rest/api/2/issue/{key}/comment/{comment_id}$")[-1]
    assert "notifyUsers=false" in edit.query
    record = site.comment(key, comment_id)["properties"]["gdpr-bridge.redaction"]
    assert record["spans"] == [list(s) for s in spans] and MARKER not in json.dumps(record)


def test_a_file_of_another_issue_is_never_deleted(site: FakeJira) -> None:
    mine = site.add_issue("SD", "Mine", "x")
    theirs = site.add_issue("SD", "Theirs", "x")
    other_file = site.add_attachment(theirs, "theirs.png", b"PNG")
    comment_id = site.add_comment(mine, "hello")
    from bridge.platform import AttachmentRef

    platform(site).remove_comment_attachment(mine, str(comment_id), AttachmentRef(str(other_file), "theirs.png"))
    assert site.attachment_ids(theirs) == [other_file]


def test_a_span_in_a_request_form_field_cannot_be_edited(site: FakeJira) -> None:
    key = site.add_issue("SD", "Help", "my printer", request_fields={"Phone": "+46 70 123 45 67"})
    body = platform(site).fetch_ticket(key).body
    start = body.index("+46")
    with pytest.raises(PlatformRejected):
        platform(site).redact_description(key, [(start, start + 16)])


def test_files_a_comment_names_are_left_to_that_comments_event(site: FakeJira, bridge: str) -> None:
    """The portal adds a reply and its file together: comment_created and an issue update that
    adds the file both come; the file is scanned once, with the reply."""
    key = site.add_issue("SD", "Help", "x")
    comment_id, _ = site.comment_and_deliver(bridge, key, "see the file", HUB_SECRET,
                                             attachments=[("shot.png", b"PNG", "image/png")])
    [file_id] = site.attachment_ids(key)
    jira = platform(site)
    assert [a.id for a in jira.fetch_comment(key, str(comment_id)).attachments] == [str(file_id)]
    assert jira.fetch_comment(key, f"attachments-{file_id}").attachments == []
    loose = site.add_attachment(key, "later.txt", b"x", author=site.bot_account_id)  # an agent, not the replier
    assert [a.id for a in jira.fetch_comment(key, f"attachments-{file_id}-{loose}").attachments] == [str(loose)]
