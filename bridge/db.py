"""The bridge's state database: audit trail, job leases, delivery memory and cursors.

SQLite under the data dir (``$BRIDGE_DATA_DIR/bridge.db``) is the embedded default;
``BRIDGE_DATABASE_URL=postgresql://…`` puts all state on PostgreSQL so that workers on
several hosts share it. Both go through SQLAlchemy Core: one code path, a connection
pool per process, and each engine's own upsert and locking where they differ.

The schema is kept by Alembic migrations shipped in ``bridge/migrations`` and applied
when a process opens the database (serialised between processes that start together).
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError

from bridge.migrate import DatabaseError, upgrade

__all__ = ["Database", "DatabaseError", "describe", "normalise_url", "open_database", "upsert"]


def normalise_url(target: str | Path) -> str:
    """A path or ``sqlite:///…`` / ``postgresql://…`` URL → a SQLAlchemy URL with our drivers."""
    if isinstance(target, Path) or "://" not in str(target):
        return f"sqlite:///{Path(target).resolve()}"
    raw = str(target)
    for prefix in ("postgresql://", "postgres://", "postgresql+psycopg2://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix):]
    if raw.startswith(("postgresql+psycopg://", "sqlite:///")):
        return raw
    scheme = raw.split(":", 1)[0]
    raise DatabaseError(f"unsupported BRIDGE_DATABASE_URL scheme {scheme!r}: use postgresql://… (or leave it unset"
                        " for SQLite in the data dir)")


def describe(url: str | Path) -> str:
    """The database URL without its password, for logs and ``doctor``."""
    try:
        return make_url(normalise_url(url)).render_as_string(hide_password=True)
    except Exception:
        return "<unreadable database URL>"


def _sqlite_engine(url: URL) -> Engine:
    path = Path(url.database or "")
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False},
                           pool_size=8, max_overflow=16)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # We emit BEGIN ourselves (below), so that writers can take the lock up front.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("write_lock", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _postgres_engine(url: URL) -> Engine:
    size = int(os.environ.get("BRIDGE_DATABASE_POOL_SIZE", "5") or 5)
    return create_engine(url, pool_size=size, max_overflow=size * 2, pool_pre_ping=True, pool_recycle=1800,
                         connect_args={"connect_timeout": 5, "application_name": "gdpr-bridge"})


class Database:
    """One engine (and connection pool) for one state database, migrated on open."""

    def __init__(self, target: str | Path, migrate: bool = True) -> None:
        self.url = make_url(normalise_url(target))
        self.dialect = "postgresql" if self.url.get_backend_name() == "postgresql" else "sqlite"
        self.engine = _sqlite_engine(self.url) if self.dialect == "sqlite" else _postgres_engine(self.url)
        if migrate:
            upgrade(self)

    @property
    def path(self) -> Path | None:
        """The SQLite file, or None on PostgreSQL."""
        return Path(self.url.database or "") if self.dialect == "sqlite" else None

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            with conn.begin():
                yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A transaction that may read then write: on SQLite it holds the write lock from
        the start (BEGIN IMMEDIATE); on PostgreSQL callers lock rows with FOR UPDATE."""
        with self.engine.connect().execution_options(write_lock=True) as conn:
            with conn.begin():
                yield conn

    def execute(self, sql: str, **params: Any) -> int:
        """Run one SQL statement in its own write transaction; returns the rows it touched."""
        with self.write() as conn:
            return conn.execute(text(sql), params).rowcount

    def dispose(self) -> None:
        self.engine.dispose()


def upsert(db: Database, table: Any) -> Any:
    """An INSERT that can say ON CONFLICT, in the engine's own dialect."""
    if db.dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table)


_open: dict[tuple[int, str], Database] = {}
_open_lock = threading.Lock()


def open_database(target: str | Path) -> Database:
    """The process's one Database for ``target`` (one pool per process, not per caller)."""
    key = (os.getpid(), normalise_url(target))
    with _open_lock:
        db = _open.get(key)
        if db is None:
            db = _open[key] = Database(target)
        return db


def _after_fork_in_child() -> None:
    # Connections inherited from the parent must not be used by the child: drop the pools
    # without closing the parent's sockets.
    for db in list(_open.values()):
        try:
            db.engine.dispose(close=False)
        except SQLAlchemyError:
            pass


os.register_at_fork(after_in_child=_after_fork_in_child)
