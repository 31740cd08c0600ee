"""A fresh PostgreSQL database on the machine's server for a test session, dropped after.

The server is 127.0.0.1:5432 unless BRIDGE_TEST_POSTGRES_URL names another. Where it
cannot be reached the tests that need it are skipped on a developer's machine and FAIL
in CI (CI=true): the PostgreSQL path must never go untested there silently.
"""

from __future__ import annotations

import os
import uuid

import pytest

SERVER_URL = os.environ.get("BRIDGE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _admin_connect():  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(SERVER_URL, autocommit=True, connect_timeout=5)


def unavailable(reason: str) -> None:
    message = f"PostgreSQL at {SERVER_URL.rsplit('@', 1)[-1]} unavailable ({reason})"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + ": in CI the PostgreSQL state tests must run", pytrace=False)
    pytest.skip(message)


def create_database(prefix: str = "gdpr_test") -> str:
    """Create ``<prefix>_<random>``; returns its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    try:
        with _admin_connect() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except Exception as exc:  # server down, no such role, ...
        unavailable(type(exc).__name__)
    base, _, _ = SERVER_URL.rpartition("/")
    return f"{base}/{name}"


def drop_database(url: str) -> None:
    name = url.rsplit("/", 1)[-1]
    with _admin_connect() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
