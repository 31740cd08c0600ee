"""Apply the shipped Alembic migrations when a process opens the state database.

Processes that start together (web, several workers, the CLI) must not migrate at the
same time: on PostgreSQL the upgrade runs under a transaction-scoped advisory lock, on
SQLite under the database's write lock (BEGIN IMMEDIATE). A process that finds the
schema already at head skips Alembic altogether.
"""

from __future__ import annotations

import logging
from contextlib import AbstractContextManager
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

from sqlalchemy import Connection, inspect, text
from sqlalchemy.exc import OperationalError

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

# a constant key for the PostgreSQL advisory lock taken while migrating ("gdprbrdg")
MIGRATION_LOCK_KEY = 0x67647072_62726467 & 0x7FFFFFFFFFFFFFFF


class DatabaseError(Exception):
    """The state database cannot be used; the message says why (never a value from a ticket)."""


class Migratable(Protocol):
    """What ``upgrade`` needs of ``bridge.db.Database``."""

    dialect: str

    def read(self) -> AbstractContextManager[Connection]: ...

    def write(self) -> AbstractContextManager[Connection]: ...

SCRIPT_LOCATION = "bridge:migrations"

# The newest revision in bridge/migrations/versions (a test holds the two together): a
# process whose database is already there starts without importing Alembic at all.
HEAD = "0004"


def alembic_config() -> "Config":
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", SCRIPT_LOCATION)
    return cfg


@lru_cache(maxsize=1)
def head_revision() -> str:
    """The newest revision as Alembic reads it from the shipped scripts."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(db: Migratable) -> str | None:
    with db.read() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(db: Migratable) -> None:
    """Bring the schema to the newest revision (no-op when it is there already)."""
    try:
        if current_revision(db) == HEAD:
            return
        logging.getLogger("alembic").setLevel(logging.WARNING)  # one line of ours instead of a dozen
        from alembic import command

        with db.write() as conn:
            if db.dialect == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    except OperationalError as exc:
        raise DatabaseError(f"state database unavailable ({type(exc.orig).__name__}): check BRIDGE_DATABASE_URL"
                            " and that the server is running") from None
    log.info("state database migrated", extra={"revision": HEAD, "engine": db.dialect})
