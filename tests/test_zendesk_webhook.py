"""Zendesk webhook verification and parsing, with deliveries signed the way Zendesk signs them."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from adapters.zendesk import ZendeskWebhook
from adapters.zendesk.config import ZendeskConfigError
from adapters.zendesk.webhook import STATIC_TEST_SECRET
from bridge.platform import WebhookReceiver, WebhookRejected, get_webhook_receiver
from tests.fakes.zendesk_server import FakeZendesk, ServerThread, sign, zendesk_time

SECRET = "c2lnbmluZy1zZWNyZXQtZm9yLXRoZS10ZXN0cw=="
PERSONAL = "anna.svensson@example.se"


def signed(body: Any, secret: str = SECRET, when: datetime | None = None, **extra: str) -> tuple[dict[str, str], bytes]:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    stamp = zendesk_time(when or datetime.now(timezone.utc))
    headers = {"X-Zendesk-Webhook-Signature-Timestamp": stamp, "X-Zendesk-Webhook-Signature": sign(secret, stamp, raw),
               "Content-Type": "application/json", **extra}
    return headers, raw


def event(ticket_id: str = "35436", kind: str = "zen:event-type:ticket.created", **changes: Any) -> dict[str, Any]:
    body = {
        "type": kind, "account_id": 9242270, "id": "01HNXXXXCTEXAMPLE", "time": "2024-04-17T17:18:10Z",
        "zendesk_event_version": "2022-11-06", "subject": f"zen:ticket:{ticket_id}",
        "detail": {"id": ticket_id, "status": "NEW", "description": f"Call me, {PERSONAL}", "via": {"channel": "web"}},
        "event": {},
    }
    body.update(changes)
    return body


@pytest.fixture()
def receiver() -> ZendeskWebhook:
    return ZendeskWebhook.from_env({"ZENDESK_WEBHOOK_SECRET": SECRET})


def rejection(receiver: ZendeskWebhook, headers: dict[str, str], raw: bytes) -> WebhookRejected:
    with pytest.raises(WebhookRejected) as caught:
        receiver.parse(headers, raw)
    assert PERSONAL not in caught.value.reason and "Call me" not in caught.value.reason
    return caught.value


# ---------------------------------------------------------------------- the two forms


def test_event_subscribed_ticket_created(receiver: ZendeskWebhook) -> None:
    headers, raw = signed(event(), **{"X-Zendesk-Webhook-Invocation-Id": "8350205582"})
    parsed = receiver.parse(headers, raw)
    assert (parsed.platform, parsed.ticket_id, parsed.delivery_id) == ("zendesk", "35436", "8350205582")


def test_event_without_invocation_header_dedupes_on_the_event_id(receiver: ZendeskWebhook) -> None:
    assert receiver.parse(*signed(event())).delivery_id == "01HNXXXXCTEXAMPLE"


def test_event_id_may_come_from_the_subject_alone(receiver: ZendeskWebhook) -> None:
    assert receiver.parse(*signed(event(detail={"status": "NEW"}))).ticket_id == "35436"


@pytest.mark.parametrize("value", ["35436", 35436, " 35436 "])
def test_trigger_connected(receiver: ZendeskWebhook, value: Any) -> None:
    parsed = receiver.parse(*signed({"ticket_id": value}))
    assert parsed.ticket_id == "35436" and parsed.delivery_id == "zendesk:35436"


def test_header_names_are_case_insensitive(receiver: ZendeskWebhook) -> None:
    headers, raw = signed({"ticket_id": "7"}, **{"X-Zendesk-Webhook-Invocation-Id": "42"})
    assert receiver.parse({k.lower(): v for k, v in headers.items()}, raw).delivery_id == "42"


def test_a_malformed_invocation_id_is_not_used_as_a_key(receiver: ZendeskWebhook) -> None:
    headers, raw = signed({"ticket_id": "7"}, **{"X-Zendesk-Webhook-Invocation-Id": "a b/c" * 50})
    assert receiver.parse(headers, raw).delivery_id == "zendesk:7"


# ---------------------------------------------------------------------- refusals


def test_a_forged_signature_is_refused(receiver: ZendeskWebhook) -> None:
    assert rejection(receiver, *signed(event(), secret="not-the-secret")).status == 401


def test_a_changed_body_is_refused(receiver: ZendeskWebhook) -> None:
    headers, _ = signed(event("1"))
    assert rejection(receiver, headers, json.dumps(event("2")).encode()).status == 401


@pytest.mark.parametrize("minutes", [-10, 10])
def test_a_stale_or_future_timestamp_is_refused(receiver: ZendeskWebhook, minutes: int) -> None:
    when = datetime.now(timezone.utc) + timedelta(minutes=minutes)
    refused = rejection(receiver, *signed(event(), when=when))
    assert refused.status == 401 and "timestamp" in refused.reason


@pytest.mark.parametrize("drop", ["X-Zendesk-Webhook-Signature", "X-Zendesk-Webhook-Signature-Timestamp"])
def test_missing_signature_headers_are_refused(receiver: ZendeskWebhook, drop: str) -> None:
    headers, raw = signed(event())
    del headers[drop]
    assert rejection(receiver, headers, raw).status == 401


@pytest.mark.parametrize("raw", [b"{not json", b"\xff\xfe", b"[1, 2]", b'"35436"', b""])
def test_malformed_bodies_are_400(receiver: ZendeskWebhook, raw: bytes) -> None:
    refused = rejection(receiver, *signed(raw))
    assert refused.status == 400 and "\n" not in refused.reason


@pytest.mark.parametrize(
    "body",
    [{}, {"ticket_id": "{{ticket.id}}"}, {"ticket_id": 0}, {"ticket_id": -3}, {"ticket_id": True},
     {"ticket_id": 1.5}, {"ticket_id": "12abc"}, {"ticket_id": "9" * 30}, {"ticket_id": PERSONAL},
     event(detail={}, subject="zen:user:5"), event(detail={"id": "x"}, subject=None)],
    ids=["empty", "placeholder", "zero", "negative", "bool", "float", "junk", "huge", "email", "no-ticket", "bad-id"],
)
def test_a_missing_or_malformed_ticket_id_is_400(receiver: ZendeskWebhook, body: dict[str, Any]) -> None:
    refused = rejection(receiver, *signed(body))
    assert refused.status == 400


def test_detail_and_subject_must_agree(receiver: ZendeskWebhook) -> None:
    assert rejection(receiver, *signed(event("5", subject="zen:ticket:6"))).status == 400


@pytest.mark.parametrize("kind", ["zen:event-type:ticket.comment_made_private", "zen:event-type:user.created", PERSONAL])
def test_other_event_types_are_acknowledged_but_ignored(receiver: ZendeskWebhook, kind: str) -> None:
    refused = rejection(receiver, *signed(event(kind=kind)))
    assert refused.status == 200 and "ignored" in refused.reason


# ---------------------------------------------------------------------- secrets


def test_the_static_test_secret_only_when_configured() -> None:
    plain = ZendeskWebhook.from_env({"ZENDESK_WEBHOOK_SECRET": SECRET})
    assert rejection(plain, *signed(event(), secret=STATIC_TEST_SECRET)).status == 401
    testing = ZendeskWebhook.from_env({"ZENDESK_WEBHOOK_SECRET": SECRET, "ZENDESK_WEBHOOK_ACCEPT_TEST_SECRET": "1"})
    assert testing.parse(*signed(event(), secret=STATIC_TEST_SECRET)).ticket_id == "35436"
    assert testing.parse(*signed(event(), secret=SECRET)).ticket_id == "35436"


def test_the_static_test_secret_works_as_the_configured_secret() -> None:
    receiver = ZendeskWebhook.from_env({"ZENDESK_WEBHOOK_SECRET": STATIC_TEST_SECRET})
    assert receiver.parse(*signed({"ticket_id": "9"}, secret=STATIC_TEST_SECRET)).ticket_id == "9"


def test_two_secrets_while_rotating() -> None:
    receiver = ZendeskWebhook.from_env({"ZENDESK_WEBHOOK_SECRET": f"old-secret, {SECRET}"})
    assert receiver.parse(*signed({"ticket_id": "9"}, secret="old-secret")).ticket_id == "9"
    assert receiver.parse(*signed({"ticket_id": "9"}, secret=SECRET)).ticket_id == "9"


@pytest.mark.parametrize("environ", [{}, {"ZENDESK_WEBHOOK_SECRET": "  "}, {"ZENDESK_WEBHOOK_SECRET": ","}])
def test_a_missing_secret_names_the_variable(environ: dict[str, str]) -> None:
    with pytest.raises(ZendeskConfigError, match="ZENDESK_WEBHOOK_SECRET"):
        ZendeskWebhook.from_env(environ)


def test_the_registry_finds_the_receiver() -> None:
    receiver = get_webhook_receiver("zendesk", {"ZENDESK_WEBHOOK_SECRET": SECRET})
    assert isinstance(receiver, WebhookReceiver) and receiver.name == "zendesk"


def test_the_receiver_does_not_load_zenpy() -> None:
    root = Path(__file__).resolve().parents[1]
    code = "import sys, adapters.zendesk as z; z.ZendeskWebhook(['s']); print('zenpy' in sys.modules, 'requests' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


# ---------------------------------------------------------------------- over HTTP, as Zendesk sends them


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    """A minimal receiver app: the raw body and headers as Starlette hands them over."""
    receiver = ZendeskWebhook.from_env({"ZENDESK_WEBHOOK_SECRET": SECRET})

    async def hook(request: Request) -> JSONResponse:
        try:
            parsed = receiver.parse(request.headers, await request.body())
        except WebhookRejected as exc:
            return JSONResponse({"error": exc.reason}, status_code=exc.status)
        return JSONResponse({"ticket_id": parsed.ticket_id, "delivery_id": parsed.delivery_id,
                             "agent": request.headers.get("user-agent")}, status_code=202)

    server = ServerThread(Starlette(routes=[Route("/webhooks/zendesk", hook, methods=["POST"])])).start()
    try:
        yield f"http://127.0.0.1:{server.port}/webhooks/zendesk"
    finally:
        server.stop()


@pytest.fixture(scope="module")
def zendesk() -> FakeZendesk:
    return FakeZendesk()  # only its seeding and delivery helpers are used: no server needed


@pytest.mark.parametrize("form", ["event", "trigger"])
def test_deliveries_over_http(endpoint: str, zendesk: FakeZendesk, form: str) -> None:
    ticket_id = zendesk.add_ticket("Help", f"Call me, {PERSONAL}")
    answer = zendesk.deliver_webhook(endpoint, ticket_id, SECRET, form=form, invocation_id="777")
    assert answer.status_code == 202
    assert answer.json() == {"ticket_id": str(ticket_id), "delivery_id": "777", "agent": "Zendesk Webhook"}


def test_forged_and_stale_deliveries_over_http(endpoint: str, zendesk: FakeZendesk) -> None:
    ticket_id = zendesk.add_ticket("Help", f"Call me, {PERSONAL}")
    forged = zendesk.deliver_webhook(endpoint, ticket_id, "guessed")
    stale = zendesk.deliver_webhook(endpoint, ticket_id, SECRET,
                                    timestamp=zendesk_time(datetime.now(timezone.utc) - timedelta(hours=1)))
    assert (forged.status_code, stale.status_code) == (401, 401)
    assert PERSONAL not in forged.text + stale.text


def test_other_events_over_http_are_acknowledged(endpoint: str, zendesk: FakeZendesk) -> None:
    ticket_id = zendesk.add_ticket("Help", "x")
    answer = zendesk.deliver_webhook(endpoint, ticket_id, SECRET, event_type="zen:event-type:ticket.status_changed")
    assert answer.status_code == 200 and "ignored" in answer.json()["error"]
