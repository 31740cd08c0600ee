"""One API budget per platform account, shared by every worker thread and process.

The budget is a GCRA token bucket (the "virtual scheduling" form): the store keeps, per
account, the theoretical arrival time ``tat`` of the next request and a ``paused until``
time. A caller reserves the next slot atomically and sleeps until it, so N workers
together make at most ``burst + rate * t`` requests in any ``t`` seconds, in arrival
order, without polling. A 429's Retry-After sets ``paused until`` for everyone.

Where it lives: in Redis when the queue is Redis (a Lua script; Redis's clock), else in a
small SQLite file in ``BRIDGE_DATA_DIR`` (``BEGIN IMMEDIATE``; one host's clock), which
is what workers sharing a SQLite queue share anyway.

The rate is ``rules.yaml`` ``rate_limits.<platform>.requests_per_minute`` (lowered, never
raised, by what the platform advertises), times ``SAFETY`` so that a limiter counting
over a sliding minute never sees more than it allows.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any, Callable, Protocol

from bridge.platform import BudgetFactory, PlatformUnavailable

log = logging.getLogger(__name__)

SAFETY = 0.93  # of the configured rate: room for the burst and clock skew within a minute
BURST_SHARE = 0.05  # default burst: 5 % of a minute's requests
MAX_WAIT = 60.0  # a longer pause goes back to the queue instead of holding a worker


class BudgetStore(Protocol):
    def reserve(self, key: str, interval: float, burst: int, max_wait: float) -> tuple[float, bool]:
        """Seconds to wait for the next slot, and whether a slot was reserved (False: paused
        for longer than ``max_wait``; nothing was reserved)."""
        ...

    def pause(self, key: str, seconds: float) -> None:
        ...

    def paused_for(self, key: str) -> float:
        """Seconds left of a pause (0 when none)."""
        ...


_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local max_wait = tonumber(ARGV[3])
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
if paused - now > max_wait then
  return {paused - now, 0}
end
local tat = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now, paused)
local allow = math.max(tat - (burst - 1) * interval, now, paused)
tat = tat + interval
redis.call('SET', KEYS[1], tostring(tat), 'PX', math.floor(tat - now) + 60000)
return {allow - now, 1}
"""

_PAUSE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local untill = now + tonumber(ARGV[1])
local paused = tonumber(redis.call('GET', KEYS[1]) or '0')
if untill > paused then
  redis.call('SET', KEYS[1], tostring(untill), 'PX', math.floor(untill - now) + 1000)
end
return 1
"""


_LEFT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local paused = tonumber(redis.call('GET', KEYS[1]) or '0')
return math.max(0, math.floor(paused - now))
"""


class RedisStore:
    """The budget in Redis: one atomic script per reservation, Redis's clock for everyone."""

    def __init__(self, client: Any, prefix: str = "gdpr-bridge") -> None:
        self._client = client
        self._prefix = prefix
        self._reserve = client.register_script(_RESERVE)
        self._pause = client.register_script(_PAUSE)
        self._left = client.register_script(_LEFT)

    def _keys(self, key: str) -> list[str]:
        base = f"{self._prefix}:budget:{key}"
        return [f"{base}:tat", f"{base}:paused"]

    def reserve(self, key: str, interval: float, burst: int, max_wait: float) -> tuple[float, bool]:
        wait_ms, reserved = self._reserve(keys=self._keys(key),
                                          args=[interval * 1000.0, burst, max_wait * 1000.0])
        return max(0.0, float(wait_ms) / 1000.0), bool(int(reserved))

    def pause(self, key: str, seconds: float) -> None:
        self._pause(keys=self._keys(key)[1:], args=[max(0.0, seconds) * 1000.0])

    def paused_for(self, key: str) -> float:
        left_ms = self._left(keys=self._keys(key)[1:])
        return max(0.0, float(left_ms) / 1000.0)


class SqliteStore:
    """The budget in a SQLite file: workers of one host (one clock) share it."""

    def __init__(self, path: Path, clock: Callable[[], float] = time.time) -> None:
        self._path = Path(path)
        self._path.parent.mkdir(parents=True, exist_ok=True)
        self._clock = clock
        self._local = threading.local()
        with self._connect() as db:
            db.execute("CREATE TABLE IF NOT EXISTS budget (key TEXT PRIMARY KEY, tat REAL NOT NULL DEFAULT 0, "
                       "paused REAL NOT NULL DEFAULT 0)")

    def _connect(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self._path, timeout=30, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            self._local.db = db
        return db

    def _row(self, db: sqlite3.Connection, key: str) -> tuple[float, float]:
        db.execute("INSERT OR IGNORE INTO budget (key) VALUES (?)", (key,))
        tat, paused = db.execute("SELECT tat, paused FROM budget WHERE key = ?", (key,)).fetchone()
        return float(tat), float(paused)

    def reserve(self, key: str, interval: float, burst: int, max_wait: float) -> tuple[float, bool]:
        db = self._connect()
        db.execute("BEGIN IMMEDIATE")
        try:
            now = self._clock()
            tat, paused = self._row(db, key)
            if paused - now > max_wait:
                db.execute("COMMIT")
                return paused - now, False
            tat = max(tat, now, paused)
            allow = max(tat - (burst - 1) * interval, now, paused)
            db.execute("UPDATE budget SET tat = ? WHERE key = ?", (tat + interval, key))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return max(0.0, allow - now), True

    def paused_for(self, key: str) -> float:
        row = self._connect().execute("SELECT paused FROM budget WHERE key = ?", (key,)).fetchone()
        return max(0.0, float(row[0]) - self._clock()) if row else 0.0

    def pause(self, key: str, seconds: float) -> None:
        db = self._connect()
        db.execute("BEGIN IMMEDIATE")
        try:
            until = self._clock() + max(0.0, seconds)
            _, paused = self._row(db, key)
            if until > paused:
                db.execute("UPDATE budget SET paused = ? WHERE key = ?", (until, key))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise


class RateBudget:
    """``bridge.platform.RateBudget`` for one platform account."""

    def __init__(self, store: BudgetStore, key: str, per_minute: float, burst: int | None = None,
                 sleep: Callable[[float], None] = time.sleep, max_wait: float = MAX_WAIT) -> None:
        if per_minute <= 0:
            raise ValueError("requests_per_minute must be positive")
        self._store = store
        self.key = key
        self.configured = float(per_minute)
        self.per_minute = float(per_minute)
        self.burst = burst if burst is not None else max(1, round(per_minute * BURST_SHARE))
        self._sleep = sleep
        self._max_wait = max_wait

    @property
    def interval(self) -> float:
        """Seconds between two requests at the budget's pace."""
        return 60.0 / (self.per_minute * SAFETY)

    def acquire(self) -> None:
        """Wait for this request's slot. A pause that began meanwhile voids the slot: queue again."""
        for _ in range(100):
            wait, reserved = self._store.reserve(self.key, self.interval, self.burst, self._max_wait)
            if not reserved:
                raise PlatformUnavailable(f"{self.key.split(':', 1)[0]}: every worker is paused for the "
                                          f"platform's rate limit ({wait:.0f}s left)", retry_after=wait)
            if wait > 0:
                self._sleep(wait)
            if wait <= 0 or self._store.paused_for(self.key) <= 0:
                return
        raise PlatformUnavailable(f"{self.key.split(':', 1)[0]}: the rate limit keeps pausing", retry_after=60.0)

    def pause(self, seconds: float) -> None:
        log.warning("platform rate limit: every worker pauses", extra={"budget": self.key.split(":", 1)[0],
                                                                        "seconds": round(seconds, 2)})
        self._store.pause(self.key, seconds)

    def observe_limit(self, per_minute: float) -> None:
        if 0 < per_minute < self.per_minute:
            log.info("platform advertises a lower rate limit", extra={"budget": self.key.split(":", 1)[0],
                                                                       "per_minute": per_minute})
            self.per_minute = per_minute


class Budgets:
    """The budgets of one process, from the settings and the rules (``rate_limits``)."""

    def __init__(self, queue_url: str, data_dir: Path, prefix: str, limits: dict[str, Any]) -> None:
        self._queue_url = queue_url
        self._data_dir = data_dir
        self._prefix = prefix
        self._limits = limits
        self._store: BudgetStore | None = None
        self._lock = threading.Lock()
        self._budgets: dict[str, RateBudget] = {}

    def _the_store(self) -> BudgetStore:
        with self._lock:
            if self._store is None:
                if self._queue_url.startswith(("redis://", "rediss://", "unix://")):
                    import redis

                    self._store = RedisStore(redis.Redis.from_url(self._queue_url), self._prefix)
                else:
                    self._store = SqliteStore(self._data_dir / "rate_budget.db")
            return self._store

    def factory(self, platform: str) -> BudgetFactory | None:
        """How the platform's adapter gets its account's budget; None when rules set no limit."""
        limit = self._limits.get(platform)
        if limit is None:
            return None

        def for_account(account: str) -> RateBudget:
            key = f"{platform}:{account}"
            with self._lock:
                budget = self._budgets.get(key)
            if budget is None:
                budget = RateBudget(self._the_store(), key, limit.requests_per_minute, limit.burst)
                with self._lock:
                    budget = self._budgets.setdefault(key, budget)
            return budget

        return for_account
