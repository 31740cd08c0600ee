"""The bridge's own SQLite file (``$BRIDGE_DATA_DIR/bridge.db``): audit trail and job state.

One connection per thread; WAL so that the web process, several workers and the
CLI can read and write it at the same time on one host.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    platform TEXT NOT NULL,
    ticket_id TEXT NOT NULL,
    decided_at REAL NOT NULL,
    mode TEXT NOT NULL,
    verdict TEXT NOT NULL,
    action TEXT NOT NULL,
    kinds TEXT NOT NULL,        -- JSON {entity kind: count}
    places TEXT NOT NULL,       -- JSON {subject|body|attachment: [kinds]} (no file names)
    reasons TEXT NOT NULL,      -- JSON [rule names / review reasons], no values
    rules_hash TEXT NOT NULL,
    language TEXT
);
CREATE INDEX IF NOT EXISTS decisions_ticket ON decisions (platform, ticket_id);
CREATE INDEX IF NOT EXISTS decisions_time ON decisions (decided_at);
CREATE TABLE IF NOT EXISTS steps (
    platform TEXT NOT NULL,
    ticket_id TEXT NOT NULL,
    step TEXT NOT NULL,
    at REAL NOT NULL,
    detail TEXT,
    PRIMARY KEY (platform, ticket_id, step)
);
CREATE TABLE IF NOT EXISTS jobs (
    platform TEXT NOT NULL,
    ticket_id TEXT NOT NULL,
    state TEXT NOT NULL,        -- running | retrying | done | dead
    attempts INTEGER NOT NULL DEFAULT 0,
    lease_owner TEXT,
    lease_expires REAL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    last_error TEXT,
    PRIMARY KEY (platform, ticket_id)
);
CREATE INDEX IF NOT EXISTS jobs_state ON jobs (state);
"""


class Database:
    """Thread-local connections to one SQLite file, created with the schema on first use."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        with self.connect() as conn:
            conn.executescript(SCHEMA)

    def connect(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA busy_timeout=30000")
            self._local.conn = conn
        return conn
