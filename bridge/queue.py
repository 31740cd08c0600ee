"""The durable job queue: huey on SQLite (embedded default) or Redis (scale-out).

Job payloads hold a platform name and a ticket id, nothing else. Results are not
stored (``results=False``): huey would otherwise keep error tracebacks in the
queue's storage.
"""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlparse

from huey import Huey, RedisHuey, SqliteHuey

from bridge.settings import ConfigError


DELIVERY_PREFIX = "delivery:"


def make_huey(url: str, name: str = "gdpr-bridge") -> Huey:
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = Path(url[len("sqlite:///"):] if url.startswith("sqlite:///") else parsed.path)
        if not str(path):
            raise ConfigError("BRIDGE_QUEUE_URL sqlite:/// needs a file path, e.g. sqlite:///data/queue.db")
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(name=name, filename=str(path), results=False, utc=True)
    if parsed.scheme in ("redis", "rediss", "unix"):
        return RedisHuey(name=name, url=url, results=False, utc=True)
    raise ConfigError(f"unsupported BRIDGE_QUEUE_URL scheme {parsed.scheme!r}: use sqlite:/// or redis://")


def claim_delivery(huey: Huey, key: str, now: float | None = None) -> bool:
    """Remember a webhook delivery id; False when it was already remembered (a duplicate).

    The value is the time it was first seen, so that ``forget_deliveries`` can drop old
    ids: huey's key-value store has no expiry on SQLite (nor on Redis before 7.4).
    """
    return bool(huey.put_if_empty(key, time.time() if now is None else now))


def release_delivery(huey: Huey, key: str) -> None:
    """Forget a claimed delivery id whose job could not be queued, so that the platform's
    retry is queued instead of answered "duplicate"."""
    huey.delete(key)


def forget_deliveries(huey: Huey, older_than_seconds: float, now: float | None = None) -> int:
    """Drop delivery ids first seen more than ``older_than_seconds`` ago. Returns how many.

    A redelivery after that is still caught downstream: the job store and the audit
    record keep one email and one deletion per ticket.
    """
    cutoff = (time.time() if now is None else now) - older_than_seconds
    dropped = 0
    for key, raw in huey.storage.result_items().items():
        if not str(key).startswith(DELIVERY_PREFIX):
            continue
        try:
            first_seen = float(huey.serializer.deserialize(raw))
        except Exception:  # unreadable value: treat as old
            first_seen = 0.0
        if first_seen < cutoff and huey.delete(key):
            dropped += 1
    return dropped


def describe(url: str) -> str:
    """The queue URL without any password, for logs and ``doctor``."""
    parsed = urlparse(url)
    if parsed.password:
        netloc = parsed.netloc.replace(f":{parsed.password}@", ":***@")
        return parsed._replace(netloc=netloc).geturl()
    return url
