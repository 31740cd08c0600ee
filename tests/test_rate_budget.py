"""The shared API budget on its two stores (a real Redis and a SQLite file): worker
processes together keep to the rate, a pause holds every worker, and what a platform's
answers say (429, X-Rate-Limit, an exhausted quota) reaches the budget."""

from __future__ import annotations

import multiprocessing
import time
import uuid
from pathlib import Path
from typing import Any, Iterator

import pytest
import redis

from adapters.common.budget import observe
from bridge.platform import PlatformUnavailable
from bridge.ratebudget import SAFETY, RateBudget, RedisStore, SqliteStore

REDIS_URL = "redis://127.0.0.1:6379/15"


def make_store(kind: str, where: str) -> Any:
    if kind == "redis":
        return RedisStore(redis.Redis.from_url(REDIS_URL), prefix=where)
    return SqliteStore(Path(where) / "rate_budget.db")


@pytest.fixture(params=["sqlite", "redis"])
def store_spec(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    where = f"test-budget-{uuid.uuid4().hex[:8]}" if request.param == "redis" else str(tmp_path)
    yield request.param, where
    if request.param == "redis":
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"{where}:*"):
            client.delete(key)


def _worker(kind: str, where: str, per_minute: float, count: int, out: Any) -> None:
    budget = RateBudget(make_store(kind, where), "zendesk:acme", per_minute, burst=1)
    for _ in range(count):
        budget.acquire()
        out.put(time.time())


def test_worker_processes_together_keep_to_the_rate(store_spec: tuple[str, str]) -> None:
    per_minute, processes, each = 1200.0, 4, 20
    out: Any = multiprocessing.get_context("fork").Queue()
    workers = [multiprocessing.get_context("fork").Process(target=_worker, args=(*store_spec, per_minute, each, out))
               for _ in range(processes)]
    for worker in workers:
        worker.start()
    stamps = sorted(out.get(timeout=60) for _ in range(processes * each))
    for worker in workers:
        worker.join(10)

    interval = 60.0 / (per_minute * SAFETY)
    expected = (len(stamps) - 1) * interval
    elapsed = stamps[-1] - stamps[0]
    assert 0.95 * expected <= elapsed <= 1.25 * expected, (elapsed, expected)  # 1.25: two busy shared cores
    in_3s = max(sum(1 for s in stamps if start <= s < start + 3.0) for start in stamps)
    assert in_3s <= 3 * per_minute / 60, in_3s  # never faster than the limit over any 3 seconds


def test_a_pause_holds_every_worker_and_a_long_one_goes_back_to_the_queue(store_spec: tuple[str, str]) -> None:
    one = RateBudget(make_store(*store_spec), "jira:site", 6000)
    other = RateBudget(make_store(*store_spec), "jira:site", 6000)  # another worker, its own connection
    other.acquire()
    one.pause(1.0)  # a 429 with Retry-After: 1 seen by one worker
    started = time.monotonic()
    other.acquire()
    assert time.monotonic() - started >= 0.9

    one.pause(600)
    with pytest.raises(PlatformUnavailable) as caught:
        other.acquire()  # not a 10-minute sleep inside a job: the job is queued again
    assert caught.value.retry_after is not None and caught.value.retry_after > 500


def test_budgets_of_different_accounts_do_not_share(store_spec: tuple[str, str]) -> None:
    slow = RateBudget(make_store(*store_spec), "zendesk:one", 60, burst=1)
    fast = RateBudget(make_store(*store_spec), "zendesk:two", 60, burst=1)
    slow.pause(30)
    started = time.monotonic()
    fast.acquire()
    assert time.monotonic() - started < 0.5


class Recorder:
    def __init__(self) -> None:
        self.paused: list[float] = []
        self.limits: list[float] = []

    def acquire(self) -> None:
        pass

    def pause(self, seconds: float) -> None:
        self.paused.append(seconds)

    def observe_limit(self, per_minute: float) -> None:
        self.limits.append(per_minute)


@pytest.mark.parametrize("status, headers, paused, limits", [
    (429, {"Retry-After": "7"}, [7.0], []),
    (429, {}, [5.0], []),
    (503, {"Retry-After": "2"}, [2.0], []),
    (503, {}, [], []),
    (200, {"X-Rate-Limit": "200", "X-Rate-Limit-Remaining": "150"}, [], [200.0]),
    (200, {"ratelimit-limit": "700", "ratelimit-remaining": "0", "ratelimit-reset": "12"}, [12.0], [700.0]),
])
def test_what_an_answer_tells_the_budget(status: int, headers: dict[str, str], paused: list[float],
                                         limits: list[float]) -> None:
    budget = Recorder()
    observe(budget, status, headers)
    assert [round(p) for p in budget.paused] == paused and budget.limits == limits


def test_an_advertised_limit_only_ever_lowers_the_budget(tmp_path: Path) -> None:
    budget = RateBudget(SqliteStore(tmp_path / "b.db"), "zendesk:acme", 400)
    budget.observe_limit(700)
    assert budget.per_minute == 400
    budget.observe_limit(200)
    assert budget.per_minute == 200 and budget.interval == pytest.approx(60 / (200 * SAFETY))
