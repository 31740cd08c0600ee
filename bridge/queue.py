"""The durable job queue: huey on SQLite (embedded default) or Redis (scale-out).

Job payloads hold a platform name and a ticket id, nothing else. Results are not
stored (``results=False``): huey would otherwise keep error tracebacks in the
queue's storage.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from huey import Huey, RedisHuey, SqliteHuey

from bridge.queue_outage import QUEUE_OUTAGE
from bridge.settings import ConfigError


DELIVERY_PREFIX = "delivery:"  # keys of the delivery memory (bridge/deliveries.py)


class _ReportsRecovery:
    """A successful read from the queue ends a logged outage (bridge/queue_outage.py)."""

    def dequeue(self) -> object:
        task = super().dequeue()  # type: ignore[misc]
        QUEUE_OUTAGE.reachable()
        return task


class BridgeSqliteHuey(_ReportsRecovery, SqliteHuey):  # type: ignore[misc]
    pass


class BridgeRedisHuey(_ReportsRecovery, RedisHuey):  # type: ignore[misc]
    pass


def make_huey(url: str, name: str = "gdpr-bridge") -> Huey:
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = Path(url[len("sqlite:///"):] if url.startswith("sqlite:///") else parsed.path)
        if not str(path):
            raise ConfigError("BRIDGE_QUEUE_URL sqlite:/// needs a file path, e.g. sqlite:///data/queue.db")
        path.parent.mkdir(parents=True, exist_ok=True)
        return BridgeSqliteHuey(name=name, filename=str(path), results=False, utc=True)
    if parsed.scheme in ("redis", "rediss", "unix"):
        return BridgeRedisHuey(name=name, url=url, results=False, utc=True)
    raise ConfigError(f"unsupported BRIDGE_QUEUE_URL scheme {parsed.scheme!r}: use sqlite:/// or redis://")


def describe(url: str) -> str:
    """The queue URL without any password, for logs and ``doctor``."""
    parsed = urlparse(url)
    if parsed.password:
        netloc = parsed.netloc.replace(f":{parsed.password}@", ":***@")
        return parsed._replace(netloc=netloc).geturl()
    return url
