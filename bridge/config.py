"""Settings from the environment, validated once at start-up.

Secrets are read where they are used (the adapters) and never kept here, so that
printing the settings (``doctor``) cannot show one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping


class ConfigError(Exception):
    """A setting is missing or wrong; the message says which and how to fix it."""


MODES = ("monitor", "enforce")

# Worker threads mostly wait (platform API, SMTP, deletion-job polls, the OCR child), so a
# few threads keep one slow deletion from holding up the tickets behind it; the models are
# loaded once per process and shared, and OCR children are capped separately.
DEFAULT_WORKERS = 4


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    rules_path: Path | None
    mode_override: str | None  # BRIDGE_MODE; None means "as rules.yaml says"
    queue_url: str
    queue_name: str
    port: int
    host: str
    public_url: str | None
    max_body_bytes: int
    max_concurrent_requests: int
    status_token: str | None
    workers: int
    delivery_memory_hours: int = 72  # how long a webhook delivery id is remembered for dedupe
    extract_concurrency: int = 1  # attachment extraction children at once per worker process
    database_url: str | None = None  # BRIDGE_DATABASE_URL; None means SQLite in the data dir

    @property
    def state_db(self) -> Path:
        return self.data_dir / "bridge.db"

    @property
    def state_url(self) -> str:
        """Where audit, jobs, delivery memory and cursors live (``bridge.db.open_database``)."""
        return self.database_url or f"sqlite:///{self.state_db}"

    def mode(self, rules_mode: str) -> str:
        return self.mode_override or rules_mode


def _int(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None


def _at_least_one(environ: Mapping[str, str], name: str, default: int) -> int:
    value = _int(environ, name, default)
    if value < 1:
        raise ConfigError(f"{name} must be at least 1, got {value}")
    return value


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    data_dir = Path(env.get("BRIDGE_DATA_DIR") or "./data").resolve()
    mode = (env.get("BRIDGE_MODE") or "").strip().lower() or None
    if mode is not None and mode not in MODES:
        raise ConfigError(f"BRIDGE_MODE must be 'monitor' or 'enforce', got {mode!r}")
    rules = env.get("BRIDGE_RULES")
    queue_url = env.get("BRIDGE_QUEUE_URL") or f"sqlite:///{data_dir / 'queue.db'}"
    if not queue_url.startswith(("sqlite://", "redis://", "rediss://", "unix://")):
        raise ConfigError(f"BRIDGE_QUEUE_URL must start with sqlite:/// or redis://, got {queue_url.split(':')[0]!r}:…")
    database_url = (env.get("BRIDGE_DATABASE_URL") or "").strip() or None
    if database_url and not database_url.startswith(("postgresql://", "postgres://", "postgresql+psycopg://",
                                                      "sqlite:///")):
        raise ConfigError(f"BRIDGE_DATABASE_URL must start with postgresql:// (or be unset for SQLite in the data"
                          f" dir), got {database_url.split(':')[0]!r}:…")
    return Settings(
        data_dir=data_dir,
        rules_path=Path(rules) if rules else None,
        mode_override=mode,
        queue_url=queue_url,
        queue_name=env.get("BRIDGE_QUEUE_NAME") or "gdpr-bridge",
        port=_int(env, "PORT", 8080),
        host=env.get("HOST") or "127.0.0.1",
        public_url=env.get("BRIDGE_PUBLIC_URL") or None,
        max_body_bytes=_int(env, "BRIDGE_MAX_BODY_BYTES", 1_000_000),
        max_concurrent_requests=_int(env, "BRIDGE_MAX_CONCURRENT_REQUESTS", 256),
        status_token=env.get("BRIDGE_STATUS_TOKEN") or None,
        workers=_at_least_one(env, "BRIDGE_WORKERS", DEFAULT_WORKERS),
        delivery_memory_hours=_int(env, "BRIDGE_DELIVERY_MEMORY_HOURS", 72),
        extract_concurrency=_at_least_one(env, "BRIDGE_EXTRACT_CONCURRENCY", 1),
        database_url=database_url,
    )
