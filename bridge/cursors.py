"""Named cursors in the state database, for long runs that must resume where they
stopped on whichever host picks them up (backfill, retention). Values are opaque
strings chosen by their owner: a platform cursor, a time, a ticket id — never personal data."""

from __future__ import annotations

import time

from sqlalchemy import delete, select

from bridge.db import Database, upsert
from bridge.schema import cursors


class CursorStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self, name: str) -> str | None:
        with self.db.read() as conn:
            return conn.execute(select(cursors.c.value).where(cursors.c.name == name)).scalar()

    def set(self, name: str, value: str) -> None:
        statement = upsert(self.db, cursors).values(name=name, value=value, updated_at=time.time())
        with self.db.write() as conn:
            conn.execute(statement.on_conflict_do_update(
                index_elements=[cursors.c.name],
                set_={"value": statement.excluded.value, "updated_at": statement.excluded.updated_at}))

    def clear(self, name: str) -> None:
        with self.db.write() as conn:
            conn.execute(delete(cursors).where(cursors.c.name == name))
