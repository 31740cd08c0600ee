"""Webhook delivery ids are remembered for dedupe, and forgotten after the configured time.

huey's key-value store keeps entries for ever on SQLite (and on Redis before 7.4), so
without forgetting, every delivery a helpdesk ever sent would stay in the queue's storage.
Runs against a SQLite file and a real Redis server.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import redis

from bridge.queue import claim_delivery, forget_deliveries, make_huey

REDIS_URL = "redis://127.0.0.1:6379/15"
HOUR = 3600.0


@pytest.fixture(params=["sqlite", "redis"])
def huey(request: pytest.FixtureRequest, tmp_path: Path):
    name = f"test-deliveries-{uuid.uuid4().hex[:8]}"
    url = f"sqlite:///{tmp_path}/queue.db" if request.param == "sqlite" else REDIS_URL
    queue = make_huey(url, name)
    yield queue
    if request.param == "redis":
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"*{name.replace('-', '')}*"):
            client.delete(key)


def test_a_delivery_is_claimed_once(huey) -> None:
    assert claim_delivery(huey, "delivery:zendesk:abc", now=1000.0) is True
    assert claim_delivery(huey, "delivery:zendesk:abc", now=1001.0) is False
    assert claim_delivery(huey, "delivery:jira:abc", now=1001.0) is True


def test_old_deliveries_are_forgotten_and_recent_ones_kept(huey) -> None:
    now = 1_000_000.0
    claim_delivery(huey, "delivery:zendesk:old", now=now - 80 * HOUR)
    claim_delivery(huey, "delivery:jira:old", now=now - 73 * HOUR)
    claim_delivery(huey, "delivery:zendesk:recent", now=now - 71 * HOUR)
    claim_delivery(huey, "delivery:zendesk:new", now=now)

    assert forget_deliveries(huey, 72 * HOUR, now=now) == 2

    assert claim_delivery(huey, "delivery:zendesk:old", now=now) is True, "forgotten: claimable again"
    assert claim_delivery(huey, "delivery:jira:old", now=now) is True
    assert claim_delivery(huey, "delivery:zendesk:recent", now=now) is False, "still remembered"
    assert claim_delivery(huey, "delivery:zendesk:new", now=now) is False


def test_other_keys_and_legacy_values(huey) -> None:
    huey.put("not-a-delivery", "kept")
    huey.put_if_empty("delivery:zendesk:legacy", "1")  # how earlier versions stored a claim
    assert forget_deliveries(huey, 72 * HOUR, now=1_000_000.0) == 1
    assert huey.get("not-a-delivery", peek=True) == "kept"
    assert claim_delivery(huey, "delivery:zendesk:legacy") is True
