"""The webhook endpoint in process (Starlette), with the real Zendesk receiver."""

from __future__ import annotations

import asyncio
import json
import threading
from datetime import datetime, timezone

import httpx

from bridge.app import create_app
from bridge.settings import load_settings
from bridge.signatures import zendesk_signature

SECRET = "app-test-secret"


def signed(ticket_id: str, invocation: str) -> tuple[bytes, dict[str, str]]:
    body = json.dumps({"ticket_id": ticket_id}).encode()
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return body, {"X-Zendesk-Webhook-Signature-Timestamp": stamp,
                  "X-Zendesk-Webhook-Signature": zendesk_signature(SECRET, stamp, body),
                  "X-Zendesk-Webhook-Invocation-Id": invocation, "Content-Type": "application/json"}


def make(tmp_path, enqueue, claim, **env):  # type: ignore[no-untyped-def]
    settings = load_settings({"BRIDGE_DATA_DIR": str(tmp_path), **env})
    return create_app(settings, enqueue=enqueue, claim_delivery=claim,
                      environ={"ZENDESK_WEBHOOK_SECRET": SECRET})


def test_accepts_dedupes_and_reports_unconfigured_platform(tmp_path) -> None:
    queued: list[tuple[str, str]] = []
    seen: set[str] = set()

    def claim(key: str) -> bool:
        fresh = key not in seen
        seen.add(key)
        return fresh

    app = make(tmp_path, lambda p, t: queued.append((p, t)), claim)

    async def go() -> list[httpx.Response]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bridge") as c:
            body, headers = signed("12", "inv-1")
            first = await c.post("/webhooks/zendesk", content=body, headers=headers)
            again = await c.post("/webhooks/zendesk", content=body, headers=headers)
            jira = await c.post("/webhooks/jira", content=b"{}")
            return [first, again, jira]

    first, again, jira = asyncio.run(go())
    assert first.status_code == 202 and first.json()["ticket_id"] == "12"
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    assert queued == [("zendesk", "12")]
    assert jira.status_code == 503 and "JIRA" in jira.json()["error"]


def test_queue_down_is_503_and_nothing_is_lost_silently(tmp_path) -> None:
    def broken(platform: str, ticket_id: str) -> None:
        raise ConnectionError("redis down")

    app = make(tmp_path, broken, lambda key: True)

    async def go() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bridge") as c:
            body, headers = signed("13", "inv-2")
            return await c.post("/webhooks/zendesk", content=body, headers=headers)

    response = asyncio.run(go())
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert "redis" not in response.text.lower()


def test_concurrency_limit_answers_503_instead_of_piling_up(tmp_path) -> None:
    release = threading.Event()
    entered = threading.Event()

    def slow_claim(key: str) -> bool:
        entered.set()
        release.wait(5)
        return True

    app = make(tmp_path, lambda p, t: None, slow_claim, BRIDGE_MAX_CONCURRENT_REQUESTS="1")

    async def go() -> tuple[httpx.Response, httpx.Response]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bridge") as c:
            body, headers = signed("14", "inv-3")
            first = asyncio.create_task(c.post("/webhooks/zendesk", content=body, headers=headers))
            while not entered.is_set():
                await asyncio.sleep(0.01)
            body2, headers2 = signed("15", "inv-4")
            second = await c.post("/webhooks/zendesk", content=body2, headers=headers2)
            release.set()
            return await first, second

    first, second = asyncio.run(go())
    assert first.status_code == 202
    assert second.status_code == 503 and second.headers["Retry-After"] == "1"


def test_errors_carry_no_stack_trace_or_secret(tmp_path) -> None:
    app = make(tmp_path, lambda p, t: None, lambda key: True)

    async def go() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bridge") as c:
            body, headers = signed("16", "inv-5")
            headers["X-Zendesk-Webhook-Signature"] = "forged"
            return await c.post("/webhooks/zendesk", content=body, headers=headers)

    response = asyncio.run(go())
    assert response.status_code == 401
    assert SECRET not in response.text and "Traceback" not in response.text
