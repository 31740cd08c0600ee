"""Looking at what a state database holds, the way an attacker with a copy would."""

from __future__ import annotations

from sqlalchemy import inspect, text

from bridge.db import Database


def stored_bytes(db: Database) -> bytes:
    """Every row of every table as text, plus the raw file(s) on SQLite."""
    parts: list[bytes] = []
    with db.read() as conn:
        for table in inspect(conn).get_table_names():
            for row in conn.execute(text(f'SELECT * FROM "{table}"')):
                parts.append(repr(tuple(row)).encode())
    if db.path is not None:
        raw = db.engine.raw_connection()  # outside any transaction, or SQLite refuses
        try:
            raw.cursor().execute("PRAGMA wal_checkpoint(FULL)")
        finally:
            raw.close()
        parts += [p.read_bytes() for p in db.path.parent.iterdir() if p.name.startswith(db.path.name)]
    return b"".join(parts)
