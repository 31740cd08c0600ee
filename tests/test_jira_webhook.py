"""JiraWebhook: signatures, shared secrets and payload parsing, directly and over real HTTP."""

from __future__ import annotations

import json
from typing import Iterator

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from adapters.jira import JiraWebhook
from adapters.jira.config import JiraConfigError
from bridge.platform import WebhookReceiver, WebhookRejected, get_webhook_receiver
from bridge.signatures import hub_signature
from tests.fakes.jira_server import FakeJira, ServerThread, sign

VECTOR_SECRET = "It's a Secret to Everybody"
VECTOR_BODY = b"Hello World!"
VECTOR_SIGNATURE = "sha256=a4771c39fbe90f317c7824e83ddef3caae9cb3d976c214ace1f2937e133263c9"

HUB_SECRET = "hub-secret-0123456789"
SHARED_SECRET = "shared-secret-9876543210"
MARKER = "anna.secret.marker@example.se"  # personal data in bodies: must never show up in a reason


def receiver(**kwargs: str) -> JiraWebhook:
    kwargs.setdefault("webhook_secret", HUB_SECRET)
    kwargs.setdefault("shared_secret", SHARED_SECRET)
    return JiraWebhook(**kwargs)  # type: ignore[arg-type]


def signed(payload: object, secret: str = HUB_SECRET, **headers: str) -> tuple[dict[str, str], bytes]:
    raw = json.dumps(payload).encode()
    return {"X-Hub-Signature": sign(secret, raw), **headers}, raw


def created_payload(key: str = "SD-7", event: str = "jira:issue_created") -> dict[str, object]:
    return {
        "timestamp": 1700000000000,
        "webhookEvent": event,
        "issue_event_type_name": "issue_created",
        "user": {"accountId": "qm:1", "displayName": "Anna"},
        "issue": {"id": "10070", "key": key, "fields": {"summary": "help", "description": f"mail {MARKER}"}},
    }


# ---------------------------------------------------------------------- signatures


def test_atlassian_test_vector() -> None:
    assert sign(VECTOR_SECRET, VECTOR_BODY) == VECTOR_SIGNATURE  # the fake signs like Jira
    assert hub_signature(VECTOR_SECRET, VECTOR_BODY) == VECTOR_SIGNATURE
    hook = JiraWebhook(webhook_secret=VECTOR_SECRET)
    # The signature is accepted (no 401); the body is then refused as not JSON.
    with pytest.raises(WebhookRejected) as caught:
        hook.parse({"X-Hub-Signature": VECTOR_SIGNATURE}, VECTOR_BODY)
    assert caught.value.status == 400
    with pytest.raises(WebhookRejected) as forged:
        hook.parse({"X-Hub-Signature": VECTOR_SIGNATURE.replace("a47", "a48")}, VECTOR_BODY)
    assert forged.value.status == 401


def test_signed_admin_webhook() -> None:
    headers, raw = signed(created_payload("SD-7"), **{"X-Atlassian-Webhook-Identifier": "4f0b2b8c-1"})
    event = receiver().parse(headers, raw)
    assert (event.platform, event.ticket_id, event.delivery_id) == ("jira", "SD-7", "4f0b2b8c-1")


def test_headers_are_case_insensitive_and_uppercase_hex_is_fine() -> None:
    headers, raw = signed(created_payload("SD-8"))
    lowered = {"x-hub-signature": headers["X-Hub-Signature"].upper().replace("SHA256=", "sha256=")}
    assert receiver().parse(lowered, raw).ticket_id == "SD-8"


def test_issue_id_is_the_fallback() -> None:
    payload = created_payload()
    del payload["issue"]["key"]  # type: ignore[index]
    headers, raw = signed(payload)
    event = receiver().parse(headers, raw)
    assert event.ticket_id == "10070" and event.delivery_id == "jira:10070"


@pytest.mark.parametrize(
    "headers_for",
    [
        lambda raw: {"X-Hub-Signature": sign("wrong secret", raw)},
        lambda raw: {"X-Hub-Signature": sign(HUB_SECRET, raw + b" ")},  # body changed after signing
        lambda raw: {"X-Hub-Signature": "sha1=" + "0" * 40},
        lambda raw: {"X-Hub-Signature": ""},
        lambda raw: {},
        lambda raw: {"X-Bridge-Secret": "guess"},
        lambda raw: {"X-Bridge-Secret": SHARED_SECRET[:-1]},
    ],
)
def test_forged_or_unsigned_requests_are_401(headers_for) -> None:  # type: ignore[no-untyped-def]
    raw = json.dumps(created_payload()).encode()
    with pytest.raises(WebhookRejected) as caught:
        receiver().parse(headers_for(raw), raw)
    assert caught.value.status == 401
    assert MARKER not in caught.value.reason


def test_hub_signature_without_a_configured_secret_is_401() -> None:
    headers, raw = signed(created_payload())
    with pytest.raises(WebhookRejected) as caught:
        JiraWebhook(shared_secret=SHARED_SECRET).parse(headers, raw)
    assert caught.value.status == 401 and "JIRA_WEBHOOK_SECRET" in caught.value.reason


def test_shared_secret_header_when_only_hub_is_configured_is_401() -> None:
    raw = json.dumps({"issueKey": "SD-1"}).encode()
    with pytest.raises(WebhookRejected) as caught:
        JiraWebhook(webhook_secret=HUB_SECRET).parse({"X-Bridge-Secret": SHARED_SECRET}, raw)
    assert caught.value.status == 401


# ---------------------------------------------------------------------- shared secret (JSM automation)


@pytest.mark.parametrize(
    "payload",
    [
        {"issue": {"key": "SD-12", "fields": {"description": MARKER}}},
        {"issueKey": "SD-12"},
        {"issue": {"key": "SD-12"}, "webhookEvent": "jira:issue_created"},
    ],
)
def test_shared_secret_accepts_custom_bodies(payload: dict[str, object]) -> None:
    event = receiver().parse({"X-Bridge-Secret": SHARED_SECRET}, json.dumps(payload).encode())
    assert (event.ticket_id, event.delivery_id) == ("SD-12", "jira:SD-12")


def test_shared_secret_header_name_is_configurable() -> None:
    hook = JiraWebhook.from_env({"JIRA_SHARED_SECRET": SHARED_SECRET, "JIRA_SHARED_SECRET_HEADER": "X-Our-Token"})
    raw = json.dumps({"issueKey": "SD-3"}).encode()
    assert hook.parse({"x-our-token": SHARED_SECRET}, raw).ticket_id == "SD-3"
    with pytest.raises(WebhookRejected) as caught:
        hook.parse({"X-Bridge-Secret": SHARED_SECRET}, raw)
    assert caught.value.status == 401 and "X-Our-Token" in caught.value.reason


def test_signed_payloads_must_have_the_documented_shape() -> None:
    headers, raw = signed({"webhookEvent": "jira:issue_created", "issueKey": "SD-1"})
    with pytest.raises(WebhookRejected) as caught:
        receiver().parse(headers, raw)
    assert caught.value.status == 400


# ---------------------------------------------------------------------- malformed and other events


@pytest.mark.parametrize(
    "raw",
    [
        b"{not json " + MARKER.encode(),
        b"\xff\xfe" + MARKER.encode(),
        json.dumps([MARKER]).encode(),
        json.dumps({"webhookEvent": "jira:issue_created", "issue": {"key": MARKER}}).encode(),
        json.dumps({"webhookEvent": "jira:issue_created", "issue": {"key": "../../admin"}}).encode(),
        json.dumps({"webhookEvent": "jira:issue_created", "issue": {"fields": {"description": MARKER}}}).encode(),
        json.dumps({"issue": {"key": "SD-1"}, "user": MARKER}).encode(),  # signed but no webhookEvent
    ],
)
def test_malformed_bodies_are_400_and_reasons_hold_no_body_content(raw: bytes) -> None:
    for headers in ({"X-Hub-Signature": sign(HUB_SECRET, raw)},):
        with pytest.raises(WebhookRejected) as caught:
            receiver().parse(headers, raw)
        assert caught.value.status == 400
        assert MARKER not in caught.value.reason and MARKER not in str(caught.value)


@pytest.mark.parametrize("event", ["jira:issue_updated", "comment_updated", "jira:issue_deleted"])
def test_other_events_are_ignored_with_200(event: str) -> None:
    headers, raw = signed(created_payload(event=event))
    with pytest.raises(WebhookRejected) as caught:
        receiver().parse(headers, raw)
    assert caught.value.status == 200 and "ignored" in caught.value.reason
    with pytest.raises(WebhookRejected) as shared:
        receiver().parse({"X-Bridge-Secret": SHARED_SECRET}, raw)
    assert shared.value.status == 200


def test_odd_delivery_identifiers_fall_back_to_the_key() -> None:
    headers, raw = signed(created_payload("SD-5"), **{"X-Atlassian-Webhook-Identifier": "x" * 500})
    assert receiver().parse(headers, raw).delivery_id == "jira:SD-5"


# ---------------------------------------------------------------------- configuration


def test_from_env_needs_a_secret() -> None:
    with pytest.raises(JiraConfigError) as caught:
        JiraWebhook.from_env({})
    assert "JIRA_WEBHOOK_SECRET" in str(caught.value) and "JIRA_SHARED_SECRET" in str(caught.value)
    with pytest.raises(JiraConfigError, match="JIRA_SHARED_SECRET_HEADER"):
        JiraWebhook.from_env({"JIRA_SHARED_SECRET": "s", "JIRA_SHARED_SECRET_HEADER": "bad header: x"})


def test_registry_builds_the_receiver() -> None:
    hook = get_webhook_receiver("jira", {"JIRA_WEBHOOK_SECRET": HUB_SECRET})
    assert isinstance(hook, JiraWebhook) and isinstance(hook, WebhookReceiver)


# ---------------------------------------------------------------------- over HTTP, delivered by the fake


@pytest.fixture(scope="module")
def bridge() -> Iterator[tuple[str, list[object]]]:
    """A minimal receiver endpoint: verify on the raw bytes, answer 202 or the rejection."""
    hook = JiraWebhook(webhook_secret=HUB_SECRET, shared_secret=SHARED_SECRET)
    events: list[object] = []

    async def endpoint(request: Request) -> JSONResponse:
        raw = await request.body()
        try:
            event = hook.parse(request.headers, raw)
        except WebhookRejected as rejected:
            return JSONResponse({"reason": rejected.reason}, status_code=rejected.status)
        events.append(event)
        return JSONResponse({"ticket_id": event.ticket_id, "delivery_id": event.delivery_id}, status_code=202)

    app = Starlette(routes=[Route("/webhooks/jira", endpoint, methods=["POST"])])
    with ServerThread(app) as server:
        yield f"{server.url}/webhooks/jira", events


@pytest.fixture(scope="module")
def site() -> Iterator[FakeJira]:
    with FakeJira() as fake:
        yield fake


def test_delivery_signed_like_jira(bridge: tuple[str, list[object]], site: FakeJira) -> None:
    url, _ = bridge
    key = site.add_issue("SD", "Help", f"mail {MARKER}")
    first = site.deliver_webhook(url, key, HUB_SECRET, identifier="a1b2-c3")
    retried = site.deliver_webhook(url, key, HUB_SECRET, identifier="a1b2-c3", retry=1)
    assert first.status_code == retried.status_code == 202
    assert first.json() == retried.json() == {"ticket_id": key, "delivery_id": "a1b2-c3"}  # same key to dedupe on


def test_delivery_with_the_wrong_secret(bridge: tuple[str, list[object]], site: FakeJira) -> None:
    url, _ = bridge
    key = site.add_issue("SD", "Help", f"mail {MARKER}")
    answer = site.deliver_webhook(url, key, "not the secret")
    assert answer.status_code == 401
    assert MARKER not in answer.text


def test_delivery_from_jsm_automation(bridge: tuple[str, list[object]], site: FakeJira) -> None:
    url, _ = bridge
    key = site.add_issue("SD", "Help", "x")
    answer = site.deliver_webhook(url, key, SHARED_SECRET, mode="shared")
    assert answer.status_code == 202 and answer.json() == {"ticket_id": key, "delivery_id": f"jira:{key}"}
    custom = site.deliver_webhook(url, key, SHARED_SECRET, mode="shared", payload={"issueKey": key})
    assert custom.status_code == 202 and custom.json()["ticket_id"] == key


def test_delivery_of_another_event_is_acknowledged_and_ignored(bridge: tuple[str, list[object]], site: FakeJira) -> None:
    url, events = bridge
    key = site.add_issue("SD", "Help", "x")
    before = len(events)
    answer = site.deliver_webhook(url, key, HUB_SECRET, event="jira:issue_updated")
    assert answer.status_code == 200 and len(events) == before
