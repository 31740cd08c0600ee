"""Webhook intake under hostile or unlucky conditions: slow bodies, a queue failing after the
claim, deeply nested or huge-number bodies (signed), and a published test secret switched on."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from bridge.app import create_app
from bridge.db import Database
from bridge.deliveries import DeliveryMemory
from bridge.settings import load_settings
from bridge.signatures import zendesk_signature
from tests.e2e import make_harness
from tests.support.bridge_process import BridgeProcess

SECRET = "hardening-test-secret"


def signed(body: bytes, invocation: str = "inv-1") -> dict[str, str]:
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"X-Zendesk-Webhook-Signature-Timestamp": stamp,
            "X-Zendesk-Webhook-Signature": zendesk_signature(SECRET, stamp, body),
            "X-Zendesk-Webhook-Invocation-Id": invocation, "Content-Type": "application/json"}


def post_all(app, requests: list[tuple[bytes, dict[str, str]]]) -> list[httpx.Response]:  # type: ignore[no-untyped-def]
    async def go() -> list[httpx.Response]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bridge") as c:
            return [await c.post("/webhooks/zendesk", content=body, headers=headers) for body, headers in requests]

    return asyncio.run(go())


def app_with(tmp_path: Path, enqueue, claim, release=None, **env: str):  # type: ignore[no-untyped-def]
    settings = load_settings({"BRIDGE_DATA_DIR": str(tmp_path), **env})
    return create_app(settings, enqueue=enqueue, claim_delivery=claim, release_delivery=release,
                      environ={"ZENDESK_WEBHOOK_SECRET": SECRET})


def test_a_delivery_whose_queueing_failed_is_queued_when_the_platform_retries(tmp_path: Path) -> None:
    memory = DeliveryMemory(Database(tmp_path / "bridge.db"))
    queued: list[str] = []
    failures = [ConnectionError("queue down")]

    def enqueue(platform: str, ticket_id: str) -> None:
        if failures:
            raise failures.pop()
        queued.append(ticket_id)

    app = app_with(tmp_path, enqueue, memory.claim, memory.release)
    body = json.dumps({"ticket_id": "41"}).encode()
    first, retry, again = post_all(app, [(body, signed(body, "inv-41"))] * 3)
    assert first.status_code == 503 and first.headers["Retry-After"]
    assert retry.status_code == 202 and retry.json()["status"] == "queued"
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    assert queued == ["41"]


def test_signed_body_nested_thousands_deep_is_a_bad_request(tmp_path: Path) -> None:
    app = app_with(tmp_path, lambda p, t: None, lambda key: True)
    deep = b'{"ticket_id": "5", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    [response] = post_all(app, [(deep, signed(deep))])
    assert response.status_code == 400 and "nested too deeply" in response.json()["error"]


def test_a_ticket_id_of_ten_thousand_digits_is_called_an_invalid_id(tmp_path: Path) -> None:
    app = app_with(tmp_path, lambda p, t: None, lambda key: True)
    huge = b'{"ticket_id": ' + b"7" * 10_000 + b"}"
    [response] = post_all(app, [(huge, signed(huge))])
    assert response.status_code == 400
    assert "ticket_id" in response.json()["error"] and "not valid JSON" not in response.json()["error"]


# ------------------------------------------------------------------ through the real process


@pytest.fixture()
def zendesk() -> Iterator[object]:
    harness = make_harness("zendesk")
    yield harness
    harness.stop()


def slow_sender(port: int) -> socket.socket:
    """Headers of a 100-byte delivery, then one byte, then nothing."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.sendall(b"POST /webhooks/zendesk HTTP/1.1\r\nHost: bridge\r\nContent-Type: application/json\r\n"
                 b"Content-Length: 100\r\n\r\n{")
    return sock


def test_signed_delivery_gets_through_while_slow_bodies_hold_connections(tmp_path: Path, zendesk) -> None:
    env = {**zendesk.env(), "ZENDESK_WEBHOOK_SECRET": zendesk.secret, "BRIDGE_MAX_CONCURRENT_REQUESTS": "8",
           "BRIDGE_BODY_TIMEOUT_SECONDS": "3"}
    bridge = BridgeProcess(tmp_path, env).start()
    slow: list[socket.socket] = []
    try:
        slow = [slow_sender(bridge.port) for _ in range(40)]
        time.sleep(0.5)  # all of them are waiting for their bodies now
        ticket_id = zendesk.create("Export fails", "The export fails with E-4412.", {"email": "a@example.com"})
        started = time.monotonic()
        response = zendesk.deliver(bridge.url, ticket_id)
        assert response.status_code == 202, response.text
        assert time.monotonic() - started < 2.5  # not stuck behind the slow senders' bound
        # the slow senders are cut off at the bound with 408
        slow[0].settimeout(10)
        answer = slow[0].recv(200)
        assert answer.startswith(b"HTTP/1.1 408"), answer
    finally:
        for sock in slow:
            sock.close()
        bridge.stop()


def test_start_up_log_warns_when_the_published_test_secret_is_accepted(tmp_path: Path) -> None:
    env = {"ZENDESK_WEBHOOK_SECRET": SECRET, "ZENDESK_WEBHOOK_ACCEPT_TEST_SECRET": "1"}
    bridge = BridgeProcess(tmp_path, env, command=("web",)).start()
    try:
        assert httpx.get(bridge.url + "/healthz").status_code == 200
    finally:
        bridge.stop()
    warnings = [json.loads(line) for line in bridge.log_path.read_text().splitlines()
                if '"webhook receiver insecure"' in line]
    assert warnings and warnings[0]["levelname"] == "WARNING"
    assert "ZENDESK_WEBHOOK_ACCEPT_TEST_SECRET" in warnings[0]["reason"]
    assert SECRET not in bridge.log_path.read_text()


def test_the_sweep_runs_by_default_when_the_rules_have_no_sweep_section() -> None:
    import re

    from bridge.rules import parse_rules
    from tests.support.bridge_process import ROOT

    shipped = (ROOT / "rules.yaml").read_text(encoding="utf-8")
    without, removed = re.subn(r"(?m)^sweep:\n(?:  .*\n)+", "", shipped)
    assert removed == 1
    assert parse_rules(without.encode()).sweep.interval_minutes == 15
    assert parse_rules((without + "sweep:\n  interval_minutes: 0\n").encode()).sweep.interval_minutes == 0
