"""Webhook delivery ids are remembered for dedupe, and forgotten after the configured time.

The memory lives in the state database so that web processes on several hosts share it.
"""

from __future__ import annotations

import threading

from bridge.deliveries import DeliveryMemory

HOUR = 3600.0


def test_a_delivery_is_claimed_once(db) -> None:
    memory = DeliveryMemory(db)
    assert memory.claim("delivery:zendesk:abc", now=1000.0) is True
    assert memory.claim("delivery:zendesk:abc", now=1001.0) is False
    assert memory.claim("delivery:jira:abc", now=1001.0) is True


def test_old_deliveries_are_forgotten_and_recent_ones_kept(db) -> None:
    memory = DeliveryMemory(db)
    now = 1_000_000.0
    memory.claim("delivery:zendesk:old", now=now - 80 * HOUR)
    memory.claim("delivery:jira:old", now=now - 73 * HOUR)
    memory.claim("delivery:zendesk:recent", now=now - 71 * HOUR)
    memory.claim("delivery:zendesk:new", now=now)

    assert memory.forget(72 * HOUR, now=now) == 2

    assert memory.claim("delivery:zendesk:old", now=now) is True, "forgotten: claimable again"
    assert memory.claim("delivery:jira:old", now=now) is True
    assert memory.claim("delivery:zendesk:recent", now=now) is False, "still remembered"
    assert memory.claim("delivery:zendesk:new", now=now) is False


def test_a_released_delivery_can_be_claimed_by_the_platforms_retry(db) -> None:
    memory = DeliveryMemory(db)
    assert memory.claim("delivery:jira:7") is True
    memory.release("delivery:jira:7")  # queueing failed after the claim
    assert memory.claim("delivery:jira:7") is True


def test_a_burst_of_the_same_delivery_from_many_threads_is_claimed_once(db) -> None:
    memory = DeliveryMemory(db)
    wins: list[bool] = []
    start = threading.Barrier(8)

    def claim() -> None:
        start.wait(10)
        wins.append(memory.claim("delivery:zendesk:burst"))

    threads = [threading.Thread(target=claim) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(wins) == [False] * 7 + [True]
