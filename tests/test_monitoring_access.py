"""Who can read /metrics, /readyz and the status page: a separate listener on loopback, or the
status token in the Authorization header (never in the URL), at least 24 characters long, with
repeated wrong tokens answered more and more slowly."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from bridge.app import create_app
from bridge.settings import ConfigError, load_settings
from tests.support.bridge_process import BridgeProcess

TOKEN = "monitoring-token-0123456789abcdef"


def app_for(tmp_path: Path, **env: str):  # type: ignore[no-untyped-def]
    settings = load_settings({"BRIDGE_DATA_DIR": str(tmp_path), **env})
    return create_app(settings, enqueue=lambda p, t: None, claim_delivery=lambda key: True,
                      queue_depth=lambda: 0, environ={"ZENDESK_WEBHOOK_SECRET": "s"})


def test_a_status_token_shorter_than_24_characters_is_refused() -> None:
    with pytest.raises(ConfigError, match="BRIDGE_STATUS_TOKEN must be at least 24 characters"):
        load_settings({"BRIDGE_STATUS_TOKEN": "too-short-a-token"})
    assert load_settings({"BRIDGE_STATUS_TOKEN": TOKEN}).status_token == TOKEN


def test_metrics_and_readyz_on_the_webhook_port_need_the_token_in_the_header(tmp_path: Path) -> None:
    with TestClient(app_for(tmp_path, BRIDGE_STATUS_TOKEN=TOKEN)) as client:
        for path in ("/metrics", "/readyz"):
            assert client.get(path).status_code == 401
            refused = client.get(f"{path}?token={TOKEN}")
            assert refused.status_code == 401 and "not accepted in the URL" in refused.json()["error"]
            assert client.get(path, headers={"Authorization": f"Bearer {TOKEN}"}).status_code in (200, 503)
        assert b"gdpr_bridge_webhooks_total" in client.get(
            "/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).content
        assert client.get("/healthz").status_code == 200  # liveness stays open: it says nothing


def test_without_a_token_or_metrics_port_they_are_closed_and_say_how_to_open_them(tmp_path: Path) -> None:
    with TestClient(app_for(tmp_path)) as client:
        response = client.get("/metrics")
        assert response.status_code == 401
        assert "BRIDGE_METRICS_PORT" in response.json()["error"] and "BRIDGE_STATUS_TOKEN" in response.json()["error"]


def test_repeated_wrong_tokens_are_answered_more_slowly_and_called_wrong(tmp_path: Path) -> None:
    with TestClient(app_for(tmp_path, BRIDGE_STATUS_TOKEN=TOKEN)) as client:
        took = []
        for attempt in range(4):
            started = time.monotonic()
            response = client.get("/metrics", headers={"Authorization": f"Bearer guess-{attempt}"})
            took.append(time.monotonic() - started)
            assert response.status_code == 401 and response.json()["error"].startswith("wrong token")
        assert took[0] >= 0.2 and took[3] >= 1.5 and took[3] > took[1] > took[0] * 1.5
        started = time.monotonic()
        assert client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
        assert time.monotonic() - started < 1.0  # the right token is not slowed down
        started = time.monotonic()
        client.get("/metrics", headers={"Authorization": "Bearer guess-again"})
        assert time.monotonic() - started < 1.0  # and it reset the backoff


def test_a_separate_listener_on_loopback_serves_metrics_and_readyz(tmp_path: Path) -> None:
    bridge = BridgeProcess(tmp_path, {"ZENDESK_WEBHOOK_SECRET": "s"}, command=("web",)).start()
    try:
        assert httpx.get(bridge.metrics_url + "/metrics").status_code == 200
        assert "ready" in httpx.get(bridge.metrics_url + "/readyz").json()
        # the webhook's port no longer serves them
        assert httpx.get(bridge.url + "/metrics").status_code == 404
        assert httpx.get(bridge.url + "/readyz").status_code == 404
        # bound to 127.0.0.1 only: another loopback address of this machine is not answered
        probe = socket.socket()
        with pytest.raises(ConnectionRefusedError):
            probe.connect(("127.0.0.2", bridge.metrics_port))
        probe.close()
    finally:
        bridge.stop()
